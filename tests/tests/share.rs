//! Code sharing, first vertical slice: a C2-compiled leaf method captured in one JVM
//! (`mode=capture`) is installed through JVMCI in a second JVM (`mode=install`) and runs there:
//! the program prints exactly what it prints without the agent, the agent reports that the
//! method's `Method::_code` is the installed nmethod (after install and still at exit), and the
//! receiving JVM never compiles the method itself (`-XX:+PrintCompilation`), while the donor did.
//! Then wider: an inlined callee from another class, arrays (oops in debug info, implicit null
//! checks, uncommon traps, GCs, deoptimisation), other GCs with heap verification, refusal of
//! foreign or corrupt code, and (ignored, slow) javac as a real workload.

use jitfleet_tests::*;
use std::path::Path;
use std::process::Output;

const PROGRAM: &str = "ShareLeaf";
const ROUNDS: &str = "20000";
/// Pause after the first call: time for the installer before the method gets hot.
const PAUSE_MS: &str = "1500";
/// The limit of an installing run's pause when it waits for the installs (`InstallWait`, with
/// `storm_args()` for WhiteBox): on a loaded machine a fixed pause can end before the
/// installs, and a C2 compile the receiver queued meanwhile then replaces the installed code.
const WAIT_MS: &str = "60000";
const JVMCI: [&str; 2] = ["-XX:+UnlockExperimentalVMOptions", "-XX:+EnableJVMCI"];

/// `-XX:+PrintCompilation`, written to stderr so that stdout holds only the program's lines
/// (the VM's and the program's writes to stdout can interleave within a line).
const PRINT_COMPILATION: [&str; 3] = ["-XX:+UnlockDiagnosticVMOptions", "-XX:+DisplayVMOutputToStderr", "-XX:+PrintCompilation"];

/// The program's own lines.
fn program_lines(o: &Output) -> Vec<String> {
    stdout(o).lines().map(str::to_string).collect()
}

/// PrintCompilation lines compiling `ShareLeaf::mix` (any tier, OSR included).
fn local_compilations_of_mix(o: &Output) -> Vec<String> {
    stderr(o).lines().filter(|l| l.contains("ShareLeaf::mix")).map(str::to_string).collect()
}

fn vanilla() -> Output {
    let o = run(java_cmd().args([PROGRAM, ROUNDS, PAUSE_MS]));
    assert!(o.status.success(), "{}", stderr(&o));
    o
}

fn capture(dir: &Path, extra: &[&str]) -> Output {
    let o = run(java_cmd()
        .args(JVMCI)
        .args(extra)
        .args(PRINT_COMPILATION)
        .arg(agent_arg(&format!("mode=capture,cache_dir={},log=info", dir.display())))
        .args([PROGRAM, ROUNDS, "0"]));
    assert!(o.status.success(), "capture run failed: {}", stderr(&o));
    o
}

/// An installing run; `expect_installed`: its pause waits for `mix` to be installed
/// (`InstallWait`, at most [`WAIT_MS`]) instead of the fixed [`PAUSE_MS`].
fn install(dir: &Path, extra: &[&str], expect_installed: bool) -> Output {
    let mut cmd = java_cmd();
    cmd.args(JVMCI).args(extra).args(PRINT_COMPILATION);
    if expect_installed {
        cmd.args(storm_args());
    }
    let o = run(cmd
        .arg(agent_arg(&format!("mode=install,cache_dir={},log=info", dir.display())))
        .args([PROGRAM, ROUNDS, if expect_installed { WAIT_MS } else { PAUSE_MS }]));
    assert!(o.status.success(), "install run failed: {}", stderr(&o));
    o
}

fn portable_files(dir: &Path) -> usize {
    std::fs::read_dir(dir).unwrap().filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == "jfnm")).count()
}

#[test]
fn a_leaf_method_captured_in_one_jvm_runs_installed_in_another() {
    let dir = scratch("share-leaf");
    let expected = program_lines(&vanilla());
    assert_eq!(expected.len(), 5, "{expected:?}");

    let donor = capture(&dir, &[]);
    assert_eq!(program_lines(&donor), expected);
    let donor_log = stderr(&donor);
    // mix inlines ShareLeafMath.step: the installer resolves two classes.
    assert!(donor_log.contains("captured ShareLeaf.mix(I)I") && donor_log.contains("1 inlined methods"), "{donor_log}");
    assert!(
        local_compilations_of_mix(&donor).iter().any(|l| l.contains(" 4 ") && !l.contains('%')),
        "the donor compiles mix at tier 4: {:?}",
        local_compilations_of_mix(&donor)
    );
    assert!(portable_files(&dir) >= 1);
    let index = std::fs::read_to_string(dir.join("index.jsonl")).unwrap();
    assert!(index.lines().any(|l| l.contains("ShareLeaf.mix(I)I") && l.contains(".jfnm")), "{index}");

    let receiver = install(&dir, &[], true);
    let log = stderr(&receiver);
    assert_eq!(program_lines(&receiver), expected, "{log}");
    assert!(log.contains("installed ShareLeaf.mix(I)I"), "{log}");
    assert!(log.contains("Method::_code is the installed nmethod"), "{log}");
    assert!(log.contains("at exit ShareLeaf.mix(I)I: Method::_code is still the installed nmethod"), "{log}");
    assert!(!log.contains("jvmci_error"), "{log}");
    assert_eq!(local_compilations_of_mix(&receiver), Vec::<String>::new(), "the receiver ran the installed code instead");
}

/// Array code: object references in debug info and oop maps, implicit null checks, range-check
/// uncommon traps; a garbage thread and a small heap make GCs walk the installed frames. At
/// the end the program passes null and a short array: the installed code must deoptimise
/// through the translated debug information and the program throw exactly as without it.
#[test]
fn array_code_survives_gcs_and_deoptimises_correctly() {
    let dir = scratch("share-arrays");
    let heap = ["-Xmx64m"];
    let vanilla = run(java_cmd().args(heap).args(["ShareArrays", ROUNDS, PAUSE_MS]));
    assert!(vanilla.status.success());
    let expected = program_lines(&vanilla);
    assert!(expected.iter().any(|l| l == "null throws NullPointerException"), "{expected:?}");

    let donor = run(java_cmd()
        .args(JVMCI)
        .args(heap)
        .args(PRINT_COMPILATION)
        .arg(agent_arg(&format!("mode=capture,cache_dir={},log=debug", dir.display())))
        .args(["ShareArrays", ROUNDS, "0"]));
    let donor_log = stderr(&donor);
    assert!(donor_log.contains("captured ShareArrays.dot([J[JI)J"), "{donor_log}");
    assert!(donor_log.contains("implicit checks"), "{donor_log}");
    // Every C2 nmethod of the run decoded, and its scopes agreed with JVMTI's inline records
    // (a disagreement would be counted as "undecodable").
    assert!(donor_log.contains("decoded scopes agree with JVMTI at"), "{donor_log}");
    assert!(!donor_log.contains("undecodable="), "{donor_log}");

    let receiver = run(java_cmd()
        .args(JVMCI)
        .args(heap)
        .args(PRINT_COMPILATION)
        .arg(agent_arg(&format!("mode=install,cache_dir={},log=info", dir.display())))
        .args(["ShareArrays", ROUNDS, PAUSE_MS]));
    let log = stderr(&receiver);
    assert!(receiver.status.success(), "{log}");
    assert_eq!(program_lines(&receiver), expected, "{log}");
    assert!(log.contains("installed ShareArrays.dot([J[JI)J"), "{log}");
    assert!(log.contains("Method::_code is the installed nmethod"), "{log}");
    assert!(!log.contains("jvmci_error"), "{log}");
    // The receiver never compiled dot itself; the installed nmethod (JVMCI ids from
    // 900000000) was made not entrant by the final traps.
    let dot: Vec<&str> = log.lines().filter(|l| l.contains("ShareArrays::dot")).collect();
    assert!(dot.iter().all(|l| l.contains(" 9000000")), "{dot:?}");
    assert!(dot.iter().any(|l| l.contains("made not entrant")), "{dot:?}");
}

#[test]
fn code_from_another_configuration_or_a_corrupt_file_is_not_installed() {
    let dir = scratch("share-mismatch");
    let expected = program_lines(&vanilla());
    capture(&dir, &["-XX:+UseSerialGC"]);
    let files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "jfnm"))
        .collect();
    assert!(!files.is_empty());
    // A corrupt copy next to the good ones.
    let mut bytes = std::fs::read(&files[0]).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x55;
    std::fs::write(dir.join("corrupt.jfnm"), bytes).unwrap();

    // G1 here, Serial in the donor: another compat key, nothing may be installed.
    let receiver = install(&dir, &["-XX:+UseG1GC"], false);
    let log = stderr(&receiver);
    assert_eq!(program_lines(&receiver), expected);
    assert!(log.contains(&format!("compat_mismatch={}", files.len())), "{log}");
    assert!(log.contains("unreadable=1"), "{log}");
    assert!(!log.contains("installed ShareLeaf"), "{log}");
    assert!(log.contains("still_installed_at_exit=0"), "{log}");
}

/// The array program under Serial and Parallel GC with heap verification before and after
/// every GC: the installed frames' oop maps are walked many times, the installed reference
/// stores mark cards in this JVM's card table (patched base), and the heap stays sound.
#[test]
fn installed_array_code_keeps_the_heap_sound_under_serial_and_parallel_gc() {
    for gc in ["-XX:+UseSerialGC", "-XX:+UseParallelGC"] {
        let dir = scratch(&format!("share-verify{gc}"));
        let flags = ["-Xmx64m", gc];
        let vanilla = run(java_cmd().args(flags).args(["ShareArrays", ROUNDS, "0"]));
        assert!(vanilla.status.success());
        let donor = run(java_cmd()
            .args(JVMCI)
            .args(flags)
            .arg(agent_arg(&format!("mode=capture,cache_dir={},log=debug", dir.display())))
            .args(["ShareArrays", ROUNDS, "0"]));
        assert!(donor.status.success(), "{}", stderr(&donor));
        // fill's reference stores mark cards: the card table base is embedded, symbolised.
        assert!(stderr(&donor).contains("CardTableBase"), "{gc}: {}", stderr(&donor));
        // The pause after round 0 lasts until dot and fill have level-4 code (InstallWait).
        let receiver = run(java_cmd()
            .args(JVMCI)
            .args(flags)
            .args(storm_args())
            .args(["-XX:+VerifyBeforeGC", "-XX:+VerifyAfterGC"])
            .arg(agent_arg(&format!("mode=install,cache_dir={},log=info", dir.display())))
            .args(["ShareArrays", ROUNDS, WAIT_MS]));
        let log = stderr(&receiver);
        assert!(receiver.status.success(), "{gc}: {log}");
        assert_eq!(stdout(&receiver), stdout(&vanilla), "{gc}: {log}");
        assert!(log.contains("installed ShareArrays.dot([J[JI)J"), "{gc}: {log}");
        assert!(log.contains("installed ShareArrays.fill("), "{gc}: {log}");
        assert!(log.contains("at exit ShareArrays.fill([LShareArrays$Box;Ljava/lang/Object;I)I: Method::_code is still"), "{gc}: {log}");
        assert!(!log.contains("jvmci_error"), "{gc}: {log}");
    }
}

/// javac (the JDK's own, through javax.tools) compiling the JVMCI sources four times: every
/// captured method is installed in a second run, whose output class files must be identical to
/// a run without the agent. Slow (about two minutes on two cores): run with `--ignored`.
#[test]
#[ignore]
fn javac_with_installed_code_writes_identical_class_files() {
    let sources: Vec<String> = walk(&Path::new(&std::env::var("JITFLEET_JDK_SRC").unwrap_or_else(|_| {
        "/root/.cache/jitfleet/openjdk-17/src/jdk.internal.vm.ci".to_string()
    })));
    assert!(sources.len() > 100, "JVMCI sources not found (set JITFLEET_JDK_SRC)");
    let dir = scratch("share-javac");
    let list = dir.join("files.txt");
    std::fs::write(&list, sources.join("\n")).unwrap();
    let javac_run = |mode: Option<&str>, out: &str| {
        let out_dir = dir.join(out);
        std::fs::create_dir_all(&out_dir).unwrap();
        let mut cmd = java_cmd();
        cmd.args(JVMCI);
        if let Some(mode) = mode {
            cmd.arg(agent_arg(&format!("mode={mode},cache_dir={},log=info", dir.join("cache").display())));
        }
        let o = run(cmd.args(["ShareJavac", list.to_str().unwrap(), "4", out_dir.to_str().unwrap()]));
        assert!(o.status.success(), "{}", stderr(&o));
        (o, class_files(&out_dir))
    };
    let (_, vanilla) = javac_run(None, "vanilla");
    let (donor, _) = javac_run(Some("capture"), "donor");
    assert!(stderr(&donor).contains("captured "), "{}", stderr(&donor));
    let (receiver, classes) = javac_run(Some("install"), "receiver");
    let log = stderr(&receiver);
    assert!(log.lines().filter(|l| l.contains("info: installed ")).count() >= 20, "{log}");
    assert!(!log.contains("jvmci_error"), "{log}");
    assert!(vanilla.len() > 100);
    assert_eq!(classes, vanilla, "class files differ");
}

fn walk(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else if p.extension().is_some_and(|x| x == "java") {
            out.push(p.display().to_string());
        }
    }
    out.sort();
    out
}

/// (relative path, bytes) of every class file under `dir`.
fn class_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = walk_all(dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|x| x == "class"))
        .map(|p| (p.strip_prefix(dir).unwrap().display().to_string(), std::fs::read(&p).unwrap()))
        .collect();
    files.sort();
    files
}

fn walk_all(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk_all(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// Keeps the calls of ShareCalls real calls, and its shared methods out of main.
const CALLS_FLAGS: [&str; 2] = ["-XX:CompileCommand=quiet", "-XX:CompileCommand=dontinline,ShareCalls*::*"];

/// Java calls (static, statically bound, megamorphic virtual and interface) and exceptions
/// crossing installed code: caught behind C2's catch-all handler entry, propagated out of the
/// shared method and out of many recursive frames of one installed nmethod. Under the default
/// collector, then Serial with a 16 MB heap and G1, both verifying the heap around every GC:
/// identical output, the shared methods installed and still installed at exit (an exception
/// reaching a call without a handler entry would have made them not entrant).
#[test]
fn calls_and_exceptions_cross_installed_code_under_three_collectors() {
    let rounds = "100000";
    let verify = ["-XX:+UnlockDiagnosticVMOptions", "-XX:+VerifyBeforeGC", "-XX:+VerifyAfterGC"];
    let configs: [(&str, Vec<&str>); 3] = [
        ("default", vec![]),
        ("serial", [&["-XX:+UseSerialGC", "-Xmx16m"][..], &verify[..]].concat()),
        ("g1", [&["-XX:+UseG1GC", "-Xmx32m"][..], &verify[..]].concat()),
    ];
    for (name, flags) in configs {
        let dir = scratch(&format!("share-calls-{name}"));
        let vanilla = run(java_cmd().args(CALLS_FLAGS).args(&flags).args(["ShareCalls", rounds, "0"]));
        assert!(vanilla.status.success(), "{name}: {}", stderr(&vanilla));
        let expected = program_lines(&vanilla);
        assert!(expected.iter().any(|l| l.starts_with("sum ") && !l.ends_with("thrown 0")), "{name}: {expected:?}");
        let donor = run(java_cmd()
            .args(JVMCI)
            .args(CALLS_FLAGS)
            .args(&flags)
            .arg(agent_arg(&format!("mode=capture,cache_dir={},log=info", dir.display())))
            .args(["ShareCalls", rounds, "0"]));
        assert!(donor.status.success(), "{name}: {}", stderr(&donor));
        assert_eq!(program_lines(&donor), expected, "{name}");
        let receiver = run(java_cmd()
            .args(JVMCI)
            .args(CALLS_FLAGS)
            .args(&flags)
            .args(storm_args())
            .arg(agent_arg(&format!("mode=install,cache_dir={},log=info", dir.display())))
            .args(["ShareCalls", rounds, WAIT_MS]));
        let log = stderr(&receiver);
        assert!(receiver.status.success(), "{name}: {log}");
        assert_eq!(program_lines(&receiver), expected, "{name}: {log}");
        for method in ["ShareCalls.run(ILShareCalls$Shape;LShareCalls$Op;LShareCalls$Acc;)J", "ShareCalls.nest(ILShareCalls$Op;I)J"] {
            assert!(log.contains(&format!("installed {method} (donor")), "{name}: {method}: {log}");
            assert!(log.contains(&format!("at exit {method}: Method::_code is still the installed nmethod")), "{name}: {method}: {log}");
        }
        assert!(!log.contains("jvmci_error"), "{name}: {log}");
    }
}

/// Class constants (`Klass*` as narrow immediates and `movabs` operands: allocation of an
/// object, an int array and an object array, and type checks — ShareKlass) and class mirrors
/// as object constants (static fields of two classes — ShareStatics) resolved in the receiver
/// and patched by JVMCI: identical output under Serial and Parallel GC with a small heap and
/// heap verification around every GC, the method installed and still installed at exit.
#[test]
fn class_constants_are_resolved_in_the_receiver_under_serial_and_parallel_gc() {
    let verify = ["-XX:+UnlockDiagnosticVMOptions", "-XX:+VerifyBeforeGC", "-XX:+VerifyAfterGC"];
    let cases = [
        ("ShareKlass", "ShareKlass.make(ILjava/lang/Object;LShareKlass$Holder;)J"),
        ("ShareStatics", "ShareStatics.bump(ILjava/lang/Object;)J"),
    ];
    for gc in ["-XX:+UseSerialGC", "-XX:+UseParallelGC"] {
        for (program, method) in cases {
            let dont_inline = format!("-XX:CompileCommand=dontinline,{program}*::*");
            let flags = [gc, "-Xmx24m", "-XX:CompileCommand=quiet", dont_inline.as_str()];
            let dir = scratch(&format!("share-{program}{gc}"));
            let vanilla = run(java_cmd().args(flags).args([program, "200000", "0"]));
            assert!(vanilla.status.success(), "{gc}: {}", stderr(&vanilla));
            let donor = run(java_cmd()
                .args(JVMCI)
                .args(flags)
                .arg(agent_arg(&format!("mode=capture,cache_dir={},log=info", dir.display())))
                .args([program, "20000000", "0"])); // longer: captures run on a background thread
            assert!(donor.status.success(), "{gc}: {}", stderr(&donor));
            assert!(stderr(&donor).contains(&format!("captured {method}")), "{gc}: {}", stderr(&donor));
            let receiver = run(java_cmd()
                .args(JVMCI)
                .args(flags)
                .args(verify)
                .args(storm_args())
                .arg(agent_arg(&format!("mode=install,cache_dir={},log=info", dir.display())))
                .args([program, "200000", WAIT_MS]));
            let log = stderr(&receiver);
            assert!(receiver.status.success(), "{gc}: {log}");
            assert_eq!(program_lines(&receiver), program_lines(&vanilla), "{gc}: {log}");
            assert!(log.contains(&format!("installed {method} (donor")), "{gc}: {log}");
            assert!(log.contains(&format!("at exit {method}: Method::_code is still the installed nmethod")), "{gc}: {log}");
            assert!(!log.contains("jvmci_error"), "{gc}: {log}");
        }
    }
}
