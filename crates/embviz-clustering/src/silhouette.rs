//! Silhouette coefficients of a clustering, as defined by P. J. Rousseeuw (1987),
//! "Silhouettes: a graphical aid to the interpretation and validation of cluster analysis",
//! Journal of Computational and Applied Mathematics 20, 53-65.
//!
//! Distances are computed in blocks: a task takes `ROW_BLOCK` rows, multiplies them with
//! `COLUMN_BLOCK` rows at a time in `f64`, and adds each distance to its row's sum for
//! the other row's cluster. Memory is one sum per row and cluster of a task plus the block
//! buffers, never the `n x n` distance matrix. Every row's sums run over the other rows in
//! index order inside one task, so the result does not depend on the number of threads.

use std::time::Instant;

use embviz_core::{Error, Float, Matrix, Metric, Result, seed, validate};
use ndarray::linalg::general_mat_mul;
use ndarray::{Array1, Array2, ArrayView2, ArrayViewMut2, CowArray, Ix2, s};
use rayon::prelude::*;

/// Rows per parallel task. A constant, so the split of the work never depends on the
/// thread count.
const ROW_BLOCK: usize = 128;

/// Rows multiplied with a task's rows at a time. With 4096 columns the buffer is 8 MB.
const COLUMN_BLOCK: usize = 256;

/// Computes the silhouette coefficient of every row of `x` under the clustering `labels`,
/// as scikit-learn's `sklearn.metrics.silhouette_samples(X, labels, metric=...)`.
///
/// For row `i` in cluster `C`:
///
/// ```text
/// a(i) = mean distance from i to the other rows of C
/// b(i) = min over clusters D != C of the mean distance from i to the rows of D
/// s(i) = (b(i) - a(i)) / max(a(i), b(i))
/// ```
///
/// `s(i)` lies in `[-1, 1]`: near 1 when `i` sits well inside its cluster, negative when
/// another cluster is closer on average. A row alone in its cluster gets 0, and so does a
/// row with `a(i) = b(i) = 0`, as in scikit-learn.
///
/// Labels are arbitrary ids: only which rows share a label matters. Distances are
/// euclidean or cosine (`1 - cos`), computed in `f64` whatever `F` is. Euclidean distances
/// come from `|a|^2 + |b|^2 - 2 a.b` on column-centred rows, as scikit-learn computes them
/// from products. Time is `O(n^2 d)` and memory beyond the input is `O(n k)` for `k`
/// clusters, never the `n x n` matrix. The result is the same for any number of threads.
///
/// Unlike scikit-learn, which counts a zero row as at distance 1 from every row under the
/// cosine metric, a zero row is an error here.
///
/// # Errors
///
/// - [`Error::EmptyInput`], [`Error::NonFinite`] or [`Error::RaggedRows`] for bad input.
/// - [`Error::ShapeMismatch`] when `labels` does not have one entry per row of `x`.
/// - [`Error::InvalidParameter`] (`labels`) when the number of distinct labels is not
///   between 2 and `n_samples - 1`, where the silhouette is undefined.
/// - [`Error::ZeroVector`] for a row of zero norm with [`Metric::Cosine`].
/// - [`Error::InvalidParameter`] (`metric`) for a metric other than euclidean and cosine.
///
/// # Example
///
/// ```
/// use embviz_clustering::silhouette_samples;
/// use embviz_core::Metric;
/// use ndarray::array;
///
/// // Two tight pairs far apart on a line, and a point alone in a third cluster.
/// let x = array![[0.0_f64], [1.0], [10.0], [11.0], [30.0]];
/// let s = silhouette_samples(&x, &[4, 4, 7, 7, 9], Metric::Euclidean)?;
/// // Row 0: a = 1 (to row 1), b = 10.5 (to rows 2 and 3).
/// assert!((s[0] - 9.5 / 10.5).abs() < 1e-12);
/// assert_eq!(s[4], 0.0);
/// # Ok::<(), embviz_core::Error>(())
/// ```
pub fn silhouette_samples<F: Float>(
    x: &impl Matrix<F>,
    labels: &[usize],
    metric: Metric,
) -> Result<Array1<f64>> {
    all_samples(x, labels, metric).map(Array1::from)
}

/// Computes the mean silhouette coefficient over all rows of `x`, as scikit-learn's
/// `sklearn.metrics.silhouette_score(X, labels, metric=...)`.
///
/// This is the mean of [`silhouette_samples`]: 1 for dense, well separated clusters, near 0
/// for overlapping ones and negative when rows sit in the wrong cluster. See
/// [`silhouette_samples`] for the definition, the cost and the differences from
/// scikit-learn, and [`silhouette_score_sampled`] for large inputs.
///
/// # Errors
///
/// The errors of [`silhouette_samples`].
///
/// # Example
///
/// ```
/// use embviz_clustering::silhouette_score;
/// use embviz_core::Metric;
/// use ndarray::array;
///
/// let x = array![[0.0_f32, 0.0], [0.0, 1.0], [8.0, 8.0], [8.0, 9.0]];
/// let score = silhouette_score(&x, &[0, 0, 1, 1], Metric::Euclidean)?;
/// assert!(score > 0.85 && score < 1.0);
/// # Ok::<(), embviz_core::Error>(())
/// ```
pub fn silhouette_score<F: Float>(
    x: &impl Matrix<F>,
    labels: &[usize],
    metric: Metric,
) -> Result<f64> {
    let samples = all_samples(x, labels, metric)?;
    Ok(mean(&samples))
}

/// Computes the mean silhouette coefficient over a random subset of `sample_size` rows of
/// `x`, as scikit-learn's `silhouette_score(X, labels, sample_size=..., random_state=seed)`.
///
/// The subset is drawn without replacement by the generator [`seed::rng`]`(seed)`, and the
/// silhouette is then computed on the subset alone, so its `a` and `b` are means over
/// sampled rows only. Time is `O(m^2 d)` for `m = sample_size`. A `sample_size` above the
/// number of rows is lowered to it with a warning, as scikit-learn takes all rows then,
/// and the result equals [`silhouette_score`]. The same seed always picks the same rows,
/// but not the rows scikit-learn picks for the same `random_state`, since the generators
/// differ.
///
/// # Errors
///
/// - The errors of [`silhouette_samples`], where the label count is checked on the subset:
///   it must contain between 2 and `sample_size - 1` distinct labels.
/// - [`Error::InvalidParameter`] (`sample_size`) when `sample_size` is 0.
///
/// # Example
///
/// ```
/// use embviz_clustering::{silhouette_score, silhouette_score_sampled};
/// use embviz_core::Metric;
/// use ndarray::Array2;
///
/// // Two clusters of 100 rows each: a line at height 0 and one at height 50.
/// let x = Array2::from_shape_fn((200, 2), |(i, j)| if j == 0 { (i % 100) as f64 } else { 50.0 * (i / 100) as f64 });
/// let labels: Vec<usize> = (0..200).map(|i| i / 100).collect();
/// let full = silhouette_score(&x, &labels, Metric::Euclidean)?;
/// let sampled = silhouette_score_sampled(&x, &labels, Metric::Euclidean, 60, 7)?;
/// assert!((sampled - full).abs() < 0.1);
/// # Ok::<(), embviz_core::Error>(())
/// ```
#[doc(alias = "random_state")]
pub fn silhouette_score_sampled<F: Float>(
    x: &impl Matrix<F>,
    labels: &[usize],
    metric: Metric,
    sample_size: usize,
    seed: u64,
) -> Result<f64> {
    let (x, kind) = checked_input(x, labels, metric)?;
    let n_samples = x.nrows();
    if sample_size == 0 {
        return Err(Error::invalid_parameter(
            "sample_size",
            sample_size,
            format!("must be between 1 and n_samples ({n_samples})"),
        ));
    }
    let size = if sample_size > n_samples {
        log::warn!(
            "silhouette sample_size {sample_size} is above n_samples {n_samples}, so all \
             {n_samples} rows are used"
        );
        n_samples
    } else {
        sample_size
    };

    let mut rows = rand::seq::index::sample(&mut seed::rng(seed), n_samples, size).into_vec();
    // Visiting the sampled rows in index order makes the sums independent of draw order.
    rows.sort_unstable();
    let sample_labels: Vec<usize> = rows.iter().map(|&row| labels[row]).collect();
    let samples = samples_of_rows(x.view(), &rows, &sample_labels, kind, "sample_size")?;
    Ok(mean(&samples))
}

/// The metrics the silhouette supports, resolved once at the entry point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Euclidean,
    Cosine,
}

fn all_samples<F: Float>(x: &impl Matrix<F>, labels: &[usize], metric: Metric) -> Result<Vec<f64>> {
    let (x, kind) = checked_input(x, labels, metric)?;
    let rows: Vec<usize> = (0..x.nrows()).collect();
    samples_of_rows(x.view(), &rows, labels, kind, "n_samples")
}

/// Validates `x`, `labels` and `metric` together and returns `x` with contiguous rows.
fn checked_input<'a, F: Float>(
    x: &'a impl Matrix<F>,
    labels: &[usize],
    metric: Metric,
) -> Result<(CowArray<'a, F, Ix2>, Kind)> {
    let kind = match metric {
        Metric::Euclidean => Kind::Euclidean,
        Metric::Cosine => Kind::Cosine,
        other => {
            return Err(Error::invalid_parameter(
                "metric",
                other,
                "the silhouette supports \"euclidean\" and \"cosine\"",
            ));
        }
    };
    let x = validate::input_matrix("X", x)?;
    if labels.len() != x.nrows() {
        return Err(Error::ShapeMismatch {
            what: "labels",
            expected: format!("{} labels, one per row of X", x.nrows()),
            found: format!("{} labels", labels.len()),
        });
    }
    if kind == Kind::Cosine {
        validate::no_zero_rows("X", &x.view())?;
    }
    Ok((x, kind))
}

/// Clusters as dense ids `0..k`, numbered in ascending label order.
struct Clusters {
    /// Cluster id of each row.
    of_row: Vec<usize>,
    /// Number of rows in each cluster.
    sizes: Vec<usize>,
}

impl Clusters {
    fn encode(labels: &[usize]) -> Self {
        let mut distinct = labels.to_vec();
        distinct.sort_unstable();
        distinct.dedup();
        let mut sizes = vec![0; distinct.len()];
        let of_row = labels
            .iter()
            .map(|label| {
                let id = distinct
                    .binary_search(label)
                    .expect("every label is in the sorted list of distinct labels");
                sizes[id] += 1;
                id
            })
            .collect();
        Self { of_row, sizes }
    }
}

/// Returns the silhouette of each of `rows` of `x` among `rows` alone, where `labels[p]` is
/// the label of `rows[p]`. `size_name` names the row count in the label-count error.
fn samples_of_rows<F: Float>(
    x: ArrayView2<'_, F>,
    rows: &[usize],
    labels: &[usize],
    kind: Kind,
    size_name: &str,
) -> Result<Vec<f64>> {
    let clusters = Clusters::encode(labels);
    let (n_rows, n_clusters) = (rows.len(), clusters.sizes.len());
    if n_clusters < 2 || n_clusters >= n_rows {
        return Err(Error::invalid_parameter(
            "labels",
            format!("{n_clusters} distinct values"),
            format!(
                "must have between 2 and {size_name} - 1 ({}) distinct values, because each \
                 row's cluster is compared with its nearest other cluster",
                n_rows.saturating_sub(1)
            ),
        ));
    }

    let started = Instant::now();
    log::info!(
        "silhouette of {n_rows} rows x {} columns in {n_clusters} clusters ({kind:?})",
        x.ncols()
    );
    let points = Points::new(x, rows, kind);
    let n_blocks = n_rows.div_ceil(ROW_BLOCK);
    let blocks: Vec<Vec<f64>> = (0..n_blocks)
        .into_par_iter()
        .map(|block| {
            let start = block * ROW_BLOCK;
            let end = (start + ROW_BLOCK).min(n_rows);
            let sums = points.cluster_sums(start, end, &clusters.of_row, n_clusters);
            sums.chunks_exact(n_clusters)
                .zip(&clusters.of_row[start..end])
                .map(|(row_sums, &own)| coefficient(row_sums, own, &clusters.sizes))
                .collect()
        })
        .collect();
    log::info!(
        "silhouette of {n_rows} rows done in {:.3} s",
        started.elapsed().as_secs_f64()
    );
    Ok(blocks.concat())
}

/// Returns `(b - a) / max(a, b)` from one row's distance sums per cluster, or 0 for a row
/// alone in its cluster or with `max(a, b) = 0`, where scikit-learn's 0 / 0 gives 0 too.
fn coefficient(sums: &[f64], own: usize, sizes: &[usize]) -> f64 {
    if sizes[own] <= 1 {
        return 0.0;
    }
    let a = sums[own] / (sizes[own] - 1) as f64;
    let b = sums
        .iter()
        .zip(sizes)
        .enumerate()
        .filter(|&(cluster, _)| cluster != own)
        .map(|(_, (&sum, &size))| sum / size as f64)
        .fold(f64::INFINITY, f64::min);
    let scale = a.max(b);
    if scale == 0.0 { 0.0 } else { (b - a) / scale }
}

fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

/// The rows a silhouette runs on, with what the distance products need.
struct Points<'a, F> {
    x: ArrayView2<'a, F>,
    rows: &'a [usize],
    kind: Kind,
    /// Column means, subtracted from every euclidean row so that `|a|^2 + |b|^2 - 2 a.b`
    /// loses less to cancellation. Zeros for cosine, whose rows are scaled instead.
    center: Vec<f64>,
    /// Factor applied to each row: 1 for euclidean, `1 / |row|` for cosine.
    scale: Vec<f64>,
    /// Squared norm of each row after centring and scaling.
    squared_norms: Vec<f64>,
}

impl<'a, F: Float> Points<'a, F> {
    fn new(x: ArrayView2<'a, F>, rows: &'a [usize], kind: Kind) -> Self {
        let n_columns = x.ncols();
        let mut center = vec![0.0; n_columns];
        if kind == Kind::Euclidean {
            for &row in rows {
                for (c, &v) in center.iter_mut().zip(x.row(row)) {
                    *c += v.to_f64_exact();
                }
            }
            for c in &mut center {
                *c /= rows.len() as f64;
            }
        }
        let mut points = Self {
            x,
            rows,
            kind,
            center,
            scale: vec![1.0; rows.len()],
            squared_norms: vec![0.0; rows.len()],
        };
        let mut buffer = Array2::zeros((1, n_columns));
        for p in 0..rows.len() {
            points.fill(p, buffer.view_mut());
            let squared_norm: f64 = buffer.iter().map(|v| v * v).sum();
            if kind == Kind::Cosine {
                // Non-zero rows were checked at the entry point.
                points.scale[p] = 1.0 / squared_norm.sqrt();
                points.squared_norms[p] = 1.0;
            } else {
                points.squared_norms[p] = squared_norm;
            }
        }
        points
    }

    /// Writes points `start..start + out.nrows()`, centred and scaled, into `out`.
    fn fill(&self, start: usize, mut out: ArrayViewMut2<'_, f64>) {
        for (p, mut target) in (start..).zip(out.outer_iter_mut()) {
            let source = self.x.row(self.rows[p]);
            let scale = self.scale[p];
            for ((t, &v), c) in target.iter_mut().zip(source).zip(&self.center) {
                *t = (v.to_f64_exact() - c) * scale;
            }
        }
    }

    /// Returns, for points `start..end`, the sum of distances to the other points of each
    /// cluster, as `(end - start) x n_clusters` values in row order.
    fn cluster_sums(
        &self,
        start: usize,
        end: usize,
        cluster_of: &[usize],
        n_clusters: usize,
    ) -> Vec<f64> {
        let n_points = self.rows.len();
        let n_columns = self.x.ncols();
        let mut left = Array2::zeros((end - start, n_columns));
        self.fill(start, left.view_mut());
        let mut right = Array2::zeros((COLUMN_BLOCK.min(n_points), n_columns));
        let mut products = Array2::zeros((end - start, right.nrows()));
        let mut sums = vec![0.0; (end - start) * n_clusters];

        for right_start in (0..n_points).step_by(COLUMN_BLOCK) {
            let width = COLUMN_BLOCK.min(n_points - right_start);
            let mut right = right.slice_mut(s![..width, ..]);
            self.fill(right_start, right.view_mut());
            let mut products = products.slice_mut(s![.., ..width]);
            general_mat_mul(1.0, &left, &right.t(), 0.0, &mut products);

            for ((i, row_products), row_sums) in (start..)
                .zip(products.outer_iter())
                .zip(sums.chunks_exact_mut(n_clusters))
            {
                for (j, &product) in (right_start..).zip(row_products) {
                    if j != i {
                        row_sums[cluster_of[j]] += self.distance(i, j, product);
                    }
                }
            }
        }
        sums
    }

    /// Returns the distance between points `i` and `j` from their dot product.
    #[inline]
    fn distance(&self, i: usize, j: usize, product: f64) -> f64 {
        match self.kind {
            Kind::Cosine => (1.0 - product).clamp(0.0, 2.0),
            Kind::Euclidean => (self.squared_norms[i] + self.squared_norms[j] - 2.0 * product)
                .max(0.0)
                .sqrt(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_encoded_in_ascending_order() {
        let clusters = Clusters::encode(&[40, 7, 40, 9, 7, 40]);
        assert_eq!(clusters.of_row, vec![2, 0, 2, 1, 0, 2]);
        assert_eq!(clusters.sizes, vec![2, 1, 3]);
    }

    #[test]
    fn coefficient_cases() {
        // a = 2 / 1, b = min(9 / 3, 20 / 2) = 3.
        assert_eq!(coefficient(&[2.0, 9.0, 20.0], 0, &[2, 3, 2]), 1.0 / 3.0);
        // A singleton cluster and a zero scale both give 0.
        assert_eq!(coefficient(&[0.0, 9.0], 0, &[1, 3]), 0.0);
        assert_eq!(coefficient(&[0.0, 0.0], 0, &[2, 3]), 0.0);
        // a above b gives a negative value.
        assert_eq!(coefficient(&[8.0, 3.0], 0, &[2, 1]), (3.0 - 8.0) / 8.0);
    }
}
