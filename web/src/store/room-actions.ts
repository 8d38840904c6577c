// What the user does to rooms (create a group or a DM, rename, add or remove people, leave): the REST
// call, then the room as the server now has it in the list, so the dialogs never call the api.
import type { Room } from '@converge/protocol';
import type { Api } from '../lib/api';
import type { MessagesStore } from './messages';
import type { RoomsStore } from './rooms';
import type { SessionStore } from './session';

export interface RoomActionsDeps {
  api: Pick<Api, 'createGroup' | 'createDirect' | 'renameRoom' | 'addMember' | 'removeMember' | 'room'>;
  session: Pick<SessionStore, 'me'>;
  rooms: Pick<RoomsStore, 'upsert' | 'remove'>;
  messages: Pick<MessagesStore, 'drop'>;
}

export function createRoomActions({ api, session, rooms, messages }: RoomActionsDeps) {
  /** The room's members changed: take its current state from the server. */
  const refresh = async (roomId: string) => rooms.upsert(await api.room(roomId));

  return {
    async createGroup(name: string, memberIds: string[]): Promise<Room> {
      const room = await api.createGroup(name, memberIds);
      rooms.upsert(room);
      return room;
    },

    /** The DM with `userId` (the server returns the existing one when there is one). */
    async createDirect(userId: string): Promise<Room> {
      const room = await api.createDirect(userId);
      rooms.upsert(room);
      return room;
    },

    async rename(roomId: string, name: string): Promise<void> {
      rooms.upsert(await api.renameRoom(roomId, name));
    },

    async addMember(roomId: string, userId: string): Promise<void> {
      await api.addMember(roomId, userId);
      await refresh(roomId);
    },

    async removeMember(roomId: string, userId: string): Promise<void> {
      await api.removeMember(roomId, userId);
      await refresh(roomId);
    },

    /** Leaves the room: gone from the list and its thread forgotten (the caller moves away from it). */
    async leave(roomId: string): Promise<void> {
      await api.removeMember(roomId, session.me());
      rooms.remove(roomId);
      messages.drop(roomId);
    },
  };
}

export type RoomActions = ReturnType<typeof createRoomActions>;
