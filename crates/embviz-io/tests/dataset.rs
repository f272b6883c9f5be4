//! Reading dataset folders.

// Tests fail by panicking, so unwrap and panic are the intended way to stop.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::io::ErrorKind;

use common::{digits_dir, f32_le, i32_le, npy_bytes, test_dir, write};
use embviz_core::Error;
use embviz_io::{Dataset, Labels, read_dataset_dir};
use ndarray::array;

/// Writes a 3 x 2 `X.npy` into `dir`.
fn write_x(dir: &std::path::Path) {
    let data = f32_le(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    write(dir, "X.npy", &npy_bytes(1, "<f4", false, "(3, 2)", &data));
}

#[test]
fn digits_folder() {
    let dataset = read_dataset_dir::<f32>(digits_dir()).unwrap();
    assert_eq!(dataset.x().dim(), (1797, 64));
    assert_eq!(dataset.n_samples(), 1797);
    let labels = dataset.labels().unwrap();
    assert_eq!(labels.len(), 1797);
    assert_eq!(labels.n_classes(), 10);
    assert_eq!(labels.name_of(7), Some("7"));
    assert!(dataset.texts().is_none());
}

#[test]
fn folder_with_every_file() {
    let dir = test_dir("folder_with_every_file");
    write_x(&dir);
    write(
        &dir,
        "labels.npy",
        &npy_bytes(1, "<i4", false, "(3,)", &i32_le(&[1, 0, 1])),
    );
    write(&dir, "label_names.txt", b"games\nmath\n");
    write(&dir, "texts.txt", b"chess engine\n\nsolver\n");

    let dataset = read_dataset_dir::<f64>(&dir).unwrap();
    assert_eq!(dataset.x(), &array![[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]);
    let labels = dataset.labels().unwrap();
    assert_eq!(labels.ids(), &[1, 0, 1]);
    assert_eq!(labels.names(), &["games", "math"]);
    // An empty text is a valid row.
    assert_eq!(dataset.texts().unwrap(), &["chess engine", "", "solver"]);
}

#[test]
fn folder_with_only_x() {
    let dir = test_dir("folder_with_only_x");
    write_x(&dir);
    let dataset = read_dataset_dir::<f32>(&dir).unwrap();
    assert_eq!(dataset.n_samples(), 3);
    assert!(dataset.labels().is_none());
    assert!(dataset.texts().is_none());
}

#[test]
fn names_without_labels_are_ignored() {
    let dir = test_dir("names_without_labels_are_ignored");
    write_x(&dir);
    write(&dir, "label_names.txt", b"a\nb\n");
    let dataset = read_dataset_dir::<f32>(&dir).unwrap();
    assert!(dataset.labels().is_none());
}

#[test]
fn label_count_mismatch() {
    let dir = test_dir("label_count_mismatch");
    write_x(&dir);
    write(
        &dir,
        "labels.npy",
        &npy_bytes(1, "<i4", false, "(4,)", &i32_le(&[0, 1, 0, 1])),
    );
    match read_dataset_dir::<f32>(&dir) {
        Err(Error::ShapeMismatch {
            what,
            expected,
            found,
        }) => {
            assert_eq!(what, "labels");
            assert!(expected.starts_with("3 rows"), "{expected}");
            assert_eq!(found, "4 rows");
        }
        other => panic!("expected ShapeMismatch, got {other:?}"),
    }
}

#[test]
fn text_count_mismatch() {
    let dir = test_dir("text_count_mismatch");
    write_x(&dir);
    write(&dir, "texts.txt", b"one\ntwo\n");
    match read_dataset_dir::<f32>(&dir) {
        Err(Error::ShapeMismatch {
            what,
            expected,
            found,
        }) => {
            assert_eq!(what, "texts");
            assert!(expected.starts_with("3 rows"), "{expected}");
            assert_eq!(found, "2 rows");
        }
        other => panic!("expected ShapeMismatch, got {other:?}"),
    }
}

#[test]
fn names_file_too_short() {
    let dir = test_dir("dataset_names_file_too_short");
    write_x(&dir);
    write(
        &dir,
        "labels.npy",
        &npy_bytes(1, "<i4", false, "(3,)", &i32_le(&[0, 2, 1])),
    );
    let names = write(&dir, "label_names.txt", b"a\nb\n");
    match read_dataset_dir::<f32>(&dir) {
        Err(Error::InvalidFile { path, reason }) => {
            assert_eq!(path, names);
            assert!(reason.contains("2 names"), "{reason}");
        }
        other => panic!("expected InvalidFile, got {other:?}"),
    }
}

#[test]
fn missing_x() {
    let dir = test_dir("missing_x");
    write(
        &dir,
        "labels.npy",
        &npy_bytes(1, "<i4", false, "(1,)", &i32_le(&[0])),
    );
    let error = read_dataset_dir::<f32>(&dir).unwrap_err();
    let message = error.to_string();
    match error {
        Error::Io { path, source } => {
            assert_eq!(path, dir.join("X.npy"));
            assert_eq!(source.kind(), ErrorKind::NotFound);
        }
        other => panic!("expected Io, got {other:?}"),
    }
    assert!(
        message.contains(&format!("dataset folder {} has no X.npy", dir.display())),
        "{message}"
    );
}

#[test]
fn missing_folder() {
    let dir = test_dir("missing_folder").join("absent");
    match read_dataset_dir::<f32>(&dir) {
        Err(Error::Io { path, source }) => {
            assert_eq!(path, dir);
            assert_eq!(source.kind(), ErrorKind::NotFound);
        }
        other => panic!("expected Io, got {other:?}"),
    }
}

#[test]
fn folder_is_a_file() {
    let dir = test_dir("folder_is_a_file");
    let file = write(&dir, "X.npy", b"");
    match read_dataset_dir::<f32>(&file) {
        Err(Error::Io { path, source }) => {
            assert_eq!(path, file);
            assert_eq!(source.kind(), ErrorKind::NotADirectory);
        }
        other => panic!("expected Io, got {other:?}"),
    }
}

#[test]
fn new_checks_rows() {
    let labels = Labels::from_strings(["a", "b", "a"]);
    match Dataset::new(array![[0.0_f32], [1.0]], Some(labels), None) {
        Err(Error::ShapeMismatch { what, found, .. }) => {
            assert_eq!(what, "labels");
            assert_eq!(found, "3 rows");
        }
        other => panic!("expected ShapeMismatch, got {other:?}"),
    }
}

#[test]
fn into_parts_returns_inputs() {
    let texts = vec!["x".to_owned(), "y".to_owned()];
    let dataset = Dataset::new(array![[0.0_f64], [1.0]], None, Some(texts.clone())).unwrap();
    let (x, labels, parts_texts) = dataset.into_parts();
    assert_eq!(x, array![[0.0], [1.0]]);
    assert!(labels.is_none());
    assert_eq!(parts_texts, Some(texts));
}

#[test]
fn outlier_flags_are_read() {
    let dir = test_dir("outlier_flags_are_read");
    write_x(&dir);
    write(
        &dir,
        "outlier.npy",
        &npy_bytes(1, "|i1", false, "(3,)", &[0, 1, 0]),
    );
    let dataset = read_dataset_dir::<f32>(&dir).unwrap();
    assert_eq!(dataset.outliers(), Some(&[false, true, false][..]));
}

#[test]
fn outlier_count_mismatch() {
    let dir = test_dir("outlier_count_mismatch");
    write_x(&dir);
    write(
        &dir,
        "outlier.npy",
        &npy_bytes(1, "|b1", false, "(2,)", &[0, 1]),
    );
    match read_dataset_dir::<f32>(&dir) {
        Err(Error::ShapeMismatch { what, found, .. }) => {
            assert_eq!(what, "outliers");
            assert_eq!(found, "2 rows");
        }
        other => panic!("expected ShapeMismatch, got {other:?}"),
    }
}
