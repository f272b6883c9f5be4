//! Lloyd's step: assign every row to its nearest centre through a matrix product, then
//! sum the rows of each cluster.

use std::ops::Range;

use embviz_core::Float;
use ndarray::linalg::general_mat_mul;
use ndarray::{Array2, ArrayView2};

use super::centres::{Centres, ClusterSums};
use super::rows::{Rows, converted_sq_norm, dot, reduce_chunks, shift_row, squared_distance};

/// Assigns every row to its nearest centre and returns the per-cluster sums of the
/// centred rows.
pub(super) fn step<R: Rows>(rows: &R, centres: &Centres, labels: &mut [usize]) -> ClusterSums {
    let (k, d) = (centres.n_clusters(), centres.n_features());
    // PERF: the rows are summed as they are and centred once per cluster afterwards,
    // which saves a subtraction per value of the hottest loop besides the product.
    let mut sums = pass(
        rows,
        centres,
        labels,
        &|| ClusterSums::zeros(k, d),
        &|sums: &mut ClusterSums, label, row: &[R::Elem]| sums.add_converted(label, row),
        &ClusterSums::merge,
    );
    sums.subtract_shift(rows.shift());
    sums
}

/// Assigns every row to its nearest centre (the E-step alone).
pub(super) fn assign<R: Rows>(rows: &R, centres: &Centres, labels: &mut [usize]) {
    pass(rows, centres, labels, &|| (), &|(), _, _| (), &|(), ()| ());
}

/// Assigns the rows chunk by chunk, calls `visit` on each row (as it is) with its label,
/// and merges the per-chunk results in the fixed tree of [`reduce_chunks`].
fn pass<R, T, I, V, M>(
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
    V: Fn(&mut T, usize, &[R::Elem]) + Sync,
    M: Fn(T, T) -> T + Sync,
{
    let d = centres.n_features();
    let screen = Screen::<R::Elem>::new(centres, rows.shift(), rows.max_raw_sq_norm());
    reduce_chunks(
        rows.n_rows(),
        labels,
        &|range: Range<usize>, labels: &mut [usize]| {
            rows.with_raw(range, |raw| {
                screen.nearest_centres(raw, centres, rows.shift(), labels, |_, _, _| {});
                let mut result = init();
                for (row, &label) in raw.chunks_exact(d).zip(labels.iter()) {
                    visit(&mut result, label, row);
                }
                result
            })
        },
        merge,
    )
}

/// The centres prepared for distance blocks in the input type `E`.
///
/// PERF: the blocks multiply the rows as they are, in their own type, with the centres
/// rounded to that type. So a pass reads each row once and converts nothing, and `f32`
/// input gets the `f32` product, whose kernel handles twice as many values per
/// instruction as the `f64` one. The rounding of
/// that product is bounded (see [`Screen::tolerance`]), and rows whose two nearest centres
/// are within the bound are decided again by `f64` distances computed from the
/// differences. So the labels are those of a direct `f64` search.
#[derive(Debug)]
pub(super) struct Screen<E> {
    /// Centred centres rounded to `E`, row-major `k x d`.
    centres: Vec<E>,
    /// `|c|^2 + 2 m.c` of every centred centre `c`, with `m` the shift of the rows.
    offsets: Vec<f64>,
    /// Bound on the rounding error of one block value, per unit of row norm.
    error_per_norm: f64,
    /// Part of the bound on the rounding error of one block value that does not depend
    /// on the row.
    error_base: f64,
    /// Gap tolerance for the largest row norm, which spares most rows the computation of
    /// their own norm.
    max_tolerance: f64,
}

impl<E: Float> Screen<E> {
    pub(super) fn new(centres: &Centres, shift: &[f64], max_raw_sq_norm: f64) -> Self {
        let d = centres.n_features();
        let values: Vec<E> = (0..centres.n_clusters())
            .flat_map(|cluster| {
                centres
                    .centre(cluster)
                    .iter()
                    .map(|&v| E::from_f64_lossy(v))
            })
            .collect();
        let offsets: Vec<f64> = (0..centres.n_clusters())
            .map(|cluster| {
                let centre = centres.centre(cluster);
                centres.sq_norms()[cluster] + 2.0 * dot(shift, centre)
            })
            .collect();

        // A block value is `offset - 2 x.c~` with `x.c~` a sum of d products in E, and
        // c~ the centre rounded to E. Each rounding step is bounded by the standard
        // `gamma_n = n u / (1 - n u)` of a length-n dot product (u the unit roundoff).
        let unit = E::epsilon().to_f64_exact() / 2.0;
        let gamma_e = gamma(d + 2, unit);
        let unit64 = f64::EPSILON / 2.0;
        let gamma64 = gamma(d + 2, unit64);
        let max_centre_norm = centres
            .sq_norms()
            .iter()
            .copied()
            .fold(0.0, f64::max)
            .sqrt();
        let shift_norm = dot(shift, shift).sqrt();
        let error_per_norm = (2.0 * gamma_e + 6.0 * unit + 4.0 * unit64) * max_centre_norm;
        let error_base =
            gamma64 * (max_centre_norm * max_centre_norm + 2.0 * shift_norm * max_centre_norm);
        let mut screen = Self {
            centres: values,
            offsets,
            error_per_norm,
            error_base,
            max_tolerance: 0.0,
        };
        screen.max_tolerance = screen.tolerance(max_raw_sq_norm.sqrt());
        screen
    }

    /// Returns the bound on the rounding error of one block value for a row of norm
    /// `row_norm`.
    pub(super) fn score_error(&self, row_norm: f64) -> f64 {
        self.error_per_norm * row_norm + self.error_base
    }

    /// Returns the largest amount by which the block values of two centres can be in the
    /// wrong order for a row of norm `row_norm`: twice the error bound of one value.
    fn tolerance(&self, row_norm: f64) -> f64 {
        2.0 * self.score_error(row_norm)
    }

    /// Writes the index of the nearest centre of every row of `raw` into `labels`, the
    /// lowest index on equal distances, and calls `record` with the row's position in
    /// `raw`, its label and its block values.
    ///
    /// The nearest centre minimises the block value `|c|^2 + 2 m.c - 2 x.c` over the
    /// centred centres `c`, because `|x - m - c|^2` is that value plus `|x - m|^2`, the
    /// same for every centre. The products `x.c` come from one matrix product per chunk.
    pub(super) fn nearest_centres(
        &self,
        raw: &[E],
        centres: &Centres,
        shift: &[f64],
        labels: &mut [usize],
        mut record: impl FnMut(usize, usize, &[f64]),
    ) {
        let (k, d) = (centres.n_clusters(), centres.n_features());
        let m = labels.len();
        let x = ArrayView2::from_shape((m, d), raw).expect("the chunk contains m * d values");
        let c = ArrayView2::from_shape((k, d), &self.centres[..])
            .expect("the centres contain k * d values");
        let mut block = Array2::<E>::zeros((m, k));
        let minus_two = E::from_f64_lossy(-2.0);
        general_mat_mul(minus_two, &x, &c.t(), E::zero(), &mut block);

        let mut scores = vec![0.0; k];
        for (position, ((label, products), row)) in labels
            .iter_mut()
            .zip(block.rows())
            .zip(raw.chunks_exact(d))
            .enumerate()
        {
            // Branch-free passes over the scores: the minimum, its first index, and the
            // minimum of the others.
            for ((score, &product), &offset) in scores.iter_mut().zip(&products).zip(&self.offsets)
            {
                *score = offset + product.to_f64_exact();
            }
            let best_score = scores.iter().copied().fold(f64::INFINITY, f64::min);
            let mut best = scores
                .iter()
                .position(|&score| score == best_score)
                .unwrap_or(0);
            let second_score = scores
                .iter()
                .enumerate()
                .map(|(cluster, &score)| {
                    if cluster == best {
                        f64::INFINITY
                    } else {
                        score
                    }
                })
                .fold(f64::INFINITY, f64::min);
            let gap = second_score - best_score;
            if gap <= self.max_tolerance {
                let row_norm = converted_sq_norm(row).sqrt();
                let tolerance = self.tolerance(row_norm);
                if gap <= tolerance {
                    best = nearest_exactly(row, shift, centres, &scores, best_score + tolerance);
                }
            }
            *label = best;
            record(position, best, &scores);
        }
    }
}

/// Returns `n u / (1 - n u)`, the bound on the relative rounding error of a sum of `n`
/// products in a type with unit roundoff `u`.
fn gamma(n: usize, unit: f64) -> f64 {
    let nu = n as f64 * unit;
    nu / (1.0 - nu)
}

/// Returns the centre nearest to `row` by `f64` squared distance, computed from the
/// differences, among those whose block score is at most `limit`, the lowest index on
/// equal distances.
fn nearest_exactly<E: Float>(
    row: &[E],
    shift: &[f64],
    centres: &Centres,
    scores: &[f64],
    limit: f64,
) -> usize {
    let mut centred = vec![0.0; row.len()];
    shift_row(row, shift, &mut centred);
    let mut best = 0;
    let mut best_distance = f64::INFINITY;
    for (cluster, &score) in scores.iter().enumerate() {
        if score > limit {
            continue;
        }
        let distance = squared_distance(&centred, centres.centre(cluster));
        if distance < best_distance {
            best_distance = distance;
            best = cluster;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kmeans::rows::Centered;
    use ndarray::array;

    #[test]
    fn rows_go_to_nearest_centre() {
        let x = array![[0.0_f64, 0.0], [0.9, 0.0], [4.0, 4.0], [2.0, 2.0]];
        let zero = [0.0, 0.0];
        let rows = Centered::new(x.view(), &zero);
        let centres = Centres::new(vec![0.0, 0.0, 4.0, 4.0, 1.0, 0.0], 2);
        let mut labels = vec![9; 4];
        let sums = step(&rows, &centres, &mut labels);
        // Row 3 is at squared distance 8 from centre 0 and from centre 1, and 5 from
        // centre 2.
        assert_eq!(labels, vec![0, 2, 1, 2]);
        assert_eq!(sums.weights, vec![1.0, 1.0, 2.0]);
        assert_eq!(sums.sum(2), &[2.9, 2.0]);
    }

    #[test]
    fn exact_ties_go_to_lowest_index() {
        let x = array![[1.0_f64, 1.0], [3.0, 1.0]];
        let zero = [0.0, 0.0];
        let rows = Centered::new(x.view(), &zero);
        // Both rows are at squared distance 2 from the centres (2, 0) and (2, 2).
        let centres = Centres::new(vec![2.0, 2.0, 2.0, 0.0], 2);
        let mut labels = vec![9; 2];
        assign(&rows, &centres, &mut labels);
        assert_eq!(labels, vec![0, 0]);
    }

    #[test]
    fn near_ties_are_decided_in_f64() {
        // In f32 both centres are (0, 0) and (2000, 2), at the same distance from the row.
        // In f64 the second is nearer by about 2e-9.
        let x = array![[1000.0_f32, 1.0]];
        let zero = [0.0, 0.0];
        let rows = Centered::new(x.view(), &zero);
        let centres = Centres::new(vec![0.0, 0.0, 2000.0, 2.0 - 1e-9], 2);
        let mut labels = vec![9];
        assign(&rows, &centres, &mut labels);
        assert_eq!(labels, vec![1]);

        let far = Centres::new(vec![0.0, 0.0, 2000.0, 2.0 + 1e-9], 2);
        assign(&rows, &far, &mut labels);
        assert_eq!(labels, vec![0]);
    }
}
