//! `jitfleet-bench`: warm-up benchmarks of real Java workloads in every mode a user could
//! choose (vanilla JDK 17, AppCDS, JDK 25, JDK 25 AOT cache, jitfleet), with a markdown
//! table and PNG plots. See bench/README.md for the commands and the meaning of each figure.

mod agent;
mod campaign;
mod date;
mod error;
mod fleet_server;
mod java_build;
mod layout;
mod metrics;
mod modes;
mod plot;
mod protocol;
mod report;
mod runner;
mod soak;
mod server_load;
mod summary;
mod survey;
mod workloads;
mod wrk;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::campaign::{Plan, Results};
use crate::error::{BenchError, Result};
use crate::layout::Layout;
use crate::modes::Mode;
use crate::workloads::{Profile, Workload};

/// Workloads of the observe-cost report: start-up plus real workloads from Debian packages.
const OBSERVE_COST_WORKLOADS: &[&str] = &["startup", "h2", "lucene", "xalan"];
const OBSERVE_MODE: &str = "jdk17-jitfleet-observe";
/// The mode `capture-cost` compares with vanilla (same workloads and rounds as observe-cost).
const CAPTURE_MODE: &str = "jdk17-jitfleet-capture";

#[derive(Parser)]
#[command(name = "jitfleet-bench", about = "Warm-up benchmarks on real Java workloads", version)]
struct Cli {
    /// The bench/ directory (default: the one this binary was built from).
    #[arg(long, global = true)]
    bench_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Every workload in every available mode: results.md, raw.json, plots/.
    Run(RunArgs),
    /// Vanilla JDK 17 against the agent in observe mode: observe-cost.md.
    ObserveCost(RunArgs),
    /// Vanilla JDK 17 against the agent in capture mode: capture-cost.md.
    CaptureCost(RunArgs),
    /// Re-render the table and plots from a raw.json.
    Report {
        raw: PathBuf,
        /// Where to write (default: next to raw.json).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Correctness soak: installed code on real workloads under a deoptimisation storm,
    /// compared with vanilla JDK 17 (soak.md).
    Soak(SoakArgs),
    /// Capture coverage and safety on real workloads: N capture runs per workload against a
    /// vanilla checksum; writes capture-survey.md and capture-survey.json.
    CaptureSurvey(SurveyArgs),
    /// Load on jitfleet-server over loopback QUIC: simulated replicas sending profile deltas,
    /// receivers fetching the catalog's code at once; prints server CPU, p99 handling latency
    /// and the time until every receiver has its code.
    ServerLoad(ServerLoadArgs),
    /// Print the workload and mode tables.
    List,
}

/// Which agent library a command runs with (shared by the commands that start jitfleet JVMs).
#[derive(Args)]
struct AgentChoice {
    /// Use this agent library instead of building <repo>/target/release/libjitfleet.so.
    #[arg(long = "agent", value_name = "AGENT")]
    library: Option<PathBuf>,
    /// Do not run `cargo build --release -p jitfleet-agent`; use what is there.
    #[arg(long)]
    no_agent_build: bool,
}

impl AgentChoice {
    fn prepare(&self, layout: &Layout) -> std::result::Result<agent::Agent, String> {
        // The JVMs run in other directories: `-agentpath:` needs an absolute path.
        let library = match &self.library {
            Some(path) => Some(std::fs::canonicalize(path).map_err(|e| format!("--agent {}: {e}", path.display()))?),
            None => None,
        };
        agent::prepare(layout, library, !self.no_agent_build)
    }
}

#[derive(Args)]
struct SoakArgs {
    /// Install runs per workload.
    #[arg(long, default_value_t = 20)]
    runs: u32,
    /// Comma-separated batch workloads.
    #[arg(long, value_delimiter = ',', default_value = "h2,xalan,lucene,rhino,javac")]
    workloads: Vec<String>,
    /// Iterations per run (training and install runs alike).
    #[arg(long, default_value_t = 5)]
    iterations: u32,
    /// Microseconds between two deoptimisations of every compiled frame.
    #[arg(long, default_value_t = 1000)]
    storm_micros: u32,
    /// Output directory (default: bench/results/<UTC date>/soak/).
    #[arg(long)]
    out: Option<PathBuf>,
    #[command(flatten)]
    agent: AgentChoice,
}

#[derive(Args)]
struct SurveyArgs {
    /// Capture runs per workload.
    #[arg(long, default_value_t = 20)]
    runs: u32,
    /// Timed iterations per run (quick mode's 10: every survey workload reaches C2 steady
    /// state by its 8th iteration, see results.md).
    #[arg(long, default_value_t = 10)]
    iterations: u32,
    /// Comma-separated workloads (default: h2,xalan,lucene,javac).
    #[arg(long, value_delimiter = ',')]
    workloads: Vec<String>,
    /// Output directory (default: bench/results/<UTC date>/capture-survey/).
    #[arg(long)]
    out: Option<PathBuf>,
    #[command(flatten)]
    agent: AgentChoice,
}

#[derive(Args)]
struct ServerLoadArgs {
    /// Replicas sending one profile delta per second.
    #[arg(long, default_value_t = 200)]
    clients: usize,
    /// Receivers connecting at once halfway through, each fetching every blob.
    #[arg(long, default_value_t = 50)]
    receivers: usize,
    /// Length of the delta window.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Code blobs the donor uploads first.
    #[arg(long, default_value_t = 200)]
    blobs: usize,
    /// Bytes per blob.
    #[arg(long, default_value_t = 16 * 1024)]
    blob_bytes: usize,
    /// The jitfleet-server binary (default: build <repo>/target/release/jitfleet-server).
    #[arg(long)]
    server: Option<PathBuf>,
    /// Also write the report to this file.
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(Args)]
struct RunArgs {
    /// quick (about five minutes) or full.
    #[arg(long, value_enum, default_value = "quick")]
    profile: Profile,
    /// Interleaved rounds (default: 2 quick / 5 full; observe-cost 3 / 7).
    #[arg(long)]
    rounds: Option<u32>,
    /// Comma-separated workloads (default: all; observe-cost: startup,h2,lucene,xalan).
    #[arg(long, value_delimiter = ',')]
    workloads: Vec<String>,
    /// Comma-separated modes (default: all in the table).
    #[arg(long, value_delimiter = ',')]
    modes: Vec<String>,
    /// Timed iterations per batch run (seconds of load for the service); default from the
    /// profile (10 quick / 60 full), observe-cost 20 / 60 for a steadier steady state.
    #[arg(long)]
    iterations: Option<u32>,
    /// Iterations (service: seconds) of every training run, for all modes that train alike;
    /// default from the profile (3 quick / 15 full). A jitfleet donor captures only what C2
    /// compiled by then: a fleet's donors run for hours, so match the measured runs to model one.
    #[arg(long)]
    training_iterations: Option<u32>,
    /// Output directory (default: bench/results/<UTC date>/).
    #[arg(long)]
    out: Option<PathBuf>,
    #[command(flatten)]
    agent: AgentChoice,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let layout = Layout::new(cli.bench_dir.clone());
    match dispatch(&layout, cli.command) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("jitfleet-bench: {e}");
            ExitCode::from(2)
        }
    }
}

fn dispatch(layout: &Layout, command: Command) -> Result<ExitCode> {
    match command {
        Command::List => {
            println!("workloads:");
            for w in workloads::WORKLOADS {
                println!("  {:10} {:?}: {}", w.name, w.kind, w.summary);
            }
            println!("modes:");
            for m in modes::MODES {
                println!("  {:26} {}", m.name, m.summary);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Report { raw, out } => {
            let text = std::fs::read_to_string(&raw).map_err(BenchError::io(&raw))?;
            let results: Results = serde_json::from_str(&text).map_err(|e| BenchError::Results { path: raw.clone(), detail: e.to_string() })?;
            let out = out.unwrap_or_else(|| raw.parent().map(Path::to_path_buf).unwrap_or_default());
            let name = raw.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let cost = if name.starts_with("observe-cost") {
                Some(OBSERVE_MODE)
            } else if name.starts_with("capture-cost") {
                Some(CAPTURE_MODE)
            } else {
                None
            };
            write_outputs(&results, &out, cost)
        }
        Command::Run(args) => campaign_command(layout, args, None),
        Command::ObserveCost(args) => campaign_command(layout, args, Some(OBSERVE_MODE)),
        Command::CaptureCost(args) => campaign_command(layout, args, Some(CAPTURE_MODE)),
        Command::CaptureSurvey(args) => survey_command(layout, args),
        Command::Soak(args) => soak_command(layout, args),
        Command::ServerLoad(args) => server_load_command(layout, args),
    }
}

fn soak_command(layout: &Layout, args: SoakArgs) -> Result<ExitCode> {
    let workloads = args
        .workloads
        .iter()
        .map(|n| match workloads::find(n) {
            Some(w) if w.kind == workloads::Kind::Batch => Ok(w),
            Some(_) => Err(BenchError::Usage(format!("workload {n:?} is not a batch workload; the soak compares batch checksums"))),
            None => Err(BenchError::Usage(format!("unknown workload {n:?} (see `jitfleet-bench list`)"))),
        })
        .collect::<Result<Vec<&'static Workload>>>()?;
    java_build::ensure_drivers(layout)?;
    let storm_jar = java_build::ensure_storm(layout)?;
    let agent = args.agent.prepare(layout).map_err(|e| BenchError::Usage(format!("the soak needs the agent: {e}")))?;
    // The JVMs run in bench/work/: a relative library path would not be found there.
    let library = std::fs::canonicalize(&agent.library).map_err(BenchError::io(&agent.library))?;
    let plan = soak::SoakPlan { workloads, runs: args.runs, iterations: args.iterations, storm_micros: args.storm_micros, agent: &library, storm_jar };
    let results = soak::soak(layout, &plan);
    let out = args.out.unwrap_or_else(|| layout.bench_dir.join("results").join(date::today_utc()).join("soak"));
    std::fs::create_dir_all(&out).map_err(BenchError::io(&out))?;
    let command = std::env::args().collect::<Vec<_>>().join(" ");
    let markdown = soak::report(&results, &command);
    let page = out.join("soak.md");
    std::fs::write(&page, &markdown).map_err(BenchError::io(&page))?;
    let raw = out.join("soak.json");
    let json = serde_json::to_string_pretty(&results).map_err(|e| BenchError::Results { path: raw.clone(), detail: e.to_string() })?;
    std::fs::write(&raw, json).map_err(BenchError::io(&raw))?;
    println!("{markdown}");
    eprintln!("wrote {} and {}", page.display(), raw.display());
    let clean = results.iter().all(|w| w.error.is_none() && w.runs.iter().all(|r| r.verdict == "ok"));
    Ok(if clean { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn survey_command(layout: &Layout, args: SurveyArgs) -> Result<ExitCode> {
    let names: Vec<String> = if args.workloads.is_empty() { survey::SURVEY_WORKLOADS.iter().map(|s| s.to_string()).collect() } else { args.workloads.clone() };
    let selected = names
        .iter()
        .map(|n| workloads::find(n).ok_or_else(|| BenchError::Usage(format!("unknown workload {n:?} (see `jitfleet-bench list`)"))))
        .collect::<Result<Vec<&'static Workload>>>()?;
    java_build::ensure_drivers(layout)?;
    let agent = args.agent.prepare(layout).map_err(|e| BenchError::Usage(format!("no agent: {e}")))?;
    let date = date::today_utc();
    let out = args.out.clone().unwrap_or_else(|| layout.bench_dir.join("results").join(&date).join("capture-survey"));
    let plan = survey::SurveyPlan { workloads: selected, runs: args.runs, iterations: args.iterations, agent };
    let command = std::env::args().collect::<Vec<_>>().join(" ");
    let results = survey::execute(layout, &plan, date, command)?;
    std::fs::create_dir_all(&out).map_err(BenchError::io(&out))?;
    let raw = out.join("capture-survey.json");
    let json = serde_json::to_string_pretty(&results).map_err(|e| BenchError::Results { path: raw.clone(), detail: e.to_string() })?;
    std::fs::write(&raw, json).map_err(BenchError::io(&raw))?;
    let page = out.join("capture-survey.md");
    let markdown = survey::markdown(&results);
    std::fs::write(&page, &markdown).map_err(BenchError::io(&page))?;
    println!("{markdown}");
    eprintln!("wrote {} and {}", page.display(), raw.display());
    let problems = survey::problems(&results);
    if !problems.is_empty() {
        eprintln!("CAPTURE SURVEY BELOW THE BAR: {}", problems.join("; "));
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

fn server_load_command(layout: &Layout, args: ServerLoadArgs) -> Result<ExitCode> {
    let server = match args.server {
        Some(path) => path,
        None => fleet_server::release_binary(&layout.repo_root, true).map_err(BenchError::Usage)?,
    };
    let plan = server_load::LoadPlan {
        clients: args.clients,
        receivers: args.receivers,
        seconds: args.seconds.max(2),
        blobs: args.blobs,
        blob_bytes: args.blob_bytes,
        methods_per_delta: 50,
        server,
        work: layout.work_dir.join("server-load"),
    };
    let report = server_load::run(&plan)?;
    let command = std::env::args().collect::<Vec<_>>().join(" ");
    let text = format!("$ {command}\n{}: {}\n{report}", date::today_utc(), "jitfleet-bench server-load");
    print!("{text}");
    if let Some(out) = args.out {
        std::fs::write(&out, &text).map_err(BenchError::io(&out))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// A campaign; `cost` names the agent mode of a cost report (observe-cost, capture-cost).
fn campaign_command(layout: &Layout, args: RunArgs, cost: Option<&'static str>) -> Result<ExitCode> {
    let observe_cost = cost.is_some();
    let default_workloads: Vec<String> = if observe_cost {
        OBSERVE_COST_WORKLOADS.iter().map(|s| s.to_string()).collect()
    } else {
        workloads::WORKLOADS.iter().map(|w| w.name.to_string()).collect()
    };
    let workload_names = if args.workloads.is_empty() { default_workloads } else { args.workloads.clone() };
    let selected_workloads = workload_names
        .iter()
        .map(|n| workloads::find(n).ok_or_else(|| BenchError::Usage(format!("unknown workload {n:?} (see `jitfleet-bench list`)"))))
        .collect::<Result<Vec<&'static Workload>>>()?;
    let mode_names: Vec<String> = match (&args.modes[..], observe_cost) {
        ([], true) => vec![modes::BASELINE.to_string(), cost.unwrap_or(OBSERVE_MODE).to_string()],
        ([], false) => modes::MODES.iter().map(|m| m.name.to_string()).collect(),
        (given, _) => given.to_vec(),
    };
    let selected_modes = mode_names
        .iter()
        .map(|n| modes::find(n).ok_or_else(|| BenchError::Usage(format!("unknown mode {n:?} (see `jitfleet-bench list`)"))))
        .collect::<Result<Vec<&'static Mode>>>()?;
    let rounds = args.rounds.unwrap_or(match (observe_cost, args.profile) {
        (false, p) => p.rounds(),
        (true, Profile::Quick) => 3,
        (true, Profile::Full) => 7,
    });

    java_build::ensure_drivers(layout)?;
    let agent = if selected_modes.iter().any(|m| m.uses_agent()) {
        args.agent.prepare(layout)
    } else {
        Err("not selected".to_string())
    };
    let date = date::today_utc();
    let out = args.out.clone().unwrap_or_else(|| layout.bench_dir.join("results").join(&date));
    let startup_repeats = if observe_cost { 5 } else { 3 };
    let iterations = args.iterations.or(match (observe_cost, args.profile) {
        (true, Profile::Quick) => Some(20),
        _ => None,
    });
    let plan = Plan { profile: args.profile, rounds, workloads: selected_workloads, modes: selected_modes, startup_repeats, iterations, training_iterations: args.training_iterations, agent };
    let command = std::env::args().collect::<Vec<_>>().join(" ");
    let results = campaign::execute(layout, &plan, date, command);
    write_outputs(&results, &out, cost)
}

fn write_outputs(results: &Results, out: &Path, cost: Option<&str>) -> Result<ExitCode> {
    std::fs::create_dir_all(out).map_err(BenchError::io(out))?;
    let observe_cost = cost.is_some();
    let (stem, markdown, plots) = match cost {
        Some(mode) => {
            let stem = if mode == CAPTURE_MODE { "capture-cost" } else { "observe-cost" };
            (stem, report::observe_cost_markdown(results, mode), out.join(format!("plots-{stem}")))
        }
        None => ("results", report::results_markdown(results), out.join("plots")),
    };
    let raw = out.join(format!("{stem}.json"));
    let json = serde_json::to_string_pretty(results).map_err(|e| BenchError::Results { path: raw.clone(), detail: e.to_string() })?;
    std::fs::write(&raw, json).map_err(BenchError::io(&raw))?;
    let plot_files = plot::draw_all(results, &plots)?;
    // The markdown links plots/<workload>.png; the observe-cost page uses its own folder.
    let markdown = if observe_cost { markdown.replace("](plots/", &format!("](plots-{stem}/")) } else { markdown };
    let page = out.join(format!("{stem}.md"));
    std::fs::write(&page, &markdown).map_err(BenchError::io(&page))?;
    let builds = out.join("jdk-builds.txt");
    let builds_text: String = results.meta.jdk_builds.iter().map(|(m, v)| format!("{m}: {v}\n")).collect();
    if !builds_text.is_empty() {
        std::fs::write(&builds, builds_text).map_err(BenchError::io(&builds))?;
    }
    println!("{markdown}");
    eprintln!("wrote {}, {} and {} plots in {}", page.display(), raw.display(), plot_files.len(), plots.display());
    let mismatches = summary::checksum_mismatches(results);
    if !mismatches.is_empty() {
        eprintln!("CHECKSUM MISMATCH: {}", mismatches.join("; "));
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
