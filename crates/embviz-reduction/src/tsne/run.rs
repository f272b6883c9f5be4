//! The pipeline behind [`Tsne::fit`]: affinities, initial map, optimisation.

use std::time::Instant;

use embviz_core::{Float, Observer, Result, seed};
use embviz_neighbors::exact_knn;
use ndarray::ArrayView2;

use super::affinity::{affinity_distance, joint_probabilities_exact, joint_probabilities_nn};
use super::gradient::{BarnesHutGradient, ExactGradient, Gradient};
use super::init::initial_map;
use super::model::FittedTsne;
use super::optimize::{Schedule, optimize};
use super::params::{LearningRate, Method, Tsne};

pub(super) fn fit<F: Float>(
    params: &Tsne,
    x: ArrayView2<'_, F>,
    observer: &mut Observer<'_>,
) -> Result<FittedTsne<F>> {
    let n_samples = x.nrows();
    let seed = params.seed.unwrap_or_else(seed::random_seed);
    let started = Instant::now();
    log::info!(
        "t-SNE on {n_samples} x {} ({}, {} metric, perplexity {})",
        x.ncols(),
        match params.method {
            Method::BarnesHut => "Barnes-Hut",
            Method::Exact => "exact",
        },
        params.metric,
        params.perplexity
    );

    let (gradient, n_neighbors): (Box<dyn Gradient>, usize) = match params.method {
        Method::Exact => {
            let (p, _) = joint_probabilities_exact(x, params.perplexity, params.metric);
            (
                Box::new(ExactGradient::new(p, params.n_components)),
                n_samples - 1,
            )
        }
        Method::BarnesHut => {
            // scikit-learn's neighbour count: three times the perplexity, plus one.
            let k = (n_samples - 1).min((3.0 * params.perplexity + 1.0) as usize);
            let neighbors = exact_knn(x, k, params.metric)?;
            let distances = neighbors
                .distances()
                .mapv(|d| affinity_distance(params.metric, d.to_f64_exact()));
            let (p, _) = joint_probabilities_nn(
                neighbors.indices().view(),
                distances.view(),
                params.perplexity,
            );
            log::debug!(
                "t-SNE affinities: {} non-zero entries over {k} neighbours",
                p.nnz()
            );
            (
                Box::new(BarnesHutGradient::new(p, params.n_components, params.angle)),
                k,
            )
        }
    };
    log::info!("t-SNE affinities computed in {:.2?}", started.elapsed());

    let mut y = initial_map(&params.init, x, params.n_components, seed)?;
    let learning_rate = match params.learning_rate {
        LearningRate::Auto => (n_samples as f64 / params.early_exaggeration / 4.0).max(50.0),
        LearningRate::Value(rate) => rate,
    };
    let schedule = Schedule {
        learning_rate,
        early_exaggeration: params.early_exaggeration,
        max_iter: params.max_iter,
        n_iter_without_progress: params.n_iter_without_progress,
        min_grad_norm: params.min_grad_norm,
        progress_every: params.progress_every,
    };
    let outcome = optimize(&mut y, gradient.as_ref(), &schedule, observer);
    log::info!(
        "t-SNE finished after {} iterations in {:.2?}: KL divergence {:.4}",
        outcome.n_iter,
        started.elapsed(),
        outcome.kl_divergence
    );

    Ok(FittedTsne {
        embedding: y.mapv(F::from_f64_lossy),
        kl_divergence: outcome.kl_divergence,
        n_iter: outcome.n_iter,
        learning_rate,
        seed,
        stopped_early: outcome.stopped_early,
        n_neighbors,
    })
}
