//! The mode table: a mode is a `java` binary, JVM arguments and environment. Every
//! comparison in the results is against [`BASELINE`] from the same invocation.

use std::path::{Path, PathBuf};

use crate::layout::{JDK17_HOME, JDK25_HOME};

/// The mode every ratio is computed against.
pub const BASELINE: &str = "jdk17";

/// Arguments common to every mode: a fixed maximum heap so that no mode wins by sizing
/// the heap differently on this 23 GB machine.
pub const COMMON_JVM_ARGS: &[&str] = &["-Xmx1g"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Jdk {
    Jdk17,
    Jdk25,
}

impl Jdk {
    pub fn home(self) -> &'static Path {
        Path::new(match self {
            Jdk::Jdk17 => JDK17_HOME,
            Jdk::Jdk25 => JDK25_HOME,
        })
    }

    pub fn java(self) -> PathBuf {
        self.home().join("bin/java")
    }
}

/// What a mode adds to the plain JVM.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Addition {
    Nothing,
    /// Only `-XX:+UnlockExperimentalVMOptions -XX:+EnableJVMCI`, no agent: what the flag the
    /// jitfleet install modes need costs by itself (it adds the `jdk.internal.vm.ci` module,
    /// which turns off CDS's archived module graph, so start-up is slower).
    JvmciFlags,
    /// JDK 17 dynamic AppCDS: a training run with `-XX:ArchiveClassesAtExit`, then
    /// `-XX:SharedArchiveFile` (loaded and linked classes, no compiled code).
    AppCds,
    /// JDK 25 AOT cache (JEP 483/514/515): a training run with `-XX:AOTCacheOutput`, then
    /// `-XX:AOTCache` (loaded and linked classes plus method profiles).
    AotCache,
    /// The jitfleet agent in observe mode: `-agentpath:` + `JITFLEET_MODE=observe`.
    JitfleetObserve,
    /// jitfleet offline: a training run with `JITFLEET_MODE=capture` writes the portable C2
    /// code of the workload into a cache directory; the measured run has
    /// `JITFLEET_MODE=install` and installs it through JVMCI (both with JVMCI enabled).
    JitfleetOffline,
    /// The jitfleet agent capturing every C2 method (`JITFLEET_MODE=capture`) into a cache
    /// directory per workload (reused across rounds: identical portable nmethods are not
    /// rewritten, the index grows by a line per compilation). No JVMCI flags, so that the
    /// difference to vanilla is the capture work alone.
    JitfleetCapture,
    /// jitfleet with a server: the harness starts `jitfleet-server` on loopback; a training
    /// run (`capture`, donor certificate) uploads the workload's C2 code to it; measured runs
    /// (`install`, receiver certificate, no cache directory) receive it over QUIC. The fleet is
    /// per workload (`JITFLEET_APP`).
    JitfleetServer,
}

/// One row of the mode table.
#[derive(Debug, Clone, Copy)]
pub struct Mode {
    pub name: &'static str,
    pub jdk: Jdk,
    pub addition: Addition,
    pub summary: &'static str,
}

pub const MODES: &[Mode] = &[
    Mode { name: "jdk17", jdk: Jdk::Jdk17, addition: Addition::Nothing, summary: "Debian OpenJDK 17, default flags" },
    Mode {
        name: "jdk17-jvmci",
        jdk: Jdk::Jdk17,
        addition: Addition::JvmciFlags,
        summary: "JDK 17 with -XX:+EnableJVMCI only (no agent): the flag's own cost",
    },
    Mode { name: "jdk17-appcds", jdk: Jdk::Jdk17, addition: Addition::AppCds, summary: "JDK 17 + dynamic AppCDS archive from a training run" },
    Mode { name: "jdk25", jdk: Jdk::Jdk25, addition: Addition::Nothing, summary: "Temurin 25, default flags" },
    Mode { name: "jdk25-aot", jdk: Jdk::Jdk25, addition: Addition::AotCache, summary: "JDK 25 + AOT cache (classes + profiles) from a training run" },
    Mode { name: "jdk17-jitfleet-observe", jdk: Jdk::Jdk17, addition: Addition::JitfleetObserve, summary: "JDK 17 + libjitfleet.so, JITFLEET_MODE=observe" },
    Mode {
        name: "jdk17-jitfleet-capture",
        jdk: Jdk::Jdk17,
        addition: Addition::JitfleetCapture,
        summary: "JDK 17 + libjitfleet.so, JITFLEET_MODE=capture (every C2 method copied, decoded, checked, written)",
    },
    Mode {
        name: "jdk17-jitfleet-offline",
        jdk: Jdk::Jdk17,
        addition: Addition::JitfleetOffline,
        summary: "JDK 17 + jitfleet, C2 code captured by a training run, installed from that offline cache (JVMCI on)",
    },
    Mode {
        name: "jdk17-jitfleet-server",
        jdk: Jdk::Jdk17,
        addition: Addition::JitfleetServer,
        summary: "JDK 17 + jitfleet receiving code from a warm server",
    },
];

/// Looks a mode up by name.
pub fn find(name: &str) -> Option<&'static Mode> {
    MODES.iter().find(|m| m.name == name)
}

/// Whether a run builds a class archive / cache or measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Training,
    Measured,
}

/// A fully specified JVM command line, minus class path and main class.
#[derive(Debug, Clone)]
pub struct Launch {
    pub java: PathBuf,
    pub jvm_args: Vec<String>,
    pub env: Vec<(String, String)>,
}

impl Mode {
    /// Whether the mode needs a training run per workload before it can be measured.
    pub fn needs_training(&self) -> bool {
        matches!(self.addition, Addition::AppCds | Addition::AotCache | Addition::JitfleetOffline | Addition::JitfleetServer)
    }

    /// Whether the mode loads the jitfleet agent.
    pub fn uses_agent(&self) -> bool {
        matches!(self.addition, Addition::JitfleetObserve | Addition::JitfleetOffline | Addition::JitfleetCapture | Addition::JitfleetServer)
    }

    /// Whether the mode needs the harness's `jitfleet-server`.
    pub fn uses_server(&self) -> bool {
        self.addition == Addition::JitfleetServer
    }

    /// The archive or cache a trained mode uses for `workload`, under `archives_dir`.
    pub fn archive(&self, archives_dir: &Path, workload: &str) -> Option<PathBuf> {
        let file = match self.addition {
            Addition::AppCds => format!("{workload}.jsa"),
            Addition::AotCache => format!("{workload}.aot"),
            // A directory of portable nmethods (for the server mode: the donor's own copy).
            Addition::JitfleetOffline | Addition::JitfleetCapture | Addition::JitfleetServer => workload.to_string(),
            _ => return None,
        };
        Some(archives_dir.join(self.name).join(file))
    }

    /// The launch of `workload` in this mode and phase. `agent` is the agent library for
    /// the jitfleet modes (the caller decided whether they are available); `server` the
    /// harness's server for [`Addition::JitfleetServer`].
    pub fn launch(&self, phase: Phase, archives_dir: &Path, workload: &str, agent: Option<&Path>, server: Option<&ServerAccess>) -> Launch {
        let mut jvm_args: Vec<String> = COMMON_JVM_ARGS.iter().map(|s| s.to_string()).collect();
        let mut env = Vec::new();
        let archive = self.archive(archives_dir, workload).map(|p| p.display().to_string());
        match (self.addition, phase, archive) {
            (Addition::AppCds, Phase::Training, Some(a)) => jvm_args.push(format!("-XX:ArchiveClassesAtExit={a}")),
            // -Xshare:on / AOTMode=on: a measured run fails loudly instead of silently running
            // without the archive (which would report vanilla figures under this mode's name).
            (Addition::AppCds, Phase::Measured, Some(a)) => jvm_args.extend([format!("-XX:SharedArchiveFile={a}"), "-Xshare:on".into()]),
            (Addition::AotCache, Phase::Training, Some(a)) => jvm_args.push(format!("-XX:AOTCacheOutput={a}")),
            (Addition::AotCache, Phase::Measured, Some(a)) => jvm_args.extend([format!("-XX:AOTCache={a}"), "-XX:AOTMode=on".into()]),
            (Addition::JvmciFlags, _, _) => jvm_args.extend(["-XX:+UnlockExperimentalVMOptions".to_string(), "-XX:+EnableJVMCI".to_string()]),
            (Addition::JitfleetObserve, _, _) => {
                if let Some(agent) = agent {
                    jvm_args.push(format!("-agentpath:{}", agent.display()));
                }
                env.push(("JITFLEET_MODE".to_string(), "observe".to_string()));
            }
            (Addition::JitfleetCapture, _, Some(cache)) => {
                if let Some(agent) = agent {
                    jvm_args.push(format!("-agentpath:{}", agent.display()));
                }
                env.push(("JITFLEET_MODE".to_string(), "capture".to_string()));
                env.push(("JITFLEET_CACHE_DIR".to_string(), cache));
                env.push(("JITFLEET_LOG".to_string(), "info".to_string()));
            }
            (Addition::JitfleetOffline, phase, Some(cache)) => {
                jvm_args.extend(["-XX:+UnlockExperimentalVMOptions".to_string(), "-XX:+EnableJVMCI".to_string()]);
                if let Some(agent) = agent {
                    jvm_args.push(format!("-agentpath:{}", agent.display()));
                }
                let mode = if phase == Phase::Training { "capture" } else { "install" };
                env.push(("JITFLEET_MODE".to_string(), mode.to_string()));
                env.push(("JITFLEET_CACHE_DIR".to_string(), cache));
                // `info` puts the agent's capture / install summary into the run's stderr log.
                env.push(("JITFLEET_LOG".to_string(), "info".to_string()));
            }
            (Addition::JitfleetServer, phase, Some(cache)) => {
                jvm_args.extend(["-XX:+UnlockExperimentalVMOptions".to_string(), "-XX:+EnableJVMCI".to_string()]);
                if let Some(agent) = agent {
                    jvm_args.push(format!("-agentpath:{}", agent.display()));
                }
                let (mode, cert) = if phase == Phase::Training { ("capture", "donor") } else { ("install", "client") };
                env.push(("JITFLEET_MODE".to_string(), mode.to_string()));
                if phase == Phase::Training {
                    env.push(("JITFLEET_CACHE_DIR".to_string(), cache));
                }
                env.push(("JITFLEET_APP".to_string(), workload.to_string()));
                env.push(("JITFLEET_LOG".to_string(), "info".to_string()));
                if let Some(server) = server {
                    env.push(("JITFLEET_SERVER".to_string(), server.address.clone()));
                    let file = |name: String| server.pki.join(name).display().to_string();
                    env.push(("JITFLEET_TLS_CA".to_string(), file("ca.pem".into())));
                    env.push(("JITFLEET_TLS_CERT".to_string(), file(format!("{cert}.pem"))));
                    env.push(("JITFLEET_TLS_KEY".to_string(), file(format!("{cert}-key.pem"))));
                }
            }
            _ => {}
        }
        Launch { java: self.jdk.java(), jvm_args, env }
    }
}

/// How runs of the server mode reach the harness's `jitfleet-server`.
#[derive(Debug, Clone)]
pub struct ServerAccess {
    /// `127.0.0.1:port`.
    pub address: String,
    /// The development PKI (`ca.pem`, `donor.pem`, `client.pem` and keys).
    pub pki: PathBuf,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn baseline_is_in_the_table_and_names_are_unique() {
        assert!(find(BASELINE).is_some());
        let mut names: Vec<_> = MODES.iter().map(|m| m.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), MODES.len());
    }

    #[test]
    fn trained_modes_switch_flags_between_phases() {
        let dir = Path::new("/w");
        let cds = find("jdk17-appcds").unwrap();
        let train = cds.launch(Phase::Training, dir, "h2", None, None);
        let run = cds.launch(Phase::Measured, dir, "h2", None, None);
        assert!(train.jvm_args.contains(&"-XX:ArchiveClassesAtExit=/w/jdk17-appcds/h2.jsa".to_string()));
        assert!(run.jvm_args.contains(&"-XX:SharedArchiveFile=/w/jdk17-appcds/h2.jsa".to_string()));
        let aot = find("jdk25-aot").unwrap().launch(Phase::Measured, dir, "lucene", None, None);
        assert!(aot.jvm_args.contains(&"-XX:AOTCache=/w/jdk25-aot/lucene.aot".to_string()));
        assert!(aot.java.starts_with(JDK25_HOME));
    }

    #[test]
    fn offline_mode_captures_then_installs_from_one_directory() {
        let mode = find("jdk17-jitfleet-offline").unwrap();
        let agent = Some(Path::new("/a/libjitfleet.so"));
        let train = mode.launch(Phase::Training, Path::new("/w"), "h2", agent, None);
        let run = mode.launch(Phase::Measured, Path::new("/w"), "h2", agent, None);
        let cache = ("JITFLEET_CACHE_DIR".to_string(), "/w/jdk17-jitfleet-offline/h2".to_string());
        assert!(train.env.contains(&("JITFLEET_MODE".to_string(), "capture".to_string())) && train.env.contains(&cache));
        assert!(run.env.contains(&("JITFLEET_MODE".to_string(), "install".to_string())) && run.env.contains(&cache));
        assert!(run.jvm_args.contains(&"-XX:+EnableJVMCI".to_string()));
        assert!(mode.needs_training() && mode.uses_agent());
    }

    #[test]
    fn capture_mode_captures_into_a_directory_per_workload() {
        let mode = find("jdk17-jitfleet-capture").unwrap();
        let launch = mode.launch(Phase::Measured, Path::new("/w"), "h2", Some(Path::new("/a/libjitfleet.so")), None);
        assert!(launch.jvm_args.contains(&"-agentpath:/a/libjitfleet.so".to_string()));
        assert!(launch.env.contains(&("JITFLEET_MODE".to_string(), "capture".to_string())));
        assert!(launch.env.contains(&("JITFLEET_CACHE_DIR".to_string(), "/w/jdk17-jitfleet-capture/h2".to_string())));
        assert!(!mode.needs_training() && mode.uses_agent());
    }

    #[test]
    fn server_mode_trains_a_donor_and_measures_receivers_without_a_directory() {
        let mode = find("jdk17-jitfleet-server").unwrap();
        let agent = Some(Path::new("/a/libjitfleet.so"));
        let server = ServerAccess { address: "127.0.0.1:7420".into(), pki: PathBuf::from("/p") };
        let train = mode.launch(Phase::Training, Path::new("/w"), "h2", agent, Some(&server));
        let run = mode.launch(Phase::Measured, Path::new("/w"), "h2", agent, Some(&server));
        let has = |l: &Launch, k: &str, v: &str| l.env.contains(&(k.to_string(), v.to_string()));
        assert!(has(&train, "JITFLEET_MODE", "capture") && has(&train, "JITFLEET_TLS_CERT", "/p/donor.pem"));
        assert!(has(&train, "JITFLEET_CACHE_DIR", "/w/jdk17-jitfleet-server/h2"));
        assert!(has(&run, "JITFLEET_MODE", "install") && has(&run, "JITFLEET_TLS_CERT", "/p/client.pem"));
        assert!(has(&run, "JITFLEET_SERVER", "127.0.0.1:7420") && has(&run, "JITFLEET_APP", "h2"));
        assert!(!run.env.iter().any(|(k, _)| k == "JITFLEET_CACHE_DIR"));
        assert!(mode.needs_training() && mode.uses_agent() && mode.uses_server());
    }

    #[test]
    fn observe_mode_loads_the_agent() {
        let launch = find("jdk17-jitfleet-observe").unwrap().launch(Phase::Measured, Path::new("/w"), "h2", Some(Path::new("/a/libjitfleet.so")), None);
        assert!(launch.jvm_args.contains(&"-agentpath:/a/libjitfleet.so".to_string()));
        assert_eq!(launch.env, vec![("JITFLEET_MODE".to_string(), "observe".to_string())]);
    }
}
