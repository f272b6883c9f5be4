//! NN-descent against the exact search: recall on real embeddings, output conventions,
//! determinism across thread counts and input errors.
//!
//! Recall is the fraction of the exact `k` nearest neighbours (as index sets) that the
//! approximate search also returns, averaged over rows. Larger data sets are read from the
//! folder named by the `EMBVIZ_DATA` environment variable, and their tests are skipped
//! with a message when it is unset or the file is missing.

use std::path::PathBuf;
use std::time::Instant;

use embviz_core::{Error, Float, Metric};
use embviz_neighbors::{
    EXACT_THRESHOLD, Neighbors, NnDescent, exact_knn, exact_knn_screened, knn_auto,
};
use ndarray::{Array2, ArrayView2, s};
use rand::{RngExt, SeedableRng};

fn manifest_path(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(relative)
}

fn digits() -> Array2<f32> {
    embviz_io::read_npy(manifest_path("../../data/digits/X.npy"))
        .expect("the digits data is bundled")
}

/// Reads `$EMBVIZ_DATA/<name>/X.npy`, or returns `None` after saying why the test is
/// skipped.
fn external_data(name: &str) -> Option<Array2<f32>> {
    let Some(folder) = std::env::var_os("EMBVIZ_DATA") else {
        println!("skipped: EMBVIZ_DATA is not set, so {name}/X.npy cannot be found");
        return None;
    };
    let path = PathBuf::from(folder).join(name).join("X.npy");
    if !path.is_file() {
        println!("skipped: {} does not exist", path.display());
        return None;
    }
    Some(embviz_io::read_npy(&path).expect("the data file is a readable float matrix"))
}

/// Uniform random rows in `[0, 1)`, seeded.
fn random_rows(n_rows: usize, n_cols: usize, seed: u64) -> Array2<f64> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    Array2::from_shape_simple_fn((n_rows, n_cols), || rng.random::<f64>())
}

fn recall<F>(approximate: &Neighbors<F>, exact: &Neighbors<F>) -> f64 {
    let (n_rows, k) = exact.indices().dim();
    let mut found = 0;
    for (approx_row, exact_row) in approximate
        .indices()
        .rows()
        .into_iter()
        .zip(exact.indices().rows())
    {
        found += approx_row
            .iter()
            .filter(|index| exact_row.iter().any(|e| e == *index))
            .count();
    }
    found as f64 / (n_rows * k) as f64
}

/// Checks the conventions shared with `exact_knn`: no row lists itself or a row twice, rows
/// are sorted by `(distance, index)`, and each distance is the metric's distance of the pair.
fn assert_valid_output<F: Float>(x: ArrayView2<'_, F>, neighbors: &Neighbors<F>, metric: Metric) {
    for (row, (indices, distances)) in neighbors
        .indices()
        .rows()
        .into_iter()
        .zip(neighbors.distances().rows())
        .enumerate()
    {
        let mut distinct = indices.to_vec();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(
            distinct.len(),
            indices.len(),
            "row {row} repeats a neighbour"
        );
        assert!(!indices.iter().any(|&i| i == row), "row {row} lists itself");
        for position in 1..indices.len() {
            let previous = (distances[position - 1], indices[position - 1]);
            let current = (distances[position], indices[position]);
            assert!(previous < current, "row {row} is not sorted at {position}");
        }
        for (&index, &distance) in indices.iter().zip(distances) {
            let a = x.row(row).to_vec();
            let b = x.row(index).to_vec();
            let expected = metric.distance(&a, &b);
            let found = distance.to_f64_exact();
            assert!(
                (found - expected).abs() <= 1e-5 * expected.max(1e-3),
                "row {row}, neighbour {index}: {found} vs {expected}"
            );
        }
    }
}

#[test]
fn digits_recall_15nn() {
    let x = digits();
    let exact = exact_knn(x.view(), 15, Metric::Euclidean).expect("digits is valid input");
    let approximate = NnDescent::new(15)
        .seed(0)
        .knn(x.view())
        .expect("digits is valid input");
    assert_eq!(approximate.indices().dim(), (1797, 15));
    let recall = recall(&approximate, &exact);
    println!("digits 15-NN recall {recall:.4}");
    assert!(recall >= 0.95, "recall {recall}");
    assert_valid_output(x.view(), &approximate, Metric::Euclidean);
}

#[test]
fn digits_recall_from_random_start() {
    // Without trees the search starts from random lists, so the iterations do all the work.
    let x = digits();
    let exact = exact_knn(x.view(), 10, Metric::Euclidean).expect("digits is valid input");
    let descended = NnDescent::new(10)
        .n_trees(0)
        .seed(3)
        .knn(x.view())
        .expect("digits is valid input");
    let recall_descended = recall(&descended, &exact);
    println!("digits 10-NN recall from a random start {recall_descended:.4}");
    assert!(recall_descended >= 0.9, "recall {recall_descended}");

    // Negative control: the random start alone finds almost nothing.
    let start = NnDescent::new(10)
        .n_trees(0)
        .n_iters(0)
        .seed(3)
        .knn(x.view())
        .expect("digits is valid input");
    let recall_start = recall(&start, &exact);
    assert!(recall_start < 0.05, "recall {recall_start}");
}

#[test]
fn digits_cosine_recall() {
    let x = digits();
    let exact = exact_knn(x.view(), 15, Metric::Cosine).expect("digits has no zero row");
    let approximate = NnDescent::new(15)
        .metric(Metric::Cosine)
        .seed(1)
        .knn(x.view())
        .expect("digits has no zero row");
    let recall = recall(&approximate, &exact);
    println!("digits cosine 15-NN recall {recall:.4}");
    assert!(recall >= 0.95, "recall {recall}");
    assert_valid_output(x.view(), &approximate, Metric::Cosine);
}

#[test]
fn mnist10k_recall_15nn() {
    let Some(x) = external_data("mnist10k") else {
        return;
    };
    assert_eq!(x.dim(), (10000, 784));
    let started = Instant::now();
    let exact = exact_knn(x.view(), 15, Metric::Euclidean).expect("mnist10k is valid input");
    let exact_seconds = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let approximate = NnDescent::new(15)
        .seed(0)
        .knn(x.view())
        .expect("mnist10k is valid input");
    let approximate_seconds = started.elapsed().as_secs_f64();
    let recall = recall(&approximate, &exact);
    println!(
        "mnist10k 15-NN recall {recall:.4}; exact {exact_seconds:.3} s, NN-descent {approximate_seconds:.3} s"
    );
    assert!(recall >= 0.95, "recall {recall}");
}

#[test]
fn debian_minilm_cosine_recall() {
    let Some(x) = external_data("debian_minilm") else {
        return;
    };
    let x = x.slice(s![..x.nrows().min(5000), ..]);
    let exact = exact_knn(x, 15, Metric::Cosine).expect("the embeddings have no zero row");
    let approximate = NnDescent::new(15)
        .metric(Metric::Cosine)
        .seed(0)
        .knn(x)
        .expect("the embeddings have no zero row");
    let recall = recall(&approximate, &exact);
    println!(
        "debian_minilm ({} rows) cosine 15-NN recall {recall:.4}",
        x.nrows()
    );
    assert!(recall >= 0.95, "recall {recall}");
}

fn in_pool<T: Send>(n_threads: usize, work: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(n_threads)
        .build()
        .expect("a thread pool can be built")
        .install(work)
}

#[test]
fn same_output_for_any_thread_count() {
    // 9000 rows span several blocks of the local join and many parallel tasks.
    let x = random_rows(9000, 6, 11).mapv(|v| v as f32);
    let search = NnDescent::new(12).seed(5);
    let one_thread = in_pool(1, || search.knn(x.view())).expect("valid input");
    let two_threads = in_pool(2, || search.knn(x.view())).expect("valid input");
    let three_threads = in_pool(3, || search.knn(x.view())).expect("valid input");
    assert_eq!(one_thread.indices(), two_threads.indices());
    assert_eq!(one_thread.indices(), three_threads.indices());
    let bits = |n: &Neighbors<f32>| n.distances().mapv(f32::to_bits);
    assert_eq!(bits(&one_thread), bits(&two_threads));
    assert_eq!(bits(&one_thread), bits(&three_threads));

    let cosine = NnDescent::new(12).metric(Metric::Cosine).seed(5);
    let one_thread = in_pool(1, || cosine.knn(x.view())).expect("valid input");
    let two_threads = in_pool(2, || cosine.knn(x.view())).expect("valid input");
    assert_eq!(one_thread.indices(), two_threads.indices());
    assert_eq!(bits(&one_thread), bits(&two_threads));
}

#[test]
fn seed_changes_start_not_quality() {
    let x = random_rows(3000, 5, 2);
    let exact = exact_knn(x.view(), 10, Metric::Euclidean).expect("valid input");
    let a = NnDescent::new(10)
        .seed(1)
        .knn(x.view())
        .expect("valid input");
    let b = NnDescent::new(10)
        .seed(2)
        .knn(x.view())
        .expect("valid input");
    let again = NnDescent::new(10)
        .seed(1)
        .knn(x.view())
        .expect("valid input");
    assert_eq!(a, again);
    assert!(recall(&a, &exact) >= 0.95, "recall {}", recall(&a, &exact));
    assert!(recall(&b, &exact) >= 0.95, "recall {}", recall(&b, &exact));
    assert_valid_output(x.view(), &a, Metric::Euclidean);
}

#[test]
fn k_near_n_is_exact() {
    // With k = n - 1 every row lists all others, found by brute force when random draws
    // keep hitting rows already present.
    let x = random_rows(12, 3, 4);
    let exact = exact_knn(x.view(), 11, Metric::Euclidean).expect("valid input");
    let approximate = NnDescent::new(11)
        .n_trees(0)
        .n_iters(0)
        .seed(9)
        .knn(x.view())
        .expect("valid input");
    assert_eq!(approximate.indices(), exact.indices());
    assert_valid_output(x.view(), &approximate, Metric::Euclidean);
}

#[test]
fn duplicate_rows_are_found_at_zero() {
    // 300 distinct rows, each present twice: every row's nearest neighbour is its copy.
    let base = random_rows(300, 4, 8);
    let x = ndarray::concatenate![ndarray::Axis(0), base, base];
    let neighbors = NnDescent::new(5)
        .seed(0)
        .knn(x.view())
        .expect("valid input");
    for row in 0..600 {
        assert_eq!(
            neighbors.indices()[[row, 0]],
            (row + 300) % 600,
            "row {row}"
        );
        assert_eq!(neighbors.distances()[[row, 0]], 0.0, "row {row}");
    }
}

#[test]
fn knn_auto_switches_at_threshold() {
    let x = random_rows(EXACT_THRESHOLD, 3, 6);
    let auto = knn_auto(x.view(), 7, Metric::Euclidean, 1).expect("valid input");
    assert_eq!(
        auto,
        exact_knn_screened(x.view(), 7, Metric::Euclidean).expect("valid input")
    );
    // The screened search finds the neighbours of the plain exact one. Its distances
    // come from sum (a_i - b_i)^2, the plain search's from |a|^2 + |b|^2 - 2 a.b, which
    // loses digits to cancellation on close pairs (1.3e-12 relative here).
    let exact = exact_knn(x.view(), 7, Metric::Euclidean).expect("valid input");
    assert_eq!(auto.indices(), exact.indices());
    for (a, e) in auto.distances().iter().zip(exact.distances()) {
        assert!((a - e).abs() <= 1e-10 * e.abs(), "{a} against {e}");
    }

    let x = random_rows(EXACT_THRESHOLD + 1, 3, 6);
    let auto = knn_auto(x.view(), 7, Metric::Euclidean, 1).expect("valid input");
    let approximate = NnDescent::new(7)
        .seed(1)
        .knn(x.view())
        .expect("valid input");
    assert_eq!(auto, approximate);
}

#[test]
fn transposed_input_matches_contiguous() {
    let x = random_rows(500, 8, 12);
    // Column-major storage of the same matrix.
    let transposed = x.t().as_standard_layout().into_owned();
    let view = transposed.t();
    assert!(!view.is_standard_layout());
    let search = NnDescent::new(6).seed(2);
    assert_eq!(
        search.knn(view).expect("valid input"),
        search.knn(x.view()).expect("valid input")
    );
}

#[test]
fn empty_input_is_rejected() {
    let x = Array2::<f32>::zeros((0, 4));
    match NnDescent::new(3).knn(x.view()) {
        Err(Error::EmptyInput {
            what,
            n_rows,
            n_cols,
        }) => {
            assert_eq!(what, "X");
            assert_eq!((n_rows, n_cols), (0, 4));
        }
        other => panic!("expected EmptyInput, got {other:?}"),
    }
}

#[test]
fn nan_is_rejected() {
    let mut x = random_rows(20, 3, 0);
    x[[7, 2]] = f64::NAN;
    match NnDescent::new(3).knn(x.view()) {
        Err(Error::NonFinite {
            what,
            row,
            column,
            value,
        }) => {
            assert_eq!(what, "X");
            assert_eq!((row, column), (7, 2));
            assert!(value.is_nan());
        }
        other => panic!("expected NonFinite, got {other:?}"),
    }
}

#[test]
fn infinity_is_rejected() {
    let mut x = random_rows(20, 3, 0);
    x[[4, 0]] = f64::NEG_INFINITY;
    match NnDescent::new(3).knn(x.view()) {
        Err(Error::NonFinite {
            row, column, value, ..
        }) => {
            assert_eq!((row, column), (4, 0));
            assert_eq!(value, f64::NEG_INFINITY);
        }
        other => panic!("expected NonFinite, got {other:?}"),
    }
}

#[test]
fn k_not_below_n_is_rejected() {
    let x = random_rows(10, 2, 0);
    match NnDescent::new(10).knn(x.view()) {
        Err(Error::InvalidParameter {
            name,
            value,
            expected,
        }) => {
            assert_eq!(name, "n_neighbors");
            assert_eq!(value, "10");
            assert!(expected.contains("less than n_samples (10)"), "{expected}");
            assert!(
                expected.contains("lower n_neighbors or pass more rows"),
                "{expected}"
            );
        }
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
}

#[test]
fn zero_k_is_rejected() {
    let x = random_rows(10, 2, 0);
    match NnDescent::new(0).knn(x.view()) {
        Err(Error::InvalidParameter { name, value, .. }) => {
            assert_eq!(name, "n_neighbors");
            assert_eq!(value, "0");
        }
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
}

#[test]
fn negative_delta_is_rejected() {
    let x = random_rows(10, 2, 0);
    match NnDescent::new(3).delta(-0.5).knn(x.view()) {
        Err(Error::InvalidParameter { name, value, .. }) => {
            assert_eq!(name, "delta");
            assert_eq!(value, "-0.5");
        }
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
}

#[test]
fn zero_max_candidates_is_rejected() {
    let x = random_rows(10, 2, 0);
    match NnDescent::new(3).max_candidates(0).knn(x.view()) {
        Err(Error::InvalidParameter { name, value, .. }) => {
            assert_eq!(name, "max_candidates");
            assert_eq!(value, "0");
        }
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
}

#[test]
fn zero_leaf_size_is_rejected() {
    let x = random_rows(10, 2, 0);
    match NnDescent::new(3).leaf_size(0).knn(x.view()) {
        Err(Error::InvalidParameter { name, value, .. }) => {
            assert_eq!(name, "leaf_size");
            assert_eq!(value, "0");
        }
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
}

#[test]
fn too_many_iterations_is_rejected() {
    let x = random_rows(10, 2, 0);
    match NnDescent::new(3).n_iters(1 << 22).knn(x.view()) {
        Err(Error::InvalidParameter { name, value, .. }) => {
            assert_eq!(name, "n_iters");
            assert_eq!(value, "4194304");
        }
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
}

#[test]
fn zero_row_is_rejected_for_cosine() {
    let mut x = random_rows(10, 3, 0);
    x.row_mut(6).fill(0.0);
    match NnDescent::new(3).metric(Metric::Cosine).knn(x.view()) {
        Err(Error::ZeroVector { what, row }) => {
            assert_eq!(what, "X");
            assert_eq!(row, 6);
        }
        other => panic!("expected ZeroVector, got {other:?}"),
    }
}

/// Returns the CPU time of this process in seconds (all threads, user and system), read
/// from `/proc/self/stat` on Linux, or `None` elsewhere. Unlike wall time it does not grow
/// when other processes compete for the cores.
fn process_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The split starts at field 3, the one after the parenthesised command name, so utime
    // and stime (fields 14 and 15) sit at positions 11 and 12. Both count clock ticks,
    // which are 1/100 s on common Linux systems.
    let after_name = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let user: f64 = fields.get(11)?.parse().ok()?;
    let system: f64 = fields.get(12)?.parse().ok()?;
    Some((user + system) / 100.0)
}

/// Runs `work` and returns its result, wall time and process CPU time in seconds.
fn timed<T>(work: impl FnOnce() -> T) -> (T, f64, f64) {
    let cpu_before = process_cpu_seconds().unwrap_or(f64::NAN);
    let started = Instant::now();
    let result = work();
    let wall = started.elapsed().as_secs_f64();
    let cpu = process_cpu_seconds().unwrap_or(f64::NAN) - cpu_before;
    (result, wall, cpu)
}

/// Prints the best of 3 wall and CPU times of the exact search and of NN-descent (k = 15)
/// on the first `n` rows of `x` for each `n` of `sizes`, with the recall.
fn compare_timings(name: &str, x: ArrayView2<'_, f32>, metric: Metric, sizes: &[usize]) {
    for &n in sizes {
        let subset = x.slice(s![..n, ..]);
        let (mut exact_wall, mut exact_cpu) = (f64::INFINITY, f64::INFINITY);
        let (mut approximate_wall, mut approximate_cpu) = (f64::INFINITY, f64::INFINITY);
        let mut recall_found = 0.0;
        for _ in 0..3 {
            let (exact, wall, cpu) = timed(|| exact_knn(subset, 15, metric).expect("valid input"));
            exact_wall = exact_wall.min(wall);
            exact_cpu = exact_cpu.min(cpu);
            let search = NnDescent::new(15).metric(metric).seed(0);
            let (approximate, wall, cpu) = timed(|| search.knn(subset).expect("valid input"));
            approximate_wall = approximate_wall.min(wall);
            approximate_cpu = approximate_cpu.min(cpu);
            recall_found = recall(&approximate, &exact);
        }
        println!(
            "{name} n = {n}: exact {exact_wall:.3} s ({exact_cpu:.2} s CPU), NN-descent \
             {approximate_wall:.3} s ({approximate_cpu:.2} s CPU), recall {recall_found:.4}"
        );
    }
}

/// Times the exact search and NN-descent on the first rows of mnist10k (euclidean) and of
/// debian_minilm (cosine). Run with `EMBVIZ_DATA=... cargo test -p embviz-neighbors
/// --release --test nndescent -- --ignored --nocapture timings`.
#[test]
#[ignore = "timing measurement, not a check"]
fn exact_and_approximate_timings() {
    if let Some(x) = external_data("mnist10k") {
        let sizes = [2000, 4000, 6000, 8000, 10000];
        compare_timings("mnist10k", x.view(), Metric::Euclidean, &sizes);
    }
    if let Some(x) = external_data("debian_minilm") {
        let sizes = [4000, 8000, 12000, 16000, 20000];
        compare_timings("debian_minilm", x.view(), Metric::Cosine, &sizes);
    }
}
