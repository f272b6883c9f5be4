use ndarray::{ArrayBase, ArrayView2, CowArray, Data, Ix2};

use crate::{Error, Float, Result};

/// A two-dimensional input: `n_rows` samples of `n_cols` features.
///
/// Every embviz algorithm takes `&impl Matrix<F>`, so the same call accepts
///
/// - an ndarray [`Array2`](ndarray::Array2) or [`ArrayView2`], borrowed without a copy when
///   each row is contiguous in memory (a column stride of 1) and copied once otherwise,
///   for example for a transposed view;
/// - a nalgebra matrix, copied once because nalgebra stores columns, not rows;
/// - a `Vec<Vec<F>>`, copied once, where rows of different lengths are an error;
/// - a flat row-major slice with a column count, through [`RowMajor`], without a copy.
///
/// # Example
///
/// ```
/// use embviz_core::Matrix;
/// use ndarray::array;
///
/// let x = array![[1.0_f32, 2.0], [3.0, 4.0], [5.0, 6.0]];
/// let transposed = x.t();
/// let rows = transposed.to_rows()?; // copied into row-major order
/// assert_eq!(rows.dim(), (2, 3));
/// assert_eq!(rows.row(1).as_slice(), Some(&[2.0_f32, 4.0, 6.0][..]));
/// # Ok::<(), embviz_core::Error>(())
/// ```
pub trait Matrix<F: Float> {
    /// Returns the number of rows and columns. For a ragged `Vec<Vec<_>>`, the column count
    /// is that of row 0.
    fn shape(&self) -> (usize, usize);

    /// Returns the data with every row contiguous in memory, borrowing where the layout
    /// allows and copying otherwise.
    ///
    /// The returned rows always satisfy `row.as_slice().is_some()`.
    ///
    /// # Errors
    ///
    /// [`Error::RaggedRows`] when the rows of a `Vec<Vec<_>>` differ in length.
    fn to_rows(&self) -> Result<CowArray<'_, F, Ix2>>;
}

impl<F, S> Matrix<F> for ArrayBase<S, Ix2>
where
    F: Float,
    S: Data<Elem = F>,
{
    fn shape(&self) -> (usize, usize) {
        self.dim()
    }

    fn to_rows(&self) -> Result<CowArray<'_, F, Ix2>> {
        let (n_rows, n_cols) = self.dim();
        let rows_contiguous = n_rows == 0 || n_cols <= 1 || self.strides()[1] == 1;
        if rows_contiguous {
            Ok(CowArray::from(self.view()))
        } else {
            Ok(CowArray::from(self.as_standard_layout().into_owned()))
        }
    }
}

impl<F, R, C, S> Matrix<F> for nalgebra::Matrix<F, R, C, S>
where
    F: Float,
    R: nalgebra::Dim,
    C: nalgebra::Dim,
    S: nalgebra::RawStorage<F, R, C>,
{
    fn shape(&self) -> (usize, usize) {
        nalgebra::Matrix::shape(self)
    }

    fn to_rows(&self) -> Result<CowArray<'_, F, Ix2>> {
        let (n_rows, n_cols) = nalgebra::Matrix::shape(self);
        let rows = ndarray::Array2::from_shape_fn((n_rows, n_cols), |(i, j)| self[(i, j)]);
        Ok(CowArray::from(rows))
    }
}

impl<F: Float> Matrix<F> for Vec<Vec<F>> {
    fn shape(&self) -> (usize, usize) {
        (self.len(), self.first().map_or(0, Vec::len))
    }

    fn to_rows(&self) -> Result<CowArray<'_, F, Ix2>> {
        let (n_rows, n_cols) = Matrix::<F>::shape(self);
        if let Some((row, found)) = self
            .iter()
            .map(Vec::len)
            .enumerate()
            .find(|&(_, len)| len != n_cols)
        {
            return Err(Error::RaggedRows {
                what: "X",
                row,
                expected: n_cols,
                found,
            });
        }
        let flat: Vec<F> = self.iter().flatten().copied().collect();
        let rows = ndarray::Array2::from_shape_vec((n_rows, n_cols), flat).map_err(|_| {
            Error::ShapeMismatch {
                what: "X",
                expected: format!("{} values", n_rows * n_cols),
                found: "a different count".to_owned(),
            }
        })?;
        Ok(CowArray::from(rows))
    }
}

/// A flat slice read as a matrix in row-major (C) order, without a copy.
///
/// This is how a buffer from another library (a `Vec<f32>` of `n * d` values, a memory
/// map) is passed to embviz.
///
/// # Example
///
/// ```
/// use embviz_core::{Matrix, RowMajor};
///
/// let data = [1.0_f64, 2.0, 3.0, 4.0, 5.0, 6.0];
/// let x = RowMajor::new(&data, 3)?;
/// assert_eq!(x.shape(), (2, 3));
/// # Ok::<(), embviz_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct RowMajor<'a, F> {
    view: ArrayView2<'a, F>,
}

impl<'a, F: Float> RowMajor<'a, F> {
    /// Wraps `data` as rows of `n_cols` values each.
    ///
    /// # Errors
    ///
    /// [`Error::ShapeMismatch`] when `n_cols` is zero or does not divide `data.len()`.
    pub fn new(data: &'a [F], n_cols: usize) -> Result<Self> {
        if n_cols == 0 || !data.len().is_multiple_of(n_cols) {
            return Err(Error::ShapeMismatch {
                what: "X",
                expected: format!("a length that is a multiple of n_cols = {n_cols}"),
                found: format!("{} values", data.len()),
            });
        }
        let view = ArrayView2::from_shape((data.len() / n_cols, n_cols), data).map_err(|_| {
            Error::ShapeMismatch {
                what: "X",
                expected: format!("a length that is a multiple of n_cols = {n_cols}"),
                found: format!("{} values", data.len()),
            }
        })?;
        Ok(Self { view })
    }
}

impl<F: Float> Matrix<F> for RowMajor<'_, F> {
    fn shape(&self) -> (usize, usize) {
        self.view.dim()
    }

    fn to_rows(&self) -> Result<CowArray<'_, F, Ix2>> {
        Ok(CowArray::from(self.view))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array2, array, s};

    #[test]
    fn contiguous_array_is_borrowed() {
        let x = array![[1.0_f32, 2.0], [3.0, 4.0]];
        let rows = x.to_rows().expect("a 2x2 array is valid");
        assert!(rows.is_view());
        assert_eq!(rows, x);
    }

    #[test]
    fn column_slice_is_borrowed() {
        let x = Array2::<f64>::from_shape_fn((4, 5), |(i, j)| (i * 5 + j) as f64);
        let sliced = x.slice(s![.., 1..3]);
        let rows = sliced.to_rows().expect("a slice is valid");
        assert!(rows.is_view());
        assert_eq!(rows.row(2).as_slice(), Some(&[11.0, 12.0][..]));
    }

    #[test]
    fn transposed_view_is_copied() {
        let x = array![[1.0_f64, 2.0, 3.0], [4.0, 5.0, 6.0]];
        let transposed = x.t();
        let rows = transposed.to_rows().expect("a transposed view is valid");
        assert!(!rows.is_view());
        assert_eq!(rows, array![[1.0, 4.0], [2.0, 5.0], [3.0, 6.0]]);
        assert!(rows.row(0).as_slice().is_some());
    }

    #[test]
    fn nalgebra_matrix_keeps_row_order() {
        let m = nalgebra::DMatrix::<f32>::from_row_slice(2, 3, &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        let rows = m.to_rows().expect("a nalgebra matrix is valid");
        assert_eq!(rows, array![[1.0_f32, 2.0, 3.0], [4.0, 5.0, 6.0]]);
    }

    #[test]
    fn vec_of_rows_is_copied() {
        let x = vec![vec![1.0_f64, 2.0], vec![3.0, 4.0], vec![5.0, 6.0]];
        assert_eq!(Matrix::<f64>::shape(&x), (3, 2));
        let rows = x.to_rows().expect("equal rows are valid");
        assert_eq!(rows, array![[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]);
    }

    #[test]
    fn ragged_rows_are_rejected() {
        let x = vec![vec![1.0_f32, 2.0], vec![3.0, 4.0], vec![5.0]];
        match x.to_rows() {
            Err(Error::RaggedRows {
                row,
                expected,
                found,
                ..
            }) => {
                assert_eq!(row, 2);
                assert_eq!(expected, 2);
                assert_eq!(found, 1);
            }
            other => panic!("expected RaggedRows, got {other:?}"),
        }
    }

    #[test]
    fn row_major_slice_checks_length() {
        let data = [0.0_f32; 7];
        assert!(matches!(
            RowMajor::new(&data, 2),
            Err(Error::ShapeMismatch { .. })
        ));
        assert!(matches!(
            RowMajor::new(&data, 0),
            Err(Error::ShapeMismatch { .. })
        ));
        let x = RowMajor::new(&data[..6], 3).expect("6 values make 2 rows of 3");
        assert_eq!(x.shape(), (2, 3));
        assert!(x.to_rows().expect("valid").is_view());
    }
}
