//! Compiles the helper classes under `java/` with javac (from `JAVA_HOME`, else `PATH`) and
//! packs them with `jar` into `$OUT_DIR/jitfleet-helper.jar`, which `src/lib.rs` embeds.
//!
//! Without a JDK the build still succeeds: the jar is empty, `HELPER_JAR` is empty, and the
//! agent reports install mode as unavailable (a cargo warning says why).

use std::path::{Path, PathBuf};
use std::process::Command;

/// The JVMCI packages the helper uses: they are exported only to named modules, so javac
/// needs them exported to the unnamed module (the agent does the same at run time). Not
/// `--release 17`: it hides the non-exported JVMCI module.
const JVMCI_PACKAGES: &[&str] = &["code", "code.site", "hotspot", "meta", "runtime", "amd64"];

fn tool(name: &str) -> PathBuf {
    match std::env::var_os("JAVA_HOME") {
        Some(home) if Path::new(&home).join("bin").join(name).exists() => Path::new(&home).join("bin").join(name),
        _ => PathBuf::from(name),
    }
}

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                sources(&p, out);
            } else if p.extension().is_some_and(|x| x == "java") {
                out.push(p);
            }
        }
    }
}

fn build(out_dir: &Path) -> Result<PathBuf, String> {
    let mut srcs = Vec::new();
    sources(Path::new("java"), &mut srcs);
    let classes = out_dir.join("classes");
    let _ = std::fs::remove_dir_all(&classes);
    std::fs::create_dir_all(&classes).map_err(|e| format!("cannot create {}: {e}", classes.display()))?;
    let mut javac = Command::new(tool("javac"));
    javac.args(["-source", "17", "-target", "17", "--add-modules", "jdk.internal.vm.ci", "-nowarn", "-d"]).arg(&classes);
    for p in JVMCI_PACKAGES {
        javac.arg("--add-exports").arg(format!("jdk.internal.vm.ci/jdk.vm.ci.{p}=ALL-UNNAMED"));
    }
    let status = javac.args(&srcs).status().map_err(|e| format!("cannot run javac: {e}"))?;
    if !status.success() {
        return Err(format!("javac failed ({status})"));
    }
    let jar = out_dir.join("jitfleet-helper.jar");
    let status = Command::new(tool("jar"))
        .arg("--create")
        .arg("--file")
        .arg(&jar)
        .arg("-C")
        .arg(&classes)
        .arg(".")
        .status()
        .map_err(|e| format!("cannot run jar: {e}"))?;
    if !status.success() {
        return Err(format!("jar failed ({status})"));
    }
    Ok(jar)
}

fn main() {
    println!("cargo:rerun-if-changed=java");
    println!("cargo:rerun-if-env-changed=JAVA_HOME");
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let jar = out_dir.join("jitfleet-helper.jar");
    if let Err(e) = build(&out_dir) {
        println!("cargo:warning=helper jar not built ({e}); install mode will be unavailable");
        let _ = std::fs::write(&jar, b"");
    }
}
