//! The fuzzy neighbour graph: per-row scales, membership strengths and their symmetric
//! combination.
//!
//! Reference: McInnes, Healy & Melville (2018), "UMAP: Uniform Manifold Approximation and
//! Projection for Dimension Reduction", arXiv:1802.03426, section 3. The searches and
//! constants follow umap-learn 0.5.12 (`smooth_knn_dist`, `compute_membership_strengths`
//! and `fuzzy_simplicial_set` in `umap/umap_.py`).

use ndarray::{Array1, ArrayView2, Axis};
use rayon::prelude::*;

/// Steps of the bisection on each row's scale, as in umap-learn.
const MAX_STEPS: usize = 64;

/// Tolerance on the sum of memberships, and the smallest interpolation fraction of
/// `local_connectivity` that counts, umap-learn's `SMOOTH_K_TOLERANCE`.
const SMOOTH_K_TOLERANCE: f64 = 1e-5;

/// Floor of each scale as a fraction of the mean neighbour distance, umap-learn's
/// `MIN_K_DIST_SCALE`.
const MIN_K_DIST_SCALE: f64 = 1e-3;

/// The per-row scales of the fuzzy neighbourhoods.
#[derive(Debug, Clone, PartialEq)]
pub struct SmoothKnn {
    /// Distance scale `sigma_i` of each row.
    pub sigmas: Array1<f64>,
    /// Distance `rho_i` from each row to its `local_connectivity`-th nearest neighbour at a
    /// positive distance, which gets membership 1.
    pub rhos: Array1<f64>,
    /// Rows whose search ran all 64 steps without reaching the tolerance. Rows with many
    /// neighbours at distance `rho_i` or less cannot reach it, and keep the last scale.
    pub n_not_converged: usize,
}

/// Finds, for each row of `distances`, the distance `rho_i` to its nearest neighbours and
/// the scale `sigma_i` at which its memberships sum to `log2(k)`:
///
/// ```text
/// sum over j >= 1 of exp(-max(d_ij - rho_i, 0) / sigma_i) = log2(k)
/// ```
///
/// `distances` lists, for each row, the distances to its `k` nearest neighbours in
/// ascending order, where column 0 is the row itself in a fitted graph and is left out of
/// the sum. `rho_i` is the `local_connectivity`-th smallest positive distance (interpolated
/// for fractions; the largest positive distance when there are fewer). `sigma_i` is found by
/// bisection from 1, doubling while no upper bound is known, for 64 steps or until the sum
/// is within 1e-5 of the target. It is then raised to at least 1e-3 times the mean distance
/// of the row, or of all rows when `rho_i` is 0. This is umap-learn's
/// `smooth_knn_dist` with `bandwidth = 1`.
pub fn smooth_knn_dist(
    distances: ArrayView2<'_, f64>,
    k: f64,
    local_connectivity: f64,
) -> SmoothKnn {
    let n_rows = distances.nrows();
    let target = k.log2();
    let mean_distance = if distances.is_empty() {
        0.0
    } else {
        distances.sum() / distances.len() as f64
    };
    let results: Vec<(f64, f64, bool)> = distances
        .axis_iter(Axis(0))
        .into_par_iter()
        .map(|row| {
            let row: Vec<f64> = row.to_vec();
            let rho = nearest_distance(&row, local_connectivity);
            let (mut sigma, converged) = search_scale(&row, rho, target);
            let floor_base = if rho > 0.0 {
                row.iter().sum::<f64>() / row.len() as f64
            } else {
                mean_distance
            };
            sigma = sigma.max(MIN_K_DIST_SCALE * floor_base);
            (sigma, rho, converged)
        })
        .collect();
    let n_not_converged = results.iter().filter(|r| !r.2).count();
    if n_not_converged > 0 {
        log::debug!(
            "UMAP scale search reached {MAX_STEPS} steps without converging for \
             {n_not_converged} of {n_rows} rows"
        );
    }
    SmoothKnn {
        sigmas: results.iter().map(|r| r.0).collect(),
        rhos: results.iter().map(|r| r.1).collect(),
        n_not_converged,
    }
}

/// Returns `rho`, the distance to the `local_connectivity`-th nearest neighbour at a
/// positive distance.
fn nearest_distance(row: &[f64], local_connectivity: f64) -> f64 {
    let positive: Vec<f64> = row.iter().copied().filter(|&d| d > 0.0).collect();
    if positive.is_empty() {
        return 0.0;
    }
    if positive.len() as f64 >= local_connectivity {
        let index = local_connectivity.floor() as usize;
        let fraction = local_connectivity - index as f64;
        if index > 0 {
            let mut rho = positive[index - 1];
            if fraction > SMOOTH_K_TOLERANCE && index < positive.len() {
                rho += fraction * (positive[index] - positive[index - 1]);
            }
            rho
        } else {
            fraction * positive[0]
        }
    } else {
        positive.iter().copied().fold(0.0, f64::max)
    }
}

/// Bisects on `sigma` until the memberships of columns 1.. sum to `target`, returning the
/// last midpoint and whether the tolerance was reached.
fn search_scale(row: &[f64], rho: f64, target: f64) -> (f64, bool) {
    let (mut low, mut high, mut mid) = (0.0_f64, f64::INFINITY, 1.0_f64);
    for _ in 0..MAX_STEPS {
        let total: f64 = row[1..]
            .iter()
            .map(|&d| {
                let excess = d - rho;
                if excess > 0.0 {
                    (-(excess / mid)).exp()
                } else {
                    1.0
                }
            })
            .sum();
        if (total - target).abs() < SMOOTH_K_TOLERANCE {
            return (mid, true);
        }
        if total > target {
            high = mid;
            mid = (low + high) / 2.0;
        } else {
            low = mid;
            mid = if high == f64::INFINITY {
                mid * 2.0
            } else {
                (low + high) / 2.0
            };
        }
    }
    (mid, false)
}

/// Returns the membership strength of a neighbour at `distance` from a row with scale
/// `sigma` and nearest distance `rho`: 1 up to `rho`, then `exp(-(d - rho) / sigma)`.
pub(super) fn membership(distance: f64, rho: f64, sigma: f64) -> f64 {
    if distance - rho <= 0.0 || sigma == 0.0 {
        1.0
    } else {
        (-(distance - rho) / sigma).exp()
    }
}

/// A weighted graph in compressed sparse rows: the symmetric fuzzy graph of a fitted UMAP,
/// or the graph from new rows to the training rows in a transform.
///
/// Row `i` lists its neighbours in increasing order with their weights in `(0, 1]`.
#[derive(Debug, Clone, PartialEq)]
pub struct FuzzyGraph {
    pub(super) n_columns: usize,
    pub(super) indptr: Vec<usize>,
    pub(super) indices: Vec<usize>,
    pub(super) weights: Vec<f64>,
}

impl FuzzyGraph {
    /// Builds the graph from `(row, column, weight)` entries, adding up repeated positions
    /// and dropping zero weights.
    pub(super) fn from_entries(
        n_rows: usize,
        n_columns: usize,
        mut entries: Vec<(usize, usize, f64)>,
    ) -> Self {
        entries.par_sort_unstable_by_key(|&(i, j, _)| (i, j));
        let mut indptr = vec![0_usize; n_rows + 1];
        let mut indices = Vec::with_capacity(entries.len());
        let mut weights: Vec<f64> = Vec::with_capacity(entries.len());
        let mut last: Option<(usize, usize)> = None;
        for (i, j, weight) in entries {
            if last == Some((i, j)) {
                if let Some(previous) = weights.last_mut() {
                    *previous += weight;
                }
                continue;
            }
            last = Some((i, j));
            indptr[i + 1] += 1;
            indices.push(j);
            weights.push(weight);
        }
        for i in 0..n_rows {
            indptr[i + 1] += indptr[i];
        }
        let graph = Self {
            n_columns,
            indptr,
            indices,
            weights,
        };
        graph.without_zeros()
    }

    /// Returns a copy with only the entries whose weight is positive and passes `keep`.
    pub(super) fn filtered(&self, keep: impl Fn(f64) -> bool) -> Self {
        let mut indptr = Vec::with_capacity(self.indptr.len());
        indptr.push(0);
        let mut indices = Vec::with_capacity(self.indices.len());
        let mut weights = Vec::with_capacity(self.weights.len());
        for i in 0..self.n_rows() {
            let (columns, values) = self.row(i);
            for (&j, &w) in columns.iter().zip(values) {
                if w > 0.0 && keep(w) {
                    indices.push(j);
                    weights.push(w);
                }
            }
            indptr.push(indices.len());
        }
        Self {
            n_columns: self.n_columns,
            indptr,
            indices,
            weights,
        }
    }

    fn without_zeros(self) -> Self {
        if self.weights.iter().all(|&w| w > 0.0) {
            return self;
        }
        self.filtered(|_| true)
    }

    /// Returns the number of rows.
    pub fn n_rows(&self) -> usize {
        self.indptr.len() - 1
    }

    /// Returns the number of columns: the number of rows for a fitted graph, the number of
    /// training rows for a transform.
    pub fn n_columns(&self) -> usize {
        self.n_columns
    }

    /// Returns the column indices and weights of row `i`.
    ///
    /// # Panics
    ///
    /// When `i` is not less than [`FuzzyGraph::n_rows`].
    pub fn row(&self, i: usize) -> (&[usize], &[f64]) {
        let range = self.indptr[i]..self.indptr[i + 1];
        (&self.indices[range.clone()], &self.weights[range])
    }

    /// Returns the number of stored edges; a symmetric graph stores each edge twice.
    pub fn nnz(&self) -> usize {
        self.weights.len()
    }

    /// Returns the largest weight, 0 for a graph without edges.
    pub fn max_weight(&self) -> f64 {
        self.weights.iter().copied().fold(0.0, f64::max)
    }

    /// Returns the sum of the weights of each row, the degrees of the graph.
    pub fn degrees(&self) -> Vec<f64> {
        (0..self.n_rows())
            .map(|i| self.row(i).1.iter().sum())
            .collect()
    }
}

/// The fuzzy graph of a data set with the scales it was built from.
#[derive(Debug, Clone)]
pub struct FuzzySimplicialSet {
    /// The symmetric graph, `n_samples x n_samples`.
    pub graph: FuzzyGraph,
    /// The per-row scales.
    pub scales: SmoothKnn,
}

/// Builds the symmetric fuzzy graph from each row's `k` nearest neighbours, the row
/// itself first at distance 0 as umap-learn lists them.
///
/// The directed memberships `A_ij = exp(-max(d_ij - rho_i, 0) / sigma_i)` (see
/// [`smooth_knn_dist`]), which are 0 for the row itself, are combined as
///
/// ```text
/// W = mix (A + A^T - A * A^T) + (1 - mix) A * A^T      (* element-wise)
/// ```
///
/// with `mix = set_op_mix_ratio`: 1 gives the fuzzy union, 0 the fuzzy intersection. This
/// is umap-learn's `fuzzy_simplicial_set`.
///
/// # Panics
///
/// When `indices` and `distances` differ in shape or an index is not a row index.
pub fn fuzzy_simplicial_set(
    indices: ArrayView2<'_, usize>,
    distances: ArrayView2<'_, f64>,
    local_connectivity: f64,
    set_op_mix_ratio: f64,
) -> FuzzySimplicialSet {
    assert_eq!(
        indices.dim(),
        distances.dim(),
        "neighbour indices and distances must have the same shape"
    );
    let n = indices.nrows();
    let k = indices.ncols();
    let scales = smooth_knn_dist(distances, k as f64, local_connectivity);

    // Each directed membership A_ij contributes (A_ij, 0) at (i, j) and (0, A_ij) at
    // (j, i). Summing both halves per position gives the pair (A_ij, A_ji).
    let mut directed: Vec<(usize, usize, f64, f64)> = Vec::with_capacity(2 * n * k);
    for ((i, column), &j) in indices.indexed_iter() {
        if j == i {
            continue;
        }
        let value = membership(distances[[i, column]], scales.rhos[i], scales.sigmas[i]);
        if value > 0.0 {
            directed.push((i, j, value, 0.0));
            directed.push((j, i, 0.0, value));
        }
    }
    directed.par_sort_unstable_by_key(|&(i, j, _, _)| (i, j));

    let mut entries: Vec<(usize, usize, f64)> = Vec::with_capacity(directed.len());
    let mut position = 0;
    while position < directed.len() {
        let (i, j, mut forward, mut backward) = directed[position];
        position += 1;
        while position < directed.len() && directed[position].0 == i && directed[position].1 == j {
            forward += directed[position].2;
            backward += directed[position].3;
            position += 1;
        }
        let product = forward * backward;
        let weight =
            set_op_mix_ratio * (forward + backward - product) + (1.0 - set_op_mix_ratio) * product;
        entries.push((i, j, weight));
    }
    FuzzySimplicialSet {
        graph: FuzzyGraph::from_entries(n, n, entries),
        scales,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;
    use ndarray::array;

    #[test]
    fn memberships_sum_to_log2_k() {
        let d = array![[0.0, 1.0, 1.5, 2.0, 4.0], [0.0, 0.5, 0.5, 3.0, 3.5]];
        let scales = smooth_knn_dist(d.view(), 5.0, 1.0);
        assert_eq!(scales.rhos.to_vec(), vec![1.0, 0.5]);
        for i in 0..2 {
            let total: f64 = d
                .row(i)
                .iter()
                .skip(1)
                .map(|&x| membership(x, scales.rhos[i], scales.sigmas[i]))
                .sum();
            assert!((total - 5.0_f64.log2()).abs() < 1e-5, "row {i}: {total}");
        }
        assert_eq!(scales.n_not_converged, 0);
    }

    #[test]
    fn local_connectivity_interpolates_rho() {
        let row = [0.0, 1.0, 3.0, 7.0];
        assert_eq!(nearest_distance(&row, 1.0), 1.0);
        assert_eq!(nearest_distance(&row, 1.5), 2.0);
        assert_eq!(nearest_distance(&row, 0.5), 0.5);
        assert_eq!(nearest_distance(&row, 0.0), 0.0);
        // Fewer positive distances than local_connectivity: the largest one.
        assert_eq!(nearest_distance(&row, 5.0), 7.0);
        assert_eq!(nearest_distance(&[0.0, 0.0], 1.0), 0.0);
    }

    #[test]
    fn union_is_symmetric_with_unit_nearest() {
        // Four points on a line: 0, 1, 3, 7; each lists itself and its two nearest others.
        let indices = array![[0_usize, 1, 2], [1, 0, 2], [2, 1, 0], [3, 2, 1]];
        let distances = array![
            [0.0, 1.0, 3.0],
            [0.0, 1.0, 2.0],
            [0.0, 2.0, 3.0],
            [0.0, 4.0, 6.0]
        ];
        let set = fuzzy_simplicial_set(indices.view(), distances.view(), 1.0, 1.0);
        let graph = &set.graph;
        let weight = |i: usize, j: usize| {
            let (columns, values) = graph.row(i);
            columns
                .iter()
                .position(|&c| c == j)
                .map_or(0.0, |p| values[p])
        };
        for i in 0..4 {
            assert_eq!(weight(i, i), 0.0);
            for j in 0..4 {
                assert_relative_eq!(weight(i, j), weight(j, i), epsilon = 1e-15);
            }
        }
        // The nearest neighbour of each row has membership 1, so its union weight is 1.
        assert_eq!(weight(0, 1), 1.0);
        assert_eq!(weight(3, 2), 1.0);
        // 0 and 3 are not neighbours either way.
        assert_eq!(weight(0, 3), 0.0);
        assert_eq!(graph.max_weight(), 1.0);

        let intersection = fuzzy_simplicial_set(indices.view(), distances.view(), 1.0, 0.0);
        let (columns, _) = intersection.graph.row(3);
        assert!(columns.is_empty(), "3 is nobody's neighbour: {columns:?}");
    }
}
