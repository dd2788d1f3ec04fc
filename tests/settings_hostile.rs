//! Hostile values in every text field are refused with `input-invalid` naming the field, and no
//! accepted value changes a script's (or a manifest's) meaning.
#![cfg(not(target_arch = "wasm32"))]

use istio_alb::bundle::{self, BundleError};
use istio_alb::demo;
use istio_alb::inputs::CertInput;
use istio_alb::manifest;
use istio_alb::plan;
use istio_alb::script::{self, VARS_BEGIN, VARS_END};
use istio_alb::settings::{Field, Profile, Settings, validate};
use proptest::prelude::*;
use std::process::Command;

const AT: i64 = 1_764_151_200;

const HOSTILE: &[&str] = &[
    ";",
    "; rm -rf ~",
    "$(id)",
    "`id`",
    "'",
    "\"",
    "\n",
    "\r",
    " ",
    "\t",
    "|",
    "&",
    ">",
    "<",
    "\\",
    "$HOME",
    "${IFS}",
    "*",
    "\0",
    "#",
];

/// The text fields, with a setter.
const FIELDS: &[&str] = &[
    "cluster_name",
    "ingress_ip",
    "nlb_domain",
    "nlb_secret",
    "alb_domain",
    "alb_secret",
    "app_namespace",
    "app",
    "path",
    "gateway_namespace",
    "nlb_cert",
    "nlb_key",
    "alb_client_cert",
    "alb_client_key",
    "client_ca",
    "gateway_ca",
];

fn field<'a>(s: &'a mut Settings, name: &str) -> &'a mut String {
    if let Some(f) = Field::from_name(name) {
        return s.text_mut(f).expect("a text field");
    }
    let input = CertInput::from_name(name).unwrap_or_else(|| panic!("unknown field {name}"));
    &mut s.certificates[input]
}

#[test]
fn hostile_values_are_refused_in_every_text_field() {
    for name in FIELDS {
        for payload in HOSTILE {
            for placement in ["suffix", "prefix", "middle"] {
                let mut s = demo::settings();
                let f = field(&mut s, name);
                let valid = f.clone();
                *f = match placement {
                    "suffix" => format!("{valid}{payload}"),
                    "prefix" => format!("{payload}{valid}"),
                    _ => {
                        let mid = valid.len() / 2;
                        format!("{}{payload}{}", &valid[..mid], &valid[mid..])
                    }
                };
                let findings = validate(&s);
                assert!(
                    findings
                        .iter()
                        .any(|f| f.code == "input-invalid" && f.input.as_deref() == Some(name)),
                    "{name} = {:?} was not refused: {findings:?}",
                    field(&mut s, name)
                );
            }
        }
    }
}

#[test]
fn invalid_settings_block_the_bundle_even_with_force() {
    let mut s = demo::settings();
    s.app_namespace = "httptools; kubectl delete ns kube-system".into();
    for force in [false, true] {
        match bundle::build(&s, &demo::cert_inputs(), AT, force) {
            Err(BundleError::InvalidSettings { errors }) => {
                assert_eq!(errors.len(), 1);
                assert_eq!(errors[0].input.as_deref(), Some("app_namespace"));
            }
            other => panic!("force={force}: expected InvalidSettings, got {other:?}"),
        }
    }
}

#[test]
fn missing_certificates_block_unless_forced_and_the_readme_lists_them() {
    let s = demo::settings();
    let mut certs = demo::cert_inputs();
    certs[CertInput::NlbKey] = String::new();
    match bundle::build(&s, &certs, AT, false) {
        Err(BundleError::Blocked { errors }) => {
            assert_eq!(errors.len(), 1, "{errors:?}");
            assert_eq!(errors[0].input.as_deref(), Some("nlb_key"));
        }
        other => panic!("expected Blocked, got {other:?}"),
    }
    let zip = bundle::build(&s, &certs, AT, true).expect("forced bundle");
    assert!(!zip.is_empty());
    let bundle = bundle::Bundle::of(&plan::plan(&s, &certs, AT));
    let readme = bundle.files.iter().find(|f| f.path == "README.md").unwrap();
    assert!(
        readme.text().contains("despite 1 input not given"),
        "{}",
        readme.text()
    );
    assert!(
        readme
            .text()
            .contains("Gateway (NLB) private key is not given")
    );
}

// ---- property: accepted values keep their meaning ------------------------------------------

fn label() -> impl Strategy<Value = String> {
    "[a-z0-9]([a-z0-9-]{0,14}[a-z0-9])?"
}

fn host() -> impl Strategy<Value = String> {
    prop::collection::vec(label(), 2..5).prop_map(|l| l.join("."))
}

fn ip() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<std::net::Ipv4Addr>().prop_map(|a| a.to_string()),
        any::<std::net::Ipv6Addr>().prop_map(|a| a.to_string()),
    ]
}

fn settings() -> impl Strategy<Value = Settings> {
    (
        "[A-Za-z0-9][A-Za-z0-9._-]{0,30}",
        ip(),
        host(),
        prop::collection::vec(label(), 1..3).prop_map(|l| l.join(".")),
        host(),
        label(),
        label(),
        "[a-z]([a-z0-9-]{0,14}[a-z0-9])?",
        1u32..=65535,
        "(/[A-Za-z0-9_~-][A-Za-z0-9._~-]{0,8}){0,4}",
        label(),
        prop_oneof![Just(Profile::Classic), Just(Profile::Current)],
    )
        .prop_map(
            |(cluster, ip, nlb, nlb_secret, alb, alb_secret, ns, app, port, path, gw, profile)| {
                Settings {
                    cluster_name: cluster,
                    ingress_ip: ip,
                    nlb_domain: nlb,
                    nlb_secret,
                    alb_domain: alb,
                    alb_secret,
                    app_namespace: ns,
                    app,
                    app_port: port,
                    path: if path.is_empty() { "/".into() } else { path },
                    gateway_namespace: gw,
                    profile,
                    ..demo::settings()
                }
            },
        )
}

/// Source the script's variable block in bash and read every variable back.
fn read_back(block: &str, names: &[&str]) -> Vec<String> {
    let mut program = String::from(block);
    program.push('\n');
    for n in names {
        program.push_str(&format!("printf '%s\\0' \"${n}\"\n"));
    }
    let out = Command::new("bash")
        .args(["-c", &program])
        .output()
        .expect("bash");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut values: Vec<String> = out
        .stdout
        .split(|b| *b == 0)
        .map(|v| String::from_utf8(v.to_vec()).unwrap())
        .collect();
    values.pop(); // after the last NUL
    values
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn accepted_values_keep_their_meaning(s in settings()) {
        prop_assume!(validate(&s).is_empty());
        let bundle = bundle::Bundle::of(&plan::plan(&s, &demo::cert_inputs(), AT));
        let expected = script::variables(&s);
        for f in bundle.files.iter().filter(|f| f.path.starts_with("scripts/")) {
            let text = f.text();
            let status = Command::new("bash").args(["-n", "-c", text]).status().unwrap();
            prop_assert!(status.success(), "bash -n failed for {}", f.path);
        }
        // The values live in settings.sh alone, which every script sources.
        prop_assert!(bundle.files.iter().any(|f| f.path == "scripts/settings.sh"));
        for f in bundle.files.iter().filter(|f| f.path == "scripts/settings.sh") {
            let text = f.text();
            let begin = text.find(VARS_BEGIN).unwrap() + VARS_BEGIN.len();
            let end = text.find(VARS_END).unwrap();
            let block = &text[begin..end];
            let assigned: Vec<&str> = block
                .lines()
                .filter_map(|l| l.split_once('=').map(|(n, _)| n))
                .collect();
            // Every line of the block is one assignment of a known variable.
            prop_assert_eq!(assigned.len(), block.lines().filter(|l| !l.is_empty()).count());
            let want: Vec<(&str, String)> = expected
                .iter()
                .filter(|(n, _)| assigned.contains(n))
                .map(|(n, v)| (*n, v.clone()))
                .collect();
            let names: Vec<&str> = want.iter().map(|(n, _)| *n).collect();
            // Every user value is there, in order, before the derived ones.
            prop_assert_eq!(names.len(), expected.len(), "{}", f.path);
            prop_assert_eq!(&names[..], &assigned[..names.len()], "{}", f.path);
            let got = read_back(block, &names);
            let want_values: Vec<String> = want.into_iter().map(|(_, v)| v).collect();
            prop_assert_eq!(got, want_values, "{}", f.path);
        }
        // And the manifests carry the values as values.
        let ingress = bundle.files.iter().find(|f| f.path == "manifests/07-ingress.yaml").unwrap();
        let y: serde_yaml::Value = serde_yaml::from_str(ingress.text()).unwrap();
        let rule = &y["spec"]["rules"][0];
        let host = manifest::alb_host(&s);
        prop_assert_eq!(rule["host"].as_str(), Some(host.as_str()));
        prop_assert_eq!(rule["http"]["paths"][0]["path"].as_str(), Some(s.path.as_str()));
        prop_assert_eq!(y["metadata"]["namespace"].as_str(), Some(s.gateway_namespace.as_str()));
        prop_assert_eq!(y["spec"]["tls"][0]["secretName"].as_str(), Some(s.alb_secret.as_str()));
    }
}

#[test]
fn a_hostile_certificate_path_is_reported_once_and_never_read() {
    let mut s = demo::settings();
    s.certificates[CertInput::NlbKey] = "nlb.key;cat /etc/shadow".into();
    let (certs, resolve_findings) = s.cert_inputs(|p| {
        assert!(!p.contains(';'), "resolve was called with {p:?}");
        demo::resolve(p)
    });
    let plan = plan::from_report(
        &s,
        &plan::check(&certs, AT, &istio_alb::pki::rustcrypto::RustCrypto),
        resolve_findings,
        AT,
    );
    let about_key: Vec<_> = plan
        .findings
        .iter()
        .filter(|f| f.input.as_deref() == Some("nlb_key"))
        .collect();
    assert_eq!(about_key.len(), 1, "{about_key:?}");
    assert_eq!(about_key[0].code, "input-invalid");
}

#[test]
fn an_unreadable_long_value_is_not_echoed() {
    let mut s = demo::settings();
    // Key material pasted without its BEGIN line looks like a (long) path.
    let blob = "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg".repeat(4);
    s.certificates[CertInput::NlbKey] = blob.clone();
    let (_, findings) = s.cert_inputs(|p| {
        if p == blob {
            Err("no such file".into())
        } else {
            demo::resolve(p)
        }
    });
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0].input.as_deref(), Some("nlb_key"));
    assert!(
        !findings[0].message.contains(&blob[..40]),
        "{}",
        findings[0].message
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Any text at all in any field: no panic, and a bundle only when every field is valid.
    #[test]
    fn arbitrary_values_never_panic_and_invalid_ones_never_bundle(
        values in prop::collection::vec(any::<String>(), FIELDS.len()),
        port in any::<u32>(),
    ) {
        let mut s = demo::settings();
        for (name, value) in FIELDS.iter().zip(values) {
            if !name.contains("cert") && !name.contains("key") && !name.ends_with("_ca") {
                *field(&mut s, name) = value;
            }
        }
        s.app_port = port;
        // White space around a value is trimmed (and noted) before the fields are judged.
        let valid = validate(&istio_alb::settings::trim_fields(&s).0).is_empty();
        let bundle = bundle::Bundle::of(&plan::plan(&s, &demo::cert_inputs(), AT));
        prop_assert!(!bundle.files.is_empty());
        let built = bundle::build(&s, &demo::cert_inputs(), AT, true);
        prop_assert_eq!(built.is_ok(), valid);
    }
}
