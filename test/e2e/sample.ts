// A fresh copy of sample-workspace/ in a temporary folder for an e2e test, without the outputs of
// earlier runs (lake layers, warehouse, target/, logs).
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ROOT } from './vsix.js';

const SAMPLE = path.join(ROOT, 'sample-workspace');
const GENERATED = /^(lake\/(silver|gold|_rejected)|warehouse\.duckdb|target|logs)(\/|$|\.)/;

/** Copies the sample; returns the copy's folder (named sample-workspace). */
export function copySample(): string {
  const workspace = path.join(mkdtempSync(path.join(tmpdir(), 'medallion-ws-')), 'sample-workspace');
  cpSync(SAMPLE, workspace, { recursive: true, filter: (src) => !GENERATED.test(path.relative(SAMPLE, src).split(path.sep).join('/')) });
  return workspace;
}

/** Removes a copy made by copySample(). */
export function removeSample(workspace: string): void {
  rmSync(path.dirname(workspace), { recursive: true, force: true });
}
