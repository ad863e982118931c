//! The shape of a captured HotSpot 17 nmethod: where each section lies and the scalar
//! facts (entries, frame) installation needs, plus the captured bytes themselves.
//!
//! Every offset in [`NmethodLayout`] is a byte offset from the nmethod's header begin (the
//! `nmethod*`), as the `_xxx_offset` fields in `code/nmethod.hpp` are; entry points and
//! handler addresses, which HotSpot stores as addresses, are converted to the same origin by
//! the capturer. Section order (`nmethod::nmethod` in `code/nmethod.cpp`):
//! header | relocations | consts | insts | stubs | oops | metadata | scopes data |
//! scopes pcs | dependencies | native invokers | handler table | implicit exception table
//! (| speculations | JVMCI data, both empty for C2).

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::section::{CodeSection, ContentOffset, PcOffset, SectionId};

/// `InvocationEntryBci`: the bci of a normal (non-OSR) compilation.
pub const INVOCATION_ENTRY_BCI: i32 = -1;
/// `CompLevel_full_optimization`, the tier of C2 code.
pub const COMP_LEVEL_FULL_OPTIMIZATION: i32 = 4;
/// Size of one oops or metadata table slot on x86-64.
pub const SLOT_SIZE: u32 = 8;

/// Section offsets and scalar facts of one nmethod, as read from its header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NmethodLayout {
    /// `CodeBlob::_size`: total bytes from header begin to the end of the nmethod.
    pub size: u32,
    /// `CodeBlob::_header_size`.
    pub header_size: u32,
    /// `CodeBlob::_relocation_begin` (always `header_size` in 17).
    pub relocation_begin: u32,
    /// `CodeBlob::_relocation_end`.
    pub relocation_end: u32,
    /// `nmethod::_consts_offset`; also the content begin, the origin of relocation addresses.
    pub consts_offset: u32,
    /// `CodeBlob::_code_begin` (start of insts), the origin of pc offsets.
    pub code_offset: u32,
    /// `nmethod::_stub_offset`.
    pub stub_offset: u32,
    /// `nmethod::_oops_offset` (also the end of the content and of the stubs).
    pub oops_offset: u32,
    /// `nmethod::_metadata_offset`.
    pub metadata_offset: u32,
    /// `CompiledMethod::_scopes_data_begin`.
    pub scopes_data_offset: u32,
    /// `nmethod::_scopes_pcs_offset`.
    pub scopes_pcs_offset: u32,
    /// `nmethod::_dependencies_offset`.
    pub dependencies_offset: u32,
    /// `nmethod::_native_invokers_offset` (end of the dependencies; equal to
    /// `handler_table_offset` unless the method has Panama native invokers).
    pub native_invokers_offset: u32,
    /// `nmethod::_handler_table_offset`.
    pub handler_table_offset: u32,
    /// `nmethod::_nul_chk_table_offset`.
    pub nul_chk_table_offset: u32,
    /// End of the implicit exception table: `_speculations_offset` in a JVMCI-enabled build
    /// (the Debian one), `_nmethod_end_offset` otherwise; the same value for C2 code.
    pub nul_chk_table_end: u32,
    /// `_entry_point` (unverified entry, the inline-cache check).
    pub entry_point: u32,
    /// `_verified_entry_point`.
    pub verified_entry_point: u32,
    /// `_osr_entry_point` (meaningful only when `entry_bci` is not -1).
    pub osr_entry_point: u32,
    /// `_exception_offset`: the exception handler entry, in the stubs.
    pub exception_offset: u32,
    /// `_deopt_handler_begin`.
    pub deopt_handler_offset: u32,
    /// `_deopt_mh_handler_begin`, when the method has one.
    pub deopt_mh_handler_offset: Option<u32>,
    /// `CodeBlob::_frame_complete_offset`, from code begin (-1 when unknown).
    pub frame_complete_offset: i32,
    /// `CodeBlob::_frame_size`, in 8-byte words, including the return address.
    pub frame_size_words: u32,
    /// `nmethod::_orig_pc_offset`: the deopt "original pc" slot, in bytes from the SP.
    pub orig_pc_offset: i32,
    /// `nmethod::_comp_level`.
    pub comp_level: i32,
    /// `nmethod::_entry_bci` (-1 for a normal compilation, the loop bci for OSR).
    pub entry_bci: i32,
}

/// A half-open byte range `[begin, end)` of the nmethod, from header begin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub begin: u32,
    pub end: u32,
}

impl Span {
    /// Length in bytes (0 for an inverted span, which `validate` rejects first).
    pub fn len(self) -> usize {
        self.end.saturating_sub(self.begin) as usize
    }

    /// Whether the span holds no bytes.
    pub fn is_empty(self) -> bool {
        self.len() == 0
    }

    /// Whether `offset` lies inside.
    pub fn contains(self, offset: u32) -> bool {
        self.begin <= offset && offset < self.end
    }
}

/// Where the three code sections lie relative to the content begin; what the relocation
/// decoder needs to resolve section-relative targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContentLayout {
    /// Start of insts (= code begin) from content begin.
    pub insts_start: u32,
    /// Start of stubs from content begin.
    pub stubs_start: u32,
    /// End of stubs (= end of content) from content begin.
    pub content_end: u32,
}

impl ContentLayout {
    /// Start of a code section, from content begin.
    pub fn section_start(&self, section: CodeSection) -> u32 {
        match section {
            CodeSection::Consts => 0,
            CodeSection::Insts => self.insts_start,
            CodeSection::Stubs => self.stubs_start,
        }
    }

    /// The section holding a content offset, or `None` past the end.
    pub fn section_of(&self, offset: ContentOffset) -> Option<CodeSection> {
        let o = offset.0;
        if o < self.insts_start {
            Some(CodeSection::Consts)
        } else if o < self.stubs_start {
            Some(CodeSection::Insts)
        } else if o < self.content_end {
            Some(CodeSection::Stubs)
        } else {
            None
        }
    }

    /// Converts a content offset to a pc offset (from code begin).
    pub fn to_pc_offset(&self, offset: ContentOffset) -> PcOffset {
        PcOffset((i64::from(offset.0) - i64::from(self.insts_start)) as i32)
    }

    /// Converts a pc offset to a content offset, if it lies in the content.
    pub fn to_content_offset(&self, pc: PcOffset) -> Option<ContentOffset> {
        let o = i64::from(pc.0) + i64::from(self.insts_start);
        if (0..=i64::from(self.content_end)).contains(&o) {
            Some(ContentOffset(o as u32))
        } else {
            None
        }
    }
}

impl NmethodLayout {
    /// The section boundaries in header order, with their names, for validation.
    fn ordered_fields(&self) -> [(&'static str, u32); 16] {
        [
            ("header_size", self.header_size),
            ("relocation_begin", self.relocation_begin),
            ("relocation_end", self.relocation_end),
            ("consts_offset", self.consts_offset),
            ("code_offset", self.code_offset),
            ("stub_offset", self.stub_offset),
            ("oops_offset", self.oops_offset),
            ("metadata_offset", self.metadata_offset),
            ("scopes_data_offset", self.scopes_data_offset),
            ("scopes_pcs_offset", self.scopes_pcs_offset),
            ("dependencies_offset", self.dependencies_offset),
            ("native_invokers_offset", self.native_invokers_offset),
            ("handler_table_offset", self.handler_table_offset),
            ("nul_chk_table_offset", self.nul_chk_table_offset),
            ("nul_chk_table_end", self.nul_chk_table_end),
            ("size", self.size),
        ]
    }

    /// Checks that the offsets describe a well-formed nmethod: sections in header order and
    /// inside the blob, table sizes in whole slots, entries inside the code, the original-pc
    /// slot inside the frame. The error names the first inconsistent field.
    pub fn validate(&self) -> Result<(), Error> {
        if self.relocation_begin != self.header_size {
            return Err(Error::LayoutBadValue {
                field: "relocation_begin",
                value: i64::from(self.relocation_begin),
            });
        }
        let fields = self.ordered_fields();
        for pair in fields.windows(2) {
            let (prev_name, prev) = pair[0];
            let (name, value) = pair[1];
            if value < prev {
                return Err(Error::LayoutOutOfOrder {
                    field: name,
                    value,
                    previous_field: prev_name,
                    previous: prev,
                });
            }
        }
        if self.relocation_end.saturating_sub(self.relocation_begin) % 2 != 0 {
            return Err(Error::LayoutBadValue {
                field: "relocation_end",
                value: i64::from(self.relocation_end),
            });
        }
        for (name, span) in [("oops_offset", self.oops()), ("metadata_offset", self.metadata())] {
            if span.len() % SLOT_SIZE as usize != 0 {
                return Err(Error::LayoutBadValue {
                    field: name,
                    value: span.len() as i64,
                });
            }
        }
        let code = Span {
            begin: self.code_offset,
            end: self.oops_offset,
        };
        for (name, value) in [
            ("entry_point", self.entry_point),
            ("verified_entry_point", self.verified_entry_point),
            ("exception_offset", self.exception_offset),
            ("deopt_handler_offset", self.deopt_handler_offset),
        ] {
            if !code.contains(value) {
                return Err(Error::LayoutOffsetOutOfRange {
                    field: name,
                    value: i64::from(value),
                    size: self.size,
                });
            }
        }
        if let Some(mh) = self.deopt_mh_handler_offset {
            if !code.contains(mh) {
                return Err(Error::LayoutOffsetOutOfRange {
                    field: "deopt_mh_handler_offset",
                    value: i64::from(mh),
                    size: self.size,
                });
            }
        }
        if self.is_osr() && !code.contains(self.osr_entry_point) {
            return Err(Error::LayoutOffsetOutOfRange {
                field: "osr_entry_point",
                value: i64::from(self.osr_entry_point),
                size: self.size,
            });
        }
        if self.entry_bci < INVOCATION_ENTRY_BCI {
            return Err(Error::LayoutBadValue {
                field: "entry_bci",
                value: i64::from(self.entry_bci),
            });
        }
        if !(0..=COMP_LEVEL_FULL_OPTIMIZATION).contains(&self.comp_level) {
            return Err(Error::LayoutBadValue {
                field: "comp_level",
                value: i64::from(self.comp_level),
            });
        }
        let frame_bytes = i64::from(self.frame_size_words) * 8;
        let orig_pc = i64::from(self.orig_pc_offset);
        // The slot holds a full word and must lie below the return address.
        if self.frame_size_words > 0 && (orig_pc < 0 || orig_pc + 8 > frame_bytes - 8) {
            return Err(Error::LayoutBadValue {
                field: "orig_pc_offset",
                value: orig_pc,
            });
        }
        let insts_len = i64::from(self.stub_offset - self.code_offset);
        if self.frame_complete_offset < -1 || i64::from(self.frame_complete_offset) > insts_len {
            return Err(Error::LayoutBadValue {
                field: "frame_complete_offset",
                value: i64::from(self.frame_complete_offset),
            });
        }
        Ok(())
    }

    /// Whether this is an on-stack-replacement compilation.
    pub fn is_osr(&self) -> bool {
        self.entry_bci != INVOCATION_ENTRY_BCI
    }

    pub fn relocations(&self) -> Span {
        Span { begin: self.relocation_begin, end: self.relocation_end }
    }
    pub fn consts(&self) -> Span {
        Span { begin: self.consts_offset, end: self.code_offset }
    }
    pub fn insts(&self) -> Span {
        Span { begin: self.code_offset, end: self.stub_offset }
    }
    pub fn stubs(&self) -> Span {
        Span { begin: self.stub_offset, end: self.oops_offset }
    }
    pub fn oops(&self) -> Span {
        Span { begin: self.oops_offset, end: self.metadata_offset }
    }
    pub fn metadata(&self) -> Span {
        Span { begin: self.metadata_offset, end: self.scopes_data_offset }
    }
    pub fn scopes_data(&self) -> Span {
        Span { begin: self.scopes_data_offset, end: self.scopes_pcs_offset }
    }
    pub fn scopes_pcs(&self) -> Span {
        Span { begin: self.scopes_pcs_offset, end: self.dependencies_offset }
    }
    pub fn dependencies(&self) -> Span {
        Span { begin: self.dependencies_offset, end: self.native_invokers_offset }
    }
    pub fn native_invokers(&self) -> Span {
        Span { begin: self.native_invokers_offset, end: self.handler_table_offset }
    }
    pub fn handler_table(&self) -> Span {
        Span { begin: self.handler_table_offset, end: self.nul_chk_table_offset }
    }
    pub fn nul_chk_table(&self) -> Span {
        Span { begin: self.nul_chk_table_offset, end: self.nul_chk_table_end }
    }

    /// The code sections relative to the content begin (call after `validate`).
    pub fn content(&self) -> ContentLayout {
        ContentLayout {
            insts_start: self.code_offset.saturating_sub(self.consts_offset),
            stubs_start: self.stub_offset.saturating_sub(self.consts_offset),
            content_end: self.oops_offset.saturating_sub(self.consts_offset),
        }
    }

    /// Converts a header-relative offset inside the code to a pc offset (from code begin).
    pub fn pc_offset_of(&self, header_offset: u32) -> PcOffset {
        PcOffset((i64::from(header_offset) - i64::from(self.code_offset)) as i32)
    }

    /// Bytes the insts and stubs span from code begin: the largest valid pc offset.
    pub fn code_size(&self) -> u32 {
        self.oops_offset.saturating_sub(self.code_offset)
    }
}

/// One nmethod as copied out of the code cache: its layout and owned copies of every
/// section the decoders read. Plain data; the agent fills it, the relocator reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CapturedNmethod {
    pub layout: NmethodLayout,
    /// Where the nmethod header was in the donor JVM. The copied code still holds absolute
    /// and pc-relative addresses computed from it (rel32 call targets, internal words
    /// resolved in the instruction), so resolving them needs it.
    pub header_address: u64,
    pub relocations: Vec<u8>,
    pub consts: Vec<u8>,
    pub insts: Vec<u8>,
    pub stubs: Vec<u8>,
    /// The oops table, one 8-byte slot per entry (oop index N is slot N-1).
    pub oops: Vec<u64>,
    /// The metadata table (`Klass*`/`Method*`), one slot per entry (index N is slot N-1).
    pub metadata: Vec<u64>,
    pub scopes_data: Vec<u8>,
    pub scopes_pcs: Vec<u8>,
    pub dependencies: Vec<u8>,
    pub handler_table: Vec<u8>,
    pub nul_chk_table: Vec<u8>,
    /// The `ImmutableOopMapSet` (`CodeBlob::_oop_maps`, outside the nmethod), whole:
    /// `nr_of_bytes()` bytes from its header.
    pub oop_maps: Vec<u8>,
}

impl CapturedNmethod {
    /// The donor address of the content begin (the consts section): relocation content
    /// offsets are relative to it.
    pub fn content_address(&self) -> u64 {
        self.header_address.wrapping_add(u64::from(self.layout.consts_offset))
    }

    /// The donor address of the code begin (insts): pc offsets are relative to it.
    pub fn code_address(&self) -> u64 {
        self.header_address.wrapping_add(u64::from(self.layout.code_offset))
    }

    /// Validates the layout, then checks every captured section has the length the layout
    /// gives it; the error names the first section that does not.
    pub fn validate(&self) -> Result<(), Error> {
        let l = &self.layout;
        l.validate()?;
        let byte_sections: [(SectionId, Span, usize); 10] = [
            (SectionId::Relocations, l.relocations(), self.relocations.len()),
            (SectionId::Consts, l.consts(), self.consts.len()),
            (SectionId::Insts, l.insts(), self.insts.len()),
            (SectionId::Stubs, l.stubs(), self.stubs.len()),
            (SectionId::ScopesData, l.scopes_data(), self.scopes_data.len()),
            (SectionId::ScopesPcs, l.scopes_pcs(), self.scopes_pcs.len()),
            (SectionId::Dependencies, l.dependencies(), self.dependencies.len()),
            (SectionId::HandlerTable, l.handler_table(), self.handler_table.len()),
            (SectionId::NulChkTable, l.nul_chk_table(), self.nul_chk_table.len()),
            (SectionId::Oops, l.oops(), self.oops.len() * SLOT_SIZE as usize),
        ];
        for (section, span, actual) in byte_sections {
            if span.len() != actual {
                return Err(Error::SectionLengthMismatch {
                    section,
                    expected: span.len(),
                    actual,
                });
            }
        }
        let metadata_bytes = self.metadata.len() * SLOT_SIZE as usize;
        if l.metadata().len() != metadata_bytes {
            return Err(Error::SectionLengthMismatch {
                section: SectionId::Metadata,
                expected: l.metadata().len(),
                actual: metadata_bytes,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A small, consistent layout: 352-byte header, 16 bytes of relocations, 16 of consts,
    /// 64 of insts, 32 of stubs, 2 oops, 3 metadata, then the data sections.
    pub fn sample_layout() -> NmethodLayout {
        NmethodLayout {
            size: 352 + 16 + 16 + 64 + 32 + 16 + 24 + 40 + 48 + 8 + 24 + 24,
            header_size: 352,
            relocation_begin: 352,
            relocation_end: 368,
            consts_offset: 368,
            code_offset: 384,
            stub_offset: 448,
            oops_offset: 480,
            metadata_offset: 496,
            scopes_data_offset: 520,
            scopes_pcs_offset: 560,
            dependencies_offset: 608,
            native_invokers_offset: 616,
            handler_table_offset: 616,
            nul_chk_table_offset: 640,
            nul_chk_table_end: 664,
            entry_point: 384,
            verified_entry_point: 400,
            osr_entry_point: 384,
            exception_offset: 448,
            deopt_handler_offset: 464,
            deopt_mh_handler_offset: None,
            frame_complete_offset: 24,
            frame_size_words: 4,
            orig_pc_offset: 8,
            comp_level: 4,
            entry_bci: -1,
        }
    }

    #[test]
    fn sample_layout_is_valid_and_sized() {
        let l = sample_layout();
        l.validate().unwrap();
        assert_eq!(l.insts().len(), 64);
        assert_eq!(l.oops().len(), 16);
        assert_eq!(l.content(), ContentLayout { insts_start: 16, stubs_start: 80, content_end: 112 });
        assert_eq!(l.pc_offset_of(l.verified_entry_point), PcOffset(16));
    }

    #[test]
    fn out_of_order_offset_is_named() {
        let mut l = sample_layout();
        l.stub_offset = 380;
        assert_eq!(
            l.validate().unwrap_err(),
            Error::LayoutOutOfOrder {
                field: "stub_offset",
                value: 380,
                previous_field: "code_offset",
                previous: 384
            }
        );
    }

    #[test]
    fn entry_outside_code_is_rejected() {
        let mut l = sample_layout();
        l.verified_entry_point = 600;
        assert!(matches!(
            l.validate(),
            Err(Error::LayoutOffsetOutOfRange { field: "verified_entry_point", value: 600, .. })
        ));
    }

    #[test]
    fn ragged_oops_table_is_rejected() {
        let mut l = sample_layout();
        l.metadata_offset = 492;
        assert!(matches!(l.validate(), Err(Error::LayoutBadValue { field: "oops_offset", value: 12 })));
    }

    #[test]
    fn orig_pc_slot_must_lie_in_frame() {
        let mut l = sample_layout();
        l.orig_pc_offset = 24; // frame is 32 bytes; 24..32 is the return address
        assert!(matches!(l.validate(), Err(Error::LayoutBadValue { field: "orig_pc_offset", .. })));
    }

    #[test]
    fn captured_section_length_mismatch_is_named() {
        let l = sample_layout();
        let mut c = CapturedNmethod {
            header_address: 0x7f00_0000_1000,
            relocations: vec![0; 16],
            consts: vec![0; 16],
            insts: vec![0; 64],
            stubs: vec![0; 32],
            oops: vec![0; 2],
            metadata: vec![0; 3],
            scopes_data: vec![0; 40],
            scopes_pcs: vec![0; 48],
            dependencies: vec![0; 8],
            handler_table: vec![0; 24],
            nul_chk_table: vec![0; 24],
            oop_maps: vec![],
            layout: l,
        };
        c.validate().unwrap();
        assert_eq!(c.content_address(), 0x7f00_0000_1000 + 368);
        assert_eq!(c.code_address(), 0x7f00_0000_1000 + 384);
        c.metadata.pop();
        assert_eq!(
            c.validate().unwrap_err(),
            Error::SectionLengthMismatch { section: SectionId::Metadata, expected: 24, actual: 16 }
        );
        c.metadata.push(0);
        c.insts.push(0x90);
        assert_eq!(
            c.validate().unwrap_err(),
            Error::SectionLengthMismatch { section: SectionId::Insts, expected: 64, actual: 65 }
        );
    }
}
