// How an ingress controller picks the rule for a request under `pathType: Prefix` (Kubernetes
// networking.k8s.io/v1): the rule path's `/`-separated elements must be a prefix of the request
// path's elements (`/rooms` matches `/rooms/x`, not `/roomsx`; a trailing slash is ignored), and the
// longest matching rule path wins.

export interface IngressPath {
  path: string;
  pathType: string;
  backend: { service: { name: string } };
}

function elements(path: string): string[] {
  return path.split('/').filter((e) => e !== '');
}

/** The Service the Ingress sends a request URL to, or undefined when no rule matches. */
export function ingressServiceFor(paths: readonly IngressPath[], url: string): string | undefined {
  const want = elements(url.split('?')[0] ?? url);
  let best: { length: number; service: string } | undefined;
  for (const p of paths) {
    if (p.pathType !== 'Prefix') throw new Error(`${p.path}: only pathType Prefix is modelled, got ${p.pathType}`);
    const have = elements(p.path);
    if (have.length > want.length || have.some((e, i) => e !== want[i])) continue;
    if (!best || have.length > best.length) best = { length: have.length, service: p.backend.service.name };
  }
  return best?.service;
}
