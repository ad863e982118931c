//! A self-check of the relocation decoder against the machine code: every relocation names an
//! instruction, and that instruction must be what the relocation says it is. Run at capture on
//! every nmethod, so that a relocation decoder that drifted from HotSpot (a wrong offset, a
//! misread format) is caught on real code instead of producing a portable nmethod whose
//! symbols sit on the wrong bytes.
//!
//! What is checked (instructions decoded with iced-x86, independent of the hand-written byte
//! matching in the translation):
//! - Java calls (`virtual_call`, `opt_virtual_call`, `static_call`) sit on a near `call rel32`;
//!   a virtual call's inline-cache load is a `mov rax, imm64`.
//! - A `runtime_call` sits on a call or jump (direct or conditional rel32, or through a
//!   register), or on a `mov r64, imm64` directly followed by `call`/`jmp` through that register.
//! - An `oop` or `metadata` relocation with a table index sits on an instruction whose operand
//!   (64-bit immediate, a 32-bit immediate, or a narrow oop / narrow klass immediate encoded with
//!   this JVM's base and shift) equals the table entry plus the relocation's offset. Index 0
//!   ("the value is only in the instruction") has nothing to compare with and is not counted.
//!
//! Pure: bytes in, a report out; any input gives a report, never a panic.

use crate::layout::CapturedNmethod;
use crate::reloc::{OperandFormat, RelocKind, Relocation};
use crate::section::ContentOffset;
use crate::DecodedNmethod;
use iced_x86::{Code, Decoder, DecoderOptions, FlowControl, Instruction, OpKind, Register};

/// How this JVM compresses oops and class pointers: narrow operands are compared after
/// encoding the table entry the same way (`(value - base) >> shift`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NarrowEncoding {
    pub oop_base: u64,
    pub oop_shift: u32,
    pub klass_base: u64,
    pub klass_shift: u32,
}

/// One relocation that does not match its instruction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Where the relocation points, from content begin.
    pub offset: ContentOffset,
    /// What was wrong, with the instruction found there.
    pub detail: String,
}

/// The outcome of [`check_relocations`] on one nmethod.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RelocCheck {
    /// Relocations whose instruction was checked (calls, and oop/metadata with a table index).
    pub checked: usize,
    pub violations: Vec<Violation>,
}

/// Checks every call, oop and metadata relocation of `decoded` against the instructions of
/// `captured` (consts, insts and stubs, which lie back to back from content begin).
pub fn check_relocations(captured: &CapturedNmethod, decoded: &DecodedNmethod, narrow: &NarrowEncoding) -> RelocCheck {
    let content: Vec<u8> = [&captured.consts[..], &captured.insts[..], &captured.stubs[..]].concat();
    check(&content, &captured.oops, &captured.metadata, &decoded.relocations, narrow)
}

/// [`check_relocations`] over the content bytes and tables.
fn check(content: &[u8], oops: &[u64], metadata: &[u64], relocations: &[Relocation], narrow: &NarrowEncoding) -> RelocCheck {
    let mut report = RelocCheck::default();
    for r in relocations {
        let outcome = match &r.kind {
            RelocKind::VirtualCall { cached_value, .. } => {
                let call = expect_java_call(content, r);
                let ic = cached_value.map_or(Ok(()), |at| expect_ic_load(content, at));
                Some(call.and(ic))
            }
            RelocKind::OptVirtualCall { .. } | RelocKind::StaticCall { .. } => Some(expect_java_call(content, r)),
            RelocKind::RuntimeCall => Some(expect_runtime_call(content, r)),
            RelocKind::Oop { index, offset } => index.slot().map(|slot| {
                let entry = oops.get(slot).copied();
                expect_value(content, r, "oop", entry, *offset, narrow.oop_base, narrow.oop_shift)
            }),
            RelocKind::Metadata { index, offset } => index.slot().map(|slot| {
                let entry = metadata.get(slot).copied();
                expect_value(content, r, "metadata", entry, *offset, narrow.klass_base, narrow.klass_shift)
            }),
            _ => None,
        };
        if let Some(result) = outcome {
            report.checked += 1;
            if let Err(detail) = result {
                report.violations.push(Violation { offset: r.offset, detail });
            }
        }
    }
    report
}

/// The instruction at content offset `at`, decoded with `ip = at` (so rel32 targets come out
/// as content offsets); `None` when the bytes there are not a valid instruction.
fn instruction_at(content: &[u8], at: u32) -> Option<Instruction> {
    let bytes = content.get(at as usize..)?;
    let mut decoder = Decoder::with_ip(64, bytes, u64::from(at), DecoderOptions::NONE);
    let instruction = decoder.decode();
    (!instruction.is_invalid()).then_some(instruction)
}

fn describe(i: &Instruction) -> String {
    format!("{:?} ({} bytes)", i.code(), i.len())
}

fn at_or_invalid(content: &[u8], r: &Relocation, what: &str) -> Result<Instruction, String> {
    instruction_at(content, r.offset.0).ok_or_else(|| format!("{what} relocation {:?} on bytes that are not an instruction", r.kind))
}

/// A Java call: `call rel32` (E8), the only form the inline-cache and static-call machinery
/// patches.
fn expect_java_call(content: &[u8], r: &Relocation) -> Result<(), String> {
    let i = at_or_invalid(content, r, "Java call")?;
    if i.code() == Code::Call_rel32_64 {
        Ok(())
    } else {
        Err(format!("Java call relocation on {}, not a call rel32", describe(&i)))
    }
}

/// The inline-cache load of a virtual call: `mov rax, imm64`.
fn expect_ic_load(content: &[u8], at: ContentOffset) -> Result<(), String> {
    match instruction_at(content, at.0) {
        Some(i) if i.code() == Code::Mov_r64_imm64 && i.op0_register() == Register::RAX => Ok(()),
        Some(i) => Err(format!("inline-cache load at {} is {}, not mov rax, imm64", at.0, describe(&i))),
        None => Err(format!("inline-cache load at {} is not an instruction", at.0)),
    }
}

/// A runtime call: a direct or indirect call or jump, or `mov r, imm64` then `call/jmp r`.
fn expect_runtime_call(content: &[u8], r: &Relocation) -> Result<(), String> {
    let i = at_or_invalid(content, r, "runtime call")?;
    match i.flow_control() {
        FlowControl::Call | FlowControl::UnconditionalBranch | FlowControl::ConditionalBranch | FlowControl::IndirectCall | FlowControl::IndirectBranch => {
            return Ok(())
        }
        _ => {}
    }
    if i.code() == Code::Mov_r64_imm64 {
        let register = i.op0_register();
        let next = instruction_at(content, r.offset.0.saturating_add(i.len() as u32));
        if let Some(n) = next {
            let through_register = n.op_count() == 1 && n.op0_kind() == OpKind::Register && n.op0_register() == register;
            if matches!(n.flow_control(), FlowControl::IndirectCall | FlowControl::IndirectBranch) && through_register {
                return Ok(());
            }
            return Err(format!("runtime call relocation on mov {register:?}, imm64 followed by {}, not a call through {register:?}", describe(&n)));
        }
    }
    Err(format!("runtime call relocation on {}, not a call or jump", describe(&i)))
}

/// An oop or metadata operand: the instruction must carry the table entry (plus offset) as a
/// 64-bit immediate, a sign-extended 32-bit immediate or displacement, or — narrow format —
/// its compressed form as a 32-bit immediate.
fn expect_value(content: &[u8], r: &Relocation, what: &str, entry: Option<u64>, offset: i32, base: u64, shift: u32) -> Result<(), String> {
    let Some(entry) = entry else {
        return Err(format!("{what} relocation {:?} names a slot past the table", r.kind));
    };
    let i = at_or_invalid(content, r, what)?;
    let expected = entry.wrapping_add(offset as i64 as u64);
    let operands = operand_values(&i);
    let found = match r.format {
        OperandFormat::NarrowOop => {
            let narrow = expected.wrapping_sub(base).checked_shr(shift).unwrap_or(0) as u32;
            operands.iter().any(|&v| v as u32 == narrow && (v >> 32 == 0 || v as i64 == i64::from(narrow as i32)))
        }
        OperandFormat::Immediate | OperandFormat::Disp32 => operands.contains(&expected),
        OperandFormat::Call32 => false,
    };
    if found {
        Ok(())
    } else {
        Err(format!("{what} relocation ({:?} format) expects {expected:#x} but {} carries {operands:x?}", r.format, describe(&i)))
    }
}

/// Every immediate and memory displacement of an instruction, as 64-bit values
/// (sign-extended where the CPU sign-extends; a 32-bit immediate also zero-extended, for
/// 32-bit operand sizes).
fn operand_values(i: &Instruction) -> Vec<u64> {
    let mut values = Vec::new();
    for op in 0..i.op_count() {
        match i.op_kind(op) {
            OpKind::Immediate64 => values.push(i.immediate64()),
            OpKind::Immediate32 => values.push(u64::from(i.immediate32())),
            OpKind::Immediate32to64 => values.push(i.immediate32to64() as u64),
            OpKind::Memory if i.memory_displ_size() >= 4 && !i.is_ip_rel_memory_operand() => values.push(i.memory_displacement64()),
            _ => {}
        }
    }
    values
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reloc::RelocKind;
    use crate::section::{CodeSection, MetadataIndex, OopIndex};

    fn reloc(at: u32, format: OperandFormat, kind: RelocKind) -> Relocation {
        Relocation { offset: ContentOffset(at), section: CodeSection::Insts, offset_in_section: at, format, kind, data: Vec::new(), record_offset: 0 }
    }

    // mov rax, 0x1122334455667788 ; call rel32 0 ; mov r10, 0x7f00_0000_1000 ; call r10 ; cmp dword [rsi+8], 0x1234
    const CODE: &[u8] = &[
        0x48, 0xB8, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, // 0: mov rax, imm64
        0xE8, 0x00, 0x00, 0x00, 0x00, // 10: call rel32
        0x49, 0xBA, 0x00, 0x10, 0x00, 0x00, 0x00, 0x7F, 0x00, 0x00, // 15: mov r10, imm64
        0x41, 0xFF, 0xD2, // 25: call r10
        0x81, 0x7E, 0x08, 0x34, 0x12, 0x00, 0x00, // 28: cmp dword [rsi+8], 0x1234
    ];

    #[test]
    fn matching_relocations_pass() {
        let narrow = NarrowEncoding { klass_base: 0x8_0000_0000, klass_shift: 3, ..Default::default() };
        let relocations = vec![
            reloc(0, OperandFormat::Immediate, RelocKind::Oop { index: OopIndex(1), offset: 0 }),
            reloc(10, OperandFormat::Call32, RelocKind::VirtualCall { cached_value: Some(ContentOffset(0)), method_index: MetadataIndex(0) }),
            reloc(15, OperandFormat::Immediate, RelocKind::RuntimeCall),
            reloc(28, OperandFormat::NarrowOop, RelocKind::Metadata { index: MetadataIndex(1), offset: 0 }),
        ];
        let klass = 0x8_0000_0000 + (0x1234 << 3);
        let report = check(CODE, &[0x1122334455667788], &[klass], &relocations, &narrow);
        assert_eq!(report.violations, vec![]);
        assert_eq!(report.checked, 4);
    }

    #[test]
    fn misplaced_relocations_are_violations() {
        let relocations = vec![
            // an oop whose table entry differs from the immediate
            reloc(0, OperandFormat::Immediate, RelocKind::Oop { index: OopIndex(1), offset: 0 }),
            // a Java call on the movabs
            reloc(15, OperandFormat::Call32, RelocKind::StaticCall { method_index: MetadataIndex(0) }),
            // a runtime call on a cmp
            reloc(28, OperandFormat::Call32, RelocKind::RuntimeCall),
            // a metadata slot past the table
            reloc(28, OperandFormat::NarrowOop, RelocKind::Metadata { index: MetadataIndex(5), offset: 0 }),
            // past the end of the code
            reloc(400, OperandFormat::Call32, RelocKind::StaticCall { method_index: MetadataIndex(0) }),
        ];
        let report = check(CODE, &[0xdead], &[], &relocations, &NarrowEncoding::default());
        assert_eq!(report.checked, 5);
        assert_eq!(report.violations.len(), 5, "{:#?}", report.violations);
        assert!(report.violations[0].detail.contains("expects 0xdead"), "{}", report.violations[0].detail);
    }

    #[test]
    fn index_zero_values_live_only_in_the_code_and_are_not_counted() {
        let relocations = vec![reloc(0, OperandFormat::Immediate, RelocKind::Oop { index: OopIndex(0), offset: 0 })];
        assert_eq!(check(CODE, &[], &[], &relocations, &NarrowEncoding::default()), RelocCheck::default());
    }

    #[test]
    fn arbitrary_bytes_and_relocations_never_panic() {
        // A small LCG: deterministic, no dependency.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 33) as u32
        };
        for _ in 0..2000 {
            let len = next() % 64;
            let code: Vec<u8> = (0..len).map(|_| next() as u8).collect();
            let at = next() % 80;
            let format = [OperandFormat::Immediate, OperandFormat::Disp32, OperandFormat::Call32, OperandFormat::NarrowOop][(next() % 4) as usize];
            let kind = match next() % 5 {
                0 => RelocKind::Oop { index: OopIndex(next() % 3), offset: next() as i32 },
                1 => RelocKind::Metadata { index: MetadataIndex(next() % 3), offset: 0 },
                2 => RelocKind::RuntimeCall,
                3 => RelocKind::VirtualCall { cached_value: Some(ContentOffset(next() % 80)), method_index: MetadataIndex(0) },
                _ => RelocKind::StaticCall { method_index: MetadataIndex(0) },
            };
            let narrow = NarrowEncoding { oop_base: u64::from(next()), oop_shift: next() % 70, klass_base: u64::MAX, klass_shift: 63 };
            let report = check(&code, &[u64::MAX, 0], &[1], &[reloc(at, format, kind)], &narrow);
            assert!(report.violations.len() <= report.checked);
        }
    }
}
