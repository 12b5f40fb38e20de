import { type MongoClient, MongoServerError } from "mongodb";
import { UserError } from "../errors";
import { METADATA_COLLECTION } from "../mongo/target";

const LEASE_ID = "producer-lease";

interface LeaseDoc {
  _id: string;
  holder: string;
  acquiredAt: Date;
  expiresAt: Date;
}

export interface Lease {
  holder: string;
  release(): Promise<void>;
}

/**
 * Makes sure two producers (the weekly CronJob and an on-demand run, say) never write the same
 * snapshot database at once. The lease expires on its own if its holder dies, and is renewed
 * while the holder works.
 */
export async function acquireLease(
  client: MongoClient,
  snapshotDatabase: string,
  holder: string,
  ttlMs: number,
): Promise<Lease> {
  const coll = client.db(snapshotDatabase).collection<LeaseDoc>(METADATA_COLLECTION);
  const take = async () => {
    const now = new Date();
    await coll.updateOne(
      { _id: LEASE_ID, $or: [{ expiresAt: { $lt: now } }, { holder }] },
      { $set: { holder, acquiredAt: now, expiresAt: new Date(now.getTime() + ttlMs) } },
      { upsert: true },
    );
  };
  try {
    await take();
  } catch (error) {
    if (error instanceof MongoServerError && error.code === 11000) {
      const current = await coll.findOne({ _id: LEASE_ID });
      throw new UserError(
        `Another snapshot producer is running on ${snapshotDatabase} (since ${current?.acquiredAt?.toISOString() ?? "?"}; ` +
          `its lease expires at ${current?.expiresAt?.toISOString() ?? "?"} unless renewed). Wait for it to finish, then run again.`,
      );
    }
    throw error;
  }
  const timer = setInterval(() => void take().catch(() => {}), Math.max(1_000, Math.floor(ttlMs / 3)));
  timer.unref();
  return {
    holder,
    async release() {
      clearInterval(timer);
      await coll.deleteOne({ _id: LEASE_ID, holder });
    },
  };
}
