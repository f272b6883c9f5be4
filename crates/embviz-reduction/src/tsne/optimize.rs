//! Gradient descent with momentum and adaptive gains, in scikit-learn's two phases.
//!
//! The update rule is Jacobs' (1988) delta-bar-delta, as used by van der Maaten & Hinton
//! (2008). Each coordinate's gain grows by 0.2 while the gradient points against the last
//! update, and shrinks by a factor 0.8 otherwise, never below 0.01.

use embviz_core::{Observer, Progress};
use ndarray::{Array2, Zip};

use super::gradient::Gradient;
use super::params::{CHECK_EVERY, EXPLORATION_ITER, report};

const GAIN_INCREASE: f64 = 0.2;
const GAIN_DECREASE: f64 = 0.8;
const MIN_GAIN: f64 = 0.01;

/// Momentum during early exaggeration, then after it (scikit-learn's values).
const EXPLORATION_MOMENTUM: f64 = 0.5;
const FINAL_MOMENTUM: f64 = 0.8;

/// Settings of the whole optimisation.
pub(super) struct Schedule {
    pub(super) learning_rate: f64,
    pub(super) early_exaggeration: f64,
    pub(super) max_iter: usize,
    pub(super) n_iter_without_progress: usize,
    pub(super) min_grad_norm: f64,
    pub(super) progress_every: usize,
}

/// End state of an optimisation.
#[derive(Debug, Clone, Copy)]
pub(super) struct Outcome {
    /// KL divergence at the last iteration.
    pub(super) kl_divergence: f64,
    /// Iterations run, both phases together.
    pub(super) n_iter: usize,
    /// Whether the observer stopped the run.
    pub(super) stopped_early: bool,
}

struct Phase {
    stage: &'static str,
    start: usize,
    end: usize,
    exaggeration: f64,
    momentum: f64,
    n_iter_without_progress: usize,
}

struct PhaseEnd {
    kl_divergence: f64,
    last_iteration: usize,
    stopped_early: bool,
}

/// Optimises `y` in place: early exaggeration for 250 iterations, then the rest of
/// `max_iter` without it. Like scikit-learn, each phase starts with zero velocity and unit
/// gains.
pub(super) fn optimize(
    y: &mut Array2<f64>,
    gradient: &dyn Gradient,
    schedule: &Schedule,
    observer: &mut Observer<'_>,
) -> Outcome {
    let exploration = Phase {
        stage: "early exaggeration",
        start: 0,
        end: EXPLORATION_ITER,
        exaggeration: schedule.early_exaggeration,
        momentum: EXPLORATION_MOMENTUM,
        n_iter_without_progress: EXPLORATION_ITER,
    };
    let first = descend(y, gradient, schedule, &exploration, observer);
    if first.stopped_early {
        return Outcome {
            kl_divergence: first.kl_divergence,
            n_iter: first.last_iteration + 1,
            stopped_early: true,
        };
    }
    if first.last_iteration + 1 >= schedule.max_iter {
        return Outcome {
            kl_divergence: first.kl_divergence,
            n_iter: first.last_iteration + 1,
            stopped_early: false,
        };
    }
    let refinement = Phase {
        stage: "optimization",
        start: first.last_iteration + 1,
        end: schedule.max_iter,
        exaggeration: 1.0,
        momentum: FINAL_MOMENTUM,
        n_iter_without_progress: schedule.n_iter_without_progress,
    };
    let second = descend(y, gradient, schedule, &refinement, observer);
    Outcome {
        kl_divergence: second.kl_divergence,
        n_iter: second.last_iteration + 1,
        stopped_early: second.stopped_early,
    }
}

fn descend(
    y: &mut Array2<f64>,
    gradient: &dyn Gradient,
    schedule: &Schedule,
    phase: &Phase,
    observer: &mut Observer<'_>,
) -> PhaseEnd {
    let mut update = Array2::<f64>::zeros(y.dim());
    let mut gains = Array2::<f64>::ones(y.dim());
    let mut grad = Array2::<f64>::zeros(y.dim());
    let mut kl_divergence = f64::MAX;
    let mut best_error = f64::MAX;
    let mut best_iteration = phase.start;
    let mut iteration = phase.start;
    while iteration < phase.end {
        let check = (iteration + 1).is_multiple_of(CHECK_EVERY);
        let observe = (iteration + 1).is_multiple_of(schedule.progress_every);
        let last = iteration + 1 == phase.end;
        let error = gradient.compute(
            y.view(),
            phase.exaggeration,
            &mut grad,
            check || observe || last,
        );
        if let Some(error) = error {
            kl_divergence = error;
        }

        Zip::from(&mut gains)
            .and(&mut grad)
            .and(&mut update)
            .and(&mut *y)
            .for_each(|gain, g, u, position| {
                if *u * *g < 0.0 {
                    *gain += GAIN_INCREASE;
                } else {
                    *gain *= GAIN_DECREASE;
                }
                *gain = gain.max(MIN_GAIN);
                *g *= *gain;
                *u = phase.momentum * *u - schedule.learning_rate * *g;
                *position += *u;
            });

        if observe {
            let progress = Progress::new(phase.stage, iteration + 1, schedule.max_iter, error);
            if !report(observer, progress) {
                log::info!(
                    "t-SNE stopped by its observer at iteration {}",
                    iteration + 1
                );
                return PhaseEnd {
                    kl_divergence,
                    last_iteration: iteration,
                    stopped_early: true,
                };
            }
        }
        if check {
            let grad_norm = grad.iter().map(|g| g * g).sum::<f64>().sqrt();
            log::debug!(
                "t-SNE iteration {}: KL divergence {kl_divergence:.6}, gradient norm {grad_norm:.3e}",
                iteration + 1
            );
            if kl_divergence < best_error {
                best_error = kl_divergence;
                best_iteration = iteration;
            } else if iteration - best_iteration > phase.n_iter_without_progress {
                log::info!(
                    "t-SNE stopped at iteration {}: no progress in the last {} iterations",
                    iteration + 1,
                    phase.n_iter_without_progress
                );
                break;
            }
            if grad_norm <= schedule.min_grad_norm {
                log::info!(
                    "t-SNE stopped at iteration {}: gradient norm {grad_norm:.3e} is below {:.3e}",
                    iteration + 1,
                    schedule.min_grad_norm
                );
                break;
            }
        }
        iteration += 1;
    }
    PhaseEnd {
        kl_divergence,
        last_iteration: iteration.min(phase.end - 1),
        stopped_early: false,
    }
}
