//! Initial layouts, scaled as umap-learn scales them before the optimisation.

use embviz_core::{Float, Metric, Result, seed::ChaCha8Rng};
use ndarray::{Array2, ArrayView2};
use rand::RngExt;
use rand_distr::{Distribution, Normal};

use super::graph::FuzzyGraph;
use super::params::Init;
use super::spectral::spectral_layout;

/// Largest absolute coordinate of a spectral or PCA layout after scaling.
const MAX_COORDINATE: f64 = 10.0;

/// Standard deviation of the noise added to spectral and PCA layouts, so that no two rows
/// start at the same place.
const NOISE: f64 = 1e-4;

/// Width of each column after the final rescaling: every start lies in `[0, 10]`.
const BOX: f64 = 10.0;

/// Returns the starting layout, `n x dim`, with each column rescaled to `[0, 10]`, except
/// a given layout when `keep_given_scale` is set.
///
/// `graph` is the fuzzy graph after weak edges are dropped; the spectral layout uses it.
pub(super) fn initial_layout<F: Float>(
    init: &Init,
    keep_given_scale: bool,
    x: ArrayView2<'_, F>,
    graph: &FuzzyGraph,
    metric: Metric,
    dim: usize,
    rng: &mut ChaCha8Rng,
) -> Result<Array2<f64>> {
    let n = x.nrows();
    let mut layout = match init {
        Init::Random => uniform_layout(n, dim, rng),
        Init::Pca => {
            let projected = crate::pca::pca_fit_transform_view(x, dim)?;
            noisy_scale(projected.mapv(|v| v.to_f64_exact()), rng)
        }
        Init::Spectral => {
            let layout = spectral_layout(x, graph, metric, dim, rng)
                .unwrap_or_else(|| uniform_layout(n, dim, rng));
            noisy_scale(layout, rng)
        }
        Init::Given(coordinates) if keep_given_scale => {
            return Ok(separate_duplicates(coordinates.clone(), rng));
        }
        Init::Given(coordinates) => separate_duplicates(coordinates.clone(), rng),
    };
    rescale_columns(&mut layout);
    Ok(layout)
}

/// Independent uniform draws in `[-10, 10]`, umap-learn's random start.
fn uniform_layout(n: usize, dim: usize, rng: &mut ChaCha8Rng) -> Array2<f64> {
    Array2::from_shape_simple_fn((n, dim), || rng.random_range(-10.0..10.0))
}

/// Scales `layout` so that its largest absolute coordinate is 10, then adds normal noise
/// of standard deviation 1e-4 (umap-learn's `noisy_scale_coords`).
fn noisy_scale(mut layout: Array2<f64>, rng: &mut ChaCha8Rng) -> Array2<f64> {
    let largest = layout.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
    if largest > 0.0 {
        let expansion = MAX_COORDINATE / largest;
        layout.mapv_inplace(|v| v * expansion);
    }
    add_noise(&mut layout, NOISE, rng);
    layout
}

fn add_noise(layout: &mut Array2<f64>, std: f64, rng: &mut ChaCha8Rng) {
    let Ok(normal) = Normal::new(0.0, std) else {
        return;
    };
    layout.iter_mut().for_each(|v| *v += normal.sample(rng));
}

/// Adds noise to given coordinates when two rows coincide, as umap-learn does: normal
/// draws with a standard deviation of 1e-3 times the mean distance from each row to its
/// nearest other row.
fn separate_duplicates(mut layout: Array2<f64>, rng: &mut ChaCha8Rng) -> Array2<f64> {
    let mut rows: Vec<Vec<f64>> = layout.outer_iter().map(|r| r.to_vec()).collect();
    rows.sort_by(|a, b| {
        a.iter()
            .zip(b)
            .map(|(x, y)| x.total_cmp(y))
            .find(|o| o.is_ne())
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    if !rows.windows(2).any(|pair| pair[0] == pair[1]) {
        return layout;
    }
    let nearest = match embviz_neighbors::exact_knn(layout.view(), 1, Metric::Euclidean) {
        Ok(neighbors) => neighbors.distances().column(0).to_owned(),
        Err(error) => {
            log::debug!("no duplicate separation for the given start: {error}");
            return layout;
        }
    };
    let mean = nearest.sum() / nearest.len() as f64;
    log::info!(
        "the given UMAP start has duplicate rows; adding noise of standard deviation {:.3e}",
        1e-3 * mean
    );
    if mean > 0.0 {
        add_noise(&mut layout, 1e-3 * mean, rng);
    }
    layout
}

/// Rescales each column linearly to `[0, 10]`. A constant column becomes 5.
fn rescale_columns(layout: &mut Array2<f64>) {
    for mut column in layout.columns_mut() {
        let min = column.iter().copied().fold(f64::INFINITY, f64::min);
        let max = column.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let range = max - min;
        if range > 0.0 && range.is_finite() {
            column.mapv_inplace(|v| BOX * (v - min) / range);
        } else {
            column.fill(BOX / 2.0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn columns_span_zero_to_ten() {
        let mut layout = array![[1.0, -3.0], [2.0, 5.0], [4.0, 1.0]];
        rescale_columns(&mut layout);
        assert_eq!(layout, array![[0.0, 0.0], [10.0 / 3.0, 10.0], [10.0, 5.0]]);
    }

    #[test]
    fn duplicates_are_separated() {
        let mut rng = embviz_core::seed::rng(0);
        let given = array![[0.0, 0.0], [0.0, 0.0], [3.0, 4.0]];
        let separated = separate_duplicates(given.clone(), &mut rng);
        assert_ne!(separated.row(0), separated.row(1));
        // The mean nearest distance is (0 + 0 + 5) / 3, so the noise is tiny.
        assert!((&separated - &given).iter().all(|d| d.abs() < 0.02));
        let distinct = array![[0.0, 0.0], [1.0, 0.0]];
        assert_eq!(separate_duplicates(distinct.clone(), &mut rng), distinct);
    }
}
