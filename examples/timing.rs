//! Times one embviz job on a dataset folder, for the side-by-side comparison with the
//! Python libraries in `scripts/bench_peers.py`.
//!
//! ```text
//! cargo run --release --example timing -- tsne --data data/digits --repeats 3
//! cargo run --release --example timing -- knn --data ../shared/data/mnist10k --k 20
//! cargo run --release --example timing -- umap --data ../shared/data/mnist10k
//! cargo run --release --example timing -- iforest --data ../shared/data/odds_mnist
//! ```
//!
//! Prints the best wall time over the repeats and writes it, with the quality numbers, to
//! `target/embviz/timing/<job>.json`.

mod common;

use std::path::PathBuf;
use std::time::Instant;

use clap::{Parser, ValueEnum};
use embviz::anomaly::{IsolationForest, LocalOutlierFactor};
use embviz::clustering::{KMeans, NInit};
use embviz::io::read_npy;
use embviz::neighbors::exact_knn;
use embviz::reduction::umap::Umap;
use embviz::similarity::cosine_similarity;
use embviz::{Metric, Tsne};

#[derive(Clone, Copy, ValueEnum)]
enum Job {
    /// Barnes-Hut t-SNE with scikit-learn's defaults.
    Tsne,
    /// Exact k nearest neighbours of every row, self excluded.
    Knn,
    /// UMAP with umap-learn's defaults.
    Umap,
    /// Isolation Forest with scikit-learn's defaults: fit, then score the training rows.
    Iforest,
    /// Local Outlier Factor with scikit-learn's defaults (20 neighbours).
    Lof,
    /// K-means with k = 10, k-means++ and n_init = 10.
    Kmeans,
    /// The full cosine similarity matrix of the first 5000 rows with themselves.
    Cosine,
}

#[derive(Parser)]
#[command(about = "Time an embviz job on a dataset folder")]
struct Args {
    /// The job to time.
    job: Job,
    /// Dataset folder holding X.npy; the default is the bundled digits data.
    #[arg(long)]
    data: Option<PathBuf>,
    /// Number of runs; the best time is reported.
    #[arg(long, default_value_t = 3)]
    repeats: usize,
    /// Neighbours per row for the knn job.
    #[arg(long, default_value_t = 20)]
    k: usize,
    /// Seed of the t-SNE and UMAP jobs.
    #[arg(long, default_value_t = 0)]
    seed: u64,
}

fn main() -> std::process::ExitCode {
    common::init_log();
    common::exit_with(run(Args::parse()))
}

fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let data = args.data.unwrap_or_else(|| root.join("data/digits"));
    let x = read_npy::<f32>(data.join("X.npy"))?;
    let (n, d) = x.dim();

    let mut best = f64::INFINITY;
    let mut quality = String::new();
    for _ in 0..args.repeats.max(1) {
        let started = Instant::now();
        match args.job {
            Job::Tsne => {
                let fitted = Tsne::new().seed(args.seed).fit(&x)?;
                quality = format!("\"kl_divergence\": {:.6}", fitted.kl_divergence());
            }
            Job::Umap => {
                let fitted = Umap::new().seed(args.seed).fit(&x)?;
                quality = format!("\"n_epochs\": {}", fitted.n_epochs());
            }
            Job::Iforest => {
                let (_, scores) = IsolationForest::new().seed(args.seed).fit_with_scores(&x)?;
                quality = format!("\"mean_score\": {:.6}", scores.mean().unwrap_or(0.0));
            }
            Job::Lof => {
                let fitted = LocalOutlierFactor::new().fit(&x)?;
                let nof = fitted.negative_outlier_factor();
                quality = format!("\"mean_score\": {:.6}", nof.mean().unwrap_or(0.0));
            }
            Job::Kmeans => {
                let fitted = KMeans::new(10)
                    .n_init(NInit::Value(10))
                    .seed(args.seed)
                    .fit(&x)?;
                quality = format!("\"inertia\": {:.6e}", fitted.inertia());
            }
            Job::Cosine => {
                let rows = x.slice(ndarray::s![..x.nrows().min(5000), ..]);
                let similarity = cosine_similarity(&rows)?;
                quality = format!(
                    "\"mean_similarity\": {:.6}",
                    similarity.mean().unwrap_or(0.0)
                );
            }
            Job::Knn => {
                let neighbors = exact_knn(x.view(), args.k, Metric::Euclidean)?;
                quality = format!(
                    "\"mean_distance\": {:.6}",
                    neighbors.distances().mean().unwrap_or(0.0)
                );
            }
        }
        best = best.min(started.elapsed().as_secs_f64());
    }

    let name = match args.job {
        Job::Tsne => "tsne",
        Job::Knn => "knn",
        Job::Umap => "umap",
        Job::Iforest => "iforest",
        Job::Lof => "lof",
        Job::Kmeans => "kmeans",
        Job::Cosine => "cosine",
    };
    let out = root
        .join("target/embviz/timing")
        .join(format!("{name}.json"));
    std::fs::create_dir_all(out.parent().expect("the path has a parent"))?;
    let json = format!(
        "{{\"job\": \"{name}\", \"n\": {n}, \"d\": {d}, \"seconds\": {best:.4}, {quality}}}\n"
    );
    std::fs::write(&out, &json)?;
    print!("{json}");
    println!("wrote {}", out.display());
    Ok(())
}
