//! Exact k-nearest-neighbour search by blocked matrix products.

use std::time::Instant;

use embviz_core::{Error, Float, Metric, Result, validate};
use ndarray::{Array2, ArrayView2};

use crate::Neighbors;
use crate::kernel::{self, PreparedRows};
use crate::top_k::TopK;

/// Finds the `k` nearest other rows of every row of `x`, leaving each row out of its own
/// list.
///
/// This is scikit-learn's `NearestNeighbors(n_neighbors=k, metric=...).fit(x).kneighbors()`
/// with no argument, except that equal distances are ordered by ascending index. Distances
/// are euclidean (not squared) or cosine distances `1 - cos`, computed in `f64` and rounded
/// to `F`. The search is exact and brute force: `O(n^2 d)` time through blocked matrix
/// products, parallel over blocks with rayon, using `O(n k)` memory beyond the input plus
/// a few blocks per thread. The result is the same for any number of threads.
///
/// # Errors
///
/// - [`Error::EmptyInput`] when `x` has no rows or no columns.
/// - [`Error::NonFinite`] when `x` contains NaN or an infinity.
/// - [`Error::InvalidParameter`] (`n_neighbors`) when `k` is 0 or not less than the number
///   of rows, or (`metric`) for a metric this search does not support.
/// - [`Error::ZeroVector`] for a row of zero norm with [`Metric::Cosine`].
///
/// # Example
///
/// ```
/// use embviz_core::Metric;
/// use embviz_neighbors::exact_knn;
/// use ndarray::array;
///
/// let x = array![[0.0_f32, 0.0], [3.0, 4.0], [0.0, 1.0]];
/// let neighbors = exact_knn(x.view(), 1, Metric::Euclidean)?;
/// assert_eq!(neighbors.indices().column(0).to_vec(), vec![2, 2, 0]);
/// assert_eq!(neighbors.distances().column(0).to_vec(), vec![1.0, 4.242_640_7, 1.0]);
/// # Ok::<(), embviz_core::Error>(())
/// ```
pub fn exact_knn<F: Float>(x: ArrayView2<'_, F>, k: usize, metric: Metric) -> Result<Neighbors<F>> {
    check_self_search(x, k)?;
    let n_samples = x.nrows();

    let started = Instant::now();
    let (rows, unscale) = prepare(x, None, metric, "X")?;
    log::info!(
        "exact {k}-NN of {n_samples} rows x {} columns ({metric})",
        x.ncols()
    );
    let lists = kernel::self_top_k(&rows, k);
    let neighbors = assemble(&lists, n_samples, k, metric, unscale);
    log::info!(
        "exact {k}-NN of {n_samples} rows done in {:.3} s",
        started.elapsed().as_secs_f64()
    );
    Ok(neighbors)
}

/// Finds the `k` nearest rows of `data` for every row of `queries`, excluding nothing.
///
/// This is scikit-learn's `NearestNeighbors(n_neighbors=k).fit(data).kneighbors(queries)`,
/// except that equal distances are ordered by ascending index. A query row equal to a data
/// row finds it at distance exactly 0. See [`exact_knn`] for the distances, cost and
/// determinism.
///
/// # Errors
///
/// - [`Error::EmptyInput`] when `data` or `queries` has no rows or no columns.
/// - [`Error::NonFinite`] when either contains NaN or an infinity.
/// - [`Error::ShapeMismatch`] when `queries` and `data` differ in column count.
/// - [`Error::InvalidParameter`] (`n_neighbors`) when `k` is 0 or greater than the number of
///   data rows, or (`metric`) for a metric this search does not support.
/// - [`Error::ZeroVector`] for a row of zero norm with [`Metric::Cosine`].
///
/// # Example
///
/// ```
/// use embviz_core::Metric;
/// use embviz_neighbors::exact_knn_query;
/// use ndarray::array;
///
/// let data = array![[0.0_f64, 0.0], [10.0, 0.0], [0.0, 2.0]];
/// let queries = array![[9.0_f64, 0.0], [0.0, 0.0]];
/// let neighbors = exact_knn_query(data.view(), queries.view(), 2, Metric::Euclidean)?;
/// assert_eq!(neighbors.indices().row(0).to_vec(), vec![1, 0]);
/// assert_eq!(neighbors.distances().row(1).to_vec(), vec![0.0, 2.0]);
/// # Ok::<(), embviz_core::Error>(())
/// ```
pub fn exact_knn_query<F: Float>(
    data: ArrayView2<'_, F>,
    queries: ArrayView2<'_, F>,
    k: usize,
    metric: Metric,
) -> Result<Neighbors<F>> {
    validate::non_empty("data", &data)?;
    validate::finite("data", &data)?;
    validate::non_empty("queries", &queries)?;
    validate::finite("queries", &queries)?;
    validate::n_columns("queries", &queries, data.ncols())?;
    check_k(k)?;
    let n_data = data.nrows();
    if k > n_data {
        return Err(Error::invalid_parameter(
            "n_neighbors",
            k,
            format!(
                "must be at most the number of data rows ({n_data}), so lower n_neighbors or \
                 search more data"
            ),
        ));
    }

    let started = Instant::now();
    let (data_rows, unscale) = prepare(data, Some(queries), metric, "data")?;
    let (query_rows, _) = prepare(queries, Some(data), metric, "queries")?;
    log::info!(
        "exact {k}-NN of {} queries among {n_data} rows x {} columns ({metric})",
        queries.nrows(),
        data.ncols()
    );
    let lists = kernel::query_top_k(&data_rows, &query_rows, k);
    let neighbors = assemble(&lists, queries.nrows(), k, metric, unscale);
    log::info!(
        "exact {k}-NN of {} queries done in {:.3} s",
        queries.nrows(),
        started.elapsed().as_secs_f64()
    );
    Ok(neighbors)
}

/// Checks the input of a search for the `k` nearest other rows of every row of `x`: `x` is
/// not empty and finite, and `1 <= k < n_samples`.
pub(crate) fn check_self_search<F: Float>(x: ArrayView2<'_, F>, k: usize) -> Result<()> {
    validate::non_empty("X", &x)?;
    validate::finite("X", &x)?;
    check_k(k)?;
    let n_samples = x.nrows();
    if k >= n_samples {
        return Err(Error::invalid_parameter(
            "n_neighbors",
            k,
            format!(
                "must be less than n_samples ({n_samples}) because each row's own entry is \
                 excluded, so lower n_neighbors or pass more rows"
            ),
        ));
    }
    Ok(())
}

fn check_k(k: usize) -> Result<()> {
    if k == 0 {
        return Err(Error::invalid_parameter(
            "n_neighbors",
            k,
            "must be at least 1",
        ));
    }
    Ok(())
}

/// Converts `x` for the kernel. For the euclidean metric the power-of-two scale is chosen
/// from the largest value of `x` and `other`, so both sides share it, and the returned
/// factor turns kernel distances back into distances of the input.
fn prepare<'a, F: Float>(
    x: ArrayView2<'a, F>,
    other: Option<ArrayView2<'_, F>>,
    metric: Metric,
    what: &'static str,
) -> Result<(PreparedRows<'a, F>, f64)> {
    match metric {
        Metric::Euclidean => {
            let largest = other.map_or(0.0, |o| kernel::max_abs(o.iter().copied()));
            let largest = largest.max(kernel::max_abs(x.iter().copied()));
            let scale = kernel::power_of_two_scale(largest);
            Ok((PreparedRows::euclidean(x, scale), 1.0 / scale))
        }
        Metric::Cosine => PreparedRows::cosine(x)
            .map(|rows| (rows, 1.0))
            .map_err(|row| Error::ZeroVector { what, row }),
        other => Err(Error::invalid_parameter(
            "metric",
            other,
            "exact search supports \"euclidean\" and \"cosine\"",
        )),
    }
}

/// Copies the per-block lists into the output arrays, turning squared kernel distances
/// into distances of the metric.
fn assemble<F: Float>(
    lists: &[TopK],
    n_rows: usize,
    k: usize,
    metric: Metric,
    unscale: f64,
) -> Neighbors<F> {
    let mut indices = Array2::<usize>::zeros((n_rows, k));
    let mut distances = Array2::<F>::zeros((n_rows, k));
    let rows = lists
        .iter()
        .flat_map(|top| (0..top.n_rows()).map(move |row| top.row(row)));
    for (row, found) in rows.enumerate() {
        debug_assert_eq!(found.len(), k, "every row has at least k candidates");
        for (column, (d2, index)) in found.enumerate() {
            indices[[row, column]] = index;
            distances[[row, column]] = F::from_f64_lossy(match metric {
                // For unit rows, |a - b|^2 = 2 - 2 a.b, so the cosine distance is half of it.
                Metric::Cosine => (0.5 * d2).min(2.0),
                _ => d2.sqrt() * unscale,
            });
        }
    }
    Neighbors::from_parts(indices, distances).expect("indices and distances are both n_rows x k")
}
