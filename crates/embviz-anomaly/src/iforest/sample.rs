//! The rows and features each tree is built on.

use std::collections::BTreeSet;

use rand::RngExt;
use rand_chacha::ChaCha8Rng;

/// Draws `k` distinct indices from `0..n`, returned in ascending order.
///
/// Small draws use Floyd's algorithm, which makes `k` draws whatever `n` is; larger ones
/// shuffle the first `k` slots of `0..n` (Fisher–Yates). The order of the draw is thrown
/// away, because a tree depends only on which rows and features it is given, and ascending
/// rows are read in memory order.
pub(super) fn without_replacement(rng: &mut ChaCha8Rng, n: usize, k: usize) -> Vec<u32> {
    debug_assert!(k <= n && n <= u32::MAX as usize);
    if k >= n {
        return (0..n as u32).collect();
    }
    if k.saturating_mul(4) < n {
        let mut chosen = BTreeSet::new();
        for j in n - k..n {
            let candidate = rng.random_range(0..=j);
            if !chosen.insert(candidate as u32) {
                chosen.insert(j as u32);
            }
        }
        return chosen.into_iter().collect();
    }
    let mut all: Vec<u32> = (0..n as u32).collect();
    for i in 0..k {
        let j = rng.random_range(i..n);
        all.swap(i, j);
    }
    all.truncate(k);
    all.sort_unstable();
    all
}

/// Draws `k` indices from `0..n` with replacement and returns the distinct ones in ascending
/// order.
///
/// scikit-learn passes bootstrap draws to its trees as sample weights, so a row drawn twice
/// is one row of weight 2. Isolation trees ignore weights: the row counts once in the node
/// sizes, and the splits depend only on the minimum and maximum of each feature, which
/// repeats do not change.
pub(super) fn with_replacement(rng: &mut ChaCha8Rng, n: usize, k: usize) -> Vec<u32> {
    debug_assert!(n >= 1 && n <= u32::MAX as usize);
    let mut drawn: Vec<u32> = (0..k).map(|_| rng.random_range(0..n) as u32).collect();
    drawn.sort_unstable();
    drawn.dedup();
    drawn
}

#[cfg(test)]
mod tests {
    use super::*;
    use embviz_core::seed::stream_rng;

    fn is_strictly_ascending(v: &[u32]) -> bool {
        v.windows(2).all(|w| w[0] < w[1])
    }

    #[test]
    fn floyd_and_shuffle_give_distinct_sorted_indices() {
        let mut rng = stream_rng(3, 0);
        for (n, k) in [(1000, 10), (1000, 600), (10, 10), (5, 0), (7, 6)] {
            let drawn = without_replacement(&mut rng, n, k);
            assert_eq!(drawn.len(), k, "n = {n}, k = {k}");
            assert!(is_strictly_ascending(&drawn), "n = {n}, k = {k}");
            assert!(drawn.iter().all(|&i| (i as usize) < n), "n = {n}, k = {k}");
        }
    }

    #[test]
    fn small_draws_cover_every_index() {
        // 2000 draws of 2 from 0..20: every index must come up.
        let mut rng = stream_rng(5, 1);
        let mut seen = [false; 20];
        for _ in 0..2000 {
            for i in without_replacement(&mut rng, 20, 2) {
                seen[i as usize] = true;
            }
        }
        assert!(seen.iter().all(|&s| s));
    }

    #[test]
    fn bootstrap_draws_repeat_rows() {
        let mut rng = stream_rng(9, 0);
        let drawn = with_replacement(&mut rng, 100, 100);
        assert!(is_strictly_ascending(&drawn));
        // The expected count of distinct rows is 100 (1 - 0.99^100), about 63.4.
        assert!(
            (50..80).contains(&drawn.len()),
            "{} distinct rows",
            drawn.len()
        );
    }
}
