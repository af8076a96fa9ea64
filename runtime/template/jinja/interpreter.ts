// Evaluates a parsed template: Jinja2's scoping (loops, macros and `with` have their own scope,
// namespaces cross them), macros with defaults, varargs, kwargs and caller(), loop controls, and
// dbt's return(). Every step spends fuel from the render's budget, and every text it builds is
// bounded by the output limit, so no template runs forever or fills memory.
import type { Piece } from '../offsetMap.js';
import type { CallArgs, Expr, MacroDef, Node, Target } from './ast.js';
import { GLOBALS, Namespace, TESTS } from './builtins.js';
import { FILTERS, type FilterHost } from './filters.js';
import { Loop, Macro, Out, Scope, type Frame } from './frames.js';
import { binary, compare, getAttr, getItem, slice } from './operators.js';
import { Callable, ControlSignal, isDict, iterate, JinjaError, newDict, str, truthy, tuple, Undefined, UNDEFINED } from './values.js';

export interface Limits {
  /** Evaluation steps a render may take. */
  fuel: number;
  /** Wall-clock time a render may take. */
  timeoutMs: number;
  /** Characters any text the render builds may hold. */
  maxOutput: number;
}

export const DEFAULT_LIMITS: Limits = { fuel: 200_000_000, timeoutMs: 10_000, maxOutput: 64 * 1024 * 1024 };

const MAX_DEPTH = 250;

/** Names the caller provides: dbt's context, macros and namespaces; undefined when unknown. */
export type Lookup = (name: string, pkg: string | undefined) => unknown;

/** Thrown by dbt's `return(x)`; the macro call it ends gives x. */
export class MacroReturn extends ControlSignal {
  constructor(readonly value: unknown) {
    super();
  }
}

class LoopSignal extends ControlSignal {
  constructor(readonly kind: 'break' | 'continue') {
    super();
  }
}

/** One render: its budget, its lookup of globals, and the macros it runs. */
export class Session implements FilterHost {
  private fuel: number;
  private readonly deadline: number;
  private depth = 0;
  private readonly packages: Array<string | undefined> = [];

  constructor(
    private readonly lookup: Lookup,
    readonly limits: Limits,
  ) {
    this.fuel = limits.fuel;
    this.deadline = Date.now() + limits.timeoutMs;
  }

  /** Renders a template's nodes; with `pieces`, records what produced each run of output. */
  render(body: Node[], file: string, pkg: string | undefined, vars: Record<string, unknown>, pieces?: Piece[]): string {
    const scope = new Scope();
    for (const [k, v] of Object.entries(vars)) scope.vars.set(k, v);
    const out = new Out(this.limits.maxOutput, pieces);
    this.nodes(body, { scope, file, pkg }, out);
    return out.text();
  }

  /** The package of the macro running now (undefined: the project's own code). */
  currentPackage(): string | undefined {
    return this.packages[this.packages.length - 1];
  }

  // ---- statements ------------------------------------------------------------------------------

  private nodes(body: Node[], f: Frame, out: Out): void {
    for (const node of body) this.node(node, f, out);
  }

  private node(node: Node, f: Frame, out: Out): void {
    this.tick();
    switch (node.type) {
      case 'text':
        out.write(node.value, node, true);
        return;
      case 'output':
        out.write(str(this.expr(node.value, f)), node, false);
        return;
      case 'if':
        for (const b of node.branches) {
          if (truthy(this.expr(b.test, f))) return this.nodes(b.body, f, out);
        }
        return this.nodes(node.else, f, out);
      case 'for':
        return this.forLoop(node, f, out);
      case 'set':
        return this.assign(node.target, this.expr(node.value, f), f);
      case 'setBlock': {
        const value = this.applyFilters(node.filters, this.capture(node.body, f), f);
        return this.assign(node.target, value, f);
      }
      case 'macro':
        f.scope.vars.set(node.macro.name, this.makeMacro(node.macro, f));
        return;
      case 'callBlock': {
        const caller = this.makeMacro(node.macro, f);
        out.write(str(this.callExpr(node.call, f, caller)), node, false);
        return;
      }
      case 'filterBlock':
        out.write(str(this.applyFilters(node.filters, this.capture(node.body, f), f)), node, false);
        return;
      case 'with': {
        const scope = new Scope(f.scope);
        for (const a of node.assigns) this.assign(a.target, this.expr(a.value, f), { ...f, scope });
        return this.nodes(node.body, { ...f, scope }, out);
      }
      case 'do':
        this.expr(node.value, f);
        return;
      case 'break':
      case 'continue':
        throw new LoopSignal(node.type);
      case 'block':
        if (node.renders) this.nodes(node.body, f, out);
        return;
    }
  }

  private capture(body: Node[], f: Frame): string {
    const out = new Out(this.limits.maxOutput);
    this.nodes(body, f, out);
    return out.text();
  }

  private applyFilters(filters: Expr[], value: unknown, f: Frame): unknown {
    let v = value;
    for (const filter of filters) {
      if (filter.type !== 'filter') continue;
      const [args, kwargs] = this.args(filter.args, f);
      v = this.filter(filter.name, v, args, kwargs);
    }
    return v;
  }

  private forLoop(node: Extract<Node, { type: 'for' }>, f: Frame, out: Out): void {
    let items = iterate(this.expr(node.iter, f));
    if (node.filter) {
      const test = node.filter;
      items = items.filter((item) => {
        const scope = new Scope(f.scope);
        this.assign(node.target, item, { ...f, scope });
        return truthy(this.expr(test, { ...f, scope }));
      });
    }
    if (items.length === 0) return this.nodes(node.else, f, out);
    const outer = f.scope.get('loop');
    for (let i = 0; i < items.length; i++) {
      const scope = new Scope(f.scope);
      scope.vars.set('loop', new Loop(items, i, outer));
      this.assign(node.target, items[i], { ...f, scope });
      try {
        this.nodes(node.body, { ...f, scope }, out);
      } catch (e) {
        if (!(e instanceof LoopSignal)) throw e;
        if (e.kind === 'break') break;
      }
    }
  }

  private assign(target: Target, value: unknown, f: Frame): void {
    if (target.type === 'name') {
      f.scope.vars.set(target.name, value);
      return;
    }
    if (target.type === 'attr') {
      const ns = this.expr(target.object, f);
      if (!(ns instanceof Namespace)) throw this.error('can only assign attributes of namespaces (namespace())', target);
      ns.values[target.name] = value;
      return;
    }
    const items = Array.isArray(value) ? value : iterate(value);
    if (items.length !== target.items.length) {
      throw this.error(items.length > target.items.length ? `too many values to unpack (expected ${target.items.length})` : `not enough values to unpack (expected ${target.items.length}, got ${items.length})`, target);
    }
    target.items.forEach((t, i) => this.assign(t, items[i], f));
  }

  // ---- macros ----------------------------------------------------------------------------------

  private makeMacro(def: MacroDef, f: Frame): Macro {
    return new Macro(def, f.file, f.pkg, f.scope, () => this);
  }

  invoke(m: Macro, args: unknown[], kwargs: Record<string, unknown>, caller?: Callable): unknown {
    const { def } = m;
    if (this.depth + 1 > MAX_DEPTH) throw new JinjaError('maximum recursion depth exceeded', 'budget', m.file, def);
    this.depth++;
    this.packages.push(m.pkg);
    try {
      const scope = m.scope();
      const f: Frame = { scope, file: m.file, pkg: m.pkg };
      const rest = { ...kwargs };
      def.params.forEach((p, i) => {
        let v: unknown;
        if (i < args.length) v = args[i];
        else if (Object.prototype.hasOwnProperty.call(rest, p.name)) v = rest[p.name];
        else v = p.default ? this.expr(p.default, f) : new Undefined(p.name);
        delete rest[p.name];
        scope.vars.set(p.name, v);
      });
      const extra = args.slice(def.params.length);
      if (extra.length > 0 && !def.catchVarargs) throw new JinjaError(`macro '${def.name}' takes not more than ${def.params.length} argument(s)`, 'runtime');
      scope.vars.set('varargs', tuple(extra));
      const unknown = Object.keys(rest);
      if (unknown.length > 0 && !def.catchKwargs) throw new JinjaError(`macro '${def.name}' takes no keyword argument '${unknown[0]}'`, 'runtime');
      scope.vars.set('kwargs', newDict(Object.entries(rest)));
      if (caller) scope.vars.set('caller', caller);
      try {
        const out = new Out(this.limits.maxOutput);
        this.nodes(def.body, f, out);
        return out.text();
      } catch (e) {
        if (e instanceof MacroReturn) return e.value;
        throw e;
      }
    } finally {
      this.depth--;
      this.packages.pop();
    }
  }

  // ---- expressions -----------------------------------------------------------------------------

  private expr(e: Expr, f: Frame): unknown {
    this.tick();
    try {
      return this.evaluate(e, f);
    } catch (err) {
      throw this.locate(err, e, f);
    }
  }

  private evaluate(e: Expr, f: Frame): unknown {
    switch (e.type) {
      case 'const':
        return e.value;
      case 'name':
        return this.resolve(e.name, f);
      case 'list':
        return e.items.map((x) => this.expr(x, f));
      case 'tuple':
        return tuple(e.items.map((x) => this.expr(x, f)));
      case 'dict':
        return newDict(e.entries.map(([k, v]) => [str(this.expr(k, f)), this.expr(v, f)]));
      case 'attr':
        return getAttr(this.expr(e.object, f), e.name);
      case 'item':
        return getItem(this.expr(e.object, f), this.expr(e.key, f));
      case 'slice':
        return slice(this.expr(e.object, f), e.from && this.expr(e.from, f), e.to && this.expr(e.to, f), e.step && this.expr(e.step, f));
      case 'call':
        return this.callExpr(e, f);
      case 'filter': {
        const [args, kwargs] = this.args(e.args, f);
        return this.filter(e.name, e.value ? this.expr(e.value, f) : UNDEFINED, args, kwargs);
      }
      case 'test': {
        const [args] = this.args(e.args, f);
        return this.test(e.name, this.expr(e.value, f), args) !== e.negated;
      }
      case 'unary': {
        const v = this.expr(e.value, f);
        if (e.op === 'not') return !truthy(v);
        return binary(e.op === '-' ? '*' : '+', e.op === '-' ? -1 : 0, v, this.limits.maxOutput);
      }
      case 'binary': {
        if (e.op === 'and') {
          const left = this.expr(e.left, f);
          return truthy(left) ? this.expr(e.right, f) : left;
        }
        if (e.op === 'or') {
          const left = this.expr(e.left, f);
          return truthy(left) ? left : this.expr(e.right, f);
        }
        return binary(e.op, this.expr(e.left, f), this.expr(e.right, f), this.limits.maxOutput);
      }
      case 'compare': {
        let left = this.expr(e.first, f);
        for (const { op, value } of e.ops) {
          const right = this.expr(value, f);
          if (!compare(op, left, right)) return false;
          left = right;
        }
        return true;
      }
      case 'cond':
        if (truthy(this.expr(e.test, f))) return this.expr(e.then, f);
        return e.else ? this.expr(e.else, f) : UNDEFINED;
    }
  }

  private resolve(name: string, f: Frame): unknown {
    const local = f.scope.get(name);
    if (local !== undefined) return local;
    const global = this.lookup(name, f.pkg);
    if (global !== undefined) return global;
    if (Object.prototype.hasOwnProperty.call(GLOBALS, name)) return GLOBALS[name];
    return new Undefined(name);
  }

  private callExpr(e: Extract<Expr, { type: 'call' }>, f: Frame, caller?: Callable): unknown {
    const callee = this.calleeOf(e, f);
    const [args, kwargs] = this.args(e.args, f);
    if (!(callee instanceof Callable)) {
      const err = new JinjaError(callee instanceof Undefined ? `'${calleeName(e.callee)}' is undefined` : `'${calleeName(e.callee)}' is not callable`, 'runtime', f.file, e);
      if (callee instanceof Undefined) err.undefinedCall = calleeParts(e.callee);
      throw err;
    }
    try {
      return callee.call(args, kwargs, caller);
    } catch (err) {
      if (err instanceof JinjaError && callee instanceof Macro && err.trace.length > 0 && !err.trace.some((t) => t.file === f.file && t.range.start === e.start)) {
        err.trace.push({ file: f.file, range: { start: e.start, end: e.end }, macro: callee.name });
      }
      throw err;
    }
  }

  /** The called value; `pkg.name(...)` with `pkg` undefined is an undefined call, not an attribute error. */
  private calleeOf(e: Extract<Expr, { type: 'call' }>, f: Frame): unknown {
    const c = e.callee;
    if (c.type !== 'attr' || c.object.type !== 'name') return this.expr(c, f);
    const object = this.expr(c.object, f);
    return object instanceof Undefined ? object : getAttr(object, c.name);
  }

  private args(a: CallArgs, f: Frame): [unknown[], Record<string, unknown>] {
    const args = a.args.map((x) => this.expr(x, f));
    if (a.star) args.push(...iterate(this.expr(a.star, f)));
    const kwargs: Record<string, unknown> = {};
    for (const k of a.kwargs) kwargs[k.name] = this.expr(k.value, f);
    if (a.starstar) {
      const extra = this.expr(a.starstar, f);
      if (isDict(extra)) Object.assign(kwargs, extra);
    }
    return [args, kwargs];
  }

  // ---- FilterHost --------------------------------------------------------------------------------

  getattr(value: unknown, name: string): unknown {
    return value instanceof Undefined ? value : getAttr(value, name);
  }

  filter(name: string, value: unknown, args: unknown[], kwargs: Record<string, unknown>): unknown {
    const impl = Object.prototype.hasOwnProperty.call(FILTERS, name) ? FILTERS[name] : undefined;
    if (!impl) throw new JinjaError(`No filter named '${name}'.`, 'runtime');
    return impl(value, args, kwargs, this);
  }

  test(name: string, value: unknown, args: unknown[]): boolean {
    const impl = Object.prototype.hasOwnProperty.call(TESTS, name) ? TESTS[name] : undefined;
    if (!impl) throw new JinjaError(`No test named '${name}'.`, 'runtime');
    return impl(value, args);
  }

  // ---- budget and errors -----------------------------------------------------------------------

  private tick(): void {
    if (--this.fuel < 0) throw new JinjaError(`the template exceeded its evaluation budget (${this.limits.fuel} steps)`, 'budget');
    if ((this.fuel & 4095) === 0 && Date.now() > this.deadline) throw new JinjaError(`the template exceeded its time budget (${this.limits.timeoutMs} ms)`, 'budget');
  }

  /** Gives an error without a position the range of the expression that raised it. */
  private locate(err: unknown, e: Expr, f: Frame): unknown {
    if (err instanceof ControlSignal) return err;
    if (err instanceof JinjaError) {
      if (err.trace.length === 0) err.trace.push({ file: f.file, range: { start: e.start, end: e.end } });
      return err;
    }
    const message = err instanceof Error ? err.message : String(err);
    return new JinjaError(err instanceof RangeError && /call stack/.test(message) ? 'maximum recursion depth exceeded' : message, 'runtime', f.file, { start: e.start, end: e.end });
  }

  private error(message: string, at: { start: number; end: number }): JinjaError {
    return new JinjaError(message, 'runtime', undefined, at);
  }
}

function calleeName(e: Expr): string {
  if (e.type === 'name') return e.name;
  if (e.type === 'attr') return `${calleeName(e.object)}.${e.name}`;
  return 'value';
}

function calleeParts(e: Expr): { name: string; object?: string } {
  if (e.type === 'attr' && e.object.type === 'name') return { object: e.object.name, name: e.name };
  return { name: calleeName(e) };
}
