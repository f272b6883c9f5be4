//! The PCA parameters and `fit`.

use std::time::Instant;

use embviz_core::{Error, Float, Matrix, Result, validate};
use faer::Par;
use ndarray::{Array1, Array2};

use super::decompose::{self, CentredData, Method};
use super::model::FittedPca;

/// Principal component analysis: projects data on the directions of largest variance.
///
/// `fit` centres the data on its column means and computes its principal axes exactly. Data
/// with at most 1000 features and at least 10 times as many samples as features goes through
/// the eigendecomposition of its covariance matrix, and other data through the thin SVD of the
/// centred data. Both run in `f64`, also for `f32` input. The method is that of Pearson (1901), "On lines and
/// planes of closest fit to systems of points in space", and Hotelling (1933), "Analysis of a
/// complex of statistical variables into principal components".
///
/// This is scikit-learn's `PCA(n_components, svd_solver="full")`, with the same fitted values:
/// the variances use `ddof = 1`, and each component has its entry of largest magnitude
/// positive, which is the sign rule of scikit-learn's PCA (checked against 1.9.1). Differences:
///
/// - `n_components` defaults to 2, where scikit-learn keeps all `min(n_samples, n_features)`
///   components, and it takes only a count, not a variance fraction or `"mle"`.
/// - On constant data the explained variance ratio is 0, where scikit-learn divides 0 by 0 and
///   returns NaN. A warning is logged.
///
/// # Example
///
/// ```
/// use embviz_reduction::pca::Pca;
/// use ndarray::array;
///
/// // Points along the line y = 2x, plus a little noise across it.
/// let x = array![[0.0_f64, 0.1], [1.0, 1.9], [2.0, 4.1], [3.0, 5.9]];
/// let pca = Pca::new(1).fit(&x)?;
/// let axis = pca.components().row(0);
/// assert!((axis[1] / axis[0] - 2.0).abs() < 0.05);
/// assert!(axis[1] > 0.0); // the entry of largest magnitude is positive
/// assert!(pca.explained_variance_ratio()[0] > 0.99);
/// # Ok::<(), embviz_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Pca {
    n_components: usize,
}

impl Default for Pca {
    fn default() -> Self {
        Self { n_components: 2 }
    }
}

impl Pca {
    /// Creates PCA parameters that keep `n_components` components.
    pub fn new(n_components: usize) -> Self {
        Self { n_components }
    }

    /// Sets the number of components to keep, from 1 to `min(n_samples, n_features)` of the
    /// data passed to `fit`. Default: 2.
    #[must_use]
    pub fn n_components(self, n: usize) -> Self {
        Self { n_components: n }
    }

    /// Fits the principal axes of `x`, one row per sample.
    ///
    /// # Errors
    ///
    /// - [`Error::InvalidParameter`] named `n_components` when it is 0 or above
    ///   `min(n_samples, n_features)`.
    /// - [`Error::RaggedRows`], [`Error::EmptyInput`] or [`Error::NonFinite`] for invalid `x`.
    /// - [`Error::TooFewSamples`] when `x` has a single row.
    /// - [`Error::NoConvergence`] when neither the SVD nor the covariance eigendecomposition
    ///   converges, which no known finite input triggers.
    pub fn fit<F: Float>(&self, x: &impl Matrix<F>) -> Result<FittedPca<F>> {
        let (fitted, _) = self.fit_centred(x)?;
        Ok(fitted)
    }

    /// Fits the principal axes of `x` and returns the coordinates of its rows on them, an
    /// `n_samples × n_components` array.
    ///
    /// # Errors
    ///
    /// As [`Pca::fit`].
    pub fn fit_transform<F: Float>(&self, x: &impl Matrix<F>) -> Result<Array2<F>> {
        let (fitted, centred) = self.fit_centred(x)?;
        let projected = crate::faer_pool::isolated(|| {
            decompose::project(
                decompose::as_faer(&centred.values),
                fitted.components_f64(),
                Par::rayon(0),
            )
        });
        // The centred data was multiplied by `scale`. Its reciprocal is also a power of two, so
        // undoing the scaling is exact.
        let unscale = centred.scale.recip();
        Ok(Array2::from_shape_fn(
            (projected.nrows(), projected.ncols()),
            |(i, j)| F::from_f64_lossy(projected[(i, j)] * unscale),
        ))
    }

    /// Validates the parameters and `x`, then fits, returning the centred data as well for
    /// `fit_transform`.
    fn fit_centred<F: Float>(&self, x: &impl Matrix<F>) -> Result<(FittedPca<F>, CentredData)> {
        let (n_rows, n_cols) = x.shape();
        if self.n_components == 0 {
            return Err(self.n_components_error(n_rows.min(n_cols)));
        }
        let rows = validate::input_matrix("X", x)?;
        validate::min_rows(
            "X",
            &rows.view(),
            2,
            "the variances divide by n_samples - 1 (ddof = 1)",
        )?;
        let (n_samples, n_features) = rows.dim();
        let max_components = n_samples.min(n_features);
        if self.n_components > max_components {
            return Err(self.n_components_error(max_components));
        }

        let start = Instant::now();
        let method = Method::for_shape(n_samples, n_features);
        log::debug!(
            "PCA on {n_samples} x {n_features}: {method} ({})",
            match method {
                Method::CovarianceEigh =>
                    "at least 10 samples per feature and at most 1000 features",
                Method::Svd => "fewer than 10 samples per feature or more than 1000 features",
            }
        );
        let centred = decompose::centre(rows.view());
        drop(rows);
        let axes = crate::faer_pool::isolated(|| {
            decompose::principal_axes(decompose::as_faer(&centred.values), method, Par::rayon(0))
        })?;
        let fitted = self.fitted_model(&centred, axes);
        log::info!(
            "PCA fitted {n_samples} x {n_features} to {} components in {:.1} ms",
            self.n_components,
            start.elapsed().as_secs_f64() * 1e3
        );
        Ok((fitted, centred))
    }

    /// Keeps the first `n_components` axes and undoes the scaling of the centred data.
    fn fitted_model<F: Float>(&self, centred: &CentredData, axes: decompose::Axes) -> FittedPca<F> {
        let k = self.n_components;
        let n_samples = centred.values.nrows();
        let squared = &axes.squared_singular_values;
        let total: f64 = squared.iter().sum();
        if total == 0.0 {
            log::warn!(
                "PCA: every column of X is constant, so the total variance is 0 and the \
                 explained variance ratios are set to 0"
            );
        }

        // `squared` contains the squared singular values of the scaled data, so each is off by
        // scale², which the ratio cancels. Dividing by `scale` twice, rather than by scale²,
        // keeps the intermediate in range when scale² itself is not.
        let scale = centred.scale;
        let ddof_denominator = (n_samples - 1) as f64;
        let explained_variance: Array1<f64> = squared[..k]
            .iter()
            .map(|s2| s2 / scale / scale / ddof_denominator)
            .collect();
        let explained_variance_ratio: Array1<f64> = squared[..k]
            .iter()
            .map(|s2| if total > 0.0 { s2 / total } else { 0.0 })
            .collect();
        let singular_values: Array1<f64> =
            squared[..k].iter().map(|s2| s2.sqrt() / scale).collect();
        let components = axes.components.slice(ndarray::s![..k, ..]).to_owned();
        FittedPca::new(
            components,
            explained_variance,
            explained_variance_ratio,
            singular_values,
            centred.mean.clone(),
        )
    }

    fn n_components_error(&self, max_components: usize) -> Error {
        let range = format!("must be between 1 and min(n_samples, n_features) = {max_components}");
        let expected = if self.n_components == 0 {
            range
        } else {
            format!("{range}, so lower it or pass more rows and columns")
        };
        Error::invalid_parameter("n_components", self.n_components, expected)
    }
}
