// Rename a model: its file, its schema YAML entry and every ref() naming it.
import type { Range } from '../../../runtime/project/types.js';
import type { Snapshot } from './snapshot.js';
import type { Rename, TextEdit } from './types.js';
import { referentAt } from './navigation.js';

const NAME = /^[A-Za-z_][\w]*$/;

export function prepareRename(snap: Snapshot, file: string, offset: number): { name: string; range: Range } | undefined {
  const target = referentAt(snap, file, offset);
  if (target?.kind !== 'model' || !snap.model(target.name)) return undefined;
  return { name: target.name, range: target.range };
}

/** The edits and the file move; undefined when the cursor is not on a model or the name is invalid or taken. */
export function rename(snap: Snapshot, file: string, offset: number, newName: string): Rename | undefined {
  const target = prepareRename(snap, file, offset);
  if (!target || !NAME.test(newName) || snap.refTarget(newName)) return undefined;
  const model = snap.model(target.name)!;
  const edits: TextEdit[] = snap.refsTo(model.name).map((r) => ({ file: r.file, range: r.range, newText: newName }));
  if (model.spec) edits.push({ file: model.spec.location.file, range: model.spec.location.range, newText: newName });
  const slash = model.file.lastIndexOf('/');
  const moved = `${model.file.slice(0, slash + 1)}${newName}.sql`;
  return { edits, moves: moved === model.file ? [] : [{ from: model.file, to: moved }] };
}
