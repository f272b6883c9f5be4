//! Changes of the embeddings of the same rows across fine-tuning checkpoints: aligned t-SNE
//! maps, class separation, drift and outliers per snapshot.
//!
//! ```text
//! cargo run --release --example finetune_evolution
//! cargo run --release --example finetune_evolution -- --data ../shared/data/finetune_snapshots
//! ```
//!
//! The folder contains one `.npy` file per snapshot, named with a common prefix and a number
//! (`epoch_00.npy`, `epoch_01.npy`, …, sorted by the number), all with the same rows in the
//! same order, plus `labels.npy` and optionally `label_names.txt` and `texts.txt`. The default
//! is the bundled `data/finetune_small` (360 package descriptions embedded by MiniLM before
//! and after each of 4 fine-tuning epochs). Writes under `target/embviz/finetune_evolution/`:
//!
//! - `grid.png`, `grid.svg`: the chained t-SNE map of each snapshot with shared axes and
//!   each snapshot's k-NN accuracy in its title;
//! - `evolution.html`: the same maps as frames of one interactive map with a slider;
//! - `drift.csv`: per row, its label and its drift at each step (cosine distance and k-NN
//!   Jaccard distance to the previous snapshot);
//! - `disparity.csv`: per step, how far the maps move on screen with independent, chained
//!   and Procrustes-aligned layouts.

mod common;

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, ValueEnum};
use embviz::anomaly::{Contamination, IsolationForest, LocalOutlierFactor};
use embviz::io::{Labels, read_labels, read_snapshots};
use embviz::metrics::{Drift, DriftReport};
use embviz::plot::{Coloring, Figure, InteractiveAnimation, Panel};
use embviz::reduction::aligned::{AlignedLayouts, Alignment, FittedAlignedLayouts};
use embviz::reduction::umap::Umap;
use embviz::{Metric, SnapshotDetector, Tsne};

#[derive(Clone, Copy, ValueEnum)]
enum Method {
    Tsne,
    Umap,
}

#[derive(Clone, Copy, ValueEnum)]
enum Detector {
    Iforest,
    Lof,
}

#[derive(Parser)]
#[command(about = "Compare embedding snapshots: aligned maps, separation, drift, outliers")]
struct Args {
    /// Folder of snapshots (prefix_NN.npy), labels.npy, label_names.txt and texts.txt; the
    /// default is the bundled data/finetune_small.
    #[arg(long)]
    data: Option<PathBuf>,
    /// Map method.
    #[arg(long, value_enum, default_value = "tsne")]
    method: Method,
    /// Neighbours for k-NN accuracy and k-NN drift.
    #[arg(long, default_value_t = 10)]
    n_neighbors: usize,
    /// Outlier detector run on each snapshot.
    #[arg(long, value_enum, default_value = "iforest")]
    detector: Detector,
    /// Share of rows flagged as outliers in each snapshot, or `auto` for scikit-learn's
    /// offsets (which flag few rows of unit-norm sentence embeddings).
    #[arg(long, default_value = "0.02", value_parser = common::parse_contamination)]
    contamination: Contamination,
    /// Rows listed among the largest movers.
    #[arg(long, default_value_t = 8)]
    top: usize,
    /// Seed of the maps and of Isolation Forest.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Output folder; the default is target/embviz/finetune_evolution.
    #[arg(long)]
    out: Option<PathBuf>,
}

fn main() -> ExitCode {
    common::init_log();
    common::exit_with(run(Args::parse()))
}

fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let data = args
        .data
        .unwrap_or_else(|| root.join("data/finetune_small"));
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| root.join("target/embviz/finetune_evolution"));

    let snapshots = read_snapshots::<f32>(&data)?;
    let n = snapshots.n_rows();
    // Trustworthiness, the slowest check of the maps, needs fewer than n / 2 neighbours.
    if args.n_neighbors == 0 || 2 * args.n_neighbors >= n {
        return Err(format!(
            "--n-neighbors {} must be at least 1 and below half the number of rows ({n})",
            args.n_neighbors
        )
        .into());
    }
    let labels_path = data.join("labels.npy");
    if !labels_path.exists() {
        return Err(format!(
            "{} is missing: class separation and drift are measured per class",
            labels_path.display()
        )
        .into());
    }
    let mut labels = read_labels(&labels_path)?;
    let names_path = data.join("label_names.txt");
    if names_path.exists() {
        labels = labels.with_names_file(&names_path)?;
    }
    let labels = &labels;
    if labels.len() != n {
        return Err(format!(
            "{} has {} rows but the snapshots have {n}",
            labels_path.display(),
            labels.len()
        )
        .into());
    }
    let texts_path = data.join("texts.txt");
    let texts: Option<Vec<String>> = if texts_path.exists() {
        let texts: Vec<String> = std::fs::read_to_string(&texts_path)?
            .lines()
            .map(str::to_owned)
            .collect();
        if texts.len() != n {
            let unit = if texts.len() == 1 { "line" } else { "lines" };
            return Err(format!(
                "{} has {} {unit} but the snapshots have {n} rows",
                texts_path.display(),
                texts.len()
            )
            .into());
        }
        Some(texts)
    } else {
        None
    };
    common::create_output_dir(&out)?;
    let names = snapshots.names().to_vec();
    let folder = data.file_name().map_or_else(
        || data.display().to_string(),
        |name| name.to_string_lossy().into_owned(),
    );
    println!(
        "read {} snapshots of {} rows ({}) from {}",
        snapshots.len(),
        snapshots.n_rows(),
        names.join(", "),
        data.display()
    );

    // Class separation in the original spaces.
    let separation =
        embviz::class_separation(&snapshots, labels.ids(), args.n_neighbors, Metric::Cosine)?;
    println!(
        "\nclass separation (cosine, leave-one-out {}-NN vote):",
        args.n_neighbors
    );
    println!(
        "  {:<12} {:>12} {:>11}",
        "snapshot", "k-NN acc.", "silhouette"
    );
    for (name, s) in names.iter().zip(&separation) {
        println!(
            "  {name:<12} {:>12.4} {:>11.4}",
            s.knn_accuracy, s.silhouette
        );
    }

    // Drift between consecutive snapshots.
    let drift = Drift::new()
        .n_neighbors(args.n_neighbors)
        .metric(Metric::Cosine)
        .seed(args.seed)
        .fit_snapshots(&snapshots, Some(labels.ids()))?;
    print_drift(&drift, labels, texts.as_deref(), args.top)?;
    let drift_path = out.join("drift.csv");
    std::fs::write(&drift_path, drift_csv(&drift, labels))?;

    // Outliers of each snapshot.
    let detector = match args.detector {
        Detector::Iforest => SnapshotDetector::IsolationForest(
            IsolationForest::new()
                .contamination(args.contamination)
                .seed(args.seed),
        ),
        Detector::Lof => {
            SnapshotDetector::Lof(LocalOutlierFactor::new().contamination(args.contamination))
        }
    };
    let outliers = embviz::outliers_per_snapshot(&snapshots, &detector)?;
    println!("\noutliers per snapshot:");
    for (index, name) in names.iter().enumerate() {
        let count = outliers.flags[index].iter().filter(|&&f| f).count();
        let change = match index {
            0 => String::new(),
            _ => format!(
                ", {} entered and {} left since {}",
                outliers.entered[index - 1].len(),
                outliers.left[index - 1].len(),
                names[index - 1]
            ),
        };
        println!("  {name:<12} {count:>5} outliers{change}");
    }

    // Maps: independent fits, chained fits, and the independent fits aligned by Procrustes.
    let started = Instant::now();
    let fit = |alignment| -> Result<FittedAlignedLayouts, embviz::Error> {
        let layouts = match args.method {
            Method::Tsne => AlignedLayouts::new(Tsne::new().seed(args.seed)),
            Method::Umap => AlignedLayouts::new(Umap::new().seed(args.seed)),
        };
        let name = match args.method {
            Method::Tsne => "t-SNE",
            Method::Umap => "UMAP",
        };
        let mut progress = common::ProgressLine::new(format!("{alignment} {name}"));
        let fitted = layouts
            .alignment(alignment)
            .fit_snapshots_with(&snapshots, &mut |report| progress.report(report));
        progress.finish();
        fitted
    };
    let independent = fit(Alignment::Independent)?;
    let chained = fit(Alignment::Chained)?;
    let procrustes = independent.procrustes_aligned()?;
    println!(
        "\n{} maps of {} snapshots, independent and chained, in {:.1} s",
        match args.method {
            Method::Tsne => "t-SNE",
            Method::Umap => "UMAP",
        },
        snapshots.len(),
        started.elapsed().as_secs_f64()
    );
    println!(
        "\ntrustworthiness (k = {}) of each snapshot's map:",
        args.n_neighbors
    );
    println!(
        "  {:<12} {:>12} {:>9}",
        "snapshot", "independent", "chained"
    );
    for (index, name) in names.iter().enumerate() {
        let x = snapshots.matrices()[index].mapv(f64::from);
        let trust = |layouts: &FittedAlignedLayouts| {
            embviz::metrics::trustworthiness(&x, &layouts.layouts()[index], args.n_neighbors)
        };
        println!(
            "  {name:<12} {:>12.4} {:>9.4}",
            trust(&independent)?,
            trust(&chained)?
        );
    }
    let disparity_path = out.join("disparity.csv");
    std::fs::write(
        &disparity_path,
        disparity_report(&names, &independent, &chained, &procrustes),
    )?;

    // Figures of the chained maps.
    let titles: Vec<String> = names
        .iter()
        .zip(&separation)
        .map(|(name, s)| format!("{name}: {}-NN acc. {:.3}", args.n_neighbors, s.knn_accuracy))
        .collect();
    let coloring = Coloring::categorical(labels.ids().iter().copied(), labels.names().to_vec());
    let panels = chained
        .layouts()
        .iter()
        .zip(&titles)
        .map(|(layout, title)| Ok(Panel::new(layout)?.coloring(coloring.clone()).title(title)))
        .collect::<Result<Vec<_>, embviz::Error>>()?;
    let figure = Figure::new()
        .panels(panels)
        .columns(3)
        .share_axes(true)
        .title(format!("Chained maps of {folder}"));
    let grid_png = out.join("grid.png");
    let grid_svg = out.join("grid.svg");
    figure.save(&grid_png)?;
    figure.save(&grid_svg)?;

    let html_path = out.join("evolution.html");
    animation(
        &names,
        &chained,
        &drift,
        &outliers,
        &titles,
        labels,
        texts.as_deref(),
    )?
    .title(format!("Fine-tuning snapshots of {folder}"))
    .save(&html_path)?;

    println!();
    for path in [
        &grid_png,
        &grid_svg,
        &html_path,
        &drift_path,
        &disparity_path,
    ] {
        println!("wrote {}", path.display());
    }
    Ok(())
}

/// Prints per-step mean drift, per-class centroid movement and the rows that moved most.
fn print_drift(
    drift: &DriftReport,
    labels: &Labels,
    texts: Option<&[String]>,
    top: usize,
) -> Result<(), Box<dyn std::error::Error>> {
    println!("\ndrift to the previous snapshot (mean over rows):");
    println!(
        "  {:<24} {:>16} {:>20}",
        "step", "cosine distance", "k-NN Jaccard dist."
    );
    for step in drift.steps() {
        let cosine = step
            .mean_point_drift()
            .map_or_else(|| "-".to_owned(), |v| format!("{v:.4}"));
        let step_name = format!("{} -> {}", step.from(), step.to());
        println!(
            "  {step_name:<24} {cosine:>16} {:>20.4}",
            step.mean_neighbor_drift()
        );
    }
    if let (Some(classes), Some(spread)) = (drift.classes(), drift.spread()) {
        println!("\nper class: centroid movement at each step, and spread in the last snapshot:");
        let last = spread.nrows() - 1;
        for (column, &class) in classes.iter().enumerate() {
            let moves: Vec<String> = drift
                .steps()
                .iter()
                .map(|step| {
                    step.centroid_drift()
                        .map_or_else(|| "-".to_owned(), |c| format!("{:.3}", c[column]))
                })
                .collect();
            println!(
                "  {:<10} {}  spread {:.3} (was {:.3})",
                labels.name_of(class).unwrap_or("?"),
                moves.join(" "),
                spread[[last, column]],
                spread[[0, column]]
            );
        }
    }
    let n_steps = drift.steps().len();
    if let Some(last_step) = drift.steps().last() {
        println!(
            "\nrows that moved most from {} to {}:",
            last_step.from(),
            last_step.to()
        );
        for row in drift.top_movers(n_steps - 1, top)? {
            let class = labels.name_of(labels.ids()[row]).unwrap_or("?");
            let cosine = last_step.point_drift().map_or(f64::NAN, |d| d[row]);
            let text = texts.map_or("", |t| t[row].as_str());
            let short: String = text.chars().take(70).collect();
            println!("  row {row:>5}  {class:<10} cosine {cosine:.4}  {short}");
        }
    }
    Ok(())
}

/// Formats `drift.csv`: row, label, then the cosine and k-NN Jaccard drift of each step.
fn drift_csv(drift: &DriftReport, labels: &Labels) -> String {
    let mut csv = String::from("row,label");
    for step in drift.steps() {
        let _ = write!(csv, ",cosine_{}_{}", step.from(), step.to());
    }
    for step in drift.steps() {
        let _ = write!(csv, ",knn_jaccard_{}_{}", step.from(), step.to());
    }
    csv.push('\n');
    for row in 0..drift.n_rows() {
        let class = labels.name_of(labels.ids()[row]).unwrap_or("?");
        let _ = write!(csv, "{row},{class}");
        for step in drift.steps() {
            match step.point_drift() {
                Some(values) => {
                    let _ = write!(csv, ",{:.6}", values[row]);
                }
                None => csv.push(','),
            }
        }
        for step in drift.steps() {
            let _ = write!(csv, ",{:.6}", step.neighbor_drift()[row]);
        }
        csv.push('\n');
    }
    csv
}

/// Prints the on-screen disparity of each alignment and returns `disparity.csv`.
fn disparity_report(
    names: &[String],
    independent: &FittedAlignedLayouts,
    chained: &FittedAlignedLayouts,
    procrustes: &FittedAlignedLayouts,
) -> String {
    let runs = [independent, chained, procrustes];
    println!(
        "\nmovement of the maps between consecutive snapshots, as drawn (sum of squared \
         moves over the previous map's squared spread; 0 is no change, about 2 an unrelated \
         map of the same size and centre, more for maps at other places, as independent \
         UMAP maps are):"
    );
    println!(
        "  {:<24} {:>12} {:>9} {:>11}",
        "step", "independent", "chained", "procrustes"
    );

    let mut csv = String::from("from,to,independent,chained,procrustes\n");
    for step in 0..names.len() - 1 {
        let values: Vec<f64> = runs
            .iter()
            .map(|r| r.displacement_to_previous()[step])
            .collect();
        let step_name = format!("{} -> {}", names[step], names[step + 1]);
        println!(
            "  {step_name:<24} {:>12.4} {:>9.4} {:>11.4}",
            values[0], values[1], values[2]
        );
        let _ = writeln!(
            csv,
            "{},{},{:.6},{:.6},{:.6}",
            names[step],
            names[step + 1],
            values[0],
            values[1],
            values[2]
        );
    }

    let mean = |values: &[f64]| values.iter().sum::<f64>() / values.len() as f64;
    let means: Vec<f64> = runs
        .iter()
        .map(|r| mean(r.displacement_to_previous()))
        .collect();
    println!(
        "  {:<24} {:>12.4} {:>9.4} {:>11.4}",
        "mean", means[0], means[1], means[2]
    );
    println!(
        "  ratio to independent:    {:>12} {:>9.3} {:>11.3}",
        "",
        means[1] / means[0],
        means[2] / means[0]
    );

    let shape: Vec<f64> = runs
        .iter()
        .map(|r| mean(r.disparity_to_previous()))
        .collect();
    println!(
        "  shape change alone (scipy's Procrustes disparity, mean): independent {:.4}, \
         chained {:.4}, procrustes {:.4}",
        shape[0], shape[1], shape[2]
    );
    csv
}

/// Builds the interactive map with one frame per snapshot.
fn animation(
    names: &[String],
    layouts: &FittedAlignedLayouts,
    drift: &DriftReport,
    outliers: &embviz::OutlierEvolution,
    titles: &[String],
    labels: &Labels,
    texts: Option<&[String]>,
) -> Result<InteractiveAnimation, embviz::Error> {
    let n = drift.n_rows();
    let frames = names.iter().cloned().zip(layouts.layouts());
    let per_frame = |pick: &dyn Fn(usize) -> Option<Vec<f64>>| -> Vec<Vec<f64>> {
        (0..names.len())
            .map(|frame| match frame {
                0 => vec![f64::NAN; n],
                _ => pick(frame - 1).unwrap_or_else(|| vec![f64::NAN; n]),
            })
            .collect()
    };
    let cosine = per_frame(&|step| drift.steps()[step].point_drift().map(|d| d.to_vec()));
    let jaccard = per_frame(&|step| Some(drift.steps()[step].neighbor_drift().to_vec()));
    let mut animation = InteractiveAnimation::new(frames)?
        .coloring(Coloring::categorical(
            labels.ids().iter().copied(),
            labels.names().to_vec(),
        ))
        .frame_field("cosine drift since previous", cosine)
        .frame_field("k-NN Jaccard drift since previous", jaccard)
        .highlights("outliers of the snapshot", outliers.flags.clone())
        .frame_titles(titles.iter().cloned());
    if let Some(texts) = texts {
        animation = animation.texts(texts.iter().cloned());
    }
    Ok(animation)
}
