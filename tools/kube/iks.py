"""IBM's part of a test cluster for one bundle's settings (tools/kube/cluster.sh seed).

Usage: iks.py BUNDLE_DIR IKS_JSON [NLB_CERT NLB_KEY] > objects.json

Prints, as a v1 List, what IBM Cloud made for these settings: IBM's NLB secret (NLB_CERT and
NLB_KEY, by default the bundle's certs/nlb.crt and nlb.key: what IBM issued; a bundle whose
gateway uses IBM's secret in place holds no key, so give them) in `default`, or in the gateway namespace
when the settings say IBM keeps it there, and IBM's ALB secret in `default`. Writes IKS_JSON with
what only IBM's API knows, for the `ibmcloud` stand-in of the tests: the NLB host name's
registration (for the IP, or the VPC load balancer's host name) and the load balancer's address
for the gateway Service's status.
"""
import base64
import json
import os
import sys

import yaml


def read(bundle, rel):
    path = os.path.join(bundle, rel or "")
    if not rel or not os.path.isfile(path):
        sys.exit("iks.py: no file %s: IBM's NLB secret needs it (give NLB_CERT NLB_KEY)" % path)
    with open(path, "rb") as f:
        return base64.b64encode(f.read()).decode()


def secret(ns, name, crt, key):
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "type": "kubernetes.io/tls",
        # The label lets the tests' reset remove what a seed made (IBM's own secrets carry none).
        "metadata": {"name": name, "namespace": ns, "labels": {"istio-alb-test/fixture": "true"}},
        "data": {"tls.crt": crt, "tls.key": key},
    }


def main():
    bundle, iks_json = sys.argv[1], sys.argv[2]
    with open(os.path.join(bundle, "settings.yaml")) as f:
        s = yaml.safe_load(f)
    certs = s.get("certificates") or {}
    gw = s["gateway_namespace"]
    nlb_ns = s.get("nlb_secret_namespace") or "default"
    if len(sys.argv) > 4:
        crt, key = read(bundle, sys.argv[3]), read(bundle, sys.argv[4])
    else:
        crt, key = read(bundle, certs.get("nlb_cert")), read(bundle, certs.get("nlb_key"))
    objects = [secret(nlb_ns, s["nlb_secret"], crt, key), secret("default", s["alb_secret"], crt, key)]
    vpc = s.get("infrastructure") == "vpc"
    registration = {"host": s["nlb_domain"], "secret": s["nlb_secret"], "secret_namespace": nlb_ns}
    if vpc:
        registration["lb_host"] = s["lb_host"]
        address = {"hostname": s["lb_host"]}
    else:
        registration["ips"] = [s["ingress_ip"]]
        address = {"ip": s["ingress_ip"]}
    iks = {
        "cluster": s["cluster_name"],
        "infrastructure": s.get("infrastructure") or "classic",
        "gateway_namespace": gw,
        "nlb": [registration],
        "load_balancer": {"status": {"loadBalancer": {"ingress": [address]}}},
    }
    with open(iks_json, "w") as f:
        json.dump(iks, f, indent=1)
    json.dump({"apiVersion": "v1", "kind": "List", "items": objects}, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
