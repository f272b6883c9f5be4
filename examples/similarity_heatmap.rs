//! The cosine similarity matrix of a dataset folder as a heatmap, with rows grouped by
//! class and the group boundaries drawn.
//!
//! ```text
//! cargo run --release --example similarity_heatmap
//! cargo run --release --example similarity_heatmap -- --data ../shared/data/debian_minilm
//! ```
//!
//! The folder contains `X.npy` (n x d) and `labels.npy`, optionally `label_names.txt`.
//! The default is the bundled digits data. Above `--max-rows` rows (2000 by default) a
//! stratified sample keeps each class's share, and the title states it. Writes
//! `target/embviz/similarity_heatmap/{heatmap.png, heatmap.svg, rows.npy}`, where
//! `rows.npy` lists the input row of each heatmap row (int64).

mod common;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use embviz::io::{read_dataset_dir, write_npy_ids};
use embviz::plot::Heatmap;
use embviz::similarity::{cosine_similarity, grouped_order, stratified_sample};
use ndarray::Axis;

#[derive(Parser)]
#[command(about = "Draw the cosine similarity of a dataset folder as a heatmap grouped by class")]
struct Args {
    /// Dataset folder (X.npy, labels.npy); the default is the bundled digits data.
    #[arg(long)]
    data: Option<PathBuf>,
    /// Rows above which a stratified sample is drawn.
    #[arg(long, default_value_t = 2000)]
    max_rows: usize,
    /// Seed of the sample.
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
    let out = root.join("target/embviz/similarity_heatmap");
    let dataset = read_dataset_dir::<f32>(&data)?;
    let (n, d) = dataset.x().dim();
    println!("read {n} x {d} from {}", data.display());
    let labels = dataset.labels().ok_or_else(|| {
        format!(
            "{} has no labels.npy: the heatmap groups rows by class",
            data.display()
        )
    })?;

    let sample = if n > args.max_rows {
        stratified_sample(labels.ids(), args.max_rows, args.seed)?
    } else {
        (0..n).collect()
    };
    let sample_labels: Vec<usize> = sample.iter().map(|&i| labels.ids()[i]).collect();
    let grouping = grouped_order(&sample_labels, None)?.with_names(labels.names())?;
    let rows: Vec<usize> = grouping.order().iter().map(|&p| sample[p]).collect();
    if sample.len() < n {
        println!(
            "stratified sample of {} of {n} rows (seed {}), each class keeping its share",
            sample.len(),
            args.seed
        );
    }

    // The similarity is computed in input order, so that any warning names input rows
    // (without a sample), then the rows and columns are put in grouped order.
    let started = Instant::now();
    let x = dataset.x().select(Axis(0), &sample);
    let similarity = cosine_similarity(&x)?
        .select(Axis(0), grouping.order())
        .select(Axis(1), grouping.order());
    println!(
        "cosine similarity of {} rows in {:.3} s",
        rows.len(),
        started.elapsed().as_secs_f64()
    );

    let name = data
        .file_name()
        .map_or_else(|| "data".to_owned(), |s| s.to_string_lossy().into_owned());
    let title = if rows.len() < n {
        format!(
            "{name}: cosine similarity, {} of {n} rows (sample)",
            rows.len()
        )
    } else {
        format!("{name}: cosine similarity, {n} rows")
    };
    let names = grouping
        .group_names()
        .map(<[String]>::to_vec)
        .unwrap_or_default();
    let heatmap = Heatmap::new(&similarity)?
        .title(title)
        .groups(grouping.boundaries().to_vec(), names)
        .colorbar_label("cosine similarity");

    let png = out.join("heatmap.png");
    let svg = out.join("heatmap.svg");
    let rows_path = out.join("rows.npy");
    heatmap.save_png(&png)?;
    heatmap.save_svg(&svg)?;
    write_npy_ids(&rows_path, &rows)?;
    for path in [&png, &svg, &rows_path] {
        println!("wrote {}", path.display());
    }
    Ok(())
}
