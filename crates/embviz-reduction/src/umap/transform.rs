//! The pipeline behind [`FittedUmap::transform`]: neighbours among the training rows,
//! memberships, starting positions and the layout against the fixed training map.

use embviz_core::{Float, Matrix, Metric, Result, validate};
use embviz_neighbors::exact_knn_query;
use ndarray::{Array2, ArrayView2};

use super::graph::{FuzzyGraph, membership, smooth_knn_dist};
use super::layout::{Schedule, optimize_transform};
use super::model::FittedUmap;
use super::params::Epochs;
use super::run::drop_weak_edges;

/// New rows up to which umap-learn's transform runs 100 epochs by default, and 30 above.
const SMALL_TRANSFORM_ROWS: usize = 10_000;

pub(super) fn transform<F: Float>(model: &FittedUmap<F>, x: &impl Matrix<F>) -> Result<Array2<F>> {
    let x = validate::input_matrix("X", x)?;
    let x = x.view();
    validate::n_columns("X", &x, model.training.ncols())?;
    if model.metric == Metric::Cosine {
        validate::no_zero_rows("X", &x)?;
    }
    let n_new = x.nrows();
    let dim = model.embedding.ncols();
    let k = model.n_neighbors;

    let neighbors = exact_knn_query(model.training.view(), x, k, model.metric)?;
    let distances = neighbors.distances().mapv(|d| d.to_f64_exact());
    let scales = smooth_knn_dist(
        distances.view(),
        k as f64,
        (model.local_connectivity - 1.0).max(0.0),
    );
    let mut entries = Vec::with_capacity(n_new * k);
    for ((i, column), &j) in neighbors.indices().indexed_iter() {
        let value = membership(distances[[i, column]], scales.rhos[i], scales.sigmas[i]);
        entries.push((i, j, value));
    }
    let graph = FuzzyGraph::from_entries(n_new, model.training.nrows(), entries);

    let tail: Vec<f64> = model.embedding.iter().map(|v| v.to_f64_exact()).collect();
    let mut head = starting_positions(&graph, neighbors.indices().view(), &tail, dim);

    let n_epochs = match model.n_epochs_setting {
        Epochs::Auto if n_new <= SMALL_TRANSFORM_ROWS => 100,
        Epochs::Auto => 30,
        Epochs::Value(epochs) => epochs / 3,
    };
    if n_epochs > 0 {
        let layout_graph = drop_weak_edges(&graph, n_epochs);
        let schedule = Schedule {
            n_epochs,
            a: model.a,
            b: model.b,
            repulsion_strength: model.repulsion_strength,
            initial_learning_rate: model.learning_rate / 4.0,
            negative_sample_rate: model.negative_sample_rate,
            progress_every: n_epochs,
        };
        optimize_transform(&mut head, &tail, dim, &layout_graph, &schedule, model.seed);
    }
    let placed = Array2::from_shape_vec((n_new, dim), head)
        .expect("the layout has n_new x n_components values");
    Ok(placed.mapv(F::from_f64_lossy))
}

/// Returns the starting position of each new row, row-major, as umap-learn's
/// `init_graph_transform` does. A row with a neighbour of membership 1 (a training row at
/// distance `rho`) starts at the first such neighbour in index order. Any other row starts
/// at the membership-weighted mean of its neighbours' positions. A row without any
/// membership, which the scale search rules out, would start at the plain mean of its
/// neighbours.
fn starting_positions(
    graph: &FuzzyGraph,
    indices: ArrayView2<'_, usize>,
    tail: &[f64],
    dim: usize,
) -> Vec<f64> {
    let mut head = vec![0.0; graph.n_rows() * dim];
    for (i, position) in head.chunks_exact_mut(dim).enumerate() {
        let (columns, weights) = graph.row(i);
        let total: f64 = weights.iter().sum();
        if let Some(&j) = columns
            .iter()
            .zip(weights)
            .find(|(_, w)| **w == 1.0)
            .map(|(j, _)| j)
        {
            position.copy_from_slice(&tail[j * dim..(j + 1) * dim]);
        } else if total > 0.0 {
            for (&j, &w) in columns.iter().zip(weights) {
                for (p, &t) in position.iter_mut().zip(&tail[j * dim..(j + 1) * dim]) {
                    *p += w / total * t;
                }
            }
        } else {
            let row = indices.row(i);
            for &j in row {
                for (p, &t) in position.iter_mut().zip(&tail[j * dim..(j + 1) * dim]) {
                    *p += t / row.len() as f64;
                }
            }
        }
    }
    head
}
