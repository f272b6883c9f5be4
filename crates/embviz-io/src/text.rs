//! Reading UTF-8 text files as lines.

use std::path::Path;

use embviz_core::{Error, Result};

/// Reads a UTF-8 text file and splits it into lines.
///
/// Lines end in `\n` or `\r\n`, the terminator of the last line is optional, and a leading
/// byte-order mark is dropped. An empty file has no lines.
///
/// # Errors
///
/// [`Error::Io`] when the file cannot be read, and [`Error::InvalidFile`] naming the line
/// of the first byte that is not valid UTF-8.
pub(crate) fn read_lines(path: &Path) -> Result<Vec<String>> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    split_lines(path, bytes)
}

/// Decodes the content `bytes` of the file `path` as UTF-8 and splits it into lines, as
/// [`read_lines`] does.
///
/// # Errors
///
/// [`Error::InvalidFile`] naming the line of the first byte that is not valid UTF-8.
pub(crate) fn split_lines(path: &Path, bytes: Vec<u8>) -> Result<Vec<String>> {
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
            return Err(Error::InvalidFile {
                path: path.to_path_buf(),
                reason: format!(
                    "line {line} is not valid UTF-8 (byte offset {}): save the file as UTF-8",
                    valid.len()
                ),
            });
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    Ok(text.lines().map(str::to_owned).collect())
}

/// Returns the 1-based number of the first line that is empty or only whitespace.
pub(crate) fn first_blank_line(lines: &[String]) -> Option<usize> {
    lines
        .iter()
        .position(|line| line.trim().is_empty())
        .map(|index| index + 1)
}
