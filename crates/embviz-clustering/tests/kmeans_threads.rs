//! A seed gives bit-identical k-means results on rayon pools of 1, 2 and 4 threads.
//!
//! digits has 1797 rows, so every pass runs over 8 chunks and the reduction tree has
//! several levels.

use std::path::Path;

use embviz_clustering::{Algorithm, KMeans, KMeansInit, MiniBatchKMeans, NInit};
use ndarray::Array2;

fn digits() -> Array2<f32> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/digits/X.npy");
    embviz_io::read_npy::<f32>(path).expect("the bundled digits are readable")
}

fn on_pool<T: Send>(threads: usize, work: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a thread pool can be built")
        .install(work)
}

/// Everything a fit returns, with the floats as bits.
#[derive(Debug, PartialEq)]
struct Outcome {
    centres: Vec<u64>,
    labels: Vec<usize>,
    inertia: u64,
    n_iter: usize,
    distances: Vec<u64>,
}

fn kmeans_outcome(kmeans: &KMeans, x: &Array2<f32>) -> Outcome {
    let model = kmeans.fit(x).unwrap();
    Outcome {
        centres: model
            .cluster_centers()
            .iter()
            .map(|v| v.to_bits())
            .collect(),
        labels: model.labels().to_vec(),
        inertia: model.inertia().to_bits(),
        n_iter: model.n_iter(),
        distances: model
            .transform(x)
            .unwrap()
            .iter()
            .map(|v| v.to_bits())
            .collect(),
    }
}

#[test]
fn kmeans_same_on_any_pool() {
    let x = digits();
    let settings = [
        KMeans::new(10).n_init(NInit::Value(3)).seed(11),
        KMeans::new(10)
            .n_init(NInit::Value(3))
            .seed(11)
            .algorithm(Algorithm::Elkan),
        KMeans::new(7)
            .init(KMeansInit::Random)
            .n_init(NInit::Value(2))
            .seed(12),
    ];
    for kmeans in &settings {
        let single = on_pool(1, || kmeans_outcome(kmeans, &x));
        let two = on_pool(2, || kmeans_outcome(kmeans, &x));
        let four = on_pool(4, || kmeans_outcome(kmeans, &x));
        assert_eq!(single, two, "{kmeans:?}");
        assert_eq!(single, four, "{kmeans:?}");
    }
}

#[test]
fn minibatch_same_on_any_pool() {
    let x = digits();
    let minibatch = MiniBatchKMeans::new(10).batch_size(300).seed(13);
    let fit = || {
        let model = minibatch.fit(&x).unwrap();
        Outcome {
            centres: model
                .cluster_centers()
                .iter()
                .map(|v| v.to_bits())
                .collect(),
            labels: model.labels().to_vec(),
            inertia: model.inertia().to_bits(),
            n_iter: model.n_steps(),
            distances: Vec::new(),
        }
    };
    let single = on_pool(1, fit);
    let two = on_pool(2, fit);
    let four = on_pool(4, fit);
    assert_eq!(single, two);
    assert_eq!(single, four);
}
