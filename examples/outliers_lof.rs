//! Outliers of a dataset folder by Local Outlier Factor, with ROC AUC against the known
//! outliers and a t-SNE map of the flagged rows.
//!
//! ```text
//! cargo run --release --example outliers_lof
//! cargo run --release --example outliers_lof -- --data ../shared/data/odds_thyroid
//! ```
//!
//! The folder contains `X.npy` (n x d) and optionally `outlier.npy` (1 = known outlier).
//! The default is the bundled ODDS cardio set (1831 x 21, 176 outliers). Writes
//! `target/embviz/outliers_lof/{map.png, map.svg, scores.npy}`; `scores.npy` contains
//! `negative_outlier_factor_` of every row as float64, lower for more abnormal rows, as
//! in scikit-learn.

mod common;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use common::MetricArg;
use common::outliers::{Detection, data_dir, report};
use embviz::anomaly::{Contamination, LocalOutlierFactor};
use embviz::io::read_dataset_dir;

#[derive(Parser)]
#[command(about = "Find outliers with Local Outlier Factor and draw them on a t-SNE map")]
struct Args {
    /// Dataset folder (X.npy, optional outlier.npy); the default is the bundled ODDS cardio.
    #[arg(long)]
    data: Option<PathBuf>,
    /// Neighbours each row is compared with.
    #[arg(long, default_value_t = 20)]
    n_neighbors: usize,
    /// Input metric.
    #[arg(long, value_enum, ignore_case = true, default_value = "euclidean")]
    metric: MetricArg,
    /// Expected share of outliers: `auto` (offset -1.5) or a fraction in (0, 0.5].
    #[arg(long, default_value = "auto", value_parser = common::parse_contamination)]
    contamination: Contamination,
}

fn main() -> ExitCode {
    common::init_log();
    common::exit_with(run(Args::parse()))
}

fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let data = data_dir(args.data);
    let out = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/embviz/outliers_lof");
    let dataset = read_dataset_dir::<f32>(&data)?;
    let (n, d) = dataset.x().dim();
    println!("read {n} x {d} from {}", data.display());

    let started = Instant::now();
    let fitted = LocalOutlierFactor::new()
        .n_neighbors(args.n_neighbors)
        .metric(args.metric.into())
        .contamination(args.contamination)
        .fit(dataset.x())?;
    let detection = Detection {
        detector: "Local Outlier Factor",
        scores: fitted.negative_outlier_factor().clone(),
        offset: fitted.offset(),
        seconds: started.elapsed().as_secs_f64(),
    };
    report(&data, &dataset, &detection, &out)
}
