// negotiator 1.x, the part the site uses (DefinitelyTyped's types are of 0.6, without `preferred`).
declare module "negotiator" {
  export default class Negotiator {
    constructor(request: { headers: Record<string, string | string[] | undefined> });
    /** The client's best of `available`; `preferred` breaks ties between encodings it rates alike. */
    encoding(available: string[], options?: { preferred?: string[] }): string | undefined;
    /** The client's best of `available` by Accept-Language (`en-GB` is taken for `en`). */
    language(available: string[]): string | undefined;
  }
}
