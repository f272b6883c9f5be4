//! Input checks that every `fit` and `transform` runs before computing.

use ndarray::{ArrayView2, CowArray, Ix2};

use crate::{Error, Float, Matrix, Result};

/// Converts `x` to row-contiguous form and checks that it is not empty and holds only
/// finite values. `what` names the input in error messages (`"X"`).
///
/// # Errors
///
/// [`Error::RaggedRows`], [`Error::EmptyInput`] or [`Error::NonFinite`].
pub fn input_matrix<'a, F: Float>(
    what: &'static str,
    x: &'a impl Matrix<F>,
) -> Result<CowArray<'a, F, Ix2>> {
    let rows = x.to_rows()?;
    non_empty(what, &rows.view())?;
    finite(what, &rows.view())?;
    Ok(rows)
}

/// Checks that `x` has at least one row and one column.
///
/// # Errors
///
/// [`Error::EmptyInput`].
pub fn non_empty<F>(what: &'static str, x: &ArrayView2<'_, F>) -> Result<()> {
    let (n_rows, n_cols) = x.dim();
    if n_rows == 0 || n_cols == 0 {
        return Err(Error::EmptyInput {
            what,
            n_rows,
            n_cols,
        });
    }
    Ok(())
}

/// Checks that every value of `x` is finite, reporting the first offender in row order.
///
/// # Errors
///
/// [`Error::NonFinite`].
pub fn finite<F: Float>(what: &'static str, x: &ArrayView2<'_, F>) -> Result<()> {
    for (row, values) in x.outer_iter().enumerate() {
        if values.iter().all(|v| v.is_finite()) {
            continue;
        }
        if let Some((column, value)) = values.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            return Err(Error::NonFinite {
                what,
                row,
                column,
                value: value.to_f64_exact(),
            });
        }
    }
    Ok(())
}

/// Checks that `x` has at least `required` rows.
///
/// # Errors
///
/// [`Error::TooFewSamples`], with `reason` as the explanation.
pub fn min_rows<F>(
    what: &'static str,
    x: &ArrayView2<'_, F>,
    required: usize,
    reason: &'static str,
) -> Result<()> {
    let n_samples = x.nrows();
    if n_samples < required {
        return Err(Error::TooFewSamples {
            what,
            n_samples,
            required,
            reason,
        });
    }
    Ok(())
}

/// Checks that no row of `x` is all zeros, as the cosine metric needs.
///
/// # Errors
///
/// [`Error::ZeroVector`] naming the first such row.
pub fn no_zero_rows<F: Float>(what: &'static str, x: &ArrayView2<'_, F>) -> Result<()> {
    match x
        .outer_iter()
        .position(|row| row.iter().all(|v| *v == F::zero()))
    {
        Some(row) => Err(Error::ZeroVector { what, row }),
        None => Ok(()),
    }
}

/// Checks that `x` has `expected` columns, as a fitted model needs at `transform`.
///
/// # Errors
///
/// [`Error::ShapeMismatch`].
pub fn n_columns<F>(what: &'static str, x: &ArrayView2<'_, F>, expected: usize) -> Result<()> {
    if x.ncols() != expected {
        return Err(Error::ShapeMismatch {
            what,
            expected: format!("{expected} columns, as in the data the model was fitted on"),
            found: format!("{} columns", x.ncols()),
        });
    }
    Ok(())
}

/// Name of one snapshot's matrix in the errors that [`Error::InSnapshot`] wraps.
pub const SNAPSHOT_MATRIX: &str = "embedding matrix";

/// Converts a sequence of snapshots to row-contiguous form and checks it: at least two
/// snapshots, each non-empty and finite, all with the row count of the first. `names` has
/// one name per snapshot, and `too_few` explains why two are needed and what to do instead.
///
/// # Errors
///
/// - [`Error::InvalidParameter`] (`snapshots`) for fewer than two snapshots, with the
///   count as `"1 snapshot"` or `"0 snapshots"`.
/// - [`Error::InSnapshot`] naming the first invalid snapshot, around
///   [`Error::RaggedRows`], [`Error::EmptyInput`] or [`Error::NonFinite`] (with the row and
///   column within that snapshot), or around [`Error::ShapeMismatch`] for a row count that
///   differs from the first snapshot's.
pub fn snapshot_matrices<'a, F: Float, M: Matrix<F>>(
    names: &[String],
    snapshots: &'a [M],
    too_few: &str,
) -> Result<Vec<CowArray<'a, F, Ix2>>> {
    debug_assert_eq!(names.len(), snapshots.len(), "one name per snapshot");
    if snapshots.len() < 2 {
        let count = match snapshots.len() {
            1 => "1 snapshot".to_owned(),
            n => format!("{n} snapshots"),
        };
        return Err(Error::invalid_parameter("snapshots", count, too_few));
    }

    let mut matrices = Vec::with_capacity(snapshots.len());
    for (name, snapshot) in names.iter().zip(snapshots) {
        let x = input_matrix(SNAPSHOT_MATRIX, snapshot).map_err(|e| e.in_snapshot(name))?;
        if let Some(first) = matrices
            .first()
            .map(|first: &CowArray<'a, F, Ix2>| first.nrows())
            && x.nrows() != first
        {
            let error = Error::ShapeMismatch {
                what: SNAPSHOT_MATRIX,
                expected: format!(
                    "{first} rows, as in the first snapshot {}, with row i the same item in \
                     every snapshot",
                    names[0]
                ),
                found: format!("{} rows", x.nrows()),
            };
            return Err(error.in_snapshot(name));
        }
        matrices.push(x);
    }
    Ok(matrices)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array2, array};

    #[test]
    fn empty_matrix_is_rejected() {
        let x = Array2::<f32>::zeros((0, 3));
        match input_matrix("X", &x) {
            Err(Error::EmptyInput { n_rows, n_cols, .. }) => {
                assert_eq!((n_rows, n_cols), (0, 3));
            }
            other => panic!("expected EmptyInput, got {other:?}"),
        }
        let no_columns = Array2::<f64>::zeros((4, 0));
        assert!(matches!(
            input_matrix("X", &no_columns),
            Err(Error::EmptyInput {
                n_rows: 4,
                n_cols: 0,
                ..
            })
        ));
    }

    #[test]
    fn nan_and_inf_are_located() {
        let mut x = Array2::<f64>::zeros((3, 4));
        x[[2, 1]] = f64::INFINITY;
        x[[1, 3]] = f64::NAN;
        match input_matrix("X", &x) {
            Err(Error::NonFinite {
                row, column, value, ..
            }) => {
                assert_eq!((row, column), (1, 3));
                assert!(value.is_nan());
            }
            other => panic!("expected NonFinite, got {other:?}"),
        }
        x[[1, 3]] = 0.0;
        assert!(matches!(
            input_matrix("X", &x),
            Err(Error::NonFinite {
                row: 2,
                column: 1,
                value,
                ..
            }) if value == f64::INFINITY
        ));
    }

    #[test]
    fn zero_rows_and_width_are_checked() {
        let x = array![[1.0_f32, 0.0], [0.0, 0.0]];
        assert!(matches!(
            no_zero_rows("X", &x.view()),
            Err(Error::ZeroVector { row: 1, .. })
        ));
        assert!(n_columns("X", &x.view(), 2).is_ok());
        assert!(matches!(
            n_columns("X", &x.view(), 3),
            Err(Error::ShapeMismatch { .. })
        ));
        assert!(matches!(
            min_rows("X", &x.view(), 3, "a test needs three"),
            Err(Error::TooFewSamples {
                n_samples: 2,
                required: 3,
                ..
            })
        ));
    }

    #[test]
    fn messages_name_value_and_fix() {
        let x = array![[1.0_f32, f32::NAN]];
        let message = input_matrix("X", &x)
            .expect_err("NaN is invalid")
            .to_string();
        assert_eq!(
            message,
            "X contains NaN at row 0, column 1: remove or impute non-finite values"
        );
    }
}
