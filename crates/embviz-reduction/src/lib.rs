//! Dimensionality reduction for embviz: PCA, t-SNE and UMAP.
#![deny(clippy::unwrap_used, clippy::panic)]
#![deny(unsafe_code)]

mod faer_pool;
pub mod pca;
pub mod tsne;
pub mod umap;
