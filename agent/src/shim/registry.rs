//! The VM's self-description: `gHotSpotVMStructs`, `gHotSpotVMTypes`, `gHotSpotVMIntConstants`
//! and `gHotSpotVMLongConstants`, exported by every HotSpot `libjvm.so` for the Serviceability
//! Agent. We walk them once into owned maps; [`super::layout`] picks the entries we use.
//!
//! The tables are arrays of C structs whose field offsets and stride are themselves exported
//! (`gHotSpotVMStructEntryTypeNameOffset`, ..., `gHotSpotVMStructEntryArrayStride`), so we read
//! the layout from the VM rather than assume it. Each array ends with an entry whose name
//! pointer is NULL.

use std::collections::HashMap;

use super::bytes::{i32_at, u32_at, u64_at};
use super::error::ShimError;
use super::native::{lookup_symbol, PageCache, VmMemory};

/// Longest table we are willing to walk (17 has ~3,000 struct entries, ~1,000 types).
const MAX_ENTRIES: usize = 50_000;
/// Longest name we accept in a table entry.
const MAX_NAME_LEN: usize = 512;
/// Largest entry stride we accept (the real ones are 24..48 bytes).
const MAX_STRIDE: u64 = 256;

/// One `VMStructEntry`: a field of a VM type, either an offset inside instances or, for a
/// static field, the address of the static.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldEntry {
    pub type_string: Option<String>,
    pub is_static: bool,
    pub offset: u64,
    pub address: u64,
}

/// One `VMTypeEntry`: a VM type's size and place in the hierarchy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeEntry {
    pub superclass: Option<String>,
    pub is_oop_type: bool,
    pub is_integer_type: bool,
    pub is_unsigned: bool,
    pub size: u64,
}

/// All four tables, keyed by name. Field keys are `"Type::field"` exactly as HotSpot spells them
/// (e.g. `"MethodData::_data[0]"`).
#[derive(Debug, Default, Clone)]
pub struct VmRegistry {
    pub fields: HashMap<String, FieldEntry>,
    pub types: HashMap<String, TypeEntry>,
    pub int_constants: HashMap<String, i64>,
    pub long_constants: HashMap<String, i64>,
}

impl VmRegistry {
    /// Offset of a non-static field inside its type.
    pub fn field_offset(&self, key: &str) -> Option<u64> {
        self.fields.get(key).filter(|f| !f.is_static).map(|f| f.offset)
    }

    /// Address of a static field.
    pub fn static_address(&self, key: &str) -> Option<u64> {
        self.fields.get(key).filter(|f| f.is_static && f.address != 0).map(|f| f.address)
    }

    /// `sizeof` a VM type.
    pub fn type_size(&self, name: &str) -> Option<u64> {
        self.types.get(name).map(|t| t.size)
    }

    /// An int constant (e.g. `"DataLayout::cell_size"`), or a long constant of that name.
    pub fn constant(&self, name: &str) -> Option<i64> {
        self.int_constants.get(name).or_else(|| self.long_constants.get(name)).copied()
    }

    /// Reads the four tables out of the loaded libjvm.
    pub fn load(mem: &VmMemory) -> Result<Self, ShimError> {
        let mut reg = VmRegistry::default();
        walk_structs(mem, &mut reg)?;
        walk_types(mem, &mut reg)?;
        reg.int_constants = walk_constants(mem, ConstantTable::INT)?;
        reg.long_constants = walk_constants(mem, ConstantTable::LONG)?;
        Ok(reg)
    }
}

/// Reads an exported `uint64_t` layout variable such as `gHotSpotVMStructEntryArrayStride`.
fn exported_u64(mem: &VmMemory, name: &'static str) -> Result<u64, ShimError> {
    let addr = lookup_symbol(name).ok_or(ShimError::MissingSymbol(name))?;
    mem.read_u64(addr, name)
}

/// Reads an exported pointer variable such as `gHotSpotVMStructs` (the array's address).
fn exported_pointer(mem: &VmMemory, name: &'static str) -> Result<u64, ShimError> {
    exported_u64(mem, name)
}

fn offset_usize(v: u64, stride: u64, what: &'static str) -> Result<usize, ShimError> {
    if v >= stride {
        return Err(ShimError::ImplausibleSize { what, size: v, limit: stride });
    }
    Ok(v as usize)
}

fn read_stride(mem: &VmMemory, name: &'static str) -> Result<u64, ShimError> {
    let stride = exported_u64(mem, name)?;
    if stride == 0 || stride > MAX_STRIDE {
        return Err(ShimError::ImplausibleSize { what: name, size: stride, limit: MAX_STRIDE });
    }
    Ok(stride)
}

/// Entries copied in batches; the table's end is found by its NULL-name entry, so a batch may
/// run past it — if that over-read fails we fall back to one entry at a time.
struct EntryReader<'m> {
    mem: &'m VmMemory,
    base: u64,
    stride: u64,
    batch_start: usize,
    batch: Vec<u8>,
}

const ENTRY_BATCH: usize = 128;

impl<'m> EntryReader<'m> {
    fn new(mem: &'m VmMemory, base: u64, stride: u64) -> Self {
        Self { mem, base, stride, batch_start: 0, batch: Vec::new() }
    }

    fn entry(&mut self, i: usize, what: &'static str) -> Result<Vec<u8>, ShimError> {
        let stride = self.stride as usize;
        let in_batch = i >= self.batch_start && (i - self.batch_start + 1) * stride <= self.batch.len();
        if !in_batch {
            let addr = self.base + i as u64 * self.stride;
            self.batch_start = i;
            self.batch = match self.mem.read(addr, ENTRY_BATCH * stride, what) {
                Ok(b) => b,
                Err(_) => self.mem.read(addr, stride, what)?,
            };
        }
        let off = (i - self.batch_start) * stride;
        Ok(self.batch[off..off + stride].to_vec())
    }
}

fn walk_structs(mem: &VmMemory, reg: &mut VmRegistry) -> Result<(), ShimError> {
    let stride = read_stride(mem, "gHotSpotVMStructEntryArrayStride")?;
    let off = |name: &'static str| -> Result<usize, ShimError> { offset_usize(exported_u64(mem, name)?, stride, name) };
    let type_name = off("gHotSpotVMStructEntryTypeNameOffset")?;
    let field_name = off("gHotSpotVMStructEntryFieldNameOffset")?;
    let type_string = off("gHotSpotVMStructEntryTypeStringOffset")?;
    let is_static = off("gHotSpotVMStructEntryIsStaticOffset")?;
    let offset = off("gHotSpotVMStructEntryOffsetOffset")?;
    let address = off("gHotSpotVMStructEntryAddressOffset")?;
    let base = exported_pointer(mem, "gHotSpotVMStructs")?;
    let mut entries = EntryReader::new(mem, base, stride);
    let mut names = PageCache::new(mem);
    for i in 0..MAX_ENTRIES {
        let entry = entries.entry(i, "VMStructEntry")?;
        let bad = |what| ShimError::ImplausibleSize { what, size: stride, limit: stride };
        let tn = u64_at(&entry, type_name).ok_or_else(|| bad("VMStructEntry.typeName"))?;
        let fname = u64_at(&entry, field_name).ok_or_else(|| bad("VMStructEntry.fieldName"))?;
        if tn == 0 {
            return Ok(()); // end marker
        }
        let Some(tname) = names.string(tn, MAX_NAME_LEN, "VMStructEntry.typeName")? else { continue };
        let Some(fname) = names.string(fname, MAX_NAME_LEN, "VMStructEntry.fieldName")? else { continue };
        let ts = u64_at(&entry, type_string).ok_or_else(|| bad("VMStructEntry.typeString"))?;
        let field = FieldEntry {
            type_string: names.string(ts, MAX_NAME_LEN, "VMStructEntry.typeString")?,
            is_static: i32_at(&entry, is_static).ok_or_else(|| bad("VMStructEntry.isStatic"))? != 0,
            offset: u64_at(&entry, offset).ok_or_else(|| bad("VMStructEntry.offset"))?,
            address: u64_at(&entry, address).ok_or_else(|| bad("VMStructEntry.address"))?,
        };
        reg.fields.insert(format!("{tname}::{fname}"), field);
    }
    Err(ShimError::TableTooLong { what: "gHotSpotVMStructs", limit: MAX_ENTRIES })
}

fn walk_types(mem: &VmMemory, reg: &mut VmRegistry) -> Result<(), ShimError> {
    let stride = read_stride(mem, "gHotSpotVMTypeEntryArrayStride")?;
    let off = |name: &'static str| -> Result<usize, ShimError> { offset_usize(exported_u64(mem, name)?, stride, name) };
    let type_name = off("gHotSpotVMTypeEntryTypeNameOffset")?;
    let superclass = off("gHotSpotVMTypeEntrySuperclassNameOffset")?;
    let is_oop = off("gHotSpotVMTypeEntryIsOopTypeOffset")?;
    let is_int = off("gHotSpotVMTypeEntryIsIntegerTypeOffset")?;
    let is_unsigned = off("gHotSpotVMTypeEntryIsUnsignedOffset")?;
    let size = off("gHotSpotVMTypeEntrySizeOffset")?;
    let base = exported_pointer(mem, "gHotSpotVMTypes")?;
    let mut entries = EntryReader::new(mem, base, stride);
    let mut names = PageCache::new(mem);
    for i in 0..MAX_ENTRIES {
        let entry = entries.entry(i, "VMTypeEntry")?;
        let bad = |what| ShimError::ImplausibleSize { what, size: stride, limit: stride };
        let tn = u64_at(&entry, type_name).ok_or_else(|| bad("VMTypeEntry.typeName"))?;
        if tn == 0 {
            return Ok(());
        }
        let Some(name) = names.string(tn, MAX_NAME_LEN, "VMTypeEntry.typeName")? else { continue };
        let sc = u64_at(&entry, superclass).ok_or_else(|| bad("VMTypeEntry.superclassName"))?;
        let t = TypeEntry {
            superclass: names.string(sc, MAX_NAME_LEN, "VMTypeEntry.superclassName")?,
            is_oop_type: i32_at(&entry, is_oop).ok_or_else(|| bad("VMTypeEntry.isOopType"))? != 0,
            is_integer_type: i32_at(&entry, is_int).ok_or_else(|| bad("VMTypeEntry.isIntegerType"))? != 0,
            is_unsigned: i32_at(&entry, is_unsigned).ok_or_else(|| bad("VMTypeEntry.isUnsigned"))? != 0,
            size: u64_at(&entry, size).ok_or_else(|| bad("VMTypeEntry.size"))?,
        };
        reg.types.insert(name, t);
    }
    Err(ShimError::TableTooLong { what: "gHotSpotVMTypes", limit: MAX_ENTRIES })
}

/// The symbol names describing one of the two constant tables.
struct ConstantTable {
    array: &'static str,
    name_offset: &'static str,
    value_offset: &'static str,
    stride: &'static str,
    /// Int constants hold an `int32_t`, long constants a `uint64_t`.
    is_long: bool,
}

impl ConstantTable {
    const INT: ConstantTable = ConstantTable {
        array: "gHotSpotVMIntConstants",
        name_offset: "gHotSpotVMIntConstantEntryNameOffset",
        value_offset: "gHotSpotVMIntConstantEntryValueOffset",
        stride: "gHotSpotVMIntConstantEntryArrayStride",
        is_long: false,
    };
    const LONG: ConstantTable = ConstantTable {
        array: "gHotSpotVMLongConstants",
        name_offset: "gHotSpotVMLongConstantEntryNameOffset",
        value_offset: "gHotSpotVMLongConstantEntryValueOffset",
        stride: "gHotSpotVMLongConstantEntryArrayStride",
        is_long: true,
    };
}

fn walk_constants(mem: &VmMemory, table: ConstantTable) -> Result<HashMap<String, i64>, ShimError> {
    let stride = read_stride(mem, table.stride)?;
    let name_off = offset_usize(exported_u64(mem, table.name_offset)?, stride, table.name_offset)?;
    let value_off = offset_usize(exported_u64(mem, table.value_offset)?, stride, table.value_offset)?;
    let base = exported_pointer(mem, table.array)?;
    let mut out = HashMap::new();
    let mut entries = EntryReader::new(mem, base, stride);
    let mut names = PageCache::new(mem);
    for i in 0..MAX_ENTRIES {
        let entry = entries.entry(i, table.array)?;
        let bad = || ShimError::ImplausibleSize { what: table.array, size: stride, limit: stride };
        let np = u64_at(&entry, name_off).ok_or_else(bad)?;
        if np == 0 {
            return Ok(out);
        }
        let Some(name) = names.string(np, MAX_NAME_LEN, table.array)? else { continue };
        let value = if table.is_long {
            u64_at(&entry, value_off).ok_or_else(bad)? as i64
        } else {
            i64::from(u32_at(&entry, value_off).ok_or_else(bad)? as i32)
        };
        out.insert(name, value);
    }
    Err(ShimError::TableTooLong { what: table.array, limit: MAX_ENTRIES })
}
