//! Profile deltas for the server: an agent thread (`jitfleet-deltas`) takes a profile every
//! `profile_interval` (the same builder as the profile files) and queues what changed since
//! the previous one.
//!
//! The server merges by adding, so a delta must never repeat counts: counters are sent as
//! differences from the last delta; a method's `MethodData` cells go out once, the first time
//! the method is reported (the cumulative cells up to then are a delta from nothing), and not
//! again — later cell changes are not sent yet (subtracting receiver rows and switch counts is
//! future work). Methods whose counters did not move are left out.

use super::NET;
use crate::jni::Jni;
use crate::lifecycle::Agent;
use jitfleet_transport::profile::{Counters, MethodProfile};
use jitfleet_transport::wire::ProfileDelta;
use jvmti_sys::{jvmtiEnv, JNIEnv};
use std::collections::HashMap;
use std::ffi::c_void;

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
        loop {
            std::thread::sleep(agent.config.profile_interval);
            let Some(profile) = jni.with_local_frame(64, || crate::profiler::build(agent, jni)).flatten() else { continue };
            let methods = last.delta(profile.methods);
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
    /// The methods whose counters grew, with the growth; cells only on first report.
    pub(super) fn delta(&mut self, methods: Vec<MethodProfile>) -> Vec<MethodProfile> {
        let mut out = Vec::new();
        for mut m in methods {
            let key = format!("{:?}", m.method);
            let now = m.counters;
            let (first, before) = match self.counters.get(&key) {
                Some(before) => (false, *before),
                None => (true, Counters::default()),
            };
            // Counters only grow (HotSpot 17 does not decay them under tiered compilation); a
            // smaller value means another method under the same name (class redefined or
            // reloaded): start again from it.
            let grown = Counters {
                invocations: now.invocations.checked_sub(before.invocations).unwrap_or(now.invocations),
                backedges: now.backedges.checked_sub(before.backedges).unwrap_or(now.backedges),
            };
            self.counters.insert(key, now);
            if grown.invocations == 0 && grown.backedges == 0 {
                continue;
            }
            m.counters = grown;
            if !first {
                m.method_data = None;
            }
            out.push(m);
        }
        out
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
        let first = last.delta(vec![m.clone()]);
        assert_eq!(first[0].counters, Counters { invocations: 100, backedges: 10 });
        assert!(first[0].method_data.is_some());
        assert!(last.delta(vec![m.clone()]).is_empty(), "nothing moved");
        m.counters = Counters { invocations: 150, backedges: 10 };
        let second = last.delta(vec![m.clone()]);
        assert_eq!(second[0].counters, Counters { invocations: 50, backedges: 0 });
        assert!(second[0].method_data.is_none());
        m.counters = Counters { invocations: 7, backedges: 1 };
        assert_eq!(last.delta(vec![m])[0].counters, Counters { invocations: 7, backedges: 1 });
    }
}
