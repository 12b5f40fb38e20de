/**
 * What a field's name says about its values: the path is split into words (case changes, `_`,
 * `-`, spaces, dots, digits, and compound words such as `contactname`), and the words are looked
 * up in a vocabulary of personal concepts and of the roles people have in data (reviewer, author,
 * sender, customer, ...). A name alone is not always enough: `city` is personal in a customer's
 * address and not in an airport's, so some concepts only count where the collection holds people.
 */

export type Concept =
  | "e-mail"
  | "phone number"
  | "person name"
  | "first name"
  | "last name"
  | "person (role word)"
  | "username"
  | "address"
  | "city"
  | "postal code"
  | "location"
  | "date of birth"
  | "date of death"
  | "national identifier"
  | "card number"
  | "bank account"
  | "IP address"
  | "password"
  | "secret"
  | "photo"
  | "free text about a person"
  | "sensitive attribute"
  | "web page"
  | "fingerprint";

export interface NameFinding {
  concept: Concept;
  /** The word(s) that matched, as the reason shows them. */
  words: string;
  /**
   * strong: personal wherever it appears. context: only where the collection holds people (or the
   * field sits under a person or an address). values: only when the values agree (a role word
   * such as `from` or `user` may hold a reference, a date or a name). role: a person by role
   * (`reviewer`, `author`): personal when it holds text, not when it holds a reference (an id).
   */
  strength: "strong" | "context" | "role" | "values";
}

/** Words a compound name may be made of (`contactname`, `emailaddress`, `homephone`, `dateofbirth`). */
const VOCABULARY = [
  "first",
  "last",
  "middle",
  "given",
  "family",
  "full",
  "sur",
  "maiden",
  "nick",
  "display",
  "user",
  "screen",
  "contact",
  "customer",
  "client",
  "owner",
  "author",
  "reviewer",
  "sender",
  "recipient",
  "employee",
  "patient",
  "member",
  "person",
  "name",
  "names",
  "email",
  "mail",
  "address",
  "addresses",
  "phone",
  "mobile",
  "cell",
  "home",
  "work",
  "office",
  "fax",
  "number",
  "num",
  "no",
  "street",
  "city",
  "zip",
  "code",
  "postal",
  "post",
  "birth",
  "date",
  "day",
  "of",
  "death",
  "card",
  "credit",
  "account",
  "bank",
  "pass",
  "word",
  "api",
  "key",
  "secret",
  "token",
  "access",
  "private",
  "social",
  "security",
  "national",
  "id",
  "tax",
  "ip",
  "web",
  "site",
  "page",
  "profile",
  "photo",
  "picture",
  "image",
  "avatar",
  "ship",
  "shipping",
  "billing",
  "delivery",
  "login",
  "handle",
  "line",
];
const VOCAB = new Set(VOCABULARY);

/** Splits `contactname` into contact + name when the whole word is made of known words. */
function splitCompound(word: string): string[] {
  if (VOCAB.has(word) || word.length < 5) return [word];
  const best: (string[] | undefined)[] = [[]];
  for (let end = 1; end <= word.length; end++) {
    for (let start = Math.max(0, end - 12); start < end; start++) {
      const prefix = best[start];
      const part = word.slice(start, end);
      if (prefix && part.length >= 2 && VOCAB.has(part)) {
        const candidate = [...prefix, part];
        const current = best[end];
        if (!current || candidate.length < current.length) best[end] = candidate;
      }
    }
  }
  const whole = best[word.length];
  return whole && whole.length > 1 ? whole : [word];
}

/** The words of one path segment, lower case: `First Name`, `firstName`, `first_name`, `FIRSTNAME` → first, name. */
export function words(segment: string): string[] {
  return segment
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .replace(/([A-Za-z])(\d)/g, "$1 $2")
    .replace(/(\d)([A-Za-z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase())
    .flatMap(splitCompound)
    .map(singular);
}

function singular(w: string): string {
  if (w.length > 3 && /(ss|us|is)$/.test(w)) return w;
  if (w.endsWith("ies") && w.length > 4) return `${w.slice(0, -3)}y`;
  if (/(sses|xes|ches|shes)$/.test(w)) return w.slice(0, -2);
  if (w.endsWith("s") && w.length > 3 && !["address", "bus", "gps", "sms", "ios"].includes(w))
    return w.slice(0, -1);
  return w;
}

/** People by the role they have in the data. */
const ROLES = new Set([
  "reviewer",
  "author",
  "sender",
  "recipient",
  "owner",
  "customer",
  "client",
  "employee",
  "patient",
  "contact",
  "member",
  "person",
  "people",
  "assignee",
  "reporter",
  "creator",
  "approver",
  "signer",
  "buyer",
  "seller",
  "guest",
  "passenger",
  "driver",
  "student",
  "teacher",
  "applicant",
  "candidate",
  "beneficiary",
  "tenant",
  "landlord",
  "manager",
  "supervisor",
  "director",
  "spouse",
  "parent",
  "guardian",
  "attendee",
  "participant",
  "speaker",
  "holder",
  "cardholder",
  "subscriber",
  "recruiter",
  "physician",
  "doctor",
  "nurse",
  "witness",
  "victim",
  "suspect",
  "user",
  "account",
  "commenter",
  "follower",
  "friend",
]);
/** Roles that often hold something else (a date range, a reference, a host): only with values that agree. */
const WEAK_ROLES = new Set(["from", "to", "cc", "bcc", "by", "user", "account", "host", "agent", "rep"]);
/** Where a name or an address belongs to a person (shipping name: the recipient's). */
const PERSON_QUALIFIERS = new Set([
  ...ROLES,
  "ship",
  "shipping",
  "billing",
  "delivery",
  "mailing",
  "home",
  "private",
  "personal",
  "emergency",
  "legal",
  "real",
  "maiden",
  "next",
]);
/** A shipping or billing name or address is the recipient's or the payer's. */
const RECIPIENT = new Set(["ship", "shipping", "billing", "delivery", "mailing", "home"]);
/** Things that have names, addresses and pictures too, but are not people. */
const THINGS = new Set([
  "company",
  "product",
  "file",
  "host",
  "hostname",
  "app",
  "application",
  "brand",
  "category",
  "country",
  "state",
  "region",
  "county",
  "org",
  "organization",
  "organisation",
  "business",
  "project",
  "team",
  "collection",
  "db",
  "database",
  "field",
  "index",
  "event",
  "course",
  "place",
  "venue",
  "store",
  "shop",
  "item",
  "service",
  "server",
  "domain",
  "list",
  "group",
  "channel",
  "room",
  "site",
  "airport",
  "station",
  "street",
  "city",
  "school",
  "university",
  "bank",
  "branch",
  "vendor",
  "supplier",
  "merchant",
  "department",
  "dept",
  "job",
  "role",
  "title",
  "tag",
  "label",
  "model",
  "package",
  "module",
  "class",
  "method",
  "function",
  "logo",
  "icon",
  "banner",
  "cover",
  "poster",
  "thumbnail",
  "map",
  "chart",
  "game",
  "movie",
  "film",
  "book",
  "song",
  "album",
  "track",
  "plan",
  "tier",
  "feature",
  "queue",
  "topic",
  "thread",
  "mailing",
  "contract",
  "wallet",
  "memory",
  "mac",
  "network",
  "ship",
  "genre",
  "distributor",
  "type",
  "kind",
  "mime",
  "content",
  "version",
  "software",
  "mailer",
]);
/** Collections whose documents are people. */
const PEOPLE_COLLECTIONS = new Set([
  "user",
  "customer",
  "client",
  "people",
  "person",
  "employee",
  "member",
  "contact",
  "author",
  "patient",
  "student",
  "account",
  "profile",
  "subscriber",
  "applicant",
  "candidate",
  "staff",
  "investigator",
  "reviewer",
  "guest",
  "passenger",
  "driver",
  "teacher",
  "tenant",
  "lead",
  "volunteer",
]);

const has = (ws: readonly string[], ...any: string[]) => any.some((w) => ws.includes(w));
const adjacent = (ws: readonly string[], a: string, b: string) =>
  ws.some((w, i) => w === a && ws[i + 1] === b);

/** The collection holds people by its name (`users`, `customers`, `pmInvestigator`). */
export function peopleCollection(collection: string): boolean {
  return words(collection).some((w) => PEOPLE_COLLECTIONS.has(w));
}

/** Whether a path segment names a person or a person's part (`customer`, `contact`, `name`, `address`). */
export function personSegment(segment: string): boolean {
  const ws = words(segment);
  return ws.some((w) => ROLES.has(w) && !WEAK_ROLES.has(w)) || has(ws, "address", "name", "author", "sender");
}

/** What the last segment of `path` (read with its parent) says, if anything personal. */
export function nameFinding(path: string, collection = ""): NameFinding | undefined {
  const segments = path.split(".");
  const leaf = segments[segments.length - 1] ?? path;
  const ws = words(leaf);
  const parent = words(segments[segments.length - 2] ?? "");
  const all = [...parent, ...ws];
  const thing = ws.find((w) => THINGS.has(w));
  const f = (
    concept: Concept,
    matched: string,
    strength: NameFinding["strength"] = "strong",
  ): NameFinding => ({
    concept,
    words: matched,
    strength,
  });
  if (ws.length === 0) return undefined;

  // Credentials first: `emailPassword`, `apiKey`, `sessionToken`.
  if (has(ws, "password", "passwd", "pwd", "passphrase", "passcode") || adjacent(ws, "pass", "word"))
    return f("password", "password");
  if (
    has(ws, "secret", "token", "credential", "apikey", "otp", "totp") ||
    adjacent(ws, "api", "key") ||
    adjacent(ws, "private", "key") ||
    adjacent(ws, "access", "key") ||
    (has(ws, "session") && has(ws, "id", "key", "cookie"))
  )
    return f(
      "secret",
      ws.find((w) =>
        ["secret", "token", "credential", "apikey", "otp", "totp", "key", "session"].includes(w),
      ) ?? "secret",
    );

  if (
    has(ws, "email", "emailaddress") ||
    (has(ws, "mail") && !thing && (ws.length === 1 || has(ws, "address", "e"))) ||
    adjacent(ws, "e", "mail")
  )
    return f("e-mail", "e-mail");
  if (
    has(ws, "phone", "telephone", "tel", "mobile", "cellphone", "msisdn", "fax") ||
    (has(ws, "cell") && ws.length <= 2)
  )
    return f(
      "phone number",
      ws.find((w) =>
        ["phone", "telephone", "tel", "mobile", "cellphone", "msisdn", "fax", "cell"].includes(w),
      ) ?? "phone",
    );
  if (
    has(ws, "ssn", "nino", "nin", "passport", "aadhaar", "cpf", "dni", "nie", "personnummer", "itin") ||
    (has(ws, "social") && has(ws, "security")) ||
    (has(ws, "national", "tax") && has(ws, "id", "identifier", "number", "no", "code")) ||
    (has(ws, "driver", "driving") && has(ws, "license", "licence"))
  )
    return f("national identifier", ws.filter((w) => !["number", "no", "id"].includes(w)).join(" "));
  if (
    has(ws, "iban") ||
    (has(ws, "account", "acct") && has(ws, "number", "no", "num") && !thing) ||
    adjacent(ws, "routing", "number") ||
    adjacent(ws, "sort", "code") ||
    adjacent(ws, "bank", "account")
  )
    return f("bank account", ws.join(" "));
  if (
    (has(ws, "card", "creditcard") && has(ws, "number", "no", "num", "pan", "credit")) ||
    has(ws, "cvv", "cvc", "pan", "creditcard", "cardnumber")
  )
    return f("card number", ws.join(" "));
  if (has(ws, "ip", "ipv4", "ipv6", "ipaddress") || (has(ws, "remote", "client") && has(ws, "addr")))
    return f("IP address", "IP");
  if (has(ws, "birth", "birthday", "birthdate", "dob", "born")) return f("date of birth", ws.join(" "));
  if (has(ws, "death", "deceased", "died")) return f("date of death", ws.join(" "), "context");
  if (has(ws, "fingerprint")) return f("fingerprint", "fingerprint", "context");
  if (has(ws, "avatar", "portrait", "headshot", "selfie", "photo", "picture", "pic", "signature") && !thing)
    return f(
      "photo",
      ws.find((w) =>
        ["avatar", "portrait", "headshot", "selfie", "photo", "picture", "pic", "signature"].includes(w),
      ) ?? "photo",
    );
  if (has(ws, "image") && !thing) return f("photo", "image", "context");

  // Names: of a person, or of one of the many things that have a name.
  if (has(ws, "surname", "lastname", "forename", "firstname", "fullname")) {
    const w =
      ws.find((x) => ["surname", "lastname", "forename", "firstname", "fullname"].includes(x)) ?? "name";
    return f(
      w === "forename" || w === "firstname" ? "first name" : w === "fullname" ? "person name" : "last name",
      w,
    );
  }
  if (has(ws, "name") || (has(ws, "first", "last", "given", "middle", "family") && parent.includes("name"))) {
    if (has(ws, "user", "screen", "login", "nick")) return f("username", `${ws.join(" ")}`);
    const qualifier = ws.filter((w) => w !== "name");
    if (has(ws, "first", "given", "fore", "christian")) return f("first name", ws.join(" "));
    if (has(ws, "last", "family", "sur", "maiden")) return f("last name", ws.join(" "));
    if (
      has(ws, "full", "display", "middle", "legal", "real") ||
      qualifier.some((w) => PERSON_QUALIFIERS.has(w))
    )
      return f(
        "person name",
        ws.join(" "),
        qualifier.some(
          (w) =>
            ROLES.has(w) || RECIPIENT.has(w) || ["full", "display", "middle", "legal", "real"].includes(w),
        )
          ? "strong"
          : "context",
      );
    if (qualifier.some((w) => THINGS.has(w))) return undefined;
    // A bare `name`: a person's under a person or in a collection of people; else the values decide.
    if (
      parent.some((w) => PERSON_QUALIFIERS.has(w)) ||
      (segments.length === 1 && peopleCollection(collection))
    )
      return f("person name", "name", "strong");
    if (parent.some((w) => THINGS.has(w))) return undefined;
    return f("person name", "name", "values");
  }
  if (has(ws, "username", "login", "handle", "screenname", "nickname")) return f("username", ws.join(" "));

  // Addresses and their parts.
  const addressLike =
    has(ws, "address", "addr", "street", "suite", "apartment", "apt") ||
    (parent.includes("address") && has(ws, "line", "house", "building", "number", "unit"));
  if (
    addressLike &&
    !has(ws, "mac", "wallet", "contract", "memory", "server", "web", "url", "bitcoin", "eth")
  )
    return f(
      "address",
      ws.find((w) => ["address", "addr", "street", "suite", "apartment", "apt", "line"].includes(w)) ??
        "address",
      thing && !has(ws, "address", "street") ? "context" : "strong",
    );
  const recipient = ws.some((w) => RECIPIENT.has(w)) ? "strong" : "context";
  if (
    has(ws, "zip", "zipcode", "postcode", "postalcode") ||
    adjacent(ws, "postal", "code") ||
    adjacent(ws, "post", "code")
  )
    return f("postal code", ws.join(" "), recipient);
  if (has(ws, "city", "town")) return f("city", ws.join(" "), recipient);
  if (
    has(
      ws,
      "lat",
      "latitude",
      "lng",
      "lon",
      "longitude",
      "geo",
      "gps",
      "coordinate",
      "coord",
      "geolocation",
    ) ||
    (has(ws, "location") && !thing)
  )
    return f("location", ws.join(" "), "context");
  if (
    has(ws, "website", "homepage") ||
    adjacent(ws, "home", "page") ||
    adjacent(ws, "web", "site") ||
    (has(ws, "url") && all.some((w) => ROLES.has(w) || w === "profile" || w === "personal"))
  )
    return f("web page", ws.join(" "), "context");
  if (
    has(
      ws,
      "gender",
      "sex",
      "race",
      "ethnicity",
      "ethnic",
      "religion",
      "religious",
      "marital",
      "health",
      "medical",
      "diagnosis",
      "disability",
      "pregnancy",
      "orientation",
    )
  )
    return f("sensitive attribute", ws.join(" "), "context");
  if (has(ws, "bio", "biography", "about", "note", "remark") && ws.length <= 2)
    return f("free text about a person", ws.join(" "), "context");

  // A person by role: `reviewer`, `author`, `sender`, `createdBy`, `to`.
  const role = ws.find((w) => ROLES.has(w) || WEAK_ROLES.has(w));
  if (
    role &&
    !thing &&
    !has(
      ws,
      "id",
      "ids",
      "key",
      "ref",
      "count",
      "type",
      "status",
      "number",
      "no",
      "since",
      "at",
      "date",
      "time",
      "level",
      "tier",
      "group",
      "segment",
      "role",
      "title",
      "rating",
      "score",
    )
  ) {
    const onlyRoleWords = ws.every(
      (w) =>
        ROLES.has(w) ||
        WEAK_ROLES.has(w) ||
        [
          "created",
          "updated",
          "modified",
          "approved",
          "reviewed",
          "assigned",
          "owned",
          "x",
          "original",
          "primary",
          "main",
          "secondary",
          "co",
        ].includes(w),
    );
    if (onlyRoleWords)
      return f("person (role word)", role, ws.some((w) => WEAK_ROLES.has(w)) ? "values" : "role");
  }
  return undefined;
}
