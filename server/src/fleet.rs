//! Fleets: the replicas of one application that share a compat key, and so may share code.

use std::fmt;

use jitfleet_transport::compat::hex;
use jitfleet_transport::wire::ContentHash;

/// Longest application name accepted in a `Hello` (it becomes part of file contents and
/// metric labels, so it must stay small).
pub const MAX_APPLICATION_LEN: usize = 128;

/// The key of a fleet: (application, compat key digest).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FleetKey {
    /// The application (deployment) name from `Hello`.
    pub application: String,
    /// The digest of the replicas' compat key.
    pub compat: ContentHash,
}

impl FleetKey {
    /// A fleet key; `None` if the application name is empty, too long or has characters that
    /// do not belong in a name (control characters, quotes, backslashes).
    pub fn new(application: &str, compat: ContentHash) -> Option<Self> {
        let acceptable = |c: char| !c.is_control() && c != '"' && c != '\\';
        let valid = !application.is_empty()
            && application.len() <= MAX_APPLICATION_LEN
            && application.chars().all(acceptable);
        valid.then(|| Self { application: application.to_owned(), compat })
    }

    /// A stable 16-hex-digit id of the whole key, used in file names.
    pub fn id(&self) -> String {
        let mut hasher = blake3::Hasher::new();
        hasher.update(self.application.as_bytes());
        hasher.update(&[0]);
        hasher.update(&self.compat.0);
        hex(&hasher.finalize().as_bytes()[..8])
    }

    /// The first 16 hex digits of the compat digest, for logs and metric labels.
    pub fn short_compat(&self) -> String {
        hex(&self.compat.0[..8])
    }
}

impl fmt::Display for FleetKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.application, self.short_compat())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_differ_by_application_and_by_compat_key() {
        let a = FleetKey::new("shop", ContentHash([1; 32])).unwrap();
        let b = FleetKey::new("shop", ContentHash([2; 32])).unwrap();
        let c = FleetKey::new("shopx", ContentHash([1; 32])).unwrap();
        assert_ne!(a.id(), b.id());
        assert_ne!(a.id(), c.id());
        assert_eq!(a.id(), FleetKey::new("shop", ContentHash([1; 32])).unwrap().id());
        assert_eq!(a.id().len(), 16);
    }

    #[test]
    fn bad_application_names_are_refused() {
        assert!(FleetKey::new("", ContentHash::default()).is_none());
        assert!(FleetKey::new("a\"b", ContentHash::default()).is_none());
        assert!(FleetKey::new("a\nb", ContentHash::default()).is_none());
        assert!(FleetKey::new(&"x".repeat(MAX_APPLICATION_LEN + 1), ContentHash::default()).is_none());
        assert!(FleetKey::new("petclinic-prod", ContentHash::default()).is_some());
    }
}
