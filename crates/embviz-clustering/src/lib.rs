//! Clustering of embeddings: k-means and the silhouette score, with scikit-learn's
//! parameters and conventions.
#![deny(clippy::unwrap_used, clippy::panic)]
#![deny(unsafe_code)]
