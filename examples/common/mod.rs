//! Command-line pieces shared by the examples.
// Each example compiles this module on its own and uses only some of it.
#![allow(dead_code)]

#[cfg(feature = "plot")]
pub(crate) mod outliers;

use std::io::{IsTerminal, Write};
use std::ops::ControlFlow;
use std::process::ExitCode;
use std::time::{Duration, Instant};

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

/// Prints the libraries' `log` records to stderr, with the seconds since the start:
/// warnings by default, or down to the level the environment variable `EMBVIZ_LOG` names
/// (`off`, `error`, `warn`, `info`, `debug`, `trace`).
///
/// Also restores the default action of `SIGPIPE` on Unix, so that an example piped into
/// `head` stops quietly when `head` exits, as command-line tools do, instead of panicking
/// on the failed write.
pub(crate) fn init_log() {
    #[cfg(unix)]
    // SAFETY: called at the start of `main`, before any other thread exists. Setting a
    // signal's action to the default has no other precondition.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let level = match std::env::var("EMBVIZ_LOG").as_deref() {
        Ok("off") => return,
        Ok("error") => log::LevelFilter::Error,
        Ok("info") => log::LevelFilter::Info,
        Ok("debug") => log::LevelFilter::Debug,
        Ok("trace") => log::LevelFilter::Trace,
        _ => log::LevelFilter::Warn,
    };
    static LOGGER: StderrLog = StderrLog;
    START.get_or_init(std::time::Instant::now);
    if log::set_logger(&LOGGER).is_ok() {
        log::set_max_level(level);
    }
}

static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();

struct StderrLog;

impl log::Log for StderrLog {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }

    fn log(&self, record: &log::Record<'_>) {
        let elapsed = START.get().map_or(0.0, |s| s.elapsed().as_secs_f64());
        eprintln!("[{elapsed:8.3}s {}] {}", record.level(), record.args());
    }

    fn flush(&self) {}
}

/// Parses the `--contamination` option: `auto` or a fraction such as `0.1`.
pub(crate) fn parse_contamination(text: &str) -> Result<embviz::anomaly::Contamination, String> {
    if text.eq_ignore_ascii_case("auto") {
        return Ok(embviz::anomaly::Contamination::Auto);
    }
    match text.parse::<f64>() {
        Ok(fraction) if fraction > 0.0 && fraction <= 0.5 => {
            Ok(embviz::anomaly::Contamination::Fraction(fraction))
        }
        _ => Err(format!(
            "expected `auto` or a fraction in (0, 0.5], got `{text}`"
        )),
    }
}

/// Creates the output folder `out` before any long work, with an error naming it when it
/// cannot be created, for example when a file has that name.
pub(crate) fn create_output_dir(out: &std::path::Path) -> Result<(), String> {
    std::fs::create_dir_all(out).map_err(|error| {
        format!(
            "cannot create the output folder {}: {error}: pass a folder path to --out",
            out.display()
        )
    })
}

/// Returns the t-SNE perplexity of the examples' maps: scikit-learn's default of 30, or
/// `(n - 1) / 3` for fewer than 91 rows, since the perplexity must stay below the number
/// of rows.
pub(crate) fn map_perplexity(n_rows: usize) -> f64 {
    let perplexity = 30.0_f64
        .min((n_rows.saturating_sub(1)) as f64 / 3.0)
        .max(1.0);
    if perplexity < 30.0 {
        eprintln!("{n_rows} rows: the t-SNE map uses perplexity {perplexity:.1} instead of 30");
    }
    perplexity
}

/// Shortest time between two progress lines when stderr is not a terminal.
const LOG_INTERVAL: Duration = Duration::from_secs(2);

/// Shows the progress reports of a long fit on stderr. On a terminal the line is redrawn
/// in place at every report. In a log, a report gets its own line when two seconds have
/// passed since the last one, at the end of the work, and after each snapshot of a
/// sequence.
pub(crate) struct ProgressLine {
    label: String,
    terminal: bool,
    last_line: Option<Instant>,
    drawn: bool,
}

impl ProgressLine {
    /// Creates a progress line whose reports start with `label`, such as `"t-SNE"`.
    pub(crate) fn new(label: impl Into<String>) -> Self {
        Self {
            label: label.into(),
            terminal: std::io::stderr().is_terminal(),
            last_line: None,
            drawn: false,
        }
    }

    /// Shows one report and lets the work go on. Pass it as the observer of `fit_with`.
    pub(crate) fn report(&mut self, progress: &embviz::Progress) -> ControlFlow<()> {
        let mut line = format!(
            "{}: {:<18} {:>4}/{}",
            self.label, progress.stage, progress.iteration, progress.total
        );
        if let Some(loss) = progress.loss {
            line.push_str(&format!("  loss {loss:.4}"));
        }
        if self.terminal {
            // Trailing spaces clear the rest of a longer previous line.
            eprint!("\r{line:<72}");
            let _ = std::io::stderr().flush();
            self.drawn = true;
        } else {
            let due = self
                .last_line
                .is_none_or(|last| last.elapsed() >= LOG_INTERVAL);
            // Reports between snapshots are few, and each shows how far the sequence has got.
            if due || progress.iteration == progress.total || progress.stage == "snapshots" {
                eprintln!("{line}");
                self.last_line = Some(Instant::now());
            }
        }
        ControlFlow::Continue(())
    }

    /// Ends the redrawn line on a terminal, so that the next output starts on a new line.
    pub(crate) fn finish(&mut self) {
        if self.drawn {
            eprintln!();
            self.drawn = false;
        }
    }
}
