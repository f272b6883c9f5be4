//! Isolation Forest (placeholder until the detector lands).

/// Isolation Forest settings.
#[derive(Debug, Clone, Default)]
pub struct IsolationForest;
/// A fitted Isolation Forest.
#[derive(Debug, Clone)]
pub struct FittedIsolationForest;
/// Rows drawn for each tree.
#[derive(Debug, Clone, Copy)]
pub enum MaxSamples {
    /// min(256, n).
    Auto,
}
/// Features drawn for each tree.
#[derive(Debug, Clone, Copy)]
pub enum MaxFeatures {
    /// A fraction of the columns.
    Fraction(f64),
}
/// How a node is split.
#[derive(Debug, Clone, Copy)]
pub enum SplitRule {
    /// One feature at a time.
    Axis,
}
