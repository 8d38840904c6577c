// SQL on the instance's own server, over the unix socket in PG_SOCKET_DIR as the superuser (trust
// there, never over TCP): what status, readiness and the orders ask of the running postgres.
import { Client } from 'pg';
import type { AgentConfig } from './config';
import { timelineOfWalFile } from './controldata';
import type { StandbyInfo } from './protocol';

/** `options`: server settings for this one session (`-c name=value ...`). */
export type LocalSql = <T = Record<string, unknown>>(sql: string, params?: unknown[], session?: { options?: string }) => Promise<T[]>;

export function localSql(cfg: Pick<AgentConfig, 'socketDir' | 'pgPort' | 'superuser'>): LocalSql {
  return async <T>(sql: string, params: unknown[] = [], session: { options?: string } = {}) => {
    const c = new Client({
      host: cfg.socketDir,
      port: cfg.pgPort,
      user: cfg.superuser.username,
      database: 'postgres',
      connectionTimeoutMillis: 3000,
      query_timeout: 10_000,
      application_name: 'converge-agent',
      ...(session.options ? { options: session.options } : {}),
    });
    // A socket error after connect must not become an uncaught exception in PID 1.
    c.on('error', () => undefined);
    await c.connect();
    try {
      return (await c.query(sql, params)).rows as T[];
    } finally {
      await c.end().catch(() => undefined);
    }
  };
}

export interface LiveStatus {
  inRecovery: boolean;
  systemIdentifier: string | null;
  timeline: number | null;
  currentLsn: string | null;
  receiveLsn: string | null;
  replayLsn: string | null;
  standbys: (StandbyInfo & { lagBytes: number | null })[];
  upstream: string | null;
  /** receive minus replay on a replica (bytes received not yet applied). */
  replayLagBytes: number | null;
}

/** What the running server says about itself: one round trip per role. */
export async function liveStatus(sql: LocalSql): Promise<LiveStatus> {
  const [base] = await sql<{ recovery: boolean; sysid: string; ckpt_tli: number | null }>(
    `SELECT pg_is_in_recovery() AS recovery,
            (SELECT system_identifier::text FROM pg_control_system()) AS sysid,
            (SELECT timeline_id FROM pg_control_checkpoint()) AS ckpt_tli`,
  );
  if (!base) throw new Error('no answer from postgres');
  const empty: LiveStatus = {
    inRecovery: base.recovery,
    systemIdentifier: base.sysid,
    timeline: base.ckpt_tli,
    currentLsn: null,
    receiveLsn: null,
    replayLsn: null,
    standbys: [],
    upstream: null,
    replayLagBytes: null,
  };
  if (!base.recovery) {
    const [p] = await sql<{ lsn: string; walfile: string }>('SELECT pg_current_wal_lsn()::text AS lsn, pg_walfile_name(pg_current_wal_lsn()) AS walfile');
    const standbys = await sql<{ name: string; state: string; sync_state: string; flush_lsn: string | null; replay_lsn: string | null; lag: string | null }>(
      `SELECT application_name AS name, state, sync_state, flush_lsn::text, replay_lsn::text,
              pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint::text AS lag
         FROM pg_stat_replication ORDER BY application_name`,
    );
    return {
      ...empty,
      // The checkpoint's timeline lags a promotion until the next checkpoint; the WAL being written does not.
      timeline: (p && timelineOfWalFile(p.walfile)) ?? base.ckpt_tli,
      currentLsn: p?.lsn ?? null,
      standbys: standbys.map((s) => ({
        name: s.name,
        state: s.state,
        syncState: s.sync_state,
        flushLsn: s.flush_lsn,
        replayLsn: s.replay_lsn,
        lagBytes: s.lag === null ? null : Number(s.lag),
      })),
    };
  }
  const [r] = await sql<{ receive: string | null; replay: string | null; lag: string | null }>(
    `SELECT pg_last_wal_receive_lsn()::text AS receive, pg_last_wal_replay_lsn()::text AS replay,
            pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())::bigint::text AS lag`,
  );
  const [w] = await sql<{ host: string | null; port: number | null; tli: number | null }>(
    "SELECT sender_host AS host, sender_port AS port, received_tli AS tli FROM pg_stat_wal_receiver WHERE status = 'streaming'",
  );
  return {
    ...empty,
    timeline: w?.tli ?? base.ckpt_tli,
    receiveLsn: r?.receive ?? null,
    replayLsn: r?.replay ?? null,
    replayLagBytes: r?.lag == null ? null : Math.max(0, Number(r.lag)),
    upstream: w?.host ? `${w.host}:${w.port ?? 5432}` : null,
  };
}
