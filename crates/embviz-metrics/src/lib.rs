//! Quality metrics of embedding maps.
//!
//! - [`trustworthiness`]: how far the neighbours of each point in the map are from being
//!   its neighbours in the input, scikit-learn's `sklearn.manifold.trustworthiness`.
//! - [`roc_auc`] and [`average_precision`]: how well a score vector ranks positives (for
//!   example known outliers) above negatives, scikit-learn's `roc_auc_score` and
//!   `average_precision_score`, ties included.
//! - [`knn_preservation`] and [`knn_preservation_samples`]: the fraction of each point's
//!   k nearest neighbours in the input that stay among its k nearest neighbours in the map.
//! - [`knn_accuracy`]: leave-one-out k-nearest-neighbour classification accuracy in the
//!   map, as scikit-learn's `KNeighborsClassifier(n_neighbors=k)` with uniform weights.
//! - [`adjusted_rand_index`]: agreement between two clusterings, corrected for chance,
//!   scikit-learn's `adjusted_rand_score`.
//! - [`Drift`]: how far each row and each class moves between consecutive snapshots of the
//!   same rows, such as the embeddings saved at each fine-tuning checkpoint, as a
//!   [`DriftReport`].
#![deny(clippy::unwrap_used, clippy::panic)]
#![deny(unsafe_code)]

mod clustering_agreement;
mod drift;
mod neighborhood;
mod ranking;
mod trustworthiness;

pub use clustering_agreement::adjusted_rand_index;
pub use drift::{Drift, DriftMeasure, DriftReport, DriftStep};
pub use neighborhood::{knn_accuracy, knn_preservation, knn_preservation_samples};
pub use ranking::{average_precision, roc_auc};
pub use trustworthiness::trustworthiness;
