//! Criterion benchmarks of the outlier detectors.
//!
//! Ids read `detector/dataset/n`. Isolation Forest is timed on fit plus `score_samples`
//! of the training rows (scikit-learn's `fit(X)` then `score_samples(X)`), Local Outlier
//! Factor on `fit` (which yields `negative_outlier_factor_`). The data sets are read from
//! `$EMBVIZ_DATA`, or else from `../shared/data` relative to the repository; odds_cardio
//! comes with the repository. Before timing, each case prints its ROC AUC against the
//! known outliers, so a faster detector that ranks worse shows up.
//!
//! ```text
//! cargo bench --bench anomaly
//! ```

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use embviz::anomaly::{IsolationForest, LocalOutlierFactor};
use embviz::io::read_dataset_dir;
use embviz::metrics::roc_auc;
use ndarray::Array2;

fn data_root() -> PathBuf {
    std::env::var_os("EMBVIZ_DATA").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data"),
        PathBuf::from,
    )
}

fn load(dir: &Path) -> Option<(Array2<f32>, Option<Vec<bool>>)> {
    let dataset = read_dataset_dir::<f32>(dir).ok()?;
    let outliers = dataset.outliers().map(<[bool]>::to_vec);
    Some((dataset.x().clone(), outliers))
}

fn auc_text(truth: Option<&[bool]>, scores: &[f64]) -> String {
    let abnormality: Vec<f64> = scores.iter().map(|s| -s).collect();
    match truth.map(|t| roc_auc(t, &abnormality)) {
        Some(Ok(auc)) => format!("ROC AUC {auc:.4}"),
        _ => "no known outliers".to_owned(),
    }
}

fn bench_dataset(c: &mut Criterion, name: &str, x: &Array2<f32>, truth: Option<&[bool]>) {
    let n = x.nrows();
    let forest = IsolationForest::new().seed(0);
    let (_, scores) = forest.fit_with_scores(x).expect("benchmark data is valid");
    eprintln!(
        "isolation_forest/{name}/{n}: {}",
        auc_text(truth, scores.as_slice().unwrap_or(&[]))
    );
    let lof = LocalOutlierFactor::new();
    let fitted = lof.fit(x).expect("benchmark data is valid");
    let nof = fitted.negative_outlier_factor();
    eprintln!(
        "lof/{name}/{n}: {}",
        auc_text(truth, nof.as_slice().unwrap_or(&[]))
    );

    let mut group = c.benchmark_group("isolation_forest");
    group.sample_size(20);
    group.bench_function(BenchmarkId::new(name, n), |b| {
        b.iter(|| {
            forest
                .fit_with_scores(black_box(x))
                .expect("benchmark data is valid")
        });
    });
    group.finish();

    let mut group = c.benchmark_group("lof");
    group.sample_size(10);
    if n > 5000 {
        group.measurement_time(Duration::from_secs(20));
    }
    group.bench_function(BenchmarkId::new(name, n), |b| {
        b.iter(|| lof.fit(black_box(x)).expect("benchmark data is valid"));
    });
    group.finish();
}

fn anomaly(c: &mut Criterion) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut cases = vec![("odds_cardio".to_owned(), root.join("data/odds_cardio"))];
    for name in ["odds_mnist", "odds_satellite", "mnist10k"] {
        cases.push((name.to_owned(), data_root().join(name)));
    }
    for (name, dir) in cases {
        match load(&dir) {
            Some((x, truth)) => bench_dataset(c, &name, &x, truth.as_deref()),
            None => eprintln!("skipping {name}: no readable dataset in {}", dir.display()),
        }
    }
}

criterion_group!(benches, anomaly);
criterion_main!(benches);
