//! One test per error of Local Outlier Factor, matching the variant and its fields.

use embviz_anomaly::{Contamination, LocalOutlierFactor};
use embviz_core::{Error, Metric};
use ndarray::{Array2, array};

fn square() -> Array2<f64> {
    array![[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.5, 0.5]]
}

#[test]
fn zero_contamination_is_rejected() {
    let result = LocalOutlierFactor::new()
        .contamination(Contamination::Fraction(0.0))
        .fit(&square());
    match result {
        Err(Error::InvalidParameter { name, value, .. }) => {
            assert_eq!(name, "contamination");
            assert_eq!(value, "0");
        }
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
}

#[test]
fn contamination_above_half_is_rejected() {
    let result = LocalOutlierFactor::new()
        .contamination(Contamination::Fraction(0.6))
        .fit_predict(&square());
    match result {
        Err(Error::InvalidParameter { name, value, .. }) => {
            assert_eq!(name, "contamination");
            assert_eq!(value, "0.6");
        }
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
}

#[test]
fn zero_neighbors_is_rejected() {
    match LocalOutlierFactor::new().n_neighbors(0).fit(&square()) {
        Err(Error::InvalidParameter {
            name,
            value,
            expected,
        }) => {
            assert_eq!(name, "n_neighbors");
            assert_eq!(value, "0");
            assert_eq!(expected, "must be at least 1");
        }
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
}

#[test]
fn single_row_is_rejected() {
    let x = array![[1.0_f32, 2.0, 3.0]];
    match LocalOutlierFactor::new().fit(&x) {
        Err(Error::TooFewSamples {
            what,
            n_samples,
            required,
            ..
        }) => {
            assert_eq!(what, "X");
            assert_eq!(n_samples, 1);
            assert_eq!(required, 2);
        }
        other => panic!("expected TooFewSamples, got {other:?}"),
    }
}

#[test]
fn empty_input_is_rejected() {
    let x = Array2::<f64>::zeros((0, 4));
    match LocalOutlierFactor::new().fit(&x) {
        Err(Error::EmptyInput {
            what,
            n_rows,
            n_cols,
        }) => {
            assert_eq!(what, "X");
            assert_eq!((n_rows, n_cols), (0, 4));
        }
        other => panic!("expected EmptyInput, got {other:?}"),
    }
}

#[test]
fn nan_is_rejected() {
    let mut x = square();
    x[[3, 1]] = f64::NAN;
    match LocalOutlierFactor::new().fit(&x) {
        Err(Error::NonFinite {
            what,
            row,
            column,
            value,
        }) => {
            assert_eq!(what, "X");
            assert_eq!((row, column), (3, 1));
            assert!(value.is_nan());
        }
        other => panic!("expected NonFinite, got {other:?}"),
    }
}

#[test]
fn infinity_in_new_rows_is_rejected() {
    let lof = LocalOutlierFactor::new()
        .n_neighbors(2)
        .novelty(true)
        .fit(&square())
        .expect("valid input");
    let new = array![[0.0, 1.0], [f64::NEG_INFINITY, 0.0]];
    match lof.score_samples(&new) {
        Err(Error::NonFinite {
            row, column, value, ..
        }) => {
            assert_eq!((row, column), (1, 0));
            assert_eq!(value, f64::NEG_INFINITY);
        }
        other => panic!("expected NonFinite, got {other:?}"),
    }
}

#[test]
fn cosine_zero_row_is_rejected() {
    let x = array![[1.0_f32, 0.0], [0.0, 1.0], [0.0, 0.0], [1.0, 1.0]];
    match LocalOutlierFactor::new()
        .n_neighbors(2)
        .metric(Metric::Cosine)
        .fit(&x)
    {
        Err(Error::ZeroVector { what, row }) => {
            assert_eq!(what, "X");
            assert_eq!(row, 2);
        }
        other => panic!("expected ZeroVector, got {other:?}"),
    }
}

#[test]
fn cosine_zero_new_row_is_rejected() {
    let x = array![[1.0_f32, 0.0], [0.0, 1.0], [2.0, 1.0], [1.0, 1.0]];
    let lof = LocalOutlierFactor::new()
        .n_neighbors(2)
        .metric(Metric::Cosine)
        .novelty(true)
        .fit(&x)
        .expect("valid input");
    match lof.predict(&array![[1.0_f32, 3.0], [0.0, 0.0]]) {
        Err(Error::ZeroVector { what, row }) => {
            assert_eq!(what, "X");
            assert_eq!(row, 1);
        }
        other => panic!("expected ZeroVector, got {other:?}"),
    }
}

#[test]
fn wrong_column_count_is_rejected() {
    let lof = LocalOutlierFactor::new()
        .n_neighbors(2)
        .novelty(true)
        .fit(&square())
        .expect("valid input");
    let new = array![[0.0, 1.0, 2.0]];
    match lof.decision_function(&new) {
        Err(Error::ShapeMismatch {
            what,
            expected,
            found,
        }) => {
            assert_eq!(what, "X");
            assert_eq!(
                expected,
                "2 columns, as in the data the model was fitted on"
            );
            assert_eq!(found, "3 columns");
        }
        other => panic!("expected ShapeMismatch, got {other:?}"),
    }
}

#[test]
fn scoring_without_novelty_is_rejected() {
    let lof = LocalOutlierFactor::new()
        .n_neighbors(2)
        .fit(&square())
        .expect("valid input");
    assert!(!lof.novelty());
    let new = array![[0.2, 0.3]];
    let errors = [
        ("score_samples", lof.score_samples(&new).map(|_| ())),
        ("decision_function", lof.decision_function(&new).map(|_| ())),
        ("predict", lof.predict(&new).map(|_| ())),
    ];
    for (method, result) in errors {
        match result {
            Err(Error::InvalidParameter {
                name,
                value,
                expected,
            }) => {
                assert_eq!(name, "novelty", "{method}");
                assert_eq!(value, "false", "{method}");
                assert!(expected.starts_with(method), "{method}: {expected}");
                assert!(expected.contains("novelty(true)"), "{method}: {expected}");
            }
            other => panic!("{method}: expected InvalidParameter, got {other:?}"),
        }
    }
}

#[test]
fn fit_predict_with_novelty_is_rejected() {
    match LocalOutlierFactor::new()
        .novelty(true)
        .n_neighbors(2)
        .fit_predict(&square())
    {
        Err(Error::InvalidParameter { name, value, .. }) => {
            assert_eq!(name, "novelty");
            assert_eq!(value, "true");
        }
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
}

#[test]
fn ragged_rows_are_rejected() {
    let x = vec![vec![0.0_f64, 1.0], vec![1.0, 0.0], vec![2.0]];
    match LocalOutlierFactor::new().fit(&x) {
        Err(Error::RaggedRows {
            row,
            expected,
            found,
            ..
        }) => {
            assert_eq!((row, expected, found), (2, 2, 1));
        }
        other => panic!("expected RaggedRows, got {other:?}"),
    }
}

#[test]
fn error_message_names_fix() {
    let message = LocalOutlierFactor::new()
        .n_neighbors(2)
        .fit(&square())
        .expect("valid input")
        .score_samples(&square())
        .expect_err("novelty is off")
        .to_string();
    assert_eq!(
        message,
        "invalid novelty = false: score_samples scores new rows, which needs novelty = true: \
         fit with LocalOutlierFactor::new().novelty(true), or read the training scores from \
         negative_outlier_factor()"
    );
}
