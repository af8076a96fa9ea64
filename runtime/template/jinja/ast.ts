// The syntax tree of a Jinja2 template. Every node carries its [start, end) offsets in the
// template text, so runtime errors point at the expression that failed.
import type { Span } from '../lex.js';

interface At {
  start: number;
  end: number;
}

export type Expr =
  | (At & { type: 'const'; value: unknown })
  | (At & { type: 'name'; name: string })
  | (At & { type: 'list'; items: Expr[] })
  | (At & { type: 'tuple'; items: Expr[] })
  | (At & { type: 'dict'; entries: Array<[Expr, Expr]> })
  | (At & { type: 'attr'; object: Expr; name: string })
  | (At & { type: 'item'; object: Expr; key: Expr })
  | (At & { type: 'slice'; object: Expr; from?: Expr; to?: Expr; step?: Expr })
  | CallExpr
  | (At & { type: 'filter'; value: Expr | undefined; name: string; args: CallArgs })
  | (At & { type: 'test'; value: Expr; name: string; args: CallArgs; negated: boolean })
  | (At & { type: 'unary'; op: 'not' | '-' | '+'; value: Expr })
  | (At & { type: 'binary'; op: string; left: Expr; right: Expr })
  | (At & { type: 'compare'; first: Expr; ops: Array<{ op: string; value: Expr }> })
  | (At & { type: 'cond'; test: Expr; then: Expr; else?: Expr });

export type CallExpr = At & { type: 'call'; callee: Expr; args: CallArgs };

export interface CallArgs {
  args: Expr[];
  kwargs: Array<{ name: string; value: Expr }>;
  star?: Expr;
  starstar?: Expr;
}

/** An assignment target: a name, `ns.attr`, or a tuple of targets. */
export type Target = (At & { type: 'name'; name: string }) | (At & { type: 'attr'; object: Expr; name: string }) | (At & { type: 'tuple'; items: Target[] });

export interface Param {
  name: string;
  default?: Expr;
}

export interface MacroDef extends At {
  name: string;
  params: Param[];
  body: Node[];
  /** The body reads `varargs` / `kwargs`, so extra arguments are allowed. */
  catchVarargs: boolean;
  catchKwargs: boolean;
  callsCaller: boolean;
}

export type Node =
  | (At & { type: 'text'; value: string })
  | (At & { type: 'output'; value: Expr })
  | (At & { type: 'if'; branches: Array<{ test: Expr; body: Node[] }>; else: Node[] })
  | (At & { type: 'for'; target: Target; iter: Expr; filter?: Expr; body: Node[]; else: Node[] })
  | (At & { type: 'set'; target: Target; value: Expr })
  | (At & { type: 'setBlock'; target: Target; body: Node[]; filters: Expr[] })
  | (At & { type: 'macro'; macro: MacroDef })
  | (At & { type: 'callBlock'; call: CallExpr; macro: MacroDef })
  | (At & { type: 'filterBlock'; filters: Expr[]; body: Node[] })
  | (At & { type: 'with'; assigns: Array<{ target: Target; value: Expr }>; body: Node[] })
  | (At & { type: 'do'; value: Expr })
  | (At & { type: 'break' })
  | (At & { type: 'continue' })
  /** A dbt block whose body renders in place (`{% snapshot %}`) or defines nothing here (`{% materialization %}`). */
  | (At & { type: 'block'; tag: string; name: string; body: Node[]; renders: boolean });

export interface Template {
  file: string;
  body: Node[];
  /** The template's tags, for mapping output back to them. */
  spans: Span[];
}
