//! Local Outlier Factor on the outlier-detection data sets against scikit-learn's ROC AUC.
//!
//! The data sets live outside the repository, in the folder named by the `EMBVIZ_DATA`
//! environment variable (`<name>/X.npy` float32 and `<name>/outlier.npy` with 1 for
//! outliers). Without it the tests print a note and pass. The expected values are the ROC
//! AUC of `-negative_outlier_factor_` from scikit-learn 1.9.1's
//! `LocalOutlierFactor(n_neighbors=20)` fitted on the float32 `X.npy`.

use std::path::PathBuf;

use embviz_anomaly::LocalOutlierFactor;
use ndarray::{Array1, Array2};

/// Maximum difference from scikit-learn's ROC AUC. Ties at the 20th neighbour are broken
/// in another order, and scikit-learn computes the densities in f32 for f32 input.
const AUC_TOLERANCE: f64 = 0.002;

/// Reads `$EMBVIZ_DATA/<name>`, or returns `None` after printing why the test is skipped.
fn dataset(name: &str) -> Option<(Array2<f32>, Vec<bool>)> {
    let Some(root) = std::env::var_os("EMBVIZ_DATA") else {
        eprintln!("skipped: set EMBVIZ_DATA to the folder of the shared data sets to run {name}");
        return None;
    };
    let folder = PathBuf::from(root).join(name);
    let x = embviz_io::read_npy::<f32>(folder.join("X.npy")).expect("X.npy is readable");
    let outlier: Array1<f64> =
        embviz_io::read_npy_vector(folder.join("outlier.npy")).expect("outlier.npy is readable");
    assert_eq!(
        x.nrows(),
        outlier.len(),
        "{name}: rows of X and outlier.npy"
    );
    Some((x, outlier.iter().map(|&flag| flag == 1.0).collect()))
}

fn assert_auc(name: &str, expected: f64) {
    let Some((x, truth)) = dataset(name) else {
        return;
    };
    let lof = LocalOutlierFactor::new()
        .fit(&x)
        .expect("the data set is valid input");
    let anomaly_score: Vec<f64> = lof.negative_outlier_factor().iter().map(|s| -s).collect();
    let auc = embviz_metrics::roc_auc(&truth, &anomaly_score).expect("both classes occur");
    println!("{name}: ROC AUC {auc:.4}, scikit-learn {expected:.4}");
    assert!(
        (auc - expected).abs() <= AUC_TOLERANCE,
        "{name}: ROC AUC {auc} vs scikit-learn {expected}"
    );
}

#[test]
fn adbench_20news_bert_auc() {
    assert_auc("adbench_20news_bert", 0.6479);
}

#[test]
fn adbench_mvtec_hazelnut_auc() {
    assert_auc("adbench_mvtec_hazelnut_resnet18", 0.7822);
}

#[test]
fn odds_cardio_auc() {
    assert_auc("odds_cardio", 0.5471);
}

#[test]
fn odds_mnist_auc() {
    assert_auc("odds_mnist", 0.6482);
}

#[test]
fn odds_pendigits_auc() {
    assert_auc("odds_pendigits", 0.4821);
}

#[test]
fn odds_satellite_auc() {
    assert_auc("odds_satellite", 0.5428);
}

#[test]
fn odds_thyroid_auc() {
    assert_auc("odds_thyroid", 0.8075);
}
