//! Row access, as stored or centred in `f64`, and the chunked parallel passes that every
//! k-means stage is built on.
//!
//! Every pass over the rows splits them into chunks of [`CHUNK_ROWS`] and combines the
//! per-chunk results in a binary tree whose shape depends only on the number of rows. Each
//! sum is therefore formed in the same order whatever the number of threads, so results
//! are bit-identical on any rayon pool.

use std::cell::RefCell;
use std::ops::Range;

use embviz_core::Float;
use ndarray::{ArrayView2, s};

/// Rows per chunk of a parallel pass: the unit of work and of the reduction tree. A chunk
/// of 256 rows keeps its `f64` copy and distance block in cache for typical widths, as
/// scikit-learn's `CHUNK_SIZE` does.
pub(super) const CHUNK_ROWS: usize = 256;

/// A matrix whose rows are read either as they are, in the input type, or centred and
/// converted to `f64`.
pub(super) trait Rows: Sync {
    /// The input type, `f32` or `f64`.
    type Elem: Float;

    /// Returns the number of rows.
    fn n_rows(&self) -> usize;

    /// Returns the number of columns.
    fn n_features(&self) -> usize;

    /// Returns the per-feature values subtracted by [`load`](Self::load).
    fn shift(&self) -> &[f64];

    /// Returns the largest squared norm of a row as it is (not centred).
    fn max_raw_sq_norm(&self) -> f64;

    /// Calls `work` with rows `rows` as they are, row after row in one slice.
    fn with_raw<T>(&self, rows: Range<usize>, work: impl FnOnce(&[Self::Elem]) -> T) -> T;

    /// Writes `rows`, centred and converted to `f64`, row after row into `out`, which has
    /// `rows.len() * n_features()` values.
    fn load(&self, rows: Range<usize>, out: &mut [f64]);
}

/// The rows of an input matrix, centred on a per-feature shift (the training mean) when
/// read in `f64`.
///
/// scikit-learn subtracts the mean before clustering too, because distances computed as
/// `|x|^2 + |c|^2 - 2 x.c` lose precision when the data sit far from the origin.
#[derive(Debug)]
pub(super) struct Centered<'a, F> {
    x: ArrayView2<'a, F>,
    shift: &'a [f64],
    max_raw_sq_norm: f64,
}

impl<'a, F: Float> Centered<'a, F> {
    /// Wraps `x`, whose rows are shifted by `-shift` when loaded.
    pub(super) fn new(x: ArrayView2<'a, F>, shift: &'a [f64]) -> Self {
        debug_assert_eq!(x.ncols(), shift.len());
        let max_raw_sq_norm = reduce_chunks(
            x.nrows(),
            (),
            &|range: Range<usize>, ()| {
                range
                    .map(|row| {
                        let values = x.row(row);
                        match values.as_slice() {
                            Some(values) => converted_sq_norm(values),
                            None => values.iter().map(|v| v.to_f64_exact().powi(2)).sum(),
                        }
                    })
                    .fold(0.0, f64::max)
            },
            &f64::max,
        );
        Self {
            x,
            shift,
            max_raw_sq_norm,
        }
    }
}

impl<F: Float> Rows for Centered<'_, F> {
    type Elem = F;

    fn n_rows(&self) -> usize {
        self.x.nrows()
    }

    fn n_features(&self) -> usize {
        self.x.ncols()
    }

    fn shift(&self) -> &[f64] {
        self.shift
    }

    fn max_raw_sq_norm(&self) -> f64 {
        self.max_raw_sq_norm
    }

    fn with_raw<T>(&self, rows: Range<usize>, work: impl FnOnce(&[F]) -> T) -> T {
        let block = self.x.slice(s![rows, ..]);
        match block.as_slice() {
            Some(values) => work(values),
            None => work(&block.iter().copied().collect::<Vec<F>>()),
        }
    }

    fn load(&self, rows: Range<usize>, out: &mut [f64]) {
        let d = self.x.ncols();
        for (row, target) in rows.zip(out.chunks_exact_mut(d)) {
            let source = self.x.row(row);
            match source.as_slice() {
                Some(values) => shift_row(values, self.shift, target),
                None => {
                    for ((value, &x), &shift) in target.iter_mut().zip(source).zip(self.shift) {
                        *value = x.to_f64_exact() - shift;
                    }
                }
            }
        }
    }
}

/// Writes `values - shift` in `f64` into `out`. Slices let the compiler vectorize the loop.
pub(super) fn shift_row<F: Float>(values: &[F], shift: &[f64], out: &mut [f64]) {
    for ((target, &value), &shift) in out.iter_mut().zip(values).zip(shift) {
        *target = value.to_f64_exact() - shift;
    }
}

/// The rows of another [`Rows`] picked by an index list, possibly with repeats: a
/// mini-batch, or the subset that initializes mini-batch k-means.
#[derive(Debug)]
pub(super) struct Sampled<'a, R> {
    source: &'a R,
    indices: &'a [usize],
}

impl<'a, R: Rows> Sampled<'a, R> {
    /// Selects rows `indices` of `source`, each below `source.n_rows()`.
    pub(super) fn new(source: &'a R, indices: &'a [usize]) -> Self {
        debug_assert!(indices.iter().all(|&i| i < source.n_rows()));
        Self { source, indices }
    }
}

impl<R: Rows> Rows for Sampled<'_, R> {
    type Elem = R::Elem;

    fn n_rows(&self) -> usize {
        self.indices.len()
    }

    fn n_features(&self) -> usize {
        self.source.n_features()
    }

    fn shift(&self) -> &[f64] {
        self.source.shift()
    }

    fn max_raw_sq_norm(&self) -> f64 {
        self.source.max_raw_sq_norm()
    }

    fn with_raw<T>(&self, rows: Range<usize>, work: impl FnOnce(&[R::Elem]) -> T) -> T {
        let mut gathered = Vec::with_capacity(rows.len() * self.n_features());
        for &index in &self.indices[rows] {
            self.source
                .with_raw(index..index + 1, |row| gathered.extend_from_slice(row));
        }
        work(&gathered)
    }

    fn load(&self, rows: Range<usize>, out: &mut [f64]) {
        let d = self.source.n_features();
        for (&index, target) in self.indices[rows].iter().zip(out.chunks_exact_mut(d)) {
            self.source.load(index..index + 1, target);
        }
    }
}

/// The squared norm of every centred row and the norm of every row as it is.
#[derive(Debug)]
pub(super) struct RowNorms {
    /// `|x - m|^2` of every row `x`, with `m` the shift of the rows.
    pub(super) centred_sq: Vec<f64>,
    /// `|x|` of every row, which bounds the rounding of its distance blocks.
    pub(super) raw: Vec<f64>,
}

impl RowNorms {
    pub(super) fn new<R: Rows>(rows: &R) -> Self {
        let n = rows.n_rows();
        let d = rows.n_features();
        let mut centred_sq = vec![0.0; n];
        let mut raw = vec![0.0; n];
        reduce_chunks(
            n,
            (&mut centred_sq[..], &mut raw[..]),
            &|range: Range<usize>, (centred_sq, raw): (&mut [f64], &mut [f64])| {
                with_scratch(|scratch| {
                    let chunk = scratch.chunk(range.len() * d);
                    rows.load(range.clone(), chunk);
                    for (row, norm) in chunk.chunks_exact(d).zip(centred_sq.iter_mut()) {
                        *norm = dot(row, row);
                    }
                });
                rows.with_raw(range, |values| {
                    for (row, norm) in values.chunks_exact(d).zip(raw.iter_mut()) {
                        *norm = converted_sq_norm(row).sqrt();
                    }
                });
            },
            &|(), ()| (),
        );
        Self { centred_sq, raw }
    }
}

/// Per-row output slices that a pass hands to its chunks, split at chunk boundaries.
pub(super) trait RowState: Send + Sized {
    /// Splits into the rows before `row` and the rows from `row` on.
    fn split_at_row(self, row: usize) -> (Self, Self);
}

impl RowState for () {
    fn split_at_row(self, _row: usize) -> (Self, Self) {
        ((), ())
    }
}

impl<T: Send> RowState for &mut [T] {
    fn split_at_row(self, row: usize) -> (Self, Self) {
        self.split_at_mut(row)
    }
}

/// A row-major block of `width` values per row, such as Elkan's lower bounds.
#[derive(Debug)]
pub(super) struct Wide<'a, T> {
    pub(super) values: &'a mut [T],
    pub(super) width: usize,
}

impl<T: Send> RowState for Wide<'_, T> {
    fn split_at_row(self, row: usize) -> (Self, Self) {
        let width = self.width;
        let (head, tail) = self.values.split_at_mut(row * width);
        (
            Wide {
                values: head,
                width,
            },
            Wide {
                values: tail,
                width,
            },
        )
    }
}

impl<A: RowState, B: RowState> RowState for (A, B) {
    fn split_at_row(self, row: usize) -> (Self, Self) {
        let (a0, a1) = self.0.split_at_row(row);
        let (b0, b1) = self.1.split_at_row(row);
        ((a0, b0), (a1, b1))
    }
}

impl<A: RowState, B: RowState, C: RowState> RowState for (A, B, C) {
    fn split_at_row(self, row: usize) -> (Self, Self) {
        let (a0, a1) = self.0.split_at_row(row);
        let (b0, b1) = self.1.split_at_row(row);
        let (c0, c1) = self.2.split_at_row(row);
        ((a0, b0, c0), (a1, b1, c1))
    }
}

/// Runs `leaf` on every chunk of rows `0..n_rows` in parallel and combines the results
/// with `merge`, left before right, in a tree fixed by `n_rows` alone.
///
/// `state` covers rows `0..n_rows` and each call of `leaf` receives the part for its
/// chunk. With no rows, `leaf` runs once on the empty range.
pub(super) fn reduce_chunks<S, T, L, M>(n_rows: usize, state: S, leaf: &L, merge: &M) -> T
where
    S: RowState,
    T: Send,
    L: Fn(Range<usize>, S) -> T + Sync,
    M: Fn(T, T) -> T + Sync,
{
    reduce_range(0..n_rows, state, leaf, merge)
}

fn reduce_range<S, T, L, M>(rows: Range<usize>, state: S, leaf: &L, merge: &M) -> T
where
    S: RowState,
    T: Send,
    L: Fn(Range<usize>, S) -> T + Sync,
    M: Fn(T, T) -> T + Sync,
{
    let n_chunks = rows.len().div_ceil(CHUNK_ROWS);
    if n_chunks <= 1 {
        return leaf(rows, state);
    }
    let middle = rows.start + (n_chunks / 2) * CHUNK_ROWS;
    let (head, tail) = state.split_at_row(middle - rows.start);
    let (left, right) = rayon::join(
        || reduce_range(rows.start..middle, head, leaf, merge),
        || reduce_range(middle..rows.end, tail, leaf, merge),
    );
    merge(left, right)
}

/// Returns the mean of every column of `x`, summed in `f64` over the reduction tree.
pub(super) fn column_means<F: Float>(x: ArrayView2<'_, F>) -> Vec<f64> {
    let (n, d) = x.dim();
    let sums = reduce_chunks(
        n,
        (),
        &|range: Range<usize>, ()| {
            let mut sums = vec![0.0; d];
            for row in range {
                for (sum, value) in sums.iter_mut().zip(x.row(row)) {
                    *sum += value.to_f64_exact();
                }
            }
            sums
        },
        &add_columns,
    );
    sums.into_iter().map(|sum| sum / n as f64).collect()
}

/// Returns the mean over the columns of the variance of each column (population variance,
/// as numpy's `var`), for rows centred on their column means.
pub(super) fn mean_variance<R: Rows>(rows: &R) -> f64 {
    let (n, d) = (rows.n_rows(), rows.n_features());
    let squares = reduce_chunks(
        n,
        (),
        &|range: Range<usize>, ()| {
            with_scratch(|scratch| {
                let chunk = scratch.chunk(range.len() * d);
                rows.load(range, chunk);
                let mut squares = vec![0.0; d];
                for row in chunk.chunks_exact(d) {
                    for (square, value) in squares.iter_mut().zip(row) {
                        *square += value * value;
                    }
                }
                squares
            })
        },
        &add_columns,
    );
    squares.iter().map(|square| square / n as f64).sum::<f64>() / d as f64
}

/// Returns `left + right` element by element, reusing `left`.
pub(super) fn add_columns(mut left: Vec<f64>, right: Vec<f64>) -> Vec<f64> {
    for (sum, value) in left.iter_mut().zip(right) {
        *sum += value;
    }
    left
}

/// Buffers that a chunk reuses between passes on the same thread.
#[derive(Debug, Default)]
pub(super) struct Scratch {
    chunk: Vec<f64>,
}

impl Scratch {
    /// Returns the row buffer with `len` values.
    pub(super) fn chunk(&mut self, len: usize) -> &mut [f64] {
        self.chunk.resize(len, 0.0);
        &mut self.chunk
    }
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Runs `work` with this thread's scratch buffers, or with fresh ones when they are in use
/// further up the stack.
pub(super) fn with_scratch<T>(work: impl FnOnce(&mut Scratch) -> T) -> T {
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut scratch) => work(&mut scratch),
        Err(_) => work(&mut Scratch::default()),
    })
}

/// Returns the dot product of two equal-length slices, summed in four fixed lanes.
pub(super) fn dot(a: &[f64], b: &[f64]) -> f64 {
    debug_assert_eq!(a.len(), b.len());
    let mut lanes = [0.0; 4];
    let a_chunks = a.chunks_exact(4);
    let b_chunks = b.chunks_exact(4);
    let tail: f64 = a_chunks
        .remainder()
        .iter()
        .zip(b_chunks.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in a_chunks.zip(b_chunks) {
        for lane in 0..4 {
            lanes[lane] += x[lane] * y[lane];
        }
    }
    (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]) + tail
}

/// Returns the squared euclidean distance between two equal-length slices, summed in four
/// fixed lanes.
pub(super) fn squared_distance(a: &[f64], b: &[f64]) -> f64 {
    debug_assert_eq!(a.len(), b.len());
    let mut lanes = [0.0; 4];
    let a_chunks = a.chunks_exact(4);
    let b_chunks = b.chunks_exact(4);
    let tail: f64 = a_chunks
        .remainder()
        .iter()
        .zip(b_chunks.remainder())
        .map(|(x, y)| (x - y) * (x - y))
        .sum();
    for (x, y) in a_chunks.zip(b_chunks) {
        for lane in 0..4 {
            let difference = x[lane] - y[lane];
            lanes[lane] += difference * difference;
        }
    }
    (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]) + tail
}

/// Returns the squared norm of `row` converted to `f64`, summed in four fixed lanes.
pub(super) fn converted_sq_norm<F: Float>(row: &[F]) -> f64 {
    let mut lanes = [0.0; 4];
    let chunks = row.chunks_exact(4);
    let tail: f64 = chunks
        .remainder()
        .iter()
        .map(|x| x.to_f64_exact() * x.to_f64_exact())
        .sum();
    for x in chunks {
        for lane in 0..4 {
            let value = x[lane].to_f64_exact();
            lanes[lane] += value * value;
        }
    }
    (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]) + tail
}

/// Returns the squared euclidean distance between `row`, converted to `f64`, and
/// `centre`, summed in four fixed lanes.
pub(super) fn squared_distance_to<F: Float>(row: &[F], centre: &[f64]) -> f64 {
    debug_assert_eq!(row.len(), centre.len());
    let mut lanes = [0.0; 4];
    let row_chunks = row.chunks_exact(4);
    let centre_chunks = centre.chunks_exact(4);
    let tail: f64 = row_chunks
        .remainder()
        .iter()
        .zip(centre_chunks.remainder())
        .map(|(x, y)| (x.to_f64_exact() - y) * (x.to_f64_exact() - y))
        .sum();
    for (x, y) in row_chunks.zip(centre_chunks) {
        for lane in 0..4 {
            let difference = x[lane].to_f64_exact() - y[lane];
            lanes[lane] += difference * difference;
        }
    }
    (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]) + tail
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    #[test]
    fn reduction_tree_sums_every_row_once() {
        let n = 3 * CHUNK_ROWS + 17;
        let mut seen = vec![0_usize; n];
        let total = reduce_chunks(
            n,
            seen.as_mut_slice(),
            &|rows: Range<usize>, part: &mut [usize]| {
                assert_eq!(rows.len(), part.len());
                assert!(rows.len() <= CHUNK_ROWS);
                for (value, row) in part.iter_mut().zip(rows.clone()) {
                    *value = row;
                }
                rows.len()
            },
            &|a, b| a + b,
        );
        assert_eq!(total, n);
        assert!(seen.iter().enumerate().all(|(i, &row)| i == row));
    }

    #[test]
    fn centered_rows_subtract_the_shift() {
        let x = Array2::from_shape_vec((2, 3), vec![1.0_f32, 2.0, 3.0, 4.0, 5.0, 6.0]).unwrap();
        let shift = [1.0, 1.0, 1.0];
        let rows = Centered::new(x.view(), &shift);
        let mut out = vec![0.0; 6];
        rows.load(0..2, &mut out);
        assert_eq!(out, vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0]);
        assert_eq!(rows.max_raw_sq_norm(), 77.0);
        rows.with_raw(1..2, |raw| assert_eq!(raw, &[4.0, 5.0, 6.0]));

        let indices = [1, 1, 0];
        let sampled = Sampled::new(&rows, &indices);
        let mut out = vec![0.0; 6];
        sampled.load(1..3, &mut out);
        assert_eq!(out, vec![3.0, 4.0, 5.0, 0.0, 1.0, 2.0]);
        sampled.with_raw(1..3, |raw| assert_eq!(raw, &[4.0, 5.0, 6.0, 1.0, 2.0, 3.0]));
    }

    #[test]
    fn lane_sums_match_plain_sums() {
        let a = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0];
        let b = [7.0, 6.0, 5.0, 4.0, 3.0, 2.0, 1.0];
        assert_eq!(dot(&a, &b), 84.0);
        assert_eq!(squared_distance(&a, &b), 112.0);
        let a32 = a.map(|v| v as f32);
        assert_eq!(squared_distance_to(&a32, &b), 112.0);
    }
}
