//! Pure decoders for the sections of HotSpot 17 (x86-64) nmethods copied out of a running
//! JVM: relocations, PcDescs and scopes, oop maps, dependencies, the exception handler and
//! implicit exception tables.
//!
//! Like quinn-proto and rustls, this crate is a pure core: bytes and a layout in, values
//! out; no I/O, no `unsafe`, no panics on any input. The agent copies an nmethod's sections
//! into a [`CapturedNmethod`] while the nmethod is pinned and calls [`decode_all`], which
//! runs every decoder and cross-checks their results. Each decoder is also usable on its
//! own with a section's bytes, in the style of gimli: typed offsets ([`section`]), errors
//! that carry the offset and the bad value ([`Error`]), iterators that yield `Result`s.
//!
//! Every format was read from the OpenJDK 17 sources (named in each module's docs) and is
//! checked against real C2 nmethods dumped by the Serviceability Agent
//! (`tests/golden.rs`).
//!
//! ```
//! use jitfleet_relocator::deps::{decode_dependencies, DepArg, DepType};
//! use jitfleet_relocator::{Error, MetadataIndex};
//!
//! // leaf_type(metadata 4), then the end marker and padding, as HotSpot writes them.
//! let deps = decode_dependencies(&[2, 4, 0, 0, 0, 0, 0, 0])?;
//! assert_eq!(deps[0].kind, DepType::LeafType);
//! assert_eq!(deps[0].args, vec![DepArg::Metadata(MetadataIndex(4))]);
//! // Malformed input is an error naming the place, never a panic.
//! assert_eq!(decode_dependencies(&[9]), Err(Error::BadDependencyType { offset: 0, code: 9 }));
//! # Ok::<(), Error>(())
//! ```
//!
//! Modules: [`layout`] (where sections lie), [`stream`] (UNSIGNED5 compressed streams),
//! [`reloc`], [`pcdesc`], [`scope`], [`oopmap`], [`deps`], [`handlers`], [`nulchk`],
//! [`vmreg`] (what a VMReg number names), [`decode`] (everything at once, with cross-checks).
#![forbid(unsafe_code)]
// `is_multiple_of` is newer than the workspace's rust-version (1.80).
#![allow(clippy::manual_is_multiple_of)]

pub mod decode;
pub mod deps;
pub mod error;
pub mod facts;
pub mod handlers;
pub mod layout;
pub mod nulchk;
pub mod oopmap;
pub mod pcdesc;
pub mod portable;
pub mod reloc;
pub mod relocheck;
pub mod scope;
pub mod section;
pub mod stream;
pub mod vmreg;

#[cfg(test)]
mod robustness;
#[cfg(test)]
pub(crate) mod test_encode;

pub use decode::{decode_all, DecodedNmethod};
pub use error::Error;
pub use layout::{CapturedNmethod, ContentLayout, NmethodLayout};
pub use section::{CodeSection, ContentOffset, MetadataIndex, OopIndex, PcOffset, ScopeDataOffset, SectionId};
