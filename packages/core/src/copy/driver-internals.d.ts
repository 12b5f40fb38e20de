/** The driver's OP_MSG module (no public types): only what raw-insert.ts feature-detects. */
declare module "mongodb/lib/cmap/commands" {
  export const DocumentSequence: unknown;
}
