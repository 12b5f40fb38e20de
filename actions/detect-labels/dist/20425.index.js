export const id = 20425;
export const ids = [20425];
export const modules = {

/***/ 5108:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   fetchFileAt: () => (/* binding */ fetchFileAt)
/* harmony export */ });
/* harmony import */ var _client__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(5844);
/* harmony import */ var _git_blob__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(918);


/**
 * One file at one commit through the contents API (`GET /repos/{owner}/{repo}/contents/{path}?ref=`,
 * one request); undefined when the commit has no such file. Loaded only when a fetch is needed:
 * it brings Octokit with it.
 */
async function fetchFileAt(r) {
    const client = (0,_client__WEBPACK_IMPORTED_MODULE_0__/* .createGitHubClient */ .LX)({
        token: r.token,
        log: r.log,
        ...(r.apiUrl ? { baseUrl: r.apiUrl } : {}),
    });
    let data;
    try {
        ({ data } = await client.rest.repos.getContent({ ...r.repo, path: r.path, ref: r.ref }));
    }
    catch (error) {
        if ((0,_client__WEBPACK_IMPORTED_MODULE_0__/* .isNotFound */ .c4)(error))
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
    const blobSha = (0,_git_blob__WEBPACK_IMPORTED_MODULE_1__/* .gitBlobSha */ .A)(bytes);
    // A truncated or altered response must not pass for the file at that commit.
    if (blobSha !== data.sha) {
        throw new Error(`the content returned for ${r.path} does not match its blob sha (reported ${data.sha}, computed ${blobSha})`);
    }
    return { bytes, blobSha };
}


/***/ })

};
