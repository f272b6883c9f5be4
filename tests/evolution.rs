//! The fine-tuning evolution pipeline on real snapshots. Class separation rises as the
//! model trains, and chained and Procrustes maps move less than independent ones. No
//! aligned frame is mirrored, and the outlier sets change by the rows listed as entering
//! and leaving.
//!
//! The bundled `data/finetune_small` (360 rows, 5 snapshots) always runs. The full
//! 2000-row `finetune_snapshots` runs when `EMBVIZ_DATA` names the folder that contains it.

use std::path::{Path, PathBuf};

use embviz::anomaly::{Contamination, IsolationForest};
use embviz::io::{read_labels, read_snapshots};
use embviz::reduction::aligned::{AlignedLayouts, Alignment, Reflection, procrustes};
use embviz::{Metric, SnapshotDetector, Tsne, class_separation, outliers_per_snapshot};

fn bundled() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/finetune_small")
}

fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

#[test]
fn knn_accuracy_rises_on_bundled_snapshots() {
    let snapshots = read_snapshots::<f32>(bundled()).expect("bundled snapshots");
    let labels = read_labels(bundled().join("labels.npy")).expect("bundled labels");
    let separation = class_separation(&snapshots, labels.ids(), 10, Metric::Cosine)
        .expect("separation is measured");
    let correct: Vec<f64> = separation.iter().map(|s| s.knn_accuracy * 360.0).collect();
    // Rows of 360 whose 10 nearest cosine neighbours vote for their class, as numpy counts.
    let expected = [263.0, 277.0, 287.0, 288.0, 289.0];
    for (found, expected) in correct.iter().zip(expected) {
        assert!((found - expected).abs() < 1e-9, "{correct:?}");
    }
    assert!(
        separation[4].silhouette > separation[0].silhouette,
        "{separation:?}"
    );
}

#[test]
fn knn_accuracy_matches_the_training_log() {
    let Some(root) = std::env::var_os("EMBVIZ_DATA") else {
        eprintln!("skipped: set EMBVIZ_DATA to the folder of the shared data sets to run it");
        return;
    };
    let folder = Path::new(&root).join("finetune_snapshots");
    let snapshots = read_snapshots::<f32>(&folder).expect("the full snapshots");
    let labels = read_labels(folder.join("labels.npy")).expect("labels");
    let separation = class_separation(&snapshots, labels.ids(), 10, Metric::Cosine)
        .expect("separation is measured");
    let accuracy: Vec<f64> = separation.iter().map(|s| s.knn_accuracy).collect();
    // The "eval 10-NN acc" column of the fine-tuning run's per-epoch table.
    let logged = [0.824, 0.848, 0.856, 0.8585, 0.862];
    for (found, logged) in accuracy.iter().zip(logged) {
        assert!((found - logged).abs() < 1e-12, "{accuracy:?}");
    }
}

#[test]
fn aligned_maps_move_less_than_independent_ones() {
    let snapshots = read_snapshots::<f32>(bundled()).expect("bundled snapshots");
    let fit = |alignment| {
        AlignedLayouts::new(Tsne::new().seed(0))
            .alignment(alignment)
            .fit(snapshots.matrices())
            .expect("the layouts are fitted")
    };
    let independent = fit(Alignment::Independent);
    let chained = fit(Alignment::Chained);
    let procrustes_aligned = independent.procrustes_aligned().expect("alignment runs");

    let moved = mean(independent.displacement_to_previous());
    let chained_moved = mean(chained.displacement_to_previous());
    let procrustes_moved = mean(procrustes_aligned.displacement_to_previous());
    assert!(
        chained_moved <= moved / 3.0,
        "{chained_moved} against {moved}"
    );
    assert!(
        procrustes_moved <= moved / 3.0,
        "{procrustes_moved} against {moved}"
    );
    // Procrustes alignment moves the maps without changing their shapes.
    assert_eq!(
        procrustes_aligned.disparity_to_previous().len(),
        independent.disparity_to_previous().len()
    );
    for (a, b) in procrustes_aligned
        .disparity_to_previous()
        .iter()
        .zip(independent.disparity_to_previous())
    {
        assert!((a - b).abs() < 1e-9, "{a} against {b}");
    }

    // No aligned frame is a mirror image of the one before: the best fit onto the previous
    // frame, with reflections allowed, is a rotation.
    for layouts in [chained.layouts(), procrustes_aligned.layouts()] {
        for pair in layouts.windows(2) {
            let fit = procrustes(&pair[0], &pair[1], Reflection::Allowed).expect("fit");
            assert!(!fit.is_reflection());
        }
    }
}

#[test]
fn outlier_changes_follow_the_flags() {
    let snapshots = read_snapshots::<f32>(bundled()).expect("bundled snapshots");
    let detector = SnapshotDetector::IsolationForest(
        IsolationForest::new()
            .contamination(Contamination::Fraction(0.05))
            .seed(0),
    );
    let outliers = outliers_per_snapshot(&snapshots, &detector).expect("detection runs");
    assert_eq!(outliers.flags.len(), 5);
    for flags in &outliers.flags {
        // 5 % of 360 rows, as scikit-learn's percentile offset gives on untied scores.
        assert_eq!(flags.iter().filter(|&&f| f).count(), 18);
    }
    for step in 0..4 {
        let mut next = outliers.flags[step].clone();
        for &row in &outliers.left[step] {
            assert!(next[row]);
            next[row] = false;
        }
        for &row in &outliers.entered[step] {
            assert!(!next[row]);
            next[row] = true;
        }
        assert_eq!(next, outliers.flags[step + 1]);
    }
}
