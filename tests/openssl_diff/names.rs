//! Corpus families on names: DNS and IP subjectAltNames, wildcards, the subject CN, and name
//! constraints.

use super::certs::{Gen, K, Pos, Spec, dns, ip};
use super::{Case, HOST, PeerName};
use istio_alb::pki::verify::Usage;
use rcgen::{CidrSubnet, GeneralSubtree, NameConstraints, SanType};

/// Names: DNS SANs, wildcards, case, trailing dots, IDNA, the subject CN, IP SANs (v4, v6).
pub fn fam_name(g: &mut Gen) {
    let d = |s: &str| Some(PeerName::Dns(s.to_owned()));
    let i = |s: &str| Some(PeerName::Ip(s.to_owned()));
    let cases: Vec<(&str, Vec<SanType>, &str, Option<PeerName>)> = vec![
        ("exact", vec![dns(HOST)], HOST, d(HOST)),
        ("host-uppercase", vec![dns(HOST)], HOST, d("GW.Example.COM")),
        ("san-uppercase", vec![dns("GW.EXAMPLE.COM")], HOST, d(HOST)),
        (
            "host-trailing-dot",
            vec![dns(HOST)],
            HOST,
            d("gw.example.com."),
        ),
        (
            "san-trailing-dot",
            vec![dns("gw.example.com.")],
            HOST,
            d(HOST),
        ),
        ("other-host", vec![dns(HOST)], HOST, d("other.example.com")),
        (
            "second-san",
            vec![dns("a.example.com"), dns(HOST)],
            HOST,
            d(HOST),
        ),
        ("parent-host", vec![dns(HOST)], HOST, d("example.com")),
        (
            "wildcard",
            vec![dns("*.example.com")],
            "*.example.com",
            d(HOST),
        ),
        (
            "wildcard-apex",
            vec![dns("*.example.com")],
            "*.example.com",
            d("example.com"),
        ),
        (
            "wildcard-two-labels",
            vec![dns("*.example.com")],
            "*.example.com",
            d("a.gw.example.com"),
        ),
        (
            "wildcard-partial-prefix",
            vec![dns("g*.example.com")],
            "g*.example.com",
            d(HOST),
        ),
        (
            "wildcard-partial-suffix",
            vec![dns("*w.example.com")],
            "*w.example.com",
            d(HOST),
        ),
        (
            "wildcard-tld",
            vec![dns("*.com")],
            "*.com",
            d("example.com"),
        ),
        (
            "wildcard-not-leftmost",
            vec![dns("gw.*.com")],
            "gw.*.com",
            d(HOST),
        ),
        (
            "wildcard-double",
            vec![dns("*.*.example.com")],
            "wild",
            d("a.b.example.com"),
        ),
        (
            "wildcard-host-same-wildcard",
            vec![dns("*.apps.example.com")],
            "wild",
            d("*.apps.example.com"),
        ),
        (
            "wildcard-host-plain-san",
            vec![dns("x.apps.example.com")],
            "x",
            d("*.apps.example.com"),
        ),
        (
            "idn-alabel",
            vec![dns("xn--bcher-kva.example")],
            "idn",
            d("xn--bcher-kva.example"),
        ),
        (
            "idn-ulabel-host",
            vec![dns("xn--bcher-kva.example")],
            "idn",
            d("bücher.example"),
        ),
        (
            "idn-wildcard",
            vec![dns("*.xn--bcher-kva.example")],
            "idn",
            d("gw.xn--bcher-kva.example"),
        ),
        (
            "underscore",
            vec![dns("_svc.example.com")],
            "svc",
            d("_svc.example.com"),
        ),
        ("cn-only", vec![], HOST, d(HOST)),
        ("cn-only-wildcard", vec![], "*.example.com", d(HOST)),
        (
            "cn-with-other-san",
            vec![dns("other.example.com")],
            HOST,
            d(HOST),
        ),
        ("no-names", vec![], "Some Service", d(HOST)),
        ("no-host-given", vec![dns(HOST)], HOST, None),
        ("ip-exact", vec![ip("10.0.0.1")], "ip", i("10.0.0.1")),
        ("ip-other", vec![ip("10.0.0.2")], "ip", i("10.0.0.1")),
        (
            "ip-among-dns",
            vec![dns(HOST), ip("10.0.0.1")],
            HOST,
            i("10.0.0.1"),
        ),
        ("ip-v6", vec![ip("2001:db8::1")], "ip", i("2001:db8::1")),
        (
            "ip-v6-long-form",
            vec![ip("2001:db8::1")],
            "ip",
            i("2001:0db8:0000:0000:0000:0000:0000:0001"),
        ),
        (
            "ip-v4-vs-v6-mapped",
            vec![ip("10.0.0.1")],
            "ip",
            i("::ffff:10.0.0.1"),
        ),
        ("ip-only-dns-san", vec![dns(HOST)], HOST, i("10.0.0.1")),
        ("ip-in-dns-san", vec![dns("10.0.0.1")], "ip", i("10.0.0.1")),
        ("ip-in-cn", vec![], "10.0.0.1", i("10.0.0.1")),
        // NGINX's proxy_ssl_name check: X509_check_host even for an IP literal. (An IP as
        // proxy_ssl_name cannot come from a bundle: the NLB domain is refused as an IP by the
        // settings, and `istio-alb verify --name IP` means `openssl verify -verify_ip`, which
        // the `ip-*` cases above compare.)
        (
            "ip-in-dns-san-as-nginx-hostname",
            vec![dns("10.0.0.1")],
            "ip",
            Some(PeerName::NginxHost("10.0.0.1".to_owned())),
        ),
    ];
    let root = g.root(Spec::ca("Name Root"), K::P256);
    for (label, sans, cn, name) in cases {
        let names: Vec<String> = sans
            .iter()
            .map(|s| match s {
                SanType::DnsName(n) => format!("DNS:{}", n.as_str()),
                SanType::IpAddress(a) => format!("IP:{a}"),
                other => format!("{other:?}"),
            })
            .collect();
        let leaf = g.issue(Spec::leaf().cn(cn).sans(sans), K::P256, &root);
        let what = format!(
            "root -> leaf(CN={cn}, SAN [{}]) checked for {}",
            names.join(", "),
            match &name {
                Some(PeerName::Dns(h)) => format!("host {h:?}"),
                Some(PeerName::Ip(a)) => format!("IP {a}"),
                Some(PeerName::NginxHost(h)) => format!("{h:?} via X509_check_host (NGINX)"),
                None => "no name".to_owned(),
            }
        );
        g.push(
            Case::new(
                format!("gen::name::{label}"),
                what,
                &leaf.pem,
                &[],
                &[&root.pem],
            )
            .name(name),
        );
    }
}

/// A name-constraints variant: label, the constraints, the leaf's SANs and CN, the name checked,
/// the usage.
type NcVariant = (
    &'static str,
    NameConstraints,
    Vec<SanType>,
    &'static str,
    Option<PeerName>,
    Usage,
);

/// Name constraints on the root or the intermediate.
pub fn fam_nc(g: &mut Gen) {
    let permit = |t: Vec<GeneralSubtree>| NameConstraints {
        permitted_subtrees: t,
        excluded_subtrees: vec![],
    };
    let exclude = |t: Vec<GeneralSubtree>| NameConstraints {
        permitted_subtrees: vec![],
        excluded_subtrees: t,
    };
    let dn = |s: &str| GeneralSubtree::DnsName(s.to_owned());
    let net = |a: [u8; 4], p: u8| GeneralSubtree::IpAddress(CidrSubnet::from_v4_prefix(a, p));
    let host = || Some(PeerName::Dns(HOST.to_owned()));
    let variants: Vec<NcVariant> = vec![
        (
            "permit-match",
            permit(vec![dn("example.com")]),
            vec![dns(HOST)],
            HOST,
            host(),
            Usage::Server,
        ),
        (
            "permit-miss",
            permit(vec![dn("example.org")]),
            vec![dns(HOST)],
            HOST,
            host(),
            Usage::Server,
        ),
        (
            "permit-one-of-two-sans",
            permit(vec![dn("example.com")]),
            vec![dns(HOST), dns("gw.example.org")],
            HOST,
            host(),
            Usage::Server,
        ),
        (
            "exclude-hit",
            exclude(vec![dn(HOST)]),
            vec![dns(HOST)],
            HOST,
            host(),
            Usage::Server,
        ),
        (
            "exclude-miss",
            exclude(vec![dn("other.example.com")]),
            vec![dns(HOST)],
            HOST,
            host(),
            Usage::Server,
        ),
        (
            "permit-leading-dot",
            permit(vec![dn(".example.com")]),
            vec![dns(HOST)],
            HOST,
            host(),
            Usage::Server,
        ),
        (
            "permit-wildcard-san",
            permit(vec![dn("example.com")]),
            vec![dns("*.example.com")],
            HOST,
            host(),
            Usage::Server,
        ),
        (
            "exclude-wildcard-san",
            exclude(vec![dn("example.com")]),
            vec![dns("*.example.com")],
            HOST,
            host(),
            Usage::Server,
        ),
        (
            "permit-ip-match",
            permit(vec![net([10, 0, 0, 0], 8)]),
            vec![dns(HOST), ip("10.0.0.1")],
            HOST,
            host(),
            Usage::Server,
        ),
        (
            "permit-ip-miss",
            permit(vec![net([10, 0, 0, 0], 8)]),
            vec![dns(HOST), ip("192.168.0.1")],
            HOST,
            host(),
            Usage::Server,
        ),
        (
            "exclude-ip-hit",
            exclude(vec![net([10, 0, 0, 0], 8)]),
            vec![ip("10.0.0.1")],
            "ip",
            Some(PeerName::Ip("10.0.0.1".to_owned())),
            Usage::Server,
        ),
        (
            "permit-cn-only-leaf-server",
            permit(vec![dn("example.com")]),
            vec![],
            "gw.example.org",
            None,
            Usage::Server,
        ),
        (
            "permit-cn-only-leaf-client",
            permit(vec![dn("example.com")]),
            vec![],
            "gw.example.org",
            None,
            Usage::Client,
        ),
    ];
    for (on, on_label) in [(Pos::Root, "root"), (Pos::Int, "int")] {
        for (label, nc, sans, cn, name, usage) in &variants {
            let with = |p: Pos, s: Spec| if p == on { s.nc(nc.clone()) } else { s };
            let root = g.root(with(Pos::Root, Spec::ca("NC Root")), K::P256);
            let int = g.issue(with(Pos::Int, Spec::ca("NC Intermediate")), K::P256, &root);
            let leaf = g.issue(Spec::leaf().cn(cn).sans(sans.clone()), K::P256, &int);
            let what =
                format!("root -> int -> leaf(CN={cn}), name constraints {label} on the {on_label}");
            let id = format!("gen::nc::{on_label}-{label}");
            let mut c = Case::new(id, what, &leaf.pem, &[&int.pem], &[&root.pem]).usage(*usage);
            if *usage == Usage::Server {
                c = c.name(name.clone());
            }
            g.push(c);
        }
    }
}
