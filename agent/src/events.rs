//! The JVMTI event table: one callback per event, each catching panics and dispatching to the
//! module that owns the event.

use crate::compilations::{inline_tree, pc_chains, RawCompilation};
use crate::config::Mode;
use crate::jni::Jni;
use crate::jvmti::JvmtiError;
use crate::lifecycle::{self, Agent, Start};
use crate::stubs::Stub;
use crate::{guard, loaders};
use jvmti_sys::*;
use std::ffi::{c_char, c_uchar, c_void, CStr};

/// Installs the callbacks and enables the events the mode needs. On failure, the events
/// already enabled are disabled again, so the agent is fully off.
pub fn enable(agent: &Agent, how: Start) -> Result<(), JvmtiError> {
    let jvmti = agent.jvmti;
    let mut callbacks = jvmtiEventCallbacks {
        VMInit: Some(on_vm_init),
        VMDeath: Some(on_vm_death),
        ..Default::default()
    };
    let mut events = vec![jvmtiEvent::JVMTI_EVENT_VM_DEATH];
    if how == Start::OnLoad {
        events.push(jvmtiEvent::JVMTI_EVENT_VM_INIT);
    }
    if matches!(agent.config.mode, Mode::Observe | Mode::Capture | Mode::Install | Mode::Auto | Mode::Verify) {
        callbacks.ClassFileLoadHook = Some(on_class_file_load);
        callbacks.ClassPrepare = Some(on_class_prepare);
        callbacks.DynamicCodeGenerated = Some(on_dynamic_code);
        // The load hook is enabled at VMInit, not here: enabled this early, HotSpot 17 turns
        // off CDS's archived module graph and start-up gets ~10 ms slower, while the classes
        // loaded before VMInit come from the CDS archive and post no bytes to hash anyway.
        if how == Start::OnAttach {
            events.push(jvmtiEvent::JVMTI_EVENT_CLASS_FILE_LOAD_HOOK);
        }
        events.extend([
            jvmtiEvent::JVMTI_EVENT_CLASS_PREPARE,
            jvmtiEvent::JVMTI_EVENT_DYNAMIC_CODE_GENERATED,
        ]);
        if agent.compile_events && matches!(agent.config.mode, Mode::Observe | Mode::Capture | Mode::Auto) {
            callbacks.CompiledMethodLoad = Some(on_compiled_method_load);
            callbacks.CompiledMethodUnload = Some(on_compiled_method_unload);
            events.extend([
                jvmtiEvent::JVMTI_EVENT_COMPILED_METHOD_LOAD,
                jvmtiEvent::JVMTI_EVENT_COMPILED_METHOD_UNLOAD,
            ]);
        }
    }
    jvmti.set_event_callbacks(&callbacks)?;
    for (i, &event) in events.iter().enumerate() {
        if let Err(e) = jvmti.enable_event(event) {
            for &done in &events[..i] {
                let _ = jvmti.disable_event(done);
            }
            return Err(e);
        }
    }
    if how == Start::OnAttach && agent.config.mode == Mode::Observe {
        // Replay what happened before we were here; failures only lose history.
        for event in [jvmtiEvent::JVMTI_EVENT_DYNAMIC_CODE_GENERATED, jvmtiEvent::JVMTI_EVENT_COMPILED_METHOD_LOAD] {
            if agent.compile_events || event == jvmtiEvent::JVMTI_EVENT_DYNAMIC_CODE_GENERATED {
                if let Err(e) = jvmti.generate_events(event) {
                    tracing::warn!("{e}: earlier events are not replayed");
                }
            }
        }
    }
    Ok(())
}

/// VMInit: from now on the load hook may run without costing start-up (see [`enable`]).
pub fn enable_class_hook(agent: &Agent) {
    if matches!(agent.config.mode, Mode::Observe | Mode::Capture | Mode::Install | Mode::Auto | Mode::Verify) {
        if let Err(e) = agent.jvmti.enable_event(jvmtiEvent::JVMTI_EVENT_CLASS_FILE_LOAD_HOOK) {
            tracing::warn!("{e}: classes are not fingerprinted");
        }
    }
}

unsafe extern "C" fn on_vm_init(_jvmti: *mut jvmtiEnv, jni: *mut JNIEnv, _thread: jthread) {
    guard("VMInit", || {
        if let Some(agent) = lifecycle::agent() {
            // SAFETY: HotSpot passes the current thread's JNIEnv.
            lifecycle::vm_init(agent, unsafe { Jni::from_raw(jni) });
        }
    });
}

unsafe extern "C" fn on_vm_death(jvmti: *mut jvmtiEnv, jni: *mut JNIEnv) {
    guard("VMDeath", || {
        if let Some(agent) = lifecycle::agent() {
            if let Some(filter) = &agent.config.shim_dump {
                // SAFETY: the live environment and this thread's JNIEnv, inside the callback.
                unsafe { crate::shim::selftest::dump_loaded_methods(jvmti, jni, filter) };
            }
            // SAFETY: HotSpot passes the current thread's JNIEnv.
            lifecycle::vm_death(agent, unsafe { Jni::from_raw(jni) });
        }
    });
}

#[allow(clippy::too_many_arguments)] // the JVMTI signature
unsafe extern "C" fn on_class_file_load(
    _jvmti: *mut jvmtiEnv,
    jni: *mut JNIEnv,
    class_being_redefined: jclass,
    loader: jobject,
    name: *const c_char,
    _protection_domain: jobject,
    class_data_len: jint,
    class_data: *const c_uchar,
    _new_class_data_len: *mut jint,
    _new_class_data: *mut *mut c_uchar,
) {
    guard("ClassFileLoadHook", || {
        let Some(agent) = lifecycle::agent() else { return };
        if name.is_null() || class_data.is_null() || class_data_len < 0 {
            return; // nameless (hidden) classes cannot be referred to by another JVM
        }
        // SAFETY: HotSpot passes a NUL-terminated name and `class_data_len` readable bytes,
        // valid for the duration of the callback.
        let (name, bytes) = unsafe {
            (
                CStr::from_ptr(name).to_string_lossy(),
                std::slice::from_raw_parts(class_data, class_data_len as usize),
            )
        };
        // SAFETY: the current thread's JNIEnv.
        let jni = unsafe { Jni::from_raw(jni) };
        let loader_id = loaders::identify(agent.jvmti, jni, loader);
        agent.classes.record(&name, loader_id, bytes, !class_being_redefined.is_null());
    });
}

unsafe extern "C" fn on_class_prepare(_jvmti: *mut jvmtiEnv, jni: *mut JNIEnv, _thread: jthread, class: jclass) {
    guard("ClassPrepare", || {
        if let Some(agent) = lifecycle::agent() {
            agent.profiler.class_prepared();
            if matches!(agent.config.mode, Mode::Capture | Mode::Auto) {
                crate::boot_classes::note_prepared(agent.jvmti, class);
            }
            if matches!(agent.config.mode, Mode::Install | Mode::Auto) {
                // SAFETY: the current thread's JNIEnv and the event's class, inside the callback.
                unsafe { crate::install::class_prepared(agent, Jni::from_raw(jni), class) };
            }
        }
    });
}

unsafe extern "C" fn on_compiled_method_load(
    _jvmti: *mut jvmtiEnv,
    method: jmethodID,
    code_size: jint,
    code_addr: *const c_void,
    _map_length: jint,
    _map: *const jvmtiAddrLocationMap,
    compile_info: *const c_void,
) {
    guard("CompiledMethodLoad", || {
        let Some(agent) = lifecycle::agent() else { return };
        // SAFETY: called inside the callback, where `compile_info` is valid.
        let chains = unsafe { pc_chains(compile_info) };
        let (methods, edges) = inline_tree(method, &chains);
        let tier = agent.shim.as_ref().and_then(|s| crate::compilations::tier_of(s, method, code_addr as u64)).unwrap_or(0);
        if matches!(agent.config.mode, Mode::Capture | Mode::Auto) && tier == 4 {
            // SAFETY: inside the callback, `compile_info` is HotSpot's record list.
            unsafe { crate::capture::compiled_method_load(agent, method, code_addr as u64, &methods, compile_info) };
        }
        crate::net::compiled(agent, &methods, tier, code_size.max(0) as u32);
        agent.compilations.push(RawCompilation {
            methods,
            edges,
            code_addr: code_addr as usize,
            code_size: code_size.max(0) as u32,
            tier,
            unloaded: false,
        });
    });
}

unsafe extern "C" fn on_compiled_method_unload(_jvmti: *mut jvmtiEnv, _method: jmethodID, code_addr: *const c_void) {
    guard("CompiledMethodUnload", || {
        if let Some(agent) = lifecycle::agent() {
            agent.compilations.unload(code_addr as usize);
        }
    });
}

unsafe extern "C" fn on_dynamic_code(_jvmti: *mut jvmtiEnv, name: *const c_char, address: *const c_void, length: jint) {
    guard("DynamicCodeGenerated", || {
        let Some(agent) = lifecycle::agent() else { return };
        let name = if name.is_null() {
            String::new()
        } else {
            // SAFETY: NUL-terminated name valid during the callback.
            unsafe { CStr::from_ptr(name) }.to_string_lossy().into_owned()
        };
        crate::capture::blobs::names().record(&name, address as u64, length.max(0) as u64);
        agent.stubs.record(Stub { name, address: address as usize, length: length.max(0) as usize });
    });
}

