//! Building and reading [`Snapshots`] sequences, and the error for each invalid input.

// Tests fail by panicking, so unwrap and panic are the intended way to stop.
#![allow(clippy::unwrap_used, clippy::panic)]

use embviz_core::{Error, Snapshots};
use ndarray::{Array2, array};

/// Returns three snapshots of 3 rows: 2, 2 and 4 columns.
fn three_epochs() -> Snapshots<f64> {
    Snapshots::new(vec![
        ("epoch_0", array![[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]),
        ("epoch_1", array![[0.5, 0.5], [0.0, 2.0], [1.0, 1.0]]),
        (
            "epoch_2",
            array![
                [1.0, 0.0, 0.0, 0.0],
                [0.0, 1.0, 0.0, 0.0],
                [0.0, 0.0, 1.0, 1.0]
            ],
        ),
    ])
    .unwrap()
}

/// Returns the error wrapped by an [`Error::InSnapshot`], after checking the name.
fn inner_error(error: Error, expected_name: &str) -> Error {
    match error {
        Error::InSnapshot { name, source } => {
            assert_eq!(name, expected_name);
            *source
        }
        other => panic!("expected InSnapshot, got {other:?}"),
    }
}

#[test]
fn accessors_follow_input_order() {
    let snapshots = three_epochs();
    assert_eq!(snapshots.len(), 3);
    assert_eq!(snapshots.n_rows(), 3);
    assert_eq!(snapshots.n_cols(), vec![2, 2, 4]);
    assert_eq!(snapshots.names(), ["epoch_0", "epoch_1", "epoch_2"]);
    assert_eq!(snapshots.matrices().len(), 3);
    assert_eq!(snapshots.matrices()[1][[1, 1]], 2.0);
    assert!(!snapshots.same_dimension());

    let (name, matrix) = snapshots.get(2).unwrap();
    assert_eq!(name, "epoch_2");
    assert_eq!(matrix.dim(), (3, 4));
    assert!(snapshots.get(3).is_none());
}

#[test]
fn iteration_yields_name_matrix_pairs() {
    let snapshots = three_epochs();
    let iter = snapshots.iter();
    assert_eq!(iter.len(), 3);
    let visited: Vec<(String, usize)> = iter
        .map(|(name, matrix)| (name.to_owned(), matrix.ncols()))
        .collect();
    assert_eq!(
        visited,
        vec![
            ("epoch_0".to_owned(), 2),
            ("epoch_1".to_owned(), 2),
            ("epoch_2".to_owned(), 4)
        ]
    );

    let mut first_values = Vec::new();
    for (_, matrix) in &snapshots {
        first_values.push(matrix[[0, 0]]);
    }
    assert_eq!(first_values, vec![1.0, 0.5, 1.0]);
}

#[test]
fn matrices_get_position_names() {
    let snapshots =
        Snapshots::from_matrices([Array2::<f32>::zeros((4, 3)), Array2::ones((4, 3))]).unwrap();
    assert_eq!(snapshots.names(), ["0", "1"]);
    assert!(snapshots.same_dimension());
    let (names, matrices) = snapshots.into_parts();
    assert_eq!(names.len(), 2);
    assert_eq!(matrices[1].sum(), 12.0);
}

#[test]
fn one_snapshot_is_rejected() {
    let error = Snapshots::from_matrices([array![[1.0_f32, 2.0]]]).unwrap_err();
    match &error {
        Error::InvalidParameter { name, value, .. } => {
            assert_eq!(*name, "snapshots");
            assert_eq!(value, "1 snapshot");
        }
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
    assert!(error.to_string().contains("needs two or more"));
}

#[test]
fn no_snapshot_is_rejected() {
    let error = Snapshots::<f64>::from_matrices([]).unwrap_err();
    assert!(matches!(
        error,
        Error::InvalidParameter { name: "snapshots", ref value, .. } if value == "0 snapshots"
    ));
}

#[test]
fn empty_matrix_is_rejected() {
    let error = Snapshots::new(vec![
        ("a", array![[1.0_f64, 2.0]]),
        ("b", Array2::zeros((1, 0))),
    ])
    .unwrap_err();
    match inner_error(error, "b") {
        Error::EmptyInput { n_rows, n_cols, .. } => assert_eq!((n_rows, n_cols), (1, 0)),
        other => panic!("expected EmptyInput, got {other:?}"),
    }
}

#[test]
fn row_count_mismatch_names_both_counts() {
    let error = Snapshots::new(vec![
        ("epoch_00", Array2::<f32>::zeros((5, 2))),
        ("epoch_01", Array2::zeros((5, 3))),
        ("epoch_02", Array2::zeros((4, 2))),
    ])
    .unwrap_err();
    let message = error.to_string();
    match inner_error(error, "epoch_02") {
        Error::ShapeMismatch {
            expected, found, ..
        } => {
            assert!(expected.starts_with("5 rows"), "{expected}");
            assert!(expected.contains("epoch_00"), "{expected}");
            assert_eq!(found, "4 rows");
        }
        other => panic!("expected ShapeMismatch, got {other:?}"),
    }
    assert!(message.starts_with("snapshot epoch_02: "), "{message}");
}

#[test]
fn nan_names_snapshot_row_and_column() {
    let mut last = Array2::<f64>::zeros((4, 3));
    last[[2, 1]] = f64::NAN;
    let error =
        Snapshots::new(vec![("epoch_0", Array2::zeros((4, 3))), ("epoch_1", last)]).unwrap_err();
    assert_eq!(
        error.to_string(),
        "snapshot epoch_1: embedding matrix contains NaN at row 2, column 1: remove or impute \
         non-finite values"
    );
    match inner_error(error, "epoch_1") {
        Error::NonFinite {
            row, column, value, ..
        } => {
            assert_eq!((row, column), (2, 1));
            assert!(value.is_nan());
        }
        other => panic!("expected NonFinite, got {other:?}"),
    }
}

#[test]
fn infinity_in_first_snapshot_is_found() {
    let mut first = Array2::<f32>::ones((2, 2));
    first[[0, 1]] = f32::NEG_INFINITY;
    let error = Snapshots::from_matrices([first, Array2::ones((2, 2))]).unwrap_err();
    assert!(matches!(
        inner_error(error, "0"),
        Error::NonFinite { row: 0, column: 1, value, .. } if value == f64::NEG_INFINITY
    ));
}
