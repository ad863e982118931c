//! The code facts of one capture ([`CodeFacts`]): which static final values C2 may have
//! folded into the code and which classes it assumed initialised, read from the bytecode of
//! every method the compilation parsed.
//!
//! Which methods: those of JVMTI's inline records (every method with a PcDesc) and those of
//! C2's `evol_method` dependencies — C2 records one for every method it parses while JVMTI
//! can redefine classes (`opto/parse1.cpp`), which is always the case with an agent loaded.
//! An inlined method folded away entirely leaves no PcDesc but still its dependency; one that
//! cannot be named refuses the capture, since its reads could not be checked.
//!
//! What counts: a `getstatic`/`putstatic` whose declaring class the donor has initialised
//! (the class must be initialised in the receiver; a final field's value is recorded);
//! `new`/`invokestatic` of an initialised class (the code may allocate or call without an
//! initialisation barrier). A class that is not loaded, or not initialised, here cannot have
//! been relied upon: C2 leaves a trap or a barrier for it.

use crate::jni::Jni;
use crate::lifecycle::Agent;
use crate::loaders;
use crate::statics;
use jitfleet_relocator::deps::{DepArg, DepType};
use jitfleet_relocator::facts::{scan, BytecodeRef, CodeFacts, ConstantPool, FoldedStatic};
use jitfleet_relocator::portable::{ClassRef, Refusal};
use jitfleet_relocator::{CapturedNmethod, DecodedNmethod};
use jvmti_sys::*;
use std::collections::{BTreeSet, HashMap};

/// The `Method*`s C2 parsed for this nmethod (its `evol_method` dependencies).
pub fn parsed_methods(captured: &CapturedNmethod, decoded: &DecodedNmethod) -> BTreeSet<u64> {
    decoded
        .dependencies
        .iter()
        .filter(|d| d.kind == DepType::EvolMethod)
        .filter_map(|d| match d.args.first() {
            Some(DepArg::Metadata(i)) if i.0 > 0 => captured.metadata.get(i.0 as usize - 1).copied(),
            _ => None,
        })
        .collect()
}

/// jmethodIDs for the parsed methods JVMTI's records did not name (`known`: `Method*` →
/// jmethodID): looked up among the methods of the classes already known, then by the holder
/// name the shim reads, through the loaders of the known classes.
pub fn name_parsed_methods(agent: &Agent, jni: Jni, parsed: &BTreeSet<u64>, known: &HashMap<u64, usize>) -> Result<Vec<usize>, Refusal> {
    let jvmti = agent.jvmti;
    let mut missing: BTreeSet<u64> = parsed.iter().copied().filter(|p| !known.contains_key(p)).collect();
    if missing.is_empty() {
        return Ok(Vec::new());
    }
    let shim = agent.shim.as_ref().ok_or_else(|| Refusal::Facts("no shim".into()))?;
    let mut classes: Vec<jclass> = known.values().filter_map(|&m| jvmti.method_declaring_class(m as jmethodID).ok()).collect();
    let mut found = Vec::new();
    let search = |classes: &[jclass], missing: &mut BTreeSet<u64>, found: &mut Vec<usize>| {
        for &class in classes {
            for m in jvmti.class_methods(class).unwrap_or_default() {
                if let Ok(ptr) = crate::shim::method::method_from_jmethod_id(shim.memory(), m as usize as u64) {
                    if missing.remove(&ptr) {
                        found.push(m as usize);
                    }
                }
            }
        }
    };
    search(&classes, &mut missing, &mut found);
    if !missing.is_empty() {
        // Other classes, by the holder name HotSpot has for each missing Method*.
        let layout = shim.layout().method.as_ref().ok_or_else(|| Refusal::Facts("no method layout".into()))?;
        let loaders: Vec<jobject> = classes.iter().filter_map(|&c| jvmti.class_loader(c).ok()).collect();
        let mut more = Vec::new();
        for &ptr in &missing {
            let holder = crate::shim::method::read_method(shim.memory(), layout, None, None, ptr).ok().and_then(|s| s.holder);
            let Some(holder) = holder else { continue };
            if let Some(c) = loaders.iter().find_map(|&l| statics::find_loaded(jni, l, &holder)) {
                more.push(c);
            }
        }
        search(&more, &mut missing, &mut found);
        classes.extend(more);
    }
    match missing.first() {
        None => Ok(found),
        Some(ptr) => Err(Refusal::Facts(format!("an inlined method (Method* {ptr:#x}) leaves no debug information and cannot be named"))),
    }
}

/// The facts of the methods `methods` (jmethodIDs: the compiled method and everything C2
/// parsed for it).
pub fn gather(agent: &Agent, jni: Jni, methods: &[usize]) -> Result<CodeFacts, Refusal> {
    let jvmti = agent.jvmti;
    let fail = |what: String| Refusal::Facts(what);
    let mut facts = CodeFacts::default();
    let mut pools: HashMap<String, ConstantPool> = HashMap::new();
    let mut seen = BTreeSet::new();
    for &m in methods {
        if !seen.insert(m) {
            continue;
        }
        let id = m as jmethodID;
        let class = jvmti.method_declaring_class(id).map_err(|e| fail(e.to_string()))?;
        let code = match jvmti.bytecodes(id) {
            Ok(code) => code,
            Err(e) if e.code == jvmtiError::JVMTI_ERROR_NATIVE_METHOD => continue,
            Err(e) => return Err(fail(e.to_string())),
        };
        let class_name = loaders::internal_name(&jvmti.class_signature(class).map_err(|e| fail(e.to_string()))?);
        let loader = jvmti.class_loader(class).map_err(|e| fail(e.to_string()))?;
        // The holder of every parsed method: inlined code assumes it initialised (C2 inlines
        // no static method of a class that is not) and its bytes unchanged.
        if statics::initialised(jvmti, class) {
            add_initialised(agent, jni, class, &mut facts)?;
        }
        let pool_key = format!("{class_name} {}", loaders::identify(jvmti, jni, loader));
        if !pools.contains_key(&pool_key) {
            let (count, bytes) = jvmti.constant_pool(class).map_err(|e| fail(e.to_string()))?;
            let pool = ConstantPool::parse(count, &bytes).map_err(|e| fail(format!("{class_name}: {e}")))?;
            pools.insert(pool_key.clone(), pool);
        }
        let refs = scan(&code, &pools[&pool_key]).map_err(|e| fail(format!("{class_name}: {e}")))?;
        for r in refs {
            jni.with_local_frame(16, || record(agent, jni, loader, &r, &mut facts)).unwrap_or_else(|| Err(fail("no JNI frame".into())))?;
        }
    }
    Ok(facts)
}

/// Adds what one bytecode reference implies.
fn record(agent: &Agent, jni: Jni, loader: jobject, r: &BytecodeRef, facts: &mut CodeFacts) -> Result<(), Refusal> {
    let jvmti = agent.jvmti;
    let named = match r {
        BytecodeRef::StaticField { class, .. } | BytecodeRef::New { class } | BytecodeRef::InvokeStatic { class } => class,
    };
    // Not loaded for this loader: C2 cannot have relied on it (it traps there instead).
    let Some(target) = statics::find_loaded(jni, loader, named) else { return Ok(()) };
    match r {
        BytecodeRef::StaticField { name, descriptor, .. } => {
            let Some((holder, field, modifiers)) = statics::find_static_field(jvmti, jni, target, name, descriptor) else {
                return Err(Refusal::Facts(format!("static field {named}.{name}:{descriptor} not found")));
            };
            if !statics::initialised(jvmti, holder) {
                return Ok(());
            }
            let holder_ref = add_initialised(agent, jni, holder, facts)?;
            if modifiers & statics::ACC_FINAL != 0 {
                let value = statics::read_static(jvmti, jni, holder, field, descriptor)
                    .ok_or_else(|| Refusal::Facts(format!("the value of {}.{name} cannot be read", holder_ref.name)))?;
                let folded = FoldedStatic { holder: holder_ref, name: name.clone(), descriptor: descriptor.clone(), value };
                if !facts.statics.contains(&folded) {
                    facts.statics.push(folded);
                }
            }
        }
        BytecodeRef::New { .. } | BytecodeRef::InvokeStatic { .. } => {
            if statics::initialised(jvmti, target) {
                add_initialised(agent, jni, target, facts)?;
            }
        }
    }
    Ok(())
}

fn add_initialised(agent: &Agent, jni: Jni, class: jclass, facts: &mut CodeFacts) -> Result<ClassRef, Refusal> {
    let r = statics::class_ref(agent, jni, class).ok_or_else(|| Refusal::Facts("a class that cannot be named".into()))?;
    // Boot classes mapped from the CDS archive have no bytes hash; the compat key (same JDK
    // build) vouches for them. Any other class must be fingerprinted.
    if r.bytes_hash.is_none() && r.loader != "boot" {
        return Err(Refusal::NoFingerprint(r.name));
    }
    if !facts.initialised.contains(&r) {
        facts.initialised.push(r.clone());
    }
    Ok(r)
}

