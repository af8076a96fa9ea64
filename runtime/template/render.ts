// Renders Jinja-SQL templates with nunjucks and dbt's context (ref, source, config, var, env_var,
// this, is_incremental, target, log, return, project macros and generic tests `{% test %}` as
// macros `test_<name>`, installed packages' macros as `pkg.name`, adapter.dispatch, the `dbt`
// namespace of cross-database macros). Compiled templates are shared by
// "shape": literal text and string literals become parameters, so models that differ only in
// their SQL and names compile once. Errors become diagnostics with template ranges; never throws.
import nunjucks from 'nunjucks';
import type { Diagnostic, OffsetMap, ProjectConfig, Range } from '../project/types.js';
import { lexTemplate, type Lexed } from './lex.js';
import { SegmentMap, type Piece } from './offsetMap.js';
import { scanTemplate } from './scan.js';
import { DBT_MACROS } from './dbtMacros.js';

nunjucks.installJinjaCompat();

/** A relation as dbt exposes it in Jinja: prints as "schema"."name", with its parts as fields. */
export class Relation {
  constructor(
    readonly schema: string,
    readonly identifier: string,
    private readonly rendered: string,
    readonly database = 'memory',
  ) {}

  get name(): string {
    return this.identifier;
  }

  toString(): string {
    return this.rendered;
  }

  render(): string {
    return this.rendered;
  }
}

export interface RenderOptions {
  /** What `ref(name)` prints: the relation, or an ephemeral model's CTE name. */
  ref(name: string, pkg?: string): Relation | string | undefined;
  source(source: string, table: string): Relation | string | undefined;
  /** `this`: the relation of the node being rendered. */
  self?: Relation;
  isIncremental?: boolean;
  /** `model` in Jinja (name, unique_id, config, ...). */
  model?: Record<string, unknown>;
}

export interface Rendered {
  sql: string;
  map: OffsetMap;
  /** Keyword arguments of each `config(...)` call, as evaluated. */
  configs: Array<Record<string, unknown>>;
  diagnostics: Diagnostic[];
}

interface State {
  file: string;
  opts: RenderOptions;
  configs: Array<Record<string, unknown>>;
  diagnostics: Diagnostic[];
}

/** nunjucks' Template.getExported, missing from its type definitions. */
interface Exporting {
  getExported(cb: (err: unknown, value: unknown) => void): void;
}

/** Thrown by `return(x)` inside a macro; the macro wrapper turns it into the macro's value. */
class MacroReturn {
  constructor(readonly value: unknown) {}
}

/**
 * Every nunjucks macro ends at `return(x)` with x as its value. Our wrappers cannot do it alone: a
 * macro calling another macro of its own file reaches it through nunjucks' context, unwrapped, and
 * the callee's return would end the caller instead.
 */
type MakeMacro = (argNames: string[], kwargNames: string[], func: (...a: unknown[]) => unknown) => unknown;
const runtime = (nunjucks as unknown as { runtime: { makeMacro: MakeMacro } }).runtime;
const makeMacro = runtime.makeMacro;
runtime.makeMacro = (argNames, kwargNames, func) =>
  makeMacro(argNames, kwargNames, function (this: unknown, ...args: unknown[]) {
    try {
      return func.apply(this, args);
    } catch (e) {
      if (e instanceof MacroReturn) return e.value;
      throw e;
    }
  });

/**
 * A macro's compiled body saves the caller's frame in `callerFrame` and restores it on its last line,
 * so a macro ended by `return(x)` would leave its caller in its own frame (variables the caller set
 * before the call gone): every macro body restores the frame in a `finally`.
 */
type Compile = (...args: unknown[]) => string;
const compiler = (nunjucks as unknown as { compiler: { compile: Compile } }).compiler;
const compile = compiler.compile;
const MACRO_START = /var callerFrame = frame;\n/g;
const MACRO_END = /(return new runtime\.SafeString\(t_\d+\);\n)\}\);/g;
/** nunjucks keeps a top-level macro named `_x` private; dbt exports it (`dbt_utils._is_relation(...)`). */
const PRIVATE_MACRO = /\ncontext\.setVariable\("(_\w*)", (macro_t_\d+)\);/g;
compiler.compile = (...args: unknown[]) => {
  const source = compile(...args).replace(PRIVATE_MACRO, '\ncontext.addExport("$1");\ncontext.setVariable("$1", $2);');
  const starts = source.match(MACRO_START)?.length ?? 0;
  if (starts === 0 || starts !== (source.match(MACRO_END)?.length ?? 0)) return source;
  return source.replace(MACRO_START, 'var callerFrame = frame;\ntry {\n').replace(MACRO_END, '$1} finally { frame = callerFrame; }\n});');
};

/** The root project's macros in `namespaces`. */
const ROOT = '';
/** dbt-duckdb's adapter.dispatch prefixes, most specific first. */
const DISPATCH_PREFIXES = ['duckdb', 'default'];

/** A macro file to load, with the installed package it belongs to (undefined for the project's own). */
export interface MacroSource {
  file: string;
  text: string;
  package?: string;
}

type Macro = (...args: unknown[]) => unknown;

const MAX_SHAPES = 20_000;

/** A YAML test argument dbt evaluates as an expression although it has no braces, e.g. `to: ref('customers')`. */
const LOOKS_LIKE_CALL = /^\s*(env_var|ref|var|source|doc)\s*\(.+\)\s*$/s;

// Private-use characters around each literal and each expression's output while rendering.
const LIT_OPEN = '\uE000';
const LIT_MID = '\uE001';
const LIT_CLOSE = '\uE002';
const EXPR_OPEN = '\uE003';
const EXPR_CLOSE = '\uE004';
const MARKERS = /[\uE000\uE002-\uE004]/g;

export class Renderer {
  private readonly env: nunjucks.Environment;
  private readonly cache = new Map<string, nunjucks.Template>();
  private state: State | undefined;
  /** Problems in macro files, keyed by file. */
  readonly macroDiagnostics = new Map<string, Diagnostic[]>();
  /** Macros by namespace: ROOT for the project's, else an installed package's name. */
  private readonly namespaces = new Map<string, Record<string, Macro>>();
  /** The namespaces of the macros running now, innermost last: unqualified names resolve in the innermost first. */
  private readonly scope: string[] = [];

  constructor(private readonly config: ProjectConfig, macroFiles: MacroSource[]) {
    this.env = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: false, dev: true });
    this.env.addFilter('tojson', (v: unknown) => JSON.stringify(v));
    this.env.addFilter('as_text', (v: unknown) => String(v));
    this.env.addFilter('as_bool', (v: unknown) => v === true || v === 'true' || v === 'True');
    this.env.addFilter('as_number', (v: unknown) => Number(v));
    this.env.addExtension('dbtTestBlock', testBlock);
    this.env.addExtension('dbtDo', doTag);
    this.installContext();
    // Every package gets its namespace, also one whose files all fail to compile (not "not installed").
    for (const m of [{ package: ROOT }, ...macroFiles]) if (!this.namespaces.has(m.package ?? ROOT)) this.namespaces.set(m.package ?? ROOT, {});
    for (const m of macroFiles) this.loadMacros(m.file, m.text, m.package ?? ROOT);
    this.installMacros();
  }

  render(file: string, text: string, opts: RenderOptions): Rendered {
    const state: State = { file, opts, configs: [], diagnostics: [] };
    const lexed = lexTemplate(text);
    const shape = skeletonize(text, lexed);
    this.state = state;
    this.scope.length = 0;
    try {
      let template = this.cache.get(shape.skeleton);
      if (!template) {
        template = new nunjucks.Template(shape.skeleton, this.env, file, true);
        // Bounded, oldest first out: an editor session keeps producing new shapes as the user types.
        if (this.cache.size >= MAX_SHAPES) this.cache.delete(this.cache.keys().next().value!);
        this.cache.set(shape.skeleton, template);
      }
      const marked = template.render({
        __l: shape.literals.map((l, i) => `${LIT_OPEN}${i}${LIT_MID}${l.text}${LIT_CLOSE}`),
        __e: shape.exprs.map((_, i) => `${EXPR_OPEN}${i}${LIT_MID}`),
        __z: EXPR_CLOSE,
        __s: shape.strings,
      });
      const { sql, pieces } = unmark(marked, shape);
      const spans = lexed.spans.map((s) => ({ start: s.start, end: s.end }));
      return { sql, map: new SegmentMap(pieces, spans, text.length, sql.length), configs: state.configs, diagnostics: state.diagnostics };
    } catch (err) {
      // The shared template's positions are not the file's: locate the error on the original text.
      state.configs = [];
      state.diagnostics = [];
      let located = err;
      try {
        new nunjucks.Template(text, this.env, file, true).render({});
      } catch (again) {
        located = again;
      }
      state.diagnostics.push(this.errorDiagnostic(file, text, lexed, located));
      return { sql: '', map: new SegmentMap([], [], text.length, 0), configs: state.configs, diagnostics: state.diagnostics };
    } finally {
      this.state = undefined;
    }
  }

  /**
   * Calls a project macro with keyword arguments in a node's context, as dbt calls a generic test's
   * `test_<name>` macro. `args` are rendered first as dbt renders a test's YAML arguments
   * (add_rendered_test_kwargs): a bare `ref(...)`, `source(...)`, `var(...)` or `env_var(...)` is
   * evaluated (a ref gives its relation), a string holding Jinja is rendered, and `column_name` stays
   * as written; `fixed` arguments are passed as they are. Never throws: a failure gives `error`.
   */
  callMacro(file: string, name: string, args: Record<string, unknown>, fixed: Record<string, unknown>, opts: RenderOptions, pkg?: string): { sql: string } | { error: string } {
    const macro = this.namespaces.get(pkg ?? ROOT)?.[name];
    if (typeof macro !== 'function') return { error: `No macro '${pkg === undefined ? '' : pkg + '.'}${name}'` };
    const state: State = { file, opts, configs: [], diagnostics: [] };
    this.state = state;
    this.scope.length = 0;
    try {
      const rendered = Object.fromEntries(Object.entries(args).map(([k, v]) => [k, k === 'column_name' ? v : this.renderArg(file, v)]));
      const out = (macro as (...a: unknown[]) => unknown)({ ...rendered, ...fixed, __keywords: true });
      return { sql: String(out ?? '') };
    } catch (err) {
      const e = err as { message?: string; cause?: unknown };
      const message = e.cause instanceof Error ? e.cause.message : String(e.message ?? err).replace(/^\(.*?\)(?: \[Line \d+(?:, Column \d+)?\])?\n\s*/, '');
      return { error: message };
    } finally {
      this.state = undefined;
    }
  }

  private renderArg(file: string, value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.renderArg(file, v));
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.renderArg(file, v)]));
    if (typeof value !== 'string') return value;
    if (LOOKS_LIKE_CALL.test(value)) {
      let captured: unknown;
      this.template(file, `{{ __capture(${value}) }}`).render({
        __capture: (v: unknown) => {
          captured = v;
          return '';
        },
      });
      return captured;
    }
    return value.includes('{{') || value.includes('{%') ? this.template(file, value).render({}) : value;
  }

  /** A template compiled once per text (bounded, as the shapes are). */
  private template(file: string, text: string): nunjucks.Template {
    let t = this.cache.get(text);
    if (!t) {
      t = new nunjucks.Template(text, this.env, file, true);
      if (this.cache.size >= MAX_SHAPES) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(text, t);
    }
    return t;
  }

  private current(): State {
    if (!this.state) throw new Error('dbt context used outside of a render');
    return this.state;
  }

  private installContext(): void {
    const env = this.env;
    const config = this.config;
    env.addGlobal('ref', (...args: unknown[]) => {
      const [pos] = splitArgs(args);
      const name = String(pos[pos.length - 1] ?? '');
      const pkg = pos.length > 1 ? String(pos[0]) : undefined;
      const st = this.current();
      const out = st.opts.ref(name, pkg);
      if (out === undefined) throw new Error(`ref('${name}'): no model or seed named '${name}'`);
      return out;
    });
    env.addGlobal('source', (...args: unknown[]) => {
      const [pos] = splitArgs(args);
      const out = this.current().opts.source(String(pos[0]), String(pos[1]));
      if (out === undefined) throw new Error(`source('${String(pos[0])}', '${String(pos[1])}'): no such source`);
      return out;
    });
    env.addGlobal('config', (...args: unknown[]) => {
      const [pos, kw] = splitArgs(args);
      const dict = pos[0] && typeof pos[0] === 'object' ? (pos[0] as Record<string, unknown>) : {};
      this.current().configs.push({ ...dict, ...kw });
      return '';
    });
    env.addGlobal('var', (...args: unknown[]) => {
      const [pos, kw] = splitArgs(args);
      const name = String(pos[0]);
      // Inside a package's macro, the package's scope of vars (`vars: { dbt_utils: {...} }`) comes first.
      const pkg = this.scope[this.scope.length - 1];
      const scoped = pkg ? config.vars[pkg] : undefined;
      if (scoped && typeof scoped === 'object' && name in scoped) return (scoped as Record<string, unknown>)[name];
      if (name in config.vars) return config.vars[name];
      if (pos.length > 1) return pos[1];
      if ('default' in kw) return kw.default;
      throw new Error(`Required var '${name}' not found in vars and has no default`);
    });
    env.addGlobal('env_var', (...args: unknown[]) => {
      const [pos, kw] = splitArgs(args);
      const name = String(pos[0]);
      const v = process.env[name];
      if (v !== undefined) return v;
      if (pos.length > 1) return pos[1];
      if ('default' in kw) return kw.default;
      throw new Error(`Env var required but not provided: '${name}'`);
    });
    env.addGlobal('is_incremental', () => this.current().opts.isIncremental === true);
    env.addGlobal('log', () => '');
    env.addGlobal('return', (v: unknown) => {
      throw new MacroReturn(v);
    });
    env.addGlobal('target', { ...config.target, database: 'memory', profile_name: config.name });
    env.addGlobal('project_name', config.name);
    env.addGlobal('execute', true);
    env.addGlobal('flags', { FULL_REFRESH: false });
    env.addGlobal('modules', { datetime: { date: Date } });
    env.addGlobal('exceptions', {
      raise_compiler_error: (msg: unknown) => {
        throw new Error(String(msg));
      },
      warn: () => '',
    });
    env.addGlobal('adapter', {
      quote: (s: unknown) => `"${String(s).replace(/"/g, '""')}"`,
      dispatch: (...args: unknown[]) => {
        const [pos, kw] = splitArgs(args);
        const ns = pos[1] ?? kw.macro_namespace;
        return this.dispatch(String(pos[0]), ns === undefined || ns === null ? undefined : String(ns));
      },
    });
    env.addGlobal('dbt', DBT_MACROS);
    // `this` and `model` change with every render: getters read the current render's state.
    const globals = (env as unknown as { globals: object }).globals;
    Object.defineProperty(globals, 'this', { get: () => this.state?.opts.self, enumerable: true, configurable: true });
    Object.defineProperty(globals, 'model', { get: () => this.state?.opts.model, enumerable: true, configurable: true });
  }

  /**
   * dbt's adapter.dispatch: the first of `<ns>.duckdb__<name>`, `<ns>.default__<name>` that exists, for
   * each namespace of the search order (a `dispatch:` entry of dbt_project.yml, else the namespace
   * itself; without a namespace, the running macro's package, then the project, then dbt's own).
   */
  private dispatch(name: string, namespace: string | undefined): Macro {
    const current = this.scope[this.scope.length - 1] ?? ROOT;
    const order = namespace === undefined
      ? [...new Set([current, ROOT, 'dbt'])]
      : (this.config.dispatch.find((d) => d.macroNamespace === namespace)?.searchOrder ?? [namespace]);
    const searched: string[] = [];
    for (const ns of order) {
      const key = ns === this.config.name ? ROOT : ns;
      for (const prefix of DISPATCH_PREFIXES) {
        const candidate = `${prefix}__${name}`;
        searched.push(`'${key === ROOT ? this.config.name : key}.${candidate}'`);
        const found = key === 'dbt' ? (prefix === 'default' ? DBT_MACROS[name] : undefined) : this.namespaces.get(key)?.[candidate];
        if (typeof found === 'function') return found as Macro;
      }
    }
    const label = namespace ?? (current === ROOT ? this.config.name : current);
    throw new Error(`In dispatch: no macro named '${name}' found within namespace '${label}': searched for ${[...new Set(searched)].join(', ')}`);
  }

  /**
   * Exposes macros as globals: a name only the project defines is its macro; a name a package defines
   * resolves, as in dbt, in the calling macro's package first, then the project. Each package (and
   * the project, under its name) is also a namespace object: `dbt_utils.star(...)`.
   */
  private installMacros(): void {
    const root = this.namespaces.get(ROOT)!;
    const inPackages = new Set<string>();
    for (const [ns, macros] of this.namespaces) if (ns !== ROOT) for (const name of Object.keys(macros)) inPackages.add(name);
    for (const [name, fn] of Object.entries(root)) if (!inPackages.has(name)) this.env.addGlobal(name, fn);
    for (const name of inPackages) {
      this.env.addGlobal(name, (...args: unknown[]) => {
        const pkg = this.scope[this.scope.length - 1] ?? ROOT;
        const fn = this.namespaces.get(pkg)?.[name] ?? root[name];
        // nunjucks' own wording, which errorDiagnostic turns into an 'Undefined macro' diagnostic.
        if (!fn) throw new Error(`Unable to call \`${name}\`, which is undefined or falsey`);
        return fn(...args);
      });
    }
    const globals = (this.env as unknown as { globals: Record<string, unknown> }).globals;
    for (const [ns, macros] of this.namespaces) {
      const key = ns === ROOT ? this.config.name : ns;
      if (ns === ROOT && key in globals) continue;
      this.env.addGlobal(key, macros);
    }
  }

  /** Compiles a macro file once and records its macros under their namespace. */
  private loadMacros(file: string, text: string, pkg: string): void {
    try {
      const template = new nunjucks.Template(text, this.env, file, true);
      let exported: Record<string, unknown> = {};
      let failure: unknown;
      (template as unknown as Exporting).getExported((err: unknown, value: unknown) => {
        failure = err ?? undefined;
        exported = (value ?? {}) as Record<string, unknown>;
      });
      if (failure) throw failure;
      const macros = this.namespaces.get(pkg)!;
      for (const [name, fn] of Object.entries(exported)) {
        if (typeof fn !== 'function') continue;
        macros[name] = (...args: unknown[]) => {
          // return(x) is caught inside every macro (the makeMacro patch above).
          this.scope.push(pkg);
          try {
            return (fn as Macro)(...args);
          } finally {
            this.scope.pop();
          }
        };
      }
    } catch (err) {
      const diags = [this.errorDiagnostic(file, text, lexTemplate(text), err)];
      this.macroDiagnostics.set(file, diags);
    }
  }

  private errorDiagnostic(file: string, text: string, lexed: Lexed, err: unknown): Diagnostic {
    const e = err as { message?: string; lineno?: number; colno?: number; cause?: unknown };
    const cause = e.cause instanceof Error ? e.cause : undefined;
    const message = cause ? cause.message : String(e.message ?? err).replace(/^\(.*?\)(?: \[Line \d+(?:, Column \d+)?\])?\n\s*/, '');
    // Parser errors count lines and columns from 1; runtime errors from 0.
    let offset: number | undefined;
    if (typeof e.lineno === 'number' && typeof e.colno === 'number') {
      offset = cause ? offsetAt(text, e.lineno, e.colno) : offsetAt(text, e.lineno - 1, e.colno - 1);
    }
    const undefinedCall = /Unable to call `([^`]+)`, which is undefined/.exec(message);
    const member = undefinedCall && /^(\w+)\["(\w+)"\]$/.exec(undefinedCall[1]);
    if (member) {
      const [, pkg, name] = member;
      const call = scanTemplate(text).packageCalls.find((c) => c.package === pkg && c.name === name);
      const installed = this.namespaces.has(pkg) || pkg === this.config.name;
      const at = (installed ? call?.nameRange : call?.packageRange) ?? spanAt(lexed, offset) ?? { start: 0, end: 0 };
      return installed
        ? { file, range: at, severity: 'error', message: `Package '${pkg}' has no macro '${name}'`, code: 'undefined-macro' }
        : { file, range: at, severity: 'error', message: `Package '${pkg}' is not installed: run \`dbt deps\` to install the project's packages`, code: 'package-not-installed' };
    }
    if (undefinedCall) {
      const name = undefinedCall[1];
      const call = scanTemplate(text).macroCalls.find((c) => c.name === name);
      return { file, range: call?.range ?? spanAt(lexed, offset) ?? { start: 0, end: 0 }, severity: 'error', message: `Undefined macro '${name}'`, code: 'undefined-macro' };
    }
    let range = offset === undefined ? undefined : spanAt(lexed, offset);
    if (!range) range = locateWithoutPosition(text, message, lexed);
    return { file, range, severity: 'error', message: cause ? message : `Jinja: ${message}`, code: cause ? 'render-error' : 'jinja-syntax' };
  }
}

/**
 * dbt's `{% test name(args) %}...{% endtest %}` as a nunjucks tag: parsed like `{% macro %}` into the
 * macro `test_name`, so positions in the file stay the file's own.
 */
const testBlock: nunjucks.Extension = {
  tags: ['test'],
  parse(parser: any, nodes: any) {
    const tok = parser.nextToken();
    const name = parser.parsePrimary(true);
    const args = parser.parseSignature();
    parser.advanceAfterBlockEnd(tok.value);
    const body = parser.parseUntilBlocks('endtest');
    parser.advanceAfterBlockEnd();
    return new nodes.Macro(tok.lineno, tok.colno, new nodes.Symbol(name.lineno, name.colno, `test_${String(name.value)}`), args, body);
  },
};

/** Jinja's `{% do expr %}`: evaluates the expression for its effect (`{% do cols.append(c) %}`), prints nothing. */
const doTag: nunjucks.Extension & { run(): string } = {
  tags: ['do'],
  parse(parser: any, nodes: any) {
    const tok = parser.nextToken();
    const expr = parser.parseExpression();
    parser.advanceAfterBlockEnd(tok.value);
    return new nodes.CallExtension(this, 'run', new nodes.NodeList(tok.lineno, tok.colno, [expr]));
  },
  run: () => '',
};

/** nunjucks passes keyword arguments as a trailing object marked `__keywords`. */
function splitArgs(args: unknown[]): [unknown[], Record<string, unknown>] {
  const last = args[args.length - 1] as Record<string, unknown> | undefined;
  if (last && typeof last === 'object' && last.__keywords === true) {
    const { __keywords: _k, ...kw } = last;
    return [args.slice(0, -1), kw];
  }
  return [args, {}];
}

function offsetAt(text: string, line: number, col: number): number {
  let at = 0;
  for (let l = 0; l < line; l++) {
    const nl = text.indexOf('\n', at);
    if (nl < 0) return text.length;
    at = nl + 1;
  }
  return Math.min(at + Math.max(col, 0), text.length);
}

function spanAt(lexed: Lexed, offset: number | undefined): Range | undefined {
  if (offset === undefined) return undefined;
  const s = lexed.spans.find((sp) => sp.start <= offset && offset < sp.end);
  return s ? { start: s.start, end: s.end } : { start: offset, end: offset + 1 };
}

/** For errors nunjucks gives no position: the scan's own syntax finding, else the last tag. */
function locateWithoutPosition(text: string, message: string, lexed: Lexed): Range {
  const scanned = scanTemplate(text).diagnostics[0];
  if (scanned) return scanned.range;
  const tag = /expected (?:block end in )?(\w+)/.exec(message)?.[1];
  const spans = lexed.spans.filter((s) => s.kind !== 'comment');
  const hit = tag ? spans.find((s) => s.tokens[0]?.value === tag) : undefined;
  const last = hit ?? spans[spans.length - 1];
  return last ? { start: last.start, end: last.end } : { start: 0, end: 0 };
}

// ---------------------------------------------------------------------------
// Template shapes: the template with its literal text and string literals turned into parameters.

interface Literal {
  text: string;
  tplStart: number;
}

interface Shape {
  skeleton: string;
  literals: Literal[];
  /** The `{{ }}` tags, whose output is marked by index. */
  exprs: Range[];
  strings: string[];
}

/**
 * `select {{ ref('a') }} x` becomes `{{__l[0]}}{{__e[0]}}{{ ref(__s[0]) }}{{__z}}{{__l[1]}}`. Whitespace control is
 * applied to the literals here, so the skeleton needs none. Dict keys stay literal strings.
 */
export function skeletonize(text: string, lexed: Lexed): Shape {
  const literals: Literal[] = [];
  const exprs: Range[] = [];
  const strings: string[] = [];
  const parts: string[] = [];
  const spans = lexed.spans;
  const rawEnds = new Map(lexed.raw.map((r) => [r.start, r.end]));
  let pos = 0;
  const literal = (start: number, end: number, trimStart: boolean, trimEnd: boolean): void => {
    let s = start;
    let e = end;
    if (trimStart) while (s < e && /\s/.test(text[s])) s++;
    if (trimEnd) while (e > s && /\s/.test(text[e - 1])) e--;
    if (e > s) {
      parts.push(`{{__l[${literals.length}]}}`);
      literals.push({ text: text.slice(s, e), tplStart: s });
    }
  };
  for (let i = 0; i < spans.length; i++) {
    const span = spans[i];
    literal(pos, span.start, i > 0 && spans[i - 1].trimAfter, span.trimBefore);
    pos = span.end;
    if (span.kind === 'comment') continue;
    const rawEnd = rawEnds.get(span.end);
    if (rawEnd !== undefined) {
      // {% raw %}...{% endraw %}: the body is literal text; the tags print nothing.
      literal(span.end, rawEnd, span.trimAfter, false);
      const endTag = /\{%[-+]?\s*endraw\s*[-+]?%\}/.exec(text.slice(rawEnd));
      pos = endTag ? rawEnd + endTag[0].length : text.length;
      while (i + 1 < spans.length && spans[i + 1].start < pos) i++;
      continue;
    }
    let code = '';
    let at = span.inner.start;
    for (let k = 0; k < span.tokens.length; k++) {
      const t = span.tokens[k];
      if (t.kind !== 'string' || span.tokens[k + 1]?.value === ':') continue;
      code += text.slice(at, t.start) + `__s[${strings.length}]`;
      strings.push(t.value);
      at = t.end;
    }
    code += text.slice(at, span.inner.end);
    if (span.kind === 'expr') {
      parts.push(`{{__e[${exprs.length}]}}{{${code}}}{{__z}}`);
      exprs.push({ start: span.start, end: span.end });
    } else parts.push(`{%${code}%}`);
  }
  literal(pos, text.length, spans.length > 0 && spans[spans.length - 1].trimAfter, false);
  return { skeleton: parts.join(''), literals, exprs, strings };
}

/**
 * Strips the markers from rendered output, recording what produced each run: literal text maps
 * exactly, text printed inside an expression's markers maps to that expression's tag.
 */
function unmark(marked: string, shape: Shape): { sql: string; pieces: Piece[] } {
  const pieces: Piece[] = [];
  const stack: Array<{ exact: boolean; tplStart: number; tplEnd: number; outStart: number }> = [];
  let sql = '';
  const emit = (chunk: string): void => {
    if (chunk === '') return;
    const top = stack[stack.length - 1];
    if (top) {
      const tplStart = top.exact ? top.tplStart + (sql.length - top.outStart) : top.tplStart;
      pieces.push({ outStart: sql.length, outEnd: sql.length + chunk.length, tplStart, tplEnd: top.exact ? tplStart + chunk.length : top.tplEnd, exact: top.exact });
    }
    sql += chunk;
  };
  MARKERS.lastIndex = 0;
  let pos = 0;
  let m: RegExpExecArray | null;
  while ((m = MARKERS.exec(marked)) !== null) {
    emit(marked.slice(pos, m.index));
    const ch = m[0];
    pos = m.index + 1;
    if (ch === LIT_OPEN || ch === EXPR_OPEN) {
      const mid = marked.indexOf(LIT_MID, pos);
      const i = Number(marked.slice(pos, mid));
      if (mid < 0 || !Number.isInteger(i)) continue;
      pos = mid + 1;
      MARKERS.lastIndex = pos;
      if (ch === LIT_OPEN) {
        const lit = shape.literals[i];
        if (lit) stack.push({ exact: true, tplStart: lit.tplStart, tplEnd: lit.tplStart + lit.text.length, outStart: sql.length });
      } else {
        const span = shape.exprs[i];
        if (span) stack.push({ exact: false, tplStart: span.start, tplEnd: span.end, outStart: sql.length });
      }
    } else if (ch === LIT_CLOSE || ch === EXPR_CLOSE) {
      stack.pop();
    }
  }
  emit(marked.slice(pos));
  return { sql, pieces };
}
