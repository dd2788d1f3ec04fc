//! What the ALB checks when it connects to the gateway, per ALB: the name it verifies the gateway
//! certificate as (NGINX's `proxy-ssl-name`, Traefik's `serverName`, IBM's default for the
//! documented annotation) and how deep it verifies the chain.

use crate::finding::{Code, Finding, Subject};
use crate::manifest::sides::CLASSIC_VERIFY_DEPTH;
use crate::manifest::{Apis, IngressApi, verify_depth};
use crate::pki::check::{CheckReport, host_findings};

/// Name coverage of `hosts` (each typed into a settings field) and verify depth for the ALB of
/// these settings.
pub(super) fn findings(
    apis: &Apis,
    report: &CheckReport,
    hosts: &[(Subject, &str)],
) -> Vec<Finding> {
    let verified_as = match apis.ingress {
        IngressApi::ExtensionsV1beta1Ibm => "IBM's ALB verifies the gateway as the NLB host name",
        IngressApi::NetworkingV1Nginx => {
            "The ALB verifies the gateway as this name (the Ingress's proxy-ssl-name)"
        }
        IngressApi::NetworkingV1Traefik => {
            "Traefik verifies the gateway as this name (the ServersTransport's serverName)"
        }
    };
    let mut out = host_findings(report, hosts, verified_as);
    if report.nlb_leaf.is_some() {
        out.extend(depth_finding(apis, report));
    }
    // Traefik verifies the gateway chain with Go's crypto/x509: what Go refuses beyond OpenSSL.
    match apis.ingress {
        IngressApi::NetworkingV1Traefik => out.extend(report.nlb_go_findings.iter().cloned()),
        IngressApi::ExtensionsV1beta1Ibm | IngressApi::NetworkingV1Nginx => {}
    }
    out
}

/// How deep the ALB verifies the gateway chain, when there is something to know: IBM's default
/// depth too small for the chain (classic), or that depth does not apply (Traefik). The NGINX
/// Ingress sets the depth the chain needs, which the bundle's README states.
fn depth_finding(apis: &Apis, report: &CheckReport) -> Option<Finding> {
    let need = verify_depth(report);
    let chain = match need {
        1 => "the gateway certificate is signed by the trusted CA itself".to_owned(),
        n => format!(
            "the gateway chain has {} intermediate CA(s) below the trusted CA",
            n - 1
        ),
    };
    let nlb_cert = Some(crate::inputs::CertInput::NlbCert.into());
    let finding = match apis.ingress {
        IngressApi::ExtensionsV1beta1Ibm if need > CLASSIC_VERIFY_DEPTH => Finding::error(
            Code::VerifyDepth,
            format!(
                "{chain}, so the ALB needs verify depth {need}, but the documented ssl-services \
                 annotation sets none and IBM's ALB verifies with depth {CLASSIC_VERIFY_DEPTH}: \
                 it would refuse the gateway (unable to get local issuer certificate). Shorten \
                 the chain, or add proxy-ssl-verify-depth={need} to the ssl-services annotation"
            ),
            nlb_cert,
        ),
        IngressApi::ExtensionsV1beta1Ibm | IngressApi::NetworkingV1Nginx => return None,
        IngressApi::NetworkingV1Traefik => Finding::info(
            Code::VerifyDepth,
            format!(
                "{}{}. Verify depth does not apply to Traefik: it verifies the whole chain \
                 (Go's crypto/tls sets no depth limit), so the bundle sets none",
                chain[..1].to_ascii_uppercase(),
                &chain[1..]
            ),
            nlb_cert,
        ),
    };
    Some(finding)
}
