//! Builders for `.npy` test files, written byte by byte so the tests do not depend on the
//! writer under test.

#![allow(dead_code, unreachable_pub, clippy::unwrap_used)]

use std::path::{Path, PathBuf};

/// Builds a `.npy` file: magic string, version, header length, the header dict padded with
/// spaces to a multiple of 64 bytes and ended by a newline, then `data`.
///
/// `shape` is the Python tuple text, such as `(2, 3)` or `(4,)`.
pub fn npy_bytes(
    version: u8,
    descr: &str,
    fortran_order: bool,
    shape: &str,
    data: &[u8],
) -> Vec<u8> {
    let fortran = if fortran_order { "True" } else { "False" };
    let dict = format!("{{'descr': '{descr}', 'fortran_order': {fortran}, 'shape': {shape}, }}");
    npy_bytes_with_header(version, &dict, data)
}

/// Builds a `.npy` file around a header dict given as text.
pub fn npy_bytes_with_header(version: u8, dict: &str, data: &[u8]) -> Vec<u8> {
    let length_bytes = if version == 1 { 2 } else { 4 };
    let unpadded = 6 + 2 + length_bytes + dict.len() + 1;
    let padding = (64 - unpadded % 64) % 64;
    let header = format!("{dict}{}\n", " ".repeat(padding));

    let mut bytes = b"\x93NUMPY".to_vec();
    bytes.extend_from_slice(&[version, 0]);
    if version == 1 {
        bytes.extend_from_slice(&u16::try_from(header.len()).unwrap().to_le_bytes());
    } else {
        bytes.extend_from_slice(&u32::try_from(header.len()).unwrap().to_le_bytes());
    }
    bytes.extend_from_slice(header.as_bytes());
    bytes.extend_from_slice(data);
    bytes
}

/// Returns an empty folder for one test, under the system temporary folder.
pub fn test_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir()
        .join(format!("embviz-io-tests-{}", std::process::id()))
        .join(name);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).unwrap();
    }
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes `bytes` to `dir/name` and returns the path.
pub fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Path of the bundled digits dataset folder.
pub fn digits_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/digits")
}

/// Encodes little-endian `f32` values.
pub fn f32_le(values: &[f32]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

/// Encodes little-endian `f64` values.
pub fn f64_le(values: &[f64]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

/// Encodes little-endian `i32` values.
pub fn i32_le(values: &[i32]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

/// Encodes little-endian `i64` values.
pub fn i64_le(values: &[i64]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}
