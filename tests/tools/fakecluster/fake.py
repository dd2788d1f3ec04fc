"""A stateful fake of `kubectl`, `ibmcloud` and `curl` for the bundle's scripts.

The classic profile's bundles run against it (Kubernetes <= 1.21: no current API server serves
their APIs); every current-profile bundle runs against a real API server, whose stand-ins
(tests/tools/kube/standin.py) call `kubectl` (exec and logs only), `ibmcloud` and `curl` here to
answer what no kubelet, Envoy or IBM API can answer in a test.

State lives in the JSON file named by $FAKE_STATE: kubeconfig contexts, clusters with their
objects (labels and all), NLB registrations, what the gateway loaded; every call is logged, and
the call numbered $state.fail_at fails (exit 1, nothing done) to test what a script does when any
one call fails. Only what the scripts use is implemented, the way the real tools behave:
NotFound errors, namespaces that must exist, CRDs that must be installed, `--dry-run=server`
that validates and stores nothing, `-o name|json|yaml|jsonpath=...`, label selectors.

It runs as a server (`fake.py serve`: prints its port, serves until its stdin closes), so that a
call costs a bash start, not a Python start: the shims in bin/ send their arguments over
`/dev/tcp` and get the exit code back, with stdout and stderr through files beside the state.
`fake.py TOOL ARGS...` runs one call directly (for debugging).
"""

import base64
import contextlib
import copy
import io
import json
import os
import re
import socketserver
import subprocess
import sys
import tempfile
import threading
import time

import yaml  # PyYAML, from the project's venv (.tools/venv, tools/requirements.txt)

STATE = os.environ.get("FAKE_STATE", "")
STDIN = {"text": ""}
LOCK = threading.Lock()


class Fail(Exception):
    def __init__(self, message, code=1):
        Exception.__init__(self, message)
        self.code = code


# ---- resources ------------------------------------------------------------------------------

# resource (plural) -> (kind, group, namespaced)
RESOURCES = {
    "secrets": ("Secret", "", True),
    "namespaces": ("Namespace", "", False),
    "pods": ("Pod", "", True),
    "services": ("Service", "", True),
    "serviceaccounts": ("ServiceAccount", "", True),
    "configmaps": ("ConfigMap", "", True),
    "persistentvolumeclaims": ("PersistentVolumeClaim", "", True),
    "deployments": ("Deployment", "apps", True),
    "replicasets": ("ReplicaSet", "apps", True),
    "statefulsets": ("StatefulSet", "apps", True),
    "daemonsets": ("DaemonSet", "apps", True),
    "jobs": ("Job", "batch", True),
    "cronjobs": ("CronJob", "batch", True),
    "ingresses": ("Ingress", "networking.k8s.io", True),
    "ingressclasses": ("IngressClass", "networking.k8s.io", False),
    "customresourcedefinitions": ("CustomResourceDefinition", "apiextensions.k8s.io", False),
    "gateways": ("Gateway", "networking.istio.io", True),
    "virtualservices": ("VirtualService", "networking.istio.io", True),
    "destinationrules": ("DestinationRule", "networking.istio.io", True),
    "peerauthentications": ("PeerAuthentication", "security.istio.io", True),
    "policies": ("Policy", "authentication.istio.io", True),
    "serverstransports": ("ServersTransport", "traefik.io", True),
}
SHORT = {"ns": "namespaces", "po": "pods", "svc": "services", "sa": "serviceaccounts",
         "cm": "configmaps", "deploy": "deployments", "ing": "ingresses", "crd": "customresourcedefinitions",
         "rs": "replicasets", "sts": "statefulsets", "ds": "daemonsets"}
# Ingress is served under both groups: one object.
GROUP_ALIASES = {"extensions": "networking.k8s.io"}
BUILT_IN = {"", "apps", "batch", "networking.k8s.io", "apiextensions.k8s.io", "extensions"}


def resolve(res):
    """'gateways.networking.istio.io', 'deployment.apps', 'svc' -> (plural, kind, group, namespaced)."""
    name, _, group = res.partition(".")
    name = SHORT.get(name, name)
    candidates = [name, name + "s", name + "es", name[:-1] + "ies" if name.endswith("y") else name]
    for c in candidates:
        if c in RESOURCES:
            kind, g, namespaced = RESOURCES[c]
            if group and GROUP_ALIASES.get(group, group) != g:
                continue
            return c, kind, g, namespaced
    raise Fail('error: the server doesn\'t have a resource type "%s"' % res)


def group_of(obj):
    api = obj.get("apiVersion", "v1")
    g = api.rsplit("/", 1)[0] if "/" in api else ""
    return GROUP_ALIASES.get(g, g)


def same(obj, kind, group, ns, name):
    m = obj["metadata"]
    return (obj["kind"] == kind and group_of(obj) == group and m.get("namespace", "") == ns
            and m["name"] == name)


def singular_name(plural, group, requested_group):
    kind = RESOURCES[plural][0].lower()
    g = requested_group or group
    return kind + ("." + g if g else "")


# ---- label selectors and jsonpath -----------------------------------------------------------

def selected(obj, selector):
    if not selector:
        return True
    labels = obj["metadata"].get("labels") or {}
    for term in selector.split(","):
        term = term.strip()
        if term.startswith("!"):
            if term[1:] in labels:
                return False
        elif "!=" in term:
            k, v = term.split("!=", 1)
            if labels.get(k) == v:
                return False
        elif "=" in term:
            k, v = term.split("=", 1)
            k = k.rstrip("=")
            if labels.get(k) != v:
                return False
        elif term not in labels:
            return False
    return True


def jp_tokens(template):
    out, i = [], 0
    while i < len(template):
        if template[i] == "{":
            j = template.index("}", i)
            # a quoted literal may contain }
            if template[i + 1:i + 2] == '"':
                j = template.index('"}', i + 2) + 1
            out.append(("expr", template[i + 1:j].strip()))
            i = j + 1
        else:
            j = template.find("{", i)
            j = len(template) if j < 0 else j
            out.append(("text", template[i:j]))
            i = j
    return out


def jp_path(node, path):
    """Values of a path like .a.b\\.c[0][*] on node (a list: [*] fans out)."""
    if path.startswith("@"):
        path = path[1:]
    parts = re.findall(r"\.((?:\\.|[^.\[])*)|\[([^\]]*)\]", path)
    values = [node]
    for field, index in parts:
        nxt = []
        for v in values:
            if field:
                key = field.replace("\\.", ".")
                if key == "*" and isinstance(v, dict):
                    nxt.extend(v.values())
                elif isinstance(v, dict) and key in v:
                    nxt.append(v[key])
            else:
                if not isinstance(v, list):
                    continue
                if index == "*":
                    nxt.extend(v)
                elif re.match(r"^-?\d+$", index) and -len(v) <= int(index) < len(v):
                    nxt.append(v[int(index)])
        values = nxt
    return values


def jp_render(tokens, node):
    out, i = [], 0
    while i < len(tokens):
        kind, text = tokens[i]
        if kind == "text":
            out.append(text)
        elif text.startswith("range "):
            depth, j = 1, i + 1
            while j < len(tokens):
                if tokens[j] == ("expr", "end"):
                    depth -= 1
                    if depth == 0:
                        break
                elif tokens[j][0] == "expr" and tokens[j][1].startswith("range "):
                    depth += 1
                j += 1
            for item in jp_path(node, text[6:].strip()):
                out.append(jp_render(tokens[i + 1:j], item))
            i = j
        elif text.startswith('"'):
            out.append(json.loads(text))
        else:
            vals = jp_path(node, text)
            out.append(" ".join(v if isinstance(v, str) else json.dumps(v) if isinstance(v, (dict, list))
                                else ("true" if v is True else "false" if v is False else str(v)) for v in vals))
        i += 1
    return "".join(out)


# ---- state ----------------------------------------------------------------------------------

def load(path):
    with open(path) as f:
        return json.load(f)


def save(path, state):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(state, f, indent=1, sort_keys=True)
    os.replace(tmp, path)


def cluster_of(state, context):
    ctx = context or state.get("current_context") or ""
    if not ctx:
        raise Fail("error: current-context is not set")
    if ctx not in state["contexts"]:
        raise Fail('error: context "%s" does not exist' % ctx)
    return ctx, state["clusters"][state["contexts"][ctx]["cluster"]]


def next_uid(state):
    state["uid"] = state.get("uid", 0) + 1
    return state["uid"]


# ---- kubectl --------------------------------------------------------------------------------

def parse_kubectl(argv):
    opts = {"positional": [], "rest": []}
    valued = {"--context": "context", "-n": "namespace", "--namespace": "namespace", "-o": "output",
              "--output": "output", "-l": "selector", "--selector": "selector", "-f": "file",
              "--filename": "file", "-c": "container", "--timeout": "timeout",
              "--field-manager": "field_manager", "--request-timeout": "request_timeout"}
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--":
            opts["rest"] = argv[i + 1:]
            break
        if a in valued:
            opts[valued[a]] = argv[i + 1]
            i += 2
            continue
        m = re.match(r"^(--[a-z-]+)=(.*)$", a)
        if m and m.group(1) in valued:
            opts[valued[m.group(1)]] = m.group(2)
        elif m:
            opts[m.group(1)[2:].replace("-", "_")] = m.group(2)
        elif a in ("-A", "--all-namespaces"):
            opts["all_namespaces"] = True
        elif a.startswith("--"):
            opts[a[2:].replace("-", "_")] = "true"
        elif a.startswith("-o") and len(a) > 2:
            opts["output"] = a[2:]
        else:
            opts["positional"].append(a)
        i += 1
    return opts


def objects_in(cluster, kind, group, ns, selector=None):
    return [o for o in cluster["objects"]
            if o["kind"] == kind and group_of(o) == group
            and (ns is None or o["metadata"].get("namespace", "") == ns) and selected(o, selector)]


def find(cluster, kind, group, ns, name):
    for o in cluster["objects"]:
        if same(o, kind, group, ns, name):
            return o
    return None


def require_crd(cluster, plural, group):
    if group not in BUILT_IN:
        crd = plural + "." + group
        if not find(cluster, "CustomResourceDefinition", "apiextensions.k8s.io", "", crd):
            raise Fail('error: the server doesn\'t have a resource type "%s"' % plural)


def show(obj_or_list, output, names, requested):
    if output is None:
        items = obj_or_list["items"] if "items" in obj_or_list else [obj_or_list]
        return "NAME\n" + "".join(o["metadata"]["name"] + "\n" for o in items)
    if output == "name":
        items = obj_or_list["items"] if "items" in obj_or_list else [obj_or_list]
        return "".join("%s/%s\n" % (names[id(o)], o["metadata"]["name"]) for o in items)
    if output == "json":
        return json.dumps(obj_or_list, indent=4) + "\n"
    if output == "yaml":
        return yaml.safe_dump(obj_or_list, sort_keys=False, width=float("inf"))
    if output.startswith("jsonpath="):
        return jp_render(jp_tokens(output[len("jsonpath="):]), obj_or_list)
    raise Fail("error: unable to match a printer suitable for the output format %r" % output)


def targets(opts):
    """(resource, name or None) pairs of a get/delete command line."""
    pos = opts["positional"]
    if pos and "/" in pos[0]:
        return [tuple(p.split("/", 1)) for p in pos]
    if not pos:
        raise Fail("error: you must specify the type of resource to get")
    names = pos[1:] or [None]
    return [(r, n) for r in pos[0].split(",") for n in names]


def k_get(state, cluster, opts):
    ns_flag = opts.get("namespace", "default")
    out_items, names, errors, named = [], {}, [], False
    for res, name in targets(opts):
        plural, kind, group, namespaced = resolve(res)
        require_crd(cluster, plural, group)
        requested_group = res.partition(".")[2] if "." in res.split("/")[0] else ""
        ns = (None if opts.get("all_namespaces") else ns_flag) if namespaced else ""
        if name is None:
            found = objects_in(cluster, kind, group, ns, opts.get("selector"))
        else:
            named = True
            o = find(cluster, kind, group, ns or "", name)
            found = [o] if o else []
            if not o and opts.get("ignore_not_found") not in ("true",):
                errors.append('Error from server (NotFound): %s "%s" not found' % (plural, name))
        for o in found:
            names[id(o)] = singular_name(plural, group, requested_group)
        out_items.extend(found)
    output = opts.get("output")
    if named and len(out_items) == 1 and len(targets(opts)) == 1:
        text = show(out_items[0], output, names, None)
    elif not out_items and not named:
        sys.stderr.write("No resources found in %s namespace.\n" % ns_flag)
        text = "" if output and output.startswith(("name", "jsonpath")) else ""
        if output and output.startswith("jsonpath="):
            text = show({"apiVersion": "v1", "kind": "List", "items": []}, output, names, None)
    elif not out_items:
        text = ""
    else:
        text = show({"apiVersion": "v1", "kind": "List", "items": out_items}, output, names, None)
    sys.stdout.write(text)
    if errors:
        raise Fail("\n".join(errors))


def read_manifests(opts):
    f = opts.get("file")
    if not f:
        raise Fail("error: must specify one of -f and -k")
    text = STDIN["text"] if f == "-" else open(f).read()
    return [d for d in yaml.safe_load_all(text) if d]


def place(cluster, obj, opts):
    plural, kind, group, namespaced = resolve(obj["kind"].lower())
    if group_of(obj) != group and not (kind == "Ingress"):
        raise Fail('error: resource mapping not found for kind "%s" in version "%s"' % (obj["kind"], obj["apiVersion"]))
    require_crd(cluster, plural, group)
    meta = obj.setdefault("metadata", {})
    if namespaced:
        meta["namespace"] = meta.get("namespace") or opts.get("namespace") or "default"
        if not find(cluster, "Namespace", "", "", meta["namespace"]):
            raise Fail('Error from server (NotFound): namespaces "%s" not found' % meta["namespace"])
    else:
        meta.pop("namespace", None)
    for k in ("labels", "annotations"):
        if k in meta and not meta[k]:
            del meta[k]
    return plural, kind, group


def validate_object(obj):
    if obj["kind"] == "Secret":
        for k, v in (obj.get("data") or {}).items():
            try:
                base64.b64decode(v, validate=True)
            except Exception:
                raise Fail('Secret "%s" is invalid: data[%s]: Invalid value: illegal base64 data'
                           % (obj["metadata"]["name"], k))


def k_write(state, cluster, opts, verb):
    dry = opts.get("dry_run") == "server"
    for obj in read_manifests(opts):
        plural, kind, group = place(cluster, obj, opts)
        validate_object(obj)
        meta = obj["metadata"]
        ns = meta.get("namespace", "")
        old = find(cluster, kind, group, ns, meta["name"])
        label = "%s/%s" % (singular_name(plural, group, ""), meta["name"])
        if verb == "replace" and not old:
            raise Fail('Error from server (NotFound): %s "%s" not found' % (plural, meta["name"]))
        if verb == "create" and old:
            raise Fail('Error from server (AlreadyExists): %s "%s" already exists' % (plural, meta["name"]))
        if not old and meta.get("resourceVersion"):
            raise Fail("Error from server (Conflict): resourceVersion should not be set on objects to be created")
        new = copy.deepcopy(obj)
        if old and verb == "apply":
            # client-side and server-side apply keep labels and annotations they do not set
            for k in ("labels", "annotations"):
                merged = dict(old["metadata"].get(k) or {})
                merged.update(new["metadata"].get(k) or {})
                if merged:
                    new["metadata"][k] = merged
        new["metadata"].pop("resourceVersion", None)
        new["metadata"]["uid"] = (old or {}).get("metadata", {}).get("uid") or "uid-%d" % next_uid(state)
        new["metadata"]["resourceVersion"] = str(next_uid(state))
        new["metadata"]["creationTimestamp"] = (old or new)["metadata"].get("creationTimestamp", "2026-01-01T00:00:00Z")
        strip = lambda o: {k: v for k, v in o.items() if k != "metadata"}
        strip_meta = lambda o: {k: v for k, v in o["metadata"].items() if k not in ("resourceVersion",)}
        unchanged = old is not None and strip(old) == strip(new) and strip_meta(old) == strip_meta(new)
        what = "unchanged" if unchanged else ("configured" if old else "created")
        if verb == "replace":
            what = "replaced"
        if dry:
            print("%s %s (server dry run)" % (label, what))
            continue
        if not unchanged:
            if old:
                cluster["objects"].remove(old)
            cluster["objects"].append(new)
            if kind == "Deployment":
                spawn_pods(state, cluster, new)
        print("%s %s" % (label, what))


class Differences(Exception):
    """`kubectl diff` found differences: exit code 1, nothing else wrong."""


def k_diff(state, cluster, opts):
    """`kubectl diff [--server-side] -f FILE`: a unified diff of each object, live against what
    applying FILE would make (labels and annotations merged as apply merges them); Secret data
    masked as kubectl masks it. Exit 1 when anything differs."""
    import difflib
    differs = False
    for obj in read_manifests(opts):
        plural, kind, group = place(cluster, obj, opts)
        validate_object(obj)
        meta = obj["metadata"]
        old = find(cluster, kind, group, meta.get("namespace", ""), meta["name"])
        new = copy.deepcopy(obj)
        if old:
            for k in ("labels", "annotations"):
                merged = dict(old["metadata"].get(k) or {})
                merged.update(new["metadata"].get(k) or {})
                if merged:
                    new["metadata"][k] = merged

        def shown(o, other, when):
            if not o:
                return []
            o = copy.deepcopy(o)
            for k in ("uid", "resourceVersion", "creationTimestamp"):
                o["metadata"].pop(k, None)
            if kind == "Secret":
                theirs = (other or {}).get("data") or {}
                o["data"] = {k: "***" if theirs.get(k) == v else "*** (%s)" % when
                             for k, v in (o.get("data") or {}).items()}
            return yaml.safe_dump(o, sort_keys=True).splitlines()

        lines = list(difflib.unified_diff(shown(old, new, "before"), shown(new, old, "after"), "live", "merged",
                                           lineterm=""))
        if lines:
            differs = True
            print("diff -u %s/%s" % (singular_name(plural, group, ""), meta["name"]))
            print("\n".join(lines))
    if differs:
        raise Differences()


def spawn_pods(state, cluster, dep):
    ns = dep["metadata"]["namespace"]
    name = dep["metadata"]["name"]
    cluster["objects"] = [o for o in cluster["objects"]
                          if not (o["kind"] == "Pod" and o.get("_owner") == "%s/%s" % (ns, name))]
    tmpl = dep.get("spec", {}).get("template", {})
    containers = [c["name"] for c in tmpl.get("spec", {}).get("containers", [])]
    nsobj = find(cluster, "Namespace", "", "", ns)
    if nsobj and (nsobj["metadata"].get("labels") or {}).get("istio-injection") == "enabled":
        containers.append("istio-proxy")
    cluster["objects"].append({
        "apiVersion": "v1", "kind": "Pod", "_owner": "%s/%s" % (ns, name),
        "metadata": {"name": "%s-%d" % (name, next_uid(state)), "namespace": ns,
                     "labels": dict(tmpl.get("metadata", {}).get("labels") or {})},
        "spec": {"containers": [{"name": c} for c in containers]},
        "status": {"phase": "Running", "containerStatuses": [{"name": c, "ready": True} for c in containers]},
    })


def k_delete(state, cluster, opts):
    dry = opts.get("dry_run") == "server"
    ns_flag = opts.get("namespace", "default")
    errors = []
    for res, name in targets(opts):
        plural, kind, group, namespaced = resolve(res)
        require_crd(cluster, plural, group)
        ns = ns_flag if namespaced else ""
        found = ([find(cluster, kind, group, ns, name)] if name
                 else objects_in(cluster, kind, group, ns, opts.get("selector")))
        found = [o for o in found if o]
        if name and not found and opts.get("ignore_not_found") != "true":
            errors.append('Error from server (NotFound): %s "%s" not found' % (plural, name))
        for o in found:
            label = "%s/%s" % (singular_name(plural, group, ""), o["metadata"]["name"])
            if dry:
                print("%s deleted (server dry run)" % label)
                continue
            cluster["objects"].remove(o)
            if kind == "Namespace":
                cluster["objects"] = [x for x in cluster["objects"]
                                      if x["metadata"].get("namespace", "") != o["metadata"]["name"]]
            if kind == "Deployment":
                owner = "%s/%s" % (ns, o["metadata"]["name"])
                cluster["objects"] = [x for x in cluster["objects"] if x.get("_owner") != owner]
            print('%s deleted' % label)
    if errors:
        raise Fail("\n".join(errors))


def k_label(state, cluster, opts):
    pos = opts["positional"]
    if "/" in pos[0]:
        res, name = pos[0].split("/", 1)
        changes = pos[1:]
    else:
        res, name = pos[0], pos[1]
        changes = pos[2:]
    plural, kind, group, namespaced = resolve(res)
    ns = opts.get("namespace", "default") if namespaced else ""
    o = find(cluster, kind, group, ns, name)
    if not o:
        raise Fail('Error from server (NotFound): %s "%s" not found' % (plural, name))
    labels = dict(o["metadata"].get("labels") or {})
    for c in changes:
        if c.endswith("-"):
            labels.pop(c[:-1], None)
        else:
            k, v = c.split("=", 1)
            if k in labels and labels[k] != v and opts.get("overwrite") != "true":
                raise Fail("error: '%s' already has a value (%s), and --overwrite is false" % (k, labels[k]))
            labels[k] = v
    label = "%s/%s" % (singular_name(plural, group, ""), name)
    if opts.get("dry_run") == "server":
        print("%s labeled (server dry run)" % label)
        return
    if labels:
        o["metadata"]["labels"] = labels
    else:
        o["metadata"].pop("labels", None)
    print("%s labeled" % label)


def k_rollout(state, cluster, opts):
    verb, target = opts["positional"][0], opts["positional"][1]
    res, name = target.split("/", 1)
    plural, kind, group, _ = resolve(res)
    ns = opts.get("namespace", "default")
    dep = find(cluster, kind, group, ns, name)
    if not dep:
        raise Fail('Error from server (NotFound): deployments.apps "%s" not found' % name)
    if verb == "status":
        print('deployment "%s" successfully rolled out' % name)
        return
    if opts.get("dry_run") == "server":
        print("deployment.apps/%s restarted (server dry run)" % name)
        return
    cluster["restarts"] = cluster.get("restarts", 0) + 1
    cluster["loaded"] = {o["metadata"]["name"]: copy.deepcopy(o.get("data") or {})
                         for o in objects_in(cluster, "Secret", "", ns)}
    print("deployment.apps/%s restarted" % name)


def openssl(*args, stdin=None):
    r = subprocess.run(["openssl"] + list(args), input=stdin, capture_output=True)
    return r.returncode, r.stdout.decode(errors="replace")


def serial_of(pem_b64):
    rc, out = openssl("x509", "-noout", "-serial", stdin=base64.b64decode(pem_b64))
    return out.strip().split("=", 1)[-1].lstrip("0").lower() if rc == 0 else ""


def gateway_secrets(cluster, ns):
    """The SDS secrets Envoy holds: the credentialName of each Gateway in ns."""
    stale = cluster.get("gateway", {}).get("sds_stale")
    out = []
    for gw in objects_in(cluster, "Gateway", "networking.istio.io", ns):
        for server in gw.get("spec", {}).get("servers", []):
            name = (server.get("tls") or {}).get("credentialName")
            if not name:
                continue
            def data_of(n):
                if stale:
                    return (cluster.get("loaded") or {}).get(n)
                s = find(cluster, "Secret", "", ns, n)
                return s.get("data") if s else None
            data = data_of(name)
            if data and data.get("tls.crt"):
                data = dict(data)
                if not data.get("ca.crt"):
                    # Istio's rule: the client CA from ca.crt, else from the secret <name>-cacert
                    ca = (data_of(name + "-cacert") or {}).get("ca.crt")
                    if ca:
                        data["ca.crt"] = ca
                out.append((name, data))
    return out


def sds_certificate(name, chain_b64):
    """One certificate of Envoy's config_dump (dynamic_active_secrets), its key redacted."""
    return {"@type": "type.googleapis.com/envoy.admin.v3.SecretsConfigDump.DynamicSecret",
            "name": name, "version_info": "1",
            "secret": {"name": name, "tls_certificate": {
                "certificate_chain": {"inline_bytes": chain_b64},
                "private_key": {"inline_bytes": "W3JlZGFjdGVkXQ=="}}}}


def sds_ca(name, ca_b64):
    """One validation context (trusted CA) of Envoy's config_dump."""
    return {"@type": "type.googleapis.com/envoy.admin.v3.SecretsConfigDump.DynamicSecret",
            "name": name, "version_info": "1",
            "secret": {"name": name, "validation_context": {"trusted_ca": {"inline_bytes": ca_b64}}}}


def k_exec(state, cluster, opts):
    pod, ns = opts["positional"][0], opts.get("namespace", "default")
    if not find(cluster, "Pod", "", ns, pod):
        raise Fail('Error from server (NotFound): pods "%s" not found' % pod)
    cmd = " ".join(opts["rest"])
    if cmd.startswith("pilot-agent request GET config_dump"):
        configs = []
        for name, data in gateway_secrets(cluster, ns):
            configs.append(sds_certificate("kubernetes://" + name, data["tls.crt"]))
            if data.get("ca.crt"):
                configs.append(sds_ca("kubernetes://%s-cacert" % name, data["ca.crt"]))
        # A Gateway API Gateway: Istio names its certificate kubernetes-gateway://NS/SECRET and
        # the CA of its frontend validation configmap://NS/CONFIGMAP.
        for gw in objects_in(cluster, "Gateway", GATEWAY_API, ns):
            tls = (gateway_api_server(cluster, gw) or {}).get("tls") or {}
            secret, cm = gateway_api_refs(cluster, ns, tls)
            crt = ((secret or {}).get("data") or {}).get("tls.crt")
            if crt:
                configs.append(sds_certificate("kubernetes-gateway://%s/%s" % (ns, tls["credentialName"]), crt))
            ca = ((cm or {}).get("data") or {}).get("ca.crt")
            if ca:
                configs.append(sds_ca("configmap://%s/%s" % (ns, tls["caConfigMap"]),
                                      base64.b64encode(ca.encode()).decode()))
        print(json.dumps({"configs": configs}, indent=1))
    elif cmd == "curl -s 127.0.0.1:15000/certs":
        loaded = cluster.get("loaded") or {}
        certs = loaded.get("istio-ingressgateway-certs", {})
        cas = loaded.get("istio-ingressgateway-ca-certs", {})
        entry = {}
        if certs.get("tls.crt"):
            entry["cert_chain"] = [{"path": "/etc/istio/ingressgateway-certs/tls.crt",
                                    "serial_number": serial_of(certs["tls.crt"])}]
        for k, v in cas.items():
            entry["ca_cert"] = [{"path": "/etc/istio/ingressgateway-ca-certs/" + k, "serial_number": serial_of(v)}]
        print(json.dumps({"certificates": [entry] if entry else []}, indent=1))
    else:
        raise Fail("fake kubectl exec: unsupported command: " + cmd, 126)


def k_api_resources(state, cluster, opts):
    group = opts.get("api_group")
    if group is None and opts.get("verbs") == "list" and opts.get("output") == "name":
        # every kind the fake knows, as `plural.group` (core kinds bare), served when built in or
        # when its CRD is installed
        for plural, (kind, grp, namespaced) in sorted(RESOURCES.items()):
            if opts.get("namespaced") == "true" and not namespaced:
                continue
            if grp in BUILT_IN or find(cluster, "CustomResourceDefinition", "apiextensions.k8s.io", "",
                                       "%s.%s" % (plural, grp)):
                print("%s.%s" % (plural, grp) if grp else plural)
        return
    raise Fail("fake kubectl api-resources: unsupported: %r" % opts)


def k_logs(state, cluster, opts):
    pod, ns = opts["positional"][0], opts.get("namespace", "default")
    if not find(cluster, "Pod", "", ns, pod):
        raise Fail('Error from server (NotFound): pods "%s" not found' % pod)
    sys.stdout.write((cluster.get("logs") or {}).get("%s/%s" % (ns, pod), ""))


def k_config(state, opts):
    pos = opts["positional"]
    if pos[:1] == ["current-context"]:
        if not state.get("current_context"):
            raise Fail("error: current-context is not set")
        print(state["current_context"])
        return
    if pos[:1] == ["get-contexts"]:
        print("\n".join(sorted(state["contexts"])))
        return
    if pos[:1] == ["view"]:
        ctx, cluster = cluster_of(state, opts.get("context"))
        cname = state["contexts"][ctx]["cluster"]
        view = {"current-context": ctx, "contexts": [{"name": ctx, "context": {"cluster": cname}}],
                "clusters": [{"name": cname, "cluster": {"server": cluster.get("server", "")}}]}
        sys.stdout.write(show(view, opts.get("output", "yaml"), {}, None))
        return
    raise Fail("fake kubectl config: unsupported: %s" % pos)


def kubectl(state, argv):
    opts = parse_kubectl(argv)
    verb = opts["positional"].pop(0) if opts["positional"] else ""
    if verb == "config":
        return k_config(state, opts), None
    ctx, cluster = cluster_of(state, opts.get("context"))
    mutating = verb in ("apply", "replace", "create", "delete", "label", "annotate") or (
        verb == "rollout" and opts["positional"][:1] == ["restart"])
    if opts.get("dry_run") == "server":
        mutating = False
    handler = {"get": k_get, "apply": lambda s, c, o: k_write(s, c, o, "apply"),
               "replace": lambda s, c, o: k_write(s, c, o, "replace"),
               "create": lambda s, c, o: k_write(s, c, o, "create"),
               "delete": k_delete, "label": k_label, "rollout": k_rollout, "exec": k_exec,
               "api-resources": k_api_resources, "logs": k_logs, "diff": k_diff}.get(verb)
    if not handler:
        raise Fail("fake kubectl: unsupported command %r" % verb)
    handler(state, cluster, opts)
    return None, (ctx if mutating else None)


# ---- ibmcloud -------------------------------------------------------------------------------

def ibmcloud(state, argv):
    args = " ".join(argv)
    m = re.search(r"--cluster[ =](\S+)", args)
    name = m.group(1) if m else ""
    clusters = [c for c in state["clusters"].values() if c.get("ibm_name") == name]
    if not clusters:
        raise Fail("FAILED\nThe specified cluster could not be found. (A0006)")
    c = clusters[0]
    if argv[:3] == ["ks", "nlb-dns", "ls"]:
        print("OK")
        if c.get("infrastructure") == "vpc":
            # VPC: the load balancer's host name in Target(s), no health monitor column
            print("Hostname   Target(s)   SSL Cert Status   SSL Cert Secret Name   Secret Namespace   Status")
            for e in c.get("nlb", []):
                print("%s   %s   created   %s   %s   OK" % (e["host"], e["lb_host"], e["secret"],
                                                       e.get("secret_namespace", "default")))
            return
        print("Hostname   IP(s)   Health Monitor   SSL Cert Status   SSL Cert Secret Name   Secret Namespace   Status")
        for e in c.get("nlb", []):
            print("%s   %s   None   created   %s   %s   OK" % (e["host"], ",".join(e["ips"]), e["secret"],
                                                           e.get("secret_namespace", "default")))
    elif argv[:2] == ["ks", "nlb-dnss"]:
        print("OK")
        print("Hostname   IP(s)   Health Monitor   SSL Cert Status   SSL Cert Secret Name")
        for e in c.get("nlb", []):
            print("%s   %s   None   created   %s" % (e["host"], ",".join(e["ips"]), e["secret"]))
    else:
        raise Fail("fake ibmcloud: unsupported: " + args)


# ---- curl -----------------------------------------------------------------------------------

def curl(state, argv):
    opts, url, i = {}, None, 0
    while i < len(argv):
        a = argv[i]
        if a in ("-o", "-w", "--max-time", "--cacert", "--capath", "--cert", "--key", "--resolve"):
            opts[a] = argv[i + 1]
            i += 2
            continue
        if not a.startswith("-"):
            url = a
        i += 1
    m = re.match(r"^https://([^/:]+)(/.*)?$", url or "")
    host, path = m.group(1), m.group(2) or "/"

    def answer(code):
        if "-w" in opts:
            sys.stdout.write(opts["-w"].replace("%{http_code}", str(code)))
        return 0

    for c in state["clusters"].values():
        gw = c.get("gateway", {})
        if any(e["host"] == host for e in c.get("nlb", [])):
            if not gw.get("reachable", True):
                raise Fail("curl: (7) Failed to connect to %s port 443 after 3 ms: Couldn't connect to server" % host, 7)
            code = gateway_request(c, host, path, opts.get("--cert"), True)
            return answer(code)
        for ing in objects_in(c, "Ingress", "networking.k8s.io", None):
            for rule in ing.get("spec", {}).get("rules", []):
                if rule.get("host") != host:
                    continue
                for p in rule.get("http", {}).get("paths", []):
                    if path.startswith(p.get("path", "/")):
                        return answer(alb_request(c, ing, p, host, path))
    raise Fail("curl: (6) Could not resolve host: %s" % host, 6)


GATEWAY_API = "gateway.networking.k8s.io"


def gateway_api_server(cluster, gw):
    """A Gateway API Gateway's HTTPS listener on 443 as the Istio server Istio makes of it: the
    certificate's secret as credentialName, MUTUAL when spec.tls.frontend.default.validation says
    AllowValidOnly (its CA from the ConfigMap's ca.crt), else SIMPLE; None without such a listener."""
    spec = gw.get("spec", {})
    for listener in spec.get("listeners", []):
        if listener.get("port") != 443 or listener.get("protocol") != "HTTPS":
            continue
        refs = (listener.get("tls") or {}).get("certificateRefs") or []
        validation = ((spec.get("tls") or {}).get("frontend") or {}).get("default", {}).get("validation") or {}
        ca_refs = validation.get("caCertificateRefs") or []
        server = {"port": {"number": 443}, "tls": {
            "mode": "MUTUAL" if ca_refs and validation.get("mode", "AllowValidOnly") == "AllowValidOnly" else "SIMPLE",
            "credentialName": refs[0]["name"] if refs else None,
            "caConfigMap": ca_refs[0]["name"] if ca_refs and ca_refs[0].get("kind") == "ConfigMap" else None}}
        return server
    return None


def gateway_api_refs(cluster, ns, tls):
    """(Secret, ConfigMap) a Gateway API server's tls (gateway_api_server) refers to in ns:
    its certificate and its client CA; None for either that does not exist."""
    return (find(cluster, "Secret", "", ns, tls.get("credentialName") or ""),
            find(cluster, "ConfigMap", "", ns, tls.get("caConfigMap") or ""))


def tls_ca_and_mode(cluster):
    """(server tls, namespace, loaded data of the gateway's secrets) of the mTLS Gateway."""
    for gw in objects_in(cluster, "Gateway", "networking.istio.io", None):
        for server in gw.get("spec", {}).get("servers", []):
            if server.get("port", {}).get("number") == 443:
                return gw, server
    for gw in objects_in(cluster, "Gateway", GATEWAY_API, None):
        server = gateway_api_server(cluster, gw)
        if server:
            return gw, server
    return None, None


def client_verdict(cluster, gw, server, cert_pem):
    """None when the gateway accepts the client certificate, else curl's failure."""
    ns = gw["metadata"]["namespace"]
    tls = server.get("tls") or {}
    mode = cluster.get("gateway", {}).get("mode_override") or tls.get("mode")
    if group_of(gw) == GATEWAY_API:
        # The Gateway API: the certificate from the referenced secret, the CA from the ConfigMap
        # (no CA object: Istio cannot resolve the reference and serves no listener).
        secret, cm = gateway_api_refs(cluster, ns, tls)
        if not secret or not (secret.get("data") or {}).get("tls.crt") or (mode == "MUTUAL" and not cm):
            return Fail("curl: (35) OpenSSL SSL_connect: SSL_ERROR_SYSCALL in connection to gateway:443", 35)
        ca = base64.b64encode(((cm or {}).get("data") or {}).get("ca.crt", "").encode()).decode()
    elif tls.get("credentialName"):
        found = dict(gateway_secrets(cluster, ns)).get(tls["credentialName"])
        ca = found.get("ca.crt") if found else None
        if not found:
            return Fail("curl: (35) OpenSSL SSL_connect: SSL_ERROR_SYSCALL in connection to gateway:443", 35)
    else:
        loaded = cluster.get("loaded") or {}
        if not loaded.get("istio-ingressgateway-certs", {}).get("tls.crt"):
            return Fail("curl: (35) OpenSSL SSL_connect: SSL_ERROR_SYSCALL in connection to gateway:443", 35)
        ca = next(iter((loaded.get("istio-ingressgateway-ca-certs") or {}).values()), None)
    if mode != "MUTUAL":
        return None
    if not cert_pem:
        return Fail("curl: (56) OpenSSL SSL_read: error:0A00045C:SSL routines::tlsv13 alert certificate required, errno 0", 56)
    with tempfile.NamedTemporaryFile(suffix=".pem") as caf:
        caf.write(base64.b64decode(ca or ""))
        caf.flush()
        rc, _ = openssl("verify", "-CAfile", caf.name, "-purpose", "sslclient", stdin=cert_pem)
    if rc != 0:
        return Fail("curl: (56) OpenSSL SSL_read: error:0A000418:SSL routines::tlsv13 alert unknown ca, errno 0", 56)
    return None


def http_route(cluster, gw, host, path):
    """The Gateway API's routing: an HTTPRoute attached to the Gateway (parentRef name and
    namespace), admitted by its listener's namespace selector, for the host, by path prefix."""
    gns, gname = gw["metadata"]["namespace"], gw["metadata"]["name"]
    listeners = gw.get("spec", {}).get("listeners", [])
    for r in objects_in(cluster, "HTTPRoute", GATEWAY_API, None):
        rns = r["metadata"]["namespace"]
        spec = r.get("spec", {})
        if not any(p.get("name") == gname and p.get("namespace", rns) == gns for p in spec.get("parentRefs", [])):
            continue
        admitted = False
        for listener in listeners:
            ns_rule = (listener.get("allowedRoutes") or {}).get("namespaces") or {}
            frm = ns_rule.get("from", "Same")
            if frm == "All" or (frm == "Same" and rns == gns):
                admitted = True
            elif frm == "Selector":
                want = (ns_rule.get("selector") or {}).get("matchLabels") or {}
                labels = dict((find(cluster, "Namespace", "", "", rns) or {}).get("metadata", {}).get("labels") or {})
                labels.setdefault("kubernetes.io/metadata.name", rns)
                admitted = admitted or all(labels.get(k) == v for k, v in want.items())
        if not admitted or (spec.get("hostnames") and host not in spec["hostnames"]):
            continue
        for rule in spec.get("rules", []):
            matches = rule.get("matches") or [{"path": {"type": "PathPrefix", "value": "/"}}]
            if any(path.startswith(m.get("path", {}).get("value", "/")) for m in matches):
                backend = rule["backendRefs"][0]
                return app_status(cluster, rns, backend["name"], path)
    return 404


def route(cluster, gw, host, path):
    if group_of(gw) == GATEWAY_API:
        return http_route(cluster, gw, host, path)
    for vs in objects_in(cluster, "VirtualService", "networking.istio.io", None):
        spec = vs.get("spec", {})
        if gw["metadata"]["name"] not in spec.get("gateways", []):
            continue
        if host not in spec.get("hosts", []) and "*" not in spec.get("hosts", []):
            continue
        for r in spec.get("http", []):
            if any(path.startswith(m.get("uri", {}).get("prefix", "/")) for m in r.get("match", [{}])):
                dest = r["route"][0]["destination"]["host"].split(".")
                return app_status(cluster, dest[1], dest[0], path)
    return 404


def app_status(cluster, ns, svc, path):
    if not find(cluster, "Service", "", ns, svc):
        return 503
    m = re.match(r"^/status/(\d{3})", path)
    return int(m.group(1)) if m else 200


def gateway_request(cluster, host, path, cert_file, direct):
    gw, server = tls_ca_and_mode(cluster)
    if not gw:
        raise Fail("curl: (35) OpenSSL SSL_connect: SSL_ERROR_SYSCALL in connection to %s:443" % host, 35)
    pem = open(cert_file, "rb").read() if cert_file else None
    verdict = client_verdict(cluster, gw, server, pem)
    if verdict:
        raise verdict
    return route(cluster, gw, host, path)


def alb_request(cluster, ing, p, host, path):
    backend = p.get("backend", {})
    svc = backend.get("service", {}).get("name") or backend.get("serviceName")
    ns = ing["metadata"]["namespace"]
    ann = ing["metadata"].get("annotations") or {}
    if (ing.get("spec") or {}).get("ingressClassName") == "public-iks-traefik":
        return traefik_request(cluster, ing, backend, host, path)
    if svc != "istio-ingressgateway":
        # the old path, ALB straight to the app: broken by STRICT mutual TLS
        for pa in objects_in(cluster, "PeerAuthentication", "security.istio.io", ns):
            if pa.get("spec", {}).get("mtls", {}).get("mode") == "STRICT":
                return 502
        for pol in objects_in(cluster, "Policy", "authentication.istio.io", ns):
            if pol.get("spec", {}).get("peers"):
                return 502
        return app_status(cluster, ns, svc, path)
    ref = ann.get("nginx.ingress.kubernetes.io/proxy-ssl-secret")
    if ref:
        sns, sname = ref.split("/", 1)
        key = "tls.crt"
    else:
        m = re.search(r"ssl-secret=(\S+)", ann.get("ingress.bluemix.net/ssl-services", ""))
        if not m:
            return 502
        sns, sname, key = ns, m.group(1), "client.crt"
    secret = find(cluster, "Secret", "", sns, sname)
    if not secret or not (secret.get("data") or {}).get(key):
        return 502
    gw, server = tls_ca_and_mode(cluster)
    if not gw:
        return 502
    if client_verdict(cluster, gw, server, base64.b64decode(secret["data"][key])):
        return 502
    return route(cluster, gw, host, path)


def traefik_request(cluster, ing, backend, host, path):
    """Traefik's way: the backend Service (https, port 443) names a ServersTransport
    `<ns>-<name>@kubernetescrd`, whose certificatesSecrets give the client certificate presented
    to the gateway and whose rootCAs verify the gateway's certificate."""
    ns = ing["metadata"]["namespace"]
    if not find(cluster, "IngressClass", "networking.k8s.io", "", "public-iks-traefik"):
        raise Fail("curl: (6) Could not resolve host: %s" % host, 6)
    svc_name = (backend.get("service") or {}).get("name")
    port = ((backend.get("service") or {}).get("port") or {}).get("number")
    svc = find(cluster, "Service", "", ns, svc_name)
    if not svc:
        return 404  # Traefik skips an Ingress whose service does not exist
    spec = svc.get("spec") or {}
    if not any(p.get("port") == port for p in spec.get("ports", [])):
        return 404
    selector = spec.get("selector") or {}
    gateway_pods = [o for o in objects_in(cluster, "Pod", "", ns)
                    if selector and all((o["metadata"].get("labels") or {}).get(k) == v for k, v in selector.items())]
    if not gateway_pods:
        return 503
    sann = svc["metadata"].get("annotations") or {}
    if sann.get("traefik.ingress.kubernetes.io/service.serversscheme") != "https":
        return 400  # plain HTTP to the gateway's TLS port
    ref = sann.get("traefik.ingress.kubernetes.io/service.serverstransport", "")
    transport = None
    if ref.endswith("@kubernetescrd"):
        for st in objects_in(cluster, "ServersTransport", "traefik.io", None):
            if "%s-%s" % (st["metadata"]["namespace"], st["metadata"]["name"]) == ref[:-len("@kubernetescrd")]:
                transport = st
    if not transport:
        return 500  # Traefik: unknown servers transport
    tspec = transport.get("spec") or {}
    tns = transport["metadata"]["namespace"]
    gw, server = tls_ca_and_mode(cluster)
    if not gw:
        return 502
    # Traefik verifies the gateway's certificate with rootCAs (unless insecureSkipVerify)
    if not tspec.get("insecureSkipVerify"):
        name = (server.get("tls") or {}).get("credentialName")
        if group_of(gw) == GATEWAY_API:
            found = find(cluster, "Secret", "", gw["metadata"]["namespace"], name or "")
            served = (found or {}).get("data")
        else:
            served = dict(gateway_secrets(cluster, gw["metadata"]["namespace"])).get(name)
        roots = []
        for r in tspec.get("rootCAs") or []:
            s = find(cluster, "Secret", "", tns, r.get("secret", "")) if r.get("secret") else None
            if s and (s.get("data") or {}).get("ca.crt"):
                roots.append(base64.b64decode(s["data"]["ca.crt"]))
        if not served or not roots:
            return 500
        chain = base64.b64decode(served["tls.crt"])
        with tempfile.NamedTemporaryFile(suffix=".pem") as caf, tempfile.NamedTemporaryFile(suffix=".pem") as chf:
            caf.write(b"\n".join(roots))
            caf.flush()
            chf.write(chain)
            chf.flush()
            rc, _ = openssl("verify", "-CAfile", caf.name, "-untrusted", chf.name, "-purpose", "sslserver",
                            stdin=chain)
        if rc != 0:
            return 500
    client = None
    for name in tspec.get("certificatesSecrets") or []:
        s = find(cluster, "Secret", "", tns, name)
        if not s or not (s.get("data") or {}).get("tls.crt") or not (s.get("data") or {}).get("tls.key"):
            return 500  # Traefik cannot load the transport's certificate
        client = client or base64.b64decode(s["data"]["tls.crt"])
    if client_verdict(cluster, gw, server, client):
        return 502
    return route(cluster, gw, host, path)


# ---- main -----------------------------------------------------------------------------------

def call(path, tool, argv):
    """One call against the state in `path`: (exit code, hang)."""
    state = load(path)
    state["calls"] = state.get("calls", 0) + 1
    n = state["calls"]
    entry = {"n": n, "tool": tool, "argv": argv}
    state.setdefault("log", []).append(entry)
    if state.get("hang_at") == n:
        save(path, state)
        open(path + ".hang", "w").close()
        return 0, True
    if state.get("fail_at") == n:
        entry["failed"] = True
        save(path, state)
        if tool == "curl":
            sys.stdout.write("000")
            sys.stderr.write("curl: (7) Failed to connect: injected failure at call %d\n" % n)
            return 7, False
        sys.stderr.write("error: injected failure at call %d (%s)\n" % (n, tool))
        return 1, False
    before = json.dumps(state.get("clusters"), sort_keys=True)
    try:
        if tool == "kubectl":
            _, mutated = kubectl(state, argv)
            if mutated:
                entry["change"] = mutated
        elif tool == "ibmcloud":
            ibmcloud(state, argv)
        elif tool == "curl":
            curl(state, argv)
        else:
            raise Fail("fake: unknown tool " + tool)
        code = 0
    except Differences:
        code = 1
    except Fail as e:
        sys.stderr.write(str(e) + "\n")
        if tool == "curl":
            sys.stdout.write("000")
        state["clusters"] = json.loads(before)
        entry["error"] = str(e)
        code = e.code
    save(path, state)
    return code, False


def run_captured(path, tool, argv, stdin_text):
    """(exit code, stdout, stderr, hang) of one call; one call at a time."""
    out, err = io.StringIO(), io.StringIO()
    with LOCK:
        STDIN["text"] = stdin_text
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code, hang = call(path, tool, argv)
            except Exception as e:  # a bug in the fake: say so, loudly
                sys.stderr.write("fake %s crashed: %r\n" % (tool, e))
                code, hang = 99, False
    return code, out.getvalue(), err.getvalue(), hang


class Handler(socketserver.StreamRequestHandler):
    """Request: NUL-terminated fields: state path, I/O prefix, tool, argc, args. Reply: the exit
    code and a newline, then stdout; stderr goes to PREFIX.err when there is any (stdin, if the
    call reads it, was written to PREFIX.in)."""

    def handle(self):
        data = b""
        fields = []
        while True:
            chunk = self.rfile.read1(65536)
            if not chunk:
                return
            data += chunk
            fields = data.split(b"\0")
            if len(fields) > 4:
                argc = int(fields[3])
                if len(fields) > 4 + argc:
                    break
        path, prefix, tool = (f.decode() for f in fields[:3])
        argv = [f.decode() for f in fields[4:4 + int(fields[3])]]
        stdin_text = ""
        if os.path.exists(prefix + ".in"):
            with open(prefix + ".in") as f:
                stdin_text = f.read()
        code, out, err, hang = run_captured(path, tool, argv, stdin_text)
        if err:
            with open(prefix + ".err", "w") as f:
                f.write(err)
        if hang:
            time.sleep(30)  # until the test kills the script (bounded, should it not)
        try:
            self.wfile.write(b"%d\n" % code + out.encode())
        except OSError:
            pass  # the caller was killed


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def serve():
    server = Server(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    # Ends when whoever started it goes away (its end of our stdin closes).
    sys.stdin.read()
    os._exit(0)


def main():
    if sys.argv[1] == "serve":
        return serve()
    code, out, err, _ = run_captured(STATE, sys.argv[1], sys.argv[2:], "" if sys.stdin.isatty() else sys.stdin.read())
    sys.stdout.write(out)
    sys.stderr.write(err)
    return code


if __name__ == "__main__":
    sys.exit(main())
