//! Doctor mode: report whether this JVM can take part, for `jitfleet doctor`, then step aside.

use crate::lifecycle::Agent;
use jitfleet_transport::doctor::{DoctorReport, FeatureStatus};

/// Writes the report to `doctor_out` (or standard output) as JSON.
pub fn report(agent: &Agent) {
    let report = build(agent);
    let json = match serde_json::to_string_pretty(&report) {
        Ok(j) => j,
        Err(e) => {
            tracing::error!("doctor report not serialisable: {e}");
            return;
        }
    };
    match &agent.config.doctor_out {
        Some(path) => {
            if let Err(e) = std::fs::write(path, json) {
                tracing::error!("cannot write doctor report {}: {e}", path.display());
            }
        }
        None => println!("{json}"),
    }
}

fn feature(name: &str, available: bool, reason: &str) -> FeatureStatus {
    FeatureStatus {
        name: name.to_string(),
        available,
        reason: (!available).then(|| reason.to_string()),
    }
}

fn build(agent: &Agent) -> DoctorReport {
    let prop = |name: &str| agent.jvmti.system_property(name).unwrap_or_default();
    let compat = agent.compat.get().cloned().flatten();
    let shim_features = agent.shim.as_ref().map(|s| s.features());
    let mut features = vec![feature(
        "vmstructs",
        agent.shim.is_some(),
        "gHotSpotVMStructs could not be read (not HotSpot?)",
    )];
    if let Some(f) = shim_features {
        features.push(feature("counters", f.counters, "MethodCounters fields missing from vmStructs"));
        features.push(feature("method_data", f.method_data, "MethodData fields missing from vmStructs"));
        features.push(feature("vm_facts", f.vm_facts, "compat-key fields missing from vmStructs"));
        features.push(feature("capture", f.capture, "nmethod fields missing from vmStructs"));
    }
    let potential = agent.jvmti.potential_capabilities().ok();
    let compile_events = potential.map(|p| p.can_generate_compiled_method_load_events()).unwrap_or(false);
    features.push(feature("compile_events", compile_events, "JVMTI cannot generate CompiledMethodLoad"));
    let jvmci = compat.as_ref().map(|k| k.jvmci_enabled).unwrap_or(false);
    features.push(feature(
        "jvmci",
        jvmci,
        "installing shared code needs -XX:+UnlockExperimentalVMOptions -XX:+EnableJVMCI",
    ));

    let mut problems = Vec::new();
    if compat.is_none() {
        problems.push("the compat key cannot be computed (see the features above)".to_string());
    }
    if let Some(k) = &compat {
        if !["G1", "Parallel", "Serial"].contains(&k.gc.as_str()) {
            problems.push(format!("JVMCI code installation needs Serial, Parallel or G1, not {}", k.gc));
        }
    }
    if !compile_events {
        problems.push("this JVM does not report compilations to JVMTI".to_string());
    }
    if compat.is_some() && !jvmci {
        problems.push(
            "cannot install shared code without -XX:+UnlockExperimentalVMOptions -XX:+EnableJVMCI \
             (observing works)"
                .to_string(),
        );
    }
    let vm_name = prop("java.vm.name");
    DoctorReport {
        agent_version: env!("CARGO_PKG_VERSION").to_string(),
        java_home: prop("java.home"),
        vm_name,
        compat,
        features,
        problems,
    }
}
