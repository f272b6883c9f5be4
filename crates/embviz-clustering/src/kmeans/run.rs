//! The k-means runs: initial centres, the steps until convergence, and the choice of the
//! best run.

use std::time::Instant;

use embviz_core::{Float, Observer, Progress, seed};
use ndarray::{Array1, ArrayView2};

use super::centres::{self, Centres};
use super::elkan::Elkan;
use super::hamerly::Hamerly;
use super::init;
use super::model::{Codebook, FittedKMeans};
use super::params::{Algorithm, KMeansInit};
use super::rows::{Centered, RowNorms, Rows, column_means, mean_variance};

/// The parameters of a fit, with `n_init` resolved.
#[derive(Debug)]
pub(super) struct Settings<'a> {
    pub(super) n_clusters: usize,
    pub(super) init: &'a KMeansInit,
    pub(super) n_init: usize,
    pub(super) max_iter: usize,
    pub(super) tol: f64,
    pub(super) algorithm: Algorithm,
}

/// The result of one run.
#[derive(Debug)]
pub(super) struct RunResult {
    pub(super) centres: Centres,
    pub(super) labels: Vec<usize>,
    pub(super) inertia: f64,
    pub(super) n_iter: usize,
    pub(super) converged: bool,
    pub(super) stopped_early: bool,
}

/// Runs k-means `settings.n_init` times on validated `x` and keeps the run with the lowest
/// inertia.
pub(super) fn fit<F: Float>(
    settings: &Settings<'_>,
    x: ArrayView2<'_, F>,
    seed: u64,
    observer: &mut Observer<'_>,
) -> FittedKMeans {
    let started = Instant::now();
    let (n_samples, n_features) = x.dim();
    log::info!(
        "k-means of {n_samples} rows x {n_features} columns: {} clusters, {} runs ({:?})",
        settings.n_clusters,
        settings.n_init,
        settings.algorithm
    );
    let mean = column_means(x);
    let rows = Centered::new(x, &mean);
    let norms = RowNorms::new(&rows);
    let tolerance = absolute_tolerance(&rows, settings.tol);

    let mut best: Option<RunResult> = None;
    for run in 0..settings.n_init {
        let mut rng = seed::stream_rng(seed, run as u64);
        let initial = initial_centres(settings, &rows, &norms, &mean, &mut rng);
        let result = run_once(
            &rows,
            &norms,
            initial,
            settings.algorithm,
            settings.max_iter,
            tolerance,
            observer,
        );
        log::debug!(
            "k-means run {}/{}: inertia {:e} after {} iterations{}",
            run + 1,
            settings.n_init,
            result.inertia,
            result.n_iter,
            if result.converged {
                ""
            } else {
                " (not converged)"
            }
        );
        let stopped = result.stopped_early
            || observer(&Progress::new(
                "run",
                run + 1,
                settings.n_init,
                Some(result.inertia),
            ))
            .is_break();
        let better = best
            .as_ref()
            .is_none_or(|best| replaces(&result, best, settings.n_clusters));
        if better {
            best = Some(RunResult {
                stopped_early: stopped,
                ..result
            });
        } else if let Some(best) = &mut best {
            best.stopped_early |= stopped;
        }
        if stopped {
            log::info!("k-means stopped by its observer after run {}", run + 1);
            break;
        }
    }
    let best = best.expect("n_init is at least 1, so one run was made");

    let distinct = centres::count_distinct(&best.labels, settings.n_clusters);
    if distinct < settings.n_clusters {
        log::warn!(
            "k-means found {distinct} distinct clusters, fewer than n_clusters = {}, \
             possibly because of duplicate rows in X",
            settings.n_clusters
        );
    }
    if !best.converged && !best.stopped_early {
        log::info!(
            "the best k-means run did not converge within max_iter = {} iterations",
            settings.max_iter
        );
    }
    log::info!(
        "k-means of {n_samples} rows done in {:.3} s, inertia {:e}",
        started.elapsed().as_secs_f64(),
        best.inertia
    );
    FittedKMeans::new(
        Codebook::new(best.centres, mean),
        Array1::from(best.labels),
        best.inertia,
        best.n_iter,
        best.converged,
        best.stopped_early,
        seed,
    )
}

/// Returns the initial centres of one run, drawn from `rng` unless they are given.
fn initial_centres<R: Rows>(
    settings: &Settings<'_>,
    rows: &R,
    norms: &RowNorms,
    mean: &[f64],
    rng: &mut seed::ChaCha8Rng,
) -> Centres {
    match settings.init {
        KMeansInit::KMeansPlusPlus => {
            init::kmeans_plusplus(rows, &norms.centred_sq, settings.n_clusters, rng)
        }
        KMeansInit::Random => init::random_rows(rows, settings.n_clusters, rng),
        KMeansInit::Given(centres) => Centres::from_uncentred(centres.view(), mean),
    }
}

/// Returns whether run `result` replaces the best run so far: a lower inertia and, as in
/// scikit-learn, a different partition, because the same partition up to renaming the
/// clusters differs only by rounding.
fn replaces(result: &RunResult, best: &RunResult, n_clusters: usize) -> bool {
    result.inertia < best.inertia
        && !centres::same_clustering(&result.labels, &best.labels, n_clusters)
}

/// Returns the absolute tolerance: `tol` times the mean of the per-feature variances, as
/// scikit-learn's `_tolerance`.
pub(super) fn absolute_tolerance<R: Rows>(rows: &R, tol: f64) -> f64 {
    if tol == 0.0 {
        return 0.0;
    }
    mean_variance(rows) * tol
}

/// The assignment state of a run.
enum Assigner<'a> {
    Lloyd(Hamerly<'a>),
    Elkan(Elkan),
}

impl<'a> Assigner<'a> {
    fn new<R: Rows>(
        algorithm: Algorithm,
        rows: &R,
        norms: &'a RowNorms,
        centres: &Centres,
        labels: &mut [usize],
    ) -> Self {
        match algorithm {
            Algorithm::Lloyd => Assigner::Lloyd(Hamerly::new(norms)),
            Algorithm::Elkan => Assigner::Elkan(Elkan::new(rows, centres, labels)),
        }
    }

    fn stage(&self) -> &'static str {
        match self {
            Assigner::Lloyd(_) => "lloyd",
            Assigner::Elkan(_) => "elkan",
        }
    }
}

/// Runs Lloyd's or Elkan's steps from `centres` until the labels stop changing, the
/// squared centre shift is at most `tolerance`, `max_iter` steps are done or the observer
/// stops the run.
///
/// Unless the labels stopped changing, a last assignment makes the labels match the final
/// centres, as in scikit-learn.
pub(super) fn run_once<R: Rows>(
    rows: &R,
    norms: &RowNorms,
    mut centres: Centres,
    algorithm: Algorithm,
    max_iter: usize,
    tolerance: f64,
    observer: &mut Observer<'_>,
) -> RunResult {
    let n = rows.n_rows();
    let mut labels = vec![0; n];
    let mut assigner = Assigner::new(algorithm, rows, norms, &centres, &mut labels);
    // `None` before the first step, whose labels therefore always count as changed.
    let mut previous: Option<Vec<usize>> = None;
    let mut labels_unchanged = false;
    let mut converged = false;
    let mut stopped_early = false;
    let mut n_iter = 0;

    for iteration in 0..max_iter {
        let sums = match &mut assigner {
            Assigner::Lloyd(bounds) => bounds.step(rows, &centres, &mut labels),
            Assigner::Elkan(elkan) => elkan.step(rows, &centres, &mut labels),
        };
        let update = centres::update_centres(rows, &centres, sums, &labels);
        match &mut assigner {
            Assigner::Lloyd(bounds) => bounds.follow_update(&update.shifts, &labels),
            Assigner::Elkan(elkan) => elkan.follow_update(&update.centres, &update.shifts, &labels),
        }
        let squared_shift = update.squared_shift();
        let n_relocated = update.n_relocated;
        centres = update.centres;
        n_iter = iteration + 1;
        log::debug!(
            "k-means iteration {n_iter}: squared centre shift {squared_shift:e} \
             (tolerance {tolerance:e}), {} empty clusters moved to far rows",
            n_relocated
        );

        let progress = Progress::new(assigner.stage(), n_iter, max_iter, None);
        stopped_early = observer(&progress).is_break();

        if previous.as_deref() == Some(&labels[..]) {
            labels_unchanged = true;
            converged = true;
            break;
        }
        if squared_shift <= tolerance {
            converged = true;
            break;
        }
        if stopped_early {
            break;
        }
        match &mut previous {
            Some(previous) => previous.copy_from_slice(&labels),
            None => previous = Some(labels.clone()),
        }
    }

    if !labels_unchanged {
        match &mut assigner {
            Assigner::Lloyd(bounds) => bounds.assign(rows, &centres, &mut labels),
            Assigner::Elkan(elkan) => elkan.assign(rows, &centres, &mut labels),
        }
    }
    let inertia = centres::inertia(rows, &centres, &labels);
    RunResult {
        centres,
        labels,
        inertia,
        n_iter,
        converged,
        stopped_early,
    }
}
