//! An interactive map with one frame per snapshot, a slider and a play button.

use std::path::Path;

use embviz_core::{Error, Float, Matrix, Result};
use serde_json::{Map, Value, json};

use super::map::{axis_json, config, legend_json, marker_size};
use super::page::{escape_plotly_text, page, save_html};
use super::points::{
    HoverInfo, RenderMode, check_count, check_length, color_traces, f32_is_enough, fill_points,
    highlight_style, insert_ids, padded_limits, read_points, trace,
};
use crate::Coloring;

/// An interactive map of the same points in several snapshots (fine-tuning epochs,
/// checkpoints), one frame per snapshot, with a slider and a play button.
///
/// Every frame uses the same axis limits, the union of all frames' data limits, so a point
/// that moves on screen moved in the layouts. A point keeps its colour in every frame, and
/// its hover label can show per-frame values such as how far it drifted since the previous
/// snapshot ([`frame_field`](Self::frame_field)). Highlighted points (outliers of each
/// snapshot) may change from frame to frame.
///
/// # Example
///
/// ```
/// use embviz_plot::{Coloring, InteractiveAnimation};
/// use ndarray::array;
///
/// let epoch_0 = array![[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]];
/// let epoch_1 = array![[0.0, 0.0], [2.0, 0.0], [0.0, 2.0]];
/// let html = InteractiveAnimation::new([("epoch 0", &epoch_0), ("epoch 1", &epoch_1)])?
///     .coloring(Coloring::categorical([0, 1, 1], ["a", "b"]))
///     .frame_field("drift", vec![vec![0.0; 3], vec![0.0, 1.0, 1.0]])
///     .title("Fine-tuning")
///     .to_html()?;
/// assert!(html.contains("\"frames\""));
/// # Ok::<(), embviz_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct InteractiveAnimation {
    names: Vec<String>,
    frames: Vec<Vec<[f64; 2]>>,
    coloring: Coloring,
    hover: HoverInfo,
    frame_fields: Vec<(String, Vec<Vec<f64>>)>,
    highlights: Option<(String, Vec<Vec<bool>>)>,
    frame_titles: Option<Vec<String>>,
    title: String,
    x_label: String,
    y_label: String,
    render_mode: RenderMode,
    frame_duration_ms: u32,
}

impl InteractiveAnimation {
    /// Builds an animation from named `n x 2` layouts of the same `n` points in the same
    /// order, one per frame.
    ///
    /// # Errors
    ///
    /// - [`Error::InvalidParameter`] when no frame is given, a frame name is empty, or two
    ///   frames have the same name.
    /// - [`Error::ShapeMismatch`] when a layout has another number of rows than the first;
    ///   the message names both frames.
    /// - [`Error::InSnapshot`] naming the frame, around [`Error::NonFinite`] with the row and
    ///   column of the first NaN or infinite coordinate, or around the frame's
    ///   [`Error::EmptyInput`] or [`Error::ShapeMismatch`].
    pub fn new<'a, F, M, S>(frames: impl IntoIterator<Item = (S, &'a M)>) -> Result<Self>
    where
        F: Float,
        M: Matrix<F> + 'a,
        S: Into<String>,
    {
        let mut names = Vec::new();
        let mut layouts: Vec<Vec<[f64; 2]>> = Vec::new();
        for (name, layout) in frames {
            let name = name.into();
            let points = read_points("frame coordinates", layout)
                .map_err(|error| error.in_snapshot(&name))?;
            if let Some(first) = layouts.first()
                && first.len() != points.len()
            {
                return Err(Error::ShapeMismatch {
                    what: "frame coordinates",
                    expected: format!("{} rows, as in frame {:?}", first.len(), names[0]),
                    found: format!("{} rows in frame {name:?}", points.len()),
                });
            }
            if name.is_empty() {
                return Err(Error::InvalidParameter {
                    name: "frame names",
                    value: format!("an empty name for frame {}", names.len()),
                    expected: "a non-empty name for every frame: the slider finds frames by \
                               name"
                        .to_owned(),
                });
            }
            if let Some(first) = names.iter().position(|known| *known == name) {
                return Err(Error::InvalidParameter {
                    name: "frame names",
                    value: format!("{name:?} for frames {first} and {}", names.len()),
                    expected: "a different name for every frame: the slider finds frames by \
                               name"
                        .to_owned(),
                });
            }
            names.push(name);
            layouts.push(points);
        }
        if layouts.is_empty() {
            return Err(Error::InvalidParameter {
                name: "frames",
                value: "none".to_owned(),
                expected: "at least one named n x 2 layout".to_owned(),
            });
        }
        Ok(Self {
            names,
            frames: layouts,
            coloring: Coloring::Single,
            hover: HoverInfo::default(),
            frame_fields: Vec::new(),
            highlights: None,
            frame_titles: None,
            title: String::new(),
            x_label: String::new(),
            y_label: String::new(),
            render_mode: RenderMode::Auto,
            frame_duration_ms: 800,
        })
    }

    /// Sets how the points are coloured, the same in every frame.
    #[must_use]
    pub fn coloring(mut self, coloring: Coloring) -> Self {
        self.coloring = coloring;
        self
    }

    /// Sets one text per point, shown in its hover label in every frame.
    #[must_use]
    pub fn texts<S: Into<String>>(mut self, texts: impl IntoIterator<Item = S>) -> Self {
        self.hover.texts = Some(texts.into_iter().map(Into::into).collect());
        self
    }

    /// Adds a named number per point, the same in every frame, to the hover labels.
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

    /// Adds a named number per point and per frame (`values[frame][point]`) to the hover
    /// labels, such as the drift of each point since the previous snapshot. NaN values are
    /// left out of the label.
    #[must_use]
    pub fn frame_field(mut self, name: impl Into<String>, values: Vec<Vec<f64>>) -> Self {
        self.frame_fields.push((name.into(), values));
        self
    }

    /// Rings, in each frame, the points whose `masks[frame][point]` is true, with a legend
    /// entry `name`: the outliers of each snapshot, for instance.
    #[must_use]
    pub fn highlights(mut self, name: impl Into<String>, masks: Vec<Vec<bool>>) -> Self {
        self.highlights = Some((name.into(), masks));
        self
    }

    /// Sets a title per frame, shown after the figure title while the frame is on screen
    /// (for example the snapshot's k-NN accuracy). Default: the frame name.
    #[must_use]
    pub fn frame_titles<S: Into<String>>(mut self, titles: impl IntoIterator<Item = S>) -> Self {
        self.frame_titles = Some(titles.into_iter().map(Into::into).collect());
        self
    }

    /// Sets the figure title, also the page title.
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

    /// Chooses SVG or WebGL markers. Default: [`RenderMode::Auto`], which counts the points
    /// of one frame.
    #[must_use]
    pub fn render_mode(mut self, mode: RenderMode) -> Self {
        self.render_mode = mode;
        self
    }

    /// Sets how long the play button shows each frame, in milliseconds. Default: 800.
    #[must_use]
    pub fn frame_duration_ms(mut self, milliseconds: u32) -> Self {
        self.frame_duration_ms = milliseconds;
        self
    }

    /// Number of frames.
    #[must_use]
    pub fn n_frames(&self) -> usize {
        self.frames.len()
    }

    /// Returns the HTML page.
    ///
    /// # Errors
    ///
    /// [`Error::ShapeMismatch`] when labels, values, texts, a field or a highlight mask do
    /// not have one entry per point, or per-frame values one list per frame, and
    /// [`Error::InvalidParameter`] when a class id has no name.
    pub fn to_html(&self) -> Result<String> {
        Ok(page(&self.title, &self.figure_json()?))
    }

    /// Writes the HTML page to `path`, creating missing parent folders, through a
    /// temporary file.
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

    fn validate(&self) -> Result<()> {
        let n = self.frames[0].len();
        let n_frames = self.frames.len();
        self.coloring.validate(n)?;
        self.hover.validate(n)?;
        for (_, values) in &self.frame_fields {
            check_count("frame values", values.len(), n_frames, "frame")?;
            for frame in values {
                check_length("frame values", frame.len(), n)?;
            }
        }
        if let Some((_, masks)) = &self.highlights {
            check_count("highlight masks", masks.len(), n_frames, "frame")?;
            for mask in masks {
                check_length("highlight", mask.len(), n)?;
            }
        }
        if let Some(titles) = &self.frame_titles {
            check_count("frame titles", titles.len(), n_frames, "frame")?;
        }
        Ok(())
    }

    fn frame_title(&self, frame: usize) -> String {
        let frame_title = match &self.frame_titles {
            Some(titles) => &titles[frame],
            None => &self.names[frame],
        };
        if self.title.is_empty() {
            frame_title.clone()
        } else {
            format!("{}: {frame_title}", self.title)
        }
    }

    fn hover_labels(&self, frame: usize) -> Vec<String> {
        (0..self.frames[frame].len())
            .map(|row| {
                let extra: Vec<(&str, f64)> = self
                    .frame_fields
                    .iter()
                    .map(|(name, values)| (name.as_str(), values[frame][row]))
                    .filter(|(_, value)| !value.is_nan())
                    .collect();
                self.hover.label(row, &self.coloring, &extra)
            })
            .collect()
    }

    fn figure_json(&self) -> Result<Value> {
        self.validate()?;
        let n = self.frames[0].len();
        let trace_type = self.render_mode.trace_type(n);
        let webgl = trace_type == "scattergl";
        let size = marker_size(n);
        let specs = color_traces(&self.coloring, n, size, true);
        let highlight = self.highlights.as_ref().map(|(name, masks)| {
            let rows: Vec<Vec<usize>> = masks
                .iter()
                .map(|mask| (0..n).filter(|&r| mask[r]).collect())
                .collect();
            (highlight_style(name, size, true), rows)
        });

        let narrow = f32_is_enough(self.frames.iter().flatten());
        let mut data = Vec::new();
        let mut frames = Vec::new();
        for frame in 0..self.frames.len() {
            let points = &self.frames[frame];
            let labels = self.hover_labels(frame);
            let mut updates = Vec::new();
            for spec in &specs {
                if frame == 0 {
                    data.push(with_ids(
                        trace(
                            &spec.style,
                            trace_type,
                            (&spec.rows, points, narrow),
                            &labels,
                            None,
                        ),
                        &spec.rows,
                    ));
                }
                let mut update = Map::new();
                fill_points(&mut update, (&spec.rows, points, narrow), &labels);
                insert_ids(&mut update, &spec.rows);
                updates.push(Value::Object(update));
            }
            if let Some((style, rows)) = &highlight {
                if frame == 0 {
                    data.push(with_ids(
                        trace(style, trace_type, (&rows[0], points, narrow), &labels, None),
                        &rows[0],
                    ));
                }
                let mut update = Map::new();
                fill_points(&mut update, (&rows[frame], points, narrow), &labels);
                insert_ids(&mut update, &rows[frame]);
                updates.push(Value::Object(update));
            }
            let indices: Vec<usize> = (0..updates.len()).collect();
            frames.push(json!({
                "name": self.names[frame],
                "data": updates,
                "traces": indices,
                "layout": { "title": { "text": escape_plotly_text(&self.frame_title(frame)) } },
            }));
        }

        let limits = padded_limits(self.frames.iter().flatten());
        let transition = if webgl { 0 } else { self.frame_duration_ms / 2 };
        let steps: Vec<Value> = self
            .names
            .iter()
            .map(|name| {
                json!({
                    "label": escape_plotly_text(name),
                    "method": "animate",
                    "args": [[name], {
                        "mode": "immediate",
                        "frame": { "duration": 0, "redraw": true },
                        "transition": { "duration": 0 },
                    }],
                })
            })
            .collect();
        let mut x_axis = axis_json(&self.x_label, [0.0, 1.0], limits[0], "y");
        let mut y_axis = axis_json(&self.y_label, [0.0, 1.0], limits[1], "x");
        // One unit is as long on both axes, as distances in a map should be.
        y_axis["scaleanchor"] = "x".into();
        for axis in [&mut x_axis, &mut y_axis] {
            if let Value::Object(axis) = axis {
                axis.insert("autorange".into(), false.into());
            }
        }
        let layout = json!({
            "title": { "text": escape_plotly_text(&self.frame_title(0)), "x": 0.5 },
            "xaxis": x_axis,
            "yaxis": y_axis,
            "hovermode": "closest",
            "legend": legend_json(matches!(self.coloring, Coloring::Continuous { .. })),
            "margin": { "t": 80, "b": 150 },
            "sliders": [{
                "active": 0,
                "steps": steps,
                "x": 0.1, "len": 0.9, "y": 0, "yanchor": "top",
                "pad": { "t": 60, "b": 10 },
                "currentvalue": { "prefix": "snapshot: ", "visible": true },
            }],
            "updatemenus": [{
                "type": "buttons",
                "direction": "left",
                "showactive": false,
                "x": 0.1, "xanchor": "right", "y": 0, "yanchor": "top",
                "pad": { "t": 70, "r": 10 },
                "buttons": [
                    {
                        "label": "Play",
                        "method": "animate",
                        "args": [Value::Null, {
                            "fromcurrent": true,
                            "frame": { "duration": self.frame_duration_ms, "redraw": true },
                            "transition": { "duration": transition },
                        }],
                    },
                    {
                        "label": "Pause",
                        "method": "animate",
                        "args": [[Value::Null], {
                            "mode": "immediate",
                            "frame": { "duration": 0, "redraw": false },
                            "transition": { "duration": 0 },
                        }],
                    },
                ],
            }],
        });
        Ok(json!({ "data": data, "layout": layout, "frames": frames, "config": config() }))
    }
}

/// Adds the row ids to a trace object built by `trace`.
fn with_ids(mut trace: Value, rows: &[usize]) -> Value {
    if let Value::Object(map) = &mut trace {
        insert_ids(map, rows);
    }
    trace
}
