// Test doubles of the browser APIs fanfare.js speaks through (WebSocket, EventSource, fetch), driven by the test.
// They stand in for the browser in node only; the browser tests (FanfareJsIT) use a real Chromium and gateway.
import { afterEach, beforeEach } from 'node:test';
import { connect } from '../fanfare.js';

/** A WebSocket the test opens, feeds and closes. */
export class FakeWebSocket {
  static instances = [];

  constructor(url) {
    this.url = url;
    this.readyState = 0;
    this.sent = [];
    FakeWebSocket.instances.push(this);
  }

  send(text) {
    this.sent.push(JSON.parse(text));
  }

  close() {
    this.readyState = 3;
  }

  // ---- driven by the test
  accept() {
    this.readyState = 1;
    this.onopen();
  }

  receive(message) {
    this.onmessage({ data: JSON.stringify(message) });
  }

  /** The last message sent of `type`. */
  lastSent(type) {
    return this.sent.filter((m) => m.type === type).pop();
  }

  drop(code = 1006) {
    this.readyState = 3;
    this.onclose({ code, reason: '' });
  }
}

/** An EventSource the test feeds. */
export class FakeEventSource {
  static instances = [];

  constructor(url) {
    this.url = url;
    this.listeners = {};
    this.closed = false;
    FakeEventSource.instances.push(this);
  }

  addEventListener(type, fn) {
    this.listeners[type] = fn;
  }

  close() {
    this.closed = true;
  }

  // ---- driven by the test
  emit(type, data, lastEventId = '') {
    const e = { data: JSON.stringify(data), lastEventId };
    if (type === 'message') this.onmessage(e);
    else this.listeners[type](e);
  }

  fail() {
    this.onerror();
  }
}

/** fetch answering from `routes`: path -> function(url, init) returning [status, body]. Records every request. */
export function fakeFetch(routes) {
  const requests = [];
  const fetch = async (url, init = {}) => {
    const parsed = new URL(url, 'http://gateway.test');
    requests.push({ url: parsed, init });
    const route = routes[parsed.pathname] || routes[parsed.pathname.split('/').slice(0, 2).join('/')];
    if (!route) throw new TypeError('fetch failed: no route for ' + parsed.pathname);
    const [status, body] = await route(parsed, init);
    const text = body === undefined ? '' : JSON.stringify(body);
    return { ok: status >= 200 && status < 300, status, text: async () => text };
  };
  fetch.requests = requests;
  return fetch;
}

/** Resolves once `condition()` holds, polling every few milliseconds, or rejects after `ms`. */
export async function until(condition, ms = 2000, what = 'condition') {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for ' + what);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** Handlers for a subscription that record what it is handed: data.n of each event, gaps, states. */
export function recorder() {
  const got = { events: [], gaps: [], states: [] };
  got.handlers = {
    onEvent: (e) => got.events.push(e.data.n),
    onGap: (g) => got.gaps.push(g),
    onState: (s) => got.states.push(s),
  };
  return got;
}

export function envelope(n, channel = 'demo/x') {
  return { channel, cursor: 'c' + n, ts: 1000 + n, data: { n } };
}

/**
 * For a test file: the fakes start afresh before each test, and every client connected through the returned
 * function is closed after it (a failed assertion must not leave a client retrying in the background).
 */
export function clientsClosedAfterEachTest() {
  let clients = [];
  beforeEach(() => {
    FakeWebSocket.instances = [];
    FakeEventSource.instances = [];
  });
  afterEach(() => {
    clients.forEach((c) => c.close());
    clients = [];
  });
  return (url, options) => {
    const client = connect(url, options);
    clients.push(client);
    return client;
  };
}
