//! Bounded candidate lists: the `k` smallest `(distance, index)` pairs per row.

/// The best `k` candidates of each of `n_rows` rows, ordered by `(distance, index)`.
///
/// Ordering by the pair, not by distance alone, makes the result a function of the set of
/// candidates offered. The order in which they arrive does not matter, so a parallel
/// schedule cannot change it. Each row is a binary max-heap while candidates arrive, so an
/// accepted candidate costs `O(log k)`, and [`sort`](Self::sort) orders the rows at the end.
#[derive(Debug, Default)]
pub(crate) struct TopK {
    k: usize,
    /// `n_rows * k` keys (see [`key`]), row-major, the first `len[row]` of each row in use.
    keys: Vec<u128>,
    len: Vec<usize>,
    /// Distance of each row's current `k`-th candidate, or infinity while the row has
    /// fewer than `k`. A candidate farther than this is rejected with one comparison.
    bound: Vec<f64>,
}

/// Packs a candidate into one integer that orders like `(distance, index)`.
///
/// The bits of a non-negative `f64` order like its value, so the distance goes in the high
/// 64 bits and the index in the low ones. Adding `0.0` turns a `-0.0` into `+0.0`, whose
/// bits would otherwise sort above every positive distance.
#[inline]
fn key(distance: f64, index: usize) -> u128 {
    debug_assert!(distance >= 0.0, "distances are non-negative");
    (u128::from((distance + 0.0).to_bits()) << 64) | index as u128
}

/// Unpacks a [`key`].
#[inline]
fn unpack(key: u128) -> (f64, usize) {
    let index = (key & u128::from(u64::MAX)) as usize;
    (f64::from_bits((key >> 64) as u64), index)
}

impl TopK {
    /// Creates empty lists for `n_rows` rows of at most `k` candidates each.
    pub(crate) fn new(n_rows: usize, k: usize) -> Self {
        Self {
            k,
            keys: vec![u128::MAX; n_rows * k],
            len: vec![0; n_rows],
            bound: vec![f64::INFINITY; n_rows],
        }
    }

    /// Returns the distance a candidate of `row` must not exceed to have a chance to enter.
    #[inline]
    pub(crate) fn bound(&self, row: usize) -> f64 {
        self.bound[row]
    }

    /// Offers candidate `index` at `distance` to `row`, keeping it if it is among the `k`
    /// smallest `(distance, index)` pairs seen so far.
    #[inline]
    pub(crate) fn push(&mut self, row: usize, distance: f64, index: usize) {
        if distance > self.bound[row] {
            return;
        }

        let k = self.k;
        let len = self.len[row];
        let heap = &mut self.keys[row * k..(row + 1) * k];
        let item = key(distance, index);
        if len < k {
            sift_up(heap, len, item);
            self.len[row] = len + 1;
            if len + 1 == k {
                self.bound[row] = unpack(heap[0]).0;
            }
        } else if item < heap[0] {
            sift_down(heap, item);
            self.bound[row] = unpack(heap[0]).0;
        }
    }

    /// Sorts every row by `(distance, index)`, after which [`row`](Self::row) returns the
    /// lists in ascending order.
    pub(crate) fn sort(&mut self) {
        for (row, keys) in self.keys.chunks_exact_mut(self.k.max(1)).enumerate() {
            // Keys are distinct because the indices in a row are, so an unstable sort has
            // only one outcome.
            keys[..self.len[row]].sort_unstable();
        }
    }

    /// Returns the number of rows.
    pub(crate) fn n_rows(&self) -> usize {
        self.len.len()
    }

    /// Returns the `(distance, index)` pairs of `row`, in ascending order once
    /// [`sort`](Self::sort) has run.
    pub(crate) fn row(&self, row: usize) -> impl ExactSizeIterator<Item = (f64, usize)> + '_ {
        let start = row * self.k;
        self.keys[start..start + self.len[row]]
            .iter()
            .map(|&key| unpack(key))
    }
}

/// Inserts `item` at the free slot `len` of a max-heap, moving it up past smaller parents.
fn sift_up(heap: &mut [u128], len: usize, item: u128) {
    let mut position = len;
    while position > 0 {
        let parent = (position - 1) / 2;
        if heap[parent] > item {
            break;
        }
        heap[position] = heap[parent];
        position = parent;
    }
    heap[position] = item;
}

/// Replaces the root of a full max-heap with `item`, moving it down past larger children.
pub(crate) fn sift_down(heap: &mut [u128], item: u128) {
    let len = heap.len();
    let mut position = 0;
    loop {
        let left = 2 * position + 1;
        if left >= len {
            break;
        }
        let right = left + 1;
        let larger = if right < len && heap[right] > heap[left] {
            right
        } else {
            left
        };
        if heap[larger] <= item {
            break;
        }
        heap[position] = heap[larger];
        position = larger;
    }
    heap[position] = item;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row_of(top: &TopK, row: usize) -> Vec<(f64, usize)> {
        top.row(row).collect()
    }

    #[test]
    fn keeps_smallest_pairs_in_order() {
        let mut top = TopK::new(2, 3);
        for (distance, index) in [(5.0, 0), (1.0, 1), (3.0, 2), (1.0, 7), (0.5, 3), (9.0, 4)] {
            top.push(0, distance, index);
        }
        top.sort();
        assert_eq!(row_of(&top, 0), vec![(0.5, 3), (1.0, 1), (1.0, 7)]);
        assert_eq!(top.bound(0), 1.0);
        assert_eq!(row_of(&top, 1), vec![]);
        assert_eq!(top.bound(1), f64::INFINITY);
    }

    #[test]
    fn ties_go_to_lower_index_in_any_order() {
        let candidates = [(2.0, 4), (2.0, 1), (2.0, 3), (2.0, 0), (2.0, 2)];
        let mut forward = TopK::new(1, 2);
        let mut backward = TopK::new(1, 2);
        for &(distance, index) in &candidates {
            forward.push(0, distance, index);
        }
        for &(distance, index) in candidates.iter().rev() {
            backward.push(0, distance, index);
        }
        forward.sort();
        backward.sort();
        assert_eq!(row_of(&forward, 0), vec![(2.0, 0), (2.0, 1)]);
        assert_eq!(row_of(&backward, 0), row_of(&forward, 0));
    }

    #[test]
    fn matches_full_sort_of_random_candidates() {
        use rand::{RngExt, SeedableRng};

        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        for k in [1, 2, 5, 17, 64, 300] {
            // Distances from a small set of values, so many candidates tie.
            let candidates: Vec<(f64, usize)> = (0..300)
                .map(|index| (f64::from(rng.random_range(0..40_u8)) * 0.25, index))
                .collect();
            let mut order: Vec<usize> = (0..candidates.len()).collect();
            for i in (1..order.len()).rev() {
                order.swap(i, rng.random_range(0..=i));
            }
            let mut top = TopK::new(1, k);
            for &position in &order {
                let (distance, index) = candidates[position];
                top.push(0, distance, index);
            }
            top.sort();

            let mut expected = candidates.clone();
            expected.sort_by(|a, b| a.partial_cmp(b).expect("distances are not NaN"));
            expected.truncate(k);
            assert_eq!(row_of(&top, 0), expected, "k = {k}");
        }
    }

    #[test]
    fn single_slot_list() {
        let mut top = TopK::new(1, 1);
        top.push(0, 4.0, 9);
        top.push(0, 4.0, 10);
        top.push(0, 4.0, 2);
        top.push(0, 6.0, 0);
        top.sort();
        assert_eq!(row_of(&top, 0), vec![(4.0, 2)]);
    }

    #[test]
    fn keys_order_like_pairs() {
        assert!(key(0.0, 5) < key(f64::MIN_POSITIVE, 0));
        assert!(key(1.0, 2) < key(1.0, 3));
        assert!(key(1.0, usize::MAX) < key(1.0000000000000002, 0));
        assert!(key(2.0, 0) < key(f64::INFINITY, 0));
        assert_eq!(key(-0.0, 4), key(0.0, 4));
        assert_eq!(unpack(key(0.125, 77)), (0.125, 77));
    }
}
