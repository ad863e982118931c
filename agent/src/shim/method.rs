//! Reading one method's counters and profile: `jmethodID` → `Method*` → `ConstMethod`,
//! `MethodCounters`, `MethodData`. Copies via [`VmMemory`], decodes with the pure decoders.

use tracing::debug;

use super::counters::{decode_counter, decode_method_counters, CounterValue, CountersOffsets, CountersSnapshot};
use super::error::ShimError;
use super::layout::{CountersLayout, MdoLayout, MethodLayout};
use super::mdo::{decode_mdo, MdoOffsets, MdoSnapshot};
use super::native::VmMemory;
use super::bytes::{u16_at, u32_at, u64_at};

/// Largest MethodData we copy. HotSpot sizes an MDO from the bytecode (a few cells per profiled
/// bytecode, and a method has at most 64 KiB of bytecode), so real ones stay well below this.
const MAX_MDO_SIZE: u64 = 1 << 20;
/// Metadata (Method, ConstMethod, MethodCounters, MethodData, Klass, Symbol) is 8-byte aligned.
const METADATA_ALIGN: u64 = 8;

/// What we copy out of a `Method` and its `ConstMethod`, plus its counters and profile.
/// Plain owned data: nothing in it points into the VM (addresses are identities only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MethodSnapshot {
    /// The `Method*` (identity only; never dereferenced later).
    pub method: u64,
    pub name: Option<String>,
    pub signature: Option<String>,
    /// The declaring class's internal name (`java/lang/String`).
    pub holder: Option<String>,
    pub code_size: u16,
    pub max_stack: u16,
    pub max_locals: u16,
    pub size_of_parameters: u16,
    pub method_idnum: u16,
    /// Whether the method currently has compiled code installed (`Method::_code`).
    pub has_compiled_code: bool,
    /// `None`: no `MethodCounters` allocated yet (the method never got warm enough) or the
    /// counters feature is off.
    pub counters: Option<CountersSnapshot>,
    /// `None`: no MethodData yet (not profiled) or the method_data feature is off.
    pub mdo: Option<MdoSnapshot>,
}

/// The cheap part of a snapshot, for ranking methods by heat: the counters in `MethodCounters`
/// and in the MethodData header, without walking the MethodData or resolving any name. Costs
/// three small copies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Hotness {
    pub counters: Option<CountersSnapshot>,
    /// The MDO's own counters (see [`super::counters`] for which tiers count where).
    pub mdo_invocations: Option<CounterValue>,
    pub mdo_backedges: Option<CounterValue>,
    pub has_mdo: bool,
    pub has_compiled_code: bool,
}

impl Hotness {
    /// Entries plus back-edges counted anywhere: a heat score.
    pub fn total_events(&self) -> u64 {
        let c = self.counters.map_or(0, |c| u64::from(c.invocations.count) + u64::from(c.backedges.count));
        c + self.mdo_invocations.map_or(0, |v| u64::from(v.count)) + self.mdo_backedges.map_or(0, |v| u64::from(v.count))
    }
}

/// Reads a method's [`Hotness`].
pub fn read_hotness(
    mem: &VmMemory,
    m: &MethodLayout,
    counters: Option<&CountersLayout>,
    mdo: Option<&MdoLayout>,
    method: u64,
) -> Result<Hotness, ShimError> {
    VmMemory::check_pointer(method, METADATA_ALIGN, m.method_size as usize, "Method*")?;
    let mcopy = mem.read(method, m.method_size as usize, "Method")?;
    let ptr = |off: u64| u64_at(&mcopy, off as usize).unwrap_or(0);
    let (counters_ptr, mdo_ptr) = (ptr(m.method_method_counters), ptr(m.method_method_data));
    let shift = counters.map(|c| c.count_shift).unwrap_or(1);
    let mut out = Hotness { has_mdo: mdo_ptr != 0, has_compiled_code: ptr(m.method_code) != 0, ..Default::default() };
    if let Some(c) = counters.filter(|_| counters_ptr != 0) {
        VmMemory::check_pointer(counters_ptr, METADATA_ALIGN, c.method_counters_size as usize, "MethodCounters*")?;
        let copy = mem.read(counters_ptr, c.method_counters_size as usize, "MethodCounters")?;
        out.counters = decode_method_counters(&copy, &counters_offsets(c));
    }
    if let (Some(d), true) = (mdo, mdo_ptr != 0) {
        if let (Some(inv), Some(be)) = (d.mdo_invocation_counter, d.mdo_backedge_counter) {
            let len = (inv.max(be) + 4) as usize;
            VmMemory::check_pointer(mdo_ptr, METADATA_ALIGN, len, "MethodData*")?;
            let copy = mem.read(mdo_ptr, len, "MethodData header")?;
            let at = |off: u64| u32_at(&copy, off as usize).map(|raw| decode_counter(raw, shift));
            out.mdo_invocations = at(inv);
            out.mdo_backedges = at(be);
        }
    }
    Ok(out)
}

/// Reads a `Symbol` (length-prefixed modified UTF-8) into a `String`.
pub fn read_symbol(mem: &VmMemory, m: &MethodLayout, symbol: u64) -> Result<String, ShimError> {
    VmMemory::check_pointer(symbol, METADATA_ALIGN, m.symbol_body as usize, "Symbol*")?;
    let head = mem.read(symbol, m.symbol_body as usize, "Symbol header")?;
    let len = u16_at(&head, m.symbol_length as usize).ok_or(ShimError::ShortRead {
        what: "Symbol::_length",
        addr: symbol,
        wanted: 2,
        got: head.len(),
    })?;
    let body = mem.read(symbol + m.symbol_body, usize::from(len), "Symbol::_body")?;
    Ok(String::from_utf8_lossy(&body).into_owned())
}

/// Reads a `Klass*`'s name (`Klass::_name`).
pub fn read_klass_name(mem: &VmMemory, m: &MethodLayout, klass: u64) -> Result<String, ShimError> {
    VmMemory::check_pointer(klass, METADATA_ALIGN, 8, "Klass*")?;
    let sym = mem.read_u64(klass + m.klass_name, "Klass::_name")?;
    read_symbol(mem, m, sym)
}

/// Follows a `jmethodID` to its `Method*`. A jmethodID is the address of a slot in a
/// `JNIMethodBlock`; when the method goes away HotSpot stores NULL or the sentinel
/// `JNIMethodBlock::_free_method == (Method*)55` there (`oops/method.cpp`), both of which
/// [`VmMemory::check_pointer`] refuses.
pub fn method_from_jmethod_id(mem: &VmMemory, jmethod_id: u64) -> Result<u64, ShimError> {
    let method = mem.read_u64(jmethod_id, "jmethodID slot")?;
    if VmMemory::check_pointer(method, METADATA_ALIGN, 8, "Method*").is_err() {
        return Err(ShimError::ClearedMethodId(jmethod_id));
    }
    Ok(method)
}

fn counters_offsets(c: &CountersLayout) -> CountersOffsets {
    CountersOffsets {
        invocation_counter: c.invocation_counter as usize,
        backedge_counter: c.backedge_counter as usize,
        counter_word: c.counter_word as usize,
        count_shift: c.count_shift,
        nmethod_age: c.nmethod_age.map(|v| v as usize),
        interpreter_throwout_count: c.interpreter_throwout_count.map(|v| v as usize),
        invoke_mask: c.invoke_mask.map(|v| v as usize),
        backedge_mask: c.backedge_mask.map(|v| v as usize),
    }
}

/// The decoder's view of an [`MdoLayout`].
pub fn mdo_offsets(m: &MdoLayout, count_shift: u32) -> MdoOffsets {
    MdoOffsets {
        size: m.mdo_size as usize,
        data_size: m.mdo_data_size as usize,
        data: m.mdo_data as usize,
        parameters_type_data_di: m.mdo_parameters_type_data_di as usize,
        invocation_counter: m.mdo_invocation_counter.map(|v| v as usize),
        backedge_counter: m.mdo_backedge_counter.map(|v| v as usize),
        decompiles: m.mdo_decompiles.map(|v| v as usize),
        overflow_recompiles: m.mdo_overflow_recompiles.map(|v| v as usize),
        overflow_traps: m.mdo_overflow_traps.map(|v| v as usize),
        count_shift,
        header_tag: m.header_tag as usize,
        header_flags: m.header_flags as usize,
        header_bci: m.header_bci as usize,
        header_traps: m.header_traps as usize,
        cells: m.cells as usize,
        cell_size: m.cell_size as usize,
        tags: m.tags.clone(),
        jvmci_build: m.jvmci_build,
        type_profile_width: m.type_profile_width,
        bci_profile_width: m.bci_profile_width,
    }
}

/// Copies and decodes a whole MethodData.
pub fn read_mdo(mem: &VmMemory, m: &MethodLayout, d: &MdoLayout, count_shift: u32, mdo: u64) -> Result<MdoSnapshot, ShimError> {
    VmMemory::check_pointer(mdo, METADATA_ALIGN, (d.mdo_size + 4) as usize, "MethodData*")?;
    let size = mem.read_u32(mdo + d.mdo_size, "MethodData::_size")? as i32;
    if size <= d.mdo_data as i32 || size as u64 > MAX_MDO_SIZE {
        return Err(ShimError::ImplausibleSize { what: "MethodData::_size", size: size as u64, limit: MAX_MDO_SIZE });
    }
    let copy = mem.read(mdo, size as usize, "MethodData")?;
    let mut snap = decode_mdo(&mdo_offsets(d, count_shift), &copy);
    snap.resolve_klass_names(|k| read_klass_name(mem, m, k).ok());
    Ok(snap)
}

/// Reads everything about one `Method*`. `counters`/`mdo` layouts may be `None` (feature off).
pub fn read_method(
    mem: &VmMemory,
    m: &MethodLayout,
    counters: Option<&CountersLayout>,
    mdo: Option<&MdoLayout>,
    method: u64,
) -> Result<MethodSnapshot, ShimError> {
    VmMemory::check_pointer(method, METADATA_ALIGN, m.method_size as usize, "Method*")?;
    let mcopy = mem.read(method, m.method_size as usize, "Method")?;
    let field = |off: u64, what: &'static str| {
        u64_at(&mcopy, off as usize).ok_or(ShimError::ShortRead { what, addr: method + off, wanted: 8, got: 0 })
    };
    let const_method = field(m.method_const_method, "Method::_constMethod")?;
    let counters_ptr = field(m.method_method_counters, "Method::_method_counters")?;
    let mdo_ptr = field(m.method_method_data, "Method::_method_data")?;
    let code = field(m.method_code, "Method::_code")?;

    VmMemory::check_pointer(const_method, METADATA_ALIGN, m.const_method_size as usize, "ConstMethod*")?;
    let cm = mem.read(const_method, m.const_method_size as usize, "ConstMethod")?;
    let u16f = |off: u64| u16_at(&cm, off as usize).unwrap_or(0);
    let name_index = u16f(m.const_method_name_index);
    let signature_index = u16f(m.const_method_signature_index);
    let constants = u64_at(&cm, m.const_method_constants as usize).unwrap_or(0);

    // Constant-pool slots follow the ConstantPool header; a Utf8 slot holds a Symbol*.
    let cp_symbol = |index: u16| -> Option<String> {
        VmMemory::check_pointer(constants, METADATA_ALIGN, m.constant_pool_size as usize, "ConstantPool*").ok()?;
        let len = mem.read_u32(constants + m.constant_pool_length, "ConstantPool::_length").ok()?;
        if index == 0 || u32::from(index) >= len {
            return None;
        }
        let sym = mem.read_u64(constants + m.constant_pool_size + 8 * u64::from(index), "constant pool slot").ok()?;
        read_symbol(mem, m, sym).ok()
    };
    let holder = VmMemory::check_pointer(constants, METADATA_ALIGN, 8, "ConstantPool*")
        .and_then(|_| mem.read_u64(constants + m.constant_pool_pool_holder, "ConstantPool::_pool_holder"))
        .and_then(|k| read_klass_name(mem, m, k))
        .ok();

    // 17's count_shift is 1 (see CountersLayout::count_shift); the MDO uses the same counters.
    let shift = counters.map(|c| c.count_shift).unwrap_or(1);
    let counters = match counters {
        Some(c) if counters_ptr != 0 => {
            VmMemory::check_pointer(counters_ptr, METADATA_ALIGN, c.method_counters_size as usize, "MethodCounters*")?;
            let copy = mem.read(counters_ptr, c.method_counters_size as usize, "MethodCounters")?;
            decode_method_counters(&copy, &counters_offsets(c))
        }
        _ => None,
    };
    let mdo = match mdo {
        // A MethodData that cannot be read must not hide the counters we already have.
        Some(d) if mdo_ptr != 0 => read_mdo(mem, m, d, shift, mdo_ptr)
            .map_err(|e| debug!(method = format_args!("{method:#x}"), "MethodData not read: {e}"))
            .ok(),
        _ => None,
    };
    Ok(MethodSnapshot {
        method,
        name: cp_symbol(name_index),
        signature: cp_symbol(signature_index),
        holder,
        code_size: u16f(m.const_method_code_size),
        max_stack: u16f(m.const_method_max_stack),
        max_locals: u16f(m.const_method_max_locals),
        size_of_parameters: u16f(m.const_method_size_of_parameters),
        method_idnum: u16f(m.const_method_method_idnum),
        has_compiled_code: code != 0,
        counters,
        mdo,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleared_jmethod_ids_are_refused() {
        let mem = VmMemory::new();
        // JNIMethodBlock::_free_method and NULL, as HotSpot leaves them in freed slots.
        for sentinel in [55u64, 0] {
            let slot = Box::new(sentinel);
            let id = &*slot as *const u64 as u64;
            assert_eq!(method_from_jmethod_id(&mem, id), Err(ShimError::ClearedMethodId(id)));
        }
        let target = Box::new(0u64);
        let slot = Box::new(&*target as *const u64 as u64);
        assert_eq!(method_from_jmethod_id(&mem, &*slot as *const u64 as u64), Ok(*slot));
    }
}
