//! The fitted k-means model and the centre lookups it shares with mini-batch k-means.

use std::ops::Range;

use embviz_core::{Float, Matrix, Result, validate};
use ndarray::{Array1, Array2};

use super::centres::{self, Centres};
use super::lloyd;
use super::rows::{Centered, Rows, Wide, reduce_chunks, squared_distance, with_scratch};

/// Fitted centres and the training mean they are stored relative to.
///
/// New rows are shifted by the same mean before the distance blocks, so `predict` on the
/// training rows repeats the training labels.
#[derive(Debug, Clone)]
pub(super) struct Codebook {
    centres: Centres,
    mean: Vec<f64>,
    cluster_centers: Array2<f64>,
}

impl Codebook {
    pub(super) fn new(centres: Centres, mean: Vec<f64>) -> Self {
        let cluster_centers = centres.to_uncentred(&mean);
        Self {
            centres,
            mean,
            cluster_centers,
        }
    }

    pub(super) fn cluster_centers(&self) -> &Array2<f64> {
        &self.cluster_centers
    }

    pub(super) fn n_features(&self) -> usize {
        self.mean.len()
    }

    /// Returns the nearest centre of every row of `x`.
    pub(super) fn predict<F: Float>(&self, x: &impl Matrix<F>) -> Result<Array1<usize>> {
        let x = self.checked_input(x)?;
        let rows = Centered::new(x.view(), &self.mean);
        let mut labels = vec![0; rows.n_rows()];
        lloyd::assign(&rows, &self.centres, &mut labels);
        Ok(Array1::from(labels))
    }

    /// Returns the euclidean distance from every row of `x` to every centre.
    pub(super) fn transform<F: Float>(&self, x: &impl Matrix<F>) -> Result<Array2<f64>> {
        let x = self.checked_input(x)?;
        let rows = Centered::new(x.view(), &self.mean);
        let (n, d) = (rows.n_rows(), rows.n_features());
        let k = self.centres.n_clusters();
        let mut distances = Array2::zeros((n, k));
        let values = distances
            .as_slice_mut()
            .expect("a new array is in standard layout");
        reduce_chunks(
            n,
            Wide { values, width: k },
            &|range: Range<usize>, out: Wide<'_, f64>| {
                with_scratch(|scratch| {
                    let chunk = scratch.chunk(range.len() * d);
                    rows.load(range, chunk);
                    for (row, targets) in chunk.chunks_exact(d).zip(out.values.chunks_exact_mut(k))
                    {
                        for (cluster, target) in targets.iter_mut().enumerate() {
                            *target = squared_distance(row, self.centres.centre(cluster)).sqrt();
                        }
                    }
                })
            },
            &|(), ()| (),
        );
        Ok(distances)
    }

    /// Returns minus the sum of squared distances from every row of `x` to its nearest
    /// centre.
    pub(super) fn score<F: Float>(&self, x: &impl Matrix<F>) -> Result<f64> {
        let x = self.checked_input(x)?;
        let rows = Centered::new(x.view(), &self.mean);
        let mut labels = vec![0; rows.n_rows()];
        lloyd::assign(&rows, &self.centres, &mut labels);
        Ok(-centres::inertia(&rows, &self.centres, &labels))
    }

    fn checked_input<'a, F: Float>(
        &self,
        x: &'a impl Matrix<F>,
    ) -> Result<ndarray::CowArray<'a, F, ndarray::Ix2>> {
        let rows = validate::input_matrix("X", x)?;
        validate::n_columns("X", &rows.view(), self.n_features())?;
        Ok(rows)
    }
}

/// A [`KMeans`](super::KMeans) fitted on training rows: the centres, the training labels
/// and inertia, and the assignment of new rows.
///
/// # Example
///
/// ```
/// use embviz_clustering::{KMeans, KMeansInit};
/// use ndarray::array;
///
/// let x = array![[0.0_f32, 0.0], [0.0, 2.0], [10.0, 0.0], [10.0, 2.0]];
/// let start = array![[1.0, 1.0], [9.0, 1.0]];
/// let kmeans = KMeans::new(2).init(KMeansInit::Given(start)).fit(&x)?;
/// assert_eq!(kmeans.cluster_centers(), &array![[0.0, 1.0], [10.0, 1.0]]);
/// assert_eq!(kmeans.labels().to_vec(), vec![0, 0, 1, 1]);
/// assert_eq!(kmeans.inertia(), 4.0);
///
/// let new_rows = array![[1.0_f32, 1.0], [12.0, 1.0]];
/// assert_eq!(kmeans.predict(&new_rows)?.to_vec(), vec![0, 1]);
/// assert_eq!(kmeans.transform(&new_rows)?[[1, 1]], 2.0);
/// assert_eq!(kmeans.score(&new_rows)?, -5.0);
/// # Ok::<(), embviz_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct FittedKMeans {
    codebook: Codebook,
    labels: Array1<usize>,
    inertia: f64,
    n_iter: usize,
    converged: bool,
    stopped_early: bool,
    seed: u64,
}

impl FittedKMeans {
    pub(super) fn new(
        codebook: Codebook,
        labels: Array1<usize>,
        inertia: f64,
        n_iter: usize,
        converged: bool,
        stopped_early: bool,
        seed: u64,
    ) -> Self {
        Self {
            codebook,
            labels,
            inertia,
            n_iter,
            converged,
            stopped_early,
            seed,
        }
    }

    /// Returns the centres, one row per cluster (`n_clusters x n_features`).
    #[doc(alias = "cluster_centers_")]
    pub fn cluster_centers(&self) -> &Array2<f64> {
        self.codebook.cluster_centers()
    }

    /// Returns the cluster of every training row, the index of its nearest centre.
    #[doc(alias = "labels_")]
    pub fn labels(&self) -> &Array1<usize> {
        &self.labels
    }

    /// Returns the sum of squared euclidean distances from every training row to its
    /// nearest centre.
    #[doc(alias = "inertia_")]
    pub fn inertia(&self) -> f64 {
        self.inertia
    }

    /// Returns the number of steps of the kept run.
    #[doc(alias = "n_iter_")]
    pub fn n_iter(&self) -> usize {
        self.n_iter
    }

    /// Returns whether the kept run converged (no label changed, or the centres moved
    /// less than the tolerance) before `max_iter` steps.
    pub fn converged(&self) -> bool {
        self.converged
    }

    /// Returns whether the observer of [`KMeans::fit_with`](super::KMeans::fit_with)
    /// stopped the fit.
    pub fn stopped_early(&self) -> bool {
        self.stopped_early
    }

    /// Returns the seed the initial centres were drawn with: the one set with
    /// [`KMeans::seed`](super::KMeans::seed), or the one drawn for this fit.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Returns the number of columns of the training rows.
    #[doc(alias = "n_features_in_")]
    pub fn n_features(&self) -> usize {
        self.codebook.n_features()
    }

    /// Returns the index of the nearest centre of every row of `x`. On equal distances
    /// the lowest index wins.
    ///
    /// # Errors
    ///
    /// [`Error::RaggedRows`](embviz_core::Error::RaggedRows),
    /// [`Error::EmptyInput`](embviz_core::Error::EmptyInput) or
    /// [`Error::NonFinite`](embviz_core::Error::NonFinite) for invalid `x`, and
    /// [`Error::ShapeMismatch`](embviz_core::Error::ShapeMismatch) when its column count
    /// differs from the training rows'.
    pub fn predict<F: Float>(&self, x: &impl Matrix<F>) -> Result<Array1<usize>> {
        self.codebook.predict(x)
    }

    /// Returns the euclidean distance from every row of `x` to every centre
    /// (`n_samples x n_clusters`).
    ///
    /// # Errors
    ///
    /// As [`predict`](Self::predict).
    pub fn transform<F: Float>(&self, x: &impl Matrix<F>) -> Result<Array2<f64>> {
        self.codebook.transform(x)
    }

    /// Returns minus the inertia of `x`: the negated sum of squared distances from every
    /// row to its nearest centre, so that higher is better, as scikit-learn's `score`.
    ///
    /// # Errors
    ///
    /// As [`predict`](Self::predict).
    pub fn score<F: Float>(&self, x: &impl Matrix<F>) -> Result<f64> {
        self.codebook.score(x)
    }
}
