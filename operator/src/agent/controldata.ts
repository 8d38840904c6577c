// pg_controldata's report, parsed: what a stopped data directory says about itself.

export interface ControlData {
  /** "shut down", "shut down in recovery", "in production", "in archive recovery", "in crash recovery", ... */
  clusterState: string;
  systemIdentifier: string | null;
  timeline: number | null;
  checkpointLsn: string | null;
  /** True unless the last shutdown was clean (a crash, a kill -9, power loss). */
  crashed: boolean;
}

/** The `Key: value` lines of pg_controldata's output. */
export function parseControlData(text: string): ControlData {
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) fields.set(line.slice(0, i).trim(), line.slice(i + 1).trim());
  }
  const clusterState = fields.get('Database cluster state') ?? 'unknown';
  const tli = fields.get("Latest checkpoint's TimeLineID");
  return {
    clusterState,
    systemIdentifier: fields.get('Database system identifier') ?? null,
    timeline: tli && /^\d+$/.test(tli) ? Number(tli) : null,
    checkpointLsn: fields.get("Latest checkpoint's REDO location") ?? null,
    crashed: !(clusterState === 'shut down' || clusterState === 'shut down in recovery'),
  };
}

/** The timeline of a WAL file name (its first 8 hex digits), e.g. from pg_walfile_name(). */
export function timelineOfWalFile(walFile: string): number | null {
  return /^[0-9A-F]{24}$/i.test(walFile) ? parseInt(walFile.slice(0, 8), 16) : null;
}
