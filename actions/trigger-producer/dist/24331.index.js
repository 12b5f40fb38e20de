export const id = 24331;
export const ids = [24331];
export const modules = {

/***/ 2217:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  fetchFileAt: () => (/* binding */ fetchFileAt)
});

// EXTERNAL MODULE: ../../node_modules/.pnpm/@actions+github@9.1.1/node_modules/@actions/github/lib/github.js + 21 modules
var github = __webpack_require__(2087);
// EXTERNAL MODULE: ../../node_modules/.pnpm/@octokit+plugin-retry@8.1.1_@octokit+core@7.0.8/node_modules/@octokit/plugin-retry/dist-bundle/index.js
var dist_bundle = __webpack_require__(545);
// EXTERNAL MODULE: ../../node_modules/.pnpm/@octokit+plugin-throttling@11.0.5_@octokit+core@7.0.8/node_modules/@octokit/plugin-throttling/dist-bundle/index.js
var plugin_throttling_dist_bundle = __webpack_require__(6404);
;// CONCATENATED MODULE: ../../packages/core/src/github/client.ts



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
    return (0,github/* getOctokit */.Q)(token, {
        ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
        // @actions/github sends requests through its own bundled undici so that it can honour a proxy.
        // Without a proxy, Node's built-in fetch does the same job and starts much faster.
        ...(proxyConfigured() ? {} : { request: { fetch: globalThis.fetch } }),
        throttle: { onRateLimit: onLimit("primary"), onSecondaryRateLimit: onLimit("secondary") },
        // 403 and 429 are left to the throttling plugin, which honours retry-after.
        retry: { doNotRetry: [400, 401, 403, 404, 409, 410, 422, 429, 451] },
    }, dist_bundle/* retry */.L, plugin_throttling_dist_bundle/* throttling */.A);
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

// EXTERNAL MODULE: ../../packages/core/src/github/git-blob.ts
var git_blob = __webpack_require__(918);
;// CONCATENATED MODULE: ../../packages/core/src/github/contents.ts


/**
 * One file at one commit through the contents API (`GET /repos/{owner}/{repo}/contents/{path}?ref=`,
 * one request); undefined when the commit has no such file. Loaded only when a fetch is needed:
 * it brings Octokit with it.
 */
async function fetchFileAt(r) {
    const client = createGitHubClient({
        token: r.token,
        log: r.log,
        ...(r.apiUrl ? { baseUrl: r.apiUrl } : {}),
    });
    let data;
    try {
        ({ data } = await client.rest.repos.getContent({ ...r.repo, path: r.path, ref: r.ref }));
    }
    catch (error) {
        if (isNotFound(error))
            return undefined;
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
    const blobSha = (0,git_blob/* gitBlobSha */.A)(bytes);
    // A truncated or altered response must not pass for the file at that commit.
    if (blobSha !== data.sha) {
        throw new Error(`the content returned for ${r.path} does not match its blob sha (reported ${data.sha}, computed ${blobSha})`);
    }
    return { bytes, blobSha };
}


/***/ })

};
