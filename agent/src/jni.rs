//! The few JNI calls the agent makes, each checked: a JNI exception raised by one of them is
//! cleared here and turned into an error, so it never leaks into the application's thread.
//!
//! References (`jobject`, `jclass`, ...) are opaque VM handles, not pointers the agent reads;
//! every caller passes a reference it just received from the VM on the same thread.
// The handles look like raw pointers to clippy; they are only ever handed back to the VM.
#![allow(clippy::not_unsafe_ptr_arg_deref)]

use jvmti_sys::*;
use std::ffi::{CStr, CString};
use std::ptr;

/// A JNI environment of the current thread.
#[derive(Clone, Copy)]
pub struct Jni(*mut JNIEnv);

macro_rules! jni_fn {
    ($env:expr, $f:ident) => {
        // Used inside the callers' `unsafe` blocks: `$env` is the current thread's JNIEnv
        // (`Jni::from_raw` contract) and every slot used exists in HotSpot's JNI table.
        (**$env).$f.expect(concat!("JNI table has no ", stringify!($f)))
    };
}

impl Jni {
    /// # Safety
    /// `env` must be the JNIEnv of the calling thread.
    pub unsafe fn from_raw(env: *mut JNIEnv) -> Jni {
        Jni(env)
    }

    pub fn raw(self) -> *mut JNIEnv {
        self.0
    }

    /// Clears a pending exception; returns whether there was one.
    pub fn clear_exception(self) -> bool {
        // SAFETY: valid env, no arguments.
        let pending = unsafe { jni_fn!(self.0, ExceptionCheck)(self.0) } == JNI_TRUE;
        if pending {
            // SAFETY: valid env.
            unsafe { jni_fn!(self.0, ExceptionClear)(self.0) };
        }
        pending
    }

    pub fn object_class(self, obj: jobject) -> Option<jclass> {
        // SAFETY: `obj` is a live reference held by the caller.
        let class = unsafe { jni_fn!(self.0, GetObjectClass)(self.0, obj) };
        (!class.is_null()).then_some(class)
    }

    pub fn find_class(self, name: &str) -> Option<jclass> {
        let name = CString::new(name).ok()?;
        // SAFETY: NUL-terminated class name.
        let class = unsafe { jni_fn!(self.0, FindClass)(self.0, name.as_ptr()) };
        if self.clear_exception() || class.is_null() {
            None
        } else {
            Some(class)
        }
    }

    pub fn field_id(self, class: jclass, name: &str, sig: &str) -> Option<jfieldID> {
        let (name, sig) = (CString::new(name).ok()?, CString::new(sig).ok()?);
        // SAFETY: live class reference, NUL-terminated strings.
        let id = unsafe { jni_fn!(self.0, GetFieldID)(self.0, class, name.as_ptr(), sig.as_ptr()) };
        if self.clear_exception() || id.is_null() {
            None
        } else {
            Some(id)
        }
    }

    pub fn object_field(self, obj: jobject, field: jfieldID) -> jobject {
        // SAFETY: `field` is an object field of `obj`'s class (caller's contract).
        let value = unsafe { jni_fn!(self.0, GetObjectField)(self.0, obj, field) };
        self.clear_exception();
        value
    }

    /// A Java string's value (lossy for unpaired surrogates).
    pub fn string(self, s: jstring) -> Option<String> {
        if s.is_null() {
            return None;
        }
        // SAFETY: `s` is a live java.lang.String reference.
        let chars = unsafe { jni_fn!(self.0, GetStringUTFChars)(self.0, s, ptr::null_mut()) };
        if chars.is_null() {
            self.clear_exception();
            return None;
        }
        // SAFETY: GetStringUTFChars returned a NUL-terminated buffer we release right after.
        let value = unsafe { CStr::from_ptr(chars) }.to_string_lossy().into_owned();
        // SAFETY: releasing the buffer obtained above.
        unsafe { jni_fn!(self.0, ReleaseStringUTFChars)(self.0, s, chars) };
        Some(value)
    }

    pub fn delete_local_ref(self, obj: jobject) {
        if !obj.is_null() {
            // SAFETY: `obj` is a local reference of this thread.
            unsafe { jni_fn!(self.0, DeleteLocalRef)(self.0, obj) };
        }
    }

    /// Runs `f` inside a local frame: every local reference it creates is freed on return.
    pub fn with_local_frame<T>(self, capacity: i32, f: impl FnOnce() -> T) -> Option<T> {
        // SAFETY: valid env; the frame is popped below on every path.
        if unsafe { jni_fn!(self.0, PushLocalFrame)(self.0, capacity) } != JNI_OK {
            self.clear_exception();
            return None;
        }
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
        // SAFETY: pops the frame pushed above.
        unsafe { jni_fn!(self.0, PopLocalFrame)(self.0, ptr::null_mut()) };
        match result {
            Ok(v) => Some(v),
            Err(p) => std::panic::resume_unwind(p),
        }
    }

    /// Runs `f` with garbage collection held off: inside a JNI critical region (on a one-byte
    /// array of its own), which Serial, Parallel and G1 in JDK 17 honour through the GC
    /// locker, so no object moves while `f` reads object addresses and contents. `f` must not
    /// call JNI (nor block for long). `None` when the region cannot be entered.
    pub fn with_gc_held<T>(self, f: impl FnOnce() -> T) -> Option<T> {
        // SAFETY: valid env; a new local reference, deleted below.
        let array = unsafe { jni_fn!(self.0, NewByteArray)(self.0, 1) };
        if self.clear_exception() || array.is_null() {
            return None;
        }
        // SAFETY: a live primitive array; released below on every path before any other JNI call.
        let elements = unsafe { jni_fn!(self.0, GetPrimitiveArrayCritical)(self.0, array, ptr::null_mut()) };
        if elements.is_null() {
            self.clear_exception();
            self.delete_local_ref(array);
            return None;
        }
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
        // SAFETY: releases the region entered above (mode 0: nothing to copy back).
        unsafe { jni_fn!(self.0, ReleasePrimitiveArrayCritical)(self.0, array, elements, 0) };
        self.delete_local_ref(array);
        match result {
            Ok(v) => Some(v),
            Err(p) => std::panic::resume_unwind(p),
        }
    }

    /// `new java.lang.Thread(name)`, not started: the body for `RunAgentThread`.
    pub fn new_thread(self, name: &str) -> Option<jobject> {
        let class = self.find_class("java/lang/Thread")?;
        let init = CString::new("<init>").ok()?;
        let sig = CString::new("(Ljava/lang/String;)V").ok()?;
        // SAFETY: live class, NUL-terminated strings.
        let ctor = unsafe { jni_fn!(self.0, GetMethodID)(self.0, class, init.as_ptr(), sig.as_ptr()) };
        if self.clear_exception() || ctor.is_null() {
            return None;
        }
        let cname = CString::new(name).ok()?;
        // SAFETY: NUL-terminated modified UTF-8 (ASCII) name.
        let jname = unsafe { jni_fn!(self.0, NewStringUTF)(self.0, cname.as_ptr()) };
        if self.clear_exception() || jname.is_null() {
            return None;
        }
        let args = [jvalue { l: jname }];
        // SAFETY: constructor of `class` taking one String, args match the signature.
        let thread = unsafe { jni_fn!(self.0, NewObjectA)(self.0, class, ctor, args.as_ptr()) };
        if self.clear_exception() || thread.is_null() {
            None
        } else {
            Some(thread)
        }
    }
}
