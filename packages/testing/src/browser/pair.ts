// The most common opening of an e2e test: alice and bob, in a group room alice made, each signed in
// through the login form on a page of their own and looking at that room.
import { type Account, createGroup, registerAccount } from './accounts';
import { loginViaUi, openRoom, uniqueName, type UserPage } from './browser';
import type { BrowserStack } from './use-browser-stack';

export interface PairInRoom {
  aliceAcc: Account;
  bobAcc: Account;
  roomId: string;
  alice: UserPage;
  bob: UserPage;
}

export async function aliceAndBobInRoom(e2e: BrowserStack, roomName: string): Promise<PairInRoom> {
  const aliceAcc = await registerAccount(e2e.webUrl, uniqueName('alice'), 'Alice');
  const bobAcc = await registerAccount(e2e.webUrl, uniqueName('bob'), 'Bob');
  const roomId = await createGroup(e2e.webUrl, aliceAcc, roomName, [bobAcc.id]);
  const alice = await e2e.open();
  const bob = await e2e.open();
  await loginViaUi(alice.page, aliceAcc.username);
  await loginViaUi(bob.page, bobAcc.username);
  await openRoom(alice.page, roomId);
  await openRoom(bob.page, roomId);
  return { aliceAcc, bobAcc, roomId, alice, bob };
}
