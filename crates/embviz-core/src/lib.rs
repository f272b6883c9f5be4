//! Common ground of the embviz crates.
//!
//! - [`Matrix`]: the input trait every algorithm takes. It is implemented for ndarray arrays
//!   and views, nalgebra matrices, `Vec<Vec<_>>` and flat row-major slices ([`RowMajor`]),
//!   in `f32` and `f64`.
//! - [`Float`]: the sealed scalar trait for `f32` and `f64`.
//! - [`distance`]: squared euclidean, euclidean and cosine distances, and the [`Metric`] choice.
//! - [`validate`]: the checks every `fit` runs on its input (not empty, finite).
//! - [`Error`]: the one error type of the workspace.
//! - [`seed`]: named, portable random generators derived from a user seed.
//! - [`Progress`]: the observer type that long computations call.
//! - [`Snapshots`]: named matrices of the same rows, such as the embeddings of one
//!   evaluation set at each fine-tuning checkpoint.
#![deny(clippy::unwrap_used, clippy::panic)]
#![deny(unsafe_code)]

pub mod distance;
mod error;
mod float;
mod matrix;
mod progress;
pub mod seed;
mod snapshots;
pub mod validate;

pub use distance::Metric;
pub use error::{Error, Result};
pub use float::Float;
pub use matrix::{Matrix, RowMajor};
pub use progress::{Observer, Progress};
pub use snapshots::{Snapshots, SnapshotsIter};
