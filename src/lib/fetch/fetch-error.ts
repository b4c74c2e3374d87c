/** Why an outbound fetch failed; the scheduler maps each kind to a status and a retry time. */
export type FetchErrorKind =
  | "blocked-address"
  | "dns"
  | "timeout"
  | "too-large"
  | "too-many-redirects"
  | "http"
  | "network"
  | "bad-url";

/** A failed guarded fetch. `status` and `headers` are set for kind `http` (e.g. to read Retry-After). */
export class FetchError extends Error {
  override readonly name = "FetchError";

  constructor(
    readonly kind: FetchErrorKind,
    message: string,
    readonly details: {
      url?: string;
      status?: number;
      headers?: Readonly<Record<string, string>>;
      cause?: unknown;
    } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
  }

  /** HTTP status for kind `http`, otherwise `undefined`. */
  get status(): number | undefined {
    return this.details.status;
  }

  /** Response headers for kind `http`, otherwise `undefined`. */
  get headers(): Readonly<Record<string, string>> | undefined {
    return this.details.headers;
  }

  /** The URL being fetched when the error happened (after any redirects). */
  get url(): string | undefined {
    return this.details.url;
  }
}
