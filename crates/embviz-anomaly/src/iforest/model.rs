//! The fitted forest: path lengths, scores, offset and labels.

use std::time::Instant;

use embviz_core::{Float, Matrix, Result, validate};
use ndarray::Array1;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::average_path_length;
use super::axis::{AxisTree, LANES};
use super::extended::ExtendedTree;
use super::params::SplitRule;
use crate::contamination::Contamination;

/// Rows scored by one parallel task. It is fixed, so the work split, and with it every
/// result, does not depend on the thread count.
const ROWS_PER_TASK: usize = 256;

/// The trees of a forest, all of one kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(bound(
    serialize = "F: Serialize",
    deserialize = "F: Float + Deserialize<'de>"
))]
pub(super) enum Forest<F> {
    /// Axis-parallel trees, with thresholds in the data's precision.
    Axis(Vec<AxisTree<F>>),
    /// Extended trees, with hyperplanes in `f64`.
    Extended(Vec<ExtendedTree>),
}

impl<F> Forest<F> {
    fn len(&self) -> usize {
        match self {
            Self::Axis(trees) => trees.len(),
            Self::Extended(trees) => trees.len(),
        }
    }
}

/// The sizes a forest was grown with.
#[derive(Debug, Clone, Copy)]
pub(super) struct ForestShape {
    pub(super) n_features_in: usize,
    pub(super) max_samples_used: usize,
    pub(super) max_features_used: usize,
}

/// A fitted Isolation Forest, from [`IsolationForest::fit`].
///
/// It scores any rows with the training data's number of columns:
/// [`score_samples`](Self::score_samples) (lower is more abnormal),
/// [`decision_function`](Self::decision_function) (the score minus [`offset`](Self::offset),
/// negative for outliers) and [`predict`](Self::predict) (-1 for outliers, 1 for inliers),
/// as scikit-learn's `IsolationForest`. Rows are scored in parallel, with the same result for
/// every thread count.
///
/// It implements serde's `Serialize` and `Deserialize`, with the trees stored as flat arrays
/// of nodes and the training rows that reached each node. Loading checks the structure (child
/// and feature indices, sizes, finite values), so a corrupt file gives an error rather than a
/// panic. JSON keeps every value exactly only when `serde_json` parses floats exactly (its
/// `float_roundtrip` feature).
///
/// [`IsolationForest::fit`]: crate::IsolationForest::fit
///
/// # Example
///
/// ```
/// use embviz_anomaly::IsolationForest;
/// use ndarray::array;
///
/// let train = array![[0.0_f32, 0.0], [0.1, 0.2], [0.2, 0.1], [0.1, 0.0], [0.0, 0.1],
///                    [0.2, 0.2], [0.1, 0.1], [0.0, 0.2]];
/// let forest = IsolationForest::new().seed(7).fit(&train)?;
///
/// let new_rows = array![[0.1_f32, 0.1], [5.0, -5.0]];
/// let scores = forest.score_samples(&new_rows)?;
/// assert!(scores[1] < scores[0]);
/// assert_eq!(forest.predict(&new_rows)?.to_vec(), vec![1, -1]);
/// let decision = forest.decision_function(&new_rows)?;
/// assert_eq!(decision[1], scores[1] - forest.offset());
/// # Ok::<(), embviz_core::Error>(())
/// ```
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    try_from = "ModelData<F>",
    bound(
        serialize = "F: Serialize",
        deserialize = "F: Float + Deserialize<'de>"
    )
)]
pub struct FittedIsolationForest<F> {
    n_features_in: usize,
    max_samples_used: usize,
    max_features_used: usize,
    split_rule: SplitRule,
    contamination: Contamination,
    seed: u64,
    offset: f64,
    forest: Forest<F>,
}

/// The stored form of a [`FittedIsolationForest`], checked on deserialization.
#[derive(Deserialize)]
#[serde(bound(deserialize = "F: Float + Deserialize<'de>"))]
struct ModelData<F> {
    n_features_in: usize,
    max_samples_used: usize,
    max_features_used: usize,
    split_rule: SplitRule,
    contamination: Contamination,
    seed: u64,
    offset: f64,
    forest: Forest<F>,
}

/// Shows the settings and sizes, not the thousands of tree nodes.
impl<F> std::fmt::Debug for FittedIsolationForest<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FittedIsolationForest")
            .field("n_estimators", &self.forest.len())
            .field("n_features_in", &self.n_features_in)
            .field("max_samples_used", &self.max_samples_used)
            .field("max_features_used", &self.max_features_used)
            .field("split_rule", &self.split_rule)
            .field("contamination", &self.contamination)
            .field("seed", &self.seed)
            .field("offset", &self.offset)
            .finish_non_exhaustive()
    }
}

impl<F: Float> TryFrom<ModelData<F>> for FittedIsolationForest<F> {
    type Error = String;

    /// Checks what the trees alone cannot: that they fit the model's sizes.
    fn try_from(data: ModelData<F>) -> std::result::Result<Self, String> {
        let n_features_in = data.n_features_in;
        if n_features_in == 0 || data.max_samples_used == 0 || data.forest.len() == 0 {
            return Err(format!(
                "an Isolation Forest needs at least one feature, one row per tree and one tree, \
                 found {n_features_in} features, {} rows per tree and {} trees",
                data.max_samples_used,
                data.forest.len()
            ));
        }
        if data.max_features_used == 0 || data.max_features_used > n_features_in {
            return Err(format!(
                "max_features_used {} must be between 1 and n_features_in = {n_features_in}",
                data.max_features_used
            ));
        }
        if !data.offset.is_finite() {
            return Err(format!("offset {} must be finite", data.offset));
        }
        data.contamination.validate().map_err(|e| e.to_string())?;
        let max_feature = match (&data.forest, data.split_rule) {
            (Forest::Axis(trees), SplitRule::Axis) => {
                trees.iter().filter_map(AxisTree::max_feature).max()
            }
            (Forest::Extended(trees), SplitRule::Extended { .. }) => {
                trees.iter().filter_map(ExtendedTree::max_feature).max()
            }
            _ => {
                return Err(format!(
                    "split rule {:?} does not match the kind of trees stored",
                    data.split_rule
                ));
            }
        };
        if let Some(feature) = max_feature.filter(|&f| f >= n_features_in) {
            return Err(format!(
                "a split uses feature {feature}, but the model has n_features_in = \
                 {n_features_in}"
            ));
        }
        Ok(Self {
            n_features_in,
            max_samples_used: data.max_samples_used,
            max_features_used: data.max_features_used,
            split_rule: data.split_rule,
            contamination: data.contamination,
            seed: data.seed,
            offset: data.offset,
            forest: data.forest,
        })
    }
}

impl<F: Float> FittedIsolationForest<F> {
    /// Wraps grown trees, with the offset of [`Contamination::Auto`] until
    /// [`set_offset`](Self::set_offset) places another.
    pub(super) fn new(
        forest: Forest<F>,
        shape: ForestShape,
        split_rule: SplitRule,
        contamination: Contamination,
        seed: u64,
    ) -> Self {
        Self {
            n_features_in: shape.n_features_in,
            max_samples_used: shape.max_samples_used,
            max_features_used: shape.max_features_used,
            split_rule,
            contamination,
            seed,
            offset: AUTO_OFFSET,
            forest,
        }
    }

    pub(super) fn set_offset(&mut self, offset: f64) {
        self.offset = offset;
    }

    /// Returns the score of each row of `x`, in [-1, 0]. Lower is more abnormal.
    ///
    /// The score is `-2^(-mean path length / c(max_samples_used))`, the opposite of the
    /// anomaly score of Liu et al. (2008), as scikit-learn's `score_samples`. When
    /// `max_samples_used` is 1, c is 0 and every score is -0.5, as in scikit-learn.
    ///
    /// # Errors
    ///
    /// - [`Error::RaggedRows`], [`Error::EmptyInput`] or [`Error::NonFinite`] for invalid `x`.
    /// - [`Error::ShapeMismatch`] when `x` does not have `n_features_in` columns.
    ///
    /// [`Error::RaggedRows`]: embviz_core::Error::RaggedRows
    /// [`Error::EmptyInput`]: embviz_core::Error::EmptyInput
    /// [`Error::NonFinite`]: embviz_core::Error::NonFinite
    /// [`Error::ShapeMismatch`]: embviz_core::Error::ShapeMismatch
    pub fn score_samples(&self, x: &impl Matrix<F>) -> Result<Array1<f64>> {
        let rows = validate::input_matrix("X", x)?;
        validate::n_columns("X", &rows.view(), self.n_features_in)?;
        let rows = rows.as_standard_layout();
        let data = rows
            .as_slice()
            .expect("an array in standard layout is one contiguous slice");
        Ok(self.score_rows(data, self.n_features_in))
    }

    /// Returns `score_samples(x) - offset`: negative for outliers, as scikit-learn's
    /// `decision_function`.
    ///
    /// # Errors
    ///
    /// As [`score_samples`](Self::score_samples).
    pub fn decision_function(&self, x: &impl Matrix<F>) -> Result<Array1<f64>> {
        let mut scores = self.score_samples(x)?;
        scores -= self.offset;
        Ok(scores)
    }

    /// Returns -1 for each row of `x` whose decision function is negative (an outlier) and 1
    /// otherwise, as scikit-learn's `predict`. The labels are `i32`, numpy's default integer.
    ///
    /// # Errors
    ///
    /// As [`score_samples`](Self::score_samples).
    pub fn predict(&self, x: &impl Matrix<F>) -> Result<Array1<i32>> {
        Ok(self.labels_from_scores(&self.score_samples(x)?))
    }

    /// Returns the threshold on `score_samples` below which a row is an outlier,
    /// scikit-learn's `offset_`: -0.5 for [`Contamination::Auto`], else the
    /// `100 * fraction`-th percentile of the training scores (numpy's linear rule).
    pub fn offset(&self) -> f64 {
        self.offset
    }

    /// Returns the seed the forest was grown with: the one given to
    /// [`IsolationForest::seed`](crate::IsolationForest::seed), or the one drawn when none
    /// was. Fitting again with it gives the same forest.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Returns the rows drawn for each tree, scikit-learn's `max_samples_`.
    pub fn max_samples_used(&self) -> usize {
        self.max_samples_used
    }

    /// Returns the features each tree could split on, scikit-learn's `_max_features`.
    pub fn max_features_used(&self) -> usize {
        self.max_features_used
    }

    /// Returns the number of trees.
    pub fn n_estimators(&self) -> usize {
        self.forest.len()
    }

    /// Returns the number of columns of the training data, scikit-learn's `n_features_in_`.
    pub fn n_features_in(&self) -> usize {
        self.n_features_in
    }

    /// Returns the contamination the offset was set from.
    pub fn contamination(&self) -> Contamination {
        self.contamination
    }

    /// Returns the split rule, with the extension level of [`SplitRule::Extended`] resolved.
    pub fn split_rule(&self) -> SplitRule {
        self.split_rule
    }

    /// Returns, for each feature, how many splits of the whole forest use it: splits on that
    /// feature for [`SplitRule::Axis`], hyperplanes with a non-zero entry on it for
    /// [`SplitRule::Extended`]. A feature constant in the training data always has 0 with
    /// the axis rule.
    pub fn split_counts(&self) -> Vec<usize> {
        let mut counts = vec![0; self.n_features_in];
        match &self.forest {
            Forest::Axis(trees) => trees.iter().for_each(|t| t.count_splits(&mut counts)),
            Forest::Extended(trees) => trees.iter().for_each(|t| t.count_splits(&mut counts)),
        }
        counts
    }

    pub(super) fn labels_from_scores(&self, scores: &Array1<f64>) -> Array1<i32> {
        scores.mapv(|s| if s - self.offset < 0.0 { -1 } else { 1 })
    }

    /// Scores the validated, row-major `data` of `n_cols` columns.
    pub(super) fn score_rows(&self, data: &[F], n_cols: usize) -> Array1<f64> {
        let n_rows = data.len() / n_cols;
        let start = Instant::now();
        let mut sums = vec![0.0_f64; n_rows];
        sums.par_chunks_mut(ROWS_PER_TASK)
            .enumerate()
            .for_each(|(task, task_sums)| {
                let first_row = task * ROWS_PER_TASK;
                let task_data = &data[first_row * n_cols..(first_row + task_sums.len()) * n_cols];
                self.sum_path_lengths(task_data, n_cols, task_sums);
            });

        // scikit-learn divides the summed path lengths by n_trees * c(max_samples) at once.
        let denominator = self.forest.len() as f64 * average_path_length(self.max_samples_used);
        let scores = sums
            .into_iter()
            .map(|sum| {
                let exponent = if denominator == 0.0 {
                    1.0
                } else {
                    sum / denominator
                };
                -(-exponent).exp2()
            })
            .collect();
        log::debug!(
            "IsolationForest: scored {n_rows} rows with {} trees in {:.1} ms",
            self.forest.len(),
            start.elapsed().as_secs_f64() * 1e3
        );
        scores
    }

    /// Writes into `sums` the total path length of each row of `data` over the trees, added
    /// in tree order, so the rounding is the same whatever thread runs it.
    ///
    /// The tree loop is outside the row loop, so one tree stays in cache while all the rows
    /// of the task pass through it.
    fn sum_path_lengths(&self, data: &[F], n_cols: usize, sums: &mut [f64]) {
        let rows: Vec<&[F]> = data.chunks_exact(n_cols).collect();
        match &self.forest {
            Forest::Axis(trees) => {
                // A short last group repeats its first row in the unused lanes.
                let groups: Vec<[&[F]; LANES]> = rows
                    .chunks(LANES)
                    .map(|group| std::array::from_fn(|i| *group.get(i).unwrap_or(&group[0])))
                    .collect();
                let mut group_sums = vec![[0.0_f64; LANES]; groups.len()];
                for tree in trees {
                    for (lanes, lane_sums) in groups.iter().zip(&mut group_sums) {
                        tree.add_path_lengths(lanes, lane_sums);
                    }
                }
                for (out, lane_sums) in sums.chunks_mut(LANES).zip(&group_sums) {
                    out.copy_from_slice(&lane_sums[..out.len()]);
                }
            }
            Forest::Extended(trees) => {
                sums.fill(0.0);
                for tree in trees {
                    for (sum, row) in sums.iter_mut().zip(&rows) {
                        *sum += tree.path_length(row);
                    }
                }
            }
        }
    }
}

/// scikit-learn's offset for `contamination="auto"`: the opposite of the anomaly score 0.5
/// that Liu et al. (2008) name as the boundary of clear anomalies.
const AUTO_OFFSET: f64 = -0.5;
