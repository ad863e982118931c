//! The only place in the shim that talks to the process directly: symbol lookup in the loaded
//! `libjvm.so` and copies of VM memory.
//!
//! Every read of VM memory goes through [`VmMemory`], which uses `process_vm_readv(2)` on our own
//! pid. The kernel walks the page tables for us and answers `EFAULT` for an unmapped address
//! instead of raising `SIGSEGV`, so a stale or garbage pointer costs us an error value, never the
//! host JVM. Everything above this module works on owned copies.

use std::collections::HashMap;
use std::ffi::{CStr, CString};

use super::error::ShimError;

/// Largest single copy we ever make. VM structures we read are far smaller (a big MethodData is a
/// few tens of KiB); a length above this is a decoding error, not a request to honour.
pub const MAX_READ_LEN: usize = 4 << 20;

/// Lowest address we accept as a pointer. Page zero is never mapped, and HotSpot uses small
/// integers as sentinels (e.g. `JNIMethodBlock::_free_method == 55`).
const MIN_PLAUSIBLE_ADDR: u64 = 0x1_0000;

/// Highest user-space address on x86-64 Linux (47-bit canonical lower half).
const MAX_PLAUSIBLE_ADDR: u64 = 0x0000_7fff_ffff_ffff;

/// Copies of this process's memory, made through the kernel so that a bad address is an error.
#[derive(Debug, Clone, Copy)]
pub struct VmMemory {
    pid: libc::pid_t,
}

impl Default for VmMemory {
    fn default() -> Self {
        Self::new()
    }
}

impl VmMemory {
    /// A reader of our own address space.
    pub fn new() -> Self {
        // SAFETY: getpid has no preconditions and cannot fail.
        let pid = unsafe { libc::getpid() };
        Self { pid }
    }

    /// Proves that copies work in this process: some sandboxes (seccomp profiles, gVisor) refuse
    /// `process_vm_readv`, and then the shim must stay off rather than fall back to raw reads.
    pub fn self_check(&self) -> Result<(), ShimError> {
        let probe: Box<u64> = Box::new(0x6a69_7466_6c65_6574);
        let got = self.read_u64(&*probe as *const u64 as u64, "process_vm_readv self-check")?;
        if got != *probe {
            return Err(ShimError::ShortRead { what: "process_vm_readv self-check", addr: 0, wanted: 8, got: 0 });
        }
        Ok(())
    }

    /// Checks that `addr` could be a pointer to a `align`-aligned object of `len` bytes in user
    /// space. This does not prove the memory is mapped — the copy itself finds that out.
    pub fn check_pointer(addr: u64, align: u64, len: usize, what: &'static str) -> Result<(), ShimError> {
        let end = addr.checked_add(len as u64);
        // Alignments are powers of two.
        let aligned = align <= 1 || addr & (align - 1) == 0;
        if addr < MIN_PLAUSIBLE_ADDR || !aligned || !matches!(end, Some(e) if e <= MAX_PLAUSIBLE_ADDR) {
            return Err(ShimError::ImplausiblePointer { what, addr });
        }
        if len > MAX_READ_LEN {
            return Err(ShimError::ImplausibleSize { what, size: len as u64, limit: MAX_READ_LEN as u64 });
        }
        Ok(())
    }

    /// Copies `len` bytes at `addr`. Fails unless every byte could be read.
    pub fn read(&self, addr: u64, len: usize, what: &'static str) -> Result<Vec<u8>, ShimError> {
        Self::check_pointer(addr, 1, len, what)?;
        let mut buf = vec![0u8; len];
        if len == 0 {
            return Ok(buf);
        }
        let got = self.read_into(addr, &mut buf)?;
        if got != len {
            return Err(ShimError::ShortRead { what, addr, wanted: len, got });
        }
        Ok(buf)
    }

    /// Copies as many bytes as possible (up to `buf.len()`) from `addr`; returns how many.
    fn read_into(&self, addr: u64, buf: &mut [u8]) -> Result<usize, ShimError> {
        let local = libc::iovec { iov_base: buf.as_mut_ptr().cast(), iov_len: buf.len() };
        let remote = libc::iovec { iov_base: addr as usize as *mut libc::c_void, iov_len: buf.len() };
        // SAFETY: `local` describes `buf`, which we own mutably for the whole call and whose length
        // is `iov_len`. `remote` is only an address handed to the kernel, which validates it
        // against our page tables and returns EFAULT (or a short count) instead of faulting.
        let n = unsafe { libc::process_vm_readv(self.pid, &local, 1, &remote, 1, 0) };
        if n < 0 {
            let errno = std::io::Error::last_os_error().raw_os_error().unwrap_or(0);
            return Err(ShimError::ReadFailed { addr, len: buf.len(), errno });
        }
        Ok(n as usize)
    }

    /// Reads a native-endian `u64` at an 8-byte-aligned address.
    pub fn read_u64(&self, addr: u64, what: &'static str) -> Result<u64, ShimError> {
        Self::check_pointer(addr, 8, 8, what)?;
        let b = self.read(addr, 8, what)?;
        Ok(u64::from_ne_bytes(b.try_into().expect("read returned exactly 8 bytes")))
    }

    /// Reads a native-endian `u32` at a 4-byte-aligned address.
    pub fn read_u32(&self, addr: u64, what: &'static str) -> Result<u32, ShimError> {
        Self::check_pointer(addr, 4, 4, what)?;
        let b = self.read(addr, 4, what)?;
        Ok(u32::from_ne_bytes(b.try_into().expect("read returned exactly 4 bytes")))
    }

    /// Reads a NUL-terminated string of at most `max_len` bytes (without the NUL). Reads page by
    /// page so that a string ending just before an unmapped page is still found.
    pub fn read_c_string(&self, addr: u64, max_len: usize, what: &'static str) -> Result<String, ShimError> {
        Self::check_pointer(addr, 1, 1, what)?;
        let mut out = Vec::new();
        let mut cursor = addr;
        while out.len() < max_len {
            let to_page_end = (PAGE - cursor % PAGE) as usize;
            let chunk = to_page_end.min(max_len - out.len());
            let mut buf = vec![0u8; chunk];
            let got = self.read_into(cursor, &mut buf)?;
            if got == 0 {
                return Err(ShimError::ShortRead { what, addr: cursor, wanted: chunk, got });
            }
            if let Some(nul) = buf[..got].iter().position(|&b| b == 0) {
                out.extend_from_slice(&buf[..nul]);
                return Ok(String::from_utf8_lossy(&out).into_owned());
            }
            out.extend_from_slice(&buf[..got]);
            cursor += got as u64;
        }
        Err(ShimError::StringTooLong { what, addr, limit: max_len })
    }
}

const PAGE: u64 = 4096;

/// Copies of whole pages, so that thousands of small neighbouring reads (the names the vmStructs
/// tables point to, in libjvm's `.rodata`; the flag variables in its `.data`/`.bss`) cost a few
/// hundred copies instead of one each. Only for memory that does not change while we read it.
pub struct PageCache<'m> {
    mem: &'m VmMemory,
    pages: HashMap<u64, Option<Vec<u8>>>,
}

impl<'m> PageCache<'m> {
    pub fn new(mem: &'m VmMemory) -> Self {
        Self { mem, pages: HashMap::new() }
    }

    /// Copies `len` bytes at `addr` from the cached page(s), or directly if a page is unreadable.
    pub fn read(&mut self, addr: u64, len: usize, what: &'static str) -> Result<Vec<u8>, ShimError> {
        VmMemory::check_pointer(addr, 1, len, what)?;
        let mut out = Vec::with_capacity(len);
        let mut cursor = addr;
        while out.len() < len {
            let base = cursor - cursor % PAGE;
            let Some(page) = self.page(base) else { return self.mem.read(addr, len, what) };
            let from = (cursor - base) as usize;
            let take = (len - out.len()).min(page.len() - from);
            out.extend_from_slice(&page[from..from + take]);
            cursor += take as u64;
        }
        Ok(out)
    }

    fn page(&mut self, page: u64) -> Option<&[u8]> {
        let mem = self.mem;
        self.pages.entry(page).or_insert_with(|| mem.read(page, PAGE as usize, "page").ok()).as_deref()
    }

    /// Reads an optional C string: NULL gives `None`. Falls back to a direct read if the page
    /// cannot be copied whole (e.g. the string sits at the end of the last mapped page).
    pub fn string(&mut self, ptr: u64, max_len: usize, what: &'static str) -> Result<Option<String>, ShimError> {
        if ptr == 0 {
            return Ok(None);
        }
        let mut out = Vec::new();
        let mut cursor = ptr;
        while out.len() < max_len {
            let base = cursor - cursor % PAGE;
            let Some(page) = self.page(base) else {
                return self.mem.read_c_string(ptr, max_len, what).map(Some);
            };
            let tail = &page[(cursor - base) as usize..];
            if let Some(nul) = tail.iter().position(|&b| b == 0) {
                out.extend_from_slice(&tail[..nul]);
                return Ok(Some(String::from_utf8_lossy(&out).into_owned()));
            }
            out.extend_from_slice(tail);
            cursor = base + PAGE;
        }
        Err(ShimError::StringTooLong { what, addr: ptr, limit: max_len })
    }
}

/// Looks up a data or code symbol exported by a loaded library (searched in global scope, then
/// in `libjvm.so` if it is already loaded). Returns its address.
pub fn lookup_symbol(name: &str) -> Option<u64> {
    let cname = CString::new(name).ok()?;
    // SAFETY: RTLD_DEFAULT is a valid pseudo-handle and `cname` is a NUL-terminated string that
    // outlives the call. dlsym only reads the dynamic symbol tables.
    let addr = unsafe { libc::dlsym(libc::RTLD_DEFAULT, cname.as_ptr()) };
    if !addr.is_null() {
        return Some(addr as u64);
    }
    let lib = CString::new("libjvm.so").ok()?;
    // SAFETY: RTLD_NOLOAD never loads or initialises anything: it only returns a handle when
    // libjvm.so is already mapped (it is, we run inside the JVM). The handle is released below.
    let handle = unsafe { libc::dlopen(lib.as_ptr(), libc::RTLD_NOW | libc::RTLD_NOLOAD) };
    if handle.is_null() {
        return None;
    }
    // SAFETY: `handle` is a valid handle from dlopen above; `cname` as before.
    let addr = unsafe { libc::dlsym(handle, cname.as_ptr()) };
    // SAFETY: balances the reference count taken by the successful dlopen above.
    unsafe { libc::dlclose(handle) };
    (!addr.is_null()).then_some(addr as u64)
}

/// The library that contains `addr`: its path and the address it is loaded at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadedObject {
    pub path: String,
    pub base: u64,
}

/// Finds which loaded shared object contains `addr` (e.g. a libjvm symbol) via `dladdr`.
pub fn object_containing(addr: u64) -> Option<LoadedObject> {
    let mut info = libc::Dl_info {
        dli_fname: std::ptr::null(),
        dli_fbase: std::ptr::null_mut(),
        dli_sname: std::ptr::null(),
        dli_saddr: std::ptr::null_mut(),
    };
    // SAFETY: dladdr only inspects the loader's bookkeeping and writes into `info`, which we own.
    let ok = unsafe { libc::dladdr(addr as usize as *const libc::c_void, &mut info) };
    if ok == 0 || info.dli_fname.is_null() {
        return None;
    }
    // SAFETY: dladdr succeeded, so dli_fname points to the loader's NUL-terminated path string,
    // which lives as long as the object stays loaded (libjvm never unloads while we run).
    let path = unsafe { CStr::from_ptr(info.dli_fname) }.to_string_lossy().into_owned();
    Some(LoadedObject { path, base: info.dli_fbase as u64 })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_own_memory_and_rejects_bad_addresses() {
        let mem = VmMemory::new();
        let data: Box<[u64; 2]> = Box::new([0x1122_3344_5566_7788, 42]);
        let addr = data.as_ptr() as u64;
        assert_eq!(mem.read_u64(addr, "test").unwrap(), 0x1122_3344_5566_7788);
        assert_eq!(mem.read_u64(addr + 8, "test").unwrap(), 42);
        assert!(matches!(mem.read_u64(55, "test"), Err(ShimError::ImplausiblePointer { .. })));
        assert!(matches!(mem.read_u64(addr + 1, "test"), Err(ShimError::ImplausiblePointer { .. })));
        // A plausible but unmapped address (top of the canonical range) must be an error, not a crash.
        assert!(mem.read(0x7fff_ffff_0000, 16, "test").is_err());
    }

    #[test]
    fn page_cache_reads_across_pages_and_strings() {
        let mem = VmMemory::new();
        let data: Vec<u8> = (0..3 * 4096u32).map(|i| (i % 251) as u8 + 1).collect();
        let mut cache = PageCache::new(&mem);
        let start = data.as_ptr() as u64 + 4000;
        assert_eq!(cache.read(start, 300, "t").unwrap(), data[4000..4300].to_vec());
        let s = CString::new("x".repeat(5000)).unwrap();
        assert_eq!(cache.string(s.as_ptr() as u64, 6000, "s").unwrap().map(|s| s.len()), Some(5000));
        assert!(matches!(cache.string(s.as_ptr() as u64, 100, "s"), Err(ShimError::StringTooLong { .. })));
        assert_eq!(cache.string(0, 10, "s").unwrap(), None);
    }

    #[test]
    fn reads_c_strings() {
        let mem = VmMemory::new();
        let s = CString::new("Method::_constMethod").unwrap();
        assert_eq!(mem.read_c_string(s.as_ptr() as u64, 256, "s").unwrap(), "Method::_constMethod");
        assert!(matches!(mem.read_c_string(s.as_ptr() as u64, 4, "s"), Err(ShimError::StringTooLong { .. })));
    }
}
