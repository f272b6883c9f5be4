//! One scatter plot of a 2-D map.

use embviz_core::{Error, Float, Matrix, Result, validate};

use crate::Coloring;
use crate::ticks::is_drawable_span;

/// One scatter plot of an embedding map: the 2-D coordinates of `n` points, their
/// [`Coloring`], a title, axis labels and an optional set of highlighted points.
///
/// The coordinates are checked and copied to `f64` when the panel is built. The colouring and
/// the highlight mask are checked against the number of points when the figure is saved.
/// Points are drawn in row order, so a later row covers an earlier one where they overlap.
/// Highlighted points get a dark ring drawn after all points, for example to mark outliers.
///
/// Each axis spans the data plus 5% on each side unless [`x_range`](Self::x_range) or
/// [`y_range`](Self::y_range) fixes it, as matplotlib's `set_xlim` and `set_ylim` do. Fixing
/// both on every panel of a grid gives the panels the same scale, and
/// [`Figure::share_axes`](crate::Figure::share_axes) does so from the data of all panels.
///
/// # Example
///
/// ```
/// use embviz_plot::{Coloring, Panel};
/// use ndarray::array;
///
/// let map = array![[0.0_f32, 0.0], [1.0, 0.5], [2.0, 1.0]];
/// let panel = Panel::new(&map)?
///     .coloring(Coloring::categorical([0, 0, 1], ["inlier", "outlier"]))
///     .title("t-SNE of the digits")
///     .x_label("t-SNE 1")
///     .y_label("t-SNE 2")
///     .highlight([false, false, true])
///     .x_range(-1.0, 3.0)
///     .y_range(-1.0, 2.0);
/// assert_eq!(panel.len(), 3);
/// # Ok::<(), embviz_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    points: Vec<[f64; 2]>,
    coloring: Coloring,
    title: String,
    x_label: String,
    y_label: String,
    highlight: Option<Vec<bool>>,
    x_range: Option<(f64, f64)>,
    y_range: Option<(f64, f64)>,
}

impl Panel {
    /// Builds a panel from an `n x 2` matrix of coordinates: an ndarray array or view, a
    /// nalgebra matrix, a `Vec<Vec<_>>` or a [`RowMajor`](embviz_core::RowMajor) slice, in
    /// `f32` or `f64`.
    ///
    /// The panel starts with [`Coloring::Single`], no title, no axis labels and no highlight.
    ///
    /// # Errors
    ///
    /// - [`Error::RaggedRows`] when the rows of a `Vec<Vec<_>>` differ in length.
    /// - [`Error::EmptyInput`] when there are no rows or no columns.
    /// - [`Error::ShapeMismatch`] when there are not exactly 2 columns.
    /// - [`Error::NonFinite`] naming the first NaN or infinite coordinate.
    pub fn new<F: Float>(coordinates: &impl Matrix<F>) -> Result<Self> {
        let rows = coordinates.to_rows()?;
        let view = rows.view();
        validate::non_empty("coordinates", &view)?;
        if view.ncols() != 2 {
            return Err(Error::ShapeMismatch {
                what: "coordinates",
                expected: "2 columns (x, y)".to_owned(),
                found: format!("{} columns", view.ncols()),
            });
        }
        validate::finite("coordinates", &view)?;
        let points = view
            .outer_iter()
            .map(|row| [row[0].to_f64_exact(), row[1].to_f64_exact()])
            .collect();
        Ok(Self::from_checked(points))
    }

    /// Builds a panel from a slice of `[x, y]` points.
    ///
    /// # Errors
    ///
    /// - [`Error::EmptyInput`] when `points` is empty.
    /// - [`Error::NonFinite`] naming the first NaN or infinite coordinate.
    pub fn from_points<F: Float>(points: &[[F; 2]]) -> Result<Self> {
        if points.is_empty() {
            return Err(Error::EmptyInput {
                what: "coordinates",
                n_rows: 0,
                n_cols: 2,
            });
        }
        let mut checked = Vec::with_capacity(points.len());
        for (row, point) in points.iter().enumerate() {
            if let Some(column) = point.iter().position(|v| !v.is_finite()) {
                return Err(Error::NonFinite {
                    what: "coordinates",
                    row,
                    column,
                    value: point[column].to_f64_exact(),
                });
            }
            checked.push([point[0].to_f64_exact(), point[1].to_f64_exact()]);
        }
        Ok(Self::from_checked(checked))
    }

    fn from_checked(points: Vec<[f64; 2]>) -> Self {
        Self {
            points,
            coloring: Coloring::Single,
            title: String::new(),
            x_label: String::new(),
            y_label: String::new(),
            highlight: None,
            x_range: None,
            y_range: None,
        }
    }

    /// Sets how the points are coloured. Default: [`Coloring::Single`].
    #[must_use]
    pub fn coloring(mut self, coloring: Coloring) -> Self {
        self.coloring = coloring;
        self
    }

    /// Sets the title drawn above the panel. Default: none.
    #[must_use]
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = title.into();
        self
    }

    /// Sets the label under the horizontal axis. Default: none.
    #[doc(alias = "xlabel")]
    #[must_use]
    pub fn x_label(mut self, label: impl Into<String>) -> Self {
        self.x_label = label.into();
        self
    }

    /// Sets the label beside the vertical axis. Default: none.
    #[doc(alias = "ylabel")]
    #[must_use]
    pub fn y_label(mut self, label: impl Into<String>) -> Self {
        self.y_label = label.into();
        self
    }

    /// Marks points to circle with a dark ring drawn above all points: `mask[i]` is true for
    /// each point `i` to mark. Its length must equal the number of points. Default: none.
    #[must_use]
    pub fn highlight(mut self, mask: impl IntoIterator<Item = bool>) -> Self {
        self.highlight = Some(mask.into_iter().collect());
        self
    }

    /// Fixes the horizontal axis to span `low` to `high`, in data units, with no margin added,
    /// as matplotlib's `set_xlim(left, right)`. Default: the data range plus 5% on each side,
    /// or the range shared by all panels under
    /// [`Figure::share_axes`](crate::Figure::share_axes).
    ///
    /// The limits must be finite with `low < high`, so a reversed axis is not supported. They
    /// are checked when the figure is saved. Points whose centre lies outside the axis range
    /// are not drawn, and a point just inside may overlap the frame by its marker radius.
    #[doc(alias = "xlim")]
    #[doc(alias = "set_xlim")]
    #[must_use]
    pub fn x_range(mut self, low: f64, high: f64) -> Self {
        self.x_range = Some((low, high));
        self
    }

    /// Fixes the vertical axis to span `low` (bottom) to `high` (top), as matplotlib's
    /// `set_ylim(bottom, top)`. The rules and the default are those of
    /// [`x_range`](Self::x_range).
    #[doc(alias = "ylim")]
    #[doc(alias = "set_ylim")]
    #[must_use]
    pub fn y_range(mut self, low: f64, high: f64) -> Self {
        self.y_range = Some((low, high));
        self
    }

    /// Returns the number of points.
    #[must_use]
    pub fn len(&self) -> usize {
        self.points.len()
    }

    /// Returns true when the panel has no points, which [`Panel::new`] never builds.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    pub(crate) fn points(&self) -> &[[f64; 2]] {
        &self.points
    }

    pub(crate) fn coloring_ref(&self) -> &Coloring {
        &self.coloring
    }

    pub(crate) fn title_text(&self) -> &str {
        &self.title
    }

    pub(crate) fn x_label_text(&self) -> &str {
        &self.x_label
    }

    pub(crate) fn y_label_text(&self) -> &str {
        &self.y_label
    }

    pub(crate) fn highlight_mask(&self) -> Option<&[bool]> {
        self.highlight.as_deref()
    }

    /// Returns the fixed x and y ranges, `None` for an axis that follows the data.
    pub(crate) fn fixed_ranges(&self) -> [Option<(f64, f64)>; 2] {
        [self.x_range, self.y_range]
    }

    /// Checks the fixed axis ranges, and the colouring and the highlight mask against the
    /// number of points.
    pub(crate) fn validate(&self) -> Result<()> {
        if let Some(range) = self.x_range {
            check_range("x_range", range)?;
        }
        if let Some(range) = self.y_range {
            check_range("y_range", range)?;
        }
        self.coloring.validate(self.points.len())?;
        if let Some(mask) = &self.highlight
            && mask.len() != self.points.len()
        {
            return Err(Error::ShapeMismatch {
                what: "highlight",
                expected: format!("{} values, one per point", self.points.len()),
                found: format!("{} values", mask.len()),
            });
        }
        Ok(())
    }
}

/// Checks fixed axis limits: finite, in increasing order, with a span that fits in `f64`
/// and is wide enough for tick positions to keep their precision.
fn check_range(name: &'static str, (low, high): (f64, f64)) -> Result<()> {
    let expected = if !(low.is_finite() && high.is_finite()) {
        "finite limits with low < high"
    } else if low >= high {
        "low < high, since reversed axes are not supported: pass the smaller limit first"
    } else if !(high - low).is_finite() {
        "limits whose difference high - low fits in f64: narrow the range"
    } else if !is_drawable_span(low, high) {
        "a span above 1e-9 of the limits' magnitude and above 1e-100, so that tick positions \
         keep their precision: widen the range"
    } else {
        return Ok(());
    };
    Err(Error::InvalidParameter {
        name,
        value: format!("({low}, {high})"),
        expected: expected.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array2, array};

    #[test]
    fn three_columns_are_rejected() {
        let x = Array2::<f32>::zeros((4, 3));
        match Panel::new(&x) {
            Err(Error::ShapeMismatch {
                what,
                expected,
                found,
            }) => {
                assert_eq!(what, "coordinates");
                assert_eq!(expected, "2 columns (x, y)");
                assert_eq!(found, "3 columns");
            }
            other => panic!("expected ShapeMismatch, got {other:?}"),
        }
    }

    #[test]
    fn non_finite_coordinate_is_located() {
        let x = array![[0.0_f64, 1.0], [2.0, f64::INFINITY]];
        assert!(matches!(
            Panel::new(&x),
            Err(Error::NonFinite { what: "coordinates", row: 1, column: 1, value, .. })
                if value == f64::INFINITY
        ));
        let points = [[0.0_f32, 0.0], [f32::NAN, 1.0]];
        assert!(matches!(
            Panel::from_points(&points),
            Err(Error::NonFinite { row: 1, column: 0, value, .. }) if value.is_nan()
        ));
    }

    #[test]
    fn empty_coordinates_are_rejected() {
        let x = Array2::<f64>::zeros((0, 2));
        assert!(matches!(
            Panel::new(&x),
            Err(Error::EmptyInput {
                what: "coordinates",
                n_rows: 0,
                n_cols: 2
            })
        ));
        assert!(matches!(
            Panel::from_points::<f64>(&[]),
            Err(Error::EmptyInput { n_rows: 0, .. })
        ));
    }

    #[test]
    fn transposed_view_is_read_by_rows() {
        let columns = array![[1.0_f32, 2.0, 3.0], [4.0, 5.0, 6.0]];
        let panel = Panel::new(&columns.t()).expect("a 3 x 2 view is valid");
        assert_eq!(panel.points(), &[[1.0, 4.0], [2.0, 5.0], [3.0, 6.0]]);
        let from_points = Panel::from_points(&[[1.0_f32, 4.0], [2.0, 5.0], [3.0, 6.0]])
            .expect("finite points are valid");
        assert_eq!(from_points, panel);
    }

    fn expected_of_range(range: (f64, f64)) -> String {
        let panel = Panel::from_points(&[[0.0, 0.0], [1.0, 1.0]])
            .expect("finite points are valid")
            .y_range(range.0, range.1);
        match panel.validate() {
            Err(Error::InvalidParameter {
                name,
                value,
                expected,
            }) => {
                assert_eq!(name, "y_range");
                assert_eq!(value, format!("({}, {})", range.0, range.1));
                expected
            }
            other => panic!("expected InvalidParameter for {range:?}, got {other:?}"),
        }
    }

    #[test]
    fn invalid_ranges_say_why() {
        assert_eq!(
            expected_of_range((f64::NAN, 1.0)),
            "finite limits with low < high"
        );
        assert!(expected_of_range((3.0, 3.0)).starts_with("low < high"));
        assert!(expected_of_range((-f64::MAX, f64::MAX)).contains("fits in f64"));
        assert!(expected_of_range((1e10, 1e10 + 1e-3)).contains("widen the range"));
    }

    #[test]
    fn valid_ranges_pass() {
        let panel = Panel::from_points(&[[0.0, 0.0]])
            .expect("finite points are valid")
            .x_range(-1e-50, 1e-50)
            .y_range(1e10, 1e10 + 100.0);
        assert!(panel.validate().is_ok());
        assert_eq!(
            panel.fixed_ranges(),
            [Some((-1e-50, 1e-50)), Some((1e10, 1e10 + 100.0))]
        );
    }

    #[test]
    fn highlight_length_must_match_points() {
        let panel = Panel::from_points(&[[0.0, 0.0], [1.0, 1.0]])
            .expect("finite points are valid")
            .highlight([true]);
        match panel.validate() {
            Err(Error::ShapeMismatch {
                what,
                expected,
                found,
            }) => {
                assert_eq!(what, "highlight");
                assert_eq!(expected, "2 values, one per point");
                assert_eq!(found, "1 values");
            }
            other => panic!("expected ShapeMismatch, got {other:?}"),
        }
    }
}
