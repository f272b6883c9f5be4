//! Interactive scatter maps: one or more panels in a self-contained HTML file.

use std::path::Path;

use embviz_core::{Error, Float, Matrix, Result};
use serde_json::{Map, Value, json};

use super::page::{escape_plotly_text, page, save_html};
use super::points::{
    HoverInfo, RenderMode, check_length, color_traces, f32_is_enough, highlight_style,
    padded_limits, read_points, trace,
};
use crate::Coloring;

/// One interactive scatter panel: points, their colours, and what hovering a point shows.
///
/// The hover label of point `i` reads "sample i, class c" (or the colouring's value), then
/// the point's text, if [`texts`](Self::texts) were given, then every
/// [`field`](Self::field), such as an outlier score or a cluster id. Text is shown as typed:
/// tags and entities in it are escaped.
///
/// Draw it with [`InteractiveFigure`], alone or beside other panels.
///
/// # Example
///
/// ```
/// use embviz_plot::{Coloring, InteractiveFigure, InteractiveMap};
///
/// let map = vec![vec![0.0, 0.0], vec![1.0, 0.5], vec![5.0, 4.0]];
/// let panel = InteractiveMap::new(&map)?
///     .coloring(Coloring::categorical([0, 0, 1], ["cat", "dog"]))
///     .texts(["a black cat", "a <b>grey</b> cat", "a dog"])
///     .field("outlier score", [0.41, 0.43, 0.71])
///     .highlight("outliers", [false, false, true])
///     .title("t-SNE");
/// let html = InteractiveFigure::from(panel).title("Pets").to_html()?;
/// // The tag in the text is shown as typed, not drawn in bold.
/// assert!(html.contains(r"a \u0026lt;b\u0026gt;grey"));
/// assert!(!html.contains("<script src"));
/// # Ok::<(), embviz_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct InteractiveMap {
    points: Vec<[f64; 2]>,
    coloring: Coloring,
    hover: HoverInfo,
    highlight: Option<(String, Vec<bool>)>,
    title: String,
    x_label: String,
    y_label: String,
}

impl InteractiveMap {
    /// Builds a panel from an `n x 2` matrix of coordinates (any [`Matrix`], `f32` or `f64`).
    ///
    /// # Errors
    ///
    /// [`Error::EmptyInput`], [`Error::RaggedRows`], [`Error::ShapeMismatch`] when there are
    /// not exactly 2 columns, and [`Error::NonFinite`] naming the first NaN or infinite
    /// coordinate.
    pub fn new<F: Float>(coordinates: &impl Matrix<F>) -> Result<Self> {
        Ok(Self {
            points: read_points("coordinates", coordinates)?,
            coloring: Coloring::Single,
            hover: HoverInfo::default(),
            highlight: None,
            title: String::new(),
            x_label: String::new(),
            y_label: String::new(),
        })
    }

    /// Sets how the points are coloured: one colour, one per class with a legend whose
    /// entries toggle their class, or a value per point with a colorbar.
    #[must_use]
    pub fn coloring(mut self, coloring: Coloring) -> Self {
        self.coloring = coloring;
        self
    }

    /// Sets one text per point, shown in its hover label: a document snippet, a file name.
    /// Texts longer than 280 characters are cut.
    #[must_use]
    pub fn texts<S: Into<String>>(mut self, texts: impl IntoIterator<Item = S>) -> Self {
        self.hover.texts = Some(texts.into_iter().map(Into::into).collect());
        self
    }

    /// Adds a named number per point to the hover labels, such as `"outlier score"` or
    /// `"cluster"`. Integers are shown as integers, other values with four significant
    /// digits.
    #[must_use]
    pub fn field<V: Into<f64>>(
        mut self,
        name: impl Into<String>,
        values: impl IntoIterator<Item = V>,
    ) -> Self {
        self.hover
            .fields
            .push((name.into(), values.into_iter().map(Into::into).collect()));
        self
    }

    /// Rings the points where `mask` is true with a dark open circle drawn above the other
    /// points, with its own legend entry `name` (for example `"outliers"`). The rings are
    /// one trace: hiding a class in the legend leaves the rings of its points, and hiding
    /// the ring entry leaves the points.
    #[must_use]
    pub fn highlight(
        mut self,
        name: impl Into<String>,
        mask: impl IntoIterator<Item = bool>,
    ) -> Self {
        self.highlight = Some((name.into(), mask.into_iter().collect()));
        self
    }

    /// Sets the panel title.
    #[must_use]
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = title.into();
        self
    }

    /// Sets the x-axis label.
    #[must_use]
    pub fn x_label(mut self, label: impl Into<String>) -> Self {
        self.x_label = label.into();
        self
    }

    /// Sets the y-axis label.
    #[must_use]
    pub fn y_label(mut self, label: impl Into<String>) -> Self {
        self.y_label = label.into();
        self
    }

    /// Number of points.
    #[must_use]
    pub fn len(&self) -> usize {
        self.points.len()
    }

    /// Always false: a panel has at least one point.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    fn validate(&self) -> Result<()> {
        let n = self.points.len();
        self.coloring.validate(n)?;
        self.hover.validate(n)?;
        if let Some((_, mask)) = &self.highlight {
            check_length("highlight", mask.len(), n)?;
        }
        Ok(())
    }

    fn hover_labels(&self) -> Vec<String> {
        (0..self.points.len())
            .map(|row| self.hover.label(row, &self.coloring, &[]))
            .collect()
    }
}

/// Interactive panels side by side in one self-contained HTML file, the counterpart of
/// [`Figure`](crate::Figure) for the browser.
///
/// The file embeds plotly.js and the data, so it opens offline in any browser, with no
/// server. Readers can hover a point to read its label, zoom, pan, box- or lasso-select,
/// and click a legend entry to hide or show a class in every panel. A class name keeps the
/// colour it has in the first panel that has it. Above [`RenderMode::WEBGL_ABOVE`] points
/// the markers are drawn with WebGL, which keeps 100,000 points responsive.
///
/// # Example
///
/// ```
/// use embviz_plot::{Coloring, InteractiveFigure, InteractiveMap};
///
/// let tsne = vec![vec![0.0, 0.0], vec![1.0, 0.5], vec![5.0, 4.0]];
/// let umap = vec![vec![2.0, 1.0], vec![2.5, 1.0], vec![9.0, 7.0]];
/// let classes = Coloring::categorical([0, 0, 1], ["cat", "dog"]);
/// let path = std::env::temp_dir().join("embviz-plot-doc").join("maps.html");
/// InteractiveFigure::new()
///     .panel(InteractiveMap::new(&tsne)?.coloring(classes.clone()).title("t-SNE"))
///     .panel(InteractiveMap::new(&umap)?.coloring(classes).title("UMAP"))
///     .title("Two maps of the same points")
///     .save(&path)?;
/// assert!(std::fs::read_to_string(&path).expect("written").contains("Plotly.newPlot"));
/// # Ok::<(), embviz_core::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct InteractiveFigure {
    panels: Vec<InteractiveMap>,
    title: String,
    columns: Option<usize>,
    render_mode: RenderMode,
}

impl From<InteractiveMap> for InteractiveFigure {
    fn from(panel: InteractiveMap) -> Self {
        Self::new().panel(panel)
    }
}

impl InteractiveFigure {
    /// Creates an empty figure. Add panels with [`panel`](Self::panel).
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a panel.
    #[must_use]
    pub fn panel(mut self, panel: InteractiveMap) -> Self {
        self.panels.push(panel);
        self
    }

    /// Adds several panels.
    #[must_use]
    pub fn panels(mut self, panels: impl IntoIterator<Item = InteractiveMap>) -> Self {
        self.panels.extend(panels);
        self
    }

    /// Sets the figure title, also used as the page title.
    #[must_use]
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = title.into();
        self
    }

    /// Sets the number of panel columns. Default: all panels in one row, up to 3 per row.
    #[must_use]
    pub fn columns(mut self, columns: usize) -> Self {
        self.columns = Some(columns);
        self
    }

    /// Chooses SVG or WebGL markers. Default: [`RenderMode::Auto`].
    #[must_use]
    pub fn render_mode(mut self, mode: RenderMode) -> Self {
        self.render_mode = mode;
        self
    }

    /// Returns the HTML page.
    ///
    /// # Errors
    ///
    /// - [`Error::InvalidParameter`] when the figure has no panel, `columns` is 0, or a class
    ///   id has no name.
    /// - [`Error::ShapeMismatch`] when labels, values, texts, fields or the highlight mask
    ///   do not have one entry per point of their panel.
    pub fn to_html(&self) -> Result<String> {
        Ok(page(&self.title, &self.figure_json()?))
    }

    /// Writes the HTML page to `path`, creating missing parent folders. The file is written
    /// under a temporary name first, so a failed write leaves no partial file.
    ///
    /// # Errors
    ///
    /// The errors of [`to_html`](Self::to_html), [`Error::Io`] naming the path when a
    /// missing parent folder cannot be created or the written file cannot be moved into
    /// place, and [`Error::Render`] when the file cannot be written.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        let html = self.to_html()?;
        save_html(path.as_ref(), &html)
    }

    fn figure_json(&self) -> Result<Value> {
        if self.panels.is_empty() {
            return Err(Error::InvalidParameter {
                name: "panels",
                value: "none".to_owned(),
                expected: "at least one panel: add one with InteractiveFigure::panel".to_owned(),
            });
        }
        if self.columns == Some(0) {
            return Err(Error::InvalidParameter {
                name: "columns",
                value: "0".to_owned(),
                expected: "at least 1 column".to_owned(),
            });
        }
        for panel in &self.panels {
            panel.validate()?;
        }
        let n_panels = self.panels.len();
        let columns = self.columns.unwrap_or(n_panels.min(3)).min(n_panels);
        let rows = n_panels.div_ceil(columns);
        let total_points: usize = self.panels.iter().map(InteractiveMap::len).sum();
        let trace_type = self.render_mode.trace_type(total_points);
        let marker_size = marker_size(total_points / n_panels);

        let narrow = f32_is_enough(self.panels.iter().flat_map(|panel| panel.points.iter()));
        let continuous = self
            .panels
            .iter()
            .any(|panel| matches!(panel.coloring, Coloring::Continuous { .. }));
        // A colorbar beside each continuous panel needs a wider gap between columns.
        let column_gap = if continuous { 0.14 } else { 0.06 };
        let highlighted: usize = self
            .panels
            .iter()
            .filter_map(|panel| panel.highlight.as_ref())
            .map(|(_, mask)| mask.iter().filter(|&&flag| flag).count())
            .sum();

        let mut data = Vec::new();
        let mut layout = Map::new();
        let mut annotations = Vec::new();
        let mut legend_shown = std::collections::HashSet::new();
        // A class name keeps the colour it has in the first panel that has it.
        let mut class_colors: std::collections::HashMap<String, Value> =
            std::collections::HashMap::new();
        for (index, panel) in self.panels.iter().enumerate() {
            let axis = if index == 0 {
                String::new()
            } else {
                (index + 1).to_string()
            };
            let (x_ref, y_ref) = (format!("x{axis}"), format!("y{axis}"));
            let labels = panel.hover_labels();
            let (column, row) = (index % columns, index / columns);
            let x_domain = domain(column, columns, column_gap);
            // Rows count from the top of the page.
            let y_domain = domain(rows - 1 - row, rows, 0.12);
            for spec in color_traces(&panel.coloring, panel.len(), marker_size, true) {
                let mut style = spec.style.clone();
                let group = style
                    .get("legendgroup")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                if let Some(Value::Object(marker)) = style.get_mut("marker") {
                    if group.starts_with("class ") {
                        let color = marker.get("color").cloned().unwrap_or(Value::Null);
                        let first_color = class_colors.entry(group.clone()).or_insert(color);
                        marker.insert("color".into(), first_color.clone());
                    }
                    // Each continuous panel gets its own colorbar, beside the panel.
                    if let Some(Value::Object(colorbar)) = marker.get_mut("colorbar") {
                        colorbar.insert("x".into(), (x_domain[1] + 0.01).into());
                        colorbar.insert("xanchor".into(), "left".into());
                        colorbar.insert("y".into(), ((y_domain[0] + y_domain[1]) / 2.0).into());
                        colorbar.insert("yanchor".into(), "middle".into());
                        colorbar.insert("len".into(), (y_domain[1] - y_domain[0]).into());
                        colorbar.insert("thickness".into(), 14.into());
                    }
                }
                let first = group.is_empty() || legend_shown.insert(group);
                if !first {
                    style.insert("showlegend".into(), false.into());
                }
                data.push(trace(
                    &style,
                    trace_type,
                    (&spec.rows, &panel.points, narrow),
                    &labels,
                    Some((&x_ref, &y_ref)),
                ));
            }
            if let Some((name, mask)) = &panel.highlight {
                let rows: Vec<usize> = (0..panel.len()).filter(|&r| mask[r]).collect();
                let show = legend_shown.insert("highlight".to_owned());
                // One legend entry toggles the rings of every panel, so it counts them all.
                let name = format!("{name} ({highlighted})");
                let style = highlight_style(&name, marker_size, show);
                data.push(trace(
                    &style,
                    trace_type,
                    (&rows, &panel.points, narrow),
                    &labels,
                    Some((&x_ref, &y_ref)),
                ));
            }

            let limits = padded_limits(panel.points.iter());
            layout.insert(
                format!("xaxis{axis}"),
                axis_json(&panel.x_label, x_domain, limits[0], &y_ref),
            );
            let mut y_axis = axis_json(&panel.y_label, y_domain, limits[1], &x_ref);
            // One unit is as long on both axes, as distances in a map should be.
            y_axis["scaleanchor"] = x_ref.clone().into();
            layout.insert(format!("yaxis{axis}"), y_axis);
            if !panel.title.is_empty() {
                annotations.push(json!({
                    "text": escape_plotly_text(&panel.title),
                    "x": (x_domain[0] + x_domain[1]) / 2.0,
                    "y": y_domain[1],
                    "xref": "paper", "yref": "paper",
                    "xanchor": "center", "yanchor": "bottom",
                    "showarrow": false,
                    "font": { "size": 15 },
                }));
            }
        }
        layout.insert("annotations".into(), Value::Array(annotations));
        layout.insert(
            "title".into(),
            json!({ "text": escape_plotly_text(&self.title), "x": 0.5 }),
        );
        layout.insert("hovermode".into(), "closest".into());
        layout.insert("dragmode".into(), "zoom".into());
        layout.insert("legend".into(), legend_json(continuous));
        layout.insert(
            "template".into(),
            json!({ "layout": { "plot_bgcolor": "#ffffff" } }),
        );
        layout.insert("margin".into(), json!({ "t": 80 }));
        Ok(json!({
            "data": data,
            "layout": layout,
            "config": config(),
        }))
    }
}

/// Returns the legend settings: beside the plot, or below it when a colorbar takes the
/// right-hand side.
pub(crate) fn legend_json(colorbar: bool) -> Value {
    if colorbar {
        json!({ "itemsizing": "constant", "orientation": "h", "x": 0, "y": -0.12, "yanchor": "top" })
    } else {
        json!({ "itemsizing": "constant" })
    }
}

/// Marker diameter in pixels for panels of about `n` points.
pub(crate) fn marker_size(n: usize) -> f64 {
    match n {
        0..=2_000 => 7.0,
        2_001..=20_000 => 5.0,
        _ => 3.0,
    }
}

/// Returns the fraction of the page taken by cell `index` of `count` cells, with `gap` between cells.
pub(crate) fn domain(index: usize, count: usize, gap: f64) -> [f64; 2] {
    let width = 1.0 / count as f64;
    let inner_gap = if count > 1 { gap / 2.0 } else { 0.0 };
    let start = index as f64 * width + if index > 0 { inner_gap } else { 0.0 };
    let end = (index + 1) as f64 * width - if index + 1 < count { inner_gap } else { 0.0 };
    [start, end]
}

/// Returns an axis over `domain` of the page, showing `range` at first, anchored to its partner.
pub(crate) fn axis_json(label: &str, domain: [f64; 2], range: [f64; 2], anchor: &str) -> Value {
    json!({
        "title": { "text": escape_plotly_text(label) },
        "domain": domain,
        "range": range,
        "anchor": anchor,
        "zeroline": false,
        "showgrid": true,
        "gridcolor": "#e5e5e5",
        "linecolor": "#262626",
        "mirror": true,
    })
}

/// Returns the plotly configuration: responsive, with the mode bar (zoom, pan, box and lasso
/// select, PNG download) and no link to plotly's web service.
pub(crate) fn config() -> Value {
    json!({
        "responsive": true,
        "displaylogo": false,
        "scrollZoom": true,
        "showLink": false,
        "toImageButtonOptions": { "format": "png", "scale": 2 },
    })
}
