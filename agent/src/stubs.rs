//! Names and addresses of the VM's generated code (interpreter, stubs, adapters), from JVMTI
//! DynamicCodeGenerated. Needed to turn a call target in compiled code into a symbol
//! ("StubRoutines::arraycopy + 16") that another JVM of the same build can resolve.

use std::sync::Mutex;

/// Bound on recorded blobs; HotSpot 17 generates a few thousand.
pub const MAX_STUBS: usize = 100_000;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stub {
    pub name: String,
    pub address: usize,
    pub length: usize,
}

#[derive(Default)]
pub struct StubRegistry {
    stubs: Mutex<Vec<Stub>>,
}

impl StubRegistry {
    pub fn record(&self, stub: Stub) {
        let mut stubs = self.stubs.lock().unwrap_or_else(|e| e.into_inner());
        if stubs.len() < MAX_STUBS {
            stubs.push(stub);
        }
    }

    /// The stub containing `address`, with the offset into it.
    pub fn symbolise(&self, address: usize) -> Option<(Stub, usize)> {
        let stubs = self.stubs.lock().unwrap_or_else(|e| e.into_inner());
        stubs
            .iter()
            .rev()
            .find(|s| address >= s.address && address < s.address + s.length.max(1))
            .map(|s| (s.clone(), address - s.address))
    }

    pub fn len(&self) -> usize {
        self.stubs.lock().map(|s| s.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbolises_addresses_inside_a_stub_only() {
        let r = StubRegistry::default();
        r.record(Stub { name: "arraycopy".into(), address: 0x1000, length: 0x100 });
        assert_eq!(r.symbolise(0x1010).map(|(s, o)| (s.name, o)), Some(("arraycopy".into(), 0x10)));
        assert!(r.symbolise(0x1100).is_none());
        assert!(r.symbolise(0xfff).is_none());
    }
}
