//! Outliers of a dataset folder by Isolation Forest, with ROC AUC against the known
//! outliers and a t-SNE map of the flagged rows.
//!
//! ```text
//! cargo run --release --example outliers_iforest
//! cargo run --release --example outliers_iforest -- --data ../shared/data/odds_mnist
//! ```
//!
//! The folder contains `X.npy` (n x d) and optionally `outlier.npy` (1 = known outlier).
//! The default is the bundled ODDS cardio set (1831 x 21, 176 outliers). Writes
//! `target/embviz/outliers_iforest/{map.png, map.svg, scores.npy}`; `scores.npy` contains
//! `score_samples` of every row as float64, lower for more abnormal rows, as in
//! scikit-learn.

mod common;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use common::outliers::{Detection, data_dir, report};
use embviz::anomaly::{Contamination, IsolationForest, SplitRule};
use embviz::io::read_dataset_dir;

#[derive(Parser)]
#[command(about = "Find outliers with Isolation Forest and draw them on a t-SNE map")]
struct Args {
    /// Dataset folder (X.npy, optional outlier.npy); the default is the bundled ODDS cardio.
    #[arg(long)]
    data: Option<PathBuf>,
    /// Number of trees.
    #[arg(long, default_value_t = 100)]
    n_estimators: usize,
    /// Expected share of outliers: `auto` (offset -0.5) or a fraction in (0, 0.5].
    #[arg(long, default_value = "auto", value_parser = common::parse_contamination)]
    contamination: Contamination,
    /// Split on random hyperplanes (extended Isolation Forest) instead of single features.
    #[arg(long)]
    extended: bool,
    /// Seed of the trees.
    #[arg(long, default_value_t = 0)]
    seed: u64,
}

fn main() -> ExitCode {
    common::init_log();
    common::exit_with(run(Args::parse()))
}

fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let data = data_dir(args.data);
    let out = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/embviz/outliers_iforest");
    let dataset = read_dataset_dir::<f32>(&data)?;
    let (n, d) = dataset.x().dim();
    println!("read {n} x {d} from {}", data.display());

    let split_rule = if args.extended {
        SplitRule::Extended {
            extension_level: None,
        }
    } else {
        SplitRule::Axis
    };
    let started = Instant::now();
    let (fitted, scores) = IsolationForest::new()
        .n_estimators(args.n_estimators)
        .contamination(args.contamination)
        .split_rule(split_rule)
        .seed(args.seed)
        .fit_with_scores(dataset.x())?;
    let detection = Detection {
        detector: if args.extended {
            "Extended Isolation Forest"
        } else {
            "Isolation Forest"
        },
        scores,
        offset: fitted.offset(),
        seconds: started.elapsed().as_secs_f64(),
    };
    report(&data, &dataset, &detection, &out)
}
