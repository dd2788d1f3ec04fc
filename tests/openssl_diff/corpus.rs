//! The generated corpus: chains made with rcgen, family by family. Deterministic: enumerated
//! combinations, serial numbers counted up from 0x1000, fixed dates; only the EC and Ed25519
//! keys are fresh each run. This file holds key algorithms, validity edges, path lengths and depth,
//! weak keys and unknown extensions; `roles.rs` basic constraints, key usages and CA leaves;
//! `names.rs` names and name constraints; `paths.rs` how the chain is sent and anchored.

use super::certs::{Bc, FAMILIES, Family, Gen, K, Node, Pos, Spec};
use super::{Case, DAY, HOST, PeerName, YEAR, at, names, paths, roles, subject, usage_label};
use crate::pki_fixtures::{Alg, fixture, rsa1024_public, ts};
use istio_alb::pki::verify::Usage;
use rcgen::{CustomExtension, Issuer};
use std::process::Command;

/// The generated cases; `now` only for the one certificate openssl makes (see [`p224_leaf`]).
pub fn corpus(now: i64) -> Vec<Case> {
    let mut g = Gen {
        serial: 0x1000,
        cases: Vec::new(),
    };
    fam_alg(&mut g);
    fam_validity(&mut g);
    fam_pathlen(&mut g);
    fam_depth(&mut g);
    roles::fam_bc(&mut g);
    roles::fam_ku(&mut g);
    roles::fam_eku(&mut g);
    names::fam_name(&mut g);
    names::fam_nc(&mut g);
    paths::fam_order(&mut g);
    paths::fam_cross(&mut g);
    paths::fam_anchor(&mut g);
    roles::fam_leaf_ca(&mut g);
    fam_weak(&mut g, now);
    fam_ext(&mut g);
    subject::fam_ns(&mut g);
    subject::fam_subject_nc(&mut g);
    super::go_cases::fam_go(&mut g, now);
    super::go_cases::fam_private_ca(&mut g);
    g.cases
}

/// Every key family at every position (root, intermediate, leaf), both usages; root -> leaf
/// directly; RSA issuers signing with SHA-384 and SHA-512.
fn fam_alg(g: &mut Gen) {
    for r in FAMILIES {
        for i in FAMILIES {
            for l in FAMILIES {
                let (rk, ik, lk) = (r.at(Pos::Root), i.at(Pos::Int), l.at(Pos::Leaf));
                let root = g.root(Spec::ca("Alg Root"), rk);
                let int = g.issue(Spec::ca("Alg Intermediate"), ik, &root);
                let leaf = g.issue(Spec::leaf(), lk, &int);
                let what = format!(
                    "root({}) -> int({}) -> leaf({})",
                    rk.label(),
                    ik.label(),
                    lk.label()
                );
                for u in [Usage::Server, Usage::Client] {
                    let id = format!(
                        "gen::alg::{}-{}-{}::{}",
                        r.label(),
                        i.label(),
                        l.label(),
                        usage_label(u)
                    );
                    g.push(Case::new(id, &what, &leaf.pem, &[&int.pem], &[&root.pem]).usage(u));
                }
            }
        }
    }
    for r in FAMILIES {
        for l in FAMILIES {
            let (rk, lk) = (r.at(Pos::Root), l.at(Pos::Leaf));
            let root = g.root(Spec::ca("Alg Direct Root"), rk);
            let leaf = g.issue(Spec::leaf(), lk, &root);
            let what = format!("root({}) -> leaf({})", rk.label(), lk.label());
            let id = format!("gen::alg::direct-{}-{}", r.label(), l.label());
            g.push(Case::new(id, what, &leaf.pem, &[], &[&root.pem]));
        }
    }
    for (label, rk, ik) in [
        (
            "sha384",
            K::RsaSha384(Alg::Rsa4096),
            K::RsaSha384(Alg::Rsa2048b),
        ),
        (
            "sha512",
            K::RsaSha512(Alg::Rsa4096),
            K::RsaSha512(Alg::Rsa2048b),
        ),
    ] {
        let root = g.root(Spec::ca("Alg Hash Root"), rk);
        let int = g.issue(Spec::ca("Alg Hash Intermediate"), ik, &root);
        let leaf = g.issue(Spec::leaf(), K::P256, &int);
        let what = format!(
            "root({}) -> int({}) -> leaf(p256), RSA PKCS#1 v1.5 with {label}",
            rk.label(),
            ik.label()
        );
        g.push(Case::new(
            format!("gen::alg::rsa-{label}"),
            what,
            &leaf.pem,
            &[&int.pem],
            &[&root.pem],
        ));
    }
}

/// Validity at the edges: one second before notBefore, at notBefore, one second after, one
/// second before notAfter, at notAfter, one second after; for leaf, intermediate and root; in
/// root -> int -> leaf and root -> leaf chains; P-256 and RSA. Plus GeneralizedTime dates.
fn fam_validity(g: &mut Gen) {
    let t = at();
    let edges: [(&str, i64, i64); 6] = [
        ("before-notbefore", t + 1, t + YEAR),
        ("at-notbefore", t, t + YEAR),
        ("after-notbefore", t - 1, t + YEAR),
        ("before-notafter", t - YEAR, t + 1),
        ("at-notafter", t - YEAR, t),
        ("after-notafter", t - YEAR, t - 1),
    ];
    for fam in [Family::P256, Family::Rsa] {
        for (shape, positions) in [
            ("chain", &[Pos::Leaf, Pos::Int, Pos::Root][..]),
            ("direct", &[Pos::Leaf, Pos::Root][..]),
        ] {
            for &pos in positions {
                for (edge, nb, na) in edges {
                    let win = |p: Pos, s: Spec| if p == pos { s.valid(nb, na) } else { s };
                    let root = g.root(win(Pos::Root, Spec::ca("Validity Root")), fam.at(Pos::Root));
                    let pos_label = match pos {
                        Pos::Root => "root",
                        Pos::Int => "int",
                        Pos::Leaf => "leaf",
                    };
                    let what = format!(
                        "{shape} root -> {}leaf ({}), validation time {edge} of the {pos_label}",
                        if shape == "chain" { "int -> " } else { "" },
                        fam.label()
                    );
                    let id = format!("gen::validity::{shape}-{pos_label}-{edge}::{}", fam.label());
                    if shape == "chain" {
                        let int = g.issue(
                            win(Pos::Int, Spec::ca("Validity Intermediate")),
                            fam.at(Pos::Int),
                            &root,
                        );
                        let leaf = g.issue(win(Pos::Leaf, Spec::leaf()), fam.at(Pos::Leaf), &int);
                        g.push(Case::new(id, what, &leaf.pem, &[&int.pem], &[&root.pem]));
                    } else {
                        let leaf = g.issue(win(Pos::Leaf, Spec::leaf()), fam.at(Pos::Leaf), &root);
                        g.push(Case::new(id, what, &leaf.pem, &[], &[&root.pem]));
                    }
                }
            }
        }
    }
    // Dates from 2050 on are GeneralizedTime (RFC 5280 4.1.2.5).
    let root = g.root(
        Spec::ca("Validity 2050 Root").valid(ts(2049, 1, 1), ts(2099, 1, 1)),
        K::P256,
    );
    for (label, nb, na, when) in [
        (
            "generalized-time-inside",
            ts(2050, 1, 1),
            ts(2051, 1, 1),
            ts(2050, 6, 1),
        ),
        (
            "generalized-time-at-notafter",
            ts(2050, 1, 1),
            ts(2051, 1, 1),
            ts(2051, 1, 1),
        ),
        (
            "generalized-time-after-notafter",
            ts(2050, 1, 1),
            ts(2051, 1, 1),
            ts(2051, 1, 1) + 1,
        ),
        (
            "utc-to-generalized-inside",
            ts(2049, 6, 1),
            ts(2050, 6, 1),
            ts(2049, 12, 31) + DAY - 1,
        ),
    ] {
        let leaf = g.issue(Spec::leaf().valid(nb, na), K::P256, &root);
        g.push(
            Case::new(
                format!("gen::validity::{label}"),
                "root (2049..2099) -> leaf with dates around 2050 (GeneralizedTime)",
                &leaf.pem,
                &[],
                &[&root.pem],
            )
            .at(when),
        );
    }
}

/// A chain root -> I1 -> ... -> In -> leaf (P-256), the intermediates with the given path
/// lengths.
fn path_chain(
    g: &mut Gen,
    root_len: Option<u8>,
    int_lens: &[Option<u8>],
) -> (Node, Vec<Node>, Node) {
    let root = g.root(Spec::ca("Pathlen Root").bc(Bc::Ca(root_len)), K::P256);
    let mut ints: Vec<Node> = Vec::new();
    for (i, len) in int_lens.iter().enumerate() {
        let spec = Spec::ca(&format!("Pathlen Intermediate {}", i + 1)).bc(Bc::Ca(*len));
        let n = g.issue(spec, K::P256, ints.last().unwrap_or(&root));
        ints.push(n);
    }
    let leaf = g.issue(Spec::leaf(), K::P256, ints.last().unwrap_or(&root));
    (root, ints, leaf)
}

fn push_path_case(
    g: &mut Gen,
    id: String,
    what: String,
    root: &Node,
    ints: &[Node],
    leaf: &Node,
    depth: Option<usize>,
) {
    // The untrusted file lists the intermediates leaf-side first, as a server sends them.
    let untrusted: Vec<&str> = ints.iter().rev().map(|n| n.pem.as_str()).collect();
    let mut c = Case::new(id, what, &leaf.pem, &untrusted, &[&root.pem]);
    if let Some(d) = depth {
        c = c.depth(d);
    }
    g.push(c);
}

fn len_label(l: Option<u8>) -> String {
    l.map_or("none".to_owned(), |n| n.to_string())
}

/// pathLenConstraint on the root (which OpenSSL checks too) and on the intermediates, with 0..3
/// intermediates; a self-issued intermediate (key rollover), which RFC 5280 does not count.
fn fam_pathlen(g: &mut Gen) {
    for root_len in [None, Some(0), Some(1), Some(2)] {
        for n in 0..=3usize {
            let mut seen: Vec<Vec<Option<u8>>> = Vec::new();
            for mode in ["unset", "exact", "short", "zero"] {
                let lens: Vec<Option<u8>> = (0..n)
                    .map(|i| {
                        let below = (n - 1 - i) as u8;
                        match mode {
                            "unset" => None,
                            "exact" => Some(below),
                            "short" if i == 0 => Some(below.saturating_sub(1)),
                            "short" => None,
                            _ => Some(0),
                        }
                    })
                    .collect();
                if seen.contains(&lens) {
                    continue; // the same path lengths as an earlier mode
                }
                seen.push(lens.clone());
                let (root, ints, leaf) = path_chain(g, root_len, &lens);
                let what = format!(
                    "root(pathlen {}) -> {n} intermediate(s) with pathlen [{}] -> leaf",
                    len_label(root_len),
                    lens.iter()
                        .map(|l| len_label(*l))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                let id = format!("gen::pathlen::root-{}-ints-{n}-{mode}", len_label(root_len));
                push_path_case(g, id, what, &root, &ints, &leaf, None);
            }
        }
    }
    // Key rollover: "Rollover CA" (key A) issues "Rollover CA" (key B), which issues the leaf.
    // The second is self-issued: RFC 5280 6.1.4 (l) and OpenSSL do not count it for pathLen.
    for (label, int_len, depth) in [
        ("unset", None, None),
        ("int-pathlen-0", Some(0), None),
        ("depth-1", None, Some(1)),
        ("depth-2", None, Some(2)),
    ] {
        let root = g.root(Spec::ca("Rollover Root"), K::P256);
        let old = g.issue(Spec::ca("Rollover CA").bc(Bc::Ca(int_len)), K::P256, &root);
        let new = g.issue(Spec::ca("Rollover CA"), K::P256, &old);
        let leaf = g.issue(Spec::leaf(), K::P256, &new);
        let what = format!(
            "root -> Rollover CA (key A, pathlen {}) -> Rollover CA (key B, self-issued) -> leaf{}",
            len_label(int_len),
            depth.map_or(String::new(), |d| format!(", verify depth {d}"))
        );
        let id = format!("gen::pathlen::self-issued-{label}");
        push_path_case(g, id, what, &root, &[old, new], &leaf, depth);
    }
}

/// `-verify_depth` / `max_intermediates` against chains with 0..3 intermediates.
fn fam_depth(g: &mut Gen) {
    for n in 0..=3usize {
        let (root, ints, leaf) = path_chain(g, None, &vec![None; n]);
        for d in 0..=3usize {
            let what = format!("root -> {n} intermediate(s) -> leaf, verify depth {d}");
            let id = format!("gen::depth::ints-{n}-depth-{d}");
            push_path_case(g, id, what, &root, &ints, &leaf, Some(d));
        }
    }
}

/// Weak or obsolete keys and signatures: an RSA-1024 leaf, a SHA-1 signed leaf (fixtures), a
/// P-224 leaf (made by openssl, which rcgen cannot).
fn fam_weak(g: &mut Gen, now: i64) {
    let root = g.root(Spec::ca("Weak Root"), K::P256);
    let params = g.params(&Spec::leaf());
    let leaf = params
        .signed_by(
            &rsa1024_public(),
            &Issuer::from_params(&root.params, &root.key),
        )
        .expect("signed")
        .pem();
    g.push(Case::new(
        "gen::weak::rsa1024-leaf".to_owned(),
        "root(p256) -> leaf(RSA-1024)",
        &leaf,
        &[],
        &[&root.pem],
    ));
    g.push(
        Case::new(
            "gen::weak::sha1-leaf".to_owned(),
            "root(rsa2048) -> leaf signed with sha1WithRSAEncryption (tests/fixtures/pki/sha1-*.pem)",
            &fixture("sha1-leaf.pem"),
            &[],
            &[&fixture("sha1-root.pem")],
        )
        .name(Some(PeerName::Dns("sha1.example.com".to_owned())))
        .at(ts(2030, 1, 1)),
    );
    if let Some(p224) = p224_leaf(&root) {
        g.push(
            Case::new(
                "gen::weak::p224-leaf".to_owned(),
                "root(p256) -> leaf(ECDSA P-224), made by openssl",
                &p224,
                &[],
                &[&root.pem],
            )
            .at(now + DAY), // made just now by openssl: check it a day later
        );
    }
}

/// A P-224 leaf for HOST signed by `root`, made with the openssl CLI. openssl 3.0 `x509 -req`
/// has no option for the start date, so it is valid from now on for ten years (the case is
/// checked a day after `now`).
fn p224_leaf(root: &Node) -> Option<String> {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    std::fs::write(p.join("ca.pem"), &root.pem).expect("write");
    std::fs::write(p.join("ca.key"), root.key.serialize_pem()).expect("write");
    std::fs::write(
        p.join("leaf.ext"),
        format!("basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=DNS:{HOST}\n"),
    )
    .expect("write");
    let run = |args: &[&str]| {
        Command::new("openssl")
            .args(args)
            .current_dir(p)
            .output()
            .is_ok_and(|o| o.status.success())
    };
    let ok = run(&[
        "ecparam",
        "-name",
        "secp224r1",
        "-genkey",
        "-noout",
        "-out",
        "leaf.key",
    ]) && run(&[
        "req",
        "-new",
        "-key",
        "leaf.key",
        "-subj",
        &format!("/CN={HOST}"),
        "-out",
        "leaf.csr",
    ]) && run(&[
        "x509",
        "-req",
        "-in",
        "leaf.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-set_serial",
        "4660",
        "-days",
        "3650",
        "-extfile",
        "leaf.ext",
        "-out",
        "leaf.pem",
    ]);
    ok.then(|| std::fs::read_to_string(p.join("leaf.pem")).ok())
        .flatten()
}

/// Unknown extensions, critical or not, on leaf, intermediate and root.
fn fam_ext(g: &mut Gen) {
    let unknown = |critical: bool| {
        let mut e =
            CustomExtension::from_oid_content(&[1, 3, 6, 1, 4, 1, 55555, 1], vec![0x05, 0x00]);
        e.set_criticality(critical);
        e
    };
    for (label, pos, critical) in [
        ("leaf-critical", Pos::Leaf, true),
        ("leaf-noncritical", Pos::Leaf, false),
        ("int-critical", Pos::Int, true),
        ("root-critical", Pos::Root, true),
    ] {
        let with = |p: Pos, s: Spec| {
            if p == pos {
                s.ext(unknown(critical))
            } else {
                s
            }
        };
        let root = g.root(with(Pos::Root, Spec::ca("Ext Root")), K::P256);
        let int = g.issue(with(Pos::Int, Spec::ca("Ext Intermediate")), K::P256, &root);
        let leaf = g.issue(with(Pos::Leaf, Spec::leaf()), K::P256, &int);
        let what = format!(
            "root -> int -> leaf, unknown {} extension on the {}",
            if critical { "critical" } else { "non-critical" },
            label.split('-').next().unwrap_or(label)
        );
        g.push(Case::new(
            format!("gen::ext::{label}"),
            what,
            &leaf.pem,
            &[&int.pem],
            &[&root.pem],
        ));
    }
}
