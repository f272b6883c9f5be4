//! Local Outlier Factor (placeholder until the detector lands).

/// Local Outlier Factor settings.
#[derive(Debug, Clone, Default)]
pub struct LocalOutlierFactor;
/// A fitted Local Outlier Factor.
#[derive(Debug, Clone)]
pub struct FittedLocalOutlierFactor;
