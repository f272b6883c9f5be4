//! Colour tables: categorical classes, the viridis colormap and the colour of missing values.

use plotters::style::RGBColor;
use plotters::style::colors::colormaps::ViridisRGB;

/// Number of colours in the fixed categorical table; classes beyond it get generated colours.
pub const CATEGORY_COLOR_COUNT: usize = 20;

/// Categorical colours as `0xRRGGBB`: matplotlib's `tab10` (the `tab20` dark shades), then the
/// ten light shades of `tab20` in the same hue order, so the first ten classes look as they do
/// in matplotlib and classes 10 to 19 stay distinct.
const CATEGORY_COLORS: [u32; CATEGORY_COLOR_COUNT] = [
    0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd, 0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22,
    0x17becf, 0xaec7e8, 0xffbb78, 0x98df8a, 0xff9896, 0xc5b0d5, 0xc49c94, 0xf7b6d2, 0xc7c7c7,
    0xdbdb8d, 0x9edae5,
];

/// Colour of every point in a single-colour panel: matplotlib's default `C0` blue.
pub(crate) const SINGLE: RGBColor = rgb(CATEGORY_COLORS[0]);

/// Colour of points whose continuous value is NaN or infinite.
pub(crate) const MISSING: RGBColor = rgb(0xb0b0b0);

/// Colour of text, axes and highlight rings.
pub(crate) const INK: RGBColor = rgb(0x262626);

/// Colour of grid lines.
pub(crate) const GRID: RGBColor = rgb(0xe5e5e5);

const fn rgb(hex: u32) -> RGBColor {
    RGBColor((hex >> 16) as u8, (hex >> 8) as u8, hex as u8)
}

/// Returns the categorical colour of class `label` as `(red, green, blue)`.
///
/// Classes 0 to 19 get matplotlib's `tab10` then `tab20` colours. Later classes get
/// generated colours: hues step by the golden angle (about 137.5 degrees), so neighbouring
/// ids differ strongly, and lightness cycles through three levels, so two classes never
/// share a colour. Past a few dozen classes, some colours are close to each other.
///
/// # Example
///
/// ```
/// use embviz_plot::category_color;
///
/// assert_eq!(category_color(0), (0x1f, 0x77, 0xb4)); // matplotlib "tab:blue"
/// assert_eq!(category_color(1), (0xff, 0x7f, 0x0e)); // "tab:orange"
/// assert_ne!(category_color(20), category_color(0));
/// ```
#[must_use]
pub fn category_color(label: usize) -> (u8, u8, u8) {
    let RGBColor(red, green, blue) = category_rgb(label);
    (red, green, blue)
}

pub(crate) fn category_rgb(label: usize) -> RGBColor {
    match CATEGORY_COLORS.get(label) {
        Some(&hex) => rgb(hex),
        None => generated_color(label - CATEGORY_COLOR_COUNT),
    }
}

/// Returns the `index`-th generated colour, for classes past the fixed table.
fn generated_color(index: usize) -> RGBColor {
    const GOLDEN_ANGLE: f64 = 137.507_764_050_037_85;
    // An offset keeps the first generated hues away from tab10's blue and orange.
    let hue = (20.0 + index as f64 * GOLDEN_ANGLE) % 360.0;
    let lightness = [0.45, 0.62, 0.32][index % 3];
    let saturation = [0.70, 0.60, 0.75][(index / 3) % 3];
    hsl_to_rgb(hue, saturation, lightness)
}

/// Converts hue (degrees), saturation and lightness (both in [0, 1]) to 8-bit RGB.
fn hsl_to_rgb(hue: f64, saturation: f64, lightness: f64) -> RGBColor {
    let chroma = (1.0 - (2.0 * lightness - 1.0).abs()) * saturation;
    let sector = hue / 60.0;
    let second = chroma * (1.0 - (sector % 2.0 - 1.0).abs());
    let (r, g, b) = match sector as u32 {
        0 => (chroma, second, 0.0),
        1 => (second, chroma, 0.0),
        2 => (0.0, chroma, second),
        3 => (0.0, second, chroma),
        4 => (second, 0.0, chroma),
        _ => (chroma, 0.0, second),
    };
    let offset = lightness - chroma / 2.0;
    let to_byte = |v: f64| ((v + offset) * 255.0).round().clamp(0.0, 255.0) as u8;
    RGBColor(to_byte(r), to_byte(g), to_byte(b))
}

/// Maps `fraction` in [0, 1] to the viridis colormap, clamping values outside that range.
pub(crate) fn viridis(fraction: f64) -> RGBColor {
    // plotters interpolates between 8 viridis control colours and panics on NaN input, so the
    // value is made finite and clamped here.
    let fraction = if fraction.is_finite() {
        fraction.clamp(0.0, 1.0)
    } else {
        0.0
    };
    ViridisRGB::get_color(fraction)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hundred_classes_get_distinct_colors() {
        let colors: Vec<_> = (0..100).map(category_color).collect();
        for (i, a) in colors.iter().enumerate() {
            for (j, b) in colors.iter().enumerate().skip(i + 1) {
                assert_ne!(a, b, "classes {i} and {j} share colour {a:?}");
            }
        }
    }

    #[test]
    fn hsl_primaries_convert_exactly() {
        assert_eq!(hsl_to_rgb(0.0, 1.0, 0.5), RGBColor(255, 0, 0));
        assert_eq!(hsl_to_rgb(120.0, 1.0, 0.5), RGBColor(0, 255, 0));
        assert_eq!(hsl_to_rgb(240.0, 1.0, 0.5), RGBColor(0, 0, 255));
        assert_eq!(hsl_to_rgb(200.0, 0.0, 0.5), RGBColor(128, 128, 128));
    }

    #[test]
    fn category_table_has_twenty_distinct_colors() {
        let colors: Vec<_> = (0..CATEGORY_COLOR_COUNT).map(category_color).collect();
        for (i, a) in colors.iter().enumerate() {
            for b in &colors[i + 1..] {
                assert_ne!(a, b, "colour {a:?} appears twice");
            }
        }
        assert_eq!(category_color(10), (0xae, 0xc7, 0xe8)); // tab20 light blue
        assert_eq!(category_color(19), (0x9e, 0xda, 0xe5)); // tab20 light cyan
        assert_ne!(category_color(45), category_color(5));
    }

    #[test]
    fn viridis_ends_and_clamps() {
        assert_eq!(viridis(0.0), RGBColor(68, 1, 84));
        assert_eq!(viridis(1.0), RGBColor(254, 232, 37));
        assert_eq!(viridis(-3.0), viridis(0.0));
        assert_eq!(viridis(7.0), viridis(1.0));
        assert_eq!(viridis(f64::NAN), viridis(0.0));
    }
}
