import { BSON, type Db, type Document } from "mongodb";

/**
 * listCollections and listIndexes read without promoting any value: a key pattern `{email: 1.0}`
 * (a Double, as mongosh and Atlas's sample data write it) stays a Double instead of becoming the
 * JavaScript number 1 and being written back as an Int32; a Long `expireAfterSeconds`, an Int32
 * `2dsphereIndexVersion` or a Decimal128 in a partial filter keep their types too. What is read is
 * what is recreated and what is compared, byte for byte.
 */
const RAW = { promoteValues: false, promoteLongs: false, promoteBuffers: false, bsonRegExp: true } as const;

/** What defines a collection besides its documents, as listCollections and listIndexes report it (BSON types kept). */
export interface CollectionSpec {
  name: string;
  type: "collection" | "view" | "timeseries";
  options: Document;
  /** Secondary indexes exactly as listIndexes returned them (without `_id_` and the clustered index). */
  indexes: Document[];
}

/**
 * Collection options that `create` accepts and `$out` then preserves on an existing target.
 * `capped`, `timeseries` and views are handled separately because `$out` cannot write them.
 */
const CREATE_OPTIONS = [
  "validator",
  "validationLevel",
  "validationAction",
  "collation",
  "clusteredIndex",
  "expireAfterSeconds",
  "changeStreamPreAndPostImages",
  "storageEngine",
  "indexOptionDefaults",
] as const;

export async function readCollectionSpecs(db: Db, filter: Document = {}): Promise<CollectionSpec[]> {
  const infos = await db.listCollections(filter, { authorizedCollections: true, ...RAW }).toArray();
  const specs: CollectionSpec[] = [];
  for (const info of infos) {
    const name = String(info.name);
    if (name.startsWith("system.")) continue;
    const type = info.type === "view" ? "view" : info.type === "timeseries" ? "timeseries" : "collection";
    const options = (info as { options?: Document }).options ?? {};
    const indexes = type === "view" ? [] : await listSecondaryIndexes(db, name);
    specs.push({ name, type, options, indexes });
  }
  return specs.sort((a, b) => a.name.localeCompare(b.name));
}

export async function readCollectionSpec(db: Db, name: string): Promise<CollectionSpec | undefined> {
  return (await readCollectionSpecs(db, { name }))[0];
}

export async function listSecondaryIndexes(db: Db, collection: string): Promise<Document[]> {
  const all = await db.collection(collection).listIndexes(RAW).toArray();
  return all.filter((ix) => ix.name !== "_id_" && ix.clustered !== true);
}

/** Options for `db.createCollection` that recreate the spec's behaviour (not capped / time-series / views). */
export function creatableOptions(spec: CollectionSpec): Document {
  const out: Document = {};
  for (const key of CREATE_OPTIONS) if (spec.options[key] !== undefined) out[key] = spec.options[key];
  return out;
}

/**
 * Index specs for `createIndexes`, as listIndexes returned them. A spec without a collation on a
 * collection that has a default collation would inherit it (and a text index would be refused),
 * so it gets the simple collation it had on the source.
 */
export function indexSpecsFor(spec: CollectionSpec): Document[] {
  const collectionCollation = spec.options.collation as Document | undefined;
  return spec.indexes.map((ix) => {
    const { ns: _ns, ...rest } = ix;
    if (collectionCollation && rest.collation === undefined)
      return { ...rest, collation: { locale: "simple" } };
    return rest;
  });
}

/**
 * Canonical text of a spec for comparison. Key order is kept on purpose: it is meaningful in
 * index keys, and the server reports a faithful copy byte for byte in the same order.
 */
export function specFingerprint(spec: CollectionSpec): { options: string; indexes: string } {
  const indexes = [...spec.indexes]
    .map(({ ns: _ns, ...rest }) => rest)
    .sort((a, b) => String(a.name).localeCompare(String(b.name)));
  return { options: canonical(spec.options), indexes: canonical(indexes) };
}

/** Differences between a source and a copy, in words; empty when they match. */
export function compareSpecs(expected: CollectionSpec, actual: CollectionSpec | undefined): string[] {
  if (!actual) return [`collection ${expected.name} is missing`];
  const problems: string[] = [];
  if (expected.type !== actual.type) problems.push(`type is ${actual.type}, expected ${expected.type}`);
  const e = specFingerprint(expected);
  const a = specFingerprint(actual);
  if (e.options !== a.options) problems.push(`options differ: expected ${e.options}, got ${a.options}`);
  const expectedNames = expected.indexes.map((i) => String(i.name)).sort();
  const actualNames = actual.indexes.map((i) => String(i.name)).sort();
  const missing = expectedNames.filter((n) => !actualNames.includes(n));
  const extra = actualNames.filter((n) => !expectedNames.includes(n));
  if (missing.length) problems.push(`missing indexes: ${missing.join(", ")}`);
  if (extra.length) problems.push(`unexpected indexes: ${extra.join(", ")}`);
  if (!missing.length && !extra.length && e.indexes !== a.indexes) problems.push("index definitions differ");
  return problems;
}

function canonical(value: unknown): string {
  return BSON.EJSON.stringify(value, { relaxed: false });
}
