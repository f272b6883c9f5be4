//! kNN preservation, leave-one-out kNN accuracy and the adjusted Rand index against values
//! computed with scikit-learn (see scripts/make_quality_fixtures.py).

use std::path::PathBuf;

use embviz_core::Error;
use embviz_io::{read_npy, read_npy_indices, read_npy_vector};
use embviz_metrics::{
    adjusted_rand_index, knn_accuracy, knn_preservation, knn_preservation_samples,
};
use ndarray::{Array2, array};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Reads the noisy first 400 digits images, their 2-D map and their digit classes.
fn digits400() -> (Array2<f64>, Array2<f64>, Vec<usize>) {
    let x = read_npy::<f64>(fixture("trustworthiness_digits400_input.npy")).expect("fixture");
    let y = read_npy::<f64>(fixture("trustworthiness_digits400_map.npy")).expect("fixture");
    let labels = read_npy_indices(fixture("quality_digits400_labels.npy")).expect("fixture");
    (x, y, labels.iter().copied().collect())
}

/// Reads the expected values: rows of `k`, kNN preservation and kNN accuracy.
fn expected_rows() -> Array2<f64> {
    let expected = read_npy::<f64>(fixture("quality_digits400_expected.npy")).expect("fixture");
    assert_eq!(expected.nrows(), 5);
    expected
}

#[test]
fn preservation_matches_numpy() {
    let (x, y, _) = digits400();
    for row in expected_rows().outer_iter() {
        let k = row[0] as usize;
        let value = knn_preservation(&x, &y, k).expect("valid input");
        approx::assert_abs_diff_eq!(value, row[1], epsilon = 1e-12);
    }
}

#[test]
fn preservation_per_row_matches_numpy() {
    let (x, y, _) = digits400();
    let expected =
        read_npy_vector::<f64>(fixture("quality_digits400_preservation_k10.npy")).expect("fixture");
    let per_row = knn_preservation_samples(&x, &y, 10).expect("valid input");
    assert_eq!(per_row, expected);
    let mean = knn_preservation(&x, &y, 10).expect("valid input");
    approx::assert_abs_diff_eq!(mean, per_row.mean().expect("400 rows"), epsilon = 1e-15);
}

#[test]
fn preservation_of_identity_map_is_one() {
    let (x, _, _) = digits400();
    assert_eq!(knn_preservation(&x, &x, 7).expect("valid input"), 1.0);
}

#[test]
fn preservation_accepts_mixed_precision() {
    let (x, y, _) = digits400();
    let y32 = y.mapv(|v| v as f32);
    let from_f32 = knn_preservation(&x, &y32, 10).expect("valid input");
    approx::assert_abs_diff_eq!(from_f32, 0.286_75, epsilon = 1e-12);
}

#[test]
fn accuracy_matches_scikit_learn() {
    let (_, y, labels) = digits400();
    for row in expected_rows().outer_iter() {
        let k = row[0] as usize;
        let value = knn_accuracy(&y, &labels, k).expect("valid input");
        approx::assert_abs_diff_eq!(value, row[2], epsilon = 1e-12);
    }
}

#[test]
fn accuracy_ignores_label_ids() {
    // An increasing relabelling keeps the order of labels, so tied votes go the same way.
    let (_, y, labels) = digits400();
    let renamed: Vec<usize> = labels.iter().map(|&l| 500 + 3 * l).collect();
    for k in [4, 10] {
        assert_eq!(
            knn_accuracy(&y, &renamed, k).expect("valid input"),
            knn_accuracy(&y, &labels, k).expect("valid input"),
        );
    }
}

#[test]
fn accuracy_tie_goes_to_smallest_label() {
    let y = array![[0.0], [1.0], [2.0], [3.0]];
    // Row 1's neighbours are rows 0 and 2 (distance 1 each): classes 7 and 3.
    // Row 2's neighbours are rows 1 and 3: classes 3 and 7.
    let labels = [7, 3, 3, 7];
    // Row 0: rows 1 and 2 vote 3 and 3, wrong. Row 1: 7 and 3, tie to 3, right.
    // Row 2: 3 and 7, tie to 3, right. Row 3: rows 2 and 1 vote 3 and 3, wrong.
    assert_eq!(knn_accuracy(&y, &labels, 2).expect("valid input"), 0.5);
    // With the class ids swapped, the ties go the other way and every row is wrong.
    assert_eq!(
        knn_accuracy(&y, &[3, 7, 7, 3], 2).expect("valid input"),
        0.0
    );
}

#[test]
fn ari_matches_scikit_learn_on_small_cases() {
    // Pairs and values from scikit-learn 1.9.1's adjusted_rand_score.
    let cases: [(&[usize], &[usize], f64); 9] = [
        (&[0, 0, 1, 1], &[0, 0, 1, 1], 1.0),
        (&[0, 0, 1, 1], &[1, 1, 0, 0], 1.0),
        (&[0, 0, 1, 2], &[0, 0, 1, 1], 0.571_428_571_428_571_4),
        (&[0, 0, 1, 1], &[0, 1, 0, 1], -0.5),
        (&[0, 0, 0, 0], &[0, 1, 2, 3], 0.0),
        (&[0, 0, 0, 0], &[5, 5, 5, 5], 1.0),
        (&[0, 1, 2, 3], &[3, 2, 1, 0], 1.0),
        (&[7], &[3], 1.0),
        (
            &[0, 0, 0, 1, 1, 1, 2, 2, 2],
            &[0, 0, 1, 1, 1, 2, 2, 2, 2],
            0.357_142_857_142_857_15,
        ),
    ];
    for (labels_true, labels_pred, expected) in cases {
        let value = adjusted_rand_index(labels_true, labels_pred).expect("valid input");
        assert_eq!(value, expected, "{labels_true:?} vs {labels_pred:?}");
    }
}

#[test]
fn ari_matches_scikit_learn_on_digits_labels() {
    let pairs = read_npy_indices(fixture("ari_labels.npy")).expect("fixture");
    let expected = read_npy_vector::<f64>(fixture("ari_expected.npy")).expect("fixture");
    let row = |r: usize| pairs.row(r).to_vec();
    // Digits classes against a copy with 30% of labels redrawn.
    assert_eq!(
        adjusted_rand_index(&row(0), &row(1)).expect("valid input"),
        expected[0]
    );
    // Two unrelated random clusterings with 5 and 40 clusters.
    assert_eq!(
        adjusted_rand_index(&row(2), &row(3)).expect("valid input"),
        expected[1]
    );
    approx::assert_abs_diff_eq!(expected[1], 0.0, epsilon = 1e-3);
}

#[test]
fn ari_is_symmetric() {
    let pairs = read_npy_indices(fixture("ari_labels.npy")).expect("fixture");
    let (a, b) = (pairs.row(0).to_vec(), pairs.row(1).to_vec());
    assert_eq!(
        adjusted_rand_index(&a, &b).expect("valid input"),
        adjusted_rand_index(&b, &a).expect("valid input"),
    );
}

#[test]
fn one_and_two_threads_agree() {
    let (x, y, labels) = digits400();
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("thread pool")
            .install(|| {
                (
                    knn_preservation_samples(&x, &y, 10).expect("valid input"),
                    knn_accuracy(&y, &labels, 10).expect("valid input"),
                )
            })
    };
    assert_eq!(run(1), run(2));
}

#[test]
fn preservation_row_mismatch_is_rejected() {
    let x = Array2::<f64>::zeros((10, 3));
    let y = Array2::<f64>::zeros((9, 2));
    match knn_preservation(&x, &y, 2) {
        Err(Error::ShapeMismatch {
            what,
            expected,
            found,
        }) => {
            assert_eq!(what, "X_embedded");
            assert_eq!(expected, "10 rows, one per row of X");
            assert_eq!(found, "9 rows");
        }
        other => panic!("expected ShapeMismatch, got {other:?}"),
    }
}

#[test]
fn preservation_too_many_neighbors_is_rejected() {
    let x = Array2::from_shape_fn((10, 2), |(i, j)| (i * 2 + j) as f64);
    for k in [0, 10, 11] {
        match knn_preservation_samples(&x, &x, k) {
            Err(Error::InvalidParameter { name, value, .. }) => {
                assert_eq!(name, "n_neighbors");
                assert_eq!(value, k.to_string());
            }
            other => panic!("expected InvalidParameter for k = {k}, got {other:?}"),
        }
    }
    assert!(knn_preservation(&x, &x, 9).is_ok());
}

#[test]
fn preservation_empty_input_is_rejected() {
    let x = Array2::<f64>::zeros((0, 4));
    assert!(matches!(
        knn_preservation(&x, &x, 1),
        Err(Error::EmptyInput {
            what: "X",
            n_rows: 0,
            n_cols: 4,
        })
    ));
}

#[test]
fn preservation_nan_map_is_rejected() {
    let x = Array2::from_shape_fn((10, 2), |(i, j)| (i * 2 + j) as f64);
    let mut y = x.clone();
    y[[6, 0]] = f64::NAN;
    assert!(matches!(
        knn_preservation(&x, &y, 3),
        Err(Error::NonFinite {
            what: "X_embedded",
            row: 6,
            column: 0,
            ..
        })
    ));
}

#[test]
fn accuracy_label_count_mismatch_is_rejected() {
    let y = Array2::from_shape_fn((6, 2), |(i, j)| (i * 2 + j) as f64);
    match knn_accuracy(&y, &[0, 1, 0], 2) {
        Err(Error::ShapeMismatch {
            what,
            expected,
            found,
        }) => {
            assert_eq!(what, "labels");
            assert_eq!(expected, "6 labels, one per row of X");
            assert_eq!(found, "3 labels");
        }
        other => panic!("expected ShapeMismatch, got {other:?}"),
    }
}

#[test]
fn accuracy_too_many_neighbors_is_rejected() {
    let y = Array2::from_shape_fn((6, 2), |(i, j)| (i * 2 + j) as f64);
    assert!(matches!(
        knn_accuracy(&y, &[0, 1, 0, 1, 0, 1], 6),
        Err(Error::InvalidParameter {
            name: "n_neighbors",
            ..
        })
    ));
}

#[test]
fn accuracy_empty_input_is_rejected() {
    let y = Array2::<f32>::zeros((0, 2));
    assert!(matches!(
        knn_accuracy(&y, &[], 1),
        Err(Error::EmptyInput {
            what: "X",
            n_rows: 0,
            n_cols: 2,
        })
    ));
}

#[test]
fn accuracy_nan_is_rejected() {
    let mut y = Array2::from_shape_fn((6, 2), |(i, j)| (i * 2 + j) as f32);
    y[[2, 1]] = f32::NAN;
    assert!(matches!(
        knn_accuracy(&y, &[0, 1, 0, 1, 0, 1], 2),
        Err(Error::NonFinite {
            what: "X",
            row: 2,
            column: 1,
            ..
        })
    ));
}

#[test]
fn ari_length_mismatch_is_rejected() {
    match adjusted_rand_index(&[0, 0, 1], &[0, 1]) {
        Err(Error::ShapeMismatch {
            what,
            expected,
            found,
        }) => {
            assert_eq!(what, "labels_pred");
            assert_eq!(expected, "3 labels, one per entry of labels_true");
            assert_eq!(found, "2 labels");
        }
        other => panic!("expected ShapeMismatch, got {other:?}"),
    }
}

#[test]
fn ari_empty_labels_are_rejected() {
    assert!(matches!(
        adjusted_rand_index(&[], &[]),
        Err(Error::EmptyInput {
            what: "labels_true",
            n_rows: 0,
            n_cols: 1,
        })
    ));
}
