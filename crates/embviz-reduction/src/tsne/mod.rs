//! t-distributed stochastic neighbour embedding (t-SNE).
//!
//! [`Tsne`] stores the parameters and [`FittedTsne`] the map. The stages are separate
//! modules: input affinities ([`affinity`]), the initial map, the gradient (exact or
//! Barnes-Hut) and the two-phase gradient descent.
//!
//! References:
//! - L. van der Maaten, G. Hinton (2008), "Visualizing Data using t-SNE", JMLR 9.
//! - L. van der Maaten (2014), "Accelerating t-SNE using Tree-Based Algorithms", JMLR 15.
//! - A. C. Belkina et al. (2019), "Automated optimized parameters for t-distributed
//!   stochastic neighbor embedding improve visualization and analysis of large datasets",
//!   Nature Communications 10.

pub mod affinity;
mod gradient;
mod init;
mod model;
mod optimize;
mod params;
mod run;

pub use model::FittedTsne;
pub use params::{Init, LearningRate, Method, Tsne};
