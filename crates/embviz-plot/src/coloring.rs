//! Colour schemes of a panel's points.

use embviz_core::{Error, Result};

use crate::color::CATEGORY_COLOR_COUNT;

/// Colour scheme of the points of a [`Panel`](crate::Panel), the `c=` argument of
/// matplotlib's `scatter`.
///
/// - `Single`: every point in matplotlib's default blue, with no legend.
/// - `Categorical`: point `i` has class `labels[i]`, named `names[labels[i]]`. Classes 0 to 19
///   get distinct colours in matplotlib's `tab10` then `tab20` order (see
///   [`category_color`](crate::category_color)), and a legend beside the panels lists every
///   name. Classes past 20 get generated colours, all different but harder to tell apart.
/// - `Continuous`: point `i` is coloured by `values[i]` on the viridis colormap, scaled from
///   the smallest to the largest finite value, with a colorbar titled `label`. NaN and
///   infinite values are drawn grey, below the other points.
///
/// The length of `labels` or `values` is checked against the number of points when the
/// figure is saved.
///
/// # Example
///
/// ```
/// use embviz_plot::Coloring;
///
/// let classes = Coloring::categorical([0, 1, 1, 0], ["cat", "dog"]);
/// assert!(matches!(classes, Coloring::Categorical { ref names, .. } if names.len() == 2));
///
/// let scores = Coloring::continuous([0.1_f32, 0.7, f32::NAN, 0.3], "anomaly score");
/// assert!(matches!(scores, Coloring::Continuous { ref values, .. } if values[2].is_nan()));
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub enum Coloring {
    /// Every point in one colour.
    #[default]
    Single,
    /// One colour per class, with a legend.
    Categorical {
        /// Class id of each point, an index into `names`.
        labels: Vec<usize>,
        /// Name of each class id, shown in the legend.
        names: Vec<String>,
    },
    /// A colour per point from a value on the viridis colormap, with a colorbar.
    Continuous {
        /// Value of each point. NaN and infinite values are drawn grey.
        values: Vec<f64>,
        /// Title of the colorbar.
        label: String,
    },
}

impl Coloring {
    /// Builds [`Coloring::Categorical`] from class ids and the name of each id.
    #[must_use]
    pub fn categorical<S: Into<String>>(
        labels: impl IntoIterator<Item = usize>,
        names: impl IntoIterator<Item = S>,
    ) -> Self {
        Self::Categorical {
            labels: labels.into_iter().collect(),
            names: names.into_iter().map(Into::into).collect(),
        }
    }

    /// Builds [`Coloring::Continuous`] from one value per point and the colorbar title.
    #[must_use]
    pub fn continuous<V: Into<f64>>(
        values: impl IntoIterator<Item = V>,
        label: impl Into<String>,
    ) -> Self {
        Self::Continuous {
            values: values.into_iter().map(Into::into).collect(),
            label: label.into(),
        }
    }

    /// Returns the class names when the colouring is categorical.
    pub(crate) fn category_names(&self) -> Option<&[String]> {
        match self {
            Self::Categorical { names, .. } => Some(names),
            _ => None,
        }
    }

    /// Checks the colouring against a panel of `n_points` points.
    pub(crate) fn validate(&self, n_points: usize) -> Result<()> {
        match self {
            Self::Single => Ok(()),
            Self::Categorical { labels, names } => {
                check_length("labels", labels.len(), n_points)?;
                if let Some((row, &label)) = labels
                    .iter()
                    .enumerate()
                    .find(|&(_, &label)| label >= names.len())
                {
                    return Err(Error::InvalidParameter {
                        name: "labels",
                        value: label.to_string(),
                        expected: format!(
                            "a class id below the number of names ({}), but point {row} has \
                             label {label}: pass one name per class id",
                            names.len()
                        ),
                    });
                }
                if names.len() > CATEGORY_COLOR_COUNT {
                    log::debug!(
                        "{} classes: classes past the first {CATEGORY_COLOR_COUNT} get generated \
                         colours",
                        names.len()
                    );
                }
                Ok(())
            }
            Self::Continuous { values, .. } => {
                check_length("values", values.len(), n_points)?;
                let missing = values.iter().filter(|v| !v.is_finite()).count();
                if missing > 0 {
                    log::debug!("{missing} of {n_points} continuous values are not finite");
                }
                Ok(())
            }
        }
    }
}

fn check_length(what: &'static str, found: usize, n_points: usize) -> Result<()> {
    if found != n_points {
        return Err(Error::ShapeMismatch {
            what,
            expected: format!("{n_points} values, one per point"),
            found: format!("{found} values"),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_count_must_match_points() {
        let coloring = Coloring::categorical([0, 1], ["a", "b"]);
        match coloring.validate(3) {
            Err(Error::ShapeMismatch {
                what,
                expected,
                found,
            }) => {
                assert_eq!(what, "labels");
                assert_eq!(expected, "3 values, one per point");
                assert_eq!(found, "2 values");
            }
            other => panic!("expected ShapeMismatch, got {other:?}"),
        }
    }

    #[test]
    fn label_without_name_is_rejected() {
        let coloring = Coloring::categorical([0, 1, 2, 1], ["a", "b"]);
        match coloring.validate(4) {
            Err(Error::InvalidParameter {
                name,
                value,
                expected,
            }) => {
                assert_eq!(name, "labels");
                assert_eq!(value, "2");
                assert!(expected.contains("(2)"), "{expected}");
                assert!(expected.contains("point 2"), "{expected}");
            }
            other => panic!("expected InvalidParameter, got {other:?}"),
        }
    }

    #[test]
    fn value_count_must_match_points() {
        let coloring = Coloring::continuous([1.0, 2.0, 3.0], "score");
        assert!(matches!(
            coloring.validate(2),
            Err(Error::ShapeMismatch { what: "values", .. })
        ));
        assert!(coloring.validate(3).is_ok());
    }

    #[test]
    fn non_finite_values_are_accepted() {
        let coloring = Coloring::continuous([f64::NAN, f64::INFINITY, 1.0], "score");
        assert!(coloring.validate(3).is_ok());
        assert!(Coloring::Single.validate(5).is_ok());
    }
}
