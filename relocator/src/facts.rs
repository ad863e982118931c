//! Facts a C2 nmethod's correctness depends on that leave no trace in its sections: the
//! static final values C2 folded into the code, and the classes it assumes initialised.
//!
//! C2 treats a `static final` field of an initialised class as a constant
//! (`ci/ciField.cpp`, `initialize_from`): `static final int N = Integer.getInteger(..)` becomes
//! an immediate, with no relocation to find. A class C2 saw initialised gets no
//! initialisation barrier: `new C` allocates inline (`opto/parseHelper.cpp`), `getstatic`
//! reads the mirror directly. Code moved to another JVM is therefore only correct where those
//! classes are initialised and those values are equal — the receiver checks both before it
//! installs (design.md, "Same classes").
//!
//! This module is the pure part: the recorded facts ([`CodeFacts`]) and a scanner of a
//! method's bytecode and constant pool ([`scan`]) that says which classes and static fields
//! the bytecode names. Which of those the donor had initialised, and the values, are read by
//! the agent.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::portable::{ClassRef, MethodRef};

/// What the receiver must find before it may install a portable nmethod.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeFacts {
    /// Classes the code assumes initialised (beyond the holders of the nmethod's methods, which
    /// the receiver waits for anyway): declaring classes of the static fields the bytecode
    /// reads or writes, classes it allocates, classes of static methods it calls — each one
    /// the donor had initialised when the code was captured.
    pub initialised: Vec<ClassRef>,
    /// The static final fields the bytecode of the compiled and inlined methods reads, with
    /// the donor's values: C2 may have folded any of them.
    pub statics: Vec<FoldedStatic>,
    /// C2's class-hierarchy dependencies as JVMCI assumptions: JVMCI checks them when it
    /// installs the code and deoptimises it when a class loaded later breaks one.
    pub assumptions: Vec<PortableAssumption>,
    /// Classes whose instance field layout the code has baked in (field offsets of
    /// `getfield`/`putfield`), with their superclasses: their bytes must be the donor's.
    pub layout: Vec<ClassRef>,
}

/// One C2 dependency in the form JVMCI 17's `Assumptions` take it. The mapping
/// (capture/facts.rs) only produces a JVMCI-side dependency at least as strict as C2's
/// (`code/dependencies.cpp`): `leaf_type` → [`PortableAssumption::LeafType`] (same check);
/// `abstract_with_unique_concrete_subtype` → `ConcreteSubtype` (same); `unique_implementor`
/// → `ConcreteSubtype` (stricter: no concrete subclass of the implementor either);
/// `unique_concrete_method_2/4` on a class context → `ConcreteMethod` (the 2-argument,
/// name-and-signature check, which sees every override the 4-argument vtable check sees);
/// `no_finalizable_subclasses` → `NoFinalizableSubclass` (same). `call_site_target_value` and
/// `unique_concrete_method_4` on interfaces or default methods are refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PortableAssumption {
    LeafType { context: ClassRef },
    ConcreteSubtype { context: ClassRef, subtype: ClassRef },
    ConcreteMethod { context: ClassRef, method: MethodRef, implementation: MethodRef },
    NoFinalizableSubclass { context: ClassRef },
}

impl PortableAssumption {
    /// The classes it names (all must be loaded in the receiver).
    pub fn classes(&self) -> Vec<&ClassRef> {
        match self {
            PortableAssumption::LeafType { context } | PortableAssumption::NoFinalizableSubclass { context } => vec![context],
            PortableAssumption::ConcreteSubtype { context, subtype } => vec![context, subtype],
            PortableAssumption::ConcreteMethod { context, method, implementation } => vec![context, &method.class, &implementation.class],
        }
    }
}

/// One static final field and the donor's value of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FoldedStatic {
    /// The declaring class (also in [`CodeFacts::initialised`]).
    pub holder: ClassRef,
    pub name: String,
    /// Field descriptor, e.g. `I`, `Ljava/lang/String;`.
    pub descriptor: String,
    pub value: StaticValue,
}

/// A static field's value, in a form another JVM can compare with its own.
///
/// What C2 can derive from a constant object decides what must be equal: its identity only
/// matters through its exact class (type checks, devirtualised calls) and, for arrays, its
/// length; its final instance fields matter only for the classes whose finals C2 trusts
/// (`trust_final_non_static_fields`: `java.lang`, `java.lang.invoke` and friends, boxes,
/// records, hidden classes) — strings, boxes and enum constants are compared by value,
/// every other trusted kind is [`StaticValue::Opaque`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum StaticValue {
    /// `Z B C S I`, widened.
    Int(i32),
    Long(i64),
    /// Raw bits (C2 folds bits: `-0.0` differs from `0.0`).
    Float(u32),
    Double(u64),
    Null,
    Str(String),
    /// A `java.lang` box (`java/lang/Integer`, ...) with its value's bits, widened.
    Boxed { class: String, bits: i64 },
    /// An enum constant, by class and name.
    Enum { class: String, name: String },
    /// An array: class and length.
    Array { class: String, length: i32 },
    /// Any other object whose final fields C2 does not trust: its exact class.
    Object { class: String },
    /// An object C2 may look into (trusted finals) that cannot be compared by value: never
    /// equal to anything, the receiver refuses the code.
    Opaque { class: String },
    /// A `java.lang.Class`, by the class it stands for: a primitive type's name (`int`) or a
    /// boot class's internal name. Mirrors are one per class, so equal names are the same
    /// object, and what C2 folds from a mirror (its class) is then the same too.
    Mirror { class: String },
}

impl StaticValue {
    /// Whether two JVMs holding these values would run the same folded code.
    pub fn same_as(&self, other: &StaticValue) -> bool {
        !matches!(self, StaticValue::Opaque { .. }) && self == other
    }
}

impl std::fmt::Display for StaticValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StaticValue::Int(v) => write!(f, "{v}"),
            StaticValue::Long(v) => write!(f, "{v}L"),
            StaticValue::Float(b) => write!(f, "{}f", f32::from_bits(*b)),
            StaticValue::Double(b) => write!(f, "{}d", f64::from_bits(*b)),
            StaticValue::Null => write!(f, "null"),
            StaticValue::Str(s) => write!(f, "{s:?}"),
            StaticValue::Boxed { class, bits } => write!(f, "{class}({bits})"),
            StaticValue::Enum { class, name } => write!(f, "{class}.{name}"),
            StaticValue::Array { class, length } => write!(f, "{class}[{length}]"),
            StaticValue::Object { class } => write!(f, "a {class}"),
            StaticValue::Opaque { class } => write!(f, "an uncomparable {class}"),
            StaticValue::Mirror { class } => write!(f, "the class {class}"),
        }
    }
}

/// What one bytecode instruction names that the facts care about.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BytecodeRef {
    /// `getstatic`/`putstatic` of the field `name:descriptor` as named in `class` (the field
    /// may be declared in a superclass or superinterface).
    StaticField { class: String, name: String, descriptor: String },
    /// `new class`.
    New { class: String },
    /// `invokestatic` of a method named in `class`.
    InvokeStatic { class: String },
    /// `getfield`/`putfield` of a field named in `class`.
    InstanceField { class: String },
}

/// Why a method's bytecode or constant pool could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum FactsError {
    #[error("constant pool: unexpected end at byte {0}")]
    PoolEnd(usize),
    #[error("constant pool: unknown tag {tag} at byte {offset}")]
    PoolTag { offset: usize, tag: u8 },
    #[error("constant pool: entry {index} is missing or not a {wanted}")]
    PoolEntry { index: u16, wanted: &'static str },
    #[error("bytecode: unexpected end in the instruction at {0}")]
    CodeEnd(usize),
    #[error("bytecode: unknown opcode {opcode:#x} at {offset}")]
    Opcode { offset: usize, opcode: u8 },
}

/// A parsed constant pool (class file format, as JVMTI `GetConstantPool` returns it).
#[derive(Debug, Clone, Default)]
pub struct ConstantPool {
    /// Index 0 and the second slots of longs/doubles are `Unusable`.
    entries: Vec<PoolEntry>,
}

#[derive(Debug, Clone)]
enum PoolEntry {
    Unusable,
    Utf8(String),
    Class(u16),
    /// Fieldref, Methodref, InterfaceMethodref: (class index, name-and-type index).
    Member(u16, u16),
    NameAndType(u16, u16),
    /// CONSTANT_String: its Utf8 index.
    Str(u16),
    Other,
}

impl ConstantPool {
    /// Parses `count - 1` entries (`constant_pool_count` of the class file) from `bytes`.
    pub fn parse(count: u16, bytes: &[u8]) -> Result<ConstantPool, FactsError> {
        let mut entries = vec![PoolEntry::Unusable];
        let mut at = 0usize;
        let take = |at: &mut usize, n: usize| -> Result<&[u8], FactsError> {
            let s = bytes.get(*at..*at + n).ok_or(FactsError::PoolEnd(*at))?;
            *at += n;
            Ok(s)
        };
        let u2 = |s: &[u8], i: usize| u16::from_be_bytes([s[i], s[i + 1]]);
        while entries.len() < usize::from(count) {
            let offset = at;
            let tag = take(&mut at, 1)?[0];
            let entry = match tag {
                1 => {
                    let len = usize::from(u2(take(&mut at, 2)?, 0));
                    PoolEntry::Utf8(String::from_utf8_lossy(take(&mut at, len)?).into_owned())
                }
                3 | 4 => {
                    take(&mut at, 4)?;
                    PoolEntry::Other
                }
                5 | 6 => {
                    take(&mut at, 8)?;
                    entries.push(PoolEntry::Other);
                    PoolEntry::Unusable
                }
                7 => PoolEntry::Class(u2(take(&mut at, 2)?, 0)),
                8 => PoolEntry::Str(u2(take(&mut at, 2)?, 0)),
                16 | 19 | 20 => {
                    take(&mut at, 2)?;
                    PoolEntry::Other
                }
                9..=11 => {
                    let s = take(&mut at, 4)?;
                    PoolEntry::Member(u2(s, 0), u2(s, 2))
                }
                12 => {
                    let s = take(&mut at, 4)?;
                    PoolEntry::NameAndType(u2(s, 0), u2(s, 2))
                }
                15 => {
                    take(&mut at, 3)?;
                    PoolEntry::Other
                }
                17 | 18 => {
                    take(&mut at, 4)?;
                    PoolEntry::Other
                }
                _ => return Err(FactsError::PoolTag { offset, tag }),
            };
            entries.push(entry);
        }
        Ok(ConstantPool { entries })
    }

    fn utf8(&self, index: u16) -> Result<&str, FactsError> {
        match self.entries.get(usize::from(index)) {
            Some(PoolEntry::Utf8(s)) => Ok(s),
            _ => Err(FactsError::PoolEntry { index, wanted: "Utf8" }),
        }
    }

    /// The internal name of the class at `index`.
    pub fn class_name(&self, index: u16) -> Result<&str, FactsError> {
        match self.entries.get(usize::from(index)) {
            Some(PoolEntry::Class(name)) => self.utf8(*name),
            _ => Err(FactsError::PoolEntry { index, wanted: "Class" }),
        }
    }

    /// (class, name, descriptor) of the member reference at `index`.
    pub fn member(&self, index: u16) -> Result<(&str, &str, &str), FactsError> {
        let Some(PoolEntry::Member(class, nat)) = self.entries.get(usize::from(index)) else {
            return Err(FactsError::PoolEntry { index, wanted: "member reference" });
        };
        let Some(PoolEntry::NameAndType(name, descriptor)) = self.entries.get(usize::from(*nat)) else {
            return Err(FactsError::PoolEntry { index: *nat, wanted: "NameAndType" });
        };
        Ok((self.class_name(*class)?, self.utf8(*name)?, self.utf8(*descriptor)?))
    }
}

/// The length of the instruction at `at` (`interpreter/bytecodes.cpp`'s table, restated).
fn instruction_length(code: &[u8], at: usize) -> Result<usize, FactsError> {
    let opcode = code[at];
    let word = |i: usize| -> Result<i32, FactsError> {
        let s = code.get(i..i + 4).ok_or(FactsError::CodeEnd(at))?;
        Ok(i32::from_be_bytes([s[0], s[1], s[2], s[3]]))
    };
    Ok(match opcode {
        0x00..=0x0f | 0x1a..=0x35 | 0x3b..=0x83 | 0x85..=0x98 | 0xac..=0xb1 | 0xbe | 0xbf | 0xc2 | 0xc3 => 1,
        0x10 | 0x12 | 0x15..=0x19 | 0x36..=0x3a | 0xa9 | 0xbc => 2,
        0x11 | 0x13 | 0x14 | 0x84 | 0x99..=0xa8 | 0xb2..=0xb8 | 0xbb | 0xbd | 0xc0 | 0xc1 | 0xc6 | 0xc7 => 3,
        0xc5 => 4,
        0xb9 | 0xba | 0xc8 | 0xc9 => 5,
        0xc4 => match code.get(at + 1) {
            Some(0x84) => 6,
            Some(_) => 4,
            None => return Err(FactsError::CodeEnd(at)),
        },
        0xaa => {
            let base = (at + 4) & !3;
            let (low, high) = (word(base + 4)?, word(base + 8)?);
            let n = i64::from(high) - i64::from(low) + 1;
            if !(0..=65536).contains(&n) {
                return Err(FactsError::CodeEnd(at));
            }
            base + 12 + 4 * n as usize - at
        }
        0xab => {
            let base = (at + 4) & !3;
            let n = word(base + 4)?;
            if !(0..=65536).contains(&n) {
                return Err(FactsError::CodeEnd(at));
            }
            base + 8 + 8 * n as usize - at
        }
        _ => return Err(FactsError::Opcode { offset: at, opcode }),
    })
}

/// The strings `ldc`/`ldc_w` load in `code` (as [`scan`] reads it), each once: the interned
/// strings C2 may embed as object constants. Strings whose modified UTF-8 is not plain UTF-8
/// (NUL, supplementary characters) may come out altered; a caller that matches them by
/// identity then simply finds no match.
pub fn ldc_strings(code: &[u8], pool: &ConstantPool) -> Result<Vec<String>, FactsError> {
    let mut out: Vec<String> = Vec::new();
    let mut at = 0;
    while at < code.len() {
        let len = instruction_length(code, at)?;
        if at + len > code.len() {
            return Err(FactsError::CodeEnd(at));
        }
        let index = match code[at] {
            0x12 => Some(u16::from(code[at + 1])),
            0x13 => Some(u16::from_be_bytes([code[at + 1], code[at + 2]])),
            _ => None,
        };
        if let Some(Some(PoolEntry::Str(utf8))) = index.map(|i| pool.entries.get(usize::from(i))) {
            let value = pool.utf8(*utf8)?;
            if !out.iter().any(|s| s == value) {
                out.push(value.to_string());
            }
        }
        at += len;
    }
    Ok(out)
}

/// Every static and instance field access, allocation and static call the bytecode names, in order,
/// without duplicates. `code` is a method's bytecode as JVMTI `GetBytecodes` returns it
/// (unrewritten: constant-pool indices in class-file order).
pub fn scan(code: &[u8], pool: &ConstantPool) -> Result<Vec<BytecodeRef>, FactsError> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < code.len() {
        let len = instruction_length(code, at)?;
        if at + len > code.len() {
            return Err(FactsError::CodeEnd(at));
        }
        let index = || u16::from_be_bytes([code[at + 1], code[at + 2]]);
        let found = match code[at] {
            0xb2 | 0xb3 => {
                let (class, name, descriptor) = pool.member(index())?;
                Some(BytecodeRef::StaticField { class: class.into(), name: name.into(), descriptor: descriptor.into() })
            }
            0xbb => Some(BytecodeRef::New { class: pool.class_name(index())?.into() }),
            0xb8 => Some(BytecodeRef::InvokeStatic { class: pool.member(index())?.0.into() }),
            0xb4 | 0xb5 => Some(BytecodeRef::InstanceField { class: pool.member(index())?.0.into() }),
            _ => None,
        };
        if let Some(r) = found {
            if !out.contains(&r) {
                out.push(r);
            }
        }
        at += len;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pool of: 1 Utf8 "Conf", 2 Class #1, 3 Utf8 "N", 4 Utf8 "I", 5 NameAndType #3 #4,
    /// 6 Fieldref #2 #5, 7 Long (two slots), 9 Utf8 "Box", 10 Class #9, 11 Methodref #10 #5.
    fn pool() -> (u16, Vec<u8>) {
        let mut b = Vec::new();
        let utf8 = |b: &mut Vec<u8>, s: &str| {
            b.push(1);
            b.extend_from_slice(&(s.len() as u16).to_be_bytes());
            b.extend_from_slice(s.as_bytes());
        };
        utf8(&mut b, "Conf");
        b.extend_from_slice(&[7, 0, 1]);
        utf8(&mut b, "N");
        utf8(&mut b, "I");
        b.extend_from_slice(&[12, 0, 3, 0, 4]);
        b.extend_from_slice(&[9, 0, 2, 0, 5]);
        b.extend_from_slice(&[5, 0, 0, 0, 0, 0, 0, 0, 1]);
        utf8(&mut b, "Box");
        b.extend_from_slice(&[7, 0, 9]);
        b.extend_from_slice(&[10, 0, 10, 0, 5]);
        (12, b)
    }

    #[test]
    fn finds_static_fields_allocations_and_static_calls_across_switches() {
        let (count, bytes) = pool();
        let pool = ConstantPool::parse(count, &bytes).unwrap();
        let code = [
            0xb2, 0, 6, // getstatic Conf.N:I
            0x10, 5, // bipush 5
            0xaa, 0, 0, // tableswitch at 5, padded to 8
            0, 0, 0, 9, 0, 0, 0, 1, 0, 0, 0, 2, // default, low 1, high 2
            0, 0, 0, 1, 0, 0, 0, 2, // two offsets
            0xbb, 0, 10, // new Box
            0xc4, 0x84, 0, 1, 0, 1, // wide iinc
            0xb8, 0, 11, // invokestatic Box.N
            0xb3, 0, 6, // putstatic Conf.N:I (same field: reported once)
            0xb4, 0, 6, // getfield Conf.N:I
            0xb1,
        ];
        let refs = scan(&code, &pool).unwrap();
        assert_eq!(
            refs,
            vec![
                BytecodeRef::StaticField { class: "Conf".into(), name: "N".into(), descriptor: "I".into() },
                BytecodeRef::New { class: "Box".into() },
                BytecodeRef::InvokeStatic { class: "Box".into() },
                BytecodeRef::InstanceField { class: "Conf".into() },
            ]
        );
    }

    #[test]
    fn finds_the_strings_ldc_loads_but_not_other_constants() {
        // #1 Utf8 "hi", #2 String #1, #3 Integer 7, #4 Utf8 "yo", #5 String #4
        let bytes = [1, 0, 2, b'h', b'i', 8, 0, 1, 3, 0, 0, 0, 7, 1, 0, 2, b'y', b'o', 8, 0, 4];
        let pool = ConstantPool::parse(6, &bytes).unwrap();
        let code = [
            0x12, 2, // ldc "hi"
            0x12, 3, // ldc 7
            0x13, 0, 5, // ldc_w "yo"
            0x13, 0, 2, // ldc_w "hi" again: reported once
            0xb0,
        ];
        assert_eq!(ldc_strings(&code, &pool).unwrap(), vec!["hi".to_string(), "yo".to_string()]);
    }

    #[test]
    fn malformed_input_is_an_error_not_a_panic() {
        let (count, bytes) = pool();
        assert_eq!(ConstantPool::parse(count, &bytes[..bytes.len() - 1]).unwrap_err(), FactsError::PoolEnd(bytes.len() - 4));
        assert!(matches!(ConstantPool::parse(2, &[99]), Err(FactsError::PoolTag { tag: 99, .. })));
        let pool = ConstantPool::parse(count, &bytes).unwrap();
        assert_eq!(scan(&[0xb2, 0], &pool), Err(FactsError::CodeEnd(0)));
        assert_eq!(scan(&[0xb2, 0, 1], &pool), Err(FactsError::PoolEntry { index: 1, wanted: "member reference" }));
        assert_eq!(scan(&[0xfe], &pool), Err(FactsError::Opcode { offset: 0, opcode: 0xfe }));
        assert!(scan(&[0xab, 0, 0, 0, 0, 0, 0, 0, 0x7f, 0xff, 0xff, 0xff], &pool).is_err());
        // Any byte string: no panic.
        for seed in 0u32..2000 {
            let bytes: Vec<u8> = (0..24).map(|i| (seed.wrapping_mul(2654435761).rotate_left(i) & 0xff) as u8).collect();
            let _ = scan(&bytes, &pool);
            let _ = ConstantPool::parse((seed % 9) as u16, &bytes);
        }
    }

    #[test]
    fn opaque_values_never_compare_equal() {
        let a = StaticValue::Opaque { class: "java/lang/invoke/MethodHandle".into() };
        assert!(!a.same_as(&a.clone()));
        assert!(StaticValue::Int(7).same_as(&StaticValue::Int(7)));
        assert!(!StaticValue::Int(7).same_as(&StaticValue::Int(9)));
        assert!(!StaticValue::Double(0.0f64.to_bits()).same_as(&StaticValue::Double((-0.0f64).to_bits())));
    }
}
