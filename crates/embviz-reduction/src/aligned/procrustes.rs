//! Procrustes analysis of two point sets with the same rows.

use embviz_core::{Error, Float, Matrix, Result, validate};
use faer::diag::Diag;
use faer::dyn_stack::{MemBuffer, MemStack};
use faer::linalg::svd::{self, ComputeSvdVectors};
use faer::{Mat, Par};
use ndarray::{Array1, Array2, ArrayView2, Axis};

/// Whether the orthogonal map of a Procrustes fit may be a reflection.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Reflection {
    /// Any orthogonal matrix, reflections included, as `scipy.spatial.procrustes` and
    /// `scipy.linalg.orthogonal_procrustes` allow. A mirrored copy of the reference is then
    /// un-mirrored and gets a disparity near 0. Default.
    #[default]
    Allowed,
    /// Proper rotations only (determinant +1), the solution of Kabsch (1976). A mirrored
    /// copy of the reference then keeps a large disparity, so comparing the two choices
    /// detects a mirrored map.
    ///
    /// NOTE: with one column the only rotation is the identity, and the fitted scale is
    /// negative when the two inputs run in opposite directions, which mirrors the line.
    Forbidden,
}

/// The similarity transform (rotation or reflection, uniform scale, translation) that best
/// maps the rows of `moving` onto the rows of `reference`, and how far apart the two shapes
/// remain.
///
/// [`procrustes`] computes it as `scipy.spatial.procrustes` (scipy 1.17) does. Both matrices
/// are centred on their column means and divided by their Frobenius norm. The orthogonal
/// matrix `R` and the scale `s` then minimise
///
/// ```text
/// disparity = sum_ij (A - s B R)_ij^2,   A = standardized reference, B = standardized moving
/// ```
///
/// where `R` comes from the SVD `U S Vᵀ` of the cross-covariance `Bᵀ A` as `R = U Vᵀ`, and
/// `s` is the sum of the singular values. [`Procrustes::disparity`] is scipy's third output,
/// [`Procrustes::standardized_reference`] and [`Procrustes::standardized_moving`] its first
/// two. Because both shapes have unit norm, the disparity lies in `[0, 1]` and does not
/// change when either input is rotated, reflected (with [`Reflection::Allowed`]), scaled or
/// translated.
///
/// The fitted map also works in the original units: [`Procrustes::transform`] applies
///
/// ```text
/// y -> scale * y R + translation
/// ```
///
/// which carries `moving` onto `reference` in `reference`'s own frame. `R` is
/// `scipy.linalg.orthogonal_procrustes(moving_centred, reference_centred)[0]`, and `scale`
/// is the least-squares factor `trace(S) * |reference_centred| / |moving_centred|`, with
/// `S` from the standardised matrices as above. scipy's `procrustes`
/// returns the transpose of this `R`, because it maps `reference` onto `moving`.
///
/// Reference: W. Kabsch (1976), "A solution for the best rotation to relate two sets of
/// vectors", Acta Crystallographica A32. P. H. Schönemann (1966), "A generalized solution of
/// the orthogonal Procrustes problem", Psychometrika 31.
///
/// # Example
///
/// ```
/// use embviz_reduction::aligned::{Reflection, procrustes};
/// use ndarray::array;
///
/// let reference = array![[0.0, 0.0], [1.0, 0.0], [0.0, 2.0], [1.0, 3.0]];
/// // The same shape turned by 90 degrees, doubled and shifted.
/// let moving = array![[5.0, 5.0], [5.0, 7.0], [1.0, 5.0], [-1.0, 7.0]];
/// let fit = procrustes(&reference, &moving, Reflection::Allowed)?;
/// assert!(fit.disparity() < 1e-12);
/// assert!((fit.scale() - 0.5).abs() < 1e-12);
/// let aligned = fit.transform(&moving)?;
/// assert!((&aligned - &reference).iter().all(|d| d.abs() < 1e-12));
/// # Ok::<(), embviz_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Procrustes {
    rotation: Array2<f64>,
    scale: f64,
    translation: Array1<f64>,
    disparity: f64,
    standardized_reference: Array2<f64>,
    standardized_moving: Array2<f64>,
}

impl Procrustes {
    /// Returns the orthogonal matrix `R`, `d x d`, that turns the centred `moving` rows
    /// (as row vectors, `y R`) towards the centred `reference` rows. It is a rotation when
    /// its determinant is +1 and a reflection when it is -1.
    pub fn rotation(&self) -> &Array2<f64> {
        &self.rotation
    }

    /// Returns the factor, in the original units, that scales the rotated `moving` rows to
    /// the size of `reference`: `|reference_centred| / |moving_centred|` times the overlap
    /// of the two shapes.
    pub fn scale(&self) -> f64 {
        self.scale
    }

    /// Returns the row vector added after rotation and scaling, so that the transformed
    /// `moving` has the column means of `reference`.
    pub fn translation(&self) -> &Array1<f64> {
        &self.translation
    }

    /// Returns the sum of squared differences between the standardized reference and the
    /// standardized, rotated and scaled `moving`, scipy's `disparity`. It equals
    /// `1 - t^2`, where `t` is the sum of the (signed, with [`Reflection::Forbidden`])
    /// singular values of the cross-covariance.
    pub fn disparity(&self) -> f64 {
        self.disparity
    }

    /// Returns whether [`Procrustes::rotation`] is a reflection (determinant -1), which
    /// means that `moving` fits `reference` best as a mirror image.
    pub fn is_reflection(&self) -> bool {
        determinant_sign(&self.rotation) < 0.0
    }

    /// Returns `reference` centred and scaled to unit Frobenius norm, scipy's `mtx1`.
    #[doc(alias = "mtx1")]
    pub fn standardized_reference(&self) -> &Array2<f64> {
        &self.standardized_reference
    }

    /// Returns `moving` centred, scaled to unit Frobenius norm, rotated by `R` and scaled by
    /// the overlap of the two shapes, scipy's `mtx2`.
    #[doc(alias = "mtx2")]
    pub fn standardized_moving(&self) -> &Array2<f64> {
        &self.standardized_moving
    }

    /// Applies the fitted map `y -> scale * y R + translation` to the rows of `y`. Applied
    /// to `moving`, it returns the rows of `moving` carried onto `reference`, in the units
    /// and position of `reference`.
    ///
    /// # Errors
    ///
    /// - [`Error::EmptyInput`], [`Error::NonFinite`] or [`Error::RaggedRows`] for bad input.
    /// - [`Error::ShapeMismatch`] when `y` does not have `d` columns, as the fitted inputs.
    pub fn transform<F: Float>(&self, y: &impl Matrix<F>) -> Result<Array2<f64>> {
        let y = validate::input_matrix("y", y)?;
        let y = y.view();
        validate::n_columns("y", &y, self.rotation.nrows())?;
        Ok(self.apply(y.mapv(|v| v.to_f64_exact()).view()))
    }

    /// Applies `y -> scale * y R + translation` to rows already checked and in `f64`.
    pub(super) fn apply(&self, y: ArrayView2<'_, f64>) -> Array2<f64> {
        let mut out = y.dot(&self.rotation);
        out *= self.scale;
        out += &self.translation;
        out
    }
}

/// Fits the Procrustes map of `moving` onto `reference`, with the semantics of
/// `scipy.spatial.procrustes(reference, moving)` when `reflection` is
/// [`Reflection::Allowed`]. See [`Procrustes`] for what is computed.
///
/// Computation is in `f64`. For two columns the optimal rotation and reflection have a
/// closed form. For other widths the map comes from faer's SVD of the `d x d`
/// cross-covariance, run on one thread so the result does not depend on the thread count.
///
/// # Errors
///
/// - [`Error::EmptyInput`], [`Error::NonFinite`] or [`Error::RaggedRows`] for bad input,
///   naming `reference` or `moving`.
/// - [`Error::ShapeMismatch`] when the two shapes differ.
/// - [`Error::InvalidParameter`] (`reference` or `moving`) when all rows of one input are
///   equal, so it has no orientation or size to fit, as scipy's "Input matrices must
///   contain >1 unique points".
/// - [`Error::NoConvergence`] if the SVD fails, which is not known to happen on finite data.
pub fn procrustes<F: Float>(
    reference: &impl Matrix<F>,
    moving: &impl Matrix<F>,
    reflection: Reflection,
) -> Result<Procrustes> {
    let reference = validate::input_matrix("reference", reference)?;
    let moving = validate::input_matrix("moving", moving)?;
    let reference = reference.mapv(|v| v.to_f64_exact());
    let moving = moving.mapv(|v| v.to_f64_exact());
    fit(
        Named::new("reference", reference.view()),
        Named::new("moving", moving.view()),
        reflection,
    )
}

/// A matrix with the name its errors use.
pub(super) struct Named<'a> {
    name: &'static str,
    values: ArrayView2<'a, f64>,
}

impl<'a> Named<'a> {
    pub(super) fn new(name: &'static str, values: ArrayView2<'a, f64>) -> Self {
        Self { name, values }
    }
}

/// Fits the map of `moving` onto `reference`. Both must be finite and non-empty.
pub(super) fn fit(
    reference: Named<'_>,
    moving: Named<'_>,
    reflection: Reflection,
) -> Result<Procrustes> {
    if reference.values.dim() != moving.values.dim() {
        return Err(Error::ShapeMismatch {
            what: moving.name,
            expected: format!(
                "{:?}, the shape of {}, one row per point of it",
                reference.values.dim(),
                reference.name
            ),
            found: format!("{:?}", moving.values.dim()),
        });
    }
    let (reference_mean, reference_centred, reference_norm) = standardize(&reference)?;
    let (moving_mean, moving_centred, moving_norm) = standardize(&moving)?;
    let a = reference_centred / reference_norm;
    let b = moving_centred / moving_norm;

    let cross_covariance = b.t().dot(&a);
    let (rotation, overlap) = orthogonal_map(&cross_covariance, reflection)?;

    let standardized_moving = b.dot(&rotation) * overlap;
    let disparity = (&a - &standardized_moving).mapv(|d| d * d).sum();
    let scale = overlap * reference_norm / moving_norm;
    let translation = &reference_mean - &(moving_mean.dot(&rotation) * scale);
    Ok(Procrustes {
        rotation,
        scale,
        translation,
        disparity,
        standardized_reference: a,
        standardized_moving,
    })
}

/// Returns the column means, the centred matrix and its Frobenius norm.
fn standardize(x: &Named<'_>) -> Result<(Array1<f64>, Array2<f64>, f64)> {
    let mean = x
        .values
        .mean_axis(Axis(0))
        .expect("the caller checked that the matrix has rows");
    let centred = &x.values - &mean;
    let norm = frobenius_norm(&centred);
    if !norm.is_finite() {
        // Centring overflows only for values within a factor 2 of f64::MAX.
        return Err(Error::invalid_parameter(
            x.name,
            "values near the largest f64",
            "must have centred values below f64::MAX (about 1.8e308), so rescale it",
        ));
    }
    if norm == 0.0 {
        let n_rows = x.values.nrows();
        let rows = if n_rows == 1 {
            "1 row".to_owned()
        } else {
            format!("{n_rows} identical rows")
        };
        return Err(Error::invalid_parameter(
            x.name,
            rows,
            "must contain at least two distinct rows, since a single point has no orientation \
             or size to fit",
        ));
    }
    Ok((mean, centred, norm))
}

/// Returns the Frobenius norm, scaled by the largest absolute value first so that squaring
/// cannot overflow for values above about 1e154.
fn frobenius_norm(x: &Array2<f64>) -> f64 {
    let largest = x.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
    if largest == 0.0 {
        return 0.0;
    }
    largest
        * x.iter()
            .map(|v| (v / largest) * (v / largest))
            .sum::<f64>()
            .sqrt()
}

/// Returns the orthogonal `R` that maximises `trace(Rᵀ M)` for the cross-covariance `M`,
/// and that maximum.
fn orthogonal_map(m: &Array2<f64>, reflection: Reflection) -> Result<(Array2<f64>, f64)> {
    if m.nrows() == 2 {
        return Ok(orthogonal_map_2d(m, reflection));
    }
    orthogonal_map_svd(m, reflection)
}

/// Returns the map for two columns in closed form. Writing `M = [[a, b], [c, d]]`, the
/// rotation by the angle `t` gives `trace(Rᵀ M) = (a + d) cos t + (c - b) sin t`, at most
/// `hypot(a + d, c - b)`, and the reflection `[[cos t, sin t], [sin t, -cos t]]` gives
/// `(a - d) cos t + (b + c) sin t`, at most `hypot(a - d, b + c)`. The larger of the two
/// is the sum of the singular values of `M`, the smaller their difference.
fn orthogonal_map_2d(m: &Array2<f64>, reflection: Reflection) -> (Array2<f64>, f64) {
    let (a, b, c, d) = (m[[0, 0]], m[[0, 1]], m[[1, 0]], m[[1, 1]]);
    let rotation_overlap = (a + d).hypot(c - b);
    let reflection_overlap = (a - d).hypot(b + c);
    // A tie means that M has rank 1 or less, and both maps are optimal: keep the rotation.
    if reflection == Reflection::Allowed && reflection_overlap > rotation_overlap {
        let (cos, sin) = unit_direction(a - d, b + c, reflection_overlap);
        let r = ndarray::array![[cos, sin], [sin, -cos]];
        return (r, reflection_overlap);
    }
    let (cos, sin) = unit_direction(a + d, c - b, rotation_overlap);
    let r = ndarray::array![[cos, -sin], [sin, cos]];
    (r, rotation_overlap)
}

/// Returns `(x, y) / length`, or `(1, 0)` when the length is 0 and every angle is optimal.
fn unit_direction(x: f64, y: f64, length: f64) -> (f64, f64) {
    if length == 0.0 {
        (1.0, 0.0)
    } else {
        (x / length, y / length)
    }
}

/// Returns the map for any width through the SVD `M = U S Vᵀ`: `R = U Vᵀ`, with the sign of
/// the last column of `U` flipped when a rotation is required and `U Vᵀ` is a reflection.
fn orthogonal_map_svd(m: &Array2<f64>, reflection: Reflection) -> Result<(Array2<f64>, f64)> {
    let d = m.nrows();
    let matrix = Mat::<f64>::from_fn(d, d, |i, j| m[[i, j]]);
    let mut singular_values = Diag::<f64>::zeros(d);
    let mut u = Mat::<f64>::zeros(d, d);
    let mut v = Mat::<f64>::zeros(d, d);
    let scratch = svd::svd_scratch::<f64>(
        d,
        d,
        ComputeSvdVectors::Full,
        ComputeSvdVectors::Full,
        Par::Seq,
        Default::default(),
    );
    svd::svd(
        matrix.as_ref(),
        singular_values.as_mut(),
        Some(u.as_mut()),
        Some(v.as_mut()),
        Par::Seq,
        MemStack::new(&mut MemBuffer::new(scratch)),
        Default::default(),
    )
    .map_err(|_| Error::NoConvergence {
        routine: "singular value decomposition",
        what: format!("the {d} x {d} cross-covariance of the Procrustes fit"),
        hint: "check the inputs for extreme values",
    })?;

    let sigma: Vec<f64> = singular_values.column_vector().iter().copied().collect();
    let mut r = Array2::from_shape_fn((d, d), |(i, j)| {
        (0..d).map(|k| u[(i, k)] * v[(j, k)]).sum::<f64>()
    });
    let mut overlap: f64 = sigma.iter().sum();
    if reflection == Reflection::Forbidden && determinant_sign(&r) < 0.0 {
        // faer sorts the singular values in decreasing order, so the last one is the
        // smallest and flipping its vector costs the least overlap.
        let last = d - 1;
        r = Array2::from_shape_fn((d, d), |(i, j)| {
            (0..d)
                .map(|k| {
                    let sign = if k == last { -1.0 } else { 1.0 };
                    sign * u[(i, k)] * v[(j, k)]
                })
                .sum::<f64>()
        });
        overlap -= 2.0 * sigma[last];
    }
    Ok((r, overlap))
}

/// Returns the sign of the determinant of an orthogonal matrix: +1 or -1.
fn determinant_sign(r: &Array2<f64>) -> f64 {
    let d = r.nrows();
    let matrix = Mat::<f64>::from_fn(d, d, |i, j| r[[i, j]]);
    matrix.determinant().signum()
}
