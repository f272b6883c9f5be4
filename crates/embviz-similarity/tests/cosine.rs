//! Cosine similarity matrices against scikit-learn's reference, and their errors.
//!
//! The fixture `digits_cosine_first100.npy` is scikit-learn 1.9.1's
//! `cosine_similarity(X[:100])` on the first 100 digits images, cast to float64.

use std::path::PathBuf;

use embviz_core::{Error, Float};
use embviz_similarity::{cosine_similarity, cosine_similarity_between};
use ndarray::{Array2, array, s};

fn manifest_path(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(relative)
}

fn digits<F: Float>() -> Array2<F> {
    embviz_io::read_npy(manifest_path("../../data/digits/X.npy"))
        .expect("the digits data is bundled")
}

fn reference_first100() -> Array2<f64> {
    embviz_io::read_npy(manifest_path("tests/fixtures/digits_cosine_first100.npy"))
        .expect("the cosine fixture is readable")
}

fn max_abs_difference<F: Float, G: Float>(a: &Array2<F>, b: &Array2<G>) -> f64 {
    assert_eq!(a.dim(), b.dim());
    a.iter()
        .zip(b)
        .map(|(x, y)| (x.to_f64_exact() - y.to_f64_exact()).abs())
        .fold(0.0, f64::max)
}

fn in_pool<T: Send>(threads: usize, job: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a thread pool can be built")
        .install(job)
}

#[test]
fn digits_match_scikit_learn_float32() {
    let x = digits::<f32>();
    let s = cosine_similarity(&x.slice(s![..100, ..])).expect("digits is valid input");
    let difference = max_abs_difference(&s, &reference_first100());
    assert!(difference <= 1e-6, "max difference {difference:e}");
}

#[test]
fn digits_match_scikit_learn_float64() {
    let x = digits::<f64>();
    let s = cosine_similarity(&x.slice(s![..100, ..])).expect("digits is valid input");
    let difference = max_abs_difference(&s, &reference_first100());
    assert!(difference <= 1e-14, "max difference {difference:e}");
}

#[test]
fn single_precision_stays_near_double() {
    let single = cosine_similarity(&digits::<f32>()).expect("digits is valid input");
    let double = cosine_similarity(&digits::<f64>()).expect("digits is valid input");
    let difference = max_abs_difference(&single, &double);
    // 3.58e-7 when measured: the f32 sums of 64 positive products, plus the rounding of
    // the unit rows to f32.
    assert!(difference <= 4e-7, "max difference {difference:e}");
    assert!(
        difference > 0.0,
        "the f32 product should differ from the f64 one"
    );
}

#[test]
fn matrix_is_symmetric_with_unit_diagonal() {
    let s = cosine_similarity(&digits::<f64>()).expect("digits is valid input");
    assert_eq!(s.dim(), (1797, 1797));
    for i in 0..s.nrows() {
        assert!(
            (s[[i, i]] - 1.0).abs() <= 1e-15,
            "s[{i}, {i}] = {}",
            s[[i, i]]
        );
        for j in 0..i {
            assert_eq!(s[[i, j]], s[[j, i]], "({i}, {j})");
        }
    }
    // Pixel counts are never negative, so no similarity is below 0. scikit-learn's lowest
    // is 0.253116550344.
    let lowest = s.iter().copied().fold(f64::INFINITY, f64::min);
    assert!(
        (lowest - 0.253_116_550_344).abs() < 1e-12,
        "lowest similarity {lowest}"
    );

    let single = cosine_similarity(&digits::<f32>()).expect("digits is valid input");
    for i in 0..single.nrows() {
        assert!((single[[i, i]] - 1.0).abs() <= 4e-7, "f32 s[{i}, {i}]");
        for j in 0..i {
            assert_eq!(single[[i, j]], single[[j, i]], "f32 ({i}, {j})");
        }
    }
}

fn assert_between_equals_blocks<F: Float>() {
    let x = digits::<F>();
    let full = cosine_similarity(&x.slice(s![..600, ..])).expect("digits is valid input");
    let top = x.slice(s![..300, ..]);
    let bottom = x.slice(s![300..600, ..]);
    let between = cosine_similarity_between(&top, &bottom).expect("equal widths");
    assert_eq!(between.dim(), (300, 300));
    assert_eq!(between, full.slice(s![..300, 300..600]));
    let reversed = cosine_similarity_between(&bottom, &top).expect("equal widths");
    assert_eq!(reversed, full.slice(s![300..600, ..300]));
    let same = cosine_similarity_between(&top, &top).expect("equal widths");
    assert_eq!(same, full.slice(s![..300, ..300]));
}

#[test]
fn between_equals_blocks_of_full_matrix() {
    assert_between_equals_blocks::<f32>();
    assert_between_equals_blocks::<f64>();
}

#[test]
fn zero_rows_have_zero_similarity() {
    // The example of scikit-learn's cosine_similarity docstring.
    let x = array![[0.0_f64, 0.0, 0.0], [1.0, 1.0, 1.0]];
    let y = array![[1.0_f64, 0.0, 0.0], [1.0, 1.0, 0.0]];
    let s = cosine_similarity_between(&x, &y).expect("zero rows are accepted");
    assert_eq!(s.row(0).to_vec(), vec![0.0, 0.0]);
    assert!((s[[1, 0]] - 1.0 / 3.0_f64.sqrt()).abs() < 1e-15);
    assert!((s[[1, 1]] - (2.0_f64 / 3.0).sqrt()).abs() < 1e-15);

    let s = cosine_similarity(&x).expect("zero rows are accepted");
    assert_eq!(s[[0, 0]], 0.0);
    assert_eq!(s[[0, 1]], 0.0);
    assert_eq!(s[[1, 0]], 0.0);
    assert!((s[[1, 1]] - 1.0).abs() < 1e-15);
}

#[test]
fn tiny_and_huge_rows_are_scaled() {
    // scikit-learn leaves the first float32 row unscaled (norm below 1.2e-6) and returns
    // 1e-7 for its similarity to the second row.
    let x = array![[1e-7_f32, 0.0], [1.0, 0.0]];
    let s = cosine_similarity(&x).expect("tiny values are valid");
    assert_eq!(s, array![[1.0, 1.0], [1.0, 1.0]]);

    let x = array![[3e300_f64, 4e300], [-3e-300, -4e-300], [4e-320, -3e-320]];
    let s = cosine_similarity(&x).expect("extreme values are valid");
    let expected = array![[1.0, -1.0, 0.0], [-1.0, 1.0, 0.0], [0.0, 0.0, 1.0]];
    let difference = max_abs_difference(&s, &expected);
    assert!(difference < 1e-3, "max difference {difference:e}\n{s}");
    assert!((s[[0, 1]] + 1.0).abs() < 1e-15, "{}", s[[0, 1]]);
}

#[test]
fn scaling_rows_changes_nothing() {
    let x = digits::<f64>().slice(s![..200, ..]).to_owned();
    let mut scaled = x.clone();
    for (i, mut row) in scaled.outer_iter_mut().enumerate() {
        row *= 2.0_f64.powi(i as i32 % 7 - 3);
    }
    let s = cosine_similarity(&x).expect("digits is valid input");
    assert_eq!(
        s,
        cosine_similarity(&scaled).expect("scaled digits are valid")
    );
}

fn assert_same_for_one_and_two_threads<F: Float>() {
    let x = digits::<F>();
    let one_thread = in_pool(1, || cosine_similarity(&x).expect("digits is valid input"));
    let two_threads = in_pool(2, || cosine_similarity(&x).expect("digits is valid input"));
    assert!(
        one_thread == two_threads,
        "the {} matrices differ",
        F::DTYPE_NAME
    );

    let (top, bottom) = (x.slice(s![..700, ..]), x.slice(s![700.., ..]));
    let one_thread = in_pool(1, || {
        cosine_similarity_between(&top, &bottom).expect("valid")
    });
    let two_threads = in_pool(2, || {
        cosine_similarity_between(&top, &bottom).expect("valid")
    });
    assert!(
        one_thread == two_threads,
        "the {} matrices between blocks differ",
        F::DTYPE_NAME
    );
}

#[test]
fn same_result_for_one_and_two_threads() {
    assert_same_for_one_and_two_threads::<f32>();
    assert_same_for_one_and_two_threads::<f64>();
}

#[test]
fn any_matrix_layout_is_accepted() {
    let rows = vec![vec![1.0_f64, 2.0, 0.0], vec![0.0, 1.0, 1.0]];
    let array = array![[1.0_f64, 2.0, 0.0], [0.0, 1.0, 1.0]];
    let columns = array.t().to_owned();
    let from_vec = cosine_similarity(&rows).expect("equal rows are valid");
    let from_transposed = cosine_similarity(&columns.t()).expect("a transposed view is valid");
    assert_eq!(from_vec, from_transposed);
    assert!((from_vec[[0, 1]] - 2.0 / (5.0_f64.sqrt() * 2.0_f64.sqrt())).abs() < 1e-15);
}

#[test]
fn empty_input_is_rejected() {
    let x = Array2::<f32>::zeros((0, 4));
    match cosine_similarity(&x) {
        Err(Error::EmptyInput {
            what,
            n_rows,
            n_cols,
        }) => {
            assert_eq!(what, "X");
            assert_eq!((n_rows, n_cols), (0, 4));
        }
        other => panic!("expected EmptyInput, got {other:?}"),
    }
    let y = Array2::<f32>::zeros((3, 0));
    assert!(matches!(
        cosine_similarity_between(&array![[1.0_f32]], &y),
        Err(Error::EmptyInput {
            what: "Y",
            n_rows: 3,
            n_cols: 0
        })
    ));
}

#[test]
fn nan_is_rejected() {
    let x = array![[1.0_f64, 2.0], [3.0, f64::NAN]];
    match cosine_similarity(&x) {
        Err(Error::NonFinite {
            what,
            row,
            column,
            value,
        }) => {
            assert_eq!(what, "X");
            assert_eq!((row, column), (1, 1));
            assert!(value.is_nan());
        }
        other => panic!("expected NonFinite, got {other:?}"),
    }
}

#[test]
fn infinity_in_y_is_rejected() {
    let x = array![[1.0_f32, 2.0]];
    let y = array![[1.0_f32, 2.0], [f32::NEG_INFINITY, 0.0]];
    match cosine_similarity_between(&x, &y) {
        Err(Error::NonFinite {
            what,
            row,
            column,
            value,
        }) => {
            assert_eq!(what, "Y");
            assert_eq!((row, column), (1, 0));
            assert_eq!(value, f64::NEG_INFINITY);
        }
        other => panic!("expected NonFinite, got {other:?}"),
    }
}

#[test]
fn column_mismatch_is_rejected() {
    let x = Array2::<f64>::ones((4, 3));
    let y = Array2::<f64>::ones((2, 5));
    match cosine_similarity_between(&x, &y) {
        Err(Error::ShapeMismatch {
            what,
            expected,
            found,
        }) => {
            assert_eq!(what, "Y");
            assert_eq!(expected, "3 columns, as X has");
            assert_eq!(found, "5 columns");
        }
        other => panic!("expected ShapeMismatch, got {other:?}"),
    }
}

#[test]
fn ragged_rows_are_rejected() {
    let x = vec![vec![1.0_f32, 2.0], vec![3.0]];
    assert!(matches!(
        cosine_similarity(&x),
        Err(Error::RaggedRows {
            row: 1,
            expected: 2,
            found: 1,
            ..
        })
    ));
}
