//! The agent's configuration: `JITFLEET_*` environment variables, overridden by the agent
//! option string (`-agentpath:libjitfleet.so=key=value,key=value`).
//!
//! One grammar, one table of keys (also README.md's configuration table): every key `k` is
//! read from the environment as `JITFLEET_<K>` and from the options as `k`. An unknown key or a
//! bad value is an error naming it; the agent then disables itself and the JVM runs as without it.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

/// What the agent does in this JVM.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Loaded but inert: no capabilities, no events.
    Off,
    /// Observe compilations, classes and profiles; write profiles if asked. Changes nothing.
    Observe,
    /// Report whether this JVM can take part (compat key, features) and do nothing else; used
    /// by `jitfleet doctor`.
    Doctor,
    /// Observe, and write every C2 nmethod as a portable nmethod into `cache_dir` (or record
    /// why it cannot be shared).
    Capture,
    /// Install the portable nmethods of `cache_dir` through JVMCI as their classes become ready.
    Install,
    /// Install what `cache_dir` has and capture what is new (methods already in the cache are
    /// not captured again): a cache trained by ordinary runs.
    Auto,
    /// Check every portable nmethod of `cache_dir` against this JVM and report; used by
    /// `jitfleet cache verify`.
    Verify,
}

impl Mode {
    fn parse(value: &str) -> Option<Mode> {
        match value {
            "off" => Some(Mode::Off),
            "observe" => Some(Mode::Observe),
            "doctor" => Some(Mode::Doctor),
            "capture" => Some(Mode::Capture),
            "install" => Some(Mode::Install),
            "auto" => Some(Mode::Auto),
            "verify" => Some(Mode::Verify),
            _ => None,
        }
    }
}

/// Log verbosity, lowest to highest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogLevel {
    Error,
    Warn,
    Info,
    Debug,
    Trace,
}

impl LogLevel {
    fn parse(value: &str) -> Option<LogLevel> {
        match value {
            "error" => Some(LogLevel::Error),
            "warn" => Some(LogLevel::Warn),
            "info" => Some(LogLevel::Info),
            "debug" => Some(LogLevel::Debug),
            "trace" => Some(LogLevel::Trace),
            _ => None,
        }
    }
}

/// The whole configuration, with defaults for everything.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    pub mode: Mode,
    pub log: LogLevel,
    /// Log to this file (appending) instead of standard error.
    pub log_file: Option<PathBuf>,
    /// Where to write profiles; `%p` becomes the pid, `%a` the application name. None: don't.
    pub profile_out: Option<String>,
    /// How often to rewrite the profile while running; zero writes only at exit.
    pub profile_interval: Duration,
    /// How many of the hottest methods a profile keeps.
    pub profile_top: usize,
    /// The application's name: fleets are per application.
    pub app: String,
    /// Where `doctor` mode writes its report (JSON).
    pub doctor_out: Option<PathBuf>,
    /// Diagnostics: at exit, dump the shim's raw snapshots of the methods of classes whose
    /// name contains this text to stderr.
    pub shim_dump: Option<String>,
    /// Where `capture` writes and `install` reads portable nmethods.
    pub cache_dir: Option<PathBuf>,
    /// Methods never installed nor captured (`deny.rs`).
    pub deny: crate::deny::DenyList,
    /// The jitfleet server, this replica's certificates and the network knobs
    /// (`net::settings`); without `server` the agent opens no socket.
    pub net: crate::net::NetSettings,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            mode: Mode::Observe,
            log: LogLevel::Warn,
            log_file: None,
            profile_out: None,
            profile_interval: Duration::from_secs(60),
            profile_top: 2000,
            app: "app".to_string(),
            doctor_out: None,
            shim_dump: None,
            cache_dir: None,
            deny: Default::default(),
            net: crate::net::NetSettings::default(),
        }
    }
}

/// A configuration error, naming the key, where it came from and what was wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    pub key: String,
    pub source: Source,
    pub problem: String,
}

/// Where a setting came from, so that an error points at the right place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Environment,
    AgentOptions,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.source {
            Source::Environment => write!(
                f,
                "environment variable JITFLEET_{}: {}",
                self.key.to_ascii_uppercase(),
                self.problem
            ),
            Source::AgentOptions => write!(f, "agent option '{}': {}", self.key, self.problem),
        }
    }
}

/// Every key, its meaning and its default: the single source for `--help`-like output and
/// README.md's table.
pub const KEYS: &[(&str, &str, &str)] = &[
    ("mode", "off | observe | doctor | capture | install | auto | verify", "observe"),
    ("log", "error | warn | info | debug | trace", "warn"),
    ("log_file", "append log lines to this file instead of stderr", "stderr"),
    ("profile_out", "write profiles here (%p = pid, %a = app)", "not written"),
    ("profile_interval", "seconds between profile writes; 0 = only at exit", "60"),
    ("profile_top", "how many of the hottest methods a profile keeps (1..=1000000)", "2000"),
    ("app", "application name ([A-Za-z0-9._-], 1..=64 chars)", "app"),
    ("doctor_out", "doctor mode: write the JSON report here", "stdout"),
    ("shim_dump", "diagnostics: dump raw snapshots of classes whose name contains this at exit", "off"),
    ("cache_dir", "capture/install: the directory of portable nmethods", "required by capture and install"),
    ("deny", "methods never installed nor captured: CLASS::METHOD patterns separated by ; (or , in the environment)", "none"),
    ("cache_dir", "capture/install: the directory of portable nmethods", "required by capture; by install without a server"),
    ("server", "host:port of jitfleet-server (QUIC, mutual TLS); needs tls_ca, tls_cert, tls_key", "no server"),
    ("tls_ca", "PEM CA certificate the server's certificate must chain to", "required with server"),
    ("tls_cert", "PEM client certificate of this replica", "required with server"),
    ("tls_key", "PEM private key of tls_cert", "required with server"),
    ("server_name", "name the server certificate must carry", "the host of server"),
    ("summary_interval", "seconds between the network summary lines (1..=86400)", "60"),
    ("exit_flush_ms", "at exit, wait at most this long for unsent code uploads (0..=60000)", "2000"),
];

impl Config {
    /// Builds the configuration from `env` (name, value pairs, typically `std::env::vars()`)
    /// and the agent option string. Options win over the environment.
    pub fn load<I>(env: I, options: Option<&str>) -> Result<Config, ConfigError>
    where
        I: IntoIterator<Item = (String, String)>,
    {
        let mut config = Config::default();
        let mut env: Vec<(String, String)> = env
            .into_iter()
            .filter_map(|(k, v)| k.strip_prefix("JITFLEET_").map(|k| (k.to_ascii_lowercase(), v)))
            .collect();
        env.sort();
        for (key, value) in env {
            config.set(&key, &value, Source::Environment)?;
        }
        for item in options.unwrap_or("").split(',').filter(|s| !s.trim().is_empty()) {
            let (key, value) = item.split_once('=').ok_or_else(|| ConfigError {
                key: item.trim().to_string(),
                source: Source::AgentOptions,
                problem: "expected key=value".to_string(),
            })?;
            config.set(key.trim(), value.trim(), Source::AgentOptions)?;
        }
        config.net.check().map_err(|(key, problem)| ConfigError { key: key.to_string(), source: Source::AgentOptions, problem })?;
        let needs_dir = match config.mode {
            Mode::Capture | Mode::Auto | Mode::Verify => true,
            // Code can come from the server instead of a directory.
            Mode::Install => config.net.server.is_none(),
            _ => false,
        };
        if needs_dir && config.cache_dir.is_none() {
            return Err(ConfigError {
                key: "cache_dir".to_string(),
                source: Source::AgentOptions,
                problem: format!("mode {:?} needs a cache directory (cache_dir=DIR or JITFLEET_CACHE_DIR{})", config.mode,
                    if config.mode == Mode::Install { ", or a server" } else { "" })
                    .to_lowercase(),
            });
        }
        Ok(config)
    }

    fn set(&mut self, key: &str, value: &str, source: Source) -> Result<(), ConfigError> {
        let err = |problem: String| ConfigError { key: key.to_string(), source, problem };
        match key {
            "mode" => {
                self.mode = Mode::parse(value).ok_or_else(|| {
                    err(format!("unknown mode '{value}' (expected off, observe, doctor, capture, install, auto or verify)"))
                })?
            }
            "log" => {
                self.log = LogLevel::parse(value).ok_or_else(|| {
                    err(format!(
                        "unknown level '{value}' (expected error, warn, info, debug or trace)"
                    ))
                })?
            }
            "log_file" => self.log_file = Some(non_empty_path(value).map_err(err)?),
            "profile_out" => {
                non_empty_path(value).map_err(err)?;
                self.profile_out = Some(value.to_string());
            }
            "profile_interval" => {
                let secs = parse_bounded(value, 0, 86_400).map_err(err)?;
                self.profile_interval = Duration::from_secs(secs);
            }
            "profile_top" => self.profile_top = parse_bounded(value, 1, 1_000_000).map_err(err)? as usize,
            "app" => {
                let ok = !value.is_empty()
                    && value.len() <= 64
                    && value.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
                if !ok {
                    return Err(err(format!(
                        "'{value}' is not an application name (1 to 64 of A-Z a-z 0-9 . _ -)"
                    )));
                }
                self.app = value.to_string();
            }
            "doctor_out" => self.doctor_out = Some(non_empty_path(value).map_err(err)?),
            "shim_dump" => self.shim_dump = Some(value.to_string()),
            "cache_dir" => self.cache_dir = Some(non_empty_path(value).map_err(err)?),
            "deny" => self.deny = crate::deny::DenyList::parse(value).map_err(err)?,
            "server" | "tls_ca" | "tls_cert" | "tls_key" | "server_name" | "summary_interval" | "exit_flush_ms" => {
                self.net.set(key, value).map_err(err)?
            }
            _ => {
                let known: Vec<&str> = KEYS.iter().map(|k| k.0).collect();
                return Err(err(format!("unknown key (known: {})", known.join(", "))));
            }
        }
        Ok(())
    }

    /// The profile path with `%p` and `%a` expanded.
    pub fn profile_path(&self, pid: u32) -> Option<PathBuf> {
        self.profile_out.as_ref().map(|p| {
            PathBuf::from(p.replace("%p", &pid.to_string()).replace("%a", &self.app))
        })
    }
}

fn non_empty_path(value: &str) -> Result<PathBuf, String> {
    if value.is_empty() {
        Err("empty path".to_string())
    } else {
        Ok(PathBuf::from(value))
    }
}

fn parse_bounded(value: &str, min: u64, max: u64) -> Result<u64, String> {
    match value.parse::<u64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(format!("'{value}' is not a whole number from {min} to {max}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn defaults_without_any_setting() {
        assert_eq!(Config::load(env(&[("PATH", "/bin")]), None).unwrap(), Config::default());
    }

    #[test]
    fn options_override_the_environment() {
        let c = Config::load(
            env(&[("JITFLEET_MODE", "off"), ("JITFLEET_APP", "shop")]),
            Some("mode=observe,profile_top=10"),
        )
        .unwrap();
        assert_eq!(c.mode, Mode::Observe);
        assert_eq!(c.app, "shop");
        assert_eq!(c.profile_top, 10);
    }

    #[test]
    fn unknown_keys_and_bad_values_are_named() {
        let e = Config::load(env(&[("JITFLEET_MOED", "off")]), None).unwrap_err();
        assert_eq!(e.key, "moed");
        assert!(e.to_string().starts_with("environment variable JITFLEET_MOED: unknown key"));
        let e = Config::load(env(&[]), Some("mode=fast")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "agent option 'mode': unknown mode 'fast' (expected off, observe, doctor, capture, install, auto or verify)"
        );
        let e = Config::load(env(&[]), Some("profile_top=0")).unwrap_err();
        assert!(e.to_string().contains("from 1 to 1000000"), "{e}");
        let e = Config::load(env(&[]), Some("app=a b")).unwrap_err();
        assert_eq!(e.key, "app");
        let e = Config::load(env(&[]), Some("verbose")).unwrap_err();
        assert!(e.to_string().contains("expected key=value"));
    }

    #[test]
    fn capture_and_install_need_a_cache_dir() {
        let c = Config::load(env(&[("JITFLEET_CACHE_DIR", "/tmp/c")]), Some("mode=capture")).unwrap();
        assert_eq!((c.mode, c.cache_dir), (Mode::Capture, Some(PathBuf::from("/tmp/c"))));
        let c = Config::load(env(&[]), Some("mode=install,cache_dir=/x")).unwrap();
        assert_eq!(c.mode, Mode::Install);
        let e = Config::load(env(&[]), Some("mode=install")).unwrap_err();
        assert_eq!(e.key, "cache_dir");
        assert!(e.to_string().contains("needs a cache directory"), "{e}");
        let e = Config::load(env(&[]), Some("mode=capture,cache_dir=")).unwrap_err();
        assert_eq!(e.key, "cache_dir");
    }

    #[test]
    fn the_deny_list_is_read_from_both_places_and_checked() {
        let c = Config::load(env(&[("JITFLEET_DENY", "a.B::c,d.E::*")]), None).unwrap();
        assert!(c.deny.denies("a/B", "c") && c.deny.denies("d/E", "x") && !c.deny.denies("a/B", "d"));
        let c = Config::load(env(&[]), Some("mode=observe,deny=a.B::c;d.E::*")).unwrap();
        assert!(c.deny.denies("d/E", "x"));
        let e = Config::load(env(&[("JITFLEET_DENY", "a.B")]), None).unwrap_err();
        assert_eq!(e.key, "deny");
        assert!(e.to_string().contains("is not CLASS::METHOD"), "{e}");
    }

    #[test]
    fn a_server_replaces_the_cache_dir_for_install_only() {
        let net = "server=127.0.0.1:7420,tls_ca=/p/ca.pem,tls_cert=/p/c.pem,tls_key=/p/c-key.pem";
        let c = Config::load(env(&[]), Some(&format!("mode=install,{net}"))).unwrap();
        assert_eq!(c.net.server.as_deref(), Some("127.0.0.1:7420"));
        assert_eq!(c.cache_dir, None);
        let e = Config::load(env(&[]), Some(&format!("mode=capture,{net}"))).unwrap_err();
        assert_eq!(e.key, "cache_dir");
        let e = Config::load(env(&[("JITFLEET_SERVER", "127.0.0.1:7420")]), Some("mode=install")).unwrap_err();
        assert_eq!(e.key, "tls_ca");
        assert!(e.to_string().contains("needs tls_ca"), "{e}");
        let e = Config::load(env(&[("JITFLEET_SERVER", "nohost")]), None).unwrap_err();
        assert_eq!(e.to_string(), "environment variable JITFLEET_SERVER: 'nohost' is not host:port");
    }

    #[test]
    fn profile_path_expands_pid_and_app() {
        let c = Config::load(env(&[]), Some("profile_out=/tmp/%a-%p.jfprof,app=svc")).unwrap();
        assert_eq!(c.profile_path(42).unwrap(), PathBuf::from("/tmp/svc-42.jfprof"));
    }
}
