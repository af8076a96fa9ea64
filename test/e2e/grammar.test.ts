// The SQL + Jinja TextMate grammar, tokenized by VS Code's own engine (vscode-textmate and
// oniguruma from the pinned code-server) together with VS Code's SQL grammar, as the editor does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { ROOT } from './vsix.js';

const VSCODE = path.join(ROOT, '.tools', 'code-server', 'node_modules', 'code-server', 'lib', 'vscode');
const GRAMMARS: Record<string, string> = {
  'source.sql': path.join(VSCODE, 'extensions', 'sql', 'syntaxes', 'sql.tmLanguage.json'),
  'source.jinja-sql': path.join(ROOT, 'syntaxes', 'jinja-sql.tmLanguage.json'),
  'source.medallion.jinja.injection': path.join(ROOT, 'syntaxes', 'jinja.injection.tmLanguage.json'),
};

interface Token { text: string; scopes: string[] }

async function tokenizer(scope: string): Promise<(text: string) => Token[]> {
  const load = createRequire(__filename);
  const tm = load(path.join(VSCODE, 'node_modules', 'vscode-textmate'));
  const onig = load(path.join(VSCODE, 'node_modules', 'vscode-oniguruma'));
  await onig.loadWASM(readFileSync(path.join(VSCODE, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm')).buffer);
  const registry = new tm.Registry({
    onigLib: Promise.resolve({ createOnigScanner: (p: string[]) => new onig.OnigScanner(p), createOnigString: (s: string) => new onig.OnigString(s) }),
    loadGrammar: async (s: string) => (GRAMMARS[s] ? tm.parseRawGrammar(readFileSync(GRAMMARS[s], 'utf8'), GRAMMARS[s]) : null),
    // As package.json's "injectTo" says.
    getInjections: (s: string) => (s === 'source.sql' || s === 'source.jinja-sql' ? ['source.medallion.jinja.injection'] : []),
  });
  const grammar = await registry.loadGrammar(scope);
  return (text) => {
    let stack = tm.INITIAL;
    const out: Token[] = [];
    for (const line of text.split('\n')) {
      const r = grammar.tokenizeLine(line, stack);
      stack = r.ruleStack;
      for (const t of r.tokens) out.push({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes });
    }
    return out;
  };
}

/** The scopes of the first token whose text is `text`. */
function scopesOf(tokens: Token[], text: string): string[] {
  const token = tokens.find((t) => t.text === text);
  assert.ok(token, `no token ${JSON.stringify(text)} in ${tokens.map((t) => t.text).join('|')}`);
  return token.scopes;
}

const MODEL = [
  "{{ config(materialized='incremental') }}",
  "select user_id, '{{ var(\"start\") }}' as since",
  "from {{ ref('orders') }} -- {{ this }}",
  '{%- if is_incremental() %} where ts > 1 {% endif -%} {# note #}',
].join('\n');

for (const scope of ['source.sql', 'source.jinja-sql']) {
  test(`Jinja is highlighted inside SQL (${scope})`, async () => {
    const tokens = (await tokenizer(scope))(MODEL);
    assert.ok(scopesOf(tokens, 'ref').includes('support.function.builtin.jinja'));
    assert.ok(scopesOf(tokens, 'config').includes('support.function.builtin.jinja'));
    assert.ok(scopesOf(tokens, 'orders').includes('string.quoted.single.jinja'));
    assert.ok(scopesOf(tokens, '{%-').includes('punctuation.section.embedded.begin.jinja'));
    assert.ok(scopesOf(tokens, 'if').includes('keyword.control.jinja'));
    assert.ok(scopesOf(tokens, 'endif').includes('keyword.control.jinja'));
    assert.ok(scopesOf(tokens, ' note ').includes('comment.block.jinja'));
    // Jinja inside a SQL string and inside a SQL comment still renders, so it is highlighted.
    assert.ok(scopesOf(tokens, 'var').includes('string.quoted.single.sql'));
    assert.ok(scopesOf(tokens, 'var').includes('support.function.builtin.jinja'));
    assert.ok(scopesOf(tokens, 'this').includes('comment.line.double-dash.sql'));
    assert.ok(scopesOf(tokens, 'this').includes('variable.language.jinja'));
    // SQL around the tags keeps its own highlighting.
    assert.ok(scopesOf(tokens, 'select').some((s) => s.startsWith('keyword.') && s.endsWith('.sql')));
  });
}
