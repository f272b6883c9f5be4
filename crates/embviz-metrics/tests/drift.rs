//! Drift between snapshots: a hand-computed case, values computed with numpy and
//! scikit-learn on the fine-tuning snapshots of data/finetune_small (see
//! scripts/make_drift_fixtures.py), and the error for each invalid input.

// Tests fail by panicking, so unwrap and panic are the intended way to stop.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::path::{Path, PathBuf};

use approx::assert_abs_diff_eq;
use embviz_core::{Error, Metric, Snapshots};
use embviz_io::{read_npy, read_npy_indices, read_snapshots};
use embviz_metrics::{Drift, DriftMeasure, DriftReport};
use ndarray::{Array2, array, concatenate, s};

/// Six rows of norm 5 in two classes. Class 0 points at 0, 36.87 and 53.13 degrees, class
/// 1 is class 0 turned by 90 degrees. The 3-4-5 triangles keep every cosine rational.
fn before() -> Array2<f64> {
    array![
        [5.0, 0.0],
        [4.0, 3.0],
        [3.0, 4.0],
        [0.0, 5.0],
        [-3.0, 4.0],
        [-4.0, 3.0]
    ]
}

/// [`before`] with row 0 turned by 180 degrees, from (5, 0) to (-5, 0).
fn after() -> Array2<f64> {
    let mut x = before();
    x[[0, 0]] = -5.0;
    x
}

const LABELS: [usize; 6] = [0, 0, 0, 1, 1, 1];

/// Spread of class 0 in [`before`] on unit rows (1, 0), (0.8, 0.6), (0.6, 0.8): their
/// centroid is (4/5, 7/15), at distances sqrt(58)/15, 2/15 and sqrt(34)/15.
fn spread_before() -> f64 {
    (58_f64.sqrt() + 2.0 + 34_f64.sqrt()) / 45.0
}

/// Spread of class 0 in [`after`] on unit rows (-1, 0), (0.8, 0.6), (0.6, 0.8): their
/// centroid is (2/15, 7/15), at distances sqrt(338)/15, sqrt(104)/15 and sqrt(74)/15.
fn spread_after() -> f64 {
    (338_f64.sqrt() + 104_f64.sqrt() + 74_f64.sqrt()) / 45.0
}

/// Neighbour drift of the hand-computed case with 2 neighbours. Before the move, the two
/// nearest rows by angle are {1, 2}, {0, 2}, {1, 3}, {2, 4}, {3, 5} and {3, 4}. After it,
/// row 0 has {4, 5}, row 1 {2, 3} and row 5 {0, 4}, and the other rows keep theirs.
const NEIGHBOR_DRIFT: [f64; 6] = [1.0, 1.0 - 1.0 / 3.0, 0.0, 0.0, 0.0, 1.0 - 1.0 / 3.0];

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Path of the bundled fine-tuning snapshots: 360 rows of 384 columns at epochs 0 to 4.
fn finetune_small_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/finetune_small")
}

/// Reads the bundled fine-tuning snapshots and their class ids.
fn finetune_small() -> (Snapshots<f32>, Vec<usize>) {
    let dir = finetune_small_dir();
    let snapshots = read_snapshots::<f32>(&dir).unwrap();
    assert_eq!(snapshots.len(), 5);
    assert_eq!(snapshots.n_rows(), 360);
    (snapshots, read_labels(&dir.join("labels.npy")))
}

/// Reads a 1-D `.npy` file of class ids.
fn read_labels(path: &Path) -> Vec<usize> {
    read_npy_indices(path).unwrap().iter().copied().collect()
}

/// Returns the error wrapped by an [`Error::InSnapshot`], after checking the name.
fn inner_error(error: Error, expected_name: &str) -> Error {
    match error {
        Error::InSnapshot { name, source } => {
            assert_eq!(name, expected_name);
            *source
        }
        other => panic!("expected InSnapshot, got {other:?}"),
    }
}

#[test]
fn cosine_drift_of_moved_row() {
    let report = Drift::new()
        .n_neighbors(2)
        .fit(&[before(), after()], Some(&LABELS))
        .unwrap();
    assert_eq!(report.names(), ["0", "1"]);
    assert_eq!(report.n_rows(), 6);
    assert_eq!(report.metric(), Metric::Cosine);
    assert_eq!(report.seed(), None);
    assert_eq!(report.steps().len(), 1);

    let step = &report.steps()[0];
    assert_eq!((step.from(), step.to()), ("0", "1"));
    // Row 0 points the opposite way, 1 - cos(180) = 2, and the others do not move.
    let point = step.point_drift().unwrap();
    assert_eq!(point.to_vec(), vec![2.0, 0.0, 0.0, 0.0, 0.0, 0.0]);
    assert_eq!(step.neighbor_drift().to_vec(), NEIGHBOR_DRIFT.to_vec());
    assert_eq!(step.mean_point_drift(), Some(2.0 / 6.0));
    assert_abs_diff_eq!(
        step.mean_neighbor_drift(),
        (1.0 + 2.0 * 2.0 / 3.0) / 6.0,
        epsilon = 1e-15
    );

    // The class 0 centroid of unit rows moves from (4/5, 7/15) to (2/15, 7/15).
    assert_eq!(report.classes(), Some(&[0, 1][..]));
    let centroid = step.centroid_drift().unwrap();
    assert_abs_diff_eq!(centroid[0], 2.0 / 3.0, epsilon = 1e-15);
    assert_abs_diff_eq!(centroid[1], 0.0, epsilon = 1e-15);

    // Class 1 is class 0 turned by 90 degrees, so it has the same spread.
    let spread = report.spread().unwrap();
    assert_eq!(spread.dim(), (2, 2));
    assert_abs_diff_eq!(spread[[0, 0]], spread_before(), epsilon = 1e-15);
    assert_abs_diff_eq!(spread[[0, 1]], spread_before(), epsilon = 1e-15);
    assert_abs_diff_eq!(spread[[1, 0]], spread_after(), epsilon = 1e-15);
    assert_abs_diff_eq!(spread[[1, 1]], spread_before(), epsilon = 1e-15);
}

#[test]
fn euclidean_drift_uses_rows_as_given() {
    let report = Drift::new()
        .n_neighbors(2)
        .metric(Metric::Euclidean)
        .fit(&[before(), after()], Some(&LABELS))
        .unwrap();
    let step = &report.steps()[0];
    assert_eq!(
        step.point_drift().unwrap().to_vec(),
        vec![10.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    );
    // Every row has norm 5, so the neighbours are those of the cosine metric.
    assert_eq!(step.neighbor_drift().to_vec(), NEIGHBOR_DRIFT.to_vec());

    // Centroids and spreads are 5 times those of the unit rows.
    let centroid = step.centroid_drift().unwrap();
    assert_abs_diff_eq!(centroid[0], 10.0 / 3.0, epsilon = 1e-14);
    assert_abs_diff_eq!(centroid[1], 0.0, epsilon = 1e-14);
    let spread = report.spread().unwrap();
    assert_abs_diff_eq!(spread[[0, 0]], 5.0 * spread_before(), epsilon = 1e-14);
    assert_abs_diff_eq!(spread[[1, 0]], 5.0 * spread_after(), epsilon = 1e-14);
}

#[test]
fn top_movers_rank_by_drift() {
    let report = Drift::new()
        .n_neighbors(2)
        .fit(&[before(), after()], None)
        .unwrap();
    // Point drift [2, 0, 0, 0, 0, 0]: the ties after row 0 go to the lower indices.
    assert_eq!(report.top_movers(0, 3).unwrap(), vec![0, 1, 2]);
    let step = &report.steps()[0];
    assert_eq!(
        step.top_movers_by(DriftMeasure::Neighbors, 3).unwrap(),
        vec![0, 1, 5]
    );
    assert_eq!(step.top_movers_by(DriftMeasure::Point, 1).unwrap(), vec![0]);
    assert_eq!(step.top_movers(10), vec![0, 1, 2, 3, 4, 5]);
    assert!(step.top_movers(0).is_empty());
}

#[test]
fn labels_absent_leave_classes_out() {
    let report = Drift::new()
        .n_neighbors(2)
        .fit(&[before(), after()], None)
        .unwrap();
    assert!(report.classes().is_none());
    assert!(report.spread().is_none());
    assert!(report.steps()[0].centroid_drift().is_none());
}

#[test]
fn wider_snapshot_keeps_neighbor_drift() {
    // A third snapshot with an extra zero column: the same geometry in 3-D.
    let wider = concatenate![ndarray::Axis(1), after(), Array2::zeros((6, 1))];
    let snapshots = Snapshots::new(vec![
        ("epoch_0", before()),
        ("epoch_1", after()),
        ("epoch_2", wider),
    ])
    .unwrap();
    let report = Drift::new()
        .n_neighbors(2)
        .fit_snapshots(&snapshots, Some(&LABELS))
        .unwrap();
    assert_eq!(report.names(), ["epoch_0", "epoch_1", "epoch_2"]);
    assert_eq!(report.steps().len(), 2);

    let step = &report.steps()[1];
    assert_eq!((step.from(), step.to()), ("epoch_1", "epoch_2"));
    assert!(step.point_drift().is_none());
    assert!(step.centroid_drift().is_none());
    assert!(step.mean_point_drift().is_none());
    assert!(step.top_movers_by(DriftMeasure::Point, 2).is_none());
    assert_eq!(step.neighbor_drift().to_vec(), vec![0.0; 6]);
    // Without point drift the ranking uses the neighbour drift, all ties here.
    assert_eq!(report.top_movers(1, 2).unwrap(), vec![0, 1]);

    let spread = report.spread().unwrap();
    assert_eq!(spread.dim(), (3, 2));
    assert_abs_diff_eq!(spread[[2, 0]], spread_after(), epsilon = 1e-15);
}

#[test]
fn small_finetune_matches_numpy() {
    let (snapshots, labels) = finetune_small();
    let report = Drift::new()
        .fit_snapshots(&snapshots, Some(&labels))
        .unwrap();
    assert_eq!(report.steps()[3].from(), "epoch_03");
    assert_eq!(report.steps()[3].to(), "epoch_04");
    assert_eq!(report.classes().unwrap().len(), 12);
    assert_matches_numpy(&report, "drift_small");
}

/// Compares `report` with the expected values saved under `prefix`.
fn assert_matches_numpy(report: &DriftReport, prefix: &str) {
    let expected =
        |measure: &str| read_npy::<f64>(fixture(&format!("{prefix}_{measure}.npy"))).unwrap();
    let point = expected("point");
    let neighbor = expected("neighbor");
    let centroid = expected("centroid");
    assert_eq!(point.nrows(), report.steps().len());

    for (t, step) in report.steps().iter().enumerate() {
        let point_drift = step.point_drift().unwrap();
        for (i, (&found, &wanted)) in point_drift.iter().zip(point.row(t)).enumerate() {
            assert!(
                (found - wanted).abs() <= 1e-12,
                "step {t}, row {i}: point drift {found} vs numpy {wanted}"
            );
        }
        // Jaccard distances are ratios of small integers, so they match exactly.
        assert_eq!(step.neighbor_drift().view(), neighbor.row(t), "step {t}");
        let centroid_drift = step.centroid_drift().unwrap();
        for (c, (&found, &wanted)) in centroid_drift.iter().zip(centroid.row(t)).enumerate() {
            assert!(
                (found - wanted).abs() <= 1e-12,
                "step {t}, class {c}: centroid drift {found} vs numpy {wanted}"
            );
        }
    }

    let spread = report.spread().unwrap();
    let expected_spread = expected("spread");
    assert_eq!(spread.dim(), expected_spread.dim());
    for ((position, &found), &wanted) in spread.indexed_iter().zip(expected_spread.iter()) {
        assert!(
            (found - wanted).abs() <= 1e-12,
            "spread at {position:?}: {found} vs numpy {wanted}"
        );
    }
}

#[test]
fn same_result_for_any_thread_count() {
    let (snapshots, labels) = finetune_small();
    let snapshots = &snapshots.matrices()[..2];
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| Drift::new().n_neighbors(5).fit(snapshots, Some(&labels)))
            .unwrap()
    };
    let single_thread = run(1);
    assert_eq!(single_thread, run(2));
    assert_eq!(single_thread, run(3));
}

#[test]
fn f32_matches_f64_input() {
    let (snapshots, _) = finetune_small();
    let snapshots = &snapshots.matrices()[3..];
    let wide: Vec<Array2<f64>> = snapshots.iter().map(|x| x.mapv(f64::from)).collect();
    let narrow = Drift::new().fit(snapshots, None).unwrap();
    let wide = Drift::new().fit(&wide, None).unwrap();
    // Both accumulate in f64 from the same f32 values.
    assert_eq!(narrow.steps(), wide.steps());
}

#[test]
fn full_finetune_matches_numpy() {
    let Some(root) = std::env::var_os("EMBVIZ_DATA") else {
        eprintln!("skipped: set EMBVIZ_DATA to the folder of the shared data sets to run it");
        return;
    };
    let dir = PathBuf::from(root).join("finetune_snapshots");
    let snapshots = read_snapshots::<f32>(&dir).unwrap();
    assert_eq!(snapshots.len(), 5);
    let labels = read_labels(&dir.join("labels.npy"));
    let report = Drift::new()
        .fit_snapshots(&snapshots, Some(&labels))
        .unwrap();
    assert_eq!(report.steps()[0].from(), "epoch_00");
    assert_matches_numpy(&report, "drift_full");
}

#[test]
fn one_snapshot_is_rejected() {
    let error = Drift::new().fit(&[before()], None).unwrap_err();
    assert!(matches!(
        error,
        Error::InvalidParameter { name: "snapshots", ref value, .. } if value == "1 snapshot"
    ));
}

#[test]
fn mismatched_rows_name_snapshot() {
    let shorter = before().slice(s![..5, ..]).to_owned();
    let error = Drift::new()
        .n_neighbors(2)
        .fit(&[before(), after(), shorter], None)
        .unwrap_err();
    match inner_error(error, "2") {
        Error::ShapeMismatch {
            expected, found, ..
        } => {
            assert!(expected.starts_with("6 rows"), "{expected}");
            assert_eq!(found, "5 rows");
        }
        other => panic!("expected ShapeMismatch, got {other:?}"),
    }
}

#[test]
fn k_not_below_rows_is_rejected() {
    for k in [0, 6, 7] {
        let error = Drift::new()
            .n_neighbors(k)
            .fit(&[before(), after()], None)
            .unwrap_err();
        match error {
            Error::InvalidParameter { name, value, .. } => {
                assert_eq!(name, "n_neighbors");
                assert_eq!(value, k.to_string());
            }
            other => panic!("expected InvalidParameter for k = {k}, got {other:?}"),
        }
    }
}

#[test]
fn label_count_mismatch_is_rejected() {
    let error = Drift::new()
        .n_neighbors(2)
        .fit(&[before(), after()], Some(&[0, 1, 0]))
        .unwrap_err();
    match error {
        Error::ShapeMismatch {
            what,
            expected,
            found,
        } => {
            assert_eq!(what, "labels");
            assert!(expected.starts_with("6 labels"), "{expected}");
            assert_eq!(found, "3 labels");
        }
        other => panic!("expected ShapeMismatch, got {other:?}"),
    }
}

#[test]
fn zero_row_is_rejected_for_cosine() {
    let mut zero_row = after();
    zero_row[[3, 1]] = 0.0;
    let error = Drift::new()
        .n_neighbors(2)
        .fit(&[before(), zero_row.clone()], None)
        .unwrap_err();
    assert!(matches!(
        inner_error(error, "1"),
        Error::ZeroVector { row: 3, .. }
    ));

    // The euclidean metric measures distances, which a zero row has.
    let report = Drift::new()
        .n_neighbors(2)
        .metric(Metric::Euclidean)
        .fit(&[before(), zero_row], None)
        .unwrap();
    assert_eq!(report.steps()[0].point_drift().unwrap()[3], 5.0);
}

#[test]
fn nan_names_snapshot_and_row() {
    let mut with_nan = after();
    with_nan[[4, 0]] = f64::NAN;
    let error = Drift::new()
        .n_neighbors(2)
        .fit(&[before(), with_nan], None)
        .unwrap_err();
    assert!(matches!(
        inner_error(error, "1"),
        Error::NonFinite {
            row: 4,
            column: 0,
            ..
        }
    ));
}

#[test]
fn ragged_rows_name_snapshot() {
    let ragged = vec![vec![1.0_f64, 0.0], vec![0.0, 1.0], vec![1.0]];
    let square = vec![vec![1.0_f64, 0.0], vec![0.0, 1.0], vec![1.0, 1.0]];
    let error = Drift::new()
        .n_neighbors(1)
        .fit(&[square, ragged], None)
        .unwrap_err();
    assert!(matches!(
        inner_error(error, "1"),
        Error::RaggedRows { row: 2, .. }
    ));
}

#[test]
fn step_out_of_range_is_rejected() {
    let report = Drift::new()
        .n_neighbors(2)
        .fit(&[before(), after()], None)
        .unwrap();
    match report.top_movers(1, 3).unwrap_err() {
        Error::InvalidParameter { name, value, .. } => {
            assert_eq!(name, "step");
            assert_eq!(value, "1");
        }
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
}
