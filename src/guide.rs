//! Where each value comes from: for every certificate input and settings field, a short
//! explanation and the exact commands that print it, for classic and VPC clusters (the page's
//! "Where do I get this?"). Commands carry the values already typed into the settings, or a
//! placeholder such as `<cluster>` while a value is missing or unusable, so a command is never
//! built from an empty value.

use crate::field::Field;
use crate::inputs::CertInput;
use crate::settings::Settings;

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

/// A value for a command: the settings' value when it is a plain name (letters, digits, `.`,
/// `-`, `_`, `:`) that does not look like key material, else the placeholder. Plain names need
/// no shell quoting.
fn value_or(value: &str, placeholder: &str) -> String {
    let v = value.trim();
    if !v.is_empty()
        && v.len() <= 253
        && !crate::text::looks_like_key_material(v)
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':'))
    {
        v.to_owned()
    } else {
        placeholder.to_owned()
    }
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

/// The values the commands use.
struct Values {
    cluster: String,
    ip: String,
    nlb_secret: String,
    alb_secret: String,
    gateway_namespace: String,
}

impl Values {
    fn of(s: &Settings) -> Values {
        Values {
            cluster: value_or(&s.cluster_name, "<cluster>"),
            ip: value_or(&s.ingress_ip, "<ingress-ip>"),
            nlb_secret: value_or(&s.nlb_secret, "<nlb-secret>"),
            alb_secret: value_or(&s.alb_secret, "<alb-secret>"),
            gateway_namespace: value_or(&s.gateway_namespace, "istio-system"),
        }
    }

    /// `kubectl` printing one entry of a secret, decoded.
    fn secret_entry(&self, secret: &str, key: &str) -> String {
        let escaped = key.replace('.', "\\.");
        format!(
            "kubectl get secret {secret} -n default -o jsonpath='{{.data.{escaped}}}' | base64 -d"
        )
    }

    fn nlb_dns_create(&self) -> [Step; 2] {
        [
            on(
                Infrastructure::Classic,
                "Register a host name for the gateway's IP, with its certificate secret in the \
                 gateway's namespace:",
                format!(
                    "ibmcloud ks nlb-dns create classic --cluster {} --ip {} --secret-namespace {}",
                    self.cluster, self.ip, self.gateway_namespace
                ),
            ),
            on(
                Infrastructure::Vpc,
                "Register a host name for the gateway's load balancer (its host name is the \
                 EXTERNAL-IP of the istio-ingressgateway service):",
                format!(
                    "ibmcloud ks nlb-dns create vpc-gen2 --cluster {} --lb-host <lb-host> \
                     --secret-namespace {}",
                    self.cluster, self.gateway_namespace
                ),
            ),
        ]
    }
}

/// The guidance for a certificate or key input.
pub fn for_input(input: CertInput, s: &Settings) -> Guide {
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
                     it in a secret: its {key} is the gateway's {what}. The secret is in the \
                     default namespace (or the one given with --secret-namespace)."
                ),
                steps: vec![
                    step(
                        "Find the secret: the last column of the line with your NLB host name.",
                        Some(list),
                    ),
                    step(
                        &format!("Print the {what}, decoded, and paste it here:"),
                        Some(v.secret_entry(&v.nlb_secret, key)),
                    ),
                    step(
                        &format!(
                            "Or paste the whole secret as kubectl prints it: this page takes \
                             {key} out of it and decodes it."
                        ),
                        Some(format!(
                            "kubectl get secret {} -n default -o yaml",
                            v.nlb_secret
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
        CertInput::GatewayCa => Guide {
            about: "The root CA the ALB checks the gateway certificate against. IBM's NLB \
                    certificates come from Let's Encrypt, whose chains end at ISRG Root X1 (the \
                    procedure's DST Root CA X3 expired in 2021). Leave it empty to use the CA for \
                    ALB client certificates."
                .to_owned(),
            steps: vec![
                step(
                    "See which CA issued the gateway certificate:",
                    Some(format!(
                        "{} | openssl x509 -noout -issuer",
                        v.secret_entry(&v.nlb_secret, "tls.crt")
                    )),
                ),
                step(
                    "Download ISRG Root X1 on a machine with internet access and paste it here:",
                    Some("curl -fsSLO https://letsencrypt.org/certs/isrgrootx1.pem".to_owned()),
                ),
            ],
        },
    }
}

/// The guidance for a settings field, when there is more to say than its help line.
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
                    of the istio-ingressgateway service."
                .to_owned(),
            steps: vec![step(
                "Print it (on VPC clusters the column shows the load balancer's host name):",
                Some(format!(
                    "kubectl get svc istio-ingressgateway -n {}",
                    v.gateway_namespace
                )),
            )],
        },
        Field::NlbDomain | Field::NlbSecret => {
            let mut steps = vec![step(
                "List the host names IBM registered for your load balancers: the host name, \
                 and in the last column its certificate secret.",
                Some(format!("ibmcloud ks nlb-dns ls --cluster {}", v.cluster)),
            )];
            steps.extend(v.nlb_dns_create());
            Guide {
                about: "IBM Cloud registers a host name for the gateway's load balancer and \
                        keeps a Let's Encrypt certificate for it in a secret."
                    .to_owned(),
                steps,
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
                    "Check that the secret exists:",
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
        _ => return None,
    };
    Some(guide)
}

#[cfg(test)]
mod tests {
    use super::*;

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
            let g = for_input(input, &Settings::default());
            assert!(!g.about.is_empty(), "{input}");
            assert!(!g.steps.is_empty(), "{input}");
        }
    }

    #[test]
    fn commands_use_the_values_typed_or_placeholders_never_empty_values() {
        let empty = Settings::default();
        let g = for_input(CertInput::NlbCert, &empty);
        let commands: Vec<String> = g.steps.iter().filter_map(|s| s.command.clone()).collect();
        assert!(
            commands.iter().any(|c| c.contains("<nlb-secret>")),
            "{commands:?}"
        );
        assert!(
            commands.iter().all(|c| !c.contains("secret  ")),
            "{commands:?}"
        );
        let typed = Settings {
            nlb_secret: "mycluster-abc-0001".into(),
            cluster_name: "mycluster".into(),
            ..Settings::default()
        };
        let g = for_input(CertInput::NlbCert, &typed);
        assert!(g.steps.iter().any(|s| s.command.as_deref()
            == Some("kubectl get secret mycluster-abc-0001 -n default -o jsonpath='{.data.tls\\.crt}' | base64 -d")));
        // A value that is not a plain name never reaches a command.
        let hostile = Settings {
            nlb_secret: "x; rm -rf /".into(),
            ..Settings::default()
        };
        let g = for_input(CertInput::NlbKey, &hostile);
        assert!(
            g.steps
                .iter()
                .filter_map(|s| s.command.as_deref())
                .all(|c| !c.contains("rm -rf"))
        );
    }

    #[test]
    fn both_infrastructures_are_covered_where_they_differ() {
        let g = for_field(Field::NlbDomain, &Settings::default()).expect("guide");
        let on = |i: Infrastructure| {
            g.steps
                .iter()
                .find(|s| s.infrastructure == i)
                .and_then(|s| s.command.clone())
                .unwrap_or_default()
        };
        assert!(on(Infrastructure::Classic).contains("nlb-dns create classic"));
        assert!(on(Infrastructure::Vpc).contains("nlb-dns create vpc-gen2"));
    }
}
