//! Measures how faithful a t-SNE map of a dataset folder is: trustworthiness, k-NN preservation,
//! k-NN accuracy in the map and the silhouette of the classes, printed and written into
//! the title of the map coloured by class.
//!
//! ```text
//! cargo run --release --example embedding_quality
//! cargo run --release --example embedding_quality -- --data ../shared/data/debian_minilm --k 15
//! ```
//!
//! The folder contains `X.npy` (n x d) and `labels.npy` (k-NN accuracy and the silhouette
//! need classes), optionally `label_names.txt`. The default is the bundled digits data.
//! Writes `target/embviz/embedding_quality/{map.png, map.svg, coords.npy}`.

mod common;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use embviz::clustering::silhouette_score;
use embviz::io::{read_dataset_dir, write_npy};
use embviz::metrics::{knn_accuracy, knn_preservation, trustworthiness};
use embviz::{Metric, Tsne};

#[derive(Parser)]
#[command(about = "Measure how faithful a t-SNE map is and draw it coloured by class")]
struct Args {
    /// Dataset folder (X.npy, labels.npy); the default is the bundled digits data.
    #[arg(long)]
    data: Option<PathBuf>,
    /// Neighbours per row for the three neighbour metrics.
    #[arg(long, default_value_t = 10)]
    k: usize,
    /// Seed of the t-SNE map.
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
    let out = root.join("target/embviz/embedding_quality");
    let dataset = read_dataset_dir::<f32>(&data)?;
    let (n, d) = dataset.x().dim();
    println!("read {n} x {d} from {}", data.display());
    let labels = dataset.labels().ok_or_else(|| {
        format!(
            "{} has no labels.npy: k-NN accuracy and the silhouette need one class id per row",
            data.display()
        )
    })?;

    // The neighbour metrics need k below n / 2: check before the map is computed.
    if args.k == 0 || 2 * args.k >= n {
        return Err(format!(
            "--k {} is invalid for {n} rows: it must be at least 1 and below n / 2 ({})",
            args.k,
            n.div_ceil(2)
        )
        .into());
    }

    let started = Instant::now();
    let fitted = Tsne::new()
        .perplexity(common::map_perplexity(n))
        .seed(args.seed)
        .fit(dataset.x())?;
    println!("t-SNE map in {:.2} s", started.elapsed().as_secs_f64());
    let map = fitted.embedding();

    let k = args.k;
    let trust = trustworthiness(dataset.x(), map, k)?;
    let preservation = knn_preservation(dataset.x(), map, k)?;
    let accuracy = knn_accuracy(map, labels.ids(), k)?;
    let silhouette = silhouette_score(map, labels.ids(), Metric::Euclidean)?;
    println!("trustworthiness (k = {k}):     {trust:.4}");
    println!("k-NN preservation (k = {k}):   {preservation:.4}");
    println!("k-NN accuracy in the map (k = {k}): {accuracy:.4}");
    println!("silhouette of the classes in the map: {silhouette:.4}");

    let name = data
        .file_name()
        .map_or_else(|| "data".to_owned(), |s| s.to_string_lossy().into_owned());
    let title = format!(
        "{name}: trustworthiness {trust:.3}, {k}-NN preservation {preservation:.3}, \
         {k}-NN accuracy {accuracy:.3}, silhouette {silhouette:.3}"
    );
    // Wider than the default, so the title with its four numbers fits.
    let figure = embviz::class_map_figure(map, Some(labels), &title)?.size(1300, 800);
    let png = out.join("map.png");
    let svg = out.join("map.svg");
    let coords = out.join("coords.npy");
    figure.save_png(&png)?;
    figure.save_svg(&svg)?;
    write_npy(&coords, &map.view())?;
    for path in [&png, &svg, &coords] {
        println!("wrote {}", path.display());
    }
    Ok(())
}
