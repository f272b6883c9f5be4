//! Rows of the input with the per-row factors that turn them into the space the search
//! measures distances in, and the squared distance kernel.

use embviz_core::{Error, Float, Metric, Result};
use ndarray::{ArrayView2, CowArray, Ix2};

use crate::kernel::{max_abs, power_of_two_scale};

/// Independent partial sums per distance. Eight lanes let the compiler keep the sum in
/// vector registers while the order of additions stays fixed, so a distance is the same
/// number on every run.
const LANES: usize = 8;

/// Values between two checks of a partial distance against its limit. Checking costs a
/// sum over the lanes, so checking rarely keeps it cheap, while still stopping early.
const CHECK_EVERY: usize = 64;

/// The input rows, row-major, read as `f64` and multiplied by a per-row factor.
///
/// For the euclidean metric every factor is one shared power of two (usually 1), chosen as
/// in the exact search so that squares of huge or tiny values neither overflow nor
/// underflow. For the cosine metric row `i` gets `scale_i / |scale_i x_i|`, so the scaled
/// rows have unit norm and `|u - v|^2 = 2 (1 - cos)`. Both metrics then reduce to squared
/// euclidean distances, which order pairs like the final distances.
#[derive(Debug)]
pub(crate) struct ScaledRows<'a, F> {
    x: CowArray<'a, F, Ix2>,
    factors: Vec<f64>,
    /// True when every factor is 1, so the kernel can skip the multiplications.
    unit_factors: bool,
    metric: Metric,
}

impl<'a, F: Float> ScaledRows<'a, F> {
    /// Prepares `x` for `metric`, copying it only when it is not row-contiguous.
    ///
    /// # Errors
    ///
    /// [`Error::ZeroVector`] for a row of zero norm with [`Metric::Cosine`], and
    /// [`Error::InvalidParameter`] (`metric`) for a metric other than euclidean and cosine.
    pub(crate) fn new(x: ArrayView2<'a, F>, metric: Metric) -> Result<Self> {
        let x: CowArray<'a, F, Ix2> = if x.is_standard_layout() {
            x.into()
        } else {
            x.as_standard_layout().into_owned().into()
        };
        let factors = match metric {
            Metric::Euclidean => {
                let scale = power_of_two_scale(max_abs(x.iter().copied()));
                vec![scale; x.nrows()]
            }
            Metric::Cosine => cosine_factors(&x.view())?,
            other => {
                return Err(Error::invalid_parameter(
                    "metric",
                    other,
                    "NN-descent supports \"euclidean\" and \"cosine\"",
                ));
            }
        };
        let unit_factors = factors.iter().all(|&f| f == 1.0);
        Ok(Self {
            x,
            factors,
            unit_factors,
            metric,
        })
    }

    /// Returns the number of rows.
    pub(crate) fn n_rows(&self) -> usize {
        self.x.nrows()
    }

    /// Returns the number of columns.
    pub(crate) fn n_cols(&self) -> usize {
        self.x.ncols()
    }

    /// Returns the unscaled values of `row`.
    pub(crate) fn row(&self, row: usize) -> &[F] {
        let n_cols = self.n_cols();
        let values = self
            .x
            .as_slice()
            .expect("as_standard_layout returns a row-contiguous array");
        &values[row * n_cols..(row + 1) * n_cols]
    }

    /// Returns the factor that scales `row` into the search space.
    pub(crate) fn factor(&self, row: usize) -> f64 {
        self.factors[row]
    }

    /// Returns the squared euclidean distance between rows `a` and `b` of the search space,
    /// accumulated in `f64`.
    #[inline]
    pub(crate) fn squared_distance(&self, a: usize, b: usize) -> f64 {
        self.squared_distance_below(a, b, f64::INFINITY)
            .expect("no sum of squares exceeds infinity")
    }

    /// Returns the squared distance between rows `a` and `b`, or `None` as soon as a
    /// partial sum exceeds `limit`.
    ///
    /// Partial sums of squares only grow, so `None` means the distance exceeds `limit`.
    /// A returned distance is bit for bit the one [`squared_distance`](Self::squared_distance)
    /// returns, because the order of the additions does not depend on `limit`.
    #[inline]
    pub(crate) fn squared_distance_below(&self, a: usize, b: usize, limit: f64) -> Option<f64> {
        if self.unit_factors {
            sum_squared_differences(self.row(a), self.row(b), 1.0, 1.0, limit, |x, _| x)
        } else {
            sum_squared_differences(
                self.row(a),
                self.row(b),
                self.factors[a],
                self.factors[b],
                limit,
                |x, factor| x * factor,
            )
        }
    }

    /// Converts a squared distance of the search space into a distance of the metric, in
    /// `F`: the euclidean distance of the input rows, or the cosine distance `1 - cos`.
    pub(crate) fn output_distance(&self, squared: f64) -> F {
        F::from_f64_lossy(match self.metric {
            // For unit rows, |u - v|^2 = 2 - 2 cos, so the cosine distance is half of it.
            Metric::Cosine => (0.5 * squared).min(2.0),
            _ => squared.sqrt() / self.factors.first().copied().unwrap_or(1.0),
        })
    }
}

/// Returns `scale_i / |scale_i x_i|` for every row, or the error naming the first row of
/// zero norm. The power of two `scale_i` keeps the norm from overflowing or underflowing.
fn cosine_factors<F: Float>(x: &ArrayView2<'_, F>) -> Result<Vec<f64>> {
    x.outer_iter()
        .enumerate()
        .map(|(row, values)| {
            let scale = power_of_two_scale(max_abs(values.iter().copied()));
            let norm = values
                .iter()
                .map(|&v| {
                    let scaled = v.to_f64_exact() * scale;
                    scaled * scaled
                })
                .sum::<f64>()
                .sqrt();
            if norm == 0.0 {
                return Err(Error::ZeroVector { what: "X", row });
            }
            Ok(scale / norm)
        })
        .collect()
}

/// Returns `sum_i (s(a_i, fa) - s(b_i, fb))^2` in `f64`, where `s` applies a factor, or
/// `None` once a partial sum, checked every [`CHECK_EVERY`] values, exceeds `limit`.
///
/// Passing `|x, _| x` for unit factors lets the compiler drop the multiplications.
#[inline(always)]
fn sum_squared_differences<F: Float>(
    a: &[F],
    b: &[F],
    factor_a: f64,
    factor_b: f64,
    limit: f64,
    scaled: impl Fn(f64, f64) -> f64,
) -> Option<f64> {
    let chunks_a = a.chunks_exact(LANES);
    let chunks_b = b.chunks_exact(LANES);
    let mut tail = 0.0;
    for (&x, &y) in chunks_a.remainder().iter().zip(chunks_b.remainder()) {
        let d = scaled(x.to_f64_exact(), factor_a) - scaled(y.to_f64_exact(), factor_b);
        tail += d * d;
    }
    let mut sums = [0.0_f64; LANES];
    for (chunk, (xs, ys)) in chunks_a.zip(chunks_b).enumerate() {
        for lane in 0..LANES {
            let d = scaled(xs[lane].to_f64_exact(), factor_a)
                - scaled(ys[lane].to_f64_exact(), factor_b);
            sums[lane] += d * d;
        }
        if (chunk + 1) % (CHECK_EVERY / LANES) == 0 && combine(&sums, tail) > limit {
            return None;
        }
    }
    let total = combine(&sums, tail);
    (total <= limit).then_some(total)
}

/// Adds the lane sums and the tail in a fixed order.
#[inline(always)]
fn combine(sums: &[f64; LANES], tail: f64) -> f64 {
    let (low, high) = sums.split_at(LANES / 2);
    let mut total = tail;
    for (x, y) in low.iter().zip(high) {
        total += x + y;
    }
    total
}

/// Returns `factor * (normal . row)` in `f64`, with the same fixed summation order as the
/// distance kernel.
#[inline]
pub(crate) fn scaled_dot<F: Float>(normal: &[f64], row: &[F], factor: f64) -> f64 {
    let chunks_n = normal.chunks_exact(LANES);
    let chunks_r = row.chunks_exact(LANES);
    let mut tail = 0.0;
    for (&n, &r) in chunks_n.remainder().iter().zip(chunks_r.remainder()) {
        tail += n * r.to_f64_exact();
    }
    let mut sums = [0.0_f64; LANES];
    for (ns, rs) in chunks_n.zip(chunks_r) {
        for lane in 0..LANES {
            sums[lane] += ns[lane] * rs[lane].to_f64_exact();
        }
    }
    factor * combine(&sums, tail)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn euclidean_squared_distance() {
        let x = array![
            [0.0_f32, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0],
            [1.0_f32, 1.0, 0.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 12.0]
        ];
        let rows = ScaledRows::new(x.view(), Metric::Euclidean).expect("finite rows");
        assert_eq!(rows.squared_distance(0, 1), 1.0 + 4.0 + 9.0);
        assert_eq!(rows.squared_distance(1, 0), 14.0);
        assert_eq!(rows.squared_distance(1, 1), 0.0);
        assert_eq!(
            rows.output_distance(rows.squared_distance(0, 1)),
            14.0_f32.sqrt()
        );
    }

    #[test]
    fn bounded_distance_stops_above_limit() {
        let x = ndarray::Array2::from_shape_fn((2, 300), |(i, j)| (i * j) as f32 * 0.01);
        let rows = ScaledRows::new(x.view(), Metric::Euclidean).expect("finite rows");
        let full = rows.squared_distance(0, 1);
        assert_eq!(rows.squared_distance_below(0, 1, full), Some(full));
        assert_eq!(rows.squared_distance_below(0, 1, f64::INFINITY), Some(full));
        assert_eq!(rows.squared_distance_below(0, 1, full * 0.999), None);
        assert_eq!(rows.squared_distance_below(0, 1, 0.0), None);
    }

    #[test]
    fn cosine_rows_have_unit_norm() {
        let x = array![[3.0_f64, 4.0], [0.0, 2.0], [-6.0, -8.0]];
        let rows = ScaledRows::new(x.view(), Metric::Cosine).expect("no zero rows");
        // cos(row 0, row 1) = 0.8, so the cosine distance is 0.2.
        let d = rows.output_distance(rows.squared_distance(0, 1));
        assert!((d - 0.2).abs() < 1e-15, "{d}");
        assert_eq!(rows.output_distance(rows.squared_distance(0, 2)), 2.0);
    }

    #[test]
    fn cosine_rejects_zero_row() {
        let x = array![[1.0_f32, 0.0], [0.0, 0.0]];
        match ScaledRows::new(x.view(), Metric::Cosine) {
            Err(Error::ZeroVector { what, row }) => {
                assert_eq!(what, "X");
                assert_eq!(row, 1);
            }
            other => panic!("expected ZeroVector, got {other:?}"),
        }
    }

    #[test]
    fn huge_values_are_scaled() {
        let x = array![[1e300_f64, 0.0], [0.0, 1e300]];
        let rows = ScaledRows::new(x.view(), Metric::Euclidean).expect("finite rows");
        let d = rows.output_distance(rows.squared_distance(0, 1));
        let expected = 2.0_f64.sqrt() * 1e300;
        assert!((d / expected - 1.0).abs() < 1e-15, "{d}");
    }
}
