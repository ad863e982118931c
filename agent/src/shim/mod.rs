//! The in-process HotSpot shim: reads what JVMTI does not expose — method counters, MethodData
//! profiles, heap encodings, CPU features — out of the running VM's memory, read-only.
//!
//! How it stays harmless to the host JVM:
//! * the VM's layout comes only from the VM's own self-description (`gHotSpotVMStructs` and
//!   friends, [`registry`]), read once; a feature whose entries are missing is switched off with
//!   one log line ([`layout`]);
//! * all VM memory is *copied* with `process_vm_readv` ([`native::VmMemory`]), which reports a
//!   bad address as an error instead of crashing; every pointer and size is checked first;
//! * the copies are decoded by pure functions ([`counters`], [`mdo`], [`flags`]) that are unit
//!   tested on synthetic bytes and never panic on bad input.
//!
//! Entry points for the rest of the agent: [`Shim::get`], [`Shim::snapshot_method`],
//! [`Shim::hotness`],
//! [`Shim::vm_facts`], [`Shim::features`].

pub mod bytes;
pub mod counters;
pub mod error;
pub mod flags;
pub mod layout;
pub mod mdo;
pub mod method;
pub mod native;
pub mod registry;
pub mod selftest;
pub mod vm_facts;

use std::collections::HashMap;

use once_cell::sync::OnceCell;
use tracing::warn;

pub use counters::{CounterValue, CountersSnapshot};
pub use error::ShimError;
pub use flags::FlagValue;
pub use mdo::{MdoSnapshot, ProfileEntry, ProfileRecord, ReceiverProfile, ReceiverRow, TypeProfile};
pub use method::{Hotness, MethodSnapshot};
pub use vm_facts::{NarrowOopMode, VmFacts};

use layout::{ProfileWidths, VmLayout};
use native::VmMemory;
use registry::VmRegistry;

/// Which shim features this JVM supports (each needs its own set of vmStructs entries).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Features {
    /// `MethodCounters` reads.
    pub counters: bool,
    /// `MethodData` reads.
    pub method_data: bool,
    /// Compat-key facts.
    pub vm_facts: bool,
    /// nmethod section offsets for code capture.
    pub capture: bool,
}

/// The shim: the registry and layouts read once, plus the VM flags.
#[derive(Debug)]
pub struct Shim {
    mem: VmMemory,
    registry: VmRegistry,
    layout: VmLayout,
    flags: HashMap<String, FlagValue>,
}

static SHIM: OnceCell<Option<Shim>> = OnceCell::new();

impl Shim {
    /// The process-wide shim, loaded on first use (from any thread, after libjvm is loaded —
    /// i.e. from `Agent_OnLoad` on). `None` if the VM tables could not be read at all; that was
    /// logged once.
    pub fn get() -> Option<&'static Shim> {
        SHIM.get_or_init(|| match Shim::load() {
            Ok(s) => Some(s),
            Err(e) => {
                warn!("jitfleet shim disabled: {e}");
                None
            }
        })
        .as_ref()
    }

    /// Reads the VM tables and flags. Prefer [`Shim::get`], which does this once per process.
    /// Must run
    /// after libjvm is loaded, i.e. from `Agent_OnLoad` on. Fails only if the VM's tables cannot
    /// be read at all; a missing entry merely turns its feature off (logged once). per process (the agent keeps the result). Must run
    /// after libjvm is loaded, i.e. from `Agent_OnLoad` on. Fails only if the VM's tables cannot
    /// be read at all; a missing entry merely turns its feature off (logged once).
    pub fn load() -> Result<Shim, ShimError> {
        let mem = VmMemory::new();
        mem.self_check()?;
        let registry = VmRegistry::load(&mem)?;
        let mut flags = HashMap::new();
        let layout = VmLayout::from_registry(&registry, |fl| {
            match flags::read_all_flags(&mem, fl) {
                Ok(all) => flags = all,
                Err(e) => warn!("jitfleet shim: VM flags not read: {e}"),
            }
            let width = |n: &str| flags.get(n).and_then(FlagValue::as_i64).and_then(|v| u32::try_from(v).ok());
            ProfileWidths { type_profile_width: width("TypeProfileWidth"), bci_profile_width: width("BciProfileWidth") }
        });
        Ok(Shim { mem, registry, layout, flags })
    }

    pub fn features(&self) -> Features {
        Features {
            counters: self.layout.counters.is_some(),
            method_data: self.layout.method_data.is_some(),
            vm_facts: self.layout.vm_facts.is_some(),
            capture: self.layout.capture.is_some(),
        }
    }

    /// The raw tables, for lookups by name (`registry().field_offset("nmethod::_state")`).
    pub fn registry(&self) -> &VmRegistry {
        &self.registry
    }

    /// The typed layouts (e.g. `layout().capture` for nmethod section offsets).
    pub fn layout(&self) -> &VmLayout {
        &self.layout
    }

    /// A VM flag's value as read when the shim was loaded (at `Agent_OnLoad`: after argument
    /// parsing and `Arguments::apply_ergo`, so GC choice and profile widths are final, but before
    /// CPU-dependent flags are set — use [`Shim::vm_facts`] for those).
    pub fn flag(&self, name: &str) -> Option<&FlagValue> {
        self.flags.get(name)
    }

    /// Copies the counters and MethodData of the method behind `jmethod_id`.
    ///
    /// # Caller's obligation
    /// The method's class must stay loaded during the call: call this on a thread attached to
    /// the JVM while holding a JNI local reference to the declaring class (from JVMTI
    /// `GetMethodDeclaringClass`). Even so, everything is validated and copied through
    /// `process_vm_readv`, so a violated obligation yields an error or a garbage-but-bounded
    /// snapshot, never a crash. The result holds no pointers that need the VM afterwards.
    pub fn snapshot_method(&self, jmethod_id: jvmti_sys::jmethodID) -> Result<MethodSnapshot, ShimError> {
        let m = self.layout.method.as_ref().ok_or(ShimError::FeatureOff { feature: "method", missing: "see start-up log" })?;
        let method = method::method_from_jmethod_id(&self.mem, jmethod_id as usize as u64)?;
        method::read_method(&self.mem, m, self.layout.counters.as_ref(), self.layout.method_data.as_ref(), method)
    }

    /// The cheap counters-only read of a method, for ranking methods before taking full
    /// snapshots of the hottest. Same caller obligation as [`Shim::snapshot_method`].
    pub fn hotness(&self, jmethod_id: jvmti_sys::jmethodID) -> Result<Hotness, ShimError> {
        let m = self.layout.method.as_ref().ok_or(ShimError::FeatureOff { feature: "method", missing: "see start-up log" })?;
        let method = method::method_from_jmethod_id(&self.mem, jmethod_id as usize as u64)?;
        method::read_hotness(&self.mem, m, self.layout.counters.as_ref(), self.layout.method_data.as_ref(), method)
    }

    /// The facts the compat key is built from. Call it at VMInit or later: the CPU features,
    /// `UseAVX`/`UseSSE` and the heap encoding are only settled during VM initialisation, after
    /// `Agent_OnLoad` (at OnLoad 17 still shows `UseSSE=99`, `UseAVX=3`, features 0). The flags
    /// are therefore re-read on every call.
    pub fn vm_facts(&self) -> Result<VmFacts, ShimError> {
        let l = self.layout.vm_facts.as_ref().ok_or(ShimError::FeatureOff { feature: "vm_facts", missing: "see start-up log" })?;
        let fl = self.layout.flags.as_ref().ok_or(ShimError::FeatureOff { feature: "vm_flags", missing: "see start-up log" })?;
        let flags = flags::read_all_flags(&self.mem, fl)?;
        vm_facts::read_vm_facts(&self.mem, l, &flags)
    }

    /// The VM memory reader, for other modules that copy VM memory (capture).
    pub fn memory(&self) -> &VmMemory {
        &self.mem
    }
}
