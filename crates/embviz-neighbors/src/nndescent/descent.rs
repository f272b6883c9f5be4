//! The NN-descent iterations of Dong, Charikar & Li (2011), started from the leaves of
//! random-projection trees and run in parallel with a result that does not depend on the
//! number of threads.
//!
//! Every parallel step reads a snapshot of the graph and returns proposals, `(target,
//! candidate, distance)` triples, in an order fixed by the row indices. The proposals are
//! then grouped by target row with a stable counting sort and applied row by row, so each
//! row receives the same offers in the same order whichever thread produced them. Each random
//! draw comes from its own stream of [`stream_rng`], keyed by what it is for (a tree, a
//! row's random fill, a row's candidate sampling in one iteration).

use std::time::Instant;

use embviz_core::Float;
use embviz_core::seed::stream_rng;
use rand::{Rng, RngExt};
use rayon::prelude::*;

use super::heap::{
    self, EMPTY, Heaps, as_old, contains, distance_entry, is_new, priority_entry, would_accept,
};
use super::rows::ScaledRows;
use super::rp_tree;

/// Rows per parallel task when updating heaps. Fixed, so the split of the work never
/// depends on the thread count (the result would not either, but this keeps tasks even).
const ROWS_PER_TASK: usize = 256;

/// Leaves per parallel task when comparing the pairs in each leaf.
const LEAVES_PER_TASK: usize = 32;

/// Trees built at once. More trees at once use more memory (one permutation of the rows
/// each) and keep more threads busy. The result is the same for any value.
const TREES_PER_BATCH: usize = 8;

/// Source rows whose local joins run before their proposals are applied. Later blocks
/// then see the improved graph, and the proposals of one block bound the memory used.
const JOIN_BLOCK_ROWS: usize = 4096;

/// Random draws per missing neighbour before a row is filled by brute force.
const FILL_ATTEMPTS_PER_SLOT: usize = 16;

/// Purpose of a random stream, stored in the top bits of its id.
#[derive(Clone, Copy)]
enum Stream {
    Tree = 1,
    Fill = 2,
    Candidates = 3,
}

/// Bits of a stream id taken by the row index. Streams of different rows, iterations and
/// purposes never share an id as long as rows fit in 40 bits and iterations in 22.
const ROW_BITS: u32 = 40;

/// The largest iteration count whose streams stay distinct.
pub(crate) const MAX_ITERATIONS: usize = (1 << 22) - 1;

fn stream_id(stream: Stream, iteration: usize, index: usize) -> u64 {
    debug_assert!(index < (1 << ROW_BITS) && iteration <= MAX_ITERATIONS);
    ((stream as u64) << 62) | ((iteration as u64) << ROW_BITS) | index as u64
}

/// Resolved parameters of one search.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Settings {
    pub(crate) k: usize,
    pub(crate) n_trees: usize,
    pub(crate) n_iters: usize,
    pub(crate) delta: f64,
    pub(crate) max_candidates: usize,
    pub(crate) leaf_size: usize,
    pub(crate) seed: u64,
}

/// Candidate `candidate` at squared distance `distance` offered to row `target`.
#[derive(Debug, Clone, Copy)]
struct Proposal {
    target: usize,
    candidate: usize,
    distance: f64,
}

/// Builds the approximate `k`-nearest-neighbour graph of `rows`, with squared distances of
/// the search space.
pub(crate) fn build_graph<F: Float>(rows: &ScaledRows<'_, F>, settings: &Settings) -> Heaps {
    let n_rows = rows.n_rows();
    let mut graph = Heaps::new(n_rows, settings.k);

    let started = Instant::now();
    init_from_trees(rows, settings, &mut graph);
    let filled = fill_random(rows, settings, &mut graph);
    log::debug!(
        "NN-descent start: {} trees with leaves of up to {} rows, {filled} rows topped up at random, {:.3} s",
        settings.n_trees,
        settings.leaf_size,
        started.elapsed().as_secs_f64()
    );

    // pynndescent stops once an iteration changes at most delta * k * n entries.
    let min_updates = settings.delta * (settings.k * n_rows) as f64;
    for iteration in 0..settings.n_iters {
        let updates = iterate(rows, settings, &mut graph, iteration);
        log::debug!(
            "NN-descent iteration {}/{}: {updates} updates, {:.3} s",
            iteration + 1,
            settings.n_iters,
            started.elapsed().as_secs_f64()
        );
        if updates as f64 <= min_updates {
            log::debug!(
                "NN-descent converged: {updates} updates is at most delta * k * n = {min_updates}"
            );
            break;
        }
    }
    graph
}

/// Offers every pair of rows that share a leaf in one of the trees.
fn init_from_trees<F: Float>(rows: &ScaledRows<'_, F>, settings: &Settings, graph: &mut Heaps) {
    for batch_start in (0..settings.n_trees).step_by(TREES_PER_BATCH) {
        let batch_end = (batch_start + TREES_PER_BATCH).min(settings.n_trees);
        let trees: Vec<rp_tree::Tree> = (batch_start..batch_end)
            .into_par_iter()
            .map(|tree| {
                let mut rng = stream_rng(settings.seed, stream_id(Stream::Tree, 0, tree));
                rp_tree::build(rows, settings.leaf_size, &mut rng)
            })
            .collect();
        for tree in &trees {
            let leaves: Vec<&[usize]> = tree.leaves().collect();
            let snapshot = &*graph;
            let proposals: Vec<Vec<Proposal>> = leaves
                .par_chunks(LEAVES_PER_TASK)
                .map(|chunk| {
                    let mut out = Vec::new();
                    for leaf in chunk {
                        for (position, &p) in leaf.iter().enumerate() {
                            for &q in &leaf[position + 1..] {
                                propose_pair(rows, snapshot, p, q, &mut out);
                            }
                        }
                    }
                    out
                })
                .collect();
            apply(graph, proposals);
        }
    }
}

/// Fills the empty slots of each row with random other rows, as pynndescent does after its
/// tree initialisation, and returns the number of rows that needed it.
///
/// When random draws keep hitting rows already present (only when `k` is close to the
/// number of rows), the row is completed by brute force, so every row ends with `k`
/// distinct neighbours.
fn fill_random<F: Float>(
    rows: &ScaledRows<'_, F>,
    settings: &Settings,
    graph: &mut Heaps,
) -> usize {
    let n_rows = rows.n_rows();
    let k = graph.capacity();
    graph
        .entries_mut()
        .par_chunks_mut(ROWS_PER_TASK * k)
        .enumerate()
        .map(|(chunk, heaps)| {
            let mut n_filled = 0;
            for (offset, heap) in heaps.chunks_exact_mut(k).enumerate() {
                let row = chunk * ROWS_PER_TASK + offset;
                let mut missing = heap.iter().filter(|&&entry| entry == EMPTY).count();
                if missing == 0 {
                    continue;
                }
                n_filled += 1;
                let mut rng = stream_rng(settings.seed, stream_id(Stream::Fill, 0, row));
                let mut attempts = FILL_ATTEMPTS_PER_SLOT * missing;
                while missing > 0 && attempts > 0 {
                    attempts -= 1;
                    let other = rng.random_range(0..n_rows);
                    if other != row && !contains(heap, other) {
                        let d = rows.squared_distance(row, other);
                        heap::push(heap, distance_entry(d, other, true));
                        missing -= 1;
                    }
                }
                if missing > 0 {
                    for other in (0..n_rows).filter(|&other| other != row) {
                        let d = rows.squared_distance(row, other);
                        heap::push(heap, distance_entry(d, other, true));
                    }
                }
            }
            n_filled
        })
        .sum()
}

/// Runs one NN-descent iteration and returns the number of graph entries it replaced.
fn iterate<F: Float>(
    rows: &ScaledRows<'_, F>,
    settings: &Settings,
    graph: &mut Heaps,
    iteration: usize,
) -> usize {
    let (new_candidates, old_candidates) = build_candidates(graph, settings, iteration);
    mark_sampled_as_old(graph, &new_candidates);

    let n_rows = graph.n_rows();
    let mut updates = 0;
    for block_start in (0..n_rows).step_by(JOIN_BLOCK_ROWS) {
        let block_end = (block_start + JOIN_BLOCK_ROWS).min(n_rows);
        let snapshot = &*graph;
        let proposals: Vec<Vec<Proposal>> = (block_start..block_end)
            .into_par_iter()
            .with_min_len(16)
            .map(|row| local_join(rows, snapshot, &new_candidates, &old_candidates, row))
            .collect();
        updates += apply(graph, proposals);
    }
    updates
}

/// Samples up to `max_candidates` new and old candidates per row from its neighbours and
/// from the rows that list it as a neighbour (its reverse neighbours).
///
/// Each graph entry `i -> j` gets a random priority from row `i`'s stream for this
/// iteration. It offers `j` to row `i`'s lists and `i` to row `j`'s lists with that
/// priority, and each list keeps the smallest priorities, so a row with many reverse
/// neighbours samples them uniformly, as in pynndescent's `new_build_candidates`.
fn build_candidates(graph: &Heaps, settings: &Settings, iteration: usize) -> (Heaps, Heaps) {
    let n_rows = graph.n_rows();
    let k = graph.capacity();

    let mut priorities = vec![0_u64; n_rows * k];
    priorities
        .par_chunks_mut(k)
        .enumerate()
        .for_each(|(row, slots)| {
            let mut rng = stream_rng(settings.seed, stream_id(Stream::Candidates, iteration, row));
            for slot in slots {
                *slot = rng.next_u64();
            }
        });

    // Reverse adjacency by counting sort: the graph slots `i * k + s` that point to each row.
    let mut offsets = vec![0_usize; n_rows + 1];
    for row in 0..n_rows {
        for target in graph.indices(row) {
            offsets[target + 1] += 1;
        }
    }
    for row in 0..n_rows {
        offsets[row + 1] += offsets[row];
    }
    let mut next = offsets.clone();
    let mut reverse = vec![0_usize; offsets[n_rows]];
    for row in 0..n_rows {
        for (slot, &entry) in graph.row(row).iter().enumerate() {
            if entry != EMPTY {
                let target = heap::index_of(entry);
                reverse[next[target]] = row * k + slot;
                next[target] += 1;
            }
        }
    }

    let capacity = settings.max_candidates;
    let mut new_candidates = Heaps::new(n_rows, capacity);
    let mut old_candidates = Heaps::new(n_rows, capacity);
    new_candidates
        .entries_mut()
        .par_chunks_mut(ROWS_PER_TASK * capacity)
        .zip(
            old_candidates
                .entries_mut()
                .par_chunks_mut(ROWS_PER_TASK * capacity),
        )
        .enumerate()
        .for_each(|(chunk, (new_heaps, old_heaps))| {
            let lists = new_heaps
                .chunks_exact_mut(capacity)
                .zip(old_heaps.chunks_exact_mut(capacity));
            for (offset, (new_heap, old_heap)) in lists.enumerate() {
                let row = chunk * ROWS_PER_TASK + offset;
                let forward = graph.row(row).iter().enumerate().map(|(slot, &entry)| {
                    (entry, heap::index_of(entry), priorities[row * k + slot])
                });
                let backward = reverse[offsets[row]..offsets[row + 1]].iter().map(|&slot| {
                    let entry = graph.row(slot / k)[slot % k];
                    (entry, slot / k, priorities[slot])
                });
                for (entry, candidate, priority) in forward.chain(backward) {
                    if entry == EMPTY {
                        continue;
                    }
                    let target = if is_new(entry) {
                        &mut *new_heap
                    } else {
                        &mut *old_heap
                    };
                    heap::push(target, priority_entry(priority, candidate, false));
                }
            }
        });
    (new_candidates, old_candidates)
}

/// Clears the new flag of every graph entry that was sampled as a new candidate of its
/// row, so it takes part in the local joins of this iteration only.
fn mark_sampled_as_old(graph: &mut Heaps, new_candidates: &Heaps) {
    let k = graph.capacity();
    graph
        .entries_mut()
        .par_chunks_mut(ROWS_PER_TASK * k)
        .enumerate()
        .for_each(|(chunk, heaps)| {
            for (offset, heap) in heaps.chunks_exact_mut(k).enumerate() {
                let sampled = new_candidates.row(chunk * ROWS_PER_TASK + offset);
                for entry in heap.iter_mut() {
                    if *entry != EMPTY
                        && is_new(*entry)
                        && contains(sampled, heap::index_of(*entry))
                    {
                        *entry = as_old(*entry);
                    }
                }
            }
        });
}

/// Compares the candidates of `row` with each other, new with new and new with old, and
/// returns the pairs that would improve either side's list.
fn local_join<F: Float>(
    rows: &ScaledRows<'_, F>,
    graph: &Heaps,
    new_candidates: &Heaps,
    old_candidates: &Heaps,
    row: usize,
) -> Vec<Proposal> {
    let mut out = Vec::new();
    let new: Vec<usize> = new_candidates.indices(row).collect();
    let old: Vec<usize> = old_candidates.indices(row).collect();
    for (position, &p) in new.iter().enumerate() {
        for &q in &new[position + 1..] {
            propose_pair(rows, graph, p, q, &mut out);
        }
        for &q in &old {
            // A row can be a new candidate through one edge and an old one through another.
            if p != q {
                propose_pair(rows, graph, p, q, &mut out);
            }
        }
    }
    out
}

/// Measures the pair `(p, q)` unless each is already in the other's list, and proposes
/// each to the other where it would enter the list of the snapshot `graph`.
#[inline]
fn propose_pair<F: Float>(
    rows: &ScaledRows<'_, F>,
    graph: &Heaps,
    p: usize,
    q: usize,
    out: &mut Vec<Proposal>,
) {
    let (heap_p, heap_q) = (graph.row(p), graph.row(q));
    let needed_by_p = !contains(heap_p, q);
    let needed_by_q = !contains(heap_q, p);
    if !needed_by_p && !needed_by_q {
        return;
    }
    // A pair farther than both lists' largest entries cannot enter either list, so its
    // distance is abandoned once a partial sum passes that limit.
    let limit_p = if needed_by_p {
        entry_limit(heap_p)
    } else {
        0.0
    };
    let limit_q = if needed_by_q {
        entry_limit(heap_q)
    } else {
        0.0
    };
    let Some(distance) = rows.squared_distance_below(p, q, limit_p.max(limit_q)) else {
        return;
    };
    if needed_by_p && would_accept(heap_p, distance_entry(distance, q, true)) {
        out.push(Proposal {
            target: p,
            candidate: q,
            distance,
        });
    }
    if needed_by_q && would_accept(heap_q, distance_entry(distance, p, true)) {
        out.push(Proposal {
            target: q,
            candidate: p,
            distance,
        });
    }
}

/// Returns the squared distance of the largest entry of a heap, or infinity while it has
/// an empty slot: no candidate farther than this can enter.
#[inline]
fn entry_limit(heap: &[u128]) -> f64 {
    if heap[0] == EMPTY {
        f64::INFINITY
    } else {
        heap::distance_of(heap[0])
    }
}

/// Applies `proposals`, listed in a fixed order, to the graph and returns how many entered.
///
/// A stable counting sort groups them by target row, keeping their order, and then the
/// rows are updated in parallel, each by one task. The outcome and the count are therefore
/// the same for any thread count.
fn apply(graph: &mut Heaps, proposals: Vec<Vec<Proposal>>) -> usize {
    let n_rows = graph.n_rows();
    let k = graph.capacity();
    let mut offsets = vec![0_usize; n_rows + 1];
    for proposal in proposals.iter().flatten() {
        offsets[proposal.target + 1] += 1;
    }
    for row in 0..n_rows {
        offsets[row + 1] += offsets[row];
    }
    let mut next = offsets.clone();
    let mut sorted = vec![(0_usize, 0.0_f64); offsets[n_rows]];
    for proposal in proposals.into_iter().flatten() {
        sorted[next[proposal.target]] = (proposal.candidate, proposal.distance);
        next[proposal.target] += 1;
    }

    graph
        .entries_mut()
        .par_chunks_mut(ROWS_PER_TASK * k)
        .enumerate()
        .map(|(chunk, heaps)| {
            let mut updates = 0;
            for (offset, heap) in heaps.chunks_exact_mut(k).enumerate() {
                let row = chunk * ROWS_PER_TASK + offset;
                for &(candidate, distance) in &sorted[offsets[row]..offsets[row + 1]] {
                    if heap::push(heap, distance_entry(distance, candidate, true)) {
                        updates += 1;
                    }
                }
            }
            updates
        })
        .sum()
}
