export const id = 82738;
export const ids = [82738];
export const modules = {

/***/ 3680:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  postRestoredComment: () => (/* binding */ postRestoredComment)
});

// EXTERNAL MODULE: ../../packages/core/src/github/client.ts
var github_client = __webpack_require__(5133);
// EXTERNAL MODULE: ../../packages/core/src/log.ts
var src_log = __webpack_require__(9844);
;// CONCATENATED MODULE: ../../packages/core/src/github/identity.ts

const GITHUB_ACTIONS_BOT = "github-actions[bot]";
/**
 * The login behind the token: a user for a PAT, `<app>[bot]` for a GitHub App token,
 * `github-actions[bot]` for GITHUB_TOKEN. GraphQL `viewer` answers for all three; REST
 * `GET /user` only for user tokens.
 */
async function tokenLogin(client, log) {
    try {
        const result = await client.graphql("query { viewer { login } }");
        if (result?.viewer?.login)
            return result.viewer.login;
    }
    catch (error) {
        log.debug(`GraphQL viewer query failed: ${error.message}`);
    }
    try {
        const { data } = await client.rest.users.getAuthenticated();
        return data.login;
    }
    catch (error) {
        log.debug(`GET /user failed (${(0,github_client/* httpStatus */.nG)(error) ?? "?"}): ${error.message}`);
        return undefined;
    }
}
const logins = new WeakMap();
/**
 * {@link tokenLogin}, asked once per client: a run that reads its own comments on several pull
 * requests (the sweep) or checks a label event's sender and then its comments spends one request.
 */
function tokenLoginOnce(client, log) {
    let login = logins.get(client);
    if (!login) {
        login = tokenLogin(client, log);
        logins.set(client, login);
    }
    return login;
}
/** The token's login as the workflow states it (the self-login input): no request needed. */
function knowTokenLogin(client, login) {
    logins.set(client, Promise.resolve(login));
}
/**
 * What kind of account a token acts as, from GitHub's documented token prefixes: installation
 * tokens (GITHUB_TOKEN, GitHub Apps) act as a bot; personal access, OAuth and user-to-server
 * tokens act as a user.
 */
function tokenActsAs(token) {
    if (!token)
        return "unknown";
    if (token.startsWith("ghs_"))
        return "bot";
    if (/^(ghp_|github_pat_|gho_|ghu_)/.test(token))
        return "user";
    return "unknown";
}
/**
 * Whether an event was caused by this action's own token (a label we reverted), so that
 * processing it again cannot start a ping-pong. Costs an API request only when neither the
 * self-login input, the github-actions[bot] sender nor the token's kind settles it.
 */
async function senderIsSelf(sender, client, log, options = {}) {
    if (!sender)
        return { isSelf: false, how: "unknown" };
    const same = (login) => login.toLowerCase() === sender.login.toLowerCase();
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
        log.warning("Could not tell which account the github-token belongs to; treating the event as caused by someone else. " +
            "Set the self-login input to the token's login to make this certain.");
        return { isSelf: false, how: "unknown" };
    }
    return { isSelf: same(login), login, how: "api" };
}

;// CONCATENATED MODULE: ../../packages/core/src/github/comments.ts


const COMMENT_KINDS = [
    "preview",
    "snapshot-add-blocked",
    "snapshot-remove-blocked",
    "lock-added",
    "lock-removed",
    "db-restored",
    "db-reset",
    "db-dropped",
    "db-kept",
    // sweep-databases (CONTRACT §10): a locked database of a closed PR expires soon / has expired.
    "db-expiring",
    "db-expired",
];
function commentMarker(kind) {
    return `<!-- pr-snapshots:${kind} -->`;
}
const MARKER_LINE = /^<!-- pr-snapshots:([a-z-]+) -->$/;
const RUN_LINE = /^<!-- pr-snapshots:run ([\w.:-]+) -->$/m;
/** The marker is always the first line; a second hidden line records which workflow run posted it. */
function renderComment(kind, body, runKey) {
    const lines = [commentMarker(kind)];
    if (runKey)
        lines.push(`<!-- pr-snapshots:run ${runKey} -->`);
    lines.push(body.trim());
    return `${lines.join("\n")}\n`;
}
function kindOf(body) {
    const first = body?.split(/\r?\n/, 1)[0]?.trim() ?? "";
    const kind = MARKER_LINE.exec(first)?.[1];
    return COMMENT_KINDS.includes(kind ?? "") ? kind : undefined;
}
function runKeyOf(body) {
    return body ? RUN_LINE.exec(body)?.[1] : undefined;
}
/**
 * Whether a comment was written by the token's own identity. A marker is only text: anyone who
 * can comment on the pull request can type `<!-- pr-snapshots:db-expiring -->`, so a comment
 * counts as ours only when its author is the account the github-token acts as (REST `user.login`,
 * which is the same spelling GraphQL's `viewer.login` gives: `github-actions[bot]` for
 * GITHUB_TOKEN, `<app-slug>[bot]` for a GitHub App installation token, the user for a personal or
 * user-to-server token).
 */
function writtenBy(comment, login) {
    return typeof comment.user?.login === "string" && comment.user.login.toLowerCase() === login.toLowerCase();
}
/**
 * The comments on a pull request that `wanted` selects and this token's identity wrote. The
 * identity costs a request only when some comment is wanted. When it cannot be found, none: a
 * duplicate comment is a lesser harm than obeying a marker someone else planted.
 */
async function ownComments(client, repo, number, wanted, log = src_log/* silentLog */.aB) {
    const all = (await listComments(client, repo, number)).filter(wanted);
    if (all.length === 0)
        return [];
    const self = await tokenLoginOnce(client, log);
    if (!self) {
        log.warning("Could not tell which account the github-token acts as (GraphQL viewer and GET /user both failed), so no earlier " +
            "comment counts as this action's own: a marker alone proves nothing. Set the self-login input if this persists.");
        return [];
    }
    return all.filter((c) => writtenBy(c, self));
}
async function listComments(client, repo, number) {
    return client.paginate(client.rest.issues.listComments, { ...repo, issue_number: number, per_page: 100 });
}
/** The oldest comment of a kind on a PR, if any (for comments posted once per PR, ever). */
async function findComment(client, repo, number, kind, log = silentLog) {
    const found = (await ownComments(client, repo, number, (c) => kindOf(c.body) === kind, log)).sort((a, b) => a.id - b.id)[0];
    return found ? { id: found.id, url: found.html_url, outcome: "already-posted" } : undefined;
}
/**
 * The one comment of a kind per PR (the `preview` comment): edited in place when it exists,
 * created otherwise. Duplicates left by two runs racing are removed, keeping the oldest.
 */
async function upsertStickyComment(client, repo, number, kind, body, log = silentLog) {
    const rendered = renderComment(kind, body);
    const existing = await ownComments(client, repo, number, (c) => kindOf(c.body) === kind, log);
    const [keep, ...duplicates] = existing.sort((a, b) => a.id - b.id);
    if (!keep) {
        const { data } = await client.rest.issues.createComment({
            ...repo,
            issue_number: number,
            body: rendered,
        });
        return { id: data.id, url: data.html_url, outcome: "created" };
    }
    for (const dup of duplicates)
        await client.rest.issues.deleteComment({ ...repo, comment_id: dup.id });
    if (keep.body === rendered)
        return { id: keep.id, url: keep.html_url, outcome: "unchanged" };
    const { data } = await client.rest.issues.updateComment({ ...repo, comment_id: keep.id, body: rendered });
    return { id: data.id, url: data.html_url, outcome: "updated" };
}
/** A comment about one event (lock added, label reverted, database dropped, ...). */
async function postEventComment(client, repo, number, kind, body, options = {}) {
    if (options.runKey && options.mayHavePosted) {
        const [earlier] = await ownComments(client, repo, number, (c) => kindOf(c.body) === kind && runKeyOf(c.body) === options.runKey, options.log);
        if (earlier)
            return { id: earlier.id, url: earlier.html_url, outcome: "already-posted" };
    }
    const { data } = await client.rest.issues.createComment({
        ...repo,
        issue_number: number,
        body: renderComment(kind, body, options.runKey),
    });
    return { id: data.id, url: data.html_url, outcome: "created" };
}

;// CONCATENATED MODULE: ./src/comment.ts


/** Posts the db-restored comment. Loaded only after a restore: the GitHub client is not needed before. */
async function postRestoredComment(o, log) {
    const gh = (0,github_client/* createGitHubClient */.LX)({ token: o.token, log, ...(o.apiUrl ? { baseUrl: o.apiUrl } : {}) });
    const posted = await postEventComment(gh, o.repo, o.prNumber, "db-restored", o.body, {
        ...(o.runKey ? { runKey: o.runKey } : {}),
        mayHavePosted: o.rerun,
        log,
    });
    return posted.url;
}


/***/ }),

/***/ 5133:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   LX: () => (/* binding */ createGitHubClient),
/* harmony export */   c4: () => (/* binding */ isNotFound),
/* harmony export */   nG: () => (/* binding */ httpStatus)
/* harmony export */ });
/* harmony import */ var _actions_github__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(2087);
/* harmony import */ var _octokit_plugin_retry__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(545);
/* harmony import */ var _octokit_plugin_throttling__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6404);



/**
 * An Octokit with the official retry plugin (5xx and network errors, exponential backoff)
 * and throttling plugin (primary and secondary rate limits, honouring `retry-after`).
 */
function createGitHubClient(options) {
    const { token, log } = options;
    if (!token)
        throw new Error("A GitHub token is required (input github-token).");
    log.secret(token);
    const maxRetries = options.maxRateLimitRetries ?? 3;
    const maxWait = options.maxRetryAfterSeconds ?? 120;
    const onLimit = (kind) => (retryAfter, request, _octokit, retryCount) => {
        const retrying = retryCount < maxRetries && retryAfter <= maxWait;
        log.warning(`GitHub ${kind} rate limit hit for ${request.method} ${request.url}; ` +
            (retrying
                ? `retrying after ${retryAfter}s (attempt ${retryCount + 1} of ${maxRetries}).`
                : "giving up."));
        return retrying;
    };
    return (0,_actions_github__WEBPACK_IMPORTED_MODULE_0__/* .getOctokit */ .Q)(token, {
        ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
        // @actions/github sends requests through its own bundled undici so that it can honour a proxy.
        // Without a proxy, Node's built-in fetch does the same job and starts much faster.
        ...(proxyConfigured() ? {} : { request: { fetch: globalThis.fetch } }),
        throttle: { onRateLimit: onLimit("primary"), onSecondaryRateLimit: onLimit("secondary") },
        // 403 and 429 are left to the throttling plugin, which honours retry-after.
        retry: { doNotRetry: [400, 401, 403, 404, 409, 410, 422, 429, 451] },
    }, _octokit_plugin_retry__WEBPACK_IMPORTED_MODULE_1__/* .retry */ .L, _octokit_plugin_throttling__WEBPACK_IMPORTED_MODULE_2__/* .throttling */ .A);
}
function proxyConfigured(env = process.env) {
    return Boolean(env.https_proxy || env.HTTPS_PROXY || env.http_proxy || env.HTTP_PROXY);
}
function isNotFound(error) {
    return typeof error === "object" && error !== null && error.status === 404;
}
function httpStatus(error) {
    const status = error?.status;
    return typeof status === "number" ? status : undefined;
}


/***/ })

};
