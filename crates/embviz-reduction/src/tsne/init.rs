//! Initial maps.

use embviz_core::{Float, Result, seed};
use ndarray::{Array2, ArrayView2};
use rand_distr::{Distribution, StandardNormal};

use super::params::Init;

/// Standard deviation of the initial map, scikit-learn's and openTSNE's 1e-4: small enough
/// that the early iterations act on the affinities alone.
const INITIAL_STD: f64 = 1e-4;

/// Returns the starting map of `n_components` columns for the rows of `x`.
pub(super) fn initial_map<F: Float>(
    init: &Init,
    x: ArrayView2<'_, F>,
    n_components: usize,
    seed: u64,
) -> Result<Array2<f64>> {
    match init {
        Init::Given(coordinates) => Ok(coordinates.clone()),
        Init::Random => Ok(random_map(x.nrows(), n_components, seed)),
        Init::Pca => {
            let projected = crate::pca::pca_fit_transform_view(x, n_components)?;
            let mut map = projected.mapv(|v| v.to_f64_exact());
            let first = map.column(0);
            let mean = first.sum() / first.len() as f64;
            let std = (first.mapv(|v| (v - mean) * (v - mean)).sum() / first.len() as f64).sqrt();
            if std == 0.0 || !std.is_finite() {
                log::warn!(
                    "the first principal component of X is constant, so t-SNE starts from a \
                     random map instead of PCA"
                );
                return Ok(random_map(x.nrows(), n_components, seed));
            }
            // scikit-learn divides every column by the first column's standard deviation
            // (ddof 0), which keeps the PCA aspect ratio.
            map.mapv_inplace(|v| v / std * INITIAL_STD);
            Ok(map)
        }
    }
}

fn random_map(n_samples: usize, n_components: usize, seed: u64) -> Array2<f64> {
    let mut rng = seed::rng(seed);
    Array2::from_shape_simple_fn((n_samples, n_components), || {
        let draw: f64 = StandardNormal.sample(&mut rng);
        INITIAL_STD * draw
    })
}
