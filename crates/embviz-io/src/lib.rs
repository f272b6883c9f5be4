//! embviz-io.
#![deny(clippy::unwrap_used, clippy::panic)]
#![forbid(unsafe_code)]
