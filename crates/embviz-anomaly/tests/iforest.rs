//! Isolation Forest: scikit-learn's constants and conventions, determinism, serialization
//! and input errors, on the bundled digits data and small synthetic sets.

use std::path::PathBuf;
use std::sync::Mutex;

use embviz_anomaly::{
    Contamination, FittedIsolationForest, IsolationForest, MaxFeatures, MaxSamples, SplitRule,
    average_path_length,
};
use embviz_core::Error;
use embviz_io::read_npy;
use ndarray::{Array1, Array2, array, s};

fn digits() -> Array2<f32> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/digits/X.npy");
    read_npy::<f32>(path).expect("bundled digits data")
}

/// Returns a 20 x 20 grid of points spaced 1 apart in two columns, and one point at (100, 100).
fn grid_and_far_point() -> Array2<f64> {
    let mut x = Array2::from_shape_fn((401, 2), |(i, j)| {
        if j == 0 {
            (i % 20) as f64
        } else {
            (i / 20) as f64
        }
    });
    x.row_mut(400).fill(100.0);
    x
}

fn bits(values: &Array1<f64>) -> Vec<u64> {
    values.iter().map(|v| v.to_bits()).collect()
}

/// numpy's `np.percentile` with its default linear rule, written out independently of the
/// crate.
fn numpy_percentile(values: &[f64], q: f64) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let position = q / 100.0 * (sorted.len() - 1) as f64;
    let below = position.floor() as usize;
    let above = (below + 1).min(sorted.len() - 1);
    sorted[below] + (sorted[above] - sorted[below]) * (position - below as f64)
}

// ---------------------------------------------------------------------------------------
// Constants and conventions
// ---------------------------------------------------------------------------------------

#[test]
fn average_path_length_matches_scikit_learn() {
    // From scikit-learn 1.9.1:
    //   from sklearn.ensemble._iforest import _average_path_length as c
    //   [repr(float(c([n])[0])) for n in (0, 1, 2, 3, 4, 5, 10, 100, 256, 1000, 10000, 2**20)]
    let expected = [
        (0, 0.0),
        (1, 0.0),
        (2, 1.0),
        (3, 1.207392357589623),
        (4, 1.8516559071392855),
        (5, 2.327020052042847),
        (10, 3.748880484475505),
        (100, 8.364671030072245),
        (256, 10.244770920119917),
        (1000, 12.969940887100174),
        (10000, 17.575112063754766),
        (1 << 20, 26.88031855219997),
    ];
    for (n, c) in expected {
        let got = average_path_length(n);
        assert!(
            (got - c).abs() <= 4.0 * f64::EPSILON * c.max(1.0),
            "c({n}) = {got}, scikit-learn gives {c}"
        );
    }
}

#[test]
fn auto_offset_and_predict_convention() {
    let x = digits();
    let forest = IsolationForest::new()
        .seed(11)
        .fit(&x)
        .expect("valid input");
    assert_eq!(forest.offset(), -0.5);
    assert_eq!(forest.contamination(), Contamination::Auto);

    let scores = forest.score_samples(&x).expect("valid input");
    let decision = forest.decision_function(&x).expect("valid input");
    let labels = forest.predict(&x).expect("valid input");
    assert_eq!(scores.len(), 1797);
    assert!(scores.iter().all(|&s| (-1.0..=0.0).contains(&s)));
    for i in 0..scores.len() {
        assert_eq!(decision[i], scores[i] + 0.5, "row {i}");
        let expected_label = if scores[i] < -0.5 { -1 } else { 1 };
        assert_eq!(labels[i], expected_label, "row {i}, score {}", scores[i]);
    }
    // scikit-learn 1.9.1 flags 310 to 518 digits rows with random_state 0 to 4:
    //   [(IsolationForest(random_state=s).fit(X).score_samples(X) < -0.5).sum()
    //    for s in range(5)]
    let n_outliers = labels.iter().filter(|&&l| l == -1).count();
    assert!(
        (250..=600).contains(&n_outliers),
        "{n_outliers} outliers of 1797 rows"
    );
}

#[test]
fn contamination_fraction_sets_offset_at_percentile() {
    let x = digits();
    let params = IsolationForest::new()
        .contamination(Contamination::Fraction(0.1))
        .seed(5);
    let (forest, training_scores) = params.fit_with_scores(&x).expect("valid input");

    let scores = forest.score_samples(&x).expect("valid input");
    assert_eq!(bits(&scores), bits(&training_scores));
    let expected_offset = numpy_percentile(scores.as_slice().expect("contiguous"), 10.0);
    assert_eq!(forest.offset(), expected_offset);

    // The 10th percentile of 1797 scores lies between the 180th and 181st lowest, so the
    // 180 rows below it are flagged.
    let labels = forest.predict(&x).expect("valid input");
    assert_eq!(labels.iter().filter(|&&l| l == -1).count(), 180);
    assert_eq!(params.fit_predict(&x).expect("valid input"), labels);

    let decision = forest.decision_function(&x).expect("valid input");
    for i in 0..scores.len() {
        assert_eq!(decision[i], scores[i] - expected_offset, "row {i}");
    }
}

#[test]
fn far_point_scores_lowest() {
    let x = grid_and_far_point();
    let forest = IsolationForest::new().seed(2).fit(&x).expect("valid input");
    let scores = forest.score_samples(&x).expect("valid input");
    let (lowest, &lowest_score) = scores
        .iter()
        .enumerate()
        .min_by(|a, b| a.1.total_cmp(b.1))
        .expect("401 scores");
    assert_eq!(lowest, 400);
    assert!(lowest_score < -0.6, "far point scores {lowest_score}");
    let second_lowest = scores
        .iter()
        .take(400)
        .copied()
        .fold(f64::INFINITY, f64::min);
    assert!(lowest_score < second_lowest - 0.05);
    assert_eq!(forest.predict(&x).expect("valid input")[400], -1);
}

#[test]
fn scores_new_rows_and_other_layouts() {
    let x = grid_and_far_point();
    let forest = IsolationForest::new().seed(8).fit(&x).expect("valid input");
    let queries = array![[9.5, 9.5], [-50.0, 3.0]];
    let scores = forest.score_samples(&queries).expect("valid input");
    assert!(scores[1] < scores[0] - 0.05, "{scores}");

    // A transposed view and a Vec of rows give the same scores as the array.
    let transposed = queries.t().to_owned();
    let from_view = forest.score_samples(&transposed.t()).expect("valid input");
    let from_rows = forest
        .score_samples(&vec![vec![9.5, 9.5], vec![-50.0, 3.0]])
        .expect("valid input");
    assert_eq!(bits(&from_view), bits(&scores));
    assert_eq!(bits(&from_rows), bits(&scores));
}

#[test]
fn single_sample_trees_score_one_half() {
    // c(1) = 0, so scikit-learn sets every score to -0.5.
    let x = grid_and_far_point();
    let forest = IsolationForest::new()
        .max_samples(MaxSamples::Count(1))
        .seed(0)
        .fit(&x)
        .expect("valid input");
    let scores = forest.score_samples(&x).expect("valid input");
    assert!(scores.iter().all(|&s| s == -0.5));
    assert!(forest.predict(&x).expect("valid").iter().all(|&l| l == 1));
}

// ---------------------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------------------

#[test]
fn default_settings_follow_scikit_learn() {
    let x = digits();
    let forest = IsolationForest::new().seed(0).fit(&x).expect("valid input");
    assert_eq!(forest.n_estimators(), 100);
    assert_eq!(forest.max_samples_used(), 256);
    assert_eq!(forest.max_features_used(), 64);
    assert_eq!(forest.n_features_in(), 64);
    assert_eq!(forest.split_rule(), SplitRule::Axis);
    assert_eq!(forest.seed(), 0);

    let small = x.slice(s![..100, ..]);
    let on_small = IsolationForest::new().seed(0).fit(&small).expect("valid");
    assert_eq!(on_small.max_samples_used(), 100);
}

#[test]
fn max_features_limits_each_tree() {
    let x = digits();
    let forest = IsolationForest::new()
        .max_features(MaxFeatures::Count(2))
        .n_estimators(10)
        .seed(4)
        .fit(&x)
        .expect("valid input");
    assert_eq!(forest.max_features_used(), 2);
    let fraction = IsolationForest::new()
        .max_features(MaxFeatures::Fraction(0.5))
        .seed(4)
        .fit(&x)
        .expect("valid input");
    assert_eq!(fraction.max_features_used(), 32);
    // 10 trees of at most 2 features use at most 20 distinct features.
    let used = forest.split_counts().iter().filter(|&&c| c > 0).count();
    assert!((2..=20).contains(&used), "{used} features used");
}

#[test]
fn bootstrap_changes_the_forest() {
    let x = digits();
    let plain = IsolationForest::new().seed(3).fit(&x).expect("valid input");
    let bootstrapped = IsolationForest::new()
        .bootstrap(true)
        .seed(3)
        .fit(&x)
        .expect("valid input");
    let a = plain.score_samples(&x).expect("valid input");
    let b = bootstrapped.score_samples(&x).expect("valid input");
    assert_ne!(bits(&a), bits(&b));
    // Both rank the same rows as abnormal, broadly: the scores correlate strongly.
    let (mean_a, mean_b) = (a.mean().expect("rows"), b.mean().expect("rows"));
    let cov = ((&a - mean_a) * (&b - mean_b)).sum();
    let corr = cov / ((&a - mean_a).pow2().sum() * (&b - mean_b).pow2().sum()).sqrt();
    assert!(corr > 0.9, "correlation {corr}");
}

#[test]
fn seed_is_stored_and_repeats_the_fit() {
    let x = grid_and_far_point();
    let first = IsolationForest::new().fit(&x).expect("valid input");
    let again = IsolationForest::new()
        .seed(first.seed())
        .fit(&x)
        .expect("valid input");
    assert_eq!(first, again);
    let other = IsolationForest::new()
        .seed(first.seed().wrapping_add(1))
        .fit(&x)
        .expect("valid input");
    assert_ne!(first, other);
}

#[test]
fn constant_column_is_never_split() {
    let mut x = digits();
    // Column 0 of digits is always 0; make column 5 constant too, at another value.
    x.column_mut(5).fill(3.0);
    for rule in [
        SplitRule::Axis,
        SplitRule::Extended {
            extension_level: Some(0),
        },
    ] {
        let forest = IsolationForest::new()
            .split_rule(rule)
            .seed(1)
            .fit(&x)
            .expect("valid input");
        let counts = forest.split_counts();
        if rule == SplitRule::Axis {
            assert_eq!(counts[0], 0);
            assert_eq!(counts[5], 0);
        }
        assert!(
            counts[20] > 0,
            "{rule:?}: column 20 varies and must be split on"
        );
        let n_splits: usize = counts.iter().sum();
        if rule == SplitRule::Axis {
            // scikit-learn 1.9.1 grows 7540 to 8273 splits in 100 trees on digits, for
            // random_state 0 to 4: (sum(t.tree_.node_count for t in estimators_) - 100) / 2.
            assert!((7000..=9000).contains(&n_splits), "{n_splits} splits");
        }
    }
}

// ---------------------------------------------------------------------------------------
// Determinism and serialization
// ---------------------------------------------------------------------------------------

fn fit_and_score_on(threads: usize, params: &IsolationForest, x: &Array2<f32>) -> Array1<f64> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a thread pool");
    pool.install(|| {
        let forest = params.fit(x).expect("valid input");
        forest.score_samples(x).expect("valid input")
    })
}

#[test]
fn same_scores_for_one_and_two_threads() {
    let x = digits();
    for params in [
        IsolationForest::new().seed(21),
        IsolationForest::new().bootstrap(true).seed(21),
        IsolationForest::new()
            .split_rule(SplitRule::Extended {
                extension_level: Some(3),
            })
            .n_estimators(20)
            .seed(21),
    ] {
        let one_thread = fit_and_score_on(1, &params, &x);
        let two_threads = fit_and_score_on(2, &params, &x);
        assert_eq!(bits(&one_thread), bits(&two_threads), "{params:?}");
    }
}

#[test]
fn serde_round_trip_keeps_scores() {
    let x = digits();
    let forest = IsolationForest::new()
        .contamination(Contamination::Fraction(0.05))
        .seed(9)
        .fit(&x)
        .expect("valid input");
    let json = serde_json::to_string(&forest).expect("serializable");
    let loaded: FittedIsolationForest<f32> = serde_json::from_str(&json).expect("valid JSON");
    assert_eq!(loaded, forest);
    assert_eq!(loaded.offset(), forest.offset());
    let before = forest.score_samples(&x).expect("valid input");
    let after = loaded.score_samples(&x).expect("valid input");
    assert_eq!(bits(&before), bits(&after));
}

#[test]
fn serde_round_trip_keeps_extended_scores() {
    let x = grid_and_far_point();
    let forest = IsolationForest::new()
        .split_rule(SplitRule::Extended {
            extension_level: None,
        })
        .seed(9)
        .fit(&x)
        .expect("valid input");
    let json = serde_json::to_string(&forest).expect("serializable");
    let loaded: FittedIsolationForest<f64> = serde_json::from_str(&json).expect("valid JSON");
    let before = forest.score_samples(&x).expect("valid input");
    let after = loaded.score_samples(&x).expect("valid input");
    assert_eq!(bits(&before), bits(&after));
}

#[test]
fn corrupt_model_is_rejected_on_load() {
    let x = grid_and_far_point();
    let forest = IsolationForest::new()
        .n_estimators(2)
        .seed(0)
        .fit(&x)
        .expect("valid input");
    let json = serde_json::to_string(&forest).expect("serializable");

    // A model that claims one column while its trees split on column 1.
    let one_column = json
        .replacen("\"n_features_in\":2", "\"n_features_in\":1", 1)
        .replacen("\"max_features_used\":2", "\"max_features_used\":1", 1);
    assert_ne!(one_column, json);
    let error = serde_json::from_str::<FittedIsolationForest<f64>>(&one_column)
        .expect_err("a split on a missing feature");
    assert!(error.to_string().contains("feature 1"), "{error}");

    // A root whose children lie outside the tree.
    let mut value: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    value["forest"]["Axis"][0]["nodes"][0]["left"] = serde_json::json!(100_000);
    let error = serde_json::from_value::<FittedIsolationForest<f64>>(value)
        .expect_err("children out of range");
    assert!(error.to_string().contains("children"), "{error}");
}

// ---------------------------------------------------------------------------------------
// Invalid parameters and input
// ---------------------------------------------------------------------------------------

fn invalid_parameter_name(result: Result<FittedIsolationForest<f64>, Error>) -> &'static str {
    match result {
        Err(Error::InvalidParameter { name, .. }) => name,
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
}

#[test]
fn contamination_zero_is_rejected() {
    let result = IsolationForest::new()
        .contamination(Contamination::Fraction(0.0))
        .fit(&grid_and_far_point());
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
    let result = IsolationForest::new()
        .contamination(Contamination::Fraction(0.6))
        .fit(&grid_and_far_point());
    match result {
        Err(Error::InvalidParameter { name, value, .. }) => {
            assert_eq!(name, "contamination");
            assert_eq!(value, "0.6");
        }
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
}

#[test]
fn max_samples_zero_is_rejected() {
    let result = IsolationForest::new()
        .max_samples(MaxSamples::Count(0))
        .fit(&grid_and_far_point());
    match result {
        Err(Error::InvalidParameter { name, value, .. }) => {
            assert_eq!(name, "max_samples");
            assert_eq!(value, "Count(0)");
        }
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
}

#[test]
fn max_samples_fraction_outside_unit_interval_is_rejected() {
    for fraction in [0.0, -0.1, 1.5, f64::NAN] {
        let result = IsolationForest::new()
            .max_samples(MaxSamples::Fraction(fraction))
            .fit(&grid_and_far_point());
        assert_eq!(invalid_parameter_name(result), "max_samples", "{fraction}");
    }
}

#[test]
fn max_samples_fraction_of_no_row_is_rejected() {
    // floor(0.001 * 401) = 0 rows.
    let result = IsolationForest::new()
        .max_samples(MaxSamples::Fraction(0.001))
        .fit(&grid_and_far_point());
    match result {
        Err(Error::InvalidParameter { name, expected, .. }) => {
            assert_eq!(name, "max_samples");
            assert!(expected.contains("= 0 rows"), "{expected}");
        }
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
}

/// Collects the warnings logged by the crate under test.
struct WarningLog;

static WARNINGS: Mutex<Vec<String>> = Mutex::new(Vec::new());
static LOGGER: WarningLog = WarningLog;

impl log::Log for WarningLog {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        metadata.level() <= log::Level::Warn
    }

    fn log(&self, record: &log::Record<'_>) {
        if self.enabled(record.metadata()) {
            let mut warnings = WARNINGS
                .lock()
                .expect("no test panics while holding the lock");
            warnings.push(record.args().to_string());
        }
    }

    fn flush(&self) {}
}

#[test]
fn max_samples_above_rows_is_lowered() {
    if log::set_logger(&LOGGER).is_ok() {
        log::set_max_level(log::LevelFilter::Warn);
    }
    let x = grid_and_far_point();
    let forest = IsolationForest::new()
        .max_samples(MaxSamples::Count(411))
        .seed(0)
        .fit(&x)
        .expect("a count above the rows is lowered");
    assert_eq!(forest.max_samples_used(), 401);
    let warnings = WARNINGS
        .lock()
        .expect("no test panics while holding the lock");
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("max_samples (411)") && w.contains("(401)")),
        "{warnings:?}"
    );
}

#[test]
fn n_estimators_zero_is_rejected() {
    let result = IsolationForest::new()
        .n_estimators(0)
        .fit(&grid_and_far_point());
    assert_eq!(invalid_parameter_name(result), "n_estimators");
}

#[test]
fn max_features_zero_is_rejected() {
    let result = IsolationForest::new()
        .max_features(MaxFeatures::Count(0))
        .fit(&grid_and_far_point());
    assert_eq!(invalid_parameter_name(result), "max_features");
}

#[test]
fn max_features_above_columns_is_rejected() {
    let result = IsolationForest::new()
        .max_features(MaxFeatures::Count(3))
        .fit(&grid_and_far_point());
    match result {
        Err(Error::InvalidParameter {
            name,
            value,
            expected,
        }) => {
            assert_eq!(name, "max_features");
            assert_eq!(value, "Count(3)");
            assert!(expected.contains("n_features = 2"), "{expected}");
        }
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
}

#[test]
fn max_features_fraction_above_one_is_rejected() {
    let result = IsolationForest::new()
        .max_features(MaxFeatures::Fraction(1.5))
        .fit(&grid_and_far_point());
    assert_eq!(invalid_parameter_name(result), "max_features");
}

#[test]
fn extension_level_above_features_is_rejected() {
    let result = IsolationForest::new()
        .split_rule(SplitRule::Extended {
            extension_level: Some(2),
        })
        .fit(&grid_and_far_point());
    match result {
        Err(Error::InvalidParameter {
            name,
            value,
            expected,
        }) => {
            assert_eq!(name, "extension_level");
            assert_eq!(value, "2");
            assert!(expected.contains("= 1"), "{expected}");
        }
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
}

#[test]
fn one_row_is_rejected() {
    let result = IsolationForest::new().fit(&array![[1.0_f64, 2.0, 3.0]]);
    match result {
        Err(Error::TooFewSamples {
            n_samples,
            required,
            ..
        }) => {
            assert_eq!(n_samples, 1);
            assert_eq!(required, 2);
        }
        other => panic!("expected TooFewSamples, got {other:?}"),
    }
}

#[test]
fn empty_input_is_rejected() {
    let result = IsolationForest::new().fit(&Array2::<f64>::zeros((0, 3)));
    assert!(
        matches!(
            result,
            Err(Error::EmptyInput {
                n_rows: 0,
                n_cols: 3,
                ..
            })
        ),
        "{result:?}"
    );
}

#[test]
fn nan_in_training_data_is_rejected() {
    let mut x = grid_and_far_point();
    x[[17, 1]] = f64::NAN;
    match IsolationForest::new().fit(&x) {
        Err(Error::NonFinite { row, column, .. }) => assert_eq!((row, column), (17, 1)),
        other => panic!("expected NonFinite, got {other:?}"),
    }
}

#[test]
fn infinity_at_score_time_is_rejected() {
    let forest = IsolationForest::new()
        .seed(0)
        .fit(&grid_and_far_point())
        .expect("valid input");
    let queries = array![[0.0, 1.0], [f64::INFINITY, 1.0]];
    match forest.score_samples(&queries) {
        Err(Error::NonFinite {
            row, column, value, ..
        }) => {
            assert_eq!((row, column), (1, 0));
            assert_eq!(value, f64::INFINITY);
        }
        other => panic!("expected NonFinite, got {other:?}"),
    }
}

#[test]
fn wrong_column_count_at_score_time_is_rejected() {
    let forest = IsolationForest::new()
        .seed(0)
        .fit(&grid_and_far_point())
        .expect("valid input");
    match forest.predict(&array![[0.0, 1.0, 2.0]]) {
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
}

// ---------------------------------------------------------------------------------------
// Extended variant
// ---------------------------------------------------------------------------------------

fn fully_extended() -> IsolationForest {
    IsolationForest::new().split_rule(SplitRule::Extended {
        extension_level: None,
    })
}

#[test]
fn extended_forest_is_deterministic() {
    let x = grid_and_far_point();
    let forest = fully_extended().seed(6).fit(&x).expect("valid input");
    assert_eq!(
        forest.split_rule(),
        SplitRule::Extended {
            extension_level: Some(1)
        }
    );
    let scores = forest.score_samples(&x).expect("valid input");
    let again = fully_extended()
        .seed(6)
        .fit(&x)
        .expect("valid input")
        .score_samples(&x)
        .expect("valid input");
    assert_eq!(bits(&scores), bits(&again));

    let axis = IsolationForest::new().seed(6).fit(&x).expect("valid input");
    assert_ne!(bits(&scores), bits(&axis.score_samples(&x).expect("valid")));
}

#[test]
fn extended_forest_finds_far_point() {
    let x = grid_and_far_point();
    let forest = fully_extended().seed(6).fit(&x).expect("valid input");
    let scores = forest.score_samples(&x).expect("valid input");
    let lowest = scores
        .iter()
        .enumerate()
        .min_by(|a, b| a.1.total_cmp(b.1))
        .expect("401 scores")
        .0;
    assert_eq!(lowest, 400);
    assert_eq!(forest.predict(&x).expect("valid input")[400], -1);

    // Both coordinates take part in every split of the fully extended forest.
    let counts = forest.split_counts();
    assert_eq!(counts[0], counts[1]);
    assert!(counts[0] > 100);
}

#[test]
fn extended_scores_track_axis_scores_on_digits() {
    let x = digits();
    let axis = IsolationForest::new()
        .seed(1)
        .fit(&x)
        .expect("valid input")
        .score_samples(&x)
        .expect("valid input");
    let extended = IsolationForest::new()
        .split_rule(SplitRule::Extended {
            extension_level: Some(7),
        })
        .seed(1)
        .fit(&x)
        .expect("valid input")
        .score_samples(&x)
        .expect("valid input");
    let (mean_a, mean_e) = (axis.mean().expect("rows"), extended.mean().expect("rows"));
    let cov = ((&axis - mean_a) * (&extended - mean_e)).sum();
    let corr = cov / ((&axis - mean_a).pow2().sum() * (&extended - mean_e).pow2().sum()).sqrt();
    assert!(corr > 0.8, "correlation {corr}");
}
