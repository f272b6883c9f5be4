//! Drawing a laid-out heatmap as PNG or SVG.

use std::path::Path;

use ndarray::Array2;
use plotters::coord::Shift;
use plotters::element::BitMapElement;
use plotters::prelude::{
    BitMapBackend, DrawingArea, DrawingBackend, IntoDrawingArea, PathElement, Rectangle,
    SVGBackend, Text,
};
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{Color, FontTransform, RGBColor, WHITE};

use super::layout::{ColorbarLayout, HeatmapLayout, LABEL_GAP};
use super::png;
use crate::color::{INK, viridis};
use crate::draw::TextMode;
use crate::font::{font_desc, text_size};
use crate::glyphs::embedded_metrics;
use crate::layout::{COLORBAR_LABEL_GAP, COLORBAR_TICK_LENGTH, COLORBAR_WIDTH, text};

/// Colour of the lines between groups, which stands out on the dark half of viridis where
/// most between-group similarities fall.
const GROUP_LINE: RGBColor = WHITE;

/// Downward shift in ems of vertically centred bitmap text, for the reason given on
/// [`TextMode::Glyphs`].
const BITMAP_CENTER_SHIFT: f64 = 0.2;

/// Draws the heatmap of `values` as a PNG file at `path`.
///
/// # Errors
///
/// The backend's message when drawing or encoding fails.
pub(crate) fn draw_png(
    values: &Array2<f64>,
    layout: &HeatmapLayout,
    path: &Path,
) -> Result<(), String> {
    let backend = BitMapBackend::new(path, (layout.width, layout.height));
    let root = backend.into_drawing_area();
    root.fill(&WHITE).map_err(reason)?;

    let grid = &layout.grid;
    let pixels = raster(
        values,
        &grid.row_of_pixels(),
        &grid.column_of_pixels(),
        &layout.colorbar,
    );
    let position = (grid.left() as i32, grid.top() as i32);
    let cells = BitMapElement::with_owned_buffer(position, (grid.width(), grid.height()), pixels)
        .ok_or("the cell raster does not match the size of the coloured area")?;
    root.draw(&cells).map_err(reason)?;

    // Glyph placement needs the metrics of the font plotters draws with, so it is off when
    // the application registered its own sans-serif font.
    let mode = match embedded_metrics().filter(|_| layout.embedded_font) {
        Some(metrics) => TextMode::Glyphs(metrics),
        None => TextMode::Whole,
    };
    draw_overlay(&root, layout, mode)?;
    root.present().map_err(reason)
}

/// Draws the heatmap of `values` as an SVG document.
///
/// plotters' SVG backend cannot embed a bitmap without the `image` crate, so the cells are
/// inserted afterwards as an `<image>` element holding a PNG, right after the opening
/// `<svg>` tag, so that lines and texts are drawn above it. When every cell gets whole
/// pixels, the PNG has one pixel per cell and is scaled up without smoothing.
///
/// # Errors
///
/// The backend's message when drawing fails.
pub(crate) fn draw_svg(values: &Array2<f64>, layout: &HeatmapLayout) -> Result<String, String> {
    let mut svg = String::new();
    {
        let backend = SVGBackend::with_string(&mut svg, (layout.width, layout.height));
        let root = backend.into_drawing_area();
        draw_overlay(&root, layout, TextMode::Whole)?;
        root.present().map_err(reason)?;
    }

    let grid = &layout.grid;
    let (rows, columns): (Vec<usize>, Vec<usize>) = if grid.has_uniform_cells() {
        ((0..grid.n_rows()).collect(), (0..grid.n_cols()).collect())
    } else {
        (grid.row_of_pixels(), grid.column_of_pixels())
    };
    let pixels = raster(values, &rows, &columns, &layout.colorbar);
    let encoded = png::encode_rgb(columns.len() as u32, rows.len() as u32, &pixels);
    let background_and_cells = format!(
        concat!(
            r##"<rect x="0" y="0" width="{}" height="{}" fill="#FFFFFF"/>"##,
            r#"<image x="{}" y="{}" width="{}" height="{}" preserveAspectRatio="none" "#,
            r#"style="image-rendering:pixelated" href="data:image/png;base64,{}"/>"#,
        ),
        layout.width,
        layout.height,
        grid.left(),
        grid.top(),
        grid.width(),
        grid.height(),
        png::base64(&encoded),
    );
    let opening_end = svg
        .find("<svg")
        .and_then(|start| svg[start..].find('>').map(|end| start + end + 1))
        .ok_or("the SVG backend wrote no <svg> element")?;
    svg.insert_str(opening_end, &background_and_cells);
    Ok(svg)
}

/// Returns the RGB pixels showing `values[rows[y], columns[x]]` at pixel `(x, y)`.
fn raster(
    values: &Array2<f64>,
    rows: &[usize],
    columns: &[usize],
    colorbar: &ColorbarLayout,
) -> Vec<u8> {
    let row_bytes = 3 * columns.len();
    let mut pixels = Vec::with_capacity(row_bytes * rows.len());
    let mut previous_row = None;
    for &row in rows {
        if previous_row == Some(row) {
            // A cell taller than a pixel repeats the pixel row above.
            let start = pixels.len() - row_bytes;
            pixels.extend_from_within(start..);
            continue;
        }
        for &column in columns {
            let RGBColor(red, green, blue) = value_color(values[[row, column]], colorbar);
            pixels.extend_from_slice(&[red, green, blue]);
        }
        previous_row = Some(row);
    }
    pixels
}

/// Returns the viridis colour of `value` on the colorbar's range, clamped to its ends.
fn value_color(value: f64, colorbar: &ColorbarLayout) -> RGBColor {
    viridis((value - colorbar.min) / (colorbar.max - colorbar.min))
}

/// Draws everything but the cells: title, group lines, frame, group names and colorbar.
fn draw_overlay<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    layout: &HeatmapLayout,
    mode: TextMode,
) -> Result<(), String> {
    let painter = Painter { root, mode };
    if let Some((title, top)) = &layout.title {
        let center = layout.width as i32 / 2;
        painter.text(title, text::TITLE, (center, *top), HPos::Center, VPos::Top)?;
    }

    let grid = &layout.grid;
    let (left, top) = (grid.left() as i32, grid.top() as i32);
    let (right, bottom) = (left + grid.width() as i32, top + grid.height() as i32);
    for &y in &layout.row_lines {
        let line = PathElement::new(vec![(left, y as i32), (right - 1, y as i32)], GROUP_LINE);
        root.draw(&line).map_err(reason)?;
    }
    for &x in &layout.column_lines {
        let line = PathElement::new(vec![(x as i32, top), (x as i32, bottom - 1)], GROUP_LINE);
        root.draw(&line).map_err(reason)?;
    }
    // The frame lies just outside the area, so it covers no cell.
    let frame = Rectangle::new([(left - 1, top - 1), (right, bottom)], INK);
    root.draw(&frame).map_err(reason)?;

    for label in &layout.row_labels {
        let position = (layout.row_label_right, label.center);
        painter.text(&label.text, text::TICK, position, HPos::Right, VPos::Center)?;
    }
    let label_top = bottom + LABEL_GAP;
    let line_height = text_size("Ag", text::plotters_size(text::TICK)).1 as i32;
    for label in &layout.column_labels {
        if layout.column_labels_upward {
            // Read bottom to top, ending just below the area, centred on the group.
            let position = (label.center - line_height / 2, label_top);
            painter.upward_text(&label.text, text::TICK, position)?;
        } else {
            let position = (label.center, label_top);
            painter.text(&label.text, text::TICK, position, HPos::Center, VPos::Top)?;
        }
    }
    painter.colorbar(&layout.colorbar, top)
}

/// The drawing area and the text mode of its backend.
struct Painter<'a, DB: DrawingBackend> {
    root: &'a DrawingArea<DB, Shift>,
    mode: TextMode,
}

impl<DB: DrawingBackend> Painter<'_, DB> {
    /// Draws the colorbar: its title level with `top`, the gradient, border, ticks and tick
    /// labels.
    fn colorbar(&self, colorbar: &ColorbarLayout, top: i32) -> Result<(), String> {
        let left = colorbar.left;
        if !colorbar.title.is_empty() {
            let position = (left, top);
            self.text(
                &colorbar.title,
                text::AXIS_LABEL,
                position,
                HPos::Left,
                VPos::Top,
            )?;
        }
        let (bar_top, bar_bottom) = (colorbar.bar_top, colorbar.bar_bottom);
        let bar_height = f64::from(bar_bottom - bar_top);
        let span = colorbar.max - colorbar.min;
        // One rectangle per pixel row: the bottom row shows `min` and the top row `max`.
        for y in bar_top..bar_bottom {
            let fraction = f64::from(bar_bottom - 1 - y) / (bar_height - 1.0);
            let color = value_color(colorbar.min + fraction * span, colorbar);
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

    /// Draws `content` left to right, `size` in pixels per em, with the anchor at
    /// `(x, y)` given by `horizontal` and `vertical`.
    fn text(
        &self,
        content: &str,
        size: f64,
        (x, y): (i32, i32),
        horizontal: HPos,
        vertical: VPos,
    ) -> Result<(), String> {
        let y = match (vertical, self.mode) {
            (VPos::Center, TextMode::Glyphs(_)) => y + (BITMAP_CENTER_SHIFT * size).round() as i32,
            _ => y,
        };
        self.line(content, size, (x, y), horizontal, vertical, false)
    }

    /// Draws `content` bottom to top, ending at `end_y`, with the top of its letters (the
    /// left side once turned) at `left`.
    fn upward_text(
        &self,
        content: &str,
        size: f64,
        (left, end_y): (i32, i32),
    ) -> Result<(), String> {
        self.line(content, size, (left, end_y), HPos::Right, VPos::Top, true)
    }

    /// Draws one line of text, whole or one glyph at a time, following the text mode.
    fn line(
        &self,
        content: &str,
        size: f64,
        (x, y): (i32, i32),
        horizontal: HPos,
        vertical: VPos,
        upward: bool,
    ) -> Result<(), String> {
        let transform = if upward {
            FontTransform::Rotate270
        } else {
            FontTransform::None
        };
        let font = font_desc(text::plotters_size(size)).transform(transform);
        let placed = match self.mode {
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
            let position = if upward {
                (x, y - along)
            } else {
                (x + along, y)
            };
            let character: &str = glyph.character.encode_utf8(&mut buffer);
            self.root
                .draw(&Text::new(character, position, style.clone()))
                .map_err(reason)?;
        }
        Ok(())
    }
}

fn reason(error: impl std::fmt::Display) -> String {
    error.to_string()
}
