//! The report `doctor` mode writes and `jitfleet doctor` prints: can this JVM take part?

use crate::compat::CompatKey;
use serde::{Deserialize, Serialize};

/// One agent feature and whether this JVM supports it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeatureStatus {
    pub name: String,
    pub available: bool,
    /// Why not, when not available (e.g. the vmStructs field that is missing).
    pub reason: Option<String>,
}

/// What the agent found in one JVM.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoctorReport {
    pub agent_version: String,
    pub java_home: String,
    pub vm_name: String,
    /// `None` when the facts it needs could not be read (see `features`).
    pub compat: Option<CompatKey>,
    pub features: Vec<FeatureStatus>,
    /// Blocking problems, each a sentence; empty means the JVM can take part.
    pub problems: Vec<String>,
}

impl DoctorReport {
    pub fn can_take_part(&self) -> bool {
        self.problems.is_empty() && self.compat.is_some()
    }
}
