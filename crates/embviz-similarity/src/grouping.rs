//! Row orders grouped by label, and label-stratified subsamples, for similarity heatmaps.

use std::collections::BTreeMap;

use embviz_core::{Error, Result, seed};
use rand::RngExt;

/// A permutation of rows that puts rows of the same label next to each other.
///
/// Groups follow in ascending label order. Within a group, rows are ordered by cluster
/// when clusters were given, then by row index. [`boundaries`](Self::boundaries) lists the
/// position where each group starts in [`order`](Self::order), then the total, which is
/// what a heatmap needs to draw lines between groups.
///
/// # Example
///
/// ```
/// use embviz_similarity::grouped_order;
///
/// let labels = [2, 0, 2, 1, 0];
/// let grouped = grouped_order(&labels, None)?.with_names(&["cat", "dog", "fox"])?;
/// assert_eq!(grouped.order(), &[1, 4, 3, 0, 2]);
/// assert_eq!(grouped.boundaries(), &[0, 2, 3, 5]);
/// assert_eq!(grouped.group_sizes(), vec![2, 1, 2]);
/// assert_eq!(grouped.group_labels(), &[0, 1, 2]);
/// assert_eq!(grouped.group_names(), Some(&["cat".to_owned(), "dog".into(), "fox".into()][..]));
/// # Ok::<(), embviz_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupedOrder {
    order: Vec<usize>,
    boundaries: Vec<usize>,
    group_labels: Vec<usize>,
    group_names: Option<Vec<String>>,
}

/// Orders rows by `labels`, then by `clusters` when given, then by row index.
///
/// `labels[i]` is the label of row `i`, and `clusters[i]`, if given, a finer grouping of the
/// same row, such as a k-means cluster inside each class. Only labels that occur form
/// groups, so labels `[0, 5, 5]` give two groups. To show a similarity matrix grouped by
/// class, select the rows of the input in this order before computing it, or select the
/// rows and columns of the matrix:
///
/// ```
/// use embviz_similarity::{cosine_similarity, grouped_order};
/// use ndarray::{Axis, array};
///
/// let x = array![[1.0_f32, 0.0], [0.0, 1.0], [0.9, 0.1]];
/// let grouped = grouped_order(&[0, 1, 0], None)?;
/// let s = cosine_similarity(&x.select(Axis(0), grouped.order()))?;
/// assert_eq!(grouped.order(), &[0, 2, 1]);
/// assert!(s[[0, 1]] > 0.9); // rows 0 and 2 of x, both of label 0
/// # Ok::<(), embviz_core::Error>(())
/// ```
///
/// # Errors
///
/// - [`Error::EmptyInput`] when `labels` is empty.
/// - [`Error::ShapeMismatch`] when `clusters` has a different length than `labels`.
pub fn grouped_order(labels: &[usize], clusters: Option<&[usize]>) -> Result<GroupedOrder> {
    check_labels(labels)?;
    if let Some(clusters) = clusters
        && clusters.len() != labels.len()
    {
        return Err(Error::ShapeMismatch {
            what: "clusters",
            expected: format!("{} values, one per label", labels.len()),
            found: format!("{} values", clusters.len()),
        });
    }

    let mut order: Vec<usize> = (0..labels.len()).collect();
    // A stable sort keeps ascending row indices among equal keys.
    match clusters {
        Some(clusters) => order.sort_by_key(|&row| (labels[row], clusters[row])),
        None => order.sort_by_key(|&row| labels[row]),
    }

    let mut boundaries = vec![0];
    let mut group_labels = vec![labels[order[0]]];
    for (position, pair) in order.windows(2).enumerate() {
        let label = labels[pair[1]];
        if label != labels[pair[0]] {
            boundaries.push(position + 1);
            group_labels.push(label);
        }
    }
    boundaries.push(order.len());
    Ok(GroupedOrder {
        order,
        boundaries,
        group_labels,
        group_names: None,
    })
}

impl GroupedOrder {
    /// Returns the row indices in grouped order: position `p` of the grouped matrix is
    /// row `order()[p]` of the input.
    pub fn order(&self) -> &[usize] {
        &self.order
    }

    /// Returns the position in [`order`](Self::order) where each group starts, then the
    /// number of rows: `n_groups + 1` increasing values from 0 to `n_rows`. These are the
    /// cumulative group sizes with a leading 0.
    pub fn boundaries(&self) -> &[usize] {
        &self.boundaries
    }

    /// Returns the number of rows in each group, in group order.
    pub fn group_sizes(&self) -> Vec<usize> {
        self.boundaries.windows(2).map(|w| w[1] - w[0]).collect()
    }

    /// Returns the label of each group, ascending.
    pub fn group_labels(&self) -> &[usize] {
        &self.group_labels
    }

    /// Returns the number of groups, the number of distinct labels.
    pub fn n_groups(&self) -> usize {
        self.group_labels.len()
    }

    /// Returns the name of each group, in group order, when names were given with
    /// [`with_names`](Self::with_names).
    pub fn group_names(&self) -> Option<&[String]> {
        self.group_names.as_deref()
    }

    /// Names the groups from `label_names`, where `label_names[label]` is the name of
    /// `label`, as in a `label_names.txt` file with one name per line. Names of labels that
    /// do not occur are not used.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] (`label_names`) when a label has no name, because
    /// `label_names` has no more entries than the largest label.
    pub fn with_names<S: AsRef<str>>(mut self, label_names: &[S]) -> Result<Self> {
        let largest = self.group_labels.last().copied().unwrap_or(0);
        if largest >= label_names.len() {
            return Err(Error::invalid_parameter(
                "label_names",
                format!("{} names", label_names.len()),
                format!(
                    "one name per label up to the largest label, {largest}, so at least {} \
                     names",
                    largest + 1
                ),
            ));
        }
        let names = self
            .group_labels
            .iter()
            .map(|&label| label_names[label].as_ref().to_owned())
            .collect();
        self.group_names = Some(names);
        Ok(self)
    }
}

/// Draws at most `max_rows` rows, keeping each label's share of the rows and at least one
/// row of every label. Returns the sampled row indices in ascending order.
///
/// When `labels` has at most `max_rows` entries, every row is returned. Otherwise exactly
/// `max_rows` rows are drawn. Label `l` with `n_l` of the `n` rows first gets
/// `floor(n_l max_rows / n)` rows, and at least one. Rows left over go one each to the
/// labels with the largest remainders of `n_l max_rows / n`, ties to the lower label. When
/// the minimum of one row per label overshoots `max_rows`, rows are taken back one each
/// from labels with more than one row, smallest remainder first, ties to the lower label.
/// Then each label's rows are drawn uniformly without replacement.
///
/// The draw is a function of `labels`, `max_rows` and `seed` alone, the same on every
/// platform, because it uses ChaCha8 seeded by `seed` (see [`embviz_core::seed::rng`]).
///
/// # Errors
///
/// - [`Error::EmptyInput`] when `labels` is empty.
/// - [`Error::InvalidParameter`] (`max_rows`) when `max_rows` is below the number of
///   distinct labels.
///
/// # Example
///
/// ```
/// use embviz_similarity::stratified_sample;
///
/// // 90 rows of label 0 and 10 rows of label 1.
/// let labels: Vec<usize> = (0..100).map(|i| usize::from(i >= 90)).collect();
/// let rows = stratified_sample(&labels, 20, 7)?;
/// assert_eq!(rows.len(), 20);
/// assert_eq!(rows.iter().filter(|&&row| labels[row] == 1).count(), 2);
/// assert_eq!(rows, stratified_sample(&labels, 20, 7)?);
/// # Ok::<(), embviz_core::Error>(())
/// ```
pub fn stratified_sample(labels: &[usize], max_rows: usize, seed: u64) -> Result<Vec<usize>> {
    check_labels(labels)?;
    let mut rows_of_label: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (row, &label) in labels.iter().enumerate() {
        rows_of_label.entry(label).or_default().push(row);
    }
    let n_labels = rows_of_label.len();
    if max_rows < n_labels {
        return Err(Error::invalid_parameter(
            "max_rows",
            max_rows,
            format!(
                "at least the number of distinct labels ({n_labels}), so that every label \
                 keeps a row"
            ),
        ));
    }
    let n = labels.len();
    if n <= max_rows {
        log::debug!("stratified sample keeps all {n} rows, since max_rows = {max_rows}");
        return Ok((0..n).collect());
    }

    let counts: Vec<usize> = rows_of_label.values().map(Vec::len).collect();
    let quotas = allocate(&counts, max_rows);
    let mut rng = seed::rng(seed);
    let mut sample = Vec::with_capacity(max_rows);
    for (rows, quota) in rows_of_label.into_values().zip(quotas) {
        let mut rows = rows;
        // A partial Fisher-Yates shuffle: the first `quota` slots end up a uniform draw
        // without replacement.
        for slot in 0..quota {
            let pick = rng.random_range(slot..rows.len());
            rows.swap(slot, pick);
        }
        sample.extend_from_slice(&rows[..quota]);
    }
    sample.sort_unstable();
    log::debug!("stratified sample of {max_rows} of {n} rows over {n_labels} labels (seed {seed})");
    Ok(sample)
}

/// Splits `total` rows over labels of `counts` rows each (`sum(counts) > total`), in
/// proportion, with at least one row per label. See [`stratified_sample`] for the rule.
fn allocate(counts: &[usize], total: usize) -> Vec<usize> {
    let n: usize = counts.iter().sum();
    // Exact shares `count * total / n` as quotient and remainder, in u128 so the product
    // cannot overflow.
    let shares: Vec<(usize, u128)> = counts
        .iter()
        .map(|&count| {
            let product = count as u128 * total as u128;
            ((product / n as u128) as usize, product % n as u128)
        })
        .collect();
    let mut quotas: Vec<usize> = shares.iter().map(|&(floor, _)| floor.max(1)).collect();
    let mut assigned: usize = quotas.iter().sum();

    while assigned < total {
        // A label still at its floor with a remainder above 0 is below its exact share.
        // Such a label exists while rows are missing, because the missing rows are fewer
        // than the sum of those remainders (each below 1 row).
        let next = (0..counts.len())
            .filter(|&label| quotas[label] == shares[label].0 && shares[label].1 > 0)
            .max_by(|&a, &b| shares[a].1.cmp(&shares[b].1).then(b.cmp(&a)))
            .expect("a label below its exact share remains while rows are missing");
        quotas[next] += 1;
        assigned += 1;
    }
    while assigned > total {
        // `total` is at least the number of labels, so some label has more than one row.
        let next = (0..counts.len())
            .filter(|&label| quotas[label] > 1)
            .min_by(|&a, &b| shares[a].1.cmp(&shares[b].1).then(a.cmp(&b)))
            .expect("a label with more than one row remains while rows are in excess");
        quotas[next] -= 1;
        assigned -= 1;
    }
    quotas
}

fn check_labels(labels: &[usize]) -> Result<()> {
    if labels.is_empty() {
        return Err(Error::EmptyInput {
            what: "labels",
            n_rows: 0,
            n_cols: 1,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allocation_follows_shares() {
        // Exact shares 5.0, 3.0 and 2.0.
        assert_eq!(allocate(&[50, 30, 20], 10), vec![5, 3, 2]);
        // Shares 3.33, 3.33 and 3.33: the one row left goes to the lowest label.
        assert_eq!(allocate(&[10, 10, 10], 10), vec![4, 3, 3]);
        // Shares 6.67 and 3.33: the larger remainder gets the row.
        assert_eq!(allocate(&[20, 10], 10), vec![7, 3]);
    }

    #[test]
    fn allocation_keeps_one_row_per_label() {
        // Shares 9.8, 0.1 and 0.1: both small labels get one row, taken from the large one.
        assert_eq!(allocate(&[980, 10, 10], 10), vec![8, 1, 1]);
        // Shares 2.97, 0.015 and 0.015 with 3 rows: one row each.
        assert_eq!(allocate(&[198, 1, 1], 3), vec![1, 1, 1]);
    }

    #[test]
    fn allocation_sums_to_total() {
        let counts = [1, 2, 3, 5, 8, 13, 21, 34, 55, 89];
        for total in 10..231 {
            let quotas = allocate(&counts, total);
            assert_eq!(quotas.iter().sum::<usize>(), total, "total {total}");
            for (label, (&quota, &count)) in quotas.iter().zip(&counts).enumerate() {
                assert!(quota >= 1, "label {label} has no row at total {total}");
                assert!(quota <= count, "label {label} gets {quota} > {count} rows");
            }
        }
    }
}
