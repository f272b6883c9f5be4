//! Class labels: integer ids per row and a name per class.

use std::path::Path;

use embviz_core::{Error, Result};

use crate::npy::{has_magic, read_label_ids};
use crate::text::{first_blank_line, read_lines, split_lines};

/// Largest class id accepted in a `.npy` label file.
///
/// Default names are made for every id from 0 to the largest, so a stray huge id (a hash or
/// a row number stored by mistake) would allocate millions of strings. About a million
/// classes is far beyond what a plot legend or a per-class metric can use.
// NOTE: the limit is a chosen bound, not a property of the format.
pub const MAX_CLASS_ID: usize = (1 << 20) - 1;

/// The dtypes a `.npy` label file may have, for error messages.
const LABEL_DTYPES: &str = "integer class ids (int8 to int64 or uint8 to uint64), bool, or a \
                            float dtype whose values are all integers";

/// Class labels for the rows of a data matrix: one class id per row and one name per class.
///
/// Ids run from 0 to [`n_classes`](Self::n_classes) - 1. Labels read from a `.npy` file of
/// integers keep the file's ids, and the name of each class is its id as text until
/// [`with_names`](Self::with_names) or [`with_names_file`](Self::with_names_file) attaches
/// real names. Labels read from a text file, or built with
/// [`from_strings`](Self::from_strings), number the distinct strings in order of first
/// appearance and keep them as names.
///
/// # Example
///
/// ```
/// use embviz_io::Labels;
///
/// let labels = Labels::from_strings(["cat", "dog", "cat", "bird"]);
/// assert_eq!(labels.ids(), &[0, 1, 0, 2]);
/// assert_eq!(labels.n_classes(), 3);
/// assert_eq!(labels.name_of(2), Some("bird"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Labels {
    ids: Vec<usize>,
    names: Vec<String>,
}

impl Labels {
    /// Builds labels from class ids, naming each class by its id (`"0"`, `"1"`, ...).
    ///
    /// There are `max(ids) + 1` classes, including ids that no row uses.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] when an id exceeds [`MAX_CLASS_ID`].
    ///
    /// # Example
    ///
    /// ```
    /// use embviz_io::Labels;
    ///
    /// let labels = Labels::from_ids(vec![2, 0, 2])?;
    /// assert_eq!(labels.n_classes(), 3);
    /// assert_eq!(labels.names(), &["0", "1", "2"]);
    /// # Ok::<(), embviz_core::Error>(())
    /// ```
    pub fn from_ids(ids: Vec<usize>) -> Result<Self> {
        if let Some((row, &id)) = ids.iter().enumerate().find(|(_, id)| **id > MAX_CLASS_ID) {
            return Err(Error::invalid_parameter(
                "labels",
                format!("{id} at row {row}"),
                format!(
                    "class ids from 0 to {MAX_CLASS_ID}: renumber the classes as 0..k-1, \
                     for example with np.unique(labels, return_inverse=True)"
                ),
            ));
        }
        let n_classes = ids.iter().max().map_or(0, |&max| max + 1);
        let names = (0..n_classes).map(|id| id.to_string()).collect();
        Ok(Self { ids, names })
    }

    /// Builds labels from one string per row, numbering the distinct strings in order of
    /// first appearance and keeping them as class names.
    ///
    /// # Example
    ///
    /// ```
    /// use embviz_io::Labels;
    ///
    /// let labels = Labels::from_strings(vec!["b".to_string(), "a".to_string(), "b".to_string()]);
    /// assert_eq!(labels.ids(), &[0, 1, 0]);
    /// assert_eq!(labels.names(), &["b", "a"]);
    /// ```
    pub fn from_strings<S: AsRef<str>>(labels: impl IntoIterator<Item = S>) -> Self {
        let mut index = std::collections::HashMap::<String, usize>::new();
        let mut names = Vec::new();
        let ids = labels
            .into_iter()
            .map(|label| {
                let label = label.as_ref();
                if let Some(&id) = index.get(label) {
                    return id;
                }
                let id = names.len();
                names.push(label.to_owned());
                index.insert(label.to_owned(), id);
                id
            })
            .collect();
        Self { ids, names }
    }

    /// Returns the class id of each row.
    pub fn ids(&self) -> &[usize] {
        &self.ids
    }

    /// Returns the class names, indexed by class id.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Returns the number of classes, which is the number of names. Classes that no row
    /// uses are counted.
    pub fn n_classes(&self) -> usize {
        self.names.len()
    }

    /// Returns the name of class `id`, or `None` when `id` is not below
    /// [`n_classes`](Self::n_classes).
    pub fn name_of(&self, id: usize) -> Option<&str> {
        self.names.get(id).map(String::as_str)
    }

    /// Returns the number of rows.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Returns true when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Returns the number of rows in each class, indexed by class id.
    ///
    /// # Example
    ///
    /// ```
    /// use embviz_io::Labels;
    ///
    /// let labels = Labels::from_ids(vec![0, 2, 2])?;
    /// assert_eq!(labels.counts(), vec![1, 0, 2]);
    /// # Ok::<(), embviz_core::Error>(())
    /// ```
    pub fn counts(&self) -> Vec<usize> {
        let mut counts = vec![0; self.n_classes()];
        for &id in &self.ids {
            counts[id] += 1;
        }
        counts
    }

    /// Replaces the class names with `names`, one per class id in id order.
    ///
    /// `names` may be longer than the number of classes the ids use, which adds classes
    /// that no row belongs to, but it must name every id that occurs.
    ///
    /// # Errors
    ///
    /// [`Error::ShapeMismatch`] when there are fewer names than the largest id + 1.
    ///
    /// # Example
    ///
    /// ```
    /// use embviz_io::Labels;
    ///
    /// let labels = Labels::from_ids(vec![1, 0])?.with_names(["negative", "positive"])?;
    /// assert_eq!(labels.name_of(1), Some("positive"));
    /// # Ok::<(), embviz_core::Error>(())
    /// ```
    pub fn with_names<S: Into<String>>(self, names: impl IntoIterator<Item = S>) -> Result<Self> {
        let names: Vec<String> = names.into_iter().map(Into::into).collect();
        if let Some(needed) = self.needed_names(names.len()) {
            return Err(Error::ShapeMismatch {
                what: "label names",
                expected: format!(
                    "at least {needed} names (the largest label id {} + 1)",
                    needed - 1
                ),
                found: format!("{} names", names.len()),
            });
        }
        Ok(Self {
            ids: self.ids,
            names,
        })
    }

    /// Replaces the class names with those of a text file that has one name per line, the
    /// name of class 0 on the first line, as `label_names.txt` in a dataset folder.
    ///
    /// # Errors
    ///
    /// - [`Error::Io`] when the file cannot be read.
    /// - [`Error::InvalidFile`] when a line is empty or not UTF-8, or when the file has
    ///   fewer names than the largest id + 1 (the reason gives both numbers).
    pub fn with_names_file(self, path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let names = read_label_names(path)?;
        if let Some(needed) = self.needed_names(names.len()) {
            return Err(Error::InvalidFile {
                path: path.to_path_buf(),
                reason: format!(
                    "file has {} names but the labels use ids up to {}, so at least {needed} \
                     names are needed, one per line",
                    names.len(),
                    needed - 1
                ),
            });
        }
        Ok(Self {
            ids: self.ids,
            names,
        })
    }

    /// Returns the number of names needed when `available` is too few, or `None`.
    fn needed_names(&self, available: usize) -> Option<usize> {
        let needed = self.ids.iter().max().map_or(0, |&max| max + 1);
        (available < needed).then_some(needed)
    }
}

/// Reads a class-name file with one name per line, the name of class 0 first.
///
/// # Errors
///
/// [`Error::Io`] when the file cannot be read, and [`Error::InvalidFile`] naming the first
/// line that is empty or not UTF-8.
pub fn read_label_names(path: impl AsRef<Path>) -> Result<Vec<String>> {
    let path = path.as_ref();
    let names = read_lines(path)?;
    if let Some(line) = first_blank_line(&names) {
        return Err(Error::InvalidFile {
            path: path.to_path_buf(),
            reason: format!("line {line} is empty: give every class id a name, one per line"),
        });
    }
    Ok(names)
}

/// Reads class labels from a `.npy` file of class ids or from a text file with one label
/// per line.
///
/// A file whose name ends in `.npy` or that starts with the `.npy` magic string is read
/// as class ids: a 1-D (or `n x 1`) array of non-negative integers of any integer dtype,
/// bools, or floats with integer values. Each class is named by its id as text.
///
/// Any other file is read as UTF-8 text, one label per row. Labels are compared as whole
/// lines, numbered in order of first appearance and kept as class names.
///
/// # Errors
///
/// - [`Error::Io`] when the file cannot be read.
/// - [`Error::InvalidFile`] for a malformed or truncated `.npy` file, a negative or
///   non-integer id (the reason gives the row), an id above [`MAX_CLASS_ID`], or an empty
///   line in a text file (the reason gives the line number).
/// - [`Error::UnsupportedDtype`] for complex, string, object and datetime `.npy` files.
///
/// # Example
///
/// ```
/// use embviz_io::read_labels;
///
/// let dir = std::env::temp_dir().join("embviz-io-doc-labels");
/// std::fs::create_dir_all(&dir).unwrap();
/// std::fs::write(dir.join("labels.txt"), "spam\nham\nspam\n").unwrap();
///
/// let labels = read_labels(dir.join("labels.txt"))?;
/// assert_eq!(labels.ids(), &[0, 1, 0]);
/// assert_eq!(labels.names(), &["spam", "ham"]);
/// # Ok::<(), embviz_core::Error>(())
/// ```
pub fn read_labels(path: impl AsRef<Path>) -> Result<Labels> {
    let path = path.as_ref();
    let is_npy_name = path
        .extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("npy"));
    if is_npy_name {
        return read_npy_labels(path);
    }

    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    if has_magic(&bytes) {
        return read_npy_labels(path);
    }
    let lines = split_lines(path, bytes)?;
    if let Some(line) = first_blank_line(&lines) {
        return Err(Error::InvalidFile {
            path: path.to_path_buf(),
            reason: format!("line {line} is empty: every row needs a label, one per line"),
        });
    }
    Ok(Labels::from_strings(lines))
}

fn read_npy_labels(path: &Path) -> Result<Labels> {
    let raw = read_label_ids(path, LABEL_DTYPES)?;
    let mut ids = Vec::with_capacity(raw.len());
    for (row, &value) in raw.iter().enumerate() {
        let id = usize::try_from(value)
            .ok()
            .filter(|&id| id <= MAX_CLASS_ID)
            .ok_or_else(|| {
                let problem = if value < 0 {
                    "class ids must be non-negative".to_owned()
                } else {
                    format!("class ids must be at most {MAX_CLASS_ID}")
                };
                Error::InvalidFile {
                    path: path.to_path_buf(),
                    reason: format!(
                        "label at row {row} is {value}, but {problem}: renumber the classes \
                         as 0..k-1, for example with np.unique(labels, return_inverse=True)"
                    ),
                }
            })?;
        ids.push(id);
    }
    Labels::from_ids(ids)
}
