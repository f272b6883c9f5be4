//! Pixel layout of a figure: title band, panel grid, legends and colorbars.
//!
//! Everything is placed before drawing, so that legends and colorbars sit outside every
//! plotting area and never cover points. Text is measured with the embedded font.

use embviz_core::{Error, Result};
use plotters::style::RGBColor;

use crate::color::{MISSING, category_rgb, viridis};
use crate::font::{fit_text, fit_text_middle, text_size};
use crate::ticks::{DataBounds, format_tick, nice_ticks, padded_range, widen_degenerate};
use crate::{Coloring, Panel};

/// Text sizes in pixels per em, as SVG's `font-size` reports them.
pub(crate) mod text {
    /// Figure title.
    pub(crate) const TITLE: f64 = 24.0;
    /// Panel titles.
    pub(crate) const PANEL_TITLE: f64 = 20.0;
    /// Axis labels and the colorbar title.
    pub(crate) const AXIS_LABEL: f64 = 16.0;
    /// Tick labels.
    pub(crate) const TICK: f64 = 14.0;
    /// Legend entries.
    pub(crate) const LEGEND: f64 = 16.0;

    /// Converts pixels per em to the size plotters takes: plotters divides its size by 1.24
    /// to get the em size (`font-size` in SVG output, the em box in bitmap output).
    pub(crate) fn plotters_size(pixels_per_em: f64) -> f64 {
        pixels_per_em * 1.24
    }
}

/// Blank space in pixels above a panel title, separating it from the row above.
pub(crate) const PANEL_TITLE_SPACE: i32 = 12;
/// Height in pixels of a panel's title band beyond the text itself: the space above and
/// 12 pixels below.
const PANEL_TITLE_PADDING: u32 = PANEL_TITLE_SPACE as u32 + 12;
/// Blank border around the whole figure.
pub(crate) const OUTER_MARGIN: i32 = 16;
/// Gap between a plotting area and a legend or colorbar beside it.
const SIDE_GAP: u32 = 20;
/// Default width of one panel cell without its legend or colorbar.
const DEFAULT_PANEL_WIDTH: u32 = 780;
/// Default height of one panel cell.
const DEFAULT_PANEL_HEIGHT: u32 = 720;
/// Smallest plotting area, in pixels on each side, that a figure may leave a panel.
const MIN_PLOT_SIDE: u32 = 60;
/// Largest figure side in pixels: a 10000 x 10000 RGB image takes 300 MB in memory.
pub(crate) const MAX_SIDE: u32 = 10_000;

/// Radius in pixels of a legend marker.
pub(crate) const LEGEND_MARKER_RADIUS: i32 = 6;
/// Height in pixels of one legend row.
pub(crate) const LEGEND_ROW_HEIGHT: u32 = 26;
/// Gap between a legend marker and its text.
pub(crate) const LEGEND_TEXT_GAP: i32 = 10;
/// Widest legend name before its middle is replaced by an ellipsis.
const LEGEND_MAX_TEXT_WIDTH: u32 = 260;
/// Space between two legend columns.
const LEGEND_COLUMN_GAP: u32 = 24;

/// Width in pixels of the colour bar itself.
pub(crate) const COLORBAR_WIDTH: i32 = 22;
/// Length in pixels of a colorbar tick mark.
pub(crate) const COLORBAR_TICK_LENGTH: i32 = 6;
/// Gap between a colorbar tick mark and its label.
pub(crate) const COLORBAR_LABEL_GAP: i32 = 6;
/// Widest colorbar title before it is shortened with an ellipsis.
const COLORBAR_MAX_TITLE_WIDTH: u32 = 260;
/// Largest number of colorbar ticks.
const COLORBAR_TICKS: usize = 7;

/// An axis-aligned rectangle in pixels, `x0..x1` by `y0..y1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rect {
    pub(crate) x0: i32,
    pub(crate) y0: i32,
    pub(crate) x1: i32,
    pub(crate) y1: i32,
}

impl Rect {
    pub(crate) fn width(&self) -> u32 {
        (self.x1 - self.x0).max(0) as u32
    }

    pub(crate) fn height(&self) -> u32 {
        (self.y1 - self.y0).max(0) as u32
    }
}

/// A categorical legend laid out in columns filled top to bottom.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Legend {
    /// Name (shortened to fit) and colour of each entry listed.
    pub(crate) entries: Vec<(String, RGBColor)>,
    /// Number of classes left out for lack of room, listed as one last "… and k more" row.
    pub(crate) hidden: usize,
    pub(crate) rows_per_column: usize,
    pub(crate) column_width: u32,
    pub(crate) width: u32,
}

/// A vertical colorbar for one continuous panel.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Colorbar {
    /// Title drawn above the bar, shortened to fit.
    pub(crate) title: String,
    /// Value at the bottom of the bar.
    pub(crate) min: f64,
    /// Value at the top of the bar.
    pub(crate) max: f64,
    /// Tick values and their labels.
    pub(crate) ticks: Vec<(f64, String)>,
    /// Number of points whose value is NaN or infinite, listed below the bar when above 0.
    pub(crate) missing: usize,
    pub(crate) width: u32,
}

impl Colorbar {
    /// Returns the colour of `value`, grey when it is NaN or infinite.
    pub(crate) fn color_of(&self, value: f64) -> RGBColor {
        if value.is_finite() {
            viridis((value - self.min) / (self.max - self.min))
        } else {
            MISSING
        }
    }
}

/// Legend or colorbar beside one panel.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Side {
    Legend(Legend),
    Colorbar(Colorbar),
}

impl Side {
    fn width(&self) -> u32 {
        match self {
            Self::Legend(legend) => legend.width,
            Self::Colorbar(colorbar) => colorbar.width,
        }
    }
}

/// Placement of one panel.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PanelLayout {
    /// Area given to the chart: plotting area, tick labels and axis labels.
    pub(crate) chart: Rect,
    /// Top of the band holding the panel title, when the row has titles.
    pub(crate) title_top: Option<i32>,
    /// Title shortened to the chart width.
    pub(crate) title: String,
    /// Legend or colorbar on the right of the chart, with its left edge.
    pub(crate) side: Option<(Side, i32)>,
    pub(crate) x_range: (f64, f64),
    pub(crate) y_range: (f64, f64),
    /// Space under the plotting area for x tick labels and the x axis label.
    pub(crate) x_label_area: u32,
    /// Space left of the plotting area for y tick labels and the y axis label.
    pub(crate) y_label_area: u32,
    /// Tick positions and labels on each axis.
    pub(crate) x_ticks: Vec<(f64, String)>,
    pub(crate) y_ticks: Vec<(f64, String)>,
}

/// Placement of a whole figure.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FigureLayout {
    pub(crate) width: u32,
    pub(crate) height: u32,
    /// Title shortened to the figure width, with the top of its band.
    pub(crate) title: Option<(String, i32)>,
    /// Legend shared by the categorical panels, with its left edge. Its top is the top of
    /// the first plotting area, known once the first chart is built.
    pub(crate) shared_legend: Option<(Legend, i32)>,
    pub(crate) panels: Vec<PanelLayout>,
}

/// Figure-level settings the layout needs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LayoutRequest<'a> {
    pub(crate) panels: &'a [Panel],
    pub(crate) title: &'a str,
    pub(crate) columns: usize,
    pub(crate) size: Option<(u32, u32)>,
    /// Whether every axis without fixed limits spans the data of all panels.
    pub(crate) share_axes: bool,
}

/// Returns the class names of the legend shared by all categorical panels: `Some` when at
/// least one panel is categorical and every categorical panel has the same names.
pub(crate) fn shared_names(panels: &[Panel]) -> Option<&[String]> {
    let mut names = panels
        .iter()
        .filter_map(|panel| panel.coloring_ref().category_names());
    let first = names.next()?;
    names.all(|other| other == first).then_some(first)
}

/// Places every element of a figure.
///
/// # Errors
///
/// [`Error::InvalidParameter`] for `size` when a panel would get a plotting area smaller
/// than 60 pixels on a side, and for `coordinates` when an axis range overflows `f64`.
pub(crate) fn layout(request: &LayoutRequest<'_>) -> Result<FigureLayout> {
    let n_panels = request.panels.len();
    let columns = request.columns;
    let rows = n_panels.div_ceil(columns);
    let shared = shared_names(request.panels);
    let shared_bounds = request.share_axes.then(|| {
        request
            .panels
            .iter()
            .map(|panel| DataBounds::of(panel.points()))
            .fold(DataBounds::EMPTY, DataBounds::union)
    });

    let title_height = if request.title.is_empty() {
        0
    } else {
        // The title text and 24 pixels of space below it.
        text_size(request.title, text::plotters_size(text::TITLE)).1 + 24
    };
    let any_panel_title = request.panels.iter().any(|p| !p.title_text().is_empty());
    let panel_title_height = if any_panel_title {
        text_size("Ag", text::plotters_size(text::PANEL_TITLE)).1 + PANEL_TITLE_PADDING
    } else {
        0
    };

    let height = match request.size {
        Some((_, height)) => height,
        None => 2 * OUTER_MARGIN as u32 + title_height + rows as u32 * DEFAULT_PANEL_HEIGHT,
    };
    let grid_top = OUTER_MARGIN + title_height as i32;
    let grid_bottom = height as i32 - OUTER_MARGIN;
    let cell_height = (grid_bottom - grid_top).max(0) as u32 / rows as u32;
    // The height of a plotting area, which a legend beside it may fill: the cell less the
    // title band and about 70 pixels of chart margins and x axis labels.
    let side_height = cell_height.saturating_sub(panel_title_height + 70);

    let legend_max_width = match request.size {
        Some((width, _)) => (width as f64 * 0.4) as u32,
        None => 600,
    };
    // A shared legend starts level with the first plotting area and may run down to the
    // bottom of the grid, less 20 pixels for the chart margin.
    let shared_legend = shared.map(|names| {
        let grid_height = (grid_bottom - grid_top).max(0) as u32;
        let room = grid_height.saturating_sub(panel_title_height + 20);
        legend(names, room, legend_max_width)
    });
    let sides = request
        .panels
        .iter()
        .map(|panel| match panel.coloring_ref() {
            Coloring::Categorical { names, .. } if shared.is_none() => Some(Side::Legend(legend(
                names,
                side_height,
                legend_max_width / columns as u32,
            ))),
            Coloring::Continuous { values, label } => Some(Side::Colorbar(colorbar(values, label))),
            _ => None,
        })
        .collect::<Vec<_>>();
    let side_width = sides
        .iter()
        .flatten()
        .map(|side| side.width() + SIDE_GAP)
        .max()
        .unwrap_or(0);
    let shared_width = shared_legend
        .as_ref()
        .map_or(0, |legend| legend.width + SIDE_GAP);

    let width = match request.size {
        Some((width, _)) => width,
        None => {
            2 * OUTER_MARGIN as u32
                + columns as u32 * (DEFAULT_PANEL_WIDTH + side_width)
                + shared_width
        }
    };
    let grid_left = OUTER_MARGIN;
    let grid_right = width as i32 - OUTER_MARGIN - shared_width as i32;
    let cell_width = (grid_right - grid_left).max(0) as u32 / columns as u32;

    let mut panels = Vec::with_capacity(n_panels);
    for (index, (panel, side)) in request.panels.iter().zip(sides).enumerate() {
        let cell = Rect {
            x0: grid_left + (index % columns) as i32 * cell_width as i32,
            y0: grid_top + (index / columns) as i32 * cell_height as i32,
            x1: grid_left + (index % columns + 1) as i32 * cell_width as i32,
            y1: grid_top + (index / columns + 1) as i32 * cell_height as i32,
        };
        let (x_range, y_range) = axis_ranges(panel, shared_bounds)?;
        log_hidden_points(index, panel, x_range, y_range);
        panels.push(panel_layout(
            panel,
            cell,
            side,
            side_width,
            panel_title_height,
            (width, height),
            (x_range, y_range),
        )?);
    }

    let title = (!request.title.is_empty()).then(|| {
        let fitted = fit_text(
            request.title,
            text::plotters_size(text::TITLE),
            width.saturating_sub(2 * OUTER_MARGIN as u32),
        );
        (fitted, OUTER_MARGIN)
    });
    let shared_legend = shared_legend.map(|legend| (legend, grid_right + SIDE_GAP as i32));
    Ok(FigureLayout {
        width,
        height,
        title,
        shared_legend,
        panels,
    })
}

/// Places one panel in its grid cell.
///
/// Every cell reserves the same `side_width` on its right, the widest legend or colorbar of
/// the figure plus its gap, so that the plotting areas of a grid line up. Cells of one
/// figure have the same size, so panels with the same axis ranges get the same ticks.
fn panel_layout(
    panel: &Panel,
    cell: Rect,
    side: Option<Side>,
    side_width: u32,
    title_height: u32,
    figure_size: (u32, u32),
    (x_range, y_range): ((f64, f64), (f64, f64)),
) -> Result<PanelLayout> {
    let chart = Rect {
        x0: cell.x0,
        y0: cell.y0 + title_height as i32,
        x1: cell.x1 - side_width as i32,
        y1: cell.y1,
    };

    let tick_size = text::plotters_size(text::TICK);
    let label_size = text::plotters_size(text::AXIS_LABEL);
    let label_height = text_size("Ag", label_size).1;
    let tick_height = text_size("0123456789", tick_size).1;

    let x_ticks = labeled_ticks(x_range, ((chart.width() / 110) as usize).clamp(3, 9));
    let y_ticks = labeled_ticks(y_range, ((chart.height() / 80) as usize).clamp(3, 9));
    let y_tick_width = y_ticks
        .iter()
        .map(|(_, label)| text_size(label, tick_size).0)
        .max()
        .unwrap_or(0);

    let x_label_area = TICK_LENGTH
        + TICK_LABEL_GAP
        + tick_height
        + if panel.x_label_text().is_empty() {
            0
        } else {
            AXIS_LABEL_GAP + label_height
        };
    let y_label_area = TICK_LENGTH
        + TICK_LABEL_GAP
        + y_tick_width
        + if panel.y_label_text().is_empty() {
            0
        } else {
            AXIS_LABEL_GAP + label_height
        };

    let plot_width = chart
        .width()
        .saturating_sub(y_label_area + 2 * CHART_MARGIN);
    let plot_height = chart
        .height()
        .saturating_sub(x_label_area + 2 * CHART_MARGIN);
    if plot_width < MIN_PLOT_SIDE || plot_height < MIN_PLOT_SIDE {
        return Err(Error::InvalidParameter {
            name: "size",
            value: format!("{}x{}", figure_size.0, figure_size.1),
            expected: format!(
                "room for a plotting area of at least {MIN_PLOT_SIDE}x{MIN_PLOT_SIDE} pixels \
                 per panel, but a panel gets {plot_width}x{plot_height}: enlarge the figure, \
                 use fewer columns or shorter legend names"
            ),
        });
    }

    let title = fit_text(
        panel.title_text(),
        text::plotters_size(text::PANEL_TITLE),
        chart.width(),
    );
    let side_left = chart.x1 + SIDE_GAP as i32;
    Ok(PanelLayout {
        chart,
        title_top: (title_height > 0).then_some(cell.y0),
        title,
        side: side.map(|side| (side, side_left)),
        x_range,
        y_range,
        x_label_area,
        y_label_area,
        x_ticks,
        y_ticks,
    })
}

/// Returns at most `max_count` nice tick positions in `range`, with their labels.
fn labeled_ticks(range: (f64, f64), max_count: usize) -> Vec<(f64, String)> {
    let (values, step) = nice_ticks(range.0, range.1, max_count);
    values
        .into_iter()
        .map(|value| (value, format_tick(value, step)))
        .collect()
}

/// Blank space in pixels between a chart area and its plotting area's outer labels.
pub(crate) const CHART_MARGIN: u32 = 8;
/// Length in pixels of an axis tick mark, outside the frame.
pub(crate) const TICK_LENGTH: u32 = 5;
/// Gap in pixels between a tick mark and its label.
pub(crate) const TICK_LABEL_GAP: u32 = 4;
/// Gap in pixels between the tick labels and the axis label.
pub(crate) const AXIS_LABEL_GAP: u32 = 8;

/// Returns the x and y ranges of `panel`: its fixed range where it has one, and otherwise
/// the padded range of `shared` bounds when given, or of its own points.
fn axis_ranges(panel: &Panel, shared: Option<DataBounds>) -> Result<((f64, f64), (f64, f64))> {
    let bounds = shared.unwrap_or_else(|| DataBounds::of(panel.points()));
    let fixed = panel.fixed_ranges();
    let range = |axis: usize| {
        if let Some(range) = fixed[axis] {
            return Ok(range);
        }
        let (min, max) = (bounds.min[axis], bounds.max[axis]);
        padded_range(min, max).ok_or_else(|| Error::InvalidParameter {
            name: "coordinates",
            value: format!("{min}..{max}"),
            expected: format!(
                "a range of {} values whose width fits in f64: rescale the coordinates",
                ["x", "y"][axis]
            ),
        })
    };
    Ok((range(0)?, range(1)?))
}

/// Logs how many points of panel `index` lie outside its axis ranges, which only fixed
/// ranges allow. Those points are not drawn.
fn log_hidden_points(index: usize, panel: &Panel, x_range: (f64, f64), y_range: (f64, f64)) {
    if panel.fixed_ranges() == [None, None] {
        return;
    }
    let hidden = panel
        .points()
        .iter()
        .filter(|&&point| !is_inside(point, x_range, y_range))
        .count();
    if hidden > 0 {
        log::debug!(
            "panel {index}: {hidden} of {} points lie outside the fixed axis ranges and are \
             not drawn",
            panel.len()
        );
    }
}

/// Returns true when `point` lies inside the axis ranges, limits included.
pub(crate) fn is_inside([x, y]: [f64; 2], x_range: (f64, f64), y_range: (f64, f64)) -> bool {
    (x_range.0..=x_range.1).contains(&x) && (y_range.0..=y_range.1).contains(&y)
}

/// Lays out a legend of `names` in columns of at most `max_height` pixels, within
/// `max_width` pixels, dropping the last names into one "… and k more" row if needed.
fn legend(names: &[String], max_height: u32, max_width: u32) -> Legend {
    let size = text::plotters_size(text::LEGEND);
    let fitted: Vec<String> = names
        .iter()
        .map(|name| fit_text_middle(name, size, LEGEND_MAX_TEXT_WIDTH))
        .collect();
    let text_width = fitted
        .iter()
        .map(|name| text_size(name, size).0)
        .chain(std::iter::once(text_size("… and 99999 more", size).0))
        .max()
        .unwrap_or(0);
    let column_width =
        2 * LEGEND_MARKER_RADIUS as u32 + LEGEND_TEXT_GAP as u32 + text_width + LEGEND_COLUMN_GAP;

    let rows_per_column = ((max_height / LEGEND_ROW_HEIGHT) as usize).max(1);
    let max_columns = ((max_width / column_width) as usize).max(1);
    let needed_columns = names.len().div_ceil(rows_per_column).max(1);
    let capacity = rows_per_column * max_columns;
    let (listed, hidden) = if names.len() <= capacity {
        (names.len(), 0)
    } else {
        // One row goes to the "… and k more" line.
        let listed = capacity.saturating_sub(1);
        log::warn!(
            "the legend has room for {listed} of {} class names; the rest are summed up in \
             one row, so enlarge the figure to list them all",
            names.len()
        );
        (listed, names.len() - listed)
    };
    let columns = needed_columns.min(max_columns);
    let entries = fitted
        .into_iter()
        .take(listed)
        .enumerate()
        .map(|(label, name)| (name, category_rgb(label)))
        .collect();
    Legend {
        entries,
        hidden,
        rows_per_column,
        column_width,
        width: columns as u32 * column_width - LEGEND_COLUMN_GAP,
    }
}

/// Lays out the colorbar of `values` titled `label`.
fn colorbar(values: &[f64], label: &str) -> Colorbar {
    let (mut min, mut max) = (f64::INFINITY, f64::NEG_INFINITY);
    let mut missing = 0;
    for &value in values {
        if value.is_finite() {
            min = min.min(value);
            max = max.max(value);
        } else {
            missing += 1;
        }
    }
    if min > max {
        // No finite value: every point is grey, and the bar shows 0 to 1.
        (min, max) = (0.0, 1.0);
    }
    let (min, max) = widen_degenerate(min, max);
    let ticks = labeled_ticks((min, max), COLORBAR_TICKS);

    let tick_size = text::plotters_size(text::TICK);
    let tick_width = ticks
        .iter()
        .map(|(_, text)| text_size(text, tick_size).0)
        .max()
        .unwrap_or(0);
    let missing_width = if missing > 0 {
        let legend_size = text::plotters_size(text::LEGEND);
        2 * LEGEND_MARKER_RADIUS as u32
            + LEGEND_TEXT_GAP as u32
            + text_size(&missing_label(missing), legend_size).0
    } else {
        0
    };
    let bar_width =
        (COLORBAR_WIDTH + COLORBAR_TICK_LENGTH + COLORBAR_LABEL_GAP) as u32 + tick_width;
    let title_size = text::plotters_size(text::AXIS_LABEL);
    let title = fit_text(label, title_size, COLORBAR_MAX_TITLE_WIDTH);
    let title_width = text_size(&title, title_size).0;
    Colorbar {
        title,
        min,
        max,
        ticks,
        missing,
        width: bar_width.max(title_width).max(missing_width),
    }
}

/// Returns the legend text for `count` points without a finite value.
pub(crate) fn missing_label(count: usize) -> String {
    format!("NaN ({count})")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::font::ensure_registered;

    fn blob_panel(coloring: Coloring) -> Panel {
        let points: Vec<[f64; 2]> = (0..10).map(|i| [i as f64, (i * i) as f64]).collect();
        Panel::from_points(&points)
            .expect("finite points are valid")
            .coloring(coloring)
    }

    fn ten_names() -> Vec<String> {
        (0..10).map(|i| format!("class {i}")).collect()
    }

    #[test]
    fn shared_legend_needs_equal_names() {
        let a = blob_panel(Coloring::categorical(0..10, ten_names()));
        let b = blob_panel(Coloring::categorical(0..10, ten_names()));
        let single = blob_panel(Coloring::Single);
        let panels = [a.clone(), single, b];
        assert_eq!(shared_names(&panels), Some(&ten_names()[..]));

        let mut other = ten_names();
        other[3] = "renamed".to_owned();
        let c = blob_panel(Coloring::categorical(0..10, other));
        assert_eq!(shared_names(&[a, c]), None);
        assert_eq!(shared_names(&[blob_panel(Coloring::Single)]), None);
    }

    #[test]
    fn legend_sits_right_of_every_plot() {
        assert_eq!(ensure_registered(), Ok(true));
        let panels = [
            blob_panel(Coloring::categorical(0..10, ten_names())).title("left"),
            blob_panel(Coloring::categorical(0..10, ten_names())).title("right"),
        ];
        let request = LayoutRequest {
            panels: &panels,
            title: "two maps",
            columns: 2,
            size: None,
            share_axes: false,
        };
        let figure = layout(&request).expect("the default size fits two panels");
        let (legend, left) = figure.shared_legend.expect("names are shared");
        assert_eq!(legend.entries.len(), 10);
        assert_eq!(legend.hidden, 0);
        for panel in &figure.panels {
            assert!(panel.chart.x1 < left, "chart ends at {}", panel.chart.x1);
            assert!(panel.side.is_none());
        }
        assert!(left + legend.width as i32 <= figure.width as i32 - OUTER_MARGIN);
    }

    #[test]
    fn colorbar_sits_in_its_panel_cell() {
        assert_eq!(ensure_registered(), Ok(true));
        let values: Vec<f64> = (0..10).map(f64::from).collect();
        let panels = [
            blob_panel(Coloring::continuous(values.clone(), "depth")),
            blob_panel(Coloring::continuous(values, "depth")),
        ];
        let request = LayoutRequest {
            panels: &panels,
            title: "",
            columns: 2,
            size: Some((1200, 500)),
            share_axes: false,
        };
        let figure = layout(&request).expect("1200x500 fits two panels");
        assert_eq!((figure.width, figure.height), (1200, 500));
        let first_side = figure.panels[0].side.as_ref().expect("a colorbar").1;
        assert!(first_side > figure.panels[0].chart.x1);
        assert!(first_side < figure.panels[1].chart.x0);
    }

    /// Lays out three panels in one row at 1500x500 pixels.
    fn three_panel_layout(panels: &[Panel; 3], share_axes: bool) -> FigureLayout {
        let request = LayoutRequest {
            panels,
            title: "",
            columns: 3,
            size: Some((1500, 500)),
            share_axes,
        };
        layout(&request).expect("1500x500 fits three panels")
    }

    #[test]
    fn shared_axes_span_all_panels() {
        assert_eq!(ensure_registered(), Ok(true));
        let left = Panel::from_points(&[[0.0, 0.0], [10.0, 5.0]]).expect("finite points");
        let right = Panel::from_points(&[[-40.0, 100.0], [-20.0, 300.0]]).expect("finite points");
        let fixed = left.clone().x_range(-1.0, 1.0);
        let panels = [left, right, fixed];

        let own = three_panel_layout(&panels, false);
        assert_eq!(own.panels[0].x_range, (-0.5, 10.5));
        assert_eq!(own.panels[1].x_range, (-41.0, -19.0));
        assert_eq!(own.panels[2].x_range, (-1.0, 1.0));

        // The union spans x from -40 to 10 and y from 0 to 300, plus 5% of each span.
        let shared = three_panel_layout(&panels, true);
        for panel in &shared.panels[..2] {
            assert_eq!(panel.x_range, (-42.5, 12.5));
            assert_eq!(panel.y_range, (-15.0, 315.0));
        }
        assert_eq!(shared.panels[0].x_ticks, shared.panels[1].x_ticks);
        assert_eq!(shared.panels[0].y_ticks, shared.panels[1].y_ticks);
        assert_eq!(shared.panels[2].x_range, (-1.0, 1.0));
        assert_eq!(shared.panels[2].y_range, (-15.0, 315.0));
    }

    #[test]
    fn points_on_limits_are_inside() {
        assert!(is_inside([1.0, 2.0], (1.0, 3.0), (0.0, 2.0)));
        assert!(!is_inside([0.99, 1.0], (1.0, 3.0), (0.0, 2.0)));
        assert!(!is_inside([2.0, 2.01], (1.0, 3.0), (0.0, 2.0)));
    }

    #[test]
    fn tiny_figure_is_rejected() {
        assert_eq!(ensure_registered(), Ok(true));
        let panels = [blob_panel(Coloring::Single), blob_panel(Coloring::Single)];
        let request = LayoutRequest {
            panels: &panels,
            title: "",
            columns: 2,
            size: Some((200, 400)),
            share_axes: false,
        };
        match layout(&request) {
            Err(Error::InvalidParameter { name, value, .. }) => {
                assert_eq!(name, "size");
                assert_eq!(value, "200x400");
            }
            other => panic!("expected InvalidParameter, got {other:?}"),
        }
    }

    #[test]
    fn long_legend_wraps_into_columns() {
        assert_eq!(ensure_registered(), Ok(true));
        let names: Vec<String> = (0..30).map(|i| format!("c{i}")).collect();
        let legend = legend(&names, 10 * LEGEND_ROW_HEIGHT, 1000);
        assert_eq!(legend.rows_per_column, 10);
        assert_eq!(legend.entries.len(), 30);
        assert_eq!(legend.width, 3 * legend.column_width - LEGEND_COLUMN_GAP);
        assert_eq!(legend.entries[20].1, category_rgb(20));
        assert_ne!(legend.entries[20].1, category_rgb(0));
    }

    #[test]
    fn crowded_legend_sums_up_the_rest() {
        assert_eq!(ensure_registered(), Ok(true));
        let names: Vec<String> = (0..100).map(|i| format!("c{i}")).collect();
        let narrow = legend(&names, 10 * LEGEND_ROW_HEIGHT, 10);
        assert_eq!(narrow.entries.len(), 9);
        assert_eq!(narrow.hidden, 91);
    }

    #[test]
    fn colorbar_ignores_missing_values() {
        assert_eq!(ensure_registered(), Ok(true));
        let bar = colorbar(&[2.0, f64::NAN, 4.0, f64::INFINITY], "score");
        assert_eq!((bar.min, bar.max), (2.0, 4.0));
        assert_eq!(bar.missing, 2);
        let labels: Vec<&str> = bar.ticks.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(labels, ["2.0", "2.5", "3.0", "3.5", "4.0"]);
        assert_eq!(bar.color_of(f64::NAN), MISSING);
        assert_eq!(bar.color_of(4.0), viridis(1.0));

        let empty = colorbar(&[f64::NAN], "score");
        assert_eq!((empty.min, empty.max), (0.0, 1.0));
    }
}
