//! `decode_all` on a whole nmethod cut from arbitrary bytes: the first 11 bytes give the
//! lengths of the sections (so the layout is consistent and validation lets the decoders
//! run), the rest is their content. Whatever decodes also goes through the relocation
//! self-check, as at capture.
#![no_main]
use jitfleet_relocator::relocheck::{check_relocations, NarrowEncoding};
use jitfleet_relocator::{decode_all, CapturedNmethod, NmethodLayout};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() < 11 {
        return;
    }
    let (lens, mut rest) = data.split_at(11);
    let mut take = |len: u8, unit: usize| -> Vec<u8> {
        let n = (usize::from(len) * unit).min(rest.len() / unit * unit);
        let (head, tail) = rest.split_at(n);
        rest = tail;
        head.to_vec()
    };
    let relocations = take(lens[0], 2);
    let consts = take(lens[1] % 16, 8);
    let insts = take(lens[2].max(1), 1);
    let stubs = take(lens[3].max(1), 1);
    let oops = take(lens[4] % 8, 8);
    let metadata = take(lens[5] % 8, 8);
    let scopes_data = take(lens[6], 1);
    let scopes_pcs = take(lens[7] % 16, 16);
    let dependencies = take(lens[8], 1);
    let handler_table = take(lens[9], 1);
    let nul_chk_table = take(lens[10], 1);
    let oop_maps = rest.to_vec();

    let mut at = 352u32;
    let mut next = |len: usize| {
        let begin = at;
        at += len as u32;
        begin
    };
    let relocation_begin = next(relocations.len());
    let consts_offset = next(consts.len());
    let code_offset = next(insts.len());
    let stub_offset = next(stubs.len());
    let oops_offset = next(oops.len());
    let metadata_offset = next(metadata.len());
    let scopes_data_offset = next(scopes_data.len());
    let scopes_pcs_offset = next(scopes_pcs.len());
    let dependencies_offset = next(dependencies.len());
    let handler_table_offset = next(handler_table.len());
    let nul_chk_table_offset = next(nul_chk_table.len());
    let end = next(0);
    let slots = |b: &[u8]| -> Vec<u64> {
        b.chunks_exact(8).map(|c| u64::from_le_bytes(c.try_into().unwrap_or([0; 8]))).collect()
    };
    let captured = CapturedNmethod {
        layout: NmethodLayout {
            size: end,
            header_size: 352,
            relocation_begin,
            relocation_end: consts_offset,
            consts_offset,
            code_offset,
            stub_offset,
            oops_offset,
            metadata_offset,
            scopes_data_offset,
            scopes_pcs_offset,
            dependencies_offset,
            native_invokers_offset: handler_table_offset,
            handler_table_offset,
            nul_chk_table_offset,
            nul_chk_table_end: end,
            entry_point: code_offset,
            verified_entry_point: code_offset,
            osr_entry_point: code_offset,
            exception_offset: stub_offset,
            deopt_handler_offset: stub_offset,
            deopt_mh_handler_offset: None,
            frame_complete_offset: 0,
            frame_size_words: 0,
            orig_pc_offset: 0,
            comp_level: 4,
            entry_bci: -1,
        },
        header_address: 0x7f00_0000_0000,
        relocations,
        consts,
        insts,
        stubs,
        oops: slots(&oops),
        metadata: slots(&metadata),
        scopes_data,
        scopes_pcs,
        dependencies,
        handler_table,
        nul_chk_table,
        oop_maps,
    };
    if let Ok(decoded) = decode_all(&captured) {
        let narrow = NarrowEncoding { oop_base: 0, oop_shift: 3, klass_base: 0x8_0000_0000, klass_shift: 0 };
        let report = check_relocations(&captured, &decoded, &narrow);
        assert!(report.violations.len() <= report.checked);
    }
});
