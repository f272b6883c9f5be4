//! One-call interactive HTML files: a map with hover labels, and a similarity heatmap.

use std::path::Path;

use embviz_core::{Error, Float, Matrix, Result};
use embviz_io::Labels;
use embviz_plot::{Coloring, InteractiveFigure, InteractiveHeatmap, InteractiveMap};

/// Contents of an interactive map besides the points and their classes: the title, hover
/// texts, scores and outliers. See [`save_interactive_map`].
#[derive(Debug, Clone, Copy, Default)]
pub struct MapDetails<'a> {
    /// Figure and page title.
    pub title: &'a str,
    /// One text per row shown when hovering it: a document snippet, a file name.
    pub texts: Option<&'a [String]>,
    /// Named numbers per row shown when hovering it: an outlier score, a cluster id.
    pub scores: &'a [(&'a str, &'a [f64])],
    /// Rows to ring as outliers (true), with their own legend entry.
    pub outliers: Option<&'a [bool]>,
}

/// Writes an interactive HTML map of a 2-D embedding: one colour per class with a legend
/// whose entries toggle classes, a hover label per point ("sample i, class c", its text,
/// its scores) and rings around outliers. The file embeds plotly.js and opens offline.
///
/// # Example
///
/// ```no_run
/// use embviz::{MapDetails, Tsne, io::read_dataset_dir};
///
/// let digits = read_dataset_dir::<f32>("data/digits")?;
/// let map = Tsne::new().seed(0).fit_transform(digits.x())?;
/// embviz::save_interactive_map(
///     "target/embviz/digits.html",
///     &map,
///     digits.labels(),
///     MapDetails { title: "t-SNE of digits", ..MapDetails::default() },
/// )?;
/// # Ok::<(), embviz::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::ShapeMismatch`] when the map is not `n x 2`, or the labels, texts, scores or
/// outlier flags do not have one entry per row; [`Error::NonFinite`] for NaN or infinite
/// coordinates; [`Error::Io`] or [`Error::Render`] when the file cannot be written.
pub fn save_interactive_map<F: Float>(
    path: impl AsRef<Path>,
    map: &impl Matrix<F>,
    labels: Option<&Labels>,
    details: MapDetails<'_>,
) -> Result<()> {
    let mut panel = InteractiveMap::new(map)?;
    let n = panel.len();
    let check = |what: &'static str, len: usize| {
        if len == n {
            Ok(())
        } else {
            Err(Error::ShapeMismatch {
                what,
                expected: format!("{n} values, one per row of the map"),
                found: format!("{len} values"),
            })
        }
    };
    if let Some(texts) = details.texts {
        check("texts", texts.len())?;
    }
    for &(_, values) in details.scores {
        check("scores", values.len())?;
    }
    if let Some(outliers) = details.outliers {
        check("outliers", outliers.len())?;
    }
    if let Some(labels) = labels {
        panel = panel.coloring(Coloring::categorical(
            labels.ids().iter().copied(),
            labels.names().iter().cloned(),
        ));
    }
    if let Some(texts) = details.texts {
        panel = panel.texts(texts.iter().cloned());
    }
    for &(name, values) in details.scores {
        panel = panel.field(name, values.iter().copied());
    }
    if let Some(outliers) = details.outliers {
        let count = outliers.iter().filter(|&&flag| flag).count();
        log::info!("{count} outliers ringed in the map");
        panel = panel.highlight("outliers", outliers.iter().copied());
    }
    InteractiveFigure::from(panel)
        .title(details.title)
        .save(path)
}

/// Writes an interactive HTML heatmap of a square similarity matrix.
///
/// With labels, rows and columns are ordered by class (stable within a class), with lines
/// between classes and the class names as ticks. Hovering a cell shows both rows, each with
/// its index in the input and its class, and the value.
///
/// The file contains every cell: about 10 MB per million cells.
///
/// # Errors
///
/// [`Error::ShapeMismatch`] when the matrix is not square or the labels do not have one
/// entry per row; [`Error::EmptyInput`]; [`Error::InvalidParameter`] when no value is
/// finite; [`Error::Io`] or [`Error::Render`] when the file cannot be written.
pub fn save_interactive_heatmap<F: Float>(
    path: impl AsRef<Path>,
    similarity: &impl Matrix<F>,
    labels: Option<&Labels>,
    title: &str,
) -> Result<()> {
    let rows = similarity.to_rows()?;
    let (n, m) = rows.dim();
    if n != m {
        return Err(Error::ShapeMismatch {
            what: "similarity matrix",
            expected: "a square matrix, one row and one column per input row".to_owned(),
            found: format!("{n} x {m}"),
        });
    }
    let heatmap = match labels {
        None => InteractiveHeatmap::new(&rows)?,
        Some(labels) => {
            if labels.len() != n {
                return Err(Error::ShapeMismatch {
                    what: "labels",
                    expected: format!("{n} labels, one per row of the matrix"),
                    found: format!("{} labels", labels.len()),
                });
            }
            let grouped =
                embviz_similarity::grouped_order(labels.ids(), None)?.with_names(labels.names())?;
            let order = grouped.order();
            let ordered =
                ndarray::Array2::from_shape_fn((n, n), |(i, j)| rows[[order[i], order[j]]]);
            let names: Vec<String> = order
                .iter()
                .map(|&row| {
                    let class = labels.name_of(labels.ids()[row]).unwrap_or("?");
                    format!("sample {row}, class {class}")
                })
                .collect();
            InteractiveHeatmap::new(&ordered)?.labels(names).groups(
                grouped.boundaries().to_vec(),
                grouped.group_names().unwrap_or_default().iter().cloned(),
            )
        }
    };
    heatmap.title(title).value_label("similarity").save(path)
}
