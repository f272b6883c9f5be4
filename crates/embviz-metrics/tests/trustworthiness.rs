//! Trustworthiness against scikit-learn's values.

use std::path::PathBuf;

use embviz_core::Error;
use embviz_io::read_npy;
use embviz_metrics::trustworthiness;
use ndarray::Array2;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

#[test]
fn matches_scikit_learn_on_digits() {
    let x = read_npy::<f64>(fixture("trustworthiness_digits400_input.npy")).expect("fixture");
    let y = read_npy::<f64>(fixture("trustworthiness_digits400_map.npy")).expect("fixture");
    let expected =
        read_npy::<f64>(fixture("trustworthiness_digits400_expected.npy")).expect("fixture");
    for row in expected.outer_iter() {
        let k = row[0] as usize;
        let value = trustworthiness(&x, &y, k).expect("valid input");
        approx::assert_abs_diff_eq!(value, row[1], epsilon = 1e-9);
    }
}

#[test]
fn identity_map_is_fully_trustworthy() {
    let x = Array2::from_shape_fn((30, 3), |(i, j)| {
        ((i * 7 + j * 5) % 11) as f64 + i as f64 * 0.01
    });
    assert_eq!(trustworthiness(&x, &x, 5).expect("valid input"), 1.0);
}

#[test]
fn reversed_line_scores_low() {
    // A map that sends near points far apart: row i of a line goes to position (i * 7) % n.
    let n = 50;
    let x = Array2::from_shape_fn((n, 1), |(i, _)| i as f64);
    let y = Array2::from_shape_fn((n, 1), |(i, _)| ((i * 7) % n) as f64);
    let value = trustworthiness(&x, &y, 5).expect("valid input");
    assert!(value < 0.7, "trustworthiness {value}");
}

#[test]
fn row_count_mismatch_is_rejected() {
    let x = Array2::<f64>::zeros((20, 3));
    let y = Array2::<f64>::zeros((19, 2));
    assert!(matches!(
        trustworthiness(&x, &y, 3),
        Err(Error::ShapeMismatch {
            what: "X_embedded",
            ..
        })
    ));
}

#[test]
fn too_many_neighbors_are_rejected() {
    let x = Array2::from_shape_fn((20, 2), |(i, j)| (i + j) as f64);
    for k in [0, 10, 15] {
        assert!(matches!(
            trustworthiness(&x, &x, k),
            Err(Error::InvalidParameter {
                name: "n_neighbors",
                ..
            })
        ));
    }
    assert!(trustworthiness(&x, &x, 9).is_ok());
}

#[test]
fn non_finite_map_is_rejected() {
    let x = Array2::from_shape_fn((20, 2), |(i, j)| (i + j) as f64);
    let mut y = x.clone();
    y[[4, 1]] = f64::NAN;
    assert!(matches!(
        trustworthiness(&x, &y, 3),
        Err(Error::NonFinite {
            what: "X_embedded",
            row: 4,
            column: 1,
            ..
        })
    ));
}
