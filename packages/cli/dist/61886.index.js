export const id = 61886;
export const ids = [61886];
export const modules = {

/***/ 3425:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   parseConfig: () => (/* binding */ parseConfig)
/* harmony export */ });
/* unused harmony exports NAMED_STRATEGIES, configSchema */
/* harmony import */ var yaml__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8293);
/* harmony import */ var zod__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6585);
/* harmony import */ var _errors__WEBPACK_IMPORTED_MODULE_8__ = __webpack_require__(6120);
/* harmony import */ var _mongo_limit_names__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(9630);
/* harmony import */ var _names__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(7027);
/* harmony import */ var _snapshot_consistency__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(5304);
/* harmony import */ var _snapshot_refresh__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(1299);
/* harmony import */ var _target_pattern__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(2949);
/* harmony import */ var _throttle_modes__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(6528);
/**
 * The config file's schema and parser (YAML + zod). Loaded only when a config file exists, so
 * that actions start faster without one.
 */









const labelName = zod__WEBPACK_IMPORTED_MODULE_1__/* .string */ .YjP().trim().min(1).max(50);
const databaseName = zod__WEBPACK_IMPORTED_MODULE_1__/* .string */ .YjP().superRefine((name, ctx) => {
    const why = (0,_names__WEBPACK_IMPORTED_MODULE_2__/* .illegalDatabaseName */ .vK)(name);
    if (why)
        ctx.addIssue({ code: "custom", message: `"${name}" is not a valid MongoDB database name: ${why}` });
});
const regexSource = zod__WEBPACK_IMPORTED_MODULE_1__/* .string */ .YjP().superRefine((source, ctx) => {
    const problem = (0,_target_pattern__WEBPACK_IMPORTED_MODULE_3__/* .targetPatternProblem */ .D)(source);
    if (problem)
        ctx.addIssue({ code: "custom", message: `"${source}" cannot be an allowed target pattern: ${problem}` });
});
const int = (min, max) => zod__WEBPACK_IMPORTED_MODULE_1__/* .number */ .aig().int().min(min).max(max);
/** CONTRACT §7 strategies. Checked by hand so that each mistake gets a message that says how to fix it. */
const NAMED_STRATEGIES = ["remove", "null", "redact", "email", "name", "phone", "hash"];
const strategy = zod__WEBPACK_IMPORTED_MODULE_1__/* .unknown */ .L5J().superRefine((value, ctx) => {
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
const fieldPath = zod__WEBPACK_IMPORTED_MODULE_1__/* .string */ .YjP().superRefine((path, ctx) => {
    const parts = path.split(".");
    if (parts.some((p) => p === ""))
        ctx.addIssue({ code: "custom", message: `"${path}" has an empty segment` });
    else if (parts.some((p) => p.startsWith("$")))
        ctx.addIssue({ code: "custom", message: `"${path}" has a segment starting with "$"` });
});
const configSchema = zod__WEBPACK_IMPORTED_MODULE_1__/* .strictObject */ .rej({
    dbPrefix: zod__WEBPACK_IMPORTED_MODULE_1__/* .string */ .YjP().regex(_names__WEBPACK_IMPORTED_MODULE_2__/* .PREFIX_PATTERN */ .Af, `must match ${_names__WEBPACK_IMPORTED_MODULE_2__/* .PREFIX_PATTERN */ .Af.source}, e.g. "myapp"`).optional(),
    labels: zod__WEBPACK_IMPORTED_MODULE_1__/* .strictObject */ .rej({
        preview: labelName.optional(),
        snapshot: labelName.optional(),
        lock: labelName.optional(),
    })
        .optional(),
    snapshotDatabase: databaseName.optional(),
    sourceDatabase: databaseName.optional(),
    collections: zod__WEBPACK_IMPORTED_MODULE_1__/* .strictObject */ .rej({
        include: zod__WEBPACK_IMPORTED_MODULE_1__/* .array */ .YOg(zod__WEBPACK_IMPORTED_MODULE_1__/* .string */ .YjP().min(1)).optional(),
        exclude: zod__WEBPACK_IMPORTED_MODULE_1__/* .array */ .YOg(zod__WEBPACK_IMPORTED_MODULE_1__/* .string */ .YjP().min(1)).optional(),
    })
        .optional(),
    allowedTargets: zod__WEBPACK_IMPORTED_MODULE_1__/* .array */ .YOg(regexSource).optional(),
    protectedDatabases: zod__WEBPACK_IMPORTED_MODULE_1__/* .array */ .YOg(databaseName).optional(),
    serverLimits: zod__WEBPACK_IMPORTED_MODULE_1__/* ["enum"] */ .k5n(_mongo_limit_names__WEBPACK_IMPORTED_MODULE_4__/* .SERVER_LIMITS */ .L_).optional(),
    comment: zod__WEBPACK_IMPORTED_MODULE_1__/* .strictObject */ .rej({
        namespace: zod__WEBPACK_IMPORTED_MODULE_1__/* .string */ .YjP().min(1).optional(),
        urls: zod__WEBPACK_IMPORTED_MODULE_1__/* .array */ .YOg(zod__WEBPACK_IMPORTED_MODULE_1__/* .strictObject */ .rej({ name: zod__WEBPACK_IMPORTED_MODULE_1__/* .string */ .YjP().min(1), url: zod__WEBPACK_IMPORTED_MODULE_1__/* .string */ .YjP().min(1) })).optional(),
    })
        .optional(),
    restore: zod__WEBPACK_IMPORTED_MODULE_1__/* .strictObject */ .rej({
        concurrency: int(1, 64).optional(),
        waitTimeoutSeconds: int(0, 86_400).optional(),
        pollIntervalSeconds: int(1, 3_600).optional(),
        refresh: zod__WEBPACK_IMPORTED_MODULE_1__/* ["enum"] */ .k5n(_snapshot_refresh__WEBPACK_IMPORTED_MODULE_5__/* .REFRESH_POLICIES */ .R).optional(),
    })
        .optional(),
    producer: zod__WEBPACK_IMPORTED_MODULE_1__/* .strictObject */ .rej({
        concurrency: int(1, 64).optional(),
        retain: int(0, 20).optional(),
        graceSeconds: int(0, 7 * 86_400).optional(),
        maxShrinkPercent: int(0, 100).optional(),
        consistency: zod__WEBPACK_IMPORTED_MODULE_1__/* ["enum"] */ .k5n(_snapshot_consistency__WEBPACK_IMPORTED_MODULE_6__/* .CONSISTENCY_SETTINGS */ .lo).optional(),
    })
        .optional(),
    /** CONTRACT §12: the throttle of the restore's and the producer's copies (throttle/settings.ts). */
    copy: zod__WEBPACK_IMPORTED_MODULE_1__/* .strictObject */ .rej({
        throttle: zod__WEBPACK_IMPORTED_MODULE_1__/* ["enum"] */ .k5n(_throttle_modes__WEBPACK_IMPORTED_MODULE_7__/* .THROTTLE_MODES */ .w).optional(),
        maxLagSeconds: zod__WEBPACK_IMPORTED_MODULE_1__/* .number */ .aig().min(0.1).max(3_600).optional(),
        maxLatencyMs: zod__WEBPACK_IMPORTED_MODULE_1__/* .number */ .aig().min(0.1).max(600_000).optional(),
        criticalLagSeconds: zod__WEBPACK_IMPORTED_MODULE_1__/* .number */ .aig().min(0.1).max(86_400).optional(),
        criticalLatencyMs: zod__WEBPACK_IMPORTED_MODULE_1__/* .number */ .aig().min(0.1).max(3_600_000).optional(),
        criticalSeconds: int(1, 86_400).optional(),
    })
        .optional(),
    masking: zod__WEBPACK_IMPORTED_MODULE_1__/* .strictObject */ .rej({
        strict: zod__WEBPACK_IMPORTED_MODULE_1__/* .boolean */ .zMY().optional(),
        rules: zod__WEBPACK_IMPORTED_MODULE_1__/* .record */ .g1P(zod__WEBPACK_IMPORTED_MODULE_1__/* .string */ .YjP().min(1), zod__WEBPACK_IMPORTED_MODULE_1__/* .record */ .g1P(fieldPath, strategy)).optional(),
        keep: zod__WEBPACK_IMPORTED_MODULE_1__/* .record */ .g1P(zod__WEBPACK_IMPORTED_MODULE_1__/* .string */ .YjP().min(1), zod__WEBPACK_IMPORTED_MODULE_1__/* .array */ .YOg(fieldPath)).optional(),
    })
        .optional(),
    subset: zod__WEBPACK_IMPORTED_MODULE_1__/* .record */ .g1P(zod__WEBPACK_IMPORTED_MODULE_1__/* .string */ .YjP().min(1), zod__WEBPACK_IMPORTED_MODULE_1__/* .strictObject */ .rej({
        filter: zod__WEBPACK_IMPORTED_MODULE_1__/* .record */ .g1P(zod__WEBPACK_IMPORTED_MODULE_1__/* .string */ .YjP(), zod__WEBPACK_IMPORTED_MODULE_1__/* .unknown */ .L5J()).optional(),
        sample: zod__WEBPACK_IMPORTED_MODULE_1__/* .number */ .aig().gt(0).lte(1).optional(),
        limit: zod__WEBPACK_IMPORTED_MODULE_1__/* .number */ .aig().int().positive().optional(),
        references: zod__WEBPACK_IMPORTED_MODULE_1__/* .array */ .YOg(zod__WEBPACK_IMPORTED_MODULE_1__/* .strictObject */ .rej({
            field: fieldPath,
            collection: zod__WEBPACK_IMPORTED_MODULE_1__/* .string */ .YjP().min(1),
            key: zod__WEBPACK_IMPORTED_MODULE_1__/* .string */ .YjP().min(1).optional(),
        }))
            .min(1)
            .optional(),
    }))
        .optional(),
});
function parseConfig(text, label = ".github/pr-snapshots.yml") {
    const doc = (0,yaml__WEBPACK_IMPORTED_MODULE_0__/* .parseDocument */ .Tp)(text, { uniqueKeys: true });
    if (doc.errors.length > 0) {
        const first = doc.errors[0];
        const where = first?.linePos?.[0]
            ? ` at line ${first.linePos[0].line}, column ${first.linePos[0].col}`
            : "";
        throw new _errors__WEBPACK_IMPORTED_MODULE_8__/* .UserError */ .yo(`Config file ${label} is not valid YAML${where}: ${first?.message.split("\n")[0]}`);
    }
    const data = doc.toJS() ?? {};
    const result = configSchema.safeParse(data);
    if (!result.success) {
        const problems = result.error.issues.map((issue) => describeIssue(issue, data));
        throw new _errors__WEBPACK_IMPORTED_MODULE_8__/* .UserError */ .yo(`Config file ${label} is invalid:\n${problems.map((p) => `  - ${p}`).join("\n")}\n` +
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
