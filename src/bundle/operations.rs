//! The README sections on running the scripts: prerequisites, flags, what install owns and what
//! it does with objects it finds, what a failure report says, verify, renew, cleanup. They say
//! what the scripts do (`src/script/`), with this bundle's names.

use crate::inputs::CertInput;
use crate::manifest::owner::{BUNDLE_LABEL, INJECTION_LABEL, MANAGED_BY, MANAGED_BY_LABEL};
use crate::manifest::{Apis, GatewayCerts, Owner, Takeover, names, secrets, takeover};
use crate::plan::Plan;
use crate::script::{CA_CERT, CA_KEY, IBM_SECRET_NAMESPACE, quote, test_request};
use std::fmt::Write as _;

pub(super) fn prerequisites(o: &mut String, plan: &Plan) {
    let s = &plan.settings;
    let _ = writeln!(
        o,
        "## Before you run anything\n\n\
         - **Tools** on the machine that runs the scripts: bash 3.2 or later (macOS's will do), \
         `kubectl`, `openssl` 1.1.1 or later (on macOS: `openssl@3` first on `PATH`; LibreSSL's \
         `openssl` lacks options the preflight uses), `awk`, `sed`; `ibmcloud` \
         with the `ks` plugin, logged in, for `install.sh`; `curl` for `verify.sh`. No `base64`, `jq` or GNU \
         tool is needed.\n\
         - **The right cluster.** Every script first checks that kubectl's context belongs to \
         cluster `{c}` (the context's cluster, or the context, is `{c}` or `{c}/<id>`, as IBM \
         names them) and stops otherwise, before it reads anything else. Select it with \
         `ibmcloud ks cluster config --cluster {q}`, or give every script `--context NAME`.\n\
         - **IBM's secrets**: the NLB host name's secret `{nlb}` and the Ingress subdomain's \
         secret `{alb}`. The scripts look for them in `{IBM_SECRET_NAMESPACE}`, then in `{gw}` \
         (where `nlb-dns create --secret-namespace {gw}` puts the NLB's); `install.sh` also \
         reads the namespace from `ibmcloud ks nlb-dns ls`. Elsewhere: `--secret-namespace NS` \
         (NLB) and `--alb-secret-namespace NS` (ALB).\n\
         - **Permissions** to read and write secrets, Istio resources and Ingresses in `{gw}` \
         and `{app}`, and to label namespaces.\n",
        c = s.cluster_name,
        q = quote(&s.cluster_name),
        nlb = s.nlb_secret,
        alb = s.alb_secret,
        gw = s.gateway_namespace,
        app = s.app_namespace,
    );
    o.push_str(
        "| flag | scripts | what |\n|---|---|---|\n\
         | `--dry-run` | install, renew, cleanup | every check runs for real; every change is \
         printed and sent to the API server with `--dry-run=server` (validated, admission run, \
         nothing stored); objects of a namespace install has yet to create are only printed. \
         Exits 1 when the server refused a change. |\n\
         | `--context NAME` | all but preflight | the kubeconfig context to use (default: the \
         current one); it must belong to the bundle's cluster |\n\
         | `--secret-namespace NS`, `--alb-secret-namespace NS` | install, verify, renew | where \
         IBM keeps its NLB / ALB secret |\n\
         | `--skip-preflight` | install | skip the local handshake |\n\
         | `--force-conflicts` | install, renew | take over the fields another field manager \
         set on a shared object (see Ownership) |\n\
         | `--delete-old-ingress` | install | delete the app namespace's old Ingress once the \
         new one exists (see Ownership) |\n\
         | `--timeout SECONDS` | install, renew | how long to wait for the gateway's rollout and, \
         with the Gateway API, for Istio to program the Gateway (default 300) |\n\
         | `--force-client` | renew | issue the next ALB client certificate now (needs the \
         private CA's key) |\n\
         | `--yes` | cleanup | do not ask; required when stdin is not a terminal |\n\n",
    );
}

pub(super) fn ownership(o: &mut String, plan: &Plan, apis: &Apis) {
    let s = &plan.settings;
    let owner = Owner::of(s);
    let _ = writeln!(
        o,
        "## Ownership: what install creates, and what it finds\n\n\
         Everything `install.sh` creates carries the labels `{MANAGED_BY_LABEL}: {MANAGED_BY}` \
         and `{BUNDLE_LABEL}: {id}` (this bundle's id: the same for every bundle generated for \
         cluster `{c}` with these namespaces) and an annotation `{BUNDLE_LABEL}` naming the \
         bundle{pods}. `kubectl get all,secrets,gateways,\
         virtualservices,destinationrules -A -l {BUNDLE_LABEL}={id}` lists them. Before its \
         first change install looks at every object it is about to write; one that exists \
         without this bundle's label is handled by kind:\n\n\
         | object | when it exists and is not this bundle's |\n|---|---|",
        id = owner.id,
        c = s.cluster_name,
        pods = if apis.sample {
            "; the sample app's pods carry the labels too"
        } else {
            ""
        },
    );
    let mut rows: Vec<(String, Takeover)> = Vec::new();
    for m in &plan.manifests {
        let what: Vec<String> = m
            .objects
            .iter()
            .map(|ob| {
                if ob.namespace.is_empty() {
                    format!("{} `{}`", ob.kind, ob.name)
                } else {
                    format!("{} `{}/{}`", ob.kind, ob.namespace, ob.name)
                }
            })
            .collect();
        rows.push((what.join(", "), takeover(m.doc)));
    }
    for (what, t) in rows {
        let rule = match t {
            Takeover::Refuse => {
                "**refused**: install stops before any change and says how to hand it over \
                 (delete it, or give it this bundle's labels with the `kubectl label` command it \
                 prints). A secret holds someone's key material, never copied to disk by the \
                 scripts, and other gateways or Ingresses may serve from it."
                    .to_owned()
            }
            Takeover::Share => {
                "**shared**: install applies the file under the field manager `istio-alb`. A \
                 field another manager set to another value is a conflict: install stops before \
                 any change and names the manager and the field (`--force-conflicts` hands the \
                 field to istio-alb). `cleanup.sh` gives back what istio-alb set and keeps the \
                 object. Configuration without keys that the procedure redefines."
                    .to_owned()
            }
            Takeover::Keep => {
                "**used as it is**: your app is what the route points to; install neither \
                 changes nor labels it, and cleanup never deletes it."
                    .to_owned()
            }
            Takeover::Label => format!(
                "**kept, only labelled**: install applies `{}={}` under the field manager \
                 `istio-alb`, cleanup gives that label back, and the namespace is never deleted. \
                 Pods already running get their sidecar when they restart.",
                INJECTION_LABEL.0, INJECTION_LABEL.1
            ),
        };
        let _ = writeln!(o, "| {what} | {rule} |");
    }
    if apis.copies_alb_secret() {
        let _ = writeln!(
            o,
            "| Secret `{}/{}` (install's copy of IBM's ALB secret) | **used as it is**: someone \
             else keeps a copy there (other Ingresses may use it); verify compares it with \
             IBM's. |",
            s.gateway_namespace, s.alb_secret
        );
    }
    let _ = writeln!(
        o,
        "| Ingress `{}/{}` (the ALB's old path to the app) | **refused**, unless you pass \
         `--delete-old-ingress`: then install deletes it right after the new Ingress exists, \
         as the procedure does. Cleanup cannot put it back (nothing is backed up): keep a copy \
         with `kubectl get ingress -o yaml` if you may want it again. |\n\n\
         An object labelled by another istio-alb bundle is always refused. A secret install \
         refused is listed with the exact command to label it, should you want this bundle to \
         own it.\n\n\
         Install and renew write with `kubectl apply --server-side --field-manager=istio-alb`: \
         the fields that manager owns are what this bundle owns (`kubectl get -o yaml \
         --show-managed-fields` shows them). When another manager has taken a field of one of \
         these objects since (someone's `kubectl edit`, an operator), the apply stops and \
         kubectl names that manager and the field; nothing of it is changed. Put the field \
         back, or run again with `--force-conflicts` to give it to istio-alb. `--dry-run` \
         shows, for every object, the API server's verdict and `kubectl diff --server-side` \
         against what runs now (secret data masked), and exits 1 when the server would \
         refuse a change.\n",
        s.app_namespace,
        names::INGRESS
    );
}

pub(super) fn failures(o: &mut String) {
    o.push_str(
        "## When a script fails\n\n\
         Each step is announced as `==> [n/total] …`. A failing step ends the script with a \
         report on stderr: which step stopped, whether anything was changed (nothing was, when \
         it stops in one of install's checks), that running it again is safe, and what to \
         check. Running again is safe because every step reads the cluster first and changes \
         only what differs: manifests are applied, a secret is written only when its content \
         changes. The temporary folder (which holds \
         decoded keys while a script runs) is removed on every exit, Ctrl-C and `kill` \
         included.\n\n",
    );
}

pub(super) fn verify(o: &mut String, plan: &Plan, apis: &Apis) {
    let s = &plan.settings;
    let (test_path, _) = test_request(s);
    let loaded = match apis.gateway_certs {
        GatewayCerts::Sds => format!(
            "Envoy's `config_dump` (`pilot-agent request GET config_dump?resource=\
             dynamic_active_secrets`) holds `kubernetes://{c}` with the serial of the secret's \
             certificate, and `kubernetes://{c}-cacert` with its client CA",
            c = names::CURRENT_GATEWAY_CREDENTIAL
        ),
        GatewayCerts::SdsIbmManaged => format!(
            "Envoy's `config_dump` (`pilot-agent request GET config_dump?resource=\
             dynamic_active_secrets`) holds `kubernetes://{c}` (IBM's own secret, which IBM \
             renews in place) with the serial of that secret's certificate, and \
             `kubernetes://{c}-cacert` with the client CA",
            c = s.nlb_secret
        ),
        GatewayCerts::FileMounted => "Envoy's `/certs` shows \
             `/etc/istio/ingressgateway-certs/tls.crt` with the serial of the secret's \
             certificate (a mounted certificate changes only with a restart)"
            .to_owned(),
    };
    let _ = writeln!(
        o,
        "## Verify\n\n`scripts/verify.sh` only reads. Each check prints `ok`, `WARN` or `FAIL` \
         (with the next step to take); it keeps going and exits 1 when one failed:\n\n\
         - the bundle's objects are in place and this bundle's; the gateway service has \
         `{ip}`; gateway pods run;\n\
         - every secret in `{gw}`: readable, each key belonging to its certificate, the gateway \
         certificate for server and the ALB client certificate for client authentication, days \
         left against the renewal window (WARN in the last third of a certificate's lifetime, \
         FAIL when expired); the ALB trusts the gateway certificate and the gateway's client CA \
         trusts the ALB client certificate, as they are in the cluster; the gateway certificate \
         covers `{nlb}`; each copy equals IBM's current certificate;\n\
         - each gateway pod: {loaded};\n\
         - the ALB pods run;\n\
         - `{url}` with the ALB's own client certificate and key (read from the cluster) must \
         answer; only then does the same request without a client certificate count, and it \
         must be refused in the TLS handshake (curl 35, or 56 with a TLS alert), not by a \
         connection error;\n\
         - `{alb_url}` through the ALB.\n",
        ip = match s.infrastructure {
            crate::settings::Infrastructure::Classic => &s.ingress_ip,
            crate::settings::Infrastructure::Vpc => &s.lb_host,
        },
        gw = s.gateway_namespace,
        nlb = s.nlb_domain,
        url = format_args!("https://{}{test_path}", s.nlb_domain),
        alb_url = format_args!("https://{}{test_path}", crate::manifest::alb_host(s)),
    );
}

pub(super) fn renew(o: &mut String, plan: &Plan, apis: &Apis) {
    let s = &plan.settings;
    let gateway_secrets: Vec<String> = secrets(apis, &plan.settings)
        .iter()
        .map(|x| format!("`{}`", x.name))
        .collect();
    let has_key = !plan.report.pems[CertInput::ClientCaKey].trim().is_empty();
    let restart = match apis.gateway_certs {
        GatewayCerts::FileMounted => {
            " The classic gateway reads its certificates at start only: when they changed (or a \
             gateway pod serves another serial than its secret, after an interrupted run), renew \
             makes a rolling restart (`kubectl rollout restart` and `rollout status`), never \
             otherwise."
        }
        GatewayCerts::Sds => " The gateway reloads its credential by itself (SDS): no restart.",
        GatewayCerts::SdsIbmManaged => "",
    };
    let ibm_keeps = if apis.gateway_certs == GatewayCerts::SdsIbmManaged {
        format!(
            "\n\nThe gateway's certificate is not among them: IBM keeps the NLB certificate in its \
             own secret `{secret}` in `{gw}` (nlb_secret_namespace) and renews it there, and the \
             Gateway's `credentialName` names that secret, so the gateway reloads each renewal \
             by itself (SDS, no restart). `renew.sh` has nothing to copy for the gateway, and the \
             bundle holds no copy of the NLB key; it only checks IBM's renewed certificate and \
             keeps `{secret}-cacert` (the client CA) and the ALB's secrets current.",
            secret = s.nlb_secret,
            gw = s.gateway_namespace,
        )
    } else {
        String::new()
    };
    let _ = writeln!(
        o,
        "## Renew\n\n\
         IBM renews the certificates it issues for the NLB host name and the Ingress subdomain \
         before they expire, in its own secrets; the bundle's own secrets in `{gw}` ({list}) are \
         written by install and not renewed with them. Lifetimes are shrinking: Let's Encrypt \
         issues for 90 days today, 64 days from 2027-02-10 and 45 days from 2028-02-16, and \
         advises renewing at about two thirds \
         of a certificate's lifetime; `verify.sh` warns when a certificate enters its last \
         third. Run `scripts/renew.sh` after each renewal, or on a schedule (it is a no-op when \
         nothing changed).\n\n\
         It reads IBM's current certificates and checks them first: readable, key matching, \
         chaining to the CA the ALB trusts (`certs/gateway-ca.pem`), covering `{nlb}`. It \
         writes a secret only when its content changes, never with a certificate that expires \
         earlier than the one the cluster holds.{restart}{ibm_keeps}\n",
        gw = s.gateway_namespace,
        list = gateway_secrets.join(", "),
        nlb = s.nlb_domain,
    );
    let (client_secret, _) = match apis.ingress {
        crate::manifest::IngressApi::NetworkingV1Nginx => (names::CURRENT_ALB_PROXY_SSL, ()),
        crate::manifest::IngressApi::ExtensionsV1beta1Ibm => (names::CLASSIC_ALB_CERTS, ()),
        crate::manifest::IngressApi::NetworkingV1Traefik => (names::TRAEFIK_CLIENT_TLS, ()),
    };
    let _ = writeln!(
        o,
        "### The ALB client certificate\n\n\
         Let's Encrypt certificates no longer carry clientAuth, so the ALB's client certificate \
         comes from a private CA (`istio-alb ca init`). When this folder holds the CA's key at \
         `{CA_KEY}` ({state}), `renew.sh` issues the next client certificate once the current \
         one is in the last third of its lifetime (or with `--force-client`) and writes it into \
         `{client_secret}`: ECDSA P-256, `CA:FALSE`, keyUsage digitalSignature (critical), \
         extendedKeyUsage clientAuth only, authority key identifier, a random 128-bit serial, \
         365 days, the profile of `istio-alb ca issue`. The key never goes into the cluster.\n\n\
         **Keep the CA key offline.** It is needed only to issue the next client certificate: \
         after install, move `private-ca/` off this machine (it holds `client-ca.key` and a copy \
         of the CA certificate, `{CA_CERT}`). Without it, renew warns when the client \
         certificate is due, and you issue the next one where the CA lives, either\n\n\
         - `istio-alb ca issue DIR`, DIR holding `client-ca.pem` and `client-ca.key` (the \
         `private-ca/` folder): it writes `alb-client.crt` and `alb-client.key`; or\n\
         - with openssl:\n\n\
         ```bash\n\
         openssl ecparam -name prime256v1 -genkey -noout | openssl pkcs8 -topk8 -nocrypt -out alb-client.key\n\
         openssl req -new -key alb-client.key -subj '/O=istio-alb private CA/CN=ALB client' -out alb-client.csr\n\
         printf '%s\\n' 'basicConstraints = critical, CA:FALSE' 'keyUsage = critical, digitalSignature' \\\n  \
         'extendedKeyUsage = clientAuth' 'authorityKeyIdentifier = keyid' >client.ext\n\
         openssl x509 -req -in alb-client.csr -CA client-ca.pem -CAkey client-ca.key \\\n  \
         -set_serial 0x$(openssl rand -hex 16) -days 365 -sha256 -extfile client.ext -out alb-client.crt\n\
         ```\n\n\
         then give them as `alb_client_cert` and `alb_client_key` in the settings, generate the \
         bundle again and run its `install.sh` (or bring `private-ca/` back for one `renew.sh \
         --force-client`).\n",
        state = if has_key {
            "this bundle does"
        } else {
            "this bundle does not: the settings gave no `client_ca_key`"
        },
    );
}

pub(super) fn cleanup(o: &mut String, plan: &Plan) {
    let s = &plan.settings;
    let _ = writeln!(
        o,
        "## Cleanup\n\n\
         `scripts/cleanup.sh` removes what `install.sh` created, found by this bundle's label \
         (`{BUNDLE_LABEL}={id}`), never by name. An object that another field manager also set \
         (it existed before install, or someone changed it since) is not deleted: cleanup \
         applies it under `istio-alb` with no field but its name, so the API server removes \
         what only istio-alb set and keeps the rest; the app namespace's `{inj}` label is given \
         back the same way. It deletes namespace `{app}` only when \
         install created it and it holds nothing but this bundle's objects (what Kubernetes and \
         Istio put in every namespace aside); otherwise it keeps it and says what else is there. \
         IBM's secrets, your app and anything else without the label are never touched.\n\n\
         It works in install's order reversed (mutual TLS relaxed before the new path goes), \
         prints the whole plan first, then asks; `--yes` answers, \
         and is required when stdin is not a terminal. `--dry-run` prints the plan and sends \
         each change with `--dry-run=server`.\n",
        id = Owner::of(s).id,
        inj = INJECTION_LABEL.0,
        app = s.app_namespace,
    );
}
