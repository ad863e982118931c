//! The anonymous `enum { ... }` constants of `jvmti.h`: versions, thread states, heap
//! filter and visit flags, class status bits, version masks, resource exhaustion flags.

use jni_sys::jint;

// Interface versions, passed to `JavaVM::GetEnv` and returned by `GetVersionNumber`.
pub const JVMTI_VERSION_1: jint = 0x30010000;
pub const JVMTI_VERSION_1_0: jint = 0x30010000;
pub const JVMTI_VERSION_1_1: jint = 0x30010100;
pub const JVMTI_VERSION_1_2: jint = 0x30010200;
pub const JVMTI_VERSION_9: jint = 0x30090000;
pub const JVMTI_VERSION_11: jint = 0x300B0000;
/// The version of the header these bindings were written from: 17.0.0.
pub const JVMTI_VERSION: jint = 0x3011_0000;

// Bits of the thread state returned by `GetThreadState`.
pub const JVMTI_THREAD_STATE_ALIVE: jint = 0x0001;
pub const JVMTI_THREAD_STATE_TERMINATED: jint = 0x0002;
pub const JVMTI_THREAD_STATE_RUNNABLE: jint = 0x0004;
pub const JVMTI_THREAD_STATE_BLOCKED_ON_MONITOR_ENTER: jint = 0x0400;
pub const JVMTI_THREAD_STATE_WAITING: jint = 0x0080;
pub const JVMTI_THREAD_STATE_WAITING_INDEFINITELY: jint = 0x0010;
pub const JVMTI_THREAD_STATE_WAITING_WITH_TIMEOUT: jint = 0x0020;
pub const JVMTI_THREAD_STATE_SLEEPING: jint = 0x0040;
pub const JVMTI_THREAD_STATE_IN_OBJECT_WAIT: jint = 0x0100;
pub const JVMTI_THREAD_STATE_PARKED: jint = 0x0200;
pub const JVMTI_THREAD_STATE_SUSPENDED: jint = 0x100000;
pub const JVMTI_THREAD_STATE_INTERRUPTED: jint = 0x200000;
pub const JVMTI_THREAD_STATE_IN_NATIVE: jint = 0x400000;
pub const JVMTI_THREAD_STATE_VENDOR_1: jint = 0x10000000;
pub const JVMTI_THREAD_STATE_VENDOR_2: jint = 0x20000000;
pub const JVMTI_THREAD_STATE_VENDOR_3: jint = 0x40000000;

// Mask and values that map a JVMTI thread state onto `java.lang.Thread.State`.
pub const JVMTI_JAVA_LANG_THREAD_STATE_MASK: jint = JVMTI_THREAD_STATE_TERMINATED
    | JVMTI_THREAD_STATE_ALIVE
    | JVMTI_THREAD_STATE_RUNNABLE
    | JVMTI_THREAD_STATE_BLOCKED_ON_MONITOR_ENTER
    | JVMTI_THREAD_STATE_WAITING
    | JVMTI_THREAD_STATE_WAITING_INDEFINITELY
    | JVMTI_THREAD_STATE_WAITING_WITH_TIMEOUT;
pub const JVMTI_JAVA_LANG_THREAD_STATE_NEW: jint = 0;
pub const JVMTI_JAVA_LANG_THREAD_STATE_TERMINATED: jint = JVMTI_THREAD_STATE_TERMINATED;
pub const JVMTI_JAVA_LANG_THREAD_STATE_RUNNABLE: jint =
    JVMTI_THREAD_STATE_ALIVE | JVMTI_THREAD_STATE_RUNNABLE;
pub const JVMTI_JAVA_LANG_THREAD_STATE_BLOCKED: jint =
    JVMTI_THREAD_STATE_ALIVE | JVMTI_THREAD_STATE_BLOCKED_ON_MONITOR_ENTER;
pub const JVMTI_JAVA_LANG_THREAD_STATE_WAITING: jint =
    JVMTI_THREAD_STATE_ALIVE | JVMTI_THREAD_STATE_WAITING | JVMTI_THREAD_STATE_WAITING_INDEFINITELY;
pub const JVMTI_JAVA_LANG_THREAD_STATE_TIMED_WAITING: jint =
    JVMTI_THREAD_STATE_ALIVE | JVMTI_THREAD_STATE_WAITING | JVMTI_THREAD_STATE_WAITING_WITH_TIMEOUT;

// Thread priorities for `RunAgentThread`.
pub const JVMTI_THREAD_MIN_PRIORITY: jint = 1;
pub const JVMTI_THREAD_NORM_PRIORITY: jint = 5;
pub const JVMTI_THREAD_MAX_PRIORITY: jint = 10;

// Heap filter flags of `FollowReferences` and `IterateThroughHeap`.
pub const JVMTI_HEAP_FILTER_TAGGED: jint = 0x4;
pub const JVMTI_HEAP_FILTER_UNTAGGED: jint = 0x8;
pub const JVMTI_HEAP_FILTER_CLASS_TAGGED: jint = 0x10;
pub const JVMTI_HEAP_FILTER_CLASS_UNTAGGED: jint = 0x20;

// Visit control flags returned by the heap callbacks.
pub const JVMTI_VISIT_OBJECTS: jint = 0x100;
pub const JVMTI_VISIT_ABORT: jint = 0x8000;

// Class status bits returned by `GetClassStatus`.
pub const JVMTI_CLASS_STATUS_VERIFIED: jint = 1;
pub const JVMTI_CLASS_STATUS_PREPARED: jint = 2;
pub const JVMTI_CLASS_STATUS_INITIALIZED: jint = 4;
pub const JVMTI_CLASS_STATUS_ERROR: jint = 8;
pub const JVMTI_CLASS_STATUS_ARRAY: jint = 16;
pub const JVMTI_CLASS_STATUS_PRIMITIVE: jint = 32;

// Interface type encoded in a version number.
pub const JVMTI_VERSION_INTERFACE_JNI: jint = 0x00000000;
pub const JVMTI_VERSION_INTERFACE_JVMTI: jint = 0x30000000;

// Masks that pick a version number apart.
pub const JVMTI_VERSION_MASK_INTERFACE_TYPE: jint = 0x70000000;
pub const JVMTI_VERSION_MASK_MAJOR: jint = 0x0FFF0000;
pub const JVMTI_VERSION_MASK_MINOR: jint = 0x0000FF00;
pub const JVMTI_VERSION_MASK_MICRO: jint = 0x000000FF;

// Shifts that pick a version number apart.
pub const JVMTI_VERSION_SHIFT_MAJOR: jint = 16;
pub const JVMTI_VERSION_SHIFT_MINOR: jint = 8;
pub const JVMTI_VERSION_SHIFT_MICRO: jint = 0;

// Flags of the `ResourceExhausted` event.
pub const JVMTI_RESOURCE_EXHAUSTED_OOM_ERROR: jint = 0x0001;
pub const JVMTI_RESOURCE_EXHAUSTED_JAVA_HEAP: jint = 0x0002;
pub const JVMTI_RESOURCE_EXHAUSTED_THREADS: jint = 0x0004;
