//! Where each value comes from: for every certificate input and settings field, a short
//! explanation and the exact commands that print it, for classic and VPC clusters (the page's
//! "Where do I get this?"). Commands carry the values already typed into the settings, or a
//! placeholder such as `<cluster>` while a value is missing or unusable, so a command is never
//! built from an empty value.

use crate::field::Field;
use crate::inputs::CertInput;
use crate::pki::gateway_root::GatewayRoot;
use crate::settings::{Settings, Values};

/// Which clusters a step applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Infrastructure {
    Any,
    /// Classic infrastructure (the procedure's): the gateway has an IP address.
    Classic,
    /// VPC (Gen 2): the gateway has a load balancer host name.
    Vpc,
}

impl Infrastructure {
    pub fn label(self) -> &'static str {
        match self {
            Infrastructure::Any => "",
            Infrastructure::Classic => "Classic clusters",
            Infrastructure::Vpc => "VPC clusters",
        }
    }
}

/// One step: what to do, and the command that does it, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub text: String,
    pub command: Option<String>,
    pub infrastructure: Infrastructure,
}

/// The guidance for one input or field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guide {
    /// One or two sentences: what this is and where it lives.
    pub about: String,
    pub steps: Vec<Step>,
}

fn step(text: &str, command: Option<String>) -> Step {
    Step {
        text: text.to_owned(),
        command,
        infrastructure: Infrastructure::Any,
    }
}

fn on(infrastructure: Infrastructure, text: &str, command: String) -> Step {
    Step {
        text: text.to_owned(),
        command: Some(command),
        infrastructure,
    }
}

impl Values {
    /// `kubectl` printing one entry of IBM's NLB secret, decoded, from where IBM keeps it.
    fn nlb_secret_entry(&self, key: &str) -> String {
        let escaped = key.replace('.', "\\.");
        format!(
            "kubectl get secret {} -n {} -o jsonpath='{{.data.{escaped}}}' | base64 -d",
            self.nlb_secret, self.nlb_secret_namespace
        )
    }

    /// Registering a host name for the gateway's load balancer, on the chosen infrastructure,
    /// with its secret where the settings say IBM keeps it (the gateway namespace unless
    /// another is typed).
    fn nlb_dns_create(&self, s: &Settings) -> Step {
        let namespace = if s.nlb_secret_namespace.is_empty() {
            &self.gateway_namespace
        } else {
            &self.nlb_secret_namespace
        };
        match self.infrastructure {
            crate::settings::Infrastructure::Classic => on(
                Infrastructure::Classic,
                "Or register one for the gateway's IP, with its certificate secret in the \
                 gateway's namespace:",
                format!(
                    "ibmcloud ks nlb-dns create classic --cluster {} --ip {} --secret-namespace {namespace}",
                    self.cluster, self.ip
                ),
            ),
            crate::settings::Infrastructure::Vpc => on(
                Infrastructure::Vpc,
                "Or register one for the gateway's load balancer host name, with its \
                 certificate secret in the gateway's namespace:",
                format!(
                    "ibmcloud ks nlb-dns create vpc-gen2 --cluster {} --lb-host {} \
                     --secret-namespace {namespace}",
                    self.cluster, self.lb_host
                ),
            ),
        }
    }
}

/// The guidance for a certificate or key input. `gateway_root` is the root the pasted gateway
/// chain ends at ([`crate::pki::check::gateway_root`]), which "CA the ALB trusts" asks for.
pub fn for_input(input: CertInput, s: &Settings, gateway_root: Option<&GatewayRoot>) -> Guide {
    let v = Values::of(s);
    let list = format!("ibmcloud ks nlb-dns ls --cluster {}", v.cluster);
    match input {
        CertInput::NlbCert | CertInput::NlbKey => {
            let (what, key) = if input == CertInput::NlbCert {
                ("certificate (with its intermediates)", "tls.crt")
            } else {
                ("private key", "tls.key")
            };
            Guide {
                about: format!(
                    "IBM Cloud makes a Let's Encrypt certificate for the NLB host name and keeps \
                     it in a secret in the {} namespace: its {key} is the gateway's {what}.",
                    v.nlb_secret_namespace
                ),
                steps: vec![
                    step(
                        "Find the secret: the last column of the line with your NLB host name.",
                        Some(list),
                    ),
                    step(
                        &format!("Print the {what}, decoded, and paste it here:"),
                        Some(v.nlb_secret_entry(key)),
                    ),
                    step(
                        &format!(
                            "Or paste the whole secret as kubectl prints it: this page takes \
                             {key} out of it and decodes it."
                        ),
                        Some(format!(
                            "kubectl get secret {} -n {} -o yaml",
                            v.nlb_secret, v.nlb_secret_namespace
                        )),
                    ),
                ],
            }
        }
        CertInput::AlbClientCert | CertInput::AlbClientKey | CertInput::ClientCa => Guide {
            about: "Since 2026 the ALB's own Let's Encrypt certificate cannot be its client \
                    certificate any more: Let's Encrypt stopped issuing certificates with the \
                    clientAuth usage, and the gateway refuses a client certificate without it. \
                    The ALB client certificate now comes from a private CA of your own, and the \
                    gateway trusts that CA for client certificates only."
                .to_owned(),
            steps: vec![
                step(
                    "Easiest: \"Create a private client CA\" above makes the CA, the ALB client \
                     certificate and its key in this tab, and fills the four fields.",
                    None,
                ),
                step(
                    "Or on a command line (writes client-ca.pem, client-ca.key, alb-client.crt \
                     and alb-client.key; keys 0600):",
                    Some(format!(
                        "istio-alb ca init ./client-ca --cluster {}",
                        v.cluster
                    )),
                ),
                step(
                    "Then paste alb-client.crt, alb-client.key and client-ca.pem into their \
                     fields (and client-ca.key into the CA's key field, to renew later).",
                    None,
                ),
            ],
        },
        CertInput::ClientCaKey => Guide {
            about: "The private key of your own client CA (client-ca.key). It never goes into \
                    the cluster: the bundle keeps it in private-ca/ (mode 0600), so that \
                    scripts/renew.sh can issue the next ALB client certificate. Leave it empty \
                    to keep the key somewhere else."
                .to_owned(),
            steps: vec![step(
                "Issue the next client certificate yourself when the time comes:",
                Some("istio-alb ca issue ./client-ca".to_owned()),
            )],
        },
        CertInput::GatewayCa => gateway_ca(&v, gateway_root),
    }
}

/// "CA the ALB trusts": the root the gateway chain ends at, named from the gateway certificate
/// once it is pasted. Never the client CA: that is a private CA of your own, which did not
/// issue the gateway's certificate (issue 27).
fn gateway_ca(v: &Values, root: Option<&GatewayRoot>) -> Guide {
    let about = "The root CA the ALB checks the gateway certificate against: the root its chain \
                 ends at. It is not the CA for ALB client certificates (a private CA of yours, \
                 which the gateway trusts for clients only)."
        .to_owned();
    let see_issuer = step(
        "See which CA issued the gateway certificate:",
        Some(format!(
            "{} | openssl x509 -noout -issuer",
            v.nlb_secret_entry("tls.crt")
        )),
    );
    let steps = match root {
        Some(GatewayRoot {
            name,
            download: Some(url),
        }) => vec![step(
            &format!(
                "Your gateway certificate's chain ends at {name}: download it on a machine with \
                 internet access and paste it here:"
            ),
            Some(format!("curl -fsSLO {url}")),
        )],
        Some(GatewayRoot {
            name,
            download: None,
        }) => vec![
            step(
                &format!(
                    "Your gateway certificate's chain ends at \"{name}\": paste that root \
                     certificate here, as its CA publishes it."
                ),
                None,
            ),
            see_issuer,
        ],
        None => vec![
            see_issuer,
            step(
                "IBM's NLB certificates come from Let's Encrypt, whose chains end at ISRG Root \
                 X1: download it on a machine with internet access and paste it here:",
                Some("curl -fsSLO https://letsencrypt.org/certs/isrgrootx1.pem".to_owned()),
            ),
        ],
    };
    Guide { about, steps }
}

/// The guidance for a settings field, when there is more to say than its help line. Only the
/// steps of the chosen infrastructure are given.
pub fn for_field(field: Field, s: &Settings) -> Option<Guide> {
    let v = Values::of(s);
    let guide = match field {
        Field::ClusterName => Guide {
            about: "The name (or ID) of your IBM Cloud Kubernetes Service cluster.".to_owned(),
            steps: vec![step(
                "List your clusters:",
                Some("ibmcloud ks cluster ls".to_owned()),
            )],
        },
        Field::IngressIp => Guide {
            about: "The address of the Istio ingress gateway's load balancer: the EXTERNAL-IP \
                    of the istio-ingressgateway service (classic clusters)."
                .to_owned(),
            steps: vec![step(
                "Print it:",
                Some(format!(
                    "kubectl get svc istio-ingressgateway -n {}",
                    v.gateway_namespace
                )),
            )],
        },
        Field::LbHost => Guide {
            about: "The host name of the Istio ingress gateway's VPC load balancer: what the \
                    istio-ingressgateway service shows as its EXTERNAL-IP on VPC clusters."
                .to_owned(),
            steps: vec![step(
                "Print it:",
                Some(format!(
                    "kubectl get svc istio-ingressgateway -n {} -o \
                     jsonpath='{{.status.loadBalancer.ingress[0].hostname}}'",
                    v.gateway_namespace
                )),
            )],
        },
        Field::NlbDomain | Field::NlbSecret => {
            let for_what = match s.infrastructure {
                crate::settings::Infrastructure::Classic => "the gateway's IP",
                crate::settings::Infrastructure::Vpc => "the gateway's load balancer host name",
            };
            Guide {
                about: format!(
                    "IBM Cloud registers a host name for {for_what} and keeps a Let's Encrypt \
                     certificate for it in a secret."
                ),
                steps: vec![
                    step(
                        &format!(
                            "List the host names IBM registered: the one for {for_what}, and in \
                             the last column its certificate secret."
                        ),
                        Some(format!("ibmcloud ks nlb-dns ls --cluster {}", v.cluster)),
                    ),
                    v.nlb_dns_create(s),
                ],
            }
        }
        Field::AlbDomain | Field::AlbSecret => Guide {
            about: "The cluster's Ingress subdomain and the secret of its certificate, as IBM \
                    Cloud shows them for the cluster."
                .to_owned(),
            steps: vec![
                step(
                    "Print them (Ingress Subdomain and Ingress Secret):",
                    Some(format!(
                        "ibmcloud ks cluster get --cluster {} | grep Ingress",
                        v.cluster
                    )),
                ),
                step(
                    "Check that the secret exists (IBM keeps it in the default namespace):",
                    Some(format!("kubectl get secret {} -n default", v.alb_secret)),
                ),
            ],
        },
        Field::GatewayConfig => Guide {
            about: "The Gateway API choice needs its CRDs at bundle version v1.5.0 or newer \
                    (client-certificate validation joined the standard channel in v1.5) and \
                    istiod 1.28 or newer. IBM's Istio add-on ships 1.30."
                .to_owned(),
            steps: vec![
                step(
                    "See whether the Gateway API CRDs are installed, and at which bundle version \
                     (nothing printed: not installed):",
                    Some(
                        "kubectl get crd gateways.gateway.networking.k8s.io -o \
                         jsonpath='{.metadata.annotations.gateway\\.networking\\.k8s\\.io/bundle-version}{\"\\n\"}'"
                            .to_owned(),
                    ),
                ),
                step(
                    "See which Istio version runs (the image tag of istiod):",
                    Some(
                        "kubectl get deployment -n istio-system -l app=istiod -o \
                         jsonpath='{range .items[*]}{.spec.template.spec.containers[0].image}{\"\\n\"}{end}'"
                            .to_owned(),
                    ),
                ),
                step(
                    "Or ask istioctl, which prints the control plane's version too:",
                    Some("istioctl version".to_owned()),
                ),
                step(
                    "Install the standard channel's CRDs when they are missing or older than \
                     v1.5.0:",
                    Some(
                        "kubectl apply --server-side -f \
                         https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.5.1/standard-install.yaml"
                            .to_owned(),
                    ),
                ),
            ],
        },
        Field::DeploySample => Guide {
            about: "Without the sample, install routes to your app as it runs: a Deployment and \
                    a Service both named App, in App namespace."
                .to_owned(),
            steps: vec![step(
                "Check that they exist (install stops before any change when the Deployment \
                 does not):",
                Some(format!(
                    "kubectl get deployment,service {app} -n {ns}",
                    app = crate::script::quote(&s.app),
                    ns = crate::script::quote(&s.app_namespace),
                )),
            )],
        },
        _ => return None,
    };
    Some(guide)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::Infrastructure as Infra;

    #[test]
    fn the_gateway_config_guide_shows_the_crd_bundle_version_and_istio() {
        let g = for_field(Field::GatewayConfig, &Settings::default()).unwrap();
        let commands: Vec<&str> = g
            .steps
            .iter()
            .filter_map(|s| s.command.as_deref())
            .collect();
        assert!(
            commands
                .iter()
                .any(|c| c.contains("crd gateways.gateway.networking.k8s.io")
                    && c.contains("gateway\\.networking\\.k8s\\.io/bundle-version")),
            "{commands:?}"
        );
        assert!(
            commands.iter().any(|c| c.contains("app=istiod")),
            "{commands:?}"
        );
    }

    #[test]
    fn every_input_has_guidance() {
        for input in CertInput::ALL {
            let g = for_input(input, &Settings::default(), None);
            assert!(!g.about.is_empty(), "{input}");
            assert!(!g.steps.is_empty(), "{input}");
        }
    }

    fn commands(g: &Guide) -> Vec<String> {
        g.steps.iter().filter_map(|s| s.command.clone()).collect()
    }

    #[test]
    fn commands_use_the_values_typed_or_placeholders_never_empty_values() {
        let empty = Settings::default();
        let g = for_input(CertInput::NlbCert, &empty, None);
        let c = commands(&g);
        assert!(c.iter().any(|c| c.contains("<nlb-secret>")), "{c:?}");
        assert!(c.iter().all(|c| !c.contains("secret  ")), "{c:?}");
        let typed = Settings {
            nlb_secret: "mycluster-abc-0001".into(),
            cluster_name: "mycluster".into(),
            ..Settings::default()
        };
        let g = for_input(CertInput::NlbCert, &typed, None);
        assert!(g.steps.iter().any(|s| s.command.as_deref()
            == Some("kubectl get secret mycluster-abc-0001 -n default -o jsonpath='{.data.tls\\.crt}' | base64 -d")));
        // A value that is not a plain name never reaches a command.
        let hostile = Settings {
            nlb_secret: "x; rm -rf /".into(),
            nlb_secret_namespace: "a b".into(),
            ..Settings::default()
        };
        let c = commands(&for_input(CertInput::NlbKey, &hostile, None));
        assert!(
            c.iter()
                .all(|c| !c.contains("rm -rf") && !c.contains("a b")),
            "{c:?}"
        );
    }

    #[test]
    fn only_the_chosen_infrastructure_is_guided() {
        for (infra, want, not) in [
            (Infra::Classic, "nlb-dns create classic", "vpc-gen2"),
            (Infra::Vpc, "nlb-dns create vpc-gen2", "--ip"),
        ] {
            let s = Settings {
                infrastructure: infra,
                ..Settings::default()
            };
            let g = for_field(Field::NlbDomain, &s).expect("guide");
            let c = commands(&g).join("\n");
            assert!(c.contains(want), "{infra}: {c}");
            assert!(!c.contains(not), "{infra}: {c}");
            let text: String = g.steps.iter().map(|s| s.text.as_str()).collect();
            assert_eq!(
                text.contains("IP") || g.about.contains("IP"),
                infra == Infra::Classic,
                "{infra}: {text} {}",
                g.about
            );
        }
    }

    #[test]
    fn the_gateway_ca_guide_names_the_root_the_chain_needs() {
        let s = Settings::default();
        let isrg = GatewayRoot {
            name: "ISRG Root X1".into(),
            download: Some("https://letsencrypt.org/certs/isrgrootx1.pem"),
        };
        let g = for_input(CertInput::GatewayCa, &s, Some(&isrg));
        assert!(g.steps[0].text.contains("ISRG Root X1"), "{g:?}");
        assert_eq!(
            g.steps[0].command.as_deref(),
            Some("curl -fsSLO https://letsencrypt.org/certs/isrgrootx1.pem")
        );
        let own = GatewayRoot {
            name: "Corp Root".into(),
            download: None,
        };
        let g = for_input(CertInput::GatewayCa, &s, Some(&own));
        assert!(g.steps[0].text.contains("\"Corp Root\""), "{g:?}");
        assert!(
            commands(&g).iter().all(|c| !c.contains("letsencrypt")),
            "{g:?}"
        );
        // Nothing says the client CA stands in any more.
        for g in [for_input(CertInput::GatewayCa, &s, None), g] {
            assert!(!g.about.contains("Leave it empty"), "{g:?}");
        }
    }
}
