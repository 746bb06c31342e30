// Validates every Kubernetes object of one or more multi-document YAML files, offline:
//  1. kubernetes-models: the object against the API's JSON schema (types, required fields,
//     formats) — `new Kind(obj).validate()`.
//  2. @kubernetes/client-node's generated models: every field name, recursively, must exist
//     in the API type (the schema check above allows unknown fields; the API server's
//     strict field validation does not).
//  3. Wormhole's own invariants: every container has probes, resources requests+limits,
//     readOnlyRootFilesystem and runs as non-root; each StatefulSet's replicas equals its
//     SHARD_COUNT and the number of items of its URL list in the ConfigMap.
// Usage: node validate.mjs FILE.yaml...   Exit 1 listing every problem.
import fs from "node:fs";
import YAML from "yaml";
import * as M from "@kubernetes/client-node/dist/gen/models/all.js";

const problems = [];
const bad = (where, msg) => problems.push(`${where}: ${msg}`);

function modelName(apiVersion, kind) {
  const version = apiVersion.includes("/") ? apiVersion.split("/")[1] : apiVersion;
  return version.charAt(0).toUpperCase() + version.slice(1) + kind;
}

const PRIMITIVE = new Set(["string", "number", "boolean", "Date", "any", "object", "IntOrString",
  "RuntimeRawExtension", "V1Time", "V1MicroTime"]);

function checkFields(value, type, path, where) {
  if (value === null || value === undefined || PRIMITIVE.has(type)) return;
  let m;
  if ((m = /^Array<(.+)>$/.exec(type))) {
    if (!Array.isArray(value)) return bad(where, `${path}: expected a list`);
    value.forEach((v, i) => checkFields(v, m[1], `${path}[${i}]`, where));
    return;
  }
  if ((m = /^\{ \[key: string\]: (.+); \}$/.exec(type))) {
    for (const [k, v] of Object.entries(value)) checkFields(v, m[1], `${path}.${k}`, where);
    return;
  }
  const cls = M[type];
  if (!cls || typeof cls.getAttributeTypeMap !== "function") return;   // enums, string aliases
  if (typeof value !== "object" || Array.isArray(value))
    return bad(where, `${path}: expected an object of type ${type}`);
  const attrs = new Map(cls.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
  for (const [k, v] of Object.entries(value)) {
    if (!attrs.has(k)) bad(where, `${path}.${k}: unknown field (not in ${type})`);
    else checkFields(v, attrs.get(k), `${path}.${k}`, where);
  }
}

async function schemaCheck(obj, where) {
  const [group, version] = obj.apiVersion.includes("/") ? obj.apiVersion.split("/") : [null, obj.apiVersion];
  const modPath = group ? `kubernetes-models/${group}/${version}` : `kubernetes-models/${version}`;
  let mod;
  try { mod = await import(modPath); } catch { return bad(where, `unknown apiVersion ${obj.apiVersion}`); }
  const Kind = mod[obj.kind];
  if (!Kind) return bad(where, `unknown kind ${obj.kind} in ${obj.apiVersion}`);
  try { new Kind(obj).validate(); } catch (e) { bad(where, `schema: ${e.message}`); }
}

function podSpecOf(obj) {
  if (["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"].includes(obj.kind))
    return obj.spec?.template?.spec;
  return null;
}

function houseRules(objs) {
  const cms = objs.filter((o) => o.kind === "ConfigMap");
  for (const o of objs) {
    const where = `${o.kind}/${o.metadata?.name}`;
    const pod = podSpecOf(o);
    if (!pod) continue;
    for (const c of pod.containers || []) {
      const cw = `${where} container ${c.name}`;
      if (!c.readinessProbe) bad(cw, "no readinessProbe");
      if (!c.livenessProbe) bad(cw, "no livenessProbe");
      for (const k of ["requests", "limits"])
        for (const r of ["cpu", "memory"])
          if (!c.resources?.[k]?.[r]) bad(cw, `no resources.${k}.${r}`);
      if (c.securityContext?.readOnlyRootFilesystem !== true) bad(cw, "root filesystem not read-only");
      if (!(pod.securityContext?.runAsNonRoot || c.securityContext?.runAsNonRoot)) bad(cw, "may run as root");
    }
    if (o.kind === "StatefulSet") {
      if (!o.spec.volumeClaimTemplates?.length) bad(where, "no volumeClaimTemplates (PVC per replica)");
      const c = pod.containers[0];
      const count = (c.env || []).find((e) => e.name === "SHARD_COUNT")?.value;
      const replicas = o.spec.replicas ?? 1;
      if (String(replicas) !== String(count)) bad(where, `replicas ${replicas} != SHARD_COUNT ${count}`);
      const svc = o.metadata.name.replace(/^svc-/, "").toUpperCase();
      const cmName = (c.envFrom || []).map((e) => e.configMapRef?.name).find(Boolean);
      const cm = cms.find((m) => m.metadata.name === cmName);
      if (!cm) { bad(where, `ConfigMap ${cmName} not found`); continue; }
      const lists = [`${svc}_RPC_URL`].concat(svc === "CHAT" ? ["CHAT_EVENTS_URL"] : []);
      for (const key of lists) {
        const items = (cm.data?.[key] || "").split(",").filter(Boolean);
        if (items.length !== replicas) bad(where, `${key} has ${items.length} items, replicas ${replicas}`);
        items.forEach((u, i) => {
          if (!u.includes(`//${o.metadata.name}-${i}.${o.spec.serviceName}:`))
            bad(where, `${key} item ${i} is ${u}, expected the pod ${o.metadata.name}-${i}.${o.spec.serviceName}`);
        });
      }
    }
  }
}

const files = process.argv.slice(2);
if (!files.length) { console.error("usage: node validate.mjs FILE.yaml..."); process.exit(2); }
let total = 0;
for (const f of files) {
  const objs = YAML.parseAllDocuments(fs.readFileSync(f, "utf8")).map((d) => d.toJS()).filter(Boolean);
  for (const o of objs) {
    const where = `${f}: ${o.kind}/${o.metadata?.name}`;
    if (!o.apiVersion || !o.kind) { bad(where, "no apiVersion/kind"); continue; }
    await schemaCheck(o, where);
    checkFields(o, modelName(o.apiVersion, o.kind), "", where);
    total++;
  }
  houseRules(objs.map((o) => o));
}
if (problems.length) {
  for (const p of problems) console.log("FAIL " + p);
  console.log(`k8s validate: ${total} objects, ${problems.length} problems`);
  process.exit(1);
}
console.log(`k8s validate: ${total} objects valid (schema, unknown fields, house rules)`);
