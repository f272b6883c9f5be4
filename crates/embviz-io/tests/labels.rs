//! Reading class labels from `.npy` and text files, and attaching class names.

// Tests fail by panicking, so unwrap and panic are the intended way to stop.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::{digits_dir, f64_le, i32_le, npy_bytes, test_dir, write};
use embviz_core::Error;
use embviz_io::{Labels, MAX_CLASS_ID, read_label_names, read_labels};

/// Returns the `reason` of an `InvalidFile` error for `path`, failing on anything else.
fn invalid_reason<T: std::fmt::Debug>(
    result: embviz_core::Result<T>,
    path: &std::path::Path,
) -> String {
    match result {
        Err(Error::InvalidFile { path: p, reason }) => {
            assert_eq!(p, path);
            reason
        }
        other => panic!("expected InvalidFile, got {other:?}"),
    }
}

#[test]
fn digits_npy_labels() {
    let labels = read_labels(digits_dir().join("labels.npy")).unwrap();
    assert_eq!(labels.len(), 1797);
    assert_eq!(labels.n_classes(), 10);
    assert_eq!(&labels.ids()[..10], &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert_eq!(&labels.ids()[1794..], &[8, 9, 8]);
    assert_eq!(
        labels.counts(),
        vec![178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    );
    assert_eq!(
        labels.names(),
        &["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]
    );
    assert_eq!(labels.name_of(9), Some("9"));
    assert_eq!(labels.name_of(10), None);
}

#[test]
fn digits_names_file() {
    let labels = read_labels(digits_dir().join("labels.npy"))
        .unwrap()
        .with_names_file(digits_dir().join("label_names.txt"))
        .unwrap();
    assert_eq!(labels.n_classes(), 10);
    assert_eq!(labels.name_of(3), Some("3"));
}

#[test]
fn npy_ids_with_names_file() {
    let dir = test_dir("npy_ids_with_names_file");
    let path = write(
        &dir,
        "labels.npy",
        &npy_bytes(1, "<i4", false, "(4,)", &i32_le(&[2, 0, 2, 1])),
    );
    let names = write(&dir, "names.txt", b"admin\r\ndevel\r\ndoc\r\n");
    let labels = read_labels(&path).unwrap().with_names_file(&names).unwrap();
    assert_eq!(labels.ids(), &[2, 0, 2, 1]);
    assert_eq!(labels.names(), &["admin", "devel", "doc"]);
}

#[test]
fn ids_without_some_classes() {
    let dir = test_dir("ids_without_some_classes");
    let path = write(
        &dir,
        "labels.npy",
        &npy_bytes(1, "<i4", false, "(2,)", &i32_le(&[3, 0])),
    );
    let labels = read_labels(&path).unwrap();
    assert_eq!(labels.n_classes(), 4);
    assert_eq!(labels.counts(), vec![1, 0, 0, 1]);
}

#[test]
fn every_integer_dtype() {
    let dir = test_dir("every_integer_dtype");
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("|i1", vec![1, 0, 2]),
        ("|u1", vec![1, 0, 2]),
        (
            ">i2",
            [1_i16, 0, 2].iter().flat_map(|v| v.to_be_bytes()).collect(),
        ),
        (
            "<u2",
            [1_u16, 0, 2].iter().flat_map(|v| v.to_le_bytes()).collect(),
        ),
        (
            ">u4",
            [1_u32, 0, 2].iter().flat_map(|v| v.to_be_bytes()).collect(),
        ),
        (
            "<i8",
            [1_i64, 0, 2].iter().flat_map(|v| v.to_le_bytes()).collect(),
        ),
        (
            ">u8",
            [1_u64, 0, 2].iter().flat_map(|v| v.to_be_bytes()).collect(),
        ),
    ];
    for (descr, data) in cases {
        let path = write(
            &dir,
            "labels.npy",
            &npy_bytes(1, descr, false, "(3,)", &data),
        );
        let labels = read_labels(&path).unwrap();
        assert_eq!(labels.ids(), &[1, 0, 2], "{descr}");
    }
}

#[test]
fn bool_labels() {
    let dir = test_dir("bool_labels");
    let path = write(
        &dir,
        "outlier.npy",
        &npy_bytes(1, "|b1", false, "(3,)", &[0, 1, 0]),
    );
    let labels = read_labels(&path).unwrap();
    assert_eq!(labels.ids(), &[0, 1, 0]);
    assert_eq!(labels.n_classes(), 2);
}

#[test]
fn column_vector_labels() {
    let dir = test_dir("column_vector_labels");
    let path = write(
        &dir,
        "labels.npy",
        &npy_bytes(1, "<i4", false, "(3, 1)", &i32_le(&[1, 1, 0])),
    );
    assert_eq!(read_labels(&path).unwrap().ids(), &[1, 1, 0]);
}

#[test]
fn integral_float_labels() {
    let dir = test_dir("integral_float_labels");
    let path = write(
        &dir,
        "labels.npy",
        &npy_bytes(1, "<f8", false, "(3,)", &f64_le(&[2.0, 0.0, 1.0])),
    );
    assert_eq!(read_labels(&path).unwrap().ids(), &[2, 0, 1]);
}

#[test]
fn fractional_float_label() {
    let dir = test_dir("fractional_float_label");
    let path = write(
        &dir,
        "labels.npy",
        &npy_bytes(1, "<f8", false, "(3,)", &f64_le(&[2.0, 1.5, 1.0])),
    );
    let reason = invalid_reason(read_labels(&path), &path);
    assert!(reason.contains("row 1"), "{reason}");
    assert!(reason.contains("1.5"), "{reason}");
}

#[test]
fn nan_float_label() {
    let dir = test_dir("nan_float_label");
    let path = write(
        &dir,
        "labels.npy",
        &npy_bytes(1, "<f8", false, "(2,)", &f64_le(&[0.0, f64::NAN])),
    );
    let reason = invalid_reason(read_labels(&path), &path);
    assert!(reason.contains("row 1"), "{reason}");
}

#[test]
fn negative_label() {
    let dir = test_dir("negative_label");
    let path = write(
        &dir,
        "labels.npy",
        &npy_bytes(1, "<i4", false, "(3,)", &i32_le(&[0, 1, -1])),
    );
    let reason = invalid_reason(read_labels(&path), &path);
    assert!(reason.contains("row 2"), "{reason}");
    assert!(reason.contains("-1"), "{reason}");
}

#[test]
fn label_above_max_class_id() {
    let dir = test_dir("label_above_max_class_id");
    let too_large = i32::try_from(MAX_CLASS_ID + 1).unwrap();
    let path = write(
        &dir,
        "labels.npy",
        &npy_bytes(1, "<i4", false, "(2,)", &i32_le(&[0, too_large])),
    );
    let reason = invalid_reason(read_labels(&path), &path);
    assert!(reason.contains(&too_large.to_string()), "{reason}");
}

#[test]
fn complex_labels() {
    let dir = test_dir("complex_labels");
    let path = write(
        &dir,
        "labels.npy",
        &npy_bytes(1, "<c8", false, "(1,)", &[0; 8]),
    );
    match read_labels(&path) {
        Err(Error::UnsupportedDtype { dtype, .. }) => assert_eq!(dtype, "<c8"),
        other => panic!("expected UnsupportedDtype, got {other:?}"),
    }
}

#[test]
fn matrix_labels() {
    let dir = test_dir("matrix_labels");
    let path = write(
        &dir,
        "labels.npy",
        &npy_bytes(1, "<i4", false, "(2, 2)", &i32_le(&[0; 4])),
    );
    let reason = invalid_reason(read_labels(&path), &path);
    assert!(reason.contains("(2, 2)"), "{reason}");
}

#[test]
fn npy_under_other_name() {
    let dir = test_dir("npy_under_other_name");
    let path = write(
        &dir,
        "labels.bin",
        &npy_bytes(1, "<i4", false, "(2,)", &i32_le(&[1, 0])),
    );
    assert_eq!(read_labels(&path).unwrap().ids(), &[1, 0]);
}

#[test]
fn text_labels_first_appearance() {
    let dir = test_dir("text_labels_first_appearance");
    let path = write(&dir, "labels.txt", "net\ndoc\nnet\nrust\ndoc".as_bytes());
    let labels = read_labels(&path).unwrap();
    assert_eq!(labels.ids(), &[0, 1, 0, 2, 1]);
    assert_eq!(labels.names(), &["net", "doc", "rust"]);
    assert_eq!(labels.n_classes(), 3);
    assert_eq!(labels.len(), 5);
}

#[test]
fn text_labels_crlf_and_bom() {
    let dir = test_dir("text_labels_crlf_and_bom");
    let path = write(
        &dir,
        "labels.txt",
        "\u{feff}ja\r\nnein\r\nja\r\n".as_bytes(),
    );
    let labels = read_labels(&path).unwrap();
    assert_eq!(labels.ids(), &[0, 1, 0]);
    assert_eq!(labels.names(), &["ja", "nein"]);
}

#[test]
fn text_labels_empty_line() {
    let dir = test_dir("text_labels_empty_line");
    let path = write(&dir, "labels.txt", b"a\nb\n\nc\n");
    let reason = invalid_reason(read_labels(&path), &path);
    assert!(reason.contains("line 3"), "{reason}");
}

#[test]
fn text_labels_invalid_utf8() {
    let dir = test_dir("text_labels_invalid_utf8");
    let path = write(&dir, "labels.txt", b"a\nb\nc\xff\n");
    let reason = invalid_reason(read_labels(&path), &path);
    assert!(reason.contains("line 3"), "{reason}");
    assert!(reason.contains("UTF-8"), "{reason}");
}

#[test]
fn missing_label_file() {
    let path = test_dir("missing_label_file").join("labels.txt");
    match read_labels(&path) {
        Err(Error::Io { path: p, source }) => {
            assert_eq!(p, path);
            assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
        }
        other => panic!("expected Io, got {other:?}"),
    }
}

#[test]
fn names_file_too_short() {
    let dir = test_dir("names_file_too_short");
    let names: String = (0..9).map(|i| format!("class {i}\n")).collect();
    let names_path = write(&dir, "label_names.txt", names.as_bytes());
    let labels = read_labels(digits_dir().join("labels.npy")).unwrap();
    let reason = invalid_reason(labels.with_names_file(&names_path), &names_path);
    assert!(reason.contains("9 names"), "{reason}");
    assert!(reason.contains("at least 10"), "{reason}");
}

#[test]
fn names_file_empty_line() {
    let dir = test_dir("names_file_empty_line");
    let path = write(&dir, "label_names.txt", b"zero\n\ntwo\n");
    let reason = invalid_reason(read_label_names(&path), &path);
    assert!(reason.contains("line 2"), "{reason}");
}

#[test]
fn names_vec_too_short() {
    let labels = Labels::from_ids(vec![0, 2, 1]).unwrap();
    match labels.with_names(["a", "b"]) {
        Err(Error::ShapeMismatch {
            what,
            expected,
            found,
        }) => {
            assert_eq!(what, "label names");
            assert!(expected.contains("at least 3"), "{expected}");
            assert_eq!(found, "2 names");
        }
        other => panic!("expected ShapeMismatch, got {other:?}"),
    }
}

#[test]
fn names_vec_longer_adds_classes() {
    let labels = Labels::from_ids(vec![0, 1])
        .unwrap()
        .with_names(["a", "b", "c"])
        .unwrap();
    assert_eq!(labels.n_classes(), 3);
    assert_eq!(labels.counts(), vec![1, 1, 0]);
}

#[test]
fn from_ids_above_max_class_id() {
    match Labels::from_ids(vec![0, MAX_CLASS_ID + 1]) {
        Err(Error::InvalidParameter { name, value, .. }) => {
            assert_eq!(name, "labels");
            assert_eq!(value, format!("{} at row 1", MAX_CLASS_ID + 1));
        }
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
}

#[test]
fn empty_labels() {
    let labels = Labels::from_ids(Vec::new()).unwrap();
    assert!(labels.is_empty());
    assert_eq!(labels.n_classes(), 0);
}
