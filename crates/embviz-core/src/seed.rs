//! Seeded random number generators.
//!
//! embviz uses ChaCha8 (from `rand_chacha`) rather than `rand::rngs::StdRng`, whose algorithm
//! may change between `rand` releases, so a seed gives the same numbers on every platform and
//! version. Parallel work takes one generator per chunk, tree or epoch from
//! [`stream_rng`], so results do not depend on how work is spread over threads.

use rand::{RngExt, SeedableRng};
pub use rand_chacha::ChaCha8Rng;

/// Returns the generator for `seed`.
pub fn rng(seed: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(seed)
}

/// Returns an independent generator for the `stream`-th chunk of work under `seed`.
///
/// Streams of one seed never overlap (ChaCha's 64-bit stream id), so chunk `i` draws the
/// same numbers whichever thread runs it.
pub fn stream_rng(seed: u64, stream: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    rng
}

/// Draws a fresh seed from the operating system's entropy, for estimators whose user gave
/// none. Estimators store the seed they used, so such a run can be repeated.
pub fn random_seed() -> u64 {
    rand::rng().random()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn same_seed_same_numbers() {
        let a: Vec<u64> = (0..4).map(|_| rng(7).next_u64()).collect();
        assert!(a.iter().all(|&v| v == a[0]));
        assert_ne!(rng(7).next_u64(), rng(8).next_u64());
    }

    #[test]
    fn streams_differ() {
        let mut s0 = stream_rng(7, 0);
        let mut s1 = stream_rng(7, 1);
        assert_ne!(s0.next_u64(), s1.next_u64());
        assert_eq!(stream_rng(3, 5).next_u64(), stream_rng(3, 5).next_u64());
    }
}
