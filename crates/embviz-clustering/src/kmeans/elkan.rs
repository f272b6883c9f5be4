//! Elkan's step: Lloyd's assignment with distance bounds that skip most distance
//! computations, from C. Elkan (2003), "Using the triangle inequality to accelerate
//! k-means", ICML 2003.
//!
//! Each row keeps an upper bound `u` of the distance to its assigned centre and a lower
//! bound `l(c)` of the distance to every centre `c`. A centre `c` cannot be nearer than the
//! assigned centre `a` when `u <= l(c)` or when `u <= d(a, c) / 2`, by the triangle
//! inequality, so its distance is computed only when both tests fail. After the centres
//! move by `s(c)`, the bounds stay valid as `u + s(a)` and `max(l(c) - s(c), 0)`.

use std::ops::Range;

use super::centres::{Centres, ClusterSums};
use super::rows::{Rows, Wide, reduce_chunks, squared_distance, with_scratch};

/// The bounds of every row and the distances between the current centres.
#[derive(Debug)]
pub(super) struct Elkan {
    upper: Vec<f64>,
    lower: Vec<f64>,
    /// Half the distance between every pair of centres, row-major.
    half_distances: Vec<f64>,
    /// Half the distance from each centre to its nearest other centre.
    half_to_nearest: Vec<f64>,
}

impl Elkan {
    /// Assigns every row to its nearest centre, as Lloyd's E-step does, and sets the bounds.
    pub(super) fn new<R: Rows>(rows: &R, centres: &Centres, labels: &mut [usize]) -> Self {
        let n = rows.n_rows();
        let k = centres.n_clusters();
        let d = rows.n_features();
        let mut upper = vec![0.0; n];
        let mut lower = vec![0.0; n * k];
        let (half_distances, half_to_nearest) = centre_half_distances(centres);
        reduce_chunks(
            n,
            (
                labels,
                (
                    &mut upper[..],
                    Wide {
                        values: &mut lower[..],
                        width: k,
                    },
                ),
            ),
            &|range: Range<usize>,
              (labels, (upper, lower)): (&mut [usize], (&mut [f64], Wide<'_, f64>))| {
                with_scratch(|scratch| {
                    let chunk = scratch.chunk(range.len() * d);
                    rows.load(range, chunk);
                    for (i, row) in chunk.chunks_exact(d).enumerate() {
                        let bounds = &mut lower.values[i * k..(i + 1) * k];
                        let mut best = 0;
                        let mut best_distance = squared_distance(row, centres.centre(0)).sqrt();
                        bounds[0] = best_distance;
                        for cluster in 1..k {
                            if best_distance > half_distances[best * k + cluster] {
                                let distance =
                                    squared_distance(row, centres.centre(cluster)).sqrt();
                                bounds[cluster] = distance;
                                if distance < best_distance {
                                    best_distance = distance;
                                    best = cluster;
                                }
                            }
                        }
                        labels[i] = best;
                        upper[i] = best_distance;
                    }
                })
            },
            &|(), ()| (),
        );
        Self {
            upper,
            lower,
            half_distances,
            half_to_nearest,
        }
    }

    /// Reassigns the rows whose bounds allow a nearer centre and returns the per-cluster
    /// sums of the rows.
    pub(super) fn step<R: Rows>(
        &mut self,
        rows: &R,
        centres: &Centres,
        labels: &mut [usize],
    ) -> ClusterSums {
        let (k, d) = (centres.n_clusters(), centres.n_features());
        self.pass(
            rows,
            centres,
            labels,
            &|| ClusterSums::zeros(k, d),
            &|sums: &mut ClusterSums, label, row| sums.add(label, row),
            &ClusterSums::merge,
        )
    }

    /// Reassigns the rows whose bounds allow a nearer centre (the E-step alone).
    pub(super) fn assign<R: Rows>(&mut self, rows: &R, centres: &Centres, labels: &mut [usize]) {
        self.pass(rows, centres, labels, &|| (), &|(), _, _| (), &|(), ()| ());
    }

    /// Moves the bounds by the centre shifts of the last update and measures the distances
    /// between the new centres.
    pub(super) fn follow_update(&mut self, centres: &Centres, shifts: &[f64], labels: &[usize]) {
        let k = centres.n_clusters();
        for (upper, &label) in self.upper.iter_mut().zip(labels) {
            *upper += shifts[label];
        }
        for bounds in self.lower.chunks_exact_mut(k) {
            for (bound, shift) in bounds.iter_mut().zip(shifts) {
                *bound = (*bound - shift).max(0.0);
            }
        }
        (self.half_distances, self.half_to_nearest) = centre_half_distances(centres);
    }

    fn pass<R, T, I, V, M>(
        &mut self,
        rows: &R,
        centres: &Centres,
        labels: &mut [usize],
        init: &I,
        visit: &V,
        merge: &M,
    ) -> T
    where
        R: Rows,
        T: Send,
        I: Fn() -> T + Sync,
        V: Fn(&mut T, usize, &[f64]) + Sync,
        M: Fn(T, T) -> T + Sync,
    {
        let k = centres.n_clusters();
        let d = rows.n_features();
        let half_distances = &self.half_distances;
        let half_to_nearest = &self.half_to_nearest;
        let state = (
            labels,
            (
                &mut self.upper[..],
                Wide {
                    values: &mut self.lower[..],
                    width: k,
                },
            ),
        );
        reduce_chunks(
            rows.n_rows(),
            state,
            &|range: Range<usize>,
              (labels, (upper, lower)): (&mut [usize], (&mut [f64], Wide<'_, f64>))| {
                with_scratch(|scratch| {
                    let chunk = scratch.chunk(range.len() * d);
                    rows.load(range, chunk);
                    let mut result = init();
                    for (i, row) in chunk.chunks_exact(d).enumerate() {
                        let bounds = &mut lower.values[i * k..(i + 1) * k];
                        let label = reassign(
                            row,
                            centres,
                            half_distances,
                            half_to_nearest,
                            labels[i],
                            &mut upper[i],
                            bounds,
                        );
                        labels[i] = label;
                        visit(&mut result, label, row);
                    }
                    result
                })
            },
            merge,
        )
    }
}

/// Returns the nearest centre of one row, starting from its current `label` and updating
/// its bounds.
fn reassign(
    row: &[f64],
    centres: &Centres,
    half_distances: &[f64],
    half_to_nearest: &[f64],
    label: usize,
    upper: &mut f64,
    lower: &mut [f64],
) -> usize {
    let k = centres.n_clusters();
    // Every other centre is at least twice as far from the assigned centre as the row.
    if half_to_nearest[label] >= *upper {
        return label;
    }
    let mut best = label;
    let mut bound = *upper;
    let mut tight = false;
    for cluster in 0..k {
        if cluster == best || bound <= lower[cluster] || bound <= half_distances[best * k + cluster]
        {
            continue;
        }
        if !tight {
            bound = squared_distance(row, centres.centre(best)).sqrt();
            lower[best] = bound;
            tight = true;
            if bound <= lower[cluster] || bound <= half_distances[best * k + cluster] {
                continue;
            }
        }
        let distance = squared_distance(row, centres.centre(cluster)).sqrt();
        lower[cluster] = distance;
        if distance < bound {
            best = cluster;
            bound = distance;
        }
    }
    *upper = bound;
    best
}

/// Returns half the distance between every pair of centres (row-major) and half the
/// distance from each centre to its nearest other centre.
fn centre_half_distances(centres: &Centres) -> (Vec<f64>, Vec<f64>) {
    let k = centres.n_clusters();
    let half: Vec<f64> = centres
        .pairwise_distances()
        .into_iter()
        .map(|distance| distance / 2.0)
        .collect();
    let nearest = (0..k)
        .map(|a| {
            (0..k)
                .filter(|&b| b != a)
                .map(|b| half[a * k + b])
                .fold(f64::INFINITY, f64::min)
        })
        .collect();
    (half, nearest)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kmeans::lloyd;
    use crate::kmeans::rows::Centered;
    use ndarray::Array2;

    #[test]
    fn elkan_matches_lloyd_assignment() {
        let values: Vec<f64> = (0..600)
            .map(|i| ((i * 37 % 101) as f64).sin() * 5.0)
            .collect();
        let x = Array2::from_shape_vec((300, 2), values).unwrap();
        let zero = [0.0, 0.0];
        let rows = Centered::new(x.view(), &zero);
        let centres = Centres::new(vec![0.0, 0.0, 3.0, 3.0, -3.0, 1.0, 4.0, -4.0], 2);

        let mut lloyd_labels = vec![0; 300];
        lloyd::assign(&rows, &centres, &mut lloyd_labels);
        let mut elkan_labels = vec![0; 300];
        let mut elkan = Elkan::new(&rows, &centres, &mut elkan_labels);
        assert_eq!(elkan_labels, lloyd_labels);

        let moved = Centres::new(vec![0.5, 0.0, 3.0, 2.0, -3.0, 1.0, 2.0, -2.0], 2);
        let shifts: Vec<f64> = (0..4)
            .map(|c| squared_distance(centres.centre(c), moved.centre(c)).sqrt())
            .collect();
        elkan.follow_update(&moved, &shifts, &elkan_labels);
        elkan.assign(&rows, &moved, &mut elkan_labels);
        lloyd::assign(&rows, &moved, &mut lloyd_labels);
        assert_eq!(elkan_labels, lloyd_labels);
    }
}
