//! Input affinities: the conditional probabilities `p(j|i)` found by a per-row search on
//! the Gaussian precision, then their symmetric, normalised joint form.
//!
//! Reference: van der Maaten & Hinton (2008), "Visualizing Data using t-SNE", JMLR 9,
//! section 2; the search follows scikit-learn's `_binary_search_perplexity`.

use embviz_core::{Float, Metric};
use ndarray::{Array1, Array2, ArrayView2, Axis};
use rayon::prelude::*;

/// Largest number of bisection steps per row, as in scikit-learn.
const MAX_STEPS: usize = 100;

/// Entropy tolerance of the search, in nats. scikit-learn stores 1e-5 as a 32-bit float,
/// so the same rounded value is used here.
const ENTROPY_TOLERANCE: f64 = 1e-5_f32 as f64;

/// Row sum used in place of zero when every `exp(-d * beta)` underflows, as in scikit-learn.
const MIN_ROW_SUM: f64 = 1e-8_f32 as f64;

/// Smallest joint probability kept in the exact method, numpy's `float64` epsilon, as in
/// scikit-learn.
const MIN_JOINT: f64 = f64::EPSILON;

/// Conditional probabilities of each row, with the precision found for it.
#[derive(Debug, Clone)]
pub struct ConditionalProbabilities {
    /// `p(j|i)` for the candidates of row `i`, in the order of the distance matrix given.
    pub p: Array2<f64>,
    /// Precision `beta_i = 1 / (2 sigma_i^2)` of each row's Gaussian.
    pub betas: Array1<f64>,
    /// Entropy reached by each row, in nats.
    pub entropies: Array1<f64>,
    /// Number of rows whose search stopped at the step limit before reaching the tolerance.
    pub n_not_converged: usize,
}

/// Finds, for each row of `distances`, the Gaussian precision whose conditional
/// distribution has the given perplexity, and returns the distribution.
///
/// `distances` contains the distances of row `i` to its candidates: squared euclidean
/// distances for the euclidean metric, plain distances for others. With
/// `skip_diagonal`, it is the full square matrix and entry `(i, i)` is left out; otherwise
/// each row lists only the neighbours of row `i`. Distances are `f32`, because
/// scikit-learn rounds them to 32 bits before the search; the search itself runs in `f64`.
///
/// ```text
/// p(j|i) = exp(-d_ij beta_i) / sum_k exp(-d_ik beta_i)
/// H_i    = ln(sum_k exp(-d_ik beta_i)) + beta_i sum_j d_ij p(j|i)   (must equal ln perplexity)
/// ```
///
/// `beta_i` starts at 1 and is doubled or halved until the target entropy is bracketed,
/// then bisected, for at most 100 steps or until `|H_i - ln perplexity| <= 1e-5`.
pub fn conditional_probabilities(
    distances: ArrayView2<'_, f32>,
    perplexity: f64,
    skip_diagonal: bool,
) -> ConditionalProbabilities {
    let (n_rows, n_candidates) = distances.dim();
    let target = perplexity.ln();
    let mut p = Array2::<f64>::zeros((n_rows, n_candidates));
    let results: Vec<(f64, f64, bool)> = p
        .axis_iter_mut(Axis(0))
        .into_par_iter()
        .zip(distances.axis_iter(Axis(0)).into_par_iter())
        .enumerate()
        .map(|(i, (mut p_row, d_row))| {
            let skip = if skip_diagonal { Some(i) } else { None };
            let p_row = p_row
                .as_slice_mut()
                .expect("rows of a new standard-layout array are contiguous");
            let d_row: Vec<f64> = d_row.iter().map(|&d| f64::from(d)).collect();
            search_row(&d_row, skip, target, p_row)
        })
        .collect();

    let betas = results.iter().map(|r| r.0).collect();
    let entropies = results.iter().map(|r| r.1).collect();
    let n_not_converged = results.iter().filter(|r| !r.2).count();
    if n_not_converged > 0 {
        log::warn!(
            "perplexity search reached {MAX_STEPS} steps without converging for \
             {n_not_converged} of {n_rows} rows"
        );
    }
    ConditionalProbabilities {
        p,
        betas,
        entropies,
        n_not_converged,
    }
}

/// Runs the precision search of one row, writing `p(j|i)` into `p` and returning the
/// precision, the entropy reached and whether it is within the tolerance.
fn search_row(d: &[f64], skip: Option<usize>, target: f64, p: &mut [f64]) -> (f64, f64, bool) {
    let mut beta = 1.0_f64;
    let mut beta_min = f64::NEG_INFINITY;
    let mut beta_max = f64::INFINITY;
    let mut entropy = 0.0;
    let mut converged = false;
    for _ in 0..MAX_STEPS {
        let mut row_sum = 0.0;
        for (j, (pj, &dj)) in p.iter_mut().zip(d).enumerate() {
            if Some(j) == skip {
                *pj = 0.0;
                continue;
            }
            *pj = (-dj * beta).exp();
            row_sum += *pj;
        }
        if row_sum == 0.0 {
            row_sum = MIN_ROW_SUM;
        }
        let mut weighted_distance = 0.0;
        for (pj, &dj) in p.iter_mut().zip(d) {
            *pj /= row_sum;
            weighted_distance += dj * *pj;
        }
        entropy = row_sum.ln() + beta * weighted_distance;
        let excess = entropy - target;
        if excess.abs() <= ENTROPY_TOLERANCE {
            converged = true;
            break;
        }
        if excess > 0.0 {
            beta_min = beta;
            beta = if beta_max == f64::INFINITY {
                beta * 2.0
            } else {
                (beta + beta_max) / 2.0
            };
        } else {
            beta_max = beta;
            beta = if beta_min == f64::NEG_INFINITY {
                beta / 2.0
            } else {
                (beta + beta_min) / 2.0
            };
        }
    }
    (beta, entropy, converged)
}

/// Returns the distances t-SNE's affinities are built on, from one row pair's metric
/// distance: squared for euclidean, unchanged for other metrics (scikit-learn's rule).
pub(super) fn affinity_distance(metric: Metric, distance: f64) -> f32 {
    match metric {
        Metric::Euclidean => (distance * distance) as f32,
        _ => distance as f32,
    }
}

/// Computes the dense joint probabilities of the exact method:
///
/// ```text
/// P = max((C + C^T) / sum(C + C^T), eps)   off the diagonal, 0 on it
/// ```
///
/// where `C` contains the conditional probabilities over all other rows. Memory is
/// `n_samples^2`.
pub fn joint_probabilities_exact<F: Float>(
    x: ArrayView2<'_, F>,
    perplexity: f64,
    metric: Metric,
) -> (Array2<f64>, ConditionalProbabilities) {
    let n = x.nrows();
    let mut distances = Array2::<f32>::zeros((n, n));
    distances
        .axis_iter_mut(Axis(0))
        .into_par_iter()
        .enumerate()
        .for_each(|(i, mut row)| {
            let xi = x.row(i);
            let xi = xi.as_slice().expect("input rows are contiguous");
            for (j, d) in row.iter_mut().enumerate() {
                let xj = x.row(j);
                let xj = xj.as_slice().expect("input rows are contiguous");
                let distance = match metric {
                    Metric::Euclidean => embviz_core::distance::squared_euclidean(xi, xj).sqrt(),
                    other => other.distance(xi, xj),
                };
                *d = affinity_distance(metric, distance);
            }
        });
    let conditional = conditional_probabilities(distances.view(), perplexity, true);
    let c = &conditional.p;
    let mut joint = Array2::<f64>::zeros((n, n));
    let mut total = 0.0;
    for i in 0..n {
        for j in 0..n {
            let value = c[[i, j]] + c[[j, i]];
            joint[[i, j]] = value;
            total += value;
        }
    }
    let total = total.max(MIN_JOINT);
    for ((i, j), value) in joint.indexed_iter_mut() {
        *value = if i == j {
            0.0
        } else {
            (*value / total).max(MIN_JOINT)
        };
    }
    (joint, conditional)
}

/// Symmetric joint probabilities over nearest neighbours, stored as compressed sparse rows.
///
/// Row `i` lists every `j` that is among the neighbours of `i` or has `i` among its own,
/// in increasing order, with `P_ij = (p(j|i) + p(i|j)) / sum`. The values sum to 1.
#[derive(Debug, Clone, PartialEq)]
pub struct SparseAffinities {
    indptr: Vec<usize>,
    indices: Vec<usize>,
    values: Vec<f64>,
}

impl SparseAffinities {
    /// Returns the number of rows.
    pub fn n_rows(&self) -> usize {
        self.indptr.len() - 1
    }

    /// Returns the column indices and values of row `i`.
    pub fn row(&self, i: usize) -> (&[usize], &[f64]) {
        let range = self.indptr[i]..self.indptr[i + 1];
        (&self.indices[range.clone()], &self.values[range])
    }

    /// Returns the number of stored entries.
    pub fn nnz(&self) -> usize {
        self.values.len()
    }

    /// Returns the sum of all entries.
    pub fn sum(&self) -> f64 {
        self.values.iter().sum()
    }

    /// Returns the dense matrix, for tests and small inputs.
    pub fn to_dense(&self) -> Array2<f64> {
        let n = self.n_rows();
        let mut dense = Array2::zeros((n, n));
        for i in 0..n {
            let (columns, values) = self.row(i);
            for (&j, &v) in columns.iter().zip(values) {
                dense[[i, j]] = v;
            }
        }
        dense
    }
}

/// Builds the symmetric joint probabilities of the Barnes-Hut method from the neighbour
/// lists `indices` (row `i` lists the neighbours of `i`, itself excluded) and the
/// affinity distances to them (see [`conditional_probabilities`]).
pub fn joint_probabilities_nn(
    indices: ArrayView2<'_, usize>,
    distances: ArrayView2<'_, f32>,
    perplexity: f64,
) -> (SparseAffinities, ConditionalProbabilities) {
    let conditional = conditional_probabilities(distances, perplexity, false);
    let n = indices.nrows();

    // Each neighbour pair contributes p(j|i) at (i, j) and at (j, i); sorting the entries
    // by position and adding equal positions gives C + C^T with sorted rows.
    let mut entries: Vec<(usize, usize, f64)> = Vec::with_capacity(2 * indices.len());
    for ((i, k), &j) in indices.indexed_iter() {
        let value = conditional.p[[i, k]];
        entries.push((i, j, value));
        entries.push((j, i, value));
    }
    entries.par_sort_unstable_by_key(|&(i, j, _)| (i, j));

    let mut indptr = vec![0_usize; n + 1];
    let mut columns = Vec::with_capacity(entries.len());
    let mut values: Vec<f64> = Vec::with_capacity(entries.len());
    let mut last: Option<(usize, usize)> = None;
    for (i, j, value) in entries {
        if last == Some((i, j)) {
            if let Some(previous) = values.last_mut() {
                *previous += value;
            }
            continue;
        }
        last = Some((i, j));
        indptr[i + 1] += 1;
        columns.push(j);
        values.push(value);
    }
    for i in 0..n {
        indptr[i + 1] += indptr[i];
    }
    let total: f64 = values.iter().sum::<f64>().max(MIN_JOINT);
    for value in &mut values {
        *value /= total;
    }
    (
        SparseAffinities {
            indptr,
            indices: columns,
            values,
        },
        conditional,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;
    use ndarray::array;

    #[test]
    fn rows_reach_target_entropy() {
        let d = array![[1.0_f32, 2.0, 3.0, 4.0, 5.0], [0.5, 0.5, 2.0, 8.0, 9.0]];
        let c = conditional_probabilities(d.view(), 3.0, false);
        for i in 0..2 {
            assert_relative_eq!(c.p.row(i).sum(), 1.0, epsilon = 1e-12);
            assert!((c.entropies[i] - 3.0_f64.ln()).abs() <= 1e-5);
        }
        assert_eq!(c.n_not_converged, 0);
    }

    #[test]
    fn diagonal_is_skipped() {
        let d = array![[0.0_f32, 1.0, 4.0], [1.0, 0.0, 2.0], [4.0, 2.0, 0.0]];
        let c = conditional_probabilities(d.view(), 1.5, true);
        for i in 0..3 {
            assert_eq!(c.p[[i, i]], 0.0);
            assert_relative_eq!(c.p.row(i).sum(), 1.0, epsilon = 1e-12);
        }
    }

    #[test]
    fn sparse_joint_is_symmetric_and_normalised() {
        let indices = array![[1_usize, 2], [0, 2], [1, 3], [2, 1]];
        let distances = array![[1.0_f32, 4.0], [1.0, 1.0], [1.0, 1.0], [1.0, 1.0]];
        let (p, _) = joint_probabilities_nn(indices.view(), distances.view(), 1.5);
        let dense = p.to_dense();
        assert_relative_eq!(p.sum(), 1.0, epsilon = 1e-12);
        for i in 0..4 {
            assert_eq!(dense[[i, i]], 0.0);
            for j in 0..4 {
                assert_relative_eq!(dense[[i, j]], dense[[j, i]], epsilon = 1e-15);
            }
        }
        // 0 and 3 are neither neighbours of each other.
        assert_eq!(dense[[0, 3]], 0.0);
        let (columns, _) = p.row(2);
        assert_eq!(columns, &[0, 1, 3]);
    }
}
