import { BSON, type Document } from "mongodb";
import type { Strategy } from "./policy";

/**
 * Masking rules as aggregation stages, run on the source inside the copy pipeline, so that no
 * unmasked value is ever written anywhere. One function serves every copy method: `$out`, the
 * parallel `$merge` ranges and the stream through the runner all run these stages first.
 *
 * Paths follow MongoDB's dotted-path meaning: each segment reaches into a sub-document, or into
 * every element of an array (and of arrays inside it, two levels deep). A path that is absent
 * stays absent; null stays null (except for remove).
 *
 * The keyed strategies (email, name, phone, hash) are functions of (salt, value) computed by the
 * server with `$toHashedIndexKey`, so the same value masks to the same output in every collection
 * and joins by value keep working. The salt travels as the aggregation's `let` variable
 * {@link SALT_VARIABLE}, never inside the stages themselves.
 */

export const SALT_VARIABLE = "prsSalt";

/** Arrays inside arrays are followed this deep along a masked path. */
const ARRAY_DEPTH = 2;

interface Node {
  strategy?: Strategy;
  /** The last segment of the rule's path: `name` gives only a first name or a surname where it says so. */
  field?: string;
  children: Map<string, Node>;
}

function tree(rules: Record<string, Strategy>): Node {
  const root: Node = { children: new Map() };
  for (const [path, strategy] of Object.entries(rules)) {
    let node = root;
    for (const part of path.split(".")) {
      let next = node.children.get(part);
      if (!next) {
        next = { children: new Map() };
        node.children.set(part, next);
      }
      node = next;
    }
    node.strategy = strategy;
    node.field = path.split(".").pop() ?? path;
  }
  return root;
}

/** The stages that mask one collection's documents (empty when it has no rules). */
export function maskingStages(rules: Record<string, Strategy> | undefined): Document[] {
  if (!rules || Object.keys(rules).length === 0) return [];
  const root = tree(rules);
  const removals: string[] = [];
  const set: Document = {};
  for (const [field, node] of root.children) {
    if (node.strategy?.kind === "remove") {
      removals.push(field);
      continue;
    }
    const current = getField(field, "$$ROOT");
    set[field] = { $cond: [isMissing(current), "$$REMOVE", transform(node, current, 0)] };
  }
  return [
    ...(Object.keys(set).length ? [{ $set: set }] : []),
    ...(removals.length ? [{ $unset: removals }] : []),
  ];
}

let counter = 0;
/** Variable names unique within one pipeline, so nested `$let`/`$map` never shadow each other. */
const fresh = (prefix: string) => `${prefix}${(counter++).toString(36)}`;

function transform(node: Node, value: unknown, arrayDepth: number): Document {
  const v = fresh("v");
  const ref = `$$${v}`;
  const inner = node.strategy
    ? leaf(node.strategy, ref, 0, namePart(node.field))
    : branch(node, ref, arrayDepth);
  return { $let: { vars: { [v]: value }, in: inner } };
}

/** Inside a sub-document, or every element of an array of them. */
function branch(node: Node, ref: string, arrayDepth: number): Document {
  let object: unknown = ref;
  for (const [key, child] of node.children) {
    const current = getField(key, ref);
    object = {
      $setField: {
        field: { $literal: key },
        input: object,
        value: {
          $cond: [
            isMissing(current),
            "$$REMOVE",
            child.strategy?.kind === "remove" ? "$$REMOVE" : transform(child, current, 0),
          ],
        },
      },
    };
  }
  const e = fresh("e");
  return {
    $switch: {
      branches: [
        when({ $eq: [{ $type: ref }, "object"] }, object),
        ...(arrayDepth < ARRAY_DEPTH
          ? [
              when(
                { $isArray: ref },
                { $map: { input: ref, as: e, in: transformBranch(node, `$$${e}`, arrayDepth + 1) } },
              ),
            ]
          : []),
      ],
      default: ref,
    },
  };
}

function transformBranch(node: Node, ref: string, arrayDepth: number): Document {
  const v = fresh("v");
  return { $let: { vars: { [v]: ref }, in: branch(node, `$$${v}`, arrayDepth) } };
}

type NamePart = "first" | "last" | "full";

function namePart(field: string | undefined): NamePart {
  if (/^(first|given|fore)[-_]?name$|^first$|^given$/i.test(field ?? "")) return "first";
  if (/^(last|family|sur)[-_]?name$|^last$|^surname$/i.test(field ?? "")) return "last";
  return "full";
}

/** The strategy applied to a present value; keyed strategies reach into arrays of values. */
function leaf(s: Strategy, ref: string, arrayDepth: number, part: NamePart = "full"): unknown {
  switch (s.kind) {
    case "remove":
      return "$$REMOVE";
    case "null":
      return null;
    case "constant":
      return { $cond: [{ $eq: [ref, null] }, null, { $literal: fromExtendedJson(s.value) }] };
    case "expr":
      // "$field" paths keep their usual meaning (the document's root); $$value is the value at the path.
      return { $let: { vars: { value: ref }, in: s.expr } };
    default: {
      const scalar = s.kind === "redact" ? { $literal: "REDACTED" } : keyed(s.kind, ref, part);
      if (arrayDepth >= ARRAY_DEPTH) return { $cond: [{ $eq: [ref, null] }, null, scalar] };
      const e = fresh("e");
      return {
        $switch: {
          branches: [
            when({ $eq: [ref, null] }, null),
            when(
              { $isArray: ref },
              { $map: { input: ref, as: e, in: leaf(s, `$$${e}`, arrayDepth + 1, part) } },
            ),
          ],
          default: scalar,
        },
      };
    }
  }
}

/**
 * A 64-bit hash of (salt, strategy, value). Numbers are hashed as their decimal text:
 * `$toHashedIndexKey` would truncate 5.7 and 5.2 to the same key, and two distinct inputs must
 * give two distinct outputs.
 */
function hashOf(kind: string, ref: string): Document {
  return {
    $toHashedIndexKey: {
      s: `$$${SALT_VARIABLE}`,
      k: { $literal: kind },
      v: { $cond: [{ $isNumber: ref }, { $toString: ref }, ref] },
    },
  };
}

/** The hash as unsigned decimal digits. */
function digits(hash: Document): Document {
  return { $ltrim: { input: { $toString: hash }, chars: "-" } };
}

function keyed(kind: string, ref: string, part: NamePart): Document {
  const h = hashOf(kind, ref);
  switch (kind) {
    case "email":
      // RFC 2606 reserves example.com: a valid address that can never reach anyone.
      return { $concat: ["user", digits(h), "@example.com"] };
    case "phone": {
      // Country code +999 is reserved by the ITU (E.164) and assigned to nobody.
      const d = { $concat: ["000000000000", digits(h)] };
      const last12 = { $substrCP: [d, { $subtract: [{ $strLenCP: d }, 12] }, 12] };
      return {
        $let: {
          vars: { p: last12 },
          in: {
            $concat: [
              "+999 ",
              { $substrCP: ["$$p", 0, 4] },
              " ",
              { $substrCP: ["$$p", 4, 4] },
              " ",
              { $substrCP: ["$$p", 8, 4] },
            ],
          },
        },
      };
    }
    case "name": {
      // Alone in a first-name field, a common first name would equal some production value of
      // that field (and the proof would refuse the snapshot): built from uncommon syllables instead.
      const first =
        part === "first"
          ? { $concat: [pick(GIVEN_A, "$$h", 1), pick(GIVEN_B, "$$h", 16), pick(GIVEN_C, "$$h", 16 * 8)] }
          : pick(FIRST_NAMES, "$$h", 1);
      const surname = [
        pick(SYLLABLES_A, "$$h", 256),
        pick(SYLLABLES_B, "$$h", 256 * 32),
        pick(SYLLABLES_C, "$$h", 256 * 32 * 32),
      ];
      const parts = part === "first" ? [first] : part === "last" ? surname : [first, " ", ...surname];
      return { $let: { vars: { h: h }, in: { $concat: parts } } };
    }
    default:
      // hash: numbers stay numbers (the hash itself), everything else becomes a token.
      return { $cond: [{ $isNumber: ref }, h, { $concat: ["masked-", digits(h)] }] };
  }
}

/** An element of `list` chosen by some bits of the hash (a negative index counts from the end). */
function pick(list: readonly string[], hash: string, divisor: number): Document {
  const bits = divisor === 1 ? hash : { $floor: { $divide: [hash, divisor] } };
  return { $arrayElemAt: [{ $literal: list }, { $toInt: { $mod: [bits, list.length] } }] };
}

/** Plausible first names, and syllables that make surnames unlikely to be anyone's real one. */
const FIRST_NAMES = [
  "Ada",
  "Alan",
  "Alice",
  "Amara",
  "Ana",
  "Anton",
  "Aria",
  "Arjun",
  "Ben",
  "Bianca",
  "Carla",
  "Carlos",
  "Chen",
  "Chloe",
  "Dana",
  "Daniel",
  "Dara",
  "David",
  "Elena",
  "Eli",
  "Emma",
  "Erik",
  "Eva",
  "Farah",
  "Felix",
  "Fiona",
  "Gabriel",
  "Grace",
  "Hana",
  "Hugo",
  "Ines",
  "Ivan",
  "Jana",
  "Javier",
  "Jin",
  "Jonas",
  "Julia",
  "Kai",
  "Kamala",
  "Karin",
  "Lars",
  "Laura",
  "Leo",
  "Lina",
  "Luca",
  "Maya",
  "Mei",
  "Mila",
  "Nadia",
  "Nico",
  "Nina",
  "Noah",
  "Omar",
  "Olivia",
  "Pablo",
  "Priya",
  "Rafael",
  "Rosa",
  "Sami",
  "Sara",
  "Tariq",
  "Tomas",
  "Yara",
  "Zoe",
];
const GIVEN_A = [
  "Bry",
  "Cae",
  "Dro",
  "Fyn",
  "Gwy",
  "Hal",
  "Ith",
  "Jor",
  "Kae",
  "Lyr",
  "Myr",
  "Nyx",
  "Orl",
  "Pyr",
  "Quo",
  "Ryn",
];
const GIVEN_B = ["a", "e", "i", "o", "u", "y", "ae", "ia"];
const GIVEN_C = ["leth", "mira", "ndor", "sael", "vyn", "thea", "rion", "wen"];
const SYLLABLES_A = [
  "Bal",
  "Cor",
  "Dal",
  "Eri",
  "Fen",
  "Gar",
  "Hal",
  "Ins",
  "Jor",
  "Kel",
  "Lan",
  "Mor",
  "Nor",
  "Ost",
  "Pel",
  "Quin",
  "Ros",
  "Sel",
  "Tor",
  "Ul",
  "Val",
  "Wen",
  "Yar",
  "Zel",
  "Bren",
  "Cal",
  "Dor",
  "Fal",
  "Gil",
  "Har",
  "Kor",
  "Lind",
];
const SYLLABLES_B = [
  "a",
  "e",
  "i",
  "o",
  "u",
  "ar",
  "en",
  "is",
  "or",
  "um",
  "an",
  "el",
  "in",
  "on",
  "ur",
  "ey",
];
const SYLLABLES_C = [
  "brook",
  "croft",
  "dale",
  "field",
  "ford",
  "gate",
  "holm",
  "lund",
  "mere",
  "more",
  "quist",
  "rith",
  "stad",
  "thorne",
  "vik",
  "wick",
];

/**
 * A branch of `$switch`, built in this one place: MongoDB names its value `then`, which makes the
 * object "thenable" to `await`; these objects are only ever sent to the server.
 */
function when(condition: unknown, value: unknown): Document {
  // biome-ignore lint/suspicious/noThenProperty: MongoDB's $switch names a branch's value "then".
  return { case: condition, then: value };
}

/** A config file's value in MongoDB Extended JSON (`{ $date: ... }`, `{ $numberLong: ... }`) as BSON. */
export function fromExtendedJson(value: unknown): unknown {
  // Not relaxed: an explicit { $numberLong } stays an Int64 instead of becoming a JavaScript number.
  return (BSON.EJSON.deserialize({ v: value } as Document, { relaxed: false }) as { v: unknown }).v;
}

function getField(field: string, input: string): Document {
  return { $getField: { field: { $literal: field }, input } };
}

function isMissing(expr: unknown): Document {
  return { $eq: [{ $type: expr }, "missing"] };
}

/**
 * Verification looks two array levels deeper than masking reaches: a value nested beyond what
 * masking rewrites is then found, and the snapshot is refused, instead of passing unseen.
 */
const VERIFY_ARRAY_DEPTH = ARRAY_DEPTH + 2;

/** The leaf values at a path (as masking traverses it, and deeper): for verification. */
export function leafValues(path: string): Document {
  const parts = path.split(".");
  const walk = (value: unknown, index: number, arrayDepth: number): Document => {
    const v = fresh("w");
    const ref = `$$${v}`;
    const e = fresh("e");
    // Inside an array: the values of every element, concatenated.
    const elements =
      arrayDepth < VERIFY_ARRAY_DEPTH
        ? [
            when(
              { $isArray: ref },
              {
                $reduce: {
                  input: { $map: { input: ref, as: e, in: walk(`$$${e}`, index, arrayDepth + 1) } },
                  initialValue: [],
                  in: { $concatArrays: ["$$value", "$$this"] },
                },
              },
            ),
          ]
        : [];
    const inner =
      index === parts.length
        ? {
            $switch: {
              branches: [when({ $eq: [{ $type: ref }, "missing"] }, []), ...elements],
              default: [ref],
            },
          }
        : {
            $switch: {
              branches: [
                when(
                  { $eq: [{ $type: ref }, "object"] },
                  walk(getField(parts[index] ?? "", ref), index + 1, 0),
                ),
                ...elements,
              ],
              default: [],
            },
          };
    return { $let: { vars: { [v]: value }, in: inner } };
  };
  return walk("$$ROOT", 0, 0);
}
