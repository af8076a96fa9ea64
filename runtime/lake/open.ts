// Opens the lake a project is configured with (pipeline.yml `lake:`): a local folder or S3/MinIO.
// Everything that reads sources or publishes models goes through this, so both lakes behave alike.
import * as path from 'node:path';
import type { Project } from '../project/types.js';
import type { Lake } from './lake.js';
import { LocalLake } from './local.js';
import { S3Lake } from './s3.js';

export interface OpenLakeOptions {
  /** Where S3 credential variables (and AWS_SHARED_CREDENTIALS_FILE) are read; process.env by default. */
  env?: Record<string, string | undefined>;
}

/** Never throws: an unusable lake reports a LakeError from its first operation (e.g. check()). */
export function openLake(project: Project, options: OpenLakeOptions = {}): Lake {
  const lake = project.config.lake;
  if (lake.kind === 'local') return new LocalLake(path.resolve(project.root, lake.path), lake.path);
  return new S3Lake({ ...lake, cacheDir: cacheDir(project), env: options.env, projectRoot: project.root });
}

/** The project's local cache of remote lake objects (git-ignored along with the rest of .medallion/). */
export function cacheDir(project: Project): string {
  return path.join(project.root, '.medallion', 'cache');
}
