use crate::ui::profile_switch::ProfileSwitch;
use crate::ui::text_field::TextField;
use leptos::prelude::*;

/// Step 1: the cluster's values, in the order the procedure asks for them.
#[component]
pub fn ClusterForm() -> impl IntoView {
    view! {
        <section class="step" aria-labelledby="step-cluster">
            <h2 class="step__title" id="step-cluster">
                <span class="step__number" aria-hidden="true">"1"</span>
                "Cluster"
            </h2>
            <ProfileSwitch />
            <div class="field-grid">
                <TextField key="cluster_name" label="Cluster name" help="As in `ibmcloud ks cluster ls`." placeholder="mycluster" />
                <TextField key="ingress_ip" label="Ingress gateway IP" help="EXTERNAL-IP of istio-ingressgateway (IPv4 or IPv6)." placeholder="169.45.1.10" />
                <TextField key="nlb_domain" label="NLB domain" help="Host name from `ibmcloud ks nlb-dns ls` for that IP." placeholder="mycluster-….containers.appdomain.cloud" />
                <TextField key="nlb_secret" label="NLB secret" help="Last column of `ibmcloud ks nlb-dns ls`." placeholder="mycluster-…-0001" />
                <TextField key="alb_domain" label="ALB ingress domain" help="Ingress Subdomain from `ibmcloud ks cluster get`." placeholder="mycluster-….containers.appdomain.cloud" />
                <TextField key="alb_secret" label="ALB secret" help="Ingress Secret from `ibmcloud ks cluster get`." placeholder="mycluster-…-0000" />
                <TextField key="app_namespace" label="App namespace" help="Namespace of the app, labelled for sidecar injection." />
                <TextField key="app" label="App" help="Service and deployment name of the app." />
                <TextField key="app_port" label="App port" help="Service port of the app (1–65535)." inputmode="numeric" />
                <TextField key="path" label="Path" help="URL path prefix the ALB forwards." />
                <TextField key="gateway_namespace" label="Gateway namespace" help="Namespace of the istio-ingressgateway deployment." />
            </div>
        </section>
    }
}
