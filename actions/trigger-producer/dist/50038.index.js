export const id = 50038;
export const ids = [50038];
export const modules = {

/***/ 8591:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  readLatestSnapshot: () => (/* binding */ readLatestSnapshot),
  runDirect: () => (/* binding */ runDirect)
});

// EXTERNAL MODULE: ../../packages/core/src/markdown.ts
var markdown = __webpack_require__(1233);
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
        throw explainConnectionError(error, parts, clientOptions.serverSelectionTimeoutMS ?? selectionTimeoutFromUri(options.uri));
    }
}
/** Connects, runs `fn`, and always closes the connection. */
async function withMongo(options, fn) {
    const client = await connectMongo(options);
    try {
        return await fn(client);
    }
    finally {
        await client.close();
    }
}
function explainConnectionError(error, parts, timeoutMs) {
    const where = (0,connection_string/* describeConnection */.If)(parts);
    if (error instanceof lib.MongoServerError && (error.code === 18 || error.codeName === "AuthenticationFailed")) {
        return new errors/* UserError */.yo(`MongoDB rejected the credentials for user "${parts.username ?? "(none)"}" at ${where}: authentication failed. ` +
            `Check the username and password in the mongodb-uri secret (and authSource, usually "admin").`);
    }
    if (error instanceof lib.MongoServerSelectionError) {
        return new errors/* UserError */.yo(`Could not reach MongoDB at ${where} within ${Math.round(timeoutMs / 1000)}s (${firstLine(error.message)}). ` +
            `Check the host in mongodb-uri and that this runner is allowed to connect (IP access list, firewall, VPN).`);
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

;// CONCATENATED MODULE: ../../packages/core/src/mongo/target.ts

const target_METADATA_COLLECTION = "snapshot_metadata";
/** CONTRACT §3 "init": the database exists, i.e. has at least one collection. */
async function databaseExists(client, database) {
    const found = await client
        .db(database)
        .listCollections({}, { nameOnly: true, authorizedCollections: true })
        .toArray();
    return found.length > 0;
}
/** Drops a PR database after the name check; dropping one that does not exist is not an error. */
async function dropTargetDatabase(client, database, policy, log) {
    assertWritableTarget(database, policy);
    const existed = await databaseExists(client, database);
    await client.db(database).dropDatabase();
    log.info(existed ? `Dropped database ${database}.` : `Database ${database} did not exist; nothing to drop.`);
    return { existed };
}
async function readPrMetadata(client, database) {
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

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
;// CONCATENATED MODULE: ../../packages/core/src/concurrency.ts
/** Runs `fn` over `items` with at most `limit` in flight; results keep the input order. */
async function mapBounded(items, limit, fn) {
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
    const results = await mapBounded(order, limit, ({ item }) => fn(item));
    const byIndex = new Array(items.length);
    order.forEach(({ index }, k) => {
        byIndex[index] = results[k];
    });
    return byIndex;
}

// EXTERNAL MODULE: ../../packages/core/src/names.ts
var names = __webpack_require__(5618);
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

;// CONCATENATED MODULE: ../../packages/core/src/mongo/copy.ts




function copy_collectionReport(r) {
    return { name: r.name, documents: r.documents, indexes: r.indexes, seconds: r.ms / 1000, method: r.method };
}
const COPY_COMMENT_PREFIX = "pr-snapshots copy into";
function copyComment(target, tag) {
    return `${COPY_COMMENT_PREFIX} ${target.db}.${target.collection} ${tag}`;
}
/**
 * Copies one collection with server-side `$out`, so documents never leave the cluster, and
 * keeps what `$out` alone loses: the target is created first with the source's options
 * (validator, collation, clustered index, ...), `$out` replaces it atomically while keeping
 * them, and the secondary indexes are built afterwards in one pass (faster than maintaining
 * them during the copy). The result is verified against the source spec and expected count.
 */
async function copy_copyCollection(ctx, request) {
    const { source, target, spec } = request;
    const started = Date.now();
    let attempts = 0;
    const method = await withRetry(async (attempt) => {
        attempts = attempt;
        return copyOnce(ctx, request);
    }, { attempts: ctx.attempts ?? 4, log: ctx.log, what: `Copy of ${source.db}.${source.collection}` });
    const db = ctx.client.db(target.db);
    const copied = await specs_readCollectionSpec(db, target.collection);
    const problems = compareSpecs({ ...spec, name: target.collection }, copied);
    const documents = await db.collection(target.collection).countDocuments({});
    if (request.expectedCount !== undefined && documents !== request.expectedCount) {
        problems.push(`has ${documents} documents, expected ${request.expectedCount}`);
    }
    if (problems.length) {
        throw new Error(`Verification of ${target.db}.${target.collection} (copied from ${source.db}.${source.collection}) failed: ${problems.join("; ")}.`);
    }
    return {
        name: spec.name,
        target,
        documents,
        indexes: spec.indexes.length,
        method,
        ms: Date.now() - started,
        attempts,
    };
}
async function copyOnce(ctx, { source, target, spec }) {
    (0,names/* assertWritableTarget */.Sf)(target.db, ctx.policy);
    const targetDb = ctx.client.db(target.db);
    const sourceColl = ctx.client.db(source.db).collection(source.collection);
    await copy_dropCollectionIfExists(ctx.client, target);
    let method;
    if (spec.type === "timeseries") {
        const timeseries = timeseriesOptions(spec.options.timeseries);
        const ttl = spec.options.expireAfterSeconds === undefined
            ? {}
            : { expireAfterSeconds: spec.options.expireAfterSeconds };
        if (ctx.timeseriesOut) {
            await sourceColl
                .aggregate([{ $out: { db: target.db, coll: target.collection, timeseries } }], aggregateOptions(ctx, target))
                .toArray();
            if (ttl.expireAfterSeconds !== undefined)
                await targetDb.command({ collMod: target.collection, ...ttl });
            method = "$out (time-series)";
        }
        else {
            await targetDb.createCollection(target.collection, { timeseries, ...ttl });
            await clientCopy(ctx, source, target, false);
            method = "client copy (time-series)";
        }
    }
    else if (spec.options.capped === true) {
        const capped = { capped: true, size: spec.options.size };
        if (spec.options.max !== undefined)
            capped.max = spec.options.max;
        await targetDb.createCollection(target.collection, { ...creatableOptions(spec), ...capped });
        await clientCopy(ctx, source, target, true);
        method = "client copy (capped)";
    }
    else {
        await targetDb.createCollection(target.collection, creatableOptions(spec));
        // Re-checked right before the write: nothing between the policy check and here may change the target.
        (0,names/* assertWritableTarget */.Sf)(target.db, ctx.policy);
        await sourceColl
            .aggregate([{ $out: { db: target.db, coll: target.collection } }], aggregateOptions(ctx, target))
            .toArray();
        method = "$out";
    }
    const indexes = indexSpecsFor(spec);
    if (indexes.length)
        await targetDb.command({ createIndexes: target.collection, indexes });
    return method;
}
function aggregateOptions(ctx, target) {
    return {
        // The source already passed its validator (or predates it); a copy must not re-judge it.
        bypassDocumentValidation: true,
        comment: copyComment(target, ctx.tag),
        ...(ctx.maxTimeMS ? { maxTimeMS: ctx.maxTimeMS } : {}),
    };
}
/** Capped and (before 7.0.3) time-series collections cannot be `$out` targets: copy through the driver. */
async function clientCopy(ctx, source, target, naturalOrder) {
    const cursor = ctx.client
        .db(source.db)
        .collection(source.collection)
        .find({}, { batchSize: 1000, ...(naturalOrder ? { sort: { $natural: 1 } } : {}) });
    const into = ctx.client.db(target.db).collection(target.collection);
    let batch = [];
    for await (const doc of cursor) {
        batch.push(doc);
        if (batch.length === 1000) {
            await into.insertMany(batch, { ordered: naturalOrder, bypassDocumentValidation: true });
            batch = [];
        }
    }
    if (batch.length)
        await into.insertMany(batch, { ordered: naturalOrder, bypassDocumentValidation: true });
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
async function copy_dropCollectionIfExists(client, ns) {
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
async function copy_createView(client, policy, targetDb, view) {
    assertWritableTarget(targetDb, policy);
    await copy_dropCollectionIfExists(client, { db: targetDb, collection: view.name });
    const options = { viewOn: view.options.viewOn, pipeline: view.options.pipeline ?? [] };
    if (view.options.collation)
        options.collation = view.options.collation;
    await client.db(targetDb).createCollection(view.name, options);
}
/**
 * A killed client does not stop its `$out`: the server finishes it and would then replace a
 * collection a later run has already copied. Stop such leftovers before copying again.
 */
async function copy_stopStaleCopies(client, targetDb, log, exceptTag) {
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
async function auditPrivileges(client, protectedDatabases) {
    const status = await client.db("admin").command({ connectionStatus: 1, showPrivileges: true });
    const info = status.authInfo;
    const users = info.authenticatedUsers.map((u) => `${u.user}@${u.db}`);
    if (users.length === 0) {
        // No user: either the server has no access control, or we are unauthenticated on one that has.
        try {
            await client.db("admin").command({ listDatabases: 1, nameOnly: true });
            return { accessControl: false, users, writableProtected: [], writesAnyDatabase: true };
        }
        catch (error) {
            if (error instanceof lib.MongoServerError && error.code === 13) {
                return { accessControl: true, users, writableProtected: [], writesAnyDatabase: false };
            }
            throw error;
        }
    }
    let writesAnyDatabase = false;
    const writable = new Set();
    for (const p of info.authenticatedUserPrivileges ?? []) {
        if (!p.actions.some((a) => WRITE_ACTIONS.has(a)))
            continue;
        if (p.resource.anyResource || p.resource.db === "")
            writesAnyDatabase = true;
        else if (p.resource.db && protectedDatabases.includes(p.resource.db))
            writable.add(p.resource.db);
    }
    const writableProtected = writesAnyDatabase ? [...protectedDatabases] : [...writable].sort();
    return { accessControl: true, users, writableProtected, writesAnyDatabase };
}

;// CONCATENATED MODULE: ../../packages/core/src/mongo/least-privilege.ts


/**
 * Refuses credentials that could write a protected database (production, snapshot, admin, ...):
 * the intended model gives each job only the rights it needs, so that a bug in any script
 * still cannot touch production. `allow` (allow-privileged-credentials) overrides it.
 */
async function least_privilege_assertLeastPrivilege(client, policy, log, options) {
    const protectedDbs = options.protectedOverride ?? [...policy.protected.keys()];
    const audit = await auditPrivileges(client, protectedDbs);
    if (!audit.accessControl) {
        log.warning("The MongoDB server has no access control: any client can write any database, production included. " +
            `Enable authentication and give these credentials ${options.intended}.`);
        return;
    }
    if (audit.users.length === 0) {
        throw new errors/* UserError */.yo("The MongoDB server requires authentication but mongodb-uri has no credentials. Put the user and password in the connection string.");
    }
    if (audit.writableProtected.length === 0) {
        log.info(`Credentials ${audit.users.join(", ")} cannot write any protected database: least privilege confirmed.`);
        return;
    }
    const what = audit.writesAnyDatabase ? "every database" : audit.writableProtected.join(", ");
    const message = `The credentials in mongodb-uri (${audit.users.join(", ")}) can write ${what}, including protected databases ` +
        `(${audit.writableProtected.join(", ")}). The intended model gives this job ${options.intended}, ` +
        "so that even a bug cannot modify production. Use such a user, or set allow-privileged-credentials: true to proceed anyway.";
    if (!options.allow)
        throw new errors/* RefusedError */.fk(message);
    log.warning(`${message} (proceeding: allow-privileged-credentials is true)`);
}

;// CONCATENATED MODULE: ../../packages/core/src/mongo/server.ts
async function serverVersion(client) {
    const info = await client.db("admin").command({ buildInfo: 1 });
    return info.versionArray ?? String(info.version).split(".").map(Number);
}
/** `$out` can write time-series collections from MongoDB 7.0.3. */
async function server_serverSupportsTimeseriesOut(client) {
    const [major = 0, minor = 0, patch = 0] = await serverVersion(client);
    return major > 7 || (major === 7 && (minor > 0 || patch >= 3));
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
    const db = client.db(snapshotDatabase);
    const prefix = `${g.generation}.`;
    const names = (await db.listCollections({}, { nameOnly: true }).toArray())
        .map((c) => c.name)
        .filter((n) => n.startsWith(prefix));
    for (const name of new Set([...g.physical, ...names]))
        await copy_dropCollectionIfExists(client, { db: snapshotDatabase, collection: name });
    await generations(db).deleteOne({ _id: g._id });
}

;// CONCATENATED MODULE: ../../packages/core/src/snapshot/lease.ts



const LEASE_ID = "producer-lease";
/**
 * Makes sure two producers (the weekly CronJob and an on-demand run, say) never write the same
 * snapshot database at once. The lease expires on its own if its holder dies, and is renewed
 * while the holder works.
 */
async function acquireLease(client, snapshotDatabase, holder, ttlMs) {
    const coll = client.db(snapshotDatabase).collection(target_METADATA_COLLECTION);
    const take = async () => {
        const now = new Date();
        await coll.updateOne({ _id: LEASE_ID, $or: [{ expiresAt: { $lt: now } }, { holder }] }, { $set: { holder, acquiredAt: now, expiresAt: new Date(now.getTime() + ttlMs) } }, { upsert: true });
    };
    try {
        await take();
    }
    catch (error) {
        if (error instanceof lib.MongoServerError && error.code === 11000) {
            const current = await coll.findOne({ _id: LEASE_ID });
            throw new errors/* UserError */.yo(`Another snapshot producer is running on ${snapshotDatabase} (since ${current?.acquiredAt?.toISOString() ?? "?"}; ` +
                `its lease expires at ${current?.expiresAt?.toISOString() ?? "?"} unless renewed). Wait for it to finish, then run again.`);
        }
        throw error;
    }
    const timer = setInterval(() => void take().catch(() => { }), Math.max(1_000, Math.floor(ttlMs / 3)));
    timer.unref();
    return {
        holder,
        async release() {
            clearInterval(timer);
            await coll.deleteOne({ _id: LEASE_ID, holder });
        },
    };
}

;// CONCATENATED MODULE: ../../packages/core/src/snapshot/restore.ts










/**
 * Replaces the PR database with a copy of the latest complete snapshot:
 * name check → least-privilege audit → wait for a complete snapshot → plan → copy every
 * collection with its options and indexes (bounded concurrency, retries) → views → verify →
 * the PR database's metadata document, written last.
 */
async function restoreSnapshot(req) {
    const started = Date.now();
    const { client, log, target } = req;
    assertWritableTarget(target, req.policy);
    const meta = await waitForCompleteSnapshot(client, req.snapshotDatabase, {
        timeoutMs: req.waitTimeoutMs,
        intervalMs: req.pollIntervalMs,
        log,
        ...(req.sleep ? { sleep: req.sleep } : {}),
        ...(req.snapshotLabel ? { snapshotLabel: req.snapshotLabel } : {}),
    });
    // The snapshot names its production database: never a target either.
    const policy = protectMore(req.policy, {
        [meta.source]: "the production database this snapshot was taken from",
    });
    assertWritableTarget(target, policy);
    await assertLeastPrivilege(client, policy, log, {
        allow: req.allowPrivilegedCredentials,
        intended: `read on "${req.snapshotDatabase}" and readWrite + dbAdmin on "${target}" only`,
    });
    const plan = await planRestore(client, req.snapshotDatabase, meta);
    const views = meta.views ?? [];
    log.info(`Snapshot of ${meta.source} taken ${meta.timestamp.toISOString()}${meta.generation ? ` (generation ${meta.generation})` : ""}: ` +
        `${plan.length} collections, ${plan.reduce((n, c) => n + c.documents, 0)} documents, ${views.length} views.`);
    const base = {
        database: target,
        snapshotDatabase: req.snapshotDatabase,
        snapshotTimestamp: meta.timestamp,
        source: meta.source,
        ...(meta.generation ? { generation: meta.generation } : {}),
        views: views.map((v) => v.name),
    };
    if (req.dryRun) {
        for (const c of plan) {
            log.info(`  would copy ${c.name}: ${c.documents} documents, indexes: ${c.spec.indexes.map((i) => i.name).join(", ") || "(none)"}`);
        }
        for (const v of views)
            log.info(`  would create view ${v.name} on ${v.viewOn}`);
        return {
            ...base,
            dryRun: true,
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
        };
    }
    // ---- writes start here; every one goes through assertWritableTarget(target, policy) ----
    const tag = randomUUID();
    await stopStaleCopies(client, target, log, tag);
    const targetDb = client.db(target);
    const metadata = targetDb.collection(METADATA_COLLECTION);
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
    const keep = new Set([...plan.map((c) => c.name), ...views.map((v) => v.name), METADATA_COLLECTION]);
    const existing = await targetDb.listCollections({}, { nameOnly: true }).toArray();
    const dropped = [];
    for (const { name } of existing) {
        if (keep.has(name) || name.startsWith("system."))
            continue;
        assertWritableTarget(target, policy);
        await dropCollectionIfExists(client, { db: target, collection: name });
        dropped.push(name);
    }
    if (dropped.length)
        log.info(`Dropped ${dropped.length} collection(s) not in the snapshot: ${dropped.join(", ")}.`);
    const timeseriesOut = await serverSupportsTimeseriesOut(client);
    const results = await mapLargestFirst(plan, (c) => c.bytes, req.concurrency, async (c) => {
        const result = await copyCollection({ client, policy, log, tag, timeseriesOut, ...(req.maxTimeMS ? { maxTimeMS: req.maxTimeMS } : {}) }, {
            source: { db: req.snapshotDatabase, collection: c.physical },
            target: { db: target, collection: c.name },
            spec: { ...c.spec, name: c.name },
            expectedCount: c.documents,
        });
        log.info(`  ✓ ${c.name}: ${result.documents} documents, ${result.indexes} indexes, ${(result.ms / 1000).toFixed(1)}s (${result.method})`);
        await req.onCollectionCopied?.(result);
        return result;
    });
    for (const v of views)
        await createVerifiedView(client, policy, target, v);
    for (const r of results) {
        await log.group(`${r.name}: ${r.documents} documents`, async () => {
            log.info(`method ${r.method}, ${r.indexes} secondary indexes, ${r.ms} ms, ${r.attempts} attempt(s)`);
        });
    }
    const counts = Object.fromEntries(results.map((r) => [r.name, r.documents]));
    assertWritableTarget(target, policy);
    await metadata.replaceOne({ _id: "latest" }, {
        _id: "latest",
        source: "snapshot",
        status: "complete",
        snapshotTimestamp: meta.timestamp,
        restoredAt: new Date(),
        collections: results.map((r) => r.name),
        counts,
        views: views.map((v) => v.name),
        snapshotDatabase: req.snapshotDatabase,
        productionDatabase: meta.source,
        ...(meta.generation ? { generation: meta.generation } : {}),
    }, { upsert: true });
    return {
        ...base,
        dryRun: false,
        collections: results.map(collectionReport),
        dropped,
        documents: results.reduce((n, r) => n + r.documents, 0),
        durationMs: Date.now() - started,
    };
}
/** What the snapshot holds, read before any write (and shown as the plan in a dry run). */
async function planRestore(client, snapshotDatabase, meta) {
    const db = client.db(snapshotDatabase);
    const viewNames = new Set((meta.views ?? []).map((v) => v.name));
    const plan = [];
    for (const name of meta.collections) {
        if (viewNames.has(name))
            continue;
        const physical = physicalName(meta, name);
        const spec = await readCollectionSpec(db, physical);
        if (!spec) {
            throw new UserError(`The snapshot lists collection "${name}" but ${snapshotDatabase}.${physical} does not exist` +
                `${meta.generation ? ` (generation ${meta.generation} may have been replaced meanwhile)` : ""}. ` +
                "Run the restore again; if it keeps failing, refresh the snapshot.");
        }
        if (spec.type === "view")
            continue;
        const documents = meta.counts?.[name] ?? (await db.collection(physical).countDocuments({}));
        plan.push({ name, physical, spec, documents, bytes: await dataSize(db, physical) });
    }
    return plan;
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














const PRODUCER_METHOD = "$out into generation collections, published atomically";
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
    await least_privilege_assertLeastPrivilege(client, policy, log, {
        allow: req.allowPrivilegedCredentials,
        intended: `read on "${source}" and readWrite + dbAdmin on "${snap}" only`,
    });
    const sourceSpecs = await readCollectionSpecs(client.db(source));
    if (sourceSpecs.length === 0) {
        throw new errors/* UserError */.yo(`The source database "${source}" has no collections these credentials can see. Check source-database and the user's read role.`);
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
    };
    if (req.dryRun) {
        for (const c of copies)
            log.info(`  would copy ${source}.${c.name} (${c.type}, ${c.indexes.length} secondary indexes)`);
        for (const v of views)
            log.info(`  would record view ${v.name} on ${v.viewOn}`);
        const counts = await Promise.all(copies.map((c) => client.db(source).collection(c.name).estimatedDocumentCount()));
        return {
            ...base,
            dryRun: true,
            collections: copies.map((c, i) => ({
                name: c.name,
                documents: counts[i] ?? 0,
                indexes: c.indexes.length,
                seconds: 0,
                method: "planned",
            })),
            documents: counts.reduce((a, b) => a + b, 0),
            durationMs: Date.now() - started,
            deletedGenerations: [],
        };
    }
    // ---- writes start here: only ever into the snapshot database ----
    const holder = (0,external_node_crypto_.randomUUID)();
    const lease = await acquireLease(client, snap, holder, (req.leaseSeconds ?? 120) * 1000);
    const genDocs = generations(client.db(snap));
    try {
        await copy_stopStaleCopies(client, snap, log, holder);
        await genDocs.insertOne({
            _id: generationId(generation),
            kind: "generation",
            generation,
            status: "writing",
            startedAt: timestamp,
            physical: copies.map((c) => physicalCollection(generation, c.name)),
            holder,
        });
        const timeseriesOut = await server_serverSupportsTimeseriesOut(client);
        let results;
        try {
            const sizes = new Map(await Promise.all(copies.map(async (c) => [c.name, await dataSize(client.db(source), c.name)])));
            results = await concurrency_mapLargestFirst(copies, (c) => sizes.get(c.name) ?? 0, req.concurrency, async (spec) => {
                const r = await copy_copyCollection({
                    client,
                    policy,
                    log,
                    tag: holder,
                    timeseriesOut,
                    ...(req.maxTimeMS ? { maxTimeMS: req.maxTimeMS } : {}),
                }, {
                    source: { db: source, collection: spec.name },
                    target: { db: snap, collection: physicalCollection(generation, spec.name) },
                    spec,
                });
                log.info(`  ✓ ${spec.name}: ${r.documents} documents, ${r.indexes} indexes, ${(r.ms / 1000).toFixed(1)}s (${r.method})`);
                return r;
            });
            const counts = Object.fromEntries(results.map((r) => [r.name, r.documents]));
            const refusal = sanityCheck(previous, counts, req.maxShrinkPercent);
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
                completedAt: now(),
            };
            // The publish: one document replaced, so readers switch from the old generation to the new one at once.
            await client
                .db(snap)
                .collection(target_METADATA_COLLECTION)
                .replaceOne({ _id: LATEST }, latest, { upsert: true });
        }
        catch (error) {
            await genDocs
                .updateOne({ _id: generationId(generation) }, { $set: { status: "failed", error: error.message } })
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
            collections: results.map(copy_collectionReport),
            documents: results.reduce((n, r) => n + r.documents, 0),
            durationMs: Date.now() - started,
            deletedGenerations,
        };
    }
    finally {
        await lease.release().catch(() => { });
    }
}
/** Why a new snapshot looks wrong compared with the previous one (an emptied or collapsed collection). */
function sanityCheck(previous, counts, maxShrinkPercent) {
    if (previous?.status !== "complete" || !previous.counts)
        return [];
    const problems = [];
    for (const [name, before] of Object.entries(previous.counts)) {
        if (!(name in counts) || before <= 0)
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

// EXTERNAL MODULE: ../../packages/core/src/snapshot/settings.ts
var settings = __webpack_require__(1014);
;// CONCATENATED MODULE: ./src/direct.ts





/** The producer run here (mode: direct). Loaded on demand: kubernetes mode needs no MongoDB driver. */
async function runDirect(inputs, log) {
    const report = await withMongo({ uri: inputs.uri, log, appName: "pr-snapshots/trigger-producer", maxPoolSize: inputs.concurrency + 4 }, (client) => produceSnapshot((0,settings/* produceRequest */.m_)(inputs, inputs, client, log)));
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
    return withMongo({ uri, log, appName: "pr-snapshots/trigger-producer" }, async (client) => {
        const meta = await readSnapshotMetadata(client.db(snapshotDatabase));
        return meta?.status === "complete" ? meta : undefined;
    });
}
function directSummary(r) {
    const rows = r.collections.map((c) => [c.name, c.documents, c.indexes, c.seconds.toFixed(2), c.method]);
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
    return `${head}\n\n${facts.map((f) => `- ${f}`).join("\n")}\n\n${(0,markdown/* table */.tp)(["collection", "documents", "indexes", "seconds", "method"], rows)}\n`;
}


/***/ })

};
