//! K-means clusters of a dataset folder, drawn on its t-SNE map, with the adjusted Rand
//! index against the classes when the folder has labels.
//!
//! ```text
//! cargo run --release --example kmeans_clusters
//! cargo run --release --example kmeans_clusters -- --data ../shared/data/mnist10k --n-init 10
//! ```
//!
//! The folder contains `X.npy` (n x d) and optionally `labels.npy`. The default is the
//! bundled digits data; `--k` defaults to the number of classes, or 8 without labels, as
//! scikit-learn's `n_clusters`. Writes `target/embviz/kmeans_clusters/{labels.npy,
//! centers.npy, clusters.png, clusters.svg}`: cluster ids as int64 and the `k x d` centres
//! as float64.

mod common;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use embviz::Tsne;
use embviz::clustering::{KMeans, NInit};
use embviz::io::{Labels, read_dataset_dir, write_npy, write_npy_ids};
use embviz::metrics::adjusted_rand_index;

#[derive(Parser)]
#[command(about = "Cluster a dataset folder with k-means and draw the clusters on a t-SNE map")]
struct Args {
    /// Dataset folder (X.npy, optional labels.npy); the default is the bundled digits data.
    #[arg(long)]
    data: Option<PathBuf>,
    /// Number of clusters; the default is the number of classes, or 8 without labels.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    k: Option<u64>,
    /// Number of k-means++ starts; the best inertia is kept. The default is scikit-learn's
    /// `auto`: one start.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    n_init: Option<u64>,
    /// Seed of the starts and of the t-SNE map.
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
    let out = root.join("target/embviz/kmeans_clusters");
    let dataset = read_dataset_dir::<f32>(&data)?;
    let (n, d) = dataset.x().dim();
    println!("read {n} x {d} from {}", data.display());

    let k = args.k.map_or_else(
        || dataset.labels().map_or(8, Labels::n_classes),
        |k| usize::try_from(k).unwrap_or(usize::MAX),
    );
    let n_init = args.n_init.map_or(NInit::Auto, |n| {
        NInit::Value(usize::try_from(n).unwrap_or(usize::MAX))
    });
    let started = Instant::now();
    let fitted = KMeans::new(k)
        .n_init(n_init)
        .seed(args.seed)
        .fit(dataset.x())?;
    println!(
        "k-means, k = {k}: inertia {:.1} after {} iteration(s), in {:.2} s",
        fitted.inertia(),
        fitted.n_iter(),
        started.elapsed().as_secs_f64()
    );
    let clusters: Vec<usize> = fitted.labels().to_vec();
    let mut title = format!("k-means clusters (k = {k}) on the t-SNE map");
    if let Some(labels) = dataset.labels() {
        let ari = adjusted_rand_index(labels.ids(), &clusters)?;
        println!("adjusted Rand index against labels.npy: {ari:.4}");
        title.push_str(&format!(", adjusted Rand index {ari:.3}"));
    }

    let started = Instant::now();
    let map = Tsne::new()
        .perplexity(common::map_perplexity(n))
        .seed(args.seed)
        .fit(dataset.x())?;
    println!("t-SNE map in {:.2} s", started.elapsed().as_secs_f64());
    let names: Vec<String> = (0..k).map(|c| format!("cluster {c}")).collect();
    let cluster_labels = Labels::from_ids(clusters.clone())?.with_names(names)?;
    let figure = embviz::class_map_figure(map.embedding(), Some(&cluster_labels), &title)?;

    let labels_path = out.join("labels.npy");
    let centers_path = out.join("centers.npy");
    let png = out.join("clusters.png");
    let svg = out.join("clusters.svg");
    write_npy_ids(&labels_path, &clusters)?;
    write_npy(&centers_path, &fitted.cluster_centers().view())?;
    figure.save_png(&png)?;
    figure.save_svg(&svg)?;
    for path in [&labels_path, &centers_path, &png, &svg] {
        println!("wrote {}", path.display());
    }
    Ok(())
}
