//! The demo certificates are what the demo settings claim: gateway leaf for the demo NLB host
//! with serverAuth, ALB client leaf with clientAuth, valid 2025-01-01 .. 2045-01-01, all marked
//! DEMO ONLY. (Checked with x509-parser directly, independent of the crate's own checks.)

// Native only: the tests read the demo certificates with x509-parser directly.
#![cfg(not(target_arch = "wasm32"))]

use istio_alb::demo;
use x509_parser::prelude::*;

fn certs(pem_text: &str) -> Vec<Vec<u8>> {
    ::pem::parse_many(pem_text)
        .unwrap()
        .into_iter()
        .map(|p| p.into_contents())
        .collect()
}

#[test]
fn demo_certificates_match_the_demo_settings() {
    let nlb = certs(demo::NLB_CERT);
    assert_eq!(nlb.len(), 2, "leaf + intermediate");
    let alb = certs(demo::ALB_CLIENT_CERT);
    let ca = certs(demo::CA);
    let from = 1_735_689_600; // 2025-01-01
    let until = 2_366_841_600; // 2045-01-01
    for der in nlb.iter().chain(&alb).chain(&ca) {
        let (_, c) = X509Certificate::from_der(der).unwrap();
        assert!(
            c.subject().to_string().contains("DEMO ONLY"),
            "{}",
            c.subject()
        );
        assert_eq!(c.validity().not_before.timestamp(), from);
        assert_eq!(c.validity().not_after.timestamp(), until);
    }
    let (_, leaf) = X509Certificate::from_der(&nlb[0]).unwrap();
    let san = leaf.subject_alternative_name().unwrap().unwrap();
    assert!(
        san.value
            .general_names
            .iter()
            .any(|n| matches!(n, GeneralName::DNSName(d) if *d == demo::NLB_DOMAIN))
    );
    assert!(
        leaf.extended_key_usage()
            .unwrap()
            .unwrap()
            .value
            .server_auth
    );
    let (_, client) = X509Certificate::from_der(&alb[0]).unwrap();
    let eku = client.extended_key_usage().unwrap().unwrap().value;
    assert!(eku.client_auth && !eku.server_auth);
    // Issuers: the leaf by the intermediate, the intermediate and the client by the root.
    let (_, inter) = X509Certificate::from_der(&nlb[1]).unwrap();
    let (_, root) = X509Certificate::from_der(&ca[0]).unwrap();
    assert_eq!(leaf.issuer(), inter.subject());
    assert_eq!(inter.issuer(), root.subject());
    assert_eq!(client.issuer(), root.subject());
    assert!(demo::NLB_KEY.contains("PRIVATE KEY") && demo::ALB_CLIENT_KEY.contains("PRIVATE KEY"));
}
