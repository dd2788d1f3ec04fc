//! Each chain judged by the verifier that judges it in production (issue 24): the gateway chain
//! by OpenSSL for an NGINX ALB and by Go's crypto/x509 as well for a Traefik ALB; the ALB's
//! client chain by BoringSSL (Envoy) as well, whatever the ALB. A chain only the stricter
//! verifier refuses shows the difference: the finding is there where that verifier judges, and
//! names it.

// Native only: the certificates come from rcgen (ring).
#![cfg(not(target_arch = "wasm32"))]

use istio_alb::demo;
use istio_alb::finding::{Finding, Severity};
use istio_alb::inputs::CertInput;
use istio_alb::plan;
use istio_alb::settings::{Alb, Infrastructure, Profile, Settings};
use rcgen::{
    CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, GeneralSubtree, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, NameConstraints,
};

/// 2025-11-26T10:00:00Z: inside the demo certificates' validity.
const AT: i64 = 1_764_151_200;

fn params(cn: &str) -> CertificateParams {
    let mut p = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, cn);
    p.distinguished_name = dn;
    p.not_before = rcgen::date_time_ymd(2024, 1, 1);
    p.not_after = rcgen::date_time_ymd(2030, 1, 1);
    p
}

fn errors(p: &plan::Plan, input: CertInput) -> Vec<&Finding> {
    p.findings
        .iter()
        .filter(|f| f.severity == Severity::Error && f.is_about(input))
        .collect()
}

fn with(alb: Alb) -> Settings {
    demo::settings_with(Profile::Current, alb, Infrastructure::Classic, false)
}

/// A root with keyCertSign but no basicConstraints: OpenSSL takes it as a CA (`check_ca` 4),
/// Go does not let it sign ("parent certificate cannot sign this kind of certificate").
#[test]
fn a_traefik_bundle_refuses_a_gateway_chain_go_refuses_and_an_nginx_bundle_does_not() {
    let root_key = KeyPair::generate().expect("key");
    let mut root = params("Gateway Root Without basicConstraints");
    root.is_ca = IsCa::NoCa;
    root.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let root_pem = root.clone().self_signed(&root_key).expect("root").pem();
    let domain = with(Alb::Nginx).nlb_domain;
    let leaf_key = KeyPair::generate().expect("key");
    let mut leaf = params(&domain);
    leaf.subject_alt_names = vec![rcgen::SanType::DnsName(
        domain.as_str().try_into().expect("IA5"),
    )];
    leaf.is_ca = IsCa::ExplicitNoCa;
    leaf.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let leaf_pem = leaf
        .signed_by(&leaf_key, &Issuer::from_params(&root, &root_key))
        .expect("leaf")
        .pem();
    let mut inputs = demo::cert_inputs();
    inputs[CertInput::NlbCert] = leaf_pem;
    inputs[CertInput::NlbKey] = leaf_key.serialize_pem();
    inputs[CertInput::GatewayCa] = root_pem;

    let nginx = plan::plan(&with(Alb::Nginx), &inputs, AT);
    assert!(
        errors(&nginx, CertInput::GatewayCa).is_empty()
            && errors(&nginx, CertInput::NlbCert).is_empty(),
        "OpenSSL accepts this chain: {:#?}",
        nginx.findings
    );
    let traefik = plan::plan(&with(Alb::Traefik), &inputs, AT);
    let go: Vec<&Finding> = errors(&traefik, CertInput::GatewayCa);
    assert_eq!(go.len(), 1, "{:#?}", traefik.findings);
    assert!(
        go[0].message.contains("Go's crypto/x509 (Traefik)")
            && go[0].message.contains("basicConstraints"),
        "{}",
        go[0].message
    );
    assert!(traefik.has_errors());
}

/// A client CA with name constraints over a client certificate with no subjectAltName and a
/// one-label CN: OpenSSL does not read "mycluster" as a host name, BoringSSL does and refuses it
/// (`X509_V_ERR_NAME_CONSTRAINTS_WITHOUT_SANS`), for either ALB.
#[test]
fn a_client_chain_boringssl_refuses_is_refused_for_both_albs() {
    let ca_key = KeyPair::generate().expect("key");
    let mut ca = params("Constrained Client CA");
    ca.is_ca = IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    ca.name_constraints = Some(NameConstraints {
        permitted_subtrees: vec![GeneralSubtree::DnsName("example.com".into())],
        excluded_subtrees: vec![],
    });
    let ca_pem = ca.clone().self_signed(&ca_key).expect("ca").pem();
    let client_key = KeyPair::generate().expect("key");
    let mut client = params("mycluster");
    client.is_ca = IsCa::ExplicitNoCa;
    client.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    client.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    let client_pem = client
        .signed_by(&client_key, &Issuer::from_params(&ca, &ca_key))
        .expect("client")
        .pem();
    let mut inputs = demo::cert_inputs();
    inputs[CertInput::AlbClientCert] = client_pem;
    inputs[CertInput::AlbClientKey] = client_key.serialize_pem();
    inputs[CertInput::ClientCa] = ca_pem;
    // The gateway keeps trusting the demo root for its own chain.
    inputs[CertInput::GatewayCa] = demo::cert_inputs()[CertInput::ClientCa].clone();
    for alb in [Alb::Nginx, Alb::Traefik] {
        let p = plan::plan(&with(alb), &inputs, AT);
        let refused = errors(&p, CertInput::AlbClientCert);
        assert!(
            refused
                .iter()
                .any(|f| f.message.contains("BoringSSL (Envoy, the gateway)")),
            "{alb}: {:#?}",
            p.findings
        );
    }
}

/// `istio-alb verify --verifier go` gives the Traefik bundle's verdict on a gateway chain, and
/// the default (OpenSSL's rules) the NGINX bundle's.
#[test]
fn the_command_line_verifies_with_the_verifier_asked_for() {
    let root_key = KeyPair::generate().expect("key");
    let mut root = params("Root Without basicConstraints");
    root.is_ca = IsCa::NoCa;
    root.key_usages = vec![KeyUsagePurpose::KeyCertSign];
    let root_pem = root.clone().self_signed(&root_key).expect("root").pem();
    let leaf_key = KeyPair::generate().expect("key");
    let mut leaf = params("gw.example.com");
    leaf.subject_alt_names = vec![rcgen::SanType::DnsName(
        "gw.example.com".try_into().expect("IA5"),
    )];
    leaf.is_ca = IsCa::ExplicitNoCa;
    leaf.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let leaf_pem = leaf
        .signed_by(&leaf_key, &Issuer::from_params(&root, &root_key))
        .expect("leaf")
        .pem();
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("leaf.pem"), leaf_pem).expect("write");
    std::fs::write(dir.path().join("ca.pem"), root_pem).expect("write");
    let run = |extra: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_istio-alb"))
            .current_dir(dir.path())
            .args([
                "verify",
                "--leaf",
                "leaf.pem",
                "--roots",
                "ca.pem",
                "--name",
                "gw.example.com",
                "--at",
                "2026-01-01T00:00:00Z",
            ])
            .args(extra)
            .output()
            .expect("istio-alb runs")
    };
    let openssl = run(&[]);
    assert_eq!(openssl.status.code(), Some(0), "{openssl:?}");
    let go = run(&["--verifier", "go"]);
    assert_eq!(go.status.code(), Some(1), "{go:?}");
    assert!(
        String::from_utf8_lossy(&go.stdout).contains("Go's crypto/x509 (Traefik)"),
        "{}",
        String::from_utf8_lossy(&go.stdout)
    );
}
