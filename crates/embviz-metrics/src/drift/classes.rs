//! Class centroids and spreads of one snapshot.

use std::collections::BTreeMap;

use embviz_core::Float;
use ndarray::{Array2, ArrayView2};
use rayon::prelude::*;

/// The distinct class ids of the labels, ascending, and the rows of each.
#[derive(Debug)]
pub(super) struct Classes {
    ids: Vec<usize>,
    /// Rows of each class in ascending order, aligned with `ids`.
    members: Vec<Vec<usize>>,
}

impl Classes {
    pub(super) fn new(labels: &[usize]) -> Self {
        let mut by_id: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for (row, &label) in labels.iter().enumerate() {
            by_id.entry(label).or_default().push(row);
        }
        let (ids, members) = by_id.into_iter().unzip();
        Self { ids, members }
    }

    pub(super) fn ids(&self) -> &[usize] {
        &self.ids
    }

    pub(super) fn into_ids(self) -> Vec<usize> {
        self.ids
    }
}

/// The centroid and spread of every class in one snapshot, computed in `f64`.
#[derive(Debug)]
pub(super) struct ClassGeometry {
    /// Mean of the rows of each class, one row per class id.
    pub(super) centroids: Array2<f64>,
    /// Mean euclidean distance from the rows of each class to its centroid.
    pub(super) spread: Vec<f64>,
}

impl ClassGeometry {
    /// Computes the geometry of `x`, on rows scaled to unit norm when `unit_rows` is set.
    /// Such rows must have a non-zero norm, which the caller checks.
    pub(super) fn new<F: Float>(x: ArrayView2<'_, F>, classes: &Classes, unit_rows: bool) -> Self {
        let n_cols = x.ncols();
        let scales: Vec<f64> = if unit_rows {
            x.outer_iter()
                .map(|row| {
                    // Scaled by the largest magnitude first, so that the squares of very
                    // small or very large values neither underflow nor overflow.
                    let largest = row
                        .iter()
                        .fold(0.0_f64, |m, v| m.max(v.to_f64_exact().abs()));
                    let norm = largest
                        * row
                            .iter()
                            .map(|v| (v.to_f64_exact() / largest).powi(2))
                            .sum::<f64>()
                            .sqrt();
                    1.0 / norm
                })
                .collect()
        } else {
            vec![1.0; x.nrows()]
        };

        // Each class sums its rows in ascending order on one thread, so the result does
        // not depend on the thread count.
        let per_class: Vec<(Vec<f64>, f64)> = classes
            .members
            .par_iter()
            .map(|members| {
                let mut centroid = vec![0.0; n_cols];
                for &i in members {
                    for (sum, v) in centroid.iter_mut().zip(x.row(i)) {
                        *sum += v.to_f64_exact() * scales[i];
                    }
                }
                let count = members.len() as f64;
                centroid.iter_mut().for_each(|sum| *sum /= count);

                let total_distance: f64 = members
                    .iter()
                    .map(|&i| {
                        centroid
                            .iter()
                            .zip(x.row(i))
                            .map(|(c, v)| (v.to_f64_exact() * scales[i] - c).powi(2))
                            .sum::<f64>()
                            .sqrt()
                    })
                    .sum();
                (centroid, total_distance / count)
            })
            .collect();

        let n_classes = per_class.len();
        let mut centroids = Array2::zeros((n_classes, n_cols));
        let mut spread = Vec::with_capacity(n_classes);
        for (mut row, (centroid, class_spread)) in centroids.outer_iter_mut().zip(per_class) {
            row.assign(&ndarray::ArrayView1::from(&centroid));
            spread.push(class_spread);
        }
        Self { centroids, spread }
    }
}
