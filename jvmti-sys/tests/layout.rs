//! Checks the bindings against the real JDK 17 headers.
//!
//! `layout/facts.c` is compiled with the system C compiler against `jvmti.h`/`jvmticmlr.h` and
//! prints, one `kind name value` line each: the size and alignment of every struct, union,
//! enum and table, the offset of every field — every slot of `jvmtiInterface_1_` and
//! `jvmtiEventCallbacks` included —, the value of every constant and the bit of every
//! capability. `layout/rust_facts.rs` computes the same facts from the Rust definitions.
//! Both sets must be equal, so a misplaced slot, a wrong constant or a shifted capability bit
//! fails the test and is named in the message.

#[path = "layout/rust_facts.rs"]
mod rust_facts;

use std::collections::BTreeMap;
use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use jvmti_sys::jvmtiCapabilities;

/// The text `jvmti.h` of JDK 17 carries next to `JVMTI_VERSION`; headers of other JDKs
/// declare other slots (JDK 21 adds virtual-thread functions), so they are passed over.
const JDK17_MARKER: &str = "version: 17.";

/// Include directories to try, in order: `$JAVA_HOME`, the JDK of the `javac` on `PATH`
/// (symlinks resolved), then Debian's OpenJDK 17.
fn candidate_include_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(home) = env::var_os("JAVA_HOME") {
        dirs.push(PathBuf::from(home).join("include"));
    }
    let javac_on_path = env::var_os("PATH")
        .iter()
        .flat_map(env::split_paths)
        .map(|dir| dir.join("javac"))
        .find(|javac| javac.is_file());
    if let Some(javac) = javac_on_path.and_then(|javac| fs::canonicalize(javac).ok()) {
        // <jdk>/bin/javac -> <jdk>/include
        if let Some(jdk) = javac.parent().and_then(Path::parent) {
            dirs.push(jdk.join("include"));
        }
    }
    dirs.push(PathBuf::from("/usr/lib/jvm/java-17-openjdk-amd64/include"));
    dirs
}

/// The first candidate whose `jvmti.h` is the JDK 17 one.
fn jdk17_include_dir() -> PathBuf {
    let candidates = candidate_include_dirs();
    for dir in &candidates {
        let header = fs::read_to_string(dir.join("jvmti.h")).unwrap_or_default();
        if header.contains(JDK17_MARKER) && dir.join("linux").join("jni_md.h").is_file() {
            return dir.clone();
        }
    }
    panic!("no JDK 17 jvmti.h (with include/linux) in any of {candidates:?}; set JAVA_HOME to a JDK 17");
}

/// Compiles and runs `layout/facts.c`, returning its facts.
fn c_facts() -> BTreeMap<String, i64> {
    let include = jdk17_include_dir();
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/layout/facts.c");
    let binary = Path::new(env!("CARGO_TARGET_TMPDIR")).join("jvmti_layout_facts");
    let cc = env::var("CC").unwrap_or_else(|_| "cc".to_owned());
    let status = Command::new(&cc)
        .args(["-std=c11", "-Wall", "-o"])
        .arg(&binary)
        .arg("-I")
        .arg(&include)
        .arg("-I")
        .arg(include.join("linux"))
        .arg(&source)
        .status()
        .unwrap_or_else(|e| panic!("cannot run the C compiler `{cc}`: {e}"));
    assert!(
        status.success(),
        "`{cc}` failed to compile {} against {}",
        source.display(),
        include.display()
    );
    let output = Command::new(&binary)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", binary.display()));
    assert!(
        output.status.success(),
        "{} exited with {}",
        binary.display(),
        output.status
    );
    let text = String::from_utf8(output.stdout).expect("facts are ASCII");
    text.lines()
        .map(|line| {
            let (key, value) = line
                .rsplit_once(' ')
                .unwrap_or_else(|| panic!("malformed fact line {line:?}"));
            let value = value
                .parse()
                .unwrap_or_else(|e| panic!("malformed value in {line:?}: {e}"));
            (key.to_owned(), value)
        })
        .collect()
}

#[test]
fn rust_layout_matches_jdk17_headers() {
    let c = c_facts();
    let rust = rust_facts::rust_facts();
    let mut problems = Vec::new();
    for (key, c_value) in &c {
        match rust.get(key) {
            Some(rust_value) if rust_value == c_value => {}
            Some(rust_value) => {
                problems.push(format!("{key}: C says {c_value}, Rust says {rust_value}"))
            }
            None => problems.push(format!("{key}: C says {c_value}, missing on the Rust side")),
        }
    }
    for key in rust.keys().filter(|key| !c.contains_key(*key)) {
        problems.push(format!("{key}: only on the Rust side"));
    }
    assert!(
        problems.is_empty(),
        "{} layout differences:\n{}",
        problems.len(),
        problems.join("\n")
    );

    // Guard against a vacuous pass (e.g. a C program that printed nothing).
    let slots = c
        .keys()
        .filter(|key| key.starts_with("offset jvmtiInterface_1."))
        .count();
    assert_eq!(slots, 156, "JDK 17's function table has 156 slots");
    let callbacks = c
        .keys()
        .filter(|key| key.starts_with("offset jvmtiEventCallbacks."))
        .count();
    assert_eq!(
        callbacks, 37,
        "JDK 17's callback table covers events 50..=86"
    );
    assert_eq!(
        c.keys().filter(|key| key.starts_with("capbit ")).count(),
        44
    );
}

#[test]
fn capability_setters_touch_only_their_own_bit() {
    let mut caps = jvmtiCapabilities::from_raw([u32::MAX; 4]);
    caps.set_can_generate_compiled_method_load_events(false);
    assert!(!caps.can_generate_compiled_method_load_events());
    assert!(caps.can_get_bytecodes() && caps.can_generate_monitor_events());
    let raw = caps.to_raw();
    assert_eq!(
        raw[0].count_zeros() + raw[1].count_zeros() + raw[2].count_zeros() + raw[3].count_zeros(),
        1
    );
    caps.set_can_generate_compiled_method_load_events(true);
    assert_eq!(caps.to_raw(), [u32::MAX; 4]);
}
