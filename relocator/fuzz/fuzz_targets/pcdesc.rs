//! PcDesc table decoder on arbitrary bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = jitfleet_relocator::pcdesc::decode_pc_descs(data);
});
