//! An interactive heatmap, such as a cosine similarity matrix, with the labels of both rows
//! in its hover labels.

use std::path::Path;

use embviz_core::{Error, Float, Matrix, Result};
use serde_json::{Value, json};

use super::map::config;
use super::page::{escape_plotly_text, page, save_html};
use super::points::{check_count, json_number};

/// An interactive heatmap of a matrix in a self-contained HTML file.
///
/// Hovering a cell shows its row and column, each as its position in the matrix and its
/// label, and its value: for a similarity matrix ordered by class, "row 12: sound",
/// "column 40: games", "cosine similarity: 0.5312". Optional groups of consecutive rows (see
/// `embviz_similarity::grouped_order`) get separating lines and their names as ticks.
///
/// The file contains every cell, so it grows with `n_rows x n_columns`: about 10 MB per
/// million cells. Sample rows first (`stratified_sample`) for matrices above a few
/// thousand rows.
///
/// # Example
///
/// ```
/// use embviz_plot::InteractiveHeatmap;
/// use ndarray::array;
///
/// let similarity = array![[1.0, 0.8, 0.1], [0.8, 1.0, 0.2], [0.1, 0.2, 1.0]];
/// let html = InteractiveHeatmap::new(&similarity)?
///     .labels(["cat", "cat", "dog"])
///     .groups(vec![0, 2, 3], ["cat", "dog"])
///     .value_label("cosine similarity")
///     .to_html()?;
/// assert!(html.contains("0: cat"));
/// # Ok::<(), embviz_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct InteractiveHeatmap {
    values: Vec<Vec<Option<f64>>>,
    row_labels: Option<Vec<String>>,
    column_labels: Option<Vec<String>>,
    groups: Option<(Vec<usize>, Vec<String>)>,
    title: String,
    value_label: String,
    value_range: Option<[f64; 2]>,
}

impl InteractiveHeatmap {
    /// Builds a heatmap of a matrix (any [`Matrix`], `f32` or `f64`). NaN and infinite
    /// cells are left blank.
    ///
    /// # Errors
    ///
    /// [`Error::EmptyInput`] and [`Error::RaggedRows`], and [`Error::InvalidParameter`] when
    /// no cell is finite.
    pub fn new<F: Float>(matrix: &impl Matrix<F>) -> Result<Self> {
        let rows = matrix.to_rows()?;
        let view = rows.view();
        embviz_core::validate::non_empty("heatmap values", &view)?;
        let values: Vec<Vec<Option<f64>>> = view
            .outer_iter()
            .map(|row| {
                row.iter()
                    .map(|v| {
                        let v = v.to_f64_exact();
                        v.is_finite().then_some(v)
                    })
                    .collect()
            })
            .collect();
        if values.iter().flatten().all(Option::is_none) {
            return Err(Error::InvalidParameter {
                name: "heatmap values",
                value: format!("{} x {} cells, none finite", view.nrows(), view.ncols()),
                expected: "at least one finite value to draw".to_owned(),
            });
        }
        Ok(Self {
            values,
            row_labels: None,
            column_labels: None,
            groups: None,
            title: String::new(),
            value_label: "value".to_owned(),
            value_range: None,
        })
    }

    /// Sets a label per row, used for the columns too when the matrix is square and no
    /// [`column_labels`](Self::column_labels) are set.
    #[must_use]
    pub fn labels<S: Into<String>>(mut self, labels: impl IntoIterator<Item = S>) -> Self {
        self.row_labels = Some(labels.into_iter().map(Into::into).collect());
        self
    }

    /// Sets a label per column.
    #[must_use]
    pub fn column_labels<S: Into<String>>(mut self, labels: impl IntoIterator<Item = S>) -> Self {
        self.column_labels = Some(labels.into_iter().map(Into::into).collect());
        self
    }

    /// Marks groups of consecutive rows (and columns, for a square matrix): group `g` spans
    /// `boundaries[g]..boundaries[g + 1]` and is named `names[g]`.
    #[must_use]
    pub fn groups<S: Into<String>>(
        mut self,
        boundaries: Vec<usize>,
        names: impl IntoIterator<Item = S>,
    ) -> Self {
        self.groups = Some((boundaries, names.into_iter().map(Into::into).collect()));
        self
    }

    /// Sets the figure title.
    #[must_use]
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = title.into();
        self
    }

    /// Names the values, in the colorbar and the hover label. Default: `"value"`.
    #[must_use]
    pub fn value_label(mut self, label: impl Into<String>) -> Self {
        self.value_label = label.into();
        self
    }

    /// Fixes the ends of the colour scale. Default: the smallest and largest finite value.
    #[must_use]
    pub fn value_range(mut self, low: f64, high: f64) -> Self {
        self.value_range = Some([low, high]);
        self
    }

    /// Returns the HTML page.
    ///
    /// # Errors
    ///
    /// - [`Error::ShapeMismatch`] when the labels do not have one entry per row or column.
    /// - [`Error::InvalidParameter`] when the groups do not run from 0 to the number of
    ///   rows in increasing order with one name each, or the value range is not finite and
    ///   increasing.
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

    fn figure_json(&self) -> Result<Value> {
        let n_rows = self.values.len();
        let n_columns = self.values.first().map_or(0, Vec::len);
        let square = n_rows == n_columns;
        if let Some(labels) = &self.row_labels {
            check_count("row labels", labels.len(), n_rows, "row")?;
        }
        let column_source = match (&self.column_labels, square) {
            (Some(labels), _) => {
                check_count("column labels", labels.len(), n_columns, "column")?;
                Some(labels)
            }
            (None, true) => self.row_labels.as_ref(),
            (None, false) => None,
        };
        let row_names = category_names(self.row_labels.as_deref(), n_rows);
        let column_names = category_names(column_source.map(Vec::as_slice), n_columns);
        let range = self.color_range()?;

        let mut shapes = Vec::new();
        let mut row_ticks = None;
        if let Some((boundaries, names)) = &self.groups {
            check_groups(boundaries, names, n_rows)?;
            let middle = |g: usize| (boundaries[g] + boundaries[g + 1] - 1) / 2;
            let tick_values: Vec<&str> = (0..names.len())
                .map(|g| row_names[middle(g)].as_str())
                .collect();
            let tick_text: Vec<String> = names.iter().map(|n| escape_plotly_text(n)).collect();
            // A square matrix is grouped the same way along its columns.
            let column_ticks: Vec<&str> = (0..names.len())
                .map(|g| column_names[middle(g).min(n_columns - 1)].as_str())
                .collect();
            row_ticks = Some((tick_values.clone(), tick_text.clone(), column_ticks));
            for &boundary in &boundaries[1..boundaries.len() - 1] {
                let at = boundary as f64 - 0.5;
                // A horizontal line below the group's last row, and for a square matrix a
                // vertical line after the group's last column.
                shapes.push(line([-0.5, n_columns as f64 - 0.5], [at, at]));
                if square {
                    shapes.push(line([at, at], [-0.5, n_rows as f64 - 0.5]));
                }
            }
        }

        let z: Vec<Value> = self
            .values
            .iter()
            .map(|row| {
                row.iter()
                    .map(|v| v.map_or(Value::Null, json_number))
                    .collect()
            })
            .collect();
        let value_label = escape_plotly_text(&self.value_label).replace("%{", "%&#123;");
        let heatmap = json!({
            "type": "heatmap",
            "z": z,
            "x": column_names,
            "y": row_names,
            "zmin": range[0],
            "zmax": range[1],
            "colorscale": "Viridis",
            "colorbar": { "title": { "text": escape_plotly_text(&self.value_label) } },
            "hoverongaps": false,
            "hovertemplate": format!(
                "row %{{y}}<br>column %{{x}}<br>{value_label}: %{{z:.4f}}<extra></extra>"
            ),
        });
        let mut y_axis =
            json!({ "type": "category", "autorange": "reversed", "title": { "text": "row" } });
        let mut x_axis = json!({ "type": "category", "title": { "text": "column" } });
        if let Some((values, text, column_values)) = row_ticks {
            y_axis["tickvals"] = json!(values);
            y_axis["ticktext"] = json!(text);
            if square {
                x_axis["tickvals"] = json!(column_values);
                x_axis["ticktext"] = json!(text);
            }
        } else if n_rows > 60 {
            y_axis["showticklabels"] = false.into();
            x_axis["showticklabels"] = false.into();
        }
        Ok(json!({
            "data": [heatmap],
            "layout": {
                "title": { "text": escape_plotly_text(&self.title), "x": 0.5 },
                "xaxis": x_axis,
                "yaxis": y_axis,
                "shapes": shapes,
                "margin": { "t": 80 },
            },
            "config": config(),
        }))
    }

    fn color_range(&self) -> Result<[f64; 2]> {
        if let Some([low, high]) = self.value_range {
            if !(low.is_finite() && high.is_finite() && low < high) {
                return Err(Error::InvalidParameter {
                    name: "value_range",
                    value: format!("({low}, {high})"),
                    expected: "two finite numbers, the first below the second".to_owned(),
                });
            }
            return Ok([low, high]);
        }
        let (low, high) = self
            .values
            .iter()
            .flatten()
            .flatten()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
                (lo.min(v), hi.max(v))
            });
        Ok(if low.is_finite() && low < high {
            [low, high]
        } else if low.is_finite() {
            [low - 0.5, low + 0.5]
        } else {
            [0.0, 1.0]
        })
    }
}

/// Unique category names for an axis: `"i: label"`, or `"i"` without labels. A plain number
/// would make plotly treat the axis as numeric, so unlabelled names get a `#`.
fn category_names(labels: Option<&[String]>, count: usize) -> Vec<String> {
    (0..count)
        .map(|i| match labels {
            Some(labels) => format!("{i}: {}", escape_plotly_text(&labels[i])),
            None => format!("#{i}"),
        })
        .collect()
}

fn check_groups(boundaries: &[usize], names: &[String], n_rows: usize) -> Result<()> {
    let valid = boundaries.len() >= 2
        && boundaries.first() == Some(&0)
        && boundaries.last() == Some(&n_rows)
        && boundaries.windows(2).all(|pair| pair[0] < pair[1])
        && names.len() == boundaries.len() - 1;
    if valid {
        return Ok(());
    }
    Err(Error::InvalidParameter {
        name: "groups",
        value: format!("boundaries {boundaries:?} with {} names", names.len()),
        expected: format!(
            "increasing boundaries from 0 to the number of rows ({n_rows}) and one name per \
             group, as returned by grouped_order"
        ),
    })
}

/// Returns a thin white line from `(x[0], y[0])` to `(x[1], y[1])` in cell coordinates.
fn line(x: [f64; 2], y: [f64; 2]) -> Value {
    json!({
        "type": "line",
        "xref": "x", "yref": "y",
        "x0": x[0], "x1": x[1], "y0": y[0], "y1": y[1],
        "line": { "color": "#ffffff", "width": 1 },
    })
}
