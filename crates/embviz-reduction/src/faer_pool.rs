//! A thread pool for faer calls.

/// Runs `work`, which calls faer, on a temporary thread pool of the current pool's size.
///
/// PERF: faer's AVX-512 kernels return with the upper halves of the vector registers dirty,
/// so every SSE instruction that the same thread ran afterwards paid a transition penalty.
/// The t-SNE perplexity search on digits took 260 ms after a PCA on the same threads and
/// 11 ms before (2-core AVX-512 Xeon). The temporary threads end with the work, so the
/// caller's threads stay clean. Building the pool costs well under a millisecond.
pub(crate) fn isolated<T: Send>(work: impl FnOnce() -> T + Send) -> T {
    match rayon::ThreadPoolBuilder::new()
        .num_threads(rayon::current_num_threads())
        .build()
    {
        Ok(pool) => pool.install(work),
        Err(error) => {
            log::debug!("running faer on the caller's threads: {error}");
            work()
        }
    }
}
