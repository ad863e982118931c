//! The named (`typedef enum`) enumerations of `jvmti.h`.
//!
//! Each is a `#[repr(transparent)]` newtype over the C enum's `unsigned int` with the C
//! enumerators as associated constants, not a Rust `enum`: a JVM newer than the header may hand
//! us a code we do not know, and that must still be a valid value rather than undefined behaviour.

/// Kind of a reference reported to a `jvmtiHeapReferenceCallback`.
#[repr(transparent)]
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct jvmtiHeapReferenceKind(pub u32);

impl jvmtiHeapReferenceKind {
    pub const JVMTI_HEAP_REFERENCE_CLASS: Self = Self(1);
    pub const JVMTI_HEAP_REFERENCE_FIELD: Self = Self(2);
    pub const JVMTI_HEAP_REFERENCE_ARRAY_ELEMENT: Self = Self(3);
    pub const JVMTI_HEAP_REFERENCE_CLASS_LOADER: Self = Self(4);
    pub const JVMTI_HEAP_REFERENCE_SIGNERS: Self = Self(5);
    pub const JVMTI_HEAP_REFERENCE_PROTECTION_DOMAIN: Self = Self(6);
    pub const JVMTI_HEAP_REFERENCE_INTERFACE: Self = Self(7);
    pub const JVMTI_HEAP_REFERENCE_STATIC_FIELD: Self = Self(8);
    pub const JVMTI_HEAP_REFERENCE_CONSTANT_POOL: Self = Self(9);
    pub const JVMTI_HEAP_REFERENCE_SUPERCLASS: Self = Self(10);
    pub const JVMTI_HEAP_REFERENCE_JNI_GLOBAL: Self = Self(21);
    pub const JVMTI_HEAP_REFERENCE_SYSTEM_CLASS: Self = Self(22);
    pub const JVMTI_HEAP_REFERENCE_MONITOR: Self = Self(23);
    pub const JVMTI_HEAP_REFERENCE_STACK_LOCAL: Self = Self(24);
    pub const JVMTI_HEAP_REFERENCE_JNI_LOCAL: Self = Self(25);
    pub const JVMTI_HEAP_REFERENCE_THREAD: Self = Self(26);
    pub const JVMTI_HEAP_REFERENCE_OTHER: Self = Self(27);
}

/// Primitive type of a field or array value; the values are the JVM signature characters.
#[repr(transparent)]
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct jvmtiPrimitiveType(pub u32);

impl jvmtiPrimitiveType {
    pub const JVMTI_PRIMITIVE_TYPE_BOOLEAN: Self = Self(90);
    pub const JVMTI_PRIMITIVE_TYPE_BYTE: Self = Self(66);
    pub const JVMTI_PRIMITIVE_TYPE_CHAR: Self = Self(67);
    pub const JVMTI_PRIMITIVE_TYPE_SHORT: Self = Self(83);
    pub const JVMTI_PRIMITIVE_TYPE_INT: Self = Self(73);
    pub const JVMTI_PRIMITIVE_TYPE_LONG: Self = Self(74);
    pub const JVMTI_PRIMITIVE_TYPE_FLOAT: Self = Self(70);
    pub const JVMTI_PRIMITIVE_TYPE_DOUBLE: Self = Self(68);
}

/// Object filter of the JVMTI 1.0 heap iteration functions.
#[repr(transparent)]
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct jvmtiHeapObjectFilter(pub u32);

impl jvmtiHeapObjectFilter {
    pub const JVMTI_HEAP_OBJECT_TAGGED: Self = Self(1);
    pub const JVMTI_HEAP_OBJECT_UNTAGGED: Self = Self(2);
    pub const JVMTI_HEAP_OBJECT_EITHER: Self = Self(3);
}

/// Root kind reported by the JVMTI 1.0 heap iteration functions.
#[repr(transparent)]
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct jvmtiHeapRootKind(pub u32);

impl jvmtiHeapRootKind {
    pub const JVMTI_HEAP_ROOT_JNI_GLOBAL: Self = Self(1);
    pub const JVMTI_HEAP_ROOT_SYSTEM_CLASS: Self = Self(2);
    pub const JVMTI_HEAP_ROOT_MONITOR: Self = Self(3);
    pub const JVMTI_HEAP_ROOT_STACK_LOCAL: Self = Self(4);
    pub const JVMTI_HEAP_ROOT_JNI_LOCAL: Self = Self(5);
    pub const JVMTI_HEAP_ROOT_THREAD: Self = Self(6);
    pub const JVMTI_HEAP_ROOT_OTHER: Self = Self(7);
}

/// Reference kind reported by the JVMTI 1.0 heap iteration functions.
#[repr(transparent)]
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct jvmtiObjectReferenceKind(pub u32);

impl jvmtiObjectReferenceKind {
    pub const JVMTI_REFERENCE_CLASS: Self = Self(1);
    pub const JVMTI_REFERENCE_FIELD: Self = Self(2);
    pub const JVMTI_REFERENCE_ARRAY_ELEMENT: Self = Self(3);
    pub const JVMTI_REFERENCE_CLASS_LOADER: Self = Self(4);
    pub const JVMTI_REFERENCE_SIGNERS: Self = Self(5);
    pub const JVMTI_REFERENCE_PROTECTION_DOMAIN: Self = Self(6);
    pub const JVMTI_REFERENCE_INTERFACE: Self = Self(7);
    pub const JVMTI_REFERENCE_STATIC_FIELD: Self = Self(8);
    pub const JVMTI_REFERENCE_CONSTANT_POOL: Self = Self(9);
}

/// Return value of the JVMTI 1.0 heap iteration callbacks.
#[repr(transparent)]
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct jvmtiIterationControl(pub u32);

impl jvmtiIterationControl {
    pub const JVMTI_ITERATION_CONTINUE: Self = Self(1);
    pub const JVMTI_ITERATION_IGNORE: Self = Self(2);
    pub const JVMTI_ITERATION_ABORT: Self = Self(0);
}

/// Mode argument of `SetEventNotificationMode`.
#[repr(transparent)]
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct jvmtiEventMode(pub u32);

impl jvmtiEventMode {
    pub const JVMTI_ENABLE: Self = Self(1);
    pub const JVMTI_DISABLE: Self = Self(0);
}

/// Base type of an extension function or event parameter.
#[repr(transparent)]
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct jvmtiParamTypes(pub u32);

impl jvmtiParamTypes {
    pub const JVMTI_TYPE_JBYTE: Self = Self(101);
    pub const JVMTI_TYPE_JCHAR: Self = Self(102);
    pub const JVMTI_TYPE_JSHORT: Self = Self(103);
    pub const JVMTI_TYPE_JINT: Self = Self(104);
    pub const JVMTI_TYPE_JLONG: Self = Self(105);
    pub const JVMTI_TYPE_JFLOAT: Self = Self(106);
    pub const JVMTI_TYPE_JDOUBLE: Self = Self(107);
    pub const JVMTI_TYPE_JBOOLEAN: Self = Self(108);
    pub const JVMTI_TYPE_JOBJECT: Self = Self(109);
    pub const JVMTI_TYPE_JTHREAD: Self = Self(110);
    pub const JVMTI_TYPE_JCLASS: Self = Self(111);
    pub const JVMTI_TYPE_JVALUE: Self = Self(112);
    pub const JVMTI_TYPE_JFIELDID: Self = Self(113);
    pub const JVMTI_TYPE_JMETHODID: Self = Self(114);
    pub const JVMTI_TYPE_CCHAR: Self = Self(115);
    pub const JVMTI_TYPE_CVOID: Self = Self(116);
    pub const JVMTI_TYPE_JNIENV: Self = Self(117);
}

/// Kind (direction and ownership) of an extension function or event parameter.
#[repr(transparent)]
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct jvmtiParamKind(pub u32);

impl jvmtiParamKind {
    pub const JVMTI_KIND_IN: Self = Self(91);
    pub const JVMTI_KIND_IN_PTR: Self = Self(92);
    pub const JVMTI_KIND_IN_BUF: Self = Self(93);
    pub const JVMTI_KIND_ALLOC_BUF: Self = Self(94);
    pub const JVMTI_KIND_ALLOC_ALLOC_BUF: Self = Self(95);
    pub const JVMTI_KIND_OUT: Self = Self(96);
    pub const JVMTI_KIND_OUT_BUF: Self = Self(97);
}

/// Kind of timer described by a `jvmtiTimerInfo`.
#[repr(transparent)]
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct jvmtiTimerKind(pub u32);

impl jvmtiTimerKind {
    pub const JVMTI_TIMER_USER_CPU: Self = Self(30);
    pub const JVMTI_TIMER_TOTAL_CPU: Self = Self(31);
    pub const JVMTI_TIMER_ELAPSED: Self = Self(32);
}

/// Execution phase of the VM, returned by `GetPhase`.
#[repr(transparent)]
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct jvmtiPhase(pub u32);

impl jvmtiPhase {
    pub const JVMTI_PHASE_ONLOAD: Self = Self(1);
    pub const JVMTI_PHASE_PRIMORDIAL: Self = Self(2);
    pub const JVMTI_PHASE_START: Self = Self(6);
    pub const JVMTI_PHASE_LIVE: Self = Self(4);
    pub const JVMTI_PHASE_DEAD: Self = Self(8);
}

/// Flag argument of `SetVerboseFlag`.
#[repr(transparent)]
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct jvmtiVerboseFlag(pub u32);

impl jvmtiVerboseFlag {
    pub const JVMTI_VERBOSE_OTHER: Self = Self(0);
    pub const JVMTI_VERBOSE_GC: Self = Self(1);
    pub const JVMTI_VERBOSE_CLASS: Self = Self(2);
    pub const JVMTI_VERBOSE_JNI: Self = Self(4);
}

/// Meaning of a `jlocation`, returned by `GetJLocationFormat`.
#[repr(transparent)]
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct jvmtiJlocationFormat(pub u32);

impl jvmtiJlocationFormat {
    pub const JVMTI_JLOCATION_JVMBCI: Self = Self(1);
    pub const JVMTI_JLOCATION_MACHINEPC: Self = Self(2);
    pub const JVMTI_JLOCATION_OTHER: Self = Self(0);
}

/// Result code of every JVMTI function (`JVMTI_ERROR_NONE` is success).
#[repr(transparent)]
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct jvmtiError(pub u32);

impl jvmtiError {
    pub const JVMTI_ERROR_NONE: Self = Self(0);
    pub const JVMTI_ERROR_INVALID_THREAD: Self = Self(10);
    pub const JVMTI_ERROR_INVALID_THREAD_GROUP: Self = Self(11);
    pub const JVMTI_ERROR_INVALID_PRIORITY: Self = Self(12);
    pub const JVMTI_ERROR_THREAD_NOT_SUSPENDED: Self = Self(13);
    pub const JVMTI_ERROR_THREAD_SUSPENDED: Self = Self(14);
    pub const JVMTI_ERROR_THREAD_NOT_ALIVE: Self = Self(15);
    pub const JVMTI_ERROR_INVALID_OBJECT: Self = Self(20);
    pub const JVMTI_ERROR_INVALID_CLASS: Self = Self(21);
    pub const JVMTI_ERROR_CLASS_NOT_PREPARED: Self = Self(22);
    pub const JVMTI_ERROR_INVALID_METHODID: Self = Self(23);
    pub const JVMTI_ERROR_INVALID_LOCATION: Self = Self(24);
    pub const JVMTI_ERROR_INVALID_FIELDID: Self = Self(25);
    pub const JVMTI_ERROR_INVALID_MODULE: Self = Self(26);
    pub const JVMTI_ERROR_NO_MORE_FRAMES: Self = Self(31);
    pub const JVMTI_ERROR_OPAQUE_FRAME: Self = Self(32);
    pub const JVMTI_ERROR_TYPE_MISMATCH: Self = Self(34);
    pub const JVMTI_ERROR_INVALID_SLOT: Self = Self(35);
    pub const JVMTI_ERROR_DUPLICATE: Self = Self(40);
    pub const JVMTI_ERROR_NOT_FOUND: Self = Self(41);
    pub const JVMTI_ERROR_INVALID_MONITOR: Self = Self(50);
    pub const JVMTI_ERROR_NOT_MONITOR_OWNER: Self = Self(51);
    pub const JVMTI_ERROR_INTERRUPT: Self = Self(52);
    pub const JVMTI_ERROR_INVALID_CLASS_FORMAT: Self = Self(60);
    pub const JVMTI_ERROR_CIRCULAR_CLASS_DEFINITION: Self = Self(61);
    pub const JVMTI_ERROR_FAILS_VERIFICATION: Self = Self(62);
    pub const JVMTI_ERROR_UNSUPPORTED_REDEFINITION_METHOD_ADDED: Self = Self(63);
    pub const JVMTI_ERROR_UNSUPPORTED_REDEFINITION_SCHEMA_CHANGED: Self = Self(64);
    pub const JVMTI_ERROR_INVALID_TYPESTATE: Self = Self(65);
    pub const JVMTI_ERROR_UNSUPPORTED_REDEFINITION_HIERARCHY_CHANGED: Self = Self(66);
    pub const JVMTI_ERROR_UNSUPPORTED_REDEFINITION_METHOD_DELETED: Self = Self(67);
    pub const JVMTI_ERROR_UNSUPPORTED_VERSION: Self = Self(68);
    pub const JVMTI_ERROR_NAMES_DONT_MATCH: Self = Self(69);
    pub const JVMTI_ERROR_UNSUPPORTED_REDEFINITION_CLASS_MODIFIERS_CHANGED: Self = Self(70);
    pub const JVMTI_ERROR_UNSUPPORTED_REDEFINITION_METHOD_MODIFIERS_CHANGED: Self = Self(71);
    pub const JVMTI_ERROR_UNSUPPORTED_REDEFINITION_CLASS_ATTRIBUTE_CHANGED: Self = Self(72);
    pub const JVMTI_ERROR_UNMODIFIABLE_CLASS: Self = Self(79);
    pub const JVMTI_ERROR_UNMODIFIABLE_MODULE: Self = Self(80);
    pub const JVMTI_ERROR_NOT_AVAILABLE: Self = Self(98);
    pub const JVMTI_ERROR_MUST_POSSESS_CAPABILITY: Self = Self(99);
    pub const JVMTI_ERROR_NULL_POINTER: Self = Self(100);
    pub const JVMTI_ERROR_ABSENT_INFORMATION: Self = Self(101);
    pub const JVMTI_ERROR_INVALID_EVENT_TYPE: Self = Self(102);
    pub const JVMTI_ERROR_ILLEGAL_ARGUMENT: Self = Self(103);
    pub const JVMTI_ERROR_NATIVE_METHOD: Self = Self(104);
    pub const JVMTI_ERROR_CLASS_LOADER_UNSUPPORTED: Self = Self(106);
    pub const JVMTI_ERROR_OUT_OF_MEMORY: Self = Self(110);
    pub const JVMTI_ERROR_ACCESS_DENIED: Self = Self(111);
    pub const JVMTI_ERROR_WRONG_PHASE: Self = Self(112);
    pub const JVMTI_ERROR_INTERNAL: Self = Self(113);
    pub const JVMTI_ERROR_UNATTACHED_THREAD: Self = Self(115);
    pub const JVMTI_ERROR_INVALID_ENVIRONMENT: Self = Self(116);
    pub const JVMTI_ERROR_MAX: Self = Self(116);
}

/// Event type, as passed to `SetEventNotificationMode`.
#[repr(transparent)]
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct jvmtiEvent(pub u32);

impl jvmtiEvent {
    pub const JVMTI_MIN_EVENT_TYPE_VAL: Self = Self(50);
    pub const JVMTI_EVENT_VM_INIT: Self = Self(50);
    pub const JVMTI_EVENT_VM_DEATH: Self = Self(51);
    pub const JVMTI_EVENT_THREAD_START: Self = Self(52);
    pub const JVMTI_EVENT_THREAD_END: Self = Self(53);
    pub const JVMTI_EVENT_CLASS_FILE_LOAD_HOOK: Self = Self(54);
    pub const JVMTI_EVENT_CLASS_LOAD: Self = Self(55);
    pub const JVMTI_EVENT_CLASS_PREPARE: Self = Self(56);
    pub const JVMTI_EVENT_VM_START: Self = Self(57);
    pub const JVMTI_EVENT_EXCEPTION: Self = Self(58);
    pub const JVMTI_EVENT_EXCEPTION_CATCH: Self = Self(59);
    pub const JVMTI_EVENT_SINGLE_STEP: Self = Self(60);
    pub const JVMTI_EVENT_FRAME_POP: Self = Self(61);
    pub const JVMTI_EVENT_BREAKPOINT: Self = Self(62);
    pub const JVMTI_EVENT_FIELD_ACCESS: Self = Self(63);
    pub const JVMTI_EVENT_FIELD_MODIFICATION: Self = Self(64);
    pub const JVMTI_EVENT_METHOD_ENTRY: Self = Self(65);
    pub const JVMTI_EVENT_METHOD_EXIT: Self = Self(66);
    pub const JVMTI_EVENT_NATIVE_METHOD_BIND: Self = Self(67);
    pub const JVMTI_EVENT_COMPILED_METHOD_LOAD: Self = Self(68);
    pub const JVMTI_EVENT_COMPILED_METHOD_UNLOAD: Self = Self(69);
    pub const JVMTI_EVENT_DYNAMIC_CODE_GENERATED: Self = Self(70);
    pub const JVMTI_EVENT_DATA_DUMP_REQUEST: Self = Self(71);
    pub const JVMTI_EVENT_MONITOR_WAIT: Self = Self(73);
    pub const JVMTI_EVENT_MONITOR_WAITED: Self = Self(74);
    pub const JVMTI_EVENT_MONITOR_CONTENDED_ENTER: Self = Self(75);
    pub const JVMTI_EVENT_MONITOR_CONTENDED_ENTERED: Self = Self(76);
    pub const JVMTI_EVENT_RESOURCE_EXHAUSTED: Self = Self(80);
    pub const JVMTI_EVENT_GARBAGE_COLLECTION_START: Self = Self(81);
    pub const JVMTI_EVENT_GARBAGE_COLLECTION_FINISH: Self = Self(82);
    pub const JVMTI_EVENT_OBJECT_FREE: Self = Self(83);
    pub const JVMTI_EVENT_VM_OBJECT_ALLOC: Self = Self(84);
    pub const JVMTI_EVENT_SAMPLED_OBJECT_ALLOC: Self = Self(86);
    pub const JVMTI_MAX_EVENT_TYPE_VAL: Self = Self(86);
}
