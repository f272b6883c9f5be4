//! Blocked squared distances through a matrix product, feeding per-row top-k lists.
//!
//! For rows `a` and `b` (converted to `f64`),
//!
//! ```text
//! |a - b|^2 = |a|^2 + |b|^2 - 2 a.b
//! ```
//!
//! so the distances between a block of query rows and a block of data rows come from one
//! matrix product `A B^T` plus the precomputed squared norms. The product runs in `f64` even
//! for `f32` input, because in `f32` the subtraction cancels most significant digits for
//! close pairs of long vectors. scikit-learn 1.9 also copies `float32` chunks to `float64`
//! before its product (`_middle_term_computer.pyx.tp`). Pairs whose squared distance is tiny next to their norms are recomputed
//! directly as `sum (a_i - b_i)^2`, so identical rows get exactly 0 and near-duplicates keep
//! their relative accuracy.
//!
//! Blocks have [`BLOCK_ROWS`] rows whatever the number of threads, and every candidate list
//! is ordered by `(distance, index)`, so the output does not depend on the thread count.

use std::sync::{Mutex, PoisonError};

use embviz_core::Float;
use ndarray::ArrayView2;
use rayon::prelude::*;

use crate::top_k::TopK;

/// Rows per block of the matrix product. A 256 x 256 tile of `f64` is 512 KiB, small enough
/// to stay in the L2 cache of current x86 cores while the top-k lists read it. On mnist10k,
/// 512 rows ran no faster.
pub(crate) const BLOCK_ROWS: usize = 256;

/// A pair is recomputed directly when its squared distance from the product is at most this
/// fraction of `|a|^2 + |b|^2`. Above it, the product's rounding error (at most about
/// `n_features * 1.1e-16 * (|a|^2 + |b|^2)`) is below `n_features * 1.1e-11` of the result.
const RECOMPUTE_FRACTION: f64 = 1e-5;

/// Rows read as `f64`: multiplied by `scale[row]` for the euclidean metric, and in
/// addition divided by `divisor[row]`, the row's norm, for the cosine metric.
///
/// For the euclidean metric the scale is one power of two shared by all rows (see
/// [`power_of_two_scale`]). For the cosine metric each row gets its own power of two before
/// its norm is taken, so the norm neither overflows nor underflows. Multiplying by a power
/// of two is exact, so the unit rows equal `x / |x|` wherever that does not overflow.
#[derive(Debug)]
pub(crate) struct PreparedRows<'a, F> {
    x: ArrayView2<'a, F>,
    scale: Vec<f64>,
    divisor: Option<Vec<f64>>,
    squared_norms: Vec<f64>,
}

impl<'a, F: Float> PreparedRows<'a, F> {
    /// Prepares `x` for euclidean distances with the shared power-of-two `scale`.
    pub(crate) fn euclidean(x: ArrayView2<'a, F>, scale: f64) -> Self {
        Self::with_factors(x, vec![scale; x.nrows()], None)
    }

    /// Prepares `x` for cosine distances, or returns the index of the first row whose
    /// norm is zero.
    pub(crate) fn cosine(x: ArrayView2<'a, F>) -> Result<Self, usize> {
        let mut scale = Vec::with_capacity(x.nrows());
        let mut divisor = Vec::with_capacity(x.nrows());
        for (index, row) in x.outer_iter().enumerate() {
            let row_scale = power_of_two_scale(max_abs(row.iter().copied()));
            let norm = row
                .iter()
                .map(|&v| {
                    let scaled = v.to_f64_exact() * row_scale;
                    scaled * scaled
                })
                .sum::<f64>()
                .sqrt();
            if norm == 0.0 {
                return Err(index);
            }
            scale.push(row_scale);
            divisor.push(norm);
        }
        Ok(Self::with_factors(x, scale, Some(divisor)))
    }

    fn with_factors(x: ArrayView2<'a, F>, scale: Vec<f64>, divisor: Option<Vec<f64>>) -> Self {
        let mut rows = Self {
            x,
            scale,
            divisor,
            squared_norms: Vec::new(),
        };
        let mut buffer = Vec::with_capacity(x.ncols());
        rows.squared_norms = (0..x.nrows())
            .map(|row| {
                buffer.clear();
                rows.extend_row(row, &mut buffer);
                buffer.iter().map(|v| v * v).sum()
            })
            .collect();
        rows
    }

    fn n_rows(&self) -> usize {
        self.x.nrows()
    }

    fn n_blocks(&self) -> usize {
        self.n_rows().div_ceil(BLOCK_ROWS)
    }

    fn block_range(&self, block: usize) -> std::ops::Range<usize> {
        let start = block * BLOCK_ROWS;
        start..(start + BLOCK_ROWS).min(self.n_rows())
    }

    /// Appends the converted values of `row` to `buffer`.
    fn extend_row(&self, row: usize, buffer: &mut Vec<f64>) {
        let values = self.x.row(row);
        let scale = self.scale[row];
        let divisor = self.divisor.as_ref().map(|divisor| divisor[row]);
        // The first arm, the common euclidean case, is a plain widening loop that the
        // compiler vectorizes. This runs once per row per tile.
        match (values.as_slice(), divisor) {
            (Some(values), None) if scale == 1.0 => {
                buffer.extend(values.iter().map(|&v| v.to_f64_exact()));
            }
            (Some(values), None) => {
                buffer.extend(values.iter().map(|&v| v.to_f64_exact() * scale));
            }
            (Some(values), Some(divisor)) => {
                buffer.extend(values.iter().map(|&v| v.to_f64_exact() * scale / divisor));
            }
            (None, divisor) => {
                let divisor = divisor.unwrap_or(1.0);
                buffer.extend(values.iter().map(|&v| v.to_f64_exact() * scale / divisor));
            }
        }
    }

    /// Writes the converted rows of `block` into `buffer`, row-major.
    fn fill_block(&self, block: usize, buffer: &mut Vec<f64>) {
        buffer.clear();
        for row in self.block_range(block) {
            self.extend_row(row, buffer);
        }
    }
}

/// Returns a power of two that brings `max_abs` into `[1, 2)` when squared norms of such
/// values could overflow or underflow `f64` (outside `[2^-250, 2^250]`), and 1 otherwise.
///
/// Multiplying by a power of two is exact, so the scaled distances round exactly like the
/// unscaled ones would without overflow.
pub(crate) fn power_of_two_scale(max_abs: f64) -> f64 {
    const MIN_SAFE: f64 = f64::from_bits((1023 - 250) << 52);
    const MAX_SAFE: f64 = f64::from_bits((1023 + 250) << 52);
    if max_abs == 0.0 || !max_abs.is_finite() || (MIN_SAFE..=MAX_SAFE).contains(&max_abs) {
        return 1.0;
    }
    // Clamped so that both the scale and its inverse are normal numbers.
    let exponent = (max_abs.log2().floor() as i64).clamp(-1000, 1000);
    f64::from_bits(((1023 - exponent) as u64) << 52)
}

/// Returns the largest absolute value, in `f64`.
pub(crate) fn max_abs<F: Float>(values: impl Iterator<Item = F>) -> f64 {
    values.fold(0.0, |max, v| max.max(v.to_f64_exact().abs()))
}

/// Returns the squared distance of a pair from its dot product and squared norms, or
/// recomputes it directly from the rows when cancellation could dominate it.
#[inline]
fn squared_distance(dot: f64, norm_a: f64, norm_b: f64, a: &[f64], b: &[f64]) -> f64 {
    let norms = norm_a + norm_b;
    let from_product = norms - 2.0 * dot;
    if from_product > RECOMPUTE_FRACTION * norms {
        return from_product;
    }
    a.iter()
        .zip(b)
        .map(|(x, y)| {
            let d = x - y;
            d * d
        })
        .sum()
}

/// Buffers of one tile computation, reused across tiles to avoid page faults on fresh
/// allocations.
#[derive(Debug, Default)]
struct Scratch {
    a: Vec<f64>,
    b: Vec<f64>,
    product: Vec<f64>,
}

/// Scratch buffers shared by the tasks of a parallel loop. A task takes one and gives it
/// back, so no more sets are allocated than tasks run at once.
#[derive(Debug, Default)]
struct ScratchPool(Mutex<Vec<Scratch>>);

impl ScratchPool {
    fn take(&self) -> Scratch {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop()
            .unwrap_or_default()
    }

    fn give_back(&self, scratch: Scratch) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(scratch);
    }
}

/// One block of converted rows, `n_rows x n_cols` values stored row-major in `values`.
#[derive(Clone, Copy)]
struct Block<'b> {
    values: &'b [f64],
    n_cols: usize,
    squared_norms: &'b [f64],
    /// Index of the block's first row in the whole matrix.
    start: usize,
}

impl<'b> Block<'b> {
    fn new<F: Float>(
        rows: &'b PreparedRows<'_, F>,
        block: usize,
        buffer: &'b mut Vec<f64>,
    ) -> Self {
        let range = rows.block_range(block);
        rows.fill_block(block, buffer);
        Self {
            values: buffer,
            n_cols: rows.x.ncols(),
            squared_norms: &rows.squared_norms[range.clone()],
            start: range.start,
        }
    }

    fn n_rows(&self) -> usize {
        self.squared_norms.len()
    }

    fn row(&self, row: usize) -> &'b [f64] {
        &self.values[row * self.n_cols..(row + 1) * self.n_cols]
    }

    fn as_array(&self) -> ndarray::ArrayView2<'b, f64> {
        ndarray::ArrayView2::from_shape((self.n_rows(), self.n_cols), self.values)
            .expect("a block contains n_rows * n_cols values")
    }
}

/// Computes the dot products `a b^T` into `buffer`, row-major `a.n_rows() x b.n_rows()`.
///
/// PERF: faer's product was 12 % faster here (0.81 s against 0.92 s for mnist10k, k = 20, on
/// a 2-core AVX-512 Xeon), but its kernels return with the upper halves of the vector
/// registers dirty. Every SSE instruction that the same thread ran afterwards then paid a
/// transition penalty: the t-SNE perplexity search on digits took 270 ms after a faer
/// product and 11 ms before. ndarray's `general_mat_mul` (matrixmultiply) leaves the
/// registers clean. The product runs sequentially because the tiles are already spread
/// over threads.
fn product<'b>(a: &Block<'_>, b: &Block<'_>, buffer: &'b mut Vec<f64>) -> &'b [f64] {
    let (n_a, n_b) = (a.n_rows(), b.n_rows());
    buffer.clear();
    buffer.resize(n_a * n_b, 0.0);
    let mut c = ndarray::ArrayViewMut2::from_shape((n_a, n_b), &mut buffer[..])
        .expect("the buffer was resized to n_a * n_b");
    ndarray::linalg::general_mat_mul(1.0, &a.as_array(), &b.as_array().t(), 0.0, &mut c);
    buffer
}

/// Finds the `k` nearest other rows of every row of `rows`, returning one [`TopK`] per
/// block of [`BLOCK_ROWS`] rows, with squared distances.
///
/// Each pair of blocks is multiplied once and feeds both blocks' lists, which halves the
/// work of a plain query. The pairs are scheduled in rounds of disjoint blocks (the circle
/// method of round-robin tournaments), so the tasks of a round never share a list.
pub(crate) fn self_top_k<F: Float>(rows: &PreparedRows<'_, F>, k: usize) -> Vec<TopK> {
    let n_blocks = rows.n_blocks();
    let pool = ScratchPool::default();

    let mut lists: Vec<TopK> = (0..n_blocks)
        .into_par_iter()
        .map(|block| {
            let mut top = TopK::new(rows.block_range(block).len(), k);
            let mut scratch = pool.take();
            diagonal_tile(rows, block, &mut top, &mut scratch);
            pool.give_back(scratch);
            top
        })
        .collect();

    let rounds = round_robin(n_blocks);
    log::debug!(
        "{n_blocks} blocks of up to {BLOCK_ROWS} rows: {n_blocks} diagonal tiles, then {} rounds of block pairs",
        rounds.len()
    );
    for round in rounds {
        let tasks: Vec<(usize, usize, TopK, TopK)> = round
            .iter()
            .map(|&(i, j)| {
                let top_i = std::mem::take(&mut lists[i]);
                let top_j = std::mem::take(&mut lists[j]);
                (i, j, top_i, top_j)
            })
            .collect();
        let done: Vec<(usize, usize, TopK, TopK)> = tasks
            .into_par_iter()
            .map(|(i, j, mut top_i, mut top_j)| {
                let mut scratch = pool.take();
                let Scratch { a, b, product: c } = &mut scratch;
                let a = Block::new(rows, i, a);
                let b = Block::new(rows, j, b);
                let c = product(&a, &b, c);
                offer_tile(c, &a, &b, &mut top_i, Some(&mut top_j));
                pool.give_back(scratch);
                (i, j, top_i, top_j)
            })
            .collect();
        for (i, j, top_i, top_j) in done {
            lists[i] = top_i;
            lists[j] = top_j;
        }
    }
    lists.par_iter_mut().for_each(TopK::sort);
    lists
}

/// Offers every pair of distinct rows inside `block` to both rows' lists.
fn diagonal_tile<F: Float>(
    rows: &PreparedRows<'_, F>,
    block: usize,
    top: &mut TopK,
    scratch: &mut Scratch,
) {
    let Scratch { a, product: c, .. } = scratch;
    let a = Block::new(rows, block, a);
    let c = product(&a, &a, c);
    let n = a.n_rows();
    for i in 0..n {
        let row_i = a.row(i);
        // Only the upper triangle is read, so each pair gets one distance for both lists.
        for j in (i + 1)..n {
            let d = squared_distance(
                c[i * n + j],
                a.squared_norms[i],
                a.squared_norms[j],
                row_i,
                a.row(j),
            );
            top.push(i, d, a.start + j);
            top.push(j, d, a.start + i);
        }
    }
}

/// Offers the pairs of one tile, `c = a b^T`, to the lists of the rows of `a` and, when
/// given, to those of the rows of `b`.
fn offer_tile(
    c: &[f64],
    a: &Block<'_>,
    b: &Block<'_>,
    top_a: &mut TopK,
    mut top_b: Option<&mut TopK>,
) {
    let n_b = b.n_rows();
    for (i, products) in c.chunks_exact(n_b).enumerate() {
        let norm_a = a.squared_norms[i];
        let mut bound_a = top_a.bound(i);
        for (j, (&dot, &norm_b)) in products.iter().zip(b.squared_norms).enumerate() {
            let d = squared_distance(dot, norm_a, norm_b, a.row(i), b.row(j));
            if d <= bound_a {
                top_a.push(i, d, b.start + j);
                bound_a = top_a.bound(i);
            }
            if let Some(top_b) = top_b.as_deref_mut()
                && d <= top_b.bound(j)
            {
                top_b.push(j, d, a.start + i);
            }
        }
    }
}

/// Finds the `k` nearest rows of `data` for every row of `queries`, returning one
/// [`TopK`] per block of [`BLOCK_ROWS`] query rows, with squared distances.
pub(crate) fn query_top_k<F: Float>(
    data: &PreparedRows<'_, F>,
    queries: &PreparedRows<'_, F>,
    k: usize,
) -> Vec<TopK> {
    let pool = ScratchPool::default();
    (0..queries.n_blocks())
        .into_par_iter()
        .map(|query_block| {
            let mut scratch = pool.take();
            let Scratch { a, b, product: c } = &mut scratch;
            let a = Block::new(queries, query_block, a);
            let mut top = TopK::new(a.n_rows(), k);
            for data_block in 0..data.n_blocks() {
                let b = Block::new(data, data_block, b);
                let c = product(&a, &b, c);
                offer_tile(c, &a, &b, &mut top, None);
            }
            pool.give_back(scratch);
            top.sort();
            top
        })
        .collect()
}

/// Groups the pairs `(i, j)`, `i < j < n_blocks`, into rounds in which no block appears
/// twice, by the circle method: block `m - 1` stays fixed while the others rotate.
fn round_robin(n_blocks: usize) -> Vec<Vec<(usize, usize)>> {
    // With an odd count, a phantom block m - 1 = n_blocks sits out one block per round.
    let m = n_blocks + n_blocks % 2;
    let mut rounds = Vec::new();
    for round in 0..m.saturating_sub(1) {
        let mut pairs = Vec::with_capacity(m / 2);
        if m - 1 < n_blocks {
            pairs.push((round, m - 1));
        }
        for offset in 1..m / 2 {
            let a = (round + offset) % (m - 1);
            let b = (round + m - 1 - offset) % (m - 1);
            pairs.push((a.min(b), a.max(b)));
        }
        if !pairs.is_empty() {
            rounds.push(pairs);
        }
    }
    rounds
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn round_robin_covers_each_pair_once() {
        for n_blocks in 0..12 {
            let rounds = round_robin(n_blocks);
            let mut seen = BTreeSet::new();
            for round in &rounds {
                let mut in_round = BTreeSet::new();
                for &(i, j) in round {
                    assert!(i < j, "pair ({i}, {j}) is not ordered");
                    assert!(j < n_blocks, "pair ({i}, {j}) is out of {n_blocks} blocks");
                    assert!(
                        in_round.insert(i) && in_round.insert(j),
                        "block twice in a round"
                    );
                    assert!(seen.insert((i, j)), "pair ({i}, {j}) twice");
                }
            }
            assert_eq!(seen.len(), n_blocks * n_blocks.saturating_sub(1) / 2);
        }
    }

    #[test]
    fn scale_is_power_of_two() {
        assert_eq!(power_of_two_scale(0.0), 1.0);
        assert_eq!(power_of_two_scale(1.0), 1.0);
        assert_eq!(power_of_two_scale(1.5), 1.0);
        assert_eq!(power_of_two_scale(1e70), 1.0);
        assert_eq!(power_of_two_scale(1e-70), 1.0);
        assert_eq!(power_of_two_scale(1e300), 2.0_f64.powi(-996));
        assert_eq!(power_of_two_scale(3e-300), 2.0_f64.powi(995));
    }

    #[test]
    fn identical_rows_are_exactly_zero() {
        let a = [0.1, 0.7, 1e3];
        let norm: f64 = a.iter().map(|v| v * v).sum();
        let dot = norm * (1.0 + 1e-15);
        assert_eq!(squared_distance(dot, norm, norm, &a, &a), 0.0);
    }
}
