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
//! Every format was read from the OpenJDK 17 sources (named in each module's docs).
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
pub mod handlers;
pub mod layout;
pub mod nulchk;
pub mod oopmap;
pub mod pcdesc;
pub mod reloc;
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
