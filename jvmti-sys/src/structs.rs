//! The plain data structures of `jvmti.h` that JVMTI functions fill in or read.

use core::ffi::{c_char, c_uchar, c_void};

use jni_sys::{jboolean, jclass, jint, jlong, jmethodID, jobject};

use crate::{
    jlocation, jthread, jthreadGroup, jvmtiEnv, jvmtiError, jvmtiParamKind, jvmtiParamTypes,
    jvmtiTimerKind,
};

/// Filled in by `GetThreadInfo`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct jvmtiThreadInfo {
    pub name: *mut c_char,
    pub priority: jint,
    pub is_daemon: jboolean,
    pub thread_group: jthreadGroup,
    pub context_class_loader: jobject,
}

/// One entry of `GetOwnedMonitorStackDepthInfo`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct jvmtiMonitorStackDepthInfo {
    pub monitor: jobject,
    pub stack_depth: jint,
}

/// Filled in by `GetThreadGroupInfo`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct jvmtiThreadGroupInfo {
    pub parent: jthreadGroup,
    pub name: *mut c_char,
    pub max_priority: jint,
    pub is_daemon: jboolean,
}

/// One stack frame: method and location (a bytecode index for HotSpot).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct jvmtiFrameInfo {
    pub method: jmethodID,
    pub location: jlocation,
}

/// The stack of one thread, as returned by `GetAllStackTraces` and `GetThreadListStackTraces`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct jvmtiStackInfo {
    pub thread: jthread,
    pub state: jint,
    pub frame_buffer: *mut jvmtiFrameInfo,
    pub frame_count: jint,
}

/// One class to redefine with `RedefineClasses`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct jvmtiClassDefinition {
    pub klass: jclass,
    pub class_byte_count: jint,
    pub class_bytes: *const c_uchar,
}

/// Filled in by `GetObjectMonitorUsage`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct jvmtiMonitorUsage {
    pub owner: jthread,
    pub entry_count: jint,
    pub waiter_count: jint,
    pub waiters: *mut jthread,
    pub notify_waiter_count: jint,
    pub notify_waiters: *mut jthread,
}

/// One entry of `GetLineNumberTable`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct jvmtiLineNumberEntry {
    pub start_location: jlocation,
    pub line_number: jint,
}

/// One entry of `GetLocalVariableTable`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct jvmtiLocalVariableEntry {
    pub start_location: jlocation,
    pub length: jint,
    pub name: *mut c_char,
    pub signature: *mut c_char,
    pub generic_signature: *mut c_char,
    pub slot: jint,
}

/// An extension function; its real parameters are described by `jvmtiExtensionFunctionInfo::params`.
pub type jvmtiExtensionFunction =
    Option<unsafe extern "C" fn(jvmti_env: *mut jvmtiEnv, ...) -> jvmtiError>;

/// An extension event callback; its real parameters are described by `jvmtiExtensionEventInfo::params`.
pub type jvmtiExtensionEvent = Option<unsafe extern "C" fn(jvmti_env: *mut jvmtiEnv, ...)>;

/// Describes one parameter of an extension function or event.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct jvmtiParamInfo {
    pub name: *mut c_char,
    pub kind: jvmtiParamKind,
    pub base_type: jvmtiParamTypes,
    pub null_ok: jboolean,
}

/// Describes one extension function, from `GetExtensionFunctions`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct jvmtiExtensionFunctionInfo {
    pub func: jvmtiExtensionFunction,
    pub id: *mut c_char,
    pub short_description: *mut c_char,
    pub param_count: jint,
    pub params: *mut jvmtiParamInfo,
    pub error_count: jint,
    pub errors: *mut jvmtiError,
}

/// Describes one extension event, from `GetExtensionEvents`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct jvmtiExtensionEventInfo {
    pub extension_event_index: jint,
    pub id: *mut c_char,
    pub short_description: *mut c_char,
    pub param_count: jint,
    pub params: *mut jvmtiParamInfo,
}

/// Describes a timer, from `GetCurrentThreadCpuTimerInfo` and friends.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct jvmtiTimerInfo {
    pub max_value: jlong,
    pub may_skip_forward: jboolean,
    pub may_skip_backward: jboolean,
    pub kind: jvmtiTimerKind,
    pub reserved1: jlong,
    pub reserved2: jlong,
}

/// Maps a native code address to a location, in `CompiledMethodLoad`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct jvmtiAddrLocationMap {
    pub start_address: *const c_void,
    pub location: jlocation,
}
