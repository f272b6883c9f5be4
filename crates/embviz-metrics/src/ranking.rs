//! Ranking metrics of a score vector against binary ground truth.

use embviz_core::{Error, Float, Result};

/// Area under the ROC curve of `scores` against `truth`, as scikit-learn's
/// `roc_auc_score(truth, scores)`.
///
/// A higher score must mean "more likely positive", so pass outlier scores with that sign
/// (for example the negated `score_samples` of a detector). Rows with equal scores form one
/// step of the curve, whose area is a trapezoid: a positive and a negative with equal scores
/// count one half, exactly as scikit-learn's curve does.
///
/// # Errors
///
/// - [`Error::ShapeMismatch`] if the lengths differ.
/// - [`Error::EmptyInput`] if there are no rows.
/// - [`Error::NonFinite`] if a score is NaN or infinite.
/// - [`Error::InvalidParameter`] if `truth` holds only one class (the area is undefined).
///
/// # Example
///
/// ```
/// use embviz_metrics::roc_auc;
///
/// let truth = [false, false, true, true];
/// let scores = [0.1, 0.4, 0.35, 0.8];
/// assert!((roc_auc(&truth, &scores).unwrap() - 0.75).abs() < 1e-12);
/// ```
pub fn roc_auc<F: Float>(truth: &[bool], scores: &[F]) -> Result<f64> {
    let groups = tie_groups(truth, scores)?;
    let (n_pos, n_neg) = class_counts(truth);
    if n_pos == 0 || n_neg == 0 {
        return Err(one_class(n_pos, "ROC AUC"));
    }
    // Walk down the score groups; each adds a trapezoid under the curve.
    let (mut tp, mut fp, mut area) = (0.0_f64, 0.0_f64, 0.0_f64);
    for (pos, neg) in groups {
        area += neg as f64 * (tp + pos as f64 / 2.0);
        tp += pos as f64;
        fp += neg as f64;
    }
    debug_assert_eq!(fp, n_neg as f64);
    Ok(area / (n_pos as f64 * n_neg as f64))
}

/// Average precision of `scores` against `truth`, as scikit-learn's
/// `average_precision_score(truth, scores)`: the sum over score thresholds of the precision
/// at that threshold times the gain in recall, with no interpolation.
///
/// Higher scores mean "more likely positive". Rows with equal scores are one threshold, so
/// ties neither help nor hurt by their order. Without positives the value is undefined.
///
/// # Errors
///
/// - [`Error::ShapeMismatch`] if the lengths differ.
/// - [`Error::EmptyInput`] if there are no rows.
/// - [`Error::NonFinite`] if a score is NaN or infinite.
/// - [`Error::InvalidParameter`] if `truth` contains no positive.
///
/// # Example
///
/// ```
/// use embviz_metrics::average_precision;
///
/// let truth = [false, false, true, true];
/// let scores = [0.1, 0.4, 0.35, 0.8];
/// // Thresholds 0.8 (precision 1, recall 0.5) and 0.35 (precision 2/3, recall 1).
/// let ap = average_precision(&truth, &scores).unwrap();
/// assert!((ap - (0.5 + 0.5 * 2.0 / 3.0)).abs() < 1e-12);
/// ```
pub fn average_precision<F: Float>(truth: &[bool], scores: &[F]) -> Result<f64> {
    let groups = tie_groups(truth, scores)?;
    let (n_pos, _) = class_counts(truth);
    if n_pos == 0 {
        return Err(one_class(0, "average precision"));
    }
    let (mut tp, mut seen, mut ap) = (0usize, 0usize, 0.0_f64);
    for (pos, neg) in groups {
        tp += pos;
        seen += pos + neg;
        if pos > 0 {
            ap += (pos as f64 / n_pos as f64) * (tp as f64 / seen as f64);
        }
    }
    Ok(ap)
}

fn class_counts(truth: &[bool]) -> (usize, usize) {
    let n_pos = truth.iter().filter(|&&t| t).count();
    (n_pos, truth.len() - n_pos)
}

fn one_class(n_pos: usize, metric: &str) -> Error {
    let value = if n_pos == 0 {
        "no positive (true) entries"
    } else {
        "no negative (false) entries"
    };
    Error::invalid_parameter(
        "truth",
        value,
        format!(
            "must hold both positives and negatives, because {metric} is undefined with one class"
        ),
    )
}

/// Checks the inputs and returns, for each distinct score from highest to lowest, the
/// number of positives and negatives with that score.
fn tie_groups<F: Float>(truth: &[bool], scores: &[F]) -> Result<Vec<(usize, usize)>> {
    if truth.len() != scores.len() {
        return Err(Error::ShapeMismatch {
            what: "scores",
            expected: format!("{} values, one per entry of truth", truth.len()),
            found: format!("{} values", scores.len()),
        });
    }
    if scores.is_empty() {
        return Err(Error::EmptyInput {
            what: "scores",
            n_rows: 0,
            n_cols: 1,
        });
    }
    let mut pairs = Vec::with_capacity(scores.len());
    for (row, (&t, &s)) in truth.iter().zip(scores).enumerate() {
        let s = s.to_f64_exact();
        if !s.is_finite() {
            return Err(Error::NonFinite {
                what: "scores",
                row,
                column: 0,
                value: s,
            });
        }
        pairs.push((s, t));
    }
    pairs.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut groups: Vec<(usize, usize)> = Vec::new();
    let mut last = f64::NAN;
    for (s, t) in pairs {
        if s != last || groups.is_empty() {
            groups.push((0, 0));
            last = s;
        }
        if let Some(g) = groups.last_mut() {
            if t {
                g.0 += 1;
            } else {
                g.1 += 1;
            }
        }
    }
    Ok(groups)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_tied_scores_give_one_half() {
        let truth = [true, false, true, false];
        assert_eq!(roc_auc(&truth, &[1.0_f64; 4]).unwrap(), 0.5);
        assert_eq!(average_precision(&truth, &[1.0_f64; 4]).unwrap(), 0.5);
    }

    #[test]
    fn perfect_and_reversed_rankings() {
        let truth = [false, true, false, true];
        let scores = [0.0_f32, 1.0, 0.2, 0.9];
        assert_eq!(roc_auc(&truth, &scores).unwrap(), 1.0);
        assert_eq!(average_precision(&truth, &scores).unwrap(), 1.0);
        let reversed: Vec<f32> = scores.iter().map(|s| -s).collect();
        assert_eq!(roc_auc(&truth, &reversed).unwrap(), 0.0);
    }

    #[test]
    fn bad_inputs_are_errors() {
        assert!(matches!(
            roc_auc(&[true, false], &[1.0_f64]),
            Err(Error::ShapeMismatch { .. })
        ));
        assert!(matches!(
            roc_auc::<f64>(&[], &[]),
            Err(Error::EmptyInput { .. })
        ));
        assert!(matches!(
            roc_auc(&[true, false], &[1.0, f64::NAN]),
            Err(Error::NonFinite { row: 1, .. })
        ));
        assert!(matches!(
            roc_auc(&[true, true], &[1.0_f64, 2.0]),
            Err(Error::InvalidParameter { name: "truth", .. })
        ));
        assert!(matches!(
            average_precision(&[false, false], &[1.0_f64, 2.0]),
            Err(Error::InvalidParameter { name: "truth", .. })
        ));
        // Average precision is defined without negatives.
        assert_eq!(
            average_precision(&[true, true], &[1.0_f64, 2.0]).unwrap(),
            1.0
        );
    }
}
