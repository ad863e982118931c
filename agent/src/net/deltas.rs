//! Profile deltas for the server: an agent thread (`jitfleet-deltas`) takes a profile every
//! `profile_interval` (the same builder as the profile files) and queues what changed since
//! the previous one.
//!
//! The server merges by adding, so a delta must never repeat counts: counters are sent as
//! differences from the last delta; a method's `MethodData` cells go out once, the first time
//! the method is reported (the cumulative cells up to then are a delta from nothing), and not
//! again — later cell changes are not sent yet (subtracting receiver rows and switch counts is
//! future work). Methods whose counters did not move are left out.
//!
//! The server's `Policy` rules once it arrives: its `profile_interval_ms` replaces the
//! configured interval (0 pauses the deltas until another policy), and a delta carries at most
//! `max_methods_per_delta` methods, those that grew most; the others keep their growth for a
//! later delta, so nothing is lost, only delayed.

use super::NET;
use crate::jni::Jni;
use crate::lifecycle::Agent;
use jitfleet_transport::profile::{Counters, MethodProfile};
use jitfleet_transport::wire::ProfileDelta;
use jvmti_sys::{jvmtiEnv, JNIEnv};
use std::collections::HashMap;
use std::ffi::c_void;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

/// Shortest delta interval a server can ask for: a careless policy must not make every
/// replica walk all its methods in a loop.
const MIN_POLICY_INTERVAL: Duration = Duration::from_millis(100);

/// The delta knobs of the server's last `Policy` (`u32::MAX`: none received yet).
pub(super) struct DeltaPolicy {
    interval_ms: AtomicU32,
    max_methods: AtomicU32,
}

impl Default for DeltaPolicy {
    fn default() -> Self {
        Self { interval_ms: AtomicU32::new(u32::MAX), max_methods: AtomicU32::new(u32::MAX) }
    }
}

impl DeltaPolicy {
    pub(super) fn apply(&self, policy: &jitfleet_transport::wire::Policy) {
        self.interval_ms.store(policy.profile_interval_ms.min(u32::MAX - 1), Ordering::Relaxed);
        self.max_methods.store(policy.max_methods_per_delta.min(u32::MAX - 1), Ordering::Relaxed);
    }

    /// How long to wait before the next delta; `None` while the server paused deltas.
    fn interval(&self, configured: Duration) -> Option<Duration> {
        match self.interval_ms.load(Ordering::Relaxed) {
            u32::MAX => Some(configured),
            0 => None,
            ms => Some(Duration::from_millis(u64::from(ms)).max(MIN_POLICY_INTERVAL)),
        }
    }

    /// Methods one delta may carry (unbounded before a policy arrived).
    fn max_methods(&self) -> usize {
        match self.max_methods.load(Ordering::Relaxed) {
            u32::MAX => usize::MAX,
            n => n as usize,
        }
    }
}

/// Starts the delta thread when there is a server, a shim and a non-zero profile interval.
pub fn start(agent: &'static Agent, jni: Jni) {
    if NET.get().is_none() || agent.shim.is_none() || agent.config.profile_interval.is_zero() {
        return;
    }
    let Some(thread) = jni.new_thread("jitfleet-deltas") else {
        tracing::warn!("network: cannot create the profile delta thread; no profiles are sent");
        return;
    };
    if let Err(e) = agent.jvmti.run_agent_thread(thread, Some(body), std::ptr::null()) {
        tracing::warn!("network: {e}: no profiles are sent");
    }
    jni.delete_local_ref(thread);
}

unsafe extern "C" fn body(_jvmti: *mut jvmtiEnv, jni: *mut JNIEnv, _arg: *mut c_void) {
    crate::guard("profile delta thread", || {
        let (Some(agent), Some(net)) = (crate::lifecycle::agent(), NET.get()) else { return };
        // SAFETY: the JNIEnv of this agent thread.
        let jni = unsafe { Jni::from_raw(jni) };
        let mut last = LastSent::default();
        let mut sequence = 0u64;
        let mut last_taken = std::time::Instant::now();
        loop {
            // Re-read the interval every second at most: a policy arriving after the start
            // (the connection takes a while) applies to the wait already under way.
            let current = net.delta_policy.interval(agent.config.profile_interval);
            std::thread::sleep(current.unwrap_or(Duration::from_secs(1)).min(Duration::from_secs(1)).max(MIN_POLICY_INTERVAL));
            match net.delta_policy.interval(agent.config.profile_interval) {
                Some(interval) if last_taken.elapsed() >= interval => {}
                _ => continue,
            }
            last_taken = std::time::Instant::now();
            let Some(profile) = jni.with_local_frame(64, || crate::profiler::build(agent, jni)).flatten() else { continue };
            let methods = last.delta(profile.methods, net.delta_policy.max_methods());
            if methods.is_empty() {
                continue;
            }
            sequence += 1;
            net.deltas.push(ProfileDelta { sequence, uptime_ms: profile.uptime_ms, methods });
        }
    });
}

/// What was sent so far, per method (`Display` of its id: class, loader, name, descriptor).
#[derive(Default)]
pub(super) struct LastSent {
    counters: HashMap<String, Counters>,
}

impl LastSent {
    /// The methods whose counters grew, with the growth, at most `max` of them (those that
    /// grew most; the rest are not marked sent and so keep their growth for the next delta);
    /// cells only on first report.
    pub(super) fn delta(&mut self, methods: Vec<MethodProfile>, max: usize) -> Vec<MethodProfile> {
        let mut moved: Vec<(String, Counters, MethodProfile)> = Vec::new();
        for mut m in methods {
            let key = format!("{:?}", m.method);
            let now = m.counters;
            let before = self.counters.get(&key).copied();
            let first = before.is_none();
            let before = before.unwrap_or_default();
            // Counters only grow (HotSpot 17 does not decay them under tiered compilation); a
            // smaller value means another method under the same name (class redefined or
            // reloaded): start again from it.
            let grown = Counters {
                invocations: now.invocations.checked_sub(before.invocations).unwrap_or(now.invocations),
                backedges: now.backedges.checked_sub(before.backedges).unwrap_or(now.backedges),
            };
            if grown.invocations == 0 && grown.backedges == 0 {
                self.counters.insert(key, now);
                continue;
            }
            m.counters = grown;
            if !first {
                m.method_data = None;
            }
            moved.push((key, now, m));
        }
        if moved.len() > max {
            moved.sort_by_key(|(_, _, m)| std::cmp::Reverse(m.counters.invocations.saturating_add(m.counters.backedges)));
            moved.truncate(max);
        }
        moved
            .into_iter()
            .map(|(key, now, m)| {
                self.counters.insert(key, now);
                m
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jitfleet_transport::wire::samples::method_profile;

    #[test]
    fn counters_are_sent_as_growth_and_cells_only_once() {
        let mut last = LastSent::default();
        let mut m = method_profile();
        m.counters = Counters { invocations: 100, backedges: 10 };
        assert!(m.method_data.is_some());
        let first = last.delta(vec![m.clone()], usize::MAX);
        assert_eq!(first[0].counters, Counters { invocations: 100, backedges: 10 });
        assert!(first[0].method_data.is_some());
        assert!(last.delta(vec![m.clone()], usize::MAX).is_empty(), "nothing moved");
        m.counters = Counters { invocations: 150, backedges: 10 };
        let second = last.delta(vec![m.clone()], usize::MAX);
        assert_eq!(second[0].counters, Counters { invocations: 50, backedges: 0 });
        assert!(second[0].method_data.is_none());
        m.counters = Counters { invocations: 7, backedges: 1 };
        assert_eq!(last.delta(vec![m], usize::MAX)[0].counters, Counters { invocations: 7, backedges: 1 });
    }

    #[test]
    fn a_capped_delta_sends_the_hottest_and_keeps_the_rest_for_later() {
        let mut last = LastSent::default();
        let named = |name: &str, invocations: u64| {
            let mut m = method_profile();
            m.method.name = name.to_string();
            m.counters = Counters { invocations, backedges: 0 };
            m
        };
        let first = last.delta(vec![named("a", 10), named("b", 300), named("c", 20)], 2);
        let names: Vec<&str> = first.iter().map(|m| m.method.name.as_str()).collect();
        assert_eq!(names, ["b", "c"]);
        // "a" was not sent: its whole growth (and its cells) go out next time.
        let second = last.delta(vec![named("a", 15), named("b", 300), named("c", 20)], 2);
        assert_eq!(second.len(), 1);
        assert_eq!(second[0].method.name, "a");
        assert_eq!(second[0].counters.invocations, 15);
        assert!(second[0].method_data.is_some());
    }

    #[test]
    fn the_servers_interval_replaces_the_configured_one_and_zero_pauses() {
        use jitfleet_transport::wire::Policy;
        let policy = DeltaPolicy::default();
        let configured = Duration::from_secs(60);
        assert_eq!(policy.interval(configured), Some(configured));
        assert_eq!(policy.max_methods(), usize::MAX);
        let mut p = Policy { profile_interval_ms: 1000, max_methods_per_delta: 500, upload_code: true, install_code: true };
        policy.apply(&p);
        assert_eq!(policy.interval(configured), Some(Duration::from_secs(1)));
        assert_eq!(policy.max_methods(), 500);
        p.profile_interval_ms = 1;
        policy.apply(&p);
        assert_eq!(policy.interval(configured), Some(MIN_POLICY_INTERVAL));
        p.profile_interval_ms = 0;
        policy.apply(&p);
        assert_eq!(policy.interval(configured), None);
    }
}
