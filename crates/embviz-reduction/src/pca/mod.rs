//! Principal component analysis.
//!
//! [`Pca`] contains the parameters, [`FittedPca`] the fitted model, and
//! [`pca_fit_transform_view`] is the one-call form for other algorithms, such as the PCA
//! initialisation of t-SNE. The results match scikit-learn's `PCA(svd_solver="full")`,
//! including the signs of the components.
//!
//! References: K. Pearson (1901), "On lines and planes of closest fit to systems of points in
//! space", Philosophical Magazine 2(11). H. Hotelling (1933), "Analysis of a complex of
//! statistical variables into principal components", Journal of Educational Psychology 24(6).

mod decompose;
mod model;
mod params;

use embviz_core::{Float, Result};
use ndarray::{Array2, ArrayView2};

pub use model::FittedPca;
pub use params::Pca;

/// Fits PCA with `n_components` components on `x` and returns the coordinates of its rows,
/// an `n_samples × n_components` array. This is `Pca::new(n_components).fit_transform(&x)`
/// for callers that hold a view in any memory layout.
///
/// # Errors
///
/// As [`Pca::fit`].
///
/// # Example
///
/// ```
/// use embviz_reduction::pca::pca_fit_transform_view;
/// use ndarray::array;
///
/// let x = array![[1.0_f64, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 3.0], [1.0, 1.0, 1.0]];
/// let y = pca_fit_transform_view(x.view(), 2)?;
/// assert_eq!(y.dim(), (4, 2));
/// // The coordinates are centred, like the data they come from.
/// assert!(y.column(0).sum().abs() < 1e-12);
/// # Ok::<(), embviz_core::Error>(())
/// ```
pub fn pca_fit_transform_view<F: Float>(
    x: ArrayView2<'_, F>,
    n_components: usize,
) -> Result<Array2<F>> {
    Pca::new(n_components).fit_transform(&x)
}
