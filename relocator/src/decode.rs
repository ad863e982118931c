//! Everything at once: [`decode_all`] validates a [`CapturedNmethod`], runs every decoder
//! and cross-checks their results against each other and against the tables, so a caller
//! gets either a fully consistent [`DecodedNmethod`] or the first reason it is not.

use serde::{Deserialize, Serialize};

use crate::deps::{decode_dependencies, DepArg, Dependency};
use crate::error::Error;
use crate::handlers::{decode_handler_table, HandlerSubtable};
use crate::layout::{CapturedNmethod, ContentLayout};
use crate::nulchk::{decode_nul_chk_table, ImplicitCheck};
use crate::oopmap::{decode_oop_maps, OopMap};
use crate::pcdesc::decode_pc_descs;
use crate::reloc::{decode_relocations, RelocKind, Relocation};
use crate::scope::{MonitorValue, PcScopes, ScopeDecoder, ScopeValue};
use crate::section::{CodeSection, MetadataIndex, OopIndex, PcOffset};

/// Length of x86 `call rel32` (opcode E8), the form every C2 Java call site takes.
const CALL_REL32_LEN: u32 = 5;
const CALL_REL32_OPCODE: u8 = 0xE8;

/// Every section of one nmethod, decoded and cross-checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecodedNmethod {
    pub content: ContentLayout,
    pub relocations: Vec<Relocation>,
    /// One entry per PcDesc, sentinels included, in pc order.
    pub pcs: Vec<PcScopes>,
    pub oop_maps: Vec<OopMap>,
    pub dependencies: Vec<Dependency>,
    pub handler_table: Vec<HandlerSubtable>,
    pub implicit_checks: Vec<ImplicitCheck>,
}

impl DecodedNmethod {
    /// The decoded PcDesc at exactly `pc`, if there is one.
    pub fn pc_at(&self, pc: PcOffset) -> Option<&PcScopes> {
        self.pcs
            .binary_search_by_key(&pc, |p| p.pc.pc_offset)
            .ok()
            .and_then(|i| self.pcs.get(i))
    }

    /// The oop map at exactly `pc`, if there is one.
    pub fn oop_map_at(&self, pc: PcOffset) -> Option<&OopMap> {
        self.oop_maps.iter().find(|m| m.pc_offset == pc)
    }
}

/// Validates `captured`, decodes every section and cross-checks:
/// - every oops/metadata index (relocations, scopes, objects, dependencies) is in its table;
/// - every non-sentinel PcDesc, oop map, handler and implicit check pc lies in the code;
/// - every oop map has a PcDesc at its pc;
/// - every Java call (`call rel32` with a virtual/opt-virtual/static call relocation in insts)
///   has a PcDesc and an oop map at its return address, and every poll an oop map at the poll
///   (HotSpot records a safepoint at both).
pub fn decode_all(captured: &CapturedNmethod) -> Result<DecodedNmethod, Error> {
    captured.validate()?;
    let layout = &captured.layout;
    let content = layout.content();
    let tables = Tables {
        oops: captured.oops.len(),
        metadata: captured.metadata.len(),
    };
    let code_limit = layout.code_size();

    let relocations = decode_relocations(&captured.relocations, content)?;
    for r in &relocations {
        tables.check_reloc(r)?;
    }

    let pc_descs = decode_pc_descs(&captured.scopes_pcs)?;
    let scopes = ScopeDecoder::new(&captured.scopes_data);
    let mut pcs = Vec::with_capacity(pc_descs.len());
    for pd in &pc_descs {
        if !pd.is_sentinel() {
            check_pc("scopes pcs", i64::from(pd.pc_offset.0), code_limit)?;
        }
        let decoded = scopes.decode_pc(pd)?;
        tables.check_scopes(&decoded)?;
        pcs.push(decoded);
    }

    let oop_maps = decode_oop_maps(&captured.oop_maps)?;
    let dependencies = decode_dependencies(&captured.dependencies)?;
    for d in &dependencies {
        for a in &d.args {
            match *a {
                DepArg::Metadata(i) => tables.metadata("dependencies", i)?,
                DepArg::Oop(i) => tables.oop("dependencies", i)?,
                DepArg::DefaultContext => {}
            }
        }
    }
    let handler_table = decode_handler_table(&captured.handler_table)?;
    for sub in &handler_table {
        check_pc("handler table", i64::from(sub.catch_pc.0), code_limit)?;
        for e in &sub.entries {
            check_pc("handler table", i64::from(e.handler_pc.0), code_limit)?;
        }
    }
    let implicit_checks = decode_nul_chk_table(&captured.nul_chk_table)?;
    let insts_size = layout.insts().len() as u32;
    for c in &implicit_checks {
        check_pc("implicit exception table", i64::from(c.exec.0), insts_size)?;
        check_pc("implicit exception table", i64::from(c.cont.0), insts_size)?;
    }

    let decoded = DecodedNmethod {
        content,
        relocations,
        pcs,
        oop_maps,
        dependencies,
        handler_table,
        implicit_checks,
    };
    for m in &decoded.oop_maps {
        check_pc("oop maps", i64::from(m.pc_offset.0), code_limit)?;
        if decoded.pc_at(m.pc_offset).is_none() {
            return Err(Error::OopMapWithoutPcDesc { pc_offset: m.pc_offset.0 });
        }
    }
    check_safepoints(&decoded, &captured.insts)?;
    Ok(decoded)
}

fn check_pc(what: &'static str, pc: i64, limit: u32) -> Result<(), Error> {
    if (0..=i64::from(limit)).contains(&pc) {
        Ok(())
    } else {
        Err(Error::PcOutOfRange { what, pc_offset: pc, limit })
    }
}

/// Calls and polls in insts must carry the debug information HotSpot records for them.
fn check_safepoints(decoded: &DecodedNmethod, insts: &[u8]) -> Result<(), Error> {
    for r in decoded.relocations.iter().filter(|r| r.section == CodeSection::Insts) {
        let pc = decoded.content.to_pc_offset(r.offset);
        match r.kind {
            RelocKind::VirtualCall { .. } | RelocKind::OptVirtualCall { .. } | RelocKind::StaticCall { .. } => {
                if insts.get(r.offset_in_section as usize) != Some(&CALL_REL32_OPCODE) {
                    continue; // not the call form whose length we know; nothing to infer
                }
                let ret = PcOffset(pc.0.saturating_add(CALL_REL32_LEN as i32));
                if decoded.pc_at(ret).is_none() {
                    return Err(Error::MissingPcDesc { pc_offset: ret.0, call_pc: pc.0 });
                }
                if decoded.oop_map_at(ret).is_none() {
                    return Err(Error::MissingOopMap { pc_offset: ret.0 });
                }
            }
            RelocKind::Poll => {
                if decoded.oop_map_at(pc).is_none() {
                    return Err(Error::MissingOopMap { pc_offset: pc.0 });
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Table sizes, for index checks.
struct Tables {
    oops: usize,
    metadata: usize,
}

impl Tables {
    fn oop(&self, what: &'static str, index: OopIndex) -> Result<(), Error> {
        if index.0 as usize <= self.oops {
            Ok(())
        } else {
            Err(Error::IndexOutOfRange { what, table: "oops", index: index.0, count: self.oops })
        }
    }

    fn metadata(&self, what: &'static str, index: MetadataIndex) -> Result<(), Error> {
        if index.0 as usize <= self.metadata {
            Ok(())
        } else {
            Err(Error::IndexOutOfRange { what, table: "metadata", index: index.0, count: self.metadata })
        }
    }

    fn check_reloc(&self, r: &Relocation) -> Result<(), Error> {
        const WHAT: &str = "relocations";
        match r.kind {
            RelocKind::Oop { index, .. } => self.oop(WHAT, index),
            RelocKind::Metadata { index, .. } => self.metadata(WHAT, index),
            RelocKind::VirtualCall { method_index, .. }
            | RelocKind::OptVirtualCall { method_index }
            | RelocKind::StaticCall { method_index } => self.metadata(WHAT, method_index),
            _ => Ok(()),
        }
    }

    fn check_value(&self, v: &ScopeValue) -> Result<(), Error> {
        match *v {
            ScopeValue::ConstantOop(i) => self.oop("scopes data", i),
            _ => Ok(()),
        }
    }

    fn check_scopes(&self, pc: &PcScopes) -> Result<(), Error> {
        for s in &pc.scopes {
            self.metadata("scopes data", s.method)?;
            for v in s.locals.iter().chain(&s.expressions) {
                self.check_value(v)?;
            }
            for MonitorValue { owner, .. } in &s.monitors {
                self.check_value(owner)?;
            }
        }
        for o in &pc.objects {
            self.oop("scopes data", o.klass)?;
            for f in &o.fields {
                self.check_value(f)?;
            }
        }
        Ok(())
    }
}
