//! Drives the bindings in a real JVM: runs `java -Xcomp -version` (C2 only, so methods are
//! compiled with inlining) with the `smoke_agent` example loaded and checks the summary it
//! prints. This exercises `GetEnv`, capabilities, `SetEventCallbacks`, the variadic
//! `SetEventNotificationMode`, `GetMethodName`/`Deallocate` and the `jvmticmlr.h` records —
//! calls through a misplaced slot or a wrong struct layout would crash or give wrong counts.

use std::collections::HashMap;
use std::env;
use std::path::PathBuf;
use std::process::Command;

use jvmti_sys::jvmtiError;

/// `target/<profile>/examples/libsmoke_agent.so`, next to this test's `deps/` directory.
fn smoke_agent_path() -> PathBuf {
    let exe = env::current_exe().expect("path of the test binary");
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target/<profile>");
    let agent = profile_dir.join("examples").join("libsmoke_agent.so");
    assert!(
        agent.is_file(),
        "{} is missing; `cargo test` builds it from examples/smoke_agent.rs",
        agent.display()
    );
    agent
}

/// The `key=value` pairs of the agent's `jvmti-smoke` line.
fn run_java_with_smoke_agent() -> HashMap<String, i64> {
    let java = env::var_os("JAVA_HOME").map_or_else(
        || PathBuf::from("java"),
        |home| PathBuf::from(home).join("bin/java"),
    );
    let output = Command::new(&java)
        .arg(format!("-agentpath:{}", smoke_agent_path().display()))
        .args(["-XX:-TieredCompilation", "-Xcomp", "-version"])
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", java.display()));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "java failed ({}):\n{stderr}",
        output.status
    );
    let line = stderr
        .lines()
        .find(|line| line.starts_with("jvmti-smoke "))
        .unwrap_or_else(|| panic!("no jvmti-smoke summary in:\n{stderr}"));
    assert!(
        !stderr.contains("failed"),
        "an agent call failed:\n{stderr}"
    );
    line.split_whitespace()
        .skip(1)
        .map(|pair| {
            let (key, value) = pair
                .split_once('=')
                .unwrap_or_else(|| panic!("bad pair {pair:?} in {line:?}"));
            let value = match value.strip_prefix("0x") {
                Some(hex) => i64::from_str_radix(hex, 16),
                None => value.parse(),
            }
            .unwrap_or_else(|e| panic!("bad value in {pair:?}: {e}"));
            (key.to_owned(), value)
        })
        .collect()
}

#[test]
fn agent_built_on_the_bindings_works_in_a_real_jvm() {
    let summary = run_java_with_smoke_agent();
    let get = |key: &str| {
        *summary
            .get(key)
            .unwrap_or_else(|| panic!("{key} missing from {summary:?}"))
    };

    let version = get("version");
    assert_eq!(
        version & 0x7000_0000,
        0x3000_0000,
        "a JVMTI (not JNI) version: {version:#x}"
    );
    assert!(
        (version >> 16) & 0xfff >= 11,
        "at least the JVMTI 11 we asked for: {version:#x}"
    );
    assert_eq!(
        get("bogus_event_error"),
        i64::from(jvmtiError::JVMTI_ERROR_INVALID_EVENT_TYPE.0)
    );

    let compiled = get("compiled");
    assert!(
        compiled > 10,
        "-Xcomp compiles many methods, got {compiled}"
    );
    assert_eq!(get("named"), compiled, "every compiled method has a name");
    assert_eq!(
        get("inline_records"),
        compiled,
        "HotSpot sends one inline record per method"
    );
    assert!(
        get("pcs") > compiled,
        "C2 code has several PC descriptors per method"
    );
    assert!(
        get("deepest") >= 2,
        "C2 inlines, so some PC has an inlined frame"
    );
}
