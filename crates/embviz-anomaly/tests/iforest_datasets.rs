//! Isolation Forest detection quality on the ODDS and ADBench outlier data sets, against
//! scikit-learn. The data sets live outside the repository: set `EMBVIZ_DATA` to the folder
//! that contains `odds_cardio/`, `odds_mnist/`, ... (each with `X.npy` and `outlier.npy`), or
//! the tests print a note and pass without checking.

use std::path::PathBuf;

use embviz_anomaly::{IsolationForest, SplitRule};
use embviz_io::{read_npy, read_npy_vector};
use embviz_metrics::roc_auc;
use ndarray::Array2;

/// Mean ROC AUC of `-score_samples(X)` against `outlier.npy` for scikit-learn 1.9.1's
/// `IsolationForest(random_state=seed)` (100 trees, max_samples "auto"), over seeds 0 to 4:
///
/// ```text
/// np.mean([roc_auc_score(y, -IsolationForest(random_state=s).fit(X).score_samples(X))
///          for s in range(5)])
/// ```
const SCIKIT_LEARN_ROC_AUC: [(&str, f64); 7] = [
    ("adbench_20news_bert", 0.6595),
    ("adbench_mvtec_hazelnut_resnet18", 0.7075),
    ("odds_cardio", 0.9318),
    ("odds_mnist", 0.8012),
    ("odds_pendigits", 0.9404),
    ("odds_satellite", 0.6962),
    ("odds_thyroid", 0.9777),
];

/// Returns the features and outlier flags of a shared data set, or `None` with a printed
/// note when `EMBVIZ_DATA` is not set.
fn outlier_dataset(name: &str) -> Option<(Array2<f32>, Vec<bool>)> {
    let Some(root) = std::env::var_os("EMBVIZ_DATA") else {
        eprintln!("skipped: set EMBVIZ_DATA to the folder of the shared data sets to run it");
        return None;
    };
    let folder = PathBuf::from(root).join(name);
    let x = read_npy::<f32>(folder.join("X.npy"))
        .unwrap_or_else(|e| panic!("{}: {e}", folder.display()));
    let outlier = read_npy_vector::<f64>(folder.join("outlier.npy"))
        .unwrap_or_else(|e| panic!("{}: {e}", folder.display()));
    assert_eq!(outlier.len(), x.nrows(), "{name}: one flag per row");
    Some((x, outlier.iter().map(|&flag| flag != 0.0).collect()))
}

/// Mean over seeds 0 to 4 of the ROC AUC of `-score_samples(x)`.
fn mean_roc_auc(params: &IsolationForest, x: &Array2<f32>, truth: &[bool]) -> f64 {
    let aucs: Vec<f64> = (0..5)
        .map(|seed| {
            let forest = params.clone().seed(seed).fit(x).expect("valid data");
            let scores = forest.score_samples(x).expect("valid data");
            let anomaly: Vec<f64> = scores.iter().map(|s| -s).collect();
            roc_auc(truth, &anomaly).expect("both classes present")
        })
        .collect();
    aucs.iter().sum::<f64>() / aucs.len() as f64
}

#[test]
fn roc_auc_matches_scikit_learn() {
    // Over 5 seeds the mean has a standard error of about 0.005 (per-seed standard
    // deviations are 0.002 to 0.02), for scikit-learn and for this forest alike, so the two
    // means may differ by up to about 0.015 by chance. Over 30 seeds they agree within 0.003
    // on odds_cardio (0.9232 here, 0.9262 for scikit-learn) and odds_mnist (0.8029, 0.8012).
    for (name, reference) in SCIKIT_LEARN_ROC_AUC {
        let Some((x, truth)) = outlier_dataset(name) else {
            return;
        };
        let auc = mean_roc_auc(&IsolationForest::new(), &x, &truth);
        println!("{name}: mean ROC AUC {auc:.4}, scikit-learn {reference:.4}");
        assert!(
            (auc - reference).abs() <= 0.02,
            "{name}: mean ROC AUC {auc:.4}, scikit-learn {reference:.4}"
        );
    }
}

#[test]
fn extended_forest_detects_cardio_outliers() {
    let Some((x, truth)) = outlier_dataset("odds_cardio") else {
        return;
    };
    let axis = mean_roc_auc(&IsolationForest::new(), &x, &truth);
    let extended = mean_roc_auc(
        &IsolationForest::new().split_rule(SplitRule::Extended {
            extension_level: None,
        }),
        &x,
        &truth,
    );
    println!("odds_cardio: mean ROC AUC {axis:.4} axis, {extended:.4} extended");
    assert!(extended >= 0.90, "extended mean ROC AUC {extended:.4}");
    assert!(
        (extended - axis).abs() <= 0.05,
        "{extended:.4} vs {axis:.4}"
    );
}
