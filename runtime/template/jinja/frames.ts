// What a render works with besides the tree: scopes (Jinja2's: loops, macros and `with` get their
// own), macros bound to their file and package, the output buffer with its limit and offset pieces,
// and Jinja2's `loop` variable.
import type { Piece } from '../offsetMap.js';
import type { MacroDef, Node } from './ast.js';
import type { Session } from './interpreter.js';
import { Callable, JinjaError, Undefined, UNDEFINED, type JinjaObject } from './values.js';

/** The macros a macro file defines (its other top-level content is not rendered, as in dbt). */
export function defineMacros(body: Node[], file: string, pkg: string | undefined, session: () => Session): Macro[] {
  const closure = new Scope();
  const macros = body.flatMap((n) => (n.type === 'macro' ? [new Macro(n.macro, file, pkg, closure, session)] : []));
  for (const m of macros) closure.vars.set(m.name, m);
  return macros;
}

export class Scope {
  readonly vars = new Map<string, unknown>();
  constructor(readonly parent?: Scope) {}
  get(name: string): unknown {
    if (this.vars.has(name)) return this.vars.get(name);
    return this.parent?.get(name);
  }
}

/** A macro defined in a template, bound to the file and package it came from. */
export class Macro extends Callable {
  constructor(
    readonly def: MacroDef,
    readonly file: string,
    readonly pkg: string | undefined,
    private readonly closure: Scope | undefined,
    /** The render running now: a macro defined once (in a macro file) runs in every render's budget. */
    session: () => Session,
  ) {
    super(def.name, (args, kwargs, caller) => session().invoke(this, args, kwargs, caller));
  }
  scope(): Scope {
    return new Scope(this.closure);
  }
}

export interface Frame {
  scope: Scope;
  file: string;
  pkg: string | undefined;
}

/** Where output goes; the top level of the rendered file also records which node wrote what. */
export class Out {
  readonly parts: string[] = [];
  length = 0;
  constructor(
    private readonly maxOutput: number,
    readonly pieces?: Piece[],
  ) {}
  write(s: string, at: { start: number; end: number } | undefined, exact: boolean): void {
    if (s === '') return;
    if (this.length + s.length > this.maxOutput) throw new JinjaError(`output exceeds the limit of ${this.maxOutput} characters`, 'budget');
    if (this.pieces && at) this.pieces.push({ outStart: this.length, outEnd: this.length + s.length, tplStart: at.start, tplEnd: exact ? at.start + s.length : at.end, exact });
    this.parts.push(s);
    this.length += s.length;
  }
  text(): string {
    return this.parts.join('');
  }
}

/** Jinja2's `loop` variable. */
export class Loop implements JinjaObject {
  constructor(
    private readonly items: unknown[],
    private readonly i: number,
    private readonly parent: unknown,
  ) {}
  jinjaAttr(name: string): unknown {
    const { items, i } = this;
    switch (name) {
      case 'index':
        return i + 1;
      case 'index0':
        return i;
      case 'revindex':
        return items.length - i;
      case 'revindex0':
        return items.length - i - 1;
      case 'first':
        return i === 0;
      case 'last':
        return i === items.length - 1;
      case 'length':
        return items.length;
      case 'previtem':
        return i > 0 ? items[i - 1] : UNDEFINED;
      case 'nextitem':
        return i < items.length - 1 ? items[i + 1] : UNDEFINED;
      case 'depth':
        return this.parent instanceof Loop ? (this.parent.jinjaAttr('depth') as number) + 1 : 1;
      case 'depth0':
        return this.parent instanceof Loop ? (this.parent.jinjaAttr('depth0') as number) + 1 : 0;
      case 'cycle':
        return new Callable('cycle', (args) => (args.length === 0 ? UNDEFINED : args[i % args.length]));
    }
    return new Undefined(name);
  }
  toString(): string {
    return '<LoopContext>';
  }
}
