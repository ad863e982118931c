//! Cheap deterministic no-panic sweeps: every decoder over ~100k pseudo-random byte strings
//! (and mutations of valid encodings), so CI exercises what the fuzz targets explore.

use crate::deps::decode_dependencies;
use crate::handlers::decode_handler_table;
use crate::layout::{CapturedNmethod, ContentLayout};
use crate::nulchk::decode_nul_chk_table;
use crate::oopmap::decode_oop_maps;
use crate::pcdesc::{decode_pc_descs, PcDesc, PcDescFlags};
use crate::reloc::decode_relocations;
use crate::scope::ScopeDecoder;
use crate::section::{PcOffset, ScopeDataOffset};
use crate::test_encode::XorShift;
use crate::{decode_all, Error};

const ROUNDS: usize = 100_000;

/// Runs `f` over `ROUNDS` random inputs and reports how many decoded without error, so a
/// sweep that never gets past the first check shows up as suspicious.
fn sweep(seed: u64, max_len: usize, mut f: impl FnMut(&[u8], &mut XorShift) -> bool) -> usize {
    let mut rng = XorShift::new(seed);
    let mut ok = 0;
    for _ in 0..ROUNDS {
        let bytes = rng.bytes(max_len);
        if f(&bytes, &mut rng) {
            ok += 1;
        }
    }
    ok
}

#[test]
fn relocation_decoder_never_panics() {
    let content = ContentLayout { insts_start: 64, stubs_start: 900, content_end: 1000 };
    let ok = sweep(1, 48, |b, _| decode_relocations(b, content).is_ok());
    assert!(ok > 0, "some random streams should decode");
}

#[test]
fn pc_desc_decoder_never_panics() {
    sweep(2, 80, |b, _| decode_pc_descs(b).is_ok());
}

#[test]
fn scope_decoder_never_panics() {
    let ok = sweep(3, 64, |b, rng| {
        let pc = PcDesc {
            pc_offset: PcOffset(4),
            scope_decode_offset: ScopeDataOffset(rng.below(b.len() + 2) as u32),
            obj_decode_offset: ScopeDataOffset(if rng.below(2) == 0 { 0 } else { rng.below(b.len() + 2) as u32 }),
            flags: PcDescFlags(0),
        };
        ScopeDecoder::new(b).decode_pc(&pc).is_ok()
    });
    assert!(ok > 0);
}

#[test]
fn oop_map_decoder_never_panics() {
    sweep(4, 64, |b, rng| {
        // Give half the inputs a plausible header so the map walk is reached.
        let mut v = b.to_vec();
        if v.len() >= 8 && rng.below(2) == 0 {
            let count = rng.below(4) as i32;
            v[0..4].copy_from_slice(&count.to_le_bytes());
            let size = v.len() as i32;
            v[4..8].copy_from_slice(&size.to_le_bytes());
        }
        decode_oop_maps(&v).is_ok()
    });
}

#[test]
fn dependency_decoder_never_panics() {
    let ok = sweep(5, 32, |b, _| decode_dependencies(b).is_ok());
    assert!(ok > 0);
}

#[test]
fn handler_and_nul_chk_decoders_never_panic() {
    sweep(6, 64, |b, _| decode_handler_table(b).is_ok());
    sweep(7, 64, |b, rng| {
        let mut v = b.to_vec();
        if v.len() >= 4 && rng.below(2) == 0 {
            let len = rng.below(8) as u32;
            v[0..4].copy_from_slice(&len.to_le_bytes());
        }
        decode_nul_chk_table(&v).is_ok()
    });
}

#[test]
fn decode_all_never_panics_on_mutated_nmethods() {
    let base = crate::decode::tests::sample_nmethod();
    decode_all(&base).expect("the sample decodes");
    let mut rng = XorShift::new(8);
    let mut failures = 0;
    for _ in 0..ROUNDS / 4 {
        let mut c: CapturedNmethod = base.clone();
        // Flip a few bytes in one or two sections, keeping lengths (so validation passes).
        for _ in 0..=rng.below(2) {
            let section: &mut Vec<u8> = match rng.below(7) {
                0 => &mut c.relocations,
                1 => &mut c.scopes_data,
                2 => &mut c.scopes_pcs,
                3 => &mut c.oop_maps,
                4 => &mut c.dependencies,
                5 => &mut c.handler_table,
                _ => &mut c.nul_chk_table,
            };
            if !section.is_empty() {
                for _ in 0..=rng.below(3) {
                    let at = rng.below(section.len());
                    section[at] = rng.next_u64() as u8;
                }
            }
        }
        if let Err(e) = decode_all(&c) {
            // Every error must render, naming where it happened.
            assert!(!e.to_string().is_empty());
            let _: &Error = &e;
            failures += 1;
        }
    }
    assert!(failures > 0, "mutations should be caught at least sometimes");
}
