//! `jvmticmlr.h`: the records HotSpot passes as `compile_info` to `CompiledMethodLoad`.
//!
//! `compile_info` points at a linked list of records, each starting with a
//! `jvmtiCompiledMethodLoadRecordHeader`; `kind` says which record type to cast it to.
//! HotSpot sends one `JVMTI_CMLR_INLINE_INFO` record: for every PC descriptor of the nmethod,
//! the inlined method chain (innermost first) and their bytecode indices.

use core::ffi::{c_char, c_void};

use jni_sys::{jint, jmethodID};

pub const JVMTI_CMLR_MAJOR_VERSION_1: jint = 0x00000001;
pub const JVMTI_CMLR_MINOR_VERSION_0: jint = 0x00000000;
pub const JVMTI_CMLR_MAJOR_VERSION: jint = 0x00000001;
pub const JVMTI_CMLR_MINOR_VERSION: jint = 0x00000000;

/// Kind of a compiled-method-load record.
#[repr(transparent)]
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct jvmtiCMLRKind(pub u32);

impl jvmtiCMLRKind {
    pub const JVMTI_CMLR_DUMMY: Self = Self(1);
    pub const JVMTI_CMLR_INLINE_INFO: Self = Self(2);
}

/// Common header of every record; `next` links to the following record or is null.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct jvmtiCompiledMethodLoadRecordHeader {
    pub kind: jvmtiCMLRKind,
    pub majorinfoversion: jint,
    pub minorinfoversion: jint,
    pub next: *mut jvmtiCompiledMethodLoadRecordHeader,
}

/// The inlining chain at one PC: `numstackframes` methods and bytecode indices, innermost first.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct PCStackInfo {
    pub pc: *mut c_void,
    pub numstackframes: jint,
    pub methods: *mut jmethodID,
    pub bcis: *mut jint,
}

/// A `JVMTI_CMLR_INLINE_INFO` record: one `PCStackInfo` per PC descriptor.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct jvmtiCompiledMethodLoadInlineRecord {
    pub header: jvmtiCompiledMethodLoadRecordHeader,
    pub numpcs: jint,
    pub pcinfo: *mut PCStackInfo,
}

/// A `JVMTI_CMLR_DUMMY` record, carrying only a message.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct jvmtiCompiledMethodLoadDummyRecord {
    pub header: jvmtiCompiledMethodLoadRecordHeader,
    pub message: [c_char; 50],
}
