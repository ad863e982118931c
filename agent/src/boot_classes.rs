//! The classes the boot loader has prepared, by internal name, so that capture can look a boot
//! class up without loading it.
//!
//! Asking the boot loader for a class by name (`Class.forName(name, false, null)`, JNI
//! `FindClass`) loads it when it is not loaded yet. Capture used to do that while reading a
//! compilation's code facts: it loaded JDK classes the application never asked for (a class
//! load can break C2's class-hierarchy assumptions elsewhere), and a class loaded that way is
//! not prepared, so its fields could not be read and the capture was refused. A class the boot
//! loader has not prepared cannot be initialised, so C2 cannot have folded its statics nor
//! relied on its initialisation; its layout is vouched for by the compat key (same JDK build).
//! Only the prepared ones are ever looked up.
//!
//! Filled from JVMTI's loaded classes when capture starts and from ClassPrepare events after
//! (both: a class prepared in between is seen by one or the other).

use crate::jni::Jni;
use crate::jvmti::Jvmti;
use jvmti_sys::*;
use once_cell::sync::Lazy;
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::RwLock;

static PREPARED: Lazy<RwLock<HashSet<String>>> = Lazy::new(|| RwLock::new(HashSet::new()));
static READY: AtomicBool = AtomicBool::new(false);

/// Records `class` if the boot loader defined it and it is prepared.
pub fn note_prepared(jvmti: Jvmti, class: jclass) {
    if !jvmti.class_loader(class).is_ok_and(|l| l.is_null()) {
        return;
    }
    if !jvmti.class_status(class).is_ok_and(|s| s & JVMTI_CLASS_STATUS_PREPARED != 0) {
        return;
    }
    let Ok(signature) = jvmti.class_signature(class) else { return };
    if !signature.starts_with('L') {
        return;
    }
    let name = crate::loaders::internal_name(&signature);
    if let Ok(mut set) = PREPARED.write() {
        set.insert(name);
    }
}

/// Records every boot class prepared so far (JVMTI `GetLoadedClasses`, local references of
/// a frame of their own); from then on the set answers lookups. Returns how many classes the
/// VM reported, `None` when it could not be asked (lookups then stay unanswered).
pub fn scan_loaded(jvmti: Jvmti, jni: Jni) -> Option<usize> {
    let count = jni.with_local_frame(16, || {
        let classes = jvmti.loaded_classes().ok()?;
        for &class in &classes {
            note_prepared(jvmti, class);
        }
        Some(classes.len())
    })??;
    READY.store(true, Ordering::Release);
    Some(count)
}

/// Whether the boot loader has prepared the class `name` (internal form); `None` before
/// [`scan_loaded`] ran, when the answer is unknown.
pub fn is_prepared(name: &str) -> Option<bool> {
    if !READY.load(Ordering::Acquire) {
        return None;
    }
    PREPARED.read().ok().map(|set| set.contains(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_until_scanned_then_answers_by_name() {
        // Before a scan nothing can be said; the scan itself needs a JVM (tests/ covers it), so
        // this only checks the set's bookkeeping.
        assert_eq!(is_prepared("java/lang/String"), None);
        PREPARED.write().unwrap().insert("java/lang/String".to_string());
        READY.store(true, Ordering::Release);
        assert_eq!(is_prepared("java/lang/String"), Some(true));
        assert_eq!(is_prepared("java/lang/CharacterData00"), Some(false));
    }
}
