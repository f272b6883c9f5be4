//! The result of a drift measurement: one [`DriftStep`] per pair of consecutive snapshots.

use embviz_core::{Error, Metric, Result};
use ndarray::{Array1, Array2};

/// The per-row drift that [`DriftStep::top_movers_by`] ranks rows by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DriftMeasure {
    /// The distance between the row's positions in the two snapshots,
    /// [`DriftStep::point_drift`].
    Point,
    /// The Jaccard distance between the row's neighbour sets in the two snapshots,
    /// [`DriftStep::neighbor_drift`].
    Neighbors,
}

/// The drift between two consecutive snapshots, from [`DriftReport::steps`].
///
/// Per-row values are indexed by row and per-class values follow
/// [`DriftReport::classes`]. Labels and texts stay with the caller, who looks rows up by
/// the indices that [`DriftStep::top_movers`] returns.
#[derive(Debug, Clone, PartialEq)]
pub struct DriftStep {
    from: String,
    to: String,
    point_drift: Option<Array1<f64>>,
    neighbor_drift: Array1<f64>,
    centroid_drift: Option<Array1<f64>>,
}

impl DriftStep {
    pub(super) fn new(
        from: String,
        to: String,
        point_drift: Option<Array1<f64>>,
        neighbor_drift: Array1<f64>,
        centroid_drift: Option<Array1<f64>>,
    ) -> Self {
        Self {
            from,
            to,
            point_drift,
            neighbor_drift,
            centroid_drift,
        }
    }

    /// Returns the name of the earlier snapshot.
    pub fn from(&self) -> &str {
        &self.from
    }

    /// Returns the name of the later snapshot.
    pub fn to(&self) -> &str {
        &self.to
    }

    /// Returns, for each row, the distance in the report's metric between its positions
    /// in the two snapshots: the cosine distance `1 - cos` in `[0, 2]`, or the euclidean
    /// distance. `None` when the snapshots differ in column count.
    pub fn point_drift(&self) -> Option<&Array1<f64>> {
        self.point_drift.as_ref()
    }

    /// Returns, for each row, the Jaccard distance `1 - |A ∩ B| / |A ∪ B|` between its
    /// sets of nearest other rows in the two snapshots: 0 when it keeps every neighbour,
    /// 1 when it keeps none.
    pub fn neighbor_drift(&self) -> &Array1<f64> {
        &self.neighbor_drift
    }

    /// Returns, for each class of [`DriftReport::classes`], the euclidean distance between
    /// its centroids in the two snapshots. `None` without labels or when the snapshots
    /// differ in column count.
    pub fn centroid_drift(&self) -> Option<&Array1<f64>> {
        self.centroid_drift.as_ref()
    }

    /// Returns the mean point drift over all rows, `None` when
    /// [`DriftStep::point_drift`] is.
    pub fn mean_point_drift(&self) -> Option<f64> {
        self.point_drift.as_ref().and_then(|drift| drift.mean())
    }

    /// Returns the mean neighbour drift over all rows.
    pub fn mean_neighbor_drift(&self) -> f64 {
        self.neighbor_drift.mean().unwrap_or(0.0)
    }

    /// Returns the indices of the `m` rows that moved most, by point drift when the
    /// snapshots have the same column count and by neighbour drift otherwise. Rows are in
    /// descending order of drift, and rows with equal drift in ascending order of index.
    /// All rows are returned when `m` exceeds their number.
    pub fn top_movers(&self, m: usize) -> Vec<usize> {
        let drift = self.point_drift.as_ref().unwrap_or(&self.neighbor_drift);
        rank_descending(drift, m)
    }

    /// Returns the indices of the `m` rows that moved most by `measure`, in the order of
    /// [`DriftStep::top_movers`]. `None` for [`DriftMeasure::Point`] when the snapshots
    /// differ in column count.
    pub fn top_movers_by(&self, measure: DriftMeasure, m: usize) -> Option<Vec<usize>> {
        let drift = match measure {
            DriftMeasure::Point => self.point_drift.as_ref()?,
            DriftMeasure::Neighbors => &self.neighbor_drift,
        };
        Some(rank_descending(drift, m))
    }
}

/// Returns the indices of the `m` largest values, largest first and equal values by
/// ascending index.
fn rank_descending(values: &Array1<f64>, m: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    // A stable sort keeps equal values in ascending index order.
    order.sort_by(|&a, &b| values[b].total_cmp(&values[a]));
    order.truncate(m);
    order
}

/// The drift of rows and classes across a sequence of snapshots, from
/// [`Drift::fit`](super::Drift::fit).
///
/// It has one [`DriftStep`] per pair of consecutive snapshots and, when labels were given,
/// the spread of each class in every snapshot.
///
/// # Example
///
/// ```
/// use embviz_metrics::Drift;
/// use ndarray::array;
///
/// let epoch_0 = array![[1.0_f32, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9]];
/// let epoch_1 = array![[1.0_f32, 0.0], [0.9, 0.1], [0.1, 0.9], [0.0, 1.0]];
/// let labels = [0, 0, 1, 1];
/// let report = Drift::new().n_neighbors(1).fit(&[epoch_0, epoch_1], Some(&labels))?;
///
/// assert_eq!(report.names(), ["0", "1"]);
/// assert_eq!(report.classes(), Some(&[0, 1][..]));
/// // Rows 2 and 3 swap places: each keeps the other as its nearest neighbour.
/// assert_eq!(report.steps()[0].neighbor_drift().to_vec(), vec![0.0; 4]);
/// assert_eq!(report.spread().map(|s| s.dim()), Some((2, 2)));
/// # Ok::<(), embviz_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct DriftReport {
    names: Vec<String>,
    n_rows: usize,
    n_neighbors: usize,
    metric: Metric,
    seed: Option<u64>,
    steps: Vec<DriftStep>,
    classes: Option<Vec<usize>>,
    spread: Option<Array2<f64>>,
}

impl DriftReport {
    pub(super) fn new(
        names: Vec<String>,
        n_rows: usize,
        n_neighbors: usize,
        metric: Metric,
        seed: Option<u64>,
        steps: Vec<DriftStep>,
        class_spread: Option<(Vec<usize>, Array2<f64>)>,
    ) -> Self {
        let (classes, spread) = class_spread.unzip();
        Self {
            names,
            n_rows,
            n_neighbors,
            metric,
            seed,
            steps,
            classes,
            spread,
        }
    }

    /// Returns the snapshot names, in order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Returns the number of rows of every snapshot.
    pub fn n_rows(&self) -> usize {
        self.n_rows
    }

    /// Returns the number of neighbours compared for the neighbour drift.
    pub fn n_neighbors(&self) -> usize {
        self.n_neighbors
    }

    /// Returns the metric of the neighbour search and of the point drift.
    pub fn metric(&self) -> Metric {
        self.metric
    }

    /// Returns the seed of the approximate neighbour search, or `None` when every
    /// snapshot was searched exactly.
    pub fn seed(&self) -> Option<u64> {
        self.seed
    }

    /// Returns one step per pair of consecutive snapshots, in order: step `t` compares
    /// snapshot `t` with snapshot `t + 1`.
    pub fn steps(&self) -> &[DriftStep] {
        &self.steps
    }

    /// Returns the distinct class ids of the labels in ascending order, or `None` without
    /// labels. Per-class values follow this order.
    pub fn classes(&self) -> Option<&[usize]> {
        self.classes.as_deref()
    }

    /// Returns the spread of each class in each snapshot, `n_snapshots x n_classes`: the
    /// mean euclidean distance from the rows of the class to its centroid, on unit-norm
    /// rows with the cosine metric. `None` without labels.
    pub fn spread(&self) -> Option<&Array2<f64>> {
        self.spread.as_ref()
    }

    /// Returns the indices of the `m` rows that moved most in step `step`, as
    /// [`DriftStep::top_movers`] ranks them.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] (`step`) when `step` is not less than the number of
    /// steps, one fewer than the number of snapshots.
    pub fn top_movers(&self, step: usize, m: usize) -> Result<Vec<usize>> {
        match self.steps.get(step) {
            Some(drift_step) => Ok(drift_step.top_movers(m)),
            None => Err(Error::invalid_parameter(
                "step",
                step,
                format!(
                    "must be less than the number of steps ({}), one fewer than the number of \
                     snapshots",
                    self.steps.len()
                ),
            )),
        }
    }
}
