//! Top-k similarity searches against the sorted rows of the full matrix, and their errors.

use std::path::PathBuf;

use embviz_core::{Error, Float};
use embviz_similarity::{
    cosine_similarity, cosine_similarity_between, top_k_similar, top_k_similar_self,
};
use ndarray::{Array2, ArrayView1, array, s};

fn digits<F: Float>() -> Array2<F> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/digits/X.npy");
    embviz_io::read_npy(path).expect("the digits data is bundled")
}

fn in_pool<T: Send>(threads: usize, job: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a thread pool can be built")
        .install(job)
}

/// Returns the `k` best `(similarity, index)` pairs of a full-matrix row: descending
/// similarity, ties by ascending index, leaving out `skip`.
fn sorted_row<F: Float>(
    row: ArrayView1<'_, F>,
    k: usize,
    skip: Option<usize>,
) -> Vec<(f64, usize)> {
    let mut pairs: Vec<(f64, usize)> = row
        .iter()
        .enumerate()
        .filter(|&(index, _)| Some(index) != skip)
        .map(|(index, &similarity)| (similarity.to_f64_exact(), index))
        .collect();
    pairs.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    pairs.truncate(k);
    pairs
}

fn listed<F: Float>(
    indices: ArrayView1<'_, usize>,
    similarities: ArrayView1<'_, F>,
) -> Vec<(f64, usize)> {
    similarities
        .iter()
        .map(|similarity| similarity.to_f64_exact())
        .zip(indices.iter().copied())
        .collect()
}

fn assert_self_search_equals_sorted_full_rows<F: Float>() {
    let x = digits::<F>();
    let full = cosine_similarity(&x).expect("digits is valid input");
    let k = 20;
    let similar = top_k_similar_self(&x, k).expect("digits is valid input");
    assert_eq!(similar.indices().dim(), (1797, k));
    assert_eq!(similar.similarities().dim(), (1797, k));
    assert_eq!(similar.k(), k);
    assert_eq!(similar.n_queries(), 1797);
    for i in 0..x.nrows() {
        let found = listed(similar.indices().row(i), similar.similarities().row(i));
        assert_eq!(found, sorted_row(full.row(i), k, Some(i)), "row {i}");
    }
}

#[test]
fn self_search_equals_sorted_full_rows() {
    assert_self_search_equals_sorted_full_rows::<f32>();
    assert_self_search_equals_sorted_full_rows::<f64>();
}

fn assert_query_search_equals_sorted_full_rows<F: Float>() {
    let x = digits::<F>();
    let (queries, data) = (x.slice(s![..300, ..]), x.slice(s![300.., ..]));
    let full = cosine_similarity_between(&queries, &data).expect("equal widths");
    let k = 15;
    let similar = top_k_similar(&queries, &data, k).expect("digits is valid input");
    assert_eq!(similar.indices().dim(), (300, k));
    for i in 0..300 {
        let found = listed(similar.indices().row(i), similar.similarities().row(i));
        assert_eq!(found, sorted_row(full.row(i), k, None), "query {i}");
    }
}

#[test]
fn query_search_equals_sorted_full_rows() {
    assert_query_search_equals_sorted_full_rows::<f32>();
    assert_query_search_equals_sorted_full_rows::<f64>();
}

#[test]
fn query_search_finds_itself_first() {
    let x = digits::<f64>();
    let queries = x.slice(s![..50, ..]);
    let similar = top_k_similar(&queries, &x, 3).expect("digits is valid input");
    // No two digits images are identical, so each query's own row is the best match.
    assert_eq!(
        similar.indices().column(0).to_vec(),
        (0..50).collect::<Vec<_>>()
    );
    for &similarity in similar.similarities().column(0) {
        assert!((similarity - 1.0).abs() <= 1e-15, "{similarity}");
    }
}

#[test]
fn largest_k_lists_every_row() {
    let x = digits::<f32>().slice(s![..40, ..]).to_owned();
    let full = cosine_similarity(&x).expect("digits is valid input");
    let similar = top_k_similar_self(&x, 39).expect("k = n - 1 is valid");
    for i in 0..40 {
        let found = listed(similar.indices().row(i), similar.similarities().row(i));
        assert_eq!(found, sorted_row(full.row(i), 39, Some(i)), "row {i}");
    }
    let similar = top_k_similar(&x, &x, 40).expect("k = n_data is valid");
    let (indices, similarities) = similar.into_parts();
    for i in 0..40 {
        let found = listed(indices.row(i), similarities.row(i));
        assert_eq!(found, sorted_row(full.row(i), 40, None), "row {i}");
    }
}

#[test]
fn ties_and_zero_rows_rank_by_index() {
    // Rows 1 and 3 are the same direction, row 2 is zero: similarity 0 to everything.
    let x = array![
        [1.0_f64, 0.0],
        [0.0, 2.0],
        [0.0, 0.0],
        [0.0, 5.0],
        [-1.0, 0.0]
    ];
    let similar = top_k_similar_self(&x, 4).expect("zero rows are accepted");
    assert_eq!(similar.indices().row(0).to_vec(), vec![1, 2, 3, 4]);
    assert_eq!(
        similar.similarities().row(0).to_vec(),
        vec![0.0, 0.0, 0.0, -1.0]
    );
    assert_eq!(similar.indices().row(1).to_vec(), vec![3, 0, 2, 4]);
    assert_eq!(
        similar.similarities().row(1).to_vec(),
        vec![1.0, 0.0, 0.0, 0.0]
    );
    assert_eq!(similar.indices().row(2).to_vec(), vec![0, 1, 3, 4]);
    assert_eq!(similar.similarities().row(2).to_vec(), vec![0.0; 4]);
}

#[test]
fn same_result_for_one_and_two_threads() {
    let x = digits::<f32>();
    let one_thread = in_pool(1, || {
        top_k_similar_self(&x, 10).expect("digits is valid input")
    });
    let two_threads = in_pool(2, || {
        top_k_similar_self(&x, 10).expect("digits is valid input")
    });
    assert_eq!(one_thread, two_threads);

    let queries = x.slice(s![1000.., ..]);
    let one_thread = in_pool(1, || top_k_similar(&queries, &x, 7).expect("valid"));
    let two_threads = in_pool(2, || top_k_similar(&queries, &x, 7).expect("valid"));
    assert_eq!(one_thread, two_threads);
}

#[test]
fn zero_k_is_rejected() {
    let x = array![[1.0_f32, 0.0], [0.0, 1.0]];
    for result in [top_k_similar_self(&x, 0), top_k_similar(&x, &x, 0)] {
        match result {
            Err(Error::InvalidParameter { name, value, .. }) => {
                assert_eq!(name, "k");
                assert_eq!(value, "0");
            }
            other => panic!("expected InvalidParameter, got {other:?}"),
        }
    }
}

#[test]
fn k_above_data_rows_is_rejected() {
    let data = Array2::<f64>::ones((5, 3));
    let queries = Array2::<f64>::ones((2, 3));
    match top_k_similar(&queries, &data, 6) {
        Err(Error::InvalidParameter {
            name,
            value,
            expected,
        }) => {
            assert_eq!(name, "k");
            assert_eq!(value, "6");
            assert!(expected.contains("(5)"), "{expected}");
        }
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
}

#[test]
fn k_equal_to_rows_is_rejected_without_self() {
    let x = Array2::<f64>::ones((5, 3));
    match top_k_similar_self(&x, 5) {
        Err(Error::InvalidParameter {
            name,
            value,
            expected,
        }) => {
            assert_eq!(name, "k");
            assert_eq!(value, "5");
            assert!(
                expected.contains("less than the number of rows (5)"),
                "{expected}"
            );
        }
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
}

#[test]
fn query_width_mismatch_is_rejected() {
    let data = Array2::<f32>::ones((5, 3));
    let queries = Array2::<f32>::ones((2, 4));
    match top_k_similar(&queries, &data, 1) {
        Err(Error::ShapeMismatch {
            what,
            expected,
            found,
        }) => {
            assert_eq!(what, "queries");
            assert_eq!(expected, "3 columns, as data has");
            assert_eq!(found, "4 columns");
        }
        other => panic!("expected ShapeMismatch, got {other:?}"),
    }
}

#[test]
fn empty_queries_are_rejected() {
    let data = Array2::<f32>::ones((5, 3));
    let queries = Array2::<f32>::ones((0, 3));
    assert!(matches!(
        top_k_similar(&queries, &data, 1),
        Err(Error::EmptyInput {
            what: "queries",
            n_rows: 0,
            n_cols: 3
        })
    ));
    assert!(matches!(
        top_k_similar_self(&queries, 1),
        Err(Error::EmptyInput { what: "X", .. })
    ));
}

#[test]
fn nan_in_data_is_rejected() {
    let mut data = Array2::<f64>::ones((5, 3));
    data[[4, 2]] = f64::NAN;
    let queries = Array2::<f64>::ones((2, 3));
    match top_k_similar(&queries, &data, 1) {
        Err(Error::NonFinite {
            what,
            row,
            column,
            value,
        }) => {
            assert_eq!(what, "data");
            assert_eq!((row, column), (4, 2));
            assert!(value.is_nan());
        }
        other => panic!("expected NonFinite, got {other:?}"),
    }
}
