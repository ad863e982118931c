//! The exception handler table (`code/exceptionHandlerTable.hpp/.cpp`).
//!
//! An array of 12-byte `HandlerTableEntry {int _bci; int _pco; int _scope_depth;}`, padded
//! to 8 bytes. It is a list of subtables, one per call site that can throw into a handler
//! (C2's CatchNode): a header entry whose `_bci` is the number of entries that follow and
//! whose `_pco` is the call's return-address pc offset, then the entries, each mapping a
//! handler bci at an inlining depth (0 = innermost scope) to the handler's pc offset. All pc
//! offsets are from code begin.

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::section::PcOffset;

/// Size of one `HandlerTableEntry`.
pub const ENTRY_SIZE: usize = 12;

/// One handler of a call site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandlerEntry {
    /// The bci of the handler in the (possibly inlined) method.
    pub bci: i32,
    /// Where the compiled handler starts, from code begin.
    pub handler_pc: PcOffset,
    /// Which scope, counted outwards from the innermost (0) at the call.
    pub scope_depth: i32,
}

/// The handlers of one throwing call site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandlerSubtable {
    /// The pc offset of the call's return address.
    pub catch_pc: PcOffset,
    pub entries: Vec<HandlerEntry>,
}

fn entry(bytes: &[u8], index: usize) -> (i32, i32, i32) {
    let at = index * ENTRY_SIZE;
    let word = |k: usize| {
        let mut b = [0u8; 4];
        if let Some(s) = bytes.get(at + 4 * k..at + 4 * k + 4) {
            b.copy_from_slice(s);
        }
        i32::from_le_bytes(b)
    };
    (word(0), word(1), word(2))
}

/// Decodes the handler table; trailing alignment bytes (fewer than one entry) are ignored,
/// as `ExceptionHandlerTable(const CompiledMethod*)` ignores them.
pub fn decode_handler_table(bytes: &[u8]) -> Result<Vec<HandlerSubtable>, Error> {
    let length = bytes.len() / ENTRY_SIZE;
    let mut out = Vec::new();
    let mut i = 0usize;
    while i < length {
        let (len, catch_pco, _) = entry(bytes, i);
        let available = length - i - 1;
        let n = usize::try_from(len)
            .ok()
            .filter(|&n| n <= available)
            .ok_or(Error::HandlerSubtableOverrun { entry: i, len, available })?;
        let entries = (i + 1..i + 1 + n)
            .map(|k| {
                let (bci, pco, scope_depth) = entry(bytes, k);
                HandlerEntry { bci, handler_pc: PcOffset(pco), scope_depth }
            })
            .collect();
        out.push(HandlerSubtable { catch_pc: PcOffset(catch_pco), entries });
        i += n + 1;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `ExceptionHandlerTable::add_subtable` + `copy_bytes_to` (size aligned to 8).
    /// (handler bci, handler pco, scope depth)
    type Entry = (i32, i32, i32);

    fn encode(subtables: &[(i32, &[Entry])]) -> Vec<u8> {
        let mut out = Vec::new();
        for (catch, entries) in subtables {
            for v in [entries.len() as i32, *catch, 0] {
                out.extend(v.to_le_bytes());
            }
            for (bci, pco, depth) in *entries {
                for v in [*bci, *pco, *depth] {
                    out.extend(v.to_le_bytes());
                }
            }
        }
        while out.len() % 8 != 0 {
            out.push(0);
        }
        out
    }

    #[test]
    fn round_trip_with_padding() {
        let bytes = encode(&[(40, &[(7, 100, 0), (12, 120, 1)]), (64, &[(3, 140, 0)])]);
        assert_eq!(bytes.len(), 64); // 5 entries = 60 bytes, padded
        let t = decode_handler_table(&bytes).unwrap();
        assert_eq!(
            t,
            vec![
                HandlerSubtable {
                    catch_pc: PcOffset(40),
                    entries: vec![
                        HandlerEntry { bci: 7, handler_pc: PcOffset(100), scope_depth: 0 },
                        HandlerEntry { bci: 12, handler_pc: PcOffset(120), scope_depth: 1 },
                    ]
                },
                HandlerSubtable {
                    catch_pc: PcOffset(64),
                    entries: vec![HandlerEntry { bci: 3, handler_pc: PcOffset(140), scope_depth: 0 }]
                },
            ]
        );
        assert!(decode_handler_table(&[]).unwrap().is_empty());
    }

    #[test]
    fn overrunning_or_negative_subtable_is_an_error() {
        let mut bytes = encode(&[(40, &[(7, 100, 0)])]);
        bytes[0..4].copy_from_slice(&2i32.to_le_bytes());
        assert_eq!(
            decode_handler_table(&bytes).unwrap_err(),
            Error::HandlerSubtableOverrun { entry: 0, len: 2, available: 1 }
        );
        bytes[0..4].copy_from_slice(&(-1i32).to_le_bytes());
        assert_eq!(
            decode_handler_table(&bytes).unwrap_err(),
            Error::HandlerSubtableOverrun { entry: 0, len: -1, available: 1 }
        );
    }
}
