//! The element types of a `.npy` file and their conversion to `f64`, `F` and integers.

use embviz_core::Float;

/// An element type this crate can decode, as named by a numpy `descr` such as `<f4`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scalar {
    Bool,
    I8,
    I16,
    I32,
    I64,
    U8,
    U16,
    U32,
    U64,
    F16,
    F32,
    F64,
}

impl Scalar {
    /// Returns the size of one element in bytes.
    pub(crate) fn size(self) -> usize {
        match self {
            Self::Bool | Self::I8 | Self::U8 => 1,
            Self::I16 | Self::U16 | Self::F16 => 2,
            Self::I32 | Self::U32 | Self::F32 => 4,
            Self::I64 | Self::U64 | Self::F64 => 8,
        }
    }

    /// Returns true for the signed and unsigned integer types, which excludes bool.
    pub(crate) fn is_integer(self) -> bool {
        !matches!(self, Self::Bool | Self::F16 | Self::F32 | Self::F64)
    }
}

/// The `descr` of a `.npy` header, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Dtype {
    /// A type this crate decodes, with its byte order.
    Supported { scalar: Scalar, big_endian: bool },
    /// A well-formed numpy type that has no conversion to real numbers here (complex,
    /// object, string, datetime, structured), kept as text for the error message.
    Unsupported(String),
}

impl Dtype {
    /// Parses a numpy type string such as `<f4`, `>i8`, `|b1` or `<c8`.
    ///
    /// Returns `Err` with a reason when the string is not a numpy type string at all.
    pub(crate) fn parse(descr: &str) -> Result<Self, String> {
        let (order, rest) = match descr.chars().next() {
            Some(c @ ('<' | '>' | '|' | '=')) => (Some(c), &descr[1..]),
            _ => (None, descr),
        };
        let mut chars = rest.chars();
        let Some(kind) = chars.next() else {
            return Err(format!(
                "dtype '{descr}' is empty after its byte-order mark"
            ));
        };
        let size_text = chars.as_str();
        let scalar = match (kind, size_text) {
            ('b', "1") | ('?', "") => Scalar::Bool,
            ('i', "1") => Scalar::I8,
            ('i', "2") => Scalar::I16,
            ('i', "4") => Scalar::I32,
            ('i', "8") => Scalar::I64,
            ('u', "1") => Scalar::U8,
            ('u', "2") => Scalar::U16,
            ('u', "4") => Scalar::U32,
            ('u', "8") => Scalar::U64,
            ('f', "2") => Scalar::F16,
            ('f', "4") => Scalar::F32,
            ('f', "8") => Scalar::F64,
            // Complex, long double, object, bytes, unicode, void, datetime and timedelta
            // are numpy types that have no real-number value.
            ('c' | 'f' | 'O' | 'S' | 'a' | 'U' | 'V' | 'M' | 'm' | 'i' | 'u' | 'b', _) => {
                return Ok(Self::Unsupported(descr.to_owned()));
            }
            _ => return Err(format!("dtype '{descr}' is not a numpy type string")),
        };
        let big_endian = match order {
            Some('>') => true,
            Some('<') => false,
            Some('|') if scalar.size() > 1 => {
                return Err(format!(
                    "dtype '{descr}' has byte order '|', which numpy only uses for 1-byte types"
                ));
            }
            // '|' (1-byte types), '=' and no mark all mean the byte order of this machine.
            _ => cfg!(target_endian = "big"),
        };
        Ok(Self::Supported { scalar, big_endian })
    }
}

/// Reads element `N` bytes at a time in the given byte order and maps each value.
macro_rules! map_elements {
    ($bytes:expr, $big_endian:expr, $t:ty, $convert:expr) => {{
        const N: usize = std::mem::size_of::<$t>();
        let convert = $convert;
        let big_endian: bool = $big_endian;
        $bytes.chunks_exact(N).map(move |chunk| {
            let raw: [u8; N] = chunk
                .try_into()
                .expect("chunks_exact yields slices of exactly N bytes");
            let value = if big_endian {
                <$t>::from_be_bytes(raw)
            } else {
                <$t>::from_le_bytes(raw)
            };
            convert(value)
        })
    }};
}

/// Converts an integer to `F`, rounding to nearest as numpy's `astype` does.
fn int_to_float<F: Float>(value: i64) -> F {
    F::from_i64(value).expect("every i64 converts to f32 and f64, possibly rounded")
}

/// Converts an unsigned integer to `F`, rounding to nearest as numpy's `astype` does.
fn uint_to_float<F: Float>(value: u64) -> F {
    F::from_u64(value).expect("every u64 converts to f32 and f64, possibly rounded")
}

/// Converts an `f32` to `F`, which is exact for both float types.
fn f32_to_float<F: Float>(value: f32) -> F {
    F::from_f32(value).expect("every f32 converts to f32 and f64 exactly")
}

/// Decodes `bytes` (a whole number of elements) and appends the values, cast to `F`, to `out`.
///
/// Integers are rounded to the nearest representable `F`, bools become 0 and 1, and
/// `float64` values beyond the `float32` range become infinite when `F` is `f32`.
pub(crate) fn decode_floats<F: Float>(
    scalar: Scalar,
    big_endian: bool,
    bytes: &[u8],
    out: &mut Vec<F>,
) {
    match scalar {
        Scalar::Bool => out.extend(
            bytes
                .iter()
                .map(|&b| if b != 0 { F::one() } else { F::zero() }),
        ),
        Scalar::I8 => out.extend(map_elements!(
            bytes,
            big_endian,
            i8,
            |v: i8| int_to_float::<F>(v.into())
        )),
        Scalar::I16 => out.extend(map_elements!(
            bytes,
            big_endian,
            i16,
            |v: i16| int_to_float::<F>(v.into())
        )),
        Scalar::I32 => out.extend(map_elements!(
            bytes,
            big_endian,
            i32,
            |v: i32| int_to_float::<F>(v.into())
        )),
        Scalar::I64 => out.extend(map_elements!(bytes, big_endian, i64, int_to_float::<F>)),
        Scalar::U8 => out.extend(map_elements!(
            bytes,
            big_endian,
            u8,
            |v: u8| uint_to_float::<F>(v.into())
        )),
        Scalar::U16 => out.extend(map_elements!(bytes, big_endian, u16, |v: u16| {
            uint_to_float::<F>(v.into())
        })),
        Scalar::U32 => out.extend(map_elements!(bytes, big_endian, u32, |v: u32| {
            uint_to_float::<F>(v.into())
        })),
        Scalar::U64 => out.extend(map_elements!(bytes, big_endian, u64, uint_to_float::<F>)),
        Scalar::F16 => out.extend(map_elements!(bytes, big_endian, u16, |bits: u16| {
            f32_to_float::<F>(half::f16::from_bits(bits).to_f32())
        })),
        Scalar::F32 => out.extend(map_elements!(bytes, big_endian, f32, f32_to_float::<F>)),
        Scalar::F64 => out.extend(map_elements!(bytes, big_endian, f64, F::from_f64_lossy)),
    }
}

/// Decodes one element as `f64`, exactly except for 64-bit integers beyond 2^53, or `None`
/// when `bytes` is shorter than one element.
pub(crate) fn decode_one_f64(scalar: Scalar, big_endian: bool, bytes: &[u8]) -> Option<f64> {
    let mut out: Vec<f64> = Vec::with_capacity(1);
    decode_floats(scalar, big_endian, bytes, &mut out);
    out.first().copied()
}

/// Decodes integer or bool elements and appends them to `out` as `i128`, which represents every
/// `int64` and `uint64` value exactly. Returns false, appending nothing, for float types.
pub(crate) fn decode_integers(
    scalar: Scalar,
    big_endian: bool,
    bytes: &[u8],
    out: &mut Vec<i128>,
) -> bool {
    match scalar {
        Scalar::Bool => out.extend(bytes.iter().map(|&b| i128::from(b != 0))),
        Scalar::I8 => out.extend(map_elements!(bytes, big_endian, i8, i128::from)),
        Scalar::I16 => out.extend(map_elements!(bytes, big_endian, i16, i128::from)),
        Scalar::I32 => out.extend(map_elements!(bytes, big_endian, i32, i128::from)),
        Scalar::I64 => out.extend(map_elements!(bytes, big_endian, i64, i128::from)),
        Scalar::U8 => out.extend(map_elements!(bytes, big_endian, u8, i128::from)),
        Scalar::U16 => out.extend(map_elements!(bytes, big_endian, u16, i128::from)),
        Scalar::U32 => out.extend(map_elements!(bytes, big_endian, u32, i128::from)),
        Scalar::U64 => out.extend(map_elements!(bytes, big_endian, u64, i128::from)),
        Scalar::F16 | Scalar::F32 | Scalar::F64 => return false,
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_supported_types() {
        let cases = [
            ("<f4", Scalar::F32, false),
            (">f8", Scalar::F64, true),
            ("<f2", Scalar::F16, false),
            ("|b1", Scalar::Bool, cfg!(target_endian = "big")),
            ("|i1", Scalar::I8, cfg!(target_endian = "big")),
            ("|u1", Scalar::U8, cfg!(target_endian = "big")),
            (">i2", Scalar::I16, true),
            ("<u8", Scalar::U64, false),
        ];
        for (descr, scalar, big_endian) in cases {
            assert_eq!(
                Dtype::parse(descr),
                Ok(Dtype::Supported { scalar, big_endian }),
                "{descr}"
            );
        }
    }

    #[test]
    fn parse_unsupported_types() {
        for descr in [
            "<c8", ">c16", "|O", "|S10", "<U5", "|V16", "<M8[ns]", "<m8[s]", "<f16",
        ] {
            assert_eq!(
                Dtype::parse(descr),
                Ok(Dtype::Unsupported(descr.to_owned())),
                "{descr}"
            );
        }
    }

    #[test]
    fn parse_rejects_malformed_types() {
        for descr in ["", "<", "<x4", "|f4", "hello"] {
            assert!(Dtype::parse(descr).is_err(), "{descr}");
        }
    }

    #[test]
    fn decode_big_endian_i16() {
        let mut out: Vec<f64> = Vec::new();
        decode_floats(Scalar::I16, true, &[0xff, 0xfe, 0x01, 0x00], &mut out);
        assert_eq!(out, vec![-2.0, 256.0]);
    }

    #[test]
    fn decode_u64_keeps_exact_integers() {
        let mut out = Vec::new();
        let ok = decode_integers(Scalar::U64, false, &u64::MAX.to_le_bytes(), &mut out);
        assert!(ok);
        assert_eq!(out, vec![i128::from(u64::MAX)]);
    }

    #[test]
    fn decode_i64_to_f32_rounds_once() {
        // 2^24 + 1 is not representable in f32 and rounds to 2^24 (ties to even).
        let mut out: Vec<f32> = Vec::new();
        decode_floats(Scalar::I64, false, &16_777_217_i64.to_le_bytes(), &mut out);
        assert_eq!(out, vec![16_777_216.0_f32]);
    }
}
