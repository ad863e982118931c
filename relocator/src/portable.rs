//! The portable nmethod: one C2 compilation with every address replaced by a symbol, in the
//! shape the receiver's JVMCI installer needs (code bytes, marks, foreign calls, safepoints
//! with full frames and reference maps), plus the facts that decide whether it may be
//! installed at all (compat key, class fingerprints).
//!
//! The file format follows `transport/src/profile.rs`: a fixed header — magic (8), format
//! version (u32 LE), payload length (u64 LE), blake3 of the payload (32) — then the payload
//! in bincode. A file's name is the hex blake3 of its payload (content addressing), so a
//! reader can also refuse a file whose name does not match its content.
//!
//! Methods that cannot be made portable are not guessed at: the capture records a
//! [`Refusal`] naming the reason instead.

use serde::{Deserialize, Serialize};
use bincode::Options as _;
use thiserror::Error;

/// First bytes of every portable nmethod file.
pub const PORTABLE_MAGIC: [u8; 8] = *b"JFNMETH\x01";
/// Bumped on every incompatible change of [`PortableNmethod`].
pub const PORTABLE_FORMAT_VERSION: u32 = 11;
const HEADER_LEN: usize = 8 + 4 + 8 + 32;
/// Upper bound on a payload: the largest C2 nmethods are a few hundred KiB.
pub const MAX_PAYLOAD: u64 = 64 << 20;

/// A class as the donor knew it: internal name, defining loader, bytes hash.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ClassRef {
    /// Internal form, e.g. `java/lang/String`.
    pub name: String,
    /// The defining loader's identity (`LoaderId`'s display form: `boot` or `Class/name`).
    pub loader: String,
    /// blake3 of the class file bytes; `None` when the donor never saw them (then the
    /// receiver cannot check them either and refuses).
    pub bytes_hash: Option<[u8; 32]>,
}

/// A method by identity.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MethodRef {
    pub class: ClassRef,
    pub name: String,
    /// JVM descriptor, e.g. `(I)I`.
    pub descriptor: String,
}

impl std::fmt::Display for MethodRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}{}", self.class.name, self.name, self.descriptor)
    }
}

/// A runtime address outside the nmethod, by a name the receiver can resolve.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RuntimeTarget {
    /// Inside a code blob reported by JVMTI DynamicCodeGenerated. Several blobs share a name
    /// (HotSpot 17 names all three safepoint blobs "SafepointBlob"), so `ordinal` counts the
    /// earlier blobs of the same name in generation order — equal in JVMs of one build and
    /// flags.
    CodeBlob { name: String, ordinal: u32, offset: u32 },
    /// Inside libjvm.so, by offset from its load base (same build id ⇒ same offset).
    Libjvm { offset: u64 },
}

/// A VM global C2 embeds as a 64-bit immediate without a relocation; the receiver writes its
/// own value there before installing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum VmGlobal {
    /// `CompressedKlassPointers::base()` (klass decoding in type checks).
    NarrowKlassBase,
    /// `CardTable::_byte_map_base` (card marks after reference stores; Serial, Parallel, G1).
    CardTableBase,
    /// The two's-complement negation of `CompressedKlassPointers::base()`: C2 encodes a
    /// `Klass*` held in a register as `movabs r, -base; add r, klass` (e.g. the header of an
    /// array allocated for a class known only at run time).
    NegatedNarrowKlassBase,
}

/// The JVMCI marks the slice uses (`CodeInstaller::*` ids are looked up by the receiver).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MarkKind {
    VerifiedEntry,
    UnverifiedEntry,
    OsrEntry,
    ExceptionHandlerEntry,
    DeoptHandlerEntry,
    FrameComplete,
    /// A safepoint poll in the body (`test eax, [reg]`).
    PollFar,
    /// The return poll (`cmp rsp, [r15 + polling_word]`).
    PollReturnFar,
}

impl MarkKind {
    /// The `CodeInstaller::` constant name the receiver looks up.
    pub fn jvmci_name(self) -> &'static str {
        match self {
            MarkKind::VerifiedEntry => "VERIFIED_ENTRY",
            MarkKind::UnverifiedEntry => "UNVERIFIED_ENTRY",
            MarkKind::OsrEntry => "OSR_ENTRY",
            MarkKind::ExceptionHandlerEntry => "EXCEPTION_HANDLER_ENTRY",
            MarkKind::DeoptHandlerEntry => "DEOPT_HANDLER_ENTRY",
            MarkKind::FrameComplete => "FRAME_COMPLETE",
            MarkKind::PollFar => "POLL_FAR",
            MarkKind::PollReturnFar => "POLL_RETURN_FAR",
        }
    }
}

/// The JVMCI `JavaKind` of a frame slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SlotKind {
    Int,
    Long,
    Float,
    Double,
    Object,
    Illegal,
}

/// Where a value lives, in JVMCI's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Place {
    /// A JVMCI register number: 0–15 general, 16–31 XMM.
    Register(u16),
    /// Bytes above the SP of this frame.
    Stack(u32),
}

/// One value of a frame (a local or an expression stack slot).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PortableValue {
    /// Dead, or the second half of a long/double.
    Illegal,
    Int(i32),
    Long(i64),
    /// The null reference.
    Null,
    /// A value in a register or stack slot, of this kind; `narrow` for compressed oops.
    At { place: Place, kind: SlotKind, narrow: bool },
    /// An object constant (since format 7): index into [`PortableNmethod::debug_objects`].
    Object(u32),
    /// A scalar-replaced object (since format 10): index into the safepoint's
    /// [`PortableDebugInfo::objects`], which is also its JVMCI `VirtualObject` id.
    Virtual(u32),
}

/// An object C2 eliminated by escape analysis (`ObjectValue`/`AutoBoxObjectValue`), as JVMCI's
/// `VirtualObject` describes it: deoptimisation allocates it and stores these values into it.
/// Its id is its position in [`PortableDebugInfo::objects`] (JVMCI ids index the DebugInfo's
/// mapping array, so they are renumbered densely from C2's node indices).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PortableVirtualObject {
    /// The object's class, as its mirror: index into [`PortableNmethod::debug_objects`], which
    /// must be an [`ObjectSymbol::Mirror`] (C2 names the class by its mirror in the oops table).
    pub mirror: u32,
    /// A box deoptimisation may take from the `valueOf` cache instead of allocating.
    pub auto_box: bool,
    /// One value per field (instances: by increasing offset, C2's `nonstatic_field_at` order and
    /// JVMCI's `getInstanceFields(true)`) or per element (arrays). A long or double is ONE
    /// value here, of kind Long/Double: JVMCI's `record_object_value` expands it to the two
    /// slots (`second`, value) that C2 wrote as (int 0, value). Never [`PortableValue::Illegal`].
    pub fields: Vec<PortableValue>,
}

/// One (possibly inlined) frame at a safepoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortableFrame {
    /// Index into [`PortableNmethod::methods`].
    pub method: u32,
    pub bci: i32,
    /// C2's `should_reexecute` (JVMCI derives it from `duringCall`).
    pub reexecute: bool,
    pub rethrow_exception: bool,
    pub locals: Vec<PortableValue>,
    pub stack: Vec<PortableValue>,
    /// The monitors this frame holds, outermost lock first (since format 8).
    pub monitors: Vec<PortableMonitor>,
}

/// A monitor held by a frame (C2's `MonitorValue`, JVMCI's `StackLockValue`): whom it locks
/// and where its `BasicLock` lives. Deoptimisation moves the displaced header from that slot
/// into the interpreter frame's monitor block, so the slot must be exactly C2's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PortableMonitor {
    /// The locked object: a register or stack slot of kind `Object`, or an object constant
    /// (a static synchronized method locks its class mirror).
    pub owner: PortableValue,
    /// The `BasicLock` (displaced mark word) slot, in bytes above this frame's SP.
    pub slot: u32,
    /// C2 removed the locking (nested or non-escaping lock); deoptimisation re-locks it.
    pub eliminated: bool,
}

/// A reference the GC must visit at a safepoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PortableReference {
    pub place: Place,
    pub narrow: bool,
    /// For a derived pointer (an address inside an object, e.g. C2's `base + offset` of an
    /// array element kept across a safepoint; since format 8): where its base oop is. The GC
    /// moves the base and the VM re-derives this value from it.
    pub base: Option<Place>,
}

/// Debug information at one safepoint: frames outermost first, and the reference map.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortableDebugInfo {
    pub frames: Vec<PortableFrame>,
    pub references: Vec<PortableReference>,
    /// The scalar-replaced objects the frames (or other objects) refer to with
    /// [`PortableValue::Virtual`] (since format 10): C2's object pool of this PcDesc.
    pub objects: Vec<PortableVirtualObject>,
}

/// A call or jump into the runtime (uncommon traps, handler blobs, poll stubs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForeignCall {
    /// Pc offset of the instruction (call/jmp/jcc rel32, or the `movabs` of `movabs; call r`).
    pub pc: u32,
    pub target: RuntimeTarget,
    /// Present when the VM may stop at the return address (a call that can safepoint).
    pub debug: Option<PortableDebugInfo>,
}

/// A safepoint poll in the body, with its debug information.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PollSite {
    pub pc: u32,
    pub debug: PortableDebugInfo,
}

/// An instruction that may fault on a null (or zero divisor) and where execution continues
/// (C2's implicit exception table). JVMCI wants a full-frame infopoint there; C2 records
/// none, so `debug` names the frames of the nearest following PcDesc, with no values — the
/// VM only jumps to the continuation and never reads them (hotspot17.md §7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImplicitCheckSite {
    pub pc: u32,
    pub continuation: u32,
    pub debug: PortableDebugInfo,
}

/// How a Java call is bound; names the JVMCI invoke mark the receiver puts before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum JavaCallKind {
    /// C2's `static_call` (an `invokestatic`): mark INVOKESTATIC, a static call stub.
    Static,
    /// C2's `opt_virtual_call` (a statically bound instance call): mark INVOKESPECIAL.
    Special,
    /// C2's inline-cache `virtual_call` (`invokevirtual`/`invokeinterface`): mark
    /// INVOKEVIRTUAL at the `movabs rax, imm64` that loads the cached value.
    Virtual,
}

/// A call to a Java method (`call rel32`). The callee is not recorded: C2 leaves it to the
/// bytecode at the innermost frame's bci (a call with an attached method — method handle
/// linkers — is refused), and the receiver resolves it from that bytecode the same way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JavaCall {
    /// Pc offset of the `call rel32` (JVMCI retargets it to the resolve stubs).
    pub pc: u32,
    pub kind: JavaCallKind,
    /// For [`JavaCallKind::Virtual`]: pc offset of the `movabs rax, imm64` whose immediate
    /// the receiver sets to its `Universe::non_oop_word()` (a clean inline cache).
    pub inline_cache: Option<u32>,
    /// C2's `return_oop` flag of the PcDesc at the return address: the receiver checks that
    /// the callee it resolves returns a reference exactly when this is set.
    pub returns_oop: bool,
    /// Full-frame debug information and reference map at the return address.
    pub debug: PortableDebugInfo,
}

/// A `Klass*` C2 embedded as a constant (allocation, type checks), by class identity.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct KlassConstant {
    /// `Klass::_name`: `java/lang/String`, `[Ljava/lang/String;`, `[I`.
    pub name: String,
    /// The instance class itself, or the bottom element class of an object array; `None` for
    /// arrays of primitives (boot classes without class files).
    pub element: Option<ClassRef>,
}

/// An instruction whose operand is a `Klass*` (`movabs r, imm64`) or a narrow klass (imm32):
/// the receiver emits a JVMCI `DataPatch` with its own `HotSpotMetaspaceConstant` there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct KlassPatch {
    /// Pc offset of the instruction (JVMCI locates the operand).
    pub pc: u32,
    /// Index into [`PortableNmethod::klasses`].
    pub klass: u32,
    pub narrow: bool,
}

/// An instruction whose operand is a `Method*` (`movabs r, imm64`): C2's guard, before it
/// inlines the `Object.hashCode` or `Object.clone` intrinsic at a virtual call, that the
/// receiver's vtable entry is still that method. The receiver emits a JVMCI `DataPatch` with
/// its own method's metaspace constant there (since format 11).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MethodPatch {
    /// Pc offset of the instruction (JVMCI locates the operand).
    pub pc: u32,
    pub method: MethodRef,
}

/// An object C2 embedded as a constant, named so that the receiver finds its own object of
/// the same identity (what `==` on the constant compares must hold there too).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ObjectSymbol {
    /// The `java.lang.Class` mirror of [`PortableNmethod::klasses`]`[i]` (static field bases,
    /// class literals).
    Mirror(u32),
    /// An interned string with these UTF-16 code units (an `ldc` string: the donor checked
    /// that the constant is the interned instance); the receiver uses `value.intern()`.
    Str(Vec<u16>),
    /// The value of static final field `name` (`descriptor`) of class
    /// [`PortableNmethod::klasses`]`[holder]` (enum constants, singletons, switch maps): the
    /// receiver reads its own, from the initialised class.
    StaticFinal { holder: u32, name: String, descriptor: String },
}

/// An instruction whose operand is an object constant: `movabs r, imm64`, or a narrow oop imm32.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ObjectPatch {
    /// Pc offset of the instruction (JVMCI locates the operand).
    pub pc: u32,
    pub object: ObjectSymbol,
    pub narrow: bool,
}

/// One C2 compilation, ready to be resolved and installed in another JVM of the same build.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortableNmethod {
    /// blake3 of the donor's compat key (`CompatKey::digest`).
    pub compat_key: [u8; 32],
    /// The donor's short compat id, for messages.
    pub compat_id: String,
    /// `methods[0]` is the compiled method; inlined ones follow.
    pub methods: Vec<MethodRef>,
    /// -1 for a normal compilation.
    pub entry_bci: i32,
    /// Donor compile id, for messages.
    pub compile_id: u32,
    /// Instructions and stubs, rewritten where JVMCI needs another form.
    pub code: Vec<u8>,
    /// Total frame size in bytes, return address included.
    pub frame_size_bytes: u32,
    /// C2's original-pc slot (bytes from SP) for deoptimisation.
    pub orig_pc_offset: u32,
    pub marks: Vec<(u32, MarkKind)>,
    pub foreign_calls: Vec<ForeignCall>,
    pub polls: Vec<PollSite>,
    pub implicit_checks: Vec<ImplicitCheckSite>,
    /// `movabs r, imm64` instructions (pc of the instruction; the value is at pc + 2) that
    /// load a VM global.
    pub global_patches: Vec<(u32, VmGlobal)>,
    /// (return address, handler) pc offsets: where an exception arriving at a call's return
    /// address continues. Only C2 call sites whose sole handler is the catch-all entry
    /// (bci -1, depth 0) are translated, which is the entry C2's own lookup
    /// (`SharedRuntime::compute_compiled_exc_handler`) uses for every exception there, and
    /// the one JVMCI's one-handler-per-pc table gives.
    pub exception_handlers: Vec<(u32, u32)>,
    pub java_calls: Vec<JavaCall>,
    /// Classes named by metadata constants in the code, each once.
    pub klasses: Vec<KlassConstant>,
    pub klass_patches: Vec<KlassPatch>,
    /// `Method*` constants (since format 11).
    pub method_patches: Vec<MethodPatch>,
    /// Object constants (since format 7; class mirrors only before): each names its object so
    /// that the receiver can patch in its own — see [`ObjectSymbol`]. Other objects refuse.
    pub object_patches: Vec<ObjectPatch>,
    /// Object constants of the debug information (enum constants in a local at an uncommon
    /// trap, ...), each once, referred to by [`PortableValue::Object`].
    pub debug_objects: Vec<ObjectSymbol>,
    /// Classes the code assumes initialised and static final values it may have folded
    /// (since format 4): the receiver installs only where all of them hold.
    pub facts: crate::facts::CodeFacts,
}

impl PortableNmethod {
    /// The compiled method.
    pub fn root(&self) -> Option<&MethodRef> {
        self.methods.first()
    }

    /// Every debug information of the code: polls, Java calls, runtime calls that can stop,
    /// implicit checks.
    pub fn debug_infos(&self) -> impl Iterator<Item = &PortableDebugInfo> {
        self.polls
            .iter()
            .map(|p| &p.debug)
            .chain(self.java_calls.iter().map(|c| &c.debug))
            .chain(self.foreign_calls.iter().filter_map(|c| c.debug.as_ref()))
            .chain(self.implicit_checks.iter().map(|c| &c.debug))
    }
}

/// Why a compiled method was not made portable. Each names one kind of content the slice
/// does not translate yet (or cannot translate soundly).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, Error)]
pub enum Refusal {
    #[error("the nmethod changed state while it was copied")]
    NotInUse,
    #[error("the sections do not decode: {0}")]
    Undecodable(String),
    /// No longer produced (OSR compilations translate since 2026-11-23, or refuse as
    /// `OsrShape`); kept so that older indexes and messages still decode.
    #[error("OSR compilation")]
    Osr,
    #[error("embedded object constants")]
    Oops,
    #[error("embedded metadata (Klass*/Method*) outside debug info")]
    Metadata,
    #[error("calls to Java methods")]
    JavaCalls,
    #[error("a constants section (jump tables, FP constants)")]
    Constants,
    #[error("external word references")]
    ExternalWords,
    #[error("internal or section word references other than the return-poll stub")]
    InternalWords,
    #[error("exception handler table")]
    ExceptionHandlers,
    #[error("implicit null or div-by-zero checks of an untranslated form")]
    ImplicitChecks,
    #[error("a runtime call target that names no known blob or libjvm address ({0:#x})")]
    UnknownRuntimeTarget(u64),
    #[error("a runtime call instruction of an unknown form at pc {0}")]
    UnknownCallForm(u32),
    #[error("a method in debug info that cannot be named")]
    UnnamedMethod,
    /// No longer produced (scalar-replaced objects translate since format 10, or refuse as
    /// `ScalarReplacedShape`); kept so that older indexes and messages still decode.
    #[error("scalar-replaced objects in debug info")]
    ScalarReplaced,
    #[error("a monitor of a shape the translation does not handle ({0})")]
    Monitors(String),
    #[error("a debug value the slice does not translate ({0})")]
    UnsupportedValue(String),
    #[error("derived oops in an oop map")]
    DerivedOops,
    #[error("a safepoint that is neither a poll nor a runtime call at pc {0}")]
    UnexplainedSafepoint(u32),
    #[error("C2 dependencies the slice does not translate ({0})")]
    Dependencies(String),
    #[error("a class without a bytes fingerprint ({0})")]
    NoFingerprint(String),
    #[error("the return-poll stub has an unexpected shape at pc {0}")]
    PollStubShape(u32),
    #[error("no compat key in this JVM")]
    NoCompatKey,
    #[error("an unrelocated VM address {value:#x} at pc {pc} (card table or klass base?)")]
    RawVmAddress { pc: u32, value: u64 },
    #[error("a call site whose exception handlers C2 picks by exception type (return pc {0})")]
    ExceptionDispatch(u32),
    #[error("a method-handle call site (attached method, linkTo*/invokeBasic, or an MH invoke) at pc {0}")]
    MethodHandleCall(u32),
    #[error("a Java call of an unexpected shape at pc {0}")]
    JavaCallShape(u32),
    #[error("an object constant of class {0} (only class mirrors, interned strings and the values of static final fields are translated)")]
    ObjectConstant(String),
    /// The second field says what the constant is, as far as the donor could tell (a
    /// `Method*` and of which method, or a class and its loader).
    #[error("a metadata constant at pc {0} that is not a class this capture can name: {1}")]
    UnnamedKlass(u32, String),
    /// A hidden class (lambda proxy, LambdaForm holder, `Lookup.defineHiddenClass`): it has no
    /// name another JVM could resolve.
    #[error("a metadata constant at pc {0} that is a hidden class ({1})")]
    HiddenClass(u32, String),
    #[error("the classes and static values the code depends on cannot be established ({0})")]
    Facts(String),
    #[error("an OSR compilation of an unexpected shape: {0}")]
    OsrShape(String),
    /// Scalar-replaced objects translate since format 10; this names one that does not.
    #[error("a scalar-replaced object of a shape the translation does not handle ({0})")]
    ScalarReplacedShape(String),
}

impl Refusal {
    /// A short stable name, for counters and the index.
    pub fn name(&self) -> &'static str {
        match self {
            Refusal::NotInUse => "not_in_use",
            Refusal::Undecodable(_) => "undecodable",
            Refusal::Osr => "osr",
            Refusal::Oops => "oops",
            Refusal::Metadata => "metadata",
            Refusal::JavaCalls => "java_calls",
            Refusal::Constants => "constants",
            Refusal::ExternalWords => "external_words",
            Refusal::InternalWords => "internal_words",
            Refusal::ExceptionHandlers => "exception_handlers",
            Refusal::ImplicitChecks => "implicit_checks",
            Refusal::UnknownRuntimeTarget(_) => "unknown_runtime_target",
            Refusal::UnknownCallForm(_) => "unknown_call_form",
            Refusal::UnnamedMethod => "unnamed_method",
            Refusal::ScalarReplaced => "scalar_replaced",
            Refusal::Monitors(_) => "monitors",
            Refusal::UnsupportedValue(_) => "unsupported_value",
            Refusal::DerivedOops => "derived_oops",
            Refusal::UnexplainedSafepoint(_) => "unexplained_safepoint",
            Refusal::Dependencies(_) => "dependencies",
            Refusal::NoFingerprint(_) => "no_fingerprint",
            Refusal::PollStubShape(_) => "poll_stub_shape",
            Refusal::NoCompatKey => "no_compat_key",
            Refusal::RawVmAddress { .. } => "raw_vm_address",
            Refusal::ExceptionDispatch(_) => "exception_dispatch",
            Refusal::MethodHandleCall(_) => "method_handle_call",
            Refusal::JavaCallShape(_) => "java_call_shape",
            Refusal::UnnamedKlass(..) => "unnamed_klass",
            Refusal::HiddenClass(..) => "hidden_class",
            Refusal::ObjectConstant(_) => "oops",
            Refusal::Facts(_) => "facts",
            Refusal::OsrShape(_) => "osr_shape",
            Refusal::ScalarReplacedShape(_) => "scalar_replaced_shape",
        }
    }
}

/// Why a portable nmethod file could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum PortableFileError {
    #[error("not a portable nmethod file (bad magic or shorter than the {HEADER_LEN}-byte header)")]
    NotPortable,
    #[error("portable nmethod format version {found}, this build reads {expected}")]
    Version { found: u32, expected: u32 },
    #[error("payload length {declared} does not match the {actual} bytes present")]
    Length { declared: u64, actual: u64 },
    #[error("payload hash mismatch: the file is corrupt")]
    Corrupt,
    #[error("payload does not decode: {0}")]
    Payload(String),
}

/// Encodes a portable nmethod as a file; returns the bytes and the content id (hex blake3
/// of the payload) to name it by.
pub fn encode_portable(nmethod: &PortableNmethod) -> (Vec<u8>, String) {
    let payload = bincode_options().serialize(nmethod).unwrap_or_default();
    let hash = blake3::hash(&payload);
    let mut out = Vec::with_capacity(HEADER_LEN + payload.len());
    out.extend_from_slice(&PORTABLE_MAGIC);
    out.extend_from_slice(&PORTABLE_FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(hash.as_bytes());
    out.extend_from_slice(&payload);
    (out, hash.to_hex().to_string())
}

/// Decodes a file written by [`encode_portable`], checking magic, version, length and hash.
pub fn decode_portable(bytes: &[u8]) -> Result<PortableNmethod, PortableFileError> {
    if bytes.len() < HEADER_LEN || bytes[..8] != PORTABLE_MAGIC {
        return Err(PortableFileError::NotPortable);
    }
    let version = u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]);
    if version != PORTABLE_FORMAT_VERSION {
        return Err(PortableFileError::Version { found: version, expected: PORTABLE_FORMAT_VERSION });
    }
    let mut len = [0u8; 8];
    len.copy_from_slice(&bytes[12..20]);
    let declared = u64::from_le_bytes(len);
    let payload = &bytes[HEADER_LEN..];
    if declared != payload.len() as u64 || declared > MAX_PAYLOAD {
        return Err(PortableFileError::Length { declared, actual: payload.len() as u64 });
    }
    if blake3::hash(payload).as_bytes()[..] != bytes[20..52] {
        return Err(PortableFileError::Corrupt);
    }
    bincode_options().deserialize(payload).map_err(|e| PortableFileError::Payload(e.to_string()))
}

fn bincode_options() -> impl bincode::Options {
    use bincode::Options;
    bincode::DefaultOptions::new().with_fixint_encoding().with_limit(MAX_PAYLOAD)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> PortableNmethod {
        let class = ClassRef { name: "Share".into(), loader: "app".into(), bytes_hash: Some([7; 32]) };
        PortableNmethod {
            compat_key: [1; 32],
            compat_id: "abc".into(),
            methods: vec![MethodRef { class, name: "mix".into(), descriptor: "(I)I".into() }],
            entry_bci: -1,
            compile_id: 42,
            code: vec![0x90, 0xc3],
            frame_size_bytes: 32,
            orig_pc_offset: 8,
            marks: vec![(0, MarkKind::VerifiedEntry), (1, MarkKind::PollReturnFar)],
            foreign_calls: vec![ForeignCall {
                pc: 1,
                target: RuntimeTarget::CodeBlob { name: "SafepointBlob".into(), ordinal: 2, offset: 0 },
                debug: None,
            }],
            polls: vec![PollSite {
                pc: 0,
                debug: PortableDebugInfo {
                    frames: vec![PortableFrame {
                        method: 0,
                        bci: 5,
                        reexecute: false,
                        rethrow_exception: false,
                        locals: vec![
                            PortableValue::Int(3),
                            PortableValue::At { place: Place::Register(1), kind: SlotKind::Long, narrow: false },
                            PortableValue::Illegal,
                        ],
                        stack: vec![PortableValue::Virtual(1)],
                        monitors: vec![PortableMonitor {
                            owner: PortableValue::At { place: Place::Register(3), kind: SlotKind::Object, narrow: true },
                            slot: 24,
                            eliminated: false,
                        }],
                    }],
                    references: vec![
                        PortableReference { place: Place::Stack(16), narrow: true, base: None },
                        PortableReference { place: Place::Register(2), narrow: false, base: Some(Place::Stack(16)) },
                    ],
                    objects: vec![
                        PortableVirtualObject { mirror: 0, auto_box: true, fields: vec![PortableValue::Int(7)] },
                        PortableVirtualObject {
                            mirror: 0,
                            auto_box: false,
                            fields: vec![PortableValue::Long(-1), PortableValue::Virtual(0), PortableValue::Virtual(1)],
                        },
                    ],
                },
            }],
            implicit_checks: vec![ImplicitCheckSite {
                pc: 1,
                continuation: 0,
                debug: PortableDebugInfo { frames: vec![], references: vec![], objects: vec![] },
            }],
            global_patches: vec![(4, VmGlobal::NarrowKlassBase)],
            exception_handlers: vec![(12, 40)],
            java_calls: vec![JavaCall {
                pc: 7,
                kind: JavaCallKind::Virtual,
                inline_cache: Some(0),
                returns_oop: true,
                debug: PortableDebugInfo { frames: vec![], references: vec![], objects: vec![] },
            }],
            klasses: vec![KlassConstant { name: "[I".into(), element: None }],
            klass_patches: vec![KlassPatch { pc: 3, klass: 0, narrow: true }],
            method_patches: vec![],
            object_patches: vec![
                ObjectPatch { pc: 5, object: ObjectSymbol::Mirror(0), narrow: false },
                ObjectPatch { pc: 9, object: ObjectSymbol::Str("h\u{e9}llo".encode_utf16().collect()), narrow: true },
                ObjectPatch { pc: 13, object: ObjectSymbol::StaticFinal { holder: 0, name: "RED".into(), descriptor: "LColor;".into() }, narrow: true },
            ],
            debug_objects: vec![ObjectSymbol::Str(vec![104])],
            facts: crate::facts::CodeFacts {
                initialised: vec![ClassRef { name: "Conf".into(), loader: "app".into(), bytes_hash: Some([9; 32]) }],
                statics: vec![crate::facts::FoldedStatic {
                    holder: ClassRef { name: "Conf".into(), loader: "app".into(), bytes_hash: Some([9; 32]) },
                    name: "N".into(),
                    descriptor: "I".into(),
                    value: crate::facts::StaticValue::Int(31),
                }],
                assumptions: vec![crate::facts::PortableAssumption::LeafType {
                    context: ClassRef { name: "Shape".into(), loader: "app".into(), bytes_hash: Some([3; 32]) },
                }],
                layout: vec![ClassRef { name: "Box".into(), loader: "app".into(), bytes_hash: Some([4; 32]) }],
            },
        }
    }

    #[test]
    fn round_trips_and_names_files_by_content() {
        let (bytes, id) = encode_portable(&sample());
        assert_eq!(decode_portable(&bytes).unwrap(), sample());
        assert_eq!(id.len(), 64);
        let mut other = sample();
        other.code.push(0x90);
        assert_ne!(encode_portable(&other).1, id);
    }

    #[test]
    fn refuses_other_versions_and_corrupt_files() {
        let (bytes, _) = encode_portable(&sample());
        let mut v2 = bytes.clone();
        v2[8] = 1;
        assert_eq!(decode_portable(&v2), Err(PortableFileError::Version { found: 1, expected: PORTABLE_FORMAT_VERSION }));
        let mut bad = bytes.clone();
        *bad.last_mut().unwrap() ^= 1;
        assert_eq!(decode_portable(&bad), Err(PortableFileError::Corrupt));
        assert_eq!(decode_portable(&bytes[..10]), Err(PortableFileError::NotPortable));
        let short = &bytes[..bytes.len() - 1];
        assert!(matches!(decode_portable(short), Err(PortableFileError::Length { .. })));
    }
}
