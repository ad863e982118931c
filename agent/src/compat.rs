//! This JVM's compat key, from the shim's VM facts and the JVM's own properties.

use crate::lifecycle::Agent;
use crate::shim::{NarrowOopMode, VmFacts};
use jitfleet_transport::compat::CompatKey;

/// Computes the key once the VM is live; `None` (with one log line) when the facts cannot
/// be read, which switches off everything that moves code.
pub fn compute(agent: &Agent) -> Option<CompatKey> {
    let shim = agent.shim.as_ref()?;
    let facts = match shim.vm_facts() {
        Ok(f) => f,
        Err(e) => {
            tracing::warn!("compat key unavailable ({e}): code sharing is off");
            return None;
        }
    };
    let vm_version = agent
        .jvmti
        .system_property("java.vm.version")
        .ok()
        .or_else(|| facts.vm_release.clone())
        .unwrap_or_default();
    match from_facts(&facts, vm_version) {
        Ok(key) => Some(key),
        Err(missing) => {
            tracing::warn!("compat key unavailable ({missing} unknown): code sharing is off");
            None
        }
    }
}

/// The key from the facts; errs naming the first fact that is missing. Every field must be
/// known: a key with a hole could match a JVM it should not.
pub fn from_facts(facts: &VmFacts, vm_version: String) -> Result<CompatKey, &'static str> {
    let build_id = facts.libjvm_build_id.clone().ok_or("libjvm build id")?;
    let gc = facts.gc.ok_or("garbage collector")?;
    let alignment = facts.object_alignment_in_bytes.ok_or("ObjectAlignmentInBytes")?;
    let jvmci = facts.jvmci_enabled.ok_or("EnableJVMCI")?;
    if vm_version.is_empty() {
        return Err("java.vm.version");
    }
    Ok(CompatKey {
        libjvm_build_id: build_id,
        vm_version,
        gc: gc.to_string(),
        compressed_oops: facts.narrow_oop_mode != NarrowOopMode::Off,
        narrow_oop_mode: format!("{:?}", facts.narrow_oop_mode),
        // With a heap base, C2 code decodes through r12 and never embeds the base, which moves
        // from run to run; only the mode and the shift shape the code then.
        narrow_oop_base: if facts.narrow_oop_mode == NarrowOopMode::HeapBased { 0 } else { facts.narrow_oop_base },
        narrow_oop_shift: facts.narrow_oop_shift,
        compressed_class_pointers: facts.compressed_class_pointers,
        narrow_klass_base_is_zero: facts.narrow_klass_base == 0,
        narrow_klass_shift: facts.narrow_klass_shift,
        object_alignment: alignment as u32,
        cpu_features: match &facts.cpu_features_string {
            Some(s) => features_list(s),
            None => format!("{:#x}", facts.cpu_features),
        },
        jvmci_enabled: jvmci,
        code_flags: facts.code_flags.clone(),
    })
}

/// HotSpot's feature string starts with a machine description (`(2 cores per cpu, 1 threads
/// per core) family 6 model 85 stepping 7 microcode 0x1,`) that differs between CPUs
/// offering the same features; keep only the feature names after it.
fn features_list(s: &str) -> String {
    let tail = match s.rfind(')') {
        Some(i) => &s[i + 1..],
        None => s,
    };
    tail.split(',')
        .map(str::trim)
        .filter(|f| !f.is_empty() && !f.starts_with("family") && !f.contains("microcode"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::features_list;

    #[test]
    fn machine_description_is_dropped_from_the_feature_list() {
        let s = "(2 cores per cpu, 1 threads per core) family 6 model 85 stepping 7 microcode 0x1, cmov, cx8, avx2";
        assert_eq!(features_list(s), "cmov, cx8, avx2");
        assert_eq!(features_list("cmov, cx8"), "cmov, cx8");
    }
}
