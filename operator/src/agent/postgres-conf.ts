// What the agent writes into the data directory and /tmp, as pure functions of its configuration:
// converge.conf (included from postgresql.conf), pg_hba.conf, the libpq passfile and primary_conninfo.
import type { AgentConfig } from './config';

/** The file postgresql.conf includes; the agent rewrites it before every start. */
export const CONVERGE_CONF = 'converge.conf';
export const INCLUDE_LINE = `include_if_exists = '${CONVERGE_CONF}'`;

/** A postgresql.conf string literal. */
export function confQuote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** A libpq connection-string value (keyword=value), quoted when it holds spaces or quotes. */
export function conninfoQuote(value: string): string {
  return /^[^\s'\\]+$/.test(value) ? value : `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** One line of a libpq passfile: `host:port:db:user:password`, with `:` and `\` escaped. */
export function passfileLine(host: string, port: number | '*', db: string, user: string, password: string): string {
  const esc = (s: string) => s.replace(/\\/g, '\\\\').replace(/:/g, '\\:');
  return [esc(host), String(port), esc(db), esc(user), esc(password)].join(':');
}

/**
 * The passfile the walreceiver, pg_basebackup and pg_rewind read: the replication and superuser
 * passwords for any host, so a password never appears on a command line, in the environment or in
 * postgresql.auto.conf (which a base backup copies to every replica).
 */
export function passfile(cfg: Pick<AgentConfig, 'replication' | 'superuser'>): string {
  return [
    passfileLine('*', '*', 'replication', cfg.replication.username, cfg.replication.password),
    passfileLine('*', '*', '*', cfg.replication.username, cfg.replication.password),
    passfileLine('*', '*', '*', cfg.superuser.username, cfg.superuser.password),
    '',
  ].join('\n');
}

export interface Upstream {
  host: string;
  port: number;
}

/** primary_conninfo of a replica: the upstream, the replication user, our name for the synchronous list. */
export function primaryConninfo(cfg: Pick<AgentConfig, 'replication' | 'instance'>, upstream: Upstream, passfilePath: string): string {
  return [
    `host=${conninfoQuote(upstream.host)}`,
    `port=${upstream.port}`,
    `user=${conninfoQuote(cfg.replication.username)}`,
    `application_name=${conninfoQuote(cfg.instance)}`,
    `passfile=${conninfoQuote(passfilePath)}`,
    'sslmode=prefer',
  ].join(' ');
}

/** The `<cluster>-rw` Service every replica streams from once running. */
export function defaultUpstream(cfg: Pick<AgentConfig, 'cluster'>): Upstream {
  return { host: `${cfg.cluster}-rw`, port: 5432 };
}

/**
 * converge.conf: the ConfigMap's parameters first, then what the agent always needs (these win:
 * the later setting of a name counts). `upstream` is set when the instance is to run as a replica.
 */
export function convergeConf(
  cfg: Pick<AgentConfig, 'postgres' | 'pgPort' | 'socketDir' | 'instance' | 'replication'>,
  upstream: Upstream | undefined,
  passfilePath: string,
): string {
  const lines = ['# Written by the Converge instance agent before every start; edits are lost.'];
  for (const [name, value] of Object.entries(cfg.postgres.parameters)) lines.push(`${name} = ${confQuote(value)}`);
  const fixed: Record<string, string> = {
    listen_addresses: '*',
    port: String(cfg.pgPort),
    unix_socket_directories: cfg.socketDir,
    cluster_name: cfg.instance,
    wal_level: 'replica',
    // pg_rewind needs hint-bit changes WAL-logged to rejoin an old primary.
    wal_log_hints: 'on',
    hot_standby: 'on',
    max_wal_senders: cfg.postgres.parameters.max_wal_senders ?? '10',
    max_replication_slots: cfg.postgres.parameters.max_replication_slots ?? '10',
    // pg_rewind reads back to the last checkpoint before the fork, and a crashed primary's own crash
    // recovery checkpoint would otherwise recycle that WAL (there is no archive to restore it from).
    wal_keep_size: cfg.postgres.parameters.wal_keep_size ?? '256MB',
    // Ignored while in recovery; in force on the instance once it is promoted.
    synchronous_standby_names: cfg.postgres.synchronous,
    synchronous_commit: 'on',
    // After a failover a replica reconnects to the new primary (through -rw) within a second, not
    // PostgreSQL's default 5 s: with synchronous quorum, commits wait for it.
    wal_retrieve_retry_interval: '1s',
    wal_receiver_timeout: '10s',
    wal_sender_timeout: '10s',
    password_encryption: 'scram-sha-256',
  };
  if (upstream) {
    fixed.primary_conninfo = primaryConninfo(cfg, upstream, passfilePath);
    fixed.recovery_target_timeline = 'latest';
  }
  for (const [name, value] of Object.entries(fixed)) lines.push(`${name} = ${confQuote(value)}`);
  return lines.join('\n') + '\n';
}

/**
 * pg_hba.conf: every user by scram-sha-256 from anywhere (replication for the replication user),
 * trust only on the unix socket, which lives in the pod's own PG_SOCKET_DIR.
 */
export function pgHba(cfg: Pick<AgentConfig, 'replication'>): string {
  const repl = cfg.replication.username;
  return [
    '# Written by the Converge instance agent; edits are lost.',
    'local   all          all                 trust',
    `host    replication  ${repl}  0.0.0.0/0   scram-sha-256`,
    `host    replication  ${repl}  ::/0        scram-sha-256`,
    'host    all          all      0.0.0.0/0   scram-sha-256',
    'host    all          all      ::/0        scram-sha-256',
    '',
  ].join('\n');
}

/** postgresql.conf with the include line appended once (idempotent). */
export function withInclude(postgresqlConf: string): string {
  if (postgresqlConf.split('\n').some((l) => l.trim() === INCLUDE_LINE)) return postgresqlConf;
  return `${postgresqlConf.replace(/\n*$/, '\n')}${INCLUDE_LINE}\n`;
}

/**
 * postgresql.auto.conf without primary_conninfo: `pg_basebackup -R` writes one there (read last, it
 * would override converge.conf's) naming the backup's source host rather than `<cluster>-rw`.
 */
export function withoutPrimaryConninfo(autoConf: string): string {
  return autoConf
    .split('\n')
    .filter((l) => !/^\s*primary_conninfo\s*=/.test(l))
    .join('\n');
}
