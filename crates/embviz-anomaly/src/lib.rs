//! Outlier detection in embeddings, with scikit-learn's two classic detectors and their
//! conventions.
//!
//! - [`IsolationForest`]: isolates each row by random axis-aligned splits (or random
//!   hyperplanes, the extended variant); rows isolated in few splits are abnormal.
//! - [`LocalOutlierFactor`]: compares the density around each row with the density
//!   around its neighbours.
//!
//! Both follow scikit-learn's signs: `score_samples` is lower for more abnormal rows,
//! `decision_function` is the score minus the fitted `offset` (negative for outliers), and
//! `predict` returns 1 for inliers and -1 for outliers.
#![deny(clippy::unwrap_used, clippy::panic)]
#![deny(unsafe_code)]

mod contamination;
mod iforest;
mod lof;

pub use contamination::Contamination;
pub use embviz_core::{Error, Float, Matrix, Metric, Result};
pub use iforest::{
    FittedIsolationForest, IsolationForest, MaxFeatures, MaxSamples, SplitRule, average_path_length,
};
pub use lof::{FittedLocalOutlierFactor, LocalOutlierFactor};
