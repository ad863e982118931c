//! The code store: content-addressed code blobs on local disk.
//!
//! * **Content-addressed.** A blob is named by the blake3 hash of its bytes and the fleet it was
//!   uploaded for: `code/<hh>/<hash>.<fleet id>.blob` (`hh`: the first two hex digits, to keep
//!   directories small). Uploading the same bytes twice stores them once.
//! * **Crash-safe.** Blobs are written with [`crate::durable::write_atomically`] before an upload
//!   is acknowledged, so an acknowledged blob survives `kill -9` and power loss.
//! * **Self-verifying.** Each file carries its metadata and checksums ([`blob`]); at start the
//!   index is rebuilt by scanning and verifying every file, and a truncated or corrupt file is
//!   logged and moved to `quarantine/` instead of being served. Reads verify again.
//! * **Read through memmap2.** A blob is mapped, verified and copied into the reply.
//! * **Bounded.** Past `max_bytes` the least recently used blobs are evicted.

pub mod blob;
pub mod index;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::SystemTime;

use jitfleet_transport::compat::hex;
use jitfleet_transport::wire::{CatalogEntry, ContentHash};

use crate::durable;
use crate::fleet::FleetKey;
use blob::{BlobError, BlobHeader};
use index::{BlobKey, Index};

/// Sub-directory holding the blobs.
pub const CODE_DIR: &str = "code";
/// Sub-directory where damaged files are moved.
pub const QUARANTINE_DIR: &str = "quarantine";
const BLOB_SUFFIX: &str = ".blob";

/// What went wrong in the store; every variant names the file or the numbers involved.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// A file-system operation failed.
    #[error("cannot {action} {path}: {source}")]
    Io {
        /// What was being done.
        action: &'static str,
        /// On which path.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: io::Error,
    },
    /// A single blob would not fit in the whole store.
    #[error("blob of {size} bytes is larger than the whole store budget of {budget} bytes")]
    LargerThanStore {
        /// The blob file size.
        size: u64,
        /// The budget.
        budget: u64,
    },
    /// The method identity is empty or too long to be kept.
    #[error("method identity of {len} bytes is empty or over the {limit}-byte limit")]
    BadMethod {
        /// Its length.
        len: usize,
        /// The limit.
        limit: usize,
    },
}

/// Whether a put stored new bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PutOutcome {
    /// New blob written.
    Stored,
    /// The same bytes were already stored for this fleet.
    AlreadyPresent,
}

/// What the start-up scan found.
#[derive(Debug, Default, Clone)]
pub struct ScanReport {
    /// Intact blobs indexed.
    pub blobs: usize,
    /// Their total file size.
    pub bytes: u64,
    /// Damaged files moved aside, with the reason.
    pub quarantined: Vec<(PathBuf, String)>,
    /// Leftover temporary files of interrupted writes, removed.
    pub temporaries_removed: usize,
    /// Blobs evicted because the store was over its budget at start.
    pub evicted: usize,
}

/// Store figures for metrics and `status`.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct StoreUsage {
    /// Blobs held.
    pub blobs: u64,
    /// Bytes of blob files held.
    pub bytes: u64,
    /// The budget.
    pub max_bytes: u64,
    /// Blobs evicted since start.
    pub evictions: u64,
    /// Damaged files found (at start or on read) since start.
    pub quarantined: u64,
}

/// The code store. Thread-safe; file I/O happens outside the index lock.
#[derive(Debug)]
pub struct CodeStore {
    code_dir: PathBuf,
    quarantine_dir: PathBuf,
    max_bytes: u64,
    index: Mutex<Index>,
    evictions: AtomicU64,
    quarantined: AtomicU64,
}

impl CodeStore {
    /// Opens (creating if needed) the store under `dir`, rebuilding the index by scanning and
    /// verifying every blob.
    pub fn open(dir: &Path, max_bytes: u64) -> Result<(Self, ScanReport), StoreError> {
        let code_dir = dir.join(CODE_DIR);
        let quarantine_dir = dir.join(QUARANTINE_DIR);
        for path in [&code_dir, &quarantine_dir] {
            fs::create_dir_all(path).map_err(io_error("create directory", path))?;
        }
        let store = Self {
            code_dir,
            quarantine_dir,
            max_bytes,
            index: Mutex::new(Index::default()),
            evictions: AtomicU64::new(0),
            quarantined: AtomicU64::new(0),
        };
        let mut report = store.scan()?;
        report.evicted = store.evict_over_budget(None);
        let usage = store.usage();
        report.blobs = usage.blobs as usize;
        report.bytes = usage.bytes;
        Ok((store, report))
    }

    /// Stores `bytes` as the code of `method` for `fleet`; durable when this returns `Ok`.
    /// May evict older blobs to stay within the budget.
    pub fn put(&self, fleet: &FleetKey, method: &str, bytes: &[u8]) -> Result<PutOutcome, StoreError> {
        if method.is_empty() || method.len() > blob::MAX_METHOD_LEN {
            return Err(StoreError::BadMethod { len: method.len(), limit: blob::MAX_METHOD_LEN });
        }
        let hash = ContentHash::of(bytes);
        let key = BlobKey { fleet: fleet.clone(), hash };
        if self.lock().touch(&key).is_some() {
            return Ok(PutOutcome::AlreadyPresent);
        }
        let header =
            BlobHeader { content_hash: hash, compat: fleet.compat, application: fleet.application.clone(), method: method.to_owned() };
        let image = blob::encode(&header, bytes);
        let size = image.len() as u64;
        if size > self.max_bytes {
            return Err(StoreError::LargerThanStore { size, budget: self.max_bytes });
        }
        let path = self.blob_path(&key);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(io_error("create directory", dir))?;
        }
        durable::write_atomically(&path, &image).map_err(io_error("write blob", &path))?;
        self.lock().insert(key.clone(), path, method.to_owned(), bytes.len() as u64, size);
        self.evict_over_budget(Some(&key));
        Ok(PutOutcome::Stored)
    }

    /// The bytes of a blob, verified; `None` if unknown (or found damaged, which is logged and
    /// quarantined).
    pub fn get(&self, fleet: &FleetKey, hash: &ContentHash) -> Result<Option<Vec<u8>>, StoreError> {
        let key = BlobKey { fleet: fleet.clone(), hash: *hash };
        let Some(entry) = self.lock().touch(&key) else { return Ok(None) };
        let verified = read_verified(&entry.path).map(|checked| match checked {
            Ok(payload) if ContentHash::of(&payload) == *hash => Ok(payload),
            Ok(_) => Err("payload does not match the requested hash".to_string()),
            Err(reason) => Err(reason),
        });
        match verified {
            Ok(Ok(payload)) => Ok(Some(payload)),
            Ok(Err(reason)) => {
                self.lock().remove(&key);
                self.quarantine(&entry.path, &reason);
                Ok(None)
            }
            Err(error) if error.kind() == io::ErrorKind::NotFound => {
                tracing::warn!(path = %entry.path.display(), "blob file vanished; dropping it from the index");
                self.lock().remove(&key);
                Ok(None)
            }
            Err(error) => Err(StoreError::Io { action: "read blob", path: entry.path, source: error }),
        }
    }

    /// Whether the store holds `hash` for `fleet`.
    pub fn contains(&self, fleet: &FleetKey, hash: &ContentHash) -> bool {
        self.lock().contains(&BlobKey { fleet: fleet.clone(), hash: *hash })
    }

    /// Every blob of a fleet, sorted by method then hash (a stable order for receivers).
    pub fn catalog(&self, fleet: &FleetKey) -> Vec<CatalogEntry> {
        let index = self.lock();
        let mut entries: Vec<CatalogEntry> = index
            .fleet_entries(fleet)
            .map(|(key, entry)| CatalogEntry { content_hash: key.hash, method: entry.method.clone(), size: entry.payload_len })
            .collect();
        entries.sort_by(|a, b| (&a.method, a.content_hash).cmp(&(&b.method, b.content_hash)));
        entries
    }

    /// Blob counts per fleet.
    pub fn blobs_per_fleet(&self) -> Vec<(FleetKey, u64)> {
        let mut counts = std::collections::BTreeMap::<FleetKey, u64>::new();
        for (key, _) in self.lock().iter() {
            *counts.entry(key.fleet.clone()).or_default() += 1;
        }
        counts.into_iter().collect()
    }

    /// Current figures.
    pub fn usage(&self) -> StoreUsage {
        let index = self.lock();
        StoreUsage {
            blobs: index.len() as u64,
            bytes: index.total_file_bytes(),
            max_bytes: self.max_bytes,
            evictions: self.evictions.load(Ordering::Relaxed),
            quarantined: self.quarantined.load(Ordering::Relaxed),
        }
    }

    fn blob_path(&self, key: &BlobKey) -> PathBuf {
        let hash = hex(&key.hash.0);
        self.code_dir.join(&hash[..2]).join(format!("{hash}.{}{BLOB_SUFFIX}", key.fleet.id()))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Index> {
        // A panic while holding the lock cannot leave the index half-updated in a way that
        // matters more than losing it, so poisoning is ignored.
        self.index.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Walks `code/`, removing temporaries, quarantining damaged files and indexing the rest
    /// in modification-time order (oldest first, so they are evicted first).
    fn scan(&self) -> Result<ScanReport, StoreError> {
        let mut report = ScanReport::default();
        let mut found: Vec<(SystemTime, PathBuf)> = Vec::new();
        for shard in read_dir(&self.code_dir)? {
            if !shard.is_dir() {
                self.quarantine_and_record(&shard, "unexpected file outside a shard directory", &mut report);
                continue;
            }
            for path in read_dir(&shard)? {
                let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                if durable::is_temporary(&name) {
                    tracing::info!(path = %path.display(), "removing the temporary file of an interrupted write");
                    fs::remove_file(&path).map_err(io_error("remove temporary file", &path))?;
                    report.temporaries_removed += 1;
                    continue;
                }
                let modified = fs::metadata(&path).and_then(|m| m.modified()).unwrap_or(SystemTime::UNIX_EPOCH);
                found.push((modified, path));
            }
        }
        found.sort();
        for (_, path) in found {
            match self.index_file(&path) {
                Ok(()) => {}
                Err(reason) => self.quarantine_and_record(&path, &reason, &mut report),
            }
        }
        Ok(report)
    }

    /// Verifies one blob file and indexes it; `Err` carries why it is unusable.
    fn index_file(&self, path: &Path) -> Result<(), String> {
        let image = map_file(path).map_err(|error| format!("unreadable: {error}"))?;
        let bytes: &[u8] = image.as_deref().unwrap_or(&[]);
        let view = blob::parse(bytes).map_err(|error: BlobError| error.to_string())?;
        let fleet = FleetKey::new(&view.header.application, view.header.compat)
            .ok_or_else(|| format!("invalid application name {:?}", view.header.application))?;
        let key = BlobKey { fleet, hash: view.header.content_hash };
        if self.blob_path(&key) != path {
            return Err(format!("misnamed: its contents belong at {}", self.blob_path(&key).display()));
        }
        let payload_len = view.payload.len() as u64;
        let method = view.header.method.clone();
        self.lock().insert(key, path.to_owned(), method, payload_len, bytes.len() as u64);
        Ok(())
    }

    fn quarantine_and_record(&self, path: &Path, reason: &str, report: &mut ScanReport) {
        self.quarantine(path, reason);
        report.quarantined.push((path.to_owned(), reason.to_owned()));
    }

    /// Moves a damaged file aside (or deletes it if it cannot be moved) so it is never served.
    fn quarantine(&self, path: &Path, reason: &str) {
        self.quarantined.fetch_add(1, Ordering::Relaxed);
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "unnamed".into());
        let stamp = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0);
        let target = self.quarantine_dir.join(format!("{name}.{stamp}"));
        tracing::warn!(path = %path.display(), %reason, quarantine = %target.display(), "damaged store file: quarantined");
        if let Err(error) = fs::rename(path, &target) {
            tracing::warn!(path = %path.display(), %error, "cannot move the damaged file aside; deleting it");
            let _ = fs::remove_file(path);
        }
    }

    /// Evicts least recently used blobs (never `keep`) until the store fits its budget.
    fn evict_over_budget(&self, keep: Option<&BlobKey>) -> usize {
        let mut evicted = 0;
        loop {
            let victim = {
                let mut index = self.lock();
                if index.total_file_bytes() <= self.max_bytes {
                    break;
                }
                let Some(key) = index.least_recently_used(keep) else { break };
                index.remove(&key)
            };
            let Some(entry) = victim else { break };
            match fs::remove_file(&entry.path) {
                Ok(()) => tracing::debug!(path = %entry.path.display(), method = %entry.method, "evicted"),
                Err(error) => tracing::warn!(path = %entry.path.display(), %error, "cannot delete an evicted blob"),
            }
            if let Some(dir) = entry.path.parent() {
                let _ = durable::sync_dir(dir);
            }
            self.evictions.fetch_add(1, Ordering::Relaxed);
            evicted += 1;
        }
        evicted
    }
}

/// Maps a file read-only; `None` for an empty file (which cannot be mapped).
fn map_file(path: &Path) -> io::Result<Option<memmap2::Mmap>> {
    let file = fs::File::open(path)?;
    if file.metadata()?.len() == 0 {
        return Ok(None);
    }
    // SAFETY: blob files are only ever created whole by rename and never modified in place;
    // the server is their only writer. The mapping is read-only and dropped before the
    // function's callers return the copied payload.
    let map = unsafe { memmap2::Mmap::map(&file)? };
    Ok(Some(map))
}

/// Reads a blob through a mapping and verifies it; the outer error is I/O, the inner one says
/// why the content is unusable.
fn read_verified(path: &Path) -> io::Result<Result<Vec<u8>, String>> {
    let image = map_file(path)?;
    let bytes: &[u8] = image.as_deref().unwrap_or(&[]);
    Ok(blob::parse(bytes).map(|view| view.payload.to_vec()).map_err(|error| error.to_string()))
}

fn read_dir(dir: &Path) -> Result<Vec<PathBuf>, StoreError> {
    let entries = fs::read_dir(dir).map_err(io_error("list directory", dir))?;
    let mut paths = Vec::new();
    for entry in entries {
        paths.push(entry.map_err(io_error("list directory", dir))?.path());
    }
    paths.sort();
    Ok(paths)
}

fn io_error<'a>(action: &'static str, path: &'a Path) -> impl FnOnce(io::Error) -> StoreError + 'a {
    move |source| StoreError::Io { action, path: path.to_owned(), source }
}

#[cfg(test)]
mod tests;

/// What a read-only look at a store directory found (for `jitfleet-server status --store`).
#[derive(Debug, Default)]
pub struct Inspection {
    /// Intact blobs per fleet (`application/compat`), with their file bytes.
    pub fleets: std::collections::BTreeMap<String, (u64, u64)>,
    /// Files that would be quarantined at the next start, with the reason.
    pub damaged: Vec<(PathBuf, String)>,
    /// Files already in quarantine.
    pub quarantined: usize,
}

/// Verifies every blob under `dir` without changing anything.
pub fn inspect(dir: &Path) -> Result<Inspection, StoreError> {
    let mut inspection = Inspection::default();
    let code_dir = dir.join(CODE_DIR);
    if code_dir.is_dir() {
        for shard in read_dir(&code_dir)?.into_iter().filter(|path| path.is_dir()) {
            for path in read_dir(&shard)? {
                let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                if durable::is_temporary(&name) {
                    continue;
                }
                let checked = map_file(&path).map_err(|error| error.to_string()).and_then(|image| {
                    let bytes: &[u8] = image.as_deref().unwrap_or(&[]);
                    let view = blob::parse(bytes).map_err(|error| error.to_string())?;
                    Ok((format!("{}/{}", view.header.application, hex(&view.header.compat.0[..8])), bytes.len() as u64))
                });
                match checked {
                    Ok((fleet, len)) => {
                        let totals = inspection.fleets.entry(fleet).or_default();
                        totals.0 += 1;
                        totals.1 += len;
                    }
                    Err(reason) => inspection.damaged.push((path, reason)),
                }
            }
        }
    }
    let quarantine = dir.join(QUARANTINE_DIR);
    if quarantine.is_dir() {
        inspection.quarantined = read_dir(&quarantine)?.len();
    }
    Ok(inspection)
}
