//! UMAP and approximate nearest neighbours on mnist10k (10000 x 784).
//!
//! ```text
//! EMBVIZ_DATA=../shared/data cargo bench --bench umap
//! ```
//!
//! mnist10k is read from `$EMBVIZ_DATA/mnist10k/X.npy`, or from `../shared/data` beside the
//! repository; the benchmarks are skipped with a message when it is absent. Before timing,
//! each case prints a quality number: the recall of NN-descent against exact search, and
//! the trustworthiness (k = 10) of the UMAP map on 5000 rows.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use embviz::Metric;
use embviz::io::read_npy;
use embviz::metrics::trustworthiness;
use embviz::neighbors::{NnDescent, exact_knn};
use embviz::reduction::umap::Umap;
use ndarray::{Array2, Axis};

fn mnist() -> Option<Array2<f32>> {
    let root = std::env::var_os("EMBVIZ_DATA").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data"),
        PathBuf::from,
    );
    let path = root.join("mnist10k/X.npy");
    match read_npy::<f32>(&path) {
        Ok(x) => Some(x),
        Err(error) => {
            eprintln!("skipping the UMAP benchmarks: {error}");
            None
        }
    }
}

fn recall(approximate: &Array2<usize>, exact: &Array2<usize>) -> f64 {
    let found: usize = approximate
        .outer_iter()
        .zip(exact.outer_iter())
        .map(|(a, e)| a.iter().filter(|j| e.iter().any(|k| k == *j)).count())
        .sum();
    found as f64 / exact.len() as f64
}

fn bench_umap(c: &mut Criterion) {
    let Some(x) = mnist() else { return };
    let n = x.nrows();

    let mut group = c.benchmark_group("nndescent");
    group.sample_size(10);
    let search = NnDescent::new(15).seed(0);
    let approximate = search.knn(x.view()).expect("mnist10k is valid input");
    let exact = exact_knn(x.view(), 15, Metric::Euclidean).expect("mnist10k is valid input");
    println!(
        "nndescent mnist10k/{n}/k15: recall {:.4} against exact search",
        recall(approximate.indices(), exact.indices())
    );
    group.bench_function(BenchmarkId::new(format!("mnist10k/{n}"), "k15"), |b| {
        b.iter(|| search.knn(black_box(x.view())).expect("valid input"));
    });
    group.finish();

    let mut group = c.benchmark_group("umap");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(60));
    let params = Umap::new().seed(0);
    let map = params.fit_transform(&x).expect("mnist10k is valid input");
    let subset: Vec<usize> = (0..n).step_by(2).collect();
    let quality = trustworthiness(
        &x.select(Axis(0), &subset),
        &map.select(Axis(0), &subset),
        10,
    )
    .expect("valid maps");
    println!("umap mnist10k/{n}/default: trustworthiness {quality:.4} on every other row");
    group.bench_function(BenchmarkId::new(format!("mnist10k/{n}"), "default"), |b| {
        b.iter(|| params.fit(black_box(&x)).expect("valid input"));
    });
    group.finish();
}

criterion_group!(benches, bench_umap);
criterion_main!(benches);
