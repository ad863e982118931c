//! Profiles: what a replica learned about its hot methods, in a form that names methods and
//! classes symbolically so that another JVM (or the server) can use it.
//!
//! Counter semantics (HotSpot 17, tiered compilation, as read by the agent's shim):
//! - [`Counters::invocations`] / [`Counters::backedges`] are the `MethodCounters` counts: calls
//!   and loop back-branches executed *by the interpreter* (tier 0) plus those executed in tier 2/3
//!   C1 code, which counts into the `MethodData` ([`MethodData::invocations`]). The agent adds both
//!   so that `invocations` approximates "times the method was entered before C2 took over".
//!   Code at tier 1 and tier 4 (C2) does not count at all, and HotSpot may reset counters on
//!   compilation, so counts are lower bounds once a method is C2-compiled.
//! - [`MethodData`] rows are HotSpot's `MethodData` profile cells as they stood when the profile
//!   was taken: branch taken / not-taken counts, receiver-type rows, call counts.
//!
//! The file format is a fixed header followed by a bincode payload; see [`write_profile_file`].

use crate::compat::{hex, CompatKey};
use serde::{Deserialize, Serialize};
use std::io::{Read, Write};
use std::path::Path;

/// Version of [`ProfileFile`]'s payload. Bump on any change to the types below.
pub const PROFILE_FORMAT_VERSION: u32 = 1;
/// First eight bytes of every profile file.
pub const PROFILE_MAGIC: [u8; 8] = *b"JFPROF\0\x01";
/// Refuse files larger than this: a profile of 100k methods is a few MiB.
pub const MAX_PROFILE_BYTES: u64 = 256 << 20;
const HEADER_LEN: usize = 8 + 4 + 4 + 8 + 32;

/// Which class loader defined a class, as far as another JVM can recognise it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum LoaderId {
    /// The boot loader (null in JVMTI).
    Boot,
    /// Any other loader, named by its class and, when set, its `ClassLoader.getName()`, e.g.
    /// `jdk.internal.loader.ClassLoaders$AppClassLoader/app`.
    Named(String),
}

impl std::fmt::Display for LoaderId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoaderId::Boot => f.write_str("boot"),
            LoaderId::Named(n) => f.write_str(n),
        }
    }
}

/// A class as another JVM can find it: name, defining loader and the hash of its bytes.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ClassId {
    /// Binary name in internal form, `java/lang/String`.
    pub name: String,
    pub loader: LoaderId,
    /// blake3 of the class file bytes as the JVM defined them (after other agents' transforms),
    /// `None` for classes loaded before the agent saw them (e.g. CDS-shared classes whose
    /// bytes the load hook did not get) or generated without bytes.
    pub bytes_hash: Option<[u8; 32]>,
}

/// A method as another JVM can find it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct MethodId {
    pub class: ClassId,
    pub name: String,
    /// JVM descriptor, `(Ljava/lang/String;I)V`.
    pub descriptor: String,
}

impl std::fmt::Display for MethodId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}{}", self.class.name.replace('/', "."), self.name, self.descriptor)
    }
}

/// Invocation and loop counters (see the module documentation for what they count).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counters {
    pub invocations: u64,
    pub backedges: u64,
}

/// One receiver-type row of a call site or type check: a class and how often it was seen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiverRow {
    /// Internal-form class name (`java/util/ArrayList`).
    pub class: String,
    pub count: u64,
}

/// The profile cell at one bytecode index, decoded from HotSpot's `MethodData`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProfileData {
    /// Flags only (e.g. a `checkcast` that saw null).
    Bit { null_seen: bool },
    /// A call site without type rows (`invokestatic`, `invokespecial`): executions.
    Counter { count: u64 },
    /// `goto`/`jsr`: times taken.
    Jump { taken: u64 },
    /// A conditional branch.
    Branch { taken: u64, not_taken: u64 },
    /// A type-profiled site (`invokevirtual`, `invokeinterface`, `checkcast`, `instanceof`,
    /// `aastore`). `count` is the polymorphic remainder for virtual calls: executions whose
    /// receiver did not fit in the rows (or the total count for type checks).
    Receivers { virtual_call: bool, null_seen: bool, count: u64, rows: Vec<ReceiverRow> },
    /// `ret`: execution count.
    Ret { count: u64 },
    /// `tableswitch`/`lookupswitch`: default count and one count per case in order.
    MultiBranch { default: u64, cases: Vec<u64> },
    /// A cell the agent does not interpret, kept by tag so nothing is silently dropped.
    Other { tag: u8 },
}

/// One bytecode index and its profile cell.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BciProfile {
    pub bci: u32,
    pub data: ProfileData,
}

/// A method's `MethodData`: its own counters (tiers 2/3) and the cells by bci.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MethodData {
    pub invocations: u64,
    pub backedges: u64,
    /// Uncommon traps and deoptimisations recorded against the method (`decompile_count`).
    pub decompiles: u32,
    pub cells: Vec<BciProfile>,
}

/// Everything the agent knows about one hot method.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MethodProfile {
    pub method: MethodId,
    /// Interpreter plus C1-profiled counts (module documentation).
    pub counters: Counters,
    pub method_data: Option<MethodData>,
    /// Highest tier the method was compiled at in this JVM (0 = never compiled).
    pub highest_tier: u8,
    /// Bytes of bytecode, to weigh methods.
    pub code_size: u32,
}

/// One inlining decision seen in a compilation: at `bci` of `methods[caller]`, the JIT inlined
/// `methods[callee]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct InlineEdge {
    pub caller: u32,
    pub bci: u32,
    pub callee: u32,
}

/// One compiled method as JVMTI's CompiledMethodLoad reported it, with its inline tree.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Compilation {
    /// `methods[0]` is the compiled (root) method; the others are the methods inlined into it.
    pub methods: Vec<MethodId>,
    pub edges: Vec<InlineEdge>,
    /// 1-3 C1, 4 C2, 0 when the agent could not tell.
    pub tier: u8,
    /// Bytes of instructions and stubs.
    pub code_size: u32,
    /// Whether the code was unloaded (or replaced) before the profile was taken.
    pub unloaded: bool,
}

/// A profile file: one JVM's view of its hottest methods at one moment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileFile {
    /// `JITFLEET_APP`.
    pub application: String,
    pub agent_version: String,
    pub compat: CompatKey,
    /// Milliseconds since the Unix epoch when the profile was taken.
    pub taken_at_ms: u64,
    /// Milliseconds since the JVM started.
    pub uptime_ms: u64,
    pub pid: u32,
    /// Hottest first.
    pub methods: Vec<MethodProfile>,
    /// The most recent compilations (bounded), oldest first.
    pub compilations: Vec<Compilation>,
}

/// Why a profile file could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProfileFileError {
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("{path}: not a jitfleet profile (magic {found})")]
    BadMagic { path: String, found: String },
    #[error("{path}: profile format version {found}, this jitfleet reads version {expected}")]
    Version { path: String, found: u32, expected: u32 },
    #[error("{path}: payload of {len} bytes exceeds the limit of {limit}")]
    TooLarge { path: String, len: u64, limit: u64 },
    #[error("{path}: truncated: header says {expected} payload bytes, file has {found}")]
    Truncated { path: String, expected: u64, found: u64 },
    #[error("{path}: corrupt: payload hash {found} does not match the header's {expected}")]
    Corrupt { path: String, expected: String, found: String },
    #[error("{path}: payload does not decode: {reason}")]
    Decode { path: String, reason: String },
}

/// Encodes `profile` as a complete file image.
///
/// Layout: magic (8) | format version u32 LE | flags u32 LE (0) | payload length u64 LE |
/// blake3(payload) (32) | payload (bincode of [`ProfileFile`]).
pub fn encode_profile(profile: &ProfileFile) -> Vec<u8> {
    let payload = bincode::serialize(profile).expect("profiles always serialise");
    let mut out = Vec::with_capacity(HEADER_LEN + payload.len());
    out.extend_from_slice(&PROFILE_MAGIC);
    out.extend_from_slice(&PROFILE_FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(blake3::hash(&payload).as_bytes());
    out.extend_from_slice(&payload);
    out
}

/// Decodes a file image; `path` only names the source in errors.
pub fn decode_profile(path: &str, bytes: &[u8]) -> Result<ProfileFile, ProfileFileError> {
    let p = || path.to_string();
    if bytes.len() < HEADER_LEN || bytes[..8] != PROFILE_MAGIC {
        let found = hex(&bytes[..bytes.len().min(8)]);
        return Err(ProfileFileError::BadMagic { path: p(), found });
    }
    let u32_at = |o: usize| u32::from_le_bytes(bytes[o..o + 4].try_into().unwrap());
    let version = u32_at(8);
    if version != PROFILE_FORMAT_VERSION {
        return Err(ProfileFileError::Version {
            path: p(),
            found: version,
            expected: PROFILE_FORMAT_VERSION,
        });
    }
    let len = u64::from_le_bytes(bytes[16..24].try_into().unwrap());
    if len > MAX_PROFILE_BYTES {
        return Err(ProfileFileError::TooLarge { path: p(), len, limit: MAX_PROFILE_BYTES });
    }
    let payload = &bytes[HEADER_LEN..];
    if (payload.len() as u64) < len {
        return Err(ProfileFileError::Truncated {
            path: p(),
            expected: len,
            found: payload.len() as u64,
        });
    }
    let payload = &payload[..len as usize];
    let found = blake3::hash(payload);
    if found.as_bytes()[..] != bytes[24..56] {
        return Err(ProfileFileError::Corrupt {
            path: p(),
            expected: hex(&bytes[24..56]),
            found: hex(found.as_bytes()),
        });
    }
    use bincode::Options;
    bincode::DefaultOptions::new()
        .with_fixint_encoding()
        .with_limit(MAX_PROFILE_BYTES)
        .deserialize(payload)
        .map_err(|e| ProfileFileError::Decode { path: p(), reason: e.to_string() })
}

/// Writes `profile` to `path` atomically: a temporary file in the same directory, fsync, rename.
/// A reader never sees a half-written profile.
pub fn write_profile_file(path: &Path, profile: &ProfileFile) -> std::io::Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(&encode_profile(profile))?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Reads and validates a profile file.
pub fn read_profile_file(path: &Path) -> Result<ProfileFile, ProfileFileError> {
    let name = path.display().to_string();
    let io = |source| ProfileFileError::Io { path: name.clone(), source };
    let mut f = std::fs::File::open(path).map_err(io)?;
    let size = f.metadata().map_err(io)?.len();
    if size > MAX_PROFILE_BYTES + HEADER_LEN as u64 {
        return Err(ProfileFileError::TooLarge {
            path: name,
            len: size,
            limit: MAX_PROFILE_BYTES,
        });
    }
    let mut bytes = Vec::with_capacity(size as usize);
    f.read_to_end(&mut bytes).map_err(io)?;
    decode_profile(&name, &bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> ProfileFile {
        let class = ClassId {
            name: "demo/Main".into(),
            loader: LoaderId::Named("app".into()),
            bytes_hash: Some([7; 32]),
        };
        ProfileFile {
            application: "demo".into(),
            agent_version: "0.1.0".into(),
            compat: crate::wire::samples::compat_key(),
            taken_at_ms: 1,
            uptime_ms: 2,
            pid: 3,
            methods: vec![MethodProfile {
                method: MethodId { class, name: "run".into(), descriptor: "(I)I".into() },
                counters: Counters { invocations: 10, backedges: 20 },
                method_data: Some(MethodData {
                    invocations: 5,
                    backedges: 6,
                    decompiles: 0,
                    cells: vec![BciProfile {
                        bci: 4,
                        data: ProfileData::Branch { taken: 9, not_taken: 1 },
                    }],
                }),
                highest_tier: 4,
                code_size: 30,
            }],
            compilations: vec![],
        }
    }

    #[test]
    fn round_trips_through_a_file() {
        let dir = std::env::temp_dir().join(format!("jf-prof-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("p.jfprof");
        write_profile_file(&path, &sample()).unwrap();
        assert_eq!(read_profile_file(&path).unwrap(), sample());
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn rejects_damage_with_a_named_error() {
        let good = encode_profile(&sample());
        let mut flipped = good.clone();
        *flipped.last_mut().unwrap() ^= 1;
        assert!(matches!(decode_profile("f", &flipped), Err(ProfileFileError::Corrupt { .. })));
        let cut = &good[..good.len() - 3];
        assert!(matches!(decode_profile("f", cut), Err(ProfileFileError::Truncated { .. })));
        let mut version = good.clone();
        version[8] = 99;
        assert!(matches!(
            decode_profile("f", &version),
            Err(ProfileFileError::Version { found: 99, .. })
        ));
        assert!(matches!(decode_profile("f", b"hello"), Err(ProfileFileError::BadMagic { .. })));
        let mut huge = good;
        huge[16..24].copy_from_slice(&u64::MAX.to_le_bytes());
        assert!(matches!(decode_profile("f", &huge), Err(ProfileFileError::TooLarge { .. })));
    }

    #[test]
    fn garbage_payload_with_a_valid_hash_is_a_decode_error_not_a_panic() {
        let payload = vec![0xffu8; 64];
        let mut file = Vec::new();
        file.extend_from_slice(&PROFILE_MAGIC);
        file.extend_from_slice(&PROFILE_FORMAT_VERSION.to_le_bytes());
        file.extend_from_slice(&0u32.to_le_bytes());
        file.extend_from_slice(&(payload.len() as u64).to_le_bytes());
        file.extend_from_slice(blake3::hash(&payload).as_bytes());
        file.extend_from_slice(&payload);
        assert!(matches!(decode_profile("f", &file), Err(ProfileFileError::Decode { .. })));
    }
}
