//! Reading `.npy` files into ndarray arrays.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use embviz_core::{Error, Float, Result, validate};
use ndarray::{Array1, Array2, ShapeBuilder};

use super::dtype::{Dtype, Scalar, decode_floats, decode_integers, decode_one_f64};
use super::header::{Header, read_header};

/// The dtypes [`read_npy`] and [`read_npy_vector`] accept, for error messages.
const REAL_DTYPES: &str = "a real number or bool dtype: float16, float32, float64, int8 to int64, \
                           uint8 to uint64 or bool, in either byte order";

/// The dtypes [`read_npy_indices`] accepts, for error messages.
const INTEGER_DTYPES: &str =
    "an integer dtype: int8 to int64 or uint8 to uint64, in either byte order";

/// Number of elements decoded per read, which bounds the read buffer to 512 KiB.
const CHUNK_ELEMENTS: usize = 1 << 16;

/// Name of the array in [`Error::NonFinite`] messages.
const ARRAY_NAME: &str = "array";

/// An open `.npy` file whose header has been read.
#[derive(Debug)]
pub(crate) struct NpyFile {
    path: PathBuf,
    header: Header,
    reader: BufReader<File>,
    /// Bytes in the file after the header.
    data_bytes: u64,
}

impl NpyFile {
    /// Opens `path` and reads its header.
    pub(crate) fn open(path: &Path) -> Result<Self> {
        let file = File::open(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let file_len = file
            .metadata()
            .map_err(|source| Error::Io {
                path: path.to_path_buf(),
                source,
            })?
            .len();
        let mut reader = BufReader::new(file);
        let header = read_header(&mut reader, path)?;
        Ok(Self {
            path: path.to_path_buf(),
            data_bytes: file_len.saturating_sub(header.data_offset),
            header,
            reader,
        })
    }

    pub(crate) fn shape(&self) -> &[usize] {
        &self.header.shape
    }

    pub(crate) fn invalid(&self, reason: impl Into<String>) -> Error {
        Error::InvalidFile {
            path: self.path.clone(),
            reason: reason.into(),
        }
    }

    /// Returns the element type and byte order, or [`Error::UnsupportedDtype`] when the type
    /// is unsupported or `accepts` rejects it.
    pub(crate) fn scalar(
        &self,
        accepts: impl Fn(Scalar) -> bool,
        expected: &'static str,
    ) -> Result<(Scalar, bool)> {
        let unsupported = |dtype: String| Error::UnsupportedDtype {
            path: self.path.clone(),
            dtype,
            expected,
        };
        match &self.header.dtype {
            Dtype::Supported { scalar, big_endian } if accepts(*scalar) => {
                Ok((*scalar, *big_endian))
            }
            Dtype::Supported { scalar, big_endian } => {
                Err(unsupported(descr_text(*scalar, *big_endian)))
            }
            Dtype::Unsupported(descr) => Err(unsupported(descr.clone())),
        }
    }

    /// Returns an [`Error::InvalidFile`] saying that the array has the wrong number of
    /// dimensions. `needed` describes the array that is needed and `fix` how to get it.
    pub(crate) fn wrong_ndim(&self, needed: &str, fix: &str) -> Error {
        let ndim = self.header.shape.len();
        let dimensions = if ndim == 1 { "dimension" } else { "dimensions" };
        self.invalid(format!(
            "array has shape {} with {ndim} {dimensions}, but {needed} is needed: {fix}",
            self.header.shape_text()
        ))
    }

    /// Reads all elements in file order, decoding each chunk of bytes with `decode`.
    ///
    /// Checks first that the file has as many bytes as the shape needs, so a truncated
    /// file is reported with both byte counts before anything is allocated.
    pub(crate) fn read_elements<T>(
        &mut self,
        scalar: Scalar,
        mut decode: impl FnMut(&[u8], &mut Vec<T>),
    ) -> Result<Vec<T>> {
        let shape = &self.header.shape;
        // A zero dimension makes the array empty whatever the other dimensions are.
        let n_elements = if shape.contains(&0) {
            Some(0)
        } else {
            shape
                .iter()
                .try_fold(1_usize, |acc, &dim| acc.checked_mul(dim))
        };
        let n_elements = n_elements.ok_or_else(|| {
            self.invalid(format!(
                "shape {} has more elements than this machine can address",
                self.header.shape_text()
            ))
        })?;
        let needed = u64::try_from(n_elements)
            .ok()
            .and_then(|n| n.checked_mul(scalar.size() as u64))
            .ok_or_else(|| {
                self.invalid(format!(
                    "shape {} needs more bytes than a file can hold",
                    self.header.shape_text()
                ))
            })?;
        if self.data_bytes < needed {
            return Err(self.invalid(format!(
                "file is truncated: shape {} of {} needs {needed} data bytes but only {} follow \
                 the {}-byte header",
                self.header.shape_text(),
                self.descr(),
                self.data_bytes,
                self.header.data_offset
            )));
        }
        if self.data_bytes > needed {
            log::warn!(
                "{}: ignoring {} bytes after the {needed} data bytes of shape {}",
                self.path.display(),
                self.data_bytes - needed,
                self.header.shape_text()
            );
        }

        let mut values = Vec::with_capacity(n_elements);
        let mut buffer = vec![0_u8; CHUNK_ELEMENTS.min(n_elements) * scalar.size()];
        let mut remaining = n_elements;
        while remaining > 0 {
            let count = remaining.min(CHUNK_ELEMENTS);
            let chunk = &mut buffer[..count * scalar.size()];
            self.reader.read_exact(chunk).map_err(|source| Error::Io {
                path: self.path.clone(),
                source,
            })?;
            decode(chunk, &mut values);
            remaining -= count;
        }
        Ok(values)
    }

    /// Returns an [`Error::InvalidFile`] for a shape that ndarray cannot represent.
    fn shape_error(&self, error: &ndarray::ShapeError) -> Error {
        self.invalid(format!(
            "shape {} cannot be represented as an array: {error}",
            self.header.shape_text()
        ))
    }

    /// Returns the `descr` as numpy writes it, such as `<f4`.
    fn descr(&self) -> String {
        match &self.header.dtype {
            Dtype::Supported { scalar, big_endian } => descr_text(*scalar, *big_endian),
            Dtype::Unsupported(descr) => descr.clone(),
        }
    }

    /// Converts an index in file order to a (row, column) position, for errors.
    fn position(&self, flat_index: usize) -> (usize, usize) {
        match self.header.shape.as_slice() {
            [_, n_cols] if !self.header.fortran_order => (flat_index / n_cols, flat_index % n_cols),
            [n_rows, _] => (flat_index % n_rows, flat_index / n_rows),
            _ => (flat_index, 0),
        }
    }
}

/// Formats a supported type as numpy's `descr`, such as `<f4` or `|u1`.
fn descr_text(scalar: Scalar, big_endian: bool) -> String {
    let kind = match scalar {
        Scalar::Bool => 'b',
        Scalar::I8 | Scalar::I16 | Scalar::I32 | Scalar::I64 => 'i',
        Scalar::U8 | Scalar::U16 | Scalar::U32 | Scalar::U64 => 'u',
        Scalar::F16 | Scalar::F32 | Scalar::F64 => 'f',
    };
    let order = match (scalar.size(), big_endian) {
        (1, _) => '|',
        (_, true) => '>',
        (_, false) => '<',
    };
    format!("{order}{kind}{}", scalar.size())
}

/// Reads the elements of a real-valued array as `F`, in file order.
///
/// Rejects a `float64` value that is finite but beyond the `f32` range when `F` is `f32`,
/// because the cast would turn it into infinity.
fn read_floats<F: Float>(file: &mut NpyFile) -> Result<Vec<F>> {
    let (scalar, big_endian) = file.scalar(|_| true, REAL_DTYPES)?;
    // Only a float64 source can hold finite values that overflow the target.
    let may_overflow = scalar == Scalar::F64 && std::mem::size_of::<F>() < 8;
    let mut overflow: Option<(usize, f64)> = None;
    let values = file.read_elements(scalar, |chunk, out: &mut Vec<F>| {
        let start = out.len();
        decode_floats(scalar, big_endian, chunk, out);
        if may_overflow && overflow.is_none() {
            let new_values = out[start..].iter().enumerate();
            let first = new_values
                .filter(|(_, v)| !v.is_finite())
                .find_map(|(i, _)| {
                    let bytes = &chunk[i * 8..(i + 1) * 8];
                    decode_one_f64(scalar, big_endian, bytes)
                        .filter(|source| source.is_finite())
                        .map(|source| (start + i, source))
                });
            overflow = first;
        }
    })?;

    if let Some((flat_index, value)) = overflow {
        let (row, column) = file.position(flat_index);
        return Err(file.invalid(format!(
            "value {value:e} at row {row}, column {column} is outside the range of {}: \
             read the file as f64",
            F::DTYPE_NAME
        )));
    }
    Ok(values)
}

/// Reads a 2-D `.npy` file as an `n x d` matrix of `F`.
///
/// Accepts every real number and bool dtype in either byte order: `float16`, `float32`,
/// `float64`, `int8` to `int64`, `uint8` to `uint64` and `bool`. Integers are rounded to
/// the nearest `F` as numpy's `astype` does, and bools become 0 and 1. A Fortran-order file
/// is transposed in memory, so the result is always in standard (row-major) layout.
///
/// # Errors
///
/// - [`Error::Io`] when the file cannot be opened or read.
/// - [`Error::InvalidFile`] when the file is not a `.npy` file or its header is malformed.
///   It is also returned when the data is shorter than the shape needs (the reason gives both
///   byte counts), when the array is not 2-D, and when a `float64` value overflows `f32`.
/// - [`Error::UnsupportedDtype`] for complex, object, string, datetime and structured types.
/// - [`Error::InFile`] naming the file around [`Error::NonFinite`], for the first NaN or
///   infinite value in row order.
///
/// # Example
///
/// ```
/// use embviz_io::{read_npy, write_npy};
/// use ndarray::array;
///
/// let path = std::env::temp_dir().join("embviz-io-doc-read-npy").join("x.npy");
/// write_npy(&path, &array![[1.0_f32, 2.0, 3.0], [4.0, 5.0, 6.0]].view())?;
///
/// let x = read_npy::<f64>(&path)?;
/// assert_eq!(x.dim(), (2, 3));
/// assert_eq!(x[[1, 2]], 6.0);
/// # Ok::<(), embviz_core::Error>(())
/// ```
pub fn read_npy<F: Float>(path: impl AsRef<Path>) -> Result<Array2<F>> {
    let mut file = NpyFile::open(path.as_ref())?;
    let &[n_rows, n_cols] = file.shape() else {
        let fix = if file.shape().len() == 1 {
            "save it as a column with x.reshape(-1, 1), or read it with read_npy_vector"
        } else {
            "reshape it to (n_samples, n_features) before saving"
        };
        return Err(file.wrong_ndim("a 2-D n x d array", fix));
    };
    let values = read_floats::<F>(&mut file)?;
    let x = matrix_from_file_order(values, n_rows, n_cols, file.header.fortran_order)
        .map_err(|e| file.shape_error(&e))?;

    validate::finite(ARRAY_NAME, &x.view()).map_err(|e| e.in_file(&file.path))?;
    Ok(x)
}

/// Reads a 1-D `.npy` file as a vector of `F`.
///
/// Accepts the same dtypes and conversions as [`read_npy`], including bool as 0 and 1.
///
/// # Errors
///
/// As [`read_npy`], except that the array must be 1-D. A non-finite value is reported
/// with its index as `row` and `column` 0, inside [`Error::InFile`].
///
/// # Example
///
/// ```
/// use embviz_io::{read_npy_vector, write_npy_vector};
/// use ndarray::array;
///
/// let path = std::env::temp_dir().join("embviz-io-doc-read-vector").join("scores.npy");
/// write_npy_vector(&path, &array![0.5_f64, -1.0, 2.0].view())?;
///
/// let scores = read_npy_vector::<f64>(&path)?;
/// assert_eq!(scores.to_vec(), vec![0.5, -1.0, 2.0]);
/// # Ok::<(), embviz_core::Error>(())
/// ```
pub fn read_npy_vector<F: Float>(path: impl AsRef<Path>) -> Result<Array1<F>> {
    let mut file = NpyFile::open(path.as_ref())?;
    if file.shape().len() != 1 {
        return Err(file.wrong_ndim(
            "a 1-D array",
            "flatten it with x.ravel() before saving, or read a matrix with read_npy",
        ));
    }
    let values = Array1::from(read_floats::<F>(&mut file)?);
    if let Some(index) = values.iter().position(|v| !v.is_finite()) {
        let error = Error::NonFinite {
            what: ARRAY_NAME,
            row: index,
            column: 0,
            value: values[index].to_f64_exact(),
        };
        return Err(error.in_file(&file.path));
    }
    Ok(values)
}

/// Reads a 1-D or 2-D `.npy` file of non-negative integers, such as neighbour indices.
///
/// A 1-D array of length `n` becomes an `n x 1` matrix. Every integer dtype is accepted in
/// either byte order. The result is in standard (row-major) layout.
///
/// # Errors
///
/// - [`Error::Io`] when the file cannot be opened or read.
/// - [`Error::InvalidFile`] when the file is not a `.npy` file, its header is malformed, its
///   data is truncated, the array is not 1-D or 2-D, or a value is negative (the reason
///   gives the value and its position).
/// - [`Error::UnsupportedDtype`] for float, bool and every non-numeric dtype.
///
/// # Example
///
/// ```
/// use embviz_io::read_npy_indices;
///
/// // A 2 x 2 int64 array in numpy's format, built by hand.
/// let header = "{'descr': '<i8', 'fortran_order': False, 'shape': (2, 2), }";
/// let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
/// bytes.extend_from_slice(&(header.len() as u16).to_le_bytes());
/// bytes.extend_from_slice(header.as_bytes());
/// for index in [0_i64, 3, 1, 2] {
///     bytes.extend_from_slice(&index.to_le_bytes());
/// }
/// let dir = std::env::temp_dir().join("embviz-io-doc-indices");
/// std::fs::create_dir_all(&dir).unwrap();
/// std::fs::write(dir.join("knn.npy"), bytes).unwrap();
///
/// let knn = read_npy_indices(dir.join("knn.npy"))?;
/// assert_eq!(knn.row(0).to_vec(), vec![0, 3]);
/// # Ok::<(), embviz_core::Error>(())
/// ```
pub fn read_npy_indices(path: impl AsRef<Path>) -> Result<Array2<usize>> {
    let mut file = NpyFile::open(path.as_ref())?;
    let (n_rows, n_cols) = match *file.shape() {
        [n] => (n, 1),
        [n_rows, n_cols] => (n_rows, n_cols),
        _ => {
            return Err(file.wrong_ndim(
                "a 1-D or 2-D array",
                "reshape it to (n_samples, k) before saving",
            ));
        }
    };
    let (scalar, big_endian) = file.scalar(Scalar::is_integer, INTEGER_DTYPES)?;
    let raw = file.read_elements(scalar, |chunk, out| {
        decode_integers(scalar, big_endian, chunk, out);
    })?;

    let mut indices = Vec::with_capacity(raw.len());
    for (flat_index, &value) in raw.iter().enumerate() {
        let Ok(index) = usize::try_from(value) else {
            let (row, column) = file.position(flat_index);
            let problem = if value < 0 {
                "indices must be non-negative"
            } else {
                "it does not fit in this machine's usize"
            };
            return Err(file.invalid(format!(
                "value {value} at row {row}, column {column} is not a valid index: {problem}"
            )));
        };
        indices.push(index);
    }
    matrix_from_file_order(indices, n_rows, n_cols, file.header.fortran_order)
        .map_err(|e| file.shape_error(&e))
}

/// Reads a 1-D or `n x 1` `.npy` file of class ids as integers in file order.
///
/// Accepts integer and bool dtypes, and float dtypes whose values are all integral.
pub(crate) fn read_label_ids(path: &Path, expected: &'static str) -> Result<Vec<i128>> {
    let mut file = NpyFile::open(path)?;
    match *file.shape() {
        [_] => {}
        [_, 1] => log::warn!(
            "{}: reading the {} label array as a vector",
            path.display(),
            file.header.shape_text()
        ),
        _ => {
            return Err(file.wrong_ndim(
                "a 1-D array of class ids",
                "flatten it with labels.ravel() before saving",
            ));
        }
    }
    let (scalar, big_endian) = file.scalar(|_| true, expected)?;
    if !matches!(scalar, Scalar::F16 | Scalar::F32 | Scalar::F64) {
        return file.read_elements(scalar, |chunk, out| {
            decode_integers(scalar, big_endian, chunk, out);
        });
    }

    // Float labels are accepted when every value is an integer, as numpy arrays that went
    // through a float conversion often are.
    let values = file.read_elements(scalar, |chunk, out: &mut Vec<f64>| {
        decode_floats(scalar, big_endian, chunk, out);
    })?;
    let mut ids = Vec::with_capacity(values.len());
    for (row, &value) in values.iter().enumerate() {
        let problem = if !value.is_finite() || value.fract() != 0.0 {
            "it is not an integer"
        } else if value.abs() >= 2_f64.powi(63) {
            "it is outside the int64 range"
        } else {
            // An integral float below 2^63 in magnitude converts exactly.
            ids.push(value as i128);
            continue;
        };
        return Err(file.invalid(format!(
            "label at row {row} is {value}, which is not a class id because {problem}: store \
             labels as integers 0..k-1, mapping strings with np.unique(labels, return_inverse=True)"
        )));
    }
    Ok(ids)
}

/// Builds a row-major matrix from values stored in row-major (C) or column-major (Fortran)
/// order.
///
/// Fails only for an empty array whose other dimension exceeds `isize::MAX`, which ndarray
/// cannot represent.
fn matrix_from_file_order<T: Clone>(
    values: Vec<T>,
    n_rows: usize,
    n_cols: usize,
    fortran_order: bool,
) -> std::result::Result<Array2<T>, ndarray::ShapeError> {
    let x = Array2::from_shape_vec((n_rows, n_cols).set_f(fortran_order), values)?;
    if x.is_standard_layout() {
        Ok(x)
    } else {
        Ok(x.as_standard_layout().into_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descr_text_matches_numpy() {
        assert_eq!(descr_text(Scalar::F32, false), "<f4");
        assert_eq!(descr_text(Scalar::I64, true), ">i8");
        assert_eq!(descr_text(Scalar::Bool, false), "|b1");
        assert_eq!(descr_text(Scalar::U8, true), "|u1");
    }

    #[test]
    fn fortran_order_becomes_row_major() {
        // Column-major storage of [[1, 2, 3], [4, 5, 6]].
        let x = matrix_from_file_order(vec![1, 4, 2, 5, 3, 6], 2, 3, true).expect("valid shape");
        assert_eq!(x, ndarray::array![[1, 2, 3], [4, 5, 6]]);
        assert!(x.is_standard_layout());
    }
}
