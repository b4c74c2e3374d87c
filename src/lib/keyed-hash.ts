import { createHmac } from "node:crypto";

/** HMAC-SHA256 of a value under the install secret: IPs are stored only this way. */
export function keyedHash(secret: string, value: string): string {
  return createHmac("sha256", secret).update(value).digest("hex");
}
