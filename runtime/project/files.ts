// Per-file parsers for models, macros, seeds and singular tests: each summarizes one file alone
// (static template scan, config() checks; a seed keeps its text). Never throws.
import { scanTemplate } from '../template/scan.js';
import { checkConfig } from './config.js';
import { scanPython } from './python.js';
import type { MacroFile, ModelFile, SeedFile, SnapshotFile, TestFile } from './summary.js';
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
  // DuckDB reads SQL up to a NUL and would report a syntax error somewhere else.
  const nul = text.indexOf('\0');
  if (nul >= 0) diagnostics.push({ file, range: { start: nul, end: nul + 1 }, severity: 'error', message: 'This file contains a NUL byte: it is not text (a binary file or a broken encoding); remove it', code: 'nul-byte' });
  for (const c of scan.configs) diagnostics.push(...checkConfig(file, c.args, (k) => c.argRanges[k] ?? c.range));
  return { scan, diagnostics };
}

export function parseModelFile(file: string, text: string): Result<ModelFile> {
  const { scan, diagnostics } = scanWithFile(file, text);
  return { value: { kind: 'model', file, name: baseName(file), text, scan }, diagnostics };
}

/** A Python model: its dbt.ref/source/config calls for the graph (python.ts); its config values checked as a SQL model's. */
export function parsePythonModelFile(file: string, text: string): Result<ModelFile> {
  const scan = scanPython(text);
  const diagnostics = scan.configs.flatMap((c) => checkConfig(file, c.args, (k) => c.argRanges[k] ?? c.range));
  return { value: { kind: 'model', file, name: baseName(file), text, scan, language: 'python' }, diagnostics };
}

const SNAPSHOT_BLOCK = /\{%-?\s*snapshot\s+([A-Za-z_][\w]*)\s*-?%\}/;

/** A snapshot file: named by its `{% snapshot %}` block, which must be there (dbt's rule). */
export function parseSnapshotFile(file: string, text: string): Result<SnapshotFile> {
  const { scan, diagnostics } = scanWithFile(file, text);
  const block = SNAPSHOT_BLOCK.exec(text);
  const at = block ? block.index + block[0].lastIndexOf(block[1]) : 0;
  const nameRange = { start: at, end: block ? at + block[1].length : 0 };
  if (!block) diagnostics.push({ file, range: nameRange, severity: 'error', message: 'A snapshot file needs a {% snapshot name %} … {% endsnapshot %} block', code: 'snapshot-no-block' });
  return { value: { kind: 'snapshot', file, name: block ? block[1] : baseName(file), nameRange, text, scan }, diagnostics };
}

export function parseTestFile(file: string, text: string): Result<TestFile> {
  const { scan, diagnostics } = scanWithFile(file, text);
  return { value: { kind: 'test', file, name: baseName(file), text, scan }, diagnostics };
}

export function parseMacroFile(file: string, text: string): Result<MacroFile> {
  const { scan, diagnostics } = scanWithFile(file, text);
  return { value: { kind: 'macro', file, text, macros: scan.macroDefs }, diagnostics };
}

/** A seed's summary is its text: the CSV is read once the project says its delimiter (link.ts). */
export function parseSeedFile(file: string, text: string): Result<SeedFile> {
  return { value: { kind: 'seed', file, name: baseName(file), text }, diagnostics: [] };
}
