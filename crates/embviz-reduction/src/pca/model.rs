//! The fitted PCA model: its attributes, `transform` and `inverse_transform`.

use embviz_core::{Error, Float, Matrix, Result, validate};
use faer::linalg::matmul::matmul;
use faer::{Accum, Mat, Par};
use ndarray::{Array1, Array2, ArrayView2};

use super::decompose;

/// A PCA model fitted by [`Pca::fit`](super::Pca::fit): the mean of the training data and
/// its first `n_components` principal axes.
///
/// The attributes carry scikit-learn's names without the trailing underscore. `transform`
/// and `inverse_transform` compute in `f64`, also for an `f32` model.
///
/// # Example
///
/// ```
/// use embviz_reduction::pca::Pca;
/// use ndarray::array;
///
/// let x = array![[2.0_f32, 0.0], [0.0, 1.0], [-2.0, 0.0], [0.0, -1.0]];
/// let pca = Pca::new(2).fit(&x)?;
/// assert_eq!(pca.components().dim(), (2, 2));
/// // Variances with ddof = 1: (4 + 4) / 3 along the first axis, (1 + 1) / 3 along the second.
/// assert!((pca.explained_variance()[0] - 8.0 / 3.0).abs() < 1e-6);
/// assert!((pca.explained_variance_ratio()[1] - 0.2).abs() < 1e-6);
/// let y = pca.transform(&array![[1.0_f32, 1.0]])?;
/// assert!((y[[0, 0]] - 1.0).abs() < 1e-6 && (y[[0, 1]] - 1.0).abs() < 1e-6);
/// # Ok::<(), embviz_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct FittedPca<F> {
    components: Array2<F>,
    explained_variance: Array1<F>,
    explained_variance_ratio: Array1<F>,
    singular_values: Array1<F>,
    mean: Array1<F>,
    /// `f64` copies of `components` and `mean`, so that `transform` and `inverse_transform` of
    /// an `f32` model do not round the axes to `f32` first.
    components_f64: Array2<f64>,
    mean_f64: Array1<f64>,
}

impl<F: Float> FittedPca<F> {
    pub(super) fn new(
        components: Array2<f64>,
        explained_variance: Array1<f64>,
        explained_variance_ratio: Array1<f64>,
        singular_values: Array1<f64>,
        mean: Array1<f64>,
    ) -> Self {
        Self {
            components: components.mapv(F::from_f64_lossy),
            explained_variance: explained_variance.mapv(F::from_f64_lossy),
            explained_variance_ratio: explained_variance_ratio.mapv(F::from_f64_lossy),
            singular_values: singular_values.mapv(F::from_f64_lossy),
            mean: mean.mapv(F::from_f64_lossy),
            components_f64: components,
            mean_f64: mean,
        }
    }

    pub(super) fn components_f64(&self) -> &Array2<f64> {
        &self.components_f64
    }

    /// Returns the principal axes, an `n_components × n_features` array of orthonormal rows by
    /// decreasing explained variance. Each row has its entry of largest magnitude positive.
    #[doc(alias = "components_")]
    pub fn components(&self) -> &Array2<F> {
        &self.components
    }

    /// Returns the variance of the training data along each axis, with `ddof = 1`: the
    /// eigenvalues of its covariance matrix, decreasing.
    #[doc(alias = "explained_variance_")]
    pub fn explained_variance(&self) -> &Array1<F> {
        &self.explained_variance
    }

    /// Returns the fraction of the total variance of the training data along each axis. The
    /// total counts every axis, also those not kept, so the sum is at most 1.
    #[doc(alias = "explained_variance_ratio_")]
    pub fn explained_variance_ratio(&self) -> &Array1<F> {
        &self.explained_variance_ratio
    }

    /// Returns the singular values of the centred training data for the kept axes, which are
    /// the 2-norms of the columns of `fit_transform`'s output.
    #[doc(alias = "singular_values_")]
    pub fn singular_values(&self) -> &Array1<F> {
        &self.singular_values
    }

    /// Returns the column means of the training data, subtracted before projecting.
    #[doc(alias = "mean_")]
    pub fn mean(&self) -> &Array1<F> {
        &self.mean
    }

    /// Returns the number of components kept.
    #[doc(alias = "n_components_")]
    pub fn n_components(&self) -> usize {
        self.components.nrows()
    }

    /// Returns the number of features of the training data.
    #[doc(alias = "n_features_in_")]
    pub fn n_features(&self) -> usize {
        self.components.ncols()
    }

    /// Projects the rows of `x` on the principal axes, an `n_samples × n_components` array:
    /// `(x − mean) · componentsᵀ`.
    ///
    /// # Errors
    ///
    /// - [`Error::RaggedRows`], [`Error::EmptyInput`] or [`Error::NonFinite`] for invalid `x`.
    /// - [`Error::ShapeMismatch`] when `x` has a different number of columns from the training
    ///   data.
    pub fn transform(&self, x: &impl Matrix<F>) -> Result<Array2<F>> {
        let rows = validate::input_matrix("X", x)?;
        validate::n_columns("X", &rows.view(), self.n_features())?;
        let centred = centre_on(rows.view(), &self.mean_f64);
        let projected = crate::faer_pool::isolated(|| {
            decompose::project(centred.as_ref(), &self.components_f64, Par::rayon(0))
        });
        Ok(to_array(&projected))
    }

    /// Maps coordinates on the principal axes back to the input space: `y · components + mean`.
    /// With all `min(n_samples, n_features)` components kept, this recovers the training data
    /// up to rounding.
    ///
    /// # Errors
    ///
    /// - [`Error::RaggedRows`], [`Error::EmptyInput`] or [`Error::NonFinite`] for invalid `y`.
    /// - [`Error::ShapeMismatch`] when `y` does not have `n_components` columns.
    pub fn inverse_transform(&self, y: &impl Matrix<F>) -> Result<Array2<F>> {
        let rows = validate::input_matrix("Y", y)?;
        if rows.ncols() != self.n_components() {
            return Err(Error::ShapeMismatch {
                what: "Y",
                expected: format!("{} columns, one per component", self.n_components()),
                found: format!("{} columns", rows.ncols()),
            });
        }
        let coordinates = Mat::from_fn(rows.nrows(), rows.ncols(), |i, j| {
            rows[[i, j]].to_f64_exact()
        });
        let mut reconstructed =
            Mat::from_fn(rows.nrows(), self.n_features(), |_, j| self.mean_f64[j]);
        crate::faer_pool::isolated(|| {
            matmul(
                reconstructed.as_mut(),
                Accum::Add,
                coordinates.as_ref(),
                decompose::as_faer(&self.components_f64),
                1.0,
                Par::rayon(0),
            );
        });
        Ok(to_array(&reconstructed))
    }
}

/// Returns `x − mean` in `f64`.
fn centre_on<F: Float>(x: ArrayView2<'_, F>, mean: &Array1<f64>) -> Mat<f64> {
    Mat::from_fn(x.nrows(), x.ncols(), |i, j| {
        x[[i, j]].to_f64_exact() - mean[j]
    })
}

fn to_array<F: Float>(values: &Mat<f64>) -> Array2<F> {
    Array2::from_shape_fn((values.nrows(), values.ncols()), |(i, j)| {
        F::from_f64_lossy(values[(i, j)])
    })
}
