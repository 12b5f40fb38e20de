// Gives ncc's lazy chunks ids that depend only on their content. webpack gives some chunks an id
// that varies from build to build for the same sources (seen: 806 one time, 944 the next), and
// ncc offers no setting for it; a committed dist/ must be the same on every rebuild.
//   node scripts/stable-chunk-ids.mjs <dist>
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";

const dist = process.argv[2];
if (!dist) throw new Error("usage: stable-chunk-ids.mjs <dist>");
const HEADER = /^export const id = (\d+);\nexport const ids = \[(\d+)\];\n/;
// A chunk loaded on its own carries webpack's chunk-name comment inside the call:
// __nccwpck_require__.e(/* import() | contents */ 897); several at once have it outside. Inside a
// lazy chunk that loads another one (the scan's name list, the password hashers), the same call
// is written __webpack_require__.e(...).
const REFERENCE = /(__nccwpck_require__|__webpack_require__)\.e\((\/\*[^*]*\*\/ )?(\d+)\)/g;

const chunks = readdirSync(dist)
  .filter((f) => /^\d+\.index\.js$/.test(f))
  .map((file) => {
    const text = readFileSync(path.join(dist, file), "utf8");
    const m = HEADER.exec(text);
    if (!m || m[1] !== m[2]) throw new Error(`${file}: unexpected chunk header`);
    return { file, id: m[1], body: text.slice(m[0].length) };
  });

// Ids from the content; a clash moves to the next free number.
const taken = new Set();
const renamed = new Map();
for (const c of [...chunks].sort((a, b) => (a.body < b.body ? -1 : a.body > b.body ? 1 : 0))) {
  // References to other chunks carry webpack's unstable ids: leave them out of the hash.
  const stable = c.body.replace(REFERENCE, (_all, fn, comment = "") => `${fn}.e(${comment})`);
  let id =
    10_000 + (Number.parseInt(createHash("sha256").update(stable).digest("hex").slice(0, 8), 16) % 90_000);
  while (taken.has(id)) id++;
  taken.add(id);
  renamed.set(c.id, String(id));
}

const rewrite = (text) =>
  text.replace(REFERENCE, (all, fn, comment = "", id) =>
    renamed.has(id) ? `${fn}.e(${comment}${renamed.get(id)})` : all,
  );

for (const c of chunks) unlinkSync(path.join(dist, c.file));
for (const c of chunks) {
  const id = renamed.get(c.id);
  writeFileSync(
    path.join(dist, `${id}.index.js`),
    `export const id = ${id};\nexport const ids = [${id}];\n${rewrite(c.body)}`,
  );
}
const main = path.join(dist, "index.js");
writeFileSync(main, rewrite(readFileSync(main, "utf8")));
