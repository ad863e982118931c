//! Install (receiver side, `mode=install`): the portable nmethods of the cache directory are
//! installed through JVMCI as the methods' code once their classes are initialised here.
//!
//! Flow: VMInit reads the directory (only files of this JVM's compat key) and starts the
//! `jitfleet-installer` agent thread, which sets up the helper jar ([`jvmci`]) off the
//! application's start-up path (VMInit runs before `main`). ClassPrepare hands the
//! classes that have waiting code to that thread, which waits for their initialisation,
//! checks the class fingerprints, resolves runtime targets ([`plan`]) and calls the helper.
//! Every failure skips that method with a logged reason; nothing is installed on doubt.
//! OSR nmethods (`entry_bci` ≥ 0) go the same way; JVMCI puts default OSR code on the class's
//! OSR list (`JVMCIRuntime::register_method` → `add_osr_nmethod`), never in `Method::_code`,
//! and the interpreter enters it when the loop next overflows its back-edge counter.
//!
//! What the user passes: `-XX:+UnlockExperimentalVMOptions -XX:+EnableJVMCI` (see [`jvmci`]).

pub mod jvmci;
pub mod plan;
pub mod preconditions;

use crate::capture::blobs;
use crate::jni::Jni;
use crate::lifecycle::Agent;
use crate::loaders;
use jitfleet_relocator::portable::{decode_portable, ClassRef, PortableNmethod, RuntimeTarget, VmGlobal};
use jvmti_sys::*;
use once_cell::sync::OnceCell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::ffi::c_void;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How often the installer thread looks at classes waiting for initialisation.
const POLL_INTERVAL: Duration = Duration::from_millis(5);

/// One installed method, checked again at exit.
struct Installed {
    name: String,
    method: usize,
    nmethod: u64,
    /// -1, or the loop's bci of an OSR nmethod (which is not `Method::_code` but sits on its
    /// class's OSR list).
    entry_bci: i32,
    /// From the start of the checks to JVMCI's return.
    micros: u64,
}

struct InstallState {
    /// Portable nmethods by the internal name of their method's class, not yet handed over.
    waiting: Mutex<HashMap<String, Vec<PortableNmethod>>>,
    /// Classes of inlined methods (not roots), by internal name; grows as code arrives.
    wanted: Mutex<HashSet<String>>,
    /// Portable nmethods that arrived from the server (`crate::net`), not yet sorted in.
    incoming: Mutex<Vec<PortableNmethod>>,
    /// Global references of the prepared classes in `wanted`.
    known: Mutex<HashMap<String, usize>>,
    /// Prepared classes (global references) with their nmethods, waiting for initialisation.
    ready: Mutex<Vec<(usize, Vec<PortableNmethod>)>>,
    /// Set by the installer thread before its first install.
    helper: OnceCell<jvmci::Helper>,
    outcomes: Mutex<BTreeMap<String, u64>>,
    installed: Mutex<Vec<Installed>>,
    stop: AtomicBool,
    /// This JVM's values of the VM globals the donor's code embedded.
    globals: crate::capture::VmGlobals,
    /// `MethodRef` display names and entry bcis (-1, or an OSR loop's) of every compilation
    /// the cache has code for (mode `auto`: not captured again).
    cached: HashSet<(String, i32)>,
}

static STATE: OnceCell<InstallState> = OnceCell::new();

impl InstallState {
    fn count(&self, outcome: &str) {
        self.count_by(outcome, 1);
    }

    fn count_by(&self, outcome: &str, n: u64) {
        *self.outcomes.lock().unwrap_or_else(|e| e.into_inner()).entry(outcome.to_string()).or_insert(0) += n;
    }
}

/// VMInit in install mode.
pub fn vm_init(agent: &'static Agent, jni: Jni) {
    // Without a directory the code comes from the server only (`offer`).
    let dir = agent.config.cache_dir.clone();
    if dir.is_none() && agent.config.net.server.is_none() {
        return;
    }
    let Some(Some(key)) = agent.compat.get() else {
        tracing::error!("install is off: this JVM has no compat key");
        return;
    };
    if agent.shim.as_ref().and_then(|s| s.layout().method.as_ref()).is_none() {
        tracing::error!("install is off: HotSpot's method layout could not be read");
        return;
    }
    let digest = key.digest();
    let mut outcomes = BTreeMap::new();
    let mut waiting: HashMap<String, Vec<PortableNmethod>> = HashMap::new();
    let entries = match dir.as_ref().map(std::fs::read_dir) {
        None => Vec::new(),
        Some(Ok(e)) => e.flatten().collect(),
        Some(Err(e)) => {
            tracing::error!("install is off: cannot read cache directory {}: {e}", dir.as_ref().map(|d| d.display().to_string()).unwrap_or_default());
            return;
        }
    };
    let mut files: Vec<(std::path::PathBuf, std::time::SystemTime)> = entries
        .into_iter()
        .map(|e| (e.path(), e.metadata().and_then(|m| m.modified()).unwrap_or(std::time::UNIX_EPOCH)))
        .filter(|(p, _)| p.extension().is_some_and(|x| x == crate::capture::store::EXTENSION))
        .collect();
    // Oldest first, so that of several versions of one method the newest is kept (below).
    files.sort_by_key(|(_, modified)| *modified);
    let mut newest: HashMap<(String, i32), Version> = HashMap::new();
    for (path, modified) in files {
        let outcome = match std::fs::read(&path).map_err(|e| e.to_string()).and_then(|b| decode_portable(&b).map_err(|e| e.to_string())) {
            Err(e) => {
                tracing::warn!("skipping {}: {e}", path.display());
                "unreadable"
            }
            Ok(nm) if nm.compat_key != digest => "compat_mismatch",
            Ok(nm) => match nm.root() {
                Some(root) if agent.config.deny.denies(&root.class.name, &root.name) => {
                    tracing::info!("not installed {root}: on the deny list");
                    "denied"
                }
                Some(root) => {
                    let key = (root.to_string(), nm.entry_bci);
                    let class = root.class.name.clone();
                    match keep_newest(&mut newest, key, (modified, nm.compile_id)) {
                        Keep::Older => "older_version",
                        Keep::First => {
                            waiting.entry(class).or_default().push(nm);
                            "found"
                        }
                        Keep::Replaces => {
                            // The version kept so far goes; it was counted `found`, so the
                            // count of distinct methods stays and it counts as older.
                            let queue = waiting.entry(class).or_default();
                            let key = (nm.root().map(|r| r.to_string()), nm.entry_bci);
                            queue.retain(|q| (q.root().map(|r| r.to_string()), q.entry_bci) != key);
                            queue.push(nm);
                            "older_version"
                        }
                    }
                }
                None => "unreadable",
            },
        };
        *outcomes.entry(outcome.to_string()).or_insert(0u64) += 1;
    }
    // `found` counts the kept versions only.
    if let Some(older) = outcomes.get("older_version").copied() {
        tracing::info!("install: {older} older versions of methods the cache has newer code for are not installed");
    }
    match &dir {
        Some(dir) => tracing::info!("install: {:?} in {}", outcomes, dir.display()),
        None => tracing::info!("install: code comes from the server"),
    }
    let wanted = waiting.values().flatten().flat_map(wanted_classes).collect();
    let cached = waiting.values().flatten().filter_map(|nm| nm.root().map(|r| (r.to_string(), nm.entry_bci))).collect();
    let state = InstallState {
        cached,
        waiting: Mutex::new(waiting),
        wanted: Mutex::new(wanted),
        incoming: Mutex::new(Vec::new()),
        known: Mutex::new(HashMap::new()),
        ready: Mutex::new(Vec::new()),
        helper: OnceCell::new(),
        outcomes: Mutex::new(outcomes),
        installed: Mutex::new(Vec::new()),
        stop: AtomicBool::new(false),
        globals: agent.shim.as_ref().map(crate::capture::VmGlobals::read).unwrap_or_default(),
    };
    if STATE.set(state).is_err() {
        return;
    }
    // Classes prepared before now (the boot classes loaded before VMInit) send no more
    // ClassPrepare: hand over the loaded ones with waiting code at once.
    let handed = jni.with_local_frame(16, || match agent.jvmti.loaded_classes() {
        Ok(classes) => {
            let n = classes.len();
            for class in classes {
                // SAFETY: a local reference GetLoadedClasses just returned, deleted right after.
                unsafe { class_prepared(agent, jni, class) };
                jni.delete_local_ref(class);
            }
            n
        }
        Err(e) => {
            tracing::warn!("{e}: code of classes loaded before VMInit is not installed");
            0
        }
    });
    tracing::debug!("install: looked at {} classes loaded before VMInit", handed.unwrap_or(0));
    let Some(thread) = jni.new_thread("jitfleet-installer") else {
        tracing::error!("install is off: cannot create the installer thread");
        return;
    };
    if let Err(e) = agent.jvmti.run_agent_thread(thread, Some(installer_body), std::ptr::null()) {
        tracing::error!("install is off: {e}");
    }
    jni.delete_local_ref(thread);
}

/// Whether the cache directory had code (for this compat key) for the method with this
/// display name (`MethodRef`'s) at this entry bci (-1, or an OSR loop's: a method's OSR code
/// in the cache does not stand for its normal compilation); false outside install and auto
/// modes.
pub fn in_cache(method: &str, entry_bci: i32) -> bool {
    STATE.get().is_some_and(|s| s.cached.contains(&(method.to_string(), entry_bci)))
}

/// ClassPrepare in install mode: hand a class with waiting code to the installer thread.
///
/// # Safety
/// `class` must be a live reference of the current thread (the event's, or a local one).
pub unsafe fn class_prepared(agent: &Agent, jni: Jni, class: jclass) {
    let Some(state) = STATE.get() else { return };
    let Ok(signature) = agent.jvmti.class_signature(class) else { return };
    let name = loaders::internal_name(&signature);
    let e = jni.raw();
    if state.wanted.lock().unwrap_or_else(|e| e.into_inner()).contains(&name) {
        let mut known = state.known.lock().unwrap_or_else(|e| e.into_inner());
        if !known.contains_key(&name) {
            // SAFETY: `class` is a live local reference; the global one lives as long as the
            // process (a handful of classes).
            let global = unsafe { ((**e).NewGlobalRef.expect("JNI NewGlobalRef"))(e, class) };
            if !global.is_null() {
                known.insert(name.clone(), global as usize);
            }
        }
    }
    let Some(nmethods) = state.waiting.lock().unwrap_or_else(|e| e.into_inner()).remove(&name) else { return };
    // SAFETY: `class` is the live local reference of the event; the global reference is
    // deleted by the installer thread when done.
    let global = unsafe { ((**e).NewGlobalRef.expect("JNI NewGlobalRef"))(e, class) };
    if global.is_null() {
        jni.clear_exception();
        return;
    }
    state.ready.lock().unwrap_or_else(|e| e.into_inner()).push((global as usize, nmethods));
}

unsafe extern "C" fn installer_body(_jvmti: *mut jvmtiEnv, jni: *mut JNIEnv, _arg: *mut c_void) {
    crate::guard("installer thread", || {
        let (Some(agent), Some(state)) = (crate::lifecycle::agent(), STATE.get()) else { return };
        // SAFETY: the JNIEnv of this agent thread.
        let jni = unsafe { Jni::from_raw(jni) };
        let started = Instant::now();
        let helper = match jni.with_local_frame(16, || jvmci::set_up(agent.jvmti, jni)) {
            Some(Ok(h)) => state.helper.get_or_init(|| h),
            Some(Err(e)) => {
                tracing::error!("install is off: {e}");
                return;
            }
            None => return,
        };
        let set_up_ms = started.elapsed().as_millis();
        match jni.with_local_frame(8, || jvmci::warm_up(jni, helper)) {
            Some(Ok(())) => tracing::info!("install: JVMCI runtime ready in {} ms (helper jar set up in {set_up_ms} ms)", started.elapsed().as_millis()),
            Some(Err(e)) => {
                tracing::error!("install is off: JVMCI runtime does not start: {e}");
                return;
            }
            None => return,
        }
        while !state.stop.load(Ordering::Relaxed) {
            std::thread::sleep(POLL_INTERVAL);
            adopt_incoming(agent, state, jni);
            let ready = std::mem::take(&mut *state.ready.lock().unwrap_or_else(|e| e.into_inner()));
            let mut later = Vec::new();
            for (class, nmethods) in ready {
                let initialised = agent
                    .jvmti
                    .class_status(class as jclass)
                    .map(|s| s & JVMTI_CLASS_STATUS_INITIALIZED as jint != 0)
                    .unwrap_or(false);
                if !initialised {
                    later.push((class, nmethods));
                    continue;
                }
                let mut pending = Vec::new();
                for nm in nmethods {
                    let Some(classes) = inlined_classes(agent, state, &nm) else {
                        pending.push(nm);
                        continue;
                    };
                    let known = known_for(state, &nm);
                    let constants: Vec<&ClassRef> = plan::method_constants(&nm).into_iter().map(|m| &m.class).collect();
                    match jni.with_local_frame(64, || preconditions::check(agent, jni, &known, &nm.facts, &constants)) {
                        Some(preconditions::Verdict::Install) => {
                            jni.with_local_frame(64, || install_one(agent, state, jni, class as jclass, &classes, &nm, &known));
                        }
                        Some(preconditions::Verdict::Refuse { reason, detail }) => {
                            tracing::warn!("not installed {}: {detail}", nm.root().map(|r| r.to_string()).unwrap_or_default());
                            state.count(reason);
                        }
                        Some(preconditions::Verdict::Wait) | None => pending.push(nm),
                    }
                }
                if !pending.is_empty() {
                    later.push((class, pending));
                    continue;
                }
                let e = jni.raw();
                // SAFETY: the global reference made in `class_prepared`, used no more.
                unsafe { ((**e).DeleteGlobalRef.expect("JNI DeleteGlobalRef"))(e, class as jobject) };
            }
            state.ready.lock().unwrap_or_else(|e| e.into_inner()).extend(later);
        }
    });
}

/// Code that arrived from the server: file it by class like the directory's code, then offer
/// every loaded class to [`class_prepared`] — the class of code that arrives late was usually
/// prepared long ago and sends no more ClassPrepare. A class prepared after the snapshot
/// finds its code in `waiting` through its own ClassPrepare, since the code is filed first.
fn adopt_incoming(agent: &Agent, state: &InstallState, jni: Jni) {
    let incoming = std::mem::take(&mut *state.incoming.lock().unwrap_or_else(|e| e.into_inner()));
    if incoming.is_empty() {
        return;
    }
    let n = incoming.len();
    {
        let mut wanted = state.wanted.lock().unwrap_or_else(|e| e.into_inner());
        let mut waiting = state.waiting.lock().unwrap_or_else(|e| e.into_inner());
        for nm in incoming {
            wanted.extend(wanted_classes(&nm));
            if let Some(root) = nm.root() {
                waiting.entry(root.class.name.clone()).or_default().push(nm);
            }
        }
    }
    state.count_by("found", n as u64);
    let looked = jni.with_local_frame(16, || match agent.jvmti.loaded_classes() {
        Ok(classes) => {
            for class in &classes {
                // SAFETY: a local reference GetLoadedClasses just returned, deleted right after.
                unsafe { class_prepared(agent, jni, *class) };
                jni.delete_local_ref(*class);
            }
            classes.len()
        }
        Err(e) => {
            tracing::warn!("{e}: code from the server waits for its classes' ClassPrepare");
            0
        }
    });
    tracing::debug!("install: {n} nmethods from the server, looked at {} loaded classes", looked.unwrap_or(0));
}

/// Hands a portable nmethod that arrived from the server to the installer thread; `false`
/// when install is off in this JVM. Never blocks on anything but a short lock.
pub fn offer(nm: PortableNmethod) -> bool {
    let Some(state) = STATE.get() else { return false };
    state.incoming.lock().unwrap_or_else(|e| e.into_inner()).push(nm);
    true
}

/// The outcome counts so far (`installed`, refusal reasons, ...), for the network summary.
pub fn outcome_counts() -> BTreeMap<String, u64> {
    STATE.get().map(|s| s.outcomes.lock().unwrap_or_else(|e| e.into_inner()).clone()).unwrap_or_default()
}

/// The classes whose ClassPrepare `nm` waits for besides its own: those of its inlined
/// methods, of its class constants, and the ones its code facts name.
fn wanted_classes(nm: &PortableNmethod) -> impl Iterator<Item = String> + '_ {
    let inlined = nm.methods.iter().skip(1).map(|m| m.class.name.clone());
    let constants = nm.klasses.iter().filter_map(|k| k.element.as_ref()).map(|c| c.name.clone());
    let methods = nm.method_patches.iter().map(|p| p.method.class.name.clone());
    inlined.chain(constants).chain(methods).chain(preconditions::class_names(&nm.facts).map(String::from))
}

/// A copy of the prepared classes `nm`'s facts and `Method*` constants name (the lock is not
/// held while calling the VM).
fn known_for(state: &InstallState, nm: &PortableNmethod) -> HashMap<String, usize> {
    let known = state.known.lock().unwrap_or_else(|e| e.into_inner());
    let methods = nm.method_patches.iter().map(|p| p.method.class.name.as_str());
    preconditions::class_names(&nm.facts).chain(methods).filter_map(|n| known.get(n).map(|&c| (n.to_string(), c))).collect()
}

/// The classes of `nm`'s inlined methods (in `methods[1..]` order), then the element classes
/// of its metadata constants (in `klasses` order, primitive arrays skipped), once every one is
/// ready here; `None` while one is not. Inlined code may assume its classes initialised, and
/// a class constant may be an allocation's (C2 allocates inline only initialised classes), so
/// those must be initialised; an array's element class need only be loaded.
fn inlined_classes(agent: &Agent, state: &InstallState, nm: &PortableNmethod) -> Option<Vec<jclass>> {
    let known = state.known.lock().unwrap_or_else(|e| e.into_inner());
    let initialised = |name: &str| -> Option<jclass> {
        let class = *known.get(name)? as jclass;
        let status = agent.jvmti.class_status(class).ok()?;
        (status & JVMTI_CLASS_STATUS_INITIALIZED as jint != 0).then_some(class)
    };
    let methods = nm.methods.iter().skip(1).map(|m| initialised(&m.class.name));
    let klasses = nm.klasses.iter().filter_map(|k| {
        let element = k.element.as_ref()?;
        Some(if k.name.starts_with('[') { known.get(&element.name).map(|&c| c as jclass) } else { initialised(&element.name) })
    });
    methods.chain(klasses).collect()
}

fn install_one(
    agent: &Agent,
    state: &InstallState,
    jni: Jni,
    class: jclass,
    inlined: &[jclass],
    nm: &PortableNmethod,
    known: &HashMap<String, usize>,
) {
    let Some(root) = nm.root() else { return };
    let name = root.to_string();
    let started = Instant::now();
    let refuse = |reason: &str, detail: String| {
        tracing::warn!("not installed {name}: {detail}");
        state.count(reason);
        crate::net::install_outcome(&name, jitfleet_transport::wire::InstallOutcome::Skipped { reason: format!("{reason}: {detail}") });
    };
    let classes: Vec<jclass> = std::iter::once(class).chain(inlined.iter().copied()).collect();
    let element_classes: Vec<&ClassRef> = nm.klasses.iter().filter_map(|k| k.element.as_ref()).collect();
    if classes.len() != nm.methods.len() + element_classes.len() {
        return refuse("class_mismatch", "the classes of its inlined methods are not all here".into());
    }
    let refs = nm.methods.iter().map(|m| &m.class).chain(element_classes.iter().copied());
    // Same class bytes and an equivalent loader for every class, or nothing.
    for (c, m) in classes.iter().zip(refs) {
        let loader = agent.jvmti.class_loader(*c).map(|l| loaders::identify(agent.jvmti, jni, l));
        let Ok(loader) = loader else { return refuse("class_mismatch", format!("the loader of {} is unknown", m.name)) };
        if loader.to_string() != m.loader {
            return refuse("class_mismatch", format!("{}: loader {loader} here, {} in the donor", m.name, m.loader));
        }
        let here = agent.classes.hash_of(&m.name, &loader);
        if here.is_none() || here != m.bytes_hash {
            return refuse("class_mismatch", format!("{}: the class bytes differ from the donor's (or were not seen)", m.name));
        }
    }
    let mut plan = match plan::build_plan(nm, &resolve_target) {
        Ok(p) => p,
        Err(e) => return refuse("unresolved", e.to_string()),
    };
    // The helper entries of the `Method*` constants follow the nmethod's methods (the plan
    // names them so); the assumptions section goes last, naming entries after those.
    let mut constant_methods = Vec::new();
    for m in plan::method_constants(nm) {
        let Some(&c) = known.get(&m.class.name) else {
            return refuse("class_mismatch", format!("{}, the class of a method constant, is not here", m.class.name));
        };
        constant_methods.push(jvmci::HelperMethod { class: c as jclass, name: m.name.clone(), descriptor: m.descriptor.clone() });
    }
    let Some((assumed, section)) = preconditions::assumption_plan(&nm.facts, known, nm.methods.len() + constant_methods.len()) else {
        return refuse("class_mismatch", "a class of its assumptions is not here".into());
    };
    plan.ints.extend(section);
    let Some(method) = agent
        .jvmti
        .class_methods(class)
        .ok()
        .and_then(|ms| ms.into_iter().find(|&m| agent.jvmti.method_name(m).ok() == Some((root.name.clone(), root.descriptor.clone()))))
    else {
        return refuse("class_mismatch", "no such method here".into());
    };
    let code = match patch_globals(&nm.code, &nm.global_patches, &state.globals) {
        Ok(c) => c,
        Err(e) => return refuse("unresolved", e),
    };
    let mut methods: Vec<jvmci::HelperMethod> = classes
        .iter()
        .zip(&nm.methods)
        .map(|(c, m)| jvmci::HelperMethod { class: *c, name: m.name.clone(), descriptor: m.descriptor.clone() })
        .chain(constant_methods)
        .chain(assumed)
        .collect();
    // Class constants follow the methods and the assumptions' entries: the name
    // `jvmci::KLASS_ENTRY`, the Klass name as descriptor, the element class (null for
    // primitive arrays, which the helper finds by name).
    let mut element_jclasses = classes[nm.methods.len()..].iter();
    for k in &nm.klasses {
        let class = if k.element.is_some() { element_jclasses.next().copied().unwrap_or(std::ptr::null_mut()) } else { std::ptr::null_mut() };
        methods.push(jvmci::HelperMethod { class, name: jvmci::KLASS_ENTRY.to_string(), descriptor: k.name.clone() });
    }
    let Some(helper) = state.helper.get() else { return refuse("jvmci_error", "the helper is not set up".into()) };
    match jvmci::install(jni, helper, &methods, &code, &plan.ints, &plan.longs) {
        Ok(nmethod) => {
            let (osr, placement) = if nm.entry_bci == -1 {
                let current = current_code(agent, method);
                (String::new(), if current == Some(nmethod) { "Method::_code is the installed nmethod" } else { "Method::_code is NOT the installed nmethod" }.to_string())
            } else {
                // JVMCI adds default OSR code to the class's OSR list, not to Method::_code.
                let listed = agent.shim.as_ref().and_then(|s| crate::compilations::osr_entry_bci(s, method, nmethod));
                let placement = match listed {
                    Some(bci) if bci == nm.entry_bci => format!("on its class's OSR list at bci {bci}"),
                    Some(bci) => format!("on its class's OSR list at bci {bci}, NOT at bci {}", nm.entry_bci),
                    None => "NOT on its class's OSR list".to_string(),
                };
                (format!(" (OSR at bci {})", nm.entry_bci), placement)
            };
            let constants = if nm.method_patches.is_empty() { String::new() } else { format!("; {}", method_constants_in_place(agent, known, nmethod, nm)) };
            tracing::info!(
                "installed {name}{osr} (donor compile {}) as nmethod {nmethod:#x} in {} us; {placement}{constants}",
                nm.compile_id,
                started.elapsed().as_micros(),
            );
            state.count("installed");
            if nm.entry_bci != -1 {
                state.count("installed_osr");
            }
            let micros = started.elapsed().as_micros() as u64;
            crate::net::install_outcome(&name, jitfleet_transport::wire::InstallOutcome::Installed);
            let entry_bci = nm.entry_bci;
            state.installed.lock().unwrap_or_else(|e| e.into_inner()).push(Installed { name, method: method as usize, nmethod, entry_bci, micros });
        }
        // A callee whose class is not loaded here yet (CallSites.java, Installer.NOT_READY).
        Err(message) if message.contains("IllegalStateException: not ready: ") => refuse("callee_not_loaded", message),
        // JVMCI checked the code's assumptions against this JVM's classes and one does not
        // hold (a class loaded here breaks it, e.g. a second subclass the donor loaded only
        // after compiling — its recompiled code is usually another file of the cache).
        Err(message) if message.contains("Code installation failed: dependencies failed") => refuse("assumptions_failed", message),
        // A call the donor bound to a method-handle intrinsic (linkTo*, invokeBasic) that
        // capture could not tell from a plain call; the helper finds it from the bytecode
        // (CallSites.java) and refuses: the capture reason, found at install.
        Err(message) if message.contains("IllegalArgumentException: method-handle call site: ") => refuse("method_handle_call", message),
        // Installed, but the VM's own compile of the method (queued before ours) finished at
        // that moment and replaced it, or a class load broke an assumption: the VM's code runs,
        // which is correct, so this is counted apart from the refusals.
        Err(message) if message.contains("IllegalStateException: superseded: ") => {
            tracing::info!("installed {name} but the VM replaced it at once (its own compile or a class load): {message}");
            state.count("superseded");
            crate::net::install_outcome(&name, jitfleet_transport::wire::InstallOutcome::Skipped { reason: format!("superseded: {message}") });
        }
        Err(message) => refuse("jvmci_error", format!("JVMCI refused: {message}")),
    }
}

/// The code with this JVM's values of the VM globals the donor embedded.
fn patch_globals(code: &[u8], patches: &[(u32, VmGlobal)], globals: &crate::capture::VmGlobals) -> Result<Vec<u8>, String> {
    let mut code = code.to_vec();
    for &(pc, global) in patches {
        let value = globals.value_of(global).ok_or_else(|| format!("this JVM's {global:?} is unknown"))?;
        let at = pc as usize + 2;
        let slot = code.get_mut(at..at + 8).ok_or_else(|| format!("global patch at pc {pc} is outside the code"))?;
        slot.copy_from_slice(&value.to_le_bytes());
    }
    Ok(code)
}

/// This JVM's address of a runtime target.
fn resolve_target(target: &RuntimeTarget) -> Option<u64> {
    match target {
        RuntimeTarget::CodeBlob { name, ordinal, offset } => blobs::names().resolve(name, *ordinal, *offset),
        RuntimeTarget::Libjvm { offset } => {
            let anchor = crate::shim::native::lookup_symbol("gHotSpotVMStructs")?;
            let libjvm = crate::shim::native::object_containing(anchor)?;
            libjvm.base.checked_add(*offset)
        }
    }
}

/// Reads back the `Method*` operands of an installed nmethod and compares each with this
/// JVM's `Method*` of the method the plan named: evidence that the guard compares with the
/// right method, for the log and the tests. A mismatch cannot make the code wrong — a guard
/// that matches no vtable entry sends every receiver to the virtual call, and a resolution by
/// class, name and descriptor names no other method — so it is reported, not acted on.
fn method_constants_in_place(agent: &Agent, known: &HashMap<String, usize>, nmethod: u64, nm: &PortableNmethod) -> String {
    let Some(shim) = agent.shim.as_ref() else { return "method constants not checked (no shim)".into() };
    let Some(layout) = shim.layout().capture.as_ref() else { return "method constants not checked (no nmethod layout)".into() };
    let mem = shim.memory();
    let Ok(code) = mem.read_u64(nmethod + layout.blob_code_begin, "CodeBlob::_code_begin") else {
        return "method constants not checked (code unreadable)".into();
    };
    let mut held = 0;
    for p in &nm.method_patches {
        let here = known.get(&p.method.class.name).and_then(|&c| {
            let ids = agent.jvmti.class_methods(c as jclass).ok()?;
            let id = ids.into_iter().find(|&m| agent.jvmti.method_name(m).ok().is_some_and(|(n, d)| n == p.method.name && d == p.method.descriptor))?;
            crate::shim::method::method_from_jmethod_id(mem, id as usize as u64).ok()
        });
        // `movabs r, imm64`: the operand follows the REX prefix and the opcode, at any
        // alignment (`read_u64` wants 8-byte aligned addresses).
        let operand = mem.read(code + u64::from(p.pc) + 2, 8, "movabs operand").ok().and_then(|b| Some(u64::from_le_bytes(b.try_into().ok()?)));
        match (here, operand) {
            (Some(h), Some(o)) if h == o => held += 1,
            _ => {
                tracing::error!("installed code's Method* constant at pc {} is {operand:x?}, this JVM's {} is {here:x?}", p.pc, p.method);
            }
        }
    }
    format!("{held} of {} method constants hold this JVM's Method*", nm.method_patches.len())
}

/// When a cache file was written, then the donor's compile id: orders the versions of one
/// method, later being newer (files of one donor are written in compile order; a cache trained
/// by several runs has the later run's files written later).
type Version = (std::time::SystemTime, u32);

/// What [`keep_newest`] decided for a version of a method.
#[derive(Debug, PartialEq, Eq)]
enum Keep {
    /// The first version of the method seen.
    First,
    /// Newer than the version kept so far, which it replaces.
    Replaces,
    /// Not newer than the version kept.
    Older,
}

/// Of several versions of one method (and entry bci) in a cache, only the newest is installed:
/// installing all of them, in directory order, left whichever came last as the method's code —
/// often an early compile the donor itself had replaced (made not entrant by a trap, or
/// compiled from a younger profile).
fn keep_newest(newest: &mut HashMap<(String, i32), Version>, key: (String, i32), version: Version) -> Keep {
    match newest.get(&key) {
        Some(&kept) if kept >= version => Keep::Older,
        Some(_) => {
            newest.insert(key, version);
            Keep::Replaces
        }
        None => {
            newest.insert(key, version);
            Keep::First
        }
    }
}

/// `Method::_code` of a method, read through the shim.
fn current_code(agent: &Agent, method: jmethodID) -> Option<u64> {
    let shim = agent.shim.as_ref()?;
    let offset = shim.registry().field_offset("Method::_code")?;
    let ptr = crate::shim::method::method_from_jmethod_id(shim.memory(), method as usize as u64).ok()?;
    shim.memory().read_u64(ptr + offset, "Method::_code").ok()
}

/// Outcome counters that are not refusals of a method found in the cache (file-level
/// outcomes, successes and methods still waiting for their classes).
const NOT_REFUSALS: [&str; 8] = ["found", "installed", "installed_osr", "superseded", "compat_mismatch", "unreadable", "class_not_ready", "older_version"];

/// `install_ms_total=.. install_us_median=.. install_us_p99=..` of the installed methods.
fn install_times(mut micros: Vec<u64>) -> String {
    micros.sort_unstable();
    let at = |q: f64| micros.get(((micros.len() as f64 - 1.0) * q).round() as usize).copied().unwrap_or(0);
    format!(
        "install_ms_total={} install_us_median={} install_us_p99={}",
        micros.iter().sum::<u64>() / 1000,
        at(0.5),
        at(0.99)
    )
}

/// VMDeath: stop the thread; report whether each installed nmethod is still the method's code.
pub fn vm_death() {
    let Some(state) = STATE.get() else { return };
    state.stop.store(true, Ordering::Relaxed);
    let Some(agent) = crate::lifecycle::agent() else { return };
    let installed = state.installed.lock().unwrap_or_else(|e| e.into_inner());
    let mut still = 0;
    for i in installed.iter() {
        if i.entry_bci != -1 {
            // OSR code is never Method::_code; it stays on the OSR list until made not entrant.
            let listed = agent.shim.as_ref().and_then(|s| crate::compilations::osr_entry_bci(s, i.method as jmethodID, i.nmethod));
            let here = listed == Some(i.entry_bci);
            still += usize::from(here);
            tracing::info!(
                "at exit {} (OSR at bci {}): {}",
                i.name,
                i.entry_bci,
                if here { "still on its class's OSR list" } else { "no longer on its class's OSR list (made not entrant)" }
            );
            continue;
        }
        let current = current_code(agent, i.method as jmethodID);
        if current == Some(i.nmethod) {
            still += 1;
        }
        tracing::info!(
            "at exit {}: Method::_code {}",
            i.name,
            if current == Some(i.nmethod) { "is still the installed nmethod" } else { "is no longer the installed nmethod" }
        );
    }
    // Code whose class was never prepared after VMInit (e.g. boot classes loaded earlier) or
    // never initialised.
    let waiting: usize = state.waiting.lock().map(|w| w.values().map(Vec::len).sum()).unwrap_or(0);
    let ready: usize = state.ready.lock().map(|r| r.iter().map(|(_, v)| v.len()).sum()).unwrap_or(0);
    let mut outcomes = state.outcomes.lock().unwrap_or_else(|e| e.into_inner()).clone();
    if waiting + ready > 0 {
        outcomes.insert("class_not_ready".to_string(), (waiting + ready) as u64);
    }
    let summary: Vec<String> = outcomes.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let refused: u64 = outcomes.iter().filter(|(k, _)| !NOT_REFUSALS.contains(&k.as_str())).map(|(_, v)| v).sum();
    let times = install_times(installed.iter().map(|i| i.micros).collect());
    tracing::info!("install summary: {} refused={refused} {times} still_installed_at_exit={still}", summary.join(" "));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_newest_version_of_a_method_is_kept() {
        let t = |secs: u64| std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs);
        let mut newest = HashMap::new();
        let mix = || ("ShareLeaf.mix(I)I".to_string(), -1);
        assert_eq!(keep_newest(&mut newest, mix(), (t(10), 50)), Keep::First);
        // Written later: newer, whatever its compile id (another donor run).
        assert_eq!(keep_newest(&mut newest, mix(), (t(20), 7)), Keep::Replaces);
        assert_eq!(keep_newest(&mut newest, mix(), (t(15), 90)), Keep::Older);
        // Same time: the later compile of the donor.
        assert_eq!(keep_newest(&mut newest, mix(), (t(20), 8)), Keep::Replaces);
        assert_eq!(keep_newest(&mut newest, mix(), (t(20), 8)), Keep::Older);
        // An OSR version is another method's code.
        assert_eq!(keep_newest(&mut newest, ("ShareLeaf.mix(I)I".to_string(), 4), (t(1), 1)), Keep::First);
        assert_eq!(newest[&mix()], (t(20), 8));
    }

    #[test]
    fn install_times_summarise_median_and_p99() {
        assert_eq!(install_times(vec![]), "install_ms_total=0 install_us_median=0 install_us_p99=0");
        let t = install_times((1..=100).rev().map(|v| v * 1000).collect());
        assert_eq!(t, "install_ms_total=5050 install_us_median=51000 install_us_p99=99000");
    }

    #[test]
    fn globals_are_patched_with_this_jvms_values() {
        let mut code = vec![0x49, 0xba];
        code.extend_from_slice(&0x7f00_0000_0000u64.to_le_bytes());
        let here = crate::capture::VmGlobals { narrow_klass_base: 0x8_0000_0000, card_table_base: 0x7f00_1000_0000 };
        let patched = patch_globals(&code, &[(0, VmGlobal::NarrowKlassBase)], &here).unwrap();
        assert_eq!(&patched[2..10], &0x8_0000_0000u64.to_le_bytes());
        let patched = patch_globals(&code, &[(0, VmGlobal::CardTableBase)], &here).unwrap();
        assert_eq!(&patched[2..10], &0x7f00_1000_0000u64.to_le_bytes());
        // `movabs r, -base` (a Klass* encoded in a register) gets this JVM's negated base.
        let patched = patch_globals(&code, &[(0, VmGlobal::NegatedNarrowKlassBase)], &here).unwrap();
        assert_eq!(&patched[2..10], &0x8_0000_0000u64.wrapping_neg().to_le_bytes());
        assert_eq!(here.global_of(0x8_0000_0000u64.wrapping_neg()), Some(VmGlobal::NegatedNarrowKlassBase));
        let unknown = crate::capture::VmGlobals::default();
        assert!(patch_globals(&code, &[(0, VmGlobal::NarrowKlassBase)], &unknown).is_err());
        assert!(patch_globals(&code, &[(4, VmGlobal::NarrowKlassBase)], &here).is_err());
    }
}
