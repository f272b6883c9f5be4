//! One test per error of k-means and mini-batch k-means, matching the variant and its
//! fields.

use embviz_clustering::{KMeans, KMeansInit, MiniBatchKMeans, NInit};
use embviz_core::Error;
use ndarray::{Array2, array};

fn square() -> Array2<f64> {
    array![[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.5, 0.5]]
}

fn assert_invalid(result: Result<impl std::fmt::Debug, Error>, name: &str, value: &str) {
    match result {
        Err(Error::InvalidParameter {
            name: found_name,
            value: found_value,
            ..
        }) => {
            assert_eq!(found_name, name);
            assert_eq!(found_value, value);
        }
        other => panic!("expected InvalidParameter for {name}, got {other:?}"),
    }
}

#[test]
fn zero_clusters_is_rejected() {
    match KMeans::new(0).fit(&square()) {
        Err(Error::InvalidParameter {
            name,
            value,
            expected,
        }) => {
            assert_eq!(name, "n_clusters");
            assert_eq!(value, "0");
            assert_eq!(expected, "must be at least 1");
        }
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
}

#[test]
fn more_clusters_than_rows_is_rejected() {
    match KMeans::new(6).fit(&square()) {
        Err(Error::TooFewSamples {
            what,
            n_samples,
            required,
            ..
        }) => {
            assert_eq!(what, "X");
            assert_eq!(n_samples, 5);
            assert_eq!(required, 6);
        }
        other => panic!("expected TooFewSamples, got {other:?}"),
    }
}

#[test]
fn empty_input_is_rejected() {
    let x = Array2::<f32>::zeros((0, 3));
    match KMeans::new(1).fit(&x) {
        Err(Error::EmptyInput {
            what,
            n_rows,
            n_cols,
        }) => {
            assert_eq!(what, "X");
            assert_eq!((n_rows, n_cols), (0, 3));
        }
        other => panic!("expected EmptyInput, got {other:?}"),
    }
}

#[test]
fn no_columns_is_rejected() {
    let x = Array2::<f64>::zeros((4, 0));
    assert!(matches!(
        KMeans::new(2).fit(&x),
        Err(Error::EmptyInput {
            n_rows: 4,
            n_cols: 0,
            ..
        })
    ));
}

#[test]
fn nan_is_rejected() {
    let mut x = square();
    x[[3, 1]] = f64::NAN;
    match KMeans::new(2).fit(&x) {
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
fn infinity_is_rejected() {
    let mut x = square().mapv(|v| v as f32);
    x[[2, 0]] = f32::NEG_INFINITY;
    match KMeans::new(2).fit(&x) {
        Err(Error::NonFinite {
            what,
            row,
            column,
            value,
        }) => {
            assert_eq!(what, "X");
            assert_eq!((row, column), (2, 0));
            assert_eq!(value, f64::NEG_INFINITY);
        }
        other => panic!("expected NonFinite, got {other:?}"),
    }
}

#[test]
fn ragged_rows_are_rejected() {
    let x = vec![vec![0.0_f64, 1.0], vec![2.0], vec![3.0, 4.0]];
    match KMeans::new(2).fit(&x) {
        Err(Error::RaggedRows {
            row,
            expected,
            found,
            ..
        }) => {
            assert_eq!((row, expected, found), (1, 2, 1));
        }
        other => panic!("expected RaggedRows, got {other:?}"),
    }
}

#[test]
fn given_centres_with_wrong_count_are_rejected() {
    let init = KMeansInit::Given(array![[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]]);
    match KMeans::new(2).init(init).fit(&square()) {
        Err(Error::ShapeMismatch {
            what,
            expected,
            found,
        }) => {
            assert_eq!(what, "init");
            assert_eq!(expected, "2 x 2 (n_clusters x n_features of X)");
            assert_eq!(found, "3 x 2");
        }
        other => panic!("expected ShapeMismatch, got {other:?}"),
    }
}

#[test]
fn given_centres_with_wrong_width_are_rejected() {
    let init = KMeansInit::Given(array![[0.0, 0.0, 0.0], [1.0, 1.0, 1.0]]);
    match KMeans::new(2).init(init).fit(&square()) {
        Err(Error::ShapeMismatch {
            what,
            expected,
            found,
        }) => {
            assert_eq!(what, "init");
            assert_eq!(expected, "2 x 2 (n_clusters x n_features of X)");
            assert_eq!(found, "2 x 3");
        }
        other => panic!("expected ShapeMismatch, got {other:?}"),
    }
}

#[test]
fn given_centres_with_nan_are_rejected() {
    let init = KMeansInit::Given(array![[0.0, 0.0], [f64::NAN, 1.0]]);
    match KMeans::new(2).init(init).fit(&square()) {
        Err(Error::NonFinite {
            what, row, column, ..
        }) => {
            assert_eq!(what, "init");
            assert_eq!((row, column), (1, 0));
        }
        other => panic!("expected NonFinite, got {other:?}"),
    }
}

#[test]
fn zero_max_iter_is_rejected() {
    assert_invalid(KMeans::new(2).max_iter(0).fit(&square()), "max_iter", "0");
}

#[test]
fn negative_tol_is_rejected() {
    assert_invalid(KMeans::new(2).tol(-1e-3).fit(&square()), "tol", "-0.001");
}

#[test]
fn nan_tol_is_rejected() {
    assert_invalid(KMeans::new(2).tol(f64::NAN).fit(&square()), "tol", "NaN");
}

#[test]
fn zero_n_init_is_rejected() {
    match KMeans::new(2).n_init(NInit::Value(0)).fit(&square()) {
        Err(Error::InvalidParameter {
            name,
            value,
            expected,
        }) => {
            assert_eq!(name, "n_init");
            assert_eq!(value, "0");
            assert_eq!(expected, "must be at least 1, or NInit::Auto");
        }
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
}

#[test]
fn predict_with_wrong_width_is_rejected() {
    let model = KMeans::new(2).seed(0).fit(&square()).unwrap();
    let x = array![[0.0, 1.0, 2.0]];
    match model.predict(&x) {
        Err(Error::ShapeMismatch {
            what,
            expected,
            found,
        }) => {
            assert_eq!(what, "X");
            assert!(expected.starts_with("2 columns"), "{expected}");
            assert_eq!(found, "3 columns");
        }
        other => panic!("expected ShapeMismatch, got {other:?}"),
    }
    assert!(matches!(
        model.transform(&x),
        Err(Error::ShapeMismatch { what: "X", .. })
    ));
    assert!(matches!(
        model.score(&x),
        Err(Error::ShapeMismatch { what: "X", .. })
    ));
}

#[test]
fn predict_with_nan_is_rejected() {
    let model = KMeans::new(2).seed(0).fit(&square()).unwrap();
    let x = array![[0.0, f64::NAN]];
    assert!(matches!(
        model.predict(&x),
        Err(Error::NonFinite {
            what: "X",
            row: 0,
            column: 1,
            ..
        })
    ));
}

#[test]
fn minibatch_zero_batch_size_is_rejected() {
    assert_invalid(
        MiniBatchKMeans::new(2).batch_size(0).fit(&square()),
        "batch_size",
        "0",
    );
}

#[test]
fn minibatch_zero_init_size_is_rejected() {
    assert_invalid(
        MiniBatchKMeans::new(2).init_size(Some(0)).fit(&square()),
        "init_size",
        "0",
    );
}

#[test]
fn minibatch_negative_reassignment_ratio_is_rejected() {
    assert_invalid(
        MiniBatchKMeans::new(2)
            .reassignment_ratio(-0.5)
            .fit(&square()),
        "reassignment_ratio",
        "-0.5",
    );
}

#[test]
fn minibatch_common_parameters_are_checked() {
    assert_invalid(MiniBatchKMeans::new(0).fit(&square()), "n_clusters", "0");
    assert_invalid(
        MiniBatchKMeans::new(2).max_iter(0).fit(&square()),
        "max_iter",
        "0",
    );
    assert_invalid(
        MiniBatchKMeans::new(2).tol(-1.0).fit(&square()),
        "tol",
        "-1",
    );
    assert_invalid(
        MiniBatchKMeans::new(2)
            .n_init(NInit::Value(0))
            .fit(&square()),
        "n_init",
        "0",
    );
    assert!(matches!(
        MiniBatchKMeans::new(9).fit(&square()),
        Err(Error::TooFewSamples {
            n_samples: 5,
            required: 9,
            ..
        })
    ));
    assert!(matches!(
        MiniBatchKMeans::new(2)
            .init(KMeansInit::Given(array![[0.0, 0.0]]))
            .fit(&square()),
        Err(Error::ShapeMismatch { what: "init", .. })
    ));
}
