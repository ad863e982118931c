//! Classes by name and static field values, read the same way in the donor (capture's code
//! facts) and in the receiver (install preconditions), so that the two sides compare like
//! with like ([`StaticValue`]).
//!
//! Nothing here initialises a class: values are only read from classes JVMTI reports
//! initialised, fields are found through JVMTI (`GetClassFields`), not JNI's
//! `GetStaticFieldID` (which would initialise the class). Looking a class up by name asks the
//! loaders for classes they have already loaded (`findLoadedClass`); only the boot loader is
//! asked through `Class.forName(name, false, null)`, which may load (never initialise) a JDK
//! class — one C2 cannot have relied on anyway, since it was not loaded.
// JNI references and IDs are opaque VM handles handed back to the VM, never dereferenced here.
#![allow(clippy::not_unsafe_ptr_arg_deref)]

use crate::jni::Jni;
use crate::jvmti::Jvmti;
use crate::lifecycle::Agent;
use crate::loaders;
use jitfleet_relocator::facts::StaticValue;
use jitfleet_relocator::portable::ClassRef;
use jvmti_sys::*;
use once_cell::sync::OnceCell;
use std::ffi::CString;

pub const ACC_STATIC: jint = 0x0008;
pub const ACC_FINAL: jint = 0x0010;

/// Calls a JNI function of the current thread's table.
macro_rules! jni {
    ($jni:expr, $f:ident $(, $arg:expr)*) => {{
        let env = $jni.raw();
        // SAFETY: `env` is the calling thread's JNIEnv (the `Jni` contract); the slot exists in
        // every JNI 1.8 table; callers pass live references and IDs of matching types.
        unsafe { ((**env).$f.expect(concat!("JNI table has no ", stringify!($f))))(env $(, $arg)*) }
    }};
}

/// Whether JVMTI reports `class` initialised.
pub fn initialised(jvmti: Jvmti, class: jclass) -> bool {
    jvmti.class_status(class).map(|s| s & JVMTI_CLASS_STATUS_INITIALIZED != 0).unwrap_or(false)
}

/// The identity of a class: internal name, defining loader, bytes hash.
pub fn class_ref(agent: &Agent, jni: Jni, class: jclass) -> Option<ClassRef> {
    let name = loaders::internal_name(&agent.jvmti.class_signature(class).ok()?);
    let loader = loaders::identify(agent.jvmti, jni, agent.jvmti.class_loader(class).ok()?);
    let bytes_hash = agent.classes.hash_of(&name, &loader);
    Some(ClassRef { name, loader: loader.to_string(), bytes_hash })
}

/// Method and field IDs of `java.lang.ClassLoader` and `java.lang.Class` (never unloaded, so
/// the IDs stay valid), looked up once.
struct LoaderIds {
    find_loaded: usize,
    parent: usize,
    for_name: usize,
    class_class: usize,
}

fn loader_ids(jni: Jni) -> Option<&'static LoaderIds> {
    static IDS: OnceCell<Option<LoaderIds>> = OnceCell::new();
    IDS.get_or_init(|| {
        let loader = jni.find_class("java/lang/ClassLoader")?;
        let class = jni.find_class("java/lang/Class")?;
        let find_loaded = method_id(jni, loader, "findLoadedClass", "(Ljava/lang/String;)Ljava/lang/Class;", false)?;
        let for_name = method_id(jni, class, "forName", "(Ljava/lang/String;ZLjava/lang/ClassLoader;)Ljava/lang/Class;", true)?;
        let parent = jni.field_id(loader, "parent", "Ljava/lang/ClassLoader;")?;
        let class_class = new_global(jni, class)?;
        Some(LoaderIds { find_loaded, parent: parent as usize, for_name, class_class })
    })
    .as_ref()
}

fn method_id(jni: Jni, class: jclass, name: &str, sig: &str, is_static: bool) -> Option<usize> {
    let (n, s) = (CString::new(name).ok()?, CString::new(sig).ok()?);
    let id = if is_static {
        jni!(jni, GetStaticMethodID, class, n.as_ptr(), s.as_ptr())
    } else {
        jni!(jni, GetMethodID, class, n.as_ptr(), s.as_ptr())
    };
    (!jni.clear_exception() && !id.is_null()).then_some(id as usize)
}

fn new_global(jni: Jni, obj: jobject) -> Option<usize> {
    let g = jni!(jni, NewGlobalRef, obj);
    (!g.is_null()).then_some(g as usize)
}

fn new_string(jni: Jni, s: &str) -> Option<jstring> {
    let c = CString::new(s).ok()?;
    let j = jni!(jni, NewStringUTF, c.as_ptr());
    (!jni.clear_exception() && !j.is_null()).then_some(j)
}

/// The class called `name` (internal form) as `loader` (null: the boot loader) sees it, if it
/// is loaded: asked of `loader` and its parents, then of the boot loader if it has prepared
/// a class of that name. Never loads a class. A local reference.
pub fn find_loaded(jni: Jni, loader: jobject, name: &str) -> Option<jclass> {
    if name.starts_with('[') {
        return None;
    }
    let ids = loader_ids(jni)?;
    let binary = new_string(jni, &name.replace('/', "."))?;
    let mut current = loader;
    for _ in 0..32 {
        if current.is_null() {
            break;
        }
        let args = [jvalue { l: binary }];
        let found = jni!(jni, CallObjectMethodA, current, ids.find_loaded as jmethodID, args.as_ptr());
        if !jni.clear_exception() && !found.is_null() {
            return Some(found);
        }
        current = jni.object_field(current, ids.parent as jfieldID);
    }
    // Never load a class to look at it: ask the boot loader only for a class it has prepared
    // (boot_classes.rs says why that is enough).
    if crate::boot_classes::is_prepared(name) != Some(true) {
        return None;
    }
    let args = [jvalue { l: binary }, jvalue { z: JNI_FALSE }, jvalue { l: std::ptr::null_mut() }];
    let found = jni!(jni, CallStaticObjectMethodA, ids.class_class as jclass, ids.for_name as jmethodID, args.as_ptr());
    (!jni.clear_exception() && !found.is_null()).then_some(found)
}

/// A static field as `getstatic` resolves it (JVMS 5.4.3.2: the class, then its
/// superinterfaces, then its superclass): (declaring class as a local reference, field ID,
/// access flags).
pub fn find_static_field(jvmti: Jvmti, jni: Jni, class: jclass, name: &str, descriptor: &str) -> Option<(jclass, jfieldID, jint)> {
    find_field_in(jvmti, jni, class, name, descriptor, 0)
}

fn find_field_in(jvmti: Jvmti, jni: Jni, class: jclass, name: &str, descriptor: &str, depth: u32) -> Option<(jclass, jfieldID, jint)> {
    if class.is_null() || depth > 64 {
        return None;
    }
    for field in jvmti.class_fields(class).ok()? {
        if jvmti.field_name(class, field).ok().is_some_and(|(n, d)| n == name && d == descriptor) {
            let modifiers = jvmti.field_modifiers(class, field).ok()?;
            if modifiers & ACC_STATIC != 0 {
                return Some((jni!(jni, NewLocalRef, class), field, modifiers));
            }
        }
    }
    for interface in jvmti.implemented_interfaces(class).ok()? {
        if let Some(found) = find_field_in(jvmti, jni, interface, name, descriptor, depth + 1) {
            return Some(found);
        }
    }
    let superclass = jni!(jni, GetSuperclass, class);
    find_field_in(jvmti, jni, superclass, name, descriptor, depth + 1)
}

/// The value of static field `field` (descriptor `descriptor`) of the initialised `class`.
pub fn read_static(jvmti: Jvmti, jni: Jni, class: jclass, field: jfieldID, descriptor: &str) -> Option<StaticValue> {
    if !initialised(jvmti, class) {
        return None;
    }
    let value = match descriptor.as_bytes().first()? {
        b'Z' => StaticValue::Int(i32::from(jni!(jni, GetStaticBooleanField, class, field))),
        b'B' => StaticValue::Int(i32::from(jni!(jni, GetStaticByteField, class, field))),
        b'C' => StaticValue::Int(i32::from(jni!(jni, GetStaticCharField, class, field))),
        b'S' => StaticValue::Int(i32::from(jni!(jni, GetStaticShortField, class, field))),
        b'I' => StaticValue::Int(jni!(jni, GetStaticIntField, class, field)),
        b'J' => StaticValue::Long(jni!(jni, GetStaticLongField, class, field)),
        b'F' => StaticValue::Float(jni!(jni, GetStaticFloatField, class, field).to_bits()),
        b'D' => StaticValue::Double(jni!(jni, GetStaticDoubleField, class, field).to_bits()),
        b'L' | b'[' => {
            let obj = jni!(jni, GetStaticObjectField, class, field);
            if jni.clear_exception() {
                return None;
            }
            describe_object(jvmti, jni, obj)?
        }
        _ => return None,
    };
    (!jni.clear_exception()).then_some(value)
}

/// The comparable form of an object C2 may have treated as a constant.
fn describe_object(jvmti: Jvmti, jni: Jni, obj: jobject) -> Option<StaticValue> {
    if obj.is_null() {
        return Some(StaticValue::Null);
    }
    let class = jni.object_class(obj)?;
    let name = loaders::internal_name(&jvmti.class_signature(class).ok()?);
    if name.starts_with('[') {
        let length = jni!(jni, GetArrayLength, obj);
        return Some(StaticValue::Array { class: name, length });
    }
    if name == "java/lang/String" {
        return jni.string(obj).map(StaticValue::Str);
    }
    if name == "java/lang/Class" {
        return Some(mirror_value(jvmti, obj as jclass).unwrap_or(StaticValue::Opaque { class: name }));
    }
    if let Some(bits) = box_bits(jni, class, &name, obj) {
        return Some(StaticValue::Boxed { class: name, bits });
    }
    if let Some(enum_name) = enum_name(jni, obj) {
        return Some(StaticValue::Enum { class: name, name: enum_name });
    }
    if may_fold_fields(jvmti, jni, class) {
        return Some(StaticValue::Opaque { class: name });
    }
    Some(StaticValue::Object { class: name })
}

/// A class mirror by the class it stands for, when that names it in every JVM of the same
/// build: a primitive type, or a class of the boot loader (`None` for any other).
fn mirror_value(jvmti: Jvmti, mirror: jclass) -> Option<StaticValue> {
    if !jvmti.class_loader(mirror).ok()?.is_null() {
        return None;
    }
    let signature = jvmti.class_signature(mirror).ok()?;
    let class = match signature.as_str() {
        "Z" => "boolean",
        "B" => "byte",
        "C" => "char",
        "S" => "short",
        "I" => "int",
        "J" => "long",
        "F" => "float",
        "D" => "double",
        "V" => "void",
        _ if signature.starts_with('L') => return Some(StaticValue::Mirror { class: loaders::internal_name(&signature) }),
        // Arrays: the element's loader decides; a boot array class has a boot element.
        _ if signature.starts_with('[') => return Some(StaticValue::Mirror { class: signature }),
        _ => return None,
    };
    Some(StaticValue::Mirror { class: class.to_string() })
}

/// Whether C2 may fold an instance field of a constant object of `class`, so that the object
/// matters beyond its class. C2 folds a field of a constant object when the field is final and
/// the class *declaring* it is one whose finals it trusts (`ciField.cpp`,
/// `trust_final_non_static_fields`), or when the field is `@Stable` — honoured only in classes
/// of the boot and platform loaders (`classFileParser.cpp`). So the whole hierarchy is
/// walked: a trusted class with a final instance field, or a boot or platform class with a
/// `@Stable` one, makes the object opaque; an object with no such field (a stateless
/// `java.lang` singleton such as `CharacterDataLatin1`) is its class and nothing more.
/// Anything that cannot be read counts as foldable.
fn may_fold_fields(jvmti: Jvmti, jni: Jni, class: jclass) -> bool {
    let mut current = class;
    for _ in 0..64 {
        if current.is_null() {
            return false;
        }
        let Ok(signature) = jvmti.class_signature(current) else { return true };
        let name = loaders::internal_name(&signature);
        let Ok(fields) = jvmti.class_fields(current) else { return true };
        let mut instance = Vec::new();
        for field in fields {
            let Ok(modifiers) = jvmti.field_modifiers(current, field) else { return true };
            if modifiers & ACC_STATIC == 0 {
                instance.push((field, modifiers));
            }
        }
        let superclass = superclass(jni, current);
        if !instance.is_empty() {
            let is_record = !superclass.is_null() && jvmti.class_signature(superclass).ok().as_deref() == Some("Ljava/lang/Record;");
            if (is_record || trusted_by_c2(&name)) && instance.iter().any(|(_, m)| m & ACC_FINAL != 0) {
                return true;
            }
            let Ok(loader) = jvmti.class_loader(current) else { return true };
            let privileged = loader.is_null() || matches!(loaders::identify(jvmti, jni, loader), jitfleet_transport::profile::LoaderId::Named(n) if n == crate::classes::PLATFORM_LOADER);
            if privileged && instance.iter().any(|&(field, _)| is_stable(jni, current, field) != Some(false)) {
                return true;
            }
        }
        current = superclass;
    }
    true
}

/// Whether the instance field `field` of `class` is annotated
/// `@jdk.internal.vm.annotation.Stable` (a runtime-retained annotation, read by reflection);
/// `None` when that cannot be told.
fn is_stable(jni: Jni, class: jclass, field: jfieldID) -> Option<bool> {
    struct StableIds {
        annotation: usize,
        is_present: usize,
    }
    static IDS: OnceCell<Option<StableIds>> = OnceCell::new();
    let ids = IDS
        .get_or_init(|| {
            let annotation = jni.find_class("jdk/internal/vm/annotation/Stable")?;
            let element = jni.find_class("java/lang/reflect/AccessibleObject")?;
            let is_present = method_id(jni, element, "isAnnotationPresent", "(Ljava/lang/Class;)Z", false)?;
            Some(StableIds { annotation: new_global(jni, annotation)?, is_present })
        })
        .as_ref()?;
    let reflected = jni!(jni, ToReflectedField, class, field, JNI_FALSE);
    if jni.clear_exception() || reflected.is_null() {
        return None;
    }
    let args = [jvalue { l: ids.annotation as jobject }];
    let present = jni!(jni, CallBooleanMethodA, reflected, ids.is_present as jmethodID, args.as_ptr());
    jni.delete_local_ref(reflected);
    (!jni.clear_exception()).then_some(present != 0)
}

/// Classes whose final instance fields C2 folds (`ciField.cpp`,
/// `trust_final_non_static_fields`), by name: the classes of a few packages (the package
/// itself, not its subpackages: `java/lang/ref` is not trusted), the atomic field updaters
/// (all of `java/util/concurrent/atomic/Atomic*`, a superset) and hidden classes; records are
/// checked by superclass. C2 also requires the boot loader; this ignores the loader, which
/// only makes more objects opaque.
fn trusted_by_c2(name: &str) -> bool {
    const PACKAGES: [&str; 7] =
        ["java/lang", "java/lang/invoke", "sun/invoke", "jdk/internal/foreign", "jdk/incubator/foreign", "jdk/internal/vm/vector", "jdk/incubator/vector"];
    let package = name.rsplit_once('/').map_or("", |(p, _)| p);
    PACKAGES.contains(&package) || name.starts_with("java/util/concurrent/atomic/Atomic") || name.contains("/0x") || name.contains("+0x")
}

/// The value of a `java.lang` box, widened to 64 bits.
fn box_bits(jni: Jni, class: jclass, name: &str, obj: jobject) -> Option<i64> {
    let sig = match name {
        "java/lang/Boolean" => "Z",
        "java/lang/Byte" => "B",
        "java/lang/Character" => "C",
        "java/lang/Short" => "S",
        "java/lang/Integer" => "I",
        "java/lang/Long" => "J",
        "java/lang/Float" => "F",
        "java/lang/Double" => "D",
        _ => return None,
    };
    let field = jni.field_id(class, "value", sig)?;
    let bits = match sig {
        "Z" => i64::from(jni!(jni, GetBooleanField, obj, field)),
        "B" => i64::from(jni!(jni, GetByteField, obj, field)),
        "C" => i64::from(jni!(jni, GetCharField, obj, field)),
        "S" => i64::from(jni!(jni, GetShortField, obj, field)),
        "I" => i64::from(jni!(jni, GetIntField, obj, field)),
        "J" => jni!(jni, GetLongField, obj, field),
        "F" => i64::from(jni!(jni, GetFloatField, obj, field).to_bits()),
        _ => jni!(jni, GetDoubleField, obj, field).to_bits() as i64,
    };
    Some(bits)
}

/// `Enum.name` of an enum constant; `None` for other objects.
fn enum_name(jni: Jni, obj: jobject) -> Option<String> {
    static ENUM: OnceCell<Option<(usize, usize)>> = OnceCell::new();
    let (class, name_field) = (*ENUM.get_or_init(|| {
        let class = jni.find_class("java/lang/Enum")?;
        let field = jni.field_id(class, "name", "Ljava/lang/String;")?;
        Some((new_global(jni, class)?, field as usize))
    }))?;
    if jni!(jni, IsInstanceOf, obj, class as jclass) != JNI_TRUE {
        return None;
    }
    let s = jni.object_field(obj, name_field as jfieldID);
    let name = jni.string(s);
    jni.delete_local_ref(s);
    name
}

/// `Class.forName(name, false, loader)`: loads (never initialises) the class; a local
/// reference, `None` when it cannot be loaded. For `jitfleet cache verify`, which may load.
pub fn load_class(jni: Jni, loader: jobject, name: &str) -> Option<jclass> {
    let ids = loader_ids(jni)?;
    let binary = new_string(jni, &name.replace('/', "."))?;
    let args = [jvalue { l: binary }, jvalue { z: JNI_FALSE }, jvalue { l: loader }];
    let found = jni!(jni, CallStaticObjectMethodA, ids.class_class as jclass, ids.for_name as jmethodID, args.as_ptr());
    (!jni.clear_exception() && !found.is_null()).then_some(found)
}

/// `ClassLoader.getSystemClassLoader()` (`platform`: `getPlatformClassLoader()`), a local
/// reference.
pub fn builtin_loader(jni: Jni, platform: bool) -> Option<jobject> {
    let class = jni.find_class("java/lang/ClassLoader")?;
    let name = if platform { "getPlatformClassLoader" } else { "getSystemClassLoader" };
    let id = method_id(jni, class, name, "()Ljava/lang/ClassLoader;", true)?;
    let loader = jni!(jni, CallStaticObjectMethodA, class, id as jmethodID, std::ptr::null());
    (!jni.clear_exception() && !loader.is_null()).then_some(loader)
}

/// The superclass of `class` (null for `java.lang.Object` and interfaces), a local reference.
pub fn superclass(jni: Jni, class: jclass) -> jclass {
    jni!(jni, GetSuperclass, class)
}

/// The interned string of `units` (`new String(units).intern()`): a local reference, `None`
/// on any failure. Interning a string the VM did not hold yet adds it to the string table,
/// as the first `ldc` of it would.
pub fn interned(jni: Jni, units: &[u16]) -> Option<jstring> {
    static INTERN: OnceCell<Option<usize>> = OnceCell::new();
    let intern = (*INTERN.get_or_init(|| {
        let class = jni.find_class("java/lang/String")?;
        method_id(jni, class, "intern", "()Ljava/lang/String;", false)
    }))?;
    let len = jsize::try_from(units.len()).ok()?;
    let s = jni!(jni, NewString, units.as_ptr(), len);
    if jni.clear_exception() || s.is_null() {
        return None;
    }
    let args: [jvalue; 0] = [];
    let interned = jni!(jni, CallObjectMethodA, s, intern as jmethodID, args.as_ptr());
    jni.delete_local_ref(s);
    (!jni.clear_exception() && !interned.is_null()).then_some(interned)
}

/// The static final reference fields of `class` itself (not inherited): (field, name,
/// descriptor).
pub fn static_final_references(jvmti: Jvmti, class: jclass) -> Vec<(jfieldID, String, String)> {
    let mut out = Vec::new();
    for field in jvmti.class_fields(class).unwrap_or_default() {
        let Ok(modifiers) = jvmti.field_modifiers(class, field) else { continue };
        if modifiers & (ACC_STATIC | ACC_FINAL) != ACC_STATIC | ACC_FINAL {
            continue;
        }
        let Ok((name, descriptor)) = jvmti.field_name(class, field) else { continue };
        if descriptor.starts_with('L') || descriptor.starts_with('[') {
            out.push((field, name, descriptor));
        }
    }
    out
}

/// The value of reference field `field` of the initialised `class` (a local reference, null
/// when the field holds null); `None` when the class is not initialised or JNI fails.
pub fn static_reference(jvmti: Jvmti, jni: Jni, class: jclass, field: jfieldID) -> Option<jobject> {
    if !initialised(jvmti, class) {
        return None;
    }
    let obj = jni!(jni, GetStaticObjectField, class, field);
    (!jni.clear_exception()).then_some(obj)
}

/// JNI `IsSameObject`.
pub fn same_object(jni: Jni, a: jobject, b: jobject) -> bool {
    jni!(jni, IsSameObject, a, b) == JNI_TRUE
}

#[cfg(test)]
mod tests {
    use super::trusted_by_c2;

    #[test]
    fn trust_is_by_package_not_by_prefix() {
        for trusted in ["java/lang/Integer", "java/lang/invoke/VarHandleInts$FieldInstanceReadWrite", "java/lang/String", "java/util/concurrent/atomic/AtomicReferenceFieldUpdater$AtomicReferenceFieldUpdaterImpl", "com/example/Foo$$Lambda$12/0x0000000800c01234"] {
            assert!(trusted_by_c2(trusted), "{trusted}");
        }
        // Subpackages of java/lang are not trusted by C2; nor are ordinary classes.
        for untrusted in ["java/lang/ref/ReferenceQueue$Null", "java/lang/reflect/Method", "sun/invoke/util/Wrapper", "java/util/ArrayList", "org/h2/value/ValueNull"] {
            assert!(!trusted_by_c2(untrusted), "{untrusted}");
        }
    }
}
