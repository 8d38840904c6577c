import { spawnSync } from 'node:child_process';

// Reads a `docker save` tarball directly (no dockerd): the image config and the files of its layers.

function tarOut(args: string[], input?: Buffer): Buffer {
  const r = spawnSync('tar', args, { input, maxBuffer: 1 << 30, timeout: 120_000 });
  if (r.status !== 0) throw new Error(`tar ${args.join(' ')} failed: ${r.stderr?.toString() ?? r.error}`);
  return r.stdout;
}

type Manifest = { Config: string; RepoTags: string[] | null; Layers: string[] }[];

export type ImageConfig = { User?: string; Entrypoint?: string[] | null; Cmd?: string[] | null; WorkingDir?: string; Env?: string[] };

export function imageManifest(tar: string): Manifest[number] {
  const manifest = JSON.parse(tarOut(['-xOf', tar, 'manifest.json']).toString('utf8')) as Manifest;
  if (manifest.length !== 1) throw new Error(`${tar} holds ${manifest.length} images`);
  return manifest[0] as Manifest[number];
}

export function imageConfig(tar: string): ImageConfig {
  const m = imageManifest(tar);
  return (JSON.parse(tarOut(['-xOf', tar, m.Config]).toString('utf8')) as { config: ImageConfig }).config;
}

/** Every path the image's layers add (later layers last), without the leading "./". */
export function imageFiles(tar: string): string[] {
  return imageManifest(tar).Layers.flatMap((layer) =>
    tarOut(['-tf', '-'], tarOut(['-xOf', tar, layer]))
      .toString('utf8')
      .split('\n')
      .filter(Boolean)
      .map((p) => p.replace(/^\.\//, '')),
  );
}
