use std::ops::ControlFlow;

use embviz_core::{Error, Float, Matrix, Metric, Observer, Progress, Result, validate};
use ndarray::Array2;

use super::model::FittedUmap;

/// Number of epochs of the layout optimisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Epochs {
    /// 500 epochs for up to 10,000 rows and 200 above, umap-learn's `n_epochs=None`.
    /// [`FittedUmap::transform`] then runs 100 epochs for up to 10,000 new rows and 30 above.
    Auto,
    /// A fixed number of epochs. 0 returns the starting layout, rescaled to `[0, 10]` per
    /// column.
    /// [`FittedUmap::transform`] runs a third of it, rounded down.
    Value(usize),
}

/// Starting layout of the optimisation.
#[derive(Debug, Clone, PartialEq)]
pub enum Init {
    /// Eigenvectors of the normalised Laplacian of the fuzzy graph for its 2nd to
    /// `n_components + 1`-th smallest eigenvalues, umap-learn's default. A graph with several
    /// connected components is laid out one component at a time, each in its own box. When
    /// the eigensolver does not converge, the layout starts from [`Init::Random`] with a
    /// warning, as in umap-learn. The layout is scaled to a largest absolute coordinate of
    /// 10, and normal noise of standard deviation 1e-4 is added.
    Spectral,
    /// The first `n_components` principal components of `X`, scaled and with noise added as
    /// for [`Init::Spectral`].
    Pca,
    /// Independent uniform draws in `[-10, 10]`.
    Random,
    /// The given coordinates, `n_samples x n_components`. Like every other start, they are
    /// rescaled to `[0, 10]` per column before the optimisation, as umap-learn does.
    Given(Array2<f64>),
}

/// Uniform manifold approximation and projection (UMAP) with umap-learn's parameters and
/// defaults.
///
/// UMAP (McInnes, Healy & Melville 2018, "UMAP: Uniform Manifold Approximation and
/// Projection for Dimension Reduction", arXiv:1802.03426) builds a weighted graph of the
/// `n_neighbors` nearest neighbours of each row of `X`. The weights decay from 1 past each
/// row's nearest neighbour at a per-row scale, and the graph is symmetrised by fuzzy union.
/// UMAP then places the rows in a low-dimensional map by stochastic gradient descent on the
/// cross-entropy between that graph and the map's similarities `1 / (1 + a d^(2b))`, where
/// `a` and `b` are fitted so the curve follows `min_dist` and `spread`. Each sampled edge
/// pulls its two ends together, and a few randomly drawn rows push each one away.
///
/// The parameters, their defaults and the optimisation follow `umap.UMAP` (umap-learn
/// 0.5.12): 15 neighbours, 2 components, `min_dist` 0.1, `spread` 1, spectral
/// initialisation, learning rate 1 decaying linearly to 0, 5 negative samples per edge,
/// gradients clipped to `[-4, 4]`. Differences:
///
/// - the nearest neighbours are exact up to 10,000 rows and found by NN-descent above
///   ([`embviz_neighbors::knn_auto`]), where umap-learn switches to NN-descent above 4,095
///   rows;
/// - the layout is parallel and gives the same map for a seed whatever the thread count.
///   The rows are coloured so that no edge joins two rows of one colour, and the rows of a
///   colour move together. umap-learn walks the edges one at a time instead, on one thread
///   with a seed and from racing threads without;
/// - the graph and the map are computed in `f64` where umap-learn uses `f32`;
/// - cosine neighbours at distance 2 (opposite rows) are kept, where umap-learn drops
///   them;
/// - with several connected components, the component centres come from affinities
///   `exp(-(d / median d)^2)` between their centroids where umap-learn uses `exp(-d^2)`.
///
/// # Example
///
/// ```
/// use embviz_reduction::umap::{Epochs, Umap};
/// use ndarray::Array2;
///
/// // Two tight groups of 30 points, far apart.
/// let x = Array2::from_shape_fn((60, 3), |(i, j)| {
///     let group = if i < 30 { 0.0 } else { 20.0 };
///     group + ((i * 7 + j * 3) % 5) as f64 * 0.1
/// });
/// let fitted = Umap::new().n_neighbors(10).n_epochs(Epochs::Value(100)).seed(0).fit(&x)?;
/// let map = fitted.embedding();
/// assert_eq!(map.dim(), (60, 2));
/// assert!(map.iter().all(|v| v.is_finite()));
/// # Ok::<(), embviz_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Umap {
    pub(super) n_neighbors: usize,
    pub(super) n_components: usize,
    pub(super) metric: Metric,
    pub(super) n_epochs: Epochs,
    pub(crate) learning_rate: f64,
    pub(super) init: Init,
    pub(super) min_dist: f64,
    pub(super) spread: f64,
    pub(super) set_op_mix_ratio: f64,
    pub(super) local_connectivity: f64,
    pub(super) repulsion_strength: f64,
    pub(super) negative_sample_rate: usize,
    pub(super) a: Option<f64>,
    pub(super) b: Option<f64>,
    pub(super) seed: Option<u64>,
    pub(super) progress_every: usize,
    /// Whether an [`Init::Given`] start keeps its scale instead of being rescaled to
    /// `[0, 10]` per column. Set by the chained aligned layouts, whose start is a converged
    /// map at UMAP's own scale.
    pub(crate) keep_given_scale: bool,
}

impl Default for Umap {
    fn default() -> Self {
        Self {
            n_neighbors: 15,
            n_components: 2,
            metric: Metric::Euclidean,
            n_epochs: Epochs::Auto,
            learning_rate: 1.0,
            init: Init::Spectral,
            min_dist: 0.1,
            spread: 1.0,
            set_op_mix_ratio: 1.0,
            local_connectivity: 1.0,
            repulsion_strength: 1.0,
            negative_sample_rate: 5,
            a: None,
            b: None,
            seed: None,
            progress_every: 10,
            keep_given_scale: false,
        }
    }
}

impl Umap {
    /// Creates UMAP with umap-learn's defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the number of nearest neighbours, the row itself included, that each row's
    /// fuzzy neighbourhood is built on. Small values keep fine local structure, large values
    /// more of the global one. Default 15; must be at least 2. A value not below the number
    /// of rows is lowered to `n_samples - 1` (but not below 2) with a warning, as in
    /// umap-learn.
    #[must_use]
    pub fn n_neighbors(mut self, n_neighbors: usize) -> Self {
        self.n_neighbors = n_neighbors;
        self
    }

    /// Sets the dimension of the map. Default 2; must be at least 1.
    #[must_use]
    pub fn n_components(mut self, n_components: usize) -> Self {
        self.n_components = n_components;
        self
    }

    /// Sets the input metric: [`Metric::Euclidean`] (default) or [`Metric::Cosine`].
    #[must_use]
    pub fn metric(mut self, metric: Metric) -> Self {
        self.metric = metric;
        self
    }

    /// Sets the number of layout epochs. Default [`Epochs::Auto`].
    #[must_use]
    pub fn n_epochs(mut self, n_epochs: Epochs) -> Self {
        self.n_epochs = n_epochs;
        self
    }

    /// Sets the initial learning rate of the layout, which decays linearly to 0 over the
    /// epochs. Default 1; must be positive.
    #[doc(alias = "alpha")]
    #[must_use]
    pub fn learning_rate(mut self, learning_rate: f64) -> Self {
        self.learning_rate = learning_rate;
        self
    }

    /// Sets the initial layout. Default [`Init::Spectral`].
    #[must_use]
    pub fn init(mut self, init: Init) -> Self {
        self.init = init;
        self
    }

    /// Sets the distance in the map below which neighbours count as fully similar, in map
    /// units. Small values pack clusters tightly, large values spread points evenly.
    /// Default 0.1; must lie in `[0, spread]`.
    #[must_use]
    pub fn min_dist(mut self, min_dist: f64) -> Self {
        self.min_dist = min_dist;
        self
    }

    /// Sets the scale of the map: beyond `min_dist`, similarity decays as
    /// `exp(-(d - min_dist) / spread)`. Default 1; must be positive.
    #[must_use]
    pub fn spread(mut self, spread: f64) -> Self {
        self.spread = spread;
        self
    }

    /// Sets how the two directed neighbour graphs are combined: 1 (default) is the fuzzy
    /// union `A + A^T - A * A^T`, 0 the fuzzy intersection `A * A^T` (element-wise), and
    /// values between mix the two linearly. Must lie in `[0, 1]`.
    #[must_use]
    pub fn set_op_mix_ratio(mut self, set_op_mix_ratio: f64) -> Self {
        self.set_op_mix_ratio = set_op_mix_ratio;
        self
    }

    /// Sets how many nearest neighbours of each row get weight 1 (fractions interpolate
    /// between neighbours). Default 1; must be finite and at least 0, and at most the local
    /// intrinsic dimension of the data is advised.
    #[must_use]
    pub fn local_connectivity(mut self, local_connectivity: f64) -> Self {
        self.local_connectivity = local_connectivity;
        self
    }

    /// Sets the weight of the negative samples, umap-learn's `repulsion_strength` (`gamma`).
    /// Default 1; must be finite and at least 0.
    #[doc(alias = "gamma")]
    #[must_use]
    pub fn repulsion_strength(mut self, repulsion_strength: f64) -> Self {
        self.repulsion_strength = repulsion_strength;
        self
    }

    /// Sets how many random rows push a row away each time one of its edges is sampled.
    /// Default 5; 0 turns repulsion off.
    #[must_use]
    pub fn negative_sample_rate(mut self, negative_sample_rate: usize) -> Self {
        self.negative_sample_rate = negative_sample_rate;
        self
    }

    /// Sets the parameter `a` of the map similarity `1 / (1 + a d^(2b))` instead of fitting
    /// it from `min_dist` and `spread`. Must be positive and set together with [`Umap::b`].
    #[must_use]
    pub fn a(mut self, a: f64) -> Self {
        self.a = Some(a);
        self
    }

    /// Sets the parameter `b` of the map similarity `1 / (1 + a d^(2b))` instead of fitting
    /// it from `min_dist` and `spread`. Must be positive and set together with [`Umap::a`].
    #[must_use]
    pub fn b(mut self, b: f64) -> Self {
        self.b = Some(b);
        self
    }

    /// Sets the seed of the initialisation and of the negative sampling. Without one, a
    /// seed is drawn and stored in the result. The map is the same for a seed whatever the
    /// thread count.
    #[doc(alias = "random_state")]
    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// Sets how many epochs pass between two calls of the observer given to
    /// [`Umap::fit_with`]. Default 10; must be at least 1.
    #[must_use]
    pub fn progress_every(mut self, epochs: usize) -> Self {
        self.progress_every = epochs;
        self
    }

    /// Computes the map of `x`.
    ///
    /// # Errors
    ///
    /// - [`Error::InvalidParameter`] for a parameter out of range, `min_dist` above
    ///   `spread`, only one of `a` and `b`, a metric other than euclidean or cosine, given
    ///   initial coordinates of the wrong shape, or [`Init::Pca`] with more components than
    ///   PCA can compute.
    /// - [`Error::EmptyInput`], [`Error::NonFinite`] or [`Error::RaggedRows`] for bad input,
    ///   [`Error::TooFewSamples`] for fewer than 2 rows, and [`Error::ZeroVector`] for a
    ///   zero row with the cosine metric.
    pub fn fit<F: Float>(&self, x: &impl Matrix<F>) -> Result<FittedUmap<F>> {
        self.fit_with(x, &mut |_| ControlFlow::Continue(()))
    }

    /// Computes the map of `x` and returns it alone.
    ///
    /// # Errors
    ///
    /// As [`Umap::fit`].
    pub fn fit_transform<F: Float>(&self, x: &impl Matrix<F>) -> Result<Array2<F>> {
        Ok(self.fit(x)?.into_embedding())
    }

    /// Computes the map of `x`, calling `observer` every [`Umap::progress_every`] epochs and
    /// after the last one with stage `"layout"`, the epochs done and the epoch count (no
    /// loss is computed). When the observer returns `ControlFlow::Break(())`, the layout
    /// stops and the result keeps the map reached and reports [`FittedUmap::stopped_early`].
    ///
    /// # Errors
    ///
    /// As [`Umap::fit`].
    pub fn fit_with<F: Float>(
        &self,
        x: &impl Matrix<F>,
        observer: &mut Observer<'_>,
    ) -> Result<FittedUmap<F>> {
        self.check_parameters()?;
        let x = validate::input_matrix("X", x)?;
        let x = x.view();
        validate::min_rows(
            "X",
            &x,
            2,
            "UMAP needs at least two rows to have neighbours",
        )?;
        self.check_parameters_against(x.nrows())?;
        if self.metric == Metric::Cosine {
            validate::no_zero_rows("X", &x)?;
        }
        super::run::fit(self, x, observer)
    }

    fn check_parameters(&self) -> Result<()> {
        if self.n_neighbors < 2 {
            return Err(Error::invalid_parameter(
                "n_neighbors",
                self.n_neighbors,
                "must be at least 2: a row and at least one neighbour",
            ));
        }

        if self.n_components == 0 {
            return Err(Error::invalid_parameter(
                "n_components",
                self.n_components,
                "must be at least 1",
            ));
        }

        if !matches!(self.metric, Metric::Euclidean | Metric::Cosine) {
            return Err(Error::invalid_parameter(
                "metric",
                self.metric,
                "must be \"euclidean\" or \"cosine\"",
            ));
        }

        if !(self.learning_rate.is_finite() && self.learning_rate > 0.0) {
            return Err(Error::invalid_parameter(
                "learning_rate",
                self.learning_rate,
                "must be a positive number",
            ));
        }

        if !(self.spread.is_finite() && self.spread > 0.0) {
            return Err(Error::invalid_parameter(
                "spread",
                self.spread,
                "must be a positive number",
            ));
        }

        if !(self.min_dist.is_finite() && self.min_dist >= 0.0) {
            return Err(Error::invalid_parameter(
                "min_dist",
                self.min_dist,
                "must be a non-negative number",
            ));
        }

        if self.min_dist > self.spread {
            return Err(Error::invalid_parameter(
                "min_dist",
                self.min_dist,
                format!(
                    "must be at most spread ({}), so lower min_dist or raise spread",
                    self.spread
                ),
            ));
        }

        if !(0.0..=1.0).contains(&self.set_op_mix_ratio) {
            return Err(Error::invalid_parameter(
                "set_op_mix_ratio",
                self.set_op_mix_ratio,
                "must lie in [0, 1]",
            ));
        }

        if !(self.local_connectivity.is_finite() && self.local_connectivity >= 0.0) {
            return Err(Error::invalid_parameter(
                "local_connectivity",
                self.local_connectivity,
                "must be a non-negative number",
            ));
        }

        if !(self.repulsion_strength.is_finite() && self.repulsion_strength >= 0.0) {
            return Err(Error::invalid_parameter(
                "repulsion_strength",
                self.repulsion_strength,
                "must be a non-negative number",
            ));
        }

        match (self.a, self.b) {
            (None, None) => {}
            (Some(a), Some(b)) => {
                for (name, value) in [("a", a), ("b", b)] {
                    if !(value.is_finite() && value > 0.0) {
                        return Err(Error::invalid_parameter(
                            name,
                            value,
                            "must be a positive number",
                        ));
                    }
                }
            }
            (Some(a), None) => {
                return Err(Error::invalid_parameter(
                    "a",
                    a,
                    "must be set together with b, or neither so both are fitted from min_dist \
                     and spread",
                ));
            }
            (None, Some(b)) => {
                return Err(Error::invalid_parameter(
                    "b",
                    b,
                    "must be set together with a, or neither so both are fitted from min_dist \
                     and spread",
                ));
            }
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

    /// Returns the neighbour count used for `n_samples` rows: `n_neighbors`, lowered to
    /// `n_samples - 1` (but not below 2) when it is not less than `n_samples`, as in
    /// umap-learn.
    pub(super) fn effective_n_neighbors(&self, n_samples: usize) -> usize {
        if self.n_neighbors < n_samples {
            return self.n_neighbors;
        }
        let lowered = (n_samples - 1).max(2);
        log::warn!(
            "n_neighbors {} is not less than n_samples ({n_samples}), so UMAP uses {lowered} \
             neighbours",
            self.n_neighbors
        );
        lowered
    }
}

/// Reports `progress` to `observer` and returns whether to go on.
pub(super) fn report(observer: &mut Observer<'_>, progress: Progress) -> bool {
    observer(&progress).is_continue()
}
