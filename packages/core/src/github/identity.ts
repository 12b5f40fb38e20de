import type { Log } from "../log";
import { type GitHubClient, httpStatus } from "./client";
import type { Sender } from "./event";

export const GITHUB_ACTIONS_BOT = "github-actions[bot]";

/**
 * The login behind the token: a user for a PAT, `<app>[bot]` for a GitHub App token,
 * `github-actions[bot]` for GITHUB_TOKEN. GraphQL `viewer` answers for all three; REST
 * `GET /user` only for user tokens.
 */
export async function tokenLogin(client: GitHubClient, log: Log): Promise<string | undefined> {
  try {
    const result = await client.graphql<{ viewer: { login: string } }>("query { viewer { login } }");
    if (result?.viewer?.login) return result.viewer.login;
  } catch (error) {
    log.debug(`GraphQL viewer query failed: ${(error as Error).message}`);
  }
  try {
    const { data } = await client.rest.users.getAuthenticated();
    return data.login;
  } catch (error) {
    log.debug(`GET /user failed (${httpStatus(error) ?? "?"}): ${(error as Error).message}`);
    return undefined;
  }
}

const logins = new WeakMap<GitHubClient, Promise<string | undefined>>();

/**
 * {@link tokenLogin}, asked once per client: a run that reads its own comments on several pull
 * requests (the sweep) or checks a label event's sender and then its comments spends one request.
 */
export function tokenLoginOnce(client: GitHubClient, log: Log): Promise<string | undefined> {
  let login = logins.get(client);
  if (!login) {
    login = tokenLogin(client, log);
    logins.set(client, login);
  }
  return login;
}

/** The token's login as the workflow states it (the self-login input): no request needed. */
export function knowTokenLogin(client: GitHubClient, login: string): void {
  logins.set(client, Promise.resolve(login));
}

export interface SelfCheck {
  isSelf: boolean;
  /** The token's login when it had to be looked up. */
  login?: string;
  how: "input" | "github-actions-bot" | "token-kind" | "api" | "unknown";
}

/**
 * What kind of account a token acts as, from GitHub's documented token prefixes: installation
 * tokens (GITHUB_TOKEN, GitHub Apps) act as a bot; personal access, OAuth and user-to-server
 * tokens act as a user.
 */
export function tokenActsAs(token: string | undefined): "bot" | "user" | "unknown" {
  if (!token) return "unknown";
  if (token.startsWith("ghs_")) return "bot";
  if (/^(ghp_|github_pat_|gho_|ghu_)/.test(token)) return "user";
  return "unknown";
}

export interface SelfCheckOptions {
  /** The token's login (input), which avoids looking it up. */
  selfLogin?: string;
  /** The token itself: its kind can rule the sender out without an API request. */
  token?: string;
}

/**
 * Whether an event was caused by this action's own token (a label we reverted), so that
 * processing it again cannot start a ping-pong. Costs an API request only when neither the
 * self-login input, the github-actions[bot] sender nor the token's kind settles it.
 */
export async function senderIsSelf(
  sender: Sender | undefined,
  client: GitHubClient,
  log: Log,
  options: SelfCheckOptions = {},
): Promise<SelfCheck> {
  if (!sender) return { isSelf: false, how: "unknown" };
  const same = (login: string) => login.toLowerCase() === sender.login.toLowerCase();
  const { selfLogin } = options;
  if (selfLogin) {
    knowTokenLogin(client, selfLogin);
    return { isSelf: same(selfLogin), login: selfLogin, how: "input" };
  }
  if (sender.login === GITHUB_ACTIONS_BOT)
    return { isSelf: true, login: GITHUB_ACTIONS_BOT, how: "github-actions-bot" };
  // A bot token never acts as a user, and a user token never as a bot.
  const senderIsBot = sender.type === "Bot" || sender.login.endsWith("[bot]");
  const actsAs = tokenActsAs(options.token);
  if ((actsAs === "bot" && !senderIsBot) || (actsAs === "user" && senderIsBot)) {
    return { isSelf: false, how: "token-kind" };
  }
  const login = await tokenLoginOnce(client, log);
  if (!login) {
    log.warning(
      "Could not tell which account the github-token belongs to; treating the event as caused by someone else. " +
        "Set the self-login input to the token's login to make this certain.",
    );
    return { isSelf: false, how: "unknown" };
  }
  return { isSelf: same(login), login, how: "api" };
}
