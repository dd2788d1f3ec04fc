// Validates Istio resources against the CRD schemas shipped by npm @kubernetes-models/istio.
//
// Usage: node validate-istio.mjs FILE.json...   (each file: a JSON array of resources, as
// validate-bundle.sh converts them from YAML). Prints one line per resource; exits 1 on any error.
//
// Coverage: networking.istio.io v1alpha3/v1beta1 by their own schema; networking.istio.io/v1 and
// security.istio.io/v1 PeerAuthentication by the v1beta1 schema (the same spec; the package has no
// separate v1 schema for them). authentication.istio.io (classic Policy) is NOT covered by the
// package: it is checked structurally here (apiVersion, kind, metadata.name, spec.peers[].mtls {}).
//
// The package's schemas allow unknown fields; on top of validate() this walks each spec against the
// schema's `properties` and reports any key the schema does not know (a typo would otherwise pass).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(path.join(process.env.NODE_MODULES_DIR ?? process.cwd(), "x.js"));
const pkgDir = path.dirname(require.resolve("@kubernetes-models/istio/package.json"));

const MODELS = {
  "networking.istio.io/v1alpha3": "networking.istio.io/v1alpha3",
  "networking.istio.io/v1beta1": "networking.istio.io/v1beta1",
  "networking.istio.io/v1": "networking.istio.io/v1beta1",
  "security.istio.io/v1beta1": "security.istio.io/v1beta1",
  "security.istio.io/v1": "security.istio.io/v1beta1",
};

// The schema literal of a model module (to find unknown keys).
function schemaOf(file) {
  const text = readFileSync(file, "utf8");
  const m = text.match(/const schema = (\{[\s\S]*?\n\});\n/);
  return m ? JSON.parse(m[1]) : null;
}

function unknownKeys(value, schema, where, out) {
  if (!schema || value === null || typeof value !== "object") return;
  if (Array.isArray(value)) {
    value.forEach((v, i) => unknownKeys(v, schema.items, `${where}[${i}]`, out));
    return;
  }
  if (schema.properties && Object.keys(schema.properties).length > 0 && !schema.additionalProperties) {
    for (const k of Object.keys(value)) {
      if (!(k in schema.properties)) out.push(`${where}.${k}: not in the schema`);
      else unknownKeys(value[k], schema.properties[k], `${where}.${k}`, out);
    }
  }
}

function checkPolicy(doc) {
  const errs = [];
  if (doc.kind !== "Policy") errs.push(`kind ${doc.kind}: only Policy is known in authentication.istio.io`);
  if (!doc.metadata?.name) errs.push("metadata.name missing");
  const keys = Object.keys(doc).filter((k) => !["apiVersion", "kind", "metadata", "spec"].includes(k));
  if (keys.length) errs.push(`unknown top-level keys: ${keys.join(", ")}`);
  const peers = doc.spec?.peers;
  if (!Array.isArray(peers) || peers.length === 0) errs.push("spec.peers must be a non-empty list");
  else
    peers.forEach((p, i) => {
      const k = Object.keys(p ?? {});
      if (k.length !== 1 || !["mtls", "jwt"].includes(k[0])) errs.push(`spec.peers[${i}] must hold exactly mtls or jwt`);
      else if (k[0] === "mtls" && (typeof p.mtls !== "object" || p.mtls === null)) errs.push(`spec.peers[${i}].mtls must be an object`);
    });
  const specKeys = Object.keys(doc.spec ?? {}).filter((k) => !["targets", "peers", "peerIsOptional", "origins", "originIsOptional", "principalBinding"].includes(k));
  if (specKeys.length) errs.push(`unknown spec keys: ${specKeys.join(", ")}`);
  return errs;
}

let failed = 0;
let checked = 0;
for (const file of process.argv.slice(2)) {
  const docs = JSON.parse(readFileSync(file, "utf8"));
  for (const doc of docs) {
    const group = String(doc.apiVersion ?? "").split("/")[0];
    if (!group.endsWith("istio.io")) continue;
    checked++;
    const label = `${path.basename(file, ".json")}: ${doc.apiVersion} ${doc.kind} ${doc.metadata?.namespace ?? ""}/${doc.metadata?.name ?? "?"}`;
    let errs = [];
    let how;
    if (doc.apiVersion === "authentication.istio.io/v1alpha1") {
      how = "structural check (not covered by @kubernetes-models/istio)";
      errs = checkPolicy(doc);
    } else if (MODELS[doc.apiVersion]) {
      const modelFile = path.join(pkgDir, MODELS[doc.apiVersion], `${doc.kind}.mjs`);
      how = `schema ${MODELS[doc.apiVersion]}/${doc.kind}`;
      try {
        const mod = await import(modelFile);
        const Model = mod[doc.kind];
        const obj = new Model({ ...doc, apiVersion: Model.apiVersion });
        obj.validate();
      } catch (e) {
        errs.push(e.code === "ERR_MODULE_NOT_FOUND" ? `no schema for ${doc.kind}` : e.message);
      }
      unknownKeys(doc.spec, schemaOf(modelFile)?.properties?.spec, "spec", errs);
    } else {
      how = "none";
      errs.push(`no schema known for ${doc.apiVersion}`);
    }
    if (errs.length) {
      failed++;
      console.log(`FAIL ${label} (${how})`);
      for (const e of errs) console.log(`     ${e}`);
    } else {
      console.log(`ok   ${label} (${how})`);
    }
  }
}
console.log(`istio: ${checked} resource(s) checked, ${failed} failed`);
process.exit(failed ? 1 : 0);
