//! Scopes: the debug information at each PcDesc (`code/scopeDesc.cpp`,
//! `code/debugInfo.hpp/.cpp`, `code/location.hpp`, `DebugInformationRecorder::describe_scope`
//! in `code/debugInfoRec.cpp`).
//!
//! A scope record in the scopes data is: sender decode offset, method (metadata index),
//! bci + 1 (`write_bci` subtracts `InvocationEntryBci` = -1), then the decode offsets of
//! the locals, expressions and monitors lists — all UNSIGNED5, 0 meaning "none". A list is a
//! count followed by that many values. A value is a tag (`LOCATION_CODE` = 0, INT 1, OOP 2,
//! LONG 3, DOUBLE 4, OBJECT 5, OBJECT_ID 6, AUTO_BOX_OBJECT 7, MARKER 8) followed by its
//! payload; a monitor is a Location (basic lock), a value (owner) and a raw bool byte
//! (eliminated). Scalar-replaced objects are described once, in the object pool at the
//! PcDesc's `obj_decode_offset` (an id, the class as a constant-oop value, a field count and
//! the field values), and referenced elsewhere by id.

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::pcdesc::PcDesc;
use crate::section::{MetadataIndex, OopIndex, ScopeDataOffset, SectionId};
use crate::stream::CompressedReader;

/// Deepest inline chain accepted; C2's inlining stays far below (MaxInlineLevel 15 plus
/// recursive inlining), so a longer chain means a corrupt or cyclic sender link.
pub const MAX_SCOPE_DEPTH: usize = 256;
/// Deepest nesting of object descriptions inside object fields accepted.
pub const MAX_OBJECT_NESTING: usize = 128;

/// The tags of `ScopeValue::read_from`.
pub mod tag {
    pub const LOCATION: u32 = 0;
    pub const CONSTANT_INT: u32 = 1;
    pub const CONSTANT_OOP: u32 = 2;
    pub const CONSTANT_LONG: u32 = 3;
    pub const CONSTANT_DOUBLE: u32 = 4;
    pub const OBJECT: u32 = 5;
    pub const OBJECT_ID: u32 = 6;
    pub const AUTO_BOX_OBJECT: u32 = 7;
    pub const MARKER: u32 = 8;
}

/// `Location::Type`: what a location holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LocationType {
    Invalid,
    /// Ints, floats, halves of doubles and longs.
    Normal,
    Oop,
    IntInLong,
    /// A long in one 64-bit register or stack word.
    Lng,
    FloatInDbl,
    /// A double in one register or stack word.
    Dbl,
    Vector,
    /// A JSR return address.
    Addr,
    NarrowOop,
}

impl LocationType {
    fn from_code(code: u32) -> Option<LocationType> {
        use LocationType::*;
        Some(match code {
            0 => Invalid,
            1 => Normal,
            2 => Oop,
            3 => IntInLong,
            4 => Lng,
            5 => FloatInDbl,
            6 => Dbl,
            7 => Vector,
            8 => Addr,
            9 => NarrowOop,
            _ => return None,
        })
    }
}

/// Where a location is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LocationPlace {
    /// A stack slot, `offset` bytes above the SP (stored in 4-byte units).
    Stack { offset: u32 },
    /// A register, as a VMReg number (on x86-64 a general register `n` is VMReg `2n`).
    Register { vmreg: u32 },
}

/// `Location`: type in bits 3..0, where in bit 4, offset in bits 31..5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Location {
    pub kind: LocationType,
    pub place: LocationPlace,
}

impl Location {
    /// Decodes the packed 32-bit form; `offset` is where it was read, for errors.
    pub fn from_bits(value: u32, offset: usize) -> Result<Location, Error> {
        let type_code = value & 0x0f;
        let kind = LocationType::from_code(type_code).ok_or(Error::BadLocationType {
            offset,
            value,
            type_code,
        })?;
        let field = value >> 5;
        let place = if value & 0x10 != 0 {
            LocationPlace::Register { vmreg: field }
        } else {
            LocationPlace::Stack { offset: field << 2 }
        };
        Ok(Location { kind, place })
    }

    /// The packed 32-bit form HotSpot writes.
    pub fn to_bits(&self) -> u32 {
        let type_code = self.kind as u32;
        match self.place {
            LocationPlace::Stack { offset } => type_code | ((offset >> 2) << 5),
            LocationPlace::Register { vmreg } => type_code | 0x10 | (vmreg << 5),
        }
    }
}

/// A scope value: what a local, expression stack entry, object field or monitor owner is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum ScopeValue {
    /// The value lives in a register or stack slot.
    Location(Location),
    /// A constant int (floats arrive this way too, as their bits).
    ConstantInt(i32),
    /// A constant object, by oops-table index (0 = null).
    ConstantOop(OopIndex),
    ConstantLong(i64),
    /// A constant double, as raw bits.
    ConstantDouble(u64),
    /// A scalar-replaced object, by id in the PcDesc's object pool.
    Object(u32),
    /// A placeholder (`MarkerValue`), e.g. the second half of a two-slot value.
    Marker,
}

/// A scalar-replaced object (`ObjectValue` / `AutoBoxObjectValue`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectValue {
    pub id: u32,
    /// Whether it is a box that deoptimisation may take from the box cache.
    pub is_auto_box: bool,
    /// The object's class, as an oops-table index of its mirror.
    pub klass: OopIndex,
    /// Field values, in the order the compiler wrote them.
    pub fields: Vec<ScopeValue>,
    /// Where its description starts in the scopes data.
    pub decode_offset: ScopeDataOffset,
}

/// A monitor held in a scope (`MonitorValue`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonitorValue {
    pub owner: ScopeValue,
    pub basic_lock: Location,
    /// Whether the lock was eliminated by escape analysis.
    pub eliminated: bool,
}

/// One (possibly inlined) frame at a pc.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScopeDesc {
    pub decode_offset: ScopeDataOffset,
    /// The caller's scope, for an inlined frame.
    pub sender_decode_offset: Option<ScopeDataOffset>,
    /// The method, as a metadata-table index.
    pub method: MetadataIndex,
    /// Bytecode index (-1 = `InvocationEntryBci`).
    pub bci: i32,
    pub locals: Vec<ScopeValue>,
    pub expressions: Vec<ScopeValue>,
    pub monitors: Vec<MonitorValue>,
}

/// Everything recorded at one PcDesc.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PcScopes {
    pub pc: PcDesc,
    /// Innermost first; empty for the sentinels.
    pub scopes: Vec<ScopeDesc>,
    /// The object pool: every scalar-replaced object the scopes refer to.
    pub objects: Vec<ObjectValue>,
}

/// Decodes scopes out of one nmethod's scopes data.
#[derive(Debug, Clone, Copy)]
pub struct ScopeDecoder<'a> {
    data: &'a [u8],
}

impl<'a> ScopeDecoder<'a> {
    pub fn new(scopes_data: &'a [u8]) -> Self {
        ScopeDecoder { data: scopes_data }
    }

    fn reader_at(&self, offset: u32) -> Result<CompressedReader<'a>, Error> {
        let at = offset as usize;
        if at >= self.data.len() {
            return Err(Error::DecodeOffsetOutOfRange {
                section: SectionId::ScopesData,
                offset: i64::from(offset),
                len: self.data.len(),
            });
        }
        Ok(CompressedReader::new(self.data, SectionId::ScopesData, at))
    }

    /// Decodes the object pool, then the scope chain from innermost to outermost, with the
    /// values of every scope (`ScopeDesc::ScopeDesc(code, pd)` and `sender()`).
    pub fn decode_pc(&self, pc: &PcDesc) -> Result<PcScopes, Error> {
        let mut objects = Vec::new();
        if pc.obj_decode_offset.0 != 0 {
            let mut r = self.reader_at(pc.obj_decode_offset.0)?;
            let count = r.read_u32()?;
            for _ in 0..count {
                let at = r.position();
                let t = r.read_u32()?;
                if !matches!(t, tag::OBJECT | tag::AUTO_BOX_OBJECT | tag::OBJECT_ID) {
                    return Err(Error::ObjectPoolEntryNotObject { offset: at });
                }
                r = CompressedReader::new(self.data, SectionId::ScopesData, at);
                read_value(&mut r, &mut objects, 0)?;
            }
        }
        let mut scopes = Vec::new();
        let mut next = pc.scope_decode_offset.0;
        while next != 0 {
            if scopes.len() >= MAX_SCOPE_DEPTH {
                return Err(Error::SenderChainTooLong {
                    offset: pc.scope_decode_offset.0 as usize,
                    limit: MAX_SCOPE_DEPTH,
                });
            }
            let scope = self.decode_scope(next, &mut objects)?;
            next = scope.sender_decode_offset.map_or(0, |o| o.0);
            scopes.push(scope);
        }
        Ok(PcScopes { pc: *pc, scopes, objects })
    }

    /// Decodes one scope record and its value lists (`ScopeDesc::decode_body`).
    pub fn decode_scope(&self, offset: u32, objects: &mut Vec<ObjectValue>) -> Result<ScopeDesc, Error> {
        let mut r = self.reader_at(offset)?;
        let sender = r.read_u32()?;
        let method = MetadataIndex(r.read_u32()?);
        let bci = r.read_i32()?.wrapping_add(crate::layout::INVOCATION_ENTRY_BCI);
        let locals_at = r.read_u32()?;
        let expressions_at = r.read_u32()?;
        let monitors_at = r.read_u32()?;
        let locals = self.decode_values(locals_at, objects)?;
        let expressions = self.decode_values(expressions_at, objects)?;
        let monitors = self.decode_monitors(monitors_at, objects)?;
        Ok(ScopeDesc {
            decode_offset: ScopeDataOffset(offset),
            sender_decode_offset: (sender != 0).then_some(ScopeDataOffset(sender)),
            method,
            bci,
            locals,
            expressions,
            monitors,
        })
    }

    fn decode_values(&self, offset: u32, objects: &mut Vec<ObjectValue>) -> Result<Vec<ScopeValue>, Error> {
        if offset == 0 {
            return Ok(Vec::new());
        }
        let mut r = self.reader_at(offset)?;
        let count = r.read_u32()?;
        // Never trust a count for allocation: each value takes at least one byte.
        let mut values = Vec::with_capacity((count as usize).min(r.remaining()));
        for _ in 0..count {
            values.push(read_value(&mut r, objects, 0)?);
        }
        Ok(values)
    }

    fn decode_monitors(&self, offset: u32, objects: &mut Vec<ObjectValue>) -> Result<Vec<MonitorValue>, Error> {
        if offset == 0 {
            return Ok(Vec::new());
        }
        let mut r = self.reader_at(offset)?;
        let count = r.read_u32()?;
        let mut monitors = Vec::with_capacity((count as usize).min(r.remaining()));
        for _ in 0..count {
            let at = r.position();
            let basic_lock = Location::from_bits(r.read_u32()?, at)?;
            let owner = read_value(&mut r, objects, 0)?;
            let eliminated = r.read_bool()?;
            monitors.push(MonitorValue { owner, basic_lock, eliminated });
        }
        Ok(monitors)
    }
}

/// `ScopeValue::read_from`: one tagged value. Object descriptions are added to `objects`
/// and returned as a reference by id.
fn read_value(r: &mut CompressedReader<'_>, objects: &mut Vec<ObjectValue>, depth: usize) -> Result<ScopeValue, Error> {
    let at = r.position();
    let t = r.read_u32()?;
    Ok(match t {
        tag::LOCATION => {
            let loc_at = r.position();
            ScopeValue::Location(Location::from_bits(r.read_u32()?, loc_at)?)
        }
        tag::CONSTANT_INT => ScopeValue::ConstantInt(r.read_signed_i32()?),
        tag::CONSTANT_OOP => ScopeValue::ConstantOop(OopIndex(r.read_u32()?)),
        tag::CONSTANT_LONG => ScopeValue::ConstantLong(r.read_i64()?),
        tag::CONSTANT_DOUBLE => ScopeValue::ConstantDouble(r.read_f64_bits()?),
        tag::MARKER => ScopeValue::Marker,
        tag::OBJECT_ID => {
            let id = r.read_u32()?;
            if !objects.iter().any(|o| o.id == id) {
                return Err(Error::UnknownObjectId { offset: at, id });
            }
            ScopeValue::Object(id)
        }
        tag::OBJECT | tag::AUTO_BOX_OBJECT => {
            if depth >= MAX_OBJECT_NESTING {
                return Err(Error::NestingTooDeep { offset: at, limit: MAX_OBJECT_NESTING });
            }
            let id = r.read_u32()?;
            if objects.iter().any(|o| o.id == id) {
                return Err(Error::DuplicateObjectId { offset: at, id });
            }
            // Registered before its fields are read: a field may refer back to it.
            let slot = objects.len();
            objects.push(ObjectValue {
                id,
                is_auto_box: t == tag::AUTO_BOX_OBJECT,
                klass: OopIndex(0),
                fields: Vec::new(),
                decode_offset: ScopeDataOffset(at as u32),
            });
            let klass_at = r.position();
            let klass = match read_value(r, objects, depth + 1)? {
                ScopeValue::ConstantOop(index) => index,
                _ => return Err(Error::ObjectClassNotOop { offset: klass_at }),
            };
            let count = r.read_u32()?;
            let mut fields = Vec::with_capacity((count as usize).min(r.remaining()));
            for _ in 0..count {
                fields.push(read_value(r, objects, depth + 1)?);
            }
            if let Some(o) = objects.get_mut(slot) {
                o.klass = klass;
                o.fields = fields;
            }
            ScopeValue::Object(id)
        }
        other => return Err(Error::BadScopeValueTag { offset: at, tag: other }),
    })
}

/// Test-only writers mirroring the `write_on` methods of `debugInfo.cpp` and
/// `DebugInformationRecorder::describe_scope`.
#[cfg(test)]
pub(crate) mod encode {
    use super::*;
    use crate::test_encode::CompressedWriter;

    /// An object description as the compiler holds it (fields may contain nested objects).
    #[derive(Clone)]
    pub struct Obj {
        pub id: u32,
        pub auto_box: bool,
        pub klass: u32,
        pub fields: Vec<Val>,
    }

    #[derive(Clone)]
    pub enum Val {
        V(ScopeValue),
        O(Box<Obj>),
    }

    /// Writes values with `ObjectValue::write_on`'s visited logic.
    pub struct ValueWriter<'w> {
        pub w: &'w mut CompressedWriter,
        pub visited: Vec<u32>,
    }

    impl ValueWriter<'_> {
        pub fn value(&mut self, v: &Val) {
            match v {
                Val::O(o) => {
                    if self.visited.contains(&o.id) {
                        self.w.write_u32(tag::OBJECT_ID);
                        self.w.write_u32(o.id);
                    } else {
                        self.visited.push(o.id);
                        self.w.write_u32(if o.auto_box { tag::AUTO_BOX_OBJECT } else { tag::OBJECT });
                        self.w.write_u32(o.id);
                        self.w.write_u32(tag::CONSTANT_OOP);
                        self.w.write_u32(o.klass);
                        self.w.write_u32(o.fields.len() as u32);
                        for f in &o.fields {
                            self.value(f);
                        }
                    }
                }
                Val::V(sv) => self.plain(sv),
            }
        }

        fn plain(&mut self, sv: &ScopeValue) {
            match *sv {
                ScopeValue::Location(l) => {
                    self.w.write_u32(tag::LOCATION);
                    self.w.write_u32(l.to_bits());
                }
                ScopeValue::ConstantInt(i) => {
                    self.w.write_u32(tag::CONSTANT_INT);
                    self.w.write_signed_i32(i);
                }
                ScopeValue::ConstantOop(i) => {
                    self.w.write_u32(tag::CONSTANT_OOP);
                    self.w.write_u32(i.0);
                }
                ScopeValue::ConstantLong(l) => {
                    self.w.write_u32(tag::CONSTANT_LONG);
                    self.w.write_i64(l);
                }
                ScopeValue::ConstantDouble(bits) => {
                    self.w.write_u32(tag::CONSTANT_DOUBLE);
                    self.w.write_f64(f64::from_bits(bits));
                }
                ScopeValue::Object(id) => {
                    self.w.write_u32(tag::OBJECT_ID);
                    self.w.write_u32(id);
                }
                ScopeValue::Marker => self.w.write_u32(tag::MARKER),
            }
        }

        /// `serialize_scope_values`: 0 for an empty list, else the list's offset.
        pub fn list(&mut self, values: &[Val]) -> u32 {
            if values.is_empty() {
                return 0;
            }
            let at = self.w.position() as u32;
            self.w.write_u32(values.len() as u32);
            for v in values {
                self.value(v);
            }
            at
        }

        /// `serialize_monitor_values`.
        pub fn monitors(&mut self, monitors: &[(Location, Val, bool)]) -> u32 {
            if monitors.is_empty() {
                return 0;
            }
            let at = self.w.position() as u32;
            self.w.write_u32(monitors.len() as u32);
            for (lock, owner, eliminated) in monitors {
                self.w.write_u32(lock.to_bits());
                self.value(owner);
                self.w.write_u8(u8::from(*eliminated));
            }
            at
        }

        /// `describe_scope`'s record; returns its offset.
        pub fn scope(&mut self, sender: u32, method: u32, bci: i32, locals: u32, exprs: u32, monitors: u32) -> u32 {
            let at = self.w.position() as u32;
            self.w.write_u32(sender);
            self.w.write_u32(method);
            self.w.write_i32(bci + 1);
            self.w.write_u32(locals);
            self.w.write_u32(exprs);
            self.w.write_u32(monitors);
            at
        }
    }
}

#[cfg(test)]
mod tests {
    use super::encode::*;
    use super::*;
    use crate::pcdesc::PcDescFlags;
    use crate::section::PcOffset;
    use crate::test_encode::CompressedWriter;

    fn stack(kind: LocationType, offset: u32) -> Location {
        Location { kind, place: LocationPlace::Stack { offset } }
    }
    fn reg(kind: LocationType, vmreg: u32) -> Location {
        Location { kind, place: LocationPlace::Register { vmreg } }
    }
    fn pc(scope: u32, obj: u32) -> PcDesc {
        PcDesc {
            pc_offset: PcOffset(10),
            scope_decode_offset: ScopeDataOffset(scope),
            obj_decode_offset: ScopeDataOffset(obj),
            flags: PcDescFlags(0),
        }
    }

    #[test]
    fn location_bits_match_location_hpp() {
        // stack[16] oop: type 2, where 0, offset 16/4 = 4 -> (4 << 5) | 2.
        assert_eq!(stack(LocationType::Oop, 16).to_bits(), (4 << 5) | 2);
        // rsi (VMReg 12) long: type 4, where 1.
        assert_eq!(reg(LocationType::Lng, 12).to_bits(), (12 << 5) | 0x10 | 4);
        assert_eq!(Location::from_bits((12 << 5) | 0x10 | 4, 0).unwrap(), reg(LocationType::Lng, 12));
        assert_eq!(
            Location::from_bits(0xb, 7).unwrap_err(),
            Error::BadLocationType { offset: 7, value: 0xb, type_code: 0xb }
        );
    }

    #[test]
    fn inlined_scopes_with_every_value_kind_round_trip() {
        let mut w = CompressedWriter::new();
        w.write_u8(0xff); // the recorder's first byte, so no offset is 0
        let inner_obj = Obj {
            id: 2,
            auto_box: true,
            klass: 4,
            fields: vec![Val::V(ScopeValue::ConstantInt(42))],
        };
        let outer_obj = Obj {
            id: 1,
            auto_box: false,
            klass: 3,
            fields: vec![
                Val::V(ScopeValue::Location(reg(LocationType::Normal, 0))),
                Val::O(Box::new(inner_obj.clone())),
                Val::V(ScopeValue::ConstantOop(OopIndex(0))),
            ],
        };
        let mut vw = ValueWriter { w: &mut w, visited: Vec::new() };
        // Object pool first, as dump_object_pool does: outer (with inner nested), then inner by id.
        let pool = vw.list(&[Val::O(Box::new(outer_obj.clone())), Val::O(Box::new(inner_obj.clone()))]);
        // Outer (caller) scope.
        let caller_locals = vw.list(&[
            Val::V(ScopeValue::Location(stack(LocationType::Oop, 8))),
            Val::V(ScopeValue::ConstantLong(-5_000_000_000)),
            Val::V(ScopeValue::Marker),
        ]);
        let caller_monitors = vw.monitors(&[(stack(LocationType::Normal, 24), Val::O(Box::new(outer_obj)), true)]);
        let caller = vw.scope(0, 7, 33, caller_locals, 0, caller_monitors);
        // Inner (callee) scope at bci -1 with a double on the expression stack.
        let callee_locals = vw.list(&[Val::O(Box::new(inner_obj))]);
        let callee_exprs = vw.list(&[
            Val::V(ScopeValue::ConstantDouble(2.5f64.to_bits())),
            Val::V(ScopeValue::Location(reg(LocationType::Dbl, 64))),
        ]);
        let callee = vw.scope(caller, 8, -1, callee_locals, callee_exprs, 0);
        let bytes = w.into_bytes();

        let decoded = ScopeDecoder::new(&bytes).decode_pc(&pc(callee, pool)).unwrap();
        assert_eq!(decoded.objects.len(), 2);
        let outer = &decoded.objects[0];
        assert_eq!((outer.id, outer.is_auto_box, outer.klass), (1, false, OopIndex(3)));
        assert_eq!(
            outer.fields,
            vec![
                ScopeValue::Location(reg(LocationType::Normal, 0)),
                ScopeValue::Object(2),
                ScopeValue::ConstantOop(OopIndex(0))
            ]
        );
        let inner = &decoded.objects[1];
        assert_eq!((inner.id, inner.is_auto_box, inner.klass), (2, true, OopIndex(4)));
        assert_eq!(inner.fields, vec![ScopeValue::ConstantInt(42)]);

        assert_eq!(decoded.scopes.len(), 2);
        let s0 = &decoded.scopes[0];
        assert_eq!((s0.method, s0.bci), (MetadataIndex(8), -1));
        assert_eq!(s0.sender_decode_offset, Some(ScopeDataOffset(caller)));
        assert_eq!(s0.locals, vec![ScopeValue::Object(2)]);
        assert_eq!(
            s0.expressions,
            vec![
                ScopeValue::ConstantDouble(2.5f64.to_bits()),
                ScopeValue::Location(reg(LocationType::Dbl, 64))
            ]
        );
        let s1 = &decoded.scopes[1];
        assert_eq!((s1.method, s1.bci, s1.sender_decode_offset), (MetadataIndex(7), 33, None));
        assert_eq!(
            s1.locals,
            vec![
                ScopeValue::Location(stack(LocationType::Oop, 8)),
                ScopeValue::ConstantLong(-5_000_000_000),
                ScopeValue::Marker
            ]
        );
        assert_eq!(
            s1.monitors,
            vec![MonitorValue {
                owner: ScopeValue::Object(1),
                basic_lock: stack(LocationType::Normal, 24),
                eliminated: true
            }]
        );
    }

    #[test]
    fn sentinel_pc_has_no_scopes() {
        let d = ScopeDecoder::new(&[0xff]).decode_pc(&pc(0, 0)).unwrap();
        assert!(d.scopes.is_empty() && d.objects.is_empty());
    }

    #[test]
    fn malformed_scopes_are_errors() {
        let dec = |bytes: &[u8], scope: u32, obj: u32| ScopeDecoder::new(bytes).decode_pc(&pc(scope, obj));
        // Offset outside the data.
        assert_eq!(
            dec(&[0xff, 0], 9, 0).unwrap_err(),
            Error::DecodeOffsetOutOfRange { section: SectionId::ScopesData, offset: 9, len: 2 }
        );
        // Locals list with an unknown tag 9 at offset 8.
        let bytes = [0xff, 0, 1, 0, 7, 0, 0, 1, 9];
        assert_eq!(dec(&bytes, 1, 0).unwrap_err(), Error::BadScopeValueTag { offset: 8, tag: 9 });
        // Reference to an object that was never described.
        let bytes = [0xff, 0, 1, 0, 7, 0, 0, 1, 6, 3];
        assert_eq!(dec(&bytes, 1, 0).unwrap_err(), Error::UnknownObjectId { offset: 8, id: 3 });
        // Object whose class is an int constant.
        let bytes = [0xff, 1, 5, 1, 1, 2, 0];
        assert_eq!(dec(&bytes, 0, 1).unwrap_err(), Error::ObjectClassNotOop { offset: 4 });
        // Object pool holding a plain constant.
        let bytes = [0xff, 1, 1, 2];
        assert_eq!(dec(&bytes, 0, 1).unwrap_err(), Error::ObjectPoolEntryNotObject { offset: 2 });
        // The same id described twice.
        let bytes = [0xff, 2, 5, 1, 2, 3, 0, 5, 1, 2, 3, 0];
        assert_eq!(dec(&bytes, 0, 1).unwrap_err(), Error::DuplicateObjectId { offset: 7, id: 1 });
        // A scope whose sender is itself.
        let bytes = [0xff, 1, 7, 0, 0, 0, 0];
        assert_eq!(
            dec(&bytes, 1, 0).unwrap_err(),
            Error::SenderChainTooLong { offset: 1, limit: MAX_SCOPE_DEPTH }
        );
        // Truncated header.
        assert!(matches!(dec(&[0xff, 0, 1], 1, 0).unwrap_err(), Error::UnexpectedEnd { .. }));
    }

    #[test]
    fn deeply_nested_objects_stop_at_the_limit() {
        let mut w = CompressedWriter::new();
        w.write_u8(0xff);
        w.write_u32(1);
        for id in 0..(MAX_OBJECT_NESTING as u32 + 5) {
            w.write_u32(tag::OBJECT);
            w.write_u32(id);
            w.write_u32(tag::CONSTANT_OOP);
            w.write_u32(1);
            w.write_u32(1); // one field: the next object
        }
        let bytes = w.into_bytes();
        assert!(matches!(
            ScopeDecoder::new(&bytes).decode_pc(&pc(0, 1)).unwrap_err(),
            Error::NestingTooDeep { limit: MAX_OBJECT_NESTING, .. }
        ));
    }
}
