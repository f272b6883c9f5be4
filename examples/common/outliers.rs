//! The part the two outlier examples share: the report, the map and the files.

use std::path::{Path, PathBuf};
use std::time::Instant;

use embviz::Tsne;
use embviz::io::{Dataset, write_npy_vector};
use embviz::metrics::{average_precision, roc_auc};
use ndarray::Array1;

/// The output of a detector on the training rows.
pub(crate) struct Detection {
    /// Detector name for titles, such as "Isolation Forest".
    pub(crate) detector: &'static str,
    /// `score_samples` of every row: lower is more abnormal.
    pub(crate) scores: Array1<f64>,
    /// The fitted offset: rows scoring below it are flagged.
    pub(crate) offset: f64,
    /// Seconds spent fitting and scoring.
    pub(crate) seconds: f64,
}

/// Writes `scores.npy` under `out`, prints the counts and, with known outliers, ROC AUC
/// and average precision, then draws the t-SNE map with the flagged rows on top into
/// `map.png` and `map.svg`.
pub(crate) fn report(
    data: &Path,
    dataset: &Dataset<f32>,
    detection: &Detection,
    out: &Path,
) -> Result<(), Box<dyn std::error::Error>> {
    let n = dataset.n_samples();
    let flagged: Vec<bool> = detection
        .scores
        .iter()
        .map(|&s| s - detection.offset < 0.0)
        .collect();
    let n_flagged = flagged.iter().filter(|&&f| f).count();
    println!(
        "{}: {n_flagged} of {n} rows flagged (offset {:.4}) in {:.3} s",
        detection.detector, detection.offset, detection.seconds
    );
    // Save the scores before the map, so they exist even if the map cannot be drawn.
    let scores = out.join("scores.npy");
    write_npy_vector(&scores, &detection.scores.view())?;
    println!("wrote {}", scores.display());

    let truth = dataset.outliers();
    match truth {
        Some(truth) if truth.iter().any(|&t| t) && !truth.iter().all(|&t| t) => {
            // Higher must mean "more likely an outlier" for the ranking metrics.
            let abnormality: Vec<f64> = detection.scores.iter().map(|s| -s).collect();
            let n_true = truth.iter().filter(|&&t| t).count();
            let caught = truth
                .iter()
                .zip(&flagged)
                .filter(|&(&t, &f)| t && f)
                .count();
            println!("known outliers: {n_true}, of which flagged: {caught}");
            println!(
                "ROC AUC {:.4}, average precision {:.4}",
                roc_auc(truth, &abnormality)?,
                average_precision(truth, &abnormality)?
            );
        }
        Some(_) => println!(
            "outlier.npy in {} marks every row alike: no ROC AUC",
            data.display()
        ),
        None => println!("no outlier.npy in {}: no ROC AUC", data.display()),
    }

    let started = Instant::now();
    let map = Tsne::new()
        .perplexity(super::map_perplexity(n))
        .seed(0)
        .fit(dataset.x())?;
    println!("t-SNE map in {:.2} s", started.elapsed().as_secs_f64());
    let name = data
        .file_name()
        .map_or_else(|| "data".to_owned(), |s| s.to_string_lossy().into_owned());
    let title = format!(
        "{} on {name}: t-SNE map, {n_flagged} of {n} flagged",
        detection.detector
    );
    let figure = embviz::outlier_map_figure(map.embedding(), &flagged, truth, &title)?;

    let png = out.join("map.png");
    let svg = out.join("map.svg");
    figure.save_png(&png)?;
    figure.save_svg(&svg)?;
    for path in [&png, &svg] {
        println!("wrote {}", path.display());
    }
    Ok(())
}

/// Returns the dataset folder: `--data` or the bundled ODDS cardio set.
pub(crate) fn data_dir(data: Option<PathBuf>) -> PathBuf {
    data.unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/odds_cardio"))
}
