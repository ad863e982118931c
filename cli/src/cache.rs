//! `jitfleet cache stats DIR` and `jitfleet cache show DIR METHOD`: what a capture directory
//! holds, read from its `index.jsonl` (one JSON object per C2 compilation the agent saw; the
//! format is documented at `index_line` in agent/src/capture/store.rs) and its portable
//! nmethod files.
//!
//! Counts are per compilation (an index line): a method compiled twice (a recompilation, or
//! a normal and an OSR version) counts twice. "Heat" is invocations + back-edges of the method
//! when C2 compiled it, so heat-weighted shares say how much of the hot code was captured.
//! A captured compilation is *shareable* when its file is present and reads back (magic,
//! format version, hash). Bad index lines are reported one by one with their line number and
//! skipped; nothing here panics on bad input.

use jitfleet_relocator::portable::decode_portable;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Name of the index in a cache directory (as the agent writes it).
pub const INDEX: &str = "index.jsonl";

/// One index line.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Entry {
    /// 1-based line number in the index.
    pub line: usize,
    pub method: String,
    pub compile_id: u64,
    pub entry_bci: i64,
    pub osr: bool,
    pub decoded: Option<bool>,
    pub file: Option<String>,
    pub refused: Option<String>,
    pub detail: Option<String>,
    pub all_reasons: Vec<String>,
    pub nmethod_size: Option<u64>,
    pub code_size: Option<u64>,
    pub invocations: Option<u64>,
    pub backedges: Option<u64>,
    pub scope_pcs: Option<u64>,
    pub scope_disagreement: Option<String>,
    pub reloc_checked: Option<u64>,
    pub reloc_violations: Option<u64>,
    pub reloc_violation: Option<String>,
    pub compat: Option<String>,
    pub inline: Vec<String>,
}

impl Entry {
    /// Invocations + back-edges (0 when the agent could not read them).
    pub fn heat(&self) -> u64 {
        self.invocations.unwrap_or(0).saturating_add(self.backedges.unwrap_or(0))
    }
}

/// Parses one index line; the error says which field is wrong.
pub fn parse_line(text: &str, line: usize) -> Result<Entry, String> {
    let v: Value = serde_json::from_str(text).map_err(|e| format!("not JSON ({e})"))?;
    let o = v.as_object().ok_or("not a JSON object")?;
    let string = |k: &str| -> Result<Option<String>, String> {
        match o.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(format!("`{k}` is {other}, not a string")),
        }
    };
    let unsigned = |k: &str| -> Result<Option<u64>, String> {
        match o.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(n) => n.as_u64().map(Some).ok_or_else(|| format!("`{k}` is {n}, not a non-negative integer")),
        }
    };
    let strings = |k: &str| -> Result<Vec<String>, String> {
        match o.get(k) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(a)) => a.iter().map(|x| x.as_str().map(str::to_string).ok_or_else(|| format!("`{k}` holds {x}, not a string"))).collect(),
            Some(other) => Err(format!("`{k}` is {other}, not a list")),
        }
    };
    let boolean = |k: &str| -> Result<Option<bool>, String> {
        match o.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(b) => b.as_bool().map(Some).ok_or_else(|| format!("`{k}` is {b}, not true/false")),
        }
    };
    let method = string("method")?.ok_or("no `method`")?;
    let compile_id = unsigned("compile_id")?.ok_or("no `compile_id`")?;
    // Lines written before OSR compilations were indexed carry no entry_bci: normal ones.
    let entry_bci = match o.get("entry_bci") {
        None | Some(Value::Null) => -1,
        Some(n) => n.as_i64().ok_or_else(|| format!("`entry_bci` is {n}, not an integer"))?,
    };
    let e = Entry {
        line,
        method,
        compile_id,
        entry_bci,
        osr: boolean("osr")?.unwrap_or(entry_bci >= 0),
        decoded: boolean("decoded")?,
        file: string("file")?,
        refused: string("refused")?,
        detail: string("detail")?,
        all_reasons: strings("all_reasons")?,
        nmethod_size: unsigned("nmethod_size")?,
        code_size: unsigned("code_size")?,
        invocations: unsigned("invocations")?,
        backedges: unsigned("backedges")?,
        scope_pcs: unsigned("scope_pcs")?,
        scope_disagreement: string("scope_disagreement")?,
        reloc_checked: unsigned("reloc_checked")?,
        reloc_violations: unsigned("reloc_violations")?,
        reloc_violation: string("reloc_violation")?,
        compat: string("compat")?,
        inline: strings("inline")?,
    };
    match (&e.file, &e.refused) {
        (Some(_), Some(_)) => Err("both `file` and `refused`".into()),
        (None, None) => Err("neither `file` nor `refused`".into()),
        _ => Ok(e),
    }
}

/// An index read leniently: the lines that parse, and an error per line that does not.
#[derive(Debug, Default)]
pub struct Index {
    pub entries: Vec<Entry>,
    /// (line number, what is wrong).
    pub errors: Vec<(usize, String)>,
}

/// Reads `DIR/index.jsonl`. A missing or unreadable index is an error; bad lines are not.
pub fn read_index(dir: &Path) -> Result<Index, String> {
    let path = dir.join(INDEX);
    let bytes = std::fs::read(&path).map_err(|e| format!("cannot read {}: {e} (is {} a capture directory?)", path.display(), dir.display()))?;
    let text = String::from_utf8_lossy(&bytes);
    let mut index = Index::default();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match parse_line(line, i + 1) {
            Ok(e) => index.entries.push(e),
            Err(why) => index.errors.push((i + 1, why)),
        }
    }
    Ok(index)
}

/// Whether a portable nmethod file reads back: `Ok(compat id)` or why not.
pub fn check_file(dir: &Path, file: &str) -> Result<String, String> {
    // Index lines name a file in the directory; anything with a path is not ours to read.
    if file.contains('/') || file.starts_with('.') {
        return Err(format!("bad file name {file:?}"));
    }
    let path: PathBuf = dir.join(file);
    let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let nm = decode_portable(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(nm.compat_id)
}

/// Counts and heat of a group of compilations.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub count: u64,
    pub heat: u64,
}

impl Tally {
    fn add(&mut self, e: &Entry) {
        self.count += 1;
        self.heat = self.heat.saturating_add(e.heat());
    }
}

/// What `cache stats` prints.
#[derive(Debug, Default)]
pub struct Stats {
    pub compilations: Tally,
    pub methods: usize,
    pub osr: Tally,
    /// OSR compilations with a portable file.
    pub osr_captured: Tally,
    pub decoded: Tally,
    pub captured: Tally,
    pub shareable: Tally,
    pub refused: Tally,
    /// Refusal name → tally.
    pub reasons: BTreeMap<String, Tally>,
    /// Every structural reason (`all_reasons`) over refused compilations → tally.
    pub all_reasons: BTreeMap<String, Tally>,
    pub scope_disagreements: u64,
    pub reloc_checked: u64,
    pub reloc_violations: u64,
    /// Captured files that are missing or do not read back: (line, why).
    pub bad_files: Vec<(usize, String)>,
    /// Compat ids seen.
    pub compat_ids: BTreeMap<String, u64>,
    /// The hottest refused compilations: (heat, method, reason).
    pub hottest_refused: Vec<(u64, String, String)>,
    pub bad_lines: Vec<(usize, String)>,
}

/// Computes the statistics of a directory's index (and checks every captured file).
pub fn stats(dir: &Path, index: &Index) -> Stats {
    let mut s = Stats { bad_lines: index.errors.clone(), ..Default::default() };
    let mut methods = std::collections::BTreeSet::new();
    for e in &index.entries {
        s.compilations.add(e);
        methods.insert(e.method.as_str());
        if e.osr {
            s.osr.add(e);
        }
        // Lines from before the `decoded` field: a captured method was decoded.
        if e.decoded.unwrap_or(e.file.is_some()) {
            s.decoded.add(e);
        }
        s.scope_disagreements += u64::from(e.scope_disagreement.is_some());
        s.reloc_checked += e.reloc_checked.unwrap_or(0);
        s.reloc_violations += e.reloc_violations.unwrap_or(0);
        if let Some(c) = &e.compat {
            *s.compat_ids.entry(c.clone()).or_default() += 1;
        }
        match (&e.file, &e.refused) {
            (Some(file), _) => {
                s.captured.add(e);
                if e.osr {
                    s.osr_captured.add(e);
                }
                match check_file(dir, file) {
                    Ok(_) => s.shareable.add(e),
                    Err(why) => s.bad_files.push((e.line, why)),
                }
            }
            (None, Some(reason)) => {
                s.refused.add(e);
                s.reasons.entry(reason.clone()).or_default().add(e);
                for r in &e.all_reasons {
                    s.all_reasons.entry(r.clone()).or_default().add(e);
                }
                s.hottest_refused.push((e.heat(), e.method.clone(), reason.clone()));
            }
            (None, None) => {}
        }
    }
    s.methods = methods.len();
    s.hottest_refused.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    s.hottest_refused.truncate(10);
    s
}

fn pct(part: u64, whole: u64) -> String {
    if whole == 0 {
        "-".into()
    } else {
        format!("{:.1}%", 100.0 * part as f64 / whole as f64)
    }
}

/// `stats` as text for a person.
pub fn render_stats(dir: &Path, s: &Stats) -> String {
    let mut out = String::new();
    let total = s.compilations;
    let row = |out: &mut String, name: &str, t: Tally| {
        out.push_str(&format!("  {name:<28} {:>7}  {:>6}   heat {:>6}\n", t.count, pct(t.count, total.count), pct(t.heat, total.heat)));
    };
    out.push_str(&format!("{}: {} C2 compilations of {} methods (heat {})\n", dir.display(), total.count, s.methods, total.heat));
    out.push_str("                               count  share   heat share\n");
    row(&mut out, "decoded", s.decoded);
    row(&mut out, "captured", s.captured);
    row(&mut out, "shareable (file reads back)", s.shareable);
    row(&mut out, "refused", s.refused);
    row(&mut out, "OSR compilations", s.osr);
    row(&mut out, "OSR compilations captured", s.osr_captured);
    out.push_str("refusal reasons (the first reason found):\n");
    let mut reasons: Vec<_> = s.reasons.iter().collect();
    reasons.sort_by(|a, b| b.1.count.cmp(&a.1.count).then_with(|| a.0.cmp(b.0)));
    for (r, t) in reasons {
        row(&mut out, r, *t);
    }
    if !s.all_reasons.is_empty() {
        out.push_str("every reason found in refused compilations (a compilation may have several):\n");
        let mut all: Vec<_> = s.all_reasons.iter().collect();
        all.sort_by(|a, b| b.1.count.cmp(&a.1.count).then_with(|| a.0.cmp(b.0)));
        for (r, t) in all {
            row(&mut out, r, *t);
        }
    }
    out.push_str(&format!(
        "self-checks: {} scope disagreements with JVMTI, {} relocation violations in {} relocations checked\n",
        s.scope_disagreements, s.reloc_violations, s.reloc_checked
    ));
    if !s.compat_ids.is_empty() {
        let ids: Vec<String> = s.compat_ids.iter().map(|(k, v)| format!("{k} ({v})")).collect();
        out.push_str(&format!("compat ids: {}\n", ids.join(", ")));
    }
    if !s.hottest_refused.is_empty() {
        out.push_str("hottest refused compilations:\n");
        for (heat, m, r) in &s.hottest_refused {
            out.push_str(&format!("  {heat:>10}  {r:<20} {m}\n"));
        }
    }
    for (line, why) in &s.bad_files {
        out.push_str(&format!("bad file (index line {line}): {why}\n"));
    }
    for (line, why) in &s.bad_lines {
        out.push_str(&format!("{}:{line}: skipped: {why}\n", INDEX));
    }
    out
}

/// `stats` as JSON.
pub fn stats_json(s: &Stats) -> Value {
    let t = |t: Tally| json!({"count": t.count, "heat": t.heat});
    let map = |m: &BTreeMap<String, Tally>| -> Value { m.iter().map(|(k, v)| (k.clone(), t(*v))).collect::<serde_json::Map<_, _>>().into() };
    json!({
        "compilations": t(s.compilations),
        "methods": s.methods,
        "decoded": t(s.decoded),
        "captured": t(s.captured),
        "shareable": t(s.shareable),
        "refused": t(s.refused),
        "osr": t(s.osr),
        "osr_captured": t(s.osr_captured),
        "reasons": map(&s.reasons),
        "all_reasons": map(&s.all_reasons),
        "scope_disagreements": s.scope_disagreements,
        "reloc_checked": s.reloc_checked,
        "reloc_violations": s.reloc_violations,
        "compat_ids": s.compat_ids,
        "hottest_refused": s.hottest_refused.iter().map(|(h, m, r)| json!({"heat": h, "method": m, "reason": r})).collect::<Vec<_>>(),
        "bad_files": s.bad_files.iter().map(|(l, w)| json!({"line": l, "error": w})).collect::<Vec<_>>(),
        "bad_lines": s.bad_lines.iter().map(|(l, w)| json!({"line": l, "error": w})).collect::<Vec<_>>(),
    })
}

/// Bound on methods `show` prints for a partial name.
const SHOW_LIMIT: usize = 20;

/// `show`: every compilation of the methods named `query` (the exact name, or else every
/// method whose name contains it), oldest first.
pub fn render_show(dir: &Path, index: &Index, query: &str) -> Result<String, String> {
    let exact: Vec<&Entry> = index.entries.iter().filter(|e| e.method == query).collect();
    let matches = if exact.is_empty() { index.entries.iter().filter(|e| e.method.contains(query)).collect() } else { exact };
    if matches.is_empty() {
        return Err(format!("no method matching {query:?} in {} ({} compilations indexed)", dir.join(INDEX).display(), index.entries.len()));
    }
    let mut by_method: BTreeMap<&str, Vec<&Entry>> = BTreeMap::new();
    for e in matches {
        by_method.entry(e.method.as_str()).or_default().push(e);
    }
    let mut out = String::new();
    for (method, versions) in by_method.iter().take(SHOW_LIMIT) {
        out.push_str(&format!("{method}: {} compilation(s)\n", versions.len()));
        for e in versions {
            render_entry(&mut out, dir, e);
        }
    }
    if by_method.len() > SHOW_LIMIT {
        out.push_str(&format!("... and {} more methods; give more of the name\n", by_method.len() - SHOW_LIMIT));
    }
    for (line, why) in &index.errors {
        out.push_str(&format!("{}:{line}: skipped: {why}\n", INDEX));
    }
    Ok(out)
}

fn render_entry(out: &mut String, dir: &Path, e: &Entry) {
    let kind = if e.osr { format!("OSR at bci {}", e.entry_bci) } else { "normal entry".into() };
    out.push_str(&format!("  compile {} ({kind}, index line {})\n", e.compile_id, e.line));
    match (&e.file, &e.refused) {
        (Some(file), _) => {
            let status = match check_file(dir, file) {
                Ok(id) => format!("reads back, compat {id}"),
                Err(why) => format!("NOT USABLE: {why}"),
            };
            out.push_str(&format!("    captured: {file} ({status})\n"));
        }
        (None, Some(reason)) => {
            out.push_str(&format!("    refused: {reason}: {}\n", e.detail.as_deref().unwrap_or("-")));
            if !e.all_reasons.is_empty() {
                out.push_str(&format!("    every reason found: {}\n", e.all_reasons.join(", ")));
            }
        }
        (None, None) => {}
    }
    if let (Some(size), Some(code)) = (e.nmethod_size, e.code_size) {
        out.push_str(&format!("    size: {size} bytes nmethod, {code} bytes of instructions\n"));
    }
    if e.invocations.is_some() || e.backedges.is_some() {
        out.push_str(&format!("    heat when compiled: {} invocations, {} back-edges\n", e.invocations.unwrap_or(0), e.backedges.unwrap_or(0)));
    }
    match (e.decoded, &e.scope_disagreement, e.scope_pcs) {
        (Some(false), _, _) => out.push_str("    sections: not decoded\n"),
        (_, Some(d), _) => out.push_str(&format!("    scopes DISAGREE with JVMTI: {d}\n")),
        (_, None, Some(n)) => out.push_str(&format!("    scopes agree with JVMTI at {n} pcs\n")),
        _ => {}
    }
    if let Some(checked) = e.reloc_checked {
        let violations = e.reloc_violations.unwrap_or(0);
        out.push_str(&format!("    relocations: {checked} checked against their instructions, {violations} violations\n"));
        if let Some(first) = &e.reloc_violation {
            out.push_str(&format!("      first: {first}\n"));
        }
    }
    if let Some(c) = &e.compat {
        out.push_str(&format!("    compat id: {c}\n"));
    }
    if !e.inline.is_empty() {
        out.push_str("    inline tree:\n");
        for l in &e.inline {
            out.push_str(&format!("      {l}\n"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CAPTURED: &str = r#"{"method":"A.m()V","compile_id":7,"entry_bci":-1,"osr":false,"decoded":true,"file":"abc.jfnm","invocations":10,"backedges":90,"scope_pcs":3,"reloc_checked":4,"reloc_violations":0,"compat":"c0ffee","inline":["A.m()V","  @3 B.n()I"]}"#;
    const REFUSED: &str = r#"{"method":"A.k()V","compile_id":8,"entry_bci":4,"osr":true,"decoded":true,"refused":"osr","detail":"OSR compilation","all_reasons":["osr","oops"],"invocations":1,"backedges":299}"#;

    #[test]
    fn lines_parse_and_bad_lines_say_what_is_wrong() {
        let e = parse_line(CAPTURED, 1).unwrap();
        assert_eq!((e.method.as_str(), e.compile_id, e.heat(), e.osr), ("A.m()V", 7, 100, false));
        assert_eq!(e.inline.len(), 2);
        let r = parse_line(REFUSED, 2).unwrap();
        assert_eq!((r.refused.as_deref(), r.entry_bci, r.osr), (Some("osr"), 4, true));
        // The index format of the first capture slice (no heat, no entry_bci) still reads.
        let old = parse_line(r#"{"compile_id":7,"file":"abc.jfnm","method":"A.m()V"}"#, 3).unwrap();
        assert_eq!((old.entry_bci, old.osr, old.heat()), (-1, false, 0));
        for (bad, why) in [
            ("{", "not JSON"),
            ("[1]", "not a JSON object"),
            (r#"{"compile_id":1,"file":"x"}"#, "no `method`"),
            (r#"{"method":"m","compile_id":-1,"file":"x"}"#, "`compile_id` is -1"),
            (r#"{"method":"m","compile_id":1}"#, "neither"),
            (r#"{"method":"m","compile_id":1,"file":"x","refused":"osr"}"#, "both"),
            (r#"{"method":"m","compile_id":1,"refused":"osr","all_reasons":"osr"}"#, "not a list"),
            (r#"{"method":"m","compile_id":1,"refused":"osr","invocations":"many"}"#, "`invocations`"),
        ] {
            let err = parse_line(bad, 9).unwrap_err();
            assert!(err.contains(why), "{bad}: {err}");
        }
    }

    #[test]
    fn stats_weight_by_heat_and_report_bad_lines_and_files() {
        let dir = std::env::temp_dir().join(format!("jitfleet-cache-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(INDEX), format!("{CAPTURED}\nnot json at all\n{REFUSED}\n\n")).unwrap();
        let index = read_index(&dir).unwrap();
        assert_eq!(index.entries.len(), 2);
        assert_eq!(index.errors.len(), 1);
        assert_eq!(index.errors[0].0, 2);
        let s = stats(&dir, &index);
        assert_eq!(s.compilations, Tally { count: 2, heat: 400 });
        assert_eq!(s.captured, Tally { count: 1, heat: 100 });
        // abc.jfnm does not exist: captured, but not shareable, and said so.
        assert_eq!(s.shareable, Tally::default());
        assert_eq!(s.bad_files.len(), 1);
        assert_eq!(s.reasons.get("osr"), Some(&Tally { count: 1, heat: 300 }));
        assert_eq!(s.osr.count, 1);
        // The one OSR line was refused (the old `osr` reason): none captured.
        assert_eq!(s.osr_captured.count, 0);
        let text = render_stats(&dir, &s);
        assert!(text.contains("captured"), "{text}");
        assert!(text.contains("heat  25.0%"), "{text}");
        assert!(text.contains("index.jsonl:2: skipped: not JSON"), "{text}");
        let json = stats_json(&s);
        assert_eq!(json["reasons"]["osr"]["heat"], 300);
        let shown = render_show(&dir, &index, "A.k").unwrap();
        assert!(shown.contains("OSR at bci 4") && shown.contains("refused: osr: OSR compilation"), "{shown}");
        let shown = render_show(&dir, &index, "A.m()V").unwrap();
        assert!(shown.contains("@3 B.n()I") && shown.contains("NOT USABLE"), "{shown}");
        assert!(render_show(&dir, &index, "Nope").is_err());
        std::fs::write(dir.join("evil.jfnm"), b"JFNMETH\x01garbage").unwrap();
        assert!(check_file(&dir, "evil.jfnm").is_err());
        assert!(check_file(&dir, "../index.jsonl").is_err());
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(read_index(&dir).is_err());
    }
}
