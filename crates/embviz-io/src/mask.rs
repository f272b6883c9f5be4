//! Per-row yes/no flags, such as the known outliers of a dataset.

use std::path::Path;

use embviz_core::{Error, Result};

use crate::npy::read_label_ids;

const MASK_DTYPES: &str = "0/1 flags as bool, an integer dtype, or integral floats";

/// Reads a 1-D `.npy` file of 0/1 flags, one per row, such as a dataset's
/// `outlier.npy` (1 = outlier).
///
/// Accepts bool, every integer dtype, and floats whose values are 0 or 1.
///
/// # Errors
///
/// - [`Error::Io`] when the file cannot be opened or read.
/// - [`Error::InvalidFile`] when the file is not a 1-D `.npy` array, is truncated, or contains
///   a value other than 0 or 1 (the reason gives the value and its row).
/// - [`Error::UnsupportedDtype`] for non-numeric dtypes.
///
/// # Example
///
/// ```
/// use embviz_io::{read_outlier_mask, write_npy_vector};
/// use ndarray::array;
///
/// let dir = std::env::temp_dir().join("embviz-io-doc-mask");
/// write_npy_vector(dir.join("outlier.npy"), &array![0.0_f32, 1.0, 0.0].view())?;
/// assert_eq!(read_outlier_mask(dir.join("outlier.npy"))?, vec![false, true, false]);
/// # Ok::<(), embviz_core::Error>(())
/// ```
pub fn read_outlier_mask(path: impl AsRef<Path>) -> Result<Vec<bool>> {
    let path = path.as_ref();
    let raw = read_label_ids(path, MASK_DTYPES)?;
    raw.iter()
        .enumerate()
        .map(|(row, &value)| match value {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(Error::InvalidFile {
                path: path.to_path_buf(),
                reason: format!(
                    "value at row {row} is {value}, but a flag must be 0 or 1: save \
                     (scores > threshold).astype(np.int8) or a bool array"
                ),
            }),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::write_npy_vector;
    use ndarray::array;

    #[test]
    fn values_other_than_zero_and_one_are_rejected() {
        let dir = std::env::temp_dir().join("embviz-io-mask-bad");
        let path = dir.join("outlier.npy");
        write_npy_vector(&path, &array![0.0_f64, 2.0].view()).unwrap();
        match read_outlier_mask(&path) {
            Err(Error::InvalidFile { reason, .. }) => {
                assert!(reason.contains("row 1 is 2"), "{reason}");
            }
            other => panic!("expected InvalidFile, got {other:?}"),
        }
    }
}
