//! Colour tables: categorical classes, the viridis colormap and the colour of missing values.

use plotters::style::RGBColor;
use plotters::style::colors::colormaps::ViridisRGB;

/// Number of distinct categorical colours before the table repeats.
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
/// Classes 0 to 19 get distinct colours in matplotlib's `tab10` then `tab20` order, and class
/// `label` reuses the colour of class `label % 20` after that.
///
/// # Example
///
/// ```
/// use embviz_plot::category_color;
///
/// assert_eq!(category_color(0), (0x1f, 0x77, 0xb4)); // matplotlib "tab:blue"
/// assert_eq!(category_color(1), (0xff, 0x7f, 0x0e)); // "tab:orange"
/// assert_eq!(category_color(20), category_color(0));
/// ```
#[must_use]
pub fn category_color(label: usize) -> (u8, u8, u8) {
    let RGBColor(red, green, blue) = category_rgb(label);
    (red, green, blue)
}

pub(crate) fn category_rgb(label: usize) -> RGBColor {
    rgb(CATEGORY_COLORS[label % CATEGORY_COLOR_COUNT])
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
    fn category_table_has_twenty_distinct_colors() {
        let colors: Vec<_> = (0..CATEGORY_COLOR_COUNT).map(category_color).collect();
        for (i, a) in colors.iter().enumerate() {
            for b in &colors[i + 1..] {
                assert_ne!(a, b, "colour {a:?} appears twice");
            }
        }
        assert_eq!(category_color(10), (0xae, 0xc7, 0xe8)); // tab20 light blue
        assert_eq!(category_color(19), (0x9e, 0xda, 0xe5)); // tab20 light cyan
        assert_eq!(category_color(45), category_color(5));
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
