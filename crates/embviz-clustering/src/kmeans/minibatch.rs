//! Mini-batch k-means: centres updated from random batches of rows.

use std::ops::ControlFlow;
use std::time::Instant;

use embviz_core::seed::{self, ChaCha8Rng};
use embviz_core::{Error, Float, Matrix, Observer, Progress, Result, validate};
use ndarray::{Array1, Array2};
use rand::RngExt;

use super::centres::{self, Centres};
use super::init;
use super::lloyd;
use super::model::Codebook;
use super::params::{KMeansInit, NInit, check_against_input, check_common};
use super::rows::{Centered, Rows, Sampled, column_means, squared_distance};
use super::run::absolute_tolerance;

/// The ChaCha8 stream of the validation rows, the batches and the reassignments. Run `r`
/// of the initialization uses stream `r`.
const SAMPLING_STREAM: u64 = u64::MAX;

/// Mini-batch k-means: k-means whose centres move towards the rows of small random
/// batches. It is faster than [`KMeans`](crate::KMeans) on many rows, for a somewhat
/// higher inertia (3 % above ten k-means runs on digits, the mean over 40 seeds).
///
/// Each step draws `batch_size` rows with replacement and assigns them to their nearest
/// centres. Every centre then moves to the mean of all rows it has been given so far, a
/// per-centre learning rate of one over its count, as in D. Sculley (2010), "Web-scale
/// k-means clustering", WWW 2010. Centres with very few rows are moved to random rows of
/// the batch from time to time (see [`reassignment_ratio`](Self::reassignment_ratio)).
/// The fit stops after `max_iter` passes' worth of batches, or earlier when the smoothed
/// batch inertia stops improving or the centres stop moving.
///
/// This is scikit-learn's `sklearn.cluster.MiniBatchKMeans` (checked against 1.9.1) with
/// the same parameters, defaults, initialization on a subset, early stopping and
/// reassignment rule. Differences:
///
/// - The sums, centres and inertia are computed in `f64`, with labels decided as in
///   [`KMeans`](crate::KMeans). The random numbers come from ChaCha8 streams, so a seed
///   gives other batches than the same `random_state` in scikit-learn.
/// - The labels and inertia of all training rows are always computed at the end
///   (scikit-learn's `compute_labels=True`, its default).
/// - There is no `partial_fit` and no `sample_weight`.
///
/// # Example
///
/// ```
/// use embviz_clustering::MiniBatchKMeans;
/// use ndarray::Array2;
///
/// // Two groups of 50 rows around (0, 0) and (20, 20).
/// let x = Array2::from_shape_fn((100, 2), |(i, j)| {
///     let offset = if i < 50 { 0.0 } else { 20.0 };
///     offset + ((i * 7 + j * 3) % 10) as f64 * 0.1
/// });
/// let model = MiniBatchKMeans::new(2).batch_size(20).seed(3).fit(&x)?;
/// let labels = model.labels();
/// assert!(labels.iter().take(50).all(|&l| l == labels[0]));
/// assert!(labels.iter().skip(50).all(|&l| l == labels[50]));
/// assert_ne!(labels[0], labels[50]);
/// # Ok::<(), embviz_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct MiniBatchKMeans {
    n_clusters: usize,
    init: KMeansInit,
    n_init: NInit,
    max_iter: usize,
    batch_size: usize,
    tol: f64,
    max_no_improvement: Option<usize>,
    init_size: Option<usize>,
    reassignment_ratio: f64,
    seed: Option<u64>,
}

impl Default for MiniBatchKMeans {
    /// 8 clusters and the other defaults of scikit-learn's `MiniBatchKMeans`, as listed
    /// on each setter.
    fn default() -> Self {
        Self {
            n_clusters: 8,
            init: KMeansInit::KMeansPlusPlus,
            n_init: NInit::Auto,
            max_iter: 100,
            batch_size: 1024,
            tol: 0.0,
            max_no_improvement: Some(10),
            init_size: None,
            reassignment_ratio: 0.01,
            seed: None,
        }
    }
}

impl MiniBatchKMeans {
    /// Creates mini-batch k-means with `n_clusters` clusters (at least 1 and at most the
    /// number of rows) and scikit-learn's other defaults.
    pub fn new(n_clusters: usize) -> Self {
        Self {
            n_clusters,
            ..Self::default()
        }
    }

    /// Sets how the initial centres are chosen. k-means++ and random centres are drawn
    /// from [`init_size`](Self::init_size) random rows. Default:
    /// [`KMeansInit::KMeansPlusPlus`].
    pub fn init(self, init: KMeansInit) -> Self {
        Self { init, ..self }
    }

    /// Sets the number of initializations. Unlike [`KMeans`](crate::KMeans), only the
    /// best initialization (the lowest inertia on `init_size` random rows) is run.
    /// Default: [`NInit::Auto`], 1 for k-means++ and given centres and 3 for random ones.
    pub fn n_init(self, n_init: NInit) -> Self {
        Self { n_init, ..self }
    }

    /// Sets the maximum number of passes over the data, at least 1: the fit makes at most
    /// `max_iter * n_samples / batch_size` steps (rounded down). Default: 100.
    pub fn max_iter(self, max_iter: usize) -> Self {
        Self { max_iter, ..self }
    }

    /// Sets the number of rows per batch, at least 1, lowered to the number of rows.
    /// Default: 1024.
    pub fn batch_size(self, batch_size: usize) -> Self {
        Self { batch_size, ..self }
    }

    /// Sets the relative tolerance on the centre moves, at least 0. The fit stops once
    /// the sum of squared centre moves of one step is at most `tol` times the mean of the
    /// per-feature variances. Default: 0, which turns this test off.
    pub fn tol(self, tol: f64) -> Self {
        Self { tol, ..self }
    }

    /// Sets the number of consecutive steps without a lower smoothed batch inertia after
    /// which the fit stops, or `None` to never stop for that reason. Default: `Some(10)`.
    pub fn max_no_improvement(self, max_no_improvement: Option<usize>) -> Self {
        Self {
            max_no_improvement,
            ..self
        }
    }

    /// Sets the number of random rows (drawn with replacement) that k-means++ or random
    /// initialization picks from, and on which the initializations are compared, or
    /// `None` for `3 * batch_size`, raised to `3 * n_clusters` when that is smaller than
    /// `n_clusters`. Values below `n_clusters` become `3 * n_clusters` with a warning,
    /// and all are lowered to the number of rows. Default: `None`.
    pub fn init_size(self, init_size: Option<usize>) -> Self {
        Self { init_size, ..self }
    }

    /// Sets the fraction of the largest centre count below which a centre is moved to a
    /// random row of the batch, at least 0. This check runs once every `10 * n_clusters`
    /// rows seen, and at every step while a centre has no row. Default: 0.01.
    pub fn reassignment_ratio(self, reassignment_ratio: f64) -> Self {
        Self {
            reassignment_ratio,
            ..self
        }
    }

    /// Sets the seed of the initializations, batches and reassignments. Default: a seed
    /// drawn from the operating system, which the fitted model reports through
    /// [`FittedMiniBatchKMeans::seed`].
    #[doc(alias = "random_state")]
    pub fn seed(self, seed: u64) -> Self {
        Self {
            seed: Some(seed),
            ..self
        }
    }

    /// Clusters the rows of `x`.
    ///
    /// Each step takes `O(batch_size * n_clusters * n_features)` time, in parallel, and the
    /// last assignment of all rows takes `O(n_samples * n_clusters * n_features)`.
    ///
    /// # Errors
    ///
    /// - [`Error::InvalidParameter`] named `n_clusters`, `n_init`, `max_iter`,
    ///   `batch_size` or `init_size` when it is 0, `tol` when it is negative or not
    ///   finite, or `reassignment_ratio` when it is negative or not finite.
    /// - [`Error::RaggedRows`], [`Error::EmptyInput`] or [`Error::NonFinite`] for invalid
    ///   `x`.
    /// - [`Error::TooFewSamples`] when `x` has fewer rows than `n_clusters`.
    /// - [`Error::ShapeMismatch`] or [`Error::NonFinite`] named `init` when given centres
    ///   are not `n_clusters x n_features` or not finite.
    pub fn fit<F: Float>(&self, x: &impl Matrix<F>) -> Result<FittedMiniBatchKMeans> {
        self.fit_with(x, &mut |_| ControlFlow::Continue(()))
    }

    /// Clusters the rows of `x` as [`fit`](Self::fit) does, reporting progress to
    /// `observer` after every step: stage `"mini-batch"`, the step out of the maximum
    /// number of steps, and the batch inertia per row as the loss. When it returns
    /// `ControlFlow::Break(())`, the fit ends with the centres so far and the model reports
    /// [`FittedMiniBatchKMeans::stopped_early`].
    ///
    /// # Errors
    ///
    /// As [`fit`](Self::fit).
    pub fn fit_with<F: Float>(
        &self,
        x: &impl Matrix<F>,
        observer: &mut Observer<'_>,
    ) -> Result<FittedMiniBatchKMeans> {
        self.check_parameters()?;
        let input = validate::input_matrix("X", x)?;
        let view = input.view();
        check_against_input(self.n_clusters, &self.init, &view)?;
        let seed = self.seed.unwrap_or_else(seed::random_seed);

        let started = Instant::now();
        let (n_samples, n_features) = view.dim();
        let batch_size = self.batch_size.min(n_samples);
        let init_size = self.effective_init_size(batch_size, n_samples);
        log::info!(
            "mini-batch k-means of {n_samples} rows x {n_features} columns: {} clusters, \
             batches of {batch_size}",
            self.n_clusters
        );
        let mean = column_means(view);
        let rows = Centered::new(view, &mean);
        let tolerance = absolute_tolerance(&rows, self.tol);

        let mut sampling = seed::stream_rng(seed, SAMPLING_STREAM);
        let centres = self.initial_centres(&rows, &mean, init_size, seed, &mut sampling);

        let (centres, steps_done, stopped_early) = self.optimise(
            &rows,
            centres,
            batch_size,
            tolerance,
            &mut sampling,
            observer,
        );

        let mut labels = vec![0; n_samples];
        lloyd::assign(&rows, &centres, &mut labels);
        let inertia = centres::inertia(&rows, &centres, &labels);
        let n_iter = (steps_done * batch_size).div_ceil(n_samples);
        log::info!(
            "mini-batch k-means of {n_samples} rows done in {:.3} s: {steps_done} steps, \
             inertia {inertia:e}",
            started.elapsed().as_secs_f64()
        );
        Ok(FittedMiniBatchKMeans {
            codebook: Codebook::new(centres, mean),
            labels: Array1::from(labels),
            inertia,
            n_iter,
            n_steps: steps_done,
            stopped_early,
            seed,
        })
    }

    /// Runs the mini-batch steps from `centres` until the step limit, early stopping or
    /// the observer ends them. Returns the centres, the number of steps made and whether
    /// the observer stopped the fit.
    fn optimise<R: Rows>(
        &self,
        rows: &R,
        mut centres: Centres,
        batch_size: usize,
        tolerance: f64,
        sampling: &mut ChaCha8Rng,
        observer: &mut Observer<'_>,
    ) -> (Centres, usize, bool) {
        let n_samples = rows.n_rows();
        let n_steps = self.max_iter * n_samples / batch_size;
        let mut counts = vec![0.0; self.n_clusters];
        let mut monitor = Monitor::new(batch_size, n_samples, self.max_no_improvement, tolerance);
        let mut rows_since_reassignment = 0;
        let mut batch = vec![0; batch_size];
        for step in 0..n_steps {
            for index in batch.iter_mut() {
                *index = sampling.random_range(0..n_samples);
            }
            rows_since_reassignment += batch_size;
            let reassign = counts.contains(&0.0) || rows_since_reassignment >= 10 * self.n_clusters;
            if reassign {
                rows_since_reassignment = 0;
            }

            let batch_rows = Sampled::new(rows, &batch);
            let (new_centres, batch_inertia) = batch_step(
                &batch_rows,
                &centres,
                &mut counts,
                reassign.then_some((self.reassignment_ratio, &mut *sampling)),
            );
            let squared_shift = if tolerance > 0.0 {
                (0..self.n_clusters)
                    .map(|c| squared_distance(centres.centre(c), new_centres.centre(c)))
                    .sum()
            } else {
                0.0
            };
            centres = new_centres;

            let mean_inertia = batch_inertia / batch_size as f64;
            let progress = Progress::new("mini-batch", step + 1, n_steps, Some(mean_inertia));
            if observer(&progress).is_break() {
                return (centres, step + 1, true);
            }
            if monitor.converged(step, squared_shift, mean_inertia) {
                return (centres, step + 1, false);
            }
        }
        (centres, n_steps, false)
    }

    /// Clusters the rows of `x` and returns their labels, as `fit(x)?.labels()`.
    ///
    /// # Errors
    ///
    /// As [`fit`](Self::fit).
    pub fn fit_predict<F: Float>(&self, x: &impl Matrix<F>) -> Result<Array1<usize>> {
        Ok(self.fit(x)?.labels().clone())
    }

    /// Checks the parameters that do not depend on the data.
    fn check_parameters(&self) -> Result<()> {
        check_common(self.n_clusters, self.max_iter, self.tol)?;
        self.n_init.check()?;
        if self.batch_size == 0 {
            return Err(Error::invalid_parameter(
                "batch_size",
                0,
                "must be at least 1",
            ));
        }
        if self.init_size == Some(0) {
            return Err(Error::invalid_parameter(
                "init_size",
                0,
                "must be at least 1, or None for 3 * batch_size",
            ));
        }
        if !(self.reassignment_ratio.is_finite() && self.reassignment_ratio >= 0.0) {
            return Err(Error::invalid_parameter(
                "reassignment_ratio",
                self.reassignment_ratio,
                "must be a finite number of at least 0",
            ));
        }
        Ok(())
    }

    /// Returns the number of rows the initialization draws, by scikit-learn's rule.
    fn effective_init_size(&self, batch_size: usize, n_samples: usize) -> usize {
        let init_size = match self.init_size {
            None if 3 * batch_size < self.n_clusters => 3 * self.n_clusters,
            None => 3 * batch_size,
            Some(init_size) if init_size < self.n_clusters => {
                log::warn!(
                    "init_size = {init_size} is below n_clusters = {}, so {} rows are used",
                    self.n_clusters,
                    3 * self.n_clusters
                );
                3 * self.n_clusters
            }
            Some(init_size) => init_size,
        };
        init_size.min(n_samples)
    }

    /// Returns the best of the `n_init` initializations by their inertia on `init_size`
    /// random rows.
    fn initial_centres<R: Rows>(
        &self,
        rows: &R,
        mean: &[f64],
        init_size: usize,
        seed: u64,
        sampling: &mut ChaCha8Rng,
    ) -> Centres {
        let n_samples = rows.n_rows();
        let validation: Vec<usize> = (0..init_size)
            .map(|_| sampling.random_range(0..n_samples))
            .collect();
        let validation_rows = Sampled::new(rows, &validation);
        let n_init = self.n_init.resolve(&self.init, 3);

        let mut best: Option<(Centres, f64)> = None;
        for run in 0..n_init {
            let mut rng = seed::stream_rng(seed, run as u64);
            let centres = match &self.init {
                KMeansInit::Given(centres) => Centres::from_uncentred(centres.view(), mean),
                KMeansInit::KMeansPlusPlus | KMeansInit::Random => {
                    let subset: Vec<usize> = (0..init_size)
                        .map(|_| rng.random_range(0..n_samples))
                        .collect();
                    let subset_rows = Sampled::new(rows, &subset);
                    if self.init == KMeansInit::Random {
                        init::random_rows(&subset_rows, self.n_clusters, &mut rng)
                    } else {
                        let norms = init::row_sq_norms(&subset_rows);
                        init::kmeans_plusplus(&subset_rows, &norms, self.n_clusters, &mut rng)
                    }
                }
            };
            let mut labels = vec![0; validation.len()];
            lloyd::assign(&validation_rows, &centres, &mut labels);
            let inertia = centres::inertia(&validation_rows, &centres, &labels);
            log::debug!(
                "mini-batch k-means initialization {}/{n_init}: inertia {inertia:e} on \
                 {init_size} rows",
                run + 1
            );
            if best.as_ref().is_none_or(|(_, lowest)| inertia < *lowest) {
                best = Some((centres, inertia));
            }
        }
        let (centres, _) = best.expect("n_init is at least 1, so one initialization was made");
        centres
    }
}

/// Runs one mini-batch step: assigns the batch, moves each centre to the mean of every
/// row it was given so far, and with `reassignment` moves centres with few rows. Returns
/// the new centres and the batch inertia before the move.
fn batch_step<R: Rows>(
    batch: &R,
    centres: &Centres,
    counts: &mut [f64],
    reassignment: Option<(f64, &mut ChaCha8Rng)>,
) -> (Centres, f64) {
    let (k, d) = (centres.n_clusters(), centres.n_features());
    let mut labels = vec![0; batch.n_rows()];
    let sums = lloyd::step(batch, centres, &mut labels);
    let inertia = centres::inertia(batch, centres, &labels);

    let mut values = vec![0.0; k * d];
    for (cluster, centre) in values.chunks_exact_mut(d).enumerate() {
        let added = sums.weights[cluster];
        let old = centres.centre(cluster);
        if added > 0.0 {
            let total = counts[cluster] + added;
            for ((value, &previous), &sum) in centre.iter_mut().zip(old).zip(sums.sum(cluster)) {
                *value = (previous * counts[cluster] + sum) / total;
            }
            counts[cluster] = total;
        } else {
            centre.copy_from_slice(old);
        }
    }
    if let Some((ratio, rng)) = reassignment {
        reassign_small_clusters(batch, &mut values, counts, ratio, rng);
    }
    (Centres::new(values, d), inertia)
}

/// Moves the centres whose count is below `ratio` times the largest count to distinct
/// random rows of the batch, as scikit-learn's `_mini_batch_step` does.
///
/// At most half a batch of centres moves, those with the lowest counts. The moved
/// centres then get the lowest count among the others, so they are not moved again at
/// once.
fn reassign_small_clusters<R: Rows>(
    batch: &R,
    values: &mut [f64],
    counts: &mut [f64],
    ratio: f64,
    rng: &mut ChaCha8Rng,
) {
    if ratio <= 0.0 {
        return;
    }
    let d = batch.n_features();

    let largest = counts.iter().copied().fold(0.0, f64::max);
    let mut small: Vec<bool> = counts
        .iter()
        .map(|&count| count < ratio * largest)
        .collect();
    let limit = batch.n_rows() / 2;
    if small.iter().filter(|&&s| s).count() > limit {
        let mut order: Vec<usize> = (0..counts.len()).collect();
        order.sort_by(|&a, &b| counts[a].total_cmp(&counts[b]).then(a.cmp(&b)));
        for &cluster in &order[limit..] {
            small[cluster] = false;
        }
    }

    let moved: Vec<usize> = (0..counts.len()).filter(|&c| small[c]).collect();
    if moved.is_empty() {
        return;
    }
    let picks = init::sample_distinct(batch.n_rows(), moved.len(), rng);
    for (&cluster, &pick) in moved.iter().zip(&picks) {
        batch.load(pick..pick + 1, &mut values[cluster * d..(cluster + 1) * d]);
    }

    let lowest_kept = counts
        .iter()
        .zip(&small)
        .filter(|&(_, &s)| !s)
        .map(|(&count, _)| count)
        .fold(f64::INFINITY, f64::min);
    if lowest_kept.is_finite() {
        for &cluster in &moved {
            counts[cluster] = lowest_kept;
        }
    }
    log::debug!(
        "mini-batch k-means: {} centres moved to random rows",
        moved.len()
    );
}

/// The early-stopping rule of scikit-learn's `_mini_batch_convergence`.
#[derive(Debug)]
struct Monitor {
    /// Weight of a new batch inertia in the exponentially weighted average.
    alpha: f64,
    max_no_improvement: Option<usize>,
    tolerance: f64,
    smoothed: Option<f64>,
    lowest: Option<f64>,
    no_improvement: usize,
}

impl Monitor {
    fn new(
        batch_size: usize,
        n_samples: usize,
        max_no_improvement: Option<usize>,
        tolerance: f64,
    ) -> Self {
        Self {
            alpha: (batch_size as f64 * 2.0 / (n_samples as f64 + 1.0)).min(1.0),
            max_no_improvement,
            tolerance,
            smoothed: None,
            lowest: None,
            no_improvement: 0,
        }
    }

    /// Records step `step` (from 0) and returns whether the fit should stop: when the
    /// squared centre shift is within the tolerance, or when the smoothed inertia per row
    /// has not reached a new low for `max_no_improvement` steps. The first step is ignored
    /// because its inertia measures the initial centres.
    fn converged(&mut self, step: usize, squared_shift: f64, mean_inertia: f64) -> bool {
        if step == 0 {
            return false;
        }
        let smoothed = match self.smoothed {
            None => mean_inertia,
            Some(previous) => previous * (1.0 - self.alpha) + mean_inertia * self.alpha,
        };
        self.smoothed = Some(smoothed);
        if self.tolerance > 0.0 && squared_shift <= self.tolerance {
            log::debug!(
                "mini-batch k-means converged at step {}: small centre shift",
                step + 1
            );
            return true;
        }
        if self.lowest.is_none_or(|lowest| smoothed < lowest) {
            self.no_improvement = 0;
            self.lowest = Some(smoothed);
        } else {
            self.no_improvement += 1;
        }
        if self
            .max_no_improvement
            .is_some_and(|limit| self.no_improvement >= limit)
        {
            log::debug!(
                "mini-batch k-means converged at step {}: no improvement of the smoothed \
                 inertia",
                step + 1
            );
            return true;
        }
        false
    }
}

/// A [`MiniBatchKMeans`] fitted on training rows: the centres, the training labels and
/// inertia, and the assignment of new rows.
///
/// # Example
///
/// ```
/// use embviz_clustering::{KMeansInit, MiniBatchKMeans};
/// use ndarray::array;
///
/// let x = array![[0.0_f64, 0.0], [0.0, 2.0], [10.0, 0.0], [10.0, 2.0]];
/// let start = array![[1.0, 1.0], [9.0, 1.0]];
/// let model = MiniBatchKMeans::new(2)
///     .init(KMeansInit::Given(start))
///     .seed(0)
///     .fit(&x)?;
/// assert_eq!(model.labels().to_vec(), vec![0, 0, 1, 1]);
/// assert_eq!(model.predict(&array![[11.0_f64, 1.0]])?.to_vec(), vec![1]);
/// # Ok::<(), embviz_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct FittedMiniBatchKMeans {
    codebook: Codebook,
    labels: Array1<usize>,
    inertia: f64,
    n_iter: usize,
    n_steps: usize,
    stopped_early: bool,
    seed: u64,
}

impl FittedMiniBatchKMeans {
    /// Returns the centres, one row per cluster (`n_clusters x n_features`).
    #[doc(alias = "cluster_centers_")]
    pub fn cluster_centers(&self) -> &Array2<f64> {
        self.codebook.cluster_centers()
    }

    /// Returns the cluster of every training row, the index of its nearest final centre.
    #[doc(alias = "labels_")]
    pub fn labels(&self) -> &Array1<usize> {
        &self.labels
    }

    /// Returns the sum of squared euclidean distances from every training row to its
    /// nearest final centre.
    #[doc(alias = "inertia_")]
    pub fn inertia(&self) -> f64 {
        self.inertia
    }

    /// Returns the number of passes over the data the steps amount to:
    /// `ceil(n_steps * batch_size / n_samples)`.
    #[doc(alias = "n_iter_")]
    pub fn n_iter(&self) -> usize {
        self.n_iter
    }

    /// Returns the number of mini-batch steps made.
    #[doc(alias = "n_steps_")]
    pub fn n_steps(&self) -> usize {
        self.n_steps
    }

    /// Returns whether the observer of
    /// [`MiniBatchKMeans::fit_with`](MiniBatchKMeans::fit_with) stopped the fit.
    pub fn stopped_early(&self) -> bool {
        self.stopped_early
    }

    /// Returns the seed the fit drew with: the one set with
    /// [`MiniBatchKMeans::seed`](MiniBatchKMeans::seed), or the one drawn for this fit.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Returns the number of columns of the training rows.
    #[doc(alias = "n_features_in_")]
    pub fn n_features(&self) -> usize {
        self.codebook.n_features()
    }

    /// Returns the index of the nearest centre of every row of `x`. On equal distances
    /// the lowest index wins.
    ///
    /// # Errors
    ///
    /// [`Error::RaggedRows`], [`Error::EmptyInput`] or [`Error::NonFinite`] for invalid
    /// `x`, and [`Error::ShapeMismatch`] when its column count differs from the training
    /// rows'.
    pub fn predict<F: Float>(&self, x: &impl Matrix<F>) -> Result<Array1<usize>> {
        self.codebook.predict(x)
    }

    /// Returns the euclidean distance from every row of `x` to every centre
    /// (`n_samples x n_clusters`).
    ///
    /// # Errors
    ///
    /// As [`predict`](Self::predict).
    pub fn transform<F: Float>(&self, x: &impl Matrix<F>) -> Result<Array2<f64>> {
        self.codebook.transform(x)
    }

    /// Returns minus the inertia of `x`, so that higher is better, as scikit-learn's
    /// `score`.
    ///
    /// # Errors
    ///
    /// As [`predict`](Self::predict).
    pub fn score<F: Float>(&self, x: &impl Matrix<F>) -> Result<f64> {
        self.codebook.score(x)
    }
}
