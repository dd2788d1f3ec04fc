//! The procedure as one ordered list of steps. `install.sh` and the bundle's README both walk
//! this list, so a step added here (or a profile that drops one) shows up in both, in the same
//! place. Each step knows its manifest, if any, and its words.

use crate::manifest::{Apis, Doc, IngressApi, names};

/// One step of the installation, in the order of the documented procedure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// `scripts/preflight.sh`: the two sides shake hands locally with the bundle's secrets, before
    /// anything touches the cluster.
    Preflight,
    /// Tools present, cluster reachable, gateway namespace present.
    CheckPrerequisites,
    /// The NLB host name is registered for the gateway's IP.
    CheckNlb,
    /// `kubectl apply` of one numbered manifest.
    Apply(Doc),
    /// Server-side apply of every secret manifest.
    Secrets,
    /// Copy IBM's ALB TLS secret next to the Ingress (current profile).
    CopyAlbSecret,
    /// Restart the gateway pods so that they read file-mounted certificates (classic profile).
    RestartGateway,
    /// Delete the Ingress of the app namespace that the procedure replaces.
    DeleteLegacyIngress,
}

/// Every step for a profile, in order.
pub fn steps(apis: &Apis) -> Vec<Step> {
    let mut out = vec![
        Step::Preflight,
        Step::CheckPrerequisites,
        Step::CheckNlb,
        Step::Apply(Doc::Namespace),
        Step::Apply(Doc::SampleApp),
        Step::Apply(Doc::MtlsPolicy),
        Step::Apply(Doc::DestinationRule),
        Step::Secrets,
    ];
    if apis.copies_alb_secret() {
        out.push(Step::CopyAlbSecret);
    }
    out.push(Step::Apply(Doc::Gateway));
    if apis.restarts_gateway() {
        out.push(Step::RestartGateway);
    }
    out.push(Step::Apply(Doc::VirtualService));
    if apis.ingress == IngressApi::NetworkingV1Traefik {
        // The transport before the Service that names it, both before the Ingress.
        out.extend([
            Step::Apply(Doc::ServersTransport),
            Step::Apply(Doc::AlbService),
        ]);
    }
    out.extend([Step::DeleteLegacyIngress, Step::Apply(Doc::Ingress)]);
    out
}

impl Step {
    /// The line `install.sh` announces the step with; may expand the scripts' `$VARIABLES`.
    pub fn announce(self) -> String {
        match self {
            Step::Preflight => {
                "Preflight: the gateway and the ALB shake hands locally with the bundle's secrets"
                    .into()
            }
            Step::CheckPrerequisites => "Checking prerequisites".into(),
            Step::CheckNlb => "Checking that $NLB_INGRESS_DOMAIN is registered for $INGRESS_HOST".into(),
            Step::Apply(doc) => match doc {
                Doc::Namespace => {
                    "Creating namespace $APP_NAMESPACE, labelled istio-injection=enabled".into()
                }
                Doc::SampleApp => "Deploying the sample app $APP to $APP_NAMESPACE".into(),
                Doc::MtlsPolicy => "Requiring mutual TLS for the services in $APP_NAMESPACE".into(),
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
                Doc::Gateway => "Configuring the gateway for mutual TLS on port 443".into(),
                Doc::VirtualService => "Routing $APP_PATH to $APP through the gateway".into(),
                Doc::Ingress => "Configuring the ALB Ingress for https://$ALB_HOST$APP_PATH".into(),
            },
            Step::Secrets => "Creating the secrets in $GATEWAY_NAMESPACE".into(),
            Step::CopyAlbSecret => {
                "Copying the ALB TLS secret $ALB_SECRET into $GATEWAY_NAMESPACE (the Ingress namespace)"
                    .into()
            }
            Step::RestartGateway => {
                "Deleting the ingress gateway pod so that it loads the certificates".into()
            }
            Step::DeleteLegacyIngress => format!(
                "Deleting a previous Ingress {} in $APP_NAMESPACE, if any",
                names::INGRESS
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::Profile;

    #[test]
    fn every_numbered_manifest_is_applied_once_in_file_order() {
        for profile in Profile::ALL {
            let apis = Apis::of_profile(profile);
            let applied: Vec<Doc> = steps(&apis)
                .into_iter()
                .filter_map(|s| match s {
                    Step::Apply(d) => Some(d),
                    _ => None,
                })
                .collect();
            assert_eq!(
                applied,
                [
                    Doc::Namespace,
                    Doc::SampleApp,
                    Doc::MtlsPolicy,
                    Doc::DestinationRule,
                    Doc::Gateway,
                    Doc::VirtualService,
                    Doc::Ingress
                ],
                "{profile}"
            );
        }
    }

    #[test]
    fn profile_specific_steps_follow_the_apis() {
        let classic = steps(&Apis::of_profile(Profile::Classic));
        let current = steps(&Apis::of_profile(Profile::Current));
        assert!(classic.contains(&Step::RestartGateway) && !classic.contains(&Step::CopyAlbSecret));
        assert!(current.contains(&Step::CopyAlbSecret) && !current.contains(&Step::RestartGateway));
        // Secrets exist before the gateway that reads them; the preflight comes before all.
        for s in [classic, current] {
            assert_eq!(s[0], Step::Preflight);
            let secrets = s.iter().position(|x| *x == Step::Secrets);
            let gateway = s.iter().position(|x| *x == Step::Apply(Doc::Gateway));
            assert!(secrets < gateway);
        }
    }
}
