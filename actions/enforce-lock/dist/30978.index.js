export const id = 30978;
export const ids = [30978];
export const modules = {

/***/ 2200:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  openPrDatabase: () => (/* binding */ openPrDatabase)
});

// EXTERNAL MODULE: ../../packages/core/src/lock/database-state.ts
var database_state = __webpack_require__(939);
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
function serverLimitsOf(client, log) {
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

// EXTERNAL MODULE: ../../packages/core/src/names.ts
var names = __webpack_require__(5618);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
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

;// CONCATENATED MODULE: ../../packages/core/src/mongo/lease.ts

async function acquireLease(r) {
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
function leaseOwner(env = process.env, program = "pr-snapshots") {
    if (env.GITHUB_RUN_ID) {
        const repo = env.GITHUB_REPOSITORY ? `${env.GITHUB_REPOSITORY} ` : "";
        const workflow = env.GITHUB_WORKFLOW ? ` "${env.GITHUB_WORKFLOW}"` : "";
        return `${program} in ${repo}workflow${workflow} run ${env.GITHUB_RUN_ID} attempt ${env.GITHUB_RUN_ATTEMPT ?? "1"}`;
    }
    return `${program} on ${env.HOSTNAME || "an unnamed host"} (pid ${process.pid})`;
}

;// CONCATENATED MODULE: ../../packages/core/src/mongo/target.ts






const METADATA_COLLECTION = "snapshot_metadata";
/**
 * The one-writer lease of a PR database lives in a collection of its own, so that a sweeper can
 * be granted writes on exactly this collection name in every database and nothing else.
 */
const LEASE_COLLECTION = "pr_snapshots_lease";
const WRITER_LEASE_ID = "writer";
/** Collections every PR database may hold besides the application's data. */
function isBookkeeping(collection) {
    return collection === METADATA_COLLECTION || collection === LEASE_COLLECTION;
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
    if (!names.includes(METADATA_COLLECTION))
        return false;
    return (await readPrMetadata(client, database)) !== undefined;
}
/**
 * CONTRACT §9: at most one restore, reset or drop writes a PR database at a time, whoever starts
 * it. Taking the lease is itself a write into the database, so the target rules come first.
 */
async function acquireWriterLease(o) {
    (0,names/* assertWritableTarget */.Sf)(o.database, o.policy);
    // The lease is the first write into the database: a name the server refuses fails here, clearly.
    const limits = await serverLimitsOf(o.client, o.log);
    const fix = "Use a shorter name: the database input, or a shorter db-prefix.";
    (0,limit_names/* assertDatabaseFits */.Y_)(o.database, limits, "The PR database", fix);
    (0,limit_names/* assertNamespaceFits */.oG)(o.database, LEASE_COLLECTION, limits, fix);
    return acquireLease({
        collection: o.client.db(o.database).collection(LEASE_COLLECTION),
        id: WRITER_LEASE_ID,
        holder: (0,external_node_crypto_.randomUUID)(),
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
    (0,names/* assertWritableTarget */.Sf)(database, policy);
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
        await stale_stopStaleCopies(client, database, log);
        lease.assertHeld();
        lease.stopHeartbeat();
        (0,names/* assertWritableTarget */.Sf)(database, policy);
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
        .collection(METADATA_COLLECTION)
        .findOne({ _id: "latest" });
    return doc ?? undefined;
}

;// CONCATENATED MODULE: ../../packages/core/src/mongo/pr-records.ts


/**
 * The PR database's `lock` and `applied` records (see lock/stale-job.ts for what they defend
 * against). They live in `snapshot_metadata` beside the restore's `latest` document.
 */
function records(client, database) {
    return client.db(database).collection(METADATA_COLLECTION);
}
async function readPrRecords(client, database) {
    const docs = await records(client, database)
        .find({ _id: { $in: ["lock", "applied"] } })
        .toArray();
    const lock = docs.find((d) => d._id === "lock");
    const applied = docs.find((d) => d._id === "applied");
    return { ...(lock ? { lock } : {}), ...(applied ? { applied } : {}) };
}
/** Records the restore or reset a Job carried out for a commit; the caller holds the writer lease. */
async function writeAppliedRecord(client, database, policy, lease, applied) {
    assertWritableTarget(database, policy);
    lease.assertHeld();
    await records(client, database).replaceOne({ _id: "applied" }, { ...applied, at: new Date() }, { upsert: true });
}
/** Whether the database holds any collection besides a writer lease (MongoDB lists no empty database). */
async function hasCollections(client, database) {
    const names = await client
        .db(database)
        .listCollections({}, { nameOnly: true, authorizedCollections: true })
        .toArray();
    return names.some((c) => c.name !== LEASE_COLLECTION);
}
/**
 * Writes the lock record when the database exists, holding the writer lease so that it lands
 * between two restores, resets or drops, never inside one. A database that does not exist is
 * left alone: writing the record would create it. A record that already says the same is kept
 * as it is, so its `at` and `sha` tell when the lock state last changed.
 */
async function writeLockRecord(client, database, policy, lock, log, options) {
    (0,names/* assertWritableTarget */.Sf)(database, policy);
    if (!(await hasCollections(client, database)))
        return "no-database";
    const lease = await acquireWriterLease({
        client,
        database,
        policy,
        log,
        what: "lock",
        waitMs: options.waitMs,
    });
    try {
        if (!(await hasCollections(client, database))) {
            // Dropped while this run waited: taking the lease made the database again; undo that.
            lease.stopHeartbeat();
            (0,names/* assertWritableTarget */.Sf)(database, policy);
            await client.db(database).collection(LEASE_COLLECTION).drop();
            return "no-database";
        }
        const current = (await readPrRecords(client, database)).lock;
        if (current?.locked === lock.locked)
            return "unchanged";
        (0,names/* assertWritableTarget */.Sf)(database, policy);
        lease.assertHeld();
        await records(client, database).replaceOne({ _id: "lock" }, { locked: lock.locked, sha: lock.sha, at: new Date() }, { upsert: true });
        return "written";
    }
    finally {
        await lease.release().catch(() => { });
    }
}

;// CONCATENATED MODULE: ./src/database.ts




async function openPrDatabase(uri, database, log, serverLimits = "auto") {
    const client = await connectMongo({
        uri,
        log,
        appName: "pr-snapshots/enforce-lock",
        serverLimits,
    });
    return {
        async state() {
            const exists = await databaseExists(client, database);
            return (0,database_state/* lockDatabaseState */.u)(exists, exists ? await readPrMetadata(client, database) : undefined);
        },
        drop: (policy, what, waitMs) => dropTargetDatabase(client, database, policy, log, { what, waitMs }),
        recordLock: (policy, lock, waitMs) => writeLockRecord(client, database, policy, lock, log, { waitMs }),
        close: () => client.close(),
    };
}


/***/ })

};
