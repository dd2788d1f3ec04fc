//! `install.sh`: the procedure's steps in order ([`procedure::steps`]), each announced. Every
//! check runs before the first change; every change first asks who owns what it writes
//! ([`manifest::Takeover`]); a secret is written only when its content changes and never with an older
//! certificate than the cluster holds. So a rerun is safe at any point.

use super::builder::{Facts, Sh, bundle_path, ns_word, quote};
use super::secrets::{self as sec, bundle_value};
use crate::manifest::{self, Apis, Doc, IngressApi, Manifest, ObjectRef, names, owner, takeover};
use crate::procedure::{self, Step};
use crate::settings::{GatewayConfig, Settings};
use std::fmt::Write as _;

const RERUN: &str = "Running install.sh again is safe: every step first reads what is in the \
                     cluster and changes only what differs.";

/// Groups that Kubernetes serves itself; any other group of a manifest needs its CRD.
const BUILT_IN_GROUPS: &[&str] = &["", "apps", "extensions", "networking.k8s.io"];

fn group(api_version: &str) -> &str {
    api_version.rsplit_once('/').map_or("", |(g, _)| g)
}

fn name_word(s: &Settings, name: &str) -> String {
    if name == s.app {
        "\"$APP\"".into()
    } else if name == s.app_namespace {
        "\"$APP_NAMESPACE\"".into()
    } else {
        quote(name)
    }
}

/// `RESOURCE KIND NAMESPACE NAME` words of an object, as `decide_file` takes them.
fn object_words(s: &Settings, o: &ObjectRef) -> String {
    format!(
        "{} {} {} {}",
        quote(&o.resource()),
        quote(o.kind),
        if o.namespace.is_empty() {
            "''".to_owned()
        } else {
            ns_word(s, &o.namespace)
        },
        name_word(s, &o.name)
    )
}

/// Every namespace the manifests write to, with the resources written there.
fn resources_by_namespace(manifests: &[Manifest]) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for o in manifests.iter().flat_map(|m| &m.objects) {
        if o.namespace.is_empty() {
            continue;
        }
        let r = o.resource();
        match out.iter_mut().find(|(ns, _)| *ns == o.namespace) {
            Some((_, rs)) if !rs.contains(&r) => rs.push(r),
            Some(_) => {}
            None => out.push((o.namespace.clone(), vec![r])),
        }
    }
    out
}

/// The Ingress resource of the bundle (its API group), for the app namespace's old Ingress too.
fn ingress_resource(manifests: &[Manifest]) -> String {
    manifest::find(manifests, Doc::Ingress)
        .and_then(|m| m.objects.first())
        .map_or_else(|| "ingresses.networking.k8s.io".into(), ObjectRef::resource)
}

fn prerequisites(sh: &mut Sh, s: &Settings, apis: &Apis, manifests: &[Manifest]) {
    sh.line("need ibmcloud openssl awk sed");
    // The gateway namespace, the CRDs of every non-built-in kind, the ingress class: one call.
    let mut wanted = vec![(
        "namespace/\"$GATEWAY_NAMESPACE\"".to_owned(),
        "namespace/$GATEWAY_NAMESPACE".to_owned(),
        "the gateway namespace $GATEWAY_NAMESPACE (is Istio installed there?)".to_owned(),
    )];
    let mut crds: Vec<String> = manifests
        .iter()
        .flat_map(|m| &m.objects)
        .filter(|o| !BUILT_IN_GROUPS.contains(&group(o.api_version)))
        .map(ObjectRef::resource)
        .collect();
    crds.dedup();
    for crd in crds {
        let why = if crd.ends_with(&format!(".{}", manifest::GATEWAY_API_GROUP)) {
            "the Gateway API, v1.5.0 or newer: kubectl apply --server-side -f https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.5.1/standard-install.yaml"
        } else {
            "Istio's API for this profile: is Istio installed, and recent or old enough?"
        };
        wanted.push((
            quote(&format!("crd/{crd}")),
            format!("customresourcedefinition.apiextensions.k8s.io/{crd}"),
            format!("the CRD {crd} ({why})"),
        ));
    }
    if let Some(class) = apis.ingress_class() {
        wanted.push((
            quote(&format!("ingressclass/{class}")),
            format!("ingressclass.networking.k8s.io/{class}"),
            format!("the ingress class {class} (the ALB: ibmcloud ks ingress alb ls --cluster $CLUSTER_NAME)"),
        ));
    }
    let args: Vec<&str> = wanted.iter().map(|(a, _, _)| a.as_str()).collect();
    let _ = writeln!(
        sh.out,
        "found=\"$(k get {} -o name 2>\"$WORK_DIR/found.err\" || true)\"\nmissing=''",
        args.join(" ")
    );
    for (_, name, what) in &wanted {
        let _ = writeln!(
            sh.out,
            "if grep -qxF -- \"{name}\" <<<\"$found\"; then ok \"{name}\"; else missing=\"$missing\n  {what}\"; fi"
        );
    }
    sh.line("if [ -n \"$missing\" ]; then die \"missing in the cluster:$missing\n(kubectl: $(head -n 3 \"$WORK_DIR/found.err\"))\"; fi");
    let (k, v) = names::GATEWAY_SELECTOR;
    let _ = writeln!(
        sh.out,
        "pods=\"$(k get pods -n \"$GATEWAY_NAMESPACE\" -l {} -o 'jsonpath={{range .items[*]}}{{.metadata.name}}{{\"|\"}}{{.status.phase}}{{\"|\"}}{{.status.containerStatuses[*].ready}}{{\"\\n\"}}{{end}}')\"\n\
         running=\"$(awk -F'|' '$2 == \"Running\" && $3 !~ /false/ && $3 != \"\" {{ n++ }} END {{ print n + 0 }}' <<<\"$pods\")\"\n\
         if [ \"$running\" -eq 0 ]; then die \"no running, ready gateway pod labelled {k}={v} in $GATEWAY_NAMESPACE\"; fi\n\
         ok \"$running gateway pod(s) running and ready in $GATEWAY_NAMESPACE\"",
        quote(&format!("{k}={v}"))
    );
    if apis.ingress == IngressApi::NetworkingV1Traefik {
        // Traefik v3's CRD serves v1alpha1, IBM's examples write v1: ask the cluster.
        let _ = writeln!(
            sh.out,
            "TRAEFIK_API=\"$(k api-resources --api-group={group} --no-headers 2>/dev/null | awk '$NF == \"ServersTransport\" {{ print $(NF - 2); exit }}')\"\n\
             if [ -z \"$TRAEFIK_API\" ]; then die \"the cluster serves no ServersTransport in {group}: is the ALB Traefik? (ibmcloud ks ingress alb ls --cluster $CLUSTER_NAME)\"; fi\n\
             ok \"the cluster serves ServersTransport as $TRAEFIK_API\"",
            group = manifest::TRANSPORT_GROUP,
        );
    }
    let _ = s;
    if apis.gateway_config == GatewayConfig::GatewayApi {
        sh.line("check_gateway_api");
    }
    if !apis.sample {
        // No sample under the app's name: the route's app must run already.
        sh.line("need_app");
    }
}

fn check_nlb(sh: &mut Sh, apis: &Apis) {
    let list = format!("{} --cluster \"$CLUSTER_NAME\"", apis.nlb_dns.list());
    let (option, var) = apis.nlb_dns.target();
    // The setting that holds the load balancer, named in the refusal.
    let setting = match apis.infrastructure {
        crate::settings::Infrastructure::Classic => crate::settings::Field::IngressIp,
        crate::settings::Infrastructure::Vpc => crate::settings::Field::LbHost,
    };
    // IBM creates the secret in the gateway namespace when asked to (IBM-renewed mode).
    let keep = if apis.gateway_certs == crate::manifest::GatewayCerts::SdsIbmManaged {
        " --secret-namespace $GATEWAY_NAMESPACE"
    } else {
        ""
    };
    let create = format!(
        "{} --cluster $CLUSTER_NAME {option} ${var}{keep}",
        apis.nlb_dns.create()
    );
    // Whole fields only: the host name is the first field of its line, and the load balancer
    // (an IP on classic, a host name on VPC) one of the comma-separated values of a field
    // (192.0.2.100 is not 192.0.2.10).
    let _ = writeln!(
        sh.out,
        "if ! nlb_list=\"$({list} 2>&1)\"; then die \"{} failed: $nlb_list\"; fi\n\
         read -r nlb_seen nlb_ip nlb_secret NLB_LISTED_NS nlb_ips <<<\"$(awk -v host=\"$NLB_INGRESS_DOMAIN\" -v ip=\"${var}\" -v secret=\"$NLB_SECRET\" '\n  \
         $1 == host {{\n    seen = 1\n    for (i = 2; i <= NF; i++) {{\n      n = split($i, a, \",\")\n      for (j = 1; j <= n; j++) if (a[j] == ip) hit = 1\n      if ($i != secret && $i ~ /[.:]/) ips = ips $i \",\"\n      if ($i == secret) {{ sec = 1; if (i < NF && $(i + 1) ~ /^[a-z0-9-]+$/) ns = $(i + 1) }}\n    }}\n  }}\n  END {{ print seen + 0, hit + 0, sec + 0, (ns == \"\" ? \"-\" : ns), (ips == \"\" ? \"-\" : ips) }}' <<<\"$nlb_list\")\"\n\
         if [ \"$nlb_seen\" -eq 0 ]; then\n  \
         die \"$NLB_INGRESS_DOMAIN is not registered in cluster $CLUSTER_NAME. Create it with: {create}, then put the new host name and secret into the settings and generate the bundle again.\"\n\
         fi\n\
         if [ \"$nlb_ip\" -eq 0 ]; then\n  \
         die \"$NLB_INGRESS_DOMAIN is registered for ${{nlb_ips%,}}, not for ${var} (the settings' {setting}). Check kubectl get svc istio-ingressgateway -n $GATEWAY_NAMESPACE.\"\n\
         fi\n\
         ok \"$NLB_INGRESS_DOMAIN is registered for ${var}\"\n\
         if [ \"$NLB_LISTED_NS\" = - ]; then NLB_LISTED_NS=''; fi\n\
         if [ \"$nlb_secret\" -eq 0 ]; then warn \"the listing does not name the secret $NLB_SECRET for $NLB_INGRESS_DOMAIN: check the settings' nlb_secret\"; fi",
        apis.nlb_dns.list(),
        setting = setting.label(),
    );
}

/// The namespace word of a manifest's objects (`''` when cluster-scoped).
fn manifest_ns(s: &Settings, m: &Manifest) -> String {
    match m.objects.first() {
        Some(o) if !o.namespace.is_empty() => ns_word(s, &o.namespace),
        _ => "''".into(),
    }
}

fn check_ownership(sh: &mut Sh, s: &Settings, apis: &Apis, manifests: &[Manifest]) {
    for (ns, resources) in resources_by_namespace(manifests) {
        let mut resources = resources;
        let legacy = ingress_resource(manifests);
        if ns == s.app_namespace && !resources.contains(&legacy) {
            resources.push(legacy);
        }
        let _ = writeln!(
            sh.out,
            "inventory {} {}",
            ns_word(s, &ns),
            quote(&resources.join(","))
        );
    }
    // Cluster-scoped objects (the app namespace) into the `_cluster` inventory.
    let _ = writeln!(
        sh.out,
        "k get namespace \"$APP_NAMESPACE\" --ignore-not-found -o 'jsonpath={{.kind}}{{\"|\"}}{{.metadata.name}}{{\"|\"}}{{.metadata.labels.{}}}{{\"\\n\"}}' >\"$WORK_DIR/inventory/_cluster\"\n\
         if [ ! -s \"$WORK_DIR/inventory/_cluster\" ]; then NEW_NAMESPACE=$APP_NAMESPACE; fi",
        owner::BUNDLE_LABEL,
    );
    for m in manifests {
        let words: Vec<String> = m.objects.iter().map(|o| object_words(s, o)).collect();
        let _ = writeln!(
            sh.out,
            "decide_file {} {} \\\n  {}",
            quote(&m.path),
            takeover(m.doc).word(),
            words.join(" \\\n  ")
        );
    }
    // The scripts' own objects: the copy of IBM's ALB secret (someone else's copy is kept), and
    // the app namespace's old Ingress (someone else's: never deleted by install).
    if apis.copies_alb_secret() {
        sh.line(
            "decide_file alb-tls-copy keep secrets Secret \"$GATEWAY_NAMESPACE\" \"$ALB_SECRET\"",
        );
    }
    let _ = writeln!(
        sh.out,
        "LEGACY_INGRESS=\"$(owner \"$APP_NAMESPACE\" Ingress {ing})\"\n\
         case \"$LEGACY_INGRESS\" in\n  \
         foreign)\n    \
         if [ \"$DELETE_OLD_INGRESS\" -eq 1 ]; then\n      \
         note \"Ingress $APP_NAMESPACE/{ing} (the ALB's old path to the app) will be deleted once the new Ingress exists (--delete-old-ingress)\"\n    \
         else\n      \
         REFUSED=\"$REFUSED\n  Ingress $APP_NAMESPACE/{ing} is the ALB's old path to the app, which the procedure replaces: with both, the ALB may keep using it and get 502 once mutual TLS is STRICT. Delete it yourself (kubectl get ingress {ing} -n $APP_NAMESPACE -o yaml keeps a copy), or run again with --delete-old-ingress: install then deletes it right after the new Ingress exists. Cleanup cannot put it back.\"\n    \
         fi\n    \
         ;;\n  \
         absent) ok \"no old Ingress {ing} in $APP_NAMESPACE\" ;;\n  \
         *) note \"Ingress $APP_NAMESPACE/{ing} is labelled by istio-alb ($LEGACY_INGRESS): left alone\" ;;\n\
         esac\n\
         refuse_if_any",
        ing = names::INGRESS
    );
    // The API server's own verdict on every manifest, conflicts included, before any change.
    if let Some(m) = manifest::find(manifests, Doc::ServersTransport) {
        served_transport(sh, m);
    }
    sh.out.push_str("check_conflicts");
    for m in manifests {
        if matches!(m.doc, Doc::Secret(_)) {
            continue; // written from certs/ by the secrets step, checked key by key
        }
        let path = if m.doc == Doc::ServersTransport {
            "\"$transport_file\"".to_owned()
        } else {
            bundle_path(&m.path)
        };
        let _ = write!(sh.out, " \\\n  {} {path}", manifest_ns(s, m));
    }
    sh.out.push('\n');
}

fn check_secrets(sh: &mut Sh, apis: &Apis, s: &Settings) {
    sec::read_ibm_secrets(sh, "\"$NLB_LISTED_NS\" ");
    sec::bundle_sources(sh, apis, s);
    // In IBM-renewed mode the bundle holds no copy of the gateway certificate to compare.
    if !s.ibm_keeps_gateway_secret() {
        let _ = writeln!(
            sh.out,
            "first_cert {} \"$WORK_DIR/bundle-nlb.crt\"\n\
         if later \"$WORK_DIR/ibm-nlb/tls.crt\" \"$WORK_DIR/bundle-nlb.crt\"; then\n  \
         warn \"IBM renewed the NLB certificate since this bundle was made (IBM's is valid until $(enddate \"$WORK_DIR/ibm-nlb/tls.crt\"), the bundle's until $(enddate \"$WORK_DIR/bundle-nlb.crt\")): run renew.sh after install\"\n\
         fi",
            bundle_path(crate::inputs::CertInput::NlbCert.bundle_path())
        );
    }
    sec::plan_secrets(sh, apis, s, bundle_value);
    if apis.copies_alb_secret() {
        sh.line("if [ \"$(<\"$WORK_DIR/decision/alb-tls-copy\")\" = keep ]; then");
        sh.line(
            "  note \"the copy $GATEWAY_NAMESPACE/$ALB_SECRET is not istio-alb's: used as it is\"",
        );
        sh.line("  if read_secret \"$GATEWAY_NAMESPACE\" \"$ALB_SECRET\" \"$WORK_DIR/alb-copy\" tls.crt && ! same_file \"$WORK_DIR/alb-copy/tls.crt\" \"$WORK_DIR/ibm-alb/tls.crt\"; then");
        sh.line("    warn \"$GATEWAY_NAMESPACE/$ALB_SECRET differs from IBM's $ALB_SECRET_NAMESPACE/$ALB_SECRET: whoever keeps it must update it\"");
        sh.line("  fi");
        sh.line("else");
        sec::plan_alb_copy(sh);
        sh.line("fi");
    }
}

/// The ServersTransport, applied with the apiVersion the cluster serves (`TRAEFIK_API`, read by
/// the prerequisites): `$transport_file` is the file, or a rewritten copy when the cluster
/// serves another version.
fn served_transport(sh: &mut Sh, m: &Manifest) {
    let file = m.path.rsplit('/').next().unwrap_or(&m.path);
    let _ = writeln!(
        sh.out,
        "transport_file={path}\n\
         if [ \"$TRAEFIK_API\" != {written} ]; then\n  \
         transport_file=\"$WORK_DIR/{file}\"\n  \
         sed \"s#^apiVersion: {written}\\$#apiVersion: $TRAEFIK_API#\" {path} >\"$transport_file\"\n  \
         note \"applying {file} as $TRAEFIK_API, the version this cluster serves\"\n\
         fi",
        written = manifest::TRANSPORT_API_VERSION,
        path = bundle_path(&m.path),
    );
}

pub(super) fn body(f: &Facts) -> Sh {
    let (s, apis, manifests) = (f.s, f.apis, f.manifests);
    let mut sh = Sh::default();
    sh.run("install.sh", RERUN);
    if apis.restarts_gateway() {
        sh.line("GATEWAY_CHANGED=0");
    }
    sh.line("NLB_LISTED_NS=''");
    for step in procedure::steps(&apis) {
        sh.step_checking(&step.announce(), &step.check(&apis));
        match step {
            Step::Preflight => {
                let preflight = bundle_path("scripts/preflight.sh");
                let _ = writeln!(
                    sh.out,
                    "if [ \"$SKIP_PREFLIGHT\" -eq 1 ]; then\n  echo '  skipped (--skip-preflight)'\nelif ! bash {preflight}; then\n  die 'the preflight failed (see above), so nothing was changed in the cluster. Fix the certificates and generate the bundle again, or pass --skip-preflight.'\nfi"
                );
            }
            Step::CheckCluster => {
                sh.line("need kubectl");
                sh.line("check_cluster");
            }
            Step::CheckPrerequisites => prerequisites(&mut sh, s, &apis, manifests),
            Step::CheckNlb(_) => check_nlb(&mut sh, &apis),
            Step::CheckOwnership => check_ownership(&mut sh, s, &apis, manifests),
            Step::CheckSecrets => check_secrets(&mut sh, &apis, s),
            Step::Apply(doc) => {
                if let Some(m) = manifest::find(manifests, doc) {
                    let _ = write!(
                        sh.out,
                        "apply_file {} {}",
                        quote(&m.path),
                        manifest_ns(s, m)
                    );
                    if doc == Doc::ServersTransport {
                        sh.out.push_str(" \"$transport_file\"");
                    }
                    sh.out.push('\n');
                }
                if doc == Doc::Route && apis.gateway_config == GatewayConfig::GatewayApi {
                    // Istio takes both up before the ALB is pointed at them and STRICT applies.
                    let _ = writeln!(
                        sh.out,
                        "wait_gateway_api {} {}",
                        names::GATEWAY_API_GATEWAY,
                        names::HTTP_ROUTE
                    );
                }
            }
            Step::Secrets => sec::apply_secrets(&mut sh, &apis, s, &f.sides),
            Step::CopyAlbSecret => sh.lines(&[
                "if [ \"$(<\"$WORK_DIR/decision/alb-tls-copy\")\" = keep ]; then",
                "  ok \"$GATEWAY_NAMESPACE/$ALB_SECRET is not istio-alb's: left as it is\"",
                "else",
                "  apply_secret \"$ALB_SECRET\"",
                "fi",
            ]),
            Step::RestartGateway => sh.line("restart_if_needed"),
            Step::DeleteLegacyIngress => {
                let _ = writeln!(
                    sh.out,
                    "if [ \"$LEGACY_INGRESS\" = foreign ]; then\n  \
                     change delete {} {} -n \"$APP_NAMESPACE\" --ignore-not-found=true\n\
                     else\n  ok 'no old Ingress to delete'\nfi",
                    quote(&ingress_resource(manifests)),
                    names::INGRESS
                );
            }
        }
    }
    sh.lines(&[
        "",
        "echo",
        "if [ \"$DRY_RUN\" -eq 1 ]; then",
        "  echo \"Dry run: nothing was changed; the API server refused $DRY_REFUSED of the changes shown.\"",
        "  if [ \"$DRY_REFUSED\" -gt 0 ]; then exit 1; fi",
        "else",
        "  echo \"Done: $SECRETS_WRITTEN secret(s) written, $WARNINGS warning(s). Check the setup with: $BUNDLE_DIR/scripts/verify.sh\"",
        "fi",
    ]);
    sh
}
