use embviz_core::{Error, Result};
use ndarray::Array2;

/// The k nearest neighbours of each query row: their row indices and distances.
///
/// Row `i` of [`indices`](Self::indices) lists the neighbours of query `i` in ascending
/// order of distance, and equal distances in ascending order of index, so the lists are
/// reproducible. Row `i` of [`distances`](Self::distances) contains the matching distances.
/// scikit-learn's `kneighbors` returns the same two arrays in the opposite order
/// (`distances, indices`) and breaks ties differently.
///
/// # Example
///
/// ```
/// use embviz_core::Metric;
/// use embviz_neighbors::exact_knn;
/// use ndarray::array;
///
/// let x = array![[0.0_f64], [1.0], [3.0], [7.0]];
/// let neighbors = exact_knn(x.view(), 2, Metric::Euclidean)?;
/// assert_eq!(neighbors.k(), 2);
/// assert_eq!(neighbors.indices().row(2).to_vec(), vec![1, 0]);
/// assert_eq!(neighbors.distances().row(2).to_vec(), vec![2.0, 3.0]);
/// # Ok::<(), embviz_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Neighbors<F> {
    indices: Array2<usize>,
    distances: Array2<F>,
}

impl<F> Neighbors<F> {
    /// Wraps neighbour lists computed elsewhere, for example by an approximate search.
    ///
    /// The rows should already be sorted as described on the type. This is not checked.
    ///
    /// # Errors
    ///
    /// [`Error::ShapeMismatch`] when `indices` and `distances` differ in shape.
    pub fn from_parts(indices: Array2<usize>, distances: Array2<F>) -> Result<Self> {
        if indices.dim() != distances.dim() {
            return Err(Error::ShapeMismatch {
                what: "distances",
                expected: format!("the shape of indices, {:?}", indices.dim()),
                found: format!("{:?}", distances.dim()),
            });
        }
        Ok(Self { indices, distances })
    }

    /// Returns the neighbour row indices, one row per query (`n_queries x k`).
    pub fn indices(&self) -> &Array2<usize> {
        &self.indices
    }

    /// Returns the neighbour distances, one row per query (`n_queries x k`), ascending.
    pub fn distances(&self) -> &Array2<F> {
        &self.distances
    }

    /// Splits into `(indices, distances)` without copying.
    pub fn into_parts(self) -> (Array2<usize>, Array2<F>) {
        (self.indices, self.distances)
    }

    /// Returns the number of neighbours per query.
    pub fn k(&self) -> usize {
        self.indices.ncols()
    }

    /// Returns the number of query rows.
    pub fn n_queries(&self) -> usize {
        self.indices.nrows()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn from_parts_checks_shapes() {
        let indices = array![[1_usize, 2], [0, 2]];
        let distances = array![[0.5_f32], [0.25]];
        match Neighbors::from_parts(indices.clone(), distances) {
            Err(Error::ShapeMismatch {
                what,
                expected,
                found,
            }) => {
                assert_eq!(what, "distances");
                assert_eq!(expected, "the shape of indices, (2, 2)");
                assert_eq!(found, "(2, 1)");
            }
            other => panic!("expected ShapeMismatch, got {other:?}"),
        }

        let distances = array![[0.5_f32, 1.0], [0.25, 2.0]];
        let neighbors = Neighbors::from_parts(indices.clone(), distances.clone())
            .expect("equal shapes are valid");
        assert_eq!(neighbors.k(), 2);
        assert_eq!(neighbors.n_queries(), 2);
        assert_eq!(neighbors.into_parts(), (indices, distances));
    }
}
