import { createHash } from "node:crypto";

/** A git object id as GitHub reports it (SHA-1, 40 lowercase hex digits). */
export const GIT_OBJECT_ID = /^[0-9a-f]{40}$/;

/**
 * Git's id of a file's content: SHA-1 over `blob <length>\0` followed by the bytes. The contents
 * API reports it as `sha`, so a copy can be checked against it without another request.
 */
export function gitBlobSha(content: Uint8Array): string {
  return createHash("sha1").update(`blob ${content.length}\0`).update(content).digest("hex");
}
