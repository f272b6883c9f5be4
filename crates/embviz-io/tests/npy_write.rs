//! Writing `.npy` files: exact bytes, round trips and folder creation.

// Tests fail by panicking, so unwrap and panic are the intended way to stop.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::{digits_dir, npy_bytes, test_dir};
use embviz_core::Error;
use embviz_io::{read_npy, read_npy_vector, write_npy, write_npy_vector};
use ndarray::{Array2, array, s};

#[test]
fn bytes_match_numpy_layout() {
    let dir = test_dir("bytes_match_numpy_layout");
    let path = dir.join("x.npy");
    write_npy(
        &path,
        &array![[1.0_f64, -2.0, 0.5], [4.0, 1e-300, 6.0]].view(),
    )
    .unwrap();

    let data: Vec<u8> = [1.0_f64, -2.0, 0.5, 4.0, 1e-300, 6.0]
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect();
    let expected = npy_bytes(1, "<f8", false, "(2, 3)", &data);
    assert_eq!(std::fs::read(&path).unwrap(), expected);
}

#[test]
fn vector_bytes_match_numpy_layout() {
    let dir = test_dir("vector_bytes_match_numpy_layout");
    let path = dir.join("v.npy");
    write_npy_vector(&path, &array![3.5_f32, -1.0].view()).unwrap();

    let data: Vec<u8> = [3.5_f32, -1.0]
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect();
    let expected = npy_bytes(1, "<f4", false, "(2,)", &data);
    assert_eq!(std::fs::read(&path).unwrap(), expected);
}

#[test]
fn digits_round_trip_is_byte_exact() {
    let dir = test_dir("digits_round_trip_is_byte_exact");
    let original = digits_dir().join("X.npy");
    let x = read_npy::<f32>(&original).unwrap();
    let copy = dir.join("X.npy");
    write_npy(&copy, &x.view()).unwrap();
    assert_eq!(
        std::fs::read(&copy).unwrap(),
        std::fs::read(&original).unwrap()
    );
}

#[test]
fn round_trip_f32_and_f64() {
    let dir = test_dir("round_trip_f32_and_f64");
    let x64 = Array2::from_shape_fn((7, 5), |(i, j)| (i as f64 - 3.0) * 0.1 + j as f64 * 1e-7);
    write_npy(dir.join("x64.npy"), &x64.view()).unwrap();
    assert_eq!(read_npy::<f64>(dir.join("x64.npy")).unwrap(), x64);

    let x32 = x64.mapv(|v| v as f32);
    write_npy(dir.join("x32.npy"), &x32.view()).unwrap();
    assert_eq!(read_npy::<f32>(dir.join("x32.npy")).unwrap(), x32);
    // Widening f32 to f64 on read is exact.
    assert_eq!(
        read_npy::<f64>(dir.join("x32.npy")).unwrap(),
        x32.mapv(f64::from)
    );
}

#[test]
fn strided_view_in_logical_order() {
    let dir = test_dir("strided_view_in_logical_order");
    let x = Array2::from_shape_fn((4, 6), |(i, j)| (10 * i + j) as f32);
    let view = x.slice(s![1..;2, ..;3]);
    write_npy(dir.join("x.npy"), &view.t()).unwrap();
    assert_eq!(
        read_npy::<f32>(dir.join("x.npy")).unwrap(),
        array![[10.0, 30.0], [13.0, 33.0]]
    );
}

#[test]
fn vector_round_trip() {
    let dir = test_dir("vector_round_trip");
    let v = array![0.25_f64, -7.5, 1e10];
    write_npy_vector(dir.join("v.npy"), &v.view()).unwrap();
    assert_eq!(read_npy_vector::<f64>(dir.join("v.npy")).unwrap(), v);
}

#[test]
fn creates_parent_folders() {
    let dir = test_dir("creates_parent_folders");
    let path = dir.join("a").join("b").join("x.npy");
    write_npy(&path, &array![[1.0_f32]].view()).unwrap();
    assert_eq!(read_npy::<f32>(&path).unwrap(), array![[1.0]]);
}

#[test]
fn empty_matrix_round_trip() {
    let dir = test_dir("empty_matrix_round_trip");
    let x = Array2::<f64>::zeros((0, 3));
    write_npy(dir.join("x.npy"), &x.view()).unwrap();
    assert_eq!(read_npy::<f64>(dir.join("x.npy")).unwrap().dim(), (0, 3));
}

#[test]
fn parent_is_a_file() {
    let dir = test_dir("parent_is_a_file");
    std::fs::write(dir.join("blocker"), b"").unwrap();
    let path = dir.join("blocker").join("x.npy");
    match write_npy(&path, &array![[1.0_f32]].view()) {
        Err(Error::Io { path: p, .. }) => assert_eq!(p, dir.join("blocker")),
        other => panic!("expected Io, got {other:?}"),
    }
}
