//! Corpus families on how the chain is sent and anchored: intermediates missing, repeated,
//! reordered or extra; cross-signed roots; expired, renewed, not yet valid and re-keyed roots;
//! an intermediate or the leaf as the trust anchor; self-signed leaves.

use super::certs::{Bc, Family, Gen, K, Pos, Spec};
use super::{Case, DAY, at};
use crate::pki_fixtures::{Alg, ts};
use rcgen::KeyUsagePurpose as Ku;

/// How a chain is presented: label, description, leaf, untrusted and trusted certificates.
type Sent<'a> = (&'a str, &'a str, &'a str, Vec<&'a str>, Vec<&'a str>);

/// Intermediates missing, duplicated, reordered, extra, in the CA file, and an impostor with the
/// same name and another key.
pub fn fam_order(g: &mut Gen) {
    for (set, rk, i1k, i2k, lk) in [
        ("p256", K::P256, K::P256, K::P256, K::P256),
        (
            "rsa",
            K::Rsa(Alg::Rsa4096),
            K::Rsa(Alg::Rsa2048b),
            K::P384,
            K::Rsa(Alg::Rsa2048),
        ),
        ("ed25519", K::Ed25519, K::Ed25519, K::Ed25519, K::Ed25519),
    ] {
        let root = g.root(Spec::ca("Order Root"), rk);
        let i1 = g.issue(Spec::ca("Order Intermediate 1"), i1k, &root);
        let i2 = g.issue(Spec::ca("Order Intermediate 2"), i2k, &i1);
        let leaf = g.issue(Spec::leaf(), lk, &i2);
        let leaf_no_aki = g.issue(Spec::leaf().no_aki(), lk, &i2);
        // Same name as I2, another key, also issued by I1.
        let impostor = g.issue(Spec::ca("Order Intermediate 2"), i2k, &i1);
        let other_root = g.root(Spec::ca("Order Other Root"), K::P256);
        let unrelated = g.issue(
            Spec::ca("Order Unrelated Intermediate"),
            K::P256,
            &other_root,
        );
        let (r, a, b, x, u, l, o) = (
            root.pem.as_str(),
            i1.pem.as_str(),
            i2.pem.as_str(),
            impostor.pem.as_str(),
            unrelated.pem.as_str(),
            leaf.pem.as_str(),
            other_root.pem.as_str(),
        );
        let variants: Vec<Sent> = vec![
            ("in-order", "untrusted [I2, I1]", l, vec![b, a], vec![r]),
            ("reversed", "untrusted [I1, I2]", l, vec![a, b], vec![r]),
            (
                "missing-top",
                "untrusted [I2] (I1 missing)",
                l,
                vec![b],
                vec![r],
            ),
            (
                "missing-bottom",
                "untrusted [I1] (I2 missing)",
                l,
                vec![a],
                vec![r],
            ),
            ("none", "no intermediates", l, vec![], vec![r]),
            (
                "dup-bottom",
                "untrusted [I2, I2, I1]",
                l,
                vec![b, b, a],
                vec![r],
            ),
            (
                "dup-all",
                "untrusted [I2, I1, I2, I1]",
                l,
                vec![b, a, b, a],
                vec![r],
            ),
            (
                "extra-unrelated",
                "untrusted [I2, unrelated CA, I1]",
                l,
                vec![b, u, a],
                vec![r],
            ),
            (
                "extra-root",
                "untrusted [I2, I1, root], root trusted",
                l,
                vec![b, a, r],
                vec![r],
            ),
            (
                "root-only-untrusted",
                "untrusted [I2, I1, root], another root trusted",
                l,
                vec![b, a, r],
                vec![o],
            ),
            (
                "leaf-in-untrusted",
                "untrusted [leaf, I2, I1]",
                l,
                vec![l, b, a],
                vec![r],
            ),
            (
                "impostor-first",
                "untrusted [I2' (same name, other key), I2, I1]",
                l,
                vec![x, b, a],
                vec![r],
            ),
            (
                "impostor-last",
                "untrusted [I2, I1, I2' (same name, other key)]",
                l,
                vec![b, a, x],
                vec![r],
            ),
            (
                "impostor-first-leaf-no-aki",
                "leaf without AKI, untrusted [I2' (same name, other key), I2, I1]",
                leaf_no_aki.pem.as_str(),
                vec![x, b, a],
                vec![r],
            ),
            (
                "impostor-last-leaf-no-aki",
                "leaf without AKI, untrusted [I2, I1, I2']",
                leaf_no_aki.pem.as_str(),
                vec![b, a, x],
                vec![r],
            ),
            (
                "i1-in-cafile",
                "untrusted [I2], CA file [root, I1]",
                l,
                vec![b],
                vec![r, a],
            ),
            (
                "all-in-cafile",
                "no untrusted, CA file [root, I1, I2]",
                l,
                vec![],
                vec![r, a, b],
            ),
        ];
        for (label, desc, leaf_pem, untrusted, trusted) in variants {
            let what = format!(
                "root({}) -> I1({}) -> I2({}) -> leaf({}): {desc}",
                rk.label(),
                i1k.label(),
                i2k.label(),
                lk.label()
            );
            let id = format!("gen::order::{label}::{set}");
            g.push(Case::new(id, what, leaf_pem, &untrusted, &trusted));
        }
    }
}

/// Cross-signing: G2 (new root) cross-signed by G1 (old root); I issued by G2. Which roots are
/// trusted, whether the cross-certificate is sent and in which order, and which of G1, G2 and
/// the cross-certificate are expired.
pub fn fam_cross(g: &mut Gen) {
    let t = at();
    for (set, k1, k2, ik, lk) in [
        ("p256", K::P256, K::P256, K::P256, K::P256),
        (
            "rsa",
            K::Rsa(Alg::Rsa4096),
            K::Rsa(Alg::Rsa2048b),
            K::P384,
            K::Rsa(Alg::Rsa2048),
        ),
    ] {
        let expired = |s: Spec| s.valid(ts(2010, 1, 1), t - DAY);
        let g1 = g.root(Spec::ca("Cross Root G1"), k1);
        let g1_expired = g.again(expired(Spec::ca("Cross Root G1")), &g1, None);
        let g2 = g.root(Spec::ca("Cross Root G2"), k2);
        let g2_expired = g.again(expired(Spec::ca("Cross Root G2")), &g2, None);
        let x = g.again(Spec::ca("Cross Root G2"), &g2, Some(&g1));
        let x_expired = g.again(expired(Spec::ca("Cross Root G2")), &g2, Some(&g1));
        let int = g.issue(Spec::ca("Cross Intermediate"), ik, &g2);
        let leaf = g.issue(Spec::leaf(), lk, &int);
        for (tl, trust_g1, trust_g2) in [
            ("g1", true, false),
            ("g2", false, true),
            ("g1-g2", true, true),
        ] {
            for g1_ok in [true, false] {
                for g2_ok in [true, false] {
                    if (!trust_g1 && !g1_ok) || (!trust_g2 && !g2_ok) {
                        continue; // an untrusted root's validity changes nothing
                    }
                    for (ul, with_x, x_first) in [
                        ("i", false, false),
                        ("i-x", true, false),
                        ("x-i", true, true),
                    ] {
                        for x_ok in [true, false] {
                            if !with_x && !x_ok {
                                continue;
                            }
                            let mut trusted = Vec::new();
                            if trust_g1 {
                                trusted.push(if g1_ok {
                                    g1.pem.as_str()
                                } else {
                                    g1_expired.as_str()
                                });
                            }
                            if trust_g2 {
                                trusted.push(if g2_ok {
                                    g2.pem.as_str()
                                } else {
                                    g2_expired.as_str()
                                });
                            }
                            let xp = if x_ok { x.as_str() } else { x_expired.as_str() };
                            let untrusted: Vec<&str> = match (with_x, x_first) {
                                (false, _) => vec![&int.pem],
                                (true, false) => vec![&int.pem, xp],
                                (true, true) => vec![xp, &int.pem],
                            };
                            let state = |ok: bool| if ok { "valid" } else { "expired" };
                            let mut id = format!("gen::cross::trust-{tl}");
                            let mut what =
                                "G2 -> I -> leaf, G2 cross-signed by G1 (X); trusted:".to_owned();
                            if trust_g1 {
                                id.push_str(&format!("-g1{}", if g1_ok { "" } else { "x" }));
                                what.push_str(&format!(" G1({})", state(g1_ok)));
                            }
                            if trust_g2 {
                                id.push_str(&format!("-g2{}", if g2_ok { "" } else { "x" }));
                                what.push_str(&format!(" G2({})", state(g2_ok)));
                            }
                            id.push_str(&format!("::send-{ul}"));
                            what.push_str(&format!(
                                "; untrusted [{}]",
                                match (with_x, x_first) {
                                    (false, _) => "I".to_owned(),
                                    (true, false) => format!("I, X({})", state(x_ok)),
                                    (true, true) => format!("X({}), I", state(x_ok)),
                                }
                            ));
                            if with_x {
                                id.push_str(if x_ok { "" } else { "-x-expired" });
                            }
                            id.push_str(&format!("::{set}"));
                            g.push(Case::new(id, what, &leaf.pem, &untrusted, &trusted));
                        }
                    }
                }
            }
        }
    }
}

/// Trust anchors: expired, renewed (same key and subject), not yet valid, re-keyed; an
/// intermediate or the leaf as the only anchor (OpenSSL without -partial_chain needs a
/// self-signed anchor); self-signed leaves.
pub fn fam_anchor(g: &mut Gen) {
    let t = at();
    for fam in [Family::P256, Family::Rsa] {
        let f = fam.label();
        let root = g.root(Spec::ca("Anchor Root"), fam.at(Pos::Root));
        let root_expired = g.again(
            Spec::ca("Anchor Root").valid(ts(2010, 1, 1), t - DAY),
            &root,
            None,
        );
        let root_future = g.again(
            Spec::ca("Anchor Root").valid(t + DAY, ts(2045, 1, 1)),
            &root,
            None,
        );
        // Same subject, another key: a re-created CA.
        let rekeyed = g.root(Spec::ca("Anchor Root"), K::P384);
        let int = g.issue(Spec::ca("Anchor Intermediate"), fam.at(Pos::Int), &root);
        let leaf = g.issue(Spec::leaf(), fam.at(Pos::Leaf), &int);
        let (r, i, l) = (root.pem.as_str(), int.pem.as_str(), leaf.pem.as_str());
        let (re, rf, rk) = (
            root_expired.as_str(),
            root_future.as_str(),
            rekeyed.pem.as_str(),
        );
        let variants: Vec<(&str, &str, Vec<&str>, Vec<&str>)> = vec![
            ("root-valid", "CA file [root]", vec![i], vec![r]),
            ("root-expired", "CA file [root expired]", vec![i], vec![re]),
            (
                "root-expired-then-renewed",
                "CA file [root expired, root renewed (same key and subject)]",
                vec![i],
                vec![re, r],
            ),
            (
                "root-renewed-then-expired",
                "CA file [root renewed, root expired (same key and subject)]",
                vec![i],
                vec![r, re],
            ),
            (
                "root-not-yet-valid",
                "CA file [root with notBefore after the validation time]",
                vec![i],
                vec![rf],
            ),
            (
                "root-not-yet-valid-then-current",
                "CA file [root not yet valid, root current (same key and subject)]",
                vec![i],
                vec![rf, r],
            ),
            (
                "root-current-then-not-yet-valid",
                "CA file [root current, root not yet valid (same key and subject)]",
                vec![i],
                vec![r, rf],
            ),
            (
                "root-expired-untrusted-renewed",
                "CA file [root renewed], untrusted [I, root expired]",
                vec![i, re],
                vec![r],
            ),
            (
                "root-rekeyed-only",
                "CA file [root re-keyed (same subject, other key)]",
                vec![i],
                vec![rk],
            ),
            (
                "root-rekeyed-then-original",
                "CA file [root re-keyed, root original]",
                vec![i],
                vec![rk, r],
            ),
            (
                "root-original-then-rekeyed",
                "CA file [root original, root re-keyed]",
                vec![i],
                vec![r, rk],
            ),
            (
                "int-only",
                "CA file [I] (not self-signed), no untrusted",
                vec![],
                vec![i],
            ),
            (
                "int-only-root-untrusted",
                "CA file [I], untrusted [root]",
                vec![r],
                vec![i],
            ),
            (
                "int-only-int-untrusted",
                "CA file [I], untrusted [I]",
                vec![i],
                vec![i],
            ),
            ("int-and-root", "CA file [I, root]", vec![], vec![i, r]),
            (
                "leaf-only",
                "CA file [leaf] (not self-signed)",
                vec![i],
                vec![l],
            ),
            (
                "leaf-and-root",
                "CA file [leaf, root], untrusted [I]",
                vec![i],
                vec![l, r],
            ),
        ];
        for (label, desc, untrusted, trusted) in variants {
            let what = format!("root({}) -> I -> leaf: {desc}", fam.at(Pos::Root).label());
            g.push(Case::new(
                format!("gen::anchor::{label}::{f}"),
                what,
                l,
                &untrusted,
                &trusted,
            ));
        }
        // Self-signed leaves.
        let ss = g.root(Spec::leaf(), fam.at(Pos::Leaf));
        let ss_ca = g.root(
            Spec::leaf()
                .bc(Bc::Ca(None))
                .ku(vec![Ku::DigitalSignature, Ku::KeyCertSign]),
            fam.at(Pos::Leaf),
        );
        for (label, desc, leaf_pem, trusted) in [
            (
                "self-signed-leaf-trusted",
                "self-signed leaf (CA:FALSE), itself in the CA file",
                ss.pem.as_str(),
                vec![ss.pem.as_str()],
            ),
            (
                "self-signed-leaf-untrusted",
                "self-signed leaf (CA:FALSE), another root trusted",
                ss.pem.as_str(),
                vec![r],
            ),
            (
                "self-signed-ca-leaf-trusted",
                "self-signed leaf with CA:TRUE (openssl req -x509 style), itself in the CA file",
                ss_ca.pem.as_str(),
                vec![ss_ca.pem.as_str()],
            ),
        ] {
            g.push(Case::new(
                format!("gen::anchor::{label}::{f}"),
                desc,
                leaf_pem,
                &[],
                &trusted,
            ));
        }
    }
}
