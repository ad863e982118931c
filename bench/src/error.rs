//! Errors of the harness: each says what failed and where (which file, run or tool).

use std::path::PathBuf;

/// Everything that can stop a benchmark step.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BenchError {
    #[error("cannot run {program}: {source}")]
    Spawn {
        program: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{what} failed with {status}: {detail}")]
    ToolFailed {
        what: String,
        status: String,
        detail: String,
    },
    #[error("missing {path}: {hint}")]
    Missing { path: PathBuf, hint: &'static str },
    #[error("I/O on {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("run {run} produced bad output: {detail}")]
    Protocol { run: String, detail: String },
    #[error("run {run} timed out after {seconds} s")]
    Timeout { run: String, seconds: u64 },
    #[error("cannot parse wrk output ({detail}): {output:?}")]
    Wrk { detail: String, output: String },
    #[error("cannot draw {path}: {detail}")]
    Plot { path: PathBuf, detail: String },
    #[error("cannot read or write results {path}: {detail}")]
    Results { path: PathBuf, detail: String },
    #[error("{0}")]
    Usage(String),
}

impl BenchError {
    /// Wraps an I/O error with the path it happened on.
    pub fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> BenchError {
        let path = path.into();
        move |source| BenchError::Io { path, source }
    }
}

pub type Result<T, E = BenchError> = std::result::Result<T, E>;
