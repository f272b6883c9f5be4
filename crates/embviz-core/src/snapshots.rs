//! An ordered sequence of embedding matrices of the same rows, such as the embeddings of one
//! evaluation set saved at each checkpoint of a fine-tuning run.

use ndarray::Array2;

#[cfg(doc)]
use crate::Error;
use crate::{Float, Result, validate};

/// Two or more named matrices that embed the same rows in the same order, one matrix per
/// step of a process such as fine-tuning.
///
/// Row `i` of every matrix is the same item (a text, an image) at a different step, so
/// the rows can be followed from one snapshot to the next. Column counts may differ
/// between snapshots, for example when one model is replaced by a wider one. Then only
/// measures that compare rows within each snapshot, such as nearest neighbours, can relate
/// the two.
///
/// The constructors check that there are at least two snapshots, since a change needs two
/// states, and that every matrix is non-empty, finite and has as many rows as the first.
/// Snapshot names are free text and need not be unique. [`Snapshots::from_matrices`]
/// names them by position, `"0"`, `"1"` and so on.
///
/// # Example
///
/// ```
/// use embviz_core::Snapshots;
/// use ndarray::array;
///
/// let before = array![[1.0_f32, 0.0], [0.0, 1.0], [0.6, 0.8]];
/// let after = array![[0.8_f32, 0.6], [0.0, 1.0], [0.6, 0.8]];
/// let snapshots = Snapshots::new(vec![("epoch_0", before), ("epoch_1", after)])?;
/// assert_eq!(snapshots.len(), 2);
/// assert_eq!(snapshots.n_rows(), 3);
/// assert_eq!(snapshots.names(), ["epoch_0", "epoch_1"]);
/// assert!(snapshots.same_dimension());
/// # Ok::<(), embviz_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshots<F> {
    names: Vec<String>,
    matrices: Vec<Array2<F>>,
}

impl<F: Float> Snapshots<F> {
    /// Builds a sequence from `(name, matrix)` pairs, in the order given.
    ///
    /// # Errors
    ///
    /// - [`Error::InvalidParameter`] (`snapshots`) when fewer than two are given.
    /// - [`Error::InSnapshot`] naming the first invalid snapshot. It wraps
    ///   [`Error::EmptyInput`] for a matrix without rows or columns, or
    ///   [`Error::ShapeMismatch`] for a row count that differs from the first snapshot's,
    ///   with both counts. It wraps [`Error::NonFinite`] with the row and column of the first
    ///   NaN or infinite value.
    pub fn new<S: Into<String>>(
        snapshots: impl IntoIterator<Item = (S, Array2<F>)>,
    ) -> Result<Self> {
        let (names, matrices): (Vec<String>, Vec<Array2<F>>) = snapshots
            .into_iter()
            .map(|(name, matrix)| (name.into(), matrix))
            .unzip();
        check_snapshots(&names, &matrices)?;
        Ok(Self { names, matrices })
    }

    /// Builds a sequence from matrices alone, naming them by position: `"0"`, `"1"` and
    /// so on.
    ///
    /// # Errors
    ///
    /// Those of [`Snapshots::new`].
    pub fn from_matrices(matrices: impl IntoIterator<Item = Array2<F>>) -> Result<Self> {
        Self::new(
            matrices
                .into_iter()
                .enumerate()
                .map(|(i, matrix)| (i.to_string(), matrix)),
        )
    }

    /// Returns the number of snapshots, at least 2.
    #[allow(clippy::len_without_is_empty)] // A sequence always contains two or more snapshots.
    pub fn len(&self) -> usize {
        self.matrices.len()
    }

    /// Returns the number of rows, the same in every snapshot.
    pub fn n_rows(&self) -> usize {
        self.matrices[0].nrows()
    }

    /// Returns the column count of each snapshot, in order.
    pub fn n_cols(&self) -> Vec<usize> {
        self.matrices.iter().map(Array2::ncols).collect()
    }

    /// Returns the snapshot names, in order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Returns the name and matrix of snapshot `index`, or `None` past the last one.
    pub fn get(&self, index: usize) -> Option<(&str, &Array2<F>)> {
        let name = self.names.get(index)?;
        let matrix = self.matrices.get(index)?;
        Some((name, matrix))
    }

    /// Returns the matrices, in order.
    pub fn matrices(&self) -> &[Array2<F>] {
        &self.matrices
    }

    /// Returns an iterator over `(name, matrix)` pairs, in order.
    pub fn iter(&self) -> SnapshotsIter<'_, F> {
        SnapshotsIter {
            inner: self.names.iter().zip(self.matrices.iter()),
        }
    }

    /// Returns true when every snapshot has the same column count, so a row can be compared
    /// directly across snapshots.
    pub fn same_dimension(&self) -> bool {
        let first = self.matrices[0].ncols();
        self.matrices.iter().all(|m| m.ncols() == first)
    }

    /// Returns the names and matrices, consuming the sequence.
    pub fn into_parts(self) -> (Vec<String>, Vec<Array2<F>>) {
        (self.names, self.matrices)
    }
}

impl<'a, F: Float> IntoIterator for &'a Snapshots<F> {
    type Item = (&'a str, &'a Array2<F>);
    type IntoIter = SnapshotsIter<'a, F>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// An iterator over the `(name, matrix)` pairs of a [`Snapshots`] sequence, from
/// [`Snapshots::iter`].
#[derive(Debug, Clone)]
pub struct SnapshotsIter<'a, F> {
    inner: std::iter::Zip<std::slice::Iter<'a, String>, std::slice::Iter<'a, Array2<F>>>,
}

impl<'a, F> Iterator for SnapshotsIter<'a, F> {
    type Item = (&'a str, &'a Array2<F>);

    fn next(&mut self) -> Option<Self::Item> {
        self.inner
            .next()
            .map(|(name, matrix)| (name.as_str(), matrix))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl<F> ExactSizeIterator for SnapshotsIter<'_, F> {}

/// Checks the count, emptiness, row counts and finiteness of the snapshots.
fn check_snapshots<F: Float>(names: &[String], matrices: &[Array2<F>]) -> Result<()> {
    validate::snapshot_matrices(
        names,
        matrices,
        "following rows across snapshots needs two or more, so pass the embeddings of at \
         least two checkpoints",
    )?;
    Ok(())
}
