// Room mutations as the dialogs call them: the REST call, then the list as the server has it.
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import type { Room } from '@converge/protocol';
import { aRoom, BOB, CAROL, type Harness, harness, ME, page, roomId, signIn } from './store.fakes';

const R = roomId(1);
const D = roomId(2);

describe('room actions', () => {
  let h: Harness | undefined;
  afterEach(() => {
    h?.store.dispose();
    h = undefined;
  });

  async function signedIn(server: Map<string, Room>) {
    const hh = harness({
      rooms: async () => ({ rooms: [...server.values()] }),
      room: async (id: string) => server.get(id)!,
      history: async () => page([]),
      presence: async () => ({ users: [] }),
    });
    h = hh;
    await signIn(hh);
    await hh.store.rooms.reload();
    return hh;
  }

  test('creating a group or a DM puts it in the list at once', async () => {
    const hh = await signedIn(new Map());
    hh.api.set({
      createGroup: async (name: string, memberIds: string[]) =>
        aRoom(R, { name, members: [{ userId: ME, role: 'admin' }, ...memberIds.map((userId) => ({ userId, role: 'member' as const }))] }),
      createDirect: async (userId: string) =>
        aRoom(D, { kind: 'direct', name: '', members: [{ userId: ME, role: 'member' }, { userId, role: 'member' }] }),
    });
    const g = await hh.store.roomActions.createGroup('Team', [BOB, CAROL]);
    assert.equal(g.id, R);
    assert.equal(hh.store.rooms.get(R)?.room.members.length, 3);
    const dm = await hh.store.roomActions.createDirect(BOB);
    assert.equal(hh.store.rooms.get(dm.id)?.room.kind, 'direct');
    assert.deepEqual(
      hh.api.calls.filter((c) => c.name === 'createGroup' || c.name === 'createDirect').map((c) => [c.name, c.args]),
      [
        ['createGroup', ['Team', [BOB, CAROL]]],
        ['createDirect', [BOB]],
      ],
    );
  });

  test('rename shows the new name', async () => {
    const hh = await signedIn(new Map([[R, aRoom(R)]]));
    hh.api.set({ renameRoom: async (id: string, name: string) => aRoom(id, { name }) });
    await hh.store.roomActions.rename(R, 'Renamed');
    assert.equal(hh.store.rooms.get(R)?.room.name, 'Renamed');
  });

  test('adding and removing a member refresh the room from the server', async () => {
    const server = new Map([[R, aRoom(R)]]);
    const hh = await signedIn(server);
    hh.api.set({
      addMember: async (id: string, userId: string) => {
        const r = server.get(id)!;
        server.set(id, { ...r, members: [...r.members, { userId, role: 'member' }] });
        return { userId, role: 'member' };
      },
      removeMember: async (id: string, userId: string) => {
        const r = server.get(id)!;
        server.set(id, { ...r, members: r.members.filter((m) => m.userId !== userId) });
      },
    });
    await hh.store.roomActions.addMember(R, CAROL);
    assert.deepEqual(hh.store.rooms.get(R)?.room.members.map((m) => m.userId), [ME, BOB, CAROL]);
    await hh.store.roomActions.removeMember(R, BOB);
    assert.deepEqual(hh.store.rooms.get(R)?.room.members.map((m) => m.userId), [ME, CAROL]);
  });

  test('leaving removes me on the server, then the room and its thread here', async () => {
    const hh = await signedIn(new Map([[R, aRoom(R)]]));
    await hh.store.messages.open(R);
    hh.api.set({ removeMember: async () => undefined });
    await hh.store.roomActions.leave(R);
    assert.deepEqual(hh.api.calls.find((c) => c.name === 'removeMember')?.args, [R, ME]);
    assert.equal(hh.store.rooms.get(R), undefined);
    assert.equal(hh.store.messages.thread(R), undefined);
  });

  test('a refused mutation rejects and leaves the list as it was', async () => {
    const hh = await signedIn(new Map([[R, aRoom(R)]]));
    hh.api.set({ renameRoom: async () => Promise.reject(new Error('Only admins can rename')) });
    await assert.rejects(hh.store.roomActions.rename(R, 'Nope'), /Only admins/);
    assert.equal(hh.store.rooms.get(R)?.room.name, 'General');
  });
});
