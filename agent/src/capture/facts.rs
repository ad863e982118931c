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
use jitfleet_relocator::facts::{scan, BytecodeRef, CodeFacts, ConstantPool, FoldedStatic, PortableAssumption};
use jitfleet_relocator::portable::{ClassRef, MethodRef, Refusal};
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
        Some(&ptr) => {
            let named = super::method_description(shim, ptr).unwrap_or_else(|| format!("Method* {ptr:#x}"));
            Err(Refusal::Facts(format!("an inlined method ({named}) leaves no debug information and its class is not found by name")))
        }
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
        BytecodeRef::StaticField { class, .. }
        | BytecodeRef::New { class }
        | BytecodeRef::InvokeStatic { class }
        | BytecodeRef::InstanceField { class } => class,
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
        // C2 compiles the field's offset into the code: the class and its superclasses (whose
        // fields come first) must have the donor's bytes.
        BytecodeRef::InstanceField { .. } => {
            let mut class = target;
            for _ in 0..64 {
                if class.is_null() {
                    break;
                }
                let r = statics::class_ref(agent, jni, class).ok_or_else(|| Refusal::Facts("a class that cannot be named".into()))?;
                if r.bytes_hash.is_none() && r.loader != "boot" {
                    return Err(Refusal::NoFingerprint(r.name));
                }
                if facts.layout.contains(&r) {
                    break;
                }
                facts.layout.push(r);
                class = statics::superclass(jni, class);
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


/// C2's dependencies other than `evol_method`, as JVMCI assumptions (the mapping and why it is
/// sound: [`PortableAssumption`]). `known` are the jmethodIDs of the methods already named;
/// their classes' loaders are where the dependencies' classes are looked up.
pub fn assumptions(
    agent: &Agent,
    jni: Jni,
    captured: &CapturedNmethod,
    decoded: &DecodedNmethod,
    known: &[usize],
) -> Result<Vec<PortableAssumption>, Refusal> {
    let deps: Vec<_> = decoded.dependencies.iter().filter(|d| d.kind != DepType::EvolMethod).collect();
    if deps.is_empty() {
        return Ok(Vec::new());
    }
    let jvmti = agent.jvmti;
    let shim = agent.shim.as_ref().ok_or_else(|| Refusal::Facts("no shim".into()))?;
    let layout = shim.layout().method.as_ref().ok_or_else(|| Refusal::Facts("no method layout".into()))?;
    let mem = shim.memory();
    let mut loaders: Vec<jobject> = known
        .iter()
        .filter_map(|&m| jvmti.method_declaring_class(m as jmethodID).ok())
        .filter_map(|c| jvmti.class_loader(c).ok())
        .collect();
    loaders.push(std::ptr::null_mut());
    let refuse = |what: String| Refusal::Dependencies(what);
    let metadata = |arg: &DepArg| match arg {
        DepArg::Metadata(i) if i.0 > 0 => captured.metadata.get(i.0 as usize - 1).copied(),
        _ => None,
    };
    // A class by its Klass*: the name HotSpot has for it, found through the known loaders.
    let class_by_name = |name: &str| -> Result<(jclass, ClassRef), Refusal> {
        let class = loaders.iter().find_map(|&l| statics::find_loaded(jni, l, name)).ok_or_else(|| refuse(format!("class {name} not found")))?;
        let r = statics::class_ref(agent, jni, class).ok_or_else(|| refuse(format!("class {name} cannot be named")))?;
        if r.bytes_hash.is_none() && r.loader != "boot" {
            return Err(Refusal::NoFingerprint(r.name));
        }
        Ok((class, r))
    };
    let klass = |ptr: u64| -> Result<(jclass, ClassRef), Refusal> {
        let name = crate::shim::method::read_klass_name(mem, layout, ptr).map_err(|e| refuse(e.to_string()))?;
        class_by_name(&name)
    };
    let method = |ptr: u64| -> Result<(jclass, MethodRef), Refusal> {
        let snap = crate::shim::method::read_method(mem, layout, None, None, ptr).map_err(|e| refuse(e.to_string()))?;
        let (Some(holder), Some(name), Some(descriptor)) = (snap.holder, snap.name, snap.signature) else {
            return Err(refuse(format!("Method* {ptr:#x} cannot be named")));
        };
        let (class, r) = class_by_name(&holder)?;
        Ok((class, MethodRef { class: r, name, descriptor }))
    };
    let is_interface = |class: jclass| jni.with_local_frame(4, || jvmti_is_interface(agent, class)).unwrap_or(true);
    let mut out = Vec::new();
    for d in deps {
        let arg = |i: usize| d.args.get(i).and_then(metadata).ok_or_else(|| refuse(format!("{:?}: argument {i} missing", d.kind)));
        let assumption = match d.kind {
            DepType::LeafType => PortableAssumption::LeafType { context: klass(arg(0)?)?.1 },
            DepType::NoFinalizableSubclasses => PortableAssumption::NoFinalizableSubclass { context: klass(arg(0)?)?.1 },
            DepType::AbstractWithUniqueConcreteSubtype | DepType::UniqueImplementor => {
                PortableAssumption::ConcreteSubtype { context: klass(arg(0)?)?.1, subtype: klass(arg(1)?)?.1 }
            }
            DepType::UniqueConcreteMethod2 | DepType::UniqueConcreteMethod4 => {
                let (impl_class, implementation) = method(arg(1)?)?;
                let (context_class, context) = match d.args.first() {
                    Some(DepArg::DefaultContext) => (impl_class, implementation.class.clone()),
                    _ => klass(arg(0)?)?,
                };
                // JVMCI records the 2-argument check; it is as strict as C2's only for class
                // contexts and methods declared in classes (see PortableAssumption).
                if is_interface(context_class) || is_interface(impl_class) {
                    return Err(refuse(format!("{:?} with an interface context or a default method", d.kind)));
                }
                let resolved = if d.kind == DepType::UniqueConcreteMethod4 { method(arg(3)?)?.1 } else { implementation.clone() };
                PortableAssumption::ConcreteMethod { context, method: resolved, implementation }
            }
            other => return Err(refuse(format!("{other:?}"))),
        };
        if !out.contains(&assumption) {
            out.push(assumption);
        }
    }
    Ok(out)
}

/// JVMTI `IsInterface`, through the class modifiers (`ACC_INTERFACE` 0x200).
fn jvmti_is_interface(agent: &Agent, class: jclass) -> bool {
    agent.jvmti.class_modifiers(class).map(|m| m & 0x200 != 0).unwrap_or(true)
}
