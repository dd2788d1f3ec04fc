//! The procedure as one ordered list of steps. `install.sh` and the bundle's README both walk
//! this list, so a step added here (or a profile that drops one) shows up in both, in the same
//! place. Each step knows its manifest, if any, and its words.
//!
//! The order is the documented procedure's, rearranged so that the path that works today (ALB →
//! app) keeps working until the new one (ALB → gateway → app) exists: first every check, with
//! nothing changed; then the secrets, the gateway and its routes, the Ingress; the old Ingress
//! goes only then (when `--delete-old-ingress` allows it), and STRICT mutual TLS for the app
//! namespace comes last.

use crate::manifest::{Apis, Doc, IngressApi, NlbDnsCli, names};
use crate::settings::GatewayConfig;

/// One step of the installation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// `scripts/preflight.sh`: the two sides shake hands locally with the bundle's secrets, before
    /// anything touches the cluster.
    Preflight,
    /// kubectl talks to the cluster the bundle is for.
    CheckCluster,
    /// Tools, the gateway namespace, the CRDs and ingress class, the gateway running.
    CheckPrerequisites,
    /// The NLB host name is registered for exactly the gateway's IP (its load balancer's host
    /// name on VPC), as this CLI lists it.
    CheckNlb(NlbDnsCli),
    /// Every object install writes: created by this bundle, absent, or someone else's (refused,
    /// kept or shared, by kind), and the API server's dry run of each under `istio-alb`.
    CheckOwnership,
    /// IBM's secrets present and valid; what each of our secrets would become (never older).
    CheckSecrets,
    /// `kubectl apply` of one numbered manifest.
    Apply(Doc),
    /// The secrets in the gateway namespace, each written only when its content changes.
    Secrets,
    /// Copy IBM's ALB TLS secret next to the Ingress (current profile).
    CopyAlbSecret,
    /// Rolling restart of the gateway when the certificates it mounts changed (classic profile).
    RestartGateway,
    /// Delete the Ingress of the app namespace that the procedure replaces. It is not the
    /// bundle's: install stops in its checks unless `--delete-old-ingress` says to delete it.
    DeleteLegacyIngress,
}

/// Every step for a profile, in order.
pub fn steps(apis: &Apis) -> Vec<Step> {
    let mut out = vec![
        Step::Preflight,
        Step::CheckCluster,
        Step::CheckPrerequisites,
        Step::CheckNlb(apis.nlb_dns),
        Step::CheckOwnership,
        Step::CheckSecrets,
        Step::Apply(Doc::Namespace),
    ];
    if apis.sample {
        out.push(Step::Apply(Doc::SampleApp));
    }
    out.push(Step::Secrets);
    if apis.copies_alb_secret() {
        out.push(Step::CopyAlbSecret);
    }
    out.push(Step::Apply(Doc::DestinationRule));
    if apis.gateway_config == GatewayConfig::GatewayApi {
        // The CA the Gateway's client-certificate validation names, before the Gateway.
        out.push(Step::Apply(Doc::ClientCaBundle));
    }
    out.push(Step::Apply(Doc::Gateway));
    if apis.restarts_gateway() {
        out.push(Step::RestartGateway);
    }
    out.push(Step::Apply(Doc::Route));
    if apis.ingress == IngressApi::NetworkingV1Traefik {
        // The transport before the Service that names it, both before the Ingress.
        out.extend([
            Step::Apply(Doc::ServersTransport),
            Step::Apply(Doc::AlbService),
        ]);
    }
    out.extend([
        Step::Apply(Doc::Ingress),
        Step::DeleteLegacyIngress,
        Step::Apply(Doc::MtlsPolicy),
    ]);
    out
}

impl Step {
    /// Whether the step only reads (every one of them runs before the first change).
    pub const fn is_check(self) -> bool {
        match self {
            Step::Preflight
            | Step::CheckCluster
            | Step::CheckPrerequisites
            | Step::CheckNlb(_)
            | Step::CheckSecrets
            | Step::CheckOwnership => true,
            Step::Apply(_)
            | Step::Secrets
            | Step::CopyAlbSecret
            | Step::RestartGateway
            | Step::DeleteLegacyIngress => false,
        }
    }

    /// The line `install.sh` announces the step with; may expand the scripts' `$VARIABLES`.
    pub fn announce(self) -> String {
        match self {
            Step::Preflight => {
                "Preflight: the gateway and the ALB shake hands locally with the bundle's secrets"
                    .into()
            }
            Step::CheckCluster => "Checking that kubectl talks to cluster $CLUSTER_NAME".into(),
            Step::CheckPrerequisites => {
                "Checking prerequisites: tools, namespace, CRDs, ingress class, gateway pods".into()
            }
            Step::CheckNlb(cli) => format!(
                "Checking that $NLB_INGRESS_DOMAIN is registered for ${}",
                cli.target().1
            ),
            Step::CheckSecrets => {
                "Checking IBM's secrets and what each secret of the bundle would become".into()
            }
            Step::CheckOwnership => {
                "Checking every object install writes: ours, absent, someone else's, conflicts".into()
            }
            Step::Apply(doc) => match doc {
                Doc::Namespace => {
                    "Namespace $APP_NAMESPACE, labelled istio-injection=enabled".into()
                }
                Doc::SampleApp => "The sample app $APP in $APP_NAMESPACE".into(),
                Doc::MtlsPolicy => {
                    "Requiring mutual TLS for the services in $APP_NAMESPACE (last: the new path exists)"
                        .into()
                }
                Doc::DestinationRule => {
                    "Making sidecars use Istio mutual TLS towards $APP_NAMESPACE".into()
                }
                Doc::Secret(_) => "Creating a secret in $GATEWAY_NAMESPACE".into(),
                Doc::ServersTransport => format!(
                    "Giving Traefik the client certificate and the gateway's CA (ServersTransport {})",
                    names::TRAEFIK_TRANSPORT
                ),
                Doc::AlbService => format!(
                    "Creating the Service {} that sends Traefik to the gateway over mutual TLS",
                    names::TRAEFIK_SERVICE
                ),
                Doc::ClientCaBundle => format!(
                    "Giving the gateway the client CA it verifies the ALB with (ConfigMap {})",
                    names::GATEWAY_CLIENT_CA
                ),
                Doc::Gateway => "Configuring the gateway for mutual TLS on port 443".into(),
                Doc::Route => "Routing $APP_PATH to $APP through the gateway".into(),
                Doc::Ingress => "Configuring the ALB Ingress for https://$ALB_HOST$APP_PATH".into(),
            },
            Step::Secrets => "Writing the secrets in $GATEWAY_NAMESPACE that changed".into(),
            Step::CopyAlbSecret => {
                "Copying the ALB TLS secret $ALB_SECRET into $GATEWAY_NAMESPACE (the Ingress namespace)"
                    .into()
            }
            Step::RestartGateway => {
                "Rolling restart of the gateway, if the certificates it mounts changed".into()
            }
            Step::DeleteLegacyIngress => format!(
                "Deleting the previous Ingress {} in $APP_NAMESPACE, if any (--delete-old-ingress)",
                names::INGRESS
            ),
        }
    }

    /// What to check when the step fails; may expand the scripts' `$VARIABLES`.
    pub fn check(self, apis: &Apis) -> String {
        match self {
            Step::Preflight => {
                "the certificates and keys of the bundle (istio-alb check settings.yaml)".into()
            }
            Step::CheckCluster => {
                "ibmcloud ks cluster config --cluster $CLUSTER_NAME, or pass --context".into()
            }
            Step::CheckPrerequisites => {
                "that Istio and the ALB are installed and the gateway pods run: kubectl get pods -n $GATEWAY_NAMESPACE"
                    .into()
            }
            Step::CheckNlb(cli) => format!(
                "ibmcloud ks nlb-dns ls --cluster $CLUSTER_NAME, and the settings' {} and nlb_domain",
                match cli {
                    NlbDnsCli::Vpc => "lb_host",
                    NlbDnsCli::Legacy | NlbDnsCli::Classic => "ingress_ip",
                }
            ),
            Step::CheckSecrets => {
                "IBM's secrets: kubectl get secret $NLB_SECRET $ALB_SECRET -n $IBM_DEFAULT_NAMESPACE (or --secret-namespace)"
                    .into()
            }
            Step::CheckOwnership => {
                "the objects and fields named above: kubectl get -o yaml --show-managed-fields shows who set them"
                    .into()
            }
            Step::Apply(Doc::Secret(_)) | Step::Secrets | Step::CopyAlbSecret => {
                "kubectl get secrets -n $GATEWAY_NAMESPACE, and your permissions there".into()
            }
            Step::Apply(Doc::Namespace | Doc::SampleApp | Doc::MtlsPolicy | Doc::DestinationRule) => {
                "kubectl get all -n $APP_NAMESPACE, and your permissions there".into()
            }
            Step::Apply(Doc::ServersTransport | Doc::AlbService) => {
                "kubectl get serverstransports.traefik.io,services -n $GATEWAY_NAMESPACE, and the Traefik ALB's logs in kube-system"
                    .into()
            }
            Step::Apply(Doc::ClientCaBundle) => {
                "kubectl get configmaps -n $GATEWAY_NAMESPACE, and your permissions there".into()
            }
            Step::Apply(Doc::Gateway | Doc::Route)
                if apis.gateway_config == GatewayConfig::GatewayApi =>
            {
                "kubectl describe gateways.gateway.networking.k8s.io -n $GATEWAY_NAMESPACE; kubectl describe httproutes.gateway.networking.k8s.io -n $APP_NAMESPACE (their status conditions)"
                    .into()
            }
            Step::Apply(Doc::Gateway | Doc::Route | Doc::Ingress) => {
                "kubectl get gateways,virtualservices,ingresses -n $GATEWAY_NAMESPACE".into()
            }
            Step::RestartGateway => {
                "kubectl rollout status deployment -n $GATEWAY_NAMESPACE, and the gateway pods' events"
                    .into()
            }
            Step::DeleteLegacyIngress => {
                "kubectl get ingress -n $APP_NAMESPACE".into()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::Profile;

    #[test]
    fn every_numbered_manifest_is_applied_once() {
        for profile in Profile::ALL {
            let apis = Apis::of_profile(profile);
            let mut applied: Vec<Doc> = steps(&apis)
                .into_iter()
                .filter_map(|s| match s {
                    Step::Apply(d) => Some(d),
                    _ => None,
                })
                .collect();
            assert_eq!(applied.len(), 7, "{profile}");
            applied.dedup();
            assert_eq!(applied.len(), 7, "{profile}");
        }
    }

    #[test]
    fn profile_specific_steps_follow_the_apis() {
        let classic = steps(&Apis::of_profile(Profile::Classic));
        let current = steps(&Apis::of_profile(Profile::Current));
        assert!(classic.contains(&Step::RestartGateway) && !classic.contains(&Step::CopyAlbSecret));
        assert!(current.contains(&Step::CopyAlbSecret) && !current.contains(&Step::RestartGateway));
    }

    /// The order that never breaks the path that works today: checks before any change, the
    /// secrets before the gateway that reads them, the Ingress before the old one goes, STRICT
    /// mutual TLS last.
    #[test]
    fn checks_come_first_and_strict_mtls_last() {
        for profile in Profile::ALL {
            let s = steps(&Apis::of_profile(profile));
            assert_eq!(s[0], Step::Preflight);
            let first_change = s.iter().position(|x| !x.is_check()).unwrap();
            assert!(s[first_change..].iter().all(|x| !x.is_check()), "{profile}");
            let at = |step: Step| s.iter().position(|x| *x == step).unwrap();
            assert!(at(Step::Secrets) < at(Step::Apply(Doc::Gateway)));
            assert!(at(Step::Apply(Doc::Gateway)) < at(Step::Apply(Doc::Ingress)));
            assert!(at(Step::Apply(Doc::Ingress)) < at(Step::DeleteLegacyIngress));
            assert_eq!(s.last(), Some(&Step::Apply(Doc::MtlsPolicy)), "{profile}");
        }
    }

    /// The Gateway API: the CA the Gateway validates with before the Gateway, the route after it,
    /// both in the place of Istio's Gateway and VirtualService; their check names the Gateway
    /// API's resources.
    #[test]
    fn the_gateway_api_applies_its_ca_before_its_gateway() {
        let apis = Apis::of(&crate::settings::Settings {
            gateway_config: GatewayConfig::GatewayApi,
            ..crate::demo::settings()
        });
        let s = steps(&apis);
        let at = |step: Step| s.iter().position(|x| *x == step).unwrap();
        assert!(at(Step::Secrets) < at(Step::Apply(Doc::ClientCaBundle)));
        assert!(at(Step::Apply(Doc::ClientCaBundle)) < at(Step::Apply(Doc::Gateway)));
        assert!(at(Step::Apply(Doc::Gateway)) < at(Step::Apply(Doc::Route)));
        assert!(at(Step::Apply(Doc::Route)) < at(Step::Apply(Doc::Ingress)));
        assert!(
            Step::Apply(Doc::Gateway)
                .check(&apis)
                .contains("gateways.gateway.networking.k8s.io")
        );
        let istio = Apis::of_profile(Profile::Current);
        assert!(!steps(&istio).contains(&Step::Apply(Doc::ClientCaBundle)));
        assert!(
            !Step::Apply(Doc::Gateway)
                .check(&istio)
                .contains("gateway.networking.k8s.io")
        );
    }
}
