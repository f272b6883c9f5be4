//! Dataset folders: a data matrix with optional labels and texts.

use std::io;
use std::path::Path;

use embviz_core::{Error, Float, Result};
use ndarray::Array2;

use crate::labels::{Labels, read_labels};
use crate::mask::read_outlier_mask;
use crate::npy::read_npy;
use crate::text::read_lines;

/// File name of the `n x d` data matrix in a dataset folder.
pub const X_FILE: &str = "X.npy";
/// File name of the optional class ids, one per row.
pub const LABELS_FILE: &str = "labels.npy";
/// File name of the optional class names, one per class id.
pub const LABEL_NAMES_FILE: &str = "label_names.txt";
/// File name of the optional texts, one line per row.
pub const TEXTS_FILE: &str = "texts.txt";
/// File name of the optional known outliers: 1 (outlier) or 0 per row.
pub const OUTLIER_FILE: &str = "outlier.npy";

/// A data matrix with optional class labels and texts, one of each per row.
///
/// [`read_dataset_dir`] reads one from a folder, and [`Dataset::new`] builds one from
/// values in memory. Both check that the labels and texts have one entry per row of `x`.
///
/// # Example
///
/// ```
/// use embviz_io::{Dataset, Labels};
/// use ndarray::array;
///
/// let labels = Labels::from_strings(["a", "b"]);
/// let dataset = Dataset::new(array![[0.0_f32, 1.0], [2.0, 3.0]], Some(labels), None)?;
/// assert_eq!(dataset.n_samples(), 2);
/// assert_eq!(dataset.labels().map(|l| l.n_classes()), Some(2));
/// # Ok::<(), embviz_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset<F> {
    x: Array2<F>,
    labels: Option<Labels>,
    texts: Option<Vec<String>>,
    outliers: Option<Vec<bool>>,
}

impl<F: Float> Dataset<F> {
    /// Builds a dataset, checking that `labels` and `texts` have one entry per row of `x`.
    ///
    /// # Errors
    ///
    /// [`Error::ShapeMismatch`] naming both row counts when they differ.
    pub fn new(x: Array2<F>, labels: Option<Labels>, texts: Option<Vec<String>>) -> Result<Self> {
        let n_samples = x.nrows();
        if let Some(labels) = &labels {
            check_rows("labels", n_samples, labels.len())?;
        }
        if let Some(texts) = &texts {
            check_rows("texts", n_samples, texts.len())?;
        }
        Ok(Self {
            x,
            labels,
            texts,
            outliers: None,
        })
    }

    /// Adds the known outliers, `true` for each outlier row.
    ///
    /// # Errors
    ///
    /// [`Error::ShapeMismatch`] naming both row counts when `outliers` has another length
    /// than the number of rows.
    pub fn with_outliers(mut self, outliers: Vec<bool>) -> Result<Self> {
        check_rows("outliers", self.x.nrows(), outliers.len())?;
        self.outliers = Some(outliers);
        Ok(self)
    }

    /// Returns the known outliers, `true` for each outlier row, if the dataset has them.
    pub fn outliers(&self) -> Option<&[bool]> {
        self.outliers.as_deref()
    }

    /// Returns the `n x d` data matrix.
    pub fn x(&self) -> &Array2<F> {
        &self.x
    }

    /// Returns the class labels, if the dataset has them.
    pub fn labels(&self) -> Option<&Labels> {
        self.labels.as_ref()
    }

    /// Returns the text of each row, if the dataset has them.
    pub fn texts(&self) -> Option<&[String]> {
        self.texts.as_deref()
    }

    /// Returns the number of rows.
    pub fn n_samples(&self) -> usize {
        self.x.nrows()
    }

    /// Returns the data matrix, labels and texts, consuming the dataset.
    pub fn into_parts(self) -> (Array2<F>, Option<Labels>, Option<Vec<String>>) {
        (self.x, self.labels, self.texts)
    }
}

fn check_rows(what: &'static str, n_samples: usize, found: usize) -> Result<()> {
    if found == n_samples {
        return Ok(());
    }
    Err(Error::ShapeMismatch {
        what,
        expected: format!("{n_samples} rows, one per row of X"),
        found: format!("{found} rows"),
    })
}

/// Reads a dataset folder.
///
/// The folder contains
///
/// - `X.npy`: the `n x d` data matrix, read with [`read_npy`] (required);
/// - `labels.npy`: a class id per row, read with [`read_labels`] (optional);
/// - `label_names.txt`: a class name per line, the name of class 0 first (optional, used
///   only with `labels.npy`);
/// - `texts.txt`: a UTF-8 text per line, one line per row (optional). A text cannot
///   contain a line break, but it may be empty.
/// - `outlier.npy`: 1 for a known outlier and 0 otherwise, one per row, read with
///   [`read_outlier_mask`] (optional).
///
/// Other files in the folder are ignored.
///
/// # Errors
///
/// - [`Error::Io`] when the folder or `X.npy` does not exist (the message names the
///   folder), or a file cannot be read.
/// - [`Error::ShapeMismatch`] when `labels.npy`, `texts.txt` or `outlier.npy` has a
///   different number of rows than `X.npy`, naming both numbers.
/// - Every error of [`read_npy`], [`read_labels`], [`read_outlier_mask`] and
///   [`Labels::with_names_file`] for the
///   file concerned.
///
/// # Example
///
/// ```
/// use embviz_io::{read_dataset_dir, write_npy};
/// use ndarray::array;
///
/// let dir = std::env::temp_dir().join("embviz-io-doc-dataset");
/// write_npy(dir.join("X.npy"), &array![[1.0_f32, 0.0], [0.0, 1.0], [1.0, 1.0]].view())?;
/// std::fs::write(dir.join("texts.txt"), "first\nsecond\nthird\n").unwrap();
///
/// let dataset = read_dataset_dir::<f32>(&dir)?;
/// assert_eq!(dataset.x().dim(), (3, 2));
/// assert_eq!(dataset.texts().map(|t| t[1].as_str()), Some("second"));
/// # Ok::<(), embviz_core::Error>(())
/// ```
pub fn read_dataset_dir<F: Float>(dir: impl AsRef<Path>) -> Result<Dataset<F>> {
    let dir = dir.as_ref();
    match std::fs::metadata(dir) {
        Ok(metadata) if metadata.is_dir() => {}
        Ok(_) => {
            return Err(Error::Io {
                path: dir.to_path_buf(),
                source: io::Error::new(
                    io::ErrorKind::NotADirectory,
                    "a dataset must be a folder that contains X.npy",
                ),
            });
        }
        Err(source) => {
            return Err(Error::Io {
                path: dir.to_path_buf(),
                source,
            });
        }
    }

    let x_path = dir.join(X_FILE);
    if !exists(&x_path)? {
        return Err(Error::Io {
            source: io::Error::new(
                io::ErrorKind::NotFound,
                format!(
                    "dataset folder {} has no {X_FILE}: save the n x d data matrix there with \
                     numpy.save",
                    dir.display()
                ),
            ),
            path: x_path,
        });
    }
    let x = read_npy::<F>(&x_path)?;

    let labels_path = dir.join(LABELS_FILE);
    let names_path = dir.join(LABEL_NAMES_FILE);
    let labels = if exists(&labels_path)? {
        let labels = read_labels(&labels_path)?;
        check_rows("labels", x.nrows(), labels.len())?;
        if exists(&names_path)? {
            Some(labels.with_names_file(&names_path)?)
        } else {
            Some(labels)
        }
    } else {
        if exists(&names_path)? {
            log::warn!(
                "{}: ignoring {LABEL_NAMES_FILE} because there is no {LABELS_FILE}",
                dir.display()
            );
        }
        None
    };

    let texts_path = dir.join(TEXTS_FILE);
    let texts = if exists(&texts_path)? {
        let texts = read_lines(&texts_path)?;
        check_rows("texts", x.nrows(), texts.len())?;
        Some(texts)
    } else {
        None
    };

    let dataset = Dataset::new(x, labels, texts)?;
    let outlier_path = dir.join(OUTLIER_FILE);
    if exists(&outlier_path)? {
        dataset.with_outliers(read_outlier_mask(&outlier_path)?)
    } else {
        Ok(dataset)
    }
}

fn exists(path: &Path) -> Result<bool> {
    path.try_exists().map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })
}
