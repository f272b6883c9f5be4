use embviz_core::{Error, Float, Matrix, Metric, Result, distance, validate};
use embviz_neighbors::exact_knn;
use ndarray::ArrayView2;
use rayon::prelude::*;

/// Computes the trustworthiness of the map `embedded` of the rows of `x`, with scikit-learn's
/// definition (Venna & Kaski 2001, "Neighborhood preservation in nonlinear projection
/// methods: an experimental study"):
///
/// ```text
/// T(k) = 1 - 2 / (n k (2n - 3k - 1)) * sum_i sum_{j in N_k(i) in the map} max(0, r(i, j) - k)
/// ```
///
/// where `r(i, j)` is the rank of `j` among the other rows by euclidean distance to `i` in
/// `x` (1 for the nearest). A map that keeps every k-neighbourhood scores 1. Equal input
/// distances are ranked by lower row index, where scikit-learn uses numpy's argsort order.
///
/// Memory is O(n k) plus one row of input distances per thread; time is O(n^2 (d + k)).
///
/// # Errors
///
/// - [`Error::EmptyInput`], [`Error::NonFinite`] or [`Error::RaggedRows`] for bad input.
/// - [`Error::ShapeMismatch`] when `embedded` and `x` differ in row count.
/// - [`Error::InvalidParameter`] when `n_neighbors` is 0 or not below `n_samples / 2`, as
///   scikit-learn requires.
///
/// # Example
///
/// ```
/// use embviz_metrics::trustworthiness;
/// use ndarray::array;
///
/// let x = array![[0.0, 0.0], [1.0, 0.0], [2.0, 0.0], [3.0, 0.0], [4.0, 0.0], [5.0, 0.0]];
/// // Keeping the input as the map keeps every neighbourhood.
/// assert_eq!(trustworthiness(&x, &x, 2)?, 1.0);
/// # Ok::<(), embviz_core::Error>(())
/// ```
pub fn trustworthiness<F: Float>(
    x: &impl Matrix<F>,
    embedded: &impl Matrix<F>,
    n_neighbors: usize,
) -> Result<f64> {
    let x = validate::input_matrix("X", x)?;
    let embedded = validate::input_matrix("X_embedded", embedded)?;
    let n = x.nrows();
    if embedded.nrows() != n {
        return Err(Error::ShapeMismatch {
            what: "X_embedded",
            expected: format!("{n} rows, one per row of X"),
            found: format!("{} rows", embedded.nrows()),
        });
    }
    if n_neighbors == 0 || 2 * n_neighbors >= n {
        return Err(Error::invalid_parameter(
            "n_neighbors",
            n_neighbors,
            format!("must be at least 1 and less than n_samples / 2 ({n} / 2)"),
        ));
    }

    let neighbors = exact_knn(embedded.view(), n_neighbors, Metric::Euclidean)?;
    let indices = neighbors.indices();
    let x = x.view();
    // Penalties are integers, so their sum does not depend on the order of the threads.
    let penalty: u64 = (0..n)
        .into_par_iter()
        .map(|i| row_penalty(x, i, indices.row(i).as_slice().unwrap_or(&[]), n_neighbors))
        .sum();

    let (n, k) = (n as f64, n_neighbors as f64);
    Ok(1.0 - penalty as f64 * 2.0 / (n * k * (2.0 * n - 3.0 * k - 1.0)))
}

/// Returns `sum_j max(0, r(i, j) - k)` over the map neighbours `map_neighbors` of row `i`.
fn row_penalty<F: Float>(x: ArrayView2<'_, F>, i: usize, map_neighbors: &[usize], k: usize) -> u64 {
    let row = |r: usize| x.row(r).to_slice().expect("input rows are contiguous");
    let xi = row(i);
    let distances: Vec<f64> = (0..x.nrows())
        .map(|l| distance::squared_euclidean(xi, row(l)))
        .collect();
    map_neighbors
        .iter()
        .map(|&j| {
            let dj = distances[j];
            let closer = distances
                .iter()
                .enumerate()
                .filter(|&(l, &dl)| l != i && (dl < dj || (dl == dj && l < j)))
                .count();
            (closer + 1).saturating_sub(k) as u64
        })
        .sum()
}
