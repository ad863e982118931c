//! The relocation stream (`code/relocInfo.hpp/.cpp`, `cpu/x86/relocInfo_x86.hpp`,
//! `CodeBuffer::copy_relocations_to` in `asm/codeBuffer.cpp`).
//!
//! The stream is a sequence of 16-bit little-endian records. A record holds the type in
//! bits 15..12, then `format_width` = 2 format bits (x86-64), then a 10-bit address delta in
//! bytes (`offset_unit` = 1 on x86), added to a running address that starts at the content
//! begin. Type 15 is a prefix carrying data for the record that follows it: with bit 11 set,
//! bits 10..0 count the data halfwords that follow; with bit 11 clear they are one immediate
//! datum. CodeBuffer concatenates the per-section streams of consts, insts and stubs,
//! advancing the address to each section's start with `none` filler records, and pads the
//! end to 8 bytes with `none` records of delta 0; so one running address over the whole
//! stream gives every relocation its absolute content offset.

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::layout::ContentLayout;
use crate::section::{CodeSection, ContentOffset, MetadataIndex, OopIndex};

/// Bits of a record holding the address delta (`offset_width` = 16 - 4 - 2).
const OFFSET_WIDTH: u32 = 10;
const OFFSET_MASK: u16 = (1 << OFFSET_WIDTH) - 1;
const FORMAT_MASK: u16 = 0b11;
const TYPE_SHIFT: u32 = 12;
/// In a prefix record: set when a count of data halfwords follows (`datalen_tag`).
const DATALEN_TAG: u16 = 1 << 11;
const DATALEN_MASK: u16 = DATALEN_TAG - 1;
/// `section_word_Relocation::section_width`.
const SECTION_WIDTH: u32 = 2;

/// HotSpot's `relocInfo::relocType` numbers.
pub mod reloc_type {
    pub const NONE: u8 = 0;
    pub const OOP: u8 = 1;
    pub const VIRTUAL_CALL: u8 = 2;
    pub const OPT_VIRTUAL_CALL: u8 = 3;
    pub const STATIC_CALL: u8 = 4;
    pub const STATIC_STUB: u8 = 5;
    pub const RUNTIME_CALL: u8 = 6;
    pub const EXTERNAL_WORD: u8 = 7;
    pub const INTERNAL_WORD: u8 = 8;
    pub const SECTION_WORD: u8 = 9;
    pub const POLL: u8 = 10;
    pub const POLL_RETURN: u8 = 11;
    pub const METADATA: u8 = 12;
    pub const TRAMPOLINE_STUB: u8 = 13;
    pub const RUNTIME_CALL_W_CP: u8 = 14;
    pub const DATA_PREFIX: u8 = 15;
}

/// The x86-64 operand format of a relocation (`Assembler::WhichOperand`): which operand of
/// the instruction at the relocation's address holds the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OperandFormat {
    /// `imm_operand`: a 32- or 64-bit immediate (`movabs r, imm64`).
    Immediate,
    /// `disp32_operand`: a 32-bit displacement or RIP-relative address.
    Disp32,
    /// `call32_operand`: the rel32 of a call or jump.
    Call32,
    /// `narrow_oop_operand`: a 32-bit narrow oop or narrow klass immediate.
    NarrowOop,
}

impl OperandFormat {
    fn from_bits(bits: u16) -> OperandFormat {
        match bits & FORMAT_MASK {
            0 => OperandFormat::Immediate,
            1 => OperandFormat::Disp32,
            2 => OperandFormat::Call32,
            _ => OperandFormat::NarrowOop,
        }
    }
}

/// What a relocation refers to, with its unpacked payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum RelocKind {
    /// An embedded oop; index 0 means the value is in the instruction itself.
    Oop { index: OopIndex, offset: i32 },
    /// Embedded metadata (`Klass*`, `Method*`); index 0 means "in the instruction".
    Metadata { index: MetadataIndex, offset: i32 },
    /// An inline-cache call; `cached_value` is the `movabs rax, ...` loading the IC value.
    VirtualCall {
        cached_value: Option<ContentOffset>,
        method_index: MetadataIndex,
    },
    /// A statically bound virtual call.
    OptVirtualCall { method_index: MetadataIndex },
    /// A static call.
    StaticCall { method_index: MetadataIndex },
    /// The stub of a static call; `static_call` is the call it serves.
    StaticStub { static_call: ContentOffset },
    /// A call or jump to a fixed routine outside the code cache blob.
    RuntimeCall,
    /// A runtime call that may load its target from the constant pool (not used on x86).
    RuntimeCallWithCp { offset: i32 },
    /// A fixed external address; `None` means the address is read from the instruction.
    ExternalWord { target: Option<u64> },
    /// An address inside this nmethod; `None` means it is read from the instruction.
    InternalWord { target: Option<ContentOffset> },
    /// An address inside a named section of this nmethod.
    SectionWord {
        section: CodeSection,
        target: ContentOffset,
    },
    /// A safepoint poll.
    Poll,
    /// A safepoint poll at a return.
    PollReturn,
    /// A trampoline stub (not used on x86); `owner` is the call it serves.
    TrampolineStub { owner: ContentOffset },
}

/// One decoded relocation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Relocation {
    /// Address the relocation applies to, from content begin.
    pub offset: ContentOffset,
    /// The code section holding that address.
    pub section: CodeSection,
    /// Address from the start of that section.
    pub offset_in_section: u32,
    /// The operand format bits.
    pub format: OperandFormat,
    /// Type and payload.
    pub kind: RelocKind,
    /// The raw data halfwords the record carried (empty when none).
    pub data: Vec<i16>,
    /// Byte offset of the record (its prefix, if any) in the relocation stream.
    pub record_offset: usize,
}

/// An iterator over the relocations of one nmethod, `Result`-yielding like gimli's: after
/// the first error it yields nothing more. `none` filler and padding records are skipped.
#[derive(Debug, Clone)]
pub struct RelocIter<'a> {
    bytes: &'a [u8],
    position: usize,
    address: u32,
    content: ContentLayout,
    failed: bool,
}

/// Decodes the relocation stream `bytes` of an nmethod whose code sections lie as `content`
/// says.
pub fn relocations(bytes: &[u8], content: ContentLayout) -> RelocIter<'_> {
    RelocIter {
        bytes,
        position: 0,
        address: 0,
        content,
        failed: false,
    }
}

/// Decodes every relocation into a vector.
pub fn decode_relocations(bytes: &[u8], content: ContentLayout) -> Result<Vec<Relocation>, Error> {
    relocations(bytes, content).collect()
}

impl<'a> RelocIter<'a> {
    fn halfword(&self, at: usize) -> Result<u16, Error> {
        let end = at.checked_add(2);
        match end.and_then(|e| self.bytes.get(at..e)) {
            Some(b) => Ok(u16::from_le_bytes([b[0], b[1]])),
            None => Err(Error::UnexpectedEnd {
                section: crate::section::SectionId::Relocations,
                offset: at,
                needed: 2,
                len: self.bytes.len(),
            }),
        }
    }

    /// Reads one record with its prefix, advancing the running address.
    fn next_record(&mut self) -> Result<Option<Relocation>, Error> {
        loop {
            if self.position >= self.bytes.len() {
                return Ok(None);
            }
            let record_offset = self.position;
            let mut value = self.halfword(self.position)?;
            self.position += 2;
            let mut data: Vec<i16> = Vec::new();
            if (value >> TYPE_SHIFT) as u8 == reloc_type::DATA_PREFIX {
                if value & DATALEN_TAG != 0 {
                    let count = usize::from(value & DATALEN_MASK);
                    for i in 0..count {
                        data.push(self.halfword(self.position + 2 * i)? as i16);
                    }
                    self.position += 2 * count;
                } else {
                    data.push((value & DATALEN_MASK) as i16);
                }
                value = match self.halfword(self.position) {
                    Ok(v) if (v >> TYPE_SHIFT) as u8 != reloc_type::DATA_PREFIX => v,
                    _ => return Err(Error::DanglingRelocPrefix { offset: record_offset }),
                };
                self.position += 2;
            }
            let rtype = (value >> TYPE_SHIFT) as u8;
            let format = OperandFormat::from_bits(value >> OFFSET_WIDTH);
            // offset_unit is 1 on x86: the delta is in bytes.
            self.address = self
                .address
                .checked_add(u32::from(value & OFFSET_MASK))
                .ok_or(Error::RelocAddressOutOfRange {
                    offset: record_offset,
                    target: i64::from(self.address) + i64::from(value & OFFSET_MASK),
                    content_size: self.content.content_end,
                })?;
            if rtype == reloc_type::NONE {
                continue;
            }
            let offset = ContentOffset(self.address);
            let section = self.content.section_of(offset).ok_or(Error::RelocAddressOutOfRange {
                offset: record_offset,
                target: i64::from(self.address),
                content_size: self.content.content_end,
            })?;
            let kind = self.unpack(rtype, &data, record_offset)?;
            return Ok(Some(Relocation {
                offset,
                section,
                offset_in_section: self.address - self.content.section_start(section),
                format,
                kind,
                data,
                record_offset,
            }));
        }
    }

    /// Turns a content-relative address computed in 64 bits into a checked offset.
    fn content_target(&self, target: i64, record_offset: usize) -> Result<ContentOffset, Error> {
        if (0..i64::from(self.content.content_end)).contains(&target) {
            Ok(ContentOffset(target as u32))
        } else {
            Err(Error::RelocAddressOutOfRange {
                offset: record_offset,
                target,
                content_size: self.content.content_end,
            })
        }
    }

    /// Per-type payloads (`xxx_Relocation::unpack_data` in `relocInfo.cpp`). Scaled offsets
    /// are negated there (`address_from_scaled_offset(x, base)` = `base - x`).
    fn unpack(&self, rtype: u8, data: &[i16], record_offset: usize) -> Result<RelocKind, Error> {
        use reloc_type::*;
        let bad_len = || Error::BadRelocDataLength {
            offset: record_offset,
            reloc_type: rtype,
            datalen: data.len(),
        };
        let here = i64::from(self.address);
        let kind = match rtype {
            OOP | METADATA | VIRTUAL_CALL | EXTERNAL_WORD => {
                let (x0, x1) = unpack_2_ints(data).ok_or_else(bad_len)?;
                match rtype {
                    OOP => RelocKind::Oop { index: OopIndex(x0 as u32), offset: x1 },
                    METADATA => RelocKind::Metadata { index: MetadataIndex(x0 as u32), offset: x1 },
                    VIRTUAL_CALL => RelocKind::VirtualCall {
                        cached_value: if x0 == 0 {
                            None
                        } else {
                            Some(self.content_target(here - i64::from(x0), record_offset)?)
                        },
                        method_index: MetadataIndex(x1 as u32),
                    },
                    _ => {
                        // external_word on LP64: pack_2_ints_to(lo, hi).
                        let target = (u64::from(x1 as u32) << 32) | u64::from(x0 as u32);
                        RelocKind::ExternalWord { target: (target != 0).then_some(target) }
                    }
                }
            }
            OPT_VIRTUAL_CALL | STATIC_CALL | STATIC_STUB | RUNTIME_CALL_W_CP | INTERNAL_WORD
            | SECTION_WORD | TRAMPOLINE_STUB => {
                let x = unpack_1_int(data).ok_or_else(bad_len)?;
                let insts = i64::from(self.content.insts_start);
                match rtype {
                    OPT_VIRTUAL_CALL => RelocKind::OptVirtualCall { method_index: MetadataIndex(x as u32) },
                    STATIC_CALL => RelocKind::StaticCall { method_index: MetadataIndex(x as u32) },
                    STATIC_STUB => RelocKind::StaticStub {
                        static_call: self.content_target(insts - i64::from(x), record_offset)?,
                    },
                    TRAMPOLINE_STUB => RelocKind::TrampolineStub {
                        owner: self.content_target(insts - i64::from(x), record_offset)?,
                    },
                    RUNTIME_CALL_W_CP => RelocKind::RuntimeCallWithCp { offset: x.wrapping_shl(2) },
                    INTERNAL_WORD => RelocKind::InternalWord {
                        target: if x == 0 {
                            None
                        } else {
                            Some(self.content_target(here - i64::from(x), record_offset)?)
                        },
                    },
                    _ => {
                        let index = x & ((1 << SECTION_WIDTH) - 1);
                        let scaled = x >> SECTION_WIDTH;
                        let section = CodeSection::from_index(index)
                            .ok_or(Error::BadCodeSectionIndex { offset: record_offset, index })?;
                        let base = i64::from(self.content.section_start(section));
                        RelocKind::SectionWord {
                            section,
                            target: self.content_target(base - i64::from(scaled), record_offset)?,
                        }
                    }
                }
            }
            RUNTIME_CALL | POLL | POLL_RETURN => {
                if !data.is_empty() {
                    return Err(bad_len());
                }
                match rtype {
                    RUNTIME_CALL => RelocKind::RuntimeCall,
                    POLL => RelocKind::Poll,
                    _ => RelocKind::PollReturn,
                }
            }
            // NONE and DATA_PREFIX never reach here; nothing else fits in 4 bits.
            _ => return Err(bad_len()),
        };
        Ok(kind)
    }
}

impl<'a> Iterator for RelocIter<'a> {
    type Item = Result<Relocation, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        match self.next_record() {
            Ok(Some(r)) => Some(Ok(r)),
            Ok(None) => None,
            Err(e) => {
                self.failed = true;
                Some(Err(e))
            }
        }
    }
}

/// `relocInfo::jint_from_data`: a 32-bit value split high halfword first.
fn jint_from(hi: i16, lo: i16) -> i32 {
    (i32::from(hi) << 16).wrapping_add(i32::from(lo as u16))
}

/// `Relocation::unpack_1_int`: `[]` is 0, `[x]` a short, `[X x]` an int.
fn unpack_1_int(data: &[i16]) -> Option<i32> {
    match *data {
        [] => Some(0),
        [x] => Some(i32::from(x)),
        [hi, lo] => Some(jint_from(hi, lo)),
        _ => None,
    }
}

/// `Relocation::unpack_2_ints`: up to two shorts, or an int followed by a short or an int.
fn unpack_2_ints(data: &[i16]) -> Option<(i32, i32)> {
    match *data {
        [] => Some((0, 0)),
        [x] => Some((i32::from(x), 0)),
        [x, y] => Some((i32::from(x), i32::from(y))),
        [hi, lo, y] => Some((jint_from(hi, lo), i32::from(y))),
        [hi, lo, yhi, ylo] => Some((jint_from(hi, lo), jint_from(yhi, ylo))),
        _ => None,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A test-only writer following `relocInfo::initialize`, `finish_prefix`,
    /// `pack_1_int_to`/`pack_2_ints_to` and `CodeBuffer::copy_relocations_to`.
    #[derive(Default)]
    pub struct RelocWriter {
        pub halfwords: Vec<u16>,
        pub point: u32,
    }

    fn is_short(x: i32) -> bool {
        x == i32::from(x as i16)
    }

    fn add_jint(p: &mut Vec<i16>, x: i32) {
        p.push((x >> 16) as i16);
        p.push(x as i16);
    }

    fn add_var_int(p: &mut Vec<i16>, x: i32) {
        if is_short(x) {
            p.push(x as i16)
        } else {
            add_jint(p, x)
        }
    }

    pub fn pack_1_int(x: i32) -> Vec<i16> {
        let mut p = Vec::new();
        if x != 0 {
            add_var_int(&mut p, x);
        }
        p
    }

    pub fn pack_2_ints(x0: i32, x1: i32) -> Vec<i16> {
        let mut p = Vec::new();
        if x0 == 0 && x1 == 0 {
        } else if is_short(x0) && is_short(x1) {
            p.push(x0 as i16);
            if x1 != 0 {
                p.push(x1 as i16);
            }
        } else {
            add_jint(&mut p, x0);
            add_var_int(&mut p, x1);
        }
        p
    }

    impl RelocWriter {
        /// Emits `none` fillers until the running address reaches `target`.
        pub fn fill_to(&mut self, target: u32) {
            while self.point < target {
                let jump = (target - self.point).min(u32::from(OFFSET_MASK));
                self.halfwords.push(jump as u16);
                self.point += jump;
            }
        }

        /// Emits a relocation of `rtype`/`format` at content offset `at` with `data`.
        pub fn emit(&mut self, at: u32, rtype: u8, format: u16, data: &[i16]) {
            assert!(at >= self.point);
            if at - self.point > u32::from(OFFSET_MASK) {
                self.fill_to(at - u32::from(OFFSET_MASK));
            }
            if data.len() == 1 && (0..2048).contains(&data[0]) {
                self.halfwords.push((u16::from(reloc_type::DATA_PREFIX) << 12) | data[0] as u16);
            } else if !data.is_empty() {
                self.halfwords
                    .push((u16::from(reloc_type::DATA_PREFIX) << 12) | DATALEN_TAG | data.len() as u16);
                self.halfwords.extend(data.iter().map(|&d| d as u16));
            }
            self.halfwords
                .push((u16::from(rtype) << 12) | (format << OFFSET_WIDTH) | (at - self.point) as u16);
            self.point = at;
        }

        /// Pads to 8 bytes with `none` records of delta 0 and returns the bytes.
        pub fn finish(mut self) -> Vec<u8> {
            while self.halfwords.len() % 4 != 0 {
                self.halfwords.push(0);
            }
            self.halfwords.iter().flat_map(|h| h.to_le_bytes()).collect()
        }
    }

    pub fn content() -> ContentLayout {
        ContentLayout { insts_start: 16, stubs_start: 2000, content_end: 2100 }
    }

    #[test]
    fn round_trip_of_every_kind() {
        use reloc_type::*;
        let c = content();
        let mut w = RelocWriter::default();
        // consts: an internal word (jump table entry) pointing at insts 40.
        w.emit(8, INTERNAL_WORD, 0, &pack_1_int(-(40 - 8)));
        w.fill_to(c.insts_start);
        w.emit(20, OOP, 0, &pack_2_ints(0, 0));
        w.emit(30, OOP, 3, &pack_2_ints(2, 0));
        w.emit(40, METADATA, 3, &pack_2_ints(70_000, 5));
        w.emit(50, VIRTUAL_CALL, 2, &pack_2_ints(60 - 50, 3));
        w.emit(60, OPT_VIRTUAL_CALL, 2, &pack_1_int(4));
        w.emit(70, STATIC_CALL, 2, &pack_1_int(1));
        w.emit(80, RUNTIME_CALL, 2, &[]);
        w.emit(90, EXTERNAL_WORD, 1, &pack_2_ints(0x1234_5678, 0x7f00));
        w.emit(100, EXTERNAL_WORD, 0, &pack_2_ints(0, 0));
        w.emit(110, SECTION_WORD, 0, &pack_1_int(-4 << SECTION_WIDTH) /* section 0 = consts */);
        w.emit(1500, POLL, 1, &[]);
        w.emit(1510, POLL_RETURN, 1, &[]);
        w.fill_to(c.stubs_start);
        w.emit(2010, STATIC_STUB, 0, &pack_1_int(-(70 - 16)));
        w.emit(2020, INTERNAL_WORD, 0, &pack_1_int(2020 - 1510));
        let bytes = w.finish();
        let relocs = decode_relocations(&bytes, c).unwrap();
        let kinds: Vec<(u32, CodeSection, RelocKind)> =
            relocs.iter().map(|r| (r.offset.0, r.section, r.kind.clone())).collect();
        use CodeSection::*;
        assert_eq!(
            kinds,
            vec![
                (8, Consts, RelocKind::InternalWord { target: Some(ContentOffset(40)) }),
                (20, Insts, RelocKind::Oop { index: OopIndex(0), offset: 0 }),
                (30, Insts, RelocKind::Oop { index: OopIndex(2), offset: 0 }),
                (40, Insts, RelocKind::Metadata { index: MetadataIndex(70_000), offset: 5 }),
                (
                    50,
                    Insts,
                    RelocKind::VirtualCall { cached_value: Some(ContentOffset(40)), method_index: MetadataIndex(3) }
                ),
                (60, Insts, RelocKind::OptVirtualCall { method_index: MetadataIndex(4) }),
                (70, Insts, RelocKind::StaticCall { method_index: MetadataIndex(1) }),
                (80, Insts, RelocKind::RuntimeCall),
                (90, Insts, RelocKind::ExternalWord { target: Some(0x7f00_1234_5678) }),
                (100, Insts, RelocKind::ExternalWord { target: None }),
                (110, Insts, RelocKind::SectionWord { section: Consts, target: ContentOffset(4) }),
                (1500, Insts, RelocKind::Poll),
                (1510, Insts, RelocKind::PollReturn),
                (2010, Stubs, RelocKind::StaticStub { static_call: ContentOffset(70) }),
                (2020, Stubs, RelocKind::InternalWord { target: Some(ContentOffset(1510)) }),
            ]
        );
        assert_eq!(relocs[2].format, OperandFormat::NarrowOop);
        assert_eq!(relocs[4].format, OperandFormat::Call32);
        assert_eq!(relocs[1].offset_in_section, 4);
        assert_eq!(relocs[13].offset_in_section, 10);
        // 70_000 does not fit a short: the prefix carried X x y = 3 halfwords.
        assert_eq!(relocs[3].data.len(), 3);
    }

    #[test]
    fn prefix_without_record_is_an_error() {
        let bytes = [0x05u8, 0xf0]; // immediate prefix 5, then nothing
        assert_eq!(
            decode_relocations(&bytes, content()).unwrap_err(),
            Error::DanglingRelocPrefix { offset: 0 }
        );
        let bytes = [0x05u8, 0xf0, 0x06, 0xf0]; // prefix followed by prefix
        assert_eq!(
            decode_relocations(&bytes, content()).unwrap_err(),
            Error::DanglingRelocPrefix { offset: 0 }
        );
    }

    #[test]
    fn truncated_data_is_an_error() {
        // datalen prefix announcing 3 halfwords, only one present.
        let h: [u16; 2] = [0xf000 | DATALEN_TAG | 3, 7];
        let bytes: Vec<u8> = h.iter().flat_map(|x| x.to_le_bytes()).collect();
        assert!(matches!(
            decode_relocations(&bytes, content()).unwrap_err(),
            Error::UnexpectedEnd { offset: 4, .. }
        ));
        // odd byte count
        assert!(matches!(decode_relocations(&[0, 0, 1], content()).unwrap_err(), Error::UnexpectedEnd { offset: 2, .. }));
    }

    #[test]
    fn bad_payloads_are_errors() {
        use reloc_type::*;
        let mut w = RelocWriter::default();
        w.emit(20, RUNTIME_CALL, 0, &[1]);
        assert_eq!(
            decode_relocations(&w.finish(), content()).unwrap_err(),
            Error::BadRelocDataLength { offset: 0, reloc_type: RUNTIME_CALL, datalen: 1 }
        );
        let mut w = RelocWriter::default();
        w.emit(20, SECTION_WORD, 0, &pack_1_int(3));
        assert_eq!(
            decode_relocations(&w.finish(), content()).unwrap_err(),
            Error::BadCodeSectionIndex { offset: 0, index: 3 }
        );
        let mut w = RelocWriter::default();
        w.emit(20, STATIC_STUB, 0, &pack_1_int(-5000));
        assert_eq!(
            decode_relocations(&w.finish(), content()).unwrap_err(),
            Error::RelocAddressOutOfRange { offset: 0, target: 5016, content_size: 2100 }
        );
        let mut w = RelocWriter::default();
        w.emit(20, OOP, 0, &[1, 2, 3, 4, 5]);
        assert!(matches!(
            decode_relocations(&w.finish(), content()).unwrap_err(),
            Error::BadRelocDataLength { datalen: 5, .. }
        ));
    }

    #[test]
    fn relocation_past_content_end_is_an_error() {
        let mut w = RelocWriter::default();
        w.fill_to(2100);
        w.emit(2100, reloc_type::POLL, 0, &[]);
        assert!(matches!(
            decode_relocations(&w.finish(), content()).unwrap_err(),
            Error::RelocAddressOutOfRange { target: 2100, .. }
        ));
    }

    #[test]
    fn iterator_stops_after_error() {
        let bytes = [0x05u8, 0xf0];
        let mut it = relocations(&bytes, content());
        assert!(it.next().unwrap().is_err());
        assert!(it.next().is_none());
    }
}
