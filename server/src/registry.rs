//! The fleet registry: every fleet the server has seen, its merged profile and its connected
//! replicas; profiles are persisted under `<store>/profiles/<fleet id>.jfagg` and reloaded at
//! start.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use jitfleet_transport::compat::CompatKey;
use jitfleet_transport::profile::MethodProfile;
use jitfleet_transport::wire::ContentHash;

use crate::durable;
use crate::fleet::FleetKey;
use crate::profiles::merge::MergeLimits;
use crate::profiles::{file, DeltaOutcome, FleetProfile};

/// Sub-directory of the store holding fleet profiles.
pub const PROFILES_DIR: &str = "profiles";
const PROFILE_SUFFIX: &str = ".jfagg";

/// Registry failures, naming the file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RegistryError {
    /// A file-system operation failed.
    #[error("cannot {action} {path}: {source}")]
    Io {
        /// What.
        action: &'static str,
        /// Where.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A profile could not be serialised (should not happen).
    #[error("cannot encode the profile of fleet {fleet}: {reason}")]
    Encode {
        /// Which fleet.
        fleet: String,
        /// Why.
        reason: String,
    },
}

/// One fleet's live state.
#[derive(Debug)]
struct Fleet {
    profile: FleetProfile,
    /// Changed since the last flush.
    dirty: bool,
    connected: u64,
}

/// Per-fleet figures for metrics and status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FleetSummary {
    /// The fleet.
    pub key: FleetKey,
    /// Distinct methods profiled.
    pub methods: u64,
    /// Deltas merged.
    pub deltas: u64,
    /// Replicas connected now.
    pub connected: u64,
}

/// What loading the persisted profiles found.
#[derive(Debug, Default)]
pub struct LoadReport {
    /// Fleets loaded.
    pub fleets: usize,
    /// Files that could not be used, moved aside, with the reason.
    pub damaged: Vec<(PathBuf, String)>,
}

/// All fleets. Thread-safe; merges hold the lock only for the merge itself.
#[derive(Debug)]
pub struct Registry {
    dir: PathBuf,
    limits: MergeLimits,
    max_methods: usize,
    fleets: Mutex<HashMap<FleetKey, Fleet>>,
}

impl Registry {
    /// Opens the registry under `store_dir`, loading every persisted fleet profile.
    pub fn open(store_dir: &Path, limits: MergeLimits, max_methods: usize) -> Result<(Self, LoadReport), RegistryError> {
        let dir = store_dir.join(PROFILES_DIR);
        fs::create_dir_all(&dir).map_err(|source| RegistryError::Io { action: "create directory", path: dir.clone(), source })?;
        let mut fleets = HashMap::new();
        let mut report = LoadReport::default();
        let listing = fs::read_dir(&dir).map_err(|source| RegistryError::Io { action: "list", path: dir.clone(), source })?;
        for entry in listing.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if durable::is_temporary(&name) {
                let _ = fs::remove_file(&path);
                continue;
            }
            if !name.ends_with(PROFILE_SUFFIX) {
                continue;
            }
            match load_fleet(&path) {
                Ok((key, profile)) => {
                    fleets.insert(key, Fleet { profile, dirty: false, connected: 0 });
                }
                Err(reason) => {
                    let aside = path.with_extension("damaged");
                    tracing::warn!(path = %path.display(), %reason, aside = %aside.display(), "unusable fleet profile; moved aside");
                    let _ = fs::rename(&path, &aside);
                    report.damaged.push((path, reason));
                }
            }
        }
        report.fleets = fleets.len();
        Ok((Self { dir, limits, max_methods, fleets: Mutex::new(fleets) }, report))
    }

    /// A replica of `key` connected; creates the fleet on first sight unless `max_fleets`
    /// are already held. Returns whether the replica joined.
    pub fn join(&self, key: &FleetKey, compat: &CompatKey, max_fleets: usize) -> bool {
        let mut fleets = self.lock();
        if !fleets.contains_key(key) && fleets.len() >= max_fleets {
            return false;
        }
        let fleet = fleets.entry(key.clone()).or_insert_with(|| Fleet {
            profile: FleetProfile::new(compat.clone()),
            dirty: true,
            connected: 0,
        });
        fleet.connected += 1;
        true
    }

    /// A replica of `key` disconnected.
    pub fn leave(&self, key: &FleetKey) {
        if let Some(fleet) = self.lock().get_mut(key) {
            fleet.connected = fleet.connected.saturating_sub(1);
        }
    }

    /// Merges a replica's delta into its fleet (which must have been joined); reports methods
    /// whose heat reached `heat_threshold` (see [`FleetProfile::apply`]).
    pub fn apply_delta(&self, key: &FleetKey, methods: &[MethodProfile], heat_threshold: u64) -> Option<DeltaOutcome> {
        let mut fleets = self.lock();
        let fleet = fleets.get_mut(key)?;
        fleet.dirty = true;
        Some(fleet.profile.apply(methods, self.limits, self.max_methods, heat_threshold))
    }

    /// Runs `read` over a fleet's merged profile.
    pub fn with_profile<T>(&self, key: &FleetKey, read: impl FnOnce(&FleetProfile) -> T) -> Option<T> {
        self.lock().get(key).map(|fleet| read(&fleet.profile))
    }

    /// Figures for every fleet, sorted by key.
    pub fn summaries(&self) -> Vec<FleetSummary> {
        let mut out: Vec<FleetSummary> = self
            .lock()
            .iter()
            .map(|(key, fleet)| FleetSummary {
                key: key.clone(),
                methods: fleet.profile.method_count() as u64,
                deltas: fleet.profile.deltas_merged(),
                connected: fleet.connected,
            })
            .collect();
        out.sort_by(|a, b| a.key.cmp(&b.key));
        out
    }

    /// Writes every changed fleet profile durably; returns how many were written.
    pub fn flush(&self) -> Result<usize, RegistryError> {
        // Encode under the lock (a consistent snapshot), write outside it.
        let images: Vec<(FleetKey, Vec<u8>)> = {
            let mut fleets = self.lock();
            let mut images = Vec::new();
            for (key, fleet) in fleets.iter_mut().filter(|(_, fleet)| fleet.dirty) {
                let image = file::encode(&fleet.profile.to_persisted(&key.application))
                    .map_err(|error| RegistryError::Encode { fleet: key.to_string(), reason: error.to_string() })?;
                fleet.dirty = false;
                images.push((key.clone(), image));
            }
            images
        };
        for (index, (key, image)) in images.iter().enumerate() {
            let path = self.dir.join(format!("{}{PROFILE_SUFFIX}", key.id()));
            if let Err(source) = durable::write_atomically(&path, image) {
                // Not written: mark these fleets dirty again so the next flush retries.
                let mut fleets = self.lock();
                for (key, _) in &images[index..] {
                    if let Some(fleet) = fleets.get_mut(key) {
                        fleet.dirty = true;
                    }
                }
                return Err(RegistryError::Io { action: "write fleet profile", path, source });
            }
        }
        Ok(images.len())
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<FleetKey, Fleet>> {
        self.fleets.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn load_fleet(path: &Path) -> Result<(FleetKey, FleetProfile), String> {
    let bytes = fs::read(path).map_err(|error| format!("unreadable: {error}"))?;
    let persisted = file::decode(&bytes).map_err(|error| error.to_string())?;
    let compat = ContentHash::of_compat_key(&persisted.compat);
    let key = FleetKey::new(&persisted.application, compat)
        .ok_or_else(|| format!("invalid application name {:?}", persisted.application))?;
    Ok((key, FleetProfile::from_persisted(persisted)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jitfleet_transport::wire::samples::{compat_key, method_profile};

    #[test]
    fn profiles_survive_a_restart_and_damaged_files_are_set_aside() {
        let dir = tempfile::tempdir().unwrap();
        let key = FleetKey::new("shop", ContentHash::of_compat_key(&compat_key())).unwrap();
        {
            let (registry, report) = Registry::open(dir.path(), MergeLimits::default(), 100).unwrap();
            assert_eq!(report.fleets, 0);
            assert!(registry.join(&key, &compat_key(), 1));
            let other = FleetKey::new("other", key.compat).unwrap();
            assert!(!registry.join(&other, &compat_key(), 1), "a second fleet is over the limit");
            registry.apply_delta(&key, &[method_profile()], 0).unwrap();
            assert_eq!(registry.flush().unwrap(), 1);
            assert_eq!(registry.flush().unwrap(), 0, "nothing changed since");
        }
        fs::write(dir.path().join(PROFILES_DIR).join(format!("0000000000000000{PROFILE_SUFFIX}")), b"JFAGG junk").unwrap();
        let (registry, report) = Registry::open(dir.path(), MergeLimits::default(), 100).unwrap();
        assert_eq!(report.fleets, 1);
        assert_eq!(report.damaged.len(), 1);
        let summary = &registry.summaries()[0];
        assert_eq!((summary.methods, summary.deltas, summary.connected), (1, 1, 0));
        let method = method_profile();
        let merged = registry.with_profile(&key, |p| p.method(&method.method).cloned()).flatten().unwrap();
        assert_eq!(merged.counters, method.counters);
    }
}
