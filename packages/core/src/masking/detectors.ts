import { isIP } from "node:net";

/**
 * What a value looks like, if anything personal. Whole-value kinds say what the value is (an
 * e-mail address, a phone number, a person's name); `inside` kinds say what a longer text carries
 * (a message header, a comment, a mail body). Values are only classified, never kept.
 */
export type ValueKind =
  | "email"
  | "phone"
  | "ip"
  | "card"
  | "iban"
  | "national-id"
  | "person-name"
  | "password-hash"
  | "token"
  | "image"
  | "personal-url";

export type InsideKind = "email" | "phone" | "ip" | "card" | "person-name";

export interface Classified {
  kind?: ValueKind;
  inside: InsideKind[];
}

/** In words, for the scan's reasons. */
export const KIND_WORDS: Record<ValueKind, string> = {
  email: "e-mail addresses",
  phone: "phone numbers",
  ip: "IP addresses",
  card: "card numbers (Luhn)",
  iban: "IBANs (checksum)",
  "national-id": "national identifiers",
  "person-name": "person names",
  "password-hash": "password hashes",
  token: "secrets or tokens",
  image: "images",
  "personal-url": "personal web pages",
};
export const INSIDE_WORDS: Record<InsideKind, string> = {
  email: "e-mail addresses",
  phone: "phone numbers",
  ip: "IP addresses",
  card: "card numbers",
  "person-name": "person names",
};

const EMAIL_WHOLE =
  /^[^\s@<>(),;:"]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$/;
const EMAIL_INSIDE = /[A-Za-z0-9._%+'=-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/;
/** `Name <addr>`, `"Name" <addr>`, `<addr>`, `addr (Name)`: how headers write one address. */
const MAILBOX = /^(?:"[^"]*"\s*|[^"<>@()[\]:;]*)?<([^<>\s]+@[^<>\s]+)>$|^([^\s@<>]+@[^\s@<>]+)\s*\([^()]*\)$/;
const PHONE = /^(?:\+|00)?[\d\s().\-/]{6,22}(?:\s*(?:x|ext\.?|extension)\s*\d{1,6})?$/i;
/** A run of digits and phone separators inside a text (then checked by {@link phoneNumber}). */
const PHONE_INSIDE = /(?<![\w.+])(?:\+|\()?\d[\d\s().-]{5,20}\d(?![\w.])/;
const IPV4_INSIDE = /(?<![\d.])(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}(?![\d.])/;
const CARD_INSIDE = /\b(?:\d[ -]?){12,18}\d\b/;
const TOKEN_PREFIX =
  /^(sk|pk|rk)_(live|test)_|^gh[pousr]_[A-Za-z0-9]{20,}|^github_pat_|^xox[abprs]-|^AKIA[0-9A-Z]{16}$|^AIza[0-9A-Za-z_-]{30,}|^-----BEGIN [A-Z ]*PRIVATE KEY-----|^eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const PASSWORD_HASH =
  /^\$2[abxy]?\$\d\d\$[./A-Za-z0-9]{53}$|^\$argon2(id|i|d)\$v=\d+\$m=\d+,t=\d+,p=\d+\$|^\$(pbkdf2|scrypt)[-$]|^(pbkdf2_sha256|sha1|bcrypt_sha256)\$|^\$[156]\$[./A-Za-z0-9]{1,16}\$[./A-Za-z0-9]{22,}|^AQAAAA[A-Za-z0-9+/]{40,}={0,2}$/;
/** US SSN (not 000, 666, 9xx areas), UK National Insurance number. */
const NATIONAL_ID =
  /^(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}$|^(?![DFIQUV])[A-CEGHJ-PR-TW-Z](?![DFIOQUV])[A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]$/;
/** A home page on a shared host (`/~name`) or a profile page. */
const PERSONAL_URL =
  /^<?(?:https?:\/\/)?[^\s/]+\/~[A-Za-z][\w.-]*|^<?https?:\/\/(?:www\.)?(?:linkedin\.com\/in|facebook\.com|twitter\.com|x\.com|instagram\.com|github\.com)\/[A-Za-z0-9_.-]+\/?>?$/i;
const IMAGE_BASE64 =
  /^(?:data:image\/[a-z+.-]+;base64,|iVBORw0KGgo|\/9j\/|R0lGOD[lh]|UklGR[\s\S]{6}XRUJQ|Qk[0-9A-Za-z+/]{2}AAAAAA)/;

export function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

export function ibanValid(text: string): boolean {
  const s = text.replace(/\s+/g, "").toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(s)) return false;
  const moved = s.slice(4) + s.slice(0, 4);
  let rest = 0;
  for (const ch of moved) {
    const n = ch >= "A" ? String(ch.charCodeAt(0) - 55) : ch;
    for (const digit of n) rest = (rest * 10 + Number(digit)) % 97;
  }
  return rest === 1;
}

/** A payment card: 13-19 digits, a known issuer prefix, and the Luhn checksum. */
export function cardNumber(text: string): boolean {
  const digits = text.replace(/[\s-]/g, "");
  return /^(?:4|5[1-5]|2[2-7]|3[47]|3[0689]|6)\d{12,18}$/.test(digits) && luhn(digits);
}

/**
 * A credential by its well-known shape (API key prefixes, JWTs, PEM private keys). High entropy
 * alone is not enough: message ids, trace ids and hashes are just as random and not secret.
 */
function looksLikeSecret(s: string): boolean {
  return TOKEN_PREFIX.test(s);
}

function phoneNumber(s: string): boolean {
  if (!PHONE.test(s)) return false;
  const digits = s.replace(/x\s*\d+$|ext\.?\s*\d+$|extension\s*\d+$/i, "").replace(/\D/g, "");
  if (digits.length < 7 || digits.length > 15) return false;
  // Dates, times, decimal numbers and plain integers are not phone numbers.
  if (/^\d{4}[-/.]\d\d[-/.]\d\d|^\d\d?[-/.]\d\d?[-/.]\d{2,4}$|^\d+([.,]\d+)?$/.test(s)) return false;
  return /[\s().\-/+]/.test(s) || /^(?:\+|00)/.test(s);
}

const TITLES = new Set(["mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "rev", "hon"]);
const WORD = /^\p{Lu}[\p{L}'’-]*\.?$/u;
const capital = (w: string) => (w === w.toUpperCase() ? w.charAt(0) + w.slice(1).toLowerCase() : w);

/**
 * A person's name: one to five capitalised words whose given name (the first word, the word after
 * a title, or the word after the comma of "Last, First") is a first name in common use.
 */
export function personName(value: string, firstNames: ReadonlySet<string>): boolean {
  const s = value.trim();
  if (s.length < 2 || s.length > 60 || /[\d@/\\:;_=#&|<>[\]{}]/.test(s)) return false;
  const comma = s.split(",");
  if (comma.length > 2) return false;
  const ordered = comma.length === 2 ? `${comma[1]} ${comma[0]}` : s;
  const tokens = ordered.split(/\s+/).filter(Boolean).map(capital);
  if (tokens.length === 0 || tokens.length > 5) return false;
  if (!tokens.every((t) => WORD.test(t))) return false;
  const given = tokens.find((t) => !TITLES.has(t.replace(/\.$/, "").toLowerCase()));
  if (!given || given.endsWith(".")) return false;
  return firstNames.has(given.replace(/[’']s$/, "").toLowerCase());
}

/**
 * First names that are also common English words: inside a text, "Red Hat" or "Will Power" is
 * no evidence of a person (a whole value still counts, where the field's share decides).
 */
const WORD_NAMES = new Set(
  "will may mark bill red rose hope grace joy faith sunny page art don guy pat jack frank gene ray rich chance chip dean drew earl hunter lane major miles price reed rob sandy skip stone summer tanner ward wade chase cliff dale dawn april june august amber iris ivy violet holly crystal pearl ruby star autumn sky rain brook honey lance max nick sterling royal king duke prince bishop buck colt roman christian justice liberty love mercy patience trinity bob gary sue al jean sol van carol happy lucky merry early else lou mac rusty dusty penny bud ginger cookie dolly sally jerry hal glen glenn ken kit lee mo ned sean tom will win wolf fox bear hawk heather daisy lily jasmine olive rod roger victor vita worth young tim ted ben".split(
    " ",
  ),
);

/** A "Given Surname" pair inside a text: the given name known (and not a common word), the surname capitalised. */
function nameInside(text: string, firstNames: ReadonlySet<string>): boolean {
  // The surname is a lookahead, so that "Call Maria Anders" tries "Maria Anders" too.
  const pairs = text.matchAll(
    /(?<![\p{L}])(\p{Lu}\p{Ll}{1,15})(?=\s+(?:\p{Lu}\.\s+)?\p{Lu}\p{Ll}{1,20}(?![\p{L}]))/gu,
  );
  for (const m of pairs) {
    const given = (m[1] ?? "").toLowerCase();
    if (firstNames.has(given) && !WORD_NAMES.has(given)) return true;
  }
  return false;
}

/** The address inside a one-address header value (`Name <addr>`), if it is one. */
function mailbox(s: string): boolean {
  const m = MAILBOX.exec(s);
  const address = m?.[1] ?? m?.[2];
  return address !== undefined && EMAIL_WHOLE.test(address);
}

/** Classifies a string value. */
export function classifyString(value: string, firstNames: ReadonlySet<string>): Classified {
  const s = value.trim();
  const inside: InsideKind[] = [];
  if (s.length === 0) return { inside };
  if (s.length > 320) {
    if (IMAGE_BASE64.test(s)) return { kind: "image", inside };
    if (looksLikeSecret(s)) return { kind: "token", inside };
  } else {
    if (EMAIL_WHOLE.test(s) || mailbox(s)) return { kind: "email", inside };
    if (ipAddress(s.replace(/^\[|\]$/g, ""))) return { kind: "ip", inside };
    if (PASSWORD_HASH.test(s)) return { kind: "password-hash", inside };
    if (cardNumber(s)) return { kind: "card", inside };
    if (ibanValid(s)) return { kind: "iban", inside };
    if (NATIONAL_ID.test(s)) return { kind: "national-id", inside };
    if (phoneNumber(s)) return { kind: "phone", inside };
    if (PERSONAL_URL.test(s)) return { kind: "personal-url", inside };
    if (personName(s, firstNames)) return { kind: "person-name", inside };
    if (IMAGE_BASE64.test(s) && s.length > 100) return { kind: "image", inside };
    if (looksLikeSecret(s)) return { kind: "token", inside };
  }
  // Longer text: what it carries.
  if (s.includes("@") && EMAIL_INSIDE.test(s)) inside.push("email");
  if (IPV4_INSIDE.test(s)) inside.push("ip");
  if (PHONE_INSIDE.test(s) && phoneInside(s)) inside.push("phone");
  if (
    CARD_INSIDE.test(s) &&
    [...s.matchAll(new RegExp(CARD_INSIDE.source, "g"))].some((m) => cardNumber(m[0]))
  )
    inside.push("card");
  if (/\s/.test(s) && nameInside(s, firstNames)) inside.push("person-name");
  return { inside };
}

/** An IP address a host could have (not 0.x.x.x, which is how version numbers look). */
function ipAddress(s: string): boolean {
  const v = isIP(s);
  return v === 6 || (v === 4 && !s.startsWith("0."));
}

function phoneInside(s: string): boolean {
  for (const m of s.matchAll(new RegExp(PHONE_INSIDE.source, "g"))) {
    const run = m[0].trim();
    const separators = run.match(/[\s().-]+/g)?.length ?? 0;
    // Dots alone separate a phone number only as 555.123.4567; otherwise they make a version number.
    const bare = run.replace(/^\(|\)$/g, "");
    const dotted = !/[\s()-]/.test(bare) && !/^\d{3}\.\d{3}\.\d{4}$/.test(bare);
    if (
      !dotted &&
      isIP(run) === 0 &&
      (run.startsWith("+") || run.startsWith("(") || separators >= 2) &&
      phoneNumber(run)
    )
      return true;
  }
  return false;
}

/** Image formats by their magic bytes. */
export function imageFormat(bytes: Uint8Array): string | undefined {
  const b = (i: number) => bytes[i] ?? -1;
  const ascii = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  if (b(0) === 0x89 && ascii(1, 4) === "PNG") return "PNG";
  if (b(0) === 0xff && b(1) === 0xd8 && b(2) === 0xff) return "JPEG";
  if (ascii(0, 6) === "GIF87a" || ascii(0, 6) === "GIF89a") return "GIF";
  if (ascii(0, 4) === "RIFF" && ascii(8, 12) === "WEBP") return "WebP";
  if (ascii(0, 2) === "BM" && bytes.length > 26) return "BMP";
  if (
    (b(0) === 0x49 && b(1) === 0x49 && b(2) === 0x2a && b(3) === 0) ||
    (b(0) === 0x4d && b(1) === 0x4d && b(2) === 0 && b(3) === 0x2a)
  )
    return "TIFF";
  if (ascii(4, 8) === "ftyp" && /^(heic|heix|mif1|avif)$/.test(ascii(8, 12))) return "HEIF";
  // OLE-wrapped bitmaps (Access and SQL Server sample data keep photos this way).
  if (b(0) === 0x15 && b(1) === 0x1c && bytes.length > 100) {
    const at = Buffer.from(bytes.subarray(0, 512)).indexOf("BM");
    if (at > 0) return "BMP (OLE)";
  }
  return undefined;
}
