//! Raw bindings to `jvmti.h` and `jvmticmlr.h` of JDK 17. (Being written.)
#![no_std]
pub use jni_sys::*;
