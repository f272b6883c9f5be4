//! The spectral initial layout: eigenvectors of the normalised graph Laplacian, one
//! connected component at a time.
//!
//! For the normalised Laplacian `L = I - D^(-1/2) W D^(-1/2)` of a graph with weights `W`
//! and degrees `D`, the eigenvectors of the smallest eigenvalues vary slowly along the
//! graph's edges (Belkin & Niyogi 2003, "Laplacian Eigenmaps for Dimensionality Reduction
//! and Data Representation", Neural Computation 15). The smallest eigenvalue is 0 with
//! eigenvector `D^(1/2) 1`, so the layout takes the next `dim`. They are found as the
//! largest eigenvectors of `2I - L = I + D^(-1/2) W D^(-1/2)`, whose eigenvalues lie in
//! `[0, 2]`, with `D^(1/2) 1` projected out, by block thick-restart Lanczos on the sparse
//! graph.

use embviz_core::{Float, Metric, seed::ChaCha8Rng};
use ndarray::{Array2, ArrayView2};
use rand::RngExt;
use rayon::prelude::*;

use super::eigen::{LanczosSettings, SymmetricOperator, largest_eigenpairs};
use super::graph::FuzzyGraph;

/// Residual norm at which an eigenvector counts as converged. The spectrum lies in
/// `[0, 2]`, so this is relative to the operator's norm.
const TOLERANCE: f64 = 1e-6;

/// Restarts of the Lanczos iteration before the layout falls back to a random start.
const MAX_RESTARTS: usize = 300;

/// Components above this count are placed at random instead of by a spectral layout of
/// their centroids, which needs a dense matrix of all centroid pairs.
const MAX_DENSE_COMPONENTS: usize = 4096;

/// Returns the spectral layout of `graph`, `n x dim`, or `None` when the eigensolver does
/// not converge on a graph of one component. Several components are laid out as in
/// [`multi_component_layout`].
pub(super) fn spectral_layout<F: Float>(
    x: ArrayView2<'_, F>,
    graph: &FuzzyGraph,
    metric: Metric,
    dim: usize,
    rng: &mut ChaCha8Rng,
) -> Option<Array2<f64>> {
    let (n_components, labels) = connected_components(graph);
    if n_components > 1 {
        log::info!(
            "UMAP graph has {n_components} connected components; laying them out one by one"
        );
        return Some(multi_component_layout(
            x,
            graph,
            n_components,
            &labels,
            metric,
            dim,
            rng,
        ));
    }
    component_spectral_layout(graph, dim, rng)
}

/// Labels the connected components of `graph` by breadth-first search, in order of their
/// lowest row. Returns the component count and each row's label.
pub(super) fn connected_components(graph: &FuzzyGraph) -> (usize, Vec<usize>) {
    let n = graph.n_rows();
    let mut labels = vec![usize::MAX; n];
    let mut count = 0;
    let mut queue = std::collections::VecDeque::new();
    for start in 0..n {
        if labels[start] != usize::MAX {
            continue;
        }
        labels[start] = count;
        queue.push_back(start);
        while let Some(i) = queue.pop_front() {
            for &j in graph.row(i).0 {
                if labels[j] == usize::MAX {
                    labels[j] = count;
                    queue.push_back(j);
                }
            }
        }
        count += 1;
    }
    (count, labels)
}

/// `I + D^(-1/2) W D^(-1/2)` of a graph.
struct ShiftedNormalizedAdjacency<'a> {
    graph: &'a FuzzyGraph,
    inverse_sqrt_degrees: Vec<f64>,
}

impl SymmetricOperator for ShiftedNormalizedAdjacency<'_> {
    fn n(&self) -> usize {
        self.graph.n_rows()
    }

    fn apply(&self, x: &[f64], y: &mut [f64]) {
        let scale = &self.inverse_sqrt_degrees;
        y.par_iter_mut().enumerate().for_each(|(i, yi)| {
            let (columns, weights) = self.graph.row(i);
            let sum: f64 = columns
                .iter()
                .zip(weights)
                .map(|(&j, &w)| w * scale[j] * x[j])
                .sum();
            *yi = x[i] + scale[i] * sum;
        });
    }
}

/// Returns the spectral layout of a connected graph, or `None` when the eigensolver does
/// not converge or the graph has too few rows for `dim` eigenvectors beyond the first.
fn component_spectral_layout(
    graph: &FuzzyGraph,
    dim: usize,
    rng: &mut ChaCha8Rng,
) -> Option<Array2<f64>> {
    let n = graph.n_rows();
    if n < dim + 1 {
        log::warn!(
            "spectral initialisation needs more than n_components ({dim}) rows, but the graph \
             has {n}; UMAP starts from a random layout instead"
        );
        return None;
    }
    let sqrt_degrees: Vec<f64> = graph.degrees().iter().map(|d| d.sqrt()).collect();
    let operator = ShiftedNormalizedAdjacency {
        graph,
        inverse_sqrt_degrees: sqrt_degrees.iter().map(|s| 1.0 / s).collect(),
    };
    let norm = super::eigen::norm(&sqrt_degrees);
    let trivial: Vec<f64> = sqrt_degrees.iter().map(|s| s / norm).collect();
    let settings = LanczosSettings {
        // umap-learn gives ARPACK max(2k + 1, sqrt(n)) Lanczos vectors. The cap of 64 bounds
        // the memory to 64 vectors of length n.
        max_basis: ((n as f64).sqrt() as usize).clamp(2 * dim + 1, 64.max(2 * dim + 1)),
        tolerance: TOLERANCE,
        max_restarts: MAX_RESTARTS,
    };
    match largest_eigenpairs(&operator, &[trivial], dim, settings, rng) {
        Ok(pairs) if pairs.vectors.len() == dim => {
            let mut layout = Array2::zeros((n, dim));
            for (column, vector) in pairs.vectors.iter().enumerate() {
                for (i, &v) in vector.iter().enumerate() {
                    layout[[i, column]] = v;
                }
            }
            log::debug!(
                "spectral layout of {n} rows: Laplacian eigenvalues {:?}",
                pairs.values.iter().map(|v| 2.0 - v).collect::<Vec<_>>()
            );
            Some(layout)
        }
        Ok(pairs) => {
            log::warn!(
                "spectral initialisation found {} of {dim} eigenvectors on {n} rows; UMAP \
                 starts from a random layout instead",
                pairs.vectors.len()
            );
            None
        }
        Err(failure) => {
            log::warn!(
                "spectral initialisation did not converge on {n} rows ({} restarts, residual \
                 {:.1e}); UMAP starts from a random layout instead",
                failure.restarts,
                failure.residual
            );
            None
        }
    }
}

/// Lays out a graph of several connected components, as umap-learn's
/// `multi_component_layout` does: component centres first, then each component inside a
/// box around its centre.
///
/// With at most `2 dim` components, the centres are `+-e_1, +-e_2, ...`. With more, they
/// are the spectral layout of the component centroids in the input space, with affinities
/// `exp(-(d / median d)^2)`, scaled to a largest coordinate of 1. umap-learn uses
/// `exp(-d^2)`, which underflows to an identity matrix once the centroids are more than
/// about 27 units apart. Dividing by the median distance keeps the affinities informative
/// at any scale. Each component then gets half the distance from its centre to the nearest
/// other centre as its half-width. A component of fewer than `2 dim` rows, or of at most
/// `dim + 1`, is placed uniformly at random in its box. A larger one gets its own spectral
/// layout scaled to the box, or a random placement when the eigensolver fails.
pub(super) fn multi_component_layout<F: Float>(
    x: ArrayView2<'_, F>,
    graph: &FuzzyGraph,
    n_components: usize,
    labels: &[usize],
    metric: Metric,
    dim: usize,
    rng: &mut ChaCha8Rng,
) -> Array2<f64> {
    let centres = component_centres(x, n_components, labels, metric, dim, rng);
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); n_components];
    for (i, &label) in labels.iter().enumerate() {
        members[label].push(i);
    }
    let mut layout = Array2::zeros((graph.n_rows(), dim));
    for (label, rows) in members.iter().enumerate() {
        let centre = centres.row(label);
        let nearest = (0..n_components)
            .filter(|&other| other != label)
            .map(|other| {
                centre
                    .iter()
                    .zip(centres.row(other))
                    .map(|(a, b)| (a - b) * (a - b))
                    .sum::<f64>()
                    .sqrt()
            })
            .filter(|&d| d > 0.0)
            .fold(f64::INFINITY, f64::min);
        let half_width = if nearest.is_finite() {
            nearest / 2.0
        } else {
            1.0
        };
        let size = rows.len();
        let spectral = if size < 2 * dim || size <= dim + 1 {
            None
        } else {
            let subgraph = induced_subgraph(graph, rows, labels, label);
            component_spectral_layout(&subgraph, dim, rng)
        };
        match spectral {
            Some(component) => {
                let largest = component.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
                let expansion = if largest > 0.0 {
                    half_width / largest
                } else {
                    0.0
                };
                for (local, &i) in rows.iter().enumerate() {
                    for d in 0..dim {
                        layout[[i, d]] = component[[local, d]] * expansion + centre[d];
                    }
                }
            }
            None => {
                for &i in rows {
                    for d in 0..dim {
                        layout[[i, d]] = rng.random_range(-half_width..=half_width) + centre[d];
                    }
                }
            }
        }
    }
    layout
}

/// Returns the rows of `graph` in `rows` (all with `label`) as a graph of their own,
/// renumbered in the order of `rows`.
fn induced_subgraph(
    graph: &FuzzyGraph,
    rows: &[usize],
    labels: &[usize],
    label: usize,
) -> FuzzyGraph {
    let mut local = vec![usize::MAX; graph.n_rows()];
    for (position, &i) in rows.iter().enumerate() {
        local[i] = position;
    }
    let mut entries = Vec::new();
    for (position, &i) in rows.iter().enumerate() {
        let (columns, weights) = graph.row(i);
        for (&j, &w) in columns.iter().zip(weights) {
            debug_assert_eq!(labels[j], label, "an edge leaves its component");
            entries.push((position, local[j], w));
        }
    }
    FuzzyGraph::from_entries(rows.len(), rows.len(), entries)
}

/// Returns one centre per component, `n_components x dim`, as described on
/// [`multi_component_layout`].
fn component_centres<F: Float>(
    x: ArrayView2<'_, F>,
    n_components: usize,
    labels: &[usize],
    metric: Metric,
    dim: usize,
    rng: &mut ChaCha8Rng,
) -> Array2<f64> {
    if n_components <= 2 * dim {
        // +e_1, +e_2, ..., then -e_1, -e_2, ...: opposite pairs on the axes.
        let half = n_components.div_ceil(2);
        return Array2::from_shape_fn((n_components, dim), |(c, d)| {
            let (axis, sign) = if c < half { (c, 1.0) } else { (c - half, -1.0) };
            if axis == d { sign } else { 0.0 }
        });
    }
    if n_components > MAX_DENSE_COMPONENTS {
        log::warn!(
            "UMAP graph has {n_components} connected components, more than \
             {MAX_DENSE_COMPONENTS}; their centres are placed at random"
        );
        return random_centres(n_components, dim, rng);
    }
    let centroids = component_centroids(x, n_components, labels);
    let affinity = centroid_affinities(&centroids, metric);
    let operator = DenseNormalizedAffinity::new(affinity);
    let Some(layout) = operator.spectral_embedding(dim, rng) else {
        log::warn!(
            "spectral layout of {n_components} component centroids failed; their centres \
             are placed at random"
        );
        return random_centres(n_components, dim, rng);
    };
    let largest = layout.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
    if largest > 0.0 {
        layout.mapv(|v| v / largest)
    } else {
        random_centres(n_components, dim, rng)
    }
}

/// Returns the mean of the rows of `x` in each component.
fn component_centroids<F: Float>(
    x: ArrayView2<'_, F>,
    n_components: usize,
    labels: &[usize],
) -> Vec<Vec<f64>> {
    let mut centroids = vec![vec![0.0; x.ncols()]; n_components];
    let mut counts = vec![0_usize; n_components];
    for (row, &label) in x.outer_iter().zip(labels) {
        counts[label] += 1;
        for (c, &v) in centroids[label].iter_mut().zip(row) {
            *c += v.to_f64_exact();
        }
    }
    for (centroid, &count) in centroids.iter_mut().zip(&counts) {
        centroid.iter_mut().for_each(|v| *v /= count as f64);
    }
    centroids
}

/// Returns the affinities `exp(-(d / median d)^2)` between centroids, with 1 on the
/// diagonal. A pair without a defined distance (a zero centroid under the cosine metric)
/// gets affinity 0.
fn centroid_affinities(centroids: &[Vec<f64>], metric: Metric) -> Vec<Vec<f64>> {
    let distances: Vec<Vec<f64>> = centroids
        .par_iter()
        .map(|a| centroids.iter().map(|b| metric.distance(a, b)).collect())
        .collect();
    let mut off_diagonal: Vec<f64> = distances
        .iter()
        .enumerate()
        .flat_map(|(i, row)| row.iter().enumerate().filter(move |&(j, _)| j != i))
        .map(|(_, &d)| d)
        .filter(|d| d.is_finite())
        .collect();
    off_diagonal.sort_by(f64::total_cmp);
    let median = off_diagonal
        .get(off_diagonal.len() / 2)
        .copied()
        .unwrap_or(0.0);
    let scale = if median > 0.0 { median } else { 1.0 };
    distances
        .iter()
        .enumerate()
        .map(|(i, row)| {
            row.iter()
                .enumerate()
                .map(|(j, &d)| {
                    let z = d / scale;
                    if i == j {
                        1.0
                    } else if z.is_finite() {
                        (-z * z).exp()
                    } else {
                        0.0
                    }
                })
                .collect()
        })
        .collect()
}

fn random_centres(n_components: usize, dim: usize, rng: &mut ChaCha8Rng) -> Array2<f64> {
    Array2::from_shape_simple_fn((n_components, dim), || rng.random_range(-1.0..=1.0))
}

/// `I + D^(-1/2) W D^(-1/2)` of a small dense affinity matrix `W`.
struct DenseNormalizedAffinity {
    affinity: Vec<Vec<f64>>,
    inverse_sqrt_degrees: Vec<f64>,
}

impl DenseNormalizedAffinity {
    fn new(affinity: Vec<Vec<f64>>) -> Self {
        let inverse_sqrt_degrees = affinity
            .iter()
            .map(|row| 1.0 / row.iter().sum::<f64>().sqrt())
            .collect();
        Self {
            affinity,
            inverse_sqrt_degrees,
        }
    }

    /// Returns the eigenvectors of the 2nd to `dim + 1`-th smallest eigenvalues of the
    /// normalised Laplacian, divided by the square roots of the degrees (the eigenvectors
    /// of the random-walk Laplacian, as scikit-learn's `SpectralEmbedding` returns).
    fn spectral_embedding(&self, dim: usize, rng: &mut ChaCha8Rng) -> Option<Array2<f64>> {
        let n = self.affinity.len();
        let sqrt_degrees: Vec<f64> = self.inverse_sqrt_degrees.iter().map(|s| 1.0 / s).collect();
        let norm = super::eigen::norm(&sqrt_degrees);
        let trivial: Vec<f64> = sqrt_degrees.iter().map(|s| s / norm).collect();
        let settings = LanczosSettings {
            max_basis: 64.max(2 * dim + 1),
            tolerance: TOLERANCE,
            max_restarts: MAX_RESTARTS,
        };
        let pairs = largest_eigenpairs(self, &[trivial], dim, settings, rng).ok()?;
        if pairs.vectors.len() < dim {
            return None;
        }
        Some(Array2::from_shape_fn((n, dim), |(i, d)| {
            pairs.vectors[d][i] * self.inverse_sqrt_degrees[i]
        }))
    }
}

impl SymmetricOperator for DenseNormalizedAffinity {
    fn n(&self) -> usize {
        self.affinity.len()
    }

    fn apply(&self, x: &[f64], y: &mut [f64]) {
        let scale = &self.inverse_sqrt_degrees;
        y.par_iter_mut().enumerate().for_each(|(i, yi)| {
            let sum: f64 = self.affinity[i]
                .iter()
                .zip(x)
                .zip(scale)
                .map(|((&w, &xj), &sj)| w * sj * xj)
                .sum();
            *yi = x[i] + scale[i] * sum;
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring(n: usize, offset: usize, entries: &mut Vec<(usize, usize, f64)>) {
        for i in 0..n {
            let j = (i + 1) % n;
            entries.push((offset + i, offset + j, 1.0));
            entries.push((offset + j, offset + i, 1.0));
        }
    }

    #[test]
    fn components_are_labelled_in_row_order() {
        let mut entries = Vec::new();
        ring(5, 0, &mut entries);
        ring(4, 5, &mut entries);
        let graph = FuzzyGraph::from_entries(9, 9, entries);
        let (count, labels) = connected_components(&graph);
        assert_eq!(count, 2);
        assert_eq!(labels, vec![0, 0, 0, 0, 0, 1, 1, 1, 1]);
    }

    #[test]
    fn ring_layout_is_a_circle() {
        // The second and third Laplacian eigenvectors of a ring are cos and sin of the
        // angle, so every row lies at the same distance from the origin.
        let n = 60;
        let mut entries = Vec::new();
        ring(n, 0, &mut entries);
        let graph = FuzzyGraph::from_entries(n, n, entries);
        let mut rng = embviz_core::seed::rng(0);
        let layout = component_spectral_layout(&graph, 2, &mut rng).expect("a ring converges");
        let radii: Vec<f64> = layout
            .outer_iter()
            .map(|r| (r[0] * r[0] + r[1] * r[1]).sqrt())
            .collect();
        let expected = (2.0 / n as f64).sqrt();
        for r in radii {
            assert!((r - expected).abs() < 1e-4, "radius {r} vs {expected}");
        }
    }

    #[test]
    fn two_components_get_separate_boxes() {
        let mut entries = Vec::new();
        ring(30, 0, &mut entries);
        ring(20, 30, &mut entries);
        let graph = FuzzyGraph::from_entries(50, 50, entries);
        let x = Array2::<f64>::zeros((50, 3));
        let (count, labels) = connected_components(&graph);
        let mut rng = embviz_core::seed::rng(0);
        let layout = multi_component_layout(
            x.view(),
            &graph,
            count,
            &labels,
            Metric::Euclidean,
            2,
            &mut rng,
        );
        // Centres +e_1 and -e_1, half-width 1: the first ring has x > 0, the second x < 0.
        for i in 0..50 {
            assert!(layout[[i, 0]].is_finite(), "row {i}");
            assert!(layout[[i, 1]].is_finite(), "row {i}");
            if i < 30 {
                assert!(layout[[i, 0]] >= 0.0 - 1e-12, "row {i}");
            } else {
                assert!(layout[[i, 0]] <= 0.0 + 1e-12, "row {i}");
            }
        }
    }
}
