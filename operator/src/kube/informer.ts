import * as k8s from '@kubernetes/client-node';

export interface InformerHandle<T extends k8s.KubernetesObject> {
  list(): readonly T[];
  stop(): void;
}

/**
 * A client-node informer that keeps going: it relists on 410 by itself but stops for good on any other
 * error, so this restarts it with exponential backoff; and a watch can go quiet without an error
 * (client-node issues #596, #958), so a watchdog restarts one that saw nothing for `quietMs` (a relist:
 * changes missed meanwhile arrive as events).
 */
export function resilientInformer<T extends k8s.KubernetesObject>(opts: {
  kc: k8s.KubeConfig;
  path: string;
  list: () => Promise<k8s.KubernetesListObject<T>>;
  labelSelector?: string;
  onChange: (obj: T) => void;
  log: (msg: string, extra?: object) => void;
  quietMs?: number;
}): InformerHandle<T> {
  const informer = k8s.makeInformer(opts.kc, opts.path, opts.list, opts.labelSelector);
  let lastEvent = Date.now();
  let backoff = 500;
  let stopped = false;
  const seen = (o: T) => {
    lastEvent = Date.now();
    backoff = 500;
    opts.onChange(o);
  };
  informer.on('add', seen);
  informer.on('update', seen);
  informer.on('delete', seen);
  informer.on('connect', () => {
    lastEvent = Date.now();
  });
  const restart = (why: string) => {
    if (stopped) return;
    opts.log('informer restarting', { path: opts.path, why, backoffMs: backoff });
    const t = setTimeout(() => {
      if (stopped) return;
      informer.start().catch((e: unknown) => restart(String((e as Error).message ?? e)));
    }, backoff);
    t.unref();
    backoff = Math.min(backoff * 2, 30_000);
  };
  informer.on('error', (e: unknown) => restart(String((e as Error)?.message ?? e)));
  const watchdog = setInterval(() => {
    if (Date.now() - lastEvent < (opts.quietMs ?? 120_000)) return;
    lastEvent = Date.now();
    opts.log('informer quiet: relisting', { path: opts.path });
    void informer.stop().then(() => informer.start()).catch((e: unknown) => restart(String((e as Error).message ?? e)));
  }, 10_000);
  watchdog.unref();
  informer.start().catch((e: unknown) => restart(String((e as Error).message ?? e)));
  return {
    list: () => informer.list(),
    stop: () => {
      stopped = true;
      clearInterval(watchdog);
      void informer.stop();
    },
  };
}
