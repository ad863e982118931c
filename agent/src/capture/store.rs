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

/// One index line.
///
/// `all_reasons` lists every structural reason found (see `translate::survey`), so that the
/// index tells which translations would unlock which methods.
pub fn index_line(method: &str, compile_id: u32, outcome: &Result<PathBuf, Refusal>, all_reasons: &[&str]) -> String {
    let value = match outcome {
        Ok(path) => serde_json::json!({
            "method": method,
            "compile_id": compile_id,
            "file": path.file_name().map(|f| f.to_string_lossy().into_owned()),
        }),
        Err(refusal) => serde_json::json!({
            "method": method,
            "compile_id": compile_id,
            "refused": refusal.name(),
            "detail": refusal.to_string(),
            "all_reasons": all_reasons,
        }),
    };
    value.to_string()
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
        let ok = index_line("A.m()V", 7, &Ok(PathBuf::from("/d/abc.jfnm")), &[]);
        assert_eq!(ok, r#"{"compile_id":7,"file":"abc.jfnm","method":"A.m()V"}"#);
        let refused = index_line("A.m()V", 8, &Err(Refusal::JavaCalls), &["java_calls", "oops"]);
        assert!(refused.contains(r#""refused":"java_calls""#), "{refused}");
        assert!(refused.contains(r#""all_reasons":["java_calls","oops"]"#), "{refused}");
    }
}
