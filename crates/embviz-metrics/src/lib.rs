//! Quality metrics of embedding maps.
//!
//! - [`trustworthiness`]: how far the neighbours of each point in the map are from being
//!   its neighbours in the input, scikit-learn's `sklearn.manifold.trustworthiness`.
#![deny(clippy::unwrap_used, clippy::panic)]
#![deny(unsafe_code)]

mod trustworthiness;

pub use trustworthiness::trustworthiness;
