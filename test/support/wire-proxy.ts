import net from "node:net";
import { BSON, type Document } from "mongodb";

/**
 * A TCP proxy in front of a real mongod that answers chosen commands itself, as a managed server
 * or a server past its oplog window answers them, and passes everything else through byte for
 * byte. It reads the wire protocol's OP_MSG (MongoDB 3.6+; the driver sends every command so,
 * uncompressed unless told otherwise), never the driver's objects: the code under test talks to
 * what looks like a server. Connect with `directConnection=true`, or the driver would follow
 * the replica set's member list past the proxy.
 */

/** Returns a reply document to answer the command with, or undefined to pass it to the server. */
export type Intercept = (command: Document) => Document | undefined;

export interface WireProxy {
  /** `mongodb://127.0.0.1:<port>/?directConnection=true` */
  uri: string;
  /** Commands answered by the proxy so far, by name. */
  answered: Map<string, number>;
  setIntercept(intercept: Intercept): void;
  close(): Promise<void>;
}

const OP_MSG = 2013;
const HEADER = 16;

export async function startWireProxy(
  upstream: string,
  intercept: Intercept = () => undefined,
): Promise<WireProxy> {
  const [host = "127.0.0.1", port = "27017"] = upstream.split(":");
  let current = intercept;
  const answered = new Map<string, number>();
  const sockets = new Set<net.Socket>();
  let nextId = 1_000_000;
  const server = net.createServer((client) => {
    const upstreamSocket = net.connect(Number(port), host);
    sockets.add(client);
    sockets.add(upstreamSocket);
    let buffered = Buffer.alloc(0);
    client.on("data", (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 4) {
        const length = buffered.readInt32LE(0);
        if (buffered.length < length) break;
        const message = buffered.subarray(0, length);
        buffered = buffered.subarray(length);
        const reply = answer(message);
        if (reply) client.write(reply);
        else upstreamSocket.write(message);
      }
    });
    upstreamSocket.on("data", (chunk) => client.write(chunk));
    const end = () => {
      client.destroy();
      upstreamSocket.destroy();
      sockets.delete(client);
      sockets.delete(upstreamSocket);
    };
    client.on("close", end);
    upstreamSocket.on("close", end);
    client.on("error", end);
    upstreamSocket.on("error", end);
  });

  /** The reply to send instead of forwarding, if the intercept wants one. */
  function answer(message: Buffer): Buffer | undefined {
    if (message.readInt32LE(12) !== OP_MSG) return undefined;
    const requestId = message.readInt32LE(4);
    // flagBits, then section kind 0 (the command body) comes first in what drivers send.
    if (message.readUInt8(HEADER + 4) !== 0) return undefined;
    const size = message.readInt32LE(HEADER + 5);
    const command = BSON.deserialize(message.subarray(HEADER + 5, HEADER + 5 + size));
    const reply = current(command);
    if (!reply) return undefined;
    const name = Object.keys(command)[0] ?? "?";
    answered.set(name, (answered.get(name) ?? 0) + 1);
    const body = BSON.serialize(reply);
    const out = Buffer.alloc(HEADER + 5 + body.length);
    out.writeInt32LE(out.length, 0);
    out.writeInt32LE(nextId++, 4);
    out.writeInt32LE(requestId, 8);
    out.writeInt32LE(OP_MSG, 12);
    out.writeUInt32LE(0, HEADER);
    out.writeUInt8(0, HEADER + 4);
    Buffer.from(body).copy(out, HEADER + 5);
    return out;
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address() as net.AddressInfo;
  return {
    uri: `mongodb://127.0.0.1:${address.port}/?directConnection=true`,
    answered,
    setIntercept(i) {
      current = i;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** What MongoDB answers a change stream that starts before the oldest oplog entry (6.0). */
export const HISTORY_LOST: Document = {
  ok: 0,
  errmsg:
    "Executor error during getMore :: caused by :: Resume of change stream was not possible, as the resume point may no longer be in the oplog.",
  code: 286,
  codeName: "ChangeStreamHistoryLost",
};

/** What Atlas's shared tiers answer a command they do not support (docs: "Unsupported Commands"). */
export function atlasRefusal(command: string): Document {
  return {
    ok: 0,
    errmsg: `${command} is not allowed in this atlas tier`,
    code: 8000,
    codeName: "AtlasError",
  };
}

export const isChangeStream = (c: Document): boolean =>
  c.aggregate !== undefined &&
  Array.isArray(c.pipeline) &&
  (c.pipeline[0] as Document | undefined)?.$changeStream !== undefined;
