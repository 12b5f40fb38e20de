import os from "node:os";

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await fn();
  return { ms: performance.now() - started, value };
}

export interface Contender {
  name: string;
  /** Untimed preparation before each run (e.g. dropping the target). */
  prepare?: () => Promise<void>;
  run: () => Promise<void>;
}

/** Runs contenders in rotating order (ABC, BCA, CAB, ...) so that no one always goes first. */
export async function compare(
  contenders: readonly Contender[],
  repeat: number,
  log: (line: string) => void,
): Promise<Record<string, number[]>> {
  const times: Record<string, number[]> = Object.fromEntries(contenders.map((c) => [c.name, []]));
  for (let round = 0; round < repeat; round++) {
    for (let k = 0; k < contenders.length; k++) {
      const c = contenders[(round + k) % contenders.length] as Contender;
      await c.prepare?.();
      const { ms } = await timed(c.run);
      times[c.name]?.push(ms);
      log(`    round ${round + 1}: ${c.name.padEnd(22)} ${(ms / 1000).toFixed(2)} s`);
    }
  }
  return times;
}

export function machine(mongodVersion: string, mongodSource: string) {
  const cpus = os.cpus();
  return {
    os: `${os.type()} ${os.release()} (${os.arch()})`,
    cpu: `${cpus.length} × ${cpus[0]?.model ?? "unknown"}`,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    mongod: `${mongodVersion} (${mongodSource}, wiredTiger, standalone)`,
  };
}

export const fmtS = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
export const ratio = (a: number, b: number) => (b > 0 ? a / b : Number.NaN);
