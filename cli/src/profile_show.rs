//! `jitfleet profile show FILE`: a profile file as text a person can read, or as JSON.

use jitfleet_transport::compat::hex;
use jitfleet_transport::profile::{ProfileData, ProfileFile};
use std::fmt::Write;

/// Renders `profile` as text: header, compat key, then each method hottest first with its
/// counters and profile cells by bci.
pub fn render_text(profile: &ProfileFile, limit: usize) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "profile of '{}' (pid {}, taken {} ms after start, agent {})",
        profile.application, profile.pid, profile.uptime_ms, profile.agent_version
    );
    let _ = write!(out, "{}", profile.compat);
    let _ = writeln!(
        out,
        "{} methods, {} compilations",
        profile.methods.len(),
        profile.compilations.len()
    );
    for m in profile.methods.iter().take(limit) {
        let hash = m.method.class.bytes_hash.map(|h| hex(&h[..6])).unwrap_or_else(|| "-".into());
        let _ = writeln!(
            out,
            "\n{}  [loader {}, class {}]\n  invocations {}  backedges {}  tier {}  bytecodes {}",
            m.method, m.method.class.loader, hash, m.counters.invocations, m.counters.backedges,
            m.highest_tier, m.code_size
        );
        let Some(md) = &m.method_data else { continue };
        let _ = writeln!(
            out,
            "  method data: invocations {}  backedges {}  decompiles {}",
            md.invocations, md.backedges, md.decompiles
        );
        for cell in &md.cells {
            let _ = writeln!(out, "    bci {:>5}  {}", cell.bci, describe(&cell.data));
        }
    }
    if profile.methods.len() > limit {
        let _ = writeln!(out, "\n... {} more methods (--limit)", profile.methods.len() - limit);
    }
    for c in &profile.compilations {
        let Some(root) = c.methods.first() else { continue };
        let _ = writeln!(
            out,
            "\ncompiled tier {} {} bytes{}: {}",
            c.tier,
            c.code_size,
            if c.unloaded { " (unloaded)" } else { "" },
            root
        );
        for e in &c.edges {
            let callee = c.methods.get(e.callee as usize).map(|m| m.to_string()).unwrap_or_default();
            let _ = writeln!(out, "  inlined at {}@{}: {}", e.caller, e.bci, callee);
        }
    }
    out
}

fn describe(data: &ProfileData) -> String {
    match data {
        ProfileData::Bit { null_seen } => format!("flags null_seen={null_seen}"),
        ProfileData::Counter { count } => format!("call count {count}"),
        ProfileData::Jump { taken } => format!("jump taken {taken}"),
        ProfileData::Branch { taken, not_taken } => {
            let total = taken + not_taken;
            let ratio = if total == 0 { 0.0 } else { *taken as f64 / total as f64 };
            format!("branch taken {taken} not taken {not_taken} (taken {ratio:.3})")
        }
        ProfileData::Receivers { virtual_call, null_seen, count, rows } => {
            let kind = if *virtual_call { "virtual call" } else { "type check" };
            let rows: Vec<String> = rows.iter().map(|r| format!("{}={}", r.class, r.count)).collect();
            format!("{kind} count {count} null_seen={null_seen} receivers [{}]", rows.join(", "))
        }
        ProfileData::Ret { count } => format!("ret count {count}"),
        ProfileData::MultiBranch { default, cases } => {
            format!("switch default {default} cases {cases:?}")
        }
        ProfileData::Other { tag } => format!("uninterpreted cell (tag {tag})"),
    }
}
