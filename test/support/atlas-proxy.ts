import { randomInt } from "node:crypto";
import net from "node:net";
import { BSON, type Document, MongoClient } from "mongodb";

/**
 * A wire-protocol proxy in front of a real mongod that answers as MongoDB Atlas documents its
 * managed tiers, so that the product runs against "Atlas" here without a mock of the driver.
 *
 * Sources (MongoDB's published docs; the `search` tool's stored copies):
 * - "Unsupported Commands in Atlas" (mongodb.com/docs/atlas/unsupported-commands): M0 and Flex
 *   refuse a list of commands with "<command> is not allowed or the syntax is incorrect, see the
 *   Atlas documentation for more information." (code 8000, AtlasError); `aggregate`'s maxTimeMS is
 *   limited to 300 s and allowDiskUse ignored; $where, $function and $accumulator are not
 *   supported; getParameter runs in two variations only; killOp only for the caller's own
 *   operations; serverStatus answers a short list of fields (atlasVersion, connections, mem,
 *   metrics.atlas, ...); usersInfo only as {user: <own user>, db: "admin"}.
 * - "Atlas M0 (Free Cluster) Limits" / "Atlas Flex Limitations": database names ≤ 38 bytes,
 *   namespaces ≤ 95 bytes, at most 100 databases and 500 collections.
 * - M10 and larger: "the commands available correspond to the privileges defined for the built-in
 *   MongoDB roles used by Atlas": that is the mongod's own access control, with users that have
 *   only the roles Atlas offers (see atlasUsers in the tests); the proxy adds `atlasVersion`.
 *
 * Atlas does not document the text of its name-length and quota refusals: those below carry the
 * documented limit in Atlas's error shape (AtlasError, 8000). The wire protocol handled is what the
 * Node driver sends: OP_MSG (kind 0 body, kind 1 document sequences kept byte for byte) and the
 * legacy OP_QUERY handshake; compression is taken out of the handshake, so none is negotiated.
 */

/** `none`: no Atlas behaviour, only what `intercept` answers (a server past its oplog window, ...). */
export type AtlasProfile = "m0" | "flex" | "m10" | "none";

/** Returns a reply document to answer the command with, or undefined to go on as the profile says. */
export type Intercept = (command: Document) => Document | undefined;

export interface AtlasProxyOptions {
  /** host:port of the mongod behind the proxy (a standalone: its hello names no other hosts). */
  backend: string;
  /** A root connection string of that mongod, for the proxy's own quota look-ups (m0 and flex). */
  backendUri?: string;
  profile: AtlasProfile;
  /** Answers chosen commands before the profile does (settable later: setIntercept). */
  intercept?: Intercept;
  /** Robustness variant: also refuse the `$currentOp` stage, as other MongoDB-compatible services do. */
  refuseCurrentOp?: boolean;
  /** The cap on maxTimeMS (default 300 000, Atlas's). */
  maxTimeMSCap?: number;
  /**
   * Robustness: commands a stricter service refuses ("Command <name> not supported", as
   * MongoDB-compatible services answer), in every profile.
   */
  alsoRefuse?: (command: string, body: Document) => boolean;
}

/** What the proxy saw of one command (the tests read it). */
export interface ProxiedCommand {
  name: string;
  db: string;
  /** The command as forwarded (after the cap and allowDiskUse removal), or as refused. */
  body: Document;
  /** The command as the client sent it. */
  sent: Document;
  refused?: string;
}

const ATLAS_TEXT = (what: string) =>
  `${what} is not allowed or the syntax is incorrect, see the Atlas documentation for more information.`;

/** What Atlas's shared tiers answer a command they do not support (docs: "Unsupported Commands"). */
export function atlasRefusal(command: string): Document {
  return { ok: 0, errmsg: ATLAS_TEXT(command), code: 8000, codeName: "AtlasError" };
}

/** What MongoDB answers a change stream that starts before the oldest oplog entry (6.0). */
export const HISTORY_LOST: Document = {
  ok: 0,
  errmsg:
    "Executor error during getMore :: caused by :: Resume of change stream was not possible, as the resume point may no longer be in the oplog.",
  code: 286,
  codeName: "ChangeStreamHistoryLost",
};

export const isChangeStream = (c: Document): boolean =>
  c.aggregate !== undefined &&
  Array.isArray(c.pipeline) &&
  (c.pipeline[0] as Document | undefined)?.$changeStream !== undefined;

/** "Unsupported Commands in Atlas" (M0 and Flex), plus those the issue names (hostInfo, usersInfo). */
const SHARED_TIER_REFUSED = new Set(
  [
    "applyOps",
    "appendOplogNote",
    "checkShardingIndex",
    "cleanupOrphaned",
    "cloneCollectionAsCapped",
    "compact",
    "connPoolSync",
    "createRole",
    "createUser",
    "dataSize",
    "dbHash",
    "dropAllRolesFromDatabase",
    "dropAllUsersFromDatabase",
    "dropRole",
    "dropUser",
    "fsync",
    "fsyncUnlock",
    "getDiagnosticData",
    "getShardMap",
    "getShardVersion",
    "grantPrivilegesToRole",
    "grantRolesToRole",
    "grantRolesToUser",
    "hostInfo",
    "invalidateUserCache",
    "lockInfo",
    "logRotate",
    "mapReduce",
    "planCacheClear",
    "planCacheClearFilters",
    "planCacheListFilters",
    "planCacheSetFilter",
    "reIndex",
    "replSetFreeze",
    "replSetGetConfig",
    "replSetGetStatus",
    "replSetInitiate",
    "replSetMaintenance",
    "replSetReconfig",
    "replSetStepDown",
    "replSetStepUp",
    "replSetSyncFrom",
    "revokePrivilegesFromRole",
    "revokeRolesFromRole",
    "revokeRolesFromUser",
    "setFeatureCompatibilityVersion",
    "setParameter",
    "setProfilingLevel",
    "shutdown",
    "updateRole",
    "updateUser",
    "validate",
  ].map((c) => c.toLowerCase()),
);

/** The fields serverStatus keeps on M0 and Flex ("Limits response to the following fields"). */
const SERVER_STATUS_FIELDS = [
  "$clusterTime",
  "operationTime",
  "asserts.msg",
  "asserts.regular",
  "asserts.rollovers",
  "asserts.user",
  "asserts.warning",
  "atlasVersion.gitVersion",
  "atlasVersion.version",
  "connections.available",
  "connections.current",
  "connections.totalCreated",
  "extra_info.note",
  "extra_info.page_faults",
  "host",
  "localTime",
  "mem.bits",
  "mem.resident",
  "mem.supported",
  "mem.virtual",
  "metrics.atlas",
  "network.bytesIn",
  "network.bytesOut",
  "network.numRequests",
  "opcounters",
  "uptime",
  "uptimeEstimate",
  "uptimeMillis",
  "version",
  "ok",
];

export const ATLAS_VERSION = { atlasVersion: "20251117.0.0.1763", gitVersion: "c4a9f1d0e7b2" };

const EXACT: BSON.DeserializeOptions = {
  promoteLongs: false,
  promoteValues: false,
  promoteBuffers: false,
  bsonRegExp: true,
};

interface Frame {
  requestID: number;
  responseTo: number;
  opCode: number;
  bytes: Buffer;
}

interface OpMsg {
  flags: number;
  body: Document;
  /** Kind 1 sections as they came (raw bytes, including the kind byte). */
  sequences: Buffer[];
}

type Decision =
  | { refuse: Document }
  | { forward: Document | undefined; reply?: (body: Document) => Document; answer?: Document };

export class AtlasProxy {
  readonly commands: ProxiedCommand[] = [];
  /** Commands answered by the intercept so far, by name. */
  readonly answered = new Map<string, number>();
  private readonly sockets = new Set<net.Socket>();
  private admin: MongoClient | undefined;
  private intercept: Intercept;

  private constructor(
    private readonly o: AtlasProxyOptions,
    private readonly server: net.Server,
  ) {
    this.intercept = o.intercept ?? (() => undefined);
  }

  static async start(o: AtlasProxyOptions): Promise<AtlasProxy> {
    const server = net.createServer();
    const proxy = new AtlasProxy(o, server);
    if (o.profile === "m0" || o.profile === "flex") {
      if (!o.backendUri) throw new Error(`AtlasProxy: the ${o.profile} profile needs backendUri (quotas)`);
      proxy.admin = new MongoClient(o.backendUri, { directConnection: true });
      await proxy.admin.connect();
    }
    server.on("connection", (client) => proxy.accept(client));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return proxy;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  /** A connection string to the proxy (with credentials for the m10 profile's users). */
  uri(user?: { user: string; pwd: string }): string {
    const auth = user ? `${encodeURIComponent(user.user)}:${encodeURIComponent(user.pwd)}@` : "";
    return `mongodb://${auth}127.0.0.1:${this.port}/?directConnection=true${user ? "&authSource=admin" : ""}`;
  }

  setIntercept(intercept: Intercept): void {
    this.intercept = intercept;
  }

  refused(): ProxiedCommand[] {
    return this.commands.filter((c) => c.refused);
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.admin?.close();
  }

  private accept(client: net.Socket): void {
    const [host, port] = this.o.backend.split(":");
    const upstream = net.connect(Number(port), host ?? "127.0.0.1");
    this.sockets.add(client);
    this.sockets.add(upstream);
    const replies = new Map<number, (body: Document) => Document>();
    const close = () => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on("error", close);
    upstream.on("error", close);
    client.on("close", close);
    upstream.on("close", close);
    // Requests are handled one after another (a driver connection has one in flight at a time).
    let chain = Promise.resolve();
    frames(client, (frame) => {
      chain = chain
        .then(() => this.fromClient(frame, client, upstream, replies))
        .catch((error: unknown) => {
          console.error("atlas-proxy:", error);
          close();
        });
    });
    frames(upstream, (frame) => {
      const transform = replies.get(frame.responseTo);
      if (!transform || frame.opCode !== 2013) {
        client.write(frame.bytes);
        return;
      }
      replies.delete(frame.responseTo);
      const msg = parseOpMsg(frame.bytes);
      client.write(opMsg(frame.requestID, frame.responseTo, transform(msg.body), msg.sequences, msg.flags));
    });
  }

  private async fromClient(
    frame: Frame,
    client: net.Socket,
    upstream: net.Socket,
    replies: Map<number, (body: Document) => Document>,
  ): Promise<void> {
    if (frame.opCode === 2004) {
      upstream.write(withoutCompression(frame));
      return;
    }
    if (frame.opCode !== 2013) {
      upstream.write(frame.bytes);
      return;
    }
    const msg = parseOpMsg(frame.bytes);
    const name = Object.keys(msg.body)[0] ?? "";
    const db = String(msg.body.$db ?? "");
    if (name === "hello" || name === "isMaster" || name === "ismaster") {
      if (Array.isArray(msg.body.compression)) {
        const { compression: _, ...rest } = msg.body;
        upstream.write(opMsg(frame.requestID, frame.responseTo, rest, msg.sequences, msg.flags));
      } else upstream.write(frame.bytes);
      return;
    }
    const intercepted = this.intercept(msg.body);
    if (intercepted) {
      this.answered.set(name, (this.answered.get(name) ?? 0) + 1);
      this.commands.push({ name, db, body: msg.body, sent: msg.body });
      client.write(opMsg(randomInt(1, 2 ** 31 - 1), frame.requestID, intercepted, [], 0));
      return;
    }
    const decision = await this.decide(name, db, msg.body);
    if ("refuse" in decision) {
      this.commands.push({
        name,
        db,
        body: msg.body,
        sent: msg.body,
        refused: String(decision.refuse.errmsg),
      });
      client.write(opMsg(randomInt(1, 2 ** 31 - 1), frame.requestID, decision.refuse, [], 0));
      return;
    }
    if (decision.answer) {
      this.commands.push({ name, db, body: msg.body, sent: msg.body });
      client.write(opMsg(randomInt(1, 2 ** 31 - 1), frame.requestID, decision.answer, [], 0));
      return;
    }
    this.commands.push({ name, db, body: decision.forward ?? msg.body, sent: msg.body });
    if (decision.reply) replies.set(frame.requestID, decision.reply);
    upstream.write(
      decision.forward
        ? opMsg(frame.requestID, frame.responseTo, decision.forward, msg.sequences, msg.flags)
        : frame.bytes,
    );
  }

  private async decide(name: string, db: string, body: Document): Promise<Decision> {
    if (this.o.profile === "none") return { forward: undefined };
    const lower = name.toLowerCase();
    if (lower === "atlasversion") return { forward: undefined, answer: { ...ATLAS_VERSION, ok: 1 } };
    if (this.o.alsoRefuse?.(name, body))
      return {
        refuse: {
          ok: 0,
          errmsg: `Command ${name} not supported`,
          code: 115,
          codeName: "CommandNotSupported",
        },
      };
    if (this.o.profile === "m10") return { forward: undefined };

    const refuse = (what: string): Decision => ({
      refuse: atlasRefusal(what),
    });
    if (SHARED_TIER_REFUSED.has(lower)) return refuse(name);
    if (lower === "usersinfo") {
      const u = body.usersInfo as Document | undefined;
      if (!(u && typeof u === "object" && u.db === "admin" && typeof u.user === "string"))
        return refuse(name);
    }
    if (lower === "getparameter") {
      const keys = Object.keys(body).filter(
        (k) => k !== "getParameter" && !k.startsWith("$") && k !== "lsid",
      );
      if (!(keys.length === 1 && ["authSchemaVersion", "authenticationMechanisms"].includes(keys[0] ?? "")))
        return refuse(name);
    }
    const forbidden = findOperator(body, ["$where", "$function", "$accumulator"]);
    if (forbidden) return refuse(forbidden);

    let forward: Document | undefined;
    if (lower === "aggregate") {
      const pipeline = (body.pipeline as Document[] | undefined) ?? [];
      if (this.o.refuseCurrentOp && pipeline.some((s) => "$currentOp" in s))
        return {
          refuse: {
            ok: 0,
            errmsg: "Unrecognized pipeline stage name: '$currentOp'",
            code: 40324,
            codeName: "Location40324",
          },
        };
      const cap = this.o.maxTimeMSCap ?? 300_000;
      const given = Number(body.maxTimeMS ?? 0);
      const { allowDiskUse: _, ...rest } = body;
      forward = { ...rest, maxTimeMS: new BSON.Int32(given > 0 ? Math.min(given, cap) : cap) };
      const last = pipeline[pipeline.length - 1] ?? {};
      const into = outTarget(last, db);
      if (into) {
        const refused = await this.checkCreate(into.db, into.coll);
        if (refused) return { refuse: refused };
      }
    }
    const created = createdNamespace(lower, db, body);
    if (created) {
      const refused = await this.checkCreate(created.db, created.coll);
      if (refused) return { refuse: refused };
    }
    if (lower === "serverstatus") return { forward, reply: trimServerStatus };
    return { forward };
  }

  /** Name lengths and the database and collection quotas, for a namespace a command would create. */
  private async checkCreate(db: string, coll: string): Promise<Document | undefined> {
    const admin = this.admin;
    if (!admin) return undefined;
    const atlas = (errmsg: string) => ({ ok: 0, errmsg, code: 8000, codeName: "AtlasError" });
    if (Buffer.byteLength(db) > 38)
      return atlas(`database name "${db}" is too long: the maximum is 38 bytes`);
    const ns = `${db}.${coll}`;
    if (Buffer.byteLength(ns) > 95) return atlas(`namespace "${ns}" is too long: the maximum is 95 bytes`);
    const exists = await admin.db(db).listCollections({ name: coll }, { nameOnly: true }).toArray();
    if (exists.length) return undefined;
    const dbs = (await admin.db("admin").admin().listDatabases({ nameOnly: true })).databases
      .map((d) => d.name)
      .filter((d) => !["admin", "local", "config"].includes(d));
    if (!dbs.includes(db) && dbs.length >= 100)
      return atlas(`cannot create a new database -- already using ${dbs.length} databases of 100`);
    let collections = 0;
    for (const d of dbs)
      collections += (await admin.db(d).listCollections({}, { nameOnly: true }).toArray()).length;
    if (collections >= 500)
      return atlas(`cannot create a new collection -- already using ${collections} collections of 500`);
    return undefined;
  }
}

/** Reads length-prefixed frames from a socket. */
function frames(socket: net.Socket, onFrame: (f: Frame) => void): void {
  let buffered: Buffer = Buffer.alloc(0);
  socket.on("data", (chunk: Buffer) => {
    buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
    while (buffered.length >= 16) {
      const length = buffered.readInt32LE(0);
      if (buffered.length < length) break;
      const bytes = buffered.subarray(0, length);
      buffered = buffered.subarray(length);
      onFrame({
        requestID: bytes.readInt32LE(4),
        responseTo: bytes.readInt32LE(8),
        opCode: bytes.readInt32LE(12),
        bytes: Buffer.from(bytes),
      });
    }
  });
}

function parseOpMsg(bytes: Buffer): OpMsg {
  const flags = bytes.readUInt32LE(16);
  const end = bytes.length - (flags & 1 ? 4 : 0);
  let at = 20;
  let body: Document = {};
  const sequences: Buffer[] = [];
  while (at < end) {
    const kind = bytes[at];
    if (kind === 0) {
      const size = bytes.readInt32LE(at + 1);
      body = BSON.deserialize(bytes.subarray(at + 1, at + 1 + size), EXACT);
      at += 1 + size;
    } else {
      const size = bytes.readInt32LE(at + 1);
      sequences.push(Buffer.from(bytes.subarray(at, at + 1 + size)));
      at += 1 + size;
    }
  }
  return { flags: flags & ~1, body, sequences };
}

function opMsg(requestID: number, responseTo: number, body: Document, sequences: Buffer[], flags: number) {
  const doc = Buffer.from(BSON.serialize(body));
  const length = 16 + 4 + 1 + doc.length + sequences.reduce((n, s) => n + s.length, 0);
  const header = Buffer.alloc(21);
  header.writeInt32LE(length, 0);
  header.writeInt32LE(requestID, 4);
  header.writeInt32LE(responseTo, 8);
  header.writeInt32LE(2013, 12);
  header.writeUInt32LE(flags, 16);
  header[20] = 0;
  return Buffer.concat([header, doc, ...sequences]);
}

/** The legacy handshake (OP_QUERY on admin.$cmd) without `compression`: none is negotiated. */
function withoutCompression(frame: Frame): Buffer {
  const b = frame.bytes;
  const nameEnd = b.indexOf(0, 20);
  const docAt = nameEnd + 1 + 8;
  const size = b.readInt32LE(docAt);
  const query = BSON.deserialize(b.subarray(docAt, docAt + size), EXACT);
  if (!("compression" in query)) return b;
  const { compression: _, ...rest } = query;
  const doc = Buffer.from(BSON.serialize(rest));
  const out = Buffer.concat([b.subarray(0, docAt), doc, b.subarray(docAt + size)]);
  out.writeInt32LE(out.length, 0);
  return out;
}

function findOperator(value: unknown, names: readonly string[]): string | undefined {
  if (Array.isArray(value)) {
    for (const v of value) {
      const found = findOperator(v, names);
      if (found) return found;
    }
    return undefined;
  }
  if (value && typeof value === "object" && !(value instanceof Uint8Array) && !("_bsontype" in value)) {
    for (const [k, v] of Object.entries(value)) {
      if (names.includes(k)) return k;
      const found = findOperator(v, names);
      if (found) return found;
    }
  }
  return undefined;
}

function outTarget(stage: Document, db: string): { db: string; coll: string } | undefined {
  const out = stage.$out ?? stage.$merge?.into ?? stage.$merge;
  if (out === undefined) return undefined;
  if (typeof out === "string") return { db, coll: out };
  if (typeof out === "object" && out !== null) {
    const o = out as { db?: unknown; coll?: unknown; into?: unknown };
    if (typeof o.coll === "string") return { db: typeof o.db === "string" ? o.db : db, coll: o.coll };
  }
  return undefined;
}

const CREATING = new Set(["create", "insert", "update", "findandmodify", "createindexes"]);

function createdNamespace(
  lower: string,
  db: string,
  body: Document,
): { db: string; coll: string } | undefined {
  if (lower === "renamecollection") {
    const [d, ...rest] = String(body.to ?? "").split(".");
    return d ? { db: d, coll: rest.join(".") } : undefined;
  }
  if (!CREATING.has(lower)) return undefined;
  const coll = Object.values(body)[0];
  return typeof coll === "string" ? { db, coll } : undefined;
}

function trimServerStatus(body: Document): Document {
  if (body.ok !== 1 && Number(body.ok) !== 1) return body;
  const out: Document = {
    atlasVersion: { version: ATLAS_VERSION.atlasVersion, gitVersion: ATLAS_VERSION.gitVersion },
  };
  for (const path of SERVER_STATUS_FIELDS) {
    const parts = path.split(".");
    let from: unknown = body;
    for (const p of parts) from = (from as Document | undefined)?.[p];
    if (from === undefined) continue;
    let to = out;
    for (const p of parts.slice(0, -1)) {
      to[p] ??= {};
      to = to[p] as Document;
    }
    to[parts[parts.length - 1] as string] = from;
  }
  return out;
}
