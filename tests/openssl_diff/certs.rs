//! Certificates for the generated corpus: what one looks like ([`Spec`]), its key ([`K`]), and
//! a generator that issues them with increasing serial numbers ([`Gen`]).

use super::{Case, HOST};
use crate::pki_fixtures::{Alg, fixture, key, ts};
use rcgen::{
    BasicConstraints, CertificateParams, CustomExtension, DistinguishedName, DnType, DnValue,
    ExtendedKeyUsagePurpose as Eku, IsCa, Issuer, KeyPair, KeyUsagePurpose as Ku, NameConstraints,
    SanType, SerialNumber,
};

/// basicConstraints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bc {
    /// CA:TRUE, with the path length constraint if any.
    Ca(Option<u8>),
    /// CA:FALSE.
    NotCa,
    /// No basicConstraints extension.
    Absent,
}

/// What a certificate looks like.
#[derive(Clone)]
pub struct Spec {
    pub cn: String,
    pub bc: Bc,
    /// Empty: no key usage extension.
    pub ku: Vec<Ku>,
    /// Empty: no extended key usage extension.
    pub eku: Vec<Eku>,
    pub sans: Vec<SanType>,
    pub nb: i64,
    pub na: i64,
    pub nc: Option<NameConstraints>,
    pub aki: bool,
    pub ext: Vec<CustomExtension>,
    /// The CN in another string type than UTF8String (`cn` is then only a label).
    pub cn_value: Option<DnValue>,
    /// More subject attributes after the CN (emailAddress, ...).
    pub subject_extra: Vec<(DnType, DnValue)>,
}

pub fn dns(s: &str) -> SanType {
    SanType::DnsName(s.try_into().expect("IA5 DNS name"))
}

pub fn ip(s: &str) -> SanType {
    SanType::IpAddress(s.parse().expect("IP address"))
}

impl Spec {
    /// A CA valid 2024..2040, keyCertSign + cRLSign, no path length.
    pub fn ca(cn: &str) -> Spec {
        Spec {
            cn: cn.to_owned(),
            bc: Bc::Ca(None),
            ku: vec![Ku::KeyCertSign, Ku::CrlSign],
            eku: vec![],
            sans: vec![],
            nb: ts(2024, 1, 1),
            na: ts(2040, 1, 1),
            nc: None,
            aki: true,
            ext: vec![],
            cn_value: None,
            subject_extra: vec![],
        }
    }
    /// A leaf for [`HOST`] valid 2025..2027, digitalSignature, serverAuth + clientAuth.
    pub fn leaf() -> Spec {
        Spec {
            cn: HOST.to_owned(),
            bc: Bc::NotCa,
            ku: vec![Ku::DigitalSignature],
            eku: vec![Eku::ServerAuth, Eku::ClientAuth],
            sans: vec![dns(HOST)],
            nb: ts(2025, 1, 1),
            na: ts(2027, 1, 1),
            nc: None,
            aki: true,
            ext: vec![],
            cn_value: None,
            subject_extra: vec![],
        }
    }
    pub fn cn(mut self, cn: &str) -> Spec {
        self.cn = cn.to_owned();
        self
    }
    pub fn bc(mut self, bc: Bc) -> Spec {
        self.bc = bc;
        self
    }
    pub fn ku(mut self, ku: Vec<Ku>) -> Spec {
        self.ku = ku;
        self
    }
    pub fn eku(mut self, eku: Vec<Eku>) -> Spec {
        self.eku = eku;
        self
    }
    pub fn sans(mut self, sans: Vec<SanType>) -> Spec {
        self.sans = sans;
        self
    }
    pub fn valid(mut self, nb: i64, na: i64) -> Spec {
        self.nb = nb;
        self.na = na;
        self
    }
    pub fn nc(mut self, nc: NameConstraints) -> Spec {
        self.nc = Some(nc);
        self
    }
    pub fn no_aki(mut self) -> Spec {
        self.aki = false;
        self
    }
    pub fn ext(mut self, ext: CustomExtension) -> Spec {
        self.ext.push(ext);
        self
    }
    pub fn cn_value(mut self, v: DnValue) -> Spec {
        self.cn_value = Some(v);
        self
    }
    pub fn subject_attr(mut self, t: DnType, v: DnValue) -> Spec {
        self.subject_extra.push((t, v));
        self
    }
    pub fn params(&self, serial: u64) -> CertificateParams {
        let mut p = CertificateParams::default();
        let mut dn = DistinguishedName::new();
        match &self.cn_value {
            Some(v) => dn.push(DnType::CommonName, v.clone()),
            None => dn.push(DnType::CommonName, self.cn.clone()),
        }
        for (t, v) in &self.subject_extra {
            dn.push(t.clone(), v.clone());
        }
        p.distinguished_name = dn;
        p.serial_number = Some(SerialNumber::from(serial));
        p.subject_alt_names = self.sans.clone();
        p.not_before = time::OffsetDateTime::from_unix_timestamp(self.nb).expect("notBefore");
        p.not_after = time::OffsetDateTime::from_unix_timestamp(self.na).expect("notAfter");
        p.is_ca = match self.bc {
            Bc::Ca(None) => IsCa::Ca(BasicConstraints::Unconstrained),
            Bc::Ca(Some(n)) => IsCa::Ca(BasicConstraints::Constrained(n)),
            Bc::NotCa => IsCa::ExplicitNoCa,
            Bc::Absent => IsCa::NoCa,
        };
        p.key_usages = self.ku.clone();
        p.extended_key_usages = self.eku.clone();
        p.name_constraints = self.nc.clone();
        p.use_authority_key_identifier_extension = self.aki;
        p.custom_extensions = self.ext.clone();
        p
    }
}

/// A key: the RSA ones are the fixtures (ring cannot generate RSA), each with the hash it signs
/// with; EC and Ed25519 keys are generated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum K {
    Rsa(Alg),
    RsaSha384(Alg),
    RsaSha512(Alg),
    P256,
    P384,
    Ed25519,
}

impl K {
    pub fn key(self) -> KeyPair {
        let rsa = |a: Alg, sig: &'static rcgen::SignatureAlgorithm| {
            let file = match a {
                Alg::Rsa2048 => "rsa2048.pkcs8.pem",
                Alg::Rsa2048b => "rsa2048b.pkcs8.pem",
                Alg::Rsa4096 => "rsa4096.pkcs8.pem",
                Alg::P256 | Alg::P384 | Alg::Ed25519 => panic!("{a:?} is not an RSA fixture"),
            };
            KeyPair::from_pem_and_sign_algo(&fixture(file), sig).expect("RSA fixture key")
        };
        match self {
            K::Rsa(a) => key(a),
            K::RsaSha384(a) => rsa(a, &rcgen::PKCS_RSA_SHA384),
            K::RsaSha512(a) => rsa(a, &rcgen::PKCS_RSA_SHA512),
            K::P256 => key(Alg::P256),
            K::P384 => key(Alg::P384),
            K::Ed25519 => key(Alg::Ed25519),
        }
    }
    pub fn label(self) -> String {
        let rsa = |a: Alg| match a {
            Alg::Rsa4096 => "rsa4096",
            Alg::Rsa2048 | Alg::Rsa2048b => "rsa2048",
            Alg::P256 | Alg::P384 | Alg::Ed25519 => "?",
        };
        match self {
            K::Rsa(a) => rsa(a).to_owned(),
            K::RsaSha384(a) => format!("{}-sha384", rsa(a)),
            K::RsaSha512(a) => format!("{}-sha512", rsa(a)),
            K::P256 => "p256".to_owned(),
            K::P384 => "p384".to_owned(),
            K::Ed25519 => "ed25519".to_owned(),
        }
    }
}

/// The key of a family at a position of the chain, so that no two RSA certificates of one chain
/// share a fixture key: roots RSA-4096, intermediates the second RSA-2048, leaves the first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Rsa,
    P256,
    P384,
    Ed25519,
}

pub const FAMILIES: [Family; 4] = [Family::Rsa, Family::P256, Family::P384, Family::Ed25519];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pos {
    Root,
    Int,
    Leaf,
}

impl Family {
    pub fn at(self, pos: Pos) -> K {
        match (self, pos) {
            (Family::Rsa, Pos::Root) => K::Rsa(Alg::Rsa4096),
            (Family::Rsa, Pos::Int) => K::Rsa(Alg::Rsa2048b),
            (Family::Rsa, Pos::Leaf) => K::Rsa(Alg::Rsa2048),
            (Family::P256, _) => K::P256,
            (Family::P384, _) => K::P384,
            (Family::Ed25519, _) => K::Ed25519,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Family::Rsa => "rsa",
            Family::P256 => "p256",
            Family::P384 => "p384",
            Family::Ed25519 => "ed25519",
        }
    }
}

/// A certificate with its parameters and key, able to issue.
pub struct Node {
    pub pem: String,
    pub params: CertificateParams,
    pub key: KeyPair,
}

/// Builds certificates with increasing serial numbers and collects the cases.
pub struct Gen {
    pub serial: u64,
    pub cases: Vec<Case>,
}

impl Gen {
    pub fn params(&mut self, s: &Spec) -> CertificateParams {
        self.serial += 1;
        s.params(self.serial)
    }
    pub fn root(&mut self, s: Spec, k: K) -> Node {
        let key = k.key();
        let params = self.params(&s);
        let pem = params.self_signed(&key).expect("self-signed").pem();
        Node { pem, params, key }
    }
    pub fn issue(&mut self, s: Spec, k: K, by: &Node) -> Node {
        let key = k.key();
        let params = self.params(&s);
        let pem = params
            .signed_by(&key, &Issuer::from_params(&by.params, &by.key))
            .expect("signed")
            .pem();
        Node { pem, params, key }
    }
    /// Another certificate for the key of `subject`: self-signed when `by` is `None` (a renewed
    /// root), else issued by `by` (a cross-certificate).
    pub fn again(&mut self, s: Spec, subject: &Node, by: Option<&Node>) -> String {
        let params = self.params(&s);
        match by {
            Some(b) => params
                .signed_by(&subject.key, &Issuer::from_params(&b.params, &b.key))
                .expect("signed")
                .pem(),
            None => params.self_signed(&subject.key).expect("self-signed").pem(),
        }
    }
    pub fn push(&mut self, c: Case) {
        self.cases.push(c);
    }
}

// ---------------------------------------------------------------------------------------------
// The generated corpus, family by family
