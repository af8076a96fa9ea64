// Where the S3 lake's credentials come from: the two environment variables pipeline.yml names, or a
// profile of the user's AWS shared credentials file, read by the SDK's own provider (fromIni).
import { promises as fsp, realpathSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fromIni } from '@aws-sdk/credential-provider-ini';
import { LakeError } from './lake.js';
import type { LakeConfig } from '../project/types.js';

type S3Config = Omit<Extract<LakeConfig, { kind: 's3' }>, 'kind'>;

/** The keys as the SDK takes them (a profile may also give a session token). */
export interface AwsCredentialIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}
export type AwsCredentialIdentityProvider = () => Promise<AwsCredentialIdentity>;

export interface CredentialSource {
  /** For messages: 'the environment variables A and B' or "the profile 'p' of /home/u/.aws/credentials". Never a value. */
  describe: string;
  /** What to check when the store rejects them. */
  fix: string;
  /** Resolves the keys; failures are LakeErrors naming the variables or the profile and file. */
  provider: AwsCredentialIdentityProvider;
  /** The keys once resolved, so messages built from a server's text can be scrubbed of them. */
  resolved(): AwsCredentialIdentity | undefined;
}

export interface CredentialOptions {
  /** Where variables are read (credential variables, AWS_SHARED_CREDENTIALS_FILE, AWS_CONFIG_FILE, HOME). */
  env: Record<string, string | undefined>;
  /** The project folder: a profile file inside it is refused, secrets never live in a project. */
  projectRoot?: string;
  /** The lake, for messages ('s3://lake @ http://…'). */
  lake: string;
}

/**
 * The credential source of an S3 lake. Throws a LakeError when it cannot be used at all (a variable is
 * not set, the profile file lies inside the project); a profile that cannot be read fails on first use.
 */
export function credentialSource(config: S3Config, options: CredentialOptions): CredentialSource {
  return config.profile !== undefined ? profileSource(config.profile, options) : envSource(config, options);
}

function envSource({ accessKeyEnv, secretKeyEnv }: S3Config, { env, lake }: CredentialOptions): CredentialSource {
  const accessKeyId = env[accessKeyEnv];
  const secretAccessKey = env[secretKeyEnv];
  const missing = [accessKeyId ? undefined : accessKeyEnv, secretAccessKey ? undefined : secretKeyEnv].filter(Boolean);
  if (missing.length > 0) {
    throw new LakeError(
      `The lake ${lake} needs credentials: the environment variable${missing.length > 1 ? 's' : ''} ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set.`,
      `Set ${accessKeyEnv} and ${secretKeyEnv} (named by lake.s3.access_key_env / secret_key_env in pipeline.yml), or name a profile of ~/.aws/credentials with lake.s3.profile.`,
    );
  }
  const identity = { accessKeyId: accessKeyId!, secretAccessKey: secretAccessKey! };
  return {
    describe: `the environment variables ${accessKeyEnv} and ${secretKeyEnv}`,
    fix: `Check the values of ${accessKeyEnv} and ${secretKeyEnv}.`,
    provider: async () => identity,
    resolved: () => identity,
  };
}

function profileSource(profile: string, { env, projectRoot, lake }: CredentialOptions): CredentialSource {
  const home = env.HOME || os.homedir();
  const file = path.resolve(env.AWS_SHARED_CREDENTIALS_FILE || path.join(home, '.aws', 'credentials'));
  // The SDK also reads named profiles from the config file, as the AWS CLI does; it must not be in the project either.
  const configFile = path.resolve(env.AWS_CONFIG_FILE || path.join(home, '.aws', 'config'));
  for (const [candidate, variable] of [[file, 'AWS_SHARED_CREDENTIALS_FILE'], [configFile, 'AWS_CONFIG_FILE']] as const) {
    if (projectRoot && isInside(candidate, projectRoot)) {
      throw new LakeError(
        `The profile file ${candidate} (lake.s3.profile '${profile}') is inside the project folder; credentials must never live in the project, where they could be committed.`,
        `Move it to your home folder (~/.aws/credentials) or outside the project, and point ${variable} at it.`,
      );
    }
  }
  const read = fromIni({ profile, filepath: file, configFilepath: configFile });
  let identity: AwsCredentialIdentity | undefined;
  const describe = `the profile '${profile}' of ${file}`;
  return {
    describe,
    fix: `Check the keys of the profile '${profile}' in ${file}.`,
    provider: async () => {
      try {
        identity = await read();
        return identity;
      } catch (err) {
        if (!(await exists(file))) {
          throw new LakeError(
            `The lake ${lake} has no credentials: the profile file ${file} (lake.s3.profile '${profile}') does not exist.`,
            `Create it with a [${profile}] section holding aws_access_key_id and aws_secret_access_key, or point AWS_SHARED_CREDENTIALS_FILE at yours.`,
          );
        }
        // The SDK's messages name profiles and settings, never key values.
        const sdk = (err as Error).message.replace(/\.$/, '');
        const reason = /^Could not resolve credentials using profile/.test(sdk) ? 'no such profile, or it lacks aws_access_key_id or aws_secret_access_key' : sdk;
        throw new LakeError(
          `The lake ${lake} has no usable credentials in ${describe}: ${reason}.`,
          `Add [${profile}] with aws_access_key_id and aws_secret_access_key to ${file}, or fix lake.s3.profile in pipeline.yml (AWS_SHARED_CREDENTIALS_FILE names another file).`,
        );
      }
    },
    resolved: () => identity,
  };
}

async function exists(file: string): Promise<boolean> {
  return fsp.access(file).then(
    () => true,
    () => false,
  );
}

/** Whether `file` lies in `dir`, after following symbolic links of whatever part of each exists. */
function isInside(file: string, dir: string): boolean {
  const real = (p: string): string => {
    try {
      return realpathSync(p);
    } catch {
      const parent = path.dirname(p);
      return parent === p ? p : path.join(real(parent), path.basename(p));
    }
  };
  const relative = path.relative(real(dir), real(file));
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}
