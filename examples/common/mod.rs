//! Command-line pieces shared by the examples.
// Each example compiles this module on its own and uses only some of it.
#![allow(dead_code)]

use std::process::ExitCode;

use clap::ValueEnum;
use embviz::Metric;

/// The `--metric` option.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum MetricArg {
    Euclidean,
    Cosine,
}

impl From<MetricArg> for Metric {
    fn from(metric: MetricArg) -> Self {
        match metric {
            MetricArg::Euclidean => Metric::Euclidean,
            MetricArg::Cosine => Metric::Cosine,
        }
    }
}

/// Runs an example's body and turns an error into its message on stderr and a failure
/// exit code, instead of the debug form that returning it from `main` would print.
pub(crate) fn exit_with(result: Result<(), Box<dyn std::error::Error>>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
