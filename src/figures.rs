//! Ready-made figures that join the algorithm crates to the plotting crate.

use embviz_core::{Error, Float, Matrix, Result};
use embviz_io::Labels;
use embviz_plot::{Coloring, Figure, Panel};

/// Builds a figure of a 2-D map with one colour per class and a legend of class names,
/// or a single colour when `labels` is `None`.
///
/// # Errors
///
/// [`Error::ShapeMismatch`](embviz_core::Error::ShapeMismatch) when the map is not
/// `n x 2` or the labels do not have one entry per row, and
/// [`Error::NonFinite`](embviz_core::Error::NonFinite) for NaN or infinite coordinates.
pub fn class_map_figure<F: Float>(
    map: &impl Matrix<F>,
    labels: Option<&Labels>,
    title: &str,
) -> Result<Figure> {
    let mut panel = Panel::new(map)?;
    if let Some(labels) = labels {
        if labels.len() != panel.len() {
            return Err(Error::ShapeMismatch {
                what: "labels",
                expected: format!("{} labels, one per row of the map", panel.len()),
                found: format!("{} labels", labels.len()),
            });
        }
        panel = panel.coloring(Coloring::categorical(
            labels.ids().iter().copied(),
            labels.names().iter().cloned(),
        ));
    }
    Ok(Figure::from(panel.title(title)))
}
