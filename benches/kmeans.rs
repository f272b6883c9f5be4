//! Criterion benchmarks of k-means.
//!
//! Ids read `algorithm/dataset/n/k`. mnist10k (10000 x 784 float32) is read from
//! `$EMBVIZ_DATA`, or else from `../shared/data` relative to the repository, and skipped
//! with a message when absent; digits comes with the repository. Each case fits with
//! k-means++, `n_init = 10` and seed 0, as `KMeans(10, n_init=10, random_state=0)`, and
//! prints its inertia and adjusted Rand index against the labels before timing.
//!
//! ```text
//! cargo bench --bench kmeans
//! ```

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use embviz::clustering::{Algorithm, KMeans, NInit};
use embviz::io::read_dataset_dir;
use embviz::metrics::adjusted_rand_index;

fn data_root() -> PathBuf {
    std::env::var_os("EMBVIZ_DATA").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data"),
        PathBuf::from,
    )
}

fn bench_dataset(c: &mut Criterion, name: &str, dir: &Path) {
    let Ok(dataset) = read_dataset_dir::<f32>(dir) else {
        eprintln!("skipping {name}: no readable dataset in {}", dir.display());
        return;
    };
    let x = dataset.x();
    let n = x.nrows();
    let mut group = c.benchmark_group("kmeans");
    group.sample_size(10);
    if n > 5000 {
        group.measurement_time(Duration::from_secs(20));
    }
    for (algorithm, label) in [(Algorithm::Lloyd, "lloyd"), (Algorithm::Elkan, "elkan")] {
        let kmeans = KMeans::new(10)
            .n_init(NInit::Value(10))
            .algorithm(algorithm)
            .seed(0);
        let fitted = kmeans.fit(x).expect("benchmark data is valid");
        let ari = dataset.labels().map_or(f64::NAN, |labels| {
            adjusted_rand_index(labels.ids(), fitted.labels().as_slice().unwrap_or(&[]))
                .unwrap_or(f64::NAN)
        });
        eprintln!(
            "{label}/{name}/{n}/k10: inertia {:.6e}, adjusted Rand index {ari:.4}",
            fitted.inertia()
        );
        group.bench_function(BenchmarkId::new(label, format!("{name}/{n}/k10")), |b| {
            b.iter(|| kmeans.fit(black_box(x)).expect("benchmark data is valid"));
        });
    }
    group.finish();
}

fn kmeans(c: &mut Criterion) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    bench_dataset(c, "digits", &root.join("data/digits"));
    bench_dataset(c, "mnist10k", &data_root().join("mnist10k"));
}

criterion_group!(benches, kmeans);
criterion_main!(benches);
