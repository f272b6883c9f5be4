//! Metrics computed from the k nearest neighbours of every row: how many neighbours a map
//! keeps, and how well the neighbours in the map predict a label.

use embviz_core::{Error, Float, Matrix, Metric, Result, validate};
use embviz_neighbors::exact_knn;
use ndarray::{Array1, Array2};
use rayon::prelude::*;

/// Computes the mean fraction of each row's `n_neighbors` nearest neighbours in `x` that
/// are also among its `n_neighbors` nearest neighbours in the map `embedded`:
///
/// ```text
/// P(k) = 1/n sum_i |N_k(x_i) ∩ N_k(y_i)| / k
/// ```
///
/// where `N_k` is the set of the `k` nearest other rows by euclidean distance. A map that
/// keeps every k-neighbourhood scores 1, and a random map about `k / (n - 1)`. Unlike
/// [`trustworthiness`](crate::trustworthiness), it ignores how far outside the
/// neighbourhood a lost neighbour lands. scikit-learn has no such function; it is the mean
/// of [`knn_preservation_samples`].
///
/// Neighbours come from [`exact_knn`] in each space, whose equal distances are ranked by
/// lower row index, so the value can differ from another library's where distances tie
/// at the k-th neighbour. Memory is `O(n k)` beyond the inputs and time `O(n^2 d)`. The
/// result is the same for any number of threads.
///
/// # Errors
///
/// - [`Error::EmptyInput`], [`Error::NonFinite`] or [`Error::RaggedRows`] for bad input.
/// - [`Error::ShapeMismatch`] when `embedded` and `x` differ in row count.
/// - [`Error::InvalidParameter`] (`n_neighbors`) when `n_neighbors` is 0 or not less than
///   the number of rows.
///
/// # Example
///
/// ```
/// use embviz_metrics::knn_preservation;
/// use ndarray::array;
///
/// let x = array![[0.0, 0.0], [1.0, 0.0], [3.0, 0.0], [7.0, 0.0], [15.0, 0.0]];
/// // Scaling the line keeps every neighbourhood.
/// assert_eq!(knn_preservation(&x, &(&x * 2.0), 2)?, 1.0);
/// # Ok::<(), embviz_core::Error>(())
/// ```
pub fn knn_preservation<F: Float, G: Float>(
    x: &impl Matrix<F>,
    embedded: &impl Matrix<G>,
    n_neighbors: usize,
) -> Result<f64> {
    let shared = shared_neighbor_counts(x, embedded, n_neighbors)?;
    let total: usize = shared.iter().sum();
    Ok(total as f64 / (shared.len() * n_neighbors) as f64)
}

/// Computes, for every row, the fraction of its `n_neighbors` nearest neighbours in `x`
/// that are also among its nearest neighbours in the map `embedded`,
/// `|N_k(x_i) ∩ N_k(y_i)| / k`. Rows with a low value are where the map tears
/// neighbourhoods apart. See [`knn_preservation`] for the definition and cost.
///
/// # Errors
///
/// The errors of [`knn_preservation`].
///
/// # Example
///
/// ```
/// use embviz_metrics::knn_preservation_samples;
/// use ndarray::array;
///
/// let x = array![[0.0], [1.0], [3.0], [7.0]];
/// // The map swaps rows 0 and 3, and only row 2 keeps its nearest neighbour (row 1).
/// let y = array![[7.0], [1.0], [3.0], [0.0]];
/// let kept = knn_preservation_samples(&x, &y, 1)?;
/// assert_eq!(kept.to_vec(), vec![0.0, 0.0, 1.0, 0.0]);
/// # Ok::<(), embviz_core::Error>(())
/// ```
pub fn knn_preservation_samples<F: Float, G: Float>(
    x: &impl Matrix<F>,
    embedded: &impl Matrix<G>,
    n_neighbors: usize,
) -> Result<Array1<f64>> {
    let shared = shared_neighbor_counts(x, embedded, n_neighbors)?;
    Ok(shared
        .into_iter()
        .map(|count| count as f64 / n_neighbors as f64)
        .collect())
}

/// Computes the leave-one-out accuracy of k-nearest-neighbour classification in
/// `embedded`: each row is predicted by the majority label of its `n_neighbors` nearest
/// other rows, and the result is the fraction of rows predicted correctly.
///
/// This equals scikit-learn's
/// `mean(KNeighborsClassifier(n_neighbors=k).fit(X, labels).predict(None) == labels)`:
/// uniform weights, euclidean distances, each row left out of its own neighbours, and a
/// tied vote going to the smallest label. It is the usual check of how well a map keeps
/// classes apart, where a map that mixes the classes scores near the frequency of the
/// largest class.
///
/// Neighbours come from [`exact_knn`], whose equal distances are ranked by lower row index,
/// so the prediction can differ from scikit-learn's where distances tie at the k-th
/// neighbour. Memory is `O(n k)` beyond the input and time `O(n^2 d)`. The result is the
/// same for any number of threads.
///
/// # Errors
///
/// - [`Error::EmptyInput`], [`Error::NonFinite`] or [`Error::RaggedRows`] for bad input.
/// - [`Error::ShapeMismatch`] when `labels` does not have one entry per row of `embedded`.
/// - [`Error::InvalidParameter`] (`n_neighbors`) when `n_neighbors` is 0 or not less than
///   the number of rows.
///
/// # Example
///
/// ```
/// use embviz_metrics::knn_accuracy;
/// use ndarray::array;
///
/// let y = array![[0.0], [1.0], [2.0], [10.0], [11.0], [12.0]];
/// let labels = [0, 0, 1, 1, 1, 1];
/// // Row 2 is nearest to rows 0 and 1, so it is predicted as class 0. Rows 0 and 1 each
/// // get one vote for class 0 and one for class 1, and the tie goes to class 0.
/// assert_eq!(knn_accuracy(&y, &labels, 2)?, 5.0 / 6.0);
/// # Ok::<(), embviz_core::Error>(())
/// ```
pub fn knn_accuracy<F: Float>(
    embedded: &impl Matrix<F>,
    labels: &[usize],
    n_neighbors: usize,
) -> Result<f64> {
    let embedded = validate::input_matrix("X", embedded)?;
    let n_samples = embedded.nrows();
    if labels.len() != n_samples {
        return Err(Error::ShapeMismatch {
            what: "labels",
            expected: format!("{n_samples} labels, one per row of X"),
            found: format!("{} labels", labels.len()),
        });
    }
    check_n_neighbors(n_neighbors, n_samples)?;

    let neighbors = exact_knn(embedded.view(), n_neighbors, Metric::Euclidean)?;
    let indices = neighbors.indices();
    let correct: usize = (0..n_samples)
        .into_par_iter()
        .filter(|&i| majority_label(indices.row(i).iter().map(|&j| labels[j])) == labels[i])
        .count();
    Ok(correct as f64 / n_samples as f64)
}

/// Returns the most frequent of `votes`, the smallest label among equally frequent ones.
fn majority_label(votes: impl Iterator<Item = usize>) -> usize {
    let mut votes: Vec<usize> = votes.collect();
    votes.sort_unstable();
    let (mut best, mut best_count) = (usize::MAX, 0);
    for run in votes.chunk_by(|a, b| a == b) {
        // Runs come in ascending label order, so only a strictly larger count replaces.
        if run.len() > best_count {
            (best, best_count) = (run[0], run.len());
        }
    }
    best
}

/// Validates both inputs and returns, for every row, how many of its `n_neighbors`
/// nearest neighbours in `x` are also among its nearest neighbours in `embedded`.
fn shared_neighbor_counts<F: Float, G: Float>(
    x: &impl Matrix<F>,
    embedded: &impl Matrix<G>,
    n_neighbors: usize,
) -> Result<Vec<usize>> {
    let x = validate::input_matrix("X", x)?;
    let embedded = validate::input_matrix("X_embedded", embedded)?;
    let n_samples = x.nrows();
    if embedded.nrows() != n_samples {
        return Err(Error::ShapeMismatch {
            what: "X_embedded",
            expected: format!("{n_samples} rows, one per row of X"),
            found: format!("{} rows", embedded.nrows()),
        });
    }
    check_n_neighbors(n_neighbors, n_samples)?;

    let in_x = sorted_lists(exact_knn(x.view(), n_neighbors, Metric::Euclidean)?.indices());
    let in_map =
        sorted_lists(exact_knn(embedded.view(), n_neighbors, Metric::Euclidean)?.indices());
    Ok(in_x
        .outer_iter()
        .into_par_iter()
        .zip(in_map.outer_iter().into_par_iter())
        .map(|(a, b)| {
            let a = a
                .to_slice()
                .expect("rows of a standard-layout array are contiguous");
            let b = b
                .to_slice()
                .expect("rows of a standard-layout array are contiguous");
            count_common(a, b)
        })
        .collect())
}

/// Returns a copy of the neighbour lists with each row sorted by index.
fn sorted_lists(indices: &Array2<usize>) -> Array2<usize> {
    let mut sorted = indices.as_standard_layout().into_owned();
    for mut row in sorted.outer_iter_mut() {
        if let Some(row) = row.as_slice_mut() {
            row.sort_unstable();
        }
    }
    sorted
}

/// Returns the number of values two ascending lists of distinct values share.
pub(crate) fn count_common(a: &[usize], b: &[usize]) -> usize {
    let (mut i, mut j, mut common) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    common
}

fn check_n_neighbors(n_neighbors: usize, n_samples: usize) -> Result<()> {
    if n_neighbors == 0 || n_neighbors >= n_samples {
        return Err(Error::invalid_parameter(
            "n_neighbors",
            n_neighbors,
            format!(
                "must be at least 1 and less than n_samples ({n_samples}), since each row is \
                 left out of its own neighbours"
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tied_vote_goes_to_smallest_label() {
        assert_eq!(majority_label([5, 2, 5, 2].into_iter()), 2);
        assert_eq!(majority_label([9, 4, 9].into_iter()), 9);
        assert_eq!(majority_label([3].into_iter()), 3);
    }

    #[test]
    fn common_values_of_sorted_lists() {
        assert_eq!(count_common(&[1, 4, 6, 9], &[2, 4, 9, 11]), 2);
        assert_eq!(count_common(&[1, 2], &[3, 4]), 0);
        assert_eq!(count_common(&[7], &[7]), 1);
    }
}
