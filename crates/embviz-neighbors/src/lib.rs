//! Exact and approximate k-nearest-neighbour search.
//!
//! - [`exact_knn`]: the `k` nearest other rows of every row of a matrix, as scikit-learn's
//!   `NearestNeighbors(n_neighbors=k).fit(x).kneighbors()`.
//! - [`exact_knn_screened`]: the same neighbours as [`exact_knn`], about twice as fast on
//!   wide data, with candidates screened in `f32` and ranked in `f64`.
//! - [`exact_knn_query`]: the `k` nearest data rows of every query row.
//! - [`NearestNeighbors`]: the same searches behind a `fit` / `kneighbors` estimator.
//! - [`NnDescent`]: approximate neighbours of every row by NN-descent started from
//!   random-projection trees, as pynndescent computes them, for data too large to compare
//!   every pair.
//! - [`knn_auto`]: the screened exact search up to [`EXACT_THRESHOLD`] rows and NN-descent
//!   above.
//!
//! Both metrics of [`Metric`] are supported. The exact search takes euclidean distances
//! from `|a|^2 + |b|^2 - 2 a.b`, with the dot products taken as blocked `f64` matrix
//! products in parallel, and cosine distances from the same kernel on rows scaled to unit
//! norm. NN-descent sums `(a_i - b_i)^2` in `f64` for each pair it compares. Results are
//! [`Neighbors`]: indices and distances sorted by distance, with equal distances in
//! ascending index order, identical for any number of threads.
#![deny(clippy::unwrap_used, clippy::panic)]
#![deny(unsafe_code)]

mod estimator;
mod exact;
mod kernel;
mod neighbors;
mod nndescent;
mod screened;
mod top_k;

pub use embviz_core::Metric;
pub use estimator::{FittedNearestNeighbors, NearestNeighbors};
pub use exact::{exact_knn, exact_knn_query};
pub use neighbors::Neighbors;
pub use nndescent::{EXACT_THRESHOLD, NnDescent, knn_auto};
pub use screened::exact_knn_screened;
