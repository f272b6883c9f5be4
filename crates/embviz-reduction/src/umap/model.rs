use embviz_core::{Float, Matrix, Metric, Result};
use ndarray::Array2;

use super::graph::FuzzyGraph;
use super::params::Epochs;

/// A UMAP map with what is needed to place new rows in it, returned by
/// [`Umap::fit`](super::Umap::fit).
///
/// It keeps a copy of the training rows, which [`FittedUmap::transform`] searches for the
/// neighbours of new rows, as umap-learn keeps its training data.
#[derive(Debug, Clone)]
pub struct FittedUmap<F> {
    pub(super) embedding: Array2<F>,
    pub(super) training: Array2<F>,
    pub(super) graph: FuzzyGraph,
    pub(super) metric: Metric,
    pub(super) n_neighbors: usize,
    pub(super) local_connectivity: f64,
    pub(super) a: f64,
    pub(super) b: f64,
    pub(super) repulsion_strength: f64,
    pub(super) negative_sample_rate: usize,
    pub(super) learning_rate: f64,
    pub(super) n_epochs_setting: Epochs,
    pub(super) n_epochs: usize,
    pub(super) seed: u64,
    pub(super) stopped_early: bool,
}

impl<F: Float> FittedUmap<F> {
    /// Returns the map, `n_samples x n_components`.
    #[doc(alias = "embedding_")]
    pub fn embedding(&self) -> &Array2<F> {
        &self.embedding
    }

    /// Returns the map, consuming the result.
    pub fn into_embedding(self) -> Array2<F> {
        self.embedding
    }

    /// Returns the symmetric fuzzy graph of the training rows, before the layout drops its
    /// weak edges.
    #[doc(alias = "graph_")]
    pub fn graph(&self) -> &FuzzyGraph {
        &self.graph
    }

    /// Returns the parameter `a` of the map similarity `1 / (1 + a d^(2b))`, fitted or given.
    pub fn a(&self) -> f64 {
        self.a
    }

    /// Returns the parameter `b` of the map similarity `1 / (1 + a d^(2b))`, fitted or given.
    pub fn b(&self) -> f64 {
        self.b
    }

    /// Returns the number of neighbours used, the row itself included: `n_neighbors`, or
    /// less when the data has too few rows.
    #[doc(alias = "_n_neighbors")]
    pub fn n_neighbors(&self) -> usize {
        self.n_neighbors
    }

    /// Returns the number of layout epochs run.
    pub fn n_epochs(&self) -> usize {
        self.n_epochs
    }

    /// Returns the seed used, drawn at random when none was set.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Returns whether the observer stopped the layout before its last epoch.
    pub fn stopped_early(&self) -> bool {
        self.stopped_early
    }

    /// Places new rows in the map, with the training map held fixed.
    ///
    /// As umap-learn's `UMAP.transform`, each new row gets memberships to its `n_neighbors`
    /// nearest training rows with `local_connectivity - 1`. It starts at their
    /// membership-weighted mean position, or exactly at a training row it equals. It is
    /// then optimised against the fixed training map at a quarter of the learning rate,
    /// for 100 epochs when there are at most 10,000 new rows and 30 above, or a third of an
    /// explicit epoch count. The neighbours are searched exactly, where umap-learn queries
    /// its NN-descent index above 4,095 training rows. Each new row is placed independently of the others, and the result is
    /// the same for any thread count.
    ///
    /// # Errors
    ///
    /// - [`Error::EmptyInput`](embviz_core::Error::EmptyInput),
    ///   [`Error::NonFinite`](embviz_core::Error::NonFinite) or
    ///   [`Error::RaggedRows`](embviz_core::Error::RaggedRows) for bad input.
    /// - [`Error::ShapeMismatch`](embviz_core::Error::ShapeMismatch) when `x` has another
    ///   column count than the training data.
    /// - [`Error::ZeroVector`](embviz_core::Error::ZeroVector) for a zero row with the
    ///   cosine metric.
    ///
    /// # Example
    ///
    /// ```
    /// use embviz_reduction::umap::{Epochs, Umap};
    /// use ndarray::{Array2, s};
    ///
    /// let x = Array2::from_shape_fn((80, 4), |(i, j)| ((i * 13 + j * 7) % 17) as f64);
    /// let fitted = Umap::new().n_neighbors(8).n_epochs(Epochs::Value(60)).seed(1).fit(&x)?;
    /// let placed = fitted.transform(&x.slice(s![..5, ..]))?;
    /// assert_eq!(placed.dim(), (5, 2));
    /// # Ok::<(), embviz_core::Error>(())
    /// ```
    pub fn transform(&self, x: &impl Matrix<F>) -> Result<Array2<F>> {
        super::transform::transform(self, x)
    }
}
