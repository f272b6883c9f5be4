//! Uniform manifold approximation and projection (UMAP).
//!
//! [`Umap`] stores the parameters and [`FittedUmap`] the map, which can also place new
//! rows. The stages are separate modules: the fuzzy neighbour graph ([`graph`]), the fit
//! of the map similarity curve ([`find_ab_params`]), the spectral or other initial layout,
//! and the stochastic gradient descent layout.
//!
//! References:
//! - L. McInnes, J. Healy, J. Melville (2018), "UMAP: Uniform Manifold Approximation and
//!   Projection for Dimension Reduction", arXiv:1802.03426.
//! - M. Belkin, P. Niyogi (2003), "Laplacian Eigenmaps for Dimensionality Reduction and
//!   Data Representation", Neural Computation 15.

mod curve;
mod eigen;
mod fastmath;
pub mod graph;
mod init;
mod layout;
mod model;
mod params;
mod run;
mod spectral;
mod transform;

pub use curve::find_ab_params;
pub use model::FittedUmap;
pub use params::{Epochs, Init, Umap};
