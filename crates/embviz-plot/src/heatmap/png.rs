//! A minimal PNG encoder and base64, for the raster that an SVG heatmap embeds.
//!
//! The SVG backend of plotters cannot embed bitmaps without the `image` crate, so the
//! heatmap writes its cells as an `<image>` element holding a PNG data URI. The PNG is
//! 8-bit RGB, and its zlib stream uses stored (uncompressed) deflate blocks, as the PNG
//! (ISO/IEC 15948) and zlib (RFC 1950, RFC 1951) specifications allow. The raster has one
//! pixel per cell for small matrices, so the file stays small where it matters.

/// Bytes of one stored deflate block at most: its length field has 16 bits.
const MAX_STORED_BLOCK: usize = 65_535;

/// Encodes `width x height` RGB pixels, row-major, as a PNG file.
///
/// `rgb` must hold `3 * width * height` bytes.
pub(crate) fn encode_rgb(width: u32, height: u32, rgb: &[u8]) -> Vec<u8> {
    debug_assert_eq!(rgb.len(), 3 * width as usize * height as usize);
    let row_bytes = 3 * width as usize;
    // Each scanline starts with filter type 0 (none).
    let mut scanlines = Vec::with_capacity(rgb.len() + height as usize);
    for row in rgb.chunks_exact(row_bytes.max(1)) {
        scanlines.push(0);
        scanlines.extend_from_slice(row);
    }

    let mut header = Vec::with_capacity(13);
    header.extend_from_slice(&width.to_be_bytes());
    header.extend_from_slice(&height.to_be_bytes());
    // Bit depth 8, colour type 2 (RGB), deflate compression, adaptive filtering, no
    // interlace.
    header.extend_from_slice(&[8, 2, 0, 0, 0]);

    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    write_chunk(&mut png, b"IHDR", &header);
    write_chunk(&mut png, b"IDAT", &zlib_stored(&scanlines));
    write_chunk(&mut png, b"IEND", &[]);
    png
}

/// Appends a chunk: length, type, data and the CRC-32 of type and data.
fn write_chunk(png: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    let length = u32::try_from(data.len()).expect("a heatmap raster is far below 4 GiB");
    png.extend_from_slice(&length.to_be_bytes());
    png.extend_from_slice(kind);
    png.extend_from_slice(data);
    let crc = crc32(kind.iter().chain(data));
    png.extend_from_slice(&crc.to_be_bytes());
}

/// Wraps `data` in a zlib stream of stored deflate blocks.
fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let n_blocks = data.len().div_ceil(MAX_STORED_BLOCK).max(1);
    let mut stream = Vec::with_capacity(data.len() + 5 * n_blocks + 6);
    // CMF 0x78: deflate with a 32 KiB window. FLG 0x01: no dictionary, and CMF * 256 + FLG
    // is a multiple of 31 as required.
    stream.extend_from_slice(&[0x78, 0x01]);
    let mut blocks = data.chunks(MAX_STORED_BLOCK).peekable();
    if blocks.peek().is_none() {
        stream.extend_from_slice(&[1, 0, 0, 0xff, 0xff]);
    }
    while let Some(block) = blocks.next() {
        let is_final = blocks.peek().is_none();
        // BFINAL in bit 0, BTYPE 00 (stored) in bits 1-2.
        stream.push(u8::from(is_final));
        let length = block.len() as u16;
        stream.extend_from_slice(&length.to_le_bytes());
        stream.extend_from_slice(&(!length).to_le_bytes());
        stream.extend_from_slice(block);
    }
    stream.extend_from_slice(&adler32(data).to_be_bytes());
    stream
}

/// Returns the CRC-32 (ISO-HDLC, reflected polynomial 0xEDB88320) of `bytes`.
fn crc32<'a>(bytes: impl IntoIterator<Item = &'a u8>) -> u32 {
    const TABLE: [u32; 256] = crc_table();
    let crc = bytes.into_iter().fold(u32::MAX, |crc, &byte| {
        TABLE[((crc ^ u32::from(byte)) & 0xff) as usize] ^ (crc >> 8)
    });
    !crc
}

const fn crc_table() -> [u32; 256] {
    let mut table = [0_u32; 256];
    let mut n = 0;
    while n < 256 {
        let mut value = n as u32;
        let mut bit = 0;
        while bit < 8 {
            value = if value & 1 == 1 {
                0xedb8_8320 ^ (value >> 1)
            } else {
                value >> 1
            };
            bit += 1;
        }
        table[n] = value;
        n += 1;
    }
    table
}

/// Returns the Adler-32 checksum of `data`, as zlib defines it.
fn adler32(data: &[u8]) -> u32 {
    const MODULUS: u32 = 65_521;
    let (mut a, mut b) = (1_u32, 0_u32);
    // 5552 bytes is the longest run whose sums cannot overflow u32 before the modulo.
    for chunk in data.chunks(5552) {
        for &byte in chunk {
            a += u32::from(byte);
            b += a;
        }
        a %= MODULUS;
        b %= MODULUS;
    }
    (b << 16) | a
}

/// Encodes `bytes` in standard base64 with padding (RFC 4648, section 4).
pub(crate) fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut text = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for group in bytes.chunks(3) {
        let value = (u32::from(group[0]) << 16)
            | (u32::from(group.get(1).copied().unwrap_or(0)) << 8)
            | u32::from(group.get(2).copied().unwrap_or(0));
        for position in 0..4 {
            if position <= group.len() {
                let index = (value >> (18 - 6 * position)) & 0x3f;
                text.push(char::from(ALPHABET[index as usize]));
            } else {
                text.push('=');
            }
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_matches_known_values() {
        // The check value of CRC-32/ISO-HDLC, and the CRC of an empty IEND chunk.
        assert_eq!(crc32(b"123456789"), 0xcbf4_3926);
        assert_eq!(crc32(b"IEND"), 0xae42_6082);
    }

    #[test]
    fn adler32_matches_known_value() {
        // The example of the Adler-32 article on Wikipedia.
        assert_eq!(adler32(b"Wikipedia"), 0x11e6_0398);
        assert_eq!(adler32(&[]), 1);
        let long = vec![0xff_u8; 100_000];
        let slow = long.iter().fold((1_u64, 0_u64), |(a, b), &byte| {
            let a = (a + u64::from(byte)) % 65_521;
            (a, (b + a) % 65_521)
        });
        assert_eq!(adler32(&long), ((slow.1 << 16) | slow.0) as u32);
    }

    #[test]
    fn base64_pads_short_groups() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn png_has_header_and_stored_blocks() {
        let rgb: Vec<u8> = (0..2 * 3 * 3).map(|i| i as u8).collect();
        let png = encode_rgb(3, 2, &rgb);
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(&png[12..16], b"IHDR");
        assert_eq!(&png[16..24], &[0, 0, 0, 3, 0, 0, 0, 2]);
        assert_eq!(&png[24..29], &[8, 2, 0, 0, 0]);
        // IDAT after IHDR (8 + 25 bytes): zlib header, one final stored block of
        // 2 * (1 + 9) bytes, the scanlines, then Adler-32.
        let idat = 33;
        assert_eq!(&png[idat + 4..idat + 8], b"IDAT");
        let data = &png[idat + 8..];
        assert_eq!(&data[..7], &[0x78, 0x01, 1, 20, 0, !20, 0xff]);
        assert_eq!(&data[7..17], &[0, 0, 1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(&png[png.len() - 12..], b"\0\0\0\0IEND\xaeB`\x82");
    }

    #[test]
    fn long_data_is_split_into_blocks() {
        let data = vec![7_u8; MAX_STORED_BLOCK + 10];
        let stream = zlib_stored(&data);
        assert_eq!(stream.len(), 2 + 5 + MAX_STORED_BLOCK + 5 + 10 + 4);
        assert_eq!(stream[2], 0, "the first block is not final");
        assert_eq!(
            stream[2 + 5 + MAX_STORED_BLOCK],
            1,
            "the second block is final"
        );
    }
}
