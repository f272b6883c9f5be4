use std::ops::ControlFlow;

use embviz_core::{Error, Float, Matrix, Metric, Observer, Progress, Result, validate};
use ndarray::Array2;

use super::model::FittedTsne;

/// Step size of the gradient descent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LearningRate {
    /// `max(n_samples / early_exaggeration / 4, 50)`, scikit-learn's `"auto"` (Belkina et al.
    /// 2019, "Automated optimized parameters for t-distributed stochastic neighbor embedding
    /// improve visualization and analysis of large datasets").
    Auto,
    /// A fixed step size, usually between 10 and 1000.
    Value(f64),
}

/// Starting map of the optimisation.
#[derive(Debug, Clone, PartialEq)]
pub enum Init {
    /// The first `n_components` principal components, scaled so that the first column has a
    /// standard deviation of 1e-4. scikit-learn's default.
    Pca,
    /// Independent normal draws with a standard deviation of 1e-4.
    Random,
    /// The given coordinates, `n_samples x n_components`, used as they are.
    Given(Array2<f64>),
}

/// Gradient method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// The Barnes-Hut approximation (van der Maaten 2014): affinities over the
    /// `3 * perplexity` nearest neighbours and repulsion summarised by a quadtree (2-D) or
    /// an octree (3-D), in O(n log n) per iteration. scikit-learn's default.
    BarnesHut,
    /// All pairs, in O(n^2) time and memory. For small data or for checking.
    Exact,
}

/// t-distributed stochastic neighbour embedding with scikit-learn's parameters and defaults.
///
/// t-SNE (van der Maaten & Hinton 2008, "Visualizing Data using t-SNE") places each row of
/// `X` in a low-dimensional map so that rows that are near neighbours in `X` stay near in the
/// map. It matches a Gaussian distribution of neighbours in the input to a Student-t
/// distribution in the map by gradient descent on their Kullback-Leibler divergence.
///
/// The parameters, their defaults and the optimisation schedule follow
/// `sklearn.manifold.TSNE` (scikit-learn 1.9): perplexity 30, early exaggeration 12 for the
/// first 250 iterations with momentum 0.5, then momentum 0.8, adaptive gains, `"auto"`
/// learning rate, 1000 iterations at most, PCA initialisation and the Barnes-Hut gradient
/// with angle 0.5. Differences: embviz computes in `f64` where scikit-learn uses `f32`, and
/// for three or more components it uses the exact gradient of the Student-t divergence with
/// `n_components - 1` degrees of freedom, where scikit-learn squares the kernel.
///
/// # Example
///
/// ```
/// use embviz_reduction::tsne::Tsne;
/// use ndarray::Array2;
///
/// // Two tight groups of 20 points, far apart.
/// let x = Array2::from_shape_fn((40, 3), |(i, j)| {
///     let group = if i < 20 { 0.0 } else { 10.0 };
///     group + ((i * 7 + j * 3) % 5) as f64 * 0.1
/// });
/// let fitted = Tsne::new().perplexity(5.0).seed(0).fit(&x)?;
/// assert_eq!(fitted.embedding().dim(), (40, 2));
/// assert!(fitted.kl_divergence() >= 0.0);
/// # Ok::<(), embviz_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Tsne {
    pub(super) n_components: usize,
    pub(super) perplexity: f64,
    pub(super) early_exaggeration: f64,
    pub(super) learning_rate: LearningRate,
    pub(super) max_iter: usize,
    pub(super) n_iter_without_progress: usize,
    pub(super) min_grad_norm: f64,
    pub(super) metric: Metric,
    pub(super) init: Init,
    pub(super) method: Method,
    pub(super) angle: f64,
    pub(super) seed: Option<u64>,
    pub(super) progress_every: usize,
}

impl Default for Tsne {
    fn default() -> Self {
        Self {
            n_components: 2,
            perplexity: 30.0,
            early_exaggeration: 12.0,
            learning_rate: LearningRate::Auto,
            max_iter: 1000,
            n_iter_without_progress: 300,
            min_grad_norm: 1e-7,
            metric: Metric::Euclidean,
            init: Init::Pca,
            method: Method::BarnesHut,
            angle: 0.5,
            seed: None,
            progress_every: CHECK_EVERY,
        }
    }
}

/// Iterations between convergence checks, scikit-learn's `_N_ITER_CHECK`.
pub(super) const CHECK_EVERY: usize = 50;

/// Iterations with early exaggeration, scikit-learn's `_EXPLORATION_MAX_ITER`.
pub(super) const EXPLORATION_ITER: usize = 250;

impl Tsne {
    /// Creates t-SNE with scikit-learn's defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the dimension of the map. Default 2; 1 to 3 with Barnes-Hut, any positive number
    /// with the exact method.
    #[must_use]
    pub fn n_components(mut self, n_components: usize) -> Self {
        self.n_components = n_components;
        self
    }

    /// Sets the perplexity, a smooth count of the neighbours each point attends to. Default
    /// 30; typical values lie between 5 and 50, and it must be less than the number of rows.
    #[must_use]
    pub fn perplexity(mut self, perplexity: f64) -> Self {
        self.perplexity = perplexity;
        self
    }

    /// Sets the factor that multiplies the input affinities during the first 250 iterations,
    /// so that clusters form tight and far apart. Default 12; must be at least 1.
    #[must_use]
    pub fn early_exaggeration(mut self, early_exaggeration: f64) -> Self {
        self.early_exaggeration = early_exaggeration;
        self
    }

    /// Sets the learning rate. Default [`LearningRate::Auto`].
    #[must_use]
    pub fn learning_rate(mut self, learning_rate: LearningRate) -> Self {
        self.learning_rate = learning_rate;
        self
    }

    /// Sets the maximum number of iterations, the 250 exaggerated ones included. Default
    /// 1000; must be at least 250.
    #[doc(alias = "n_iter")]
    #[must_use]
    pub fn max_iter(mut self, max_iter: usize) -> Self {
        self.max_iter = max_iter;
        self
    }

    /// Sets how many iterations after the exaggeration phase may pass without a lower KL
    /// divergence before the optimisation stops. Checked every 50 iterations. Default 300.
    #[must_use]
    pub fn n_iter_without_progress(mut self, n_iter_without_progress: usize) -> Self {
        self.n_iter_without_progress = n_iter_without_progress;
        self
    }

    /// Sets the gradient norm below which the optimisation stops. Checked every 50
    /// iterations. Default 1e-7.
    #[must_use]
    pub fn min_grad_norm(mut self, min_grad_norm: f64) -> Self {
        self.min_grad_norm = min_grad_norm;
        self
    }

    /// Sets the input metric. With [`Metric::Euclidean`] (default) affinities use squared
    /// euclidean distances; with [`Metric::Cosine`] they use cosine distances, as in
    /// scikit-learn.
    #[must_use]
    pub fn metric(mut self, metric: Metric) -> Self {
        self.metric = metric;
        self
    }

    /// Sets the initial map. Default [`Init::Pca`].
    #[must_use]
    pub fn init(mut self, init: Init) -> Self {
        self.init = init;
        self
    }

    /// Sets the gradient method. Default [`Method::BarnesHut`].
    #[must_use]
    pub fn method(mut self, method: Method) -> Self {
        self.method = method;
        self
    }

    /// Sets the Barnes-Hut accuracy threshold: a cell whose width seen from a point is less
    /// than `angle` (in radians, roughly) is summarised by its centre of mass. Default 0.5;
    /// must lie in [0, 1]. Ignored by the exact method.
    #[must_use]
    pub fn angle(mut self, angle: f64) -> Self {
        self.angle = angle;
        self
    }

    /// Sets the seed of the random initialisation. Without one, a seed is drawn and
    /// stored in the result. The map is the same for a seed whatever the thread count.
    #[doc(alias = "random_state")]
    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// Sets how many iterations pass between two calls of the observer given to
    /// [`Tsne::fit_with`]; the KL divergence is computed at those iterations. Default 50.
    #[must_use]
    pub fn progress_every(mut self, iterations: usize) -> Self {
        self.progress_every = iterations;
        self
    }

    /// Computes the map of `x`.
    ///
    /// # Errors
    ///
    /// - [`Error::InvalidParameter`] for a parameter out of range, a perplexity not less
    ///   than the number of rows, more than 3 components with Barnes-Hut, or given initial
    ///   coordinates of the wrong shape.
    /// - [`Error::EmptyInput`], [`Error::NonFinite`] or [`Error::RaggedRows`] for bad input,
    ///   [`Error::TooFewSamples`] for fewer than 2 rows, and [`Error::ZeroVector`] for a
    ///   zero row with the cosine metric.
    pub fn fit<F: Float>(&self, x: &impl Matrix<F>) -> Result<FittedTsne<F>> {
        self.fit_with(x, &mut |_| ControlFlow::Continue(()))
    }

    /// Computes the map of `x` and returns it alone.
    ///
    /// # Errors
    ///
    /// As [`Tsne::fit`].
    pub fn fit_transform<F: Float>(&self, x: &impl Matrix<F>) -> Result<Array2<F>> {
        Ok(self.fit(x)?.into_embedding())
    }

    /// Computes the map of `x`, calling `observer` every [`Tsne::progress_every`] iterations
    /// with the stage, the iteration and the KL divergence. When the observer returns
    /// `ControlFlow::Break(())`, the optimisation stops and the result keeps the map reached
    /// and reports [`FittedTsne::stopped_early`].
    ///
    /// # Errors
    ///
    /// As [`Tsne::fit`].
    pub fn fit_with<F: Float>(
        &self,
        x: &impl Matrix<F>,
        observer: &mut Observer<'_>,
    ) -> Result<FittedTsne<F>> {
        self.check_parameters()?;
        let x = validate::input_matrix("X", x)?;
        let x = x.view();
        validate::min_rows(
            "X",
            &x,
            2,
            "t-SNE needs at least two rows to have neighbours",
        )?;
        self.check_parameters_against(x.nrows())?;
        if self.metric == Metric::Cosine {
            validate::no_zero_rows("X", &x)?;
        }
        super::run::fit(self, x, observer)
    }

    fn check_parameters(&self) -> Result<()> {
        if self.n_components == 0 {
            return Err(Error::invalid_parameter(
                "n_components",
                self.n_components,
                "must be at least 1",
            ));
        }
        if self.method == Method::BarnesHut && self.n_components > 3 {
            return Err(Error::invalid_parameter(
                "n_components",
                self.n_components,
                "must be 1, 2 or 3 with the Barnes-Hut method, which relies on a quadtree or \
                 octree; use Method::Exact for more components",
            ));
        }
        if !(self.perplexity.is_finite() && self.perplexity > 0.0) {
            return Err(Error::invalid_parameter(
                "perplexity",
                self.perplexity,
                "must be a finite positive number, typically between 5 and 50",
            ));
        }
        if !(self.early_exaggeration.is_finite() && self.early_exaggeration >= 1.0) {
            return Err(Error::invalid_parameter(
                "early_exaggeration",
                self.early_exaggeration,
                "must be at least 1",
            ));
        }
        if let LearningRate::Value(rate) = self.learning_rate
            && !(rate.is_finite() && rate > 0.0)
        {
            return Err(Error::invalid_parameter(
                "learning_rate",
                rate,
                "must be a positive number, or LearningRate::Auto",
            ));
        }
        if self.max_iter < EXPLORATION_ITER {
            return Err(Error::invalid_parameter(
                "max_iter",
                self.max_iter,
                "must be at least 250, the length of the early exaggeration phase",
            ));
        }
        if !(self.min_grad_norm.is_finite() && self.min_grad_norm >= 0.0) {
            return Err(Error::invalid_parameter(
                "min_grad_norm",
                self.min_grad_norm,
                "must be a non-negative number",
            ));
        }
        if !(0.0..=1.0).contains(&self.angle) {
            return Err(Error::invalid_parameter(
                "angle",
                self.angle,
                "must lie in [0, 1]",
            ));
        }
        if self.progress_every == 0 {
            return Err(Error::invalid_parameter(
                "progress_every",
                self.progress_every,
                "must be at least 1",
            ));
        }
        Ok(())
    }

    fn check_parameters_against(&self, n_samples: usize) -> Result<()> {
        if self.perplexity >= n_samples as f64 {
            return Err(Error::invalid_parameter(
                "perplexity",
                self.perplexity,
                format!("must be less than n_samples ({n_samples}), so lower it or pass more rows"),
            ));
        }
        if let Init::Given(coordinates) = &self.init {
            let expected = (n_samples, self.n_components);
            if coordinates.dim() != expected {
                return Err(Error::invalid_parameter(
                    "init",
                    format!("{:?} coordinates", coordinates.dim()),
                    format!(
                        "must have shape {expected:?}, one row per sample and one column per component"
                    ),
                ));
            }
            if let Some(bad) = coordinates.iter().find(|v| !v.is_finite()) {
                return Err(Error::invalid_parameter(
                    "init",
                    format!("coordinates containing {bad}"),
                    "must be finite",
                ));
            }
        }
        Ok(())
    }
}

/// Reports `progress` to `observer` and returns whether to go on.
pub(super) fn report(observer: &mut Observer<'_>, progress: Progress) -> bool {
    observer(&progress).is_continue()
}
