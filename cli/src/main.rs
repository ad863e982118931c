//! `jitfleet`: the user's command for everything but running the JVM.

mod cache;
mod cache_verify;
mod demo;
mod doctor;
mod profile_show;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "jitfleet", version, about = "Share what the JIT learns across a fleet of JVMs")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start `java` with the agent and report whether this JVM can take part (compat key,
    /// features the agent found).
    Doctor {
        /// The java launcher to check.
        #[arg(long, default_value = "java")]
        java: PathBuf,
        /// libjitfleet.so (default: next to this program, then $JITFLEET_AGENT).
        #[arg(long)]
        agent: Option<PathBuf>,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
        /// Extra JVM options, e.g. -- -XX:-UseCompressedOops
        #[arg(last = true)]
        jvm_args: Vec<String>,
    },
    /// Profile files written by the agent (JITFLEET_PROFILE_OUT).
    Profile {
        #[command(subcommand)]
        command: ProfileCommand,
    },
    /// Cache directories (JITFLEET_CACHE_DIR): what was captured and why the rest was not, and
    /// whether a cache fits this JVM.
    Cache {
        #[command(subcommand)]
        command: CacheCommand,
    },
    /// Certificates for the QUIC transport.
    Certs {
        #[command(subcommand)]
        command: CertsCommand,
    },
    /// Run javac on generated sources with and without the agent and show what it observed.
    Demo {
        #[arg(long, default_value = "java")]
        java: PathBuf,
        /// libjitfleet.so (default: next to this program, then $JITFLEET_AGENT).
        #[arg(long)]
        agent: Option<PathBuf>,
        /// How many classes to generate and compile.
        #[arg(long, default_value_t = 400)]
        classes: usize,
    },
}

#[derive(Subcommand)]
enum CacheCommand {
    /// Compilations decoded, captured, shareable and refused, with refusal reasons, each
    /// also weighted by heat (invocations + back-edges when C2 compiled the method).
    Stats {
        dir: PathBuf,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Everything known about a method: every compilation, its size, heat, inline tree,
    /// outcome and reasons, self-checks, file and compat id. METHOD is the full name
    /// (`pkg/Class.name(desc)`) or any part of it.
    Show { dir: PathBuf, method: String },
    /// Check every portable nmethod in DIR against a JVM of this configuration (started with
    /// `-version`, the application is not run): format, hash, compat key, class bytes.
    Verify {
        dir: PathBuf,
        #[arg(long, default_value = "java")]
        java: PathBuf,
        /// libjitfleet.so (default: next to this program, then $JITFLEET_AGENT).
        #[arg(long)]
        agent: Option<PathBuf>,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
        /// The application's JVM options, e.g. -- -cp app.jar -XX:+UnlockExperimentalVMOptions -XX:+EnableJVMCI
        #[arg(last = true)]
        jvm_args: Vec<String>,
    },
}

#[derive(Subcommand)]
enum CertsCommand {
    /// Create a development CA, a server certificate (localhost, 127.0.0.1, ::1) and client
    /// certificates `client` (receiver) and `donor` in DIR.
    Init {
        dir: PathBuf,
        /// Replace existing files.
        #[arg(long)]
        overwrite: bool,
    },
}

#[derive(Subcommand)]
enum ProfileCommand {
    /// Print a profile file as text (or JSON).
    Show {
        file: PathBuf,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
        /// Show at most this many methods (text only).
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Doctor { java, agent, json, jvm_args } => doctor::run(&java, agent, json, &jvm_args),
        Command::Profile { command: ProfileCommand::Show { file, json, limit } } => {
            show_profile(&file, json, limit)
        }
        Command::Cache { command: CacheCommand::Stats { dir, json } } => cache_stats(&dir, json),
        Command::Cache { command: CacheCommand::Show { dir, method } } => {
            cache::read_index(&dir).and_then(|index| cache::render_show(&dir, &index, &method)).map(|text| {
                print!("{text}");
                ExitCode::SUCCESS
            })
        }
        Command::Certs { command: CertsCommand::Init { dir, overwrite } } => certs_init(&dir, overwrite),
        Command::Cache { command: CacheCommand::Verify { dir, java, agent, json, jvm_args } } => {
            cache_verify::run(&java, agent, &dir, json, &jvm_args)
        }
        Command::Demo { java, agent, classes } => demo::run(&java, agent, classes),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("jitfleet: {message}");
            ExitCode::from(2)
        }
    }
}

fn show_profile(file: &std::path::Path, json: bool, limit: usize) -> Result<ExitCode, String> {
    let profile = jitfleet_transport::profile::read_profile_file(file).map_err(|e| e.to_string())?;
    if json {
        let text = serde_json::to_string_pretty(&profile).map_err(|e| e.to_string())?;
        println!("{text}");
    } else {
        print!("{}", profile_show::render_text(&profile, limit));
    }
    Ok(ExitCode::SUCCESS)
}

fn cache_stats(dir: &std::path::Path, json: bool) -> Result<ExitCode, String> {
    let index = cache::read_index(dir)?;
    let stats = cache::stats(dir, &index);
    if json {
        let text = serde_json::to_string_pretty(&cache::stats_json(&stats)).map_err(|e| e.to_string())?;
        println!("{text}");
    } else {
        print!("{}", cache::render_stats(dir, &stats));
    }
    Ok(ExitCode::SUCCESS)
}

fn certs_init(dir: &std::path::Path, overwrite: bool) -> Result<ExitCode, String> {
    use jitfleet_transport::certs::{init_dev_pki, DevPkiOptions};
    let pki = init_dev_pki(dir, &DevPkiOptions { overwrite, ..Default::default() }).map_err(|e| e.to_string())?;
    println!("CA:     {} (key {})", pki.ca.cert.display(), pki.ca.key.display());
    println!("server: {} (key {})", pki.server.cert.display(), pki.server.key.display());
    for (name, role, files) in &pki.clients {
        println!("client {name} ({role:?}): {} (key {})", files.cert.display(), files.key.display());
    }
    Ok(ExitCode::SUCCESS)
}
