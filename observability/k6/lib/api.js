// The REST calls of the k6 scripts (PROTOCOL: /auth/login, /auth/register, /rooms), all through
// http.asyncRequest, each tagged with a `name` so thresholds and summaries group them by call.
import http from 'k6/http';

const JSON_HEADERS = { 'Content-Type': 'application/json' };

async function callJson(method, url, body, token, name, expected) {
  const headers = token ? { ...JSON_HEADERS, Authorization: `Bearer ${token}` } : JSON_HEADERS;
  const params = { headers, tags: { name } };
  // A login for a user not registered yet answers 401 by design: not a failed request.
  if (expected) params.responseCallback = http.expectedStatuses(...expected);
  const res = await http.asyncRequest(method, url, body === undefined ? null : JSON.stringify(body), params);
  let json;
  try {
    json = res.body ? res.json() : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, json };
}

/** `{id, token}` of `username`: its login, or its registration the first time (so reruns reuse users). */
export async function loginOrRegister(userUrl, username, password) {
  const login = await callJson('POST', `${userUrl}/auth/login`, { username, password }, undefined, 'login', [200, 401]);
  if (login.status === 200) return { id: login.json.user.id, token: login.json.accessToken };
  const reg = await callJson('POST', `${userUrl}/auth/register`, { username, password, displayName: username }, undefined, 'register');
  if (reg.status !== 201) throw new Error(`register ${username}: ${reg.status} ${JSON.stringify(reg.json)}`);
  return { id: reg.json.user.id, token: reg.json.accessToken };
}

/** A group room of `owner` named `name` with `memberIds`: an existing one, or a new one. */
export async function findOrCreateRoom(chatUrl, owner, name, memberIds) {
  const list = await callJson('GET', `${chatUrl}/rooms`, undefined, owner.token, 'list rooms');
  if (list.status !== 200) throw new Error(`GET /rooms: ${list.status}`);
  const found = list.json.rooms.find((r) => r.name === name && memberIds.every((id) => r.members.some((m) => m.userId === id)));
  if (found) return found.id;
  const made = await callJson('POST', `${chatUrl}/rooms`, { name, memberIds }, owner.token, 'create room');
  if (made.status !== 201) throw new Error(`POST /rooms: ${made.status} ${JSON.stringify(made.json)}`);
  return made.json.id;
}
