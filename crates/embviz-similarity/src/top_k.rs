//! The most similar data rows of each query row, without the full similarity matrix.

use std::time::Instant;

use embviz_core::{Error, Float, Matrix, Result, validate};
use ndarray::{Array2, ArrayView2, ArrayViewMut2, Axis};
use rayon::prelude::*;

use crate::candidates::Candidates;
use crate::cosine::check_same_width;
use crate::kernel::{Scratch, product};
use crate::unit_rows::UnitRows;

/// Query rows per task.
const QUERY_BLOCK: usize = 256;

/// Data rows per matrix product. A 256 x 1024 tile of similarities takes 1 MiB in `f32`
/// and 2 MiB in `f64`.
const DATA_BLOCK: usize = 1024;

/// The `k` most similar data rows of each query row: their indices and cosine similarities,
/// in the type of the input.
///
/// Row `i` of [`indices`](Self::indices) lists the data rows most similar to query `i` in
/// descending order of similarity, with equal similarities in ascending order of index, and
/// row `i` of [`similarities`](Self::similarities) contains the matching similarities. Each
/// similarity is the number [`cosine_similarity`](crate::cosine_similarity) puts at the
/// same place of the full matrix.
///
/// # Example
///
/// ```
/// use embviz_similarity::top_k_similar_self;
/// use ndarray::array;
///
/// let x = array![[1.0_f64, 0.0], [0.9, 0.1], [0.0, 1.0], [-1.0, 0.0]];
/// let similar = top_k_similar_self(&x, 2)?;
/// assert_eq!(similar.k(), 2);
/// assert_eq!(similar.indices().row(0).to_vec(), vec![1, 2]);
/// assert_eq!(similar.indices().row(3).to_vec(), vec![2, 1]);
/// assert!(similar.similarities()[[0, 0]] > 0.99);
/// # Ok::<(), embviz_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct SimilarRows<F> {
    indices: Array2<usize>,
    similarities: Array2<F>,
}

impl<F> SimilarRows<F> {
    /// Returns the data row indices, one row per query (`n_queries x k`).
    pub fn indices(&self) -> &Array2<usize> {
        &self.indices
    }

    /// Returns the cosine similarities, one row per query (`n_queries x k`), descending.
    pub fn similarities(&self) -> &Array2<F> {
        &self.similarities
    }

    /// Splits into `(indices, similarities)` without copying.
    pub fn into_parts(self) -> (Array2<usize>, Array2<F>) {
        (self.indices, self.similarities)
    }

    /// Returns the number of similar rows listed per query.
    pub fn k(&self) -> usize {
        self.indices.ncols()
    }

    /// Returns the number of query rows.
    pub fn n_queries(&self) -> usize {
        self.indices.nrows()
    }
}

/// Finds, for every row of `queries`, the `k` rows of `data` with the highest cosine
/// similarity.
///
/// The similarities are those of
/// [`cosine_similarity_between(queries, data)`](crate::cosine_similarity_between), ranked
/// in descending order with ties broken by ascending data index. A query row equal to a
/// data row finds it with similarity 1 (within rounding). Rows of zeros have similarity 0
/// to every row, as in scikit-learn, and a `log` warning names them.
///
/// The search never builds the `n_queries x n_data` matrix. Blocks of 256 query rows run in
/// parallel with rayon, and each multiplies its unit rows with blocks of 1,024 data rows,
/// at the precision [`cosine_similarity`](crate::cosine_similarity) uses for `F`, keeping
/// the best `k` candidates of each query. Memory beyond the input is the `n_queries x k`
/// result, one norm per row, and per running task 256 query rows, 1,024 data rows and a
/// 256 x 1,024 tile. The result is identical for any number of threads.
///
/// # Errors
///
/// - [`Error::EmptyInput`] when `queries` or `data` has no rows or no columns.
/// - [`Error::NonFinite`] naming the first NaN or infinite value.
/// - [`Error::ShapeMismatch`] when `queries` has a different number of columns than `data`.
/// - [`Error::InvalidParameter`] (`k`) when `k` is 0 or greater than the number of data
///   rows.
/// - [`Error::RaggedRows`] when the rows of a `Vec<Vec<_>>` differ in length.
///
/// # Example
///
/// ```
/// use embviz_similarity::top_k_similar;
/// use ndarray::array;
///
/// let data = array![[1.0_f32, 0.0], [0.0, 1.0], [0.7, 0.7]];
/// let queries = array![[1.0_f32, 0.1]];
/// let similar = top_k_similar(&queries, &data, 2)?;
/// assert_eq!(similar.indices().row(0).to_vec(), vec![0, 2]);
/// assert!(similar.similarities()[[0, 0]] > similar.similarities()[[0, 1]]);
/// # Ok::<(), embviz_core::Error>(())
/// ```
pub fn top_k_similar<F: Float>(
    queries: &impl Matrix<F>,
    data: &impl Matrix<F>,
    k: usize,
) -> Result<SimilarRows<F>> {
    let data = validate::input_matrix("data", data)?;
    let queries = validate::input_matrix("queries", queries)?;
    check_same_width("queries", queries.ncols(), "data", data.ncols())?;
    check_k(k)?;
    let n_data = data.nrows();
    if k > n_data {
        return Err(Error::invalid_parameter(
            "k",
            k,
            format!(
                "must be at most the number of data rows ({n_data}), so lower k or pass more \
                 data rows"
            ),
        ));
    }

    let started = Instant::now();
    let n_queries = queries.nrows();
    log::info!(
        "top {k} cosine similarities of {n_queries} queries among {n_data} rows x {} columns",
        data.ncols()
    );
    let data_rows = UnitRows::new(data.view());
    data_rows.warn_zero_rows("data");
    let query_rows = UnitRows::new(queries.view());
    query_rows.warn_zero_rows("queries");
    let similar = search(&query_rows, &data_rows, k, false);
    log::info!(
        "top {k} cosine similarities of {n_queries} queries done in {:.3} s",
        started.elapsed().as_secs_f64()
    );
    Ok(similar)
}

/// Finds, for every row of `x`, the `k` other rows of `x` with the highest cosine
/// similarity, leaving each row out of its own list.
///
/// This is [`top_k_similar(x, x, k)`](top_k_similar) without each row's own entry, as
/// scikit-learn's `NearestNeighbors(metric="cosine").fit(x).kneighbors()` leaves the
/// query row out when called without an argument. A row is left out by index only, so a
/// duplicate of it elsewhere in `x` is listed first with similarity 1. Row `i` of the
/// result equals row `i` of [`cosine_similarity(x)`](crate::cosine_similarity) with entry
/// `i` removed, sorted in descending order and cut to `k` values. Cost, memory and
/// determinism are those of [`top_k_similar`].
///
/// # Errors
///
/// - [`Error::EmptyInput`] when `x` has no rows or no columns.
/// - [`Error::NonFinite`] naming the first NaN or infinite value.
/// - [`Error::InvalidParameter`] (`k`) when `k` is 0 or not less than the number of rows.
/// - [`Error::RaggedRows`] when the rows of a `Vec<Vec<_>>` differ in length.
///
/// # Example
///
/// ```
/// use embviz_similarity::top_k_similar_self;
/// use ndarray::array;
///
/// let x = array![[1.0_f32, 0.0], [0.0, 1.0], [1.0, 1.0]];
/// let similar = top_k_similar_self(&x, 1)?;
/// assert_eq!(similar.indices().column(0).to_vec(), vec![2, 2, 0]);
/// # Ok::<(), embviz_core::Error>(())
/// ```
pub fn top_k_similar_self<F: Float>(x: &impl Matrix<F>, k: usize) -> Result<SimilarRows<F>> {
    let x = validate::input_matrix("X", x)?;
    check_k(k)?;
    let n_samples = x.nrows();
    if k >= n_samples {
        return Err(Error::invalid_parameter(
            "k",
            k,
            format!(
                "must be less than the number of rows ({n_samples}) because each row's own \
                 entry is left out, so lower k or pass more rows"
            ),
        ));
    }

    let started = Instant::now();
    log::info!(
        "top {k} cosine similarities of {n_samples} rows x {} columns, each row left out of \
         its own list",
        x.ncols()
    );
    let rows = UnitRows::new(x.view());
    rows.warn_zero_rows("X");
    let similar = search(&rows, &rows, k, true);
    log::info!(
        "top {k} cosine similarities of {n_samples} rows done in {:.3} s",
        started.elapsed().as_secs_f64()
    );
    Ok(similar)
}

fn check_k(k: usize) -> Result<()> {
    if k == 0 {
        return Err(Error::invalid_parameter("k", k, "must be at least 1"));
    }
    Ok(())
}

/// Ranks the data rows for every query block in parallel. With `exclude_self`, queries and
/// data are the same rows and query `i` never receives data row `i`.
fn search<F: Float>(
    queries: &UnitRows<'_, F>,
    data: &UnitRows<'_, F>,
    k: usize,
    exclude_self: bool,
) -> SimilarRows<F> {
    let n_queries = queries.n_rows();
    let mut indices = Array2::<usize>::zeros((n_queries, k));
    let mut similarities = Array2::<F>::zeros((n_queries, k));
    indices
        .axis_chunks_iter_mut(Axis(0), QUERY_BLOCK)
        .into_par_iter()
        .zip(similarities.axis_chunks_iter_mut(Axis(0), QUERY_BLOCK))
        .enumerate()
        .for_each(|(block, (indices, similarities))| {
            let start = block * QUERY_BLOCK;
            let rows = start..start + indices.nrows();
            let skip = exclude_self.then_some(start);
            let candidates = search_block(queries, data, rows, k, skip);
            write_block(&candidates, indices, similarities);
        });
    SimilarRows {
        indices,
        similarities,
    }
}

/// Returns the best `k` data rows of the query rows `rows`. With `self_offset = Some(start)`,
/// query row `r` (numbered from 0 within the block) is data row `start + r` and is skipped.
fn search_block<F: Float>(
    queries: &UnitRows<'_, F>,
    data: &UnitRows<'_, F>,
    rows: std::ops::Range<usize>,
    k: usize,
    self_offset: Option<usize>,
) -> Candidates {
    let n_block = rows.len();
    let n_cols = queries.n_cols();
    let mut query_values = Vec::new();
    queries.fill(rows, &mut query_values);
    let query_view = ArrayView2::from_shape((n_block, n_cols), &query_values[..])
        .expect("fill writes rows * n_cols values");

    let mut candidates = Candidates::new(n_block, k);
    let mut data_values = Vec::new();
    let mut tile = Vec::new();
    let mut scratch = Scratch::default();
    for data_start in (0..data.n_rows()).step_by(DATA_BLOCK) {
        let data_end = (data_start + DATA_BLOCK).min(data.n_rows());
        let n_data = data_end - data_start;
        data.fill(data_start..data_end, &mut data_values);
        let data_view = ArrayView2::from_shape((n_data, n_cols), &data_values[..])
            .expect("fill writes rows * n_cols values");

        tile.clear();
        tile.resize(n_block * n_data, F::zero());
        let mut tile_view = ArrayViewMut2::from_shape((n_block, n_data), &mut tile[..])
            .expect("the tile was resized to n_block * n_data");
        product(query_view, data_view, &mut tile_view, &mut scratch);

        for (row, similarities) in tile.chunks_exact(n_data).enumerate() {
            let own_index = self_offset.map(|start| start + row);
            for (offset, &similarity) in similarities.iter().enumerate() {
                let index = data_start + offset;
                if Some(index) != own_index {
                    // Widening to f64 is exact, so the ranking is that of the values in F.
                    candidates.push(row, similarity.to_f64_exact(), index);
                }
            }
        }
    }
    candidates.sort();
    candidates
}

/// Copies sorted candidate lists into a block of the output arrays.
fn write_block<F: Float>(
    candidates: &Candidates,
    mut indices: ArrayViewMut2<'_, usize>,
    mut similarities: ArrayViewMut2<'_, F>,
) {
    for row in 0..indices.nrows() {
        for (position, (similarity, index)) in candidates.row(row).enumerate() {
            indices[[row, position]] = index;
            // The similarity was widened from F, so rounding it back is exact.
            similarities[[row, position]] = F::from_f64_lossy(similarity);
        }
    }
}
