//! Generated cases for the differences of Go's crypto/x509 that issue 24 lists and the rest of
//! the corpus does not already hold: a negative serial number (Go 1.23+ does not parse one; rcgen
//! cannot write one, so openssl issues these), and critical extensions OpenSSL handles and Go
//! does not (nsCertType). The others are covered elsewhere: SAN only (`gen::name::cn-only`),
//! SHA-1 (`gen::weak::sha1-leaf`), intermediate EKUs (`gen::eku`), name constraints (`gen::nc`,
//! `gen::subjectnc`), no depth limit (`gen::depth`).

use super::certs::{Gen, K, Node, Spec};
use super::subject::ns_cert_type;
use super::{Case, DAY, HOST, usage_label};
use istio_alb::pki::verify::Usage;
use std::path::Path;
use std::process::Command;

fn openssl(dir: &Path, args: &[&str]) -> bool {
    Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A P-256 certificate for `subject` with `ext` (an openssl extension file's text) and `serial`,
/// issued by `issuer` (certificate and key files in `dir`) into `out`.pem / `out`.key. openssl
/// 3.0 `x509 -req` has no start date: valid from now for ten years.
fn issue(dir: &Path, issuer: &str, subject: &str, ext: &str, serial: &str, out: &str) -> bool {
    std::fs::write(dir.join(format!("{out}.ext")), ext).expect("write");
    openssl(
        dir,
        &[
            "req",
            "-new",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            &format!("{out}.key"),
            "-subj",
            subject,
            "-out",
            &format!("{out}.csr"),
        ],
    ) && openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            &format!("{out}.csr"),
            "-CA",
            &format!("{issuer}.pem"),
            "-CAkey",
            &format!("{issuer}.key"),
            "-set_serial",
            serial,
            "-days",
            "3650",
            "-extfile",
            &format!("{out}.ext"),
            "-out",
            &format!("{out}.pem"),
        ],
    )
}

/// Negative serial numbers on the leaf and on the intermediate, both roles; `now` because
/// openssl dates them from now (the cases are checked a day later).
pub fn fam_go(g: &mut Gen, now: i64) {
    let root = g.root(Spec::ca("Go Root"), K::P256);
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    std::fs::write(p.join("root.pem"), &root.pem).expect("write");
    std::fs::write(p.join("root.key"), root.key.serialize_pem()).expect("write");
    let ca_ext = "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n";
    let leaf_ext = format!(
        "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n\
         extendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=DNS:{HOST}\n"
    );
    let made = issue(p, "root", "/CN=Go Intermediate", ca_ext, "0x2000", "int")
        && issue(
            p,
            "root",
            "/CN=Go Negative Intermediate",
            ca_ext,
            "-0x2001",
            "negint",
        )
        && issue(
            p,
            "int",
            &format!("/CN={HOST}"),
            &leaf_ext,
            "-0x2002",
            "negleaf",
        )
        && issue(
            p,
            "negint",
            &format!("/CN={HOST}"),
            &leaf_ext,
            "0x2003",
            "leaf",
        );
    assert!(
        made,
        "openssl could not issue the negative-serial certificates"
    );
    let read = |f: &str| std::fs::read_to_string(p.join(f)).expect("read");
    for (label, leaf, int) in [
        ("leaf", read("negleaf.pem"), read("int.pem")),
        ("intermediate", read("leaf.pem"), read("negint.pem")),
    ] {
        for u in [Usage::Server, Usage::Client] {
            g.push(
                Case::new(
                    format!("gen::go::negative-serial-{label}::{}", usage_label(u)),
                    format!("root -> int -> leaf, a negative serial number on the {label}"),
                    &leaf,
                    &[&int],
                    &[&root.pem],
                )
                .usage(u)
                .at(now + DAY),
            );
        }
    }
    // nsCertType marked critical: OpenSSL handles it, Go does not.
    let int = g.issue(Spec::ca("Go Intermediate"), K::P256, &root);
    let mut ext = ns_cert_type(0xc0);
    ext.set_criticality(true);
    let leaf: Node = g.issue(Spec::leaf().ext(ext), K::P256, &int);
    for u in [Usage::Server, Usage::Client] {
        g.push(
            Case::new(
                format!("gen::go::critical-nscerttype::{}", usage_label(u)),
                "root -> int -> leaf with a critical nsCertType (SSL client and server)",
                &leaf.pem,
                &[&int.pem],
                &[&root.pem],
            )
            .usage(u),
        );
    }
}

/// The private client CA's output (`istio_alb::ca`, what `istio-alb ca init` / `ca issue` and
/// the page's "Create a private client CA" make): its first client certificate and a second
/// one, as client chains (the gateway verifies them: BoringSSL in Envoy).
pub fn fam_private_ca(g: &mut Gen) {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut random = |buf: &mut [u8]| {
        for b in buf {
            // xorshift64*: deterministic, good enough for test keys and serials.
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            *b = (state.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 56) as u8;
        }
    };
    let made_at = super::at() - 30 * DAY;
    let ca = istio_alb::ca::init("mycluster", made_at, &mut random).expect("ca init");
    let second = istio_alb::ca::issue(
        &ca.ca_pem,
        &ca.ca_key_pem,
        "mycluster",
        90,
        made_at + DAY,
        &mut random,
    )
    .expect("ca issue");
    for (label, cert) in [("init", &ca.client.cert_pem), ("issue", &second.cert_pem)] {
        g.push(
            Case::new(
                format!("gen::privateca::{label}"),
                format!("the private client CA (src/ca.rs) -> its client certificate ({label})"),
                cert,
                &[],
                &[&ca.ca_pem],
            )
            .usage(Usage::Client),
        );
    }
}
