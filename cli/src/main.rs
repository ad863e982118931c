//! `jitfleet`: the user's command for everything but running the JVM.

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
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("jitfleet: {message}");
            ExitCode::from(2)
        }
    }
}

fn show_profile(file: &PathBuf, json: bool, limit: usize) -> Result<ExitCode, String> {
    let profile = jitfleet_transport::profile::read_profile_file(file).map_err(|e| e.to_string())?;
    if json {
        let text = serde_json::to_string_pretty(&profile).map_err(|e| e.to_string())?;
        println!("{text}");
    } else {
        print!("{}", profile_show::render_text(&profile, limit));
    }
    Ok(ExitCode::SUCCESS)
}
