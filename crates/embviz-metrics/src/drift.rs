//! Drift of rows across snapshots: how far each row and each class moves between the
//! embeddings saved at consecutive checkpoints, measured in the original spaces.
//!
//! Neighbour overlap as a measure of how stable an embedding is comes from Wendlandt,
//! Kummerfeld & Mihalcea (2018), "Factors Influencing the Surprising Instability of Word
//! Embeddings", NAACL-HLT, which compares the nearest-neighbour lists of a word in two
//! embedding spaces.

mod classes;
mod report;

use std::time::Instant;

use embviz_core::{Error, Float, Matrix, Metric, Result, Snapshots, seed, validate};
use embviz_neighbors::{EXACT_THRESHOLD, knn_auto};
use ndarray::{Array1, Array2, ArrayView2, CowArray, Ix2};
use rayon::prelude::*;

use classes::{ClassGeometry, Classes};

use crate::neighborhood::count_common;
pub use report::{DriftMeasure, DriftReport, DriftStep};

/// Default number of neighbours. With 10, replacing one neighbour gives a Jaccard distance
/// of `1 - 9/11`, about 0.18, so the values are steps fine enough to rank rows by.
const DEFAULT_N_NEIGHBORS: usize = 10;

/// Measures how rows move between consecutive snapshots of the same rows, such as the
/// embeddings of one evaluation set saved after each fine-tuning epoch.
///
/// For each pair of consecutive snapshots (a step), [`Drift::fit`] computes
///
/// - the point drift of each row: the distance in [`Drift::metric`] between the row in the
///   first snapshot and the same row in the second, when both have the same column count;
/// - the neighbour drift of each row: the Jaccard distance between the sets of its
///   `n_neighbors` nearest other rows in each snapshot, found in each snapshot's own
///   space, so it also compares snapshots of different widths;
/// - with labels, the centroid drift of each class: the euclidean distance between the
///   mean of its rows in the two snapshots, when both have the same column count.
///
/// With labels it also computes the spread of each class in every snapshot: the mean
/// euclidean distance from its rows to their centroid.
///
/// ```text
/// point drift (cosine)     1 - a.b / (|a| |b|)     a, b: row i in snapshots t and t+1
/// point drift (euclidean)  |a - b|
/// neighbour drift          1 - |A ∩ B| / |A ∪ B|   A, B: the k nearest other rows of i
///                        = 1 - c / (2k - c)        c = |A ∩ B|
/// centroid drift           |m_t - m_t+1|           m: mean of the rows of one class
/// spread                   1/n_c sum_i |x_i - m|   over the n_c rows of one class
/// ```
///
/// With [`Metric::Cosine`], the default, the class centroids and spreads are computed on
/// the rows scaled to unit norm, because the cosine metric ignores norms. Rows that are
/// already unit-norm, as normalised sentence embeddings are, give the same values as
/// unscaled rows up to rounding. With [`Metric::Euclidean`] the rows are used as given.
///
/// Neighbours come from [`embviz_neighbors::knn_auto`] in each snapshot: the exact search
/// up to [`EXACT_THRESHOLD`] rows, NN-descent above it, with equal distances ranked by
/// lower row index. Each row is left out of its own neighbours. Beyond the input and the
/// returned report, memory is `O(n k)` plus the neighbour search's `f32` copy of one
/// snapshot. Time is `O(n^2 d)` per snapshot for the exact search, and the result is the
/// same for any number of threads. scikit-learn and umap-learn have
/// no equivalent measure. umap-learn's `AlignedUMAP` maps such snapshots to 2-D together
/// instead.
///
/// # Example
///
/// ```
/// use embviz_metrics::Drift;
/// use ndarray::array;
///
/// let before = array![[1.0_f64, 0.0], [0.0, 1.0], [0.6, 0.8], [0.8, 0.6]];
/// // Row 0 turns by 90 degrees, and the other rows stay where they are.
/// let after = array![[0.0_f64, 1.0], [0.0, 1.0], [0.6, 0.8], [0.8, 0.6]];
/// let report = Drift::new().n_neighbors(1).fit(&[before, after], None)?;
///
/// let step = &report.steps()[0];
/// assert_eq!((step.from(), step.to()), ("0", "1"));
/// let point_drift = step.point_drift().expect("both snapshots have 2 columns");
/// assert!((point_drift[0] - 1.0).abs() < 1e-12);
/// assert_eq!(report.top_movers(0, 1)?, vec![0]);
/// # Ok::<(), embviz_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Drift {
    n_neighbors: usize,
    metric: Metric,
    seed: Option<u64>,
}

impl Default for Drift {
    fn default() -> Self {
        Self {
            n_neighbors: DEFAULT_N_NEIGHBORS,
            metric: Metric::Cosine,
            seed: None,
        }
    }
}

impl Drift {
    /// Creates the measure with 10 neighbours and the cosine metric.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the number of nearest other rows compared for the neighbour drift. Default
    /// 10; must be at least 1 and less than the number of rows.
    #[must_use]
    pub fn n_neighbors(mut self, n_neighbors: usize) -> Self {
        self.n_neighbors = n_neighbors;
        self
    }

    /// Sets the metric of the neighbour search and of the point drift. Default
    /// [`Metric::Cosine`], the metric sentence embeddings are compared in. It also decides
    /// whether class centroids are computed on unit-norm rows (see [`Drift`]).
    #[must_use]
    pub fn metric(mut self, metric: Metric) -> Self {
        self.metric = metric;
        self
    }

    /// Sets the seed of the approximate neighbour search, which runs only above
    /// [`EXACT_THRESHOLD`] rows. Without one, such a run draws a seed and stores it in the
    /// report. The result is the same for a seed whatever the thread count.
    #[doc(alias = "random_state")]
    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// Measures the drift between each pair of consecutive matrices of `snapshots`, which
    /// embed the same rows in the same order. The snapshots are named by position, `"0"`,
    /// `"1"` and so on. `labels`, one class id per row, adds the class centroid drift and
    /// spread.
    ///
    /// # Errors
    ///
    /// - [`Error::InvalidParameter`] (`snapshots`) for fewer than two snapshots, or
    ///   (`n_neighbors`) when `n_neighbors` is 0 or not less than the number of rows.
    /// - [`Error::InSnapshot`] naming the first invalid snapshot around
    ///   [`Error::EmptyInput`], [`Error::NonFinite`] or [`Error::RaggedRows`] for bad input,
    ///   [`Error::ShapeMismatch`] when its row count differs from the first snapshot's, and
    ///   [`Error::ZeroVector`] for a row of zero norm with the cosine metric.
    /// - [`Error::ShapeMismatch`] (`labels`) when `labels` does not have one entry per row.
    pub fn fit<F: Float, M: Matrix<F>>(
        &self,
        snapshots: &[M],
        labels: Option<&[usize]>,
    ) -> Result<DriftReport> {
        let names: Vec<String> = (0..snapshots.len()).map(|i| i.to_string()).collect();
        self.fit_named(&names, snapshots, labels)
    }

    /// Measures the drift between consecutive snapshots, as [`Drift::fit`] does, with the
    /// steps named after the snapshots.
    ///
    /// # Errors
    ///
    /// Those of [`Drift::fit`].
    pub fn fit_snapshots<F: Float>(
        &self,
        snapshots: &Snapshots<F>,
        labels: Option<&[usize]>,
    ) -> Result<DriftReport> {
        self.fit_named(snapshots.names(), snapshots.matrices(), labels)
    }

    fn fit_named<F: Float, M: Matrix<F>>(
        &self,
        names: &[String],
        snapshots: &[M],
        labels: Option<&[usize]>,
    ) -> Result<DriftReport> {
        let matrices = self.check_input(names, snapshots, labels)?;
        let n_rows = matrices[0].nrows();
        let k = self.n_neighbors;
        let approximate = n_rows > EXACT_THRESHOLD;
        let seed = match self.seed {
            Some(seed) => seed,
            None if approximate => {
                let seed = seed::random_seed();
                log::info!(
                    "drift drew seed {seed} for NN-descent: pass it to Drift::seed to repeat"
                );
                seed
            }
            // The exact search does not read the seed.
            None => 0,
        };
        let started = Instant::now();
        log::info!(
            "drift of {n_rows} rows over {} snapshots: {} {k}-NN ({})",
            matrices.len(),
            if approximate { "approximate" } else { "exact" },
            self.metric
        );

        let classes = labels.map(Classes::new);
        let mut spreads = Vec::new();
        let mut steps = Vec::with_capacity(matrices.len() - 1);
        let mut previous: Option<SnapshotSummary> = None;
        for (index, (name, x)) in names.iter().zip(&matrices).enumerate() {
            let summary = SnapshotSummary::new(x.view(), k, self.metric, seed, classes.as_ref())
                .map_err(|e| e.in_snapshot(name))?;
            if let Some(geometry) = &summary.geometry {
                spreads.push(geometry.spread.clone());
            }
            if let Some(before) = previous {
                let step = DriftStep::new(
                    names[index - 1].clone(),
                    name.clone(),
                    self.point_drift(matrices[index - 1].view(), x.view()),
                    neighbor_drift(&before.neighbors, &summary.neighbors, k),
                    centroid_drift(before.geometry.as_ref(), summary.geometry.as_ref()),
                );
                steps.push(step);
            }
            log::debug!(
                "drift: snapshot {name} done at {:.3} s",
                started.elapsed().as_secs_f64()
            );
            previous = Some(summary);
        }
        log::info!(
            "drift of {n_rows} rows done in {:.3} s",
            started.elapsed().as_secs_f64()
        );

        let class_spread = classes.map(|classes| {
            let flat: Vec<f64> = spreads.into_iter().flatten().collect();
            let spread = Array2::from_shape_vec((matrices.len(), classes.ids().len()), flat)
                .expect("with labels, every snapshot has one spread per class");
            (classes.into_ids(), spread)
        });
        Ok(DriftReport::new(
            names.to_vec(),
            n_rows,
            k,
            self.metric,
            approximate.then_some(seed),
            steps,
            class_spread,
        ))
    }

    /// Checks the parameters and every snapshot, returning them with contiguous rows.
    fn check_input<'a, F: Float, M: Matrix<F>>(
        &self,
        names: &[String],
        snapshots: &'a [M],
        labels: Option<&[usize]>,
    ) -> Result<Vec<CowArray<'a, F, Ix2>>> {
        let matrices = validate::snapshot_matrices(
            names,
            snapshots,
            "drift compares consecutive snapshots, so pass the embeddings of at least two \
             checkpoints",
        )?;
        let n_rows = matrices[0].nrows();
        for (name, x) in names.iter().zip(&matrices) {
            if self.metric == Metric::Cosine {
                validate::no_zero_rows(validate::SNAPSHOT_MATRIX, &x.view())
                    .map_err(|e| e.in_snapshot(name))?;
            }
        }

        let k = self.n_neighbors;
        if k == 0 || k >= n_rows {
            return Err(Error::invalid_parameter(
                "n_neighbors",
                k,
                format!(
                    "must be at least 1 and less than the number of rows ({n_rows}), since \
                     each row is left out of its own neighbours"
                ),
            ));
        }
        if let Some(labels) = labels
            && labels.len() != n_rows
        {
            return Err(Error::ShapeMismatch {
                what: "labels",
                expected: format!("{n_rows} labels, one per row of the snapshots"),
                found: format!("{} labels", labels.len()),
            });
        }
        Ok(matrices)
    }

    /// Returns the distance in the metric between each row of `before` and the same row
    /// of `after`, or `None` when their column counts differ.
    fn point_drift<F: Float>(
        &self,
        before: ArrayView2<'_, F>,
        after: ArrayView2<'_, F>,
    ) -> Option<Array1<f64>> {
        if before.ncols() != after.ncols() {
            return None;
        }
        let metric = self.metric;
        let distances: Vec<f64> = (0..before.nrows())
            .into_par_iter()
            .map(|i| {
                let a = before.row(i);
                let b = after.row(i);
                let a = a.as_slice().expect("validated rows are contiguous");
                let b = b.as_slice().expect("validated rows are contiguous");
                metric.distance(a, b)
            })
            .collect();
        Some(Array1::from(distances))
    }
}

/// The neighbour sets and class geometry of one snapshot, shared by its two steps.
#[derive(Debug)]
struct SnapshotSummary {
    /// The `k` nearest other rows of each row, each row sorted by index.
    neighbors: Array2<usize>,
    geometry: Option<ClassGeometry>,
}

impl SnapshotSummary {
    fn new<F: Float>(
        x: ArrayView2<'_, F>,
        k: usize,
        metric: Metric,
        seed: u64,
        classes: Option<&Classes>,
    ) -> Result<Self> {
        let mut neighbors = knn_auto(x, k, metric, seed)?.into_parts().0;
        for mut row in neighbors.outer_iter_mut() {
            if let Some(row) = row.as_slice_mut() {
                row.sort_unstable();
            }
        }
        let geometry =
            classes.map(|classes| ClassGeometry::new(x, classes, metric == Metric::Cosine));
        Ok(Self {
            neighbors,
            geometry,
        })
    }
}

/// Returns the Jaccard distance between each row's neighbour sets in two snapshots.
/// Every list has `k` distinct indices sorted ascending.
fn neighbor_drift(before: &Array2<usize>, after: &Array2<usize>, k: usize) -> Array1<f64> {
    let distances: Vec<f64> = (0..before.nrows())
        .into_par_iter()
        .map(|i| {
            let a = before.row(i);
            let b = after.row(i);
            let a = a
                .as_slice()
                .expect("neighbour lists are in standard layout");
            let b = b
                .as_slice()
                .expect("neighbour lists are in standard layout");
            let common = count_common(a, b);
            1.0 - common as f64 / (2 * k - common) as f64
        })
        .collect();
    Array1::from(distances)
}

/// Returns the euclidean distance between each class centroid in two snapshots, or `None`
/// without labels or when the column counts differ.
fn centroid_drift(
    before: Option<&ClassGeometry>,
    after: Option<&ClassGeometry>,
) -> Option<Array1<f64>> {
    let (before, after) = (before?, after?);
    if before.centroids.ncols() != after.centroids.ncols() {
        return None;
    }
    let distances = before
        .centroids
        .outer_iter()
        .zip(after.centroids.outer_iter())
        .map(|(a, b)| {
            a.iter()
                .zip(b.iter())
                .map(|(x, y)| (x - y) * (x - y))
                .sum::<f64>()
                .sqrt()
        })
        .collect();
    Some(distances)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jaccard_of_shared_neighbours() {
        let before = ndarray::array![[1, 2], [0, 2], [0, 1]];
        let after = ndarray::array![[1, 3], [0, 2], [4, 5]];
        let drift = neighbor_drift(&before, &after, 2);
        assert_eq!(drift.to_vec(), vec![1.0 - 1.0 / 3.0, 0.0, 1.0]);
    }
}
