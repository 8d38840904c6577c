// Plain-text tables for the terminal. Pure: unit-tested.

/** Pads every column to its widest cell; the first row is the header, underlined. Numbers right-aligned. */
export function renderTable(header: string[], rows: string[][]): string {
  const all = [header, ...rows];
  const cols = Math.max(...all.map((r) => r.length));
  const width = Array.from({ length: cols }, (_, c) => Math.max(...all.map((r) => [...(r[c] ?? '')].length)));
  const numeric = Array.from({ length: cols }, (_, c) => rows.length > 0 && rows.every((r) => /^[-+]?[\d,.]+( ?[%×a-zA-Z/]*)?$|^-$|^$/.test(r[c] ?? '')));
  const line = (r: string[]) =>
    Array.from({ length: cols }, (_, c) => {
      const cell = r[c] ?? '';
      const pad = ' '.repeat((width[c] ?? 0) - [...cell].length);
      return numeric[c] ? pad + cell : cell + pad;
    })
      .join('  ')
      .trimEnd();
  const rule = width.map((w) => '-'.repeat(w)).join('  ');
  return [line(header), rule, ...rows.map(line)].join('\n');
}

export interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
  startTime: number;
  endTime: number;
}

export interface HotSpot {
  name: string;
  selfMs: number;
  share: number;
}

/** Where a `.cpuprofile` spent its time (self time), by function and file; (idle) and (program) kept. */
export function topSelfTime(profile: CpuProfile, limit = 15, root = ''): HotSpot[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const selfUs = new Map<string, number>();
  let total = 0;
  for (let i = 0; i < samples.length; i++) {
    const node = byId.get(samples[i] as number);
    // The delta that follows a sample is the time it stood for.
    const dt = Math.max(0, deltas[i + 1] ?? 0);
    if (!node) continue;
    const f = node.callFrame;
    const file = f.url.replace(/^file:\/\//, '').replace(root, '').replace(/^.*node_modules\//, '');
    const key = f.url ? `${f.functionName || '(anonymous)'} ${file}:${f.lineNumber + 1}` : f.functionName || '(anonymous)';
    selfUs.set(key, (selfUs.get(key) ?? 0) + dt);
    total += dt;
  }
  return [...selfUs.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([name, us]) => ({ name, selfMs: us / 1000, share: total ? us / total : 0 }));
}

/**
 * Self time summed per package (node_modules/<pkg>, a workspace, or a V8 category). With `charge`,
 * time in native code and node core goes to the nearest calling frame that belongs to a package, so
 * e.g. socket writes count for pg or socket.io rather than for `writev`.
 */
export function selfTimeByPackage(profile: CpuProfile, charge = false): HotSpot[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const owner = new Map<number, string>();
  const ownerOf = (id: number): string => {
    const known = owner.get(id);
    if (known !== undefined) return known;
    const node = byId.get(id);
    let pkg = node ? packageOf(node.callFrame.url, node.callFrame.functionName) : '?';
    if (charge && node && (pkg === '(native)' || pkg === 'node core')) {
      const up = parent.get(id);
      const above = up === undefined ? undefined : ownerOf(up);
      if (above !== undefined && above !== '(root)' && above !== '(native)' && above !== 'node core') pkg = above;
    }
    owner.set(id, pkg);
    return pkg;
  };
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const acc = new Map<string, number>();
  let total = 0;
  for (let i = 0; i < samples.length; i++) {
    const id = samples[i] as number;
    const dt = Math.max(0, deltas[i + 1] ?? 0);
    if (!byId.has(id)) continue;
    const pkg = ownerOf(id);
    acc.set(pkg, (acc.get(pkg) ?? 0) + dt);
    total += dt;
  }
  return [...acc.entries()].sort((a, b) => b[1] - a[1]).map(([name, us]) => ({ name, selfMs: us / 1000, share: total ? us / total : 0 }));
}

export function packageOf(url: string, functionName = ''): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node core';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1] ?? ''}` : (rest[0] ?? '?');
  }
  const ws = /\/(services\/[^/]+|packages\/[^/]+|bench)\//.exec(url);
  return ws ? (ws[1] ?? '?') : 'other';
}
