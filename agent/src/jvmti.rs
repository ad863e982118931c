//! A thin safe layer over the raw JVMTI environment: results instead of error codes, owned
//! Rust values instead of JVMTI-allocated buffers (always handed back with `Deallocate`).
//!
//! Only the functions the agent uses are wrapped. Every `unsafe` block here calls a function
//! of HotSpot's JVMTI table with arguments that satisfy the JVMTI specification.
// JNI references and method ids are opaque VM handles that JVMTI validates itself; clippy
// takes them for raw pointers the agent dereferences.
#![allow(clippy::not_unsafe_ptr_arg_deref)]

use jvmti_sys::*;
use std::ffi::{c_char, c_void, CStr, CString};
use std::fmt;
use std::ptr;

/// A JVMTI error code with the name of the function that returned it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JvmtiError {
    pub function: &'static str,
    pub code: jvmtiError,
}

impl fmt::Display for JvmtiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "JVMTI {} failed with error {}", self.function, error_name(self.code))
    }
}

impl std::error::Error for JvmtiError {}

/// HotSpot's names for the error codes the agent can meet; others print as numbers.
fn error_name(code: jvmtiError) -> String {
    let name = match code {
        jvmtiError::JVMTI_ERROR_NONE => "NONE",
        jvmtiError::JVMTI_ERROR_INVALID_METHODID => "INVALID_METHODID",
        jvmtiError::JVMTI_ERROR_INVALID_CLASS => "INVALID_CLASS",
        jvmtiError::JVMTI_ERROR_CLASS_NOT_PREPARED => "CLASS_NOT_PREPARED",
        jvmtiError::JVMTI_ERROR_NOT_AVAILABLE => "NOT_AVAILABLE",
        jvmtiError::JVMTI_ERROR_MUST_POSSESS_CAPABILITY => "MUST_POSSESS_CAPABILITY",
        jvmtiError::JVMTI_ERROR_WRONG_PHASE => "WRONG_PHASE",
        jvmtiError::JVMTI_ERROR_OUT_OF_MEMORY => "OUT_OF_MEMORY",
        jvmtiError::JVMTI_ERROR_ILLEGAL_ARGUMENT => "ILLEGAL_ARGUMENT",
        jvmtiError::JVMTI_ERROR_NULL_POINTER => "NULL_POINTER",
        jvmtiError::JVMTI_ERROR_UNATTACHED_THREAD => "UNATTACHED_THREAD",
        jvmtiError::JVMTI_ERROR_INVALID_ENVIRONMENT => "INVALID_ENVIRONMENT",
        jvmtiError::JVMTI_ERROR_INTERNAL => "INTERNAL",
        _ => return format!("{}", code.0),
    };
    name.to_string()
}

/// Calls slot `$f` of the environment's table; `None` slots become NOT_AVAILABLE.
macro_rules! call {
    ($env:expr, $f:ident $(, $arg:expr)*) => {{
        let env: *mut jvmtiEnv = $env;
        // SAFETY: `env` is a live JVMTI environment (see `Jvmti::from_raw`), the slot belongs
        // to the JDK 17 table, and the caller passes arguments as the specification requires.
        let code = match unsafe { (**env).$f } {
            Some(f) => unsafe { f(env $(, $arg)*) },
            None => jvmtiError::JVMTI_ERROR_NOT_AVAILABLE,
        };
        if code == jvmtiError::JVMTI_ERROR_NONE {
            Ok(())
        } else {
            Err(JvmtiError { function: stringify!($f), code })
        }
    }};
}

/// A JVMTI environment. Copyable: it is only the pointer HotSpot gave us, valid until the
/// environment is disposed (never, for this agent) and usable from any attached thread.
#[derive(Clone, Copy, Debug)]
pub struct Jvmti(*mut jvmtiEnv);

// SAFETY: JVMTI environments may be used from any thread attached to the VM (JVMTI spec,
// "Environments"); the pointer itself is never mutated.
unsafe impl Send for Jvmti {}
// SAFETY: as above; JVMTI functions are thread-safe.
unsafe impl Sync for Jvmti {}

/// The version the agent asks for: JDK 11's JVMTI is what 17 and 25 both provide.
const REQUESTED_VERSION: jint = JVMTI_VERSION_11;

impl Jvmti {
    /// Gets an environment from the VM.
    ///
    /// # Safety
    /// `vm` must be the `JavaVM*` HotSpot passed to `Agent_OnLoad`/`Agent_OnAttach`.
    pub unsafe fn from_vm(vm: *mut JavaVM) -> Result<Jvmti, String> {
        let mut env: *mut c_void = ptr::null_mut();
        // SAFETY: the caller guarantees `vm` is valid; GetEnv is in every JNI invoke table.
        let get_env = unsafe { (**vm).GetEnv }.ok_or("JavaVM has no GetEnv")?;
        // SAFETY: `env` is a valid out pointer.
        let rc = unsafe { get_env(vm, &mut env, REQUESTED_VERSION) };
        if rc != JNI_OK || env.is_null() {
            return Err(format!("JavaVM::GetEnv(JVMTI_VERSION_11) returned {rc}"));
        }
        Ok(Jvmti(env as *mut jvmtiEnv))
    }

    /// Wraps a raw environment handed to an event callback.
    ///
    /// # Safety
    /// `env` must be a live JVMTI environment pointer.
    pub unsafe fn from_raw(env: *mut jvmtiEnv) -> Jvmti {
        Jvmti(env)
    }

    pub fn raw(self) -> *mut jvmtiEnv {
        self.0
    }

    /// Capabilities this VM could give us now.
    pub fn potential_capabilities(self) -> Result<jvmtiCapabilities, JvmtiError> {
        let mut caps: jvmtiCapabilities = Default::default();
        call!(self.0, GetPotentialCapabilities, &mut caps)?;
        Ok(caps)
    }

    pub fn add_capabilities(self, caps: &jvmtiCapabilities) -> Result<(), JvmtiError> {
        call!(self.0, AddCapabilities, caps)
    }

    pub fn set_event_callbacks(self, callbacks: &jvmtiEventCallbacks) -> Result<(), JvmtiError> {
        let size = std::mem::size_of::<jvmtiEventCallbacks>() as jint;
        call!(self.0, SetEventCallbacks, callbacks, size)
    }

    /// Enables `event` for all threads.
    pub fn enable_event(self, event: jvmtiEvent) -> Result<(), JvmtiError> {
        call!(self.0, SetEventNotificationMode, jvmtiEventMode::JVMTI_ENABLE, event, ptr::null_mut::<c_void>() as jthread)
    }

    pub fn disable_event(self, event: jvmtiEvent) -> Result<(), JvmtiError> {
        call!(self.0, SetEventNotificationMode, jvmtiEventMode::JVMTI_DISABLE, event, ptr::null_mut::<c_void>() as jthread)
    }

    /// Replays events for what already exists (compiled methods, dynamic code): used on attach.
    pub fn generate_events(self, event: jvmtiEvent) -> Result<(), JvmtiError> {
        call!(self.0, GenerateEvents, event)
    }

    /// A system property (`java.vm.version`, ...).
    pub fn system_property(self, name: &str) -> Result<String, JvmtiError> {
        let name = CString::new(name).expect("property names have no NUL");
        let mut value: *mut c_char = ptr::null_mut();
        call!(self.0, GetSystemProperty, name.as_ptr(), &mut value)?;
        Ok(self.take_string(value))
    }

    /// All classes loaded in the VM, as local references of the calling thread.
    pub fn loaded_classes(self) -> Result<Vec<jclass>, JvmtiError> {
        let mut count: jint = 0;
        let mut classes: *mut jclass = ptr::null_mut();
        call!(self.0, GetLoadedClasses, &mut count, &mut classes)?;
        Ok(self.take_array(classes, count))
    }

    /// The methods of a prepared class.
    pub fn class_methods(self, class: jclass) -> Result<Vec<jmethodID>, JvmtiError> {
        let mut count: jint = 0;
        let mut methods: *mut jmethodID = ptr::null_mut();
        call!(self.0, GetClassMethods, class, &mut count, &mut methods)?;
        Ok(self.take_array(methods, count))
    }

    /// `JVMTI_CLASS_STATUS_*` bits of a class.
    pub fn class_status(self, class: jclass) -> Result<jint, JvmtiError> {
        let mut status: jint = 0;
        call!(self.0, GetClassStatus, class, &mut status)?;
        Ok(status)
    }

    /// The class signature, e.g. `Ljava/lang/String;`.
    pub fn class_signature(self, class: jclass) -> Result<String, JvmtiError> {
        let mut sig: *mut c_char = ptr::null_mut();
        call!(self.0, GetClassSignature, class, &mut sig, ptr::null_mut())?;
        Ok(self.take_string(sig))
    }

    /// The defining loader of a class (null for the boot loader), as a local reference.
    pub fn class_loader(self, class: jclass) -> Result<jobject, JvmtiError> {
        let mut loader: jobject = ptr::null_mut();
        call!(self.0, GetClassLoader, class, &mut loader)?;
        Ok(loader)
    }

    /// The named module that defines `package` (internal form, `java/lang`) for `loader` (null
    /// for the boot loader), as a local reference; null when the package is in an unnamed
    /// module (class path, `-Xbootclasspath/a`).
    pub fn named_module(self, loader: jobject, package: &str) -> Result<jobject, JvmtiError> {
        let package = CString::new(package).expect("package names have no NUL");
        let mut module: jobject = ptr::null_mut();
        call!(self.0, GetNamedModule, loader, package.as_ptr(), &mut module)?;
        Ok(module)
    }

    /// (name, descriptor) of a method.
    pub fn method_name(self, method: jmethodID) -> Result<(String, String), JvmtiError> {
        let mut name: *mut c_char = ptr::null_mut();
        let mut sig: *mut c_char = ptr::null_mut();
        call!(self.0, GetMethodName, method, &mut name, &mut sig, ptr::null_mut())?;
        Ok((self.take_string(name), self.take_string(sig)))
    }

    /// The declaring class, as a local reference. Holding it keeps the class (and so the
    /// method's VM structures) from being unloaded; fails with INVALID_METHODID for a method
    /// of an unloaded class.
    pub fn method_declaring_class(self, method: jmethodID) -> Result<jclass, JvmtiError> {
        let mut class: jclass = ptr::null_mut();
        call!(self.0, GetMethodDeclaringClass, method, &mut class)?;
        Ok(class)
    }

    /// Starts `body` on a new daemon Java thread `thread` (a `java.lang.Thread` not yet started).
    pub fn run_agent_thread(
        self,
        thread: jthread,
        body: jvmtiStartFunction,
        arg: *const c_void,
    ) -> Result<(), JvmtiError> {
        call!(self.0, RunAgentThread, thread, body, arg, JVMTI_THREAD_NORM_PRIORITY)
    }

    fn take_string(self, s: *mut c_char) -> String {
        if s.is_null() {
            return String::new();
        }
        // SAFETY: JVMTI returned a NUL-terminated modified-UTF-8 string it allocated.
        let value = unsafe { CStr::from_ptr(s) }.to_string_lossy().into_owned();
        self.deallocate(s as *mut u8);
        value
    }

    fn take_array<T: Copy>(self, items: *mut T, count: jint) -> Vec<T> {
        if items.is_null() {
            return Vec::new();
        }
        // SAFETY: JVMTI returned an allocated array of `count` elements.
        let values = unsafe { std::slice::from_raw_parts(items, count.max(0) as usize) }.to_vec();
        self.deallocate(items as *mut u8);
        values
    }

    fn deallocate(self, mem: *mut u8) {
        let _ = call!(self.0, Deallocate, mem as *mut std::ffi::c_uchar);
    }
}

/// Class-file views used by capture's code facts (`capture/facts.rs`): bytecode, constant
/// pool and static fields. `bytecodes` and `constant_pool` need the (always available)
/// capabilities `can_get_bytecodes` and `can_get_constant_pool`.
impl Jvmti {
    /// A method's bytecode, unrewritten (class-file constant-pool indices).
    pub fn bytecodes(self, method: jmethodID) -> Result<Vec<u8>, JvmtiError> {
        let mut count: jint = 0;
        let mut code: *mut std::ffi::c_uchar = ptr::null_mut();
        call!(self.0, GetBytecodes, method, &mut count, &mut code)?;
        Ok(self.take_array(code, count))
    }

    /// A class's constant pool in class-file format: (constant_pool_count, bytes).
    pub fn constant_pool(self, class: jclass) -> Result<(u16, Vec<u8>), JvmtiError> {
        let (mut count, mut len): (jint, jint) = (0, 0);
        let mut bytes: *mut std::ffi::c_uchar = ptr::null_mut();
        call!(self.0, GetConstantPool, class, &mut count, &mut len, &mut bytes)?;
        Ok((u16::try_from(count).unwrap_or(0), self.take_array(bytes, len)))
    }

    /// The fields a class declares (not inherited ones).
    pub fn class_fields(self, class: jclass) -> Result<Vec<jfieldID>, JvmtiError> {
        let mut count: jint = 0;
        let mut fields: *mut jfieldID = ptr::null_mut();
        call!(self.0, GetClassFields, class, &mut count, &mut fields)?;
        Ok(self.take_array(fields, count))
    }

    /// (name, descriptor) of a field.
    pub fn field_name(self, class: jclass, field: jfieldID) -> Result<(String, String), JvmtiError> {
        let mut name: *mut c_char = ptr::null_mut();
        let mut sig: *mut c_char = ptr::null_mut();
        call!(self.0, GetFieldName, class, field, &mut name, &mut sig, ptr::null_mut())?;
        Ok((self.take_string(name), self.take_string(sig)))
    }

    /// A field's access flags (`ACC_STATIC` 0x8, `ACC_FINAL` 0x10, ...).
    pub fn field_modifiers(self, class: jclass, field: jfieldID) -> Result<jint, JvmtiError> {
        let mut modifiers: jint = 0;
        call!(self.0, GetFieldModifiers, class, field, &mut modifiers)?;
        Ok(modifiers)
    }

    /// A class's access flags (`ACC_INTERFACE` 0x200, ...).
    pub fn class_modifiers(self, class: jclass) -> Result<jint, JvmtiError> {
        let mut modifiers: jint = 0;
        call!(self.0, GetClassModifiers, class, &mut modifiers)?;
        Ok(modifiers)
    }

    /// The direct superinterfaces of a class, as local references.
    pub fn implemented_interfaces(self, class: jclass) -> Result<Vec<jclass>, JvmtiError> {
        let mut count: jint = 0;
        let mut interfaces: *mut jclass = ptr::null_mut();
        call!(self.0, GetImplementedInterfaces, class, &mut count, &mut interfaces)?;
        Ok(self.take_array(interfaces, count))
    }
}
