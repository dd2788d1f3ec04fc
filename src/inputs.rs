//! The certificate and key inputs of the procedure, named once.
//!
//! [`CertInput`] is the vocabulary (serde name, label, help, bundle path); [`CertInputs`] holds
//! one text per input, indexed by it. Settings files, findings, the bundle and the page all use
//! these, so a new input is a compile error everywhere it matters.

use serde::de::{self, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::ops::{Index, IndexMut};

/// What an input holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    /// A leaf certificate, optionally with its intermediates.
    Chain,
    /// Exactly one private key.
    PrivateKey,
    /// One or more CA certificates to trust.
    TrustedCas,
}

/// One certificate or key input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CertInput {
    /// Gateway (NLB) certificate, optionally followed by intermediates, any order.
    NlbCert,
    NlbKey,
    /// The ALB's client certificate towards the gateway (+ intermediates).
    AlbClientCert,
    AlbClientKey,
    /// CA the gateway trusts for ALB client certificates.
    ClientCa,
    /// The private key of the client CA, when it is the user's own private CA: never put into
    /// the cluster, only kept (0600, in its own folder of the bundle) to issue the next client
    /// certificate.
    ClientCaKey,
    /// CA the ALB trusts for the gateway certificate: the root its chain ends at (ISRG Root X1
    /// for Let's Encrypt), given on its own: the client CA is a private CA that did not issue it.
    GatewayCa,
}

impl CertInput {
    /// Every input, in the order of the procedure (and of the page and settings file).
    pub const ALL: [CertInput; 7] = [
        CertInput::NlbCert,
        CertInput::NlbKey,
        CertInput::AlbClientCert,
        CertInput::AlbClientKey,
        CertInput::ClientCa,
        CertInput::ClientCaKey,
        CertInput::GatewayCa,
    ];

    const fn index(self) -> usize {
        self as usize
    }

    /// The stable name: settings key, element id, `Finding::input`.
    pub const fn name(self) -> &'static str {
        match self {
            CertInput::NlbCert => "nlb_cert",
            CertInput::NlbKey => "nlb_key",
            CertInput::AlbClientCert => "alb_client_cert",
            CertInput::AlbClientKey => "alb_client_key",
            CertInput::ClientCa => "client_ca",
            CertInput::ClientCaKey => "client_ca_key",
            CertInput::GatewayCa => "gateway_ca",
        }
    }

    pub fn from_name(name: &str) -> Option<CertInput> {
        CertInput::ALL.into_iter().find(|c| c.name() == name)
    }

    /// The label a person sees.
    pub const fn label(self) -> &'static str {
        match self {
            CertInput::NlbCert => "Gateway (NLB) certificate",
            CertInput::NlbKey => "Gateway (NLB) private key",
            CertInput::AlbClientCert => "ALB client certificate",
            CertInput::AlbClientKey => "ALB client private key",
            CertInput::ClientCa => "CA for ALB client certificates",
            CertInput::ClientCaKey => "Private key of the client CA (optional)",
            CertInput::GatewayCa => "CA the ALB trusts",
        }
    }

    /// One sentence on what belongs here and where to get it.
    pub const fn hint(self) -> &'static str {
        match self {
            CertInput::NlbCert => {
                "tls.crt of IBM's NLB secret: the leaf first or not, with its intermediates."
            }
            CertInput::NlbKey => "tls.key of the same secret.",
            CertInput::AlbClientCert => {
                "The certificate the ALB presents to the gateway; it needs the clientAuth usage."
            }
            CertInput::AlbClientKey => "The key of the ALB client certificate.",
            CertInput::ClientCa => "The gateway trusts client certificates issued by this CA.",
            CertInput::ClientCaKey => {
                "Only for your own private CA: lets renew.sh issue the next client certificate. \
                 Never put into the cluster."
            }
            CertInput::GatewayCa => {
                "The root the gateway certificate's chain ends at (ISRG Root X1 for Let's Encrypt)."
            }
        }
    }

    /// What to paste, in the words of a "not given yet" message.
    pub const fn what(self) -> &'static str {
        match self {
            CertInput::NlbCert => {
                "the gateway (NLB) certificate, leaf first, with its intermediates"
            }
            CertInput::NlbKey => "the gateway certificate's private key",
            CertInput::AlbClientCert => "the ALB's client certificate, with its intermediates",
            CertInput::AlbClientKey => "the ALB client certificate's private key",
            CertInput::ClientCa => "the CA the gateway trusts for the ALB's client certificate",
            CertInput::ClientCaKey => "the private key of your own client CA",
            CertInput::GatewayCa => "the CA the ALB trusts for the gateway certificate",
        }
    }

    pub const fn kind(self) -> InputKind {
        match self {
            CertInput::NlbCert | CertInput::AlbClientCert => InputKind::Chain,
            CertInput::NlbKey | CertInput::AlbClientKey | CertInput::ClientCaKey => {
                InputKind::PrivateKey
            }
            CertInput::ClientCa | CertInput::GatewayCa => InputKind::TrustedCas,
        }
    }

    /// A private key input (never shown, never stored, mode 0600 in the bundle).
    pub const fn is_key(self) -> bool {
        matches!(self.kind(), InputKind::PrivateKey)
    }

    /// Whether the bundle can be made without it: only the client CA's own key is optional.
    pub const fn required(self) -> bool {
        match self {
            CertInput::ClientCaKey => false,
            CertInput::GatewayCa
            | CertInput::NlbCert
            | CertInput::NlbKey
            | CertInput::AlbClientCert
            | CertInput::AlbClientKey
            | CertInput::ClientCa => true,
        }
    }

    /// Where the bundle keeps it; the bundle's `settings.yaml` points here.
    pub const fn bundle_path(self) -> &'static str {
        match self {
            CertInput::NlbCert => "certs/nlb.crt",
            CertInput::NlbKey => "certs/nlb.key",
            CertInput::AlbClientCert => "certs/alb-client.crt",
            CertInput::AlbClientKey => "certs/alb-client.key",
            CertInput::ClientCa => "certs/client-ca.pem",
            CertInput::ClientCaKey => "private-ca/client-ca.key",
            CertInput::GatewayCa => "certs/gateway-ca.pem",
        }
    }
}

impl fmt::Display for CertInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One text per certificate input (PEM text, or in a settings file a path; empty = not given).
///
/// `Debug` shows lengths only: these texts hold private keys.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct CertInputs([String; 7]);

impl CertInputs {
    /// Every input with its text, in [`CertInput::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = (CertInput, &str)> {
        CertInput::ALL.into_iter().map(|c| (c, self[c].as_str()))
    }

    /// Whether the input holds anything but white space.
    pub fn given(&self, input: CertInput) -> bool {
        !self[input].trim().is_empty()
    }

    /// Build from a function of each input.
    pub fn from_fn(mut f: impl FnMut(CertInput) -> String) -> Self {
        CertInputs(CertInput::ALL.map(&mut f))
    }
}

impl Index<CertInput> for CertInputs {
    type Output = String;
    fn index(&self, i: CertInput) -> &String {
        &self.0[i.index()]
    }
}

impl IndexMut<CertInput> for CertInputs {
    fn index_mut(&mut self, i: CertInput) -> &mut String {
        &mut self.0[i.index()]
    }
}

impl fmt::Debug for CertInputs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut m = f.debug_map();
        for (input, text) in self.iter() {
            m.entry(&input.name(), &format_args!("<{} bytes>", text.len()));
        }
        m.finish()
    }
}

/// A map keyed by the input names, in [`CertInput::ALL`] order.
impl Serialize for CertInputs {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(CertInput::ALL.len()))?;
        for (input, text) in self.iter() {
            m.serialize_entry(input.name(), text)?;
        }
        m.end()
    }
}

/// Missing names stay empty; an unknown name is an error naming the known ones.
impl<'de> Deserialize<'de> for CertInputs {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = CertInputs;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map of certificate inputs")
            }
            fn visit_unit<E: de::Error>(self) -> Result<CertInputs, E> {
                Ok(CertInputs::default())
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<CertInputs, A::Error> {
                const NAMES: [&str; 7] = [
                    CertInput::NlbCert.name(),
                    CertInput::NlbKey.name(),
                    CertInput::AlbClientCert.name(),
                    CertInput::AlbClientKey.name(),
                    CertInput::ClientCa.name(),
                    CertInput::ClientCaKey.name(),
                    CertInput::GatewayCa.name(),
                ];
                let mut out = CertInputs::default();
                while let Some(key) = map.next_key::<String>()? {
                    let input = CertInput::from_name(&key)
                        .ok_or_else(|| de::Error::unknown_field(&key, &NAMES))?;
                    out[input] = map.next_value::<Option<String>>()?.unwrap_or_default();
                }
                Ok(out)
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_index_their_own_slot() {
        let mut inputs = CertInputs::default();
        for c in CertInput::ALL {
            assert_eq!(CertInput::from_name(c.name()), Some(c));
            inputs[c] = format!("text of {}", c.name());
        }
        for (c, text) in inputs.iter() {
            assert_eq!(text, format!("text of {}", c.name()));
        }
        assert_eq!(CertInput::from_name("app_port"), None);
    }

    #[test]
    fn debug_never_shows_the_text() {
        let mut inputs = CertInputs::default();
        inputs[CertInput::NlbKey] = "-----BEGIN PRIVATE KEY-----\nSECRET".into();
        let shown = format!("{inputs:?}");
        assert!(!shown.contains("SECRET"), "{shown}");
        assert!(shown.contains("nlb_key"), "{shown}");
    }

    #[test]
    fn yaml_keeps_order_and_refuses_unknown_names() {
        let mut inputs = CertInputs::default();
        inputs[CertInput::ClientCa] = "ca.pem".into();
        let yaml = serde_yaml::to_string(&inputs).unwrap();
        let keys: Vec<&str> = yaml.lines().filter_map(|l| l.split(':').next()).collect();
        assert_eq!(keys, CertInput::ALL.map(|c| c.name()).to_vec(), "{yaml}");
        assert_eq!(serde_yaml::from_str::<CertInputs>(&yaml).unwrap(), inputs);
        let err = serde_yaml::from_str::<CertInputs>("nlb_crt: a\n").unwrap_err();
        assert!(err.to_string().contains("nlb_crt"), "{err}");
    }
}
