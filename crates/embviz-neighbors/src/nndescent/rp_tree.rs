//! Random-projection trees, whose leaves give NN-descent its starting candidates.
//!
//! Each node is split by the hyperplane halfway between two of its rows drawn at random,
//! perpendicular to the line through them, until a node has at most `leaf_size` rows. Rows
//! in one leaf tend to be close, so comparing every pair of a leaf gives a much better
//! start than random neighbours. This is the split of Dasgupta & Freund (2008), "Random
//! projection trees and low dimensional manifolds", in the variant pynndescent uses for
//! its euclidean trees. On the unit rows of the cosine metric the hyperplane passes through
//! the origin, which is pynndescent's angular split.

use std::ops::Range;

use embviz_core::Float;
use embviz_core::seed::ChaCha8Rng;
use rand::RngExt;

use super::rows::{ScaledRows, scaled_dot};

/// Depth at which a node becomes a leaf whatever its size. Random splits halve a node on
/// average, so only pathological data (many identical rows) can get this deep.
const MAX_DEPTH: usize = 200;

/// The leaves of one tree: a permutation of the rows in which every leaf is a contiguous
/// range.
#[derive(Debug)]
pub(crate) struct Tree {
    order: Vec<usize>,
    leaves: Vec<Range<usize>>,
}

impl Tree {
    /// Returns the rows of each leaf.
    pub(crate) fn leaves(&self) -> impl ExactSizeIterator<Item = &[usize]> + '_ {
        self.leaves.iter().map(|range| &self.order[range.clone()])
    }
}

/// Reusable buffers of one split.
#[derive(Debug, Default)]
struct Scratch {
    normal: Vec<f64>,
    left: Vec<bool>,
    right_rows: Vec<usize>,
}

/// Builds one tree over all rows, drawing every random choice from `rng`.
pub(crate) fn build<F: Float>(
    rows: &ScaledRows<'_, F>,
    leaf_size: usize,
    rng: &mut ChaCha8Rng,
) -> Tree {
    let n_rows = rows.n_rows();
    let mut order: Vec<usize> = (0..n_rows).collect();
    let mut leaves = Vec::with_capacity(2 * n_rows / leaf_size.max(1) + 1);
    let mut scratch = Scratch::default();

    // Depth-first, left child first, so the sequence of random draws is fixed.
    let mut stack = vec![(0..n_rows, 0_usize)];
    while let Some((range, depth)) = stack.pop() {
        if range.len() <= leaf_size || depth >= MAX_DEPTH {
            leaves.push(range);
            continue;
        }
        let n_left = split(rows, &mut order[range.clone()], rng, &mut scratch);
        let middle = range.start + n_left;
        stack.push((middle..range.end, depth + 1));
        stack.push((range.start..middle, depth + 1));
    }
    Tree { order, leaves }
}

/// Reorders `node` so that the rows on the left of a random hyperplane come first, and
/// returns how many there are, always at least 1 and less than `node.len()`.
fn split<F: Float>(
    rows: &ScaledRows<'_, F>,
    node: &mut [usize],
    rng: &mut ChaCha8Rng,
    scratch: &mut Scratch,
) -> usize {
    let n = node.len();
    debug_assert!(n >= 2, "only nodes of two rows or more are split");
    let first = rng.random_range(0..n);
    let mut second = rng.random_range(0..n - 1);
    if second >= first {
        second += 1;
    }
    let (a, b) = (node[first], node[second]);

    // normal = a - b, offset = -normal . (a + b) / 2, both in the search space.
    let (row_a, factor_a) = (rows.row(a), rows.factor(a));
    let (row_b, factor_b) = (rows.row(b), rows.factor(b));
    let normal = &mut scratch.normal;
    normal.clear();
    normal.extend(
        row_a
            .iter()
            .zip(row_b)
            .map(|(&x, &y)| x.to_f64_exact() * factor_a - y.to_f64_exact() * factor_b),
    );
    let offset = -0.5 * (scaled_dot(normal, row_a, factor_a) + scaled_dot(normal, row_b, factor_b));

    let left = &mut scratch.left;
    left.clear();
    for &row in node.iter() {
        let margin = offset + scaled_dot(normal, rows.row(row), rows.factor(row));
        // A row on the hyperplane goes to a random side, as in pynndescent.
        let side = if margin == 0.0 {
            rng.random::<bool>()
        } else {
            margin > 0.0
        };
        left.push(side);
    }
    let mut n_left = left.iter().filter(|&&side| side).count();

    // When every row falls on one side (for example when `a` and `b` are identical), the
    // rows are close to each other anyway, so a random split loses little.
    if n_left == 0 || n_left == n {
        for side in left.iter_mut() {
            *side = rng.random::<bool>();
        }
        n_left = left.iter().filter(|&&side| side).count();
        if n_left == 0 || n_left == n {
            for (position, side) in left.iter_mut().enumerate() {
                *side = position < n / 2;
            }
            n_left = n / 2;
        }
    }

    // Stable partition: left rows move forward in place, right rows wait in a buffer.
    let right_rows = &mut scratch.right_rows;
    right_rows.clear();
    let mut next_left = 0;
    for position in 0..n {
        let row = node[position];
        if left[position] {
            node[next_left] = row;
            next_left += 1;
        } else {
            right_rows.push(row);
        }
    }
    node[next_left..].copy_from_slice(right_rows);
    n_left
}

#[cfg(test)]
mod tests {
    use super::*;
    use embviz_core::Metric;
    use embviz_core::seed::stream_rng;
    use ndarray::Array2;

    fn leaf_sets(tree: &Tree) -> Vec<Vec<usize>> {
        tree.leaves().map(<[usize]>::to_vec).collect()
    }

    #[test]
    fn leaves_partition_rows() {
        let x = Array2::from_shape_fn((500, 3), |(i, j)| ((i * 7 + j * 13) % 31) as f64);
        let rows = ScaledRows::new(x.view(), Metric::Euclidean).expect("finite rows");
        let tree = build(&rows, 10, &mut stream_rng(1, 0));
        let mut seen: Vec<usize> = tree.leaves().flatten().copied().collect();
        seen.sort_unstable();
        assert_eq!(seen, (0..500).collect::<Vec<_>>());
        assert!(
            tree.leaves()
                .all(|leaf| !leaf.is_empty() && leaf.len() <= 10)
        );
        let again = build(&rows, 10, &mut stream_rng(1, 0));
        assert_eq!(leaf_sets(&tree), leaf_sets(&again));
    }

    #[test]
    fn leaves_on_a_line_are_intervals() {
        // In one dimension every hyperplane is a threshold, so each node, and each leaf,
        // contains consecutive values. Rows are shuffled so that order does not hint at value.
        let n = 200;
        let x = Array2::from_shape_fn((n, 1), |(i, _)| ((i * 73) % n) as f64);
        let rows = ScaledRows::new(x.view(), Metric::Euclidean).expect("finite rows");
        for stream in 0..10 {
            let tree = build(&rows, 10, &mut stream_rng(5, stream));
            for leaf in tree.leaves() {
                let mut values: Vec<usize> = leaf.iter().map(|&row| (row * 73) % n).collect();
                values.sort_unstable();
                let span = values[values.len() - 1] - values[0];
                assert_eq!(span + 1, values.len(), "leaf values {values:?}");
            }
        }
    }

    #[test]
    fn identical_rows_still_split() {
        let x = Array2::<f32>::ones((100, 4));
        let rows = ScaledRows::new(x.view(), Metric::Euclidean).expect("finite rows");
        let tree = build(&rows, 8, &mut stream_rng(2, 0));
        assert!(
            tree.leaves()
                .all(|leaf| !leaf.is_empty() && leaf.len() <= 8)
        );
        assert_eq!(tree.leaves().map(<[usize]>::len).sum::<usize>(), 100);
    }
}
