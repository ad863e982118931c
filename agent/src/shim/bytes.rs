//! Bounds-checked little helpers to pick native-endian integers out of copied VM memory.
//! Out-of-range reads give `None`; nothing here can panic.

/// Reads a `u64` at `off`.
pub fn u64_at(buf: &[u8], off: usize) -> Option<u64> {
    let b = buf.get(off..off.checked_add(8)?)?;
    Some(u64::from_ne_bytes(b.try_into().ok()?))
}

/// Reads a `u32` at `off`.
pub fn u32_at(buf: &[u8], off: usize) -> Option<u32> {
    let b = buf.get(off..off.checked_add(4)?)?;
    Some(u32::from_ne_bytes(b.try_into().ok()?))
}

/// Reads an `i32` at `off`.
pub fn i32_at(buf: &[u8], off: usize) -> Option<i32> {
    u32_at(buf, off).map(|v| v as i32)
}

/// Reads a `u16` at `off`.
pub fn u16_at(buf: &[u8], off: usize) -> Option<u16> {
    let b = buf.get(off..off.checked_add(2)?)?;
    Some(u16::from_ne_bytes(b.try_into().ok()?))
}

/// Reads a `u8` at `off`.
pub fn u8_at(buf: &[u8], off: usize) -> Option<u8> {
    buf.get(off).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_in_bounds_and_refuses_out_of_bounds() {
        let buf = [1u8, 0, 0, 0, 2, 0, 0, 0, 9];
        assert_eq!(u64_at(&buf, 0), Some(0x0000_0002_0000_0001));
        assert_eq!(u32_at(&buf, 4), Some(2));
        assert_eq!(u16_at(&buf, 0), Some(1));
        assert_eq!(u8_at(&buf, 8), Some(9));
        assert_eq!(u64_at(&buf, 2), None);
        assert_eq!(u32_at(&buf, usize::MAX - 1), None);
    }
}
