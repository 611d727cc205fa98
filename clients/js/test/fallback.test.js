import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  FakeEventSource, FakeWebSocket, clientsClosedAfterEachTest, envelope, fakeFetch, recorder, until,
} from '../test-support/fakes.js';

const FAST = { backoffInitialMs: 1, backoffMaxMs: 5, stallTimeoutMs: 60, requestTimeoutMs: 500 };

const connectClient = clientsClosedAfterEachTest();

const pollAnswering = (answer) => async () => [200, answer];

test('a refused WebSocket upgrade falls back to SSE, resuming from the last cursor without repeating', async () => {
  const fetch = fakeFetch({ '/poll': pollAnswering({ events: [], cursor: 'live', gap: false }) });
  const client = connectClient('http://gateway.test', { env: { WebSocket: FakeWebSocket, EventSource: FakeEventSource, fetch }, ...FAST });
  const got = recorder();
  const sub = client.subscribe(['demo/x'], got.handlers, { cursor: 'c0' });
  assert.equal(client.style, 'ws');

  const first = FakeWebSocket.instances[0];
  first.accept();
  assert.equal(first.lastSent('subscribe').cursor, 'c0');
  first.receive({ type: 'event', ...envelope(1) });
  first.receive({ type: 'event', ...envelope(2) });
  first.receive({ type: 'ack', id: first.lastSent('subscribe').id, cursor: 'c2' });
  first.drop(1001); // the node restarts: the same style is tried again
  await until(() => FakeWebSocket.instances.length === 2, 2000, 'a second socket');
  assert.equal(client.style, 'ws', 'a drop after the stream worked is no reason to fall back');
  FakeWebSocket.instances[1].drop(1006); // refused: the proxy does not pass upgrades

  await until(() => FakeEventSource.instances.length === 1, 2000, 'an EventSource');
  assert.equal(client.style, 'sse');
  const sse = new URL(FakeEventSource.instances[0].url);
  assert.equal(sse.searchParams.get('cursor'), 'c2', 'SSE starts right after the last event delivered');
  assert.equal(sse.searchParams.get('heartbeat'), 'event');
  const probe = fetch.requests.find((r) => r.url.pathname === '/poll');
  assert.equal(probe.url.searchParams.get('cursor'), 'c2', 'the probe checked HTTP and the cursor');

  const source = FakeEventSource.instances[0];
  source.emit('heartbeat', { interval: 15000 });
  source.emit('message', envelope(2), 'c2'); // even if a proxy replayed it, it is not delivered twice
  source.emit('message', envelope(3), 'c3');
  assert.deepEqual(got.events, [1, 2, 3]);
  assert.equal(sub.cursor, 'c3');
  const switched = got.states.find((s) => s.from === 'ws');
  assert.equal(switched.style, 'sse');
  assert.match(switched.reason, /plain HTTP works/);
  assert.equal(got.states.at(-1).state, 'live');
  client.close();
});

test('an SSE stream that delivers nothing, not even a heartbeat, falls back to long polling from its cursor', async () => {
  const longpolls = [];
  const fetch = fakeFetch({
    '/longpoll': async (url) => {
      longpolls.push(url.searchParams.get('cursor'));
      if (longpolls.length === 1) return [200, { events: [envelope(4), envelope(5)], cursor: 'c5', gap: false }];
      await new Promise((r) => setTimeout(r, 1000));
      return [200, { events: [], cursor: 'c5', gap: false }];
    },
  });
  const client = connectClient('http://gateway.test', { env: { EventSource: FakeEventSource, fetch }, ...FAST });
  const got = recorder();
  client.subscribe(['demo/x'], got.handlers, { cursor: 'c3' });
  assert.equal(client.style, 'sse', 'no WebSocket here: SSE first');

  await until(() => longpolls.length >= 1, 2000, 'a long poll');
  assert.equal(client.style, 'longpoll');
  assert.ok(FakeEventSource.instances[0].closed, 'the silent stream was closed');
  assert.equal(longpolls[0], 'c3');
  await until(() => longpolls.length >= 2, 2000, 'the next long poll');
  assert.equal(longpolls[1], 'c5', 'the next request carries the answer\'s cursor');
  assert.deepEqual(got.events, [4, 5]);
  assert.match(got.states.find((s) => s.from === 'sse').reason, /buffering proxy/);
  client.close();
});

test('a stream that worked and then went quiet reconnects in the same style', async () => {
  const fetch = fakeFetch({});
  const client = connectClient('', { env: { EventSource: FakeEventSource, fetch }, ...FAST, styles: ['sse', 'poll'] });
  const got = recorder();
  client.subscribe(['demo/x'], got.handlers, { cursor: 'c1' });
  const first = FakeEventSource.instances[0];
  first.emit('heartbeat', { interval: 20 });
  first.emit('message', envelope(2), 'c2');
  await until(() => FakeEventSource.instances.length === 2, 2000, 'a new stream');
  assert.equal(client.style, 'sse');
  assert.equal(new URL(FakeEventSource.instances[1].url, 'http://x').searchParams.get('cursor'), 'c2');
  client.close();
});

test('without a cursor, SSE first polls once for snapshots and the live cursor, then streams from it', async () => {
  const fetch = fakeFetch({ '/poll': pollAnswering({ events: [{ ...envelope(7), snapshot: true }], cursor: 'live', gap: false }) });
  const client = connectClient('http://gateway.test', { env: { EventSource: FakeEventSource, fetch }, ...FAST });
  const got = recorder();
  client.subscribe(['demo/x'], got.handlers);
  await until(() => FakeEventSource.instances.length === 1, 2000, 'an EventSource');
  assert.equal(new URL(FakeEventSource.instances[0].url).searchParams.get('cursor'), 'live');
  assert.deepEqual(got.events, [7]);
  client.close();
});

test('a WebSocket subscription from the live end stands at the acknowledged position, not at a snapshot', async () => {
  const fetch = fakeFetch({});
  const client = connectClient('http://gateway.test', { env: { WebSocket: FakeWebSocket, fetch }, ...FAST });
  const sub = client.subscribe(['demo/*'], recorder().handlers);
  const ws = FakeWebSocket.instances[0];
  ws.accept();
  assert.equal(ws.lastSent('subscribe').cursor, undefined);
  ws.receive({ type: 'event', ...envelope(8), snapshot: true });
  ws.receive({ type: 'ack', id: ws.lastSent('subscribe').id, cursor: 'position' });
  assert.equal(sub.cursor, 'position');
  client.close();
});

test('a refused cursor is reported as a gap and the subscription starts again from the live end', async () => {
  const polls = [];
  const fetch = fakeFetch({
    '/poll': async (url) => {
      polls.push(url.searchParams.get('cursor'));
      return polls.length === 1 ? [400, { error: 'bad_cursor', message: 'cursor: damaged' }]
        : [200, { events: [], cursor: 'fresh', gap: false }];
    },
  });
  const client = connectClient('http://gateway.test', { env: { fetch }, ...FAST, styles: ['poll'], pollIntervalMs: 10 });
  const got = recorder();
  const sub = client.subscribe(['demo/x'], got.handlers, { cursor: 'stale' });
  await until(() => polls.length >= 2, 2000, 'a second poll');
  assert.deepEqual(polls.slice(0, 2), ['stale', null]);
  assert.equal(got.gaps[0].reason, 'bad_cursor');
  await until(() => sub.cursor === 'fresh', 2000, 'the fresh cursor');
  client.close();
});

test('a refused channel fails the subscription for good instead of retrying', async () => {
  let polls = 0;
  const fetch = fakeFetch({ '/poll': async () => { polls++; return [400, { error: 'bad_channel', message: 'no' }]; } });
  const client = connectClient('http://gateway.test', { env: { fetch }, ...FAST, styles: ['poll'] });
  const got = recorder();
  client.subscribe(['nosuch/x'], got.handlers);
  await until(() => got.states.some((s) => s.state === 'failed'), 2000, 'failed');
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(polls, 1);
  assert.match(got.states.at(-1).reason, /bad_channel/);
  client.close();
});

test('claps go over the open WebSocket, and over HTTP with the token when none is open', async () => {
  const claps = [];
  const fetch = fakeFetch({ '/claps': async (url, init) => { claps.push(init); return [202, { post: 'p1', count: 2 }]; } });
  const client = connectClient('http://gateway.test', { env: { WebSocket: FakeWebSocket, fetch }, ...FAST, token: 'tok', user: 'u1' });
  const noSocketYet = await client.clap('p1', 2);
  assert.equal(noSocketYet.count, 2);
  assert.equal(claps[0].headers.Authorization, 'Bearer tok');
  assert.equal(claps[0].headers['Content-Type'], 'application/json');
  assert.deepEqual(JSON.parse(claps[0].body), { user: 'u1', count: 2 });

  client.subscribe(['claps/p1'], recorder().handlers, { cursor: 'c0' });
  const ws = FakeWebSocket.instances[0];
  assert.equal(new URL(ws.url).searchParams.get('access_token'), 'tok');
  ws.accept();
  ws.receive({ type: 'ack', id: ws.lastSent('subscribe').id, cursor: 'c0' });
  const overSocket = client.like('p1', false);
  const like = ws.lastSent('like');
  assert.deepEqual({ post: like.post, user: like.user, like: like.like }, { post: 'p1', user: 'u1', like: false });
  ws.receive({ type: 'ack', id: like.id, post: 'p1', user: 'u1', liked: false });
  assert.deepEqual(await overSocket, { post: 'p1', user: 'u1', liked: false });
  assert.equal(claps.length, 1, 'nothing more went over HTTP');
  client.close();
});

test('a socket that goes quiet is pinged, and closed and reopened when the ping goes unanswered', async () => {
  const client = connectClient('http://gateway.test', { env: { WebSocket: FakeWebSocket, fetch: fakeFetch({}) }, ...FAST, wsPingMs: 20 });
  client.subscribe(['demo/x'], recorder().handlers, { cursor: 'c0' });
  const ws = FakeWebSocket.instances[0];
  ws.accept();
  ws.receive({ type: 'ack', id: ws.lastSent('subscribe').id, cursor: 'c0' });
  await until(() => ws.lastSent('ping'), 2000, 'a ping');
  await until(() => FakeWebSocket.instances.length === 2, 2000, 'a new socket');
  assert.equal(client.style, 'ws');
  client.close();
});
