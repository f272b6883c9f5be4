//! Quality metrics of embedding maps.
//!
//! - [`trustworthiness`]: how far the neighbours of each point in the map are from being
//!   its neighbours in the input, scikit-learn's `sklearn.manifold.trustworthiness`.
//! - [`roc_auc`] and [`average_precision`]: how well a score vector ranks positives (for
//!   example known outliers) above negatives, scikit-learn's `roc_auc_score` and
//!   `average_precision_score`, ties included.
#![deny(clippy::unwrap_used, clippy::panic)]
#![deny(unsafe_code)]

mod ranking;
mod trustworthiness;

pub use ranking::{average_precision, roc_auc};
pub use trustworthiness::trustworthiness;
