//! The typed view of the registry: for each shim feature, the offsets and constants it needs.
//!
//! A feature's layout is built from the registry as a whole or not at all: the first missing
//! entry turns the feature off, and [`VmLayout::from_registry`] logs ONE line naming it. Nothing
//! here assumes an offset that the VM did not publish, except where a doc comment names the
//! HotSpot version and the reason (the MethodData counters, which 17 does not export).

use tracing::{info, warn};

use super::error::ShimError;
use super::registry::VmRegistry;

/// Looks entries up and remembers the first one that was missing.
struct Need<'a> {
    reg: &'a VmRegistry,
}

type Need_<T> = Result<T, &'static str>;

impl<'a> Need<'a> {
    fn field(&self, key: &'static str) -> Need_<u64> {
        self.reg.field_offset(key).ok_or(key)
    }
    fn static_addr(&self, key: &'static str) -> Need_<u64> {
        self.reg.static_address(key).ok_or(key)
    }
    fn size(&self, name: &'static str) -> Need_<u64> {
        self.reg.type_size(name).ok_or(name)
    }
    fn constant(&self, name: &'static str) -> Need_<i64> {
        self.reg.constant(name).ok_or(name)
    }
}

/// `Method`, `ConstMethod`, `Klass::_name` and `Symbol`: enough to go from a `Method*` to its
/// code size, counters, MethodData and holder class name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MethodLayout {
    pub method_size: u64,
    pub method_const_method: u64,
    pub method_method_data: u64,
    pub method_method_counters: u64,
    pub method_code: u64,
    pub const_method_size: u64,
    pub const_method_constants: u64,
    pub const_method_code_size: u64,
    pub const_method_max_stack: u64,
    pub const_method_max_locals: u64,
    pub const_method_size_of_parameters: u64,
    pub const_method_name_index: u64,
    pub const_method_signature_index: u64,
    pub const_method_method_idnum: u64,
    /// `sizeof(ConstantPool)`: the constant-pool slots start right after the header.
    pub constant_pool_size: u64,
    pub constant_pool_length: u64,
    pub constant_pool_pool_holder: u64,
    pub klass_name: u64,
    pub symbol_length: u64,
    pub symbol_body: u64,
}

impl MethodLayout {
    fn build(n: &Need) -> Need_<Self> {
        Ok(Self {
            method_size: n.size("Method")?,
            method_const_method: n.field("Method::_constMethod")?,
            method_method_data: n.field("Method::_method_data")?,
            method_method_counters: n.field("Method::_method_counters")?,
            method_code: n.field("Method::_code")?,
            const_method_size: n.size("ConstMethod")?,
            const_method_constants: n.field("ConstMethod::_constants")?,
            const_method_code_size: n.field("ConstMethod::_code_size")?,
            const_method_max_stack: n.field("ConstMethod::_max_stack")?,
            const_method_max_locals: n.field("ConstMethod::_max_locals")?,
            const_method_size_of_parameters: n.field("ConstMethod::_size_of_parameters")?,
            const_method_name_index: n.field("ConstMethod::_name_index")?,
            const_method_signature_index: n.field("ConstMethod::_signature_index")?,
            const_method_method_idnum: n.field("ConstMethod::_method_idnum")?,
            constant_pool_size: n.size("ConstantPool")?,
            constant_pool_length: n.field("ConstantPool::_length")?,
            constant_pool_pool_holder: n.field("ConstantPool::_pool_holder")?,
            klass_name: n.field("Klass::_name")?,
            symbol_length: n.field("Symbol::_length")?,
            symbol_body: n.field("Symbol::_body[0]")?,
        })
    }
}

/// `MethodCounters` and `InvocationCounter`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountersLayout {
    pub method_counters_size: u64,
    pub invocation_counter: u64,
    pub backedge_counter: u64,
    /// Offset of `_counter` inside an `InvocationCounter` (0 in 17).
    pub counter_word: u64,
    pub nmethod_age: Option<u64>,
    pub interpreter_throwout_count: Option<u64>,
    pub invoke_mask: Option<u64>,
    pub backedge_mask: Option<u64>,
    /// Bits below the count in the counter word. Published only in the JVMCI table in 17
    /// (`InvocationCounter::count_shift`); its value there is `number_of_carry_bits == 1`
    /// (`interpreter/invocationCounter.hpp`), which we use when the constant is absent.
    pub count_shift: u32,
}

impl CountersLayout {
    fn build(n: &Need) -> Need_<Self> {
        Ok(Self {
            method_counters_size: n.size("MethodCounters")?,
            invocation_counter: n.field("MethodCounters::_invocation_counter")?,
            backedge_counter: n.field("MethodCounters::_backedge_counter")?,
            counter_word: n.field("InvocationCounter::_counter")?,
            nmethod_age: n.field("MethodCounters::_nmethod_age").ok(),
            interpreter_throwout_count: n.field("MethodCounters::_interpreter_throwout_count").ok(),
            invoke_mask: n.field("MethodCounters::_invoke_mask").ok(),
            backedge_mask: n.field("MethodCounters::_backedge_mask").ok(),
            count_shift: n.constant("InvocationCounter::count_shift").map(|v| v as u32).unwrap_or(1),
        })
    }
}

/// The `DataLayout` tag numbers, read from the int constants so a renumbering in another
/// release is noticed instead of misdecoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataLayoutTags {
    pub no_tag: u8,
    pub bit_data: u8,
    pub counter_data: u8,
    pub jump_data: u8,
    pub receiver_type_data: u8,
    pub virtual_call_data: u8,
    pub ret_data: u8,
    pub branch_data: u8,
    pub multi_branch_data: u8,
    pub arg_info_data: u8,
    pub call_type_data: u8,
    pub virtual_call_type_data: u8,
    pub parameters_type_data: u8,
    pub speculative_trap_data: u8,
}

/// `MethodData` and `DataLayout`, plus the profile widths (VM flags) that size the records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MdoLayout {
    pub mdo_size: u64,
    pub mdo_method: u64,
    pub mdo_data_size: u64,
    pub mdo_data: u64,
    pub mdo_parameters_type_data_di: u64,
    pub mdo_decompiles: Option<u64>,
    pub mdo_overflow_recompiles: Option<u64>,
    pub mdo_overflow_traps: Option<u64>,
    /// `MethodData::_invocation_counter` / `_backedge_counter` are NOT in 17's vmStructs. In 17
    /// (`oops/methodData.hpp`) they follow `_arg_returned` (intx) and `_creation_mileage` (int):
    /// `_invocation_counter = _arg_returned + 12`, `_backedge_counter = +16`, then the two
    /// `*_start` ints, then `_tenure_traps = _arg_returned + 28`. We derive them only when the
    /// exported `_tenure_traps` sits exactly there, which confirms the declaration order.
    pub mdo_invocation_counter: Option<u64>,
    pub mdo_backedge_counter: Option<u64>,
    pub header_tag: u64,
    pub header_flags: u64,
    pub header_bci: u64,
    pub header_traps: u64,
    pub cells: u64,
    pub cell_size: u64,
    pub tags: DataLayoutTags,
    /// Whether libjvm was built with JVMCI: ReceiverTypeData then has an extra
    /// `nonprofiled_count` cell before the rows (`JVMCI_ONLY(+ 1)` in methodData.hpp).
    pub jvmci_build: bool,
    pub type_profile_width: u32,
    pub bci_profile_width: u32,
}

impl MdoLayout {
    fn build(n: &Need, flags: &ProfileWidths) -> Need_<Self> {
        let tag = |name: &'static str| -> Need_<u8> { n.constant(name).map(|v| v as u8) };
        let arg_returned = n.field("MethodData::_arg_returned").ok();
        let tenure_traps = n.field("MethodData::_tenure_traps").ok();
        let counters_confirmed = matches!((arg_returned, tenure_traps), (Some(a), Some(t)) if t == a + 28);
        Ok(Self {
            mdo_size: n.field("MethodData::_size")?,
            mdo_method: n.field("MethodData::_method")?,
            mdo_data_size: n.field("MethodData::_data_size")?,
            mdo_data: n.field("MethodData::_data[0]")?,
            mdo_parameters_type_data_di: n.field("MethodData::_parameters_type_data_di")?,
            mdo_decompiles: n.field("MethodData::_compiler_counters._nof_decompiles").ok(),
            mdo_overflow_recompiles: n.field("MethodData::_compiler_counters._nof_overflow_recompiles").ok(),
            mdo_overflow_traps: n.field("MethodData::_compiler_counters._nof_overflow_traps").ok(),
            mdo_invocation_counter: counters_confirmed.then(|| arg_returned.unwrap_or(0) + 12),
            mdo_backedge_counter: counters_confirmed.then(|| arg_returned.unwrap_or(0) + 16),
            header_tag: n.field("DataLayout::_header._struct._tag")?,
            header_flags: n.field("DataLayout::_header._struct._flags")?,
            header_bci: n.field("DataLayout::_header._struct._bci")?,
            header_traps: n.field("DataLayout::_header._struct._traps")?,
            cells: n.field("DataLayout::_cells[0]")?,
            cell_size: n.constant("DataLayout::cell_size")? as u64,
            tags: DataLayoutTags {
                no_tag: tag("DataLayout::no_tag")?,
                bit_data: tag("DataLayout::bit_data_tag")?,
                counter_data: tag("DataLayout::counter_data_tag")?,
                jump_data: tag("DataLayout::jump_data_tag")?,
                receiver_type_data: tag("DataLayout::receiver_type_data_tag")?,
                virtual_call_data: tag("DataLayout::virtual_call_data_tag")?,
                ret_data: tag("DataLayout::ret_data_tag")?,
                branch_data: tag("DataLayout::branch_data_tag")?,
                multi_branch_data: tag("DataLayout::multi_branch_data_tag")?,
                arg_info_data: tag("DataLayout::arg_info_data_tag")?,
                call_type_data: tag("DataLayout::call_type_data_tag")?,
                virtual_call_type_data: tag("DataLayout::virtual_call_type_data_tag")?,
                parameters_type_data: tag("DataLayout::parameters_type_data_tag")?,
                speculative_trap_data: tag("DataLayout::speculative_trap_data_tag")?,
            },
            jvmci_build: n.constant("INCLUDE_JVMCI")? != 0,
            type_profile_width: flags.type_profile_width.ok_or("flag TypeProfileWidth")?,
            bci_profile_width: flags.bci_profile_width.ok_or("flag BciProfileWidth")?,
        })
    }
}

/// The two VM flags that size MethodData records; read from the flag table before the layout.
#[derive(Debug, Clone, Default)]
pub struct ProfileWidths {
    pub type_profile_width: Option<u32>,
    pub bci_profile_width: Option<u32>,
}

/// The `JVMFlag` table: where each VM flag's name, type and value live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlagsLayout {
    /// Address of the static `JVMFlag::flags` (a `JVMFlag*`).
    pub flags_array: u64,
    /// Address of the static `JVMFlag::numFlags` (a `size_t`).
    pub num_flags: u64,
    pub flag_size: u64,
    pub name: u64,
    pub addr: u64,
    pub ty: u64,
}

impl FlagsLayout {
    fn build(n: &Need) -> Need_<Self> {
        Ok(Self {
            flags_array: n.static_addr("JVMFlag::flags")?,
            num_flags: n.static_addr("JVMFlag::numFlags")?,
            flag_size: n.size("JVMFlag")?,
            name: n.field("JVMFlag::_name")?,
            addr: n.field("JVMFlag::_addr")?,
            ty: n.field("JVMFlag::_type")?,
        })
    }
}

/// Statics describing the heap encoding and the CPU, for the compat key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VmFactsLayout {
    pub narrow_oop_base: u64,
    pub narrow_oop_shift: u64,
    pub narrow_klass_base: u64,
    pub narrow_klass_shift: u64,
    pub cpu_features: u64,
    pub cpu_features_string: u64,
    pub vm_release: Option<u64>,
    pub vm_info_string: Option<u64>,
}

impl VmFactsLayout {
    fn build(n: &Need) -> Need_<Self> {
        Ok(Self {
            narrow_oop_base: n.static_addr("CompressedOops::_narrow_oop._base")?,
            narrow_oop_shift: n.static_addr("CompressedOops::_narrow_oop._shift")?,
            narrow_klass_base: n.static_addr("CompressedKlassPointers::_narrow_klass._base")?,
            narrow_klass_shift: n.static_addr("CompressedKlassPointers::_narrow_klass._shift")?,
            cpu_features: n.static_addr("Abstract_VM_Version::_features")?,
            cpu_features_string: n.static_addr("Abstract_VM_Version::_features_string")?,
            vm_release: n.static_addr("Abstract_VM_Version::_s_vm_release").ok(),
            vm_info_string: n.static_addr("Abstract_VM_Version::_s_internal_vm_info_string").ok(),
        })
    }
}

/// nmethod section bounds for the capture work (design notes §1). Looked up now so that a JVM
/// lacking one of them reports "capture off" at start-up, with the name of the missing entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NmethodLayout {
    pub blob_name: u64,
    pub blob_size: u64,
    pub blob_header_size: u64,
    pub blob_frame_complete_offset: u64,
    pub blob_data_offset: u64,
    pub blob_frame_size: u64,
    pub blob_oop_maps: u64,
    pub blob_code_begin: u64,
    pub blob_code_end: u64,
    pub blob_content_begin: u64,
    pub blob_data_end: u64,
    pub compiled_method: u64,
    pub compiled_scopes_data_begin: u64,
    pub compiled_deopt_handler_begin: u64,
    pub compiled_deopt_mh_handler_begin: u64,
    pub nm_entry_bci: u64,
    pub nm_state: u64,
    pub nm_exception_offset: u64,
    pub nm_orig_pc_offset: u64,
    pub nm_stub_offset: u64,
    pub nm_consts_offset: u64,
    pub nm_oops_offset: u64,
    pub nm_metadata_offset: u64,
    pub nm_scopes_pcs_offset: u64,
    pub nm_dependencies_offset: u64,
    pub nm_handler_table_offset: u64,
    pub nm_nul_chk_table_offset: u64,
    pub nm_nmethod_end_offset: u64,
    pub nm_entry_point: u64,
    pub nm_verified_entry_point: u64,
    pub nm_osr_entry_point: u64,
    pub nm_compile_id: u64,
    pub nm_comp_level: u64,
    pub nmethod_size: u64,
}

impl NmethodLayout {
    fn build(n: &Need) -> Need_<Self> {
        Ok(Self {
            blob_name: n.field("CodeBlob::_name")?,
            blob_size: n.field("CodeBlob::_size")?,
            blob_header_size: n.field("CodeBlob::_header_size")?,
            blob_frame_complete_offset: n.field("CodeBlob::_frame_complete_offset")?,
            blob_data_offset: n.field("CodeBlob::_data_offset")?,
            blob_frame_size: n.field("CodeBlob::_frame_size")?,
            blob_oop_maps: n.field("CodeBlob::_oop_maps")?,
            blob_code_begin: n.field("CodeBlob::_code_begin")?,
            blob_code_end: n.field("CodeBlob::_code_end")?,
            blob_content_begin: n.field("CodeBlob::_content_begin")?,
            blob_data_end: n.field("CodeBlob::_data_end")?,
            compiled_method: n.field("CompiledMethod::_method")?,
            compiled_scopes_data_begin: n.field("CompiledMethod::_scopes_data_begin")?,
            compiled_deopt_handler_begin: n.field("CompiledMethod::_deopt_handler_begin")?,
            compiled_deopt_mh_handler_begin: n.field("CompiledMethod::_deopt_mh_handler_begin")?,
            nm_entry_bci: n.field("nmethod::_entry_bci")?,
            nm_state: n.field("nmethod::_state")?,
            nm_exception_offset: n.field("nmethod::_exception_offset")?,
            nm_orig_pc_offset: n.field("nmethod::_orig_pc_offset")?,
            nm_stub_offset: n.field("nmethod::_stub_offset")?,
            nm_consts_offset: n.field("nmethod::_consts_offset")?,
            nm_oops_offset: n.field("nmethod::_oops_offset")?,
            nm_metadata_offset: n.field("nmethod::_metadata_offset")?,
            nm_scopes_pcs_offset: n.field("nmethod::_scopes_pcs_offset")?,
            nm_dependencies_offset: n.field("nmethod::_dependencies_offset")?,
            nm_handler_table_offset: n.field("nmethod::_handler_table_offset")?,
            nm_nul_chk_table_offset: n.field("nmethod::_nul_chk_table_offset")?,
            nm_nmethod_end_offset: n.field("nmethod::_nmethod_end_offset")?,
            nm_entry_point: n.field("nmethod::_entry_point")?,
            nm_verified_entry_point: n.field("nmethod::_verified_entry_point")?,
            nm_osr_entry_point: n.field("nmethod::_osr_entry_point")?,
            nm_compile_id: n.field("nmethod::_compile_id")?,
            nm_comp_level: n.field("nmethod::_comp_level")?,
            nmethod_size: n.size("nmethod")?,
        })
    }
}

/// Every feature's layout; `None` means the feature is off (already logged).
#[derive(Debug, Clone)]
pub struct VmLayout {
    pub method: Option<MethodLayout>,
    pub counters: Option<CountersLayout>,
    pub method_data: Option<MdoLayout>,
    pub flags: Option<FlagsLayout>,
    pub vm_facts: Option<VmFactsLayout>,
    pub capture: Option<NmethodLayout>,
}

/// One feature's outcome, logged once.
fn feature<T>(name: &'static str, built: Need_<T>) -> Option<T> {
    match built {
        Ok(v) => Some(v),
        Err(missing) => {
            warn!("{}", ShimError::FeatureOff { feature: name, missing });
            None
        }
    }
}

impl VmLayout {
    /// Builds every feature's layout from the registry. `widths` are the profile-width flags
    /// (read through [`FlagsLayout`] first; see [`super::flags`]).
    pub fn from_registry(reg: &VmRegistry, widths_of: impl FnOnce(&FlagsLayout) -> ProfileWidths) -> Self {
        let n = Need { reg };
        let method = feature("method", MethodLayout::build(&n));
        let flags = feature("vm_flags", FlagsLayout::build(&n));
        let widths = flags.as_ref().map(widths_of).unwrap_or_default();
        // Counters and MethodData are reached through Method*, so they need `method` too.
        let counters = method.as_ref().and_then(|_| feature("counters", CountersLayout::build(&n)));
        let method_data = method.as_ref().and_then(|_| feature("method_data", MdoLayout::build(&n, &widths)));
        let vm_facts = feature("vm_facts", VmFactsLayout::build(&n));
        let capture = feature("capture", NmethodLayout::build(&n));
        if let Some(m) = &method_data {
            if m.mdo_invocation_counter.is_none() {
                warn!("MethodData invocation/backedge counters unavailable: MethodData::_arg_returned/_tenure_traps not where 17 puts them");
            }
        }
        info!(
            counters = counters.is_some(),
            method_data = method_data.is_some(),
            vm_facts = vm_facts.is_some(),
            capture = capture.is_some(),
            "jitfleet shim: VM layout read"
        );
        Self { method, counters, method_data, flags, vm_facts, capture }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shim::registry::{FieldEntry, TypeEntry};

    fn field(reg: &mut VmRegistry, key: &str, offset: u64) {
        reg.fields.insert(key.into(), FieldEntry { type_string: None, is_static: false, offset, address: 0 });
    }

    fn size(reg: &mut VmRegistry, name: &str, size: u64) {
        reg.types.insert(
            name.into(),
            TypeEntry { superclass: None, is_oop_type: false, is_integer_type: false, is_unsigned: false, size },
        );
    }

    /// A registry with what the `method` and `counters` features need.
    fn method_registry() -> VmRegistry {
        let mut r = VmRegistry::default();
        for (name, s) in [("Method", 88), ("ConstMethod", 48), ("ConstantPool", 72), ("MethodCounters", 64)] {
            size(&mut r, name, s);
        }
        for (i, key) in [
            "Method::_constMethod",
            "Method::_method_data",
            "Method::_method_counters",
            "Method::_code",
            "ConstMethod::_constants",
            "ConstMethod::_code_size",
            "ConstMethod::_max_stack",
            "ConstMethod::_max_locals",
            "ConstMethod::_size_of_parameters",
            "ConstMethod::_name_index",
            "ConstMethod::_signature_index",
            "ConstMethod::_method_idnum",
            "ConstantPool::_length",
            "ConstantPool::_pool_holder",
            "Klass::_name",
            "Symbol::_length",
            "Symbol::_body[0]",
            "MethodCounters::_invocation_counter",
            "MethodCounters::_backedge_counter",
            "InvocationCounter::_counter",
        ]
        .iter()
        .enumerate()
        {
            field(&mut r, key, 8 * i as u64);
        }
        r
    }

    #[test]
    fn missing_entries_switch_off_only_their_features() {
        let reg = method_registry();
        let layout = VmLayout::from_registry(&reg, |_| ProfileWidths::default());
        assert!(layout.method.is_some());
        let counters = layout.counters.expect("counters present");
        assert_eq!(counters.count_shift, 1, "17's shift is the fallback when the constant is absent");
        assert_eq!(counters.nmethod_age, None);
        assert!(layout.method_data.is_none() && layout.flags.is_none() && layout.vm_facts.is_none() && layout.capture.is_none());

        let mut reg = method_registry();
        reg.fields.remove("Method::_code");
        let layout = VmLayout::from_registry(&reg, |_| ProfileWidths::default());
        assert!(layout.method.is_none());
        assert!(layout.counters.is_none(), "counters are reached through Method*, so they go too");
    }

    #[test]
    fn mdo_counter_offsets_are_derived_only_when_confirmed() {
        let n = |reg: &VmRegistry| MdoLayout::build(&Need { reg }, &ProfileWidths { type_profile_width: Some(2), bci_profile_width: Some(2) });
        let mut reg = method_registry();
        for (i, key) in [
            "MethodData::_size",
            "MethodData::_method",
            "MethodData::_data_size",
            "MethodData::_data[0]",
            "MethodData::_parameters_type_data_di",
            "DataLayout::_header._struct._tag",
            "DataLayout::_header._struct._flags",
            "DataLayout::_header._struct._bci",
            "DataLayout::_header._struct._traps",
            "DataLayout::_cells[0]",
        ]
        .iter()
        .enumerate()
        {
            field(&mut reg, key, i as u64);
        }
        for (i, c) in ["no_tag", "bit_data_tag", "counter_data_tag", "jump_data_tag", "receiver_type_data_tag",
            "virtual_call_data_tag", "ret_data_tag", "branch_data_tag", "multi_branch_data_tag", "arg_info_data_tag",
            "call_type_data_tag", "virtual_call_type_data_tag", "parameters_type_data_tag", "speculative_trap_data_tag"]
        .iter()
        .enumerate()
        {
            reg.int_constants.insert(format!("DataLayout::{c}"), i as i64);
        }
        reg.int_constants.insert("DataLayout::cell_size".into(), 8);
        assert_eq!(n(&reg).unwrap_err(), "INCLUDE_JVMCI");
        reg.int_constants.insert("INCLUDE_JVMCI".into(), 1);
        let built = n(&reg).unwrap();
        assert_eq!((built.mdo_invocation_counter, built.jvmci_build, built.tags.speculative_trap_data), (None, true, 13));

        field(&mut reg, "MethodData::_arg_returned", 0x68);
        field(&mut reg, "MethodData::_tenure_traps", 0x68 + 28);
        let built = n(&reg).unwrap();
        assert_eq!((built.mdo_invocation_counter, built.mdo_backedge_counter), (Some(0x68 + 12), Some(0x68 + 16)));

        field(&mut reg, "MethodData::_tenure_traps", 0x68 + 32); // another field order: refuse to guess
        assert_eq!(n(&reg).unwrap().mdo_invocation_counter, None);
    }
}
