//! Compiles the Java drivers into `bench/work/drivers.jar` with JDK 17's javac
//! (`--release 17`, so the same jar runs on JDK 17 and JDK 25), when a source is newer.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

use crate::error::{BenchError, Result};
use crate::layout::{Layout, JDK17_HOME};

/// Builds the drivers jar if it is missing or older than a source; returns its path.
pub fn ensure_drivers(layout: &Layout) -> Result<PathBuf> {
    Layout::check_libraries()?;
    let jar = layout.drivers_jar();
    let classes = layout.work_dir.join("classes");
    build_jar("bench drivers", &layout.java_sources(), &classes, &jar, Some(&Layout::library_classpath()), None)?;
    Ok(jar)
}

/// Builds `bench/work/storm.jar` from `tests/java/stress/` (the deoptimisation storm, a Java
/// agent that puts itself on the boot class path so that HotSpot binds its WhiteBox natives)
/// when it is missing or older than a source; returns its path.
pub fn ensure_storm(layout: &Layout) -> Result<PathBuf> {
    let jar = layout.work_dir.join("storm.jar");
    let classes = layout.work_dir.join("storm-classes");
    let manifest = "Premain-Class: jitfleet.stress.Storm\nBoot-Class-Path: storm.jar\n";
    build_jar("storm", &layout.repo_root.join("tests/java/stress"), &classes, &jar, None, Some(manifest))?;
    Ok(jar)
}

/// Compiles every `.java` under `source_dir` into a fresh `classes` directory with JDK 17's
/// javac and packs them into `jar` (with `manifest` text, if any) — unless the jar is newer
/// than every source.
fn build_jar(what: &str, source_dir: &Path, classes: &Path, jar: &Path, classpath: Option<&str>, manifest: Option<&str>) -> Result<()> {
    let sources = java_files(source_dir)?;
    let newest_source = sources.iter().filter_map(|p| modified(p)).max();
    if let (Some(jar_time), Some(source_time)) = (modified(jar), newest_source) {
        if jar_time >= source_time {
            return Ok(());
        }
    }
    if classes.exists() {
        std::fs::remove_dir_all(classes).map_err(BenchError::io(classes))?;
    }
    std::fs::create_dir_all(classes).map_err(BenchError::io(classes))?;
    let mut javac = Command::new(Path::new(JDK17_HOME).join("bin/javac"));
    javac.args(["--release", "17", "-nowarn", "-Xlint:none", "-d"]).arg(classes);
    if let Some(cp) = classpath {
        javac.arg("-classpath").arg(cp);
    }
    javac.args(&sources);
    run_tool(&format!("javac ({what})"), &mut javac)?;
    let mut jar_tool = Command::new(Path::new(JDK17_HOME).join("bin/jar"));
    match manifest {
        Some(text) => {
            let file = classes.with_extension("manifest");
            std::fs::write(&file, text).map_err(BenchError::io(&file))?;
            jar_tool.arg("cfm").arg(jar).arg(&file);
        }
        None => {
            jar_tool.arg("cf").arg(jar);
        }
    }
    jar_tool.arg("-C").arg(classes).arg(".");
    run_tool(&format!("jar ({what})"), &mut jar_tool)
}

fn java_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        for entry in std::fs::read_dir(&current).map_err(BenchError::io(&current))? {
            let path = entry.map_err(BenchError::io(&current))?.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "java") {
                found.push(path);
            }
        }
    }
    found.sort();
    if found.is_empty() {
        return Err(BenchError::Missing { path: dir.to_path_buf(), hint: "the Java drivers are part of the repository" });
    }
    Ok(found)
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// Runs a build tool to completion; its output becomes the error detail on failure.
pub fn run_tool(what: &str, command: &mut Command) -> Result<()> {
    let program = command.get_program().to_string_lossy().into_owned();
    let output = command.output().map_err(|source| BenchError::Spawn { program, source })?;
    if output.status.success() {
        return Ok(());
    }
    Err(BenchError::ToolFailed {
        what: what.to_string(),
        status: output.status.to_string(),
        detail: format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr)),
    })
}

