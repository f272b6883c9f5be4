//! Heatmaps: cell and boundary pixels in saved PNG files, SVG content, and errors.

mod common;

use std::path::Path;

use common::{output_dir, png_size, svg_texts};
use embviz_core::Error;
use embviz_plot::{Heatmap, HeatmapGrid};
use ndarray::{Array2, array};

/// viridis at 0 and 1, as matplotlib's colormap gives them.
const VIRIDIS_LOW: [u8; 3] = [68, 1, 84];
const VIRIDIS_HIGH: [u8; 3] = [254, 232, 37];
const WHITE: [u8; 3] = [255, 255, 255];

/// The digits class sizes, as `numpy.bincount(labels)` gives them.
const DIGITS_CLASS_SIZES: [usize; 10] = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180];

fn cumulative(sizes: &[usize]) -> Vec<usize> {
    let mut boundaries = vec![0];
    for size in sizes {
        boundaries.push(boundaries.last().copied().unwrap_or(0) + size);
    }
    boundaries
}

fn names(count: usize) -> Vec<String> {
    (0..count).map(|g| format!("group {g}")).collect()
}

/// A 10 x 10 matrix of three diagonal blocks (rows 0-2, 3-7, 8-9) of 1, and 0 elsewhere.
fn block_matrix() -> (Array2<f64>, Vec<usize>) {
    let boundaries = vec![0, 3, 8, 10];
    let group = |i: usize| boundaries.iter().rposition(|&b| b <= i).unwrap_or(0);
    let values =
        Array2::from_shape_fn((10, 10), |(i, j)| f64::from(u8::from(group(i) == group(j))));
    (values, boundaries)
}

fn block_heatmap() -> Heatmap {
    let (values, boundaries) = block_matrix();
    Heatmap::new(&values)
        .expect("finite values are valid")
        .title("three blocks")
        .groups(
            boundaries,
            vec!["first".into(), "second".into(), "third".into()],
        )
        .colorbar_label("cosine similarity")
        .value_range(0.0, 1.0)
}

#[test]
fn boundaries_land_at_cumulative_sizes() {
    let grid = block_heatmap().grid().expect("the heatmap is valid");
    assert_eq!((grid.width(), grid.height()), (720, 720));
    for (boundary, offset) in [(0, 0), (3, 216), (8, 576), (10, 720)] {
        assert_eq!(
            grid.column_edge(boundary),
            grid.left() + offset,
            "column {boundary}"
        );
        assert_eq!(
            grid.row_edge(boundary),
            grid.top() + offset,
            "row {boundary}"
        );
    }
}

#[test]
fn digits_boundaries_land_at_cumulative_sizes() {
    let boundaries = cumulative(&DIGITS_CLASS_SIZES);
    let values = Array2::<f32>::zeros((1797, 1797));
    let grid = Heatmap::new(&values)
        .expect("zeros are valid")
        .groups(boundaries.clone(), names(10))
        .grid()
        .expect("the groups match the matrix");
    assert_eq!((grid.width(), grid.height()), (720, 720));
    for &boundary in &boundaries {
        let offset = (boundary * 720 / 1797) as u32;
        assert_eq!(grid.column_edge(boundary), grid.left() + offset);
        assert_eq!(grid.row_edge(boundary), grid.top() + offset);
    }
}

#[test]
fn png_pixels_show_cells_and_lines() {
    let heatmap = block_heatmap();
    let grid = heatmap.grid().expect("the heatmap is valid");
    let path = output_dir().join("heatmap_blocks.png");
    heatmap.save(&path).expect("the heatmap is valid");
    let image = DecodedPng::read(&path);

    let (width, height) = png_size(&std::fs::read(&path).expect("the PNG was written"));
    assert_eq!((image.width, image.height), (width, height));
    assert!(grid.left() >= 16 && grid.top() >= 16, "{grid:?}");
    // The colorbar is 24 pixels right of the area and at least 22 pixels wide.
    assert!(
        grid.left() + grid.width() + 24 + 22 + 16 <= width,
        "width {width}"
    );
    assert!(grid.top() + grid.height() + 16 <= height, "height {height}");

    let center = |row: usize, column: usize| {
        let x = (grid.column_edge(column) + grid.column_edge(column + 1)) / 2;
        let y = (grid.row_edge(row) + grid.row_edge(row + 1)) / 2;
        (x, y)
    };
    assert_eq!(image.pixel(center(0, 0)), VIRIDIS_HIGH, "diagonal block");
    assert_eq!(image.pixel(center(5, 4)), VIRIDIS_HIGH, "diagonal block");
    assert_eq!(image.pixel(center(0, 5)), VIRIDIS_LOW, "off-diagonal");
    assert_eq!(image.pixel(center(9, 0)), VIRIDIS_LOW, "off-diagonal");

    // The line between groups 0 and 1 takes the first pixel column of group 1.
    let line_x = grid.column_edge(3);
    let y = center(1, 0).1;
    assert_eq!(image.pixel((line_x, y)), WHITE);
    assert_eq!(image.pixel((line_x - 1, y)), VIRIDIS_HIGH);
    assert_eq!(image.pixel((line_x + 1, y)), VIRIDIS_LOW);
    let line_y = grid.row_edge(8);
    let x = center(0, 9).0;
    assert_eq!(image.pixel((x, line_y)), WHITE);
    assert_eq!(image.pixel((x, line_y - 1)), VIRIDIS_LOW);
    assert_eq!(image.pixel((x, line_y + 1)), VIRIDIS_HIGH);
}

#[test]
fn every_pixel_of_large_matrix_matches_its_cell() {
    // 1797 rows in 720 pixels: several cells per pixel, so each pixel shows one of them.
    let n = 1797;
    let values = Array2::from_shape_fn((n, n), |(i, j)| ((i * 31 + j * 17) % 2) as f64);
    let heatmap = Heatmap::new(&values)
        .expect("finite values are valid")
        .value_range(0.0, 1.0);
    let grid = heatmap.grid().expect("the heatmap is valid");
    let path = output_dir().join("heatmap_large.png");
    heatmap.save_png(&path).expect("the heatmap is valid");
    let image = DecodedPng::read(&path);
    for y in grid.top()..grid.top() + grid.height() {
        for x in grid.left()..grid.left() + grid.width() {
            let (row, column) = grid.cell_at(x, y).expect("the pixel is inside the area");
            let expected = if values[[row, column]] == 1.0 {
                VIRIDIS_HIGH
            } else {
                VIRIDIS_LOW
            };
            assert_eq!(image.pixel((x, y)), expected, "pixel ({x}, {y})");
        }
    }
}

#[test]
fn svg_embeds_one_pixel_per_cell() {
    let path = output_dir().join("heatmap_blocks.svg");
    block_heatmap().save(&path).expect("the heatmap is valid");
    let svg = std::fs::read_to_string(&path).expect("the SVG was written");
    assert!(svg.starts_with("<svg"), "{}", &svg[..80]);
    let texts = svg_texts(&svg);
    for expected in [
        "three blocks",
        "first",
        "second",
        "third",
        "cosine similarity",
    ] {
        let count = texts.iter().filter(|t| t.as_str() == expected).count();
        let wanted = if ["first", "second", "third"].contains(&expected) {
            2
        } else {
            1
        };
        assert_eq!(count, wanted, "text {expected} in {texts:?}");
    }
    for tick in ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"] {
        assert!(texts.iter().any(|t| t == tick), "colorbar tick {tick}");
    }

    let data_start = svg.find("base64,").expect("the cells are embedded") + "base64,".len();
    let data_end = data_start + svg[data_start..].find('"').expect("the data URI ends");
    let image = DecodedPng::from_bytes(&base64_decode(&svg[data_start..data_end]));
    assert_eq!((image.width, image.height), (10, 10));
    assert_eq!(image.pixel((0, 0)), VIRIDIS_HIGH);
    assert_eq!(image.pixel((5, 0)), VIRIDIS_LOW);
    assert_eq!(image.pixel((9, 9)), VIRIDIS_HIGH);
    assert!(
        svg.contains(r#"width="720" height="720""#),
        "the image spans the area"
    );
}

#[test]
fn row_and_column_groups_of_rectangular_matrix() {
    let values = Array2::from_shape_fn((4, 6), |(i, j)| (i + j) as f64);
    let heatmap = Heatmap::new(&values)
        .expect("finite values are valid")
        .row_groups(vec![0, 1, 4], vec!["query".into(), "others".into()])
        .column_groups(vec![0, 2, 6], vec!["left".into(), "right".into()]);
    let grid = heatmap.grid().expect("the groups match each axis");
    assert_eq!((grid.n_rows(), grid.n_cols()), (4, 6));
    assert_eq!((grid.width(), grid.height()), (720, 480));
    assert_eq!(grid.row_edge(1) - grid.top(), 120);
    assert_eq!(grid.column_edge(2) - grid.left(), 240);
    let path = output_dir().join("heatmap_rectangular.svg");
    heatmap.save(&path).expect("the heatmap is valid");
    let texts = svg_texts(&std::fs::read_to_string(&path).expect("the SVG was written"));
    for name in ["query", "others", "left", "right"] {
        assert!(texts.iter().any(|t| t == name), "name {name} in {texts:?}");
    }
    // Values 0 to 8 by default: the colorbar spans the data.
    assert!(texts.iter().any(|t| t == "8"), "{texts:?}");
    assert!(texts.iter().any(|t| t == "0"), "{texts:?}");
}

#[test]
fn grid_is_public_and_exact() {
    let values = Array2::<f64>::zeros((3, 7));
    let grid: HeatmapGrid = Heatmap::new(&values)
        .expect("zeros are valid")
        .area_size(100)
        .grid()
        .expect("the heatmap is valid");
    assert_eq!((grid.width(), grid.height()), (98, 42));
    assert_eq!(grid.cell_at(grid.left() + 13, grid.top()), Some((0, 0)));
    assert_eq!(
        grid.cell_at(grid.left() + 14, grid.top() + 41),
        Some((2, 1))
    );
    assert_eq!(grid.cell_at(grid.left() + 98, grid.top()), None);
}

#[test]
fn empty_matrix_is_rejected() {
    let values = Array2::<f32>::zeros((0, 5));
    match Heatmap::new(&values) {
        Err(Error::EmptyInput {
            what,
            n_rows,
            n_cols,
        }) => {
            assert_eq!(what, "values");
            assert_eq!((n_rows, n_cols), (0, 5));
        }
        other => panic!("expected EmptyInput, got {other:?}"),
    }
}

#[test]
fn non_finite_value_is_rejected() {
    let values = array![[0.5_f64, 0.25], [f64::NAN, 1.0]];
    match Heatmap::new(&values) {
        Err(Error::NonFinite {
            what,
            row,
            column,
            value,
        }) => {
            assert_eq!(what, "values");
            assert_eq!((row, column), (1, 0));
            assert!(value.is_nan());
        }
        other => panic!("expected NonFinite, got {other:?}"),
    }
}

fn assert_rejected(heatmap: &Heatmap, file: &str) -> Error {
    let path = output_dir().join(file);
    let _ = std::fs::remove_file(&path);
    let error = heatmap.save(&path).expect_err("the heatmap is invalid");
    assert!(!path.exists(), "{} was left on disk", path.display());
    error
}

#[test]
fn decreasing_boundaries_are_rejected() {
    let (values, _) = block_matrix();
    let heatmap = Heatmap::new(&values)
        .expect("finite values are valid")
        .groups(vec![0, 5, 5, 10], names(3));
    match assert_rejected(&heatmap, "decreasing.png") {
        Error::InvalidParameter {
            name,
            value,
            expected,
        } => {
            assert_eq!(name, "boundaries");
            assert_eq!(value, "[0, 5, 5, 10]");
            assert!(
                expected.contains("position 2 (5) is not above position 1 (5)"),
                "{expected}"
            );
        }
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
}

#[test]
fn boundaries_without_zero_are_rejected() {
    let (values, _) = block_matrix();
    let heatmap = Heatmap::new(&values)
        .expect("finite values are valid")
        .groups(vec![3, 8, 10], names(2));
    match assert_rejected(&heatmap, "no_zero.png") {
        Error::InvalidParameter { name, value, .. } => {
            assert_eq!(name, "boundaries");
            assert_eq!(value, "[3, 8, 10]");
        }
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
}

#[test]
fn boundaries_short_of_rows_are_rejected() {
    let (values, _) = block_matrix();
    let heatmap = Heatmap::new(&values)
        .expect("finite values are valid")
        .groups(vec![0, 3, 8], names(2));
    match assert_rejected(&heatmap, "short.svg") {
        Error::ShapeMismatch {
            what,
            expected,
            found,
        } => {
            assert_eq!(what, "boundaries");
            assert_eq!(expected, "a last boundary equal to the number of rows, 10");
            assert_eq!(found, "a last boundary of 8");
        }
        other => panic!("expected ShapeMismatch, got {other:?}"),
    }
}

#[test]
fn square_groups_on_rectangular_matrix_are_rejected() {
    let values = Array2::<f64>::zeros((4, 6));
    let heatmap = Heatmap::new(&values)
        .expect("zeros are valid")
        .groups(vec![0, 2, 4], names(2));
    match assert_rejected(&heatmap, "rectangular.png") {
        Error::ShapeMismatch {
            what,
            expected,
            found,
        } => {
            assert_eq!(what, "boundaries");
            assert_eq!(
                expected,
                "a last boundary equal to the number of columns, 6"
            );
            assert_eq!(found, "a last boundary of 4");
        }
        other => panic!("expected ShapeMismatch, got {other:?}"),
    }
}

#[test]
fn name_count_mismatch_is_rejected() {
    let (values, boundaries) = block_matrix();
    let heatmap = Heatmap::new(&values)
        .expect("finite values are valid")
        .groups(boundaries, names(2));
    match assert_rejected(&heatmap, "names.png") {
        Error::ShapeMismatch {
            what,
            expected,
            found,
        } => {
            assert_eq!(what, "names");
            assert_eq!(expected, "3 names, one per group of rows (4 boundaries)");
            assert_eq!(found, "2 names");
        }
        other => panic!("expected ShapeMismatch, got {other:?}"),
    }
}

#[test]
fn empty_value_range_is_rejected() {
    let (values, _) = block_matrix();
    let heatmap = Heatmap::new(&values)
        .expect("finite values are valid")
        .value_range(1.0, 1.0);
    match assert_rejected(&heatmap, "range.png") {
        Error::InvalidParameter { name, value, .. } => {
            assert_eq!(name, "value_range");
            assert_eq!(value, "(1, 1)");
        }
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
}

#[test]
fn out_of_range_area_size_is_rejected() {
    let (values, _) = block_matrix();
    let heatmap = Heatmap::new(&values)
        .expect("finite values are valid")
        .area_size(10);
    match assert_rejected(&heatmap, "area.png") {
        Error::InvalidParameter { name, value, .. } => {
            assert_eq!(name, "area_size");
            assert_eq!(value, "10");
        }
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
}

#[test]
fn unknown_extension_is_rejected() {
    match assert_rejected(&block_heatmap(), "heatmap.jpg") {
        Error::InvalidParameter { name, value, .. } => {
            assert_eq!(name, "path");
            assert!(value.ends_with("heatmap.jpg"), "{value}");
        }
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
}

#[test]
fn constant_matrix_is_drawn() {
    let values = Array2::<f64>::from_elem((3, 3), 0.5);
    let path = output_dir().join("heatmap_constant.png");
    Heatmap::new(&values)
        .expect("finite values are valid")
        .save(&path)
        .expect("a constant matrix gets a widened range");
    let image = DecodedPng::read(&path);
    assert!(image.width > 720, "width {}", image.width);
}

/// An 8-bit RGB PNG decoded to pixels.
struct DecodedPng {
    width: u32,
    height: u32,
    rgb: Vec<u8>,
}

impl DecodedPng {
    fn read(path: &Path) -> Self {
        Self::from_bytes(&std::fs::read(path).expect("the PNG was written"))
    }

    /// Decodes a non-interlaced 8-bit RGB PNG: chunks, zlib, then the scanline filters of
    /// the PNG specification.
    fn from_bytes(bytes: &[u8]) -> Self {
        let (width, height) = png_size(bytes);
        assert_eq!(
            &bytes[24..29],
            &[8, 2, 0, 0, 0],
            "not 8-bit RGB, non-interlaced"
        );
        let mut compressed = Vec::new();
        let mut offset = 8;
        while offset + 8 <= bytes.len() {
            let length = u32::from_be_bytes([
                bytes[offset],
                bytes[offset + 1],
                bytes[offset + 2],
                bytes[offset + 3],
            ]) as usize;
            let kind = &bytes[offset + 4..offset + 8];
            if kind == b"IDAT" {
                compressed.extend_from_slice(&bytes[offset + 8..offset + 8 + length]);
            }
            offset += 12 + length;
        }
        let raw = inflate_zlib(&compressed);
        let stride = 3 * width as usize;
        assert_eq!(raw.len(), (stride + 1) * height as usize, "scanline bytes");

        let mut rgb = vec![0_u8; stride * height as usize];
        for row in 0..height as usize {
            let filter = raw[row * (stride + 1)];
            let line = &raw[row * (stride + 1) + 1..(row + 1) * (stride + 1)];
            for i in 0..stride {
                let left = if i >= 3 { rgb[row * stride + i - 3] } else { 0 };
                let up = if row > 0 {
                    rgb[(row - 1) * stride + i]
                } else {
                    0
                };
                let up_left = if row > 0 && i >= 3 {
                    rgb[(row - 1) * stride + i - 3]
                } else {
                    0
                };
                let predicted = match filter {
                    0 => 0,
                    1 => left,
                    2 => up,
                    3 => ((u16::from(left) + u16::from(up)) / 2) as u8,
                    4 => paeth(left, up, up_left),
                    other => panic!("unknown PNG filter {other}"),
                };
                rgb[row * stride + i] = line[i].wrapping_add(predicted);
            }
        }
        Self { width, height, rgb }
    }

    fn pixel(&self, (x, y): (u32, u32)) -> [u8; 3] {
        assert!(
            x < self.width && y < self.height,
            "({x}, {y}) is outside the image"
        );
        let start = 3 * (y as usize * self.width as usize + x as usize);
        [self.rgb[start], self.rgb[start + 1], self.rgb[start + 2]]
    }
}

fn paeth(left: u8, up: u8, up_left: u8) -> u8 {
    let estimate = i16::from(left) + i16::from(up) - i16::from(up_left);
    let distance_left = (estimate - i16::from(left)).abs();
    let distance_up = (estimate - i16::from(up)).abs();
    let distance_up_left = (estimate - i16::from(up_left)).abs();
    if distance_left <= distance_up && distance_left <= distance_up_left {
        left
    } else if distance_up <= distance_up_left {
        up
    } else {
        up_left
    }
}

/// Reads the bits of a deflate stream, least significant bit first.
struct BitReader<'a> {
    bytes: &'a [u8],
    position: usize,
}

impl BitReader<'_> {
    fn bit(&mut self) -> u32 {
        let byte = self.bytes[self.position / 8];
        let bit = (byte >> (self.position % 8)) & 1;
        self.position += 1;
        u32::from(bit)
    }

    fn bits(&mut self, count: u32) -> u32 {
        (0..count).fold(0, |value, shift| value | (self.bit() << shift))
    }

    fn align_to_byte(&mut self) {
        self.position = self.position.div_ceil(8) * 8;
    }
}

/// A canonical Huffman code: the number of codes of each length and the symbols in code
/// order, as RFC 1951 section 3.2.2 builds them.
struct Huffman {
    counts: [u16; 16],
    symbols: Vec<u16>,
}

impl Huffman {
    fn new(lengths: &[u8]) -> Self {
        let mut counts = [0_u16; 16];
        for &length in lengths {
            counts[usize::from(length)] += 1;
        }
        counts[0] = 0;
        let mut symbols = Vec::new();
        for length in 1..16 {
            for (symbol, &symbol_length) in lengths.iter().enumerate() {
                if usize::from(symbol_length) == length {
                    symbols.push(symbol as u16);
                }
            }
        }
        Self { counts, symbols }
    }

    fn decode(&self, reader: &mut BitReader<'_>) -> u16 {
        let (mut code, mut first, mut index) = (0_i32, 0_i32, 0_i32);
        for length in 1..16 {
            code |= reader.bit() as i32;
            let count = i32::from(self.counts[length]);
            if code - count < first {
                return self.symbols[(index + code - first) as usize];
            }
            index += count;
            first = (first + count) << 1;
            code <<= 1;
        }
        panic!("invalid Huffman code in the deflate stream");
    }
}

/// Inflates a zlib stream (RFC 1950) of stored, fixed or dynamic deflate blocks (RFC 1951).
fn inflate_zlib(data: &[u8]) -> Vec<u8> {
    const LENGTH_BASE: [u16; 29] = [
        3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115,
        131, 163, 195, 227, 258,
    ];
    const LENGTH_EXTRA: [u8; 29] = [
        0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
    ];
    const DISTANCE_BASE: [u16; 30] = [
        1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
        2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
    ];
    const DISTANCE_EXTRA: [u8; 30] = [
        0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12,
        13, 13,
    ];
    const CODE_LENGTH_ORDER: [usize; 19] = [
        16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
    ];

    assert_eq!(data[0] & 0x0f, 8, "not a deflate zlib stream");
    let mut reader = BitReader {
        bytes: &data[2..],
        position: 0,
    };
    let mut out = Vec::new();
    loop {
        let is_final = reader.bit() == 1;
        match reader.bits(2) {
            0 => {
                reader.align_to_byte();
                let start = reader.position / 8;
                let length = usize::from(u16::from_le_bytes([
                    reader.bytes[start],
                    reader.bytes[start + 1],
                ]));
                out.extend_from_slice(&reader.bytes[start + 4..start + 4 + length]);
                reader.position = (start + 4 + length) * 8;
            }
            kind @ (1 | 2) => {
                let (literals, distances) = if kind == 1 {
                    let mut lengths = [8_u8; 288];
                    lengths[144..256].fill(9);
                    lengths[256..280].fill(7);
                    (Huffman::new(&lengths), Huffman::new(&[5; 30]))
                } else {
                    let n_literals = reader.bits(5) as usize + 257;
                    let n_distances = reader.bits(5) as usize + 1;
                    let n_code_lengths = reader.bits(4) as usize + 4;
                    let mut code_lengths = [0_u8; 19];
                    for &symbol in &CODE_LENGTH_ORDER[..n_code_lengths] {
                        code_lengths[symbol] = reader.bits(3) as u8;
                    }
                    let code_length_code = Huffman::new(&code_lengths);
                    let mut lengths = Vec::with_capacity(n_literals + n_distances);
                    while lengths.len() < n_literals + n_distances {
                        match code_length_code.decode(&mut reader) {
                            symbol @ 0..=15 => lengths.push(symbol as u8),
                            16 => {
                                let previous = *lengths.last().expect("a length to repeat");
                                let repeat = 3 + reader.bits(2) as usize;
                                lengths.extend(std::iter::repeat_n(previous, repeat));
                            }
                            17 => {
                                let repeat = 3 + reader.bits(3) as usize;
                                lengths.extend(std::iter::repeat_n(0, repeat));
                            }
                            _ => {
                                let repeat = 11 + reader.bits(7) as usize;
                                lengths.extend(std::iter::repeat_n(0, repeat));
                            }
                        }
                    }
                    (
                        Huffman::new(&lengths[..n_literals]),
                        Huffman::new(&lengths[n_literals..]),
                    )
                };
                loop {
                    let symbol = literals.decode(&mut reader);
                    match symbol {
                        0..=255 => out.push(symbol as u8),
                        256 => break,
                        _ => {
                            let index = usize::from(symbol - 257);
                            let length = usize::from(LENGTH_BASE[index])
                                + reader.bits(u32::from(LENGTH_EXTRA[index])) as usize;
                            let code = usize::from(distances.decode(&mut reader));
                            let distance = usize::from(DISTANCE_BASE[code])
                                + reader.bits(u32::from(DISTANCE_EXTRA[code])) as usize;
                            let start = out.len() - distance;
                            for offset in 0..length {
                                out.push(out[start + offset]);
                            }
                        }
                    }
                }
            }
            other => panic!("invalid deflate block type {other}"),
        }
        if is_final {
            return out;
        }
    }
}

fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => u32::from(c - b'A'),
        b'a'..=b'z' => u32::from(c - b'a') + 26,
        b'0'..=b'9' => u32::from(c - b'0') + 52,
        b'+' => 62,
        b'/' => 63,
        other => panic!("invalid base64 character {other}"),
    };
    let mut bytes = Vec::new();
    for group in text.as_bytes().chunks(4) {
        let digits: Vec<u8> = group.iter().copied().filter(|&c| c != b'=').collect();
        let packed = digits
            .iter()
            .enumerate()
            .fold(0_u32, |acc, (i, &c)| acc | (value(c) << (18 - 6 * i)));
        let count = digits.len().saturating_sub(1);
        bytes.extend_from_slice(&packed.to_be_bytes()[1..1 + count]);
    }
    bytes
}
