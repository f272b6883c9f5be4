use ndarray::{Array2, ArrayView2, Axis};
use rayon::prelude::*;

use super::{Gradient, Kernel, MIN_PROBABILITY};

/// The exact gradient over all pairs, in O(n^2) time per iteration.
pub(in crate::tsne) struct ExactGradient {
    p: Array2<f64>,
    kernel: Kernel,
}

impl ExactGradient {
    /// Creates the gradient for dense joint probabilities `p` (symmetric, zero diagonal,
    /// summing to 1) and a map of `n_components` dimensions.
    pub(in crate::tsne) fn new(p: Array2<f64>, n_components: usize) -> Self {
        Self {
            p,
            kernel: Kernel::for_components(n_components),
        }
    }
}

fn squared_distance(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
}

impl Gradient for ExactGradient {
    fn compute(
        &self,
        y: ArrayView2<'_, f64>,
        exaggeration: f64,
        gradient: &mut Array2<f64>,
        compute_error: bool,
    ) -> Option<f64> {
        let y = y.as_standard_layout();
        let n = y.nrows();
        let kernel = self.kernel;
        let row = |i: usize| y.row(i).to_slice().expect("standard layout");

        // First pass: the normalisation Z, summed row by row in index order so that the
        // result does not depend on the thread count.
        let row_sums: Vec<f64> = (0..n)
            .into_par_iter()
            .map(|i| {
                (0..n)
                    .filter(|&j| j != i)
                    .map(|j| kernel.weights(squared_distance(row(i), row(j))).0)
                    .sum()
            })
            .collect();
        let z: f64 = row_sums.iter().sum();

        // Second pass: each row's gradient and its share of the divergence.
        let scale = kernel.gradient_scale();
        let errors: Vec<f64> = gradient
            .axis_iter_mut(Axis(0))
            .into_par_iter()
            .enumerate()
            .map(|(i, mut g)| {
                g.fill(0.0);
                let yi = row(i);
                let mut error = 0.0;
                for j in (0..n).filter(|&j| j != i) {
                    let yj = row(j);
                    let (w, u) = kernel.weights(squared_distance(yi, yj));
                    let p = self.p[[i, j]];
                    let q = w / z;
                    let force = (exaggeration * p - q) * u;
                    for (gd, (a, b)) in g.iter_mut().zip(yi.iter().zip(yj)) {
                        *gd += force * (a - b);
                    }
                    if compute_error && p > 0.0 {
                        error += p * (p.max(MIN_PROBABILITY) / q.max(MIN_PROBABILITY)).ln();
                    }
                }
                g.mapv_inplace(|v| v * scale);
                error
            })
            .collect();
        compute_error.then(|| errors.iter().sum())
    }
}
