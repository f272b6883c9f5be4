//! Reading snapshot folders and lists of snapshot files.

// Tests fail by panicking, so unwrap and panic are the intended way to stop.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use common::test_dir;
use embviz_core::Error;
use embviz_io::{
    read_snapshot_files, read_snapshots, read_snapshots_with_prefix, write_npy, write_npy_ids,
    write_npy_vector,
};
use ndarray::{Array1, Array2};

/// Writes a `n_rows x 2` snapshot whose every value is `marker`, and returns its path.
fn write_snapshot(dir: &Path, name: &str, n_rows: usize, marker: f32) -> PathBuf {
    let path = dir.join(name);
    write_npy(&path, &Array2::from_elem((n_rows, 2), marker).view()).unwrap();
    path
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
fn files_sorted_in_natural_order() {
    let dir = test_dir("files_sorted_in_natural_order");
    write_snapshot(&dir, "epoch_10.npy", 3, 10.0);
    write_snapshot(&dir, "epoch_2.npy", 3, 2.0);
    write_snapshot(&dir, "epoch_0.npy", 3, 0.0);
    write_snapshot(&dir, "epoch_1.npy", 3, 1.0);

    let snapshots = read_snapshots::<f32>(&dir).unwrap();
    assert_eq!(
        snapshots.names(),
        ["epoch_0", "epoch_1", "epoch_2", "epoch_10"]
    );
    let markers: Vec<f32> = snapshots.matrices().iter().map(|m| m[[2, 1]]).collect();
    assert_eq!(markers, vec![0.0, 1.0, 2.0, 10.0]);
}

#[test]
fn zero_padded_numbers_sort_by_value() {
    let dir = test_dir("zero_padded_numbers_sort_by_value");
    write_snapshot(&dir, "step_0200.npy", 2, 200.0);
    write_snapshot(&dir, "step_1000.npy", 2, 1000.0);
    write_snapshot(&dir, "step_0010.npy", 2, 10.0);

    let snapshots = read_snapshots::<f64>(&dir).unwrap();
    assert_eq!(snapshots.names(), ["step_0010", "step_0200", "step_1000"]);
    assert_eq!(snapshots.matrices()[2][[0, 0]], 1000.0);
}

#[test]
fn unnumbered_files_are_ignored() {
    let dir = test_dir("unnumbered_files_are_ignored");
    write_snapshot(&dir, "epoch_00.npy", 4, 0.0);
    write_snapshot(&dir, "epoch_01.npy", 4, 1.0);
    // The layout of a dataset folder beside the snapshots, with other row counts so that
    // reading any of them would fail.
    write_snapshot(&dir, "X.npy", 5, 1.0);
    write_npy_ids(dir.join("labels.npy"), &[0, 1, 0, 1]).unwrap();
    write_npy_ids(dir.join("train_labels.npy"), &[0, 1, 1]).unwrap();
    std::fs::write(dir.join("texts.txt"), "a\nb\nc\nd\n").unwrap();
    std::fs::write(dir.join("epoch_02.txt"), "not a snapshot").unwrap();
    std::fs::create_dir_all(dir.join("epoch_03.npy")).unwrap();

    let snapshots = read_snapshots::<f32>(&dir).unwrap();
    assert_eq!(snapshots.names(), ["epoch_00", "epoch_01"]);
    assert_eq!(snapshots.n_rows(), 4);
}

#[test]
fn mixed_prefixes_ask_for_one() {
    let dir = test_dir("mixed_prefixes_ask_for_one");
    write_snapshot(&dir, "epoch_1.npy", 3, 1.0);
    write_snapshot(&dir, "epoch_2.npy", 3, 2.0);
    write_snapshot(&dir, "step_100.npy", 3, 100.0);
    write_snapshot(&dir, "step_200.npy", 3, 200.0);
    write_snapshot(&dir, "step_300.npy", 3, 300.0);

    match read_snapshots::<f32>(&dir).unwrap_err() {
        Error::InvalidParameter { name, expected, .. } => {
            assert_eq!(name, "prefix");
            assert!(expected.contains("'epoch_' (2 files)"), "{expected}");
            assert!(expected.contains("'step_' (3 files)"), "{expected}");
            assert!(
                expected.contains("read_snapshots_with_prefix"),
                "{expected}"
            );
        }
        other => panic!("expected InvalidParameter, got {other:?}"),
    }

    let epochs = read_snapshots_with_prefix::<f32>(&dir, "epoch_").unwrap();
    assert_eq!(epochs.names(), ["epoch_1", "epoch_2"]);
    let steps = read_snapshots_with_prefix::<f32>(&dir, "step_").unwrap();
    assert_eq!(steps.names(), ["step_100", "step_200", "step_300"]);
}

#[test]
fn unknown_prefix_lists_found_ones() {
    let dir = test_dir("unknown_prefix_lists_found_ones");
    write_snapshot(&dir, "epoch_1.npy", 3, 1.0);
    write_snapshot(&dir, "epoch_2.npy", 3, 2.0);

    let error = read_snapshots_with_prefix::<f32>(&dir, "step_").unwrap_err();
    let message = error.to_string();
    match error {
        Error::InvalidParameter { name, value, .. } => {
            assert_eq!((name, value.as_str()), ("prefix", "'step_'"));
        }
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
    assert!(message.contains(&dir.display().to_string()), "{message}");
    assert!(message.contains("step_<number>.npy"), "{message}");
    assert!(message.contains("'epoch_'"), "{message}");
}

#[test]
fn folder_without_snapshots() {
    let dir = test_dir("folder_without_snapshots");
    write_snapshot(&dir, "X.npy", 3, 1.0);

    let error = read_snapshots::<f32>(&dir).unwrap_err();
    let message = error.to_string();
    match error {
        Error::InvalidParameter { name, value, .. } => {
            assert_eq!(name, "dir");
            assert_eq!(value, dir.display().to_string());
        }
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
    assert!(message.starts_with("invalid dir = "), "{message}");
    assert!(message.contains("no snapshot files"), "{message}");
    assert!(message.contains("<prefix><number>.npy"), "{message}");
}

#[test]
fn missing_folder_is_io_error() {
    let dir = test_dir("missing_folder_is_io_error").join("absent");
    match read_snapshots::<f32>(&dir).unwrap_err() {
        Error::Io { path, source } => {
            assert_eq!(path, dir);
            assert_eq!(source.kind(), ErrorKind::NotFound);
        }
        other => panic!("expected Io, got {other:?}"),
    }
}

#[test]
fn single_snapshot_is_rejected() {
    let dir = test_dir("single_snapshot_is_rejected");
    write_snapshot(&dir, "epoch_0.npy", 3, 0.0);
    write_snapshot(&dir, "X.npy", 3, 0.0);

    match read_snapshots::<f32>(&dir).unwrap_err() {
        Error::InvalidParameter {
            name,
            value,
            expected,
        } => {
            assert_eq!(name, "snapshots");
            assert_eq!(value, "1 snapshot");
            assert!(expected.contains("epoch_0.npy"), "{expected}");
        }
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
}

#[test]
fn same_number_twice_is_ambiguous() {
    let dir = test_dir("same_number_twice_is_ambiguous");
    write_snapshot(&dir, "epoch_1.npy", 3, 1.0);
    write_snapshot(&dir, "epoch_01.npy", 3, 1.0);
    write_snapshot(&dir, "epoch_2.npy", 3, 2.0);

    match read_snapshots::<f32>(&dir).unwrap_err() {
        Error::InvalidFile { path, reason } => {
            // Equal numbers are ordered by stem, and "epoch_01" sorts before "epoch_1".
            assert_eq!(path, dir.join("epoch_1.npy"));
            assert!(reason.contains("epoch_01.npy"), "{reason}");
        }
        other => panic!("expected InvalidFile, got {other:?}"),
    }
}

#[test]
fn mismatched_rows_name_snapshot() {
    let dir = test_dir("mismatched_rows_name_snapshot");
    write_snapshot(&dir, "epoch_0.npy", 5, 0.0);
    write_snapshot(&dir, "epoch_1.npy", 5, 1.0);
    write_snapshot(&dir, "epoch_2.npy", 4, 2.0);

    let error = read_snapshots::<f32>(&dir).unwrap_err();
    match inner_error(error, "epoch_2") {
        Error::ShapeMismatch {
            expected, found, ..
        } => {
            assert!(expected.starts_with("5 rows"), "{expected}");
            assert!(expected.contains("epoch_0"), "{expected}");
            assert_eq!(found, "4 rows");
        }
        other => panic!("expected ShapeMismatch, got {other:?}"),
    }
}

#[test]
fn nan_names_snapshot_and_row() {
    let dir = test_dir("nan_names_snapshot_and_row");
    write_snapshot(&dir, "epoch_0.npy", 4, 0.0);
    let mut values = Array2::<f32>::zeros((4, 2));
    values[[3, 1]] = f32::NAN;
    write_npy(dir.join("epoch_1.npy"), &values.view()).unwrap();

    let error = read_snapshots::<f32>(&dir).unwrap_err();
    let message = error.to_string();
    let in_file = match inner_error(error, "epoch_1") {
        Error::InFile { path, source } => {
            assert_eq!(path, dir.join("epoch_1.npy"));
            *source
        }
        other => panic!("expected InFile, got {other:?}"),
    };
    match in_file {
        Error::NonFinite {
            row, column, value, ..
        } => {
            assert_eq!((row, column), (3, 1));
            assert!(value.is_nan());
        }
        other => panic!("expected NonFinite, got {other:?}"),
    }
    assert!(message.contains("epoch_1.npy: "), "{message}");
    assert!(message.starts_with("snapshot epoch_1: "), "{message}");
    assert!(message.contains("row 3, column 1"), "{message}");
}

#[test]
fn truncated_file_is_named() {
    let dir = test_dir("truncated_file_is_named");
    write_snapshot(&dir, "epoch_0.npy", 4, 0.0);
    let truncated = write_snapshot(&dir, "epoch_1.npy", 4, 1.0);
    let bytes = std::fs::read(&truncated).unwrap();
    std::fs::write(&truncated, &bytes[..bytes.len() - 5]).unwrap();

    let error = read_snapshots::<f32>(&dir).unwrap_err();
    match inner_error(error, "epoch_1") {
        Error::InvalidFile { path, reason } => {
            assert_eq!(path, truncated);
            assert!(reason.contains("truncated"), "{reason}");
        }
        other => panic!("expected InvalidFile, got {other:?}"),
    }
}

#[test]
fn vector_file_is_rejected() {
    let dir = test_dir("vector_file_is_rejected");
    write_snapshot(&dir, "epoch_0.npy", 3, 0.0);
    let vector = dir.join("epoch_1.npy");
    write_npy_vector(&vector, &Array1::<f32>::zeros(3).view()).unwrap();

    let error = read_snapshots::<f32>(&dir).unwrap_err();
    match inner_error(error, "epoch_1") {
        Error::InvalidFile { path, .. } => assert_eq!(path, vector),
        other => panic!("expected InvalidFile, got {other:?}"),
    }
}

#[test]
fn explicit_files_keep_given_order() {
    let dir = test_dir("explicit_files_keep_given_order");
    let tuned = write_snapshot(&dir, "tuned.npy", 3, 2.0);
    let base = dir.join("base.npy");
    write_npy(&base, &Array2::<f32>::ones((3, 5)).view()).unwrap();

    let snapshots = read_snapshot_files::<f64>([&tuned, &base]).unwrap();
    assert_eq!(snapshots.names(), ["tuned", "base"]);
    assert_eq!(snapshots.n_cols(), vec![2, 5]);
    assert_eq!(snapshots.matrices()[0][[1, 1]], 2.0);
}

#[test]
fn explicit_missing_file_is_named() {
    let dir = test_dir("explicit_missing_file_is_named");
    let present = write_snapshot(&dir, "epoch_0.npy", 3, 0.0);
    let absent = dir.join("epoch_1.npy");

    let error = read_snapshot_files::<f32>([&present, &absent]).unwrap_err();
    match inner_error(error, "epoch_1") {
        Error::Io { path, source } => {
            assert_eq!(path, absent);
            assert_eq!(source.kind(), ErrorKind::NotFound);
        }
        other => panic!("expected Io, got {other:?}"),
    }
}

#[test]
fn bundled_finetune_folder() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/finetune_small");
    let snapshots = read_snapshots::<f32>(&dir).unwrap();
    // X.npy and labels.npy sit beside the epochs and are left out.
    assert_eq!(
        snapshots.names(),
        ["epoch_00", "epoch_01", "epoch_02", "epoch_03", "epoch_04"]
    );
    assert_eq!(snapshots.n_rows(), 360);
    assert!(snapshots.same_dimension());
    assert_eq!(snapshots.n_cols(), vec![384; 5]);
}

/// Reads the fine-tuning snapshots of `$EMBVIZ_DATA/finetune_snapshots`, whose `X.npy`,
/// `labels.npy` and `train_labels.npy` must be left out.
#[test]
fn finetune_snapshots_folder() {
    let Some(root) = std::env::var_os("EMBVIZ_DATA") else {
        eprintln!("skipped: set EMBVIZ_DATA to the folder of the shared data sets to run it");
        return;
    };
    let dir = PathBuf::from(root).join("finetune_snapshots");
    let snapshots = read_snapshots::<f32>(&dir).unwrap();
    assert_eq!(
        snapshots.names(),
        ["epoch_00", "epoch_01", "epoch_02", "epoch_03", "epoch_04"]
    );
    assert_eq!(snapshots.n_rows(), 2000);
    assert_eq!(snapshots.n_cols(), vec![384; 5]);

    // X.npy is a copy of the last epoch.
    let x = embviz_io::read_npy::<f32>(dir.join("X.npy")).unwrap();
    assert_eq!(&x, &snapshots.matrices()[4]);
    let norm = snapshots.matrices()[0]
        .row(0)
        .iter()
        .map(|v| v * v)
        .sum::<f32>()
        .sqrt();
    assert!(
        (norm - 1.0).abs() < 1e-5,
        "row 0 of epoch_00 has norm {norm}"
    );
}
