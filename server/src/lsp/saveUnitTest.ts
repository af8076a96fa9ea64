// medallion/saveUnitTest: samples the previewed model's inputs from the warehouse (opened read-only, for
// this request only), builds the unit test and answers with the edit of its schema YAML; the client
// applies it, so saving is undoable and nothing is written by the server.
import { existsSync, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { captureUnitTest } from '../../../runtime/run/captureUnitTest.js';
import { openForPreview } from '../../../runtime/run/preview.js';
import { addUnitTest, unitTestEntry, unitTestFile } from '../analysis/saveUnitTest.js';
import type { Workspace } from '../analysis/workspace.js';
import type * as P from './protocol.js';
import { range, type Paths } from './toLsp.js';

/** `id`: the model the request targets (by name or file), undefined when none matched. */
export async function saveUnitTest(ws: Workspace, paths: Paths, id: string | undefined, params: P.SaveUnitTestParams): Promise<P.SaveUnitTestResult> {
  const snap = ws.snapshot();
  const model = id === undefined ? undefined : snap.graph.nodes.get(id);
  if (model?.kind !== 'model') return { error: 'No model to save a unit test for here' };
  if (snap.project.config.trino) return { error: `Save as unit test reads the DuckDB warehouse; the target ${snap.project.config.target.name} runs on Trino` };
  const db = await openForPreview(path.resolve(ws.root, snap.project.config.warehouse));
  let captured;
  try {
    captured = await captureUnitTest({ db, project: snap.project, graph: snap.graph, fullRefresh: false }, model.id, { rows: params.rows });
  } finally {
    db.close();
  }
  const target = unitTestFile(snap.project, model, (file) => snap.text(file) !== undefined || existsSync(path.join(ws.root, file)));
  const text = target.create ? undefined : (snap.text(target.file) ?? (await fsp.readFile(path.join(ws.root, target.file), 'utf8')));
  const entry = unitTestEntry(snap.project, captured, new Date().toISOString().slice(0, 10));
  const added = addUnitTest(target.file, text, entry);
  if ('error' in added) return { error: added.error };
  const uri = paths.uri(target.file);
  return {
    name: entry.name,
    file: target.file,
    uri,
    create: target.create,
    range: range(TextDocument.create(uri, 'yaml', 0, text ?? ''), added.edit),
    newText: added.edit.newText,
    inputs: captured.given.map((g) => ({ input: g.input, rows: g.rows.length })),
    expectedRows: captured.expect.length,
  };
}
