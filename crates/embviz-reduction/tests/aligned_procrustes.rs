//! Procrustes analysis against scipy 1.17 (`scipy.spatial.procrustes` and
//! `scipy.linalg.orthogonal_procrustes`, fixtures from scripts/make_procrustes_fixtures.py)
//! and on exact rotated and mirrored copies.

use std::path::PathBuf;

use embviz_core::Error;
use embviz_reduction::aligned::{Reflection, procrustes};
use ndarray::{Array2, array};
use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn matrix(value: &Value) -> Array2<f64> {
    let rows: Vec<Vec<f64>> = value
        .as_array()
        .expect("a list of rows")
        .iter()
        .map(|row| {
            row.as_array()
                .expect("a row")
                .iter()
                .map(|v| v.as_f64().expect("a number"))
                .collect()
        })
        .collect();
    let n_cols = rows[0].len();
    Array2::from_shape_vec((rows.len(), n_cols), rows.concat()).expect("equal rows")
}

fn max_abs_difference(a: &Array2<f64>, b: &Array2<f64>) -> f64 {
    assert_eq!(a.dim(), b.dim());
    (a - b).iter().fold(0.0_f64, |m, d| m.max(d.abs()))
}

fn determinant_2x2(r: &Array2<f64>) -> f64 {
    r[[0, 0]] * r[[1, 1]] - r[[0, 1]] * r[[1, 0]]
}

/// Rotation by `degrees` for row vectors: `y = x R` turns `x` counter-clockwise.
fn rotation_2d(degrees: f64) -> Array2<f64> {
    let (sin, cos) = degrees.to_radians().sin_cos();
    array![[cos, sin], [-sin, cos]]
}

/// 30 points on an irregular curve, so no rotation or reflection maps the set onto itself.
fn asymmetric_layout() -> Array2<f64> {
    Array2::from_shape_fn((30, 2), |(i, j)| {
        let t = i as f64 * 0.37;
        if j == 0 {
            t.cos() * (1.0 + 0.3 * t) + 0.05 * (i % 4) as f64
        } else {
            0.6 * t.sin() + 0.2 * t * t / 10.0
        }
    })
}

#[test]
fn procrustes_matches_scipy() {
    let text = std::fs::read_to_string(fixture("procrustes_scipy.json")).expect("fixture");
    let cases: Value = serde_json::from_str(&text).expect("valid JSON");
    let cases = cases.as_array().expect("a list of cases");
    assert_eq!(cases.len(), 3);
    for case in cases {
        let name = case["name"].as_str().expect("a name");
        let reference = matrix(&case["reference"]);
        let moving = matrix(&case["moving"]);
        let fit = procrustes(&reference, &moving, Reflection::Allowed).expect("valid inputs");

        let disparity = case["disparity"].as_f64().expect("a number");
        assert!(
            (fit.disparity() - disparity).abs() <= 1e-12,
            "{name}: disparity {} vs scipy {disparity}",
            fit.disparity()
        );
        let standardized_reference = matrix(&case["standardized_reference"]);
        assert!(max_abs_difference(fit.standardized_reference(), &standardized_reference) <= 1e-12);
        let standardized_moving = matrix(&case["standardized_moving"]);
        assert!(max_abs_difference(fit.standardized_moving(), &standardized_moving) <= 1e-12);

        assert!(max_abs_difference(fit.rotation(), &matrix(&case["rotation"])) <= 1e-12);
        let scale = case["scale"].as_f64().expect("a number");
        assert!(
            (fit.scale() - scale).abs() <= 1e-12 * scale,
            "{name}: scale"
        );
        let aligned = fit.transform(&moving).expect("same width");
        assert!(max_abs_difference(&aligned, &matrix(&case["aligned"])) <= 1e-12);
        assert_eq!(
            fit.is_reflection(),
            case["reflection"].as_bool().expect("a bool"),
            "{name}: reflection"
        );

        let rotation_only =
            procrustes(&reference, &moving, Reflection::Forbidden).expect("valid inputs");
        let expected = case["rotation_only_disparity"].as_f64().expect("a number");
        assert!(
            (rotation_only.disparity() - expected).abs() <= 1e-12,
            "{name}: rotation-only disparity {} vs {expected}",
            rotation_only.disparity()
        );
        assert!(!rotation_only.is_reflection(), "{name}: must be a rotation");
    }
}

#[test]
fn procrustes_f32_matches_f64() {
    let reference = asymmetric_layout();
    let moving = reference.dot(&rotation_2d(80.0)).mapv(|v| v * 3.0 + 1.0) + &reference * 0.1;
    let fit64 = procrustes(&reference, &moving, Reflection::Allowed).expect("valid inputs");
    let fit32 = procrustes(
        &reference.mapv(|v| v as f32),
        &moving.mapv(|v| v as f32),
        Reflection::Allowed,
    )
    .expect("valid inputs");
    assert!((fit32.disparity() - fit64.disparity()).abs() <= 1e-6);
    assert!(max_abs_difference(fit32.rotation(), fit64.rotation()) <= 1e-6);
}

#[test]
fn rotated_copy_is_recovered() {
    let reference = asymmetric_layout();
    let turn = rotation_2d(37.0);
    let moving = reference.dot(&turn) * 2.5 + &array![3.0, -7.0];

    let fit = procrustes(&reference, &moving, Reflection::Allowed).expect("valid inputs");
    assert!(fit.disparity() <= 1e-20, "disparity {}", fit.disparity());
    assert!((fit.scale() - 0.4).abs() <= 1e-12, "scale {}", fit.scale());
    // Undoing a turn by 37 degrees is the transposed rotation.
    assert!(max_abs_difference(fit.rotation(), &turn.t().to_owned()) <= 1e-12);
    assert!((determinant_2x2(fit.rotation()) - 1.0).abs() <= 1e-12);
    assert!(!fit.is_reflection());

    let aligned = fit.transform(&moving).expect("same width");
    assert!(max_abs_difference(&aligned, &reference) <= 1e-9);
}

#[test]
fn mirrored_copy_is_unmirrored() {
    let reference = asymmetric_layout();
    let mirror = array![[-1.0, 0.0], [0.0, 1.0]];
    let moving = reference.dot(&mirror).dot(&rotation_2d(37.0)) * 0.7 + &array![-2.0, 4.0];

    let fit = procrustes(&reference, &moving, Reflection::Allowed).expect("valid inputs");
    assert!(fit.is_reflection());
    assert!((determinant_2x2(fit.rotation()) + 1.0).abs() <= 1e-12);
    assert!(fit.disparity() <= 1e-20, "disparity {}", fit.disparity());
    let aligned = fit.transform(&moving).expect("same width");
    assert!(max_abs_difference(&aligned, &reference) <= 1e-9);

    // A rotation cannot undo the mirror. The best one keeps the principal axis of larger
    // variance and flips the other, so with the eigenvalues l1 >= l2 of AᵀA (l1 + l2 = 1
    // for the standardized reference A) the disparity is 1 - (l1 - l2)^2.
    let rotation_only =
        procrustes(&reference, &moving, Reflection::Forbidden).expect("valid inputs");
    assert!(!rotation_only.is_reflection());
    assert!((determinant_2x2(rotation_only.rotation()) - 1.0).abs() <= 1e-12);
    let a = rotation_only.standardized_reference();
    let scatter = a.t().dot(a);
    let half_trace = (scatter[[0, 0]] + scatter[[1, 1]]) / 2.0;
    let half_gap = ((scatter[[0, 0]] - scatter[[1, 1]]) / 2.0).hypot(scatter[[0, 1]]);
    let expected = 1.0 - (2.0 * half_gap).powi(2);
    assert!((half_trace - 0.5).abs() <= 1e-12);
    assert!(
        (rotation_only.disparity() - expected).abs() <= 1e-12,
        "rotation-only disparity {} vs {expected}",
        rotation_only.disparity()
    );
    assert!(
        expected > 0.3,
        "the test layout must be far from round: {expected}"
    );
}

#[test]
fn three_columns_use_the_svd() {
    let reference = Array2::from_shape_fn((25, 3), |(i, j)| {
        let t = i as f64 * 0.41 + j as f64;
        t.sin() * (1.0 + j as f64) + 0.1 * (i * i % 7) as f64
    });
    // A turn by 30 degrees about the z axis followed by a mirror of z.
    let (sin, cos) = 30.0_f64.to_radians().sin_cos();
    let turn = array![[cos, sin, 0.0], [-sin, cos, 0.0], [0.0, 0.0, -1.0]];
    let moving = reference.dot(&turn) * 1.5 + &array![1.0, 2.0, 3.0];

    let fit = procrustes(&reference, &moving, Reflection::Allowed).expect("valid inputs");
    assert!(fit.is_reflection());
    assert!(fit.disparity() <= 1e-20, "disparity {}", fit.disparity());
    assert!(max_abs_difference(fit.rotation(), &turn.t().to_owned()) <= 1e-12);
    let aligned = fit.transform(&moving).expect("same width");
    assert!(max_abs_difference(&aligned, &reference) <= 1e-9);

    let rotation_only =
        procrustes(&reference, &moving, Reflection::Forbidden).expect("valid inputs");
    assert!(!rotation_only.is_reflection());
    // As in two dimensions, the best rotation flips the principal axis of least variance:
    // the disparity is 1 - (1 - 2 l3)^2 with l3 the smallest eigenvalue of AᵀA.
    let a = rotation_only.standardized_reference();
    let smallest = smallest_eigenvalue_3x3(&a.t().dot(a));
    let expected = 1.0 - (1.0 - 2.0 * smallest).powi(2);
    assert!(
        (rotation_only.disparity() - expected).abs() <= 1e-12,
        "rotation-only disparity {} vs {expected}",
        rotation_only.disparity()
    );
    assert!(expected > 1e-3, "the test set must not be flat: {expected}");
}

/// Returns the smallest eigenvalue of a symmetric 3 x 3 matrix by the trigonometric solution of its
/// characteristic cubic (O. K. Smith 1961, "Eigenvalues of a symmetric 3 x 3 matrix").
fn smallest_eigenvalue_3x3(s: &Array2<f64>) -> f64 {
    let q = (s[[0, 0]] + s[[1, 1]] + s[[2, 2]]) / 3.0;
    let off = s[[0, 1]].powi(2) + s[[0, 2]].powi(2) + s[[1, 2]].powi(2);
    let diagonal = (0..3).map(|i| (s[[i, i]] - q).powi(2)).sum::<f64>();
    let p = ((diagonal + 2.0 * off) / 6.0).sqrt();
    let b = (s - &(Array2::<f64>::eye(3) * q)) / p;
    let det = b[[0, 0]] * (b[[1, 1]] * b[[2, 2]] - b[[1, 2]] * b[[2, 1]])
        - b[[0, 1]] * (b[[1, 0]] * b[[2, 2]] - b[[1, 2]] * b[[2, 0]])
        + b[[0, 2]] * (b[[1, 0]] * b[[2, 1]] - b[[1, 1]] * b[[2, 0]]);
    let phi = (det / 2.0).clamp(-1.0, 1.0).acos() / 3.0;
    q + 2.0 * p * (phi + 2.0 * std::f64::consts::PI / 3.0).cos()
}

#[test]
fn shape_mismatch_is_rejected() {
    let reference = asymmetric_layout();
    let moving = Array2::<f64>::ones((29, 2));
    match procrustes(&reference, &moving, Reflection::Allowed) {
        Err(Error::ShapeMismatch {
            what,
            expected,
            found,
        }) => {
            assert_eq!(what, "moving");
            assert!(expected.starts_with("(30, 2)"), "{expected}");
            assert_eq!(found, "(29, 2)");
        }
        other => panic!("expected ShapeMismatch, got {other:?}"),
    }
}

#[test]
fn nan_is_rejected() {
    let reference = asymmetric_layout();
    let mut moving = reference.clone();
    moving[[4, 1]] = f64::NAN;
    match procrustes(&reference, &moving, Reflection::Allowed) {
        Err(Error::NonFinite {
            what,
            row,
            column,
            value,
        }) => {
            assert_eq!((what, row, column), ("moving", 4, 1));
            assert!(value.is_nan());
        }
        other => panic!("expected NonFinite, got {other:?}"),
    }
}

#[test]
fn identical_rows_are_rejected() {
    let reference = Array2::from_elem((6, 2), 1.5);
    let moving = asymmetric_layout().slice_move(ndarray::s![..6, ..]);
    match procrustes(&reference, &moving, Reflection::Allowed) {
        Err(Error::InvalidParameter { name, value, .. }) => {
            assert_eq!(name, "reference");
            assert_eq!(value, "6 identical rows");
        }
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
}

#[test]
fn single_row_is_rejected() {
    let reference = array![[1.0, 2.0]];
    let moving = array![[3.0, 4.0]];
    assert!(matches!(
        procrustes(&reference, &moving, Reflection::Allowed),
        Err(Error::InvalidParameter { name: "reference", ref value, .. }) if value == "1 row"
    ));
}

#[test]
fn empty_input_is_rejected() {
    let reference = Array2::<f64>::zeros((0, 2));
    assert!(matches!(
        procrustes(&reference, &reference, Reflection::Allowed),
        Err(Error::EmptyInput {
            what: "reference",
            n_rows: 0,
            n_cols: 2
        })
    ));
}

#[test]
fn transform_checks_width() {
    let reference = asymmetric_layout();
    let fit = procrustes(&reference, &reference, Reflection::Allowed).expect("valid inputs");
    let wide = Array2::<f64>::zeros((3, 3));
    assert!(matches!(
        fit.transform(&wide),
        Err(Error::ShapeMismatch { what: "y", .. })
    ));
}

#[test]
fn overflowing_values_are_rejected() {
    let reference = array![[f64::MAX, 0.0], [-f64::MAX, 0.0], [-f64::MAX, 1.0]];
    let moving = asymmetric_layout().slice_move(ndarray::s![..3, ..]);
    match procrustes(&reference, &moving, Reflection::Allowed) {
        Err(Error::InvalidParameter { name, value, .. }) => {
            assert_eq!(name, "reference");
            assert_eq!(value, "values near the largest f64");
        }
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
}
