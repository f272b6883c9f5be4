//! Local Outlier Factor.
//!
//! [`LocalOutlierFactor`] contains the parameters and [`FittedLocalOutlierFactor`] the
//! fitted model. `knn` finds the exact nearest neighbours of the training rows, and
//! `density` turns them into k-distances, local reachability densities and factors.
//!
//! Reference: M. M. Breunig, H.-P. Kriegel, R. T. Ng & J. Sander (2000), "LOF: Identifying
//! Density-Based Local Outliers", Proceedings of ACM SIGMOD 2000, pp. 93-104.

mod density;
mod model;
mod params;

pub use model::FittedLocalOutlierFactor;
pub use params::LocalOutlierFactor;
