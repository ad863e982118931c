//! The on-disk format of one code blob: a self-describing header, then the opaque bytes.
//!
//! ```text
//! magic "JFBLOB\0\x01" (8) | format version u32 LE | payload length u64 LE |
//! application length u32 LE | method length u32 LE | content hash (32) | compat digest (32) |
//! application (UTF-8) | method (UTF-8) | blake3 of everything before it (32) | payload
//! ```
//!
//! The content hash covers the payload (it is the blob's name); the header checksum covers the
//! metadata. A blob is therefore verifiable on its own: the start-up scan needs no other index,
//! and a truncated or bit-flipped file is always detected.

use jitfleet_transport::wire::ContentHash;

/// First eight bytes of every blob file.
pub const MAGIC: [u8; 8] = *b"JFBLOB\0\x01";
/// Version of the layout above.
pub const FORMAT_VERSION: u32 = 1;
/// Longest method identity kept (a JVM descriptor can be long, but not this long).
pub const MAX_METHOD_LEN: usize = 64 * 1024;
/// Longest application name kept.
pub const MAX_APPLICATION_LEN: usize = 1024;

const FIXED_LEN: usize = 8 + 4 + 8 + 4 + 4 + 32 + 32;
const CHECK_LEN: usize = 32;

/// The metadata of a blob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobHeader {
    /// blake3 of the payload.
    pub content_hash: ContentHash,
    /// The compat key digest of the fleet the code belongs to.
    pub compat: ContentHash,
    /// The application of that fleet.
    pub application: String,
    /// `Lpkg/Class;name(desc)` of the compiled method.
    pub method: String,
}

/// A parsed blob, borrowing the payload from the file image.
#[derive(Debug)]
pub struct BlobView<'a> {
    /// The metadata.
    pub header: BlobHeader,
    /// The opaque code bytes.
    pub payload: &'a [u8],
}

/// What is wrong with a blob file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BlobError {
    /// Not a blob file at all.
    #[error("not a jitfleet code blob (magic {found:02x?})")]
    BadMagic {
        /// The first bytes found.
        found: Vec<u8>,
    },
    /// Written by another version of the server.
    #[error("blob format version {found}, this server reads version {FORMAT_VERSION}")]
    Version {
        /// The version in the file.
        found: u32,
    },
    /// A length field is beyond its limit.
    #[error("{field} length {length} exceeds the limit of {limit}")]
    FieldTooLong {
        /// Which field.
        field: &'static str,
        /// The length claimed.
        length: u64,
        /// The limit.
        limit: u64,
    },
    /// The file is shorter or longer than its header says.
    #[error("file is {actual} bytes, its header describes {expected}: truncated or padded")]
    WrongLength {
        /// Bytes the header accounts for.
        expected: u64,
        /// Bytes present.
        actual: u64,
    },
    /// The metadata checksum does not match.
    #[error("header checksum mismatch: metadata corrupt")]
    HeaderChecksum,
    /// A text field is not UTF-8.
    #[error("{field} is not valid UTF-8")]
    NotUtf8 {
        /// Which field.
        field: &'static str,
    },
    /// The payload does not hash to the content hash.
    #[error("payload hashes to {found}, header says {expected}")]
    PayloadHash {
        /// The header's hash.
        expected: ContentHash,
        /// The payload's real hash.
        found: ContentHash,
    },
}

/// Encodes a complete blob file image.
pub fn encode(header: &BlobHeader, payload: &[u8]) -> Vec<u8> {
    debug_assert_eq!(ContentHash::of(payload), header.content_hash, "content hash names the payload");
    let mut out = Vec::with_capacity(FIXED_LEN + header.application.len() + header.method.len() + CHECK_LEN + payload.len());
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(&(header.application.len() as u32).to_le_bytes());
    out.extend_from_slice(&(header.method.len() as u32).to_le_bytes());
    out.extend_from_slice(&header.content_hash.0);
    out.extend_from_slice(&header.compat.0);
    out.extend_from_slice(header.application.as_bytes());
    out.extend_from_slice(header.method.as_bytes());
    let check = blake3::hash(&out);
    out.extend_from_slice(check.as_bytes());
    out.extend_from_slice(payload);
    out
}

/// Parses and fully verifies a blob file image (lengths, header checksum, payload hash).
pub fn parse(bytes: &[u8]) -> Result<BlobView<'_>, BlobError> {
    if bytes.len() < FIXED_LEN || bytes[..8] != MAGIC {
        return Err(BlobError::BadMagic { found: bytes[..bytes.len().min(8)].to_vec() });
    }
    let u32_at = |at: usize| u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    let version = u32_at(8);
    if version != FORMAT_VERSION {
        return Err(BlobError::Version { found: version });
    }
    let mut payload_len = [0u8; 8];
    payload_len.copy_from_slice(&bytes[12..20]);
    let payload_len = u64::from_le_bytes(payload_len);
    let application_len = u32_at(20) as usize;
    let method_len = u32_at(24) as usize;
    check_limit("application", application_len as u64, MAX_APPLICATION_LEN as u64)?;
    check_limit("method", method_len as u64, MAX_METHOD_LEN as u64)?;
    let meta_end = FIXED_LEN + application_len + method_len;
    let payload_start = meta_end + CHECK_LEN;
    let expected = (payload_start as u64).saturating_add(payload_len);
    if expected != bytes.len() as u64 {
        return Err(BlobError::WrongLength { expected, actual: bytes.len() as u64 });
    }
    if blake3::hash(&bytes[..meta_end]).as_bytes()[..] != bytes[meta_end..payload_start] {
        return Err(BlobError::HeaderChecksum);
    }
    let hash_at = |at: usize| {
        let mut hash = [0u8; 32];
        hash.copy_from_slice(&bytes[at..at + 32]);
        ContentHash(hash)
    };
    let text = |from: usize, len: usize, field: &'static str| {
        std::str::from_utf8(&bytes[from..from + len]).map(str::to_owned).map_err(|_| BlobError::NotUtf8 { field })
    };
    let header = BlobHeader {
        content_hash: hash_at(28),
        compat: hash_at(60),
        application: text(FIXED_LEN, application_len, "application")?,
        method: text(FIXED_LEN + application_len, method_len, "method")?,
    };
    let payload = &bytes[payload_start..];
    let found = ContentHash::of(payload);
    if found != header.content_hash {
        return Err(BlobError::PayloadHash { expected: header.content_hash, found });
    }
    Ok(BlobView { header, payload })
}

fn check_limit(field: &'static str, length: u64, limit: u64) -> Result<(), BlobError> {
    if length > limit {
        return Err(BlobError::FieldTooLong { field, length, limit });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> (BlobHeader, Vec<u8>) {
        let payload: Vec<u8> = (0..300u32).map(|i| (i * 7) as u8).collect();
        let header = BlobHeader {
            content_hash: ContentHash::of(&payload),
            compat: ContentHash([9; 32]),
            application: "shop".into(),
            method: "Lshop/Cart;total()J".into(),
        };
        (header, payload)
    }

    #[test]
    fn round_trips() {
        let (header, payload) = sample();
        let file = encode(&header, &payload);
        let view = parse(&file).unwrap();
        assert_eq!(view.header, header);
        assert_eq!(view.payload, &payload[..]);
    }

    #[test]
    fn every_truncation_is_detected() {
        let (header, payload) = sample();
        let file = encode(&header, &payload);
        for cut in 0..file.len() {
            assert!(parse(&file[..cut]).is_err(), "cut at {cut} went unnoticed");
        }
    }

    #[test]
    fn every_single_bit_flip_is_detected() {
        let (header, payload) = sample();
        let file = encode(&header, &payload);
        for bit in 0..file.len() * 8 {
            let mut flipped = file.clone();
            flipped[bit / 8] ^= 1 << (bit % 8);
            assert!(parse(&flipped).is_err(), "flip of bit {bit} went unnoticed");
        }
    }

    #[test]
    fn a_huge_claimed_length_is_an_error_not_an_allocation() {
        let (header, payload) = sample();
        let mut file = encode(&header, &payload);
        file[12..20].copy_from_slice(&u64::MAX.to_le_bytes());
        assert!(matches!(parse(&file), Err(BlobError::WrongLength { .. })));
        file[24..28].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(matches!(parse(&file), Err(BlobError::FieldTooLong { field: "method", .. })));
    }
}
