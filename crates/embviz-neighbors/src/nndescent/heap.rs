//! Fixed-size max-heaps of packed entries, one per row: the neighbour graph and the
//! candidate lists of NN-descent.
//!
//! An entry packs a weight (a squared distance, or a random priority for candidates), a row
//! index and a "new" flag into one `u128`:
//!
//! ```text
//! bits 127..64  weight (the bits of a non-negative f64, or a u64 priority)
//! bits  63..1   row index
//! bit       0   1 when the entry is new, i.e. not yet used in a local join
//! ```
//!
//! Integer order is then the order of `(weight, index)`, because the indices within a row
//! are distinct and the flag never decides a comparison. A heap keeps the `capacity`
//! smallest entries offered, so its content depends only on the set of entries offered,
//! not on their order. Empty slots hold [`EMPTY`], the largest key, so every heap is always
//! "full" and a push only ever replaces the root.

use ndarray::Array2;

use crate::top_k::sift_down;

/// The key of an empty slot. Its index bits, `2^63 - 1`, match no row.
pub(crate) const EMPTY: u128 = u128::MAX;

/// Packs a squared distance, a row index and the new flag into an entry.
#[inline]
pub(crate) fn distance_entry(distance: f64, index: usize, is_new: bool) -> u128 {
    debug_assert!(distance >= 0.0, "distances are non-negative");
    // Adding 0.0 turns -0.0 into +0.0, whose bits order below every positive distance.
    priority_entry((distance + 0.0).to_bits(), index, is_new)
}

/// Packs a priority, a row index and the new flag into an entry.
#[inline]
pub(crate) fn priority_entry(priority: u64, index: usize, is_new: bool) -> u128 {
    debug_assert!(index < (1 << 62), "row indices fit in 63 bits");
    (u128::from(priority) << 64) | ((index as u128) << 1) | u128::from(is_new)
}

/// Returns the row index of an entry.
#[inline]
pub(crate) fn index_of(entry: u128) -> usize {
    ((entry as u64) >> 1) as usize
}

/// Returns the squared distance of an entry made by [`distance_entry`].
#[inline]
pub(crate) fn distance_of(entry: u128) -> f64 {
    f64::from_bits((entry >> 64) as u64)
}

/// Returns whether an entry carries the new flag.
#[inline]
pub(crate) fn is_new(entry: u128) -> bool {
    entry & 1 == 1
}

/// Returns the entry with the new flag cleared. The order among a row's entries does not
/// change, because their indices differ.
#[inline]
pub(crate) fn as_old(entry: u128) -> u128 {
    entry & !1
}

/// Returns whether the heap contains an entry for row `index`.
#[inline]
pub(crate) fn contains(heap: &[u128], index: usize) -> bool {
    heap.iter().any(|&entry| index_of(entry) == index)
}

/// Returns whether a push of `entry` would pass the size test, ignoring duplicates.
#[inline]
pub(crate) fn would_accept(heap: &[u128], entry: u128) -> bool {
    entry < heap[0]
}

/// Offers `entry` to one row's heap. It enters, in place of the current largest entry, when
/// it is smaller than that entry and its index is not in the heap yet.
///
/// Returns whether the heap changed.
#[inline]
pub(crate) fn push(heap: &mut [u128], entry: u128) -> bool {
    if !would_accept(heap, entry) || contains(heap, index_of(entry)) {
        return false;
    }
    sift_down(heap, entry);
    true
}

/// One max-heap of `capacity` entries per row, stored row-major.
#[derive(Debug, Clone)]
pub(crate) struct Heaps {
    capacity: usize,
    entries: Vec<u128>,
}

impl Heaps {
    /// Creates `n_rows` empty heaps of `capacity` slots each.
    pub(crate) fn new(n_rows: usize, capacity: usize) -> Self {
        debug_assert!(capacity > 0, "heaps have at least one slot");
        Self {
            capacity,
            entries: vec![EMPTY; n_rows * capacity],
        }
    }

    /// Returns the number of slots per row.
    pub(crate) fn capacity(&self) -> usize {
        self.capacity
    }

    /// Returns the number of rows.
    pub(crate) fn n_rows(&self) -> usize {
        self.entries.len() / self.capacity
    }

    /// Returns the slots of `row`, in heap order.
    #[inline]
    pub(crate) fn row(&self, row: usize) -> &[u128] {
        &self.entries[row * self.capacity..(row + 1) * self.capacity]
    }

    /// Returns all slots, row-major, for parallel updates by chunks of rows.
    pub(crate) fn entries_mut(&mut self) -> &mut [u128] {
        &mut self.entries
    }

    /// Returns the indices of the occupied slots of `row`, in heap order.
    pub(crate) fn indices(&self, row: usize) -> impl Iterator<Item = usize> + '_ {
        self.row(row)
            .iter()
            .filter(|&&entry| entry != EMPTY)
            .map(|&entry| index_of(entry))
    }

    /// Sorts every row ascending and returns the indices and squared distances.
    ///
    /// # Panics
    ///
    /// Panics when a row still has an empty slot. The search fills every row first.
    pub(crate) fn into_sorted(mut self) -> (Array2<usize>, Array2<f64>) {
        let (n_rows, k) = (self.n_rows(), self.capacity);
        for row in self.entries.chunks_exact_mut(k) {
            row.sort_unstable();
        }
        assert!(
            !self.entries.contains(&EMPTY),
            "every row is filled before the graph is read"
        );
        let indices = self.entries.iter().map(|&entry| index_of(entry)).collect();
        let distances = self
            .entries
            .iter()
            .map(|&entry| distance_of(entry))
            .collect();
        let indices =
            Array2::from_shape_vec((n_rows, k), indices).expect("there are n_rows * k entries");
        let distances =
            Array2::from_shape_vec((n_rows, k), distances).expect("there are n_rows * k entries");
        (indices, distances)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_order_like_pairs() {
        assert!(distance_entry(0.0, 9, true) < distance_entry(f64::MIN_POSITIVE, 0, false));
        assert!(distance_entry(1.0, 2, true) < distance_entry(1.0, 3, false));
        assert!(distance_entry(f64::MAX, (1 << 62) - 1, true) < EMPTY);
        assert_eq!(
            distance_entry(-0.0, 4, false),
            distance_entry(0.0, 4, false)
        );
        let entry = distance_entry(0.375, 77, true);
        assert_eq!(index_of(entry), 77);
        assert_eq!(distance_of(entry), 0.375);
        assert!(is_new(entry));
        assert!(!is_new(as_old(entry)));
        assert_eq!(index_of(as_old(entry)), 77);
        assert_ne!(index_of(EMPTY), 77);
    }

    #[test]
    fn push_keeps_smallest_distinct() {
        let mut heaps = Heaps::new(1, 3);
        let offers = [
            (5.0, 0),
            (1.0, 1),
            (3.0, 2),
            (1.0, 1),
            (0.5, 3),
            (9.0, 4),
            (3.0, 2),
        ];
        let changed: Vec<bool> = offers
            .iter()
            .map(|&(d, i)| push(&mut heaps.entries[0..3], distance_entry(d, i, true)))
            .collect();
        assert_eq!(changed, [true, true, true, false, true, false, false]);
        let (indices, distances) = heaps.into_sorted();
        assert_eq!(indices.row(0).to_vec(), vec![3, 1, 2]);
        assert_eq!(distances.row(0).to_vec(), vec![0.5, 1.0, 3.0]);
    }

    #[test]
    fn push_rejects_index_already_present() {
        let mut heap = [EMPTY; 2];
        assert!(push(&mut heap, distance_entry(2.0, 7, false)));
        // The same row at the same distance but flagged new must not enter twice.
        assert!(!push(&mut heap, distance_entry(2.0, 7, true)));
        assert!(contains(&heap, 7));
        assert!(!contains(&heap, 6));
        assert!(would_accept(&heap, distance_entry(100.0, 1, true)));
    }
}
