//! The versioned message set exchanged between agents and `jitfleet-server`.
//!
//! Each message is a plain struct; [`Message`] is the closed set of them. On the wire the kind is
//! the frame header's tag byte ([`MessageKind`]) and the body is the struct alone, bincode-encoded
//! (see [`super::frame`]). Adding a field changes the encoding, so any such change bumps
//! [`PROTOCOL_VERSION`]; adding a message kind takes a new, never reused tag.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::limits::SizeClass;
use crate::compat::CompatKey;
use crate::profile::MethodProfile;

/// Version of this message set, carried in [`Hello`] and [`HelloAck`].
///
/// The framing itself is versioned by the ALPN string (`jitfleet/1`).
pub const PROTOCOL_VERSION: u32 = 1;

/// A 32-byte content hash (blake3) naming a code blob or a compat key.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default)]
pub struct ContentHash(pub [u8; 32]);

impl ContentHash {
    /// The fleet name of a compat key: its digest.
    pub fn of_compat_key(key: &CompatKey) -> Self {
        Self(key.digest())
    }

    /// The blake3 hash of `bytes`: how code blobs are named in the catalog and the store.
    pub fn of(bytes: &[u8]) -> Self {
        Self(*blake3::hash(bytes).as_bytes())
    }
}

impl fmt::Display for ContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for byte in self.0 {
            write!(f, "{byte:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for ContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Twelve hex digits are plenty to tell hashes apart in logs.
        write!(f, "ContentHash({})", &self.to_string()[..12])
    }
}

/// What a replica is allowed to do (design.md, "Roles").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    /// Installs pushed code; uploads profiles and compile events.
    Receiver,
    /// Also captures its own C2 code and uploads it.
    Donor,
    /// A compile-only JVM started by the server.
    Worker,
}

impl Role {
    /// The lower-case name used in certificates (OU) and configuration.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Receiver => "receiver",
            Role::Donor => "donor",
            Role::Worker => "worker",
        }
    }

    /// Parses the name produced by [`Role::as_str`]; `None` for anything else.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "receiver" => Some(Role::Receiver),
            "donor" => Some(Role::Donor),
            "worker" => Some(Role::Worker),
            _ => None,
        }
    }
}

/// First message on a connection, client to server, as a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hello {
    /// [`PROTOCOL_VERSION`] of the sender.
    pub protocol_version: u32,
    /// The application (deployment) name: fleets are keyed by (application, compat key).
    pub application: String,
    /// The replica's compat key; code only moves between equal keys ([`CompatKey::digest`]).
    /// Sent in full so that the server can say which field differs.
    pub compat_key: CompatKey,
    /// Version string of the agent (crate version plus build id).
    pub agent_version: String,
    /// The role the replica asks for; the server may grant less (the certificate decides).
    pub role: Role,
    /// A per-process identifier (host name, pid, start time) for the server's registry.
    pub replica_id: String,
}

impl Hello {
    /// The fleet this replica belongs to, by compat key: what catalogs are keyed by.
    pub fn compat_key_hash(&self) -> ContentHash {
        ContentHash::of_compat_key(&self.compat_key)
    }
}

/// The server's acceptance of a [`Hello`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HelloAck {
    /// [`PROTOCOL_VERSION`] of the server.
    pub protocol_version: u32,
    /// Version string of the server.
    pub server_version: String,
    /// The role actually granted.
    pub granted_role: Role,
    /// Session number assigned by the server, for logs on both ends.
    pub session_id: u64,
}

/// Why a server turned a [`Hello`] down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RefuseReason {
    /// The protocol versions are not compatible.
    ProtocolVersion,
    /// The role asked for is not allowed for this certificate.
    RoleNotAllowed,
    /// The application is not served here.
    UnknownApplication,
    /// The server is at capacity; try again later.
    Overloaded,
    /// Anything else; see the detail text.
    Other,
}

/// The server's refusal of a [`Hello`]; the connection is closed after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refuse {
    /// Machine-readable reason.
    pub reason: RefuseReason,
    /// Human-readable detail, logged by the agent as is.
    pub detail: String,
}

/// Profile information (method counters, MethodData) gathered since the previous delta.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileDelta {
    /// Monotonic per-connection sequence number, to detect lost or duplicated deltas.
    pub sequence: u64,
    /// Milliseconds since the replica's JVM start when the delta was taken.
    pub uptime_ms: u64,
    /// The methods whose profile changed, hottest first.
    pub methods: Vec<MethodProfile>,
}

/// What happened to a compiled method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CompileEventKind {
    /// `CompiledMethodLoad`.
    Loaded,
    /// `CompiledMethodUnload`.
    Unloaded,
    /// The method deoptimised (made not entrant).
    Deoptimized,
}

/// One compilation observed by a replica.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompileEvent {
    /// `Lpkg/Class;name(desc)` of the compiled method.
    pub method: String,
    /// Compilation tier (0..=4).
    pub tier: u8,
    /// Instruction size in bytes.
    pub code_size: u32,
    /// What happened.
    pub kind: CompileEventKind,
    /// Methods inlined into this compilation, same notation as `method`.
    pub inlined: Vec<String>,
    /// Milliseconds since the replica's JVM start.
    pub uptime_ms: u64,
}

/// A batch of compile events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompileEvents {
    /// The events, oldest first.
    pub events: Vec<CompileEvent>,
    /// How many events the sender dropped (queue full) since the previous batch.
    pub dropped: u64,
}

/// One entry of the code catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogEntry {
    /// Hash of the portable nmethod blob.
    pub content_hash: ContentHash,
    /// The method the code is for, `Lpkg/Class;name(desc)`.
    pub method: String,
    /// Size of the blob in bytes (what a [`CodeRequest`] would cost).
    pub size: u64,
}

/// The code the server holds for the receiver's compat key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeCatalog {
    /// The compat key the catalog belongs to.
    pub compat_key_hash: ContentHash,
    /// The entries.
    pub entries: Vec<CatalogEntry>,
}

/// A receiver asks for code blobs by hash; answered by one [`CodeResponse`] per hash (or an
/// [`ErrorMessage`] with [`ErrorCode::NotFound`]) on the same stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeRequest {
    /// Hashes taken from a [`CodeCatalog`].
    pub hashes: Vec<ContentHash>,
}

/// One code blob.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeResponse {
    /// Hash of `bytes`; the receiver checks it.
    pub hash: ContentHash,
    /// The portable nmethod blob.
    pub bytes: Vec<u8>,
}

impl CodeResponse {
    /// Whether `bytes` really hash to `hash`: never install a blob that fails this.
    pub fn is_intact(&self) -> bool {
        ContentHash::of(&self.bytes) == self.hash
    }
}

/// A donor uploads a captured portable nmethod.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeUpload {
    /// Hash of `bytes`.
    pub hash: ContentHash,
    /// The method the code is for.
    pub method: String,
    /// The portable nmethod blob.
    pub bytes: Vec<u8>,
}

/// The result of trying to install one blob.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum InstallOutcome {
    /// Installed and entrant.
    Installed,
    /// Not attempted: a precondition did not hold (class mismatch, not initialised, ...).
    Skipped {
        /// Why.
        reason: String,
    },
    /// Attempted and failed.
    Failed {
        /// Why.
        reason: String,
    },
    /// Installed, then deoptimised in the field.
    Deoptimized {
        /// The deoptimisation reason, as HotSpot names it.
        reason: String,
    },
}

/// One line of an [`InstallReport`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstallRecord {
    /// Which blob.
    pub hash: ContentHash,
    /// What happened.
    pub outcome: InstallOutcome,
}

/// What a receiver did with the code it was given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstallReport {
    /// One record per blob.
    pub records: Vec<InstallRecord>,
}

/// Knobs the server hands to a replica; the replica applies them until the next `Policy`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    /// How often to send a [`ProfileDelta`], in milliseconds (0: don't send profiles).
    pub profile_interval_ms: u32,
    /// How many methods at most one profile delta may describe.
    pub max_methods_per_delta: u32,
    /// Whether a donor should capture and upload its C2 code.
    pub upload_code: bool,
    /// Whether the receiver should install pushed code.
    pub install_code: bool,
}

/// Liveness and latency probe; answered with [`Pong`] carrying the same nonce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ping {
    /// Echoed back.
    pub nonce: u64,
}

/// Answer to [`Ping`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pong {
    /// The nonce of the ping.
    pub nonce: u64,
}

/// Error classes carried by [`ErrorMessage`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ErrorCode {
    /// The peer's frame or message could not be decoded.
    Malformed,
    /// The peer's frame exceeded the size limit for its kind.
    TooLarge,
    /// A message that is not valid at this point of the conversation (e.g. no Hello yet).
    UnexpectedMessage,
    /// The role does not allow this (e.g. a receiver uploading code).
    Forbidden,
    /// A requested item does not exist.
    NotFound,
    /// Failure on the answering side.
    Internal,
}

/// An error reply; the text is for humans and logs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorMessage {
    /// Machine-readable class.
    pub code: ErrorCode,
    /// What went wrong, naming the offending item.
    pub message: String,
}

macro_rules! message_set {
    ($( $(#[$doc:meta])* $variant:ident($body:ty) = $tag:literal, $class:ident; )*) => {
        /// The closed set of messages; see the module doc.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum Message {
            $( $(#[$doc])* $variant($body), )*
        }

        /// The tag byte in the frame header naming a message's kind.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[repr(u8)]
        pub enum MessageKind {
            $( $(#[$doc])* $variant = $tag, )*
        }

        impl MessageKind {
            /// Every kind, in tag order.
            pub const ALL: &'static [MessageKind] = &[$(MessageKind::$variant),*];

            /// The kind for a tag byte, `None` for an unknown tag.
            pub fn from_tag(tag: u8) -> Option<Self> {
                match tag {
                    $( $tag => Some(MessageKind::$variant), )*
                    _ => None,
                }
            }

            /// The tag byte.
            pub fn tag(self) -> u8 {
                self as u8
            }

            /// Which size ceiling applies to this kind.
            pub fn size_class(self) -> SizeClass {
                match self {
                    $( MessageKind::$variant => SizeClass::$class, )*
                }
            }

            /// The kind's name, for errors and logs.
            pub fn name(self) -> &'static str {
                match self {
                    $( MessageKind::$variant => stringify!($variant), )*
                }
            }
        }

        impl Message {
            /// This message's kind.
            pub fn kind(&self) -> MessageKind {
                match self {
                    $( Message::$variant(_) => MessageKind::$variant, )*
                }
            }

            /// Encodes the body (without the kind) with the given bincode options.
            pub(crate) fn encode_body<O: bincode::Options>(
                &self,
                options: O,
            ) -> Result<Vec<u8>, bincode::Error> {
                match self {
                    $( Message::$variant(body) => options.serialize(body), )*
                }
            }

            /// Decodes a body of the given kind with the given (limited) bincode options.
            pub(crate) fn decode_body<O: bincode::Options>(
                kind: MessageKind,
                bytes: &[u8],
                options: O,
            ) -> Result<Self, bincode::Error> {
                match kind {
                    $( MessageKind::$variant => options.deserialize::<$body>(bytes).map(Message::$variant), )*
                }
            }
        }

        $(
            impl From<$body> for Message {
                fn from(body: $body) -> Self {
                    Message::$variant(body)
                }
            }
        )*
    };
}

message_set! {
    /// Client introduces itself.
    Hello(Hello) = 1, Control;
    /// Server accepts the hello.
    HelloAck(HelloAck) = 2, Control;
    /// Server refuses the hello.
    Refuse(Refuse) = 3, Control;
    /// Profile information.
    ProfileDelta(ProfileDelta) = 4, Bulk;
    /// Compile events.
    CompileEvents(CompileEvents) = 5, Bulk;
    /// The code available for a compat key.
    CodeCatalog(CodeCatalog) = 6, Bulk;
    /// Request for code blobs.
    CodeRequest(CodeRequest) = 7, Control;
    /// One code blob.
    CodeResponse(CodeResponse) = 8, Code;
    /// A donor's code blob.
    CodeUpload(CodeUpload) = 9, Code;
    /// Install results.
    InstallReport(InstallReport) = 10, Control;
    /// Server knobs.
    Policy(Policy) = 11, Control;
    /// Liveness probe.
    Ping(Ping) = 12, Control;
    /// Liveness answer.
    Pong(Pong) = 13, Control;
    /// Error reply.
    Error(ErrorMessage) = 14, Control;
}

impl fmt::Display for MessageKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Message {
    /// Shorthand for an [`ErrorMessage`] reply.
    pub fn error(code: ErrorCode, message: impl Into<String>) -> Self {
        Message::Error(ErrorMessage { code, message: message.into() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_unique_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for &kind in MessageKind::ALL {
            assert!(seen.insert(kind.tag()), "tag {} used twice", kind.tag());
            assert_eq!(MessageKind::from_tag(kind.tag()), Some(kind));
        }
        assert_eq!(MessageKind::from_tag(0), None);
        assert_eq!(MessageKind::from_tag(255), None);
    }

    #[test]
    fn roles_round_trip_through_their_names() {
        for role in [Role::Receiver, Role::Donor, Role::Worker] {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("Donor"), None);
    }

    #[test]
    fn code_response_integrity_check_catches_a_flipped_byte() {
        let bytes = vec![1u8, 2, 3, 4];
        let mut response = CodeResponse { hash: ContentHash::of(&bytes), bytes };
        assert!(response.is_intact());
        response.bytes[2] ^= 0x40;
        assert!(!response.is_intact());
    }
}
