// Helpers for project tests: load a fixture, and describe diagnostics by the text they cover.
import assert from 'node:assert/strict';
import { loadProject } from '../../../runtime/project/load.js';
import type { Diagnostic, Project } from '../../../runtime/project/types.js';
import { fixture, type Fixture } from '../../support/fixture.js';
import { describeAll } from '../../support/render.js';

export { describe, describeAll } from '../../support/render.js';

export async function load(text: string): Promise<{ f: Fixture; project: Project }> {
  const f = fixture(text);
  const project = await loadProject(f.fs, f.root);
  return { f, project };
}

/** Asserts the diagnostics with `code` are exactly `expected` (in order). */
export function assertDiagnostics(f: Fixture, diagnostics: Diagnostic[], code: string, expected: string[]): void {
  assert.deepEqual(describeAll(f, diagnostics.filter((d) => d.code === code)), expected);
}
