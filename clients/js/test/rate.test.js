import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  FakeEventSource, FakeWebSocket, clientsClosedAfterEachTest, envelope, fakeFetch, recorder, until,
} from '../test-support/fakes.js';

const FAST = { backoffInitialMs: 1, backoffMaxMs: 5, stallTimeoutMs: 60, requestTimeoutMs: 500, pollIntervalMs: 10 };

const connectClient = clientsClosedAfterEachTest();

/** A client of `styles` on the fakes, every poll answered empty at cursor `live` unless `routes` says otherwise. */
function clientOf(styles, routes = {}) {
  const fetch = fakeFetch({ '/poll': async () => [200, { events: [], cursor: 'live', gap: false }],
    '/longpoll': async () => [200, { events: [], cursor: 'live', gap: false }], ...routes });
  const client = connectClient('http://gateway.test', {
    env: { WebSocket: FakeWebSocket, EventSource: FakeEventSource, fetch }, ...FAST, styles,
  });
  return { client, fetch };
}

/** A WebSocket subscription whose subscribe the gateway acknowledged. */
function liveSocket(client, got, options) {
  const sub = client.subscribe(['ticker/*'], got.handlers, options);
  const ws = FakeWebSocket.instances.at(-1);
  ws.accept();
  ws.receive({ type: 'ack', id: ws.lastSent('subscribe').id, cursor: options.cursor });
  return { sub, ws };
}

const sent = (ws, type) => ws.sent.filter((m) => m.type === type);

/** The `max_rate` the first request of `style` carried (null when it carried none). */
async function firstMaxRate(style, options) {
  const { client, fetch } = clientOf([style]);
  client.subscribe(['ticker/*'], recorder().handlers, { cursor: 'c0', ...options });
  if (style === 'ws') {
    const ws = FakeWebSocket.instances.at(-1);
    ws.accept();
    return ws.lastSent('subscribe').max_rate ?? null;
  }
  if (style === 'sse') return new URL(FakeEventSource.instances.at(-1).url).searchParams.get('max_rate');
  await until(() => fetch.requests.length > 0, 2000, 'a ' + style);
  return fetch.requests[0].url.searchParams.get('max_rate');
}

test('maxRate reaches the gateway in every style: max_rate in the query, or in the WebSocket subscribe', async () => {
  assert.equal(await firstMaxRate('ws', { maxRate: 5 }), 5);
  assert.equal(await firstMaxRate('sse', { maxRate: 5 }), '5');
  assert.equal(await firstMaxRate('longpoll', { maxRate: 5 }), '5');
  assert.equal(await firstMaxRate('poll', { maxRate: 5 }), '5');
  for (const style of ['ws', 'sse', 'longpoll', 'poll']) {
    assert.equal(await firstMaxRate(style, {}), null, style + ' without maxRate asks for no limit');
    assert.equal(await firstMaxRate(style, { maxRate: 0 }), null, style + ': 0 is no limit');
  }
});

test('a maxRate the gateway would refuse is refused at once', () => {
  const { client } = clientOf(['poll']);
  for (const bad of [-1, 1.5, 1001, '2']) {
    assert.throws(() => client.subscribe(['ticker/*'], {}, { maxRate: bad }), /maxRate: /, String(bad));
  }
  const sub = client.subscribe(['ticker/*'], {}, { maxRate: 2 });
  assert.throws(() => sub.setMaxRate(2000), /maxRate: 2000/);
});

test('maxRate is kept across a fallback and a reconnect', async () => {
  const { client, fetch } = clientOf(['ws', 'sse']);
  client.subscribe(['ticker/*'], recorder().handlers, { cursor: 'c0', maxRate: 3 });
  FakeWebSocket.instances[0].drop(1006); // the upgrade refused: a probe, then SSE
  await until(() => FakeEventSource.instances.length === 1, 2000, 'an EventSource');
  assert.equal(fetch.requests[0].url.searchParams.get('max_rate'), '3', 'the probe asked as the stream would');
  const first = FakeEventSource.instances[0];
  assert.equal(new URL(first.url).searchParams.get('max_rate'), '3');
  first.emit('heartbeat', { interval: 15000 });
  first.emit('message', envelope(1), 'c1');
  first.fail();
  await until(() => FakeEventSource.instances.length === 2, 2000, 'a new stream');
  const again = new URL(FakeEventSource.instances[1].url).searchParams;
  assert.equal(again.get('max_rate'), '3');
  assert.equal(again.get('cursor'), 'c1');
});

test('a new rate on a socket unsubscribes, then subscribes again from the cursor: nothing lost, nothing twice', async () => {
  const { client } = clientOf(['ws']);
  const got = recorder();
  const { sub, ws } = liveSocket(client, got, { cursor: 'c0' });
  ws.receive({ type: 'event', ...envelope(1) });
  ws.receive({ type: 'event', ...envelope(2) });

  sub.setMaxRate(2);
  const unsubscribe = ws.lastSent('unsubscribe');
  assert.deepEqual(unsubscribe.channels, ['ticker/*']);
  ws.receive({ type: 'event', ...envelope(3) }); // sent by the gateway before it read the unsubscribe
  assert.equal(sent(ws, 'subscribe').length, 1, 'no new subscribe before the unsubscribe is acknowledged');
  ws.receive({ type: 'ack', id: unsubscribe.id, cursor: 'c3' });
  await until(() => sent(ws, 'subscribe').length === 2, 2000, 'the second subscribe');
  const again = ws.lastSent('subscribe');
  assert.deepEqual({ channels: again.channels, cursor: again.cursor, max_rate: again.max_rate },
    { channels: ['ticker/*'], cursor: 'c3', max_rate: 2 });
  // The gateway resumes after c3: what it held back for the old subscription comes now, once.
  ws.receive({ type: 'event', ...envelope(4), conflated: 1 });
  ws.receive({ type: 'ack', id: again.id, cursor: 'c4' });
  ws.receive({ type: 'event', ...envelope(5) });

  assert.deepEqual(got.events, [1, 2, 3, 4, 5]);
  assert.equal(sub.stats.duplicates, 0);
  assert.equal(FakeWebSocket.instances.length, 1, 'the same socket throughout');
  assert.equal(got.states.at(-1).state, 'live');

  sub.setMaxRate(0);
  ws.receive({ type: 'ack', id: ws.lastSent('unsubscribe').id, cursor: 'c5' });
  await until(() => sent(ws, 'subscribe').length === 3, 2000, 'the third subscribe');
  assert.equal(ws.lastSent('subscribe').cursor, 'c5');
  assert.equal(ws.lastSent('subscribe').max_rate, undefined, 'no limit any more');
});

test('a refused new rate on a socket fails the subscription like a refused subscribe', async () => {
  const { client } = clientOf(['ws']);
  const got = recorder();
  const { sub, ws } = liveSocket(client, got, { cursor: 'c0' });
  sub.setMaxRate(7);
  ws.receive({ type: 'ack', id: ws.lastSent('unsubscribe').id, cursor: 'c0' });
  await until(() => sent(ws, 'subscribe').length === 2, 2000, 'the second subscribe');
  ws.receive({ type: 'error', id: ws.lastSent('subscribe').id, code: 'bad_parameter', message: 'max_rate: no' });
  await until(() => got.states.some((s) => s.state === 'failed'), 2000, 'failed');
  assert.match(got.states.at(-1).reason, /bad_parameter/);
});

test('a new rate on an event stream reopens it from the cursor; what the old one still says is not taken', async () => {
  const { client } = clientOf(['sse']);
  const got = recorder();
  const sub = client.subscribe(['ticker/*'], got.handlers, { cursor: 'c0' });
  const old = FakeEventSource.instances[0];
  old.emit('heartbeat', { interval: 15000 });
  old.emit('message', envelope(1), 'c1');
  old.emit('message', envelope(2), 'c2');

  sub.setMaxRate(1);
  assert.ok(old.closed);
  assert.equal(FakeEventSource.instances.length, 2);
  const url = new URL(FakeEventSource.instances[1].url).searchParams;
  assert.deepEqual([url.get('cursor'), url.get('max_rate')], ['c2', '1']);
  old.emit('message', envelope(3), 'c3'); // already on its way: the new stream delivers it
  const fresh = FakeEventSource.instances[1];
  fresh.emit('heartbeat', { interval: 15000 });
  fresh.emit('message', envelope(3), 'c3');
  fresh.emit('message', { ...envelope(9), conflated: 5 }, 'c9');

  assert.deepEqual(got.events, [1, 2, 3, 9]);
  assert.equal(client.stats.reconnects, 0, 'a change of rate is no reconnect');
  assert.equal(got.states.at(-1).state, 'live');
});

test('a new rate on polls is asked for by the next poll, from the cursor the last answer gave', async () => {
  const answers = [{ events: [envelope(1), envelope(2)], cursor: 'c2', gap: false }];
  const { client, fetch } = clientOf(['poll'], {
    '/poll': async () => [200, answers.shift() || { events: [], cursor: 'c2', gap: false }],
  });
  const got = recorder();
  const sub = client.subscribe(['ticker/*'], got.handlers, { cursor: 'c0' });
  await until(() => got.events.length === 2, 2000, 'the first answer');

  sub.setMaxRate(4);
  answers.push({ events: [{ ...envelope(5), conflated: 2 }], cursor: 'c5', gap: false });
  await until(() => fetch.requests.some((r) => r.url.searchParams.get('max_rate') === '4'), 2000, 'a poll at 4/s');
  const first = fetch.requests.find((r) => r.url.searchParams.get('max_rate') === '4');
  assert.equal(first.url.searchParams.get('cursor'), 'c2');
  await until(() => got.events.length === 3, 2000, 'the conflated event');
  assert.deepEqual(got.events, [1, 2, 5]);
});

test('handlers see how many events each one replaced, and the subscription keeps the totals', async () => {
  const { client } = clientOf(['sse']);
  const marks = [];
  const sub = client.subscribe(['ticker/*'], { onEvent: (e) => marks.push(e.conflated) }, { cursor: 'c0', maxRate: 1 });
  const source = FakeEventSource.instances[0];
  source.emit('heartbeat', { interval: 15000 });
  source.emit('message', { ...envelope(4), conflated: 3 }, 'c4');
  source.emit('message', envelope(5), 'c5');
  source.emit('message', { ...envelope(8), conflated: 2 }, 'c8');
  source.emit('message', { ...envelope(8), conflated: 2 }, 'c8'); // a replay: not news, not counted again

  assert.deepEqual(marks, [3, undefined, 2]);
  assert.deepEqual(sub.stats, { events: 3, conflated: 2, replaced: 5, duplicates: 1 });
});

test('polls name the same viewer on every request, for the gateway\'s viewer counts', async () => {
  for (const style of ['poll', 'longpoll']) {
    const { client, fetch } = clientOf([style]);
    client.subscribe(['ticker/*'], recorder().handlers, { cursor: 'c0' });
    await until(() => fetch.requests.length >= 2);
    const viewers = fetch.requests.map((r) => r.url.searchParams.get('viewer'));
    assert.match(viewers[0], /^[A-Za-z0-9_-]{1,64}$/, style);
    assert.ok(viewers.every((v) => v === viewers[0]), style + ': ' + viewers);
  }
});
