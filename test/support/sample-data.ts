import type { Document, MongoClient } from "mongodb";

/**
 * A deterministic "production" database shaped like the original design's application:
 * the 11 pm* collections with realistic nested documents, a JSON-schema validator, a
 * default collation, every index kind the restore must reproduce, and one view.
 */
export const SAMPLE_COLLECTIONS = [
  "pmProject",
  "pmStudy",
  "pmInvestigator",
  "pmSystematicSearch",
  "pmDataExportJob",
  "pmStudyCorrection",
  "pmInvestigatorUsage",
  "pmRiskOfBiasAiJob",
  "pmProjectDailyStat",
  "pmPotential",
  "pmInvestigatorEmail",
] as const;

export const SAMPLE_VIEW = "pmProjectSummary";

/** Relative number of documents per collection; multiplied by `scale`. */
const SHAPE: Record<(typeof SAMPLE_COLLECTIONS)[number], number> = {
  pmProject: 4,
  pmStudy: 60,
  pmInvestigator: 10,
  pmSystematicSearch: 6,
  pmDataExportJob: 5,
  pmStudyCorrection: 4,
  pmInvestigatorUsage: 12,
  pmRiskOfBiasAiJob: 8,
  pmProjectDailyStat: 15,
  pmPotential: 3,
  pmInvestigatorEmail: 10,
};

export interface SampleOptions {
  /** Documents = scale × the shape above (scale 1 ≈ 137 documents). */
  scale?: number;
  seed?: number;
  /** Extra padding per study abstract, to reach a target size in benchmarks. */
  abstractWords?: number;
  /** Also create the index kinds and options (default true). */
  structure?: boolean;
  batchSize?: number;
}

export async function seedProduction(
  client: MongoClient,
  database: string,
  options: SampleOptions = {},
): Promise<Record<string, number>> {
  const scale = options.scale ?? 1;
  const rng = mulberry32(options.seed ?? 7);
  const db = client.db(database);
  await db.dropDatabase();
  if (options.structure !== false) await createStructure(client, database);
  const counts: Record<string, number> = {};
  const n = (c: (typeof SAMPLE_COLLECTIONS)[number]) => Math.max(1, Math.round(SHAPE[c] * scale));
  const ids = {
    project: Array.from({ length: n("pmProject") }, (_, i) => uuid(rng, "p", i)),
    investigator: Array.from({ length: n("pmInvestigator") }, (_, i) => uuid(rng, "i", i)),
    search: Array.from({ length: n("pmSystematicSearch") }, (_, i) => uuid(rng, "s", i)),
    study: Array.from({ length: n("pmStudy") }, (_, i) => uuid(rng, "t", i)),
  };
  const pick = <T>(xs: T[]): T => xs[Math.floor(rng() * xs.length)] as T;
  const day = (offset: number) => new Date(Date.UTC(2026, 0, 1) + offset * 86_400_000);
  const words = (k: number) => Array.from({ length: k }, () => pick(VOCAB)).join(" ");
  const batch = options.batchSize ?? 2_000;

  const generators: Record<(typeof SAMPLE_COLLECTIONS)[number], (i: number) => Document> = {
    pmProject: (i) => ({
      _id: ids.project[i],
      name: `${pick(TOPICS)} in ${pick(MODELS)} ${i}`,
      description: words(30),
      ownerId: pick(ids.investigator),
      isPublic: rng() < 0.3,
      keywords: [pick(TOPICS), pick(MODELS)],
      memberships: ids.investigator
        .slice(0, 3)
        .map((inv, k) => ({ investigatorId: inv, role: k === 0 ? "admin" : "reviewer", joinedAt: day(k) })),
      stages: [1, 2, 3].map((s) => ({
        id: `stage-${s}`,
        name: ["Screening", "Annotation", "Reconciliation"][s - 1],
        extractionEnabled: s > 1,
      })),
      createdAt: day(i),
    }),
    pmStudy: (i) => ({
      _id: ids.study[i],
      projectId: pick(ids.project),
      systematicSearchId: pick(ids.search),
      title: `${words(8)} (${pick(MODELS)})`,
      abstract: words(60 + (options.abstractWords ?? 0)),
      authors: [0, 1, 2].map(() => ({ name: `${pick(NAMES)} ${pick(NAMES)}`, affiliation: pick(UNIS) })),
      year: 1990 + Math.floor(rng() * 36),
      journal: pick(JOURNALS),
      ...(rng() < 0.7 ? { doi: `10.${1000 + i}/syrf.${i}` } : {}),
      screening: [0, 1].map((k) => ({
        investigatorId: pick(ids.investigator),
        decision: rng() < 0.6 ? "include" : "exclude",
        stageId: "stage-1",
        at: day(i + k),
      })),
      annotations: { species: pick(MODELS), outcome: pick(TOPICS), sampleSize: Math.floor(rng() * 200) },
    }),
    pmInvestigator: (i) => ({
      _id: ids.investigator[i],
      email: `${pick(NAMES).toLowerCase()}.${i}@${pick(DOMAINS)}`,
      name: { first: pick(NAMES), last: pick(NAMES) },
      affiliation: pick(UNIS),
      location: { type: "Point", coordinates: [round(-10 + rng() * 40), round(35 + rng() * 25)] },
      createdAt: day(i),
    }),
    pmSystematicSearch: (i) => ({
      _id: ids.search[i],
      projectId: pick(ids.project),
      name: `Search ${i}`,
      source: pick(["PubMed", "Embase", "Web of Science"]),
      query: words(6),
      importedAt: day(i),
      studyCount: Math.floor(rng() * 5000),
    }),
    pmDataExportJob: (i) => ({
      projectId: pick(ids.project),
      requestedBy: pick(ids.investigator),
      status: pick(["queued", "running", "done", "failed"]),
      format: pick(["csv", "xlsx"]),
      createdAt: day(i),
    }),
    pmStudyCorrection: (i) => ({
      studyId: pick(ids.study),
      projectId: pick(ids.project),
      requestedBy: pick(ids.investigator),
      field: "title",
      correction: words(5),
      status: pick(["open", "accepted"]),
      createdAt: day(i),
    }),
    pmInvestigatorUsage: (i) => ({
      investigatorId: pick(ids.investigator),
      date: day(i),
      lastSeenAt: day(i),
      actions: { screened: Math.floor(rng() * 50), annotated: Math.floor(rng() * 20) },
    }),
    pmRiskOfBiasAiJob: (i) => ({
      projectId: pick(ids.project),
      studyId: pick(ids.study),
      status: pick(["queued", "done"]),
      model: pick(["gpt-x", "rob-bert"]),
      createdAt: day(i),
      result: { randomisation: pick(["low", "high", "unclear"]), blinding: pick(["low", "high", "unclear"]) },
    }),
    pmProjectDailyStat: (i) => ({
      projectId: pick(ids.project),
      date: day(i),
      screened: Math.floor(rng() * 100),
      annotated: Math.floor(rng() * 40),
    }),
    pmPotential: (i) => ({
      title: words(6),
      registrant: pick(ids.investigator),
      status: pick(["draft", "submitted"]),
      submittedAt: day(i),
    }),
    pmInvestigatorEmail: (i) => ({
      _id: `${pick(NAMES).toLowerCase()}-${i}@${pick(DOMAINS)}`,
      investigatorId: ids.investigator[i % ids.investigator.length],
    }),
  };

  for (const name of SAMPLE_COLLECTIONS) {
    const total = n(name);
    const coll = db.collection(name);
    for (let start = 0; start < total; start += batch) {
      const docs = Array.from({ length: Math.min(batch, total - start) }, (_, k) =>
        generators[name](start + k),
      );
      await coll.insertMany(docs, { ordered: false, bypassDocumentValidation: true });
    }
    counts[name] = total;
  }
  return counts;
}

/** Collection options, every index kind, and a view. */
export async function createStructure(client: MongoClient, database: string): Promise<void> {
  const db = client.db(database);
  await db.createCollection("pmProject", {
    validator: {
      $jsonSchema: {
        bsonType: "object",
        required: ["name", "ownerId", "createdAt"],
        properties: {
          name: { bsonType: "string", minLength: 1 },
          isPublic: { bsonType: "bool" },
          createdAt: { bsonType: "date" },
        },
      },
    },
    validationLevel: "moderate",
    validationAction: "error",
  });
  await db.createCollection("pmInvestigatorEmail", { collation: { locale: "en", strength: 2 } });
  const ix = (coll: string, indexes: Document[]) => db.command({ createIndexes: coll, indexes });
  await ix("pmProject", [
    { key: { name: 1 }, name: "name_ci", collation: { locale: "en", strength: 2 } },
    { key: { ownerId: 1, createdAt: -1 }, name: "owner_recent" },
  ]);
  await ix("pmStudy", [
    { key: { projectId: 1, year: -1 }, name: "project_year" },
    { key: { doi: 1 }, name: "doi_unique_sparse", unique: true, sparse: true },
    {
      key: { title: "text", abstract: "text" },
      name: "fulltext",
      weights: { title: 10, abstract: 2 },
      default_language: "english",
    },
    { key: { "annotations.$**": 1 }, name: "annotations_wildcard" },
  ]);
  await ix("pmInvestigator", [
    { key: { email: 1 }, name: "email_unique", unique: true },
    { key: { location: "2dsphere" }, name: "location_geo" },
  ]);
  await ix("pmSystematicSearch", [
    { key: { projectId: 1 }, name: "project" },
    { key: { importedAt: -1 }, name: "imported" },
  ]);
  await ix("pmDataExportJob", [
    {
      key: { status: 1, createdAt: 1 },
      name: "active_jobs",
      partialFilterExpression: { status: { $in: ["queued", "running"] } },
    },
  ]);
  await ix("pmStudyCorrection", [
    { key: { studyId: 1, status: 1 }, name: "study_status" },
    { key: { projectId: 1, createdAt: -1 }, name: "project_recent" },
  ]);
  // TTL far in the future: kept by the copy, but never expires test data.
  await ix("pmInvestigatorUsage", [
    { key: { lastSeenAt: 1 }, name: "usage_ttl", expireAfterSeconds: 2_000_000_000 },
  ]);
  await ix("pmRiskOfBiasAiJob", [
    { key: { model: 1 }, name: "model_hidden", hidden: true },
    { key: { projectId: 1, status: 1 }, name: "project_status" },
  ]);
  await ix("pmProjectDailyStat", [
    { key: { projectId: "hashed" }, name: "project_hashed" },
    { key: { date: -1 }, name: "date" },
  ]);
  await ix("pmPotential", [
    { key: { status: 1 }, name: "status" },
    { key: { registrant: 1, submittedAt: -1 }, name: "registrant_recent" },
  ]);
  await ix("pmInvestigatorEmail", [
    { key: { investigatorId: 1 }, name: "investigator" },
    { key: { investigatorId: 1, _id: 1 }, name: "investigator_email" },
  ]);
  await db.createCollection(SAMPLE_VIEW, {
    viewOn: "pmProject",
    pipeline: [{ $project: { name: 1, ownerId: 1, members: { $size: "$memberships" } } }],
  });
}

/** A small seeded PRNG: the same seed gives the same data (and lets a randomised test be replayed). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function uuid(rng: () => number, kind: string, i: number): string {
  const hex = () =>
    Math.floor(rng() * 0x10000)
      .toString(16)
      .padStart(4, "0");
  return `${kind}${i.toString(16).padStart(7, "0")}-${hex()}-${hex()}-${hex()}-${hex()}${hex()}${hex()}`;
}

const round = (x: number) => Math.round(x * 1e4) / 1e4;

const VOCAB = [
  "stroke",
  "ischaemia",
  "neuroprotection",
  "infarct",
  "volume",
  "behaviour",
  "outcome",
  "randomised",
  "blinded",
  "rodent",
  "model",
  "treatment",
  "dose",
  "efficacy",
  "systematic",
  "review",
  "meta-analysis",
  "bias",
  "variance",
  "cohort",
  "hypothermia",
  "reperfusion",
  "cortex",
  "lesion",
  "recovery",
  "motor",
  "cognitive",
  "marker",
  "inflammation",
  "microglia",
];
const TOPICS = ["Stroke", "Alzheimer's disease", "Pain", "Multiple sclerosis", "Depression", "Glioma"];
const MODELS = ["mouse", "rat", "zebrafish", "primate", "rabbit"];
const NAMES = [
  "Ada",
  "Bram",
  "Chen",
  "Dana",
  "Emeka",
  "Farah",
  "Gus",
  "Hana",
  "Ines",
  "Jon",
  "Kemal",
  "Lena",
  "Mira",
  "Nils",
];
const UNIS = ["University of Edinburgh", "UCL", "Karolinska", "Charité", "McGill", "Monash"];
const JOURNALS = ["J Cereb Blood Flow Metab", "Stroke", "Brain", "PLoS Biol", "Nature Neurosci"];
const DOMAINS = ["ed.ac.uk", "example.org", "lab.example"];

/**
 * Masking rules for the sample data: five personal fields across three collections (the demo's
 * masked variant and the masked-producer benchmark).
 */
export const SAMPLE_MASKING_CONFIG = `masking:
  rules:
    pmInvestigator:
      email: email
      "name.first": name
      "name.last": name
    pmInvestigatorEmail:
      _id: email
    pmStudy:
      "authors.name": name
`;
