// The lake on S3 (MinIO or any S3 store) through @aws-sdk/client-s3. Objects are read through a local
// content-addressed cache (DuckDB has no httpfs here); published folders are versioned behind a pointer.
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  CopyObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { ContentCache } from './cache.js';
import { credentialSource, type CredentialSource } from './credentials.js';
import { LakeError, type Lake, type LakeObject } from './lake.js';
import type { LakeConfig } from '../project/types.js';

// The SDK warns once per process about Node 20's end of support; that is not our users' concern.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/**
 * Publishing layout. A published prefix P keeps each version's files under `P/_versions/<id>/` and
 * names the current one in the small object `P/_current.json`; a single PUT replaces that pointer, so
 * readers (list below) see either the old version or the complete new one. Both names are reserved.
 */
const POINTER = '_current.json';
const VERSIONS = '_versions';
const VERSIONED_KEY = /^(.*?)\/_versions\/([^/]+)\/(.+)$/;

/** The `lake.s3` settings of pipeline.yml, plus where to cache objects and read credentials. */
export type S3LakeOptions = Omit<Extract<LakeConfig, { kind: 's3' }>, 'kind'> & {
  /** Folder of the local object cache, e.g. '<project>/.medallion/cache'. */
  cacheDir: string;
  /** Where the credential variables (and AWS_SHARED_CREDENTIALS_FILE) are read; process.env by default. */
  env?: Record<string, string | undefined>;
  /** The project folder: a profile file inside it is refused. */
  projectRoot?: string;
  /** Bounds, so an unreachable or stalled endpoint fails in seconds instead of hanging (defaults below). */
  connectionTimeoutMs?: number;
  socketTimeoutMs?: number;
  maxAttempts?: number;
};

interface Pointer {
  version: string;
  files: string[];
  publishedAt: string;
}

export class S3Lake implements Lake {
  readonly describe: string;
  readonly cache: ContentCache;
  private readonly root: string;
  private readonly endpointName: string;
  private s3?: S3Client;
  private credentials?: CredentialSource;

  constructor(private readonly options: S3LakeOptions) {
    this.root = options.prefix.replace(/^\/+|\/+$/g, '');
    this.endpointName = options.endpoint ?? `AWS S3 (${options.region})`;
    this.describe = `s3://${options.bucket}${this.root ? `/${this.root}` : ''} @ ${this.endpointName}`;
    this.cache = new ContentCache(options.cacheDir);
  }

  async check(): Promise<void> {
    await this.send('checking the lake', (s3) => s3.send(new ListObjectsV2Command({ Bucket: this.options.bucket, Prefix: this.physical(''), MaxKeys: 1 })));
  }

  async list(prefix: string): Promise<LakeObject[]> {
    const dir = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/') + 1) : '';
    const [raw, above] = await Promise.all([this.rawList(dir), this.publishedAbove(dir)]);
    const objects = above ? await this.versionObjects(above, dir) : await this.resolvePublished(raw);
    const live = objects.filter((o) => o.key.startsWith(prefix)).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    // The listing is the truth for everything under the prefix: cached copies of objects since deleted
    // or rewritten go. Entries of listed objects stay, since a reader may be using them right now.
    await this.cache.prune(prefix, live);
    return live;
  }

  async localPath(object: LakeObject): Promise<string> {
    const key = object.location ?? this.physical(object.key);
    return this.cache.get(object, async (file) => {
      // IfMatch: an object replaced since it was listed must not be cached under the old ETag.
      await this.send(`downloading ${object.key}`, async (s3) => {
        const response = await s3.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: key, IfMatch: object.etag }));
        await pipeline(response.Body as Readable, createWriteStream(file));
      });
    });
  }

  async publishDirectory(dir: string, prefix: string): Promise<void> {
    const files = await listFiles(dir);
    const upload = async (versionKey: string): Promise<string[]> => {
      await forEachLimit(files, 4, (file) => this.upload(path.join(dir, file), versionKey + file));
      return files;
    };
    await this.publishVersion(prefix, upload, (err, published) => this.error(err, `publishing ${published}`));
  }

  /**
   * Publishes what an engine writes into the lake itself (Trino): `write` gets the s3:// URL of a new version
   * folder of `prefix`, its files get a .parquet name, the pointer switches, `switched` runs (the engine's
   * catalog follows) and older versions are retired; a failing `write` leaves the previous one current.
   */
  async publishWritten(prefix: string, write: (url: string) => Promise<void>, switched: () => Promise<void>): Promise<void> {
    const adopt = async (versionKey: string): Promise<string[]> => {
      await write(`s3://${this.options.bucket}/${this.physical(versionKey)}`);
      const files: string[] = [];
      await forEachLimit(await this.rawList(versionKey), 4, async ({ key }) => {
        const named = key.endsWith('.parquet') ? key : `${key}.parquet`;
        if (named !== key) {
          const source = encodeURIComponent(`${this.options.bucket}/${this.physical(key)}`).replace(/%2F/g, '/');
          await this.send(`naming ${key}`, (s3) => s3.send(new CopyObjectCommand({ Bucket: this.options.bucket, CopySource: source, Key: this.physical(named) })));
          await this.deleteKeys([key]);
        }
        files.push(named.slice(versionKey.length));
      });
      return files.sort();
    };
    await this.publishVersion(prefix, adopt, (err) => err, switched);
  }

  /**
   * Fills a new version folder of `prefix`, then switches the pointer to it and retires every older
   * version (best effort: readers only follow the pointer, and the next publish retries the clean-up).
   */
  private async publishVersion(prefix: string, fill: (versionKey: string) => Promise<string[]>, failure: (err: unknown, published: string) => unknown, switched?: () => Promise<void>): Promise<void> {
    const published = prefix.replace(/^\/+|\/+$/g, '');
    const version = `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
    const versionKey = `${published}/${VERSIONS}/${version}/`;
    try {
      const pointer: Pointer = { version, files: await fill(versionKey), publishedAt: new Date().toISOString() };
      await this.put(`${published}/${POINTER}`, JSON.stringify(pointer, null, 2));
    } catch (err) {
      // The pointer still names the previous version; drop what was written if the store lets us.
      await this.deletePrefix(versionKey).catch(() => undefined);
      throw failure(err, published);
    }
    await switched?.();
    const stale = (await this.rawList(`${published}/`).catch(() => []))
      .map((o) => o.key)
      .filter((key) => key !== `${published}/${POINTER}` && !key.startsWith(versionKey));
    await this.deleteKeys(stale).catch(() => undefined);
  }

  async put(key: string, body: Buffer | string): Promise<void> {
    await this.send(`writing ${key}`, (s3) => s3.send(new PutObjectCommand({ Bucket: this.options.bucket, Key: this.physical(key), Body: body })));
  }

  async putFile(key: string, file: string): Promise<void> {
    await this.upload(file, key);
  }

  async get(key: string): Promise<Buffer | undefined> {
    const stored = await this.getStored(this.physical(key), `reading ${key}`);
    if (stored) return stored;
    // A file of a published prefix lives under its current version.
    const published = (await this.list(key)).find((o) => o.key === key && o.location);
    return published ? this.getStored(published.location!, `reading ${key}`) : undefined;
  }

  private async getStored(physicalKey: string, action: string): Promise<Buffer | undefined> {
    return this.send(action, async (s3) => {
      try {
        const response = await s3.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: physicalKey }));
        return Buffer.from(await response.Body!.transformToByteArray());
      } catch (err) {
        if ((err as { name?: string }).name === 'NoSuchKey') return undefined;
        throw err;
      }
    });
  }

  async deletePrefix(prefix: string): Promise<void> {
    await this.deleteKeys((await this.rawList(prefix)).map((o) => o.key));
  }

  /** Every stored object under a lake prefix, keys relative to the lake root, paginated. */
  private async rawList(prefix: string): Promise<LakeObject[]> {
    const out: LakeObject[] = [];
    let token: string | undefined;
    do {
      const page = await this.send(`listing ${prefix || 'the lake'}`, (s3) =>
        s3.send(new ListObjectsV2Command({ Bucket: this.options.bucket, Prefix: this.physical(prefix), ContinuationToken: token })),
      );
      for (const item of page.Contents ?? []) {
        if (!item.Key) continue;
        out.push({ key: this.logical(item.Key), size: item.Size ?? 0, etag: item.ETag ?? '' });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out;
  }

  /** The reader's view of a raw listing: current versions of published prefixes, nothing stale. */
  private async resolvePublished(raw: LakeObject[]): Promise<LakeObject[]> {
    const pointers = new Map<string, string>();
    await Promise.all(
      raw
        .filter((o) => o.key.endsWith(`/${POINTER}`))
        .map(async (o) => {
          const published = o.key.slice(0, -POINTER.length - 1);
          const pointer = await this.readPointer(published);
          if (pointer) pointers.set(published, pointer.version);
        }),
    );
    const out: LakeObject[] = [];
    for (const object of raw) {
      const match = VERSIONED_KEY.exec(object.key);
      if (match && pointers.get(match[1]) === match[2]) {
        out.push({ ...object, key: `${match[1]}/${match[3]}`, location: this.physical(object.key) });
      } else if (!match && !isUnderPublished(object.key, pointers)) {
        out.push(object);
      }
    }
    return out;
  }

  /** A published prefix strictly above `dir` (e.g. 'gold/daily' for 'gold/daily/date=2026-01-01/'). */
  private async publishedAbove(dir: string): Promise<{ prefix: string; version: string } | undefined> {
    const parts = dir.split('/').filter(Boolean);
    const candidates = parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join('/'));
    const pointers = await Promise.all(candidates.map((c) => this.readPointer(c)));
    const index = pointers.findIndex((p) => p !== undefined);
    return index < 0 ? undefined : { prefix: candidates[index], version: pointers[index]!.version };
  }

  private async versionObjects(published: { prefix: string; version: string }, dir: string): Promise<LakeObject[]> {
    const base = `${published.prefix}/${VERSIONS}/${published.version}/`;
    const raw = await this.rawList(base + dir.slice(published.prefix.length + 1));
    return raw.map((o) => ({ ...o, key: `${published.prefix}/${o.key.slice(base.length)}`, location: this.physical(o.key) }));
  }

  private async readPointer(published: string): Promise<Pointer | undefined> {
    const body = await this.getStored(this.physical(`${published}/${POINTER}`), `reading ${published}/${POINTER}`);
    if (!body) return undefined;
    try {
      const pointer = JSON.parse(body.toString('utf8')) as Pointer;
      return typeof pointer.version === 'string' ? pointer : undefined;
    } catch {
      return undefined;
    }
  }

  /** Streams one file up; lib-storage switches to a multipart upload above one part (and aborts it on failure). */
  private async upload(file: string, key: string): Promise<void> {
    await this.send(`uploading ${key}`, async (client) => {
      const upload = new Upload({
        client,
        params: { Bucket: this.options.bucket, Key: this.physical(key), Body: createReadStream(file) },
        partSize: 8 * 1024 * 1024,
        queueSize: 4,
      });
      await upload.done();
    });
  }

  private async deleteKeys(keys: string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 1000) {
      const batch = keys.slice(i, i + 1000).map((key) => ({ Key: this.physical(key) }));
      await this.send('deleting objects', (s3) => s3.send(new DeleteObjectsCommand({ Bucket: this.options.bucket, Delete: { Objects: batch, Quiet: true } })));
    }
  }

  private physical(key: string): string {
    return this.root ? `${this.root}/${key}` : key;
  }

  private logical(key: string): string {
    return this.root ? key.slice(this.root.length + 1) : key;
  }

  /** Runs requests on the client; any failure becomes a LakeError describing `action`. */
  private async send<T>(action: string, run: (s3: S3Client) => Promise<T>): Promise<T> {
    const client = this.client();
    try {
      return await run(client);
    } catch (err) {
      throw this.error(err, action);
    }
  }

  /**
   * The client, built on first use so missing credentials (an unset variable, a profile file inside the
   * project) are a LakeError from the first operation, not a crash at open.
   */
  private client(): S3Client {
    if (this.s3) return this.s3;
    this.credentials = credentialSource(this.options, { env: this.options.env ?? process.env, projectRoot: this.options.projectRoot, lake: this.describe });
    this.s3 = new S3Client({
      endpoint: this.options.endpoint,
      region: this.options.region,
      forcePathStyle: this.options.forcePathStyle,
      credentials: this.credentials.provider,
      maxAttempts: this.options.maxAttempts ?? MAX_ATTEMPTS,
      requestHandler: { connectionTimeout: this.options.connectionTimeoutMs ?? CONNECTION_TIMEOUT_MS, socketTimeout: this.options.socketTimeoutMs ?? SOCKET_TIMEOUT_MS },
    });
    return this.s3;
  }

  /** Turns an SDK or network failure into a LakeError naming the endpoint; never includes a credential. */
  private error(err: unknown, action: string): LakeError {
    if (err instanceof LakeError) return err;
    const e = err as { name?: string; code?: string; Code?: string; message?: string; $metadata?: { httpStatusCode?: number }; cause?: unknown };
    const code = e.Code ?? e.code ?? (e.cause as { code?: string } | undefined)?.code ?? e.name ?? 'Error';
    const status = e.$metadata?.httpStatusCode;
    const { bucket } = this.options;
    if (NETWORK_CODES.has(code) || /socket hang up|ECONNREFUSED|ECONNRESET/.test(e.message ?? '')) {
      return new LakeError(
        `Cannot reach the S3 endpoint ${this.endpointName} while ${action} (${code}).`,
        'Is MinIO running? Start a local one with `medallion lake up`, or check lake.s3.endpoint in pipeline.yml.',
      );
    }
    // The SDK also names a reset connection TimeoutError; that case has its code and is handled above.
    if (e.name === 'TimeoutError' || code === 'ETIMEDOUT') {
      const { socketTimeoutMs = SOCKET_TIMEOUT_MS, maxAttempts = MAX_ATTEMPTS } = this.options;
      return new LakeError(
        `The S3 endpoint ${this.endpointName} did not answer while ${action} (${maxAttempts} attempts, ${socketTimeoutMs / 1000} s each).`,
        'Is MinIO overloaded or paused? Check the endpoint, then run again.',
      );
    }
    if (code === 'NoSuchBucket') {
      return new LakeError(
        `The bucket '${bucket}' does not exist at ${this.endpointName}.`,
        'Create it (`medallion lake up` does for a local MinIO), or fix lake.s3.bucket in pipeline.yml.',
      );
    }
    if (CREDENTIAL_CODES.has(code) || status === 403) {
      return new LakeError(
        `The S3 endpoint ${this.endpointName} rejected the credentials from ${this.credentials?.describe ?? 'the configuration'} while ${action} (${code}).`,
        this.credentials?.fix,
      );
    }
    if (code === 'PreconditionFailed' || status === 412) {
      return new LakeError(`The object changed in ${this.describe} while ${action}; run again.`);
    }
    if (status && !e.Code) {
      return new LakeError(`The endpoint ${this.endpointName} did not answer like an S3 service while ${action} (HTTP ${status}).`, 'Check lake.s3.endpoint in pipeline.yml.');
    }
    return new LakeError(`S3 request failed at ${this.endpointName} while ${action}: ${code}: ${this.scrub(e.message ?? String(err))}`);
  }

  /** Defence in depth: no message we build from a server's text may carry a credential value. */
  private scrub(text: string): string {
    const env = this.options.env ?? process.env;
    const identity = this.credentials?.resolved();
    let out = text;
    for (const value of [env[this.options.accessKeyEnv], env[this.options.secretKeyEnv], identity?.accessKeyId, identity?.secretAccessKey, identity?.sessionToken]) {
      if (value && value.length >= 4) out = out.split(value).join('***');
    }
    return out;
  }
}

/**
 * Bounds: a refused or unroutable endpoint fails in about 3 × 2 s; a server that accepts but stalls,
 * in 3 × 10 s of silence (an idle timeout, so long uploads that keep moving are never cut).
 */
const MAX_ATTEMPTS = 3;
const CONNECTION_TIMEOUT_MS = 2000;
const SOCKET_TIMEOUT_MS = 10_000;
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ECONNABORTED']);
const CREDENTIAL_CODES = new Set(['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'AccessDenied', 'InvalidToken', 'ExpiredToken']);

function isUnderPublished(key: string, pointers: Map<string, string>): boolean {
  for (const published of pointers.keys()) if (key.startsWith(`${published}/`)) return true;
  return false;
}

/** Files under `dir`, relative, with forward slashes, sorted. */
async function listFiles(dir: string): Promise<string[]> {
  const entries = await fsp.readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name)).split(path.sep).join('/'))
    .sort();
}

/** Runs `run` over items, `limit` at a time; after a failure starts nothing new, waits for the rest, then throws. */
async function forEachLimit<T>(items: T[], limit: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { err: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (!failure && next < items.length) {
      const item = items[next++];
      try {
        await run(item);
      } catch (err) {
        failure ??= { err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure.err;
}
