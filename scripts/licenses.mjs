// Writes the licence of every third-party package bundled into a dist/ folder, from ncc's
// webpack stats, sorted by package name so that the file is the same on every build.
//   node scripts/licenses.mjs <stats.json> <out.txt>
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const [statsFile, outFile] = process.argv.slice(2);
if (!statsFile || !outFile) throw new Error("usage: licenses.mjs <stats.json> <out.txt>");
const stats = JSON.parse(readFileSync(statsFile, "utf8"));

const ids = new Set();
const walk = (modules) => {
  for (const m of modules ?? []) {
    for (const id of [m.name, m.identifier]) if (id) ids.add(id);
    walk(m.modules);
  }
};
walk(stats.modules);
for (const chunk of stats.chunks ?? []) walk(chunk.modules);

// The last node_modules segment of a module path is the package that module belongs to.
const roots = new Map();
for (const id of ids) {
  const match = [
    ...id.matchAll(/^(.*?node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?)((?:@[^/]+\/)?[^/!?]+)/g),
  ].at(-1);
  if (!match) continue;
  const [, prefix, name] = match;
  if (name === "@vercel/ncc") continue;
  const dir = path.resolve(prefix.replace(/^.*?!/, "") + name);
  if (existsSync(path.join(dir, "package.json"))) roots.set(name, dir);
}

const sections = [...roots.entries()]
  .sort(([a], [b]) => a.localeCompare(b))
  .map(([name, dir]) => {
    const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8"));
    const licenseFile = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
    const text = licenseFile ? readFileSync(path.join(dir, licenseFile), "utf8").trim() : "";
    return `${name}\n${typeof pkg.license === "string" ? pkg.license : (pkg.license?.type ?? "UNKNOWN")}\n${text}\n`;
  });
writeFileSync(outFile, `${sections.join("\n")}`);
console.log(`licenses: ${roots.size} packages → ${outFile}`);
