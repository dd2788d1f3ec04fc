//! Two secrets of one name in one namespace are one secret: install.sh would write one over the
//! other, print "Done", and the ALB-to-gateway mutual TLS would break (issue 22). Every pair of
//! secrets the bundle writes or reads ([`manifest::placements`]: the bundle's own, and IBM's
//! that the settings name) must differ in namespace or name, unless they are the same secret.

use crate::finding::{Code, Finding, Subject};
use crate::manifest::{self, Apis, Placement, SecretOwner};
use crate::settings::{Field, Settings};

/// What a placed secret is, for a message.
fn what(p: &Placement) -> String {
    match p.owner {
        SecretOwner::Bundle(id) => format!("the bundle's {}", id.what()),
        SecretOwner::Ibm(field) => format!("IBM's {}", field.label()),
    }
}

/// An `input-invalid` error for each pair of secrets with one namespace and name but different
/// owners, on the setting that names one of them (the later one's, else the earlier one's).
/// Settings already refused (an error in `refused`) are left to that error: one cause, one
/// finding.
pub(super) fn findings(apis: &Apis, s: &Settings, refused: &[Subject]) -> Vec<Finding> {
    let placed = manifest::placements(apis, s);
    let mut out: Vec<Finding> = Vec::new();
    for (i, a) in placed.iter().enumerate() {
        for b in &placed[i + 1..] {
            let one_secret = a.name == b.name && a.namespace == b.namespace;
            if !one_secret || a.owner == b.owner || a.name.is_empty() {
                continue;
            }
            let Some(field) = b.owner.field().or(a.owner.field()) else {
                continue;
            };
            if refused.contains(&Subject::from(field)) || out.iter().any(|f| f.is_about(field)) {
                continue;
            }
            // IBM names its secrets; the way out is another namespace for one of them.
            let elsewhere = match field {
                Field::NlbSecret => format!(
                    "If it is right, have IBM keep the NLB secret in another namespace (`nlb-dns \
                     create --secret-namespace`, then {}), or run the gateway in another \
                     namespace.",
                    Field::NlbSecretNamespace.label()
                ),
                _ => "If it is right, run the gateway in another namespace.".to_owned(),
            };
            out.push(Finding::error(
                Code::InputInvalid,
                format!(
                    "{} makes {} and {} one secret ({} in namespace {}): install.sh would write \
                     one over the other and the ALB-to-gateway mutual TLS would break. Check the \
                     value (`ibmcloud ks nlb-dns ls` names the NLB secret, `ibmcloud ks cluster \
                     get` the Ingress secret). {elsewhere}",
                    field.label(),
                    what(a),
                    what(b),
                    a.name,
                    a.namespace,
                ),
                Some(field.into()),
            ));
        }
    }
    out
}
