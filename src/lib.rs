//! istio-alb-configurator: turns the IBM Cloud ALB/NLB + Istio mutual-TLS procedure into a
//! validated bundle of secrets, manifests and scripts.
pub mod pki;
