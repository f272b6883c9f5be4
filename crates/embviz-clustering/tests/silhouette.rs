//! Silhouette coefficients against scikit-learn's values on the bundled digits data.

use std::path::PathBuf;

use embviz_clustering::{silhouette_samples, silhouette_score, silhouette_score_sampled};
use embviz_core::{Error, Metric};
use embviz_io::{read_npy, read_npy_indices, read_npy_vector};
use ndarray::{Array1, Array2, array};

fn manifest_path(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(relative)
}

fn digits() -> (Array2<f64>, Vec<usize>) {
    let x = read_npy::<f64>(manifest_path("../../data/digits/X.npy")).expect("digits X.npy");
    let labels =
        read_npy_indices(manifest_path("../../data/digits/labels.npy")).expect("digits labels.npy");
    (x, labels.iter().copied().collect())
}

/// Reads a fixture: scikit-learn's mean silhouette, then the silhouette of every row.
fn expected(metric: &str) -> (f64, Array1<f64>) {
    let path = manifest_path(&format!("tests/fixtures/silhouette_digits_{metric}.npy"));
    let values = read_npy_vector::<f64>(path).expect("silhouette fixture");
    (values[0], values.slice(ndarray::s![1..]).to_owned())
}

fn assert_all_close(actual: &Array1<f64>, expected: &Array1<f64>, tolerance: f64) {
    assert_eq!(actual.len(), expected.len());
    for (row, (a, e)) in actual.iter().zip(expected).enumerate() {
        assert!(
            (a - e).abs() <= tolerance,
            "row {row}: silhouette {a}, scikit-learn {e}"
        );
    }
}

#[test]
fn euclidean_matches_scikit_learn() {
    let (x, labels) = digits();
    let (score, samples) = expected("euclidean");
    let actual = silhouette_samples(&x, &labels, Metric::Euclidean).expect("valid input");
    assert_all_close(&actual, &samples, 1e-9);
    let actual_score = silhouette_score(&x, &labels, Metric::Euclidean).expect("valid input");
    approx::assert_abs_diff_eq!(actual_score, score, epsilon = 1e-9);
    approx::assert_abs_diff_eq!(actual_score, 0.162_943_205_225_752_2, epsilon = 1e-9);
}

#[test]
fn cosine_matches_scikit_learn() {
    let (x, labels) = digits();
    let (score, samples) = expected("cosine");
    let actual = silhouette_samples(&x, &labels, Metric::Cosine).expect("valid input");
    assert_all_close(&actual, &samples, 1e-9);
    let actual_score = silhouette_score(&x, &labels, Metric::Cosine).expect("valid input");
    approx::assert_abs_diff_eq!(actual_score, score, epsilon = 1e-9);
}

#[test]
fn float32_input_matches_float64() {
    let (x, labels) = digits();
    let x32 = x.mapv(|v| v as f32);
    for metric in [Metric::Euclidean, Metric::Cosine] {
        let from_f32 = silhouette_samples(&x32, &labels, metric).expect("valid input");
        let from_f64 = silhouette_samples(&x, &labels, metric).expect("valid input");
        // Digits pixels are small integers, exact in f32, and distances are taken in f64.
        assert_all_close(&from_f32, &from_f64, 1e-12);
    }
}

#[test]
fn label_ids_need_not_be_dense() {
    let (x, labels) = digits();
    let renamed: Vec<usize> = labels.iter().map(|&l| 1000 + 37 * l).collect();
    let dense = silhouette_samples(&x, &labels, Metric::Euclidean).expect("valid input");
    let sparse = silhouette_samples(&x, &renamed, Metric::Euclidean).expect("valid input");
    assert_eq!(dense, sparse);
}

#[test]
fn hand_computed_line() {
    // Clusters {0, 1, 3} and {10, 12}, and 30 alone in a third cluster.
    let x = array![[0.0_f64], [1.0], [3.0], [10.0], [12.0], [30.0]];
    let labels = [5, 5, 5, 2, 2, 8];
    let s = silhouette_samples(&x, &labels, Metric::Euclidean).expect("valid input");
    // Row 0: a = (1 + 3) / 2 = 2, b = min((10 + 12) / 2, 30) = 11.
    approx::assert_abs_diff_eq!(s[0], 9.0 / 11.0, epsilon = 1e-12);
    // Row 2: a = (3 + 2) / 2 = 2.5, b = (7 + 9) / 2 = 8.
    approx::assert_abs_diff_eq!(s[2], 5.5 / 8.0, epsilon = 1e-12);
    // Row 3: a = 2, b = min((10 + 9 + 7) / 3, 20) = 26 / 3.
    approx::assert_abs_diff_eq!(s[3], (26.0 / 3.0 - 2.0) / (26.0 / 3.0), epsilon = 1e-12);
    // Row 5 is alone in its cluster.
    assert_eq!(s[5], 0.0);
    let score = silhouette_score(&x, &labels, Metric::Euclidean).expect("valid input");
    approx::assert_abs_diff_eq!(score, s.sum() / 6.0, epsilon = 1e-15);
}

#[test]
fn coincident_clusters_score_zero() {
    // Every distance is 0, so a = b = 0 for every row.
    let x = Array2::from_elem((4, 2), 1.5_f64);
    let s = silhouette_samples(&x, &[0, 0, 1, 1], Metric::Euclidean).expect("valid input");
    assert_eq!(s.to_vec(), vec![0.0; 4]);
}

#[test]
fn one_and_two_threads_agree() {
    let (x, labels) = digits();
    let run = |threads: usize, metric: Metric| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("thread pool")
            .install(|| silhouette_samples(&x, &labels, metric).expect("valid input"))
    };
    for metric in [Metric::Euclidean, Metric::Cosine] {
        let one = run(1, metric);
        let two = run(2, metric);
        let bits = |s: &Array1<f64>| s.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&one), bits(&two), "{metric}");
    }
}

#[test]
fn sampled_score_is_seeded() {
    let (x, labels) = digits();
    let score = |seed| {
        silhouette_score_sampled(&x, &labels, Metric::Euclidean, 600, seed).expect("valid input")
    };
    assert_eq!(score(3), score(3));
    assert_ne!(score(3), score(4));
    // A third of the rows estimates the full score of 0.163 closely.
    assert!(
        (score(3) - 0.163).abs() < 0.02,
        "sampled score {}",
        score(3)
    );
}

#[test]
fn sample_of_all_rows_is_full_score() {
    let (x, labels) = digits();
    let full = silhouette_score(&x, &labels, Metric::Euclidean).expect("valid input");
    for sample_size in [1797, 5000] {
        let sampled = silhouette_score_sampled(&x, &labels, Metric::Euclidean, sample_size, 9)
            .expect("valid input");
        assert_eq!(sampled, full, "sample_size {sample_size}");
    }
}

#[test]
fn one_label_is_rejected() {
    let x = array![[0.0_f64], [1.0], [2.0]];
    match silhouette_score(&x, &[4, 4, 4], Metric::Euclidean) {
        Err(Error::InvalidParameter { name, value, .. }) => {
            assert_eq!(name, "labels");
            assert_eq!(value, "1 distinct values");
        }
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
}

#[test]
fn one_label_per_row_is_rejected() {
    let x = array![[0.0_f64], [1.0], [2.0]];
    match silhouette_samples(&x, &[0, 1, 2], Metric::Euclidean) {
        Err(Error::InvalidParameter { name, value, .. }) => {
            assert_eq!(name, "labels");
            assert_eq!(value, "3 distinct values");
        }
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
}

#[test]
fn one_label_in_sample_is_rejected() {
    // A sample of 2 rows allows at most 1 distinct label, so it fails whichever rows are
    // drawn, while all 10 rows with their 2 labels are valid.
    let x = Array2::from_shape_fn((10, 2), |(i, j)| (i * 3 + j) as f64);
    let labels = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1];
    assert!(matches!(
        silhouette_score_sampled(&x, &labels, Metric::Euclidean, 2, 1),
        Err(Error::InvalidParameter { name: "labels", .. })
    ));
    assert!(silhouette_score_sampled(&x, &labels, Metric::Euclidean, 10, 1).is_ok());
}

#[test]
fn label_count_mismatch_is_rejected() {
    let x = array![[0.0_f64], [1.0], [2.0], [3.0]];
    match silhouette_score(&x, &[0, 0, 1], Metric::Euclidean) {
        Err(Error::ShapeMismatch {
            what,
            expected,
            found,
        }) => {
            assert_eq!(what, "labels");
            assert_eq!(expected, "4 labels, one per row of X");
            assert_eq!(found, "3 labels");
        }
        other => panic!("expected ShapeMismatch, got {other:?}"),
    }
}

#[test]
fn nan_is_rejected() {
    let mut x = Array2::from_shape_fn((5, 3), |(i, j)| (i + j) as f64);
    x[[3, 2]] = f64::NAN;
    assert!(matches!(
        silhouette_score(&x, &[0, 0, 1, 1, 1], Metric::Euclidean),
        Err(Error::NonFinite {
            what: "X",
            row: 3,
            column: 2,
            ..
        })
    ));
}

#[test]
fn empty_input_is_rejected() {
    let x = Array2::<f64>::zeros((0, 3));
    assert!(matches!(
        silhouette_score(&x, &[], Metric::Euclidean),
        Err(Error::EmptyInput {
            what: "X",
            n_rows: 0,
            n_cols: 3,
        })
    ));
}

#[test]
fn zero_row_is_rejected_for_cosine() {
    let x = array![[1.0_f64, 0.0], [0.0, 0.0], [0.0, 1.0], [1.0, 1.0]];
    assert!(matches!(
        silhouette_score(&x, &[0, 0, 1, 1], Metric::Cosine),
        Err(Error::ZeroVector { what: "X", row: 1 })
    ));
    assert!(silhouette_score(&x, &[0, 0, 1, 1], Metric::Euclidean).is_ok());
}

#[test]
fn zero_sample_size_is_rejected() {
    let x = array![[0.0_f64], [1.0], [2.0], [3.0]];
    assert!(matches!(
        silhouette_score_sampled(&x, &[0, 0, 1, 1], Metric::Euclidean, 0, 1),
        Err(Error::InvalidParameter {
            name: "sample_size",
            ..
        })
    ));
}
