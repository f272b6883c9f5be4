//! PCA against scikit-learn 1.9.1 reference values on digits, plus its invariants and errors.
//!
//! The fixtures come from `scripts/make_pca_fixtures.py`: `PCA(n_components=5,
//! svd_solver="full")` on `data/digits/X.npy` converted to float64, and on its rows 0..49.

use std::path::PathBuf;

use embviz_core::Error;
use embviz_reduction::pca::{FittedPca, Pca, pca_fit_transform_view};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis, array, s};

fn manifest_path(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(relative)
}

fn digits() -> Array2<f64> {
    embviz_io::read_npy::<f64>(manifest_path("../../data/digits/X.npy")).expect("digits X.npy")
}

fn fixture_matrix(name: &str) -> Array2<f64> {
    let path = manifest_path(&format!("tests/fixtures/pca_digits_{name}.npy"));
    embviz_io::read_npy::<f64>(&path).expect("PCA fixture matrix")
}

fn fixture_vector(name: &str) -> Array1<f64> {
    let path = manifest_path(&format!("tests/fixtures/pca_digits_{name}.npy"));
    embviz_io::read_npy_vector::<f64>(&path).expect("PCA fixture vector")
}

/// Asserts `|actual − expected| <= tolerance` entry by entry, naming the first failure.
fn assert_close_2d(
    quantity: &str,
    actual: ArrayView2<'_, f64>,
    expected: ArrayView2<'_, f64>,
    tolerance: f64,
) {
    assert_eq!(actual.dim(), expected.dim(), "{quantity}: shape");
    for ((index, a), e) in actual.indexed_iter().zip(expected.iter()) {
        assert!(
            (a - e).abs() <= tolerance,
            "{quantity}{index:?}: {a} vs reference {e}, tolerance {tolerance}"
        );
    }
}

/// Asserts `|actual − expected| <= tolerance · |expected|` entry by entry.
fn assert_relative_1d(
    quantity: &str,
    actual: ArrayView1<'_, f64>,
    expected: ArrayView1<'_, f64>,
    tolerance: f64,
) {
    assert_eq!(actual.len(), expected.len(), "{quantity}: length");
    for (i, (a, e)) in actual.iter().zip(expected.iter()).enumerate() {
        assert!(
            (a - e).abs() <= tolerance * e.abs(),
            "{quantity}[{i}]: {a} vs reference {e}, relative tolerance {tolerance}"
        );
    }
}

fn to_f64<D: ndarray::Dimension>(values: &ndarray::Array<f32, D>) -> ndarray::Array<f64, D> {
    values.mapv(f64::from)
}

/// Deterministic data with well-separated column variances: column j has scale 2^-j, and a
/// splitmix64 stream supplies values in [-1, 1).
fn synthetic(n_samples: usize, n_features: usize, seed: u64) -> Array2<f64> {
    let mut state = seed;
    let mut next = move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1_u64 << 53) as f64 * 2.0 - 1.0
    };
    let mut x = Array2::zeros((n_samples, n_features));
    for mut row in x.outer_iter_mut() {
        for (j, value) in row.iter_mut().enumerate() {
            *value = next() * 0.5_f64.powi(j as i32) + j as f64;
        }
    }
    x
}

#[test]
fn digits_ratio_matches_sklearn() {
    let pca = Pca::new(5).fit(&digits()).expect("digits are valid");
    let expected = fixture_vector("explained_variance_ratio");
    // The first two ratios are those a 2-D map shows.
    assert_relative_1d(
        "explained_variance_ratio[..2]",
        pca.explained_variance_ratio().slice(s![..2]),
        expected.slice(s![..2]),
        1e-10,
    );
    assert_relative_1d(
        "explained_variance_ratio",
        pca.explained_variance_ratio().view(),
        expected.view(),
        1e-10,
    );
}

#[test]
fn digits_variances_match_sklearn() {
    let pca = Pca::new(5).fit(&digits()).expect("digits are valid");
    assert_relative_1d(
        "explained_variance",
        pca.explained_variance().view(),
        fixture_vector("explained_variance").view(),
        1e-10,
    );
    assert_relative_1d(
        "singular_values",
        pca.singular_values().view(),
        fixture_vector("singular_values").view(),
        1e-10,
    );
}

#[test]
fn digits_components_match_sklearn() {
    let pca = Pca::new(5).fit(&digits()).expect("digits are valid");
    assert_eq!(pca.n_components(), 5);
    assert_eq!(pca.n_features(), 64);
    assert_close_2d(
        "components",
        pca.components().view(),
        fixture_matrix("components").view(),
        1e-8,
    );
}

#[test]
fn digits_transform_matches_sklearn() {
    let x = digits();
    let expected = fixture_matrix("transform_first10");
    let pca = Pca::new(5).fit(&x).expect("digits are valid");
    let transformed = pca
        .transform(&x.slice(s![..10, ..]))
        .expect("10 digit rows");
    assert_close_2d("transform", transformed.view(), expected.view(), 1e-8);

    let embedded = Pca::new(5).fit_transform(&x).expect("digits are valid");
    assert_eq!(embedded.dim(), (1797, 5));
    assert_close_2d(
        "fit_transform",
        embedded.slice(s![..10, ..]),
        expected.view(),
        1e-8,
    );
}

#[test]
fn digits_mean_is_column_mean() {
    let x = digits();
    let pca = Pca::new(2).fit(&x).expect("digits are valid");
    let expected = x.mean_axis(Axis(0)).expect("digits have rows");
    assert_close_2d(
        "mean",
        pca.mean().view().insert_axis(Axis(0)),
        expected.view().insert_axis(Axis(0)),
        1e-12,
    );
}

#[test]
fn wide_digits_match_sklearn() {
    // 50 rows of 64 columns take the SVD route, where the full data takes the covariance route.
    let x = digits().slice(s![..50, ..]).to_owned();
    let pca = Pca::new(5).fit(&x).expect("50 digit rows are valid");
    assert_relative_1d(
        "explained_variance_ratio",
        pca.explained_variance_ratio().view(),
        fixture_vector("first50_explained_variance_ratio").view(),
        1e-10,
    );
    assert_close_2d(
        "components",
        pca.components().view(),
        fixture_matrix("first50_components").view(),
        1e-8,
    );
}

#[test]
fn f32_digits_match_sklearn() {
    // The pixel counts are exact in f32 and the fit runs in f64, so only the final rounding
    // to f32 separates the results from the float64 reference.
    let x = digits().mapv(|v| v as f32);
    let pca: FittedPca<f32> = Pca::new(5).fit(&x).expect("digits are valid");
    assert_relative_1d(
        "explained_variance_ratio",
        to_f64(pca.explained_variance_ratio()).view(),
        fixture_vector("explained_variance_ratio").view(),
        1e-6,
    );
    assert_close_2d(
        "components",
        to_f64(pca.components()).view(),
        fixture_matrix("components").view(),
        1e-6,
    );
    let transformed = pca
        .transform(&x.slice(s![..10, ..]))
        .expect("10 digit rows");
    assert_close_2d(
        "transform",
        to_f64(&transformed).view(),
        fixture_matrix("transform_first10").view(),
        1e-4,
    );
}

#[test]
fn largest_entry_of_each_component_is_positive() {
    for (n_samples, n_features) in [(200, 6), (8, 20)] {
        let x = synthetic(n_samples, n_features, 7);
        let pca = Pca::new(n_samples.min(n_features))
            .fit(&x)
            .expect("synthetic data");
        for (i, row) in pca.components().outer_iter().enumerate() {
            let largest =
                row.iter().copied().fold(
                    0.0_f64,
                    |best, v| if v.abs() > best.abs() { v } else { best },
                );
            assert!(
                largest > 0.0,
                "{n_samples} x {n_features}, component {i}: {row}"
            );
        }
    }
}

#[test]
fn negated_data_keeps_components() {
    // Negating X leaves the axes unchanged up to sign, and the sign convention then picks the
    // same sign, so only the coordinates change sign.
    for (n_samples, n_features) in [(200, 6), (8, 20)] {
        let x = synthetic(n_samples, n_features, 11);
        let negated = -&x;
        let k = 4;
        let pca = Pca::new(k).fit(&x).expect("synthetic data");
        let pca_negated = Pca::new(k).fit(&negated).expect("synthetic data");
        assert_close_2d(
            "components",
            pca_negated.components().view(),
            pca.components().view(),
            1e-10,
        );
        let embedded = pca.transform(&x).expect("training data");
        let embedded_negated = pca_negated.transform(&negated).expect("training data");
        assert_close_2d(
            "transform",
            embedded_negated.view(),
            (-&embedded).view(),
            1e-10,
        );
    }
}

#[test]
fn full_rank_inverse_recovers_data() {
    for (n_samples, n_features) in [(50, 6), (6, 10)] {
        let x = synthetic(n_samples, n_features, 3);
        let pca = Pca::new(n_samples.min(n_features))
            .fit(&x)
            .expect("synthetic data");
        let embedded = pca.transform(&x).expect("training data");
        let reconstructed = pca.inverse_transform(&embedded).expect("embedding of X");
        assert_close_2d("reconstruction", reconstructed.view(), x.view(), 1e-12);
    }
}

#[test]
fn truncated_inverse_is_projection() {
    // With fewer components, inverse_transform(transform(x)) is the orthogonal projection of x
    // on the span of the axes, so applying it twice changes nothing.
    let x = synthetic(60, 5, 5);
    let pca = Pca::new(2).fit(&x).expect("synthetic data");
    let once = pca
        .inverse_transform(&pca.transform(&x).expect("training data"))
        .expect("embedding of X");
    let twice = pca
        .inverse_transform(&pca.transform(&once).expect("projected data"))
        .expect("embedding of the projection");
    assert_close_2d("projection", twice.view(), once.view(), 1e-12);
    let residual = (&x - &once).mapv(f64::abs).sum();
    assert!(
        residual > 1e-3,
        "two of five axes cannot reconstruct X, residual {residual}"
    );
}

#[test]
fn transposed_view_matches_standard_layout() {
    let x = synthetic(40, 7, 13);
    let stored_transposed = x.t().as_standard_layout().into_owned();
    let view = stored_transposed.t();
    assert!(!view.is_standard_layout());

    let standard = Pca::new(3).fit(&x).expect("synthetic data");
    let from_view = Pca::new(3).fit(&view).expect("synthetic data");
    assert_eq!(from_view.components(), standard.components());
    assert_eq!(
        from_view.explained_variance(),
        standard.explained_variance()
    );
    assert_eq!(from_view.mean(), standard.mean());
    assert_eq!(
        pca_fit_transform_view(view, 3).expect("synthetic data"),
        Pca::new(3).fit_transform(&x).expect("synthetic data")
    );
}

#[test]
fn f32_agrees_with_f64() {
    // Across shapes that take either route, f32 input rounded from the f64 data gives the same
    // fit within 1e-4 relative.
    for (n_samples, n_features, seed) in [(300, 8, 1), (120, 12, 2), (9, 15, 3), (1000, 4, 4)] {
        let x64 = synthetic(n_samples, n_features, seed);
        let x32 = x64.mapv(|v| v as f32);
        let k = 3;
        let pca64 = Pca::new(k).fit(&x64).expect("synthetic data");
        let pca32 = Pca::new(k).fit(&x32).expect("synthetic data");
        let case = format!("{n_samples} x {n_features}");

        assert_relative_1d(
            &format!("{case} explained_variance"),
            to_f64(pca32.explained_variance()).view(),
            pca64.explained_variance().view(),
            1e-4,
        );
        assert_relative_1d(
            &format!("{case} explained_variance_ratio"),
            to_f64(pca32.explained_variance_ratio()).view(),
            pca64.explained_variance_ratio().view(),
            1e-4,
        );
        // Components have unit norm, so an absolute tolerance is relative to that norm.
        assert_close_2d(
            &format!("{case} components"),
            to_f64(pca32.components()).view(),
            pca64.components().view(),
            1e-4,
        );
        let embedded64 = pca64.transform(&x64).expect("training data");
        let embedded32 = pca32.transform(&x32).expect("training data");
        let scale = embedded64.iter().fold(0.0_f64, |max, v| max.max(v.abs()));
        assert_close_2d(
            &format!("{case} transform"),
            to_f64(&embedded32).view(),
            embedded64.view(),
            1e-4 * scale,
        );
    }
}

#[test]
fn fit_transform_equals_fit_then_transform() {
    for (n_samples, n_features) in [(300, 8), (9, 15)] {
        let x = synthetic(n_samples, n_features, 17);
        let embedded = Pca::new(3).fit_transform(&x).expect("synthetic data");
        let pca = Pca::new(3).fit(&x).expect("synthetic data");
        let transformed = pca.transform(&x).expect("training data");
        assert_close_2d("fit_transform", embedded.view(), transformed.view(), 1e-12);

        // The singular values are the norms of the coordinate columns.
        let norms: Array1<f64> = embedded
            .columns()
            .into_iter()
            .map(|column| column.dot(&column).sqrt())
            .collect();
        assert_relative_1d(
            "singular_values",
            pca.singular_values().view(),
            norms.view(),
            1e-12,
        );
    }
}

#[test]
fn all_components_explain_everything() {
    let x = synthetic(30, 5, 19);
    let pca = Pca::new(5).fit(&x).expect("synthetic data");
    let total: f64 = pca.explained_variance_ratio().sum();
    assert!((total - 1.0).abs() < 1e-12, "ratios sum to {total}");
    // The explained variances add up to the total column variance with ddof = 1.
    let column_variances: f64 = x.var_axis(Axis(0), 1.0).sum();
    let explained: f64 = pca.explained_variance().sum();
    assert!((explained - column_variances).abs() < 1e-12 * column_variances);
    let ratios = pca.explained_variance_ratio();
    assert!(
        ratios.windows(2).into_iter().all(|pair| pair[0] >= pair[1]),
        "{ratios}"
    );
}

#[test]
fn components_are_orthonormal() {
    for (n_samples, n_features) in [(200, 6), (8, 20)] {
        let x = synthetic(n_samples, n_features, 23);
        let k = n_samples.min(n_features);
        let pca = Pca::new(k).fit(&x).expect("synthetic data");
        let gram = pca.components().dot(&pca.components().t());
        assert_close_2d("gram", gram.view(), Array2::eye(k).view(), 1e-12);
    }
}

#[test]
fn constant_data_has_zero_ratio() {
    let x = array![[1.0_f64, 2.0, 3.0], [1.0, 2.0, 3.0], [1.0, 2.0, 3.0]];
    let pca = Pca::new(2).fit(&x).expect("constant data is valid");
    assert_eq!(pca.explained_variance(), &array![0.0, 0.0]);
    assert_eq!(pca.explained_variance_ratio(), &array![0.0, 0.0]);
    assert_eq!(pca.singular_values(), &array![0.0, 0.0]);
    assert_eq!(pca.mean(), &array![1.0, 2.0, 3.0]);
    assert_eq!(
        pca.transform(&x).expect("training data"),
        Array2::<f64>::zeros((3, 2))
    );
}

#[test]
fn extreme_magnitudes_stay_finite() {
    // Squares of 1e200 overflow and squares of 1e-200 underflow, but the ratios do not depend
    // on the scale of the data.
    let x = synthetic(100, 4, 29);
    let reference = Pca::new(2).fit(&x).expect("synthetic data");
    for factor in [1e200, 1e-200] {
        let scaled = &x * factor;
        let pca = Pca::new(2).fit(&scaled).expect("scaled data is finite");
        assert_relative_1d(
            &format!("ratio at scale {factor}"),
            pca.explained_variance_ratio().view(),
            reference.explained_variance_ratio().view(),
            1e-10,
        );
        assert_close_2d(
            &format!("components at scale {factor}"),
            pca.components().view(),
            reference.components().view(),
            1e-10,
        );
        let expected_singular = reference.singular_values().mapv(|s| s * factor);
        assert_relative_1d(
            &format!("singular values at scale {factor}"),
            pca.singular_values().view(),
            expected_singular.view(),
            1e-10,
        );
    }
}

#[test]
fn repeated_fit_is_identical() {
    let x = synthetic(500, 10, 31);
    let first = Pca::new(4).fit_transform(&x).expect("synthetic data");
    let second = Pca::new(4).fit_transform(&x).expect("synthetic data");
    assert_eq!(first, second);
}

#[test]
fn thread_count_does_not_change_output() {
    // Shapes large enough for faer to split its work: two for the covariance route, one very
    // tall, and one for the SVD route.
    for (n_samples, n_features) in [(4000, 120), (60_000, 4), (300, 500)] {
        let x = synthetic(n_samples, n_features, 37);
        let fit_in_pool = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("thread pool");
            pool.install(|| {
                let pca = Pca::new(4).fit(&x).expect("synthetic data");
                let embedded = pca.transform(&x).expect("training data");
                (
                    pca.components().clone(),
                    pca.explained_variance().clone(),
                    embedded,
                )
            })
        };
        let one = fit_in_pool(1);
        let four = fit_in_pool(4);
        assert_eq!(one.0, four.0, "{n_samples} x {n_features}: components");
        assert_eq!(
            one.1, four.1,
            "{n_samples} x {n_features}: explained variance"
        );
        assert_eq!(one.2, four.2, "{n_samples} x {n_features}: transform");
    }
}

#[test]
fn default_keeps_two_components() {
    let x = synthetic(20, 5, 41);
    let pca = Pca::default().fit(&x).expect("synthetic data");
    assert_eq!(pca.n_components(), 2);
    let pca = Pca::default()
        .n_components(4)
        .fit(&x)
        .expect("synthetic data");
    assert_eq!(pca.components().dim(), (4, 5));
}

#[test]
fn view_function_matches_estimator() {
    let x = synthetic(50, 6, 43);
    let from_function = pca_fit_transform_view(x.view(), 2).expect("synthetic data");
    let from_estimator = Pca::new(2).fit_transform(&x).expect("synthetic data");
    assert_eq!(from_function, from_estimator);
}

#[test]
fn vec_rows_are_accepted() {
    let rows = vec![vec![1.0_f32, 0.0], vec![0.0, 1.0], vec![-1.0, 0.5]];
    let x = Array2::from_shape_vec((3, 2), rows.concat()).expect("3 x 2");
    let from_vec = Pca::new(1).fit(&rows).expect("valid rows");
    let from_array = Pca::new(1).fit(&x).expect("valid rows");
    assert_eq!(from_vec.components(), from_array.components());
}

#[test]
fn params_and_model_are_send_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Pca>();
    assert_send_sync::<FittedPca<f32>>();
    assert_send_sync::<FittedPca<f64>>();
}

// Errors: one test per case.

#[test]
fn zero_components_is_rejected() {
    let x = synthetic(10, 4, 47);
    match Pca::new(0).fit(&x) {
        Err(Error::InvalidParameter {
            name,
            value,
            expected,
        }) => {
            assert_eq!(name, "n_components");
            assert_eq!(value, "0");
            assert_eq!(
                expected,
                "must be between 1 and min(n_samples, n_features) = 4"
            );
        }
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
    let message = Pca::new(0).fit(&x).expect_err("0 components").to_string();
    assert_eq!(
        message,
        "invalid n_components = 0: must be between 1 and min(n_samples, n_features) = 4"
    );
}

#[test]
fn too_many_components_is_rejected() {
    let x = synthetic(10, 4, 53);
    match Pca::new(5).fit(&x) {
        Err(Error::InvalidParameter {
            name,
            value,
            expected,
        }) => {
            assert_eq!(name, "n_components");
            assert_eq!(value, "5");
            assert_eq!(
                expected,
                "must be between 1 and min(n_samples, n_features) = 4, so lower it or pass \
                 more rows and columns"
            );
        }
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
}

#[test]
fn components_above_row_count_rejected() {
    let x = synthetic(3, 8, 59);
    match Pca::new(4).fit_transform(&x) {
        Err(Error::InvalidParameter {
            name,
            value,
            expected,
        }) => {
            assert_eq!(name, "n_components");
            assert_eq!(value, "4");
            assert!(
                expected.starts_with("must be between 1 and min(n_samples, n_features) = 3"),
                "{expected}"
            );
        }
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
    assert!(Pca::new(3).fit(&x).is_ok());
}

#[test]
fn empty_input_is_rejected() {
    let x = Array2::<f64>::zeros((0, 4));
    assert!(matches!(
        Pca::new(1).fit(&x),
        Err(Error::EmptyInput {
            what: "X",
            n_rows: 0,
            n_cols: 4
        })
    ));
}

#[test]
fn single_row_is_rejected() {
    let x = array![[1.0_f32, 2.0, 3.0]];
    assert!(matches!(
        Pca::new(1).fit(&x),
        Err(Error::TooFewSamples {
            what: "X",
            n_samples: 1,
            required: 2,
            ..
        })
    ));
}

#[test]
fn nan_is_rejected() {
    let mut x = synthetic(5, 3, 61);
    x[[3, 2]] = f64::NAN;
    match Pca::new(2).fit(&x) {
        Err(Error::NonFinite {
            what,
            row,
            column,
            value,
        }) => {
            assert_eq!((what, row, column), ("X", 3, 2));
            assert!(value.is_nan());
        }
        other => panic!("expected NonFinite, got {other:?}"),
    }
}

#[test]
fn infinity_is_rejected() {
    let mut x = synthetic(5, 3, 67).mapv(|v| v as f32);
    x[[1, 0]] = f32::NEG_INFINITY;
    assert!(matches!(
        Pca::new(2).fit(&x),
        Err(Error::NonFinite {
            what: "X",
            row: 1,
            column: 0,
            value,
        }) if value == f64::NEG_INFINITY
    ));
}

#[test]
fn ragged_rows_are_rejected() {
    let rows = vec![vec![1.0_f64, 2.0], vec![3.0], vec![5.0, 6.0]];
    assert!(matches!(
        Pca::new(1).fit(&rows),
        Err(Error::RaggedRows {
            row: 1,
            expected: 2,
            found: 1,
            ..
        })
    ));
}

#[test]
fn transform_checks_column_count() {
    let pca = Pca::new(2)
        .fit(&synthetic(10, 4, 71))
        .expect("synthetic data");
    match pca.transform(&Array2::<f64>::zeros((3, 5))) {
        Err(Error::ShapeMismatch {
            what,
            expected,
            found,
        }) => {
            assert_eq!(what, "X");
            assert!(expected.starts_with("4 columns"), "{expected}");
            assert_eq!(found, "5 columns");
        }
        other => panic!("expected ShapeMismatch, got {other:?}"),
    }
}

#[test]
fn transform_rejects_nan() {
    let pca = Pca::new(2)
        .fit(&synthetic(10, 4, 73))
        .expect("synthetic data");
    let mut x = Array2::<f64>::zeros((2, 4));
    x[[0, 1]] = f64::NAN;
    assert!(matches!(
        pca.transform(&x),
        Err(Error::NonFinite {
            what: "X",
            row: 0,
            column: 1,
            ..
        })
    ));
}

#[test]
fn inverse_transform_checks_column_count() {
    let pca = Pca::new(2)
        .fit(&synthetic(10, 4, 79))
        .expect("synthetic data");
    match pca.inverse_transform(&Array2::<f64>::zeros((3, 3))) {
        Err(Error::ShapeMismatch {
            what,
            expected,
            found,
        }) => {
            assert_eq!(what, "Y");
            assert_eq!(expected, "2 columns, one per component");
            assert_eq!(found, "3 columns");
        }
        other => panic!("expected ShapeMismatch, got {other:?}"),
    }
}

#[test]
fn view_function_rejects_zero_components() {
    let x = synthetic(10, 4, 83);
    assert!(matches!(
        pca_fit_transform_view(x.view(), 0),
        Err(Error::InvalidParameter {
            name: "n_components",
            ..
        })
    ));
}
