import type { PubSub } from 'type-graphql';
import type { Logger, Redis } from '@converge/runtime';
import { LiveTopics } from './live-topics';

const PREFIX = 'converge-chat:gql:';
/** Announcements of the topics pods listen to: a sorted set (score: good until, ms) and a channel for new ones. */
const LIVE_KEY = `${PREFIX}~live`;
const LIVE_CHANNEL = `${PREFIX}~live`;
const LIVE_TTL_MS = 30_000;
/** A subscriber that stops reading is cut off rather than buffered without bound (best effort, like sockets). */
const MAX_QUEUED = 1000;

interface Listener {
  push(value: unknown): void;
}

/**
 * Topics for GraphQL subscriptions (`messageAdded:<roomId>`, `messageUpdated:<roomId>`) across pods,
 * over Redis pub/sub: a pod subscribes to a topic's channel only while one of its clients listens.
 * Publishing fails fast and silently while Redis is down (real time is best effort; sync is the truth).
 * A topic is published only while some pod listens to it (live-topics.ts: pods announce their
 * topics through Redis), so sends to rooms without a GraphQL subscriber cost no Redis publish.
 */
export class RoomEventBus implements PubSub {
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly live: LiveTopics;
  private readonly refresher: NodeJS.Timeout;

  constructor(
    /** Fail-fast client for PUBLISH. */
    private readonly pub: Redis,
    /** A client in subscriber mode (it resubscribes by itself after a reconnect). */
    private readonly sub: Redis,
    private readonly logger: Logger,
    ttlMs = LIVE_TTL_MS,
  ) {
    this.live = new LiveTopics(ttlMs);
    sub.subscribe(LIVE_CHANNEL).catch((err: unknown) => this.logger.warn({ err: (err as Error).message }, 'Subscribe failed'));
    // After a reconnect announcements may have been missed: read them all again.
    sub.on('ready', () => void this.refresh());
    pub.on('ready', () => void this.refresh());
    this.refresher = setInterval(() => void this.refresh(), Math.max(10, Math.floor(ttlMs / 3)));
    this.refresher.unref();
    void this.refresh();
    sub.on('message', (channel: string, raw: string) => {
      if (channel === LIVE_CHANNEL) return this.live.heard(raw, Date.now() + this.live.ttlMs);
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
    if (!this.listeners.has(topic) && !this.live.isLive(topic, Date.now())) return;
    this.pub.publish(PREFIX + topic, JSON.stringify(payload)).catch(() => undefined);
  }

  /** Renews this pod's announcements, drops expired ones and reads everyone's (every third of the TTL). */
  private async refresh(): Promise<void> {
    const now = Date.now();
    const until = now + this.live.ttlMs;
    try {
      const mine = [...this.listeners.keys()].flatMap((t) => [until, t]);
      if (mine.length) await this.pub.zadd(LIVE_KEY, ...mine);
      await this.pub.zremrangebyscore(LIVE_KEY, '-inf', now);
      const flat = await this.pub.zrangebyscore(LIVE_KEY, now, '+inf', 'WITHSCORES');
      const entries: [string, number][] = [];
      for (let i = 0; i + 1 < flat.length; i += 2) entries.push([flat[i] as string, Number(flat[i + 1])]);
      this.live.replaceAll(entries, now);
    } catch {
      // Redis down: what is known stays until it expires; the next refresh reads again.
    }
  }

  /** Tells every pod that this one listens to `topic` now. */
  private announce(topic: string): void {
    this.pub
      .zadd(LIVE_KEY, Date.now() + this.live.ttlMs, topic)
      .then(() => this.pub.publish(LIVE_CHANNEL, topic))
      .catch(() => undefined);
  }

  close(): void {
    clearInterval(this.refresher);
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
      this.announce(topic);
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
