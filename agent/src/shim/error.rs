//! Errors of the shim: each says what was being read and where.

use thiserror::Error;

/// Why a shim read or decode did not produce a value. None of these is fatal to the JVM: callers
/// log them and skip the method (or switch the feature off).
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ShimError {
    #[error("{what}: implausible pointer {addr:#x} (null, sentinel, misaligned or outside user space)")]
    ImplausiblePointer { what: &'static str, addr: u64 },
    #[error("{what}: implausible size {size} (limit {limit})")]
    ImplausibleSize { what: &'static str, size: u64, limit: u64 },
    #[error("process_vm_readv of {len} bytes at {addr:#x} failed: errno {errno}")]
    ReadFailed { addr: u64, len: usize, errno: i32 },
    #[error("{what}: short read at {addr:#x}: wanted {wanted} bytes, got {got}")]
    ShortRead { what: &'static str, addr: u64, wanted: usize, got: usize },
    #[error("{what}: string at {addr:#x} longer than {limit} bytes")]
    StringTooLong { what: &'static str, addr: u64, limit: usize },
    #[error("symbol {0} not found in the loaded libjvm")]
    MissingSymbol(&'static str),
    #[error("feature {feature} is off: VM structure entry {missing} not found")]
    FeatureOff { feature: &'static str, missing: &'static str },
    #[error("jmethodID {0:#x} is cleared (its class was unloaded or redefined)")]
    ClearedMethodId(u64),
    #[error("MethodData decode: {reason} at data offset {offset}")]
    BadMethodData { reason: &'static str, offset: usize },
    #[error("{what}: VM table has more than {limit} entries; giving up")]
    TableTooLong { what: &'static str, limit: usize },
    #[error("ELF parse of {what}: {reason}")]
    BadElf { what: String, reason: &'static str },
}
