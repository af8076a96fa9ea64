// Parses a Jinja2 template (dbt's dialect: `do`, loop controls, `{% test %}`, `{% snapshot %}` and
// `{% materialization %}` blocks) into a tree: the text between tags with whitespace control, and
// the statements; expressions are expressions.ts's. Throws a positioned JinjaError on bad syntax.
import { lexTemplate, type Span } from '../lex.js';
import type { Expr, MacroDef, Node, Param, Target, Template } from './ast.js';
import { ExpressionParser } from './expressions.js';
import { JinjaError } from './values.js';

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
    return { file, body: new Parser(lexed.items).parseAll(), spans: lexed.spans };
  } catch (e) {
    if (e instanceof JinjaError && e.trace.length === 0) e.trace.push({ file, range: { start: 0, end: Math.min(text.length, 1) } });
    if (e instanceof JinjaError) for (const t of e.trace) if (t.file === '') t.file = file;
    throw e;
  }
}

const BLOCK_END_NAMES: Record<string, string> = { if: 'endif', for: 'endfor', macro: 'endmacro', call: 'endcall', filter: 'endfilter', set: 'endset', with: 'endwith', test: 'endtest', snapshot: 'endsnapshot', materialization: 'endmaterialization' };

class Parser extends ExpressionParser {
  private i = 0;
  /** Open blocks, innermost last, for "the innermost block that needs to be closed" messages. */
  private readonly open: Span[] = [];

  constructor(private readonly items: Item[]) {
    super();
  }

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
