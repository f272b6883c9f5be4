//! t-SNE on the bundled digits data (1797 x 64), Barnes-Hut and exact.
//!
//! ```text
//! cargo bench --bench tsne
//! ```
//!
//! The KL divergence of each configuration is printed before it is timed, so that a
//! speed-up that worsens the map shows.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use embviz::io::read_npy;
use embviz::reduction::tsne::{Method, Tsne};

fn digits() -> ndarray::Array2<f32> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/digits/X.npy");
    read_npy::<f32>(&path).expect("the bundled digits data")
}

fn bench_tsne(c: &mut Criterion) {
    let x = digits();
    let mut group = c.benchmark_group("tsne");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(40));
    // The exact gradient is O(n^2) per iteration, so it runs on the first 500 rows only.
    let first_rows = x.slice(ndarray::s![..500, ..]).to_owned();
    for (name, method, x) in [
        ("barnes_hut", Method::BarnesHut, &x),
        ("exact", Method::Exact, &first_rows),
    ] {
        let n = x.nrows();
        let params = Tsne::new().method(method).seed(0);
        let fitted = params.fit(x).expect("digits are valid input");
        println!(
            "tsne digits/{n}/{name}: KL divergence {:.4} after {} iterations",
            fitted.kl_divergence(),
            fitted.n_iter()
        );
        group.bench_with_input(BenchmarkId::new(format!("digits/{n}"), name), x, |b, x| {
            b.iter(|| params.fit(black_box(x)).expect("digits are valid input"));
        });
    }
    group.finish();
}

criterion_group!(benches, bench_tsne);
criterion_main!(benches);
