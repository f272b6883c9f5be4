//! Initial centres: greedy k-means++ and distinct random rows.

use std::collections::HashSet;
use std::ops::Range;

use embviz_core::Float;
use embviz_core::seed::ChaCha8Rng;
use ndarray::linalg::general_mat_mul;
use ndarray::{Array2, ArrayView2};
use rand::RngExt;

use super::centres::Centres;
use super::rows::{Rows, Wide, add_columns, dot, reduce_chunks, with_scratch};

/// Picks `n_clusters` rows by greedy k-means++, given the squared norm of every centred
/// row.
///
/// The first centre is a uniformly drawn row. Each further centre is the best of
/// `2 + floor(ln k)` candidates, each drawn with probability proportional to its squared
/// distance to the nearest centre so far. The best candidate lowers the potential (the sum
/// of those squared distances) most, and the first one wins on equal potentials. The
/// seeding is that of D. Arthur & S. Vassilvitskii (2007), "k-means++: the advantages of
/// careful seeding", SODA 2007, with the greedy trials that their conclusion mentions and
/// that scikit-learn uses.
pub(super) fn kmeans_plusplus<R: Rows>(
    rows: &R,
    sq_norms: &[f64],
    n_clusters: usize,
    rng: &mut ChaCha8Rng,
) -> Centres {
    let n = rows.n_rows();
    let d = rows.n_features();
    let n_trials = 2 + (n_clusters as f64).ln().floor() as usize;

    let first = rng.random_range(0..n);
    let mut chosen = vec![first];
    let (mut closest, potentials) = distances_to_candidates(rows, sq_norms, &[first], None);
    let mut potential = potentials[0];

    let mut cumulative = vec![0.0; n];
    while chosen.len() < n_clusters {
        let mut total = 0.0;
        for (sum, &distance) in cumulative.iter_mut().zip(&closest) {
            total += distance;
            *sum = total;
        }
        let candidates: Vec<usize> = (0..n_trials)
            .map(|_| {
                let target = rng.random::<f64>() * potential;
                cumulative.partition_point(|&sum| sum < target).min(n - 1)
            })
            .collect();

        let (distances, potentials) =
            distances_to_candidates(rows, sq_norms, &candidates, Some(&closest));
        let mut best = 0;
        for (trial, &value) in potentials.iter().enumerate() {
            if value < potentials[best] {
                best = trial;
            }
        }
        potential = potentials[best];
        let width = candidates.len();
        for (distance, row) in closest.iter_mut().zip(distances.chunks_exact(width)) {
            *distance = row[best];
        }
        chosen.push(candidates[best]);
    }
    load_rows(rows, &chosen, d)
}

/// Picks `n_clusters` distinct rows uniformly at random.
pub(super) fn random_rows<R: Rows>(rows: &R, n_clusters: usize, rng: &mut ChaCha8Rng) -> Centres {
    let chosen = sample_distinct(rows.n_rows(), n_clusters, rng);
    load_rows(rows, &chosen, rows.n_features())
}

/// Draws `count` distinct indices below `n` (`count <= n`) uniformly, by R. W. Floyd's
/// sampling algorithm, which draws one number per index.
pub(super) fn sample_distinct(n: usize, count: usize, rng: &mut ChaCha8Rng) -> Vec<usize> {
    debug_assert!(count <= n);
    let mut seen = HashSet::with_capacity(count);
    let mut chosen = Vec::with_capacity(count);
    for upper in (n - count)..n {
        let pick = rng.random_range(0..=upper);
        let pick = if seen.insert(pick) { pick } else { upper };
        seen.insert(pick);
        chosen.push(pick);
    }
    chosen
}

/// Returns the centred rows `indices` as centres.
pub(super) fn load_rows<R: Rows>(rows: &R, indices: &[usize], d: usize) -> Centres {
    let mut values = vec![0.0; indices.len() * d];
    for (&index, centre) in indices.iter().zip(values.chunks_exact_mut(d)) {
        rows.load(index..index + 1, centre);
    }
    Centres::new(values, d)
}

/// Returns the squared norm of every centred row.
pub(super) fn row_sq_norms<R: Rows>(rows: &R) -> Vec<f64> {
    let d = rows.n_features();
    let mut norms = vec![0.0; rows.n_rows()];
    reduce_chunks(
        rows.n_rows(),
        norms.as_mut_slice(),
        &|range: Range<usize>, out: &mut [f64]| {
            with_scratch(|scratch| {
                let chunk = scratch.chunk(range.len() * d);
                rows.load(range, chunk);
                for (norm, row) in out.iter_mut().zip(chunk.chunks_exact(d)) {
                    *norm = dot(row, row);
                }
            })
        },
        &|(), ()| (),
    );
    norms
}

/// Returns, for every row and every candidate row, the squared distance to the candidate,
/// lowered to `closest` of that row when given (row-major, one value per candidate), and
/// the sum of each candidate's column: the potential if it were added.
///
/// The distances are `|x|^2 + |c|^2 - 2 x.c` of the centred row `x` and candidate `c`,
/// clipped at 0 as in scikit-learn. The norms are `f64` sums, and the products
/// come from one matrix product per chunk in the input type, as the products of the
/// Lloyd steps do (scikit-learn also computes them in the input type). With `f32` input
/// their rounding error, at most about `d 2^-24 |x| |c|` with `|x|` the norm of the row as
/// stored, only perturbs the weights of the random draw, and the centres are still rows
/// of the input.
fn distances_to_candidates<R: Rows>(
    rows: &R,
    sq_norms: &[f64],
    candidates: &[usize],
    closest: Option<&[f64]>,
) -> (Vec<f64>, Vec<f64>) {
    let n = rows.n_rows();
    let d = rows.n_features();
    let t = candidates.len();
    let shift = rows.shift();
    let mut centred = vec![0.0; t * d];
    for (&index, values) in candidates.iter().zip(centred.chunks_exact_mut(d)) {
        rows.load(index..index + 1, values);
    }
    let candidate_values: Vec<R::Elem> = centred
        .iter()
        .map(|&v| R::Elem::from_f64_lossy(v))
        .collect();
    let candidate_view = ArrayView2::from_shape((t, d), &candidate_values[..])
        .expect("the candidates hold t * d values");
    // `|c|^2 + 2 m.c` with `m` the shift, so that `|x - m - c|^2 = |x - m|^2 + offset -
    // 2 x.c` for a row `x` as it is.
    let offsets: Vec<f64> = candidates
        .iter()
        .zip(centred.chunks_exact(d))
        .map(|(&index, centre)| sq_norms[index] + 2.0 * dot(shift, centre))
        .collect();
    let minus_two = R::Elem::from_f64_lossy(-2.0);
    let zero = R::Elem::from_f64_lossy(0.0);

    let mut distances = vec![0.0; n * t];
    let potentials = reduce_chunks(
        n,
        Wide {
            values: &mut distances[..],
            width: t,
        },
        &|range: Range<usize>, out: Wide<'_, f64>| {
            let m = range.len();
            let mut block = Array2::<R::Elem>::zeros((m, t));
            rows.with_raw(range.clone(), |raw| {
                let x =
                    ArrayView2::from_shape((m, d), raw).expect("the chunk contains m * d values");
                general_mat_mul(minus_two, &x, &candidate_view.t(), zero, &mut block);
            });

            let mut potentials = vec![0.0; t];
            for ((values, products), row) in
                out.values.chunks_exact_mut(t).zip(block.rows()).zip(range)
            {
                for (trial, (value, &product)) in values.iter_mut().zip(&products).enumerate() {
                    let mut distance =
                        (sq_norms[row] + offsets[trial] + product.to_f64_exact()).max(0.0);
                    if let Some(closest) = closest {
                        distance = distance.min(closest[row]);
                    }
                    *value = distance;
                    potentials[trial] += distance;
                }
            }
            potentials
        },
        &add_columns,
    );
    (distances, potentials)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kmeans::rows::Centered;
    use embviz_core::seed::stream_rng;
    use ndarray::Array2;

    fn blobs() -> Array2<f64> {
        let mut values = Vec::new();
        for centre in [[0.0, 0.0], [50.0, 0.0], [0.0, 50.0]] {
            for i in 0..20 {
                values.push(centre[0] + (i % 5) as f64 * 0.1);
                values.push(centre[1] + (i / 5) as f64 * 0.1);
            }
        }
        Array2::from_shape_vec((60, 2), values).unwrap()
    }

    #[test]
    fn plusplus_picks_one_row_per_blob() {
        let x = blobs();
        let zero = [0.0, 0.0];
        let rows = Centered::new(x.view(), &zero);
        for stream in 0..5 {
            let norms = row_sq_norms(&rows);
            let centres = kmeans_plusplus(&rows, &norms, 3, &mut stream_rng(1, stream));
            let mut blobs: Vec<usize> = (0..3)
                .map(|c| {
                    let centre = centres.centre(c);
                    usize::from(centre[0] > 25.0) + 2 * usize::from(centre[1] > 25.0)
                })
                .collect();
            blobs.sort_unstable();
            assert_eq!(blobs, vec![0, 1, 2]);
        }
    }

    #[test]
    fn random_rows_are_distinct() {
        let x = blobs();
        let zero = [0.0, 0.0];
        let rows = Centered::new(x.view(), &zero);
        let centres = random_rows(&rows, 60, &mut stream_rng(3, 0));
        let mut picked: Vec<(i64, i64)> = (0..60)
            .map(|c| {
                let centre = centres.centre(c);
                (
                    (centre[0] * 10.0).round() as i64,
                    (centre[1] * 10.0).round() as i64,
                )
            })
            .collect();
        picked.sort_unstable();
        picked.dedup();
        assert_eq!(picked.len(), 60);
    }
}
