//! Static scatter figures of 2-D embedding maps, saved as PNG or SVG.
//!
//! This crate draws coordinates that another crate computed (t-SNE, UMAP, PCA), and it does
//! not depend on the crates that compute them. It plays the part of matplotlib's
//! `plt.scatter(x, y, c=...)` with a legend or colorbar, `plt.subplots` and `savefig`.
//!
//! - [`Panel`]: one scatter plot, built from an `n x 2` matrix of coordinates.
//! - [`Coloring`]: one colour, one colour per class with a legend, or a value per point on
//!   the viridis colormap with a colorbar.
//! - [`Figure`]: panels in a grid with a title, saved with [`Figure::save`].
//! - [`category_color`]: the 20-colour categorical table.
//! - [`Heatmap`]: a matrix of values, such as cosine similarities, on the viridis colormap
//!   with lines and names for groups of rows and columns, and its pixel [`HeatmapGrid`].
//! - [`InteractiveFigure`] of [`InteractiveMap`] panels, [`InteractiveAnimation`] and
//!   [`InteractiveHeatmap`]: the same figures as self-contained HTML files for the browser,
//!   with hover labels, zoom, legend toggles and a slider over snapshots, drawn by plotly.js
//!   embedded in the file.
//!
//! Drawing goes through `plotters` with text rendered by `ab_glyph` from an embedded DejaVu
//! Sans font, so it needs no system font library. The font is registered with plotters as
//! `sans-serif` before the first figure is drawn, unless the application registered a
//! `sans-serif` font first, which is then used. DejaVu Sans covers Latin, Greek and Cyrillic
//! text. Characters it lacks, such as CJK, are drawn as empty boxes in PNG output, while SVG
//! output leaves text to the viewer's fonts.
//!
//! # Example
//!
//! ```
//! use embviz_plot::{Coloring, Figure, Panel};
//! use ndarray::Array2;
//!
//! // Two clusters of 50 points each, on a circle around (0, 0) and around (6, 0).
//! let map = Array2::from_shape_fn((100, 2), |(i, axis)| {
//!     let angle = i as f64 * 0.7;
//!     let center = if i < 50 { 0.0 } else { 6.0 };
//!     if axis == 0 { center + angle.cos() } else { angle.sin() }
//! });
//! let labels = (0..100).map(|i| usize::from(i >= 50));
//!
//! let path = std::env::temp_dir().join("embviz-plot-doc").join("clusters.png");
//! Figure::from(
//!     Panel::new(&map)?
//!         .coloring(Coloring::categorical(labels, ["left", "right"]))
//!         .title("Two clusters"),
//! )
//! .save(&path)?;
//!
//! let png = std::fs::read(&path).expect("the figure was written");
//! assert_eq!(&png[1..4], b"PNG");
//! # Ok::<(), embviz_core::Error>(())
//! ```
#![deny(clippy::unwrap_used, clippy::panic)]
#![forbid(unsafe_code)]

mod color;
mod coloring;
mod draw;
mod figure;
mod font;
mod glyphs;
mod heatmap;
mod interactive;
mod layout;
mod panel;
mod ticks;

pub use color::{CATEGORY_COLOR_COUNT, category_color};
pub use coloring::Coloring;
pub use figure::Figure;
pub use heatmap::{Heatmap, HeatmapGrid};
pub use interactive::{
    InteractiveAnimation, InteractiveFigure, InteractiveHeatmap, InteractiveMap, PLOT_ELEMENT_ID,
    RenderMode, plotly_js_version,
};
pub use panel::Panel;
