//! Oop maps: `ImmutableOopMapSet` (`compiler/oopMap.hpp/.cpp`).
//!
//! Layout of the set (native little-endian ints): `_count`, `_size` (total bytes including
//! this header), then `_count` pairs `{pc_offset, oopmap_offset}`, then the map data; each
//! pair's `oopmap_offset` is relative to the start of the data (just after the pairs). A map
//! is `ImmutableOopMap { int _count }` followed by a compressed stream of `_count`
//! `OopMapValue`s: an UNSIGNED5 value holding `(VMReg << 2) | type` in 16 bits (type 0 oop,
//! 1 narrow oop, 2 callee-saved, 3 derived oop), and for callee-saved and derived values a
//! second UNSIGNED5 number, the content register (the saved register, or the derived
//! pointer's base). Identical consecutive maps and empty maps share one copy.

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::section::{PcOffset, SectionId};
use crate::stream::CompressedReader;

/// Bytes of the set header (`_count`, `_size`).
const SET_HEADER: usize = 8;
/// Bytes of one `ImmutableOopMapPair`.
const PAIR_SIZE: usize = 8;
/// Bytes of the `ImmutableOopMap` header (`_count`).
const MAP_HEADER: usize = 4;

/// What a slot named by an oop map holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OopMapKind {
    Oop,
    NarrowOop,
    /// The slot holds the caller's value of register `saved_reg` (a VMReg).
    CalleeSaved { saved_reg: u32 },
    /// The slot holds a pointer derived from the oop in `base` (a VMReg).
    Derived { base: u32 },
}

/// One `OopMapValue`: a register or stack slot (as a VMReg number) and what it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OopMapValue {
    /// VMReg number; values at or above `VMRegImpl::stack0` are 4-byte stack slots.
    pub vmreg: u32,
    pub kind: OopMapKind,
}

/// The oop map at one pc.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OopMap {
    /// Offset from code begin (the return address of a call, the poll of a safepoint).
    pub pc_offset: PcOffset,
    /// Where the map lies in the data, shared by identical maps.
    pub map_offset: u32,
    pub values: Vec<OopMapValue>,
}

fn le_i32(bytes: &[u8], at: usize, section_len: usize) -> Result<i32, Error> {
    let end = at.checked_add(4).ok_or(Error::UnexpectedEnd {
        section: SectionId::OopMaps,
        offset: at,
        needed: 4,
        len: section_len,
    })?;
    match bytes.get(at..end) {
        Some(b) => Ok(i32::from_le_bytes([b[0], b[1], b[2], b[3]])),
        None => Err(Error::UnexpectedEnd {
            section: SectionId::OopMaps,
            offset: at,
            needed: 4,
            len: section_len,
        }),
    }
}

/// Decodes a whole `ImmutableOopMapSet`. An empty slice means the blob has no oop maps.
pub fn decode_oop_maps(bytes: &[u8]) -> Result<Vec<OopMap>, Error> {
    if bytes.is_empty() {
        return Ok(Vec::new());
    }
    let count = le_i32(bytes, 0, bytes.len())?;
    let size = le_i32(bytes, 4, bytes.len())?;
    let bad = |field, value: i32| Error::BadOopMapHeader {
        field,
        value: i64::from(value),
        len: bytes.len(),
    };
    let count_usize = usize::try_from(count).map_err(|_| bad("count", count))?;
    let size_usize = usize::try_from(size).map_err(|_| bad("size", size))?;
    let data_start = count_usize
        .checked_mul(PAIR_SIZE)
        .and_then(|p| p.checked_add(SET_HEADER))
        .filter(|&d| d <= size_usize)
        .ok_or_else(|| bad("count", count))?;
    if size_usize > bytes.len() {
        return Err(bad("size", size));
    }
    // Everything the set owns; bytes past `_size` are not ours to read.
    let set = &bytes[..size_usize];
    let data_len = size_usize - data_start;
    let mut maps = Vec::with_capacity(count_usize);
    for index in 0..count_usize {
        let pair_at = SET_HEADER + index * PAIR_SIZE;
        let pc_offset = le_i32(set, pair_at, size_usize)?;
        let map_offset = le_i32(set, pair_at + 4, size_usize)?;
        let out_of_range = || Error::OopMapOffsetOutOfRange {
            index,
            map_offset: i64::from(map_offset),
            len: data_len,
        };
        let map_at = usize::try_from(map_offset)
            .ok()
            .filter(|&m| m.saturating_add(MAP_HEADER) <= data_len)
            .map(|m| data_start + m)
            .ok_or_else(out_of_range)?;
        let value_count = le_i32(set, map_at, size_usize)?;
        let value_count = u32::try_from(value_count).map_err(|_| bad("map count", value_count))?;
        let mut r = CompressedReader::new(set, SectionId::OopMaps, map_at + MAP_HEADER);
        let mut values = Vec::with_capacity((value_count as usize).min(r.remaining()));
        for _ in 0..value_count {
            values.push(read_value(&mut r)?);
        }
        maps.push(OopMap {
            pc_offset: PcOffset(pc_offset),
            map_offset: map_offset as u32,
            values,
        });
    }
    Ok(maps)
}

/// `OopMapValue::read_from`. The value is a `short` in HotSpot; a number that does not fit
/// in 16 bits was not written by it.
fn read_value(r: &mut CompressedReader<'_>) -> Result<OopMapValue, Error> {
    let at = r.position();
    let value = r.read_u32()?;
    if value > u32::from(u16::MAX) {
        return Err(Error::BadOopMapValue { offset: at, value });
    }
    let vmreg = value >> 2;
    let kind = match value & 0b11 {
        0 => OopMapKind::Oop,
        1 => OopMapKind::NarrowOop,
        t => {
            let content_at = r.position();
            let content = r.read_u32()?;
            if content > u32::from(u16::MAX) {
                return Err(Error::BadOopMapValue { offset: content_at, value: content });
            }
            if t == 2 {
                OopMapKind::CalleeSaved { saved_reg: content }
            } else {
                OopMapKind::Derived { base: content }
            }
        }
    };
    Ok(OopMapValue { vmreg, kind })
}

/// Test-only writer following `ImmutableOopMapBuilder` (sharing of empty and repeated maps,
/// 8-byte aligned map sizes) and `OopMapValue::write_on`.
#[cfg(test)]
pub(crate) fn encode_oop_maps(maps: &[(i32, Vec<OopMapValue>)]) -> Vec<u8> {
    use crate::test_encode::CompressedWriter;
    let mut data: Vec<u8> = Vec::new();
    let mut pairs: Vec<(i32, i32)> = Vec::new();
    let mut empty_at: Option<i32> = None;
    let mut last: Option<(&Vec<OopMapValue>, i32)> = None;
    for (pc, values) in maps {
        let offset = if values.is_empty() && empty_at.is_some() {
            empty_at.unwrap_or(0)
        } else if !values.is_empty() && last.is_some_and(|(v, _)| v == values) {
            last.map_or(0, |(_, o)| o)
        } else {
            let at = data.len() as i32;
            let mut w = CompressedWriter::new();
            for v in values {
                let (t, content) = match v.kind {
                    OopMapKind::Oop => (0, None),
                    OopMapKind::NarrowOop => (1, None),
                    OopMapKind::CalleeSaved { saved_reg } => (2, Some(saved_reg)),
                    OopMapKind::Derived { base } => (3, Some(base)),
                };
                w.write_u32((v.vmreg << 2) | t);
                if let Some(c) = content {
                    w.write_u32(c);
                }
            }
            let stream = w.into_bytes();
            data.extend((values.len() as i32).to_le_bytes());
            data.extend(&stream);
            while data.len() % 8 != 0 {
                data.push(0);
            }
            if values.is_empty() {
                empty_at = Some(at);
            } else {
                last = Some((values, at));
            }
            at
        };
        pairs.push((*pc, offset));
    }
    let size = SET_HEADER + pairs.len() * PAIR_SIZE + data.len();
    let mut out = Vec::with_capacity(size);
    out.extend((pairs.len() as i32).to_le_bytes());
    out.extend((size as i32).to_le_bytes());
    for (pc, off) in pairs {
        out.extend(pc.to_le_bytes());
        out.extend(off.to_le_bytes());
    }
    out.extend(data);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(vmreg: u32, kind: OopMapKind) -> OopMapValue {
        OopMapValue { vmreg, kind }
    }

    #[test]
    fn round_trip_with_shared_maps() {
        let a = vec![
            v(584 + 2, OopMapKind::Oop),
            v(10, OopMapKind::NarrowOop),
            v(584 + 6, OopMapKind::Derived { base: 584 + 2 }),
            v(584 + 8, OopMapKind::CalleeSaved { saved_reg: 6 }),
        ];
        let maps = vec![(12, a.clone()), (30, a.clone()), (44, vec![]), (60, vec![v(4000, OopMapKind::Oop)]), (70, vec![])];
        let bytes = encode_oop_maps(&maps);
        let decoded = decode_oop_maps(&bytes).unwrap();
        let got: Vec<(i32, Vec<OopMapValue>)> = decoded.iter().map(|m| (m.pc_offset.0, m.values.clone())).collect();
        assert_eq!(got, maps);
        // Shared copies point at the same data.
        assert_eq!(decoded[0].map_offset, decoded[1].map_offset);
        assert_eq!(decoded[2].map_offset, decoded[4].map_offset);
        assert_ne!(decoded[0].map_offset, decoded[3].map_offset);
    }

    #[test]
    fn empty_input_means_no_maps() {
        assert!(decode_oop_maps(&[]).unwrap().is_empty());
    }

    #[test]
    fn bad_headers_and_offsets_are_errors() {
        let mut bytes = encode_oop_maps(&[(12, vec![v(3, OopMapKind::Oop)])]);
        let len = bytes.len();
        // size larger than the captured bytes
        bytes[4..8].copy_from_slice(&(len as i32 + 8).to_le_bytes());
        assert!(matches!(decode_oop_maps(&bytes).unwrap_err(), Error::BadOopMapHeader { field: "size", .. }));
        bytes[4..8].copy_from_slice(&(len as i32).to_le_bytes());
        // count too large for the size
        bytes[0..4].copy_from_slice(&100i32.to_le_bytes());
        assert!(matches!(decode_oop_maps(&bytes).unwrap_err(), Error::BadOopMapHeader { field: "count", .. }));
        bytes[0..4].copy_from_slice(&1i32.to_le_bytes());
        // map offset past the data
        bytes[12..16].copy_from_slice(&64i32.to_le_bytes());
        assert_eq!(
            decode_oop_maps(&bytes).unwrap_err(),
            Error::OopMapOffsetOutOfRange { index: 0, map_offset: 64, len: 8 }
        );
        bytes[12..16].copy_from_slice(&0i32.to_le_bytes());
        decode_oop_maps(&bytes).unwrap();
        // a map claiming more values than its stream holds
        bytes[16..20].copy_from_slice(&9i32.to_le_bytes());
        assert!(matches!(decode_oop_maps(&bytes).unwrap_err(), Error::UnexpectedEnd { .. }));
    }

    #[test]
    fn value_beyond_16_bits_is_an_error() {
        let mut bytes = encode_oop_maps(&[(12, vec![v(3, OopMapKind::Oop)])]);
        // Replace the one-byte stream with a 3-byte UNSIGNED5 number >= 65536 (needs the padding).
        let mut w = crate::test_encode::CompressedWriter::new();
        w.write_u32(70_000);
        let enc = w.into_bytes();
        bytes[20..20 + enc.len()].copy_from_slice(&enc);
        assert_eq!(decode_oop_maps(&bytes).unwrap_err(), Error::BadOopMapValue { offset: 20, value: 70_000 });
    }
}
