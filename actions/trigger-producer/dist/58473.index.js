export const id = 58473;
export const ids = [58473];
export const modules = {

/***/ 501:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  parseConfig: () => (/* binding */ parseConfig)
});

// UNUSED EXPORTS: NAMED_STRATEGIES, configSchema

// EXTERNAL MODULE: ../../node_modules/.pnpm/yaml@2.9.1/node_modules/yaml/dist/index.js
var dist = __webpack_require__(8293);
// EXTERNAL MODULE: ../../node_modules/.pnpm/zod@4.6.7/node_modules/zod/v4/classic/schemas.js + 17 modules
var schemas = __webpack_require__(6585);
// EXTERNAL MODULE: ../../packages/core/src/errors.ts
var errors = __webpack_require__(9179);
// EXTERNAL MODULE: ../../packages/core/src/mongo/limit-names.ts
var limit_names = __webpack_require__(6291);
// EXTERNAL MODULE: ../../packages/core/src/names.ts
var names = __webpack_require__(5618);
// EXTERNAL MODULE: ../../packages/core/src/snapshot/consistency.ts
var consistency = __webpack_require__(2991);
;// CONCATENATED MODULE: ../../packages/core/src/snapshot/refresh.ts

/**
 * When a restore may be skipped, and how it copies (config `restore.refresh`, input `refresh`):
 * - `every-sync` (default): every restore makes the PR database the latest snapshot, as the labels
 *   promise, differentially: collections proven identical are kept, the others copied;
 * - `new-snapshot`: only when the latest complete snapshot is newer than the one the PR database
 *   already holds completely, so pushes keep the data the preview has written meanwhile; then
 *   differentially, like every-sync;
 * - `full`: every restore drops and copies every collection, proving nothing (CONTRACT §11).
 */
const REFRESH_POLICIES = ["every-sync", "new-snapshot", "full"];
/**
 * Whether the PR database's restore record (CONTRACT §5) says it already holds `snapshot`
 * completely. Pure. The generation names a snapshot exactly; snapshots from the original
 * scripts have none, so their timestamp stands in for it.
 */
function checkRefresh(current, snapshot, snapshotDatabase) {
    const latest = snapshot.generation
        ? `generation ${snapshot.generation}`
        : `the snapshot taken ${formatUtc(snapshot.timestamp)}`;
    const restore = (why) => ({ skip: false, reason: `${why}: restoring ${latest}` });
    if (!current)
        return restore("the database has no restore record (new, or seeded)");
    if (current.source !== "snapshot")
        return restore(`the database holds data from "${current.source}"`);
    if (current.status !== "complete") {
        return restore(current.status === "restoring"
            ? "an earlier restore into the database did not finish"
            : `its restore record has status "${String(current.status)}"`);
    }
    const from = typeof current.snapshotDatabase === "string" ? current.snapshotDatabase : undefined;
    if (from !== undefined && from !== snapshotDatabase)
        return restore(`the database was restored from ${from}, not ${snapshotDatabase}`);
    const held = current.generation
        ? `generation ${String(current.generation)}`
        : `the snapshot taken ${formatUtc(current.snapshotTimestamp)}`;
    const same = snapshot.generation
        ? current.generation === snapshot.generation
        : current.generation === undefined &&
            current.snapshotTimestamp instanceof Date &&
            current.snapshotTimestamp.getTime() === snapshot.timestamp.getTime();
    if (!same)
        return restore(`a newer snapshot was published (the database holds ${held})`);
    const restoredAt = current.restoredAt instanceof Date ? `, restored ${formatUtc(current.restoredAt)}` : "";
    return {
        skip: true,
        reason: `the database already holds ${latest}, the latest complete snapshot${restoredAt}`,
    };
}

;// CONCATENATED MODULE: ../../packages/core/src/target-pattern.ts
/**
 * An `allowedTargets` / `allowed-targets` pattern, checked before it can decide anything. Each
 * pattern is applied as `^(?:<pattern>)$`, so that it must match a whole database name. A pattern
 * could undo that wrapper: `x)|(?:.*` makes `^(?:x)|(?:.*)$`, which matches every name. So:
 *
 * 1. the pattern must compile on its own. Breaking out of the wrapper takes a `)` that closes the
 *    wrapper's group, or a `[` or a trailing `\` that swallows the wrapper's `)`; each of these
 *    makes the pattern alone an invalid regular expression ("Unmatched ')'", "Unterminated
 *    character class", "\ at end of pattern"). Then the anchored form must compile too. The
 *    tests (target-pattern.test.ts) check, over generated patterns, that whatever passes matches
 *    only whole names;
 * 2. its size is bounded, and a quantified group that itself contains an unbounded quantifier
 *    (`(a+)+`, `(\w*)*`) is refused: such a pattern backtracks exponentially on a name that
 *    almost matches (names are under 64 bytes, so anything polynomial stays fast).
 */
const MAX_TARGET_PATTERN_LENGTH = 256;
/** What is wrong with a pattern, or undefined when it is fine. */
function targetPatternProblem(source) {
    if (source.trim() === "")
        return "it is empty";
    if (source.length > MAX_TARGET_PATTERN_LENGTH)
        return `it is ${source.length} characters long; at most ${MAX_TARGET_PATTERN_LENGTH} are allowed`;
    try {
        new RegExp(source);
    }
    catch (error) {
        return `it is not a valid regular expression on its own (${error.message})`;
    }
    try {
        new RegExp(`^(?:${source})$`);
    }
    catch (error) {
        return `it is not a valid regular expression inside ^(?:…)$ (${error.message})`;
    }
    const nested = nestedQuantifier(source);
    if (nested)
        return `its group "${nested}" repeats something that already repeats without bound, which can take exponential time; write it without the nesting`;
    return undefined;
}
/** The first quantified group whose body has an unbounded quantifier, as written. */
function nestedQuantifier(source) {
    // One frame per open group: where it starts, and whether its body repeats without bound.
    const stack = [];
    let lastGroup;
    for (let i = 0; i < source.length; i++) {
        const c = source[i];
        if (c === "\\") {
            i++;
            lastGroup = undefined;
            continue;
        }
        if (c === "[") {
            // A class: skip to its closing bracket (a `]` first in the class is a literal).
            i++;
            if (source[i] === "^")
                i++;
            if (source[i] === "]")
                i++;
            while (i < source.length && source[i] !== "]")
                i += source[i] === "\\" ? 2 : 1;
            lastGroup = undefined;
            continue;
        }
        if (c === "(") {
            stack.push({ start: i, unbounded: false });
            lastGroup = undefined;
            continue;
        }
        if (c === ")") {
            const frame = stack.pop();
            if (frame) {
                lastGroup = { start: frame.start, end: i, unbounded: frame.unbounded };
                const parent = stack[stack.length - 1];
                if (parent && frame.unbounded)
                    parent.unbounded = true;
            }
            continue;
        }
        const quantifier = unboundedQuantifierAt(source, i);
        if (quantifier) {
            if (lastGroup?.unbounded)
                return source.slice(lastGroup.start, lastGroup.end + 1);
            const frame = stack[stack.length - 1];
            if (frame)
                frame.unbounded = true;
            i += quantifier - 1;
        }
        lastGroup = undefined;
    }
    return undefined;
}
/** The length of an unbounded quantifier (`*`, `+`, `{n,}`) starting at `i`, or 0. */
function unboundedQuantifierAt(source, i) {
    const c = source[i];
    if (c === "*" || c === "+")
        return 1;
    if (c === "{") {
        const m = /^\{\d+,\}/.exec(source.slice(i));
        if (m)
            return m[0].length;
    }
    return 0;
}

// EXTERNAL MODULE: ../../packages/core/src/throttle/modes.ts
var modes = __webpack_require__(2743);
;// CONCATENATED MODULE: ../../packages/core/src/config-schema.ts
/**
 * The config file's schema and parser (YAML + zod). Loaded only when a config file exists, so
 * that actions start faster without one.
 */









const labelName = schemas/* string */.YjP().trim().min(1).max(50);
const databaseName = schemas/* string */.YjP().superRefine((name, ctx) => {
    const why = (0,names/* illegalDatabaseName */.vK)(name);
    if (why)
        ctx.addIssue({ code: "custom", message: `"${name}" is not a valid MongoDB database name: ${why}` });
});
const regexSource = schemas/* string */.YjP().superRefine((source, ctx) => {
    const problem = targetPatternProblem(source);
    if (problem)
        ctx.addIssue({ code: "custom", message: `"${source}" cannot be an allowed target pattern: ${problem}` });
});
const config_schema_int = (min, max) => schemas/* number */.aig().int().min(min).max(max);
/** CONTRACT §7 strategies. Checked by hand so that each mistake gets a message that says how to fix it. */
const NAMED_STRATEGIES = ["remove", "null", "redact", "email", "name", "phone", "hash"];
const strategy = schemas/* unknown */.L5J().superRefine((value, ctx) => {
    if (typeof value === "string") {
        if (!NAMED_STRATEGIES.includes(value))
            ctx.addIssue({
                code: "custom",
                message: `unknown strategy "${value}": use one of ${NAMED_STRATEGIES.join(", ")}, { constant: <value> }, { expr: <aggregation expression> } or { password: { scheme: bcrypt } }`,
            });
        return;
    }
    if (value === null) {
        ctx.addIssue({
            code: "custom",
            message: 'is empty (YAML null): to set the field to null write "null" in quotes, to drop it write remove',
        });
        return;
    }
    if (typeof value === "object" && !Array.isArray(value)) {
        const keys = Object.keys(value);
        if (keys.length === 1 && keys[0] === "password") {
            const problem = passwordProblem(value.password);
            if (problem)
                ctx.addIssue({ code: "custom", message: problem });
            return;
        }
        if (keys.length === 1 && (keys[0] === "constant" || keys[0] === "expr")) {
            if (keys[0] === "expr" &&
                (typeof value.expr !== "object" || value.expr === null))
                ctx.addIssue({
                    code: "custom",
                    message: '{ expr: ... } needs an aggregation expression object, e.g. { $round: ["$score", 0] }',
                });
            return;
        }
    }
    ctx.addIssue({
        code: "custom",
        message: `is not a strategy: use one of ${NAMED_STRATEGIES.join(", ")}, { constant: <value> }, { expr: <aggregation expression> } or { password: { scheme: bcrypt } }`,
    });
});
/** `{ password: { scheme: bcrypt, cost: 10 } }` or `{ password: { scheme: argon2id } }`: what is wrong, if anything. */
function passwordProblem(p) {
    const usage = "write { password: { scheme: bcrypt, cost: 10 } } (cost 4-15), { password: { scheme: argon2id } } (optional memoryKiB, iterations, parallelism) or { password: { scheme: aspnet-identity } } (optional iterations)";
    if (!p || typeof p !== "object" || Array.isArray(p))
        return `password needs its options: ${usage}`;
    const o = p;
    const allowed = o.scheme === "bcrypt"
        ? ["scheme", "cost"]
        : o.scheme === "argon2id"
            ? ["scheme", "memoryKiB", "iterations", "parallelism"]
            : o.scheme === "aspnet-identity"
                ? ["scheme", "iterations"]
                : undefined;
    if (!allowed)
        return `password.scheme must be bcrypt, argon2id or aspnet-identity, got ${JSON.stringify(o.scheme)}: ${usage}`;
    const extra = Object.keys(o).filter((k) => !allowed.includes(k));
    if (extra.length)
        return `password (${o.scheme}) does not take ${extra.join(", ")}: ${usage}`;
    const integer = (k, min, max) => o[k] === undefined || (Number.isInteger(o[k]) && o[k] >= min && o[k] <= max)
        ? undefined
        : `password.${k} must be a whole number from ${min} to ${max}, got ${JSON.stringify(o[k])}`;
    return (integer("cost", 4, 15) ??
        integer("memoryKiB", 1_024, 1_048_576) ??
        (o.scheme === "aspnet-identity"
            ? integer("iterations", 10_000, 10_000_000)
            : integer("iterations", 1, 20)) ??
        integer("parallelism", 1, 16));
}
const fieldPath = schemas/* string */.YjP().superRefine((path, ctx) => {
    const parts = path.split(".");
    if (parts.some((p) => p === ""))
        ctx.addIssue({ code: "custom", message: `"${path}" has an empty segment` });
    else if (parts.some((p) => p.startsWith("$")))
        ctx.addIssue({ code: "custom", message: `"${path}" has a segment starting with "$"` });
});
const configSchema = schemas/* strictObject */.rej({
    dbPrefix: schemas/* string */.YjP().regex(names/* PREFIX_PATTERN */.Af, `must match ${names/* PREFIX_PATTERN */.Af.source}, e.g. "myapp"`).optional(),
    labels: schemas/* strictObject */.rej({
        preview: labelName.optional(),
        snapshot: labelName.optional(),
        lock: labelName.optional(),
    })
        .optional(),
    snapshotDatabase: databaseName.optional(),
    sourceDatabase: databaseName.optional(),
    collections: schemas/* strictObject */.rej({
        include: schemas/* array */.YOg(schemas/* string */.YjP().min(1)).optional(),
        exclude: schemas/* array */.YOg(schemas/* string */.YjP().min(1)).optional(),
    })
        .optional(),
    allowedTargets: schemas/* array */.YOg(regexSource).optional(),
    protectedDatabases: schemas/* array */.YOg(databaseName).optional(),
    serverLimits: schemas/* enum */.k5n(limit_names/* SERVER_LIMITS */.L_).optional(),
    comment: schemas/* strictObject */.rej({
        namespace: schemas/* string */.YjP().min(1).optional(),
        urls: schemas/* array */.YOg(schemas/* strictObject */.rej({ name: schemas/* string */.YjP().min(1), url: schemas/* string */.YjP().min(1) })).optional(),
    })
        .optional(),
    restore: schemas/* strictObject */.rej({
        concurrency: config_schema_int(1, 64).optional(),
        waitTimeoutSeconds: config_schema_int(0, 86_400).optional(),
        pollIntervalSeconds: config_schema_int(1, 3_600).optional(),
        refresh: schemas/* enum */.k5n(REFRESH_POLICIES).optional(),
    })
        .optional(),
    producer: schemas/* strictObject */.rej({
        concurrency: config_schema_int(1, 64).optional(),
        retain: config_schema_int(0, 20).optional(),
        graceSeconds: config_schema_int(0, 7 * 86_400).optional(),
        maxShrinkPercent: config_schema_int(0, 100).optional(),
        consistency: schemas/* enum */.k5n(consistency/* CONSISTENCY_SETTINGS */.lo).optional(),
    })
        .optional(),
    /** CONTRACT §12: the throttle of the restore's and the producer's copies (throttle/settings.ts). */
    copy: schemas/* strictObject */.rej({
        throttle: schemas/* enum */.k5n(modes/* THROTTLE_MODES */.w).optional(),
        maxLagSeconds: schemas/* number */.aig().min(0.1).max(3_600).optional(),
        maxLatencyMs: schemas/* number */.aig().min(0.1).max(600_000).optional(),
        criticalLagSeconds: schemas/* number */.aig().min(0.1).max(86_400).optional(),
        criticalLatencyMs: schemas/* number */.aig().min(0.1).max(3_600_000).optional(),
        criticalSeconds: config_schema_int(1, 86_400).optional(),
    })
        .optional(),
    masking: schemas/* strictObject */.rej({
        strict: schemas/* boolean */.zMY().optional(),
        rules: schemas/* record */.g1P(schemas/* string */.YjP().min(1), schemas/* record */.g1P(fieldPath, strategy)).optional(),
        keep: schemas/* record */.g1P(schemas/* string */.YjP().min(1), schemas/* array */.YOg(fieldPath)).optional(),
    })
        .optional(),
    subset: schemas/* record */.g1P(schemas/* string */.YjP().min(1), schemas/* strictObject */.rej({
        filter: schemas/* record */.g1P(schemas/* string */.YjP(), schemas/* unknown */.L5J()).optional(),
        sample: schemas/* number */.aig().gt(0).lte(1).optional(),
        limit: schemas/* number */.aig().int().positive().optional(),
        references: schemas/* array */.YOg(schemas/* strictObject */.rej({
            field: fieldPath,
            collection: schemas/* string */.YjP().min(1),
            key: schemas/* string */.YjP().min(1).optional(),
        }))
            .min(1)
            .optional(),
    }))
        .optional(),
});
function parseConfig(text, label = ".github/pr-snapshots.yml") {
    const doc = (0,dist/* parseDocument */.Tp)(text, { uniqueKeys: true });
    if (doc.errors.length > 0) {
        const first = doc.errors[0];
        const where = first?.linePos?.[0]
            ? ` at line ${first.linePos[0].line}, column ${first.linePos[0].col}`
            : "";
        throw new errors/* UserError */.yo(`Config file ${label} is not valid YAML${where}: ${first?.message.split("\n")[0]}`);
    }
    const data = doc.toJS() ?? {};
    const result = configSchema.safeParse(data);
    if (!result.success) {
        const problems = result.error.issues.map((issue) => describeIssue(issue, data));
        throw new errors/* UserError */.yo(`Config file ${label} is invalid:\n${problems.map((p) => `  - ${p}`).join("\n")}\n` +
            `See the "Configuration" section of the README for the accepted keys.`);
    }
    return result.data;
}
function describeIssue(issue, data) {
    const key = issue.path.map(String).join(".");
    const at = key === "" ? "the top level" : `"${key}"`;
    switch (issue.code) {
        case "unrecognized_keys": {
            const names = issue.keys.map((k) => `"${key ? `${key}.` : ""}${k}"`).join(", ");
            return `unknown key ${names} in ${at}`;
        }
        case "invalid_type": {
            const got = describeValue(valueAt(data, issue.path));
            return `${at} must be ${article(issue.expected)}, got ${got}`;
        }
        default:
            return `${at}: ${issue.message}`;
    }
}
function valueAt(data, keyPath) {
    let v = data;
    for (const k of keyPath)
        v = v && typeof v === "object" ? v[k] : undefined;
    return v;
}
function describeValue(v) {
    if (v === undefined)
        return "nothing";
    if (v === null)
        return "null";
    if (Array.isArray(v))
        return "a list";
    if (typeof v === "object")
        return "a mapping";
    return `${typeof v} ${JSON.stringify(v)}`;
}
function article(expected) {
    if (expected === "array")
        return "a list";
    if (expected === "object")
        return "a mapping";
    return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}


/***/ })

};
