//! Where the cells of a heatmap land in its image.

/// The pixel rectangle of a heatmap's coloured area and the exact mapping between its cells
/// and pixels.
///
/// Column boundary `b` (the left edge of column `b`, or the right edge of the last column
/// for `b = n_cols`) lies at pixel
///
/// ```text
/// x(b) = left + floor(b * width / n_cols)
/// ```
///
/// and rows likewise from `top`, `height` and `n_rows`. Column `j` covers the pixels
/// `x(j) .. x(j + 1)`. When the matrix has no more columns than the area has pixels, every
/// column gets at least one pixel. Otherwise several columns share a pixel, and the pixel
/// shows the last column that starts in it. A group boundary at cumulative size `s` is
/// drawn at `x(s)`.
///
/// # Example
///
/// ```
/// use embviz_plot::Heatmap;
/// use ndarray::Array2;
///
/// let values = Array2::<f64>::eye(10);
/// let grid = Heatmap::new(&values)?.area_size(500).grid()?;
/// assert_eq!((grid.width(), grid.height()), (500, 500));
/// assert_eq!(grid.column_edge(3) - grid.column_edge(0), 150);
/// assert_eq!(grid.cell_at(grid.left() + 160, grid.top() + 10), Some((0, 3)));
/// # Ok::<(), embviz_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeatmapGrid {
    left: u32,
    top: u32,
    width: u32,
    height: u32,
    n_rows: usize,
    n_cols: usize,
}

impl HeatmapGrid {
    /// Builds the grid of an `n_rows x n_cols` matrix drawn in `width x height` pixels whose
    /// top left pixel is `(left, top)`. All four counts are at least 1.
    pub(crate) fn new(
        (left, top): (u32, u32),
        (width, height): (u32, u32),
        (n_rows, n_cols): (usize, usize),
    ) -> Self {
        debug_assert!(width > 0 && height > 0 && n_rows > 0 && n_cols > 0);
        Self {
            left,
            top,
            width,
            height,
            n_rows,
            n_cols,
        }
    }

    /// Returns the x coordinate of the area's leftmost pixel column.
    pub fn left(&self) -> u32 {
        self.left
    }

    /// Returns the y coordinate of the area's top pixel row.
    pub fn top(&self) -> u32 {
        self.top
    }

    /// Returns the width of the area in pixels.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Returns the height of the area in pixels.
    pub fn height(&self) -> u32 {
        self.height
    }

    /// Returns the number of matrix rows.
    pub fn n_rows(&self) -> usize {
        self.n_rows
    }

    /// Returns the number of matrix columns.
    pub fn n_cols(&self) -> usize {
        self.n_cols
    }

    /// Returns the x pixel of column boundary `boundary`, from 0 (the area's left edge) to
    /// `n_cols` (one past its right edge). Larger values are treated as `n_cols`.
    pub fn column_edge(&self, boundary: usize) -> u32 {
        self.left + edge_offset(boundary.min(self.n_cols), self.width, self.n_cols)
    }

    /// Returns the y pixel of row boundary `boundary`, from 0 (the area's top edge) to
    /// `n_rows` (one past its bottom edge). Larger values are treated as `n_rows`.
    pub fn row_edge(&self, boundary: usize) -> u32 {
        self.top + edge_offset(boundary.min(self.n_rows), self.height, self.n_rows)
    }

    /// Returns the `(row, column)` of the cell drawn at pixel `(x, y)`, or `None` outside
    /// the area.
    pub fn cell_at(&self, x: u32, y: u32) -> Option<(usize, usize)> {
        let column_offset = x.checked_sub(self.left).filter(|&dx| dx < self.width)?;
        let row_offset = y.checked_sub(self.top).filter(|&dy| dy < self.height)?;
        Some((
            cell_of_offset(row_offset, self.height, self.n_rows),
            cell_of_offset(column_offset, self.width, self.n_cols),
        ))
    }

    /// Returns the column drawn at each pixel column of the area, left to right.
    pub(crate) fn column_of_pixels(&self) -> Vec<usize> {
        (0..self.width)
            .map(|dx| cell_of_offset(dx, self.width, self.n_cols))
            .collect()
    }

    /// Returns the row drawn at each pixel row of the area, top to bottom.
    pub(crate) fn row_of_pixels(&self) -> Vec<usize> {
        (0..self.height)
            .map(|dy| cell_of_offset(dy, self.height, self.n_rows))
            .collect()
    }

    /// Returns true when every row and column gets the same whole number of pixels.
    pub(crate) fn has_uniform_cells(&self) -> bool {
        (self.width as usize).is_multiple_of(self.n_cols)
            && (self.height as usize).is_multiple_of(self.n_rows)
    }
}

/// Returns `floor(boundary * pixels / count)`, the pixel offset of a boundary.
fn edge_offset(boundary: usize, pixels: u32, count: usize) -> u32 {
    (boundary as u128 * u128::from(pixels) / count as u128) as u32
}

/// Returns the last cell whose edge offset is at most `offset`.
///
/// `edge(j) <= offset` holds exactly when `j * pixels < (offset + 1) * count`, so the last
/// such `j` is `ceil((offset + 1) * count / pixels) - 1`.
fn cell_of_offset(offset: u32, pixels: u32, count: usize) -> usize {
    let numerator = (u128::from(offset) + 1) * count as u128;
    (numerator.div_ceil(u128::from(pixels)) - 1) as usize
}

/// Returns the width and height in pixels of the coloured area of an `n_rows x n_cols`
/// matrix whose longer side gets at most `area_size` pixels.
///
/// Cells are square. When the longer side has at most `area_size` cells, each cell gets
/// `area_size / longer` whole pixels. Otherwise the longer side gets `area_size` pixels and
/// the shorter side its proportional share, at least 1.
pub(crate) fn area_pixels((n_rows, n_cols): (usize, usize), area_size: u32) -> (u32, u32) {
    let longer = n_rows.max(n_cols);
    let area = area_size as usize;
    if longer <= area {
        let cell = area / longer;
        return ((cell * n_cols) as u32, (cell * n_rows) as u32);
    }
    let share = |count: usize| ((count * area + longer / 2) / longer).max(1) as u32;
    (share(n_cols), share(n_rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edges_are_floors_of_proportions() {
        let grid = HeatmapGrid::new((10, 20), (10, 7), (7, 3));
        let columns: Vec<u32> = (0..=3).map(|b| grid.column_edge(b)).collect();
        assert_eq!(columns, vec![10, 13, 16, 20]);
        let rows: Vec<u32> = (0..=7).map(|b| grid.row_edge(b)).collect();
        assert_eq!(rows, vec![20, 21, 22, 23, 24, 25, 26, 27]);
        assert_eq!(grid.column_edge(99), 20);
    }

    #[test]
    fn pixels_map_to_cells_between_edges() {
        for (pixels, count) in [(10_u32, 3_usize), (720, 7), (720, 720), (5, 17), (1, 4)] {
            let grid = HeatmapGrid::new((0, 0), (pixels, 1), (1, count));
            for x in 0..pixels {
                let (_, column) = grid.cell_at(x, 0).expect("x is inside the area");
                assert!(grid.column_edge(column) <= x, "{pixels}/{count}: x {x}");
                let next_start = grid.column_edge(column + 1);
                if column + 1 < count {
                    assert!(
                        next_start > x,
                        "{pixels}/{count}: column {column} is not the last to start at {x}"
                    );
                }
            }
            assert_eq!(grid.column_of_pixels().len(), pixels as usize);
        }
    }

    #[test]
    fn pixels_outside_have_no_cell() {
        let grid = HeatmapGrid::new((5, 6), (10, 10), (2, 2));
        assert_eq!(grid.cell_at(4, 6), None);
        assert_eq!(grid.cell_at(15, 6), None);
        assert_eq!(grid.cell_at(5, 16), None);
        assert_eq!(grid.cell_at(14, 15), Some((1, 1)));
    }

    #[test]
    fn area_keeps_cells_square() {
        assert_eq!(area_pixels((10, 10), 720), (720, 720));
        assert_eq!(area_pixels((100, 100), 720), (700, 700));
        assert_eq!(area_pixels((100, 50), 720), (350, 700));
        assert_eq!(area_pixels((1797, 1797), 720), (720, 720));
        assert_eq!(area_pixels((5000, 100), 720), (14, 720));
        assert_eq!(area_pixels((1, 100_000), 720), (720, 1));
    }

    #[test]
    fn uniform_cells_are_detected() {
        assert!(HeatmapGrid::new((0, 0), (700, 350), (50, 100)).has_uniform_cells());
        assert!(!HeatmapGrid::new((0, 0), (720, 720), (1797, 1797)).has_uniform_cells());
    }
}
