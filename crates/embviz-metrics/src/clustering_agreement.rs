//! Agreement between two clusterings of the same rows.

use embviz_core::{Error, Result};

/// Computes the adjusted Rand index of two clusterings, as scikit-learn's
/// `sklearn.metrics.adjusted_rand_score(labels_true, labels_pred)` (Hubert & Arabie 1985,
/// "Comparing partitions", Journal of Classification 2, 193-218).
///
/// Every ordered pair of distinct rows is counted as together or apart in each clustering,
/// which gives the pair counts `tp` (together in both), `fn` (together only in
/// `labels_true`), `fp` (together only in `labels_pred`) and `tn` (apart in both). Then
///
/// ```text
/// ARI = 2 (tp tn - fn fp) / ((tp + fn)(fn + tn) + (tp + fp)(fp + tn))
/// ```
///
/// which is 1 for identical clusterings up to renaming the labels, about 0 for unrelated
/// ones, and can be negative, down to -0.5 (the bound scikit-learn 1.9.1 documents). As in scikit-learn, two clusterings that agree
/// on every pair score exactly 1 even where the formula is 0 / 0: a single row, all rows
/// in one cluster in both, or every row in its own cluster in both.
///
/// Labels are arbitrary ids and the two clusterings may use different ids. The pair counts
/// are exact integers, so the result equals scikit-learn's up to its final division.
/// Time is `O(n log n)` and memory `O(n)`.
///
/// # Errors
///
/// - [`Error::ShapeMismatch`] when the two label vectors differ in length.
/// - [`Error::EmptyInput`] when they are empty, where scikit-learn returns 1.0.
///
/// # Example
///
/// ```
/// use embviz_metrics::adjusted_rand_index;
///
/// // The same clustering with other ids.
/// assert_eq!(adjusted_rand_index(&[0, 0, 1, 1], &[5, 5, 2, 2])?, 1.0);
/// // Each cluster of one is split between the clusters of the other.
/// assert_eq!(adjusted_rand_index(&[0, 0, 1, 1], &[0, 1, 0, 1])?, -0.5);
/// # Ok::<(), embviz_core::Error>(())
/// ```
#[doc(alias = "adjusted_rand_score")]
pub fn adjusted_rand_index(labels_true: &[usize], labels_pred: &[usize]) -> Result<f64> {
    if labels_pred.len() != labels_true.len() {
        return Err(Error::ShapeMismatch {
            what: "labels_pred",
            expected: format!("{} labels, one per entry of labels_true", labels_true.len()),
            found: format!("{} labels", labels_pred.len()),
        });
    }
    if labels_true.is_empty() {
        return Err(Error::EmptyInput {
            what: "labels_true",
            n_rows: 0,
            n_cols: 1,
        });
    }

    let pairs = PairCounts::new(labels_true, labels_pred);
    if pairs.false_negatives == 0 && pairs.false_positives == 0 {
        return Ok(1.0);
    }
    Ok(pairs.adjusted_rand_index())
}

/// The pair confusion matrix of two clusterings, as scikit-learn's
/// `pair_confusion_matrix`: counts of ordered pairs of distinct rows.
#[derive(Debug, PartialEq, Eq)]
struct PairCounts {
    /// Pairs together in both clusterings.
    true_positives: u128,
    /// Pairs together in `labels_pred` only.
    false_positives: u128,
    /// Pairs together in `labels_true` only.
    false_negatives: u128,
    /// Pairs apart in both clusterings.
    true_negatives: u128,
}

impl PairCounts {
    fn new(labels_true: &[usize], labels_pred: &[usize]) -> Self {
        let n = labels_true.len() as u128;
        // A cluster of size c contains c^2 ordered pairs of rows, c of them a row with itself.
        let squares_true = sum_of_squared_counts(labels_true.to_vec());
        let squares_pred = sum_of_squared_counts(labels_pred.to_vec());
        let squares_both =
            sum_of_squared_counts(labels_true.iter().zip(labels_pred).collect::<Vec<_>>());
        let false_positives = squares_pred - squares_both;
        let false_negatives = squares_true - squares_both;
        Self {
            true_positives: squares_both - n,
            false_positives,
            false_negatives,
            true_negatives: n * n - false_positives - false_negatives - squares_both,
        }
    }

    /// Returns the index from the counts, exact until the final division whenever the
    /// products fit in 128 bits, which holds for fewer than 2^31 rows.
    fn adjusted_rand_index(&self) -> f64 {
        let (tp, fp, fn_, tn) = (
            self.true_positives,
            self.false_positives,
            self.false_negatives,
            self.true_negatives,
        );
        let exact = || -> Option<(u128, u128, u128)> {
            let agree = tp.checked_mul(tn)?;
            let disagree = fn_.checked_mul(fp)?;
            let denominator = (tp + fn_)
                .checked_mul(fn_ + tn)?
                .checked_add((tp + fp).checked_mul(fp + tn)?)?;
            Some((agree, disagree, denominator))
        };
        match exact() {
            Some((agree, disagree, denominator)) => {
                let numerator = if agree >= disagree {
                    (agree - disagree) as f64
                } else {
                    -((disagree - agree) as f64)
                };
                2.0 * numerator / denominator as f64
            }
            None => {
                let (tp, fp, fn_, tn) = (tp as f64, fp as f64, fn_ as f64, tn as f64);
                2.0 * (tp * tn - fn_ * fp) / ((tp + fn_) * (fn_ + tn) + (tp + fp) * (fp + tn))
            }
        }
    }
}

/// Returns the sum over distinct values of the squared number of times each occurs.
fn sum_of_squared_counts<T: Ord>(mut values: Vec<T>) -> u128 {
    values.sort_unstable();
    values
        .chunk_by(|a, b| a == b)
        .map(|run| (run.len() as u128).pow(2))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pair_counts_of_small_case() {
        // scikit-learn: pair_confusion_matrix([0, 0, 1, 2], [0, 0, 1, 1]) = [[8, 2], [0, 2]].
        let counts = PairCounts::new(&[0, 0, 1, 2], &[0, 0, 1, 1]);
        assert_eq!(
            counts,
            PairCounts {
                true_positives: 2,
                false_positives: 2,
                false_negatives: 0,
                true_negatives: 8,
            }
        );
    }
}
