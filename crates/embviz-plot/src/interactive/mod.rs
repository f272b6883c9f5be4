//! Interactive figures: self-contained HTML files drawn by plotly.js in the browser.
//!
//! Each file embeds plotly.js (MIT licence) and the figure's data, and loads nothing else:
//! it opens offline, from disk, in any current browser. User text (labels, texts, titles)
//! is escaped twice: for plotly's small HTML subset, so `<b>` or `&amp;` in a label is
//! shown as typed, and for the page's script element, so no text can end the script.

mod animation;
mod heatmap;
mod map;
mod page;
mod points;

pub use animation::InteractiveAnimation;
pub use heatmap::InteractiveHeatmap;
pub use map::{InteractiveFigure, InteractiveMap};
pub use page::plotly_js_version;
pub use points::RenderMode;

/// Id of the page element that contains the plot, for tests and scripts that open the file.
pub const PLOT_ELEMENT_ID: &str = page::PLOT_ELEMENT_ID;
