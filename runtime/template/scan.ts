// The static scan of a template (the editor's fast path): ref/source/config/var/is_incremental and
// macro calls with exact ranges, macro definitions and Jinja block balance. No Jinja run; never throws.
import type { Diagnostic, MacroDef, Range, TemplateScan } from '../project/types.js';
import { lexTemplate, type Span, type Token } from './lex.js';

/** Names the dbt context provides; a call of any other name is a macro call. */
export const BUILTINS = new Set([
  'ref', 'source', 'config', 'var', 'env_var', 'is_incremental', 'this', 'target', 'log', 'return',
  'adapter', 'run_query', 'exceptions', 'modules', 'range', 'dict', 'list', 'lipsum', 'cycler', 'joiner',
  'namespace', 'caller', 'super', 'loop', 'zip', 'statement', 'load_result', 'fromjson', 'tojson',
  'fromyaml', 'toyaml', 'set', 'print', 'graph', 'model', 'execute', 'flags', 'invocation_id',
  'run_started_at', 'builtins', 'api', 'doc', 'local_md5', 'as_bool', 'as_native', 'as_number', 'as_text',
  'selected_resources', 'write', 'dbt_version', 'project_name', 'schema', 'database', 'True', 'False',
  'load_relation', 'store_result', 'should_store_failures', 'default__generate_schema_name',
  'generate_schema_name_for_env', 'default__generate_alias_name',
  'None', 'true', 'false', 'none',
]);

/** Names every macro body has without binding them. */
const IMPLICIT = new Set(['kwargs', 'varargs', 'self', 'context']);

/** Block tags and their closing tags. */
const BLOCKS = new Set(['if', 'for', 'macro', 'call', 'filter', 'block', 'test', 'materialization', 'docs', 'snapshot', 'set']);
const MIDDLES: Record<string, string[]> = { else: ['if', 'for'], elif: ['if'], elseif: ['if'] };

interface OpenBlock {
  tag: string;
  span: Span;
  macro?: MacroDef;
}

export function scanTemplate(text: string): TemplateScan {
  const scan: TemplateScan = { refs: [], sources: [], configs: [], vars: [], macroCalls: [], packageCalls: [], isIncremental: [], macroDefs: [], diagnostics: [] };
  try {
    scanInto(text, scan);
  } catch (err) {
    // The scanner is ours and total by design; this only guards the editor against a bug in it.
    scan.diagnostics.push(diag({ start: 0, end: 0 }, `internal: template scan failed: ${String(err)}`, 'scan-internal'));
  }
  return scan;
}

/** What the scan of one template carries from span to span. */
interface ScanState {
  text: string;
  scan: TemplateScan;
  stack: OpenBlock[];
  /** Names set or bound in the template: a call of one is not a macro call. */
  locals: Set<string>;
  macroCalls: Array<{ name: string; range: Range }>;
  packageCalls: TemplateScan['packageCalls'];
}

function scanInto(text: string, scan: TemplateScan): void {
  const state: ScanState = { text, scan, stack: [], locals: new Set(), macroCalls: [], packageCalls: [] };
  for (const span of lexTemplate(text).spans) {
    if (!span.closed) {
      const open = text.slice(span.start, span.start + 2);
      const close = span.kind === 'expr' ? '}}' : span.kind === 'stmt' ? '%}' : '#}';
      scan.diagnostics.push(diag({ start: span.start, end: span.start + 2 }, `Unclosed '${open}': expected '${close}'`, 'jinja-syntax'));
    }
    if (span.kind === 'comment') continue;
    const firstCall = span.kind === 'stmt' && span.tokens.length > 0 ? statement(state, span) : 0;
    if (firstCall >= 0) scanCalls(state, span.tokens, firstCall);
  }
  for (const open of state.stack) {
    const tagText = text.slice(open.span.start, open.span.end);
    scan.diagnostics.push(diag({ start: open.span.start, end: open.span.end }, `Unclosed '${tagText}': expected '{% end${open.tag} %}'`, 'jinja-syntax'));
  }
  const defined = new Set(scan.macroDefs.map((m) => m.name));
  for (const c of state.macroCalls) if (!state.locals.has(c.name) || defined.has(c.name)) scan.macroCalls.push(c);
  for (const c of state.packageCalls) if (!state.locals.has(c.package)) scan.packageCalls.push(c);
}

/**
 * A statement's tag: opens, continues or closes a block (a macro or test block defines a macro).
 * Returns the index of the first token that may be a call, or -1 when the statement has none to scan.
 */
function statement(state: ScanState, span: Span): number {
  const { scan, stack, text } = state;
  const toks = span.tokens;
  const tag = toks[0].value;
  collectLocals(tag, toks, state.locals);
  if (tag === 'endraw') return -1; // the lexer pairs raw blocks itself
  if (tag.startsWith('end')) closeBlock(tag.slice(3), span, text, stack, scan);
  else if (MIDDLES[tag]) checkMiddle(tag, span, stack, scan);
  else if (BLOCKS.has(tag) && !(tag === 'set' && toks.some((t) => t.kind === 'op' && t.value === '='))) {
    const open: OpenBlock = { tag, span };
    // A generic test `{% test name(...) %}` is the macro `test_name`, as dbt registers it.
    if ((tag === 'macro' || tag === 'test') && toks[1]?.kind === 'name') {
      open.macro = {
        name: tag === 'test' ? `test_${toks[1].value}` : toks[1].value,
        params: macroParams(toks),
        file: '',
        range: { start: span.start, end: span.end },
        nameRange: { start: toks[1].start, end: toks[1].end },
      };
      scan.macroDefs.push(open.macro);
    }
    stack.push(open);
  }
  return tag === 'macro' || tag === 'test' || tag === 'materialization' ? 2 : 1;
}

/** The calls among a span's tokens from `first` on: dbt's own functions, macros and packages' macros. */
function scanCalls(state: ScanState, toks: Token[], first: number): void {
  for (let k = first; k < toks.length - 1; k++) {
    const t = toks[k];
    const prev = toks[k - 1];
    const afterDotOrFilter = prev && ((prev.kind === 'op' && (prev.value === '.' || prev.value === '|')) || (prev.kind === 'name' && prev.value === 'is'));
    // `pkg.name(...)`: a package's macro, unless `pkg` is a builtin or a local (`cols.append(x)`).
    if (t.kind === 'name' && toks[k + 1].value === '.' && toks[k + 2]?.kind === 'name' && toks[k + 3]?.value === '(' && !afterDotOrFilter && !BUILTINS.has(t.value) && !IMPLICIT.has(t.value)) {
      const call = parseCall(toks, k + 3);
      const name = toks[k + 2];
      state.packageCalls.push({ package: t.value, name: name.value, range: { start: t.start, end: call.end }, packageRange: { start: t.start, end: t.end }, nameRange: { start: name.start, end: name.end } });
      continue;
    }
    if (t.kind !== 'name' || toks[k + 1].value !== '(' || afterDotOrFilter) continue;
    const call = parseCall(toks, k + 1);
    recordCall(state, t.value, call, { start: t.start, end: call.end });
  }
}

/** One call `name(...)`: a ref, source, config, var or is_incremental, else a candidate macro call. */
function recordCall(state: ScanState, name: string, call: Call, range: Range): void {
  const { scan, text } = state;
  switch (name) {
    case 'ref': {
      const strs = call.positional.filter((a) => typeof a.value === 'string' && a.literal);
      if (strs.length === call.positional.length && (strs.length === 1 || strs.length === 2)) {
        const nameArg = strs[strs.length - 1];
        scan.refs.push({ name: nameArg.value as string, package: strs.length === 2 ? (strs[0].value as string) : undefined, range, nameRange: inner(text, nameArg.range) });
      } else (scan.dynamicRefs ??= []).push(range);
      return;
    }
    case 'source': {
      const [s, tbl] = call.positional;
      if (call.positional.length === 2 && s.literal && tbl.literal && typeof s.value === 'string' && typeof tbl.value === 'string') {
        scan.sources.push({ source: s.value, table: tbl.value, range, sourceRange: inner(text, s.range), tableRange: inner(text, tbl.range) });
      }
      return;
    }
    case 'config': {
      const args: Record<string, unknown> = {};
      const argRanges: Record<string, Range> = {};
      for (const [key, a] of call.kwargs) {
        argRanges[key] = a.range;
        if (a.literal) args[key] = a.value;
      }
      scan.configs.push({ args, argRanges, range });
      return;
    }
    case 'var': {
      const first = call.positional[0];
      if (first && first.literal && typeof first.value === 'string') {
        scan.vars.push({ name: first.value, hasDefault: call.positional.length > 1 || call.kwargs.has('default'), range, nameRange: inner(text, first.range) });
      }
      return;
    }
    case 'is_incremental':
      scan.isIncremental.push(range);
      return;
    default:
      if (!BUILTINS.has(name)) state.macroCalls.push({ name, range });
  }
}

function closeBlock(tag: string, span: Span, text: string, stack: OpenBlock[], scan: TemplateScan): void {
  const at = findLast(stack, tag);
  const closer = text.slice(span.start, span.end);
  if (at < 0) {
    scan.diagnostics.push(diag({ start: span.start, end: span.end }, `'${closer}' has no matching '{% ${tag} %}'`, 'jinja-syntax'));
    return;
  }
  for (const open of stack.splice(at + 1)) {
    const tagText = text.slice(open.span.start, open.span.end);
    scan.diagnostics.push(diag({ start: open.span.start, end: open.span.end }, `Unclosed '${tagText}': expected '{% end${open.tag} %}' before '${closer}'`, 'jinja-syntax'));
  }
  const open = stack.pop()!;
  if (open.macro) open.macro.range = { start: open.span.start, end: span.end };
}

function checkMiddle(tag: string, span: Span, stack: OpenBlock[], scan: TemplateScan): void {
  const top = stack[stack.length - 1];
  if (!top || !MIDDLES[tag].includes(top.tag)) {
    scan.diagnostics.push(diag({ start: span.start, end: span.end }, `'{% ${tag} %}' outside of ${MIDDLES[tag].map((t) => `'{% ${t} %}'`).join(' or ')}`, 'jinja-syntax'));
  }
}

function findLast(stack: OpenBlock[], tag: string): number {
  for (let i = stack.length - 1; i >= 0; i--) if (stack[i].tag === tag) return i;
  return -1;
}

/** Names bound by set/for/import/macro parameters: calls of these are not macro calls. */
function collectLocals(tag: string, toks: Token[], locals: Set<string>): void {
  if (tag === 'set' || tag === 'for') {
    for (let i = 1; i < toks.length && toks[i].value !== '=' && toks[i].value !== 'in'; i++) if (toks[i].kind === 'name') locals.add(toks[i].value);
  } else if (tag === 'from' || tag === 'import') {
    const start = toks.findIndex((t) => t.value === 'import' || t.value === 'as');
    for (let i = Math.max(start, 1); i < toks.length; i++) if (toks[i].kind === 'name' && toks[i].value !== 'as' && toks[i].value !== 'import') locals.add(toks[i].value);
  } else if (tag === 'macro' || tag === 'test') {
    for (const p of macroParams(toks)) locals.add(p);
  }
}

function macroParams(toks: Token[]): string[] {
  const params: string[] = [];
  if (toks[2]?.value !== '(') return params;
  let depth = 0;
  for (let i = 2; i < toks.length; i++) {
    const t = toks[i];
    if (t.value === '(' || t.value === '[' || t.value === '{') depth++;
    else if (t.value === ')' || t.value === ']' || t.value === '}') {
      if (--depth === 0) break;
    } else if (depth === 1 && t.kind === 'name' && (toks[i - 1].value === '(' || toks[i - 1].value === ',')) params.push(t.value);
  }
  return params;
}

// ---------------------------------------------------------------------------
// Call arguments: literal values are evaluated; anything else is skipped with its range.

interface Arg {
  literal: boolean;
  value: unknown;
  range: Range;
}

interface Call {
  positional: Arg[];
  kwargs: Map<string, Arg>;
  /** Offset just past the closing parenthesis (or the last token when unclosed). */
  end: number;
}

function parseCall(toks: Token[], open: number): Call {
  const call: Call = { positional: [], kwargs: new Map(), end: toks[open].end };
  let i = open + 1;
  while (i < toks.length && toks[i].value !== ')') {
    let key: string | undefined;
    if (toks[i].kind === 'name' && toks[i + 1]?.value === '=') {
      key = toks[i].value;
      i += 2;
    }
    const [arg, next] = parseArg(toks, i);
    if (key !== undefined) call.kwargs.set(key, arg);
    else call.positional.push(arg);
    i = next;
    if (toks[i]?.value === ',') i++;
    else if (toks[i] && toks[i].value !== ')') break;
  }
  const last = toks[Math.min(i, toks.length - 1)];
  call.end = last.end;
  return call;
}

/** One argument: a literal, or else everything up to the next top-level ',' or closer. */
function parseArg(toks: Token[], i: number): [Arg, number] {
  const lit = parseLiteral(toks, i);
  const after = toks[lit?.next ?? i];
  if (lit && (!after || after.value === ',' || after.value === ')')) {
    return [{ literal: true, value: lit.value, range: { start: toks[i].start, end: toks[lit.next - 1].end } }, lit.next];
  }
  let depth = 0;
  let j = i;
  for (; j < toks.length; j++) {
    const v = toks[j].kind === 'op' ? toks[j].value : '';
    if (v === '(' || v === '[' || v === '{') depth++;
    else if (v === ')' || v === ']' || v === '}') {
      if (depth === 0) break;
      depth--;
    } else if (v === ',' && depth === 0) break;
  }
  const start = toks[i]?.start ?? toks[toks.length - 1].end;
  const end = j > i ? toks[j - 1].end : start;
  return [{ literal: false, value: undefined, range: { start, end } }, j];
}

function parseLiteral(toks: Token[], i: number): { value: unknown; next: number } | undefined {
  const t = toks[i];
  if (!t) return undefined;
  if (t.kind === 'string') return { value: t.value, next: i + 1 };
  if (t.kind === 'number') return { value: Number(t.value.replace(/_/g, '')), next: i + 1 };
  if (t.kind === 'op' && t.value === '-' && toks[i + 1]?.kind === 'number') return { value: -Number(toks[i + 1].value), next: i + 2 };
  if (t.kind === 'name') {
    if (t.value === 'true' || t.value === 'True') return { value: true, next: i + 1 };
    if (t.value === 'false' || t.value === 'False') return { value: false, next: i + 1 };
    if (t.value === 'none' || t.value === 'None') return { value: null, next: i + 1 };
    return undefined;
  }
  if (t.value === '[' || t.value === '(') {
    const close = t.value === '[' ? ']' : ')';
    const items: unknown[] = [];
    let j = i + 1;
    while (toks[j] && toks[j].value !== close) {
      const item = parseLiteral(toks, j);
      if (!item) return undefined;
      items.push(item.value);
      j = item.next;
      if (toks[j]?.value === ',') j++;
      else if (toks[j]?.value !== close) return undefined;
    }
    return toks[j] ? { value: items, next: j + 1 } : undefined;
  }
  if (t.value === '{') {
    const obj: Record<string, unknown> = {};
    let j = i + 1;
    while (toks[j] && toks[j].value !== '}') {
      const key = toks[j];
      if (key.kind !== 'string' || toks[j + 1]?.value !== ':') return undefined;
      const item = parseLiteral(toks, j + 2);
      if (!item) return undefined;
      obj[key.value] = item.value;
      j = item.next;
      if (toks[j]?.value === ',') j++;
      else if (toks[j]?.value !== '}') return undefined;
    }
    return toks[j] ? { value: obj, next: j + 1 } : undefined;
  }
  return undefined;
}

/** The range of a string literal's content, without its quotes. */
function inner(text: string, r: Range): Range {
  const q = text[r.start];
  const closed = r.end - r.start >= 2 && text[r.end - 1] === q;
  return { start: r.start + 1, end: closed ? r.end - 1 : r.end };
}

function diag(range: Range, message: string, code: string): Diagnostic {
  return { file: '', range, severity: 'error', message, code };
}
