// The agent's configuration: the environment the operator's pod builder sets, the mounted Secrets and
// the mounted ConfigMap, read once at start-up and passed down.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { intVar, logLevelSchema, parseConfig } from '@converge/runtime';
import { z } from 'zod';

/** A role or parameter name we write into SQL and config files unquoted: letters, digits, underscore. */
const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

const envSchema = z.object({
  INSTANCE_NAME: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a DNS label'),
  CLUSTER_NAME: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a DNS label'),
  PGDATA: z.string().min(1).default('/var/lib/postgresql/data/pgdata'),
  PGPORT: intVar(5432, 1, 65535),
  AGENT_PORT: intVar(8008, 0, 65535),
  AGENT_HOST: z.string().min(1).default('0.0.0.0'),
  PG_BIN: z.string().min(1).default('/usr/lib/postgresql/15/bin'),
  PG_SOCKET_DIR: z.string().min(1).default('/tmp'),
  SECRETS_DIR: z.string().min(1).default('/etc/converge/secrets'),
  CONFIG_FILE: z.string().min(1).default('/etc/converge/config/postgresql.json'),
  // Where the agent writes files only it and postgres read (the passfile): never the data volume.
  AGENT_TMP_DIR: z.string().min(1).default('/tmp'),
  LOG_LEVEL: logLevelSchema,
});

const clusterConfigSchema = z.object({
  parameters: z
    .record(z.string().regex(/^[a-z_][a-z0-9_.]*$/, 'parameter names are lower-case identifiers'), z.string())
    .default({}),
  synchronous: z.string().default(''),
  databases: z.array(z.string().regex(IDENTIFIER, 'database names are lower-case identifiers')).default([]),
});

export type ClusterConfig = z.infer<typeof clusterConfigSchema>;

export interface Credentials {
  username: string;
  password: string;
}

export interface AgentConfig {
  instance: string;
  cluster: string;
  pgData: string;
  pgPort: number;
  agentPort: number;
  agentHost: string;
  pgBin: string;
  socketDir: string;
  tmpDir: string;
  logLevel: z.infer<typeof logLevelSchema>;
  superuser: Credentials;
  replication: Credentials;
  app: Credentials;
  token: string;
  postgres: ClusterConfig;
}

/** A mounted Secret's key: its whole content but a trailing newline (`kubectl create secret --from-file` keeps one). */
function secretFile(dir: string, name: string, key: string): string {
  const value = readFileSync(join(dir, name, key), 'utf8').replace(/\r?\n$/, '');
  if (!value) throw new Error(`secret ${name}/${key} is empty`);
  return value;
}

function credentials(dir: string, name: string): Credentials {
  const username = secretFile(dir, name, 'username');
  if (!IDENTIFIER.test(username)) throw new Error(`secret ${name}/username must be a lower-case identifier`);
  return { username, password: secretFile(dir, name, 'password') };
}

export function parseClusterConfig(json: string): ClusterConfig {
  return clusterConfigSchema.parse(JSON.parse(json));
}

export function loadAgentConfig(env: NodeJS.ProcessEnv = process.env): AgentConfig {
  const e = parseConfig(envSchema, env);
  return {
    instance: e.INSTANCE_NAME,
    cluster: e.CLUSTER_NAME,
    pgData: e.PGDATA,
    pgPort: e.PGPORT,
    agentPort: e.AGENT_PORT,
    agentHost: e.AGENT_HOST,
    pgBin: e.PG_BIN,
    socketDir: e.PG_SOCKET_DIR,
    tmpDir: e.AGENT_TMP_DIR,
    logLevel: e.LOG_LEVEL,
    superuser: credentials(e.SECRETS_DIR, 'superuser'),
    replication: credentials(e.SECRETS_DIR, 'replication'),
    app: credentials(e.SECRETS_DIR, 'app'),
    token: secretFile(e.SECRETS_DIR, 'agent', 'token'),
    postgres: parseClusterConfig(readFileSync(e.CONFIG_FILE, 'utf8')),
  };
}
