//! libjitfleet.so — the jitfleet JVMTI agent.
//!
//! Loaded with `-agentpath:/path/libjitfleet.so[=key=value,...]` (or attached to a running
//! JVM), configured by `JITFLEET_*` environment variables ([`config`]). It never fails the
//! JVM: every entry point catches panics, and any problem disables the agent (or the one
//! feature concerned) with one clear log line, leaving the application to run as without it.
//!
//! Layout: [`lifecycle`] (the three `Agent_*` entry points and the agent's state), [`events`]
//! (JVMTI callbacks, dispatching to the module that owns each event), [`classes`] (class
//! fingerprints), [`compilations`] (the compile log), [`stubs`] (dynamic code names),
//! [`shim`] (read-only access to HotSpot's own structures), [`compat`] (this JVM's compat key),
//! [`profiler`] (profile files), [`doctor`] (the `jitfleet doctor` report), [`net`] (the
//! client of `jitfleet-server`: one background thread, bounded drop-oldest queues).

pub mod boot_classes;
pub mod capture;
pub mod classes;
pub mod compat;
pub mod compilations;
pub mod config;
pub mod deny;
pub mod doctor;
pub mod events;
pub mod install;
pub mod jni;
pub mod jvmti;
pub mod lifecycle;
pub mod loaders;
pub mod log;
pub mod net;
pub mod profiler;
pub mod runtime_image;
pub mod shim;
pub mod statics;
pub mod stubs;
pub mod verify;

use jvmti_sys::{jint, JavaVM, JNI_OK};
use std::ffi::{c_char, c_void, CStr};

/// Runs `f`, turning a panic into `None` with one log line: no panic may unwind into the JVM.
pub(crate) fn guard<T>(what: &str, f: impl FnOnce() -> T) -> Option<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(v) => Some(v),
        Err(payload) => {
            let msg = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_string());
            tracing::error!("internal error in {what}: {msg}; this event is ignored");
            None
        }
    }
}

fn options_str(options: *const c_char) -> Option<String> {
    if options.is_null() {
        None
    } else {
        // SAFETY: HotSpot passes the option string NUL-terminated (or null).
        Some(unsafe { CStr::from_ptr(options) }.to_string_lossy().into_owned())
    }
}

/// Called by HotSpot for `-agentpath`. Always returns JNI_OK: a broken agent must not stop
/// the JVM from starting.
///
/// # Safety
/// Called by the JVM with a valid `JavaVM*`.
#[no_mangle]
pub unsafe extern "C" fn Agent_OnLoad(vm: *mut JavaVM, options: *mut c_char, _reserved: *mut c_void) -> jint {
    let options = options_str(options);
    if guard("Agent_OnLoad", || {
        // SAFETY: `vm` is the JavaVM* HotSpot passed to this entry point.
        unsafe { lifecycle::start(vm, options.as_deref(), lifecycle::Start::OnLoad) }
    }).is_none() {
        log::early("disabled: internal error while loading (see above)");
    }
    JNI_OK
}

/// Called by HotSpot when the agent is attached to a running JVM: observation only.
///
/// # Safety
/// Called by the JVM with a valid `JavaVM*`.
#[no_mangle]
pub unsafe extern "C" fn Agent_OnAttach(vm: *mut JavaVM, options: *mut c_char, _reserved: *mut c_void) -> jint {
    let options = options_str(options);
    if guard("Agent_OnAttach", || {
        // SAFETY: `vm` is the JavaVM* HotSpot passed to this entry point.
        unsafe { lifecycle::start(vm, options.as_deref(), lifecycle::Start::OnAttach) }
    }).is_none() {
        log::early("disabled: internal error while attaching (see above)");
    }
    JNI_OK
}

/// Called by HotSpot as the library is unloaded at VM exit.
///
/// # Safety
/// Called by the JVM.
#[no_mangle]
pub unsafe extern "C" fn Agent_OnUnload(_vm: *mut JavaVM) {
    guard("Agent_OnUnload", lifecycle::unload);
}
