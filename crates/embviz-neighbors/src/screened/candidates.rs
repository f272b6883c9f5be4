//! Candidate lists: per row, every other row that may still be among its `k` nearest.

/// The candidates of a block of rows, as intervals `[lower, upper]` that surely contain
/// their squared distance.
///
/// A candidate is certainly not among the `k` nearest once its `lower` exceeds the `k`-th
/// smallest `upper` seen so far, the row's `bound`: `k` other rows are then strictly closer.
/// Every other candidate is kept, so the true `k` nearest are always kept, whatever order
/// the candidates arrive in. Each row keeps its `k` smallest upper ends in a max-heap, so
/// the bound costs `O(log k)` to update.
#[derive(Debug, Default)]
pub(super) struct Candidates {
    k: usize,
    /// Index of the first row of the block in the whole matrix.
    start: usize,
    /// `n_rows * k` upper ends, row-major, as max-heaps of `upper_len[row]` entries.
    upper: Vec<f32>,
    upper_len: Vec<usize>,
    /// The `k`-th smallest upper end of each row, infinity while it has fewer, and minus
    /// infinity once it overflowed.
    pub(super) bound: Vec<f32>,
    /// `n_rows * capacity` candidates `(lower, index)`, row-major, the first `len[row]` of
    /// each row in use. One flat array keeps a row's candidates together in memory.
    lists: Vec<(f32, u32)>,
    len: Vec<usize>,
    /// Rows with so many candidates inside the error margin, such as rows with many
    /// duplicates, that they stopped collecting and need an exact search instead.
    overflowed: Vec<bool>,
}

impl Candidates {
    pub(super) fn new(start: usize, n_rows: usize, k: usize) -> Self {
        let mut candidates = Self {
            k,
            start,
            upper: vec![f32::INFINITY; n_rows * k],
            upper_len: vec![0; n_rows],
            bound: vec![f32::INFINITY; n_rows],
            lists: Vec::new(),
            len: vec![0; n_rows],
            overflowed: vec![false; n_rows],
        };
        candidates.lists = vec![(0.0, 0); n_rows * candidates.capacity()];
        candidates
    }

    /// Candidates a row keeps after pruning before it overflows.
    fn keep(&self) -> usize {
        self.k + 16
    }

    /// Length at which a row's list is pruned. Twice the kept length, so pruning costs
    /// `O(1)` per candidate.
    fn capacity(&self) -> usize {
        2 * self.keep()
    }

    /// Offers candidate `index` with squared distance in `[lower, upper]` to `row` (an index
    /// within the block).
    #[inline(always)]
    pub(super) fn offer(&mut self, row: usize, lower: f32, upper: f32, index: usize) {
        // Most offers end here, so the rest stays out of line.
        if lower <= self.bound[row] {
            self.accept(row, lower, upper, index);
        }
    }

    #[inline(never)]
    fn accept(&mut self, row: usize, lower: f32, upper: f32, index: usize) {
        let (capacity, keep) = (self.capacity(), self.keep());
        let list = &mut self.lists[row * capacity..(row + 1) * capacity];
        let mut len = self.len[row];
        if len == capacity {
            len = prune(list, self.bound[row]);
            if len > keep {
                self.overflowed[row] = true;
                self.len[row] = 0;
                // No lower end lies below minus infinity, so the row rejects every later
                // candidate at the first comparison.
                self.bound[row] = f32::NEG_INFINITY;
                return;
            }
        }
        let index = u32::try_from(index).expect("the search runs on fewer than 2^32 rows");
        list[len] = (lower, index);
        self.len[row] = len + 1;
        self.push_upper(row, upper);
    }

    /// Adds `upper` to the `k` smallest upper ends of `row` and updates its bound.
    fn push_upper(&mut self, row: usize, upper: f32) {
        let k = self.k;
        let len = self.upper_len[row];
        let heap = &mut self.upper[row * k..(row + 1) * k];
        if len < k {
            sift_up(heap, len, upper);
            self.upper_len[row] = len + 1;
            if len + 1 == k {
                self.bound[row] = heap[0];
            }
        } else if upper < heap[0] {
            sift_down(heap, upper);
            self.bound[row] = heap[0];
        }
    }

    /// Returns the number of rows of the block.
    pub(super) fn n_rows(&self) -> usize {
        self.len.len()
    }

    /// Returns the index of the block's first row in the whole matrix.
    pub(super) fn start(&self) -> usize {
        self.start
    }

    /// Returns the indices of the candidates of `row` that are still within its bound, or
    /// `None` when it overflowed.
    pub(super) fn list(&self, row: usize) -> Option<impl Iterator<Item = usize> + '_> {
        if self.overflowed[row] {
            return None;
        }
        let bound = self.bound[row];
        let first = row * self.capacity();
        let candidates = self.lists[first..first + self.len[row]].iter();
        // Candidates that entered before the bound last shrank may be out of reach now.
        Some(
            candidates
                .filter(move |&&(lower, _)| lower <= bound)
                .map(|&(_, index)| index as usize),
        )
    }
}

/// Moves the candidates of `list` whose lower end is at most `bound` to its front, keeping
/// their order, and returns their number.
fn prune(list: &mut [(f32, u32)], bound: f32) -> usize {
    let mut kept = 0;
    for position in 0..list.len() {
        if list[position].0 <= bound {
            list[kept] = list[position];
            kept += 1;
        }
    }
    kept
}

/// Inserts `item` at the free slot `len` of a max-heap.
fn sift_up(heap: &mut [f32], len: usize, item: f32) {
    let mut position = len;
    while position > 0 {
        let parent = (position - 1) / 2;
        if heap[parent] >= item {
            break;
        }
        heap[position] = heap[parent];
        position = parent;
    }
    heap[position] = item;
}

/// Replaces the root of a full max-heap with the smaller `item`.
fn sift_down(heap: &mut [f32], item: f32) {
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

    #[test]
    fn bound_is_kth_smallest_upper() {
        let mut candidates = Candidates::new(0, 1, 3);
        for (index, upper) in [5.0, 1.0, 4.0, 2.0, 3.0].into_iter().enumerate() {
            candidates.offer(0, upper - 0.5, upper, index + 10);
            let mut seen: Vec<f32> = [5.0, 1.0, 4.0, 2.0, 3.0][..=index].to_vec();
            seen.sort_by(f32::total_cmp);
            let expected = if seen.len() < 3 {
                f32::INFINITY
            } else {
                seen[2]
            };
            assert_eq!(candidates.bound[0], expected, "after {} offers", index + 1);
        }
    }

    #[test]
    fn far_candidates_are_rejected() {
        let mut candidates = Candidates::new(100, 1, 2);
        candidates.offer(0, 0.9, 1.1, 1);
        candidates.offer(0, 1.9, 2.1, 2);
        // The bound is now 2.1: lower 2.1 may still tie, lower 2.2 cannot be among the two.
        candidates.offer(0, 2.1, 2.3, 3);
        candidates.offer(0, 2.2, 2.4, 4);
        let indices: Vec<usize> = candidates.list(0).expect("no overflow").collect();
        assert_eq!(indices, vec![1, 2, 3]);
        assert_eq!(candidates.start(), 100);
        assert_eq!(candidates.n_rows(), 1);
    }

    #[test]
    fn many_equal_candidates_overflow() {
        let mut candidates = Candidates::new(0, 1, 2);
        for index in 0..200 {
            candidates.offer(0, -1e-6, 1e-6, index);
        }
        assert!(candidates.list(0).is_none());
    }
}
