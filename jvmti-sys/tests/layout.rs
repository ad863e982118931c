//! Checks the bindings against the real JDK 17 headers.
//!
//! `layout/facts.c` is compiled with the system C compiler against `jvmti.h`/`jvmticmlr.h` and
//! prints, one `kind name value` line each: the size and alignment of every struct, union,
//! enum and table, the offset of every field (every slot of `jvmtiInterface_1_` and
//! `jvmtiEventCallbacks` included), the value of every constant and the bit of every
//! capability. `layout/signatures.cpp` (C++, because C cannot take a function type apart)
//! prints the return type, parameter count, variadicity and each parameter's kind and size
//! of every function-pointer type and table slot. `layout/rust_facts.rs` and
//! `layout/rust_signatures.rs` compute the same facts from the Rust definitions. The sets must
//! be equal, so a misplaced slot, a wrong parameter, a wrong constant or a shifted capability
//! bit fails the test and is named in the message.

#[path = "layout/rust_facts.rs"]
mod rust_facts;
#[path = "layout/rust_signatures.rs"]
mod rust_signatures;

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

/// Compiles `tests/layout/<source>` against the JDK 17 headers with `$<compiler_var>` (or
/// `default_compiler`), runs it and returns the `key value` facts it prints.
fn facts_from_program(
    compiler_var: &str,
    default_compiler: &str,
    std: &str,
    source: &str,
) -> BTreeMap<String, i64> {
    let include = jdk17_include_dir();
    let source = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/layout")
        .join(source);
    let stem = source
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("facts");
    let binary = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("jvmti_layout_{stem}"));
    let compiler = env::var(compiler_var).unwrap_or_else(|_| default_compiler.to_owned());
    let status = Command::new(&compiler)
        .args([std, "-Wall", "-o"])
        .arg(&binary)
        .arg("-I")
        .arg(&include)
        .arg("-I")
        .arg(include.join("linux"))
        .arg(&source)
        .status()
        .unwrap_or_else(|e| {
            panic!("cannot run the compiler `{compiler}` (set {compiler_var}): {e}")
        });
    assert!(
        status.success(),
        "`{compiler}` failed to compile {} against {}",
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

/// Fails, naming every difference, unless both sides state exactly the same facts.
fn assert_same_facts(c: &BTreeMap<String, i64>, rust: &BTreeMap<String, i64>) {
    let mut problems = Vec::new();
    for (key, c_value) in c {
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
        "{} differences:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

fn count_with_prefix(facts: &BTreeMap<String, i64>, prefix: &str) -> usize {
    facts.keys().filter(|key| key.starts_with(prefix)).count()
}

#[test]
fn rust_layout_matches_jdk17_headers() {
    let c = facts_from_program("CC", "cc", "-std=c11", "facts.c");
    assert_same_facts(&c, &rust_facts::rust_facts());

    // Guard against a vacuous pass (e.g. a C program that printed nothing).
    assert_eq!(
        count_with_prefix(&c, "offset jvmtiInterface_1."),
        156,
        "JDK 17's function table has 156 slots"
    );
    assert_eq!(
        count_with_prefix(&c, "offset jvmtiEventCallbacks."),
        37,
        "JDK 17's callback table covers events 50..=86"
    );
    assert_eq!(count_with_prefix(&c, "capbit "), 44);
}

#[test]
fn rust_signatures_match_jdk17_headers() {
    let c = facts_from_program("CXX", "c++", "-std=c++17", "signatures.cpp");
    assert_same_facts(&c, &rust_signatures::rust_signatures());

    // 148 functions (156 slots less 8 reserved), 37 event slots, 16 heap callback slots.
    let tables = [
        ("jvmtiInterface_1.", 148),
        ("jvmtiEventCallbacks.", 37),
        ("jvmtiHeapCallbacks.", 16),
    ];
    for (table, entries) in tables {
        let prefix = format!("sig {table}");
        let checked = c
            .keys()
            .filter(|key| key.starts_with(&prefix) && key.ends_with(".variadic"))
            .count();
        assert_eq!(checked, entries, "signatures checked in {table}");
    }
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
