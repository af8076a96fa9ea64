// Jinja2's expressions with its grammar and operator precedence (ternary, or/and/not, chained
// comparisons, + - ~ * / // % **, unary signs, filters and tests, calls with keyword and star
// arguments and trailing commas, subscripts and slices, literals), and assignment targets.
import type { CallArgs, Expr, Target } from './ast.js';
import { TokenCursor } from './tokens.js';
import { makeNumber } from './values.js';

const COMPARE = new Set(['==', '!=', '<', '>', '<=', '>=']);

export class ExpressionParser extends TokenCursor {
  /** `name(args)|other|...` in `{% filter %}` and `{% set x | f %}`. */
  protected parseFilterChain(): Expr[] {
    const filters: Expr[] = [];
    if (this.peekOp('|')) this.t++;
    for (;;) {
      filters.push(this.parseFilter(undefined));
      if (!this.peekOp('|')) return filters;
      this.t++;
    }
  }

  protected parseAssignTarget(endNames: string[] = []): Target {
    const first = this.parseSingleTarget();
    if (!this.peekOp(',')) return first;
    const items: Target[] = [first];
    while (this.peekOp(',')) {
      this.t++;
      if (this.atEnd() || this.peekOp('=') || endNames.some((n) => this.peekName(n))) break;
      items.push(this.parseSingleTarget());
    }
    return { type: 'tuple', items, start: first.start, end: items[items.length - 1].end };
  }

  protected parseSingleTarget(): Target {
    if (this.peekOp('(')) {
      this.t++;
      const inner = this.parseAssignTarget();
      this.expectOp(')');
      return inner;
    }
    const tok = this.tok();
    const name = this.expectName();
    if (this.peekOp('.')) {
      this.t++;
      const attr = this.expectName();
      return { type: 'attr', object: { type: 'name', name, start: tok.start, end: tok.end }, name: attr, start: tok.start, end: this.prevEnd() };
    }
    return { type: 'name', name, start: tok.start, end: tok.end };
  }

  // ---- expressions ---------------------------------------------------------------------------

  /** An expression, or a tuple of them without parentheses (`a, b`) where Jinja allows one. */
  protected parseTuple(simplified: boolean, endNames: string[] = []): Expr {
    const start = this.tok().start;
    const items: Expr[] = [];
    let comma = false;
    for (;;) {
      if (items.length > 0) {
        if (!this.peekOp(',')) break;
        this.t++;
        comma = true;
      }
      if (this.atEnd() || this.peekOp(')') || this.peekOp(']') || this.peekOp('}') || endNames.some((n) => this.peekName(n))) break;
      items.push(simplified ? this.parseOr() : this.parseExpression());
    }
    if (!comma && items.length === 1) return items[0];
    if (items.length === 0 && !comma) throw this.error(`Expected an expression, got '${this.describe()}'`);
    return { type: 'tuple', items, start, end: this.prevEnd() };
  }

  protected parseExpression(): Expr {
    const expr = this.parseOr();
    if (!this.peekName('if')) return expr;
    this.t++;
    const test = this.parseOr();
    let otherwise: Expr | undefined;
    if (this.peekName('else')) {
      this.t++;
      otherwise = this.parseExpression();
    }
    return { type: 'cond', test, then: expr, else: otherwise, start: expr.start, end: this.prevEnd() };
  }

  protected parseOr(): Expr {
    let left = this.parseAnd();
    while (this.peekName('or')) {
      this.t++;
      const right = this.parseAnd();
      left = { type: 'binary', op: 'or', left, right, start: left.start, end: right.end };
    }
    return left;
  }

  protected parseAnd(): Expr {
    let left = this.parseNot();
    while (this.peekName('and')) {
      this.t++;
      const right = this.parseNot();
      left = { type: 'binary', op: 'and', left, right, start: left.start, end: right.end };
    }
    return left;
  }

  protected parseNot(): Expr {
    if (this.peekName('not')) {
      const start = this.tok().start;
      this.t++;
      const value = this.parseNot();
      return { type: 'unary', op: 'not', value, start, end: value.end };
    }
    return this.parseCompare();
  }

  protected parseCompare(): Expr {
    const first = this.parseMath1();
    const ops: Array<{ op: string; value: Expr }> = [];
    for (;;) {
      const tok = this.toks[this.t];
      if (tok?.kind === 'op' && COMPARE.has(tok.value)) {
        this.t++;
        ops.push({ op: tok.value, value: this.parseMath1() });
      } else if (this.peekName('in')) {
        this.t++;
        ops.push({ op: 'in', value: this.parseMath1() });
      } else if (this.peekName('not') && this.toks[this.t + 1]?.kind === 'name' && this.toks[this.t + 1].value === 'in') {
        this.t += 2;
        ops.push({ op: 'notin', value: this.parseMath1() });
      } else break;
    }
    if (ops.length === 0) return first;
    return { type: 'compare', first, ops, start: first.start, end: ops[ops.length - 1].value.end };
  }

  protected parseMath1(): Expr {
    return this.binaryLevel(['+', '-'], () => this.parseConcat());
  }

  protected parseConcat(): Expr {
    return this.binaryLevel(['~'], () => this.parseMath2());
  }

  protected parseMath2(): Expr {
    return this.binaryLevel(['*', '/', '//', '%'], () => this.parsePow());
  }

  protected parsePow(): Expr {
    return this.binaryLevel(['**'], () => this.parseUnary());
  }

  protected binaryLevel(ops: string[], next: () => Expr): Expr {
    let left = next();
    for (;;) {
      const tok = this.toks[this.t];
      if (!tok || tok.kind !== 'op' || !ops.includes(tok.value)) return left;
      this.t++;
      const right = next();
      left = { type: 'binary', op: tok.value, left, right, start: left.start, end: right.end };
    }
  }

  /** `-x|abs` is `(-x)|abs`, as in Jinja2: the sign binds tighter than filters. */
  protected parseUnary(withFilter = true): Expr {
    const tok = this.toks[this.t];
    let node: Expr;
    if (tok?.kind === 'op' && (tok.value === '-' || tok.value === '+')) {
      this.t++;
      const value = this.parseUnary(false);
      node = { type: 'unary', op: tok.value, value, start: tok.start, end: value.end };
    } else {
      node = this.parsePostfix(this.parsePrimary());
    }
    return withFilter ? this.parseFilterExpr(node) : node;
  }

  protected parsePrimary(): Expr {
    const tok = this.toks[this.t];
    if (!tok) throw this.error(`unexpected '${this.describe()}'`);
    const at = { start: tok.start, end: tok.end };
    if (tok.kind === 'name') {
      this.t++;
      switch (tok.value) {
        case 'true':
        case 'True':
          return { type: 'const', value: true, ...at };
        case 'false':
        case 'False':
          return { type: 'const', value: false, ...at };
        case 'none':
        case 'None':
          return { type: 'const', value: null, ...at };
      }
      return { type: 'name', name: tok.value, ...at };
    }
    if (tok.kind === 'string') {
      if (tok.unterminated) throw this.error('unterminated string', tok);
      this.t++;
      let value = tok.value;
      let end = tok.end;
      // Adjacent string literals concatenate, as in Python.
      while (this.toks[this.t]?.kind === 'string' && !this.toks[this.t].unterminated) {
        value += this.toks[this.t].value;
        end = this.toks[this.t].end;
        this.t++;
      }
      return { type: 'const', value, start: tok.start, end };
    }
    if (tok.kind === 'number') {
      this.t++;
      const clean = tok.value.replace(/_/g, '');
      const isFloat = /[.eE]/.test(clean);
      return { type: 'const', value: makeNumber(Number(clean), isFloat), ...at };
    }
    if (tok.value === '(') {
      this.t++;
      if (this.peekOp(')')) {
        this.t++;
        return { type: 'tuple', items: [], start: tok.start, end: this.prevEnd() };
      }
      const inner = this.parseTuple(false);
      this.expectOp(')');
      return inner.type === 'tuple' ? { ...inner, start: tok.start, end: this.prevEnd() } : inner;
    }
    if (tok.value === '[') {
      this.t++;
      const items: Expr[] = [];
      while (!this.peekOp(']')) {
        if (items.length > 0) this.expectOp(',');
        if (this.peekOp(']')) break;
        items.push(this.parseExpression());
      }
      this.expectOp(']');
      return { type: 'list', items, start: tok.start, end: this.prevEnd() };
    }
    if (tok.value === '{') {
      this.t++;
      const entries: Array<[Expr, Expr]> = [];
      while (!this.peekOp('}')) {
        if (entries.length > 0) this.expectOp(',');
        if (this.peekOp('}')) break;
        const key = this.parseExpression();
        this.expectOp(':');
        entries.push([key, this.parseExpression()]);
      }
      this.expectOp('}');
      return { type: 'dict', entries, start: tok.start, end: this.prevEnd() };
    }
    throw this.error(`unexpected '${tok.value}'`, tok);
  }

  protected parsePostfix(expr: Expr): Expr {
    for (;;) {
      const tok = this.toks[this.t];
      if (tok?.kind !== 'op') return expr;
      if (tok.value === '.') {
        this.t++;
        const name = this.toks[this.t];
        if (!name || (name.kind !== 'name' && name.kind !== 'number')) throw this.error('expected name or number after .', name ?? tok);
        this.t++;
        expr = name.kind === 'number'
          ? { type: 'item', object: expr, key: { type: 'const', value: Number(name.value), start: name.start, end: name.end }, start: expr.start, end: name.end }
          : { type: 'attr', object: expr, name: name.value, start: expr.start, end: name.end };
      } else if (tok.value === '[') {
        this.t++;
        expr = this.parseSubscript(expr);
      } else if (tok.value === '(') {
        const args = this.parseCallArgs();
        expr = { type: 'call', callee: expr, args, start: expr.start, end: this.prevEnd() };
      } else return expr;
    }
  }

  protected parseSubscript(object: Expr): Expr {
    const parts: Array<Expr | undefined> = [];
    let current: Expr | undefined;
    let isSlice = false;
    while (!this.peekOp(']')) {
      if (this.peekOp(':')) {
        this.t++;
        parts.push(current);
        current = undefined;
        isSlice = true;
        continue;
      }
      if (current) throw this.error(`expected ']', got '${this.describe()}'`);
      current = this.parseTuple(false);
    }
    this.expectOp(']');
    if (!isSlice) {
      if (!current) throw this.error('expected a subscript');
      return { type: 'item', object, key: current, start: object.start, end: this.prevEnd() };
    }
    parts.push(current);
    return { type: 'slice', object, from: parts[0], to: parts[1], step: parts[2], start: object.start, end: this.prevEnd() };
  }

  protected parseCallArgs(): CallArgs {
    const out: CallArgs = { args: [], kwargs: [] };
    this.expectOp('(');
    let first = true;
    while (!this.peekOp(')')) {
      if (!first) {
        this.expectOp(',');
        if (this.peekOp(')')) break; // a trailing comma, as Python allows
      }
      first = false;
      if (this.peekOp('**')) {
        this.t++;
        out.starstar = this.parseExpression();
      } else if (this.peekOp('*')) {
        this.t++;
        out.star = this.parseExpression();
      } else if (this.toks[this.t]?.kind === 'name' && this.toks[this.t + 1]?.value === '=' && this.toks[this.t + 1]?.kind === 'op') {
        const name = this.toks[this.t].value;
        this.t += 2;
        out.kwargs.push({ name, value: this.parseExpression() });
      } else {
        if (out.kwargs.length > 0) throw this.error('positional argument follows keyword argument');
        out.args.push(this.parseExpression());
      }
    }
    this.expectOp(')');
    return out;
  }

  /** Filters (`x|f(a)`) and tests (`x is t`), which bind tighter than any binary operator. */
  protected parseFilterExpr(expr: Expr): Expr {
    for (;;) {
      if (this.peekOp('|')) {
        this.t++;
        expr = this.parseFilter(expr);
      } else if (this.peekName('is')) {
        this.t++;
        expr = this.parseTest(expr);
      } else return expr;
    }
  }

  protected parseFilter(value: Expr | undefined): Expr {
    const start = this.tok().start;
    let name = this.expectName();
    while (this.peekOp('.')) {
      this.t++;
      name += '.' + this.expectName();
    }
    const args = this.peekOp('(') ? this.parseCallArgs() : { args: [], kwargs: [] };
    return { type: 'filter', value, name, args, start: value?.start ?? start, end: this.prevEnd() };
  }

  protected parseTest(value: Expr): Expr {
    let negated = false;
    if (this.peekName('not')) {
      this.t++;
      negated = true;
    }
    let name = this.expectName();
    while (this.peekOp('.')) {
      this.t++;
      name += '.' + this.expectName();
    }
    let args: CallArgs = { args: [], kwargs: [] };
    if (this.peekOp('(')) args = this.parseCallArgs();
    else if (this.startsPrimary()) args = { args: [this.parsePostfix(this.parsePrimary())], kwargs: [] };
    return { type: 'test', value, name, args, negated, start: value.start, end: this.prevEnd() };
  }

  /** Whether the next token can begin a single test argument (`x is divisibleby 3`, `x is sameas none`). */
  protected startsPrimary(): boolean {
    const tok = this.toks[this.t];
    if (!tok) return false;
    if (tok.kind === 'string' || tok.kind === 'number') return true;
    if (tok.kind === 'name') return !['else', 'or', 'and', 'is', 'in', 'not', 'if'].includes(tok.value);
    return tok.value === '(' || tok.value === '[' || tok.value === '{';
  }
}
