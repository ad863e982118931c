//! 64-bit data constants and unnamed metadata in shared code. `ShareLongs.mix` loads Java
//! `long` masks of the shape H2's MVStore uses and C2's own magic multipliers for divisions by
//! large constants — `movabs r, imm64` without relocation whose values a range test took for
//! VM addresses (refused `raw_vm_address` before). They are far from every mapping of the
//! donor, so they are captured as data, installed in a second JVM, and the program prints
//! exactly what it prints without the agent. `ShareLongs.tag` embeds a lambda proxy's class
//! (a hidden class): refused with its own reason, `hidden_class`.

use jitfleet_tests::*;

const JVMCI: [&str; 2] = ["-XX:+UnlockExperimentalVMOptions", "-XX:+EnableJVMCI"];
/// The limit of the receiver's pause, which ends when `mix` is installed (`InstallWait`).
const WAIT_MS: &str = "60000";
const MIX: &str = "ShareLongs.mix(JJ)J";

#[test]
fn long_masks_and_division_magic_numbers_are_shared_as_data_and_hidden_classes_refused_by_name() {
    let flags = ["-XX:CompileCommand=quiet", "-XX:CompileCommand=dontinline,ShareLongs*::*"];
    let dir = scratch("share-longs");
    let vanilla = run(java_cmd().args(flags).args(["ShareLongs", "200000", "0"]));
    assert!(vanilla.status.success(), "{}", stderr(&vanilla));
    let expected = stdout(&vanilla);
    assert_eq!(expected.lines().count(), 4, "{expected}");

    let donor = run(java_cmd()
        .args(JVMCI)
        .args(flags)
        .arg(agent_arg(&format!("mode=capture,cache_dir={},log=info", dir.display())))
        .args(["ShareLongs", "3000000", "0"]));
    let donor_log = stderr(&donor);
    assert!(donor.status.success(), "{donor_log}");
    assert!(donor_log.contains(&format!("captured {MIX}")), "{donor_log}");
    let index = std::fs::read_to_string(dir.join("index.jsonl")).unwrap();
    // main multiplies by 0x5DEECE66D, about 23 GiB: near the donor's heap or CDS mapping, so
    // honestly still a possible address there; mix's constants are far from every mapping.
    let mix: Vec<&str> = index.lines().filter(|l| l.contains(MIX)).collect();
    assert!(!mix.is_empty() && mix.iter().all(|l| l.contains(".jfnm") && !l.contains("raw_vm_address")), "{mix:?}");
    let tag: Vec<&str> = index.lines().filter(|l| l.contains("ShareLongs.tag(J)")).collect();
    assert!(!tag.is_empty(), "tag was compiled by C2: {index}");
    // Refused (first for the proxy's missing fingerprint), and the survey names the hidden class.
    assert!(tag.iter().all(|l| l.contains("\"refused\"") && l.contains("\"hidden_class\"")), "{tag:?}");

    let receiver = run(java_cmd()
        .args(JVMCI)
        .args(flags)
        .args(storm_args())
        .arg(agent_arg(&format!("mode=install,cache_dir={},log=info", dir.display())))
        .args(["ShareLongs", "200000", WAIT_MS]));
    let log = stderr(&receiver);
    assert!(receiver.status.success(), "{log}");
    assert_eq!(stdout(&receiver), expected, "{log}");
    assert!(log.contains(&format!("installed {MIX} (donor")), "{log}");
    assert!(log.contains(&format!("at exit {MIX}: Method::_code is still the installed nmethod")), "{log}");
    assert!(!log.contains("jvmci_error"), "{log}");
}
