//! The `.npy` header: magic string, format version, header length and the Python dict
//! literal that describes the array, such as
//! `{'descr': '<f4', 'fortran_order': False, 'shape': (1797, 64), }`.
//!
//! The layout follows numpy's `numpy/lib/format.py`. A file starts with the 6 magic bytes
//! `\x93NUMPY` and a major and a minor version byte. The header length follows as a
//! little-endian `u16` in version 1.0 and a `u32` in versions 2.0 and 3.0. The header text
//! is latin-1 in versions 1.0 and 2.0 and UTF-8 in version 3.0.

use std::fmt;
use std::io::Read;
use std::path::Path;

use embviz_core::{Error, Result};

use super::dtype::Dtype;

/// The first six bytes of every `.npy` file.
pub(crate) const MAGIC: &[u8; 6] = b"\x93NUMPY";

/// The first four bytes of a zip archive, which is what an `.npz` file is.
const ZIP_MAGIC: &[u8; 4] = b"PK\x03\x04";

/// Nesting limit of the header literal. Real headers nest at most a few levels (a
/// structured dtype inside a list inside the dict), and the limit keeps a malformed header
/// from exhausting the stack.
const MAX_DEPTH: usize = 32;

/// A parsed `.npy` header.
#[derive(Debug, Clone)]
pub(crate) struct Header {
    /// The element type.
    pub(crate) dtype: Dtype,
    /// Whether the data is stored column-major.
    pub(crate) fortran_order: bool,
    /// The array shape, outermost dimension first.
    pub(crate) shape: Vec<usize>,
    /// Byte offset of the first element from the start of the file.
    pub(crate) data_offset: u64,
}

impl Header {
    /// Formats the shape as Python prints a tuple: `(3,)`, `(3, 4)`, `()`.
    pub(crate) fn shape_text(&self) -> String {
        shape_text(&self.shape)
    }
}

/// Formats a shape as Python prints a tuple: `(3,)`, `(3, 4)`, `()`.
pub(crate) fn shape_text(shape: &[usize]) -> String {
    match shape {
        [single] => format!("({single},)"),
        _ => {
            let parts: Vec<String> = shape.iter().map(usize::to_string).collect();
            format!("({})", parts.join(", "))
        }
    }
}

fn invalid(path: &Path, reason: impl Into<String>) -> Error {
    Error::InvalidFile {
        path: path.to_path_buf(),
        reason: reason.into(),
    }
}

fn io_error(path: &Path, source: std::io::Error) -> Error {
    Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Reads into `buf` until it is full or the input ends, and returns the number of bytes read.
pub(crate) fn read_up_to(reader: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// Reads and parses the header, leaving `reader` at the first data byte.
///
/// # Errors
///
/// [`Error::Io`] when reading fails, and [`Error::InvalidFile`] for a wrong magic string, an
/// unknown version, a header cut short, or a header dict that is malformed or lacks a key.
pub(crate) fn read_header(reader: &mut impl Read, path: &Path) -> Result<Header> {
    let mut prelude = [0_u8; 8];
    let n = read_up_to(reader, &mut prelude).map_err(|e| io_error(path, e))?;
    if n < MAGIC.len() || &prelude[..MAGIC.len()] != MAGIC {
        return Err(invalid(path, bad_magic_reason(&prelude[..n])));
    }
    if n < prelude.len() {
        return Err(invalid(
            path,
            format!("file is {n} bytes long and ends inside the .npy format version"),
        ));
    }

    let (major, minor) = (prelude[6], prelude[7]);
    let length_bytes = match (major, minor) {
        (1, 0) => 2,
        (2, 0) | (3, 0) => 4,
        _ => {
            return Err(invalid(
                path,
                format!(
                    "unsupported .npy format version {major}.{minor}: versions 1.0, 2.0 and 3.0 \
                     can be read, so save the array again with numpy.save"
                ),
            ));
        }
    };

    let mut length_buf = [0_u8; 4];
    let n = read_up_to(reader, &mut length_buf[..length_bytes]).map_err(|e| io_error(path, e))?;
    if n < length_bytes {
        return Err(invalid(
            path,
            format!(
                "file is {} bytes long and ends inside the header length",
                prelude.len() + n
            ),
        ));
    }
    let header_len = u32::from_le_bytes(length_buf) as usize;
    let prelude_len = prelude.len() + length_bytes;

    // Reading through `take` grows the buffer with the data, so a corrupt length near 4 GiB
    // in a short file allocates no more than the file size.
    let mut text_bytes = Vec::new();
    let n = reader
        .by_ref()
        .take(header_len as u64)
        .read_to_end(&mut text_bytes)
        .map_err(|e| io_error(path, e))?;
    if n < header_len {
        return Err(invalid(
            path,
            format!(
                "file is truncated inside its header: the header needs {} bytes but the file \
                 has only {}",
                prelude_len + header_len,
                prelude_len + n
            ),
        ));
    }

    let text = if major >= 3 {
        String::from_utf8(text_bytes)
            .map_err(|e| invalid(path, format!("version 3.0 header is not valid UTF-8: {e}")))?
    } else {
        // Versions 1.0 and 2.0 store latin-1, whose 256 code points are the first 256 of
        // Unicode, so each byte maps to the char with the same number.
        text_bytes.iter().map(|&b| char::from(b)).collect()
    };

    let (dtype, fortran_order, shape) =
        parse_dict(&text).map_err(|reason| invalid(path, reason))?;
    let data_offset = u64::try_from(prelude_len + header_len)
        .expect("a header length read from at most 4 bytes fits in u64");
    Ok(Header {
        dtype,
        fortran_order,
        shape,
        data_offset,
    })
}

fn bad_magic_reason(start: &[u8]) -> String {
    if start.is_empty() {
        return "file is empty, so it is not a .npy file".to_owned();
    }
    if start.starts_with(ZIP_MAGIC) {
        return "file is a zip archive (an .npz file?), not a .npy file: load the archive \
                with numpy.load and save the array you need with numpy.save"
            .to_owned();
    }
    let hex_bytes: Vec<String> = start
        .iter()
        .take(MAGIC.len())
        .map(|b| format!("{b:02x}"))
        .collect();
    format!(
        "not a .npy file: it starts with bytes {} instead of the magic string \\x93NUMPY",
        hex_bytes.join(" ")
    )
}

/// Parses the header text into dtype, Fortran-order flag and shape.
fn parse_dict(text: &str) -> Result<(Dtype, bool, Vec<usize>), String> {
    let mut parser = Parser {
        text,
        position: 0,
        depth: 0,
    };
    let value = parser.value()?;
    parser.skip_whitespace();
    if parser.position < text.len() {
        return Err(format!(
            "header has unexpected text after its dict at byte {}: {:?}",
            parser.position,
            excerpt(&text[parser.position..])
        ));
    }
    let Literal::Dict(entries) = value else {
        return Err(format!("header is not a dict: {}", excerpt(text)));
    };

    let mut descr = None;
    let mut fortran_order = None;
    let mut shape = None;
    for (key, value) in entries {
        match key {
            Literal::Str(ref k) if k == "descr" => descr = Some(value),
            Literal::Str(ref k) if k == "fortran_order" => fortran_order = Some(value),
            Literal::Str(ref k) if k == "shape" => shape = Some(value),
            other => log::warn!("ignoring unknown .npy header key {other}"),
        }
    }

    let descr = descr.ok_or("header has no 'descr' key")?;
    let dtype = match descr {
        Literal::Str(s) => Dtype::parse(&s)?,
        // A list of (name, type) pairs describes a structured dtype.
        structured @ Literal::List(_) => Dtype::Unsupported(structured.to_string()),
        other => return Err(format!("header 'descr' is {other}, not a dtype string")),
    };

    let fortran_order = match fortran_order.ok_or("header has no 'fortran_order' key")? {
        Literal::Bool(b) => b,
        other => {
            return Err(format!(
                "header 'fortran_order' is {other}, not True or False"
            ));
        }
    };

    let shape = match shape.ok_or("header has no 'shape' key")? {
        Literal::Tuple(items) | Literal::List(items) => items
            .iter()
            .map(|item| match item {
                Literal::Int(n) => usize::try_from(*n).map_err(|_| {
                    format!("header 'shape' has dimension {n}, which is not a valid length")
                }),
                other => Err(format!(
                    "header 'shape' has dimension {other}, not an integer"
                )),
            })
            .collect::<Result<Vec<usize>, String>>()?,
        other => return Err(format!("header 'shape' is {other}, not a tuple")),
    };

    Ok((dtype, fortran_order, shape))
}

/// Shortens `text` for an error message.
fn excerpt(text: &str) -> String {
    const MAX_CHARS: usize = 60;
    if text.chars().count() <= MAX_CHARS {
        text.to_owned()
    } else {
        let head: String = text.chars().take(MAX_CHARS).collect();
        format!("{head}...")
    }
}

/// A Python literal as it appears in a `.npy` header.
#[derive(Debug, Clone, PartialEq)]
enum Literal {
    Str(String),
    Int(i128),
    Bool(bool),
    None,
    Tuple(Vec<Literal>),
    List(Vec<Literal>),
    Dict(Vec<(Literal, Literal)>),
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn items(f: &mut fmt::Formatter<'_>, items: &[Literal]) -> fmt::Result {
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{item}")?;
            }
            Ok(())
        }
        match self {
            Self::Str(s) => write!(f, "'{s}'"),
            Self::Int(n) => write!(f, "{n}"),
            Self::Bool(true) => f.write_str("True"),
            Self::Bool(false) => f.write_str("False"),
            Self::None => f.write_str("None"),
            Self::Tuple(v) => {
                f.write_str("(")?;
                items(f, v)?;
                f.write_str(if v.len() == 1 { ",)" } else { ")" })
            }
            Self::List(v) => {
                f.write_str("[")?;
                items(f, v)?;
                f.write_str("]")
            }
            Self::Dict(entries) => {
                f.write_str("{")?;
                for (i, (key, value)) in entries.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{key}: {value}")?;
                }
                f.write_str("}")
            }
        }
    }
}

/// A recursive-descent parser for the subset of Python literals that numpy writes:
/// dicts, tuples, lists, quoted strings, integers (with Python 2's `L` suffix), `True`,
/// `False` and `None`.
struct Parser<'a> {
    text: &'a str,
    position: usize,
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.text[self.position..].chars().next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.position += c.len_utf8();
        Some(c)
    }

    fn skip_whitespace(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.bump();
        }
    }

    fn unexpected(&self, expected: &str) -> String {
        match self.peek() {
            Some(c) => format!(
                "header is not a valid Python literal: expected {expected} at byte {} but found {c:?}",
                self.position
            ),
            None => format!(
                "header is not a valid Python literal: it ends where {expected} is expected"
            ),
        }
    }

    fn value(&mut self) -> Result<Literal, String> {
        self.skip_whitespace();
        match self.peek() {
            Some('{') => self.nested(Self::dict),
            Some('(') => self.nested(|p| p.sequence(')').map(Literal::Tuple)),
            Some('[') => self.nested(|p| p.sequence(']').map(Literal::List)),
            Some(quote @ ('\'' | '"')) => self.string(quote),
            Some(c) if c == '-' || c == '+' || c.is_ascii_digit() => self.int(),
            Some(c) if c.is_ascii_alphabetic() => self.keyword(),
            _ => Err(self.unexpected("a value")),
        }
    }

    /// Parses a bracketed value with `body`, after the opening bracket, tracking the
    /// nesting depth.
    fn nested(
        &mut self,
        body: impl FnOnce(&mut Self) -> Result<Literal, String>,
    ) -> Result<Literal, String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(format!("header nests more than {MAX_DEPTH} levels deep"));
        }
        self.bump();
        let result = body(self);
        self.depth -= 1;
        result
    }

    /// Parses comma-separated values up to `close`, allowing a trailing comma.
    fn sequence(&mut self, close: char) -> Result<Vec<Literal>, String> {
        let mut items = Vec::new();
        loop {
            self.skip_whitespace();
            if self.peek() == Some(close) {
                self.bump();
                return Ok(items);
            }
            items.push(self.value()?);
            self.skip_whitespace();
            match self.peek() {
                Some(',') => {
                    self.bump();
                }
                Some(c) if c == close => {}
                _ => return Err(self.unexpected(&format!("',' or '{close}'"))),
            }
        }
    }

    fn dict(&mut self) -> Result<Literal, String> {
        let mut entries = Vec::new();
        loop {
            self.skip_whitespace();
            if self.peek() == Some('}') {
                self.bump();
                return Ok(Literal::Dict(entries));
            }
            let key = self.value()?;
            self.skip_whitespace();
            if self.peek() != Some(':') {
                return Err(self.unexpected("':'"));
            }
            self.bump();
            let value = self.value()?;
            entries.push((key, value));
            self.skip_whitespace();
            match self.peek() {
                Some(',') => {
                    self.bump();
                }
                Some('}') => {}
                _ => return Err(self.unexpected("',' or '}'")),
            }
        }
    }

    fn string(&mut self, quote: char) -> Result<Literal, String> {
        self.bump();
        let mut out = String::new();
        loop {
            match self.bump() {
                None => return Err("header has a string without its closing quote".to_owned()),
                Some(c) if c == quote => return Ok(Literal::Str(out)),
                Some('\\') => match self.bump() {
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some('r') => out.push('\r'),
                    Some('0') => out.push('\0'),
                    Some(c) => out.push(c),
                    None => return Err("header has a string without its closing quote".to_owned()),
                },
                Some(c) => out.push(c),
            }
        }
    }

    fn int(&mut self) -> Result<Literal, String> {
        let start = self.position;
        if matches!(self.peek(), Some('-' | '+')) {
            self.bump();
        }
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.bump();
        }
        let digits = &self.text[start..self.position];
        // Python 2 wrote long integers with an `L` suffix, as in `(3L, 4L)`.
        if matches!(self.peek(), Some('L' | 'l')) {
            self.bump();
        }
        digits
            .parse::<i128>()
            .map(Literal::Int)
            .map_err(|_| format!("header has an invalid integer {digits:?} at byte {start}"))
    }

    fn keyword(&mut self) -> Result<Literal, String> {
        let start = self.position;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            self.bump();
        }
        match &self.text[start..self.position] {
            "True" => Ok(Literal::Bool(true)),
            "False" => Ok(Literal::Bool(false)),
            "None" => Ok(Literal::None),
            word => Err(format!(
                "header is not a valid Python literal: unknown name {word:?} at byte {start}"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::npy::dtype::Scalar;

    #[test]
    fn parse_numpy_header() {
        let (dtype, fortran, shape) =
            parse_dict("{'descr': '<f4', 'fortran_order': False, 'shape': (1797, 64), }    \n")
                .expect("valid header");
        assert_eq!(
            dtype,
            Dtype::Supported {
                scalar: Scalar::F32,
                big_endian: false
            }
        );
        assert!(!fortran);
        assert_eq!(shape, vec![1797, 64]);
    }

    #[test]
    fn parse_python2_long_shape() {
        let (_, fortran, shape) =
            parse_dict("{'descr': '>i8', 'fortran_order': True, 'shape': (3L, 4L)}")
                .expect("valid header");
        assert!(fortran);
        assert_eq!(shape, vec![3, 4]);
    }

    #[test]
    fn parse_structured_dtype() {
        let (dtype, _, _) = parse_dict(
            "{'descr': [('x', '<f4'), ('y', '<i4', (2,))], 'fortran_order': False, 'shape': (5,), }",
        )
        .expect("valid header");
        assert_eq!(
            dtype,
            Dtype::Unsupported("[('x', '<f4'), ('y', '<i4', (2,))]".to_owned())
        );
    }

    #[test]
    fn parse_scalar_shape() {
        let (_, _, shape) = parse_dict("{'descr': '<f8', 'fortran_order': False, 'shape': ()}")
            .expect("valid header");
        assert!(shape.is_empty());
    }

    #[test]
    fn parse_missing_key() {
        let error = parse_dict("{'descr': '<f8', 'shape': (2,)}").expect_err("no fortran_order");
        assert_eq!(error, "header has no 'fortran_order' key");
    }

    #[test]
    fn parse_negative_dimension() {
        let error = parse_dict("{'descr': '<f8', 'fortran_order': False, 'shape': (-2,)}")
            .expect_err("negative dimension");
        assert!(error.contains("-2"), "{error}");
    }

    #[test]
    fn parse_deep_nesting() {
        let text = format!("{}{}", "(".repeat(1000), ")".repeat(1000));
        let error = parse_dict(&text).expect_err("too deep");
        assert_eq!(
            error,
            format!("header nests more than {MAX_DEPTH} levels deep")
        );
    }

    #[test]
    fn parse_trailing_garbage() {
        let error = parse_dict("{'descr': '<f8', 'fortran_order': False, 'shape': (2,)} x")
            .expect_err("trailing text");
        assert!(error.contains("after its dict"), "{error}");
    }

    #[test]
    fn shape_text_matches_python() {
        assert_eq!(shape_text(&[3]), "(3,)");
        assert_eq!(shape_text(&[3, 4]), "(3, 4)");
        assert_eq!(shape_text(&[]), "()");
    }
}
