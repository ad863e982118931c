//! A minimal JVMTI agent that exercises the bindings in a real JVM: it obtains an
//! environment, adds the compiled-method-load capability, installs event callbacks, enables
//! `CompiledMethodLoad` (a variadic call) and walks the `jvmticmlr.h` records of every
//! compiled method. At `VMDeath` it prints one `jvmti-smoke ...` summary line to stderr, which
//! `tests/real_jvm.rs` checks. Build: `cargo build -p jvmti-sys --example smoke_agent`; run:
//! `java -agentpath:target/debug/examples/libsmoke_agent.so -version`.

use std::ffi::{c_char, c_void, CStr};
use std::panic::catch_unwind;
use std::ptr;
use std::sync::atomic::{AtomicI64, Ordering};

use jvmti_sys::*;

static VERSION: AtomicI64 = AtomicI64::new(0);
static BOGUS_EVENT_ERROR: AtomicI64 = AtomicI64::new(-1);
static COMPILED_METHODS: AtomicI64 = AtomicI64::new(0);
static INLINE_RECORDS: AtomicI64 = AtomicI64::new(0);
static PC_DESCRIPTORS: AtomicI64 = AtomicI64::new(0);
static DEEPEST_INLINING: AtomicI64 = AtomicI64::new(0);
static NAMED_METHODS: AtomicI64 = AtomicI64::new(0);

/// Calls a function-table slot: `jvmti!(env, Name(args...))`.
macro_rules! jvmti {
    ($env:expr, $name:ident($($arg:expr),* $(,)?)) => {{
        let env: *mut jvmtiEnv = $env;
        // SAFETY: `env` came from `GetEnv` and stays valid for the life of the VM; the
        // arguments follow the JVMTI specification of the named function.
        unsafe { ((**env).$name.expect(stringify!($name)))(env, $($arg),*) }
    }};
}

/// # Safety
/// Called by the JVM with a valid `JavaVM`.
#[no_mangle]
pub unsafe extern "C" fn Agent_OnLoad(
    vm: *mut JavaVM,
    _options: *mut c_char,
    _reserved: *mut c_void,
) -> jint {
    catch_unwind(|| on_load(vm)).unwrap_or(JNI_ERR)
}

fn on_load(vm: *mut JavaVM) -> jint {
    let mut env: *mut jvmtiEnv = ptr::null_mut();
    // SAFETY: `vm` is the VM that loads us; GetEnv writes one pointer to `env`.
    let rc = unsafe {
        ((**vm).GetEnv.expect("GetEnv"))(
            vm,
            &mut env as *mut *mut jvmtiEnv as *mut *mut c_void,
            JVMTI_VERSION_11,
        )
    };
    if rc != JNI_OK || env.is_null() {
        eprintln!("jvmti-smoke GetEnv failed: {rc}");
        return JNI_ERR;
    }

    let mut version: jint = 0;
    check(
        jvmti!(env, GetVersionNumber(&mut version)),
        "GetVersionNumber",
    );
    VERSION.store(version.into(), Ordering::Relaxed);

    let mut potential = jvmtiCapabilities::new();
    check(
        jvmti!(env, GetPotentialCapabilities(&mut potential)),
        "GetPotentialCapabilities",
    );
    let mut wanted = jvmtiCapabilities::new();
    wanted.set_can_generate_compiled_method_load_events(
        potential.can_generate_compiled_method_load_events(),
    );
    check(jvmti!(env, AddCapabilities(&wanted)), "AddCapabilities");

    let callbacks = jvmtiEventCallbacks {
        CompiledMethodLoad: Some(on_compiled_method_load),
        VMDeath: Some(on_vm_death),
        ..Default::default()
    };
    let size = std::mem::size_of::<jvmtiEventCallbacks>() as jint;
    check(
        jvmti!(env, SetEventCallbacks(&callbacks, size)),
        "SetEventCallbacks",
    );
    for event in [
        jvmtiEvent::JVMTI_EVENT_COMPILED_METHOD_LOAD,
        jvmtiEvent::JVMTI_EVENT_VM_DEATH,
    ] {
        check(
            jvmti!(
                env,
                SetEventNotificationMode(jvmtiEventMode::JVMTI_ENABLE, event, ptr::null_mut())
            ),
            "SetEventNotificationMode",
        );
    }
    // An event number the JVM does not know must come back as an error code, not UB.
    let bogus = jvmti!(
        env,
        SetEventNotificationMode(
            jvmtiEventMode::JVMTI_ENABLE,
            jvmtiEvent(1000),
            ptr::null_mut()
        )
    );
    BOGUS_EVENT_ERROR.store(bogus.0.into(), Ordering::Relaxed);
    JNI_OK
}

fn check(error: jvmtiError, what: &str) {
    if error != jvmtiError::JVMTI_ERROR_NONE {
        eprintln!("jvmti-smoke {what} failed: {error:?}");
    }
}

unsafe extern "C" fn on_compiled_method_load(
    env: *mut jvmtiEnv,
    method: jmethodID,
    _code_size: jint,
    _code_addr: *const c_void,
    _map_length: jint,
    _map: *const jvmtiAddrLocationMap,
    compile_info: *const c_void,
) {
    let _ = catch_unwind(|| {
        COMPILED_METHODS.fetch_add(1, Ordering::Relaxed);
        if method_name_resolves(env, method) {
            NAMED_METHODS.fetch_add(1, Ordering::Relaxed);
        }
        let mut record = compile_info as *const jvmtiCompiledMethodLoadRecordHeader;
        while !record.is_null() {
            // SAFETY: HotSpot passes a null-terminated list of records valid during the callback.
            let header = unsafe { &*record };
            if header.kind == jvmtiCMLRKind::JVMTI_CMLR_INLINE_INFO {
                // SAFETY: `kind` says this record is an inline record.
                let inline = unsafe { &*(record as *const jvmtiCompiledMethodLoadInlineRecord) };
                INLINE_RECORDS.fetch_add(1, Ordering::Relaxed);
                PC_DESCRIPTORS.fetch_add(inline.numpcs.into(), Ordering::Relaxed);
                for i in 0..usize::try_from(inline.numpcs).unwrap_or(0) {
                    // SAFETY: `pcinfo` holds `numpcs` entries.
                    let pc = unsafe { &*inline.pcinfo.add(i) };
                    DEEPEST_INLINING.fetch_max(pc.numstackframes.into(), Ordering::Relaxed);
                }
            }
            record = header.next;
        }
    });
}

/// Whether `GetMethodName` gives a non-empty name; frees what it allocates.
fn method_name_resolves(env: *mut jvmtiEnv, method: jmethodID) -> bool {
    let mut name: *mut c_char = ptr::null_mut();
    let error = jvmti!(
        env,
        GetMethodName(method, &mut name, ptr::null_mut(), ptr::null_mut())
    );
    if error != jvmtiError::JVMTI_ERROR_NONE || name.is_null() {
        return false;
    }
    // SAFETY: JVMTI returned a NUL-terminated modified-UTF-8 string.
    let resolved = !unsafe { CStr::from_ptr(name) }.to_bytes().is_empty();
    jvmti!(env, Deallocate(name as *mut u8));
    resolved
}

unsafe extern "C" fn on_vm_death(_env: *mut jvmtiEnv, _jni: *mut JNIEnv) {
    let _ = catch_unwind(|| {
        eprintln!(
            "jvmti-smoke version={:#x} bogus_event_error={} compiled={} named={} inline_records={} pcs={} deepest={}",
            VERSION.load(Ordering::Relaxed),
            BOGUS_EVENT_ERROR.load(Ordering::Relaxed),
            COMPILED_METHODS.load(Ordering::Relaxed),
            NAMED_METHODS.load(Ordering::Relaxed),
            INLINE_RECORDS.load(Ordering::Relaxed),
            PC_DESCRIPTORS.load(Ordering::Relaxed),
            DEEPEST_INLINING.load(Ordering::Relaxed),
        );
    });
}
