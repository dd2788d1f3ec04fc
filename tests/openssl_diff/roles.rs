//! Corpus families on what a certificate may do: basic constraints, key usage and extended key
//! usage of leaf, intermediate and root, and CA certificates used as leaves.

use super::certs::{Bc, Gen, K, Pos, Spec};
use super::{Case, HOST, usage_label};
use istio_alb::pki::verify::Usage;
use rcgen::{ExtendedKeyUsagePurpose as Eku, KeyUsagePurpose as Ku};

fn bc_label(bc: Bc) -> &'static str {
    match bc {
        Bc::Ca(_) => "ca",
        Bc::NotCa => "not-ca",
        Bc::Absent => "absent",
    }
}

/// basicConstraints of intermediate and root: CA:TRUE, CA:FALSE, absent with keyCertSign,
/// absent without key usage. And a leaf without basicConstraints.
pub fn fam_bc(g: &mut Gen) {
    let variants: [(&str, Bc, Vec<Ku>); 4] = [
        ("ca", Bc::Ca(None), vec![Ku::KeyCertSign, Ku::CrlSign]),
        ("not-ca", Bc::NotCa, vec![Ku::KeyCertSign, Ku::CrlSign]),
        ("absent-kcs", Bc::Absent, vec![Ku::KeyCertSign, Ku::CrlSign]),
        ("absent-no-ku", Bc::Absent, vec![]),
    ];
    for (il, ibc, iku) in &variants {
        for (rl, rbc, rku) in &variants {
            let root = g.root(Spec::ca("BC Root").bc(*rbc).ku(rku.clone()), K::P256);
            let int = g.issue(
                Spec::ca("BC Intermediate").bc(*ibc).ku(iku.clone()),
                K::P256,
                &root,
            );
            let leaf = g.issue(Spec::leaf(), K::P256, &int);
            let what = format!(
                "root(basicConstraints {}, key usage {}) -> int(basicConstraints {}, key usage {}) -> leaf",
                bc_label(*rbc),
                if rku.is_empty() {
                    "absent"
                } else {
                    "keyCertSign"
                },
                bc_label(*ibc),
                if iku.is_empty() {
                    "absent"
                } else {
                    "keyCertSign"
                },
            );
            let id = format!("gen::bc::int-{il}::root-{rl}");
            g.push(Case::new(id, what, &leaf.pem, &[&int.pem], &[&root.pem]));
        }
    }
    let root = g.root(Spec::ca("BC Root"), K::P256);
    let leaf = g.issue(Spec::leaf().bc(Bc::Absent), K::P256, &root);
    for u in [Usage::Server, Usage::Client] {
        let id = format!("gen::bc::leaf-absent::{}", usage_label(u));
        g.push(
            Case::new(
                id,
                "root -> leaf without basicConstraints",
                &leaf.pem,
                &[],
                &[&root.pem],
            )
            .usage(u),
        );
    }
}

fn ku_label(ku: &[Ku]) -> String {
    if ku.is_empty() {
        return "absent".to_owned();
    }
    ku.iter()
        .map(|k| match k {
            Ku::DigitalSignature => "digitalSignature",
            Ku::ContentCommitment => "nonRepudiation",
            Ku::KeyEncipherment => "keyEncipherment",
            Ku::DataEncipherment => "dataEncipherment",
            Ku::KeyAgreement => "keyAgreement",
            Ku::KeyCertSign => "keyCertSign",
            Ku::CrlSign => "cRLSign",
            Ku::EncipherOnly => "encipherOnly",
            Ku::DecipherOnly => "decipherOnly",
        })
        .collect::<Vec<_>>()
        .join("+")
}

/// Key usage of issuers (intermediate x root) and of the leaf (both usages).
pub fn fam_ku(g: &mut Gen) {
    let issuer_kus: [(&str, Vec<Ku>); 6] = [
        ("absent", vec![]),
        ("kcs", vec![Ku::KeyCertSign]),
        ("kcs-crl", vec![Ku::KeyCertSign, Ku::CrlSign]),
        ("crl", vec![Ku::CrlSign]),
        ("ds", vec![Ku::DigitalSignature]),
        ("ds-kcs", vec![Ku::DigitalSignature, Ku::KeyCertSign]),
    ];
    for (il, iku) in &issuer_kus {
        for (rl, rku) in &issuer_kus {
            let root = g.root(Spec::ca("KU Root").ku(rku.clone()), K::P256);
            let int = g.issue(Spec::ca("KU Intermediate").ku(iku.clone()), K::P256, &root);
            let leaf = g.issue(Spec::leaf(), K::P256, &int);
            let what = format!(
                "root(key usage {}) -> int(key usage {}) -> leaf",
                ku_label(rku),
                ku_label(iku)
            );
            let id = format!("gen::ku::int-{il}::root-{rl}");
            g.push(Case::new(id, what, &leaf.pem, &[&int.pem], &[&root.pem]));
        }
    }
    let leaf_kus: [(&str, Vec<Ku>); 9] = [
        ("absent", vec![]),
        ("ds", vec![Ku::DigitalSignature]),
        ("ke", vec![Ku::KeyEncipherment]),
        ("ka", vec![Ku::KeyAgreement]),
        ("ds-ke", vec![Ku::DigitalSignature, Ku::KeyEncipherment]),
        ("kcs", vec![Ku::KeyCertSign]),
        ("ds-kcs", vec![Ku::DigitalSignature, Ku::KeyCertSign]),
        ("crl", vec![Ku::CrlSign]),
        ("nr", vec![Ku::ContentCommitment]),
    ];
    let root = g.root(Spec::ca("KU Leaf Root"), K::P256);
    for (ll, lku) in &leaf_kus {
        let leaf = g.issue(Spec::leaf().ku(lku.clone()), K::P256, &root);
        for u in [Usage::Server, Usage::Client] {
            let what = format!("root -> leaf(key usage {}, CA:FALSE)", ku_label(lku));
            let id = format!("gen::ku::leaf-{ll}::{}", usage_label(u));
            g.push(Case::new(id, what, &leaf.pem, &[], &[&root.pem]).usage(u));
        }
    }
}

fn eku_label(eku: &[Eku]) -> String {
    if eku.is_empty() {
        return "absent".to_owned();
    }
    eku.iter()
        .map(|e| match e {
            Eku::Any => "anyExtendedKeyUsage",
            Eku::ServerAuth => "serverAuth",
            Eku::ClientAuth => "clientAuth",
            Eku::CodeSigning => "codeSigning",
            Eku::EmailProtection => "emailProtection",
            Eku::TimeStamping => "timeStamping",
            Eku::OcspSigning => "OCSPSigning",
            Eku::Other(_) => "other",
        })
        .collect::<Vec<_>>()
        .join("+")
}

/// Extended key usage of the leaf, the intermediate and the root, with both purposes.
pub fn fam_eku(g: &mut Gen) {
    let leaf_ekus: [(&str, Vec<Eku>); 9] = [
        ("absent", vec![]),
        ("server", vec![Eku::ServerAuth]),
        ("client", vec![Eku::ClientAuth]),
        ("server-client", vec![Eku::ServerAuth, Eku::ClientAuth]),
        ("any", vec![Eku::Any]),
        ("any-server", vec![Eku::Any, Eku::ServerAuth]),
        ("code", vec![Eku::CodeSigning]),
        ("server-code", vec![Eku::ServerAuth, Eku::CodeSigning]),
        ("email", vec![Eku::EmailProtection]),
    ];
    let root = g.root(Spec::ca("EKU Root"), K::P256);
    for (ll, leku) in &leaf_ekus {
        let leaf = g.issue(Spec::leaf().eku(leku.clone()), K::P256, &root);
        for u in [Usage::Server, Usage::Client] {
            let what = format!("root -> leaf(EKU {})", eku_label(leku));
            let id = format!("gen::eku::leaf-{ll}::{}", usage_label(u));
            g.push(Case::new(id, what, &leaf.pem, &[], &[&root.pem]).usage(u));
        }
    }
    let ca_ekus: [(&str, Vec<Eku>); 6] = [
        ("absent", vec![]),
        ("server", vec![Eku::ServerAuth]),
        ("client", vec![Eku::ClientAuth]),
        ("server-client", vec![Eku::ServerAuth, Eku::ClientAuth]),
        ("any", vec![Eku::Any]),
        ("code", vec![Eku::CodeSigning]),
    ];
    for (pos, pos_label) in [(Pos::Int, "int"), (Pos::Root, "root")] {
        for (el, eku) in &ca_ekus {
            let with = |p: Pos, s: Spec| if p == pos { s.eku(eku.clone()) } else { s };
            let root = g.root(with(Pos::Root, Spec::ca("EKU CA Root")), K::P256);
            let int = g.issue(
                with(Pos::Int, Spec::ca("EKU CA Intermediate")),
                K::P256,
                &root,
            );
            let leaf = g.issue(Spec::leaf(), K::P256, &int);
            for u in [Usage::Server, Usage::Client] {
                let what = format!(
                    "root -> int -> leaf(serverAuth+clientAuth), {pos_label} with EKU {}",
                    eku_label(eku)
                );
                let id = format!("gen::eku::{pos_label}-{el}::{}", usage_label(u));
                g.push(Case::new(id, what, &leaf.pem, &[&int.pem], &[&root.pem]).usage(u));
            }
        }
    }
}

/// A CA certificate used as the leaf.
pub fn fam_leaf_ca(g: &mut Gen) {
    let root = g.root(Spec::ca("CA Leaf Root"), K::P256);
    for (label, ku) in [
        ("kcs-crl", vec![Ku::KeyCertSign, Ku::CrlSign]),
        ("ds-kcs", vec![Ku::DigitalSignature, Ku::KeyCertSign]),
        ("ku-absent", vec![]),
    ] {
        let leaf = g.issue(Spec::leaf().bc(Bc::Ca(None)).ku(ku.clone()), K::P256, &root);
        for u in [Usage::Server, Usage::Client] {
            let what = format!(
                "root -> leaf with CA:TRUE, key usage {}, SAN {HOST}",
                ku_label(&ku)
            );
            let id = format!("gen::leafca::{label}::{}", usage_label(u));
            g.push(Case::new(id, what, &leaf.pem, &[], &[&root.pem]).usage(u));
        }
    }
}
