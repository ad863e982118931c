//! Fingerprints for the JDK's own classes that the agent never saw the bytes of.
//!
//! The class load hook is switched on at VMInit (earlier, it would turn off CDS's archived
//! module graph and cost start-up time), so the few hundred boot and platform classes defined
//! before that — `String`, `HashMap`, `StringLatin1`, ... — have no bytes hash, and code that
//! uses them could not be shared. At VMInit the agent lists them: those whose package belongs
//! to a named module can only come from the runtime image, `$JAVA_HOME/lib/modules` (or from
//! `--patch-module`, which switches this off; classes of `-Xbootclasspath/a` are in the
//! unnamed module and stay without fingerprint). Their fingerprint is derived from the image's
//! own digest and the class name: two JVMs give such a class the same fingerprint exactly when
//! they run the same image file, byte for byte.
//!
//! The digest is blake3 of the whole image (about 130 MB on JDK 17; ~0.1 s in a release build),
//! computed once by a background thread started at OnLoad in the modes that share code, so it
//! is usually ready before C2 has compiled anything; it is remembered, keyed by the file's
//! identity (inode, size, times), in `$XDG_CACHE_HOME/jitfleet` (or `~/.cache/jitfleet`) so
//! that later JVMs on the machine skip the hashing. A lookup before it is done waits for it,
//! at most [`MAX_WAIT`]; after that the class has no fingerprint (its code is refused, never
//! installed on a guess) — a JVMTI callback must not hold HotSpot's service thread for long.

use once_cell::sync::OnceCell;
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// The longest a lookup waits for the background digest.
pub const MAX_WAIT: Duration = Duration::from_secs(3);

/// Domain separation: these hashes never collide with a hash of class file bytes.
const DERIVE_CONTEXT: &str = "jitfleet 2026-11 runtime image class fingerprint v1";

/// Where the runtime image is and whether it may be trusted; the digest once computed.
#[derive(Default)]
pub struct RuntimeImage {
    /// `$JAVA_HOME/lib/modules`, or `None` when fallback fingerprints are off.
    modules: OnceCell<Option<PathBuf>>,
    /// Internal names of the image classes defined before the load hook was on.
    early_classes: OnceCell<HashSet<String>>,
    digest: OnceCell<Option<[u8; 32]>>,
    /// A background thread is computing the digest.
    warming: AtomicBool,
}

impl RuntimeImage {
    /// Sets the image up from the JVM's properties: `java.home`, and `patched` when
    /// `--patch-module` is in use (patched boot classes may not come from the image).
    pub fn locate(&self, java_home: Option<String>, patched: bool) {
        let modules = match (java_home, patched) {
            (_, true) => {
                tracing::info!("--patch-module is in use: JDK classes loaded before VMInit get no fingerprint");
                None
            }
            (None, false) => None,
            (Some(home), false) => Some(PathBuf::from(home).join("lib/modules")),
        };
        let _ = self.modules.set(modules);
    }

    /// The image classes defined before the load hook was on (known at VMInit).
    pub fn set_early_classes(&self, early_classes: HashSet<String>) {
        let _ = self.early_classes.set(early_classes);
    }

    /// [`Self::locate`] and [`Self::set_early_classes`] at once.
    pub fn configure(&self, java_home: Option<String>, patched: bool, early_classes: HashSet<String>) {
        self.locate(java_home, patched);
        self.set_early_classes(early_classes);
    }

    /// Computes the digest now (from a background thread, so that the first lookup is cheap).
    pub fn warm_up(&'static self) {
        self.warming.store(true, Ordering::SeqCst);
        let spawned = std::thread::Builder::new().name("jitfleet-image-digest".into()).spawn(move || {
            let _ = std::panic::catch_unwind(|| self.digest.get_or_init(|| self.compute()));
            self.warming.store(false, Ordering::SeqCst);
        });
        if let Err(e) = spawned {
            self.warming.store(false, Ordering::SeqCst);
            tracing::debug!("runtime image digest computed on first use: {e}");
        }
    }

    /// The fingerprint of JDK class `name` (internal form) from this image, if the image is
    /// known and readable and `name` is one of the early image classes (never a hidden class).
    pub fn class_fingerprint(&self, name: &str) -> Option<[u8; 32]> {
        if is_hidden_class_name(name) || !self.early_classes.get().is_some_and(|c| c.contains(name)) {
            return None;
        }
        let digest = self.digest()?;
        let mut hasher = blake3::Hasher::new_derive_key(DERIVE_CONTEXT);
        hasher.update(&digest);
        hasher.update(name.as_bytes());
        Some(*hasher.finalize().as_bytes())
    }

    fn digest(&self) -> Option<[u8; 32]> {
        if let Some(d) = self.digest.get() {
            return *d;
        }
        if !self.warming.load(Ordering::SeqCst) {
            return *self.digest.get_or_init(|| self.compute());
        }
        let deadline = Instant::now() + MAX_WAIT;
        while Instant::now() < deadline {
            if let Some(d) = self.digest.get() {
                return *d;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        tracing::info!("the runtime image digest took longer than {MAX_WAIT:?}: this JDK class gets no fingerprint");
        self.digest.get().copied().flatten()
    }

    fn compute(&self) -> Option<[u8; 32]> {
        {
            let path = self.modules.get()?.as_ref()?;
            let started = std::time::Instant::now();
            let identity = file_identity(path);
            let memory = digest_memory();
            if let Some(d) = identity.as_deref().zip(memory.as_deref()).and_then(|(i, m)| remembered_digest(m, i)) {
                tracing::debug!("runtime image {} digest remembered", path.display());
                return Some(d);
            }
            match hash_file(path) {
                Ok(d) => {
                    tracing::debug!("runtime image {} digest in {} ms", path.display(), started.elapsed().as_millis());
                    if let Some((identity, memory)) = identity.zip(memory) {
                        remember_digest(&memory, &identity, &d);
                    }
                    Some(d)
                }
                Err(e) => {
                    tracing::info!("cannot read the runtime image {} ({e}): JDK classes loaded before VMInit get no fingerprint", path.display());
                    None
                }
            }
        }
    }
}

/// What identifies one version of the image file: path, device, inode, size, modification and
/// change times to the nanosecond. The change time cannot be set by a user: a file rewritten
/// in place or replaced gets a new one.
fn file_identity(path: &std::path::Path) -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(path).ok()?;
    Some(format!("{} {} {} {} {}.{} {}.{}", path.display(), m.dev(), m.ino(), m.size(), m.mtime(), m.mtime_nsec(), m.ctime(), m.ctime_nsec()))
}

/// Where digests of runtime images are remembered between JVMs: `$XDG_CACHE_HOME/jitfleet`
/// or `$HOME/.cache/jitfleet` (none when neither is set: then every JVM hashes the image).
fn digest_memory() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
    Some(base.join("jitfleet").join("runtime-image-digests"))
}

/// The digest remembered in `memory` for this file identity, if any. The file holds one line
/// per image: the identity, a tab, the hex digest.
fn remembered_digest(memory: &std::path::Path, identity: &str) -> Option<[u8; 32]> {
    let text = std::fs::read_to_string(memory).ok()?;
    let hex = text.lines().find_map(|l| l.strip_prefix(identity)?.strip_prefix('\t'))?;
    let mut digest = [0u8; 32];
    for (i, byte) in digest.iter_mut().enumerate() {
        *byte = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(digest)
}

/// Remembers a digest (best effort: written to a temporary file and renamed; a failure only
/// means the next JVM hashes the image again).
fn remember_digest(path: &std::path::Path, identity: &str, digest: &[u8; 32]) {
    static WRITES: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let Some(dir) = path.parent() else { return };
    let old = std::fs::read_to_string(&path).unwrap_or_default();
    let mut lines: Vec<&str> = old.lines().filter(|l| !l.starts_with(identity)).take(15).collect();
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    let line = format!("{identity}\t{hex}");
    lines.push(&line);
    // One temporary file per writer (process and write), so two writers never share one.
    let tmp = dir.join(format!(".runtime-image-digests.{}.{}.tmp", std::process::id(), WRITES.fetch_add(1, Ordering::Relaxed)));
    let written = std::fs::create_dir_all(dir).and_then(|_| std::fs::write(&tmp, lines.join("\n") + "\n")).and_then(|_| std::fs::rename(&tmp, &path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        tracing::debug!("runtime image digest not remembered in {}: {e}", path.display());
    }
}

fn hash_file(path: &std::path::Path) -> std::io::Result<[u8; 32]> {
    let mut hasher = blake3::Hasher::new();
    let mut file = std::fs::File::open(path)?;
    std::io::copy(&mut file, &mut hasher)?;
    Ok(*hasher.finalize().as_bytes())
}

/// The package of a class in internal form (`java/lang` for `java/lang/String`), `""` for the
/// unnamed package.
pub fn package_of(name: &str) -> &str {
    name.rfind('/').map_or("", |i| &name[..i])
}

/// Hidden classes (lambda forms, lambda proxies) are named `<name>/0x<address>` and have no
/// class file in the image; their names may even repeat between runs with other contents.
fn is_hidden_class_name(name: &str) -> bool {
    name.contains("/0x") || name.contains("$$Lambda")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image_with(contents: &[u8], tag: &str) -> RuntimeImage {
        let dir = std::env::temp_dir().join(format!("jf-image-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("lib")).unwrap();
        std::fs::write(dir.join("lib/modules"), contents).unwrap();
        let image = RuntimeImage::default();
        let early = ["java/lang/String", "java/lang/StringLatin1", "java/lang/invoke/LambdaForm$MH/0x0000000800c01000"];
        image.configure(Some(dir.display().to_string()), false, early.iter().map(|s| s.to_string()).collect());
        image
    }

    #[test]
    fn same_image_same_fingerprint_other_image_or_name_another() {
        let a = image_with(b"image one", "a");
        let b = image_with(b"image one", "b");
        let c = image_with(b"image two", "c");
        let fa = a.class_fingerprint("java/lang/String").unwrap();
        assert_eq!(Some(fa), b.class_fingerprint("java/lang/String"));
        assert_ne!(Some(fa), c.class_fingerprint("java/lang/String"));
        assert_ne!(Some(fa), a.class_fingerprint("java/lang/StringLatin1"));
        // Never equal to the hash of some bytes: a derived key, not a plain hash.
        assert_ne!(fa, *blake3::hash(b"java/lang/String").as_bytes());
    }

    #[test]
    fn no_fingerprint_when_patched_missing_or_hidden() {
        let patched = RuntimeImage::default();
        let early: HashSet<String> = ["java/lang/String".to_string()].into_iter().collect();
        patched.configure(Some("/usr/lib/jvm/java-17-openjdk-amd64".into()), true, early.clone());
        assert_eq!(patched.class_fingerprint("java/lang/String"), None);
        let missing = RuntimeImage::default();
        missing.configure(Some("/nonexistent-java-home".into()), false, early);
        assert_eq!(missing.class_fingerprint("java/lang/String"), None);
        let unconfigured = RuntimeImage::default();
        assert_eq!(unconfigured.class_fingerprint("java/lang/String"), None);
        let a = image_with(b"image", "h");
        assert_eq!(a.class_fingerprint("java/lang/invoke/LambdaForm$MH/0x0000000800c01000"), None);
        assert_eq!(a.class_fingerprint("Foo$$Lambda$14/0x0000000800c02000"), None);
        // Not defined before the hook (the hook saw its bytes, or it never was loaded early).
        assert_eq!(a.class_fingerprint("java/util/HashMap"), None);
    }

    #[test]
    fn digests_are_remembered_by_file_identity() {
        // A file of its own (not the environment's, which other tests' images write to).
        let home = std::env::temp_dir().join(format!("jf-digest-home-{}", std::process::id()));
        let memory = home.join("jitfleet").join("runtime-image-digests");
        let identity = "/x/lib/modules 1 2 3 4.5 6.7";
        assert_eq!(remembered_digest(&memory, identity), None);
        remember_digest(&memory, identity, &[0xab; 32]);
        remember_digest(&memory, "/y/lib/modules 1 2 3 4.5 6.7", &[0x01; 32]);
        assert_eq!(remembered_digest(&memory, identity), Some([0xab; 32]));
        assert_eq!(remembered_digest(&memory, "/y/lib/modules 1 2 3 4.5 6.7"), Some([0x01; 32]));
        assert_eq!(remembered_digest(&memory, "/x/lib/modules 1 2 3 4.5 6.8"), None);
        let _ = std::fs::remove_dir_all(&home);
    }

    #[test]
    fn packages_of_internal_names() {
        assert_eq!(package_of("java/lang/String"), "java/lang");
        assert_eq!(package_of("Main"), "");
    }
}
