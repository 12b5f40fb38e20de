export const id = 85985;
export const ids = [85985];
export const modules = {

/***/ 1765:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  readLatestSnapshot: () => (/* binding */ readLatestSnapshot),
  runDirect: () => (/* binding */ runDirect)
});

// EXTERNAL MODULE: ../../packages/core/src/markdown.ts
var markdown = __webpack_require__(1233);
;// CONCATENATED MODULE: ../../packages/core/src/masking/describe.ts

/** The policy hash as people see it: enough characters to tell policies apart at a glance. */
function shortPolicy(hash) {
    return hash.slice(0, 12);
}
/** What the `preview` and `db-restored` comments (and summaries) say about masked or subset data. */
function maskedDataNote(maskingPolicy, subset) {
    const notes = [];
    if (maskingPolicy)
        notes.push(`🛡️ The data is **masked**: personal fields were replaced on the production side before anything was written (masking policy ${code(shortPolicy(maskingPolicy))}).`);
    const kept = Object.entries(subset ?? {});
    if (kept.length)
        notes.push(`✂️ It is a **subset** of production: ${kept.map(([c, n]) => `${code(c)} keeps ${n.toLocaleString("en-US")} documents`).join(", ")}.`);
    return notes;
}

// EXTERNAL MODULE: ../../node_modules/.pnpm/mongodb@7.9.0/node_modules/mongodb/lib/index.js
var lib = __webpack_require__(2257);
// EXTERNAL MODULE: ../../packages/core/src/errors.ts
var errors = __webpack_require__(9179);
// EXTERNAL MODULE: ../../packages/core/src/mongo/connection-string.ts
var connection_string = __webpack_require__(599);
;// CONCATENATED MODULE: ../../packages/core/src/mongo/client.ts



async function connectMongo(options) {
    const parts = (0,connection_string/* maskConnectionString */.Oi)(options.uri, options.log);
    const defaults = {
        appName: options.appName,
        serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 15_000,
        connectTimeoutMS: 10_000,
        // $out of a large collection is one long command: never time the socket out underneath it.
        socketTimeoutMS: 0,
        maxPoolSize: options.maxPoolSize ?? 10,
        retryWrites: true,
        retryReads: true,
    };
    // Options written in the connection string are the operator's choice: they win over our defaults.
    const inUri = new Set((options.uri.split("?")[1] ?? "").split("&").map((kv) => (kv.split("=")[0] ?? "").toLowerCase()));
    const clientOptions = Object.fromEntries(Object.entries(defaults).filter(([key]) => !inUri.has(key.toLowerCase())));
    const client = new lib.MongoClient(options.uri.trim(), clientOptions);
    try {
        await client.connect();
        // connect() succeeds lazily on some topologies; a ping proves the credentials work.
        await client.db("admin").command({ ping: 1 });
        return client;
    }
    catch (error) {
        await client.close().catch(() => { });
        throw explainConnectionError(error, parts, clientOptions.serverSelectionTimeoutMS ?? selectionTimeoutFromUri(options.uri), options.input);
    }
}
/** Connects, runs `fn`, and always closes the connection. */
async function client_withMongo(options, fn) {
    const client = await connectMongo(options);
    try {
        return await fn(client);
    }
    finally {
        await client.close();
    }
}
function explainConnectionError(error, parts, timeoutMs, input = "mongodb-uri") {
    const where = (0,connection_string/* describeConnection */.If)(parts);
    if (error instanceof lib.MongoServerError && (error.code === 18 || error.codeName === "AuthenticationFailed")) {
        return new errors/* UserError */.yo(`MongoDB rejected the credentials for user "${parts.username ?? "(none)"}" at ${where}: authentication failed. ` +
            `Check the username and password in the ${input} secret (and authSource, usually "admin").`);
    }
    if (error instanceof lib.MongoServerSelectionError) {
        return new errors/* UserError */.yo(`Could not reach MongoDB at ${where} within ${Math.round(timeoutMs / 1000)}s (${firstLine(error.message)}). ` +
            `Check the host in ${input} and that this runner is allowed to connect (IP access list, firewall, VPN).`);
    }
    return error instanceof Error ? error : new Error(String(error));
}
function selectionTimeoutFromUri(uri) {
    const m = /[?&]serverSelectionTimeoutMS=(\d+)/i.exec(uri);
    return m?.[1] ? Number(m[1]) : 30_000;
}
function firstLine(text) {
    return text.split("\n")[0] ?? text;
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
;// CONCATENATED MODULE: ../../packages/core/src/mongo/target.ts





const target_METADATA_COLLECTION = "snapshot_metadata";
/**
 * The one-writer lease of a PR database lives in a collection of its own, so that a sweeper can
 * be granted writes on exactly this collection name in every database and nothing else.
 */
const LEASE_COLLECTION = "pr_snapshots_lease";
const WRITER_LEASE_ID = "writer";
/** Collections every PR database may hold besides the application's data. */
function target_isBookkeeping(collection) {
    return collection === target_METADATA_COLLECTION || collection === LEASE_COLLECTION;
}
/**
 * CONTRACT §3 "init": the database exists, i.e. has at least one collection. Our own
 * bookkeeping alone does not count (a lease taken by a drop, a lock record), unless it holds a
 * restore's (or the application's) `latest` record.
 */
async function target_databaseExists(client, database) {
    const names = (await client.db(database).listCollections({}, { nameOnly: true, authorizedCollections: true }).toArray()).map((c) => String(c.name));
    if (names.some((n) => !target_isBookkeeping(n)))
        return true;
    if (!names.includes(target_METADATA_COLLECTION))
        return false;
    return (await target_readPrMetadata(client, database)) !== undefined;
}
/**
 * CONTRACT §9: at most one restore, reset or drop writes a PR database at a time, whoever starts
 * it. Taking the lease is itself a write into the database, so the target rules come first.
 */
async function target_acquireWriterLease(o) {
    assertWritableTarget(o.database, o.policy);
    return acquireLease({
        collection: o.client.db(o.database).collection(LEASE_COLLECTION),
        id: WRITER_LEASE_ID,
        holder: randomUUID(),
        owner: o.owner ?? leaseOwner(),
        what: o.what,
        ttlMs: o.ttlMs ?? 60_000,
        waitMs: o.waitMs,
        subject: `database ${o.database}`,
        log: o.log,
    });
}
/**
 * Drops a PR database after the name check, holding the writer lease; dropping one that does not
 * exist is not an error. The lease document goes with the database, which is what releases it.
 */
async function target_dropTargetDatabase(client, database, policy, log, options = {}) {
    assertWritableTarget(database, policy);
    const existed = await target_databaseExists(client, database);
    const lease = options.lease ??
        (await target_acquireWriterLease({
            client,
            database,
            policy,
            log,
            what: options.what ?? "drop",
            waitMs: options.waitMs ?? 360_000,
            ...(options.ttlMs ? { ttlMs: options.ttlMs } : {}),
            ...(options.owner ? { owner: options.owner } : {}),
        }));
    try {
        // A restore killed mid-copy leaves its $out/$merge running on the server; it would recreate collections.
        await stopStaleCopies(client, database, log);
        lease.assertHeld();
        lease.stopHeartbeat();
        assertWritableTarget(database, policy);
        await client.db(database).dropDatabase();
    }
    finally {
        if (!options.lease)
            await lease.release().catch(() => { });
    }
    log.info(existed ? `Dropped database ${database}.` : `Database ${database} did not exist; nothing to drop.`);
    return { existed };
}
/** The holder of a PR database's one-writer lease, if it is held now (by the server's clock); read only. */
async function writerLeaseHolder(client, database) {
    const held = await client
        .db(database)
        .collection(LEASE_COLLECTION)
        .findOne({ _id: WRITER_LEASE_ID, $expr: { $gt: ["$expiresAt", "$$NOW"] } });
    return held ?? undefined;
}
/**
 * A drop for credentials that may not write the lease collection (a sweeper without that
 * privilege): it checks the lease read-only and refuses with {@link BusyError} while it is held.
 * Unlike {@link dropTargetDatabase} it cannot stop a restore that starts between the check and
 * the drop, so it is a fallback, used with a warning.
 */
async function dropTargetDatabaseIfLeaseFree(client, database, policy, log) {
    assertWritableTarget(database, policy);
    const holder = await writerLeaseHolder(client, database);
    if (holder) {
        throw new BusyError(`Database ${database} is being written by ${describeHolder(holder)}: not dropped. Nothing was changed.`);
    }
    const existed = await target_databaseExists(client, database);
    await stopStaleCopies(client, database, log);
    assertWritableTarget(database, policy);
    await client.db(database).dropDatabase();
    log.info(`Dropped database ${database} (lease checked read-only).`);
    return { existed };
}
async function target_readPrMetadata(client, database) {
    const doc = await client
        .db(database)
        .collection(target_METADATA_COLLECTION)
        .findOne({ _id: "latest" });
    return doc ?? undefined;
}

;// CONCATENATED MODULE: ../../packages/core/src/snapshot/metadata.ts


const LATEST = "latest";
async function readSnapshotMetadata(db) {
    const doc = await db.collection(target_METADATA_COLLECTION).findOne({ _id: LATEST });
    return doc ?? undefined;
}
function metadata_physicalName(meta, logical) {
    return meta.physical?.[logical] ?? logical;
}
/** Polls until the snapshot's metadata says `complete`; on timeout, says the three ways out. */
async function metadata_waitForCompleteSnapshot(client, snapshotDatabase, options) {
    const sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    const now = options.now ?? Date.now;
    const deadline = now() + options.timeoutMs;
    const db = client.db(snapshotDatabase);
    for (let attempt = 1;; attempt++) {
        const meta = await readSnapshotMetadata(db);
        if (meta?.status === "complete")
            return validateMetadata(meta, snapshotDatabase);
        const state = meta ? `status "${meta.status}"` : "no snapshot yet";
        const left = deadline - now();
        if (left <= 0) {
            const label = options.snapshotLabel ?? "use-snapshot";
            throw new SnapshotUnavailableError(`No complete snapshot in database "${snapshotDatabase}" after waiting ${Math.round(options.timeoutMs / 1000)}s (${state}). ` +
                "Ways out:\n" +
                "  1. wait for the scheduled weekly snapshot (Sunday 03:00 UTC by default) and re-run this workflow;\n" +
                "  2. run the snapshot-on-demand workflow (type refresh-snapshot to confirm), then re-run;\n" +
                `  3. remove the "${label}" label to use seed data instead.`);
        }
        options.log.info(`Waiting for a complete snapshot in ${snapshotDatabase} (${state}; attempt ${attempt}, ${Math.ceil(left / 1000)}s left).`);
        await sleep(Math.min(options.intervalMs, left));
    }
}
function validateMetadata(meta, snapshotDatabase) {
    const bad = (why) => new UserError(`The snapshot metadata in ${snapshotDatabase}.${METADATA_COLLECTION} is malformed: ${why}. ` +
        "Run the snapshot producer again to rewrite it.");
    if (!(meta.timestamp instanceof Date))
        throw bad('"timestamp" is not a date');
    if (!Array.isArray(meta.collections) || meta.collections.some((c) => typeof c !== "string")) {
        throw bad('"collections" is not a list of names');
    }
    if (typeof meta.source !== "string")
        throw bad('"source" is missing');
    return meta;
}

// EXTERNAL MODULE: ../../packages/core/src/copy/methods.ts
var methods = __webpack_require__(1296);
;// CONCATENATED MODULE: ../../packages/core/src/concurrency.ts
/** Runs `fn` over `items` with at most `limit` in flight; results keep the input order. */
async function concurrency_mapBounded(items, limit, fn) {
    const results = new Array(items.length);
    let next = 0;
    let failed;
    const worker = async () => {
        while (!failed && next < items.length) {
            const index = next++;
            try {
                results[index] = await fn(items[index], index);
            }
            catch (error) {
                failed ??= { error };
            }
        }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
    if (failed)
        throw failed.error;
    return results;
}
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/**
 * Longest job first: with bounded concurrency, starting the biggest copies first keeps one large
 * collection from becoming a long tail after everything else has finished. Results keep the
 * input order.
 */
async function concurrency_mapLargestFirst(items, size, limit, fn) {
    const order = items.map((item, index) => ({ item, index })).sort((a, b) => size(b.item) - size(a.item));
    const results = await concurrency_mapBounded(order, limit, ({ item }) => fn(item));
    const byIndex = new Array(items.length);
    order.forEach(({ index }, k) => {
        byIndex[index] = results[k];
    });
    return byIndex;
}

;// CONCATENATED MODULE: ../../packages/core/src/mongo/retry.ts

/**
 * Server error codes the driver itself treats as retryable (mongodb 7, lib/error.js): host
 * unreachable/not found, network timeout, shutdown in progress, primary stepped down, not
 * writable primary, node recovering, exceeded time limit on a secondary, and friends.
 */
const RETRYABLE_CODES = new Set([6, 7, 89, 91, 134, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436]);
/**
 * Whether repeating an idempotent step (drop + create + `$out` of one collection) can succeed.
 * The driver never retries an `$out` aggregate itself, so we do, but only for these errors:
 * anything else (authorization, validation, bad names) would fail again the same way.
 */
function isRetryable(error) {
    if (error instanceof lib.MongoNetworkError || error instanceof lib.MongoNetworkTimeoutError)
        return true;
    if (error instanceof lib.MongoServerSelectionError)
        return true;
    if (error instanceof lib.MongoError) {
        if (error.hasErrorLabel("RetryableWriteError") || error.hasErrorLabel("TransientTransactionError"))
            return true;
    }
    if (error instanceof lib.MongoServerError && typeof error.code === "number")
        return RETRYABLE_CODES.has(error.code);
    return false;
}
/** Runs `fn`, retrying retryable errors with exponential backoff and jitter. */
async function withRetry(fn, options = {}) {
    const attempts = options.attempts ?? 4;
    const base = options.baseDelayMs ?? 500;
    const max = options.maxDelayMs ?? 15_000;
    const sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    for (let attempt = 1;; attempt++) {
        try {
            return await fn(attempt);
        }
        catch (error) {
            if (attempt >= attempts || !isRetryable(error))
                throw error;
            const delay = Math.min(max, base * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);
            options.log?.warning(`${options.what ?? "Operation"} failed with a retryable error (${error.message}); ` +
                `retrying in ${Math.round(delay)} ms (attempt ${attempt + 1} of ${attempts}).`);
            await sleep(delay);
        }
    }
}

;// CONCATENATED MODULE: ../../packages/core/src/mongo/server.ts
async function serverVersion(client) {
    const info = await client.db("admin").command({ buildInfo: 1 });
    return info.versionArray ?? String(info.version).split(".").map(Number);
}
/** `$out` can write time-series collections from MongoDB 7.0.3. */
async function serverSupportsTimeseriesOut(client) {
    const [major = 0, minor = 0, patch = 0] = await serverVersion(client);
    return major > 7 || (major === 7 && (minor > 0 || patch >= 3));
}
/**
 * The server's core count from `hostInfo`, which least-privilege users are often not allowed to
 * run (it needs the hostInfo action, e.g. from clusterMonitor): then undefined, and the caller
 * falls back to its concurrency setting.
 */
async function serverCores(client) {
    try {
        const info = await client.db("admin").command({ hostInfo: 1 });
        const cores = Number(info.system?.numCores);
        return Number.isFinite(cores) && cores > 0 ? cores : undefined;
    }
    catch {
        return undefined;
    }
}

;// CONCATENATED MODULE: ../../packages/core/src/mongo/specs.ts

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
];
async function readCollectionSpecs(db, filter = {}) {
    const infos = await db.listCollections(filter, { authorizedCollections: true }).toArray();
    const specs = [];
    for (const info of infos) {
        const name = String(info.name);
        if (name.startsWith("system."))
            continue;
        const type = info.type === "view" ? "view" : info.type === "timeseries" ? "timeseries" : "collection";
        const options = info.options ?? {};
        const indexes = type === "view" ? [] : await listSecondaryIndexes(db, name);
        specs.push({ name, type, options, indexes });
    }
    return specs.sort((a, b) => a.name.localeCompare(b.name));
}
async function specs_readCollectionSpec(db, name) {
    return (await readCollectionSpecs(db, { name }))[0];
}
async function listSecondaryIndexes(db, collection) {
    const all = await db.collection(collection).listIndexes().toArray();
    return all.filter((ix) => ix.name !== "_id_" && ix.clustered !== true);
}
/** Options for `db.createCollection` that recreate the spec's behaviour (not capped / time-series / views). */
function creatableOptions(spec) {
    const out = {};
    for (const key of CREATE_OPTIONS)
        if (spec.options[key] !== undefined)
            out[key] = spec.options[key];
    return out;
}
/**
 * Index specs for `createIndexes`, as listIndexes returned them. A spec without a collation on a
 * collection that has a default collation would inherit it (and a text index would be refused),
 * so it gets the simple collation it had on the source.
 */
function indexSpecsFor(spec) {
    const collectionCollation = spec.options.collation;
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
function specFingerprint(spec) {
    const indexes = [...spec.indexes]
        .map(({ ns: _ns, ...rest }) => rest)
        .sort((a, b) => String(a.name).localeCompare(String(b.name)));
    return { options: canonical(spec.options), indexes: canonical(indexes) };
}
/** Differences between a source and a copy, in words; empty when they match. */
function compareSpecs(expected, actual) {
    if (!actual)
        return [`collection ${expected.name} is missing`];
    const problems = [];
    if (expected.type !== actual.type)
        problems.push(`type is ${actual.type}, expected ${expected.type}`);
    const e = specFingerprint(expected);
    const a = specFingerprint(actual);
    if (e.options !== a.options)
        problems.push(`options differ: expected ${e.options}, got ${a.options}`);
    const expectedNames = expected.indexes.map((i) => String(i.name)).sort();
    const actualNames = actual.indexes.map((i) => String(i.name)).sort();
    const missing = expectedNames.filter((n) => !actualNames.includes(n));
    const extra = actualNames.filter((n) => !expectedNames.includes(n));
    if (missing.length)
        problems.push(`missing indexes: ${missing.join(", ")}`);
    if (extra.length)
        problems.push(`unexpected indexes: ${extra.join(", ")}`);
    if (!missing.length && !extra.length && e.indexes !== a.indexes)
        problems.push("index definitions differ");
    return problems;
}
function canonical(value) {
    return lib.BSON.EJSON.stringify(value, { relaxed: false });
}

// EXTERNAL MODULE: ../../packages/core/src/names.ts
var names = __webpack_require__(5618);
;// CONCATENATED MODULE: ../../packages/core/src/copy/ranges.ts
/** Sampled `_id`s per range: enough for ranges of similar size without scanning the collection. */
const SAMPLES_PER_RANGE = 32;
/** Half-open ranges covering all `_id`s, at most `k` of them. */
async function splitById(collection, k, comment) {
    if (k <= 1)
        return [{}];
    const sample = await collection
        .aggregate(
    // $sample may return a document twice: group before sorting so that bounds are distinct.
    [{ $sample: { size: k * SAMPLES_PER_RANGE } }, { $group: { _id: "$_id" } }, { $sort: { _id: 1 } }], {
        ...(comment ? { comment } : {}),
        // The sampled values are only handed back to the server as bounds: keep their exact types.
        promoteLongs: false,
        promoteValues: false,
        promoteBuffers: false,
        bsonRegExp: true,
    })
        .toArray();
    return rangesFromSortedSample(sample.map((d) => d._id), k);
}
/**
 * Boundaries at the quantiles of a sample the server sorted and de-duplicated. A small sample
 * can give fewer ranges than asked.
 */
function rangesFromSortedSample(ids, k) {
    const bounds = [];
    for (let i = 1; i < k; i++) {
        const at = Math.floor((i * ids.length) / k);
        if (at <= 0 || at >= ids.length)
            continue;
        if (bounds.length && bounds[bounds.length - 1] === ids[at])
            continue;
        bounds.push(ids[at]);
    }
    const ranges = [];
    for (let i = 0; i <= bounds.length; i++) {
        ranges.push({
            ...(i > 0 ? { from: bounds[i - 1] } : {}),
            ...(i < bounds.length ? { to: bounds[i] } : {}),
        });
    }
    return ranges;
}
/**
 * The `$match` stage of one range. Bounds are wrapped in `$literal`: an `_id` such as the
 * string "$x" or `{ $add: [...] }` would otherwise be read as an expression.
 */
function rangeMatch(range) {
    const conditions = [];
    if (range.from !== undefined)
        conditions.push({ $gte: ["$_id", { $literal: range.from }] });
    if (range.to !== undefined)
        conditions.push({ $lt: ["$_id", { $literal: range.to }] });
    if (conditions.length === 0)
        return undefined;
    return { $match: { $expr: conditions.length === 1 ? conditions[0] : { $and: conditions } } };
}

;// CONCATENATED MODULE: ../../packages/core/src/copy/stale.ts

const COPY_COMMENT_PREFIX = "pr-snapshots copy into";
function copyComment(target, tag) {
    return `${COPY_COMMENT_PREFIX} ${target.db}.${target.collection} ${tag}`;
}
/**
 * A killed client does not stop its `$out` or `$merge`: the server finishes it and would then
 * replace or fill a collection a later run has already copied. Stop such leftovers before
 * copying again (only the caller's own operations are visible without extra privileges, which
 * is enough: every run of one PR database uses the same credentials).
 */
async function stale_stopStaleCopies(client, targetDb, log, exceptTag) {
    const pattern = `^${(0,names/* escapeRegExp */.Nt)(`${COPY_COMMENT_PREFIX} ${targetDb}.`)}`;
    const find = async () => (await client
        .db("admin")
        .aggregate([
        { $currentOp: { allUsers: false, idleConnections: false } },
        { $match: { "command.comment": { $regex: pattern } } },
    ])
        .toArray()).filter((op) => !exceptTag || !String(op.command?.comment ?? "").endsWith(` ${exceptTag}`));
    const stale = await find();
    for (const op of stale) {
        log.warning(`Stopping an unfinished copy from an earlier run: ${String(op.command?.comment)} (opid ${op.opid}).`);
        await client
            .db("admin")
            .command({ killOp: 1, op: op.opid })
            .catch(() => { });
    }
    for (let i = 0; i < 100 && stale.length && (await find()).length; i++)
        await new Promise((r) => setTimeout(r, 200));
    return stale.length;
}

// EXTERNAL MODULE: ../../node_modules/.pnpm/mongodb@7.9.0/node_modules/mongodb/lib/cmap/commands.js
var commands = __webpack_require__(1453);
;// CONCATENATED MODULE: ../../packages/core/src/copy/raw-insert.ts
// A static import, so that the bundler includes the very module the driver itself uses: the
// driver recognises the class with `instanceof`.

function documentSequenceClass() {
    const candidate = commands.DocumentSequence;
    return typeof candidate === "function" && typeof candidate.prototype?.push === "function"
        ? candidate
        : undefined;
}
/** Inserts raw BSON documents with one `insert` command; throws unless every one was written. */
async function insertRaw(collection, documents, options) {
    const Sequence = documentSequenceClass();
    if (!Sequence)
        throw new Error("raw inserts are not available with this driver version");
    const sequence = new Sequence("documents");
    for (const d of documents)
        sequence.push(EMPTY, d);
    const wc = collection.writeConcern;
    const reply = await collection.db.command({
        insert: collection.collectionName,
        documents: sequence,
        ordered: options.ordered,
        // The source already passed its validator (or predates it); a copy must not re-judge it.
        bypassDocumentValidation: true,
        ...(wc && (wc.w !== undefined || wc.journal !== undefined)
            ? {
                writeConcern: {
                    ...(wc.w !== undefined ? { w: wc.w } : {}),
                    ...(wc.journal !== undefined ? { j: wc.journal } : {}),
                },
            }
            : {}),
    });
    const errors = reply.writeErrors;
    if (errors?.length) {
        const first = errors[0];
        const error = new Error(`Insert into ${collection.namespace} failed for ${errors.length} document(s): ${first?.errmsg} (code ${first?.code}).`);
        Object.assign(error, { code: first?.code });
        throw error;
    }
    if (reply.writeConcernError) {
        throw new Error(`Insert into ${collection.namespace}: write concern error ${JSON.stringify(reply.writeConcernError)}.`);
    }
    if (Number(reply.n) !== documents.length) {
        throw new Error(`Insert into ${collection.namespace} wrote ${String(reply.n)} of ${documents.length} documents.`);
    }
}
/** Only read by the driver's command monitoring, which copies do not enable. */
const EMPTY = Object.freeze({});

;// CONCATENATED MODULE: ../../packages/core/src/copy/stream.ts



/**
 * Documents are read as raw BSON and, where the driver allows it, written back as the same bytes
 * (raw-insert.ts). Otherwise they are decoded with every promotion off, which also keeps the copy
 * byte-identical: with the driver's defaults an Int64 5 or a Double 5.0 comes back as a
 * JavaScript number and is written as an Int32, a regex loses flags the JavaScript engine does not
 * know, and a Symbol becomes a string.
 */
const EXACT_BSON = {
    promoteLongs: false,
    promoteValues: false,
    promoteBuffers: false,
    bsonRegExp: true,
};
/**
 * Copies documents through the runner, one reader per range. Each reader keeps at most one batch
 * being written while it reads the next, so memory stays bounded at about two batches per reader.
 */
async function streamCopy(o) {
    const totals = { documents: 0, bytes: 0, passThrough: !o.decode && documentSequenceClass() !== undefined };
    await Promise.all(o.ranges.map((range) => readRange(o, range, totals)));
    return totals;
}
async function readRange(o, range, totals) {
    const maxDocs = o.batchDocuments ?? 1_000;
    const maxBytes = o.batchBytes ?? 8 * 1024 * 1024;
    const match = rangeMatch(range);
    const cursor = o.source.aggregate([...(match ? [match] : []), ...o.pipeline], {
        raw: true,
        batchSize: maxDocs,
        comment: o.comment,
        allowDiskUse: true,
        ...(o.variables ? { let: o.variables } : {}),
        ...(o.ordered ? { hint: { $natural: 1 } } : {}),
        ...(o.maxTimeMS ? { maxTimeMS: o.maxTimeMS } : {}),
    });
    const { passThrough } = totals;
    let failed;
    let pending = Promise.resolve();
    const insert = (docs) => passThrough
        ? insertRaw(o.target, docs, { ordered: o.ordered })
        : o.target
            .insertMany(docs.map((d) => lib.BSON.deserialize(d, EXACT_BSON)), {
            ordered: o.ordered,
            bypassDocumentValidation: true,
            // The driver would replace a null _id with a new ObjectId: the server must see the document as it is.
            forceServerObjectId: true,
        })
            .then(() => undefined);
    const write = (docs, bytes) => {
        o.beforeWrite();
        return insert(docs).then(() => {
            totals.documents += docs.length;
            totals.bytes += bytes;
            o.task?.add(docs.length, bytes);
        }, (error) => {
            failed ??= { error };
        });
    };
    let batch = [];
    let size = 0;
    try {
        for await (const raw of cursor) {
            if (failed)
                break;
            const bytes = raw;
            batch.push(bytes);
            size += bytes.byteLength;
            if (batch.length >= maxDocs || size >= maxBytes) {
                await pending;
                pending = write(batch, size);
                batch = [];
                size = 0;
            }
        }
        await pending;
        if (!failed && batch.length)
            await write(batch, size);
    }
    finally {
        await cursor.close().catch(() => { });
    }
    if (failed)
        throw failed.error;
}

;// CONCATENATED MODULE: ../../packages/core/src/copy/swap.ts



/**
 * A restore builds each collection it copies under a temporary name, with its options and
 * indexes, verifies it there, and then swaps it in with one `renameCollection` (`dropTarget`).
 * The preview application may be connected and writing the whole time (an Argo CD PreSync Job
 * runs while the previous version is still up): what it writes into the old collection before
 * the swap goes with the old collection, as a drop would discard it; what it writes after the
 * swap is its own. Within one database the rename is atomic on standalone servers and replica
 * sets alike (exclusive locks on both names; one oplog entry), and `readWrite` on the database
 * grants it (`renameCollectionSameDB`).
 */
/**
 * Every temporary collection starts with this. It is short, so that the namespace stays within
 * the shared tiers' 95 bytes whatever the application's collection is called, and no application
 * names its collections this way; a killed restore's leftovers are found by it and dropped by the
 * next restore, under the one-writer lease.
 */
const TEMPORARY_PREFIX = "pr_snapshots.swap.";
/**
 * The name a copy is built under before it is swapped in. The one place such names are made, so
 * that a namespace check (server limits) can see every one of them.
 */
function temporaryCollectionName(token = (0,external_node_crypto_.randomBytes)(4).toString("hex")) {
    return `${TEMPORARY_PREFIX}${token}`;
}
function swap_isTemporaryCollection(name) {
    return name.startsWith(TEMPORARY_PREFIX);
}
/** How often a swap is tried before the restore gives up on an application that keeps changing the collection. */
const SWAP_ATTEMPTS = 5;
/**
 * Swaps the verified copy into place. What can stand in its way is the application: a view it
 * created under the name, an index build it started, a rename or drop of its own at that moment.
 * Each attempt clears what it can and tries again; after `attempts` the restore fails, saying
 * that the application is writing and what to do about it.
 */
async function swapIntoPlace(o) {
    const attempts = o.attempts ?? SWAP_ATTEMPTS;
    const sleep = o.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    const db = o.client.db(o.db);
    const uuid = await collectionUuid(o.client, o.db, o.temporary);
    if (!uuid)
        throw new Error(`The copy ${o.db}.${o.temporary} of ${o.target} disappeared before its swap.`);
    let last;
    for (let attempt = 1; attempt <= attempts; attempt++) {
        (0,names/* assertWritableTarget */.Sf)(o.db, o.policy);
        o.guard?.();
        try {
            const res = await o.client.db("admin").command({
                renameCollection: `${o.db}.${o.temporary}`,
                to: `${o.db}.${o.target}`,
                dropTarget: true,
            });
            return {
                ...(res.operationTime ? { operationTime: res.operationTime } : {}),
                uuid,
                attempts: attempt,
            };
        }
        catch (error) {
            last = error;
            // A lost reply to a rename that did happen: the target already is the copy.
            if (sameUuid(await collectionUuid(o.client, o.db, o.target), uuid))
                return { uuid, attempts: attempt };
            if (!(await collectionUuid(o.client, o.db, o.temporary)))
                throw new Error(`The copy ${o.db}.${o.temporary} of ${o.target} disappeared during its swap: did something drop it? ${String(error.message)}`);
            // A view under the name (renameCollection does not replace views): it goes, as a drop would take it.
            if (error instanceof lib.MongoServerError && error.code === 48) {
                const [info] = await db.listCollections({ name: o.target }).toArray();
                if (info?.type === "view") {
                    (0,names/* assertWritableTarget */.Sf)(o.db, o.policy);
                    await db.dropCollection(o.target).catch(() => false);
                }
            }
            if (attempt < attempts) {
                o.log.info(`  swap of ${o.target} did not succeed (${error.message.split("\n")[0]}); trying again (${attempt + 1} of ${attempts}).`);
                await sleep(Math.min(2_000, 100 * 2 ** attempt));
            }
        }
    }
    throw new Error(`Could not swap the restored copy of ${o.db}.${o.target} into place after ${attempts} attempts: ` +
        `the application connected to ${o.db} keeps changing that collection (last error: ${last?.message ?? String(last)}). ` +
        "The database is marked as restoring, not complete. Stop the preview application or scale it down " +
        "(in Argo CD, run the restore as a PreSync hook before the new version starts), then run the restore again.");
}
/** Drops what a killed restore left under temporary names. Called under the one-writer lease. */
async function swap_dropLeftoverTemporaries(client, database, policy, log) {
    const db = client.db(database);
    const names = (await db
        .listCollections({ name: { $regex: `^${escapeRegExp(TEMPORARY_PREFIX)}` } }, { nameOnly: true })
        .toArray()).map((c) => String(c.name));
    for (const name of names) {
        assertWritableTarget(database, policy);
        await db.dropCollection(name).catch((error) => {
            if (!(error instanceof MongoServerError && error.code === 26))
                throw error;
        });
    }
    if (names.length)
        log.info(`Dropped ${names.length} unfinished cop${names.length === 1 ? "y" : "ies"} of an earlier restore.`);
    return names;
}
async function collectionUuid(client, database, name) {
    const [info] = await client.db(database).listCollections({ name }).toArray();
    return info?.info?.uuid;
}
function sameUuid(a, b) {
    return a !== undefined && b !== undefined && Buffer.from(a.buffer).equals(Buffer.from(b.buffer));
}

;// CONCATENATED MODULE: ../../packages/core/src/copy/engine.ts










/**
 * The environment of a run's copies (restore or producer): what the target server can do, read
 * once. A user without the hostInfo privilege cannot read the core count: then the engine splits
 * large collections into `concurrency` ranges, and the log says so.
 */
async function engine_copyEnvironment(o) {
    const cores = await serverCores(o.target);
    if (cores === undefined)
        o.log.info(`The server's core count is not readable with these credentials (hostInfo); large collections are split into up to ${Math.min(methods/* MAX_RANGES */.yM, Math.max(2, o.concurrency))} ranges (from concurrency).`);
    else
        o.log.info(`The server has ${cores} cores.`);
    return {
        source: o.source,
        target: o.target,
        sameDeployment: o.sameDeployment,
        policy: o.policy,
        log: o.log,
        tag: o.tag,
        concurrency: o.concurrency,
        timeseriesOut: await serverSupportsTimeseriesOut(o.target),
        ...(cores === undefined ? {} : { cores }),
        method: o.method ?? "auto",
        rangeThresholdBytes: (o.rangeThresholdMb ?? methods/* DEFAULT_RANGE_THRESHOLD_MB */.I8) * 1024 * 1024,
        ...(o.progress ? { progress: o.progress } : {}),
        ...(o.guard ? { guard: o.guard } : {}),
        ...(o.maxTimeMS ? { maxTimeMS: o.maxTimeMS } : {}),
    };
}
function engine_collectionReport(r) {
    return {
        name: r.name,
        documents: r.documents,
        indexes: r.indexes,
        seconds: r.ms / 1000,
        method: r.method,
        startedAt: r.startedAt,
        endedAt: r.endedAt,
    };
}
async function engine_copyCollection(env, request) {
    const { source, target, spec } = request;
    // Where the copy is built and verified: the target itself, or a temporary name swapped in at the
    // end. Not for time-series collections: renameCollection refuses them (MongoDB 6.0 to 8.0).
    const into = request.swap && spec.type !== "timeseries"
        ? { db: target.db, collection: temporaryCollectionName() }
        : target;
    const startedAt = Date.now();
    const choice = (0,methods/* chooseMethod */.jN)({
        type: spec.type === "timeseries" ? "timeseries" : "collection",
        capped: spec.options.capped === true,
        bytes: request.bytes,
        sameDeployment: env.sameDeployment,
        timeseriesOut: env.timeseriesOut,
        cores: env.cores,
        concurrency: env.concurrency,
        rangeThresholdBytes: env.rangeThresholdBytes,
        setting: env.method,
        ...(env.minRangeBytes !== undefined ? { minRangeBytes: env.minRangeBytes } : {}),
    });
    env.log.debug(`${spec.name}: ${choice.label} (${choice.reason})`);
    const task = env.progress?.task(spec.name, choice.label, {
        documents: request.expectedCount ?? request.documents,
        bytes: request.bytes,
    });
    let attempts = 0;
    try {
        await withRetry(async (attempt) => {
            attempts = attempt;
            await copyOnce(env, into === target ? request : { ...request, target: into }, choice, task);
        }, { attempts: env.attempts ?? 4, log: env.log, what: `Copy of ${source.db}.${source.collection}` });
        task?.phase("verifying");
        const db = env.target.db(target.db);
        const copied = await specs_readCollectionSpec(db, into.collection);
        const problems = compareSpecs({ ...spec, name: into.collection }, copied);
        const documents = await db.collection(into.collection).countDocuments({});
        if (request.expectedCount !== undefined && documents !== request.expectedCount) {
            problems.push(`has ${documents} documents, expected ${request.expectedCount}`);
        }
        if (problems.length) {
            throw new Error(`Verification of ${target.db}.${target.collection} (copied from ${source.db}.${source.collection}) failed: ${problems.join("; ")}.`);
        }
        const swapped = into === target
            ? undefined
            : await swapIntoPlace({
                client: env.target,
                db: target.db,
                temporary: into.collection,
                target: target.collection,
                policy: env.policy,
                log: env.log,
                ...(env.guard ? { guard: env.guard } : {}),
            });
        const endedAt = Date.now();
        return {
            name: spec.name,
            target,
            documents,
            indexes: spec.indexes.length,
            method: choice.label,
            kind: choice.kind,
            ms: endedAt - startedAt,
            startedAt,
            endedAt,
            attempts,
            ...(swapped?.operationTime ? { swappedAt: swapped.operationTime } : {}),
            ...(swapped?.uuid ? { uuid: swapped.uuid } : {}),
        };
    }
    catch (error) {
        // A copy that never made it into place must not linger under its temporary name (unless this
        // run lost the lease: then it writes nothing more, and the next restore drops the leftover).
        if (into !== target) {
            try {
                (0,names/* assertWritableTarget */.Sf)(into.db, env.policy);
                env.guard?.();
                await engine_dropCollectionIfExists(env.target, into);
            }
            catch { }
        }
        throw error;
    }
    finally {
        task?.done();
    }
}
async function copyOnce(env, request, choice, task) {
    const { source, target, spec } = request;
    const beforeWrite = () => {
        (0,names/* assertWritableTarget */.Sf)(target.db, env.policy);
        env.guard?.();
    };
    beforeWrite();
    const targetDb = env.target.db(target.db);
    const sourceColl = env.source.db(source.db).collection(source.collection);
    const targetColl = targetDb.collection(target.collection);
    const pipeline = [...(request.pipeline ?? [])];
    const comment = copyComment(target, env.tag);
    const variables = request.variables ? { let: request.variables } : {};
    const aggregateOptions = {
        // The source already passed its validator (or predates it); a copy must not re-judge it.
        bypassDocumentValidation: true,
        comment,
        ...variables,
        ...(env.maxTimeMS ? { maxTimeMS: env.maxTimeMS } : {}),
    };
    const indexes = indexSpecsFor(spec);
    const buildIndexes = async () => {
        if (!indexes.length)
            return;
        task?.phase(`building ${indexes.length} index${indexes.length === 1 ? "" : "es"}`);
        beforeWrite();
        await targetDb.command({ createIndexes: target.collection, indexes });
    };
    /** Streams through this process: only the ranges, the order and the stages vary between uses. */
    const stream = async (o) => {
        const r = await streamCopy({
            source: sourceColl,
            target: targetColl,
            pipeline: o.stages ?? pipeline,
            ranges: o.ranges,
            ordered: o.ordered,
            comment,
            beforeWrite,
            ...(env.maxTimeMS ? { maxTimeMS: env.maxTimeMS } : {}),
            ...(task ? { task } : {}),
            ...(request.variables ? { variables: request.variables } : {}),
        });
        env.log.debug(`${spec.name}: ${r.documents} documents, ${r.bytes} bytes streamed ${r.passThrough ? "as raw BSON (byte for byte)" : "decoded with every promotion off"}.`);
        return r;
    };
    task?.setProbe(undefined);
    await engine_dropCollectionIfExists(env.target, target);
    if (spec.type === "timeseries") {
        const timeseries = timeseriesOptions(spec.options.timeseries);
        const ttl = spec.options.expireAfterSeconds === undefined
            ? {}
            : { expireAfterSeconds: spec.options.expireAfterSeconds };
        if (choice.kind === "$out") {
            beforeWrite();
            await sourceColl
                .aggregate([...pipeline, { $out: { db: target.db, coll: target.collection, timeseries } }], aggregateOptions)
                .toArray();
            if (ttl.expireAfterSeconds !== undefined)
                await targetDb.command({ collMod: target.collection, ...ttl });
        }
        else {
            await targetDb.createCollection(target.collection, { timeseries, ...ttl });
            await stream({ ranges: [{}], ordered: false });
        }
        await buildIndexes();
        return;
    }
    if (spec.options.capped === true) {
        const capped = { capped: true, size: spec.options.size };
        if (spec.options.max !== undefined)
            capped.max = spec.options.max;
        await targetDb.createCollection(target.collection, { ...creatableOptions(spec), ...capped });
        await stream({ ranges: [{}], ordered: true });
        await buildIndexes();
        return;
    }
    await targetDb.createCollection(target.collection, creatableOptions(spec));
    if (choice.kind === "$out") {
        beforeWrite();
        await sourceColl
            .aggregate([...pipeline, { $out: { db: target.db, coll: target.collection } }], aggregateOptions)
            .toArray();
        await buildIndexes();
        return;
    }
    if (choice.kind === "ranges") {
        // Indexes first: maintaining them during K parallel inserts beats one single-threaded build afterwards.
        await buildIndexes();
        task?.phase("copying");
        const perDocument = request.documents > 0 ? request.bytes / request.documents : 0;
        task?.setProbe(async () => {
            const documents = await targetColl.estimatedDocumentCount();
            return { documents, bytes: Math.round(documents * perDocument) };
        });
        const ranges = await splitById(sourceColl, choice.parallelism, comment);
        await Promise.all(ranges.map(async (range) => {
            const match = rangeMatch(range);
            beforeWrite();
            await sourceColl
                .aggregate([
                ...(match ? [match] : []),
                // $merge cannot write a document whose _id is null or missing: those go through the stream below.
                { $match: { _id: { $ne: null } } },
                ...pipeline,
                {
                    $merge: {
                        into: { db: target.db, coll: target.collection },
                        on: "_id",
                        whenMatched: "fail",
                        whenNotMatched: "insert",
                    },
                },
            ], aggregateOptions)
                .toArray();
        }));
        if (await sourceColl.findOne({ _id: null }, { projection: { _id: 1 } })) {
            await stream({ ranges: [{}], ordered: false, stages: [{ $match: { _id: null } }, ...pipeline] });
        }
        task?.setProbe(undefined);
        return;
    }
    // stream: through the runner (another deployment, or forced), indexes afterwards as mongorestore does.
    const ranges = await splitById(sourceColl, choice.parallelism, comment);
    await stream({ ranges, ordered: false });
    await buildIndexes();
}
function timeseriesOptions(ts) {
    const out = { timeField: ts.timeField };
    if (ts.metaField !== undefined)
        out.metaField = ts.metaField;
    if (ts.granularity !== undefined)
        out.granularity = ts.granularity;
    else {
        if (ts.bucketMaxSpanSeconds !== undefined)
            out.bucketMaxSpanSeconds = ts.bucketMaxSpanSeconds;
        if (ts.bucketRoundingSeconds !== undefined)
            out.bucketRoundingSeconds = ts.bucketRoundingSeconds;
    }
    return out;
}
async function engine_dropCollectionIfExists(client, ns) {
    try {
        return await client.db(ns.db).dropCollection(ns.collection);
    }
    catch (error) {
        if (error instanceof lib.MongoServerError && error.code === 26)
            return false; // NamespaceNotFound
        throw error;
    }
}
/** Recreates a view in the target database (its pipeline refers to collections by their logical names). */
async function engine_createView(client, policy, targetDb, view) {
    assertWritableTarget(targetDb, policy);
    await engine_dropCollectionIfExists(client, { db: targetDb, collection: view.name });
    const options = { viewOn: view.options.viewOn, pipeline: view.options.pipeline ?? [] };
    if (view.options.collation)
        options.collation = view.options.collation;
    await client.db(targetDb).createCollection(view.name, options);
}

;// CONCATENATED MODULE: ../../packages/core/src/copy/progress.ts
class progress_Progress {
    o;
    started;
    now;
    running = new Set();
    finished = { documents: 0, bytes: 0 };
    timer;
    ticking = false;
    lines = 0;
    constructor(o) {
        this.o = o;
        this.now = o.now ?? Date.now;
        this.started = this.now();
    }
    start() {
        const interval = this.o.intervalMs ?? 10_000;
        this.timer = setInterval(() => void this.tick(), interval);
        this.timer.unref();
        return this;
    }
    stop() {
        if (this.timer)
            clearInterval(this.timer);
        this.timer = undefined;
    }
    task(name, label, expected) {
        const r = { name, label, phase: "copying", counted: { documents: 0, bytes: 0 }, expected };
        this.running.add(r);
        return {
            add: (documents, bytes) => {
                r.counted.documents += documents;
                r.counted.bytes += bytes;
            },
            setProbe: (probe) => {
                if (probe)
                    r.probe = probe;
                else
                    delete r.probe;
            },
            phase: (text) => {
                r.phase = text;
            },
            done: () => {
                this.running.delete(r);
                this.finished.documents += r.expected.documents;
                this.finished.bytes += r.expected.bytes;
            },
        };
    }
    /** One progress line; exposed so that tests need not wait for the timer. */
    async tick() {
        if (this.ticking)
            return undefined;
        this.ticking = true;
        try {
            let documents = this.finished.documents;
            let bytes = this.finished.bytes;
            const inFlight = [];
            for (const r of this.running) {
                let c = r.counted;
                if (r.probe)
                    c = await r.probe().catch(() => r.counted);
                const d = Math.min(c.documents, r.expected.documents || c.documents);
                const b = Math.min(c.bytes, r.expected.bytes || c.bytes);
                documents += d;
                bytes += b;
                const pct = r.expected.bytes > 0 ? ` ${Math.floor((100 * b) / r.expected.bytes)}%` : "";
                inFlight.push(`${r.name} (${r.label}, ${r.phase}${r.phase === "copying" ? pct : ""})`);
            }
            const line = formatProgress({
                what: this.o.what ?? "Copying",
                documents,
                bytes,
                totalDocuments: this.o.totalDocuments,
                totalBytes: this.o.totalBytes,
                elapsedMs: this.now() - this.started,
                inFlight,
            });
            this.o.log.info(line);
            this.lines++;
            return line;
        }
        finally {
            this.ticking = false;
        }
    }
}
function formatProgress(p) {
    const mb = (b) => (b / 1_048_576).toFixed(1);
    const seconds = Math.max(p.elapsedMs / 1000, 0.001);
    const rate = p.bytes / 1_048_576 / seconds;
    const left = Math.max(0, p.totalBytes - p.bytes);
    const eta = rate > 0 && p.bytes > 0 ? formatDuration((left / 1_048_576 / rate) * 1000) : "unknown";
    const pct = p.totalBytes > 0 ? ` (${Math.min(100, Math.floor((100 * p.bytes) / p.totalBytes))}%)` : "";
    return (`${p.what}: ${p.documents.toLocaleString("en-US")} of ${p.totalDocuments.toLocaleString("en-US")} documents, ` +
        `${mb(p.bytes)} of ${mb(p.totalBytes)} MB${pct}, ${rate.toFixed(1)} MB/s, ETA ${eta}` +
        (p.inFlight.length ? `; in progress: ${p.inFlight.join(", ")}` : ""));
}
function formatDuration(ms) {
    const s = Math.round(ms / 1000);
    if (s < 60)
        return `${s}s`;
    const m = Math.floor(s / 60);
    if (m < 60)
        return `${m}m${String(s % 60).padStart(2, "0")}s`;
    return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

;// CONCATENATED MODULE: ../../packages/core/src/mongo/refusal.ts

/**
 * Managed servers refuse commands that self-managed ones run: Atlas's free and Flex tiers answer
 * "`<command>` is not allowed or the syntax is incorrect" (AtlasError, 8000), a least-privilege
 * user gets Unauthorized (13), other MongoDB-compatible services say "command not found" or
 * "not supported", and an aggregation stage they lack is "Unrecognized pipeline stage name".
 * A refusal is decided from what the error says, not from its code alone: AtlasError also carries
 * quota and syntax errors, and a network or server failure must keep failing as it does today.
 */
const REFUSAL_CODE_NAMES = new Set([
    "Unauthorized",
    "CommandNotFound",
    "CommandNotSupported",
    "CommandNotSupportedOnView",
    "NotImplemented",
    "IllegalOperation",
]);
const REFUSAL_TEXT = /\bis not allowed\b|\bnot authori[sz]ed\b|\bno such (?:command|cmd)\b|\bcommand not found\b|\bnot supported\b|\bunsupported\b|\bunrecognized pipeline stage\b|\bunknown (?:command|operator)\b/i;
/** The server (or a proxy in front of it) refused the command itself; repeating it cannot help. */
function isRefusal(error) {
    if (!(error instanceof lib.MongoServerError))
        return false;
    if (error.codeName && REFUSAL_CODE_NAMES.has(error.codeName))
        return true;
    return REFUSAL_TEXT.test(error.message ?? "");
}
const warned = new WeakMap();
/**
 * Runs a best-effort command (diagnostics, housekeeping, a cheaper proof): when the server refuses
 * it, one warning per run and per kind says what is skipped and what that costs, and `undefined`
 * comes back. Any other error is thrown as before.
 */
async function bestEffort(fn, o) {
    try {
        return await fn();
    }
    catch (error) {
        if (!isRefusal(error))
            throw error;
        warnRefusal(error, o);
        return undefined;
    }
}
/** The one warning of a refused best-effort command (once per log and per `skipped`). */
function warnRefusal(error, o) {
    let seen = warned.get(o.log);
    if (!seen) {
        seen = new Set();
        warned.set(o.log, seen);
    }
    if (seen.has(o.skipped))
        return;
    seen.add(o.skipped);
    const said = error instanceof Error ? error.message.split("\n")[0] : String(error);
    o.log.warning(`This server refused ${o.skipped} (${said}): skipped; ${o.cost}.`);
}

;// CONCATENATED MODULE: ../../packages/core/src/differential/fingerprint.ts


function kindOf(spec) {
    if (spec.type === "timeseries")
        return "timeseries";
    return spec.options.capped === true ? "capped" : "collection";
}
/** Whether dbHash says anything about a collection's content (see {@link CollectionFingerprint}). */
function hashable(kind) {
    return kind === "collection";
}
/**
 * Per-collection dbHash of the named collections of one database, one command per collection:
 * dbHash holds a shared lock on the whole database while it runs (writers of that database wait),
 * so it is never run on production, and on a PR database only for the collections that need it.
 * Undefined when the server refuses the command (Atlas M0/Flex and other managed tiers).
 */
async function hashCollection(db, collection, log) {
    const res = await bestEffort(() => db.command({ dbHash: 1, collections: [collection] }), {
        log,
        skipped: "dbHash (comparing collections by their documents' hash)",
        cost: "collections that no change stream proves unchanged are copied instead of compared",
    });
    if (!res)
        return undefined;
    const hash = res.collections?.[collection];
    return typeof hash === "string" ? hash : undefined;
}
/**
 * The producer's fingerprints of a generation, computed on its final collections as the last step
 * before the publish (the dbHash lock is on the snapshot database, never on production).
 */
async function generationFingerprints(db, collections, log) {
    const out = {};
    let refused = false;
    for (const c of collections) {
        const spec = await specs_readCollectionSpec(db, c.physical);
        if (!spec)
            continue;
        const fp = specFingerprint(spec);
        const kind = kindOf(spec);
        const hash = hashable(kind) && !refused ? await hashCollection(db, c.physical, log) : undefined;
        if (hashable(kind) && hash === undefined)
            refused = true;
        out[c.name] = { ...(hash ? { hash } : {}), options: fp.options, indexes: fp.indexes, count: c.documents };
    }
    return out;
}
const isRecord = (v) => typeof v === "object" && v !== null && !Array.isArray(v);
/**
 * Fingerprints read back from a metadata document: only well-typed entries count (anything
 * else in a database the application can write is ignored, which can only cost a copy).
 */
function readFingerprints(value, extra = () => ({})) {
    if (!isRecord(value))
        return {};
    const out = {};
    for (const [name, entry] of Object.entries(value)) {
        if (!isRecord(entry))
            continue;
        const { hash, options, indexes, count } = entry;
        if (typeof options !== "string" || typeof indexes !== "string")
            continue;
        if (typeof count !== "number" || !Number.isInteger(count) || count < 0)
            continue;
        if (hash !== undefined && typeof hash !== "string")
            continue;
        const more = extra(entry);
        if (!more)
            continue;
        out[name] = { ...(hash ? { hash } : {}), options, indexes, count, ...more };
    }
    return out;
}
/** The PR database's recorded fingerprints (see {@link RecordedFingerprint}), validated. */
function readRecordedFingerprints(value) {
    return readFingerprints(value, (e) => {
        if (typeof e.content !== "string")
            return undefined;
        const uuid = e.uuid?._bsontype === "Binary" ? e.uuid : undefined;
        const since = e.since?._bsontype === "Timestamp" ? e.since : undefined;
        return { content: e.content, ...(uuid ? { uuid } : {}), ...(since ? { since } : {}) };
    });
}

// EXTERNAL MODULE: external "node:net"
var external_node_net_ = __webpack_require__(7030);
// EXTERNAL MODULE: ../../packages/core/src/masking/policy.ts
var masking_policy = __webpack_require__(9463);
;// CONCATENATED MODULE: ../../packages/core/src/masking/scan.ts



const NAME_HINTS = [
    [/e-?mail/i, "email"],
    [/phone|mobile|^tel$|telephone|^fax$/i, "phone number"],
    [
        /^(first|last|middle|full|given|family|sur|display|user|maiden|nick)[-_]?name$|^name$|^fullname$/i,
        "name",
    ],
    [/address|street|^city$|^zip|post(al)?[-_]?code|^postcode$/i, "address"],
    [/ssn|social[-_]?security|national[-_]?id|passport|tax[-_]?id|^nin$/i, "national identifier"],
    [/birth|^dob$/i, "date of birth"],
    [/iban|account[-_]?number|sort[-_]?code|routing/i, "bank account"],
    [/card[-_]?(number|no)|^pan$|cvv|cvc/i, "card"],
    [/^ip$|ip[-_]?addr|remote[-_]?addr/i, "IP address"],
    [/token|secret|password|passwd|api[-_]?key|private[-_]?key|credential|session/i, "secret"],
    [/^(notes?|comments?|remarks?|bio|about|free[-_]?text)$/i, "free text"],
    [/^(lat|lng|lon|latitude|longitude|geo|location)$/i, "location"],
];
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[\d\s().-]{7,20}$/;
const TOKEN_PREFIX = /^(sk|pk|rk)_(live|test)_|^gh[pousr]_[A-Za-z0-9]{20,}|^github_pat_|^xox[abprs]-|^AKIA[0-9A-Z]{16}$|^AIza[0-9A-Za-z_-]{30,}|^-----BEGIN [A-Z ]*PRIVATE KEY-----|^eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
function luhn(digits) {
    let sum = 0;
    for (let i = 0; i < digits.length; i++) {
        let d = Number(digits[digits.length - 1 - i]);
        if (i % 2 === 1) {
            d *= 2;
            if (d > 9)
                d -= 9;
        }
        sum += d;
    }
    return sum % 10 === 0;
}
function ibanValid(text) {
    const s = text.replace(/\s+/g, "").toUpperCase();
    if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(s))
        return false;
    const moved = s.slice(4) + s.slice(0, 4);
    let rest = 0;
    for (const ch of moved) {
        const n = ch >= "A" ? String(ch.charCodeAt(0) - 55) : ch;
        for (const digit of n)
            rest = (rest * 10 + Number(digit)) % 97;
    }
    return rest === 1;
}
/** High entropy: long, no spaces, several character classes, few repeats. */
function looksLikeSecret(s) {
    if (TOKEN_PREFIX.test(s))
        return true;
    if (s.length < 24 || s.length > 512 || /\s/.test(s) || !/^[A-Za-z0-9_\-+/=.]+$/.test(s))
        return false;
    const classes = [/[a-z]/, /[A-Z]/, /\d/].filter((r) => r.test(s)).length;
    if (classes < 3)
        return false;
    const distinct = new Set(s).size;
    return distinct / s.length > 0.4 || distinct >= 20;
}
/** What a string value looks like, if anything personal. */
function classifyValue(value) {
    const s = value.trim();
    if (s.length > 320)
        return looksLikeSecret(s) ? "token" : undefined;
    if (EMAIL.test(s))
        return "email";
    if ((0,external_node_net_.isIP)(s) !== 0)
        return "ip";
    const digits = s.replace(/[\s-]/g, "");
    if (/^\d{13,19}$/.test(digits) && luhn(digits))
        return "card";
    if (ibanValid(s))
        return "iban";
    if (PHONE.test(s) && (s.match(/\d/g)?.length ?? 0) >= 7 && !/^\d{4}-\d\d-\d\d/.test(s))
        return "phone";
    if (looksLikeSecret(s))
        return "token";
    return undefined;
}
/** Parts of a name or an address under a parent that says what they are: `name.first`, `address.line1`. */
const PARENT_HINTS = [
    [/^(name|names|full[-_]?name)$/i, "name"],
    [/^(address|addresses|home|billing|shipping|postal)$/i, "address"],
    [/^(contact|contacts|person|customer|owner|user|patient|employee)$/i, "contact details"],
];
function nameHint(path) {
    const parts = path.split(".");
    const last = parts[parts.length - 1] ?? path;
    const own = NAME_HINTS.find(([re]) => re.test(last))?.[1];
    if (own)
        return own;
    const parent = parts[parts.length - 2];
    if (!parent)
        return undefined;
    const hint = PARENT_HINTS.find(([re]) => re.test(parent))?.[1];
    // Under a "customer" or "contact" parent only the obviously personal leaves count.
    if (hint === "contact details")
        return undefined;
    return hint;
}
function bsonType(v) {
    if (v === null)
        return "null";
    if (Array.isArray(v))
        return "array";
    if (v instanceof Date)
        return "date";
    if (typeof v === "string")
        return "string";
    if (typeof v === "boolean")
        return "bool";
    // Plain numbers are what the driver would write: int32 when they fit, else double.
    if (typeof v === "number")
        return Number.isInteger(v) && Math.abs(v) < 2 ** 31 ? "int" : "double";
    const t = v?._bsontype;
    if (t)
        return ({
            Int32: "int",
            Double: "double",
            Long: "long",
            Decimal128: "decimal",
            ObjectId: "objectId",
            Binary: "binData",
            BSONRegExp: "regex",
            Timestamp: "timestamp",
            BSONSymbol: "symbol",
            Code: "javascript",
            MinKey: "minKey",
            MaxKey: "maxKey",
        }[t] ?? t.toLowerCase());
    return "object";
}
/** Walks a document: arrays are transparent (a path names a field in every element), as in MongoDB. */
function walk(value, path, visit) {
    if (Array.isArray(value)) {
        for (const v of value)
            walk(v, path, visit);
        return;
    }
    if (path)
        visit(path, value);
    if (value &&
        typeof value === "object" &&
        !(value instanceof Date) &&
        !value._bsontype) {
        for (const [k, v] of Object.entries(value))
            walk(v, path ? `${path}.${k}` : k, visit);
    }
}
function scanDocuments(collection, docs, policy) {
    const fields = new Map();
    docs.forEach((doc, i) => {
        walk(doc, "", (path, value) => {
            let f = fields.get(path);
            if (!f) {
                f = { types: new Set(), docs: new Set(), kinds: new Map(), strings: 0 };
                fields.set(path, f);
            }
            f.types.add(bsonType(value));
            f.docs.add(i);
            if (typeof value === "string") {
                f.strings++;
                const kind = classifyValue(value);
                if (kind)
                    f.kinds.set(kind, (f.kinds.get(kind) ?? 0) + 1);
            }
        });
    });
    const reports = [];
    for (const [path, f] of [...fields].sort(([a], [b]) => a.localeCompare(b))) {
        // A kind counts when it is typical of the field's strings, not a one-off in free text.
        const byValue = [...f.kinds]
            .filter(([, n]) => n >= Math.max(1, Math.ceil(f.strings * 0.2)))
            .map(([k]) => k)
            .sort();
        const structural = [...f.types].every((t) => t === "object" || t === "array");
        const byName = structural ? undefined : nameHint(path);
        const rule = (0,masking_policy/* coveringRule */.sq)(policy, collection, path);
        const keep = (0,masking_policy/* coveringKeep */.tm)(policy, collection, path);
        reports.push({
            path,
            types: [...f.types].sort(),
            seen: f.docs.size,
            ...(byName ? { byName } : {}),
            byValue,
            personal: !structural && (byName !== undefined || byValue.length > 0),
            ...(rule
                ? {
                    coveredBy: `rule ${rule}: ${(0,masking_policy/* describeStrategy */.rz)(policy?.rules[collection]?.[rule] ?? { kind: "remove" })}`,
                }
                : keep
                    ? { coveredBy: `keep ${keep}` }
                    : {}),
        });
    }
    return { collection, sampled: docs.length, fields: reports };
}
/** Samples a collection on the server (`$sample`, at most `size` documents) and scans it. */
async function scanCollection(db, collection, size, policy) {
    const docs = await db
        .collection(collection)
        .aggregate([{ $sample: { size } }], { ...EXACT_BSON })
        .toArray();
    return scanDocuments(collection, docs, policy);
}
/** Likely-personal paths that no rule and no keep covers: what strict mode refuses. */
function uncovered(scans) {
    return scans.flatMap((s) => s.fields
        .filter((f) => f.personal && !f.coveredBy)
        .map((f) => `${s.collection}.${f.path} (${[...new Set([f.byName, ...f.byValue].filter(Boolean))].join(", ")})`));
}
/** The scan as a table for people. */
function formatScan(scans) {
    const lines = [];
    for (const s of scans) {
        lines.push(`${s.collection} (${s.sampled} documents sampled)`);
        const rows = s.fields.map((f) => [
            f.path,
            f.types.join("|"),
            f.personal ? (f.coveredBy ? "personal" : "PERSONAL, NOT COVERED") : "",
            f.coveredBy ?? "",
            [f.byName ? `name: ${f.byName}` : "", f.byValue.length ? `values: ${f.byValue.join(", ")}` : ""]
                .filter(Boolean)
                .join("; "),
        ]);
        const header = ["path", "types", "looks personal", "covered by", "why"];
        const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
        const line = (cells) => `  ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ")}`.trimEnd();
        lines.push(line(header), ...rows.map(line), "");
    }
    return lines.join("\n");
}
/** Scans each collection in turn (the command line's `scan`, and strict mode's check). */
async function scanDatabase(r) {
    const scans = [];
    for (const c of r.collections)
        scans.push(await scanCollection(r.db, c, r.sample, r.policy));
    return scans;
}

;// CONCATENATED MODULE: ../../packages/core/src/masking/stages.ts

/**
 * Masking rules as aggregation stages, run on the source inside the copy pipeline, so that no
 * unmasked value is ever written anywhere. One function serves every copy method: `$out`, the
 * parallel `$merge` ranges and the stream through the runner all run these stages first.
 *
 * Paths follow MongoDB's dotted-path meaning: each segment reaches into a sub-document, or into
 * every element of an array (and of arrays inside it, two levels deep). A path that is absent
 * stays absent; null stays null (except for remove).
 *
 * The keyed strategies (email, name, phone, hash) are functions of (salt, value) computed by the
 * server with `$toHashedIndexKey`, so the same value masks to the same output in every collection
 * and joins by value keep working. The salt travels as the aggregation's `let` variable
 * {@link SALT_VARIABLE}, never inside the stages themselves.
 */
const SALT_VARIABLE = "prsSalt";
/** Arrays inside arrays are followed this deep along a masked path. */
const ARRAY_DEPTH = 2;
function tree(rules) {
    const root = { children: new Map() };
    for (const [path, strategy] of Object.entries(rules)) {
        let node = root;
        for (const part of path.split(".")) {
            let next = node.children.get(part);
            if (!next) {
                next = { children: new Map() };
                node.children.set(part, next);
            }
            node = next;
        }
        node.strategy = strategy;
        node.field = path.split(".").pop() ?? path;
    }
    return root;
}
/** The stages that mask one collection's documents (empty when it has no rules). */
function maskingStages(rules) {
    if (!rules || Object.keys(rules).length === 0)
        return [];
    const root = tree(rules);
    const removals = [];
    const set = {};
    for (const [field, node] of root.children) {
        if (node.strategy?.kind === "remove") {
            removals.push(field);
            continue;
        }
        const current = getField(field, "$$ROOT");
        set[field] = { $cond: [isMissing(current), "$$REMOVE", transform(node, current, 0)] };
    }
    return [
        ...(Object.keys(set).length ? [{ $set: set }] : []),
        ...(removals.length ? [{ $unset: removals }] : []),
    ];
}
let counter = 0;
/** Variable names unique within one pipeline, so nested `$let`/`$map` never shadow each other. */
const fresh = (prefix) => `${prefix}${(counter++).toString(36)}`;
function transform(node, value, arrayDepth) {
    const v = fresh("v");
    const ref = `$$${v}`;
    const inner = node.strategy
        ? leaf(node.strategy, ref, 0, namePart(node.field))
        : branch(node, ref, arrayDepth);
    return { $let: { vars: { [v]: value }, in: inner } };
}
/** Inside a sub-document, or every element of an array of them. */
function branch(node, ref, arrayDepth) {
    let object = ref;
    for (const [key, child] of node.children) {
        const current = getField(key, ref);
        object = {
            $setField: {
                field: { $literal: key },
                input: object,
                value: {
                    $cond: [
                        isMissing(current),
                        "$$REMOVE",
                        child.strategy?.kind === "remove" ? "$$REMOVE" : transform(child, current, 0),
                    ],
                },
            },
        };
    }
    const e = fresh("e");
    return {
        $switch: {
            branches: [
                when({ $eq: [{ $type: ref }, "object"] }, object),
                ...(arrayDepth < ARRAY_DEPTH
                    ? [
                        when({ $isArray: ref }, { $map: { input: ref, as: e, in: transformBranch(node, `$$${e}`, arrayDepth + 1) } }),
                    ]
                    : []),
            ],
            default: ref,
        },
    };
}
function transformBranch(node, ref, arrayDepth) {
    const v = fresh("v");
    return { $let: { vars: { [v]: ref }, in: branch(node, `$$${v}`, arrayDepth) } };
}
function namePart(field) {
    if (/^(first|given|fore)[-_]?name$|^first$|^given$/i.test(field ?? ""))
        return "first";
    if (/^(last|family|sur)[-_]?name$|^last$|^surname$/i.test(field ?? ""))
        return "last";
    return "full";
}
/** The strategy applied to a present value; keyed strategies reach into arrays of values. */
function leaf(s, ref, arrayDepth, part = "full") {
    switch (s.kind) {
        case "remove":
            return "$$REMOVE";
        case "null":
            return null;
        case "constant":
            return { $cond: [{ $eq: [ref, null] }, null, { $literal: fromExtendedJson(s.value) }] };
        case "expr":
            // "$field" paths keep their usual meaning (the document's root); $$value is the value at the path.
            return { $let: { vars: { value: ref }, in: s.expr } };
        default: {
            const scalar = s.kind === "redact" ? { $literal: "REDACTED" } : keyed(s.kind, ref, part);
            if (arrayDepth >= ARRAY_DEPTH)
                return { $cond: [{ $eq: [ref, null] }, null, scalar] };
            const e = fresh("e");
            return {
                $switch: {
                    branches: [
                        when({ $eq: [ref, null] }, null),
                        when({ $isArray: ref }, { $map: { input: ref, as: e, in: leaf(s, `$$${e}`, arrayDepth + 1, part) } }),
                    ],
                    default: scalar,
                },
            };
        }
    }
}
/**
 * A 64-bit hash of (salt, strategy, value). Numbers are hashed as their decimal text:
 * `$toHashedIndexKey` would truncate 5.7 and 5.2 to the same key, and two distinct inputs must
 * give two distinct outputs.
 */
function hashOf(kind, ref) {
    return {
        $toHashedIndexKey: {
            s: `$$${SALT_VARIABLE}`,
            k: { $literal: kind },
            v: { $cond: [{ $isNumber: ref }, { $toString: ref }, ref] },
        },
    };
}
/** The hash as unsigned decimal digits. */
function digits(hash) {
    return { $ltrim: { input: { $toString: hash }, chars: "-" } };
}
function keyed(kind, ref, part) {
    const h = hashOf(kind, ref);
    switch (kind) {
        case "email":
            // RFC 2606 reserves example.com: a valid address that can never reach anyone.
            return { $concat: ["user", digits(h), "@example.com"] };
        case "phone": {
            // Country code +999 is reserved by the ITU (E.164) and assigned to nobody.
            const d = { $concat: ["000000000000", digits(h)] };
            const last12 = { $substrCP: [d, { $subtract: [{ $strLenCP: d }, 12] }, 12] };
            return {
                $let: {
                    vars: { p: last12 },
                    in: {
                        $concat: [
                            "+999 ",
                            { $substrCP: ["$$p", 0, 4] },
                            " ",
                            { $substrCP: ["$$p", 4, 4] },
                            " ",
                            { $substrCP: ["$$p", 8, 4] },
                        ],
                    },
                },
            };
        }
        case "name": {
            // Alone in a first-name field, a common first name would equal some production value of
            // that field (and the proof would refuse the snapshot): built from uncommon syllables instead.
            const first = part === "first"
                ? { $concat: [pick(GIVEN_A, "$$h", 1), pick(GIVEN_B, "$$h", 16), pick(GIVEN_C, "$$h", 16 * 8)] }
                : pick(FIRST_NAMES, "$$h", 1);
            const surname = [
                pick(SYLLABLES_A, "$$h", 256),
                pick(SYLLABLES_B, "$$h", 256 * 32),
                pick(SYLLABLES_C, "$$h", 256 * 32 * 32),
            ];
            const parts = part === "first" ? [first] : part === "last" ? surname : [first, " ", ...surname];
            return { $let: { vars: { h: h }, in: { $concat: parts } } };
        }
        default:
            // hash: numbers stay numbers (the hash itself), everything else becomes a token.
            return { $cond: [{ $isNumber: ref }, h, { $concat: ["masked-", digits(h)] }] };
    }
}
/** An element of `list` chosen by some bits of the hash (a negative index counts from the end). */
function pick(list, hash, divisor) {
    const bits = divisor === 1 ? hash : { $floor: { $divide: [hash, divisor] } };
    return { $arrayElemAt: [{ $literal: list }, { $toInt: { $mod: [bits, list.length] } }] };
}
/** Plausible first names, and syllables that make surnames unlikely to be anyone's real one. */
const FIRST_NAMES = [
    "Ada",
    "Alan",
    "Alice",
    "Amara",
    "Ana",
    "Anton",
    "Aria",
    "Arjun",
    "Ben",
    "Bianca",
    "Carla",
    "Carlos",
    "Chen",
    "Chloe",
    "Dana",
    "Daniel",
    "Dara",
    "David",
    "Elena",
    "Eli",
    "Emma",
    "Erik",
    "Eva",
    "Farah",
    "Felix",
    "Fiona",
    "Gabriel",
    "Grace",
    "Hana",
    "Hugo",
    "Ines",
    "Ivan",
    "Jana",
    "Javier",
    "Jin",
    "Jonas",
    "Julia",
    "Kai",
    "Kamala",
    "Karin",
    "Lars",
    "Laura",
    "Leo",
    "Lina",
    "Luca",
    "Maya",
    "Mei",
    "Mila",
    "Nadia",
    "Nico",
    "Nina",
    "Noah",
    "Omar",
    "Olivia",
    "Pablo",
    "Priya",
    "Rafael",
    "Rosa",
    "Sami",
    "Sara",
    "Tariq",
    "Tomas",
    "Yara",
    "Zoe",
];
const GIVEN_A = [
    "Bry",
    "Cae",
    "Dro",
    "Fyn",
    "Gwy",
    "Hal",
    "Ith",
    "Jor",
    "Kae",
    "Lyr",
    "Myr",
    "Nyx",
    "Orl",
    "Pyr",
    "Quo",
    "Ryn",
];
const GIVEN_B = ["a", "e", "i", "o", "u", "y", "ae", "ia"];
const GIVEN_C = ["leth", "mira", "ndor", "sael", "vyn", "thea", "rion", "wen"];
const SYLLABLES_A = [
    "Bal",
    "Cor",
    "Dal",
    "Eri",
    "Fen",
    "Gar",
    "Hal",
    "Ins",
    "Jor",
    "Kel",
    "Lan",
    "Mor",
    "Nor",
    "Ost",
    "Pel",
    "Quin",
    "Ros",
    "Sel",
    "Tor",
    "Ul",
    "Val",
    "Wen",
    "Yar",
    "Zel",
    "Bren",
    "Cal",
    "Dor",
    "Fal",
    "Gil",
    "Har",
    "Kor",
    "Lind",
];
const SYLLABLES_B = [
    "a",
    "e",
    "i",
    "o",
    "u",
    "ar",
    "en",
    "is",
    "or",
    "um",
    "an",
    "el",
    "in",
    "on",
    "ur",
    "ey",
];
const SYLLABLES_C = [
    "brook",
    "croft",
    "dale",
    "field",
    "ford",
    "gate",
    "holm",
    "lund",
    "mere",
    "more",
    "quist",
    "rith",
    "stad",
    "thorne",
    "vik",
    "wick",
];
/**
 * A branch of `$switch`, built in this one place: MongoDB names its value `then`, which makes the
 * object "thenable" to `await`; these objects are only ever sent to the server.
 */
function when(condition, value) {
    // biome-ignore lint/suspicious/noThenProperty: MongoDB's $switch names a branch's value "then".
    return { case: condition, then: value };
}
/** A config file's value in MongoDB Extended JSON (`{ $date: ... }`, `{ $numberLong: ... }`) as BSON. */
function fromExtendedJson(value) {
    // Not relaxed: an explicit { $numberLong } stays an Int64 instead of becoming a JavaScript number.
    return lib.BSON.EJSON.deserialize({ v: value }, { relaxed: false }).v;
}
function getField(field, input) {
    return { $getField: { field: { $literal: field }, input } };
}
function isMissing(expr) {
    return { $eq: [{ $type: expr }, "missing"] };
}
/**
 * Verification looks two array levels deeper than masking reaches: a value nested beyond what
 * masking rewrites is then found, and the snapshot is refused, instead of passing unseen.
 */
const VERIFY_ARRAY_DEPTH = ARRAY_DEPTH + 2;
/** The leaf values at a path (as masking traverses it, and deeper): for verification. */
function leafValues(path) {
    const parts = path.split(".");
    const walk = (value, index, arrayDepth) => {
        const v = fresh("w");
        const ref = `$$${v}`;
        const e = fresh("e");
        // Inside an array: the values of every element, concatenated.
        const elements = arrayDepth < VERIFY_ARRAY_DEPTH
            ? [
                when({ $isArray: ref }, {
                    $reduce: {
                        input: { $map: { input: ref, as: e, in: walk(`$$${e}`, index, arrayDepth + 1) } },
                        initialValue: [],
                        in: { $concatArrays: ["$$value", "$$this"] },
                    },
                }),
            ]
            : [];
        const inner = index === parts.length
            ? {
                $switch: {
                    branches: [when({ $eq: [{ $type: ref }, "missing"] }, []), ...elements],
                    default: [ref],
                },
            }
            : {
                $switch: {
                    branches: [
                        when({ $eq: [{ $type: ref }, "object"] }, walk(getField(parts[index] ?? "", ref), index + 1, 0)),
                        ...elements,
                    ],
                    default: [],
                },
            };
        return { $let: { vars: { [v]: value }, in: inner } };
    };
    return walk("$$ROOT", 0, 0);
}

;// CONCATENATED MODULE: ../../packages/core/src/masking/subset.ts




/**
 * Subset rules as `$match`/`$lookup` stages run on the source, before masking (the rules test
 * production's values). Every rule is a per-document predicate, so a subset copies by any method,
 * parallel ranges included:
 * - `sample` keeps a document when a hash of its `_id` falls below the fraction: the same documents
 *   every run, so references between sampled collections stay consistent;
 * - `limit` becomes "`_id` at most the n-th kept `_id`", computed before the copy;
 * - `references` keeps a document only when every value of its reference field is the key of a
 *   document the referenced collection keeps (its own rules, recursively).
 */
const SAMPLE_SCALE = 1_000_000;
async function compileSubsets(policy, source, copied) {
    const stages = new Map();
    const described = new Map();
    const subset = policy?.subset ?? {};
    for (const [collection, rule] of Object.entries(subset)) {
        if (!copied.includes(collection))
            throw new errors/* UserError */.yo(`subset.${collection}: the snapshot does not copy "${collection}" (it is not in the source database, or collections.include/exclude leave it out). Fix the name or remove the rule.`);
        for (const r of rule.references ?? [])
            if (!copied.includes(r.collection))
                throw new errors/* UserError */.yo(`subset.${collection}.references points at "${r.collection}", which the snapshot does not copy: every document would be dropped. Copy it, or remove the reference.`);
    }
    for (const collection of Object.keys(subset)) {
        const filter = subset[collection]?.filter;
        if (filter === undefined)
            continue;
        try {
            fromExtendedJson(filter);
        }
        catch (error) {
            throw new errors/* UserError */.yo(`subset.${collection}.filter is not valid MongoDB Extended JSON: ${error.message}`);
        }
    }
    for (const collection of (0,masking_policy/* dependencyOrder */.g1)(subset)) {
        const rule = subset[collection];
        if (!rule)
            continue;
        const predicate = predicates(rule, stages);
        const out = [...predicate];
        if (rule.limit !== undefined) {
            const [nth] = await source
                .collection(collection)
                .aggregate([
                ...predicate,
                { $sort: { _id: 1 } },
                { $skip: rule.limit - 1 },
                { $limit: 1 },
                { $project: { _id: 1 } },
            ], { ...EXACT_BSON, allowDiskUse: true })
                .toArray();
            if (nth)
                out.push({ $match: { $expr: { $lte: ["$_id", { $literal: nth._id }] } } });
        }
        stages.set(collection, out);
        described.set(collection, describeRule(rule));
    }
    return { stages, described };
}
function predicates(rule, compiled) {
    const out = [];
    if (rule.filter)
        out.push({ $match: fromExtendedJson(rule.filter) });
    if (rule.sample !== undefined && rule.sample < 1) {
        const bucket = {
            $mod: [{ $add: [{ $mod: [{ $toHashedIndexKey: "$_id" }, SAMPLE_SCALE] }, SAMPLE_SCALE] }, SAMPLE_SCALE],
        };
        out.push({ $match: { $expr: { $lt: [bucket, Math.round(rule.sample * SAMPLE_SCALE)] } } });
    }
    (rule.references ?? []).forEach((r, i) => {
        const as = `__prsRef${i}`;
        out.push({
            $lookup: {
                from: r.collection,
                localField: r.field,
                foreignField: r.key,
                pipeline: [...(compiled.get(r.collection) ?? []), { $project: { _id: 0, k: `$${r.key}` } }],
                as,
            },
        }, { $match: { $expr: referencesResolve(r.field, `$${as}.k`) } }, { $unset: as });
    });
    return out;
}
/** Every value of the reference field (one, or each of an array) is among the kept keys. */
function referencesResolve(field, keys) {
    const refs = { $cond: [{ $isArray: `$${field}` }, `$${field}`, [`$${field}`]] };
    return { $and: [{ $gt: [{ $size: refs }, 0] }, { $setIsSubset: [refs, keys] }] };
}
function describeRule(rule) {
    const parts = [];
    if (rule.filter)
        parts.push("filter");
    if (rule.sample !== undefined)
        parts.push(`sample ${rule.sample}`);
    if (rule.references?.length)
        parts.push(`references ${rule.references.map((r) => `${r.field} → ${r.collection}.${r.key}`).join(", ")}`);
    if (rule.limit !== undefined)
        parts.push(`limit ${rule.limit}`);
    return parts.join(", ");
}

;// CONCATENATED MODULE: ../../packages/core/src/masking/verify.ts





/**
 * Starts the proof: production's hashes are read at once, so that they are ready (and their reading
 * overlaps the copies) by the time the first collection has been copied and is verified.
 */
function startMaskingCheck(o) {
    const { policy } = o;
    const nonce = (0,external_node_crypto_.randomBytes)(16).toString("hex");
    const tmpName = `${o.generation}.__masking_check`;
    const tmp = o.snapshot.collection(tmpName);
    const keyedPaths = (c) => Object.entries(policy.rules[c] ?? {})
        .filter(([, s]) => masking_policy/* KEYED */.z9.has(s.kind))
        .map(([p]) => p);
    const hashes = (c, paths) => ({
        $concatArrays: paths.map((p) => ({
            $map: {
                input: { $filter: { input: leafValues(p), cond: { $ne: ["$$this", null] } } },
                in: {
                    $toHashedIndexKey: {
                        n: nonce,
                        c,
                        p,
                        v: { $cond: [{ $isNumber: "$$this" }, { $toString: "$$this" }, "$$this"] },
                    },
                },
            },
        })),
    });
    // 1. Hashes of production's values of every keyed path, de-duplicated.
    const productionHashes = async () => {
        await engine_dropCollectionIfExists(o.snapshot.client, { db: o.snapshot.databaseName, collection: tmpName });
        for (const c of o.collections) {
            const paths = keyedPaths(c);
            if (!paths.length)
                continue;
            const pipeline = [
                { $project: { _id: 0, h: hashes(c, paths) } },
                { $unwind: "$h" },
                { $group: { _id: "$h" } },
            ];
            if (o.sameDeployment) {
                await o.source
                    .collection(c)
                    .aggregate([
                    ...pipeline,
                    {
                        $merge: { into: { db: o.snapshot.databaseName, coll: tmpName }, whenMatched: "keepExisting" },
                    },
                ], { allowDiskUse: true, comment: o.comment })
                    .toArray();
            }
            else {
                let batch = [];
                const flush = async () => {
                    if (batch.length)
                        await tmp.insertMany(batch, { ordered: false }).catch(ignoreDuplicates);
                    batch = [];
                };
                for await (const d of o.source
                    .collection(c)
                    .aggregate(pipeline, { allowDiskUse: true, comment: o.comment })) {
                    batch.push(d);
                    if (batch.length >= 5_000)
                        await flush();
                }
                await flush();
            }
        }
    };
    const ready = productionHashes();
    // Awaited by verify() and dispose(); this keeps a failure that nobody has awaited yet from
    // counting as unhandled.
    ready.catch(() => { });
    // 2. The generation's values of the same paths, looked up among them.
    const verify = async (c) => {
        const result = { checked: {}, unverified: {}, problems: [] };
        const paths = keyedPaths(c.name);
        const others = Object.entries(policy.rules[c.name] ?? {}).filter(([, s]) => !masking_policy/* KEYED */.z9.has(s.kind));
        if (paths.length) {
            await ready;
            const [hit] = await o.snapshot
                .collection(c.physical)
                .aggregate([
                // One hash aggregation over both sets instead of a $lookup per value (0.4 s against
                // 3.4 s for the 74,040 documents of the benchmark's largest collection, 2 cores): a
                // hash in both sets is counted twice.
                { $project: { _id: 0, h: hashes(c.name, paths) } },
                { $unwind: "$h" },
                { $group: { _id: "$h" } },
                { $unionWith: { coll: tmpName } },
                { $group: { _id: "$_id", n: { $sum: 1 } } },
                { $match: { n: { $gt: 1 } } },
                { $count: "n" },
            ], { allowDiskUse: true, comment: o.comment })
                .toArray();
            if (hit)
                result.problems.push(`${c.name}: ${hit.n} distinct masked value(s) of ${paths.join(", ")} equal a production value of the same path`);
        }
        for (const [path, s] of others) {
            if (s.kind === "expr") {
                result.unverified[c.name] = [...(result.unverified[c.name] ?? []), path];
                continue;
            }
            const wrong = s.kind === "remove"
                ? { $gt: [{ $size: "$$leaves" }, 0] }
                : s.kind === "null"
                    ? { $anyElementTrue: [{ $map: { input: "$$leaves", in: { $ne: ["$$this", null] } } }] }
                    : {
                        $anyElementTrue: [
                            {
                                $map: {
                                    input: "$$leaves",
                                    in: {
                                        $and: [
                                            { $ne: ["$$this", null] },
                                            {
                                                $ne: [
                                                    "$$this",
                                                    {
                                                        $literal: s.kind === "redact"
                                                            ? "REDACTED"
                                                            : fromExtendedJson(s.value),
                                                    },
                                                ],
                                            },
                                        ],
                                    },
                                },
                            },
                        ],
                    };
            const n = await o.snapshot
                .collection(c.physical)
                .countDocuments({ $expr: { $let: { vars: { leaves: leafValues(path) }, in: wrong } } });
            if (n > 0)
                result.problems.push(`${c.name}.${path}: ${n} document(s) still hold a value the ${s.kind} rule should have replaced`);
        }
        result.checked[c.name] = [...paths, ...others.filter(([, s]) => s.kind !== "expr").map(([p]) => p)];
        return result;
    };
    return {
        verify,
        dispose: async () => {
            await ready.catch(() => { });
            await engine_dropCollectionIfExists(o.snapshot.client, {
                db: o.snapshot.databaseName,
                collection: tmpName,
            }).catch(() => { });
        },
    };
}
/** The whole proof at once, for copies that are already complete. */
async function verifyMasking(o) {
    const check = startMaskingCheck({ ...o, collections: o.copies.map((c) => c.name) });
    try {
        return mergeVerifications(await Promise.all(o.copies.map((c) => check.verify(c))));
    }
    finally {
        await check.dispose();
    }
}
function mergeVerifications(parts) {
    return {
        checked: Object.assign({}, ...parts.map((p) => p.checked)),
        unverified: Object.assign({}, ...parts.map((p) => p.unverified)),
        problems: parts.flatMap((p) => p.problems),
    };
}
/** Documents of the generation whose reference points at a key the generation does not hold. */
async function danglingReferences(o) {
    const problems = [];
    for (const r of o.references) {
        const [dangling] = await o.snapshot
            .collection(o.physical(o.collection))
            .aggregate([
            {
                $lookup: {
                    from: o.physical(r.collection),
                    localField: r.field,
                    foreignField: r.key,
                    pipeline: [{ $project: { _id: 0, k: `$${r.key}` } }],
                    as: "__prsRef",
                },
            },
            { $match: { $expr: { $not: [referencesResolve(r.field, "$__prsRef.k")] } } },
            { $count: "n" },
        ])
            .toArray();
        if (dangling)
            problems.push(`${o.collection}: ${dangling.n} document(s) reference ${r.field} → ${r.collection}.${r.key} values the snapshot does not hold`);
    }
    return problems;
}
function ignoreDuplicates(error) {
    const code = error.code;
    const dupOnly = error.writeErrors?.every((e) => e.code === 11000);
    if (code !== 11000 && !dupOnly)
        throw error;
}

;// CONCATENATED MODULE: ../../packages/core/src/mongo/lease.ts

async function lease_acquireLease(r) {
    const sleep = r.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    const started = Date.now();
    let lastNotice = 0;
    for (;;) {
        if (await tryTake(r))
            break;
        const current = await r.collection.findOne({ _id: r.id });
        if (!current)
            continue; // released between the two reads: try again at once
        const waited = Date.now() - started;
        if (waited >= r.waitMs) {
            throw new errors/* BusyError */.qB(r.busyMessage?.(current, waited) ??
                `${capitalise(r.subject)} is still being written by ${lease_describeHolder(current)} after waiting ${Math.round(waited / 1000)}s. ` +
                    "Nothing was changed. Run again once it has finished, or raise wait-timeout-seconds.");
        }
        if (lastNotice === 0 || Date.now() - lastNotice >= 30_000) {
            lastNotice = Date.now();
            r.log.info(`${capitalise(r.subject)} is being written by ${lease_describeHolder(current)}; waiting for it ` +
                `(up to ${Math.round((r.waitMs - waited) / 1000)}s more), then this run does its ${r.what}.`);
        }
        await sleep(Math.min(r.pollMs ?? 1_000, Math.max(50, r.waitMs - waited)));
    }
    if (Date.now() - started > 1_000)
        r.log.info(`${capitalise(r.subject)} is free now: this run holds the lease.`);
    let lost = false;
    const renew = async () => {
        const res = await r.collection.updateOne({ _id: r.id, holder: r.holder }, [
            { $set: { renewedAt: "$$NOW", expiresAt: { $add: ["$$NOW", r.ttlMs] } } },
        ]);
        if (res.matchedCount === 0)
            lost = true;
    };
    const timer = setInterval(() => void renew().catch(() => { }), Math.max(500, Math.floor(r.ttlMs / 3)));
    timer.unref();
    return {
        holder: r.holder,
        assertHeld() {
            if (lost) {
                throw new Error(`This run lost the lease on ${r.subject}: it could not renew it in time and another run took over. ` +
                    "It stopped writing; the other run's result stands.");
            }
        },
        stopHeartbeat() {
            clearInterval(timer);
        },
        async release() {
            clearInterval(timer);
            await r.collection.deleteOne({ _id: r.id, holder: r.holder });
        },
    };
}
/**
 * Takes the lease if it is free, expired, or already ours, in one atomic update. (An upsert may
 * not filter with `$expr`, so the condition is evaluated inside the update pipeline instead: each
 * field keeps the current holder's value unless the lease is free.)
 */
async function tryTake(r) {
    const free = {
        $or: [
            { $eq: [{ $type: "$holder" }, "missing"] },
            { $lt: ["$expiresAt", "$$NOW"] },
            { $eq: ["$holder", { $literal: r.holder }] },
        ],
    };
    const pick = (mine, current) => ({ $cond: [free, mine, current] });
    const after = await r.collection.findOneAndUpdate({ _id: r.id }, [
        {
            $set: {
                holder: pick({ $literal: r.holder }, "$holder"),
                owner: pick({ $literal: r.owner }, "$owner"),
                what: pick({ $literal: r.what }, "$what"),
                acquiredAt: pick("$$NOW", "$acquiredAt"),
                renewedAt: pick("$$NOW", "$renewedAt"),
                expiresAt: pick({ $add: ["$$NOW", r.ttlMs] }, "$expiresAt"),
            },
        },
    ], { upsert: true, returnDocument: "after" });
    return after?.holder === r.holder;
}
function lease_describeHolder(d) {
    const since = d.acquiredAt instanceof Date ? d.acquiredAt.toISOString() : "?";
    const expires = d.expiresAt instanceof Date ? d.expiresAt.toISOString() : "?";
    return `${d.owner} (${d.what}, since ${since}; its lease expires at ${expires} unless renewed)`;
}
function capitalise(text) {
    return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}
/** Who this process is, for the lease and the waiting run's log: the workflow run, or the CLI's host and pid. */
function lease_leaseOwner(env = process.env, program = "pr-snapshots") {
    if (env.GITHUB_RUN_ID) {
        const repo = env.GITHUB_REPOSITORY ? `${env.GITHUB_REPOSITORY} ` : "";
        const workflow = env.GITHUB_WORKFLOW ? ` "${env.GITHUB_WORKFLOW}"` : "";
        return `${program} in ${repo}workflow${workflow} run ${env.GITHUB_RUN_ID} attempt ${env.GITHUB_RUN_ATTEMPT ?? "1"}`;
    }
    return `${program} on ${env.HOSTNAME || "an unnamed host"} (pid ${process.pid})`;
}

;// CONCATENATED MODULE: ../../packages/core/src/mongo/privileges.ts


/** Privilege actions that modify data or structure (MongoDB's built-in action names). */
const WRITE_ACTIONS = new Set([
    "insert",
    "update",
    "remove",
    "createCollection",
    "createIndex",
    "dropCollection",
    "dropIndex",
    "dropDatabase",
    "collMod",
    "convertToCapped",
    "renameCollectionSameDB",
    "reIndex",
    "compact",
]);
/** What the connected credentials may write, read from `connectionStatus` with `showPrivileges`. */
async function auditPrivileges(client, protectedDatabases, options = {}) {
    const status = await client.db("admin").command({ connectionStatus: 1, showPrivileges: true });
    const info = status.authInfo;
    const users = info.authenticatedUsers.map((u) => `${u.user}@${u.db}`);
    if (users.length === 0) {
        // No user: either the server has no access control, or we are unauthenticated on one that has.
        try {
            await client.db("admin").command({ listDatabases: 1, nameOnly: true });
            return {
                accessControl: false,
                users,
                writableProtected: [],
                writesAnyDatabase: true,
                dropsAnyDatabase: true,
                leaseCollectionActions: [],
            };
        }
        catch (error) {
            if (error instanceof lib.MongoServerError && error.code === 13) {
                return {
                    accessControl: true,
                    users,
                    writableProtected: [],
                    writesAnyDatabase: false,
                    dropsAnyDatabase: false,
                    leaseCollectionActions: [],
                };
            }
            throw error;
        }
    }
    const facts = classifyPrivileges(info.authenticatedUserPrivileges ?? [], protectedDatabases);
    const writesAnyDatabase = facts.writesAnyDatabase || (facts.dropsAnyDatabase && !options.acceptDropAnyDatabase);
    return {
        accessControl: true,
        users,
        writableProtected: writesAnyDatabase ? [...protectedDatabases] : facts.writableProtected,
        writesAnyDatabase,
        dropsAnyDatabase: facts.dropsAnyDatabase,
        leaseCollectionActions: facts.leaseCollectionActions,
    };
}
/**
 * What a user's privileges let it write. Pure. A resource `{db: "", collection: "x"}` is the
 * collection x in every database, production's included, so it writes every database, with
 * one exception: the lease collection, which only this project's code writes, and only after
 * the target rules. `dropDatabase` on every database is reported apart from the data writes.
 */
function classifyPrivileges(privileges, protectedDatabases) {
    let writesAnyDatabase = false;
    let dropsAnyDatabase = false;
    const lease = new Set();
    const writable = new Set();
    for (const p of privileges) {
        const writes = p.actions.filter((a) => WRITE_ACTIONS.has(a));
        if (writes.length === 0)
            continue;
        const { db, collection = "" } = p.resource;
        if (p.resource.anyResource) {
            writesAnyDatabase = true;
        }
        else if (db === "" && collection === LEASE_COLLECTION) {
            for (const a of writes)
                lease.add(a);
        }
        else if (db === "" && collection === "") {
            if (writes.includes("dropDatabase"))
                dropsAnyDatabase = true;
            if (writes.some((a) => a !== "dropDatabase"))
                writesAnyDatabase = true;
        }
        else if (db === "") {
            writesAnyDatabase = true;
        }
        else if (db && protectedDatabases.includes(db)) {
            writable.add(db);
        }
    }
    return {
        writesAnyDatabase,
        dropsAnyDatabase,
        leaseCollectionActions: [...lease].sort(),
        writableProtected: [...writable].sort(),
    };
}

;// CONCATENATED MODULE: ../../packages/core/src/mongo/least-privilege.ts


/**
 * Refuses credentials that could write a protected database (production, snapshot, admin, ...):
 * the intended model gives each job only the rights it needs, so that a bug in any script
 * still cannot touch production. `allow` (allow-privileged-credentials) overrides it.
 */
async function least_privilege_assertLeastPrivilege(client, policy, log, options) {
    const protectedDbs = options.protectedOverride ?? [...policy.protected.keys()];
    const audit = await auditPrivileges(client, protectedDbs, {
        ...(options.acceptDropAnyDatabase ? { acceptDropAnyDatabase: true } : {}),
    });
    if (!audit.accessControl) {
        log.warning("The MongoDB server has no access control: any client can write any database, production included. " +
            `Enable authentication and give these credentials ${options.intended}.`);
        return audit;
    }
    if (audit.users.length === 0) {
        throw new errors/* UserError */.yo("The MongoDB server requires authentication but mongodb-uri has no credentials. Put the user and password in the connection string.");
    }
    if (audit.writableProtected.length === 0) {
        const drops = audit.dropsAnyDatabase && options.acceptDropAnyDatabase
            ? " (they can drop any database: the target rules decide which ones are dropped)"
            : "";
        log.info(`Credentials ${audit.users.join(", ")} cannot write any protected database${drops}: least privilege confirmed.`);
        return audit;
    }
    const what = audit.writesAnyDatabase ? "every database" : audit.writableProtected.join(", ");
    const message = `The credentials in mongodb-uri (${audit.users.join(", ")}) can write ${what}, including protected databases ` +
        `(${audit.writableProtected.join(", ")}). The intended model gives this job ${options.intended}, ` +
        "so that even a bug cannot modify production. Use such a user, or set allow-privileged-credentials: true to proceed anyway.";
    if (!options.allow)
        throw new errors/* RefusedError */.fk(message);
    log.warning(`${message} (proceeding: allow-privileged-credentials is true)`);
    return audit;
}
/**
 * CONTRACT §8: production on its own deployment is read through `source-uri`, whose credentials
 * need only `read` there. Credentials that could write it are refused unless explicitly allowed.
 */
async function assertReadOnlySource(client, sourceDatabase, log, options) {
    const audit = await auditPrivileges(client, [sourceDatabase]);
    if (!audit.accessControl) {
        log.warning(`The production deployment (${options.where}) has no access control: any client can write it. ` +
            `Enable authentication and give source-uri a user with only read on "${sourceDatabase}".`);
        return;
    }
    if (audit.users.length === 0) {
        throw new errors/* UserError */.yo(`The production deployment (${options.where}) requires authentication but source-uri has no credentials. Put a read-only user and its password in the connection string.`);
    }
    if (audit.writableProtected.length === 0) {
        log.info(`Source credentials ${audit.users.join(", ")} can only read "${sourceDatabase}" on ${options.where}: least privilege confirmed.`);
        return;
    }
    const message = `The credentials in source-uri (${audit.users.join(", ")}) can write the production database "${sourceDatabase}" ` +
        `on ${options.where}. The producer only reads production: give source-uri a user with the read role on ` +
        `"${sourceDatabase}", or set allow-privileged-credentials: true to proceed anyway.`;
    if (!options.allow)
        throw new errors/* RefusedError */.fk(message);
    log.warning(`${message} (proceeding: allow-privileged-credentials is true)`);
}

;// CONCATENATED MODULE: ../../packages/core/src/snapshot/generations.ts


const generationId = (generation) => `generation:${generation}`;
function newGenerationName(now, random) {
    const stamp = now
        .toISOString()
        .replace(/[-:]/g, "")
        .replace(/\.\d+Z$/, "z")
        .toLowerCase();
    return `g${stamp}_${random}`;
}
function physicalCollection(generation, logical) {
    return `${generation}.${logical}`;
}
function generations(db) {
    return db.collection(target_METADATA_COLLECTION);
}
/**
 * Deletes retired generations beyond `retain` once their grace period is over, and abandoned
 * ones (a run that was killed or failed) once they are older than the grace period.
 */
async function applyRetention(client, snapshotDatabase, o) {
    const db = client.db(snapshotDatabase);
    const all = await generations(db).find({ kind: "generation" }).toArray();
    const retired = all
        .filter((g) => g.status === "retired" && g.generation !== o.current)
        .sort((a, b) => (b.retiredAt?.getTime() ?? 0) - (a.retiredAt?.getTime() ?? 0));
    const overRetention = retired
        .slice(o.retain)
        .filter((g) => o.now.getTime() - (g.retiredAt?.getTime() ?? 0) >= o.graceMs);
    const abandoned = all.filter((g) => (g.status === "writing" || g.status === "failed") &&
        g.generation !== o.current &&
        o.now.getTime() - g.startedAt.getTime() >= o.graceMs);
    const deleted = [];
    for (const g of [...overRetention, ...abandoned]) {
        await deleteGeneration(client, snapshotDatabase, g);
        deleted.push(g.generation);
        o.log.info(`Deleted ${g.status} snapshot generation ${g.generation} (${g.physical.length} collections).`);
    }
    const waiting = retired.slice(o.retain).length - overRetention.length;
    if (waiting > 0)
        o.log.info(`${waiting} older generation(s) kept until their grace period ends (restores may still read them).`);
    return deleted;
}
async function deleteGeneration(client, snapshotDatabase, g) {
    await dropGenerationCollections(client, snapshotDatabase, g);
    await generations(client.db(snapshotDatabase)).deleteOne({ _id: g._id });
}
/** Every collection of one generation: the recorded ones and any other with its prefix. */
async function dropGenerationCollections(client, snapshotDatabase, g) {
    const prefix = `${g.generation}.`;
    const names = (await client.db(snapshotDatabase).listCollections({}, { nameOnly: true }).toArray())
        .map((c) => c.name)
        .filter((n) => n.startsWith(prefix));
    for (const name of new Set([...g.physical, ...names]))
        await engine_dropCollectionIfExists(client, { db: snapshotDatabase, collection: name });
}

;// CONCATENATED MODULE: ../../packages/core/src/snapshot/restore.ts















/**
 * Replaces the PR database with a copy of the latest complete snapshot:
 * name check → wait for a complete snapshot → least-privilege audit → the one-writer lease →
 * (refresh: new-snapshot: skip when the database already holds that snapshot) → plan → copy every collection with its options and indexes (copy engine: bounded concurrency,
 * largest first, retries) → views → verify → the PR database's metadata document, written last.
 */
async function restore_restoreSnapshot(req) {
    const started = Date.now();
    const { client, log, target } = req;
    assertWritableTarget(target, req.policy);
    const waitFor = () => waitForCompleteSnapshot(client, req.snapshotDatabase, {
        timeoutMs: req.waitTimeoutMs,
        intervalMs: req.pollIntervalMs,
        log,
        ...(req.sleep ? { sleep: req.sleep } : {}),
        ...(req.snapshotLabel ? { snapshotLabel: req.snapshotLabel } : {}),
    });
    let meta = await waitFor();
    // The snapshot names its production database: never a target either.
    const policy = protectMore(req.policy, {
        [meta.source]: "the production database this snapshot was taken from",
    });
    assertWritableTarget(target, policy);
    await assertLeastPrivilege(client, policy, log, {
        allow: req.allowPrivilegedCredentials,
        intended: `read on "${req.snapshotDatabase}" and readWrite + dbAdmin on "${target}" only`,
    });
    if (req.dryRun) {
        const refresh = req.refresh === "new-snapshot" ? await refreshReport(req, meta, started) : undefined;
        if (refresh?.skipped)
            return refresh;
        const plan = await planRestore(client, req.snapshotDatabase, meta);
        const views = meta.views ?? [];
        describePlan(meta, plan, views, log);
        for (const c of plan) {
            log.info(`  would copy ${c.name}: ${c.documents} documents, indexes: ${c.spec.indexes.map((i) => i.name).join(", ") || "(none)"}`);
        }
        for (const v of views)
            log.info(`  would create view ${v.name} on ${v.viewOn}`);
        return {
            ...reportBase(req, meta),
            dryRun: true,
            skipped: false,
            ...(refresh?.refreshReason ? { refreshReason: refresh.refreshReason } : {}),
            collections: plan.map((c) => ({
                name: c.name,
                documents: c.documents,
                indexes: c.spec.indexes.length,
                seconds: 0,
                method: "planned",
            })),
            dropped: [],
            documents: plan.reduce((n, c) => n + c.documents, 0),
            durationMs: Date.now() - started,
            copiedCollections: 0,
            copiedBytes: 0,
            keptCollections: 0,
        };
    }
    // ---- writes start here; every one goes through assertWritableTarget(target, policy) ----
    const lease = req.lease ??
        (await acquireWriterLease({
            client,
            database: target,
            policy,
            log,
            what: "restore",
            waitMs: req.waitTimeoutMs,
            ttlMs: (req.leaseSeconds ?? 60) * 1000,
        }));
    let progress;
    try {
        // While this run waited for the lease, a newer snapshot may have been published: copy that one.
        meta = await waitFor();
        // Decided under the lease: no other run can be half-way through this database meanwhile.
        const refresh = req.refresh === "new-snapshot" ? await refreshReport(req, meta, started) : undefined;
        if (refresh?.skipped)
            return refresh;
        const plan = await planRestore(client, req.snapshotDatabase, meta);
        const views = meta.views ?? [];
        describePlan(meta, plan, views, log);
        const guard = () => lease.assertHeld();
        // Any copy still running into this database belongs to a run that lost (or never held) the lease.
        await stopStaleCopies(client, target, log, lease.holder);
        const targetDb = client.db(target);
        const metadata = targetDb.collection(METADATA_COLLECTION);
        // Before the database is marked restoring: the last restore's fingerprints, and the time from
        // which any change counts against what this restore keeps (differential/proofs.ts).
        const previous = await readPrMetadata(client, target);
        const since = await clusterTimeNow(targetDb);
        assertWritableTarget(target, policy);
        // Marked first so that an interrupted restore is never mistaken for a complete database.
        await metadata.replaceOne({ _id: "latest" }, {
            _id: "latest",
            source: "snapshot",
            status: "restoring",
            startedAt: new Date(),
            snapshotTimestamp: meta.timestamp,
            ...(meta.generation ? { generation: meta.generation } : {}),
        }, { upsert: true });
        await dropLeftoverTemporaries(client, target, policy, log);
        const keep = new Set([...plan.map((c) => c.name), ...views.map((v) => v.name)]);
        const existing = await targetDb.listCollections({}, { nameOnly: true }).toArray();
        const dropped = [];
        for (const { name } of existing) {
            if (keep.has(name) || isBookkeeping(name) || name.startsWith("system.") || isTemporaryCollection(name))
                continue;
            assertWritableTarget(target, policy);
            guard();
            await dropCollectionIfExists(client, { db: target, collection: name });
            dropped.push(name);
        }
        if (dropped.length)
            log.info(`Dropped ${dropped.length} collection(s) not in the snapshot: ${dropped.join(", ")}.`);
        const decisions = await decideCollections({
            client,
            log,
            target,
            policy,
            snapshotDatabase: req.snapshotDatabase,
            meta,
            collections: plan,
            refresh: req.refresh ?? "every-sync",
            previous,
            concurrency: req.concurrency,
            guard,
            ...(req.changeStreamTimeoutMs ? { streamTimeoutMs: req.changeStreamTimeoutMs } : {}),
        });
        const decided = new Map(decisions.map((d) => [d.name, d]));
        const copies = plan.filter((c) => decided.get(c.name)?.action !== "keep");
        describeDecisions(plan, decided, log);
        progress = new Progress({
            log,
            what: `Restoring ${target}`,
            totalDocuments: copies.reduce((n, c) => n + c.documents, 0),
            totalBytes: copies.reduce((n, c) => n + c.bytes, 0),
            ...(req.progressIntervalMs ? { intervalMs: req.progressIntervalMs } : {}),
        }).start();
        // Nothing to copy: no need to ask the server what it can do.
        const env = copies.length === 0
            ? undefined
            : await copyEnvironment({
                source: client,
                target: client,
                sameDeployment: true,
                policy,
                log,
                tag: lease.holder,
                concurrency: req.concurrency,
                progress,
                guard,
                ...copySettingsOf(req),
            });
        const results = await mapLargestFirst(copies, (c) => c.bytes, req.concurrency, async (c) => {
            const result = await copyCollection(env, {
                source: { db: req.snapshotDatabase, collection: c.physical },
                target: { db: target, collection: c.name },
                spec: { ...c.spec, name: c.name },
                bytes: c.bytes,
                documents: c.documents,
                expectedCount: c.documents,
                swap: true,
            });
            log.info(`  ✓ ${c.name}: ${result.documents} documents, ${result.indexes} indexes, ${(result.ms / 1000).toFixed(1)}s (${result.method})`);
            await req.onCollectionCopied?.(result);
            return result;
        });
        progress.stop();
        for (const r of results) {
            await log.group(`${r.name}: ${r.documents} documents`, async () => {
                log.info(`method ${r.method}, ${r.indexes} secondary indexes, ${r.ms} ms, ${r.attempts} attempt(s)`);
            });
        }
        for (const v of views) {
            guard();
            await createVerifiedView(client, policy, target, v);
        }
        const copied = new Map(results.map((r) => [r.name, r]));
        const counts = Object.fromEntries(plan.map((c) => [c.name, copied.get(c.name)?.documents ?? c.documents]));
        const fingerprints = recordedFingerprints(plan, decided, copied, since);
        assertWritableTarget(target, policy);
        guard();
        await metadata.replaceOne({ _id: "latest" }, {
            _id: "latest",
            source: "snapshot",
            status: "complete",
            snapshotTimestamp: meta.timestamp,
            restoredAt: new Date(),
            collections: plan.map((c) => c.name),
            counts,
            fingerprints,
            views: views.map((v) => v.name),
            snapshotDatabase: req.snapshotDatabase,
            productionDatabase: meta.source,
            // What the data is: masked (and by which policy) or a subset, as the snapshot recorded it.
            ...(meta.masking ? { masking: meta.masking } : {}),
            ...(meta.subset ? { subset: meta.subset } : {}),
            ...(meta.generation ? { generation: meta.generation } : {}),
        }, { upsert: true });
        return {
            ...reportBase(req, meta),
            dryRun: false,
            skipped: false,
            ...(refresh?.refreshReason ? { refreshReason: refresh.refreshReason } : {}),
            collections: plan.map((c) => rowOf(c, decided.get(c.name), copied.get(c.name))),
            dropped,
            documents: plan.reduce((n, c) => n + (copied.get(c.name)?.documents ?? c.documents), 0),
            durationMs: Date.now() - started,
            copiedCollections: results.length,
            copiedBytes: copies.reduce((n, c) => n + c.bytes, 0),
            keptCollections: plan.length - results.length,
        };
    }
    finally {
        progress?.stop();
        if (!req.lease)
            await lease.release().catch(() => { });
    }
}
/**
 * refresh: new-snapshot. What the PR database holds, as the report of a skipped restore; a
 * caller that finds `skipped` false restores and keeps only `refreshReason` from it.
 */
async function refreshReport(req, meta, started) {
    const current = await readPrMetadata(req.client, req.target);
    const check = checkRefresh(current, meta, req.snapshotDatabase);
    req.log.info(`refresh: new-snapshot: ${check.reason}.`);
    const counts = current?.counts ?? {};
    const names = current?.collections ?? [];
    return {
        ...reportBase(req, meta),
        dryRun: req.dryRun,
        skipped: check.skip,
        refreshReason: check.reason,
        collections: names.map((name) => ({
            name,
            documents: counts[name] ?? 0,
            indexes: 0,
            seconds: 0,
            method: "kept",
        })),
        dropped: [],
        documents: names.reduce((n, name) => n + (counts[name] ?? 0), 0),
        durationMs: Date.now() - started,
        copiedCollections: 0,
        copiedBytes: 0,
        keptCollections: check.skip ? names.length : 0,
    };
}
function reportBase(req, meta) {
    const policy = meta.masking?.policy;
    return {
        ...(typeof policy === "string" ? { maskingPolicy: policy } : {}),
        ...(meta.subset ? { subset: meta.subset } : {}),
        database: req.target,
        snapshotDatabase: req.snapshotDatabase,
        snapshotTimestamp: meta.timestamp,
        source: meta.source,
        ...(meta.generation ? { generation: meta.generation } : {}),
        views: (meta.views ?? []).map((v) => v.name),
    };
}
/** One line per collection: kept and why, or copied and why (the proof that failed, or none). */
function describeDecisions(plan, decided, log) {
    const kept = plan.filter((c) => decided.get(c.name)?.action === "keep");
    for (const c of plan) {
        const d = decided.get(c.name);
        if (!d)
            continue;
        log.info(`  ${d.action === "keep" ? "= keep" : "↻ copy"} ${c.name}: ${d.reason}${d.checkMs ? ` (checked in ${(d.checkMs / 1000).toFixed(2)} s)` : ""}`);
    }
    log.info(`Differential restore: ${kept.length} of ${plan.length} collections kept as they are, ${plan.length - kept.length} to copy ` +
        `(${formatBytes(plan.filter((c) => decided.get(c.name)?.action !== "keep").reduce((n, c) => n + c.bytes, 0))}).`);
}
function rowOf(c, d, r) {
    const check = d ? { check: { proof: d.proof, reason: d.reason, seconds: d.checkMs / 1000 } } : {};
    if (r)
        return { ...collectionReport(r), ...check };
    return {
        name: c.name,
        documents: c.documents,
        indexes: c.spec.indexes.length,
        seconds: 0,
        method: "kept (identical)",
        ...check,
    };
}
function describePlan(meta, plan, views, log) {
    log.info(`Snapshot of ${meta.source} taken ${meta.timestamp.toISOString()}${meta.generation ? ` (generation ${meta.generation})` : ""}: ` +
        `${plan.length} collections, ${plan.reduce((n, c) => n + c.documents, 0)} documents, ${views.length} views.`);
}
/** The copy settings a restore or producer request carries, for {@link copyEnvironment}. */
function copySettingsOf(req) {
    return {
        ...(req.copyMethod ? { method: req.copyMethod } : {}),
        ...(req.rangeThresholdMb ? { rangeThresholdMb: req.rangeThresholdMb } : {}),
        ...(req.maxTimeMS ? { maxTimeMS: req.maxTimeMS } : {}),
    };
}
/** What the snapshot holds, read before any write (and shown as the plan in a dry run). */
async function planRestore(client, snapshotDatabase, meta) {
    const db = client.db(snapshotDatabase);
    const viewNames = new Set((meta.views ?? []).map((v) => v.name));
    // A few round trips per collection, read side by side: a restore that keeps everything is
    // mostly this.
    const planned = await mapBounded(meta.collections.filter((name) => !viewNames.has(name)), 8, async (name) => {
        const physical = physicalName(meta, name);
        const spec = await readCollectionSpec(db, physical);
        if (!spec) {
            throw new UserError(`The snapshot lists collection "${name}" but ${snapshotDatabase}.${physical} does not exist` +
                `${meta.generation ? ` (generation ${meta.generation} may have been replaced meanwhile)` : ""}. ` +
                "Run the restore again; if it keeps failing, refresh the snapshot.");
        }
        if (spec.type === "view")
            return undefined;
        const documents = meta.counts?.[name] ?? (await db.collection(physical).countDocuments({}));
        return { name, physical, spec, documents, bytes: await dataSize(db, physical) };
    });
    return planned.filter((c) => c !== undefined);
}
/** Uncompressed size of a collection's documents, from the storage statistics (cheap: no scan). */
async function dataSize(db, collection) {
    const [stats] = await db
        .collection(collection)
        .aggregate([{ $collStats: { storageStats: {} } }])
        .toArray()
        .catch(() => []);
    return Number(stats?.storageStats?.size ?? 0);
}
async function createVerifiedView(client, policy, target, v) {
    await createView(client, policy, target, {
        name: v.name,
        type: "view",
        options: { viewOn: v.viewOn, pipeline: v.pipeline, ...(v.collation ? { collation: v.collation } : {}) },
        indexes: [],
    });
    const made = await readCollectionSpec(client.db(target), v.name);
    if (made?.type !== "view" || made.options.viewOn !== v.viewOn) {
        throw new Error(`Verification of view ${target}.${v.name} failed: it was not created on ${v.viewOn}.`);
    }
}

;// CONCATENATED MODULE: ../../packages/core/src/snapshot/select.ts


/** `*` matches any run of characters, `?` one character; everything else is literal. */
function globToRegExp(glob) {
    const body = glob
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".");
    return new RegExp(`^${body}$`);
}
const isGlob = (p) => /[*?]/.test(p);
/**
 * Which source collections the producer copies: `include` (names or globs; default all),
 * minus `exclude`. `system.*` and the producer's own bookkeeping are always left out. A name
 * (not a glob) in `include` that does not exist is an error: it is almost always a typo.
 */
function selectCollections(available, include, exclude = []) {
    const warnings = [];
    const always = (name) => name.startsWith("system.") || name === target_METADATA_COLLECTION;
    let candidates = available.filter((n) => !always(n));
    if (include && include.length > 0) {
        const missing = include.filter((p) => !isGlob(p) && !available.includes(p));
        if (missing.length) {
            throw new errors/* UserError */.yo(`collections.include names ${missing.map((m) => `"${m}"`).join(", ")}, which the source database does not have. ` +
                `It has: ${candidates.join(", ") || "(no collections)"}. Fix the name or remove it.`);
        }
        for (const p of include.filter(isGlob)) {
            if (!candidates.some((n) => globToRegExp(p).test(n)))
                warnings.push(`collections.include pattern "${p}" matches no collection.`);
        }
        const patterns = include.map(globToRegExp);
        candidates = candidates.filter((n) => patterns.some((re) => re.test(n)));
    }
    const out = exclude.map(globToRegExp);
    const excluded = candidates.filter((n) => out.some((re) => re.test(n)));
    return { selected: candidates.filter((n) => !excluded.includes(n)).sort(), excluded, warnings };
}

;// CONCATENATED MODULE: ../../packages/core/src/snapshot/producer.ts




















const PRODUCER_METHOD = "copy engine into generation collections, published atomically";
const PRODUCER_LEASE_ID = "producer-lease";
/** The producer may write only the snapshot database. */
function producerPolicy(snapshotDatabase, sourceDatabase, extra = []) {
    const prot = new Map();
    for (const db of names/* SYSTEM_DATABASES */.Pj)
        prot.set(db, "a MongoDB system database");
    prot.set(sourceDatabase, "the production database");
    for (const db of extra)
        if (db !== snapshotDatabase && !prot.has(db))
            prot.set(db, "listed in protected-databases");
    return { allowed: [new RegExp(`^${(0,names/* escapeRegExp */.Nt)(snapshotDatabase)}$`)], protected: prot };
}
/**
 * Copies the chosen production collections into a new generation of the snapshot database,
 * verifies it, checks it against the previous snapshot (sanity guard), and publishes it by
 * replacing `snapshot_metadata.latest` in one write. Until then readers see the previous
 * complete snapshot; a failed or killed run leaves it untouched.
 */
async function produceSnapshot(req) {
    const started = Date.now();
    const now = req.now ?? (() => new Date());
    const { client, log, sourceDatabase: source, snapshotDatabase: snap } = req;
    (0,names/* assertDatabaseName */.nx)(source, "The source database");
    (0,names/* assertDatabaseName */.nx)(snap, "The snapshot database");
    if (source === snap)
        throw new errors/* UserError */.yo(`The source and snapshot databases must differ (both are "${source}").`);
    if (names/* SYSTEM_DATABASES */.Pj.includes(snap)) {
        throw new errors/* UserError */.yo(`The snapshot database cannot be "${snap}": it is a MongoDB system database.`);
    }
    const policy = producerPolicy(snap, source, req.protectedDatabases);
    if (policy.protected.has(snap))
        throw new errors/* UserError */.yo(`The snapshot database "${snap}" is protected (${policy.protected.get(snap)}).`);
    const sourceClient = req.sourceClient ?? client;
    const separate = req.sourceClient !== undefined && req.sourceClient !== client;
    await least_privilege_assertLeastPrivilege(client, policy, log, {
        allow: req.allowPrivilegedCredentials,
        intended: separate
            ? `readWrite + dbAdmin on "${snap}" only (production is read through source-uri)`
            : `read on "${source}" and readWrite + dbAdmin on "${snap}" only`,
    });
    if (separate) {
        await assertReadOnlySource(sourceClient, source, log, {
            allow: req.allowPrivilegedCredentials,
            where: req.sourceDescription ?? "source-uri",
        });
    }
    const sourceSpecs = await readCollectionSpecs(sourceClient.db(source));
    if (sourceSpecs.length === 0) {
        throw new errors/* UserError */.yo(`The source database "${source}" has no collections these credentials can see${separate ? ` (on ${req.sourceDescription ?? "source-uri"})` : ""}. Check source-database and the user's read role.`);
    }
    const selection = selectCollections(sourceSpecs.map((s) => s.name), req.include, req.exclude);
    for (const w of selection.warnings)
        log.warning(w);
    const chosen = sourceSpecs.filter((s) => selection.selected.includes(s.name));
    const copies = chosen.filter((s) => s.type !== "view");
    const views = chosen
        .filter((s) => s.type === "view")
        .map((v) => ({
        name: v.name,
        viewOn: String(v.options.viewOn),
        pipeline: v.options.pipeline ?? [],
        ...(v.options.collation ? { collation: v.options.collation } : {}),
    }));
    for (const v of views) {
        if (!copies.some((c) => c.name === v.viewOn))
            log.warning(`View ${v.name} reads ${v.viewOn}, which is not in the snapshot; it will be empty in PR databases.`);
    }
    if (copies.length === 0)
        throw new errors/* UserError */.yo("No collections selected: check collections.include / collections.exclude.");
    // ---- masking and subset rules: everything checked before the first write ----
    const { dataPolicy } = req;
    const copiedNames = copies.map((c) => c.name);
    if (dataPolicy) {
        if (dataPolicy.keyed && !req.salt)
            throw new errors/* UserError */.yo("The masking rules use email, name, phone or hash, which need a secret salt: set the mask-salt input (from a secret) or PR_SNAPSHOTS_MASK_SALT for the command line. Nothing was copied.");
        if (req.salt)
            log.secret(req.salt);
        for (const [kind, names] of [
            ["masking.rules", Object.keys(dataPolicy.rules)],
            ["masking.keep", Object.keys(dataPolicy.keep)],
        ]) {
            const unknown = names.filter((n) => !copiedNames.includes(n));
            if (unknown.length)
                throw new errors/* UserError */.yo(`${kind} names ${unknown.map((n) => `"${n}"`).join(", ")}, which the snapshot does not copy (collections: ${copiedNames.join(", ")}). ` +
                    "Fix the name, or remove the rule. Nothing was copied.");
        }
        if (dataPolicy.strict) {
            const scans = await Promise.all(copies.map((c) => scanCollection(sourceClient.db(source), c.name, req.scanSample ?? 1_000, dataPolicy)));
            const missing = uncovered(scans);
            if (missing.length) {
                log.info(formatScan(scans));
                throw new errors/* RefusedError */.fk(`masking.strict: ${missing.length} likely-personal field(s) are covered by no masking rule and no keep: ${missing.join("; ")}. ` +
                    "Add a rule (masking.rules) or declare them not personal (masking.keep). Nothing was published: the previous snapshot stays in use.");
            }
            log.info(`masking.strict: every likely-personal field of the ${copies.length} collections is covered.`);
        }
    }
    // Masking rules that are silently not read (a CronJob without the config file, a wrong path)
    // would publish production data where masked data was: never over a masked snapshot by accident.
    const before = await readSnapshotMetadata(client.db(snap));
    const maskedBefore = before?.masking?.policy;
    if (before?.status === "complete" && maskedBefore && !Object.keys(dataPolicy?.rules ?? {}).length) {
        const message = `The current snapshot is masked (policy ${maskedBefore.slice(0, 12)}), but this run has no masking rules: ` +
            "is the config file missing (a Kubernetes Job reads it from --config / PR_SNAPSHOTS_CONFIG, not from a checkout)? " +
            "Nothing was copied. To publish unmasked data on purpose, run again with force: true.";
        if (!req.force)
            throw new errors/* RefusedError */.fk(message);
        log.warning(`${message} (going on: force is true)`);
    }
    const subsets = await compileSubsets(dataPolicy, sourceClient.db(source), copiedNames);
    const pipelineFor = (name) => [
        ...(subsets.stages.get(name) ?? []),
        ...maskingStages(dataPolicy?.rules[name]),
    ];
    const maskingReport = dataPolicy && Object.keys(dataPolicy.rules).length
        ? {
            policy: dataPolicy.hash,
            fields: dataPolicy.fields,
            rules: Object.fromEntries(Object.entries(dataPolicy.rules).map(([c, r]) => [
                c,
                Object.entries(r).map(([p, st]) => `${p}: ${st.kind}`),
            ])),
            verified: false,
            unverified: {},
        }
        : undefined;
    for (const [c, rules] of Object.entries(maskingReport?.rules ?? {}))
        log.info(`Masking ${c}: ${rules.join(", ")}.`);
    for (const [c, rule] of subsets.described)
        log.info(`Subset of ${c}: ${rule}.`);
    const timestamp = now();
    const generation = newGenerationName(timestamp, (0,external_node_crypto_.randomBytes)(2).toString("hex"));
    const previous = await readSnapshotMetadata(client.db(snap));
    const base = {
        sourceDatabase: source,
        snapshotDatabase: snap,
        generation,
        timestamp,
        views: views.map((v) => v.name),
        excluded: selection.excluded,
        ...(previous?.status === "complete"
            ? {
                previous: {
                    ...(previous.generation ? { generation: previous.generation } : {}),
                    timestamp: previous.timestamp,
                },
            }
            : {}),
        ...(maskingReport ? { masking: maskingReport } : {}),
        ...(subsets.described.size ? { subsetRules: Object.fromEntries(subsets.described) } : {}),
    };
    const sourceDb = sourceClient.db(source);
    const sizes = new Map(await Promise.all(copies.map(async (c) => [c.name, await dataSize(sourceDb, c.name)])));
    const counts0 = new Map(await Promise.all(copies.map(async (c) => [c.name, await sourceDb.collection(c.name).estimatedDocumentCount()])));
    if (req.dryRun) {
        for (const c of copies)
            log.info(`  would copy ${source}.${c.name} (${c.type}, ${c.indexes.length} secondary indexes)`);
        for (const v of views)
            log.info(`  would record view ${v.name} on ${v.viewOn}`);
        return {
            ...base,
            dryRun: true,
            collections: copies.map((c) => ({
                name: c.name,
                documents: counts0.get(c.name) ?? 0,
                indexes: c.indexes.length,
                seconds: 0,
                method: "planned",
            })),
            documents: [...counts0.values()].reduce((a, b) => a + b, 0),
            durationMs: Date.now() - started,
            deletedGenerations: [],
        };
    }
    // ---- writes start here: only ever into the snapshot database ----
    const holder = (0,external_node_crypto_.randomUUID)();
    const lease = await lease_acquireLease({
        collection: client.db(snap).collection(target_METADATA_COLLECTION),
        id: PRODUCER_LEASE_ID,
        holder,
        owner: lease_leaseOwner(),
        what: "produce",
        ttlMs: (req.leaseSeconds ?? 120) * 1000,
        waitMs: 0,
        subject: `snapshot database ${snap}`,
        log,
        busyMessage: (current) => `Another snapshot producer is running on ${snap}${current ? `: ${lease_describeHolder(current)}` : ""}. ` +
            "Wait for it to finish, then run again.",
    });
    const genDocs = generations(client.db(snap));
    let progress;
    let maskingCheck;
    try {
        await stale_stopStaleCopies(client, snap, log, holder);
        await genDocs.insertOne({
            _id: generationId(generation),
            kind: "generation",
            generation,
            status: "writing",
            startedAt: timestamp,
            physical: copies.map((c) => physicalCollection(generation, c.name)),
            holder,
        });
        let results;
        const verifications = [];
        if (dataPolicy && maskingReport)
            maskingCheck = startMaskingCheck({
                policy: dataPolicy,
                source: sourceClient.db(source),
                snapshot: client.db(snap),
                generation,
                collections: copies.filter((c) => dataPolicy.rules[c.name]).map((c) => c.name),
                sameDeployment: !separate,
                comment: `pr-snapshots masking check ${holder}`,
            });
        try {
            progress = new progress_Progress({
                log,
                what: `Copying ${source} into generation ${generation}`,
                totalDocuments: [...counts0.values()].reduce((a, b) => a + b, 0),
                totalBytes: [...sizes.values()].reduce((a, b) => a + b, 0),
                ...(req.progressIntervalMs ? { intervalMs: req.progressIntervalMs } : {}),
            }).start();
            const env = await engine_copyEnvironment({
                source: sourceClient,
                target: client,
                sameDeployment: !separate,
                policy,
                log,
                tag: holder,
                concurrency: req.concurrency,
                progress,
                guard: () => lease.assertHeld(),
                ...copySettingsOf(req),
            });
            results = await concurrency_mapLargestFirst(copies, (c) => sizes.get(c.name) ?? 0, req.concurrency, async (spec) => {
                const r = await engine_copyCollection(env, {
                    source: { db: source, collection: spec.name },
                    target: { db: snap, collection: physicalCollection(generation, spec.name) },
                    spec,
                    bytes: sizes.get(spec.name) ?? 0,
                    documents: counts0.get(spec.name) ?? 0,
                    pipeline: pipelineFor(spec.name),
                    ...(req.salt && maskingStages(dataPolicy?.rules[spec.name]).length
                        ? { variables: { [SALT_VARIABLE]: req.salt } }
                        : {}),
                }).catch(async (error) => {
                    throw await explainCopyFailure(error, spec.name, req, sourceClient, separate);
                });
                log.info(`  ✓ ${spec.name}: ${r.documents} documents, ${r.indexes} indexes, ${(r.ms / 1000).toFixed(1)}s (${r.method})`);
                // Verified as soon as it is copied, while the larger collections are still being copied.
                if (maskingCheck && dataPolicy?.rules[spec.name])
                    verifications.push(await maskingCheck.verify({ name: spec.name, physical: r.target.collection }));
                return r;
            });
            progress.stop();
            const counts = Object.fromEntries(results.map((r) => [r.name, r.documents]));
            const physicalOf = (n) => physicalCollection(generation, n);
            // The proof before the publish: masked values are not production's, references resolve.
            const problems = [];
            if (maskingCheck && maskingReport) {
                const v = mergeVerifications(verifications);
                problems.push(...v.problems);
                maskingReport.unverified = v.unverified;
                maskingReport.verified = v.problems.length === 0;
                for (const [c, paths] of Object.entries(v.checked))
                    if (!v.problems.some((p) => p.startsWith(`${c}:`) || p.startsWith(`${c}.`)))
                        log.info(`Verified ${c}: no production value survives in ${paths.join(", ")}.`);
                for (const [c, paths] of Object.entries(v.unverified))
                    log.warning(`${c}: ${paths.join(", ")} use expr, the operator's own transformation, which cannot be verified.`);
            }
            for (const [c, rule] of Object.entries(dataPolicy?.subset ?? {})) {
                if (rule.references?.length)
                    problems.push(...(await danglingReferences({
                        snapshot: client.db(snap),
                        physical: physicalOf,
                        collection: c,
                        references: rule.references,
                    })));
            }
            if (problems.length)
                throw new errors/* RefusedError */.fk(`Refusing to publish the new snapshot: ${problems.join("; ")}. The previous snapshot stays in use.`);
            const refusal = sanityCheck(previous, counts, req.maxShrinkPercent, subsetAware(previous, dataPolicy));
            if (refusal.length) {
                const message = `Refusing to publish the new snapshot: ${refusal.join("; ")}. The previous snapshot stays in use. ` +
                    "If production really shrank, run again with force: true.";
                if (!req.force)
                    throw new errors/* RefusedError */.fk(message);
                log.warning(`${message} (publishing anyway: force is true)`);
            }
            const latest = {
                _id: LATEST,
                timestamp,
                source,
                collections: results.map((r) => r.name),
                counts,
                status: "complete",
                method: PRODUCER_METHOD,
                generation,
                physical: Object.fromEntries(results.map((r) => [r.name, r.target.collection])),
                views,
                methods: Object.fromEntries(results.map((r) => [r.name, r.method])),
                ...(separate ? { sourceDeployment: "separate" } : {}),
                ...(maskingReport
                    ? {
                        masking: {
                            policy: maskingReport.policy,
                            fields: maskingReport.fields,
                            verified: maskingReport.verified,
                            ...(Object.keys(maskingReport.unverified).length
                                ? { unverified: maskingReport.unverified }
                                : {}),
                        },
                    }
                    : {}),
                ...(dataPolicy && Object.keys(dataPolicy.subset).length
                    ? { subset: Object.fromEntries(Object.keys(dataPolicy.subset).map((c) => [c, counts[c] ?? 0])) }
                    : {}),
                ...(dataPolicy ? { policy: dataPolicy.hash } : {}),
                completedAt: now(),
            };
            // The last step before the publish, on the final generation collections: what differential
            // restores compare with (dbHash locks the snapshot database only, never production).
            latest.fingerprints = await generationFingerprints(client.db(snap), results.map((r) => ({ name: r.name, physical: r.target.collection, documents: r.documents })), log);
            lease.assertHeld();
            // The publish: one document replaced, so readers switch from the old generation to the new one at once.
            await client
                .db(snap)
                .collection(target_METADATA_COLLECTION)
                .replaceOne({ _id: LATEST }, latest, { upsert: true });
        }
        catch (error) {
            // A masked generation that failed or was refused can hold what the rules did not reach (the
            // proof refuses arrays nested deeper than masking goes): it is dropped now, not at the next
            // run's retention. Best effort: if the previews cluster is down, retention still drops it.
            const dropped = maskingReport &&
                (await dropGenerationCollections(client, snap, {
                    generation,
                    physical: copies.map((c) => physicalCollection(generation, c.name)),
                }).then(() => true, () => false));
            await genDocs
                .updateOne({ _id: generationId(generation) }, { $set: { status: "failed", error: (0,errors/* errorMessage */.gJ)(error), ...(dropped ? { dropped: true } : {}) } })
                .catch(() => { });
            throw error;
        }
        const publishedAt = now();
        await genDocs.updateOne({ _id: generationId(generation) }, { $set: { status: "complete", completedAt: publishedAt } });
        await genDocs.updateMany({ kind: "generation", status: "complete", generation: { $ne: generation } }, { $set: { status: "retired", retiredAt: publishedAt } });
        const deletedGenerations = await applyRetention(client, snap, {
            current: generation,
            retain: req.retain,
            graceMs: req.graceSeconds * 1000,
            now: publishedAt,
            log,
        });
        return {
            ...base,
            dryRun: false,
            collections: results.map(engine_collectionReport),
            documents: results.reduce((n, r) => n + r.documents, 0),
            durationMs: Date.now() - started,
            deletedGenerations,
        };
    }
    finally {
        progress?.stop();
        await maskingCheck?.dispose();
        await lease.release().catch(() => { });
    }
}
/**
 * A copy that fails after its retries says which side failed: with two deployments, "connection
 * closed" alone does not tell an operator whether production or the previews cluster went away.
 */
async function explainCopyFailure(error, collection, req, sourceClient, separate) {
    if (error instanceof errors/* UserError */.yo)
        return error;
    const reachable = async (c) => c
        .db("admin")
        .command({ ping: 1 }, { timeoutMS: 3_000 })
        .then(() => true, () => false);
    const [sourceUp, targetUp] = await Promise.all([
        reachable(sourceClient),
        separate ? reachable(req.client) : true,
    ]);
    const kept = "Nothing was published: the previous snapshot stays complete and in use.";
    if (!sourceUp) {
        return new Error(`Copying ${req.sourceDatabase}.${collection} failed because the production deployment` +
            `${separate ? ` (${req.sourceDescription ?? "source-uri"})` : ""} stopped answering: ${(0,errors/* errorMessage */.gJ)(error)}. ${kept}`);
    }
    if (!targetUp) {
        return new Error(`Copying ${req.sourceDatabase}.${collection} failed because the deployment of the snapshot database ${req.snapshotDatabase} (mongodb-uri) stopped answering: ${(0,errors/* errorMessage */.gJ)(error)}. ${kept}`);
    }
    return new Error(`Copying ${req.sourceDatabase}.${collection} failed: ${(0,errors/* errorMessage */.gJ)(error)}. ${kept}`);
}
/** Why a new snapshot looks wrong compared with the previous one (an emptied or collapsed collection). */
function sanityCheck(previous, counts, maxShrinkPercent, 
/** Collections whose subset rule changed since the previous snapshot: their counts are not comparable. */
incomparable = new Set()) {
    if (previous?.status !== "complete" || !previous.counts)
        return [];
    const problems = [];
    for (const [name, before] of Object.entries(previous.counts)) {
        if (!(name in counts) || before <= 0 || incomparable.has(name))
            continue;
        const after = counts[name] ?? 0;
        if (after === 0)
            problems.push(`${name} had ${before} documents and is now empty`);
        else if (((before - after) / before) * 100 > maxShrinkPercent) {
            problems.push(`${name} shrank from ${before} to ${after} documents (more than ${maxShrinkPercent}%)`);
        }
    }
    return problems;
}
/**
 * A subset keeps a fraction of production by design: the shrink guard compares a collection with
 * the previous snapshot only when both were taken under the same rules (same policy hash), where a
 * collapse means production or the rules' inputs changed, not the rules themselves.
 */
function subsetAware(previous, policy) {
    const samePolicy = previous?.policy === policy?.hash;
    if (samePolicy)
        return new Set();
    const before = Object.keys(previous?.subset ?? {});
    const now = Object.keys(policy?.subset ?? {});
    return new Set([...before, ...now]);
}

// EXTERNAL MODULE: ../../packages/core/src/snapshot/settings.ts
var snapshot_settings = __webpack_require__(1014);
;// CONCATENATED MODULE: ../../packages/core/src/snapshot/run.ts












/**
 * Connecting and running the producer or the restore: the same for the GitHub Actions and the
 * command line. Connection pools leave room for every collection copied at once plus the
 * parallel ranges of the largest one.
 */
const poolFor = (concurrency) => concurrency + methods/* MAX_RANGES */.yM + 4;
async function runProducer(c, settings, common, log) {
    const maxPoolSize = poolFor(settings.concurrency);
    return client_withMongo({ uri: c.uri, log, appName: c.appName, maxPoolSize }, (client) => {
        const { sourceUri } = c;
        if (!sourceUri)
            return produceSnapshot((0,snapshot_settings/* produceRequest */.m_)(settings, common, client, log));
        return client_withMongo({ uri: sourceUri, log, appName: `${c.appName} (source)`, maxPoolSize, input: "source-uri" }, (source) => produceSnapshot((0,snapshot_settings/* produceRequest */.m_)(settings, common, client, log, {
            client: source,
            description: (0,connection_string/* describeConnection */.If)((0,connection_string/* parseConnectionString */.HH)(sourceUri)),
        })));
    });
}
async function runRestore(c, settings, common, log) {
    return withMongo({ uri: c.uri, log, appName: c.appName, maxPoolSize: poolFor(settings.concurrency) }, (client) => restoreSnapshot(restoreRequest(settings, common, client, log)));
}
/**
 * restore, reset (drop, so that the application seeds fresh data) or drop one PR database, as
 * the command line's Jobs do. With `expectSha` the run is a decision's Job: it takes the
 * one-writer lease first, reads the database's lock and applied records under it, and skips or
 * refuses as {@link judgeExpectedRun} says; after a restore or reset it records what it applied.
 */
async function runPrCommand(c, command, settings, common, log, expectSha) {
    const { database, policy } = settings;
    assertWritableTarget(database, policy);
    if (command === "restore" && !("concurrency" in settings))
        throw new Error("restore needs the restore settings (readRestoreSettings)");
    const maxPoolSize = "concurrency" in settings ? poolFor(settings.concurrency) : undefined;
    return withMongo({ uri: c.uri, log, appName: c.appName, ...(maxPoolSize ? { maxPoolSize } : {}) }, (client) => expectSha === undefined
        ? unguarded(client, command, settings, common, log)
        : guarded(client, command, settings, common, log, expectSha));
}
async function unguarded(client, command, s, common, log) {
    const base = { command, database: s.database };
    if (command === "restore") {
        const restore = await restoreSnapshot(restoreRequest(s, common, client, log));
        return { ...base, outcome: restore.dryRun ? "dry-run" : "done", restore };
    }
    if (common.dryRun) {
        const existed = await databaseExists(client, s.database);
        log.info(`Dry run: would drop ${s.database} (${command}); it ${existed ? "exists" : "does not exist"}.`);
        return { ...base, outcome: "dry-run", existed };
    }
    const { existed } = await dropTargetDatabase(client, s.database, s.policy, log, {
        what: command,
        waitMs: s.waitTimeoutSeconds * 1000,
        ttlMs: s.leaseSeconds * 1000,
    });
    return { ...base, outcome: "done", existed };
}
async function guarded(client, command, s, common, log, expectSha) {
    const { database, policy } = s;
    const judge = async () => {
        const exists = await databaseExists(client, database);
        const state = lockDatabaseState(exists, exists ? await readPrMetadata(client, database) : undefined);
        return judgeExpectedRun({
            command,
            expectSha,
            database,
            initialized: state.initialized,
            ...(await readPrRecords(client, database)),
        });
    };
    const base = { command, database, expectSha };
    if (common.dryRun) {
        const verdict = await judge();
        log.info(`Dry run: ${verdict.run} — ${verdict.reason}`);
        return { ...base, outcome: "dry-run", verdict: verdict.run };
    }
    const leaseFor = (what) => acquireWriterLease({
        client,
        database,
        policy,
        log,
        what,
        waitMs: s.waitTimeoutSeconds * 1000,
        ttlMs: s.leaseSeconds * 1000,
    });
    const lease = await leaseFor(command);
    let held = true;
    try {
        const verdict = await judge();
        if (verdict.run === "skip") {
            log.info(verdict.reason);
            return { ...base, outcome: "already-applied", verdict: verdict.run };
        }
        if (verdict.run === "refuse")
            throw new RefusedError(verdict.reason);
        log.info(`Proceeding: ${verdict.reason}.`);
        if (command === "restore") {
            const restore = await restoreSnapshot({
                ...restoreRequest(s, common, client, log),
                lease,
            });
            await writeAppliedRecord(client, database, policy, lease, { sha: expectSha, command });
            return { ...base, outcome: "done", verdict: verdict.run, restore };
        }
        const { existed } = await dropTargetDatabase(client, database, policy, log, { what: command, lease });
        // The lease document went with the database.
        held = false;
        if (command === "reset") {
            // Recorded in the (now otherwise empty) database, under a fresh lease: the record alone does
            // not count as data, so the application still seeds it on its next start.
            const again = await leaseFor(command);
            try {
                await writeAppliedRecord(client, database, policy, again, { sha: expectSha, command });
            }
            finally {
                await again.release().catch(() => { });
            }
        }
        return { ...base, outcome: "done", verdict: verdict.run, existed };
    }
    finally {
        if (held)
            await lease.release().catch(() => { });
    }
}

;// CONCATENATED MODULE: ../../packages/core/src/gantt.ts
/** A Mermaid Gantt chart of per-collection copies, for job summaries (GitHub renders Mermaid). */
const DEFAULT_LIMIT = 30;
/**
 * Words the Gantt lexer reads as a statement when a line starts with them; a task named like
 * this would silently become a setting or a section.
 */
const LEADING_KEYWORD = /^(gantt|dateformat|inclusiveenddates|topaxis|axisformat|tickinterval|includes|excludes|todaymarker|weekday|weekend|title|accdescription|acctitle|accdescr|section|href|call|click|\d{4}-\d\d-\d\d)/i;
/**
 * Text that Mermaid shows as written. `:` ends a task's name, `#…;` is an entity code, `;` ends a
 * statement and `%` starts a comment, so those become entity codes (`#58;`), which Mermaid turns
 * back into the character when it draws. Line breaks become spaces.
 */
function mermaidText(text) {
    const flat = text.replace(/[\r\n\t]+/g, " ").trim();
    const escaped = flat.replace(/[#:;%]/g, (c) => `#${c.charCodeAt(0)};`);
    if (!escaped)
        return "(unnamed)";
    return LEADING_KEYWORD.test(escaped) ? `#${escaped.charCodeAt(0)};${escaped.slice(1)}` : escaped;
}
/**
 * A fenced `mermaid` Gantt block: one bar per copy, grouped by copy method, on a clock-time axis.
 * The copy that finished last is marked critical: it is the one that decided the total time.
 * With more than `limit` copies only the longest are drawn, and a line after the block says how
 * many were left out.
 */
function renderGantt(copies, options = {}) {
    const limit = Math.max(1, options.limit ?? DEFAULT_LIMIT);
    const duration = (c) => Math.max(0, c.endMs - c.startMs);
    const shown = [...copies]
        .sort((a, b) => duration(b) - duration(a) || a.startMs - b.startMs)
        .slice(0, limit)
        .sort((a, b) => a.startMs - b.startMs || duration(b) - duration(a) || a.name.localeCompare(b.name));
    const last = shown.reduce((l, c) => (!l || c.endMs > l.endMs ? c : l), undefined);
    const methods = [...new Set(shown.map((c) => c.method))];
    const lines = [
        "```mermaid",
        "gantt",
        ...(options.title ? [`  title ${mermaidText(options.title)}`] : []),
        // Epoch milliseconds in and clock time out: copies take seconds to minutes.
        "  dateFormat x",
        "  axisFormat %H:%M:%S",
        // The marker would sit at the time the summary is viewed, far right of any copy.
        "  todayMarker off",
    ];
    for (const method of methods) {
        lines.push(`  section ${mermaidText(method)}`);
        for (const c of shown.filter((x) => x.method === method)) {
            const start = Math.round(c.startMs);
            const end = Math.max(start, Math.round(c.endMs));
            lines.push(`    ${mermaidText(c.name)} :${c === last ? "crit, " : ""}${start}, ${end}`);
        }
    }
    lines.push("```");
    const left = copies.length - shown.length;
    if (left > 0) {
        lines.push("", `${left} shorter ${left === 1 ? "copy is" : "copies are"} not shown (the ${shown.length} longest are).`);
    }
    return lines.join("\n");
}

;// CONCATENATED MODULE: ../../packages/core/src/snapshot/summary.ts


/**
 * The end of a restore's or producer's job summary: one row per collection, then the timeline of
 * the copies, where the bar that ends last is the collection that decided the total time.
 */
function copiesSection(collections) {
    // A differential restore also says how each collection was judged, and how long that took.
    const checked = collections.some((c) => c.check);
    const rows = collections.map((c) => [
        c.name,
        c.documents,
        c.indexes,
        c.seconds.toFixed(2),
        c.method,
        ...(checked ? [checkText(c.check)] : []),
    ]);
    const parts = [
        (0,markdown/* table */.tp)(["collection", "documents", "indexes", "seconds", "method", ...(checked ? ["check"] : [])], rows),
    ];
    const timed = collections.flatMap((c) => c.startedAt !== undefined && c.endedAt !== undefined
        ? [{ name: c.name, method: c.method, startMs: c.startedAt, endMs: c.endedAt }]
        : []);
    if (timed.length)
        parts.push(renderGantt(timed));
    return `${parts.join("\n\n")}\n`;
}
function checkText(check) {
    if (!check)
        return "";
    const how = check.proof === "none" ? "" : `${check.proof}: `;
    return `${how}${check.reason} (${check.seconds.toFixed(2)} s)`;
}

;// CONCATENATED MODULE: ./src/direct.ts






/** The producer run here (mode: direct). Loaded on demand: kubernetes mode needs no MongoDB driver. */
async function runDirect(inputs, log) {
    const report = await runProducer({
        uri: inputs.uri,
        ...(inputs.sourceUri ? { sourceUri: inputs.sourceUri } : {}),
        appName: "pr-snapshots/trigger-producer",
    }, inputs, inputs, log);
    log.info(`${report.dryRun ? "Dry run: would copy" : `Published snapshot ${report.generation}:`} ${report.collections.length} collections, ` +
        `${report.documents} documents from ${report.sourceDatabase} in ${(report.durationMs / 1000).toFixed(1)}s.`);
    return {
        outputs: {
            "snapshot-timestamp": report.dryRun ? "" : report.timestamp.toISOString(),
            collections: report.collections.length,
            documents: report.documents,
            generation: report.dryRun ? "" : report.generation,
            "job-name": "",
        },
        summary: directSummary(report),
    };
}
/** The snapshot a Kubernetes job just published. */
async function readLatestSnapshot(uri, snapshotDatabase, log) {
    return client_withMongo({ uri, log, appName: "pr-snapshots/trigger-producer" }, async (client) => {
        const meta = await readSnapshotMetadata(client.db(snapshotDatabase));
        return meta?.status === "complete" ? meta : undefined;
    });
}
function directSummary(r) {
    const head = r.dryRun
        ? "### pr-snapshots: snapshot plan (dry run, nothing written)"
        : "### pr-snapshots: snapshot refreshed";
    const facts = [
        `${(0,markdown/* code */.aY)(r.sourceDatabase)} → ${(0,markdown/* code */.aY)(r.snapshotDatabase)}${r.dryRun ? "" : `, generation ${(0,markdown/* code */.aY)(r.generation)}, taken ${(0,markdown/* formatUtc */.ay)(r.timestamp)}`}`,
        `${r.collections.length} collections, ${r.documents} documents${r.views.length ? `, views recorded: ${r.views.join(", ")}` : ""}, ${(r.durationMs / 1000).toFixed(1)} s`,
        ...(r.previous ? [`Replaces the snapshot taken ${(0,markdown/* formatUtc */.ay)(r.previous.timestamp)}`] : []),
        ...(r.excluded.length ? [`Excluded: ${r.excluded.join(", ")}`] : []),
        ...(r.deletedGenerations.length ? [`Deleted old generations: ${r.deletedGenerations.join(", ")}`] : []),
    ];
    return `${head}\n\n${facts.map((f) => `- ${f}`).join("\n")}\n\n${policySection(r)}${copiesSection(r.collections)}`;
}
/** Which rules were applied to which collection, what was verified, and what each subset kept. */
function policySection(r) {
    const { masking } = r;
    const subsets = r.subsetRules ?? {};
    const names = [...new Set([...Object.keys(masking?.rules ?? {}), ...Object.keys(subsets)])].sort();
    if (!names.length)
        return "";
    const documents = Object.fromEntries(r.collections.map((c) => [c.name, c.documents]));
    const rows = names.map((c) => [
        c,
        (masking?.rules[c] ?? []).join(", ") || "—",
        subsets[c] ?? "all documents",
        documents[c] ?? "",
        masking?.unverified[c]?.length
            ? `verified except ${masking.unverified[c]?.join(", ")} (expr)`
            : masking?.rules[c] && !r.dryRun
                ? masking.verified
                    ? "verified"
                    : "not verified"
                : "",
    ]);
    const head = masking
        ? `Masking policy ${(0,markdown/* code */.aY)(shortPolicy(masking.policy))} (${masking.fields} masked paths)${r.dryRun ? "" : masking.verified ? ", verified against production before publishing" : ""}.`
        : "Subset rules applied.";
    return `${head}\n\n${(0,markdown/* table */.tp)(["collection", "masking", "subset", "documents kept", "proof"], rows)}\n\n`;
}


/***/ })

};
