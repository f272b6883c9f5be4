//! t-SNE against scikit-learn's reference values and quality on the digits data.

use std::ops::ControlFlow;
use std::path::PathBuf;

use embviz_core::{Error, Metric};
use embviz_io::{read_npy, read_npy_vector};
use embviz_reduction::tsne::affinity::{conditional_probabilities, joint_probabilities_exact};
use embviz_reduction::tsne::{Init, LearningRate, Method, Tsne};
use ndarray::{Array2, ArrayView2, Axis, ShapeBuilder, s};

fn repository_file(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(relative)
}

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn digits<F: embviz_core::Float>() -> Array2<F> {
    read_npy::<F>(repository_file("data/digits/X.npy")).expect("bundled digits data")
}

/// Trustworthiness with scikit-learn's definition.
fn trustworthiness(x: ArrayView2<'_, f64>, y: ArrayView2<'_, f64>, k: usize) -> f64 {
    embviz_metrics::trustworthiness(&x, &y, k).expect("valid maps")
}

#[test]
fn joint_p_matches_scikit_learn_on_300_digits() {
    let x = digits::<f64>();
    let x300 = x.slice(s![..300, ..]);
    let expected = read_npy::<f64>(fixture("tsne_p30_digits300_joint_P.npy")).expect("fixture");
    let expected_conditional =
        read_npy::<f64>(fixture("tsne_p30_digits300_conditional_P.npy")).expect("fixture");
    let expected_betas =
        read_npy_vector::<f64>(fixture("tsne_p30_digits300_betas.npy")).expect("fixture");

    let (joint, conditional) = joint_probabilities_exact(x300, 30.0, Metric::Euclidean);

    assert_eq!(joint.dim(), (300, 300));
    let max_joint_error = (&joint - &expected)
        .mapv(f64::abs)
        .fold(0.0_f64, |a, &b| a.max(b));
    assert!(
        max_joint_error <= 1e-6,
        "joint P differs by {max_joint_error}"
    );
    approx::assert_relative_eq!(joint.sum(), 1.0, epsilon = 1e-12);
    let max_conditional_error = (&conditional.p - &expected_conditional)
        .mapv(f64::abs)
        .fold(0.0_f64, |a, &b| a.max(b));
    assert!(
        max_conditional_error <= 1e-6,
        "conditional P differs by {max_conditional_error}"
    );
    for (beta, expected) in conditional.betas.iter().zip(&expected_betas) {
        approx::assert_relative_eq!(*beta, *expected, max_relative = 1e-9);
    }
    assert_eq!(conditional.n_not_converged, 0);
}

#[test]
fn conditional_p_matches_scikit_learn_on_all_digits() {
    let x = digits::<f64>();
    let expected =
        read_npy::<f64>(fixture("tsne_p30_digits_first50_conditional_P.npy")).expect("fixture");
    let expected_betas =
        read_npy_vector::<f64>(fixture("tsne_p30_digits_first50_betas.npy")).expect("fixture");
    let n = x.nrows();
    // The squared distances of the first 50 rows to all rows, with the own row as the
    // diagonal entry skipped by the search.
    let mut distances = Array2::<f32>::zeros((50, n));
    for i in 0..50 {
        for j in 0..n {
            distances[[i, j]] = (&x.row(i) - &x.row(j)).mapv(|v| v * v).sum() as f32;
        }
    }
    let conditional = conditional_probabilities(distances.view(), 30.0, true);
    let max_error = (&conditional.p - &expected)
        .mapv(f64::abs)
        .fold(0.0_f64, |a, &b| a.max(b));
    assert!(max_error <= 1e-6, "conditional P differs by {max_error}");
    for (beta, expected) in conditional.betas.iter().zip(&expected_betas) {
        approx::assert_relative_eq!(*beta, *expected, max_relative = 1e-9);
    }
}

#[test]
fn barnes_hut_digits_matches_scikit_learn_quality() {
    let x = digits::<f32>();
    let x64 = x.mapv(f64::from);
    let fitted = Tsne::new().seed(0).fit(&x).expect("digits are valid input");
    let map = fitted.embedding().mapv(f64::from);

    // scikit-learn 1.9.1 reaches trustworthiness 0.9925 and KL 0.7543 with the same
    // defaults. embviz must reach at least 0.9925 - 0.005 and a KL within 5 % of it.
    let quality = trustworthiness(x64.view(), map.view(), 10);
    println!(
        "trustworthiness {quality:.4}, KL {:.4}, iterations {}",
        fitted.kl_divergence(),
        fitted.n_iter()
    );
    assert!(quality >= 0.9875, "trustworthiness {quality}");
    let kl = fitted.kl_divergence();
    assert!(
        (kl - 0.7543).abs() <= 0.05 * 0.7543,
        "KL divergence {kl} is not within 5 % of 0.7543"
    );
    assert_eq!(fitted.n_iter(), 1000);
    // 1797 / 12 / 4 is below the floor of 50.
    approx::assert_relative_eq!(fitted.learning_rate(), 50.0);

    // Negative control: the random starting map scores far lower.
    let start = Tsne::new()
        .init(Init::Random)
        .seed(0)
        .max_iter(250)
        .learning_rate(LearningRate::Value(1e-12))
        .fit(&x)
        .expect("digits are valid input");
    let start_quality = trustworthiness(x64.view(), start.embedding().mapv(f64::from).view(), 10);
    println!("random map trustworthiness {start_quality:.4}");
    assert!(
        start_quality < 0.6,
        "random map trustworthiness {start_quality}"
    );
}

#[test]
fn exact_method_separates_digit_classes() {
    let x = digits::<f64>();
    let x = x.slice(s![..400, ..]).to_owned();
    let fitted = Tsne::new()
        .method(Method::Exact)
        .seed(1)
        .fit(&x)
        .expect("valid input");
    let quality = trustworthiness(x.view(), fitted.embedding().view(), 10);
    assert!(quality >= 0.98, "trustworthiness {quality}");
    assert!(fitted.kl_divergence() > 0.0);
    assert!(fitted.kl_divergence() < 1.5);
}

#[test]
fn three_components_and_cosine_work() {
    let x = digits::<f32>();
    let x = x.slice(s![..300, ..]).to_owned();
    let fitted = Tsne::new()
        .n_components(3)
        .metric(Metric::Cosine)
        .seed(2)
        .fit(&x)
        .expect("valid input");
    assert_eq!(fitted.embedding().dim(), (300, 3));
    assert!(fitted.embedding().iter().all(|v| v.is_finite()));
    let quality = trustworthiness(
        x.mapv(f64::from).view(),
        fitted.embedding().mapv(f64::from).view(),
        10,
    );
    assert!(quality >= 0.95, "trustworthiness {quality}");
}

fn fit_with_threads(threads: usize, x: &Array2<f32>, method: Method) -> Array2<f32> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a thread pool");
    pool.install(|| {
        Tsne::new()
            .method(method)
            .init(Init::Random)
            .max_iter(300)
            .seed(42)
            .fit_transform(x)
            .expect("valid input")
    })
}

#[test]
fn same_seed_same_map_for_any_thread_count() {
    let x = digits::<f32>();
    let x = x.slice(s![..500, ..]).to_owned();
    for method in [Method::BarnesHut, Method::Exact] {
        let one = fit_with_threads(1, &x, method);
        let two = fit_with_threads(2, &x, method);
        let bits = |m: &Array2<f32>| m.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&one), bits(&two), "{method:?}");
    }
}

#[test]
fn observer_sees_progress_and_can_stop() {
    let x = digits::<f64>();
    let x = x.slice(s![..200, ..]).to_owned();
    let mut reports = Vec::new();
    let fitted = Tsne::new()
        .seed(3)
        .fit_with(&x, &mut |progress| {
            reports.push((progress.stage, progress.iteration, progress.loss));
            if progress.iteration >= 300 {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        })
        .expect("valid input");
    assert!(fitted.stopped_early());
    assert_eq!(fitted.n_iter(), 300);
    let iterations: Vec<usize> = reports.iter().map(|r| r.1).collect();
    assert_eq!(iterations, vec![50, 100, 150, 200, 250, 300]);
    assert_eq!(reports[0].0, "early exaggeration");
    assert_eq!(reports[5].0, "optimization");
    assert!(reports.iter().all(|r| r.2.is_some_and(|kl| kl > 0.0)));
}

#[test]
fn given_init_is_used() {
    let x = digits::<f64>();
    let x = x.slice(s![..100, ..]).to_owned();
    let start = Array2::from_shape_fn((100, 2), |(i, j)| (i * 2 + j) as f64 * 1e-4);
    let fitted = Tsne::new()
        .init(Init::Given(start.clone()))
        .perplexity(10.0)
        .seed(0)
        .fit(&x)
        .expect("valid input");
    let fitted_again = Tsne::new()
        .init(Init::Given(start))
        .perplexity(10.0)
        .seed(99)
        .fit(&x)
        .expect("valid input");
    // The seed only drives a random start, so a given start makes it irrelevant.
    assert_eq!(fitted.embedding(), fitted_again.embedding());
}

#[test]
fn empty_matrix_is_rejected() {
    let x = Array2::<f32>::zeros((0, 5));
    assert!(matches!(
        Tsne::new().fit(&x),
        Err(Error::EmptyInput {
            n_rows: 0,
            n_cols: 5,
            ..
        })
    ));
}

#[test]
fn one_row_is_rejected() {
    let x = Array2::<f64>::ones((1, 4));
    assert!(matches!(
        Tsne::new().fit(&x),
        Err(Error::TooFewSamples {
            n_samples: 1,
            required: 2,
            ..
        })
    ));
}

#[test]
fn nan_and_inf_are_rejected() {
    let mut x = Array2::<f64>::ones((50, 4));
    x[[7, 2]] = f64::NAN;
    assert!(matches!(
        Tsne::new().fit(&x),
        Err(Error::NonFinite {
            row: 7,
            column: 2,
            ..
        })
    ));
    x[[7, 2]] = 0.0;
    x[[9, 0]] = f64::NEG_INFINITY;
    assert!(matches!(
        Tsne::new().fit(&x),
        Err(Error::NonFinite { row: 9, column: 0, value, .. }) if value == f64::NEG_INFINITY
    ));
}

#[test]
fn perplexity_not_below_n_samples_is_rejected() {
    let x = Array2::from_shape_fn((30, 3), |(i, j)| (i * 3 + j) as f64);
    let error = Tsne::new().fit(&x).expect_err("perplexity 30 with 30 rows");
    match &error {
        Error::InvalidParameter { name, value, .. } => {
            assert_eq!(*name, "perplexity");
            assert_eq!(value, "30");
        }
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
    assert!(error.to_string().contains("less than n_samples (30)"));
    assert!(Tsne::new().perplexity(29.5).max_iter(250).fit(&x).is_ok());
}

#[test]
fn four_components_with_barnes_hut_are_rejected() {
    let x = Array2::from_shape_fn((40, 6), |(i, j)| ((i * 7 + j) % 11) as f64);
    assert!(matches!(
        Tsne::new().n_components(4).perplexity(5.0).fit(&x),
        Err(Error::InvalidParameter { name: "n_components", ref value, .. }) if value == "4"
    ));
    let exact = Tsne::new()
        .n_components(4)
        .perplexity(5.0)
        .method(Method::Exact)
        .max_iter(250)
        .seed(0)
        .fit(&x)
        .expect("the exact method takes any number of components");
    assert_eq!(exact.embedding().dim(), (40, 4));
}

#[test]
fn ragged_rows_are_rejected() {
    let x = vec![vec![1.0_f32, 2.0], vec![3.0, 4.0, 5.0]];
    assert!(matches!(
        Tsne::new().fit(&x),
        Err(Error::RaggedRows {
            row: 1,
            expected: 2,
            found: 3,
            ..
        })
    ));
}

#[test]
fn invalid_parameters_are_rejected() {
    let x = Array2::from_shape_fn((40, 3), |(i, j)| ((i * 5 + j) % 7) as f64);
    let cases: Vec<(Tsne, &str)> = vec![
        (Tsne::new().perplexity(0.0), "perplexity"),
        (Tsne::new().perplexity(f64::NAN), "perplexity"),
        (Tsne::new().n_components(0), "n_components"),
        (Tsne::new().early_exaggeration(0.5), "early_exaggeration"),
        (
            Tsne::new().learning_rate(LearningRate::Value(-1.0)),
            "learning_rate",
        ),
        (Tsne::new().max_iter(100), "max_iter"),
        (Tsne::new().angle(1.5), "angle"),
        (Tsne::new().min_grad_norm(-1.0), "min_grad_norm"),
        (
            Tsne::new()
                .perplexity(5.0)
                .init(Init::Given(Array2::zeros((39, 2)))),
            "init",
        ),
    ];
    for (params, expected_name) in cases {
        match params.fit(&x) {
            Err(Error::InvalidParameter { name, .. }) => assert_eq!(name, expected_name),
            other => panic!("{expected_name}: expected InvalidParameter, got {other:?}"),
        }
    }
}

#[test]
fn zero_row_with_cosine_is_rejected() {
    let mut x = Array2::from_shape_fn((40, 3), |(i, j)| ((i * 5 + j) % 7 + 1) as f64);
    x.row_mut(12).fill(0.0);
    assert!(matches!(
        Tsne::new().perplexity(5.0).metric(Metric::Cosine).fit(&x),
        Err(Error::ZeroVector { row: 12, .. })
    ));
}

#[test]
fn layouts_give_the_same_map() {
    // A Fortran-order copy and a nalgebra matrix hold the same rows as the standard array.
    let x = digits::<f64>();
    let x = x.slice(s![..120, ..]).to_owned();
    let params = Tsne::new().perplexity(10.0).max_iter(300).seed(5);
    let standard = params.fit_transform(&x).expect("valid input");
    let mut fortran = Array2::<f64>::zeros(x.dim().f());
    fortran.assign(&x);
    assert_eq!(
        params.fit_transform(&fortran).expect("valid input"),
        standard
    );
    let rows: Vec<Vec<f64>> = x.axis_iter(Axis(0)).map(|r| r.to_vec()).collect();
    assert_eq!(params.fit_transform(&rows).expect("valid input"), standard);
}
