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

async function login(userUrl, username, password) {
  const r = await callJson('POST', `${userUrl}/auth/login`, { username, password }, undefined, 'login', [200, 401]);
  if (r.status === 200) return { id: r.json.user.id, token: r.json.accessToken };
  if (r.status === 401) return undefined;
  throw new Error(`login ${username}: ${r.status} ${JSON.stringify(r.json)}`);
}

async function register(userUrl, username, password) {
  const r = await callJson('POST', `${userUrl}/auth/register`, { username, password, displayName: username }, undefined, 'register', [201, 409]);
  if (r.status === 201) return { id: r.json.user.id, token: r.json.accessToken };
  if (r.status === 409) return undefined;
  throw new Error(`register ${username}: ${r.status} ${JSON.stringify(r.json)}`);
}

/**
 * `{id, token}` of each of `usernames` (the same password): logged in when the first one logs in
 * (an earlier run made them), else registered. Guessing matters: logging in a user that does not
 * exist counts as a failed login from this IP (the user service blocks the IP after 100 in 15 min);
 * registering one that exists spends the per-IP registration budget (20 an hour by default).
 */
export async function loginOrRegister(userUrl, usernames, password) {
  const first = await login(userUrl, usernames[0], password);
  const [a, b] = first ? [login, register] : [register, login];
  const rest = await Promise.all(usernames.slice(1).map(async (u) => (await a(userUrl, u, password)) || (await b(userUrl, u, password))));
  const all = [first || (await register(userUrl, usernames[0], password)), ...rest];
  all.forEach((x, i) => {
    if (!x) throw new Error(`${usernames[i]} exists with another password: set K6_PASSWORD or K6_USER_PREFIX`);
  });
  return all;
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
