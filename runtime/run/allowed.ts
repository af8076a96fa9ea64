// The folders outside the project a run's SQL may also read and write. A run is confined to the
// project, its warehouse, lake and profile folders (SECURITY.md); a user who trusts a project to read
// data elsewhere names those folders in MEDALLION_ALLOWED_DIRECTORIES (the platform's path list), a
// choice of the user's environment that a project's own files cannot make.
import * as path from 'node:path';

export const ALLOWED_DIRECTORIES_ENV = 'MEDALLION_ALLOWED_DIRECTORIES';

export function allowedDirectories(env: Record<string, string | undefined>): string[] {
  const list = env[ALLOWED_DIRECTORIES_ENV];
  if (!list) return [];
  return list.split(path.delimiter).map((d) => d.trim()).filter((d) => d !== '' && path.isAbsolute(d)).map((d) => path.resolve(d));
}
