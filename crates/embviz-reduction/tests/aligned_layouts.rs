//! Aligned layouts of real fine-tuning snapshots: every other row (180 rows) of the bundled
//! data/finetune_small, the same Debian package descriptions embedded before fine-tuning
//! and after each of 4 epochs, 384 columns. Also the input checks, the observer and the
//! thread-count independence.

use std::ops::ControlFlow;
use std::path::PathBuf;

use embviz_core::{Error, Metric, Snapshots};
use embviz_io::read_npy;
use embviz_reduction::aligned::{
    AlignedLayouts, Alignment, FittedAlignedLayouts, Reflection, procrustes,
};
use embviz_reduction::pca::Pca;
use embviz_reduction::tsne::Tsne;
use embviz_reduction::umap::{Epochs, Umap};
use ndarray::{Array2, s};

fn repository_file(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(relative)
}

/// Rows 0, 2, 4, ... of the five snapshots, 15 rows per class on average.
fn snapshots() -> Vec<Array2<f32>> {
    (0..5)
        .map(|epoch| {
            let path = repository_file(&format!("data/finetune_small/epoch_{epoch:02}.npy"));
            let x = read_npy::<f32>(path).expect("bundled fine-tuning snapshots");
            x.slice(s![..;2, ..]).to_owned()
        })
        .collect()
}

/// Small synthetic snapshots: three groups of 10 rows that drift apart step by step.
fn synthetic_snapshots(n_snapshots: usize) -> Vec<Array2<f64>> {
    (0..n_snapshots)
        .map(|step| {
            Array2::from_shape_fn((30, 4), |(i, j)| {
                let group = (i / 10) as f64 * (4.0 + step as f64);
                group * if j == i / 10 { 1.0 } else { 0.2 } + ((i * 7 + j * 3) % 5) as f64 * 0.3
            })
        })
        .collect()
}

fn small_tsne() -> Tsne {
    Tsne::new().perplexity(5.0).max_iter(250).seed(3)
}

fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

fn report(name: &str, fitted: &FittedAlignedLayouts) {
    println!(
        "{name}: disparity {:.4?} (mean {:.4}), displacement {:.4?} (mean {:.4})",
        fitted.disparity_to_previous(),
        mean(fitted.disparity_to_previous()),
        fitted.displacement_to_previous(),
        mean(fitted.displacement_to_previous())
    );
}

#[test]
fn tsne_alignments_on_real_snapshots() {
    let snapshots = snapshots();
    let tsne = Tsne::new().max_iter(500).seed(0);
    let fit = |alignment| {
        AlignedLayouts::new(tsne.clone())
            .alignment(alignment)
            .fit(&snapshots)
            .expect("valid snapshots")
    };
    let independent = fit(Alignment::Independent);
    let chained = fit(Alignment::Chained);
    let procrustes = fit(Alignment::Procrustes);
    report("independent", &independent);
    report("chained", &chained);
    report("procrustes", &procrustes);

    for fitted in [&independent, &chained, &procrustes] {
        assert_eq!(fitted.layouts().len(), 5);
        assert!(fitted.layouts().iter().all(|l| l.dim() == (180, 2)));
        assert_eq!(fitted.disparity_to_previous().len(), 4);
        assert_eq!(fitted.displacement_to_previous().len(), 4);
        assert_eq!(fitted.seed(), 0);
        assert!(!fitted.stopped_early());
    }

    // The first frame of every alignment is the plain t-SNE map of the first snapshot.
    let plain = tsne.fit(&snapshots[0]).expect("valid snapshot");
    let plain = plain.embedding().mapv(f64::from);
    assert_eq!(independent.layouts()[0], plain);
    assert_eq!(chained.layouts()[0], plain);

    // The disparity ignores rotation, reflection, scale and translation, so moving the
    // independent maps onto each other leaves it unchanged. What the alignment changes is
    // the movement on screen. With the optimal rotation and the previous map's spread, it
    // is 2 (1 - sqrt(1 - disparity)).
    for k in 0..4 {
        let (aligned, alone) = (
            procrustes.disparity_to_previous()[k],
            independent.disparity_to_previous()[k],
        );
        assert!(
            (aligned - alone).abs() <= 1e-9,
            "frame {k}: {aligned} vs {alone}"
        );
        let moved = procrustes.displacement_to_previous()[k];
        let expected = 2.0 * (1.0 - (1.0 - aligned).sqrt());
        assert!(
            (moved - expected).abs() <= 1e-9,
            "frame {k}: {moved} vs {expected}"
        );
    }

    // Aligned maps keep the size of the first map instead of shrinking step by step.
    let spread = |layout: &Array2<f64>| {
        let mean = layout.mean_axis(ndarray::Axis(0)).expect("rows");
        (layout - &mean).mapv(|d| d * d).sum().sqrt()
    };
    for fitted in [&chained, &procrustes] {
        let first = spread(&fitted.layouts()[0]);
        for layout in &fitted.layouts()[1..] {
            assert!((spread(layout) / first - 1.0).abs() < 1e-9);
        }
    }

    // Measured on this data: mean disparity 0.705 independent and Procrustes, 0.140
    // chained; mean displacement 1.668 independent, 0.941 Procrustes, 0.150 chained.
    let independent_disparity = mean(independent.disparity_to_previous());
    let independent_displacement = mean(independent.displacement_to_previous());
    assert!(independent_displacement > 1.0);
    assert!(mean(chained.disparity_to_previous()) <= 0.6 * independent_disparity);
    assert!(mean(chained.displacement_to_previous()) <= 0.3 * independent_displacement);
    assert!(mean(procrustes.displacement_to_previous()) <= 0.6 * independent_displacement);
}

#[test]
fn umap_alignments_on_real_snapshots() {
    let snapshots = snapshots();
    let umap = Umap::new().n_epochs(Epochs::Value(200)).seed(0);
    let fit = |alignment| {
        AlignedLayouts::new(umap.clone())
            .alignment(alignment)
            .fit(&snapshots)
            .expect("valid snapshots")
    };
    let independent = fit(Alignment::Independent);
    let chained = fit(Alignment::Chained);
    let procrustes = fit(Alignment::Procrustes);
    report("UMAP independent", &independent);
    report("UMAP chained", &chained);
    report("UMAP procrustes", &procrustes);

    assert!(chained.layouts().iter().all(|l| l.dim() == (180, 2)));
    // Measured: mean disparity 0.837 independent and Procrustes, 0.162 chained; mean
    // displacement 4.818 independent (each map has its own offset), 1.193 Procrustes and
    // 0.170 chained. At the full learning rate, chained fits gave 0.730 and 0.776.
    let independent_disparity = mean(independent.disparity_to_previous());
    assert!(mean(chained.disparity_to_previous()) <= 0.3 * independent_disparity);
    let independent_displacement = mean(independent.displacement_to_previous());
    assert!(mean(procrustes.displacement_to_previous()) <= 0.3 * independent_displacement);
    assert!(mean(chained.displacement_to_previous()) <= 0.3 * independent_displacement);
}

#[test]
fn one_snapshot_is_rejected() {
    let snapshots = synthetic_snapshots(1);
    match AlignedLayouts::new(small_tsne()).fit(&snapshots) {
        Err(Error::InvalidParameter { name, value, .. }) => {
            assert_eq!((name, value.as_str()), ("snapshots", "1 snapshot"));
        }
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
}

#[test]
fn mismatched_rows_are_rejected() {
    let mut snapshots = synthetic_snapshots(3);
    snapshots[2] = snapshots[2].slice(s![..29, ..]).to_owned();
    let error = AlignedLayouts::new(small_tsne())
        .fit(&snapshots)
        .unwrap_err();
    let message = error.to_string();
    let inner = match error {
        Error::InSnapshot { name, source } => {
            assert_eq!(name, "2");
            *source
        }
        other => panic!("expected InSnapshot, got {other:?}"),
    };
    match inner {
        Error::ShapeMismatch {
            what,
            expected,
            found,
        } => {
            assert_eq!(what, "embedding matrix");
            assert!(
                expected.starts_with("30 rows, as in the first snapshot 0"),
                "{expected}"
            );
            assert_eq!(found, "29 rows");
        }
        other => panic!("expected ShapeMismatch, got {other:?}"),
    }
    assert!(
        message.starts_with("snapshot 2: embedding matrix has the wrong shape"),
        "{message}"
    );
}

#[test]
fn nan_names_snapshot_and_row() {
    let mut snapshots = synthetic_snapshots(4);
    snapshots[3][[7, 2]] = f64::NAN;
    match AlignedLayouts::new(small_tsne()).fit(&snapshots) {
        Err(Error::InSnapshot { name, source }) => {
            assert_eq!(name, "3");
            assert!(
                matches!(
                    *source,
                    Error::NonFinite {
                        row: 7,
                        column: 2,
                        ..
                    }
                ),
                "{source:?}"
            );
        }
        other => panic!("expected InSnapshot, got {other:?}"),
    }
}

#[test]
fn empty_snapshot_is_rejected() {
    let mut snapshots = synthetic_snapshots(2);
    snapshots[1] = Array2::zeros((30, 0));
    match AlignedLayouts::new(small_tsne()).fit(&snapshots) {
        Err(Error::InSnapshot { name, source }) => {
            assert_eq!(name, "1");
            assert!(
                matches!(
                    *source,
                    Error::EmptyInput {
                        n_rows: 30,
                        n_cols: 0,
                        ..
                    }
                ),
                "{source:?}"
            );
        }
        other => panic!("expected InSnapshot, got {other:?}"),
    }
}

#[test]
fn zero_row_with_cosine_names_snapshot() {
    let mut snapshots = synthetic_snapshots(3);
    snapshots[1].row_mut(4).fill(0.0);
    let tsne = small_tsne().metric(Metric::Cosine);
    match AlignedLayouts::new(tsne).fit(&snapshots) {
        Err(Error::InSnapshot { name, source }) => {
            assert_eq!(name, "1");
            assert!(
                matches!(*source, Error::ZeroVector { row: 4, .. }),
                "{source:?}"
            );
        }
        other => panic!("expected InSnapshot, got {other:?}"),
    }
}

#[test]
fn too_few_rows_for_perplexity() {
    let snapshots = synthetic_snapshots(2);
    let tsne = Tsne::new().seed(0); // perplexity 30 with 30 rows
    match AlignedLayouts::new(tsne).fit(&snapshots) {
        Err(Error::InvalidParameter { name, value, .. }) => {
            assert_eq!((name, value.as_str()), ("perplexity", "30"));
        }
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
}

#[test]
fn low_chained_exaggeration_is_rejected() {
    let snapshots = synthetic_snapshots(2);
    let result = AlignedLayouts::new(small_tsne())
        .chained_early_exaggeration(0.5)
        .fit(&snapshots);
    assert!(matches!(
        result,
        Err(Error::InvalidParameter { name: "chained_early_exaggeration", ref value, .. })
            if value == "0.5"
    ));
}

#[test]
fn learning_rate_factor_outside_range_rejected() {
    let snapshots = synthetic_snapshots(2);
    for (factor, shown) in [(0.0, "0"), (1.5, "1.5"), (f64::NAN, "NaN")] {
        let result = AlignedLayouts::new(Umap::new().seed(0))
            .chained_umap_learning_rate_factor(factor)
            .fit(&snapshots);
        match result {
            Err(Error::InvalidParameter {
                name, ref value, ..
            }) => assert_eq!(
                (name, value.as_str()),
                ("chained_umap_learning_rate_factor", shown)
            ),
            other => panic!("factor {factor}: expected InvalidParameter, got {other:?}"),
        }
    }
}

#[test]
fn snapshots_may_differ_in_width() {
    let mut snapshots = synthetic_snapshots(3);
    snapshots[1] = snapshots[1].slice(s![.., ..3]).to_owned();
    let fitted = AlignedLayouts::new(small_tsne())
        .fit(&snapshots)
        .expect("widths may differ");
    assert_eq!(fitted.layouts().len(), 3);
    assert!(fitted.layouts().iter().all(|l| l.dim() == (30, 2)));
}

#[test]
fn drawn_seed_reproduces_layouts() {
    let snapshots = synthetic_snapshots(3);
    let unseeded = Tsne::new().perplexity(5.0).max_iter(250);
    let first = AlignedLayouts::new(unseeded.clone())
        .fit(&snapshots)
        .expect("valid snapshots");
    let again = AlignedLayouts::new(unseeded.seed(first.seed()))
        .fit(&snapshots)
        .expect("valid snapshots");
    assert_eq!(first.layouts(), again.layouts());
}

#[test]
fn observer_sees_snapshots_and_can_stop() {
    let snapshots = synthetic_snapshots(4);
    let mut done = Vec::new();
    let mut reducer_reports = 0;
    let fitted = AlignedLayouts::new(small_tsne())
        .fit_with(&snapshots, &mut |progress| {
            if progress.stage == "snapshots" {
                done.push((progress.iteration, progress.total));
                if progress.iteration == 2 {
                    return ControlFlow::Break(());
                }
            } else {
                reducer_reports += 1;
            }
            ControlFlow::Continue(())
        })
        .expect("valid snapshots");
    assert_eq!(done, [(1, 4), (2, 4)]);
    // 250 iterations with a report every 50, for each of the two fitted snapshots.
    assert_eq!(reducer_reports, 10);
    assert!(fitted.stopped_early());
    assert_eq!(fitted.layouts().len(), 2);
    assert_eq!(fitted.disparity_to_previous().len(), 1);
}

#[test]
fn observer_stop_inside_a_fit() {
    let snapshots = synthetic_snapshots(3);
    let mut snapshot_reports = 0;
    let fitted = AlignedLayouts::new(small_tsne())
        .fit_with(&snapshots, &mut |progress| {
            if progress.stage == "snapshots" {
                snapshot_reports += 1;
                return ControlFlow::Continue(());
            }
            if progress.iteration >= 100 {
                return ControlFlow::Break(());
            }
            ControlFlow::Continue(())
        })
        .expect("valid snapshots");
    assert_eq!(snapshot_reports, 0);
    assert!(fitted.stopped_early());
    assert_eq!(fitted.layouts().len(), 1);
    assert!(fitted.disparity_to_previous().is_empty());
    assert!(fitted.displacement_to_previous().is_empty());
}

fn fit_with_threads(threads: usize, alignment: Alignment) -> Vec<Array2<f64>> {
    let snapshots: Vec<Array2<f32>> = snapshots()
        .into_iter()
        .take(3)
        .map(|x| x.slice(s![..90, ..]).to_owned())
        .collect();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a thread pool");
    pool.install(|| {
        AlignedLayouts::new(Tsne::new().perplexity(10.0).max_iter(250).seed(5))
            .alignment(alignment)
            .fit(&snapshots)
            .expect("valid snapshots")
            .into_layouts()
    })
}

#[test]
fn same_layouts_for_any_thread_count() {
    for alignment in [Alignment::Chained, Alignment::Procrustes] {
        let one_thread = fit_with_threads(1, alignment);
        let two_threads = fit_with_threads(2, alignment);
        assert_eq!(one_thread.len(), 3);
        for (a, b) in one_thread.iter().zip(&two_threads) {
            let a_bits: Vec<u64> = a.iter().map(|v| v.to_bits()).collect();
            let b_bits: Vec<u64> = b.iter().map(|v| v.to_bits()).collect();
            assert_eq!(a_bits, b_bits, "{alignment:?}");
        }
    }
}

#[test]
fn procrustes_aligned_matches_procrustes_fit() {
    let snapshots = synthetic_snapshots(3);
    let independent = AlignedLayouts::new(small_tsne())
        .alignment(Alignment::Independent)
        .fit(&snapshots)
        .expect("independent layouts");
    let fitted = AlignedLayouts::new(small_tsne())
        .alignment(Alignment::Procrustes)
        .fit(&snapshots)
        .expect("Procrustes layouts");
    let aligned = independent.procrustes_aligned().expect("alignment runs");
    assert_eq!(aligned.layouts(), fitted.layouts());
    assert_eq!(
        aligned.disparity_to_previous(),
        fitted.disparity_to_previous()
    );
    assert_eq!(
        aligned.displacement_to_previous(),
        fitted.displacement_to_previous()
    );
}

#[test]
fn named_snapshots_fit_like_matrices() {
    let matrices = synthetic_snapshots(3);
    let names = ["epoch_0", "epoch_1", "epoch_2"];
    let snapshots = Snapshots::new(names.into_iter().zip(matrices.iter().cloned())).expect("valid");
    let params = AlignedLayouts::new(small_tsne());
    let named = params.fit_snapshots(&snapshots).expect("valid snapshots");
    let unnamed = params.fit(&matrices).expect("valid snapshots");
    assert_eq!(named.layouts(), unnamed.layouts());
    assert_eq!(
        named.disparity_to_previous(),
        unnamed.disparity_to_previous()
    );
}

/// Returns `x` reflected across the hyperplane orthogonal to its first principal axis.
/// Distances between rows are unchanged, but the PCA start of t-SNE comes out mirrored.
fn mirrored_across_first_axis(x: &Array2<f64>) -> Array2<f64> {
    let pca = Pca::new(1).fit(x).expect("valid snapshot");
    let axis = pca.components().row(0).to_owned();
    let along = x.dot(&axis);
    let mut mirrored = x.clone();
    for (mut row, &length) in mirrored.rows_mut().into_iter().zip(&along) {
        row.scaled_add(-2.0 * length, &axis);
    }
    mirrored
}

#[test]
fn mirrored_snapshot_is_not_mirrored_on_screen() {
    let first = snapshots()[0].mapv(f64::from);
    let mirrored = mirrored_across_first_axis(&first);
    let frames = [first.clone(), mirrored, first];
    let tsne = Tsne::new().max_iter(500).seed(0);
    let fit = |alignment| {
        AlignedLayouts::new(tsne.clone())
            .alignment(alignment)
            .fit(&frames)
            .expect("valid snapshots")
    };
    let is_mirrored = |layouts: &[Array2<f64>], k: usize| {
        procrustes(&layouts[k - 1], &layouts[k], Reflection::Allowed)
            .expect("valid layouts")
            .is_reflection()
    };

    // The three frames hold the same distances. Independent fits still differ in shape,
    // since t-SNE amplifies the rounding differences of the reflected copy.
    let independent = fit(Alignment::Independent);
    assert!(independent.displacement_to_previous()[0] > 0.3);
    let procrustes_fit = fit(Alignment::Procrustes);
    let chained = fit(Alignment::Chained);
    for k in 1..3 {
        assert!(
            !is_mirrored(procrustes_fit.layouts(), k),
            "Procrustes frame {k}"
        );
        assert!(!is_mirrored(chained.layouts(), k), "chained frame {k}");
    }
    // A chained frame starts from the previous map, so unchanged distances keep it in place.
    for &moved in chained.displacement_to_previous() {
        assert!(moved < 0.01, "chained map moved by {moved}");
    }
}
