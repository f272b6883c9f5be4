//! Axis-parallel isolation trees: each split compares one feature with a threshold.
//!
//! A tree is grown as scikit-learn's `IsolationForest` grows its
//! `ExtraTreeRegressor(max_features=1, splitter="random")`. At each node a feature is drawn
//! uniformly among those not constant on the node's rows, and a threshold uniformly in
//! [min, max) of that feature. Rows with `x <= threshold` go left.

use embviz_core::Float;
use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::average_path_length;

/// Rows that one call of [`AxisTree::add_path_lengths`] walks down the tree together. The
/// walks are independent, so the processor overlaps their memory loads.
pub(super) const LANES: usize = 16;

/// One node. A leaf points to itself (`left` is its own index) with the largest finite
/// threshold, so a walk that reaches it stays there: no finite value is greater.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub(super) struct AxisNode<F> {
    threshold: F,
    feature: u32,
    /// Index of the left child; the right child is `left + 1`.
    left: u32,
}

/// The stored form of an [`AxisTree`], checked on deserialization.
#[derive(Deserialize)]
pub(super) struct AxisTreeData<F> {
    nodes: Vec<AxisNode<F>>,
    n_node_samples: Vec<u32>,
}

/// An axis-parallel isolation tree stored in flat arrays, children after their parent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    try_from = "AxisTreeData<F>",
    bound(
        serialize = "F: Serialize",
        deserialize = "F: Float + Deserialize<'de>"
    )
)]
pub(super) struct AxisTree<F> {
    nodes: Vec<AxisNode<F>>,
    /// Training rows that reached each node, as scikit-learn's `tree_.n_node_samples`.
    n_node_samples: Vec<u32>,
    /// Depth of each leaf plus c(its size); 0 for internal nodes.
    #[serde(skip)]
    path_lengths: Vec<f64>,
    /// Depth of the deepest leaf, which is how many steps a walk takes.
    #[serde(skip)]
    depth: usize,
}

impl<F: Float> AxisTree<F> {
    /// Grows a tree on `rows` of the row-major `data` (`n_cols` values a row), splitting
    /// only on `features` and stopping at `max_depth`. `rows` is reordered.
    pub(super) fn grow(
        data: &[F],
        n_cols: usize,
        rows: &mut [u32],
        features: Vec<u32>,
        max_depth: usize,
        rng: &mut ChaCha8Rng,
    ) -> Self {
        let mut builder = Builder {
            data,
            n_cols,
            max_depth,
            features,
            nodes: vec![leaf(0)],
            n_node_samples: vec![0],
            rng,
        };
        builder.grow(0, rows, 0, 0);
        let (nodes, n_node_samples) = (builder.nodes, builder.n_node_samples);
        Self::from_data(AxisTreeData {
            nodes,
            n_node_samples,
        })
        .expect("a grown tree has its children after their parent and one size per node")
    }

    /// Checks the structure of a stored tree and derives the path lengths and depth, the same
    /// way for a grown tree and a deserialized one.
    fn from_data(data: AxisTreeData<F>) -> Result<Self, String> {
        let AxisTreeData {
            mut nodes,
            n_node_samples,
        } = data;
        if nodes.is_empty() || nodes.len() != n_node_samples.len() {
            return Err(format!(
                "an axis tree needs at least one node and one size per node, found {} nodes \
                 and {} sizes",
                nodes.len(),
                n_node_samples.len()
            ));
        }
        let children: Vec<Option<usize>> = nodes
            .iter()
            .enumerate()
            .map(|(i, node)| (node.left as usize != i).then_some(node.left as usize))
            .collect();
        let depths = node_depths(&children)?;
        for (node, child) in nodes.iter_mut().zip(&children) {
            if child.is_none() {
                node.threshold = F::max_value();
                node.feature = 0;
            } else if !node.threshold.is_finite() {
                return Err(format!(
                    "an axis tree split has threshold {}, expected a finite value",
                    node.threshold
                ));
            }
        }
        let (path_lengths, depth) = leaf_path_lengths(&children, &depths, &n_node_samples);
        Ok(Self {
            nodes,
            n_node_samples,
            path_lengths,
            depth,
        })
    }

    /// Returns the largest feature index a split uses, or `None` for a single-leaf tree.
    pub(super) fn max_feature(&self) -> Option<usize> {
        self.splits().map(|node| node.feature as usize).max()
    }

    /// Adds 1 to `counts[feature]` for each split on `feature`.
    pub(super) fn count_splits(&self, counts: &mut [usize]) {
        for node in self.splits() {
            if let Some(count) = counts.get_mut(node.feature as usize) {
                *count += 1;
            }
        }
    }

    fn splits(&self) -> impl Iterator<Item = &AxisNode<F>> {
        self.nodes
            .iter()
            .enumerate()
            .filter(|(i, node)| node.left as usize != *i)
            .map(|(_, node)| node)
    }

    /// Adds the path length of each of `rows` in this tree to `sums`.
    ///
    /// Every walk takes `depth` steps: one that reaches a shallower leaf stays on it, so the
    /// loop has no data-dependent exit. Each row must have every feature the tree splits on,
    /// and be finite, as validated input is.
    #[inline]
    pub(super) fn add_path_lengths(&self, rows: &[&[F]; LANES], sums: &mut [f64; LANES]) {
        let mut at = [0_usize; LANES];
        for _ in 0..self.depth {
            for (position, row) in at.iter_mut().zip(rows) {
                let node = self.nodes[*position];
                let goes_right = row[node.feature as usize] > node.threshold;
                *position = node.left as usize + usize::from(goes_right);
            }
        }
        for (sum, position) in sums.iter_mut().zip(at) {
            *sum += self.path_lengths[position];
        }
    }
}

impl<F: Float> TryFrom<AxisTreeData<F>> for AxisTree<F> {
    type Error = String;

    fn try_from(data: AxisTreeData<F>) -> Result<Self, String> {
        Self::from_data(data)
    }
}

/// Returns the depth of every node of a tree whose node `i` has children `children[i]` and
/// `children[i] + 1`, or `None` for a leaf.
///
/// Children must come after their parent and every node but the root must have exactly one
/// parent, which makes every walk from the root end at a leaf within the array.
pub(super) fn node_depths(children: &[Option<usize>]) -> Result<Vec<usize>, String> {
    let mut depths: Vec<Option<usize>> = vec![None; children.len()];
    depths[0] = Some(0);
    for (i, child) in children.iter().enumerate() {
        let Some(depth) = depths[i] else {
            return Err(format!("tree node {i} has no parent"));
        };
        let Some(left) = *child else {
            continue;
        };
        if left <= i || left + 1 >= children.len() {
            return Err(format!(
                "tree node {i} has children {left} and {}, expected indices after {i} and \
                 below {}",
                left + 1,
                children.len()
            ));
        }
        for slot in &mut depths[left..=left + 1] {
            if slot.replace(depth + 1).is_some() {
                return Err(format!("tree node {i} shares a child with another node"));
            }
        }
    }
    Ok(depths.into_iter().flatten().collect())
}

/// Returns, for each node, its depth plus c(its size) if it is a leaf and 0 otherwise, and
/// the depth of the deepest leaf.
pub(super) fn leaf_path_lengths(
    children: &[Option<usize>],
    depths: &[usize],
    n_node_samples: &[u32],
) -> (Vec<f64>, usize) {
    let mut max_depth = 0;
    let path_lengths = children
        .iter()
        .zip(depths)
        .zip(n_node_samples)
        .map(|((child, &depth), &size)| {
            if child.is_some() {
                return 0.0;
            }
            max_depth = max_depth.max(depth);
            depth as f64 + average_path_length(size as usize)
        })
        .collect();
    (path_lengths, max_depth)
}

fn leaf<F: Float>(index: usize) -> AxisNode<F> {
    AxisNode {
        threshold: F::max_value(),
        feature: 0,
        left: index as u32,
    }
}

/// The state of growing one tree.
struct Builder<'a, F> {
    data: &'a [F],
    n_cols: usize,
    max_depth: usize,
    /// The features this tree may split on. At a node with `n_constant` known constant
    /// features, those come first. A node reorders only the part after its own prefix, so
    /// its sibling still gets the parent's constants in the prefix.
    features: Vec<u32>,
    nodes: Vec<AxisNode<F>>,
    n_node_samples: Vec<u32>,
    rng: &'a mut ChaCha8Rng,
}

impl<F: Float> Builder<'_, F> {
    /// Fills node `node`, whose slot exists, from `rows` at `depth`, with the first
    /// `n_constant` entries of `features` known to be constant on these rows.
    fn grow(&mut self, node: usize, rows: &mut [u32], depth: usize, n_constant: usize) {
        self.n_node_samples[node] = rows.len() as u32;
        if rows.len() <= 1 || depth >= self.max_depth {
            self.nodes[node] = leaf(node);
            return;
        }
        let Some((feature, threshold, n_constant)) = self.draw_split(rows, n_constant) else {
            self.nodes[node] = leaf(node);
            return;
        };
        let n_left = self.partition(rows, feature, threshold);
        debug_assert!(0 < n_left && n_left < rows.len());

        let left = self.nodes.len();
        self.nodes.extend([leaf(left), leaf(left + 1)]);
        self.n_node_samples.extend([0, 0]);
        self.nodes[node] = AxisNode {
            threshold,
            feature,
            left: left as u32,
        };
        let (left_rows, right_rows) = rows.split_at_mut(n_left);
        self.grow(left, left_rows, depth + 1, n_constant);
        self.grow(left + 1, right_rows, depth + 1, n_constant);
    }

    /// Draws a feature uniformly among those not constant on `rows` and a threshold in
    /// [min, max) of it. Returns the feature, the threshold and the new count of known
    /// constant features, or `None` when every feature is constant.
    fn draw_split(&mut self, rows: &[u32], mut n_constant: usize) -> Option<(u32, F, usize)> {
        // Drawing among the features not yet known constant, and moving each constant one
        // found into the prefix, picks every non-constant feature with equal probability.
        while n_constant < self.features.len() {
            let j = self.rng.random_range(n_constant..self.features.len());
            let feature = self.features[j];
            let (min, max) = self.min_max(rows, feature);
            if min < max {
                let threshold = self.draw_threshold(min, max);
                return Some((feature, threshold, n_constant));
            }
            self.features.swap(j, n_constant);
            n_constant += 1;
        }
        None
    }

    /// Draws a threshold uniformly in [min, max) in `f64`, rounded to `F`.
    ///
    /// scikit-learn keeps the `f64` threshold. Rounding to the data's precision changes a
    /// split only for a row equal to the rounded value, which then goes left. A draw that
    /// rounds up to `max` becomes `min`, as in scikit-learn, so both children get rows.
    fn draw_threshold(&mut self, min: F, max: F) -> F {
        let (low, high) = (min.to_f64_exact(), max.to_f64_exact());
        let u: f64 = self.rng.random();
        let span = high - low;
        let drawn = if span.is_finite() {
            low + span * u
        } else {
            // The range overflows f64 only for data near ±f64::MAX.
            low * (1.0 - u) + high * u
        };
        let threshold = F::from_f64_lossy(drawn);
        if threshold >= min && threshold < max {
            threshold
        } else {
            min
        }
    }

    fn value(&self, row: u32, feature: u32) -> F {
        self.data[row as usize * self.n_cols + feature as usize]
    }

    fn min_max(&self, rows: &[u32], feature: u32) -> (F, F) {
        let first = self.value(rows[0], feature);
        rows[1..].iter().fold((first, first), |(min, max), &row| {
            let v = self.value(row, feature);
            (if v < min { v } else { min }, if v > max { v } else { max })
        })
    }

    /// Moves the rows with `value <= threshold` to the front and returns their count.
    fn partition(&self, rows: &mut [u32], feature: u32, threshold: F) -> usize {
        let (mut next, mut end) = (0, rows.len());
        while next < end {
            if self.value(rows[next], feature) <= threshold {
                next += 1;
            } else {
                end -= 1;
                rows.swap(next, end);
            }
        }
        next
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use embviz_core::seed::stream_rng;

    /// Eight rows of one feature, 0 to 7, grown to full depth.
    fn line_tree() -> AxisTree<f64> {
        let data: Vec<f64> = (0..8).map(f64::from).collect();
        let mut rows: Vec<u32> = (0..8).collect();
        AxisTree::grow(&data, 1, &mut rows, vec![0], 3, &mut stream_rng(1, 0))
    }

    #[test]
    fn every_row_ends_in_its_own_leaf() {
        let tree = line_tree();
        let sizes_of_leaves: Vec<u32> = tree
            .nodes
            .iter()
            .enumerate()
            .filter(|(i, node)| node.left as usize == *i)
            .map(|(i, _)| tree.n_node_samples[i])
            .collect();
        assert_eq!(tree.n_node_samples[0], 8);
        assert_eq!(sizes_of_leaves.iter().sum::<u32>(), 8);
        assert!(tree.depth <= 3);
    }

    #[test]
    fn thresholds_lie_between_the_node_values() {
        let tree = line_tree();
        for node in tree.splits() {
            assert!((0.0..7.0).contains(&node.threshold), "{}", node.threshold);
        }
    }

    #[test]
    fn walk_matches_the_partition() {
        // The fixed-step walk must end where a plain walk ends, and the training rows must
        // fill the leaves they were partitioned to.
        let tree = line_tree();
        let data: Vec<f64> = (0..8).map(f64::from).collect();
        let lanes: [&[f64]; LANES] = std::array::from_fn(|i| &data[i % 8..i % 8 + 1]);
        let mut sums = [0.0; LANES];
        tree.add_path_lengths(&lanes, &mut sums);

        let mut rows_in_leaf = vec![0_u32; tree.nodes.len()];
        for (lane, row) in lanes.iter().enumerate() {
            let mut at = 0;
            while tree.nodes[at].left as usize != at {
                let node = tree.nodes[at];
                at = if row[0] <= node.threshold {
                    node.left as usize
                } else {
                    node.left as usize + 1
                };
            }
            assert_eq!(sums[lane], tree.path_lengths[at], "lane {lane}");
            if lane < 8 {
                rows_in_leaf[at] += 1;
            }
        }
        for (i, node) in tree.nodes.iter().enumerate() {
            if node.left as usize == i {
                assert_eq!(rows_in_leaf[i], tree.n_node_samples[i], "leaf {i}");
            }
        }
    }

    #[test]
    fn constant_data_gives_a_single_leaf() {
        let data = vec![2.5_f32; 12];
        let mut rows: Vec<u32> = (0..6).collect();
        let tree = AxisTree::grow(&data, 2, &mut rows, vec![0, 1], 8, &mut stream_rng(0, 0));
        assert_eq!(tree.nodes.len(), 1);
        assert_eq!(tree.depth, 0);
        assert!((tree.path_lengths[0] - average_path_length(6)).abs() < 1e-15);
    }

    #[test]
    fn corrupt_children_are_rejected() {
        let mut node = leaf::<f64>(0);
        node.left = 5;
        let data = AxisTreeData {
            nodes: vec![node],
            n_node_samples: vec![3],
        };
        assert!(AxisTree::try_from(data).is_err());
    }
}
