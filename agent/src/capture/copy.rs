//! Copies one nmethod out of the code cache into a [`CapturedNmethod`], through the shim's
//! `process_vm_readv` reader only: a bad pointer is an error, never a crash.
//!
//! Called from CompiledMethodLoad, while the service thread keeps the nmethod alive; the
//! caller checks `_state` before and after (an nmethod made not entrant concurrently has its
//! verified entry patched, so its copy must not be shared).

use crate::shim::layout::NmethodLayout as VmNmethodLayout;
use crate::shim::native::VmMemory;
use crate::shim::ShimError;
use jitfleet_relocator::layout::NmethodLayout;
use jitfleet_relocator::CapturedNmethod;

/// `nmethod::_state` value of an nmethod in use (`nmethod::in_use` in 17's nmethod.hpp).
pub const STATE_IN_USE: u8 = 0;
/// Bound on a copied nmethod; C2's largest are well below.
const MAX_NMETHOD_SIZE: u32 = 16 << 20;
/// Bound on an oop map set.
const MAX_OOP_MAPS_SIZE: u32 = 16 << 20;

/// An nmethod as copied, with the facts not in the relocator's layout.
pub struct CopiedNmethod {
    pub captured: CapturedNmethod,
    pub compile_id: u32,
}

/// Reads `_state` (a signed char in 17).
pub fn state(mem: &VmMemory, l: &VmNmethodLayout, nm: u64) -> Result<u8, ShimError> {
    Ok(mem.read(nm + l.nm_state, 1, "nmethod::_state")?[0])
}

/// Copies every section of the nmethod at `nm`. `oop_map_set_size_offset` is the offset of
/// `ImmutableOopMapSet::_size` (its byte count).
pub fn copy_nmethod(mem: &VmMemory, l: &VmNmethodLayout, nm: u64, oop_map_set_size_offset: u64) -> Result<CopiedNmethod, ShimError> {
    let u32_at = |off: u64, what: &'static str| mem.read_u32(nm + off, what);
    let i32_at = |off: u64, what: &'static str| u32_at(off, what).map(|v| v as i32);
    let addr_at = |off: u64, what: &'static str| mem.read_u64(nm + off, what);
    // An address field as an offset from the header; an address before the header is an error.
    let rel = |addr: u64, what: &'static str| -> Result<u32, ShimError> {
        addr.checked_sub(nm)
            .and_then(|d| u32::try_from(d).ok())
            .ok_or(ShimError::ImplausiblePointer { what, addr })
    };
    let size = u32_at(l.blob_size, "CodeBlob::_size")?;
    if size == 0 || size > MAX_NMETHOD_SIZE {
        return Err(ShimError::ImplausibleSize { what: "CodeBlob::_size", size: u64::from(size), limit: u64::from(MAX_NMETHOD_SIZE) });
    }
    // `_relocation_begin/_end` are not in vmStructs; they follow `_data_end` (codeBlob.hpp's
    // declaration order in 17, notes §1).
    let relocation_begin = rel(addr_at(l.blob_data_end + 8, "CodeBlob::_relocation_begin")?, "CodeBlob::_relocation_begin")?;
    let relocation_end = rel(addr_at(l.blob_data_end + 16, "CodeBlob::_relocation_end")?, "CodeBlob::_relocation_end")?;
    let dependencies_offset = u32_at(l.nm_dependencies_offset, "nmethod::_dependencies_offset")?;
    let handler_table_offset = u32_at(l.nm_handler_table_offset, "nmethod::_handler_table_offset")?;
    let deopt_mh = addr_at(l.compiled_deopt_mh_handler_begin, "CompiledMethod::_deopt_mh_handler_begin")?;
    let layout = NmethodLayout {
        size,
        header_size: u32_at(l.blob_header_size, "CodeBlob::_header_size")?,
        relocation_begin,
        relocation_end,
        consts_offset: u32_at(l.nm_consts_offset, "nmethod::_consts_offset")?,
        code_offset: rel(addr_at(l.blob_code_begin, "CodeBlob::_code_begin")?, "CodeBlob::_code_begin")?,
        stub_offset: u32_at(l.nm_stub_offset, "nmethod::_stub_offset")?,
        oops_offset: u32_at(l.nm_oops_offset, "nmethod::_oops_offset")?,
        metadata_offset: u32_at(l.nm_metadata_offset, "nmethod::_metadata_offset")?,
        scopes_data_offset: rel(addr_at(l.compiled_scopes_data_begin, "CompiledMethod::_scopes_data_begin")?, "CompiledMethod::_scopes_data_begin")?,
        scopes_pcs_offset: u32_at(l.nm_scopes_pcs_offset, "nmethod::_scopes_pcs_offset")?,
        dependencies_offset,
        // Without Panama native invokers (never in C2 code of 17 without --enable-preview
        // linker use) the dependencies end where the handler table starts.
        native_invokers_offset: handler_table_offset,
        handler_table_offset,
        nul_chk_table_offset: u32_at(l.nm_nul_chk_table_offset, "nmethod::_nul_chk_table_offset")?,
        nul_chk_table_end: u32_at(l.nm_nmethod_end_offset, "nmethod::_nmethod_end_offset")?,
        entry_point: rel(addr_at(l.nm_entry_point, "nmethod::_entry_point")?, "nmethod::_entry_point")?,
        verified_entry_point: rel(addr_at(l.nm_verified_entry_point, "nmethod::_verified_entry_point")?, "nmethod::_verified_entry_point")?,
        osr_entry_point: addr_at(l.nm_osr_entry_point, "nmethod::_osr_entry_point")?.checked_sub(nm).and_then(|d| u32::try_from(d).ok()).unwrap_or(0),
        exception_offset: u32_at(l.nm_exception_offset, "nmethod::_exception_offset")?,
        deopt_handler_offset: rel(addr_at(l.compiled_deopt_handler_begin, "CompiledMethod::_deopt_handler_begin")?, "CompiledMethod::_deopt_handler_begin")?,
        deopt_mh_handler_offset: if deopt_mh == 0 { None } else { Some(rel(deopt_mh, "CompiledMethod::_deopt_mh_handler_begin")?) },
        frame_complete_offset: i32_at(l.blob_frame_complete_offset, "CodeBlob::_frame_complete_offset")?,
        frame_size_words: u32_at(l.blob_frame_size, "CodeBlob::_frame_size")?,
        orig_pc_offset: i32_at(l.nm_orig_pc_offset, "nmethod::_orig_pc_offset")?,
        comp_level: i32_at(l.nm_comp_level, "nmethod::_comp_level")?,
        entry_bci: i32_at(l.nm_entry_bci, "nmethod::_entry_bci")?,
    };
    layout.validate().map_err(|_| ShimError::ImplausibleSize { what: "nmethod layout", size: u64::from(size), limit: u64::from(MAX_NMETHOD_SIZE) })?;
    let section = |begin: u32, end: u32, what: &'static str| mem.read(nm + u64::from(begin), end.saturating_sub(begin) as usize, what);
    let slots = |begin: u32, end: u32, what: &'static str| -> Result<Vec<u64>, ShimError> {
        Ok(section(begin, end, what)?.chunks_exact(8).map(|c| u64::from_ne_bytes(c.try_into().unwrap_or([0; 8]))).collect())
    };
    let oop_maps_ptr = addr_at(l.blob_oop_maps, "CodeBlob::_oop_maps")?;
    let oop_maps = if oop_maps_ptr == 0 {
        Vec::new()
    } else {
        let bytes = mem.read_u32(oop_maps_ptr + oop_map_set_size_offset, "ImmutableOopMapSet::_size")?;
        if bytes > MAX_OOP_MAPS_SIZE {
            return Err(ShimError::ImplausibleSize { what: "ImmutableOopMapSet::_size", size: u64::from(bytes), limit: u64::from(MAX_OOP_MAPS_SIZE) });
        }
        mem.read(oop_maps_ptr, bytes as usize, "ImmutableOopMapSet")?
    };
    let captured = CapturedNmethod {
        relocations: section(layout.relocation_begin, layout.relocation_end, "relocations")?,
        consts: section(layout.consts_offset, layout.code_offset, "consts")?,
        insts: section(layout.code_offset, layout.stub_offset, "insts")?,
        stubs: section(layout.stub_offset, layout.oops_offset, "stubs")?,
        oops: slots(layout.oops_offset, layout.metadata_offset, "oops")?,
        metadata: slots(layout.metadata_offset, layout.scopes_data_offset, "metadata")?,
        scopes_data: section(layout.scopes_data_offset, layout.scopes_pcs_offset, "scopes data")?,
        scopes_pcs: section(layout.scopes_pcs_offset, layout.dependencies_offset, "PcDescs")?,
        dependencies: section(layout.dependencies_offset, layout.native_invokers_offset, "dependencies")?,
        handler_table: section(layout.handler_table_offset, layout.nul_chk_table_offset, "handler table")?,
        nul_chk_table: section(layout.nul_chk_table_offset, layout.nul_chk_table_end, "implicit exception table")?,
        oop_maps,
        header_address: nm,
        layout,
    };
    let compile_id = u32_at(l.nm_compile_id, "nmethod::_compile_id")?;
    Ok(CopiedNmethod { captured, compile_id })
}
