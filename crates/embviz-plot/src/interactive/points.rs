//! Per-point data shared by interactive maps and animations: coordinates, hover text and
//! the split of points into plotly traces.

use embviz_core::{Error, Float, Matrix, Result, validate};
use serde_json::{Map, Value, json};

use super::page::escape_plotly_text;
use crate::Coloring;
use crate::color::{INK, MISSING, category_rgb};

/// Maximum length of a user text in a hover label, in characters. Longer texts are cut and end
/// with "…".
const MAX_TEXT_CHARS: usize = 280;

/// Hover text lines are wrapped at about this many characters.
const WRAP_CHARS: usize = 72;

/// Marker rendering in the browser: SVG or WebGL.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum RenderMode {
    /// SVG up to [`RenderMode::WEBGL_ABOVE`] points per figure, WebGL above.
    #[default]
    Auto,
    /// SVG markers: crisp when printed, slow past about ten thousand points.
    Svg,
    /// WebGL markers (plotly's `scattergl`): fast for hundreds of thousands of points.
    WebGl,
}

impl RenderMode {
    /// Number of points per figure above which [`RenderMode::Auto`] switches to WebGL.
    pub const WEBGL_ABOVE: usize = 5_000;

    pub(crate) fn trace_type(self, n_points: usize) -> &'static str {
        let webgl = match self {
            Self::Auto => n_points > Self::WEBGL_ABOVE,
            Self::Svg => false,
            Self::WebGl => true,
        };
        if webgl { "scattergl" } else { "scatter" }
    }
}

/// Reads an `n x 2` matrix of finite coordinates.
pub(crate) fn read_points<F: Float>(
    what: &'static str,
    coordinates: &impl Matrix<F>,
) -> Result<Vec<[f64; 2]>> {
    let rows = coordinates.to_rows()?;
    let view = rows.view();
    validate::non_empty(what, &view)?;
    if view.ncols() != 2 {
        return Err(Error::ShapeMismatch {
            what,
            expected: "2 columns (x, y)".to_owned(),
            found: format!("{} columns", view.ncols()),
        });
    }
    validate::finite(what, &view)?;
    Ok(view
        .outer_iter()
        .map(|row| [row[0].to_f64_exact(), row[1].to_f64_exact()])
        .collect())
}

/// Checks that a per-point list has one entry per point.
pub(crate) fn check_length(what: &'static str, found: usize, n_points: usize) -> Result<()> {
    if found != n_points {
        return Err(Error::ShapeMismatch {
            what,
            expected: format!("{n_points} values, one per point"),
            found: format!("{found} values"),
        });
    }
    Ok(())
}

/// Checks that a list has `expected` entries, one per `each` (point, frame, row, column).
pub(crate) fn check_count(
    what: &'static str,
    found: usize,
    expected: usize,
    each: &str,
) -> Result<()> {
    if found != expected {
        return Err(Error::ShapeMismatch {
            what,
            expected: format!("{expected}, one per {each}"),
            found: found.to_string(),
        });
    }
    Ok(())
}

/// Hover label contents of each point besides its class: texts and named numbers.
#[derive(Debug, Clone, Default)]
pub(crate) struct HoverInfo {
    /// User text per point: a document snippet, a file name.
    pub(crate) texts: Option<Vec<String>>,
    /// Named numbers per point: an outlier score, a cluster id.
    pub(crate) fields: Vec<(String, Vec<f64>)>,
}

impl HoverInfo {
    pub(crate) fn validate(&self, n_points: usize) -> Result<()> {
        if let Some(texts) = &self.texts {
            check_length("texts", texts.len(), n_points)?;
        }
        for (_, values) in &self.fields {
            check_length("hover values", values.len(), n_points)?;
        }
        Ok(())
    }

    /// Returns the hover label of point `row`, escaped for plotly: "sample i, class c", then
    /// the user text, then each field. `extra` adds per-frame fields.
    pub(crate) fn label(&self, row: usize, coloring: &Coloring, extra: &[(&str, f64)]) -> String {
        let mut label = format!("<b>sample {row}</b>");
        match coloring {
            Coloring::Categorical { labels, names } => {
                if let Some(name) = labels.get(row).and_then(|&id| names.get(id)) {
                    label.push_str(", class ");
                    label.push_str(&escape_plotly_text(name));
                }
            }
            Coloring::Continuous {
                values,
                label: name,
            } => {
                if let Some(&value) = values.get(row) {
                    push_field(&mut label, name, value);
                }
            }
            _ => {}
        }
        if let Some(text) = self.texts.as_ref().and_then(|texts| texts.get(row))
            && !text.is_empty()
        {
            label.push_str("<br>");
            label.push_str(&wrapped(text));
        }
        for (name, values) in &self.fields {
            if let Some(&value) = values.get(row) {
                push_field(&mut label, name, value);
            }
        }
        for &(name, value) in extra {
            push_field(&mut label, name, value);
        }
        label
    }
}

fn push_field(label: &mut String, name: &str, value: f64) {
    label.push_str("<br>");
    label.push_str(&escape_plotly_text(name));
    label.push_str(": ");
    label.push_str(&format_number(value));
}

/// Formats a hover value: integers as integers, others with four significant digits.
pub(crate) fn format_number(value: f64) -> String {
    if !value.is_finite() {
        return value.to_string();
    }
    if value.fract() == 0.0 && value.abs() < 1e15 {
        return format!("{value:.0}");
    }
    let magnitude = value.abs();
    if !(1e-4..1e6).contains(&magnitude) {
        return format!("{value:.3e}");
    }
    let decimals = (3 - magnitude.log10().floor() as i32).clamp(0, 7) as usize;
    format!("{value:.decimals$}")
}

/// Shortens `text` to [`MAX_TEXT_CHARS`], escapes it and breaks it into lines at spaces.
fn wrapped(text: &str) -> String {
    let mut shortened: String = text.chars().take(MAX_TEXT_CHARS).collect();
    if text.chars().nth(MAX_TEXT_CHARS).is_some() {
        shortened.push('…');
    }
    let mut result = String::with_capacity(shortened.len() + 16);
    let mut line_chars = 0;
    // Words longer than a line (CJK text, paths, URLs) are cut into line-long pieces.
    let pieces = shortened.split_whitespace().flat_map(|word| {
        let chars: Vec<char> = word.chars().collect();
        chars
            .chunks(WRAP_CHARS)
            .map(|chunk| chunk.iter().collect::<String>())
            .collect::<Vec<_>>()
    });
    for word in pieces {
        let word = word.as_str();
        let chars = word.chars().count();
        if line_chars > 0 {
            if line_chars + 1 + chars > WRAP_CHARS {
                result.push_str("<br>");
                line_chars = 0;
            } else {
                result.push(' ');
                line_chars += 1;
            }
        }
        result.push_str(&escape_plotly_text(word));
        line_chars += chars;
    }
    result
}

/// Returns `#rrggbb` for a plotters colour.
pub(crate) fn hex(color: plotters::style::RGBColor) -> String {
    format!("#{:02x}{:02x}{:02x}", color.0, color.1, color.2)
}

/// One plotly trace's worth of points: which rows, and how the trace looks.
#[derive(Debug, Clone)]
pub(crate) struct TraceSpec {
    /// Rows of the points in the trace.
    pub(crate) rows: Vec<usize>,
    /// Trace properties other than x, y and text.
    pub(crate) style: Map<String, Value>,
}

/// Splits the points into traces: one per class (so a legend click toggles a class), one
/// for a continuous colouring plus one for its missing values, or one for a single colour.
///
/// `show_legend` is false for the second and later panels of a figure, whose classes share
/// the first panel's legend entries through legend groups.
pub(crate) fn color_traces(
    coloring: &Coloring,
    n_points: usize,
    marker_size: f64,
    show_legend: bool,
) -> Vec<TraceSpec> {
    let base_marker = |color: Value| json!({ "size": marker_size, "color": color, "opacity": 0.8 });
    match coloring {
        Coloring::Categorical { labels, names } => {
            let mut members = vec![Vec::new(); names.len()];
            for (row, &label) in labels.iter().enumerate() {
                if let Some(rows) = members.get_mut(label) {
                    rows.push(row);
                }
            }
            members
                .into_iter()
                .enumerate()
                .filter(|(_, rows)| !rows.is_empty())
                .map(|(id, rows)| {
                    let mut style = Map::new();
                    style.insert("name".into(), escape_plotly_text(&names[id]).into());
                    // Grouped by name: panels that share a class name share its legend entry,
                    // and panels with other names (clusters beside classes) get their own.
                    style.insert("legendgroup".into(), format!("class {}", names[id]).into());
                    style.insert("showlegend".into(), show_legend.into());
                    style.insert("marker".into(), base_marker(hex(category_rgb(id)).into()));
                    TraceSpec { rows, style }
                })
                .collect()
        }
        Coloring::Continuous { values, label } => {
            let (finite, missing): (Vec<usize>, Vec<usize>) =
                (0..n_points).partition(|&row| values.get(row).is_some_and(|v| v.is_finite()));
            let (low, high) = finite
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |acc, &r| {
                    (acc.0.min(values[r]), acc.1.max(values[r]))
                });
            let mut traces = Vec::new();
            if !missing.is_empty() {
                let mut style = Map::new();
                style.insert("name".into(), "missing value".into());
                style.insert("legendgroup".into(), "missing".into());
                style.insert("showlegend".into(), show_legend.into());
                style.insert("marker".into(), base_marker(hex(MISSING).into()));
                traces.push(TraceSpec {
                    rows: missing,
                    style,
                });
            }
            if !finite.is_empty() {
                let colors: Vec<Value> = finite.iter().map(|&r| json_number(values[r])).collect();
                let mut marker = base_marker(Value::Array(colors));
                if let Value::Object(marker) = &mut marker {
                    marker.insert("colorscale".into(), "Viridis".into());
                    marker.insert("cmin".into(), json_number(low));
                    marker.insert("cmax".into(), json_number(high));
                    marker.insert("showscale".into(), show_legend.into());
                    marker.insert(
                        "colorbar".into(),
                        json!({ "title": { "text": escape_plotly_text(label) }, "x": 1.02 }),
                    );
                }
                let mut style = Map::new();
                style.insert("name".into(), escape_plotly_text(label).into());
                style.insert("showlegend".into(), false.into());
                style.insert("marker".into(), marker);
                traces.push(TraceSpec {
                    rows: finite,
                    style,
                });
            }
            traces
        }
        _ => {
            let mut style = Map::new();
            style.insert("name".into(), "points".into());
            style.insert("showlegend".into(), false.into());
            style.insert("marker".into(), base_marker(hex(category_rgb(0)).into()));
            vec![TraceSpec {
                rows: (0..n_points).collect(),
                style,
            }]
        }
    }
}

/// Returns the style of the trace that rings highlighted points (outliers), drawn above the others.
pub(crate) fn highlight_style(
    name: &str,
    marker_size: f64,
    show_legend: bool,
) -> Map<String, Value> {
    let mut style = Map::new();
    style.insert("name".into(), escape_plotly_text(name).into());
    style.insert("legendgroup".into(), "highlight".into());
    style.insert("showlegend".into(), show_legend.into());
    style.insert(
        "marker".into(),
        json!({
            "size": marker_size + 6.0,
            "symbol": "circle-open",
            "color": hex(INK),
            "line": { "width": 1.5, "color": hex(INK) },
        }),
    );
    style
}

/// Converts a number to JSON with the shortest decimal that reads back as the same `f32`:
/// screen coordinates need no more, and the shorter numbers keep large files small.
pub(crate) fn json_number(value: f64) -> Value {
    // Narrowing to f32 is the intended rounding; values beyond its range stay f64.
    let narrow = value as f32;
    if !narrow.is_finite() {
        return Value::from(value);
    }
    // `Display` of an f32 gives its shortest round-trip decimal, which as an f64 prints
    // just as short; `Value::from(narrow)` would print the f32's exact binary value.
    match narrow.to_string().parse::<f64>() {
        Ok(short) => Value::from(short),
        Err(_) => Value::from(value),
    }
}

/// Returns whether coordinates can be written at `f32` precision without merging points:
/// false when the coordinates lie far from 0 compared with their spread (above 2^20 times
/// the span), where `f32` would round neighbouring points onto one value.
pub(crate) fn f32_is_enough<'a>(points: impl Iterator<Item = &'a [f64; 2]>) -> bool {
    let mut low = [f64::INFINITY; 2];
    let mut high = [f64::NEG_INFINITY; 2];
    for point in points {
        for axis in 0..2 {
            low[axis] = low[axis].min(point[axis]);
            high[axis] = high[axis].max(point[axis]);
        }
    }
    (0..2).all(|axis| {
        let largest = low[axis].abs().max(high[axis].abs());
        let span = high[axis] / 2.0 - low[axis] / 2.0;
        span <= 0.0 || largest / span <= 2f64.powi(19)
    })
}

/// Converts a coordinate to JSON: at `f32` precision when `narrow`, else as the shortest
/// decimal of the `f64`.
pub(crate) fn json_coordinate(value: f64, narrow: bool) -> Value {
    if narrow {
        json_number(value)
    } else {
        Value::from(value)
    }
}

/// Builds a trace object from a spec, the coordinates of its rows and their hover labels.
pub(crate) fn trace(
    spec_style: &Map<String, Value>,
    trace_type: &str,
    (rows, points, narrow): (&[usize], &[[f64; 2]], bool),
    labels: &[String],
    axes: Option<(&str, &str)>,
) -> Value {
    let mut trace = spec_style.clone();
    trace.insert("type".into(), trace_type.into());
    trace.insert("mode".into(), "markers".into());
    fill_points(&mut trace, (rows, points, narrow), labels);
    trace.insert("hovertemplate".into(), "%{text}<extra></extra>".into());
    if let Some((x, y)) = axes {
        trace.insert("xaxis".into(), x.into());
        trace.insert("yaxis".into(), y.into());
    }
    Value::Object(trace)
}

/// Sets the `ids` of a trace (or of a frame's trace update) to its row numbers. They let
/// plotly move each point to its own place in the next frame, also in traces whose rows
/// change from frame to frame, such as the outlier rings. Static maps leave them out: with
/// them, Chromium took 7.7 s instead of 4.5 s to open and draw 100,000 WebGL points.
pub(crate) fn insert_ids(trace: &mut Map<String, Value>, rows: &[usize]) {
    trace.insert(
        "ids".into(),
        rows.iter().map(|&r| Value::from(r.to_string())).collect(),
    );
}

/// Sets `x`, `y` and `text` of a trace (or of a frame's trace update) to the given rows.
pub(crate) fn fill_points(
    trace: &mut Map<String, Value>,
    (rows, points, narrow): (&[usize], &[[f64; 2]], bool),
    labels: &[String],
) {
    trace.insert(
        "x".into(),
        rows.iter()
            .map(|&r| json_coordinate(points[r][0], narrow))
            .collect(),
    );
    trace.insert(
        "y".into(),
        rows.iter()
            .map(|&r| json_coordinate(points[r][1], narrow))
            .collect(),
    );
    trace.insert(
        "text".into(),
        rows.iter()
            .map(|&r| Value::from(labels[r].as_str()))
            .collect(),
    );
}

/// Data limits of a set of points with 5 % margins, as `[low, high]` per axis.
pub(crate) fn padded_limits<'a>(points: impl Iterator<Item = &'a [f64; 2]>) -> [[f64; 2]; 2] {
    let mut limits = [[f64::INFINITY, f64::NEG_INFINITY]; 2];
    for point in points {
        for axis in 0..2 {
            limits[axis][0] = limits[axis][0].min(point[axis]);
            limits[axis][1] = limits[axis][1].max(point[axis]);
        }
    }
    for axis in &mut limits {
        if !axis[0].is_finite() {
            *axis = [-1.0, 1.0];
            continue;
        }
        // Halves first, so that the span of coordinates near f64::MAX does not overflow.
        let half_span = axis[1] / 2.0 - axis[0] / 2.0;
        let margin = if half_span > 0.0 {
            0.1 * half_span
        } else {
            1.0
        };
        axis[0] = (axis[0] - margin).max(f64::MIN);
        axis[1] = (axis[1] + margin).min(f64::MAX);
    }
    limits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_numbers_use_the_shortest_f32_decimal() {
        assert_eq!(json_number(0.8).to_string(), "0.8");
        assert_eq!(json_number(0.123_456_789_012).to_string(), "0.12345679");
        assert_eq!(json_number(-3.0).to_string(), "-3.0");
        assert_eq!(json_number(1e300).to_string(), "1e+300");
    }

    #[test]
    fn numbers_are_short_and_exact_for_integers() {
        assert_eq!(format_number(3.0), "3");
        assert_eq!(format_number(-0.612_345), "-0.6123");
        assert_eq!(format_number(12.345_67), "12.35");
        assert_eq!(format_number(1.5e-7), "1.500e-7");
        assert_eq!(format_number(f64::NAN), "NaN");
    }

    #[test]
    fn hover_label_names_sample_class_text_and_fields() {
        let coloring = Coloring::categorical([0, 1], ["cat", "<dog>"]);
        let info = HoverInfo {
            texts: Some(vec!["first".into(), "a & b".into()]),
            fields: vec![("outlier score".into(), vec![0.25, 0.5])],
        };
        assert_eq!(
            info.label(1, &coloring, &[("drift", 0.125)]),
            "<b>sample 1</b>, class &lt;dog&gt;<br>a &amp; b<br>outlier score: 0.5000\
             <br>drift: 0.1250"
        );
    }

    #[test]
    fn words_longer_than_a_line_are_broken() {
        let label = wrapped(&"\u{65e5}".repeat(100));
        assert_eq!(label.matches("<br>").count(), 1);
        assert!(label.starts_with(&"\u{65e5}".repeat(WRAP_CHARS)), "{label}");
    }

    #[test]
    fn far_offsets_keep_f64_coordinates() {
        let near = [[0.5, 1.0], [2.0, -3.0]];
        assert!(f32_is_enough(near.iter()));
        let far = [[1e8 + 1.0, 0.0], [1e8 + 3.0, 1.0]];
        assert!(!f32_is_enough(far.iter()));
        assert_eq!(json_coordinate(1e8 + 1.0, false).to_string(), "100000001.0");
        assert_eq!(json_coordinate(1e8 + 1.0, true).to_string(), "100000000.0");
    }

    #[test]
    fn limits_of_extreme_coordinates_stay_finite() {
        let limits = padded_limits([[f64::MAX, -1.0], [f64::MIN, 1.0]].iter());
        assert!(limits.iter().flatten().all(|v| v.is_finite()), "{limits:?}");
        assert_eq!(limits[0], [f64::MIN, f64::MAX]);
    }

    #[test]
    fn long_text_is_cut_and_wrapped() {
        let text = "word ".repeat(100);
        let label = wrapped(&text);
        assert!(label.ends_with('…'), "{label}");
        assert_eq!(label.matches("<br>").count(), 3);
    }

    #[test]
    fn classes_become_traces_and_empty_classes_are_skipped() {
        let coloring = Coloring::categorical([2, 0, 2], ["a", "b", "c"]);
        let traces = color_traces(&coloring, 3, 5.0, true);
        let rows: Vec<_> = traces.iter().map(|t| t.rows.clone()).collect();
        assert_eq!(rows, vec![vec![1], vec![0, 2]]);
        assert_eq!(traces[1].style["name"], "c");
        assert_eq!(traces[1].style["marker"]["color"], "#2ca02c");
    }
}
