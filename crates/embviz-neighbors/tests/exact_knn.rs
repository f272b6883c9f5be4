//! Exact search against a naive all-pairs sort, thread-count determinism and input errors.

use embviz_core::{Error, Metric, distance};
use embviz_neighbors::{NearestNeighbors, Neighbors, exact_knn, exact_knn_query};
use ndarray::{Array2, ArrayView2, array};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn random_matrix(n_rows: usize, n_cols: usize, seed: u64) -> Array2<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    Array2::from_shape_simple_fn((n_rows, n_cols), || rng.random_range(-1.0..1.0))
}

fn small_integer_matrix(n_rows: usize, n_cols: usize, seed: u64) -> Array2<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    Array2::from_shape_simple_fn((n_rows, n_cols), || f64::from(rng.random_range(0..3_u8)))
}

/// Finds the `k` nearest rows of `data` for each query by sorting all `(distance, index)` pairs,
/// leaving out query `i`'s own index when `exclude_self` is set.
fn naive_knn(
    data: ArrayView2<'_, f64>,
    queries: ArrayView2<'_, f64>,
    k: usize,
    metric: Metric,
    exclude_self: bool,
) -> (Array2<usize>, Array2<f64>) {
    let mut indices = Array2::zeros((queries.nrows(), k));
    let mut distances = Array2::zeros((queries.nrows(), k));
    for (i, query) in queries.outer_iter().enumerate() {
        let query = query.to_vec();
        let mut pairs: Vec<(f64, usize)> = data
            .outer_iter()
            .enumerate()
            .filter(|&(j, _)| !(exclude_self && i == j))
            .map(|(j, row)| (metric.distance(&query, &row.to_vec()), j))
            .collect();
        pairs.sort_by(|a, b| a.partial_cmp(b).expect("distances are finite"));
        for (column, &(d, j)) in pairs.iter().take(k).enumerate() {
            indices[[i, column]] = j;
            distances[[i, column]] = d;
        }
    }
    (indices, distances)
}

fn assert_close(found: &Array2<f64>, expected: &Array2<f64>, tolerance: f64) {
    assert_eq!(found.dim(), expected.dim());
    for ((position, &a), &b) in found.indexed_iter().zip(expected) {
        let scale = b.abs().max(1e-300);
        assert!(
            (a - b).abs() <= tolerance * scale.max(1.0),
            "distance {position:?}: {a} vs expected {b}"
        );
    }
}

fn bits<F: Copy + Into<f64>>(neighbors: &Neighbors<F>) -> Vec<u64> {
    neighbors
        .distances()
        .iter()
        .map(|&d| d.into().to_bits())
        .collect()
}

#[test]
fn euclidean_matches_naive_sort() {
    // 601 rows make three blocks, the last partial, and an odd block count.
    let x = random_matrix(601, 13, 1);
    let neighbors = exact_knn(x.view(), 7, Metric::Euclidean).expect("valid input");
    let (indices, distances) = naive_knn(x.view(), x.view(), 7, Metric::Euclidean, true);
    assert_eq!(neighbors.indices(), &indices);
    assert_close(neighbors.distances(), &distances, 1e-12);
    assert_eq!(neighbors.k(), 7);
}

#[test]
fn ties_go_to_lower_index() {
    // Values in {0, 1, 2} make exact, heavily tied distances and duplicate rows.
    let x = small_integer_matrix(700, 4, 2);
    let neighbors = exact_knn(x.view(), 25, Metric::Euclidean).expect("valid input");
    let (indices, distances) = naive_knn(x.view(), x.view(), 25, Metric::Euclidean, true);
    assert_eq!(neighbors.indices(), &indices);
    assert_eq!(neighbors.distances(), &distances);
    // With 81 distinct rows among 700, every row has duplicates at distance exactly 0.
    assert!(neighbors.distances().column(0).iter().all(|&d| d == 0.0));
}

#[test]
fn query_matches_naive_sort() {
    let data = random_matrix(530, 9, 3);
    let mut queries = random_matrix(300, 9, 4);
    queries.row_mut(5).assign(&data.row(17));
    let neighbors =
        exact_knn_query(data.view(), queries.view(), 15, Metric::Euclidean).expect("valid input");
    let (indices, distances) = naive_knn(data.view(), queries.view(), 15, Metric::Euclidean, false);
    assert_eq!(neighbors.indices(), &indices);
    assert_close(neighbors.distances(), &distances, 1e-12);
    assert_eq!(neighbors.indices()[[5, 0]], 17);
    assert_eq!(neighbors.distances()[[5, 0]], 0.0);
}

#[test]
fn query_may_ask_for_every_row() {
    let data = array![[0.0_f64, 0.0], [1.0, 0.0], [0.0, 3.0]];
    let queries = array![[0.0_f64, 0.0]];
    let neighbors = exact_knn_query(data.view(), queries.view(), 3, Metric::Euclidean)
        .expect("k = n_data is valid");
    assert_eq!(neighbors.indices(), &array![[0_usize, 1, 2]]);
    assert_eq!(neighbors.distances(), &array![[0.0, 1.0, 3.0]]);
}

#[test]
fn cosine_matches_naive_computation() {
    let x = random_matrix(450, 20, 5);
    let neighbors = exact_knn(x.view(), 10, Metric::Cosine).expect("valid input");
    let (indices, distances) = naive_knn(x.view(), x.view(), 10, Metric::Cosine, true);
    assert_eq!(neighbors.indices(), &indices);
    for (&found, &expected) in neighbors.distances().iter().zip(&distances) {
        assert!((found - expected).abs() < 1e-13, "{found} vs {expected}");
    }

    let queries = random_matrix(40, 20, 6);
    let neighbors =
        exact_knn_query(x.view(), queries.view(), 10, Metric::Cosine).expect("valid input");
    let (indices, distances) = naive_knn(x.view(), queries.view(), 10, Metric::Cosine, false);
    assert_eq!(neighbors.indices(), &indices);
    for (&found, &expected) in neighbors.distances().iter().zip(&distances) {
        assert!((found - expected).abs() < 1e-13, "{found} vs {expected}");
    }
}

#[test]
fn cosine_of_parallel_rows_is_zero() {
    let x = array![
        [1.0_f64, 2.0, 3.0],
        [2.0, 4.0, 6.0],
        [-1.0, -2.0, -3.0],
        [3.0, 0.0, 0.0]
    ];
    let neighbors = exact_knn(x.view(), 3, Metric::Cosine).expect("valid input");
    assert_eq!(neighbors.indices().row(0).to_vec(), vec![1, 3, 2]);
    assert_eq!(neighbors.distances()[[0, 0]], 0.0);
    assert_eq!(neighbors.distances()[[0, 2]], 2.0);
    let expected = 1.0 - 1.0 / 14.0_f64.sqrt();
    assert!((neighbors.distances()[[0, 1]] - expected).abs() < 1e-15);
}

#[test]
fn same_output_for_one_and_two_threads() {
    let x = random_matrix(1100, 30, 7);
    let x32 = x.mapv(|v| v as f32);
    let queries = random_matrix(300, 30, 8);
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("a thread pool can be built");
        pool.install(|| {
            (
                exact_knn(x.view(), 12, Metric::Euclidean).expect("valid input"),
                exact_knn(x32.view(), 12, Metric::Euclidean).expect("valid input"),
                exact_knn(x.view(), 12, Metric::Cosine).expect("valid input"),
                exact_knn_query(x.view(), queries.view(), 12, Metric::Euclidean)
                    .expect("valid input"),
            )
        })
    };
    let one = run(1);
    let two = run(2);
    assert_eq!(one.0.indices(), two.0.indices());
    assert_eq!(bits(&one.0), bits(&two.0));
    assert_eq!(one.1.indices(), two.1.indices());
    assert_eq!(bits(&one.1), bits(&two.1));
    assert_eq!(one.2.indices(), two.2.indices());
    assert_eq!(bits(&one.2), bits(&two.2));
    assert_eq!(one.3.indices(), two.3.indices());
    assert_eq!(bits(&one.3), bits(&two.3));
}

#[test]
fn f32_input_matches_f64() {
    let x32 = random_matrix(500, 40, 9).mapv(|v| v as f32);
    let x64 = x32.mapv(f64::from);
    let neighbors32 = exact_knn(x32.view(), 10, Metric::Euclidean).expect("valid input");
    let neighbors64 = exact_knn(x64.view(), 10, Metric::Euclidean).expect("valid input");
    assert_eq!(neighbors32.indices(), neighbors64.indices());
    for (&d32, &d64) in neighbors32.distances().iter().zip(neighbors64.distances()) {
        assert_eq!(d32, d64 as f32);
    }
}

#[test]
fn transposed_input_gives_same_result() {
    let x = random_matrix(17, 300, 10);
    let stored_transposed = x.t().as_standard_layout().into_owned();
    let view = stored_transposed.t();
    assert_eq!(view.strides(), &[1, 17]);
    let from_view = exact_knn(view, 4, Metric::Euclidean).expect("valid input");
    let from_array = exact_knn(x.view(), 4, Metric::Euclidean).expect("valid input");
    assert_eq!(from_view, from_array);
}

#[test]
fn extreme_magnitudes_neither_overflow_nor_underflow() {
    let x = random_matrix(60, 8, 11);
    let reference = exact_knn(x.view(), 5, Metric::Euclidean).expect("valid input");
    for factor in [1e200, 1e-200] {
        let scaled = x.mapv(|v| v * factor);
        let neighbors = exact_knn(scaled.view(), 5, Metric::Euclidean).expect("valid input");
        assert_eq!(neighbors.indices(), reference.indices(), "factor {factor}");
        for (&d, &r) in neighbors.distances().iter().zip(reference.distances()) {
            assert!(
                (d / factor - r).abs() <= 1e-12 * r,
                "factor {factor}: {d} vs {r}"
            );
        }
        let cosine = exact_knn(scaled.view(), 5, Metric::Cosine).expect("valid input");
        let reference_cosine = exact_knn(x.view(), 5, Metric::Cosine).expect("valid input");
        assert_eq!(
            cosine.indices(),
            reference_cosine.indices(),
            "factor {factor}"
        );
    }
}

#[test]
fn estimator_matches_functions() {
    let x = random_matrix(300, 6, 12);
    let fitted = NearestNeighbors::new(8)
        .metric(Metric::Cosine)
        .fit(&x)
        .expect("valid input");
    assert_eq!(fitted.n_neighbors(), 8);
    assert_eq!(fitted.metric(), Metric::Cosine);
    assert_eq!(fitted.n_samples_fit(), 300);
    assert_eq!(fitted.n_features_in(), 6);
    assert_eq!(
        fitted.kneighbors().expect("8 < 300"),
        exact_knn(x.view(), 8, Metric::Cosine).expect("valid input")
    );

    let rows: Vec<Vec<f64>> = (0..5).map(|i| x.row(i * 7).to_vec()).collect();
    let neighbors = fitted.kneighbors_of(&rows).expect("valid input");
    for i in 0..5 {
        assert_eq!(neighbors.indices()[[i, 0]], i * 7);
        assert_eq!(neighbors.distances()[[i, 0]], 0.0);
    }
    assert_eq!(NearestNeighbors::default(), NearestNeighbors::new(5));
}

#[test]
fn distances_use_core_definitions() {
    let x = array![[0.5_f64, -1.25, 3.0], [2.0, 0.0, -1.0], [0.0, 0.0, 1.0]];
    let neighbors = exact_knn(x.view(), 2, Metric::Euclidean).expect("valid input");
    let expected = distance::euclidean(&[0.5, -1.25, 3.0], &[0.0, 0.0, 1.0]);
    assert_eq!(neighbors.indices()[[0, 0]], 2);
    assert!((neighbors.distances()[[0, 0]] - expected).abs() < 1e-15);
}

// One test per error case.

#[test]
fn empty_input_is_rejected() {
    let x = Array2::<f64>::zeros((0, 4));
    assert!(matches!(
        exact_knn(x.view(), 1, Metric::Euclidean),
        Err(Error::EmptyInput {
            what: "X",
            n_rows: 0,
            n_cols: 4
        })
    ));
    let data = Array2::<f64>::zeros((3, 2));
    let no_columns = Array2::<f64>::zeros((3, 0));
    assert!(matches!(
        exact_knn_query(data.view(), no_columns.view(), 1, Metric::Euclidean),
        Err(Error::EmptyInput {
            what: "queries",
            n_rows: 3,
            n_cols: 0
        })
    ));
}

#[test]
fn nan_is_rejected() {
    let mut x = Array2::<f32>::ones((5, 3));
    x[[3, 2]] = f32::NAN;
    match exact_knn(x.view(), 2, Metric::Euclidean) {
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
fn infinity_in_queries_is_rejected() {
    let data = Array2::<f64>::ones((5, 3));
    let mut queries = Array2::<f64>::ones((2, 3));
    queries[[1, 0]] = f64::NEG_INFINITY;
    assert!(matches!(
        exact_knn_query(data.view(), queries.view(), 2, Metric::Euclidean),
        Err(Error::NonFinite { what: "queries", row: 1, column: 0, value }) if value == f64::NEG_INFINITY
    ));
}

#[test]
fn zero_neighbors_is_rejected() {
    let x = Array2::<f64>::eye(4);
    match exact_knn(x.view(), 0, Metric::Euclidean) {
        Err(Error::InvalidParameter {
            name,
            value,
            expected,
        }) => {
            assert_eq!(name, "n_neighbors");
            assert_eq!(value, "0");
            assert_eq!(expected, "must be at least 1");
        }
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
}

#[test]
fn neighbors_not_below_n_samples_is_rejected() {
    let x = Array2::<f64>::eye(10);
    match exact_knn(x.view(), 10, Metric::Euclidean) {
        Err(Error::InvalidParameter {
            name,
            value,
            expected,
        }) => {
            assert_eq!(name, "n_neighbors");
            assert_eq!(value, "10");
            assert_eq!(
                expected,
                "must be less than n_samples (10) because each row's own entry is excluded, \
                 so lower n_neighbors or pass more rows"
            );
        }
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
    assert!(exact_knn(x.view(), 9, Metric::Euclidean).is_ok());
}

#[test]
fn neighbors_above_data_rows_is_rejected() {
    let data = Array2::<f64>::eye(4);
    let queries = Array2::<f64>::eye(4);
    match exact_knn_query(data.view(), queries.view(), 5, Metric::Euclidean) {
        Err(Error::InvalidParameter {
            name,
            value,
            expected,
        }) => {
            assert_eq!(name, "n_neighbors");
            assert_eq!(value, "5");
            assert_eq!(
                expected,
                "must be at most the number of data rows (4), so lower n_neighbors or search more data"
            );
        }
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
}

#[test]
fn column_mismatch_is_rejected() {
    let data = Array2::<f64>::eye(4);
    let queries = Array2::<f64>::ones((2, 3));
    match exact_knn_query(data.view(), queries.view(), 1, Metric::Euclidean) {
        Err(Error::ShapeMismatch {
            what,
            expected,
            found,
        }) => {
            assert_eq!(what, "queries");
            assert!(expected.starts_with("4 columns"), "{expected}");
            assert_eq!(found, "3 columns");
        }
        other => panic!("expected ShapeMismatch, got {other:?}"),
    }
}

#[test]
fn zero_row_is_rejected_for_cosine() {
    let mut x = Array2::<f64>::ones((6, 2));
    x.row_mut(4).fill(0.0);
    assert!(matches!(
        exact_knn(x.view(), 2, Metric::Cosine),
        Err(Error::ZeroVector { what: "X", row: 4 })
    ));
    // The euclidean metric accepts it.
    assert!(exact_knn(x.view(), 2, Metric::Euclidean).is_ok());
}

#[test]
fn zero_query_row_is_rejected_for_cosine() {
    let data = Array2::<f64>::ones((6, 2));
    let queries = array![[1.0, 2.0], [0.0, 0.0]];
    assert!(matches!(
        exact_knn_query(data.view(), queries.view(), 2, Metric::Cosine),
        Err(Error::ZeroVector {
            what: "queries",
            row: 1
        })
    ));
}

#[test]
fn estimator_rejects_zero_neighbors_at_fit() {
    let x = Array2::<f64>::eye(3);
    assert!(matches!(
        NearestNeighbors::new(0).fit(&x),
        Err(Error::InvalidParameter { name: "n_neighbors", value, .. }) if value == "0"
    ));
}

#[test]
fn estimator_rejects_too_many_neighbors() {
    let x = Array2::<f64>::eye(3);
    let fitted = NearestNeighbors::new(3)
        .fit(&x)
        .expect("n_neighbors is checked later");
    assert!(matches!(
        fitted.kneighbors(),
        Err(Error::InvalidParameter { name: "n_neighbors", value, .. }) if value == "3"
    ));
    assert!(fitted.kneighbors_of(&x).is_ok());
}

#[test]
fn estimator_rejects_wrong_width() {
    let x = Array2::<f32>::eye(3);
    let fitted = NearestNeighbors::new(1).fit(&x).expect("valid input");
    let narrow = Array2::<f32>::ones((2, 2));
    match fitted.kneighbors_of(&narrow) {
        Err(Error::ShapeMismatch { what, found, .. }) => {
            assert_eq!(what, "X");
            assert_eq!(found, "2 columns");
        }
        other => panic!("expected ShapeMismatch, got {other:?}"),
    }
}

#[test]
fn estimator_rejects_ragged_rows() {
    let rows = vec![vec![1.0_f64, 2.0], vec![3.0]];
    assert!(matches!(
        NearestNeighbors::new(1).fit(&rows),
        Err(Error::RaggedRows {
            row: 1,
            expected: 2,
            found: 1,
            ..
        })
    ));
}

#[test]
fn estimator_rejects_zero_row_for_cosine() {
    let x = array![[1.0_f32, 0.0], [0.0, 0.0], [0.0, 1.0]];
    assert!(matches!(
        NearestNeighbors::new(1).metric(Metric::Cosine).fit(&x),
        Err(Error::ZeroVector { what: "X", row: 1 })
    ));
}
