//! The choices of issue 11 as the checks and the bundle see them: Traefik's own name and depth
//! findings, IBM's renewed gateway secret (no NLB key needed, none bundled), and the classic
//! ALB's default verify depth.

use istio_alb::bundle::Bundle;
use istio_alb::demo;
use istio_alb::finding::{Code, Severity};
use istio_alb::inputs::CertInput;
use istio_alb::plan;
use istio_alb::settings::{Alb, Infrastructure, Profile, Settings};

/// 2025-11-26T10:00:00Z: inside the demo certificates' validity.
const AT: i64 = 1_764_151_200;

fn with(alb: Alb, infrastructure: Infrastructure, ibm_renewed: bool) -> Settings {
    demo::settings_with(Profile::Current, alb, infrastructure, ibm_renewed)
}

#[test]
fn traefik_says_verify_depth_does_not_apply_and_nginx_sets_it_silently() {
    let traefik = plan::plan(
        &with(Alb::Traefik, Infrastructure::Classic, false),
        &demo::cert_inputs(),
        AT,
    );
    let depth: Vec<_> = traefik
        .findings
        .iter()
        .filter(|f| f.code == Code::VerifyDepth)
        .collect();
    assert_eq!(depth.len(), 1, "{:#?}", traefik.findings);
    assert_eq!(depth[0].severity, Severity::Info);
    assert!(depth[0].message.contains("does not apply to Traefik"));
    assert!(!traefik.has_errors());

    let nginx = plan::plan(&demo::settings(), &demo::cert_inputs(), AT);
    assert!(nginx.findings.is_empty(), "{:#?}", nginx.findings);
}

#[test]
fn the_name_the_alb_verifies_is_named_per_alb() {
    for (alb, setting) in [
        (Alb::Nginx, "proxy-ssl-name"),
        (Alb::Traefik, "ServersTransport's serverName"),
    ] {
        let s = Settings {
            nlb_domain: "other-0001.us-south.containers.example.com".into(),
            ..with(alb, Infrastructure::Classic, false)
        };
        let p = plan::plan(&s, &demo::cert_inputs(), AT);
        let miss = p
            .findings
            .iter()
            .find(|f| f.code == Code::NameMismatch)
            .unwrap_or_else(|| panic!("{alb}: {:#?}", p.findings));
        assert_eq!(miss.severity, Severity::Error);
        assert!(miss.message.contains(setting), "{alb}: {}", miss.message);
        assert!(miss.message.contains(&s.nlb_domain), "{}", miss.message);
    }
}

#[test]
fn ibm_renewed_secret_needs_no_nlb_key_and_bundles_none() {
    let s = with(Alb::Nginx, Infrastructure::Classic, true);
    let mut certs = demo::cert_inputs();
    certs[CertInput::NlbKey] = String::new();
    let p = plan::plan(&s, &certs, AT);
    assert!(!p.has_errors(), "{:#?}", p.findings);
    let why = p
        .findings
        .iter()
        .find(|f| f.is_about(CertInput::NlbKey))
        .expect("a finding on the NLB key");
    assert_eq!(
        (why.code, why.severity),
        (Code::InputMissing, Severity::Info)
    );
    assert!(why.message.contains("Not needed"), "{}", why.message);
    assert!(why.message.contains(&s.nlb_secret), "{}", why.message);
    assert!(p.pending().is_empty(), "{:?}", p.pending());

    // Given, the key is still checked against the certificate, and still not bundled.
    for key in [demo::NLB_KEY, demo::ALB_CLIENT_KEY] {
        certs[CertInput::NlbKey] = key.into();
        let p = plan::plan(&s, &certs, AT);
        let mismatch = p
            .findings
            .iter()
            .any(|f| f.code == Code::KeyMismatch && f.is_about(CertInput::NlbKey));
        assert_eq!(mismatch, key == demo::ALB_CLIENT_KEY, "{:#?}", p.findings);
        let bundle = Bundle::of(&p);
        assert!(bundle.file("certs/nlb.key").is_none());
        let nlb_key_text = demo::NLB_KEY.lines().nth(1).unwrap();
        for f in &bundle.files {
            assert!(
                !f.text().contains(nlb_key_text),
                "{} holds the NLB key",
                f.path
            );
        }
        let settings = bundle.file("settings.yaml").unwrap().text();
        assert!(settings.contains("nlb_key: ''"), "{settings}");
    }

    // The same settings copying the secret need the key.
    let copy = with(Alb::Nginx, Infrastructure::Classic, false);
    certs[CertInput::NlbKey] = String::new();
    let p = plan::plan(&copy, &certs, AT);
    assert!(p.has_errors());
    assert!(p.pending().iter().any(|i| *i == CertInput::NlbKey.into()));
}

#[test]
fn classic_alb_default_depth_is_checked_against_the_chain() {
    let s = demo::settings_for(Profile::Classic);
    let mut report = plan::check(
        &demo::cert_inputs(),
        AT,
        &istio_alb::pki::rustcrypto::RustCrypto,
    );
    // The demo chain needs depth 2, within IBM's default of 5.
    let p = plan::from_report(&s, &report, Vec::new(), AT);
    assert!(p.findings.is_empty(), "{:#?}", p.findings);
    // A chain needing 6 (five intermediates) is refused, with the annotation that fixes it.
    report.verify_depth = 6;
    let p = plan::from_report(&s, &report, Vec::new(), AT);
    let f = p
        .findings
        .iter()
        .find(|f| f.code == Code::VerifyDepth)
        .expect("a verify-depth finding");
    assert_eq!(f.severity, Severity::Error);
    assert!(
        f.message.contains("proxy-ssl-verify-depth=6"),
        "{}",
        f.message
    );
}

/// Issue 27 point 9: every sentence of the bundle's README fits the chosen ALB. A Traefik
/// bundle's README names no NGINX annotation, controller or behaviour, and an NGINX bundle's
/// none of Traefik's, in every valid combination (either infrastructure, either secret mode,
/// either gateway configuration), with the sample or without it.
#[test]
fn the_readme_speaks_only_of_the_chosen_alb() {
    const NGINX_ONLY: &[&str] = &[
        "nginx",
        "proxy-ssl",
        "public-iks-k8s-nginx",
        "ssl-services",
        "backend TLS annotations",
    ];
    const TRAEFIK_ONLY: &[&str] = &[
        "traefik",
        "ServersTransport",
        "serverName",
        "rootCAs",
        "certificatesSecrets",
    ];
    let mut checked = 0;
    for s in demo::every_combination()
        .into_iter()
        .chain(demo::gateway_api_combinations())
    {
        let p = plan::plan(&s, &demo::cert_inputs(), AT);
        if !p.settings_errors().is_empty()
            || p.findings.iter().any(|f| f.code == Code::InputInvalid)
        {
            continue; // a combination the settings refuse: no bundle is made of it
        }
        for sample in [true, false] {
            let s = Settings {
                deploy_sample: sample,
                ..s.clone()
            };
            let readme = Bundle::of(&plan::plan(&s, &demo::cert_inputs(), AT))
                .file("README.md")
                .expect("README.md")
                .text()
                .to_owned();
            let lower = readme.to_lowercase();
            let foreign = match s.alb {
                Alb::Traefik => NGINX_ONLY,
                Alb::Nginx => TRAEFIK_ONLY,
            };
            for word in foreign {
                let at = lower.find(&word.to_lowercase());
                assert!(
                    at.is_none(),
                    "{} README names {word:?}: …{}…",
                    demo::combination_name(&s),
                    at.map(|i| &readme[i.saturating_sub(200)..(i + 100).min(readme.len())])
                        .unwrap_or_default()
                );
            }
            checked += 1;
        }
    }
    // Both ALBs, every infrastructure and secret mode, both gateway configurations.
    assert!(checked >= 32, "{checked} READMEs checked");
}
