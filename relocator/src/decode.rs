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
    /// One entry per PcDesc, sentinels included, in pc order (the final sentinel at
    /// content size + 1, as the installed nmethod has it).
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

    /// For every PcDesc with a scope: its pc and the (method, bci) chain, innermost first —
    /// the shape of JVMTI's `jvmtiCompiledMethodLoadInlineRecord` (`PCStackInfo`), so a caller
    /// can compare the two after mapping metadata indices to `jmethodID`s.
    pub fn scope_chains(&self) -> impl Iterator<Item = (PcOffset, Vec<(MetadataIndex, i32)>)> + '_ {
        self.pcs.iter().filter(|p| !p.scopes.is_empty()).map(|p| {
            (p.pc.pc_offset, p.scopes.iter().map(|s| (s.method, s.bci)).collect())
        })
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
    for (i, pd) in pc_descs.iter().enumerate() {
        let first_or_last = i == 0 || i + 1 == pc_descs.len();
        if !(first_or_last && (pd.is_sentinel() || pd.is_end_sentinel(content.content_end))) {
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
            RelocKind::Poll if decoded.oop_map_at(pc).is_none() => {
                return Err(Error::MissingOopMap { pc_offset: pc.0 });
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

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::layout::NmethodLayout;
    use crate::oopmap::{encode_oop_maps, OopMapKind, OopMapValue};
    use crate::pcdesc::{encode_pc_descs, PcDesc, PcDescFlags};
    use crate::reloc::reloc_type::*;
    use crate::reloc::tests::{pack_1_int, pack_2_ints, RelocWriter};
    use crate::scope::encode::{ValueWriter, Val};
    use crate::scope::{Location, LocationPlace, LocationType};
    use crate::section::{ContentOffset, ScopeDataOffset};
    use crate::test_encode::CompressedWriter;

    /// The parts of a synthetic nmethod, assembled into a consistent capture.
    pub struct Parts {
        pub relocs: Vec<u8>,
        pub consts: Vec<u8>,
        pub insts: Vec<u8>,
        pub stubs: Vec<u8>,
        pub oops: Vec<u64>,
        pub metadata: Vec<u64>,
        pub scopes_data: Vec<u8>,
        pub pcs: Vec<PcDesc>,
        pub oop_maps: Vec<(i32, Vec<OopMapValue>)>,
        pub deps: Vec<u8>,
        pub handlers: Vec<u8>,
        pub nul_chk: Vec<u8>,
    }

    fn pad8(mut v: Vec<u8>) -> Vec<u8> {
        while v.len() % 8 != 0 {
            v.push(0);
        }
        v
    }

    impl Parts {
        pub fn assemble(&self) -> CapturedNmethod {
            let scopes_data = pad8(self.scopes_data.clone());
            let mut at = 352u32;
            let mut next = |len: usize| {
                let begin = at;
                at += len as u32;
                begin
            };
            let relocation_begin = next(self.relocs.len());
            let consts_offset = next(self.consts.len());
            let code_offset = next(self.insts.len());
            let stub_offset = next(self.stubs.len());
            let oops_offset = next(self.oops.len() * 8);
            let metadata_offset = next(self.metadata.len() * 8);
            let scopes_data_offset = next(scopes_data.len());
            let scopes_pcs_offset = next(self.pcs.len() * 16);
            let dependencies_offset = next(self.deps.len());
            let handler_table_offset = next(self.handlers.len());
            let nul_chk_table_offset = next(self.nul_chk.len());
            let end = next(0);
            let layout = NmethodLayout {
                size: end,
                header_size: 352,
                relocation_begin,
                relocation_end: consts_offset,
                consts_offset,
                code_offset,
                stub_offset,
                oops_offset,
                metadata_offset,
                scopes_data_offset,
                scopes_pcs_offset,
                dependencies_offset,
                native_invokers_offset: handler_table_offset,
                handler_table_offset,
                nul_chk_table_offset,
                nul_chk_table_end: end,
                entry_point: code_offset,
                verified_entry_point: code_offset + 4,
                osr_entry_point: code_offset,
                exception_offset: stub_offset + 8,
                deopt_handler_offset: stub_offset + 16,
                deopt_mh_handler_offset: None,
                frame_complete_offset: 8,
                frame_size_words: 4,
                orig_pc_offset: 8,
                comp_level: 4,
                entry_bci: -1,
            };
            CapturedNmethod {
                layout,
                header_address: 0x7f12_3400_0000,
                relocations: self.relocs.clone(),
                consts: self.consts.clone(),
                insts: self.insts.clone(),
                stubs: self.stubs.clone(),
                oops: self.oops.clone(),
                metadata: self.metadata.clone(),
                scopes_data,
                scopes_pcs: encode_pc_descs(&self.pcs),
                dependencies: self.deps.clone(),
                handler_table: self.handlers.clone(),
                nul_chk_table: self.nul_chk.clone(),
                oop_maps: encode_oop_maps(&self.oop_maps),
            }
        }
    }

    const INSTS_START: u32 = 16;

    fn pd(pc: i32, scope: u32, flags: u32) -> PcDesc {
        PcDesc {
            pc_offset: PcOffset(pc),
            scope_decode_offset: ScopeDataOffset(scope),
            obj_decode_offset: ScopeDataOffset(0),
            flags: PcDescFlags(flags),
        }
    }

    /// A small C2-shaped nmethod: a jump-table word in consts; in insts a static call at
    /// pc 10, an oop `movabs` at 20, an inline-cache call at 30 (IC load at 25), a poll at 40
    /// and a return poll at 50; a static stub; two inlined scopes at the IC call's return.
    pub fn sample_parts() -> Parts {
        let mut insts = vec![0x90u8; 64];
        insts[10] = CALL_REL32_OPCODE;
        insts[30] = CALL_REL32_OPCODE;
        let mut w = RelocWriter::default();
        w.emit(0, INTERNAL_WORD, 0, &pack_1_int(-(INSTS_START as i32 + 60)));
        w.fill_to(INSTS_START);
        w.emit(INSTS_START + 10, STATIC_CALL, 2, &pack_1_int(1));
        w.emit(INSTS_START + 20, OOP, 0, &pack_2_ints(1, 0));
        w.emit(INSTS_START + 30, VIRTUAL_CALL, 2, &pack_2_ints(5, 2));
        w.emit(INSTS_START + 40, POLL, 1, &[]);
        w.emit(INSTS_START + 50, POLL_RETURN, 1, &[]);
        w.fill_to(INSTS_START + 64);
        w.emit(INSTS_START + 64, STATIC_STUB, 0, &pack_1_int(-10));
        let relocs = w.finish();

        let mut cw = CompressedWriter::new();
        cw.write_u8(0xff);
        let mut vw = ValueWriter { w: &mut cw, visited: Vec::new() };
        let oop_local = Location { kind: LocationType::Oop, place: LocationPlace::Stack { offset: 0 } };
        let locals = vw.list(&[Val::V(ScopeValue::Location(oop_local)), Val::V(ScopeValue::ConstantOop(OopIndex(2)))]);
        let outer = vw.scope(0, 1, 7, locals, 0, 0);
        let inner = vw.scope(outer, 3, 2, 0, 0, 0);
        let at_call = vw.scope(0, 1, 3, locals, 0, 0);
        let at_poll = vw.scope(0, 1, 12, 0, 0, 0);
        let scopes_data = cw.into_bytes();

        let omv = OopMapValue { vmreg: 584, kind: OopMapKind::Oop };
        let mut deps = CompressedWriter::new();
        deps.write_u8(2);
        deps.write_u32(3);
        deps.write_u8(0);
        let mut handlers = Vec::new();
        for v in [1i32, 35, 0, 5, 45, 0] {
            handlers.extend(v.to_le_bytes());
        }
        let mut nul_chk = Vec::new();
        for v in [1u32, 44, 46] {
            nul_chk.extend(v.to_le_bytes());
        }
        Parts {
            relocs,
            consts: vec![0; 16],
            insts,
            stubs: vec![0xf4; 32],
            oops: vec![0x1000, 0x2000],
            metadata: vec![0x10, 0x20, 0x30],
            scopes_data,
            pcs: vec![
                pd(-1, 0, 0),
                pd(15, at_call, 0),
                pd(35, inner, PcDescFlags::RETURN_OOP),
                pd(40, at_poll, 0),
                pd(113, 0, 0), // content size + 1, as copy_scopes_pcs leaves it
            ],
            oop_maps: vec![(15, vec![omv]), (35, vec![omv]), (40, vec![])],
            deps: pad8(deps.into_bytes()),
            handlers: pad8(handlers),
            nul_chk: pad8(nul_chk),
        }
    }

    pub fn sample_nmethod() -> CapturedNmethod {
        sample_parts().assemble()
    }

    #[test]
    fn sample_decodes_and_agrees_with_itself() {
        let d = decode_all(&sample_nmethod()).unwrap();
        assert_eq!(d.relocations.len(), 7);
        assert_eq!(d.relocations[0].kind, RelocKind::InternalWord { target: Some(ContentOffset(76)) });
        assert_eq!(d.relocations[6].kind, RelocKind::StaticStub { static_call: ContentOffset(26) });
        let at_ic = d.pc_at(PcOffset(35)).unwrap();
        let chain: Vec<(u32, i32)> = at_ic.scopes.iter().map(|s| (s.method.0, s.bci)).collect();
        assert_eq!(chain, vec![(3, 2), (1, 7)]);
        assert!(at_ic.pc.flags.return_oop());
        assert_eq!(d.pcs.len(), 5);
        let chains: Vec<_> = d.scope_chains().collect();
        assert_eq!(
            chains,
            vec![
                (PcOffset(15), vec![(MetadataIndex(1), 3)]),
                (PcOffset(35), vec![(MetadataIndex(3), 2), (MetadataIndex(1), 7)]),
                (PcOffset(40), vec![(MetadataIndex(1), 12)]),
            ]
        );
        assert_eq!(d.oop_map_at(PcOffset(15)).unwrap().values.len(), 1);
        assert_eq!(d.dependencies.len(), 1);
        assert_eq!(d.handler_table[0].entries[0].handler_pc, PcOffset(45));
        assert_eq!(d.implicit_checks[0].cont, PcOffset(46));
    }

    #[test]
    fn index_beyond_a_table_is_refused() {
        let mut p = sample_parts();
        p.metadata.truncate(2); // the inlined scope's method is metadata 3
        assert_eq!(
            decode_all(&p.assemble()).unwrap_err(),
            Error::IndexOutOfRange { what: "scopes data", table: "metadata", index: 3, count: 2 }
        );
        let mut p = sample_parts();
        p.deps[1] = 9; // leaf_type's context class
        assert_eq!(
            decode_all(&p.assemble()).unwrap_err(),
            Error::IndexOutOfRange { what: "dependencies", table: "metadata", index: 9, count: 3 }
        );
        let mut p = sample_parts();
        p.metadata.truncate(0);
        assert_eq!(
            decode_all(&p.assemble()).unwrap_err(),
            Error::IndexOutOfRange { what: "relocations", table: "metadata", index: 1, count: 0 }
        );
        let mut p = sample_parts();
        p.oops.truncate(1); // the caller scope's local is oop 2
        assert_eq!(
            decode_all(&p.assemble()).unwrap_err(),
            Error::IndexOutOfRange { what: "scopes data", table: "oops", index: 2, count: 1 }
        );
    }

    #[test]
    fn missing_safepoint_information_is_refused() {
        let mut p = sample_parts();
        p.oop_maps.remove(0);
        assert_eq!(decode_all(&p.assemble()).unwrap_err(), Error::MissingOopMap { pc_offset: 15 });
        let mut p = sample_parts();
        p.oop_maps.remove(2);
        assert_eq!(decode_all(&p.assemble()).unwrap_err(), Error::MissingOopMap { pc_offset: 40 });
        let mut p = sample_parts();
        p.pcs.remove(1);
        p.oop_maps.remove(0);
        assert_eq!(
            decode_all(&p.assemble()).unwrap_err(),
            Error::MissingPcDesc { pc_offset: 15, call_pc: 10 }
        );
        let mut p = sample_parts();
        p.oop_maps.push((50, vec![]));
        assert_eq!(decode_all(&p.assemble()).unwrap_err(), Error::OopMapWithoutPcDesc { pc_offset: 50 });
        // A call relocation on something other than `call rel32` is not second-guessed.
        let mut p = sample_parts();
        p.insts[10] = 0x41;
        p.oop_maps.remove(0);
        decode_all(&p.assemble()).unwrap();
    }

    #[test]
    fn pcs_outside_the_code_are_refused() {
        let mut p = sample_parts();
        p.pcs.insert(4, pd(100, 0, 0));
        assert_eq!(
            decode_all(&p.assemble()).unwrap_err(),
            Error::PcOutOfRange { what: "scopes pcs", pc_offset: 100, limit: 96 }
        );
        let mut p = sample_parts();
        p.nul_chk[8..12].copy_from_slice(&70u32.to_le_bytes());
        assert_eq!(
            decode_all(&p.assemble()).unwrap_err(),
            Error::PcOutOfRange { what: "implicit exception table", pc_offset: 70, limit: 64 }
        );
    }

    #[test]
    fn captured_nmethod_survives_serde() {
        let c = sample_nmethod();
        let json = serde_json::to_string(&c).unwrap();
        let back: CapturedNmethod = serde_json::from_str(&json).unwrap();
        assert_eq!(back, c);
        let d = decode_all(&c).unwrap();
        let back: DecodedNmethod = serde_json::from_str(&serde_json::to_string(&d).unwrap()).unwrap();
        assert_eq!(back, d);
    }
}
