// fanfare.js: a browser client for a Fanfare gateway. One ES module, no dependencies, no build step.
//
//   import { connect } from '/fanfare.js';
//   const client = connect('http://host:8080', { token, styles: ['ws', 'sse', 'longpoll', 'poll'] });
//   const sub = client.subscribe(['ticker/*', 'claps/post-1'], { onEvent(envelope) {}, onGap(gap) {}, onState(state) {} });
//   sub.setMaxRate(2); sub.stats;  // at most 2 events per second per channel from now on; events, conflated, replaced
//   client.style;  // 'ws' | 'sse' | 'longpoll' | 'poll': the style in use now
//   await client.clap('post-1', 3); await client.like('post-1', true); await client.publish('demo/x', data);
//   sub.close(); client.close();
//
// The client uses the first style of `styles` that works here and falls back to the next when one is unavailable:
// its API is missing in this browser, its connection is refused while plain HTTP works (a proxy that does not pass
// WebSocket upgrades), or its stream delivers nothing while heartbeats are due (a buffering proxy). Every
// subscription keeps one cursor across every reconnect and every switch of style, so no event is lost or repeated;
// the gateway's cursor is the same in all four styles (docs/PROTOCOL.md).

/** The four styles, best first. */
export const STYLES = Object.freeze(['ws', 'sse', 'longpoll', 'poll']);

const DEFAULTS = Object.freeze({
  styles: STYLES,
  token: null,
  user: null, // claps and likes are made as this user (a random one when not given)
  pollIntervalMs: 1000, // short polling: from the start of one poll to the start of the next
  longPollTimeoutS: 25, // long polling: how long the gateway may hold a request
  stallTimeoutMs: 8000, // a stream that opened but sent nothing (not even its first heartbeat) for this long stalls
  wsPingMs: 20000, // WebSocket: after this long without a message, ask whether the socket still carries any
  requestTimeoutMs: 10000, // polls (long polls get their hold time on top), claps, likes, publishes, probes
  retryBetterStyleMs: 300000, // after a fallback, try the better styles again after this long
  backoffInitialMs: 500,
  backoffMaxMs: 15000,
});

/** The gateway's bound on `max_rate` (events per second per channel). */
const MAX_RATE_LIMIT = 1000;
/** How many cursors a subscription remembers to drop an event delivered twice. */
const RECENT_CURSORS = 256;
/** Close codes with which the gateway says a subscription is wrong, not that it should come back. */
const PERMANENT_CLOSE_CODES = new Set([1003, 1007, 1008, 1009]);

const encoder = typeof TextEncoder === 'function' ? new TextEncoder() : null;

function byteLength(text) {
  return encoder ? encoder.encode(text).length : text.length;
}

/**
 * Connects to the gateway at `url` (`http://host:port`; empty for the page's own origin). Nothing goes on the
 * wire before the first subscription.
 */
export function connect(url, options = {}) {
  return new FanfareClient(url, options);
}

/**
 * The styles of `wanted` this environment can speak, in order: WebSocket needs `WebSocket`, SSE needs
 * `EventSource`, the two polls need `fetch`.
 */
export function availableStyles(wanted, env) {
  const has = {
    ws: typeof env.WebSocket === 'function',
    sse: typeof env.EventSource === 'function',
    longpoll: typeof env.fetch === 'function',
    poll: typeof env.fetch === 'function',
  };
  return wanted.filter((style, i) => {
    if (!STYLES.includes(style)) throw new TypeError('styles: ' + style + ' (expected: ' + STYLES.join(', ') + ')');
    return has[style] && wanted.indexOf(style) === i;
  });
}

/** Exponential backoff with jitter: the n-th delay is uniform in [ceiling/2, ceiling], the ceiling doubling. */
export class Backoff {
  constructor(initialMs, maxMs, random = Math.random) {
    this.initialMs = initialMs;
    this.maxMs = maxMs;
    this.random = random;
    this.attempts = 0;
  }

  next() {
    const ceiling = Math.min(this.maxMs, this.initialMs * Math.pow(2, Math.min(this.attempts, 20)));
    this.attempts++;
    return ceiling / 2 + this.random() * (ceiling / 2);
  }

  reset() {
    this.attempts = 0;
  }
}

/**
 * The cursor hand-over: one per subscription, outliving every connection and every style. Each style hands over
 * what it received; the intake keeps the cursor to resume from (the newest event's, or a poll answer's), and drops
 * an event it already delivered (same cursor), so a switch can never repeat one.
 */
export class Intake {
  constructor(cursor) {
    this.cursor = cursor || null;
    this.recent = [];
    this.recentSet = new Set();
    this.delivered = 0;
    this.duplicates = 0;
    this.conflated = 0; // events delivered that replaced others (marked "conflated": n)
    this.replaced = 0; // how many they replaced, in all
  }

  /** True when `envelope` is news (deliver it); false for one already delivered. */
  event(envelope) {
    const cursor = typeof envelope.cursor === 'string' ? envelope.cursor : null;
    if (cursor !== null) {
      if (this.recentSet.has(cursor)) {
        this.duplicates++;
        return false;
      }
      this.recentSet.add(cursor);
      this.recent.push(cursor);
      if (this.recent.length > RECENT_CURSORS) this.recentSet.delete(this.recent.shift());
      this.cursor = cursor;
    }
    this.delivered++;
    if (Number.isInteger(envelope.conflated) && envelope.conflated > 0) {
      this.conflated++;
      this.replaced += envelope.conflated;
    }
    return true;
  }

  /** A gap notice; its cursor (when it names one) is where the gateway can vouch for everything after. */
  gap(channels, cursor, reason) {
    if (cursor) this.cursor = cursor;
    return { channels: Array.isArray(channels) ? channels.slice() : [], cursor: cursor || this.cursor, reason };
  }

  /** A poll answer's next cursor: it may move past events the answer did not carry (other channels). */
  advance(cursor) {
    if (typeof cursor === 'string' && cursor) this.cursor = cursor;
  }

  /** The gateway refused the cursor: start again from the live end. */
  reset() {
    this.cursor = null;
  }
}

class HttpError extends Error {
  constructor(status, body) {
    const code = body && body.error ? body.error : 'http_' + status;
    super(status + ' ' + code + (body && body.message ? ': ' + body.message : ''));
    this.status = status;
    this.code = code;
    // 4xx will not get better by retrying, except a timeout and a rate limit.
    this.permanent = status >= 400 && status < 500 && status !== 408 && status !== 429;
  }
}

class FanfareClient {
  constructor(url, options) {
    this.options = Object.assign({}, DEFAULTS, options);
    this.env = this.options.env || globalThis;
    this.base = baseUrl(url, this.env);
    this.styles = availableStyles(Array.from(this.options.styles), this.env);
    if (this.styles.length === 0) {
      throw new Error('none of the styles ' + this.options.styles.join(', ') + ' works in this environment');
    }
    this.user = this.options.user || 'anon-' + Math.random().toString(36).slice(2, 10);
    // Who this client is in the gateway's viewer counts while it polls (the same on every poll and node).
    this.viewer = this.options.viewer || 'js-' + Math.random().toString(36).slice(2, 14);
    this.stats = { requests: 0, bytes: 0, reconnects: 0, switches: 0 };
    this.subscriptions = new Set();
    this.styleIndex = 0;
    this.betterTimer = null;
    this.closed = false;
    this.nextActionId = 1;
  }

  /** The style in use now. */
  get style() {
    return this.styles[this.styleIndex];
  }

  /**
   * Follows `channels` (`stream/key` or `stream/*`). `options.cursor` starts right after that cursor; without one
   * the subscription starts at the live end, with each channel's latest event as a snapshot. `options.maxRate`
   * asks the gateway for at most that many events per second per channel (the latest winning, marked
   * `conflated`); absent or 0: no limit.
   */
  subscribe(channels, handlers = {}, options = {}) {
    if (this.closed) throw new Error('client closed');
    const list = Array.isArray(channels) ? channels.slice() : [channels];
    if (list.length === 0) throw new TypeError('channels: [] (expected: at least one channel)');
    const sub = new Subscription(this, list, handlers, options.cursor, checkMaxRate(options.maxRate));
    this.subscriptions.add(sub);
    sub.start(this.style);
    return sub;
  }

  /** Short polling's interval, for polls from now on. */
  setPollInterval(ms) {
    this.options.pollIntervalMs = ms;
    this.subscriptions.forEach((s) => s.pollIntervalChanged());
  }

  clap(post, count = 1) {
    return this.act({ type: 'clap', post, user: this.user, count },
      () => this.http('POST', '/claps/' + encodeURIComponent(post), { user: this.user, count }));
  }

  like(post, on = true) {
    return this.act({ type: 'like', post, user: this.user, like: Boolean(on) },
      () => this.http(on ? 'PUT' : 'DELETE', '/likes/' + encodeURIComponent(post), { user: this.user }));
  }

  publish(channel, data) {
    return this.act({ type: 'publish', channel, data },
      () => this.http('POST', '/publish/' + channel, data)).then((answer) => Object.assign({ channel }, answer));
  }

  /** Stops every subscription and timer. */
  close() {
    this.closed = true;
    this.subscriptions.forEach((s) => s.close());
    this.subscriptions.clear();
    clearTimeout(this.betterTimer);
  }

  // ---------------------------------------------------------------- internals shared by the subscriptions

  /** Over an open WebSocket of one of the subscriptions when there is one, else over HTTP. */
  act(message, overHttp) {
    for (const sub of this.subscriptions) {
      const socket = sub.openSocket();
      if (socket) return socket.request(message).then(stripEnvelope);
    }
    return overHttp();
  }

  /** The style `failed` is unavailable here: every subscription moves to the next one (if any). */
  fallBack(failed, reason) {
    if (this.closed || this.style !== failed || this.styleIndex + 1 >= this.styles.length) return false;
    const from = this.style;
    this.styleIndex++;
    this.stats.switches++;
    this.subscriptions.forEach((s) => s.switchTo(this.style, from, reason));
    clearTimeout(this.betterTimer);
    // Networks change (a phone leaves the hotel's proxy): the better styles get another chance later.
    this.betterTimer = setTimeout(() => this.retryBetterStyle(), this.options.retryBetterStyleMs);
    return true;
  }

  retryBetterStyle() {
    if (this.closed || this.styleIndex === 0) return;
    const from = this.style;
    this.styleIndex = 0;
    this.stats.switches++;
    this.subscriptions.forEach((s) => s.switchTo(this.style, from, 'trying the better styles again'));
  }

  /** A URL for EventSource or WebSocket, which cannot send headers: the token goes in the query. */
  streamUrl(path, params) {
    if (this.options.token) params.set('access_token', this.options.token);
    return this.base + withQuery(path, params);
  }

  wsUrl(params) {
    return this.streamUrl('/ws', params).replace(/^http/, 'ws');
  }

  /** One HTTP request: the parsed JSON answer, or an HttpError; counted in `stats`. */
  async http(method, path, body, timeoutMs = this.options.requestTimeoutMs, signal = null) {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), timeoutMs);
    const onOuterAbort = () => abort.abort();
    if (signal) signal.addEventListener('abort', onOuterAbort);
    const headers = {};
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (this.options.token) headers.Authorization = 'Bearer ' + this.options.token;
    this.stats.requests++;
    try {
      const res = await this.env.fetch(this.base + path, {
        method,
        cache: 'no-store',
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: abort.signal,
      });
      const text = await res.text();
      this.stats.bytes += byteLength(text);
      let json = null;
      try {
        json = text ? JSON.parse(text) : null;
      } catch (e) {
        json = null;
      }
      if (!res.ok) throw new HttpError(res.status, json);
      if (json === null || typeof json !== 'object') throw new Error(method + ' ' + path + ': answer is not JSON');
      return json;
    } catch (e) {
      if (e.name === 'AbortError') {
        const error = new Error(signal && signal.aborted ? 'aborted' : 'no answer within ' + timeoutMs / 1000 + ' s');
        error.aborted = Boolean(signal && signal.aborted);
        throw error;
      }
      throw e;
    } finally {
      clearTimeout(timer);
      if (signal) signal.removeEventListener('abort', onOuterAbort);
    }
  }
}

function baseUrl(url, env) {
  if (!url) return env.location ? env.location.origin : '';
  return String(url).replace(/\/+$/, '');
}

/** A WebSocket `error` message as an Error: its code, and whether retrying could help. */
function gatewayError(msg) {
  const error = new Error((msg.code || 'error') + (msg.message ? ': ' + msg.message : ''));
  error.code = msg.code;
  error.permanent = msg.code !== 'unavailable' && msg.code !== 'internal';
  return error;
}

/** `maxRate` as the gateway takes it: an integer 1..1000, or 0 (also for absent) for no limit. */
function checkMaxRate(rate) {
  if (rate === undefined || rate === null) return 0;
  if (!Number.isInteger(rate) || rate < 0 || rate > MAX_RATE_LIMIT) {
    throw new TypeError('maxRate: ' + rate + ' (expected: an integer 1..' + MAX_RATE_LIMIT + ', or 0 for no limit)');
  }
  return rate;
}

function stripEnvelope(ack) {
  const answer = Object.assign({}, ack);
  delete answer.type;
  delete answer.id;
  return answer;
}

/**
 * One subscription: its channels, its handlers, its cursor (in the Intake) and the one session (connection or
 * polling loop) of the client's current style that serves it. Sessions come and go; the intake stays.
 */
class Subscription {
  constructor(client, channels, handlers, cursor, maxRate) {
    this.client = client;
    this.channels = channels;
    this.maxRate = maxRate;
    this.handlers = handlers;
    this.intake = new Intake(cursor);
    this.backoff = new Backoff(client.options.backoffInitialMs, client.options.backoffMaxMs);
    this.session = null;
    this.epoch = 0;
    this.retryTimer = null;
    this.state = null;
    this.style = null;
    this.everLive = false;
    this.closed = false;
  }

  /** The cursor this subscription would resume from now. */
  get cursor() {
    return this.intake.cursor;
  }

  /**
   * Events delivered (duplicates dropped), how many of them came marked `conflated`, and how many events those
   * replaced in all.
   */
  get stats() {
    const i = this.intake;
    return { events: i.delivered, conflated: i.conflated, replaced: i.replaced, duplicates: i.duplicates };
  }

  /**
   * At most `rate` events per second per channel from now on (0: no limit). The subscription carries on from its
   * cursor, so no event is lost or repeated: polls ask with the new rate next time, a socket subscribes again, a
   * stream is opened again.
   */
  setMaxRate(rate) {
    const next = checkMaxRate(rate);
    if (this.closed || next === this.maxRate) return;
    this.maxRate = next;
    // Without a session (a retry is due) the next one asks with the new rate.
    if (this.session && !this.session.maxRateChanged()) {
      this.drop();
      this.open();
    }
  }

  start(style) {
    this.style = style;
    this.setState('connecting');
    this.open();
  }

  close() {
    if (this.closed) return;
    this.closed = true;
    this.drop();
    this.client.subscriptions.delete(this);
    this.setState('closed');
  }

  /** The client moved to another style: hand the cursor over to a session of that style. */
  switchTo(style, from, reason) {
    if (this.closed || style === this.style) return;
    this.drop();
    this.style = style;
    this.backoff.reset();
    this.setState('connecting', reason, from);
    this.open();
  }

  pollIntervalChanged() {
    if (this.session && this.session.pollIntervalChanged) this.session.pollIntervalChanged();
  }

  openSocket() {
    return this.session && this.session.isOpenSocket && this.session.isOpenSocket() ? this.session : null;
  }

  // ---------------------------------------------------------------- sessions

  open() {
    const epoch = ++this.epoch;
    const sink = this.sinkFor(epoch);
    const Session = SESSIONS[this.style];
    this.session = new Session(this.client, this, sink);
    this.session.start();
  }

  /** Stops the session without a word to it afterwards: anything it still reports is ignored. */
  drop() {
    this.epoch++;
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.session) {
      const s = this.session;
      this.session = null;
      s.close();
    }
  }

  /** What a session may report; a session replaced since reports into the void. */
  sinkFor(epoch) {
    const current = () => epoch === this.epoch && !this.closed;
    return {
      current,
      cursor: () => this.intake.cursor,
      event: (envelope) => {
        if (current() && this.intake.event(envelope)) call(this.handlers.onEvent, envelope);
      },
      gap: (channels, cursor) => {
        if (current()) call(this.handlers.onGap, this.intake.gap(channels, cursor, 'too_old'));
      },
      advance: (cursor) => {
        if (current()) this.intake.advance(cursor);
      },
      live: () => {
        if (!current()) return;
        this.backoff.reset();
        if (this.state !== 'live') {
          if (this.everLive) this.client.stats.reconnects++;
          this.everLive = true;
          this.setState('live');
        }
      },
      failed: (error, wasLive) => {
        if (current()) this.failed(error, wasLive, epoch);
      },
      unavailable: (reason) => {
        if (current()) this.unavailable(reason);
      },
    };
  }

  /** Why a session ended, and what comes next: retry, reset the cursor, fall back, or give up. */
  failed(error, wasLive, epoch) {
    if (error && error.code === 'bad_cursor') {
      this.restartFromLiveEnd();
      return;
    }
    if (error && error.permanent) {
      this.drop();
      this.setState('failed', error.message);
      return;
    }
    if (!wasLive && (this.style === 'ws' || this.style === 'sse')) {
      this.probe(epoch, error);
      return;
    }
    this.retryLater(error ? error.message : 'connection lost');
  }

  /**
   * A stream never came up: is it the style, or the network? One short poll decides. Any answer means HTTP
   * reaches the gateway, so it is the style that does not work here; it also checks the cursor and channels,
   * which EventSource could not show.
   */
  probe(epoch, error) {
    if (this.session) this.session.close();
    this.session = null;
    const params = channelParams(this.channels, this.intake.cursor, this.maxRate);
    params.set('limit', '1');
    this.client.http('GET', withQuery('/poll', params)).then(() => {
      if (epoch === this.epoch && !this.closed) {
        this.unavailable((error ? error.message : 'refused') + ', while plain HTTP works');
      }
    }, (e) => {
      if (epoch !== this.epoch || this.closed) return;
      if (e.code === 'bad_cursor') this.restartFromLiveEnd();
      else if (e.permanent) this.setState('failed', e.message);
      else this.retryLater((error ? error.message : 'refused') + '; the gateway is not reachable either');
    });
  }

  unavailable(reason) {
    const style = this.style;
    if (this.client.style !== style) {
      this.switchTo(this.client.style, style, reason); // another subscription already moved on
    } else if (!this.client.fallBack(style, style + ': ' + reason)) {
      this.retryLater(reason); // the last style there is: keep trying it
    }
  }

  restartFromLiveEnd() {
    this.drop();
    this.intake.reset();
    call(this.handlers.onGap, { channels: [], cursor: null, reason: 'bad_cursor' });
    this.open();
  }

  retryLater(reason) {
    this.drop();
    const delay = this.backoff.next();
    this.setState('reconnecting', reason + '; retrying in ' + Math.round(delay) + ' ms');
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.closed) this.open();
    }, delay);
  }

  setState(state, reason, from) {
    this.state = state;
    const change = { state, style: this.style };
    if (reason) change.reason = String(reason);
    if (from) change.from = from;
    call(this.handlers.onState, change);
  }
}

function call(handler, value) {
  if (typeof handler !== 'function') return;
  try {
    handler(value);
  } catch (e) {
    // A handler's bug must not stop the stream; the browser still reports it.
    setTimeout(() => { throw e; }, 0);
  }
}

function withQuery(path, params) {
  const q = params ? params.toString() : '';
  return path + (q ? '?' + q : '');
}

function channelParams(channels, cursor, maxRate) {
  const q = new URLSearchParams();
  channels.forEach((c) => q.append('channel', c));
  if (cursor) q.set('cursor', cursor);
  if (maxRate) q.set('max_rate', String(maxRate));
  return q;
}

// ---------------------------------------------------------------- the four sessions

/**
 * Short and long polling: one request at a time with the cursor; the answer's events in order, then its cursor;
 * then the next request (long polling: at once, the gateway parks it; short polling: after the interval).
 */
class PollSession {
  constructor(client, sub, sink, long) {
    this.client = client;
    this.sub = sub;
    this.sink = sink;
    this.long = long;
    this.abort = new AbortController();
    this.timer = null;
    this.startedAt = 0;
    this.closed = false;
  }

  start() {
    this.poll();
  }

  close() {
    this.closed = true;
    clearTimeout(this.timer);
    this.abort.abort();
  }

  pollIntervalChanged() {
    if (!this.long && this.timer !== null) {
      clearTimeout(this.timer);
      this.schedule();
    }
  }

  /** Each request names the rate: the next one asks with the new one, from the cursor. */
  maxRateChanged() {
    return true;
  }

  schedule(now) {
    const wait = now || this.long ? 0
      : Math.max(0, this.client.options.pollIntervalMs - (Date.now() - this.startedAt));
    this.timer = setTimeout(() => { this.timer = null; this.poll(); }, wait);
  }

  async poll() {
    if (this.closed) return;
    const o = this.client.options;
    const params = channelParams(this.sub.channels, this.sink.cursor(), this.sub.maxRate);
    if (this.long) params.set('timeout', String(o.longPollTimeoutS));
    params.set('viewer', this.client.viewer);
    this.startedAt = Date.now();
    let answer;
    try {
      answer = await this.client.http('GET', withQuery(this.long ? '/longpoll' : '/poll', params), undefined,
        o.requestTimeoutMs + (this.long ? o.longPollTimeoutS * 1000 : 0), this.abort.signal);
    } catch (e) {
      if (!this.closed) this.sink.failed(e, false);
      return;
    }
    if (this.closed || !this.sink.current()) return;
    this.sink.live();
    if (answer.gap) this.sink.gap(answer.gapChannels, null);
    for (const envelope of answer.events || []) this.sink.event(envelope);
    this.sink.advance(answer.cursor);
    this.schedule(answer.more);
  }
}

/**
 * Server-Sent Events through EventSource, asking for heartbeats as events (a script never sees comments): the
 * first comes at once, so a stream held back by a buffering proxy shows as silence, and so does a dead one.
 * Reconnects are this client's own (with backoff and the cursor), not EventSource's.
 */
class SseSession {
  constructor(client, sub, sink) {
    this.client = client;
    this.sub = sub;
    this.sink = sink;
    this.source = null;
    this.watchdog = null;
    this.heard = false;
    this.intervalMs = 15000;
    this.closed = false;
  }

  async start() {
    if (!this.sink.cursor()) {
      // A stream without a cursor has none until its first event: a switch before that could not resume exactly.
      // One poll gives the snapshots and the live cursor first.
      try {
        const answer = await this.client.http('GET', withQuery('/poll', channelParams(this.sub.channels)));
        if (this.closed || !this.sink.current()) return;
        for (const envelope of answer.events || []) this.sink.event(envelope);
        this.sink.advance(answer.cursor);
      } catch (e) {
        if (!this.closed) this.sink.failed(e, false);
        return;
      }
    }
    this.open();
  }

  open() {
    const params = channelParams(this.sub.channels, this.sink.cursor(), this.sub.maxRate);
    params.set('heartbeat', 'event');
    this.client.stats.requests++;
    const source = new this.client.env.EventSource(this.client.streamUrl('/sse', params));
    this.source = source;
    this.arm(this.client.options.stallTimeoutMs);
    source.onmessage = (e) => {
      this.heard = true;
      this.count(e.data);
      this.sink.live();
      this.arm();
      this.sink.event(JSON.parse(e.data));
    };
    source.addEventListener('heartbeat', (e) => {
      this.count(e.data);
      try {
        const beat = JSON.parse(e.data);
        if (typeof beat.interval === 'number' && beat.interval > 0) this.intervalMs = beat.interval;
      } catch (err) {
        // an older gateway's heartbeat without figures: keep the default
      }
      this.heard = true;
      this.sink.live();
      this.arm();
    });
    source.addEventListener('gap', (e) => {
      this.heard = true;
      this.count(e.data);
      this.arm();
      const gap = JSON.parse(e.data);
      this.sink.gap(gap.channels, gap.cursor || e.lastEventId);
    });
    source.addEventListener('disconnect', (e) => {
      this.count(e.data);
      const why = JSON.parse(e.data);
      this.end({ message: 'disconnected by the gateway: ' + why.reason, permanent: why.reconnect === false });
    });
    source.onerror = () => this.end(new Error(this.heard ? 'stream lost' : 'stream refused'));
  }

  /** Nothing for a stall timeout at the start, or for two heartbeats later: the stream does not flow. */
  arm(ms) {
    clearTimeout(this.watchdog);
    if (this.closed) return; // a stream closed for a new one may still be heard from: it watches nothing
    const wait = ms || 2 * this.intervalMs + this.client.options.stallTimeoutMs;
    this.watchdog = setTimeout(() => {
      if (this.closed) return;
      const heard = this.heard;
      this.close();
      if (heard) this.sink.failed(new Error('no heartbeat for ' + Math.round(wait / 1000) + ' s'), true);
      else this.sink.unavailable('the stream opened but delivered nothing, not even a heartbeat (a buffering proxy?)');
    }, wait);
  }

  end(error) {
    if (this.closed) return;
    const heard = this.heard;
    this.close();
    this.sink.failed(error, heard);
  }

  count(data) {
    this.client.stats.bytes += byteLength(data || '');
  }

  /** A stream's rate is in its URL: the subscription opens a new one from the cursor. */
  maxRateChanged() {
    return false;
  }

  close() {
    this.closed = true;
    clearTimeout(this.watchdog);
    if (this.source) this.source.close();
  }
}

/**
 * WebSocket: subscribes after the socket opens, with the cursor; claps, likes and publishes of the client travel on
 * it too, each answer matched to its request by id. A socket whose subscribe is not acknowledged in time does not
 * carry messages (a proxy in the way); one that goes quiet is asked with a ping message.
 */
class WsSession {
  constructor(client, sub, sink) {
    this.client = client;
    this.sub = sub;
    this.sink = sink;
    this.socket = null;
    this.pending = new Map(); // id -> { resolve, reject, timer }
    this.subscribed = false;
    this.subscribeId = null;
    this.startedAtLiveEnd = false;
    this.watchdog = null;
    this.closed = false;
  }

  start() {
    const params = new URLSearchParams();
    this.client.stats.requests++; // the upgrade request
    let socket;
    try {
      socket = new this.client.env.WebSocket(this.client.wsUrl(params));
    } catch (e) {
      this.sink.failed(e, false);
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      this.subscribe();
      this.arm(this.client.options.stallTimeoutMs, () => {
        this.close();
        this.sink.unavailable('the socket opened but the subscription was not acknowledged (a proxy in the way?)');
      });
    };
    socket.onmessage = (e) => {
      this.client.stats.bytes += byteLength(String(e.data));
      this.quietFor();
      this.onMessage(JSON.parse(e.data));
    };
    socket.onclose = (e) => {
      if (this.closed) return;
      const wasLive = this.subscribed;
      this.close();
      const error = new Error('closed with ' + e.code + (e.reason ? ' ' + e.reason : ''));
      error.permanent = PERMANENT_CLOSE_CODES.has(e.code);
      this.sink.failed(error, wasLive);
    };
    socket.onerror = () => {}; // always followed by close, which does the work
  }

  subscribe() {
    const message = this.subscribeMessage();
    this.subscribeId = 's' + this.client.nextActionId++;
    this.startedAtLiveEnd = !message.cursor;
    this.send(Object.assign(message, { id: this.subscribeId }));
  }

  subscribeMessage() {
    const message = { type: 'subscribe', channels: this.sub.channels };
    const cursor = this.sink.cursor();
    if (cursor) message.cursor = cursor;
    if (this.sub.maxRate) message.max_rate = this.sub.maxRate;
    return message;
  }

  /**
   * A new rate on the same socket: unsubscribe, and once the gateway acknowledged that (every event it sent before
   * has arrived, so the cursor is the last one), subscribe again from the cursor with the new rate. The gateway
   * keeps a channel's first subscription, hence the unsubscribe. False while the socket is not subscribed yet.
   */
  maxRateChanged() {
    if (!this.isOpenSocket()) return false;
    const failed = (e) => {
      if (this.closed) return;
      this.close();
      this.sink.failed(e, true);
    };
    this.request({ type: 'unsubscribe', channels: this.sub.channels })
      .then(() => this.request(this.subscribeMessage()))
      .catch(failed);
    return true;
  }

  /** Handled as it arrives (not a promise later), so no event after it can be taken for older than it. */
  onSubscribeAnswer(msg) {
    if (msg.type === 'error') {
      const error = gatewayError(msg);
      this.close();
      this.sink.failed(error, false);
      return;
    }
    this.subscribed = true;
    // Started at the live end: the connection's position, not the last snapshot's cursor (snapshots of several
    // channels come in no time order), is where the subscription stands.
    if (this.startedAtLiveEnd && msg.cursor) this.sink.advance(msg.cursor);
    this.sink.live();
    this.quietFor();
  }

  /** After a quiet spell, a ping; no answer to it within the stall timeout: the socket is dead. */
  quietFor() {
    if (!this.subscribed) return;
    this.arm(this.client.options.wsPingMs, () => {
      this.send({ type: 'ping', id: 'ping-' + this.client.nextActionId++ });
      this.arm(this.client.options.stallTimeoutMs, () => {
        this.close();
        this.sink.failed(new Error('no answer to a ping'), true);
      });
    });
  }

  arm(ms, then) {
    clearTimeout(this.watchdog);
    this.watchdog = setTimeout(() => { if (!this.closed) then(); }, ms);
  }

  onMessage(msg) {
    switch (msg.type) {
      case 'event':
        this.sink.event(msg);
        break;
      case 'gap':
        this.sink.gap(msg.channels, msg.cursor);
        break;
      case 'ack':
      case 'error': {
        if (msg.id === this.subscribeId && !this.subscribed) {
          this.onSubscribeAnswer(msg);
          return;
        }
        const waiting = this.pending.get(msg.id);
        if (!waiting) return;
        this.pending.delete(msg.id);
        clearTimeout(waiting.timer);
        if (msg.type === 'ack') {
          waiting.resolve(msg);
        } else {
          waiting.reject(gatewayError(msg));
        }
        break;
      }
      default:
        break; // pong, and anything newer than this client: the message itself showed the socket works
    }
  }

  isOpenSocket() {
    return !this.closed && this.subscribed && this.socket.readyState === 1;
  }

  /** Sends `message` with a fresh id; resolves with the gateway's ack, rejects with its error. */
  request(message) {
    if (this.closed || !this.socket || this.socket.readyState !== 1) {
      return Promise.reject(new Error('not connected'));
    }
    const id = 'm' + this.client.nextActionId++;
    const timeoutMs = this.client.options.requestTimeoutMs;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error('no answer within ' + timeoutMs / 1000 + ' s'));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.send(Object.assign({}, message, { id }));
    });
  }

  send(message) {
    this.socket.send(JSON.stringify(message));
  }

  close() {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.watchdog);
    // The outcome of a clap in flight is unknown now: say so rather than guess (a retry could count it twice).
    this.pending.forEach((p) => { clearTimeout(p.timer); p.reject(new Error('socket closed before the answer')); });
    this.pending.clear();
    if (this.socket && this.socket.readyState <= 1) this.socket.close(1000);
  }
}

const SESSIONS = {
  ws: WsSession,
  sse: SseSession,
  longpoll: class extends PollSession {
    constructor(client, sub, sink) { super(client, sub, sink, true); }
  },
  poll: class extends PollSession {
    constructor(client, sub, sink) { super(client, sub, sink, false); }
  },
};
