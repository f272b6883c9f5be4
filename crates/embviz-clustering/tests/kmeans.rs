//! K-means against hand-computed values and scikit-learn 1.9.1 fixtures.
//!
//! The digits fixtures come from `scripts/make_kmeans_fixtures.py`: scikit-learn's `KMeans`
//! on the bundled digits (cast to float64) from fixed initial centres, so no random
//! numbers are involved and the labels, centres and iteration counts must match.

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use approx::assert_relative_eq;
use embviz_clustering::{Algorithm, KMeans, KMeansInit, NInit};
use ndarray::{Array1, Array2, array};

/// Relative tolerance on centres and inertia against scikit-learn, which sums in another
/// order.
const TOLERANCE: f64 = 1e-10;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("fixtures")
        .join(name)
}

fn digits() -> Array2<f32> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/digits/X.npy");
    embviz_io::read_npy::<f32>(path).expect("the bundled digits are readable")
}

fn matrix(name: &str) -> Array2<f64> {
    embviz_io::read_npy::<f64>(fixture(name)).expect("the fixture is readable")
}

fn labels(name: &str) -> Vec<usize> {
    embviz_io::read_npy_indices(fixture(name))
        .expect("the fixture is readable")
        .into_iter()
        .collect()
}

fn summary() -> Array1<f64> {
    embviz_io::read_npy_vector::<f64>(fixture("kmeans_digits_summary.npy"))
        .expect("the fixture is readable")
}

fn assert_centres_close(found: &Array2<f64>, expected: &Array2<f64>) {
    assert_eq!(found.dim(), expected.dim());
    for (f, e) in found.iter().zip(expected) {
        assert_relative_eq!(*f, *e, max_relative = TOLERANCE, epsilon = 1e-9);
    }
}

/// Four rows around (-5, 0) and six around (5, 0). The column means (1, 0) and all
/// centred values are small integers, so every intermediate value is exact.
fn two_blobs() -> Array2<f64> {
    array![
        [-6.0, -1.0],
        [5.0, 1.0],
        [-6.0, 1.0],
        [4.0, -1.0],
        [-4.0, -1.0],
        [6.0, -1.0],
        [-4.0, 1.0],
        [4.0, 1.0],
        [6.0, 1.0],
        [5.0, -1.0],
    ]
}

#[test]
fn two_blobs_exact_centres() {
    for seed in 0..5 {
        let model = KMeans::new(2).seed(seed).fit(&two_blobs()).unwrap();
        let labels = model.labels();
        let left = labels[0];
        let right = 1 - left;
        assert_eq!(
            labels.to_vec(),
            vec![
                left, right, left, right, left, right, left, right, right, right
            ],
            "seed {seed}"
        );
        assert_eq!(model.cluster_centers().row(left).to_vec(), vec![-5.0, 0.0]);
        assert_eq!(model.cluster_centers().row(right).to_vec(), vec![5.0, 0.0]);
        // Left: four rows at squared distance 1 + 1. Right: (4, +-1) and (6, +-1) at 2,
        // (5, +-1) at 1.
        assert_eq!(model.inertia(), 4.0 * 2.0 + (4.0 * 2.0 + 2.0 * 1.0));
        assert!(model.converged());
        assert_eq!(model.seed(), seed);
        assert_eq!(model.n_features(), 2);
    }
}

#[test]
fn two_blobs_predict_transform_score() {
    let start = array![[-1.0, 0.0], [1.0, 0.0]];
    let model = KMeans::new(2)
        .init(KMeansInit::Given(start))
        .fit(&two_blobs())
        .unwrap();
    assert_eq!(model.cluster_centers(), &array![[-5.0, 0.0], [5.0, 0.0]]);
    // Two steps: the first moves the centres to the blob means, the second changes no
    // label.
    assert_eq!(model.n_iter(), 2);

    let new_rows = array![[-5.0_f32, 3.0], [9.0, 0.0], [0.0, 0.0]];
    // (0, 0) is equally far from both centres and goes to the lower index.
    assert_eq!(model.predict(&new_rows).unwrap().to_vec(), vec![0, 1, 0]);
    let distances = model.transform(&new_rows).unwrap();
    assert_eq!(distances.dim(), (3, 2));
    assert_eq!(distances.row(0).to_vec(), vec![3.0, 109.0_f64.sqrt()]);
    assert_eq!(distances.row(1).to_vec(), vec![14.0, 4.0]);
    assert_eq!(distances.row(2).to_vec(), vec![5.0, 5.0]);
    assert_eq!(model.score(&new_rows).unwrap(), -(9.0 + 16.0 + 25.0));
    assert_eq!(model.score(&two_blobs()).unwrap(), -model.inertia());
}

#[test]
fn one_step_matches_scikit_learn() {
    let x = digits();
    let model = KMeans::new(10)
        .init(KMeansInit::Given(matrix("kmeans_digits_init.npy")))
        .max_iter(1)
        .fit(&x)
        .unwrap();
    assert_centres_close(
        model.cluster_centers(),
        &matrix("kmeans_digits_step1_centers.npy"),
    );
    assert_eq!(
        model.labels().to_vec(),
        labels("kmeans_digits_step1_labels.npy")
    );
    assert_relative_eq!(model.inertia(), summary()[0], max_relative = TOLERANCE);
    assert_eq!(model.n_iter(), 1);
    assert!(!model.converged());
}

#[test]
fn converged_run_matches_scikit_learn() {
    let x = digits();
    let expected_labels = labels("kmeans_digits_converged_labels.npy");
    let expected_centres = matrix("kmeans_digits_converged_centers.npy");
    for algorithm in [Algorithm::Lloyd, Algorithm::Elkan] {
        let model = KMeans::new(10)
            .init(KMeansInit::Given(matrix("kmeans_digits_init.npy")))
            .algorithm(algorithm)
            .fit(&x)
            .unwrap();
        assert_eq!(model.labels().to_vec(), expected_labels, "{algorithm:?}");
        assert_centres_close(model.cluster_centers(), &expected_centres);
        assert_relative_eq!(model.inertia(), summary()[1], max_relative = TOLERANCE);
        assert_eq!(model.n_iter() as f64, summary()[2], "{algorithm:?}");
        assert!(model.converged());
    }
}

#[test]
fn elkan_and_lloyd_agree_on_digits() {
    let x = digits();
    // Initial centres on the integer grid: ten digits rows, so many rows start at equal
    // distances from two centres.
    let start = Array2::from_shape_fn((10, 64), |(c, j)| f64::from(x[[c * 150 + 7, j]]));
    for max_iter in [1, 2, 5, 300] {
        let fit = |algorithm| {
            KMeans::new(10)
                .init(KMeansInit::Given(start.clone()))
                .max_iter(max_iter)
                .algorithm(algorithm)
                .fit(&x)
                .unwrap()
        };
        let lloyd = fit(Algorithm::Lloyd);
        let elkan = fit(Algorithm::Elkan);
        assert_eq!(lloyd.labels(), elkan.labels(), "max_iter {max_iter}");
        assert_eq!(lloyd.n_iter(), elkan.n_iter(), "max_iter {max_iter}");
        assert_centres_close(elkan.cluster_centers(), lloyd.cluster_centers());
        assert_relative_eq!(elkan.inertia(), lloyd.inertia(), max_relative = 1e-12);
    }
}

#[test]
fn empty_cluster_takes_farthest_row() {
    let x = digits();
    let init = matrix("kmeans_digits_far_init.npy");
    for algorithm in [Algorithm::Lloyd, Algorithm::Elkan] {
        let model = KMeans::new(10)
            .init(KMeansInit::Given(init.clone()))
            .max_iter(1)
            .algorithm(algorithm)
            .fit(&x)
            .unwrap();
        // The far centre got no row, so it moved onto row 1595, the row farthest from its
        // assigned centre.
        let relocated = model.cluster_centers().row(9).to_vec();
        let farthest: Vec<f64> = x.row(1595).iter().map(|&v| f64::from(v)).collect();
        for (found, expected) in relocated.iter().zip(&farthest) {
            assert_relative_eq!(*found, *expected, epsilon = 1e-9);
        }
        assert_centres_close(
            model.cluster_centers(),
            &matrix("kmeans_digits_far_step1_centers.npy"),
        );
        assert_eq!(
            model.labels().to_vec(),
            labels("kmeans_digits_far_step1_labels.npy"),
            "{algorithm:?}"
        );
        assert_relative_eq!(model.inertia(), summary()[3], max_relative = TOLERANCE);
    }
}

#[test]
fn duplicate_rows_leave_cluster_empty() {
    // Three distinct rows and four clusters: one cluster has to stay empty, and its centre
    // copies the heaviest one.
    let x = array![[0.0, 0.0], [0.0, 0.0], [1.0, 0.0], [2.0, 0.0]];
    let start = array![[0.0, 0.0], [1.0, 0.0], [2.0, 0.0], [50.0, 0.0]];
    let model = KMeans::new(4)
        .init(KMeansInit::Given(start))
        .fit(&x)
        .unwrap();
    assert_eq!(model.labels().to_vec(), vec![0, 0, 1, 2]);
    assert_eq!(model.cluster_centers().row(3).to_vec(), vec![0.0, 0.0]);
    assert_eq!(model.inertia(), 0.0);
}

#[test]
fn random_init_runs_ten_times() {
    let x = two_blobs();
    let mut runs = 0;
    let model = KMeans::new(2)
        .init(KMeansInit::Random)
        .seed(4)
        .fit_with(&x, &mut |progress| {
            if progress.stage == "run" {
                runs += 1;
                assert_eq!(progress.total, 10);
            }
            ControlFlow::Continue(())
        })
        .unwrap();
    assert_eq!(runs, 10);
    assert_eq!(model.inertia(), 18.0);
}

#[test]
fn explicit_n_init_is_honoured() {
    let x = digits();
    let mut runs = Vec::new();
    KMeans::new(5)
        .n_init(NInit::Value(3))
        .seed(1)
        .fit_with(&x, &mut |progress| {
            if progress.stage == "run" {
                runs.push(progress.loss.expect("runs report their inertia"));
            }
            ControlFlow::Continue(())
        })
        .unwrap();
    assert_eq!(runs.len(), 3);
}

#[test]
fn observer_stops_the_fit() {
    let x = digits();
    let mut steps = 0;
    let model = KMeans::new(10)
        .n_init(NInit::Value(4))
        .seed(2)
        .fit_with(&x, &mut |progress| {
            if progress.stage == "lloyd" {
                steps += 1;
                assert_eq!(progress.total, 300);
                if progress.iteration == 2 {
                    return ControlFlow::Break(());
                }
            }
            ControlFlow::Continue(())
        })
        .unwrap();
    assert!(model.stopped_early());
    assert_eq!(steps, 2);
    assert_eq!(model.n_iter(), 2);
    assert!(!model.converged());
    // The labels still belong to the final centres.
    assert_eq!(model.predict(&x).unwrap(), model.labels());
}

#[test]
fn same_seed_same_model() {
    let x = digits();
    let fit = || {
        KMeans::new(8)
            .n_init(NInit::Value(2))
            .seed(9)
            .fit(&x)
            .unwrap()
    };
    let first = fit();
    let second = fit();
    assert_eq!(first.labels(), second.labels());
    assert_eq!(first.cluster_centers(), second.cluster_centers());
    assert_eq!(first.inertia().to_bits(), second.inertia().to_bits());

    let other = KMeans::new(8)
        .n_init(NInit::Value(2))
        .seed(10)
        .fit(&x)
        .unwrap();
    assert_ne!(first.cluster_centers(), other.cluster_centers());
}

#[test]
fn f32_and_f64_input_agree() {
    let x = digits();
    let x64 = x.mapv(f64::from);
    let fit = |algorithm| KMeans::new(6).seed(5).algorithm(algorithm);
    for algorithm in [Algorithm::Lloyd, Algorithm::Elkan] {
        let from_f32 = fit(algorithm).fit(&x).unwrap();
        let from_f64 = fit(algorithm).fit(&x64).unwrap();
        assert_eq!(from_f32.labels(), from_f64.labels());
        assert_eq!(from_f32.cluster_centers(), from_f64.cluster_centers());
        assert_eq!(from_f32.inertia(), from_f64.inertia());
    }
}

#[test]
fn predict_repeats_training_labels() {
    let x = digits();
    let model = KMeans::new(10).seed(3).fit(&x).unwrap();
    assert_eq!(&model.predict(&x).unwrap(), model.labels());
    assert_relative_eq!(
        model.score(&x).unwrap(),
        -model.inertia(),
        max_relative = 1e-12
    );
    let distances = model.transform(&x).unwrap();
    assert_eq!(distances.dim(), (1797, 10));
    for (row, &label) in distances.rows().into_iter().zip(model.labels()) {
        let nearest =
            row.iter().enumerate().fold(
                (0, f64::INFINITY),
                |best, (j, &d)| if d < best.1 { (j, d) } else { best },
            );
        assert_eq!(nearest.0, label);
    }
    let inertia: f64 = distances
        .rows()
        .into_iter()
        .zip(model.labels())
        .map(|(row, &label)| row[label] * row[label])
        .sum();
    assert_relative_eq!(inertia, model.inertia(), max_relative = 1e-12);
}

#[test]
fn fit_predict_and_fit_transform() {
    let x = two_blobs();
    let kmeans = KMeans::new(2).seed(8);
    let model = kmeans.fit(&x).unwrap();
    assert_eq!(&kmeans.fit_predict(&x).unwrap(), model.labels());
    assert_eq!(
        kmeans.fit_transform(&x).unwrap(),
        model.transform(&x).unwrap()
    );
}

#[test]
fn single_cluster_is_the_mean() {
    let x = array![[1.0, 2.0], [3.0, 2.0], [5.0, 8.0]];
    let model = KMeans::new(1).algorithm(Algorithm::Elkan).fit(&x).unwrap();
    assert_eq!(model.cluster_centers(), &array![[3.0, 4.0]]);
    assert_eq!(model.labels().to_vec(), vec![0, 0, 0]);
    assert_eq!(model.inertia(), (4.0 + 4.0) + 4.0 + (4.0 + 16.0));
}

#[test]
fn one_row_per_cluster() {
    let x = array![[1.0_f32, 1.0], [4.0, 5.0], [-2.0, 0.5]];
    let model = KMeans::new(3).seed(0).fit(&x).unwrap();
    assert_eq!(model.inertia(), 0.0);
    let mut labels = model.labels().to_vec();
    labels.sort_unstable();
    assert_eq!(labels, vec![0, 1, 2]);
}

#[test]
fn identical_rows_give_one_cluster() {
    let x = Array2::from_elem((6, 3), 2.5_f32);
    for algorithm in [Algorithm::Lloyd, Algorithm::Elkan] {
        let model = KMeans::new(3).algorithm(algorithm).seed(1).fit(&x).unwrap();
        assert_eq!(model.inertia(), 0.0);
        assert_eq!(model.labels().to_vec(), vec![0; 6], "{algorithm:?}");
        for centre in model.cluster_centers().rows() {
            assert_eq!(centre.to_vec(), vec![2.5, 2.5, 2.5]);
        }
    }
}

#[test]
fn given_centres_run_once() {
    let start = array![[-1.0, 0.0], [1.0, 0.0]];
    let mut runs = 0;
    KMeans::new(2)
        .init(KMeansInit::Given(start))
        .n_init(NInit::Value(5))
        .fit_with(&two_blobs(), &mut |progress| {
            if progress.stage == "run" {
                runs += 1;
            }
            ControlFlow::Continue(())
        })
        .unwrap();
    assert_eq!(runs, 1);
}

#[test]
fn estimators_are_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<KMeans>();
    assert_send_sync::<embviz_clustering::FittedKMeans>();
    assert_send_sync::<embviz_clustering::MiniBatchKMeans>();
    assert_send_sync::<embviz_clustering::FittedMiniBatchKMeans>();
}
