// `--vars '{key: value}'` read as dbt reads it: YAML 1.1 as PyYAML's safe_load reads it (JSON is YAML
// too; `yes`/`on` are true, but `y`/`n` stay strings), and it must be a map. Never throws: a problem
// is a diagnostic on the flag's text.
import { parseDocument, type ScalarTag, type Tags } from 'yaml';
import type { Result } from '../project/types.js';

/** YAML 1.1's tags without the one-letter booleans, which PyYAML's resolver does not have. */
function pyyamlTags(tags: Tags): Tags {
  return tags.map((tag) => {
    if (typeof tag !== 'object' || tag.tag !== 'tag:yaml.org,2002:bool' || !(tag.test instanceof RegExp)) return tag;
    const bool = tag as ScalarTag & { test: RegExp };
    return { ...bool, test: new RegExp(bool.test.source.replace(/\(\?:[YN]\|[yn]\|/, '(?:')) };
  });
}

export function parseVars(text: string): Result<Record<string, unknown>> {
  const doc = parseDocument(text, { version: '1.1', uniqueKeys: false, prettyErrors: false, customTags: pyyamlTags });
  const bad = (message: string, start = 0, end = text.length): Result<Record<string, unknown>> => ({
    value: {},
    diagnostics: [{ file: '', range: { start, end }, severity: 'error', message, code: 'bad-vars' }],
  });
  const error = doc.errors[0];
  if (error) {
    const [start, end] = error.pos;
    return bad(`--vars is not valid YAML: ${error.message.split('\n')[0]} (at character ${start + 1} of '${text}')`, start, end);
  }
  let value: unknown;
  try {
    // An unresolved alias or an alias bomb throws here, bounded by maxAliasCount.
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    return bad(`--vars is not valid YAML: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const type = value === null ? 'nothing' : Array.isArray(value) ? 'a list' : `a ${typeof value}`;
    return bad(`--vars must be a YAML map such as '{key: value}', but '${text}' is ${type}`);
  }
  return { value: value as Record<string, unknown>, diagnostics: [] };
}
