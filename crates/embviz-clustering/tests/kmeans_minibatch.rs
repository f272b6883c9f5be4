//! Mini-batch k-means: exact cases, the step schedule, reassignment of starved centres, and
//! the inertia on digits against scikit-learn 1.9.1.

use std::ops::ControlFlow;
use std::path::Path;

use embviz_clustering::{KMeansInit, MiniBatchKMeans, NInit};
use ndarray::{Array2, array};

fn digits() -> Array2<f32> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/digits/X.npy");
    embviz_io::read_npy::<f32>(path).expect("the bundled digits are readable")
}

/// 60 rows in two groups of 30 around (0, 0) and (100, 100), spread 0.1 apart.
fn two_blobs() -> Array2<f64> {
    Array2::from_shape_fn((60, 2), |(i, j)| {
        let offset = if i % 2 == 0 { 0.0 } else { 100.0 };
        offset + ((i / 2 + 3 * j) % 7) as f64 * 0.1
    })
}

#[test]
fn two_blobs_are_separated() {
    let x = two_blobs();
    for seed in 0..5 {
        let model = MiniBatchKMeans::new(2)
            .batch_size(16)
            .seed(seed)
            .fit(&x)
            .unwrap();
        let labels = model.labels();
        for (i, &label) in labels.iter().enumerate() {
            assert_eq!(label, labels[i % 2], "seed {seed}, row {i}");
        }
        assert_ne!(labels[0], labels[1]);
        let low = model.cluster_centers().row(labels[0]).to_vec();
        let high = model.cluster_centers().row(labels[1]).to_vec();
        for (value, mean) in low.iter().zip([0.3, 0.3]) {
            assert!((value - mean).abs() < 0.2, "seed {seed}: {low:?}");
        }
        for (value, mean) in high.iter().zip([100.3, 100.3]) {
            assert!((value - mean).abs() < 0.2, "seed {seed}: {high:?}");
        }
    }
}

#[test]
fn centres_on_identical_rows_stay_exact() {
    // Each centre only ever receives copies of one row, so its running mean is that row.
    // The column means (-1, 3.5) are exact, so centring loses nothing. Reassignment is
    // off, because it could move a centre that has no row yet onto the other group.
    let x = array![[1.0, 2.0], [1.0, 2.0], [-3.0, 5.0], [-3.0, 5.0]];
    let start = array![[0.0, 0.0], [-2.0, 4.0]];
    let model = MiniBatchKMeans::new(2)
        .init(KMeansInit::Given(start))
        .batch_size(2)
        .reassignment_ratio(0.0)
        .seed(1)
        .fit(&x)
        .unwrap();
    assert_eq!(model.cluster_centers(), &array![[1.0, 2.0], [-3.0, 5.0]]);
    assert_eq!(model.labels().to_vec(), vec![0, 0, 1, 1]);
    assert_eq!(model.inertia(), 0.0);
}

#[test]
fn step_count_follows_max_iter() {
    let x = two_blobs();
    let mut reports = 0;
    let model = MiniBatchKMeans::new(2)
        .batch_size(25)
        .max_iter(3)
        .max_no_improvement(None)
        .seed(2)
        .fit_with(&x, &mut |progress| {
            reports += 1;
            assert_eq!(progress.stage, "mini-batch");
            assert_eq!(progress.total, 7);
            assert!(progress.loss.is_some());
            ControlFlow::Continue(())
        })
        .unwrap();
    // 3 passes over 60 rows in batches of 25: floor(180 / 25) = 7 steps, which cover
    // ceil(7 * 25 / 60) = 3 passes.
    assert_eq!(model.n_steps(), 7);
    assert_eq!(reports, 7);
    assert_eq!(model.n_iter(), 3);
    assert!(!model.stopped_early());
}

#[test]
fn no_improvement_stops_early() {
    let x = digits();
    let model = MiniBatchKMeans::new(10)
        .batch_size(100)
        .max_no_improvement(Some(3))
        .seed(3)
        .fit(&x)
        .unwrap();
    // 100 passes would take 1797 steps.
    assert!(model.n_steps() < 1797, "{} steps", model.n_steps());
    assert_eq!(model.n_iter(), (model.n_steps() * 100).div_ceil(1797));
}

#[test]
fn tolerance_stops_early() {
    let x = two_blobs();
    let model = MiniBatchKMeans::new(2)
        .batch_size(10)
        .max_no_improvement(None)
        .tol(1e-2)
        .seed(4)
        .fit(&x)
        .unwrap();
    assert!(model.n_steps() < 600, "{} steps", model.n_steps());
}

#[test]
fn starved_centre_is_reassigned() {
    // The third centre starts far from every row, so it never gets a row and moves to a
    // random batch row at the next reassignment.
    let x = two_blobs();
    let start = array![[0.0, 0.0], [100.0, 100.0], [1000.0, -1000.0]];
    let model = MiniBatchKMeans::new(3)
        .init(KMeansInit::Given(start))
        .batch_size(20)
        .seed(5)
        .fit(&x)
        .unwrap();
    let moved = model.cluster_centers().row(2).to_vec();
    assert!(moved[0] < 101.0, "{moved:?}");
    assert!(moved[1] > -1.0, "{moved:?}");
    let mut counts = [0; 3];
    for &label in model.labels() {
        counts[label] += 1;
    }
    assert!(counts.iter().all(|&c| c > 0), "{counts:?}");
}

#[test]
fn zero_reassignment_ratio_keeps_starved_centre() {
    let x = two_blobs();
    let start = array![[0.0, 0.0], [100.0, 100.0], [1000.0, -1000.0]];
    let model = MiniBatchKMeans::new(3)
        .init(KMeansInit::Given(start))
        .batch_size(20)
        .reassignment_ratio(0.0)
        .seed(5)
        .fit(&x)
        .unwrap();
    let kept_centre = model.cluster_centers().row(2).to_vec();
    approx::assert_relative_eq!(kept_centre[0], 1000.0, max_relative = 1e-14);
    approx::assert_relative_eq!(kept_centre[1], -1000.0, max_relative = 1e-14);
    assert!(model.labels().iter().all(|&label| label < 2));
}

#[test]
fn digits_inertia_near_scikit_learn() {
    // scikit-learn's MiniBatchKMeans(10, random_state=s) on digits, s = 0..19: mean
    // inertia 1.19427e6, range 1.16792e6 to 1.24840e6. KMeans with ten runs reaches
    // 1.16519e6, which no clustering can beat by much.
    let x = digits();
    let inertias: Vec<f64> = (0..10)
        .map(|seed| {
            MiniBatchKMeans::new(10)
                .seed(seed)
                .fit(&x)
                .unwrap()
                .inertia()
        })
        .collect();
    let mean = inertias.iter().sum::<f64>() / inertias.len() as f64;
    println!("digits mini-batch inertias {inertias:?}, mean {mean:.6e}");
    assert!(mean <= 1.19427e6 * 1.02, "mean inertia {mean}");
    for &inertia in &inertias {
        assert!(inertia >= 1.16519e6 / 1.001, "inertia {inertia}");
        assert!(inertia <= 1.24840e6 * 1.02, "inertia {inertia}");
    }
}

#[test]
fn random_init_clusters_digits() {
    let x = digits();
    let single_start = MiniBatchKMeans::new(10)
        .init(KMeansInit::Random)
        .n_init(NInit::Value(1))
        .seed(6)
        .fit(&x)
        .unwrap();
    let three_starts = MiniBatchKMeans::new(10)
        .init(KMeansInit::Random)
        .seed(6)
        .fit(&x)
        .unwrap();
    // Start 0 of the automatic three is the single start, so the two fits differ only
    // when another start won.
    println!(
        "random starts: one {:.6e}, three {:.6e}",
        single_start.inertia(),
        three_starts.inertia()
    );
    assert!(three_starts.inertia() < 1.3e6);
    assert!(single_start.inertia() < 1.3e6);
}

#[test]
fn observer_stops_the_fit() {
    let x = digits();
    let model = MiniBatchKMeans::new(10)
        .batch_size(64)
        .seed(7)
        .fit_with(&x, &mut |progress| {
            if progress.iteration == 4 {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        })
        .unwrap();
    assert!(model.stopped_early());
    assert_eq!(model.n_steps(), 4);
    assert_eq!(model.labels().len(), 1797);
    assert_eq!(&model.predict(&x).unwrap(), model.labels());
    approx::assert_relative_eq!(
        model.score(&x).unwrap(),
        -model.inertia(),
        max_relative = 1e-12
    );
}

#[test]
fn predict_and_transform_new_rows() {
    let x = two_blobs();
    let model = MiniBatchKMeans::new(2)
        .batch_size(20)
        .seed(8)
        .fit(&x)
        .unwrap();
    let new_rows = array![[0.0_f32, 0.0], [100.0, 100.0]];
    let labels = model.predict(&new_rows).unwrap();
    assert_eq!(labels[0], model.labels()[0]);
    assert_eq!(labels[1], model.labels()[1]);
    let distances = model.transform(&new_rows).unwrap();
    assert_eq!(distances.dim(), (2, 2));
    assert!(distances[[0, labels[0]]] < 1.0);
    assert!(distances[[0, labels[1]]] > 100.0);
    assert_eq!(model.n_features(), 2);
    assert_eq!(model.seed(), 8);
}

#[test]
fn small_init_size_is_raised() {
    // init_size 1 is below n_clusters, so 3 * n_clusters = 6 rows are drawn instead.
    let x = two_blobs();
    let model = MiniBatchKMeans::new(2)
        .init_size(Some(1))
        .batch_size(16)
        .seed(9)
        .fit(&x)
        .unwrap();
    let labels = model.labels();
    assert_ne!(labels[0], labels[1]);
}
