//! Operations of the install side: the kill switch (`mode=off`) and the deny list with a
//! populated cache, `jitfleet cache verify`, and mode `auto` (a cache trained by ordinary
//! runs). Real JVMs, the real agent; `ShareFolded` (see soundness.rs) is the program.

use jitfleet_tests::folded::*;
use jitfleet_tests::*;
use std::path::Path;


fn jfnm_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "jfnm"))
        .collect();
    files.sort();
    files
}

/// Operations: with a populated cache, `mode=off` (the kill switch) installs nothing and says
/// one line; the deny list keeps a method from being installed, counted in the summary.
#[test]
fn the_kill_switch_and_the_deny_list_keep_cached_code_out() {
    let dir = scratch("sound-off-deny");
    capture_folded(&dir, 31);
    let expected = stdout(&run_folded(31, None, "0"));

    let off = run_folded(31, Some(format!("mode=off,cache_dir={},log=info", dir.display())), PAUSE_MS);
    let log = stderr(&off);
    assert_eq!(stdout(&off), expected);
    assert_eq!(log.lines().filter(|l| l.starts_with("jitfleet")).collect::<Vec<_>>(), vec!["jitfleet: info: mode=off: the agent does nothing"], "{log}");

    // The environment variable too (the options' `,` separates keys, so `;` separates patterns).
    let mut cmd = java_cmd();
    cmd.env("JITFLEET_DENY", "Nothing.Here::x,ShareFolded::mix").args(JVMCI).arg("-Djf.folded=31");
    cmd.arg(agent_arg(&format!("mode=install,cache_dir={},log=info", dir.display())));
    let denied = run(cmd.args(["ShareFolded", ROUNDS, PAUSE_MS]));
    let log = stderr(&denied);
    assert!(denied.status.success(), "{log}");
    assert_eq!(stdout(&denied), expected);
    // One line per cached compilation of mix: its normal one, and its OSR one if the donor's
    // loop compiled one (OSR code is shared too).
    let denied_lines = log.lines().filter(|l| l.contains("not installed ShareFolded.mix(I)I: on the deny list")).count();
    assert!(denied_lines >= 1, "{log}");
    assert!(log.contains(&format!("denied={denied_lines}")) && log.contains("refused=") && log.contains("install_us_median="), "{log}");
    assert!(!log.contains("installed ShareFolded.mix(I)I (donor"), "{log}");

    // A bad pattern disables the agent with one line naming the setting; the program runs.
    let bad = run_folded(31, Some(format!("mode=install,cache_dir={},deny=ShareFolded", dir.display())), "0");
    assert_eq!(stdout(&bad), expected);
    assert!(stderr(&bad).contains("jitfleet: disabled: agent option 'deny': 'ShareFolded' is not CLASS::METHOD"), "{}", stderr(&bad));
}

/// `jitfleet cache verify`: per-file verdicts against a JVM of the given configuration, exit
/// status 1 only when a file is corrupt.
#[test]
fn cache_verify_reports_each_file_and_fails_on_corruption() {
    let dir = scratch("ops-verify");
    capture_folded(&dir, 31);
    let good = jfnm_files(&dir);
    assert!(!good.is_empty());
    let verify = |extra: &[&str]| {
        let mut cmd = std::process::Command::new(jitfleet_cli());
        cmd.arg("cache").arg("verify").arg(&dir).arg("--agent").arg(agent()).arg("--").args(extra);
        let o = run(&mut cmd);
        (o.status.code(), stdout(&o), stderr(&o))
    };
    let classes = classes().display().to_string();
    let (code, out, err) = verify(&["-cp", &classes, JVMCI[0], JVMCI[1]]);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(out.lines().any(|l| l.starts_with("ok ") && l.contains("ShareFolded.mix(I)I")), "{out}");
    assert!(!out.contains("corrupt"), "{out}");

    // The classes are not on this class path: named, not corrupt.
    let (code, out, _) = verify(&[JVMCI[0], JVMCI[1]]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.lines().any(|l| l.starts_with("class_missing") && l.contains("ShareFolded")), "{out}");

    // Another collector: another compat key.
    let (code, out, _) = verify(&["-cp", &classes, JVMCI[0], JVMCI[1], "-XX:+UseParallelGC"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.lines().any(|l| l.starts_with("other_configuration")), "{out}");
    assert!(!out.lines().any(|l| l.starts_with("ok ")), "{out}");

    // A flipped byte and a renamed file are corrupt; an older format is named as such.
    let mut bytes = std::fs::read(&good[0]).unwrap();
    std::fs::write(dir.join("renamed.jfnm"), &bytes).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x55;
    std::fs::write(dir.join("flipped.jfnm"), &bytes).unwrap();
    bytes[8] = 3;
    std::fs::write(dir.join("old.jfnm"), &bytes).unwrap();
    let (code, out, err) = verify(&["-cp", &classes, JVMCI[0], JVMCI[1]]);
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(out.lines().any(|l| l.starts_with("corrupt") && l.contains("flipped.jfnm") && l.contains("hash")), "{out}");
    assert!(out.lines().any(|l| l.starts_with("corrupt") && l.contains("renamed.jfnm") && l.contains("file name")), "{out}");
    assert!(out.lines().any(|l| l.starts_with("other_version") && l.contains("old.jfnm")), "{out}");
    assert!(out.contains("corrupt=2"), "{out}");
}

/// Mode `auto`: the first run captures, the second installs what the first captured and does
/// not capture it again; both print what a run without the agent prints.
#[test]
fn two_auto_runs_train_the_cache_then_use_it() {
    let dir = scratch("ops-auto");
    let expected = stdout(&run_folded(31, None, "0"));
    let opts = format!("mode=auto,cache_dir={},log=info", dir.display());

    let first = run_folded(31, Some(opts.clone()), PAUSE_MS);
    let log = stderr(&first);
    assert_eq!(stdout(&first), expected, "{log}");
    assert!(log.contains("captured ShareFolded.mix(I)I"), "{log}");
    assert!(log.contains("install summary:") && !log.contains("installed ShareFolded.mix(I)I (donor"), "{log}");
    let files = jfnm_files(&dir);

    let second = run_folded_installing(31, opts);
    let log = stderr(&second);
    assert_eq!(stdout(&second), expected, "{log}");
    assert!(log.contains("installed ShareFolded.mix(I)I (donor"), "{log}");
    assert!(log.contains("at exit ShareFolded.mix(I)I: Method::_code is still the installed nmethod"), "{log}");
    assert!(!log.contains("captured ShareFolded.mix(I)I"), "captured again: {log}");
    let index = std::fs::read_to_string(dir.join("index.jsonl")).unwrap();
    // Captured once: its normal compilation, and apart from it (a different entry bci) its OSR
    // compilation if there was one.
    let captured = |entry: &str| index.lines().filter(|l| l.contains("ShareFolded.mix(I)I") && l.contains(".jfnm") && l.contains(entry)).count();
    assert_eq!(captured("\"entry_bci\":-1"), 1, "{index}");
    assert!(captured("\"osr\":true") <= 1, "{index}");
    assert!(jfnm_files(&dir).len() >= files.len());
}
