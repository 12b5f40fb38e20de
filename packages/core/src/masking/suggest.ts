import type { ValueKind } from "./detectors";
import type { Reason } from "./reason";

/**
 * The rule that would cover a flagged path, written as the config file writes it, so that strict
 * mode's refusal and the scan can print rules ready to paste. Keyed strategies keep distinct
 * values distinct (unique indexes and joins keep working); free text is redacted; photos removed.
 */
export function suggestRule(
  path: string,
  types: readonly string[],
  reasons: readonly Reason[],
  kinds: ReadonlyMap<ValueKind, number>,
): string {
  const detectors = new Set(reasons.map((r) => r.detector));
  const onlyNumbers = types.every((t) => ["int", "long", "double", "decimal", "null"].includes(t));
  const onlyDates = types.every((t) => t === "date" || t === "null");
  const is = (...names: string[]) => names.some((n) => detectors.has(n));
  const idPath = path.split(".")[0] === "_id";
  // bcrypt verifies in every stack (bcryptjs, BCrypt.Net, Spring, passlib); argon2id is the other choice.
  if (is("password") || kinds.has("password-hash")) return "{ password: { scheme: bcrypt, cost: 10 } }";
  if (is("e-mail", "email")) return "email";
  if (is("phone number", "phone")) return "phone";
  if (is("person name", "first name", "last name", "person-name")) return "name";
  if (is("person (role word)")) return detectors.has("email") ? "email" : "name";
  if (
    idPath ||
    is(
      "username",
      "national identifier",
      "card number",
      "bank account",
      "secret",
      "token",
      "card",
      "iban",
      "national-id",
      "fingerprint",
    )
  )
    return "hash";
  if (is("photo", "image")) return "remove";
  if (onlyNumbers || onlyDates) return '"null"';
  return "redact";
}
