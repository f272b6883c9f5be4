//! The k-means parameters, their checks and `fit`.

use std::ops::ControlFlow;

use embviz_core::{Error, Float, Matrix, Observer, Result, seed, validate};
use ndarray::{Array1, Array2, ArrayView2};

use super::model::FittedKMeans;
use super::run;

/// The choice of initial centres for each k-means run.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum KMeansInit {
    /// Greedy k-means++ (scikit-learn's `"k-means++"`). The first centre is a uniformly
    /// drawn row. Each further centre is the best of `2 + floor(ln k)` rows drawn with
    /// probability proportional to their squared distance to the nearest centre so far:
    /// the one that lowers the sum of those squared distances most.
    #[default]
    KMeansPlusPlus,
    /// `n_clusters` distinct rows drawn uniformly (scikit-learn's `"random"`).
    Random,
    /// These centres, one row per cluster, in the coordinates of the input
    /// (`n_clusters x n_features`).
    Given(Array2<f64>),
}

/// The number of k-means runs with different initial centres, of which the one with the
/// lowest inertia is kept. A later run replaces an earlier one only when its inertia is
/// lower and its partition differs, as in scikit-learn, so equal inertias keep the first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NInit {
    /// scikit-learn's `"auto"` (its default since 1.4): 1 run for
    /// [`KMeansInit::KMeansPlusPlus`] and [`KMeansInit::Given`], 10 for
    /// [`KMeansInit::Random`] (3 in [`MiniBatchKMeans`](crate::MiniBatchKMeans)).
    #[default]
    Auto,
    /// This many runs, at least 1. With [`KMeansInit::Given`] only one run is made, with
    /// a warning, as in scikit-learn.
    Value(usize),
}

impl NInit {
    /// Returns the number of runs for `init`, where `auto_random` is the count `Auto`
    /// gives for random centres.
    pub(super) fn resolve(self, init: &KMeansInit, auto_random: usize) -> usize {
        match (self, init) {
            (NInit::Auto, KMeansInit::Random) => auto_random,
            (NInit::Auto, _) => 1,
            (NInit::Value(n_init), KMeansInit::Given(_)) if n_init != 1 => {
                log::warn!(
                    "explicit initial centres were given, so one run is made instead of \
                     n_init = {n_init}"
                );
                1
            }
            (NInit::Value(n_init), _) => n_init,
        }
    }

    pub(super) fn check(self) -> Result<()> {
        if self == NInit::Value(0) {
            return Err(Error::invalid_parameter(
                "n_init",
                0,
                "must be at least 1, or NInit::Auto",
            ));
        }
        Ok(())
    }
}

/// The k-means variant that assigns rows to centres. Both give the same clustering from
/// the same initial centres.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Algorithm {
    /// Lloyd's algorithm, scikit-learn's default `"lloyd"`. Distances come in blocks of a
    /// matrix product. After the first step, a row whose two bounds (G. Hamerly (2010),
    /// "Making k-means even faster") show that its nearest centre cannot have changed
    /// skips them. The labels are those of computing every distance.
    #[default]
    Lloyd,
    /// Elkan's algorithm, scikit-learn's `"elkan"`: one lower bound per row and centre
    /// skips most distances once the clusters settle, at the cost of an
    /// `n_samples x n_clusters` table of bounds. Each distance is computed on its own
    /// rather than in blocks.
    Elkan,
}

/// K-means clustering: `n_clusters` centres that minimise the inertia, the sum of squared
/// euclidean distances from each row to its nearest centre.
///
/// Each run starts from initial centres ([`KMeansInit`]) and alternates two steps until
/// the centres settle: assign every row to its nearest centre, then move each centre to
/// the mean of its rows (S. P. Lloyd (1982), "Least squares quantization in PCM", IEEE
/// Transactions on Information Theory 28(2)). A run stops when no label changes or when
/// the centres moved less than the tolerance (see [`tol`](Self::tol)), or after
/// [`max_iter`](Self::max_iter) steps. Of the [`n_init`](Self::n_init) runs, the one with
/// the lowest inertia is kept.
///
/// This is scikit-learn's `sklearn.cluster.KMeans` (checked against 1.9.1) with the same
/// parameters, defaults, stopping rule and handling of empty clusters. Differences:
///
/// - The sums, centres and inertia are computed in `f64`, also for `f32` input. The
///   matrix products that rank the centres for each row use the input type, as in
///   scikit-learn, but a row whose two nearest centres are within their rounding error
///   is decided again by `f64` distances. So the labels are those of an `f64` search.
///   scikit-learn computes everything in the input's type.
/// - The random numbers come from ChaCha8 streams, so a seed gives other centres than
///   the same `random_state` in scikit-learn.
/// - Rows cannot be weighted (no `sample_weight`).
///
/// The work is spread over the current rayon pool in chunks of 256 rows. Every sum is
/// formed in the same order whatever the number of threads, so a seed gives bit-identical
/// results on any pool.
///
/// # Example
///
/// ```
/// use embviz_clustering::KMeans;
/// use ndarray::array;
///
/// let x = array![[1.0_f64, 2.0], [1.0, 4.0], [1.0, 0.0], [10.0, 2.0], [10.0, 4.0], [10.0, 0.0]];
/// let kmeans = KMeans::new(2).seed(0).fit(&x)?;
/// let labels = kmeans.labels();
/// assert_eq!(labels[0], labels[1]);
/// assert_ne!(labels[0], labels[3]);
/// assert_eq!(kmeans.inertia(), 16.0);
/// # Ok::<(), embviz_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct KMeans {
    n_clusters: usize,
    init: KMeansInit,
    n_init: NInit,
    max_iter: usize,
    tol: f64,
    algorithm: Algorithm,
    seed: Option<u64>,
}

impl Default for KMeans {
    /// 8 clusters and the other defaults of scikit-learn's `KMeans`, as listed on each
    /// setter.
    fn default() -> Self {
        Self {
            n_clusters: 8,
            init: KMeansInit::KMeansPlusPlus,
            n_init: NInit::Auto,
            max_iter: 300,
            tol: 1e-4,
            algorithm: Algorithm::Lloyd,
            seed: None,
        }
    }
}

impl KMeans {
    /// Creates k-means with `n_clusters` clusters (at least 1 and at most the number of
    /// rows) and scikit-learn's other defaults.
    pub fn new(n_clusters: usize) -> Self {
        Self {
            n_clusters,
            ..Self::default()
        }
    }

    /// Sets how the initial centres are chosen. Default: [`KMeansInit::KMeansPlusPlus`].
    pub fn init(self, init: KMeansInit) -> Self {
        Self { init, ..self }
    }

    /// Sets the number of runs with different initial centres. Default: [`NInit::Auto`].
    pub fn n_init(self, n_init: NInit) -> Self {
        Self { n_init, ..self }
    }

    /// Sets the maximum number of assign-and-update steps of each run, at least 1.
    /// Default: 300.
    pub fn max_iter(self, max_iter: usize) -> Self {
        Self { max_iter, ..self }
    }

    /// Sets the relative tolerance, at least 0. Default: `1e-4`.
    ///
    /// A run stops once the sum over the centres of their squared moves in one step is at
    /// most `tol` times the mean of the per-feature variances of the input, as in
    /// scikit-learn. It also stops when no label changes, whatever `tol`.
    pub fn tol(self, tol: f64) -> Self {
        Self { tol, ..self }
    }

    /// Sets the assignment algorithm. Default: [`Algorithm::Lloyd`].
    pub fn algorithm(self, algorithm: Algorithm) -> Self {
        Self { algorithm, ..self }
    }

    /// Sets the seed of the initial centres. Run `r` draws from the ChaCha8 stream `r` of
    /// this seed. Default: a seed drawn from the operating system, which the fitted model
    /// reports through [`FittedKMeans::seed`].
    #[doc(alias = "random_state")]
    pub fn seed(self, seed: u64) -> Self {
        Self {
            seed: Some(seed),
            ..self
        }
    }

    /// Clusters the rows of `x`.
    ///
    /// Each step takes at most `O(n_samples * n_clusters * n_features)` time, in parallel, and the
    /// fit needs `O(n_samples * n_clusters + n_clusters * n_features)` memory besides the
    /// input.
    ///
    /// # Errors
    ///
    /// - [`Error::InvalidParameter`] named `n_clusters` when it is 0, `n_init` for
    ///   `NInit::Value(0)`, `max_iter` when it is 0, or `tol` when it is negative or not
    ///   finite.
    /// - [`Error::RaggedRows`], [`Error::EmptyInput`] or [`Error::NonFinite`] for invalid
    ///   `x`.
    /// - [`Error::TooFewSamples`] when `x` has fewer rows than `n_clusters`.
    /// - [`Error::ShapeMismatch`] or [`Error::NonFinite`] named `init` when given centres
    ///   are not `n_clusters x n_features` or not finite.
    pub fn fit<F: Float>(&self, x: &impl Matrix<F>) -> Result<FittedKMeans> {
        self.fit_with(x, &mut |_| ControlFlow::Continue(()))
    }

    /// Clusters the rows of `x` as [`fit`](Self::fit) does, reporting progress to
    /// `observer`.
    ///
    /// The observer receives a report with stage `"lloyd"` or `"elkan"` after every step
    /// (iteration out of `max_iter`, no loss), and one with stage `"run"` after every run
    /// (run out of `n_init`, with the run's inertia as the loss). When it returns
    /// `ControlFlow::Break(())`, the current run ends with its centres so far, no further
    /// run starts, and the model reports [`FittedKMeans::stopped_early`].
    ///
    /// # Errors
    ///
    /// As [`fit`](Self::fit).
    pub fn fit_with<F: Float>(
        &self,
        x: &impl Matrix<F>,
        observer: &mut Observer<'_>,
    ) -> Result<FittedKMeans> {
        self.check_parameters()?;
        let rows = validate::input_matrix("X", x)?;
        let view = rows.view();
        self.check_against(&view)?;
        let seed = self.seed.unwrap_or_else(seed::random_seed);
        let settings = run::Settings {
            n_clusters: self.n_clusters,
            init: &self.init,
            n_init: self.n_init.resolve(&self.init, 10),
            max_iter: self.max_iter,
            tol: self.tol,
            algorithm: self.effective_algorithm(),
        };
        Ok(run::fit(&settings, view, seed, observer))
    }

    /// Clusters the rows of `x` and returns their labels, as `fit(x)?.labels()`.
    ///
    /// # Errors
    ///
    /// As [`fit`](Self::fit).
    pub fn fit_predict<F: Float>(&self, x: &impl Matrix<F>) -> Result<Array1<usize>> {
        Ok(self.fit(x)?.labels().clone())
    }

    /// Clusters the rows of `x` and returns their euclidean distances to every centre, as
    /// `fit(x)?.transform(x)`.
    ///
    /// # Errors
    ///
    /// As [`fit`](Self::fit).
    pub fn fit_transform<F: Float>(&self, x: &impl Matrix<F>) -> Result<Array2<f64>> {
        self.fit(x)?.transform(x)
    }

    /// Checks the parameters that do not depend on the data.
    fn check_parameters(&self) -> Result<()> {
        check_common(self.n_clusters, self.max_iter, self.tol)?;
        self.n_init.check()
    }

    /// Checks the parameters against the validated input.
    fn check_against<F>(&self, x: &ArrayView2<'_, F>) -> Result<()> {
        check_against_input(self.n_clusters, &self.init, x)
    }

    /// Returns the algorithm to run: Elkan needs two centres to bound anything, so a
    /// single cluster runs Lloyd with a warning, as in scikit-learn.
    fn effective_algorithm(&self) -> Algorithm {
        if self.algorithm == Algorithm::Elkan && self.n_clusters == 1 {
            log::warn!("Elkan's algorithm needs at least two clusters, so Lloyd's is used");
            return Algorithm::Lloyd;
        }
        self.algorithm
    }
}

/// Checks `n_clusters`, `max_iter` and `tol`, which both k-means estimators take.
pub(super) fn check_common(n_clusters: usize, max_iter: usize, tol: f64) -> Result<()> {
    if n_clusters == 0 {
        return Err(Error::invalid_parameter(
            "n_clusters",
            n_clusters,
            "must be at least 1",
        ));
    }
    if max_iter == 0 {
        return Err(Error::invalid_parameter(
            "max_iter",
            max_iter,
            "must be at least 1",
        ));
    }
    if !(tol.is_finite() && tol >= 0.0) {
        return Err(Error::invalid_parameter(
            "tol",
            tol,
            "must be a finite number of at least 0",
        ));
    }
    Ok(())
}

/// Checks that `x` has at least `n_clusters` rows and that given centres fit it.
pub(super) fn check_against_input<F>(
    n_clusters: usize,
    init: &KMeansInit,
    x: &ArrayView2<'_, F>,
) -> Result<()> {
    validate::min_rows(
        "X",
        x,
        n_clusters,
        "k-means needs at least n_clusters rows, so lower n_clusters or pass more rows",
    )?;
    if let KMeansInit::Given(centres) = init {
        let expected = (n_clusters, x.ncols());
        if centres.dim() != expected {
            return Err(Error::ShapeMismatch {
                what: "init",
                expected: format!(
                    "{} x {} (n_clusters x n_features of X)",
                    expected.0, expected.1
                ),
                found: format!("{} x {}", centres.nrows(), centres.ncols()),
            });
        }
        validate::finite("init", &centres.view())?;
    }
    Ok(())
}
