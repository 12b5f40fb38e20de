/**
 * Placeholder demo until the full lifecycle lands: runs the bundled detect-labels action
 * on a sample pull_request event against the local GitHub API stand-in.
 */
import { pullRequestEvent } from "../test/support/events";
import { GitHubStandIn } from "../test/support/github-stand-in";
import { runAction } from "../test/support/run-action";

const gh = await GitHubStandIn.start();
try {
  gh.addPullRequest({ number: 42, labels: ["preview", "use-snapshot"] });
  const run = await runAction("detect-labels", {
    apiUrl: gh.url,
    event: pullRequestEvent({ action: "labeled", number: 42, label: "use-snapshot", labels: ["preview"] }),
    inputs: { "github-token": gh.defaultToken, "db-prefix": "shop" },
  });
  console.log(run.stdout.trim());
  console.log("\noutputs:");
  for (const [k, v] of Object.entries(run.outputs)) console.log(`  ${k.padEnd(16)} ${v}`);
  process.exitCode = run.code;
} finally {
  await gh.stop();
}
