//! Dimensionality reduction for embviz: PCA, t-SNE and UMAP, and aligned layouts of
//! snapshot sequences ([`aligned`]).
#![deny(clippy::unwrap_used, clippy::panic)]
#![deny(unsafe_code)]

pub mod aligned;
mod faer_pool;
pub mod pca;
pub mod tsne;
pub mod umap;
