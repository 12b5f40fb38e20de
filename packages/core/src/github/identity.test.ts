import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { GitHubStandIn } from "../../../../test/support/github-stand-in";
import { silentLog } from "../log";
import { createGitHubClient } from "./client";
import { senderIsSelf, tokenActsAs } from "./identity";

let gh: GitHubStandIn;
const PAT = "ghp_identityTestToken";
const human = { login: "octocat", type: "User" };
const releaseBot = { login: "release-bot", type: "User" };

beforeAll(async () => {
  gh = await GitHubStandIn.start();
  gh.addToken(PAT, { identity: { login: "release-bot", type: "User", id: 7 }, kind: "user" });
});
afterAll(async () => gh.stop());
beforeEach(() => gh.clearRequests());

const client = (token: string) => createGitHubClient({ token, log: silentLog, baseUrl: gh.url });

describe("tokenActsAs", () => {
  it("reads GitHub's token prefixes", () => {
    expect(tokenActsAs("ghs_abc")).toBe("bot");
    expect(tokenActsAs("ghp_abc")).toBe("user");
    expect(tokenActsAs("github_pat_abc")).toBe("user");
    expect(tokenActsAs("gho_abc")).toBe("user");
    expect(tokenActsAs("ghu_abc")).toBe("user");
    expect(tokenActsAs("something-else")).toBe("unknown");
    expect(tokenActsAs(undefined)).toBe("unknown");
  });
});

describe("senderIsSelf", () => {
  it("an installation token cannot be a human sender: settled without a request", async () => {
    const check = await senderIsSelf(human, client(gh.defaultToken), silentLog, { token: gh.defaultToken });
    expect(check).toEqual({ isSelf: false, how: "token-kind" });
    expect(gh.requests).toHaveLength(0);
  });

  it("a user token cannot be a bot sender: settled without a request", async () => {
    const check = await senderIsSelf({ login: "renovate[bot]", type: "Bot" }, client(PAT), silentLog, {
      token: PAT,
    });
    expect(check).toEqual({ isSelf: false, how: "token-kind" });
    expect(gh.requests).toHaveLength(0);
  });

  it("a user token and a user sender: the token's login is looked up", async () => {
    expect(await senderIsSelf(releaseBot, client(PAT), silentLog, { token: PAT })).toEqual({
      isSelf: true,
      login: "release-bot",
      how: "api",
    });
    expect(await senderIsSelf(human, client(PAT), silentLog, { token: PAT })).toMatchObject({
      isSelf: false,
    });
    expect(gh.calls()).toEqual(["POST /graphql", "POST /graphql"]);
  });

  it("self-login and the github-actions[bot] sender need no request either", async () => {
    expect(
      await senderIsSelf(releaseBot, client(PAT), silentLog, { selfLogin: "Release-Bot" }),
    ).toMatchObject({
      isSelf: true,
      how: "input",
    });
    const bot = { login: "github-actions[bot]", type: "Bot" };
    expect(
      await senderIsSelf(bot, client(gh.defaultToken), silentLog, { token: gh.defaultToken }),
    ).toMatchObject({
      isSelf: true,
      how: "github-actions-bot",
    });
    expect(gh.requests).toHaveLength(0);
  });
});
