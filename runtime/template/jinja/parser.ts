// Parses a Jinja2 template (dbt's dialect: `do`, loop controls, `{% test %}` blocks) into a tree,
// with Jinja2's grammar and operator precedence. Throws a positioned JinjaError on bad syntax.
import { lexTemplate, type Span, type Token } from '../lex.js';
import type { CallArgs, Expr, MacroDef, Node, Param, Target, Template } from './ast.js';
import { JinjaError, makeNumber } from './values.js';

type Item = { kind: 'text'; value: string; start: number; end: number } | { kind: 'tag'; span: Span };

/** The text between tags, with whitespace control applied, and the tags, in order. */
function items(text: string): { items: Item[]; spans: Span[] } {
  const { spans, raw } = lexTemplate(text);
  const rawBodies = new Map(raw.map((r) => [r.start, r.end]));
  const out: Item[] = [];
  let pos = 0;
  let trimNext = false;
  const addText = (start: number, end: number, trimStart: boolean, trimEnd: boolean): void => {
    let s = start;
    let e = end;
    if (trimStart) while (s < e && /\s/.test(text[s])) s++;
    if (trimEnd) while (e > s && /\s/.test(text[e - 1])) e--;
    if (e > s) out.push({ kind: 'text', value: text.slice(s, e), start: s, end: e });
  };
  for (let i = 0; i < spans.length; i++) {
    const span = spans[i];
    addText(pos, span.start, trimNext, span.trimBefore);
    pos = span.end;
    trimNext = span.trimAfter;
    if (span.kind === 'comment') continue;
    const rawEnd = rawBodies.get(span.end);
    if (rawEnd !== undefined) {
      addText(span.end, rawEnd, span.trimAfter, false);
      const endTag = spans[i + 1];
      if (!endTag || endTag.start !== rawEnd) throw new JinjaError("Missing end of raw directive ('endraw')", 'syntax', undefined, undefined);
      i++;
      pos = endTag.end;
      trimNext = endTag.trimAfter;
      continue;
    }
    out.push({ kind: 'tag', span });
  }
  // Jinja2 drops the template's single trailing newline (keep_trailing_newline is off).
  let end = text.length;
  if (text.endsWith('\n') && end > pos) end -= text.endsWith('\r\n') ? 2 : 1;
  addText(pos, end, trimNext, false);
  return { items: out, spans };
}

export function parseTemplate(file: string, text: string): Template {
  try {
    const lexed = items(text);
    return { file, body: new Parser(text, lexed.items).parseAll(), spans: lexed.spans };
  } catch (e) {
    if (e instanceof JinjaError && e.trace.length === 0) e.trace.push({ file, range: { start: 0, end: Math.min(text.length, 1) } });
    if (e instanceof JinjaError) for (const t of e.trace) if (t.file === '') t.file = file;
    throw e;
  }
}

const COMPARE = new Set(['==', '!=', '<', '>', '<=', '>=']);
const BLOCK_END_NAMES: Record<string, string> = { if: 'endif', for: 'endfor', macro: 'endmacro', call: 'endcall', filter: 'endfilter', set: 'endset', with: 'endwith', test: 'endtest', snapshot: 'endsnapshot', materialization: 'endmaterialization' };

class Parser {
  private i = 0;
  private toks: Token[] = [];
  private t = 0;
  private span!: Span;
  /** Open blocks, innermost last, for "the innermost block that needs to be closed" messages. */
  private readonly open: Span[] = [];

  constructor(
    private readonly text: string,
    private readonly items: Item[],
  ) {}

  parseAll(): Node[] {
    return this.parseBody([]);
  }

  // ---- statements ----------------------------------------------------------------------------

  /** Nodes up to (not including) a tag named in `until`. */
  private parseBody(until: string[]): Node[] {
    const body: Node[] = [];
    while (this.i < this.items.length) {
      const item = this.items[this.i];
      if (item.kind === 'text') {
        body.push({ type: 'text', value: item.value, start: item.start, end: item.end });
        this.i++;
        continue;
      }
      const span = item.span;
      if (!span.closed) throw this.error(`unexpected end of template, expected '${span.kind === 'expr' ? '}}' : '%}'}'`, span);
      if (span.kind === 'expr') {
        this.enter(span);
        if (this.toks.length === 0) throw this.error('Expected an expression, got end of print statement', span);
        const value = this.parseTuple(false);
        this.expectEnd();
        body.push({ type: 'output', value, start: span.start, end: span.end });
        this.i++;
        continue;
      }
      const name = span.tokens[0]?.value ?? '';
      if (until.includes(name)) return body;
      body.push(this.parseStatement(span, name));
    }
    if (until.length > 0) {
      const innermost = this.open[this.open.length - 1];
      const looking = until.map((u) => `'${u}'`).join(' or ');
      throw this.error(`Unexpected end of template. Jinja was looking for the following tags: ${looking}.${innermost ? ` The innermost block that needs to be closed is '${innermost.tokens[0]?.value}'.` : ''}`, innermost);
    }
    return body;
  }

  private parseStatement(span: Span, name: string): Node {
    this.enter(span);
    this.t = 1;
    const at = { start: span.start, end: span.end };
    switch (name) {
      case 'if':
        return this.parseIf(span);
      case 'for':
        return this.parseFor(span);
      case 'set':
        return this.parseSet(span);
      case 'macro': {
        const macro = this.parseMacroSignature(span, undefined);
        return { type: 'macro', macro, ...at };
      }
      case 'test': {
        const macro = this.parseMacroSignature(span, 'test_');
        return { type: 'macro', macro, ...at };
      }
      case 'call':
        return this.parseCallBlock(span);
      case 'filter': {
        const filters = this.parseFilterChain();
        this.expectEnd();
        const body = this.block(span, ['endfilter']);
        return { type: 'filterBlock', filters, body, ...at };
      }
      case 'with': {
        const assigns: Array<{ target: Target; value: Expr }> = [];
        while (!this.atEnd()) {
          if (assigns.length > 0) this.expectOp(',');
          const target = this.parseAssignTarget();
          this.expectOp('=');
          assigns.push({ target, value: this.parseExpression() });
        }
        const body = this.block(span, ['endwith']);
        return { type: 'with', assigns, body, ...at };
      }
      case 'do': {
        const value = this.parseTuple(false);
        this.expectEnd();
        this.i++;
        return { type: 'do', value, ...at };
      }
      case 'break':
      case 'continue':
        this.expectEnd();
        this.i++;
        return { type: name, ...at };
      case 'snapshot':
      case 'materialization': {
        const blockName = this.expectName();
        while (!this.atEnd()) this.t++; // `materialization table, adapter='duckdb'`: the rest is dbt's.
        const body = this.block(span, [BLOCK_END_NAMES[name]]);
        return { type: 'block', tag: name, name: blockName, body, renders: name === 'snapshot', ...at };
      }
      case 'include':
      case 'import':
      case 'from':
      case 'extends':
      case 'block':
        throw this.error(`'${name}' is not available in dbt templates: macros are global, call them by name`, span);
      default:
        throw this.error(name === '' ? 'tag name expected' : `Encountered unknown tag '${name}'.`, span);
    }
  }

  /** The body after the current tag up to one of `ends`, consuming the end tag. */
  private block(span: Span, ends: string[]): Node[] {
    this.i++;
    this.open.push(span);
    const body = this.parseBody(ends);
    this.open.pop();
    this.enter(this.currentSpan());
    this.t = 1;
    this.expectEnd();
    this.i++;
    return body;
  }

  private currentSpan(): Span {
    return (this.items[this.i] as { span: Span }).span;
  }

  private parseIf(span: Span): Node {
    const branches: Array<{ test: Expr; body: Node[] }> = [];
    let elseBody: Node[] = [];
    let test = this.parseExpression();
    this.expectEnd();
    for (;;) {
      this.i++;
      this.open.push(span);
      const body = this.parseBody(['elif', 'else', 'endif']);
      this.open.pop();
      branches.push({ test, body });
      const tag = this.currentSpan();
      this.enter(tag);
      this.t = 1;
      const name = tag.tokens[0].value;
      if (name === 'elif') {
        test = this.parseExpression();
        this.expectEnd();
        continue;
      }
      if (name === 'else') {
        this.expectEnd();
        elseBody = this.block(span, ['endif']);
        break;
      }
      this.expectEnd();
      this.i++;
      break;
    }
    return { type: 'if', branches, else: elseBody, start: span.start, end: span.end };
  }

  private parseFor(span: Span): Node {
    const target = this.parseAssignTarget(['in']);
    this.expectName('in');
    const iter = this.parseTuple(true, ['if', 'recursive']);
    let filter: Expr | undefined;
    if (this.peekName('if')) {
      this.t++;
      filter = this.parseExpression();
    }
    if (this.peekName('recursive')) throw this.error('recursive loops are not supported', span);
    this.expectEnd();
    this.i++;
    this.open.push(span);
    const body = this.parseBody(['else', 'endfor']);
    this.open.pop();
    let elseBody: Node[] = [];
    const tag = this.currentSpan();
    this.enter(tag);
    this.t = 1;
    if (tag.tokens[0].value === 'else') {
      this.expectEnd();
      elseBody = this.block(span, ['endfor']);
    } else {
      this.expectEnd();
      this.i++;
    }
    return { type: 'for', target, iter, filter, body, else: elseBody, start: span.start, end: span.end };
  }

  private parseSet(span: Span): Node {
    const target = this.parseAssignTarget();
    const at = { start: span.start, end: span.end };
    if (this.peekOp('=')) {
      this.t++;
      const value = this.parseTuple(false);
      this.expectEnd();
      this.i++;
      return { type: 'set', target, value, ...at };
    }
    const filters = this.peekOp('|') ? this.parseFilterChain() : [];
    this.expectEnd();
    const body = this.block(span, ['endset']);
    return { type: 'setBlock', target, body, filters, ...at };
  }

  private parseMacroSignature(span: Span, prefix: string | undefined): MacroDef {
    const name = (prefix ?? '') + this.expectName();
    const params = this.parseParams();
    this.expectEnd();
    const body = this.block(span, [prefix === undefined ? 'endmacro' : 'endtest']);
    return macroDef(name, params, body, span);
  }

  private parseParams(): Param[] {
    const params: Param[] = [];
    this.expectOp('(');
    while (!this.peekOp(')')) {
      if (params.length > 0) this.expectOp(',');
      if (this.peekOp(')')) break;
      const name = this.expectName();
      if (this.peekOp('=')) {
        this.t++;
        params.push({ name, default: this.parseExpression() });
      } else {
        params.push({ name });
      }
    }
    this.expectOp(')');
    return params;
  }

  private parseCallBlock(span: Span): Node {
    const params = this.peekOp('(') ? this.parseParams() : [];
    const call = this.parseExpression();
    if (call.type !== 'call') throw this.error('expected call', span);
    this.expectEnd();
    const body = this.block(span, ['endcall']);
    return { type: 'callBlock', call, macro: macroDef('caller', params, body, span), start: span.start, end: span.end };
  }

  /** `name(args)|other|...` in `{% filter %}` and `{% set x | f %}`. */
  private parseFilterChain(): Expr[] {
    const filters: Expr[] = [];
    if (this.peekOp('|')) this.t++;
    for (;;) {
      filters.push(this.parseFilter(undefined));
      if (!this.peekOp('|')) return filters;
      this.t++;
    }
  }

  private parseAssignTarget(endNames: string[] = []): Target {
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

  private parseSingleTarget(): Target {
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
  private parseTuple(simplified: boolean, endNames: string[] = []): Expr {
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

  private parseExpression(): Expr {
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

  private parseOr(): Expr {
    let left = this.parseAnd();
    while (this.peekName('or')) {
      this.t++;
      const right = this.parseAnd();
      left = { type: 'binary', op: 'or', left, right, start: left.start, end: right.end };
    }
    return left;
  }

  private parseAnd(): Expr {
    let left = this.parseNot();
    while (this.peekName('and')) {
      this.t++;
      const right = this.parseNot();
      left = { type: 'binary', op: 'and', left, right, start: left.start, end: right.end };
    }
    return left;
  }

  private parseNot(): Expr {
    if (this.peekName('not')) {
      const start = this.tok().start;
      this.t++;
      const value = this.parseNot();
      return { type: 'unary', op: 'not', value, start, end: value.end };
    }
    return this.parseCompare();
  }

  private parseCompare(): Expr {
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

  private parseMath1(): Expr {
    return this.binaryLevel(['+', '-'], () => this.parseConcat());
  }

  private parseConcat(): Expr {
    return this.binaryLevel(['~'], () => this.parseMath2());
  }

  private parseMath2(): Expr {
    return this.binaryLevel(['*', '/', '//', '%'], () => this.parsePow());
  }

  private parsePow(): Expr {
    return this.binaryLevel(['**'], () => this.parseUnary());
  }

  private binaryLevel(ops: string[], next: () => Expr): Expr {
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
  private parseUnary(withFilter = true): Expr {
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

  private parsePrimary(): Expr {
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
      if (tok.unterminated) throw this.error('unexpected char \'' + this.text[tok.start] + "' (unterminated string)", tok);
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

  private parsePostfix(expr: Expr): Expr {
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

  private parseSubscript(object: Expr): Expr {
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

  private parseCallArgs(): CallArgs {
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
  private parseFilterExpr(expr: Expr): Expr {
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

  private parseFilter(value: Expr | undefined): Expr {
    const start = this.tok().start;
    let name = this.expectName();
    while (this.peekOp('.')) {
      this.t++;
      name += '.' + this.expectName();
    }
    const args = this.peekOp('(') ? this.parseCallArgs() : { args: [], kwargs: [] };
    return { type: 'filter', value, name, args, start: value?.start ?? start, end: this.prevEnd() };
  }

  private parseTest(value: Expr): Expr {
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
  private startsPrimary(): boolean {
    const tok = this.toks[this.t];
    if (!tok) return false;
    if (tok.kind === 'string' || tok.kind === 'number') return true;
    if (tok.kind === 'name') return !['else', 'or', 'and', 'is', 'in', 'not', 'if'].includes(tok.value);
    return tok.value === '(' || tok.value === '[' || tok.value === '{';
  }

  // ---- tokens ----------------------------------------------------------------------------------

  private enter(span: Span): void {
    this.span = span;
    this.toks = span.tokens;
    this.t = 0;
  }

  private atEnd(): boolean {
    return this.t >= this.toks.length;
  }

  private tok(): { start: number; end: number } {
    return this.toks[this.t] ?? { start: this.span.inner.end, end: this.span.end };
  }

  private prevEnd(): number {
    return this.toks[this.t - 1]?.end ?? this.span.inner.start;
  }

  private peekOp(op: string): boolean {
    const tok = this.toks[this.t];
    return tok !== undefined && tok.kind === 'op' && tok.value === op;
  }

  private peekName(name: string): boolean {
    const tok = this.toks[this.t];
    return tok !== undefined && tok.kind === 'name' && tok.value === name;
  }

  private expectOp(op: string): void {
    if (!this.peekOp(op)) throw this.error(`expected '${op}', got '${this.describe()}'`);
    this.t++;
  }

  private expectName(name?: string): string {
    const tok = this.toks[this.t];
    if (!tok || tok.kind !== 'name' || (name !== undefined && tok.value !== name)) {
      throw this.error(name === undefined ? `expected a name, got '${this.describe()}'` : `expected '${name}', got '${this.describe()}'`);
    }
    this.t++;
    return tok.value;
  }

  private expectEnd(): void {
    if (!this.atEnd()) throw this.error(`expected end of ${this.span.kind === 'expr' ? 'print statement' : 'statement block'}, got '${this.describe()}'`);
  }

  private describe(): string {
    const tok = this.toks[this.t];
    if (!tok) return this.span.kind === 'expr' ? 'end of print statement' : 'end of statement block';
    return tok.kind === 'string' ? `'${tok.value}'` : tok.value;
  }

  private error(message: string, at?: { start: number; end: number }): JinjaError {
    const where = at ?? (this.atEnd() ? { start: this.span.start, end: this.span.end } : this.tok());
    return new JinjaError(message, 'syntax', '', { start: where.start, end: where.end });
  }
}

function macroDef(name: string, params: Param[], body: Node[], span: Span): MacroDef {
  const reads = namesRead(body);
  return { name, params, body, catchVarargs: reads.has('varargs'), catchKwargs: reads.has('kwargs'), callsCaller: reads.has('caller'), start: span.start, end: span.end };
}

/** Every name an expression in `body` reads (not inside nested macros), as Jinja2 checks for varargs/kwargs/caller. */
function namesRead(body: Node[]): Set<string> {
  const out = new Set<string>();
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) {
      for (const x of v) visit(x);
      return;
    }
    if (!v || typeof v !== 'object') return;
    const node = v as { type?: string; name?: string };
    if (node.type === 'macro') return;
    if (node.type === 'name' && typeof node.name === 'string') out.add(node.name);
    for (const value of Object.values(v)) if (value && typeof value === 'object') visit(value);
  };
  visit(body);
  return out;
}
