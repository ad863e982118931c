//! The implicit exception table (`ImplicitExceptionTable` in
//! `code/exceptionHandlerTable.hpp/.cpp`).
//!
//! Empty (zero bytes) when there are no entries; otherwise a `uint` count followed by
//! `count` pairs of `uint`s `<exec_off, cont_off>`: the pc offset (from code begin) of an
//! instruction that may fault on a null or a zero divisor, and where execution continues
//! when it does. A JVMCI entry with `cont_off == exec_off` means "deoptimize". The section is
//! padded to 8 bytes.

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::section::PcOffset;

/// One implicit check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImplicitCheck {
    /// The instruction that may fault.
    pub exec: PcOffset,
    /// Where execution continues after the fault.
    pub cont: PcOffset,
}

impl ImplicitCheck {
    /// Whether the entry asks for deoptimization instead of a jump (JVMCI only).
    pub fn is_deoptimize(&self) -> bool {
        self.exec == self.cont
    }
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    let s = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

fn pc(value: u32) -> Result<PcOffset, Error> {
    i32::try_from(value).map(PcOffset).map_err(|_| Error::PcOutOfRange {
        what: "implicit exception table",
        pc_offset: i64::from(value),
        limit: i32::MAX as u32,
    })
}

/// Decodes the implicit exception table.
pub fn decode_nul_chk_table(bytes: &[u8]) -> Result<Vec<ImplicitCheck>, Error> {
    let Some(len) = u32_at(bytes, 0) else {
        return if bytes.is_empty() {
            Ok(Vec::new())
        } else {
            Err(Error::BadNulChkTableLength { len: 0, needed: 4, available: bytes.len() })
        };
    };
    let needed = (2 * u64::from(len) + 1) * 4;
    if needed > bytes.len() as u64 {
        return Err(Error::BadNulChkTableLength { len, needed, available: bytes.len() });
    }
    (0..len as usize)
        .map(|i| {
            let at = 4 + 8 * i;
            // In range: checked against `needed` above.
            let exec = u32_at(bytes, at).unwrap_or(0);
            let cont = u32_at(bytes, at + 4).unwrap_or(0);
            Ok(ImplicitCheck { exec: pc(exec)?, cont: pc(cont)? })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `ImplicitExceptionTable::copy_bytes_to`, padded to 8 as the nmethod lays it out.
    fn encode(pairs: &[(u32, u32)]) -> Vec<u8> {
        let mut out = Vec::new();
        if pairs.is_empty() {
            return out;
        }
        out.extend((pairs.len() as u32).to_le_bytes());
        for (e, c) in pairs {
            out.extend(e.to_le_bytes());
            out.extend(c.to_le_bytes());
        }
        while out.len() % 8 != 0 {
            out.push(0);
        }
        out
    }

    #[test]
    fn round_trip() {
        let t = decode_nul_chk_table(&encode(&[(12, 200), (30, 30)])).unwrap();
        assert_eq!(
            t,
            vec![
                ImplicitCheck { exec: PcOffset(12), cont: PcOffset(200) },
                ImplicitCheck { exec: PcOffset(30), cont: PcOffset(30) },
            ]
        );
        assert!(!t[0].is_deoptimize() && t[1].is_deoptimize());
        assert!(decode_nul_chk_table(&[]).unwrap().is_empty());
    }

    #[test]
    fn length_beyond_section_is_an_error() {
        let mut bytes = encode(&[(12, 200)]);
        bytes[0..4].copy_from_slice(&5u32.to_le_bytes());
        assert_eq!(
            decode_nul_chk_table(&bytes).unwrap_err(),
            Error::BadNulChkTableLength { len: 5, needed: 44, available: 16 }
        );
        assert!(matches!(decode_nul_chk_table(&[1, 0]), Err(Error::BadNulChkTableLength { .. })));
        let huge = encode(&[(0x8000_0000, 1)]);
        assert!(matches!(decode_nul_chk_table(&huge), Err(Error::PcOutOfRange { .. })));
    }
}
