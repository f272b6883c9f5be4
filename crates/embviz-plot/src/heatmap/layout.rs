//! Pixel layout of a heatmap figure: title, group names, coloured area and colorbar.

use embviz_core::{Error, Result};

use super::Groups;
use super::grid::{HeatmapGrid, area_pixels};
use crate::font::{fit_text, fit_text_middle, text_size};
use crate::layout::{
    COLORBAR_LABEL_GAP, COLORBAR_TICK_LENGTH, COLORBAR_WIDTH, MAX_SIDE, OUTER_MARGIN, text,
};
use crate::ticks::{format_tick, nice_ticks, widen_degenerate};

/// Gap in pixels between the coloured area and the group names beside it.
pub(crate) const LABEL_GAP: i32 = 8;
/// Widest group name before its middle is replaced by an ellipsis.
const LABEL_MAX_WIDTH: u32 = 200;
/// Space a horizontal column name keeps free on each side within its group.
const LABEL_SIDE_PADDING: u32 = 2;
/// Gap between the coloured area and the colorbar.
const COLORBAR_GAP: i32 = 24;
/// Widest colorbar title before it is shortened with an ellipsis.
const COLORBAR_MAX_TITLE_WIDTH: u32 = 260;
/// Shortest colour bar in pixels, for matrices drawn only a few pixels high.
const MIN_BAR_HEIGHT: i32 = 120;
/// Largest number of colorbar ticks.
const COLORBAR_TICKS: usize = 7;

/// What the layout needs from a [`Heatmap`](super::Heatmap).
#[derive(Debug, Clone, Copy)]
pub(crate) struct LayoutRequest<'a> {
    pub(crate) shape: (usize, usize),
    pub(crate) title: &'a str,
    pub(crate) row_groups: Option<&'a Groups>,
    pub(crate) column_groups: Option<&'a Groups>,
    pub(crate) colorbar_label: &'a str,
    /// Value range of the colormap, possibly empty (`min == max`).
    pub(crate) range: (f64, f64),
    pub(crate) area_size: u32,
    /// Whether the embedded font is the registered `sans-serif` font.
    pub(crate) embedded_font: bool,
}

/// A group name and the pixel its centre is drawn at, across the axis it labels.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct GroupLabel {
    pub(crate) text: String,
    pub(crate) center: i32,
}

/// Placement of the colorbar to the right of the coloured area.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ColorbarLayout {
    pub(crate) left: i32,
    /// Title, shortened to fit, drawn at the top of the coloured area.
    pub(crate) title: String,
    /// Pixel rows of the bar: the top row shows `max`, the bottom row `min`.
    pub(crate) bar_top: i32,
    pub(crate) bar_bottom: i32,
    pub(crate) min: f64,
    pub(crate) max: f64,
    /// Tick values and their labels.
    pub(crate) ticks: Vec<(f64, String)>,
}

/// Placement of every element of a heatmap figure.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct HeatmapLayout {
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) grid: HeatmapGrid,
    /// Title shortened to the figure width, with the top of its band.
    pub(crate) title: Option<(String, i32)>,
    /// Pixel rows of the lines between row groups.
    pub(crate) row_lines: Vec<u32>,
    /// Pixel columns of the lines between column groups.
    pub(crate) column_lines: Vec<u32>,
    /// Row group names, right-aligned at `row_label_right`, centred on their group.
    pub(crate) row_labels: Vec<GroupLabel>,
    pub(crate) row_label_right: i32,
    /// Column group names, starting `LABEL_GAP` below the area, centred on their group.
    pub(crate) column_labels: Vec<GroupLabel>,
    /// Whether column names read bottom to top, because some name is wider than its group.
    pub(crate) column_labels_upward: bool,
    pub(crate) colorbar: ColorbarLayout,
    /// Whether the embedded font is the registered `sans-serif` font, so that bitmap text
    /// can be placed glyph by glyph from its metrics.
    pub(crate) embedded_font: bool,
}

/// Places every element of a heatmap figure.
///
/// # Errors
///
/// [`Error::InvalidParameter`] (`size`) when the figure would exceed 10000 pixels on a side.
pub(crate) fn layout(request: &LayoutRequest<'_>) -> Result<HeatmapLayout> {
    let label_size = text::plotters_size(text::TICK);
    let line_height = text_size("Ag", label_size).1;
    let (area_width, area_height) = area_pixels(request.shape, request.area_size);

    let title_height = if request.title.is_empty() {
        0
    } else {
        // The title text and 24 pixels of space below it.
        text_size(request.title, text::plotters_size(text::TITLE)).1 as i32 + 24
    };

    // Row names need their width before the area can be placed, but their vertical
    // centres only depend on the area's top, so a grid at left 0 gives the centres.
    let top = OUTER_MARGIN + title_height;
    let provisional = HeatmapGrid::new((0, top as u32), (area_width, area_height), request.shape);
    let row_labels = request.row_groups.map_or_else(Vec::new, |groups| {
        group_labels(
            groups,
            |b| provisional.row_edge(b),
            line_height,
            |name| fit_text_middle(name, label_size, LABEL_MAX_WIDTH),
        )
    });
    let row_label_width = row_labels
        .iter()
        .map(|label| text_size(&label.text, label_size).0)
        .max()
        .map_or(0, |width| width as i32 + LABEL_GAP);

    let left = OUTER_MARGIN + row_label_width;
    let grid = HeatmapGrid::new(
        (left as u32, top as u32),
        (area_width, area_height),
        request.shape,
    );
    let (column_labels, column_labels_upward) = column_labels(request, &grid, line_height);
    let column_label_height = column_labels
        .iter()
        .map(|label| {
            if column_labels_upward {
                text_size(&label.text, label_size).0
            } else {
                line_height
            }
        })
        .max()
        .map_or(0, |height| height as i32 + LABEL_GAP);

    let area_right = grid.left() as i32 + area_width as i32;
    let area_bottom = top + area_height as i32;
    let colorbar = colorbar_layout(request, area_right + COLORBAR_GAP, top, area_bottom);
    let colorbar_width = colorbar_width(&colorbar);

    let tick_half_height = (line_height / 2) as i32;
    let bottom = (area_bottom + column_label_height).max(colorbar.bar_bottom + tick_half_height);
    let width = (colorbar.left + colorbar_width + OUTER_MARGIN) as u32;
    let height = (bottom + OUTER_MARGIN) as u32;
    if width > MAX_SIDE || height > MAX_SIDE {
        return Err(Error::invalid_parameter(
            "size",
            format!("{width}x{height}"),
            format!(
                "a figure of at most {MAX_SIDE} pixels on a side: lower area_size or shorten \
                 the group names"
            ),
        ));
    }

    let title = (!request.title.is_empty()).then(|| {
        let room = width.saturating_sub(2 * OUTER_MARGIN as u32);
        let fitted = fit_text(request.title, text::plotters_size(text::TITLE), room);
        (fitted, OUTER_MARGIN)
    });
    Ok(HeatmapLayout {
        width,
        height,
        grid,
        title,
        row_lines: interior_edges(request.row_groups, |b| grid.row_edge(b)),
        column_lines: interior_edges(request.column_groups, |b| grid.column_edge(b)),
        row_labels,
        row_label_right: grid.left() as i32 - LABEL_GAP,
        column_labels,
        column_labels_upward,
        colorbar,
        embedded_font: request.embedded_font,
    })
}

/// Returns the labels of `groups` whose pixel span along the axis, from `edge`, is at least
/// `min_span` pixels, with the text from `fit`. Narrower groups get no name, because it
/// would overlap its neighbours.
fn group_labels(
    groups: &Groups,
    edge: impl Fn(usize) -> u32,
    min_span: u32,
    fit: impl Fn(&str) -> String,
) -> Vec<GroupLabel> {
    let mut hidden = 0;
    let labels: Vec<GroupLabel> = groups
        .boundaries
        .windows(2)
        .zip(&groups.names)
        .filter_map(|(bounds, name)| {
            let (start, end) = (edge(bounds[0]), edge(bounds[1]));
            let span = end - start;
            if span < min_span {
                hidden += 1;
                return None;
            }
            Some(GroupLabel {
                text: fit(name),
                center: ((start + end) / 2) as i32,
            })
        })
        .collect();
    if hidden > 0 {
        log::debug!("{hidden} groups are narrower than a line of text and are drawn unnamed");
    }
    labels
}

/// Returns the column names and whether they read upward. Names are horizontal when each
/// fits across its group, and otherwise all read bottom to top, shortened to 200 pixels.
fn column_labels(
    request: &LayoutRequest<'_>,
    grid: &HeatmapGrid,
    line_height: u32,
) -> (Vec<GroupLabel>, bool) {
    let Some(groups) = request.column_groups else {
        return (Vec::new(), false);
    };
    let label_size = text::plotters_size(text::TICK);
    let edge = |b: usize| grid.column_edge(b);
    let all_fit = groups
        .boundaries
        .windows(2)
        .zip(&groups.names)
        .all(|(bounds, name)| {
            let span = edge(bounds[1]) - edge(bounds[0]);
            text_size(name, label_size).0 + 2 * LABEL_SIDE_PADDING <= span
        });
    if all_fit {
        let labels = group_labels(groups, edge, 0, str::to_owned);
        return (labels, false);
    }
    let labels = group_labels(groups, edge, line_height, |name| {
        fit_text_middle(name, label_size, LABEL_MAX_WIDTH)
    });
    (labels, true)
}

/// Returns the pixel of every boundary between two groups, leaving out the area's edges.
fn interior_edges(groups: Option<&Groups>, edge: impl Fn(usize) -> u32) -> Vec<u32> {
    groups.map_or_else(Vec::new, |groups| {
        let inner = &groups.boundaries[1..groups.boundaries.len() - 1];
        inner.iter().map(|&b| edge(b)).collect()
    })
}

/// Places the colorbar with its left edge at `left`, level with the coloured area from
/// `top` to `bottom`, and at least [`MIN_BAR_HEIGHT`] pixels tall.
fn colorbar_layout(
    request: &LayoutRequest<'_>,
    left: i32,
    top: i32,
    bottom: i32,
) -> ColorbarLayout {
    let title_size = text::plotters_size(text::AXIS_LABEL);
    let title = fit_text(request.colorbar_label, title_size, COLORBAR_MAX_TITLE_WIDTH);
    let title_height = if title.is_empty() {
        0
    } else {
        text_size("Ag", title_size).1 as i32 + 12
    };
    let bar_top = top + title_height;
    let bar_bottom = bottom.max(bar_top + MIN_BAR_HEIGHT);

    let (min, max) = widen_degenerate(request.range.0, request.range.1);
    let (values, step) = nice_ticks(min, max, COLORBAR_TICKS);
    let ticks = values
        .into_iter()
        .map(|value| (value, format_tick(value, step)))
        .collect();
    ColorbarLayout {
        left,
        title,
        bar_top,
        bar_bottom,
        min,
        max,
        ticks,
    }
}

/// Returns the width of the colorbar: the bar, its ticks and labels, or its title if wider.
fn colorbar_width(colorbar: &ColorbarLayout) -> i32 {
    let tick_size = text::plotters_size(text::TICK);
    let tick_width = colorbar
        .ticks
        .iter()
        .map(|(_, label)| text_size(label, tick_size).0)
        .max()
        .unwrap_or(0) as i32;
    let bar_width = COLORBAR_WIDTH + COLORBAR_TICK_LENGTH + COLORBAR_LABEL_GAP + tick_width;
    let title_width = text_size(&colorbar.title, text::plotters_size(text::AXIS_LABEL)).0;
    bar_width.max(title_width as i32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::font::ensure_registered;

    fn groups(boundaries: &[usize], names: &[&str]) -> Groups {
        Groups {
            boundaries: boundaries.to_vec(),
            names: names.iter().map(|&name| name.to_owned()).collect(),
        }
    }

    fn request<'a>(shape: (usize, usize), row: Option<&'a Groups>) -> LayoutRequest<'a> {
        LayoutRequest {
            shape,
            title: "similarity",
            row_groups: row,
            column_groups: row,
            colorbar_label: "cosine",
            range: (0.0, 1.0),
            area_size: 720,
            embedded_font: true,
        }
    }

    #[test]
    fn lines_sit_at_cumulative_sizes() {
        assert_eq!(ensure_registered(), Ok(true));
        let classes = groups(&[0, 3, 8, 10], &["a", "b", "c"]);
        let placed = layout(&request((10, 10), Some(&classes))).expect("the figure fits");
        let grid = placed.grid;
        assert_eq!((grid.width(), grid.height()), (720, 720));
        assert_eq!(
            placed.row_lines,
            vec![grid.top() + 3 * 72, grid.top() + 8 * 72]
        );
        assert_eq!(
            placed.column_lines,
            vec![grid.left() + 3 * 72, grid.left() + 8 * 72]
        );
        let centers: Vec<i32> = placed.row_labels.iter().map(|l| l.center).collect();
        let top = grid.top() as i32;
        assert_eq!(centers, vec![top + 108, top + 396, top + 648]);
        assert!(!placed.column_labels_upward);
    }

    #[test]
    fn elements_do_not_overlap() {
        assert_eq!(ensure_registered(), Ok(true));
        let classes = groups(&[0, 50, 100], &["first class", "second class"]);
        let placed = layout(&request((100, 100), Some(&classes))).expect("the figure fits");
        let grid = placed.grid;
        let (_, title_top) = placed.title.clone().expect("a title was given");
        assert!(title_top < grid.top() as i32);
        assert!(placed.row_label_right < grid.left() as i32);
        assert!(placed.colorbar.left > (grid.left() + grid.width()) as i32);
        assert!(placed.width >= (placed.colorbar.left + COLORBAR_WIDTH) as u32);
        assert!(placed.height > grid.top() + grid.height());
    }

    #[test]
    fn crowded_column_names_read_upward() {
        assert_eq!(ensure_registered(), Ok(true));
        let boundaries: Vec<usize> = (0..=20).map(|g| g * 5).collect();
        let names: Vec<String> = (0..20).map(|g| format!("a long class name {g}")).collect();
        let classes = Groups { boundaries, names };
        let placed = layout(&request((100, 100), Some(&classes))).expect("the figure fits");
        assert!(placed.column_labels_upward);
        assert_eq!(placed.column_labels.len(), 20);
    }

    #[test]
    fn narrow_groups_are_unnamed() {
        assert_eq!(ensure_registered(), Ok(true));
        // A group of 1 row out of 1000 gets under a pixel.
        let classes = groups(&[0, 1, 1000], &["tiny", "large"]);
        let placed = layout(&request((1000, 1000), Some(&classes))).expect("the figure fits");
        let names: Vec<&str> = placed.row_labels.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(names, vec!["large"]);
    }

    #[test]
    fn oversized_figure_is_rejected() {
        assert_eq!(ensure_registered(), Ok(true));
        let mut wide = request((10, 10), None);
        wide.area_size = 9_990;
        match layout(&wide) {
            Err(Error::InvalidParameter { name, .. }) => assert_eq!(name, "size"),
            other => panic!("expected InvalidParameter, got {other:?}"),
        }
    }
}
