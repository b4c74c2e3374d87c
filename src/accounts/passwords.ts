import { createHash, randomBytes } from "node:crypto";
import { hash, verify } from "@node-rs/argon2";
import { problemText } from "../lib/problems.js";
import { TEXT_LENGTH_PROBLEMS } from "../lib/text-input.js";
import { ACCOUNT_PROBLEMS } from "./problems.js";

// OWASP's argon2id baseline: 19 MiB memory, 2 iterations, 1 lane.
const ARGON2_OPTIONS = {
  algorithm: 2 /* Algorithm.Argon2id (an ambient const enum, unusable under isolatedModules) */,
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
};

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 200;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

/** False (never throws) for a wrong password or a malformed stored hash. */
export async function verifyPassword(storedHash: string, password: string): Promise<boolean> {
  try {
    return await verify(storedHash, password);
  } catch {
    return false;
  }
}

/**
 * A hash of a random password with the same parameters as every stored one, made once at start:
 * sign-in checks a password against it when the email has no usable account, so an unknown
 * email costs the same argon2 work as a known one and timing does not tell them apart.
 */
const dummyHash = hashPassword(randomBytes(32).toString("base64url"));

/** Spends the time of one real password check and always answers false. */
export async function verifyDummyPassword(password: string): Promise<false> {
  await verifyPassword(await dummyHash, password);
  return false;
}

/** Why a password is unacceptable, or undefined. */
export function passwordProblem(password: string): string | undefined {
  if (password.length < PASSWORD_MIN_LENGTH)
    return problemText(ACCOUNT_PROBLEMS.password_short, { min: PASSWORD_MIN_LENGTH });
  if (password.length > PASSWORD_MAX_LENGTH)
    return problemText(TEXT_LENGTH_PROBLEMS.too_long, { max: PASSWORD_MAX_LENGTH });
  return undefined;
}

/** A random URL-safe secret with 256 bits of entropy. */
export function randomToken(prefix = ""): string {
  return prefix + randomBytes(32).toString("base64url");
}

/** Tokens are stored only as this digest, so a leaked database holds no usable session or API token. */
export function digestToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
