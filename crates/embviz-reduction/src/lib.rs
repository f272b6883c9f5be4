//! Dimensionality reduction for embviz: PCA and t-SNE.
#![deny(clippy::unwrap_used, clippy::panic)]
#![deny(unsafe_code)]

pub mod pca;
pub mod tsne;
