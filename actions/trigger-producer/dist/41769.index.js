export const id = 41769;
export const ids = [41769];
export const modules = {

/***/ 6742:
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
// EXTERNAL MODULE: ../../packages/core/src/mongo/limit-names.ts
var limit_names = __webpack_require__(6291);
;// CONCATENATED MODULE: ../../packages/core/src/mongo/refusal.ts

/**
 * Managed servers refuse commands that self-managed ones run: Atlas's free and Flex tiers answer
 * "`<command>` is not allowed or the syntax is incorrect" (AtlasError, 8000), a least-privilege
 * user gets Unauthorized (13), other MongoDB-compatible services say "command not found" or
 * "not supported", and an aggregation stage they lack is "Unrecognized pipeline stage name".
 * (Atlas's older shared-tier proxy said "CMD_NOT_ALLOWED: <command>".) A refusal is decided from
 * what the error says, not from its code alone: AtlasError also carries quota and syntax errors,
 * and a network or server failure must keep failing as it does today.
 *
 * Which commands may be refused without failing a run (best-effort) and which may not (essential)
 * is one table, in the README's "Where it runs": essential are the copy itself (aggregate with
 * $out/$merge, find/getMore, insert), create/createIndexes/collMod/drop/dropDatabase, the metadata
 * and lease writes, listCollections/listIndexes, and connectionStatus for the privilege audit
 * (refused: the run stops unless allow-privileged-credentials, see least-privilege.ts); best-effort
 * are $currentOp/killOp (copy/stale.ts), hostInfo and buildInfo (mongo/server.ts), $collStats
 * (snapshot/restore.ts dataSize), dbStats (mongo/size.ts callers), serverStatus and atlasVersion
 * (mongo/limits.ts), dbHash (differential proofs).
 */
const REFUSAL_CODE_NAMES = new Set([
    "Unauthorized",
    "CommandNotFound",
    "CommandNotSupported",
    "CommandNotSupportedOnView",
    "NotImplemented",
    "IllegalOperation",
]);
const REFUSAL_TEXT = /\bis not allowed\b|\bCMD_NOT_ALLOWED\b|\bnot authori[sz]ed\b|\bno such (?:command|cmd)\b|\bcommand not found\b|\bnot supported\b|\bunsupported\b|\bunrecognized pipeline stage\b|\bunknown (?:command|operator)\b/i;
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
    if (o.expected)
        o.log.info(`Not available with these credentials: ${o.skipped} (${said}); ${o.cost}.`);
    else
        o.log.warning(`This server refused ${o.skipped} (${said}): skipped; ${o.cost}.`);
}

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
        return (0,limit_names/* limitsOf */.Af)("atlas-shared", `detected: serverStatus answers only Atlas's shared-tier fields (atlasVersion, no storageEngine)${atlas}`);
    if (s)
        return (0,limit_names/* limitsOf */.Af)("self-managed", `detected: serverStatus reports a storage engine of its own${atlas}`);
    return (0,limit_names/* limitsOf */.Af)("self-managed", `detected: serverStatus is not readable with these credentials (${facts.serverStatusRefused ?? "refused"}), which Atlas's shared tiers always answer${atlas}`);
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
    const fixed = (0,limit_names/* limitsOfSetting */.S4)(setting);
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

;// CONCATENATED MODULE: ../../packages/core/src/mongo/cluster-time.ts

/** What the server says it is (`hello`): change streams and snapshot reads need a replica set or mongos. */
async function topologyOf(client) {
    const hello = await client.db("admin").command({ hello: 1 });
    if (hello.msg === "isdbgrid")
        return "sharded cluster";
    if (typeof hello.setName === "string")
        return "replica set";
    return "standalone";
}
/**
 * The deployment's latest cluster time as this client sees it: the `operationTime` of a
 * read-only command. Every write that a later read can see has this time or a later one.
 */
async function cluster_time_clusterTimeNow(db) {
    const reply = await db.command({ ping: 1 });
    const time = reply.operationTime;
    if (!(time instanceof lib.Timestamp))
        throw new Error("The server did not report a cluster time (operationTime): it is not a replica set member.");
    return time;
}
function compareTimes(a, b) {
    return a.t - b.t || a.i - b.i;
}
/** The wall-clock second a cluster time stands for (its seconds part). */
function timeToDate(time) {
    return new Date(time.t * 1000);
}
function formatTime(time) {
    return `Timestamp(${time.t}, ${time.i})`;
}
/**
 * The cluster time a change stream's resume token stands for. Since MongoDB 4.0.7 `_data` is the
 * hex of a KeyString whose first value is the event's (or, for the post-batch token of an empty
 * batch, the high-water mark's) cluster time: type byte 130 (Timestamp), then seconds and
 * increment as two big-endian 32-bit numbers. It is how the producer knows that every event up to
 * a time has been read, and nothing else is taken from the token.
 */
function resumeTokenTime(token) {
    const data = token?._data;
    if (typeof data !== "string" || !/^82[0-9a-fA-F]{16}/.test(data))
        return undefined;
    const bytes = Buffer.from(data.slice(2, 18), "hex");
    return new lib.Timestamp({ t: bytes.readUInt32BE(0), i: bytes.readUInt32BE(4) });
}
/**
 * A session whose reads (`find`, `aggregate` and their `getMore`s) see the deployment as of
 * `time`: readConcern `snapshot` with `atClusterTime`. The drivers' snapshot-session spec lets an
 * application give that time when it starts the session (DRIVERS-2782, `snapshotTime`); the Node
 * driver does not take it as an option yet, but it sends the session's `snapshotTime` as
 * `atClusterTime` with every read (the property it records after a snapshot session's first
 * read), so it is set before the first read. `aggregate`'s own `readConcern` option cannot carry
 * the time: the driver keeps only its level.
 */
function snapshotSession(client, time) {
    const session = client.startSession({ snapshot: true });
    session.snapshotTime = time;
    return session;
}
/**
 * The server cannot read as of that time: SnapshotTooOld (239, its history window has passed) or
 * SnapshotUnavailable (246, e.g. a collection's catalog changed after it). A later time can work.
 */
function isSnapshotMissed(error) {
    const e = error;
    return (e?.code === 239 ||
        e?.codeName === "SnapshotTooOld" ||
        e?.code === 246 ||
        e?.codeName === "SnapshotUnavailable");
}
/** ChangeStreamHistoryLost (286): the oplog no longer holds the change stream's start. */
function isHistoryLost(error) {
    const e = error;
    return e?.code === 286 || e?.codeName === "ChangeStreamHistoryLost";
}

;// CONCATENATED MODULE: ../../packages/core/src/snapshot/consistency-summary.ts


/** One line: what moment the snapshot holds (for the log, the summary's facts and the command line). */
function consistencyLine(c) {
    if (c.consistency === "point-in-time" && c.consistentAt)
        return `Point in time: every collection as of ${(0,markdown/* formatUtc */.ay)(c.consistentAtDate)} (cluster time ${formatTime(c.consistentAt)})`;
    return `Per-collection: each collection as of its own copy${c.reason ? ` (${c.reason})` : ""}`;
}
/** The job summary's consistency section: the line, then what the catch-up read again and what it cost. */
function consistencySection(c, totalMs) {
    const parts = [`**Consistency.** ${consistencyLine(c)}.`];
    const u = c.catchUp;
    if (u) {
        const share = totalMs > 0 ? ` (${((100 * u.ms) / totalMs).toFixed(1)} % of the run)` : "";
        parts.push(`Change stream watched from ${(0,markdown/* formatUtc */.ay)(timeOf(u.startedAt.t))} (${u.events} events). ` +
            `The catch-up read ${u.documents} changed document(s) again (${u.removed} no longer in the snapshot) ` +
            `in ${u.passes.length} pass(es), ${(u.ms / 1000).toFixed(1)} s${share}` +
            (u.restarted.length
                ? `; copied again whole after index or option changes: ${u.restarted.map(markdown/* code */.aY).join(", ")}`
                : "") +
            ".");
        const rows = Object.entries(u.changed)
            .filter(([, n]) => n > 0)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([name, n]) => [name, n, u.counts[name] ?? ""]);
        if (rows.length)
            parts.push((0,markdown/* table */.tp)(["collection", "changed documents read again", "documents now"], rows));
        if (u.passes.length > 1)
            parts.push((0,markdown/* table */.tp)(["pass", "read", "documents", "removed", "seconds"], u.passes.map((p, i) => [
                i + 1,
                p.kind === "point-in-time"
                    ? `as of ${formatTime(p.at)}${p.missed ? " (window missed)" : ""}`
                    : "latest data",
                p.documents,
                p.removed,
                (p.ms / 1000).toFixed(2),
            ])));
    }
    return `${parts.join("\n\n")}\n\n`;
}
const timeOf = (seconds) => new Date(seconds * 1000);

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
;// CONCATENATED MODULE: ../../packages/core/src/mongo/target.ts






const target_METADATA_COLLECTION = "snapshot_metadata";
/**
 * The one-writer lease of a PR database lives in a collection of its own, so that a sweeper can
 * be granted writes on exactly this collection name in every database and nothing else.
 */
const target_LEASE_COLLECTION = "pr_snapshots_lease";
const WRITER_LEASE_ID = "writer";
/** Collections every PR database may hold besides the application's data. */
function target_isBookkeeping(collection) {
    return collection === target_METADATA_COLLECTION || collection === target_LEASE_COLLECTION;
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
    // The lease is the first write into the database: a name the server refuses fails here, clearly.
    const limits = await serverLimitsOf(o.client, o.log);
    const fix = "Use a shorter name: the database input, or a shorter db-prefix.";
    assertDatabaseFits(o.database, limits, "The PR database", fix);
    assertNamespaceFits(o.database, target_LEASE_COLLECTION, limits, fix);
    return acquireLease({
        collection: o.client.db(o.database).collection(target_LEASE_COLLECTION),
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
        .collection(target_LEASE_COLLECTION)
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
;// CONCATENATED MODULE: ../../packages/core/src/throttle/monitor.ts

/**
 * The throttle's own small client (throttle: auto), so that its reads never queue behind the
 * copy's connections (a copy waiting for a majority holds its connection until it comes):
 * hello, the probe, serverStatus, and killOp on abort, one connection each at most.
 */
async function monitor_withThrottleMonitor(o, throttle, fn) {
    if (!throttle || throttle.mode === "off")
        return fn(undefined);
    return client_withMongo({
        uri: o.uri,
        log: o.log,
        appName: `${o.appName} (throttle)`,
        maxPoolSize: 4,
        ...(o.input ? { input: o.input } : {}),
    }, fn);
}

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
/**
 * `$out` can write time-series collections from MongoDB 7.0.3. Best-effort: a server that refuses
 * buildInfo gets one warning, and time-series collections are streamed (which every version can).
 */
async function serverSupportsTimeseriesOut(client, log) {
    const version = log
        ? await bestEffort(() => serverVersion(client), {
            log,
            skipped: "reading the server version (buildInfo)",
            cost: "time-series collections are copied through the runner instead of by $out",
        })
        : await serverVersion(client);
    if (!version)
        return false;
    const [major = 0, minor = 0, patch = 0] = version;
    return major > 7 || (major === 7 && (minor > 0 || patch >= 3));
}
/**
 * The server's core count from `hostInfo`, which least-privilege users are often not allowed to
 * run (it needs the hostInfo action, e.g. from clusterMonitor) and Atlas's shared tiers refuse:
 * then undefined, and the caller falls back to its concurrency setting (and says so, once). A
 * failure that is not a refusal (the network) fails as any other command would.
 */
async function serverCores(client) {
    try {
        const info = await client.db("admin").command({ hostInfo: 1 });
        const cores = Number(info.system?.numCores);
        return Number.isFinite(cores) && cores > 0 ? cores : undefined;
    }
    catch (error) {
        if (isRefusal(error))
            return undefined;
        throw error;
    }
}

;// CONCATENATED MODULE: ../../packages/core/src/mongo/specs.ts

/**
 * listCollections and listIndexes read without promoting any value: a key pattern `{email: 1.0}`
 * (a Double, as mongosh and Atlas's sample data write it) stays a Double instead of becoming the
 * JavaScript number 1 and being written back as an Int32; a Long `expireAfterSeconds`, an Int32
 * `2dsphereIndexVersion` or a Decimal128 in a partial filter keep their types too. What is read is
 * what is recreated and what is compared, byte for byte.
 */
const RAW = { promoteValues: false, promoteLongs: false, promoteBuffers: false, bsonRegExp: true };
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
    const infos = await db.listCollections(filter, { authorizedCollections: true, ...RAW }).toArray();
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
    const all = await db.collection(collection).listIndexes(RAW).toArray();
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
async function splitById(collection, k, comment, maxTimeMS) {
    if (k <= 1)
        return [{}];
    const sample = await collection
        .aggregate(
    // $sample may return a document twice: group before sorting so that bounds are distinct.
    [{ $sample: { size: k * SAMPLES_PER_RANGE } }, { $group: { _id: "$_id" } }, { $sort: { _id: 1 } }], {
        ...(comment ? { comment } : {}),
        ...(maxTimeMS ? { maxTimeMS } : {}),
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
const SEARCH = {
    skipped: "the search for leftover copies of a killed run ($currentOp)",
    cost: "leftover copies of a killed run cannot be found on this server: the one-writer lease still applies, " +
        "and a server-side copy that a killed run left running can still finish into this database",
};
const STOP = {
    skipped: "stopping a leftover copy of a killed run (killOp)",
    cost: "it runs on the server until it finishes by itself; the one-writer lease still applies",
};
/**
 * A killed client does not stop its `$out` or `$merge`: the server finishes it and would then
 * replace or fill a collection a later run has already copied. Stop such leftovers before
 * copying again (only the caller's own operations are visible without extra privileges, which
 * is enough: every run of one PR database uses the same credentials).
 *
 * Best-effort (README "Where it runs"): servers that refuse `$currentOp` (some MongoDB-compatible
 * services) or `killOp` get one warning saying what is skipped, and the run goes on.
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
    const stale = await bestEffort(find, { log, ...SEARCH });
    if (!stale)
        return 0;
    for (const op of stale) {
        log.warning(`Stopping an unfinished copy from an earlier run: ${String(op.command?.comment)} (opid ${op.opid}).`);
        await bestEffort(() => client.db("admin").command({ killOp: 1, op: op.opid }), { log, ...STOP }).catch(() => { });
    }
    for (let i = 0; i < 100 && stale.length && ((await bestEffort(find, { log, ...SEARCH })) ?? []).length; i++)
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
    await inPool(o.ranges, o.readers ?? o.ranges.length, async (range, i) => {
        if (i > 0)
            await o.betweenRanges?.(i);
        await readRange(o, range, totals);
    });
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
        ...(o.session ? { session: o.session } : {}),
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
/** Runs `fn` over `items`, at most `workers` at once, in order of index; the first failure stops new work. */
async function inPool(items, workers, fn) {
    let next = 0;
    let failed = false;
    const worker = async () => {
        while (!failed && next < items.length) {
            const i = next++;
            try {
                await fn(items[i], i);
            }
            catch (error) {
                failed = true;
                throw error;
            }
        }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(workers, items.length)) }, worker));
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
function swap_temporaryCollectionName(token = (0,external_node_crypto_.randomBytes)(4).toString("hex")) {
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











/** Chunk size under a server's time cap when none is set: at 0.25 MB/s it still takes < 300 s. */
const DEFAULT_CAPPED_CHUNK_MB = 64;
/**
 * The environment of a run's copies (restore or producer): what the target server can do, read
 * once. A user without the hostInfo privilege cannot read the core count: then the engine splits
 * large collections into `concurrency` ranges, and the log says so.
 */
async function engine_copyEnvironment(o) {
    const cores = await serverCores(o.target);
    // Under a server's cap on one aggregation (Atlas shared tiers: 300 s), every aggregation carries
    // a time limit no higher than the cap, and no single one copies more than a bounded chunk.
    const capped = [o.limits, o.sourceLimits].find((l) => l?.maxTimeMS);
    const maxTimeMS = (0,limit_names/* cappedMaxTimeMS */.p1)(o.maxTimeMS, capped);
    const chunkMb = o.chunkMb ?? (capped ? DEFAULT_CAPPED_CHUNK_MB : undefined);
    if (capped)
        o.log.info(`Each aggregation is limited to ${(maxTimeMS ?? 0) / 1000} s (${capped.why}): collections over ${chunkMb} MB are copied in bounded chunks.`);
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
        timeseriesOut: await serverSupportsTimeseriesOut(o.target, o.log),
        ...(cores === undefined ? {} : { cores }),
        method: o.method ?? "auto",
        rangeThresholdBytes: (o.rangeThresholdMb ?? methods/* DEFAULT_RANGE_THRESHOLD_MB */.I8) * 1024 * 1024,
        ...(o.progress ? { progress: o.progress } : {}),
        ...(o.guard ? { guard: o.guard } : {}),
        ...(maxTimeMS ? { maxTimeMS } : {}),
        ...(chunkMb ? { chunkBytes: chunkMb * 1024 * 1024 } : {}),
        ...(o.betweenChunks ? { betweenChunks: o.betweenChunks } : {}),
        ...(o.beforeCopy ? { beforeCopy: o.beforeCopy } : {}),
        ...(o.stopped ? { stopped: o.stopped } : {}),
        ...(typeof (await o.target.db("admin").command({ hello: 1 })).setName === "string"
            ? { replicaSet: true }
            : {}),
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
        ? { db: target.db, collection: swap_temporaryCollectionName() }
        : target;
    const startedAt = Date.now();
    // Admitted first (a throttle may hold the copy back): a copy waiting for its turn is not shown
    // as in progress; retries are admitted again.
    let admitted = await env.beforeCopy?.(spec.name);
    const choice = (0,methods/* chooseMethod */.jN)({
        type: spec.type === "timeseries" ? "timeseries" : "collection",
        capped: spec.options.capped === true,
        bytes: request.bytes,
        sameDeployment: env.sameDeployment,
        timeseriesOut: env.timeseriesOut,
        cores: env.cores,
        concurrency: env.concurrency,
        rangeThresholdBytes: env.rangeThresholdBytes,
        setting: request.snapshot ? "stream" : env.method,
        ...(env.minRangeBytes !== undefined ? { minRangeBytes: env.minRangeBytes } : {}),
        ...(env.chunkBytes !== undefined ? { chunkBytes: env.chunkBytes } : {}),
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
            const ended = attempt === 1 ? admitted : await env.beforeCopy?.(spec.name);
            admitted = undefined;
            await copyOnce(env, into === target ? request : { ...request, target: into }, choice, task)
                .catch((error) => {
                throw env.stopped?.() ?? error;
            })
                .finally(() => ended?.());
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
        admitted?.();
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
        // On a replica set, a build commits on a majority: with the default (every voting member) it
        // waits, without end, for a member that is down (found by the primary-SIGKILL fault test).
        await targetDb.command({
            createIndexes: target.collection,
            indexes,
            ...(env.replicaSet ? { commitQuorum: "majority" } : {}),
        });
    };
    /** Streams through this process: only the ranges, the order and the stages vary between uses. */
    const chunks = choice.chunks ?? choice.parallelism;
    const between = (index) => env.betweenChunks?.({ collection: spec.name, chunk: index, chunks }) ?? Promise.resolve();
    const stream = async (o) => {
        const r = await streamCopy({
            source: sourceColl,
            target: targetColl,
            pipeline: o.stages ?? pipeline,
            ranges: o.ranges,
            ordered: o.ordered,
            ...(o.readers ? { readers: o.readers } : {}),
            ...(o.betweenRanges ? { betweenRanges: o.betweenRanges } : {}),
            comment,
            beforeWrite,
            ...(env.maxTimeMS ? { maxTimeMS: env.maxTimeMS } : {}),
            ...(task ? { task } : {}),
            ...(request.variables ? { variables: request.variables } : {}),
            ...(request.snapshot ? { session: request.snapshot } : {}),
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
        // Indexes first: maintaining them during K parallel inserts beats one single-threaded build
        // afterwards. Chunks one at a time build them last, as $out does (methods.ts, indexesLast).
        if (!choice.indexesLast)
            await buildIndexes();
        task?.phase("copying");
        const perDocument = request.documents > 0 ? request.bytes / request.documents : 0;
        task?.setProbe(async () => {
            const documents = await targetColl.estimatedDocumentCount();
            return { documents, bytes: Math.round(documents * perDocument) };
        });
        const ranges = await splitById(sourceColl, chunks, comment, env.maxTimeMS);
        await inPool(ranges, choice.parallelism, async (range, index) => {
            if (index > 0)
                await between(index);
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
        });
        if (await sourceColl.findOne({ _id: null }, { projection: { _id: 1 } })) {
            await stream({ ranges: [{}], ordered: false, stages: [{ $match: { _id: null } }, ...pipeline] });
        }
        task?.setProbe(undefined);
        if (choice.indexesLast) {
            await between(chunks);
            await buildIndexes();
        }
        return;
    }
    // stream: through the runner (another deployment, or forced), indexes afterwards as mongorestore does.
    const ranges = await splitById(sourceColl, chunks, comment, env.maxTimeMS);
    await stream({ ranges, ordered: false, readers: choice.parallelism, betweenRanges: between });
    if (choice.chunks)
        await between(chunks);
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
                note: this.o.note?.(),
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
        (p.inFlight.length ? `; in progress: ${p.inFlight.join(", ")}` : "") +
        (p.note ? `; ${p.note}` : ""));
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

;// CONCATENATED MODULE: ../../packages/core/src/masking/key.ts

/** Binds the derived value to this one use: a masking key of pr-snapshots, version 1. */
const LABEL = "pr-snapshots/masking-key/v1";
/**
 * The value the server receives in place of the masking salt: HMAC-SHA256(salt, label, policy
 * hash), as hex. The keyed strategies run on the server (`$toHashedIndexKey` in the copy's
 * pipeline), so they need a key there, and the server may record the command that carries it (the
 * profiler, a slow-query log line, an audit log). What such a record can expose is this key: the
 * salt cannot be computed from it (HMAC is one-way in its key), and the key of another policy
 * (other rules, another collection's masking) cannot be computed from it either. Someone holding
 * this key and a snapshot masked under this policy can still test guesses of the values it masks
 * (a dictionary attack on the 64-bit hashes): that is what server-side log redaction is for (see
 * the README, "Security model").
 *
 * The same salt and the same rules give the same key, so masking stays deterministic across runs
 * and collections; changing the rules changes every keyed output once.
 */
function maskingKey(salt, policyHash) {
    return (0,external_node_crypto_.createHmac)("sha256", salt).update(`${LABEL}\u0000${policyHash}`).digest("hex");
}

;// CONCATENATED MODULE: ../../packages/core/src/masking/password.ts


function usesPassword(policy) {
    return Object.values(policy?.rules ?? {}).some((r) => Object.values(r).some((s) => s.kind === "password"));
}
/** The hash of `password` under `s`, in the encoding user stores keep (`$2b$10$…`, `$argon2id$v=19$…`). */
async function hashPassword(password, s) {
    if (s.scheme === "aspnet-identity")
        return aspNetIdentityV3(password, s.iterations ?? 100_000);
    if (s.scheme === "bcrypt") {
        const { default: bcrypt } = await __webpack_require__.e(/* import() | bcrypt */ 26359).then(__webpack_require__.bind(__webpack_require__, 8668));
        return bcrypt.hash(password, s.cost ?? 10);
    }
    const { argon2id } = await __webpack_require__.e(/* import() | argon2 */ 12652).then(__webpack_require__.t.bind(__webpack_require__, 870, 23));
    return argon2id({
        password,
        salt: (0,external_node_crypto_.randomBytes)(16),
        parallelism: s.parallelism ?? 1,
        iterations: s.iterations ?? 2,
        memorySize: s.memoryKiB ?? 19_456,
        hashLength: 32,
        outputType: "encoded",
    });
}
/**
 * The policy's rules with every `password` strategy carrying its hash: one hash per distinct
 * scheme and parameters, computed before anything is copied. Without a test password a policy
 * that uses the strategy fails here, before any connection is opened.
 */
async function resolvePasswords(policy, password, log) {
    const rules = policy?.rules ?? {};
    if (!usesPassword(policy))
        return rules;
    if (!password)
        throw new errors/* UserError */.yo("The masking rules use the password strategy, which writes a hash of a test password: set the mask-test-password input from a secret, or PR_SNAPSHOTS_MASK_TEST_PASSWORD for the command line. Nothing was copied.");
    log?.secret(password);
    const hashes = new Map();
    const resolved = {};
    for (const [collection, paths] of Object.entries(rules)) {
        resolved[collection] = {};
        for (const [path, s] of Object.entries(paths)) {
            if (s.kind !== "password") {
                resolved[collection][path] = s;
                continue;
            }
            const key = JSON.stringify([s.scheme, s.cost, s.memoryKiB, s.iterations, s.parallelism]);
            let hash = hashes.get(key);
            if (!hash) {
                hash = hashPassword(password, s);
                hashes.set(key, hash);
            }
            resolved[collection][path] = { ...s, hash: await hash };
        }
    }
    return resolved;
}
/**
 * ASP.NET Core Identity's password hash, format V3 (what its default PasswordHasher writes and
 * reads): 0x01, the PRF (2 = HMAC-SHA512), the iteration count and the salt length as big-endian
 * 32-bit integers, the salt, then the PBKDF2 subkey (32 bytes), in base64.
 */
function aspNetIdentityV3(password, iterations) {
    const salt = (0,external_node_crypto_.randomBytes)(16);
    const subkey = (0,external_node_crypto_.pbkdf2Sync)(password, salt, iterations, 32, "sha512");
    const header = Buffer.alloc(13);
    header[0] = 0x01;
    header.writeUInt32BE(2, 1);
    header.writeUInt32BE(iterations, 5);
    header.writeUInt32BE(salt.length, 9);
    return Buffer.concat([header, salt, subkey]).toString("base64");
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
        case "password":
            // The test password's hash, computed in the runner (password.ts): never the password itself.
            if (!s.hash)
                throw new Error("The password strategy's hash was not computed before the stages were built.");
            return { $cond: [{ $eq: [ref, null] }, null, { $literal: s.hash }] };
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
            // Country code +999 is reserved by the ITU (E.164) and assigned to nobody. E.164 leaves 12
            // digits after it (10^12 numbers: a birthday collision among 1.5 million distinct inputs);
            // an extension of 4 more keeps 10^16 (about 53 bits, as distinct as the hash allows in a
            // phone number's shape): "+999 3755 2630 0714 x0381".
            const d = { $concat: ["0000000000000000", digits(h)] };
            const last16 = { $substrCP: [d, { $subtract: [{ $strLenCP: d }, 16] }, 16] };
            return {
                $let: {
                    vars: { p: last16 },
                    in: {
                        $concat: [
                            "+999 ",
                            { $substrCP: ["$$p", 0, 4] },
                            " ",
                            { $substrCP: ["$$p", 4, 4] },
                            " ",
                            { $substrCP: ["$$p", 8, 4] },
                            " x",
                            { $substrCP: ["$$p", 12, 4] },
                        ],
                    },
                },
            };
        }
        case "name":
            return fakeName(h, part);
        default:
            // hash: numbers stay numbers (the hash itself), everything else becomes a token.
            return { $cond: [{ $isNumber: ref }, h, { $concat: ["masked-", digits(h)] }] };
    }
}
/**
 * A name that carries the hash's bits, so that distinct inputs stay as distinct as with `email`:
 * the 64-bit hash, made non-negative, is written in mixed radix over the tables below.
 * - full name: a given name (8 bits) and a double-barrelled surname of two invented words (28 bits
 *   each): all 64 bits, "Maya Bralomen-Kitheros";
 * - first name alone: two invented given names (28 + 20 = 48 bits), "Kelamir Dorin": no common
 *   first name, which would equal some production value of the field (and the proof would refuse);
 * - surname alone: two invented words (56 bits), "Bralomen-Kitheros".
 */
function fakeName(hash, part) {
    const word = (syllables) => [
        ...Array.from({ length: syllables }, (_, i) => [i === 0 ? ONSETS : ONSETS_LOWER, NUCLEI]).flat(),
        CODAS,
    ];
    const plan = part === "first"
        ? [...word(3), " ", ...word(2)]
        : part === "last"
            ? [...word(3), "-", ...word(3)]
            : [GIVEN_NAMES, " ", ...word(3), "-", ...word(3)];
    const tables = plan.filter((p) => typeof p !== "string");
    const indexes = mixedRadix(hash, tables.map((t) => t.length));
    const v = fresh("n");
    let at = 0;
    const parts = plan.map((p) => typeof p === "string" ? p : { $arrayElemAt: [{ $literal: p }, { $arrayElemAt: [`$$${v}`, at++] }] });
    return { $let: { vars: { [v]: indexes }, in: { $concat: parts } } };
}
const TWO_TO_63 = lib.BSON.Decimal128.fromString("9223372036854775808");
/**
 * The digits of (hash + 2^63), a whole number below 2^64, in the given radices (least significant
 * first), computed exactly in Decimal128: each step divides a multiple of the radix.
 */
function mixedRadix(hash, radices) {
    const x = fresh("x");
    const steps = (value, i) => {
        const radix = radices[i] ?? 1;
        const d = fresh("d");
        const rest = fresh("r");
        const digit = { $mod: [value, radix] };
        if (i === radices.length - 1)
            return [{ $toInt: digit }];
        return {
            $let: {
                vars: { [d]: digit },
                in: {
                    $let: {
                        vars: { [rest]: { $divide: [{ $subtract: [value, `$$${d}`] }, radix] } },
                        in: { $concatArrays: [[{ $toInt: `$$${d}` }], steps(`$$${rest}`, i + 1)] },
                    },
                },
            },
        };
    };
    return {
        $let: {
            vars: { [x]: { $add: [{ $toDecimal: hash }, { $literal: TWO_TO_63 }] } },
            in: steps(`$$${x}`, 0),
        },
    };
}
/** 256 given names from many languages, for full names (the surname part is invented). */
const GIVEN_NAMES = ("Ada Adam Adrian Aiko Aisha Akira Alan Alba Alejandro Alexei Ali Alice Alma Amara Amelia Amir Ana Anders Andrea Ane " +
    "Angela Anika Anita Anna Anton Aria Arjun Arne Asha Astrid Ava Axel Aya Bea Ben Bianca Boris Bruno Camila Carla " +
    "Carlos Carmen Caro Chen Chiara Chloe Clara Dalia Dana Daniel Dara Darius David Diego Dina Dmitri Dora Elena Eli " +
    "Elif Elin Elisa Ella Emil Emma Enzo Erik Esra Eva Ezra Farah Fatima Felix Fiona Flora Freya Gabriel Gaia Greta " +
    "Hana Hannah Hari Hassan Helena Henrik Hiro Hugo Ian Ida Ilse Imani Ines Ingrid Irene Isaac Isabel Ivan Jada " +
    "Jana Javier Jin Joao Jonas Jorge Josef Julia Julian Juno Kai Kamala Karin Karl Kavya Keiko Kenji Kira Klara " +
    "Kofi Lars Laura Lea Leila Leo Leon Lia Lina Linnea Liv Lorenzo Luca Lucia Luis Luka Maia Malik Mara Marco " +
    "Maria Marta Mateo Maya Mei Mila Mina Mira Miro Nadia Naomi Nia Nico Nika Nils Nina Noah Noor Nora Ola Olga " +
    "Olivia Omar Oscar Otto Pablo Paula Pedro Petra Pia Priya Rafael Rahul Rania Rosa Ruben Rumi Sami Sana Sara " +
    "Selin Sofia Sonja Stella Sven Tara Tariq Teo Thea Tomas Uma Valentina Vera Victor Vida Vikram Wei Yara Yuki " +
    "Yusuf Zara Zoe Zora Abel Agnes Aldo Alina Amos Anja Ari Basil Beatriz Bodhi Celia Cyrus Daria Duc Edda Eino " +
    "Elio Emre Esme Femi Goran Hedda Iker Ilan Iris Jasper Joon Kaito Kemal Lale Leif Lotte Malin Milan Nao Nuno " +
    "Odile Orla Paavo Quinn Rhea Rina Saoirse Soren Tove Ugo Vesna Wren Xavi Yosef Zeynep Linh Minh Amaru Ayla Bao").split(" ");
/** Invented words: 32 onsets × 8 nuclei per syllable, and 16 codas: pronounceable, rarely anyone's name. */
const ONSETS = "B Br C Ch Cl D Dr F Fr G Gr H J K Kr L M N P Pr R S Sh St T Th Tr V W Y Z Qu".split(" ");
const ONSETS_LOWER = ONSETS.map((o) => o.toLowerCase());
const NUCLEI = "a e i o u ae ei ou".split(" ");
const CODAS = ["", "n", "r", "l", "s", "th", "nd", "rn", "ll", "x", "m", "sh", "ns", "rd", "ld", "ck"];
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

// EXTERNAL MODULE: ../../packages/core/src/log.ts
var log = __webpack_require__(9844);
// EXTERNAL MODULE: external "node:net"
var external_node_net_ = __webpack_require__(7030);
;// CONCATENATED MODULE: ../../packages/core/src/masking/detectors.ts

/** In words, for the scan's reasons. */
const KIND_WORDS = {
    email: "e-mail addresses",
    phone: "phone numbers",
    ip: "IP addresses",
    card: "card numbers (Luhn)",
    iban: "IBANs (checksum)",
    "national-id": "national identifiers",
    "person-name": "person names",
    "password-hash": "password hashes",
    token: "secrets or tokens",
    image: "images",
    "personal-url": "personal web pages",
};
const INSIDE_WORDS = {
    email: "e-mail addresses",
    phone: "phone numbers",
    ip: "IP addresses",
    card: "card numbers",
    "person-name": "person names",
};
const EMAIL_WHOLE = /^[^\s@<>(),;:"]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$/;
const EMAIL_INSIDE = /[A-Za-z0-9._%+'=-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/;
/** `Name <addr>`, `"Name" <addr>`, `<addr>`, `addr (Name)`: how headers write one address. */
const MAILBOX = /^(?:"[^"]*"\s*|[^"<>@()[\]:;]*)?<([^<>\s]+@[^<>\s]+)>$|^([^\s@<>]+@[^\s@<>]+)\s*\([^()]*\)$/;
const PHONE = /^(?:\+|00)?[\d\s().\-/]{6,22}(?:\s*(?:x|ext\.?|extension)\s*\d{1,6})?$/i;
/** A run of digits and phone separators inside a text (then checked by {@link phoneNumber}). */
const PHONE_INSIDE = /(?<![\w.+])(?:\+|\()?\d[\d\s().-]{5,20}\d(?![\w.])/;
const IPV4_INSIDE = /(?<![\d.])(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}(?![\d.])/;
const CARD_INSIDE = /\b(?:\d[ -]?){12,18}\d\b/;
const TOKEN_PREFIX = /^(sk|pk|rk)_(live|test)_|^gh[pousr]_[A-Za-z0-9]{20,}|^github_pat_|^xox[abprs]-|^AKIA[0-9A-Z]{16}$|^AIza[0-9A-Za-z_-]{30,}|^-----BEGIN [A-Z ]*PRIVATE KEY-----|^eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const PASSWORD_HASH = /^\$2[abxy]?\$\d\d\$[./A-Za-z0-9]{53}$|^\$argon2(id|i|d)\$v=\d+\$m=\d+,t=\d+,p=\d+\$|^\$(pbkdf2|scrypt)[-$]|^(pbkdf2_sha256|sha1|bcrypt_sha256)\$|^\$[156]\$[./A-Za-z0-9]{1,16}\$[./A-Za-z0-9]{22,}|^AQAAAA[A-Za-z0-9+/]{40,}={0,2}$/;
/** US SSN (not 000, 666, 9xx areas), UK National Insurance number. */
const NATIONAL_ID = /^(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}$|^(?![DFIQUV])[A-CEGHJ-PR-TW-Z](?![DFIOQUV])[A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]$/;
/** A home page on a shared host (`/~name`) or a profile page. */
const PERSONAL_URL = /^<?(?:https?:\/\/)?[^\s/]+\/~[A-Za-z][\w.-]*|^<?https?:\/\/(?:www\.)?(?:linkedin\.com\/in|facebook\.com|twitter\.com|x\.com|instagram\.com|github\.com)\/[A-Za-z0-9_.-]+\/?>?$/i;
const IMAGE_BASE64 = /^(?:data:image\/[a-z+.-]+;base64,|iVBORw0KGgo|\/9j\/|R0lGOD[lh]|UklGR[\s\S]{6}XRUJQ|Qk[0-9A-Za-z+/]{2}AAAAAA)/;
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
/** A payment card: 13-19 digits, a known issuer prefix, and the Luhn checksum. */
function cardNumber(text) {
    const digits = text.replace(/[\s-]/g, "");
    return /^(?:4|5[1-5]|2[2-7]|3[47]|3[0689]|6)\d{12,18}$/.test(digits) && luhn(digits);
}
/**
 * A credential by its well-known shape (API key prefixes, JWTs, PEM private keys). High entropy
 * alone is not enough: message ids, trace ids and hashes are just as random and not secret.
 */
function looksLikeSecret(s) {
    return TOKEN_PREFIX.test(s);
}
function phoneNumber(s) {
    if (!PHONE.test(s))
        return false;
    const digits = s.replace(/x\s*\d+$|ext\.?\s*\d+$|extension\s*\d+$/i, "").replace(/\D/g, "");
    if (digits.length < 7 || digits.length > 15)
        return false;
    // Dates, times, decimal numbers and plain integers are not phone numbers.
    if (/^\d{4}[-/.]\d\d[-/.]\d\d|^\d\d?[-/.]\d\d?[-/.]\d{2,4}$|^\d+([.,]\d+)?$/.test(s))
        return false;
    return /[\s().\-/+]/.test(s) || /^(?:\+|00)/.test(s);
}
const TITLES = new Set(["mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "rev", "hon"]);
const WORD = /^\p{Lu}[\p{L}'’-]*\.?$/u;
const capital = (w) => (w === w.toUpperCase() ? w.charAt(0) + w.slice(1).toLowerCase() : w);
/**
 * A person's name: one to five capitalised words whose given name (the first word, the word after
 * a title, or the word after the comma of "Last, First") is a first name in common use.
 */
function personName(value, firstNames) {
    const s = value.trim();
    if (s.length < 2 || s.length > 60 || /[\d@/\\:;_=#&|<>[\]{}]/.test(s))
        return false;
    const comma = s.split(",");
    if (comma.length > 2)
        return false;
    const ordered = comma.length === 2 ? `${comma[1]} ${comma[0]}` : s;
    const tokens = ordered.split(/\s+/).filter(Boolean).map(capital);
    if (tokens.length === 0 || tokens.length > 5)
        return false;
    if (!tokens.every((t) => WORD.test(t)))
        return false;
    const given = tokens.find((t) => !TITLES.has(t.replace(/\.$/, "").toLowerCase()));
    if (!given || given.endsWith("."))
        return false;
    return firstNames.has(given.replace(/[’']s$/, "").toLowerCase());
}
/**
 * First names that are also common English words: inside a text, "Red Hat" or "Will Power" is
 * no evidence of a person (a whole value still counts, where the field's share decides).
 */
const WORD_NAMES = new Set("will may mark bill red rose hope grace joy faith sunny page art don guy pat jack frank gene ray rich chance chip dean drew earl hunter lane major miles price reed rob sandy skip stone summer tanner ward wade chase cliff dale dawn april june august amber iris ivy violet holly crystal pearl ruby star autumn sky rain brook honey lance max nick sterling royal king duke prince bishop buck colt roman christian justice liberty love mercy patience trinity bob gary sue al jean sol van carol happy lucky merry early else lou mac rusty dusty penny bud ginger cookie dolly sally jerry hal glen glenn ken kit lee mo ned sean tom will win wolf fox bear hawk heather daisy lily jasmine olive rod roger victor vita worth young tim ted ben".split(" "));
/** A "Given Surname" pair inside a text: the given name known (and not a common word), the surname capitalised. */
function nameInside(text, firstNames) {
    // The surname is a lookahead, so that "Call Maria Anders" tries "Maria Anders" too.
    const pairs = text.matchAll(/(?<![\p{L}])(\p{Lu}\p{Ll}{1,15})(?=\s+(?:\p{Lu}\.\s+)?\p{Lu}\p{Ll}{1,20}(?![\p{L}]))/gu);
    for (const m of pairs) {
        const given = (m[1] ?? "").toLowerCase();
        if (firstNames.has(given) && !WORD_NAMES.has(given))
            return true;
    }
    return false;
}
/** The address inside a one-address header value (`Name <addr>`), if it is one. */
function mailbox(s) {
    const m = MAILBOX.exec(s);
    const address = m?.[1] ?? m?.[2];
    return address !== undefined && EMAIL_WHOLE.test(address);
}
/** Classifies a string value. */
function classifyString(value, firstNames) {
    const s = value.trim();
    const inside = [];
    if (s.length === 0)
        return { inside };
    if (s.length > 320) {
        if (IMAGE_BASE64.test(s))
            return { kind: "image", inside };
        if (looksLikeSecret(s))
            return { kind: "token", inside };
    }
    else {
        if (EMAIL_WHOLE.test(s) || mailbox(s))
            return { kind: "email", inside };
        if (ipAddress(s.replace(/^\[|\]$/g, "")))
            return { kind: "ip", inside };
        if (PASSWORD_HASH.test(s))
            return { kind: "password-hash", inside };
        if (cardNumber(s))
            return { kind: "card", inside };
        if (ibanValid(s))
            return { kind: "iban", inside };
        if (NATIONAL_ID.test(s))
            return { kind: "national-id", inside };
        if (phoneNumber(s))
            return { kind: "phone", inside };
        if (PERSONAL_URL.test(s))
            return { kind: "personal-url", inside };
        if (personName(s, firstNames))
            return { kind: "person-name", inside };
        if (IMAGE_BASE64.test(s) && s.length > 100)
            return { kind: "image", inside };
        if (looksLikeSecret(s))
            return { kind: "token", inside };
    }
    // Longer text: what it carries.
    if (s.includes("@") && EMAIL_INSIDE.test(s))
        inside.push("email");
    if (IPV4_INSIDE.test(s))
        inside.push("ip");
    if (PHONE_INSIDE.test(s) && phoneInside(s))
        inside.push("phone");
    if (CARD_INSIDE.test(s) &&
        [...s.matchAll(new RegExp(CARD_INSIDE.source, "g"))].some((m) => cardNumber(m[0])))
        inside.push("card");
    if (/\s/.test(s) && nameInside(s, firstNames))
        inside.push("person-name");
    return { inside };
}
/** An IP address a host could have (not 0.x.x.x, which is how version numbers look). */
function ipAddress(s) {
    const v = (0,external_node_net_.isIP)(s);
    return v === 6 || (v === 4 && !s.startsWith("0."));
}
function phoneInside(s) {
    for (const m of s.matchAll(new RegExp(PHONE_INSIDE.source, "g"))) {
        const run = m[0].trim();
        const separators = run.match(/[\s().-]+/g)?.length ?? 0;
        // Dots alone separate a phone number only as 555.123.4567; otherwise they make a version number.
        const bare = run.replace(/^\(|\)$/g, "");
        const dotted = !/[\s()-]/.test(bare) && !/^\d{3}\.\d{3}\.\d{4}$/.test(bare);
        if (!dotted &&
            (0,external_node_net_.isIP)(run) === 0 &&
            (run.startsWith("+") || run.startsWith("(") || separators >= 2) &&
            phoneNumber(run))
            return true;
    }
    return false;
}
/** Image formats by their magic bytes. */
function imageFormat(bytes) {
    const b = (i) => bytes[i] ?? -1;
    const ascii = (from, to) => String.fromCharCode(...bytes.subarray(from, to));
    if (b(0) === 0x89 && ascii(1, 4) === "PNG")
        return "PNG";
    if (b(0) === 0xff && b(1) === 0xd8 && b(2) === 0xff)
        return "JPEG";
    if (ascii(0, 6) === "GIF87a" || ascii(0, 6) === "GIF89a")
        return "GIF";
    if (ascii(0, 4) === "RIFF" && ascii(8, 12) === "WEBP")
        return "WebP";
    if (ascii(0, 2) === "BM" && bytes.length > 26)
        return "BMP";
    if ((b(0) === 0x49 && b(1) === 0x49 && b(2) === 0x2a && b(3) === 0) ||
        (b(0) === 0x4d && b(1) === 0x4d && b(2) === 0 && b(3) === 0x2a))
        return "TIFF";
    if (ascii(4, 8) === "ftyp" && /^(heic|heix|mif1|avif)$/.test(ascii(8, 12)))
        return "HEIF";
    // OLE-wrapped bitmaps (Access and SQL Server sample data keep photos this way).
    if (b(0) === 0x15 && b(1) === 0x1c && bytes.length > 100) {
        const at = Buffer.from(bytes.subarray(0, 512)).indexOf("BM");
        if (at > 0)
            return "BMP (OLE)";
    }
    return undefined;
}

;// CONCATENATED MODULE: ../../packages/core/src/masking/field-names.ts
/**
 * What a field's name says about its values: the path is split into words (case changes, `_`,
 * `-`, spaces, dots, digits, and compound words such as `contactname`), and the words are looked
 * up in a vocabulary of personal concepts and of the roles people have in data (reviewer, author,
 * sender, customer, ...). A name alone is not always enough: `city` is personal in a customer's
 * address and not in an airport's, so some concepts only count where the collection holds people.
 */
/** Words a compound name may be made of (`contactname`, `emailaddress`, `homephone`, `dateofbirth`). */
const VOCABULARY = [
    "first",
    "last",
    "middle",
    "given",
    "family",
    "full",
    "sur",
    "maiden",
    "nick",
    "display",
    "user",
    "screen",
    "contact",
    "customer",
    "client",
    "owner",
    "author",
    "reviewer",
    "sender",
    "recipient",
    "employee",
    "patient",
    "member",
    "person",
    "name",
    "names",
    "email",
    "mail",
    "address",
    "addresses",
    "phone",
    "mobile",
    "cell",
    "home",
    "work",
    "office",
    "fax",
    "number",
    "num",
    "no",
    "street",
    "city",
    "zip",
    "code",
    "postal",
    "post",
    "birth",
    "date",
    "day",
    "of",
    "death",
    "card",
    "credit",
    "account",
    "bank",
    "pass",
    "word",
    "api",
    "key",
    "secret",
    "token",
    "access",
    "private",
    "social",
    "security",
    "national",
    "id",
    "tax",
    "ip",
    "web",
    "site",
    "page",
    "profile",
    "photo",
    "picture",
    "image",
    "avatar",
    "ship",
    "shipping",
    "billing",
    "delivery",
    "login",
    "handle",
    "line",
];
const VOCAB = new Set(VOCABULARY);
/** Splits `contactname` into contact + name when the whole word is made of known words. */
function splitCompound(word) {
    if (VOCAB.has(word) || word.length < 5)
        return [word];
    const best = [[]];
    for (let end = 1; end <= word.length; end++) {
        for (let start = Math.max(0, end - 12); start < end; start++) {
            const prefix = best[start];
            const part = word.slice(start, end);
            if (prefix && part.length >= 2 && VOCAB.has(part)) {
                const candidate = [...prefix, part];
                const current = best[end];
                if (!current || candidate.length < current.length)
                    best[end] = candidate;
            }
        }
    }
    const whole = best[word.length];
    return whole && whole.length > 1 ? whole : [word];
}
/** The words of one path segment, lower case: `First Name`, `firstName`, `first_name`, `FIRSTNAME` → first, name. */
function words(segment) {
    return segment
        .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
        .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
        .replace(/([A-Za-z])(\d)/g, "$1 $2")
        .replace(/(\d)([A-Za-z])/g, "$1 $2")
        .split(/[^A-Za-z0-9]+/)
        .filter(Boolean)
        .map((w) => w.toLowerCase())
        .flatMap(splitCompound)
        .map(singular);
}
function singular(w) {
    if (w.length > 3 && /(ss|us|is)$/.test(w))
        return w;
    if (w.endsWith("ies") && w.length > 4)
        return `${w.slice(0, -3)}y`;
    if (/(sses|xes|ches|shes)$/.test(w))
        return w.slice(0, -2);
    if (w.endsWith("s") && w.length > 3 && !["address", "bus", "gps", "sms", "ios"].includes(w))
        return w.slice(0, -1);
    return w;
}
/** People by the role they have in the data. */
const ROLES = new Set([
    "reviewer",
    "author",
    "sender",
    "recipient",
    "owner",
    "customer",
    "client",
    "employee",
    "patient",
    "contact",
    "member",
    "person",
    "people",
    "assignee",
    "reporter",
    "creator",
    "approver",
    "signer",
    "buyer",
    "seller",
    "guest",
    "passenger",
    "driver",
    "student",
    "teacher",
    "applicant",
    "candidate",
    "beneficiary",
    "tenant",
    "landlord",
    "manager",
    "supervisor",
    "director",
    "spouse",
    "parent",
    "guardian",
    "attendee",
    "participant",
    "speaker",
    "holder",
    "cardholder",
    "subscriber",
    "recruiter",
    "physician",
    "doctor",
    "nurse",
    "witness",
    "victim",
    "suspect",
    "user",
    "account",
    "commenter",
    "follower",
    "friend",
]);
/** Roles that often hold something else (a date range, a reference, a host): only with values that agree. */
const WEAK_ROLES = new Set(["from", "to", "cc", "bcc", "by", "user", "account", "host", "agent", "rep"]);
/** Where a name or an address belongs to a person (shipping name: the recipient's). */
const PERSON_QUALIFIERS = new Set([
    ...ROLES,
    "ship",
    "shipping",
    "billing",
    "delivery",
    "mailing",
    "home",
    "private",
    "personal",
    "emergency",
    "legal",
    "real",
    "maiden",
    "next",
]);
/** A shipping or billing name or address is the recipient's or the payer's. */
const RECIPIENT = new Set(["ship", "shipping", "billing", "delivery", "mailing", "home"]);
/** Things that have names, addresses and pictures too, but are not people. */
const THINGS = new Set([
    "company",
    "product",
    "file",
    "host",
    "hostname",
    "app",
    "application",
    "brand",
    "category",
    "country",
    "state",
    "region",
    "county",
    "org",
    "organization",
    "organisation",
    "business",
    "project",
    "team",
    "collection",
    "db",
    "database",
    "field",
    "index",
    "event",
    "course",
    "place",
    "venue",
    "store",
    "shop",
    "item",
    "service",
    "server",
    "domain",
    "list",
    "group",
    "channel",
    "room",
    "site",
    "airport",
    "station",
    "street",
    "city",
    "school",
    "university",
    "bank",
    "branch",
    "vendor",
    "supplier",
    "merchant",
    "department",
    "dept",
    "job",
    "role",
    "title",
    "tag",
    "label",
    "model",
    "package",
    "module",
    "class",
    "method",
    "function",
    "logo",
    "icon",
    "banner",
    "cover",
    "poster",
    "thumbnail",
    "map",
    "chart",
    "game",
    "movie",
    "film",
    "book",
    "song",
    "album",
    "track",
    "plan",
    "tier",
    "feature",
    "queue",
    "topic",
    "thread",
    "mailing",
    "contract",
    "wallet",
    "memory",
    "mac",
    "network",
    "ship",
    "genre",
    "distributor",
    "type",
    "kind",
    "mime",
    "content",
    "version",
    "software",
    "mailer",
]);
/** Collections whose documents are people. */
const PEOPLE_COLLECTIONS = new Set([
    "user",
    "customer",
    "client",
    "people",
    "person",
    "employee",
    "member",
    "contact",
    "author",
    "patient",
    "student",
    "account",
    "profile",
    "subscriber",
    "applicant",
    "candidate",
    "staff",
    "investigator",
    "reviewer",
    "guest",
    "passenger",
    "driver",
    "teacher",
    "tenant",
    "lead",
    "volunteer",
]);
const has = (ws, ...any) => any.some((w) => ws.includes(w));
const adjacent = (ws, a, b) => ws.some((w, i) => w === a && ws[i + 1] === b);
/** The collection holds people by its name (`users`, `customers`, `pmInvestigator`). */
function peopleCollection(collection) {
    return words(collection).some((w) => PEOPLE_COLLECTIONS.has(w));
}
/** Whether a path segment names a person or a person's part (`customer`, `contact`, `name`, `address`). */
function personSegment(segment) {
    const ws = words(segment);
    return ws.some((w) => ROLES.has(w) && !WEAK_ROLES.has(w)) || has(ws, "address", "name", "author", "sender");
}
/** What the last segment of `path` (read with its parent) says, if anything personal. */
function nameFinding(path, collection = "") {
    const segments = path.split(".");
    const leaf = segments[segments.length - 1] ?? path;
    const ws = words(leaf);
    const parent = words(segments[segments.length - 2] ?? "");
    const all = [...parent, ...ws];
    const thing = ws.find((w) => THINGS.has(w));
    const f = (concept, matched, strength = "strong") => ({
        concept,
        words: matched,
        strength,
    });
    if (ws.length === 0)
        return undefined;
    // Credentials first: `emailPassword`, `apiKey`, `sessionToken`.
    if (has(ws, "password", "passwd", "pwd", "passphrase", "passcode") || adjacent(ws, "pass", "word"))
        return f("password", "password");
    if (has(ws, "secret", "token", "credential", "apikey", "otp", "totp") ||
        adjacent(ws, "api", "key") ||
        adjacent(ws, "private", "key") ||
        adjacent(ws, "access", "key") ||
        (has(ws, "session") && has(ws, "id", "key", "cookie")))
        return f("secret", ws.find((w) => ["secret", "token", "credential", "apikey", "otp", "totp", "key", "session"].includes(w)) ?? "secret");
    if (has(ws, "email", "emailaddress") ||
        (has(ws, "mail") && !thing && (ws.length === 1 || has(ws, "address", "e"))) ||
        adjacent(ws, "e", "mail"))
        return f("e-mail", "e-mail");
    if (has(ws, "phone", "telephone", "tel", "mobile", "cellphone", "msisdn", "fax") ||
        (has(ws, "cell") && ws.length <= 2))
        return f("phone number", ws.find((w) => ["phone", "telephone", "tel", "mobile", "cellphone", "msisdn", "fax", "cell"].includes(w)) ?? "phone");
    if (has(ws, "ssn", "nino", "nin", "passport", "aadhaar", "cpf", "dni", "nie", "personnummer", "itin") ||
        (has(ws, "social") && has(ws, "security")) ||
        (has(ws, "national", "tax") && has(ws, "id", "identifier", "number", "no", "code")) ||
        (has(ws, "driver", "driving") && has(ws, "license", "licence")))
        return f("national identifier", ws.filter((w) => !["number", "no", "id"].includes(w)).join(" "));
    if (has(ws, "iban") ||
        (has(ws, "account", "acct") && has(ws, "number", "no", "num") && !thing) ||
        adjacent(ws, "routing", "number") ||
        adjacent(ws, "sort", "code") ||
        adjacent(ws, "bank", "account"))
        return f("bank account", ws.join(" "));
    if ((has(ws, "card", "creditcard") && has(ws, "number", "no", "num", "pan", "credit")) ||
        has(ws, "cvv", "cvc", "pan", "creditcard", "cardnumber"))
        return f("card number", ws.join(" "));
    if (has(ws, "ip", "ipv4", "ipv6", "ipaddress") || (has(ws, "remote", "client") && has(ws, "addr")))
        return f("IP address", "IP");
    if (has(ws, "birth", "birthday", "birthdate", "dob", "born"))
        return f("date of birth", ws.join(" "));
    if (has(ws, "death", "deceased", "died"))
        return f("date of death", ws.join(" "), "context");
    if (has(ws, "fingerprint"))
        return f("fingerprint", "fingerprint", "context");
    if (has(ws, "avatar", "portrait", "headshot", "selfie", "photo", "picture", "pic", "signature") && !thing)
        return f("photo", ws.find((w) => ["avatar", "portrait", "headshot", "selfie", "photo", "picture", "pic", "signature"].includes(w)) ?? "photo");
    if (has(ws, "image") && !thing)
        return f("photo", "image", "context");
    // Names: of a person, or of one of the many things that have a name.
    if (has(ws, "surname", "lastname", "forename", "firstname", "fullname")) {
        const w = ws.find((x) => ["surname", "lastname", "forename", "firstname", "fullname"].includes(x)) ?? "name";
        return f(w === "forename" || w === "firstname" ? "first name" : w === "fullname" ? "person name" : "last name", w);
    }
    if (has(ws, "name") || (has(ws, "first", "last", "given", "middle", "family") && parent.includes("name"))) {
        if (has(ws, "user", "screen", "login", "nick"))
            return f("username", `${ws.join(" ")}`);
        const qualifier = ws.filter((w) => w !== "name");
        if (has(ws, "first", "given", "fore", "christian"))
            return f("first name", ws.join(" "));
        if (has(ws, "last", "family", "sur", "maiden"))
            return f("last name", ws.join(" "));
        if (has(ws, "full", "display", "middle", "legal", "real") ||
            qualifier.some((w) => PERSON_QUALIFIERS.has(w)))
            return f("person name", ws.join(" "), qualifier.some((w) => ROLES.has(w) || RECIPIENT.has(w) || ["full", "display", "middle", "legal", "real"].includes(w))
                ? "strong"
                : "context");
        if (qualifier.some((w) => THINGS.has(w)))
            return undefined;
        // A bare `name`: a person's under a person or in a collection of people; else the values decide.
        if (parent.some((w) => PERSON_QUALIFIERS.has(w)) ||
            (segments.length === 1 && peopleCollection(collection)))
            return f("person name", "name", "strong");
        if (parent.some((w) => THINGS.has(w)))
            return undefined;
        return f("person name", "name", "values");
    }
    if (has(ws, "username", "login", "handle", "screenname", "nickname"))
        return f("username", ws.join(" "));
    // Addresses and their parts.
    const addressLike = has(ws, "address", "addr", "street", "suite", "apartment", "apt") ||
        (parent.includes("address") && has(ws, "line", "house", "building", "number", "unit"));
    if (addressLike &&
        !has(ws, "mac", "wallet", "contract", "memory", "server", "web", "url", "bitcoin", "eth"))
        return f("address", ws.find((w) => ["address", "addr", "street", "suite", "apartment", "apt", "line"].includes(w)) ??
            "address", thing && !has(ws, "address", "street") ? "context" : "strong");
    const recipient = ws.some((w) => RECIPIENT.has(w)) ? "strong" : "context";
    if (has(ws, "zip", "zipcode", "postcode", "postalcode") ||
        adjacent(ws, "postal", "code") ||
        adjacent(ws, "post", "code"))
        return f("postal code", ws.join(" "), recipient);
    if (has(ws, "city", "town"))
        return f("city", ws.join(" "), recipient);
    if (has(ws, "lat", "latitude", "lng", "lon", "longitude", "geo", "gps", "coordinate", "coord", "geolocation") ||
        (has(ws, "location") && !thing))
        return f("location", ws.join(" "), "context");
    if (has(ws, "website", "homepage") ||
        adjacent(ws, "home", "page") ||
        adjacent(ws, "web", "site") ||
        (has(ws, "url") && all.some((w) => ROLES.has(w) || w === "profile" || w === "personal")))
        return f("web page", ws.join(" "), "context");
    if (has(ws, "gender", "sex", "race", "ethnicity", "ethnic", "religion", "religious", "marital", "health", "medical", "diagnosis", "disability", "pregnancy", "orientation"))
        return f("sensitive attribute", ws.join(" "), "context");
    if (has(ws, "bio", "biography", "about", "note", "remark") && ws.length <= 2)
        return f("free text about a person", ws.join(" "), "context");
    // A person by role: `reviewer`, `author`, `sender`, `createdBy`, `to`.
    const role = ws.find((w) => ROLES.has(w) || WEAK_ROLES.has(w));
    if (role &&
        !thing &&
        !has(ws, "id", "ids", "key", "ref", "count", "type", "status", "number", "no", "since", "at", "date", "time", "level", "tier", "group", "segment", "role", "title", "rating", "score")) {
        const onlyRoleWords = ws.every((w) => ROLES.has(w) ||
            WEAK_ROLES.has(w) ||
            [
                "created",
                "updated",
                "modified",
                "approved",
                "reviewed",
                "assigned",
                "owned",
                "x",
                "original",
                "primary",
                "main",
                "secondary",
                "co",
            ].includes(w));
        if (onlyRoleWords)
            return f("person (role word)", role, ws.some((w) => WEAK_ROLES.has(w)) ? "values" : "role");
    }
    return undefined;
}

// EXTERNAL MODULE: ../../packages/core/src/masking/policy.ts
var masking_policy = __webpack_require__(9463);
;// CONCATENATED MODULE: ../../packages/core/src/masking/suggest.ts
/**
 * The rule that would cover a flagged path, written as the config file writes it, so that strict
 * mode's refusal and the scan can print rules ready to paste. Keyed strategies keep distinct
 * values distinct (unique indexes and joins keep working); free text is redacted; photos removed.
 */
function suggestRule(path, types, reasons, kinds) {
    const detectors = new Set(reasons.map((r) => r.detector));
    const onlyNumbers = types.every((t) => ["int", "long", "double", "decimal", "null"].includes(t));
    const onlyDates = types.every((t) => t === "date" || t === "null");
    const is = (...names) => names.some((n) => detectors.has(n));
    const idPath = path.split(".")[0] === "_id";
    // bcrypt verifies in every stack (bcryptjs, BCrypt.Net, Spring, passlib); argon2id is the other choice.
    if (is("password") || kinds.has("password-hash"))
        return "{ password: { scheme: bcrypt, cost: 10 } }";
    if (is("e-mail", "email"))
        return "email";
    if (is("phone number", "phone"))
        return "phone";
    if (is("person name", "first name", "last name", "person-name"))
        return "name";
    if (is("person (role word)"))
        return detectors.has("email") ? "email" : "name";
    if (idPath ||
        is("username", "national identifier", "card number", "bank account", "secret", "token", "card", "iban", "national-id", "fingerprint"))
        return "hash";
    if (is("photo", "image"))
        return "remove";
    if (onlyNumbers || onlyDates)
        return '"null"';
    return "redact";
}

;// CONCATENATED MODULE: ../../packages/core/src/masking/scan.ts






let detectors;
/** Loads the person-name list (its own chunk in the bundles: only a scan pays for it). */
function loadDetectors() {
    detectors ??= Promise.all(/* import() | person-names */[__webpack_require__.e(46710), __webpack_require__.e(98069)]).then(__webpack_require__.bind(__webpack_require__, 9957)).then((m) => ({
        firstNames: m.FIRST_NAMES,
    }));
    return detectors;
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
const ID_LIKE = /^[0-9a-f]{24}$|^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$|^[A-Z0-9]{2,}[-_]?[0-9]{3,}$|^\d+$/i;
/** Shares of the values a detector must match before the path counts as personal by its values. */
const WHOLE_SHARE = {
    email: 0.3,
    phone: 0.5,
    ip: 0.3,
    card: 0.3,
    iban: 0.3,
    "national-id": 0.3,
    "person-name": 0.5,
    "password-hash": 0.3,
    token: 0.5,
    image: 0.3,
    "personal-url": 0.3,
};
const INSIDE_SHARE = {
    email: 0.1,
    phone: 0.1,
    ip: 0.1,
    card: 0.05,
    "person-name": 0.3,
};
/** Concepts that make a collection one of people: then `city`, coordinates or gender are theirs. */
const PEOPLE_CONCEPTS = new Set([
    "e-mail",
    "phone number",
    "person name",
    "first name",
    "last name",
    "username",
    "national identifier",
    "date of birth",
]);
const PEOPLE_KINDS = new Set(["email", "phone", "person-name", "national-id"]);
const percent = (share) => `${Math.round(share * 100)} %`;
function collect(docs, names) {
    const fields = new Map();
    const now = Date.now();
    const year = 365.25 * 86_400_000;
    docs.forEach((doc, i) => {
        walk(doc, "", (path, value) => {
            let f = fields.get(path);
            if (!f) {
                f = {
                    types: new Set(),
                    docs: 0,
                    lastDoc: -1,
                    values: 0,
                    strings: 0,
                    distinct: new Map(),
                    kinds: new Map(),
                    inside: new Map(),
                    idLike: 0,
                    images: new Set(),
                    dates: 0,
                    birthLike: 0,
                    years: new Set(),
                };
                fields.set(path, f);
            }
            const type = bsonType(value);
            f.types.add(type);
            if (f.lastDoc !== i) {
                f.docs++;
                f.lastDoc = i;
            }
            if (value === null || value === undefined || type === "object" || type === "array")
                return;
            f.values++;
            if (typeof value === "string") {
                if (value.trim() === "")
                    return;
                f.strings++;
                let c = f.distinct.get(value);
                if (!c) {
                    c = classifyString(value, names.firstNames);
                    if (f.distinct.size < 5_000)
                        f.distinct.set(value, c);
                }
                if (c.kind)
                    f.kinds.set(c.kind, (f.kinds.get(c.kind) ?? 0) + 1);
                for (const k of c.inside)
                    f.inside.set(k, (f.inside.get(k) ?? 0) + 1);
                if (ID_LIKE.test(value))
                    f.idLike++;
            }
            else if (type === "binData") {
                const bytes = value.buffer;
                const format = bytes ? imageFormat(bytes) : undefined;
                if (format) {
                    f.images.add(format);
                    f.kinds.set("image", (f.kinds.get("image") ?? 0) + 1);
                }
                else
                    f.idLike++;
            }
            else if (type === "date") {
                const t = value.getTime();
                f.dates++;
                const d = value;
                if (t > Date.UTC(1900, 0, 1) &&
                    t < now - 14 * year &&
                    d.getUTCHours() === 0 &&
                    d.getUTCMinutes() === 0)
                    f.birthLike++;
                f.years.add(d.getUTCFullYear());
            }
            else {
                // Numbers, ObjectIds, booleans: references or measures, not text about a person.
                f.idLike++;
            }
        });
    });
    return fields;
}
/** The name's and the values' evidence for one path, before the collection's context is known. */
function evidence(collection, path, f) {
    const finding = nameFinding(path, collection);
    const leafWords = words(path.split(".").pop() ?? path);
    // A list's, a product's or a message's own identifiers: their addresses and pictures are not a person's.
    const leaf = (path.split(".").pop() ?? path).toLowerCase();
    const thing = (!finding && leafWords.some((w) => THING_WORDS.has(w))) || MAILING_LIST_HEADERS.test(leaf);
    const idField = leafWords.some((w) => ["id", "reference", "ref"].includes(w)) ||
        (leafWords.includes("reply") && leafWords.includes("in"));
    const reasons = [];
    const byValue = [];
    let peopleSignal = false;
    const denominator = Math.max(1, f.values);
    for (const [kind, n] of f.kinds) {
        const share = kind === "person-name" ? distinctShare(f, "person-name") : n / denominator;
        if (share < WHOLE_SHARE[kind])
            continue;
        if (thing && (kind === "person-name" || kind === "image" || kind === "email"))
            continue;
        if (idField && kind === "email")
            continue;
        const text = kind === "image" && f.images.size
            ? `${percent(share)} images (${[...f.images].sort().join(", ")})`
            : `${percent(share)} ${KIND_WORDS[kind]}`;
        reasons.push({ by: "values", detector: kind, text, share: round(share) });
        byValue.push(kind);
        if (PEOPLE_KINDS.has(kind))
            peopleSignal = true;
    }
    if (!reasons.length && f.strings > 0 && !thing && !idField) {
        for (const [kind, n] of f.inside) {
            const share = n / f.strings;
            if (share < INSIDE_SHARE[kind])
                continue;
            reasons.push({
                by: "values",
                detector: `inside:${kind}`,
                text: `${percent(share)} text containing ${INSIDE_WORDS[kind]}`,
                share: round(share),
            });
            byValue.push(`inside:${kind}`);
        }
    }
    if (f.dates >= 5 && f.birthLike / f.dates >= 0.9 && f.years.size >= 10) {
        const share = f.birthLike / f.dates;
        reasons.push({
            by: "values",
            detector: "date-of-birth",
            text: `${percent(share)} dates like dates of birth (${f.years.size} different years)`,
            share: round(share),
        });
        byValue.push("date-of-birth");
    }
    if (finding && PEOPLE_CONCEPTS.has(finding.concept) && (finding.strength === "strong" || reasons.length))
        peopleSignal = true;
    return { reasons, byValue, ...(finding ? { finding } : {}), peopleSignal };
}
const THING_WORDS = new Set([
    "list",
    "product",
    "company",
    "logo",
    "icon",
    "banner",
    "poster",
    "thumbnail",
    "cover",
    "brand",
    "mailing",
    "item",
    "version",
]);
/** Mail headers that name a mailing list (RFC 2369, Mailman, procmail), not a person. */
const MAILING_LIST_HEADERS = /^(list-.*|x-beenthere|x-loop|x-mailing-list|mailing-list|x-list.*)$/;
function distinctShare(f, kind) {
    if (f.distinct.size === 0)
        return 0;
    let n = 0;
    for (const c of f.distinct.values())
        if (c.kind === kind)
            n++;
    return n / f.distinct.size;
}
const round = (x) => Math.round(x * 1000) / 1000;
/** Scans sampled documents (already read): the decision per path, with its reasons. */
function scanDocuments(collection, docs, policy, names) {
    const stats = collect(docs, names);
    const verdicts = new Map();
    let people = peopleCollection(collection);
    for (const [path, f] of stats) {
        // Sub-documents and arrays are containers: their leaves are judged. A field that is null in
        // every sampled document is still judged by its name (the next write may fill it).
        const structural = [...f.types].every((t) => t === "object" || t === "array");
        if (structural)
            continue;
        const v = evidence(collection, path, f);
        verdicts.set(path, v);
        if (v.peopleSignal)
            people = true;
    }
    const reports = [];
    for (const [path, f] of [...stats].sort(([a], [b]) => a.localeCompare(b))) {
        const v = verdicts.get(path);
        const reasons = [...(v?.reasons ?? [])];
        const finding = v?.finding;
        if (finding) {
            const segments = path.split(".");
            const underPerson = segments.slice(0, -1).some(personSegment);
            const textValues = f.strings > 0 && f.idLike / Math.max(1, f.strings) < 0.5;
            const counts = finding.strength === "strong" ||
                (finding.strength === "context" && (people || underPerson)) ||
                (finding.strength === "role" && (textValues || reasons.length > 0)) ||
                (finding.strength === "values" && reasons.length > 0);
            if (counts) {
                const where = finding.strength === "context"
                    ? underPerson
                        ? " under a person"
                        : " in a collection of people"
                    : "";
                reasons.unshift({
                    by: "name",
                    detector: finding.concept,
                    text: finding.concept === "person (role word)"
                        ? `${finding.words} (role word)`
                        : `${finding.concept}${finding.words && finding.words !== finding.concept ? ` (${finding.words})` : ""}${where}`,
                });
            }
        }
        const personal = reasons.length > 0;
        const rule = (0,masking_policy/* coveringRule */.sq)(policy, collection, path);
        const keep = (0,masking_policy/* coveringKeep */.tm)(policy, collection, path);
        const types = [...f.types].sort();
        reports.push({
            path,
            types,
            seen: f.docs,
            ...(finding ? { byName: finding.concept } : {}),
            byValue: v?.byValue ?? [],
            personal,
            reasons,
            ...(personal ? { suggestion: suggestRule(path, types, reasons, f.kinds) } : {}),
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
/** The reasons in one line: `name: reviewer (role word); values: 97 % e-mail addresses`. */
function describeReasons(reasons) {
    const named = reasons.filter((r) => r.by === "name").map((r) => r.text);
    const valued = reasons.filter((r) => r.by === "values").map((r) => r.text);
    return [
        named.length ? `name: ${named.join(", ")}` : "",
        valued.length ? `values: ${valued.join(", ")}` : "",
    ]
        .filter(Boolean)
        .join("; ");
}
/**
 * Field paths of up to `size` documents, to three levels (sub-documents and arrays of them),
 * computed by the server: only the names travel.
 */
function pathsExpression() {
    let counter = 0;
    const keys = (input, prefix, depth) => {
        const k = `k${counter++}`;
        const children = depth <= 1
            ? []
            : {
                $let: {
                    vars: { [`${k}v`]: `$$${k}.v`, [`${k}p`]: { $concat: [prefix, `$$${k}.k`, "."] } },
                    in: {
                        $switch: {
                            branches: [
                                scan_branch({ $eq: [{ $type: `$$${k}v` }, "object"] }, keys(`$$${k}v`, `$$${k}p`, depth - 1)),
                                scan_branch({ $isArray: `$$${k}v` }, {
                                    $reduce: {
                                        input: {
                                            $filter: {
                                                input: `$$${k}v`,
                                                as: `${k}e`,
                                                cond: { $eq: [{ $type: `$$${k}e` }, "object"] },
                                            },
                                        },
                                        initialValue: [],
                                        in: { $setUnion: ["$$value", keys("$$this", `$$${k}p`, depth - 1)] },
                                    },
                                }),
                            ],
                            default: [],
                        },
                    },
                },
            };
        return {
            $reduce: {
                input: { $map: { input: { $objectToArray: input }, as: k, in: `$$${k}` } },
                initialValue: [],
                in: {
                    $let: {
                        vars: { [k]: "$$this", acc: "$$value" },
                        in: { $setUnion: ["$$acc", [{ $concat: [prefix, `$$${k}.k`] }], children] },
                    },
                },
            },
        };
    };
    return keys("$$ROOT", "", 3);
}
function scan_branch(condition, value) {
    // biome-ignore lint/suspicious/noThenProperty: MongoDB's $switch names a branch's value "then".
    return { case: condition, then: value };
}
/** Documents whose field paths the server lists (the whole collection when it is smaller). */
const DISCOVERY_DOCUMENTS = 50_000;
/** Documents per path that the first sample missed. */
const RARE_DOCUMENTS = 5;
/** At most this many rare paths are looked up (one indexed-or-not find each, time-bounded). */
const RARE_PATHS = 200;
/**
 * A sample that sees rare fields: `size` random documents, then, for every field path the server
 * finds in a much larger sample (50,000 documents or ten times `size`; the whole collection when
 * smaller) that those documents lack, a few documents that have it. Only the paths travel, not the
 * documents. A field in 3 of 50,000 documents is scanned; in a larger collection a field that rare
 * is found with the probability that the larger sample holds it.
 */
async function sampleCollection(coll, size) {
    const docs = await coll.aggregate([{ $sample: { size } }], { ...EXACT_BSON }).toArray();
    const seen = new Set();
    for (const d of docs)
        walk(d, "", (p) => seen.add(p));
    const discovered = await coll
        .aggregate([
        { $sample: { size: Math.max(size * 10, DISCOVERY_DOCUMENTS) } },
        { $project: { _id: 0, p: pathsExpression() } },
        { $unwind: "$p" },
        { $group: { _id: "$p" } },
    ], { maxTimeMS: 30_000, allowDiskUse: true })
        .toArray()
        .catch(() => []);
    const rare = discovered
        .map((d) => d._id)
        .filter((p) => !seen.has(p) && !p.split(".").some((s) => s === "" || s.startsWith("$")))
        .sort()
        .slice(0, RARE_PATHS);
    const ids = new Set(docs.map((d) => JSON.stringify(d._id)));
    for (const path of rare) {
        if (seen.has(path))
            continue;
        const more = await coll
            .find({ [path]: { $exists: true } }, { ...EXACT_BSON, limit: RARE_DOCUMENTS, maxTimeMS: 5_000 })
            .toArray()
            .catch(() => []);
        for (const d of more) {
            const id = JSON.stringify(d._id);
            if (ids.has(id))
                continue;
            ids.add(id);
            docs.push(d);
            walk(d, "", (p) => seen.add(p));
        }
    }
    return docs;
}
/** Samples a collection on the server (see {@link sampleCollection}) and scans it. */
async function scanCollection(db, collection, size, policy) {
    const [docs, names] = await Promise.all([
        sampleCollection(db.collection(collection), size),
        loadDetectors(),
    ]);
    return scanDocuments(collection, docs, policy, names);
}
/** Likely-personal paths that no rule and no keep covers: what strict mode refuses. */
function uncoveredFields(scans) {
    return scans.flatMap((s) => s.fields
        .filter((f) => f.personal && !f.coveredBy)
        .map((f) => ({
        collection: s.collection,
        path: f.path,
        why: describeReasons(f.reasons),
        suggestion: f.suggestion ?? "redact",
    })));
}
/** The same as lines: `users.email (name: e-mail; values: 100 % e-mail addresses) → email`. */
function uncovered(scans) {
    return uncoveredFields(scans).map((u) => `${u.collection}.${u.path} (${u.why}) → ${u.suggestion}`);
}
/** A YAML key as the config file needs it: plain when it can be, else double-quoted (JSON is valid YAML). */
function yamlKey(key) {
    return /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(key) && !/^(true|false|null|yes|no|on|off|y|n)$/i.test(key)
        ? key
        : JSON.stringify(key);
}
/** The rules that would cover every uncovered path, ready to paste under `masking:` in the config file. */
function suggestedRules(scans) {
    const missing = uncoveredFields(scans);
    if (!missing.length)
        return "";
    const lines = ["masking:", "  rules:"];
    for (const collection of [...new Set(missing.map((m) => m.collection))]) {
        lines.push(`    ${yamlKey(collection)}:`);
        for (const m of missing.filter((x) => x.collection === collection))
            lines.push(`      ${yamlKey(m.path)}: ${m.suggestion}`);
    }
    return lines.join("\n");
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
            f.coveredBy ?? (f.personal ? `suggested: ${f.suggestion}` : ""),
            describeReasons(f.reasons),
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

;// CONCATENATED MODULE: ../../packages/core/src/masking/strict.ts



/**
 * masking.strict: the producer refuses to publish while the scan finds a likely-personal path that
 * no rule and no keep covers. The refusal names every such path with its reason and the rule that
 * would cover it, and logs those rules as YAML ready to paste into the config file.
 */
async function strictModeCheck(o) {
    const scans = await Promise.all(o.collections.map((c) => scanCollection(o.db, c, o.sample, o.policy)));
    const missing = uncovered(scans);
    if (missing.length) {
        (0,log/* logLines */.OG)(o.log, formatScan(scans));
        (0,log/* logLines */.OG)(o.log, `Rules that would cover them (paste into the config file, or list a path under masking.keep if it is not personal):\n${suggestedRules(scans)}`);
        throw new errors/* RefusedError */.fk(`masking.strict: ${missing.length} likely-personal field(s) are covered by no masking rule and no keep: ${missing.join("; ")}. ` +
            "Add a rule (masking.rules; the log shows them ready to paste) or declare them not personal (masking.keep). Nothing was published: the previous snapshot stays in use.");
    }
    o.log.info(`masking.strict: every likely-personal field of the ${o.collections.length} collections is covered.`);
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
/**
 * The stages that keep only the documents whose reference does not resolve in `from` (the physical
 * collection that holds the referenced keys): the proof's and the catch-up's dangling check.
 */
function danglingReferenceStages(r, from) {
    return [
        {
            $lookup: {
                from,
                localField: r.field,
                foreignField: r.key,
                pipeline: [{ $project: { _id: 0, k: `$${r.key}` } }],
                as: "__prsRef",
            },
        },
        { $match: { $expr: { $not: [referencesResolve(r.field, "$__prsRef.k")] } } },
    ];
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
            else
                await streamHashes(c, pipeline);
        }
    };
    /** Production's hashes through this process (another deployment, or a snapshot read). */
    const streamHashes = async (c, pipeline, session) => {
        let batch = [];
        const flush = async () => {
            if (batch.length)
                await tmp.insertMany(batch, { ordered: false }).catch(ignoreDuplicates);
            batch = [];
        };
        for await (const d of o.source
            .collection(c)
            .aggregate(pipeline, { allowDiskUse: true, comment: o.comment, ...(session ? { session } : {}) })) {
            batch.push(d);
            if (batch.length >= 5_000)
                await flush();
        }
        await flush();
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
                                                            : s.kind === "password"
                                                                ? s.hash
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
    const addProductionValues = async (c, a) => {
        const paths = keyedPaths(c);
        if (!paths.length)
            return;
        await ready;
        const chunks = a.ids === undefined
            ? [undefined]
            : Array.from({ length: Math.ceil(a.ids.length / 1_000) }, (_, i) => a.ids?.slice(i * 1_000, (i + 1) * 1_000));
        for (const ids of chunks)
            await streamHashes(c, [
                ...(ids ? [{ $match: { _id: { $in: ids } } }] : []),
                { $project: { _id: 0, h: hashes(c, paths) } },
                { $unwind: "$h" },
                { $group: { _id: "$h" } },
            ], a.session);
    };
    return {
        verify,
        addProductionValues,
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
            .aggregate([...danglingReferenceStages(r, o.physical(r.collection)), { $count: "n" }])
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
    let status;
    let refused;
    try {
        status = await client.db("admin").command({ connectionStatus: 1, showPrivileges: true });
    }
    catch (error) {
        if (!isRefusal(error))
            throw error;
        refused = privileges_firstLine(error);
        // The detail is best-effort; who is connected, with which roles, is still worth asking.
        try {
            status = await client.db("admin").command({ connectionStatus: 1 });
        }
        catch (again) {
            if (!isRefusal(again))
                throw again;
            return {
                accessControl: true,
                users: [],
                writableProtected: [],
                writesAnyDatabase: false,
                dropsAnyDatabase: false,
                leaseCollectionActions: [],
                unknown: `the server refused connectionStatus (${privileges_firstLine(again)})`,
            };
        }
    }
    const info = status.authInfo;
    if (refused && info.authenticatedUsers.length > 0) {
        const byRoles = privilegesOfBuiltInRoles(info.authenticatedUserRoles ?? []);
        if (!byRoles.privileges) {
            return {
                accessControl: true,
                users: info.authenticatedUsers.map((u) => `${u.user}@${u.db}`),
                writableProtected: [],
                writesAnyDatabase: false,
                dropsAnyDatabase: false,
                leaseCollectionActions: [],
                unknown: `the server refused connectionStatus with showPrivileges (${refused}) and the roles ${byRoles.unknown.join(", ")} are not built-in roles whose privileges are known`,
            };
        }
        info.authenticatedUserPrivileges = byRoles.privileges;
    }
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
        else if (db === "" && collection === target_LEASE_COLLECTION) {
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
function privileges_firstLine(error) {
    return (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";
}
/** MongoDB's (and Atlas's) built-in roles, as the write privileges the audit looks at. */
const BUILT_IN_WRITES = {
    read: "none",
    readAnyDatabase: "none",
    clusterMonitor: "none",
    hostManager: "none",
    backup: "none",
    readWrite: "db",
    dbAdmin: "db",
    dbOwner: "db",
    userAdmin: "db",
    readWriteAnyDatabase: "any",
    dbAdminAnyDatabase: "any",
    userAdminAnyDatabase: "any",
    clusterAdmin: "any",
    clusterManager: "any",
    restore: "any",
    root: "any",
    __system: "any",
    atlasAdmin: "any",
    enableSharding: "none",
};
/**
 * When the server will not list privileges, built-in roles still say enough: a role on one
 * database writes that database, an *AnyDatabase role (or Atlas's atlasAdmin) writes every one.
 * A custom role could grant anything: then nothing is known.
 */
function privilegesOfBuiltInRoles(roles) {
    const unknown = roles.filter((r) => !(r.role in BUILT_IN_WRITES)).map((r) => `${r.role}@${r.db}`);
    if (unknown.length)
        return { unknown };
    const privileges = [];
    for (const r of roles) {
        const kind = BUILT_IN_WRITES[r.role];
        if (kind === "db" && r.db !== "admin")
            privileges.push({ resource: { db: r.db, collection: "" }, actions: ["insert", "update", "remove"] });
        else if (kind === "any" || (kind === "db" && r.db === "admin"))
            privileges.push({ resource: { anyResource: true }, actions: ["insert", "update", "remove"] });
    }
    return { privileges, unknown };
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
    if (audit.unknown) {
        // Fail closed: this audit is what keeps over-privileged credentials off production's
        // deployment, so a server that will not say what they may do is not taken as a "no".
        const message = `The privileges of the credentials in mongodb-uri${audit.users.length ? ` (${audit.users.join(", ")})` : ""} cannot be checked: ${audit.unknown}. ` +
            `The intended model gives this job ${options.intended}. Use a user with only built-in roles (read, readWrite, dbAdmin on named databases), ` +
            "or set allow-privileged-credentials: true to proceed on the target rules alone.";
        if (!options.allow)
            throw new errors/* RefusedError */.fk(message);
        log.warning(`${message} (proceeding: allow-privileged-credentials is true)`);
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
    if (audit.unknown) {
        const message = `The privileges of the credentials in source-uri cannot be checked on ${options.where}: ${audit.unknown}. ` +
            `The producer only reads production: give source-uri a user with the built-in read role on "${sourceDatabase}", ` +
            "or set allow-privileged-credentials: true to proceed anyway.";
        if (!options.allow)
            throw new errors/* RefusedError */.fk(message);
        log.warning(`${message} (proceeding: allow-privileged-credentials is true)`);
        return;
    }
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

;// CONCATENATED MODULE: ../../packages/core/src/throttle/decide.ts
/**
 * The throttle's decision (issue 23), pure like lock/decide.ts: the latest readings of the
 * cluster's signals and the thresholds in, go / pause / abort with the reasons out. The I/O that
 * reads the signals is throttle/signals.ts; what acts on the decision is throttle/throttle.ts.
 *
 * - pause while any signal is over its threshold: majority-commit lag, the probe read's latency,
 *   flow control engaged, no storage-engine tickets left, or the signals cannot be read at all;
 * - resume only once every signal is back under its resume level (lag: half its threshold), so a
 *   copy does not flap on the threshold;
 * - abort when a critical threshold (lag or latency) has been exceeded continuously for
 *   `criticalForMs`: the copy gives up cleanly rather than wait behind a cluster in trouble.
 */
/**
 * How long unreadable signals hold the copy: long enough for an election (10 s by default) to end,
 * not forever, since a deployment that stopped answering fails the copy itself, with the engine's
 * own explanation, once the copy is let through.
 */
const UNREADABLE_HOLD_MS = 30_000;
const INITIAL_STATE = { paused: false };
function decide(now, readings, limits, state) {
    const critical = readings.flatMap((r) => criticalReasons(r, limits));
    const criticalSince = critical.length ? (state.criticalSince ?? now) : undefined;
    if (critical.length && criticalSince !== undefined && now - criticalSince >= limits.criticalForMs) {
        const first = critical[0];
        return {
            action: "abort",
            reasons: [
                { ...first, text: `${first.text} for ${seconds(now - criticalSince)}` },
                ...critical.slice(1),
            ],
            state: { paused: true, criticalSince },
        };
    }
    // Paused, a signal holds the copy back until it is under its resume level; running, until it
    // is over its threshold.
    const unreadable = readings.some((r) => r.unreadable !== undefined);
    const unreadableSince = unreadable ? (state.unreadableSince ?? now) : undefined;
    const holdUnreadable = unreadableSince !== undefined && now - unreadableSince < UNREADABLE_HOLD_MS;
    const reasons = readings
        .flatMap((r) => holdingReasons(r, limits, state.paused))
        .filter((r) => r.signal !== "unreadable" || holdUnreadable);
    const paused = reasons.length > 0;
    return {
        action: paused ? "pause" : "go",
        reasons,
        state: {
            paused,
            ...(criticalSince !== undefined ? { criticalSince } : {}),
            ...(unreadableSince !== undefined ? { unreadableSince } : {}),
        },
    };
}
function holdingReasons(r, limits, paused) {
    const out = [];
    const where = r.where ? { where: r.where } : {};
    const prefix = r.where ? `${r.where}: ` : "";
    if (r.unreadable !== undefined) {
        out.push({ signal: "unreadable", ...where, text: `${prefix}signals unreadable (${r.unreadable})` });
        return out;
    }
    if (r.lagMs !== undefined) {
        const limit = paused ? limits.maxLagMs * limits.resumeLagFraction : limits.maxLagMs;
        if (r.lagMs > limit)
            out.push({
                signal: "lag",
                ...where,
                value: r.lagMs,
                limit,
                text: `${prefix}majority lag ${over(r.lagMs, limit, seconds)}${paused && limit < limits.maxLagMs ? " (resume level)" : ""}`,
            });
    }
    if (r.latencyMs !== undefined && r.maxLatencyMs !== undefined && r.latencyMs > r.maxLatencyMs)
        out.push({
            signal: "latency",
            ...where,
            value: r.latencyMs,
            limit: r.maxLatencyMs,
            text: `${prefix}probe latency ${over(r.latencyMs, r.maxLatencyMs, millis)}${r.baselineMs !== undefined ? ` (baseline ${millis(r.baselineMs)})` : ""}`,
        });
    if (r.flowControlLagged === true)
        out.push({
            signal: "flow-control",
            ...where,
            text: `${prefix}flow control engaged (the server is throttling writers)`,
        });
    if (r.ticketsAvailable !== undefined && r.ticketsAvailable <= 0)
        out.push({
            signal: "tickets",
            ...where,
            value: r.ticketsAvailable,
            limit: 0,
            text: `${prefix}no storage-engine tickets available`,
        });
    return out;
}
function criticalReasons(r, limits) {
    const where = r.where ? { where: r.where } : {};
    const prefix = r.where ? `${r.where}: ` : "";
    const out = [];
    if (r.lagMs !== undefined && r.lagMs > limits.criticalLagMs)
        out.push({
            signal: "lag",
            ...where,
            value: r.lagMs,
            limit: limits.criticalLagMs,
            text: `${prefix}majority lag ${over(r.lagMs, limits.criticalLagMs, seconds, "critical ")}`,
        });
    if (r.latencyMs !== undefined && r.criticalLatencyMs !== undefined && r.latencyMs > r.criticalLatencyMs)
        out.push({
            signal: "latency",
            ...where,
            value: r.latencyMs,
            limit: r.criticalLatencyMs,
            text: `${prefix}probe latency ${over(r.latencyMs, r.criticalLatencyMs, millis, "critical ")}`,
        });
    return out;
}
/**
 * The probe latency a copy pauses at, from the baseline: 4× it, and at least 100 ms above it. The
 * floor is absolute, as gh-ost's load thresholds are: a copy on an otherwise idle 2-core server
 * alone pushes the probe from a few ms to 40–90 ms (README, "The throttle"), which hurts nobody;
 * a point read 100 ms slower than usual is what an application notices. Latency-sensitive
 * production sets max-latency-ms lower.
 */
function latencyThreshold(baselineMs) {
    return Math.max(LATENCY_FACTOR * baselineMs, baselineMs + LATENCY_FLOOR_MS);
}
const LATENCY_FACTOR = 4;
const LATENCY_FLOOR_MS = 100;
/**
 * "2.6 s > 2 s": a value rounded to its limit's text is shown with more digits, so that a reason
 * never reads "1 s > 1 s".
 */
function over(value, limit, fmt, label = "") {
    const l = fmt(limit);
    let v = fmt(value);
    for (let digits = 2; v === l && digits <= 4; digits++)
        v = fmt === seconds ? `${(value / 1000).toFixed(digits)} s` : `${value.toFixed(digits)} ms`;
    return `${v} > ${label}${l}`;
}
/** "2.6 s", "12 s", "1 min 5 s". */
function seconds(ms) {
    const s = ms / 1000;
    if (s < 10)
        return `${trim(s.toFixed(1))} s`;
    if (s < 60)
        return `${Math.round(s)} s`;
    const m = Math.floor(s / 60);
    const rest = Math.round(s - m * 60);
    return rest ? `${m} min ${rest} s` : `${m} min`;
}
/** "0.42 ms", "3.1 ms", "48 ms". */
function millis(ms) {
    if (ms < 1)
        return `${trim(ms.toFixed(2))} ms`;
    if (ms < 10)
        return `${trim(ms.toFixed(1))} ms`;
    return `${Math.round(ms)} ms`;
}
function trim(n) {
    return n.includes(".") ? n.replace(/\.?0+$/, "") : n;
}

;// CONCATENATED MODULE: ../../packages/core/src/throttle/readings.ts
function opTimeKey(ts) {
    const x = ts;
    if (x && typeof x.t === "number" && typeof x.i === "number")
        return { t: x.t, i: x.i };
    return undefined;
}
function after(a, b) {
    return a.t > b.t || (a.t === b.t && a.i > b.i);
}
/**
 * Majority-commit lag measured on the primary with `hello` (no privilege needed): the age of the
 * oldest write this tracker saw (`lastWrite.opTime`) that is not yet majority-committed
 * (`lastWrite.majorityOpTime`). Optimes are compared exactly, so neither the idle primary's
 * periodic no-op writes nor the whole-second resolution of `lastWriteDate`/`majorityWriteDate`
 * can fake a lag (`now − majorityWriteDate` reads up to ~10 s on a healthy idle set); the
 * resolution is the polling interval. It is gh-ost's heartbeat, with the oplog as the heartbeat.
 */
class LagTracker {
    pending = [];
    /** One `hello` answer, read at `at` (ms); returns the lag in ms, or undefined without lastWrite. */
    observe(at, hello) {
        const last = opTimeKey(hello.lastWrite?.opTime?.ts);
        const majority = opTimeKey(hello.lastWrite?.majorityOpTime?.ts);
        if (!last || !majority)
            return undefined;
        const newest = this.pending.at(-1);
        if (after(last, majority) && (!newest || after(last, newest.op)))
            this.pending.push({ at, op: last });
        while (this.pending.length && !after(this.pending[0].op, majority))
            this.pending.shift();
        const oldest = this.pending[0];
        return oldest ? Math.max(0, at - oldest.at) : 0;
    }
}
/**
 * The parts of `serverStatus` the throttle reads, where the server reports them: flow control
 * (`flowControl.isLagged`, 4.2+) and the storage engine's tickets, under
 * `wiredTiger.concurrentTransactions` up to 7.0 and `queues.execution` from 8.0.
 */
function statusReadings(status) {
    const out = {};
    const fc = status.flowControl;
    if (fc && typeof fc.isLagged === "boolean")
        out.flowControlLagged = fc.isLagged;
    if (fc && fc.isLaggedCount !== undefined && Number.isFinite(Number(fc.isLaggedCount)))
        out.flowControlLaggedCount = Number(fc.isLaggedCount);
    const tickets = status.queues?.execution ??
        status.wiredTiger?.concurrentTransactions;
    const available = [tickets?.read?.available, tickets?.write?.available]
        .map(Number)
        .filter((n) => Number.isFinite(n));
    if (available.length)
        out.ticketsAvailable = Math.min(...available);
    return out;
}
/**
 * The median of the recent probe reads, counting a read still in flight as a sample of at least
 * its elapsed time: a probe that hangs raises the median instead of leaving it at the last
 * finished reads. One slow read (a checkpoint, a pause of the runner) does not move the median.
 */
function probeLatency(recent, inFlightMs) {
    const xs = [...recent, ...(inFlightMs !== undefined && inFlightMs > 0 ? [inFlightMs] : [])];
    if (!xs.length)
        return undefined;
    return median(xs);
}
function median(xs) {
    const s = [...xs].sort((a, b) => a - b);
    const mid = Math.floor(s.length / 2);
    return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

;// CONCATENATED MODULE: ../../packages/core/src/throttle/signals.ts



const WINDOW = 5;
const BASELINE_MAX_MS = 2_000;
const PROBE_TIMEOUT_MS = 30_000;
class SignalReader {
    target;
    o;
    lag = new LagTracker();
    recent = [];
    lagMs;
    probeStarted;
    status = {};
    flowControlCountAtStart;
    unreadable;
    probeError;
    probeRefused = false;
    stopped = false;
    loops = [];
    interval;
    now;
    peaks;
    baselineMs;
    constructor(target, o) {
        this.target = target;
        this.o = o;
        this.interval = o.intervalMs ?? 250;
        this.now = o.now ?? (() => performance.now());
        this.peaks = { ...(target.where ? { where: target.where } : {}), unavailable: [] };
    }
    /** Measures the probe's baseline, then keeps reading every signal until {@link stop}. */
    async start() {
        const samples = [];
        // At most 12 reads or 2 s: on a server already slow the baseline must not delay the run for long.
        const until = this.now() + BASELINE_MAX_MS;
        for (let i = 0; i < (this.o.baselineSamples ?? 12) &&
            !this.stopped &&
            !this.probeRefused &&
            (i === 0 || this.now() < until); i++) {
            const ms = await this.probeOnce();
            if (ms !== undefined)
                samples.push(ms);
            await signals_sleep(20);
        }
        if (samples.length) {
            this.baselineMs = median(samples);
            this.peaks.baselineMs = this.baselineMs;
        }
        const hello = await this.readHello();
        if (hello === "not-a-replica-set")
            this.peaks.unavailable.push("majority lag: not a replica set");
        else
            this.loops.push(this.every(this.interval, () => this.readHello()));
        if (samples.length)
            this.loops.push(this.every(this.interval, () => this.probeOnce()));
        else if (!this.probeRefused)
            this.peaks.unavailable.push("probe latency: no baseline (every read failed)");
        this.loops.push(this.every(this.o.statusIntervalMs ?? 1_000, () => this.readStatus()));
    }
    async stop() {
        this.stopped = true;
        await Promise.allSettled(this.loops);
    }
    /** The latest readings, for the decision. */
    readings() {
        const inFlight = this.probeStarted !== undefined ? this.now() - this.probeStarted : undefined;
        const latencyMs = probeLatency(this.recent, inFlight);
        const r = {
            ...(this.target.where ? { where: this.target.where } : {}),
            ...(this.lagMs !== undefined ? { lagMs: this.lagMs } : {}),
            ...(latencyMs !== undefined && this.baselineMs !== undefined ? { latencyMs } : {}),
            ...(this.baselineMs !== undefined ? { baselineMs: this.baselineMs } : {}),
            ...(this.status.flowControlLagged !== undefined
                ? { flowControlLagged: this.status.flowControlLagged }
                : {}),
            ...(this.status.ticketsAvailable !== undefined
                ? { ticketsAvailable: this.status.ticketsAvailable }
                : {}),
            ...(this.unreadable !== undefined || this.probeError !== undefined
                ? { unreadable: (this.unreadable ?? this.probeError) }
                : {}),
        };
        if (r.latencyMs !== undefined)
            this.peaks.latencyMs = Math.max(this.peaks.latencyMs ?? 0, r.latencyMs);
        return r;
    }
    async every(ms, fn) {
        while (!this.stopped) {
            const started = this.now();
            await fn();
            await signals_sleep(Math.max(10, ms - (this.now() - started)));
        }
    }
    async readHello() {
        try {
            const hello = await this.target.client.db("admin").command({ hello: 1 });
            this.unreadable = undefined;
            if (typeof hello.setName !== "string")
                return "not-a-replica-set";
            const lag = this.lag.observe(this.now(), hello);
            if (lag === undefined)
                return "not-a-replica-set";
            this.lagMs = lag;
            this.peaks.lagMs = Math.max(this.peaks.lagMs ?? 0, lag);
        }
        catch (error) {
            this.unreadable = `hello: ${signals_firstLine(error)}`;
        }
        return undefined;
    }
    /**
     * One probe read, its latency in ms; undefined when the server refuses it (then there is no
     * latency signal) or it failed (then the signals are unreadable until a probe succeeds).
     */
    async probeOnce() {
        if (this.probeRefused)
            return undefined;
        const { db, collection, filter } = this.target.probe;
        const started = this.now();
        this.probeStarted = started;
        try {
            await this.target.client
                .db(db)
                .collection(collection)
                .find(filter, { limit: 1, projection: { _id: 1 }, timeoutMS: PROBE_TIMEOUT_MS })
                .toArray();
            this.probeError = undefined;
            return this.sample(this.now() - started);
        }
        catch (error) {
            if (isRefusal(error)) {
                warnRefusal(error, {
                    log: this.o.log,
                    skipped: `the throttle's probe read on ${db}.${collection}`,
                    cost: "the throttle watches the other signals only",
                });
                this.peaks.unavailable.push("probe latency: the read was refused");
                this.probeRefused = true;
                this.recent.length = 0;
                this.baselineMs = undefined;
                return undefined;
            }
            // A probe that times out is a read that slow; any other failure makes the signals unreadable.
            if (error instanceof lib.MongoOperationTimeoutError)
                return this.sample(this.now() - started);
            this.probeError = `probe: ${signals_firstLine(error)}`;
            return undefined;
        }
        finally {
            this.probeStarted = undefined;
        }
    }
    sample(ms) {
        this.recent.push(ms);
        if (this.recent.length > WINDOW)
            this.recent.shift();
        return ms;
    }
    statusRefused = false;
    async readStatus() {
        if (this.statusRefused)
            return;
        try {
            const status = await bestEffort(() => this.target.client.db("admin").command({
                serverStatus: 1,
                // Only what the throttle reads: the rest of serverStatus is large and not needed.
                asserts: 0,
                connections: 0,
                electionMetrics: 0,
                extra_info: 0,
                globalLock: 0,
                locks: 0,
                logicalSessionRecordCache: 0,
                metrics: 0,
                network: 0,
                opLatencies: 0,
                opcounters: 0,
                opcountersRepl: 0,
                repl: 0,
                security: 0,
                storageEngine: 0,
                tcmalloc: 0,
                transactions: 0,
                transportSecurity: 0,
                twoPhaseCommitCoordinator: 0,
            }), {
                log: this.o.log,
                skipped: "serverStatus for the throttle (flow control, storage-engine tickets)",
                cost: "the throttle watches majority lag and its probe read only (serverStatus needs clusterMonitor)",
                expected: true,
            });
            if (!status) {
                this.statusRefused = true;
                this.peaks.unavailable.push("flow control and tickets: serverStatus refused");
                return;
            }
            const s = statusReadings(status);
            this.status = s;
            if (s.flowControlLagged)
                this.peaks.flowControlEngaged = true;
            if (s.flowControlLaggedCount !== undefined) {
                this.flowControlCountAtStart ??= s.flowControlLaggedCount;
                this.peaks.flowControlEngagements = s.flowControlLaggedCount - this.flowControlCountAtStart;
            }
            if (s.ticketsAvailable !== undefined)
                this.peaks.ticketsMin = Math.min(this.peaks.ticketsMin ?? Number.POSITIVE_INFINITY, s.ticketsAvailable);
        }
        catch {
            // Not a refusal (a failover, the network): hello and the probe report unreadable signals.
        }
    }
}
function signals_firstLine(error) {
    return (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";
}
const signals_sleep = (ms) => new Promise((r) => setTimeout(r, ms));

;// CONCATENATED MODULE: ../../packages/core/src/throttle/throttle.ts







/**
 * The throttle of one run's copies (issue 23). It reads the cluster's signals in the background
 * (signals.ts), decides every tick (decide.ts), and acts through the copy engine's hooks: the
 * engine awaits {@link Throttle.gate} before every collection's copy and between two bounded
 * chunks, and the gate stays shut while the decision is "pause".
 *
 * There is no coordinator between runs: every run of every PR reads the same server's signals, so
 * they pause together, and each resumes after a random delay of up to {@link RESUME_JITTER_MS}
 * once the signals clear, so that they do not all start writing again in the same instant.
 */
/**
 * Largest chunk a throttled copy writes between two checks, MB: a fraction of a second on 2 cores,
 * so that every run stops within one chunk once a signal rises. Copying whole collections while
 * the cluster looked calm was tried and measured: 3 concurrent restores started 12 unpausable
 * `$out`s and drove the majority lag to 47 s before the first rise could stop anything (README,
 * "The throttle"). A chunk is a `$merge` of one `_id` range with the indexes built after the last
 * chunk, which costs the same as `$out` on 2 cores.
 */
const THROTTLE_CHUNK_MB = 8;
/** Longest random delay before a run resumes once every signal is back under its resume level. */
const RESUME_JITTER_MS = 1_000;
/** A paused copy resumes once the lag is at most this fraction of max-lag-seconds. */
const RESUME_LAG_FRACTION = 0.5;
/**
 * After a decrease, the window grows by one collection every this many units of work (chunks or
 * whole copies) done without a pause, back to the engine's own concurrency.
 */
const GROW_AFTER = 2;
/** While the probe stays slow and several copies run, the window is halved at most this often. */
const CUT_EVERY_MS = 2_000;
/**
 * The probe of a deployment that holds the snapshot: its `latest` metadata document, by `_id`
 * (readable by every restore and producer user).
 */
function throttle_snapshotProbe(snapshotDatabase) {
    return { db: snapshotDatabase, collection: target_METADATA_COLLECTION, filter: { _id: "latest" } };
}
/** The probe of production: one `_id` lookup in a collection the producer reads anyway. */
function collectionProbe(database, collection) {
    return { db: database, collection, filter: { _id: "pr-snapshots throttle probe" } };
}
/**
 * Starts the throttle of a run, or returns undefined when it is off (then nothing is read and the
 * copies run exactly as without it).
 */
function throttle_startThrottle(settings, o) {
    if (!settings || settings.mode === "off")
        return undefined;
    return new Throttle({ ...o, settings });
}
/** The copy was stopped because a critical threshold was exceeded for too long. */
class ThrottleAbortError extends errors/* RefusedError */.fk {
    name = "ThrottleAbortError";
}
const MAX_PAUSES_KEPT = 500;
class Throttle {
    o;
    readers;
    limits;
    interval;
    now;
    random;
    jitter;
    state = INITIAL_STATE;
    reasons = [];
    open = true;
    resumeAt;
    episode;
    waiters = [];
    timer;
    ready;
    stopped = false;
    pauses = [];
    pausedMs = 0;
    pauseCount = 0;
    abortError;
    abortReason;
    chunkMb = THROTTLE_CHUNK_MB;
    roseAt;
    lastCut;
    /** A signal is over its threshold now (whether it paused the copy or only narrowed the window). */
    congested = false;
    /** Collections copied at once, at most (congestion window: see admit); ∞ = the engine's own limit. */
    window = Number.POSITIVE_INFINITY;
    windowMin = Number.POSITIVE_INFINITY;
    peakInFlight = 0;
    inFlight = 0;
    clean = 0;
    slots = [];
    constructor(o) {
        this.o = o;
        this.interval = o.intervalMs ?? 250;
        this.now = o.now ?? (() => performance.now());
        this.random = o.random ?? Math.random;
        this.jitter = o.jitterMs ?? RESUME_JITTER_MS;
        const maxLagMs = o.settings.maxLagSeconds * 1000;
        this.limits = {
            maxLagMs,
            criticalLagMs: o.settings.criticalLagSeconds * 1000,
            resumeLagFraction: RESUME_LAG_FRACTION,
            criticalForMs: o.settings.criticalSeconds * 1000,
        };
        this.readers =
            o.sources ??
                o.watch.map((w) => new SignalReader(w, { log: o.log, intervalMs: this.interval, now: this.now }));
        // The baseline is read while the run prepares (plan, lease, drops); the first gate waits for it.
        this.ready = Promise.all(this.readers.map((r) => r.start())).then(() => {
            this.describe();
            this.tick();
            if (!this.stopped)
                this.timer = setInterval(() => this.tick(), this.interval);
        });
        // A rejection is seen by the first gate; until then it must not count as unhandled.
        this.ready.catch(() => { });
    }
    /**
     * The engine's hooks (CopyEnv): the window and the gate before each collection, the gate between
     * chunks, chunks of {@link THROTTLE_CHUNK_MB} unless the run sets its own size, and the abort as
     * the reason any copy failed once the throttle stopped it.
     */
    copyHooks(chunkMb, between) {
        this.chunkMb = chunkMb ?? THROTTLE_CHUNK_MB;
        return {
            chunkMb: this.chunkMb,
            betweenChunks: async (at) => {
                await between?.(at);
                // A copy over a narrowed window waits here for its turn; a chunk done without a pause is
                // what lets the window grow again.
                if ((await this.gate()) && (await this.fitWindow()))
                    this.grow();
            },
            beforeCopy: () => this.admit(),
            stopped: () => this.abortError,
        };
    }
    /**
     * Admits one collection's copy: through the gate, and only while fewer than the window's copies
     * run. The window is congestion control without a coordinator, TCP's AIMD: it starts open (the
     * engine's own concurrency, so a calm cluster copies exactly as fast as unthrottled), is halved
     * each time a signal rises, and grows by one every {@link GROW_AFTER} chunks or copies done
     * without a pause until it is open again. Every run sees the same signals, so together they back
     * off to what the cluster sustains. The returned function ends the copy.
     */
    async admit() {
        for (;;) {
            await this.gate();
            if (this.inFlight < this.window)
                break;
            await new Promise((resolve) => this.slots.push(resolve));
        }
        this.inFlight++;
        this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
        let ended = false;
        return () => {
            if (ended)
                return;
            ended = true;
            this.inFlight--;
            this.grow();
            this.slots.shift()?.();
        };
    }
    /**
     * Between two chunks: a copy running over a narrowed window gives up its place until one is
     * free (true: it did not have to wait).
     */
    async fitWindow() {
        if (this.inFlight <= this.window)
            return true;
        this.inFlight--;
        try {
            for (;;) {
                await this.gate();
                if (this.inFlight < this.window)
                    break;
                await new Promise((resolve) => this.slots.push(resolve));
            }
        }
        finally {
            this.inFlight++;
        }
        return false;
    }
    /** One more unit of work done without a pause: widen a narrowed window now and then. */
    grow() {
        // Not while the probe is still slow: the cut has not had its effect yet.
        if (this.window === Number.POSITIVE_INFINITY || this.congested)
            return;
        if (++this.clean < GROW_AFTER)
            return;
        this.clean = 0;
        this.window++;
        // As wide as the most copies that ever ran: the engine's own limit governs again.
        if (this.window >= this.peakInFlight) {
            this.window = Number.POSITIVE_INFINITY;
            for (const wake of this.slots.splice(0))
                wake();
        }
        else
            this.slots.shift()?.();
    }
    /** A signal rose: half as many copies at once (those over the window finish their chunk first). */
    shrink() {
        this.window = Math.max(1, Math.floor(Math.min(this.window, Math.max(1, this.inFlight)) / 2));
        this.windowMin = Math.min(this.windowMin, this.window);
        this.clean = 0;
        this.roseAt ??= Date.now();
    }
    /**
     * Resolves when the copy may go on (true: at once, false: after a pause); waits while paused;
     * throws once the throttle aborted.
     */
    async gate() {
        await this.ready;
        if (this.abortError)
            throw this.abortError;
        // Stopped (the run's copies are done): nothing would ever reopen the gate.
        if (this.stopped)
            return true;
        if (this.open)
            return true;
        if (!this.episode) {
            const reason = this.reasons[0] ?? { signal: "lag", text: "resuming" };
            this.episode = { started: this.now(), startedAt: Date.now(), reason };
            this.o.log.info(`Throttle: pausing the copy: ${this.reasonsText()}.`);
        }
        await new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
        return false;
    }
    /** For progress lines: "paused 3.2 s: majority lag 2.6 s > 2 s", or the pauses so far. */
    note() {
        if (this.episode)
            return `paused ${seconds(this.now() - this.episode.started)}: ${this.reasonsText()}`;
        if (this.pauseCount)
            return `throttle: paused ${this.pauseCount}× for ${seconds(this.pausedMs)} so far`;
        return undefined;
    }
    report() {
        return {
            pausedMs: this.pausedMs + (this.episode ? this.now() - this.episode.started : 0),
            pauses: [...this.pauses],
            maxLagMs: this.limits.maxLagMs,
            criticalLagMs: this.limits.criticalLagMs,
            criticalForMs: this.limits.criticalForMs,
            chunkMb: this.chunkMb,
            ...(this.roseAt !== undefined ? { roseAt: this.roseAt } : {}),
            window: { min: Math.min(this.windowMin, this.peakInFlight), max: this.peakInFlight },
            latency: this.readers.flatMap((r) => {
                const t = this.latencyLimits(r);
                return t
                    ? [
                        {
                            ...(r.target.where ? { where: r.target.where } : {}),
                            maxMs: t.max,
                            ...(t.critical !== undefined ? { criticalMs: t.critical } : {}),
                        },
                    ]
                    : [];
            }),
            peaks: this.readers.map((r) => ({ ...r.peaks, unavailable: [...r.peaks.unavailable] })),
            ...(this.abortReason ? { aborted: this.abortReason } : {}),
        };
    }
    async stop() {
        this.stopped = true;
        if (this.timer)
            clearInterval(this.timer);
        this.timer = undefined;
        await Promise.all(this.readers.map((r) => r.stop()));
        if (this.episode)
            this.endEpisode();
        this.release();
    }
    /**
     * The probe's pause level, and its abort level only when one is set: the probe cannot tell
     * production's own load from the copy's, and a paused copy adds none, so a slow probe alone
     * never stops a run unless the user asks for it (the lag's critical level is on by default).
     */
    latencyLimits(r) {
        if (r.baselineMs === undefined)
            return undefined;
        const max = this.o.settings.maxLatencyMs ?? latencyThreshold(r.baselineMs);
        const critical = this.o.settings.criticalLatencyMs;
        return { max, ...(critical !== undefined ? { critical } : {}) };
    }
    describe() {
        const parts = [`pauses while the majority lag > ${seconds(this.limits.maxLagMs)}`];
        for (const r of this.readers) {
            const t = this.latencyLimits(r);
            const at = r.target.where ? ` (${r.target.where})` : "";
            if (t && r.baselineMs !== undefined)
                parts.push(`the probe read${at} > ${millis(t.max)} (baseline ${millis(r.baselineMs)})`);
            for (const u of r.peaks.unavailable)
                parts.push(`no ${u}${at}`);
        }
        this.o.log.info(`Throttle (throttle: auto): ${parts.join("; ")}; flow control engaged or no storage-engine tickets, where serverStatus is readable. ` +
            `Aborts when the lag stays over ${seconds(this.limits.criticalLagMs)}${this.o.settings.criticalLatencyMs !== undefined ? ` or the probe over ${millis(this.o.settings.criticalLatencyMs)}` : ""} for ${seconds(this.limits.criticalForMs)}.`);
    }
    tick() {
        if (this.stopped || this.abortError)
            return;
        const now = this.now();
        const readings = this.readers.map((r) => {
            const t = this.latencyLimits(r);
            return {
                ...r.readings(),
                ...(t ? { maxLatencyMs: t.max } : {}),
                ...(t?.critical !== undefined ? { criticalLatencyMs: t.critical } : {}),
            };
        });
        const d = decide(now, readings, this.limits, this.state);
        this.state = d.state;
        if (d.action === "abort") {
            this.abort(d.reasons);
            return;
        }
        if (d.action === "pause" && this.open && d.reasons.every((r) => r.signal === "latency")) {
            // Latency is a congestion signal, as delay is to TCP: while more than one copy runs, fewer
            // at once (halved, at most every CUT_EVERY_MS) before anything pauses. Lag, flow control,
            // tickets and unreadable signals are hard limits: they pause at once.
            const running = Math.min(this.window, this.inFlight);
            if (running > 1) {
                this.state = { ...d.state, paused: false };
                this.congested = true;
                if (this.lastCut === undefined || now - this.lastCut >= CUT_EVERY_MS) {
                    this.lastCut = now;
                    this.reasons = d.reasons;
                    this.shrink();
                    this.o.log.debug(`Throttle: over threshold: ${this.reasonsText()}; ${this.window} collection${this.window === 1 ? "" : "s"} at a time from now on.`);
                }
                return;
            }
        }
        this.congested = d.action === "pause";
        if (d.action === "pause") {
            const was = signalsOf(this.reasons);
            this.reasons = d.reasons;
            if (this.open) {
                this.o.log.debug(`Throttle: over threshold: ${this.reasonsText()}.`);
                // What is running made a signal rise: fewer copies at once from now on.
                this.shrink();
            }
            // A pause can outlast its first reason: say so when another signal holds it now.
            else if (this.episode && signalsOf(d.reasons) !== was)
                this.o.log.info(`Throttle: still paused: ${this.reasonsText()}.`);
            this.open = false;
            this.resumeAt = undefined;
            return;
        }
        if (this.open)
            return;
        if (this.resumeAt === undefined)
            this.o.log.debug("Throttle: every signal is under its resume level.");
        // Clear: resume after a random delay, so that runs paused by the same signal do not all
        // write again in the same instant; a signal that rises meanwhile keeps the gate shut.
        this.resumeAt ??= now + this.random() * this.jitter;
        if (now < this.resumeAt)
            return;
        this.open = true;
        this.resumeAt = undefined;
        if (this.episode)
            this.endEpisode();
        this.release();
    }
    endEpisode() {
        const e = this.episode;
        if (!e)
            return;
        this.episode = undefined;
        const ms = this.now() - e.started;
        this.pausedMs += ms;
        this.pauseCount++;
        if (this.pauses.length < MAX_PAUSES_KEPT)
            this.pauses.push({
                startMs: e.startedAt,
                endMs: e.startedAt + ms,
                signal: e.reason.signal,
                reason: e.reason.text,
            });
        this.o.log.info(`Throttle: paused ${seconds(ms)}: ${e.reason.text}; resuming.`);
    }
    release() {
        const waiters = this.waiters;
        this.waiters = [];
        for (const w of waiters)
            w.resolve();
    }
    reasonsText() {
        return this.reasons.map((r) => r.text).join("; ") || "resuming shortly";
    }
    abort(reasons) {
        const reason = reasons[0]?.text ?? "a critical threshold";
        this.abortReason = reason;
        this.abortError = new ThrottleAbortError(`The throttle stopped the copy: ${reason} (critical-lag-seconds / critical-latency-ms, for critical-seconds). ` +
            `${this.o.kept ? `${this.o.kept()} ` : ""}Run again once the cluster has recovered, or raise the critical thresholds.`);
        this.o.log.warning(`Throttle: ${reason}: stopping the copy.`);
        if (this.timer)
            clearInterval(this.timer);
        this.timer = undefined;
        if (this.episode)
            this.endEpisode();
        const waiters = this.waiters;
        this.waiters = [];
        for (const w of waiters)
            w.reject(this.abortError);
        for (const wake of this.slots.splice(0))
            wake();
        // A chunk in flight may be waiting for a majority that is not coming: stop it on the server.
        const copies = this.o.copies;
        if (copies)
            for (const r of this.readers)
                if (r.target.client)
                    void stopOwnCopies(r.target.client, copies.targetDb, copies.tag, this.o.log);
    }
}
function signalsOf(reasons) {
    return reasons.map((r) => `${r.where ?? ""}/${r.signal}`).join(",");
}
/** The run's own server-side copies into `targetDb`, stopped with killOp (best-effort). */
async function stopOwnCopies(client, targetDb, tag, log) {
    const pattern = `^${(0,names/* escapeRegExp */.Nt)(`${COPY_COMMENT_PREFIX} ${targetDb}.`)}.* ${(0,names/* escapeRegExp */.Nt)(tag)}$`;
    try {
        const ops = await bestEffort(() => client
            .db("admin")
            .aggregate([
            { $currentOp: { allUsers: false, idleConnections: false } },
            { $match: { "command.comment": { $regex: pattern, $options: "s" } } },
        ])
            .toArray(), {
            log,
            skipped: "finding this run's copies to stop them ($currentOp)",
            cost: "a chunk in flight finishes on the server before the copy stops",
        });
        for (const op of ops ?? [])
            await bestEffort(() => client.db("admin").command({ killOp: 1, op: op.opid }), {
                log,
                skipped: "stopping this run's copy (killOp)",
                cost: "a chunk in flight finishes on the server before the copy stops",
            });
    }
    catch {
        // The copy stops at its next chunk anyway.
    }
}

;// CONCATENATED MODULE: ../../packages/core/src/copy/recopy.ts




async function recopyDocuments(env, r) {
    const started = Date.now();
    const beforeWrite = () => {
        (0,names/* assertWritableTarget */.Sf)(r.target.db, env.policy);
        env.guard?.();
    };
    const batch = r.batch ?? 1_000;
    const targetColl = env.target.db(r.target.db).collection(r.target.collection);
    const sourceColl = env.source.db(r.source.db).collection(r.source.collection);
    const comment = copyComment(r.target, env.tag);
    const deleteAll = async (ids) => {
        let n = 0;
        for (const chunk of chunks(ids, batch)) {
            beforeWrite();
            n += (await targetColl.deleteMany({ _id: { $in: chunk } }, { comment })).deletedCount;
        }
        return n;
    };
    let attempts = 0;
    // Deleting the set and inserting it again is idempotent: a retry starts over.
    const outcome = await withRetry(async (attempt) => {
        attempts = attempt;
        const task = r.ids.length
            ? env.progress?.task(r.name, "catch-up", { documents: r.ids.length, bytes: r.bytes ?? 0 })
            : undefined;
        try {
            const removed = await deleteAll(r.remove ?? []);
            await deleteAll(r.targetIds ?? r.ids);
            let written = 0;
            let bytes = 0;
            for (const ids of chunks(r.ids, batch)) {
                const s = await streamCopy({
                    source: sourceColl,
                    target: targetColl,
                    // `$in` compares values, not BSON types: the `_id`s are given exactly as they are stored.
                    pipeline: [{ $match: { _id: { $in: ids } } }, ...(r.pipeline ?? [])],
                    ranges: [{}],
                    ordered: false,
                    comment,
                    beforeWrite,
                    ...(env.maxTimeMS ? { maxTimeMS: env.maxTimeMS } : {}),
                    ...(task ? { task } : {}),
                    ...(r.variables ? { variables: r.variables } : {}),
                    ...(r.snapshot ? { session: r.snapshot } : {}),
                });
                written += s.documents;
                bytes += s.bytes;
            }
            return { written, bytes, removed: removed + r.ids.length - written };
        }
        finally {
            task?.done();
        }
    }, { attempts: env.attempts ?? 4, log: env.log, what: `Catch-up of ${r.source.db}.${r.source.collection}` });
    return { ...outcome, attempts, ms: Date.now() - started };
}
function* chunks(values, size) {
    for (let i = 0; i < values.length; i += size)
        yield values.slice(i, i + size);
}

;// CONCATENATED MODULE: ../../packages/core/src/masking/masked-ids.ts


/** Whether a collection's masking rules change `_id` (only the keyed strategies may). */
function masksId(rules) {
    return Object.keys(rules ?? {}).some((p) => p === "_id" || p.startsWith("_id."));
}
/**
 * The `_id`s that documents with these production `_id`s have in the snapshot: the collection's
 * `_id` rules applied by the server (`$documents`, MongoDB 5.1+) with the same stages and
 * variables as the copy, so a catch-up can delete a masked document it is about to copy again.
 */
async function maskedIds(o) {
    if (!masksId(o.rules))
        return [...o.ids];
    const idRules = Object.fromEntries(Object.entries(o.rules ?? {}).filter(([p]) => p === "_id" || p.startsWith("_id.")));
    const out = [];
    for (let i = 0; i < o.ids.length; i += 1_000) {
        const docs = await o.source
            .aggregate([
            { $documents: o.ids.slice(i, i + 1_000).map((id) => ({ _id: { $literal: id } })) },
            ...maskingStages(idRules),
            { $project: { _id: 1 } },
        ], { ...EXACT_BSON, ...(o.variables ? { let: o.variables } : {}) })
            .toArray();
        for (const d of docs)
            out.push(d._id);
    }
    return out;
}

;// CONCATENATED MODULE: ../../packages/core/src/masking/subset-closure.ts


/**
 * A subset's reference closure kept exact while a snapshot catches up. A document whose own fields
 * did not change can still enter or leave the subset, because a document it references entered or
 * left its own: after the referenced collection has caught up,
 * - it *enters* only if it references a key that one of the referenced collection's changed
 *   documents holds now ({@link referencingIds}: those are read again);
 * - it *leaves* only if it references a key one of those documents held before, and its reference
 *   no longer resolves inside the snapshot ({@link unresolvedIds}: those are removed), because the
 *   referenced collection in the snapshot then holds exactly the documents it keeps now.
 */
const BATCH = 1_000;
/**
 * `_id`s of `collection`'s documents (as production holds them, or as of a snapshot session's
 * time) whose reference field holds a key that the referenced collection's `changed` documents
 * hold after its own subset rule (`stages`): the documents that may have entered the subset.
 */
async function referencingIds(o) {
    const { reference: r } = o;
    const session = o.session ? { session: o.session } : {};
    const keys = [];
    for (let i = 0; i < o.changed.length; i += BATCH) {
        const ids = o.changed.slice(i, i + BATCH);
        const docs = await o.source
            .collection(r.collection)
            .aggregate([{ $match: { _id: { $in: ids } } }, ...o.stages, { $project: { _id: 0, k: `$${r.key}` } }], { ...EXACT_BSON, allowDiskUse: true, ...session })
            .toArray();
        for (const d of docs)
            if (d.k !== undefined)
                keys.push(d.k);
    }
    const out = [];
    for (let i = 0; i < keys.length; i += BATCH) {
        const docs = await o.source
            .collection(o.collection)
            .find({ [r.field]: { $in: keys.slice(i, i + BATCH) } }, { projection: { _id: 1 }, ...EXACT_BSON, ...session })
            .toArray();
        for (const d of docs)
            out.push(d._id);
    }
    return out;
}
/**
 * `_id`s (in the snapshot) of `collection`'s documents that reference one of `keys` (values the
 * referenced collections' changed documents held in the snapshot before they were copied again)
 * and whose reference no longer resolves among the keys the referenced collection holds in the
 * snapshot now: the documents that left the subset. Only references to changed documents are
 * looked at: a reference that never resolved is the publish proof's to report, not this one's to
 * hide by deleting.
 */
async function unresolvedIds(o) {
    const out = [];
    for (const r of o.references) {
        const keys = o.keys.get(r.collection) ?? [];
        for (let i = 0; i < keys.length; i += BATCH) {
            const docs = await o.snapshot
                .collection(o.physical(o.collection))
                .aggregate([
                { $match: { [r.field]: { $in: keys.slice(i, i + BATCH) } } },
                ...danglingReferenceStages(r, o.physical(r.collection)),
                { $project: { _id: 1 } },
            ], { ...EXACT_BSON, allowDiskUse: true })
                .toArray();
            for (const d of docs)
                out.push(d._id);
        }
    }
    return out;
}
/** The values of `key` that documents of a snapshot collection hold (before they are replaced or removed). */
async function keysInSnapshot(o) {
    const out = [];
    for (let i = 0; i < o.ids.length; i += BATCH) {
        const docs = await o.snapshot
            .collection(o.physical)
            .aggregate([{ $match: { _id: { $in: o.ids.slice(i, i + BATCH) } } }, { $project: { _id: 0, k: `$${o.key}` } }], EXACT_BSON)
            .toArray();
        for (const d of docs)
            if (d.k !== undefined)
                out.push(d.k);
    }
    return out;
}

// EXTERNAL MODULE: ../../packages/core/src/snapshot/consistency.ts
var snapshot_consistency = __webpack_require__(2991);
;// CONCATENATED MODULE: ../../packages/core/src/snapshot/catch-up.ts













/**
 * Opens the change stream before anything is copied. No tracker (the reason, and one warning)
 * when it cannot start and point-in-time is not required; an error that says so when it is.
 */
async function startTracking(o) {
    const db = o.client.db(o.database);
    const watched = [...o.collections.map((c) => c.name), ...o.views];
    let stream;
    try {
        const start = await cluster_time_clusterTimeNow(db);
        stream = db.watch([
            {
                $match: {
                    $or: [
                        { "ns.coll": { $in: watched } },
                        { "to.coll": { $in: watched } },
                        { operationType: { $in: ["dropDatabase", "invalidate"] } },
                    ],
                },
            },
            // Only what the catch-up needs: inserts would otherwise bring whole documents along.
            { $project: { operationType: 1, ns: 1, to: 1, "documentKey._id": 1, clusterTime: 1 } },
        ], { showExpandedEvents: true, startAtOperationTime: start, maxAwaitTimeMS: 100, ...EXACT_BSON });
        // The stream's aggregate is sent here, so a refusal shows before the first copy.
        const first = await stream.tryNext();
        const tracker = new ChangeTracker(o, stream, start);
        if (first)
            tracker.record(first);
        else
            tracker.advance(resumeTokenTime(stream.resumeToken));
        tracker.run();
        // A collection whose indexes or options changed between the producer reading them and T0 is
        // copied again whole once the copies are done (as if the change had come after T0).
        const specs = new Map(o.collections.map((c) => [c.name, c]));
        for (const now of await readCollectionSpecs(db)) {
            const before = specs.get(now.name);
            if (before && compareSpecs(before, now).length)
                tracker.restartLater(now.name, "its indexes or options changed as the copy began");
        }
        o.log.info(`Point in time: watching ${o.database}'s change stream from ${formatTime(start)} (${timeToDate(start).toISOString()}); ` +
            "documents that change during the copy are copied again as of one cluster time afterwards.");
        return { tracker };
    }
    catch (error) {
        await stream?.close().catch(() => { });
        const said = (0,errors/* errorMessage */.gJ)(error).split("\n")[0];
        if (o.required)
            throw new errors/* RefusedError */.fk(`consistency: point-in-time, but the change stream on ${o.database} could not start (${said}). ` +
                "It needs the read role on the production database (changeStream and find) and a replica set or sharded cluster. Nothing was copied.");
        if (!(error instanceof lib.MongoServerError) && !isRefusal(error))
            throw error;
        const reason = `the change stream on ${o.database} could not start (${said})`;
        o.log.warning(`This snapshot is per-collection (each collection as of its own copy), not point-in-time: ${reason}.`);
        return { reason };
    }
}
/** The cluster time just before `t`. */
function justBefore(t) {
    return t.i > 0 ? new lib.Timestamp({ t: t.t, i: t.i - 1 }) : new lib.Timestamp({ t: t.t - 1, i: 0xffffffff });
}
const keyOf = (id) => Buffer.from(lib.BSON.serialize({ v: id })).toString("base64");
class ChangeTracker {
    o;
    stream;
    startedAt;
    pending = new Map();
    restarts = new Map();
    restartCount = new Map();
    capped;
    names;
    fatal;
    broken;
    /** Every event up to this cluster time has been recorded (the stream's high-water mark). */
    reached;
    closed = false;
    reader = Promise.resolve();
    events = 0;
    constructor(o, stream, startedAt) {
        this.o = o;
        this.stream = stream;
        this.startedAt = startedAt;
        this.reached = startedAt;
        this.capped = new Set(o.collections.filter((c) => c.options.capped === true).map((c) => c.name));
        this.names = { copied: new Set(o.collections.map((c) => c.name)), views: new Set(o.views) };
    }
    /** @internal Drains the stream in the background while the collections are copied. */
    run() {
        this.reader = (async () => {
            try {
                while (!this.closed) {
                    const event = await this.stream.tryNext();
                    if (event)
                        this.record(event);
                    // An empty batch's token is a high-water mark: every event up to its time has come.
                    else
                        this.advance(resumeTokenTime(this.stream.resumeToken));
                }
            }
            catch (error) {
                if (this.closed)
                    return;
                this.broken ??= isHistoryLost(error)
                    ? "the change stream lost its start (the oplog rolled over during the copy): make the oplog longer than a snapshot takes"
                    : `the change stream failed (${(0,errors/* errorMessage */.gJ)(error).split("\n")[0]})`;
            }
        })();
    }
    /** @internal */
    restartLater(collection, why) {
        if (!this.restarts.has(collection))
            this.restarts.set(collection, why);
    }
    /** @internal Every event up to `t` has been recorded. */
    advance(t) {
        if (t && compareTimes(t, this.reached) > 0)
            this.reached = t;
    }
    /** @internal */
    record(event) {
        this.events++;
        const effect = (0,snapshot_consistency/* classifyEvent */.tU)(event, this.names);
        const at = event.clusterTime instanceof lib.Timestamp ? event.clusterTime : undefined;
        // Events come in cluster-time order, so every earlier one has come; not the rest of this
        // time's, though (the events of one transaction share it, and a batch may end among them).
        if (at)
            this.advance(justBefore(at));
        if (effect.kind === "document") {
            if (this.capped.has(effect.collection)) {
                this.broken ??= `the capped collection ${effect.collection} changed during the copy, and MongoDB allows no snapshot read of a capped collection`;
                return;
            }
            const m = this.pending.get(effect.collection) ?? new Map();
            this.pending.set(effect.collection, m);
            const key = keyOf(effect.id);
            const last = at ?? this.reached;
            const seen = m.get(key);
            if (!seen || compareTimes(last, seen.last) > 0)
                m.set(key, { id: effect.id, last });
        }
        else if (effect.kind === "restart")
            this.restartLater(effect.collection, effect.why);
        else if (effect.kind === "fatal") {
            this.fatal ??= {
                why: effect.why,
                ...(effect.collection ? { collection: effect.collection } : {}),
                ...(at ? { at } : {}),
            };
        }
    }
    /** Waits until every event up to `time` has been recorded. */
    async reach(time) {
        const deadline = Date.now() + (this.o.reachTimeoutMs ?? 120_000);
        while (compareTimes(this.reached, time) < 0) {
            if (this.broken || this.fatal)
                return;
            if (Date.now() > deadline) {
                this.broken = `the change stream did not reach cluster time ${formatTime(time)} within ${Math.round((this.o.reachTimeoutMs ?? 120_000) / 1000)} s (is a majority of the replica set up?)`;
                return;
            }
            await sleep(20);
        }
    }
    /** The clear reason a copy failed, when production dropped or renamed the collection meanwhile. */
    async explainFailure(collection) {
        const now = await cluster_time_clusterTimeNow(this.o.client.db(this.o.database)).catch(() => undefined);
        if (now)
            await this.reach(now);
        return this.fatal && (this.fatal.collection === undefined || this.fatal.collection === collection)
            ? this.fatalMessage()
            : undefined;
    }
    fatalMessage() {
        const f = this.fatal;
        if (!f)
            return "";
        return (`In production, ${f.why}${f.at ? ` at ${timeToDate(f.at).toISOString()} (${formatTime(f.at)})` : ""}, while the snapshot was being taken: ` +
            `a snapshot of ${this.o.database} as of one moment cannot be published. Nothing was published: the previous snapshot stays in use. ` +
            "Run the producer again once production's collections are stable (or use consistency: per-collection).");
    }
    async close() {
        this.closed = true;
        await this.stream.close().catch(() => { });
        await this.reader.catch(() => { });
    }
    /**
     * Brings the generation to one cluster time: passes until one has copied again, as of its time,
     * everything that changed since the copy (or since the previous pass that read the latest data).
     */
    async catchUp(req) {
        const started = Date.now();
        const { log } = req;
        const db = this.o.client.db(this.o.database);
        const specs = new Map(req.copies.map((c) => [c.spec.name, c.spec]));
        const physical = new Map(req.copies.map((c) => [c.spec.name, c.physical]));
        const report = {
            consistency: "per-collection",
            startedAt: this.startedAt,
            events: 0,
            passes: [],
            documents: 0,
            removed: 0,
            changed: {},
            restarted: [],
            ms: 0,
            recopied: [],
            counts: {},
            verifications: [],
        };
        /** Every document copied again, per collection (for the masking proof). */
        const everChanged = new Map();
        const whole = new Set();
        /**
         * referenced collection → key field → the keys its replaced or removed documents held in the
         * snapshot. Kept until a pass completes: a pass that missed its time may have replaced a
         * referenced document before its dependents were looked at.
         */
        const formerKeys = new Map();
        const finish = async () => {
            const touched = new Set([...everChanged.keys(), ...whole]);
            for (const name of touched) {
                const p = physical.get(name);
                if (p)
                    report.counts[name] = await req.snapshot.collection(p).countDocuments({});
                report.changed[name] = everChanged.get(name)?.size ?? 0;
            }
            report.events = this.events;
            report.ms = Date.now() - started;
            return report;
        };
        const giveUp = async (why) => {
            if (this.o.required)
                throw new errors/* RefusedError */.fk(`consistency: point-in-time, but ${why}. Nothing was published: the previous snapshot stays in use.`);
            log.warning(`This snapshot is per-collection (each collection as of its own copy), not point-in-time: ${why}.`);
            report.reason = why;
            return finish();
        };
        const timeseries = req.copies.filter((c) => c.spec.type === "timeseries").map((c) => c.spec.name);
        const withReferences = (0,masking_policy/* dependencyOrder */.g1)({ ...req.subsetRules }).filter((c) => (req.subsetRules[c]?.references?.length ?? 0) > 0 && specs.has(c));
        const plain = req.copies
            .map((c) => c.spec.name)
            .filter((n) => !withReferences.includes(n) && !timeseries.includes(n));
        /** referenced collection → the key fields its dependents use. */
        const referencedKeys = new Map();
        for (const c of withReferences)
            for (const r of req.subsetRules[c]?.references ?? []) {
                const keys = referencedKeys.get(r.collection) ?? new Set();
                keys.add(r.key);
                referencedKeys.set(r.collection, keys);
            }
        const maxMisses = req.maxMisses ?? 3;
        let misses = 0;
        let latestNext = false;
        for (;;) {
            if (this.fatal)
                throw new errors/* RefusedError */.fk(this.fatalMessage());
            if (this.broken)
                return giveUp(this.broken);
            if (this.restarts.size) {
                await this.restart(req, specs, physical, report, whole);
                continue;
            }
            const now = await cluster_time_clusterTimeNow(db);
            const at = req.timeOfPass?.(report.passes.length + 1, now) ?? now;
            await this.reach(at);
            if (this.fatal || this.broken || this.restarts.size)
                continue;
            const kind = latestNext ? "latest" : "point-in-time";
            const session = kind === "point-in-time" ? snapshotSession(this.o.client, at) : undefined;
            const passStarted = Date.now();
            const plan = new Map([...this.pending].map(([c, m]) => [c, [...m.values()].map((p) => p.id)]));
            const pass = { kind, at, documents: 0, removed: 0, whole: [], ms: 0 };
            // A long pass logs its progress like the copies do.
            const progress = new progress_Progress({
                log,
                what: `Catch-up pass ${report.passes.length + 1}`,
                totalDocuments: [...plan.values()].reduce((n, ids) => n + ids.length, 0),
                totalBytes: [...plan].reduce((n, [c, ids]) => n + ids.length * (req.bytesPerDocument?.(c) ?? 0), 0),
            }).start();
            try {
                await this.pass({ ...req, env: { ...req.env, progress } }, {
                    plan,
                    session,
                    plain,
                    withReferences,
                    timeseries,
                    referencedKeys,
                    physical,
                    specs,
                    pass,
                    everChanged,
                    whole,
                    formerKeys,
                });
                if (kind === "point-in-time" && session && req.masking)
                    report.verifications = await this.verifyMasking(req, session, everChanged, whole, physical);
                formerKeys.clear();
            }
            catch (error) {
                if (!(kind === "point-in-time" && isSnapshotMissed(error)))
                    throw error;
                pass.missed = true;
            }
            finally {
                progress.stop();
                await session?.endSession().catch(() => { });
                pass.ms = Date.now() - passStarted;
                report.passes.push(pass);
                report.documents += pass.documents;
                report.removed += pass.removed;
            }
            log.info(`Catch-up pass ${report.passes.length} (${kind === "point-in-time" ? `as of ${formatTime(at)}, ${timeToDate(at).toISOString()}` : "latest data"}): ` +
                `${pass.documents} changed document(s) read again, ${pass.removed} no longer in the snapshot` +
                `${pass.whole.length ? `; copied again whole: ${pass.whole.join(", ")}` : ""}; ${(pass.ms / 1000).toFixed(1)} s` +
                `${pass.missed ? " — the server could no longer read as of that time (its snapshot history window ran out): next, a pass over the latest data shrinks what changed" : ""}.`);
            if (pass.missed) {
                misses++;
                if (misses >= maxMisses)
                    return giveUp(`${misses} catch-up passes could not read production as of one time within its snapshot history window (minSnapshotHistoryWindowInSeconds)`);
                latestNext = true;
                continue;
            }
            if (kind === "latest") {
                // Everything that changed up to `at` was read at `at` or later: only later changes remain.
                for (const m of this.pending.values())
                    for (const [k, p] of m)
                        if (compareTimes(p.last, at) <= 0)
                            m.delete(k);
                latestNext = false;
                continue;
            }
            // Events after `at` do not matter to a snapshot as of `at`, except a drop or rename (checked above).
            if (this.fatal)
                throw new errors/* RefusedError */.fk(this.fatalMessage());
            report.consistency = "point-in-time";
            report.consistentAt = at;
            report.consistentAtDate = timeToDate(at);
            return finish();
        }
    }
    async restart(req, specs, physical, report, whole) {
        const todo = [...this.restarts];
        this.restarts.clear();
        for (const [name, why] of todo) {
            const n = (this.restartCount.get(name) ?? 0) + 1;
            this.restartCount.set(name, n);
            if (n > (req.maxRestarts ?? 3))
                throw new errors/* RefusedError */.fk(`In production, ${name} changed its indexes or options ${n} times while the snapshot was being taken (last: ${why}). Nothing was published: the previous snapshot stays in use. Run the producer again when it is stable.`);
            const spec = await specs_readCollectionSpec(this.o.client.db(this.o.database), name);
            if (!spec)
                continue; // dropped: its drop event fails the run
            req.log.info(`Copying ${name} again: in production, ${why} during the snapshot.`);
            const result = await req.copyAgain(spec);
            specs.set(name, spec);
            physical.set(name, result.target.collection);
            report.recopied = [...report.recopied.filter((r) => r.name !== name), result];
            if (!report.restarted.includes(name))
                report.restarted.push(name);
            whole.add(name);
        }
    }
    async pass(req, p) {
        const source = this.o.client.db(this.o.database);
        const physicalOf = (name) => p.physical.get(name) ?? name;
        /** production `_id`s read again in this pass (own changes and documents that entered a subset). */
        const touched = new Map();
        const { formerKeys } = p;
        const noteFormerKeys = async (name, targetIds) => {
            for (const key of p.referencedKeys.get(name) ?? []) {
                const keys = await keysInSnapshot({
                    snapshot: req.snapshot,
                    physical: physicalOf(name),
                    key,
                    ids: targetIds,
                });
                const byKey = formerKeys.get(name) ?? new Map();
                byKey.set(key, [...(byKey.get(key) ?? []), ...keys]);
                formerKeys.set(name, byKey);
            }
        };
        const recopy = async (name, ids, remove = []) => {
            if (!ids.length && !remove.length)
                return;
            const variables = req.variablesFor(name);
            const targetIds = masksId(req.maskingRules[name])
                ? await maskedIds({ source, rules: req.maskingRules[name], ...(variables ? { variables } : {}), ids })
                : ids;
            await noteFormerKeys(name, [...targetIds, ...remove]);
            const r = await recopyDocuments(req.env, {
                name,
                bytes: ids.length * (req.bytesPerDocument?.(name) ?? 0),
                source: { db: this.o.database, collection: name },
                target: { db: req.snapshot.databaseName, collection: physicalOf(name) },
                ids,
                targetIds,
                remove,
                pipeline: req.pipelineFor(name),
                ...(variables ? { variables } : {}),
                ...(p.session ? { snapshot: p.session } : {}),
            });
            p.pass.documents += ids.length;
            p.pass.removed += r.removed;
            touched.set(name, [...(touched.get(name) ?? []), ...ids]);
            const ever = p.everChanged.get(name) ?? new Map();
            for (const id of ids)
                ever.set(keyOf(id), id);
            p.everChanged.set(name, ever);
        };
        // Time-series writes are in no change stream: copied again whole, as of the pass's time.
        if (p.session)
            for (const name of p.timeseries) {
                const spec = p.specs.get(name);
                if (!spec)
                    continue;
                await req.copyAgain(spec, p.session);
                p.pass.whole.push(name);
                p.whole.add(name);
            }
        // Collections whose subset needs no other collection: side by side.
        await concurrency_mapBounded(p.plain, req.env.concurrency, (name) => recopy(name, p.plan.get(name) ?? []));
        // Then those whose subset follows references, each after the collections it references.
        for (const name of p.withReferences) {
            const refs = req.subsetRules[name]?.references ?? [];
            const entering = [];
            for (const r of refs)
                entering.push(...(await referencingIds({
                    source,
                    collection: name,
                    reference: r,
                    changed: touched.get(r.collection) ?? [],
                    stages: req.subsetStages.get(r.collection) ?? [],
                    ...(p.session ? { session: p.session } : {}),
                })));
            const ids = new Map();
            for (const id of [...(p.plan.get(name) ?? []), ...entering])
                ids.set(keyOf(id), id);
            await recopy(name, [...ids.values()]);
            const leaving = await unresolvedIds({
                snapshot: req.snapshot,
                physical: physicalOf,
                collection: name,
                references: refs,
                keys: new Map(refs.map((r) => [r.collection, formerKeys.get(r.collection)?.get(r.key) ?? []])),
            });
            await recopy(name, [], leaving);
        }
    }
    /** Production's values of what the catch-up wrote, as of the consistent time, then the proof again. */
    async verifyMasking(req, session, everChanged, whole, physical) {
        const m = req.masking;
        if (!m)
            return [];
        const out = [];
        for (const name of m.collections) {
            const ids = everChanged.get(name);
            if (!whole.has(name) && !ids?.size)
                continue;
            await m.check.addProductionValues(name, {
                session,
                ...(whole.has(name) ? {} : { ids: [...(ids?.values() ?? [])] }),
            });
            out.push(await m.check.verify({ name, physical: physical.get(name) ?? name }));
        }
        return out;
    }
}
/** The copy results after a catch-up: collections copied again whole, and every count as it is now. */
function afterCatchUp(results, c) {
    return results.map((r) => {
        const again = c.recopied.find((x) => x.name === r.name) ?? r;
        const documents = c.counts[r.name];
        return documents === undefined ? again : { ...again, documents };
    });
}
function consistencyOutcome(reason, caughtUp) {
    if (!caughtUp)
        return { consistency: "per-collection", ...(reason ? { reason } : {}) };
    return {
        consistency: caughtUp.consistency,
        ...(caughtUp.consistentAt ? { consistentAt: caughtUp.consistentAt } : {}),
        ...(caughtUp.consistentAtDate ? { consistentAtDate: caughtUp.consistentAtDate } : {}),
        ...(caughtUp.reason ? { reason: caughtUp.reason } : {}),
        catchUp: caughtUp,
    };
}

;// CONCATENATED MODULE: ../../packages/core/src/snapshot/generations.ts



const generationId = (generation) => `generation:${generation}`;
/**
 * A generation's name: `g<yymmddhhmm>_<random>`, e.g. `g2611241322_a7f3` (16 bytes; before this
 * round `g20261124t132200z_a7f3`, which old snapshots keep: readers only use `physical`). Short,
 * because it prefixes every collection of the generation and Atlas's shared tiers allow
 * namespaces of 95 bytes only.
 */
function newGenerationName(now, random) {
    const stamp = now.toISOString().replace(/[-:T]/g, "").slice(2, 12);
    return `g${stamp}_${random}`;
}
/**
 * Where a generation keeps one logical collection: `<generation>.<name>`, or, when that would not
 * fit the namespace limit in the snapshot database (`fit`), `<generation>.<start of name>~<hash>`:
 * any collection name production can hold still fits. The snapshot's `physical` map records the
 * name chosen, and readers only ever look it up there.
 */
function physicalCollection(generation, logical, fit) {
    const plain = `${generation}.${logical}`;
    if (!fit)
        return plain;
    const room = fit.maxNamespaceBytes - Buffer.byteLength(fit.database, "utf8") - 1;
    if (Buffer.byteLength(plain, "utf8") <= room)
        return plain;
    const hash = (0,external_node_crypto_.createHash)("sha256").update(logical).digest("hex").slice(0, 10);
    const keep = room - Buffer.byteLength(`${generation}.~${hash}`, "utf8");
    return `${generation}.${utf8Prefix(logical, Math.max(0, keep))}~${hash}`;
}
/** The longest prefix of `text` that is at most `max` bytes of UTF-8, cut between characters. */
function utf8Prefix(text, max) {
    let out = "";
    let n = 0;
    for (const ch of text) {
        const b = Buffer.byteLength(ch, "utf8");
        if (n + b > max)
            break;
        out += ch;
        n += b;
    }
    return out;
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

;// CONCATENATED MODULE: ../../packages/core/src/snapshot/fits.ts





/**
 * Every name a run will create, checked against the server's limits before its first write
 * (CONTRACT §14). The restore cannot rename what it copies: the application reads its collections
 * by production's names, so only a shorter PR database name makes room.
 */
function fits_assertRestoreFits(target, meta, limits) {
    assertDatabaseFits(target, limits, "The PR database", PR_DATABASE_FIX);
    const fix = `${PR_DATABASE_FIX} (Collection names come from production and are kept as they are.)`;
    const names = [
        ...meta.collections,
        ...(meta.views ?? []).map((v) => v.name),
        METADATA_COLLECTION,
        LEASE_COLLECTION,
        // Every copy is built under a temporary name first (copy/swap.ts); they all have this length.
        temporaryCollectionName("00000000"),
    ];
    for (const name of names)
        assertNamespaceFits(target, name, limits, fix);
}
/** Where a generation keeps each logical collection, fitted to the server's namespace limit. */
function generationNames(snapshotDatabase, generation, limits) {
    return (logical) => physicalCollection(generation, logical, {
        database: snapshotDatabase,
        maxNamespaceBytes: limits.maxNamespaceBytes,
    });
}
/**
 * The producer's names: the snapshot database, its bookkeeping, every collection of the new
 * generation (fitted by {@link generationNames}, so only a snapshot database name too long for
 * even the shortest of them fails) and the masking proof's temporary collection.
 */
function assertProducerFits(snapshotDatabase, generation, logical, limits) {
    (0,limit_names/* assertDatabaseFits */.Y_)(snapshotDatabase, limits, "The snapshot database", limit_names/* SNAPSHOT_DATABASE_FIX */.ZR);
    const physical = generationNames(snapshotDatabase, generation, limits);
    const temporary = [`${generation}.__masking_check`];
    for (const name of [target_METADATA_COLLECTION, ...logical.map(physical), ...temporary])
        (0,limit_names/* assertNamespaceFits */.oG)(snapshotDatabase, name, limits, limit_names/* SNAPSHOT_DATABASE_FIX */.ZR);
    if (limits.maxCollections !== undefined && logical.length > limits.maxCollections)
        throw new errors/* UserError */.yo(`The snapshot would hold ${logical.length} collections; ${limits.why} allows ${limits.maxCollections} in all. ` +
            "Copy fewer (collections.include / collections.exclude). Nothing was written.");
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
    const limits = await serverLimitsOf(client, log);
    assertRestoreFits(target, meta, limits);
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
    let throttle;
    let written = false;
    try {
        // The throttle's baseline is read while the run plans (throttle/throttle.ts).
        throttle = startThrottle(req.throttle, {
            watch: [{ client: req.monitor ?? client, probe: snapshotProbe(req.snapshotDatabase) }],
            log,
            copies: { targetDb: target, tag: lease.holder },
            kept: () => written
                ? `${target} stays marked as restoring (never as complete) until a restore finishes.`
                : `Nothing was written: ${target} is as it was.`,
        });
        // While this run waited for the lease, a newer snapshot may have been published: copy that one.
        meta = await waitFor();
        assertRestoreFits(target, meta, limits);
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
        // Not one write while the cluster is over a threshold (and none at all if it stays critical).
        await throttle?.gate();
        // Before the database is marked restoring: the last restore's fingerprints, and the time from
        // which any change counts against what this restore keeps (differential/proofs.ts).
        const previous = await readPrMetadata(client, target);
        const since = await clusterTimeNow(targetDb);
        assertWritableTarget(target, policy);
        written = true;
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
            ...(throttle ? { note: () => throttle?.note() } : {}),
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
                limits,
                ...copySettingsOf(req),
                ...throttle?.copyHooks(req.chunkMb, req.betweenChunks),
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
        await throttle?.stop();
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
            ...readConsistency(meta),
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
            ...(throttle ? { throttle: throttle.report() } : {}),
        };
    }
    finally {
        progress?.stop();
        await throttle?.stop();
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
    // What the db-restored comment shows about the data, checked in the one place for it.
    const facts = snapshotFacts(meta);
    return {
        ...(facts?.maskingPolicy ? { maskingPolicy: facts.maskingPolicy } : {}),
        ...(facts?.subset ? { subset: facts.subset } : {}),
        ...(facts?.consistency ? { consistency: facts.consistency } : {}),
        ...(facts?.consistentAtDate ? { consistentAtDate: facts.consistentAtDate } : {}),
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
        ...(req.chunkMb ? { chunkMb: req.chunkMb } : {}),
        ...(req.betweenChunks ? { betweenChunks: req.betweenChunks } : {}),
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
/**
 * Uncompressed size of a collection's documents, from the storage statistics (cheap: no scan).
 * Best-effort: where `$collStats` is refused (or fails), the size is estimated from a sample's
 * average BSON size times the estimated count, so that large collections are still split into
 * bounded chunks under a time cap; 0 when even that is not readable.
 */
async function dataSize(db, collection) {
    const [stats] = await db
        .collection(collection)
        .aggregate([{ $collStats: { storageStats: {} } }])
        .toArray()
        .catch(() => []);
    if (stats?.storageStats?.size !== undefined)
        return Number(stats.storageStats.size);
    try {
        const coll = db.collection(collection);
        const [sample] = await coll
            .aggregate([
            { $sample: { size: 100 } },
            { $group: { _id: null, avg: { $avg: { $bsonSize: "$$ROOT" } } } },
        ])
            .toArray();
        return sample ? Math.round(sample.avg * (await coll.estimatedDocumentCount())) : 0;
    }
    catch {
        return 0;
    }
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
    let serverKey;
    const copiedNames = copies.map((c) => c.name);
    if (dataPolicy) {
        if (dataPolicy.keyed && !req.salt)
            throw new errors/* UserError */.yo("The masking rules use email, name, phone or hash, which need a secret salt: set the mask-salt input (from a secret) or PR_SNAPSHOTS_MASK_SALT for the command line. Nothing was copied.");
        if (req.salt)
            log.secret(req.salt);
        // The server gets a key derived from the salt and this policy, never the salt (masking/key.ts).
        if (req.salt) {
            serverKey = maskingKey(req.salt, dataPolicy.hash);
            log.secret(serverKey);
        }
        if (req.testPassword)
            log.secret(req.testPassword);
        for (const [kind, names] of [
            ["masking.rules", Object.keys(dataPolicy.rules)],
            ["masking.keep", Object.keys(dataPolicy.keep)],
        ]) {
            const unknown = names.filter((n) => !copiedNames.includes(n));
            if (unknown.length)
                throw new errors/* UserError */.yo(`${kind} names ${unknown.map((n) => `"${n}"`).join(", ")}, which the snapshot does not copy (collections: ${copiedNames.join(", ")}). ` +
                    "Fix the name, or remove the rule. Nothing was copied.");
        }
        if (dataPolicy.strict)
            await strictModeCheck({
                db: sourceClient.db(source),
                collections: copiedNames,
                sample: req.scanSample ?? 1_000,
                policy: dataPolicy,
                log,
            });
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
    // The password strategy's hash, computed once here: only the hash enters the pipeline.
    const maskingRules = await resolvePasswords(dataPolicy, req.testPassword, log);
    const pipelineFor = (name) => [
        ...(subsets.stages.get(name) ?? []),
        ...maskingStages(maskingRules[name]),
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
    const consistencyPlan = (0,snapshot_consistency/* planConsistency */.kG)(req.consistency ?? "auto", await topologyOf(sourceClient), source);
    log.info(consistencyPlan.track
        ? "Consistency: point in time (every collection as of one cluster time)."
        : `Consistency: per-collection (each collection as of its own copy), because ${consistencyPlan.reason}.`);
    const timestamp = now();
    const generation = newGenerationName(timestamp, (0,external_node_crypto_.randomBytes)(2).toString("hex"));
    // CONTRACT §14: every name this run creates fits the server, checked before the first write.
    const limits = await limits_serverLimitsOf(client, log);
    assertProducerFits(snap, generation, copies.map((c) => c.name), limits);
    const physicalOf = generationNames(snap, generation, limits);
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
            consistency: consistencyPlan.track
                ? { consistency: "point-in-time" }
                : consistencyOutcome(consistencyPlan.reason, undefined),
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
    let throttle;
    let tracker;
    try {
        // Production's signals count too when it is another deployment: the copy reads it.
        const probed = copies.find((c) => c.type === "collection");
        throttle = throttle_startThrottle(req.throttle, {
            watch: [
                {
                    client: req.monitor ?? client,
                    probe: throttle_snapshotProbe(snap),
                    ...(separate ? { where: "snapshot deployment" } : {}),
                },
                ...(separate
                    ? [
                        {
                            client: req.sourceMonitor ?? sourceClient,
                            probe: probed ? collectionProbe(source, probed.name) : throttle_snapshotProbe(snap),
                            where: "production",
                        },
                    ]
                    : []),
            ],
            log,
            copies: { targetDb: snap, tag: holder },
            kept: () => "Nothing was published: the previous snapshot stays complete and in use.",
        });
        await stale_stopStaleCopies(client, snap, log, holder);
        await throttle?.gate();
        // Before the first copy: production's cluster time T0 and its change stream (point in time).
        const tracking = consistencyPlan.track
            ? await startTracking({
                client: sourceClient,
                database: source,
                collections: copies,
                views: views.map((v) => v.name),
                log,
                required: consistencyPlan.required,
            })
            : {};
        tracker = tracking.tracker;
        await genDocs.insertOne({
            _id: generationId(generation),
            kind: "generation",
            generation,
            status: "writing",
            startedAt: timestamp,
            physical: copies.map((c) => physicalOf(c.name)),
            holder,
        });
        let results;
        let consistency;
        const verifications = [];
        if (dataPolicy && maskingReport)
            maskingCheck = startMaskingCheck({
                policy: { ...dataPolicy, rules: maskingRules },
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
                ...(throttle ? { note: () => throttle?.note() } : {}),
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
                limits,
                ...(separate ? { sourceLimits: await limits_serverLimitsOf(sourceClient, log) } : {}),
                ...copySettingsOf(req),
                ...throttle?.copyHooks(req.chunkMb, req.betweenChunks),
            });
            const variablesFor = (name) => serverKey && maskingStages(maskingRules[name]).length ? { [SALT_VARIABLE]: serverKey } : undefined;
            const copyOne = (spec, snapshot) => {
                const variables = variablesFor(spec.name);
                return engine_copyCollection(env, {
                    source: { db: source, collection: spec.name },
                    target: { db: snap, collection: physicalOf(spec.name) },
                    spec,
                    bytes: sizes.get(spec.name) ?? 0,
                    documents: counts0.get(spec.name) ?? 0,
                    pipeline: pipelineFor(spec.name),
                    ...(variables ? { variables } : {}),
                    ...(snapshot ? { snapshot } : {}),
                });
            };
            results = await concurrency_mapLargestFirst(copies, (c) => sizes.get(c.name) ?? 0, req.concurrency, async (spec) => {
                const r = await copyOne(spec).catch(async (error) => {
                    const dropped = await tracker?.explainFailure(spec.name);
                    throw dropped
                        ? new errors/* RefusedError */.fk(dropped)
                        : await explainCopyFailure(error, spec.name, req, sourceClient, separate);
                });
                log.info(`  ✓ ${spec.name}: ${r.documents} documents, ${r.indexes} indexes, ${(r.ms / 1000).toFixed(1)}s (${r.method})`);
                // Verified as soon as it is copied, while the larger collections are still being copied.
                if (maskingCheck && dataPolicy?.rules[spec.name])
                    verifications.push(await maskingCheck.verify({ name: spec.name, physical: r.target.collection }));
                await req.onCollectionCopied?.(spec.name);
                return r;
            });
            progress.stop();
            // Point in time: what changed during the copies is copied again as of one cluster time,
            // before any proof, count or fingerprint is taken of the generation.
            const caughtUp = await tracker?.catchUp({
                env,
                log,
                snapshot: client.db(snap),
                copies: copies.flatMap((spec) => results.filter((r) => r.name === spec.name).map((r) => ({ spec, physical: r.target.collection }))),
                pipelineFor,
                variablesFor,
                subsetStages: subsets.stages,
                subsetRules: dataPolicy?.subset ?? {},
                maskingRules,
                copyAgain: copyOne,
                bytesPerDocument: (name) => (sizes.get(name) ?? 0) / Math.max(1, counts0.get(name) ?? 0),
                ...(req.catchUpTimeOfPass ? { timeOfPass: req.catchUpTimeOfPass } : {}),
                ...(maskingCheck && dataPolicy
                    ? { masking: { check: maskingCheck, collections: new Set(Object.keys(dataPolicy.rules)) } }
                    : {}),
            });
            if (caughtUp) {
                results = afterCatchUp(results, caughtUp);
                verifications.push(...caughtUp.verifications);
            }
            consistency = consistencyOutcome(tracking.reason ?? consistencyPlan.reason, caughtUp);
            await throttle?.stop();
            const counts = Object.fromEntries(results.map((r) => [r.name, r.documents]));
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
                ...(0,snapshot_consistency/* consistencyMetadata */.Ag)(consistency),
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
                    physical: copies.map((c) => physicalOf(c.name)),
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
            consistency,
            ...(throttle ? { throttle: throttle.report() } : {}),
        };
    }
    finally {
        progress?.stop();
        await throttle?.stop();
        await tracker?.close();
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

// EXTERNAL MODULE: ../../packages/core/src/snapshot/settings.ts + 2 modules
var snapshot_settings = __webpack_require__(1281);
;// CONCATENATED MODULE: ../../packages/core/src/snapshot/run.ts













/**
 * Connecting and running the producer or the restore: the same for the GitHub Actions and the
 * command line. Connection pools leave room for every collection copied at once plus the
 * parallel ranges of the largest one.
 */
const poolFor = (concurrency) => concurrency + methods/* MAX_RANGES */.yM + 4;
async function runProducer(c, settings, common, log) {
    const maxPoolSize = poolFor(settings.concurrency);
    const { serverLimits } = common;
    const { throttle } = settings;
    return client_withMongo({ uri: c.uri, log, appName: c.appName, maxPoolSize, serverLimits }, (client) => monitor_withThrottleMonitor({ uri: c.uri, appName: c.appName, log }, throttle, (monitor) => {
        const { sourceUri } = c;
        const monitors = monitor ? { monitor } : {};
        if (!sourceUri)
            return produceSnapshot({ ...(0,snapshot_settings/* produceRequest */.m_)(settings, common, client, log), ...monitors });
        return client_withMongo({
            uri: sourceUri,
            log,
            appName: `${c.appName} (source)`,
            maxPoolSize,
            input: "source-uri",
            serverLimits,
        }, (source) => monitor_withThrottleMonitor({ uri: sourceUri, appName: `${c.appName} (source)`, log, input: "source-uri" }, throttle, (sourceMonitor) => produceSnapshot({
            ...(0,snapshot_settings/* produceRequest */.m_)(settings, common, client, log, {
                client: source,
                description: (0,connection_string/* describeConnection */.If)((0,connection_string/* parseConnectionString */.HH)(sourceUri)),
            }),
            ...monitors,
            ...(sourceMonitor ? { sourceMonitor } : {}),
        })));
    }));
}
async function runRestore(c, settings, common, log) {
    return withMongo({
        uri: c.uri,
        log,
        appName: c.appName,
        maxPoolSize: poolFor(settings.concurrency),
        serverLimits: common.serverLimits,
    }, (client) => withThrottleMonitor({ ...c, log }, settings.throttle, (monitor) => restoreSnapshot({
        ...restoreRequest(settings, common, client, log),
        ...(monitor ? { monitor } : {}),
    })));
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
    return withMongo({
        uri: c.uri,
        log,
        appName: c.appName,
        serverLimits: common.serverLimits,
        ...(maxPoolSize ? { maxPoolSize } : {}),
    }, (client) => withThrottleMonitor({ ...c, log }, command === "restore" ? settings.throttle : undefined, (monitor) => expectSha === undefined
        ? unguarded(client, command, settings, common, log, monitor)
        : guarded(client, command, settings, common, log, expectSha, monitor)));
}
async function unguarded(client, command, s, common, log, monitor) {
    const base = { command, database: s.database };
    if (command === "restore") {
        const restore = await restoreSnapshot({
            ...restoreRequest(s, common, client, log),
            ...(monitor ? { monitor } : {}),
        });
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
async function guarded(client, command, s, common, log, expectSha, monitor) {
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
                ...(monitor ? { monitor } : {}),
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
    const pauses = [...(options.pauses ?? [])]
        .sort((a, b) => b.endMs - b.startMs - (a.endMs - a.startMs) || a.startMs - b.startMs)
        .slice(0, limit)
        .sort((a, b) => a.startMs - b.startMs);
    if (pauses.length) {
        // Greyed out ("done"): time no copy advanced.
        lines.push("  section throttle pauses");
        for (const p of pauses) {
            const start = Math.round(p.startMs);
            const end = Math.max(start, Math.round(p.endMs));
            lines.push(`    ${mermaidText(`paused (${p.why})`)} :done, ${start}, ${end}`);
        }
    }
    lines.push("```");
    const left = copies.length - shown.length;
    if (left > 0) {
        lines.push("", `${left} shorter ${left === 1 ? "copy is" : "copies are"} not shown (the ${shown.length} longest are).`);
    }
    const unshown = (options.pauses?.length ?? 0) - pauses.length;
    if (unshown > 0)
        lines.push("", `${unshown} shorter ${unshown === 1 ? "pause is" : "pauses are"} not shown (the ${pauses.length} longest are).`);
    return lines.join("\n");
}

;// CONCATENATED MODULE: ../../packages/core/src/snapshot/summary.ts


/**
 * The end of a restore's or producer's job summary: one row per collection, then the timeline of
 * the copies, where the bar that ends last is the collection that decided the total time.
 */
function copiesSection(collections, 
/** The throttle's pauses, drawn under the copies. */
pauses = []) {
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
        parts.push(renderGantt(timed, pauses.length ? { pauses } : {}));
    return `${parts.join("\n\n")}\n`;
}
function checkText(check) {
    if (!check)
        return "";
    const how = check.proof === "none" ? "" : `${check.proof}: `;
    return `${how}${check.reason} (${check.seconds.toFixed(2)} s)`;
}

;// CONCATENATED MODULE: ../../packages/core/src/throttle/summary.ts


/** The throttle's part of a restore's or producer's job summary: time paused, each signal's peak. */
const WORDS = {
    lag: "majority lag",
    latency: "probe latency",
    "flow-control": "flow control",
    tickets: "no tickets",
    unreadable: "signals unreadable",
};
function pauseTimings(report) {
    return (report?.pauses ?? []).map((p) => ({ why: WORDS[p.signal], startMs: p.startMs, endMs: p.endMs }));
}
/** Shown in job summaries; values are numbers and our own words (no data from the database). */
function throttleSection(report) {
    if (!report)
        return "";
    const n = report.pauses.length;
    const { min, max } = report.window;
    const how = `copies went in chunks of at most ${report.chunkMb} MB, ${min === max ? `${max}` : `${min} to ${max}`} collection${max === 1 ? "" : "s"} at a time`;
    const head = report.aborted
        ? `**Stopped by the throttle**: ${report.aborted}.`
        : n
            ? `Paused ${n === 1 ? "once" : `${n} times`}, ${seconds(report.pausedMs)} in total; ${how}.`
            : `Never paused; ${how}.`;
    const multi = report.peaks.length > 1;
    const rows = [];
    for (const p of report.peaks) {
        const at = multi && p.where ? `${p.where}: ` : "";
        const latency = report.latency.find((l) => l.where === p.where);
        rows.push([
            `${at}majority lag`,
            `${seconds(report.maxLagMs)} (critical ${seconds(report.criticalLagMs)})`,
            p.lagMs !== undefined ? seconds(p.lagMs) : unavailable(p.unavailable, "majority lag"),
        ]);
        rows.push([
            `${at}probe latency`,
            latency
                ? `${millis(latency.maxMs)} (${[
                    latency.criticalMs !== undefined ? `critical ${millis(latency.criticalMs)}` : "no critical level",
                    ...(p.baselineMs !== undefined ? [`baseline ${millis(p.baselineMs)}`] : []),
                ].join("; ")})`
                : "—",
            p.latencyMs !== undefined ? millis(p.latencyMs) : unavailable(p.unavailable, "probe latency"),
        ]);
        rows.push([
            `${at}flow control`,
            "engaged",
            p.flowControlEngaged !== undefined || p.flowControlEngagements !== undefined
                ? p.flowControlEngaged || (p.flowControlEngagements ?? 0) > 0
                    ? `engaged${p.flowControlEngagements ? ` (${p.flowControlEngagements}×)` : ""}`
                    : "never engaged"
                : unavailable(p.unavailable, "flow control"),
        ]);
        rows.push([
            `${at}storage-engine tickets`,
            "none available",
            p.ticketsMin !== undefined
                ? `fewest available: ${p.ticketsMin}`
                : unavailable(p.unavailable, "tickets"),
        ]);
    }
    const parts = ["#### Throttle", "", head, "", (0,markdown/* table */.tp)(["signal", "pauses at", "peak during the copy"], rows)];
    if (n) {
        const longest = [...report.pauses]
            .sort((a, b) => b.endMs - b.startMs - (a.endMs - a.startMs))
            .slice(0, 10);
        parts.push("", (0,markdown/* table */.tp)(["paused at", "seconds", "why"], longest
            .sort((a, b) => a.startMs - b.startMs)
            .map((p) => [
            new Date(p.startMs).toISOString().slice(11, 19),
            ((p.endMs - p.startMs) / 1000).toFixed(1),
            p.reason,
        ])));
        if (n > longest.length)
            parts.push("", `The ${longest.length} longest of ${n} pauses.`);
    }
    parts.push("", "To copy flat out, set the input `throttle: off` (or `copy.throttle: off` in the config file).");
    // Followed by the copies' table and timeline, which end the summary.
    return `${parts.join("\n")}\n\n`;
}
/** Why a signal was not read, from the reader's notes ("flow control and tickets: serverStatus refused"). */
function unavailable(why, signal) {
    const u = why.find((w) => (w.split(":")[0] ?? "").includes(signal));
    return u ? `not read (${u.slice(u.indexOf(":") + 1).trim()})` : "not read";
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
    if (!report.dryRun)
        log.info(`${consistencyLine(report.consistency)}.`);
    return {
        outputs: {
            "snapshot-timestamp": report.dryRun ? "" : report.timestamp.toISOString(),
            collections: report.collections.length,
            documents: report.documents,
            generation: report.dryRun ? "" : report.generation,
            "job-name": "",
            consistency: report.dryRun ? "" : report.consistency.consistency,
            "consistent-at": report.dryRun ? "" : (report.consistency.consistentAtDate?.toISOString() ?? ""),
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
    return `${head}\n\n${facts.map((f) => `- ${f}`).join("\n")}\n\n${r.dryRun ? "" : consistencySection(r.consistency, r.durationMs)}${policySection(r)}${throttleSection(r.throttle)}${copiesSection(r.collections, pauseTimings(r.throttle))}`;
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
