//! An interactive HTML map: t-SNE of a dataset folder, hover labels with each row's class and
//! text, and the rows Isolation Forest flags ringed as outliers.
//!
//! ```text
//! cargo run --release --example interactive_map
//! cargo run --release --example interactive_map -- --data ../shared/data/debian_minilm
//! cargo run --release --example interactive_map -- --data ../shared/data/mnist10k --repeat 10
//! ```
//!
//! The folder contains `X.npy` and optionally `labels.npy`, `label_names.txt`,
//! `texts.txt` (one line per row, shown when hovering the row) and `outlier.npy` (known
//! outliers: shown in the hover labels, and the ROC AUC of the Isolation Forest scores is
//! printed). The default is the bundled digits data.
//!
//! The 2 % most abnormal rows by Isolation Forest score are ringed. `--contamination auto`
//! rings those below scikit-learn's default offset instead, which flags about a fifth of
//! the digits and none of `debian_minilm`. Writes `target/embviz/interactive_map/map.html`
//! (or `map.html` in the folder given with `--out`), a single file that opens offline in a
//! browser. `--repeat N` draws the map N times with a little jitter, to try the viewer on N
//! times as many points.

mod common;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use embviz::anomaly::{Contamination, IsolationForest};
use embviz::io::{Labels, read_dataset_dir};
use embviz::{MapDetails, Tsne};
use ndarray::Array2;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

#[derive(Parser)]
#[command(about = "Write an interactive t-SNE map with hover labels and outliers as HTML")]
struct Args {
    /// Dataset folder (X.npy, optional labels.npy, label_names.txt, texts.txt); the default
    /// is the bundled digits data.
    #[arg(long)]
    data: Option<PathBuf>,
    /// Draw every point this many times with a small jitter, to test large maps.
    #[arg(long, default_value_t = 1)]
    repeat: usize,
    /// Share of rows Isolation Forest flags: a fraction in (0, 0.5], or `auto`
    /// (scikit-learn's offset of -0.5).
    #[arg(long, default_value = "0.02", value_parser = common::parse_contamination)]
    contamination: Contamination,
    /// Seed of t-SNE, Isolation Forest and the jitter.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Output folder; the default is target/embviz/interactive_map.
    #[arg(long)]
    out: Option<PathBuf>,
}

fn main() -> ExitCode {
    common::init_log();
    common::exit_with(run(Args::parse()))
}

fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    if args.repeat == 0 {
        return Err("--repeat must be at least 1".into());
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let data = args.data.unwrap_or_else(|| root.join("data/digits"));
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| root.join("target/embviz/interactive_map"));
    common::create_output_dir(&out)?;
    let dataset = read_dataset_dir::<f32>(&data)?;
    let (n, d) = dataset.x().dim();
    println!("read {n} x {d} from {}", data.display());

    let started = Instant::now();
    let mut progress = common::ProgressLine::new("t-SNE");
    let map = Tsne::new()
        .perplexity(common::map_perplexity(n))
        .seed(args.seed)
        .fit_with(dataset.x(), &mut |report| progress.report(report))?
        .embedding()
        .mapv(f64::from);
    progress.finish();
    println!("t-SNE map in {:.1} s", started.elapsed().as_secs_f64());

    let started = Instant::now();
    let (forest, scores) = IsolationForest::new()
        .contamination(args.contamination)
        .seed(args.seed)
        .fit_with_scores(dataset.x())?;
    // Rows whose score falls below the offset, scikit-learn's `predict(X) == -1`.
    let outliers: Vec<bool> = scores.iter().map(|&s| s < forest.offset()).collect();
    let scores = scores.to_vec();
    println!(
        "Isolation Forest flags {} of {n} rows in {:.2} s",
        outliers.iter().filter(|&&o| o).count(),
        started.elapsed().as_secs_f64()
    );

    // Known outliers (outlier.npy), when the folder has them, show in the hover labels.
    let known: Option<Vec<f64>> = dataset.outliers().map(|flags| {
        flags
            .iter()
            .map(|&flag| f64::from(u8::from(flag)))
            .collect()
    });
    if let Some(truth) = dataset.outliers() {
        // Lower scores are more abnormal, so the negated scores rank outliers first.
        let ranking: Vec<f64> = scores.iter().map(|s| -s).collect();
        match embviz::metrics::roc_auc(truth, &ranking) {
            Ok(auc) => println!("ROC AUC against outlier.npy: {auc:.4}"),
            Err(error) => println!("no ROC AUC against outlier.npy: {error}"),
        }
    }

    let texts = dataset.texts().map(<[String]>::to_vec);
    let (map, labels, texts, scores, outliers) = if args.repeat > 1 {
        repeated(
            &map,
            dataset.labels(),
            texts,
            &scores,
            &outliers,
            args.repeat,
            args.seed,
        )?
    } else {
        (map, dataset.labels().cloned(), texts, scores, outliers)
    };
    let known = known.map(|known| {
        let n = known.len();
        (0..n * args.repeat)
            .map(|i| known[i % n])
            .collect::<Vec<f64>>()
    });
    let mut score_fields = vec![("outlier score", scores.as_slice())];
    if let Some(known) = &known {
        score_fields.push(("known outlier", known.as_slice()));
    }
    let name = data.file_name().map_or_else(
        || data.display().to_string(),
        |name| name.to_string_lossy().into_owned(),
    );
    let path = out.join("map.html");
    let started = Instant::now();
    embviz::save_interactive_map(
        &path,
        &map,
        labels.as_ref(),
        MapDetails {
            title: &format!("t-SNE of {name}"),
            texts: texts.as_deref(),
            scores: &score_fields,
            outliers: Some(&outliers),
        },
    )?;
    let bytes = std::fs::metadata(&path)?.len();
    println!(
        "wrote {} ({} points, {:.1} MB, {:.2} s)",
        path.display(),
        map.nrows(),
        bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

type Repeated = (
    Array2<f64>,
    Option<Labels>,
    Option<Vec<String>>,
    Vec<f64>,
    Vec<bool>,
);

/// Stacks `times` copies of the map with the labels, texts and scores copied alongside. The
/// first copy is exact. In the others each coordinate moves by a uniform draw of up to 0.5 %
/// of its column's standard deviation either way.
fn repeated(
    map: &Array2<f64>,
    labels: Option<&Labels>,
    texts: Option<Vec<String>>,
    scores: &[f64],
    outliers: &[bool],
    times: usize,
    seed: u64,
) -> Result<Repeated, Box<dyn std::error::Error>> {
    let n = map.nrows();
    let spread = map.std_axis(ndarray::Axis(0), 0.0) * 0.01;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let big = Array2::from_shape_fn((n * times, 2), |(i, axis)| {
        let jitter: f64 = rng.random::<f64>() - 0.5;
        map[[i % n, axis]] + if i < n { 0.0 } else { jitter * spread[axis] }
    });
    let cycle = |len: usize| (0..len * times).map(move |i| i % len);
    let labels = match labels {
        Some(labels) => Some(
            Labels::from_ids(cycle(n).map(|i| labels.ids()[i]).collect())?
                .with_names(labels.names().iter().cloned())?,
        ),
        None => None,
    };
    let texts = texts.map(|texts| cycle(n).map(|i| texts[i].clone()).collect());
    let scores = cycle(n).map(|i| scores[i]).collect();
    let outliers = cycle(n).map(|i| outliers[i]).collect();
    Ok((big, labels, texts, scores, outliers))
}
