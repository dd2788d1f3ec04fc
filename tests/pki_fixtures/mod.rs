//! Certificate fixtures for the pki tests, generated with rcgen (ring backend, dev-only). RSA keys
//! come from `tests/fixtures/pki/` (ring cannot generate RSA keys; `gen.sh` there made them).
#![allow(dead_code)]

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, PublicKeyData, SignatureAlgorithm,
};

pub fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/pki/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// ISRG Root X1 (the root of Let's Encrypt), a root of Mozilla's list, as Debian's
/// ca-certificates installs it: read from there, not copied into the project.
pub fn isrg_root_x1() -> String {
    const PATH: &str = "/etc/ssl/certs/ISRG_Root_X1.pem";
    std::fs::read_to_string(PATH).unwrap_or_else(|e| {
        panic!("{PATH}: {e}. Install Debian's ca-certificates (Mozilla's root list)")
    })
}

/// Unix seconds of a UTC date at midnight.
pub fn ts(y: i32, m: u8, d: u8) -> i64 {
    rcgen::date_time_ymd(y, m, d).unix_timestamp()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alg {
    Rsa2048,
    Rsa2048b,
    Rsa4096,
    P256,
    P384,
    Ed25519,
}

pub const ALL_ALGS: [Alg; 6] = [
    Alg::Rsa2048,
    Alg::Rsa2048b,
    Alg::Rsa4096,
    Alg::P256,
    Alg::P384,
    Alg::Ed25519,
];

pub fn key(alg: Alg) -> KeyPair {
    let rsa = |f: &str| {
        KeyPair::from_pem_and_sign_algo(&fixture(f), &rcgen::PKCS_RSA_SHA256).expect("rsa key")
    };
    match alg {
        Alg::Rsa2048 => rsa("rsa2048.pkcs8.pem"),
        Alg::Rsa2048b => rsa("rsa2048b.pkcs8.pem"),
        Alg::Rsa4096 => rsa("rsa4096.pkcs8.pem"),
        Alg::P256 => KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).expect("p256"),
        Alg::P384 => KeyPair::generate_for(&rcgen::PKCS_ECDSA_P384_SHA384).expect("p384"),
        Alg::Ed25519 => KeyPair::generate_for(&rcgen::PKCS_ED25519).expect("ed25519"),
    }
}

/// What a certificate should look like.
#[derive(Clone)]
pub struct Spec {
    pub cn: String,
    pub sans: Vec<String>,
    /// `None`: end entity; `Some(None)`: CA without path length; `Some(Some(n))`: path length n.
    pub ca: Option<Option<u8>>,
    pub eku: Vec<ExtendedKeyUsagePurpose>,
    pub not_before: (i32, u8, u8),
    pub not_after: (i32, u8, u8),
}

impl Spec {
    pub fn ca(cn: &str) -> Spec {
        Spec {
            cn: cn.into(),
            sans: vec![],
            ca: Some(None),
            eku: vec![],
            not_before: (2024, 1, 1),
            not_after: (2040, 1, 1),
        }
    }
    pub fn leaf(cn: &str, sans: &[&str]) -> Spec {
        Spec {
            cn: cn.into(),
            sans: sans.iter().map(|s| (*s).to_owned()).collect(),
            ca: None,
            eku: vec![
                ExtendedKeyUsagePurpose::ServerAuth,
                ExtendedKeyUsagePurpose::ClientAuth,
            ],
            not_before: (2025, 1, 1),
            not_after: (2027, 1, 1),
        }
    }
    pub fn valid(mut self, from: (i32, u8, u8), to: (i32, u8, u8)) -> Spec {
        self.not_before = from;
        self.not_after = to;
        self
    }
    pub fn eku(mut self, eku: Vec<ExtendedKeyUsagePurpose>) -> Spec {
        self.eku = eku;
        self
    }
    fn params(&self) -> CertificateParams {
        let mut p = CertificateParams::new(self.sans.clone()).expect("sans");
        let mut dn = DistinguishedName::new();
        // An empty CN means none at all (Let's Encrypt leaves since 2025).
        if !self.cn.is_empty() {
            dn.push(DnType::CommonName, self.cn.clone());
        }
        p.distinguished_name = dn;
        p.not_before =
            rcgen::date_time_ymd(self.not_before.0, self.not_before.1, self.not_before.2);
        p.not_after = rcgen::date_time_ymd(self.not_after.0, self.not_after.1, self.not_after.2);
        p.use_authority_key_identifier_extension = true;
        match self.ca {
            Some(len) => {
                p.is_ca = IsCa::Ca(match len {
                    Some(n) => BasicConstraints::Constrained(n),
                    None => BasicConstraints::Unconstrained,
                });
                p.key_usages = vec![
                    KeyUsagePurpose::KeyCertSign,
                    KeyUsagePurpose::CrlSign,
                    KeyUsagePurpose::DigitalSignature,
                ];
            }
            None => {
                p.is_ca = IsCa::ExplicitNoCa;
                p.key_usages = vec![
                    KeyUsagePurpose::DigitalSignature,
                    KeyUsagePurpose::KeyEncipherment,
                ];
                p.extended_key_usages = self.eku.clone();
            }
        }
        p
    }
}

/// A generated certificate with its key.
pub struct Issued {
    pub pem: String,
    pub der: Vec<u8>,
    pub key: KeyPair,
    pub params: CertificateParams,
}

impl Issued {
    pub fn key_pem(&self) -> String {
        self.key.serialize_pem()
    }
}

pub fn self_signed(spec: &Spec, alg: Alg) -> Issued {
    let key = key(alg);
    let params = spec.params();
    let cert = params.self_signed(&key).expect("self-signed");
    Issued {
        pem: cert.pem(),
        der: cert.der().to_vec(),
        key,
        params,
    }
}

pub fn issue(spec: &Spec, alg: Alg, issuer: &Issued) -> Issued {
    let key = key(alg);
    let params = spec.params();
    let iss = Issuer::from_params(&issuer.params, &issuer.key);
    let cert = params.signed_by(&key, &iss).expect("signed");
    Issued {
        pem: cert.pem(),
        der: cert.der().to_vec(),
        key,
        params,
    }
}

/// `issue` with an organization (O) in the subject, e.g. a CA named like Let's Encrypt's.
pub fn issue_with_org(spec: &Spec, org: &str, alg: Alg, issuer: &Issued) -> Issued {
    let key = key(alg);
    let mut params = spec.params();
    params
        .distinguished_name
        .push(DnType::OrganizationName, org);
    let iss = Issuer::from_params(&issuer.params, &issuer.key);
    let cert = params.signed_by(&key, &iss).expect("signed");
    Issued {
        pem: cert.pem(),
        der: cert.der().to_vec(),
        key,
        params,
    }
}

/// A public key we cannot sign with (RSA-1024: ring refuses it), for subject keys only.
pub struct RawPublicKey {
    pub der: Vec<u8>,
    pub alg: &'static SignatureAlgorithm,
}

impl PublicKeyData for RawPublicKey {
    fn der_bytes(&self) -> &[u8] {
        &self.der
    }
    fn algorithm(&self) -> &'static SignatureAlgorithm {
        self.alg
    }
}

/// Certificate for an arbitrary public key (PKCS#1 RSAPublicKey bytes for RSA).
pub fn issue_for_public_key(spec: &Spec, public: &RawPublicKey, issuer: &Issued) -> String {
    let params = spec.params();
    let iss = Issuer::from_params(&issuer.params, &issuer.key);
    params.signed_by(public, &iss).expect("signed").pem()
}

/// A CA, an intermediate and a leaf for `name`, all of one algorithm family.
pub struct Chain {
    pub root: Issued,
    pub intermediate: Issued,
    pub leaf: Issued,
}

pub fn chain(root_alg: Alg, int_alg: Alg, leaf_alg: Alg, name: &str) -> Chain {
    let root = self_signed(&Spec::ca("Test Root CA"), root_alg);
    let intermediate = issue(&Spec::ca("Test Intermediate CA"), int_alg, &root);
    let leaf = issue(&Spec::leaf(name, &[name]), leaf_alg, &intermediate);
    Chain {
        root,
        intermediate,
        leaf,
    }
}

/// 2026-01-01, inside every default validity window above.
pub fn at() -> i64 {
    ts(2026, 1, 1)
}

/// The RSA-1024 public key (PKCS#1) of `rsa1024.pkcs8.pem`, for weak-key certificates.
pub fn rsa1024_public() -> RawPublicKey {
    let (blocks, _) = istio_alb::pki::pem::parse_blocks("fixture", &fixture("rsa1024.pub.pem"));
    RawPublicKey {
        der: blocks[0].der.clone(),
        alg: &rcgen::PKCS_RSA_SHA256,
    }
}

/// A self-signed CA with exact validity bounds (Unix seconds).
pub fn ca_with_validity(cn: &str, o: Option<&str>, from: i64, to: i64, alg: Alg) -> Issued {
    let key = key(alg);
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
    let mut dn = DistinguishedName::new();
    if let Some(o) = o {
        dn.push(DnType::OrganizationName, o);
    }
    dn.push(DnType::CommonName, cn);
    params.distinguished_name = dn;
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    params.not_before = time::OffsetDateTime::from_unix_timestamp(from).expect("from");
    params.not_after = time::OffsetDateTime::from_unix_timestamp(to).expect("to");
    let cert = params.self_signed(&key).expect("self-signed");
    Issued {
        pem: cert.pem(),
        der: cert.der().to_vec(),
        key,
        params,
    }
}

/// Certificate inputs with the given texts, the others empty.
pub fn inputs(pairs: &[(istio_alb::inputs::CertInput, String)]) -> istio_alb::inputs::CertInputs {
    with_inputs(istio_alb::inputs::CertInputs::default(), pairs)
}

/// `base` with the given inputs replaced.
pub fn with_inputs(
    mut base: istio_alb::inputs::CertInputs,
    pairs: &[(istio_alb::inputs::CertInput, String)],
) -> istio_alb::inputs::CertInputs {
    for (input, text) in pairs {
        base[*input] = text.clone();
    }
    base
}

/// A complete set: root → intermediate → gateway (NLB) and ALB client leaves.
pub struct World {
    pub root: Issued,
    pub int: Issued,
    pub nlb: Issued,
    pub alb: Issued,
}

impl World {
    /// Every required input: each leaf with the intermediate after it, its key, and the root as
    /// the client CA.
    pub fn good_inputs(&self) -> istio_alb::inputs::CertInputs {
        use istio_alb::inputs::CertInput;
        inputs(&[
            (
                CertInput::NlbCert,
                format!("{}{}", self.nlb.pem, self.int.pem),
            ),
            (CertInput::NlbKey, self.nlb.key_pem()),
            (
                CertInput::AlbClientCert,
                format!("{}{}", self.alb.pem, self.int.pem),
            ),
            (CertInput::AlbClientKey, self.alb.key_pem()),
            (CertInput::ClientCa, self.root.pem.clone()),
            // Given on its own: nothing stands in for an empty gateway CA (issue 27).
            (CertInput::GatewayCa, self.root.pem.clone()),
        ])
    }
}

/// Verifies `leaf` (with the untrusted intermediates `inter`, when given) against `roots`.
pub fn verify_leaf(
    leaf: &str,
    inter: Option<&str>,
    roots: &str,
    opts: &istio_alb::pki::verify::VerifyOptions,
) -> istio_alb::pki::verify::VerifyReport {
    use istio_alb::pki::verify::{PemInput, verify_pem};
    verify_pem(
        PemInput {
            name: "leaf.pem",
            text: leaf,
        },
        inter.map(|text| PemInput {
            name: "inter.pem",
            text,
        }),
        PemInput {
            name: "roots.pem",
            text: roots,
        },
        opts,
        &istio_alb::pki::rustcrypto::RustCrypto,
    )
}

/// A server chain for `gw.example.com`, judged at [`at`].
pub fn opts() -> istio_alb::pki::verify::VerifyOptions {
    istio_alb::pki::verify::VerifyOptions {
        name: Some("gw.example.com".into()),
        usage: Some(istio_alb::pki::verify::Usage::Server),
        at: at(),
        ..istio_alb::pki::verify::VerifyOptions::default()
    }
}

/// The codes of a report's findings, in order.
pub fn codes(r: &istio_alb::pki::verify::VerifyReport) -> Vec<&str> {
    r.findings.iter().map(|f| f.code.as_str()).collect()
}
