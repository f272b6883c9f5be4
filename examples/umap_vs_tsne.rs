//! t-SNE and UMAP maps of the same data, side by side in one figure.
//!
//! ```text
//! cargo run --release --example umap_vs_tsne
//! cargo run --release --example umap_vs_tsne -- --data ../shared/data/mnist10k
//! ```
//!
//! The folder contains `X.npy` (n x d) and optionally `labels.npy` with `label_names.txt`; the
//! default is the bundled digits data. Writes `side_by_side.png`, `side_by_side.svg`,
//! `tsne.npy` and `umap.npy` (n x 2 `float32`) under `target/embviz/umap_vs_tsne/`, and
//! prints each method's time and trustworthiness (k = 10).

mod common;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use common::MetricArg;
use embviz::io::{read_dataset_dir, write_npy};
use embviz::metrics::trustworthiness;
use embviz::plot::{Coloring, Figure, Panel};
use embviz::reduction::umap::Umap;
use embviz::{Metric, Tsne};
use ndarray::{Array2, Axis};

#[derive(Parser)]
#[command(about = "Draw t-SNE and UMAP maps of a dataset folder side by side")]
struct Args {
    /// Dataset folder; the default is the bundled digits data.
    #[arg(long)]
    data: Option<PathBuf>,
    /// Input metric of both methods.
    #[arg(long, value_enum, ignore_case = true, default_value = "euclidean")]
    metric: MetricArg,
    /// Seed of both methods.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Rows that trustworthiness is measured on, a fixed random subset when the data has
    /// more; it costs O(n^2) time.
    #[arg(long, default_value_t = 5000)]
    quality_rows: usize,
}

fn main() -> ExitCode {
    common::init_log();
    common::exit_with(run(Args::parse()))
}

fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let data = args.data.unwrap_or_else(|| root.join("data/digits"));
    let out = root.join("target/embviz/umap_vs_tsne");
    let metric = Metric::from(args.metric);

    let dataset = read_dataset_dir::<f32>(&data)?;
    let (n, d) = dataset.x().dim();
    println!("read {n} x {d} from {}", data.display());

    let started = Instant::now();
    let tsne = Tsne::new()
        .perplexity(common::map_perplexity(dataset.n_samples()))
        .metric(metric)
        .seed(args.seed)
        .fit(dataset.x())?;
    let tsne_seconds = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let umap = Umap::new()
        .metric(metric)
        .seed(args.seed)
        .fit(dataset.x())?;
    let umap_seconds = started.elapsed().as_secs_f64();

    let subset = quality_subset(n, args.quality_rows, args.seed);
    let x = dataset.x().select(Axis(0), &subset);
    // Trustworthiness needs fewer than half as many neighbours as rows.
    let k = 10.min(subset.len().saturating_sub(1) / 2).max(1);
    let tsne_quality = trustworthiness(&x, &tsne.embedding().select(Axis(0), &subset), k)?;
    let umap_quality = trustworthiness(&x, &umap.embedding().select(Axis(0), &subset), k)?;

    let panel = |map: &Array2<f32>, title: String| -> Result<Panel, embviz::Error> {
        let panel = Panel::new(map)?.title(title);
        Ok(match dataset.labels() {
            Some(labels) => panel.coloring(Coloring::categorical(
                labels.ids().iter().copied(),
                labels.names().iter().cloned(),
            )),
            None => panel,
        })
    };
    let name = data
        .file_name()
        .map_or_else(|| "data".to_owned(), |s| s.to_string_lossy().into_owned());
    let figure = Figure::new()
        .title(format!("{name}: {n} points"))
        .panel(panel(
            tsne.embedding(),
            format!("t-SNE (trustworthiness {tsne_quality:.4})"),
        )?)
        .panel(panel(
            umap.embedding(),
            format!("UMAP (trustworthiness {umap_quality:.4})"),
        )?);

    let png = out.join("side_by_side.png");
    let svg = out.join("side_by_side.svg");
    let tsne_path = out.join("tsne.npy");
    let umap_path = out.join("umap.npy");
    figure.save_png(&png)?;
    figure.save_svg(&svg)?;
    write_npy(&tsne_path, &tsne.embedding().view())?;
    write_npy(&umap_path, &umap.embedding().view())?;

    let rows = subset.len();
    println!(
        "t-SNE: {tsne_seconds:.2} s, trustworthiness {tsne_quality:.4} (k = {k}, {rows} rows)"
    );
    println!(
        "UMAP:  {umap_seconds:.2} s, trustworthiness {umap_quality:.4} (k = {k}, {rows} rows)"
    );
    for path in [&png, &svg, &tsne_path, &umap_path] {
        println!("wrote {}", path.display());
    }
    Ok(())
}

/// Returns every row index when `n <= rows`, else `rows` distinct indices drawn with `seed`,
/// sorted.
fn quality_subset(n: usize, rows: usize, seed: u64) -> Vec<usize> {
    if n <= rows {
        return (0..n).collect();
    }
    let mut rng = embviz::core::seed::rng(seed);
    let mut indices: Vec<usize> = (0..n).collect();
    // A partial Fisher-Yates shuffle picks the first `rows` entries.
    for i in 0..rows {
        let j = rand::RngExt::random_range(&mut rng, i..n);
        indices.swap(i, j);
    }
    let mut subset = indices[..rows].to_vec();
    subset.sort_unstable();
    subset
}
