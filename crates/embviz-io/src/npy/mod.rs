//! The numpy `.npy` format: reading every real-valued dtype, writing `f32`, `f64` and
//! `int64` ids.

mod dtype;
mod header;
mod read;
mod write;

pub(crate) use read::read_label_ids;
pub use read::{read_npy, read_npy_indices, read_npy_vector};
pub use write::{write_npy, write_npy_ids, write_npy_vector};

/// Returns true when `bytes` starts with the `.npy` magic string.
pub(crate) fn has_magic(bytes: &[u8]) -> bool {
    bytes.starts_with(header::MAGIC)
}
