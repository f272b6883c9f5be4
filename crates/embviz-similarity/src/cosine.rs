//! Full cosine similarity matrices.

use std::time::Instant;

use embviz_core::{Error, Float, Matrix, Result, validate};
use ndarray::{Array2, ArrayView2, ArrayViewMut2, Axis, s};
use rayon::prelude::*;

use crate::kernel::{Precision, Scratch, product};
use crate::symmetric::self_similarity;
use crate::unit_rows::UnitRows;

/// Rows of the output per parallel task, and the side of the square tiles in which the
/// similarity of a matrix's rows with themselves is computed.
pub(crate) const BLOCK_ROWS: usize = 256;

/// Columns of the output per matrix product. A 256 x 512 tile of `f64` is 1 MiB, so the
/// `f64` sums of the single-precision product stay in the L2 cache between chunks.
const TILE_COLUMNS: usize = 512;

/// Computes the cosine similarity between every pair of rows of `x`.
///
/// This is scikit-learn's `sklearn.metrics.pairwise.cosine_similarity(X)`: each row is
/// divided by its L2 norm, and the result is the matrix product of the unit rows with their
/// transpose,
///
/// ```text
/// S[i, j] = x_i . x_j / (|x_i| |x_j|)
/// ```
///
/// The result has the type of the input, as in scikit-learn (`float32` in, `float32`
/// out). Norms and unit rows are computed in `f64`. The product runs with ndarray's
/// `general_mat_mul` on blocks of 256 rows in parallel with rayon, at a precision that
/// follows the input type:
///
/// - `f64` input: in `f64`. On the digits images the result matches scikit-learn's
///   `float64` result within 1e-14, and the diagonal is 1 within 1e-15.
/// - `f32` input: unit rows rounded to `f32`, products summed in `f32` over chunks of 128
///   columns, the chunk sums added in `f64`, and each total rounded to `f32` once. The
///   result stayed within 6e-7 of the `f64` computation on every dataset measured (see
///   the table in the crate documentation). scikit-learn computes `float32` input wholly
///   in `float32`, with differences up to 1.0e-6 on 5,000 sentence embeddings. Convert
///   the input to `f64` for the full precision.
///
/// Only the tiles on and above the diagonal are multiplied, and each is copied to its
/// mirror position below the diagonal while still in cache, so `S` is exactly symmetric.
/// Every entry is computed in the same order whatever the number of threads, so the
/// result is identical for any thread count.
///
/// Differences from scikit-learn 1.9:
///
/// - A row of zeros has similarity 0 to every row, itself included, as in scikit-learn,
///   and a `log` warning names the first such row.
/// - scikit-learn leaves a row whose norm is below 10 times the machine epsilon of its
///   dtype unscaled (below 1.2e-6 for `float32` input), so its similarities come out near
///   0. Here such a row is scaled like any other, so its similarities stay in [-1, 1].
///
/// The output takes `n^2` values: 100 MB for 5,000 rows of `f32`. For the most similar
/// rows of each row without the full matrix, use
/// [`top_k_similar_self`](crate::top_k_similar_self).
///
/// # Errors
///
/// - [`Error::EmptyInput`] when `x` has no rows or no columns.
/// - [`Error::NonFinite`] naming the first NaN or infinite value.
/// - [`Error::RaggedRows`] when the rows of a `Vec<Vec<_>>` differ in length.
///
/// # Example
///
/// ```
/// use embviz_similarity::cosine_similarity;
/// use ndarray::array;
///
/// let x = array![[1.0_f64, 0.0], [1.0, 1.0], [-2.0, 0.0]];
/// let s = cosine_similarity(&x)?;
/// assert_eq!(s.dim(), (3, 3));
/// assert!((s[[0, 1]] - 0.5_f64.sqrt()).abs() < 1e-15);
/// assert_eq!(s[[0, 2]], -1.0);
/// assert_eq!(s[[2, 0]], s[[0, 2]]);
/// # Ok::<(), embviz_core::Error>(())
/// ```
pub fn cosine_similarity<F: Float>(x: &impl Matrix<F>) -> Result<Array2<F>> {
    let x = validate::input_matrix("X", x)?;
    let (n, n_features) = x.dim();
    let started = Instant::now();
    let precision = Precision::of::<F>();
    log::info!("cosine similarity of {n} rows x {n_features} columns ({precision:?} precision)");

    let rows = UnitRows::new(x.view());
    rows.warn_zero_rows("X");
    let similarity = self_similarity(&rows);

    log::info!(
        "cosine similarity of {n} rows done in {:.3} s",
        started.elapsed().as_secs_f64()
    );
    Ok(similarity)
}

/// Fills `out` with the products of the rows `a` and all rows of `b`, in tiles of
/// [`TILE_COLUMNS`] columns.
fn multiply_columns<F: Float>(
    a: ArrayView2<'_, F>,
    b: ArrayView2<'_, F>,
    out: &mut ArrayViewMut2<'_, F>,
) {
    let mut scratch = Scratch::default();
    for start in (0..b.nrows()).step_by(TILE_COLUMNS) {
        let end = (start + TILE_COLUMNS).min(b.nrows());
        let b_tile = b.slice(s![start..end, ..]);
        product(
            a,
            b_tile,
            &mut out.slice_mut(s![.., start..end]),
            &mut scratch,
        );
    }
}

/// Computes the cosine similarity between every row of `x` and every row of `y`.
///
/// This is scikit-learn's `sklearn.metrics.pairwise.cosine_similarity(X, Y)`: entry
/// `[i, j]` is `x_i . y_j / (|x_i| |y_j|)`, an `n_x x n_y` matrix. Computation,
/// determinism and the differences from scikit-learn are those of [`cosine_similarity`].
/// Passing the same matrix as `x` and `y` gives the same numbers as
/// [`cosine_similarity`].
///
/// # Errors
///
/// - [`Error::EmptyInput`] when `x` or `y` has no rows or no columns.
/// - [`Error::NonFinite`] naming the first NaN or infinite value of `x`, then of `y`.
/// - [`Error::ShapeMismatch`] when `y` has a different number of columns than `x`.
/// - [`Error::RaggedRows`] when the rows of a `Vec<Vec<_>>` differ in length.
///
/// # Example
///
/// ```
/// use embviz_similarity::cosine_similarity_between;
/// use ndarray::array;
///
/// let documents = array![[1.0_f64, 0.0, 0.0], [0.0, 3.0, 4.0]];
/// let queries = array![[0.0_f64, 0.0, 2.0]];
/// let s = cosine_similarity_between(&documents, &queries)?;
/// assert_eq!(s.dim(), (2, 1));
/// assert_eq!(s[[0, 0]], 0.0);
/// assert!((s[[1, 0]] - 0.8).abs() < 1e-15);
/// # Ok::<(), embviz_core::Error>(())
/// ```
#[doc(alias = "cosine_similarity(X, Y)")]
pub fn cosine_similarity_between<F: Float>(
    x: &impl Matrix<F>,
    y: &impl Matrix<F>,
) -> Result<Array2<F>> {
    let x = validate::input_matrix("X", x)?;
    let y = validate::input_matrix("Y", y)?;
    check_same_width("Y", y.ncols(), "X", x.ncols())?;
    let (n_x, n_features) = x.dim();
    let n_y = y.nrows();
    let started = Instant::now();
    log::info!("cosine similarity of {n_x} x {n_y} rows of {n_features} columns");

    let x_rows = UnitRows::new(x.view());
    x_rows.warn_zero_rows("X");
    let y_rows = UnitRows::new(y.view());
    y_rows.warn_zero_rows("Y");
    let similarity = similarity_between(&x_rows, &y_rows);

    log::info!(
        "cosine similarity of {n_x} x {n_y} rows done in {:.3} s",
        started.elapsed().as_secs_f64()
    );
    Ok(similarity)
}

/// Multiplies blocks of rows of `x` with all rows of `y`, in parallel over the blocks.
fn similarity_between<F: Float>(x: &UnitRows<'_, F>, y: &UnitRows<'_, F>) -> Array2<F> {
    let x_unit = x.to_array();
    let y_unit = y.to_array();
    let mut similarity = Array2::<F>::zeros((x.n_rows(), y.n_rows()));
    similarity
        .axis_chunks_iter_mut(Axis(0), BLOCK_ROWS)
        .into_par_iter()
        .enumerate()
        .for_each(|(block, mut chunk)| {
            let start = block * BLOCK_ROWS;
            let a = x_unit.slice(s![start..start + chunk.nrows(), ..]);
            multiply_columns(a, y_unit.view(), &mut chunk);
        });
    similarity
}

/// Checks that the second input, `what`, has as many columns as the first, `reference`.
pub(crate) fn check_same_width(
    what: &'static str,
    found: usize,
    reference: &str,
    expected: usize,
) -> Result<()> {
    if found != expected {
        return Err(Error::ShapeMismatch {
            what,
            expected: format!("{expected} columns, as {reference} has"),
            found: format!("{found} columns"),
        });
    }
    Ok(())
}
