#!/usr/bin/env node
// Validates Kubernetes manifests against the real published schemas: kubernetes-models (generated from Kubernetes'
// OpenAPI), @kubernetes-models/argo-rollouts and @kubernetes-models/prometheus-operator (generated from those projects'
// CRDs). The YAML is parsed strictly (a duplicate key is an error, with its line), and a kind no schema covers is an
// error too, so nothing passes for want of a check. Release documents are left to the CRD's own structural schema
// (the tests apply them to the Kubernetes API test server with strict field validation).
//
// Usage: node scripts/validate-manifests.mjs FILE... (or - for stdin). Prints one line per document and a summary;
// exits 1 when any document is invalid. Finds the packages in RELEASERADAR_TOOLS (default
// ~/.cache/release-radar/tools), where scripts/bootstrap.sh installs them.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";

const tools = process.env.RELEASERADAR_TOOLS
  || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"), "release-radar", "tools");
const modules = path.join(tools, "node_modules");
const load = (rel) => import(pathToFileURL(path.join(modules, rel)).href);
const YAML = await load("yaml/dist/index.js");

// Which package holds the schema of an apiVersion; core "v1" sits at the root of kubernetes-models.
function modulePath(apiVersion, kind) {
  if (!/^[A-Za-z0-9]+$/.test(kind ?? "")) return null;
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  if (group === "argoproj.io") return `@kubernetes-models/argo-rollouts/${group}/${version}/${kind}.js`;
  if (group === "monitoring.coreos.com") return `@kubernetes-models/prometheus-operator/${group}/${version}/${kind}.js`;
  return group === "" ? `kubernetes-models/${version}/${kind}.js` : `kubernetes-models/${group}/${version}/${kind}.js`;
}

async function validate(doc) {
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) return "not a mapping";
  const { apiVersion, kind } = doc;
  if (typeof apiVersion !== "string" || typeof kind !== "string") return "apiVersion and kind are required";
  if (apiVersion.startsWith("releaseradar.io/")) return null;
  const rel = modulePath(apiVersion, kind);
  if (rel === null || !fs.existsSync(path.join(modules, rel))) return `no published schema for ${apiVersion} ${kind}`;
  const Model = (await load(rel))[kind];
  try {
    new Model(doc).validate();
    return null;
  } catch (e) {
    return e.message;
  }
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: validate-manifests.mjs FILE... (- for stdin)");
  process.exit(2);
}
let checked = 0, invalid = 0;
for (const file of files) {
  const text = fs.readFileSync(file === "-" ? 0 : file, "utf8");
  const docs = YAML.parseAllDocuments(text, { uniqueKeys: true, prettyErrors: true });
  for (const [i, d] of docs.entries()) {
    const name = `${file}#${i + 1}`;
    if (d.errors.length > 0) {
      invalid++;
      console.log(`INVALID ${name}: ${d.errors.map((e) => e.message.split("\n")[0]).join("; ")}`);
      continue;
    }
    const doc = d.toJS();
    if (doc === null) continue; // an empty document, as between two "---"
    checked++;
    const error = await validate(doc);
    const label = `${name} ${doc.kind ?? "?"}/${doc.metadata?.name ?? doc.metadata?.generateName ?? "?"}`;
    if (error === null) console.log(`ok ${label}`);
    else { invalid++; console.log(`INVALID ${label}: ${error}`); }
  }
}
console.log(`${checked} document(s), ${invalid} invalid`);
process.exit(invalid === 0 ? 0 : 1);
