//! The similarity of a matrix's rows with themselves, multiplying only half of the tiles.

use embviz_core::Float;
use ndarray::{Array2, ArrayView2, ArrayViewMut2, Axis, s};
use rayon::prelude::*;

use crate::cosine::BLOCK_ROWS;
use crate::kernel::{Scratch, product};
use crate::unit_rows::UnitRows;

/// Tiles below the diagonal multiplied in one matrix product. Two tiles of 256 x 256
/// values take at most 1 MiB, so they are still in the L2 cache when copied transposed,
/// and the product packs the block's rows half as often as one tile at a time would.
const TILES_PER_PRODUCT: usize = 2;

/// Side of the square pieces in which a tile is copied transposed, so that the rows read
/// and the rows written both stay in the L1 cache.
const TRANSPOSE_TILE: usize = 64;

/// Returns the `n x n` matrix of products of the unit rows of `rows`, in the type of the
/// input.
///
/// The output is cut into square tiles of [`BLOCK_ROWS`] rows and columns. One task per
/// block of rows multiplies the tiles from the diagonal to the last column, writes each
/// into its rows, and writes its transpose into the block's column below the diagonal,
/// while the tile is still in cache. The tasks own disjoint parts of the output, so they
/// run in parallel without locks or unsafe code.
pub(crate) fn self_similarity<F: Float>(rows: &UnitRows<'_, F>) -> Array2<F> {
    let n = rows.n_rows();
    let unit = rows.to_array();
    let mut similarity = Array2::<F>::zeros((n, n));
    split_by_row_block(&mut similarity)
        .into_par_iter()
        // One block per task: blocks near the top carry most of the tiles, so finer tasks
        // balance the threads.
        .with_max_len(1)
        .for_each(|task| task.run(unit.view()));
    similarity
}

/// The parts of the output that the task of one block of rows writes.
struct RowBlockTask<'a, F> {
    /// Index of the block: its rows start at `block * BLOCK_ROWS`.
    block: usize,
    /// The block's rows, from the first column of its diagonal tile to the last column.
    upper: ArrayViewMut2<'a, F>,
    /// The tiles below the diagonal in the block's columns, one per later block of rows.
    below: Vec<ArrayViewMut2<'a, F>>,
}

/// Splits a square matrix into the disjoint parts written by each block's task.
fn split_by_row_block<F>(matrix: &mut Array2<F>) -> Vec<RowBlockTask<'_, F>> {
    let mut tasks: Vec<RowBlockTask<'_, F>> = Vec::new();
    for (block, rows) in matrix.axis_chunks_iter_mut(Axis(0), BLOCK_ROWS).enumerate() {
        // Columns left of this block's diagonal tile belong to the earlier blocks' tasks.
        let mut rest = rows;
        for task in &mut tasks {
            let (tile, right) = rest.split_at(Axis(1), BLOCK_ROWS);
            task.below.push(tile);
            rest = right;
        }
        tasks.push(RowBlockTask {
            block,
            upper: rest,
            below: Vec::new(),
        });
    }
    tasks
}

impl<F: Float> RowBlockTask<'_, F> {
    /// Multiplies the block's tiles and writes them and their transposes.
    fn run(self, unit: ArrayView2<'_, F>) {
        let Self {
            block,
            mut upper,
            mut below,
        } = self;
        let start = block * BLOCK_ROWS;
        let n_block = upper.nrows();
        let a = unit.slice(s![start..start + n_block, ..]);
        let mut scratch = Scratch::default();

        // The diagonal tile is its own mirror: entries (r, c) and (c, r) sum the same
        // products in the same order, so the tile comes out symmetric.
        product(a, a, &mut upper.slice_mut(s![.., ..n_block]), &mut scratch);

        for (group, tiles) in below.chunks_mut(TILES_PER_PRODUCT).enumerate() {
            let first_column = (group * TILES_PER_PRODUCT + 1) * BLOCK_ROWS;
            let width: usize = tiles.iter().map(|tile| tile.nrows()).sum();
            let b = unit.slice(s![start + first_column..start + first_column + width, ..]);
            let columns = s![.., first_column..first_column + width];
            product(a, b, &mut upper.slice_mut(columns), &mut scratch);
            for (index, lower) in tiles.iter_mut().enumerate() {
                let column = first_column + index * BLOCK_ROWS;
                let source = upper.slice(s![.., column..column + lower.nrows()]);
                copy_transposed(source, lower.view_mut());
            }
        }
    }
}

/// Writes the transpose of `source` into `target`, in square pieces. Both are blocks of
/// row-major matrices, so their rows are contiguous slices.
fn copy_transposed<T: Copy>(source: ArrayView2<'_, T>, mut target: ArrayViewMut2<'_, T>) {
    let (rows, cols) = target.dim();
    let source_rows: Vec<&[T]> = source
        .rows()
        .into_iter()
        .map(|row| {
            row.to_slice()
                .expect("rows of a row-major block are contiguous")
        })
        .collect();
    for row_start in (0..rows).step_by(TRANSPOSE_TILE) {
        let row_end = (row_start + TRANSPOSE_TILE).min(rows);
        for col_start in (0..cols).step_by(TRANSPOSE_TILE) {
            let col_end = (col_start + TRANSPOSE_TILE).min(cols);
            let piece_sources = &source_rows[col_start..col_end];
            for i in row_start..row_end {
                let mut target_row = target.row_mut(i);
                let target_values = target_row
                    .as_slice_mut()
                    .expect("rows of a row-major block are contiguous");
                for (value, source_row) in target_values[col_start..col_end]
                    .iter_mut()
                    .zip(piece_sources)
                {
                    *value = source_row[i];
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tasks_cover_matrix_once() {
        let n = 2 * BLOCK_ROWS + 10;
        let mut matrix = Array2::<f64>::zeros((n, n));
        let mut tasks = split_by_row_block(&mut matrix);
        assert_eq!(tasks.len(), 3);
        let upper: Vec<(usize, usize)> = tasks.iter().map(|task| task.upper.dim()).collect();
        assert_eq!(upper, vec![(256, 522), (256, 266), (10, 10)]);
        let below: Vec<Vec<(usize, usize)>> = tasks
            .iter()
            .map(|task| task.below.iter().map(ArrayViewMut2::dim).collect())
            .collect();
        assert_eq!(
            below,
            vec![vec![(256, 256), (10, 256)], vec![(10, 256)], vec![]]
        );
        for task in &mut tasks {
            task.upper.fill(1.0);
            for tile in &mut task.below {
                tile.fill(1.0);
            }
        }
        assert!(
            matrix.iter().all(|&v| v == 1.0),
            "some entry belongs to no task"
        );
    }

    #[test]
    fn transposed_copy_is_exact() {
        let source = Array2::from_shape_fn((70, 130), |(i, j)| (i * 1000 + j) as f64);
        let mut target = Array2::<f64>::zeros((130, 70));
        copy_transposed(source.view(), target.view_mut());
        assert_eq!(target, source.t());
    }
}
