//! Extended isolation trees: each split is a random hyperplane.
//!
//! The method is from Hariri, Carrasco Kind & Brunner (2018), "Extended Isolation Forest".
//! At each node the normal vector `n` has standard normal entries on `extension_level + 1`
//! features drawn without replacement, and zeros elsewhere. The intercept `p` is drawn
//! uniformly in the bounding box of the node's rows, and a row goes left when
//! `(x - p)·n <= 0`. That test is evaluated as `x·n <= p·n`, with `p·n` stored per node.

use embviz_core::Float;
use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};
use serde::{Deserialize, Serialize};

use super::axis::{leaf_path_lengths, node_depths};
use super::sample;

/// One node. A leaf points to itself (`left` is its own index).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub(super) struct ExtendedNode {
    /// `p·n`: rows with `x·n` at most this go left.
    offset: f64,
    /// Start of this split's features and coefficients in the tree's arrays.
    start: u32,
    /// Index of the left child; the right child is `left + 1`.
    left: u32,
}

/// The stored form of an [`ExtendedTree`], checked on deserialization.
#[derive(Deserialize)]
pub(super) struct ExtendedTreeData {
    nodes: Vec<ExtendedNode>,
    n_node_samples: Vec<u32>,
    n_coefficients: u32,
    features: Vec<u32>,
    coefficients: Vec<f64>,
}

/// An extended isolation tree stored in flat arrays, children after their parent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "ExtendedTreeData")]
pub(super) struct ExtendedTree {
    nodes: Vec<ExtendedNode>,
    /// Training rows that reached each node.
    n_node_samples: Vec<u32>,
    /// Non-zero entries of each normal vector.
    n_coefficients: u32,
    /// Feature of each non-zero entry, ascending within a split.
    features: Vec<u32>,
    /// The non-zero entries, aligned with `features`.
    coefficients: Vec<f64>,
    /// Depth of each leaf plus c(its size); 0 for internal nodes.
    #[serde(skip)]
    path_lengths: Vec<f64>,
}

impl ExtendedTree {
    /// Grows a tree on `rows` of the row-major `data` (`n_cols` values a row), with normal
    /// vectors of `n_coefficients` entries among `features` (ascending), stopping at
    /// `max_depth`. `rows` is reordered.
    pub(super) fn grow<F: Float>(
        data: &[F],
        n_cols: usize,
        rows: &mut [u32],
        features: &[u32],
        n_coefficients: usize,
        max_depth: usize,
        rng: &mut ChaCha8Rng,
    ) -> Self {
        debug_assert!(1 <= n_coefficients && n_coefficients <= features.len());
        let mut builder = Builder {
            data,
            n_cols,
            max_depth,
            tree_features: features,
            n_coefficients,
            tree: ExtendedTreeData {
                nodes: vec![leaf(0)],
                n_node_samples: vec![0],
                n_coefficients: n_coefficients as u32,
                features: Vec::new(),
                coefficients: Vec::new(),
            },
            rng,
        };
        builder.grow(0, rows, 0);
        Self::try_from(builder.tree)
            .expect("a grown tree has its children after their parent and one size per node")
    }

    /// Returns the largest feature index a split uses, or `None` for a single-leaf tree.
    pub(super) fn max_feature(&self) -> Option<usize> {
        self.features.iter().max().map(|&f| f as usize)
    }

    /// Adds 1 to `counts[feature]` for each split whose normal vector uses `feature`.
    pub(super) fn count_splits(&self, counts: &mut [usize]) {
        for &feature in &self.features {
            if let Some(count) = counts.get_mut(feature as usize) {
                *count += 1;
            }
        }
    }

    /// Returns the path length of `row`, which must have every feature the tree uses.
    #[inline]
    pub(super) fn path_length<F: Float>(&self, row: &[F]) -> f64 {
        let mut at = 0;
        loop {
            let node = self.nodes[at];
            if node.left as usize == at {
                return self.path_lengths[at];
            }
            let side = self.project(row, node.start as usize);
            at = node.left as usize + usize::from(side > node.offset);
        }
    }

    /// Returns `x·n` for the normal vector whose entries start at `start`.
    fn project<F: Float>(&self, row: &[F], start: usize) -> f64 {
        let end = start + self.n_coefficients as usize;
        project(
            row,
            &self.features[start..end],
            &self.coefficients[start..end],
        )
    }
}

impl TryFrom<ExtendedTreeData> for ExtendedTree {
    type Error = String;

    /// Checks the structure of a stored tree and derives the path lengths, the same way for
    /// a grown tree and a deserialized one.
    fn try_from(data: ExtendedTreeData) -> Result<Self, String> {
        let ExtendedTreeData {
            nodes,
            n_node_samples,
            n_coefficients,
            features,
            coefficients,
        } = data;
        if nodes.is_empty() || nodes.len() != n_node_samples.len() {
            return Err(format!(
                "an extended tree needs at least one node and one size per node, found {} \
                 nodes and {} sizes",
                nodes.len(),
                n_node_samples.len()
            ));
        }
        if n_coefficients == 0 || features.len() != coefficients.len() {
            return Err(format!(
                "an extended tree needs at least one coefficient per split and one feature per \
                 coefficient, found {n_coefficients} per split, {} features and {} coefficients",
                features.len(),
                coefficients.len()
            ));
        }
        let children: Vec<Option<usize>> = nodes
            .iter()
            .enumerate()
            .map(|(i, node)| (node.left as usize != i).then_some(node.left as usize))
            .collect();
        let depths = node_depths(&children)?;
        for (i, (node, child)) in nodes.iter().zip(&children).enumerate() {
            if child.is_none() {
                continue;
            }
            let end = node.start as usize + n_coefficients as usize;
            if end > features.len() || !node.offset.is_finite() {
                return Err(format!(
                    "extended tree node {i} has coefficients up to {end} of {} and offset {}, \
                     expected a range inside the arrays and a finite offset",
                    features.len(),
                    node.offset
                ));
            }
        }
        if let Some(bad) = coefficients.iter().find(|c| !c.is_finite()) {
            return Err(format!(
                "an extended tree has coefficient {bad}, expected finite values"
            ));
        }
        let (path_lengths, _) = leaf_path_lengths(&children, &depths, &n_node_samples);
        Ok(Self {
            nodes,
            n_node_samples,
            n_coefficients,
            features,
            coefficients,
            path_lengths,
        })
    }
}

/// Returns `Σ coefficients[i] · row[features[i]]` in `f64`.
///
/// Four partial sums in a fixed order let the processor overlap the additions. Growing and
/// scoring both call this function, so a training row always takes the side it was
/// partitioned to.
#[inline]
fn project<F: Float>(row: &[F], features: &[u32], coefficients: &[f64]) -> f64 {
    // Features are distinct and ascending, so a list as long as the row is every feature in
    // order. The dense loop then adds the same terms in the same order.
    if features.len() == row.len() {
        return project_dense(row, coefficients);
    }
    let mut lanes = [0.0_f64; 4];
    let mut feature_chunks = features.chunks_exact(4);
    let mut coefficient_chunks = coefficients.chunks_exact(4);
    for (f4, c4) in (&mut feature_chunks).zip(&mut coefficient_chunks) {
        for lane in 0..4 {
            lanes[lane] += row[f4[lane] as usize].to_f64_exact() * c4[lane];
        }
    }
    let tail: f64 = feature_chunks
        .remainder()
        .iter()
        .zip(coefficient_chunks.remainder())
        .map(|(&f, &c)| row[f as usize].to_f64_exact() * c)
        .sum();
    (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]) + tail
}

/// Returns `Σ coefficients[j] · row[j]`, summed as [`project`] sums it.
fn project_dense<F: Float>(row: &[F], coefficients: &[f64]) -> f64 {
    let mut lanes = [0.0_f64; 4];
    let mut value_chunks = row.chunks_exact(4);
    let mut coefficient_chunks = coefficients.chunks_exact(4);
    for (v4, c4) in (&mut value_chunks).zip(&mut coefficient_chunks) {
        for lane in 0..4 {
            lanes[lane] += v4[lane].to_f64_exact() * c4[lane];
        }
    }
    let tail: f64 = value_chunks
        .remainder()
        .iter()
        .zip(coefficient_chunks.remainder())
        .map(|(&v, &c)| v.to_f64_exact() * c)
        .sum();
    (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]) + tail
}

fn leaf(index: usize) -> ExtendedNode {
    ExtendedNode {
        offset: 0.0,
        start: 0,
        left: index as u32,
    }
}

/// The state of growing one tree.
struct Builder<'a, F> {
    data: &'a [F],
    n_cols: usize,
    max_depth: usize,
    tree_features: &'a [u32],
    n_coefficients: usize,
    tree: ExtendedTreeData,
    rng: &'a mut ChaCha8Rng,
}

impl<F: Float> Builder<'_, F> {
    fn row(&self, row: u32) -> &[F] {
        let start = row as usize * self.n_cols;
        &self.data[start..start + self.n_cols]
    }

    /// Fills node `node`, whose slot exists, from `rows` at `depth`. A node whose rows are
    /// all equal on the tree's features is a leaf, as in the axis-parallel trees. A split may
    /// leave one child empty, which is then a leaf of size 0, as in Hariri et al.
    fn grow(&mut self, node: usize, rows: &mut [u32], depth: usize) {
        self.tree.n_node_samples[node] = rows.len() as u32;
        if rows.len() <= 1 || depth >= self.max_depth || self.all_equal(rows) {
            self.tree.nodes[node] = leaf(node);
            return;
        }
        let start = self.tree.features.len();
        let offset = self.draw_hyperplane(rows);
        let n_left = self.partition(rows, start, offset);

        let left = self.tree.nodes.len();
        self.tree.nodes.extend([leaf(left), leaf(left + 1)]);
        self.tree.n_node_samples.extend([0, 0]);
        self.tree.nodes[node] = ExtendedNode {
            offset,
            start: start as u32,
            left: left as u32,
        };
        let (left_rows, right_rows) = rows.split_at_mut(n_left);
        self.grow(left, left_rows, depth + 1);
        self.grow(left + 1, right_rows, depth + 1);
    }

    fn all_equal(&self, rows: &[u32]) -> bool {
        let first = self.row(rows[0]);
        rows[1..].iter().all(|&row| {
            let other = self.row(row);
            self.tree_features
                .iter()
                .all(|&f| other[f as usize] == first[f as usize])
        })
    }

    /// Appends a normal vector to the tree's arrays and returns `p·n` for an intercept `p`
    /// drawn uniformly in the bounding box of `rows`.
    fn draw_hyperplane(&mut self, rows: &[u32]) -> f64 {
        let chosen: Vec<u32> = if self.n_coefficients == self.tree_features.len() {
            self.tree_features.to_vec()
        } else {
            sample::without_replacement(self.rng, self.tree_features.len(), self.n_coefficients)
                .into_iter()
                .map(|i| self.tree_features[i as usize])
                .collect()
        };
        let mut offset = 0.0;
        for &feature in &chosen {
            let coefficient: f64 = StandardNormal.sample(self.rng);
            let (low, high) = self.min_max(rows, feature);
            let u: f64 = self.rng.random();
            let span = high - low;
            let intercept = if span.is_finite() {
                low + span * u
            } else {
                low * (1.0 - u) + high * u
            };
            offset += coefficient * intercept;
            self.tree.coefficients.push(coefficient);
        }
        self.tree.features.extend(chosen);
        offset
    }

    fn min_max(&self, rows: &[u32], feature: u32) -> (f64, f64) {
        rows.iter()
            .map(|&row| self.row(row)[feature as usize].to_f64_exact())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(min, max), v| {
                (min.min(v), max.max(v))
            })
    }

    /// Moves the rows with `x·n <= offset` to the front and returns their count.
    fn partition(&self, rows: &mut [u32], start: usize, offset: f64) -> usize {
        let end_of_split = start + self.n_coefficients;
        let features = &self.tree.features[start..end_of_split];
        let coefficients = &self.tree.coefficients[start..end_of_split];
        let (mut next, mut end) = (0, rows.len());
        while next < end {
            if project(self.row(rows[next]), features, coefficients) <= offset {
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

    #[test]
    fn projection_matches_a_plain_sum() {
        let row = [1.0_f32, -2.0, 3.0, 0.5, 4.0, 2.0];
        let features = [0, 1, 2, 3, 5];
        let coefficients = [0.5, 1.0, -1.0, 2.0, 0.25];
        let expected = 0.5 - 2.0 - 3.0 + 1.0 + 0.5;
        assert!((project(&row, &features, &coefficients) - expected).abs() < 1e-12);
    }

    #[test]
    fn dense_projection_adds_in_the_same_order() {
        let row: Vec<f64> = (0..11).map(|i| 1.0 / f64::from(i + 3)).collect();
        let coefficients: Vec<f64> = (0..11).map(|i| f64::from(i) * 0.37 - 1.3).collect();
        let all: Vec<u32> = (0..11).collect();
        let mut lanes = [0.0; 4];
        for j in 0..8 {
            lanes[j % 4] += row[j] * coefficients[j];
        }
        let tail = row[8] * coefficients[8] + row[9] * coefficients[9] + row[10] * coefficients[10];
        let by_hand = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]) + tail;
        assert_eq!(
            project_dense(&row, &coefficients).to_bits(),
            by_hand.to_bits()
        );
        assert_eq!(
            project(&row, &all, &coefficients).to_bits(),
            by_hand.to_bits()
        );
        let gathered = project(&row[..10], &all[..10], &coefficients[..10]);
        assert_eq!(project_dense(&row[..10], &coefficients[..10]), gathered);
    }

    #[test]
    fn training_rows_reach_leaves_of_their_partition() {
        // Every training row must reach a leaf, and the leaf sizes must add up to the rows.
        let data: Vec<f64> = (0..64).map(|i| f64::from(i * 7 % 13)).collect();
        let mut rows: Vec<u32> = (0..32).collect();
        let tree = ExtendedTree::grow(&data, 2, &mut rows, &[0, 1], 2, 5, &mut stream_rng(4, 2));
        let leaf_sizes: u32 = tree
            .nodes
            .iter()
            .enumerate()
            .filter(|(i, node)| node.left as usize == *i)
            .map(|(i, _)| tree.n_node_samples[i])
            .sum();
        assert_eq!(leaf_sizes, 32);
        for row in data.chunks(2) {
            let length = tree.path_length(row);
            assert!((0.0..=5.0 + super::super::average_path_length(32)).contains(&length));
        }
    }
}
