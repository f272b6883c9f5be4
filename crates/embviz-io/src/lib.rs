//! Reading and writing the files embviz works on: numpy `.npy` arrays, class labels and
//! dataset folders.
//!
//! - [`read_npy`] reads a 2-D `.npy` file as an `n x d` [`Array2`](ndarray::Array2) of `f32`
//!   or `f64`, and [`read_npy_vector`] reads a 1-D file. Both accept format versions 1.0,
//!   2.0 and 3.0, either byte order, C and Fortran order, and the dtypes `float16`,
//!   `float32`, `float64`, `int8` to `int64`, `uint8` to `uint64` and `bool`, cast to the
//!   requested float type. NaN and infinite values are rejected.
//! - [`read_npy_indices`] reads non-negative integers, such as neighbour indices, as
//!   `usize`.
//! - [`write_npy`] and [`write_npy_vector`] write little-endian, C-order `<f4` or `<f8`
//!   files that `numpy.load` reads.
//! - [`read_labels`] reads [`Labels`] from a `.npy` file of class ids or from a text file
//!   with one label per line, and [`Labels::with_names_file`] attaches class names.
//! - [`read_dataset_dir`] reads a [`Dataset`] folder: `X.npy`, and optionally `labels.npy`,
//!   `label_names.txt` and `texts.txt`.
//! - [`read_snapshots`] reads the embeddings saved at each checkpoint, such as
//!   `epoch_00.npy` to `epoch_04.npy`, as [`Snapshots`](embviz_core::Snapshots) in natural
//!   order of the number in the file name. [`read_snapshots_with_prefix`] picks one series
//!   of files, and [`read_snapshot_files`] reads a list of files in the order given.
//!
//! Complex, string, object, datetime and structured dtypes are reported as
//! [`Error::UnsupportedDtype`](embviz_core::Error::UnsupportedDtype), and a malformed or
//! truncated file as [`Error::InvalidFile`](embviz_core::Error::InvalidFile) with the
//! reason, such as the number of data bytes expected and found.
//!
//! # Example
//!
//! ```
//! use embviz_io::{read_npy, write_npy};
//! use ndarray::array;
//!
//! let path = std::env::temp_dir().join("embviz-io-doc-crate").join("embedding.npy");
//! let embedding = array![[0.5_f32, -1.0], [2.0, 3.5], [4.0, 0.0]];
//! write_npy(&path, &embedding.view())?;
//!
//! let read_back = read_npy::<f32>(&path)?;
//! assert_eq!(read_back, embedding);
//! # Ok::<(), embviz_core::Error>(())
//! ```
#![deny(clippy::unwrap_used, clippy::panic)]
#![forbid(unsafe_code)]

mod dataset;
mod labels;
mod mask;
mod npy;
mod snapshots;
mod text;

pub use dataset::{
    Dataset, LABEL_NAMES_FILE, LABELS_FILE, OUTLIER_FILE, TEXTS_FILE, X_FILE, read_dataset_dir,
};
pub use labels::{Labels, MAX_CLASS_ID, read_label_names, read_labels};
pub use mask::read_outlier_mask;
pub use npy::{
    read_npy, read_npy_indices, read_npy_vector, write_npy, write_npy_ids, write_npy_vector,
};
pub use snapshots::{read_snapshot_files, read_snapshots, read_snapshots_with_prefix};

// The error, result and snapshot types of the readers, so that a crate depending on this
// one alone can name them.
pub use embviz_core::{Error, Result, Snapshots};
