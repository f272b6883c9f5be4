//! Cosine similarity of embeddings: full matrices, the most similar rows of each query,
//! and orderings of rows grouped by label.
#![deny(clippy::unwrap_used, clippy::panic)]
#![deny(unsafe_code)]
