//! Aligned 2-D layouts of a sequence of embedding snapshots, and Procrustes analysis.
//!
//! A snapshot sequence embeds the same rows, in the same order, at successive steps such as
//! the checkpoints of a fine-tuning run. [`AlignedLayouts`] maps each snapshot with t-SNE or
//! UMAP and ties the maps together, so that a row that moves between frames moved in the
//! embeddings. [`procrustes`] fits the similarity transform between two point sets with the
//! semantics of `scipy.spatial.procrustes`, and carries one set onto the other.
//!
//! References:
//! - P. H. Schönemann (1966), "A generalized solution of the orthogonal Procrustes
//!   problem", Psychometrika 31.
//! - W. Kabsch (1976), "A solution for the best rotation to relate two sets of vectors",
//!   Acta Crystallographica A32.
//! - openTSNE, `openTSNE/initialization.py` (`rescale`) and `openTSNE/tsne.py` (`TSNE.fit`,
//!   `TSNEEmbedding.transform`): how a t-SNE start taken from an existing map is rescaled,
//!   and the early exaggeration used when adding points to a map.

mod model;
mod params;
mod procrustes;
mod run;

pub use model::FittedAlignedLayouts;
pub use params::{AlignedLayouts, Alignment, Reducer};
pub use procrustes::{Procrustes, Reflection, procrustes};
