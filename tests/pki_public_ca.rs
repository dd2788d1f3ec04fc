//! A public root, or a CA that chains to one, in the client CA is an error on that input
//! (issue 27): the gateway would let in anyone with a certificate under that root. Public means
//! Mozilla's list as webpki-roots carries it.

// Native only: fixtures come from rcgen (ring), and ISRG Root X1 from the machine's root list.
#![cfg(not(target_arch = "wasm32"))]

mod pki_fixtures;

use istio_alb::finding::{Code, Finding, Severity};
use istio_alb::inputs::{CertInput, CertInputs};
use istio_alb::pki::cert::parse_certs;
use istio_alb::pki::check::check;
use istio_alb::pki::public_ca::{Public, is_mozilla_root, public_certs};
use pki_fixtures::*;
use rcgen::{DistinguishedName, DnType, DnValue, KeyIdMethod};

fn at() -> i64 {
    ts(2026, 12, 6)
}

fn public_findings(inputs: &CertInputs) -> Vec<Finding> {
    check(inputs, at(), &istio_alb::pki::rustcrypto::RustCrypto)
        .findings
        .into_iter()
        .filter(|f| f.code == Code::ClientCaPublic)
        .collect()
}

/// The demo set with `client_ca` as the client CA input.
fn demo_with_client_ca(client_ca: String) -> CertInputs {
    let mut inputs = istio_alb::demo::cert_inputs();
    inputs[CertInput::ClientCa] = client_ca;
    inputs
}

#[test]
fn the_demo_private_ca_is_not_public() {
    let inputs = istio_alb::demo::cert_inputs();
    assert!(inputs.given(CertInput::ClientCa));
    assert_eq!(public_findings(&inputs), Vec::<Finding>::new());
}

#[test]
fn isrg_root_x1_in_the_client_ca_is_an_error_saying_who_gets_in() {
    let demo = istio_alb::demo::cert_inputs();
    let cases = [
        ("ISRG Root X1 alone", isrg_root_x1()),
        (
            "the private CA plus ISRG Root X1 (what the page led a user to)",
            format!("{}{}", demo[CertInput::ClientCa], isrg_root_x1()),
        ),
    ];
    for (name, client_ca) in cases {
        let found = public_findings(&demo_with_client_ca(client_ca));
        assert_eq!(found.len(), 1, "{name}: {found:#?}");
        let f = &found[0];
        assert_eq!(f.severity, Severity::Error, "{name}");
        assert!(f.is_about(CertInput::ClientCa), "{name}: {f}");
        for words in [
            "ISRG Root X1",
            "public root",
            "anyone who can get one issued under that root",
            "private CA",
            "Create a private client CA",
        ] {
            assert!(f.message.contains(words), "{name}: {words:?} in {f}");
        }
    }
}

#[test]
fn isrg_root_x1_elsewhere_is_no_client_ca_finding() {
    // The root the gateway certificate needs is right in "CA the ALB trusts".
    let mut inputs = istio_alb::demo::cert_inputs();
    inputs[CertInput::GatewayCa] = isrg_root_x1();
    assert_eq!(public_findings(&inputs), Vec::<Finding>::new());
}

/// A CA carrying ISRG Root X1's name and key identifier, to issue "public" CAs with: the list
/// holds no signatures, so a CA is judged issued by a Mozilla root on its issuer name and
/// authority key identifier.
fn isrg_stand_in() -> Issued {
    let (isrg, errors) = parse_certs(CertInput::GatewayCa, &isrg_root_x1(), at());
    assert!(errors.is_empty());
    let ski = isrg[0]
        .summary
        .subject_key_id
        .as_deref()
        .expect("ISRG Root X1 has a subject key identifier")
        .replace(':', "");
    let ski: Vec<u8> = (0..ski.len() / 2)
        .map(|i| u8::from_str_radix(&ski[2 * i..2 * i + 2], 16).expect("hex"))
        .collect();
    let mut stand_in = self_signed(&Spec::ca("stand-in"), Alg::P256);
    let mut dn = DistinguishedName::new();
    dn.push(
        DnType::CountryName,
        DnValue::PrintableString("US".try_into().unwrap()),
    );
    dn.push(
        DnType::OrganizationName,
        DnValue::PrintableString("Internet Security Research Group".try_into().unwrap()),
    );
    dn.push(
        DnType::CommonName,
        DnValue::PrintableString("ISRG Root X1".try_into().unwrap()),
    );
    stand_in.params.distinguished_name = dn;
    stand_in.params.key_identifier_method = KeyIdMethod::PreSpecified(ski);
    stand_in
}

#[test]
fn a_ca_issued_by_a_mozilla_root_and_one_below_it_are_public() {
    let stand_in = isrg_stand_in();
    let public_int = issue(&Spec::ca("Public Intermediate"), Alg::P256, &stand_in);
    let below = issue(
        &Spec::ca("Below The Public Intermediate"),
        Alg::P256,
        &public_int,
    );
    let private = self_signed(&Spec::ca("Private Client CA"), Alg::P256);
    let (isrg, _) = parse_certs(CertInput::ClientCa, &isrg_root_x1(), at());
    let (certs, errors) = parse_certs(
        CertInput::ClientCa,
        &format!("{}{}{}", private.pem, below.pem, public_int.pem),
        at(),
    );
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(
        certs[2].parsed.issuer.raw, isrg[0].parsed.subject.raw,
        "the stand-in names ISRG Root X1 byte for byte"
    );
    assert!(is_mozilla_root(&isrg[0]));
    assert!(!is_mozilla_root(&certs[2]));
    let found = public_certs(&certs, &istio_alb::pki::rustcrypto::RustCrypto);
    assert_eq!(
        found,
        vec![
            (
                1,
                Public::Below {
                    by: 2,
                    root: isrg[0].summary.subject.clone()
                }
            ),
            (
                2,
                Public::IssuedByRoot {
                    root: isrg[0].summary.subject.clone()
                }
            ),
        ]
    );
    let findings = public_findings(&demo_with_client_ca(format!(
        "{}{}",
        below.pem, public_int.pem
    )));
    assert_eq!(findings.len(), 2, "{findings:#?}");
    assert!(findings.iter().all(|f| f.is_about(CertInput::ClientCa)));
}

#[test]
fn a_name_alone_is_not_enough() {
    // ISRG Root X1's name with another key is a private CA that copied a name.
    let mut copy = isrg_stand_in();
    copy.params.key_identifier_method = KeyIdMethod::Sha256;
    let copied = copy
        .params
        .self_signed(&copy.key)
        .expect("self-signed")
        .pem();
    let issued = issue(&Spec::ca("Under The Copy"), Alg::P256, &copy);
    let (certs, _) = parse_certs(
        CertInput::ClientCa,
        &format!("{copied}{}", issued.pem),
        at(),
    );
    assert_eq!(certs.len(), 2);
    assert_eq!(
        public_certs(&certs, &istio_alb::pki::rustcrypto::RustCrypto),
        Vec::new()
    );
}
