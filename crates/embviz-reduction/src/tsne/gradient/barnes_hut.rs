//! The Barnes-Hut gradient (van der Maaten 2014, "Accelerating t-SNE using Tree-Based
//! Algorithms", JMLR 15).
//!
//! Attraction runs over the sparse nearest-neighbour affinities. Repulsion from a group of
//! far points is replaced by that of their centre of mass, found in a space-partitioning
//! tree (a binary tree in 1-D, a quadtree in 2-D, an octree in 3-D) rebuilt at every
//! iteration. A cell is summarised when `width^2 / distance^2 < angle^2`, where `width` is
//! the cell's largest side and `distance` runs from the point to the cell's centre of mass,
//! as in scikit-learn.

use ndarray::{Array2, ArrayView2};
use rayon::prelude::*;

use super::{Gradient, Kernel, MIN_PROBABILITY};
use crate::tsne::affinity::SparseAffinities;

/// Points closer than this in every coordinate are treated as one position, and share a
/// leaf (scikit-learn's `EPSILON` in its quadtree).
const DUPLICATE_TOLERANCE: f64 = 1e-6;

/// Depth at which cells stop splitting, so that nearly equal points cannot recurse without
/// end; deeper points share a leaf. 2^-48 of the root width is below `f64` resolution of
/// any map a gradient descent reaches.
const MAX_DEPTH: usize = 48;

/// The Barnes-Hut gradient for maps of 1, 2 or 3 dimensions.
pub(in crate::tsne) struct BarnesHutGradient {
    p: SparseAffinities,
    kernel: Kernel,
    squared_angle: f64,
}

impl BarnesHutGradient {
    /// Creates the gradient for sparse joint probabilities, a map of `n_components`
    /// dimensions (1 to 3) and the accuracy threshold `angle`.
    pub(in crate::tsne) fn new(p: SparseAffinities, n_components: usize, angle: f64) -> Self {
        Self {
            p,
            kernel: Kernel::for_components(n_components),
            squared_angle: angle * angle,
        }
    }

    fn compute_in<const D: usize>(
        &self,
        y: ArrayView2<'_, f64>,
        exaggeration: f64,
        gradient: &mut Array2<f64>,
        compute_error: bool,
    ) -> Option<f64> {
        let points: Vec<[f64; D]> = y
            .outer_iter()
            .map(|row| std::array::from_fn(|d| row[d]))
            .collect();
        let tree = Tree::<D>::build(&points);
        let kernel = self.kernel;

        let forces: Vec<PointForces<D>> = (0..points.len())
            .into_par_iter()
            .map(|i| {
                let (repulsion, z) = tree.repulsion(&points[i], kernel, self.squared_angle);
                let (attraction, error) = self.attraction(i, &points, exaggeration, compute_error);
                PointForces {
                    attraction,
                    repulsion,
                    z,
                    error,
                }
            })
            .collect();

        // Sums in index order, so the result does not depend on the thread count.
        let z: f64 = forces.iter().map(|f| f.z).sum();
        let scale = kernel.gradient_scale();
        for (mut g, f) in gradient.outer_iter_mut().zip(&forces) {
            for d in 0..D {
                g[d] = scale * (f.attraction[d] - f.repulsion[d] / z);
            }
        }
        compute_error.then(|| {
            // sum P ln(P / (w / Z)) = sum P ln(P / w) + ln(Z) sum P, and sum P = 1.
            let partial: f64 = forces.iter().map(|f| f.error).sum();
            partial + z.ln() * self.p.sum()
        })
    }

    /// Returns the attraction on point `i` and, when asked, its part `sum_j P_ij ln(P_ij / w_ij)`
    /// of the divergence.
    fn attraction<const D: usize>(
        &self,
        i: usize,
        points: &[[f64; D]],
        exaggeration: f64,
        compute_error: bool,
    ) -> ([f64; D], f64) {
        let (columns, values) = self.p.row(i);
        let yi = &points[i];
        let mut force = [0.0; D];
        let mut error = 0.0;
        for (&j, &p) in columns.iter().zip(values) {
            let yj = &points[j];
            let delta: [f64; D] = std::array::from_fn(|d| yi[d] - yj[d]);
            let squared_distance: f64 = delta.iter().map(|v| v * v).sum();
            let (w, u) = self.kernel.weights(squared_distance);
            let pull = exaggeration * p * u;
            for d in 0..D {
                force[d] += pull * delta[d];
            }
            if compute_error {
                error += p * (p.max(MIN_PROBABILITY) / w.max(MIN_PROBABILITY)).ln();
            }
        }
        (force, error)
    }
}

impl Gradient for BarnesHutGradient {
    fn compute(
        &self,
        y: ArrayView2<'_, f64>,
        exaggeration: f64,
        gradient: &mut Array2<f64>,
        compute_error: bool,
    ) -> Option<f64> {
        match y.ncols() {
            1 => self.compute_in::<1>(y, exaggeration, gradient, compute_error),
            2 => self.compute_in::<2>(y, exaggeration, gradient, compute_error),
            3 => self.compute_in::<3>(y, exaggeration, gradient, compute_error),
            other => {
                unreachable!("Barnes-Hut maps have 1 to 3 dimensions, checked at fit, not {other}")
            }
        }
    }
}

struct PointForces<const D: usize> {
    attraction: [f64; D],
    repulsion: [f64; D],
    z: f64,
    error: f64,
}

/// A cell of the tree. Children of a cell are stored next to each other, `2^D` of them.
#[derive(Clone)]
struct Cell<const D: usize> {
    center: [f64; D],
    half_width: [f64; D],
    squared_max_width: f64,
    /// Sum of the positions of the points inside, later divided into the centre of mass.
    mass_center: [f64; D],
    count: usize,
    /// Index of the first child; 0 for a leaf, since the root is never a child.
    first_child: usize,
    /// A point stored in a leaf; all points of a leaf share its position.
    point: usize,
}

impl<const D: usize> Cell<D> {
    fn new(center: [f64; D], half_width: [f64; D]) -> Self {
        let squared_max_width = half_width.iter().map(|h| 4.0 * h * h).fold(0.0, f64::max);
        Self {
            center,
            half_width,
            squared_max_width,
            mass_center: [0.0; D],
            count: 0,
            first_child: 0,
            point: 0,
        }
    }

    fn is_leaf(&self) -> bool {
        self.first_child == 0
    }

    fn add(&mut self, position: &[f64; D]) {
        for (sum, value) in self.mass_center.iter_mut().zip(position) {
            *sum += value;
        }
        self.count += 1;
    }

    fn child_offset(&self, position: &[f64; D]) -> usize {
        (0..D)
            .filter(|&d| position[d] > self.center[d])
            .map(|d| 1 << d)
            .sum()
    }
}

struct Tree<const D: usize> {
    cells: Vec<Cell<D>>,
    /// The non-empty cells in depth-first order, as the traversal reads them.
    summaries: Vec<Summary<D>>,
}

/// A cell as the repulsion traversal reads it. Cells are stored in depth-first order, so a
/// cell's children follow it and `skip` is the index just past its subtree; the traversal
/// then needs no stack.
#[derive(Clone, Copy)]
struct Summary<const D: usize> {
    mass_center: [f64; D],
    count: f64,
    squared_max_width: f64,
    is_leaf: bool,
    skip: u32,
}

impl<const D: usize> Tree<D> {
    fn build(points: &[[f64; D]]) -> Self {
        let mut low = [f64::INFINITY; D];
        let mut high = [f64::NEG_INFINITY; D];
        for p in points {
            for d in 0..D {
                low[d] = low[d].min(p[d]);
                high[d] = high[d].max(p[d]);
            }
        }
        // A margin keeps points off the root's border, as scikit-learn's quadtree does.
        let center: [f64; D] = std::array::from_fn(|d| (low[d] + high[d]) / 2.0);
        let half_width: [f64; D] = std::array::from_fn(|d| {
            let range = high[d] - low[d];
            range / 2.0 + (1e-3 * range).max(1e-3)
        });
        let mut tree = Self {
            cells: Vec::with_capacity(2 * points.len() + 1),
            summaries: Vec::new(),
        };
        tree.cells.push(Cell::new(center, half_width));
        for (index, position) in points.iter().enumerate() {
            tree.insert(index, position, points);
        }
        for cell in &mut tree.cells {
            if cell.count > 0 {
                let count = cell.count as f64;
                for d in 0..D {
                    cell.mass_center[d] /= count;
                }
            }
        }
        let mut summaries = Vec::with_capacity(tree.cells.len());
        tree.flatten(0, &mut summaries);
        tree.summaries = summaries;
        tree
    }

    /// Appends the non-empty cells of the subtree at `cell` to `out` in depth-first order.
    fn flatten(&self, cell: usize, out: &mut Vec<Summary<D>>) {
        let source = &self.cells[cell];
        if source.count == 0 {
            return;
        }
        let position = out.len();
        out.push(Summary {
            mass_center: source.mass_center,
            count: source.count as f64,
            squared_max_width: source.squared_max_width,
            is_leaf: source.is_leaf(),
            skip: 0,
        });
        if !source.is_leaf() {
            for offset in 0..(1 << D) {
                self.flatten(source.first_child + offset, out);
            }
        }
        out[position].skip = u32::try_from(out.len())
            .expect("a tree of 2 n cells fits u32 indices for n below 2^31");
    }

    fn insert(&mut self, index: usize, position: &[f64; D], points: &[[f64; D]]) {
        let mut cell = 0;
        let mut depth = 0;
        loop {
            if self.cells[cell].is_leaf() {
                if self.cells[cell].count == 0 {
                    self.cells[cell].point = index;
                    self.cells[cell].add(position);
                    return;
                }
                let resident = &points[self.cells[cell].point];
                let duplicate =
                    (0..D).all(|d| (resident[d] - position[d]).abs() <= DUPLICATE_TOLERANCE);
                if duplicate || depth >= MAX_DEPTH {
                    self.cells[cell].add(position);
                    return;
                }
                self.split(cell, resident);
            }
            self.cells[cell].add(position);
            cell = self.cells[cell].first_child + self.cells[cell].child_offset(position);
            depth += 1;
        }
    }

    /// Turns leaf `cell` into an inner cell, moving its points into the child that
    /// contains their shared position `resident`.
    fn split(&mut self, cell: usize, resident: &[f64; D]) {
        let first_child = self.cells.len();
        let parent = self.cells[cell].clone();
        for offset in 0..(1 << D) {
            let half_width: [f64; D] = std::array::from_fn(|d| parent.half_width[d] / 2.0);
            let center: [f64; D] = std::array::from_fn(|d| {
                if offset & (1 << d) != 0 {
                    parent.center[d] + half_width[d]
                } else {
                    parent.center[d] - half_width[d]
                }
            });
            self.cells.push(Cell::new(center, half_width));
        }
        let child = first_child + parent.child_offset(resident);
        self.cells[child].mass_center = parent.mass_center;
        self.cells[child].count = parent.count;
        self.cells[child].point = parent.point;
        self.cells[cell].first_child = first_child;
    }

    /// Returns the unnormalised repulsion `sum_j w_ij u_ij (y - y_j)` on a point at `y` and
    /// its share `sum_j w_ij` of the normalisation, leaving out the point itself.
    fn repulsion(&self, y: &[f64; D], kernel: Kernel, squared_angle: f64) -> ([f64; D], f64) {
        let mut force = [0.0; D];
        let mut z = 0.0;
        let cells = &self.summaries;
        let mut index = 0;
        while let Some(cell) = cells.get(index) {
            let delta: [f64; D] = std::array::from_fn(|d| y[d] - cell.mass_center[d]);
            let squared_distance: f64 = delta.iter().map(|v| v * v).sum();
            if cell.is_leaf {
                if delta.iter().all(|v| v.abs() <= DUPLICATE_TOLERANCE) {
                    // The leaf holding the point itself: its other points sit at the same
                    // position, so they add to the normalisation but push nothing.
                    // scikit-learn skips them, which makes its KL estimate too low, even
                    // negative, when rows are duplicated.
                    let others = cell.count - 1.0;
                    z += others * kernel.weights(squared_distance).0;
                    index = cell.skip as usize;
                    continue;
                }
            } else if cell.squared_max_width >= squared_angle * squared_distance {
                // Too close to summarise: visit the children, which come next.
                index += 1;
                continue;
            }
            let (w, u) = kernel.weights(squared_distance);
            z += cell.count * w;
            let push = cell.count * w * u;
            for d in 0..D {
                force[d] += push * delta[d];
            }
            index = cell.skip as usize;
        }
        (force, z)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tree_counts_every_point() {
        let points: Vec<[f64; 2]> = (0..100)
            .map(|i| [(i % 10) as f64, (i / 10) as f64 * 0.5])
            .collect();
        let tree = Tree::build(&points);
        assert_eq!(tree.cells[0].count, 100);
        approx::assert_relative_eq!(tree.cells[0].mass_center[0], 4.5);
        approx::assert_relative_eq!(tree.cells[0].mass_center[1], 2.25);
        let leaf_total: usize = tree
            .cells
            .iter()
            .filter(|c| c.is_leaf())
            .map(|c| c.count)
            .sum();
        assert_eq!(leaf_total, 100);
    }

    #[test]
    fn duplicates_share_a_leaf() {
        let points = vec![[1.0, 1.0, 1.0], [1.0, 1.0, 1.0], [0.0, 0.0, 0.0]];
        let tree = Tree::build(&points);
        let leaves: Vec<usize> = tree
            .cells
            .iter()
            .filter(|c| c.is_leaf() && c.count > 0)
            .map(|c| c.count)
            .collect();
        assert_eq!(leaves.len(), 2);
        assert!(leaves.contains(&2));
        let (force, z) = tree.repulsion(&points[0], Kernel::for_components(3), 0.0);
        // The duplicate adds w = 1 and the point at the origin w = (1 + 3 / 2)^(-3 / 2).
        approx::assert_relative_eq!(z, 1.0 + 2.5_f64.powf(-1.5), max_relative = 1e-12);
        // Only the origin pushes: w u (1, 1, 1) with u = 1 / 2.5.
        let push = 2.5_f64.powf(-1.5) / 2.5;
        for value in force {
            approx::assert_relative_eq!(value, push, max_relative = 1e-12);
        }
    }
}
