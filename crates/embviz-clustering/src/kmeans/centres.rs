//! Cluster centres, the M-step that turns per-cluster sums into new centres, the
//! relocation of empty clusters, and the inertia.

use std::ops::Range;

use embviz_core::Float;
use ndarray::{Array2, ArrayView2};

use super::rows::{Rows, reduce_chunks, squared_distance, with_scratch};

/// Cluster centres in the centred coordinates of [`Rows`], with their squared norms.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Centres {
    values: Vec<f64>,
    n_features: usize,
    sq_norms: Vec<f64>,
}

impl Centres {
    /// Wraps `values`, `n_features` values per centre, row after row.
    pub(super) fn new(values: Vec<f64>, n_features: usize) -> Self {
        debug_assert!(n_features > 0 && values.len().is_multiple_of(n_features));
        let sq_norms = values
            .chunks_exact(n_features)
            .map(|centre| centre.iter().map(|v| v * v).sum())
            .collect();
        Self {
            values,
            n_features,
            sq_norms,
        }
    }

    /// Converts centres given in input coordinates by subtracting `shift` from each.
    pub(super) fn from_uncentred(centres: ArrayView2<'_, f64>, shift: &[f64]) -> Self {
        let values = centres
            .rows()
            .into_iter()
            .flat_map(|centre| {
                centre
                    .iter()
                    .zip(shift)
                    .map(|(c, s)| c - s)
                    .collect::<Vec<_>>()
            })
            .collect();
        Self::new(values, shift.len())
    }

    /// Returns the centres in input coordinates, adding `shift` back.
    pub(super) fn to_uncentred(&self, shift: &[f64]) -> Array2<f64> {
        let values = self
            .values
            .chunks_exact(self.n_features)
            .flat_map(|centre| centre.iter().zip(shift).map(|(c, s)| c + s))
            .collect();
        Array2::from_shape_vec((self.n_clusters(), self.n_features), values)
            .expect("the centres hold n_clusters * n_features values")
    }

    pub(super) fn n_clusters(&self) -> usize {
        self.sq_norms.len()
    }

    pub(super) fn n_features(&self) -> usize {
        self.n_features
    }

    /// Returns centre `cluster`.
    pub(super) fn centre(&self, cluster: usize) -> &[f64] {
        let start = cluster * self.n_features;
        &self.values[start..start + self.n_features]
    }

    /// Returns the squared norm of every centre.
    pub(super) fn sq_norms(&self) -> &[f64] {
        &self.sq_norms
    }

    /// Returns the euclidean distance between every pair of centres, row-major.
    pub(super) fn pairwise_distances(&self) -> Vec<f64> {
        let k = self.n_clusters();
        let mut distances = vec![0.0; k * k];
        for a in 0..k {
            for b in (a + 1)..k {
                let distance = squared_distance(self.centre(a), self.centre(b)).sqrt();
                distances[a * k + b] = distance;
                distances[b * k + a] = distance;
            }
        }
        distances
    }
}

/// Per-cluster sums of the rows assigned to each cluster and their weights (row counts
/// for k-means).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct ClusterSums {
    pub(super) sums: Vec<f64>,
    pub(super) weights: Vec<f64>,
    n_features: usize,
}

impl ClusterSums {
    pub(super) fn zeros(n_clusters: usize, n_features: usize) -> Self {
        Self {
            sums: vec![0.0; n_clusters * n_features],
            weights: vec![0.0; n_clusters],
            n_features,
        }
    }

    /// Adds `row` to cluster `cluster` with weight 1.
    pub(super) fn add(&mut self, cluster: usize, row: &[f64]) {
        let start = cluster * self.n_features;
        for (sum, value) in self.sums[start..start + self.n_features]
            .iter_mut()
            .zip(row)
        {
            *sum += value;
        }
        self.weights[cluster] += 1.0;
    }

    /// Adds `row`, converted to `f64`, to cluster `cluster` with weight 1.
    pub(super) fn add_converted<E: Float>(&mut self, cluster: usize, row: &[E]) {
        let start = cluster * self.n_features;
        for (sum, &value) in self.sums[start..start + self.n_features]
            .iter_mut()
            .zip(row)
        {
            *sum += value.to_f64_exact();
        }
        self.weights[cluster] += 1.0;
    }

    /// Removes `row`, converted to `f64`, from cluster `cluster`, undoing
    /// [`add_converted`](Self::add_converted).
    pub(super) fn remove_converted<E: Float>(&mut self, cluster: usize, row: &[E]) {
        let start = cluster * self.n_features;
        for (sum, &value) in self.sums[start..start + self.n_features]
            .iter_mut()
            .zip(row)
        {
            *sum -= value.to_f64_exact();
        }
        self.weights[cluster] -= 1.0;
    }

    /// Subtracts `weight * shift` from every cluster's sum, which turns sums of rows as
    /// they are into sums of rows minus `shift`.
    pub(super) fn subtract_shift(&mut self, shift: &[f64]) {
        let d = self.n_features;
        for (sum, &weight) in self.sums.chunks_exact_mut(d).zip(&self.weights) {
            for (value, &offset) in sum.iter_mut().zip(shift) {
                *value -= weight * offset;
            }
        }
    }

    /// Returns the sum of `self` and `other`, adding `other` to `self` element by element.
    pub(super) fn merge(mut self, other: Self) -> Self {
        for (sum, value) in self.sums.iter_mut().zip(&other.sums) {
            *sum += value;
        }
        for (weight, value) in self.weights.iter_mut().zip(&other.weights) {
            *weight += value;
        }
        self
    }

    /// Returns the sum of cluster `cluster`.
    pub(super) fn sum(&self, cluster: usize) -> &[f64] {
        let start = cluster * self.n_features;
        &self.sums[start..start + self.n_features]
    }

    fn sum_mut(&mut self, cluster: usize) -> &mut [f64] {
        let start = cluster * self.n_features;
        &mut self.sums[start..start + self.n_features]
    }
}

/// The centres after an M-step and how far each moved.
#[derive(Debug)]
pub(super) struct Update {
    pub(super) centres: Centres,
    /// Euclidean distance between each old and new centre.
    pub(super) shifts: Vec<f64>,
    /// Number of empty clusters moved to a far row.
    pub(super) n_relocated: usize,
}

impl Update {
    /// Returns the sum of the squared centre shifts, which the tolerance is compared with.
    pub(super) fn squared_shift(&self) -> f64 {
        self.shifts.iter().map(|s| s * s).sum()
    }
}

/// Turns the sums of one Lloyd or Elkan step into new centres.
///
/// Empty clusters first take the rows farthest from their centres, as scikit-learn's
/// `_relocate_empty_clusters` does. Each centre is then the mean of its rows. A cluster
/// that is still empty (when every row sits on its centre) takes the centre of the
/// heaviest cluster.
pub(super) fn update_centres<R: Rows>(
    rows: &R,
    old: &Centres,
    mut sums: ClusterSums,
    labels: &[usize],
) -> Update {
    let n_relocated = relocate_empty_clusters(rows, old, &mut sums, labels);
    let k = old.n_clusters();
    let d = old.n_features();

    let mut values = vec![0.0; k * d];
    for (cluster, centre) in values.chunks_exact_mut(d).enumerate() {
        let weight = sums.weights[cluster];
        if weight > 0.0 {
            for (value, sum) in centre.iter_mut().zip(sums.sum(cluster)) {
                *value = sum / weight;
            }
        }
    }
    // NOTE: scikit-learn copies the heaviest centre before dividing it by its weight when
    // the empty cluster comes first; this copies the mean.
    let heaviest = first_max(&sums.weights);
    for cluster in 0..k {
        if sums.weights[cluster] <= 0.0 {
            let source = heaviest * d;
            values.copy_within(source..source + d, cluster * d);
        }
    }

    let centres = Centres::new(values, d);
    let shifts = (0..k)
        .map(|cluster| squared_distance(old.centre(cluster), centres.centre(cluster)).sqrt())
        .collect();
    Update {
        centres,
        shifts,
        n_relocated,
    }
}

/// Moves each empty cluster's sum to one of the rows farthest from their assigned
/// centres, taking that row out of its old cluster's sum. Returns the number moved.
///
/// The farthest rows go to the empty clusters in ascending cluster order, the farthest
/// first, with equal distances in ascending row order. Labels are left unchanged, as in
/// scikit-learn, so the next step assigns the rows again.
fn relocate_empty_clusters<R: Rows>(
    rows: &R,
    old: &Centres,
    sums: &mut ClusterSums,
    labels: &[usize],
) -> usize {
    let empty: Vec<usize> = (0..old.n_clusters())
        .filter(|&cluster| sums.weights[cluster] == 0.0)
        .collect();
    if empty.is_empty() {
        return 0;
    }

    let distances = distances_to_assigned(rows, old, labels);
    if distances.iter().all(|&distance| distance == 0.0) {
        // More clusters than distinct rows: no row can start a new cluster.
        return 0;
    }
    let mut order: Vec<usize> = (0..distances.len()).collect();
    let by_distance =
        |&a: &usize, &b: &usize| distances[b].total_cmp(&distances[a]).then(a.cmp(&b));
    let n_far = empty.len().min(order.len());
    if n_far < order.len() {
        order.select_nth_unstable_by(n_far - 1, by_distance);
        order.truncate(n_far);
    }
    order.sort_unstable_by(by_distance);

    let d = old.n_features();
    let mut row = vec![0.0; d];
    for (&cluster, &far) in empty.iter().zip(&order) {
        rows.load(far..far + 1, &mut row);
        let previous = labels[far];
        for (sum, value) in sums.sum_mut(previous).iter_mut().zip(&row) {
            *sum -= value;
        }
        sums.sum_mut(cluster).copy_from_slice(&row);
        sums.weights[previous] -= 1.0;
        sums.weights[cluster] = 1.0;
    }
    n_far
}

/// Returns the squared distance from every row to its assigned centre.
fn distances_to_assigned<R: Rows>(rows: &R, centres: &Centres, labels: &[usize]) -> Vec<f64> {
    let d = rows.n_features();
    let mut distances = vec![0.0; rows.n_rows()];
    reduce_chunks(
        rows.n_rows(),
        distances.as_mut_slice(),
        &|range: Range<usize>, out: &mut [f64]| {
            with_scratch(|scratch| {
                let chunk = scratch.chunk(range.len() * d);
                rows.load(range.clone(), chunk);
                for ((distance, row), &label) in out
                    .iter_mut()
                    .zip(chunk.chunks_exact(d))
                    .zip(&labels[range])
                {
                    *distance = squared_distance(row, centres.centre(label));
                }
            })
        },
        &|(), ()| (),
    );
    distances
}

/// Returns the sum of squared distances from every row to its assigned centre, computed
/// directly from the differences rather than from the distance blocks.
pub(super) fn inertia<R: Rows>(rows: &R, centres: &Centres, labels: &[usize]) -> f64 {
    let d = rows.n_features();
    reduce_chunks(
        rows.n_rows(),
        (),
        &|range: Range<usize>, ()| {
            with_scratch(|scratch| {
                let chunk = scratch.chunk(range.len() * d);
                rows.load(range.clone(), chunk);
                chunk
                    .chunks_exact(d)
                    .zip(&labels[range])
                    .map(|(row, &label)| squared_distance(row, centres.centre(label)))
                    .fold(0.0, |total, distance| total + distance)
            })
        },
        &|left, right| left + right,
    )
}

/// Returns whether two labelings are the same partition up to a renaming of the clusters.
pub(super) fn same_clustering(first: &[usize], second: &[usize], n_clusters: usize) -> bool {
    let mut mapping = vec![usize::MAX; n_clusters];
    for (&a, &b) in first.iter().zip(second) {
        if mapping[a] == usize::MAX {
            mapping[a] = b;
        } else if mapping[a] != b {
            return false;
        }
    }
    true
}

/// Returns the number of distinct labels.
pub(super) fn count_distinct(labels: &[usize], n_clusters: usize) -> usize {
    let mut seen = vec![false; n_clusters];
    for &label in labels {
        seen[label] = true;
    }
    seen.iter().filter(|&&s| s).count()
}

/// Returns the index of the first largest value.
fn first_max(values: &[f64]) -> usize {
    let mut best = 0;
    for (index, &value) in values.iter().enumerate() {
        if value > values[best] {
            best = index;
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
    fn update_averages_and_measures_shift() {
        let x = array![[0.0_f64, 0.0], [2.0, 0.0], [10.0, 10.0]];
        let zero = [0.0, 0.0];
        let rows = Centered::new(x.view(), &zero);
        let old = Centres::new(vec![0.0, 0.0, 10.0, 13.0], 2);
        let labels = [0, 0, 1];
        let mut sums = ClusterSums::zeros(2, 2);
        for (row, &label) in x.rows().into_iter().zip(&labels) {
            sums.add(label, row.as_slice().unwrap());
        }
        let update = update_centres(&rows, &old, sums, &labels);
        assert_eq!(update.centres.centre(0), &[1.0, 0.0]);
        assert_eq!(update.centres.centre(1), &[10.0, 10.0]);
        assert_eq!(update.shifts, vec![1.0, 3.0]);
        assert_eq!(update.squared_shift(), 10.0);
        assert_eq!(update.n_relocated, 0);
    }

    #[test]
    fn empty_cluster_takes_farthest_row() {
        let x = array![[0.0_f64], [1.0], [9.0]];
        let zero = [0.0];
        let rows = Centered::new(x.view(), &zero);
        let old = Centres::new(vec![0.0, 100.0], 1);
        let labels = [0, 0, 0];
        let mut sums = ClusterSums::zeros(2, 1);
        for (row, &label) in x.rows().into_iter().zip(&labels) {
            sums.add(label, row.as_slice().unwrap());
        }
        let update = update_centres(&rows, &old, sums, &labels);
        assert_eq!(update.n_relocated, 1);
        assert_eq!(update.centres.centre(0), &[0.5]);
        assert_eq!(update.centres.centre(1), &[9.0]);
    }

    #[test]
    fn same_clustering_ignores_renaming() {
        assert!(same_clustering(&[0, 0, 1, 2], &[2, 2, 0, 1], 3));
        assert!(!same_clustering(&[0, 0, 1, 2], &[2, 1, 0, 1], 3));
    }
}
