import type { PubSub } from 'type-graphql';
import type { Logger, Redis } from '@converge/runtime';

const PREFIX = 'converge-chat:gql:';
/** A subscriber that stops reading is cut off rather than buffered without bound (best effort, like sockets). */
const MAX_QUEUED = 1000;

interface Listener {
  push(value: unknown): void;
}

/**
 * Topics for GraphQL subscriptions (`messageAdded:<roomId>`, `messageUpdated:<roomId>`) across pods,
 * over Redis pub/sub: a pod subscribes to a topic's channel only while one of its clients listens.
 * Publishing fails fast and silently while Redis is down (real time is best effort; sync is the truth).
 */
export class RoomEventBus implements PubSub {
  private readonly listeners = new Map<string, Set<Listener>>();

  constructor(
    /** Fail-fast client for PUBLISH. */
    private readonly pub: Redis,
    /** A client in subscriber mode (it resubscribes by itself after a reconnect). */
    private readonly sub: Redis,
    private readonly logger: Logger,
  ) {
    sub.on('message', (channel: string, raw: string) => {
      const set = this.listeners.get(channel.slice(PREFIX.length));
      if (!set) return;
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch {
        return;
      }
      for (const l of set) l.push(value);
    });
  }

  publish(topic: string, payload: unknown): void {
    this.pub.publish(PREFIX + topic, JSON.stringify(payload)).catch(() => undefined);
  }

  subscribe(topic: string): AsyncIterable<unknown> {
    return { [Symbol.asyncIterator]: () => this.iterator(topic) };
  }

  /** Events of `topic` until anything is published on `endTopic` (e.g. the subscriber left the room). */
  subscribeUntil(topic: string, endTopic: string): AsyncIterable<unknown> {
    return { [Symbol.asyncIterator]: () => this.iterator(topic, endTopic) };
  }

  private listen(topic: string, listener: Listener): () => void {
    let set = this.listeners.get(topic);
    if (!set) {
      set = new Set();
      this.listeners.set(topic, set);
      this.sub.subscribe(PREFIX + topic).catch((err: unknown) => this.logger.warn({ err: (err as Error).message, topic }, 'Subscribe failed'));
    }
    set.add(listener);
    return () => {
      const s = this.listeners.get(topic);
      s?.delete(listener);
      if (s && !s.size) {
        this.listeners.delete(topic);
        this.sub.unsubscribe(PREFIX + topic).catch(() => undefined);
      }
    };
  }

  private iterator(topic: string, endTopic?: string): AsyncIterator<unknown> {
    const queue: unknown[] = [];
    let waiting: ((r: IteratorResult<unknown>) => void) | undefined;
    let done = false;
    const listener: Listener = {
      push: (value) => {
        if (done) return;
        if (waiting) {
          const w = waiting;
          waiting = undefined;
          w({ value, done: false });
        } else if (queue.length < MAX_QUEUED) queue.push(value);
      },
    };
    const unlisten = this.listen(topic, listener);
    const unlistenEnd = endTopic ? this.listen(endTopic, { push: () => void finish() }) : () => undefined;
    const finish = (): Promise<IteratorResult<unknown>> => {
      if (!done) {
        done = true;
        unlisten();
        unlistenEnd();
        queue.length = 0;
        waiting?.({ value: undefined, done: true });
        waiting = undefined;
      }
      return Promise.resolve({ value: undefined, done: true });
    };
    return {
      next: () => {
        if (queue.length) return Promise.resolve({ value: queue.shift(), done: false });
        if (done) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => (waiting = resolve));
      },
      return: finish,
      throw: async (e: unknown) => {
        await finish();
        throw e;
      },
    };
  }

  /** The topics this pod listens to now. */
  get topics(): string[] {
    return [...this.listeners.keys()];
  }
}
