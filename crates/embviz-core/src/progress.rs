use std::ops::ControlFlow;

/// A report from a long computation, passed to an [`Observer`].
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct Progress {
    /// Name of the running stage, such as t-SNE's `"early exaggeration"` and `"optimization"`.
    pub stage: &'static str,
    /// Iterations or items done in this stage.
    pub iteration: usize,
    /// Iterations or items this stage runs at most.
    pub total: usize,
    /// The loss (for t-SNE the KL divergence) when it was computed at this iteration.
    pub loss: Option<f64>,
}

impl Progress {
    /// Creates a report.
    pub fn new(stage: &'static str, iteration: usize, total: usize, loss: Option<f64>) -> Self {
        Self {
            stage,
            iteration,
            total,
            loss,
        }
    }
}

/// A callback that receives [`Progress`] reports. Returning `ControlFlow::Break(())`
/// stops the computation early; the result then records that it was stopped.
///
/// It is a trait object because it is called a few dozen times per run, where dynamic
/// dispatch costs nothing measurable, and it keeps the algorithm types free of a generic
/// parameter.
pub type Observer<'a> = dyn FnMut(&Progress) -> ControlFlow<()> + 'a;
