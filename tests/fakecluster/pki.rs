//! Certificates made for the script tests, valid around the real time the scripts run at (they
//! compare dates with `date`): a gateway CA and NLB certificates with chosen serials and
//! lifetimes, and a private client CA (`istio_alb::ca`) whose client certificate may be old.

use istio_alb::ca::{self, ClientCa};
use istio_alb::demo;
use istio_alb::inputs::{CertInput, CertInputs};
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, SerialNumber,
};

const DAY: i64 = 86_400;

pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn time(t: i64) -> time::OffsetDateTime {
    time::OffsetDateTime::from_unix_timestamp(t).unwrap()
}

/// A certificate and its key, as PEM.
#[derive(Clone)]
pub struct Pair {
    pub cert: String,
    pub key: String,
}

pub struct Pki {
    root_params: CertificateParams,
    root_key: KeyPair,
    pub root_pem: String,
    pub client: ClientCa,
}

impl Pki {
    /// A gateway CA, and a client CA whose client certificate was issued `client_age_days` ago
    /// (valid 365 days: older than 243 days means its last third has begun).
    pub fn new(client_age_days: i64) -> Pki {
        Pki::with_gateway_ca(client_age_days, "Test gateway CA")
    }

    /// As [`Pki::new`], the gateway CA named `common_name`: a CA that OpenSSL, which looks an
    /// issuer up by name, never takes for another `Pki`'s.
    pub fn with_gateway_ca(client_age_days: i64, common_name: &str) -> Pki {
        let root_key = KeyPair::generate().unwrap();
        let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
        let mut dn = DistinguishedName::new();
        dn.push(DnType::OrganizationName, "istio-alb tests");
        dn.push(DnType::CommonName, common_name);
        p.distinguished_name = dn;
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        p.not_before = time(now() - 400 * DAY);
        p.not_after = time(now() + 3000 * DAY);
        let root_pem = p.self_signed(&root_key).unwrap().pem();
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64 ^ now() as u64 ^ u64::from(std::process::id());
        let mut random = |buf: &mut [u8]| {
            for b in buf.iter_mut() {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                *b = seed as u8;
            }
        };
        let client = ca::init(
            demo::CLUSTER_NAME,
            now() - client_age_days * DAY,
            &mut random,
        )
        .unwrap();
        Pki {
            root_params: p,
            root_key,
            root_pem,
            client,
        }
    }

    /// An NLB certificate for the demo NLB host name: `serial`, valid from `from_days` (relative
    /// to now, negative: in the past) to `to_days`.
    pub fn nlb(&self, serial: u64, from_days: i64, to_days: i64) -> Pair {
        let key = KeyPair::generate().unwrap();
        let mut p = CertificateParams::new(vec![demo::NLB_DOMAIN.to_owned()]).unwrap();
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, demo::NLB_DOMAIN);
        p.distinguished_name = dn;
        p.is_ca = IsCa::ExplicitNoCa;
        p.serial_number = Some(SerialNumber::from(serial));
        p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        p.not_before = time(now() + from_days * DAY);
        p.not_after = time(now() + to_days * DAY);
        let issuer = Issuer::from_params(&self.root_params, &self.root_key);
        Pair {
            cert: p.signed_by(&key, &issuer).unwrap().pem(),
            key: key.serialize_pem(),
        }
    }

    /// The inputs of a bundle with this NLB certificate, with or without the client CA's key.
    pub fn inputs(&self, nlb: &Pair, with_ca_key: bool) -> CertInputs {
        let mut c = CertInputs::default();
        c[CertInput::NlbCert] = nlb.cert.clone();
        c[CertInput::NlbKey] = nlb.key.clone();
        c[CertInput::AlbClientCert] = self.client.client.cert_pem.clone();
        c[CertInput::AlbClientKey] = self.client.client.key_pem.clone();
        c[CertInput::ClientCa] = self.client.ca_pem.clone();
        if with_ca_key {
            c[CertInput::ClientCaKey] = self.client.ca_key_pem.clone();
        }
        c[CertInput::GatewayCa] = self.root_pem.clone();
        c
    }
}

/// The serial of a PEM certificate, lower-case hex without leading zeros (as the scripts show
/// it), by openssl.
pub fn serial(pem: &str) -> String {
    openssl(&["x509", "-noout", "-serial"], pem)
        .trim()
        .trim_start_matches("serial=")
        .trim_start_matches('0')
        .to_ascii_lowercase()
}

/// `new` (PEM) is a client certificate as `istio-alb ca issue` and renew.sh issue them: P-256,
/// not a CA, digital signature and client authentication only, issued by the demo cluster's
/// private client CA, a serial of 128 random bits, valid about a year.
pub fn assert_next_client_certificate(new: &str) {
    let text = openssl(&["x509", "-noout", "-text"], new);
    for want in [
        "Public Key Algorithm: id-ecPublicKey",
        "prime256v1",
        "X509v3 Basic Constraints: critical\n                CA:FALSE",
        "X509v3 Key Usage: critical\n                Digital Signature",
        "X509v3 Extended Key Usage: \n                TLS Web Client Authentication\n",
        "X509v3 Authority Key Identifier",
        "Issuer: O = istio-alb private CA, OU = demo-cluster, CN = istio-alb client CA demo-cluster",
    ] {
        assert!(text.contains(want), "{want:?} in\n{text}");
    }
    // 128 random bits (a leading zero byte may shorten it).
    assert!(serial(new).len() >= 28, "{}", serial(new));
    let days = openssl(
        &["x509", "-noout", "-checkend", &(364 * 86_400).to_string()],
        new,
    );
    assert!(days.contains("will not expire"), "about a year: {days}");
}

/// `openssl ARGS` with `input` on stdin: its stdout.
pub fn openssl(args: &[&str], input: &str) -> String {
    use std::io::Write as _;
    let mut child = std::process::Command::new("openssl")
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap()
}
