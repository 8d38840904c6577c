// The data directory on disk: what it holds, and the agent's files in it.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentConfig } from './config';
import { parseControlData, type ControlData } from './controldata';
import type { PgTools } from './pg-tools';
import {
  CONVERGE_CONF,
  convergeConf,
  passfile,
  pgHba,
  withInclude,
  withoutPrimaryConninfo,
  type Upstream,
} from './postgres-conf';
import type { DataKind } from './protocol';

/** Written once bootstrap created the roles and databases: a primary's data without it is a half-done bootstrap. */
export const BOOTSTRAPPED = 'converge.bootstrapped';
/** The upstream a replica was last told to stream from (clone or rejoin), used when it restarts by itself. */
const UPSTREAM_FILE = 'converge.upstream.json';

export function dataKindOf(pgData: string): DataKind {
  if (!existsSync(join(pgData, 'PG_VERSION'))) return 'empty';
  return existsSync(join(pgData, 'standby.signal')) ? 'replica' : 'primary';
}

export class DataDir {
  constructor(
    private readonly cfg: AgentConfig,
    private readonly tools: PgTools,
  ) {}

  get path(): string {
    return this.cfg.pgData;
  }

  /** Where a clone or bootstrap is built before it is renamed into place: PGDATA holds only whole data. */
  get staging(): string {
    return `${this.cfg.pgData}.staging`;
  }

  get passfilePath(): string {
    return join(this.cfg.tmpDir, `converge-${this.cfg.instance}.pgpass`);
  }

  kind(): DataKind {
    return dataKindOf(this.cfg.pgData);
  }

  bootstrapped(): boolean {
    return existsSync(join(this.cfg.pgData, BOOTSTRAPPED));
  }

  markBootstrapped(): void {
    this.tools.writeOwned(join(this.cfg.pgData, BOOTSTRAPPED), `${new Date().toISOString()}\n`);
  }

  async controlData(): Promise<ControlData | undefined> {
    if (this.kind() === 'empty') return undefined;
    return parseControlData(await this.tools.run('pg_controldata', ['-D', this.cfg.pgData], 30_000));
  }

  wipe(dir: string): void {
    rmSync(dir, { recursive: true, force: true });
  }

  /** The passfile (mode 600, owned by the postgres user, as libpq demands). */
  writePassfile(): void {
    this.tools.writeOwned(this.passfilePath, passfile(this.cfg));
  }

  savedUpstream(): Upstream | undefined {
    try {
      const u = JSON.parse(readFileSync(join(this.cfg.pgData, UPSTREAM_FILE), 'utf8')) as Partial<Upstream>;
      return typeof u.host === 'string' && typeof u.port === 'number' ? { host: u.host, port: u.port } : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Everything the agent owns in a data directory, written before each start: converge.conf (with
   * primary_conninfo when `upstream` is set), pg_hba.conf, the include line, and standby.signal
   * present exactly when it is to run as a replica.
   */
  configure(dir: string, upstream: Upstream | undefined): void {
    this.writePassfile();
    this.tools.writeOwned(join(dir, CONVERGE_CONF), convergeConf(this.cfg, upstream, this.passfilePath));
    this.tools.writeOwned(join(dir, 'pg_hba.conf'), pgHba(this.cfg));
    const conf = join(dir, 'postgresql.conf');
    this.tools.writeOwned(conf, withInclude(readFileSync(conf, 'utf8')));
    const auto = join(dir, 'postgresql.auto.conf');
    if (existsSync(auto)) this.tools.writeOwned(auto, withoutPrimaryConninfo(readFileSync(auto, 'utf8')));
    const signal = join(dir, 'standby.signal');
    if (upstream) {
      this.tools.writeOwned(signal, '');
      this.tools.writeOwned(join(dir, UPSTREAM_FILE), JSON.stringify(upstream) + '\n');
    } else {
      rmSync(signal, { force: true });
      rmSync(join(dir, UPSTREAM_FILE), { force: true });
    }
  }
}
