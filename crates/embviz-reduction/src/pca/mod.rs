//! Principal component analysis.
