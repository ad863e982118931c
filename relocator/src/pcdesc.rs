//! The PcDesc table (`code/pcDesc.hpp`, `DebugInformationRecorder` in `debugInfoRec.cpp`).
//!
//! Each PcDesc is 16 bytes, four native (little-endian) ints in declaration order:
//! `_pc_offset` (from code begin), `_scope_decode_offset`, `_obj_decode_offset` (both into
//! the scopes data, 0 = `serialized_null`), `_flags`. The recorder brackets the table with
//! sentinels at pc offsets -1 (`lower_offset_limit`) and `i32::MAX` (`upper_offset_limit`),
//! and pc offsets strictly increase.

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::section::{PcOffset, ScopeDataOffset, SectionId};

/// Size of one PcDesc in bytes.
pub const PC_DESC_SIZE: usize = 16;
/// `PcDesc::lower_offset_limit`, the pc offset of the leading sentinel.
pub const LOWER_OFFSET_LIMIT: i32 = -1;
/// `PcDesc::upper_offset_limit`, the pc offset of the trailing sentinel.
pub const UPPER_OFFSET_LIMIT: i32 = i32::MAX;

/// The `PcDesc::_flags` bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PcDescFlags(pub u32);

impl PcDescFlags {
    pub const REEXECUTE: u32 = 1 << 0;
    pub const IS_METHOD_HANDLE_INVOKE: u32 = 1 << 1;
    pub const RETURN_OOP: u32 = 1 << 2;
    pub const RETHROW_EXCEPTION: u32 = 1 << 3;
    pub const HAS_EA_LOCAL_IN_SCOPE: u32 = 1 << 4;
    pub const ARG_ESCAPE: u32 = 1 << 5;
    pub const IS_OPTIMIZED_LINK_TO_NATIVE: u32 = 1 << 6;
    /// Every bit HotSpot 17 defines.
    pub const KNOWN: u32 = (1 << 7) - 1;

    fn has(self, bit: u32) -> bool {
        self.0 & bit != 0
    }
    pub fn should_reexecute(self) -> bool {
        self.has(Self::REEXECUTE)
    }
    pub fn is_method_handle_invoke(self) -> bool {
        self.has(Self::IS_METHOD_HANDLE_INVOKE)
    }
    pub fn return_oop(self) -> bool {
        self.has(Self::RETURN_OOP)
    }
    pub fn rethrow_exception(self) -> bool {
        self.has(Self::RETHROW_EXCEPTION)
    }
    pub fn has_ea_local_in_scope(self) -> bool {
        self.has(Self::HAS_EA_LOCAL_IN_SCOPE)
    }
    pub fn arg_escape(self) -> bool {
        self.has(Self::ARG_ESCAPE)
    }
    pub fn is_optimized_link_to_native(self) -> bool {
        self.has(Self::IS_OPTIMIZED_LINK_TO_NATIVE)
    }
}

/// One PcDesc.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PcDesc {
    /// Offset from code begin: the return address for calls, the poll for safepoints.
    pub pc_offset: PcOffset,
    /// Where the innermost scope starts in the scopes data (0: no scope).
    pub scope_decode_offset: ScopeDataOffset,
    /// Where the object pool (scalar-replaced objects) starts (0: none).
    pub obj_decode_offset: ScopeDataOffset,
    pub flags: PcDescFlags,
}

impl PcDesc {
    /// Whether this is the leading sentinel, or a trailing one as the recorder writes it.
    /// In an installed nmethod the trailing sentinel sits at `content_size + 1` instead: see
    /// [`PcDesc::is_end_sentinel`].
    pub fn is_sentinel(&self) -> bool {
        self.pc_offset.0 == LOWER_OFFSET_LIMIT || self.pc_offset.0 == UPPER_OFFSET_LIMIT
    }

    /// Whether this is the trailing sentinel of an installed nmethod whose content (consts,
    /// insts and stubs) is `content_size` bytes.
    pub fn is_end_sentinel(&self, content_size: u32) -> bool {
        !self.has_scope()
            && (self.pc_offset.0 == UPPER_OFFSET_LIMIT
                || i64::from(self.pc_offset.0) == i64::from(content_size) + 1)
    }

    /// Whether a scope is recorded.
    pub fn has_scope(&self) -> bool {
        self.scope_decode_offset.0 != 0
    }
}

fn le_i32(bytes: &[u8], at: usize) -> i32 {
    // Callers pass `at` with at + 4 <= len, checked by the record loop.
    let mut b = [0u8; 4];
    if let Some(s) = bytes.get(at..at + 4) {
        b.copy_from_slice(s);
    }
    i32::from_le_bytes(b)
}

/// Decodes the scopes pcs section into PcDescs, checking the size is whole records and the
/// pc offsets strictly increase. Copies of the final record filling a rounding gap (see the
/// module docs) are dropped.
pub fn decode_pc_descs(bytes: &[u8]) -> Result<Vec<PcDesc>, Error> {
    if bytes.len() % PC_DESC_SIZE != 0 {
        return Err(Error::RaggedSection {
            section: SectionId::ScopesPcs,
            len: bytes.len(),
            record: PC_DESC_SIZE,
        });
    }
    let mut out: Vec<PcDesc> = Vec::with_capacity(bytes.len() / PC_DESC_SIZE);
    for (index, rec) in bytes.chunks_exact(PC_DESC_SIZE).enumerate() {
        let pc = PcDesc {
            pc_offset: PcOffset(le_i32(rec, 0)),
            scope_decode_offset: ScopeDataOffset(le_i32(rec, 4) as u32),
            obj_decode_offset: ScopeDataOffset(le_i32(rec, 8) as u32),
            flags: PcDescFlags(le_i32(rec, 12) as u32),
        };
        if let Some(prev) = out.last() {
            let rest_are_copies = bytes[index * PC_DESC_SIZE..]
                .chunks_exact(PC_DESC_SIZE)
                .all(|r| r == &bytes[(index - 1) * PC_DESC_SIZE..index * PC_DESC_SIZE]);
            if *prev == pc && !pc.has_scope() && rest_are_copies {
                break;
            }
            if pc.pc_offset <= prev.pc_offset {
                return Err(Error::PcDescsNotSorted {
                    index,
                    pc_offset: pc.pc_offset.0,
                    previous: prev.pc_offset.0,
                });
            }
        }
        out.push(pc);
    }
    Ok(out)
}

/// Test-only writer: PcDescs as `nmethod::copy_scopes_pcs` lays them out.
#[cfg(test)]
pub(crate) fn encode_pc_descs(pcs: &[PcDesc]) -> Vec<u8> {
    pcs.iter()
        .flat_map(|p| {
            [p.pc_offset.0, p.scope_decode_offset.0 as i32, p.obj_decode_offset.0 as i32, p.flags.0 as i32]
                .into_iter()
                .flat_map(i32::to_le_bytes)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pd(pc: i32, scope: u32, obj: u32, flags: u32) -> PcDesc {
        PcDesc {
            pc_offset: PcOffset(pc),
            scope_decode_offset: ScopeDataOffset(scope),
            obj_decode_offset: ScopeDataOffset(obj),
            flags: PcDescFlags(flags),
        }
    }

    #[test]
    fn round_trip_with_sentinels_and_flags() {
        let pcs = vec![
            pd(-1, 0, 0, 0),
            pd(12, 1, 0, PcDescFlags::REEXECUTE),
            pd(40, 9, 5, PcDescFlags::RETURN_OOP | PcDescFlags::ARG_ESCAPE),
            pd(i32::MAX, 0, 0, 0),
        ];
        let decoded = decode_pc_descs(&encode_pc_descs(&pcs)).unwrap();
        assert_eq!(decoded, pcs);
        assert!(decoded[0].is_sentinel() && decoded[3].is_sentinel());
        assert!(!decoded[1].is_sentinel());
        assert!(decoded[1].flags.should_reexecute());
        assert!(!decoded[1].flags.return_oop());
        assert!(decoded[2].flags.return_oop() && decoded[2].flags.arg_escape());
        assert!(!decoded[2].flags.rethrow_exception());
        // Field order: pc, scope, obj, flags.
        let bytes = encode_pc_descs(&pcs[2..3]);
        assert_eq!(&bytes[0..4], &40i32.to_le_bytes());
        assert_eq!(&bytes[8..12], &5i32.to_le_bytes());
    }

    #[test]
    fn installed_end_sentinel_and_gap_copies() {
        // As copy_scopes_pcs leaves it for content_size 312: sentinel at 313, one gap copy.
        let pcs = [pd(-1, 0, 0, 0), pd(20, 1, 0, 0), pd(313, 0, 0, 0), pd(313, 0, 0, 0)];
        let decoded = decode_pc_descs(&encode_pc_descs(&pcs)).unwrap();
        assert_eq!(decoded.len(), 3);
        assert!(decoded[2].is_end_sentinel(312));
        assert!(!decoded[2].is_end_sentinel(400));
        assert!(!decoded[1].is_end_sentinel(19));
        // A copy followed by something else is not a gap.
        let pcs = [pd(-1, 0, 0, 0), pd(313, 0, 0, 0), pd(313, 0, 0, 0), pd(400, 0, 0, 0)];
        assert!(matches!(decode_pc_descs(&encode_pc_descs(&pcs)), Err(Error::PcDescsNotSorted { index: 2, .. })));
    }

    #[test]
    fn ragged_and_unsorted_tables_are_errors() {
        assert_eq!(
            decode_pc_descs(&[0; 17]).unwrap_err(),
            Error::RaggedSection { section: SectionId::ScopesPcs, len: 17, record: 16 }
        );
        let pcs = [pd(-1, 0, 0, 0), pd(20, 1, 0, 0), pd(20, 1, 0, 0)];
        assert_eq!(
            decode_pc_descs(&encode_pc_descs(&pcs)).unwrap_err(),
            Error::PcDescsNotSorted { index: 2, pc_offset: 20, previous: 20 }
        );
    }
}
