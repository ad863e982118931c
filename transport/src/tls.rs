//! The one TLS module: PEM loading, TLS 1.3-only rustls configurations for both ends, mutual
//! authentication, and the peer identity read back from an established connection.
//!
//! Trust model (design.md, "Nothing executable from strangers"): one CA signs the server and
//! every replica. The server *requires* a client certificate chaining to that CA by default
//! ([`ClientAuth::Required`]); the client verifies the server's certificate against the same
//! CA and the name it dialled. The replica's role travels in its certificate as the subject's
//! organizational unit (see [`crate::certs`]), so the server can decide who may upload code
//! without trusting what the replica says about itself.
//!
//! Only the `ring` provider is compiled in and only TLS 1.3 is offered (QUIC requires it, and the
//! crate is built without rustls' `tls12` feature).

use std::fmt;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::crypto::CryptoProvider;
use rustls::server::WebPkiClientVerifier;
use rustls::RootCertStore;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use crate::wire::{ContentHash, Role};

/// ALPN protocol id. The `/1` is the framing version; the message set has its own version.
pub const ALPN: &[u8] = b"jitfleet/1";

/// What went wrong while building a TLS configuration or reading a peer's identity.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TlsError {
    /// A PEM file could not be read from disk.
    #[error("cannot read {what} file {path}: {source}")]
    Read {
        /// "CA certificate", "certificate" or "private key".
        what: &'static str,
        /// The file.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// A PEM file holds no block of the expected kind, or a broken one.
    #[error("{what} file {path}: {detail}")]
    BadPem {
        /// "CA certificate", "certificate" or "private key".
        what: &'static str,
        /// The file.
        path: PathBuf,
        /// What is wrong with its content.
        detail: String,
    },
    /// A CA file's certificate cannot serve as a trust anchor.
    #[error("CA certificate file {path}: certificate #{index} is not a usable trust anchor: {source}")]
    BadCa {
        /// The file.
        path: PathBuf,
        /// Position of the offending certificate in the file (0-based).
        index: usize,
        /// Why rustls refused it.
        #[source]
        source: rustls::Error,
    },
    /// rustls refused the configuration (e.g. the key does not belong to the certificate).
    #[error("{context}: {source}")]
    Config {
        /// Which configuration, naming the files involved when known.
        context: String,
        /// Why.
        #[source]
        source: rustls::Error,
    },
    /// The client-certificate verifier could not be built (e.g. an empty CA file).
    #[error("cannot build the client certificate verifier: {0}")]
    Verifier(#[from] rustls::server::VerifierBuilderError),
    /// The rustls configuration is unusable for QUIC.
    #[error("TLS configuration unusable for QUIC: {0}")]
    Quic(String),
    /// The peer presented no certificate.
    #[error("the peer presented no certificate")]
    NoPeerCertificate,
    /// The peer's certificate could not be parsed.
    #[error("cannot parse the peer certificate: {0}")]
    BadPeerCertificate(String),
}

/// Whether the server demands a client certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClientAuth {
    /// A valid client certificate is mandatory (the default).
    #[default]
    Required,
    /// Clients without a certificate are admitted (with no identity); a certificate that is
    /// presented must still be valid. For development only.
    Optional,
}

/// A certificate chain and its private key: who we are.
pub struct Identity {
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
    /// "cert.pem + key.pem", for error messages.
    origin: String,
}

impl fmt::Debug for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never print the key.
        f.debug_struct("Identity").field("origin", &self.origin).field("chain_len", &self.chain.len()).finish()
    }
}

impl Identity {
    /// Loads a PEM certificate chain (leaf first) and a PEM private key (PKCS#8, PKCS#1 or SEC1).
    pub fn from_pem_files(cert: &Path, key: &Path) -> Result<Self, TlsError> {
        let chain = load_certificates(cert, "certificate")?;
        let key_pem = read_file(key, "private key")?;
        let key_der = PrivateKeyDer::from_pem_slice(&key_pem).map_err(|err| TlsError::BadPem {
            what: "private key",
            path: key.to_owned(),
            detail: pem_problem(&err, "PRIVATE KEY"),
        })?;
        Ok(Self { chain, key: key_der, origin: format!("{} + {}", cert.display(), key.display()) })
    }

    /// An identity from DER already in memory (tests, generated certificates).
    pub fn from_der(chain: Vec<CertificateDer<'static>>, key: PrivateKeyDer<'static>) -> Self {
        Self { chain, key, origin: "in-memory identity".into() }
    }

    fn clone_parts(&self) -> (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>) {
        (self.chain.clone(), self.key.clone_key())
    }
}

/// The trust anchors: certificates of the CA(s) that sign peers.
#[derive(Clone)]
pub struct TrustAnchors {
    roots: Arc<RootCertStore>,
}

impl fmt::Debug for TrustAnchors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TrustAnchors").field("count", &self.roots.len()).finish()
    }
}

impl TrustAnchors {
    /// Loads every certificate of a PEM file as a trust anchor.
    pub fn from_pem_file(path: &Path) -> Result<Self, TlsError> {
        let mut roots = RootCertStore::empty();
        for (index, cert) in load_certificates(path, "CA certificate")?.into_iter().enumerate() {
            roots.add(cert).map_err(|source| TlsError::BadCa { path: path.to_owned(), index, source })?;
        }
        Ok(Self { roots: Arc::new(roots) })
    }

    /// Trust anchors from DER certificates already in memory.
    pub fn from_der(certs: impl IntoIterator<Item = CertificateDer<'static>>) -> Result<Self, TlsError> {
        let mut roots = RootCertStore::empty();
        for (index, cert) in certs.into_iter().enumerate() {
            roots
                .add(cert)
                .map_err(|source| TlsError::BadCa { path: PathBuf::from("<memory>"), index, source })?;
        }
        Ok(Self { roots: Arc::new(roots) })
    }
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The server side: its identity and whom it accepts.
#[derive(Clone)]
pub struct ServerTls {
    config: Arc<rustls::ServerConfig>,
}

impl fmt::Debug for ServerTls {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ServerTls { .. }")
    }
}

impl ServerTls {
    /// Loads `ca`, `cert` and `key` PEM files; client certificates are required.
    pub fn from_pem_files(ca: &Path, cert: &Path, key: &Path) -> Result<Self, TlsError> {
        let anchors = TrustAnchors::from_pem_file(ca)?;
        let identity = Identity::from_pem_files(cert, key)?;
        Self::new(&anchors, &identity, ClientAuth::Required)
    }

    /// A TLS 1.3 server configuration with a webpki client verifier over `anchors`.
    pub fn new(anchors: &TrustAnchors, identity: &Identity, client_auth: ClientAuth) -> Result<Self, TlsError> {
        let provider = provider();
        let mut verifier = WebPkiClientVerifier::builder_with_provider(anchors.roots.clone(), provider.clone());
        if client_auth == ClientAuth::Optional {
            verifier = verifier.allow_unauthenticated();
        }
        let verifier = verifier.build()?;
        let (chain, key) = identity.clone_parts();
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_protocol_versions(&[&rustls::version::TLS13])
            .map_err(|source| TlsError::Config { context: "TLS 1.3 server".into(), source })?
            .with_client_cert_verifier(verifier)
            .with_single_cert(chain, key)
            .map_err(|source| TlsError::Config {
                context: format!("server identity {}", identity.origin),
                source,
            })?;
        config.alpn_protocols = vec![ALPN.to_vec()];
        Ok(Self { config: Arc::new(config) })
    }

    /// The quinn crypto configuration.
    pub(crate) fn quic_server_config(&self) -> Result<quinn::ServerConfig, TlsError> {
        let crypto = quinn::crypto::rustls::QuicServerConfig::try_from(self.config.clone())
            .map_err(|err| TlsError::Quic(err.to_string()))?;
        Ok(quinn::ServerConfig::with_crypto(Arc::new(crypto)))
    }
}

/// The client side: whom it trusts and (normally) who it is.
#[derive(Clone)]
pub struct ClientTls {
    config: Arc<rustls::ClientConfig>,
}

impl fmt::Debug for ClientTls {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ClientTls { .. }")
    }
}

impl ClientTls {
    /// Loads `ca`, `cert` and `key` PEM files.
    pub fn from_pem_files(ca: &Path, cert: &Path, key: &Path) -> Result<Self, TlsError> {
        let anchors = TrustAnchors::from_pem_file(ca)?;
        let identity = Identity::from_pem_files(cert, key)?;
        Self::new(&anchors, Some(&identity))
    }

    /// A TLS 1.3 client configuration verifying the server against `anchors`; `identity` is the
    /// client certificate (`None` only makes sense against a [`ClientAuth::Optional`] server).
    pub fn new(anchors: &TrustAnchors, identity: Option<&Identity>) -> Result<Self, TlsError> {
        let builder = rustls::ClientConfig::builder_with_provider(provider())
            .with_protocol_versions(&[&rustls::version::TLS13])
            .map_err(|source| TlsError::Config { context: "TLS 1.3 client".into(), source })?
            .with_root_certificates(anchors.roots.clone());
        let mut config = match identity {
            Some(identity) => {
                let (chain, key) = identity.clone_parts();
                builder.with_client_auth_cert(chain, key).map_err(|source| TlsError::Config {
                    context: format!("client identity {}", identity.origin),
                    source,
                })?
            }
            None => builder.with_no_client_auth(),
        };
        config.alpn_protocols = vec![ALPN.to_vec()];
        Ok(Self { config: Arc::new(config) })
    }

    /// The quinn crypto configuration.
    pub(crate) fn quic_client_config(&self) -> Result<quinn::ClientConfig, TlsError> {
        let crypto = quinn::crypto::rustls::QuicClientConfig::try_from(self.config.clone())
            .map_err(|err| TlsError::Quic(err.to_string()))?;
        Ok(quinn::ClientConfig::new(Arc::new(crypto)))
    }
}

/// Who is at the other end, as its (verified) certificate says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerIdentity {
    /// Subject common name (`CN`), e.g. `donor-1`.
    pub common_name: Option<String>,
    /// Subject organizational units (`OU`); jitfleet puts the role here.
    pub organizational_units: Vec<String>,
    /// DNS names of the subject alternative name extension.
    pub dns_names: Vec<String>,
    /// IP addresses of the subject alternative name extension.
    pub ip_addresses: Vec<IpAddr>,
    /// blake3 of the leaf certificate's DER: a stable key for the peer.
    pub certificate_hash: ContentHash,
}

impl PeerIdentity {
    /// Reads the identity from a DER certificate (already verified by the TLS handshake).
    pub fn from_certificate_der(der: &[u8]) -> Result<Self, TlsError> {
        let (_, cert) = x509_parser::parse_x509_certificate(der)
            .map_err(|err| TlsError::BadPeerCertificate(err.to_string()))?;
        let subject = cert.subject();
        let common_name = subject.iter_common_name().next().and_then(|cn| cn.as_str().ok()).map(str::to_owned);
        let organizational_units = subject
            .iter_organizational_unit()
            .filter_map(|ou| ou.as_str().ok().map(str::to_owned))
            .collect();
        let mut dns_names = Vec::new();
        let mut ip_addresses = Vec::new();
        let san = cert.subject_alternative_name().map_err(|err| TlsError::BadPeerCertificate(err.to_string()))?;
        for name in san.iter().flat_map(|ext| ext.value.general_names.iter()) {
            match name {
                x509_parser::extensions::GeneralName::DNSName(dns) => dns_names.push((*dns).to_owned()),
                x509_parser::extensions::GeneralName::IPAddress(bytes) => {
                    if let Ok(v4) = <[u8; 4]>::try_from(*bytes) {
                        ip_addresses.push(IpAddr::from(v4));
                    } else if let Ok(v6) = <[u8; 16]>::try_from(*bytes) {
                        ip_addresses.push(IpAddr::from(v6));
                    }
                }
                _ => {}
            }
        }
        Ok(Self {
            common_name,
            organizational_units,
            dns_names,
            ip_addresses,
            certificate_hash: ContentHash::of(der),
        })
    }

    /// Reads the peer's identity from an established quinn connection.
    ///
    /// [`TlsError::NoPeerCertificate`] when the peer authenticated without a certificate
    /// (possible only with [`ClientAuth::Optional`]).
    pub fn from_connection(connection: &quinn::Connection) -> Result<Self, TlsError> {
        let chain = connection
            .peer_identity()
            .and_then(|any| any.downcast::<Vec<CertificateDer<'static>>>().ok())
            .ok_or(TlsError::NoPeerCertificate)?;
        let leaf = chain.first().ok_or(TlsError::NoPeerCertificate)?;
        Self::from_certificate_der(leaf)
    }

    /// The role the certificate grants: the first OU that names a [`Role`].
    pub fn role(&self) -> Option<Role> {
        self.organizational_units.iter().find_map(|ou| Role::parse(ou))
    }

    /// A short name for logs: the CN, else the first SAN, else the certificate hash.
    pub fn display_name(&self) -> String {
        self.common_name
            .clone()
            .or_else(|| self.dns_names.first().cloned())
            .or_else(|| self.ip_addresses.first().map(IpAddr::to_string))
            .unwrap_or_else(|| format!("{:?}", self.certificate_hash))
    }
}

fn read_file(path: &Path, what: &'static str) -> Result<Vec<u8>, TlsError> {
    std::fs::read(path).map_err(|source| TlsError::Read { what, path: path.to_owned(), source })
}

fn load_certificates(path: &Path, what: &'static str) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let pem = read_file(path, what)?;
    let certs = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|err| TlsError::BadPem { what, path: path.to_owned(), detail: pem_problem(&err, "CERTIFICATE") })?;
    if certs.is_empty() {
        return Err(TlsError::BadPem {
            what,
            path: path.to_owned(),
            detail: "no '-----BEGIN CERTIFICATE-----' block found".into(),
        });
    }
    Ok(certs)
}

fn pem_problem(err: &rustls_pki_types::pem::Error, label: &str) -> String {
    match err {
        rustls_pki_types::pem::Error::NoItemsFound => format!("no '-----BEGIN {label}-----' block found"),
        other => format!("broken PEM: {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_file_is_named_in_the_error() {
        let err = TrustAnchors::from_pem_file(Path::new("/nonexistent/ca.pem")).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("CA certificate file /nonexistent/ca.pem"), "{text}");
    }

    #[test]
    fn a_key_file_without_a_key_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let cert = dir.path().join("cert.pem");
        let key = dir.path().join("key.pem");
        let generated = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
        std::fs::write(&cert, generated.cert.pem()).unwrap();
        std::fs::write(&key, generated.cert.pem()).unwrap(); // a certificate where the key should be
        let err = Identity::from_pem_files(&cert, &key).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("private key file") && text.contains("key.pem"), "{text}");
        assert!(text.contains("BEGIN PRIVATE KEY"), "{text}");
    }

    #[test]
    fn a_key_that_does_not_match_the_certificate_is_refused_naming_both_files() {
        let dir = tempfile::tempdir().unwrap();
        let one = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
        let other = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
        let (ca, cert, key) = (dir.path().join("ca.pem"), dir.path().join("cert.pem"), dir.path().join("key.pem"));
        std::fs::write(&ca, one.cert.pem()).unwrap();
        std::fs::write(&cert, one.cert.pem()).unwrap();
        std::fs::write(&key, other.key_pair.serialize_pem()).unwrap();
        let err = ServerTls::from_pem_files(&ca, &cert, &key).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("cert.pem") && text.contains("key.pem"), "{text}");
    }

    #[test]
    fn identity_reads_cn_ou_and_sans() {
        let mut params = rcgen::CertificateParams::new(vec!["localhost".into(), "127.0.0.1".into()]).unwrap();
        params.distinguished_name.push(rcgen::DnType::CommonName, "donor-7");
        params.distinguished_name.push(rcgen::DnType::OrganizationalUnitName, "donor");
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = params.self_signed(&key).unwrap();
        let identity = PeerIdentity::from_certificate_der(cert.der()).unwrap();
        assert_eq!(identity.common_name.as_deref(), Some("donor-7"));
        assert_eq!(identity.role(), Some(Role::Donor));
        assert_eq!(identity.dns_names, vec!["localhost".to_string()]);
        assert_eq!(identity.ip_addresses, vec!["127.0.0.1".parse::<IpAddr>().unwrap()]);
        assert_eq!(identity.certificate_hash, ContentHash::of(cert.der()));
    }
}

#[cfg(test)]
pub(crate) mod tests_support {
    use super::*;

    /// Verifies a PEM client certificate the way the server's verifier would.
    pub(crate) fn verify_client_chain(anchors: &TrustAnchors, cert: &Path) -> Result<(), rustls::Error> {
        let verifier = WebPkiClientVerifier::builder_with_provider(anchors.roots.clone(), provider())
            .build()
            .expect("verifier over a non-empty root store");
        let der = CertificateDer::from_pem_file(cert).expect("readable PEM certificate");
        verifier.verify_client_cert(&der, &[], rustls_pki_types::UnixTime::now()).map(|_| ())
    }
}
