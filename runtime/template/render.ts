// Renders Jinja-SQL templates with dbt's context in the sandboxed Jinja2 interpreter (./jinja):
// project macros and `{% test %}` blocks, installed packages' macros as `pkg.name`, adapter.dispatch.
// Each render runs within an evaluation budget and an output limit. Parsed templates are cached by
// text. Errors become diagnostics with template ranges; the only throw is QueryNeeded, in dbt's
// execute phase, when the render needs a query's result first (compile/execute.ts runs it).
import type { Diagnostic, OffsetMap, ProjectConfig } from '../project/types.js';
import { dbtContext, fromPlain, toPlain, type RenderOptions, type RenderState } from './context.js';
import { describeError, errorDiagnostics } from './errors.js';
import type { Template } from './jinja/ast.js';
import { defineMacros } from './jinja/frames.js';
import { DEFAULT_LIMITS, Session, type Limits } from './jinja/interpreter.js';
import { parseTemplate } from './jinja/parser.js';
import { Callable, UNDEFINED } from './jinja/values.js';
import { MacroNamespaces, ROOT } from './macros.js';
import { SegmentMap, type Piece } from './offsetMap.js';
import { QueryNeeded } from './statements.js';

export interface Rendered {
  sql: string;
  map: OffsetMap;
  /** Keyword arguments of each `config(...)` call, as evaluated. */
  configs: Array<Record<string, unknown>>;
  diagnostics: Diagnostic[];
}

/** A macro file to load, with the installed package it belongs to (undefined for the project's own). */
export interface MacroSource {
  file: string;
  text: string;
  package?: string;
}

export interface RendererOptions {
  /** Budgets of one render (default: 200,000,000 steps, 10 s, 64 Mi characters). */
  limits?: Partial<Limits>;
  /** What env_var() reads (default: the process environment). */
  env?: (name: string) => string | undefined;
}

/**
 * Parsed templates kept per renderer. A parsed model is ~14 KB of AST, and a pass over a project renders
 * each model once, so a cache holding every model (10,000 took ~145 MB in the editor's render worker)
 * buys little; 2,000 keeps the ones in use (open files, generic tests' shared SQL).
 */
const MAX_TEMPLATES = 2_000;

/** A YAML test argument dbt evaluates as an expression although it has no braces, e.g. `to: ref('customers')`. */
const LOOKS_LIKE_CALL = /^\s*(env_var|ref|var|source|doc)\s*\(.+\)\s*$/s;

export class Renderer {
  /** Problems in macro files, keyed by file. */
  readonly macroDiagnostics = new Map<string, Diagnostic[]>();
  private readonly templates = new Map<string, Template>();
  private readonly macros: MacroNamespaces;
  private readonly macroTexts = new Map<string, string>();
  private readonly limits: Limits;
  private readonly context: (name: string) => unknown;
  private session: Session | undefined;
  private state: RenderState | undefined;

  constructor(config: ProjectConfig, macroFiles: MacroSource[], options: RendererOptions = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    const env = options.env ?? ((name: string) => process.env[name]);
    this.macros = new MacroNamespaces(config);
    this.context = dbtContext(config, {
      state: () => this.current(),
      dispatch: (name, ns) => this.macros.dispatch(name, ns, this.session?.currentPackage()),
      env,
    });
    for (const m of macroFiles) this.macros.declare(m.package ?? ROOT);
    for (const m of macroFiles) this.loadMacros(m);
    this.macros.seal();
  }

  render(file: string, text: string, opts: RenderOptions): Rendered {
    const state: RenderState = { opts, configs: [], results: new Map() };
    let template: Template | undefined;
    try {
      template = this.parse(file, text);
      const pieces: Piece[] = [];
      const vars = opts.vars ? Object.fromEntries(Object.entries(opts.vars).map(([k, v]) => [k, fromPlain(v)])) : {};
      const sql = this.run(state, (session) => session.render(template!.body, file, undefined, vars, pieces));
      return { sql, map: new SegmentMap(pieces, template.spans, text.length, sql.length), configs: state.configs, diagnostics: [] };
    } catch (err) {
      if (err instanceof QueryNeeded) throw err;
      const spans = template?.spans ?? [];
      const diagnostics = this.diagnose(err, file, text, spans);
      return { sql: '', map: new SegmentMap([], spans, text.length, 0), configs: [], diagnostics };
    }
  }

  /**
   * Calls a project macro with keyword arguments in a node's context, as dbt calls a generic test's
   * `test_<name>` macro. `args` are rendered first as dbt renders a test's YAML arguments
   * (add_rendered_test_kwargs): a bare `ref(...)`, `source(...)`, `var(...)` or `env_var(...)` is
   * evaluated (a ref gives its relation), a string holding Jinja is rendered, and `column_name` stays
   * as written; `fixed` arguments are passed as they are. Never throws: a failure gives `error`.
   */
  callMacro(file: string, name: string, args: Record<string, unknown>, fixed: Record<string, unknown>, opts: RenderOptions, pkg?: string): { sql: string; configs: Array<Record<string, unknown>> } | { error: string } {
    const macro = this.macros.get(pkg, name);
    if (!macro) return { error: `No macro '${pkg === undefined ? '' : pkg + '.'}${name}'` };
    const state: RenderState = { opts, configs: [], results: new Map() };
    try {
      const rendered = Object.fromEntries(Object.entries(args).map(([k, v]) => [k, k === 'column_name' ? v : this.renderArg(file, v, state)]));
      const out = this.run(state, () => macro.call([], { ...rendered, ...fixed }));
      return { sql: out === null || out === undefined ? '' : String(out), configs: state.configs };
    } catch (err) {
      if (err instanceof QueryNeeded) throw err;
      return { error: describeError(err, (f) => this.macroTexts.get(f)) };
    }
  }

  /**
   * Renders a configuration value as dbt's native rendering does: a value that is one `{{ expr }}`
   * gives the expression's value (a boolean, a list, ...), anything else its text, read as a Python
   * literal when it is one ('True', '3'). Never throws: a failure gives the template's diagnostics.
   */
  native(file: string, text: string, opts: RenderOptions): { value: unknown } | { diagnostics: Diagnostic[] } {
    const state: RenderState = { opts, configs: [], results: new Map() };
    const single = /^\s*\{\{(?:(?!\}\}).)*\}\}\s*$/s.exec(text);
    if (!single) {
      const out = this.render(file, text, opts);
      return out.diagnostics.length > 0 ? { diagnostics: out.diagnostics } : { value: literal(out.sql) };
    }
    try {
      return { value: toPlain(this.renderArg(file, text.trim().slice(2, -2), state, true)) };
    } catch (err) {
      const diagnostics = this.diagnose(err, file, text, []);
      return { diagnostics: diagnostics.map((d) => ({ ...d, range: { start: 0, end: text.length } })) };
    }
  }

  private renderArg(file: string, value: unknown, state: RenderState, expression = false): unknown {
    if (Array.isArray(value)) return value.map((v) => this.renderArg(file, v, state));
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.renderArg(file, v, state)]));
    if (typeof value !== 'string') return value;
    if (expression || LOOKS_LIKE_CALL.test(value)) {
      let captured: unknown = UNDEFINED;
      const capture = new Callable('__capture', ([v]) => {
        captured = v;
        return '';
      });
      const template = this.parse(file, `{{ __capture(${value}) }}`);
      this.run(state, (session) => session.render(template.body, file, undefined, { __capture: capture }));
      return captured;
    }
    if (!value.includes('{{') && !value.includes('{%')) return value;
    const template = this.parse(file, value);
    return this.run(state, (session) => session.render(template.body, file, undefined, {}));
  }

  /** Runs `work` in a new session (budget) with `state` as the render's state; restores the outer one. */
  private run<T>(state: RenderState, work: (session: Session) => T): T {
    const outer = [this.session, this.state] as const;
    this.session = new Session((name, pkg) => this.lookup(name, pkg), this.limits);
    this.state = state;
    try {
      return work(this.session);
    } finally {
      [this.session, this.state] = outer;
    }
  }

  /** A render's error as diagnostics, with the macro files' texts for their positions. */
  private diagnose(err: unknown, file: string, text: string, spans: Template['spans']): Diagnostic[] {
    return errorDiagnostics(err, { file, text, spans, textOf: (f) => this.macroTexts.get(f), hasNamespace: (p) => this.macros.has(p) });
  }

  private lookup(name: string, pkg: string | undefined): unknown {
    const overrides = this.state?.opts.macroOverrides;
    if (overrides && Object.prototype.hasOwnProperty.call(overrides, name)) {
      const value = fromPlain(overrides[name]);
      return new Callable(name, () => value);
    }
    return this.macros.lookup(name, pkg) ?? this.context(name);
  }

  private current(): RenderState {
    if (!this.state) throw new Error('dbt context used outside of a render');
    return this.state;
  }

  private activeSession(): Session {
    if (!this.session) throw new Error('a macro was called outside of a render');
    return this.session;
  }

  /** A template parsed once per text (bounded: an editor session keeps producing new texts). */
  private parse(file: string, text: string): Template {
    let t = this.templates.get(text);
    if (!t) {
      t = parseTemplate(file, text);
      if (this.templates.size >= MAX_TEMPLATES) this.templates.delete(this.templates.keys().next().value!);
      this.templates.set(text, t);
    }
    return t;
  }

  /** Parses a macro file once and records its macros under their namespace. */
  private loadMacros(source: MacroSource): void {
    this.macroTexts.set(source.file, source.text);
    try {
      const template = parseTemplate(source.file, source.text);
      for (const m of defineMacros(template.body, source.file, source.package, () => this.activeSession())) this.macros.add(source.package ?? ROOT, m);
    } catch (err) {
      this.macroDiagnostics.set(source.file, errorDiagnostics(err, { file: source.file, text: source.text, spans: [], textOf: () => undefined, hasNamespace: () => true }));
    }
  }
}

/** A rendered config text as Python's literal_eval reads a scalar: booleans, None, numbers; else the text. */
function literal(text: string): unknown {
  const t = text.trim();
  if (t === 'True' || t === 'False') return t === 'True';
  if (t === 'None') return null;
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  return text;
}
