import { ApiObject, JsonPatch } from 'cdk8s';
import { ROUTES, type Upstream } from '@converge/protocol';
import { Construct } from 'constructs';
import { renderOnlyIf, when } from '../helm/expr';
import { v, value } from '../values/refs';
import type { ConvergeProcess } from './converge-process';
import { labels, releaseName } from './naming';

export interface ConvergeIngressProps {
  readonly user: ConvergeProcess;
  readonly chat: ConvergeProcess;
  readonly web: ConvergeProcess;
}

/**
 * The one Ingress: the API paths of @converge/protocol's route table to their services (the same table
 * the web server's proxy uses), everything else to the web app. Host, class, TLS and annotations
 * (WebSocket timeouts and cookie affinity by default) come from `.Values.ingress`.
 */
export class ConvergeIngress extends Construct {
  /** Path prefix → process: every API route, then `/` for the web app (ingress controllers prefer the longest match). */
  readonly routes: ReadonlyArray<readonly [string, ConvergeProcess]>;

  constructor(scope: Construct, id: string, props: ConvergeIngressProps) {
    super(scope, id);
    const upstreams: Record<Upstream, ConvergeProcess> = { user: props.user, chat: props.chat };
    this.routes = [...ROUTES.map((r) => [r.prefix, upstreams[r.upstream]] as const), ['/', props.web]];
    const ingress = new ApiObject(this, 'ingress', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: releaseName('ingress'), labels: labels('ingress') },
      spec: {
        [when(v('ingress.className'), 'ingressClassName')]: value('ingress.className'),
        [when(v('ingress.tls.enabled'), 'tls')]: [{ hosts: [value('ingress.host')], secretName: value('ingress.tls.secretName') }],
        rules: [
          {
            host: value('ingress.host'),
            http: {
              paths: this.routes.map(([path, target]) => ({
                path,
                pathType: 'Prefix',
                backend: { service: { name: target.serviceName, port: { name: 'http' } } },
              })),
            },
          },
        ],
      },
    });
    // cdk8s copies metadata maps key by key, so a whole-map value goes in as a patch.
    ingress.addJsonPatch(JsonPatch.add('/metadata/annotations', value('ingress.annotations')));
    renderOnlyIf(ingress, v('ingress.enabled'));
  }
}
