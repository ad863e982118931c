//! Log lines: `jitfleet: <level>: <message>` on standard error or in `JITFLEET_LOG_FILE`.
//!
//! The rest of the agent logs through `tracing`'s macros; this module only installs the
//! subscriber. Before it is installed (or if installing fails) [`early`] writes straight to
//! standard error, so that a broken configuration still gets its one clear line.

use crate::config::{Config, LogLevel};
use std::fmt;
use std::fs::OpenOptions;
use std::sync::Mutex;
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::fmt::format::{FormatEvent, FormatFields, Writer};
use tracing_subscriber::fmt::FmtContext;
use tracing_subscriber::registry::LookupSpan;

/// Writes one line to standard error without the logging machinery.
pub fn early(message: &str) {
    eprintln!("jitfleet: {message}");
}

/// Installs the process-wide subscriber for this library. Returns an error message if the log
/// file cannot be opened; logging then stays on standard error.
pub fn init(config: &Config) -> Result<(), String> {
    let level = match config.log {
        LogLevel::Error => Level::ERROR,
        LogLevel::Warn => Level::WARN,
        LogLevel::Info => Level::INFO,
        LogLevel::Debug => Level::DEBUG,
        LogLevel::Trace => Level::TRACE,
    };
    let builder = tracing_subscriber::fmt()
        .with_max_level(level)
        .with_ansi(false)
        .event_format(LineFormat);
    let mut problem = None;
    let result = match &config.log_file {
        Some(path) => match OpenOptions::new().create(true).append(true).open(path) {
            Ok(file) => builder.with_writer(Mutex::new(file)).try_init(),
            Err(e) => {
                problem = Some(format!("cannot open log file {}: {e}; logging to stderr", path.display()));
                builder.with_writer(std::io::stderr).try_init()
            }
        },
        None => builder.with_writer(std::io::stderr).try_init(),
    };
    // A second init (Agent_OnLoad after Agent_OnAttach in one process) keeps the first one.
    let _ = result;
    match problem {
        Some(p) => Err(p),
        None => Ok(()),
    }
}

/// `jitfleet: warn: message key=value ...`
struct LineFormat;

impl<S, N> FormatEvent<S, N> for LineFormat
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let level = event.metadata().level().as_str().to_ascii_lowercase();
        write!(writer, "jitfleet: {level}: ")?;
        ctx.field_format().format_fields(writer.by_ref(), event)?;
        writeln!(writer)
    }
}
