//! Rows scaled to unit L2 norm.

use std::ops::Range;

use embviz_core::Float;
use ndarray::{Array2, ArrayView2};
use rayon::prelude::*;

/// The rows of a matrix divided by their L2 norms, converted on request.
///
/// Row `i` becomes `x_i / |x_i|`, as scikit-learn's `normalize(X, norm="l2")` computes it,
/// with two differences. A row whose values would overflow or underflow `f64` when squared
/// is first multiplied by a power of two, which is exact, so its norm stays finite and
/// non-zero. A row of zeros stays zero, as in scikit-learn, so its similarity to every row
/// is 0.
#[derive(Debug)]
pub(crate) struct UnitRows<'a, F> {
    x: ArrayView2<'a, F>,
    /// Power of two each row is multiplied by before its norm is taken.
    scale: Vec<f64>,
    /// Norm of each scaled row, or 1 for a row of zeros.
    divisor: Vec<f64>,
    /// Indices of the rows whose values are all zero.
    zero_rows: Vec<usize>,
}

impl<'a, F: Float> UnitRows<'a, F> {
    /// Computes the norm of every row of `x`, in parallel over rows.
    pub(crate) fn new(x: ArrayView2<'a, F>) -> Self {
        let factors: Vec<(f64, f64)> = (0..x.nrows())
            .into_par_iter()
            .map(|row| row_factors(x.row(row).iter().copied()))
            .collect();
        let zero_rows = factors
            .iter()
            .enumerate()
            .filter(|(_, (_, norm))| *norm == 0.0)
            .map(|(row, _)| row)
            .collect();
        let (scale, divisor) = factors
            .into_iter()
            .map(|(scale, norm)| (scale, if norm == 0.0 { 1.0 } else { norm }))
            .unzip();
        Self {
            x,
            scale,
            divisor,
            zero_rows,
        }
    }

    pub(crate) fn n_rows(&self) -> usize {
        self.x.nrows()
    }

    pub(crate) fn n_cols(&self) -> usize {
        self.x.ncols()
    }

    /// Logs a warning naming the rows of zero norm, if any. `what` names the input.
    pub(crate) fn warn_zero_rows(&self, what: &str) {
        if let Some(&first) = self.zero_rows.first() {
            log::warn!(
                "{what} has {} rows of zero norm (the first is row {first}): their cosine \
                 similarity to every row is 0, as scikit-learn's normalize leaves them at zero",
                self.zero_rows.len()
            );
        }
    }

    /// Writes the unit rows `rows`, row-major, into `buffer`, replacing its content. Each
    /// value is computed in `f64`, then rounded to `F`.
    pub(crate) fn fill(&self, rows: Range<usize>, buffer: &mut Vec<F>) {
        buffer.clear();
        buffer.reserve(rows.len() * self.n_cols());
        for row in rows {
            let scale = self.scale[row];
            let divisor = self.divisor[row];
            // The division matches scikit-learn's `X /= norms` bit for bit when the scale
            // is 1, which is every row whose values square without overflow or underflow.
            buffer.extend(
                self.x
                    .row(row)
                    .iter()
                    .map(|&v| F::from_f64_lossy(v.to_f64_exact() * scale / divisor)),
            );
        }
    }

    /// Returns all unit rows as one `n_rows x n_cols` array.
    pub(crate) fn to_array(&self) -> Array2<F> {
        let mut values = Vec::new();
        self.fill(0..self.n_rows(), &mut values);
        Array2::from_shape_vec((self.n_rows(), self.n_cols()), values)
            .expect("fill writes n_rows * n_cols values")
    }
}

/// Returns the power-of-two scale of a row and the norm of the scaled row (0 for a row of
/// zeros).
fn row_factors<F: Float>(values: impl Iterator<Item = F> + Clone) -> (f64, f64) {
    let max_abs = values
        .clone()
        .fold(0.0_f64, |max, v| max.max(v.to_f64_exact().abs()));
    let scale = power_of_two_scale(max_abs);
    let squared: f64 = values
        .map(|v| {
            let scaled = v.to_f64_exact() * scale;
            scaled * scaled
        })
        .sum();
    (scale, squared.sqrt())
}

/// Returns 1 when squares of values up to `max_abs` neither overflow nor underflow `f64`
/// (`max_abs` in `[2^-250, 2^250]`, or 0), and otherwise the power of two that brings
/// `max_abs` into `[1, 2)`.
///
/// Every `f32` value lies in the safe range, so only `f64` input is ever rescaled.
fn power_of_two_scale(max_abs: f64) -> f64 {
    const MIN_SAFE: f64 = f64::from_bits((1023 - 250) << 52);
    const MAX_SAFE: f64 = f64::from_bits((1023 + 250) << 52);
    if max_abs == 0.0 || (MIN_SAFE..=MAX_SAFE).contains(&max_abs) {
        return 1.0;
    }
    // Clamped so that the scale is a normal number: the smallest subnormal, 2^-1074, needs
    // 2^1074, which is past f64::MAX, so such rows get 2^1000 and still square safely.
    let exponent = (max_abs.log2().floor() as i64).clamp(-1000, 1000);
    f64::from_bits(((1023 - exponent) as u64) << 52)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn rows_get_unit_norm() {
        let x = array![[3.0_f32, 4.0], [0.0, 0.0], [0.0, -2.0]];
        let rows = UnitRows::new(x.view());
        assert_eq!(rows.zero_rows, vec![1]);
        assert_eq!(
            rows.to_array(),
            array![[0.6_f32, 0.8], [0.0, 0.0], [0.0, -1.0]]
        );
    }

    #[test]
    fn extreme_rows_are_rescaled() {
        let x = array![[3e300_f64, 4e300], [3e-300, -4e-300], [5e-324, 0.0]];
        let unit = UnitRows::new(x.view()).to_array();
        let expected = array![[0.6, 0.8], [0.6, -0.8], [1.0, 0.0]];
        for (found, wanted) in unit.iter().zip(&expected) {
            assert!((found - wanted).abs() < 1e-15, "{found} != {wanted}");
        }
    }

    #[test]
    fn scale_is_one_in_safe_range() {
        assert_eq!(power_of_two_scale(0.0), 1.0);
        assert_eq!(power_of_two_scale(1e-70), 1.0);
        assert_eq!(power_of_two_scale(1e70), 1.0);
        assert_eq!(power_of_two_scale(f64::from(f32::MAX)), 1.0);
        assert_eq!(power_of_two_scale(3e300), 2.0_f64.powi(-998));
        assert_eq!(power_of_two_scale(1e-300), 2.0_f64.powi(997));
        assert_eq!(power_of_two_scale(5e-324), 2.0_f64.powi(1000));
    }
}
