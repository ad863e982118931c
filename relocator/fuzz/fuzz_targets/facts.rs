//! Constant-pool parser and bytecode scanner (code facts) on arbitrary bytes: the first two
//! bytes give the pool count, the next two the pool length, the rest is pool then code.
#![no_main]
use jitfleet_relocator::facts::{scan, ConstantPool};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() < 4 {
        return;
    }
    let count = u16::from_le_bytes([data[0], data[1]]);
    let split = (usize::from(u16::from_le_bytes([data[2], data[3]])) + 4).min(data.len());
    if let Ok(pool) = ConstantPool::parse(count, &data[4..split]) {
        let _ = scan(&data[split..], &pool);
    }
});
