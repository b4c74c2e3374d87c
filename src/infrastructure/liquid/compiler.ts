import {
  AssignTag,
  BlockTag,
  BreakTag,
  filters as builtinFilters,
  CaptureTag,
  CaseTag,
  CommentTag,
  Context,
  ContinueTag,
  defaultOperators,
  EchoTag,
  type Expression,
  Filter,
  ForTag,
  IfTag,
  IncludeTag,
  InlineCommentTag,
  LayoutTag,
  type Liquid,
  LiquidError,
  LiquidTag,
  Output,
  RawTag,
  RenderError,
  type Template,
  type Token,
  TypeGuards,
  toValueSync,
  UnlessTag,
  type Value,
} from "liquidjs";
import {
  BlockDrop,
  type BlockRender,
  compare,
  contains,
  createScope,
  equals,
  escapeHtml,
  ForloopDrop,
  findScope,
  isFalsy,
  RenderBuffer,
  readProperty,
  settle,
  stringify,
  toEnumerable,
  toValue,
} from "./values.js";

export { RenderBuffer };
/**
 * Renders liquidjs templates without liquidjs's generators.
 *
 * liquidjs parses a theme once, but renders every tag, output and property read through a chain
 * of generators driven by `toValueSync`: on an article page with a dozen comments that machinery
 * is most of the render's CPU. This walks the parsed templates once and turns each node into a
 * plain closure that does what the liquidjs node does — same scoping (`Context` scopes and
 * registers), same property rules (`ownPropertyOnly`, `size`/`first`/`last`, drops), same
 * operators, filters and error wrapping — so a theme renders byte for byte the same (a test
 * renders every template both ways). liquidjs stays the parser and the reference: a tag this
 * file does not know (a theme's own, or `cycle`, `tablerow`, `render`…) renders through
 * liquidjs into the same buffer, and a tag class may compile itself (see `CompilableTag`).
 */

/** A compiled node: renders into `out` with the variables of `ctx`. */
export type CompiledRender = (ctx: Context, out: RenderBuffer) => void;
/** A compiled expression: its value in `ctx`. */
export type CompiledValue = (ctx: Context) => unknown;

/** A custom tag that renders faster compiled than through its generator `render`. */
export interface CompilableTag {
  compile(compiler: TemplateCompiler): CompiledRender;
}

/** liquidjs's block modes (`BlockMode` is not exported): where a `{% block %}` renders to. */
const BLOCK_MODE_OUTPUT = 0;
const BLOCK_MODE_STORE = 1;
// ── the parsed shapes this file reads (fields of liquidjs's tag classes) ───

type AnyToken = Token & Record<string, unknown>;
type HashArgs = { hash: Record<string, AnyToken | undefined> };
type FilePath = string | Template[] | AnyToken | undefined;
type ValueShape = Value & { initial: Expression; filters: unknown[] };
interface FilterShape {
  name: string;
  token: Token;
  handler: (...args: unknown[]) => unknown;
  raw: boolean;
  args: unknown[];
}
type Branch = { value: Value; templates: Template[]; test?: (value: unknown, ctx: Context) => boolean };

const isTruthy = (value: unknown, ctx: Context) => !isFalsy(value, ctx);

/** The handler of the built-in `raw` filter: returns its input. */
const IDENTITY_FILTER = (builtinFilters.raw as unknown as { handler: unknown }).handler;

const { isHTMLToken, isOperatorToken, isPropertyAccessToken, isRangeToken, isFilteredValueToken } =
  TypeGuards;

/** Compiles parsed templates of one Liquid instance into closures (see the file comment). */
export class TemplateCompiler {
  private readonly compiled = new WeakMap<Template[], CompiledRender>();
  private readonly partials = new Map<string, Template[]>();
  private readonly files = new Map<string, CompiledRender>();
  private readonly defaultOps: boolean;

  constructor(readonly liquid: Liquid) {
    const o = liquid.options;
    // Options that change how every node renders and that the compiled closures do not implement.
    const unsupported = [
      o.strictVariables && "strictVariables",
      o.catchAllErrors && "catchAllErrors",
      o.keepOutputType && "keepOutputType",
      Number.isFinite(o.renderLimit) && "renderLimit",
    ].filter(Boolean);
    if (unsupported.length > 0)
      throw new Error(
        `the template compiler does not support the Liquid option(s) ${unsupported.join(", ")}`,
      );
    this.defaultOps = o.operators === defaultOperators;
  }

  /** Renders a template file (looked up as liquidjs's `renderFileSync` does) with `model`. */
  renderFile(file: string, model: object): string {
    let render = this.files.get(file);
    if (!render) {
      render = this.templates(this.liquid.parseFileSync(file));
      if (this.liquid.options.cache) this.files.set(file, render);
    }
    const ctx = new Context(model, this.liquid.options, { sync: true }, { liquid: this.liquid });
    const out = new RenderBuffer();
    render(ctx, out);
    return out.buffer;
  }

  /** A list of nodes, compiled once per parsed list. Stops after `break`/`continue` as liquidjs does. */
  templates(templates: Template[]): CompiledRender {
    const held = this.compiled.get(templates);
    if (held) return held;
    const parts: (string | CompiledRender)[] = [];
    /** The template each part came from, for error messages (undefined for text). */
    const sources: (Template | undefined)[] = [];
    for (const template of templates) {
      const part = isHTMLToken(template.token)
        ? (template as unknown as { str: string }).str
        : this.nodeRender(template);
      const last = parts.length - 1;
      if (typeof part === "string" && typeof parts[last] === "string") parts[last] += part;
      else if (part !== "") {
        parts.push(part);
        sources.push(typeof part === "string" ? undefined : template);
      }
    }
    let render: CompiledRender;
    if (parts.length === 0) render = () => {};
    else if (parts.length === 1 && typeof parts[0] === "string") {
      const html = parts[0];
      render = (_ctx, out) => {
        out.buffer += html;
      };
    } else
      render = (ctx, out) => {
        let i = 0;
        try {
          for (; i < parts.length; i++) {
            const part = parts[i];
            if (typeof part === "string") out.buffer += part;
            else {
              part(ctx, out);
              if (ctx.breakCalled || ctx.continueCalled) return;
            }
          }
        } catch (error) {
          // liquidjs wraps what a node throws with the template's name and line; so does this.
          throw LiquidError.is(error) ? error : new RenderError(error as Error, sources[i] as Template);
        }
      };
    this.compiled.set(templates, render);
    return render;
  }

  /** Renders `templates` into a string of their own (a capture, a layout's child). */
  renderToString(render: CompiledRender, ctx: Context): string {
    const out = new RenderBuffer();
    render(ctx, out);
    return out.buffer;
  }

  private nodeRender(t: Template): string | CompiledRender {
    const self = t as unknown as Record<string, unknown>;
    if (typeof (t as Partial<CompilableTag>).compile === "function")
      return (t as unknown as CompilableTag).compile(this);
    if (t instanceof Output) return this.output(self.value as ValueShape);
    if (t instanceof IfTag) return this.branchTag(t.branches, t.elseTemplates);
    if (t instanceof UnlessTag)
      return this.branchTag(self.branches as Branch[], self.elseTemplates as Template[]);
    if (t instanceof ForTag) return this.forTag(t);
    if (t instanceof IncludeTag) return this.includeTag(self);
    if (t instanceof LayoutTag) return this.layoutTag(self);
    if (t instanceof BlockTag) return this.blockTag(t, self);
    if (t instanceof AssignTag) return this.assignTag(self);
    if (t instanceof CaptureTag) return this.captureTag(self);
    if (t instanceof CaseTag) return this.caseTag(self);
    if (t instanceof EchoTag) return this.echoTag(self);
    if (t instanceof LiquidTag) return this.templates(self.templates as Template[]);
    if (t instanceof CommentTag || t instanceof InlineCommentTag) return "";
    if (t instanceof RawTag) return (self.tokens as Token[]).map((token) => token.getText()).join("");
    if (t instanceof BreakTag)
      return (ctx) => {
        ctx.breakCalled = true;
      };
    if (t instanceof ContinueTag)
      return (ctx) => {
        ctx.continueCalled = true;
      };
    // Anything else renders through liquidjs into the same buffer and scopes.
    return (ctx, out) => {
      const html = settle(t.render(ctx, out));
      if (html) out.write(html);
    };
  }

  // ── expressions ──────────────────────────────────────────────────────────

  /** A `Value` (expression and filters), as `Value.value` evaluates it. */
  value(value: Value): CompiledValue {
    const { initial, filters } = value as ValueShape;
    return this.filtered(this.expression(initial), filters as FilterShape[]);
  }

  /** A token as `evalToken` evaluates it (literal, variable path, range, or filtered value). */
  token(token: Token | undefined): CompiledValue {
    if (!token) return () => undefined;
    const t = token as AnyToken;
    if ("content" in t) {
      const content = t.content;
      return () => content;
    }
    if (isPropertyAccessToken(token)) return this.propertyAccess(t);
    if (isRangeToken(token)) {
      const low = this.token(t.lhs as Token);
      const high = this.token(t.rhs as Token);
      return (ctx) => {
        const from = toValue(low(ctx)) as number;
        const to = toValue(high(ctx)) as number;
        ctx.memoryLimit.use(to - from + 1);
        const list: number[] = [];
        for (let i = +from; i < +to + 1; i++) list.push(i);
        return list;
      };
    }
    if (isFilteredValueToken(token)) {
      const filters = (t.filters as { name: string }[]).map((f) => this.filterOf(f as unknown as Token));
      return this.filtered(this.expression(t.initial as Expression), filters);
    }
    return () => undefined;
  }

  private filterOf(filterToken: Token): FilterShape {
    const name = (filterToken as unknown as { name: string }).name;
    const impl = this.liquid.filters[name];
    if (!impl && this.liquid.options.strictFilters) {
      return {
        name,
        raw: false,
        args: [],
        handler: () => {
          throw new Error(`undefined filter: ${name}`);
        },
      } as unknown as FilterShape;
    }
    return new Filter(filterToken as never, impl, this.liquid) as unknown as FilterShape;
  }

  private filtered(initial: CompiledValue, filters: FilterShape[]): CompiledValue {
    let value = initial;
    for (const filter of filters) value = this.applyFilter(value, filter);
    return value;
  }

  private applyFilter(input: CompiledValue, filter: FilterShape): CompiledValue {
    const { handler, token } = filter;
    if (handler === builtinFilters.escape) return (ctx) => escapeHtml(ctx, input(ctx));
    if (handler === IDENTITY_FILTER) return input;
    const args = filter.args.map((arg) => {
      if (Array.isArray(arg)) {
        const [name, valueToken] = arg as [string, Token];
        const value = this.token(valueToken);
        return (ctx: Context) => [name, value(ctx)];
      }
      return this.token(arg as Token);
    });
    const liquid = this.liquid;
    return (ctx) => {
      const argv: unknown[] = [input(ctx)];
      for (const arg of args) argv.push(arg(ctx));
      return settle(handler.apply({ context: ctx, token, liquid }, argv));
    };
  }

  /** An `Expression` (operands and operators in postfix order). */
  private expression(expression: Expression): CompiledValue {
    if (!this.defaultOps) return (ctx) => toValueSync(expression.evaluate(ctx, false));
    const stack: CompiledValue[] = [];
    for (const token of (expression as unknown as { postfix: Token[] }).postfix) {
      if (!isOperatorToken(token)) {
        stack.push(this.token(token));
        continue;
      }
      const operator = (token as unknown as { operator: string }).operator;
      const right = stack.pop() ?? (() => undefined);
      if (operator === "not") {
        stack.push((ctx) => isFalsy(toValue(right(ctx)), ctx));
        continue;
      }
      const left = stack.pop() ?? (() => undefined);
      stack.push(this.binary(operator, left, right));
    }
    return stack[0] ?? (() => undefined);
  }

  private binary(operator: string, left: CompiledValue, right: CompiledValue): CompiledValue {
    switch (operator) {
      case "==":
        return (ctx) => equals(left(ctx), right(ctx));
      case "!=":
        return (ctx) => !equals(left(ctx), right(ctx));
      case ">":
        return (ctx) => compare("gt", left(ctx), right(ctx));
      case "<":
        return (ctx) => compare("lt", left(ctx), right(ctx));
      case ">=":
        return (ctx) => compare("geq", left(ctx), right(ctx));
      case "<=":
        return (ctx) => compare("leq", left(ctx), right(ctx));
      case "contains":
        return (ctx) => contains(left(ctx), right(ctx));
      case "and":
        return (ctx) => {
          const l = left(ctx);
          const r = right(ctx);
          return !isFalsy(l, ctx) && !isFalsy(r, ctx);
        };
      case "or":
        return (ctx) => {
          const l = left(ctx);
          const r = right(ctx);
          return !isFalsy(l, ctx) || !isFalsy(r, ctx);
        };
      default:
        throw new Error(`unknown operator ${operator}`);
    }
  }

  /** `a.b[c]`: `evalPropertyAccessToken`, with constant keys resolved once. */
  private propertyAccess(token: AnyToken): CompiledValue {
    const keys = (token.props as Token[]).map((prop) => {
      const t = prop as AnyToken;
      if ("content" in t) return t.content as PropertyKey;
      const value = this.token(prop);
      return (ctx: Context) => toValue(value(ctx)) as PropertyKey;
    });
    const keyAt = (ctx: Context, i: number): PropertyKey => {
      const key = keys[i];
      return typeof key === "function" ? key(ctx) : key;
    };
    const readFrom = (ctx: Context, start: unknown): unknown => {
      let value = start;
      for (let i = 0; i < keys.length; i++) value = readProperty(ctx, value, keyAt(ctx, i));
      return value;
    };
    if (token.variable) {
      const variable = this.token(token.variable as Token);
      return (ctx) => readFrom(ctx, variable(ctx));
    }
    if (keys.length === 1 && typeof keys[0] !== "function") {
      const name = keys[0];
      return (ctx) => readProperty(ctx, findScope(ctx, name), name);
    }
    return (ctx) => readFrom(ctx, findScope(ctx, keyAt(ctx, 0)));
  }

  // ── tags ─────────────────────────────────────────────────────────────────

  private output(value: ValueShape): CompiledRender {
    const filters = value.filters as FilterShape[];
    // The usual case, `{{ x }}` escaped by `outputEscape`: the escape already yields a string.
    if (filters[filters.length - 1]?.handler === builtinFilters.escape) {
      const unescaped = this.filtered(this.expression(value.initial), filters.slice(0, -1));
      return (ctx, out) => {
        out.buffer += escapeHtml(ctx, unescaped(ctx));
      };
    }
    const evaluate = this.value(value);
    return (ctx, out) => {
      out.buffer += stringify(toValue(evaluate(ctx)));
    };
  }

  /**
   * `if` and `unless`: the first branch whose value passes its test renders, else the `else`
   * part. An `if` branch passes when its value is truthy; `unless` gives each branch its test.
   */
  private branchTag(branches: Branch[], elseTemplates: Template[] | undefined): CompiledRender {
    const compiled = branches.map((b) => ({
      value: this.value(b.value),
      test: b.test ?? isTruthy,
      body: this.templates(b.templates),
    }));
    const otherwise = this.templates(elseTemplates ?? []);
    return (ctx, out) => {
      for (const branch of compiled) {
        if (branch.test(toValue(branch.value(ctx)), ctx)) return branch.body(ctx, out);
      }
      otherwise(ctx, out);
    };
  }

  private hashArgs(hash: HashArgs): (ctx: Context) => Record<string, unknown> {
    const entries = Object.keys(hash.hash).map((key) => {
      const token = hash.hash[key];
      return { key, value: token === undefined ? () => true : this.token(token) };
    });
    return (ctx) => {
      const values: Record<string, unknown> = {};
      for (const { key, value } of entries) values[key] = value(ctx);
      return values;
    };
  }

  private forTag(tag: ForTag): CompiledRender {
    const { variable } = tag;
    const collectionText = (tag.collection as Token).getText();
    const collectionOf = this.token(tag.collection as Token);
    const modifiersOf = this.hashArgs(tag.hash as unknown as HashArgs);
    const hasModifiers = Object.keys((tag.hash as unknown as HashArgs).hash).length > 0;
    const ordered = this.liquid.options.orderedFilterParameters;
    const body = this.templates(tag.templates);
    const otherwise = this.templates(tag.elseTemplates);
    const continueKey = `continue-${variable}-${collectionText}`;
    return (ctx, out) => {
      let collection = toEnumerable(collectionOf(ctx));
      if (collection.length === 0) return otherwise(ctx, out);
      let hash: Record<string, unknown> = {};
      if (hasModifiers) {
        ctx.push(createScope({ continue: ctx.getRegister(continueKey, {}) }));
        hash = modifiersOf(ctx);
        ctx.pop();
      }
      const modifiers = ordered
        ? Object.keys(hash).filter((x) => x === "offset" || x === "limit" || x === "reversed")
        : ["offset", "limit", "reversed"].filter((x) => hash[x] !== undefined);
      for (const modifier of modifiers) {
        if (modifier === "offset") collection = collection.slice(hash.offset as number);
        else if (modifier === "limit") collection = collection.slice(0, hash.limit as number);
        else collection = [...collection].reverse();
      }
      ctx.setRegister(continueKey, ((hash.offset as number) || 0) + collection.length);
      const forloop = new ForloopDrop(collection.length, collectionText, variable);
      const scope = createScope({ forloop });
      ctx.push(scope);
      for (const item of collection) {
        scope[variable] = item;
        ctx.continueCalled = ctx.breakCalled = false;
        body(ctx, out);
        if (ctx.breakCalled) break;
        forloop.next();
      }
      ctx.continueCalled = ctx.breakCalled = false;
      ctx.pop();
    };
  }

  /** The file a tag names: fixed text, a quoted name with Liquid in it, or a variable. */
  private filePath(file: FilePath): (ctx: Context) => string {
    if (typeof file === "string") return () => file;
    if (Array.isArray(file)) {
      const render = this.templates(file);
      return (ctx) => this.renderToString(render, ctx);
    }
    const value = this.token(file);
    return (ctx) => value(ctx) as string;
  }

  /** A partial's or layout's parsed templates, compiled; resolved once per name when liquidjs caches. */
  private fileTemplates(
    kind: "partial" | "layout",
    file: string,
    currentFile: string | undefined,
  ): CompiledRender {
    const key = `${kind}\0${currentFile ?? ""}\0${file}`;
    let templates = this.partials.get(key);
    if (!templates) {
      const parsed =
        kind === "partial"
          ? this.liquid._parsePartialFile(file, true, currentFile)
          : this.liquid._parseLayoutFile(file, true, currentFile);
      templates = toValueSync(parsed) as Template[];
      if (this.liquid.options.cache) this.partials.set(key, templates);
    }
    return this.templates(templates);
  }

  private includeTag(tag: Record<string, unknown>): CompiledRender {
    const pathOf = this.filePath(tag.file as FilePath);
    const currentFile = tag.currentFile as string | undefined;
    const argsOf = this.hashArgs(tag.hash as HashArgs);
    const withVar = tag.withVar ? this.token(tag.withVar as Token) : undefined;
    const jekyll = this.liquid.options.jekyllInclude;
    // A partial named by plain text is looked up once (while liquidjs caches what it parsed).
    const fixed = typeof tag.file === "string" && Boolean(this.liquid.options.cache);
    let fixedFile: CompiledRender | undefined;
    return (ctx, out) => {
      const filepath = pathOf(ctx);
      if (!filepath) throw new Error(`illegal file path "${filepath}"`);
      const saved = ctx.saveRegister("blocks", "blockMode");
      ctx.setRegister("blocks", {});
      ctx.setRegister("blockMode", BLOCK_MODE_OUTPUT);
      const scope = createScope(argsOf(ctx));
      if (withVar) scope[filepath] = withVar(ctx);
      const render = fixedFile ?? this.fileTemplates("partial", filepath, currentFile);
      if (fixed) fixedFile = render;
      ctx.push(jekyll ? createScope({ include: scope }) : scope);
      render(ctx, out);
      ctx.pop();
      ctx.restoreRegister(saved);
    };
  }

  private layoutTag(tag: Record<string, unknown>): CompiledRender {
    const body = this.templates(tag.templates as Template[]);
    if (tag.file === undefined)
      return (ctx, out) => {
        ctx.setRegister("blockMode", BLOCK_MODE_OUTPUT);
        body(ctx, out);
      };
    const pathOf = this.filePath(tag.file as FilePath);
    const currentFile = tag.currentFile as string | undefined;
    const argsOf = this.hashArgs(tag.args as HashArgs);
    return (ctx, out) => {
      const filepath = pathOf(ctx);
      if (!filepath) throw new Error(`illegal file path "${filepath}"`);
      const layout = this.fileTemplates("layout", filepath, currentFile);
      // The child's blocks are stored, not written; what it renders outside them is the anonymous block.
      ctx.setRegister("blockMode", BLOCK_MODE_STORE);
      const html = this.renderToString(body, ctx);
      const blocks = ctx.getRegister("blocks", {}) as Record<string, BlockRender>;
      if (blocks[""] === undefined) blocks[""] = (_parent, emitter) => emitter.write(html);
      ctx.setRegister("blockMode", BLOCK_MODE_OUTPUT);
      ctx.push(createScope(argsOf(ctx)));
      layout(ctx, out);
      ctx.pop();
    };
  }

  private blockTag(tag: BlockTag, self: Record<string, unknown>): CompiledRender {
    const name = self.block as string;
    const body = this.templates(self.templates as Template[]);
    const blockRenderIn = (ctx: Context): BlockRender => {
      const renderChild = (ctx.getRegister("blocks", {}) as Record<string, BlockRender | undefined>)[name];
      const renderCurrent: BlockRender = (superBlock, emitter) => {
        const stack = ctx.getRegister("blockStack", []) as unknown[];
        if (stack.includes(tag)) throw new Error("block tag cannot be nested");
        stack.push(tag);
        ctx.push(createScope({ block: superBlock }));
        body(ctx, emitter as RenderBuffer);
        ctx.pop();
        stack.pop();
      };
      return renderChild
        ? (superBlock, emitter) =>
            settle(renderChild(new BlockDrop((inner) => renderCurrent(superBlock, inner)), emitter))
        : renderCurrent;
    };
    return (ctx, out) => {
      const render = blockRenderIn(ctx);
      if (ctx.getRegister("blockMode") === BLOCK_MODE_STORE)
        (ctx.getRegister("blocks", {}) as Record<string, BlockRender>)[name] = render;
      else settle(render(new BlockDrop(), out));
    };
  }

  private assignTag(tag: Record<string, unknown>): CompiledRender {
    const key = tag.key as string;
    const value = this.value(tag.value as Value);
    return (ctx) => {
      (ctx.bottom() as Record<string, unknown>)[key] = value(ctx);
    };
  }

  private captureTag(tag: Record<string, unknown>): CompiledRender {
    const variable = tag.variable as string;
    const body = this.templates(tag.templates as Template[]);
    return (ctx) => {
      (ctx.bottom() as Record<string, unknown>)[variable] = this.renderToString(body, ctx);
    };
  }

  private caseTag(tag: Record<string, unknown>): CompiledRender {
    const target = this.value(tag.value as Value);
    const branches = (tag.branches as { values: Token[]; templates: Template[] }[]).map((b) => ({
      values: b.values.map((v) => this.token(v)),
      body: this.templates(b.templates),
    }));
    const otherwise = this.templates(tag.elseTemplates as Template[]);
    return (ctx, out) => {
      const subject = toValue(target(ctx));
      let hit = false;
      // As liquidjs does: every `when` that matches renders, not only the first.
      for (const branch of branches) {
        for (const value of branch.values) {
          if (equals(subject, value(ctx))) {
            branch.body(ctx, out);
            hit = true;
            break;
          }
        }
      }
      if (!hit) otherwise(ctx, out);
    };
  }

  private echoTag(tag: Record<string, unknown>): CompiledRender | string {
    if (!tag.value) return "";
    const value = tag.value as ValueShape;
    const evaluate = this.value(value);
    const outputEscape = this.liquid.options.outputEscape as ((value: unknown) => unknown) | undefined;
    const raw = (value.filters[value.filters.length - 1] as unknown as FilterShape | undefined)?.raw;
    const token = (tag as unknown as { token: Token }).token;
    const liquid = this.liquid;
    return (ctx, out) => {
      let val = toValue(evaluate(ctx));
      if (outputEscape && !raw) val = settle(outputEscape.call({ context: ctx, token, liquid }, val));
      out.write(val);
    };
  }
}
