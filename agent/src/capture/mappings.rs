//! Could a 64-bit immediate of C2 code be an address of this (the donor) process? Decides
//! whether an unrelocated `movabs r, imm64` that is neither a known VM global nor a runtime
//! call target refuses the method (`raw_vm_address`) or is a data constant carried unchanged.
//!
//! Why "near a mapping of this process" is the rule. Everything C2 can embed as a raw
//! address points into memory HotSpot has reserved in this process, and HotSpot reserves
//! (`os::reserve_memory`, an `mmap` with `PROT_NONE` until committed) before it uses, so a
//! reservation shows in `/proc/self/maps` even where nothing is committed yet: the Java heap
//! (and a heap-based narrow oop base, which is the start of the heap reservation's no-access
//! prefix), the CDS archive and compressed class space (so the narrow klass base), metaspace,
//! the code cache, libjvm's text and data (stub routines, globals), the card table, C-heap
//! (`malloc`) arenas. Biased bases point outside their mapping: the card table's
//! `byte_map_base` is `byte_map - (heap_low >> card_shift)`, so it lies up to
//! `2^47 >> 9 = 256 GiB` below the table; other biased tables behave alike. Those C2 embeds are
//! the known VM globals (card table base, narrow klass base), recognised before this rule;
//! [`SLACK`] covers the rest within a few GiB (a 32 GiB compressed-oops heap biases a card
//! table by 64 MiB), and a value whose negation is near a mapping counts too
//! (`movabs r, -base; add r, x`). `Universe::non_oop_word()` (all ones) and the polling words
//! (read from the thread at run time in 17, never embedded) never reach this rule.
//!
//! A Java `long` constant (a mask, a large divisor's magic multiplier) far from every mapping
//! cannot be a pointer the code dereferences in this process, so the receiver gets the same
//! bits — which is what a constant means. The map is read once and cached; a value that is not
//! near the cached map is checked again against a fresh read, so a mapping created after the
//! first read (a new malloc arena, say) is never missed.

use std::sync::Mutex;

/// How far from a mapping (or from the negation of a value) an address may still lie.
pub const SLACK: u64 = 4 << 30;

/// One mapping `[start, end)` of the process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mapping {
    pub start: u64,
    pub end: u64,
}

/// The mappings of a `/proc/PID/maps` text (lines `start-end perms offset dev inode path`);
/// lines that do not parse are skipped (the kernel writes none).
pub fn parse_maps(text: &str) -> Vec<Mapping> {
    let mut out: Vec<Mapping> = text
        .lines()
        .filter_map(|line| {
            let range = line.split_whitespace().next()?;
            let (a, b) = range.split_once('-')?;
            let start = u64::from_str_radix(a, 16).ok()?;
            let end = u64::from_str_radix(b, 16).ok()?;
            (start < end).then_some(Mapping { start, end })
        })
        .collect();
    out.sort_by_key(|m| m.start);
    out
}

/// Whether `value` or its negation lies in a mapping or within [`SLACK`] of one.
pub fn near_mapping(value: u64, maps: &[Mapping]) -> bool {
    let near = |v: u64| maps.iter().any(|m| v >= m.start.saturating_sub(SLACK) && v < m.end.saturating_add(SLACK));
    near(value) || near(value.wrapping_neg())
}

/// The cached map of this process (empty until first asked).
static CACHED: Mutex<Vec<Mapping>> = Mutex::new(Vec::new());

/// Whether `value` may be an address of this process ([`near_mapping`]). When the map cannot
/// be read, every value may be one (the method is refused, never guessed).
pub fn may_be_address(value: u64) -> bool {
    let mut cached = CACHED.lock().unwrap_or_else(|e| e.into_inner());
    if !cached.is_empty() && near_mapping(value, &cached) {
        return true;
    }
    match std::fs::read_to_string("/proc/self/maps") {
        Ok(text) => {
            *cached = parse_maps(&text);
            cached.is_empty() || near_mapping(value, &cached)
        }
        Err(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAPS: &str = "\
00600000-00800000 rw-p 00000000 00:00 0
800000000-800c00000 rw-p 00001000 08:01 123 /usr/lib/jvm/java-17-openjdk-amd64/lib/server/classes.jsa
840000000-880000000 ---p 00000000 00:00 0
7f1234560000-7f1234580000 r-xp 00000000 08:01 456 /usr/lib/jvm/java-17-openjdk-amd64/lib/server/libjvm.so
7ffd00000000-7ffd00021000 rw-p 00000000 00:00 0 [stack]
garbage line
";

    #[test]
    fn maps_lines_parse_and_garbage_is_skipped() {
        let maps = parse_maps(MAPS);
        assert_eq!(maps.len(), 5);
        assert_eq!(maps[1], Mapping { start: 0x8_0000_0000, end: 0x8_00c0_0000 });
        assert_eq!(maps[4].end, 0x7ffd_0002_1000);
    }

    #[test]
    fn addresses_in_and_near_mappings_and_their_negations_may_be_addresses() {
        let maps = parse_maps(MAPS);
        // Inside libjvm, in the reserved (PROT_NONE) class space, the narrow klass base.
        assert!(near_mapping(0x7f12_3456_1000, &maps));
        assert!(near_mapping(0x8_4000_0000, &maps));
        // A biased base a few hundred MiB below a mapping, and a negated base.
        assert!(near_mapping(0x7f12_0000_0000, &maps));
        assert!(near_mapping(0x8_0000_0000u64.wrapping_neg(), &maps));
        // Just past a mapping's end (an end pointer).
        assert!(near_mapping(0x7ffd_0002_1000, &maps));
    }

    #[test]
    fn long_constants_far_from_every_mapping_are_data() {
        let maps = parse_maps(MAPS);
        // H2's MVStore masks (the refusals seen on H2) and a division's magic multiplier.
        for v in [0x1ff_ffff_ffffu64, 0x200_0000_0000, 0xff_ffff_ffff, 0x4000_0000_0000, 0x1ff_ffff_ffffu64.wrapping_neg()] {
            assert!(!near_mapping(v, &maps), "{v:#x}");
        }
        // Nothing mapped: nothing is near.
        assert!(!near_mapping(0x7f12_3456_1000, &[]));
    }

    #[test]
    fn this_process_own_code_and_heap_may_be_addresses() {
        let on_stack = 0u64;
        let heap = Box::new(0u64);
        assert!(may_be_address(&on_stack as *const u64 as u64));
        assert!(may_be_address(&*heap as *const u64 as u64));
        assert!(may_be_address(may_be_address as fn(u64) -> bool as usize as u64));
        assert!(!may_be_address(0x200_0000_0000) || parse_maps(&std::fs::read_to_string("/proc/self/maps").unwrap()).iter().any(|m| m.start < 0x210_0000_0000 && m.end > 0x1f0_0000_0000));
    }
}
