//! The Isolation Forest parameters and `fit`.

use std::time::Instant;

use embviz_core::{Error, Float, Matrix, Result, seed, validate};
use ndarray::Array1;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::axis::AxisTree;
use super::extended::ExtendedTree;
use super::model::{FittedIsolationForest, Forest, ForestShape};
use super::sample;
use crate::contamination::{Contamination, percentile};

/// Isolation Forest: scores each row by how few random splits isolate it.
///
/// Each of `n_estimators` trees is grown on `max_samples` rows drawn without replacement
/// (with replacement if `bootstrap`), and on `max_features` columns. At each node it picks a
/// feature uniformly among those not constant on the node's rows and a threshold uniformly
/// between their minimum and maximum. Rows with `x <= threshold` go left. A node is a leaf
/// when it has one row, when every feature is constant on its rows, or at depth
/// `ceil(log2(max_samples))`. The path length of a row in a tree is the depth of its leaf plus
/// c(rows left in the leaf), see [`average_path_length`], and
///
/// ```text
/// score_samples(x) = -2^(-mean path length over the trees / c(max_samples))
/// ```
///
/// lies in [-1, 0]. Lower is more abnormal, and with the default offset rows below -0.5 are
/// outliers. The method is that of Liu, Ting & Zhou (2008), "Isolation Forest".
/// [`SplitRule::Extended`] uses random hyperplanes instead (Hariri, Carrasco Kind & Brunner,
/// 2018, "Extended Isolation Forest").
///
/// This is scikit-learn's `sklearn.ensemble.IsolationForest`, with the same parameters,
/// defaults, scores, `offset_`, `decision_function` and `predict` (checked against 1.9.1).
/// The random draws differ, so scores match in distribution, not row by row. Differences:
///
/// - `fit` needs at least two rows. scikit-learn fits one row and gives every row the same
///   score.
/// - scikit-learn converts the input to `f32`, but here `f64` input stays `f64`.
/// - scikit-learn treats a feature as constant when its range on a node is at most 1e-7, so
///   data in tiny units can never be split. Here any non-zero range can be split.
/// - Trees are grown and rows scored in parallel on the current rayon pool, which replaces
///   scikit-learn's `n_jobs`. Results are the same for every thread count.
///
/// [`average_path_length`]: crate::average_path_length
///
/// # Example
///
/// ```
/// use embviz_anomaly::{Contamination, IsolationForest};
/// use ndarray::Array2;
///
/// // A 10 x 10 grid of points and one far away.
/// let mut x = Array2::<f64>::from_shape_fn((101, 2), |(i, j)| {
///     if j == 0 { (i % 10) as f64 } else { (i / 10) as f64 }
/// });
/// x.row_mut(100).fill(40.0);
///
/// let forest = IsolationForest::new().seed(0).fit(&x)?;
/// let scores = forest.score_samples(&x)?;
/// let lowest = scores.iter().enumerate().min_by(|a, b| a.1.total_cmp(b.1)).unwrap().0;
/// assert_eq!(lowest, 100);
/// assert_eq!(forest.predict(&x)?[100], -1);
/// assert_eq!(forest.offset(), -0.5);
///
/// // Place the offset at the 5th percentile of the training scores instead: with 101 rows
/// // that is the 6th lowest score, and the 5 rows strictly below it are outliers.
/// let labels = IsolationForest::new()
///     .contamination(Contamination::Fraction(0.05))
///     .seed(0)
///     .fit_predict(&x)?;
/// assert_eq!(labels.iter().filter(|&&l| l == -1).count(), 5);
/// # Ok::<(), embviz_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct IsolationForest {
    n_estimators: usize,
    max_samples: MaxSamples,
    contamination: Contamination,
    max_features: MaxFeatures,
    bootstrap: bool,
    seed: Option<u64>,
    split_rule: SplitRule,
}

/// Rows drawn for each tree, scikit-learn's `max_samples`.
///
/// # Example
///
/// ```
/// use embviz_anomaly::{IsolationForest, MaxSamples};
/// use ndarray::Array2;
///
/// let x = Array2::<f32>::from_shape_fn((1000, 3), |(i, j)| ((i * 7 + j * 3) % 101) as f32);
/// let auto = IsolationForest::new().seed(1).fit(&x)?;
/// assert_eq!(auto.max_samples_used(), 256);
/// let half = IsolationForest::new().max_samples(MaxSamples::Fraction(0.5)).seed(1).fit(&x)?;
/// assert_eq!(half.max_samples_used(), 500);
/// # Ok::<(), embviz_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum MaxSamples {
    /// min(256, n_samples), scikit-learn's `"auto"`, the subsample size of Liu et al.
    #[default]
    Auto,
    /// A number of rows, at least 1. A count above n_samples is lowered to n_samples with a
    /// warning, as scikit-learn does.
    Count(usize),
    /// A fraction of the rows in (0, 1]; the count is `floor(fraction * n_samples)`, which
    /// must be at least 1.
    Fraction(f64),
}

/// Features each tree may split on, scikit-learn's `max_features`; drawn without
/// replacement for each tree.
///
/// # Example
///
/// ```
/// use embviz_anomaly::{IsolationForest, MaxFeatures};
/// use ndarray::Array2;
///
/// let x = Array2::<f64>::from_shape_fn((200, 10), |(i, j)| ((i * 13 + j * 7) % 31) as f64);
/// let forest = IsolationForest::new()
///     .max_features(MaxFeatures::Fraction(0.25))
///     .seed(3)
///     .fit(&x)?;
/// assert_eq!(forest.max_features_used(), 2); // floor(0.25 * 10)
/// # Ok::<(), embviz_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MaxFeatures {
    /// A number of features, from 1 to n_features.
    Count(usize),
    /// A fraction of the features in (0, 1]; the count is `max(1, floor(fraction *
    /// n_features))`.
    Fraction(f64),
}

impl Default for MaxFeatures {
    /// Returns `Fraction(1.0)`, all features, scikit-learn's default `max_features=1.0`.
    fn default() -> Self {
        Self::Fraction(1.0)
    }
}

/// The rule by which a tree node splits its rows.
///
/// # Example
///
/// ```
/// use embviz_anomaly::{IsolationForest, SplitRule};
/// use ndarray::Array2;
///
/// let x = Array2::<f64>::from_shape_fn((300, 4), |(i, j)| ((i * 17 + j * 5) % 23) as f64);
/// let forest = IsolationForest::new()
///     .split_rule(SplitRule::Extended { extension_level: None })
///     .seed(0)
///     .fit(&x)?;
/// // None means fully extended: n_features - 1.
/// assert_eq!(forest.split_rule(), SplitRule::Extended { extension_level: Some(3) });
/// # Ok::<(), embviz_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum SplitRule {
    /// One feature and a threshold per node, as scikit-learn and Liu et al. (2008).
    #[default]
    Axis,
    /// A random hyperplane per node, from Hariri, Carrasco Kind & Brunner (2018), "Extended
    /// Isolation Forest". The normal vector `n` has standard normal entries on
    /// `extension_level + 1` of the tree's features, drawn without replacement, and zeros
    /// elsewhere. The intercept `p` is drawn uniformly in the bounding box of the node's rows,
    /// and rows with `(x - p)·n <= 0` go left. A split may leave one side empty.
    ///
    /// `extension_level` runs from 0 (one feature per split, like `Axis` but with constant
    /// features not skipped) to `max_features_used - 1`, and `None` means the fully extended
    /// `max_features_used - 1`. Scoring costs one dot product of `extension_level + 1` terms
    /// per node, so high levels on wide data are much slower than `Axis`. scikit-learn has no
    /// such option.
    Extended {
        /// Number of non-zero entries of each normal vector, minus one.
        extension_level: Option<usize>,
    },
}

/// The settings of one fit with every `auto` rule resolved against the data.
#[derive(Debug, Clone, Copy)]
struct Plan {
    max_samples: usize,
    max_features: usize,
    max_depth: usize,
    /// Non-zero entries per normal vector, for the extended rule.
    n_coefficients: Option<usize>,
}

impl Default for IsolationForest {
    fn default() -> Self {
        Self {
            n_estimators: 100,
            max_samples: MaxSamples::Auto,
            contamination: Contamination::Auto,
            max_features: MaxFeatures::default(),
            bootstrap: false,
            seed: None,
            split_rule: SplitRule::Axis,
        }
    }
}

impl IsolationForest {
    /// Creates the parameters with scikit-learn's defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the number of trees, at least 1. Default: 100, as scikit-learn.
    #[must_use]
    pub fn n_estimators(self, n_estimators: usize) -> Self {
        Self {
            n_estimators,
            ..self
        }
    }

    /// Sets the rows drawn for each tree. Default: [`MaxSamples::Auto`], min(256,
    /// n_samples), as scikit-learn.
    #[must_use]
    pub fn max_samples(self, max_samples: MaxSamples) -> Self {
        Self {
            max_samples,
            ..self
        }
    }

    /// Sets the expected share of outliers, which sets `offset`: -0.5 for
    /// [`Contamination::Auto`], else the given percentile of the training scores. Default:
    /// `Auto`, as scikit-learn.
    #[must_use]
    pub fn contamination(self, contamination: Contamination) -> Self {
        Self {
            contamination,
            ..self
        }
    }

    /// Sets the features each tree may split on. Default: `MaxFeatures::Fraction(1.0)`, all
    /// of them, as scikit-learn.
    #[must_use]
    pub fn max_features(self, max_features: MaxFeatures) -> Self {
        Self {
            max_features,
            ..self
        }
    }

    /// Draws each tree's rows with replacement when `true`. A row drawn several times counts
    /// once in the tree, as in scikit-learn, which passes the draws as sample weights.
    /// Default: `false`.
    #[must_use]
    pub fn bootstrap(self, bootstrap: bool) -> Self {
        Self { bootstrap, ..self }
    }

    /// Sets the seed of the random draws. Tree `t` draws from its own stream of this seed,
    /// so a seed gives the same forest on every thread count. Default: a seed drawn from
    /// the operating system, stored in the fitted model ([`FittedIsolationForest::seed`]).
    #[doc(alias = "random_state")]
    #[must_use]
    pub fn seed(self, seed: u64) -> Self {
        Self {
            seed: Some(seed),
            ..self
        }
    }

    /// Sets how nodes split. Default: [`SplitRule::Axis`], as scikit-learn.
    #[must_use]
    pub fn split_rule(self, split_rule: SplitRule) -> Self {
        Self { split_rule, ..self }
    }

    /// Grows the forest on `x`, one row per sample.
    ///
    /// The training scores are computed only for [`Contamination::Fraction`], to place the
    /// offset, as in scikit-learn. [`IsolationForest::fit_with_scores`] returns them.
    ///
    /// # Errors
    ///
    /// - [`Error::InvalidParameter`] for `n_estimators` 0, a contamination fraction outside
    ///   (0, 0.5], `max_samples` `Count(0)` or a fraction outside (0, 1] or giving no row,
    ///   `max_features` `Count(0)`, above n_features or a fraction outside (0, 1], or an
    ///   `extension_level` above `max_features_used - 1`.
    /// - [`Error::RaggedRows`], [`Error::EmptyInput`] or [`Error::NonFinite`] for invalid `x`.
    /// - [`Error::TooFewSamples`] when `x` has a single row.
    /// - [`Error::ShapeMismatch`] when `x` has 2^32 rows or columns or more.
    pub fn fit<F: Float>(&self, x: &impl Matrix<F>) -> Result<FittedIsolationForest<F>> {
        let (forest, _) = self.fit_forest(x, false)?;
        Ok(forest)
    }

    /// Grows the forest on `x` and returns it with the scores of the training rows, the
    /// values of `score_samples(x)`, computed once.
    ///
    /// # Errors
    ///
    /// As [`IsolationForest::fit`].
    pub fn fit_with_scores<F: Float>(
        &self,
        x: &impl Matrix<F>,
    ) -> Result<(FittedIsolationForest<F>, Array1<f64>)> {
        let (forest, scores) = self.fit_forest(x, true)?;
        let scores = scores.expect("fit_forest scores the training rows when asked to");
        Ok((forest, scores))
    }

    /// Grows the forest on `x` and returns `predict(x)`: -1 for outliers and 1 for inliers.
    ///
    /// # Errors
    ///
    /// As [`IsolationForest::fit`].
    pub fn fit_predict<F: Float>(&self, x: &impl Matrix<F>) -> Result<Array1<i32>> {
        let (forest, scores) = self.fit_with_scores(x)?;
        Ok(forest.labels_from_scores(&scores))
    }

    fn fit_forest<F: Float>(
        &self,
        x: &impl Matrix<F>,
        want_scores: bool,
    ) -> Result<(FittedIsolationForest<F>, Option<Array1<f64>>)> {
        self.check_parameters()?;
        let rows = validate::input_matrix("X", x)?;
        validate::min_rows(
            "X",
            &rows.view(),
            2,
            "Isolation Forest splits rows apart, and with one row every score is equal",
        )?;
        let rows = rows.as_standard_layout();
        let (n_samples, n_features) = rows.dim();
        check_index_range(n_samples, n_features)?;
        let plan = self.plan(n_samples, n_features)?;
        let seed = self.seed.unwrap_or_else(seed::random_seed);
        let data = rows
            .as_slice()
            .expect("an array in standard layout is one contiguous slice");

        let start = Instant::now();
        log::debug!(
            "IsolationForest: growing {} trees on {n_samples} x {n_features}, {} rows and {} \
             features each, max depth {}",
            self.n_estimators,
            plan.max_samples,
            plan.max_features,
            plan.max_depth
        );
        let forest = self.grow_forest(data, n_samples, n_features, &plan, seed);
        let split_rule = match (self.split_rule, plan.n_coefficients) {
            (SplitRule::Extended { .. }, Some(n)) => SplitRule::Extended {
                extension_level: Some(n - 1),
            },
            _ => SplitRule::Axis,
        };
        let mut model = FittedIsolationForest::new(
            forest,
            ForestShape {
                n_features_in: n_features,
                max_samples_used: plan.max_samples,
                max_features_used: plan.max_features,
            },
            split_rule,
            self.contamination,
            seed,
        );
        log::debug!(
            "IsolationForest: grew {} trees in {:.1} ms",
            self.n_estimators,
            start.elapsed().as_secs_f64() * 1e3
        );

        let needs_offset = matches!(self.contamination, Contamination::Fraction(_));
        let scores = (want_scores || needs_offset).then(|| model.score_rows(data, n_features));
        if let (Contamination::Fraction(fraction), Some(scores)) = (self.contamination, &scores) {
            let values = scores
                .as_slice()
                .expect("scores are built as one contiguous vector");
            model.set_offset(percentile(values, 100.0 * fraction));
        }
        Ok((model, scores))
    }

    /// Grows the trees in parallel. Tree `t` draws only from stream `t` of `seed`, so the
    /// forest does not depend on which thread grows which tree.
    fn grow_forest<F: Float>(
        &self,
        data: &[F],
        n_samples: usize,
        n_features: usize,
        plan: &Plan,
        seed: u64,
    ) -> Forest<F> {
        let draw = |t: usize| {
            let mut rng = seed::stream_rng(seed, t as u64);
            let features = sample::without_replacement(&mut rng, n_features, plan.max_features);
            let rows = if self.bootstrap {
                sample::with_replacement(&mut rng, n_samples, plan.max_samples)
            } else {
                sample::without_replacement(&mut rng, n_samples, plan.max_samples)
            };
            (rng, features, rows)
        };
        match plan.n_coefficients {
            None => Forest::Axis(
                (0..self.n_estimators)
                    .into_par_iter()
                    .map(|t| {
                        let (mut rng, features, mut rows) = draw(t);
                        AxisTree::grow(
                            data,
                            n_features,
                            &mut rows,
                            features,
                            plan.max_depth,
                            &mut rng,
                        )
                    })
                    .collect(),
            ),
            Some(n_coefficients) => Forest::Extended(
                (0..self.n_estimators)
                    .into_par_iter()
                    .map(|t| {
                        let (mut rng, features, mut rows) = draw(t);
                        ExtendedTree::grow(
                            data,
                            n_features,
                            &mut rows,
                            &features,
                            n_coefficients,
                            plan.max_depth,
                            &mut rng,
                        )
                    })
                    .collect(),
            ),
        }
    }

    /// Checks the parameters that do not depend on the data.
    fn check_parameters(&self) -> Result<()> {
        if self.n_estimators == 0 {
            return Err(Error::invalid_parameter(
                "n_estimators",
                0,
                "must be at least 1",
            ));
        }
        self.contamination.validate()?;
        match self.max_samples {
            MaxSamples::Count(0) => {
                return Err(Error::invalid_parameter(
                    "max_samples",
                    "Count(0)",
                    "must be at least 1 row, or MaxSamples::Auto",
                ));
            }
            MaxSamples::Fraction(f) if !is_unit_fraction(f) => {
                return Err(Error::invalid_parameter(
                    "max_samples",
                    format!("Fraction({f})"),
                    "must be a fraction in (0, 1], or MaxSamples::Auto",
                ));
            }
            _ => {}
        }
        match self.max_features {
            MaxFeatures::Count(0) => Err(Error::invalid_parameter(
                "max_features",
                "Count(0)",
                "must be at least 1 feature",
            )),
            MaxFeatures::Fraction(f) if !is_unit_fraction(f) => Err(Error::invalid_parameter(
                "max_features",
                format!("Fraction({f})"),
                "must be a fraction in (0, 1]",
            )),
            _ => Ok(()),
        }
    }

    /// Resolves the sizes against the data, as scikit-learn's `fit` does.
    fn plan(&self, n_samples: usize, n_features: usize) -> Result<Plan> {
        let max_samples = match self.max_samples {
            MaxSamples::Auto => n_samples.min(256),
            MaxSamples::Count(count) if count > n_samples => {
                log::warn!(
                    "IsolationForest: max_samples ({count}) is greater than the number of rows \
                     ({n_samples}), so each tree uses all {n_samples} rows"
                );
                n_samples
            }
            MaxSamples::Count(count) => count,
            MaxSamples::Fraction(fraction) => {
                let count = (fraction * n_samples as f64) as usize;
                if count == 0 {
                    return Err(Error::invalid_parameter(
                        "max_samples",
                        format!("Fraction({fraction})"),
                        format!(
                            "gives floor({fraction} * {n_samples}) = 0 rows per tree, so raise \
                             the fraction or pass more rows"
                        ),
                    ));
                }
                count
            }
        };
        if max_samples == 1 {
            log::warn!(
                "IsolationForest: max_samples is 1, so every tree is a single leaf and every \
                 score is -0.5"
            );
        }
        let max_features = match self.max_features {
            MaxFeatures::Count(count) if count > n_features => {
                return Err(Error::invalid_parameter(
                    "max_features",
                    format!("Count({count})"),
                    format!("must be at most n_features = {n_features}"),
                ));
            }
            MaxFeatures::Count(count) => count,
            MaxFeatures::Fraction(fraction) => ((fraction * n_features as f64) as usize).max(1),
        };
        let n_coefficients = match self.split_rule {
            SplitRule::Axis => None,
            SplitRule::Extended { extension_level } => {
                let level = extension_level.unwrap_or(max_features - 1);
                if level >= max_features {
                    return Err(Error::invalid_parameter(
                        "extension_level",
                        level,
                        format!(
                            "must be at most max_features_used - 1 = {}, the features each tree \
                             sees minus one",
                            max_features - 1
                        ),
                    ));
                }
                Some(level + 1)
            }
        };
        // ceil(log2(max(max_samples, 2))), scikit-learn's max_depth.
        let max_depth = max_samples.max(2).next_power_of_two().trailing_zeros() as usize;
        Ok(Plan {
            max_samples,
            max_features,
            max_depth,
            n_coefficients,
        })
    }
}

fn is_unit_fraction(f: f64) -> bool {
    f > 0.0 && f <= 1.0
}

/// Checks that row and feature indices fit the trees' `u32` fields.
fn check_index_range(n_samples: usize, n_features: usize) -> Result<()> {
    let limit = u32::MAX as usize;
    if n_samples > limit || n_features > limit {
        return Err(Error::ShapeMismatch {
            what: "X",
            expected: format!("at most {limit} rows and {limit} columns"),
            found: format!("{n_samples} rows and {n_features} columns"),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_depth_is_ceil_log2() {
        // ceil(log2(max(m, 2))) for m = 1, 2, 3, 4, 5, 256, 257.
        for (max_samples, depth) in [(1, 1), (2, 1), (3, 2), (4, 2), (5, 3), (256, 8), (257, 9)] {
            let plan = IsolationForest::new()
                .max_samples(MaxSamples::Count(max_samples))
                .plan(1000, 3)
                .expect("valid sizes");
            assert_eq!(plan.max_depth, depth, "max_samples {max_samples}");
        }
    }

    #[test]
    fn fractions_truncate_like_python_int() {
        let plan = IsolationForest::new()
            .max_samples(MaxSamples::Fraction(0.3))
            .max_features(MaxFeatures::Fraction(0.3))
            .plan(10, 5)
            .expect("valid sizes");
        assert_eq!(plan.max_samples, 3);
        assert_eq!(plan.max_features, 1);
        let tiny = IsolationForest::new()
            .max_features(MaxFeatures::Fraction(0.01))
            .plan(10, 5)
            .expect("valid sizes");
        assert_eq!(tiny.max_features, 1);
    }
}
