//! Every guide and every message follows the values typed so far and every choice (issue 27,
//! point 3): over each combination of infrastructure, ALB, profile and NLB secret namespace, no
//! placeholder remains for a value that is filled in, no guide fetches IBM's secret from
//! `default` when another namespace is set, and nothing speaks of the other infrastructure.

#![cfg(not(target_arch = "wasm32"))]

use istio_alb::field::Field;
use istio_alb::guide::{self, Guide};
use istio_alb::inputs::{CertInput, CertInputs};
use istio_alb::pki::check::GatewayRoot;
use istio_alb::plan;
use istio_alb::settings::{Alb, Infrastructure, Profile, Settings};

/// Settings with every text field filled in and valid.
fn filled(infrastructure: Infrastructure, alb: Alb, profile: Profile, ns: &str) -> Settings {
    Settings {
        cluster_name: "prod-eu".into(),
        ingress_ip: "169.45.1.10".into(),
        lb_host: "1234abcd-eu-de.lb.appdomain.cloud".into(),
        nlb_domain: "prod-eu-abc-0001.eu-de.containers.appdomain.cloud".into(),
        nlb_secret: "prod-eu-abc-0001".into(),
        nlb_secret_namespace: ns.into(),
        alb_domain: "prod-eu-abc-0000.eu-de.containers.appdomain.cloud".into(),
        alb_secret: "prod-eu-abc-0000".into(),
        infrastructure,
        alb,
        profile,
        ..Settings::default()
    }
}

/// The placeholder that stands for each field's value in commands.
const PLACEHOLDERS: &[(Field, &str)] = &[
    (Field::ClusterName, "<cluster>"),
    (Field::IngressIp, "<ingress-ip>"),
    (Field::LbHost, "<lb-host>"),
    (Field::NlbSecret, "<nlb-secret>"),
    (Field::AlbSecret, "<alb-secret>"),
    (Field::NlbSecretNamespace, "<nlb-secret-namespace>"),
];

fn text_of(g: &Guide) -> String {
    let mut out = g.about.clone();
    for s in &g.steps {
        out.push('\n');
        out.push_str(&s.text);
        if let Some(c) = &s.command {
            out.push('\n');
            out.push_str(c);
        }
    }
    out
}

/// Every guide for these settings, by what it is for.
fn guides(s: &Settings) -> Vec<(String, Guide)> {
    let root = GatewayRoot {
        name: "ISRG Root X1".into(),
        download: Some("https://letsencrypt.org/certs/isrgrootx1.pem"),
    };
    let mut out: Vec<(String, Guide)> = Vec::new();
    for input in CertInput::ALL {
        for r in [None, Some(&root)] {
            out.push((input.name().to_owned(), guide::for_input(input, s, r)));
        }
    }
    for field in Field::ALL {
        if let Some(g) = guide::for_field(field, s) {
            out.push((field.name().to_owned(), g));
        }
    }
    out
}

/// What is wrong with `text` (a guide or message for `s`), leaving out the placeholder of
/// `blank`, the one field left empty on purpose.
fn problems(s: &Settings, text: &str, blank: Option<Field>) -> Vec<String> {
    let mut out = Vec::new();
    for (field, placeholder) in PLACEHOLDERS {
        if Some(*field) != blank && text.contains(placeholder) {
            out.push(format!("keeps {placeholder}"));
        }
    }
    if !s.nlb_secret_namespace.is_empty()
        && text.contains(&format!("get secret {} -n default", s.nlb_secret))
    {
        out.push("fetches the NLB secret from -n default".to_owned());
    }
    match s.infrastructure {
        Infrastructure::Vpc => {
            for classic in [
                "--ip ",
                "for that IP",
                "gateway's IP",
                "nlb-dns create classic",
            ] {
                if text.contains(classic) {
                    out.push(format!("speaks of classic: {classic:?}"));
                }
            }
        }
        Infrastructure::Classic => {
            for vpc in ["--lb-host", "vpc-gen2"] {
                if text.contains(vpc) {
                    out.push(format!("speaks of VPC: {vpc:?}"));
                }
            }
        }
    }
    out
}

fn combinations() -> Vec<Settings> {
    let mut out = Vec::new();
    for infrastructure in Infrastructure::ALL {
        for alb in Alb::ALL {
            for profile in Profile::ALL {
                for ns in ["", "certs", "istio-system"] {
                    out.push(filled(infrastructure, alb, profile, ns));
                }
            }
        }
    }
    out
}

#[test]
fn guides_follow_every_value_and_choice() {
    let mut bad = Vec::new();
    for s in combinations() {
        for (what, g) in guides(&s) {
            for p in problems(&s, &text_of(&g), None) {
                bad.push(format!(
                    "{}/{}/{}/ns={:?} guide of {what}: {p}",
                    s.infrastructure, s.alb, s.profile, s.nlb_secret_namespace
                ));
            }
        }
        // Where the NLB secret lives is where the certificate and key guides fetch it from.
        let ns = s.ibm_secret_namespace();
        for input in [CertInput::NlbCert, CertInput::NlbKey] {
            let text = text_of(&guide::for_input(input, &s, None));
            assert!(
                text.contains(&format!("get secret {} -n {ns} ", s.nlb_secret)),
                "{input} on ns={ns}: {text}"
            );
        }
        // The host name is registered for the load balancer the infrastructure has.
        let nlb = text_of(&guide::for_field(Field::NlbDomain, &s).expect("guide"));
        let wanted = match s.infrastructure {
            Infrastructure::Classic => format!("--ip {}", s.ingress_ip),
            Infrastructure::Vpc => format!("--lb-host {}", s.lb_host),
        };
        assert!(nlb.contains(&wanted), "{}: {nlb}", s.infrastructure);
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn the_load_balancer_host_name_has_a_guide() {
    let s = filled(Infrastructure::Vpc, Alb::Traefik, Profile::Current, "");
    let g = guide::for_field(Field::LbHost, &s).expect("a guide for the LB host name");
    let text = text_of(&g);
    assert!(
        text.contains("kubectl get svc istio-ingressgateway -n istio-system"),
        "{text}"
    );
    assert!(text.contains("hostname"), "{text}");
}

/// Each field left empty in turn: its message quotes every other value typed (the cluster
/// name once valid, never `--cluster <cluster>`), and speaks of the chosen infrastructure only.
#[test]
fn messages_follow_every_value_and_choice() {
    let mut bad = Vec::new();
    for s in combinations() {
        for blank in Field::TEXT {
            let mut t = s.clone();
            *t.text_mut(blank).expect("text field") = String::new();
            let p = plan::plan(&t, &CertInputs::default(), 0);
            for f in &p.findings {
                for problem in problems(&t, &f.message, Some(blank)) {
                    bad.push(format!(
                        "{}/{}/{}/ns={:?}, {blank} empty, [{}] {problem}:\n    {}",
                        t.infrastructure,
                        t.alb,
                        t.profile,
                        t.nlb_secret_namespace,
                        f.code,
                        f.message
                    ));
                }
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
    // And the help lines under the fields never tie the NLB domain to an IP.
    assert!(
        !Field::NlbDomain.help().contains("IP"),
        "{}",
        Field::NlbDomain.help()
    );
}

/// A value the field refuses is never quoted: the placeholder stays.
#[test]
fn a_refused_value_keeps_its_placeholder() {
    let mut s = filled(Infrastructure::Vpc, Alb::Nginx, Profile::Current, "");
    s.cluster_name = "my cluster; rm -rf /".into();
    s.lb_host = "https://lb.example.com/".into();
    let text = text_of(&guide::for_field(Field::NlbDomain, &s).expect("guide"));
    assert!(text.contains("--cluster <cluster>"), "{text}");
    assert!(text.contains("--lb-host <lb-host>"), "{text}");
    assert!(!text.contains("rm -rf"), "{text}");
}
