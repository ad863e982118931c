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
use jitfleet_relocator::facts::{CodeFacts, StaticValue};
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
    facts.initialised.iter().map(|c| c.name.as_str()).chain(facts.statics.iter().map(|s| s.holder.name.as_str()))
}

/// Checks `facts` against this JVM. `known` holds global references of the prepared classes
/// by internal name (a copy: nothing here may hold the installer's locks while calling into
/// the VM, which can load classes and so post ClassPrepare).
pub fn check(agent: &Agent, jni: Jni, known: &HashMap<String, usize>, facts: &CodeFacts) -> Verdict {
    let jvmti = agent.jvmti;
    let refuse = |reason, detail| Verdict::Refuse { reason, detail };
    for wanted in &facts.initialised {
        let Some(&class) = known.get(&wanted.name) else { return Verdict::Wait };
        let class = class as jclass;
        if !statics::initialised(jvmti, class) {
            return Verdict::Wait;
        }
        let Some(here) = statics::class_ref(agent, jni, class) else {
            return refuse("class_mismatch", format!("{} cannot be named here", wanted.name));
        };
        if here.loader != wanted.loader {
            return refuse("class_mismatch", format!("{}: loader {} here, {} in the donor", wanted.name, here.loader, wanted.loader));
        }
        // No hash on either side is accepted for boot classes only (CDS; same JDK build).
        if here.bytes_hash != wanted.bytes_hash || (here.bytes_hash.is_none() && here.loader != "boot") {
            return refuse("class_mismatch", format!("{}: the class bytes differ from the donor's (or were not seen)", wanted.name));
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
