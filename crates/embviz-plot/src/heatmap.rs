//! Heatmaps of a matrix of values, such as a cosine similarity matrix grouped by class.

mod grid;
mod layout;
mod png;
mod render;

use std::path::Path;
use std::time::Instant;

use embviz_core::{Error, Float, Matrix, Result, validate};
use ndarray::Array2;

pub use grid::HeatmapGrid;

use crate::figure::{render_error, write_via_temporary};
use crate::font::ensure_registered;
use layout::{HeatmapLayout, layout};

/// Default largest side of the coloured area in pixels.
const DEFAULT_AREA_SIZE: u32 = 720;
/// Smallest accepted largest side of the coloured area in pixels.
const MIN_AREA_SIZE: u32 = 50;
/// Largest accepted largest side of the coloured area in pixels, so that the whole figure
/// stays below the 10000-pixel limit of every figure.
const MAX_AREA_SIZE: u32 = 8000;

/// A heatmap of an `n x m` matrix of values on the viridis colormap, with lines between
/// groups of rows and columns, the group names, and a colorbar. Saved as PNG or SVG.
///
/// This plays the part of matplotlib's `imshow(values, cmap="viridis")` with `axhline`
/// and `axvline` at the group boundaries, tick labels at the group centres and a colorbar.
/// It takes plain values, so any matrix can be drawn. For a cosine similarity matrix of
/// rows grouped by class, compute the matrix on rows in grouped order (for example the
/// order of `embviz_similarity::grouped_order`) and pass that order's boundaries and
/// names to [`groups`](Self::groups).
///
/// Each cell is a rectangle of whole pixels whose edges follow [`HeatmapGrid`], so a group
/// boundary at cumulative size `s` is drawn exactly at [`HeatmapGrid::column_edge`]`(s)`
/// and [`HeatmapGrid::row_edge`]`(s)`. A matrix wider or taller than the coloured area is
/// drawn with one cell per pixel, the last cell that starts in the pixel, with no
/// averaging. Row 0 is at the top, as in `imshow`.
///
/// Group lines are 1 pixel wide and white. In a PNG, the line of a group boundary takes the
/// first pixel column (or row) of the group. In an SVG, the cells are an embedded PNG image
/// and the lines are vector lines centred on the boundary.
///
/// # Example
///
/// ```
/// use embviz_plot::Heatmap;
/// use ndarray::Array2;
///
/// // Two groups of 3 and 2 rows: similar inside a group, dissimilar across groups.
/// let group = [0, 0, 0, 1, 1];
/// let values = Array2::from_shape_fn((5, 5), |(i, j)| if group[i] == group[j] { 0.9 } else { 0.1 });
///
/// let path = std::env::temp_dir().join("embviz-plot-doc").join("heatmap.png");
/// Heatmap::new(&values)?
///     .title("Cosine similarity")
///     .groups(vec![0, 3, 5], vec!["cats".into(), "dogs".into()])
///     .colorbar_label("cosine")
///     .value_range(0.0, 1.0)
///     .save(&path)?;
///
/// let png = std::fs::read(&path).expect("the figure was written");
/// assert_eq!(&png[1..4], b"PNG");
/// # Ok::<(), embviz_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Heatmap {
    values: Array2<f64>,
    title: String,
    row_groups: Option<Groups>,
    column_groups: Option<Groups>,
    colorbar_label: String,
    value_range: Option<(f64, f64)>,
    area_size: u32,
}

/// Groups of consecutive rows or columns. Group `g` spans `boundaries[g]..boundaries[g + 1]`
/// and is named `names[g]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Groups {
    pub(crate) boundaries: Vec<usize>,
    pub(crate) names: Vec<String>,
}

impl Heatmap {
    /// Builds a heatmap of `values`, copied as `f64`, with the defaults of each setter.
    ///
    /// # Errors
    ///
    /// - [`Error::EmptyInput`] when `values` has no rows or no columns.
    /// - [`Error::NonFinite`] naming the first NaN or infinite value.
    /// - [`Error::RaggedRows`] when the rows of a `Vec<Vec<_>>` differ in length.
    pub fn new<F: Float>(values: &impl Matrix<F>) -> Result<Self> {
        let rows = values.to_rows()?;
        validate::non_empty("values", &rows.view())?;
        validate::finite("values", &rows.view())?;
        Ok(Self {
            values: rows.mapv(|v| v.to_f64_exact()),
            title: String::new(),
            row_groups: None,
            column_groups: None,
            colorbar_label: String::new(),
            value_range: None,
            area_size: DEFAULT_AREA_SIZE,
        })
    }

    /// Sets the title drawn above the heatmap. Default: none.
    #[must_use]
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = title.into();
        self
    }

    /// Sets the same groups for rows and columns, as for a square matrix of rows against
    /// themselves. Default: no groups.
    ///
    /// `boundaries` lists where each group starts, then the total: strictly increasing
    /// positions from 0 to the number of rows (the cumulative group sizes with a leading 0).
    /// `names` has one name per group, `boundaries.len() - 1` names. A line is drawn at each
    /// boundary between two groups, and each name is centred on its group beside the rows
    /// and below the columns. Both are checked when the heatmap is saved.
    #[must_use]
    pub fn groups(self, boundaries: Vec<usize>, names: Vec<String>) -> Self {
        let groups = Groups { boundaries, names };
        self.row_groups(groups.boundaries.clone(), groups.names.clone())
            .column_groups(groups.boundaries, groups.names)
    }

    /// Sets the groups of rows only, drawn as horizontal lines with names on the left. See
    /// [`groups`](Self::groups) for the format. Default: no row groups.
    #[must_use]
    pub fn row_groups(mut self, boundaries: Vec<usize>, names: Vec<String>) -> Self {
        self.row_groups = Some(Groups { boundaries, names });
        self
    }

    /// Sets the groups of columns only, drawn as vertical lines with names below. See
    /// [`groups`](Self::groups) for the format. Default: no column groups.
    #[must_use]
    pub fn column_groups(mut self, boundaries: Vec<usize>, names: Vec<String>) -> Self {
        self.column_groups = Some(Groups { boundaries, names });
        self
    }

    /// Sets the title of the colorbar. Default: none.
    #[must_use]
    pub fn colorbar_label(mut self, label: impl Into<String>) -> Self {
        self.colorbar_label = label.into();
        self
    }

    /// Sets the values at the two ends of the colormap, matplotlib's `vmin` and `vmax`:
    /// finite, with `min < max`. Values outside the range get the colour of the nearer end.
    /// Default: the smallest and largest value of the matrix. For cosine similarities,
    /// `(-1.0, 1.0)` shows the whole range and `(0.0, 1.0)` spreads the colours over
    /// non-negative similarities.
    #[doc(alias = "vmin")]
    #[doc(alias = "vmax")]
    #[must_use]
    pub fn value_range(mut self, min: f64, max: f64) -> Self {
        self.value_range = Some((min, max));
        self
    }

    /// Sets the largest side of the coloured area in pixels, from 50 to 8000. Default: 720.
    ///
    /// Cells are square. When the longer side of the matrix has at most this many cells,
    /// each cell gets `area_size / longer side` whole pixels, so the area may be a little
    /// smaller than `area_size`. Otherwise the longer side gets exactly `area_size` pixels.
    #[must_use]
    pub fn area_size(mut self, pixels: u32) -> Self {
        self.area_size = pixels;
        self
    }

    /// Returns the number of rows and columns of the matrix.
    pub fn shape(&self) -> (usize, usize) {
        self.values.dim()
    }

    /// Returns where the cells land in the saved image, PNG or SVG: the coloured area and
    /// the pixel of every row and column boundary.
    ///
    /// # Errors
    ///
    /// The errors of [`save_png`](Self::save_png) other than writing the file.
    pub fn grid(&self) -> Result<HeatmapGrid> {
        self.prepare(Path::new("heatmap")).map(|layout| layout.grid)
    }

    /// Saves the heatmap as PNG or SVG, chosen by the extension of `path` (`.png` or
    /// `.svg`, in any case). Creates missing parent directories.
    ///
    /// # Errors
    ///
    /// - [`Error::InvalidParameter`] for `path` when the extension is neither `png` nor
    ///   `svg`.
    /// - Every error of [`save_png`](Self::save_png).
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match extension.as_deref() {
            Some("png") => self.save_png(path),
            Some("svg") => self.save_svg(path),
            _ => Err(Error::InvalidParameter {
                name: "path",
                value: path.display().to_string(),
                expected: "a file name ending in .png or .svg, or a call to save_png or \
                           save_svg"
                    .to_owned(),
            }),
        }
    }

    /// Saves the heatmap as a PNG image at `path`, whatever its extension. Creates missing
    /// parent directories.
    ///
    /// The image is written to a temporary file beside `path` and renamed when complete, so
    /// a failure never leaves a partial file at `path`.
    ///
    /// # Errors
    ///
    /// - [`Error::InvalidParameter`] (`boundaries`) when group boundaries are not strictly
    ///   increasing from 0, (`value_range`) when the range is not finite with
    ///   `min < max`, (`area_size`) outside 50 to 8000 pixels, and (`size`) when the
    ///   figure would exceed 10000 pixels on a side.
    /// - [`Error::ShapeMismatch`] (`boundaries`) when the last boundary is not the number
    ///   of rows (or columns), and (`names`) when the number of names is not the number of
    ///   groups.
    /// - [`Error::Io`] when a directory or the file cannot be created.
    /// - [`Error::Render`] when drawing or encoding fails.
    pub fn save_png(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        let started = Instant::now();
        let layout = self.prepare(path)?;
        write_via_temporary(path, "png", |temporary| {
            render::draw_png(&self.values, &layout, temporary)
        })?;
        self.log_saved(path, &layout, started);
        Ok(())
    }

    /// Saves the heatmap as an SVG image at `path`, whatever its extension. Creates missing
    /// parent directories.
    ///
    /// Texts are SVG `<text>` elements in the `sans-serif` family, lines are vector lines,
    /// and the cells are one embedded PNG `<image>`: one image pixel per cell, scaled up
    /// without smoothing, when every cell gets whole pixels, and otherwise the same pixels
    /// as the PNG output.
    ///
    /// # Errors
    ///
    /// The errors of [`save_png`](Self::save_png).
    pub fn save_svg(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        let started = Instant::now();
        let layout = self.prepare(path)?;
        let svg = render::draw_svg(&self.values, &layout).map_err(|r| render_error(path, r))?;
        write_via_temporary(path, "svg", |temporary| {
            std::fs::write(temporary, &svg).map_err(|error| error.to_string())
        })?;
        self.log_saved(path, &layout, started);
        Ok(())
    }

    /// Validates the settings, registers the font and lays the figure out.
    fn prepare(&self, path: &Path) -> Result<HeatmapLayout> {
        let (n_rows, n_cols) = self.values.dim();
        if let Some(groups) = &self.row_groups {
            groups.validate(n_rows, "rows")?;
        }
        if let Some(groups) = &self.column_groups {
            groups.validate(n_cols, "columns")?;
        }
        let range = self.checked_range()?;
        if !(MIN_AREA_SIZE..=MAX_AREA_SIZE).contains(&self.area_size) {
            return Err(Error::invalid_parameter(
                "area_size",
                self.area_size,
                format!("a side from {MIN_AREA_SIZE} to {MAX_AREA_SIZE} pixels"),
            ));
        }
        let embedded_font = ensure_registered().map_err(|reason| render_error(path, reason))?;
        layout(&layout::LayoutRequest {
            shape: (n_rows, n_cols),
            title: &self.title,
            row_groups: self.row_groups.as_ref(),
            column_groups: self.column_groups.as_ref(),
            colorbar_label: &self.colorbar_label,
            range,
            area_size: self.area_size,
            embedded_font,
        })
    }

    /// Returns the value range of the colormap: the one set, checked, or the data range.
    fn checked_range(&self) -> Result<(f64, f64)> {
        match self.value_range {
            Some((min, max)) => {
                if !(min.is_finite() && max.is_finite() && min < max) {
                    return Err(Error::invalid_parameter(
                        "value_range",
                        format!("({min}, {max})"),
                        "finite values with min < max",
                    ));
                }
                Ok((min, max))
            }
            None => {
                let min = self.values.iter().copied().fold(f64::INFINITY, f64::min);
                let max = self
                    .values
                    .iter()
                    .copied()
                    .fold(f64::NEG_INFINITY, f64::max);
                Ok((min, max))
            }
        }
    }

    fn log_saved(&self, path: &Path, layout: &HeatmapLayout, started: Instant) {
        let (n_rows, n_cols) = self.values.dim();
        log::info!(
            "saved {} ({}x{} pixels, heatmap of {n_rows}x{n_cols} values) in {:.0?}",
            path.display(),
            layout.width,
            layout.height,
            started.elapsed()
        );
    }
}

impl Groups {
    /// Checks the boundaries against `n` rows or columns (`axis`) and the name count.
    fn validate(&self, n: usize, axis: &str) -> Result<()> {
        let boundaries = &self.boundaries;
        if boundaries.first() != Some(&0) {
            return Err(Error::invalid_parameter(
                "boundaries",
                format_list(boundaries),
                format!(
                    "strictly increasing positions starting at 0 and ending at the number of \
                     {axis} ({n}), such as the cumulative group sizes with a leading 0"
                ),
            ));
        }
        if let Some(position) = boundaries.windows(2).position(|pair| pair[1] <= pair[0]) {
            return Err(Error::invalid_parameter(
                "boundaries",
                format_list(boundaries),
                format!(
                    "strictly increasing positions, but position {} ({}) is not above \
                     position {position} ({}): every group needs at least one row",
                    position + 1,
                    boundaries[position + 1],
                    boundaries[position]
                ),
            ));
        }
        let last = boundaries.last().copied().unwrap_or(0);
        if last != n {
            return Err(Error::ShapeMismatch {
                what: "boundaries",
                expected: format!("a last boundary equal to the number of {axis}, {n}"),
                found: format!("a last boundary of {last}"),
            });
        }
        let n_groups = boundaries.len() - 1;
        if self.names.len() != n_groups {
            return Err(Error::ShapeMismatch {
                what: "names",
                expected: format!(
                    "{n_groups} names, one per group of {axis} ({} boundaries)",
                    boundaries.len()
                ),
                found: format!("{} names", self.names.len()),
            });
        }
        Ok(())
    }
}

/// Formats a list of boundaries, shortened to its first and last values when long.
fn format_list(values: &[usize]) -> String {
    const SHOWN: usize = 8;
    if values.len() <= SHOWN {
        return format!("{values:?}");
    }
    let head: Vec<String> = values[..SHOWN / 2].iter().map(usize::to_string).collect();
    let tail: Vec<String> = values[values.len() - SHOWN / 2..]
        .iter()
        .map(usize::to_string)
        .collect();
    format!(
        "[{}, … {} more …, {}]",
        head.join(", "),
        values.len() - SHOWN,
        tail.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_boundary_lists_are_shortened() {
        assert_eq!(format_list(&[0, 3, 5]), "[0, 3, 5]");
        let long: Vec<usize> = (0..20).collect();
        assert_eq!(
            format_list(&long),
            "[0, 1, 2, 3, … 12 more …, 16, 17, 18, 19]"
        );
    }

    #[test]
    fn default_range_is_data_range() {
        let values = ndarray::array![[0.25_f64, -0.5], [1.5, 0.0]];
        let heatmap = Heatmap::new(&values).expect("finite values are valid");
        assert_eq!(heatmap.checked_range().expect("valid"), (-0.5, 1.5));
        let set = heatmap.value_range(-1.0, 1.0);
        assert_eq!(set.checked_range().expect("valid"), (-1.0, 1.0));
    }
}
