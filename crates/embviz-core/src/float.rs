use std::fmt::{Debug, Display};
use std::iter::Sum;

use ndarray::{LinalgScalar, ScalarOperand};

mod private {
    pub trait Sealed {}
    impl Sealed for f32 {}
    impl Sealed for f64 {}
}

/// The floating-point types embviz computes with: `f32` and `f64`.
///
/// The trait is sealed, so methods can be added to it without breaking users.
pub trait Float:
    num_traits::Float
    + num_traits::FromPrimitive
    + LinalgScalar
    + ScalarOperand
    + nalgebra::Scalar
    + Sum
    + Default
    + Debug
    + Display
    + Send
    + Sync
    + 'static
    + private::Sealed
{
    /// Name of the type as numpy spells its dtype (`float32`, `float64`).
    const DTYPE_NAME: &'static str;

    /// Converts from `f64`, rounding to nearest for `f32`.
    fn from_f64_lossy(value: f64) -> Self;

    /// Converts to `f64` exactly.
    fn to_f64_exact(self) -> f64;
}

impl Float for f32 {
    const DTYPE_NAME: &'static str = "float32";

    #[inline]
    fn from_f64_lossy(value: f64) -> Self {
        value as f32
    }

    #[inline]
    fn to_f64_exact(self) -> f64 {
        f64::from(self)
    }
}

impl Float for f64 {
    const DTYPE_NAME: &'static str = "float64";

    #[inline]
    fn from_f64_lossy(value: f64) -> Self {
        value
    }

    #[inline]
    fn to_f64_exact(self) -> f64 {
        self
    }
}
