/** CONTRACT §12 `throttle`: `auto` (default) watches the cluster and pauses; `off` copies flat out. */
export const THROTTLE_MODES = ["auto", "off"] as const;
export type ThrottleMode = (typeof THROTTLE_MODES)[number];
