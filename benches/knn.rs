//! Criterion benchmarks of exact k-nearest-neighbour search.
//!
//! Ids read `dataset/n/variant`. mnist10k (10000 x 784 float32) is read from `$EMBVIZ_DATA`
//! (a folder containing `mnist10k/`), or else from `../shared/data` relative to the
//! repository, and skipped with a message when absent. digits comes with the repository.
//! Before timing, each case prints the share of neighbours that carry the row's own label,
//! so a faster search that finds worse neighbours shows up.
//!
//! ```text
//! cargo bench --bench knn
//! ```

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use embviz::Metric;
use embviz::neighbors::exact_knn;
use ndarray::{Array1, Array2};

fn data_root() -> PathBuf {
    std::env::var_os("EMBVIZ_DATA").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data"),
        PathBuf::from,
    )
}

fn load(dir: &Path) -> Option<(Array2<f32>, Array1<f64>)> {
    let x = embviz::io::read_npy::<f32>(dir.join("X.npy")).ok()?;
    let labels = embviz::io::read_npy_vector::<f64>(dir.join("labels.npy")).ok()?;
    Some((x, labels))
}

/// Share of all neighbour entries whose label equals the label of their query row.
fn label_agreement(indices: &Array2<usize>, labels: &Array1<f64>) -> f64 {
    let same = indices
        .outer_iter()
        .enumerate()
        .map(|(row, found)| found.iter().filter(|&&j| labels[j] == labels[row]).count())
        .sum::<usize>();
    same as f64 / indices.len() as f64
}

fn bench_case(c: &mut Criterion, dataset: &str, x: &Array2<f32>, labels: &Array1<f64>, k: usize) {
    let n = x.nrows();
    let neighbors = exact_knn(x.view(), k, Metric::Euclidean).expect("benchmark data is valid");
    eprintln!(
        "{dataset}/{n}/k{k}: label agreement of the {k} neighbours {:.4}",
        label_agreement(neighbors.indices(), labels)
    );

    let mut group = c.benchmark_group("exact_knn");
    group.sample_size(10);
    if n > 5000 {
        group.measurement_time(Duration::from_secs(30));
    }
    group.bench_function(BenchmarkId::new(dataset, format!("{n}/k{k}")), |b| {
        b.iter(|| {
            exact_knn(black_box(x.view()), k, Metric::Euclidean).expect("benchmark data is valid")
        })
    });
    group.finish();
}

fn exact_knn_benches(c: &mut Criterion) {
    let digits_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/digits");
    match load(&digits_dir) {
        Some((x, labels)) => bench_case(c, "digits", &x, &labels, 90),
        None => eprintln!(
            "skipping digits: no X.npy and labels.npy in {}",
            digits_dir.display()
        ),
    }

    let mnist_dir = data_root().join("mnist10k");
    match load(&mnist_dir) {
        Some((x, labels)) => {
            bench_case(c, "mnist10k", &x, &labels, 20);
            bench_case(c, "mnist10k", &x, &labels, 90);
        }
        None => eprintln!(
            "skipping mnist10k: no X.npy and labels.npy in {} (set EMBVIZ_DATA to the folder containing mnist10k/)",
            mnist_dir.display()
        ),
    }
}

criterion_group!(benches, exact_knn_benches);
criterion_main!(benches);
