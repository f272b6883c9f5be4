//! The warnings of Local Outlier Factor: `n_neighbors` at or above the number of rows,
//! which is lowered to `n_samples - 1` as scikit-learn does, and scores made huge by
//! duplicate rows.
//!
//! This file has its own test binary because it installs a global logger that records
//! the warnings.

use std::sync::{Mutex, OnceLock};

use embviz_anomaly::LocalOutlierFactor;
use ndarray::{Array2, array};

/// A logger that keeps every warning message.
struct WarningRecorder {
    messages: Mutex<Vec<String>>,
}

impl log::Log for WarningRecorder {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        metadata.level() <= log::Level::Warn
    }

    fn log(&self, record: &log::Record<'_>) {
        if self.enabled(record.metadata()) {
            self.messages
                .lock()
                .expect("no test panics while holding the lock")
                .push(record.args().to_string());
        }
    }

    fn flush(&self) {}
}

fn recorder() -> &'static WarningRecorder {
    static RECORDER: OnceLock<&'static WarningRecorder> = OnceLock::new();
    RECORDER.get_or_init(|| {
        let recorder = Box::leak(Box::new(WarningRecorder {
            messages: Mutex::new(Vec::new()),
        }));
        log::set_logger(recorder).expect("no other logger is installed in this binary");
        log::set_max_level(log::LevelFilter::Warn);
        recorder
    })
}

fn warnings_containing(text: &str) -> Vec<String> {
    recorder()
        .messages
        .lock()
        .expect("no test panics while holding the lock")
        .iter()
        .filter(|message| message.contains(text))
        .cloned()
        .collect()
}

/// Six points on a line at 0, 1, 2, 3, 4 and 20.
fn line() -> Array2<f64> {
    array![[0.0], [1.0], [2.0], [3.0], [4.0], [20.0]]
}

#[test]
fn too_many_neighbors_are_lowered_with_warning() {
    recorder();
    let lowered = LocalOutlierFactor::new()
        .n_neighbors(50)
        .fit(&line())
        .expect("valid input");
    assert_eq!(lowered.n_neighbors(), 5);
    let warnings = warnings_containing("n_neighbors = 50");
    assert_eq!(
        warnings,
        vec!["n_neighbors = 50 is not less than n_samples = 6, so 5 neighbours are used"]
    );

    // The scores are those of n_neighbors = 5 set directly.
    let direct = LocalOutlierFactor::new()
        .n_neighbors(5)
        .fit(&line())
        .expect("valid input");
    assert_eq!(
        lowered.negative_outlier_factor(),
        direct.negative_outlier_factor()
    );
    assert_eq!(
        lowered.k_distances().to_vec(),
        vec![20.0, 19.0, 18.0, 17.0, 16.0, 20.0]
    );
}

#[test]
fn neighbors_equal_to_rows_are_lowered() {
    recorder();
    let lof = LocalOutlierFactor::new()
        .n_neighbors(6)
        .fit(&line())
        .expect("valid input");
    assert_eq!(lof.n_neighbors(), 5);
    assert_eq!(warnings_containing("n_neighbors = 6 ").len(), 1);
}

#[test]
fn two_rows_use_one_neighbor() {
    recorder();
    let x = array![[0.0_f32, 0.0], [3.0, 4.0]];
    let lof = LocalOutlierFactor::new().fit(&x).expect("valid input");
    assert_eq!(lof.n_neighbors(), 1);
    assert_eq!(warnings_containing("n_neighbors = 20 ").len(), 1);
    // Each row's only neighbour is the other at distance 5, with equal densities.
    assert_eq!(lof.k_distances().to_vec(), vec![5.0, 5.0]);
    assert_eq!(lof.negative_outlier_factor().to_vec(), vec![-1.0, -1.0]);
}

#[test]
fn fewer_neighbors_than_rows_do_not_warn() {
    recorder();
    let lof = LocalOutlierFactor::new()
        .n_neighbors(3)
        .fit(&line())
        .expect("valid input");
    assert_eq!(lof.n_neighbors(), 3);
    // The duplicates test, which may run at the same time, warns about n_neighbors = 3
    // too; only the lowering warning matters here.
    assert!(warnings_containing("n_neighbors = 3 is not less").is_empty());
}

#[test]
fn duplicates_warn_about_huge_scores() {
    recorder();
    // Six copies of the origin and one row beside them, with k = 3: the copies have
    // density 1e10, so the last row's factor is about 1e10.
    let mut rows = vec![vec![0.0_f64, 0.0]; 6];
    rows.push(vec![1.0, 0.0]);
    let lof = LocalOutlierFactor::new()
        .n_neighbors(3)
        .fit(&rows)
        .expect("valid input");
    assert!(lof.negative_outlier_factor()[6] < -1e7);
    let warnings = warnings_containing("rows are identical");
    assert_eq!(
        warnings,
        vec![
            "some negative outlier factors are below -1e7 because more than n_neighbors = 3 \
             rows are identical: raise n_neighbors above the largest number of duplicates for \
             meaningful scores"
        ]
    );

    // A novelty detector does not warn, as in scikit-learn.
    LocalOutlierFactor::new()
        .n_neighbors(4)
        .novelty(true)
        .fit(&rows)
        .expect("valid input");
    assert!(warnings_containing("n_neighbors = 4 rows").is_empty());
}
