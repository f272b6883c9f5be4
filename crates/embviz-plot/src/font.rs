//! The embedded font and text measurement.
//!
//! plotters is built without system font discovery (no font-kit, fontconfig or freetype), so
//! text is drawn with `ab_glyph` from a font registered in memory. DejaVu Sans 2.37 is
//! embedded under the Bitstream Vera licence, whose text ships in `fonts/LICENSE-DejaVu.txt`.

use std::sync::OnceLock;

use plotters::style::{FontDesc, FontFamily, FontStyle, register_font};

/// DejaVu Sans 2.37, as packaged by Debian's `fonts-dejavu-core`.
pub(crate) static DEJAVU_SANS: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");

/// Family name asked for by every text element. SVG output names it in `font-family`, so a
/// browser draws the text with its own sans-serif font.
pub(crate) const FAMILY: &str = "sans-serif";

/// Registers the embedded font as `sans-serif`, once per process, unless a font is already
/// registered under that name (an application that registered its own keeps it).
///
/// Returns true when the embedded font is the one in use.
///
/// # Errors
///
/// A message when plotters rejects the embedded font file.
pub(crate) fn ensure_registered() -> Result<bool, String> {
    static REGISTERED: OnceLock<Result<bool, String>> = OnceLock::new();
    REGISTERED
        .get_or_init(|| {
            if font_desc(12.0).box_size("x").is_ok() {
                log::debug!("a sans-serif font is already registered with plotters; using it");
                return Ok(false);
            }
            register_font(FAMILY, FontStyle::Normal, DEJAVU_SANS)
                .map(|()| true)
                .map_err(|_| "the embedded DejaVu Sans font could not be parsed".to_owned())
        })
        .clone()
}

/// Returns the font description of the embedded family at `size` pixels.
pub(crate) fn font_desc(size: f64) -> FontDesc<'static> {
    FontDesc::new(FontFamily::Name(FAMILY), size, FontStyle::Normal)
}

/// Returns the width and height in pixels of `text` drawn at `size` pixels.
///
/// Falls back to an estimate of 0.6 `size` per character when the font cannot lay the text
/// out, which happens only if registration failed and drawing will then report that error.
pub(crate) fn text_size(text: &str, size: f64) -> (u32, u32) {
    match font_desc(size).box_size(text) {
        Ok(dimensions) => dimensions,
        Err(_) => {
            let width = 0.6 * size * text.chars().count() as f64;
            (width.ceil() as u32, size.ceil() as u32)
        }
    }
}

/// Shortens `text` with a trailing ellipsis so that it is at most `max_width` pixels wide at
/// `size` pixels. Returns the text unchanged when it already fits.
pub(crate) fn fit_text(text: &str, size: f64, max_width: u32) -> String {
    if text_size(text, size).0 <= max_width {
        return text.to_owned();
    }
    let chars: Vec<char> = text.chars().collect();
    // Binary search on the number of characters kept before the ellipsis.
    let (mut low, mut high) = (0, chars.len());
    while low < high {
        let middle = (low + high).div_ceil(2);
        let candidate: String = chars[..middle].iter().chain(['…'].iter()).collect();
        if text_size(&candidate, size).0 <= max_width {
            low = middle;
        } else {
            high = middle - 1;
        }
    }
    if low == 0 {
        return "…".to_owned();
    }
    chars[..low].iter().chain(['…'].iter()).collect()
}

/// Shortens `text` by replacing its middle with an ellipsis so that it is at most
/// `max_width` pixels wide at `size` pixels. Keeps both ends, which tell apart names such as
/// `cluster of type 1` and `cluster of type 2`. Returns the text unchanged when it fits.
pub(crate) fn fit_text_middle(text: &str, size: f64, max_width: u32) -> String {
    if text_size(text, size).0 <= max_width {
        return text.to_owned();
    }
    let chars: Vec<char> = text.chars().collect();
    let shortened = |kept: usize| -> String {
        let tail = kept / 2;
        let head = kept - tail;
        let mut result: String = chars[..head].iter().collect();
        result.push('…');
        result.extend(&chars[chars.len() - tail..]);
        result
    };
    // Binary search on the number of characters kept around the ellipsis.
    let (mut low, mut high) = (0, chars.len() - 1);
    while low < high {
        let middle = (low + high).div_ceil(2);
        if text_size(&shortened(middle), size).0 <= max_width {
            low = middle;
        } else {
            high = middle - 1;
        }
    }
    shortened(low)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_font_registers_and_measures() {
        assert_eq!(ensure_registered(), Ok(true));
        let (short, height) = text_size("zero", 20.0);
        let (long, _) = text_size("zero zero zero", 20.0);
        assert!(short > 20, "width of `zero` at 20 px is {short}");
        assert!(long > 3 * short, "width {long} is not above 3 x {short}");
        assert!((10..=30).contains(&height), "height at 20 px is {height}");
    }

    #[test]
    fn long_text_is_shortened_with_ellipsis() {
        assert_eq!(ensure_registered(), Ok(true));
        let text = "a rather long class name that cannot fit";
        let fitted = fit_text(text, 16.0, 120);
        assert!(fitted.ends_with('…'), "{fitted}");
        assert!(fitted.chars().count() < text.chars().count());
        assert!(text_size(&fitted, 16.0).0 <= 120);
        assert_eq!(fit_text("short", 16.0, 120), "short");
    }

    #[test]
    fn middle_shortening_keeps_both_ends() {
        assert_eq!(ensure_registered(), Ok(true));
        let text = "a rather long class name number 7";
        let fitted = fit_text_middle(text, 16.0, 150);
        assert!(fitted.starts_with("a r"), "{fitted}");
        assert!(fitted.ends_with("er 7"), "{fitted}");
        assert!(fitted.contains('…'), "{fitted}");
        assert!(text_size(&fitted, 16.0).0 <= 150);
        assert_eq!(fit_text_middle("short", 16.0, 120), "short");
        assert_eq!(fit_text_middle("wide", 16.0, 1), "…");
    }
}
