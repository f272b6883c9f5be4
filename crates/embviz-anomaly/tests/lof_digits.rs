//! Local Outlier Factor on the digits images against scikit-learn's reference values.
//!
//! The fixtures come from `LocalOutlierFactor(n_neighbors=20).fit(X)` on the 1797 x 64
//! digits images cast to float64, with scikit-learn 1.9.1:
//!
//! - `digits_lof20_negative_outlier_factor.npy`: scikit-learn's `negative_outlier_factor_`.
//! - `digits_lof20_negative_outlier_factor_lowest_index_ties.npy`: the same formula computed
//!   in numpy on neighbour lists whose equal distances are ordered by ascending index, the
//!   order `embviz_neighbors` uses.
//! - `digits_lof20_tie_free.npy`: true on the 550 rows whose LOF does not depend on how
//!   ties are broken, because neither the row nor any of its 20 neighbours has a tie
//!   between its 20th and 21st nearest distance.

use std::path::PathBuf;

use embviz_anomaly::LocalOutlierFactor;
use ndarray::{Array1, Array2};

fn manifest_path(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(relative)
}

fn digits() -> Array2<f64> {
    embviz_io::read_npy(manifest_path("../../data/digits/X.npy"))
        .expect("the digits data is bundled")
}

fn fixture(name: &str) -> Array1<f64> {
    embviz_io::read_npy_vector(manifest_path(&format!("tests/fixtures/{name}")))
        .expect("the fixture is readable")
}

fn assert_close(row: usize, found: f64, expected: f64) {
    assert!(
        (found - expected).abs() <= 1e-9 * expected.abs(),
        "row {row}: {found} vs {expected}"
    );
}

#[test]
fn digits_matches_lowest_index_reference() {
    let x = digits();
    assert_eq!(x.dim(), (1797, 64));
    let lof = LocalOutlierFactor::new()
        .fit(&x)
        .expect("digits is valid input");
    let scores = lof.negative_outlier_factor();
    let expected = fixture("digits_lof20_negative_outlier_factor_lowest_index_ties.npy");
    assert_eq!(scores.len(), 1797);
    for (row, (&found, &expected)) in scores.iter().zip(&expected).enumerate() {
        assert_close(row, found, expected);
    }
}

#[test]
fn digits_matches_sklearn_on_tie_free_rows() {
    let x = digits();
    let lof = LocalOutlierFactor::new()
        .fit(&x)
        .expect("digits is valid input");
    let scores = lof.negative_outlier_factor();
    let expected = fixture("digits_lof20_negative_outlier_factor.npy");
    let tie_free = fixture("digits_lof20_tie_free.npy");
    assert_eq!(tie_free.iter().filter(|&&flag| flag == 1.0).count(), 550);

    let mut compared = 0;
    for (row, ((&found, &expected), &flag)) in
        scores.iter().zip(&expected).zip(&tie_free).enumerate()
    {
        if flag == 1.0 {
            assert_close(row, found, expected);
            compared += 1;
        }
    }
    assert_eq!(compared, 550);
}

#[test]
fn digits_score_range_and_labels() {
    // The reference runs from -1.537 to -0.963, so with the auto offset of -1.5 only the
    // rows below -1.5 are outliers.
    let x = digits();
    let lof = LocalOutlierFactor::new()
        .fit(&x)
        .expect("digits is valid input");
    let scores = lof.negative_outlier_factor();
    let min = scores.iter().copied().fold(f64::INFINITY, f64::min);
    let max = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    assert!((min - -1.537).abs() < 1e-3, "minimum {min}");
    assert!((max - -0.963).abs() < 1e-3, "maximum {max}");

    let expected = fixture("digits_lof20_negative_outlier_factor_lowest_index_ties.npy");
    let expected_outliers = expected.iter().filter(|&&s| s < -1.5).count();
    assert!(expected_outliers > 0);
    let labels = lof.labels();
    assert_eq!(
        labels.iter().filter(|&&l| l == -1).count(),
        expected_outliers
    );
    for (row, (&label, &score)) in labels.iter().zip(scores).enumerate() {
        assert_eq!(label, if score < -1.5 { -1 } else { 1 }, "row {row}");
    }
}

#[test]
fn digits_f32_close_to_f64() {
    // Every digits value is a small integer, so the f32 input contains the same values.
    // Only the rounding of the distances to f32 moves the scores, by far less than 1e-6.
    let x = digits();
    let x32 = x.mapv(|v| v as f32);
    let scores64 = LocalOutlierFactor::new()
        .fit(&x)
        .expect("digits is valid input")
        .negative_outlier_factor()
        .clone();
    let lof32 = LocalOutlierFactor::new()
        .fit(&x32)
        .expect("digits is valid input");
    for (row, (&found, &expected)) in lof32
        .negative_outlier_factor()
        .iter()
        .zip(&scores64)
        .enumerate()
    {
        assert!(
            (found - expected).abs() <= 1e-6 * expected.abs(),
            "row {row}: {found} vs {expected}"
        );
    }
}
