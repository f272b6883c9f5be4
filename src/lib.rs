//! embviz: look inside embeddings.
//!
//! This facade re-exports the embviz crates under one name, so that an application can
//! depend on `embviz` alone:
//!
//! | module | crate | contents |
//! | --- | --- | --- |
//! | [`anomaly`] | `embviz-anomaly` | Isolation Forest and Local Outlier Factor |
//! | [`clustering`] | `embviz-clustering` | k-means and the silhouette score |
//! | [`core`] | `embviz-core` | the [`Matrix`] input trait, [`Metric`], [`Error`], seeding |
//! | [`neighbors`] | `embviz-neighbors` | exact and approximate k-nearest neighbours |
//! | [`reduction`] | `embviz-reduction` | [`Pca`], [`Tsne`] and UMAP |
//! | [`similarity`] | `embviz-similarity` | cosine similarity, top-k and grouped ordering |
//! | [`io`] | `embviz-io` | `.npy` files, labels and dataset folders |
//! | [`metrics`] | `embviz-metrics` | trustworthiness, k-NN preservation and accuracy, adjusted Rand index, ROC AUC, average precision |
//! | [`plot`] | `embviz-plot` | PNG and SVG figures and interactive HTML (feature `plot`, on by default) |
//!
//! A library that needs only one algorithm can depend on its crate alone, for example
//! `embviz-reduction`, without the plotting dependencies.
//!
//! # Example
//!
//! A t-SNE map of the bundled digits, drawn with one colour per class:
//!
//! ```no_run
//! use embviz::{Tsne, io::read_dataset_dir};
//!
//! let digits = read_dataset_dir::<f32>("data/digits")?;
//! let map = Tsne::new().seed(0).fit(digits.x())?;
//! println!("KL divergence {:.3}", map.kl_divergence());
//! embviz::class_map_figure(map.embedding(), digits.labels(), "t-SNE of digits")?
//!     .save("target/embviz/digits.png")?;
//! # Ok::<(), embviz::Error>(())
//! ```
#![deny(clippy::unwrap_used, clippy::panic)]
#![forbid(unsafe_code)]

pub use embviz_anomaly as anomaly;
pub use embviz_clustering as clustering;
pub use embviz_core as core;
pub use embviz_io as io;
pub use embviz_metrics as metrics;
pub use embviz_neighbors as neighbors;
#[cfg(feature = "plot")]
pub use embviz_plot as plot;
pub use embviz_reduction as reduction;
pub use embviz_similarity as similarity;

pub use embviz_core::{Error, Float, Matrix, Metric, Progress, Result};
pub use embviz_reduction::pca::Pca;
pub use embviz_reduction::tsne::Tsne;

mod evolution;
pub use evolution::{
    OutlierEvolution, Separation, SnapshotDetector, class_separation, outliers_per_snapshot,
};

#[cfg(feature = "plot")]
mod figures;
#[cfg(feature = "plot")]
pub use figures::{class_map_figure, outlier_map_figure};
#[cfg(feature = "plot")]
mod interactive;
#[cfg(feature = "plot")]
pub use interactive::{MapDetails, save_interactive_heatmap, save_interactive_map};
