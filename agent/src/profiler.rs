//! Profiles: which methods are hot and what HotSpot's profile says about them, written to
//! `JITFLEET_PROFILE_OUT` periodically (from a daemon Java thread) and at VMDeath.
//!
//! Taking a profile: every method of every prepared class gets its counters read (one small
//! copy each); the `profile_top` hottest by invocations + back-edges then get their MethodData
//! copied and decoded, and their identities named symbolically. All of it happens on an
//! attached thread inside a JNI local frame, holding the classes (so none unloads while its
//! structures are read).

use crate::jni::Jni;
use crate::lifecycle::Agent;
use crate::loaders;
use crate::shim::{self, MethodSnapshot};
use crossbeam_channel::{Receiver, Sender};
use jitfleet_transport::profile::{
    self as fmt, BciProfile, ClassId, Compilation, Counters, InlineEdge, LoaderId, MethodData, MethodId,
    MethodProfile, ProfileData, ProfileFile, ReceiverRow,
};
use jvmti_sys::*;
use std::collections::HashMap;
use std::ffi::c_void;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// JVMTI_CLASS_STATUS_PREPARED: only prepared classes have methods to list.
const CLASS_STATUS_PREPARED: jint = 2;
/// Methods with fewer invocations + back-edges than this are not worth a profile entry: most
/// of a JVM's methods ran a handful of times at start-up, and naming and copying each costs
/// tens of microseconds.
pub const MIN_EVENTS: u64 = 32;

/// The profiler's shared state.
pub struct Profiler {
    /// Serialises profile building: the periodic thread and VMDeath never write at once.
    writing: Mutex<()>,
    stop: (Sender<()>, Receiver<()>),
    written: AtomicU64,
    prepared: AtomicU64,
}

impl Default for Profiler {
    fn default() -> Self {
        Profiler {
            writing: Mutex::new(()),
            stop: crossbeam_channel::bounded(1),
            written: AtomicU64::new(0),
            prepared: AtomicU64::new(0),
        }
    }
}

impl Profiler {
    pub fn written(&self) -> u64 {
        self.written.load(Ordering::Relaxed)
    }

    pub fn class_prepared(&self) {
        self.prepared.fetch_add(1, Ordering::Relaxed);
    }
}

/// Starts the periodic writer, if profiles are wanted and periodic.
pub fn start(agent: &'static Agent, jni: Jni) {
    if agent.config.profile_out.is_none() || agent.config.profile_interval.is_zero() {
        return;
    }
    if agent.shim.is_none() {
        tracing::warn!("profiles are off: HotSpot's structures could not be read");
        return;
    }
    let Some(thread) = jni.new_thread("jitfleet-profiler") else {
        tracing::warn!("cannot create the profiler thread; profiles are written only at exit");
        return;
    };
    if let Err(e) = agent.jvmti.run_agent_thread(thread, Some(periodic_body), std::ptr::null()) {
        tracing::warn!("{e}: profiles are written only at exit");
    }
    jni.delete_local_ref(thread);
}

unsafe extern "C" fn periodic_body(_jvmti: *mut jvmtiEnv, jni: *mut JNIEnv, _arg: *mut c_void) {
    crate::guard("profiler thread", || {
        let Some(agent) = crate::lifecycle::agent() else { return };
        // SAFETY: the JNIEnv of this agent thread.
        let jni = unsafe { Jni::from_raw(jni) };
        loop {
            match agent.profiler.stop.1.recv_timeout(agent.config.profile_interval) {
                Err(crossbeam_channel::RecvTimeoutError::Timeout) => write(agent, jni),
                _ => return,
            }
        }
    });
}

/// VMDeath: stop the periodic writer and write the final profile.
pub fn finish(agent: &'static Agent, jni: Jni) {
    let _ = agent.profiler.stop.0.try_send(());
    if agent.config.profile_out.is_some() {
        write(agent, jni);
    }
}

fn write(agent: &'static Agent, jni: Jni) {
    let Some(path) = agent.config.profile_path(std::process::id()) else { return };
    let _writing = agent.profiler.writing.lock().unwrap_or_else(|e| e.into_inner());
    let started = std::time::Instant::now();
    let Some(profile) = jni.with_local_frame(64, || build(agent, jni)).flatten() else { return };
    match fmt::write_profile_file(&path, &profile) {
        Ok(()) => {
            agent.profiler.written.fetch_add(1, Ordering::Relaxed);
            tracing::info!(
                "profile of {} methods, {} compilations written to {} in {} ms",
                profile.methods.len(),
                profile.compilations.len(),
                path.display(),
                started.elapsed().as_millis()
            );
        }
        Err(e) => tracing::warn!("cannot write profile {}: {e}", path.display()),
    }
}

/// Names classes and methods, caching per class, within one profile build.
struct Namer<'a> {
    agent: &'a Agent,
    jni: Jni,
    classes: HashMap<usize, Option<ClassId>>,
}

impl Namer<'_> {
    /// The symbolic identity of `method`; `None` if it belongs to an unloaded class.
    fn method(&mut self, method: jmethodID) -> Option<MethodId> {
        let jvmti = self.agent.jvmti;
        let class = jvmti.method_declaring_class(method).ok()?;
        let class_id = self.class(class);
        self.jni.delete_local_ref(class);
        let (name, descriptor) = jvmti.method_name(method).ok()?;
        Some(MethodId { class: class_id?, name, descriptor })
    }

    fn class(&mut self, class: jclass) -> Option<ClassId> {
        let jvmti = self.agent.jvmti;
        let signature = jvmti.class_signature(class).ok()?;
        // Signatures are unique per (name, loader) only; key the cache by name + loader below.
        let loader = jvmti.class_loader(class).ok()?;
        let loader_id = loaders::identify(jvmti, self.jni, loader);
        self.jni.delete_local_ref(loader);
        let name = loaders::internal_name(&signature);
        let key = hash_key(&name, &loader_id);
        self.classes
            .entry(key)
            .or_insert_with(|| {
                let bytes_hash = self.agent.classes.hash_of(&name, &loader_id);
                Some(ClassId { name, loader: loader_id, bytes_hash })
            })
            .clone()
    }
}

fn hash_key(name: &str, loader: &LoaderId) -> usize {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (name, loader).hash(&mut h);
    h.finish() as usize
}

/// Takes one profile. Runs inside a local frame (all local references die with it).
pub(crate) fn build(agent: &Agent, jni: Jni) -> Option<ProfileFile> {
    let shim = agent.shim.as_ref()?;
    let jvmti = agent.jvmti;
    let classes = match jvmti.loaded_classes() {
        Ok(c) => c,
        Err(e) => {
            tracing::debug!("no profile: {e}");
            return None;
        }
    };
    // Pass 1: counters of every method of every prepared class.
    let mut scored: Vec<(u64, jmethodID)> = Vec::new();
    for &class in &classes {
        if jvmti.class_status(class).map(|s| s & CLASS_STATUS_PREPARED == 0).unwrap_or(true) {
            continue;
        }
        let Ok(methods) = jvmti.class_methods(class) else { continue };
        for method in methods {
            let score = counters_score(shim, method);
            if score >= MIN_EVENTS {
                scored.push((score, method));
            }
        }
    }
    scored.sort_unstable_by_key(|s| std::cmp::Reverse(s.0));
    scored.truncate(agent.config.profile_top);

    // Pass 2: the hottest methods in full. The compile log is copied once and indexed by root
    // method, not scanned per method.
    let log = agent.compilations.snapshot();
    let mut highest_tier: HashMap<usize, u8> = HashMap::new();
    for c in &log {
        if let Some(&root) = c.methods.first() {
            let tier = highest_tier.entry(root).or_insert(c.tier);
            *tier = (*tier).max(c.tier);
        }
    }
    let mut namer = Namer { agent, jni, classes: HashMap::new() };
    let mut methods = Vec::with_capacity(scored.len());
    for (_, method) in &scored {
        let Ok(snapshot) = shim.snapshot_method(*method) else { continue };
        let Some(id) = namer.method(*method) else { continue };
        let tier = highest_tier.get(&(*method as usize)).copied();
        methods.push(to_profile(id, &snapshot, tier));
    }
    let compilations = log
        .into_iter()
        .filter_map(|raw| {
            let named: Option<Vec<MethodId>> =
                raw.methods.iter().map(|&m| namer.method(m as jmethodID)).collect();
            Some(Compilation {
                methods: named?,
                edges: raw.edges.iter().map(|&(caller, bci, callee)| InlineEdge { caller, bci, callee }).collect(),
                tier: raw.tier,
                code_size: raw.code_size,
                unloaded: raw.unloaded,
            })
        })
        .collect();
    for class in classes {
        jni.delete_local_ref(class);
    }
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or(Duration::ZERO);
    Some(ProfileFile {
        application: agent.config.app.clone(),
        agent_version: env!("CARGO_PKG_VERSION").to_string(),
        compat: agent.compat.get().cloned().flatten()?,
        taken_at_ms: now.as_millis() as u64,
        uptime_ms: agent.started.elapsed().as_millis() as u64,
        pid: std::process::id(),
        methods,
        compilations,
    })
}

/// Invocations plus back-edges, interpreter and C1 together: how hot a method got before C2.
/// A cheap read (counters only, no MethodData walk).
fn counters_score(shim: &shim::Shim, method: jmethodID) -> u64 {
    shim.hotness(method).map(|h| h.total_events()).unwrap_or(0)
}

/// `logged_tier`: the highest tier the compile log saw the method compiled at as a root.
fn to_profile(id: MethodId, s: &MethodSnapshot, logged_tier: Option<u8>) -> MethodProfile {
    let (c_inv, c_back) = s
        .counters
        .map(|c| (c.invocations.count as u64, c.backedges.count as u64))
        .unwrap_or((0, 0));
    let method_data = s.mdo.as_ref().map(|mdo| MethodData {
        invocations: mdo.invocations.map(|c| c.count as u64).unwrap_or(0),
        backedges: mdo.backedges.map(|c| c.count as u64).unwrap_or(0),
        decompiles: mdo.decompiles.unwrap_or(0),
        cells: mdo.entries.iter().map(|r| BciProfile { bci: r.bci as u32, data: cell(r) }).collect(),
    });
    let (m_inv, m_back) = method_data.as_ref().map(|m| (m.invocations, m.backedges)).unwrap_or((0, 0));
    let highest_tier = logged_tier.unwrap_or(if s.has_compiled_code { 1 } else { 0 });
    MethodProfile {
        method: id,
        counters: Counters { invocations: c_inv + m_inv, backedges: c_back + m_back },
        method_data,
        highest_tier,
        code_size: s.code_size as u32,
    }
}

fn rows(r: &shim::ReceiverProfile) -> Vec<ReceiverRow> {
    r.rows
        .iter()
        .map(|row| ReceiverRow {
            class: row.klass_name.clone().unwrap_or_else(|| format!("<klass {:#x}>", row.klass)),
            count: row.count,
        })
        .collect()
}

fn cell(r: &shim::ProfileRecord) -> ProfileData {
    use shim::ProfileEntry as E;
    let null_seen = r.null_seen();
    match &r.entry {
        E::Bit | E::ArgInfo { .. } | E::ParametersType { .. } | E::SpeculativeTrap { .. } => {
            ProfileData::Bit { null_seen }
        }
        E::Counter { count } | E::CallType { count, .. } => ProfileData::Counter { count: (*count).max(0) as u64 },
        E::Jump { taken, .. } => ProfileData::Jump { taken: *taken },
        E::Branch { taken, not_taken, .. } => ProfileData::Branch { taken: *taken, not_taken: *not_taken },
        E::ReceiverType(p) => ProfileData::Receivers {
            virtual_call: false,
            null_seen,
            count: p.count.max(0) as u64,
            rows: rows(p),
        },
        E::VirtualCall(p) | E::VirtualCallType { receiver: p, .. } => ProfileData::Receivers {
            virtual_call: true,
            null_seen,
            count: p.count.max(0) as u64,
            rows: rows(p),
        },
        E::Ret { count, .. } => ProfileData::Ret { count: (*count).max(0) as u64 },
        E::MultiBranch { default_count, cases, .. } => ProfileData::MultiBranch {
            default: *default_count,
            cases: cases.iter().map(|c| c.0).collect(),
        },
    }
}
