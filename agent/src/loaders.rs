//! Class-loader identity: how another JVM recognises "the same loader".
//!
//! A loader is named by its class and, when it has one, the name given to its constructor
//! (`ClassLoader.getName()`, e.g. `app`, `platform`). Two loaders of one class without names
//! are indistinguishable by this identity; the fingerprint store notices when they define
//! different bytes under one class name and then trusts neither.

use crate::jni::Jni;
use crate::jvmti::Jvmti;
use jitfleet_transport::profile::LoaderId;
use jvmti_sys::{jfieldID, jobject};
use once_cell::sync::OnceCell;

/// `java.lang.ClassLoader.name`, looked up once (a field ID stays valid while the class lives,
/// and ClassLoader never unloads).
static NAME_FIELD: OnceCell<Option<usize>> = OnceCell::new();

fn name_field(jni: Jni) -> Option<jfieldID> {
    let id = NAME_FIELD.get_or_init(|| {
        let class = jni.find_class("java/lang/ClassLoader")?;
        let id = jni.field_id(class, "name", "Ljava/lang/String;");
        jni.delete_local_ref(class);
        id.map(|f| f as usize)
    });
    id.map(|f| f as jfieldID)
}

/// The identity of `loader` (a local or global reference, null for the boot loader).
pub fn identify(jvmti: Jvmti, jni: Jni, loader: jobject) -> LoaderId {
    if loader.is_null() {
        return LoaderId::Boot;
    }
    let Some(class) = jni.object_class(loader) else {
        return LoaderId::Named("?".into());
    };
    let class_name = jvmti.class_signature(class).map(|s| internal_name(&s)).unwrap_or_else(|_| "?".into());
    jni.delete_local_ref(class);
    let name = name_field(jni).and_then(|field| {
        let s = jni.object_field(loader, field);
        let name = jni.string(s);
        jni.delete_local_ref(s);
        name
    });
    match name {
        Some(n) => LoaderId::Named(format!("{class_name}/{n}")),
        None => LoaderId::Named(class_name),
    }
}

/// `Ljava/lang/String;` → `java/lang/String`; array and primitive signatures stay as they are.
pub fn internal_name(signature: &str) -> String {
    signature
        .strip_prefix('L')
        .and_then(|s| s.strip_suffix(';'))
        .unwrap_or(signature)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::internal_name;

    #[test]
    fn signatures_become_internal_names() {
        assert_eq!(internal_name("Ljava/lang/String;"), "java/lang/String");
        assert_eq!(internal_name("[I"), "[I");
        assert_eq!(internal_name("[Ljava/lang/Object;"), "[Ljava/lang/Object;");
    }
}
