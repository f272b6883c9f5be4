//! K-means clustering with scikit-learn's parameters: [`KMeans`] (Lloyd's and Elkan's
//! algorithms) and [`MiniBatchKMeans`].
//!
//! Each stage has its own file. `init` draws the initial centres (k-means++ or random
//! rows). `lloyd` computes distance blocks and the exhaustive assignment, `hamerly` runs
//! Lloyd's steps that skip settled rows, and `elkan` runs Elkan's. `centres` contains the
//! M-step, the relocation of empty clusters and the inertia, `run` repeats the steps until
//! convergence and keeps the best run, and `minibatch` is mini-batch k-means. All of them
//! pass over the rows through `rows`, which fixes the order of every floating-point sum.

mod centres;
mod elkan;
mod hamerly;
mod init;
mod lloyd;
mod minibatch;
mod model;
mod params;
mod rows;
mod run;

pub use minibatch::{FittedMiniBatchKMeans, MiniBatchKMeans};
pub use model::FittedKMeans;
pub use params::{Algorithm, KMeans, KMeansInit, NInit};
