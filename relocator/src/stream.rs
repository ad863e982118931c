//! HotSpot's `CompressedReadStream` (`code/compressedStream.hpp/.cpp`), bounds-checked.
//!
//! Integers use Pack200's UNSIGNED5 coding with HotSpot 17's parameters: bytes below
//! `L` = 192 end a number, each "high" byte (192..=255) contributes 6 more bits (`lg_H` = 6),
//! and the fifth byte ends a number whatever its value. Signed ints are zig-zag coded
//! (`(v << 1) ^ (v >> 31)`), floats are bit-reversed ints, doubles two bit-reversed ints
//! (high word first), longs two signed ints (low word first), booleans a raw byte.

use crate::error::Error;
use crate::section::SectionId;

/// UNSIGNED5: log2 of the number of high codes.
const LG_H: u32 = 6;
/// UNSIGNED5: number of low codes; a byte below this ends a number.
const L: u32 = 192;
/// UNSIGNED5: the index of the last byte a number may use (five bytes in all).
const MAX_I: usize = 4;

/// A cursor over one section that reads HotSpot's compressed encodings.
#[derive(Debug, Clone)]
pub struct CompressedReader<'a> {
    data: &'a [u8],
    position: usize,
    section: SectionId,
}

impl<'a> CompressedReader<'a> {
    /// A reader over `data` (the bytes of `section`) positioned at `position`.
    pub fn new(data: &'a [u8], section: SectionId, position: usize) -> Self {
        CompressedReader {
            data,
            position,
            section,
        }
    }

    /// The current byte offset in the section.
    pub fn position(&self) -> usize {
        self.position
    }

    /// The section this reader reads, for error messages.
    pub fn section(&self) -> SectionId {
        self.section
    }

    /// Whether every byte has been consumed.
    pub fn is_at_end(&self) -> bool {
        self.position >= self.data.len()
    }

    /// Bytes left after the current position.
    pub fn remaining(&self) -> usize {
        self.data.len().saturating_sub(self.position)
    }

    fn end_error(&self, needed: usize) -> Error {
        Error::UnexpectedEnd {
            section: self.section,
            offset: self.position,
            needed,
            len: self.data.len(),
        }
    }

    /// One raw byte (`read_byte` / `read_bool` in HotSpot).
    pub fn read_u8(&mut self) -> Result<u8, Error> {
        let byte = *self.data.get(self.position).ok_or_else(|| self.end_error(1))?;
        self.position += 1;
        Ok(byte)
    }

    /// A boolean written with `write_bool`: one raw byte, non-zero is true.
    pub fn read_bool(&mut self) -> Result<bool, Error> {
        Ok(self.read_u8()? != 0)
    }

    /// An UNSIGNED5 number (`read_int`), returned as the 32 raw bits HotSpot would hold.
    pub fn read_u32(&mut self) -> Result<u32, Error> {
        let start = self.position;
        let b0 = u32::from(self.read_u8()?);
        if b0 < L {
            return Ok(b0);
        }
        let mut sum = b0;
        let mut shift = LG_H;
        for i in 1..=MAX_I {
            let b = match self.read_u8() {
                Ok(b) => u32::from(b),
                Err(_) => {
                    // Report the start of the number, which is what a reader wants to see.
                    self.position = start;
                    return Err(self.end_error(i + 1));
                }
            };
            // HotSpot adds in a jint and lets the fifth byte wrap; do the same, explicitly.
            sum = sum.wrapping_add(b.wrapping_shl(shift));
            if b < L || i == MAX_I {
                break;
            }
            shift += LG_H;
        }
        Ok(sum)
    }

    /// `read_int` viewed as the Java `int` HotSpot returns.
    pub fn read_i32(&mut self) -> Result<i32, Error> {
        Ok(self.read_u32()? as i32)
    }

    /// A zig-zag coded signed int (`read_signed_int`).
    pub fn read_signed_i32(&mut self) -> Result<i32, Error> {
        let v = self.read_u32()?;
        Ok(((v >> 1) as i32) ^ -((v & 1) as i32))
    }

    /// A float: its bits reversed, then UNSIGNED5 (`read_float`).
    pub fn read_f32_bits(&mut self) -> Result<u32, Error> {
        Ok(self.read_u32()?.reverse_bits())
    }

    /// A double: high word then low word, each bit-reversed (`read_double`). Returned as
    /// raw bits so that NaN payloads survive.
    pub fn read_f64_bits(&mut self) -> Result<u64, Error> {
        let high = self.read_u32()?.reverse_bits();
        let low = self.read_u32()?.reverse_bits();
        Ok((u64::from(high) << 32) | u64::from(low))
    }

    /// A long: low word then high word, each a zig-zag signed int (`read_long`).
    pub fn read_i64(&mut self) -> Result<i64, Error> {
        let low = self.read_signed_i32()? as u32;
        let high = self.read_signed_i32()? as u32;
        Ok(((u64::from(high) << 32) | u64::from(low)) as i64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_encode::CompressedWriter;

    fn reader(bytes: &[u8]) -> CompressedReader<'_> {
        CompressedReader::new(bytes, SectionId::ScopesData, 0)
    }

    #[test]
    fn unsigned5_boundaries_round_trip() {
        let values = [
            0u32,
            1,
            191,
            192,
            193,
            255,
            256,
            191 + 64 * 191,
            192 + 64 * 192,
            1 << 20,
            0x7fff_ffff,
            0x8000_0000,
            0xffff_ffff,
            0xdead_beef,
        ];
        let mut w = CompressedWriter::new();
        for &v in &values {
            w.write_u32(v);
        }
        let bytes = w.into_bytes();
        let mut r = reader(&bytes);
        for &v in &values {
            assert_eq!(r.read_u32().unwrap(), v, "value {v:#x}");
        }
        assert!(r.is_at_end());
    }

    #[test]
    fn unsigned5_lengths_match_hotspot() {
        // Values below L take one byte; 192 needs a high byte then a low byte.
        let mut w = CompressedWriter::new();
        w.write_u32(191);
        assert_eq!(w.into_bytes(), vec![191]);
        let mut w = CompressedWriter::new();
        w.write_u32(192);
        assert_eq!(w.into_bytes(), vec![192, 0]);
        let mut w = CompressedWriter::new();
        w.write_u32(u32::MAX);
        assert_eq!(w.into_bytes().len(), 5);
        // A hand-computed example: [232, 12] = 232 + 12 * 64 = 1000.
        assert_eq!(reader(&[232, 12]).read_u32().unwrap(), 232 + (12 << 6));
    }

    #[test]
    fn signed_float_double_long_round_trip() {
        let ints = [0, 1, -1, 63, -64, i32::MAX, i32::MIN, 123_456, -987_654];
        let floats = [0.0f32, 1.0, -2.5, f32::MAX, f32::MIN_POSITIVE, f32::NAN];
        let doubles = [0.0f64, 1.0, -1e300, f64::EPSILON, -0.1];
        let longs = [0i64, -1, 1, i64::MAX, i64::MIN, 0x1234_5678_9abc_def0];
        let mut w = CompressedWriter::new();
        ints.iter().for_each(|&v| w.write_signed_i32(v));
        floats.iter().for_each(|&v| w.write_f32(v));
        doubles.iter().for_each(|&v| w.write_f64(v));
        longs.iter().for_each(|&v| w.write_i64(v));
        let bytes = w.into_bytes();
        let mut r = reader(&bytes);
        for &v in &ints {
            assert_eq!(r.read_signed_i32().unwrap(), v);
        }
        for &v in &floats {
            assert_eq!(r.read_f32_bits().unwrap(), v.to_bits());
        }
        for &v in &doubles {
            assert_eq!(r.read_f64_bits().unwrap(), v.to_bits());
        }
        for &v in &longs {
            assert_eq!(r.read_i64().unwrap(), v);
        }
        assert!(r.is_at_end());
    }

    #[test]
    fn float_one_is_short_after_reversal() {
        // 1.0f = 0x3f800000; reversed it is 0x1fc, which needs two bytes instead of five.
        let mut w = CompressedWriter::new();
        w.write_f32(1.0);
        assert_eq!(w.into_bytes().len(), 2);
    }

    #[test]
    fn long_writes_low_word_first() {
        // 1 << 32: low word 0 (one byte 0), high word 1 (zig-zag 2).
        let mut w = CompressedWriter::new();
        w.write_i64(1 << 32);
        assert_eq!(w.into_bytes(), vec![0, 2]);
    }

    #[test]
    fn truncated_number_reports_its_start() {
        let mut r = CompressedReader::new(&[5, 200, 200], SectionId::Dependencies, 0);
        assert_eq!(r.read_u32().unwrap(), 5);
        let err = r.read_u32().unwrap_err();
        assert_eq!(
            err,
            Error::UnexpectedEnd {
                section: SectionId::Dependencies,
                offset: 1,
                needed: 3,
                len: 3
            }
        );
    }

    #[test]
    fn fifth_byte_may_be_high() {
        let bytes = [255u8, 255, 255, 255, 255];
        let mut r = reader(&bytes);
        let v = r.read_u32().unwrap();
        let expected = 255u32
            .wrapping_add(255 << 6)
            .wrapping_add(255 << 12)
            .wrapping_add(255 << 18)
            .wrapping_add(255u32.wrapping_shl(24));
        assert_eq!(v, expected);
        assert!(r.is_at_end());
    }
}
