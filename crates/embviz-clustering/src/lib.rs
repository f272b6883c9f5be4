//! Clustering of embeddings: k-means and the silhouette score, with scikit-learn's
//! parameters and conventions.
#![deny(clippy::unwrap_used, clippy::panic)]
#![deny(unsafe_code)]

mod kmeans;
mod silhouette;

pub use kmeans::{
    Algorithm, FittedKMeans, FittedMiniBatchKMeans, KMeans, KMeansInit, MiniBatchKMeans, NInit,
};
pub use silhouette::{silhouette_samples, silhouette_score, silhouette_score_sampled};
