//! Field-by-field validation of [`Settings`]: every value that reaches a manifest or a script is
//! held to the narrowest grammar Kubernetes, IBM Cloud or HTTP accepts for it. That grammar never
//! includes shell metacharacters, quotes, white space or control characters, so a hostile value
//! is refused here, before any quoting has to be relied on.

use super::advice::advice_in;
use super::{Field, Infrastructure, Settings};
use crate::finding::{Code, Finding};
use std::net::IpAddr;

/// Whether `value` of the free-text `field` passes that field's grammar (and is not key
/// material): only such a value is ever put into a guide's command or a message's advice.
pub fn usable(field: Field, value: &str) -> bool {
    !value.is_empty()
        && !crate::text::looks_like_key_material(value)
        && rule(field)(value).is_none()
}

/// Every problem with the settings' own fields (certificates are checked by `pki`), as
/// `input-invalid` findings naming the field. Pure; never panics.
pub fn validate(s: &Settings) -> Vec<Finding> {
    let mut out = Vec::new();
    for field in Field::TEXT {
        let value = s.text(field).unwrap_or_default();
        let label = field.label();
        if crate::text::looks_like_key_material(value) {
            // Never echoed, stored or exported: it may be a private key in the wrong field.
            out.push(Finding::error(
                Code::InputInvalid,
                format!(
                    "{label} holds what looks like a certificate or private key ({} characters). \
                     Paste certificates and keys into the certificate fields, never here. {}",
                    value.chars().count(),
                    advice_in(field, s)
                ),
                Some(field.into()),
            ));
        } else if value.is_empty() {
            if required(field, s) {
                out.push(Finding::error(
                    Code::InputInvalid,
                    format!("{label} is required. {}", advice_in(field, s)),
                    Some(field.into()),
                ));
            }
        } else if let Some(f) = super::decorations::finding(field, value, rule(field)) {
            out.push(f);
        } else if let Some(problem) = rule(field)(value) {
            out.push(Finding::error(
                Code::InputInvalid,
                format!("{label} {problem}. {}", advice_in(field, s)),
                Some(field.into()),
            ));
        }
    }
    out.extend(super::combinations::combinations(s));
    if let Some(why) = reserved_namespace(&s.app_namespace, &s.gateway_namespace) {
        out.push(Finding::error(
            Code::InputInvalid,
            format!(
                "{} {} is {why}. The bundle makes mutual TLS STRICT in the app namespace and \
                 cleanup.sh removes what it installed there: use the namespace of your app (the \
                 procedure's is httptools).",
                Field::AppNamespace.label(),
                crate::text::quoted(&s.app_namespace, 64)
            ),
            Some(Field::AppNamespace.into()),
        ));
    }
    if s.gateway_namespace.starts_with("kube-") {
        out.push(Finding::error(
            Code::InputInvalid,
            format!(
                "{} {} is a Kubernetes system namespace: the Istio ingress gateway runs in its \
                 own namespace (istio-system unless you moved it).",
                Field::GatewayNamespace.label(),
                crate::text::quoted(&s.gateway_namespace, 64)
            ),
            Some(Field::GatewayNamespace.into()),
        ));
    }
    if !(1..=65535).contains(&s.app_port) {
        out.push(Finding::error(
            Code::InputInvalid,
            format!(
                "{} {} is not a TCP port: use 1–65535 (the procedure's httpbin listens on 8000).",
                Field::AppPort.label(),
                s.app_port
            ),
            Some(Field::AppPort.into()),
        ));
    }
    if s.app.len() + 1 + s.alb_domain.len() > 253 && !s.app.is_empty() && !s.alb_domain.is_empty() {
        out.push(Finding::error(
            Code::InputInvalid,
            format!(
                "{} is too long to prefix with the app name (more than 253 characters).",
                Field::AlbDomain.label()
            ),
            Some(Field::AlbDomain.into()),
        ));
    }
    for (input, value) in s.certificates.iter() {
        if !value.trim().is_empty()
            && !super::is_inline_pem(value)
            && let Some(problem) = cert_path_problem(value)
        {
            out.push(Finding::error(
                Code::InputInvalid,
                format!(
                    "The settings file gives {} as a path that {problem}",
                    input.label()
                ),
                Some(input.into()),
            ));
        }
    }
    out
}

/// Whether a text field must be filled in for these settings: the load balancer's IP on
/// classic infrastructure, its host name on VPC; the NLB secret's namespace is optional.
pub fn required(field: Field, s: &Settings) -> bool {
    match field {
        Field::IngressIp => s.infrastructure == Infrastructure::Classic,
        Field::LbHost => s.infrastructure == Infrastructure::Vpc,
        Field::NlbSecretNamespace => false,
        Field::ClusterName
        | Field::NlbDomain
        | Field::NlbSecret
        | Field::AlbDomain
        | Field::AlbSecret
        | Field::AppNamespace
        | Field::App
        | Field::Path
        | Field::GatewayNamespace => true,
        // Not free text: always set.
        Field::AppPort
        | Field::Profile
        | Field::Alb
        | Field::Infrastructure
        | Field::GatewayConfig
        | Field::DeploySample => false,
    }
}

/// The grammar each free-text field is held to.
fn rule(field: Field) -> fn(&str) -> Option<String> {
    match field {
        Field::ClusterName => cluster_name,
        Field::IngressIp => ip_address,
        Field::NlbDomain | Field::AlbDomain | Field::LbHost => host_name,
        Field::NlbSecret | Field::AlbSecret => dns1123_subdomain,
        Field::AppNamespace | Field::GatewayNamespace | Field::NlbSecretNamespace => dns1123_label,
        Field::App => dns1035_label,
        Field::Path => http_path,
        // Not free text: typed, and checked where they are parsed.
        Field::AppPort
        | Field::Profile
        | Field::Alb
        | Field::Infrastructure
        | Field::GatewayConfig
        | Field::DeploySample => |_| None,
    }
}

/// Why a (valid) namespace name cannot be the app namespace, if it cannot: namespaces of the
/// cluster, of the mesh and of IBM Cloud, where a STRICT mTLS policy and a cleanup would hit
/// everything else running there.
fn reserved_namespace(app: &str, gateway: &str) -> Option<&'static str> {
    if app.is_empty() {
        None
    } else if app == gateway {
        Some("the gateway namespace: mutual TLS STRICT there would apply to the gateway itself")
    } else if app == "istio-system" {
        Some("Istio's control-plane namespace: STRICT mTLS there is mesh-wide")
    } else if app == "default" {
        Some("the default namespace, shared by everything deployed without a namespace")
    } else if app.starts_with("kube-") {
        Some("a Kubernetes system namespace")
    } else if app.starts_with("ibm-") || app.starts_with("openshift") {
        Some("an IBM Cloud or OpenShift system namespace")
    } else {
        None
    }
}

fn has_forbidden(value: &str) -> Option<String> {
    value
        .chars()
        .find(|c| c.is_whitespace() || c.is_control())
        .map(|c| {
            format!(
                "contains white space or a control character ({})",
                c.escape_default()
            )
        })
}

/// RFC 1123 label as Kubernetes uses it (namespaces): `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, ≤ 63.
fn dns1123_label(v: &str) -> Option<String> {
    if let Some(p) = has_forbidden(v) {
        return Some(p);
    }
    label_problem(v, "only lowercase letters, digits and '-' are allowed")
}

/// What is wrong with one DNS label; `allowed` says which characters the whole value may hold
/// (a namespace is one label; a secret name or host name also has dots between labels).
fn label_problem(label: &str, allowed: &str) -> Option<String> {
    if label.is_empty() {
        return Some("has an empty label (two dots in a row, or a leading/trailing dot)".into());
    }
    if label.len() > 63 {
        return Some(format!(
            "has a label longer than 63 characters ({})",
            label.len()
        ));
    }
    if let Some(c) = label
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
    {
        return Some(format!("contains '{}': {allowed}", c.escape_default()));
    }
    if label.starts_with('-') || label.ends_with('-') {
        return Some("must start and end with a letter or digit".into());
    }
    None
}

/// RFC 1035 label (Service names): a DNS-1123 label that starts with a letter.
fn dns1035_label(v: &str) -> Option<String> {
    dns1123_label(v).or_else(|| {
        (!v.starts_with(|c: char| c.is_ascii_lowercase()))
            .then(|| "must start with a lowercase letter".to_owned())
    })
}

/// RFC 1123 subdomain (Secret names): dot-separated labels, ≤ 253 characters.
fn dns1123_subdomain(v: &str) -> Option<String> {
    if let Some(p) = has_forbidden(v) {
        return Some(p);
    }
    if v.len() > 253 {
        return Some(format!("is longer than 253 characters ({})", v.len()));
    }
    v.split('.').find_map(|label| {
        label_problem(
            label,
            "only lowercase letters, digits, '-' and '.' are allowed",
        )
    })
}

/// A DNS host name for TLS and Ingress rules: a subdomain with at least two labels, no wildcard.
fn host_name(v: &str) -> Option<String> {
    if v.starts_with("*.") {
        return Some("must be a concrete host name, not a wildcard".into());
    }
    if v.parse::<IpAddr>().is_ok() {
        return Some("must be a host name, not an IP address".into());
    }
    dns1123_subdomain(v).or_else(|| {
        (!v.contains('.')).then(|| "must be a fully qualified host name (with dots)".to_owned())
    })
}

/// IBM cluster names start with a letter and hold letters, digits, '.', '-' and '_'; cluster IDs
/// are lowercase alphanumerics. Both fit this; it also keeps the bundle's folder name safe.
fn cluster_name(v: &str) -> Option<String> {
    if let Some(p) = has_forbidden(v) {
        return Some(p);
    }
    if v.len() > 100 {
        return Some(format!("is longer than 100 characters ({})", v.len()));
    }
    if let Some(c) = v
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
    {
        return Some(format!(
            "contains '{}': only letters, digits, '-', '_' and '.' are allowed",
            c.escape_default()
        ));
    }
    if !v.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Some("must start with a letter or digit".into());
    }
    None
}

/// IPv4 or IPv6, as Rust's standard library parses them (no zone ids, no brackets).
fn ip_address(v: &str) -> Option<String> {
    if let Some(p) = has_forbidden(v) {
        return Some(p);
    }
    v.parse::<IpAddr>().is_err().then(|| {
        format!(
            "\"{}\" is not an IPv4 or IPv6 address",
            crate::text::excerpt(v, 48)
        )
    })
}

/// An absolute URL path of RFC 3986 unreserved characters and '/', as an Ingress `Prefix` path
/// and a VirtualService prefix accept it; no query, fragment, percent-escape or `..` segment.
fn http_path(v: &str) -> Option<String> {
    if let Some(p) = has_forbidden(v) {
        return Some(p);
    }
    if !v.starts_with('/') {
        return Some("must start with '/'".into());
    }
    if v.len() > 1024 {
        return Some(format!("is longer than 1024 characters ({})", v.len()));
    }
    if let Some(c) = v
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '.' | '_' | '~')))
    {
        return Some(format!(
            "contains '{}': only letters, digits and - . _ ~ / are allowed",
            c.escape_default()
        ));
    }
    if v.contains("//") || v.split('/').any(|seg| seg == "." || seg == "..") {
        return Some("must not contain empty, '.' or '..' segments".into());
    }
    None
}

/// A certificate path from the settings file: relative, portable characters only. Such paths
/// never reach a script (the bundle uses its own file names) but are refused like every other
/// text field so a settings file cannot smuggle anything through.
pub(super) fn cert_path_problem(v: &str) -> Option<String> {
    if let Some(p) = has_forbidden(v) {
        return Some(format!(
            "{p}. Rename the file, or paste the PEM into the settings file instead"
        ));
    }
    if let Some(c) = v
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '.' | '_' | '+' | '@')))
    {
        return Some(format!(
            "contains '{}': only letters, digits and - . _ + @ / are allowed. Rename the file, \
             or paste the PEM into the settings file instead",
            c.escape_default()
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::{Alb, GatewayConfig, Profile};

    fn valid() -> Settings {
        Settings {
            cluster_name: "mycluster".into(),
            ingress_ip: "169.45.1.10".into(),
            nlb_domain: "mycluster-abc-0001.us-south.containers.appdomain.cloud".into(),
            nlb_secret: "mycluster-abc-0001".into(),
            alb_domain: "mycluster-abc-0000.us-south.containers.appdomain.cloud".into(),
            alb_secret: "mycluster-abc-0000".into(),
            ..Settings::default()
        }
    }

    #[test]
    fn a_complete_setting_passes() {
        assert_eq!(validate(&valid()), vec![]);
    }

    /// (field, value, accepted)
    const CASES: &[(Field, &str, bool)] = &[
        (Field::IngressIp, "10.0.0.1", true),
        (Field::IngressIp, "2001:db8::1", true),
        (Field::IngressIp, "300.1.1.1", false),
        (Field::IngressIp, "10.0.0.1/32", false),
        (Field::NlbDomain, "a.example.com", true),
        (Field::NlbDomain, "*.example.com", false),
        (Field::NlbDomain, "Example.com", false),
        (Field::NlbDomain, "localhost", false),
        (Field::NlbDomain, "a..b", false),
        (Field::NlbDomain, "10.0.0.1", false),
        (Field::NlbSecret, "mycluster-abc-0001", true),
        (Field::NlbSecret, "my.secret", true),
        (Field::NlbSecret, "-bad", false),
        (Field::AppNamespace, "httptools", true),
        (Field::AppNamespace, "http.tools", false),
        (Field::AppNamespace, "HTTPTOOLS", false),
        (Field::App, "httpbin", true),
        (Field::App, "1httpbin", false),
        (Field::Path, "/status", true),
        (Field::Path, "/", true),
        (Field::Path, "status", false),
        (Field::Path, "/a/../b", false),
        (Field::Path, "/a?b", false),
        (Field::Path, "/a%20b", false),
        (Field::ClusterName, "my_cluster.1", true),
        (Field::ClusterName, "c0ab12cd0ef1gh2ij3kl", true),
        (Field::ClusterName, "-c", false),
        (Field::GatewayNamespace, "istio-system", true),
        (Field::GatewayNamespace, "", false),
    ];

    fn set(s: &mut Settings, field: Field, value: &str) {
        *s.text_mut(field).expect("a text field") = value.to_owned();
    }

    #[test]
    fn field_rules() {
        for &(field, value, accepted) in CASES {
            let mut s = valid();
            set(&mut s, field, value);
            let findings = validate(&s);
            if accepted {
                assert_eq!(findings, vec![], "{field}={value:?} should pass");
            } else {
                assert_eq!(findings.len(), 1, "{field}={value:?}: {findings:?}");
                assert_eq!(findings[0].code, "input-invalid");
                assert_eq!(
                    findings[0].input.as_deref(),
                    Some(field.name()),
                    "{field}={value:?}"
                );
            }
        }
    }

    #[test]
    fn reserved_namespaces_are_refused_with_the_reason() {
        const CASES: &[(&str, Option<&str>)] = &[
            ("istio-system", Some("control-plane")),
            ("default", Some("default namespace")),
            ("kube-system", Some("Kubernetes system")),
            ("kube-public", Some("Kubernetes system")),
            ("ibm-system", Some("IBM Cloud")),
            ("edge-gw", Some("gateway namespace")),
            ("httptools", None),
            ("shop-apps", None),
        ];
        for (ns, why) in CASES {
            let mut s = valid();
            s.gateway_namespace = "edge-gw".into();
            s.app_namespace = (*ns).into();
            let f = validate(&s);
            match why {
                Some(why) => {
                    assert_eq!(f.len(), 1, "{ns}: {f:?}");
                    assert!(f[0].is_about(Field::AppNamespace), "{ns}");
                    assert!(f[0].message.contains(why), "{ns}: {}", f[0].message);
                }
                None => assert_eq!(f, vec![], "{ns}"),
            }
        }
        let mut s = valid();
        s.gateway_namespace = "kube-system".into();
        assert!(
            validate(&s)
                .iter()
                .any(|f| f.is_about(Field::GatewayNamespace))
        );
    }

    /// A key pasted into a text field is refused without being echoed.
    #[test]
    fn key_material_in_a_field_is_refused_and_not_echoed() {
        let key = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj";
        for field in Field::TEXT {
            let mut s = valid();
            *s.text_mut(field).expect("text") = format!("-----BEGIN PRIVATE KEY-----\n{key}");
            let f = validate(&s);
            let about: Vec<_> = f.iter().filter(|f| f.is_about(field)).collect();
            assert_eq!(about.len(), 1, "{field}: {f:?}");
            assert!(about[0].message.contains("private key"), "{field}");
            assert!(
                f.iter().all(|f| !f.message.contains(&key[..16])),
                "{field}: {f:?}"
            );
        }
        let mut s = valid();
        s.ingress_ip = key.into();
        assert!(validate(&s).iter().all(|f| !f.message.contains(&key[..16])));
    }

    #[test]
    fn ports_outside_1_to_65535_are_refused() {
        for (port, ok) in [(0, false), (1, true), (65535, true), (65536, false)] {
            let mut s = valid();
            s.app_port = port;
            assert_eq!(validate(&s).is_empty(), ok, "port {port}");
        }
    }

    #[test]
    fn choices_that_do_not_go_together_name_the_field_to_change() {
        let named = |s: &Settings| -> Vec<Field> {
            validate(s)
                .iter()
                .filter_map(|f| f.input.as_ref().and_then(|i| i.field()))
                .collect()
        };
        let traefik_classic = Settings {
            profile: Profile::Classic,
            alb: Alb::Traefik,
            ..valid()
        };
        assert_eq!(named(&traefik_classic), [Field::Alb]);
        let renewed_classic = Settings {
            profile: Profile::Classic,
            nlb_secret_namespace: valid().gateway_namespace,
            ..valid()
        };
        assert_eq!(named(&renewed_classic), [Field::NlbSecretNamespace]);
        let gateway_api_classic = Settings {
            profile: Profile::Classic,
            gateway_config: GatewayConfig::GatewayApi,
            ..valid()
        };
        assert_eq!(named(&gateway_api_classic), [Field::GatewayConfig]);
        assert_eq!(validate(&gateway_api_classic)[0].code, Code::InputInvalid);
        // Another namespace is only where IBM keeps the secret to copy: fine with classic.
        let elsewhere = Settings {
            profile: Profile::Classic,
            nlb_secret_namespace: "certs".into(),
            ..valid()
        };
        assert_eq!(named(&elsewhere), []);
        for s in [&traefik_classic, &renewed_classic, &gateway_api_classic] {
            let alone = Settings {
                profile: Profile::Current,
                ..s.clone()
            };
            assert_eq!(validate(&alone), vec![], "{alone:?}");
        }
    }

    #[test]
    fn vpc_needs_the_load_balancer_host_not_the_ip() {
        let vpc = Settings {
            infrastructure: Infrastructure::Vpc,
            ingress_ip: String::new(),
            ..valid()
        };
        assert_eq!(
            validate(&vpc)
                .iter()
                .map(|f| f.input.clone())
                .collect::<Vec<_>>(),
            [Some(Field::LbHost.into())]
        );
        let with_host = Settings {
            lb_host: "1234abcd-us-south.lb.appdomain.cloud".into(),
            ..vpc
        };
        assert_eq!(validate(&with_host), vec![]);
        let classic_without_ip = Settings {
            ingress_ip: String::new(),
            ..valid()
        };
        assert_eq!(
            validate(&classic_without_ip)[0].input,
            Some(Field::IngressIp.into())
        );
    }
}
