use std::path::PathBuf;

/// Result type of every fallible embviz function.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The error type shared by all embviz crates.
///
/// Each variant carries the offending value, so a test can match the fields and a user can
/// read what to change. Messages start lower-case and have no final period.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A parameter is outside its allowed range or set, alone or given the data.
    #[error("invalid {name} = {value}: {expected}")]
    InvalidParameter {
        /// Parameter name as the reference library spells it (`perplexity`, `n_components`).
        name: &'static str,
        /// The value received, formatted.
        value: String,
        /// The allowed range or set and, where useful, the fix.
        expected: String,
    },

    /// The input has no rows or no columns.
    #[error(
        "{what} is empty ({n_rows} rows x {n_cols} columns): pass at least one row and one column"
    )]
    EmptyInput {
        /// Name of the input (`X`, `labels`).
        what: &'static str,
        /// Rows received.
        n_rows: usize,
        /// Columns received.
        n_cols: usize,
    },

    /// The input has fewer rows than the algorithm needs.
    #[error(
        "{what} has too few rows (n_samples = {n_samples}, at least {required} required): {reason}"
    )]
    TooFewSamples {
        /// Name of the input.
        what: &'static str,
        /// Rows received.
        n_samples: usize,
        /// Minimum number of rows.
        required: usize,
        /// Reason that many rows are needed.
        reason: &'static str,
    },

    /// A value is NaN or infinite.
    #[error(
        "{what} contains {value} at row {row}, column {column}: remove or impute non-finite values"
    )]
    NonFinite {
        /// Name of the input.
        what: &'static str,
        /// Row of the first non-finite value.
        row: usize,
        /// Column of the first non-finite value.
        column: usize,
        /// The value, as `NaN`, `inf` or `-inf`.
        value: f64,
    },

    /// The rows of a `Vec<Vec<_>>` input differ in length.
    #[error("{what} has ragged rows: row {row} has {found} values but row 0 has {expected}")]
    RaggedRows {
        /// Name of the input.
        what: &'static str,
        /// First row whose length differs from row 0.
        row: usize,
        /// Length of row 0.
        expected: usize,
        /// Length of `row`.
        found: usize,
    },

    /// An array has the wrong shape or length.
    #[error("{what} has the wrong shape: expected {expected}, found {found}")]
    ShapeMismatch {
        /// Which array.
        what: &'static str,
        /// Expected shape or length, formatted.
        expected: String,
        /// Shape or length received, formatted.
        found: String,
    },

    /// A row has zero norm, so its cosine distance to anything is undefined.
    #[error(
        "{what} row {row} has zero norm, so its cosine distance is undefined: drop the row or use the euclidean metric"
    )]
    ZeroVector {
        /// Name of the input.
        what: &'static str,
        /// Index of the first zero row.
        row: usize,
    },

    /// One snapshot of a [`Snapshots`](crate::Snapshots) sequence, such as the embeddings
    /// saved at one checkpoint, is invalid. `source` is the error found in it, with rows and
    /// columns counted within that snapshot.
    #[error("snapshot {name}: {source}")]
    InSnapshot {
        /// Name of the snapshot, such as the file stem `epoch_03`.
        name: String,
        /// The error found in the snapshot.
        #[source]
        source: Box<Error>,
    },

    /// The content of a file is invalid for a reason that other variants describe, such
    /// as a NaN in a `.npy` file ([`Error::NonFinite`], with the row and column).
    #[error("{path}: {source}")]
    InFile {
        /// The file.
        path: PathBuf,
        /// The error found in its content.
        #[source]
        source: Box<Error>,
    },

    /// Reading or writing a file failed at the operating-system level.
    #[error("cannot access {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },

    /// A file was read but its content is malformed or truncated.
    #[error("invalid file {path}: {reason}")]
    InvalidFile {
        /// The file.
        path: PathBuf,
        /// Description of the problem.
        reason: String,
    },

    /// A file contains a data type that cannot be converted to the requested one.
    #[error("{path} has dtype {dtype}, which cannot be read here: expected {expected}")]
    UnsupportedDtype {
        /// The file.
        path: PathBuf,
        /// The dtype found, as numpy describes it (`<c8`, `|O`).
        dtype: String,
        /// The dtypes accepted.
        expected: &'static str,
    },

    /// A numerical routine stopped without converging.
    #[error("{routine} did not converge on {what}: {hint}")]
    NoConvergence {
        /// The routine, such as `"singular value decomposition"`.
        routine: &'static str,
        /// The input it ran on, described with its shape.
        what: String,
        /// Change the user can make.
        hint: &'static str,
    },

    /// Drawing or encoding a figure failed.
    #[error("cannot draw {path}: {reason}")]
    Render {
        /// The output file.
        path: PathBuf,
        /// The drawing backend's message.
        reason: String,
    },
}

impl Error {
    /// Builds an [`Error::InvalidParameter`] from any displayable value.
    pub fn invalid_parameter(
        name: &'static str,
        value: impl std::fmt::Display,
        expected: impl Into<String>,
    ) -> Self {
        Self::InvalidParameter {
            name,
            value: value.to_string(),
            expected: expected.into(),
        }
    }

    /// Wraps `self` in an [`Error::InFile`] naming the file it was found in.
    pub fn in_file(self, path: impl Into<PathBuf>) -> Self {
        Self::InFile {
            path: path.into(),
            source: Box::new(self),
        }
    }

    /// Wraps `self` in an [`Error::InSnapshot`] naming the snapshot it was found in.
    pub fn in_snapshot(self, name: impl Into<String>) -> Self {
        Self::InSnapshot {
            name: name.into(),
            source: Box::new(self),
        }
    }
}
