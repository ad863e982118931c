//! The cache directory: one content-addressed file per portable nmethod
//! (`<blake3 hex>.jfnm`, written to a temporary name and renamed, so a reader never sees half
//! a file) and an append-only index (`index.jsonl`), one JSON line per captured or refused
//! compilation — what `jitfleet cache stats` reads.

use jitfleet_relocator::portable::{encode_portable, PortableNmethod, Refusal};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Extension of portable nmethod files.
pub const EXTENSION: &str = "jfnm";
/// Name of the index file.
pub const INDEX: &str = "index.jsonl";

/// Writes `nmethod` into `dir`; returns the file's path.
pub fn write_portable(dir: &Path, nmethod: &PortableNmethod) -> std::io::Result<PathBuf> {
    let (bytes, id) = encode_portable(nmethod);
    let path = dir.join(format!("{id}.{EXTENSION}"));
    if path.exists() {
        return Ok(path); // same content, already there
    }
    let tmp = dir.join(format!(".{id}.{}.tmp", std::process::id()));
    std::fs::write(&tmp, &bytes)?;
    std::fs::rename(&tmp, &path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })?;
    Ok(path)
}

/// The refusal name of a method whose relocations do not match its instructions
/// (`jitfleet_relocator::relocheck`): a decoder that drifted from HotSpot, never shared.
pub const RELOCATION_MISMATCH: &str = "relocation_mismatch";

/// Why a compilation was not captured: a translation refusal, or a capture-side check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    /// Short stable name (a [`Refusal::name`] or [`RELOCATION_MISMATCH`]).
    pub name: &'static str,
    pub detail: String,
}

impl From<Refusal> for Refused {
    fn from(r: Refusal) -> Refused {
        Refused { name: r.name(), detail: r.to_string() }
    }
}

/// How hot a method was when C2 compiled it (see `capture::heat_of`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Heat {
    pub invocations: u64,
    pub backedges: u64,
}

/// What a capture learnt besides its outcome, for the log and the index.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub compile_id: u32,
    /// -1 (`InvocationEntryBci`) for a normal compilation, the loop's bci for OSR.
    pub entry_bci: i32,
    /// `CodeBlob::_size` and the insts section's size, in bytes (0 when not copied).
    pub nmethod_size: u32,
    pub code_size: u32,
    pub heat: Option<Heat>,
    /// Every section decoded without error (`decode_all`).
    pub decoded: bool,
    /// PcDescs whose decoded scope chain agrees with JVMTI's inline record.
    pub scope_pcs: usize,
    pub scope_disagreement: Option<String>,
    /// Relocations checked against their instruction, violations, the first one.
    pub reloc_checked: usize,
    pub reloc_violations: usize,
    pub first_reloc_violation: Option<String>,
    /// The capturing JVM's compat key (short id).
    pub compat: Option<String>,
    /// Inline tree lines (see `capture::inline_tree`).
    pub inline_tree: Vec<String>,
    pub inlined: usize,
    /// (Java calls, exception handler entries, class constants) of the portable nmethod: what
    /// each translation contributed, for measuring (logged, not indexed).
    pub translated: (usize, usize, usize, usize),
    /// (mirrors, strings, static final values) among the object constants (patched and in
    /// debug info), for measuring (logged, not indexed).
    pub objects: (usize, usize, usize),
    /// Scalar-replaced object descriptions over all safepoints (one object live at several
    /// safepoints counts at each), for measuring (logged, not indexed).
    pub scalar_replaced: usize,
    /// Every structural refusal reason found (`translate::survey`).
    pub all_reasons: Vec<&'static str>,
}

/// One index line: a JSON object. Always present: `method`, `compile_id`, `entry_bci`,
/// `osr`, `decoded`, and `file` (captured) or `refused` + `detail` + `all_reasons`
/// (refused). Present once known: `nmethod_size`, `code_size`, `invocations`, `backedges`,
/// `scope_pcs` or `scope_disagreement`, `reloc_checked`, `reloc_violations`
/// (+ `reloc_violation`, the first), `compat`, `inline`. `jitfleet cache` reads it; keys it
/// does not know are ignored, so lines may grow.
pub fn index_line(method: &str, outcome: &Result<PathBuf, Refused>, facts: &Facts) -> String {
    let mut v = serde_json::json!({
        "method": method,
        "compile_id": facts.compile_id,
        "entry_bci": facts.entry_bci,
        "osr": facts.entry_bci >= 0,
        "decoded": facts.decoded,
    });
    let Some(o) = v.as_object_mut() else { return v.to_string() };
    let mut put = |k: &str, val: serde_json::Value| {
        o.insert(k.to_string(), val);
    };
    match outcome {
        Ok(path) => put("file", path.file_name().map(|f| f.to_string_lossy().into_owned()).into()),
        Err(r) => {
            put("refused", r.name.into());
            put("detail", r.detail.clone().into());
            put("all_reasons", facts.all_reasons.clone().into());
        }
    }
    if facts.nmethod_size > 0 {
        put("nmethod_size", facts.nmethod_size.into());
        put("code_size", facts.code_size.into());
    }
    if let Some(h) = facts.heat {
        put("invocations", h.invocations.into());
        put("backedges", h.backedges.into());
    }
    if facts.decoded {
        match &facts.scope_disagreement {
            Some(e) => put("scope_disagreement", e.clone().into()),
            None => put("scope_pcs", facts.scope_pcs.into()),
        }
        put("reloc_checked", facts.reloc_checked.into());
        put("reloc_violations", facts.reloc_violations.into());
        if let Some(first) = &facts.first_reloc_violation {
            put("reloc_violation", first.clone().into());
        }
    }
    if let Some(c) = &facts.compat {
        put("compat", c.clone().into());
    }
    if !facts.inline_tree.is_empty() {
        put("inline", facts.inline_tree.clone().into());
    }
    v.to_string()
}

/// Appends one line to the index (a single `write` of a short line on an `O_APPEND` file, so
/// lines of concurrent JVMs do not interleave).
pub fn append_index(dir: &Path, line: &str) -> std::io::Result<()> {
    let mut f = std::fs::OpenOptions::new().create(true).append(true).open(dir.join(INDEX))?;
    f.write_all(format!("{line}\n").as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_lines_name_the_file_or_the_reason() {
        let facts = Facts { compile_id: 7, entry_bci: -1, ..Default::default() };
        let ok = index_line("A.m()V", &Ok(PathBuf::from("/d/abc.jfnm")), &facts);
        assert_eq!(ok, r#"{"compile_id":7,"decoded":false,"entry_bci":-1,"file":"abc.jfnm","method":"A.m()V","osr":false}"#);
        let facts = Facts {
            compile_id: 8,
            entry_bci: 12,
            decoded: true,
            heat: Some(Heat { invocations: 3, backedges: 60000 }),
            reloc_checked: 5,
            all_reasons: vec!["java_calls", "osr"],
            ..Default::default()
        };
        let refused = index_line("A.m()V", &Err(Refusal::Osr.into()), &facts);
        let v: serde_json::Value = serde_json::from_str(&refused).unwrap();
        assert_eq!(v["refused"], "osr");
        assert_eq!(v["osr"], true);
        assert_eq!(v["entry_bci"], 12);
        assert_eq!(v["backedges"], 60000);
        assert_eq!(v["scope_pcs"], 0);
        assert_eq!(v["reloc_violations"], 0);
        assert_eq!(v["all_reasons"], serde_json::json!(["java_calls", "osr"]));
    }
}
