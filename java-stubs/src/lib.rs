//! The helper jar: Java classes for what JVMTI lacks (JVMCI code installation), compiled by
//! `build.rs` with javac and embedded here so that the agent stays one file.
//!
//! The agent writes [`HELPER_JAR`] to a temporary file and adds it to the system class path;
//! the entry point is `jitfleet.Installer.install` (see `java/jitfleet/Installer.java`).

/// The jar's bytes; empty when no JDK was available at build time.
pub const HELPER_JAR: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/jitfleet-helper.jar"));

/// The installer class, in JNI form.
pub const INSTALLER_CLASS: &str = "jitfleet/Installer";

/// `Installer.install(Class[], String[], String[], byte[], int[], long[]) -> String`.
pub const INSTALL_METHOD: (&str, &str) = (
    "install",
    "([Ljava/lang/Class;[Ljava/lang/String;[Ljava/lang/String;[B[I[J)Ljava/lang/String;",
);

/// `Installer.warmUp() -> String` (null when JVMCI is ready, else the error).
pub const WARM_UP_METHOD: (&str, &str) = ("warmUp", "()Ljava/lang/String;");

/// JVMCI packages the helper needs exported to the unnamed module.
pub const JVMCI_PACKAGES: &[&str] = &[
    "jdk.vm.ci.code",
    "jdk.vm.ci.code.site",
    "jdk.vm.ci.hotspot",
    "jdk.vm.ci.meta",
    "jdk.vm.ci.runtime",
    "jdk.vm.ci.amd64",
];

#[cfg(test)]
mod tests {
    #[test]
    fn the_jar_holds_the_installer_when_a_jdk_was_found() {
        if super::HELPER_JAR.is_empty() {
            return; // built without a JDK: the build printed a warning
        }
        // A zip's local headers name their entries in plain text.
        let needle = b"jitfleet/Installer.class";
        assert!(super::HELPER_JAR.windows(needle.len()).any(|w| w == needle));
    }
}
