export const id = 59154;
export const ids = [59154];
export const modules = {

/***/ 5703:
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

// EXTERNAL MODULE: ../../packages/core/src/names.ts
var names = __webpack_require__(5618);
;// CONCATENATED MODULE: ../../packages/core/src/mongo/target.ts

const METADATA_COLLECTION = "snapshot_metadata";
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
    (0,names/* assertWritableTarget */.Sf)(database, policy);
    const existed = await databaseExists(client, database);
    await client.db(database).dropDatabase();
    log.info(existed ? `Dropped database ${database}.` : `Database ${database} did not exist; nothing to drop.`);
    return { existed };
}
async function readPrMetadata(client, database) {
    const doc = await client
        .db(database)
        .collection(METADATA_COLLECTION)
        .findOne({ _id: "latest" });
    return doc ?? undefined;
}

;// CONCATENATED MODULE: ./src/database.ts



async function openPrDatabase(uri, database, log) {
    const client = await connectMongo({ uri, log, appName: "pr-snapshots/enforce-lock" });
    return {
        async state() {
            const exists = await databaseExists(client, database);
            return (0,database_state/* lockDatabaseState */.u)(exists, exists ? await readPrMetadata(client, database) : undefined);
        },
        drop: (policy) => dropTargetDatabase(client, database, policy, log),
        close: () => client.close(),
    };
}


/***/ })

};
