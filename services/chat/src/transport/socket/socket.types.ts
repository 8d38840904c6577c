import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '@converge/protocol';

export interface SocketData {
  userId: string;
  /** Seconds since the epoch when the access token stops being valid. */
  expiresAt: number;
  expiryTimer?: NodeJS.Timeout;
  /** The user's rooms when the handshake was accepted (joined on connect). */
  roomIds: string[];
  /** This socket took the user's first slot over all pods: the user came online. */
  cameOnline: boolean;
  /** Gives the socket's slot back (once); true when it was the user's last anywhere. */
  releaseSlot: () => Promise<boolean>;
}

export type ChatIo = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type ChatSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
