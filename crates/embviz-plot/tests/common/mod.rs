//! Shared data and helpers for the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

use ndarray::Array2;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

/// Class names of the ten blobs.
pub(crate) const DIGIT_NAMES: [&str; 10] = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
];

/// Returns the directory for this crate's test outputs, created if missing.
pub(crate) fn output_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("embviz-plot-tests");
    std::fs::create_dir_all(&dir).expect("the target directory is writable");
    dir
}

/// Returns `per_class` points around each of `n_classes` centres on a circle of radius 10,
/// with unit Gaussian noise, and the class of each point. Rows are in class order.
pub(crate) fn gaussian_blobs(
    n_classes: usize,
    per_class: usize,
    seed: u64,
) -> (Array2<f32>, Vec<usize>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let n = n_classes * per_class;
    let mut points = Array2::<f32>::zeros((n, 2));
    let mut labels = Vec::with_capacity(n);
    for class in 0..n_classes {
        let angle = class as f64 / n_classes as f64 * std::f64::consts::TAU;
        let center = [10.0 * angle.cos(), 10.0 * angle.sin()];
        for k in 0..per_class {
            let row = class * per_class + k;
            for axis in 0..2 {
                let noise: f64 = StandardNormal.sample(&mut rng);
                points[[row, axis]] = (center[axis] + noise) as f32;
            }
            labels.push(class);
        }
    }
    (points, labels)
}

/// Returns the width and height stored in a PNG file's IHDR chunk.
pub(crate) fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "not a PNG signature");
    assert_eq!(&bytes[12..16], b"IHDR", "the first chunk is not IHDR");
    let read = |offset: usize| {
        u32::from_be_bytes([
            bytes[offset],
            bytes[offset + 1],
            bytes[offset + 2],
            bytes[offset + 3],
        ])
    };
    (read(16), read(20))
}

/// Returns the content of every `<text>` element of an SVG document, trimmed.
pub(crate) fn svg_texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|element| {
            let start = element.find('>')? + 1;
            let end = element.find("</text>")?;
            Some(element[start..end].trim().to_owned())
        })
        .collect()
}
