//! Human labels for the inputs and settings fields, shared by forms and findings.

/// The label a person sees for an input or settings key (falls back to the key itself).
pub fn input_label(key: &str) -> &str {
    match key {
        "nlb_cert" => "Gateway (NLB) certificate",
        "nlb_key" => "Gateway (NLB) private key",
        "alb_client_cert" => "ALB client certificate",
        "alb_client_key" => "ALB client private key",
        "client_ca" => "CA for ALB client certificates",
        "gateway_ca" => "CA the ALB trusts",
        "cluster_name" => "Cluster name",
        "ingress_ip" => "Ingress gateway IP",
        "nlb_domain" => "NLB domain",
        "nlb_secret" => "NLB secret",
        "alb_domain" => "ALB ingress domain",
        "alb_secret" => "ALB secret",
        "app_namespace" => "App namespace",
        "app" => "App",
        "app_port" => "App port",
        "path" => "Path",
        "gateway_namespace" => "Gateway namespace",
        "profile" => "Profile",
        other => other,
    }
}
