//! A private client CA for the ALB → gateway leg, made where the keys live (the browser tab or
//! the machine running the CLI).
//!
//! Why: the procedure used IBM's Let's Encrypt certificate as the ALB's client certificate, and
//! since 2026 no Let's Encrypt certificate carries clientAuth (field notes), so Envoy refuses it.
//! A CA of one's own, trusted by the gateway for client certificates only, is the way out.
//!
//! The profile is one a security reviewer signs off (README, "Private client CA"):
//! - CA: ECDSA P-256, `CA:TRUE, pathlen:0` (critical), keyUsage keyCertSign + cRLSign
//!   (critical), subject key identifier, about 10 years;
//! - client: `CA:FALSE`, keyUsage digitalSignature (critical), extendedKeyUsage clientAuth only,
//!   authority key identifier, a random 128-bit serial, about 1 year.
//!
//! Time and randomness are parameters: [`Random`] is `getrandom` natively and the browser's
//! `crypto.getRandomValues` in the page. Signatures are ECDSA with RFC 6979 nonces.

use crate::pki::pem;
use p256::ecdsa::{DerSignature, SigningKey};
use p256::pkcs8::{DecodePrivateKey, EncodePrivateKey};
use std::fmt;
use std::str::FromStr;
use std::time::Duration;
use x509_cert::builder::profile::BuilderProfile;
use x509_cert::builder::{Builder, CertificateBuilder};
use x509_cert::certificate::TbsCertificate;
use x509_cert::der::{Decode, Encode, asn1::OctetString, referenced::OwnedToRef};
use x509_cert::ext::pkix::{
    AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage, KeyUsage, KeyUsages,
    SubjectKeyIdentifier,
};
use x509_cert::ext::{Extension, ToExtension};
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::{ObjectIdentifier, SubjectPublicKeyInfo, SubjectPublicKeyInfoRef};
use x509_cert::time::{Time, Validity};

/// Fills a buffer with cryptographically secure random bytes.
pub trait Random {
    fn fill(&mut self, buf: &mut [u8]);
}

impl<F: FnMut(&mut [u8])> Random for F {
    fn fill(&mut self, buf: &mut [u8]) {
        self(buf)
    }
}

/// About ten years, for the CA.
pub const CA_DAYS: u32 = 3650;
/// About a year, for the client certificate.
pub const CLIENT_DAYS: u32 = 365;
/// Certificates start five minutes in the past, so that a clock a little behind still
/// accepts them.
const BACKDATE_SECONDS: i64 = 300;
const DAY: i64 = 86_400;

/// id-kp-clientAuth (RFC 5280 §4.2.1.12).
const ID_KP_CLIENT_AUTH: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.2");

/// A CA and the first client certificate it issued, as PEM.
#[derive(Clone, PartialEq, Eq)]
pub struct ClientCa {
    pub ca_pem: String,
    pub ca_key_pem: String,
    pub client: Issued,
}

/// A client certificate and its key, as PEM.
#[derive(Clone, PartialEq, Eq)]
pub struct Issued {
    pub cert_pem: String,
    pub key_pem: String,
}

impl fmt::Debug for ClientCa {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCa").finish_non_exhaustive()
    }
}

impl fmt::Debug for Issued {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Issued").finish_non_exhaustive()
    }
}

/// Why a CA or certificate could not be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaError {
    /// The CA certificate or key given to [`issue`] cannot be used.
    UnusableCa { why: String },
    /// The CA is not valid at the time of issue: expired (`ca_until` is past) or not yet valid
    /// (`ca_from` is ahead). A certificate it signed would not verify.
    CaNotValid {
        ca_from: String,
        ca_until: String,
        expired: bool,
    },
    /// A validity of zero days: the certificate would expire as it is made.
    NoDays,
    /// The certificate would stay valid after its CA expires: every verifier refuses it from
    /// that moment on (RFC 5280 §6.1.3 checks each certificate of the path at the same time).
    OutlivesCa {
        days: u32,
        ca_until: String,
        max_days: i64,
    },
    /// Building or encoding failed (a bug, or a time out of range).
    Build { why: String },
}

impl fmt::Display for CaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CaError::UnusableCa { why } => write!(
                f,
                "the CA cannot issue a client certificate: {why}. Use the client-ca.pem and \
                 client-ca.key written by `istio-alb ca init`"
            ),
            CaError::CaNotValid {
                ca_until,
                expired: true,
                ..
            } => write!(
                f,
                "the CA in client-ca.pem expired on {ca_until}: it cannot vouch for a new client \
                 certificate. Make a new CA with `istio-alb ca init <new folder>` and give the \
                 gateway its client-ca.pem"
            ),
            CaError::CaNotValid {
                ca_from,
                expired: false,
                ..
            } => write!(
                f,
                "the CA in client-ca.pem is valid only from {ca_from}: a certificate issued now \
                 would not verify. Check the clock (or --at), or make a new CA with `istio-alb \
                 ca init <new folder>`"
            ),
            CaError::NoDays => write!(
                f,
                "a client certificate valid for 0 days would expire as it is made: ask for 1 day \
                 or more (--days; {CLIENT_DAYS} by default)"
            ),
            CaError::OutlivesCa {
                days,
                ca_until,
                max_days,
            } => {
                write!(
                    f,
                    "a client certificate valid for {days} days would outlive its CA, valid \
                     until {ca_until}; the gateway would refuse it from then on. "
                )?;
                if *max_days >= 1 {
                    write!(
                        f,
                        "Ask for at most {max_days} days (--days {max_days}), or "
                    )?;
                } else {
                    f.write_str("The CA has less than a day left: ")?;
                }
                f.write_str("make a new CA with `istio-alb ca init <new folder>`")
            }
            CaError::Build { why } => write!(f, "the certificate could not be made: {why}"),
        }
    }
}

impl std::error::Error for CaError {}

fn build_error(e: impl fmt::Display) -> CaError {
    CaError::Build { why: e.to_string() }
}

/// A fresh P-256 key from `random`.
fn new_key(random: &mut impl Random) -> SigningKey {
    loop {
        let mut bytes = [0u8; 32];
        random.fill(&mut bytes);
        // A scalar out of range (zero or ≥ n) has a probability near 2^-32: draw again.
        if let Ok(key) = SigningKey::from_slice(&bytes) {
            return key;
        }
    }
}

/// A random positive serial of 128 bits.
fn new_serial(random: &mut impl Random) -> Result<SerialNumber, CaError> {
    let mut bytes = [0u8; 16];
    random.fill(&mut bytes);
    if bytes[0] == 0 {
        bytes[0] = 1;
    }
    SerialNumber::new(&bytes).map_err(build_error)
}

fn validity(at: i64, days: u32) -> Result<Validity, CaError> {
    let time = |t: i64| -> Result<Time, CaError> {
        let secs = u64::try_from(t).map_err(|_| build_error("a time before 1970"))?;
        let dt = x509_cert::der::DateTime::from_unix_duration(Duration::from_secs(secs))
            .map_err(build_error)?;
        Ok(Time::from(dt))
    };
    Ok(Validity::new(
        time(at - BACKDATE_SECONDS)?,
        time(at + i64::from(days) * DAY)?,
    ))
}

/// Names are built from validated settings (letters, digits, `-`, `_`, `.`); anything else is
/// dropped rather than escaped, so no RDN syntax can be injected.
fn rdn_safe(s: &str) -> String {
    let t: String = s
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .take(48)
        .collect();
    if t.is_empty() { "cluster".into() } else { t }
}

/// The CA's subject for `cluster`.
pub fn ca_subject(cluster: &str) -> String {
    let c = rdn_safe(cluster);
    format!("CN=istio-alb client CA {c},OU={c},O=istio-alb private CA")
}

fn client_subject(cluster: &str) -> String {
    let c = rdn_safe(cluster);
    format!("CN=ALB client {c},OU={c},O=istio-alb private CA")
}

/// Append `e` to `ext` (each extension is made knowing the ones before it).
fn push<E: ToExtension>(
    ext: &mut Vec<Extension>,
    subject: &Name,
    e: E,
) -> x509_cert::builder::Result<()>
where
    x509_cert::builder::Error: From<E::Error>,
{
    let made = e.to_extension(subject, ext)?;
    ext.push(made);
    Ok(())
}

/// The private CA's own certificate.
struct CaProfile {
    subject: Name,
}

impl BuilderProfile for CaProfile {
    fn get_issuer(&self, subject: &Name) -> Name {
        subject.clone()
    }

    fn get_subject(&self) -> Name {
        self.subject.clone()
    }

    fn build_extensions(
        &self,
        spk: SubjectPublicKeyInfoRef<'_>,
        _issuer_spk: SubjectPublicKeyInfoRef<'_>,
        tbs: &TbsCertificate,
    ) -> x509_cert::builder::Result<Vec<Extension>> {
        let mut ext = Vec::new();
        let subject = tbs.subject();
        push(
            &mut ext,
            subject,
            &BasicConstraints {
                ca: true,
                path_len_constraint: Some(0),
            },
        )?;
        push(
            &mut ext,
            subject,
            &KeyUsage(KeyUsages::KeyCertSign | KeyUsages::CRLSign),
        )?;
        push(&mut ext, subject, &SubjectKeyIdentifier::try_from(spk)?)?;
        Ok(ext)
    }
}

/// A client certificate the CA issues.
struct ClientProfile {
    subject: Name,
    issuer: Name,
    /// The CA's subject key identifier, for the authority key identifier.
    issuer_key_id: Vec<u8>,
}

impl BuilderProfile for ClientProfile {
    fn get_issuer(&self, _subject: &Name) -> Name {
        self.issuer.clone()
    }

    fn get_subject(&self) -> Name {
        self.subject.clone()
    }

    fn build_extensions(
        &self,
        _spk: SubjectPublicKeyInfoRef<'_>,
        _issuer_spk: SubjectPublicKeyInfoRef<'_>,
        tbs: &TbsCertificate,
    ) -> x509_cert::builder::Result<Vec<Extension>> {
        let mut ext = Vec::new();
        let subject = tbs.subject();
        push(
            &mut ext,
            subject,
            &BasicConstraints {
                ca: false,
                path_len_constraint: None,
            },
        )?;
        push(
            &mut ext,
            subject,
            &KeyUsage(KeyUsages::DigitalSignature.into()),
        )?;
        push(
            &mut ext,
            subject,
            &ExtendedKeyUsage(vec![ID_KP_CLIENT_AUTH]),
        )?;
        push(
            &mut ext,
            subject,
            &AuthorityKeyIdentifier {
                key_identifier: Some(OctetString::new(self.issuer_key_id.clone())?),
                ..Default::default()
            },
        )?;
        Ok(ext)
    }
}

fn to_pem(cert: &x509_cert::Certificate) -> Result<String, CaError> {
    Ok(pem::encode(
        "CERTIFICATE",
        &cert.to_der().map_err(build_error)?,
    ))
}

fn key_pem(key: &SigningKey) -> Result<String, CaError> {
    let der = key.to_pkcs8_der().map_err(build_error)?;
    Ok(pem::encode("PRIVATE KEY", der.as_bytes()))
}

/// Make a CA for `cluster` and its first client certificate, at `at` (Unix seconds).
pub fn init(cluster: &str, at: i64, random: &mut impl Random) -> Result<ClientCa, CaError> {
    let ca_key = new_key(random);
    let subject = Name::from_str(&ca_subject(cluster)).map_err(build_error)?;
    let spki = SubjectPublicKeyInfo::from_key(ca_key.verifying_key()).map_err(build_error)?;
    let builder = CertificateBuilder::new(
        CaProfile { subject },
        new_serial(random)?,
        validity(at, CA_DAYS)?,
        spki,
    )
    .map_err(build_error)?;
    let ca = builder
        .build::<_, DerSignature>(&ca_key)
        .map_err(build_error)?;
    let ca_pem = to_pem(&ca)?;
    let ca_key_pem = key_pem(&ca_key)?;
    let client = issue(&ca_pem, &ca_key_pem, cluster, CLIENT_DAYS, at, random)?;
    Ok(ClientCa {
        ca_pem,
        ca_key_pem,
        client,
    })
}

/// Whether the CA can vouch for a certificate valid `days` from `at`: the CA is valid at `at`,
/// `days` is at least one, and the certificate expires no later than the CA.
fn check_validity(ca: &x509_cert::Certificate, days: u32, at: i64) -> Result<(), CaError> {
    let validity = ca.tbs_certificate().validity();
    let seconds = |t: Time| i64::try_from(t.to_unix_duration().as_secs()).unwrap_or(i64::MAX);
    let (from, until) = (seconds(validity.not_before), seconds(validity.not_after));
    if at < from || at > until {
        return Err(CaError::CaNotValid {
            ca_from: crate::rfc3339::format(from),
            ca_until: crate::rfc3339::format(until),
            expired: at > until,
        });
    }
    if days == 0 {
        return Err(CaError::NoDays);
    }
    if at.saturating_add(i64::from(days) * DAY) > until {
        return Err(CaError::OutlivesCa {
            days,
            ca_until: crate::rfc3339::format(until),
            max_days: (until - at) / DAY,
        });
    }
    Ok(())
}

/// Issue a fresh client certificate (and key) for `cluster` from the CA, valid `days` from `at`.
/// Refused, before anything is signed, when the CA cannot vouch for it ([`check_validity`]).
pub fn issue(
    ca_pem: &str,
    ca_key_pem: &str,
    cluster: &str,
    days: u32,
    at: i64,
    random: &mut impl Random,
) -> Result<Issued, CaError> {
    let unusable = |why: &str| CaError::UnusableCa {
        why: why.to_owned(),
    };
    let (blocks, _) = pem::read_certificates("ca", ca_pem);
    let ca_der = &blocks
        .first()
        .ok_or_else(|| unusable("client-ca.pem holds no certificate"))?
        .der;
    let ca = x509_cert::Certificate::from_der(ca_der)
        .map_err(|_| unusable("client-ca.pem is not a readable certificate"))?;
    let (key_block, _) = pem::read_private_key("ca key", ca_key_pem);
    let key_block = key_block.ok_or_else(|| unusable("client-ca.key holds no private key"))?;
    let ca_key = SigningKey::from_pkcs8_der(&key_block.der)
        .map_err(|_| unusable("client-ca.key is not an ECDSA P-256 key in PKCS#8"))?;
    let ca_spki = SubjectPublicKeyInfo::from_key(ca_key.verifying_key()).map_err(build_error)?;
    if ca_spki != ca.tbs_certificate().subject_public_key_info().clone() {
        return Err(unusable("client-ca.key does not belong to client-ca.pem"));
    }
    check_validity(&ca, days, at)?;
    let issuer_key_id = ca
        .tbs_certificate()
        .get_extension::<SubjectKeyIdentifier>()
        .ok()
        .flatten()
        .map(|(_, ski)| ski.0.as_bytes().to_vec())
        .map_or_else(
            || {
                SubjectKeyIdentifier::try_from(ca_spki.owned_to_ref())
                    .map(|k| k.0.as_bytes().to_vec())
                    .map_err(build_error)
            },
            Ok,
        )?;
    let client_key = new_key(random);
    let spki = SubjectPublicKeyInfo::from_key(client_key.verifying_key()).map_err(build_error)?;
    let profile = ClientProfile {
        subject: Name::from_str(&client_subject(cluster)).map_err(build_error)?,
        issuer: ca.tbs_certificate().subject().clone(),
        issuer_key_id,
    };
    let builder = CertificateBuilder::new(profile, new_serial(random)?, validity(at, days)?, spki)
        .map_err(build_error)?;
    let cert = builder
        .build::<_, DerSignature>(&ca_key)
        .map_err(build_error)?;
    Ok(Issued {
        cert_pem: to_pem(&cert)?,
        key_pem: key_pem(&client_key)?,
    })
}
