import type { Log } from "../log";

/**
 * Progress of a whole restore or producer run, logged at a steady pace once the work has taken
 * longer than one interval: documents, MB, MB/s and an ETA, plus what is in flight. Stream copies
 * count exactly; server-side copies (`$out`, ranges) are measured by probing the target.
 */
export interface ProgressOptions {
  log: Log;
  totalDocuments: number;
  totalBytes: number;
  /** How often to log (at most every 10 s by default). */
  intervalMs?: number;
  now?: () => number;
  what?: string;
  /** Appended to each line while it says something, e.g. the throttle's "paused 3.2 s: majority lag 2.6 s > 2 s". */
  note?: () => string | undefined;
}

interface Running {
  name: string;
  label: string;
  phase: string;
  /** Documents and bytes written so far, when the engine can tell. */
  probe?: () => Promise<{ documents: number; bytes: number }>;
  counted: { documents: number; bytes: number };
  expected: { documents: number; bytes: number };
}

export interface ProgressTask {
  /** Exact counts from a stream copy. */
  add(documents: number, bytes: number): void;
  /** How to measure a server-side copy's progress. */
  setProbe(probe: (() => Promise<{ documents: number; bytes: number }>) | undefined): void;
  phase(text: string): void;
  done(): void;
}

export class Progress {
  private readonly started: number;
  private readonly now: () => number;
  private readonly running = new Set<Running>();
  private finished = { documents: 0, bytes: 0 };
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;
  lines = 0;

  constructor(private readonly o: ProgressOptions) {
    this.now = o.now ?? Date.now;
    this.started = this.now();
  }

  start(): this {
    const interval = this.o.intervalMs ?? 10_000;
    this.timer = setInterval(() => void this.tick(), interval);
    this.timer.unref();
    return this;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  task(name: string, label: string, expected: { documents: number; bytes: number }): ProgressTask {
    const r: Running = { name, label, phase: "copying", counted: { documents: 0, bytes: 0 }, expected };
    this.running.add(r);
    return {
      add: (documents, bytes) => {
        r.counted.documents += documents;
        r.counted.bytes += bytes;
      },
      setProbe: (probe) => {
        if (probe) r.probe = probe;
        else delete r.probe;
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
  async tick(): Promise<string | undefined> {
    if (this.ticking) return undefined;
    this.ticking = true;
    try {
      let documents = this.finished.documents;
      let bytes = this.finished.bytes;
      const inFlight: string[] = [];
      for (const r of this.running) {
        let c = r.counted;
        if (r.probe) c = await r.probe().catch(() => r.counted);
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
    } finally {
      this.ticking = false;
    }
  }
}

export interface ProgressFacts {
  what: string;
  documents: number;
  bytes: number;
  totalDocuments: number;
  totalBytes: number;
  elapsedMs: number;
  inFlight: readonly string[];
  note?: string | undefined;
}

export function formatProgress(p: ProgressFacts): string {
  const mb = (b: number) => (b / 1_048_576).toFixed(1);
  const seconds = Math.max(p.elapsedMs / 1000, 0.001);
  const rate = p.bytes / 1_048_576 / seconds;
  const left = Math.max(0, p.totalBytes - p.bytes);
  const eta = rate > 0 && p.bytes > 0 ? formatDuration((left / 1_048_576 / rate) * 1000) : "unknown";
  const pct = p.totalBytes > 0 ? ` (${Math.min(100, Math.floor((100 * p.bytes) / p.totalBytes))}%)` : "";
  return (
    `${p.what}: ${p.documents.toLocaleString("en-US")} of ${p.totalDocuments.toLocaleString("en-US")} documents, ` +
    `${mb(p.bytes)} of ${mb(p.totalBytes)} MB${pct}, ${rate.toFixed(1)} MB/s, ETA ${eta}` +
    (p.inFlight.length ? `; in progress: ${p.inFlight.join(", ")}` : "") +
    (p.note ? `; ${p.note}` : "")
  );
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}
