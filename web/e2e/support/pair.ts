// The most common opening of an e2e test: alice and bob, in a group room alice made, each signed in
// through the login form on a page of their own and looking at that room.
import type { Browser } from 'playwright-core';
import { type Account, createGroup, registerAccount } from './api-client';
import { loginViaUi, openApp, openRoom, uniqueName, type UserPage } from './browser';

export interface PairInRoom {
  aliceAcc: Account;
  bobAcc: Account;
  roomId: string;
  alice: UserPage;
  bob: UserPage;
}

export async function aliceAndBobInRoom(browser: Browser, webUrl: string, roomName: string): Promise<PairInRoom> {
  const aliceAcc = await registerAccount(webUrl, uniqueName('alice'), 'Alice');
  const bobAcc = await registerAccount(webUrl, uniqueName('bob'), 'Bob');
  const roomId = await createGroup(webUrl, aliceAcc, roomName, [bobAcc.id]);
  const alice = await openApp(browser, webUrl);
  const bob = await openApp(browser, webUrl);
  await loginViaUi(alice.page, aliceAcc.username);
  await loginViaUi(bob.page, bobAcc.username);
  await openRoom(alice.page, roomId);
  await openRoom(bob.page, roomId);
  return { aliceAcc, bobAcc, roomId, alice, bob };
}
