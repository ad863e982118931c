//! The compile log: every method the JIT installed (from JVMTI CompiledMethodLoad), with the
//! inline tree taken from the inline records, and what was unloaded since.
//!
//! Methods are kept as raw `jmethodID`s and named only when a profile is written: naming needs
//! JVMTI calls that the event callback (on the service thread) should not spend time on.

use jvmti_sys::{jmethodID, jvmtiCMLRKind, jvmtiCompiledMethodLoadInlineRecord, jvmtiCompiledMethodLoadRecordHeader};
use std::collections::{HashSet, VecDeque};
use std::ffi::c_void;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// How many compilations the log keeps; older ones are dropped (and counted).
pub const MAX_COMPILATIONS: usize = 20_000;
/// Bound on the inline edges kept per compilation: a huge method's tree is cut, not dropped.
const MAX_EDGES: usize = 4_096;

/// One compilation as recorded from the event, methods still as raw ids.
#[derive(Clone, Debug)]
pub struct RawCompilation {
    /// `methods[0]` is the compiled method.
    pub methods: Vec<usize>,
    /// (caller index, bci, callee index) into `methods`.
    pub edges: Vec<(u32, u32, u32)>,
    pub code_addr: usize,
    pub code_size: u32,
    pub tier: u8,
    pub unloaded: bool,
}

#[derive(Default)]
pub struct CompileLog {
    entries: Mutex<VecDeque<RawCompilation>>,
    loads: AtomicU64,
    unloads: AtomicU64,
    dropped: AtomicU64,
}

impl CompileLog {
    pub fn push(&self, compilation: RawCompilation) {
        self.loads.fetch_add(1, Ordering::Relaxed);
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= MAX_COMPILATIONS {
            entries.pop_front();
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
        entries.push_back(compilation);
    }

    /// Marks the code at `code_addr` unloaded (a later compilation may reuse the address, so
    /// only the newest live entry with that address is marked).
    pub fn unload(&self, code_addr: usize) {
        self.unloads.fetch_add(1, Ordering::Relaxed);
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(c) = entries.iter_mut().rev().find(|c| c.code_addr == code_addr && !c.unloaded) {
            c.unloaded = true;
        }
    }

    pub fn snapshot(&self) -> Vec<RawCompilation> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner()).iter().cloned().collect()
    }

    /// (loads, unloads, dropped) for the summary line.
    pub fn stats(&self) -> (u64, u64, u64) {
        (
            self.loads.load(Ordering::Relaxed),
            self.unloads.load(Ordering::Relaxed),
            self.dropped.load(Ordering::Relaxed),
        )
    }
}

/// One pc's inlining chain as JVMTI reports it: the absolute pc and the (jmethodID, bci) of
/// every method active there, innermost first.
pub type PcChain = (u64, Vec<(usize, i32)>);

/// Bound on records read (a corrupt list must not loop forever).
const MAX_RECORD_HEADERS: usize = 64;

/// Copies the inline records out of `compile_info`: one chain per PcDesc with a scope.
///
/// # Safety
/// `compile_info` must be null or the record list HotSpot passed to CompiledMethodLoad, still
/// valid (i.e. called from inside the callback).
pub unsafe fn pc_chains(compile_info: *const c_void) -> Vec<PcChain> {
    let mut out = Vec::new();
    let mut header = compile_info as *const jvmtiCompiledMethodLoadRecordHeader;
    let mut seen = 0;
    while !header.is_null() && seen < MAX_RECORD_HEADERS {
        seen += 1;
        // SAFETY: non-null record of the list HotSpot built (caller's contract).
        let h = unsafe { &*header };
        if h.kind == jvmtiCMLRKind::JVMTI_CMLR_INLINE_INFO {
            // SAFETY: the kind says this header starts an inline record.
            let rec = unsafe { &*(header as *const jvmtiCompiledMethodLoadInlineRecord) };
            for i in 0..rec.numpcs.max(0) as usize {
                if rec.pcinfo.is_null() {
                    break;
                }
                // SAFETY: `pcinfo` has `numpcs` entries.
                let info = unsafe { &*rec.pcinfo.add(i) };
                let n = info.numstackframes.max(0) as usize;
                if info.methods.is_null() || info.bcis.is_null() {
                    continue;
                }
                // SAFETY: `methods` and `bcis` have `numstackframes` entries each.
                let (ms, bcis) = unsafe {
                    (std::slice::from_raw_parts(info.methods, n), std::slice::from_raw_parts(info.bcis, n))
                };
                let chain = ms.iter().zip(bcis).map(|(&m, &b)| (m as usize, b)).collect();
                out.push((info.pc as u64, chain));
            }
        }
        header = h.next;
    }
    out
}

/// Builds the inline tree of one compilation from its pc chains: consecutive pairs (outer,
/// inner) of a chain are inlining edges at the outer method's bci.
pub fn inline_tree(method: jmethodID, chains: &[PcChain]) -> (Vec<usize>, Vec<(u32, u32, u32)>) {
    let mut methods = vec![method as usize];
    let mut edges = Vec::new();
    let mut seen_edges = HashSet::new();
    for (_, chain) in chains {
        for depth in (1..chain.len()).rev() {
            let ((outer, bci), (inner, _)) = (chain[depth], chain[depth - 1]);
            let bci = bci.max(0) as u32;
            let caller = index_of(&mut methods, outer);
            let callee = index_of(&mut methods, inner);
            if edges.len() < MAX_EDGES && seen_edges.insert((caller, bci, callee)) {
                edges.push((caller, bci, callee));
            }
        }
    }
    (methods, edges)
}

fn index_of(methods: &mut Vec<usize>, id: usize) -> u32 {
    match methods.iter().position(|&m| m == id) {
        Some(i) => i as u32,
        None => {
            methods.push(id);
            (methods.len() - 1) as u32
        }
    }
}

/// The tier (1-3 C1, 4 C2) of the nmethod whose code starts at `code_addr` ([`nmethod_of`]);
/// `None` when the nmethod is no longer found or a field is missing from vmStructs.
pub fn tier_of(shim: &crate::shim::Shim, method: jmethodID, code_addr: u64) -> Option<u8> {
    let nm = nmethod_of(shim, method, code_addr)?;
    let reg = shim.registry();
    let level = shim.memory().read_u32(nm + reg.field_offset("nmethod::_comp_level")?, "nmethod::_comp_level").ok()?;
    u8::try_from(level).ok().filter(|l| (1..=4).contains(l))
}

/// Bound on the walk of a class's OSR nmethod list (a handful per class in practice).
const MAX_OSR_NMETHODS: usize = 10_000;

/// The `nmethod*` of `method` whose code starts at `code_addr`: the method's current code
/// (`Method::_code`), or else one of its OSR compilations, which are not the method's code but
/// sit on its class's list (`InstanceKlass::_osr_nmethods_head`, linked by
/// `nmethod::_osr_link`). Only read through the shim's checked reader.
pub fn nmethod_of(shim: &crate::shim::Shim, method: jmethodID, code_addr: u64) -> Option<u64> {
    let reg = shim.registry();
    let mem = shim.memory();
    let code_begin = reg.field_offset("CodeBlob::_code_begin")?;
    let starts_here = |nm: u64| nm != 0 && mem.read_u64(nm + code_begin, "CodeBlob::_code_begin").ok() == Some(code_addr);
    let method_ptr = crate::shim::method::method_from_jmethod_id(mem, method as usize as u64).ok()?;
    let nm = mem.read_u64(method_ptr + reg.field_offset("Method::_code")?, "Method::_code").ok()?;
    if starts_here(nm) {
        return Some(nm);
    }
    find_on_osr_list(shim, method_ptr, starts_here)
}

/// The first nmethod on the OSR list of the class of `method_ptr` (a `Method*`) that `found`
/// accepts.
fn find_on_osr_list(shim: &crate::shim::Shim, method_ptr: u64, found: impl Fn(u64) -> bool) -> Option<u64> {
    let reg = shim.registry();
    let mem = shim.memory();
    let field = |owner: u64, name: &'static str| mem.read_u64(owner + reg.field_offset(name)?, name).ok();
    let const_method = field(method_ptr, "Method::_constMethod")?;
    let constants = field(const_method, "ConstMethod::_constants")?;
    let holder = field(constants, "ConstantPool::_pool_holder")?;
    let mut osr = field(holder, "InstanceKlass::_osr_nmethods_head")?;
    for _ in 0..MAX_OSR_NMETHODS {
        if osr == 0 {
            return None;
        }
        if found(osr) {
            return Some(osr);
        }
        osr = field(osr, "nmethod::_osr_link")?;
    }
    None
}

/// The entry bci of `nmethod` if it is on the OSR list of `method`'s class — where the
/// interpreter looks for OSR code when a loop gets warm (`InstanceKlass::lookup_osr_nmethod`)
/// — and belongs to `method`; `None` when it is not there (never added, or made not entrant
/// since, which unlinks it) or a field is missing from vmStructs.
pub fn osr_entry_bci(shim: &crate::shim::Shim, method: jmethodID, nmethod: u64) -> Option<i32> {
    let reg = shim.registry();
    let mem = shim.memory();
    let method_ptr = crate::shim::method::method_from_jmethod_id(mem, method as usize as u64).ok()?;
    let on_list = find_on_osr_list(shim, method_ptr, |nm| nm == nmethod)?;
    let owner = mem.read_u64(on_list + reg.field_offset("CompiledMethod::_method")?, "CompiledMethod::_method").ok()?;
    if owner != method_ptr {
        return None;
    }
    let bci = mem.read_u32(on_list + reg.field_offset("nmethod::_entry_bci")?, "nmethod::_entry_bci").ok()?;
    Some(bci as i32)
}
