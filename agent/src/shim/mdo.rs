//! Decoding a copied `MethodData` (MDO): the per-bci profile HotSpot's interpreter and C1 tier 3
//! code fill in, which C2 reads when it compiles.
//!
//! Layout (HotSpot 17, `oops/methodData.hpp`): the MDO header, then from `_data[0]`:
//!
//! 1. the **data section** (`_data_size` bytes): one record per profiled bytecode, in bci order;
//! 2. the **extra data section** up to the parameters record (or the end): trap records
//!    (`BitData` whose header carries the trap state), `SpeculativeTrapData` (JVMCI/C2
//!    speculation failures, one cell: the `Method*`), unused `no_tag` slots, and last an
//!    `ArgInfoData` (one "modified" bit set per argument);
//! 3. optionally, at `_parameters_type_data_di`, a `ParametersTypeData`.
//!
//! Every record starts with a one-cell header (tag u8, flags u8, bci u16, trap state u32) followed
//! by `cell_count` cells of `cell_size` (8) bytes. A record's cell count follows from its tag and,
//! for variable records, from a length cell inside the record — see [`cell_count`]. This module
//! is pure: it decodes bytes and never reads VM memory; klass pointers come out as plain numbers
//! for the caller to resolve to names.

use super::bytes::{i32_at, u16_at, u32_at, u64_at, u8_at};
use super::counters::{decode_counter, CounterValue};
use super::error::ShimError;
use super::layout::DataLayoutTags;

/// Upper bound on a variable record's array length (a tableswitch has at most a few thousand
/// cases; anything larger is a torn or bogus copy).
const MAX_ARRAY_LEN: u64 = 1 << 16;

/// `TypeEntries` status bits in a type cell (methodData.hpp): bit 0 null seen, bit 1 the type
/// is unknown (conflicting types were seen); the rest is the `Klass*`.
const TYPE_NULL_SEEN: u64 = 1;
const TYPE_UNKNOWN: u64 = 2;

/// Where things sit inside a copied MDO, and the VM-wide numbers that size records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MdoOffsets {
    pub size: usize,
    pub data_size: usize,
    pub data: usize,
    pub parameters_type_data_di: usize,
    pub invocation_counter: Option<usize>,
    pub backedge_counter: Option<usize>,
    pub decompiles: Option<usize>,
    pub overflow_recompiles: Option<usize>,
    pub overflow_traps: Option<usize>,
    pub count_shift: u32,
    pub header_tag: usize,
    pub header_flags: usize,
    pub header_bci: usize,
    pub header_traps: usize,
    /// Offset of the first cell from the record start (= header size, one cell).
    pub cells: usize,
    pub cell_size: usize,
    pub tags: DataLayoutTags,
    /// `INCLUDE_JVMCI`: ReceiverTypeData has a `nonprofiled_count` cell before its rows.
    pub jvmci_build: bool,
    pub type_profile_width: u32,
    pub bci_profile_width: u32,
}

/// A type seen at a call's argument or return, or at a method parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeProfile {
    /// Interpreter stack slot of the argument (absent for return types).
    pub stack_slot: Option<u32>,
    /// The single `Klass*` seen so far (0: none yet, or `type_unknown`). An identity only, valid
    /// while the class is loaded; never dereferenced after the snapshot.
    pub klass: u64,
    pub klass_name: Option<String>,
    pub null_seen: bool,
    /// More than one type was seen: the profile is polluted, and `klass` (if non-zero) is
    /// just one of the types seen — not a prediction.
    pub type_unknown: bool,
}

/// One receiver-type row: a class and how many times it was seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiverRow {
    pub klass: u64,
    pub klass_name: Option<String>,
    pub count: u64,
}

/// A receiver-type profile (`ReceiverTypeData`/`VirtualCallData`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiverProfile {
    /// For a virtual call: calls whose receiver class found no free row (the polymorphic
    /// remainder). For checkcast/instanceof/aastore: decremented on failed checks.
    pub count: i64,
    /// JVMCI builds only: type-check overflows (`nonprofiled_count`).
    pub nonprofiled_count: Option<u64>,
    /// The non-empty rows, in row order (`TypeProfileWidth` rows exist).
    pub rows: Vec<ReceiverRow>,
}

/// One `RetData` row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetRow {
    pub bci: i32,
    pub count: u64,
    pub displacement: i32,
}

/// The decoded body of one profile record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProfileEntry {
    /// Flags only (e.g. `null_seen` for a checkcast without type profile, or a trap record).
    Bit,
    /// How many times the bytecode ran (invokestatic/invokespecial...). Clamped to i32.
    Counter { count: i64 },
    /// goto/jsr: times taken.
    Jump { taken: u64, displacement: i32 },
    /// Conditional branch: times taken / not taken.
    Branch { taken: u64, not_taken: u64, displacement: i32 },
    /// checkcast/instanceof/aastore type profile.
    ReceiverType(ReceiverProfile),
    /// invokevirtual/invokeinterface receiver profile.
    VirtualCall(ReceiverProfile),
    /// `ret` targets.
    Ret { count: i64, rows: Vec<RetRow> },
    /// tableswitch/lookupswitch: default count and one count per case.
    MultiBranch { default_count: u64, default_displacement: i32, cases: Vec<(u64, i32)> },
    /// Which arguments the method modifies (a bit set per argument).
    ArgInfo { modified: Vec<u64> },
    /// invokestatic/invokespecial/invokedynamic with argument/return type profiling.
    CallType { count: i64, args: Vec<TypeProfile>, ret: Option<TypeProfile> },
    /// invokevirtual/invokeinterface with receiver rows and argument/return type profiling.
    VirtualCallType { receiver: ReceiverProfile, args: Vec<TypeProfile>, ret: Option<TypeProfile> },
    /// Types of the method's own parameters on entry.
    ParametersType { parameters: Vec<TypeProfile> },
    /// A failed speculation recorded against `method` (a `Method*`, identity only).
    SpeculativeTrap { method: u64 },
}

/// One profile record: header plus body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileRecord {
    pub bci: u16,
    /// Header flag bits; bit 0 is `null_seen`, bit 1 `exception_seen` (BitData).
    pub flags: u8,
    /// Per-bci trap history (`DataLayout::trap_state`): reasons and a recompile bit.
    pub trap_state: u32,
    pub entry: ProfileEntry,
}

impl ProfileRecord {
    pub fn null_seen(&self) -> bool {
        self.flags & 1 != 0
    }
}

/// A decoded MDO.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MdoSnapshot {
    /// Entries counted in the MDO since it was created (interpreter and tier 3; see
    /// [`super::counters`]). `None` if the offsets are unknown for this VM.
    pub invocations: Option<CounterValue>,
    pub backedges: Option<CounterValue>,
    pub decompiles: Option<u32>,
    pub overflow_recompiles: Option<u32>,
    pub overflow_traps: Option<u32>,
    /// The data section, one record per profiled bytecode, in bci order.
    pub entries: Vec<ProfileRecord>,
    /// Trap and speculation records from the extra data section.
    pub extra: Vec<ProfileRecord>,
    /// The `ArgInfoData` from the extra data section.
    pub arg_info: Option<Vec<u64>>,
    /// The `ParametersTypeData`, if parameter types are profiled.
    pub parameters: Option<Vec<TypeProfile>>,
    /// Why decoding stopped before the end, if it did (the records before it are valid).
    pub truncated: Option<String>,
}

impl MdoSnapshot {
    /// The first data-section record at `bci`.
    pub fn at_bci(&self, bci: u16) -> Option<&ProfileRecord> {
        self.entries.iter().find(|r| r.bci == bci)
    }

    /// Every klass identity that appears, for name resolution.
    pub fn klasses(&self) -> Vec<u64> {
        let mut out = Vec::new();
        self.clone().visit_klasses_mut(&mut |k, _| out.push(k));
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Fills `klass_name` of every row and type entry from `resolve`.
    pub fn resolve_klass_names(&mut self, mut resolve: impl FnMut(u64) -> Option<String>) {
        self.visit_klasses_mut(&mut |k, name| *name = resolve(k));
    }

    fn visit_klasses_mut(&mut self, f: &mut dyn FnMut(u64, &mut Option<String>)) {
        fn types(ts: &mut [TypeProfile], f: &mut dyn FnMut(u64, &mut Option<String>)) {
            for t in ts.iter_mut().filter(|t| t.klass != 0) {
                f(t.klass, &mut t.klass_name);
            }
        }
        fn receiver(r: &mut ReceiverProfile, f: &mut dyn FnMut(u64, &mut Option<String>)) {
            for row in r.rows.iter_mut() {
                f(row.klass, &mut row.klass_name);
            }
        }
        for rec in self.entries.iter_mut() {
            match &mut rec.entry {
                ProfileEntry::ReceiverType(r) | ProfileEntry::VirtualCall(r) => receiver(r, f),
                ProfileEntry::CallType { args, ret, .. } => {
                    types(args, f);
                    types(ret.as_mut_slice(), f);
                }
                ProfileEntry::VirtualCallType { receiver: r, args, ret } => {
                    receiver(r, f);
                    types(args, f);
                    types(ret.as_mut_slice(), f);
                }
                _ => {}
            }
        }
        if let Some(p) = &mut self.parameters {
            types(p, f);
        }
    }
}

/// A record's cells, borrowed from the copy, with bounds-checked access.
struct Cells<'a> {
    buf: &'a [u8],
    cell_size: usize,
}

impl Cells<'_> {
    fn len(&self) -> usize {
        self.buf.len() / self.cell_size
    }
    fn intptr(&self, i: usize) -> Option<i64> {
        u64_at(self.buf, i.checked_mul(self.cell_size)?).map(|v| v as i64)
    }
    /// `ProfileData::uint_at`: the low 32 bits of the cell.
    fn uint(&self, i: usize) -> Option<u64> {
        u32_at(self.buf, i.checked_mul(self.cell_size)?).map(u64::from)
    }
    /// `ProfileData::int_at`.
    fn int(&self, i: usize) -> Option<i32> {
        i32_at(self.buf, i.checked_mul(self.cell_size)?)
    }
    /// `CounterData::count`: the cell clamped to the `jint` range.
    fn clamped_count(&self, i: usize) -> Option<i64> {
        self.intptr(i).map(|v| v.clamp(i64::from(i32::MIN), i64::from(i32::MAX)))
    }
    fn type_entry(&self, i: usize, stack_slot: Option<u32>) -> Option<TypeProfile> {
        let v = self.intptr(i)? as u64;
        Some(TypeProfile {
            stack_slot,
            klass: v & !(TYPE_NULL_SEEN | TYPE_UNKNOWN),
            klass_name: None,
            null_seen: v & TYPE_NULL_SEEN != 0,
            type_unknown: v & TYPE_UNKNOWN != 0,
        })
    }
}

/// How many cells follow the header of the record whose cells start at `cells` (which may
/// extend past the record: only the length cells are looked at). `None` for an unknown tag or a
/// length cell out of range.
pub fn cell_count(o: &MdoOffsets, tag: u8, cells: &[u8]) -> Option<usize> {
    let t = &o.tags;
    let c = Cells { buf: cells, cell_size: o.cell_size };
    let receiver_cells = 1 + usize::from(o.jvmci_build) + 2 * o.type_profile_width as usize;
    let array_len = |i: usize| -> Option<usize> {
        let n = c.int(i)?;
        (n >= 0 && (n as u64) <= MAX_ARRAY_LEN).then_some(n as usize)
    };
    Some(match tag {
        x if x == t.no_tag || x == t.bit_data => 0,
        x if x == t.counter_data => 1,
        x if x == t.jump_data => 2,
        x if x == t.branch_data => 3,
        x if x == t.receiver_type_data || x == t.virtual_call_data => receiver_cells,
        x if x == t.ret_data => 1 + 3 * o.bci_profile_width as usize,
        x if x == t.multi_branch_data || x == t.arg_info_data || x == t.parameters_type_data => 1 + array_len(0)?,
        x if x == t.call_type_data => 2 + array_len(1)?,
        x if x == t.virtual_call_type_data => receiver_cells + 1 + array_len(receiver_cells)?,
        x if x == t.speculative_trap_data => 1,
        _ => return None,
    })
}

fn decode_receiver(o: &MdoOffsets, c: &Cells) -> Option<ReceiverProfile> {
    let first_row = 1 + usize::from(o.jvmci_build);
    let mut rows = Vec::new();
    for row in 0..o.type_profile_width as usize {
        let klass = c.intptr(first_row + 2 * row)? as u64;
        let count = c.uint(first_row + 2 * row + 1)?;
        if klass != 0 {
            rows.push(ReceiverRow { klass, klass_name: None, count });
        }
    }
    Some(ReceiverProfile {
        count: c.clamped_count(0)?,
        nonprofiled_count: if o.jvmci_build { Some(c.uint(1)?) } else { None },
        rows,
    })
}

/// `TypeEntriesAtCall`: starting at `header` (the cell holding the number of cells that
/// follow), `n / 2` (stack slot, type) pairs, then one return type cell if `n` is odd.
fn decode_call_types(c: &Cells, header: usize) -> Option<(Vec<TypeProfile>, Option<TypeProfile>)> {
    let n = c.int(header)?.max(0) as usize;
    let mut args = Vec::new();
    for i in 0..n / 2 {
        let slot = c.uint(header + 1 + 2 * i)? as u32;
        args.push(c.type_entry(header + 2 + 2 * i, Some(slot))?);
    }
    let ret = if n & 1 == 1 { Some(c.type_entry(header + n, None)?) } else { None };
    Some((args, ret))
}

fn decode_parameters(c: &Cells) -> Option<Vec<TypeProfile>> {
    let len = c.int(0)?.max(0) as usize;
    (0..len / 2).map(|i| c.type_entry(2 + 2 * i, Some(c.uint(1 + 2 * i)? as u32))).collect()
}

/// Decodes the body of a record with tag `tag` from its cells.
fn decode_entry(o: &MdoOffsets, tag: u8, c: &Cells) -> Option<ProfileEntry> {
    let t = &o.tags;
    Some(match tag {
        x if x == t.bit_data || x == t.no_tag => ProfileEntry::Bit,
        x if x == t.counter_data => ProfileEntry::Counter { count: c.clamped_count(0)? },
        x if x == t.jump_data => ProfileEntry::Jump { taken: c.uint(0)?, displacement: c.int(1)? },
        x if x == t.branch_data => {
            ProfileEntry::Branch { taken: c.uint(0)?, displacement: c.int(1)?, not_taken: c.uint(2)? }
        }
        x if x == t.receiver_type_data => ProfileEntry::ReceiverType(decode_receiver(o, c)?),
        x if x == t.virtual_call_data => ProfileEntry::VirtualCall(decode_receiver(o, c)?),
        x if x == t.ret_data => {
            let rows = (0..o.bci_profile_width as usize)
                .map(|r| Some(RetRow { bci: c.int(1 + 3 * r)?, count: c.uint(2 + 3 * r)?, displacement: c.int(3 + 3 * r)? }))
                .collect::<Option<Vec<_>>>()?;
            ProfileEntry::Ret { count: c.clamped_count(0)?, rows }
        }
        x if x == t.multi_branch_data => {
            // ArrayData: [len][default count][default displacement][(count, displacement)*]
            let len = c.int(0)?.max(0) as usize;
            let cases = (0..len.saturating_sub(2) / 2)
                .map(|i| Some((c.uint(3 + 2 * i)?, c.int(4 + 2 * i)?)))
                .collect::<Option<Vec<_>>>()?;
            ProfileEntry::MultiBranch { default_count: c.uint(1)?, default_displacement: c.int(2)?, cases }
        }
        x if x == t.arg_info_data => {
            let len = c.int(0)?.max(0) as usize;
            ProfileEntry::ArgInfo { modified: (0..len).map(|i| c.uint(1 + i)).collect::<Option<Vec<_>>>()? }
        }
        x if x == t.call_type_data => {
            let (args, ret) = decode_call_types(c, 1)?;
            ProfileEntry::CallType { count: c.clamped_count(0)?, args, ret }
        }
        x if x == t.virtual_call_type_data => {
            let receiver_cells = 1 + usize::from(o.jvmci_build) + 2 * o.type_profile_width as usize;
            let (args, ret) = decode_call_types(c, receiver_cells)?;
            ProfileEntry::VirtualCallType { receiver: decode_receiver(o, c)?, args, ret }
        }
        x if x == t.parameters_type_data => ProfileEntry::ParametersType { parameters: decode_parameters(c)? },
        x if x == t.speculative_trap_data => ProfileEntry::SpeculativeTrap { method: c.intptr(0)? as u64 },
        _ => return None,
    })
}

/// A record decoded at some position of the data area, and its total size in bytes.
struct Decoded {
    tag: u8,
    record: ProfileRecord,
    size: usize,
}

/// Decodes the record at `pos` (relative to `_data[0]`) whose cells must end by `limit`.
fn decode_record_at(o: &MdoOffsets, data: &[u8], pos: usize, limit: usize) -> Result<Decoded, ShimError> {
    let bad = |reason| ShimError::BadMethodData { reason, offset: pos };
    let rec = data.get(pos..limit).ok_or_else(|| bad("record outside the data area"))?;
    let tag = u8_at(rec, o.header_tag).ok_or_else(|| bad("truncated header"))?;
    let cells_buf = rec.get(o.cells..).ok_or_else(|| bad("truncated header"))?;
    let n = cell_count(o, tag, cells_buf).ok_or_else(|| bad("unknown tag or bad length cell"))?;
    let size = o.cells + n * o.cell_size;
    let cells = Cells { buf: rec.get(o.cells..size).ok_or_else(|| bad("record runs past the end"))?, cell_size: o.cell_size };
    debug_assert_eq!(cells.len(), n);
    let entry = decode_entry(o, tag, &cells).ok_or_else(|| bad("undecodable record body"))?;
    let record = ProfileRecord {
        bci: u16_at(rec, o.header_bci).ok_or_else(|| bad("truncated header"))?,
        flags: u8_at(rec, o.header_flags).ok_or_else(|| bad("truncated header"))?,
        trap_state: u32_at(rec, o.header_traps).ok_or_else(|| bad("truncated header"))?,
        entry,
    };
    Ok(Decoded { tag, record, size })
}

/// Decodes a copy of a whole MDO (`MethodData::_size` bytes from its start).
///
/// Never fails: a problem stops the walk and is reported in `truncated`; what was decoded
/// before it is kept. The copy was made while other threads update the counts, so counts are a
/// racy snapshot (each cell is read whole, never torn, since the copy preserves alignment).
pub fn decode_mdo(o: &MdoOffsets, mdo: &[u8]) -> MdoSnapshot {
    let counter = |off: Option<usize>| off.and_then(|off| u32_at(mdo, off)).map(|raw| decode_counter(raw, o.count_shift));
    let mut snap = MdoSnapshot {
        invocations: counter(o.invocation_counter),
        backedges: counter(o.backedge_counter),
        decompiles: o.decompiles.and_then(|off| u32_at(mdo, off)),
        overflow_recompiles: o.overflow_recompiles.and_then(|off| u32_at(mdo, off)),
        overflow_traps: o.overflow_traps.and_then(|off| u32_at(mdo, off)),
        ..Default::default()
    };
    let Some(data) = mdo.get(o.data..) else {
        snap.truncated = Some(format!("MDO copy of {} bytes ends before _data at {}", mdo.len(), o.data));
        return snap;
    };
    let data_size = i32_at(mdo, o.data_size).unwrap_or(-1);
    if data_size < 0 || data_size as usize > data.len() || o.cell_size == 0 {
        snap.truncated = Some(format!("_data_size {data_size} does not fit the {}-byte data area", data.len()));
        return snap;
    }
    let data_size = data_size as usize;
    // Where the extra section ends: at the parameters record if there is one.
    let params_di = i32_at(mdo, o.parameters_type_data_di).unwrap_or(-1);
    let extra_limit = if params_di >= 0 && (params_di as usize) >= data_size && (params_di as usize) < data.len() {
        params_di as usize
    } else {
        data.len()
    };

    // 1. the data section
    let mut pos = 0;
    while pos < data_size {
        match decode_record_at(o, data, pos, data_size) {
            Ok(d) if d.tag == o.tags.no_tag => {
                snap.truncated = Some(format!("no_tag record in the data section at {pos}"));
                return snap;
            }
            // HotSpot lays the records out in strictly increasing bci order; a repeat or a step
            // back means our cell counts disagree with this VM's (a desynchronised walk).
            Ok(d) if snap.entries.last().is_some_and(|last| last.bci >= d.record.bci) => {
                snap.truncated = Some(format!("bci {} out of order at {pos}: record sizes disagree with this VM", d.record.bci));
                return snap;
            }
            Ok(d) => {
                snap.entries.push(d.record);
                pos += d.size;
            }
            Err(e) => {
                snap.truncated = Some(e.to_string());
                return snap;
            }
        }
    }

    // 2. the extra data section
    let mut pos = data_size;
    while pos < extra_limit {
        match decode_record_at(o, data, pos, extra_limit) {
            Ok(d) if d.tag == o.tags.arg_info_data => {
                if let ProfileEntry::ArgInfo { modified } = d.record.entry {
                    snap.arg_info = Some(modified);
                }
                break; // ArgInfoData is the last extra record
            }
            Ok(d) if d.tag == o.tags.no_tag => pos += d.size, // free slot
            Ok(d) if d.tag == o.tags.bit_data || d.tag == o.tags.speculative_trap_data => {
                snap.extra.push(d.record);
                pos += d.size;
            }
            Ok(_) => {
                snap.truncated = Some(format!("unexpected record in the extra data section at {pos}"));
                break;
            }
            Err(e) => {
                snap.truncated = Some(e.to_string());
                break;
            }
        }
    }

    // 3. parameter types
    if params_di >= 0 && extra_limit < data.len() {
        match decode_record_at(o, data, extra_limit, data.len()) {
            Ok(Decoded { record: ProfileRecord { entry: ProfileEntry::ParametersType { parameters }, .. }, .. }) => {
                snap.parameters = Some(parameters);
            }
            Ok(_) => snap.truncated = Some(format!("_parameters_type_data_di {params_di} is not a ParametersTypeData")),
            Err(e) => snap.truncated = Some(e.to_string()),
        }
    }
    snap
}

#[cfg(test)]
mod tests;
