//! The two inner operations of the layout, made cheap: `d^b` for the kernel and a
//! uniform row index for negative sampling.
//!
//! Both run hundreds of millions of times in one layout. Before, libm's `powf` and a
//! ChaCha generator per row and epoch took half of the layout's time.

/// Segments per octave of the kernel tables.
const SEGMENT_BITS: u32 = 10;
/// Octaves of squared distance the tables cover: `[2^-24, 2^16)`. Squared distances
/// outside take the exact formula.
const LOWEST_OCTAVE: i64 = -24;
const OCTAVES: i64 = 40;

/// The two gradient coefficients of the layout as functions of the squared distance
/// `d2`, tabulated once per layout:
///
/// - attraction `-2ab d2^(b-1) / (1 + a d2^b)`,
/// - repulsion `2 gamma b / ((0.001 + d2) (1 + a d2^b))`.
///
/// Each table contains the function at 1024 points per octave of `d2`, equally spaced in the
/// mantissa, and a lookup interpolates linearly between the two points around `d2`. The
/// relative error is below 1e-6 (the test measures it), against about 1e-7 for the `f32`
/// arithmetic of umap-learn's layout, where a negative sample is a random pick anyway.
///
/// PERF: the exact formulas need `d2^b`; libm's `powf` and the division made up half of
/// the layout's time. A lookup is a few integer operations and two loads from a table
/// of 160 kB that stays in the core's cache.
#[derive(Debug, Clone)]
pub(super) struct Kernel {
    a: f64,
    b: f64,
    gamma: f64,
    attraction: Vec<f32>,
    repulsion: Vec<f32>,
}

impl Kernel {
    /// Tabulates the coefficients for the curve `1 / (1 + a d^(2b))` and the repulsion
    /// strength `gamma`.
    pub(super) fn new(a: f64, b: f64, gamma: f64) -> Self {
        let points = (OCTAVES << SEGMENT_BITS) as usize + 1;
        let mut attraction = Vec::with_capacity(points);
        let mut repulsion = Vec::with_capacity(points);
        for point in 0..points {
            let octave = LOWEST_OCTAVE + (point >> SEGMENT_BITS) as i64;
            let fraction = (point & ((1 << SEGMENT_BITS) - 1)) as f64;
            let d2 = (octave as f64).exp2() * (1.0 + fraction / f64::from(1_u32 << SEGMENT_BITS));
            attraction.push(attraction_exact(d2, a, b) as f32);
            repulsion.push(repulsion_exact(d2, a, b, gamma) as f32);
        }
        Self {
            a,
            b,
            gamma,
            attraction,
            repulsion,
        }
    }

    /// Returns the attraction coefficient at squared distance `d2 > 0`.
    #[inline(always)]
    pub(super) fn attraction(&self, d2: f64) -> f64 {
        match lookup(&self.attraction, d2) {
            Some(value) => value,
            None => attraction_exact(d2, self.a, self.b),
        }
    }

    /// Returns the repulsion coefficient at squared distance `d2 > 0`.
    #[inline(always)]
    pub(super) fn repulsion(&self, d2: f64) -> f64 {
        match lookup(&self.repulsion, d2) {
            Some(value) => value,
            None => repulsion_exact(d2, self.a, self.b, self.gamma),
        }
    }
}

fn attraction_exact(d2: f64, a: f64, b: f64) -> f64 {
    let power = d2.powf(b);
    -2.0 * a * b * power / (d2 * (a * power + 1.0))
}

fn repulsion_exact(d2: f64, a: f64, b: f64, gamma: f64) -> f64 {
    2.0 * gamma * b / ((REPULSION_EPSILON + d2) * (a * d2.powf(b) + 1.0))
}

/// Added to the squared distance in the repulsion, so that rows at the same place do not
/// repel infinitely (umap-learn's 0.001).
const REPULSION_EPSILON: f64 = 0.001;

/// Interpolates `table` at `d2`, or returns `None` outside the tabulated octaves.
#[inline(always)]
fn lookup(table: &[f32], d2: f64) -> Option<f64> {
    const FRACTION_BITS: u32 = 52 - SEGMENT_BITS;
    let bits = d2.to_bits();
    let octave = (bits >> 52) as i64 - 1023 - LOWEST_OCTAVE;
    if !(0..OCTAVES).contains(&octave) {
        return None;
    }
    let mantissa = bits & ((1 << 52) - 1);
    let point = ((octave as u64) << SEGMENT_BITS | (mantissa >> FRACTION_BITS)) as usize;
    let t =
        (mantissa & ((1 << FRACTION_BITS) - 1)) as f64 * (1.0 / (1_u64 << FRACTION_BITS) as f64);
    let low = f64::from(*table.get(point)?);
    let high = f64::from(*table.get(point + 1)?);
    Some(low + (high - low) * t)
}

/// A small generator of row indices for negative sampling: SplitMix64 over a state
/// seeded from the run's seed and the stream, with Lemire's multiply-shift to map a draw
/// onto `0..n`.
///
/// Its quality is ample for picking rows (SplitMix64 passes BigCrush), and setting it up
/// costs two multiplications, where a ChaCha generator per row and epoch cost a block of
/// key stream.
#[derive(Debug, Clone)]
pub(super) struct SampleRng {
    state: u64,
}

impl SampleRng {
    /// Returns the generator of `stream` under `seed`.
    pub(super) fn new(seed: u64, stream: u64) -> Self {
        let mut rng = Self {
            state: seed ^ 0x6a09_e667_f3bc_c909,
        };
        let mixed = rng.next_u64() ^ stream.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        Self { state: mix(mixed) }
    }

    #[inline(always)]
    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix(self.state)
    }

    /// Returns an index in `0..n`. The bias towards low indices is below `n / 2^64`.
    #[inline(always)]
    pub(super) fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }
}

/// SplitMix64's output function.
#[inline(always)]
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kernel_tables_match_formulas() {
        for (a, b) in [(1.577, 0.8951), (1.929, 0.7915), (0.1155, 1.0)] {
            let kernel = Kernel::new(a, b, 1.0);
            let (mut worst_attraction, mut worst_repulsion): (f64, f64) = (0.0, 0.0);
            let mut d2: f64 = 1e-12;
            while d2 < 1e8 {
                let exact = attraction_exact(d2, a, b);
                worst_attraction =
                    worst_attraction.max(((kernel.attraction(d2) - exact) / exact).abs());
                let exact = repulsion_exact(d2, a, b, 1.0);
                worst_repulsion =
                    worst_repulsion.max(((kernel.repulsion(d2) - exact) / exact).abs());
                d2 *= 1.000_37;
            }
            assert!(worst_attraction < 1e-6, "attraction: {worst_attraction}");
            assert!(worst_repulsion < 1e-6, "repulsion: {worst_repulsion}");
        }
    }

    #[test]
    fn sample_rng_covers_the_range_evenly() {
        let mut rng = SampleRng::new(0, 7);
        let mut counts = [0usize; 10];
        for _ in 0..100_000 {
            counts[rng.below(10)] += 1;
        }
        // Each count is binomial(100000, 0.1): mean 10000, standard deviation 95.
        assert!(
            counts.iter().all(|&c| (9_600..10_400).contains(&c)),
            "{counts:?}"
        );
        let first: Vec<usize> = (0..5).map(|_| SampleRng::new(3, 1).below(1000)).collect();
        assert!(first.iter().all(|&v| v == first[0]));
        assert_ne!(
            SampleRng::new(3, 1).below(1 << 40),
            SampleRng::new(3, 2).below(1 << 40)
        );
    }
}
