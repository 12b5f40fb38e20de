import { type GitHubClient, isNotFound, type RepoRef } from "./client";

export async function addLabel(
  client: GitHubClient,
  repo: RepoRef,
  number: number,
  name: string,
): Promise<string[]> {
  const { data } = await client.rest.issues.addLabels({ ...repo, issue_number: number, labels: [name] });
  return data.map((l) => l.name);
}

/** Removes a label; a label that is already gone is not an error (returns false). */
export async function removeLabel(
  client: GitHubClient,
  repo: RepoRef,
  number: number,
  name: string,
): Promise<boolean> {
  try {
    await client.rest.issues.removeLabel({ ...repo, issue_number: number, name });
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}
