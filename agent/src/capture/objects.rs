//! Names the object constants of a capture that are not class mirrors, by identity: an object
//! is named only when it *is* (same address, read with GC held off) an object the receiver can
//! find again — the interned string of an `ldc` of a parsed method, or the value of a static
//! final field (those C2 may have folded, per the code facts, and the constants of the enum
//! the object belongs to). Anything else stays unnamed and the
//! translation refuses the method with the object's class.
//!
//! Why identity and not value: C2 compares constants with `==` (enum switches, `ldc` strings
//! compared by reference); the receiver's object must be the one its own C2 would have
//! embedded, which an equal copy is not.

use super::translate::DonorObject;
use super::OopAt;
use crate::jni::Jni;
use crate::lifecycle::Agent;
use crate::statics;
use jitfleet_relocator::facts::{ldc_strings, CodeFacts, ConstantPool};
use jitfleet_relocator::portable::ClassRef;
use jvmti_sys::*;
use std::collections::HashMap;

/// A JNI local reference to an object the receiver can find again, and its name.
pub struct Candidate {
    reference: jobject,
    object: DonorObject,
}

/// What to look for.
pub struct Wanted<'a> {
    /// Some object constant is a `java.lang.String`: try the parsed methods' `ldc` strings.
    pub strings: bool,
    /// Internal names of the classes of the unnamed object constants.
    pub own_classes: &'a [String],
}

/// The candidates, as local references of the caller's JNI frame. `methods`: jmethodIDs of
/// every method C2 parsed (their classes' constant pools and loaders are searched).
pub fn candidates(agent: &Agent, jni: Jni, methods: &[usize], facts: &CodeFacts, wanted: &Wanted) -> Vec<Candidate> {
    let jvmti = agent.jvmti;
    let classes: Vec<jclass> = methods.iter().filter_map(|&m| jvmti.method_declaring_class(m as jmethodID).ok()).collect();
    let mut loaders: Vec<jobject> = Vec::new();
    for &c in &classes {
        if let Ok(l) = jvmti.class_loader(c) {
            if !loaders.iter().any(|&k| jni_same(jni, k, l)) {
                loaders.push(l);
            }
        }
    }
    let find = |name: &str| -> Option<jclass> {
        loaders.iter().find_map(|&l| statics::find_loaded(jni, l, name)).or_else(|| statics::find_loaded(jni, std::ptr::null_mut(), name))
    };
    let mut out = Vec::new();
    if wanted.strings {
        let mut seen: Vec<String> = Vec::new();
        for &m in methods {
            let Ok(code) = jvmti.bytecodes(m as jmethodID) else { continue };
            let Ok(class) = jvmti.method_declaring_class(m as jmethodID) else { continue };
            let Ok((count, bytes)) = jvmti.constant_pool(class) else { continue };
            let Ok(pool) = ConstantPool::parse(count, &bytes) else { continue };
            for s in ldc_strings(&code, &pool).unwrap_or_default() {
                if seen.contains(&s) {
                    continue;
                }
                let units: Vec<u16> = s.encode_utf16().collect();
                if let Some(reference) = statics::interned(jni, &units) {
                    out.push(Candidate { reference, object: DonorObject::Str(units) });
                }
                seen.push(s);
            }
        }
    }
    // Folded static finals: the holder as the facts name it, found again and checked.
    for folded in facts.statics.iter().filter(|f| f.descriptor.starts_with(['L', '['])) {
        let Some(class) = find(&folded.holder.name) else { continue };
        if statics::class_ref(agent, jni, class).as_ref() != Some(&folded.holder) {
            continue;
        }
        let Some((field, _, _)) = statics::static_final_references(jvmti, class).into_iter().find(|(_, n, d)| *n == folded.name && *d == folded.descriptor) else { continue };
        add_static(agent, jni, class, field, &folded.holder, &folded.name, &folded.descriptor, &mut out);
    }
    // Enum constants: the static finals of the object's own class or its superclass (an enum
    // constant with a body is an instance of an anonymous subclass of the enum), when that is
    // an enum. Only enums: their constants are fixed by the class bytes (the receiver checks
    // those), while another class's static final object may differ between JVMs in final
    // fields C2 trusts and folds (`java.lang` classes, records) — those go through the code
    // facts, which the receiver compares by value.
    for name in wanted.own_classes {
        let Some(class) = find(name) else { continue };
        let superclass = statics::superclass(jni, class);
        for c in [class, superclass] {
            if c.is_null() || !statics::initialised(jvmti, c) || !is_enum(agent, jni, c) {
                continue;
            }
            let Some(holder) = statics::class_ref(agent, jni, c) else { continue };
            for (field, fname, descriptor) in statics::static_final_references(jvmti, c) {
                add_static(agent, jni, c, field, &holder, &fname, &descriptor, &mut out);
            }
        }
    }
    out
}

#[allow(clippy::too_many_arguments)] // reason: one candidate's parts, passed through once
fn add_static(agent: &Agent, jni: Jni, class: jclass, field: jfieldID, holder: &ClassRef, name: &str, descriptor: &str, out: &mut Vec<Candidate>) {
    // A class without fingerprint cannot be checked in the receiver: not a usable name.
    if holder.bytes_hash.is_none() {
        return;
    }
    let Some(reference) = statics::static_reference(agent.jvmti, jni, class, field) else { return };
    if reference.is_null() {
        return;
    }
    out.push(Candidate { reference, object: DonorObject::StaticFinal { holder: holder.clone(), name: name.into(), descriptor: descriptor.into() } });
}

/// Whether `class` is an enum class (its superclass is `java.lang.Enum`).
fn is_enum(agent: &Agent, jni: Jni, class: jclass) -> bool {
    let superclass = statics::superclass(jni, class);
    !superclass.is_null() && agent.jvmti.class_signature(superclass).ok().as_deref() == Some("Ljava/lang/Enum;")
}

fn jni_same(jni: Jni, a: jobject, b: jobject) -> bool {
    statics::same_object(jni, a, b)
}

/// Which object constant is which candidate: object addresses from `slots` (pc, address
/// of the reference in the nmethod) and the candidates' referents, all read inside one region
/// with GC held off, compared by address. The first candidate of an address wins (strings,
/// then folded statics, then the own classes' fields: all name the same object).
pub fn identify(shim: &crate::shim::Shim, jni: Jni, slots: &[(OopAt, u64)], candidates: &[Candidate]) -> HashMap<OopAt, DonorObject> {
    if slots.is_empty() || candidates.is_empty() {
        return HashMap::new();
    }
    let mem = shim.memory();
    let read = || -> (Vec<(OopAt, u64)>, Vec<u64>) {
        let objects = slots.iter().filter_map(|&(pc, slot)| super::read_reference(mem, slot).map(|o| (pc, o))).collect();
        // A local JNI reference (untagged in JDK 17: only weak globals carry tag bit 0) is the
        // address of a slot holding the object's address.
        let referents = candidates.iter().map(|c| mem.read_u64(c.reference as u64, "JNI local reference").unwrap_or(0)).collect();
        (objects, referents)
    };
    let Some((objects, referents)) = jni.with_gc_held(read) else { return HashMap::new() };
    let mut by_address: HashMap<u64, &DonorObject> = HashMap::new();
    for (c, &a) in candidates.iter().zip(&referents) {
        if a != 0 {
            by_address.entry(a).or_insert(&c.object);
        }
    }
    objects.into_iter().filter_map(|(pc, o)| by_address.get(&o).map(|d| (pc, (*d).clone()))).collect()
}
