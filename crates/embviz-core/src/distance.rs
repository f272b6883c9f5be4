//! Distances between rows.
//!
//! The kernels accumulate in `f64` whatever the input type, so `f32` input gets the same
//! ordering of neighbours as `f64` input wherever the two differ only by rounding. Where
//! scikit-learn offers the same metric, the definition is the same:
//!
//! ```text
//! squared euclidean  d(a, b) = sum_i (a_i - b_i)^2
//! euclidean          d(a, b) = sqrt(sum_i (a_i - b_i)^2)
//! cosine             d(a, b) = 1 - a.b / (|a| |b|)
//! ```

use crate::Float;

/// The metric that distances are measured in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Metric {
    /// Straight-line distance, scikit-learn's `"euclidean"`. The default, as there.
    #[default]
    Euclidean,
    /// One minus the cosine of the angle between the rows, scikit-learn's `"cosine"`.
    /// Rows of zero norm are rejected at `fit`, since the angle is undefined for them.
    Cosine,
}

impl Metric {
    /// Returns the distance between `a` and `b` in this metric.
    pub fn distance<F: Float>(self, a: &[F], b: &[F]) -> f64 {
        match self {
            Self::Euclidean => euclidean(a, b),
            Self::Cosine => cosine(a, b),
        }
    }

    /// Returns the name scikit-learn gives this metric.
    pub fn name(self) -> &'static str {
        match self {
            Self::Euclidean => "euclidean",
            Self::Cosine => "cosine",
        }
    }
}

impl std::fmt::Display for Metric {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Returns the squared euclidean distance between `a` and `b`, accumulated in `f64`.
///
/// `a` and `b` must have the same length; extra values of the longer one are ignored.
pub fn squared_euclidean<F: Float>(a: &[F], b: &[F]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(&x, &y)| {
            let d = x.to_f64_exact() - y.to_f64_exact();
            d * d
        })
        .sum()
}

/// Returns the euclidean distance between `a` and `b`, accumulated in `f64`.
pub fn euclidean<F: Float>(a: &[F], b: &[F]) -> f64 {
    squared_euclidean(a, b).sqrt()
}

/// Returns the dot product of `a` and `b`, accumulated in `f64`.
pub fn dot<F: Float>(a: &[F], b: &[F]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(&x, &y)| x.to_f64_exact() * y.to_f64_exact())
        .sum()
}

/// Returns the cosine distance `1 - a.b / (|a| |b|)`, clamped to `[0, 2]` against round-off.
///
/// When `a` or `b` has zero norm the result is NaN; estimators reject such rows first.
pub fn cosine<F: Float>(a: &[F], b: &[F]) -> f64 {
    let norms = (dot(a, a) * dot(b, b)).sqrt();
    (1.0 - dot(a, b) / norms).clamp(0.0, 2.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn euclidean_of_3_4_5_triangle() {
        let a = [0.0_f32, 0.0];
        let b = [3.0_f32, 4.0];
        assert_eq!(squared_euclidean(&a, &b), 25.0);
        assert_eq!(euclidean(&a, &b), 5.0);
        assert_eq!(Metric::Euclidean.distance(&a, &b), 5.0);
    }

    #[test]
    fn cosine_of_known_angles() {
        let x = [1.0_f64, 0.0];
        let y = [0.0_f64, 2.0];
        let diagonal = [3.0_f64, 3.0];
        assert_relative_eq!(cosine(&x, &y), 1.0);
        assert_relative_eq!(cosine(&x, &[-5.0, 0.0]), 2.0);
        assert_relative_eq!(cosine(&x, &diagonal), 1.0 - 0.5_f64.sqrt(), epsilon = 1e-15);
        assert_eq!(cosine(&diagonal, &diagonal), 0.0);
        assert!(cosine(&x, &[0.0, 0.0]).is_nan());
    }
}
