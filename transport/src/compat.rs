//! The compat key: everything about a JVM that changes the shape of the machine code C2 emits.
//!
//! Code moves only between JVMs whose keys are equal (design.md, "Same build, same code
//! shape"). The key is plain data so that the agent, the server and the `jitfleet` command
//! agree on it; its [`CompatKey::digest`] names a fleet.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// What makes two JVMs able to run each other's compiled code.
///
/// Every field is compared; none is "close enough". Values are kept as HotSpot reports them
/// so that a mismatch can be shown to a person field by field ([`CompatKey::differences`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompatKey {
    /// Hex of libjvm.so's GNU build-id note: the exact binary that will run the code.
    pub libjvm_build_id: String,
    /// `java.vm.version`, e.g. `17.0.15+6-Debian-1deb12u1`.
    pub vm_version: String,
    /// The collector in use (`G1`, `Parallel`, `Serial`, ...): barriers are inlined in C2 code.
    pub gc: String,
    /// `UseCompressedOops`.
    pub compressed_oops: bool,
    /// Narrow-oop encoding mode name (`Unscaled`, `ZeroBased`, `DisjointBase`, `HeapBased`).
    pub narrow_oop_mode: String,
    pub narrow_oop_base: u64,
    pub narrow_oop_shift: u32,
    /// `UseCompressedClassPointers`.
    pub compressed_class_pointers: bool,
    /// Whether narrow class pointers decode without a base. The base itself is not part of
    /// the key: HotSpot 17 maps the class space (with the CDS archive) at an address that
    /// moves from run to run, so code that embeds it must have it relocated like any other
    /// VM address (a symbol, resolved in the receiver), not matched.
    pub narrow_klass_base_is_zero: bool,
    pub narrow_klass_shift: u32,
    /// `ObjectAlignmentInBytes`.
    pub object_alignment: u32,
    /// The CPU feature string HotSpot detected (and C2 may use), e.g. `cx8, cmov, ... avx2`.
    pub cpu_features: String,
    /// `EnableJVMCI`: installation through JVMCI needs it on the receiving side.
    pub jvmci_enabled: bool,
    /// Other VM flags that change generated code, by name (e.g. `UseAVX=2`).
    pub code_flags: BTreeMap<String, String>,
}

impl CompatKey {
    /// A 256-bit digest over the canonical encoding: equal keys, equal digests.
    pub fn digest(&self) -> [u8; 32] {
        // bincode of a struct with a BTreeMap is canonical (fixed field order, sorted map).
        let bytes = bincode::serialize(self).expect("CompatKey always serialises");
        *blake3::hash(&bytes).as_bytes()
    }

    /// The digest as 16 hex digits, short enough for logs and file names.
    pub fn short_id(&self) -> String {
        hex(&self.digest()[..8])
    }

    /// The names of the fields that differ, with both values, for a person to read.
    pub fn differences(&self, other: &CompatKey) -> Vec<String> {
        let mut out = Vec::new();
        macro_rules! cmp {
            ($($f:ident),*) => {$(
                if self.$f != other.$f {
                    out.push(format!("{}: {:?} vs {:?}", stringify!($f), self.$f, other.$f));
                }
            )*};
        }
        cmp!(
            libjvm_build_id,
            vm_version,
            gc,
            compressed_oops,
            narrow_oop_mode,
            narrow_oop_base,
            narrow_oop_shift,
            compressed_class_pointers,
            narrow_klass_base_is_zero,
            narrow_klass_shift,
            object_alignment,
            cpu_features,
            jvmci_enabled
        );
        let names: std::collections::BTreeSet<&String> =
            self.code_flags.keys().chain(other.code_flags.keys()).collect();
        for name in names {
            let (a, b) = (self.code_flags.get(name), other.code_flags.get(name));
            if a != b {
                out.push(format!("flag {name}: {a:?} vs {b:?}"));
            }
        }
        out
    }
}

impl fmt::Display for CompatKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "compat key {}", self.short_id())?;
        writeln!(f, "  libjvm build id     {}", self.libjvm_build_id)?;
        writeln!(f, "  vm version          {}", self.vm_version)?;
        writeln!(f, "  gc                  {}", self.gc)?;
        writeln!(
            f,
            "  compressed oops     {} (mode {}, base {:#x}, shift {})",
            self.compressed_oops, self.narrow_oop_mode, self.narrow_oop_base, self.narrow_oop_shift
        )?;
        writeln!(
            f,
            "  compressed classes  {} ({} base, shift {})",
            self.compressed_class_pointers,
            if self.narrow_klass_base_is_zero { "zero" } else { "non-zero" },
            self.narrow_klass_shift
        )?;
        writeln!(f, "  object alignment    {}", self.object_alignment)?;
        writeln!(f, "  cpu features        {}", self.cpu_features)?;
        writeln!(f, "  jvmci enabled       {}", self.jvmci_enabled)?;
        for (k, v) in &self.code_flags {
            writeln!(f, "  flag                {k}={v}")?;
        }
        Ok(())
    }
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> CompatKey {
        crate::wire::samples::compat_key()
    }

    #[test]
    fn equal_keys_have_equal_digests_and_no_differences() {
        assert_eq!(sample().digest(), sample().digest());
        assert!(sample().differences(&sample()).is_empty());
    }

    #[test]
    fn any_field_change_changes_the_digest_and_is_named() {
        let mut other = sample();
        other.compressed_oops = false;
        assert_ne!(sample().digest(), other.digest());
        let diff = sample().differences(&other);
        assert_eq!(diff.len(), 1);
        assert!(diff[0].starts_with("compressed_oops"), "{diff:?}");

        let mut other = sample();
        other.code_flags.insert("UseAVX".into(), "3".into());
        assert_ne!(sample().short_id(), other.short_id());
        assert!(sample().differences(&other)[0].contains("UseAVX"));
    }
}
