//! HotSpot 17's invocation and back-edge counters, decoded from copied bytes.
//!
//! # What the counters count (HotSpot 17, x86-64)
//!
//! A counter is an `InvocationCounter`: one 32-bit word, `count << 1 | carry`
//! (`interpreter/invocationCounter.hpp`: `number_of_carry_bits = 1`, `count_increment = 2`).
//! The count is the word shifted right by one. The carry bit is sticky: it is set when the count
//! overflowed (`set_carry_on_overflow`), after which the count is no longer exact — read it as
//! "at least `count_limit` (2^30)".
//!
//! There are two places a method's counts live, and which one is incremented depends on the tier
//! the method currently runs in:
//!
//! * `MethodCounters` (allocated lazily, on the first invocation that needs it):
//!   `_invocation_counter` counts method entries and `_backedge_counter` taken loop back-edges
//!   while the method runs in the **interpreter without a MethodData** (tier 0 before profiling
//!   starts) and in **C1 tier 2** code (limited profile). With `-XX:-TieredCompilation` they
//!   count interpreter entries until the MethodData is created (at `InterpreterProfilePercentage`
//!   = 33% of `CompileThreshold` = 10000).
//! * `MethodData` (the MDO, created when the policy decides to profile: for a tier 3
//!   compilation, or in the interpreter once a method gets warm; with `-XX:-TieredCompilation`
//!   always in the interpreter): its own `_invocation_counter`/`_backedge_counter` count entries
//!   and back-edges **from the moment the MDO exists**, in the interpreter (once the MDO exists
//!   the interpreter increments the MDO's counters *instead of* the MethodCounters ones,
//!   `TemplateInterpreterGenerator::generate_counter_incr`) and in **C1 tier 3** code.
//! * **C2 (tier 4) and C1 tier 1 code count nothing.** Once a method is fully compiled its
//!   counters stop; the per-bci MDO data likewise stops changing except through deoptimisation.
//!
//! * **`-Xint` counts nothing**: the interpreter emits its counter increments only when a
//!   compiler exists (`inc_counter = UseCompiler || CountCompiledCalls || LogTouchedMethods` in
//!   `templateInterpreterGenerator_x86.cpp`), so no MethodCounters or MDO is ever allocated and
//!   snapshots show `counters: None, mdo: None`.
//! * **Trivial methods** (getters, constant returns) are compiled at tier 1 (C1, no profiling)
//!   soon after 200-odd calls and stop counting there.
//!
//! So for a method called N times: `MethodCounters.invocations + MDO.invocations == N` while it
//! runs only in tiers 0/2/3, and less than N once tier 1 or C2 code took over (the remaining calls
//! are not counted anywhere). Observed on Debian's 17.0.15 with `tests/java/ShimProbe.java`:
//!
//! | run | method called N times | MethodCounters | MDO |
//! |---|---|---|---|
//! | default (tiered), N=1000 | `calledNTimes` | 512 | 488 (sum 1000) |
//! | `-XX:-TieredCompilation`, N=1000 | `calledNTimes` | 1000 | none (MDO starts at 33% of `CompileThreshold`) |
//! | `-XX:-TieredCompilation`, N=5000 | `calledNTimes` | 1664 | 3336 (sum 5000) |
//! | `-Xint`, any N | any | none | none |
//!
//! In tiered mode the switch from MethodCounters to the MDO happens when the MDO is created
//! (the policy is notified every 128 calls, `Tier0InvokeNotifyFreqLog = 7`, and requests tier 3
//! past `Tier3InvocationThreshold = 200`); when exactly depends on compile-queue timing, so the
//! split varies from run to run (512/488 and 435/565 were seen for N=1000) — only the sum is
//! meaningful. The counts are read racily while threads increment them: a snapshot.
//!
//! **Decay and reset.** 17 no longer decays counters (the `UseCounterDecay` flag is still parsed
//! but the tiered `CompilationPolicy` of 17 never calls `InvocationCounter::decay`). Counters are
//! reset only by `MethodCounters::clear_counters` (WhiteBox, JVMCI `reprofile`) and the MDO's are
//! initialised to zero when an MDO is (re)created. Compilation does not reset them.

use super::bytes::{u16_at, u32_at};

/// One decoded `InvocationCounter` word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CounterValue {
    /// Number of increments (entries or back-edges), exact unless `overflowed`.
    pub count: u32,
    /// The sticky carry: the counter overflowed and `count` is a lower bound.
    pub overflowed: bool,
    /// The raw word as read, for diagnostics.
    pub raw: u32,
}

/// Decodes a counter word given the number of non-count bits (`count_shift`, 1 in 17).
pub fn decode_counter(raw: u32, count_shift: u32) -> CounterValue {
    let carry_mask = if count_shift == 0 { 0 } else { (1u32 << count_shift.min(31)) - 1 };
    CounterValue { count: raw.checked_shr(count_shift).unwrap_or(0), overflowed: raw & carry_mask != 0, raw }
}

/// A copy of a method's `MethodCounters`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CountersSnapshot {
    /// Method entries counted outside an MDO (see the module docs for which tiers).
    pub invocations: CounterValue,
    /// Loop back-edges taken, counted outside an MDO.
    pub backedges: CounterValue,
    /// Times the interpreter left this method by an exception (`_interpreter_throwout_count`).
    pub interpreter_throwouts: Option<u16>,
    /// Safepoint-sampled age used by nmethod sweeping (`_nmethod_age`).
    pub nmethod_age: Option<i32>,
    /// Notification masks: the policy is called every `mask + 1` increments (`Tier0InvokeNotifyFreqLog`...).
    pub invoke_mask: Option<i32>,
    pub backedge_mask: Option<i32>,
}

/// Where each field sits in a copied `MethodCounters`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CountersOffsets {
    pub invocation_counter: usize,
    pub backedge_counter: usize,
    pub counter_word: usize,
    pub count_shift: u32,
    pub nmethod_age: Option<usize>,
    pub interpreter_throwout_count: Option<usize>,
    pub invoke_mask: Option<usize>,
    pub backedge_mask: Option<usize>,
}

/// Decodes a copied `MethodCounters`. `None` if the buffer is too short for the counters.
pub fn decode_method_counters(buf: &[u8], o: &CountersOffsets) -> Option<CountersSnapshot> {
    let inv = u32_at(buf, o.invocation_counter + o.counter_word)?;
    let be = u32_at(buf, o.backedge_counter + o.counter_word)?;
    let i32_opt = |off: Option<usize>| off.and_then(|off| u32_at(buf, off)).map(|v| v as i32);
    Some(CountersSnapshot {
        invocations: decode_counter(inv, o.count_shift),
        backedges: decode_counter(be, o.count_shift),
        interpreter_throwouts: o.interpreter_throwout_count.and_then(|off| u16_at(buf, off)),
        nmethod_age: i32_opt(o.nmethod_age),
        invoke_mask: i32_opt(o.invoke_mask),
        backedge_mask: i32_opt(o.backedge_mask),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_shifted_count_and_carry() {
        assert_eq!(decode_counter(2 * 1000, 1), CounterValue { count: 1000, overflowed: false, raw: 2000 });
        let v = decode_counter((7 << 1) | 1, 1);
        assert_eq!((v.count, v.overflowed), (7, true));
        assert_eq!(decode_counter(u32::MAX, 1).count, u32::MAX >> 1);
        assert_eq!(decode_counter(5, 0), CounterValue { count: 5, overflowed: false, raw: 5 });
        assert_eq!(decode_counter(5, 40).count, 0);
    }

    #[test]
    fn decodes_method_counters_copy() {
        let mut buf = vec![0u8; 64];
        buf[8..12].copy_from_slice(&(123u32 << 1).to_ne_bytes());
        buf[12..16].copy_from_slice(&((45u32 << 1) | 1).to_ne_bytes());
        buf[20..22].copy_from_slice(&9u16.to_ne_bytes());
        buf[24..28].copy_from_slice(&(-1i32).to_ne_bytes());
        let o = CountersOffsets {
            invocation_counter: 8,
            backedge_counter: 12,
            counter_word: 0,
            count_shift: 1,
            nmethod_age: Some(24),
            interpreter_throwout_count: Some(20),
            invoke_mask: None,
            backedge_mask: None,
        };
        let s = decode_method_counters(&buf, &o).unwrap();
        assert_eq!(s.invocations.count, 123);
        assert!(!s.invocations.overflowed);
        assert_eq!(s.backedges.count, 45);
        assert!(s.backedges.overflowed);
        assert_eq!(s.interpreter_throwouts, Some(9));
        assert_eq!(s.nmethod_age, Some(-1));
        assert!(decode_method_counters(&buf[..10], &o).is_none());
    }
}
