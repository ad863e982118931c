//! Golden test over real nmethods: C2 code dumped from a live Debian OpenJDK 17 by the
//! Serviceability Agent (`golden/SaDump.java` over `golden/Workload.java`, see
//! `golden/capture.sh`). Every dumped nmethod must pass `decode_all`, and the decoders must
//! agree with SA's own, independent decoding: the same PcDescs, the same scope chains (method
//! by `Method*` in the metadata table, bci, number of locals, expressions, monitors and
//! scalar-replaced objects) and the same oop maps. Relocations are checked against the
//! instruction bytes: Java calls sit on `call rel32`, `movabs` oop/metadata immediates hold
//! their table entry.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use jitfleet_relocator::reloc::{OperandFormat, RelocKind};
use jitfleet_relocator::scope::{Location, LocationPlace, ScopeValue};
use jitfleet_relocator::vmreg::{classify, VmRegKind, STACK0_X86_64};
use jitfleet_relocator::{decode_all, CapturedNmethod, CodeSection, NmethodLayout, PcOffset};

/// One dumped nmethod with SA's view of it.
struct Golden {
    name: String,
    captured: CapturedNmethod,
    /// (pc offset, SA's scope chain "method:bci:locals:exprs:monitors", objects count)
    pcs: Vec<(i32, Vec<String>, usize)>,
    /// (pc offset, number of oop map values)
    oop_maps: Vec<(i32, usize)>,
    /// SA's scope values: (pc, depth) -> tokens ("l:", "e:", "m:" prefixed).
    values: BTreeMap<(i32, usize), Vec<String>>,
    /// SA's object pool: (pc, id) -> [klass token, field tokens...].
    objects: BTreeMap<(i32, u32), Vec<String>>,
}

/// A location as SaDump prints it: the raw type, where and offset fields of location.hpp.
fn location_token(l: &Location) -> String {
    let (place, field) = match l.place {
        LocationPlace::Stack { offset } => (0, offset / 4),
        LocationPlace::Register { vmreg } => (1, vmreg),
    };
    format!("L{}/{place}/{field}", l.kind as u32)
}

/// A scope value as SaDump prints it.
fn value_token(v: &ScopeValue) -> String {
    match v {
        ScopeValue::Location(l) => location_token(l),
        ScopeValue::ConstantInt(i) => format!("I{i}"),
        ScopeValue::ConstantLong(j) => format!("J{j}"),
        ScopeValue::ConstantDouble(bits) => format!("D{bits:x}"),
        ScopeValue::ConstantOop(_) => "O".to_string(),
        ScopeValue::Object(id) => format!("obj{id}"),
        _ => "M".to_string(),
    }
}

fn unhex(s: &str) -> Vec<u8> {
    if s == "-" {
        return Vec::new();
    }
    (0..s.len() / 2).map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).expect("hex")).collect()
}

fn words(s: &str) -> Vec<u64> {
    if s == "-" {
        return Vec::new();
    }
    s.split(',').map(|w| u64::from_str_radix(w, 16).expect("hex word")).collect()
}

fn layout(kv: &HashMap<String, i64>) -> NmethodLayout {
    let u = |k: &str| u32::try_from(kv[k]).unwrap_or_else(|_| panic!("{k} = {}", kv[k]));
    let i = |k: &str| i32::try_from(kv[k]).expect(k);
    NmethodLayout {
        size: u("size"),
        header_size: u("header_size"),
        relocation_begin: u("relocation_begin"),
        relocation_end: u("relocation_end"),
        consts_offset: u("consts_offset"),
        code_offset: u("code_offset"),
        stub_offset: u("stub_offset"),
        oops_offset: u("oops_offset"),
        metadata_offset: u("metadata_offset"),
        scopes_data_offset: u("scopes_data_offset"),
        scopes_pcs_offset: u("scopes_pcs_offset"),
        dependencies_offset: u("dependencies_offset"),
        // SA ends the dependencies at the handler table: no native invokers in C2 code here.
        native_invokers_offset: u("handler_table_offset"),
        handler_table_offset: u("handler_table_offset"),
        nul_chk_table_offset: u("nul_chk_table_offset"),
        nul_chk_table_end: u("nmethod_end_offset"),
        entry_point: u("entry_point"),
        verified_entry_point: u("verified_entry_point"),
        osr_entry_point: u("osr_entry_point"),
        exception_offset: u("exception_offset"),
        deopt_handler_offset: u("deopt_handler_offset"),
        deopt_mh_handler_offset: u32::try_from(kv["deopt_mh_handler_offset"]).ok(),
        frame_complete_offset: i("frame_complete_offset"),
        frame_size_words: u("frame_size_words"),
        orig_pc_offset: i("orig_pc_offset"),
        comp_level: i("comp_level"),
        entry_bci: i("entry_bci"),
    }
}

fn parse(text: &str) -> Vec<Golden> {
    let mut out = Vec::new();
    let mut name = String::new();
    let mut kv = HashMap::new();
    let mut sections: HashMap<String, Vec<u8>> = HashMap::new();
    let (mut oops, mut metadata) = (Vec::new(), Vec::new());
    let (mut pcs, mut oop_maps) = (Vec::new(), Vec::new());
    let (mut values, mut objects) = (BTreeMap::new(), BTreeMap::new());
    let mut header_address = 0u64;
    for line in text.lines() {
        let mut parts = line.split(' ');
        match parts.next() {
            Some("nmethod") => name = parts.next().unwrap_or_default().to_string(),
            Some("address") => header_address = u64::from_str_radix(parts.next().expect("address"), 16).expect("hex"),
            Some("layout") => {
                kv = parts
                    .filter(|p| !p.is_empty())
                    .map(|p| {
                        let (k, v) = p.split_once('=').expect("key=value");
                        (k.to_string(), v.parse::<i64>().expect("number"))
                    })
                    .collect();
            }
            Some("section") => {
                let n = parts.next().expect("section name").to_string();
                sections.insert(n, unhex(parts.next().expect("section bytes")));
            }
            Some("oops") => oops = words(parts.next().expect("oops")),
            Some("metadata") => metadata = words(parts.next().expect("metadata")),
            Some("pc") => {
                let pc: i32 = parts.next().expect("pc").parse().expect("pc number");
                let mut objects = 0;
                let mut chain = Vec::new();
                for p in parts {
                    if let Some(n) = p.strip_prefix("objects=") {
                        objects = n.parse().expect("objects");
                    } else {
                        chain.push(p.to_string());
                    }
                }
                pcs.push((pc, chain, objects));
            }
            Some("vals") => {
                let pc = parts.next().expect("pc").parse().expect("pc");
                let depth = parts.next().expect("depth").parse().expect("depth");
                values.insert((pc, depth), parts.map(str::to_string).collect());
            }
            Some("obj") => {
                let pc = parts.next().expect("pc").parse().expect("pc");
                let id = parts.next().expect("id").parse().expect("id");
                objects.insert((pc, id), parts.map(str::to_string).collect());
            }
            Some("oopmap") => {
                let pc = parts.next().expect("pc").parse().expect("pc");
                let count = parts.next().expect("count").parse().expect("count");
                oop_maps.push((pc, count));
            }
            Some("end") => {
                let mut take = |k: &str| sections.remove(k).unwrap_or_default();
                let captured = CapturedNmethod {
                    layout: layout(&kv),
                    header_address,
                    relocations: take("relocations"),
                    consts: take("consts"),
                    insts: take("insts"),
                    stubs: take("stubs"),
                    oops: std::mem::take(&mut oops),
                    metadata: std::mem::take(&mut metadata),
                    scopes_data: take("scopes_data"),
                    scopes_pcs: take("scopes_pcs"),
                    dependencies: take("dependencies"),
                    handler_table: take("handler_table"),
                    nul_chk_table: take("nul_chk_table"),
                    oop_maps: take("oop_maps"),
                };
                out.push(Golden {
                    name: std::mem::take(&mut name),
                    captured,
                    pcs: std::mem::take(&mut pcs),
                    oop_maps: std::mem::take(&mut oop_maps),
                    values: std::mem::take(&mut values),
                    objects: std::mem::take(&mut objects),
                });
            }
            _ => {}
        }
    }
    out
}

fn load_all() -> Vec<Golden> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let mut all = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(&dir).expect("golden dir").flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.extension().is_some_and(|e| e == "dump") {
            all.extend(parse(&std::fs::read_to_string(&path).expect("read dump")));
        }
    }
    assert!(!all.is_empty(), "no golden dumps in {}", dir.display());
    all
}

#[test]
fn decode_all_speed_over_real_nmethods() {
    let all = load_all();
    let rounds = 20;
    let start = std::time::Instant::now();
    for _ in 0..rounds {
        for g in &all {
            std::hint::black_box(decode_all(std::hint::black_box(&g.captured)).expect("decodes"));
        }
    }
    let per = start.elapsed() / (rounds * all.len() as u32);
    let bytes: usize = all
        .iter()
        .map(|g| g.captured.relocations.len() + g.captured.scopes_data.len() + g.captured.scopes_pcs.len() + g.captured.oop_maps.len())
        .sum();
    eprintln!(
        "golden: decode_all takes {per:?} per nmethod on average ({} nmethods, {} bytes of metadata sections each on average)",
        all.len(),
        bytes / all.len()
    );
}

fn u64_at(bytes: &[u8], at: usize) -> Option<u64> {
    bytes.get(at..at + 8).map(|b| u64::from_le_bytes(b.try_into().expect("8 bytes")))
}

#[test]
fn real_nmethods_decode_and_agree_with_the_serviceability_agent() {
    let all = load_all();
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    let (mut scopes_checked, mut calls_checked, mut immediates_checked) = (0, 0, 0);
    let mut in_code_oops: BTreeMap<bool, usize> = BTreeMap::new();
    let (mut values_checked, mut objects_checked) = (0, 0);
    let (mut handler_entries, mut implicit_checks, mut implicit_with_pcdesc) = (0, 0, 0);
    let mut dep_kinds: BTreeMap<String, usize> = BTreeMap::new();
    let mut oop_map_slots: BTreeMap<String, usize> = BTreeMap::new();
    let mut internal_checked = 0;
    for g in &all {
        let c = &g.captured;
        let d = decode_all(c).unwrap_or_else(|e| panic!("{}: {e}", g.name));

        // PcDescs and scopes against SA.
        assert_eq!(d.pcs.len(), g.pcs.len(), "{}: PcDesc count", g.name);
        for (mine, (pc, chain, objects)) in d.pcs.iter().zip(&g.pcs) {
            assert_eq!(mine.pc.pc_offset, PcOffset(*pc), "{}: pc order", g.name);
            let my_chain: Vec<String> = mine
                .scopes
                .iter()
                .map(|s| {
                    let method = s.method.slot().and_then(|i| c.metadata.get(i)).copied().unwrap_or(0);
                    format!(
                        "{method:x}:{}:{}:{}:{}",
                        s.bci,
                        s.locals.len(),
                        s.expressions.len(),
                        s.monitors.len()
                    )
                })
                .collect();
            assert_eq!(&my_chain, chain, "{}: scopes at pc {pc}", g.name);
            if !chain.is_empty() {
                assert_eq!(mine.objects.len(), *objects, "{}: objects at pc {pc}", g.name);
            }
            for (depth, scope) in mine.scopes.iter().enumerate() {
                let mut tokens: Vec<String> = Vec::new();
                tokens.extend(scope.locals.iter().map(|v| format!("l:{}", value_token(v))));
                tokens.extend(scope.expressions.iter().map(|v| format!("e:{}", value_token(v))));
                tokens.extend(scope.monitors.iter().map(|m| {
                    format!("m:{}|{}|{}", value_token(&m.owner), location_token(&m.basic_lock), u8::from(m.eliminated))
                }));
                assert_eq!(Some(&tokens), g.values.get(&(*pc, depth)), "{}: values at pc {pc} depth {depth}", g.name);
                values_checked += tokens.len();
            }
            for o in &mine.objects {
                let mut tokens = vec!["O".to_string()];
                tokens.extend(o.fields.iter().map(value_token));
                assert_eq!(Some(&tokens), g.objects.get(&(*pc, o.id)), "{}: object {} at pc {pc}", g.name, o.id);
                objects_checked += 1;
            }
            scopes_checked += mine.scopes.len();
        }

        // Facts the installer relies on: C2 handler subtables are keyed by a call's return
        // address, which has a PcDesc; implicit null checks have neither PcDesc nor oop map.
        for sub in &d.handler_table {
            assert!(d.pc_at(sub.catch_pc).is_some(), "{}: handler subtable at {:?} without PcDesc", g.name, sub.catch_pc);
            handler_entries += sub.entries.len();
        }
        for chk in &d.implicit_checks {
            assert!(d.oop_map_at(chk.exec).is_none(), "{}: implicit check at {:?} has an oop map", g.name, chk.exec);
            if d.pc_at(chk.exec).is_some() {
                implicit_with_pcdesc += 1;
            }
            implicit_checks += 1;
        }
        for dep in &d.dependencies {
            *dep_kinds.entry(format!("{:?}", dep.kind)).or_default() += 1;
        }

        // Every slot an oop map names is the low half of a general register, the first slot of
        // an XMM register (C2 spills oops to XMM at safepoint polls, whose blob saves them)
        // or a stack slot.
        for m in &d.oop_maps {
            for v in &m.values {
                let kind = classify(v.vmreg, STACK0_X86_64);
                let class = match kind {
                    VmRegKind::Gpr { high: false, .. } => "gpr",
                    VmRegKind::Xmm { slot: 0, .. } => "xmm",
                    VmRegKind::Stack { .. } => "stack",
                    other => panic!("{}: oop map at {:?} names {other:?} ({v:?})", g.name, m.pc_offset),
                };
                *oop_map_slots.entry(format!("{class}/{:?}", v.kind).split(' ').next().unwrap_or_default().to_string()).or_default() += 1;
            }
        }

        // Oop maps against SA.
        let my_maps: Vec<(i32, usize)> = d.oop_maps.iter().map(|m| (m.pc_offset.0, m.values.len())).collect();
        assert_eq!(my_maps, g.oop_maps, "{}: oop maps", g.name);

        // Relocations against the instruction bytes.
        for r in &d.relocations {
            let kind = format!("{:?}", r.kind);
            let mut short = kind.split([' ', '{']).next().unwrap_or_default().to_string();
            if matches!(r.kind, RelocKind::Oop { .. } | RelocKind::Metadata { .. }) {
                let idx = match r.kind { RelocKind::Oop { index, .. } => index.0, RelocKind::Metadata { index, .. } => index.0, _ => 0 };
                short = format!("{short}/{:?}/idx{}", r.format, if idx == 0 { "0" } else { "N" });
            }
            *kinds.entry(short).or_default() += 1;
            // Intra-nmethod addresses: the absolute value in the code (a consts word of a jump
            // table, or a movabs immediate) must be the decoded target, or for "value in the
            // code" internal words lie inside the content.
            let section_bytes = match r.section {
                CodeSection::Consts => &c.consts,
                CodeSection::Insts => &c.insts,
                CodeSection::Stubs => &c.stubs,
            };
            let at = r.offset_in_section as usize;
            if matches!(r.kind, RelocKind::InternalWord { .. } | RelocKind::SectionWord { .. }) {
                let absolute = if r.section == CodeSection::Consts {
                    u64_at(section_bytes, at)
                } else if section_bytes.get(at).is_some_and(|b| b & 0xF8 == 0x48)
                    && section_bytes.get(at + 1).is_some_and(|b| (0xB8..=0xBF).contains(b))
                {
                    u64_at(section_bytes, at + 2)
                } else {
                    None // RIP-relative and other forms: not an absolute value
                };
                if let Some(value) = absolute {
                    let content = c.content_address();
                    match r.kind {
                        RelocKind::InternalWord { target: Some(t) } | RelocKind::SectionWord { target: t, .. } => {
                            assert_eq!(value, content + u64::from(t.0), "{}: {:?}", g.name, r);
                        }
                        _ => assert!(
                            (content..content + u64::from(d.content.content_end)).contains(&value),
                            "{}: in-code internal word {value:#x} outside the content ({:?})",
                            g.name,
                            r
                        ),
                    }
                    internal_checked += 1;
                }
            }
            if r.section != CodeSection::Insts {
                continue;
            }
            match r.kind {
                RelocKind::StaticCall { .. } | RelocKind::OptVirtualCall { .. } | RelocKind::VirtualCall { .. } => {
                    assert_eq!(c.insts.get(at), Some(&0xE8), "{}: Java call at insts+{at}", g.name);
                    calls_checked += 1;
                }
                _ => {}
            }
            // `movabs r64, imm64` (REX.W B8+r): the immediate starts 2 bytes in.
            let rex = c.insts.get(at).copied().unwrap_or(0);
            let op = c.insts.get(at + 1).copied().unwrap_or(0);
            let is_movabs = rex & 0xF8 == 0x48 && (0xB8..=0xBF).contains(&op);
            if let (RelocKind::Oop { index, .. }, true) = (&r.kind, is_movabs) {
                if index.0 == 0 {
                    // C2's movabs of a constant oop (`load_conP`): the oop lives only in the
                    // code; it may or may not also be in the oops table. Count, for the record.
                    let value = u64_at(&c.insts, at + 2).unwrap_or(0);
                    *in_code_oops.entry(c.oops.contains(&value)).or_default() += 1;
                }
            }
            // A narrow oop operand (format 3) with a table index: with the small heaps of the
            // dumps compressed oops are unscaled (narrow == oop), so the imm32 within the
            // instruction is the table entry's low word.
            if let (RelocKind::Oop { index, offset: 0 }, OperandFormat::NarrowOop) = (&r.kind, r.format) {
                if let Some(&oop) = index.slot().and_then(|i| c.oops.get(i)) {
                    if oop < (1 << 32) {
                        let needle = (oop as u32).to_le_bytes();
                        let window = c.insts.get(at..(at + 12).min(c.insts.len())).unwrap_or(&[]);
                        assert!(window.windows(4).any(|w| w == needle), "{}: narrow oop at insts+{at}", g.name);
                        immediates_checked += 1;
                    }
                }
            }
            let table_value = match r.kind {
                RelocKind::Oop { index, offset: 0 } if r.format == OperandFormat::Immediate => {
                    index.slot().and_then(|i| c.oops.get(i))
                }
                RelocKind::Metadata { index, offset: 0 } if r.format == OperandFormat::Immediate => {
                    index.slot().and_then(|i| c.metadata.get(i))
                }
                _ => None,
            };
            if let Some(&expected) = table_value {
                if is_movabs {
                    assert_eq!(u64_at(&c.insts, at + 2), Some(expected), "{}: movabs at insts+{at}", g.name);
                    immediates_checked += 1;
                }
            }
        }
    }
    eprintln!(
        "golden: {} nmethods, {scopes_checked} scopes, {values_checked} scope values, {objects_checked} scalar-replaced objects, {calls_checked} Java calls, {immediates_checked} operand values checked; in-code oops also in the table (true/false): {in_code_oops:?}; relocations by kind: {kinds:?}",
        all.len()
    );
    eprintln!(
        "golden: {internal_checked} internal/section word addresses checked, {handler_entries} handler entries, {implicit_checks} implicit checks ({implicit_with_pcdesc} with a PcDesc), dependencies by kind: {dep_kinds:?}, oop map values by place/kind: {oop_map_slots:?}"
    );
    assert!(
        scopes_checked > 100 && values_checked > 1000 && objects_checked > 10 && calls_checked > 10,
        "the dumps should exercise the decoders"
    );
}

/// The relocation self-check (`relocheck`) finds no violation on real nmethods. The dumps do
/// not record the narrow klass base, so narrow-klass metadata operands cannot be compared here
/// (the capture test in tests/ checks them with the live JVM's base); compressed oops are
/// unscaled in the dumps' small heaps (base 0, shift 0).
#[test]
fn real_nmethods_pass_the_relocation_self_check() {
    use jitfleet_relocator::relocheck::{check_relocations, NarrowEncoding};
    let all = load_all();
    let (mut checked, mut narrow_klass_skipped) = (0, 0);
    for g in &all {
        let d = decode_all(&g.captured).expect("decodes");
        let report = check_relocations(&g.captured, &d, &NarrowEncoding::default());
        checked += report.checked;
        for v in &report.violations {
            let r = d.relocations.iter().find(|r| r.offset == v.offset).expect("reloc");
            if matches!(r.kind, RelocKind::Metadata { .. }) && r.format == OperandFormat::NarrowOop {
                narrow_klass_skipped += 1;
                continue;
            }
            panic!("{}: relocation at content+{}: {}", g.name, v.offset.0, v.detail);
        }
    }
    eprintln!("golden: relocation self-check: {checked} relocations checked over {} nmethods, {narrow_klass_skipped} narrow klass operands not comparable", all.len());
    assert!(checked > 1000, "too few relocations checked: {checked}");
}
