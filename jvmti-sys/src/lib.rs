//! Raw FFI bindings to the JVM Tool Interface of JDK 17: `jvmti.h` and `jvmticmlr.h`.
//!
//! What this crate is: the C declarations, one for one, with the C names kept verbatim so that
//! the JVMTI specification and HotSpot sources can be read side by side with Rust code —
//! the function table [`jvmtiInterface_1_`] with every slot in order (reserved ones included),
//! the event table [`jvmtiEventCallbacks`], [`jvmtiCapabilities`] as an opaque bit field with
//! one getter/setter per C bit, the C enums as `#[repr(transparent)]` newtypes, all `JVMTI_*`
//! constants and every struct. The JNI types come from `jni-sys` and are re-exported.
//!
//! What it is not: there is no logic, no safe wrapper and no linking here; a JVMTI
//! environment is obtained at run time through `JavaVM::GetEnv`. Callbacks use
//! `extern "C"` (JNICALL is empty on Linux, and `SetEventNotificationMode` is variadic).
//!
//! Checked against the real headers by `tests/layout.rs`: a C program compiled with the
//! system compiler reports the size/alignment of every type, the offset of every field and
//! table slot, every constant and every capability bit, and a C++ probe reports the
//! signature of every function pointer; both must match the Rust definitions exactly.
//! `examples/smoke_agent.rs` is a minimal agent built on these bindings, run inside a real
//! JVM by `tests/real_jvm.rs`.
#![no_std]
// The C names are kept verbatim so that code can be checked against jvmti.h and the spec.
#![allow(non_camel_case_types, non_snake_case, non_upper_case_globals)]

pub use jni_sys::*;

mod capabilities;
mod cmlr;
mod constants;
mod enums;
mod events;
mod heap;
mod interface;
mod structs;

pub use capabilities::*;
pub use cmlr::*;
pub use constants::*;
pub use enums::*;
pub use events::*;
pub use heap::*;
pub use interface::*;
pub use structs::*;

/// A thread object (`java.lang.Thread`).
pub type jthread = jobject;
/// A thread group object (`java.lang.ThreadGroup`).
pub type jthreadGroup = jobject;
/// A location in a method: a bytecode index on HotSpot.
pub type jlocation = jlong;

/// Opaque target of a [`jrawMonitorID`].
#[repr(C)]
pub struct _jrawMonitorID {
    _private: [u8; 0],
}
/// A raw monitor created with `CreateRawMonitor`.
pub type jrawMonitorID = *mut _jrawMonitorID;

/// The JNI function table, as named by `GetJNIFunctionTable`/`SetJNIFunctionTable`.
pub type jniNativeInterface = JNINativeInterface_;

/// A JVMTI environment as C sees it: a pointer to the function table. Functions take a
/// `*mut jvmtiEnv`, so a call reads `((**env).GetVersionNumber.unwrap())(env, &mut v)`.
pub type jvmtiEnv = *const jvmtiInterface_1_;
