//! The 20 nearest neighbours of the digits images against scikit-learn's reference.
//!
//! The fixtures come from `NearestNeighbors(n_neighbors=20).fit(X).kneighbors()` on the
//! 1797 x 64 digits images in float64. Every squared distance is an exact integer there,
//! so the canonical index lists (equal distances in ascending index order) are exact too.

use std::path::PathBuf;

use embviz_core::Float;
use embviz_core::Metric;
use embviz_neighbors::{NearestNeighbors, exact_knn};
use ndarray::{Array1, Array2};

fn manifest_path(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(relative)
}

fn digits<F: Float>() -> Array2<F> {
    embviz_io::read_npy(manifest_path("../../data/digits/X.npy"))
        .expect("the digits data is bundled")
}

fn canonical_indices() -> Array2<usize> {
    embviz_io::read_npy_indices(manifest_path("tests/fixtures/digits_knn20_indices.npy"))
        .expect("the index fixture is readable")
}

fn reference_distances() -> Array2<f64> {
    embviz_io::read_npy(manifest_path("tests/fixtures/digits_knn20_distances.npy"))
        .expect("the distance fixture is readable")
}

fn assert_matches_reference<F: Float>() {
    let x = digits::<F>();
    assert_eq!(x.dim(), (1797, 64));
    let neighbors = exact_knn(x.view(), 20, Metric::Euclidean).expect("digits is valid input");
    assert_eq!(neighbors.indices().dim(), (1797, 20));
    assert_eq!(neighbors.indices(), &canonical_indices());

    let expected = reference_distances();
    for ((position, &found), &expected) in neighbors.distances().indexed_iter().zip(&expected) {
        let found = found.to_f64_exact();
        assert!(
            (found - expected).abs() <= 1e-5 * expected,
            "distance {position:?}: {found} vs {expected}"
        );
    }
}

#[test]
fn digits_20nn_f64_matches_reference() {
    assert_matches_reference::<f64>();
}

#[test]
fn digits_20nn_f32_matches_reference() {
    assert_matches_reference::<f32>();
}

#[test]
fn digits_20nn_f64_distances_are_exact() {
    // The squared distances are exact integers, so their square roots match bit for bit.
    let x = digits::<f64>();
    let neighbors = exact_knn(x.view(), 20, Metric::Euclidean).expect("digits is valid input");
    assert_eq!(neighbors.distances(), &reference_distances());
}

#[test]
fn digits_sets_match_where_no_boundary_tie() {
    // Away from a tie between the 20th and 21st neighbour, every tie-breaking rule gives
    // the same set of 20; where there is one, the 21st distance equals the 20th.
    let boundary_tie: Array1<f64> = embviz_io::read_npy_vector(manifest_path(
        "tests/fixtures/digits_knn20_boundary_tie.npy",
    ))
    .expect("the boundary fixture is readable");
    assert_eq!(boundary_tie.iter().filter(|&&flag| flag == 1.0).count(), 95);

    let x = digits::<f64>();
    let neighbors = NearestNeighbors::new(21)
        .fit(&x)
        .and_then(|fitted| fitted.kneighbors())
        .expect("digits is valid input");
    let distances = neighbors.distances();
    for (row, &flag) in boundary_tie.iter().enumerate() {
        assert_eq!(
            distances[[row, 19]] == distances[[row, 20]],
            flag == 1.0,
            "row {row}"
        );
    }
}
