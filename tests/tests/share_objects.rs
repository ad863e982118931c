//! Object constants other than class mirrors in shared code (issue 4, symbolisation of
//! objects): `ldc` strings by value (the receiver patches the interned string), enum constants
//! and other static final values by (class, field) (the receiver reads its own field). A donor
//! JVM captures `tests/java/ShareObjects.java`, a second JVM installs the code; the program's
//! output must be identical to a run without the agent (it counts `==` matches, so an equal
//! copy instead of the same object changes it), each method must be installed and still be the
//! method's code at exit, under Serial and G1 with a small heap and heap verification.

use jitfleet_tests::*;

const PROGRAM: &str = "ShareObjects";
const ROUNDS: &str = "200000";
/// The donor runs longer: capture happens on a background thread, after C2 is done.
const DONOR_ROUNDS: &str = "10000000";
/// The limit of the receiver's pause, which ends when the three methods are installed
/// (`InstallWait`; every GC is verified, and a fixed pause can end before the installs).
const WAIT_MS: &str = "60000";
const JVMCI: [&str; 2] = ["-XX:+UnlockExperimentalVMOptions", "-XX:+EnableJVMCI"];
const METHODS: [&str; 3] = [
    "ShareObjects.strings(I)Ljava/lang/String;",
    "ShareObjects.enums(I)LShareObjects$Color;",
    "ShareObjects.statics(I[J)Ljava/lang/Object;",
];

fn program_lines(o: &std::process::Output) -> Vec<String> {
    stdout(o).lines().map(str::to_string).collect()
}

#[test]
fn strings_enum_constants_and_static_finals_are_shared_by_identity() {
    let verify = ["-XX:+UnlockDiagnosticVMOptions", "-XX:+VerifyBeforeGC", "-XX:+VerifyAfterGC"];
    for gc in ["-XX:+UseSerialGC", "-XX:+UseG1GC"] {
        let flags = [gc, "-Xmx32m", "-XX:CompileCommand=quiet", "-XX:CompileCommand=dontinline,ShareObjects*::*"];
        let dir = scratch(&format!("share-objects{gc}"));
        let vanilla = run(java_cmd().args(flags).args([PROGRAM, ROUNDS, "0"]));
        assert!(vanilla.status.success(), "{gc}: {}", stderr(&vanilla));
        let donor = run(java_cmd()
            .args(JVMCI)
            .args(flags)
            .arg(agent_arg(&format!("mode=capture,cache_dir={},log=info", dir.display())))
            .args([PROGRAM, DONOR_ROUNDS, "0"]));
        let donor_log = stderr(&donor);
        assert!(donor.status.success(), "{gc}: {donor_log}");
        for (method, kind) in METHODS.iter().zip(["strings", "static finals", "static finals"]) {
            let line = donor_log.lines().find(|l| l.contains(&format!("captured {method} "))).unwrap_or_else(|| panic!("{gc}: {method} not captured: {donor_log}"));
            // "objects: M mirrors S strings F static finals": the method's code carries some.
            let count = line.split(" objects: ").nth(1).and_then(|t| t.split(&format!(" {kind}")).next()).and_then(|t| t.rsplit(' ').next()).and_then(|n| n.parse::<u32>().ok());
            assert!(count.is_some_and(|n| n > 0), "{gc}: {method} has no {kind} among its object constants: {line}");
        }
        let receiver = run(java_cmd()
            .args(JVMCI)
            .args(flags)
            .args(verify)
            .args(storm_args())
            .arg(agent_arg(&format!("mode=install,cache_dir={},log=info", dir.display())))
            .args([PROGRAM, ROUNDS, WAIT_MS]));
        let log = stderr(&receiver);
        assert!(receiver.status.success(), "{gc}: {log}");
        assert_eq!(program_lines(&receiver), program_lines(&vanilla), "{gc}: {log}");
        for method in METHODS {
            assert!(log.contains(&format!("installed {method} (donor")), "{gc}: {method} not installed: {log}");
            assert!(log.contains(&format!("at exit {method}: Method::_code is still the installed nmethod")), "{gc}: {method}: {log}");
        }
        assert!(!log.contains("jvmci_error"), "{gc}: {log}");
    }
}
