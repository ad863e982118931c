//! Turns a decoded C2 nmethod into a [`PortableNmethod`], or names why it cannot (a
//! [`Refusal`]). Pure: the two VM-dependent questions (what method is this `Method*`, what
//! runtime routine is at this address) are asked through [`Symbols`], so the whole
//! translation is testable on synthetic nmethods.
//!
//! What is translated (hotspot17.md §4–§5): runtime calls (uncommon traps, handler blobs)
//! become JVMCI foreign calls; polls become POLL marks with full-frame debug info; the
//! return-poll stub's absolute `movabs r10, poll_pc` is rewritten to a RIP-relative `lea`,
//! which JVMCI does not need to relocate; implicit null/div0 checks become implicit-exception
//! dispatches to C2's continuations. Java calls (static, opt-virtual, inline-cache virtual)
//! become JVMCI Java calls with their invoke marks — the callee is resolved by the receiver
//! from the invoke bytecode, and C2's own static call stubs are dropped (JVMCI emits its own).
//! Exception handler subtables whose only entry is C2's catch-all become one JVMCI handler per
//! return pc. `Klass*` constants become class identities the receiver patches with its own,
//! `Method*` constants (C2's intrinsic guards) method identities, patched the same way;
//! object constants (in instructions and debug info) that the donor named — class mirrors,
//! interned strings, static final values ([`DonorObject`]) — become [`ObjectSymbol`]s.
//!
//! Not translated (refused with a named reason): handler subtables that C2 dispatches by
//! exception type (`exception_dispatch`): JVMCI has one handler per pc, and leaving such a call
//! without a handler is not sound with C2's exception stub — the VM deoptimises for the missing
//! handler, but `OptoRuntime::handle_exception_C_helper` caches the deopt blob as the handler,
//! so a second frame of the same nmethod (recursion) would enter
//! `unpack_with_exception_in_tls` without being deoptimised, with the exception oop already
//! cleared by C2's exception blob. Also refused: method-handle call sites, unnamed object
//! constants, constants sections, OSR, dependencies other than evol_method.

use jitfleet_relocator::deps::DepType;
use jitfleet_relocator::portable::*;
use jitfleet_relocator::reloc::RelocKind;
use jitfleet_relocator::scope::{LocationPlace, LocationType, MonitorValue, ObjectValue, ScopeValue};
use jitfleet_relocator::oopmap::OopMapKind;
use jitfleet_relocator::vmreg::{classify, VmRegKind, STACK0_X86_64};
use jitfleet_relocator::{CapturedNmethod, CodeSection, DecodedNmethod, PcOffset};
use std::collections::BTreeMap;
use super::OopAt;

/// What the translation needs to know about the donor JVM.
pub trait Symbols {
    /// The method behind a `Method*` taken from the metadata table.
    fn method(&self, method_ptr: u64) -> Option<MethodRef>;
    /// A runtime routine's symbolic name.
    fn runtime_target(&self, address: u64) -> Option<RuntimeTarget>;
    /// The VM global whose value this is, if any.
    fn vm_global(&self, value: u64) -> Option<VmGlobal>;
    /// Whether an unrelocated 64-bit immediate that is neither a VM global nor a runtime call
    /// target may still be an address of the donor (then it refuses the method,
    /// `raw_vm_address`); otherwise it is a data constant carried unchanged
    /// (`capture/mappings.rs` says why that is sound).
    fn may_be_address(&self, value: u64) -> bool;
    /// The class behind a `Klass*` embedded in the code; `None` for anything else (a
    /// `Method*`, a hidden class, a class of a loader the capture cannot name).
    fn klass(&self, klass_ptr: u64) -> Option<KlassConstant>;
    /// The method behind a `Method*` embedded in the code as a constant (C2's guard that a
    /// receiver's vtable entry is still `Object.hashCode` or `Object.clone` before it
    /// inlines the intrinsic), by class identity, name and descriptor; `None` for anything
    /// else.
    fn method_constant(&self, _method_ptr: u64) -> Option<MethodRef> {
        None
    }
    /// What a metadata constant [`Symbols::klass`] cannot name is, for the refusal and the
    /// stats (`hidden_class` or `unnamed_klass`).
    fn unnamed(&self, _metadata_ptr: u64) -> Unnamed {
        Unnamed::Other("not identified".into())
    }
    /// What the object constant at `at` (an oop relocation's pc, or an oop table entry) is, or
    /// the name of the object's class when it is none of the objects the translation can name.
    fn object(&self, at: OopAt) -> Result<DonorObject, String>;
}

/// What an unnamed metadata constant is, as far as the donor can tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unnamed {
    /// A hidden class (its name, with HotSpot's `/0x...` suffix).
    Hidden(String),
    /// Anything else: a `Method*` (which), a class of an unnamed loader (which class).
    Other(String),
}

/// An object constant as the donor named it (becomes an [`ObjectSymbol`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DonorObject {
    /// The mirror of this class.
    Mirror(KlassConstant),
    /// The interned string of these UTF-16 code units.
    Str(Vec<u16>),
    /// The value of this static final field.
    StaticFinal { holder: ClassRef, name: String, descriptor: String },
}

/// `lea r10, [rip + disp32]`: REX.W+R, 8D, ModRM(r10, rip).
const LEA_R10_RIP: [u8; 3] = [0x4c, 0x8d, 0x15];
/// `movabs r10, imm64`: REX.W+B, B8+2.
const MOVABS_R10: [u8; 2] = [0x49, 0xba];
/// A 3-byte nop (`nop dword [rax]`), filling the 10-byte `movabs` after the 7-byte `lea`.
const NOP3: [u8; 3] = [0x0f, 0x1f, 0x00];

/// Every structural reason the slice would refuse this nmethod for (names as in
/// [`Refusal::name`]), not just the first: what measuring "which translation unlocks how much
/// code" needs. Of the symbol questions only the constants' (which class, which mirror) are
/// asked; unnamed methods and unknown runtime targets are not.
pub fn survey(captured: &CapturedNmethod, decoded: &DecodedNmethod, symbols: &dyn Symbols) -> Vec<&'static str> {
    let mut reasons = std::collections::BTreeSet::new();
    if let Err(r) = osr_entry(captured, decoded) {
        reasons.insert(r.name());
    }
    if !captured.consts.is_empty() {
        reasons.insert(Refusal::Constants.name());
    }
    if decoded.handler_table.iter().any(|t| !is_catch_all_only(t)) {
        reasons.insert(Refusal::ExceptionDispatch(0).name());
    }
    if decoded.implicit_checks.iter().any(|c| c.is_deoptimize()) {
        reasons.insert(Refusal::ImplicitChecks.name());
    }
    // The other kinds become JVMCI assumptions (capture/facts.rs), or refuse the method there.
    if decoded.dependencies.iter().any(|d| d.kind == DepType::CallSiteTargetValue) {
        reasons.insert("dependencies");
    }
    if captured.layout.deopt_mh_handler_offset.is_some() || decoded.pcs.iter().any(|p| p.pc.flags.is_method_handle_invoke()) {
        reasons.insert(Refusal::MethodHandleCall(0).name());
    }
    let (code, stubs) = match without_static_stubs(captured, decoded) {
        Ok(c) => c,
        Err(r) => {
            reasons.insert(r.name());
            (captured.insts.iter().chain(&captured.stubs).copied().collect(), Vec::new())
        }
    };
    for r in &decoded.relocations {
        let in_stub = u32::try_from(decoded.content.to_pc_offset(r.offset).0).is_ok_and(|pc| in_static_stub(&stubs, pc));
        let reason = match &r.kind {
            _ if in_stub => continue,
            RelocKind::Oop { .. } => {
                let pc = u32::try_from(decoded.content.to_pc_offset(r.offset).0).unwrap_or(0);
                match symbols.object(OopAt::Pc(pc)) {
                    Ok(_) if oop_operand(&code, r, pc).is_some() => continue,
                    _ => Refusal::Oops,
                }
            }
            RelocKind::Metadata { index, .. } => {
                let pc = u32::try_from(decoded.content.to_pc_offset(r.offset).0).unwrap_or(0);
                match metadata_constant(captured, &code, r, *index, pc, symbols) {
                    Ok(_) => continue,
                    Err(e) => e,
                }
            }
            RelocKind::VirtualCall { method_index, .. }
            | RelocKind::OptVirtualCall { method_index }
            | RelocKind::StaticCall { method_index }
                if method_index.0 != 0 =>
            {
                Refusal::MethodHandleCall(0)
            }
            RelocKind::ExternalWord { .. } => Refusal::ExternalWords,
            RelocKind::SectionWord { .. } => Refusal::InternalWords,
            RelocKind::InternalWord { .. } if r.section == CodeSection::Consts => Refusal::InternalWords,
            _ => continue,
        };
        reasons.insert(reason.name());
    }
    let internal = relocated_pcs(decoded);
    // The return-poll stub's `movabs` is rewritten by `translate`; counting it here would
    // refuse every method, so internal words count as relocated like every relocation.
    let mut internal = internal;
    internal.extend(decoded.relocations.iter().filter_map(|r| match r.kind {
        RelocKind::VirtualCall { cached_value: Some(c), .. } => u32::try_from(decoded.content.to_pc_offset(c).0).ok(),
        _ => None,
    }));
    if unrelocated_addresses(&code, &internal)
        .iter()
        .any(|&(pc, v)| classify_immediate(&code, pc, v, symbols) == Immediate::Address)
    {
        reasons.insert("raw_vm_address");
    }
    for p in &decoded.pcs {
        if p.scopes.iter().flat_map(|s| &s.monitors).any(|m| lock_slot(m).is_err()) {
            reasons.insert(Refusal::Monitors(String::new()).name());
        }
    }
    reasons.into_iter().collect()
}

/// Translates one nmethod. `compat` is the donor's compat key digest and short id.
pub fn translate(
    captured: &CapturedNmethod,
    decoded: &DecodedNmethod,
    symbols: &dyn Symbols,
    compat: ([u8; 32], String),
    compile_id: u32,
) -> Result<PortableNmethod, Refusal> {
    let l = &captured.layout;
    let osr_entry = osr_entry(captured, decoded)?;
    if !captured.consts.is_empty() {
        return Err(Refusal::Constants);
    }
    if decoded.implicit_checks.iter().any(|c| c.is_deoptimize()) {
        return Err(Refusal::ImplicitChecks);
    }
    if let Some(d) = decoded.dependencies.iter().find(|d| d.kind == DepType::CallSiteTargetValue) {
        return Err(Refusal::Dependencies(format!("{:?}", d.kind)));
    }
    if l.deopt_mh_handler_offset.is_some() {
        return Err(Refusal::MethodHandleCall(0));
    }
    let root_ptr = *captured.metadata.first().ok_or(Refusal::UnnamedMethod)?;
    let mut methods = MethodTable::new(symbols);
    // The compiled method is what the debug info's outermost scope names; find it there.
    let root_index = decoded
        .pcs
        .iter()
        .find_map(|p| p.scopes.last())
        .map(|s| s.method.0)
        .ok_or(Refusal::UnnamedMethod)?;
    let root = metadata_at(captured, root_index).unwrap_or(root_ptr);
    methods.index_of(root)?;

    let (mut code, static_stubs) = without_static_stubs(captured, decoded)?;
    let code_offset = l.code_offset;
    let pc_of = |header_offset: u32| header_offset.saturating_sub(code_offset);
    let mut marks = vec![(pc_of(l.verified_entry_point), MarkKind::VerifiedEntry), (pc_of(l.entry_point), MarkKind::UnverifiedEntry)];
    if l.frame_complete_offset >= 0 {
        marks.push((l.frame_complete_offset as u32, MarkKind::FrameComplete));
    }
    if let Some(pc) = osr_entry {
        marks.push((pc, MarkKind::OsrEntry));
    }
    marks.push((pc_of(l.exception_offset), MarkKind::ExceptionHandlerEntry));
    marks.push((pc_of(l.deopt_handler_offset), MarkKind::DeoptHandlerEntry));

    let code_address = captured.code_address();
    let mut poll_pcs = Vec::new();
    let mut return_polls = Vec::new();
    let mut calls: BTreeMap<u32, (u32, RuntimeTarget)> = BTreeMap::new(); // return pc -> (pc, target)
    let mut internal_words = Vec::new();
    // return pc -> (call pc, kind, inline-cache movabs pc)
    let mut java_call_sites: BTreeMap<u32, (u32, JavaCallKind, Option<u32>)> = BTreeMap::new();
    let mut inline_caches = Vec::new();
    let mut klasses: Vec<KlassConstant> = Vec::new();
    let mut klass_patches = Vec::new();
    let mut method_patches = Vec::new();
    let mut object_patches = Vec::new();
    for r in &decoded.relocations {
        let pc = decoded.content.to_pc_offset(r.offset).0;
        if pc < 0 {
            return Err(Refusal::Constants);
        }
        let pc = pc as u32;
        if in_static_stub(&static_stubs, pc) {
            // C2's own static call stubs (and their metadata and jump relocations) are dead
            // code in the installed nmethod: JVMCI emits a stub of its own for every
            // INVOKESTATIC/INVOKESPECIAL call.
            continue;
        }
        match &r.kind {
            RelocKind::Oop { .. } => {
                let narrow = oop_operand(&code, r, pc).ok_or(Refusal::Oops)?;
                let object = object_symbol(symbols.object(OopAt::Pc(pc)).map_err(Refusal::ObjectConstant)?, &mut klasses)?;
                object_patches.push(ObjectPatch { pc, object, narrow });
            }
            RelocKind::Metadata { index, .. } => match metadata_constant(captured, &code, r, *index, pc, symbols)? {
                MetadataConstant::Klass(klass, narrow) => {
                    let at = klass_index(&mut klasses, klass)?;
                    klass_patches.push(KlassPatch { pc, klass: at, narrow });
                }
                MetadataConstant::Method(method) => {
                    if method.class.bytes_hash.is_none() {
                        return Err(Refusal::NoFingerprint(method.class.name.clone()));
                    }
                    method_patches.push(MethodPatch { pc, method });
                }
            },
            RelocKind::VirtualCall { method_index, .. }
            | RelocKind::OptVirtualCall { method_index }
            | RelocKind::StaticCall { method_index }
                if method_index.0 != 0 =>
            {
                // C2 attaches a method only when it replaced a method-handle linker call
                // (`_override_symbolic_info`); JVMCI 17 cannot attach one.
                return Err(Refusal::MethodHandleCall(pc));
            }
            RelocKind::VirtualCall { cached_value, .. } => {
                let ic = cached_value
                    .and_then(|c| u32::try_from(decoded.content.to_pc_offset(c).0).ok())
                    .ok_or(Refusal::JavaCallShape(pc))?;
                check_java_call(&code, pc, Some(ic))?;
                inline_caches.push(ic);
                java_call_sites.insert(pc + CALL_LEN, (pc, JavaCallKind::Virtual, Some(ic)));
            }
            RelocKind::OptVirtualCall { .. } => {
                check_java_call(&code, pc, None)?;
                java_call_sites.insert(pc + CALL_LEN, (pc, JavaCallKind::Special, None));
            }
            RelocKind::StaticCall { .. } => {
                check_java_call(&code, pc, None)?;
                java_call_sites.insert(pc + CALL_LEN, (pc, JavaCallKind::Static, None));
            }
            RelocKind::StaticStub { .. } => return Err(Refusal::JavaCallShape(pc)),
            RelocKind::ExternalWord { .. } => return Err(Refusal::ExternalWords),
            RelocKind::SectionWord { .. } | RelocKind::TrampolineStub { .. } => return Err(Refusal::InternalWords),
            // C2 emits its safepoint poll stubs at the end of insts (`PhaseOutput::fill_buffer`);
            // the rewrite checks the shape and that the target is a return poll.
            RelocKind::InternalWord { .. } if r.section != CodeSection::Consts => internal_words.push(pc),
            RelocKind::InternalWord { .. } => return Err(Refusal::InternalWords),
            RelocKind::Poll => {
                marks.push((pc, MarkKind::PollFar));
                poll_pcs.push(pc);
            }
            RelocKind::PollReturn => {
                marks.push((pc, MarkKind::PollReturnFar));
                return_polls.push(pc);
            }
            RelocKind::RuntimeCall => {
                let (len, target) = runtime_call_target(&code, pc, code_address).ok_or(Refusal::UnknownCallForm(pc))?;
                let symbol = symbols.runtime_target(target).ok_or(Refusal::UnknownRuntimeTarget(target))?;
                calls.insert(pc + len, (pc, symbol));
            }
            RelocKind::RuntimeCallWithCp { .. } => return Err(Refusal::UnknownCallForm(pc)),
            _ => {}
        }
    }
    for &pc in &internal_words {
        rewrite_poll_stub_address(&mut code, pc, code_address, &return_polls)?;
    }
    // A clean inline cache in the portable code whatever state the donor's was in when it was
    // copied (it may have been resolved to a Klass* already); the receiver writes its own
    // `Universe::non_oop_word()` there.
    for &ic in &inline_caches {
        code[ic as usize + 2..ic as usize + 10].copy_from_slice(&u64::MAX.to_le_bytes());
    }
    let mut relocated = relocated_pcs(decoded);
    relocated.extend(&inline_caches);
    let mut global_patches = Vec::new();
    for (pc, value) in unrelocated_addresses(&code, &relocated) {
        match classify_immediate(&code, pc, value, symbols) {
            Immediate::Global(global) => global_patches.push((pc, global)),
            // JVMCI relocates it as a foreign call; a safepoint at its return address
            // (CallRuntime) gets its debug information below, a leaf call has none.
            Immediate::RuntimeCall(symbol) => {
                calls.insert(pc + MOVABS_CALL_LEN, (pc, symbol));
            }
            Immediate::Address => return Err(Refusal::RawVmAddress { pc, value }),
            // The same bits mean the same thing in the receiver.
            Immediate::Data => {}
        }
    }

    let mut polls = Vec::new();
    let mut call_debug: BTreeMap<u32, PortableDebugInfo> = BTreeMap::new();
    let mut java_calls = Vec::new();
    // Object constants of the debug info, by oop table index, each once.
    let mut debug_objects: Vec<ObjectSymbol> = Vec::new();
    let mut debug_object = |index: u32| -> Result<u32, Refusal> {
        let object = object_symbol(symbols.object(OopAt::Table(index)).map_err(Refusal::ObjectConstant)?, &mut klasses)?;
        Ok(match debug_objects.iter().position(|o| *o == object) {
            Some(i) => i as u32,
            None => {
                debug_objects.push(object);
                debug_objects.len() as u32 - 1
            }
        })
    };
    for map in &decoded.oop_maps {
        let pc = u32::try_from(map.pc_offset.0).map_err(|_| Refusal::UnexplainedSafepoint(0))?;
        let debug = debug_info_at(captured, decoded, map.pc_offset, &mut methods, &mut debug_object)?;
        if poll_pcs.contains(&pc) {
            polls.push(PollSite { pc, debug });
        } else if calls.contains_key(&pc) {
            call_debug.insert(pc, debug);
        } else if let Some(&(call_pc, kind, inline_cache)) = java_call_sites.get(&pc) {
            let flags = decoded.pc_at(map.pc_offset).map(|p| p.pc.flags).ok_or(Refusal::UnexplainedSafepoint(pc))?;
            if flags.is_method_handle_invoke() {
                return Err(Refusal::MethodHandleCall(call_pc));
            }
            java_calls.push(JavaCall { pc: call_pc, kind, inline_cache, returns_oop: flags.return_oop(), debug });
        } else {
            return Err(Refusal::UnexplainedSafepoint(pc));
        }
    }
    // JVMCI requires debug information at every Java call.
    if let Some((_, &(call_pc, _, _))) = java_call_sites.iter().find(|(_, (pc, _, _))| !java_calls.iter().any(|c| c.pc == *pc)) {
        return Err(Refusal::JavaCallShape(call_pc));
    }
    let exception_handlers = translate_handlers(&decoded.handler_table, |ret| calls.contains_key(&ret) || java_call_sites.contains_key(&ret), code.len())?;
    let mut implicit_checks = Vec::new();
    for check in &decoded.implicit_checks {
        let (Ok(pc), Ok(continuation)) = (u32::try_from(check.exec.0), u32::try_from(check.cont.0)) else {
            return Err(Refusal::ImplicitChecks);
        };
        // One safepoint record per pc: a check at the return address of a call that has one
        // would collide. A leaf call's return address has none (in OSR code the first null
        // check often follows the leaf call to OSR_migration_end at once).
        if call_debug.contains_key(&pc) || poll_pcs.contains(&pc) || java_call_sites.contains_key(&pc) {
            return Err(Refusal::ImplicitChecks);
        }
        implicit_checks.push(ImplicitCheckSite { pc, continuation, debug: position_after(captured, decoded, check.exec, &mut methods)? });
    }
    // Every method whose code is in this nmethod, inlined ones included (from all PcDescs,
    // not only safepoints): the receiver must check all their classes' bytes, and JVMCI
    // records them for redefinition.
    for scope in decoded.pcs.iter().flat_map(|p| &p.scopes) {
        methods.index_of(metadata_at(captured, scope.method.0).ok_or(Refusal::UnnamedMethod)?)?;
    }
    let foreign_calls = calls
        .into_iter()
        .map(|(ret, (pc, target))| ForeignCall { pc, target, debug: call_debug.remove(&ret) })
        .collect();
    marks.sort_by_key(|(pc, _)| *pc);
    let nm = PortableNmethod {
        compat_key: compat.0,
        compat_id: compat.1,
        methods: methods.into_refs(),
        entry_bci: l.entry_bci,
        compile_id,
        code,
        frame_size_bytes: l.frame_size_words * 8,
        orig_pc_offset: u32::try_from(l.orig_pc_offset).map_err(|_| Refusal::UnsupportedValue("orig_pc_offset".into()))?,
        marks,
        foreign_calls,
        polls,
        implicit_checks,
        global_patches,
        exception_handlers,
        java_calls,
        klasses,
        klass_patches,
        method_patches,
        object_patches,
        debug_objects,
        // Filled by the agent (capture/facts.rs): it needs the JVM, translation does not.
        facts: Default::default(),
    };
    check_virtual_classes(&nm.debug_objects, nm.debug_infos())?;
    Ok(nm)
}

/// The portable name of an object the donor named; a class it names joins `klasses`.
fn object_symbol(object: DonorObject, klasses: &mut Vec<KlassConstant>) -> Result<ObjectSymbol, Refusal> {
    Ok(match object {
        DonorObject::Mirror(klass) => ObjectSymbol::Mirror(klass_index(klasses, klass)?),
        DonorObject::Str(units) => ObjectSymbol::Str(units),
        DonorObject::StaticFinal { holder, name, descriptor } => {
            let klass = KlassConstant { name: holder.name.clone(), element: Some(holder) };
            ObjectSymbol::StaticFinal { holder: klass_index(klasses, klass)?, name, descriptor }
        }
    })
}

/// The index of `klass` in `klasses`, added when new; a class without a fingerprint refuses.
fn klass_index(klasses: &mut Vec<KlassConstant>, klass: KlassConstant) -> Result<u32, Refusal> {
    if let Some(element) = &klass.element {
        if element.bytes_hash.is_none() {
            return Err(Refusal::NoFingerprint(element.name.clone()));
        }
    }
    let at = match klasses.iter().position(|k| *k == klass) {
        Some(i) => i,
        None => {
            klasses.push(klass);
            klasses.len() - 1
        }
    };
    Ok(at as u32)
}

/// Whether an oop relocation's operand is narrow, for the forms JVMCI's
/// `pd_patch_OopConstant` patches: `movabs r, imm64` (C2's immediate oops) or a narrow-oop
/// imm32 with a table index; `None` for any other form.
fn oop_operand(code: &[u8], r: &jitfleet_relocator::reloc::Relocation, pc: u32) -> Option<bool> {
    use jitfleet_relocator::reloc::OperandFormat;
    let at = pc as usize;
    match (r.format, &r.kind) {
        (OperandFormat::Immediate, _) => {
            let movabs = code.get(at).is_some_and(|b| b & 0xf8 == 0x48) && code.get(at + 1).is_some_and(|b| (0xb8..=0xbf).contains(b));
            movabs.then_some(false)
        }
        (OperandFormat::NarrowOop, RelocKind::Oop { index, .. }) if index.0 != 0 => Some(true),
        _ => None,
    }
}

/// What a metadata constant of the code names.
enum MetadataConstant {
    /// A class, and whether the operand is a narrow klass.
    Klass(KlassConstant, bool),
    /// A method (always a full-width `movabs` immediate).
    Method(MethodRef),
}

/// What a metadata relocation names. The value comes from the metadata table (index > 0) or
/// from a `movabs r, imm64` (index 0); the operand forms are those JVMCI's
/// `pd_patch_MetaspaceConstant` patches: a 64-bit immediate of `movabs` (a `Klass*` or a
/// `Method*`), or a narrow-klass imm32 (`Assembler::locate_operand` finds it).
fn metadata_constant(
    captured: &CapturedNmethod,
    code: &[u8],
    r: &jitfleet_relocator::reloc::Relocation,
    index: jitfleet_relocator::MetadataIndex,
    pc: u32,
    symbols: &dyn Symbols,
) -> Result<MetadataConstant, Refusal> {
    use jitfleet_relocator::reloc::OperandFormat;
    let at = pc as usize;
    let movabs = |c: &[u8]| c.get(at).is_some_and(|b| b & 0xf8 == 0x48) && c.get(at + 1).is_some_and(|b| (0xb8..=0xbf).contains(b));
    let (value, narrow) = match r.format {
        OperandFormat::Immediate if movabs(code) => {
            let imm = code.get(at + 2..at + 10).ok_or(Refusal::Metadata)?;
            let inline = u64::from_le_bytes(imm.try_into().map_err(|_| Refusal::Metadata)?);
            (if index.0 == 0 { inline } else { metadata_at(captured, index.0).ok_or(Refusal::Metadata)? }, false)
        }
        OperandFormat::NarrowOop if index.0 != 0 => (metadata_at(captured, index.0).ok_or(Refusal::Metadata)?, true),
        _ => return Err(Refusal::Metadata),
    };
    if let Some(k) = symbols.klass(value) {
        return Ok(MetadataConstant::Klass(k, narrow));
    }
    match symbols.method_constant(value) {
        Some(m) if !narrow => Ok(MetadataConstant::Method(m)),
        _ => Err(unnamed_refusal(pc, value, symbols)),
    }
}

/// The refusal for the metadata constant `value` at `pc` that [`Symbols::klass`] cannot name:
/// `hidden_class` for a hidden class, else `unnamed_klass`, each saying what it is.
fn unnamed_refusal(pc: u32, value: u64, symbols: &dyn Symbols) -> Refusal {
    match symbols.unnamed(value) {
        Unnamed::Hidden(what) => Refusal::HiddenClass(pc, what),
        Unnamed::Other(what) => Refusal::UnnamedKlass(pc, what),
    }
}

/// The opcode of `call rel32`.
const CALL_REL32: u8 = 0xe8;

/// The pc of an OSR nmethod's entry (`None` for a normal compilation), once its shape is the
/// one C2 emits (`PhaseOutput::install_code`, `PhaseOutput::fill_buffer`): the entry and the
/// verified entry at pc 0, where the root block holds only the breakpoint of `PoisonOSREntry` —
/// nothing may enter the nmethod there (`Method::_code` never names it) — and the OSR entry
/// at the start of the next block (the prolog, which builds the frame; the interpreter jumps
/// there with the OSR buffer in `j_rarg0`), before the frame is complete. The body loads the
/// locals from the buffer and frees it with a leaf call to `SharedRuntime::OSR_migration_end`,
/// translated like every runtime call. JVMCI takes the OSR entry as the `OSR_ENTRY` mark and
/// `entryBCI` (`jvmciCodeInstaller.cpp` `site_Mark`, `JVMCIRuntime::register_method`).
/// Anything else refuses the method (`osr_shape`).
fn osr_entry(captured: &CapturedNmethod, decoded: &DecodedNmethod) -> Result<Option<u32>, Refusal> {
    let runtime_call_at_0 = decoded.relocations.iter().any(|r| r.kind == RelocKind::RuntimeCall && decoded.content.to_pc_offset(r.offset).0 == 0);
    osr_entry_shape(&captured.layout, &captured.insts, runtime_call_at_0)
}

/// [`osr_entry`] over the layout, the instructions, and whether a runtime call is relocated
/// at pc 0.
fn osr_entry_shape(l: &jitfleet_relocator::NmethodLayout, insts: &[u8], runtime_call_at_0: bool) -> Result<Option<u32>, Refusal> {
    if l.entry_bci == -1 {
        return Ok(None);
    }
    let shape = |what: &str| Refusal::OsrShape(format!("{what} (entry_bci {})", l.entry_bci));
    if l.entry_bci < 0 {
        return Err(shape("a negative entry bci"));
    }
    let pc = |header_offset: u32| header_offset.checked_sub(l.code_offset);
    if pc(l.entry_point) != Some(0) || pc(l.verified_entry_point) != Some(0) {
        return Err(shape("the entry points are not at pc 0"));
    }
    let osr = pc(l.osr_entry_point).filter(|&p| p > 0 && (p as usize) < insts.len()).ok_or_else(|| shape("the OSR entry is outside the instructions"))?;
    let root_block = &insts[..osr as usize];
    // The breakpoint (`MacroAssembler::int3` is `call os::breakpoint`, a relocated runtime
    // call translated with the others), then the padding before the next block: nops only.
    let nop_byte = |b: &u8| matches!(b, 0x90 | 0x66 | 0x0f | 0x1f | 0x40 | 0x44 | 0x00 | 0x80 | 0x84);
    let breakpoint = root_block.len() >= CALL_LEN as usize && root_block[0] == CALL_REL32 && runtime_call_at_0;
    if !breakpoint || !root_block[CALL_LEN as usize..].iter().all(nop_byte) {
        let head: Vec<String> = root_block.iter().take(16).map(|b| format!("{b:02x}")).collect();
        return Err(shape(&format!("the code before the OSR entry is not C2's poisoned entry ({} bytes: {})", root_block.len(), head.join(" "))));
    }
    if l.frame_complete_offset >= 0 && (l.frame_complete_offset as u32) <= osr {
        return Err(shape("the frame is complete before the OSR entry"));
    }
    Ok(Some(osr))
}

/// Length of `call rel32`.
const CALL_LEN: u32 = 5;
/// C2's static call stub (`CompiledStaticCall::emit_to_interp_stub`): `movabs rbx, Method*`
/// (10 bytes) then `jmp rel32` (5 bytes).
const STATIC_STUB_LEN: u32 = 15;

/// Whether a C2 handler subtable routes every exception to one place: its only entry is the
/// catch-all (bci -1 at depth 0). C2's runtime looks up the handler by the exception's type
/// in the innermost scope and falls back to (-1, 0) (`compute_compiled_exc_handler`); with
/// only that entry, every exception goes there — JVMCI's one handler per pc says the same.
/// Outer scopes' catches are already dispatched by C2's code behind that entry.
fn is_catch_all_only(t: &jitfleet_relocator::handlers::HandlerSubtable) -> bool {
    matches!(t.entries[..], [e] if e.bci == -1 && e.scope_depth == 0)
}

/// The handler table as (return pc, handler pc) pairs, or the refusal naming a call site C2
/// dispatches by exception type. Every subtable must belong to a translated call.
fn translate_handlers(
    table: &[jitfleet_relocator::handlers::HandlerSubtable],
    is_call_return: impl Fn(u32) -> bool,
    code_len: usize,
) -> Result<Vec<(u32, u32)>, Refusal> {
    let mut out = Vec::new();
    for t in table {
        let ret = u32::try_from(t.catch_pc.0).map_err(|_| Refusal::ExceptionDispatch(0))?;
        if !is_catch_all_only(t) || !is_call_return(ret) {
            return Err(Refusal::ExceptionDispatch(ret));
        }
        let handler = u32::try_from(t.entries[0].handler_pc.0).ok().filter(|&h| (h as usize) < code_len).ok_or(Refusal::ExceptionDispatch(ret))?;
        out.push((ret, handler));
    }
    Ok(out)
}

/// Checks a Java call's shape: `call rel32` at `pc`, and for an inline cache the
/// `movabs rax, imm64` before it.
fn check_java_call(code: &[u8], pc: u32, inline_cache: Option<u32>) -> Result<(), Refusal> {
    if code.get(pc as usize) != Some(&0xe8) || code.len() < (pc + CALL_LEN) as usize {
        return Err(Refusal::JavaCallShape(pc));
    }
    if let Some(ic) = inline_cache {
        let movabs_rax = code.get(ic as usize..ic as usize + 2) == Some(&[0x48, 0xb8]);
        if !movabs_rax || ic + 10 > pc {
            return Err(Refusal::JavaCallShape(pc));
        }
    }
    Ok(())
}

/// Pc offsets of every relocation in the instructions and stubs.
fn relocated_pcs(decoded: &DecodedNmethod) -> Vec<u32> {
    decoded.relocations.iter().filter_map(|r| u32::try_from(decoded.content.to_pc_offset(r.offset).0).ok()).collect()
}

fn in_static_stub(stubs: &[u32], pc: u32) -> bool {
    stubs.iter().any(|&s| (s..s + STATIC_STUB_LEN).contains(&pc))
}

/// Instructions and stubs with C2's static call stubs overwritten by `int3`, and the stubs'
/// pc offsets. The stubs are unreachable once JVMCI has emitted its own, and once resolved
/// they hold a `Method*` and a code address of the donor, which must not travel.
fn without_static_stubs(captured: &CapturedNmethod, decoded: &DecodedNmethod) -> Result<(Vec<u8>, Vec<u32>), Refusal> {
    let mut code = captured.insts.clone();
    code.extend_from_slice(&captured.stubs);
    let mut stubs = Vec::new();
    for r in &decoded.relocations {
        if !matches!(r.kind, RelocKind::StaticStub { .. }) {
            continue;
        }
        let pc = u32::try_from(decoded.content.to_pc_offset(r.offset).0).map_err(|_| Refusal::JavaCallShape(0))?;
        let at = pc as usize;
        let shape = code.get(at..at + 2) == Some(&[0x48, 0xbb]) && code.get(at + 10) == Some(&0xe9);
        if !shape || at + STATIC_STUB_LEN as usize > code.len() {
            return Err(Refusal::JavaCallShape(pc));
        }
        code[at..at + STATIC_STUB_LEN as usize].fill(0xcc);
        stubs.push(pc);
    }
    Ok((code, stubs))
}

/// The frames (without values) of the first PcDesc after `pc` that has a scope: where the
/// faulting instruction belongs, for a record the VM requires but never reads.
fn position_after(
    captured: &CapturedNmethod,
    decoded: &DecodedNmethod,
    pc: PcOffset,
    methods: &mut MethodTable<'_>,
) -> Result<PortableDebugInfo, Refusal> {
    let scopes = decoded
        .pcs
        .iter()
        .find(|p| p.pc.pc_offset > pc && !p.scopes.is_empty())
        .ok_or(Refusal::ImplicitChecks)?;
    let mut frames = Vec::new();
    for scope in scopes.scopes.iter().rev() {
        let ptr = metadata_at(captured, scope.method.0).ok_or(Refusal::UnnamedMethod)?;
        frames.push(PortableFrame {
            method: methods.index_of(ptr)?,
            bci: scope.bci.max(0),
            reexecute: false,
            rethrow_exception: false,
            locals: Vec::new(),
            stack: Vec::new(),
            monitors: Vec::new(),
        });
    }
    Ok(PortableDebugInfo { frames, references: Vec::new(), objects: Vec::new() })
}

/// Length of `movabs r10, imm64; call r10`.
const MOVABS_CALL_LEN: u32 = 13;

/// C2 emits its runtime calls (`CallRuntime`, `CallLeaf`, `CallLeafNoFP`: allocation slow
/// paths, G1's write-barrier entries, math routines, arraycopy helpers) as `movabs r10,
/// target; call r10` WITHOUT a relocation (`Java_To_Runtime` in x86_64.ad: the target is
/// absolute and the code never moves). The symbol of such a call whose target this JVM can
/// name (a blob, or libjvm by offset from its base), if the bytes at `pc` are exactly that
/// pair loading `value`.
fn unrelocated_runtime_call(code: &[u8], pc: u32, value: u64, symbols: &dyn Symbols) -> Option<RuntimeTarget> {
    match runtime_call_target(code, pc, 0)? {
        (MOVABS_CALL_LEN, target) if target == value => symbols.runtime_target(target),
        _ => None,
    }
}

/// The length and absolute target of the runtime call or jump at `pc`, for the forms
/// JVMCI's `pd_relocate_ForeignCall` accepts.
fn runtime_call_target(code: &[u8], pc: u32, code_address: u64) -> Option<(u32, u64)> {
    let at = pc as usize;
    let bytes = code.get(at..)?;
    let rel32 = |from: usize| bytes.get(from..from + 4).map(|b| i32::from_le_bytes([b[0], b[1], b[2], b[3]]));
    let rel_target = |len: u32, disp: i32| Some((len, (code_address + u64::from(pc) + u64::from(len)).wrapping_add(disp as i64 as u64)));
    match bytes {
        [0xe8, ..] | [0xe9, ..] => rel_target(5, rel32(1)?),
        [0x0f, op, ..] if (0x80..=0x8f).contains(op) => rel_target(6, rel32(2)?),
        // movabs r10, imm64; call r10
        [0x49, 0xba, rest @ ..] if rest.get(8..11) == Some(&[0x41, 0xff, 0xd2]) => {
            let imm = u64::from_le_bytes(rest.get(..8)?.try_into().ok()?);
            Some((13, imm))
        }
        _ => None,
    }
}

/// What an unrelocated `movabs r, imm64` of [`unrelocated_addresses`] loads.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Immediate {
    /// A VM global the receiver has its own value of (card table base, narrow klass base).
    Global(VmGlobal),
    /// The target of a `movabs r10, target; call r10` runtime call.
    RuntimeCall(RuntimeTarget),
    /// Possibly an address of the donor nobody can name: refuses the method
    /// (`raw_vm_address`).
    Address,
    /// A data constant — a Java `long` (bit masks), a magic multiplier C2 made for a division
    /// by a constant — too far from every mapping of the donor to be one of its addresses
    /// ([`Symbols::may_be_address`]): carried unchanged.
    Data,
}

/// Classifies the immediate `value` of the `movabs` at `pc`: known VM globals and runtime
/// call targets first (found by decoding, not by the value's range), then the donor's
/// address space decides between a possible address and data.
fn classify_immediate(code: &[u8], pc: u32, value: u64, symbols: &dyn Symbols) -> Immediate {
    if let Some(global) = symbols.vm_global(value) {
        return Immediate::Global(global);
    }
    if let Some(symbol) = unrelocated_runtime_call(code, pc, value, symbols) {
        return Immediate::RuntimeCall(symbol);
    }
    if symbols.may_be_address(value) {
        Immediate::Address
    } else {
        Immediate::Data
    }
}

/// Every `movabs r64, imm64` without a relocation that loads something that looks like an
/// address: C2 embeds VM addresses that need no relocation in the donor — the card table base
/// in write barriers, the narrow klass base (hotspot17.md §5.6) — and they may differ in the
/// receiver. Every byte offset is tried as an instruction start, so every real `movabs` is
/// found; a false match (bytes inside another instruction that equal a plausible address)
/// only refuses a method, or — when the bytes equal a known VM global — gets that global's
/// receiver value, which is what those bytes mean.
fn unrelocated_addresses(code: &[u8], relocated: &[u32]) -> Vec<(u32, u64)> {
    const MIN_ADDRESS: u64 = 1 << 32;
    const MAX_ADDRESS: u64 = 1 << 47;
    (0..code.len().saturating_sub(9)).filter_map(|at| {
        let rex_w = code[at] & 0xf8 == 0x48;
        let mov_imm64 = (0xb8..=0xbf).contains(&code[at + 1]);
        if !rex_w || !mov_imm64 || relocated.contains(&(at as u32)) {
            return None;
        }
        let value = u64::from_le_bytes(code[at + 2..at + 10].try_into().ok()?);
        // An address, or the negation of one (`movabs r, -base; add r, x` subtracts a base).
        let address_like = |v: u64| (MIN_ADDRESS..MAX_ADDRESS).contains(&v);
        (address_like(value) || address_like(value.wrapping_neg())).then_some((at as u32, value))
    })
    .collect()
}

/// C2's return-poll stub (`C2SafepointPollStubTable::emit_stub_impl`, emitted after the body in
/// insts) starts with
/// `movabs r10, poll_pc` (an internal word): rewrite it to `lea r10, [rip + d]; nop3`, the same
/// value without an absolute address. Any other internal word refuses the method.
fn rewrite_poll_stub_address(code: &mut [u8], pc: u32, code_address: u64, return_polls: &[u32]) -> Result<(), Refusal> {
    let at = pc as usize;
    let insn = code.get(at..at + 10).ok_or(Refusal::PollStubShape(pc))?;
    if insn[..2] != MOVABS_R10 {
        return Err(Refusal::PollStubShape(pc));
    }
    let target = u64::from_le_bytes(insn[2..10].try_into().map_err(|_| Refusal::PollStubShape(pc))?);
    let target_pc = target.checked_sub(code_address).and_then(|t| u32::try_from(t).ok()).ok_or(Refusal::InternalWords)?;
    if !return_polls.contains(&target_pc) {
        return Err(Refusal::InternalWords);
    }
    let disp = i64::from(target_pc) - i64::from(pc + 7);
    let disp = i32::try_from(disp).map_err(|_| Refusal::PollStubShape(pc))?;
    code[at..at + 3].copy_from_slice(&LEA_R10_RIP);
    code[at + 3..at + 7].copy_from_slice(&disp.to_le_bytes());
    code[at + 7..at + 10].copy_from_slice(&NOP3);
    Ok(())
}

fn metadata_at(captured: &CapturedNmethod, index: u32) -> Option<u64> {
    captured.metadata.get(usize::try_from(index).ok()?.checked_sub(1)?).copied()
}

/// Methods named by debug info, in first-seen order (the compiled method first).
struct MethodTable<'s> {
    symbols: &'s dyn Symbols,
    ptrs: Vec<u64>,
    refs: Vec<MethodRef>,
}

impl<'s> MethodTable<'s> {
    fn new(symbols: &'s dyn Symbols) -> Self {
        MethodTable { symbols, ptrs: Vec::new(), refs: Vec::new() }
    }

    fn index_of(&mut self, ptr: u64) -> Result<u32, Refusal> {
        if let Some(i) = self.ptrs.iter().position(|&p| p == ptr) {
            return Ok(i as u32);
        }
        let r = self.symbols.method(ptr).ok_or(Refusal::UnnamedMethod)?;
        if r.class.bytes_hash.is_none() {
            return Err(Refusal::NoFingerprint(r.class.name.clone()));
        }
        self.ptrs.push(ptr);
        self.refs.push(r);
        Ok((self.refs.len() - 1) as u32)
    }

    fn into_refs(self) -> Vec<MethodRef> {
        self.refs
    }
}

fn debug_info_at(
    captured: &CapturedNmethod,
    decoded: &DecodedNmethod,
    pc: PcOffset,
    methods: &mut MethodTable<'_>,
    objects: &mut dyn FnMut(u32) -> Result<u32, Refusal>,
) -> Result<PortableDebugInfo, Refusal> {
    let scopes = decoded.pc_at(pc).ok_or(Refusal::UnexplainedSafepoint(pc.0 as u32))?;
    // C2 numbers its objects by node index; JVMCI ids index the DebugInfo's mapping array.
    let ids: Vec<u32> = scopes.objects.iter().map(|o| o.id).collect();
    let virtuals = scopes.objects.iter().map(|o| translate_object(o, objects, &ids)).collect::<Result<Vec<_>, _>>()?;
    let mut frames = Vec::new();
    for (depth, scope) in scopes.scopes.iter().enumerate().rev() {
        let ptr = metadata_at(captured, scope.method.0).ok_or(Refusal::UnnamedMethod)?;
        let innermost = depth == 0;
        frames.push(PortableFrame {
            method: methods.index_of(ptr)?,
            bci: scope.bci,
            reexecute: innermost && scopes.pc.flags.should_reexecute(),
            rethrow_exception: innermost && scopes.pc.flags.rethrow_exception(),
            locals: translate_values_in(&scope.locals, objects, &ids)?,
            stack: translate_values_in(&scope.expressions, objects, &ids)?,
            monitors: translate_monitors_in(&scope.monitors, objects, &ids)?,
        });
    }
    if frames.is_empty() {
        return Err(Refusal::UnexplainedSafepoint(pc.0 as u32));
    }
    let map = decoded.oop_map_at(pc).ok_or(Refusal::UnexplainedSafepoint(pc.0 as u32))?;
    Ok(PortableDebugInfo { frames, references: references(&map.values)?, objects: virtuals })
}

/// The reference map of one safepoint. A derived pointer keeps its base (JVMCI's
/// `HotSpotReferenceMap.derivedBase`), and that base must itself be a full-width oop of the
/// same map — C2 always records it so; anything else refuses `derived_oops`, since the GC
/// would then re-derive from a base it never updated.
fn references(values: &[jitfleet_relocator::oopmap::OopMapValue]) -> Result<Vec<PortableReference>, Refusal> {
    let mut references = Vec::new();
    for v in values {
        let place = place_of_vmreg(v.vmreg)?;
        let (narrow, base) = match v.kind {
            OopMapKind::Oop => (false, None),
            OopMapKind::NarrowOop => (true, None),
            OopMapKind::Derived { base } => {
                let wide_oop = values.iter().any(|o| o.vmreg == base && o.kind == OopMapKind::Oop);
                if !wide_oop || matches!(place, Place::Register(r) if r >= 16) {
                    return Err(Refusal::DerivedOops);
                }
                (false, Some(place_of_vmreg(base)?))
            }
            OopMapKind::CalleeSaved { .. } => return Err(Refusal::UnsupportedValue("callee-saved register in oop map".into())),
        };
        references.push(PortableReference { place, narrow, base });
    }
    Ok(references)
}

fn place_of_vmreg(vmreg: u32) -> Result<Place, Refusal> {
    match classify(vmreg, STACK0_X86_64) {
        VmRegKind::Stack { offset } => Ok(Place::Stack(offset)),
        VmRegKind::Gpr { encoding, high: false } => Ok(Place::Register(u16::from(encoding))),
        VmRegKind::Xmm { encoding, slot: 0 } => Ok(Place::Register(16 + u16::from(encoding))),
        other => Err(Refusal::UnsupportedValue(format!("VMReg {vmreg} ({other:?})"))),
    }
}

/// A scope's monitors in JVMCI's terms. C2 keeps every `BasicLock` in a fixed stack slot of
/// its frame (`BoxLockNode`), and the owner is an oop in a register or slot, or a constant (the
/// class mirror of a static synchronized method); anything else refuses with the shape named.
/// A scalar-replaced owner (a lock on a non-escaping object, eliminated by C2) is the
/// safepoint's virtual object: deoptimisation re-locks the rematerialised object.
fn translate_monitors_in(
    monitors: &[MonitorValue],
    objects: &mut dyn FnMut(u32) -> Result<u32, Refusal>,
    ids: &[u32],
) -> Result<Vec<PortableMonitor>, Refusal> {
    monitors
        .iter()
        .map(|m| {
            let slot = lock_slot(m)?;
            let owner = match translate_values_in(std::slice::from_ref(&m.owner), objects, ids)?.as_slice() {
                [v @ (PortableValue::At { kind: SlotKind::Object, .. } | PortableValue::Object(_) | PortableValue::Virtual(_))] => *v,
                other => return Err(Refusal::Monitors(format!("owner {other:?}"))),
            };
            Ok(PortableMonitor { owner, slot, eliminated: m.eliminated })
        })
        .collect()
}

/// The `BasicLock` slot of a monitor, in bytes above SP: C2 only ever puts it on the stack.
fn lock_slot(m: &MonitorValue) -> Result<u32, Refusal> {
    match m.basic_lock.place {
        LocationPlace::Stack { offset } => Ok(offset),
        LocationPlace::Register { vmreg } => Err(Refusal::Monitors(format!("BasicLock in register VMReg {vmreg}"))),
    }
}

/// C2 writes a long or double as (filler, value) over its two slots; JVMCI wants (value,
/// Illegal). Everything else maps one to one; `objects` gives the index of an oop table entry's
/// object among the debug info's objects, or refuses; `ids` are the C2 ids of the PcDesc's
/// scalar-replaced objects, whose positions are their portable ids.
fn translate_values_in(
    values: &[ScopeValue],
    objects: &mut dyn FnMut(u32) -> Result<u32, Refusal>,
    ids: &[u32],
) -> Result<Vec<PortableValue>, Refusal> {
    let mut out = Vec::with_capacity(values.len());
    for v in values {
        let (value, two_slot) = value_of(v, objects, ids)?;
        if two_slot {
            match out.last_mut() {
                Some(first) => *first = value,
                None => return Err(Refusal::UnsupportedValue("a two-slot value in the first slot".into())),
            }
            out.push(PortableValue::Illegal);
        } else {
            out.push(value);
        }
    }
    Ok(out)
}

#[cfg(test)]
fn translate_values(values: &[ScopeValue], objects: &mut dyn FnMut(u32) -> Result<u32, Refusal>) -> Result<Vec<PortableValue>, Refusal> {
    translate_values_in(values, objects, &[])
}

#[cfg(test)]
fn translate_monitors(monitors: &[MonitorValue], objects: &mut dyn FnMut(u32) -> Result<u32, Refusal>) -> Result<Vec<PortableMonitor>, Refusal> {
    translate_monitors_in(monitors, objects, &[])
}

/// One value of a frame or an object, and whether it is the second slot of a long or double:
/// object constants through `objects`, scalar-replaced objects by their position in `ids`.
fn value_of(v: &ScopeValue, objects: &mut dyn FnMut(u32) -> Result<u32, Refusal>, ids: &[u32]) -> Result<(PortableValue, bool), Refusal> {
    Ok(match v {
        ScopeValue::ConstantOop(i) if i.0 != 0 => (PortableValue::Object(objects(i.0)?), false),
        ScopeValue::Object(id) => {
            let at = ids.iter().position(|i| i == id).ok_or(Refusal::ScalarReplacedShape(format!("object id {id} not in the PcDesc's pool")))?;
            (PortableValue::Virtual(at as u32), false)
        }
        _ => translate_value(v)?,
    })
}

/// One scalar-replaced object as a JVMCI `VirtualObject`. C2 (`PhaseOutput::FillLocArray` per
/// field of `PhaseMacroExpand::scalar_replacement`) writes a long or double field or element as
/// two values, `ConstantIntValue(0)` then the value; JVMCI's `record_object_value` takes ONE
/// value of kind Long/Double and writes (`second`, value) itself — the filler is dropped here.
/// Deoptimisation reads only the second slot (`reassign_fields_by_klass`,
/// `reassign_type_array_elements`, `get_cached_box` reads slot 1 of a Long box), so the
/// objects JVMCI records rematerialise to the same values. A dead value (C2's `Top`), a
/// missing filler, or a class that is not a mirror constant refuse: an object whose slots do
/// not line up with its fields would be rebuilt wrong.
fn translate_object(o: &ObjectValue, objects: &mut dyn FnMut(u32) -> Result<u32, Refusal>, ids: &[u32]) -> Result<PortableVirtualObject, Refusal> {
    let shape = |what: String| Refusal::ScalarReplacedShape(format!("object {}: {what}", o.id));
    if o.klass.0 == 0 {
        return Err(shape("null class".into()));
    }
    let mirror = objects(o.klass.0)?;
    let mut fields: Vec<PortableValue> = Vec::with_capacity(o.fields.len());
    // Whether the last value pushed may be C2's filler (a constant int 0 not yet consumed).
    let mut filler_last = false;
    for (i, v) in o.fields.iter().enumerate() {
        let (value, two_slot) = value_of(v, objects, ids)?;
        if value == PortableValue::Illegal {
            return Err(shape(format!("dead value in slot {i}")));
        }
        if two_slot {
            if !filler_last {
                return Err(shape(format!("a two-slot value in slot {i} without C2's filler before it")));
            }
            fields.pop();
        }
        filler_last = !two_slot && value == PortableValue::Int(0);
        fields.push(value);
    }
    Ok(PortableVirtualObject { mirror, auto_box: o.is_auto_box, fields })
}

/// Every virtual object's class must be a class mirror among the debug info's object
/// constants: that is what the receiver resolves to the `VirtualObject`'s type.
fn check_virtual_classes<'a>(debug_objects: &[ObjectSymbol], infos: impl Iterator<Item = &'a PortableDebugInfo>) -> Result<(), Refusal> {
    for o in infos.flat_map(|d| &d.objects) {
        if !matches!(debug_objects.get(o.mirror as usize), Some(ObjectSymbol::Mirror(_))) {
            return Err(Refusal::ScalarReplacedShape(format!("class constant {} is not a class mirror", o.mirror)));
        }
    }
    Ok(())
}

/// One value, and whether it is the second slot of a long or double.
fn translate_value(v: &ScopeValue) -> Result<(PortableValue, bool), Refusal> {
    Ok(match v {
        ScopeValue::ConstantInt(i) => (PortableValue::Int(*i), false),
        ScopeValue::ConstantLong(l) => (PortableValue::Long(*l), true),
        ScopeValue::ConstantDouble(d) => (PortableValue::Long(*d as i64), true),
        ScopeValue::ConstantOop(i) if i.0 == 0 => (PortableValue::Null, false),
        ScopeValue::ConstantOop(_) => return Err(Refusal::Oops),
        ScopeValue::Object(_) => return Err(Refusal::ScalarReplaced),
        ScopeValue::Marker => return Err(Refusal::UnsupportedValue("marker".into())),
        ScopeValue::Location(loc) => {
            let place = match loc.place {
                LocationPlace::Stack { offset } => Place::Stack(offset),
                LocationPlace::Register { vmreg } => place_of_vmreg(vmreg)?,
            };
            let xmm = matches!(place, Place::Register(r) if r >= 16);
            let at = |kind, narrow| PortableValue::At { place, kind, narrow };
            match loc.kind {
                LocationType::Invalid => (PortableValue::Illegal, false),
                LocationType::Normal | LocationType::IntInLong if xmm => (at(SlotKind::Float, false), false),
                LocationType::Normal | LocationType::IntInLong => (at(SlotKind::Int, false), false),
                LocationType::FloatInDbl => (at(SlotKind::Float, false), false),
                // C2 may keep a long in an XMM register or a double in a general one (a spill
                // copy). JVMCI 17 takes only doubles in XMM and longs in general registers, and
                // deoptimisation copies the same 64 bits for both (`StackValue` reads `lng` and
                // `dbl` alike), so the kind follows the register.
                LocationType::Lng if xmm => (at(SlotKind::Double, false), true),
                LocationType::Dbl if matches!(place, Place::Register(_)) && !xmm => (at(SlotKind::Long, false), true),
                LocationType::Lng => (at(SlotKind::Long, false), true),
                LocationType::Dbl => (at(SlotKind::Double, false), true),
                // C2 spills oops to XMM registers around polls; JVMCI 17 accepts only
                // float/double values in XMM registers (`get_scope_value`).
                LocationType::Oop | LocationType::NarrowOop if xmm => {
                    return Err(Refusal::UnsupportedValue("an object in an XMM register".into()))
                }
                LocationType::Oop => (at(SlotKind::Object, false), false),
                LocationType::NarrowOop => (at(SlotKind::Object, true), false),
                other => return Err(Refusal::UnsupportedValue(format!("{other:?} location"))),
            }
        }
        // ScopeValue is non_exhaustive: a new kind refuses until translated.
        #[allow(unreachable_patterns)]
        other => return Err(Refusal::UnsupportedValue(format!("{other:?}"))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jitfleet_relocator::scope::Location;

    /// Knows one libjvm routine, at 0x7f00_1000_0000.
    struct OneRoutine;

    impl Symbols for OneRoutine {
        fn method(&self, _: u64) -> Option<MethodRef> {
            None
        }
        fn runtime_target(&self, address: u64) -> Option<RuntimeTarget> {
            (address == 0x7f00_1000_0000).then_some(RuntimeTarget::Libjvm { offset: 0x6d_3160 })
        }
        fn vm_global(&self, value: u64) -> Option<VmGlobal> {
            (value == 0x7f12_3456_7000).then_some(VmGlobal::CardTableBase)
        }
        fn may_be_address(&self, value: u64) -> bool {
            // The donor's map: libjvm and a card table near 0x7f00_0000_0000, CDS at 32 GiB.
            let maps = [
                crate::capture::mappings::Mapping { start: 0x7f00_0000_0000, end: 0x7f00_2000_0000 },
                crate::capture::mappings::Mapping { start: 0x8_0000_0000, end: 0x8_4000_0000 },
            ];
            crate::capture::mappings::near_mapping(value, &maps)
        }
        fn klass(&self, _: u64) -> Option<KlassConstant> {
            None
        }
        fn unnamed(&self, ptr: u64) -> Unnamed {
            match ptr {
                0x10 => Unnamed::Hidden("p/Lambda$1/0x0000000800c01234".into()),
                _ => Unnamed::Other("Method* of java/util/HashMap.hash(Ljava/lang/Object;)I".into()),
            }
        }
        fn object(&self, _: OopAt) -> Result<DonorObject, String> {
            Err("none".into())
        }
    }

    #[test]
    fn unnamed_metadata_refuses_as_hidden_class_or_unnamed_klass_saying_what_it_is() {
        let hidden = unnamed_refusal(7, 0x10, &OneRoutine);
        assert_eq!(hidden.name(), "hidden_class");
        assert!(hidden.to_string().contains("p/Lambda$1/0x0000000800c01234"), "{hidden}");
        let method = unnamed_refusal(9, 0x20, &OneRoutine);
        assert_eq!(method.name(), "unnamed_klass");
        assert!(method.to_string().contains("at pc 9") && method.to_string().contains("HashMap.hash"), "{method}");
    }

    #[test]
    fn unrelocated_movabs_call_pairs_to_known_routines_are_runtime_calls() {
        let pair = |target: u64, call: [u8; 3]| {
            let mut code = vec![0x90, 0x49, 0xba];
            code.extend_from_slice(&target.to_le_bytes());
            code.extend_from_slice(&call);
            code.push(0xc3);
            code
        };
        let known = pair(0x7f00_1000_0000, [0x41, 0xff, 0xd2]);
        assert_eq!(unrelocated_runtime_call(&known, 1, 0x7f00_1000_0000, &OneRoutine), Some(RuntimeTarget::Libjvm { offset: 0x6d_3160 }));
        // An address nobody can name, a movabs not followed by `call r10`, another value.
        assert_eq!(unrelocated_runtime_call(&pair(0x7f00_2000_0000, [0x41, 0xff, 0xd2]), 1, 0x7f00_2000_0000, &OneRoutine), None);
        assert_eq!(unrelocated_runtime_call(&pair(0x7f00_1000_0000, [0x41, 0xff, 0xe2]), 1, 0x7f00_1000_0000, &OneRoutine), None);
        assert_eq!(unrelocated_runtime_call(&known, 1, 0x7f00_1000_0008, &OneRoutine), None);
    }

    fn loc(kind: LocationType, place: LocationPlace) -> ScopeValue {
        ScopeValue::Location(Location { kind, place })
    }

    #[test]
    fn longs_and_doubles_move_to_the_first_slot() {
        let values = vec![
            ScopeValue::ConstantInt(7),
            ScopeValue::ConstantInt(0),
            loc(LocationType::Lng, LocationPlace::Register { vmreg: 6 }),
            ScopeValue::ConstantInt(0),
            ScopeValue::ConstantLong(-5),
            loc(LocationType::Invalid, LocationPlace::Stack { offset: 0 }),
            loc(LocationType::Normal, LocationPlace::Stack { offset: 12 }),
        ];
        let out = translate_values(&values, &mut |_| Err(Refusal::Oops)).unwrap();
        assert_eq!(
            out,
            vec![
                PortableValue::Int(7),
                PortableValue::At { place: Place::Register(3), kind: SlotKind::Long, narrow: false },
                PortableValue::Illegal,
                PortableValue::Long(-5),
                PortableValue::Illegal,
                PortableValue::Illegal,
                PortableValue::At { place: Place::Stack(12), kind: SlotKind::Int, narrow: false },
            ]
        );
    }

    #[test]
    fn objects_in_xmm_registers_refuse_and_in_general_registers_translate() {
        // VMReg 48 is xmm0 (after 16 general registers × 2 and 8 x87 registers × 2).
        let in_xmm = loc(LocationType::Oop, LocationPlace::Register { vmreg: 48 });
        assert!(matches!(translate_values(&[in_xmm], &mut |_| Err(Refusal::Oops)), Err(Refusal::UnsupportedValue(_))));
        let in_rsi = loc(LocationType::NarrowOop, LocationPlace::Register { vmreg: 12 });
        assert_eq!(
            translate_values(&[in_rsi], &mut |_| Err(Refusal::Oops)).unwrap(),
            vec![PortableValue::At { place: Place::Register(6), kind: SlotKind::Object, narrow: true }]
        );
    }

    #[test]
    fn sixty_four_bit_values_take_the_kind_their_register_can_hold() {
        let rax = LocationPlace::Register { vmreg: 0 };
        let xmm1 = LocationPlace::Register { vmreg: 48 + 16 };
        let filler = loc(LocationType::Invalid, LocationPlace::Stack { offset: 0 });
        let kinds = |kind, place| {
            translate_values(&[filler.clone(), loc(kind, place)], &mut |_| Err(Refusal::Oops))
                .unwrap()
                .into_iter()
                .map(|v| match v {
                    PortableValue::At { place, kind, .. } => Some((place, kind)),
                    _ => None,
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(kinds(LocationType::Dbl, rax), vec![Some((Place::Register(0), SlotKind::Long)), None]);
        assert_eq!(kinds(LocationType::Lng, xmm1), vec![Some((Place::Register(17), SlotKind::Double)), None]);
        assert_eq!(kinds(LocationType::Dbl, xmm1), vec![Some((Place::Register(17), SlotKind::Double)), None]);
        assert_eq!(kinds(LocationType::Lng, rax), vec![Some((Place::Register(0), SlotKind::Long)), None]);
        // On the stack the kinds stay as C2 wrote them.
        let slot = LocationPlace::Stack { offset: 16 };
        assert_eq!(kinds(LocationType::Dbl, slot), vec![Some((Place::Stack(16), SlotKind::Double)), None]);
    }

    #[test]
    fn named_objects_share_their_class_entry_and_unfingerprinted_holders_refuse() {
        let holder = ClassRef { name: "Color".into(), loader: "app".into(), bytes_hash: Some([1; 32]) };
        let mut klasses = vec![KlassConstant { name: "Color".into(), element: Some(holder.clone()) }];
        let red = DonorObject::StaticFinal { holder: holder.clone(), name: "RED".into(), descriptor: "LColor;".into() };
        assert_eq!(
            object_symbol(red, &mut klasses),
            Ok(ObjectSymbol::StaticFinal { holder: 0, name: "RED".into(), descriptor: "LColor;".into() })
        );
        assert_eq!(object_symbol(DonorObject::Str(vec![104]), &mut klasses), Ok(ObjectSymbol::Str(vec![104])));
        assert_eq!(klasses.len(), 1);
        let unknown = ClassRef { bytes_hash: None, ..holder };
        let blue = DonorObject::StaticFinal { holder: unknown, name: "BLUE".into(), descriptor: "LColor;".into() };
        assert_eq!(object_symbol(blue, &mut klasses), Err(Refusal::NoFingerprint("Color".into())));
        // A constant oop in debug info goes through the object table, or refuses with it.
        let oop = ScopeValue::ConstantOop(jitfleet_relocator::OopIndex(3));
        assert_eq!(translate_values(&[oop.clone()], &mut |i| Ok(i + 1)), Ok(vec![PortableValue::Object(4)]));
        assert_eq!(translate_values(&[oop], &mut |_| Err(Refusal::ObjectConstant("X".into()))), Err(Refusal::ObjectConstant("X".into())));
    }

    #[test]
    fn monitors_keep_their_owner_and_stack_lock_slot_and_odd_shapes_refuse() {
        let lock = |owner, basic_lock, eliminated| MonitorValue { owner, basic_lock: Location { kind: LocationType::Normal, place: basic_lock }, eliminated };
        let in_rbx = loc(LocationType::NarrowOop, LocationPlace::Register { vmreg: 6 });
        let mirror = ScopeValue::ConstantOop(jitfleet_relocator::OopIndex(2));
        let out = translate_monitors(
            &[lock(in_rbx, LocationPlace::Stack { offset: 16 }, false), lock(mirror, LocationPlace::Stack { offset: 24 }, true)],
            &mut |i| Ok(i + 10),
        )
        .unwrap();
        assert_eq!(
            out,
            vec![
                PortableMonitor { owner: PortableValue::At { place: Place::Register(3), kind: SlotKind::Object, narrow: true }, slot: 16, eliminated: false },
                PortableMonitor { owner: PortableValue::Object(12), slot: 24, eliminated: true },
            ]
        );
        let owner = loc(LocationType::Oop, LocationPlace::Stack { offset: 8 });
        let in_register = lock(owner.clone(), LocationPlace::Register { vmreg: 6 }, false);
        assert!(matches!(translate_monitors(&[in_register], &mut |_| Err(Refusal::Oops)), Err(Refusal::Monitors(_))));
        let int_owner = lock(ScopeValue::ConstantInt(1), LocationPlace::Stack { offset: 8 }, false);
        assert!(matches!(translate_monitors(&[int_owner], &mut |_| Err(Refusal::Oops)), Err(Refusal::Monitors(_))));
        let null_owner = lock(ScopeValue::ConstantOop(jitfleet_relocator::OopIndex(0)), LocationPlace::Stack { offset: 8 }, false);
        assert!(matches!(translate_monitors(&[null_owner], &mut |_| Err(Refusal::Oops)), Err(Refusal::Monitors(_))));
        // A lock on a scalar-replaced object: the owner is the safepoint's virtual object.
        let replaced = lock(ScopeValue::Object(77), LocationPlace::Stack { offset: 8 }, true);
        assert_eq!(
            translate_monitors_in(std::slice::from_ref(&replaced), &mut |_| Err(Refusal::Oops), &[5, 77]),
            Ok(vec![PortableMonitor { owner: PortableValue::Virtual(1), slot: 8, eliminated: true }])
        );
        assert!(matches!(translate_monitors(&[replaced], &mut |_| Err(Refusal::Oops)), Err(Refusal::ScalarReplacedShape(_))));
    }

    #[test]
    fn derived_pointers_keep_a_base_that_must_be_a_wide_oop_of_the_same_map() {
        use jitfleet_relocator::oopmap::OopMapValue;
        let v = |vmreg, kind| OopMapValue { vmreg, kind };
        // rbx holds the base oop, rsi a pointer into it.
        let map = [v(6, OopMapKind::Oop), v(12, OopMapKind::Derived { base: 6 })];
        assert_eq!(
            references(&map).unwrap(),
            vec![
                PortableReference { place: Place::Register(3), narrow: false, base: None },
                PortableReference { place: Place::Register(6), narrow: false, base: Some(Place::Register(3)) },
            ]
        );
        let no_base = [v(12, OopMapKind::Derived { base: 6 })];
        assert_eq!(references(&no_base), Err(Refusal::DerivedOops));
        let narrow_base = [v(6, OopMapKind::NarrowOop), v(12, OopMapKind::Derived { base: 6 })];
        assert_eq!(references(&narrow_base), Err(Refusal::DerivedOops));
    }

    #[test]
    fn unnamed_objects_refuse() {
        // An object id outside the PcDesc's pool (the decoder never lets one through).
        assert!(matches!(translate_values(&[ScopeValue::Object(1)], &mut |_| Err(Refusal::Oops)), Err(Refusal::ScalarReplacedShape(_))));
        assert_eq!(
            translate_values(&[ScopeValue::ConstantOop(jitfleet_relocator::OopIndex(2))], &mut |_| Err(Refusal::Oops)),
            Err(Refusal::Oops)
        );
        assert!(matches!(translate_values(&[ScopeValue::ConstantLong(1)], &mut |_| Err(Refusal::Oops)), Err(Refusal::UnsupportedValue(_))));
    }

    fn object(id: u32, auto_box: bool, klass: u32, fields: Vec<ScopeValue>) -> ObjectValue {
        ObjectValue {
            id,
            is_auto_box: auto_box,
            klass: jitfleet_relocator::OopIndex(klass),
            fields,
            decode_offset: jitfleet_relocator::ScopeDataOffset(1),
        }
    }

    /// Oops-table index i is debug object i + 100 (the mirrors of the tests' classes).
    fn mirrors(i: u32) -> Result<u32, Refusal> {
        Ok(i + 100)
    }

    #[test]
    fn instance_fields_keep_c2_order_and_longs_and_doubles_become_one_value() {
        // C2's values for (int a; long b; double c; float d; Object e; long f; Object g; int h):
        // FillLocArray writes int 0 before every long/double (register or constant).
        let rbx_long = loc(LocationType::Lng, LocationPlace::Register { vmreg: 6 });
        let xmm1_float = loc(LocationType::Normal, LocationPlace::Register { vmreg: 48 + 16 });
        let narrow = loc(LocationType::NarrowOop, LocationPlace::Stack { offset: 20 });
        let c2 = object(
            3117,
            false,
            4,
            vec![
                loc(LocationType::Normal, LocationPlace::Stack { offset: 12 }),
                ScopeValue::ConstantInt(0),
                rbx_long,
                ScopeValue::ConstantInt(0),
                ScopeValue::ConstantDouble(2.5f64.to_bits()),
                xmm1_float,
                narrow,
                ScopeValue::ConstantInt(0),
                ScopeValue::ConstantLong(-7),
                ScopeValue::ConstantOop(jitfleet_relocator::OopIndex(0)),
                ScopeValue::ConstantInt(0),
            ],
        );
        let out = translate_object(&c2, &mut mirrors, &[3117]).unwrap();
        assert_eq!(out.mirror, 104);
        assert!(!out.auto_box);
        assert_eq!(
            out.fields,
            vec![
                PortableValue::At { place: Place::Stack(12), kind: SlotKind::Int, narrow: false },
                PortableValue::At { place: Place::Register(3), kind: SlotKind::Long, narrow: false },
                PortableValue::Long(2.5f64.to_bits() as i64),
                PortableValue::At { place: Place::Register(17), kind: SlotKind::Float, narrow: false },
                PortableValue::At { place: Place::Stack(20), kind: SlotKind::Object, narrow: true },
                PortableValue::Long(-7),
                PortableValue::Null,
                // A real int field holding 0 after a long stays: only the filler before a
                // two-slot value is dropped.
                PortableValue::Int(0),
            ]
        );
    }

    #[test]
    fn arrays_nested_objects_and_boxes_translate_with_dense_ids() {
        // long[2] { 5, <rsi> }: two slots per element.
        let longs = object(900, false, 2, vec![
            ScopeValue::ConstantInt(0),
            ScopeValue::ConstantLong(5),
            ScopeValue::ConstantInt(0),
            loc(LocationType::Lng, LocationPlace::Register { vmreg: 12 }),
        ]);
        let ids = [41, 900, 17];
        assert_eq!(
            translate_object(&longs, &mut mirrors, &ids).unwrap().fields,
            vec![PortableValue::Long(5), PortableValue::At { place: Place::Register(6), kind: SlotKind::Long, narrow: false }]
        );
        // int[3] { 1, 0, 0 }: zeros of an int array are elements, not fillers.
        let ints = object(41, false, 3, vec![ScopeValue::ConstantInt(1), ScopeValue::ConstantInt(0), ScopeValue::ConstantInt(0)]);
        assert_eq!(translate_object(&ints, &mut mirrors, &ids).unwrap().fields, vec![PortableValue::Int(1), PortableValue::Int(0), PortableValue::Int(0)]);
        // An object holding the array and itself (a cycle), and an auto box of a Long.
        let holder = object(17, false, 5, vec![ScopeValue::Object(900), ScopeValue::Object(17)]);
        assert_eq!(translate_object(&holder, &mut mirrors, &ids).unwrap().fields, vec![PortableValue::Virtual(1), PortableValue::Virtual(2)]);
        let boxed = object(17, true, 6, vec![ScopeValue::ConstantInt(0), ScopeValue::ConstantLong(300)]);
        let boxed = translate_object(&boxed, &mut mirrors, &ids).unwrap();
        assert!(boxed.auto_box);
        assert_eq!((boxed.mirror, boxed.fields), (106, vec![PortableValue::Long(300)]));
        // An object id outside the pool.
        let stranger = object(17, false, 5, vec![ScopeValue::Object(4)]);
        assert!(matches!(translate_object(&stranger, &mut mirrors, &ids), Err(Refusal::ScalarReplacedShape(_))));
    }

    #[test]
    fn objects_that_would_not_line_up_refuse() {
        let refused = |fields| matches!(translate_object(&object(1, false, 2, fields), &mut mirrors, &[1]), Err(Refusal::ScalarReplacedShape(_)));
        // A long without C2's filler before it.
        assert!(refused(vec![ScopeValue::ConstantLong(5)]));
        assert!(refused(vec![ScopeValue::ConstantInt(3), ScopeValue::ConstantLong(5)]));
        // Two long values sharing one filler.
        assert!(refused(vec![ScopeValue::ConstantInt(0), ScopeValue::ConstantLong(5), ScopeValue::ConstantLong(6)]));
        // A dead value (C2's Top).
        assert!(refused(vec![loc(LocationType::Invalid, LocationPlace::Stack { offset: 0 })]));
        // A class that is not a constant.
        assert!(matches!(translate_object(&object(1, false, 0, vec![]), &mut mirrors, &[1]), Err(Refusal::ScalarReplacedShape(_))));
        // A class constant the donor cannot name refuses with the object's reason.
        let unnamed = translate_object(&object(1, false, 3, vec![]), &mut |_| Err(Refusal::ObjectConstant("X".into())), &[1]);
        assert_eq!(unnamed, Err(Refusal::ObjectConstant("X".into())));
        // The class must be a mirror among the debug objects.
        let info = PortableDebugInfo {
            frames: vec![],
            references: vec![],
            objects: vec![PortableVirtualObject { mirror: 1, auto_box: false, fields: vec![] }],
        };
        let mirror = ObjectSymbol::Mirror(0);
        assert_eq!(check_virtual_classes(&[mirror.clone(), mirror.clone()], std::iter::once(&info)), Ok(()));
        assert!(matches!(check_virtual_classes(&[mirror, ObjectSymbol::Str(vec![])], std::iter::once(&info)), Err(Refusal::ScalarReplacedShape(_))));
    }

    #[test]
    fn runtime_call_forms_give_absolute_targets() {
        // call rel32 at pc 2 of code at 0x1000: target = 0x1000 + 2 + 5 + 0x10.
        let code = [0x90, 0x90, 0xe8, 0x10, 0, 0, 0, 0x0f, 0x87, 0xf0, 0xff, 0xff, 0xff];
        assert_eq!(runtime_call_target(&code, 2, 0x1000), Some((5, 0x1017)));
        assert_eq!(runtime_call_target(&code, 7, 0x1000), Some((6, 0x1000 + 13 - 16)));
        let mut mov = vec![0x49, 0xba];
        mov.extend_from_slice(&0x7f00_1234_5678u64.to_le_bytes());
        mov.extend_from_slice(&[0x41, 0xff, 0xd2]);
        assert_eq!(runtime_call_target(&mov, 0, 0), Some((13, 0x7f00_1234_5678)));
        assert_eq!(runtime_call_target(&[0x90; 8], 0, 0), None);
    }

    #[test]
    fn unrelocated_addresses_in_movabs_are_found() {
        // movabs r10, 0x7f12_3456_7000 (a card table base) after a nop.
        let mut code = vec![0x90, 0x49, 0xba];
        code.extend_from_slice(&0x7f12_3456_7000u64.to_le_bytes());
        code.extend_from_slice(&[0xc3]);
        assert_eq!(unrelocated_addresses(&code, &[]), vec![(1, 0x7f12_3456_7000)]);
        // The same instruction with a relocation (a runtime call target) is JVMCI's business.
        assert_eq!(unrelocated_addresses(&code, &[1]), vec![]);
        // Nor is a negated address: `movabs r, -base` (a base subtracted by an add).
        let mut negated = vec![0x49, 0xbb];
        negated.extend_from_slice(&0x7f12_3456_7000u64.wrapping_neg().to_le_bytes());
        assert_eq!(unrelocated_addresses(&negated, &[]), vec![(0, 0x7f12_3456_7000u64.wrapping_neg())]);
        // Small 64-bit constants are not addresses.
        let mut small = vec![0x48, 0xb8];
        small.extend_from_slice(&12345u64.to_le_bytes());
        assert_eq!(unrelocated_addresses(&small, &[]), vec![]);
    }

    #[test]
    fn immediates_are_globals_calls_possible_addresses_or_data() {
        let movabs = |value: u64, then: &[u8]| {
            let mut code = vec![0x49, 0xba];
            code.extend_from_slice(&value.to_le_bytes());
            code.extend_from_slice(then);
            code
        };
        let c = |value: u64, then: &[u8]| classify_immediate(&movabs(value, then), 0, value, &OneRoutine);
        assert_eq!(c(0x7f12_3456_7000, &[0xc3]), Immediate::Global(VmGlobal::CardTableBase));
        assert_eq!(c(0x7f00_1000_0000, &[0x41, 0xff, 0xd2]), Immediate::RuntimeCall(RuntimeTarget::Libjvm { offset: 0x6d_3160 }));
        // The same routine's address not called: an address nobody names, refused.
        assert_eq!(c(0x7f00_1000_0000, &[0xc3]), Immediate::Address);
        // Near CDS, and a negated base.
        assert_eq!(c(0x8_2000_0000, &[0xc3]), Immediate::Address);
        assert_eq!(c(0x7f00_0000_0000u64.wrapping_neg(), &[0xc3]), Immediate::Address);
        // H2's MVStore masks and a division's magic number: data.
        for v in [0x1ff_ffff_ffffu64, 0x200_0000_0000, 0xff_ffff_ffff, 0x4000_0000_0000, 0x1ff_ffff_ffffu64.wrapping_neg()] {
            assert_eq!(c(v, &[0xc3]), Immediate::Data, "{v:#x}");
        }
    }

    #[test]
    fn only_catch_all_handler_subtables_translate() {
        use jitfleet_relocator::handlers::{HandlerEntry, HandlerSubtable};
        let sub = |ret: i32, entries: &[(i32, i32, i32)]| HandlerSubtable {
            catch_pc: PcOffset(ret),
            entries: entries.iter().map(|&(bci, pc, depth)| HandlerEntry { bci, handler_pc: PcOffset(pc), scope_depth: depth }).collect(),
        };
        let calls = |ret: u32| ret == 20 || ret == 40;
        let ok = [sub(20, &[(-1, 90, 0)]), sub(40, &[(-1, 100, 0)])];
        assert_eq!(translate_handlers(&ok, calls, 200), Ok(vec![(20, 90), (40, 100)]));
        // A typed catch next to the catch-all: C2 picks by type; JVMCI cannot.
        assert_eq!(translate_handlers(&[sub(20, &[(7, 80, 0), (-1, 90, 0)])], calls, 200), Err(Refusal::ExceptionDispatch(20)));
        // A lone typed handler, or a catch-all of an outer scope, is not C2's fallback entry.
        assert_eq!(translate_handlers(&[sub(20, &[(7, 80, 0)])], calls, 200), Err(Refusal::ExceptionDispatch(20)));
        assert_eq!(translate_handlers(&[sub(20, &[(-1, 80, 1)])], calls, 200), Err(Refusal::ExceptionDispatch(20)));
        // Not at a translated call's return address, or a handler outside the code.
        assert_eq!(translate_handlers(&[sub(30, &[(-1, 90, 0)])], calls, 200), Err(Refusal::ExceptionDispatch(30)));
        assert_eq!(translate_handlers(&[sub(20, &[(-1, 900, 0)])], calls, 200), Err(Refusal::ExceptionDispatch(20)));
    }

    /// The layout of a C2 OSR nmethod: entry and verified entry at pc 0, OSR entry at pc 16,
    /// frame complete at pc 30 (code begins at header offset 384).
    fn osr_layout() -> jitfleet_relocator::NmethodLayout {
        jitfleet_relocator::NmethodLayout {
            size: 672,
            header_size: 352,
            relocation_begin: 352,
            relocation_end: 368,
            consts_offset: 368,
            code_offset: 384,
            stub_offset: 448,
            oops_offset: 480,
            metadata_offset: 496,
            scopes_data_offset: 520,
            scopes_pcs_offset: 560,
            dependencies_offset: 608,
            native_invokers_offset: 616,
            handler_table_offset: 616,
            nul_chk_table_offset: 640,
            nul_chk_table_end: 664,
            entry_point: 384,
            verified_entry_point: 384,
            osr_entry_point: 400,
            exception_offset: 448,
            deopt_handler_offset: 464,
            deopt_mh_handler_offset: None,
            frame_complete_offset: 30,
            frame_size_words: 4,
            orig_pc_offset: 8,
            comp_level: 4,
            entry_bci: 6,
        }
    }

    #[test]
    fn osr_entries_of_c2_shape_translate_and_others_refuse() {
        // call os::breakpoint (relocated); an 11-byte nop; the prolog.
        let mut insts = vec![0xe8, 0x3b, 0x1f, 0x35, 0x1b, 0x66, 0x66, 0x66, 0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0];
        insts.extend_from_slice(&[0x55; 48]);
        let l = osr_layout();
        assert_eq!(osr_entry_shape(&l, &insts, true), Ok(Some(16)));
        let normal = jitfleet_relocator::NmethodLayout { entry_bci: -1, ..l.clone() };
        assert_eq!(osr_entry_shape(&normal, &insts, false), Ok(None));
        let refused = |l: &jitfleet_relocator::NmethodLayout, insts: &[u8], reloc: bool| {
            matches!(osr_entry_shape(l, insts, reloc), Err(Refusal::OsrShape(_)))
        };
        // The breakpoint call must be relocated, the padding nops only.
        assert!(refused(&l, &insts, false));
        let mut not_nops = insts.clone();
        not_nops[7] = 0xc3;
        assert!(refused(&l, &not_nops, true));
        // Entry points elsewhere, an OSR entry at 0 or past the code, a frame complete before it.
        assert!(refused(&jitfleet_relocator::NmethodLayout { verified_entry_point: 400, ..l.clone() }, &insts, true));
        assert!(refused(&jitfleet_relocator::NmethodLayout { osr_entry_point: 384, ..l.clone() }, &insts, true));
        assert!(refused(&jitfleet_relocator::NmethodLayout { osr_entry_point: 384 + 64, ..l.clone() }, &insts, true));
        assert!(refused(&jitfleet_relocator::NmethodLayout { frame_complete_offset: 10, ..l.clone() }, &insts, true));
        assert!(refused(&jitfleet_relocator::NmethodLayout { entry_bci: -2, ..l }, &insts, true));
    }

    #[test]
    fn java_calls_must_be_call_rel32_with_a_movabs_rax_inline_cache() {
        // movabs rax, -1; call rel32
        let mut code = vec![0x48, 0xb8];
        code.extend_from_slice(&u64::MAX.to_le_bytes());
        code.extend_from_slice(&[0xe8, 0, 0, 0, 0]);
        assert_eq!(check_java_call(&code, 10, Some(0)), Ok(()));
        assert_eq!(check_java_call(&code, 10, None), Ok(()));
        assert_eq!(check_java_call(&code, 0, None), Err(Refusal::JavaCallShape(0)));
        // The inline cache must be a movabs into rax (not r8: 0x49 0xb8) and before the call.
        let mut r8 = code.clone();
        r8[0] = 0x49;
        assert_eq!(check_java_call(&r8, 10, Some(0)), Err(Refusal::JavaCallShape(10)));
        assert_eq!(check_java_call(&code, 10, Some(5)), Err(Refusal::JavaCallShape(10)));
        // Truncated call.
        assert_eq!(check_java_call(&code[..12], 10, None), Err(Refusal::JavaCallShape(10)));
    }

    #[test]
    fn the_return_poll_stub_address_becomes_rip_relative() {
        // Return poll at pc 4; stub at pc 16: movabs r10, code+4; mov [r15+0x3a0], r10.
        let base = 0x7000_0000u64;
        let mut code = vec![0x90; 16];
        code.extend_from_slice(&MOVABS_R10);
        code.extend_from_slice(&(base + 4).to_le_bytes());
        code.extend_from_slice(&[0x4d, 0x89, 0x97, 0xa0, 0x03, 0, 0]);
        rewrite_poll_stub_address(&mut code, 16, base, &[4]).unwrap();
        assert_eq!(&code[16..19], &LEA_R10_RIP);
        let disp = i32::from_le_bytes(code[19..23].try_into().unwrap());
        assert_eq!(16 + 7 + disp, 4, "lea must compute the poll pc");
        assert_eq!(&code[23..26], &NOP3);
        // An internal word that is not a return poll's address refuses.
        let mut other = code.clone();
        other[16..18].copy_from_slice(&MOVABS_R10);
        other[18..26].copy_from_slice(&(base + 8).to_le_bytes());
        assert_eq!(rewrite_poll_stub_address(&mut other, 16, base, &[4]), Err(Refusal::InternalWords));
    }
}
