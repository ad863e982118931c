//! Fleet-wide profiles: one replica's deltas merged into what the whole fleet has seen.
//!
//! * [`merge`] — the pure merge rules (counters add, receiver rows merge by class).
//! * [`file`] — the crash-safe persisted form, reloaded at start.
//! * [`FleetProfile`] — one fleet's merged methods and the heat the push policy reads.

pub mod file;
pub mod merge;

use std::collections::HashMap;

use jitfleet_transport::compat::CompatKey;
use jitfleet_transport::profile::{MethodId, MethodProfile};

use merge::{MergeLimits, MergeReport};

/// The wire notation of a method, `Lpkg/Class;name(desc)`, as code uploads and catalogs name
/// methods: the link between profiles (which carry a [`MethodId`]) and code.
pub fn method_key(method: &MethodId) -> String {
    format!("L{};{}{}", method.class.name, method.name, method.descriptor)
}

/// How often a method ran fleet-wide: entries plus loop back-branches.
pub fn heat(profile: &MethodProfile) -> u64 {
    profile.counters.invocations.saturating_add(profile.counters.backedges)
}

/// What merging one delta did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeltaOutcome {
    /// Methods merged into existing entries or added.
    pub merged: u32,
    /// Methods refused because the fleet is at its method limit.
    pub refused: u32,
    /// Cells the merge could not combine.
    pub cells: MergeReport,
    /// Methods (wire notation) whose fleet-wide heat reached the threshold with this delta.
    pub crossed_threshold: Vec<String>,
}

/// One fleet's merged profile.
#[derive(Debug, Clone)]
pub struct FleetProfile {
    compat: CompatKey,
    methods: HashMap<MethodId, MethodProfile>,
    /// Heat by [`method_key`]: several `MethodId`s (e.g. different loaders) may share a key;
    /// their heat adds up.
    heat: HashMap<String, u64>,
    deltas_merged: u64,
}

impl FleetProfile {
    /// An empty profile for a fleet with this compat key.
    pub fn new(compat: CompatKey) -> Self {
        Self { compat, methods: HashMap::new(), heat: HashMap::new(), deltas_merged: 0 }
    }

    /// Rebuilds a fleet profile from its persisted form.
    pub fn from_persisted(persisted: file::PersistedFleet) -> Self {
        let mut profile = Self::new(persisted.compat);
        profile.deltas_merged = persisted.deltas_merged;
        for method in persisted.methods {
            *profile.heat.entry(method_key(&method.method)).or_default() += heat(&method);
            profile.methods.insert(method.method.clone(), method);
        }
        profile
    }

    /// The persisted form.
    pub fn to_persisted(&self, application: &str) -> file::PersistedFleet {
        file::PersistedFleet {
            application: application.to_owned(),
            compat: self.compat.clone(),
            deltas_merged: self.deltas_merged,
            methods: self.methods.values().cloned().collect(),
        }
    }

    /// Merges one replica's delta; new methods beyond `max_methods` are refused (counted).
    /// Methods whose heat rises from below `heat_threshold` to at or above it are reported,
    /// so that code held back by the push policy can be pushed now (a zero threshold reports
    /// nothing: everything is pushed anyway).
    pub fn apply(&mut self, methods: &[MethodProfile], limits: MergeLimits, max_methods: usize, heat_threshold: u64) -> DeltaOutcome {
        let mut outcome = DeltaOutcome::default();
        for delta in methods {
            let full = self.methods.len() >= max_methods;
            let report = match self.methods.get_mut(&delta.method) {
                Some(merged) => merge::merge_method(merged, delta, limits),
                None if full => {
                    outcome.refused += 1;
                    continue;
                }
                None => {
                    let (merged, report) = merge::first_profile(delta, limits);
                    self.methods.insert(delta.method.clone(), merged);
                    report
                }
            };
            let key = method_key(&delta.method);
            let heat = self.heat.entry(key.clone()).or_default();
            let before = *heat;
            *heat = heat.saturating_add(self::heat(delta));
            if heat_threshold > 0 && before < heat_threshold && *heat >= heat_threshold {
                outcome.crossed_threshold.push(key);
            }
            outcome.merged += 1;
            outcome.cells.absorb(report);
        }
        self.deltas_merged += 1;
        outcome
    }

    /// Fleet-wide heat of the method named in wire notation (0 if never profiled).
    pub fn heat_of(&self, method_key: &str) -> u64 {
        self.heat.get(method_key).copied().unwrap_or(0)
    }

    /// The merged profile of one method.
    pub fn method(&self, method: &MethodId) -> Option<&MethodProfile> {
        self.methods.get(method)
    }

    /// Number of distinct methods profiled.
    pub fn method_count(&self) -> usize {
        self.methods.len()
    }

    /// Deltas merged since the fleet was first seen.
    pub fn deltas_merged(&self) -> u64 {
        self.deltas_merged
    }

    /// The fleet's compat key.
    pub fn compat(&self) -> &CompatKey {
        &self.compat
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jitfleet_transport::wire::samples::{compat_key, method_profile};

    #[test]
    fn heat_follows_the_wire_name_and_survives_persistence() {
        let mut fleet = FleetProfile::new(compat_key());
        let method = method_profile();
        let key = method_key(&method.method);
        assert_eq!(key, "LFoo;bar(I)I");
        fleet.apply(std::slice::from_ref(&method), MergeLimits::default(), 10, 0);
        fleet.apply(std::slice::from_ref(&method), MergeLimits::default(), 10, 0);
        assert_eq!(fleet.heat_of(&key), 2 * heat(&method));
        let reloaded = FleetProfile::from_persisted(fleet.to_persisted("shop"));
        assert_eq!(reloaded.heat_of(&key), 2 * heat(&method));
        assert_eq!(reloaded.deltas_merged(), 2);
        assert_eq!(reloaded.method(&method.method), fleet.method(&method.method));
    }

    #[test]
    fn crossing_the_heat_threshold_is_reported_once() {
        let mut fleet = FleetProfile::new(compat_key());
        let method = method_profile();
        let one = heat(&method);
        let threshold = one * 2;
        let first = fleet.apply(std::slice::from_ref(&method), MergeLimits::default(), 10, threshold);
        assert!(first.crossed_threshold.is_empty());
        let second = fleet.apply(std::slice::from_ref(&method), MergeLimits::default(), 10, threshold);
        assert_eq!(second.crossed_threshold, vec![method_key(&method.method)]);
        let third = fleet.apply(std::slice::from_ref(&method), MergeLimits::default(), 10, threshold);
        assert!(third.crossed_threshold.is_empty());
    }

    #[test]
    fn new_methods_beyond_the_limit_are_refused() {
        let mut fleet = FleetProfile::new(compat_key());
        let first = method_profile();
        let mut second = method_profile();
        second.method.name = "other".into();
        let outcome = fleet.apply(&[first.clone(), second], MergeLimits::default(), 1, 0);
        assert_eq!((outcome.merged, outcome.refused), (1, 1));
        // Known methods still merge at the limit.
        assert_eq!(fleet.apply(&[first], MergeLimits::default(), 1, 0).merged, 1);
        assert_eq!(fleet.method_count(), 1);
    }
}
