//! Numbers and figures of embeddings across fine-tuning snapshots: class separation and
//! outliers per snapshot, a grid of aligned maps and an animation over snapshots.

use embviz_anomaly::{IsolationForest, LocalOutlierFactor};
use embviz_core::{Error, Float, Metric, Result, Snapshots};
use ndarray::{Array2, Axis};

/// Class separation of one snapshot: how well the labels can be read off the embedding.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Separation {
    /// Leave-one-out k-nearest-neighbour accuracy: the share of rows whose label wins the
    /// vote of their `k` nearest other rows.
    pub knn_accuracy: f64,
    /// Mean silhouette coefficient of the classes, in `[-1, 1]`.
    pub silhouette: f64,
}

/// Measures [`Separation`] in every snapshot, in its original space.
///
/// With [`Metric::Cosine`], rows are scaled to unit length first, so that the neighbours
/// are the cosine neighbours and the silhouette uses cosine distances, as a nearest
/// neighbour classifier on sentence embeddings usually does.
///
/// # Errors
///
/// - [`Error::ShapeMismatch`] when `labels` does not have one entry per row.
/// - [`Error::InvalidParameter`] when `n_neighbors` is 0 or not below the number of rows,
///   or there are fewer than 2 classes.
/// - [`Error::InSnapshot`] naming the snapshot around [`Error::ZeroVector`] for a zero row
///   with the cosine metric.
pub fn class_separation<F: Float>(
    snapshots: &Snapshots<F>,
    labels: &[usize],
    n_neighbors: usize,
    metric: Metric,
) -> Result<Vec<Separation>> {
    // Checks that concern every snapshot come first, so their errors name no snapshot.
    let n = snapshots.n_rows();
    if labels.len() != n {
        return Err(Error::ShapeMismatch {
            what: "labels",
            expected: format!("{n} labels, one per row of the snapshots"),
            found: format!("{} labels", labels.len()),
        });
    }
    let mut classes = labels.to_vec();
    classes.sort_unstable();
    classes.dedup();
    if classes.len() < 2 || classes.len() >= n {
        return Err(Error::InvalidParameter {
            name: "labels",
            value: format!("{} classes for {n} rows", classes.len()),
            expected: "between 2 classes and one fewer than the number of rows, as the \
                       silhouette needs"
                .to_owned(),
        });
    }
    if n_neighbors == 0 || n_neighbors >= n {
        return Err(Error::InvalidParameter {
            name: "n_neighbors",
            value: n_neighbors.to_string(),
            expected: format!("at least 1 and below the number of rows ({n})"),
        });
    }
    let mut separation = Vec::with_capacity(snapshots.len());
    for (name, x) in snapshots {
        let measured = (|| {
            let x = x.mapv(|v| v.to_f64_exact());
            let x = match metric {
                Metric::Cosine => unit_rows(x)?,
                _ => x,
            };
            let knn_accuracy = embviz_metrics::knn_accuracy(&x, labels, n_neighbors)?;
            let silhouette = embviz_clustering::silhouette_score(&x, labels, metric)?;
            Ok(Separation {
                knn_accuracy,
                silhouette,
            })
        })()
        .map_err(|error: Error| error.in_snapshot(name))?;
        log::info!(
            "{name}: {n_neighbors}-NN accuracy {:.4}, silhouette {:.4}",
            measured.knn_accuracy,
            measured.silhouette
        );
        separation.push(measured);
    }
    Ok(separation)
}

fn unit_rows(mut x: Array2<f64>) -> Result<Array2<f64>> {
    for (row, mut values) in x.axis_iter_mut(Axis(0)).enumerate() {
        // Scaled by the largest magnitude first, so that the squares neither underflow
        // nor overflow.
        let largest = values.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
        let norm = if largest > 0.0 {
            largest * values.mapv(|v| (v / largest).powi(2)).sum().sqrt()
        } else {
            0.0
        };
        if norm == 0.0 {
            return Err(Error::ZeroVector { what: "X", row });
        }
        values /= norm;
    }
    Ok(x)
}

/// Outlier detector run on each snapshot by [`outliers_per_snapshot`].
#[derive(Debug, Clone)]
pub enum SnapshotDetector {
    /// Isolation Forest; a row is an outlier where its score is below the forest's offset,
    /// scikit-learn's `predict(X) == -1`.
    IsolationForest(IsolationForest),
    /// Local Outlier Factor; a row is an outlier where `fit_predict` gives -1.
    Lof(LocalOutlierFactor),
}

impl Default for SnapshotDetector {
    fn default() -> Self {
        Self::IsolationForest(IsolationForest::new())
    }
}

/// Outliers of every snapshot, and the rows that enter and leave the outlier set between
/// consecutive snapshots.
#[derive(Debug, Clone, PartialEq)]
pub struct OutlierEvolution {
    /// `flags[s][i]` is true when row `i` is an outlier of snapshot `s`.
    pub flags: Vec<Vec<bool>>,
    /// `scores[s][i]`: scikit-learn's `score_samples` of row `i` in snapshot `s`, lower for
    /// more abnormal rows (Isolation Forest scores, or LOF's negative outlier factor).
    pub scores: Vec<Vec<f64>>,
    /// `entered[t]`: rows that are outliers of snapshot `t + 1` and not of snapshot `t`.
    pub entered: Vec<Vec<usize>>,
    /// `left[t]`: rows that are outliers of snapshot `t` and not of snapshot `t + 1`.
    pub left: Vec<Vec<usize>>,
}

/// Runs an outlier detector on each snapshot and lists the rows that enter and leave the
/// outlier set from one snapshot to the next.
///
/// # Errors
///
/// The detector's errors, wrapped in [`Error::InSnapshot`] naming the snapshot.
pub fn outliers_per_snapshot<F: Float>(
    snapshots: &Snapshots<F>,
    detector: &SnapshotDetector,
) -> Result<OutlierEvolution> {
    let mut flags = Vec::with_capacity(snapshots.len());
    let mut scores = Vec::with_capacity(snapshots.len());
    for (name, x) in snapshots {
        let (snapshot_flags, snapshot_scores) = match detector {
            SnapshotDetector::IsolationForest(forest) => {
                let (fitted, scores) = forest
                    .fit_with_scores(x)
                    .map_err(|error| error.in_snapshot(name))?;
                let offset = fitted.offset();
                let flags: Vec<bool> = scores.iter().map(|&s| s < offset).collect();
                (flags, scores.to_vec())
            }
            SnapshotDetector::Lof(lof) => {
                let fitted = lof.fit(x).map_err(|error| error.in_snapshot(name))?;
                let flags = fitted.labels().iter().map(|&label| label == -1).collect();
                (flags, fitted.negative_outlier_factor().to_vec())
            }
        };
        log::info!(
            "{name}: {} outliers",
            snapshot_flags.iter().filter(|&&flag| flag).count()
        );
        flags.push(snapshot_flags);
        scores.push(snapshot_scores);
    }
    let changed = |from: &[bool], to: &[bool]| -> Vec<usize> {
        (0..from.len()).filter(|&i| to[i] && !from[i]).collect()
    };
    let entered = flags
        .windows(2)
        .map(|pair| changed(&pair[0], &pair[1]))
        .collect();
    let left = flags
        .windows(2)
        .map(|pair| changed(&pair[1], &pair[0]))
        .collect();
    Ok(OutlierEvolution {
        flags,
        scores,
        entered,
        left,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn entered_and_left_follow_the_flags() {
        // Row 0 is far from the others in the first snapshot. In the second, row 0 has
        // joined them and row 3 is the far one.
        let first = array![
            [9.0, 9.0],
            [0.0, 0.1],
            [0.1, 0.0],
            [0.1, 0.1],
            [0.0, 0.0],
            [0.05, 0.05]
        ];
        let second = array![
            [0.0, 0.0],
            [0.0, 0.1],
            [0.1, 0.0],
            [9.0, 9.0],
            [0.1, 0.1],
            [0.05, 0.05]
        ];
        let snapshots = Snapshots::new([("a", first), ("b", second)]).expect("two valid snapshots");
        let detector = SnapshotDetector::Lof(LocalOutlierFactor::new().n_neighbors(2));
        let outliers = outliers_per_snapshot(&snapshots, &detector).expect("detection runs");
        assert!(outliers.flags[0][0]);
        assert!(outliers.flags[1][3]);
        assert_eq!(outliers.entered, vec![vec![3]]);
        assert_eq!(outliers.left, vec![vec![0]]);
    }

    #[test]
    fn separation_rises_when_classes_split() {
        // Each row of class 0 has a near twin in class 1 in the first snapshot. In the
        // second, class 0 lies along the x axis and class 1 along the y axis.
        let mixed = array![
            [1.0, 0.0],
            [0.0, 1.0],
            [1.0, 0.9],
            [1.0, 0.05],
            [0.05, 1.0],
            [0.9, 1.0]
        ];
        let apart = array![
            [1.0, 0.0],
            [1.0, 0.02],
            [1.0, 0.04],
            [0.0, 1.0],
            [0.02, 1.0],
            [0.04, 1.0]
        ];
        let labels = [0, 0, 0, 1, 1, 1];
        let snapshots =
            Snapshots::new([("mixed", mixed), ("apart", apart)]).expect("valid snapshots");
        let separation = class_separation(&snapshots, &labels, 1, Metric::Cosine)
            .expect("separation is measured");
        // With one neighbour, every row of the first snapshot votes for its twin's class.
        assert_eq!(separation[0].knn_accuracy, 0.0);
        assert!(separation[0].silhouette < 0.0, "{separation:?}");
        assert_eq!(separation[1].knn_accuracy, 1.0);
        assert!(separation[1].silhouette > 0.9, "{separation:?}");
    }

    #[test]
    fn one_class_is_rejected_before_any_snapshot() {
        let x = array![[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]];
        let snapshots = Snapshots::new([("a", x.clone()), ("b", x)]).expect("valid");
        match class_separation(&snapshots, &[4, 4, 4], 1, Metric::Cosine) {
            Err(Error::InvalidParameter { name, value, .. }) => {
                assert_eq!(name, "labels");
                assert_eq!(value, "1 classes for 3 rows");
            }
            other => panic!("expected InvalidParameter, got {other:?}"),
        }
    }

    #[test]
    fn zero_row_names_the_snapshot() {
        let good = array![[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]];
        let zero = array![[1.0, 0.0], [0.0, 0.0], [1.0, 1.0]];
        let snapshots = Snapshots::new([("epoch_00", good), ("epoch_01", zero)]).expect("valid");
        match class_separation(&snapshots, &[0, 1, 1], 1, Metric::Cosine) {
            Err(Error::InSnapshot { name, source }) => {
                assert_eq!(name, "epoch_01");
                assert!(
                    matches!(*source, Error::ZeroVector { row: 1, .. }),
                    "{source:?}"
                );
            }
            other => panic!("expected InSnapshot, got {other:?}"),
        }
    }
}
