//! Snapshot folders: one `.npy` matrix per checkpoint, named `<prefix><number>.npy`.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use embviz_core::{Error, Float, Result, Snapshots};

use crate::npy::read_npy;

/// The file names [`read_snapshots`] looks for, for error messages.
const PATTERN: &str = "<prefix><number>.npy, such as epoch_00.npy, epoch_01.npy or step_200.npy";

/// Number of ignored file names that the debug log lists.
const MAX_LOGGED_NAMES: usize = 10;

/// A `.npy` file whose stem ends in digits.
#[derive(Debug)]
struct SnapshotFile {
    path: PathBuf,
    stem: String,
    /// Length of the stem before its trailing digits.
    prefix_len: usize,
}

impl SnapshotFile {
    /// Returns the file for `path` when its extension is `.npy` (in any case) and its stem
    /// is valid UTF-8 ending in at least one ASCII digit.
    fn parse(path: PathBuf) -> Option<Self> {
        let extension = path.extension()?.to_str()?;
        if !extension.eq_ignore_ascii_case("npy") {
            return None;
        }
        let stem = path.file_stem()?.to_str()?.to_owned();
        let prefix_len = stem.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        if prefix_len == stem.len() {
            return None;
        }
        Some(Self {
            path,
            stem,
            prefix_len,
        })
    }

    fn prefix(&self) -> &str {
        &self.stem[..self.prefix_len]
    }

    /// Returns the trailing digits without leading zeros, `""` for zero.
    fn number(&self) -> &str {
        self.stem[self.prefix_len..].trim_start_matches('0')
    }

    /// Compares the trailing numbers by value, so `epoch_2` comes before `epoch_10`
    /// whatever the length of either number.
    fn cmp_number(&self, other: &Self) -> Ordering {
        let (a, b) = (self.number(), other.number());
        a.len().cmp(&b.len()).then_with(|| a.cmp(b))
    }
}

/// Reads the embeddings saved at each checkpoint from the `.npy` files of `dir`.
///
/// The snapshot files are those whose stem ends in a number, such as `epoch_00.npy` to
/// `epoch_04.npy`, `epoch_1.npy` or `step_200.npy`. They are read with [`read_npy`] in
/// natural order of that number (`epoch_2` before `epoch_10`), and each snapshot is named
/// by its file stem. Other files are ignored, including `.npy` files whose stem does not
/// end in a digit, such as `X.npy`, `labels.npy` or `train_labels.npy`, and so is every
/// folder. When the numbered files have several prefixes, as `epoch_1.npy` beside
/// `step_200.npy`, choose one with [`read_snapshots_with_prefix`].
///
/// # Errors
///
/// - [`Error::Io`] when `dir` cannot be listed.
/// - [`Error::InvalidParameter`] (`dir`) when it contains no file named
///   `<prefix><number>.npy`, (`prefix`) when the numbered files have several prefixes,
///   listing them, and (`snapshots`) when only one file matches.
/// - [`Error::InvalidFile`] when two files have the same number, such as `epoch_1.npy`
///   and `epoch_01.npy`, so their order is ambiguous.
/// - Those of [`read_snapshot_files`] for the files found.
///
/// # Example
///
/// ```
/// use embviz_io::{read_snapshots, write_npy};
/// use ndarray::array;
///
/// let dir = std::env::temp_dir().join("embviz-io-doc-snapshots");
/// write_npy(dir.join("epoch_10.npy"), &array![[0.0_f32, 1.0], [1.0, 0.0]].view())?;
/// write_npy(dir.join("epoch_2.npy"), &array![[0.6_f32, 0.8], [1.0, 0.0]].view())?;
/// write_npy(dir.join("X.npy"), &array![[0.0_f32, 1.0], [1.0, 0.0]].view())?;
///
/// let snapshots = read_snapshots::<f32>(&dir)?;
/// assert_eq!(snapshots.names(), ["epoch_2", "epoch_10"]);
/// assert_eq!(snapshots.n_rows(), 2);
/// # Ok::<(), embviz_core::Error>(())
/// ```
pub fn read_snapshots<F: Float>(dir: impl AsRef<Path>) -> Result<Snapshots<F>> {
    let dir = dir.as_ref();
    let mut by_prefix = numbered_files(dir)?;
    if by_prefix.len() > 1 {
        let prefixes: Vec<String> = by_prefix
            .iter()
            .map(|(prefix, files)| match files.len() {
                1 => format!("'{prefix}' (1 file)"),
                n => format!("'{prefix}' ({n} files)"),
            })
            .collect();
        return Err(Error::invalid_parameter(
            "prefix",
            "none",
            format!(
                "{} contains numbered .npy files with {} prefixes, {}: choose one with \
                 read_snapshots_with_prefix",
                dir.display(),
                prefixes.len(),
                prefixes.join(", ")
            ),
        ));
    }
    match by_prefix.pop_first() {
        Some((prefix, files)) => read_sorted(dir, &prefix, files),
        None => Err(Error::invalid_parameter(
            "dir",
            dir.display(),
            format!("the folder has no snapshot files: expected files named {PATTERN}"),
        )),
    }
}

/// Reads the snapshot files of `dir` whose stem is `prefix` followed by a number, as
/// [`read_snapshots`] does, ignoring numbered files with other prefixes.
///
/// The prefix is everything before the trailing digits, separator included: `"epoch_"`
/// for `epoch_03.npy`. The empty prefix selects files named by a number alone, such as
/// `100.npy`.
///
/// # Errors
///
/// - [`Error::Io`] when `dir` cannot be listed.
/// - [`Error::InvalidParameter`] (`prefix`) when `dir` contains no file named
///   `<prefix><number>.npy` with this prefix (the message lists the prefixes found).
/// - The other errors of [`read_snapshots`], except the one for several prefixes.
///
/// # Example
///
/// ```
/// use embviz_io::{read_snapshots_with_prefix, write_npy};
/// use ndarray::array;
///
/// let dir = std::env::temp_dir().join("embviz-io-doc-snapshots-prefix");
/// for name in ["epoch_0.npy", "epoch_1.npy", "step_100.npy"] {
///     write_npy(dir.join(name), &array![[1.0_f64, 0.0], [0.0, 1.0], [1.0, 1.0]].view())?;
/// }
///
/// let snapshots = read_snapshots_with_prefix::<f64>(&dir, "epoch_")?;
/// assert_eq!(snapshots.names(), ["epoch_0", "epoch_1"]);
/// # Ok::<(), embviz_core::Error>(())
/// ```
pub fn read_snapshots_with_prefix<F: Float>(
    dir: impl AsRef<Path>,
    prefix: &str,
) -> Result<Snapshots<F>> {
    let dir = dir.as_ref();
    let mut by_prefix = numbered_files(dir)?;
    match by_prefix.remove(prefix) {
        Some(files) => read_sorted(dir, prefix, files),
        None => {
            let found = if by_prefix.is_empty() {
                "none".to_owned()
            } else {
                by_prefix
                    .keys()
                    .map(|p| format!("'{p}'"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            Err(Error::invalid_parameter(
                "prefix",
                format!("'{prefix}'"),
                format!(
                    "{} has no file named {prefix}<number>.npy: the prefixes of its numbered \
                     .npy files are {found}",
                    dir.display()
                ),
            ))
        }
    }
}

/// Reads the given `.npy` files as snapshots, in the order given, each named by its file
/// stem.
///
/// # Errors
///
/// - [`Error::InSnapshot`] naming the snapshot around any error of [`read_npy`] for its
///   file. [`Error::Io`], [`Error::InvalidFile`] and [`Error::UnsupportedDtype`] name the
///   file, and [`Error::NonFinite`] gives the row and column.
/// - The errors of [`Snapshots::new`]: fewer than two files, and a file with another row
///   count than the first (wrapped in [`Error::InSnapshot`]).
///
/// # Example
///
/// ```
/// use embviz_io::{read_snapshot_files, write_npy};
/// use ndarray::array;
///
/// let dir = std::env::temp_dir().join("embviz-io-doc-snapshot-files");
/// write_npy(dir.join("base.npy"), &array![[1.0_f32, 0.0, 0.0], [0.0, 1.0, 0.0]].view())?;
/// write_npy(dir.join("tuned.npy"), &array![[1.0_f32, 0.0], [0.0, 1.0]].view())?;
///
/// let snapshots = read_snapshot_files::<f32>([dir.join("base.npy"), dir.join("tuned.npy")])?;
/// assert_eq!(snapshots.names(), ["base", "tuned"]);
/// assert!(!snapshots.same_dimension());
/// # Ok::<(), embviz_core::Error>(())
/// ```
pub fn read_snapshot_files<F: Float>(
    paths: impl IntoIterator<Item = impl AsRef<Path>>,
) -> Result<Snapshots<F>> {
    let mut snapshots = Vec::new();
    for path in paths {
        let path = path.as_ref();
        let name = path.file_stem().map_or_else(
            || path.display().to_string(),
            |stem| stem.to_string_lossy().into_owned(),
        );
        let matrix = read_npy::<F>(path).map_err(|e| e.in_snapshot(&name))?;
        snapshots.push((name, matrix));
    }
    Snapshots::new(snapshots)
}

/// Lists the numbered `.npy` files of `dir`, grouped by prefix.
fn numbered_files(dir: &Path) -> Result<BTreeMap<String, Vec<SnapshotFile>>> {
    let io_error = |path: &Path, source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let entries = std::fs::read_dir(dir).map_err(|source| io_error(dir, source))?;

    let mut by_prefix: BTreeMap<String, Vec<SnapshotFile>> = BTreeMap::new();
    let mut ignored = Vec::new();
    for entry in entries {
        let path = entry.map_err(|source| io_error(dir, source))?.path();
        let Some(file) = SnapshotFile::parse(path.clone()) else {
            ignored.push(path);
            continue;
        };
        // Follows symbolic links, so a link to a snapshot file counts and a broken link is
        // reported rather than silently leaving out a checkpoint.
        let metadata = std::fs::metadata(&file.path).map_err(|source| io_error(&path, source))?;
        if !metadata.is_file() {
            ignored.push(path);
            continue;
        }
        by_prefix
            .entry(file.prefix().to_owned())
            .or_default()
            .push(file);
    }
    if !ignored.is_empty() {
        ignored.sort();
        let examples: Vec<String> = ignored
            .iter()
            .take(MAX_LOGGED_NAMES)
            .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .collect();
        log::debug!(
            "{}: ignoring {} entries that are not files named {PATTERN}, such as {}",
            dir.display(),
            ignored.len(),
            examples.join(", ")
        );
    }
    Ok(by_prefix)
}

/// Sorts the files of one prefix by number and reads them.
fn read_sorted<F: Float>(
    dir: &Path,
    prefix: &str,
    mut files: Vec<SnapshotFile>,
) -> Result<Snapshots<F>> {
    files.sort_by(|a, b| a.cmp_number(b).then_with(|| a.stem.cmp(&b.stem)));
    if let Some(pair) = files
        .windows(2)
        .find(|pair| pair[0].cmp_number(&pair[1]) == Ordering::Equal)
    {
        return Err(Error::InvalidFile {
            path: pair[1].path.clone(),
            reason: format!(
                "its number equals that of {}.npy, so the order of the snapshots is \
                 ambiguous: rename or remove one of them",
                pair[0].stem
            ),
        });
    }
    if let [only] = files.as_slice() {
        return Err(Error::invalid_parameter(
            "snapshots",
            "1 snapshot",
            format!(
                "following rows across snapshots needs two or more, but {} contains only one \
                 file named {prefix}<number>.npy, {}.npy",
                dir.display(),
                only.stem
            ),
        ));
    }

    log::info!(
        "reading {} snapshots from {}: {} to {}",
        files.len(),
        dir.display(),
        files.first().map_or("", |f| f.stem.as_str()),
        files.last().map_or("", |f| f.stem.as_str())
    );
    read_snapshot_files(files.into_iter().map(|file| file.path))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str) -> Option<SnapshotFile> {
        SnapshotFile::parse(PathBuf::from("dir").join(name))
    }

    #[test]
    fn stems_split_into_prefix_and_number() {
        let epoch = file("epoch_007.npy").expect("a numbered .npy file");
        assert_eq!(epoch.prefix(), "epoch_");
        assert_eq!(epoch.number(), "7");
        let bare = file("100.NPY").expect("the extension is matched in any case");
        assert_eq!(bare.prefix(), "");
        assert_eq!(bare.number(), "100");
        assert_eq!(file("epoch_0.npy").expect("zero is a number").number(), "");
    }

    #[test]
    fn unnumbered_and_other_files_are_skipped() {
        for name in [
            "X.npy",
            "train_labels.npy",
            "epoch_1.txt",
            "epoch_1",
            "epoch_1.npz",
        ] {
            assert!(file(name).is_none(), "{name}");
        }
    }

    #[test]
    fn numbers_compare_by_value() {
        let two = file("epoch_2.npy").expect("numbered");
        let ten = file("epoch_10.npy").expect("numbered");
        let padded_two = file("epoch_0002.npy").expect("numbered");
        assert_eq!(two.cmp_number(&ten), Ordering::Less);
        assert_eq!(padded_two.cmp_number(&ten), Ordering::Less);
        assert_eq!(two.cmp_number(&padded_two), Ordering::Equal);
        let huge = file("step_123456789012345678901234567890.npy").expect("numbered");
        assert_eq!(ten.cmp_number(&huge), Ordering::Less);
    }
}
