// Profiles of the people the user meets in rooms, fetched once per id and cached for the session.
import type { User } from '@converge/protocol';
import { createStore } from 'solid-js/store';
import { type Api, ApiFailure } from '../lib/api';

type Entry = User | { id: string; missing: true };

export interface UsersDeps {
  api: Pick<Api, 'user' | 'searchUsers'>;
}

export function createUsersStore({ api }: UsersDeps) {
  const [cache, setCache] = createStore<Record<string, Entry>>({});
  const loading = new Set<string>();

  function load(id: string): void {
    if (loading.has(id) || !id) return;
    loading.add(id);
    api
      .user(id)
      .then((u) => setCache(id, u))
      .catch((e: unknown) => {
        // A deleted account stays "Deleted user"; other failures are retried on the next read.
        if (e instanceof ApiFailure && e.code === 'NOT_FOUND') setCache(id, { id, missing: true });
      })
      .finally(() => loading.delete(id));
  }

  const users = {
    /** The profile (reactive), loading it on first use; undefined until it arrives. */
    get(id: string): User | undefined {
      const e = cache[id];
      if (!e) {
        load(id);
        return undefined;
      }
      return 'missing' in e ? undefined : e;
    },

    name(id: string): string {
      const e = cache[id];
      if (!e) {
        load(id);
        return '…';
      }
      return 'missing' in e ? 'Deleted user' : e.displayName || e.username;
    },

    /**
     * Fetches these profiles again (a conversation being opened): the contract has no event for a
     * changed display name, so this is when the reader learns of one. Failures keep what is cached.
     */
    refresh(ids: string[]): void {
      for (const id of ids) {
        if (!id || loading.has(id)) continue;
        loading.add(id);
        api
          .user(id)
          .then((u) => setCache(id, u))
          .catch(() => undefined)
          .finally(() => loading.delete(id));
      }
    },

    remember(list: User[]): void {
      for (const u of list) setCache(u.id, u);
    },

    /** People whose username starts with `prefix`; the profiles found are cached too. */
    async search(prefix: string, limit = 10): Promise<User[]> {
      const { users: found } = await api.searchUsers(prefix, limit);
      users.remember(found);
      return found;
    },

    reset(): void {
      setCache((c) => {
        const cleared: Record<string, undefined> = {};
        for (const k of Object.keys(c)) cleared[k] = undefined;
        return cleared as unknown as Record<string, Entry>;
      });
    },
  };
  return users;
}

export type UsersStore = ReturnType<typeof createUsersStore>;
