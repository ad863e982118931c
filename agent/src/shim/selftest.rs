//! A human-readable dump of shim snapshots for checking the shim against a real JVM.
//!
//! Set `JITFLEET_SHIM_DUMP=<substring of a class name>` (internal form, e.g. `ShimProbe`); the
//! agent calls [`dump_loaded_methods`] at VMDeath and every method of every matching loaded class
//! is printed to stderr with its counters and MethodData.

use std::ffi::{c_char, CStr};
use std::fmt::Write as _;

use jvmti_sys::{jclass, jint, jmethodID, jvmtiEnv, jvmtiError, JNIEnv};

use super::mdo::{ProfileEntry, ReceiverProfile, TypeProfile};
use super::{MethodSnapshot, Shim};

/// The environment variable naming the classes to dump.
pub const DUMP_ENV: &str = "JITFLEET_SHIM_DUMP";

/// Dumps the snapshots of all methods of loaded classes whose name contains `filter` (the
/// agent's `shim_dump` setting, `JITFLEET_SHIM_DUMP` in the environment).
/// It holds a local reference to each class while its methods are read.
///
/// # Safety
/// `jvmti` must be a live JVMTI environment and `jni` the JNIEnv of the calling thread, which
/// must be attached to the VM (e.g. inside the VMDeath callback).
pub unsafe fn dump_loaded_methods(jvmti: *mut jvmtiEnv, jni: *mut JNIEnv, filter: &str) {
    let Some(shim) = Shim::get() else {
        eprintln!("[jitfleet shim dump] shim unavailable (see the start-up log)");
        return;
    };
    // SAFETY: the caller passes the live JVMTI env and this thread's JNIEnv (VMDeath callback).
    let out = unsafe { dump_matching(shim, jvmti, jni, filter) };
    eprint!("{out}");
}

/// Runs a JVMTI function pointer from the table, if present.
macro_rules! jvmti_call {
    ($env:expr, $name:ident $(, $arg:expr)*) => {{
        // SAFETY (of the caller's block): `$env` is a live jvmtiEnv whose table HotSpot filled.
        match (**$env).$name {
            Some(f) => f($env $(, $arg)*),
            None => jvmtiError(u32::MAX),
        }
    }};
}

/// Frees JVMTI-allocated memory.
unsafe fn deallocate(jvmti: *mut jvmtiEnv, p: *mut u8) {
    if !p.is_null() {
        jvmti_call!(jvmti, Deallocate, p);
    }
}

/// Takes a JVMTI-allocated C string into a `String` and frees it.
unsafe fn take_string(jvmti: *mut jvmtiEnv, p: *mut c_char) -> String {
    if p.is_null() {
        return String::new();
    }
    // SAFETY: JVMTI returned a NUL-terminated modified-UTF-8 string.
    let s = CStr::from_ptr(p).to_string_lossy().into_owned();
    deallocate(jvmti, p.cast());
    s
}

/// # Safety
/// `jvmti` must be a live JVMTI env and `jni` the JNIEnv of the current, attached thread.
unsafe fn dump_matching(shim: &Shim, jvmti: *mut jvmtiEnv, jni: *mut JNIEnv, filter: &str) -> String {
    let mut out = String::new();
    let mut count: jint = 0;
    let mut classes: *mut jclass = std::ptr::null_mut();
    if jvmti_call!(jvmti, GetLoadedClasses, &mut count, &mut classes) != jvmtiError::JVMTI_ERROR_NONE || classes.is_null() {
        return "[jitfleet shim dump] GetLoadedClasses failed\n".into();
    }
    let _ = writeln!(out, "[jitfleet shim dump] features {:?}", shim.features());
    // SAFETY: JVMTI returned an array of `count` local references.
    let class_list = std::slice::from_raw_parts(classes, count.max(0) as usize).to_vec();
    for class in class_list {
        let mut sig: *mut c_char = std::ptr::null_mut();
        let ok = jvmti_call!(jvmti, GetClassSignature, class, &mut sig, std::ptr::null_mut()) == jvmtiError::JVMTI_ERROR_NONE;
        let sig = if ok { take_string(jvmti, sig) } else { String::new() };
        // Array classes have no methods of their own.
        if ok && !sig.starts_with('[') && sig.contains(filter) {
            dump_class(shim, jvmti, class, &sig, &mut out);
        }
        // The class local ref was held while its methods were read; release it now.
        if let Some(delete) = (**jni).DeleteLocalRef {
            delete(jni, class);
        }
    }
    deallocate(jvmti, classes.cast());
    out
}

unsafe fn dump_class(shim: &Shim, jvmti: *mut jvmtiEnv, class: jclass, sig: &str, out: &mut String) {
    let mut n: jint = 0;
    let mut methods: *mut jmethodID = std::ptr::null_mut();
    // Fails with CLASS_NOT_PREPARED for classes loaded but not yet linked: nothing ran there.
    if jvmti_call!(jvmti, GetClassMethods, class, &mut n, &mut methods) != jvmtiError::JVMTI_ERROR_NONE || methods.is_null() {
        return;
    }
    // SAFETY: JVMTI returned `n` jmethodIDs.
    let ids = std::slice::from_raw_parts(methods, n.max(0) as usize).to_vec();
    deallocate(jvmti, methods.cast());
    for id in ids {
        let (mut name, mut msig) = (std::ptr::null_mut(), std::ptr::null_mut());
        jvmti_call!(jvmti, GetMethodName, id, &mut name, &mut msig, std::ptr::null_mut());
        let label = format!("{sig}.{}{}", take_string(jvmti, name), take_string(jvmti, msig));
        match shim.snapshot_method(id) {
            Ok(snap) => format_snapshot(&label, &snap, out),
            Err(e) => {
                let _ = writeln!(out, "{label}: {e}");
            }
        }
    }
}

fn fmt_type(t: &TypeProfile) -> String {
    let name = t.klass_name.clone().unwrap_or_else(|| if t.klass == 0 { "-".into() } else { format!("{:#x}", t.klass) });
    let slot = t.stack_slot.map(|s| format!("slot {s}: ")).unwrap_or_default();
    format!("{slot}{name}{}{}", if t.null_seen { " null_seen" } else { "" }, if t.type_unknown { " unknown" } else { "" })
}

fn fmt_receiver(r: &ReceiverProfile) -> String {
    let rows: Vec<String> = r
        .rows
        .iter()
        .map(|row| format!("{}={}", row.klass_name.clone().unwrap_or_else(|| format!("{:#x}", row.klass)), row.count))
        .collect();
    let np = r.nonprofiled_count.map(|n| format!(" nonprofiled={n}")).unwrap_or_default();
    format!("count={}{np} rows=[{}]", r.count, rows.join(", "))
}

/// Formats one snapshot (pure; unit-testable).
pub fn format_snapshot(label: &str, s: &MethodSnapshot, out: &mut String) {
    let _ = writeln!(
        out,
        "{label}  (cp name {:?}, code_size {}, compiled {})",
        s.name.as_deref().unwrap_or("?"),
        s.code_size,
        s.has_compiled_code
    );
    match &s.counters {
        Some(c) => {
            let _ = writeln!(
                out,
                "  MethodCounters: invocations={}{} backedges={}{}",
                c.invocations.count,
                if c.invocations.overflowed { "+" } else { "" },
                c.backedges.count,
                if c.backedges.overflowed { "+" } else { "" }
            );
        }
        None => {
            let _ = writeln!(out, "  MethodCounters: none");
        }
    }
    let Some(m) = &s.mdo else {
        let _ = writeln!(out, "  MethodData: none");
        return;
    };
    let _ = writeln!(
        out,
        "  MethodData: invocations={} backedges={} decompiles={}",
        m.invocations.map(|c| c.count.to_string()).unwrap_or("?".into()),
        m.backedges.map(|c| c.count.to_string()).unwrap_or("?".into()),
        m.decompiles.map(|c| c.to_string()).unwrap_or("?".into()),
    );
    for r in &m.entries {
        let body = match &r.entry {
            ProfileEntry::Bit => "BitData".to_string(),
            ProfileEntry::Counter { count } => format!("CounterData count={count}"),
            ProfileEntry::Jump { taken, .. } => format!("JumpData taken={taken}"),
            ProfileEntry::Branch { taken, not_taken, .. } => {
                let total = taken + not_taken;
                let ratio = if total > 0 { *taken as f64 / total as f64 } else { 0.0 };
                format!("BranchData taken={taken} not_taken={not_taken} taken_ratio={ratio:.3}")
            }
            ProfileEntry::ReceiverType(rp) => format!("ReceiverTypeData {}", fmt_receiver(rp)),
            ProfileEntry::VirtualCall(rp) => format!("VirtualCallData {}", fmt_receiver(rp)),
            ProfileEntry::Ret { count, rows } => format!("RetData count={count} rows={rows:?}"),
            ProfileEntry::MultiBranch { default_count, cases, .. } => {
                format!("MultiBranchData default={default_count} cases={:?}", cases.iter().map(|c| c.0).collect::<Vec<_>>())
            }
            ProfileEntry::ArgInfo { modified } => format!("ArgInfoData {modified:?}"),
            ProfileEntry::CallType { count, args, ret } => format!(
                "CallTypeData count={count} args=[{}] ret={}",
                args.iter().map(fmt_type).collect::<Vec<_>>().join(", "),
                ret.as_ref().map(fmt_type).unwrap_or("-".into())
            ),
            ProfileEntry::VirtualCallType { receiver, args, ret } => format!(
                "VirtualCallTypeData {} args=[{}] ret={}",
                fmt_receiver(receiver),
                args.iter().map(fmt_type).collect::<Vec<_>>().join(", "),
                ret.as_ref().map(fmt_type).unwrap_or("-".into())
            ),
            ProfileEntry::ParametersType { parameters } => {
                format!("ParametersTypeData [{}]", parameters.iter().map(fmt_type).collect::<Vec<_>>().join(", "))
            }
            ProfileEntry::SpeculativeTrap { method } => format!("SpeculativeTrapData method={method:#x}"),
        };
        let flags = if r.flags != 0 { format!(" flags={:#x}", r.flags) } else { String::new() };
        let traps = if r.trap_state != 0 { format!(" traps={:#x}", r.trap_state) } else { String::new() };
        let _ = writeln!(out, "    bci {:>4}: {body}{flags}{traps}", r.bci);
    }
    if let Some(p) = &m.parameters {
        let _ = writeln!(out, "    parameters: [{}]", p.iter().map(fmt_type).collect::<Vec<_>>().join(", "));
    }
    if !m.extra.is_empty() {
        let _ = writeln!(out, "    extra: {} trap record(s)", m.extra.len());
    }
    if let Some(t) = &m.truncated {
        let _ = writeln!(out, "    (decode stopped: {t})");
    }
}
