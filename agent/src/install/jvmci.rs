//! The JNI side of installation: put the embedded helper jar on the system class path, open
//! the JVMCI packages to it, and call `jitfleet.Installer.install`.
//!
//! Access to JVMCI: its packages are exported only to named modules. Rather than asking users
//! for `--add-exports`, the agent calls `java.lang.Module.implAddExportsToAllUnnamed` through
//! JNI (JNI does not check Java access), the same effect as the command-line flag. What the
//! user must still pass: `-XX:+UnlockExperimentalVMOptions -XX:+EnableJVMCI` (without it the
//! `jdk.internal.vm.ci` module is not even resolved, and install mode turns itself off).

use crate::jni::Jni;
use crate::jvmti::Jvmti;
use jitfleet_java_stubs::{HELPER_JAR, INSTALLER_CLASS, INSTALL_METHOD, JVMCI_PACKAGES, WARM_UP_METHOD};
use jvmti_sys::*;
use std::ffi::CString;
use std::ptr;

/// Calls slot `$f` of the JNI table. Used only inside `unsafe` blocks whose SAFETY comment
/// states the arguments' validity; every slot used exists in HotSpot's JNI 1.8 table.
macro_rules! jni {
    ($env:expr, $f:ident $(, $arg:expr)*) => {
        ((**$env).$f.expect(concat!("JNI table has no ", stringify!($f))))($env $(, $arg)*)
    };
}

/// Why the helper could not be set up or a call failed.
#[derive(Debug, thiserror::Error)]
pub enum JvmciError {
    #[error("the agent was built without a JDK: no helper jar")]
    NoHelperJar,
    #[error("cannot write the helper jar to {path}: {source}")]
    WriteJar { path: String, source: std::io::Error },
    #[error("JVMTI AddToSystemClassLoaderSearch failed with error {0}")]
    AddToClassPath(i32),
    #[error("JVMCI is not available in this JVM (run with -XX:+UnlockExperimentalVMOptions -XX:+EnableJVMCI)")]
    NoJvmci,
    #[error("cannot open JVMCI package {0} to the helper")]
    Exports(String),
    #[error("helper class {0} not found")]
    NoHelper(&'static str),
    #[error("JNI {0} failed")]
    Jni(&'static str),
}

/// The helper's entry point, resolved once.
pub struct Helper {
    class: jclass,
    install: jmethodID,
    warm_up: jmethodID,
}

// SAFETY: `class` is a JNI global reference (usable from any thread) and `install` a method
// ID, valid while the class lives (it is never unloaded: system class loader).
unsafe impl Send for Helper {}
// SAFETY: as above; neither is mutated.
unsafe impl Sync for Helper {}

/// Writes the jar, adds it to the system class path, opens JVMCI to it and resolves
/// `Installer.install`. Runs on an attached thread in the live phase.
pub fn set_up(jvmti: Jvmti, jni: Jni) -> Result<Helper, JvmciError> {
    if HELPER_JAR.is_empty() {
        return Err(JvmciError::NoHelperJar);
    }
    let path = std::env::temp_dir().join(format!("jitfleet-helper-{}-{}.jar", std::process::id(), &blake3::hash(HELPER_JAR).to_hex()[..12]));
    std::fs::write(&path, HELPER_JAR).map_err(|source| JvmciError::WriteJar { path: path.display().to_string(), source })?;
    let cpath = CString::new(path.display().to_string()).map_err(|_| JvmciError::Jni("jar path"))?;
    let env = jvmti.raw();
    // SAFETY: `env` is the live JVMTI environment; the segment is a NUL-terminated path.
    let rc = unsafe {
        match (**env).AddToSystemClassLoaderSearch {
            Some(f) => f(env, cpath.as_ptr()),
            None => jvmtiError::JVMTI_ERROR_NOT_AVAILABLE,
        }
    };
    if rc != jvmtiError::JVMTI_ERROR_NONE {
        return Err(JvmciError::AddToClassPath(rc.0 as i32));
    }
    open_jvmci(jni)?;
    let class = jni.find_class(INSTALLER_CLASS).ok_or(JvmciError::NoHelper(INSTALLER_CLASS))?;
    let (name, sig) = (CString::new(INSTALL_METHOD.0).unwrap_or_default(), CString::new(INSTALL_METHOD.1).unwrap_or_default());
    let e = jni.raw();
    // SAFETY: live local class reference, NUL-terminated name and signature.
    let install = unsafe { jni!(e, GetStaticMethodID, class, name.as_ptr(), sig.as_ptr()) };
    if jni.clear_exception() || install.is_null() {
        return Err(JvmciError::NoHelper("Installer.install"));
    }
    let (name, sig) = (CString::new(WARM_UP_METHOD.0).unwrap_or_default(), CString::new(WARM_UP_METHOD.1).unwrap_or_default());
    // SAFETY: as above.
    let warm_up = unsafe { jni!(e, GetStaticMethodID, class, name.as_ptr(), sig.as_ptr()) };
    if jni.clear_exception() || warm_up.is_null() {
        return Err(JvmciError::NoHelper("Installer.warmUp"));
    }
    // SAFETY: `class` is a live local reference.
    let global = unsafe { jni!(e, NewGlobalRef, class) };
    jni.delete_local_ref(class);
    if global.is_null() {
        return Err(JvmciError::Jni("NewGlobalRef"));
    }
    Ok(Helper { class: global, install, warm_up })
}

/// `Module m = HotSpotJVMCIRuntime.class.getModule(); m.implAddExportsToAllUnnamed(pkg)` for
/// each package the helper uses.
fn open_jvmci(jni: Jni) -> Result<(), JvmciError> {
    let e = jni.raw();
    let jvmci_class = jni.find_class("jdk/vm/ci/hotspot/HotSpotJVMCIRuntime").ok_or(JvmciError::NoJvmci)?;
    let class_class = jni.find_class("java/lang/Class").ok_or(JvmciError::Jni("FindClass(Class)"))?;
    let module_class = jni.find_class("java/lang/Module").ok_or(JvmciError::Jni("FindClass(Module)"))?;
    let id = |class: jclass, name: &str, sig: &str| -> Result<jmethodID, JvmciError> {
        let (n, s) = (CString::new(name).unwrap_or_default(), CString::new(sig).unwrap_or_default());
        // SAFETY: live class reference, NUL-terminated strings.
        let m = unsafe { jni!(e, GetMethodID, class, n.as_ptr(), s.as_ptr()) };
        if jni.clear_exception() || m.is_null() {
            Err(JvmciError::Jni("GetMethodID"))
        } else {
            Ok(m)
        }
    };
    let get_module = id(class_class, "getModule", "()Ljava/lang/Module;")?;
    let add_exports = id(module_class, "implAddExportsToAllUnnamed", "(Ljava/lang/String;)V")?;
    // SAFETY: `getModule` is an instance method of Class taking no arguments.
    let module = unsafe { jni!(e, CallObjectMethodA, jvmci_class, get_module, ptr::null()) };
    if jni.clear_exception() || module.is_null() {
        return Err(JvmciError::Jni("Class.getModule"));
    }
    for package in JVMCI_PACKAGES {
        let name = new_string(jni, package).ok_or(JvmciError::Jni("NewStringUTF"))?;
        let args = [jvalue { l: name }];
        // SAFETY: `implAddExportsToAllUnnamed(String)` of Module, one String argument.
        unsafe { jni!(e, CallVoidMethodA, module, add_exports, args.as_ptr()) };
        jni.delete_local_ref(name);
        if jni.clear_exception() {
            return Err(JvmciError::Exports(package.to_string()));
        }
    }
    for r in [module, module_class, class_class, jvmci_class] {
        jni.delete_local_ref(r);
    }
    Ok(())
}

fn new_string(jni: Jni, s: &str) -> Option<jstring> {
    let c = CString::new(s).ok()?;
    let e = jni.raw();
    // SAFETY: NUL-terminated (modified) UTF-8; our strings are JVM names, without NUL.
    let js = unsafe { jni!(e, NewStringUTF, c.as_ptr()) };
    (!jni.clear_exception() && !js.is_null()).then_some(js)
}

/// Initialises the JVMCI runtime (hundreds of milliseconds the first time), so that the first
/// install does not pay for it. Returns the helper's error, if any.
pub fn warm_up(jni: Jni, helper: &Helper) -> Result<(), String> {
    let e = jni.raw();
    // SAFETY: the static no-argument method resolved in `set_up`.
    let result = unsafe { jni!(e, CallStaticObjectMethodA, helper.class, helper.warm_up, ptr::null()) };
    if jni.clear_exception() {
        return Err("Installer.warmUp threw".into());
    }
    match jni.string(result) {
        None => Ok(()),
        Some(error) => Err(error),
    }
}

/// The name of a helper entry that stands for a class constant, not a method (`<` cannot start
/// a Java method name other than `<init>`/`<clinit>`); `Installer.KLASS_ENTRY` must equal it.
pub const KLASS_ENTRY: &str = "<klass>";

/// One entry of the helper's lists, in this order: the nmethod's methods (root first, then
/// the inlined ones); the entries of the assumptions (methods, or classes with an empty name);
/// the class constants ([`KLASS_ENTRY`]).
pub struct HelperMethod {
    /// A live reference to the declaring class.
    pub class: jclass,
    pub name: String,
    pub descriptor: String,
}

/// Calls `Installer.install`; returns the installed nmethod's address, or the helper's
/// message. Call inside a JNI local frame (it creates local references).
pub fn install(jni: Jni, helper: &Helper, methods: &[HelperMethod], code: &[u8], ints: &[i32], longs: &[i64]) -> Result<u64, String> {
    let e = jni.raw();
    let fail = |what: &str| {
        jni.clear_exception();
        format!("JNI {what} failed")
    };
    let n = methods.len() as jsize;
    let class_class = jni.find_class("java/lang/Class").ok_or_else(|| fail("FindClass"))?;
    let string_class = jni.find_class("java/lang/String").ok_or_else(|| fail("FindClass"))?;
    // SAFETY: live class references; arrays of `n` elements initialised to null.
    let (classes, names, descs) = unsafe {
        (
            jni!(e, NewObjectArray, n, class_class, ptr::null_mut()),
            jni!(e, NewObjectArray, n, string_class, ptr::null_mut()),
            jni!(e, NewObjectArray, n, string_class, ptr::null_mut()),
        )
    };
    if jni.clear_exception() || classes.is_null() || names.is_null() || descs.is_null() {
        return Err(fail("NewObjectArray"));
    }
    for (i, m) in methods.iter().enumerate() {
        let name = new_string(jni, &m.name).ok_or_else(|| fail("NewStringUTF"))?;
        let desc = new_string(jni, &m.descriptor).ok_or_else(|| fail("NewStringUTF"))?;
        // SAFETY: index `i` < n; elements of the arrays' element types.
        unsafe {
            jni!(e, SetObjectArrayElement, classes, i as jsize, m.class);
            jni!(e, SetObjectArrayElement, names, i as jsize, name);
            jni!(e, SetObjectArrayElement, descs, i as jsize, desc);
        }
    }
    // SAFETY: new primitive arrays of the given lengths, filled from slices of that length.
    let (jcode, jints, jlongs) = unsafe {
        let jcode = jni!(e, NewByteArray, code.len() as jsize);
        let jints = jni!(e, NewIntArray, ints.len() as jsize);
        let jlongs = jni!(e, NewLongArray, longs.len() as jsize);
        if jcode.is_null() || jints.is_null() || jlongs.is_null() {
            return Err(fail("New<Primitive>Array"));
        }
        jni!(e, SetByteArrayRegion, jcode, 0, code.len() as jsize, code.as_ptr() as *const jbyte);
        jni!(e, SetIntArrayRegion, jints, 0, ints.len() as jsize, ints.as_ptr());
        jni!(e, SetLongArrayRegion, jlongs, 0, longs.len() as jsize, longs.as_ptr());
        (jcode, jints, jlongs)
    };
    if jni.clear_exception() {
        return Err(fail("Set<Primitive>ArrayRegion"));
    }
    let args = [jvalue { l: classes }, jvalue { l: names }, jvalue { l: descs }, jvalue { l: jcode }, jvalue { l: jints }, jvalue { l: jlongs }];
    // SAFETY: the static method resolved in `set_up`, called with arguments of its signature.
    let result = unsafe { jni!(e, CallStaticObjectMethodA, helper.class, helper.install, args.as_ptr()) };
    if jni.clear_exception() || result.is_null() {
        return Err("the helper threw (or returned null)".to_string());
    }
    let message = jni.string(result).unwrap_or_default();
    match message.strip_prefix("installed 0x") {
        Some(hex) => u64::from_str_radix(hex, 16).map_err(|_| format!("unexpected helper answer '{message}'")),
        None => Err(message),
    }
}
