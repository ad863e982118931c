//! Facts about this JVM that decide whether machine code compiled in another replica can run
//! here: the exact libjvm build, heap encodings, object alignment, GC, CPU features and the flags
//! that change generated code. The lead turns a [`VmFacts`] into the compat key.

use std::collections::BTreeMap;

use super::bytes::{u16_at, u32_at, u64_at};
use super::error::ShimError;
use super::flags::FlagValue;
use super::layout::VmFactsLayout;
use super::native::{lookup_symbol, object_containing, VmMemory};

/// VM flags whose values change what C2 emits (instruction selection, barriers, encodings,
/// profile shapes). Their values go into the compat key verbatim.
pub const CODE_SHAPING_FLAGS: &[&str] = &[
    "UseCompressedOops",
    "UseCompressedClassPointers",
    "ObjectAlignmentInBytes",
    "UseSerialGC",
    "UseParallelGC",
    "UseG1GC",
    "UseZGC",
    "UseShenandoahGC",
    "UseEpsilonGC",
    "G1HeapRegionSize",
    "UseCondCardMark",
    "UseTLAB",
    "UseBiasedLocking",
    "UseRTMLocking",
    "UseAVX",
    "UseSSE",
    "MaxVectorSize",
    "UseFMA",
    "UseBMI1Instructions",
    "UseBMI2Instructions",
    "UseCountLeadingZerosInstruction",
    "UseCountTrailingZerosInstruction",
    "UsePopCountInstruction",
    "UseAES",
    "UseAESIntrinsics",
    "UseSHA",
    "UseCRC32Intrinsics",
    "UseCRC32CIntrinsics",
    "UseFastStosb",
    "UseXMMForArrayCopy",
    "UseUnalignedLoadStores",
    "CompactStrings",
    "EnableJVMCI",
    "UseJVMCICompiler",
    "TieredCompilation",
    "TypeProfileWidth",
    "BciProfileWidth",
    "SegmentedCodeCache",
];

/// How narrow oops are decoded (HotSpot's `CompressedOops::Mode`, derived from base and shift as
/// `CompressedOops::mode()` does).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NarrowOopMode {
    /// `-XX:-UseCompressedOops`.
    Off,
    /// base 0, shift 0: heap below 4 GiB.
    Unscaled,
    /// base 0, shift > 0: heap below 32 GiB (with 8-byte alignment).
    ZeroBased,
    /// Non-zero base held in r12 on x86-64; the base itself varies from run to run.
    HeapBased,
}

impl NarrowOopMode {
    pub fn from_parts(enabled: bool, base: u64, shift: u32) -> Self {
        match (enabled, base, shift) {
            (false, _, _) => NarrowOopMode::Off,
            (true, 0, 0) => NarrowOopMode::Unscaled,
            (true, 0, _) => NarrowOopMode::ZeroBased,
            (true, _, _) => NarrowOopMode::HeapBased,
        }
    }
}

/// Everything the compat key is made of, as plain data.
#[derive(Debug, Clone, PartialEq)]
pub struct VmFacts {
    pub libjvm_path: Option<String>,
    /// The GNU build-id note of the loaded libjvm.so, lower-case hex.
    pub libjvm_build_id: Option<String>,
    /// `Abstract_VM_Version::_s_vm_release` (e.g. `17.0.13+11-Debian-2`).
    pub vm_release: Option<String>,
    pub vm_info: Option<String>,
    pub narrow_oop_mode: NarrowOopMode,
    pub narrow_oop_base: u64,
    pub narrow_oop_shift: u32,
    pub compressed_class_pointers: bool,
    pub narrow_klass_base: u64,
    pub narrow_klass_shift: u32,
    pub object_alignment_in_bytes: Option<i64>,
    /// The collector in use: "G1", "Parallel", "Serial", "Z", "Shenandoah", "Epsilon".
    pub gc: Option<&'static str>,
    /// `Abstract_VM_Version::_features`: the CPU feature bits the JIT may use.
    pub cpu_features: u64,
    /// `Abstract_VM_Version::_features_string` (e.g. `"(8 cores per cpu, ...) cx8, cmov, ..."`).
    pub cpu_features_string: Option<String>,
    pub jvmci_enabled: Option<bool>,
    pub use_jvmci_compiler: Option<bool>,
    /// The [`CODE_SHAPING_FLAGS`] present in this VM, name → value as text.
    pub code_flags: BTreeMap<String, String>,
}

/// Collector names by the `Use*GC` flag that selects them.
const GC_FLAGS: &[(&str, &str)] = &[
    ("UseG1GC", "G1"),
    ("UseParallelGC", "Parallel"),
    ("UseSerialGC", "Serial"),
    ("UseZGC", "Z"),
    ("UseShenandoahGC", "Shenandoah"),
    ("UseEpsilonGC", "Epsilon"),
];

/// Gathers the facts. `flags` is the flag table read at start-up.
pub fn read_vm_facts(mem: &VmMemory, layout: &VmFactsLayout, flags: &std::collections::HashMap<String, FlagValue>) -> Result<VmFacts, ShimError> {
    let flag_bool = |n: &str| flags.get(n).and_then(FlagValue::as_bool);
    let opt_string = |addr: Option<u64>, what| -> Option<String> {
        let p = mem.read_u64(addr?, what).ok()?;
        (p != 0).then(|| mem.read_c_string(p, 4096, what).ok()).flatten()
    };
    let narrow_oop_base = mem.read_u64(layout.narrow_oop_base, "CompressedOops::_narrow_oop._base")?;
    let narrow_oop_shift = mem.read_u32(layout.narrow_oop_shift, "CompressedOops::_narrow_oop._shift")?;
    let compressed_oops = flag_bool("UseCompressedOops").unwrap_or(false);
    let (path, build_id) = libjvm_identity(mem);
    Ok(VmFacts {
        libjvm_path: path,
        libjvm_build_id: build_id,
        vm_release: opt_string(layout.vm_release, "Abstract_VM_Version::_s_vm_release"),
        vm_info: opt_string(layout.vm_info_string, "Abstract_VM_Version::_s_internal_vm_info_string"),
        narrow_oop_mode: NarrowOopMode::from_parts(compressed_oops, narrow_oop_base, narrow_oop_shift),
        narrow_oop_base,
        narrow_oop_shift,
        compressed_class_pointers: flag_bool("UseCompressedClassPointers").unwrap_or(false),
        narrow_klass_base: mem.read_u64(layout.narrow_klass_base, "CompressedKlassPointers::_narrow_klass._base")?,
        narrow_klass_shift: mem.read_u32(layout.narrow_klass_shift, "CompressedKlassPointers::_narrow_klass._shift")?,
        object_alignment_in_bytes: flags.get("ObjectAlignmentInBytes").and_then(FlagValue::as_i64),
        gc: GC_FLAGS.iter().find(|(f, _)| flag_bool(f) == Some(true)).map(|(_, name)| *name),
        cpu_features: mem.read_u64(layout.cpu_features, "Abstract_VM_Version::_features")?,
        cpu_features_string: opt_string(Some(layout.cpu_features_string), "Abstract_VM_Version::_features_string"),
        jvmci_enabled: flag_bool("EnableJVMCI"),
        use_jvmci_compiler: flag_bool("UseJVMCICompiler"),
        code_flags: CODE_SHAPING_FLAGS
            .iter()
            .filter_map(|&n| flags.get(n).map(|v| (n.to_string(), v.to_string())))
            .collect(),
    })
}

/// libjvm's path and GNU build-id, found from a symbol it exports.
fn libjvm_identity(mem: &VmMemory) -> (Option<String>, Option<String>) {
    let Some(obj) = lookup_symbol("gHotSpotVMStructs").and_then(object_containing) else {
        return (None, None);
    };
    let id = read_build_id_in_memory(mem, obj.base)
        .map_err(|e| tracing::warn!("libjvm build-id not read: {e}"))
        .ok()
        .flatten()
        .map(|id| id.iter().map(|b| format!("{b:02x}")).collect());
    (Some(obj.path), id)
}

const PT_NOTE: u32 = 4;
const NT_GNU_BUILD_ID: u32 = 3;
const MAX_NOTES: u64 = 64 * 1024;

/// A program header's type, address and size (ELF64).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProgramHeader {
    pub p_type: u32,
    pub vaddr: u64,
    pub memsz: u64,
}

/// Parses the ELF64 file header: program-header table offset, entry size and count.
pub fn parse_elf_header(h: &[u8]) -> Result<(u64, u16, u16), ShimError> {
    let bad = |reason| ShimError::BadElf { what: "libjvm ELF header".into(), reason };
    if h.get(..4) != Some(b"\x7fELF") {
        return Err(bad("no ELF magic"));
    }
    if h.get(4) != Some(&2) {
        return Err(bad("not ELF64"));
    }
    let phoff = u64_at(h, 0x20).ok_or_else(|| bad("truncated"))?;
    let phentsize = u16_at(h, 0x36).ok_or_else(|| bad("truncated"))?;
    let phnum = u16_at(h, 0x38).ok_or_else(|| bad("truncated"))?;
    if phentsize < 56 {
        return Err(bad("program header entries too small"));
    }
    Ok((phoff, phentsize, phnum))
}

/// Parses one ELF64 program header.
pub fn parse_program_header(ph: &[u8]) -> Option<ProgramHeader> {
    Some(ProgramHeader { p_type: u32_at(ph, 0)?, vaddr: u64_at(ph, 0x10)?, memsz: u64_at(ph, 0x28)? })
}

/// Finds the `NT_GNU_BUILD_ID` descriptor in a PT_NOTE segment's bytes.
pub fn find_gnu_build_id(notes: &[u8]) -> Option<Vec<u8>> {
    let align4 = |n: usize| n.checked_add(3).map(|v| v & !3);
    let mut pos = 0usize;
    while pos + 12 <= notes.len() {
        let namesz = u32_at(notes, pos)? as usize;
        let descsz = u32_at(notes, pos + 4)? as usize;
        let ntype = u32_at(notes, pos + 8)?;
        let name_start = pos + 12;
        let desc_start = name_start.checked_add(align4(namesz)?)?;
        let desc_end = desc_start.checked_add(descsz)?;
        let name = notes.get(name_start..name_start.checked_add(namesz)?)?;
        if ntype == NT_GNU_BUILD_ID && name == b"GNU\0" {
            return notes.get(desc_start..desc_end).map(<[u8]>::to_vec);
        }
        pos = desc_start.checked_add(align4(descsz)?)?;
    }
    None
}

/// Reads the build-id from the loaded image at `base` (the ELF header is mapped there and
/// PT_NOTE segments are mapped at `base + p_vaddr` for a shared object).
pub fn read_build_id_in_memory(mem: &VmMemory, base: u64) -> Result<Option<Vec<u8>>, ShimError> {
    let header = mem.read(base, 64, "libjvm ELF header")?;
    let (phoff, phentsize, phnum) = parse_elf_header(&header)?;
    let table = mem.read(base + phoff, usize::from(phentsize) * usize::from(phnum), "libjvm program headers")?;
    for i in 0..usize::from(phnum) {
        let Some(ph) = table.get(i * usize::from(phentsize)..).and_then(parse_program_header) else { continue };
        if ph.p_type != PT_NOTE || ph.memsz == 0 || ph.memsz > MAX_NOTES {
            continue;
        }
        let notes = mem.read(base + ph.vaddr, ph.memsz as usize, "libjvm PT_NOTE")?;
        if let Some(id) = find_gnu_build_id(&notes) {
            return Ok(Some(id));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note(name: &[u8], ty: u32, desc: &[u8]) -> Vec<u8> {
        let mut v = Vec::new();
        v.extend_from_slice(&(name.len() as u32).to_ne_bytes());
        v.extend_from_slice(&(desc.len() as u32).to_ne_bytes());
        v.extend_from_slice(&ty.to_ne_bytes());
        v.extend_from_slice(name);
        while v.len() % 4 != 0 {
            v.push(0);
        }
        v.extend_from_slice(desc);
        while v.len() % 4 != 0 {
            v.push(0);
        }
        v
    }

    #[test]
    fn finds_build_id_after_other_notes() {
        let mut notes = note(b"GNU\0", 1, &[0; 16]); // NT_GNU_ABI_TAG
        notes.extend(note(b"stapsdt\0", 3, &[1, 2, 3])); // type 3 but not GNU
        notes.extend(note(b"GNU\0", NT_GNU_BUILD_ID, &[0xde, 0xad, 0xbe, 0xef, 0x01]));
        assert_eq!(find_gnu_build_id(&notes), Some(vec![0xde, 0xad, 0xbe, 0xef, 0x01]));
        assert_eq!(find_gnu_build_id(&notes[..notes.len() - 4]), None);
        assert_eq!(find_gnu_build_id(&[]), None);
    }

    #[test]
    fn derives_oop_mode_like_hotspot() {
        assert_eq!(NarrowOopMode::from_parts(false, 0, 3), NarrowOopMode::Off);
        assert_eq!(NarrowOopMode::from_parts(true, 0, 0), NarrowOopMode::Unscaled);
        assert_eq!(NarrowOopMode::from_parts(true, 0, 3), NarrowOopMode::ZeroBased);
        assert_eq!(NarrowOopMode::from_parts(true, 0x8_0000_0000, 3), NarrowOopMode::HeapBased);
    }

    #[test]
    fn reads_our_own_build_id() {
        // The test binary's libc carries a build-id; prove the in-memory path works end to end.
        let mem = VmMemory::new();
        let Some(obj) = lookup_symbol("malloc").and_then(object_containing) else { return };
        let id = read_build_id_in_memory(&mem, obj.base).expect("ELF readable");
        if let Some(id) = id {
            assert!(id.len() >= 16, "build-id too short");
        }
    }

    #[test]
    fn rejects_non_elf() {
        assert!(parse_elf_header(&[0u8; 64]).is_err());
    }
}
