//! Bounded candidate lists: the `k` most similar `(similarity, index)` pairs per row.

/// The best `k` candidates of each of `n_rows` rows: highest similarity first, and lowest
/// index first among equal similarities.
///
/// Candidates are ranked by the pair, so the result depends only on the set of candidates
/// offered, not on the order in which they arrive. Each row is a binary max-heap of packed
/// keys (see [`key`]) while candidates arrive, and [`sort`](Self::sort) orders the rows at
/// the end.
#[derive(Debug)]
pub(crate) struct Candidates {
    k: usize,
    /// `n_rows * k` keys, row-major, the first `len[row]` of each row in use.
    keys: Vec<u128>,
    len: Vec<usize>,
}

/// Packs a candidate into one integer that is smaller for a better candidate: higher
/// similarity, then lower index.
///
/// The high 64 bits are the similarity's IEEE bits mapped to an unsigned integer that
/// decreases as the similarity increases. The low 64 bits are the index. Adding `0.0` turns
/// `-0.0` into `+0.0`, so the two zeros rank as equal.
#[inline]
fn key(similarity: f64, index: usize) -> u128 {
    let bits = (similarity + 0.0).to_bits();
    // Increasing in the similarity: flip every bit of negative numbers, and only the sign
    // bit of positive ones. The complement then decreases.
    let increasing = if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    };
    (u128::from(!increasing) << 64) | index as u128
}

/// Unpacks a [`key`].
#[inline]
fn unpack(key: u128) -> (f64, usize) {
    let index = (key & u128::from(u64::MAX)) as usize;
    let increasing = !((key >> 64) as u64);
    let bits = if increasing >> 63 == 1 {
        increasing & !(1 << 63)
    } else {
        !increasing
    };
    (f64::from_bits(bits), index)
}

impl Candidates {
    /// Creates empty lists for `n_rows` rows of at most `k` candidates each.
    pub(crate) fn new(n_rows: usize, k: usize) -> Self {
        Self {
            k,
            keys: vec![u128::MAX; n_rows * k],
            len: vec![0; n_rows],
        }
    }

    /// Offers data row `index` with `similarity` to the list of `row`, keeping it if it is
    /// among the `k` best pairs seen so far.
    #[inline]
    pub(crate) fn push(&mut self, row: usize, similarity: f64, index: usize) {
        let k = self.k;
        let len = self.len[row];
        let heap = &mut self.keys[row * k..(row + 1) * k];
        let item = key(similarity, index);
        if len < k {
            sift_up(heap, len, item);
            self.len[row] = len + 1;
        } else if item < heap[0] {
            sift_down(heap, item);
        }
    }

    /// Sorts every row from best to worst, after which [`row`](Self::row) lists them in
    /// that order.
    pub(crate) fn sort(&mut self) {
        for (row, keys) in self.keys.chunks_exact_mut(self.k.max(1)).enumerate() {
            // Keys are distinct because the indices in a row are, so an unstable sort has
            // one outcome.
            keys[..self.len[row]].sort_unstable();
        }
    }

    /// Returns the `(similarity, index)` pairs of `row`, best first once
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
fn sift_down(heap: &mut [u128], item: u128) {
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

    fn row_of(candidates: &Candidates, row: usize) -> Vec<(f64, usize)> {
        candidates.row(row).collect()
    }

    #[test]
    fn keys_rank_higher_similarity_first() {
        assert!(key(0.9, 5) < key(0.8, 0));
        assert!(key(0.5, 2) < key(0.5, 3));
        assert!(key(f64::MIN_POSITIVE, 7) < key(0.0, 0));
        assert!(key(0.0, 9) < key(-1e-300, 0));
        assert!(key(-0.5, 1) < key(-0.75, 1));
        assert!(key(1.0, usize::MAX) < key(0.999_999_999_999_999_9, 0));
        assert_eq!(key(-0.0, 4), key(0.0, 4));
    }

    #[test]
    fn keys_unpack_to_pairs() {
        for similarity in [1.0, 0.25, 0.0, -0.0, -1e-300, -0.5, -1.0, 3.5e-310] {
            let (found, index) = unpack(key(similarity, 77));
            assert_eq!(found, similarity + 0.0, "similarity {similarity}");
            assert_eq!(index, 77);
        }
    }

    #[test]
    fn keeps_best_pairs_in_order() {
        let mut candidates = Candidates::new(2, 3);
        for (similarity, index) in [(0.1, 0), (0.9, 1), (0.5, 2), (0.9, 7), (0.95, 3), (-0.2, 4)] {
            candidates.push(0, similarity, index);
        }
        candidates.sort();
        assert_eq!(row_of(&candidates, 0), vec![(0.95, 3), (0.9, 1), (0.9, 7)]);
        assert_eq!(row_of(&candidates, 1), vec![]);
    }

    #[test]
    fn ties_go_to_lower_index_in_any_order() {
        let offered = [(0.5, 4), (0.5, 1), (0.5, 3), (0.5, 0), (0.5, 2)];
        let mut forward = Candidates::new(1, 2);
        let mut backward = Candidates::new(1, 2);
        for &(similarity, index) in &offered {
            forward.push(0, similarity, index);
        }
        for &(similarity, index) in offered.iter().rev() {
            backward.push(0, similarity, index);
        }
        forward.sort();
        backward.sort();
        assert_eq!(row_of(&forward, 0), vec![(0.5, 0), (0.5, 1)]);
        assert_eq!(row_of(&backward, 0), row_of(&forward, 0));
    }

    #[test]
    fn matches_full_sort_of_candidates() {
        for k in [1, 2, 5, 17, 64, 200] {
            // Similarities from a small set of values, offered in a scrambled order, so many
            // candidates tie.
            let offered: Vec<(f64, usize)> = (0..200)
                .map(|i| ((i * 37 % 200) as f64, i * 37 % 200))
                .map(|(value, index)| (((value * 13.0) % 11.0 - 5.0) / 5.0, index))
                .collect();
            let mut candidates = Candidates::new(1, k);
            for &(similarity, index) in &offered {
                candidates.push(0, similarity, index);
            }
            candidates.sort();

            let mut expected = offered.clone();
            expected.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            expected.truncate(k);
            assert_eq!(row_of(&candidates, 0), expected, "k = {k}");
        }
    }
}
