//! A development PKI in one call, so a first-time user runs with mutual TLS at once
//! (`jitfleet certs init DIR`).
//!
//! [`init_dev_pki`] writes into `DIR`:
//!
//! | file | what |
//! |---|---|
//! | `ca.pem`, `ca-key.pem` | the development CA (keep `ca-key.pem` private: it mints identities) |
//! | `server.pem`, `server-key.pem` | the server, valid for `127.0.0.1`, `::1`, `localhost` (+ extra names) |
//! | `<name>.pem`, `<name>-key.pem` | one per client; by default `client` (receiver) and `donor` |
//!
//! A client certificate carries its name as the subject CN and its [`Role`] as the subject OU,
//! which is what [`crate::tls::PeerIdentity::role`] reads on the server. Keys are ECDSA P-256,
//! written with mode 0600. Existing files are never overwritten unless asked.
//! [`issue_client_certificate`] adds a client later with the CA kept in the directory.

use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};
use time::{Duration, OffsetDateTime};

use crate::wire::Role;

/// CA certificate file name inside the PKI directory.
pub const CA_CERT_FILE: &str = "ca.pem";
/// CA private key file name.
pub const CA_KEY_FILE: &str = "ca-key.pem";
/// Server certificate file name.
pub const SERVER_CERT_FILE: &str = "server.pem";
/// Server private key file name.
pub const SERVER_KEY_FILE: &str = "server-key.pem";

/// How long development leaf certificates are valid.
const LEAF_VALIDITY: Duration = Duration::days(825);
/// How long the development CA is valid.
const CA_VALIDITY: Duration = Duration::days(3650);
/// Backdating of `notBefore`, so that small clock skew between machines does not matter.
const CLOCK_SKEW: Duration = Duration::hours(1);

/// What went wrong creating the development PKI.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CertsError {
    /// A target file exists and overwriting was not asked for. Nothing was written.
    #[error("{path} already exists (pass overwrite to replace the development PKI)")]
    AlreadyExists {
        /// The existing file.
        path: PathBuf,
    },
    /// File system error on a named path.
    #[error("{action} {path}: {source}")]
    Io {
        /// "create directory", "write", "read", ...
        action: &'static str,
        /// The path.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// rcgen refused to generate or parse something.
    #[error("cannot {action}: {source}")]
    Generate {
        /// What was being generated.
        action: String,
        /// Why.
        #[source]
        source: rcgen::Error,
    },
    /// A client name that cannot be a file name.
    #[error("client name {0:?} must be non-empty and use only letters, digits, '-', '_' and '.'")]
    BadClientName(String),
}

/// What to generate.
#[derive(Debug, Clone)]
pub struct DevPkiOptions {
    /// Replace existing files.
    pub overwrite: bool,
    /// Extra DNS names or IP addresses for the server certificate, on top of
    /// `localhost`, `127.0.0.1` and `::1`.
    pub extra_server_names: Vec<String>,
    /// Client certificates to create: (name, role).
    pub clients: Vec<(String, Role)>,
}

impl Default for DevPkiOptions {
    fn default() -> Self {
        Self {
            overwrite: false,
            extra_server_names: Vec::new(),
            clients: vec![("client".into(), Role::Receiver), ("donor".into(), Role::Donor)],
        }
    }
}

/// A certificate file and its key file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertFiles {
    /// PEM certificate.
    pub cert: PathBuf,
    /// PEM private key (mode 0600).
    pub key: PathBuf,
}

/// The files [`init_dev_pki`] wrote.
#[derive(Debug, Clone)]
pub struct DevPki {
    /// The CA.
    pub ca: CertFiles,
    /// The server.
    pub server: CertFiles,
    /// The clients: name, role, files.
    pub clients: Vec<(String, Role, CertFiles)>,
}

/// Creates a development CA, a server certificate and client certificates in `dir` (created if
/// missing). Refuses, before writing anything, if a target file exists and
/// `options.overwrite` is false.
pub fn init_dev_pki(dir: &Path, options: &DevPkiOptions) -> Result<DevPki, CertsError> {
    for (name, _) in &options.clients {
        check_client_name(name)?;
    }
    let ca_files = files(dir, CA_CERT_FILE, CA_KEY_FILE);
    let server_files = files(dir, SERVER_CERT_FILE, SERVER_KEY_FILE);
    let client_files: Vec<CertFiles> = options.clients.iter().map(|(name, _)| client_files(dir, name)).collect();
    if !options.overwrite {
        let all = [&ca_files, &server_files].into_iter().chain(client_files.iter());
        for path in all.flat_map(|f| [&f.cert, &f.key]) {
            if path.exists() {
                return Err(CertsError::AlreadyExists { path: path.clone() });
            }
        }
    }
    std::fs::create_dir_all(dir)
        .map_err(|source| CertsError::Io { action: "create directory", path: dir.to_owned(), source })?;

    let now = OffsetDateTime::now_utc();
    let ca_key = generate_key("the CA key")?;
    let ca_cert = ca_params(now)
        .self_signed(&ca_key)
        .map_err(|source| CertsError::Generate { action: "self-sign the CA certificate".into(), source })?;
    write_pair(&ca_files, &ca_cert.pem(), &ca_key.serialize_pem(), options.overwrite)?;

    let mut server_names = vec!["localhost".to_string(), "127.0.0.1".to_string(), "::1".to_string()];
    server_names.extend(options.extra_server_names.iter().cloned());
    let server_key = generate_key("the server key")?;
    let server_cert = leaf_params(now, server_names, "jitfleet-server", None, ExtendedKeyUsagePurpose::ServerAuth)?
        .signed_by(&server_key, &ca_cert, &ca_key)
        .map_err(|source| CertsError::Generate { action: "sign the server certificate".into(), source })?;
    write_pair(&server_files, &server_cert.pem(), &server_key.serialize_pem(), options.overwrite)?;

    let mut clients = Vec::new();
    for ((name, role), files) in options.clients.iter().zip(client_files) {
        let key = generate_key(&format!("the key of client {name}"))?;
        let cert = client_params(now, name, *role)?
            .signed_by(&key, &ca_cert, &ca_key)
            .map_err(|source| CertsError::Generate { action: format!("sign the certificate of client {name}"), source })?;
        write_pair(&files, &cert.pem(), &key.serialize_pem(), options.overwrite)?;
        clients.push((name.clone(), *role, files));
    }
    Ok(DevPki { ca: ca_files, server: server_files, clients })
}

/// Issues one more client certificate with the CA stored in `dir` by [`init_dev_pki`].
pub fn issue_client_certificate(dir: &Path, name: &str, role: Role, overwrite: bool) -> Result<CertFiles, CertsError> {
    check_client_name(name)?;
    let target = client_files(dir, name);
    if !overwrite {
        for path in [&target.cert, &target.key] {
            if path.exists() {
                return Err(CertsError::AlreadyExists { path: path.clone() });
            }
        }
    }
    let ca_files = files(dir, CA_CERT_FILE, CA_KEY_FILE);
    let ca_pem = read_text(&ca_files.cert)?;
    let ca_key_pem = read_text(&ca_files.key)?;
    let ca_key = KeyPair::from_pem(&ca_key_pem)
        .map_err(|source| CertsError::Generate { action: format!("parse the CA key {}", ca_files.key.display()), source })?;
    // Rebuilding the CA certificate from its own fields and key yields the same subject and key
    // identifier, so certificates signed with it chain to the `ca.pem` peers already trust.
    let ca_cert = CertificateParams::from_ca_cert_pem(&ca_pem)
        .and_then(|params| params.self_signed(&ca_key))
        .map_err(|source| CertsError::Generate { action: format!("load the CA {}", ca_files.cert.display()), source })?;
    let key = generate_key(&format!("the key of client {name}"))?;
    let cert = client_params(OffsetDateTime::now_utc(), name, role)?
        .signed_by(&key, &ca_cert, &ca_key)
        .map_err(|source| CertsError::Generate { action: format!("sign the certificate of client {name}"), source })?;
    write_pair(&target, &cert.pem(), &key.serialize_pem(), overwrite)?;
    Ok(target)
}

fn files(dir: &Path, cert: &str, key: &str) -> CertFiles {
    CertFiles { cert: dir.join(cert), key: dir.join(key) }
}

fn client_files(dir: &Path, name: &str) -> CertFiles {
    CertFiles { cert: dir.join(format!("{name}.pem")), key: dir.join(format!("{name}-key.pem")) }
}

fn check_client_name(name: &str) -> Result<(), CertsError> {
    let reserved = ["ca", "server"].contains(&name);
    let valid_chars = name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if name.is_empty() || reserved || !valid_chars || name.starts_with('.') {
        return Err(CertsError::BadClientName(name.to_owned()));
    }
    Ok(())
}

fn generate_key(what: &str) -> Result<KeyPair, CertsError> {
    KeyPair::generate().map_err(|source| CertsError::Generate { action: format!("generate {what}"), source })
}

fn ca_params(now: OffsetDateTime) -> CertificateParams {
    let mut params = CertificateParams::default();
    let mut name = DistinguishedName::new();
    name.push(DnType::CommonName, "jitfleet development CA");
    name.push(DnType::OrganizationName, "jitfleet");
    params.distinguished_name = name;
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
    params.not_before = now - CLOCK_SKEW;
    params.not_after = now + CA_VALIDITY;
    params
}

fn leaf_params(
    now: OffsetDateTime,
    subject_alt_names: Vec<String>,
    common_name: &str,
    role: Option<Role>,
    usage: ExtendedKeyUsagePurpose,
) -> Result<CertificateParams, CertsError> {
    let mut params = CertificateParams::new(subject_alt_names)
        .map_err(|source| CertsError::Generate { action: format!("use the names of {common_name}"), source })?;
    let mut name = DistinguishedName::new();
    name.push(DnType::CommonName, common_name);
    name.push(DnType::OrganizationName, "jitfleet");
    if let Some(role) = role {
        name.push(DnType::OrganizationalUnitName, role.as_str());
    }
    params.distinguished_name = name;
    params.is_ca = IsCa::ExplicitNoCa;
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![usage];
    params.use_authority_key_identifier_extension = true;
    params.not_before = now - CLOCK_SKEW;
    params.not_after = now + LEAF_VALIDITY;
    Ok(params)
}

fn client_params(now: OffsetDateTime, name: &str, role: Role) -> Result<CertificateParams, CertsError> {
    // The name is also a DNS SAN so that tools which ignore the CN still see it.
    leaf_params(now, vec![name.to_owned()], name, Some(role), ExtendedKeyUsagePurpose::ClientAuth)
}

fn read_text(path: &Path) -> Result<String, CertsError> {
    std::fs::read_to_string(path).map_err(|source| CertsError::Io { action: "read", path: path.to_owned(), source })
}

fn write_pair(files: &CertFiles, cert_pem: &str, key_pem: &str, overwrite: bool) -> Result<(), CertsError> {
    write_file(&files.key, key_pem, 0o600, overwrite)?;
    write_file(&files.cert, cert_pem, 0o644, overwrite)
}

fn write_file(path: &Path, content: &str, mode: u32, overwrite: bool) -> Result<(), CertsError> {
    let io_err = |action, source| CertsError::Io { action, path: path.to_owned(), source };
    let mut open = std::fs::OpenOptions::new();
    open.write(true).mode(mode);
    if overwrite {
        open.create(true).truncate(true);
    } else {
        // create_new closes the race between the existence check and the write.
        open.create_new(true);
    }
    let mut file = open.open(path).map_err(|source| {
        if source.kind() == std::io::ErrorKind::AlreadyExists {
            CertsError::AlreadyExists { path: path.to_owned() }
        } else {
            io_err("create", source)
        }
    })?;
    // `mode` applies only to new files; an overwritten key must not keep looser permissions.
    file.set_permissions(std::fs::Permissions::from_mode(mode)).map_err(|source| io_err("chmod", source))?;
    file.write_all(content.as_bytes()).map_err(|source| io_err("write", source))?;
    file.sync_all().map_err(|source| io_err("sync", source))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tls::{Identity, PeerIdentity, TrustAnchors};
    use rustls_pki_types::pem::PemObject;
    use rustls_pki_types::CertificateDer;

    fn identity_of(path: &Path) -> PeerIdentity {
        let der = CertificateDer::from_pem_file(path).unwrap();
        PeerIdentity::from_certificate_der(&der).unwrap()
    }

    #[test]
    fn creates_ca_server_and_role_tagged_clients_with_private_keys() {
        let dir = tempfile::tempdir().unwrap();
        let pki = init_dev_pki(dir.path(), &DevPkiOptions::default()).unwrap();

        let server = identity_of(&pki.server.cert);
        assert_eq!(server.dns_names, vec!["localhost".to_string()]);
        assert_eq!(server.ip_addresses, vec!["127.0.0.1".parse::<std::net::IpAddr>().unwrap(), "::1".parse().unwrap()]);

        let roles: Vec<_> = pki.clients.iter().map(|(name, _, files)| (name.clone(), identity_of(&files.cert).role())).collect();
        assert_eq!(roles, vec![("client".into(), Some(Role::Receiver)), ("donor".into(), Some(Role::Donor))]);

        for files in [&pki.ca, &pki.server, &pki.clients[0].2] {
            let mode = std::fs::metadata(&files.key).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{}", files.key.display());
            Identity::from_pem_files(&files.cert, &files.key).unwrap();
        }
        TrustAnchors::from_pem_file(&pki.ca.cert).unwrap();
    }

    #[test]
    fn refuses_to_overwrite_unless_asked() {
        let dir = tempfile::tempdir().unwrap();
        let first = init_dev_pki(dir.path(), &DevPkiOptions::default()).unwrap();
        let before = std::fs::read(&first.ca.cert).unwrap();
        match init_dev_pki(dir.path(), &DevPkiOptions::default()) {
            Err(CertsError::AlreadyExists { path }) => assert_eq!(path, first.ca.cert),
            other => panic!("expected AlreadyExists, got {other:?}"),
        }
        assert_eq!(std::fs::read(&first.ca.cert).unwrap(), before, "nothing was touched");
        init_dev_pki(dir.path(), &DevPkiOptions { overwrite: true, ..DevPkiOptions::default() }).unwrap();
        assert_ne!(std::fs::read(&first.ca.cert).unwrap(), before, "a new CA was written");
    }

    #[test]
    fn a_later_client_chains_to_the_same_ca() {
        let dir = tempfile::tempdir().unwrap();
        let pki = init_dev_pki(dir.path(), &DevPkiOptions { clients: vec![], ..DevPkiOptions::default() }).unwrap();
        let worker = issue_client_certificate(dir.path(), "worker-1", Role::Worker, false).unwrap();
        let identity = identity_of(&worker.cert);
        assert_eq!(identity.common_name.as_deref(), Some("worker-1"));
        assert_eq!(identity.role(), Some(Role::Worker));
        // Verify the chain with webpki through the same verifier the server uses.
        let anchors = TrustAnchors::from_pem_file(&pki.ca.cert).unwrap();
        crate::tls::tests_support::verify_client_chain(&anchors, &worker.cert).unwrap();
    }

    #[test]
    fn bad_client_names_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["", "../x", "ca", "a b", ".hidden"] {
            let options = DevPkiOptions { clients: vec![(name.into(), Role::Receiver)], ..DevPkiOptions::default() };
            assert!(matches!(init_dev_pki(dir.path(), &options), Err(CertsError::BadClientName(_))), "{name:?}");
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
