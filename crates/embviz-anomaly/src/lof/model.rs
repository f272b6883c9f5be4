//! The fitted Local Outlier Factor: training scores, labels and novelty scoring.

use embviz_core::{Error, Float, Matrix, Metric, Result, validate};
use embviz_neighbors::exact_knn_query;
use ndarray::{Array1, Array2};

use super::density;
use super::params::LocalOutlierFactor;
use crate::Contamination;

/// Scores and densities that `fit` computed for the training rows.
#[derive(Debug, Clone)]
pub(super) struct TrainingScores {
    pub(super) negative_outlier_factor: Array1<f64>,
    pub(super) local_reachability_density: Array1<f64>,
    pub(super) k_distances: Array1<f64>,
    pub(super) offset: f64,
}

/// A [`LocalOutlierFactor`] fitted on training rows: their scores and labels, and with
/// novelty detection the scoring of new rows.
///
/// The training scores are always available, through
/// [`negative_outlier_factor`](Self::negative_outlier_factor) and [`labels`](Self::labels).
/// [`score_samples`](Self::score_samples), [`decision_function`](Self::decision_function)
/// and [`predict`](Self::predict) score new rows against the training rows and need
/// [`LocalOutlierFactor::novelty`] set to `true` before `fit`, as in scikit-learn. Only
/// then does the model keep a copy of the training data.
///
/// # Example
///
/// ```
/// use embviz_anomaly::LocalOutlierFactor;
/// use ndarray::array;
///
/// // Training rows on a 3 x 3 grid with unit spacing.
/// let x = array![
///     [0.0_f32, 0.0], [0.0, 1.0], [0.0, 2.0],
///     [1.0, 0.0], [1.0, 1.0], [1.0, 2.0],
///     [2.0, 0.0], [2.0, 1.0], [2.0, 2.0],
/// ];
/// let lof = LocalOutlierFactor::new().n_neighbors(4).novelty(true).fit(&x)?;
/// assert_eq!(lof.offset(), -1.5);
///
/// let new_rows = array![[1.0_f32, 1.5], [8.0, 8.0]];
/// let scores = lof.score_samples(&new_rows)?;
/// assert!(scores[0] > -1.5 && scores[1] < -5.0);
/// assert_eq!(lof.predict(&new_rows)?.to_vec(), vec![1, -1]);
/// # Ok::<(), embviz_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct FittedLocalOutlierFactor<F> {
    params: LocalOutlierFactor,
    n_neighbors: usize,
    n_features: usize,
    scores: TrainingScores,
    /// The training rows, kept only with novelty detection.
    data: Option<Array2<F>>,
}

impl<F: Float> FittedLocalOutlierFactor<F> {
    pub(super) fn new(
        params: LocalOutlierFactor,
        n_neighbors: usize,
        n_features: usize,
        scores: TrainingScores,
        data: Option<Array2<F>>,
    ) -> Self {
        Self {
            params,
            n_neighbors,
            n_features,
            scores,
            data,
        }
    }

    /// Returns minus the local outlier factor of every training row: about -1 for
    /// inliers, lower for outliers.
    #[doc(alias = "negative_outlier_factor_")]
    pub fn negative_outlier_factor(&self) -> &Array1<f64> {
        &self.scores.negative_outlier_factor
    }

    /// Returns the threshold that separates the training scores: -1.5 for
    /// [`Contamination::Auto`], and for a fraction the percentile of
    /// [`negative_outlier_factor`](Self::negative_outlier_factor) at `100 * fraction`
    /// (numpy's linear rule).
    #[doc(alias = "offset_")]
    pub fn offset(&self) -> f64 {
        self.scores.offset
    }

    /// Returns the label of every training row: -1 where its negative outlier factor is
    /// below [`offset`](Self::offset) and 1 elsewhere.
    ///
    /// This is scikit-learn's `fit_predict(X)`, or `predict()` without an argument on a
    /// novelty detector, and is available in both modes.
    pub fn labels(&self) -> Array1<i32> {
        let offset = self.scores.offset;
        self.scores
            .negative_outlier_factor
            .mapv(|score| if score < offset { -1 } else { 1 })
    }

    /// Returns the local reachability density of every training row.
    #[doc(alias = "_lrd")]
    pub fn local_reachability_density(&self) -> &Array1<f64> {
        &self.scores.local_reachability_density
    }

    /// Returns the distance from every training row to its `n_neighbors`-th nearest other
    /// training row.
    pub fn k_distances(&self) -> &Array1<f64> {
        &self.scores.k_distances
    }

    /// Returns the number of neighbours used, `n_samples - 1` where the requested value
    /// was not less than the number of training rows.
    #[doc(alias = "n_neighbors_")]
    pub fn n_neighbors(&self) -> usize {
        self.n_neighbors
    }

    /// Returns the metric of the neighbour search.
    pub fn metric(&self) -> Metric {
        self.params.metric_value()
    }

    /// Returns the contamination that set the offset.
    pub fn contamination(&self) -> Contamination {
        self.params.contamination_value()
    }

    /// Returns whether the model scores new rows (novelty detection).
    pub fn novelty(&self) -> bool {
        self.data.is_some()
    }

    /// Returns the number of training rows.
    #[doc(alias = "n_samples_fit_")]
    pub fn n_samples_fit(&self) -> usize {
        self.scores.negative_outlier_factor.len()
    }

    /// Returns the number of columns of the training data.
    #[doc(alias = "n_features_in_")]
    pub fn n_features_in(&self) -> usize {
        self.n_features
    }

    /// Returns minus the local outlier factor of every row of `x` against the training
    /// rows: lower is more abnormal.
    ///
    /// Each new row gets its `n_neighbors` nearest training rows and its density from the
    /// training k-distances, and its factor compares that density with the densities of
    /// those training rows. New rows never enter the neighbourhoods of other rows. A new
    /// row equal to a training row counts that row as a neighbour at distance 0, so the
    /// result differs from the training row's
    /// [`negative_outlier_factor`](Self::negative_outlier_factor).
    ///
    /// # Errors
    ///
    /// - [`Error::InvalidParameter`] named `novelty` when the model was fitted without
    ///   novelty detection.
    /// - [`Error::RaggedRows`], [`Error::EmptyInput`] or [`Error::NonFinite`] for invalid
    ///   `x`.
    /// - [`Error::ShapeMismatch`] when `x` has a different number of columns than the
    ///   training data.
    /// - [`Error::ZeroVector`] for a row of zero norm with [`Metric::Cosine`].
    pub fn score_samples(&self, x: &impl Matrix<F>) -> Result<Array1<f64>> {
        let Some(data) = &self.data else {
            return Err(novelty_required("score_samples"));
        };
        let rows = validate::input_matrix("X", x)?;
        let view = rows.view();
        validate::n_columns("X", &view, self.n_features)?;
        if self.metric() == Metric::Cosine {
            validate::no_zero_rows("X", &view)?;
        }

        let neighbors = exact_knn_query(data.view(), view, self.n_neighbors, self.metric())?;
        let indices = neighbors.indices().view();
        let lrd = density::local_reachability_density(
            neighbors.distances().view(),
            indices,
            self.scores.k_distances.view(),
        );
        Ok(density::negative_outlier_factor(
            indices,
            lrd.view(),
            self.scores.local_reachability_density.view(),
        ))
    }

    /// Returns [`score_samples`](Self::score_samples) minus [`offset`](Self::offset):
    /// negative for outliers, positive for inliers.
    ///
    /// # Errors
    ///
    /// As [`score_samples`](Self::score_samples).
    pub fn decision_function(&self, x: &impl Matrix<F>) -> Result<Array1<f64>> {
        if self.data.is_none() {
            return Err(novelty_required("decision_function"));
        }
        Ok(self.score_samples(x)? - self.scores.offset)
    }

    /// Returns the label of every row of `x`: -1 (outlier) where its
    /// [`decision_function`](Self::decision_function) is negative, 1 (inlier) elsewhere.
    ///
    /// # Errors
    ///
    /// As [`score_samples`](Self::score_samples).
    pub fn predict(&self, x: &impl Matrix<F>) -> Result<Array1<i32>> {
        if self.data.is_none() {
            return Err(novelty_required("predict"));
        }
        Ok(self
            .decision_function(x)?
            .mapv(|value| if value < 0.0 { -1 } else { 1 }))
    }
}

/// The error of a method that scores new rows on a model fitted without novelty detection.
fn novelty_required(method: &str) -> Error {
    Error::invalid_parameter(
        "novelty",
        false,
        format!(
            "{method} scores new rows, which needs novelty = true: fit with \
             LocalOutlierFactor::new().novelty(true), or read the training scores from \
             negative_outlier_factor()"
        ),
    )
}
