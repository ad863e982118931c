//! Class fingerprints: for every class the JVM defines while the agent watches, the blake3
//! hash of its bytes and the identity of its defining loader.
//!
//! Code may move only to a JVM whose classes have the same bytes (design.md, "Same classes"),
//! so every symbolic class reference carries this hash. Classes the agent never saw the bytes
//! of have none — except the JDK's boot and platform classes defined before VMInit, which can
//! only come from the runtime image and get a fingerprint derived from it
//! ([`crate::runtime_image`]).

use jitfleet_transport::profile::LoaderId;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// What is known of one (class name, loader) pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fingerprint {
    Hash([u8; 32]),
    /// Two different byte arrays were defined under the same name by loaders the agent cannot
    /// tell apart (e.g. two unnamed instances of one loader class): no hash can be trusted.
    Ambiguous,
}

/// The fingerprints of every class seen by the load hook.
#[derive(Default)]
pub struct ClassFingerprints {
    by_class: Mutex<HashMap<(String, LoaderId), Fingerprint>>,
    seen: AtomicU64,
    ambiguous: AtomicU64,
    /// Fingerprints of JDK classes defined before the load hook was on.
    pub image: crate::runtime_image::RuntimeImage,
}

/// The platform loader's identity (see `loaders::identify`).
pub const PLATFORM_LOADER: &str = "jdk/internal/loader/ClassLoaders$PlatformClassLoader/platform";

impl ClassFingerprints {
    /// Records the bytes the JVM is about to define as `name` (internal form) in `loader`.
    /// A redefinition replaces the earlier hash.
    pub fn record(&self, name: &str, loader: LoaderId, bytes: &[u8], redefinition: bool) {
        let hash = *blake3::hash(bytes).as_bytes();
        self.seen.fetch_add(1, Ordering::Relaxed);
        let mut map = self.by_class.lock().unwrap_or_else(|e| e.into_inner());
        let entry = map.entry((name.to_string(), loader)).or_insert(Fingerprint::Hash(hash));
        match *entry {
            Fingerprint::Hash(old) if old != hash && !redefinition => {
                *entry = Fingerprint::Ambiguous;
                self.ambiguous.fetch_add(1, Ordering::Relaxed);
            }
            Fingerprint::Hash(_) => *entry = Fingerprint::Hash(hash),
            Fingerprint::Ambiguous => {}
        }
    }

    /// The hash of `name` in `loader`, if the agent saw exactly one version of its bytes; for
    /// a boot or platform class it never saw, the runtime image's fingerprint of it.
    pub fn hash_of(&self, name: &str, loader: &LoaderId) -> Option<[u8; 32]> {
        let map = self.by_class.lock().unwrap_or_else(|e| e.into_inner());
        match map.get(&(name.to_string(), loader.clone())) {
            Some(Fingerprint::Hash(h)) => Some(*h),
            Some(Fingerprint::Ambiguous) => None,
            None => {
                drop(map);
                let from_image = match loader {
                    LoaderId::Boot => true,
                    LoaderId::Named(n) => n == PLATFORM_LOADER,
                };
                if from_image {
                    self.image.class_fingerprint(name)
                } else {
                    None
                }
            }
        }
    }

    /// Whether the load hook never saw `name` in `loader`.
    pub fn is_unrecorded(&self, name: &str, loader: &LoaderId) -> bool {
        !self.by_class.lock().unwrap_or_else(|e| e.into_inner()).contains_key(&(name.to_string(), loader.clone()))
    }

    /// (class definitions seen, distinct classes, ambiguous ones) for the summary line.
    pub fn stats(&self) -> (u64, usize, u64) {
        let distinct = self.by_class.lock().map(|m| m.len()).unwrap_or(0);
        (self.seen.load(Ordering::Relaxed), distinct, self.ambiguous.load(Ordering::Relaxed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_name_in_different_loaders_keeps_both_hashes() {
        let f = ClassFingerprints::default();
        f.record("a/B", LoaderId::Boot, b"one", false);
        f.record("a/B", LoaderId::Named("app".into()), b"two", false);
        assert_eq!(f.hash_of("a/B", &LoaderId::Boot), Some(*blake3::hash(b"one").as_bytes()));
        assert_eq!(
            f.hash_of("a/B", &LoaderId::Named("app".into())),
            Some(*blake3::hash(b"two").as_bytes())
        );
        assert_eq!(f.hash_of("a/C", &LoaderId::Boot), None);
    }

    #[test]
    fn conflicting_definitions_make_the_class_ambiguous_but_redefinition_replaces() {
        let f = ClassFingerprints::default();
        let app = LoaderId::Named("x".into());
        f.record("a/B", app.clone(), b"one", false);
        f.record("a/B", app.clone(), b"one", false);
        assert!(f.hash_of("a/B", &app).is_some());
        f.record("a/B", app.clone(), b"two", false);
        assert_eq!(f.hash_of("a/B", &app), None);
        assert_eq!(f.stats().2, 1);

        f.record("c/D", app.clone(), b"v1", false);
        f.record("c/D", app.clone(), b"v2", true);
        assert_eq!(f.hash_of("c/D", &app), Some(*blake3::hash(b"v2").as_bytes()));
    }
}
