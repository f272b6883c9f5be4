//! Horizontal glyph metrics of the embedded font, read from its TrueType tables.
//!
//! plotters 0.3.7 draws `ab_glyph` text by placing each glyph's bitmap at the pen position,
//! dropping the glyph's left side bearing and the fraction of the pen position. Letters then
//! sit up to 2 pixels off ("on e" for "one"). With these metrics, PNG text is drawn one glyph
//! at a time, each where the font places it.
//!
//! The tables read are laid out as the OpenType specification defines them:
//!
//! - `hhea`: ascender, descender and the number of long horizontal metrics;
//! - `OS/2`: the `USE_TYPO_METRICS` flag and the typographic ascender and descender;
//! - `hmtx`: advance width and left side bearing of each glyph;
//! - `cmap`: the format 4 subtable that maps Unicode BMP characters to glyphs;
//! - `kern`: format 0 subtables of kerning pairs.

use std::sync::OnceLock;

use crate::font::DEJAVU_SANS;

/// Returns the metrics of the embedded font, or `None` when its tables cannot be read.
pub(crate) fn embedded_metrics() -> Option<&'static GlyphMetrics> {
    static METRICS: OnceLock<Option<GlyphMetrics>> = OnceLock::new();
    METRICS
        .get_or_init(|| GlyphMetrics::parse(DEJAVU_SANS))
        .as_ref()
}

/// Metrics of one font, enough to place glyphs on a line.
#[derive(Debug, Clone)]
pub(crate) struct GlyphMetrics {
    data: &'static [u8],
    /// Ascender minus descender in font units: ab_glyph scales a font of size `s` pixels by
    /// `s / height_units`.
    height_units: f64,
    hmtx: usize,
    long_metrics: u16,
    /// Start of the `cmap` format 4 subtable.
    cmap: usize,
    /// Starts of the `kern` format 0 subtables' pair arrays, with their pair counts.
    kern: Vec<(usize, u16)>,
}

/// Position of one character of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PlacedGlyph {
    pub(crate) character: char,
    /// Pixels from the start of the line to the left edge of the glyph's bitmap, which
    /// plotters draws at offset 0.
    pub(crate) offset: i32,
}

impl GlyphMetrics {
    /// Reads the tables of a TrueType font. Returns `None` when a table is missing or
    /// malformed, or the font has no Unicode BMP `cmap` subtable of format 4.
    pub(crate) fn parse(data: &'static [u8]) -> Option<Self> {
        let table = |tag: &[u8; 4]| find_table(data, tag);
        let hhea = table(b"hhea")?;
        let mut ascender = i16_at(data, hhea + 4)?;
        let mut descender = i16_at(data, hhea + 6)?;
        let long_metrics = u16_at(data, hhea + 34)?;
        if let Some(os2) = table(b"OS/2") {
            // Bit 7 of fsSelection: use the typographic metrics, as ttf-parser does.
            let use_typo_metrics = u16_at(data, os2 + 62)? & (1 << 7) != 0;
            if use_typo_metrics {
                ascender = i16_at(data, os2 + 68)?;
                descender = i16_at(data, os2 + 70)?;
            }
        }
        let height_units = f64::from(ascender) - f64::from(descender);
        if height_units <= 0.0 || long_metrics == 0 {
            return None;
        }
        Some(Self {
            data,
            height_units,
            hmtx: table(b"hmtx")?,
            long_metrics,
            cmap: find_unicode_cmap(data, table(b"cmap")?)?,
            kern: table(b"kern").map_or_else(Vec::new, |kern| kern_subtables(data, kern)),
        })
    }

    /// Places the characters of `text` drawn at `size` pixels (plotters' size, the ab_glyph
    /// `PxScale`). Returns the glyphs and the line width, or `None` when a character is
    /// outside the Basic Multilingual Plane.
    pub(crate) fn place(&self, text: &str, size: f64) -> Option<(Vec<PlacedGlyph>, i32)> {
        let scale = size / self.height_units;
        let mut placed = Vec::with_capacity(text.len());
        let mut pen = 0.0;
        let mut previous = None;
        for character in text.chars() {
            let glyph = self.glyph_id(character)?;
            if let Some(previous) = previous {
                pen += scale * f64::from(self.kerning(previous, glyph));
            }
            let (advance, left_bearing) = self.horizontal_metrics(glyph)?;
            // ab_glyph's pixel bounds start at the floor of the scaled bearing.
            let bearing = (scale * f64::from(left_bearing)).floor() as i32;
            placed.push(PlacedGlyph {
                character,
                offset: pen.round() as i32 + bearing,
            });
            pen += scale * f64::from(advance);
            previous = Some(glyph);
        }
        Some((placed, pen.round() as i32))
    }

    /// Returns the glyph id of `character` from the format 4 `cmap` subtable, 0 (the missing
    /// glyph) when the font lacks it, and `None` outside the BMP or on malformed data.
    fn glyph_id(&self, character: char) -> Option<u16> {
        let code = u16::try_from(u32::from(character)).ok()?;
        let data = self.data;
        let segments = usize::from(u16_at(data, self.cmap + 6)? / 2);
        // Four parallel arrays of `segments` entries, with 2 padding bytes after the first.
        let end_codes = self.cmap + 14;
        let start_codes = end_codes + 2 * segments + 2;
        let deltas = start_codes + 2 * segments;
        let range_offsets = deltas + 2 * segments;

        // Segments are sorted by end code: find the first one ending at or after `code`.
        let (mut low, mut high) = (0, segments);
        while low < high {
            let middle = (low + high) / 2;
            if u16_at(data, end_codes + 2 * middle)? < code {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        if low == segments {
            return Some(0);
        }

        let start = u16_at(data, start_codes + 2 * low)?;
        if code < start {
            return Some(0);
        }
        let delta = u16_at(data, deltas + 2 * low)?;
        let range_offset = u16_at(data, range_offsets + 2 * low)?;
        if range_offset == 0 {
            return Some(code.wrapping_add(delta));
        }
        let address =
            range_offsets + 2 * low + usize::from(range_offset) + 2 * usize::from(code - start);
        match u16_at(data, address)? {
            0 => Some(0),
            glyph => Some(glyph.wrapping_add(delta)),
        }
    }

    /// Returns the advance width and left side bearing of `glyph` in font units.
    fn horizontal_metrics(&self, glyph: u16) -> Option<(u16, i16)> {
        let data = self.data;
        if glyph < self.long_metrics {
            let record = self.hmtx + 4 * usize::from(glyph);
            return Some((u16_at(data, record)?, i16_at(data, record + 2)?));
        }
        // Glyphs past the long metrics share the last advance and store only a bearing.
        let last = self.hmtx + 4 * usize::from(self.long_metrics - 1);
        let bearings = self.hmtx + 4 * usize::from(self.long_metrics);
        let bearing = bearings + 2 * usize::from(glyph - self.long_metrics);
        Some((u16_at(data, last)?, i16_at(data, bearing)?))
    }

    /// Returns the kerning between two glyphs in font units from the first `kern` subtable
    /// that lists the pair, as ttf-parser does, or 0.
    fn kerning(&self, left: u16, right: u16) -> i16 {
        let key = (u32::from(left) << 16) | u32::from(right);
        for &(pairs, count) in &self.kern {
            let (mut low, mut high) = (0, usize::from(count));
            while low < high {
                let middle = (low + high) / 2;
                let record = pairs + 6 * middle;
                let (Some(first), Some(second)) =
                    (u16_at(self.data, record), u16_at(self.data, record + 2))
                else {
                    break;
                };
                let found = (u32::from(first) << 16) | u32::from(second);
                match found.cmp(&key) {
                    std::cmp::Ordering::Less => low = middle + 1,
                    std::cmp::Ordering::Greater => high = middle,
                    std::cmp::Ordering::Equal => {
                        return i16_at(self.data, record + 4).unwrap_or(0);
                    }
                }
            }
        }
        0
    }
}

fn u16_at(data: &[u8], offset: usize) -> Option<u16> {
    let bytes = data.get(offset..offset + 2)?;
    Some(u16::from_be_bytes([bytes[0], bytes[1]]))
}

fn i16_at(data: &[u8], offset: usize) -> Option<i16> {
    u16_at(data, offset).map(|value| value as i16)
}

fn u32_at(data: &[u8], offset: usize) -> Option<u32> {
    let bytes = data.get(offset..offset + 4)?;
    Some(u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
}

/// Returns the offset of the table tagged `tag` from the font's table directory.
fn find_table(data: &[u8], tag: &[u8; 4]) -> Option<usize> {
    let count = usize::from(u16_at(data, 4)?);
    (0..count).find_map(|index| {
        let record = 12 + 16 * index;
        let found = data.get(record..record + 4)?;
        (found == tag).then(|| u32_at(data, record + 8).map(|offset| offset as usize))?
    })
}

/// Returns the offset of the `cmap` subtable for Unicode BMP characters in format 4:
/// platform 3 (Windows) encoding 1, or platform 0 (Unicode).
fn find_unicode_cmap(data: &[u8], cmap: usize) -> Option<usize> {
    let count = usize::from(u16_at(data, cmap + 2)?);
    (0..count).find_map(|index| {
        let record = cmap + 4 + 8 * index;
        let platform = u16_at(data, record)?;
        let encoding = u16_at(data, record + 2)?;
        let subtable = cmap + u32_at(data, record + 4)? as usize;
        let unicode = (platform == 3 && encoding == 1) || platform == 0;
        (unicode && u16_at(data, subtable)? == 4).then_some(subtable)
    })
}

/// Returns the pair arrays of the horizontal format 0 subtables of a version 0 `kern` table.
fn kern_subtables(data: &[u8], kern: usize) -> Vec<(usize, u16)> {
    let mut subtables = Vec::new();
    if u16_at(data, kern) != Some(0) {
        return subtables;
    }
    let count = u16_at(data, kern + 2).unwrap_or(0);
    let mut offset = kern + 4;
    for _ in 0..count {
        let (Some(length), Some(coverage)) = (u16_at(data, offset + 2), u16_at(data, offset + 4))
        else {
            break;
        };
        let horizontal = coverage & 1 != 0;
        let format = coverage >> 8;
        if horizontal
            && format == 0
            && let Some(pairs) = u16_at(data, offset + 6)
        {
            subtables.push((offset + 14, pairs));
        }
        offset += usize::from(length);
    }
    subtables
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::font::{ensure_registered, text_size};

    fn metrics() -> GlyphMetrics {
        embedded_metrics()
            .expect("DejaVu Sans has every table read")
            .clone()
    }

    #[test]
    fn dejavu_metrics_match_the_font() {
        let metrics = metrics();
        // hhea ascender 1901 and descender -483; OS/2 does not set USE_TYPO_METRICS.
        assert_eq!(metrics.height_units, 2384.0);
        let m = metrics.glyph_id('M').expect("M is in the BMP");
        assert_ne!(m, 0);
        assert_eq!(metrics.glyph_id('\u{10FFFF}'), None);
        assert_eq!(
            metrics.glyph_id('\u{E000}'),
            Some(0),
            "private use is missing"
        );
        let (advance, bearing) = metrics.horizontal_metrics(m).expect("M has metrics");
        assert_eq!((advance, bearing), (1767, 201));
    }

    #[test]
    fn line_width_matches_plotters_layout() {
        assert_eq!(ensure_registered(), Ok(true));
        let metrics = metrics();
        for text in [
            "zero one two three",
            "Ten Gaussian blobs",
            "AVATAR Wave -10.5",
        ] {
            let (_, width) = metrics.place(text, 20.0).expect("ASCII is in the BMP");
            let (plotters_width, _) = text_size(text, 20.0);
            assert!(
                (width - plotters_width as i32).abs() <= 1,
                "{text}: {width} against plotters' {plotters_width}"
            );
        }
    }

    #[test]
    fn glyphs_advance_left_to_right() {
        let (glyphs, width) = metrics().place("one", 24.8).expect("ASCII is in the BMP");
        let characters: String = glyphs.iter().map(|g| g.character).collect();
        assert_eq!(characters, "one");
        assert!(glyphs[0].offset < glyphs[1].offset);
        assert!(glyphs[1].offset < glyphs[2].offset);
        assert!(glyphs[2].offset < width);
    }
}
