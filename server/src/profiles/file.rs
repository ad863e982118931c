//! The persisted form of one fleet's merged profile.
//!
//! ```text
//! magic "JFAGG\0\0\x01" (8) | format version u32 LE | payload length u64 LE |
//! blake3(payload) (32) | payload: bincode of PersistedFleet
//! ```
//!
//! Written with [`crate::durable::write_atomically`]; a damaged file is detected by its length
//! and hash before anything is decoded.

use jitfleet_transport::compat::CompatKey;
use jitfleet_transport::profile::MethodProfile;
use serde::{Deserialize, Serialize};

/// First eight bytes of a fleet profile file.
pub const MAGIC: [u8; 8] = *b"JFAGG\0\0\x01";
/// Version of the payload types.
pub const FORMAT_VERSION: u32 = 1;
/// Refuse larger payloads (a fleet of 100k methods is tens of MiB at most).
pub const MAX_PAYLOAD: u64 = 1 << 30;
const HEADER_LEN: usize = 8 + 4 + 8 + 32;

/// Everything kept about one fleet's profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersistedFleet {
    /// The application name.
    pub application: String,
    /// The fleet's compat key in full, for operators.
    pub compat: CompatKey,
    /// Profile deltas merged so far.
    pub deltas_merged: u64,
    /// The merged methods, in no particular order.
    pub methods: Vec<MethodProfile>,
}

/// Why a fleet profile file cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProfileFileError {
    /// Not a fleet profile file.
    #[error("not a jitfleet fleet profile (bad magic)")]
    BadMagic,
    /// Another format version.
    #[error("fleet profile format version {found}, this server reads version {FORMAT_VERSION}")]
    Version {
        /// Found.
        found: u32,
    },
    /// Length mismatch.
    #[error("file holds {actual} payload bytes, header says {expected}: truncated or padded")]
    WrongLength {
        /// Header's length.
        expected: u64,
        /// Present.
        actual: u64,
    },
    /// Hash mismatch.
    #[error("payload hash mismatch: file corrupt")]
    Corrupt,
    /// Hash fine, contents not decodable (a bug or a version skew).
    #[error("payload does not decode: {0}")]
    Decode(String),
}

/// Encodes a file image.
pub fn encode(fleet: &PersistedFleet) -> Result<Vec<u8>, bincode::Error> {
    let payload = bincode::serialize(fleet)?;
    let mut out = Vec::with_capacity(HEADER_LEN + payload.len());
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(blake3::hash(&payload).as_bytes());
    out.extend_from_slice(&payload);
    Ok(out)
}

/// Verifies and decodes a file image.
pub fn decode(bytes: &[u8]) -> Result<PersistedFleet, ProfileFileError> {
    if bytes.len() < HEADER_LEN || bytes[..8] != MAGIC {
        return Err(ProfileFileError::BadMagic);
    }
    let version = u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]);
    if version != FORMAT_VERSION {
        return Err(ProfileFileError::Version { found: version });
    }
    let mut length = [0u8; 8];
    length.copy_from_slice(&bytes[12..20]);
    let expected = u64::from_le_bytes(length);
    let payload = &bytes[HEADER_LEN..];
    if expected != payload.len() as u64 || expected > MAX_PAYLOAD {
        return Err(ProfileFileError::WrongLength { expected, actual: payload.len() as u64 });
    }
    if blake3::hash(payload).as_bytes()[..] != bytes[20..52] {
        return Err(ProfileFileError::Corrupt);
    }
    use bincode::Options;
    bincode::DefaultOptions::new()
        .with_fixint_encoding()
        .with_limit(MAX_PAYLOAD)
        .deserialize(payload)
        .map_err(|error| ProfileFileError::Decode(error.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jitfleet_transport::wire::samples::{compat_key, method_profile};

    fn sample() -> PersistedFleet {
        PersistedFleet { application: "shop".into(), compat: compat_key(), deltas_merged: 3, methods: vec![method_profile()] }
    }

    #[test]
    fn round_trips_and_detects_damage() {
        let image = encode(&sample()).unwrap();
        assert_eq!(decode(&image).unwrap(), sample());
        assert!(matches!(decode(&image[..image.len() - 1]), Err(ProfileFileError::WrongLength { .. })));
        let mut flipped = image.clone();
        flipped[HEADER_LEN + 3] ^= 4;
        assert!(matches!(decode(&flipped), Err(ProfileFileError::Corrupt)));
        assert!(matches!(decode(b"nonsense"), Err(ProfileFileError::BadMagic)));
    }
}
