//! A t-SNE map of a dataset folder, as PNG and SVG figures and an `.npy` file of coordinates.
//!
//! ```text
//! cargo run --release --example tsne_digits
//! cargo run --release --example tsne_digits -- --data ../shared/data/mnist10k
//! ```
//!
//! The folder contains `X.npy` (n x d) and optionally `labels.npy` with `label_names.txt`.
//! The default is the bundled scikit-learn digits data (1797 x 64).

mod common;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use common::MetricArg;
use embviz::io::{read_dataset_dir, write_npy};
use embviz::{Metric, Tsne};

#[derive(Parser)]
#[command(about = "Draw a t-SNE map of a dataset folder (X.npy, labels.npy, label_names.txt)")]
struct Args {
    /// Dataset folder; the default is the bundled digits data.
    #[arg(long)]
    data: Option<PathBuf>,
    /// Perplexity: a smooth count of the neighbours each point attends to.
    #[arg(long, default_value_t = 30.0, allow_negative_numbers = true)]
    perplexity: f64,
    /// Input metric.
    #[arg(long, value_enum, ignore_case = true, default_value = "euclidean")]
    metric: MetricArg,
    /// Seed of the random draws. The default PCA start draws none, so the map is the same
    /// for every seed.
    #[arg(long, default_value_t = 0)]
    seed: u64,
}

fn main() -> ExitCode {
    common::init_log();
    common::exit_with(run(Args::parse()))
}

fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let data = args.data.unwrap_or_else(|| root.join("data/digits"));
    let out = root.join("target/embviz/tsne_digits");
    let metric = Metric::from(args.metric);

    let dataset = read_dataset_dir::<f32>(&data)?;
    let (n, d) = dataset.x().dim();
    println!("read {n} x {d} from {}", data.display());

    let mut progress = common::ProgressLine::new("t-SNE");
    let started = Instant::now();
    let fitted = Tsne::new()
        .perplexity(args.perplexity)
        .metric(metric)
        .seed(args.seed)
        .fit_with(dataset.x(), &mut |report| progress.report(report))?;
    progress.finish();
    let elapsed = started.elapsed();

    let name = data
        .file_name()
        .map_or_else(|| "data".to_owned(), |s| s.to_string_lossy().into_owned());
    let title = format!(
        "t-SNE of {name} ({n} points, perplexity {})",
        args.perplexity
    );
    let figure = embviz::class_map_figure(fitted.embedding(), dataset.labels(), &title)?;
    let png = out.join("map.png");
    let svg = out.join("map.svg");
    let coords = out.join("coords.npy");
    figure.save_png(&png)?;
    figure.save_svg(&svg)?;
    write_npy(&coords, &fitted.embedding().view())?;

    println!(
        "KL divergence {:.4} after {} iterations",
        fitted.kl_divergence(),
        fitted.n_iter()
    );
    println!("t-SNE took {:.2} s", elapsed.as_secs_f64());
    for path in [&png, &svg, &coords] {
        println!("wrote {}", path.display());
    }
    Ok(())
}
