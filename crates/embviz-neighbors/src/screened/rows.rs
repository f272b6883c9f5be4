//! The rows in the two precisions of the search: `f32` copies for the matrix products
//! that choose candidates, and the input itself for the `f64` distances that decide.

use embviz_core::{Float, Metric};
use ndarray::{Array2, ArrayView2};

/// Unit roundoff of `f32`, `2^-24`.
const F32_UNIT_ROUNDOFF: f32 = 1.0 / 16_777_216.0;

/// The rows of one search: their `f32` copies with squared norms, the margin that bounds the
/// error of distances computed from those copies, and the way back to exact distances.
#[derive(Debug)]
pub(super) struct PreparedRows<'a, F> {
    x: ArrayView2<'a, F>,
    /// `x` scaled by a power of two (euclidean) or to unit rows (cosine), rounded to `f32`.
    pub(super) approx: Array2<f32>,
    /// Squared norm of each row of `approx`, summed in `f64` and rounded to `f32`.
    pub(super) approx_norms: Vec<f32>,
    /// Factor that turns a row of `x` into the unit row, per row, for the cosine metric.
    unit_factor: Option<Vec<f64>>,
    pub(super) margin: Margin,
}

/// Bound on the error of a squared distance computed in `f32` as
/// `|a|^2 + |b|^2 - 2 a.b` from rows whose values lie below 2 in magnitude:
///
/// ```text
/// | approx - exact | <= relative * (|a|^2 + |b|^2) + absolute
/// ```
///
/// With `u = 2^-24`, a dot product of `d` terms summed in `f32` in any order is off by at
/// most `d u / (1 - d u)` times the sum of `|a_i b_i|`, the standard bound of floating-point
/// summation, and that sum is at most `(|a|^2 + |b|^2) / 2`. Rounding the rows and norms
/// to `f32` and the final additions add a few `u` more, and `relative` allows for
/// `(1.1 d + 32) u` in total. `absolute` covers values so small that they, or their
/// products, are subnormal in `f32`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Margin {
    pub(super) relative: f32,
    pub(super) absolute: f32,
}

impl Margin {
    fn new(n_features: usize) -> Self {
        let d = n_features as f32;
        Self {
            relative: (1.1 * d + 32.0) * F32_UNIT_ROUNDOFF,
            // d * 2^-140: each value and product loses at most 2^-149 to subnormal rounding.
            absolute: d * f32::from_bits(0x0000_0200),
        }
    }
}

impl<'a, F: Float> PreparedRows<'a, F> {
    /// Prepares `x` for the metric. `x` must be finite and, for the cosine metric, have no
    /// zero row.
    pub(super) fn new(x: ArrayView2<'a, F>, metric: Metric) -> Self {
        let (approx, unit_factor) = match metric {
            Metric::Cosine => {
                let factors: Vec<f64> = x.rows().into_iter().map(unit_row_factor).collect();
                let approx = Array2::from_shape_fn(x.dim(), |(i, j)| {
                    (x[[i, j]].to_f64_exact() * factors[i]) as f32
                });
                (approx, Some(factors))
            }
            _ => {
                let scale = below_two_scale(
                    x.iter()
                        .fold(0.0, |max: f64, v| max.max(v.to_f64_exact().abs())),
                );
                let approx = x.mapv(|v| (v.to_f64_exact() * scale) as f32);
                (approx, None)
            }
        };
        let approx_norms = approx
            .rows()
            .into_iter()
            .map(|row| {
                row.iter()
                    .map(|&v| f64::from(v) * f64::from(v))
                    .sum::<f64>() as f32
            })
            .collect();
        Self {
            x,
            margin: Margin::new(x.ncols()),
            approx,
            approx_norms,
            unit_factor,
        }
    }

    pub(super) fn n_rows(&self) -> usize {
        self.x.nrows()
    }

    /// Returns the squared distance between rows `a` and `b` of the input, summed in `f64`
    /// as `sum (a_i - b_i)^2`. For the cosine metric the rows are first scaled to unit norm,
    /// so the cosine distance is half of it.
    pub(super) fn exact_squared_distance(&self, a: usize, b: usize) -> f64 {
        let row_a = self.x.row(a);
        let row_b = self.x.row(b);
        let (factor_a, factor_b) = match &self.unit_factor {
            None => (1.0, 1.0),
            Some(factors) => (factors[a], factors[b]),
        };
        // Contiguous rows, as `fit` passes them, take the slice loop, which vectorizes.
        match (row_a.as_slice(), row_b.as_slice()) {
            (Some(row_a), Some(row_b)) => squared_difference(row_a, row_b, factor_a, factor_b),
            _ => row_a
                .iter()
                .zip(row_b)
                .map(|(&p, &q)| {
                    let difference = p.to_f64_exact() * factor_a - q.to_f64_exact() * factor_b;
                    difference * difference
                })
                .sum(),
        }
    }

    /// Converts an exact squared distance into the distance of the metric.
    pub(super) fn distance(&self, squared: f64) -> f64 {
        match self.unit_factor {
            None => squared.sqrt(),
            // For unit rows, |a - b|^2 = 2 - 2 cos, so 1 - cos is half of it.
            Some(_) => (0.5 * squared).min(2.0),
        }
    }
}

/// Returns `sum (a_i factor_a - b_i factor_b)^2` in `f64`, with four partial sums so the
/// loop vectorizes. Multiplying by 1 is exact, so the euclidean metric gets plain
/// differences.
fn squared_difference<F: Float>(a: &[F], b: &[F], factor_a: f64, factor_b: f64) -> f64 {
    let mut sums = [0.0; 4];
    let chunks_a = a.chunks_exact(4);
    let chunks_b = b.chunks_exact(4);
    let (rest_a, rest_b) = (chunks_a.remainder(), chunks_b.remainder());
    for (chunk_a, chunk_b) in chunks_a.zip(chunks_b) {
        for lane in 0..4 {
            let difference =
                chunk_a[lane].to_f64_exact() * factor_a - chunk_b[lane].to_f64_exact() * factor_b;
            sums[lane] += difference * difference;
        }
    }
    let mut total = (sums[0] + sums[1]) + (sums[2] + sums[3]);
    for (&p, &q) in rest_a.iter().zip(rest_b) {
        let difference = p.to_f64_exact() * factor_a - q.to_f64_exact() * factor_b;
        total += difference * difference;
    }
    total
}

/// Returns the factor that scales `row` to unit norm. The norm is taken after scaling by a
/// power of two, so that it neither overflows nor underflows.
fn unit_row_factor<F: Float>(row: ndarray::ArrayView1<'_, F>) -> f64 {
    let scale = below_two_scale(
        row.iter()
            .fold(0.0, |max: f64, v| max.max(v.to_f64_exact().abs())),
    );
    let norm = row
        .iter()
        .map(|&v| {
            let scaled = v.to_f64_exact() * scale;
            scaled * scaled
        })
        .sum::<f64>()
        .sqrt();
    scale / norm
}

/// Returns the power of two that brings `max_abs` into `[1, 2)`, or 1 for 0.
///
/// Multiplying by a power of two is exact in `f64`, and the scaled values can overflow
/// neither `f32` nor, for rows of fewer than `2^125` values, their squared norms. For an
/// `f64` subnormal maximum the scale stops at `2^1023`, which leaves the values below 1.
fn below_two_scale(max_abs: f64) -> f64 {
    if max_abs == 0.0 {
        return 1.0;
    }
    let exponent = (max_abs.log2().floor() as i32).clamp(-1023, 1023);
    2.0_f64.powi(-exponent)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn scale_brings_maximum_below_two() {
        for max_abs in [1e-300, 3e-5, 0.75, 1.0, 1.5, 255.0, 3.4e38, 1e300] {
            let scaled = max_abs * below_two_scale(max_abs);
            assert!((1.0..2.0).contains(&scaled), "{max_abs}: {scaled}");
        }
        assert_eq!(below_two_scale(0.0), 1.0);
        let smallest = f64::from_bits(1);
        assert_eq!(smallest * below_two_scale(smallest), 2.0_f64.powi(-51));
    }

    #[test]
    fn exact_distances_of_both_metrics() {
        let x = array![[3.0_f32, 0.0], [0.0, 4.0], [6.0, 0.0]];
        let euclidean = PreparedRows::new(x.view(), Metric::Euclidean);
        assert_eq!(euclidean.exact_squared_distance(0, 1), 25.0);
        assert_eq!(euclidean.distance(25.0), 5.0);
        // The maximum 6 is scaled to 1.5 with the factor 1/4.
        assert_eq!(euclidean.approx.row(2).to_vec(), vec![1.5, 0.0]);
        assert_eq!(euclidean.approx_norms, vec![0.5625, 1.0, 2.25]);

        let cosine = PreparedRows::new(x.view(), Metric::Cosine);
        // Orthogonal rows are at cosine distance 1, parallel rows at 0.
        assert_eq!(cosine.distance(cosine.exact_squared_distance(0, 1)), 1.0);
        assert_eq!(cosine.exact_squared_distance(0, 2), 0.0);
        assert_eq!(cosine.approx_norms, vec![1.0, 1.0, 1.0]);
    }
}
