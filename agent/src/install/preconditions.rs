//! What must hold in this JVM before a portable nmethod may run here, beyond its classes'
//! bytes: the classes its code assumes initialised are initialised, and the static final
//! values C2 may have folded into it are equal to this JVM's ([`CodeFacts`], recorded by
//! capture/facts.rs). Values are read exactly as the donor read them ([`crate::statics`]).
//!
//! A class not yet loaded or initialised means "wait" (the installer polls again); any
//! difference means "never": the method is left to the local JIT, with a reason.

use crate::jni::Jni;
use crate::lifecycle::Agent;
use crate::statics;
use crate::install::jvmci::HelperMethod;
use jitfleet_relocator::facts::{CodeFacts, PortableAssumption, StaticValue};
use jitfleet_relocator::portable::ClassRef;
use jvmti_sys::jclass;
use std::collections::HashMap;

/// The answer for one portable nmethod.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Everything holds.
    Install,
    /// A class is not loaded or not initialised yet: ask again later.
    Wait,
    /// Something differs: never install this code here.
    Refuse { reason: &'static str, detail: String },
}

/// The class names `facts` needs handed over by ClassPrepare.
pub fn class_names(facts: &CodeFacts) -> impl Iterator<Item = &str> {
    facts
        .initialised
        .iter()
        .map(|c| c.name.as_str())
        .chain(facts.statics.iter().map(|s| s.holder.name.as_str()))
        .chain(facts.assumptions.iter().flat_map(|a| a.classes()).map(|c| c.name.as_str()))
        .chain(facts.layout.iter().map(|c| c.name.as_str()))
}

/// The same class here: loader and bytes (no hash on either side only for boot classes).
fn same_class(agent: &Agent, jni: Jni, class: jclass, wanted: &ClassRef) -> Result<(), String> {
    let Some(here) = statics::class_ref(agent, jni, class) else {
        return Err(format!("{} cannot be named here", wanted.name));
    };
    if here.loader != wanted.loader {
        return Err(format!("{}: loader {} here, {} in the donor", wanted.name, here.loader, wanted.loader));
    }
    if here.bytes_hash != wanted.bytes_hash || (here.bytes_hash.is_none() && here.loader != "boot") {
        return Err(format!("{}: the class bytes differ from the donor's (or were not seen)", wanted.name));
    }
    Ok(())
}

/// The assumptions as helper entries and the plan section appended after everything else
/// (`n (kind index*)*`, kind 0 LeafType(context), 1 ConcreteSubtype(context, subtype),
/// 2 ConcreteMethod(context, method, implementation), 3 NoFinalizableSubclass(context); an
/// index names an entry of the helper's method list, counted from `first_index`; type-only
/// entries have an empty name). Read by `Installer.readAssumptions`. Call after [`check`]
/// said [`Verdict::Install`] (every class is then known).
pub fn assumption_plan(facts: &CodeFacts, known: &HashMap<String, usize>, first_index: usize) -> Option<(Vec<HelperMethod>, Vec<i32>)> {
    let mut entries = Vec::new();
    let mut ints = vec![i32::try_from(facts.assumptions.len()).ok()?];
    let mut entry = |class: &ClassRef, name: &str, descriptor: &str| -> Option<i32> {
        let c = *known.get(&class.name)? as jclass;
        entries.push(HelperMethod { class: c, name: name.to_string(), descriptor: descriptor.to_string() });
        i32::try_from(first_index + entries.len() - 1).ok()
    };
    for a in &facts.assumptions {
        match a {
            PortableAssumption::LeafType { context } => ints.extend([0, entry(context, "", "")?]),
            PortableAssumption::ConcreteSubtype { context, subtype } => ints.extend([1, entry(context, "", "")?, entry(subtype, "", "")?]),
            PortableAssumption::ConcreteMethod { context, method, implementation } => ints.extend([
                2,
                entry(context, "", "")?,
                entry(&method.class, &method.name, &method.descriptor)?,
                entry(&implementation.class, &implementation.name, &implementation.descriptor)?,
            ]),
            PortableAssumption::NoFinalizableSubclass { context } => ints.extend([3, entry(context, "", "")?]),
        }
    }
    Some((entries, ints))
}

/// Checks `facts` against this JVM. `known` holds global references of the prepared classes
/// by internal name (a copy: nothing here may hold the installer's locks while calling into
/// the VM, which can load classes and so post ClassPrepare).
/// `loaded` are further classes that need only be loaded here with the same bytes (the
/// holders of the code's `Method*` constants).
pub fn check(agent: &Agent, jni: Jni, known: &HashMap<String, usize>, facts: &CodeFacts, loaded: &[&ClassRef]) -> Verdict {
    let jvmti = agent.jvmti;
    let refuse = |reason, detail| Verdict::Refuse { reason, detail };
    for wanted in &facts.initialised {
        let Some(&class) = known.get(&wanted.name) else { return Verdict::Wait };
        let class = class as jclass;
        if !statics::initialised(jvmti, class) {
            return Verdict::Wait;
        }
        if let Err(detail) = same_class(agent, jni, class, wanted) {
            return refuse("class_mismatch", detail);
        }
    }
    // Classes of assumptions and field layouts need only be loaded (JVMCI checks the
    // hierarchy at install; a layout is fixed once the class is loaded).
    for wanted in facts.assumptions.iter().flat_map(|a| a.classes()).chain(&facts.layout).chain(loaded.iter().copied()) {
        let Some(&class) = known.get(&wanted.name) else { return Verdict::Wait };
        if let Err(detail) = same_class(agent, jni, class as jclass, wanted) {
            return refuse("class_mismatch", detail);
        }
    }
    for s in &facts.statics {
        let Some(&class) = known.get(&s.holder.name) else { return Verdict::Wait };
        let class = class as jclass;
        if !statics::initialised(jvmti, class) {
            return Verdict::Wait;
        }
        let value = statics::find_static_field(jvmti, jni, class, &s.name, &s.descriptor)
            .and_then(|(holder, field, _)| statics::read_static(jvmti, jni, holder, field, &s.descriptor));
        let Some(value) = value else {
            return refuse("static_value_unreadable", format!("{}.{} cannot be read here", s.holder.name, s.name));
        };
        if !s.value.same_as(&value) {
            let reason = if matches!(s.value, StaticValue::Opaque { .. }) { "static_value_uncomparable" } else { "static_value_differs" };
            return refuse(
                reason,
                format!("C2 may have folded {}.{} = {} (donor); here it is {}", s.holder.name, s.name, s.value, value),
            );
        }
    }
    Verdict::Install
}
