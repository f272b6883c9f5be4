//! ROC AUC and average precision against scikit-learn's values on scores with ties.

use std::path::PathBuf;

use embviz_io::{read_npy, read_npy_vector};
use embviz_metrics::{average_precision, roc_auc};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

#[test]
fn tied_scores_match_scikit_learn() {
    let input = read_npy::<f64>(fixture("ranking_ties_input.npy")).expect("fixture");
    let expected = read_npy_vector::<f64>(fixture("ranking_ties_expected.npy")).expect("fixture");
    let truth: Vec<bool> = input.column(0).iter().map(|&t| t == 1.0).collect();
    let scores: Vec<f64> = input.column(1).to_vec();
    // 500 scores on 53 distinct values: most positives share a score with negatives.
    assert_eq!(truth.len(), 500);
    let auc = roc_auc(&truth, &scores).expect("valid input");
    let ap = average_precision(&truth, &scores).expect("valid input");
    approx::assert_relative_eq!(auc, expected[0], max_relative = 1e-12);
    approx::assert_relative_eq!(ap, expected[1], max_relative = 1e-12);
    // Reordering rows inside a tie changes nothing.
    let mut order: Vec<usize> = (0..truth.len()).collect();
    order.reverse();
    let truth_r: Vec<bool> = order.iter().map(|&i| truth[i]).collect();
    let scores_r: Vec<f64> = order.iter().map(|&i| scores[i]).collect();
    assert_eq!(roc_auc(&truth_r, &scores_r).expect("valid input"), auc);
    assert_eq!(
        average_precision(&truth_r, &scores_r).expect("valid input"),
        ap
    );
}
