//! Isolation Forest: rows that random splits isolate quickly are outliers.
//!
//! The detector is that of Liu, Ting & Zhou (2008), "Isolation Forest", with the
//! parameters, defaults and output signs of scikit-learn's `IsolationForest` (checked
//! against scikit-learn 1.9.1). The extended variant draws oblique hyperplanes as in
//! Hariri, Carrasco Kind & Brunner (2018), "Extended Isolation Forest"; see
//! [`SplitRule::Extended`].
//!
//! The pipeline has one stage per module:
//!
//! - `params`: the settings and `fit`, which validates them and resolves `auto` rules;
//! - `sample`: the rows and features each tree is grown on;
//! - `axis` and `extended`: building one tree and finding the leaf a row reaches;
//! - `model`: the fitted forest, with path lengths, scores, offset and labels.

mod axis;
mod extended;
mod model;
mod params;
mod sample;

pub use model::FittedIsolationForest;
pub use params::{IsolationForest, MaxFeatures, MaxSamples, SplitRule};

/// Euler–Mascheroni constant, the value of numpy's `np.euler_gamma`.
const EULER_GAMMA: f64 = 0.577_215_664_901_532_9;

/// Returns c(n), the average path length of an unsuccessful search in a binary search tree
/// of `n` keys, which normalises Isolation Forest path lengths.
///
/// It is scikit-learn's `_average_path_length`, from Liu, Ting & Zhou (2008):
///
/// ```text
/// c(n) = 0                                     for n <= 1
/// c(n) = 1                                     for n = 2
/// c(n) = 2 (ln(n - 1) + γ) - 2 (n - 1) / n     otherwise, γ = 0.5772156649015329
/// ```
///
/// A leaf that still contains `n` training rows adds c(n) to the depth of a row that reaches
/// it, and the forest divides the mean path length by c(`max_samples`).
///
/// # Example
///
/// ```
/// use embviz_anomaly::average_path_length;
///
/// assert_eq!(average_path_length(1), 0.0);
/// assert_eq!(average_path_length(2), 1.0);
/// assert!((average_path_length(256) - 10.244_770_920_119_917).abs() < 1e-12);
/// ```
pub fn average_path_length(n: usize) -> f64 {
    match n {
        0 | 1 => 0.0,
        2 => 1.0,
        _ => {
            let n = n as f64;
            2.0 * ((n - 1.0).ln() + EULER_GAMMA) - 2.0 * (n - 1.0) / n
        }
    }
}
