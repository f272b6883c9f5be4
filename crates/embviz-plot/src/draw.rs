//! Drawing a laid-out figure on any plotters backend.

use std::ops::Range;

use plotters::coord::Shift;
use plotters::prelude::{
    ChartBuilder, Circle, DrawingArea, DrawingBackend, PathElement, Rectangle, Text,
};
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{Color, FontTransform, RGBColor, ShapeStyle, WHITE};

use crate::color::{GRID, INK, MISSING, SINGLE, category_rgb};
use crate::font::{fit_text, font_desc, text_size};
use crate::glyphs::GlyphMetrics;
use crate::layout::{
    AXIS_LABEL_GAP, CHART_MARGIN, COLORBAR_LABEL_GAP, COLORBAR_TICK_LENGTH, COLORBAR_WIDTH,
    Colorbar, FigureLayout, LEGEND_MARKER_RADIUS, LEGEND_ROW_HEIGHT, LEGEND_TEXT_GAP, Legend,
    PANEL_TITLE_SPACE, PanelLayout, Side, TICK_LABEL_GAP, TICK_LENGTH, is_inside, missing_label,
    text,
};
use crate::{Coloring, Panel};

/// Settings shared by every panel.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RenderStyle {
    /// Marker radius in pixels.
    pub(crate) radius: u32,
    /// Marker opacity.
    pub(crate) alpha: f64,
    /// Text drawing mode of this backend.
    pub(crate) text: TextMode,
}

/// Text drawing mode: whole strings for SVG, where the viewer lays text out, or one glyph
/// at a time for bitmaps.
#[derive(Debug, Clone, Copy)]
pub(crate) enum TextMode {
    /// One element per string.
    Whole,
    /// One element per glyph, placed by the font's metrics.
    ///
    /// Text anchored at its vertical centre is also moved down by 0.2 em: plotters' bitmap
    /// text puts the baseline 0.12 em below the anchor, which leaves lower-case text about
    /// 0.2 em too high beside a legend marker or tick. SVG uses `dy="0.5ex"` instead.
    Glyphs(&'static GlyphMetrics),
}

/// Downward shift in ems of vertically centred bitmap text, see [`TextMode::Glyphs`].
const BITMAP_CENTER_SHIFT: f64 = 0.2;

/// Direction of a line of text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    /// Left to right.
    Horizontal,
    /// Bottom to top, as a y axis label.
    Upward,
}

/// Plotting area of a panel in pixels: `x` left to right, `y` top to bottom.
struct PlotRect {
    x: Range<i32>,
    y: Range<i32>,
}

/// Draws `panels` at the places given by `layout`.
///
/// # Errors
///
/// The backend's message when a drawing call fails.
pub(crate) fn draw_figure<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    panels: &[Panel],
    layout: &FigureLayout,
    style: RenderStyle,
) -> Result<(), String> {
    let painter = Painter { root, style };
    root.fill(&WHITE).map_err(reason)?;
    if let Some((title, top)) = &layout.title {
        let center = layout.width as i32 / 2;
        painter.text(title, text::TITLE, (center, *top), HPos::Center, VPos::Top)?;
    }

    let mut first_plot_top = None;
    for (panel, placement) in panels.iter().zip(&layout.panels) {
        let plot = painter.panel(panel, placement)?;
        first_plot_top.get_or_insert(plot.y.start);
        match &placement.side {
            Some((Side::Legend(legend), left)) => painter.legend(legend, *left, plot.y.start)?,
            Some((Side::Colorbar(colorbar), left)) => painter.colorbar(colorbar, *left, &plot)?,
            None => {}
        }
    }
    if let (Some((legend, left)), Some(top)) = (&layout.shared_legend, first_plot_top) {
        painter.legend(legend, *left, top)?;
    }
    Ok(())
}

/// The root drawing area and the style every element is drawn with.
struct Painter<'a, DB: DrawingBackend> {
    root: &'a DrawingArea<DB, Shift>,
    style: RenderStyle,
}

impl<DB: DrawingBackend> Painter<'_, DB> {
    /// Draws one panel: axes, points, highlight rings, frame and title. Returns its
    /// plotting area.
    fn panel(&self, panel: &Panel, placement: &PanelLayout) -> Result<PlotRect, String> {
        let area_rect = placement.chart;
        let area = self.root.clone().shrink(
            (area_rect.x0, area_rect.y0),
            (area_rect.width(), area_rect.height()),
        );
        let (x_low, x_high) = placement.x_range;
        let (y_low, y_high) = placement.y_range;
        let mut chart = ChartBuilder::on(&area)
            .margin(CHART_MARGIN)
            .x_label_area_size(placement.x_label_area)
            .y_label_area_size(placement.y_label_area)
            .build_cartesian_2d(x_low..x_high, y_low..y_high)
            .map_err(reason)?;
        let (x_pixels, y_pixels) = chart.plotting_area().get_pixel_range();
        let plot = PlotRect {
            x: x_pixels,
            y: y_pixels,
        };

        let ticks = chart_ticks(&chart, placement);
        self.grid(&ticks, &plot)?;

        let points = panel.points();
        let radius = self.style.radius;
        let alpha = self.style.alpha;
        let colors = point_colors(panel, placement);
        // plotters does not clip elements to the plotting area, so points outside a fixed
        // axis range are left out rather than drawn over the axes.
        let inside = |point: &[f64; 2]| is_inside(*point, placement.x_range, placement.y_range);
        chart
            .draw_series(draw_order(panel).filter(|&i| inside(&points[i])).map(|i| {
                let [x, y] = points[i];
                Circle::new((x, y), radius, colors(i).mix(alpha).filled())
            }))
            .map_err(reason)?;

        if let Some(mask) = panel.highlight_mask() {
            let ring = ShapeStyle {
                color: INK.to_rgba(),
                filled: false,
                stroke_width: 2,
            };
            let marked = points
                .iter()
                .zip(mask)
                .filter(|&(point, &marked)| marked && inside(point));
            chart
                .draw_series(marked.map(|(&[x, y], _)| Circle::new((x, y), radius + 3, ring)))
                .map_err(reason)?;
        }

        // A closed frame, as matplotlib's four spines.
        let frame = Rectangle::new(
            [
                (plot.x.start, plot.y.start),
                (plot.x.end - 1, plot.y.end - 1),
            ],
            INK,
        );
        self.root.draw(&frame).map_err(reason)?;
        self.axes(panel, placement, &ticks, &plot)?;

        if let Some(top) = placement.title_top {
            // Centre the title over the plotting area, but keep a title wider than the
            // plotting area inside the chart area.
            let title = &placement.title;
            let half = text_size(title, text::plotters_size(text::PANEL_TITLE)).0 as i32 / 2;
            let lowest = area_rect.x0 + half;
            let highest = (area_rect.x1 - half).max(lowest);
            let center = ((plot.x.start + plot.x.end) / 2).clamp(lowest, highest);
            let position = (center, top + PANEL_TITLE_SPACE);
            self.text(title, text::PANEL_TITLE, position, HPos::Center, VPos::Top)?;
        }
        Ok(plot)
    }

    /// Draws light grid lines across the plotting area at every tick.
    fn grid(&self, ticks: &PixelTicks<'_>, plot: &PlotRect) -> Result<(), String> {
        for &(x, _) in &ticks.x {
            let line = PathElement::new(vec![(x, plot.y.start), (x, plot.y.end - 1)], GRID);
            self.root.draw(&line).map_err(reason)?;
        }
        for &(y, _) in &ticks.y {
            let line = PathElement::new(vec![(plot.x.start, y), (plot.x.end - 1, y)], GRID);
            self.root.draw(&line).map_err(reason)?;
        }
        Ok(())
    }

    /// Draws tick marks and tick labels below and left of the plotting area, and the axis
    /// labels beyond them.
    fn axes(
        &self,
        panel: &Panel,
        placement: &PanelLayout,
        ticks: &PixelTicks<'_>,
        plot: &PlotRect,
    ) -> Result<(), String> {
        let bottom = plot.y.end - 1;
        let left = plot.x.start;
        let tick_length = TICK_LENGTH as i32;
        let label_gap = TICK_LABEL_GAP as i32;
        for &(x, label) in &ticks.x {
            let mark = PathElement::new(vec![(x, bottom), (x, bottom + tick_length)], INK);
            self.root.draw(&mark).map_err(reason)?;
            let position = (x, bottom + tick_length + label_gap);
            self.text(label, text::TICK, position, HPos::Center, VPos::Top)?;
        }
        for &(y, label) in &ticks.y {
            let mark = PathElement::new(vec![(left - tick_length, y), (left, y)], INK);
            self.root.draw(&mark).map_err(reason)?;
            let position = (left - tick_length - label_gap, y);
            self.text(label, text::TICK, position, HPos::Right, VPos::Center)?;
        }

        let label_size = text::plotters_size(text::AXIS_LABEL);
        let x_label = fit_text(panel.x_label_text(), label_size, plot.x.len() as u32);
        if !x_label.is_empty() {
            let tick_height = text_size("0", text::plotters_size(text::TICK)).1 as i32;
            let top = bottom + tick_length + label_gap + tick_height + AXIS_LABEL_GAP as i32;
            let center = (plot.x.start + plot.x.end) / 2;
            self.text(
                &x_label,
                text::AXIS_LABEL,
                (center, top),
                HPos::Center,
                VPos::Top,
            )?;
        }
        let y_label = fit_text(panel.y_label_text(), label_size, plot.y.len() as u32);
        if !y_label.is_empty() {
            // The label area's left edge, where the chart area starts after its margin.
            let area_left = placement.chart.x0 + CHART_MARGIN as i32;
            let center = (plot.y.start + plot.y.end) / 2;
            self.upward_text(&y_label, text::AXIS_LABEL, (area_left, center))?;
        }
        Ok(())
    }

    /// Draws a legend whose first row starts at `top`.
    fn legend(&self, legend: &Legend, left: i32, top: i32) -> Result<(), String> {
        let slot = |index: usize| {
            let column = (index / legend.rows_per_column) as i32;
            let row = (index % legend.rows_per_column) as i32;
            let x = left + column * legend.column_width as i32;
            let y = top + row * LEGEND_ROW_HEIGHT as i32 + LEGEND_ROW_HEIGHT as i32 / 2;
            (x, y)
        };
        for (index, (name, color)) in legend.entries.iter().enumerate() {
            self.legend_entry(name, *color, slot(index))?;
        }
        if legend.hidden > 0 {
            let summary = format!("… and {} more", legend.hidden);
            let position = slot(legend.entries.len());
            self.text(&summary, text::LEGEND, position, HPos::Left, VPos::Center)?;
        }
        Ok(())
    }

    /// Draws one legend row: a marker whose left edge is at `x`, then its text, both
    /// centred on `y`.
    fn legend_entry(&self, name: &str, color: RGBColor, (x, y): (i32, i32)) -> Result<(), String> {
        let center = (x + LEGEND_MARKER_RADIUS, y);
        let marker = Circle::new(center, LEGEND_MARKER_RADIUS, color.filled());
        self.root.draw(&marker).map_err(reason)?;
        let text_x = x + 2 * LEGEND_MARKER_RADIUS + LEGEND_TEXT_GAP;
        self.text(name, text::LEGEND, (text_x, y), HPos::Left, VPos::Center)
    }

    /// Draws a colorbar beside `plot`: its title level with the top of the plotting area,
    /// the bar below it, and a grey "NaN" entry under the bar when some values are missing.
    fn colorbar(&self, colorbar: &Colorbar, left: i32, plot: &PlotRect) -> Result<(), String> {
        let title_height = text_size("Ag", text::plotters_size(text::AXIS_LABEL)).1 as i32;
        if !colorbar.title.is_empty() {
            let position = (left, plot.y.start);
            self.text(
                &colorbar.title,
                text::AXIS_LABEL,
                position,
                HPos::Left,
                VPos::Top,
            )?;
        }
        let bar_top = plot.y.start + title_height + 12;
        let missing_height = if colorbar.missing > 0 {
            LEGEND_ROW_HEIGHT as i32 + 12
        } else {
            0
        };
        let bar_bottom = plot.y.end - missing_height;
        let bar_height = bar_bottom - bar_top;
        if bar_height >= 2 {
            self.colorbar_bar(colorbar, left, bar_top..bar_bottom)?;
        }
        if colorbar.missing > 0 {
            let y = bar_bottom + 12 + LEGEND_ROW_HEIGHT as i32 / 2;
            self.legend_entry(&missing_label(colorbar.missing), MISSING, (left, y))?;
        }
        Ok(())
    }

    /// Draws the colour gradient of a colorbar over the pixel rows `rows`, with its border,
    /// tick marks and tick labels.
    fn colorbar_bar(&self, colorbar: &Colorbar, left: i32, rows: Range<i32>) -> Result<(), String> {
        let (bar_top, bar_bottom) = (rows.start, rows.end);
        let bar_height = f64::from(bar_bottom - bar_top);
        let span = colorbar.max - colorbar.min;
        // One rectangle per pixel row: the bottom row shows `min` and the top row `max`.
        for y in rows {
            let fraction = f64::from(bar_bottom - 1 - y) / (bar_height - 1.0);
            let color = colorbar.color_of(colorbar.min + fraction * span);
            let row = Rectangle::new([(left, y), (left + COLORBAR_WIDTH, y + 1)], color.filled());
            self.root.draw(&row).map_err(reason)?;
        }
        let border = Rectangle::new([(left, bar_top), (left + COLORBAR_WIDTH, bar_bottom)], INK);
        self.root.draw(&border).map_err(reason)?;

        for (value, label) in &colorbar.ticks {
            let fraction = (value - colorbar.min) / span;
            let y = bar_bottom - 1 - (fraction * (bar_height - 1.0)).round() as i32;
            let x = left + COLORBAR_WIDTH;
            let tick = PathElement::new(vec![(x, y), (x + COLORBAR_TICK_LENGTH, y)], INK);
            self.root.draw(&tick).map_err(reason)?;
            let label_x = x + COLORBAR_TICK_LENGTH + COLORBAR_LABEL_GAP;
            self.text(label, text::TICK, (label_x, y), HPos::Left, VPos::Center)?;
        }
        Ok(())
    }

    /// Draws `content` left to right in the ink colour, `size` in pixels per em, with the
    /// anchor at `position` given by `horizontal` and `vertical`.
    fn text(
        &self,
        content: &str,
        size: f64,
        (x, y): (i32, i32),
        horizontal: HPos,
        vertical: VPos,
    ) -> Result<(), String> {
        let y = match (vertical, self.style.text) {
            (VPos::Center, TextMode::Glyphs(_)) => y + (BITMAP_CENTER_SHIFT * size).round() as i32,
            _ => y,
        };
        self.line(
            content,
            size,
            (x, y),
            horizontal,
            vertical,
            Direction::Horizontal,
        )
    }

    /// Draws `content` from bottom to top, centred on `center_y`, with the top of its
    /// letters (the left side once turned) at `left`.
    fn upward_text(
        &self,
        content: &str,
        size: f64,
        (left, center_y): (i32, i32),
    ) -> Result<(), String> {
        let anchor = (left, center_y);
        self.line(
            content,
            size,
            anchor,
            HPos::Center,
            VPos::Top,
            Direction::Upward,
        )
    }

    /// Draws one line of text, whole or one glyph at a time, following the text mode.
    fn line(
        &self,
        content: &str,
        size: f64,
        (x, y): (i32, i32),
        horizontal: HPos,
        vertical: VPos,
        direction: Direction,
    ) -> Result<(), String> {
        let transform = match direction {
            Direction::Horizontal => FontTransform::None,
            Direction::Upward => FontTransform::Rotate270,
        };
        let font = font_desc(text::plotters_size(size)).transform(transform);
        let placed = match self.style.text {
            TextMode::Glyphs(metrics) => metrics.place(content, text::plotters_size(size)),
            TextMode::Whole => None,
        };
        let Some((glyphs, width)) = placed else {
            let style = font.color(&INK).pos(Pos::new(horizontal, vertical));
            return self
                .root
                .draw(&Text::new(content, (x, y), style))
                .map_err(reason);
        };

        // Each glyph is drawn left-anchored at its own offset from the start of the line.
        let start = match horizontal {
            HPos::Left => 0,
            HPos::Center => -width / 2,
            HPos::Right => -width,
        };
        let style = font.color(&INK).pos(Pos::new(HPos::Left, vertical));
        let mut buffer = [0_u8; 4];
        for glyph in glyphs {
            let along = start + glyph.offset;
            let position = match direction {
                Direction::Horizontal => (x + along, y),
                Direction::Upward => (x, y - along),
            };
            let character: &str = glyph.character.encode_utf8(&mut buffer);
            self.root
                .draw(&Text::new(character, position, style.clone()))
                .map_err(reason)?;
        }
        Ok(())
    }
}

/// Tick positions in pixels with their labels.
struct PixelTicks<'a> {
    /// Pixel column and label of each x tick.
    x: Vec<(i32, &'a str)>,
    /// Pixel row and label of each y tick.
    y: Vec<(i32, &'a str)>,
}

/// Maps the ticks of `placement` to pixels through the chart's coordinates.
fn chart_ticks<'a, DB: DrawingBackend>(
    chart: &plotters::chart::ChartContext<
        '_,
        DB,
        plotters::coord::cartesian::Cartesian2d<
            plotters::coord::types::RangedCoordf64,
            plotters::coord::types::RangedCoordf64,
        >,
    >,
    placement: &'a PanelLayout,
) -> PixelTicks<'a> {
    let y_middle = 0.5 * (placement.y_range.0 + placement.y_range.1);
    let x_middle = 0.5 * (placement.x_range.0 + placement.x_range.1);
    PixelTicks {
        x: placement
            .x_ticks
            .iter()
            .map(|(value, label)| (chart.backend_coord(&(*value, y_middle)).0, label.as_str()))
            .collect(),
        y: placement
            .y_ticks
            .iter()
            .map(|(value, label)| (chart.backend_coord(&(x_middle, *value)).1, label.as_str()))
            .collect(),
    }
}

/// Returns the point indices in drawing order: row order, except that points with a missing
/// continuous value go first, so coloured points are never hidden under grey ones.
fn draw_order(panel: &Panel) -> Box<dyn Iterator<Item = usize> + '_> {
    match panel.coloring_ref() {
        Coloring::Continuous { values, .. } => {
            let missing = (0..values.len()).filter(|&i| !values[i].is_finite());
            let present = (0..values.len()).filter(|&i| values[i].is_finite());
            Box::new(missing.chain(present))
        }
        _ => Box::new(0..panel.len()),
    }
}

/// Returns the function giving the colour of point `i`.
fn point_colors<'a>(
    panel: &'a Panel,
    placement: &'a PanelLayout,
) -> Box<dyn Fn(usize) -> RGBColor + 'a> {
    match (panel.coloring_ref(), &placement.side) {
        (Coloring::Categorical { labels, .. }, _) => Box::new(|i| category_rgb(labels[i])),
        (Coloring::Continuous { values, .. }, Some((Side::Colorbar(colorbar), _))) => {
            Box::new(|i| colorbar.color_of(values[i]))
        }
        _ => Box::new(|_| SINGLE),
    }
}

fn reason(error: impl std::fmt::Display) -> String {
    error.to_string()
}
