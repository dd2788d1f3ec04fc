"""The imitated parts of a test cluster whose API server is real (tools/kube/cluster.sh).

No kubelet runs and IBM's API cannot be reached, so these calls of the bundle's scripts are
answered here, never by the API server:
  kubectl exec / logs   what Envoy in the gateway pod holds, what the Traefik pods logged;
  ibmcloud              IBM's NLB registrations ($KUBE_TEST_DIR/iks.json, written by iks.py);
  curl                  requests to the public NLB and ALB host names.
Each answer is computed from the objects the real API server holds now (read with the real
kubectl), by the same decision functions the fake cluster of the classic profile uses
(../fakecluster/fake.py): the gateway serves its Gateway's credentialName secret and requires a
client certificate its CA issued, the ALB presents the secret its Ingress (or ServersTransport)
names, VirtualServices route (or, for a Gateway API Gateway, its certificateRefs secret, its
frontend validation's ConfigMap CA and the HTTPRoutes attached to it). $KUBE_TEST_DIR/standin.json may override the imitation, for tests:
{"gateway": {"reachable": false}}, {"logs": {"NS/POD": "text"}}.

Usage: standin.py kubectl|ibmcloud|curl ARGS...
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fakecluster"))
import fake  # noqa: E402

KINDS = ("namespaces,secrets,pods,services,ingresses.networking.k8s.io,"
         "ingressclasses.networking.k8s.io,gateways.networking.istio.io,"
         "virtualservices.networking.istio.io,peerauthentications.security.istio.io,"
         "serverstransports.traefik.io,configmaps,gateways.gateway.networking.k8s.io,"
         "httproutes.gateway.networking.k8s.io")


def real_objects(context):
    cmd = [os.environ["REAL_KUBECTL"], "get", KINDS, "-A", "-o", "json"]
    if context:
        cmd[1:1] = ["--context", context]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return json.loads(out)["items"]


def main():
    tool, argv = sys.argv[1], sys.argv[2:]
    test_dir = os.environ["KUBE_TEST_DIR"]
    with open(os.path.join(test_dir, "iks.json")) as f:
        iks = json.load(f)
    context = fake.parse_kubectl(argv).get("context") if tool == "kubectl" else None
    cluster = {"ibm_name": iks["cluster"], "infrastructure": iks["infrastructure"],
               "nlb": iks["nlb"], "gateway": {"reachable": True}, "logs": {}, "loaded": {},
               "objects": real_objects(context)}
    override = os.path.join(test_dir, "standin.json")
    if os.path.exists(override):
        with open(override) as f:
            cluster.update(json.load(f))
    name = context or "current"
    state = {"current_context": name, "contexts": {name: {"cluster": name}}, "clusters": {name: cluster}}
    try:
        {"kubectl": fake.kubectl, "ibmcloud": fake.ibmcloud, "curl": fake.curl}[tool](state, argv)
    except fake.Fail as e:
        sys.stderr.write(str(e) + "\n")
        if tool == "curl":
            sys.stdout.write("000")
        return e.code
    return 0


if __name__ == "__main__":
    sys.exit(main())
