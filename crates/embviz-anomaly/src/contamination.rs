//! The expected share of outliers, which sets the threshold of `predict`.

use embviz_core::{Error, Result};
use serde::{Deserialize, Serialize};

/// The share of outliers a detector expects in its training data.
///
/// It sets only the threshold (`offset`) that splits scores into inliers and outliers;
/// the scores themselves do not depend on it. The variants follow scikit-learn's
/// `contamination` parameter.
///
/// # Example
///
/// ```
/// use embviz_anomaly::Contamination;
///
/// assert!(Contamination::Fraction(0.1).validate().is_ok());
/// assert!(Contamination::Fraction(0.6).validate().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub enum Contamination {
    /// A fixed offset chosen by each detector, as scikit-learn's `"auto"`: -0.5 for
    /// Isolation Forest and -1.5 for Local Outlier Factor.
    #[default]
    Auto,
    /// The fraction of training rows to flag, in (0, 0.5]; the offset is the score at
    /// that percentile of the training scores.
    Fraction(f64),
}

impl Contamination {
    /// Checks that a fraction lies in (0, 0.5].
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] for a fraction outside (0, 0.5] or not finite.
    pub fn validate(self) -> Result<()> {
        match self {
            Self::Auto => Ok(()),
            Self::Fraction(f) if f.is_finite() && f > 0.0 && f <= 0.5 => Ok(()),
            Self::Fraction(f) => Err(Error::invalid_parameter(
                "contamination",
                f,
                "must be a fraction in (0, 0.5], or auto (Contamination::Auto)",
            )),
        }
    }
}

/// Returns the `q`-th percentile (0 to 100) of `values` with linear interpolation between the two
/// nearest ranks, numpy's default `np.percentile` rule, which scikit-learn uses for the
/// offset. `values` must not be empty or contain NaN.
pub(crate) fn percentile(values: &[f64], q: f64) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let Some(&last) = sorted.last() else {
        return f64::NAN;
    };
    let position = q / 100.0 * (sorted.len() - 1) as f64;
    let below = position.floor() as usize;
    let Some(&low) = sorted.get(below) else {
        return last;
    };
    let high = sorted.get(below + 1).copied().unwrap_or(low);
    low + (high - low) * (position - below as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentile_interpolates_like_numpy() {
        // np.percentile([4, 1, 3, 2], 10) = 1.3 and np.percentile([4, 1, 3, 2], 50) = 2.5
        let v = [4.0, 1.0, 3.0, 2.0];
        assert!((percentile(&v, 10.0) - 1.3).abs() < 1e-12);
        assert!((percentile(&v, 50.0) - 2.5).abs() < 1e-12);
        assert_eq!(percentile(&v, 0.0), 1.0);
        assert_eq!(percentile(&v, 100.0), 4.0);
        assert_eq!(percentile(&[7.0], 10.0), 7.0);
    }

    #[test]
    fn fractions_outside_the_range_are_rejected() {
        assert!(Contamination::Fraction(0.0).validate().is_err());
        assert!(Contamination::Fraction(0.6).validate().is_err());
        assert!(Contamination::Fraction(f64::NAN).validate().is_err());
        assert!(Contamination::Fraction(0.5).validate().is_ok());
        assert!(Contamination::Auto.validate().is_ok());
    }
}
