//! The agent's state and its life: start (OnLoad or OnAttach), VMInit, VMDeath, unload.

use crate::classes::ClassFingerprints;
use crate::compilations::CompileLog;
use crate::config::{Config, Mode};
use crate::jni::Jni;
use crate::jvmti::Jvmti;
use crate::stubs::StubRegistry;
use crate::{events, log, profiler, shim};
use jitfleet_transport::compat::CompatKey;
use jitfleet_transport::profile::LoaderId;
use jvmti_sys::*;
use once_cell::sync::OnceCell;
use std::time::Instant;

/// How the agent was started.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Start {
    /// `-agentpath` at JVM start.
    OnLoad,
    /// Attached to a running JVM: observation only, past events replayed.
    OnAttach,
}

/// Everything the agent holds, created once per process.
pub struct Agent {
    pub config: Config,
    pub jvmti: Jvmti,
    /// `None` when HotSpot's structures could not be read: counters and profiles are then off.
    pub shim: Option<shim::Shim>,
    pub classes: ClassFingerprints,
    pub compilations: CompileLog,
    pub stubs: StubRegistry,
    pub profiler: profiler::Profiler,
    /// Computed at VMInit (the heap's encoding is only known then).
    pub compat: OnceCell<Option<CompatKey>>,
    pub started: Instant,
    /// Whether the JVM is able to compile at all (events for it were granted).
    pub compile_events: bool,
}

static AGENT: OnceCell<Agent> = OnceCell::new();

/// The agent, if it started.
pub fn agent() -> Option<&'static Agent> {
    AGENT.get()
}

/// Entry point of both `Agent_OnLoad` and `Agent_OnAttach`.
///
/// # Safety
/// `vm` must be the `JavaVM*` HotSpot passed to the entry point.
pub unsafe fn start(vm: *mut JavaVM, options: Option<&str>, how: Start) {
    let config = match Config::load(std::env::vars(), options) {
        Ok(c) => c,
        Err(e) => {
            log::early(&format!("disabled: {e}"));
            return;
        }
    };
    if let Err(problem) = log::init(&config) {
        tracing::warn!("{problem}");
    }
    if config.mode == Mode::Off {
        tracing::info!("mode=off: the agent does nothing");
        return;
    }
    if AGENT.get().is_some() {
        tracing::warn!("already loaded in this JVM; the second load is ignored");
        return;
    }
    // SAFETY: `vm` is the JavaVM* HotSpot passed to the entry point.
    let jvmti = match unsafe { Jvmti::from_vm(vm) } {
        Ok(j) => j,
        Err(e) => {
            log::early(&format!("disabled: {e}"));
            return;
        }
    };
    let shim = match shim::Shim::load() {
        Ok(s) => Some(s),
        Err(e) => {
            tracing::warn!("cannot read HotSpot's structures ({e}): counters and profiles are off");
            None
        }
    };
    let compile_events = request_capabilities(jvmti, config.mode);
    let agent = Agent {
        config,
        jvmti,
        shim,
        classes: ClassFingerprints::default(),
        compilations: CompileLog::default(),
        stubs: StubRegistry::default(),
        profiler: profiler::Profiler::default(),
        compat: OnceCell::new(),
        started: Instant::now(),
        compile_events,
    };
    let agent = match AGENT.try_insert(agent) {
        Ok(a) => a,
        Err(_) => return,
    };
    if shares_code(agent.config.mode) {
        // Hash the runtime image while the JVM starts: ready before C2 compiles anything.
        let java_home = agent.jvmti.system_property("java.home").ok();
        let patched = agent.jvmti.system_property("jdk.module.patch.0").is_ok();
        agent.classes.image.locate(java_home, patched);
        agent.classes.image.warm_up();
    }
    if let Err(e) = events::enable(agent, how) {
        // Whatever was enabled before the failure is switched off again by `enable`.
        log::early(&format!("disabled: {e}"));
        return;
    }
    tracing::info!(
        "started ({:?}, mode {:?}, app {}, counters {}, compile events {})",
        how,
        agent.config.mode,
        agent.config.app,
        agent.shim.is_some(),
        compile_events
    );
    if how == Start::OnAttach {
        // Already live: do what VMInit would have done, on this (attached) thread.
        let mut env: *mut std::ffi::c_void = std::ptr::null_mut();
        // SAFETY: `vm` is valid; the attaching thread is attached to the VM.
        let rc = unsafe { (**vm).GetEnv.map(|f| f(vm, &mut env, JNI_VERSION_1_8)) };
        if rc == Some(JNI_OK) && !env.is_null() {
            // SAFETY: the JNIEnv of this thread.
            vm_init(agent, unsafe { Jni::from_raw(env as *mut JNIEnv) });
        }
    }
}

/// Asks for what the mode needs; returns whether compiled-method events are available.
fn request_capabilities(jvmti: Jvmti, mode: Mode) -> bool {
    if mode == Mode::Doctor {
        return false;
    }
    let potential = match jvmti.potential_capabilities() {
        Ok(p) => p,
        Err(e) => {
            tracing::warn!("{e}: compile events are off");
            return false;
        }
    };
    let mut wanted = jvmtiCapabilities::default();
    if potential.can_generate_compiled_method_load_events() {
        wanted.set_can_generate_compiled_method_load_events(true);
    }
    // Capture reads the bytecode of compiled methods for their code facts (capture/facts.rs);
    // both are "always" capabilities in HotSpot, without a cost.
    if matches!(mode, Mode::Capture | Mode::Auto) {
        wanted.set_can_get_bytecodes(potential.can_get_bytecodes());
        wanted.set_can_get_constant_pool(potential.can_get_constant_pool());
    }
    match jvmti.add_capabilities(&wanted) {
        Ok(()) => wanted.can_generate_compiled_method_load_events(),
        Err(e) => {
            tracing::warn!("{e}: compile events are off");
            false
        }
    }
}

/// VMInit (or attach): the VM is live; compute the compat key and start background work.
pub fn vm_init(agent: &'static Agent, jni: Jni) {
    events::enable_class_hook(agent);
    configure_runtime_image(agent, jni);
    let key = crate::compat::compute(agent);
    let _ = agent.compat.set(key);
    match agent.config.mode {
        Mode::Doctor => crate::doctor::report(agent),
        Mode::Observe => profiler::start(agent, jni),
        Mode::Capture => crate::capture::vm_init(agent, jni),
        Mode::Install => crate::install::vm_init(agent, jni),
        // Install first: capture then knows which methods the cache already has.
        Mode::Auto => {
            if let Some(dir) = &agent.config.cache_dir {
                // The first run of a cache: nothing to install, but install must not be off.
                let _ = std::fs::create_dir_all(dir);
            }
            crate::install::vm_init(agent, jni);
            crate::capture::vm_init(agent, jni);
        }
        Mode::Verify => crate::verify::run(agent, jni),
        Mode::Off => {}
    }
    // After the mode's own start: the installer must be ready for code from the server.
    crate::net::start(agent, jni);
}

/// Whether `mode` shares code (and so fingerprints the JDK's early classes by the image).
fn shares_code(mode: Mode) -> bool {
    matches!(mode, Mode::Capture | Mode::Install | Mode::Auto | Mode::Verify)
}

/// Which of the runtime image's classes were defined before the load hook was on, for their
/// fingerprints (the image digest was started at OnLoad). Only in the modes that share code.
fn configure_runtime_image(agent: &'static Agent, jni: Jni) {
    if !shares_code(agent.config.mode) {
        return;
    }
    let patched = agent.jvmti.system_property("jdk.module.patch.0").is_ok();
    let early = if patched { Default::default() } else { early_image_classes(agent, jni) };
    tracing::debug!("{} JDK classes defined before VMInit get runtime-image fingerprints", early.len());
    agent.classes.image.set_early_classes(early);
}

/// The boot and platform classes loaded now whose package is in a named module, i.e. that
/// came from the runtime image, and whose bytes the load hook did not see.
fn early_image_classes(agent: &'static Agent, jni: Jni) -> std::collections::HashSet<String> {
    let mut found = std::collections::HashSet::new();
    let mut package_is_named: std::collections::HashMap<(bool, String), bool> = Default::default();
    let Ok(classes) = agent.jvmti.loaded_classes() else { return found };
    for class in classes {
        let name = agent.jvmti.class_signature(class).ok().filter(|s| s.starts_with('L')).map(|s| crate::loaders::internal_name(&s));
        let loader = agent.jvmti.class_loader(class).unwrap_or(std::ptr::null_mut());
        if let Some(name) = name {
            let id = crate::loaders::identify(agent.jvmti, jni, loader);
            let platform = match &id {
                LoaderId::Boot => Some(false),
                LoaderId::Named(n) if n == crate::classes::PLATFORM_LOADER => Some(true),
                LoaderId::Named(_) => None,
            };
            if let Some(platform) = platform {
                let package = crate::runtime_image::package_of(&name).to_string();
                let named = *package_is_named.entry((platform, package.clone())).or_insert_with(|| {
                    let module = agent.jvmti.named_module(loader, &package).unwrap_or(std::ptr::null_mut());
                    let named = !module.is_null();
                    if named {
                        jni.delete_local_ref(module);
                    }
                    named
                });
                if named && agent.classes.is_unrecorded(&name, &id) {
                    found.insert(name);
                }
            }
        }
        if !loader.is_null() {
            jni.delete_local_ref(loader);
        }
        jni.delete_local_ref(class);
    }
    found
}

/// VMDeath: last profile, summary line.
pub fn vm_death(agent: &'static Agent, jni: Jni) {
    if agent.config.mode == Mode::Observe {
        profiler::finish(agent, jni);
    }
    crate::net::vm_death();
    crate::capture::vm_death();
    crate::install::vm_death();
    let (loads, unloads, dropped) = agent.compilations.stats();
    let (defined, classes, ambiguous) = agent.classes.stats();
    tracing::info!(
        "summary: {} ms, {} compilations ({} unloaded, {} dropped from the log), {} class definitions \
         ({} classes, {} ambiguous), {} code blobs, {} profiles written",
        agent.started.elapsed().as_millis(),
        loads,
        unloads,
        dropped,
        defined,
        classes,
        ambiguous,
        agent.stubs.len(),
        agent.profiler.written()
    );
}

/// Agent_OnUnload: nothing left to release that the process exit does not.
pub fn unload() {
    if agent().is_some() {
        tracing::debug!("unloaded");
    }
}
