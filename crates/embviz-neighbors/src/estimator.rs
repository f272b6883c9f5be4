//! The scikit-learn-style estimator over the exact search.

use embviz_core::{Error, Float, Matrix, Metric, Result, validate};
use ndarray::Array2;

use crate::{Neighbors, exact_knn, exact_knn_query};

/// Parameters of an exact k-nearest-neighbour search, scikit-learn's `NearestNeighbors`
/// with `algorithm="brute"`.
///
/// [`fit`](Self::fit) stores the data, then
/// [`kneighbors`](FittedNearestNeighbors::kneighbors) lists the nearest other rows of each
/// fitted row and [`kneighbors_of`](FittedNearestNeighbors::kneighbors_of) the nearest
/// fitted rows of new rows. Unlike scikit-learn, equal distances are always ordered by
/// ascending index, and the arrays come back as [`Neighbors`] rather than a
/// `(distances, indices)` tuple.
///
/// # Example
///
/// ```
/// use embviz_core::Metric;
/// use embviz_neighbors::NearestNeighbors;
/// use ndarray::array;
///
/// let x = array![[1.0_f64, 0.0], [2.0, 0.1], [0.0, 3.0], [0.1, 5.0]];
/// let fitted = NearestNeighbors::new(1).metric(Metric::Cosine).fit(&x)?;
/// let neighbors = fitted.kneighbors()?;
/// assert_eq!(neighbors.indices().column(0).to_vec(), vec![1, 0, 3, 2]);
///
/// let new_rows = array![[1.0_f64, 1.0]];
/// let neighbors = fitted.kneighbors_of(&new_rows)?;
/// assert_eq!(neighbors.indices()[[0, 0]], 1);
/// # Ok::<(), embviz_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub struct NearestNeighbors {
    n_neighbors: usize,
    metric: Metric,
}

impl Default for NearestNeighbors {
    /// Five neighbours in the euclidean metric, as scikit-learn's defaults.
    fn default() -> Self {
        Self::new(5)
    }
}

impl NearestNeighbors {
    /// Creates a search for `n_neighbors` neighbours per row in the euclidean metric.
    ///
    /// `n_neighbors` must be at least 1, and less than the number of fitted rows for
    /// [`kneighbors`](FittedNearestNeighbors::kneighbors); it is checked at `fit`.
    pub fn new(n_neighbors: usize) -> Self {
        Self {
            n_neighbors,
            metric: Metric::Euclidean,
        }
    }

    /// Sets the metric: [`Metric::Euclidean`] (the default, as in scikit-learn) or
    /// [`Metric::Cosine`].
    pub fn metric(self, metric: Metric) -> Self {
        Self { metric, ..self }
    }

    /// Validates `x` and the parameters and stores a copy of `x` for later searches.
    ///
    /// # Errors
    ///
    /// - [`Error::InvalidParameter`] when `n_neighbors` is 0.
    /// - [`Error::EmptyInput`], [`Error::NonFinite`] or [`Error::RaggedRows`] for invalid `x`.
    /// - [`Error::ZeroVector`] for a row of zero norm with [`Metric::Cosine`].
    pub fn fit<F: Float>(&self, x: &impl Matrix<F>) -> Result<FittedNearestNeighbors<F>> {
        if self.n_neighbors == 0 {
            return Err(Error::invalid_parameter(
                "n_neighbors",
                self.n_neighbors,
                "must be at least 1",
            ));
        }
        let rows = validate::input_matrix("X", x)?;
        if self.metric == Metric::Cosine {
            validate::no_zero_rows("X", &rows.view())?;
        }
        Ok(FittedNearestNeighbors {
            params: *self,
            data: rows.into_owned(),
        })
    }
}

/// A [`NearestNeighbors`] search fitted on a data matrix, which it owns a copy of.
///
/// # Example
///
/// ```
/// use embviz_neighbors::NearestNeighbors;
/// use ndarray::array;
///
/// let x = array![[0.0_f32], [1.0], [5.0]];
/// let fitted = NearestNeighbors::new(2).fit(&x)?;
/// assert_eq!(fitted.n_samples_fit(), 3);
/// assert_eq!(fitted.kneighbors()?.indices().row(2).to_vec(), vec![1, 0]);
/// # Ok::<(), embviz_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct FittedNearestNeighbors<F> {
    params: NearestNeighbors,
    data: Array2<F>,
}

impl<F: Float> FittedNearestNeighbors<F> {
    /// Finds the `n_neighbors` nearest other rows of every fitted row, leaving each row
    /// out of its own list, as scikit-learn's `kneighbors()` with no argument.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] when `n_neighbors` is not less than the number of fitted
    /// rows.
    pub fn kneighbors(&self) -> Result<Neighbors<F>> {
        exact_knn(
            self.data.view(),
            self.params.n_neighbors,
            self.params.metric,
        )
    }

    /// Finds the `n_neighbors` nearest fitted rows of every row of `x`, excluding nothing.
    ///
    /// # Errors
    ///
    /// - [`Error::EmptyInput`], [`Error::NonFinite`] or [`Error::RaggedRows`] for invalid `x`.
    /// - [`Error::ShapeMismatch`] when `x` has a different column count than the fitted data.
    /// - [`Error::InvalidParameter`] when `n_neighbors` exceeds the number of fitted rows.
    /// - [`Error::ZeroVector`] for a row of zero norm with [`Metric::Cosine`].
    pub fn kneighbors_of(&self, x: &impl Matrix<F>) -> Result<Neighbors<F>> {
        let rows = validate::input_matrix("X", x)?;
        validate::n_columns("X", &rows.view(), self.data.ncols())?;
        if self.params.metric == Metric::Cosine {
            validate::no_zero_rows("X", &rows.view())?;
        }
        exact_knn_query(
            self.data.view(),
            rows.view(),
            self.params.n_neighbors,
            self.params.metric,
        )
    }

    /// Returns the number of neighbours per row.
    pub fn n_neighbors(&self) -> usize {
        self.params.n_neighbors
    }

    /// Returns the metric.
    pub fn metric(&self) -> Metric {
        self.params.metric
    }

    /// Returns the number of fitted rows.
    #[doc(alias = "n_samples_fit_")]
    pub fn n_samples_fit(&self) -> usize {
        self.data.nrows()
    }

    /// Returns the number of columns of the fitted data.
    #[doc(alias = "n_features_in_")]
    pub fn n_features_in(&self) -> usize {
        self.data.ncols()
    }

    /// Returns the fitted data.
    #[doc(alias = "_fit_X")]
    pub fn data(&self) -> &Array2<F> {
        &self.data
    }
}
