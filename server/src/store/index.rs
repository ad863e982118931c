//! The in-memory index of the code store: which blobs exist, their size, and how recently each
//! was used (for eviction). Pure bookkeeping: no I/O.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use jitfleet_transport::wire::ContentHash;

use crate::fleet::FleetKey;

/// A blob is named by its fleet and the hash of its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BlobKey {
    /// The fleet the code was uploaded for.
    pub fleet: FleetKey,
    /// blake3 of the bytes.
    pub hash: ContentHash,
}

/// What the index knows about one blob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobEntry {
    /// The blob file.
    pub path: PathBuf,
    /// The method the code is for.
    pub method: String,
    /// Payload bytes (what a receiver downloads).
    pub payload_len: u64,
    /// File bytes (what the store budget counts).
    pub file_len: u64,
    /// Recency stamp: larger is more recent.
    last_used: u64,
}

/// Blobs by key, with a recency order for least-recently-used eviction.
#[derive(Debug, Default)]
pub struct Index {
    entries: HashMap<BlobKey, BlobEntry>,
    by_recency: BTreeMap<u64, BlobKey>,
    clock: u64,
    total_file_bytes: u64,
}

impl Index {
    /// Adds (or replaces) a blob as the most recently used one.
    pub fn insert(&mut self, key: BlobKey, path: PathBuf, method: String, payload_len: u64, file_len: u64) {
        self.remove(&key);
        let stamp = self.tick();
        self.total_file_bytes += file_len;
        self.by_recency.insert(stamp, key.clone());
        self.entries.insert(key, BlobEntry { path, method, payload_len, file_len, last_used: stamp });
    }

    /// Looks a blob up and marks it used.
    pub fn touch(&mut self, key: &BlobKey) -> Option<BlobEntry> {
        let stamp = self.tick();
        let entry = self.entries.get_mut(key)?;
        self.by_recency.remove(&entry.last_used);
        entry.last_used = stamp;
        self.by_recency.insert(stamp, key.clone());
        Some(entry.clone())
    }

    /// Whether the blob is indexed (does not count as a use).
    pub fn contains(&self, key: &BlobKey) -> bool {
        self.entries.contains_key(key)
    }

    /// Forgets a blob; returns what was known about it.
    pub fn remove(&mut self, key: &BlobKey) -> Option<BlobEntry> {
        let entry = self.entries.remove(key)?;
        self.by_recency.remove(&entry.last_used);
        self.total_file_bytes -= entry.file_len;
        Some(entry)
    }

    /// The least recently used blob other than `keep`, if any.
    pub fn least_recently_used(&self, keep: Option<&BlobKey>) -> Option<BlobKey> {
        self.by_recency.values().find(|key| Some(*key) != keep).cloned()
    }

    /// The blobs of one fleet, in no particular order.
    pub fn fleet_entries<'a>(&'a self, fleet: &'a FleetKey) -> impl Iterator<Item = (&'a BlobKey, &'a BlobEntry)> + 'a {
        self.entries.iter().filter(move |(key, _)| &key.fleet == fleet)
    }

    /// Every blob.
    pub fn iter(&self) -> impl Iterator<Item = (&BlobKey, &BlobEntry)> {
        self.entries.iter()
    }

    /// Number of blobs.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the index is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Sum of the blob file sizes.
    pub fn total_file_bytes(&self) -> u64 {
        self.total_file_bytes
    }

    fn tick(&mut self) -> u64 {
        self.clock += 1;
        self.clock
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: u8) -> BlobKey {
        BlobKey { fleet: FleetKey::new("app", ContentHash([0; 32])).unwrap(), hash: ContentHash([n; 32]) }
    }

    fn add(index: &mut Index, n: u8, len: u64) {
        index.insert(key(n), PathBuf::from(format!("{n}")), format!("m{n}"), len, len + 10);
    }

    #[test]
    fn least_recently_used_follows_touches() {
        let mut index = Index::default();
        add(&mut index, 1, 100);
        add(&mut index, 2, 100);
        add(&mut index, 3, 100);
        assert_eq!(index.least_recently_used(Some(&key(3))), Some(key(1)));
        index.touch(&key(1));
        assert_eq!(index.least_recently_used(Some(&key(3))), Some(key(2)));
        assert_eq!(index.least_recently_used(Some(&key(2))), Some(key(3)));
        assert_eq!(index.total_file_bytes(), 330);
    }

    #[test]
    fn remove_and_reinsert_keep_the_byte_total_right() {
        let mut index = Index::default();
        add(&mut index, 1, 100);
        add(&mut index, 1, 50);
        assert_eq!((index.len(), index.total_file_bytes()), (1, 60));
        assert_eq!(index.remove(&key(1)).map(|e| e.payload_len), Some(50));
        assert_eq!((index.len(), index.total_file_bytes()), (0, 0));
        assert_eq!(index.least_recently_used(Some(&key(9))), None);
    }
}
