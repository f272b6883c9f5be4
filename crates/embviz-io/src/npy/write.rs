//! Writing `f32` and `f64` arrays as little-endian, C-order `.npy` files.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use embviz_core::{Error, Float, Result};
use ndarray::{ArrayView1, ArrayView2};

use super::header::{MAGIC, shape_text};

/// numpy pads the header so that the data starts at a multiple of 64 bytes, which keeps
/// memory-mapped arrays aligned (`ARRAY_ALIGN` in numpy's `numpy/lib/format.py`).
const ALIGNMENT: usize = 64;

/// Returns the `descr` for `F`: `<f4` for `f32` and `<f8` for `f64`.
fn descr<F: Float>() -> &'static str {
    if std::mem::size_of::<F>() == 4 {
        "<f4"
    } else {
        "<f8"
    }
}

/// Builds the magic string, version, header length and padded header dict.
///
/// Uses format version 1.0, whose 2-byte header length fits every 1-D and 2-D shape, and
/// falls back to version 2.0 for a header longer than 65535 bytes.
pub(crate) fn header_bytes(descr: &str, shape: &[usize]) -> Vec<u8> {
    let dict = format!(
        "{{'descr': '{descr}', 'fortran_order': False, 'shape': {}, }}",
        shape_text(shape)
    );
    let build = |length_bytes: usize| {
        // Magic, two version bytes, the length field, the dict and the final newline.
        let unpadded = MAGIC.len() + 2 + length_bytes + dict.len() + 1;
        let padding = (ALIGNMENT - unpadded % ALIGNMENT) % ALIGNMENT;
        let mut text = dict.clone().into_bytes();
        text.resize(dict.len() + padding, b' ');
        text.push(b'\n');
        text
    };

    let text = build(2);
    let mut bytes = MAGIC.to_vec();
    if let Ok(length) = u16::try_from(text.len()) {
        bytes.extend_from_slice(&[1, 0]);
        bytes.extend_from_slice(&length.to_le_bytes());
        bytes.extend_from_slice(&text);
    } else {
        let text = build(4);
        let length =
            u32::try_from(text.len()).expect("a header for a 1-D or 2-D shape is far below 4 GiB");
        bytes.extend_from_slice(&[2, 0]);
        bytes.extend_from_slice(&length.to_le_bytes());
        bytes.extend_from_slice(&text);
    }
    bytes
}

/// Creates `path` and its parent folders, writes the header and then `values` in order.
fn write_file<'a, F: Float>(
    path: &Path,
    shape: &[usize],
    values: impl Iterator<Item = &'a F>,
) -> Result<()> {
    let io_error = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|source| Error::Io {
            path: parent.to_path_buf(),
            source,
        })?;
    }

    let mut writer = BufWriter::new(File::create(path).map_err(io_error)?);
    writer
        .write_all(&header_bytes(descr::<F>(), shape))
        .map_err(io_error)?;
    let is_f32 = std::mem::size_of::<F>() == 4;
    for value in values {
        let exact = value.to_f64_exact();
        let result = if is_f32 {
            // The value came from an f32, so the cast back is exact.
            writer.write_all(&(exact as f32).to_le_bytes())
        } else {
            writer.write_all(&exact.to_le_bytes())
        };
        result.map_err(io_error)?;
    }
    writer.flush().map_err(io_error)
}

/// Writes a matrix as a little-endian, C-order `.npy` file (`<f4` for `f32`, `<f8` for
/// `f64`) that `numpy.load` reads back unchanged.
///
/// Missing parent folders are created, and an existing file is replaced. Any memory layout
/// is accepted: a transposed or sliced view is written in its logical row order. NaN and
/// infinite values are written as they are, although [`read_npy`](crate::read_npy) rejects
/// them.
///
/// # Errors
///
/// [`Error::Io`] when a folder or the file cannot be created or written.
///
/// # Example
///
/// ```
/// use embviz_io::{read_npy, write_npy};
/// use ndarray::array;
///
/// let path = std::env::temp_dir().join("embviz-io-doc-write-npy").join("embedding.npy");
/// let embedding = array![[0.25_f64, -1.5], [3.0, 4.0]];
/// write_npy(&path, &embedding.t())?;
///
/// assert_eq!(read_npy::<f64>(&path)?, embedding.t());
/// # Ok::<(), embviz_core::Error>(())
/// ```
pub fn write_npy<F: Float>(path: impl AsRef<Path>, array: &ArrayView2<'_, F>) -> Result<()> {
    let (n_rows, n_cols) = array.dim();
    write_file(path.as_ref(), &[n_rows, n_cols], array.iter())
}

/// Writes a vector as a little-endian 1-D `.npy` file (`<f4` for `f32`, `<f8` for `f64`).
///
/// Missing parent folders are created, and an existing file is replaced.
///
/// # Errors
///
/// [`Error::Io`] when a folder or the file cannot be created or written.
///
/// # Example
///
/// ```
/// use embviz_io::{read_npy_vector, write_npy_vector};
/// use ndarray::array;
///
/// let path = std::env::temp_dir().join("embviz-io-doc-write-vector").join("scores.npy");
/// write_npy_vector(&path, &array![1.0_f32, 2.5].view())?;
///
/// assert_eq!(read_npy_vector::<f32>(&path)?.to_vec(), vec![1.0, 2.5]);
/// # Ok::<(), embviz_core::Error>(())
/// ```
pub fn write_npy_vector<F: Float>(path: impl AsRef<Path>, array: &ArrayView1<'_, F>) -> Result<()> {
    write_file(path.as_ref(), &[array.len()], array.iter())
}

/// Writes integer ids, such as cluster labels, as a little-endian 1-D `int64` `.npy` file
/// (`<i8`), the dtype numpy gives integer arrays by default.
///
/// Missing parent folders are created, and an existing file is replaced.
///
/// # Errors
///
/// - [`Error::InvalidParameter`] when an id exceeds `i64::MAX`.
/// - [`Error::Io`] when a folder or the file cannot be created or written.
///
/// # Example
///
/// ```
/// use embviz_io::{read_npy_indices, write_npy_ids};
///
/// let path = std::env::temp_dir().join("embviz-io-doc-write-ids").join("labels.npy");
/// write_npy_ids(&path, &[2, 0, 1])?;
///
/// assert_eq!(read_npy_indices(&path)?.column(0).to_vec(), vec![2, 0, 1]);
/// # Ok::<(), embviz_core::Error>(())
/// ```
pub fn write_npy_ids(path: impl AsRef<Path>, ids: &[usize]) -> Result<()> {
    let path = path.as_ref();
    let mut bytes = header_bytes("<i8", &[ids.len()]);
    bytes.reserve(ids.len() * 8);
    for &id in ids {
        let value = i64::try_from(id).map_err(|_| {
            Error::invalid_parameter("ids", id, "ids up to i64::MAX, which int64 can hold")
        })?;
        bytes.extend_from_slice(&value.to_le_bytes());
    }
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|source| Error::Io {
            path: parent.to_path_buf(),
            source,
        })?;
    }
    std::fs::write(path, bytes).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_is_aligned_like_numpy() {
        let bytes = header_bytes("<f4", &[1797, 64]);
        assert_eq!(bytes.len(), 128);
        let expected = "{'descr': '<f4', 'fortran_order': False, 'shape': (1797, 64), }";
        assert_eq!(&bytes[10..10 + expected.len()], expected.as_bytes());
        assert_eq!(bytes[127], b'\n');
        assert_eq!(&bytes[8..10], &118_u16.to_le_bytes());
    }

    #[test]
    fn header_matches_digits_file() {
        // The bundled digits file was written by numpy, so its header is the reference.
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/digits/X.npy");
        let file = std::fs::read(path).expect("bundled digits file");
        assert_eq!(header_bytes("<f4", &[1797, 64]), file[..128]);
    }
}
