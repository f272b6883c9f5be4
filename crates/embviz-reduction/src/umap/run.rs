//! The pipeline behind [`Umap::fit`]: neighbours, fuzzy graph, initial layout, SGD layout.

use std::time::Instant;

use embviz_core::{Float, Metric, Observer, Result, seed};
use ndarray::{Array2, ArrayView2};

use super::curve::find_ab_params;
use super::graph::{FuzzyGraph, fuzzy_simplicial_set};
use super::init::initial_layout;
use super::layout::{Schedule, optimize_fit};
use super::model::FittedUmap;
use super::params::{Epochs, Umap};

/// Rows up to which umap-learn runs 500 epochs by default, and 200 above.
const SMALL_DATA_ROWS: usize = 10_000;

pub(super) fn fit<F: Float>(
    params: &Umap,
    x: ArrayView2<'_, F>,
    observer: &mut Observer<'_>,
) -> Result<FittedUmap<F>> {
    let n_samples = x.nrows();
    let dim = params.n_components;
    let seed = params.seed.unwrap_or_else(seed::random_seed);
    let started = Instant::now();
    let (a, b) = match (params.a, params.b) {
        (Some(a), Some(b)) => (a, b),
        _ => find_ab_params(params.spread, params.min_dist)?,
    };
    let n_neighbors = params.effective_n_neighbors(n_samples);
    log::info!(
        "UMAP on {n_samples} x {} ({} metric, {n_neighbors} neighbours, a = {a:.4}, b = {b:.4})",
        x.ncols(),
        params.metric
    );

    let (indices, distances) = neighbors_with_self(x, n_neighbors, params.metric, seed)?;
    let set = fuzzy_simplicial_set(
        indices.view(),
        distances.view(),
        params.local_connectivity,
        params.set_op_mix_ratio,
    );
    log::info!(
        "UMAP fuzzy graph: {} edges, built in {:.2?}",
        set.graph.nnz(),
        started.elapsed()
    );

    let (n_epochs, filter_epochs) = epoch_counts(params.n_epochs, n_samples);
    let layout_graph = drop_weak_edges(&set.graph, filter_epochs);

    let mut rng = seed::rng(seed);
    let start = initial_layout(
        &params.init,
        params.keep_given_scale,
        x,
        &layout_graph,
        params.metric,
        dim,
        &mut rng,
    )?;
    log::info!("UMAP initial layout done at {:.2?}", started.elapsed());

    let schedule = Schedule {
        n_epochs,
        a,
        b,
        repulsion_strength: params.repulsion_strength,
        initial_learning_rate: params.learning_rate,
        negative_sample_rate: params.negative_sample_rate,
        progress_every: params.progress_every,
    };
    let mut y: Vec<f64> = start.iter().copied().collect();
    let outcome = optimize_fit(&mut y, dim, &layout_graph, &schedule, seed, observer);
    log::info!(
        "UMAP finished {} epochs in {:.2?}",
        outcome.epochs,
        started.elapsed()
    );
    let embedding = Array2::from_shape_vec((n_samples, dim), y)
        .expect("the layout has n_samples x n_components values")
        .mapv(F::from_f64_lossy);

    Ok(FittedUmap {
        embedding,
        training: x.to_owned(),
        graph: set.graph,
        metric: params.metric,
        n_neighbors,
        local_connectivity: params.local_connectivity,
        a,
        b,
        repulsion_strength: params.repulsion_strength,
        negative_sample_rate: params.negative_sample_rate,
        learning_rate: params.learning_rate,
        n_epochs_setting: params.n_epochs,
        n_epochs: outcome.epochs,
        seed,
        stopped_early: outcome.stopped_early,
    })
}

/// Returns the number of layout epochs and the epoch count that sets the weakest edge
/// kept. umap-learn runs 500 epochs up to 10,000 rows and 200 above, and for 10 epochs or
/// fewer keeps the edges the default count would keep.
fn epoch_counts(n_epochs: Epochs, n_samples: usize) -> (usize, usize) {
    let default_epochs = if n_samples <= SMALL_DATA_ROWS {
        500
    } else {
        200
    };
    let n_epochs = match n_epochs {
        Epochs::Auto => default_epochs,
        Epochs::Value(epochs) => epochs,
    };
    let filter_epochs = if n_epochs > 10 {
        n_epochs
    } else {
        default_epochs
    };
    (n_epochs, filter_epochs)
}

/// Drops the edges lighter than `max_weight / n_epochs`, which would be sampled less than
/// once in the whole run (umap-learn's rule).
pub(super) fn drop_weak_edges(graph: &FuzzyGraph, n_epochs: usize) -> FuzzyGraph {
    let threshold = graph.max_weight() / n_epochs as f64;
    graph.filtered(|w| w >= threshold)
}

/// Returns each row's `n_neighbors` nearest rows with the row itself first at distance 0,
/// as umap-learn lists them, followed by its `n_neighbors - 1` nearest other rows: exact
/// up to [`embviz_neighbors::EXACT_THRESHOLD`] rows, by NN-descent above.
fn neighbors_with_self<F: Float>(
    x: ArrayView2<'_, F>,
    n_neighbors: usize,
    metric: Metric,
    seed: u64,
) -> Result<(Array2<usize>, Array2<f64>)> {
    let n = x.nrows();
    let others = crate::faer_pool::isolated(|| {
        embviz_neighbors::knn_auto(x, n_neighbors - 1, metric, seed)
    })?;
    let mut indices = Array2::<usize>::zeros((n, n_neighbors));
    let mut distances = Array2::<f64>::zeros((n, n_neighbors));
    for i in 0..n {
        indices[[i, 0]] = i;
        for c in 0..n_neighbors - 1 {
            indices[[i, c + 1]] = others.indices()[[i, c]];
            distances[[i, c + 1]] = others.distances()[[i, c]].to_f64_exact();
        }
    }
    Ok((indices, distances))
}
