//! Merging one replica's profile of a method into the fleet's: pure functions, no I/O.
//!
//! Profile deltas carry what a replica observed *since its previous delta*, so merging is
//! addition: counters add, branch and switch counts add, receiver-type rows merge by class.
//! Like HotSpot's `TypeProfileWidth`, only the `receiver_rows` most frequent classes are kept
//! per site; for a virtual call the counts of the rows that fall off go to the polymorphic
//! remainder (`count`), so the site's total stays right. All additions saturate.

use jitfleet_transport::profile::{BciProfile, MethodData, MethodProfile, ProfileData, ReceiverRow};

/// How much detail the merged profile keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MergeLimits {
    /// Receiver-type rows kept per site (HotSpot keeps `TypeProfileWidth`, 2 by default; the
    /// server keeps a few more so that a later shift in the mix is still visible).
    pub receiver_rows: usize,
    /// Profile cells kept per method; cells beyond this are ignored (a bound on memory).
    pub max_cells: usize,
}

impl Default for MergeLimits {
    fn default() -> Self {
        Self { receiver_rows: 8, max_cells: 4096 }
    }
}

/// What a merge could not combine.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MergeReport {
    /// Cells at one bci whose kinds differ between replicas (the existing cell is kept).
    pub conflicting_cells: u32,
    /// Cells ignored because the method already has `max_cells`.
    pub dropped_cells: u32,
}

impl MergeReport {
    /// Adds another report's figures to this one.
    pub fn absorb(&mut self, other: MergeReport) {
        self.conflicting_cells = self.conflicting_cells.saturating_add(other.conflicting_cells);
        self.dropped_cells = self.dropped_cells.saturating_add(other.dropped_cells);
    }
}

/// Adds `delta` (the same method, from one replica) into `merged`.
pub fn merge_method(merged: &mut MethodProfile, delta: &MethodProfile, limits: MergeLimits) -> MergeReport {
    debug_assert_eq!(merged.method, delta.method, "only profiles of one method are merged");
    merged.counters.invocations = merged.counters.invocations.saturating_add(delta.counters.invocations);
    merged.counters.backedges = merged.counters.backedges.saturating_add(delta.counters.backedges);
    merged.highest_tier = merged.highest_tier.max(delta.highest_tier);
    merged.code_size = merged.code_size.max(delta.code_size);
    let Some(incoming) = &delta.method_data else { return MergeReport::default() };
    match &mut merged.method_data {
        Some(existing) => merge_method_data(existing, incoming, limits),
        None => {
            let mut fresh = MethodData { cells: Vec::new(), ..incoming.clone() };
            let report = merge_cells(&mut fresh.cells, &incoming.cells, limits);
            merged.method_data = Some(fresh);
            report
        }
    }
}

/// A profile fit to be the first entry of a fleet: `delta` normalised through the same rules.
pub fn first_profile(delta: &MethodProfile, limits: MergeLimits) -> (MethodProfile, MergeReport) {
    let mut merged = MethodProfile { method_data: None, counters: Default::default(), highest_tier: 0, code_size: 0, ..delta.clone() };
    let report = merge_method(&mut merged, delta, limits);
    (merged, report)
}

fn merge_method_data(merged: &mut MethodData, delta: &MethodData, limits: MergeLimits) -> MergeReport {
    merged.invocations = merged.invocations.saturating_add(delta.invocations);
    merged.backedges = merged.backedges.saturating_add(delta.backedges);
    merged.decompiles = merged.decompiles.saturating_add(delta.decompiles);
    merge_cells(&mut merged.cells, &delta.cells, limits)
}

/// Merges cells by bci; `merged` stays sorted by bci.
fn merge_cells(merged: &mut Vec<BciProfile>, delta: &[BciProfile], limits: MergeLimits) -> MergeReport {
    let mut report = MergeReport::default();
    for cell in delta {
        match merged.binary_search_by_key(&cell.bci, |c| c.bci) {
            Ok(at) => {
                if !merge_data(&mut merged[at].data, &cell.data, limits) {
                    report.conflicting_cells += 1;
                }
            }
            Err(_) if merged.len() >= limits.max_cells => report.dropped_cells += 1,
            Err(at) => {
                let mut data = empty_like(&cell.data);
                merge_data(&mut data, &cell.data, limits);
                merged.insert(at, BciProfile { bci: cell.bci, data });
            }
        }
    }
    report
}

/// A cell of the same kind with nothing counted yet.
fn empty_like(data: &ProfileData) -> ProfileData {
    match data {
        ProfileData::Bit { .. } => ProfileData::Bit { null_seen: false },
        ProfileData::Counter { .. } => ProfileData::Counter { count: 0 },
        ProfileData::Jump { .. } => ProfileData::Jump { taken: 0 },
        ProfileData::Branch { .. } => ProfileData::Branch { taken: 0, not_taken: 0 },
        ProfileData::Receivers { virtual_call, .. } => {
            ProfileData::Receivers { virtual_call: *virtual_call, null_seen: false, count: 0, rows: Vec::new() }
        }
        ProfileData::Ret { .. } => ProfileData::Ret { count: 0 },
        ProfileData::MultiBranch { .. } => ProfileData::MultiBranch { default: 0, cases: Vec::new() },
        ProfileData::Other { tag } => ProfileData::Other { tag: *tag },
    }
}

/// Adds `delta` into `merged`; `false` (and no change) when the cells are of different kinds.
fn merge_data(merged: &mut ProfileData, delta: &ProfileData, limits: MergeLimits) -> bool {
    use ProfileData as P;
    match (merged, delta) {
        (P::Bit { null_seen }, P::Bit { null_seen: seen }) => *null_seen |= *seen,
        (P::Counter { count }, P::Counter { count: more })
        | (P::Jump { taken: count }, P::Jump { taken: more })
        | (P::Ret { count }, P::Ret { count: more }) => add(count, *more),
        (P::Branch { taken, not_taken }, P::Branch { taken: t, not_taken: n }) => {
            add(taken, *t);
            add(not_taken, *n);
        }
        (P::MultiBranch { default, cases }, P::MultiBranch { default: d, cases: more }) => {
            add(default, *d);
            if cases.len() < more.len() {
                cases.resize(more.len(), 0);
            }
            for (case, extra) in cases.iter_mut().zip(more) {
                add(case, *extra);
            }
        }
        (
            P::Receivers { virtual_call, null_seen, count, rows },
            P::Receivers { virtual_call: v, null_seen: n, count: c, rows: more },
        ) if *virtual_call == *v => {
            *null_seen |= *n;
            add(count, *c);
            merge_receiver_rows(rows, count, *virtual_call, more, limits.receiver_rows);
        }
        (P::Other { tag }, P::Other { tag: t }) if tag == t => {}
        _ => return false,
    }
    true
}

/// Merges rows by class, keeps the `width` most frequent (ties by class name, for a
/// deterministic result), and for virtual calls moves the rest into the remainder `count`.
fn merge_receiver_rows(rows: &mut Vec<ReceiverRow>, count: &mut u64, virtual_call: bool, more: &[ReceiverRow], width: usize) {
    for row in more {
        match rows.iter_mut().find(|existing| existing.class == row.class) {
            Some(existing) => add(&mut existing.count, row.count),
            None => rows.push(row.clone()),
        }
    }
    rows.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.class.cmp(&b.class)));
    if rows.len() > width {
        let overflow = rows.drain(width..).fold(0u64, |sum, row| sum.saturating_add(row.count));
        // For type checks `count` is already the site total, which includes the dropped rows.
        if virtual_call {
            add(count, overflow);
        }
    }
}

fn add(total: &mut u64, more: u64) {
    *total = total.saturating_add(more);
}

#[cfg(test)]
mod tests {
    use super::*;
    use jitfleet_transport::profile::{ClassId, Counters, LoaderId, MethodId};

    fn method(cells: Vec<BciProfile>, invocations: u64) -> MethodProfile {
        MethodProfile {
            method: MethodId {
                class: ClassId { name: "shop/Cart".into(), loader: LoaderId::Boot, bytes_hash: Some([1; 32]) },
                name: "total".into(),
                descriptor: "()J".into(),
            },
            counters: Counters { invocations, backedges: invocations / 2 },
            method_data: Some(MethodData { invocations: 1, backedges: 2, decompiles: 0, cells }),
            highest_tier: 3,
            code_size: 40,
        }
    }

    fn receivers(count: u64, rows: &[(&str, u64)]) -> ProfileData {
        ProfileData::Receivers {
            virtual_call: true,
            null_seen: false,
            count,
            rows: rows.iter().map(|(class, count)| ReceiverRow { class: (*class).into(), count: *count }).collect(),
        }
    }

    #[test]
    fn receiver_rows_merge_by_class_and_the_overflow_goes_to_the_remainder() {
        let limits = MergeLimits { receiver_rows: 2, ..MergeLimits::default() };
        let a = method(vec![BciProfile { bci: 7, data: receivers(5, &[("A", 100), ("B", 10)]) }], 1000);
        let b = method(vec![BciProfile { bci: 7, data: receivers(1, &[("C", 60), ("B", 40)]) }], 500);
        let (mut merged, _) = first_profile(&a, limits);
        let report = merge_method(&mut merged, &b, limits);
        assert_eq!(report, MergeReport::default());
        assert_eq!(merged.counters.invocations, 1500);
        assert_eq!(merged.counters.backedges, 750);
        let cells = &merged.method_data.as_ref().unwrap().cells;
        // A=100, C=60 kept; B=50 overflows into the remainder 5+1.
        assert_eq!(cells[0].data, receivers(56, &[("A", 100), ("C", 60)]));
    }

    #[test]
    fn branches_switches_and_counters_add_and_cells_stay_sorted() {
        let limits = MergeLimits::default();
        let a = method(
            vec![
                BciProfile { bci: 3, data: ProfileData::Branch { taken: 90, not_taken: 10 } },
                BciProfile { bci: 20, data: ProfileData::MultiBranch { default: 1, cases: vec![2, 3] } },
            ],
            10,
        );
        let b = method(
            vec![
                BciProfile { bci: 1, data: ProfileData::Counter { count: 4 } },
                BciProfile { bci: 3, data: ProfileData::Branch { taken: 10, not_taken: 30 } },
                BciProfile { bci: 20, data: ProfileData::MultiBranch { default: 5, cases: vec![1, 1, 7] } },
            ],
            10,
        );
        let (mut merged, _) = first_profile(&a, limits);
        merge_method(&mut merged, &b, limits);
        let data = merged.method_data.unwrap();
        assert_eq!((data.invocations, data.backedges), (2, 4));
        let bcis: Vec<u32> = data.cells.iter().map(|c| c.bci).collect();
        assert_eq!(bcis, vec![1, 3, 20]);
        assert_eq!(data.cells[1].data, ProfileData::Branch { taken: 100, not_taken: 40 });
        assert_eq!(data.cells[2].data, ProfileData::MultiBranch { default: 6, cases: vec![3, 4, 7] });
    }

    #[test]
    fn cells_of_different_kinds_at_one_bci_are_a_counted_conflict() {
        let limits = MergeLimits::default();
        let a = method(vec![BciProfile { bci: 3, data: ProfileData::Branch { taken: 1, not_taken: 1 } }], 1);
        let b = method(vec![BciProfile { bci: 3, data: ProfileData::Jump { taken: 9 } }], 1);
        let (mut merged, _) = first_profile(&a, limits);
        assert_eq!(merge_method(&mut merged, &b, limits).conflicting_cells, 1);
        assert_eq!(merged.method_data.unwrap().cells[0].data, ProfileData::Branch { taken: 1, not_taken: 1 });
    }

    #[test]
    fn counts_saturate_instead_of_wrapping() {
        let limits = MergeLimits::default();
        let a = method(vec![BciProfile { bci: 0, data: ProfileData::Jump { taken: u64::MAX - 1 } }], u64::MAX - 1);
        let (mut merged, _) = first_profile(&a, limits);
        merge_method(&mut merged, &a, limits);
        assert_eq!(merged.counters.invocations, u64::MAX);
        assert_eq!(merged.method_data.unwrap().cells[0].data, ProfileData::Jump { taken: u64::MAX });
    }

    #[test]
    fn first_profile_trims_rows_too() {
        let limits = MergeLimits { receiver_rows: 1, ..MergeLimits::default() };
        let a = method(vec![BciProfile { bci: 7, data: receivers(0, &[("A", 3), ("B", 9)]) }], 1);
        let (merged, _) = first_profile(&a, limits);
        assert_eq!(merged.method_data.unwrap().cells[0].data, receivers(3, &[("B", 9)]));
    }
}
