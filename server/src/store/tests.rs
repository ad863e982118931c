use super::*;

fn fleet(app: &str) -> FleetKey {
    FleetKey::new(app, ContentHash([3; 32])).unwrap()
}

fn code(seed: u8, len: usize) -> Vec<u8> {
    (0..len).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)).collect()
}

#[test]
fn stored_code_comes_back_byte_identical_after_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = code(1, 5000);
    let hash = ContentHash::of(&bytes);
    {
        let (store, report) = CodeStore::open(dir.path(), 1 << 20).unwrap();
        assert_eq!(report.blobs, 0);
        assert_eq!(store.put(&fleet("a"), "La;m()V", &bytes).unwrap(), PutOutcome::Stored);
        assert_eq!(store.put(&fleet("a"), "La;m()V", &bytes).unwrap(), PutOutcome::AlreadyPresent);
    }
    let (store, report) = CodeStore::open(dir.path(), 1 << 20).unwrap();
    assert_eq!(report.blobs, 1);
    assert!(report.quarantined.is_empty());
    assert_eq!(store.get(&fleet("a"), &hash).unwrap(), Some(bytes));
    // The same bytes are not visible to another fleet.
    assert_eq!(store.get(&fleet("b"), &hash).unwrap(), None);
    let catalog = store.catalog(&fleet("a"));
    assert_eq!(catalog.len(), 1);
    assert_eq!((catalog[0].method.as_str(), catalog[0].size, catalog[0].content_hash), ("La;m()V", 5000, hash));
}

#[test]
fn a_truncated_blob_is_quarantined_at_start_and_the_others_survive() {
    let dir = tempfile::tempdir().unwrap();
    let (good, bad) = (code(1, 3000), code(2, 3000));
    {
        let (store, _) = CodeStore::open(dir.path(), 1 << 20).unwrap();
        store.put(&fleet("a"), "La;good()V", &good).unwrap();
        store.put(&fleet("a"), "La;bad()V", &bad).unwrap();
    }
    let bad_path = CodeStore::open(dir.path(), 1 << 20).unwrap().0.blob_path(&BlobKey { fleet: fleet("a"), hash: ContentHash::of(&bad) });
    let length = fs::metadata(&bad_path).unwrap().len();
    fs::OpenOptions::new().write(true).open(&bad_path).unwrap().set_len(length - 100).unwrap();

    let (store, report) = CodeStore::open(dir.path(), 1 << 20).unwrap();
    assert_eq!(report.blobs, 1);
    assert_eq!(report.quarantined.len(), 1);
    assert!(report.quarantined[0].1.contains("truncated"), "{:?}", report.quarantined);
    assert!(!bad_path.exists(), "the damaged file was moved aside");
    assert_eq!(fs::read_dir(dir.path().join(QUARANTINE_DIR)).unwrap().count(), 1);
    assert_eq!(store.get(&fleet("a"), &ContentHash::of(&bad)).unwrap(), None);
    assert_eq!(store.get(&fleet("a"), &ContentHash::of(&good)).unwrap(), Some(good));
    assert_eq!(store.usage().quarantined, 1);
}

#[test]
fn a_blob_damaged_after_start_is_caught_on_read() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = code(4, 2000);
    let (store, _) = CodeStore::open(dir.path(), 1 << 20).unwrap();
    store.put(&fleet("a"), "La;m()V", &bytes).unwrap();
    let path = store.blob_path(&BlobKey { fleet: fleet("a"), hash: ContentHash::of(&bytes) });
    let mut image = fs::read(&path).unwrap();
    let last = image.len() - 1;
    image[last] ^= 0xff;
    fs::write(&path, image).unwrap();
    assert_eq!(store.get(&fleet("a"), &ContentHash::of(&bytes)).unwrap(), None);
    assert_eq!(store.usage().quarantined, 1);
    assert_eq!(store.usage().blobs, 0);
}

#[test]
fn the_least_recently_used_blobs_are_evicted_past_the_budget() {
    let dir = tempfile::tempdir().unwrap();
    let blobs: Vec<Vec<u8>> = (0..4).map(|seed| code(seed, 1000)).collect();
    // Room for three blobs of ~1.1 KB (payload plus header), not four.
    let (store, _) = CodeStore::open(dir.path(), 3500).unwrap();
    for (n, bytes) in blobs.iter().take(3).enumerate() {
        store.put(&fleet("a"), &format!("La;m{n}()V"), bytes).unwrap();
    }
    // Use blob 0 so that blob 1 becomes the least recently used.
    assert!(store.get(&fleet("a"), &ContentHash::of(&blobs[0])).unwrap().is_some());
    store.put(&fleet("a"), "La;m3()V", &blobs[3]).unwrap();
    let usage = store.usage();
    assert_eq!((usage.blobs, usage.evictions), (3, 1));
    assert!(usage.bytes <= 3500);
    assert!(!store.contains(&fleet("a"), &ContentHash::of(&blobs[1])));
    for kept in [0, 2, 3] {
        assert!(store.contains(&fleet("a"), &ContentHash::of(&blobs[kept])), "blob {kept} kept");
    }
    assert!(matches!(store.put(&fleet("a"), "La;huge()V", &code(9, 10_000)), Err(StoreError::LargerThanStore { .. })));
}

#[test]
fn leftover_temporaries_are_removed_and_strangers_quarantined() {
    let dir = tempfile::tempdir().unwrap();
    let shard = dir.path().join(CODE_DIR).join("ab");
    fs::create_dir_all(&shard).unwrap();
    fs::write(shard.join(format!("{}x.blob.1.2", durable::TEMP_PREFIX)), b"half written").unwrap();
    fs::write(shard.join("abcdef.0000.blob"), b"JFBLOB\0\x01 but not really").unwrap();
    let (store, report) = CodeStore::open(dir.path(), 1 << 20).unwrap();
    assert_eq!(report.temporaries_removed, 1);
    assert_eq!(report.quarantined.len(), 1);
    assert_eq!(store.usage().blobs, 0);
}
