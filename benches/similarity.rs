//! Criterion benchmarks of cosine similarity matrices and top-k searches.
//!
//! Ids read `dataset/n/variant`. debian_minilm (384-dimensional sentence embeddings,
//! float32; the first 5,000 rows) is read from `$EMBVIZ_DATA` (a folder containing
//! `debian_minilm/`), or else from `../shared/data` relative to the repository, and skipped
//! with a message when absent. digits comes with the repository.
//!
//! ```text
//! cargo bench --bench similarity
//! ```
//!
//! scikit-learn's time for the same matrix comes from
//!
//! ```text
//! python -m timeit -s "import numpy as np; from sklearn.metrics.pairwise import \
//!   cosine_similarity; X = np.load('debian_minilm/X.npy')[:5000]" "cosine_similarity(X)"
//! ```

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use embviz::similarity::{cosine_similarity, top_k_similar_self};
use ndarray::{Array2, s};

fn repository_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn data_root() -> PathBuf {
    std::env::var_os("EMBVIZ_DATA")
        .map_or_else(|| repository_root().join("../shared/data"), PathBuf::from)
}

fn datasets() -> Vec<(&'static str, Array2<f32>)> {
    let mut found = Vec::new();
    let digits: Array2<f32> = embviz::io::read_npy(repository_root().join("data/digits/X.npy"))
        .expect("the digits data is bundled");
    found.push(("digits", digits));
    match embviz_io::read_npy::<f32>(data_root().join("debian_minilm/X.npy")) {
        Ok(x) => found.push((
            "debian_minilm",
            x.slice(s![..5000.min(x.nrows()), ..]).to_owned(),
        )),
        Err(error) => eprintln!("skipping debian_minilm: {error}"),
    }
    found
}

fn bench_cosine(c: &mut Criterion) {
    let cases = datasets();
    let mut group = c.benchmark_group("cosine_similarity");
    group.sample_size(10);
    for (dataset, x) in &cases {
        let id = BenchmarkId::new(*dataset, format!("{}/matrix", x.nrows()));
        group.bench_function(id, |b| {
            b.iter(|| cosine_similarity(black_box(x)).expect("benchmark data is valid"));
        });
    }
    group.finish();

    let mut group = c.benchmark_group("top_k_similar");
    group.sample_size(10);
    for (dataset, x) in &cases {
        let id = BenchmarkId::new(*dataset, format!("{}/self_k10", x.nrows()));
        group.bench_function(id, |b| {
            b.iter(|| top_k_similar_self(black_box(x), 10).expect("benchmark data is valid"));
        });
    }
    group.finish();
}

criterion_group!(benches, bench_cosine);
criterion_main!(benches);
