// The instance agent's state machine: carries out the operator's orders one at a time, supervises
// postgres, and reports what the data directory and the running server say. It decides nothing about
// roles but the start-up rule (startup-rule.ts).
import { renameSync } from 'node:fs';
import type { Logger } from '@converge/runtime';
import type { AgentMetrics } from './agent-metrics';
import type { AgentConfig } from './config';
import { DataDir } from './data-dir';
import { liveStatus, type LiveStatus, type LocalSql } from './local-sql';
import type { PgTools } from './pg-tools';
import { Postmaster } from './postmaster';
import { conninfoQuote, defaultUpstream, type Upstream } from './postgres-conf';
import type { AgentState, AgentStatus, CloneOrder, OrderName, Role } from './protocol';
import { startupAction } from './startup-rule';

/** An order that does not fit the current state: answered 409, nothing was changed. */
export class OrderConflict extends Error {}

/** An order's body as received: the fields are checked by the order that needs them. */
export type OrderBody = Partial<CloneOrder>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class Agent {
  private state: AgentState = 'waiting';
  private role: Role = 'none';
  private lastError: string | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private shuttingDown = false;
  readonly data: DataDir;
  readonly postmaster: Postmaster;

  constructor(
    private readonly cfg: AgentConfig,
    private readonly tools: PgTools,
    private readonly sql: LocalSql,
    private readonly log: Logger,
    private readonly metrics: AgentMetrics,
  ) {
    this.data = new DataDir(cfg, tools);
    this.postmaster = new Postmaster(tools, cfg.pgData, log);
    this.postmaster.onExit((e) => this.onPostgresExit(e.code, e.signal, e.expected));
  }

  /** Applies the start-up rule to whatever the data directory holds. */
  init(): Promise<void> {
    return this.serialized(async () => {
      const kind = this.data.kind();
      const action = startupAction(kind);
      this.log.info({ dataKind: kind, action: action.action }, 'Agent started');
      if (action.action === 'start-replica') await this.runAs('replica', this.data.savedUpstream() ?? defaultUpstream(this.cfg));
      else this.setState('waiting', 'none');
    }).catch((e: unknown) => this.fail(e));
  }

  /** Runs one order after any other in flight; 409 via OrderConflict. */
  order(name: OrderName, body: OrderBody): Promise<AgentStatus> {
    return this.serialized(async () => {
      if (this.shuttingDown) throw new OrderConflict('the agent is shutting down');
      const started = Date.now();
      try {
        await this.carryOut(name, body);
        this.lastError = null;
        this.metrics.order(name, 'ok');
        this.log.info({ order: name, ms: Date.now() - started, state: this.state, role: this.role }, 'Order done');
      } catch (e) {
        if (e instanceof OrderConflict) {
          this.metrics.order(name, 'conflict');
          this.log.warn({ order: name, reason: e.message }, 'Order refused');
          throw e;
        }
        this.metrics.order(name, 'error');
        this.fail(e);
        this.log.error({ order: name, err: e }, 'Order failed');
      }
      return this.status();
    });
  }

  private carryOut(name: OrderName, body: OrderBody): Promise<void> {
    switch (name) {
      case 'bootstrap':
        return this.bootstrap();
      case 'clone':
        return this.clone(upstreamOf(body), body.wipe === true);
      case 'start-primary':
        return this.startPrimary();
      case 'promote':
        return this.promote();
      case 'fence':
        return this.fence();
      case 'rejoin':
        return this.rejoin(upstreamOf(body));
    }
  }

  private async bootstrap(): Promise<void> {
    const kind = this.data.kind();
    if (this.role === 'primary' && this.data.bootstrapped()) return;
    if (this.postmaster.running) throw new OrderConflict(`postgres runs as ${this.role}: bootstrap needs an empty instance`);
    if (kind === 'replica') throw new OrderConflict("the data directory holds a replica's data");
    if (kind === 'primary' && this.data.bootstrapped()) throw new OrderConflict('already bootstrapped: order start-primary');
    // Empty, or a bootstrap that stopped half-way (no roles yet, no one depends on it): from scratch.
    this.setState('starting', 'none');
    const staging = this.data.staging;
    this.data.wipe(staging);
    this.data.wipe(this.cfg.pgData);
    const pwfile = `${this.data.passfilePath}.initdb`;
    this.tools.writeOwned(pwfile, `${this.cfg.superuser.password}\n`);
    try {
      await this.tools.run('initdb', [
        '-D', staging,
        '-U', this.cfg.superuser.username,
        `--pwfile=${pwfile}`,
        '--auth-local=trust',
        '--auth-host=scram-sha-256',
        '--encoding=UTF8',
        '--locale=C',
        '--data-checksums',
      ]);
    } finally {
      this.data.wipe(pwfile);
    }
    this.data.configure(staging, undefined);
    this.moveIntoPlace(staging);
    await this.startPostgres('primary');
    await this.createRolesAndDatabases();
    this.data.markBootstrapped();
    this.setState('running', 'primary');
  }

  private async createRolesAndDatabases(): Promise<void> {
    const { replication, app } = this.cfg;
    const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
    // Passwords must never reach the server log (an error would log the statement), and with
    // synchronous_standby_names set and no standby yet, a commit would wait for ever.
    const session = {
      options: '-c log_min_error_statement=panic -c log_statement=none -c synchronous_commit=local',
    };
    const run = (sql: string, params: unknown[] = []) =>
      this.sql(sql, params, session).catch((e: unknown) => {
        // The driver's message may quote the statement: report only what failed and its code.
        throw new Error(`bootstrap SQL failed (${(e as { code?: string }).code ?? 'unknown'}): ${sql.split(' ').slice(0, 3).join(' ')}`);
      });
    const exists = async (sql: string, name: string) => (await run(sql, [name])).length > 0;
    if (!(await exists('SELECT 1 FROM pg_roles WHERE rolname = $1', replication.username))) await run(`CREATE ROLE ${replication.username}`);
    if (!(await exists('SELECT 1 FROM pg_roles WHERE rolname = $1', app.username))) await run(`CREATE ROLE ${app.username}`);
    await run(`ALTER ROLE ${replication.username} WITH REPLICATION LOGIN PASSWORD ${lit(replication.password)}`);
    await run(`ALTER ROLE ${app.username} WITH LOGIN PASSWORD ${lit(app.password)}`);
    for (const db of this.cfg.postgres.databases) {
      if (await exists('SELECT 1 FROM pg_database WHERE datname = $1', db)) await run(`ALTER DATABASE ${db} OWNER TO ${app.username}`);
      else await run(`CREATE DATABASE ${db} OWNER ${app.username}`);
    }
  }

  private async clone(upstream: Upstream, wipe: boolean): Promise<void> {
    if (this.role === 'replica' && this.postmaster.running) return;
    if (this.postmaster.running) throw new OrderConflict(`postgres runs as ${this.role}: clone needs a stopped instance`);
    const kind = this.data.kind();
    if (kind === 'primary' && !wipe) throw new OrderConflict("the data directory holds a primary's data: order rejoin, or clone with wipe");
    if (kind === 'replica' && !wipe) return this.runAs('replica', upstream);
    this.setState('starting', 'none');
    // An interrupted clone left at most a staging directory: it is wiped and the backup redone.
    const staging = this.data.staging;
    this.data.wipe(staging);
    this.data.writePassfile();
    const conn = [
      `host=${conninfoQuote(upstream.host)}`,
      `port=${upstream.port}`,
      `user=${conninfoQuote(this.cfg.replication.username)}`,
      `passfile=${conninfoQuote(this.data.passfilePath)}`,
      `application_name=${conninfoQuote(`${this.cfg.instance}-clone`)}`,
    ].join(' ');
    await this.tools.run('pg_basebackup', ['-d', conn, '-D', staging, '-X', 'stream', '-R', '-c', 'fast']);
    this.data.configure(staging, upstream);
    this.data.wipe(this.cfg.pgData);
    this.moveIntoPlace(staging);
    await this.runAs('replica', upstream);
  }

  private async startPrimary(): Promise<void> {
    if (this.postmaster.running) {
      if (this.role === 'primary') return;
      throw new OrderConflict('postgres runs as a replica: order promote');
    }
    const kind = this.data.kind();
    if (kind !== 'primary') throw new OrderConflict(`the data directory holds ${kind === 'empty' ? 'nothing' : "a replica's data"}`);
    await this.runAs('primary', undefined);
  }

  private async promote(): Promise<void> {
    if (!this.postmaster.running) throw new OrderConflict('postgres is not running');
    if (this.role === 'primary') return;
    this.log.info({}, 'Promoting');
    await this.sql('SELECT pg_promote(true, 60)');
    for (let i = 0; ; i++) {
      const [r] = await this.sql<{ r: boolean }>('SELECT pg_is_in_recovery() AS r');
      if (r?.r === false) break;
      if (i > 600) throw new Error('still in recovery after pg_promote');
      await sleep(100);
    }
    // pg_rewind on the old primary reads this server's control file: until a checkpoint writes the
    // new timeline there, it would find "the same timeline" and skip a rewind that is needed.
    await this.sql('CHECKPOINT');
    // postgres removed standby.signal; our files follow, so a later start does not point at the old primary.
    this.data.configure(this.cfg.pgData, undefined);
    this.setState('running', 'primary');
  }

  private async fence(): Promise<void> {
    await this.postmaster.stop();
    this.setState('fenced', 'none');
  }

  private async rejoin(upstream: Upstream): Promise<void> {
    const kind = this.data.kind();
    if (kind === 'empty') throw new OrderConflict('no data: order clone');
    if (this.postmaster.running && this.role === 'replica') {
      const live = await liveStatus(this.sql).catch(() => undefined);
      if (live?.upstream === `${upstream.host}:${upstream.port}`) return;
    }
    this.setState('starting', 'none');
    await this.postmaster.stop();
    // pg_rewind is a no-op ("no rewind required") when this data is already on the source's history;
    // otherwise (an old primary, a replica past the fork) it copies back what diverged. An unclean
    // shutdown is fine: PG 15's pg_rewind runs single-user crash recovery itself first.
    this.data.writePassfile();
    const source = [
      `host=${conninfoQuote(upstream.host)}`,
      `port=${upstream.port}`,
      `user=${conninfoQuote(this.cfg.superuser.username)}`,
      'dbname=postgres',
      `passfile=${conninfoQuote(this.data.passfilePath)}`,
    ].join(' ');
    const out = await this.tools.run('pg_rewind', [`--target-pgdata=${this.cfg.pgData}`, `--source-server=${source}`]);
    this.log.info({ rewind: out.includes('no rewind required') ? 'not needed' : 'done' }, 'pg_rewind');
    await this.runAs('replica', upstream);
  }

  /** Writes our files and starts postgres in `role` (a replica of `upstream`). */
  private async runAs(role: 'primary' | 'replica', upstream: Upstream | undefined): Promise<void> {
    this.data.configure(this.cfg.pgData, role === 'replica' ? upstream : undefined);
    await this.startPostgres(role);
    this.setState('running', role);
  }

  private async startPostgres(role: 'primary' | 'replica'): Promise<void> {
    this.setState('starting', role);
    await this.postmaster.start(async () => {
      const [r] = await this.sql<{ r: boolean }>('SELECT pg_is_in_recovery() AS r');
      return r?.r === (role === 'replica');
    });
  }

  private moveIntoPlace(staging: string): void {
    this.tools.mkdirOwned(this.cfg.pgData);
    this.data.wipe(this.cfg.pgData);
    // A rename on the same volume: PGDATA holds either nothing or whole data.
    renameSync(staging, this.cfg.pgData);
  }

  private onPostgresExit(code: number | null, signal: NodeJS.Signals | null, expected: boolean): void {
    if (expected || this.shuttingDown) return;
    const role = this.role;
    this.log.error({ code, signal, role }, 'postgres exited unexpectedly');
    if (role === 'replica') {
      // A replica takes no writes: safe to restart at once, as the same replica of the same upstream.
      this.metrics.restarts.inc();
      void this.serialized(async () => {
        if (this.postmaster.running || this.shuttingDown || this.role !== 'replica') return;
        await sleep(1000);
        await this.runAs('replica', this.data.savedUpstream() ?? defaultUpstream(this.cfg));
      }).catch((e: unknown) => this.fail(e));
    } else {
      // A crashed primary waits: the operator may have promoted another meanwhile.
      this.setState('waiting', 'none');
    }
  }

  private fail(e: unknown): void {
    this.lastError = e instanceof Error ? e.message : String(e);
    this.state = 'failed';
    this.role = this.postmaster.running ? this.role : 'none';
  }

  private setState(state: AgentState, role: Role): void {
    this.state = state;
    this.role = role;
  }

  private serialized<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** postgres accepts connections in the role the agent runs it in. */
  async ready(): Promise<boolean> {
    if (!this.postmaster.running || (this.role !== 'primary' && this.role !== 'replica')) return false;
    const [r] = await this.sql<{ r: boolean }>('SELECT pg_is_in_recovery() AS r');
    return r?.r === (this.role === 'replica');
  }

  async status(): Promise<AgentStatus> {
    return (await this.statusWithLags()).status;
  }

  /** The status and, for the metrics, each standby's lag in bytes. */
  async statusWithLags(): Promise<{ status: AgentStatus; lags: Record<string, number> }> {
    const base: AgentStatus = {
      instance: this.cfg.instance,
      state: this.state,
      role: this.role,
      dataKind: this.data.kind(),
      crashed: false,
      ready: false,
      timeline: null,
      currentLsn: null,
      receiveLsn: null,
      replayLsn: null,
      checkpointLsn: null,
      standbys: [],
      upstream: null,
      systemIdentifier: null,
      lastError: this.lastError,
    };
    const lags: Record<string, number> = {};
    if (this.postmaster.running) {
      let live: LiveStatus | undefined;
      try {
        live = await liveStatus(this.sql);
      } catch {
        return { status: base, lags }; // starting, or shutting down: not ready
      }
      for (const s of live.standbys) if (s.lagBytes !== null) lags[s.name] = s.lagBytes;
      if (live.replayLagBytes !== null) lags[this.cfg.instance] = live.replayLagBytes;
      return {
        status: {
          ...base,
          ready: this.state === 'running' && live.inRecovery === (this.role === 'replica'),
          timeline: live.timeline,
          currentLsn: live.currentLsn,
          receiveLsn: live.receiveLsn,
          replayLsn: live.replayLsn,
          standbys: live.standbys.map((s) => ({ name: s.name, state: s.state, syncState: s.syncState, flushLsn: s.flushLsn, replayLsn: s.replayLsn })),
          upstream: live.upstream,
          systemIdentifier: live.systemIdentifier,
        },
        lags,
      };
    }
    // Stopped: pg_controldata reads the control file (not while an order rewrites the directory).
    const cd = await this.data.controlData().catch(() => undefined);
    if (!cd) return { status: base, lags };
    return {
      status: { ...base, crashed: cd.crashed, timeline: cd.timeline, checkpointLsn: cd.checkpointLsn, systemIdentifier: cd.systemIdentifier },
      lags,
    };
  }

  /** SIGTERM: no more orders, postgres fast-stopped (a drain: the operator sees the pod go). */
  async shutdown(): Promise<void> {
    this.shuttingDown = true;
    await this.postmaster.stop();
  }
}

function upstreamOf(body: OrderBody): Upstream {
  if (typeof body.primaryHost !== 'string' || !body.primaryHost || typeof body.primaryPort !== 'number') {
    throw new OrderConflict('the order needs primaryHost and primaryPort');
  }
  return { host: body.primaryHost, port: body.primaryPort };
}
