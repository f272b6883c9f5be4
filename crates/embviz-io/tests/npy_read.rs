//! Reading `.npy` files built byte by byte: every dtype and byte order, both memory orders,
//! every format version, the bundled digits file and each error case.

// Tests fail by panicking, so unwrap and panic are the intended way to stop.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::io::ErrorKind;
use std::path::Path;

use common::{
    digits_dir, f32_le, f64_le, i32_le, i64_le, npy_bytes, npy_bytes_with_header, test_dir, write,
};
use embviz_core::Error;
use embviz_io::{read_npy, read_npy_indices, read_npy_vector};
use ndarray::{Array2, array};

/// One dtype case: the `descr`, the data bytes of a 2 x 3 array, and the values expected
/// when read as `f64` and as `f32`.
struct Case {
    descr: String,
    data: Vec<u8>,
    expected_f64: Vec<f64>,
    expected_f32: Vec<f32>,
}

/// Builds the little- and big-endian cases of a numeric type from six values.
macro_rules! cases {
    ($kind:literal, $t:ty, $values:expr) => {{
        let values: [$t; 6] = $values;
        let size = std::mem::size_of::<$t>();
        let expected_f64: Vec<f64> = values.iter().map(|&v| v as f64).collect();
        let expected_f32: Vec<f32> = values.iter().map(|&v| v as f32).collect();
        vec![
            Case {
                descr: format!("<{}{size}", $kind),
                data: values.iter().flat_map(|v| v.to_le_bytes()).collect(),
                expected_f64: expected_f64.clone(),
                expected_f32: expected_f32.clone(),
            },
            Case {
                descr: format!(">{}{size}", $kind),
                data: values.iter().flat_map(|v| v.to_be_bytes()).collect(),
                expected_f64,
                expected_f32,
            },
        ]
    }};
}

fn all_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    cases.extend(cases!("i", i8, [i8::MIN, -1, 0, 1, 7, i8::MAX]));
    cases.extend(cases!("i", i16, [i16::MIN, -300, 0, 1, 258, i16::MAX]));
    cases.extend(cases!(
        "i",
        i32,
        [i32::MIN, -70_000, 0, 1, 16_777_217, i32::MAX]
    ));
    cases.extend(cases!(
        "i",
        i64,
        [i64::MIN, -1, 0, (1 << 53) + 1, 16_777_217, i64::MAX]
    ));
    cases.extend(cases!("u", u8, [0, 1, 2, 128, 200, u8::MAX]));
    cases.extend(cases!("u", u16, [0, 1, 258, 40_000, 65_534, u16::MAX]));
    cases.extend(cases!(
        "u",
        u32,
        [0, 1, 16_777_217, 3_000_000_000, 65_536, u32::MAX]
    ));
    cases.extend(cases!(
        "u",
        u64,
        [0, 1, (1 << 53) + 1, 1 << 63, 16_777_217, u64::MAX]
    ));
    cases.extend(cases!(
        "f",
        f32,
        [0.0, -1.5, 0.1, f32::MAX, f32::MIN_POSITIVE, -3.25e-20]
    ));
    cases.extend(cases!(
        "f",
        f64,
        [0.0, -1.5, 0.1, 1e38, 2.2250738585072014e-308, -3.25e-20]
    ));

    // float16: the maximum, the smallest normal and the smallest subnormal are exact.
    let halves = [1.5_f32, -2.0, 65504.0, 6.103_515_6e-5, 5.960_464_5e-8, 0.0];
    let bits: Vec<u16> = halves
        .iter()
        .map(|&v| half::f16::from_f32(v).to_bits())
        .collect();
    for (order, data) in [
        (
            '<',
            bits.iter()
                .flat_map(|b| b.to_le_bytes())
                .collect::<Vec<u8>>(),
        ),
        ('>', bits.iter().flat_map(|b| b.to_be_bytes()).collect()),
    ] {
        cases.push(Case {
            descr: format!("{order}f2"),
            data,
            expected_f64: halves.iter().map(|&v| f64::from(v)).collect(),
            expected_f32: halves.to_vec(),
        });
    }

    // Single bytes have no byte order, which numpy writes as '|'.
    for descr in ["|i1", "|u1"] {
        cases.push(Case {
            descr: descr.to_owned(),
            data: vec![0, 1, 2, 3, 4, 5],
            expected_f64: vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0],
            expected_f32: vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0],
        });
    }
    cases.push(Case {
        descr: "|b1".to_owned(),
        data: vec![1, 0, 0, 1, 1, 0],
        expected_f64: vec![1.0, 0.0, 0.0, 1.0, 1.0, 0.0],
        expected_f32: vec![1.0, 0.0, 0.0, 1.0, 1.0, 0.0],
    });
    cases
}

#[test]
fn every_dtype_c_order() {
    let dir = test_dir("every_dtype_c_order");
    for case in all_cases() {
        let bytes = npy_bytes(1, &case.descr, false, "(2, 3)", &case.data);
        let path = write(&dir, "x.npy", &bytes);

        let x64 = read_npy::<f64>(&path).unwrap();
        let expected64 = Array2::from_shape_vec((2, 3), case.expected_f64.clone()).unwrap();
        assert_eq!(x64, expected64, "{} as f64", case.descr);

        let x32 = read_npy::<f32>(&path).unwrap();
        let expected32 = Array2::from_shape_vec((2, 3), case.expected_f32.clone()).unwrap();
        assert_eq!(x32, expected32, "{} as f32", case.descr);
    }
}

#[test]
fn every_dtype_fortran_order() {
    let dir = test_dir("every_dtype_fortran_order");
    for case in all_cases() {
        // The file stores the 3 x 2 matrix whose columns are the six values in order, so
        // reading it gives the transpose of the 2 x 3 C-order matrix.
        let bytes = npy_bytes(1, &case.descr, true, "(3, 2)", &case.data);
        let path = write(&dir, "x.npy", &bytes);
        let expected64 = Array2::from_shape_vec((2, 3), case.expected_f64.clone())
            .unwrap()
            .reversed_axes();
        let expected32 = Array2::from_shape_vec((2, 3), case.expected_f32.clone())
            .unwrap()
            .reversed_axes();

        let x64 = read_npy::<f64>(&path).unwrap();
        assert_eq!(x64, expected64, "{} as f64", case.descr);
        assert!(x64.is_standard_layout(), "{}", case.descr);

        let x32 = read_npy::<f32>(&path).unwrap();
        assert_eq!(x32, expected32, "{} as f32", case.descr);
    }
}

#[test]
fn every_dtype_vector() {
    let dir = test_dir("every_dtype_vector");
    for case in all_cases() {
        for fortran_order in [false, true] {
            let bytes = npy_bytes(1, &case.descr, fortran_order, "(6,)", &case.data);
            let path = write(&dir, "v.npy", &bytes);
            let v64 = read_npy_vector::<f64>(&path).unwrap();
            assert_eq!(v64.to_vec(), case.expected_f64, "{}", case.descr);
            let v32 = read_npy_vector::<f32>(&path).unwrap();
            assert_eq!(v32.to_vec(), case.expected_f32, "{}", case.descr);
        }
    }
}

#[test]
fn fortran_order_small_matrix() {
    let dir = test_dir("fortran_order_small_matrix");
    // Column-major storage of [[1, 2, 3], [4, 5, 6]].
    let data = f32_le(&[1.0, 4.0, 2.0, 5.0, 3.0, 6.0]);
    let path = write(&dir, "x.npy", &npy_bytes(1, "<f4", true, "(2, 3)", &data));
    let x = read_npy::<f32>(&path).unwrap();
    assert_eq!(x, array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
}

#[test]
fn format_versions_two_and_three() {
    let dir = test_dir("format_versions_two_and_three");
    let data = f64_le(&[1.0, 2.0, 3.0, 4.0]);
    for version in [1, 2, 3] {
        let bytes = npy_bytes(version, "<f8", false, "(2, 2)", &data);
        let path = write(&dir, "x.npy", &bytes);
        let x = read_npy::<f64>(&path).unwrap();
        assert_eq!(x, array![[1.0, 2.0], [3.0, 4.0]], "version {version}");
    }
}

#[test]
fn version_three_utf8_header() {
    let dir = test_dir("version_three_utf8_header");
    // A version 3.0 header is UTF-8, and keys outside the format are ignored.
    let dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2), 'note': 'größe', }";
    let bytes = npy_bytes_with_header(3, dict, &f32_le(&[0.5, -0.5]));
    let path = write(&dir, "x.npy", &bytes);
    assert_eq!(read_npy::<f32>(&path).unwrap(), array![[0.5, -0.5]]);
}

#[test]
fn unpadded_python2_header() {
    let dir = test_dir("unpadded_python2_header");
    // Old writers padded to 16 bytes and wrote Python 2 long integers.
    let dict = b"{'descr': '<i4', 'fortran_order': False, 'shape': (2L, 1L), }\n";
    let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
    bytes.extend_from_slice(&u16::try_from(dict.len()).unwrap().to_le_bytes());
    bytes.extend_from_slice(dict);
    bytes.extend_from_slice(&i32_le(&[7, -8]));
    let path = write(&dir, "x.npy", &bytes);
    assert_eq!(read_npy::<f64>(&path).unwrap(), array![[7.0], [-8.0]]);
}

#[test]
fn digits_shape_and_values() {
    let x = read_npy::<f32>(digits_dir().join("X.npy")).unwrap();
    assert_eq!(x.dim(), (1797, 64));
    assert_eq!(
        x.row(0).iter().take(8).copied().collect::<Vec<f32>>(),
        vec![0.0, 0.0, 5.0, 13.0, 9.0, 1.0, 0.0, 0.0]
    );
    assert_eq!(
        x.row(1796).iter().take(16).copied().collect::<Vec<f32>>(),
        vec![
            0.0, 0.0, 10.0, 14.0, 8.0, 1.0, 0.0, 0.0, 0.0, 2.0, 16.0, 14.0, 6.0, 1.0, 0.0, 0.0
        ]
    );
    assert_eq!(x[[100, 30]], 4.0);
    assert_eq!(x[[1796, 63]], 0.0);
}

#[test]
fn digits_sums_as_f64() {
    // Every pixel is an integer from 0 to 16, so the sums are exact.
    let x = read_npy::<f64>(digits_dir().join("X.npy")).unwrap();
    assert_eq!(x.sum(), 561_718.0);
    assert_eq!(x.column(21).sum(), 14_028.0);
}

#[test]
fn empty_matrix() {
    let dir = test_dir("empty_matrix");
    let path = write(&dir, "x.npy", &npy_bytes(1, "<f4", false, "(0, 5)", &[]));
    let x = read_npy::<f32>(&path).unwrap();
    assert_eq!(x.dim(), (0, 5));
}

#[test]
fn empty_with_huge_dimension() {
    let dir = test_dir("empty_with_huge_dimension");
    let shape = format!("(0, {})", 1_u64 << 63);
    let path = write(&dir, "x.npy", &npy_bytes(1, "<f4", false, &shape, &[]));
    let reason = invalid_reason(read_npy::<f32>(&path), &path);
    assert!(reason.contains("cannot be represented"), "{reason}");
}

#[test]
fn element_count_overflow() {
    let dir = test_dir("element_count_overflow");
    let shape = format!("({}, 3)", u64::MAX / 2);
    let path = write(&dir, "x.npy", &npy_bytes(1, "<f4", false, &shape, &[0; 16]));
    let reason = invalid_reason(read_npy::<f32>(&path), &path);
    assert!(reason.contains("more elements"), "{reason}");
}

#[test]
fn header_length_beyond_file() {
    let dir = test_dir("header_length_beyond_file");
    let mut bytes = b"\x93NUMPY\x02\x00".to_vec();
    bytes.extend_from_slice(&u32::MAX.to_le_bytes());
    bytes.extend_from_slice(b"{'descr': '<f4', ");
    let path = write(&dir, "x.npy", &bytes);
    let reason = invalid_reason(read_npy::<f32>(&path), &path);
    assert!(reason.contains("truncated inside its header"), "{reason}");
}

#[test]
fn trailing_bytes_are_ignored() {
    let dir = test_dir("trailing_bytes_are_ignored");
    let mut data = f32_le(&[1.0, 2.0]);
    data.extend_from_slice(&[0xaa; 3]);
    let path = write(&dir, "x.npy", &npy_bytes(1, "<f4", false, "(1, 2)", &data));
    assert_eq!(read_npy::<f32>(&path).unwrap(), array![[1.0, 2.0]]);
}

#[test]
fn missing_file() {
    let path = test_dir("missing_file").join("absent.npy");
    match read_npy::<f32>(&path) {
        Err(Error::Io { path: p, source }) => {
            assert_eq!(p, path);
            assert_eq!(source.kind(), ErrorKind::NotFound);
        }
        other => panic!("expected Io, got {other:?}"),
    }
}

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
fn truncated_digits() {
    let dir = test_dir("truncated_digits");
    let full = std::fs::read(digits_dir().join("X.npy")).unwrap();
    let path = write(&dir, "half.npy", &full[..full.len() / 2]);

    let reason = invalid_reason(read_npy::<f32>(&path), &path);
    // The header is 128 bytes, the shape needs 1797 * 64 * 4 data bytes, and half of the
    // 460160-byte file leaves 230080 - 128 of them.
    assert!(reason.contains("truncated"), "{reason}");
    assert!(reason.contains("460032"), "{reason}");
    assert!(reason.contains("229952"), "{reason}");
}

#[test]
fn truncated_header() {
    let dir = test_dir("truncated_header");
    let full = std::fs::read(digits_dir().join("X.npy")).unwrap();
    let path = write(&dir, "cut.npy", &full[..60]);
    let reason = invalid_reason(read_npy::<f32>(&path), &path);
    assert!(reason.contains("128"), "{reason}");
    assert!(reason.contains("60"), "{reason}");
}

#[test]
fn bad_magic() {
    let dir = test_dir("bad_magic");
    let path = write(&dir, "x.npy", b"col1,col2\n1,2\n");
    let reason = invalid_reason(read_npy::<f32>(&path), &path);
    assert!(reason.contains("magic"), "{reason}");
}

#[test]
fn empty_file() {
    let dir = test_dir("empty_file");
    let path = write(&dir, "x.npy", b"");
    let reason = invalid_reason(read_npy::<f32>(&path), &path);
    assert!(reason.contains("empty"), "{reason}");
}

#[test]
fn npz_archive() {
    let dir = test_dir("npz_archive");
    let path = write(&dir, "x.npz", b"PK\x03\x04\x14\x00\x00\x00");
    let reason = invalid_reason(read_npy::<f32>(&path), &path);
    assert!(reason.contains("zip"), "{reason}");
}

#[test]
fn unknown_version() {
    let dir = test_dir("unknown_version");
    let path = write(
        &dir,
        "x.npy",
        &npy_bytes(4, "<f4", false, "(1, 1)", &f32_le(&[1.0])),
    );
    let reason = invalid_reason(read_npy::<f32>(&path), &path);
    assert!(reason.contains("4.0"), "{reason}");
}

#[test]
fn malformed_header() {
    let dir = test_dir("malformed_header");
    let cases = [
        (
            "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1) ",
            "ends",
        ),
        ("{'descr': '<f4', 'fortran_order': False}", "'shape'"),
        (
            "{'descr': '<f4', 'fortran_order': 0, 'shape': (1, 1)}",
            "fortran_order",
        ),
        (
            "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 'a')}",
            "shape",
        ),
        (
            "{'descr': '<x4', 'fortran_order': False, 'shape': (1, 1)}",
            "<x4",
        ),
        ("['descr', '<f4']", "not a dict"),
    ];
    for (dict, expected) in cases {
        let path = write(
            &dir,
            "x.npy",
            &npy_bytes_with_header(1, dict, &f32_le(&[1.0])),
        );
        let reason = invalid_reason(read_npy::<f32>(&path), &path);
        assert!(reason.contains(expected), "{dict}: {reason}");
    }
}

#[test]
fn complex_dtype() {
    let dir = test_dir("complex_dtype");
    let path = write(
        &dir,
        "x.npy",
        &npy_bytes(1, "<c8", false, "(1, 1)", &[0; 8]),
    );
    match read_npy::<f32>(&path) {
        Err(Error::UnsupportedDtype { path: p, dtype, .. }) => {
            assert_eq!(p, path);
            assert_eq!(dtype, "<c8");
        }
        other => panic!("expected UnsupportedDtype, got {other:?}"),
    }
}

#[test]
fn object_string_datetime_dtypes() {
    let dir = test_dir("object_string_datetime_dtypes");
    for descr in [
        "|O", "|S4", "<U3", "<M8[ns]", "<m8[s]", ">c16", "<f16", "|V8",
    ] {
        let path = write(&dir, "x.npy", &npy_bytes(1, descr, false, "(2,)", &[0; 32]));
        match read_npy_vector::<f64>(&path) {
            Err(Error::UnsupportedDtype { dtype, .. }) => assert_eq!(dtype, descr),
            other => panic!("{descr}: expected UnsupportedDtype, got {other:?}"),
        }
    }
}

#[test]
fn structured_dtype() {
    let dir = test_dir("structured_dtype");
    let dict = "{'descr': [('x', '<f4'), ('y', '<f4')], 'fortran_order': False, 'shape': (1,), }";
    let path = write(
        &dir,
        "x.npy",
        &npy_bytes_with_header(1, dict, &f32_le(&[1.0, 2.0])),
    );
    match read_npy_vector::<f32>(&path) {
        Err(Error::UnsupportedDtype { dtype, .. }) => {
            assert_eq!(dtype, "[('x', '<f4'), ('y', '<f4')]")
        }
        other => panic!("expected UnsupportedDtype, got {other:?}"),
    }
}

#[test]
fn matrix_from_vector_file() {
    let dir = test_dir("matrix_from_vector_file");
    let path = write(
        &dir,
        "v.npy",
        &npy_bytes(1, "<f4", false, "(4,)", &f32_le(&[1.0; 4])),
    );
    let reason = invalid_reason(read_npy::<f32>(&path), &path);
    assert!(reason.contains("(4,)"), "{reason}");
    assert!(reason.contains("2-D n x d"), "{reason}");
}

#[test]
fn matrix_from_3d_file() {
    let dir = test_dir("matrix_from_3d_file");
    let path = write(
        &dir,
        "t.npy",
        &npy_bytes(1, "<f4", false, "(1, 2, 2)", &f32_le(&[1.0; 4])),
    );
    let reason = invalid_reason(read_npy::<f32>(&path), &path);
    assert!(reason.contains("(1, 2, 2)"), "{reason}");
    assert!(reason.contains("3 dimensions"), "{reason}");
}

#[test]
fn matrix_from_scalar_file() {
    let dir = test_dir("matrix_from_scalar_file");
    let path = write(
        &dir,
        "s.npy",
        &npy_bytes(1, "<f8", false, "()", &f64_le(&[1.0])),
    );
    let reason = invalid_reason(read_npy::<f64>(&path), &path);
    assert!(reason.contains("()"), "{reason}");
}

#[test]
fn vector_from_matrix_file() {
    let dir = test_dir("vector_from_matrix_file");
    let path = write(
        &dir,
        "x.npy",
        &npy_bytes(1, "<f4", false, "(2, 2)", &f32_le(&[1.0; 4])),
    );
    let reason = invalid_reason(read_npy_vector::<f32>(&path), &path);
    assert!(reason.contains("(2, 2)"), "{reason}");
    assert!(reason.contains("1-D"), "{reason}");
}

#[test]
fn nan_position_c_order() {
    let dir = test_dir("nan_position_c_order");
    let data = f32_le(&[1.0, 2.0, 3.0, 4.0, 5.0, f32::NAN]);
    let path = write(&dir, "x.npy", &npy_bytes(1, "<f4", false, "(2, 3)", &data));
    let error = read_npy::<f32>(&path).unwrap_err();
    let message = error.to_string();
    let (row, column, value) = non_finite_in(error, &path);
    assert_eq!((row, column), (1, 2));
    assert!(value.is_nan());
    assert!(
        message.starts_with(&format!(
            "{}: array contains NaN at row 1, column 2",
            path.display()
        )),
        "{message}"
    );
}

#[test]
fn infinity_position_fortran_order() {
    let dir = test_dir("infinity_position_fortran_order");
    // Column-major storage of [[1, 2, 3], [4, -inf, 6]]: the infinity is the fourth value
    // in the file but sits at row 1, column 1.
    let data = f64_le(&[1.0, 4.0, 2.0, f64::NEG_INFINITY, 3.0, 6.0]);
    let path = write(&dir, "x.npy", &npy_bytes(1, "<f8", true, "(2, 3)", &data));
    let (row, column, value) = non_finite_in(read_npy::<f64>(&path).unwrap_err(), &path);
    assert_eq!((row, column), (1, 1));
    assert_eq!(value, f64::NEG_INFINITY);
}

#[test]
fn first_nan_in_row_order() {
    let dir = test_dir("first_nan_in_row_order");
    // Column-major storage of [[1, 2, NaN], [NaN, 5, 6]]: (1, 0) comes first in the file,
    // (0, 2) first in row order.
    let data = f32_le(&[1.0, f32::NAN, 2.0, 5.0, f32::NAN, 6.0]);
    let path = write(&dir, "x.npy", &npy_bytes(1, "<f4", true, "(2, 3)", &data));
    let (row, column, _) = non_finite_in(read_npy::<f32>(&path).unwrap_err(), &path);
    assert_eq!((row, column), (0, 2));
}

#[test]
fn nan_in_float16() {
    let dir = test_dir("nan_in_float16");
    let data: Vec<u8> = [0x3c00_u16, 0x7e00]
        .iter()
        .flat_map(|b| b.to_le_bytes())
        .collect();
    let path = write(&dir, "x.npy", &npy_bytes(1, "<f2", false, "(1, 2)", &data));
    let (row, column, _) = non_finite_in(read_npy::<f32>(&path).unwrap_err(), &path);
    assert_eq!((row, column), (0, 1));
}

#[test]
fn nan_in_vector() {
    let dir = test_dir("nan_in_vector");
    let path = write(
        &dir,
        "v.npy",
        &npy_bytes(1, "<f8", false, "(3,)", &f64_le(&[0.0, 1.0, f64::NAN])),
    );
    let (row, column, _) = non_finite_in(read_npy_vector::<f64>(&path).unwrap_err(), &path);
    assert_eq!((row, column), (2, 0));
}

#[test]
fn float64_overflow_to_f32() {
    let dir = test_dir("float64_overflow_to_f32");
    let data = f64_le(&[1.0, 2.0, 1e300, 4.0]);
    let path = write(&dir, "x.npy", &npy_bytes(1, "<f8", false, "(2, 2)", &data));

    let reason = invalid_reason(read_npy::<f32>(&path), &path);
    assert!(reason.contains("row 1, column 0"), "{reason}");
    assert!(reason.contains("float32"), "{reason}");

    let x = read_npy::<f64>(&path).unwrap();
    assert_eq!(x[[1, 0]], 1e300);
}

#[test]
fn indices_two_dimensional() {
    let dir = test_dir("indices_two_dimensional");
    let data = i64_le(&[0, 5, 2, 1, 4, 3]);
    let path = write(
        &dir,
        "knn.npy",
        &npy_bytes(1, "<i8", false, "(2, 3)", &data),
    );
    assert_eq!(
        read_npy_indices(&path).unwrap(),
        array![[0, 5, 2], [1, 4, 3]]
    );
}

#[test]
fn indices_fortran_big_endian() {
    let dir = test_dir("indices_fortran_big_endian");
    let data: Vec<u8> = [0_i32, 1, 2, 3]
        .iter()
        .flat_map(|v| v.to_be_bytes())
        .collect();
    let path = write(&dir, "knn.npy", &npy_bytes(1, ">i4", true, "(2, 2)", &data));
    assert_eq!(read_npy_indices(&path).unwrap(), array![[0, 2], [1, 3]]);
}

#[test]
fn indices_vector_becomes_column() {
    let dir = test_dir("indices_vector_becomes_column");
    let path = write(
        &dir,
        "idx.npy",
        &npy_bytes(1, "|u1", false, "(3,)", &[9, 0, 255]),
    );
    assert_eq!(read_npy_indices(&path).unwrap(), array![[9], [0], [255]]);
}

#[test]
fn indices_negative_value() {
    let dir = test_dir("indices_negative_value");
    let data = i64_le(&[0, 1, 2, -1]);
    let path = write(
        &dir,
        "knn.npy",
        &npy_bytes(1, "<i8", false, "(2, 2)", &data),
    );
    let reason = invalid_reason(read_npy_indices(&path), &path);
    assert!(reason.contains("-1"), "{reason}");
    assert!(reason.contains("row 1, column 1"), "{reason}");
}

#[test]
fn indices_float_dtype() {
    let dir = test_dir("indices_float_dtype");
    let path = write(
        &dir,
        "knn.npy",
        &npy_bytes(1, "<f8", false, "(1, 2)", &f64_le(&[0.0, 1.0])),
    );
    match read_npy_indices(&path) {
        Err(Error::UnsupportedDtype { dtype, .. }) => assert_eq!(dtype, "<f8"),
        other => panic!("expected UnsupportedDtype, got {other:?}"),
    }
}

#[test]
fn indices_bool_dtype() {
    let dir = test_dir("indices_bool_dtype");
    let path = write(
        &dir,
        "mask.npy",
        &npy_bytes(1, "|b1", false, "(2,)", &[0, 1]),
    );
    match read_npy_indices(&path) {
        Err(Error::UnsupportedDtype { dtype, .. }) => assert_eq!(dtype, "|b1"),
        other => panic!("expected UnsupportedDtype, got {other:?}"),
    }
}

/// Returns the row, column and value of a non-finite value error wrapped in the file's
/// name, after checking the wrapping.
fn non_finite_in(error: Error, expected_path: &Path) -> (usize, usize, f64) {
    match error {
        Error::InFile { path, source } => {
            assert_eq!(path, expected_path);
            match *source {
                Error::NonFinite {
                    row, column, value, ..
                } => (row, column, value),
                other => panic!("expected NonFinite, got {other:?}"),
            }
        }
        other => panic!("expected InFile, got {other:?}"),
    }
}
