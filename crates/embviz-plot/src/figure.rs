//! A grid of panels saved as PNG or SVG.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use embviz_core::{Error, Result};
use plotters::prelude::{BitMapBackend, DrawingBackend, IntoDrawingArea, SVGBackend};

use crate::Panel;
use crate::draw::{RenderStyle, TextMode, draw_figure};
use crate::font::ensure_registered;
use crate::glyphs::embedded_metrics;
use crate::layout::{FigureLayout, LayoutRequest, MAX_SIDE, layout};

/// Default marker radius in pixels.
const DEFAULT_POINT_RADIUS: u32 = 3;
/// Largest marker radius in pixels.
const MAX_POINT_RADIUS: u32 = 100;
/// Default marker opacity.
const DEFAULT_ALPHA: f64 = 0.8;
/// Smallest figure side in pixels.
const MIN_SIDE: u32 = 100;

/// A figure of one or more [`Panel`]s in a grid, saved as PNG or SVG.
///
/// Panels fill the grid row by row. A legend of class names sits to the right of the grid
/// when every categorical panel has the same names, and otherwise to the right of each
/// categorical panel. A continuous panel gets a viridis colorbar to its right. Legends and
/// colorbars are placed outside the plotting areas, so they never cover points. Each axis
/// spans the panel's data plus 5% on each side, as matplotlib's default margins do, unless
/// the panel fixes it with [`Panel::x_range`] or [`Panel::y_range`].
///
/// For a grid of snapshots, such as one map per fine-tuning epoch,
/// [`share_axes`](Self::share_axes) gives every panel the same axis ranges. A categorical
/// colour depends on the class id alone, so class `k` has
/// [`category_color(k)`](crate::category_color) in every panel and in the legend, also in
/// panels where some classes have no point.
///
/// Text is drawn with an embedded DejaVu Sans font, so no system font is needed. PNG output
/// is the same bytes on every run. SVG output names the `sans-serif` family, so a viewer
/// draws its text with its own sans-serif font.
///
/// The default size gives each panel about 780x720 pixels plus room for legends and titles:
/// 1017x800 pixels for one panel with a figure title and a legend of ten short names.
///
/// # Example
///
/// ```
/// use embviz_plot::{Coloring, Figure, Panel};
/// use ndarray::array;
///
/// let tsne = array![[0.0_f32, 0.0], [1.0, 0.2], [4.0, 3.0], [5.0, 3.5]];
/// let pca = array![[0.1_f32, 1.0], [0.3, 1.1], [2.0, -1.0], [2.2, -1.3]];
/// let classes = Coloring::categorical([0, 0, 1, 1], ["cats", "dogs"]);
///
/// let figure = Figure::new()
///     .title("Pets")
///     .panel(Panel::new(&tsne)?.coloring(classes.clone()).title("t-SNE"))
///     .panel(Panel::new(&pca)?.coloring(classes).title("PCA"))
///     .size(900, 450);
///
/// let path = std::env::temp_dir().join("embviz-plot-doc").join("pets.svg");
/// figure.save(&path)?;
/// let svg = std::fs::read_to_string(&path).expect("the figure was written");
/// assert!(svg.contains("cats") && svg.contains("dogs"));
/// # Ok::<(), embviz_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    panels: Vec<Panel>,
    title: String,
    columns: Option<usize>,
    size: Option<(u32, u32)>,
    point_radius: u32,
    alpha: f64,
    share_axes: bool,
}

impl Default for Figure {
    fn default() -> Self {
        Self {
            panels: Vec::new(),
            title: String::new(),
            columns: None,
            size: None,
            point_radius: DEFAULT_POINT_RADIUS,
            alpha: DEFAULT_ALPHA,
            share_axes: false,
        }
    }
}

impl From<Panel> for Figure {
    fn from(panel: Panel) -> Self {
        Self::new().panel(panel)
    }
}

impl Figure {
    /// Builds an empty figure with the defaults of each setter.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a panel after the panels already added.
    #[must_use]
    pub fn panel(mut self, panel: Panel) -> Self {
        self.panels.push(panel);
        self
    }

    /// Adds several panels in order.
    #[must_use]
    pub fn panels(mut self, panels: impl IntoIterator<Item = Panel>) -> Self {
        self.panels.extend(panels);
        self
    }

    /// Sets the title drawn above all panels. Default: none.
    #[doc(alias = "suptitle")]
    #[must_use]
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = title.into();
        self
    }

    /// Sets the number of panel columns, at least 1. Default: the panel count up to 3
    /// panels, then the square root of the panel count rounded up (2 for 4 panels).
    #[doc(alias = "ncols")]
    #[must_use]
    pub fn columns(mut self, columns: usize) -> Self {
        self.columns = Some(columns);
        self
    }

    /// Sets the figure size in pixels, each side from 100 to 10000. Default: about 780x720
    /// pixels per panel, plus the legend, colorbars and titles.
    #[doc(alias = "figsize")]
    #[must_use]
    pub fn size(mut self, width: u32, height: u32) -> Self {
        self.size = Some((width, height));
        self
    }

    /// Sets the marker radius in pixels, from 1 to 100. Default: 3, a 7-pixel-wide dot.
    #[doc(alias = "markersize")]
    #[must_use]
    pub fn point_radius(mut self, radius: u32) -> Self {
        self.point_radius = radius;
        self
    }

    /// Sets the marker opacity, in (0, 1]. Default: 0.8, so dense regions read darker.
    #[must_use]
    pub fn alpha(mut self, alpha: f64) -> Self {
        self.alpha = alpha;
        self
    }

    /// Gives every panel the same x range and the same y range when `share` is true, as
    /// matplotlib's `plt.subplots(sharex=True, sharey=True)`: each axis spans the union of
    /// the data of all panels, plus 5% on each side. Default: false, so each panel spans
    /// its own data.
    ///
    /// A panel's own [`Panel::x_range`] or [`Panel::y_range`] still applies to that panel
    /// alone, where matplotlib would pass it on to every shared axis. Its data still counts
    /// towards the shared range of the other panels. Every panel keeps its tick labels,
    /// where matplotlib hides those between panels.
    #[doc(alias = "sharex")]
    #[doc(alias = "sharey")]
    #[must_use]
    pub fn share_axes(mut self, share: bool) -> Self {
        self.share_axes = share;
        self
    }

    /// Saves the figure as PNG or SVG, chosen by the extension of `path` (`.png` or `.svg`,
    /// in any case). Creates missing parent directories.
    ///
    /// # Errors
    ///
    /// - [`Error::InvalidParameter`] for `path` when the extension is neither `png` nor
    ///   `svg`.
    /// - Every error of [`Figure::save_png`].
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

    /// Saves the figure as a PNG image at `path`, whatever its extension. Creates missing
    /// parent directories.
    ///
    /// The image is written to a temporary file beside `path` and renamed when complete, so
    /// a failure never leaves a partial file at `path`.
    ///
    /// # Errors
    ///
    /// - [`Error::InvalidParameter`] when the figure has no panel, or `columns`, `size`,
    ///   `point_radius` or `alpha` is out of range. Also for a panel's `x_range` or
    ///   `y_range` when a limit is not finite, `low >= high`, or the span is too wide for
    ///   `f64` or too narrow for its magnitude, and for `coordinates` when the range of the
    ///   data overflows `f64`.
    /// - [`Error::ShapeMismatch`] when a panel's labels, values or highlight mask do not
    ///   have one entry per point, and [`Error::InvalidParameter`] for `labels` when a class
    ///   id has no name.
    /// - [`Error::Io`] when a directory or the file cannot be created.
    /// - [`Error::Render`] when drawing or encoding fails.
    pub fn save_png(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        let started = Instant::now();
        let (layout, embedded_font) = self.prepare(path)?;
        // Glyph placement needs the metrics of the font plotters draws with, so it is off
        // when the application registered its own sans-serif font.
        let text = match embedded_metrics().filter(|_| embedded_font) {
            Some(metrics) => TextMode::Glyphs(metrics),
            None => TextMode::Whole,
        };
        write_via_temporary(path, "png", |temporary| {
            let backend = BitMapBackend::new(temporary, (layout.width, layout.height));
            self.draw_on(backend, &layout, text)
        })?;
        self.log_saved(path, &layout, started);
        Ok(())
    }

    /// Saves the figure as an SVG image at `path`, whatever its extension. Creates missing
    /// parent directories.
    ///
    /// Every text is an SVG `<text>` element in the `sans-serif` family.
    ///
    /// # Errors
    ///
    /// The errors of [`Figure::save_png`].
    pub fn save_svg(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        let started = Instant::now();
        let (layout, _) = self.prepare(path)?;
        let mut svg = String::new();
        {
            let backend = SVGBackend::with_string(&mut svg, (layout.width, layout.height));
            self.draw_on(backend, &layout, TextMode::Whole)
                .map_err(|reason| render_error(path, reason))?;
        }
        write_via_temporary(path, "svg", |temporary| {
            std::fs::write(temporary, &svg).map_err(|error| error.to_string())
        })?;
        self.log_saved(path, &layout, started);
        Ok(())
    }

    /// Validates the figure and its panels, registers the font and lays the figure out.
    /// Returns the layout and whether the embedded font is the one in use.
    fn prepare(&self, path: &Path) -> Result<(FigureLayout, bool)> {
        self.validate()?;
        for panel in &self.panels {
            panel.validate()?;
        }
        let embedded_font = ensure_registered().map_err(|reason| render_error(path, reason))?;
        let layout = layout(&LayoutRequest {
            panels: &self.panels,
            title: &self.title,
            columns: self.column_count(),
            size: self.size,
            share_axes: self.share_axes,
        })?;
        Ok((layout, embedded_font))
    }

    fn validate(&self) -> Result<()> {
        if self.panels.is_empty() {
            return Err(Error::invalid_parameter(
                "panels",
                0,
                "at least one panel: add one with Figure::panel",
            ));
        }
        if self.columns == Some(0) {
            return Err(Error::invalid_parameter("columns", 0, "at least 1 column"));
        }
        if let Some((width, height)) = self.size {
            let valid = MIN_SIDE..=MAX_SIDE;
            if !valid.contains(&width) || !valid.contains(&height) {
                return Err(Error::invalid_parameter(
                    "size",
                    format!("{width}x{height}"),
                    format!("a width and height from {MIN_SIDE} to {MAX_SIDE} pixels"),
                ));
            }
        }
        if !(1..=MAX_POINT_RADIUS).contains(&self.point_radius) {
            return Err(Error::invalid_parameter(
                "point_radius",
                self.point_radius,
                format!("a radius from 1 to {MAX_POINT_RADIUS} pixels"),
            ));
        }
        if !(self.alpha > 0.0 && self.alpha <= 1.0) {
            return Err(Error::invalid_parameter(
                "alpha",
                self.alpha,
                "an opacity in (0, 1], where 1 is opaque",
            ));
        }
        Ok(())
    }

    fn column_count(&self) -> usize {
        match self.columns {
            Some(columns) => columns,
            None if self.panels.len() <= 3 => self.panels.len(),
            None => (self.panels.len() as f64).sqrt().ceil() as usize,
        }
    }

    /// Draws the figure on `backend` and flushes it.
    fn draw_on<DB: DrawingBackend>(
        &self,
        backend: DB,
        layout: &FigureLayout,
        text: TextMode,
    ) -> std::result::Result<(), String> {
        let root = backend.into_drawing_area();
        let style = RenderStyle {
            radius: self.point_radius,
            alpha: self.alpha,
            text,
        };
        draw_figure(&root, &self.panels, layout, style)?;
        root.present().map_err(|error| error.to_string())
    }

    fn log_saved(&self, path: &Path, layout: &FigureLayout, started: Instant) {
        let n_points: usize = self.panels.iter().map(Panel::len).sum();
        log::info!(
            "saved {} ({}x{} pixels, {} panels, {n_points} points) in {:.0?}",
            path.display(),
            layout.width,
            layout.height,
            self.panels.len(),
            started.elapsed()
        );
    }
}

pub(crate) fn render_error(path: &Path, reason: impl Into<String>) -> Error {
    Error::Render {
        path: path.to_path_buf(),
        reason: reason.into(),
    }
}

/// Runs `write` on a temporary path beside `path`, with the same extension, then renames the
/// temporary file to `path`. Removes the temporary file when writing or renaming fails.
pub(crate) fn write_via_temporary(
    path: &Path,
    extension: &str,
    write: impl FnOnce(&Path) -> std::result::Result<(), String>,
) -> Result<()> {
    let parent = path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty());
    if let Some(parent) = parent {
        std::fs::create_dir_all(parent).map_err(|source| Error::Io {
            path: parent.to_path_buf(),
            source,
        })?;
    }
    let temporary = temporary_path(path, extension);
    if let Err(reason) = write(&temporary) {
        // The temporary file may not exist, so a failed removal is expected and ignored.
        let _ = std::fs::remove_file(&temporary);
        return Err(render_error(path, reason));
    }
    std::fs::rename(&temporary, path).map_err(|source| {
        let _ = std::fs::remove_file(&temporary);
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    })
}

/// Returns a hidden file name beside `path` that no other save in this process uses. The
/// bitmap backend picks its encoder from the extension, so the name keeps `extension`.
fn temporary_path(path: &Path, extension: &str) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let name = path
        .file_name()
        .map_or_else(|| "figure".into(), |name| name.to_string_lossy());
    let file = format!(".{name}.{}-{count}.partial.{extension}", std::process::id());
    path.with_file_name(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_columns_follow_panel_count() {
        let panel = Panel::from_points(&[[0.0, 0.0]]).expect("finite points are valid");
        let with = |n: usize| Figure::new().panels(std::iter::repeat_n(panel.clone(), n));
        assert_eq!(with(1).column_count(), 1);
        assert_eq!(with(3).column_count(), 3);
        assert_eq!(with(4).column_count(), 2);
        assert_eq!(with(5).column_count(), 3);
        assert_eq!(with(10).column_count(), 4);
        assert_eq!(with(4).columns(1).column_count(), 1);
    }

    #[test]
    fn temporary_name_keeps_directory_and_extension() {
        let temporary = temporary_path(Path::new("out/maps/tsne.png"), "png");
        assert_eq!(temporary.parent(), Some(Path::new("out/maps")));
        assert_eq!(temporary.extension().and_then(|e| e.to_str()), Some("png"));
        let name = temporary.file_name().and_then(|n| n.to_str()).unwrap_or("");
        assert!(name.starts_with(".tsne.png."), "{name}");
        assert_ne!(
            temporary,
            temporary_path(Path::new("out/maps/tsne.png"), "png")
        );
    }
}
