/**
 * Which of the three ways to copy a collection the engine uses. Pure: the engine reads the
 * facts (size, options, server version and cores, where source and target live) and this
 * decides, so the rules can be tested and documented without a server.
 */

export type CopyMethodKind = "$out" | "ranges" | "stream";
export const COPY_METHODS = ["auto", "out", "ranges", "stream"] as const;
export type CopyMethodSetting = (typeof COPY_METHODS)[number];

export interface MethodFacts {
  type: "collection" | "timeseries";
  capped: boolean;
  /** Uncompressed size of the source's documents. */
  bytes: number;
  /** Source and target are the same deployment, so the server can copy without the runner. */
  sameDeployment: boolean;
  /** `$out` can write time-series collections (MongoDB 7.0.3+). */
  timeseriesOut: boolean;
  /** The target server's cores (hostInfo), when the credentials may read them. */
  cores: number | undefined;
  /** Collections copied at once: the fallback for the number of ranges when cores are unknown. */
  concurrency: number;
  /** Collections at least this large are split into `_id` ranges copied in parallel. */
  rangeThresholdBytes: number;
  /** `auto`, or a method forced by the operator (benchmarks, diagnosis). */
  setting: CopyMethodSetting;
  /** Smallest share of data worth a range of its own (default {@link MIN_RANGE_BYTES}). */
  minRangeBytes?: number;
  /**
   * Largest amount of data one aggregation may copy (a server's time cap, or a throttle that
   * pauses between chunks): larger collections are copied as bounded `_id`-range chunks.
   */
  chunkBytes?: number;
}

export interface MethodChoice {
  kind: CopyMethodKind;
  /** Concurrent range copies (ranges) or readers (stream); 1 = the whole collection at once. */
  parallelism: number;
  /** `_id` ranges copied one aggregation each, `parallelism` at a time (default: parallelism). */
  chunks?: number;
  /**
   * Chunks one at a time build the secondary indexes after the last chunk, as `$out` does: one
   * bulk build, and chunks that replicate as plain inserts (measured: README, "The throttle").
   */
  indexesLast?: boolean;
  /** What the summary's `method` column shows. */
  label: string;
  /** Why, for the log. */
  reason: string;
}

/** Each parallel range should carry enough data to be worth a separate aggregation. */
export const MIN_RANGE_BYTES = 32 * 1024 * 1024;
export const MAX_RANGES = 16;
/** Readers of a stream copy: the runner's event loop does the BSON work, so a few suffice. */
export const MAX_STREAM_READERS = 4;
export const DEFAULT_RANGE_THRESHOLD_MB = 128;

/**
 * Range copies on a server with `cores` cores: half of them, so index maintenance and the
 * other collections copied meanwhile still have room (8 ranges on 16 cores measured best). On
 * 2 cores that is 1, i.e. no split: there, two ranges measured slower than `$out` (9.2 s vs 7.8 s
 * for the 0.25 GiB benchmark restore), because the single-threaded text index build is the floor.
 */
export function rangesFor(
  facts: Pick<MethodFacts, "bytes" | "cores" | "concurrency" | "minRangeBytes">,
): number {
  const wanted = facts.cores === undefined ? facts.concurrency : Math.round(facts.cores / 2);
  const bySize = Math.max(1, Math.floor(facts.bytes / (facts.minRangeBytes ?? MIN_RANGE_BYTES)));
  return Math.max(1, Math.min(MAX_RANGES, wanted, bySize));
}

function streamReaders(f: Pick<MethodFacts, "bytes" | "minRangeBytes">): number {
  return Math.max(
    1,
    Math.min(MAX_STREAM_READERS, Math.floor(f.bytes / (f.minRangeBytes ?? MIN_RANGE_BYTES))),
  );
}

export function chooseMethod(f: MethodFacts): MethodChoice {
  const choice = chooseUnbounded(f);
  const { chunkBytes } = f;
  if (!chunkBytes || f.bytes <= chunkBytes || f.capped) return choice;
  const chunks = Math.max(choice.parallelism, Math.ceil(f.bytes / chunkBytes));
  const why = `${mb(f.bytes)} > ${mb(chunkBytes)} per aggregation: ${chunks} bounded _id-range chunks`;
  if (choice.kind === "stream") {
    if (f.type === "timeseries") return choice; // no _id index to split on
    return {
      ...choice,
      chunks,
      label: `${choice.label}, ${chunks} chunks`,
      reason: `${choice.reason}; ${why}`,
    };
  }
  if (f.type === "timeseries")
    return {
      kind: "stream",
      parallelism: 1,
      label: "stream (time-series)",
      reason: `${why} are not possible for time-series: one cursor through the runner instead of one long $out`,
    };
  const n = choice.kind === "ranges" ? choice.parallelism : 1;
  return {
    kind: "ranges",
    parallelism: n,
    chunks,
    label: n > 1 ? `ranges ×${n} (${chunks} chunks)` : `chunks ×${chunks}`,
    ...(n > 1 ? {} : { indexesLast: true }),
    reason: `${why}, ${n} at a time, ${n > 1 ? "indexes first" : "indexes after the last chunk (one bulk build, as $out)"}`,
  };
}

function chooseUnbounded(f: MethodFacts): MethodChoice {
  if (f.capped) {
    return {
      kind: "stream",
      parallelism: 1,
      label: `stream (capped${f.sameDeployment ? "" : ", cross-cluster"})`,
      reason: "capped collections keep their insertion order: one reader, ordered inserts",
    };
  }
  if (f.type === "timeseries") {
    if (f.sameDeployment && f.timeseriesOut && f.setting !== "stream")
      return { kind: "$out", parallelism: 1, label: "$out (time-series)", reason: "MongoDB ≥ 7.0.3" };
    // A time-series collection has no _id index to split on: one reader.
    return {
      kind: "stream",
      parallelism: 1,
      label: `stream (time-series${f.sameDeployment ? "" : ", cross-cluster"})`,
      reason: !f.sameDeployment
        ? "source and target are different deployments"
        : f.timeseriesOut
          ? "forced by copy-method"
          : "$out cannot write time-series collections before MongoDB 7.0.3",
    };
  }
  if (!f.sameDeployment || f.setting === "stream") {
    const n = streamReaders(f);
    return {
      kind: "stream",
      parallelism: n,
      label: `stream${n > 1 ? ` ×${n}` : ""}${f.sameDeployment ? "" : " (cross-cluster)"}`,
      reason: f.sameDeployment
        ? "forced by copy-method"
        : "source and target are different deployments: documents pass through the runner",
    };
  }
  const k = rangesFor(f);
  const big = f.bytes >= f.rangeThresholdBytes;
  if (f.setting === "ranges" || (f.setting === "auto" && big && k >= 2)) {
    const n = Math.max(2, k);
    return {
      kind: "ranges",
      parallelism: n,
      label: `ranges ×${n}`,
      reason:
        f.setting === "ranges"
          ? "forced by copy-method"
          : `${mb(f.bytes)} ≥ ${mb(f.rangeThresholdBytes)}: indexes first, then ${n} parallel $merge copies of _id ranges` +
            (f.cores === undefined
              ? " (server cores unknown: from concurrency)"
              : ` (${f.cores} server cores)`),
    };
  }
  return {
    kind: "$out",
    parallelism: 1,
    label: "$out",
    reason: f.setting === "out" ? "forced by copy-method" : "server-side $out, then indexes",
  };
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MB`;
}
