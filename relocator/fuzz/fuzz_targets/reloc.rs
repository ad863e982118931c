//! Relocation stream decoder on arbitrary bytes; the first 6 bytes pick the section layout.
#![no_main]
use jitfleet_relocator::reloc::decode_relocations;
use jitfleet_relocator::ContentLayout;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() < 6 {
        return;
    }
    let a = u32::from(u16::from_le_bytes([data[0], data[1]]));
    let b = a + u32::from(u16::from_le_bytes([data[2], data[3]]));
    let c = b + u32::from(u16::from_le_bytes([data[4], data[5]]));
    let content = ContentLayout { insts_start: a, stubs_start: b, content_end: c };
    let _ = decode_relocations(&data[6..], content);
});
