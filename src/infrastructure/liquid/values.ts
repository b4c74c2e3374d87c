import { type Context, Drop, type Emitter, toValueSync } from "liquidjs";

/**
 * liquidjs's rules for values — truthiness, property reads, comparisons, printing, escaping —
 * and its drops, restated as plain functions for the compiled renderer (compiler.ts). Each one
 * follows the liquidjs 10 function of the same name; the compiler's tests render both ways.
 */

/** Appends rendered text; shaped like liquidjs's emitter so liquidjs nodes can write into it. */
export class RenderBuffer implements Emitter {
  buffer = "";
  write(html: unknown): void {
    this.buffer += stringify(html);
  }
}

const hasOwn = Object.prototype.hasOwnProperty;

function isIterator(value: unknown): value is Iterator<unknown> {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as Iterator<unknown>).next === "function" &&
    typeof (value as Iterator<unknown>).throw === "function" &&
    typeof (value as Iterator<unknown>).return === "function"
  );
}

/** What `yield x` gives inside a liquidjs generator: an iterator is run to its value. */
export function settle(value: unknown): unknown {
  return isIterator(value) ? toValueSync(value) : value;
}

export function toValue(value: unknown): unknown {
  return value instanceof Drop && typeof value.valueOf === "function" ? value.valueOf() : value;
}

export function stringify(value: unknown): string {
  const plain = toValue(value);
  if (typeof plain === "string") return plain;
  if (plain === null || plain === undefined) return "";
  if (Array.isArray(plain)) return plain.map(stringify).join("");
  return String(plain);
}

function toLiquid(value: unknown): unknown {
  const withHook = value as { toLiquid?: () => unknown } | null | undefined;
  if (withHook && typeof withHook.toLiquid === "function") return toLiquid(withHook.toLiquid());
  return value;
}

export function createScope(from?: object): Record<string, unknown> {
  const scope = Object.create(null) as Record<string, unknown>;
  if (from) Object.assign(scope, from);
  return scope;
}

function readJSProperty(obj: object, key: PropertyKey, ownPropertyOnly: boolean): unknown {
  if (ownPropertyOnly && !hasOwn.call(obj, key) && !(obj instanceof Drop)) return undefined;
  return (obj as Record<PropertyKey, unknown>)[key];
}

function readArrayElement(list: unknown[], index: number, ownPropertyOnly: boolean): unknown {
  const at = index < 0 ? list.length + index : index;
  if (ownPropertyOnly && !hasOwn.call(list, at)) return undefined;
  return list[at];
}

function readSize(obj: object): unknown {
  const sized = obj as { size?: unknown; length?: number };
  if (hasOwn.call(obj, "size") || sized.size !== undefined) return sized.size;
  if (Array.isArray(obj) || typeof obj === "string") return (obj as { length: number }).length;
  if (typeof obj === "object") return Object.keys(obj).length;
  return undefined;
}

/** `Context.readProperty`, including a drop's methods and the `size`/`first`/`last` extras. */
export function readProperty(ctx: Context, target: unknown, rawKey: unknown): unknown {
  const obj = toLiquid(target);
  const key = toValue(rawKey) as PropertyKey;
  if (obj === null || obj === undefined) return obj;
  const ownOnly = ctx.ownPropertyOnly;
  if (Array.isArray(obj) && typeof key === "number") return readArrayElement(obj, key, ownOnly);
  const value = readJSProperty(obj as object, key, ownOnly);
  if (value === undefined && obj instanceof Drop) return settle(obj.liquidMethodMissing(String(key), ctx));
  if (typeof value === "function") return settle(value.call(obj));
  if (key === "size") return readSize(obj as object);
  if (key === "first")
    return Array.isArray(obj)
      ? readArrayElement(obj, 0, ownOnly)
      : readJSProperty(obj as object, "first", ownOnly);
  if (key === "last")
    return Array.isArray(obj)
      ? readArrayElement(obj, -1, ownOnly)
      : readJSProperty(obj as object, "last", ownOnly);
  return value;
}

/** `Context.findScope`: the innermost scope that has the name, else the render's model, else globals. */
export function findScope(ctx: Context, key: PropertyKey): object {
  const scopes = (ctx as unknown as { scopes: object[] }).scopes;
  for (let i = scopes.length - 1; i >= 0; i--) if (key in scopes[i]) return scopes[i];
  if (key in ctx.environments) return ctx.environments;
  return ctx.globals;
}

export function isFalsy(value: unknown, ctx: Context): boolean {
  const plain = toValue(value);
  if (ctx.opts.jsTruthy) return !plain;
  return plain === false || plain === undefined || plain === null;
}

interface Comparable {
  equals(value: unknown): unknown;
  gt(value: unknown): unknown;
  geq(value: unknown): unknown;
  lt(value: unknown): unknown;
  leq(value: unknown): unknown;
}

function isComparable(value: unknown): value is Comparable {
  const c = value as Comparable | null;
  return (
    value instanceof Drop &&
    typeof c?.equals === "function" &&
    typeof c.gt === "function" &&
    typeof c.geq === "function" &&
    typeof c.lt === "function" &&
    typeof c.leq === "function"
  );
}

export function equals(lhs: unknown, rhs: unknown): boolean {
  if (isComparable(lhs)) return settle(lhs.equals(rhs)) as boolean;
  if (isComparable(rhs)) return settle(rhs.equals(lhs)) as boolean;
  const l = toValue(lhs);
  const r = toValue(rhs);
  if (Array.isArray(l)) {
    if (!Array.isArray(r) || l.length !== r.length) return false;
    return l.every((item, i) => equals(item, r[i]));
  }
  return l === r;
}

export type Ordering = "gt" | "lt" | "geq" | "leq";
const MIRRORED: Record<Ordering, Ordering> = { gt: "lt", lt: "gt", geq: "leq", leq: "geq" };

export function compare(order: Ordering, lhs: unknown, rhs: unknown): boolean {
  if (isComparable(lhs)) return settle(lhs[order](rhs)) as boolean;
  if (isComparable(rhs)) return settle(rhs[MIRRORED[order]](lhs)) as boolean;
  const l = toValue(lhs) as number;
  const r = toValue(rhs) as number;
  if (order === "gt") return l > r;
  if (order === "lt") return l < r;
  if (order === "geq") return l >= r;
  return l <= r;
}

export function contains(lhs: unknown, rhs: unknown): boolean {
  const l = toValue(lhs) as { indexOf?: (value: unknown) => number } | unknown[] | null;
  if (Array.isArray(l)) return l.some((item) => equals(item, rhs));
  if (typeof (l as { indexOf?: unknown } | null)?.indexOf === "function")
    return (l as { indexOf: (value: unknown) => number }).indexOf(toValue(rhs)) > -1;
  return false;
}

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&#34;",
  "'": "&#39;",
};
const ESCAPED = /[&<>"']/;
const ESCAPED_ALL = /[&<>"']/g;

/** liquidjs's `escape` filter (the output escape of every theme). */
export function escapeHtml(ctx: Context, value: unknown): string {
  const str = stringify(value);
  ctx.memoryLimit.use(str.length);
  return ESCAPED.test(str) ? str.replace(ESCAPED_ALL, (m) => ESCAPES[m]) : str;
}

/** `{{ forloop }}`: liquidjs's ForloopDrop (not exported), with the same fields and methods. */
export class ForloopDrop extends Drop {
  // Declared in liquidjs's order: `{{ forloop }}` prints these fields as JSON.
  i = 0;
  length: number;
  name: string;
  constructor(length: number, collection: string, variable: string) {
    super();
    this.length = length;
    this.name = `${variable}-${collection}`;
  }
  next() {
    this.i++;
  }
  index0() {
    return this.i;
  }
  index() {
    return this.i + 1;
  }
  first() {
    return this.i === 0;
  }
  last() {
    return this.i === this.length - 1;
  }
  rindex() {
    return this.length - this.i;
  }
  rindex0() {
    return this.length - this.i - 1;
  }
  override valueOf() {
    return JSON.stringify(this);
  }
}

/** A stored `{% block %}` render (liquidjs keeps these in the `blocks` register). */
export type BlockRender = (superBlock: BlockDrop, out: Emitter) => unknown;

/** `{{ block.super }}` inside a child template's block: liquidjs's BlockDrop. */
export class BlockDrop extends Drop {
  constructor(private readonly superBlockRender: (out: RenderBuffer) => unknown = () => "") {
    super();
  }
  super(): string {
    const out = new RenderBuffer();
    settle(this.superBlockRender(out));
    return out.buffer;
  }
}

/** `toEnumerable`: what a `for` loop walks. */
export function toEnumerable(input: unknown): unknown[] {
  const value = toValue(input);
  if (Array.isArray(value)) return value;
  if (typeof value === "string" && value.length > 0) return [value];
  if (typeof value === "object" && value !== null) {
    if (Symbol.iterator in value) return Array.from(value as Iterable<unknown>);
    return Object.keys(value).map((key) => [key, (value as Record<string, unknown>)[key]]);
  }
  return [];
}
