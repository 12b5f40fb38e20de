export const id = 14897;
export const ids = [14897];
export const modules = {

/***/ 5078:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  readDatabaseFacts: () => (/* binding */ readDatabaseFacts)
});

// EXTERNAL MODULE: ../../node_modules/.pnpm/mongodb@7.9.0/node_modules/mongodb/lib/index.js
var lib = __webpack_require__(2257);
// EXTERNAL MODULE: ../../packages/core/src/errors.ts
var errors = __webpack_require__(9179);
// EXTERNAL MODULE: ../../packages/core/src/mongo/connection-string.ts
var connection_string = __webpack_require__(599);
;// CONCATENATED MODULE: ../../packages/core/src/mongo/limits.ts



/**
 * What `auto` decides from the server's own answers. Pure, so that the rule is tested and
 * documented apart from the server:
 * - `serverStatus` answered with `atlasVersion` and without `storageEngine`: Atlas's shared tiers
 *   answer serverStatus with only a short list of fields (atlasVersion, connections, mem,
 *   metrics.atlas, ...; "Unsupported Commands in Atlas"), while every mongod, Atlas M10+ included,
 *   reports its storageEngine → atlas-shared;
 * - anything else, a refused serverStatus included (Atlas users on M10+ lack clusterMonitor) →
 *   self-managed limits, MongoDB's own.
 */
function decideServerLimits(facts) {
    const s = facts.serverStatus;
    const atlas = facts.atlasVersion ? `; Atlas ${facts.atlasVersion}` : "";
    if (s && s.atlasVersion !== undefined && s.storageEngine === undefined)
        return limitsOf("atlas-shared", `detected: serverStatus answers only Atlas's shared-tier fields (atlasVersion, no storageEngine)${atlas}`);
    if (s)
        return limitsOf("self-managed", `detected: serverStatus reports a storage engine of its own${atlas}`);
    return limitsOf("self-managed", `detected: serverStatus is not readable with these credentials (${facts.serverStatusRefused ?? "refused"}), which Atlas's shared tiers always answer${atlas}`);
}
const detected = new WeakMap();
const settings = new WeakMap();
/** Records the run's `server-limits` for a client (connectMongo does it), read by {@link serverLimitsOf}. */
function useServerLimits(client, setting) {
    settings.set(client, setting);
}
/** The limits every writer of this client checks its names against before its first write. */
function limits_serverLimitsOf(client, log) {
    return resolveServerLimits(client, settings.get(client) ?? "auto", log);
}
/**
 * The limits a run writes under: the setting's, or (auto) what the server says, read once per
 * client. Logged once, with how they were decided.
 */
async function resolveServerLimits(client, setting, log) {
    const fixed = limitsOfSetting(setting);
    if (fixed)
        return fixed;
    let pending = detected.get(client);
    if (!pending) {
        pending = detect(client).then((limits) => {
            log.info(`Server limits: ${limits.kind} (${limits.why}): database names ≤ ${limits.maxDatabaseNameBytes} bytes, namespaces ≤ ${limits.maxNamespaceBytes} bytes` +
                `${limits.maxTimeMS ? `, one aggregation ≤ ${limits.maxTimeMS / 1000} s` : ""}. Set server-limits to override.`);
            return limits;
        });
        detected.set(client, pending);
    }
    return pending;
}
async function detect(client) {
    const admin = client.db("admin");
    const facts = {};
    try {
        facts.serverStatus = await admin.command({ serverStatus: 1 });
    }
    catch (error) {
        if (!isRefusal(error))
            throw error;
        facts.serverStatusRefused = error.message.split("\n")[0];
    }
    try {
        const v = await admin.command({ atlasVersion: 1 });
        if (typeof v.atlasVersion === "string")
            facts.atlasVersion = v.atlasVersion;
    }
    catch (error) {
        if (!isRefusal(error))
            throw error;
    }
    return decideServerLimits(facts);
}

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
        if (options.serverLimits)
            useServerLimits(client, options.serverLimits);
        return client;
    }
    catch (error) {
        await client.close().catch(() => { });
        throw explainConnectionError(error, parts, clientOptions.serverSelectionTimeoutMS ?? selectionTimeoutFromUri(options.uri), options.input);
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

;// CONCATENATED MODULE: ../../packages/core/src/mongo/size.ts
/**
 * The size of one database. `dbStats` of a database that does not exist answers zeros, which
 * reads the same as an empty database: callers that need to know use the collection count.
 */
async function readDatabaseSize(client, database) {
    const s = await client.db(database).command({ dbStats: 1, scale: 1 });
    const n = (v) => (typeof v === "number" ? v : Number(v ?? 0)) || 0;
    const storageSize = n(s.storageSize);
    const indexSize = n(s.indexSize);
    return {
        dataSize: n(s.dataSize),
        storageSize,
        indexSize,
        onDisk: storageSize + indexSize,
        collections: n(s.collections),
    };
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
function isBookkeeping(collection) {
    return collection === target_METADATA_COLLECTION || collection === LEASE_COLLECTION;
}
/**
 * CONTRACT §3 "init": the database exists, i.e. has at least one collection. Our own
 * bookkeeping alone does not count (a lease taken by a drop, a lock record), unless it holds a
 * restore's (or the application's) `latest` record.
 */
async function databaseExists(client, database) {
    const names = (await client.db(database).listCollections({}, { nameOnly: true, authorizedCollections: true }).toArray()).map((c) => String(c.name));
    if (names.some((n) => !isBookkeeping(n)))
        return true;
    if (!names.includes(target_METADATA_COLLECTION))
        return false;
    return (await readPrMetadata(client, database)) !== undefined;
}
/**
 * CONTRACT §9: at most one restore, reset or drop writes a PR database at a time, whoever starts
 * it. Taking the lease is itself a write into the database, so the target rules come first.
 */
async function acquireWriterLease(o) {
    assertWritableTarget(o.database, o.policy);
    // The lease is the first write into the database: a name the server refuses fails here, clearly.
    const limits = await serverLimitsOf(o.client, o.log);
    const fix = "Use a shorter name: the database input, or a shorter db-prefix.";
    assertDatabaseFits(o.database, limits, "The PR database", fix);
    assertNamespaceFits(o.database, LEASE_COLLECTION, limits, fix);
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
async function dropTargetDatabase(client, database, policy, log, options = {}) {
    assertWritableTarget(database, policy);
    const existed = await databaseExists(client, database);
    const lease = options.lease ??
        (await acquireWriterLease({
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
    const existed = await databaseExists(client, database);
    await stopStaleCopies(client, database, log);
    assertWritableTarget(database, policy);
    await client.db(database).dropDatabase();
    log.info(`Dropped database ${database} (lease checked read-only).`);
    return { existed };
}
async function readPrMetadata(client, database) {
    const doc = await client
        .db(database)
        .collection(target_METADATA_COLLECTION)
        .findOne({ _id: "latest" });
    return doc ?? undefined;
}

// EXTERNAL MODULE: ../../packages/core/src/snapshot/consistency.ts
var consistency = __webpack_require__(2991);
;// CONCATENATED MODULE: ../../packages/core/src/snapshot/metadata.ts


const LATEST = "latest";
async function readSnapshotMetadata(db) {
    const doc = await db.collection(METADATA_COLLECTION).findOne({ _id: LATEST });
    return doc ?? undefined;
}
function physicalName(meta, logical) {
    return meta.physical?.[logical] ?? logical;
}
/** Polls until the snapshot's metadata says `complete`; on timeout, says the three ways out. */
async function waitForCompleteSnapshot(client, snapshotDatabase, options) {
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

;// CONCATENATED MODULE: ../../packages/core/src/snapshot/comment-facts.ts



const SHA256 = /^[0-9a-f]{64}$/;
/** Generation names as the producer makes them (generations.ts, newGenerationName). */
const GENERATION = /^g[0-9a-z_]{1,80}$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: a name with a control character is not shown.
const UNSHOWABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029$]/;
/** A collection name a comment can show: what MongoDB allows, without control characters. */
function showableCollectionName(name) {
    return (typeof name === "string" &&
        name.length > 0 &&
        Buffer.byteLength(name, "utf8") <= 255 &&
        !UNSHOWABLE.test(name) &&
        !name.startsWith("system."));
}
/**
 * The facts of a `latest` document, checked. Undefined when it is not a complete snapshot with
 * a valid timestamp (then there is nothing to say about it).
 */
function snapshotFacts(meta, log) {
    if (typeof meta !== "object" || meta === null)
        return undefined;
    const m = meta;
    if (m.status !== "complete" || !(m.timestamp instanceof Date) || Number.isNaN(m.timestamp.getTime()))
        return undefined;
    const facts = { timestamp: m.timestamp };
    const skipped = [];
    if (m.generation !== undefined) {
        if (typeof m.generation === "string" && GENERATION.test(m.generation))
            facts.generation = m.generation;
        else
            skipped.push("generation");
    }
    if (m.masking !== undefined) {
        const policy = m.masking?.policy;
        if (typeof policy === "string" && SHA256.test(policy))
            facts.maskingPolicy = policy;
        else
            skipped.push("masking.policy");
    }
    if (m.subset !== undefined) {
        const entries = typeof m.subset === "object" && m.subset !== null ? Object.entries(m.subset) : undefined;
        const valid = entries?.filter(([name, count]) => showableCollectionName(name) &&
            typeof count === "number" &&
            Number.isSafeInteger(count) &&
            count >= 0);
        if (entries && valid && valid.length === entries.length)
            facts.subset = Object.fromEntries(valid);
        else
            skipped.push("subset");
    }
    if (m.consistency !== undefined) {
        const c = (0,consistency/* readConsistency */.l$)(m);
        if (c.consistency)
            Object.assign(facts, c);
        else
            skipped.push("consistency");
    }
    if (skipped.length)
        log?.warning(`The snapshot metadata has ${skipped.join(", ")} in a form the comments do not show (not left out silently: ` +
            "run the snapshot producer again to rewrite it).");
    return facts;
}
/** The latest complete snapshot's facts, read from the snapshot database. */
async function readSnapshotFacts(client, snapshotDatabase, log) {
    const doc = await client
        .db(snapshotDatabase)
        .collection(target_METADATA_COLLECTION)
        .findOne({ _id: LATEST });
    return snapshotFacts(doc, log);
}

;// CONCATENATED MODULE: ./src/database-facts.ts




/**
 * What the comment shows about the PR database, in one connection: its size, and (for snapshot
 * data) when the data it holds was taken from production, else when the latest complete snapshot
 * was, and whether that data is masked or a subset. The snapshot's facts come from the snapshot
 * database only (checked in snapshot/comment-facts.ts): the PR database is written by the preview
 * application, so from it only which snapshot it holds is read, as a date and a generation name.
 * Loaded only when mongodb-uri is given (the driver is most of the start-up time).
 */
async function readDatabaseFacts(uri, database, snapshotDatabase, snapshotData, log) {
    return withMongo({ uri, log, appName: "pr-snapshots/post-preview-comment", serverSelectionTimeoutMS: 10_000 }, async (client) => {
        const facts = {};
        try {
            const size = await readDatabaseSize(client, database);
            if (size.collections > 0)
                facts.size = size;
        }
        catch (error) {
            log.warning(`Could not read the size of ${database} (dbStats: ${error.message}); the comment shows no size.`);
        }
        if (!snapshotData)
            return facts;
        const latest = snapshotDatabase ? await readSnapshotFacts(client, snapshotDatabase, log) : undefined;
        const held = await heldSnapshot(client, database);
        if (held && !(latest && sameSnapshot(held, latest))) {
            // The database holds another snapshot than the latest: its date is all that is known
            // for certain; the latest snapshot's masking, subset and consistency facts are not about this data.
            facts.snapshotTimestamp = held.timestamp;
            return facts;
        }
        if (!latest)
            return facts;
        facts.snapshotTimestamp = latest.timestamp;
        if (latest.maskingPolicy)
            facts.maskingPolicy = latest.maskingPolicy;
        if (latest.subset)
            facts.subset = latest.subset;
        if (latest.consistency)
            facts.consistency = latest.consistency;
        if (latest.consistentAtDate)
            facts.consistentAtDate = latest.consistentAtDate;
        return facts;
    });
}
/** Which snapshot the PR database's last complete restore copied, if it says so in a checkable form. */
async function heldSnapshot(client, database) {
    const restored = await readPrMetadata(client, database).catch(() => undefined);
    const timestamp = restored?.snapshotTimestamp;
    if (restored?.status !== "complete" || !(timestamp instanceof Date) || Number.isNaN(timestamp.getTime()))
        return undefined;
    return {
        timestamp,
        ...(typeof restored.generation === "string" ? { generation: restored.generation } : {}),
    };
}
function sameSnapshot(held, latest) {
    if (held.generation !== undefined && latest.generation !== undefined)
        return held.generation === latest.generation;
    return held.timestamp.getTime() === latest.timestamp.getTime();
}


/***/ }),

/***/ 2991:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   l$: () => (/* binding */ readConsistency),
/* harmony export */   lo: () => (/* binding */ CONSISTENCY_SETTINGS)
/* harmony export */ });
/* unused harmony exports planConsistency, classifyEvent, consistencyMetadata */

/**
 * Snapshot consistency (CONTRACT §13), the decisions without I/O: which consistency a run aims
 * for, and what each change-stream event means for a snapshot being taken.
 *
 * - `point-in-time`: every collection as of one cluster time. The producer notes the time before
 *   the first copy, watches production's change stream, copies as usual, then copies again the
 *   documents that changed, as of a later cluster time (snapshot/catch-up.ts).
 * - `per-collection`: each collection as of its own copy, as before (standalone servers have no
 *   change streams).
 */
const CONSISTENCY_SETTINGS = ["auto", "point-in-time", "per-collection"];
function planConsistency(setting, topology, source) {
    if (setting === "per-collection")
        return { track: false, required: false, reason: "consistency is set to per-collection" };
    if (topology === "standalone") {
        if (setting === "point-in-time")
            throw new UserError(`consistency: point-in-time needs a replica set or a sharded cluster (change streams and snapshot reads), but the server holding "${source}" is a standalone mongod. ` +
                "Use consistency: auto (per-collection on standalone servers) or per-collection, or convert the server to a one-member replica set. Nothing was copied.");
        return {
            track: false,
            required: false,
            reason: `the server holding "${source}" is a standalone mongod (no change streams)`,
        };
    }
    return { track: true, required: setting === "point-in-time" };
}
/**
 * What one change event of production's database means for the snapshot. Event types are those
 * of MongoDB 6.0 with `showExpandedEvents` (create, createIndexes, dropIndexes, modify, rename,
 * drop, dropDatabase, shardCollection, invalidate, and the document events); later servers add
 * reshardCollection and refineCollectionShardKey, which change where documents live, not what
 * they are.
 */
function classifyEvent(event, names) {
    const e = event;
    const type = String(e.operationType);
    const coll = typeof e.ns?.coll === "string" ? e.ns.coll : undefined;
    const inSnapshot = (c) => c !== undefined && (names.copied.has(c) || names.views.has(c));
    switch (type) {
        case "insert":
        case "update":
        case "replace":
        case "delete":
            if (coll && names.copied.has(coll) && e.documentKey && "_id" in e.documentKey)
                return { kind: "document", collection: coll, id: e.documentKey._id };
            return { kind: "ignore" };
        case "createIndexes":
        case "dropIndexes":
        case "modify":
            if (coll && names.copied.has(coll))
                return {
                    kind: "restart",
                    collection: coll,
                    why: type === "modify" ? "its options changed (collMod)" : `${type} ran on it`,
                };
            if (coll && names.views.has(coll))
                return { kind: "fatal", collection: coll, why: `the view ${coll} was redefined (collMod)` };
            return { kind: "ignore" };
        case "drop":
            return inSnapshot(coll)
                ? { kind: "fatal", collection: coll, why: `${coll} was dropped` }
                : { kind: "ignore" };
        case "rename": {
            const to = typeof e.to?.coll === "string" ? e.to.coll : undefined;
            if (inSnapshot(coll))
                return { kind: "fatal", collection: coll, why: `${coll} was renamed to ${to ?? "?"}` };
            if (inSnapshot(to))
                return {
                    kind: "fatal",
                    collection: to,
                    why: `${coll ?? "another collection"} was renamed over ${to}`,
                };
            return { kind: "ignore" };
        }
        case "dropDatabase":
            return { kind: "fatal", why: "the production database was dropped" };
        case "invalidate":
            return {
                kind: "fatal",
                why: "the change stream was invalidated (the database was dropped or renamed)",
            };
        default:
            // create (a collection the snapshot did not select), shardCollection, reshardCollection,
            // refineCollectionShardKey: nothing the snapshot holds changes.
            return { kind: "ignore" };
    }
}
/** What the snapshot metadata records about consistency (CONTRACT §13). */
function consistencyMetadata(c) {
    return c.consistency === "point-in-time" && c.consistentAt
        ? {
            consistency: "point-in-time",
            consistentAt: c.consistentAt,
            ...(c.consistentAtDate ? { consistentAtDate: c.consistentAtDate } : {}),
        }
        : { consistency: "per-collection" };
}
/**
 * What a snapshot's metadata says about its consistency, read defensively (it comes from a
 * database): only a known consistency and a real Date are taken.
 */
function readConsistency(meta) {
    const consistency = meta?.consistency === "point-in-time" || meta?.consistency === "per-collection"
        ? meta.consistency
        : undefined;
    const date = meta?.consistentAtDate;
    return {
        ...(consistency ? { consistency } : {}),
        ...(consistency === "point-in-time" && date instanceof Date && !Number.isNaN(date.getTime())
            ? { consistentAtDate: date }
            : {}),
    };
}


/***/ })

};
