//! The stages of LOF after the neighbour search: k-distance, local reachability density and
//! the outlier factor, in `f64`.
//!
//! ```text
//! k-distance(b)  = distance from b to its k-th nearest neighbour
//! reach(a, b)    = max(k-distance(b), d(a, b))
//! lrd(a)         = 1 / (mean of reach(a, b) over the k neighbours b of a + 1e-10)
//! LOF(a)         = mean of lrd(b) / lrd(a) over the k neighbours b of a
//! ```
//!
//! Each row is computed on its own, with a sequential sum over its `k` neighbours, so the
//! rayon split changes nothing in the output.

use embviz_core::Float;
use ndarray::{Array1, ArrayView1, ArrayView2, Zip};

/// Added to the mean reachability distance before inverting it, as scikit-learn does, so a
/// row with more than `k` exact duplicates gets a large finite density instead of infinity.
pub(crate) const DENSITY_GUARD: f64 = 1e-10;

/// Returns the k-distance of every row: its distance to the last (farthest) of its
/// neighbours. `distances` is `n x k` with rows sorted in ascending order and `k >= 1`.
pub(crate) fn k_distances<F: Float>(distances: ArrayView2<'_, F>) -> Array1<f64> {
    let k = distances.ncols();
    debug_assert!(k >= 1, "every row has at least one neighbour");
    distances.column(k - 1).mapv(Float::to_f64_exact)
}

/// Returns the local reachability density of each query row from its neighbours among the
/// fitted rows: `distances[[i, j]]` is the distance from query `i` to fitted row
/// `indices[[i, j]]`, whose k-distance is `k_distances[indices[[i, j]]]`.
pub(crate) fn local_reachability_density<F: Float>(
    distances: ArrayView2<'_, F>,
    indices: ArrayView2<'_, usize>,
    k_distances: ArrayView1<'_, f64>,
) -> Array1<f64> {
    let k = distances.ncols() as f64;
    let mut density = Array1::zeros(distances.nrows());
    Zip::from(&mut density)
        .and(distances.rows())
        .and(indices.rows())
        .par_for_each(|density, distances, indices| {
            let reach_sum: f64 = distances
                .iter()
                .zip(indices)
                .map(|(&d, &b)| d.to_f64_exact().max(k_distances[b]))
                .sum();
            *density = 1.0 / (reach_sum / k + DENSITY_GUARD);
        });
    density
}

/// Returns the negative local outlier factor of each query row: minus the mean over its
/// neighbours `b` of `fitted_density[b] / row_density[i]`, so that lower is more abnormal.
pub(crate) fn negative_outlier_factor(
    indices: ArrayView2<'_, usize>,
    row_density: ArrayView1<'_, f64>,
    fitted_density: ArrayView1<'_, f64>,
) -> Array1<f64> {
    let k = indices.ncols() as f64;
    let mut scores = Array1::zeros(indices.nrows());
    Zip::from(&mut scores)
        .and(indices.rows())
        .and(row_density)
        .par_for_each(|score, indices, &density| {
            let ratio_sum: f64 = indices.iter().map(|&b| fitted_density[b] / density).sum();
            *score = -(ratio_sum / k);
        });
    scores
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    /// Four points on a line at 0, 1, 2 and 10, with k = 2.
    ///
    /// Neighbours: 0 -> (1, 2), 1 -> (0, 2), 2 -> (1, 0), 10 -> (2, 1) at distances
    /// (1, 2), (1, 1), (1, 2), (8, 9), so the k-distances are 2, 1, 2 and 9.
    fn line() -> (Array1<f64>, ndarray::Array2<usize>, ndarray::Array2<f64>) {
        let indices = array![[1, 2], [0, 2], [1, 0], [2, 1]];
        let distances = array![[1.0, 2.0], [1.0, 1.0], [1.0, 2.0], [8.0, 9.0]];
        (k_distances(distances.view()), indices, distances)
    }

    #[test]
    fn k_distance_is_last_column() {
        let (k_distances, _, _) = line();
        assert_eq!(k_distances, array![2.0, 1.0, 2.0, 9.0]);
    }

    #[test]
    fn density_follows_definition() {
        let (k_distances, indices, distances) = line();
        let density =
            local_reachability_density(distances.view(), indices.view(), k_distances.view());
        // Row 0: reach to 1 = max(1, 1) = 1, reach to 2 = max(2, 2) = 2, mean 1.5.
        // Row 1: max(2, 1) = 2 and max(2, 1) = 2, mean 2.
        // Row 2: max(1, 1) = 1 and max(2, 2) = 2, mean 1.5.
        // Row 3: max(2, 8) = 8 and max(1, 9) = 9, mean 8.5.
        let expected = [1.5, 2.0, 1.5, 8.5].map(|mean: f64| 1.0 / (mean + DENSITY_GUARD));
        assert_eq!(density.to_vec(), expected.to_vec());
    }

    #[test]
    fn factor_is_mean_density_ratio() {
        let (k_distances, indices, distances) = line();
        let density =
            local_reachability_density(distances.view(), indices.view(), k_distances.view());
        let scores = negative_outlier_factor(indices.view(), density.view(), density.view());
        // With densities 1/1.5, 1/2, 1/1.5 and 1/8.5, row 3 gets
        // -(1/1.5 + 1/2) / 2 * 8.5 = -4.958..., far below the others.
        let expected = [
            -(0.5 + 1.0 / 1.5) / 2.0 * 1.5,
            -(2.0 / 1.5) / 2.0 * 2.0,
            -(0.5 + 1.0 / 1.5) / 2.0 * 1.5,
            -(1.0 / 1.5 + 0.5) / 2.0 * 8.5,
        ];
        for (found, expected) in scores.iter().zip(expected) {
            assert!((found - expected).abs() < 1e-9, "{found} vs {expected}");
        }
    }

    #[test]
    fn duplicates_give_finite_density() {
        // Three identical rows with k = 2: every distance and k-distance is 0.
        let indices = array![[1, 2], [0, 2], [0, 1]];
        let distances = array![[0.0_f32, 0.0], [0.0, 0.0], [0.0, 0.0]];
        let k_distances = k_distances(distances.view());
        let density =
            local_reachability_density(distances.view(), indices.view(), k_distances.view());
        assert_eq!(density.to_vec(), vec![1.0 / DENSITY_GUARD; 3]);
        let scores = negative_outlier_factor(indices.view(), density.view(), density.view());
        assert_eq!(scores.to_vec(), vec![-1.0; 3]);
    }
}
