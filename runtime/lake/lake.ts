// The lake: where bronze files land and silver/gold Parquet is written. Two implementations:
// a local folder (local.ts) and S3/MinIO (s3.ts). Keys are relative, with forward slashes.

export interface LakeObject {
  /** Key relative to the lake root, e.g. 'bronze/app_logs/year=2026/month=01/day=02/a.json'. */
  key: string;
  size: number;
  /** Content identity: an ETag for S3, size+mtime for the local folder. */
  etag: string;
  /**
   * Where the object is actually stored when that differs from `key` (added for S3: a published
   * prefix's files live under a versioned key, see s3.ts). Callers pass the object back unchanged.
   */
  location?: string;
}

export interface Lake {
  /** Human-readable location for messages, never containing credentials ('./lake', 's3://bucket/prefix @ http://127.0.0.1:9000'). */
  readonly describe: string;
  /** Fails with a clear LakeError when the lake cannot be reached (bucket missing, endpoint down, bad credentials). */
  check(): Promise<void>;
  /** Every object under a prefix (paginated under the hood), sorted by key. */
  list(prefix: string): Promise<LakeObject[]>;
  /**
   * A local file path with the object's content, for DuckDB to read. The local lake returns the file
   * itself; S3 downloads into a content-addressed cache keyed by ETag and reuses it when unchanged.
   */
  localPath(object: LakeObject): Promise<string>;
  /**
   * Replaces everything under `prefix` with the files of the local folder `dir`, atomically from a
   * reader's point of view: the previous version stays until the new one is complete.
   */
  publishDirectory(dir: string, prefix: string): Promise<void>;
  /** Writes one small object from memory (pointers, test fixtures). */
  put(key: string, body: Buffer | string): Promise<void>;
  /**
   * Writes one object from a local file without reading it into memory (ingest, the dead-letter
   * writer): S3 streams it up, in parts above 8 MiB; the local lake copies it to a temp name and renames.
   */
  putFile(key: string, file: string): Promise<void>;
  /** Reads one object; undefined when it does not exist. */
  get(key: string): Promise<Buffer | undefined>;
  /** Removes everything under a prefix. */
  deletePrefix(prefix: string): Promise<void>;
}

/** A lake failure the user can act on; `message` never contains a secret. */
export class LakeError extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message);
    this.name = 'LakeError';
  }
}
