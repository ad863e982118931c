//! VM flags (`-XX:` options) read from HotSpot's own `JVMFlag` table (`JVMFlag::flags`,
//! `JVMFlag::numFlags`, exported in vmStructs). Values are copied once; manageable flags that
//! change later are not tracked (nothing we read for the compat key or the MDO layout can change
//! after start-up).

use std::collections::HashMap;

use super::bytes::{i32_at, u64_at};
use super::error::ShimError;
use super::layout::FlagsLayout;
use super::native::{PageCache, VmMemory};

/// Upper bound on the flag count (17 has ~1,300 in a product build).
const MAX_FLAGS: u64 = 10_000;

/// A flag's value, by `JVMFlag::FlagType` (17: bool, int, uint, intx, uintx, uint64_t, size_t,
/// double, ccstr, ccstrlist — in that order).
#[derive(Debug, Clone, PartialEq)]
pub enum FlagValue {
    Bool(bool),
    Int(i64),
    Unsigned(u64),
    Double(f64),
    Str(Option<String>),
}

impl FlagValue {
    /// The value as an integer, when it is one (bools as 0/1).
    pub fn as_i64(&self) -> Option<i64> {
        match *self {
            FlagValue::Bool(b) => Some(b as i64),
            FlagValue::Int(v) => Some(v),
            FlagValue::Unsigned(v) => i64::try_from(v).ok(),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match *self {
            FlagValue::Bool(b) => Some(b),
            _ => None,
        }
    }
}

impl std::fmt::Display for FlagValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FlagValue::Bool(b) => write!(f, "{b}"),
            FlagValue::Int(v) => write!(f, "{v}"),
            FlagValue::Unsigned(v) => write!(f, "{v}"),
            FlagValue::Double(v) => write!(f, "{v}"),
            FlagValue::Str(Some(s)) => write!(f, "{s:?}"),
            FlagValue::Str(None) => write!(f, "null"),
        }
    }
}

/// Decodes the raw 8 bytes at a flag's `_addr` by its type number. Pure: testable without a VM.
/// Returns `None` for a type number this decoder does not know (a newer VM).
pub fn decode_flag_value(ty: i32, raw: u64) -> Option<RawFlag> {
    Some(match ty {
        0 => RawFlag::Value(FlagValue::Bool(raw as u8 != 0)),
        1 => RawFlag::Value(FlagValue::Int(i64::from(raw as u32 as i32))),
        2 => RawFlag::Value(FlagValue::Unsigned(u64::from(raw as u32))),
        3 => RawFlag::Value(FlagValue::Int(raw as i64)),
        4..=6 => RawFlag::Value(FlagValue::Unsigned(raw)),
        7 => RawFlag::Value(FlagValue::Double(f64::from_bits(raw))),
        8 | 9 => RawFlag::StringAt(raw),
        _ => return None,
    })
}

/// A decoded flag value, or the address of its C string still to be read.
#[derive(Debug, Clone, PartialEq)]
pub enum RawFlag {
    Value(FlagValue),
    StringAt(u64),
}

/// Reads every flag. A flag whose value cannot be read is left out (and not fatal).
pub fn read_all_flags(mem: &VmMemory, layout: &FlagsLayout) -> Result<HashMap<String, FlagValue>, ShimError> {
    let array = mem.read_u64(layout.flags_array, "JVMFlag::flags")?;
    let count = mem.read_u64(layout.num_flags, "JVMFlag::numFlags")?;
    if count > MAX_FLAGS {
        return Err(ShimError::ImplausibleSize { what: "JVMFlag::numFlags", size: count, limit: MAX_FLAGS });
    }
    let table_len = (count * layout.flag_size) as usize;
    VmMemory::check_pointer(array, 8, table_len, "JVMFlag table")?;
    let table = mem.read(array, table_len, "JVMFlag table")?;
    let mut out = HashMap::with_capacity(count as usize);
    // Names are in .rodata and values in .data/.bss, densely packed: read them page-wise. A value
    // that changes between page copy and use is no worse than one read a moment earlier.
    let mut pages = PageCache::new(mem);
    for i in 0..count as usize {
        let base = i * layout.flag_size as usize;
        let (Some(name_ptr), Some(addr), Some(ty)) = (
            u64_at(&table, base + layout.name as usize),
            u64_at(&table, base + layout.addr as usize),
            i32_at(&table, base + layout.ty as usize),
        ) else {
            continue;
        };
        if name_ptr == 0 || addr == 0 {
            continue; // the table ends with an all-NULL sentinel entry
        }
        let Ok(Some(name)) = pages.string(name_ptr, 256, "JVMFlag::_name") else { continue };
        // bool is 1 byte, int/uint 4 and the rest 8: read exactly the flag's width so we never
        // step past the end of a static variable into an unmapped page.
        let width = match ty {
            0 => 1,
            1 | 2 => 4,
            _ => 8,
        };
        let Ok(bytes) = pages.read(addr, width, "JVMFlag value") else { continue };
        let mut raw = [0u8; 8];
        raw[..width].copy_from_slice(&bytes);
        let value = match decode_flag_value(ty, u64::from_ne_bytes(raw)) {
            Some(RawFlag::Value(v)) => v,
            Some(RawFlag::StringAt(0)) => FlagValue::Str(None),
            Some(RawFlag::StringAt(p)) => FlagValue::Str(mem.read_c_string(p, 4096, "ccstr flag").ok()),
            None => continue,
        };
        out.insert(name, value);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_each_flag_type() {
        assert_eq!(decode_flag_value(0, 1), Some(RawFlag::Value(FlagValue::Bool(true))));
        assert_eq!(decode_flag_value(0, 0x100), Some(RawFlag::Value(FlagValue::Bool(false))));
        assert_eq!(decode_flag_value(1, 0xffff_ffff), Some(RawFlag::Value(FlagValue::Int(-1))));
        assert_eq!(decode_flag_value(2, 0xffff_ffff), Some(RawFlag::Value(FlagValue::Unsigned(0xffff_ffff))));
        assert_eq!(decode_flag_value(3, u64::MAX), Some(RawFlag::Value(FlagValue::Int(-1))));
        assert_eq!(decode_flag_value(7, 2.5f64.to_bits()), Some(RawFlag::Value(FlagValue::Double(2.5))));
        assert_eq!(decode_flag_value(8, 0x1234), Some(RawFlag::StringAt(0x1234)));
        assert_eq!(decode_flag_value(42, 0), None);
    }
}
