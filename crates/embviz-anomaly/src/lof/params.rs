//! The Local Outlier Factor parameters, `fit` and `fit_predict`.

use std::time::Instant;

use embviz_core::{Error, Float, Matrix, Metric, Result, validate};
use ndarray::Array1;

use super::density;
use super::model::{FittedLocalOutlierFactor, TrainingScores};
use crate::Contamination;
use crate::contamination::percentile;

/// The offset of [`Contamination::Auto`]: inliers score near -1, so a row is an outlier
/// once its local density is below two thirds of its neighbours' mean density.
const AUTO_OFFSET: f64 = -1.5;

/// A training score below this means that duplicate rows made some densities huge, which
/// scikit-learn also warns about.
const DUPLICATE_SCORE_WARNING: f64 = -1e7;

/// Local Outlier Factor: flags rows whose local density is low compared with the density
/// around their nearest neighbours.
///
/// For every row `a` with its `k = n_neighbors` nearest other rows `N(a)`:
///
/// ```text
/// k-distance(b)  = distance from b to its k-th nearest neighbour
/// reach(a, b)    = max(k-distance(b), d(a, b))
/// lrd(a)         = 1 / (mean of reach(a, b) over b in N(a) + 1e-10)
/// LOF(a)         = mean of lrd(b) / lrd(a) over b in N(a)
/// ```
///
/// A LOF near 1 means that the row is as dense as its neighbourhood, and a LOF well
/// above 1 marks an outlier. The method is that of Breunig, Kriegel, Ng & Sander (2000),
/// "LOF: Identifying Density-Based Local Outliers", SIGMOD 2000. The `1e-10` keeps the
/// density finite when a row has more than `k` exact duplicates.
///
/// This is scikit-learn's `sklearn.neighbors.LocalOutlierFactor` (checked against 1.9.1)
/// with the same defaults, scores and labels. The fitted
/// [`negative_outlier_factor`](FittedLocalOutlierFactor::negative_outlier_factor) is `-LOF`
/// of the training rows, and [`fit_predict`](Self::fit_predict) labels them -1 (outlier) or
/// 1 (inlier). With [`novelty`](Self::novelty) set, the fitted model scores new rows.
/// Differences:
///
/// - The neighbours come from an exact brute-force search whatever the dimension, with the
///   result of `embviz_neighbors::exact_knn`: equal distances are ordered by ascending row
///   index. scikit-learn's `algorithm="auto"` may pick a k-d tree or ball tree and breaks
///   ties in another order, which changes the LOF of rows that have a tie at their `k`-th
///   neighbour.
/// - The densities and factors are computed in `f64` for both input types. For `f32` input
///   the distances are rounded to `f32` first, as scikit-learn does, but scikit-learn then
///   continues in `f32`.
/// - Only the euclidean and cosine metrics are available.
/// - `n_neighbors` equal to the number of rows is lowered to `n_samples - 1` with a warning.
///   scikit-learn lowers it silently in that case and warns only above it.
///
/// # Example
///
/// ```
/// use embviz_anomaly::LocalOutlierFactor;
/// use ndarray::array;
///
/// // A tight cluster of five points and one far away.
/// let x = array![
///     [0.0_f64, 0.0], [0.1, 0.0], [0.0, 0.1], [0.1, 0.1], [0.05, 0.05], [3.0, 3.0],
/// ];
/// let lof = LocalOutlierFactor::new().n_neighbors(2).fit(&x)?;
/// let scores = lof.negative_outlier_factor();
/// assert!(scores[5] < -10.0);
/// assert!(scores.iter().take(5).all(|&s| s > -1.5));
/// assert_eq!(lof.labels().to_vec(), vec![1, 1, 1, 1, 1, -1]);
/// # Ok::<(), embviz_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[must_use]
pub struct LocalOutlierFactor {
    n_neighbors: usize,
    metric: Metric,
    contamination: Contamination,
    novelty: bool,
}

impl Default for LocalOutlierFactor {
    /// 20 neighbours, the euclidean metric, `Contamination::Auto` and no novelty
    /// detection, as scikit-learn's defaults.
    fn default() -> Self {
        Self {
            n_neighbors: 20,
            metric: Metric::Euclidean,
            contamination: Contamination::Auto,
            novelty: false,
        }
    }
}

impl LocalOutlierFactor {
    /// Creates the detector with scikit-learn's defaults (see [`Default`]).
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the number of neighbours `k` that each row's density is measured over, at
    /// least 1. Default: 20, as in scikit-learn.
    ///
    /// When it is not less than the number of rows passed to `fit`, `fit` uses
    /// `n_samples - 1` instead and logs a warning with both numbers.
    pub fn n_neighbors(self, n_neighbors: usize) -> Self {
        Self {
            n_neighbors,
            ..self
        }
    }

    /// Sets the metric of the neighbour search: [`Metric::Euclidean`] (the default, as
    /// scikit-learn's `"minkowski"` with `p = 2`) or [`Metric::Cosine`].
    pub fn metric(self, metric: Metric) -> Self {
        Self { metric, ..self }
    }

    /// Sets the expected share of outliers, which places the
    /// [`offset`](FittedLocalOutlierFactor::offset) between outliers and inliers. Default:
    /// [`Contamination::Auto`], an offset of -1.5.
    pub fn contamination(self, contamination: Contamination) -> Self {
        Self {
            contamination,
            ..self
        }
    }

    /// Sets novelty detection. With `true` the fitted model scores new rows through
    /// [`score_samples`](FittedLocalOutlierFactor::score_samples),
    /// [`decision_function`](FittedLocalOutlierFactor::decision_function) and
    /// [`predict`](FittedLocalOutlierFactor::predict), and keeps a copy of the training
    /// data for that, while [`fit_predict`](Self::fit_predict) is unavailable. Default:
    /// `false`, as in scikit-learn.
    pub fn novelty(self, novelty: bool) -> Self {
        Self { novelty, ..self }
    }

    /// Computes the local outlier factor of every row of `x` against the other rows.
    ///
    /// The neighbour search takes `O(n^2 d)` time, in parallel with rayon, and `O(n k)`
    /// memory plus an `f32` copy of `x` for its matrix products. With novelty detection the
    /// model also keeps a copy of `x`. The result does not depend on the number of threads.
    ///
    /// # Errors
    ///
    /// - [`Error::InvalidParameter`] named `n_neighbors` when it is 0, `contamination` for
    ///   a fraction outside (0, 0.5], or `metric` for a metric other than euclidean and
    ///   cosine.
    /// - [`Error::RaggedRows`], [`Error::EmptyInput`] or [`Error::NonFinite`] for invalid
    ///   `x`.
    /// - [`Error::TooFewSamples`] when `x` has a single row.
    /// - [`Error::ZeroVector`] for a row of zero norm with [`Metric::Cosine`].
    pub fn fit<F: Float>(&self, x: &impl Matrix<F>) -> Result<FittedLocalOutlierFactor<F>> {
        self.check_parameters()?;
        let rows = validate::input_matrix("X", x)?;
        let view = rows.view();
        validate::min_rows(
            "X",
            &view,
            2,
            "each row's density is measured from its neighbours among the other rows",
        )?;
        if self.metric == Metric::Cosine {
            validate::no_zero_rows("X", &view)?;
        }
        let (n_samples, n_features) = view.dim();
        let n_neighbors = self.effective_n_neighbors(n_samples);

        let started = Instant::now();
        log::info!(
            "local outlier factor of {n_samples} rows x {n_features} columns, \
             {n_neighbors} neighbours ({})",
            self.metric
        );
        let neighbors = embviz_neighbors::exact_knn_screened(view, n_neighbors, self.metric)?;
        let distances = neighbors.distances().view();
        let indices = neighbors.indices().view();
        let k_distances = density::k_distances(distances);
        let lrd = density::local_reachability_density(distances, indices, k_distances.view());
        let scores = density::negative_outlier_factor(indices, lrd.view(), lrd.view());
        let offset = self.offset(&scores);
        if !self.novelty && scores.iter().any(|&s| s < DUPLICATE_SCORE_WARNING) {
            log::warn!(
                "some negative outlier factors are below {DUPLICATE_SCORE_WARNING:e} because \
                 more than n_neighbors = {n_neighbors} rows are identical: raise n_neighbors \
                 above the largest number of duplicates for meaningful scores"
            );
        }
        log::info!(
            "local outlier factor of {n_samples} rows done in {:.3} s",
            started.elapsed().as_secs_f64()
        );

        let data = self.novelty.then(|| rows.into_owned());
        Ok(FittedLocalOutlierFactor::new(
            *self,
            n_neighbors,
            n_features,
            TrainingScores {
                negative_outlier_factor: scores,
                local_reachability_density: lrd,
                k_distances,
                offset,
            },
            data,
        ))
    }

    /// Fits on `x` and returns the label of every row: -1 for an outlier (negative outlier
    /// factor below the offset) and 1 for an inlier. This equals
    /// `fit(x)?.labels()`, as scikit-learn's `fit_predict`.
    ///
    /// # Errors
    ///
    /// - [`Error::InvalidParameter`] named `novelty` when novelty detection is on, because
    ///   scikit-learn offers `fit_predict` only for outlier detection on the training rows.
    /// - Any error of [`fit`](Self::fit).
    pub fn fit_predict<F: Float>(&self, x: &impl Matrix<F>) -> Result<Array1<i32>> {
        if self.novelty {
            return Err(Error::invalid_parameter(
                "novelty",
                true,
                "fit_predict labels the training rows, which needs novelty = false: set \
                 novelty(false), or call fit and then predict on new rows",
            ));
        }
        Ok(self.fit(x)?.labels())
    }

    pub(super) fn metric_value(&self) -> Metric {
        self.metric
    }

    pub(super) fn contamination_value(&self) -> Contamination {
        self.contamination
    }

    /// Checks the parameters that do not depend on the data.
    fn check_parameters(&self) -> Result<()> {
        if self.n_neighbors == 0 {
            return Err(Error::invalid_parameter(
                "n_neighbors",
                self.n_neighbors,
                "must be at least 1",
            ));
        }
        self.contamination.validate()?;
        match self.metric {
            Metric::Euclidean | Metric::Cosine => Ok(()),
            other => Err(Error::invalid_parameter(
                "metric",
                other,
                "LocalOutlierFactor supports \"euclidean\" and \"cosine\"",
            )),
        }
    }

    /// Returns `n_neighbors`, lowered to `n_samples - 1` with a warning when it leaves no
    /// other row to compare with.
    fn effective_n_neighbors(&self, n_samples: usize) -> usize {
        if self.n_neighbors < n_samples {
            return self.n_neighbors;
        }
        let lowered = n_samples - 1;
        log::warn!(
            "n_neighbors = {} is not less than n_samples = {n_samples}, so {lowered} \
             neighbours are used",
            self.n_neighbors
        );
        lowered
    }

    /// Returns the threshold below which a negative outlier factor marks an outlier.
    fn offset(&self, scores: &Array1<f64>) -> f64 {
        match self.contamination {
            Contamination::Auto => AUTO_OFFSET,
            Contamination::Fraction(fraction) => percentile(
                scores
                    .as_slice()
                    .expect("a freshly built Array1 is contiguous"),
                100.0 * fraction,
            ),
        }
    }
}
