// Per-file parsers for models, macros, seeds and singular tests: each summarizes one file alone
// (static template scan, config() checks, CSV header). Never throws.
import { scanTemplate } from '../template/scan.js';
import { checkConfig } from './config.js';
import type { MacroFile, ModelFile, SeedFile, TestFile } from './summary.js';
import type { Diagnostic, Result, TemplateScan } from './types.js';

export function baseName(file: string): string {
  const slash = file.lastIndexOf('/');
  const name = file.slice(slash + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

function scanWithFile(file: string, text: string): { scan: TemplateScan; diagnostics: Diagnostic[] } {
  const scan = scanTemplate(text);
  for (const d of scan.diagnostics) d.file = file;
  for (const m of scan.macroDefs) m.file = file;
  const diagnostics = [...scan.diagnostics];
  for (const c of scan.configs) diagnostics.push(...checkConfig(file, c.args, (k) => c.argRanges[k] ?? c.range));
  return { scan, diagnostics };
}

export function parseModelFile(file: string, text: string): Result<ModelFile> {
  const { scan, diagnostics } = scanWithFile(file, text);
  return { value: { kind: 'model', file, name: baseName(file), text, scan }, diagnostics };
}

export function parseTestFile(file: string, text: string): Result<TestFile> {
  const { scan, diagnostics } = scanWithFile(file, text);
  return { value: { kind: 'test', file, name: baseName(file), text, scan }, diagnostics };
}

export function parseMacroFile(file: string, text: string): Result<MacroFile> {
  const { scan, diagnostics } = scanWithFile(file, text);
  return { value: { kind: 'macro', file, text, macros: scan.macroDefs }, diagnostics };
}

export function parseSeedFile(file: string, text: string): Result<SeedFile> {
  const diagnostics: Diagnostic[] = [];
  const end = text.search(/\r?\n/);
  const header = end < 0 ? text : text.slice(0, end);
  const columns = splitCsvLine(header.replace(/^\uFEFF/, ''));
  if (columns.length === 0 || columns.every((c) => c === '')) {
    diagnostics.push({ file, range: { start: 0, end: header.length }, severity: 'error', message: 'Seed has no header row', code: 'seed-no-header' });
  }
  return { value: { kind: 'seed', file, name: baseName(file), columns: columns.filter((c) => c !== '') }, diagnostics };
}

/** Splits one CSV line, honouring double quotes ("a,b" and "" escapes). */
function splitCsvLine(line: string): string[] {
  if (line.trim() === '') return [];
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  out.push(cur.trim());
  return out;
}
