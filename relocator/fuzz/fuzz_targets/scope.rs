//! Scope decoder on arbitrary scopes data; the first 8 bytes are the PcDesc's scope and
//! object decode offsets.
#![no_main]
use jitfleet_relocator::pcdesc::{PcDesc, PcDescFlags};
use jitfleet_relocator::scope::ScopeDecoder;
use jitfleet_relocator::{PcOffset, ScopeDataOffset};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() < 8 {
        return;
    }
    let scope = u32::from_le_bytes([data[0], data[1], data[2], data[3]]);
    let obj = u32::from_le_bytes([data[4], data[5], data[6], data[7]]);
    let pc = PcDesc {
        pc_offset: PcOffset(0),
        scope_decode_offset: ScopeDataOffset(scope % 4096),
        obj_decode_offset: ScopeDataOffset(obj % 4096),
        flags: PcDescFlags(0),
    };
    let _ = ScopeDecoder::new(&data[8..]).decode_pc(&pc);
});
