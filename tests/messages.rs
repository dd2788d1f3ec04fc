//! The message style guide (`istio_alb::finding::sentence`), checked on real findings: a table
//! with at least one case for every finding code, each made the way a user makes it (through
//! the settings validation, the certificate check and the plan). Every message of every case
//! must start with a capital letter, end with a full stop, never show a `snake_case` id (inputs
//! and fields are named by their labels), and never start a sentence in lower case.
//!
//! `cargo test --test messages -- --nocapture` prints one message per code.

#![cfg(not(target_arch = "wasm32"))]

mod pki_fixtures;

use base64::Engine as _;
use istio_alb::finding::{Code, Finding};
use istio_alb::inputs::{CertInput, CertInputs};
use istio_alb::pki::check::check;
use istio_alb::pki::pem::MAX_INPUT_BYTES;
use istio_alb::plan;
use istio_alb::settings::{Alb, FileError, Profile, Settings, port_text_finding};
use pki_fixtures::*;
use rcgen::ExtendedKeyUsagePurpose as Eku;

/// Settings that pass validation, with a gateway domain the fixtures' leaf covers.
fn settings() -> Settings {
    Settings {
        cluster_name: "mycluster".into(),
        ingress_ip: "169.45.1.10".into(),
        nlb_domain: "gw.example.com".into(),
        nlb_secret: "mycluster-abc-0001".into(),
        alb_domain: "mycluster-abc-0000.us-south.containers.appdomain.cloud".into(),
        alb_secret: "mycluster-abc-0000".into(),
        ..Settings::default()
    }
}

fn world() -> World {
    let root = self_signed(&Spec::ca("Message Root CA"), Alg::P256);
    let int = issue(&Spec::ca("Message Intermediate CA"), Alg::P256, &root);
    let nlb = issue(
        &Spec::leaf("gw.example.com", &["gw.example.com"]),
        Alg::P256,
        &int,
    );
    let alb = issue(
        &Spec::leaf("alb-client", &["alb-client.example.com"]),
        Alg::P256,
        &int,
    );
    World {
        root,
        int,
        nlb,
        alb,
    }
}

/// The findings of a whole plan (settings + certificates) at `at`.
fn planned(s: &Settings, certs: &CertInputs, at: i64) -> Vec<Finding> {
    plan::plan(s, certs, at).findings
}

fn pem_block(label: &str, body: &str) -> String {
    format!("-----BEGIN {label}-----\n{body}\n-----END {label}-----\n")
}

/// Values as they come when copied from a browser's address bar or a terminal.
fn decorated() -> Settings {
    Settings {
        cluster_name: " mycluster ".into(),
        lb_host: "http://1234abcd-us-south.lb.appdomain.cloud".into(),
        nlb_domain: "https://gw.example.com/".into(),
        nlb_secret: "mycluster-abc-0001\t".into(),
        alb_domain: "mycluster-abc-0000.us-south.containers.appdomain.cloud/".into(),
        alb_secret: "https://cloud.ibm.com/mycluster-abc-0000".into(),
        ..settings()
    }
}

/// Every case: a name and its findings.
fn cases() -> Vec<(&'static str, Vec<Finding>)> {
    let w = world();
    let s = settings();
    let at = at();
    let with = |pairs: &[(CertInput, String)]| with_inputs(w.good_inputs(), pairs);
    let mut out: Vec<(&'static str, Vec<Finding>)> = Vec::new();

    out.push(("correct set", planned(&s, &w.good_inputs(), at)));
    let gateway_root = self_signed(&Spec::ca("Message Gateway Root"), Alg::P256);
    let gateway_leaf = issue(
        &Spec::leaf("gw.example.com", &["gw.example.com"]),
        Alg::P256,
        &gateway_root,
    );
    out.push((
        "a gateway chain under another root, the ALB's CA empty",
        check(
            &with(&[
                (CertInput::NlbCert, gateway_leaf.pem.clone()),
                (CertInput::NlbKey, gateway_leaf.key_pem()),
            ]),
            at,
            &istio_alb::pki::rustcrypto::RustCrypto,
        )
        .findings,
    ));
    out.push((
        "a public root beside the private client CA",
        check(
            &with(&[(
                CertInput::ClientCa,
                format!("{}{}", w.root.pem, isrg_root_x1()),
            )]),
            at,
            &istio_alb::pki::rustcrypto::RustCrypto,
        )
        .findings,
    ));
    out.push((
        "empty page (check)",
        check(
            &CertInputs::default(),
            at,
            &istio_alb::pki::rustcrypto::RustCrypto,
        )
        .findings,
    ));
    out.push((
        "empty page (plan)",
        planned(&Settings::default(), &CertInputs::default(), at),
    ));
    let bad_settings = Settings {
        ingress_ip: "1".into(),
        nlb_domain: "https://gw.example.com/".into(),
        nlb_secret: "My_Secret".into(),
        app_namespace: "istio-system".into(),
        app: "1app".into(),
        path: "status".into(),
        gateway_namespace: "kube-gw".into(),
        app_port: 70000,
        cluster_name: "-----BEGIN PRIVATE KEY-----".into(),
        ..settings()
    };
    out.push(("bad settings", planned(&bad_settings, &w.good_inputs(), at)));
    out.push((
        "pasted decorations",
        planned(&decorated(), &w.good_inputs(), at),
    ));
    out.push((
        "a certificate pasted twice",
        planned(
            &s,
            &with(&[(
                CertInput::NlbCert,
                format!("{}{}{}", w.nlb.pem, w.int.pem, w.nlb.pem),
            )]),
            at,
        ),
    ));
    out.push((
        "a typo in the NLB domain",
        planned(
            &Settings {
                nlb_domain: "gw.exmple.com".into(),
                ..settings()
            },
            &w.good_inputs(),
            at,
        ),
    ));
    let colliding = Settings {
        alb_secret: "alb-proxy-ssl".into(),
        ..settings()
    };
    out.push((
        "secret names that collide",
        planned(&colliding, &w.good_inputs(), at),
    ));
    let mut with_paths = settings();
    with_paths.certificates[CertInput::NlbCert] = "certs/nlb crt;x".into();
    with_paths.certificates[CertInput::NlbKey] = "certs/missing.key".into();
    let (resolved, resolve_findings) =
        with_paths.cert_inputs(|p| Err(format!("there is no file {p}")));
    out.push((
        "settings file paths",
        plan::from_report(
            &with_paths,
            &check(&resolved, at, &istio_alb::pki::rustcrypto::RustCrypto),
            resolve_findings,
            at,
        )
        .findings,
    ));
    let mut unreadable = settings();
    unreadable.certificates[CertInput::NlbCert] = "/dev/zero".into();
    unreadable.certificates[CertInput::NlbKey] = "big.key".into();
    let (resolved, resolve_findings) = unreadable.cert_inputs(|p| {
        Err(if p == "big.key" {
            FileError::TooLarge {
                limit: MAX_INPUT_BYTES,
            }
        } else {
            FileError::NotRegular {
                kind: "character device",
            }
        })
    });
    out.push((
        "settings file paths to a device and a large file",
        plan::from_report(
            &unreadable,
            &check(&resolved, at, &istio_alb::pki::rustcrypto::RustCrypto),
            resolve_findings,
            at,
        )
        .findings,
    ));
    out.push((
        "port typed as text",
        port_text_finding("80a").into_iter().collect(),
    ));

    out.push((
        "input too large",
        planned(
            &s,
            &with(&[(CertInput::NlbCert, "x".repeat(MAX_INPUT_BYTES + 1))]),
            at,
        ),
    ));
    out.push((
        "too many blocks",
        planned(
            &s,
            &with(&[(CertInput::ClientCa, w.root.pem.repeat(70))]),
            at,
        ),
    ));
    out.push((
        "damaged PEM",
        planned(
            &s,
            &with(&[
                (CertInput::NlbCert, "hello world".into()),
                (CertInput::NlbKey, pem_block("PRIVATE KEY", "MAMC*QE=")),
                (
                    CertInput::AlbClientCert,
                    "-----BEGIN CERTIFICATE-----\nMAMCAQE=\n".into(),
                ),
                (
                    CertInput::ClientCa,
                    "-----BEGIN CERTIFICATE-----\nMAMCAQE=\n-----END X509 CRL-----\n".into(),
                ),
                (CertInput::GatewayCa, pem_block("CERTIFICATE", "MAMCAQE=")),
            ]),
            at,
        ),
    ));
    out.push((
        "two keys, binary and base64 DER",
        planned(
            &s,
            &with(&[
                (
                    CertInput::NlbKey,
                    format!("{}{}", w.nlb.key_pem(), w.nlb.key_pem()),
                ),
                (CertInput::AlbClientCert, "0\u{FFFD}\u{1}binary".into()),
                (
                    CertInput::AlbClientKey,
                    base64::engine::general_purpose::STANDARD
                        .encode([0x30, 0x0c, 0x30, 0x0a, 0x02, 0x01, 0x02, 0x30, 0x05, 0x06]),
                ),
            ]),
            at,
        ),
    ));
    let secret_yaml = format!(
        "apiVersion: v1\ndata:\n  tls.key: {}\nkind: Secret\nmetadata:\n  name: gw\n",
        base64::engine::general_purpose::STANDARD.encode(w.nlb.key_pem())
    );
    out.push((
        "wrong kinds of block",
        planned(
            &s,
            &with(&[
                (CertInput::NlbCert, w.nlb.key_pem()),
                (CertInput::NlbKey, w.nlb.pem.clone()),
                (
                    CertInput::AlbClientCert,
                    pem_block("CERTIFICATE REQUEST", "MAMCAQE="),
                ),
                (CertInput::ClientCa, pem_block("PKCS7", "MAMCAQE=")),
                (CertInput::GatewayCa, secret_yaml),
                (
                    CertInput::AlbClientKey,
                    pem_block("EC PARAMETERS", "BggqhkjOPQMBBw=="),
                ),
            ]),
            at,
        ),
    ));
    out.push((
        "encrypted, unsupported and weak keys",
        planned(
            &s,
            &with(&[
                (CertInput::NlbKey, fixture("rsa2048.encrypted.pem")),
                (CertInput::AlbClientKey, fixture("ed448.pkcs8.pem")),
                (CertInput::ClientCaKey, fixture("rsa1024.pkcs8.pem")),
            ]),
            at,
        ),
    ));
    out.push((
        "key of another certificate",
        planned(&s, &with(&[(CertInput::NlbKey, w.alb.key_pem())]), at),
    ));
    out.push((
        "SHA-1 signature",
        planned(
            &Settings {
                nlb_domain: "sha1.example.com".into(),
                ..settings()
            },
            &with(&[
                (CertInput::NlbCert, fixture("sha1-leaf.pem")),
                (CertInput::NlbKey, fixture("rsa2048b.pkcs8.pem")),
                (CertInput::GatewayCa, fixture("sha1-root.pem")),
            ]),
            ts(2030, 1, 1),
        ),
    ));
    let twin = self_signed(&Spec::ca("Message Root CA"), Alg::P256);
    out.push((
        "a CA of the same name with another key",
        planned(&s, &with(&[(CertInput::ClientCa, twin.pem.clone())]), at),
    ));
    let other_root = self_signed(&Spec::ca("Other Root CA"), Alg::P256);
    out.push((
        "the wrong CA",
        planned(
            &s,
            &with(&[(CertInput::ClientCa, other_root.pem.clone())]),
            at,
        ),
    ));
    out.push((
        "leaf without its intermediate",
        planned(&s, &with(&[(CertInput::NlbCert, w.nlb.pem.clone())]), at),
    ));
    out.push((
        "chain ends at another root",
        planned(
            &s,
            &with(&[
                (
                    CertInput::NlbCert,
                    format!("{}{}{}", w.nlb.pem, w.int.pem, w.root.pem),
                ),
                (CertInput::GatewayCa, other_root.pem.clone()),
            ]),
            at,
        ),
    ));
    out.push((
        "a leaf given as the CA",
        planned(
            &s,
            &with(&[(CertInput::GatewayCa, format!("{}{}", w.root.pem, w.alb.pem))]),
            at,
        ),
    ));
    out.push(("expired", planned(&s, &w.good_inputs(), ts(2027, 6, 1))));
    out.push((
        "not yet valid",
        planned(&s, &w.good_inputs(), ts(2024, 6, 1)),
    ));
    out.push((
        "expiring soon",
        planned(&s, &w.good_inputs(), ts(2026, 10, 1)),
    ));
    let old_root = ca_with_validity("Old Root", None, ts(2015, 1, 1), ts(2020, 1, 1), Alg::P256);
    let future_root = ca_with_validity(
        "Future Root",
        None,
        ts(2027, 1, 1),
        ts(2040, 1, 1),
        Alg::P256,
    );
    let under = |root: &Issued| {
        let leaf = issue(
            &Spec::leaf("gw.example.com", &["gw.example.com"]).valid((2014, 1, 1), (2040, 1, 1)),
            Alg::P256,
            root,
        );
        with(&[
            (CertInput::NlbCert, leaf.pem.clone()),
            (CertInput::NlbKey, leaf.key_pem()),
            (CertInput::GatewayCa, root.pem.clone()),
        ])
    };
    out.push(("trusted CA expired", planned(&s, &under(&old_root), at)));
    out.push((
        "trusted CA not yet valid",
        planned(&s, &under(&future_root), at),
    ));
    out.push((
        "domain not covered",
        planned(
            &Settings {
                nlb_domain: "other.example.com".into(),
                ..settings()
            },
            &w.good_inputs(),
            at,
        ),
    ));
    let client_only = issue(
        &Spec::leaf("gw.example.com", &["gw.example.com"]).eku(vec![Eku::ClientAuth]),
        Alg::P256,
        &w.int,
    );
    let server_only = issue(
        &Spec::leaf("alb-client", &["alb-client.example.com"]).eku(vec![Eku::ServerAuth]),
        Alg::P256,
        &w.int,
    );
    out.push((
        "extended key usages",
        planned(
            &s,
            &with(&[
                (
                    CertInput::NlbCert,
                    format!("{}{}", client_only.pem, w.int.pem),
                ),
                (CertInput::NlbKey, client_only.key_pem()),
                (
                    CertInput::AlbClientCert,
                    format!("{}{}", server_only.pem, w.int.pem),
                ),
                (CertInput::AlbClientKey, server_only.key_pem()),
            ]),
            at,
        ),
    ));
    // The choices of issue 11: Traefik (verify depth does not apply), a combination refused on
    // the field to change, and the NLB key not needed when IBM keeps the gateway's secret.
    let traefik = Settings {
        profile: Profile::Current,
        alb: Alb::Traefik,
        ..settings()
    };
    out.push(("traefik", planned(&traefik, &w.good_inputs(), at)));
    let refused = Settings {
        profile: Profile::Classic,
        alb: Alb::Traefik,
        nlb_secret_namespace: s.gateway_namespace.clone(),
        ..settings()
    };
    out.push((
        "classic with traefik",
        planned(&refused, &w.good_inputs(), at),
    ));
    let ibm_renewed = Settings {
        profile: Profile::Current,
        nlb_secret_namespace: s.gateway_namespace.clone(),
        ..settings()
    };
    out.push((
        "IBM keeps the gateway secret",
        planned(
            &ibm_renewed,
            &with(&[(CertInput::NlbKey, String::new())]),
            at,
        ),
    ));
    out
}

/// What is wrong with the form of `message`, if anything.
fn style_problems(message: &str) -> Vec<String> {
    let mut out = Vec::new();
    if !message.starts_with(|c: char| c.is_ascii_uppercase()) {
        out.push("does not start with a capital letter".to_owned());
    }
    if !message.ends_with(['.', '?', '!']) {
        out.push("does not end with a full stop".to_owned());
    }
    // Outside `code spans`: no snake_case id, no sentence starting in lower case.
    let prose: String = message
        .split('`')
        .enumerate()
        .filter(|(i, _)| i % 2 == 0)
        .map(|(_, part)| part)
        .collect::<Vec<_>>()
        .join(" ");
    for word in prose.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
        let parts: Vec<&str> = word.split('_').collect();
        if parts.len() > 1
            && parts.iter().all(|p| {
                !p.is_empty()
                    && p.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
            })
        {
            out.push(format!("shows the id {word}"));
        }
    }
    for (i, _) in prose.match_indices(". ") {
        let before = &prose[..i + 1];
        let after = prose[i + 2..].trim_start();
        let lower = before.to_ascii_lowercase();
        let abbreviation = lower.ends_with("e.g.") || lower.ends_with("i.e.");
        if !abbreviation && after.starts_with(|c: char| c.is_ascii_lowercase()) {
            out.push(format!(
                "starts a sentence in lower case: \"{}\"",
                after.chars().take(30).collect::<String>()
            ));
        }
    }
    out
}

#[test]
fn every_code_has_a_case_and_every_message_follows_the_style_guide() {
    let cases = cases();
    let mut seen = std::collections::BTreeMap::new();
    let mut bad = Vec::new();
    for (name, findings) in &cases {
        for f in findings {
            seen.entry(f.code).or_insert_with(|| f.message.clone());
            for problem in style_problems(&f.message) {
                bad.push(format!("{name} [{}]: {problem}\n    {}", f.code, f.message));
            }
        }
    }
    let missing: Vec<Code> = Code::ALL
        .into_iter()
        .filter(|c| !seen.contains_key(c))
        .collect();
    assert_eq!(missing, Vec::<Code>::new(), "codes without a case");
    for (code, message) in &seen {
        println!("{:<28} {message}", code.as_str());
    }
    assert!(
        bad.is_empty(),
        "{} messages break the style guide:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

#[test]
fn the_style_check_itself_catches_each_slip() {
    const CASES: &[(&str, bool)] = &[
        ("The chain is fine.", true),
        ("Run `kubectl get secret my_secret`.", true),
        ("E.g. this. Then that.", true),
        ("the chain is fine.", false),
        ("The chain is fine", false),
        ("Paste it into nlb_cert.", false),
        ("It broke. paste it again.", false),
    ];
    for (message, ok) in CASES {
        assert_eq!(style_problems(message).is_empty(), *ok, "{message}");
    }
}

/// Pasted decorations are named by their cause (issue 27, point 5): a scheme, a trailing slash
/// or a path is an error saying which, with the bare value as the fix when the field takes it;
/// white space around a value is removed and said in a note, and the bundle uses the value
/// without it.
#[test]
fn pasted_decorations_are_named_by_cause() {
    use istio_alb::field::Field;
    use istio_alb::finding::Severity;
    let w = world();
    let p = plan::plan(&decorated(), &w.good_inputs(), at());
    const CASES: &[(Field, Severity, &str, Option<&str>)] = &[
        (
            Field::ClusterName,
            Severity::Info,
            "Cluster name had white space around it",
            None,
        ),
        (
            Field::LbHost,
            Severity::Error,
            "starts with the scheme \"http://\": type the host name only",
            Some("1234abcd-us-south.lb.appdomain.cloud"),
        ),
        (
            Field::NlbDomain,
            Severity::Error,
            "starts with the scheme \"https://\" and ends with a slash",
            Some("gw.example.com"),
        ),
        (
            Field::NlbSecret,
            Severity::Info,
            "NLB secret had white space around it",
            None,
        ),
        (
            Field::AlbDomain,
            Severity::Error,
            "ends with a slash: type the host name only",
            Some("mycluster-abc-0000.us-south.containers.appdomain.cloud"),
        ),
        (
            Field::AlbSecret,
            Severity::Error,
            "has the path \"/mycluster-abc-0000\" after the name",
            // The host left after the path is no secret name: no fix is offered.
            None,
        ),
    ];
    for &(field, severity, says, fix) in CASES {
        let about: Vec<&Finding> = p.findings.iter().filter(|f| f.is_about(field)).collect();
        assert_eq!(about.len(), 1, "{field}: {about:#?}");
        let f = about[0];
        assert_eq!(f.severity, severity, "{field}: {f}");
        assert!(f.message.contains(says), "{field}: {}", f.message);
        assert!(
            !f.message.contains("contains ':'") && !f.message.contains("white space or a control"),
            "{field}: named by character: {}",
            f.message
        );
        assert_eq!(f.suggestion.as_deref(), fix, "{field}");
    }
    // Trimmed values are what the bundle holds.
    assert_eq!(p.settings.cluster_name, "mycluster");
    assert_eq!(p.settings.nlb_secret, "mycluster-abc-0001");
    assert_eq!(p.root, "mycluster-istio-alb");
    // Every fix offered, once applied, leaves its field without a finding.
    let mut fixed = decorated();
    for f in &p.findings {
        if let (Some(v), Some(field)) = (&f.suggestion, f.input.as_ref().and_then(|i| i.field())) {
            *fixed.text_mut(field).expect("text field") = v.clone();
        }
    }
    fixed.alb_secret = "mycluster-abc-0000".into();
    let again = plan::plan(&fixed, &w.good_inputs(), at());
    let errors: Vec<&Finding> = again
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

/// The name-mismatch error through the whole plan (issue 27, point 4): a typo stays short and
/// offers the certificate's name; a name far from every name of the certificate lists them and
/// says which name the ALB verifies, as a sentence of its own.
#[test]
fn a_typo_in_the_nlb_domain_stays_short_and_offers_the_name() {
    let w = world();
    let at = at();
    let mismatch = |domain: &str| -> Finding {
        let s = Settings {
            nlb_domain: domain.into(),
            ..settings()
        };
        let p = plan::plan(&s, &w.good_inputs(), at);
        p.findings
            .into_iter()
            .find(|f| f.code == Code::NameMismatch)
            .unwrap_or_else(|| panic!("{domain}: no name-mismatch"))
    };
    let typo = mismatch("gw.exmple.com");
    assert_eq!(typo.suggestion.as_deref(), Some("gw.example.com"));
    assert!(
        typo.message.contains("\"gw.ex[a]mple.com\""),
        "{}",
        typo.message
    );
    let words = typo.message.split_whitespace().count();
    assert!(words <= 35, "{words} words: {}", typo.message);
    let far = mismatch("shop.other.org");
    assert_eq!(far.suggestion, None);
    assert!(
        far.message.contains("which covers only gw.example.com"),
        "{}",
        far.message
    );
    assert!(
        far.message.contains(". The ALB verifies"),
        "{}",
        far.message
    );
}
