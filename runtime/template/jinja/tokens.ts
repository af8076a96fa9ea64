// The token cursor of the Jinja parser: one tag's tokens at a time, with the peeks, expectations
// and positioned syntax errors both the expression and the statement parsers use.
import type { Span, Token } from '../lex.js';
import { JinjaError } from './values.js';

export class TokenCursor {
  protected toks: Token[] = [];
  protected t = 0;
  protected span!: Span;

  protected enter(span: Span): void {
    this.span = span;
    this.toks = span.tokens;
    this.t = 0;
  }

  protected atEnd(): boolean {
    return this.t >= this.toks.length;
  }

  protected tok(): { start: number; end: number } {
    return this.toks[this.t] ?? { start: this.span.inner.end, end: this.span.end };
  }

  protected prevEnd(): number {
    return this.toks[this.t - 1]?.end ?? this.span.inner.start;
  }

  protected peekOp(op: string): boolean {
    const tok = this.toks[this.t];
    return tok !== undefined && tok.kind === 'op' && tok.value === op;
  }

  protected peekName(name: string): boolean {
    const tok = this.toks[this.t];
    return tok !== undefined && tok.kind === 'name' && tok.value === name;
  }

  protected expectOp(op: string): void {
    if (!this.peekOp(op)) throw this.error(`expected '${op}', got '${this.describe()}'`);
    this.t++;
  }

  protected expectName(name?: string): string {
    const tok = this.toks[this.t];
    if (!tok || tok.kind !== 'name' || (name !== undefined && tok.value !== name)) {
      throw this.error(name === undefined ? `expected a name, got '${this.describe()}'` : `expected '${name}', got '${this.describe()}'`);
    }
    this.t++;
    return tok.value;
  }

  protected expectEnd(): void {
    if (!this.atEnd()) throw this.error(`expected end of ${this.span.kind === 'expr' ? 'print statement' : 'statement block'}, got '${this.describe()}'`);
  }

  protected describe(): string {
    const tok = this.toks[this.t];
    if (!tok) return this.span.kind === 'expr' ? 'end of print statement' : 'end of statement block';
    return tok.kind === 'string' ? `'${tok.value}'` : tok.value;
  }

  protected error(message: string, at?: { start: number; end: number }): JinjaError {
    const where = at ?? (this.atEnd() ? { start: this.span.start, end: this.span.end } : this.tok());
    return new JinjaError(message, 'syntax', '', { start: where.start, end: where.end });
  }
}
