//! VMReg numbers on x86-64 (`cpu/x86/register_x86.hpp/.cpp`, `vmreg_x86.inline.hpp`,
//! `code/vmreg.cpp`): what register or stack slot an oop map value or a register Location
//! names.
//!
//! General register `n` (in encoding order rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi, r8..r15) is
//! VMReg `2n` (`2n + 1` its upper half); then 8 x87 registers × 2 slots; then 32 XMM
//! registers × 16 four-byte slots; then 8 mask registers × 2; then the flags. `stack0`, the
//! first stack slot, is that count (577) rounded up to 8: 584, also exported by vmStructs as
//! `VMRegImpl::stack0`. Stack VMRegs count 4-byte slots up from the frame's SP.

use serde::{Deserialize, Serialize};

/// `max_gpr`: 16 general registers × 2 slots.
const MAX_GPR: u32 = 32;
/// `max_fpr`: plus 8 x87 registers × 2 slots.
const MAX_FPR: u32 = MAX_GPR + 16;
/// `max_xmm`: plus 32 XMM registers × 16 slots.
const MAX_XMM: u32 = MAX_FPR + 32 * 16;
/// `max_kpr`: plus 8 mask registers × 2 slots.
const MAX_KPR: u32 = MAX_XMM + 8 * 2;
/// `VMRegImpl::stack0` on x86-64 HotSpot 17 (observed on Debian's 17 too). Prefer the value
/// read from vmStructs when the caller has it.
pub const STACK0_X86_64: u32 = (MAX_KPR + 1 + 7) & !7;

/// Names of the general registers by encoding.
pub const GPR_NAMES: [&str; 16] = [
    "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
];

/// What a VMReg number names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum VmRegKind {
    /// A general register by encoding (0 = rax ... 15 = r15); `high` for its upper 32 bits.
    Gpr { encoding: u8, high: bool },
    /// An x87 register slot (unused by C2 on x86-64).
    X87 { encoding: u8, high: bool },
    /// A 4-byte slot of an XMM/YMM/ZMM register.
    Xmm { encoding: u8, slot: u8 },
    /// An AVX-512 mask register slot.
    Mask { encoding: u8, high: bool },
    /// The flags register.
    Flags,
    /// Between the flags and `stack0`: never a valid register.
    Invalid,
    /// A stack slot `offset` bytes above the SP.
    Stack { offset: u32 },
}

/// Classifies a VMReg number, given `stack0` (normally [`STACK0_X86_64`]).
pub fn classify(vmreg: u32, stack0: u32) -> VmRegKind {
    if vmreg >= stack0 {
        return VmRegKind::Stack { offset: (vmreg - stack0).saturating_mul(4) };
    }
    let pair = |base: u32| ((vmreg - base) / 2) as u8;
    let high = vmreg % 2 == 1;
    if vmreg < MAX_GPR {
        VmRegKind::Gpr { encoding: pair(0), high }
    } else if vmreg < MAX_FPR {
        VmRegKind::X87 { encoding: pair(MAX_GPR), high }
    } else if vmreg < MAX_XMM {
        VmRegKind::Xmm { encoding: ((vmreg - MAX_FPR) / 16) as u8, slot: ((vmreg - MAX_FPR) % 16) as u8 }
    } else if vmreg < MAX_KPR {
        VmRegKind::Mask { encoding: pair(MAX_XMM), high }
    } else if vmreg == MAX_KPR {
        VmRegKind::Flags
    } else {
        VmRegKind::Invalid
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stack0_matches_the_observed_value() {
        assert_eq!(STACK0_X86_64, 584);
    }

    #[test]
    fn classification_follows_register_x86() {
        let s = STACK0_X86_64;
        assert_eq!(classify(0, s), VmRegKind::Gpr { encoding: 0, high: false });
        assert_eq!(classify(13, s), VmRegKind::Gpr { encoding: 6, high: true }); // rsi.hi
        assert_eq!(GPR_NAMES[6], "rsi");
        assert_eq!(classify(31, s), VmRegKind::Gpr { encoding: 15, high: true });
        assert_eq!(classify(32, s), VmRegKind::X87 { encoding: 0, high: false });
        assert_eq!(classify(48, s), VmRegKind::Xmm { encoding: 0, slot: 0 });
        assert_eq!(classify(48 + 16 * 3 + 1, s), VmRegKind::Xmm { encoding: 3, slot: 1 });
        assert_eq!(classify(560, s), VmRegKind::Mask { encoding: 0, high: false });
        assert_eq!(classify(576, s), VmRegKind::Flags);
        assert_eq!(classify(580, s), VmRegKind::Invalid);
        assert_eq!(classify(584, s), VmRegKind::Stack { offset: 0 });
        assert_eq!(classify(590, s), VmRegKind::Stack { offset: 24 });
    }
}
