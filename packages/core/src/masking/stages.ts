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
    case "password":
      // The test password's hash, computed in the runner (password.ts): never the password itself.
      if (!s.hash)
        throw new Error("The password strategy's hash was not computed before the stages were built.");
      return { $cond: [{ $eq: [ref, null] }, null, { $literal: s.hash }] };
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
      // Country code +999 is reserved by the ITU (E.164) and assigned to nobody. E.164 leaves 12
      // digits after it (10^12 numbers: a birthday collision among 1.5 million distinct inputs);
      // an extension of 4 more keeps 10^16 (about 53 bits, as distinct as the hash allows in a
      // phone number's shape): "+999 3755 2630 0714 x0381".
      const d = { $concat: ["0000000000000000", digits(h)] };
      const last16 = { $substrCP: [d, { $subtract: [{ $strLenCP: d }, 16] }, 16] };
      return {
        $let: {
          vars: { p: last16 },
          in: {
            $concat: [
              "+999 ",
              { $substrCP: ["$$p", 0, 4] },
              " ",
              { $substrCP: ["$$p", 4, 4] },
              " ",
              { $substrCP: ["$$p", 8, 4] },
              " x",
              { $substrCP: ["$$p", 12, 4] },
            ],
          },
        },
      };
    }
    case "name":
      return fakeName(h, part);
    default:
      // hash: numbers stay numbers (the hash itself), everything else becomes a token.
      return { $cond: [{ $isNumber: ref }, h, { $concat: ["masked-", digits(h)] }] };
  }
}

/**
 * A name that carries the hash's bits, so that distinct inputs stay as distinct as with `email`:
 * the 64-bit hash, made non-negative, is written in mixed radix over the tables below.
 * - full name: a given name (8 bits) and a double-barrelled surname of two invented words (28 bits
 *   each): all 64 bits, "Maya Bralomen-Kitheros";
 * - first name alone: two invented given names (28 + 20 = 48 bits), "Kelamir Dorin": no common
 *   first name, which would equal some production value of the field (and the proof would refuse);
 * - surname alone: two invented words (56 bits), "Bralomen-Kitheros".
 */
function fakeName(hash: Document, part: NamePart): Document {
  const word = (syllables: number) => [
    ...Array.from({ length: syllables }, (_, i) => [i === 0 ? ONSETS : ONSETS_LOWER, NUCLEI] as const).flat(),
    CODAS,
  ];
  const plan: (readonly string[] | string)[] =
    part === "first"
      ? [...word(3), " ", ...word(2)]
      : part === "last"
        ? [...word(3), "-", ...word(3)]
        : [GIVEN_NAMES, " ", ...word(3), "-", ...word(3)];
  const tables = plan.filter((p): p is readonly string[] => typeof p !== "string");
  const indexes = mixedRadix(
    hash,
    tables.map((t) => t.length),
  );
  const v = fresh("n");
  let at = 0;
  const parts = plan.map((p) =>
    typeof p === "string" ? p : { $arrayElemAt: [{ $literal: p }, { $arrayElemAt: [`$$${v}`, at++] }] },
  );
  return { $let: { vars: { [v]: indexes }, in: { $concat: parts } } };
}

const TWO_TO_63 = BSON.Decimal128.fromString("9223372036854775808");

/**
 * The digits of (hash + 2^63), a whole number below 2^64, in the given radices (least significant
 * first), computed exactly in Decimal128: each step divides a multiple of the radix.
 */
function mixedRadix(hash: Document, radices: readonly number[]): Document {
  const x = fresh("x");
  const steps = (value: string, i: number): Document => {
    const radix = radices[i] ?? 1;
    const d = fresh("d");
    const rest = fresh("r");
    const digit = { $mod: [value, radix] };
    if (i === radices.length - 1) return [{ $toInt: digit }] as unknown as Document;
    return {
      $let: {
        vars: { [d]: digit },
        in: {
          $let: {
            vars: { [rest]: { $divide: [{ $subtract: [value, `$$${d}`] }, radix] } },
            in: { $concatArrays: [[{ $toInt: `$$${d}` }], steps(`$$${rest}`, i + 1)] },
          },
        },
      },
    };
  };
  return {
    $let: {
      vars: { [x]: { $add: [{ $toDecimal: hash }, { $literal: TWO_TO_63 }] } },
      in: steps(`$$${x}`, 0),
    },
  };
}

/** 256 given names from many languages, for full names (the surname part is invented). */
const GIVEN_NAMES = (
  "Ada Adam Adrian Aiko Aisha Akira Alan Alba Alejandro Alexei Ali Alice Alma Amara Amelia Amir Ana Anders Andrea Ane " +
  "Angela Anika Anita Anna Anton Aria Arjun Arne Asha Astrid Ava Axel Aya Bea Ben Bianca Boris Bruno Camila Carla " +
  "Carlos Carmen Caro Chen Chiara Chloe Clara Dalia Dana Daniel Dara Darius David Diego Dina Dmitri Dora Elena Eli " +
  "Elif Elin Elisa Ella Emil Emma Enzo Erik Esra Eva Ezra Farah Fatima Felix Fiona Flora Freya Gabriel Gaia Greta " +
  "Hana Hannah Hari Hassan Helena Henrik Hiro Hugo Ian Ida Ilse Imani Ines Ingrid Irene Isaac Isabel Ivan Jada " +
  "Jana Javier Jin Joao Jonas Jorge Josef Julia Julian Juno Kai Kamala Karin Karl Kavya Keiko Kenji Kira Klara " +
  "Kofi Lars Laura Lea Leila Leo Leon Lia Lina Linnea Liv Lorenzo Luca Lucia Luis Luka Maia Malik Mara Marco " +
  "Maria Marta Mateo Maya Mei Mila Mina Mira Miro Nadia Naomi Nia Nico Nika Nils Nina Noah Noor Nora Ola Olga " +
  "Olivia Omar Oscar Otto Pablo Paula Pedro Petra Pia Priya Rafael Rahul Rania Rosa Ruben Rumi Sami Sana Sara " +
  "Selin Sofia Sonja Stella Sven Tara Tariq Teo Thea Tomas Uma Valentina Vera Victor Vida Vikram Wei Yara Yuki " +
  "Yusuf Zara Zoe Zora Abel Agnes Aldo Alina Amos Anja Ari Basil Beatriz Bodhi Celia Cyrus Daria Duc Edda Eino " +
  "Elio Emre Esme Femi Goran Hedda Iker Ilan Iris Jasper Joon Kaito Kemal Lale Leif Lotte Malin Milan Nao Nuno " +
  "Odile Orla Paavo Quinn Rhea Rina Saoirse Soren Tove Ugo Vesna Wren Xavi Yosef Zeynep Linh Minh Amaru Ayla Bao"
).split(" ");
/** Invented words: 32 onsets × 8 nuclei per syllable, and 16 codas: pronounceable, rarely anyone's name. */
const ONSETS = "B Br C Ch Cl D Dr F Fr G Gr H J K Kr L M N P Pr R S Sh St T Th Tr V W Y Z Qu".split(" ");
const ONSETS_LOWER = ONSETS.map((o) => o.toLowerCase());
const NUCLEI = "a e i o u ae ei ou".split(" ");
const CODAS = ["", "n", "r", "l", "s", "th", "nd", "rn", "ll", "x", "m", "sh", "ns", "rd", "ld", "ck"];

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
