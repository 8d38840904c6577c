// The real-time link's state, shown by the banner, and the socket the other slices emit on.
import { createStore } from 'solid-js/store';
import type { ChatSocket } from '../lib/socket';

export type LinkStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'offline';

export function createConnectionStore() {
  const [state, setState] = createStore<{ status: LinkStatus; everConnected: boolean }>({
    status: 'idle',
    everConnected: false,
  });

  let current: ChatSocket | null = null;

  return {
    state,
    setStatus(status: LinkStatus): void {
      setState('status', status);
      if (status === 'connected') setState('everConnected', true);
    },
    reset(): void {
      setState({ status: 'idle', everConnected: false });
    },
    socket(): ChatSocket | null {
      return current;
    },
    setSocket(s: ChatSocket | null): void {
      current = s;
    },
    connected(): boolean {
      return current?.connected ?? false;
    },
  };
}

export type ConnectionStore = ReturnType<typeof createConnectionStore>;
