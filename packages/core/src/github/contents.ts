import type { Log } from "../log";
import { createGitHubClient, isNotFound, type RepoRef } from "./client";
import { gitBlobSha } from "./git-blob";

export interface RepositoryFile {
  bytes: Buffer;
  /** The git blob sha, checked against the bytes. */
  blobSha: string;
}

export interface FetchFileRequest {
  token: string;
  apiUrl?: string;
  log: Log;
  repo: RepoRef;
  path: string;
  /** A commit sha: a branch name would move under our feet. */
  ref: string;
}

/**
 * One file at one commit through the contents API (`GET /repos/{owner}/{repo}/contents/{path}?ref=`,
 * one request); undefined when the commit has no such file. Loaded only when a fetch is needed:
 * it brings Octokit with it.
 */
export async function fetchFileAt(r: FetchFileRequest): Promise<RepositoryFile | undefined> {
  const client = createGitHubClient({
    token: r.token,
    log: r.log,
    ...(r.apiUrl ? { baseUrl: r.apiUrl } : {}),
  });
  let data: Awaited<ReturnType<typeof client.rest.repos.getContent>>["data"];
  try {
    ({ data } = await client.rest.repos.getContent({ ...r.repo, path: r.path, ref: r.ref }));
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
  if (Array.isArray(data) || data.type !== "file") {
    throw new Error(`${r.path} is a ${Array.isArray(data) ? "directory" : data.type}, not a file`);
  }
  if (data.encoding !== "base64" || typeof data.content !== "string") {
    // The API leaves the content out of files over 1 MB (encoding "none").
    throw new Error(`the contents API returned no content for ${r.path} (encoding "${data.encoding}")`);
  }
  const bytes = Buffer.from(data.content, "base64");
  const blobSha = gitBlobSha(bytes);
  // A truncated or altered response must not pass for the file at that commit.
  if (blobSha !== data.sha) {
    throw new Error(
      `the content returned for ${r.path} does not match its blob sha (reported ${data.sha}, computed ${blobSha})`,
    );
  }
  return { bytes, blobSha };
}
