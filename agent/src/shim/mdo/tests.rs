//! MDO walks over hand-built MethodData images laid out as HotSpot 17 lays them out.

use super::*;

/// The 17 tag numbers (methodData.hpp `DataLayout` enum order).
fn tags() -> DataLayoutTags {
    DataLayoutTags {
        no_tag: 0,
        bit_data: 1,
        counter_data: 2,
        jump_data: 3,
        receiver_type_data: 4,
        virtual_call_data: 5,
        ret_data: 6,
        branch_data: 7,
        multi_branch_data: 8,
        arg_info_data: 9,
        call_type_data: 10,
        virtual_call_type_data: 11,
        parameters_type_data: 12,
        speculative_trap_data: 13,
    }
}

const DATA: usize = 0x100;

fn offsets(jvmci: bool) -> MdoOffsets {
    MdoOffsets {
        size: 0x10,
        data_size: 0x14,
        data: DATA,
        parameters_type_data_di: 0x18,
        invocation_counter: Some(0x20),
        backedge_counter: Some(0x24),
        decompiles: Some(0x28),
        overflow_recompiles: None,
        overflow_traps: None,
        count_shift: 1,
        header_tag: 0,
        header_flags: 1,
        header_bci: 2,
        header_traps: 4,
        cells: 8,
        cell_size: 8,
        tags: tags(),
        jvmci_build: jvmci,
        type_profile_width: 2,
        bci_profile_width: 2,
    }
}

/// Builds an MDO image record by record.
struct Image {
    head: Vec<u8>,
    data: Vec<u8>,
}

impl Image {
    fn new() -> Self {
        Self { head: vec![0; DATA], data: Vec::new() }
    }
    fn record(&mut self, tag: u8, flags: u8, bci: u16, traps: u32, cells: &[i64]) -> &mut Self {
        self.data.push(tag);
        self.data.push(flags);
        self.data.extend_from_slice(&bci.to_ne_bytes());
        self.data.extend_from_slice(&traps.to_ne_bytes());
        for c in cells {
            self.data.extend_from_slice(&c.to_ne_bytes());
        }
        self
    }
    fn put_i32(&mut self, off: usize, v: i32) -> &mut Self {
        self.head[off..off + 4].copy_from_slice(&v.to_ne_bytes());
        self
    }
    fn bytes(&self) -> Vec<u8> {
        let mut v = self.head.clone();
        v.extend_from_slice(&self.data);
        v
    }
}

const KLASS_A: i64 = 0x7f00_0000_1000;
const KLASS_B: i64 = 0x7f00_0000_2000;

#[test]
fn walks_every_record_kind_in_the_data_section() {
    let o = offsets(true);
    let mut img = Image::new();
    img.put_i32(0x20, 1000 << 1).put_i32(0x24, (77 << 1) | 1).put_i32(0x28, 3);
    img.record(1, 1, 0, 0, &[]) // BitData, null_seen
        .record(2, 0, 3, 0, &[42]) // CounterData
        .record(7, 0, 8, 0, &[900, 12, 100]) // BranchData: taken, displacement, not_taken
        .record(3, 0, 11, 0, &[5, -20]) // JumpData
        // VirtualCallData (JVMCI): count, nonprofiled, rows (klass, count) x 2
        .record(5, 0, 15, 0, &[7, 0, KLASS_A, 750, KLASS_B, 250])
        .record(4, 0, 20, 0, &[-1, 2, KLASS_B, 9, 0, 0]) // ReceiverTypeData, one row
        .record(6, 0, 25, 0, &[4, 30, 3, 8, -1, 0, 0]) // RetData: count, (bci, count, disp) x 2
        // MultiBranchData: len=6: default (count, disp), 2 cases
        .record(8, 0, 30, 0, &[6, 11, 40, 22, 44, 33, 48]);
    let data_size = img.data.len() as i32;
    img.put_i32(0x14, data_size).put_i32(0x18, -2);
    img.record(9, 0, 0, 0, &[2, 1, 0]); // ArgInfoData in the extra section

    let snap = decode_mdo(&o, &img.bytes());
    assert_eq!(snap.truncated, None);
    assert_eq!(snap.invocations.map(|c| c.count), Some(1000));
    assert_eq!(snap.backedges.map(|c| (c.count, c.overflowed)), Some((77, true)));
    assert_eq!(snap.decompiles, Some(3));
    assert_eq!(snap.entries.len(), 8);
    assert!(snap.entries[0].null_seen());
    assert_eq!(snap.at_bci(3).unwrap().entry, ProfileEntry::Counter { count: 42 });
    assert_eq!(snap.at_bci(8).unwrap().entry, ProfileEntry::Branch { taken: 900, not_taken: 100, displacement: 12 });
    assert_eq!(snap.at_bci(11).unwrap().entry, ProfileEntry::Jump { taken: 5, displacement: -20 });
    let ProfileEntry::VirtualCall(r) = &snap.at_bci(15).unwrap().entry else { panic!("not a VirtualCall") };
    assert_eq!(r.count, 7);
    assert_eq!(r.nonprofiled_count, Some(0));
    assert_eq!(r.rows.iter().map(|r| (r.klass, r.count)).collect::<Vec<_>>(), vec![(KLASS_A as u64, 750), (KLASS_B as u64, 250)]);
    let ProfileEntry::ReceiverType(r) = &snap.at_bci(20).unwrap().entry else { panic!("not a ReceiverType") };
    assert_eq!((r.count, r.nonprofiled_count, r.rows.len()), (-1, Some(2), 1));
    let ProfileEntry::Ret { count, rows } = &snap.at_bci(25).unwrap().entry else { panic!("not Ret") };
    assert_eq!(*count, 4);
    assert_eq!(rows[0], RetRow { bci: 30, count: 3, displacement: 8 });
    assert_eq!(rows[1].bci, -1);
    assert_eq!(
        snap.at_bci(30).unwrap().entry,
        ProfileEntry::MultiBranch { default_count: 11, default_displacement: 40, cases: vec![(22, 44), (33, 48)] }
    );
    assert_eq!(snap.arg_info, Some(vec![1, 0]));
    assert_eq!(snap.klasses(), vec![KLASS_A as u64, KLASS_B as u64]);
}

#[test]
fn non_jvmci_build_has_no_nonprofiled_cell() {
    let o = offsets(false);
    let mut img = Image::new();
    img.record(5, 0, 4, 0, &[3, KLASS_A, 30, KLASS_B, 10]);
    let n = img.data.len() as i32;
    img.put_i32(0x14, n).put_i32(0x18, -2);
    let snap = decode_mdo(&o, &img.bytes());
    assert_eq!(snap.truncated, None);
    let ProfileEntry::VirtualCall(r) = &snap.entries[0].entry else { panic!() };
    assert_eq!(r.nonprofiled_count, None);
    assert_eq!(r.rows.iter().map(|r| r.count).collect::<Vec<_>>(), vec![30, 10]);
}

#[test]
fn decodes_call_type_entries_extra_traps_and_parameters() {
    let o = offsets(true);
    let mut img = Image::new();
    // CallTypeData: count, n=3 (one arg + return), arg slot, arg type (null seen), return type
    img.record(10, 0, 2, 0, &[55, 3, 1, KLASS_A | 1, KLASS_B]);
    // VirtualCallTypeData: receiver cells (6), n=2 (one arg, no return), slot, type unknown
    img.record(11, 0, 9, 0, &[1, 0, KLASS_A, 10, 0, 0, 2, 0, 2]);
    let n = img.data.len() as i32;
    img.put_i32(0x14, n);
    img.record(1, 0, 9, 0x1_0000, &[]) // trap record
        .record(13, 0, 2, 5, &[0x7f00_0000_9000]) // speculative trap
        .record(0, 0, 0, 0, &[]) // free slot
        .record(9, 0, 0, 0, &[1, 0]); // ArgInfo
    let params_di = img.data.len() as i32;
    img.put_i32(0x18, params_di);
    img.record(12, 0, 0, 0, &[4, 0, KLASS_A, 1, TYPE_NULL_SEEN as i64]);

    let mut snap = decode_mdo(&o, &img.bytes());
    assert_eq!(snap.truncated, None);
    let ProfileEntry::CallType { count, args, ret } = &snap.entries[0].entry else { panic!("not CallType") };
    assert_eq!(*count, 55);
    assert_eq!(args.len(), 1);
    assert_eq!((args[0].stack_slot, args[0].klass, args[0].null_seen), (Some(1), KLASS_A as u64, true));
    assert_eq!(ret.as_ref().map(|r| r.klass), Some(KLASS_B as u64));
    let ProfileEntry::VirtualCallType { receiver, args, ret } = &snap.entries[1].entry else { panic!() };
    assert_eq!(receiver.rows.len(), 1);
    assert!(args[0].type_unknown);
    assert_eq!(args[0].klass, 0);
    assert!(ret.is_none());
    assert_eq!(snap.extra.len(), 2);
    assert_eq!(snap.extra[0].trap_state, 0x1_0000);
    assert_eq!(snap.extra[1].entry, ProfileEntry::SpeculativeTrap { method: 0x7f00_0000_9000 });
    assert_eq!(snap.arg_info, Some(vec![0]));
    let params = snap.parameters.as_ref().unwrap();
    assert_eq!(params.len(), 2);
    assert_eq!((params[1].stack_slot, params[1].klass, params[1].null_seen), (Some(1), 0, true));

    snap.resolve_klass_names(|k| Some(if k == KLASS_A as u64 { "A".into() } else { "B".into() }));
    let ProfileEntry::CallType { ret, .. } = &snap.entries[0].entry else { panic!() };
    assert_eq!(ret.as_ref().unwrap().klass_name.as_deref(), Some("B"));
}

#[test]
fn bad_input_truncates_instead_of_failing() {
    let o = offsets(true);
    // unknown tag 99 after one good record
    let mut img = Image::new();
    img.record(2, 0, 0, 0, &[1]).record(99, 0, 4, 0, &[0]);
    let n = img.data.len() as i32;
    img.put_i32(0x14, n).put_i32(0x18, -2);
    let snap = decode_mdo(&o, &img.bytes());
    assert_eq!(snap.entries.len(), 1);
    assert!(snap.truncated.as_deref().unwrap().contains("unknown tag"));

    // a multi-branch whose length cell runs past the end
    let mut img = Image::new();
    img.record(8, 0, 0, 0, &[1000, 0]);
    let n = img.data.len() as i32;
    img.put_i32(0x14, n).put_i32(0x18, -2);
    let snap = decode_mdo(&o, &img.bytes());
    assert!(snap.entries.is_empty());
    assert!(snap.truncated.is_some());

    // records out of bci order: the walk has lost step with the VM's record sizes
    let mut img = Image::new();
    img.record(2, 0, 9, 0, &[1]).record(2, 0, 4, 0, &[2]);
    let n = img.data.len() as i32;
    img.put_i32(0x14, n).put_i32(0x18, -2);
    let snap = decode_mdo(&o, &img.bytes());
    assert_eq!(snap.entries.len(), 1);
    assert!(snap.truncated.as_deref().unwrap().contains("out of order"));

    // _data_size larger than the copy; and a copy shorter than the header
    let mut img = Image::new();
    img.put_i32(0x14, 1 << 20);
    assert!(decode_mdo(&o, &img.bytes()).truncated.is_some());
    assert!(decode_mdo(&o, &[0u8; 8]).truncated.is_some());
}

/// A small deterministic generator (xorshift64*), so the test needs no dependency.
fn next(state: &mut u64) -> u64 {
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    state.wrapping_mul(0x2545_f491_4f6c_dd1d)
}

#[test]
fn random_and_mutated_images_never_panic() {
    let o = offsets(true);
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    // A valid image to mutate.
    let mut img = Image::new();
    img.record(10, 0, 2, 0, &[55, 3, 1, KLASS_A | 1, KLASS_B]).record(7, 0, 8, 0, &[900, 12, 100]);
    img.record(5, 0, 15, 0, &[7, 0, KLASS_A, 750, KLASS_B, 250]).record(8, 0, 30, 0, &[6, 11, 40, 22, 44, 33, 48]);
    let n = img.data.len() as i32;
    img.put_i32(0x14, n).put_i32(0x18, -2);
    let valid = img.bytes();
    assert_eq!(decode_mdo(&o, &valid).entries.len(), 4);
    for round in 0..5_000 {
        let mut bytes = valid.clone();
        for _ in 0..1 + round % 8 {
            let at = (next(&mut seed) as usize) % bytes.len();
            bytes[at] = next(&mut seed) as u8;
        }
        let cut = (next(&mut seed) as usize) % (bytes.len() + 1);
        let snap = decode_mdo(&o, &bytes[..cut.max(bytes.len() / 2)]);
        // Whatever was decoded must lie inside the copy: at most one record per header cell.
        assert!(snap.entries.len() <= bytes.len() / 8);
    }
    for len in [0usize, 7, 64, 300, 4096] {
        let bytes: Vec<u8> = (0..len).map(|_| next(&mut seed) as u8).collect();
        let _ = decode_mdo(&o, &bytes);
    }
}
