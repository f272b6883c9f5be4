//! Uniform manifold approximation and projection (UMAP).
