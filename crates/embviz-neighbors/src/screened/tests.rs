//! The candidate search against `embviz_neighbors::exact_knn`, the `f64` search it must
//! reproduce.

use super::*;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Checks that both searches return the same neighbours, and distances that differ by at
/// most `relative` times the distance plus `absolute`.
fn assert_same_as_exact<F: Float>(
    x: ArrayView2<'_, F>,
    k: usize,
    metric: Metric,
    (relative, absolute): (f64, f64),
) {
    let found = exact_knn_screened(x, k, metric).expect("valid input");
    let expected = exact_knn(x, k, metric).expect("valid input");
    assert_eq!(
        found.indices(),
        expected.indices(),
        "indices, k = {k}, {metric}"
    );
    for ((position, &found), &expected) in
        found.distances().indexed_iter().zip(expected.distances())
    {
        let (found, expected) = (found.to_f64_exact(), expected.to_f64_exact());
        assert!(
            (found - expected).abs() <= relative * expected.abs() + absolute,
            "distance {position:?}: {found} vs {expected}"
        );
    }
}

fn gaussian(n_rows: usize, n_cols: usize, seed: u64) -> Array2<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    Array2::from_shape_fn((n_rows, n_cols), |_| {
        // Sum of uniforms: roughly Gaussian, enough for distinct distances.
        (0..4).map(|_| rng.random::<f64>()).sum::<f64>() - 2.0
    })
}

#[test]
fn random_rows_match_exact_search() {
    // 700 rows make three blocks, so the diagonal tiles and one round of pairs both run.
    for (n_cols, k) in [(3, 1), (50, 10), (300, 25)] {
        let x = gaussian(700, n_cols, n_cols as u64);
        assert_same_as_exact(x.view(), k, Metric::Euclidean, (1e-12, 0.0));
        // The exact search takes cosine distances from 2 - 2 a.b on unit rows, which loses
        // about 1e-16 absolute to cancellation for close pairs.
        assert_same_as_exact(x.view(), k, Metric::Cosine, (1e-12, 1e-15));
        let x32 = x.mapv(|v| v as f32);
        assert_same_as_exact(x32.view(), k, Metric::Euclidean, (1e-6, 0.0));
    }
}

#[test]
fn integer_rows_break_ties_by_index() {
    // Values 0..3 in 8 columns: many rows at equal distances, and some duplicates.
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let x = Array2::from_shape_fn((600, 8), |_| f32::from(rng.random_range(0..4_u8)));
    for k in [1, 5, 20] {
        assert_same_as_exact(x.view(), k, Metric::Euclidean, (0.0, 0.0));
    }
}

#[test]
fn many_duplicates_use_exact_search() {
    // 400 copies of one row overflow their candidate lists; the rest do not.
    let mut x = gaussian(700, 20, 5);
    let copy = x.row(3).to_owned();
    for row in 100..500 {
        x.row_mut(row).assign(&copy);
    }
    for k in [3, 40] {
        assert_same_as_exact(x.view(), k, Metric::Euclidean, (1e-12, 0.0));
    }
    let found = exact_knn_screened(x.view(), 3, Metric::Euclidean).expect("valid input");
    // Row 3 and rows 100.. are equal, so row 100 finds 3, 101 and 102 at distance 0.
    assert_eq!(found.indices().row(100).to_vec(), vec![3, 101, 102]);
    assert_eq!(found.distances().row(100).to_vec(), vec![0.0; 3]);
}

#[test]
fn near_copies_are_ordered_in_f64() {
    // 45 copies of row 0 moved by about 1e-9: f32 cannot tell their distances apart, so
    // the f64 distances must order them. With k = 4 a copy's list overflows (more than
    // k + 16 candidates after pruning) and the exact search takes over, with k = 44 the
    // list keeps all copies.
    let mut x = gaussian(600, 30, 9);
    let noise = gaussian(45, 30, 10);
    for copy in 0..45 {
        let moved = &x.row(0) + &(&noise.row(copy) * 1e-9);
        x.row_mut(300 + copy).assign(&moved);
    }
    for k in [4, 20, 44] {
        assert_same_as_exact(x.view(), k, Metric::Euclidean, (1e-6, 0.0));
    }

    // Row 300 is the first copy, in block 1 at position 44.
    let rows = PreparedRows::new(x.view(), Metric::Euclidean);
    for (k, overflows) in [(4, true), (44, false)] {
        let blocks = collect_candidates(&rows, k);
        assert_eq!(blocks[1].list(44).is_none(), overflows, "k = {k}");
        // A row far from the copies keeps a short list.
        let kept = blocks[0]
            .list(10)
            .expect("row 10 has no near-equal rows")
            .count();
        assert!(kept >= k, "k = {k}: {kept} candidates");
        assert!(kept <= k + 2, "k = {k}: {kept} candidates");
    }
}

#[test]
fn scaled_rows_match_exact_search() {
    // Values far from 1 in both directions are scaled by a power of two first.
    let x = gaussian(300, 16, 8);
    for factor in [1e-30, 1e30] {
        let scaled = x.mapv(|v| v * factor);
        assert_same_as_exact(scaled.view(), 7, Metric::Euclidean, (1e-12, 0.0));
    }
    let large = x.mapv(|v| (v * 1e35) as f32);
    assert_same_as_exact(large.view(), 7, Metric::Euclidean, (1e-6, 0.0));
}

#[test]
fn all_rows_of_small_input() {
    let x = ndarray::array![[0.0_f64, 0.0], [1.0, 0.0], [0.0, 2.0]];
    let found = exact_knn_screened(x.view(), 2, Metric::Euclidean).expect("valid input");
    assert_eq!(found.indices(), &ndarray::array![[1, 2], [0, 2], [0, 1]]);
    let root_five = 5.0_f64.sqrt();
    assert_eq!(
        found.distances(),
        &ndarray::array![[1.0, 2.0], [1.0, root_five], [2.0, root_five]]
    );
}

#[test]
fn rounds_pair_every_block_once() {
    for n_blocks in 0..10 {
        let rounds = round_robin(n_blocks);
        let mut seen = std::collections::BTreeSet::new();
        for round in &rounds {
            let mut in_round = std::collections::BTreeSet::new();
            for &(i, j) in round {
                assert!(i < j, "pair ({i}, {j}) is not ordered");
                assert!(j < n_blocks, "pair ({i}, {j}) is out of {n_blocks} blocks");
                assert!(in_round.insert(i), "block {i} twice in a round");
                assert!(in_round.insert(j), "block {j} twice in a round");
                assert!(seen.insert((i, j)), "pair ({i}, {j}) twice");
            }
        }
        assert_eq!(seen.len(), n_blocks * n_blocks.saturating_sub(1) / 2);
    }
}
