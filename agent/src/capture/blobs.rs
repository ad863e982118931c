//! Code blobs (interpreter, stubs, runtime blobs) by name and generation order, from JVMTI
//! DynamicCodeGenerated: the vocabulary both sides of code sharing use for runtime call
//! targets. HotSpot 17 gives several blobs one name (all three safepoint handler blobs are
//! "SafepointBlob"), so a blob is named by (name, ordinal among blobs of that name).

use jitfleet_relocator::portable::RuntimeTarget;
use std::sync::Mutex;

/// Bound on recorded blobs; HotSpot 17 generates a few thousand.
const MAX_BLOBS: usize = 100_000;

#[derive(Clone, Debug, PartialEq, Eq)]
struct Blob {
    name: String,
    ordinal: u32,
    address: u64,
    length: u64,
}

/// Every blob reported so far, in report order.
#[derive(Default)]
pub struct BlobNames {
    blobs: Mutex<Vec<Blob>>,
}

impl BlobNames {
    pub fn record(&self, name: &str, address: u64, length: u64) {
        let mut blobs = self.blobs.lock().unwrap_or_else(|e| e.into_inner());
        if blobs.len() >= MAX_BLOBS {
            return;
        }
        let ordinal = blobs.iter().filter(|b| b.name == name).count() as u32;
        blobs.push(Blob { name: name.to_string(), ordinal, address, length });
    }

    /// The blob containing `address`, as a symbolic target.
    pub fn symbolise(&self, address: u64) -> Option<RuntimeTarget> {
        let blobs = self.blobs.lock().unwrap_or_else(|e| e.into_inner());
        blobs.iter().rev().find(|b| address >= b.address && address < b.address + b.length.max(1)).map(|b| {
            RuntimeTarget::CodeBlob { name: b.name.clone(), ordinal: b.ordinal, offset: (address - b.address) as u32 }
        })
    }

    /// The address of a symbolic blob target in this JVM, if the blob exists and is long enough.
    pub fn resolve(&self, name: &str, ordinal: u32, offset: u32) -> Option<u64> {
        let blobs = self.blobs.lock().unwrap_or_else(|e| e.into_inner());
        blobs
            .iter()
            .find(|b| b.name == name && b.ordinal == ordinal && u64::from(offset) < b.length.max(1))
            .map(|b| b.address + u64::from(offset))
    }
}

/// The process-wide table, fed by the DynamicCodeGenerated callback.
pub fn names() -> &'static BlobNames {
    static NAMES: once_cell::sync::Lazy<BlobNames> = once_cell::sync::Lazy::new(BlobNames::default);
    &NAMES
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blobs_of_one_name_are_told_apart_by_order() {
        let b = BlobNames::default();
        b.record("SafepointBlob", 0x1000, 0x100);
        b.record("DeoptimizationBlob", 0x2000, 0x100);
        b.record("SafepointBlob", 0x3000, 0x100);
        let t = b.symbolise(0x3010).unwrap();
        assert_eq!(t, RuntimeTarget::CodeBlob { name: "SafepointBlob".into(), ordinal: 1, offset: 0x10 });
        assert_eq!(b.resolve("SafepointBlob", 1, 0x10), Some(0x3010));
        assert_eq!(b.resolve("SafepointBlob", 0, 0x10), Some(0x1010));
        assert_eq!(b.resolve("SafepointBlob", 2, 0), None);
        assert_eq!(b.resolve("DeoptimizationBlob", 0, 0x100), None, "offset past the blob");
        assert!(b.symbolise(0x2100).is_none());
    }
}
