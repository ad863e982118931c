//! Capture (donor side, `mode=capture`): every C2 nmethod this JVM installs is copied while
//! the service thread keeps it alive, decoded by the relocator, symbolised and written to the
//! cache directory as a portable nmethod — or recorded in the index as refused, with the
//! reason. Never guesses: a reference that cannot be named refuses the method. OSR
//! compilations (found on their class's OSR list, `compilations::nmethod_of`) are copied,
//! decoded, indexed and translated too (with their OSR entry; `translate::osr_entry`).
//!
//! Two self-checks run on every decoded nmethod and refuse it when they fail: the decoded
//! scopes against JVMTI's inline records ([`oracle`]) and every call/oop/metadata relocation
//! against its instruction (`jitfleet_relocator::relocheck`). Their results, the method's
//! heat when C2 compiled it, sizes and inline tree go into the index (`store::index_line`).
//!
//! Modules: [`copy`] (VM memory → owned sections), [`translate`] (decoded sections →
//! portable nmethod, pure), [`blobs`] (runtime blob names, shared with install), [`store`]
//! (files and index).

pub mod blobs;
pub mod copy;
pub mod facts;
pub mod mappings;
mod objects;
pub mod oracle;
pub mod store;
pub mod translate;

use crate::jni::Jni;
use crate::lifecycle::Agent;
use crate::loaders;
use jitfleet_relocator::portable::{ClassRef, KlassConstant, MethodRef, ObjectSymbol, Refusal, RuntimeTarget, VmGlobal};
use jvmti_sys::{jmethodID, JNIEnv, JavaVM, JNI_OK, JNI_VERSION_1_8};
use once_cell::sync::OnceCell;
use std::collections::{BTreeMap, HashMap};
use std::ffi::c_void;
use std::path::PathBuf;
use std::sync::Mutex;

/// What capture keeps between events.
struct CaptureState {
    dir: PathBuf,
    /// The `JavaVM*`, to get the JNIEnv of the service thread inside CompiledMethodLoad.
    vm: usize,
    /// Outcomes by name ("captured" or a refusal name).
    outcomes: Mutex<BTreeMap<&'static str, u64>>,
    globals: VmGlobals,
}

/// VM globals C2 embeds without relocation, with this JVM's values (0 when zero or unknown:
/// nothing to recognise). The receiver reads the same ones ([`VmGlobals::read`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct VmGlobals {
    pub narrow_klass_base: u64,
    pub card_table_base: u64,
}

impl VmGlobals {
    /// Reads the values through the shim; a missing entry leaves that value 0.
    pub fn read(shim: &crate::shim::Shim) -> VmGlobals {
        let narrow_klass_base = shim.vm_facts().map(|f| f.narrow_klass_base).unwrap_or(0);
        VmGlobals { narrow_klass_base, card_table_base: card_table_base(shim).unwrap_or(0) }
    }

    /// The value of `global` here, if known.
    pub fn value_of(&self, global: VmGlobal) -> Option<u64> {
        let v = match global {
            VmGlobal::NarrowKlassBase | VmGlobal::NegatedNarrowKlassBase => self.narrow_klass_base,
            VmGlobal::CardTableBase => self.card_table_base,
        };
        let v = if global == VmGlobal::NegatedNarrowKlassBase { v.wrapping_neg() } else { v };
        (v != 0).then_some(v)
    }

    /// Which global has this value, if any.
    pub fn global_of(&self, value: u64) -> Option<VmGlobal> {
        [VmGlobal::NarrowKlassBase, VmGlobal::NegatedNarrowKlassBase, VmGlobal::CardTableBase]
            .into_iter()
            .find(|&g| self.value_of(g) == Some(value))
    }
}

/// `((CardTableBarrierSet*) BarrierSet::_barrier_set)->_card_table->_byte_map_base`: the card
/// table barrier sets (Serial, Parallel, G1 — the GCs JVMCI 17 supports) all derive from
/// CardTableBarrierSet.
fn card_table_base(shim: &crate::shim::Shim) -> Option<u64> {
    let reg = shim.registry();
    let mem = shim.memory();
    let barrier_set = mem.read_u64(reg.static_address("BarrierSet::_barrier_set")?, "BarrierSet::_barrier_set").ok()?;
    let card_table = mem.read_u64(barrier_set + reg.field_offset("CardTableBarrierSet::_card_table")?, "CardTableBarrierSet::_card_table").ok()?;
    mem.read_u64(card_table + reg.field_offset("CardTable::_byte_map_base")?, "CardTable::_byte_map_base").ok()
}

static STATE: OnceCell<CaptureState> = OnceCell::new();

/// VMInit in capture mode: make the directory and remember the VM.
pub fn vm_init(agent: &Agent, jni: Jni) {
    let Some(dir) = agent.config.cache_dir.clone() else { return };
    if let Err(e) = std::fs::create_dir_all(&dir) {
        tracing::error!("capture is off: cannot create cache directory {}: {e}", dir.display());
        return;
    }
    let mut vm: *mut JavaVM = std::ptr::null_mut();
    // SAFETY: `jni` is this thread's JNIEnv; GetJavaVM writes the VM pointer into `vm`.
    let rc = unsafe { (**jni.raw()).GetJavaVM.map(|f| f(jni.raw(), &mut vm)) };
    if rc != Some(JNI_OK) || vm.is_null() {
        tracing::error!("capture is off: JNI GetJavaVM failed");
        return;
    }
    // Code facts look boot classes up by name, and must know which are prepared.
    match crate::boot_classes::scan_loaded(agent.jvmti, jni) {
        Some(n) => tracing::debug!("capture: {n} loaded classes scanned for the prepared boot classes"),
        None => {
            tracing::error!("capture is off: JVMTI could not list the loaded classes");
            return;
        }
    }
    let globals = agent.shim.as_ref().map(VmGlobals::read).unwrap_or_default();
    tracing::debug!("capture: VM globals {globals:?}");
    let _ = STATE.set(CaptureState { dir, vm: vm as usize, outcomes: Mutex::new(BTreeMap::new()), globals });
    tracing::info!("capture: writing portable nmethods to {}", agent.config.cache_dir.as_ref().map(|d| d.display().to_string()).unwrap_or_default());
}

/// The outcome counts so far, for the summary line and tests.
pub fn outcomes() -> BTreeMap<&'static str, u64> {
    STATE.get().map(|s| s.outcomes.lock().unwrap_or_else(|e| e.into_inner()).clone()).unwrap_or_default()
}

/// VMDeath: one summary line.
pub fn vm_death() {
    if STATE.get().is_some() {
        let summary: Vec<String> = outcomes().iter().map(|(k, v)| format!("{k}={v}")).collect();
        tracing::info!("capture summary: {}", summary.join(" "));
    }
}

/// CompiledMethodLoad in capture mode: capture C2 (tier 4) nmethods.
///
/// `inline_methods` are the jmethodIDs of the compilation's inline records (the compiled
/// method first): the methods its debug info can name.
///
/// # Safety
/// `compile_info` must be the record list of the current CompiledMethodLoad callback (or null).
pub unsafe fn compiled_method_load(agent: &Agent, method: jmethodID, code_addr: u64, inline_methods: &[usize], compile_info: *const c_void) {
    let Some(state) = STATE.get() else { return };
    let Some(shim) = agent.shim.as_ref() else { return };
    let Some(layout) = shim.layout().capture.as_ref() else { return };
    let mem = shim.memory();
    // The method's current code, or one of its OSR compilations (captured like the others).
    let Some(nm) = crate::compilations::nmethod_of(shim, method, code_addr) else { return };
    if mem.read_u32(nm + layout.nm_comp_level, "nmethod::_comp_level").ok() != Some(4) {
        return;
    }
    let Some(jni) = current_jni(state.vm) else { return };
    // SAFETY: inside the callback (caller's contract).
    let records = unsafe { oracle::inline_records(compile_info, code_addr) };
    let mref = jni.with_local_frame(32, || method_ref(agent, jni, method as usize)).flatten();
    let name = mref.as_ref().map(|m| m.to_string()).unwrap_or_else(|| format!("jmethodID {:#x}", method as usize));
    if mref.is_some_and(|m| agent.config.deny.denies(&m.class.name, &m.name)) {
        tracing::info!("not captured {name}: on the deny list");
        *state.outcomes.lock().unwrap_or_else(|e| e.into_inner()).entry("denied").or_insert(0) += 1;
        return;
    }
    // Mode auto: the cache has code for this method already (this may be that code, installed).
    let entry_bci = mem.read_u32(nm + layout.nm_entry_bci, "nmethod::_entry_bci").ok().map(|b| b as i32);
    if entry_bci.is_some_and(|bci| crate::install::in_cache(&name, bci)) {
        tracing::debug!("not captured {name}: the cache has code for it");
        *state.outcomes.lock().unwrap_or_else(|e| e.into_inner()).entry("in_cache").or_insert(0) += 1;
        return;
    }
    let mut facts = store::Facts::default();
    // How hot the method was when C2 compiled it. The class stays loaded during the callback
    // (the shim's obligation); a failed read leaves the heat unknown.
    if let Ok(h) = shim.hotness(method) {
        facts.heat = Some(heat_of(&h));
    }
    let outcome = capture_one(agent, state, jni, nm, inline_methods, &records, &mut facts);
    let key = match &outcome {
        Ok(_) => "captured",
        Err(r) => r.name,
    };
    {
        let mut outcomes = state.outcomes.lock().unwrap_or_else(|e| e.into_inner());
        *outcomes.entry(key).or_insert(0) += 1;
        if outcome.is_err() {
            *outcomes.entry("refused").or_insert(0) += 1;
            // Methods one translation away from shareable: what each translation would unlock.
            if let [only] = facts.all_reasons[..] {
                *outcomes.entry(sole_reason_key(only)).or_insert(0) += 1;
            }
        }
        if facts.scope_disagreement.is_some() {
            *outcomes.entry("scope_disagreements").or_insert(0) += 1;
        }
        if facts.reloc_violations > 0 {
            *outcomes.entry("relocation_violations").or_insert(0) += facts.reloc_violations as u64;
        }
    }
    let compile_id = facts.compile_id;
    match &outcome {
        Ok(path) => {
            let (calls, handlers, klasses, methods) = facts.translated;
            let (mirrors, strings, statics) = facts.objects;
            tracing::info!(
                "captured {name} (compile {compile_id}, {} inlined methods, {calls} Java calls, {handlers} exception handlers, {klasses} class constants, {methods} method constants, objects: {mirrors} mirrors {strings} strings {statics} static finals, {} scalar-replaced) as {}",
                facts.inlined,
                facts.scalar_replaced,
                path.display()
            );
            crate::net::code_captured(path);
        }
        Err(r) => tracing::debug!("not captured {name} (compile {compile_id}): {}", r.detail),
    }
    if let Err(e) = store::append_index(&state.dir, &store::index_line(&name, &outcome, &facts)) {
        tracing::warn!("capture index in {} not written: {e}", state.dir.display());
    }
}

/// Invocations and back-edges counted so far (`MethodCounters` plus `MethodData`; see
/// `shim::counters` for who counts where: C2 code counts nothing, so this is the heat that
/// made C2 compile the method, a lower bound of its heat over the run).
fn heat_of(h: &crate::shim::method::Hotness) -> store::Heat {
    let count = |v: Option<crate::shim::counters::CounterValue>| v.map_or(0, |v| u64::from(v.count));
    store::Heat {
        invocations: count(h.counters.map(|c| c.invocations)) + count(h.mdo_invocations),
        backedges: count(h.counters.map(|c| c.backedges)) + count(h.mdo_backedges),
    }
}

fn capture_one(
    agent: &Agent,
    state: &CaptureState,
    jni: Jni,
    nm: u64,
    inline_methods: &[usize],
    records: &[oracle::Record],
    facts: &mut store::Facts,
) -> Result<PathBuf, store::Refused> {
    let shim = agent.shim.as_ref().ok_or(Refusal::NotInUse)?;
    let layout = shim.layout().capture.as_ref().ok_or(Refusal::NotInUse)?;
    let mem = shim.memory();
    let undecodable = |e: crate::shim::ShimError| Refusal::Undecodable(e.to_string());
    if copy::state(mem, layout, nm).map_err(undecodable)? != copy::STATE_IN_USE {
        return Err(Refusal::NotInUse.into());
    }
    let oop_map_size = shim.registry().field_offset("ImmutableOopMapSet::_size").unwrap_or(4);
    let copied = copy::copy_nmethod(mem, layout, nm, oop_map_size).map_err(undecodable)?;
    facts.compile_id = copied.compile_id;
    facts.entry_bci = copied.captured.layout.entry_bci;
    facts.nmethod_size = copied.captured.layout.size;
    facts.code_size = copied.captured.insts.len() as u32;
    // Made not entrant while we copied: the verified entry may be patched in our copy.
    if copy::state(mem, layout, nm).map_err(undecodable)? != copy::STATE_IN_USE {
        return Err(Refusal::NotInUse.into());
    }
    let decoded = jitfleet_relocator::decode_all(&copied.captured).map_err(|e| Refusal::Undecodable(e.to_string()))?;
    facts.decoded = true;
    // Both self-checks run on every decoded nmethod, so the index counts their findings even
    // for methods refused for another reason.
    let check = jitfleet_relocator::relocheck::check_relocations(&copied.captured, &decoded, &narrow_encoding(shim));
    facts.reloc_checked = check.checked;
    facts.reloc_violations = check.violations.len();
    facts.first_reloc_violation = check.violations.first().map(|v| format!("content+{}: {}", v.offset.0, v.detail));
    let globals = state.globals;
    let compat = match agent.compat.get() {
        Some(Some(key)) => (key.digest(), key.short_id()),
        _ => return Err(Refusal::NoCompatKey.into()),
    };
    facts.compat = Some(compat.1.clone());
    let symbols = jni
        .with_local_frame(64, || DonorSymbols::new(agent, jni, inline_methods, globals))
        .ok_or(Refusal::UnnamedMethod)?;
    let mut symbols = symbols;
    symbols.oop_objects = read_oop_constants(shim, jni, nm, &copied.captured, &decoded);
    // Objects other than mirrors are named from the code facts, which are then computed here
    // (and their refusal, if any, reported after the translation's, as for other methods).
    let early_facts = symbols.oop_objects.values().any(|o| matches!(o, OopObject::Other(_))).then(|| {
        let gathered = code_facts(agent, jni, &copied.captured, &decoded, &symbols.method_ids);
        if let Ok((facts, methods)) = &gathered {
            name_objects(agent, jni, nm, &copied.captured, &decoded, &mut symbols, facts, methods);
        }
        if let Err(e) = &gathered {
            tracing::debug!("compile {}: code facts not gathered: {e}", copied.compile_id);
        }
        gathered
    });
    facts.inline_tree = inline_tree(&decoded, &copied.captured.metadata, &symbols);
    facts.all_reasons = translate::survey(&copied.captured, &decoded, &symbols);
    match oracle::compare(decoded.scope_chains(), &copied.captured.metadata, &symbols.method_ids, records) {
        Ok(agreed) => facts.scope_pcs = agreed,
        Err(e) => facts.scope_disagreement = Some(e),
    }
    if let Some(e) = &facts.scope_disagreement {
        return Err(Refusal::Undecodable(format!("scopes disagree with JVMTI's inline records: {e}")).into());
    }
    if let Some(first) = &facts.first_reloc_violation {
        return Err(store::Refused {
            name: store::RELOCATION_MISMATCH,
            detail: format!("{} relocations do not match their instructions; first: {first}", facts.reloc_violations),
        });
    }
    tracing::debug!("compile {}: decoded scopes agree with JVMTI at {} pcs", copied.compile_id, facts.scope_pcs);
    let mut portable = translate::translate(&copied.captured, &decoded, &symbols, compat, copied.compile_id)?;
    portable.facts = match early_facts {
        Some(gathered) => gathered?.0,
        None => code_facts(agent, jni, &copied.captured, &decoded, &symbols.method_ids)?.0,
    };
    tracing::debug!("compile {}: code facts {:?}", copied.compile_id, portable.facts);
    facts.inlined = portable.methods.len().saturating_sub(1);
    facts.translated = (portable.java_calls.len(), portable.exception_handlers.len(), portable.klass_patches.len(), portable.method_patches.len());
    facts.scalar_replaced = portable.debug_infos().map(|d| d.objects.len()).sum();
    facts.objects = portable.object_patches.iter().map(|p| &p.object).chain(&portable.debug_objects).fold((0, 0, 0), |(m, s, f), o| match o {
        ObjectSymbol::Mirror(_) => (m + 1, s, f),
        ObjectSymbol::Str(_) => (m, s + 1, f),
        ObjectSymbol::StaticFinal { .. } => (m, s, f + 1),
    });
    tracing::debug!(
        "portable nmethod of compile {}: {} code bytes, {} runtime calls, {} polls, {} implicit checks, VM globals {:?}",
        copied.compile_id,
        portable.code.len(),
        portable.foreign_calls.len(),
        portable.polls.len(),
        portable.implicit_checks.len(),
        portable.global_patches.iter().map(|(_, g)| *g).collect::<Vec<_>>()
    );
    store::write_portable(&state.dir, &portable).map_err(|e| Refusal::Undecodable(format!("write failed: {e}")).into())
}

/// This JVM's compressed oop and class pointer encoding, for the relocation self-check
/// (zeros when unknown: narrow operands then fail the check, which refuses the method).
fn narrow_encoding(shim: &crate::shim::Shim) -> jitfleet_relocator::relocheck::NarrowEncoding {
    match shim.vm_facts() {
        Ok(f) => jitfleet_relocator::relocheck::NarrowEncoding {
            oop_base: f.narrow_oop_base,
            oop_shift: f.narrow_oop_shift,
            klass_base: f.narrow_klass_base,
            klass_shift: f.narrow_klass_shift,
        },
        Err(_) => Default::default(),
    }
}

/// The inline tree from the decoded scopes, preorder, one line per inlined call site:
/// two spaces per depth, `@bci` of the call in its caller (none for the root), the method.
/// Methods the donor cannot name print as their metadata index.
fn inline_tree(decoded: &jitfleet_relocator::DecodedNmethod, metadata: &[u64], symbols: &DonorSymbols) -> Vec<String> {
    use std::collections::BTreeSet;
    /// Bound on recorded tree nodes, so one huge compilation keeps its index line short.
    const MAX_NODES: usize = 500;
    let mut paths: BTreeSet<Vec<(i32, u32)>> = BTreeSet::new();
    for (_, chain) in decoded.scope_chains() {
        // chain: innermost first; a path is the outermost-first list of (call bci, method).
        let mut path = Vec::with_capacity(chain.len());
        let mut call_bci = -1;
        for (index, bci) in chain.iter().rev() {
            path.push((call_bci, index.0));
            paths.insert(path.clone());
            call_bci = *bci;
        }
    }
    paths
        .iter()
        .take(MAX_NODES)
        .filter_map(|path| {
            let &(bci, index) = path.last()?;
            let method = (index as usize)
                .checked_sub(1)
                .and_then(|slot| metadata.get(slot))
                .and_then(|ptr| symbols.by_method_ptr.get(ptr))
                .map_or_else(|| format!("metadata #{index}"), |m| m.to_string());
            Some(if path.len() == 1 { method } else { format!("{}@{bci} {method}", "  ".repeat(path.len() - 1)) })
        })
        .collect()
}

/// The code facts (capture/facts.rs) of every method C2 parsed for this nmethod, and those
/// methods (jmethodIDs).
fn code_facts(
    agent: &Agent,
    jni: Jni,
    captured: &jitfleet_relocator::CapturedNmethod,
    decoded: &jitfleet_relocator::DecodedNmethod,
    known: &HashMap<u64, usize>,
) -> Result<(jitfleet_relocator::facts::CodeFacts, Vec<usize>), Refusal> {
    let no_frame = || Refusal::Facts("no JNI local frame".into());
    let parsed = facts::parsed_methods(captured, decoded);
    let mut methods: Vec<usize> = known.values().copied().collect();
    methods.sort_unstable();
    jni.with_local_frame(64, || {
        methods.extend(facts::name_parsed_methods(agent, jni, &parsed, known)?);
        let mut gathered = facts::gather(agent, jni, &methods)?;
        gathered.assumptions = facts::assumptions(agent, jni, captured, decoded, &methods)?;
        Ok((gathered, methods))
    })
    .ok_or_else(no_frame)?
}

/// The counter name for methods refused for `reason` alone (a static name per reason).
fn sole_reason_key(reason: &str) -> &'static str {
    const KEYS: &[(&str, &str)] = &[
        ("osr", "only_osr"),
        ("osr_shape", "only_osr_shape"),
        ("constants", "only_constants"),
        ("exception_handlers", "only_exception_handlers"),
        ("implicit_checks", "only_implicit_checks"),
        ("dependencies", "only_dependencies"),
        ("oops", "only_oops"),
        ("metadata", "only_metadata"),
        ("java_calls", "only_java_calls"),
        ("external_words", "only_external_words"),
        ("internal_words", "only_internal_words"),
        ("scalar_replaced", "only_scalar_replaced"),
        ("scalar_replaced_shape", "only_scalar_replaced_shape"),
        ("monitors", "only_monitors"),
        ("raw_vm_address", "only_raw_vm_address"),
        ("unnamed_klass", "only_unnamed_klass"),
        ("hidden_class", "only_hidden_class"),
    ];
    KEYS.iter().find(|(r, _)| *r == reason).map(|(_, k)| *k).unwrap_or("only_other")
}

/// The JNIEnv of the current (attached) thread.
fn current_jni(vm: usize) -> Option<Jni> {
    let vm = vm as *mut JavaVM;
    let mut env: *mut c_void = std::ptr::null_mut();
    // SAFETY: `vm` is the JavaVM* obtained at VMInit, valid for the life of the process;
    // GetEnv only writes the current thread's env into `env`.
    let rc = unsafe { (**vm).GetEnv.map(|f| f(vm, &mut env, JNI_VERSION_1_8)) };
    if rc != Some(JNI_OK) || env.is_null() {
        return None;
    }
    // SAFETY: GetEnv returned the calling thread's JNIEnv.
    Some(unsafe { Jni::from_raw(env as *mut JNIEnv) })
}

/// A method's identity: class (name, loader, bytes hash), name, descriptor.
pub fn method_ref(agent: &Agent, jni: Jni, method: usize) -> Option<MethodRef> {
    let jvmti = agent.jvmti;
    let id = method as jmethodID;
    let (name, descriptor) = jvmti.method_name(id).ok()?;
    let class = jvmti.method_declaring_class(id).ok()?;
    let class_name = loaders::internal_name(&jvmti.class_signature(class).ok()?);
    let loader = jvmti.class_loader(class).ok()?;
    let loader_id = loaders::identify(jvmti, jni, loader);
    let bytes_hash = agent.classes.hash_of(&class_name, &loader_id);
    Some(MethodRef { class: ClassRef { name: class_name, loader: loader_id.to_string(), bytes_hash }, name, descriptor })
}

/// The donor's answers to [`translate::Symbols`]: methods of this compilation's inline
/// records, classes of metadata constants, blobs by name, libjvm by offset.
struct DonorSymbols<'a> {
    agent: &'a Agent,
    by_method_ptr: HashMap<u64, MethodRef>,
    /// `Method*` → jmethodID of every method of the inline records.
    method_ids: HashMap<u64, usize>,
    /// `ClassLoaderData*` → loader, for the loaders of the compiled and inlined methods'
    /// classes: the non-boot loaders a metadata constant's class may be named by.
    cld_loaders: HashMap<u64, jitfleet_transport::profile::LoaderId>,
    /// What each oop relocation's object (by pc) and each oop table entry is
    /// (`read_oop_constants`).
    oop_objects: HashMap<OopAt, OopObject>,
    globals: VmGlobals,
}

/// Where an object constant of the code is: the instruction at a pc (an oop relocation), or an
/// entry of the oop table (1-based, as debug information refers to it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OopAt {
    Pc(u32),
    Table(u32),
}

/// An object constant of the code as read at capture: the class a mirror stands for, an
/// object named by identity (capture/objects.rs), or the class of any other object.
#[derive(Debug, Clone, PartialEq, Eq)]
enum OopObject {
    /// A `java.lang.Class` mirror of this `Klass*` (0 for a primitive type's mirror).
    Mirror(u64),
    /// An interned string or a static final field's value.
    Named(translate::DonorObject),
    /// Another object, of this `Klass*`.
    Other(u64),
}

impl<'a> DonorSymbols<'a> {
    fn new(agent: &'a Agent, jni: Jni, inline_methods: &[usize], globals: VmGlobals) -> DonorSymbols<'a> {
        let mut by_method_ptr = HashMap::new();
        let mut method_ids = HashMap::new();
        let mut cld_loaders = HashMap::new();
        if let Some(shim) = agent.shim.as_ref() {
            for &m in inline_methods {
                let Ok(ptr) = crate::shim::method::method_from_jmethod_id(shim.memory(), m as u64) else { continue };
                method_ids.insert(ptr, m);
                if let Some(r) = method_ref(agent, jni, m) {
                    by_method_ptr.insert(ptr, r);
                }
                let loader = agent
                    .jvmti
                    .method_declaring_class(m as jmethodID)
                    .and_then(|c| agent.jvmti.class_loader(c))
                    .map(|l| loaders::identify(agent.jvmti, jni, l));
                if let (Some(cld), Ok(loader)) = (holder_cld(shim, ptr), loader) {
                    cld_loaders.insert(cld, loader);
                }
            }
        }
        DonorSymbols { agent, by_method_ptr, method_ids, cld_loaders, oop_objects: HashMap::new(), globals }
    }
}

/// What the object of every oop relocation is, read from the live nmethod with GC held off
/// (objects move, and the GC updates the nmethod's oop table and immediates when they do): the
/// reference from the oop table (index > 0) or the `movabs` immediate (index 0), then the
/// object's class, and for a `java.lang.Class` the class it mirrors. Relocations of other
/// forms are left out (the translation refuses them).
fn read_oop_constants(shim: &crate::shim::Shim, jni: Jni, nm: u64, captured: &jitfleet_relocator::CapturedNmethod, decoded: &jitfleet_relocator::DecodedNmethod) -> HashMap<OopAt, OopObject> {
    let oops = oop_slots(nm, captured, decoded);
    if oops.is_empty() {
        return HashMap::new();
    }
    let (Ok(facts), Some(mirror_klass_at), Some(method_layout)) = (
        shim.vm_facts(),
        shim.registry().static_address("java_lang_Class::_klass_offset"),
        shim.layout().method.as_ref(),
    ) else {
        tracing::debug!("object constants not read: VM facts, java_lang_Class::_klass_offset or the method layout missing");
        return HashMap::new();
    };
    let mem = shim.memory();
    let Ok(mirror_klass_offset) = mem.read_u32(mirror_klass_at, "java_lang_Class::_klass_offset") else { return HashMap::new() };
    let read = || -> HashMap<OopAt, (u64, u64)> {
        let mut out = HashMap::new();
        for &(pc, slot) in &oops {
            let Some(object) = read_reference(mem, slot) else { continue };
            let klass = if facts.compressed_class_pointers {
                mem.read_u32(object + 8, "narrow klass").map(|n| facts.narrow_klass_base + (u64::from(n) << facts.narrow_klass_shift))
            } else {
                mem.read_u64(object + 8, "klass")
            };
            let Ok(klass) = klass else { continue };
            let mirrored = mem.read_u64(object + u64::from(mirror_klass_offset), "java_lang_Class::_klass").unwrap_or(u64::MAX);
            out.insert(pc, (klass, mirrored));
        }
        out
    };
    let Some(raw) = jni.with_gc_held(read) else {
        tracing::debug!("object constants not read: no JNI critical region");
        return HashMap::new();
    };
    tracing::debug!("object constants: {} of {} read", raw.len(), oops.len());
    // Names are read after the region (metadata does not move).
    raw.into_iter()
        .map(|(pc, (klass, mirrored))| {
            let is_class = crate::shim::method::read_klass_name(mem, method_layout, klass).is_ok_and(|n| n == "java/lang/Class");
            (pc, if is_class && mirrored != u64::MAX { OopObject::Mirror(mirrored) } else { OopObject::Other(klass) })
        })
        .filter(|(_, o)| *o != OopObject::Mirror(u64::MAX))
        .collect()
}

/// (where, address of the reference) of every oop relocation whose object can be read — from
/// the oop table (index > 0) or a `movabs` immediate (index 0) — and of every oop table entry.
fn oop_slots(nm: u64, captured: &jitfleet_relocator::CapturedNmethod, decoded: &jitfleet_relocator::DecodedNmethod) -> Vec<(OopAt, u64)> {
    use jitfleet_relocator::reloc::{OperandFormat, RelocKind};
    let table = (1..=captured.oops.len() as u32).map(|i| (OopAt::Table(i), nm + u64::from(captured.layout.oops_offset) + 8 * u64::from(i - 1)));
    decoded
        .relocations
        .iter()
        .filter_map(|r| {
            let RelocKind::Oop { index, .. } = r.kind else { return None };
            let pc = u32::try_from(decoded.content.to_pc_offset(r.offset).0).ok()?;
            let slot = if index.0 > 0 {
                nm + u64::from(captured.layout.oops_offset) + 8 * (u64::from(index.0) - 1)
            } else if r.format == OperandFormat::Immediate {
                captured.code_address() + u64::from(pc) + 2
            } else {
                return None;
            };
            Some((OopAt::Pc(pc), slot))
        })
        .chain(table)
        .collect()
}

/// The object address stored at `slot` (non-null), to be called with GC held off.
fn read_reference(mem: &crate::shim::native::VmMemory, slot: u64) -> Option<u64> {
    // An immediate need not be 8-byte aligned: read bytes.
    let bytes = mem.read(slot, 8, "oop constant").ok()?;
    let bytes = <[u8; 8]>::try_from(&bytes[..]).ok()?;
    Some(u64::from_le_bytes(bytes)).filter(|&o| o != 0)
}

/// Names the object constants that are neither mirrors nor nameable yet (objects.rs), given
/// the code facts and the parsed methods.
fn name_objects(agent: &Agent, jni: Jni, nm: u64, captured: &jitfleet_relocator::CapturedNmethod, decoded: &jitfleet_relocator::DecodedNmethod, symbols: &mut DonorSymbols, facts: &jitfleet_relocator::facts::CodeFacts, methods: &[usize]) {
    let Some(shim) = agent.shim.as_ref() else { return };
    let Some(layout) = shim.layout().method.as_ref() else { return };
    let mut own_classes: Vec<String> = Vec::new();
    for o in symbols.oop_objects.values() {
        if let OopObject::Other(k) = o {
            if let Ok(name) = crate::shim::method::read_klass_name(shim.memory(), layout, *k) {
                if !own_classes.contains(&name) {
                    own_classes.push(name);
                }
            }
        }
    }
    if own_classes.is_empty() {
        return;
    }
    let strings = own_classes.iter().any(|c| c == "java/lang/String");
    own_classes.retain(|c| c != "java/lang/String" && !c.starts_with('['));
    let slots: Vec<(OopAt, u64)> = oop_slots(nm, captured, decoded).into_iter().filter(|(pc, _)| matches!(symbols.oop_objects.get(pc), Some(OopObject::Other(_)))).collect();
    let named = jni.with_local_frame(256, || {
        let candidates = objects::candidates(agent, jni, methods, facts, &objects::Wanted { strings, own_classes: &own_classes });
        objects::identify(shim, jni, &slots, &candidates)
    });
    for (pc, object) in named.unwrap_or_default() {
        symbols.oop_objects.insert(pc, OopObject::Named(object));
    }
}

/// `Method*` → holder `InstanceKlass*` (through its constant pool) → `ClassLoaderData*`.
fn holder_cld(shim: &crate::shim::Shim, method: u64) -> Option<u64> {
    klass_cld(shim, method_holder(shim, method)?)
}

/// The holder `InstanceKlass*` of a `Method*`, through its `ConstMethod` and constant pool.
fn method_holder(shim: &crate::shim::Shim, method: u64) -> Option<u64> {
    let m = shim.layout().method.as_ref()?;
    let mem = shim.memory();
    let cm = mem.read_u64(method + m.method_const_method, "Method::_constMethod").ok()?;
    let cp = mem.read_u64(cm + m.const_method_constants, "ConstMethod::_constants").ok()?;
    mem.read_u64(cp + m.constant_pool_pool_holder, "ConstantPool::_pool_holder").ok()
}

fn klass_cld(shim: &crate::shim::Shim, klass: u64) -> Option<u64> {
    let offset = shim.registry().field_offset("Klass::_class_loader_data")?;
    shim.memory().read_u64(klass + offset, "Klass::_class_loader_data").ok().filter(|&c| c != 0)
}

/// Names a `Klass*` of a metadata constant: its name (`Klass::_name`), and its loader — boot
/// when its `ClassLoaderData` has no loader object, else the loader of a compiled or inlined
/// method's class with the same `ClassLoaderData`; any other loader, and hidden classes, are
/// not named (refused).
fn name_klass(agent: &Agent, cld_loaders: &HashMap<u64, jitfleet_transport::profile::LoaderId>, klass: u64) -> Option<KlassConstant> {
    let shim = agent.shim.as_ref()?;
    let m = shim.layout().method.as_ref()?;
    let name = crate::shim::method::read_klass_name(shim.memory(), m, klass).ok()?;
    // A hidden class has no name another JVM could resolve (refused as `hidden_class`).
    if is_hidden(shim, klass) {
        return None;
    }
    let cld = klass_cld(shim, klass)?;
    let handle_offset = shim.registry().field_offset("ClassLoaderData::_class_loader")?;
    let handle = shim.memory().read_u64(cld + handle_offset, "ClassLoaderData::_class_loader").ok()?;
    let loader = if handle == 0 { jitfleet_transport::profile::LoaderId::Boot } else { cld_loaders.get(&cld)?.clone() };
    let element = name.trim_start_matches('[');
    let dims = name.len() - element.len();
    let element_name = if dims == 0 {
        element.to_string()
    } else if element.len() == 1 && "ZBCSIJFD".contains(element) {
        return (handle == 0).then(|| KlassConstant { name: name.clone(), element: None });
    } else {
        element.strip_prefix('L')?.strip_suffix(';')?.to_string()
    };
    if element_name.is_empty() || element_name.contains(['[', ';', '.']) {
        return None;
    }
    let bytes_hash = agent.classes.hash_of(&element_name, &loader);
    Some(KlassConstant { name, element: Some(ClassRef { name: element_name, loader: loader.to_string(), bytes_hash }) })
}

impl translate::Symbols for DonorSymbols<'_> {
    fn method(&self, method_ptr: u64) -> Option<MethodRef> {
        self.by_method_ptr.get(&method_ptr).cloned()
    }

    fn runtime_target(&self, address: u64) -> Option<RuntimeTarget> {
        blobs::names().symbolise(address).or_else(|| libjvm_offset(address).map(|offset| RuntimeTarget::Libjvm { offset }))
    }

    fn vm_global(&self, value: u64) -> Option<VmGlobal> {
        self.globals.global_of(value)
    }

    fn may_be_address(&self, value: u64) -> bool {
        mappings::may_be_address(value)
    }

    fn object(&self, at: OopAt) -> Result<translate::DonorObject, String> {
        match self.oop_objects.get(&at) {
            Some(OopObject::Mirror(0)) => Err("java/lang/Class (a primitive type's mirror)".into()),
            Some(OopObject::Mirror(k)) => name_klass(self.agent, &self.cld_loaders, *k)
                .map(translate::DonorObject::Mirror)
                .ok_or_else(|| "java/lang/Class (of a class this capture cannot name)".into()),
            Some(OopObject::Named(o)) => Ok(o.clone()),
            Some(OopObject::Other(k)) => Err(self.agent.shim.as_ref().and_then(|s| s.layout().method.as_ref().map(|m| (s, m))).and_then(|(s, m)| crate::shim::method::read_klass_name(s.memory(), m, *k).ok()).unwrap_or_else(|| "an unnamed class".into())),
            None => Err("an object that could not be read".into()),
        }
    }

    fn klass(&self, klass_ptr: u64) -> Option<KlassConstant> {
        if self.by_method_ptr.contains_key(&klass_ptr) || self.method_ids.contains_key(&klass_ptr) {
            return None;
        }
        name_klass(self.agent, &self.cld_loaders, klass_ptr)
    }

    fn method_constant(&self, ptr: u64) -> Option<MethodRef> {
        method_constant(self.agent, &self.cld_loaders, ptr)
    }

    fn unnamed(&self, ptr: u64) -> translate::Unnamed {
        use translate::Unnamed;
        if let Some(m) = self.by_method_ptr.get(&ptr) {
            return Unnamed::Other(format!("Method* of {m}"));
        }
        let Some(shim) = self.agent.shim.as_ref() else { return Unnamed::Other("not identified (no shim)".into()) };
        if let Some(what) = method_description(shim, ptr) {
            return Unnamed::Other(format!("Method* of {what}"));
        }
        let Some(m) = shim.layout().method.as_ref() else { return Unnamed::Other("not identified".into()) };
        let Ok(name) = crate::shim::method::read_klass_name(shim.memory(), m, ptr) else {
            return Unnamed::Other("neither a Method* nor a readable Klass*".into());
        };
        if is_hidden(shim, ptr) {
            return Unnamed::Hidden(name);
        }
        let cld = klass_cld(shim, ptr).unwrap_or(0);
        Unnamed::Other(format!("class {name} of a loader this capture cannot name (ClassLoaderData {cld:#x})"))
    }
}

/// `AccessFlags` bit of a hidden class (`utilities/accessFlags.hpp`, JDK 17).
const JVM_ACC_IS_HIDDEN_CLASS: u32 = 0x0400_0000;

/// Whether `klass` is a hidden class (`Klass::_access_flags`); `false` when unreadable.
fn is_hidden(shim: &crate::shim::Shim, klass: u64) -> bool {
    let flags = shim.registry().field_offset("Klass::_access_flags").and_then(|o| shim.memory().read_u32(klass + o, "Klass::_access_flags").ok());
    flags.is_some_and(|f| f & JVM_ACC_IS_HIDDEN_CLASS != 0)
}

/// `holder.name descriptor` when `ptr` is a `Method*`: one its holder's `_methods` array
/// holds (the proof; a `Klass*` read as a `Method*` gives a chain that fails or a holder whose
/// methods do not include it).
fn method_description(shim: &crate::shim::Shim, ptr: u64) -> Option<String> {
    let (_, snap) = read_method_constant(shim, ptr)?;
    Some(format!("{}.{}{}", snap.holder.unwrap_or_default(), snap.name.unwrap_or_default(), snap.signature.unwrap_or_default()))
}

/// A `Method*` constant of the code by class identity, name and descriptor: the holder must be
/// a class [`name_klass`] can name (not hidden, a loader the capture knows).
fn method_constant(agent: &Agent, cld_loaders: &HashMap<u64, jitfleet_transport::profile::LoaderId>, ptr: u64) -> Option<MethodRef> {
    let (holder, snap) = read_method_constant(agent.shim.as_ref()?, ptr)?;
    let class = name_klass(agent, cld_loaders, holder)?;
    if class.name.starts_with('[') {
        return None;
    }
    Some(MethodRef { class: class.element?, name: snap.name?, descriptor: snap.signature? })
}

/// The holder and the name of `ptr` when it is a `Method*`: one of its holder's methods
/// (`InstanceKlass::_methods`), which also tells a `Method*` from any other metadata.
fn read_method_constant(shim: &crate::shim::Shim, ptr: u64) -> Option<(u64, crate::shim::method::MethodSnapshot)> {
    let m = shim.layout().method.as_ref()?;
    let mem = shim.memory();
    let holder = method_holder(shim, ptr)?;
    let methods = mem.read_u64(holder + shim.registry().field_offset("InstanceKlass::_methods")?, "InstanceKlass::_methods").ok()?;
    // Array<Method*>: a 4-byte length, the elements from offset 8 (pointer alignment).
    let len = mem.read_u32(methods, "Array<Method*>::_length").ok()?;
    if len == 0 || len > 65_535 {
        return None;
    }
    let bytes = mem.read(methods + 8, len as usize * 8, "Array<Method*>::_data").ok()?;
    if !bytes.chunks_exact(8).any(|c| u64::from_le_bytes(c.try_into().unwrap_or([0; 8])) == ptr) {
        return None;
    }
    let snap = crate::shim::method::read_method(mem, m, None, None, ptr).ok()?;
    Some((holder, snap))
}

/// `address - base of libjvm.so`, when the address lies in libjvm.
pub fn libjvm_offset(address: u64) -> Option<u64> {
    let object = crate::shim::native::object_containing(address)?;
    object.path.ends_with("/libjvm.so").then(|| address - object.base)
}
