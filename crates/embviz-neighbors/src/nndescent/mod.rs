//! Approximate k-nearest neighbours by NN-descent, started from random-projection trees.
//!
//! Reference: Wei Dong, Moses Charikar & Kai Li (2011), "Efficient k-nearest neighbor graph
//! construction for generic similarity measures", WWW 2011. The start from the leaves of
//! random-projection trees and the default settings follow pynndescent (L. McInnes), the
//! search behind umap-learn.
//!
//! - `rows`: the input scaled into the space distances are measured in, and the kernel.
//! - `heap`: per-row max-heaps of packed `(distance, index, new flag)` entries.
//! - `rp_tree`: random-projection trees.
//! - `descent`: tree start, random fill and the NN-descent iterations.

mod descent;
mod heap;
mod rows;
mod rp_tree;

use std::time::Instant;

use embviz_core::{Error, Float, Metric, Result, seed};
use ndarray::ArrayView2;

use crate::Neighbors;
use crate::exact::check_self_search;
#[cfg(doc)]
use crate::exact_knn;
use descent::{MAX_ITERATIONS, Settings};
use rows::ScaledRows;

/// Row count up to which [`knn_auto`] runs the exact search instead of NN-descent.
///
/// The exact search costs `O(n^2 d)` but runs as matrix products with wide vector
/// instructions, so it stays faster than NN-descent up to several thousand rows. Wall
/// times for `k = 15` on the first `n` rows, best of 6 runs, release build, 2-core
/// AVX-512 Xeon shared with other jobs (the `exact_and_approximate_timings` test in
/// `tests/nndescent.rs`):
///
/// ```text
/// mnist10k, 784 columns, euclidean      debian_minilm, 384 columns, cosine
///     n   exact   NN-descent                n   exact   NN-descent
///  2000  0.051 s   0.108 s               4000  0.083 s   0.219 s
///  4000  0.156 s   0.239 s               8000  0.306 s   0.497 s
///  6000  0.329 s   0.403 s              12000  0.651 s   0.784 s
///  8000  0.572 s   0.562 s              16000  1.146 s   1.091 s
/// 10000  0.888 s   0.721 s              20000  1.778 s   1.457 s
/// ```
///
/// The two cross near 8 000 and 16 000 rows. Up to 10 000 rows the exact search costs at
/// most about 1.25 times as much as NN-descent on either data set and returns the exact
/// neighbours. umap-learn computes all pairwise distances below 4 096 rows (`UMAP.fit`).
/// These times are of [`exact_knn`]; [`knn_auto`] runs
/// [`exact_knn_screened`](crate::exact_knn_screened), which found the 14 neighbours of the
/// 10 000 mnist rows in about 0.5 s, so the exact search is the faster one up to the
/// threshold.
pub const EXACT_THRESHOLD: usize = 10_000;

/// Settings of an approximate k-nearest-neighbour search by NN-descent.
///
/// [`knn`](Self::knn) finds the `n_neighbors` nearest other rows of every row, like
/// [`exact_knn`], but without comparing every pair. Each row's list starts from the rows
/// that share a leaf with it in a forest of random-projection trees, topped up with random
/// rows. Each iteration then compares the neighbours of every row with each other, because
/// a neighbour of a neighbour is likely a neighbour. This local join comes from Dong,
/// Charikar & Li (2011), "Efficient k-nearest neighbor graph construction for generic
/// similarity measures". The search stops when an iteration changes few entries.
///
/// The defaults are those umap-learn uses when it calls pynndescent's `NNDescent`, except
/// `max_candidates` (see its setter). pynndescent lists each row as its own first
/// neighbour, so its `NNDescent(X, n_neighbors=k + 1).neighbor_graph` corresponds to
/// `NnDescent::new(k)` here. Unlike pynndescent, distances are computed in `f64` (pynndescent converts the data
/// to `float32`), and the trees are not kept for later queries.
///
/// The output follows [`exact_knn`]: euclidean or cosine (`1 - cos`) distances in `F`,
/// each row sorted by `(distance, index)`. The result depends only on the data, the
/// settings and the seed, not on the number of threads.
///
/// # Example
///
/// ```
/// use embviz_core::Metric;
/// use embviz_neighbors::NnDescent;
/// use ndarray::Array2;
///
/// // 400 points on a circle: each one's two nearest neighbours are the points beside it.
/// let x = Array2::from_shape_fn((400, 2), |(i, j)| {
///     let angle = i as f64 * std::f64::consts::TAU / 400.0;
///     if j == 0 { angle.cos() } else { angle.sin() }
/// });
/// let neighbors = NnDescent::new(2).metric(Metric::Euclidean).seed(7).knn(x.view())?;
/// let mut around_10 = neighbors.indices().row(10).to_vec();
/// around_10.sort();
/// assert_eq!(around_10, vec![9, 11]);
/// # Ok::<(), embviz_core::Error>(())
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct NnDescent {
    n_neighbors: usize,
    metric: Metric,
    n_trees: Option<usize>,
    n_iters: Option<usize>,
    delta: f64,
    max_candidates: Option<usize>,
    leaf_size: Option<usize>,
    seed: Option<u64>,
}

impl Default for NnDescent {
    /// 30 neighbours, pynndescent's default `n_neighbors`, in the euclidean metric.
    fn default() -> Self {
        Self::new(30)
    }
}

impl NnDescent {
    /// Creates a search for `n_neighbors` neighbours per row, with the defaults given
    /// on the setters and the euclidean metric.
    ///
    /// `n_neighbors` must be at least 1 and less than the number of rows, which
    /// [`knn`](Self::knn) checks.
    pub fn new(n_neighbors: usize) -> Self {
        Self {
            n_neighbors,
            metric: Metric::Euclidean,
            n_trees: None,
            n_iters: None,
            delta: 0.001,
            max_candidates: None,
            leaf_size: None,
            seed: None,
        }
    }

    /// Sets the metric: [`Metric::Euclidean`] (the default) or [`Metric::Cosine`].
    pub fn metric(self, metric: Metric) -> Self {
        Self { metric, ..self }
    }

    /// Sets the seed of every random choice. Without one, [`knn`](Self::knn) draws a seed
    /// from the operating system and logs it at `info` level.
    #[doc(alias = "random_state")]
    pub fn seed(self, seed: u64) -> Self {
        Self {
            seed: Some(seed),
            ..self
        }
    }

    /// Sets the number of random-projection trees whose leaves start the search. More trees
    /// give a better start at a higher cost, and 0 starts from random neighbours only.
    ///
    /// Default `min(64, 5 + round(sqrt(n_samples) / 20))`, the value umap-learn passes to
    /// pynndescent. pynndescent's own default is `min(32, 5 + round(n_samples^0.25))`.
    pub fn n_trees(self, n_trees: usize) -> Self {
        Self {
            n_trees: Some(n_trees),
            ..self
        }
    }

    /// Sets the maximum number of NN-descent iterations, at most 4 194 303; 0 keeps the
    /// tree start as the result.
    ///
    /// Default `max(5, round(log2(n_samples)))`, as in pynndescent and umap-learn.
    pub fn n_iters(self, n_iters: usize) -> Self {
        Self {
            n_iters: Some(n_iters),
            ..self
        }
    }

    /// Sets the early-stopping fraction: the search stops after an iteration that changes
    /// at most `delta * n_neighbors * n_samples` list entries. Finite and at least 0, where
    /// 0 runs until no entry changes or `n_iters` is reached.
    ///
    /// Default 0.001, as pynndescent.
    pub fn delta(self, delta: f64) -> Self {
        Self { delta, ..self }
    }

    /// Sets how many new and how many old candidates each row samples per iteration, at
    /// least 1. More candidates find more neighbours per iteration at a higher cost.
    ///
    /// Default `min(60, n_neighbors)`, pynndescent's default. umap-learn passes 60, which
    /// raises recall at a higher cost.
    pub fn max_candidates(self, max_candidates: usize) -> Self {
        Self {
            max_candidates: Some(max_candidates),
            ..self
        }
    }

    /// Sets the largest number of rows in a leaf of the random-projection trees, at least
    /// 1. Each pair of rows in a leaf is compared.
    ///
    /// Default `max(10, n_neighbors)`, as in pynndescent.
    pub fn leaf_size(self, leaf_size: usize) -> Self {
        Self {
            leaf_size: Some(leaf_size),
            ..self
        }
    }

    /// Finds approximately the `n_neighbors` nearest other rows of every row of `x`,
    /// leaving each row out of its own list.
    ///
    /// Uses `O(n_samples * n_neighbors)` memory beyond the input (plus one permutation of
    /// the rows per tree built at once) and runs in parallel with rayon.
    ///
    /// # Errors
    ///
    /// - [`Error::EmptyInput`] when `x` has no rows or no columns.
    /// - [`Error::NonFinite`] when `x` contains NaN or an infinity.
    /// - [`Error::InvalidParameter`] when `n_neighbors` is 0 or not less than the number of
    ///   rows, when `delta`, `max_candidates`, `leaf_size` or `n_iters` is out of its range
    ///   (see the setters), or for a metric other than euclidean and cosine.
    /// - [`Error::ZeroVector`] for a row of zero norm with [`Metric::Cosine`].
    pub fn knn<F: Float>(&self, x: ArrayView2<'_, F>) -> Result<Neighbors<F>> {
        check_self_search(x, self.n_neighbors)?;
        self.check_parameters()?;
        let rows = ScaledRows::new(x, self.metric)?;
        let settings = self.resolve(x.nrows());

        let started = Instant::now();
        log::info!(
            "NN-descent {}-NN of {} rows x {} columns ({}): {} trees, up to {} iterations, seed {}",
            settings.k,
            x.nrows(),
            x.ncols(),
            self.metric,
            settings.n_trees,
            settings.n_iters,
            settings.seed
        );
        let graph = descent::build_graph(&rows, &settings);
        let (indices, squared) = graph.into_sorted();
        let distances = squared.mapv(|d| rows.output_distance(d));
        log::info!(
            "NN-descent {}-NN of {} rows done in {:.3} s",
            settings.k,
            x.nrows(),
            started.elapsed().as_secs_f64()
        );
        Neighbors::from_parts(indices, distances)
    }

    fn check_parameters(&self) -> Result<()> {
        if !self.delta.is_finite() || self.delta < 0.0 {
            return Err(Error::invalid_parameter(
                "delta",
                self.delta,
                "must be finite and at least 0 (pynndescent's default is 0.001)",
            ));
        }
        if self.max_candidates == Some(0) {
            return Err(Error::invalid_parameter(
                "max_candidates",
                0,
                "must be at least 1 (the default is min(60, n_neighbors))",
            ));
        }
        if self.leaf_size == Some(0) {
            return Err(Error::invalid_parameter(
                "leaf_size",
                0,
                "must be at least 1 (the default is max(10, n_neighbors))",
            ));
        }
        if let Some(n_iters) = self.n_iters
            && n_iters > MAX_ITERATIONS
        {
            return Err(Error::invalid_parameter(
                "n_iters",
                n_iters,
                format!("must be at most {MAX_ITERATIONS}"),
            ));
        }
        Ok(())
    }

    /// Fills in the defaults that depend on the number of rows, as pynndescent does.
    fn resolve(&self, n_samples: usize) -> Settings {
        let k = self.n_neighbors;
        let n = n_samples as f64;
        let default_trees = (5 + (n.sqrt() / 20.0).round() as usize).min(64);
        let default_iters = (n.log2().round() as usize).max(5);
        let seed = self.seed.unwrap_or_else(|| {
            let seed = seed::random_seed();
            log::info!("NN-descent drew seed {seed}; pass it to seed() to repeat this run");
            seed
        });
        Settings {
            k,
            n_trees: self.n_trees.unwrap_or(default_trees),
            n_iters: self.n_iters.unwrap_or(default_iters),
            delta: self.delta,
            max_candidates: self.max_candidates.unwrap_or(k.min(60)),
            leaf_size: self.leaf_size.unwrap_or(k.max(10)),
            seed,
        }
    }
}

/// Finds the `k` nearest other rows of every row of `x`: exactly with [`exact_knn_screened`](crate::exact_knn_screened) up to
/// [`EXACT_THRESHOLD`] rows, approximately with [`NnDescent`] and `seed` above it.
///
/// The output conventions are those of [`exact_knn`] either way.
///
/// # Errors
///
/// Those of [`exact_knn`] and [`NnDescent::knn`]: [`Error::EmptyInput`],
/// [`Error::NonFinite`], [`Error::InvalidParameter`] (`n_neighbors` is 0 or not less than the
/// number of rows) and [`Error::ZeroVector`] (cosine metric).
///
/// # Example
///
/// ```
/// use embviz_core::Metric;
/// use embviz_neighbors::knn_auto;
/// use ndarray::array;
///
/// let x = array![[0.0_f32, 0.0], [0.0, 1.0], [5.0, 5.0]];
/// let neighbors = knn_auto(x.view(), 1, Metric::Euclidean, 42)?;
/// assert_eq!(neighbors.indices().column(0).to_vec(), vec![1, 0, 1]);
/// # Ok::<(), embviz_core::Error>(())
/// ```
pub fn knn_auto<F: Float>(
    x: ArrayView2<'_, F>,
    k: usize,
    metric: Metric,
    seed: u64,
) -> Result<Neighbors<F>> {
    if x.nrows() <= EXACT_THRESHOLD {
        return crate::exact_knn_screened(x, k, metric);
    }
    NnDescent::new(k).metric(metric).seed(seed).knn(x)
}
