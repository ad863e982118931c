//! Verify mode (`mode=verify`, run by `jitfleet cache verify DIR`): checks every portable
//! nmethod of the cache directory against this JVM without running the application — file
//! format, payload hash and name, compat key, and the bytes of every class the code names
//! that this JVM's class path can load (loaded, never initialised). Writes a JSON report to
//! `doctor_out` (or stdout) at VMInit; the launcher then runs `-version` and exits.
//!
//! Static final values are not compared here: reading them would initialise application
//! classes, i.e. run the application. The receiver compares them at install time.

use crate::jni::Jni;
use crate::lifecycle::Agent;
use crate::statics;
use jitfleet_relocator::portable::{decode_portable, ClassRef, PortableFileError};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// One file's verdict: `ok`, `corrupt`, `other_version`, `other_configuration`,
/// `class_missing`, `class_differs`, `class_unchecked`.
struct Verdict {
    verdict: &'static str,
    method: String,
    detail: String,
}

/// VMInit in verify mode: check, report.
pub fn run(agent: &Agent, jni: Jni) {
    let Some(dir) = agent.config.cache_dir.clone() else { return };
    let digest = agent.compat.get().cloned().flatten().map(|k| k.digest());
    let mut files: Vec<_> = match std::fs::read_dir(&dir) {
        Ok(e) => e.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == crate::capture::store::EXTENSION)).collect(),
        Err(e) => {
            tracing::error!("verify: cannot read cache directory {}: {e}", dir.display());
            Vec::new()
        }
    };
    files.sort();
    let mut summary: BTreeMap<&str, u64> = BTreeMap::new();
    let mut rows = Vec::new();
    for path in &files {
        let v = jni.with_local_frame(64, || verify_file(agent, jni, path, digest)).unwrap_or(Verdict {
            verdict: "class_unchecked",
            method: String::new(),
            detail: "no JNI frame".into(),
        });
        *summary.entry(v.verdict).or_insert(0) += 1;
        let file = path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
        rows.push(json!({ "file": file, "method": v.method, "verdict": v.verdict, "detail": v.detail }));
    }
    let report = json!({ "dir": dir.display().to_string(), "files": rows, "summary": summary });
    let text = serde_json::to_string_pretty(&report).unwrap_or_default();
    match &agent.config.doctor_out {
        Some(path) => {
            if let Err(e) = std::fs::write(path, text) {
                tracing::error!("verify: cannot write the report {}: {e}", path.display());
            }
        }
        None => println!("{text}"),
    }
}

fn verify_file(agent: &Agent, jni: Jni, path: &Path, digest: Option<[u8; 32]>) -> Verdict {
    let verdict = |verdict, method: &str, detail: String| Verdict { verdict, method: method.to_string(), detail };
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => return verdict("corrupt", "", format!("unreadable: {e}")),
    };
    let nm = match decode_portable(&bytes) {
        Ok(nm) => nm,
        Err(e @ PortableFileError::Version { .. }) => return verdict("other_version", "", e.to_string()),
        Err(e) => return verdict("corrupt", "", e.to_string()),
    };
    let method = nm.root().map(|r| r.to_string()).unwrap_or_default();
    // Content addressing: the name is the hash of the payload (header is 52 bytes).
    let id = blake3::hash(&bytes[52..]).to_hex().to_string();
    if path.file_stem().map(|s| s.to_string_lossy() != id).unwrap_or(true) {
        return verdict("corrupt", &method, format!("the file name does not match its content ({id})"));
    }
    match digest {
        None => return verdict("other_configuration", &method, "this JVM has no compat key".into()),
        Some(d) if d != nm.compat_key => {
            return verdict("other_configuration", &method, format!("captured by a JVM of compat id {}", nm.compat_id))
        }
        Some(_) => {}
    }
    let mut classes: BTreeSet<(String, String)> = BTreeSet::new();
    let mut refs: Vec<&ClassRef> = nm.methods.iter().map(|m| &m.class).collect();
    refs.extend(nm.facts.initialised.iter());
    refs.extend(nm.facts.statics.iter().map(|s| &s.holder));
    refs.extend(nm.facts.layout.iter());
    refs.extend(nm.facts.assumptions.iter().flat_map(|a| a.classes()));
    let mut unchecked = Vec::new();
    for c in refs {
        if !classes.insert((c.name.clone(), c.loader.clone())) {
            continue;
        }
        let loader = match c.loader.as_str() {
            "boot" => std::ptr::null_mut(),
            l if l.ends_with("/platform") => statics::builtin_loader(jni, true).unwrap_or(std::ptr::null_mut()),
            _ => statics::builtin_loader(jni, false).unwrap_or(std::ptr::null_mut()),
        };
        let Some(class) = statics::load_class(jni, loader, &c.name) else {
            return verdict("class_missing", &method, format!("{} cannot be loaded here (class path?)", c.name));
        };
        let Some(here) = statics::class_ref(agent, jni, class) else {
            return verdict("class_missing", &method, format!("{} cannot be named here", c.name));
        };
        if here.loader != c.loader {
            return verdict("class_differs", &method, format!("{}: loader {} here, {} in the donor", c.name, here.loader, c.loader));
        }
        match (here.bytes_hash, c.bytes_hash) {
            (Some(a), Some(b)) if a == b => {}
            (None, _) | (_, None) if c.loader == "boot" => {} // CDS; the compat key vouches
            (None, _) | (_, None) => unchecked.push(c.name.clone()),
            _ => return verdict("class_differs", &method, format!("{}: the class bytes differ from the donor's", c.name)),
        }
    }
    if !unchecked.is_empty() {
        return verdict("class_unchecked", &method, format!("no bytes hash for {}", unchecked.join(", ")));
    }
    verdict("ok", &method, format!("{} classes checked", classes.len()))
}
