//! The one error type of the crate.
//!
//! Like gimli's `read::Error`, it is a flat, `#[non_exhaustive]` enum whose variants carry
//! the section, the byte offset inside it and the offending value, so that a refusal
//! recorded for a captured method says exactly where its bytes stopped making sense.

use crate::section::SectionId;

/// What went wrong while validating or decoding a captured nmethod.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A read ran past the end of a section.
    #[error("{section}: unexpected end of data at offset {offset} (needed {needed} more bytes, section has {len})")]
    UnexpectedEnd {
        section: SectionId,
        offset: usize,
        needed: usize,
        len: usize,
    },
    /// Two layout offsets that must be ordered are not.
    #[error("layout: {field} = {value} lies before {previous_field} = {previous}")]
    LayoutOutOfOrder {
        field: &'static str,
        value: u32,
        previous_field: &'static str,
        previous: u32,
    },
    /// A layout offset points outside the nmethod.
    #[error("layout: {field} = {value} is outside the nmethod (size {size})")]
    LayoutOffsetOutOfRange {
        field: &'static str,
        value: i64,
        size: u32,
    },
    /// A layout field has a value HotSpot never produces.
    #[error("layout: {field} has the invalid value {value}")]
    LayoutBadValue { field: &'static str, value: i64 },
    /// The bytes captured for a section do not have the length the layout gives it.
    #[error("{section}: captured {actual} bytes but the layout says {expected}")]
    SectionLengthMismatch {
        section: SectionId,
        expected: usize,
        actual: usize,
    },
    /// A section whose size must be a multiple of its record size is not.
    #[error("{section}: size {len} is not a multiple of the {record}-byte record")]
    RaggedSection {
        section: SectionId,
        len: usize,
        record: usize,
    },
    /// A relocation prefix was followed by another prefix or by nothing.
    #[error("relocations: prefix at offset {offset} is not followed by a relocation record")]
    DanglingRelocPrefix { offset: usize },
    /// A relocation carries a number of data halfwords its type cannot have.
    #[error("relocations: record at offset {offset} of type {reloc_type} carries {datalen} data halfwords")]
    BadRelocDataLength {
        offset: usize,
        reloc_type: u8,
        datalen: usize,
    },
    /// A section_word relocation names a code section that does not exist.
    #[error("relocations: record at offset {offset} names code section {index} (only 0..=2 exist)")]
    BadCodeSectionIndex { offset: usize, index: i32 },
    /// A relocation's address or target falls outside the nmethod's code.
    #[error("relocations: record at offset {offset} points at content offset {target}, outside 0..{content_size}")]
    RelocAddressOutOfRange {
        offset: usize,
        target: i64,
        content_size: u32,
    },
    /// A scope value tag that HotSpot 17 never writes.
    #[error("scopes data: unknown scope value tag {tag} at offset {offset}")]
    BadScopeValueTag { offset: usize, tag: u32 },
    /// A Location whose type field is not one HotSpot 17 defines.
    #[error("scopes data: location {value:#x} at offset {offset} has unknown type {type_code}")]
    BadLocationType { offset: usize, value: u32, type_code: u32 },
    /// An object reference names an object that is not in the object pool.
    #[error("scopes data: object id {id} referenced at offset {offset} is not in the object pool")]
    UnknownObjectId { offset: usize, id: u32 },
    /// An object id is defined twice in one object pool.
    #[error("scopes data: object id {id} defined twice (second time at offset {offset})")]
    DuplicateObjectId { offset: usize, id: u32 },
    /// A scalar-replaced object whose class is not a constant oop.
    #[error("scopes data: object at offset {offset} has a class that is not a constant oop")]
    ObjectClassNotOop { offset: usize },
    /// The object pool at `obj_decode_offset` holds something that is not an object.
    #[error("scopes data: object pool entry at offset {offset} is not an object description")]
    ObjectPoolEntryNotObject { offset: usize },
    /// Objects nested deeper than any compiler produces (or a malicious cycle).
    #[error("scopes data: object descriptions nested deeper than {limit} at offset {offset}")]
    NestingTooDeep { offset: usize, limit: usize },
    /// A sender chain longer than any inlining produces (or a cycle).
    #[error("scopes data: sender chain from offset {offset} is longer than {limit} scopes")]
    SenderChainTooLong { offset: usize, limit: usize },
    /// A decode offset points outside the scopes data.
    #[error("{section}: decode offset {offset} is outside the section (length {len})")]
    DecodeOffsetOutOfRange {
        section: SectionId,
        offset: i64,
        len: usize,
    },
    /// PcDescs are not in strictly increasing pc order.
    #[error("scopes pcs: PcDesc {index} has pc offset {pc_offset}, not above the previous {previous}")]
    PcDescsNotSorted {
        index: usize,
        pc_offset: i32,
        previous: i32,
    },
    /// An oop map pair points outside the oop map data.
    #[error("oop maps: pair {index} points at map offset {map_offset}, outside the data (length {len})")]
    OopMapOffsetOutOfRange {
        index: usize,
        map_offset: i64,
        len: usize,
    },
    /// The oop map set header disagrees with the captured bytes.
    #[error("oop maps: header says {field} = {value}, inconsistent with {len} captured bytes")]
    BadOopMapHeader {
        field: &'static str,
        value: i64,
        len: usize,
    },
    /// An oop map value whose register number does not fit the 14-bit field.
    #[error("oop maps: value {value:#x} at offset {offset} does not fit the 16-bit OopMapValue")]
    BadOopMapValue { offset: usize, value: u32 },
    /// A dependency type byte that HotSpot 17 does not define.
    #[error("dependencies: unknown dependency type {code} at offset {offset}")]
    BadDependencyType { offset: usize, code: u8 },
    /// The dependencies stream ran out without its end marker.
    #[error("dependencies: no end marker before the end of the section")]
    MissingDependencyEnd,
    /// An exception handler subtable claims more entries than the table holds.
    #[error("handler table: subtable at entry {entry} claims {len} entries, only {available} follow")]
    HandlerSubtableOverrun {
        entry: usize,
        len: i32,
        available: usize,
    },
    /// The implicit exception table length word disagrees with the section size.
    #[error("implicit exception table: length word {len} needs {needed} bytes, section has {available}")]
    BadNulChkTableLength {
        len: u32,
        needed: u64,
        available: usize,
    },
    /// An index into the oops or metadata table is beyond the table.
    #[error("{what}: {table} index {index} is beyond the table of {count} entries")]
    IndexOutOfRange {
        what: &'static str,
        table: &'static str,
        index: u32,
        count: usize,
    },
    /// A pc offset recorded in a table lies outside the code it describes.
    #[error("{what}: pc offset {pc_offset} is outside the code (0..={limit})")]
    PcOutOfRange {
        what: &'static str,
        pc_offset: i64,
        limit: u32,
    },
    /// A Java call without debug information at its return address.
    #[error("scopes pcs: no PcDesc at pc offset {pc_offset}, the return address of the call at {call_pc}")]
    MissingPcDesc { pc_offset: i32, call_pc: i32 },
    /// An oop map at a pc that has no PcDesc (HotSpot records both at every safepoint).
    #[error("oop maps: map at pc offset {pc_offset} has no PcDesc")]
    OopMapWithoutPcDesc { pc_offset: i32 },
    /// A safepoint PcDesc that HotSpot requires to have an oop map has none.
    #[error("oop maps: no oop map at pc offset {pc_offset}, which is a call or poll")]
    MissingOopMap { pc_offset: i32 },
}
