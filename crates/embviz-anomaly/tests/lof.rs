//! Local Outlier Factor against scikit-learn on tie-free data, and its conventions:
//! offsets, labels, novelty scoring, duplicates and thread-count independence.
//!
//! `lof_digits500_*.npy` come from `scripts/make_lof_fixtures.py`: the first 500 digits
//! images plus seeded Gaussian noise of scale 0.01 (`lof_digits500_noisy.npy`), so no row
//! has a near-tie at its 20th neighbour and the LOF does not depend on tie-breaking. The
//! expected values are scikit-learn 1.9.1's, with `n_neighbors=20`.

use std::path::PathBuf;

use embviz_anomaly::{Contamination, LocalOutlierFactor};
use embviz_core::Metric;
use ndarray::{Array1, Array2, Axis, array, s};

fn manifest_path(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(relative)
}

fn noisy_digits() -> Array2<f64> {
    embviz_io::read_npy(manifest_path("tests/fixtures/lof_digits500_noisy.npy"))
        .expect("the noisy digits fixture is readable")
}

fn fixture(name: &str) -> Array1<f64> {
    embviz_io::read_npy_vector(manifest_path(&format!("tests/fixtures/{name}")))
        .expect("the fixture is readable")
}

fn assert_all_close(quantity: &str, found: &Array1<f64>, expected: &Array1<f64>, tolerance: f64) {
    assert_eq!(found.len(), expected.len(), "{quantity}: length");
    for (row, (&found, &expected)) in found.iter().zip(expected).enumerate() {
        assert!(
            (found - expected).abs() <= tolerance * expected.abs(),
            "{quantity}, row {row}: {found} vs {expected}"
        );
    }
}

#[test]
fn euclidean_matches_sklearn() {
    let x = noisy_digits();
    assert_eq!(x.dim(), (500, 64));
    let lof = LocalOutlierFactor::new().fit(&x).expect("valid input");
    assert_eq!(lof.n_neighbors(), 20);
    assert_eq!(lof.n_samples_fit(), 500);
    assert_eq!(lof.n_features_in(), 64);
    assert_all_close(
        "negative_outlier_factor",
        lof.negative_outlier_factor(),
        &fixture("lof_digits500_negative_outlier_factor.npy"),
        1e-9,
    );
}

#[test]
fn cosine_matches_sklearn() {
    let x = noisy_digits();
    let lof = LocalOutlierFactor::new()
        .metric(Metric::Cosine)
        .fit(&x)
        .expect("valid input");
    assert_eq!(lof.metric(), Metric::Cosine);
    assert_all_close(
        "cosine negative_outlier_factor",
        lof.negative_outlier_factor(),
        &fixture("lof_digits500_cosine_negative_outlier_factor.npy"),
        1e-9,
    );
}

#[test]
fn auto_offset_is_minus_one_and_a_half() {
    let x = noisy_digits();
    let lof = LocalOutlierFactor::new().fit(&x).expect("valid input");
    assert_eq!(lof.contamination(), Contamination::Auto);
    assert_eq!(lof.offset(), -1.5);
    let labels = lof.labels();
    for (row, (&label, &score)) in labels.iter().zip(lof.negative_outlier_factor()).enumerate() {
        assert_eq!(label, if score < -1.5 { -1 } else { 1 }, "row {row}");
    }
    let fit_predict = LocalOutlierFactor::new()
        .fit_predict(&x)
        .expect("valid input");
    assert_eq!(fit_predict, labels);
}

#[test]
fn contamination_offset_matches_sklearn() {
    // Fixture: offset_ and number of rows flagged for contamination 0.1, then for 0.25.
    let expected = fixture("lof_digits500_contamination_offsets.npy");
    let x = noisy_digits();
    for (position, fraction) in [0.1, 0.25].into_iter().enumerate() {
        let lof = LocalOutlierFactor::new()
            .contamination(Contamination::Fraction(fraction))
            .fit(&x)
            .expect("valid input");
        let offset = expected[2 * position];
        let flagged = expected[2 * position + 1] as usize;
        assert!(
            (lof.offset() - offset).abs() <= 1e-9 * offset.abs(),
            "contamination {fraction}: offset {} vs {offset}",
            lof.offset()
        );
        let labels = lof.labels();
        assert_eq!(labels.iter().filter(|&&l| l == -1).count(), flagged);
        assert_eq!(flagged, (fraction * 500.0) as usize);
        let fit_predict = LocalOutlierFactor::new()
            .contamination(Contamination::Fraction(fraction))
            .fit_predict(&x)
            .expect("valid input");
        assert_eq!(fit_predict, labels);
    }
}

#[test]
fn contamination_offset_is_percentile() {
    // np.percentile(scores, 10) with the linear rule: sorted[49] + 0.9 (sorted[50] - sorted[49]),
    // since the position is 0.1 * 499 = 49.9.
    let x = noisy_digits();
    let lof = LocalOutlierFactor::new()
        .contamination(Contamination::Fraction(0.1))
        .fit(&x)
        .expect("valid input");
    let mut sorted = lof.negative_outlier_factor().to_vec();
    sorted.sort_by(f64::total_cmp);
    let expected = sorted[49] + 0.9 * (sorted[50] - sorted[49]);
    assert!((lof.offset() - expected).abs() <= 1e-12);
    assert!(sorted[49] < lof.offset());
    assert!(lof.offset() < sorted[50]);
}

#[test]
fn novelty_scores_match_sklearn() {
    let x = noisy_digits();
    let train = x.slice(s![..400, ..]);
    let new = x.slice(s![400.., ..]);
    let lof = LocalOutlierFactor::new()
        .novelty(true)
        .contamination(Contamination::Fraction(0.1))
        .fit(&train)
        .expect("valid input");
    assert!(lof.novelty());

    let scores = lof.score_samples(&new).expect("novelty is on");
    assert_all_close(
        "score_samples",
        &scores,
        &fixture("lof_digits500_novelty_score_samples.npy"),
        1e-9,
    );
    let decision = lof.decision_function(&new).expect("novelty is on");
    let expected_decision = fixture("lof_digits500_novelty_decision_function.npy");
    for (row, (&found, &expected)) in decision.iter().zip(&expected_decision).enumerate() {
        assert!(
            (found - expected).abs() <= 1e-9,
            "row {row}: {found} vs {expected}"
        );
    }
    // scikit-learn flags 35 of the 100 new rows with offset_ = -1.0673407196089586.
    assert!((lof.offset() - -1.067_340_719_608_958_6).abs() <= 1e-9);
    let labels = lof.predict(&new).expect("novelty is on");
    assert_eq!(labels.iter().filter(|&&l| l == -1).count(), 35);
}

#[test]
fn novelty_conventions() {
    let x = noisy_digits();
    let train = x.slice(s![..400, ..]);
    let new = x.slice(s![400.., ..]);
    let lof = LocalOutlierFactor::new()
        .novelty(true)
        .fit(&train)
        .expect("valid input");
    let scores = lof.score_samples(&new).expect("novelty is on");
    let decision = lof.decision_function(&new).expect("novelty is on");
    let labels = lof.predict(&new).expect("novelty is on");
    for row in 0..scores.len() {
        assert_eq!(decision[row], scores[row] - lof.offset(), "row {row}");
        assert_eq!(
            labels[row],
            if decision[row] < 0.0 { -1 } else { 1 },
            "row {row}"
        );
    }

    // A row far from every training row is an outlier.
    let far = train.row(0).mapv(|v| v + 100.0).insert_axis(Axis(0));
    let far_score = lof.score_samples(&far).expect("novelty is on")[0];
    assert!(far_score < -5.0, "far row scored {far_score}");
    assert_eq!(lof.predict(&far).expect("novelty is on").to_vec(), vec![-1]);

    // The training labels stay available, as scikit-learn's predict() without X.
    let training_labels = lof.labels();
    assert_eq!(training_labels.len(), 400);
    let expected = LocalOutlierFactor::new()
        .fit_predict(&train)
        .expect("valid input");
    assert_eq!(training_labels, expected);
}

#[test]
fn novelty_query_of_training_row_counts_itself() {
    // Scoring a training row as new data puts the row itself among its neighbours at
    // distance 0, so its score differs from its training score.
    let x = array![
        [0.0_f64, 0.0],
        [1.0, 0.0],
        [0.0, 1.0],
        [1.0, 1.0],
        [5.0, 5.0]
    ];
    let lof = LocalOutlierFactor::new()
        .n_neighbors(2)
        .novelty(true)
        .fit(&x)
        .expect("valid input");
    // Rows 0 to 3 form a unit square: k-distance 1, lrd 1 / (1 + 1e-10). Row 4 has
    // neighbours 3 and 1 at sqrt(32) and sqrt(41), so its k-distance is sqrt(41) and its
    // mean reachability m = (sqrt(32) + sqrt(41)) / 2, which gives a training LOF of m.
    let guard = 1e-10;
    let m = (32.0_f64.sqrt() + 41.0_f64.sqrt()) / 2.0;
    let training = lof.negative_outlier_factor()[4];
    assert!(
        (training - -(m + guard) / (1.0 + guard)).abs() < 1e-12,
        "{training}"
    );

    // As a query, row 4 finds itself (reach max(sqrt(41), 0)) and row 3 (reach sqrt(32)),
    // the same mean m, and compares with the densities of rows 4 and 3.
    let scores = lof.score_samples(&x).expect("novelty is on");
    let expected = -(1.0 + (m + guard) / (1.0 + guard)) / 2.0;
    assert!((scores[4] - expected).abs() < 1e-12, "{}", scores[4]);
    assert!((scores[4] - training).abs() > 2.0);
    // Row 0 as a query: itself and row 1, reach 1 to both, and all densities equal.
    assert!((scores[0] - -1.0).abs() < 1e-12, "{}", scores[0]);
}

#[test]
fn duplicates_give_finite_scores() {
    // 30 identical rows, a small cluster beside them and one far row, with k = 5: each
    // duplicate has 5 neighbours at distance 0, so its mean reachability is 0 and only the
    // 1e-10 guard keeps its density finite.
    let mut rows = vec![vec![1.0_f64, 2.0, 3.0]; 30];
    rows.extend([
        vec![1.5, 2.0, 3.0],
        vec![1.6, 2.1, 3.0],
        vec![1.4, 2.2, 3.1],
        vec![1.5, 2.3, 2.9],
        vec![1.7, 1.9, 3.2],
        vec![1.6, 2.0, 2.8],
        vec![9.0, 9.0, 9.0],
    ]);
    let lof = LocalOutlierFactor::new()
        .n_neighbors(5)
        .fit(&rows)
        .expect("valid input");
    let scores = lof.negative_outlier_factor();
    assert!(scores.iter().all(|s| s.is_finite()), "{scores}");
    for row in 0..30 {
        assert_eq!(scores[row], -1.0, "duplicate row {row}");
        assert_eq!(lof.local_reachability_density()[row], 1.0 / 1e-10);
        assert_eq!(lof.k_distances()[row], 0.0);
    }
    assert!(scores[36] < -1.5);
}

#[test]
fn duplicates_next_to_row_give_huge_finite_score() {
    // A row whose neighbours are all duplicates compares its ordinary density with their
    // density of 1e10, so its factor is about 1e10, as in scikit-learn.
    let mut rows = vec![vec![0.0_f64, 0.0]; 6];
    rows.push(vec![1.0, 0.0]);
    let lof = LocalOutlierFactor::new()
        .n_neighbors(3)
        .fit(&rows)
        .expect("valid input");
    let score = lof.negative_outlier_factor()[6];
    // Row 6 has reach max(0, 1) = 1 to each duplicate, so lrd = 1 / (1 + 1e-10) and
    // LOF = 1e10 * (1 + 1e-10).
    let expected = -(1.0 / 1e-10) * (1.0 + 1e-10);
    assert!(score.is_finite());
    assert!((score - expected).abs() <= 1e-9 * expected.abs(), "{score}");
    assert_eq!(lof.labels()[6], -1);
}

#[test]
fn same_output_for_one_and_two_threads() {
    let digits: Array2<f32> = embviz_io::read_npy(manifest_path("../../data/digits/X.npy"))
        .expect("the digits data is bundled");
    // 100 copies of row 0 make their candidate lists overflow into the f64 search.
    let mut with_copies = digits.clone();
    let first = digits.row(0).to_owned();
    for row in 1..=100 {
        with_copies.row_mut(row).assign(&first);
    }
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("the pool starts");
        pool.install(|| {
            let euclidean = LocalOutlierFactor::new()
                .fit(&digits)
                .expect("valid input")
                .negative_outlier_factor()
                .clone();
            let cosine = LocalOutlierFactor::new()
                .metric(Metric::Cosine)
                .fit(&with_copies)
                .expect("valid input")
                .negative_outlier_factor()
                .clone();
            let novelty = LocalOutlierFactor::new()
                .novelty(true)
                .metric(Metric::Cosine)
                .fit(&digits.slice(s![..1500, ..]))
                .expect("valid input")
                .score_samples(&digits.slice(s![1500.., ..]))
                .expect("novelty is on");
            [euclidean, cosine, novelty]
        })
    };
    let one = run(1);
    let two = run(2);
    assert_eq!(one[0].len(), 1797);
    assert_eq!(one[1].len(), 1797);
    assert_eq!(one[2].len(), 297);
    // The copies see only each other at distance 0, so their factor is exactly 1.
    assert_eq!(one[1][50], -1.0);
    // Bitwise equality, not closeness.
    assert_eq!(one[0], two[0]);
    assert_eq!(one[1], two[1]);
    assert_eq!(one[2], two[2]);
}

#[test]
fn inputs_of_other_layouts_give_same_scores() {
    let x = noisy_digits();
    let expected = LocalOutlierFactor::new()
        .fit(&x)
        .expect("valid input")
        .negative_outlier_factor()
        .clone();
    let column_major = x.t().as_standard_layout().into_owned().reversed_axes();
    assert_eq!(column_major.strides(), &[1, 500]);
    assert_eq!(column_major, x);
    let from_view = LocalOutlierFactor::new()
        .fit(&column_major.view())
        .expect("valid input");
    assert_eq!(from_view.negative_outlier_factor(), &expected);
    let vectors: Vec<Vec<f64>> = x.rows().into_iter().map(|row| row.to_vec()).collect();
    let from_vectors = LocalOutlierFactor::new()
        .fit(&vectors)
        .expect("valid input");
    assert_eq!(from_vectors.negative_outlier_factor(), &expected);
}
