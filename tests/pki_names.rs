//! Name matching end to end: the RFC 6125 rules (`dns_pattern_matches`, table-tested in
//! `names.rs`) agree with what `check_host` (webpki) decides on real certificates.

// Native only: fixtures come from rcgen (ring), and the tests read files and run tools.
#![cfg(not(target_arch = "wasm32"))]

mod pki_fixtures;

use istio_alb::pki::cert::parse_certs;
use istio_alb::pki::names::{HostName, check_host, dns_pattern_matches, parse_host};
use pki_fixtures::*;

#[test]
fn webpki_decisions_follow_rfc6125() {
    const SANS: &[&str] = &[
        "example.com",
        "*.apps.example.com",
        "xn--bcher-kva.example",
        "*.xn--bcher-kva.example",
    ];
    const HOSTS: &[&str] = &[
        "example.com",
        "EXAMPLE.com",
        "www.example.com",
        "shop.apps.example.com",
        "apps.example.com",
        "a.shop.apps.example.com",
        "xn--bcher-kva.example",
        "laden.xn--bcher-kva.example",
    ];
    for san in SANS {
        let c = self_signed(&Spec::leaf("cn-is-ignored.example.com", &[san]), Alg::P256);
        let (certs, _) = parse_certs("nlb_cert", &c.pem, at());
        for host in HOSTS {
            let parsed = parse_host(host).expect(host);
            let HostName::Dns(ascii) = &parsed else {
                panic!("{host}")
            };
            let want = dns_pattern_matches(san, ascii);
            let got = check_host(&certs[0], &parsed);
            assert_eq!(got.is_ok(), want, "SAN {san} vs {host}: {got:?}");
        }
    }
    // Forms the ALB's OpenSSL would not match are refused, with the form that works.
    for (typed, hint) in [("bücher.example", "xn--"), ("example.com.", "trailing dot")] {
        let e = parse_host(typed).expect_err(typed).to_string();
        assert!(e.contains(hint), "{typed}: {e}");
    }
}

#[test]
fn ip_and_cn_rules() {
    let ip_cert = self_signed(
        &Spec::leaf("10.0.0.1", &["10.0.0.1", "2001:db8::1"]),
        Alg::P256,
    );
    let cn_only = self_signed(&Spec::leaf("gw.example.com", &[]), Alg::P256);
    let (ipc, _) = parse_certs("nlb_cert", &ip_cert.pem, at());
    let (cnc, _) = parse_certs("nlb_cert", &cn_only.pem, at());
    let cases: &[(usize, &str, bool, &str)] = &[
        (0, "10.0.0.1", true, ""),
        (0, "[2001:db8::1]", true, ""),
        (0, "2001:db8:0:0::1", true, ""),
        (0, "10.0.0.2", false, "does not cover"),
        (1, "gw.example.com", false, "Common Name"),
    ];
    let certs = [&ipc[0], &cnc[0]];
    for (i, host, ok, msg) in cases {
        let r = check_host(certs[*i], &parse_host(host).expect(host));
        assert_eq!(r.is_ok(), *ok, "{host}: {r:?}");
        if let Err(m) = r {
            assert!(m.contains(msg), "{host}: {m}");
        }
    }
    // A wildcard gateway host needs the same wildcard in the certificate.
    let w = self_signed(&Spec::leaf("w", &["*.apps.example.com"]), Alg::P256);
    let (wc, _) = parse_certs("nlb_cert", &w.pem, at());
    assert!(check_host(&wc[0], &parse_host("*.apps.example.com").expect("w")).is_ok());
    assert!(check_host(&wc[0], &parse_host("*.example.com").expect("w")).is_err());
}
