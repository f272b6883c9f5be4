use embviz_core::Float;
use ndarray::Array2;

/// A t-SNE map and how it was reached, returned by [`Tsne::fit`](super::Tsne::fit).
#[derive(Debug, Clone)]
pub struct FittedTsne<F> {
    pub(super) embedding: Array2<F>,
    pub(super) kl_divergence: f64,
    pub(super) n_iter: usize,
    pub(super) learning_rate: f64,
    pub(super) seed: u64,
    pub(super) stopped_early: bool,
    pub(super) n_neighbors: usize,
}

impl<F: Float> FittedTsne<F> {
    /// Returns the map, `n_samples x n_components`.
    #[doc(alias = "embedding_")]
    pub fn embedding(&self) -> &Array2<F> {
        &self.embedding
    }

    /// Returns the map, consuming the result.
    pub fn into_embedding(self) -> Array2<F> {
        self.embedding
    }

    /// Returns the Kullback-Leibler divergence between the input affinities and the map's at
    /// the last iteration. With Barnes-Hut, the map's normalisation is the tree estimate.
    #[doc(alias = "kl_divergence_")]
    pub fn kl_divergence(&self) -> f64 {
        self.kl_divergence
    }

    /// Returns the number of iterations run, both phases together. scikit-learn's `n_iter_`
    /// is the index of the last iteration, one less.
    #[doc(alias = "n_iter_")]
    pub fn n_iter(&self) -> usize {
        self.n_iter
    }

    /// Returns the learning rate used, after resolving [`LearningRate::Auto`](super::LearningRate::Auto).
    #[doc(alias = "learning_rate_")]
    pub fn learning_rate(&self) -> f64 {
        self.learning_rate
    }

    /// Returns the seed used, drawn at random when none was set.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Returns whether the observer stopped the run before its end.
    pub fn stopped_early(&self) -> bool {
        self.stopped_early
    }

    /// Returns the number of nearest neighbours the affinities were computed over:
    /// `min(n_samples - 1, 3 * perplexity + 1)` for Barnes-Hut, `n_samples - 1` for exact.
    pub fn n_neighbors(&self) -> usize {
        self.n_neighbors
    }
}
