/**
 * The personal-data scan (issue 22): recall and precision on the labelled corpus
 * (test/scan-corpus), and the time to scan 1,000 documents per collection, each collection read
 * through a real mongod as `pr-snapshots scan` and strict mode read it.
 */
import os from "node:os";
import {
  type CollectionScan,
  describeReasons,
  loadDetectors,
  scanCollection,
} from "@pr-snapshots/core/masking/scan";
import type { Document } from "mongodb";
import { loadCorpus, readLabels, type Score, score, totals } from "../test/support/scan-corpus";
import type { SectionContext } from "./engine";
import { median, timed } from "./lib/measure";

const DB = "scan_bench";
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

async function load(ctx: SectionContext, docs: Record<string, Document[]>): Promise<void> {
  await ctx.client.db(DB).dropDatabase();
  for (const [name, documents] of Object.entries(docs))
    if (documents.length)
      await ctx.client
        .db(DB)
        .collection(name)
        .insertMany(documents.map((d) => ({ ...d })));
}

export async function scanSection(ctx: SectionContext, speedDocuments = 1_000): Promise<void> {
  const cores = os.cpus().length;
  ctx.log(
    `\nPersonal-data scan: recall and precision on the labelled corpus, speed at ${speedDocuments} documents (${cores} cores)...`,
  );
  await loadDetectors();

  // Recall and precision: the corpus as labelled (200 documents per collection at most), scanned
  // through the server with the default sample of 1,000.
  const corpus = await loadCorpus(200);
  const labels = readLabels();
  await load(ctx, Object.fromEntries(corpus.map((c) => [c.name, c.documents])));
  const scans: CollectionScan[] = [];
  for (const c of corpus) scans.push(await scanCollection(ctx.client.db(DB), c.name, 1_000));
  const scores = score(scans, corpus, labels);
  const all = totals(scores);
  const tuning = totals(scores.filter((s) => !s.heldOut));
  const heldOut = totals(scores.filter((s) => s.heldOut));
  const shapes = [...new Set(corpus.map((c) => c.shape))].map((shape) => {
    const names = new Set(corpus.filter((c) => c.shape === shape).map((c) => c.name));
    return { shape, ...totals(scores.filter((s) => names.has(s.collection))) };
  });
  const why = (s: Score, path: string) =>
    describeReasons(
      scans.find((x) => x.collection === s.collection)?.fields.find((f) => f.path === path)?.reasons ?? [],
    );
  const misses = scores.flatMap((s) => s.falseNegatives.map((p) => `${s.collection}.${p}`));
  const falseFlags = scores.flatMap((s) =>
    s.falsePositives.map((p) => `${s.collection}.${p} (${why(s, p)})`),
  );

  // Speed: up to `speedDocuments` documents per collection (as many as each data set has).
  const big = await loadCorpus(speedDocuments);
  await load(ctx, Object.fromEntries(big.map((c) => [c.name, c.documents])));
  const speed: { collection: string; documents: number; ms: number[] }[] = [];
  for (const c of big) {
    const ms: number[] = [];
    await scanCollection(ctx.client.db(DB), c.name, speedDocuments); // warm-up: the first read of the collection
    for (let i = 0; i < ctx.repeat; i++)
      ms.push((await timed(() => scanCollection(ctx.client.db(DB), c.name, speedDocuments))).ms);
    speed.push({ collection: c.name, documents: c.documents.length, ms });
  }
  const full = speed.filter((s) => s.documents >= speedDocuments);
  const slowest = [...(full.length ? full : speed)].sort((a, b) => median(b.ms) - median(a.ms))[0];
  await ctx.client.db(DB).dropDatabase();

  ctx.results.scan = {
    cores,
    corpus: corpus.map((c) => ({
      name: c.name,
      shape: c.shape,
      heldOut: c.heldOut,
      documents: c.documents.length,
      source: c.source,
    })),
    scores,
    all,
    tuning,
    heldOut,
    shapes,
    speed,
  };
  ctx.md.push(
    [
      `### Personal-data scan (${cores} cores)`,
      "",
      `Corpus: ${corpus.length} collections from public data sets (test/scan-corpus/README.md), ${all.tp + all.fn} paths labelled personal; each collection stored in mongod and scanned as \`pr-snapshots scan\` does (sample of 1,000).`,
      "",
      "| part | labelled personal | flagged correctly | missed | flagged wrongly | recall | precision |",
      "| --- | --- | --- | --- | --- | --- | --- |",
      ...[
        ["all", all],
        ["tuned on", tuning],
        ["held out", heldOut],
        ...shapes.map((s) => [`shape: ${s.shape}`, s] as const),
      ].map(([name, t]) => {
        const x = t as ReturnType<typeof totals>;
        return `| ${name} | ${x.tp + x.fn} | ${x.tp} | ${x.fn} | ${x.fp} | ${pct(x.recall)} | ${pct(x.precision)} |`;
      }),
      "",
      `Missed: ${misses.length ? misses.join(", ") : "none"}. Flagged wrongly: ${falseFlags.length ? falseFlags.join("; ") : "none"}.`,
      "",
      `| collection | documents | scan (median of ${ctx.repeat}) |`,
      "| --- | --- | --- |",
      ...speed.map((s) => `| ${s.collection} | ${s.documents} | ${(median(s.ms) / 1000).toFixed(3)} s |`),
      "",
    ].join("\n"),
  );
  ctx.goals.push(
    { goal: "scan recall ≥ 98 % on the labelled corpus", value: pct(all.recall), pass: all.recall >= 0.98 },
    {
      goal: "scan precision ≥ 90 % on the labelled corpus",
      value: pct(all.precision),
      pass: all.precision >= 0.9,
    },
    {
      goal: `scan of ${speedDocuments} documents ≤ 1 s per collection (slowest collection, ${cores} cores)`,
      value: slowest
        ? `${(median(slowest.ms) / 1000).toFixed(3)} s (${slowest.collection}, ${slowest.documents} documents)`
        : "n/a",
      pass: slowest !== undefined && median(slowest.ms) <= 1_000,
    },
  );
}
