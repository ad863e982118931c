//! Names of the captured sections and the typed offsets and indices that point into them.
//!
//! HotSpot measures positions from several different origins (the header, the content
//! begin, the code begin, the start of a data section). Each origin gets its own newtype so
//! that a PcDesc pc offset can never be added to a relocation address by accident.

use serde::{Deserialize, Serialize};
use std::fmt;

/// One captured section of an nmethod (plus the oop maps, which live outside it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum SectionId {
    Relocations,
    Consts,
    Insts,
    Stubs,
    Oops,
    Metadata,
    ScopesData,
    ScopesPcs,
    Dependencies,
    HandlerTable,
    NulChkTable,
    OopMaps,
}

impl fmt::Display for SectionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            SectionId::Relocations => "relocations",
            SectionId::Consts => "consts",
            SectionId::Insts => "insts",
            SectionId::Stubs => "stubs",
            SectionId::Oops => "oops",
            SectionId::Metadata => "metadata",
            SectionId::ScopesData => "scopes data",
            SectionId::ScopesPcs => "scopes pcs",
            SectionId::Dependencies => "dependencies",
            SectionId::HandlerTable => "handler table",
            SectionId::NulChkTable => "implicit exception table",
            SectionId::OopMaps => "oop maps",
        };
        f.write_str(name)
    }
}

/// The three code sections CodeBuffer concatenates (`CodeBuffer::SECT_CONSTS` = 0,
/// `SECT_INSTS` = 1, `SECT_STUBS` = 2 in `asm/codeBuffer.hpp`); section_word relocations
/// name them by these numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CodeSection {
    Consts,
    Insts,
    Stubs,
}

impl CodeSection {
    /// The section for a `CodeBuffer` section index, if it is one.
    pub fn from_index(index: i32) -> Option<CodeSection> {
        match index {
            0 => Some(CodeSection::Consts),
            1 => Some(CodeSection::Insts),
            2 => Some(CodeSection::Stubs),
            _ => None,
        }
    }

    /// The section as a captured-section name.
    pub fn id(self) -> SectionId {
        match self {
            CodeSection::Consts => SectionId::Consts,
            CodeSection::Insts => SectionId::Insts,
            CodeSection::Stubs => SectionId::Stubs,
        }
    }
}

/// A byte offset from the nmethod's content begin (the start of the consts section), the
/// origin of the relocation stream's addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ContentOffset(pub u32);

/// A byte offset from the nmethod's code begin (the start of insts), the origin HotSpot uses
/// for PcDescs, oop maps, exception handler and implicit exception tables. Signed because
/// the PcDesc sentinels use -1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct PcOffset(pub i32);

/// A byte offset into the scopes data section (0 is HotSpot's `serialized_null`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ScopeDataOffset(pub u32);

/// A 1-based index into the nmethod's oops table; 0 means "no oop" (or, for an oop
/// relocation, "the value is in the instruction").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct OopIndex(pub u32);

/// A 1-based index into the nmethod's metadata table; 0 means "none" / "in the instruction".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct MetadataIndex(pub u32);

impl OopIndex {
    /// The 0-based slot in the captured oops table, or `None` for index 0.
    pub fn slot(self) -> Option<usize> {
        (self.0 as usize).checked_sub(1)
    }
}

impl MetadataIndex {
    /// The 0-based slot in the captured metadata table, or `None` for index 0.
    pub fn slot(self) -> Option<usize> {
        (self.0 as usize).checked_sub(1)
    }
}
