//! Centring and the exact decomposition of the centred data, in `f64`.
//!
//! Two routes give the same principal axes. The thin SVD of the centred data `Xc` is what
//! scikit-learn's `svd_solver="full"` computes. The eigendecomposition of `Xcᵀ Xc` is its
//! `"covariance_eigh"` solver: cheaper when there are many more samples than features, but the
//! condition number is squared, so only the leading axes keep full relative accuracy.

use std::fmt;

use embviz_core::{Error, Float, Result};
use faer::diag::Diag;
use faer::dyn_stack::{MemBuffer, MemStack};
use faer::linalg::evd::{self, ComputeEigenvectors};
use faer::linalg::matmul::matmul;
use faer::linalg::matmul::triangular::{self, BlockStructure};
use faer::linalg::svd::{self, ComputeSvdVectors};
use faer::{Accum, Mat, MatRef, Par};
use ndarray::{Array1, Array2, ArrayView2};

/// Data wider than this always goes through the SVD, as in scikit-learn's `svd_solver="auto"`
/// (1.5 and later), because the covariance matrix grows with the square of the width.
const MAX_FEATURES_FOR_COVARIANCE: usize = 1_000;

/// Data needs at least this many samples per feature before the covariance route is taken, the
/// ratio scikit-learn's `svd_solver="auto"` (1.5 and later) uses.
const MIN_SAMPLES_PER_FEATURE_FOR_COVARIANCE: usize = 10;

/// Parallelism of the SVD and the eigendecomposition. faer's parallel versions round
/// differently with different thread counts (seen with 1 and 4 threads in faer 0.24.4), and
/// embviz output must not depend on the thread count, so they run on one thread. The
/// matrix products, whose results did not change with the thread count, take the caller's
/// `Par`.
const DECOMPOSITION_PAR: Par = Par::Seq;

/// Bound on the binary exponent of the scale factor, so that the factor itself stays a normal
/// `f64` (normal numbers reach 2^1023 and 2^-1022).
const MAX_SCALE_EXPONENT: i32 = 1_000;

/// The way the principal axes are computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Method {
    /// Thin SVD of the centred data.
    Svd,
    /// Eigendecomposition of the scatter matrix `Xcᵀ Xc`.
    CovarianceEigh,
}

impl Method {
    /// Picks the covariance route for tall, narrow data, where forming the `d × d` scatter
    /// matrix costs less than the SVD of the `n × d` data, by scikit-learn's rule: at most 1000
    /// features and at least 10 samples per feature.
    pub(super) fn for_shape(n_samples: usize, n_features: usize) -> Self {
        let narrow = n_features <= MAX_FEATURES_FOR_COVARIANCE;
        let tall = n_samples >= MIN_SAMPLES_PER_FEATURE_FOR_COVARIANCE.saturating_mul(n_features);
        if narrow && tall {
            Self::CovarianceEigh
        } else {
            Self::Svd
        }
    }

    fn other(self) -> Self {
        match self {
            Self::Svd => Self::CovarianceEigh,
            Self::CovarianceEigh => Self::Svd,
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Svd => f.write_str("thin SVD of the centred data"),
            Self::CovarianceEigh => f.write_str("eigendecomposition of the covariance matrix"),
        }
    }
}

/// The training data minus its column means, times a power of two.
pub(super) struct CentredData {
    /// `(x − mean) · scale`, one row per sample, in standard layout.
    pub(super) values: Array2<f64>,
    /// Column means of the input.
    pub(super) mean: Array1<f64>,
    /// Power of two that brings the largest `|x − mean|` into `[1, 2)`, so that the squares
    /// summed by the decomposition neither overflow nor underflow, as LAPACK's drivers scale
    /// their input near the overflow and underflow limits. A power of two only shifts exponents, so it adds no rounding error. The
    /// value is 1 for constant data.
    pub(super) scale: f64,
}

/// Centres `x` on its column means, computed in `f64` in row order, and scales the result.
pub(super) fn centre<F: Float>(x: ArrayView2<'_, F>) -> CentredData {
    let n_samples = x.nrows();
    let mut sums = Array1::<f64>::zeros(x.ncols());
    for row in x.outer_iter() {
        for (sum, value) in sums.iter_mut().zip(row) {
            *sum += value.to_f64_exact();
        }
    }
    // The caller has checked that there are at least two rows, so the division is defined.
    let mean = sums / n_samples as f64;

    // `zeros` allocates in standard layout, which `as_faer` relies on.
    let mut values = Array2::<f64>::zeros(x.raw_dim());
    for (mut centred_row, row) in values.outer_iter_mut().zip(x.outer_iter()) {
        for ((centred, value), mean) in centred_row.iter_mut().zip(row).zip(&mean) {
            *centred = value.to_f64_exact() - mean;
        }
    }
    let max_abs = values
        .iter()
        .fold(0.0_f64, |max, value| max.max(value.abs()));
    let scale = if max_abs > 0.0 {
        // `max_abs` is finite and positive, so its binary exponent fits an i32.
        let exponent =
            (max_abs.log2().floor() as i32).clamp(-MAX_SCALE_EXPONENT, MAX_SCALE_EXPONENT);
        2.0_f64.powi(-exponent)
    } else {
        1.0
    };
    if scale != 1.0 {
        values *= scale;
    }
    CentredData {
        values,
        mean,
        scale,
    }
}

/// Principal axes of the scaled centred data.
pub(super) struct Axes {
    /// The `min(n_samples, n_features)` axes as unit rows, by decreasing variance, each with its
    /// largest-magnitude entry positive.
    pub(super) components: Array2<f64>,
    /// Squared singular values of the scaled centred data, decreasing and non-negative.
    pub(super) squared_singular_values: Vec<f64>,
}

/// Computes all principal axes of `data` with `method`, falling back to the other route when
/// faer's iteration fails to converge.
///
/// # Errors
///
/// [`Error::NoConvergence`] when neither route converges.
pub(super) fn principal_axes(data: MatRef<'_, f64>, method: Method, par: Par) -> Result<Axes> {
    let (n_samples, n_features) = data.shape();
    let mut axes = match run(data, method, par) {
        Ok(axes) => axes,
        Err(NoConvergence) => {
            log::warn!(
                "PCA: the {method} of the {n_samples} x {n_features} data did not converge, \
                 retrying with the {}",
                method.other()
            );
            run(data, method.other(), par).map_err(|NoConvergence| {
                // NOTE: neither faer routine is known to fail on finite data scaled into
                // [1, 2), so no test reaches this branch.
                Error::NoConvergence {
                    routine: "the SVD and the covariance eigendecomposition",
                    what: format!("a {n_samples} x {n_features} matrix"),
                    hint: "check X for extreme or degenerate values",
                }
            })?
        }
    };
    flip_signs(&mut axes.components);
    Ok(axes)
}

/// faer reached its iteration limit.
struct NoConvergence;

fn run(data: MatRef<'_, f64>, method: Method, par: Par) -> Result<Axes, NoConvergence> {
    match method {
        Method::Svd => svd_axes(data),
        Method::CovarianceEigh => covariance_axes(data, par),
    }
}

/// Axes from the right singular vectors of `data`. The left ones are never formed, because
/// they would take as much memory as the data.
fn svd_axes(data: MatRef<'_, f64>) -> Result<Axes, NoConvergence> {
    let (n_samples, n_features) = data.shape();
    let rank_bound = n_samples.min(n_features);
    let mut singular_values = Diag::<f64>::zeros(rank_bound);
    let mut right = Mat::<f64>::zeros(n_features, rank_bound);
    let scratch = svd::svd_scratch::<f64>(
        n_samples,
        n_features,
        ComputeSvdVectors::No,
        ComputeSvdVectors::Thin,
        DECOMPOSITION_PAR,
        Default::default(),
    );
    svd::svd(
        data,
        singular_values.as_mut(),
        None,
        Some(right.as_mut()),
        DECOMPOSITION_PAR,
        MemStack::new(&mut MemBuffer::new(scratch)),
        Default::default(),
    )
    .map_err(|_| NoConvergence)?;

    let components = Array2::from_shape_fn((rank_bound, n_features), |(i, j)| right[(j, i)]);
    let squared_singular_values = singular_values
        .column_vector()
        .iter()
        .map(|s| s * s)
        .collect();
    Ok(Axes {
        components,
        squared_singular_values,
    })
}

/// Axes from the eigenvectors of the scatter matrix `dataᵀ data`, whose eigenvalues are the
/// squared singular values of `data`.
fn covariance_axes(data: MatRef<'_, f64>, par: Par) -> Result<Axes, NoConvergence> {
    // Only the lower triangle is formed, half the work of the full product, because the
    // eigendecomposition reads no other part.
    let n_features = data.ncols();
    let mut scatter = Mat::<f64>::zeros(n_features, n_features);
    triangular::matmul(
        scatter.as_mut(),
        BlockStructure::TriangularLower,
        Accum::Replace,
        data.transpose(),
        BlockStructure::Rectangular,
        data,
        BlockStructure::Rectangular,
        1.0,
        par,
    );
    let mut eigenvalues = Diag::<f64>::zeros(n_features);
    let mut eigenvectors = Mat::<f64>::zeros(n_features, n_features);
    let scratch = evd::self_adjoint_evd_scratch::<f64>(
        n_features,
        ComputeEigenvectors::Yes,
        DECOMPOSITION_PAR,
        Default::default(),
    );
    evd::self_adjoint_evd(
        scatter.as_ref(),
        eigenvalues.as_mut(),
        Some(eigenvectors.as_mut()),
        DECOMPOSITION_PAR,
        MemStack::new(&mut MemBuffer::new(scratch)),
        Default::default(),
    )
    .map_err(|_| NoConvergence)?;

    // faer returns the eigenvalues in increasing order, PCA wants them decreasing. The
    // smallest can come out slightly negative through rounding, and a variance cannot. With
    // fewer samples than features, only the first n_samples axes can carry variance.
    let last = n_features - 1;
    let rank_bound = data.nrows().min(n_features);
    let components = Array2::from_shape_fn((rank_bound, n_features), |(i, j)| {
        eigenvectors[(j, last - i)]
    });
    let eigenvalues = eigenvalues.column_vector();
    let squared_singular_values = (0..rank_bound)
        .map(|i| eigenvalues[last - i].max(0.0))
        .collect();
    Ok(Axes {
        components,
        squared_singular_values,
    })
}

/// Flips each row so that its entry of largest magnitude is positive, the first such entry
/// on ties. This is what scikit-learn's PCA does with `svd_flip(U, Vt, u_based_decision=False)`
/// (read in 1.9.1), so signs match scikit-learn whichever route computed the axes.
pub(super) fn flip_signs(components: &mut Array2<f64>) {
    for mut row in components.outer_iter_mut() {
        let mut largest = 0.0_f64;
        for &value in &row {
            if value.abs() > largest.abs() {
                largest = value;
            }
        }
        if largest < 0.0 {
            row.mapv_inplace(|value| -value);
        }
    }
}

/// Returns `data · componentsᵀ`, the coordinates of the rows of `data` on each axis.
pub(super) fn project(data: MatRef<'_, f64>, components: &Array2<f64>, par: Par) -> Mat<f64> {
    let mut projected = Mat::<f64>::zeros(data.nrows(), components.nrows());
    matmul(
        projected.as_mut(),
        Accum::Replace,
        data,
        as_faer(components).transpose(),
        1.0,
        par,
    );
    projected
}

/// Views an `f64` array built by this module as a faer matrix, without a copy.
pub(super) fn as_faer(array: &Array2<f64>) -> MatRef<'_, f64> {
    let (n_rows, n_cols) = array.dim();
    let values = array
        .as_slice()
        .expect("arrays built by the PCA module are in standard layout");
    MatRef::from_row_major_slice(values, n_rows, n_cols)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    fn seq() -> Par {
        Par::Seq
    }

    #[test]
    fn method_follows_shape_rule() {
        assert_eq!(Method::for_shape(1797, 64), Method::CovarianceEigh);
        assert_eq!(Method::for_shape(640, 64), Method::CovarianceEigh);
        assert_eq!(Method::for_shape(639, 64), Method::Svd);
        assert_eq!(Method::for_shape(100_000, 1001), Method::Svd);
        assert_eq!(Method::for_shape(10, 100), Method::Svd);
    }

    #[test]
    fn centre_subtracts_column_means() {
        let x = array![[1.0_f32, 10.0], [3.0, 30.0], [5.0, 20.0]];
        let centred = centre(x.view());
        assert_eq!(centred.mean, array![3.0, 20.0]);
        // The largest |x − mean| is 10, whose binary exponent is 3, so the scale is 2^-3.
        assert_eq!(centred.scale, 0.125);
        assert_eq!(
            centred.values,
            array![[-2.0, -10.0], [0.0, 10.0], [2.0, 0.0]] * 0.125
        );
    }

    #[test]
    fn constant_data_keeps_unit_scale() {
        let x = array![[4.0_f64, -1.0], [4.0, -1.0]];
        let centred = centre(x.view());
        assert_eq!(centred.scale, 1.0);
        assert_eq!(centred.values, Array2::<f64>::zeros((2, 2)));
    }

    #[test]
    fn flip_makes_largest_entry_positive() {
        let mut components = array![[0.6, -0.8], [-0.8, -0.6], [0.5, -0.5]];
        flip_signs(&mut components);
        assert_eq!(components, array![[-0.6, 0.8], [0.8, 0.6], [0.5, -0.5]]);
    }

    #[test]
    fn both_routes_agree() {
        // A tall and a wide shape. After centring, the wide one has rank 5, so its sixth axis
        // is arbitrary and only the first four are compared.
        for (n_samples, n_features, compared) in [(40, 5, 5), (6, 9, 4)] {
            let x = Array2::from_shape_fn((n_samples, n_features), |(i, j)| {
                let t = (i * 7 + j * 3) as f64;
                (t * 0.37).sin() * (n_features - j) as f64 + (t * 0.11).cos()
            });
            let centred = centre(x.view());
            let data = as_faer(&centred.values);
            let svd = principal_axes(data, Method::Svd, seq()).expect("converges");
            let eigh = principal_axes(data, Method::CovarianceEigh, seq()).expect("converges");
            let rank_bound = n_samples.min(n_features);
            assert_eq!(svd.components.dim(), (rank_bound, n_features));
            assert_eq!(eigh.components.dim(), (rank_bound, n_features));
            assert_eq!(eigh.squared_singular_values.len(), rank_bound);

            let largest = svd.squared_singular_values[0];
            for (a, b) in svd
                .squared_singular_values
                .iter()
                .zip(&eigh.squared_singular_values)
            {
                assert!((a - b).abs() <= 1e-12 * largest, "{a} vs {b}");
            }
            let svd_leading = svd.components.slice(ndarray::s![..compared, ..]);
            let eigh_leading = eigh.components.slice(ndarray::s![..compared, ..]);
            for (a, b) in svd_leading.iter().zip(&eigh_leading) {
                assert!((a - b).abs() <= 1e-9, "{a} vs {b}");
            }
        }
    }

    #[test]
    fn axes_are_orthonormal() {
        let x = Array2::from_shape_fn((6, 9), |(i, j)| ((i * 9 + j) as f64 * 0.7).sin());
        let centred = centre(x.view());
        let axes = principal_axes(as_faer(&centred.values), Method::Svd, seq()).expect("converges");
        assert_eq!(axes.components.dim(), (6, 9));
        let gram = axes.components.dot(&axes.components.t());
        for i in 0..6 {
            for j in 0..6 {
                let expected = if i == j { 1.0 } else { 0.0 };
                assert!(
                    (gram[[i, j]] - expected).abs() < 1e-12,
                    "gram[{i}, {j}] = {}",
                    gram[[i, j]]
                );
            }
        }
    }
}
