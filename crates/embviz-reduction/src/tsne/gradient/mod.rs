//! Gradients of the t-SNE objective, exact and Barnes-Hut.
//!
//! With `P` the input affinities, `w_ij = (1 + |y_i - y_j|^2 / a)^(-(a + 1) / 2)` the
//! Student-t kernel with `a` degrees of freedom, `Z = sum_{k != l} w_kl` and
//! `q_ij = w_ij / Z`, the objective and its gradient are
//!
//! ```text
//! KL(P || Q) = sum_{i != j} P_ij ln(P_ij / q_ij)
//! dKL/dy_i   = (2 (a + 1) / a) sum_j (e P_ij - q_ij) u_ij (y_i - y_j),   u_ij = (1 + |y_i - y_j|^2 / a)^(-1)
//! ```
//!
//! where `e` is the early exaggeration factor. For `a = 1` (two components) `u = w`, and this
//! is the gradient of van der Maaten & Hinton (2008). The KL divergence returned is always
//! that of the unexaggerated `P`.

mod barnes_hut;
mod exact;

pub(super) use barnes_hut::BarnesHutGradient;
pub(super) use exact::ExactGradient;

use ndarray::{Array2, ArrayView2};

/// Smallest probability used inside a logarithm, so that `ln` never receives zero.
const MIN_PROBABILITY: f64 = f64::MIN_POSITIVE;

/// A way to compute the gradient of the t-SNE objective at a map.
pub(super) trait Gradient: Sync {
    /// Writes the gradient at `y` into `gradient` (same shape), with the affinities
    /// multiplied by `exaggeration`, and returns the KL divergence when `compute_error`.
    fn compute(
        &self,
        y: ArrayView2<'_, f64>,
        exaggeration: f64,
        gradient: &mut Array2<f64>,
        compute_error: bool,
    ) -> Option<f64>;
}

/// The Student-t kernel with `dof` degrees of freedom.
#[derive(Debug, Clone, Copy)]
pub(super) struct Kernel {
    dof: f64,
}

impl Kernel {
    /// Creates the kernel; scikit-learn uses `max(n_components - 1, 1)` degrees of freedom.
    pub(super) fn for_components(n_components: usize) -> Self {
        Self {
            dof: n_components.saturating_sub(1).max(1) as f64,
        }
    }

    /// Returns `(w, u)` for a squared distance: the kernel value and the factor of the
    /// gradient, equal when there is one degree of freedom.
    #[inline]
    pub(super) fn weights(self, squared_distance: f64) -> (f64, f64) {
        if self.dof == 1.0 {
            let u = 1.0 / (1.0 + squared_distance);
            (u, u)
        } else {
            let u = 1.0 / (1.0 + squared_distance / self.dof);
            (u.powf((self.dof + 1.0) / 2.0), u)
        }
    }

    /// Returns the constant factor `2 (a + 1) / a` of the gradient.
    pub(super) fn gradient_scale(self) -> f64 {
        2.0 * (self.dof + 1.0) / self.dof
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tsne::affinity::{SparseAffinities, joint_probabilities_nn};
    use embviz_core::seed;
    use ndarray::Array2;
    use rand::RngExt;

    fn random_problem(n: usize, dim: usize) -> (Array2<f64>, Array2<f64>) {
        let mut rng = seed::rng(3);
        // The offset keeps distinct points further apart than the tree's duplicate
        // tolerance, below which it treats them as one position.
        let mut y = Array2::from_shape_fn((n, dim), |(i, _)| {
            rng.random_range(-3.0..3.0) + i as f64 * 1e-3
        });
        // Two coincident points, which the tree keeps in one leaf.
        let first = y.row(0).to_owned();
        y.row_mut(1).assign(&first);
        let x = Array2::from_shape_fn((n, 4), |_| rng.random_range(-1.0..1.0));
        (x, y)
    }

    fn all_pairs_affinities(x: &Array2<f64>, perplexity: f64) -> SparseAffinities {
        let n = x.nrows();
        let mut indices = Array2::<usize>::zeros((n, n - 1));
        let mut distances = Array2::<f32>::zeros((n, n - 1));
        for i in 0..n {
            for (k, j) in (0..n).filter(|&j| j != i).enumerate() {
                indices[[i, k]] = j;
                let row_i = x.row(i);
                let row_j = x.row(j);
                distances[[i, k]] = embviz_core::distance::squared_euclidean(
                    row_i.as_slice().expect("standard layout"),
                    row_j.as_slice().expect("standard layout"),
                ) as f32;
            }
        }
        joint_probabilities_nn(indices.view(), distances.view(), perplexity).0
    }

    fn kl(p: &Array2<f64>, y: &Array2<f64>, kernel: Kernel) -> f64 {
        let n = y.nrows();
        let mut w = Array2::<f64>::zeros((n, n));
        for i in 0..n {
            for j in 0..n {
                if i != j {
                    let d2: f64 = (&y.row(i) - &y.row(j)).mapv(|v| v * v).sum();
                    w[[i, j]] = kernel.weights(d2).0;
                }
            }
        }
        let z = w.sum();
        let mut total = 0.0;
        for i in 0..n {
            for j in 0..n {
                if i != j && p[[i, j]] > 0.0 {
                    total += p[[i, j]] * (p[[i, j]] / (w[[i, j]] / z)).ln();
                }
            }
        }
        total
    }

    /// Central finite differences of the KL divergence must match the analytic gradient.
    fn check_against_finite_differences(dim: usize) {
        let (x, y) = random_problem(12, dim);
        let p = all_pairs_affinities(&x, 3.0).to_dense();
        let kernel = Kernel::for_components(dim);
        let exact = ExactGradient::new(p.clone(), dim);
        let mut gradient = Array2::zeros(y.dim());
        let error = exact
            .compute(y.view(), 1.0, &mut gradient, true)
            .expect("error was requested");
        approx::assert_relative_eq!(error, kl(&p, &y, kernel), max_relative = 1e-10);
        let h = 1e-6;
        for i in 0..y.nrows() {
            for d in 0..dim {
                let mut plus = y.clone();
                plus[[i, d]] += h;
                let mut minus = y.clone();
                minus[[i, d]] -= h;
                let numeric = (kl(&p, &plus, kernel) - kl(&p, &minus, kernel)) / (2.0 * h);
                approx::assert_abs_diff_eq!(gradient[[i, d]], numeric, epsilon = 1e-6);
            }
        }
    }

    #[test]
    fn exact_gradient_matches_finite_differences_2d() {
        check_against_finite_differences(2);
    }

    #[test]
    fn exact_gradient_matches_finite_differences_3d() {
        check_against_finite_differences(3);
    }

    #[test]
    fn barnes_hut_with_zero_angle_equals_exact() {
        for dim in 1..=3 {
            let (x, y) = random_problem(30, dim);
            let sparse = all_pairs_affinities(&x, 5.0);
            let exact = ExactGradient::new(sparse.to_dense(), dim);
            let barnes_hut = BarnesHutGradient::new(sparse, dim, 0.0);
            let mut g_exact = Array2::zeros(y.dim());
            let mut g_bh = Array2::zeros(y.dim());
            let kl_exact = exact.compute(y.view(), 4.0, &mut g_exact, true);
            let kl_bh = barnes_hut.compute(y.view(), 4.0, &mut g_bh, true);
            approx::assert_relative_eq!(
                kl_exact.expect("requested"),
                kl_bh.expect("requested"),
                max_relative = 1e-9
            );
            for (a, b) in g_exact.iter().zip(&g_bh) {
                approx::assert_abs_diff_eq!(a, b, epsilon = 1e-10);
            }
        }
    }

    #[test]
    fn barnes_hut_approximation_is_close() {
        let (x, y) = random_problem(200, 2);
        let sparse = all_pairs_affinities(&x, 10.0);
        let exact = ExactGradient::new(sparse.to_dense(), 2);
        let barnes_hut = BarnesHutGradient::new(sparse, 2, 0.5);
        let mut g_exact = Array2::zeros(y.dim());
        let mut g_bh = Array2::zeros(y.dim());
        exact.compute(y.view(), 1.0, &mut g_exact, false);
        barnes_hut.compute(y.view(), 1.0, &mut g_bh, false);
        let error = (&g_exact - &g_bh).mapv(|v| v * v).sum().sqrt();
        let norm = g_exact.mapv(|v| v * v).sum().sqrt();
        assert!(error / norm < 0.05, "relative error {}", error / norm);
    }
}
