// Fanfare demo page: five panels, each its own fanfare.js client subscribed to the same channels. Four are held to
// one push style each; the fifth ("auto") lets fanfare.js pick the best style that works here and shows every switch.
// The SSE and WebSocket panels follow the ticker on a subscription of its own, with a rate slider (max_rate).
// Plain JavaScript, no framework, no network access beyond the gateway that served this page.
//
// Page options (query string): ?posts=post-1,post-2 picks the posts shown (default post-1..post-5).
import { connect } from '/fanfare.js';

(function () {
  const KEY = /^[A-Za-z0-9._:@-]{1,128}$/;
  const params = new URLSearchParams(location.search);
  const POSTS = (params.get('posts') || 'post-1,post-2,post-3,post-4,post-5')
    .split(',').map((p) => p.trim()).filter((p) => KEY.test(p));
  // The totals of a post come on two channels: claps/<post> and likes/<post>; ticker/* covers every symbol.
  const TICKER = ['ticker/*'];
  const TOTALS = POSTS.flatMap((p) => ['claps/' + p, 'likes/' + p]);
  const CHANNELS = TICKER.concat(TOTALS);
  const TICKER_RATES = [0, 1, 2, 5, 10]; // the rate slider's stops, events per second per symbol; 0: no limit

  const LATENCY_WINDOW_MS = 60000;
  const MAX_SAMPLES = 50000; // per panel; bounds memory if events arrive very fast
  const CHART_POINTS = 120; // seconds of history on the chart
  const MAX_CHANNELS = 300; // rows and per-channel counters kept; ticker/* could name any number of symbols
  const LONGPOLL_TIMEOUT_S = 25;
  const MAX_SWITCHES_SHOWN = 20;

  const USER = browserUserId();
  const likes = loadLikes();

  /** Counters and displayed values of every panel, read by the browser test and handy in devtools. */
  const fanfareStats = { user: USER, channels: CHANNELS, posts: POSTS, panels: {}, pageErrors: [] };
  window.fanfareStats = fanfareStats;
  window.addEventListener('error', (e) => fanfareStats.pageErrors.push(String(e.message)));
  window.addEventListener('unhandledrejection', (e) => fanfareStats.pageErrors.push(String(e.reason)));

  // ---------------------------------------------------------------- small helpers

  function browserUserId() {
    const stored = safeStorage('get', 'fanfare.user');
    if (stored && KEY.test(stored)) return stored;
    const bytes = new Uint8Array(6);
    crypto.getRandomValues(bytes);
    const id = 'web-' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
    safeStorage('set', 'fanfare.user', id);
    return id;
  }

  function loadLikes() {
    try {
      const list = JSON.parse(safeStorage('get', 'fanfare.likes.' + USER) || '[]');
      return new Set(Array.isArray(list) ? list : []);
    } catch (e) {
      return new Set();
    }
  }

  function saveLikes() {
    safeStorage('set', 'fanfare.likes.' + USER, JSON.stringify(Array.from(likes)));
  }

  // Storage can be switched off (private windows, strict settings): the page still works, it just forgets.
  function safeStorage(op, key, value) {
    try {
      return op === 'get' ? localStorage.getItem(key) : localStorage.setItem(key, value);
    } catch (e) {
      return null;
    }
  }

  function percentile(sorted, q) {
    if (sorted.length === 0) return null;
    return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
  }

  function formatMs(ms) {
    if (ms === null || ms === undefined) return '–';
    if (ms === 0) return '0';
    return ms < 10 ? ms.toFixed(1) + ' ms' : ms < 10000 ? Math.round(ms) + ' ms' : (ms / 1000).toFixed(1) + ' s';
  }

  function formatBytes(n) {
    const short = (v, unit) => (v < 100 ? v.toFixed(1) : Math.round(v)) + ' ' + unit;
    if (n < 1024) return n + ' B';
    if (n < 1024 * 1024) return short(n / 1024, 'KiB');
    if (n < 1024 * 1024 * 1024) return short(n / 1024 / 1024, 'MiB');
    return short(n / 1024 / 1024 / 1024, 'GiB');
  }

  function formatCount(n) {
    return n < 10000 ? String(n) : n < 1e6 ? (n / 1000).toFixed(1) + 'k' : (n / 1e6).toFixed(2) + 'M';
  }

  function formatPrice(v) {
    return typeof v === 'number' ? v.toFixed(2) : '–';
  }

  // ---------------------------------------------------------------- one panel: display and figures

  /**
   * What a panel shows and counts, whatever the transport. A transport calls onEvent / onGap / connected / down and
   * provides clap(post) and like(post, on), each returning a promise.
   */
  class Panel {
    constructor(key, title, how, color) {
      this.key = key;
      this.color = color;
      const root = document.getElementById('panel-template').content.firstElementChild.cloneNode(true);
      root.dataset.panel = key;
      root.querySelector('.title').textContent = title;
      root.querySelector('.swatch').style.background = color;
      this.root = root;
      this.field = (name) => root.querySelector('[data-field="' + name + '"]');
      this.field('how').textContent = how;
      this.samples = []; // [arrivalMs, latencyMs], oldest first
      this.series = []; // p50 per second for the chart, null where nothing arrived
      this.secondLatencies = [];
      this.lastTs = new Map(); // channel -> highest ts seen
      this.tickerRows = new Map();
      this.postCells = new Map();
      this.transport = null;
      this.stats = {
        state: 'connecting', events: 0, requests: 0, bytes: 0, p50: null, p99: null, reconnects: 0, gaps: 0,
        gapChannels: [], outOfOrder: 0, actionsOk: 0, actionsFailed: 0, cursor: null, lastEventAt: null,
        maxRate: 0, // the ticker's rate limit (the slider), 0: none
        conflatedEvents: 0, conflated: 0, // ticker updates that came marked conflated, and how many they replaced
        posts: {}, tickers: {}, perChannel: {}, // perChannel: events received per channel, snapshots included
      };
      this.everLive = false;
      fanfareStats.panels[key] = this.stats;
      this.field('gap').addEventListener('click', () => { this.field('gap').hidden = true; });
      this.buildPosts();
    }

    buildPosts() {
      const body = this.root.querySelector('table.posts tbody');
      POSTS.forEach((post) => {
        this.stats.posts[post] = { claps: null, likes: null };
        const row = document.createElement('tr');
        row.dataset.post = post;
        row.innerHTML = '<td class="post"></td><td class="num" data-count="claps">–</td>' +
          '<td><button type="button" data-action="clap">Clap</button></td>' +
          '<td class="num" data-count="likes">–</td>' +
          '<td><button type="button" data-action="like" class="like"></button></td>';
        row.querySelector('.post').textContent = post;
        row.querySelector('[data-action="clap"]').addEventListener('click', () => this.act('clap', post));
        row.querySelector('[data-action="like"]').addEventListener('click', () => this.act('like', post));
        this.postCells.set(post, {
          claps: row.querySelector('[data-count="claps"]'),
          likes: row.querySelector('[data-count="likes"]'),
          likeButton: row.querySelector('[data-action="like"]'),
        });
        body.appendChild(row);
      });
      this.renderLikeButtons();
    }

    renderLikeButtons() {
      this.postCells.forEach((cells, post) => {
        const on = likes.has(post);
        cells.likeButton.textContent = on ? '♥ Liked' : '♡ Like';
        cells.likeButton.classList.toggle('on', on);
        cells.likeButton.title = on ? 'unlike (DELETE)' : 'like (PUT)';
      });
    }

    act(kind, post) {
      const liking = !likes.has(post);
      const action = kind === 'clap' ? this.transport.clap(post) : this.transport.like(post, liking);
      action.then(() => {
        this.stats.actionsOk++;
        if (kind === 'like') {
          if (liking) likes.add(post); else likes.delete(post);
          saveLikes();
          panels.forEach((p) => p.renderLikeButtons());
        }
        this.notice((kind === 'clap' ? 'clap on ' : liking ? 'like on ' : 'unlike on ') + post + ' recorded');
      }, (e) => {
        this.stats.actionsFailed++;
        this.notice(kind + ' on ' + post + ' refused: ' + e.message, true);
      });
    }

    notice(text, bad) {
      const el = this.field('notice');
      el.textContent = text;
      el.classList.toggle('bad', Boolean(bad));
    }

    connected() {
      if (this.stats.state !== 'live') {
        this.everLive = true;
        this.setState('live');
      }
    }

    down(reason) {
      this.setState('down', reason);
    }

    /** The client moved from one style to another (auto panel: fell back, or tried the better ones again). */
    switched(change) {
      const entry = { from: change.from, to: change.style, reason: change.reason || '', at: Date.now() };
      this.stats.switchLog.push(entry);
      if (this.stats.switchLog.length > MAX_SWITCHES_SHOWN) this.stats.switchLog.shift();
      const list = this.field('switches');
      if (list) {
        const item = document.createElement('li');
        item.textContent = new Date(entry.at).toLocaleTimeString() + ' ' + entry.from + ' → ' + entry.to +
          (entry.reason ? ': ' + entry.reason : '');
        list.appendChild(item);
        while (list.children.length > MAX_SWITCHES_SHOWN) list.removeChild(list.firstChild);
      }
      if (this.onSwitch) this.onSwitch();
    }

    setState(state, reason) {
      this.stats.state = state;
      const el = this.field('state');
      el.textContent = state === 'down' ? 'reconnecting' : state;
      el.className = 'state ' + state;
      el.title = reason ? String(reason) : '';
    }

    /** An event envelope, from any transport. */
    onEvent(env) {
      const now = Date.now();
      this.stats.events++;
      this.stats.lastEventAt = now;
      const channel = String(env.channel);
      const known = this.lastTs.has(channel);
      if (!known && this.lastTs.size >= MAX_CHANNELS) return; // counted in events, not shown
      this.stats.perChannel[channel] = (this.stats.perChannel[channel] || 0) + 1;
      const previous = this.lastTs.get(channel);
      if (!env.snapshot && typeof env.ts === 'number') {
        const latency = now - env.ts;
        this.samples.push([now, latency]);
        if (this.samples.length > MAX_SAMPLES) this.samples.splice(0, this.samples.length - MAX_SAMPLES);
        this.secondLatencies.push(latency);
        // Within one channel, Kafka keeps order: a smaller timestamp than one already seen means disorder.
        if (previous !== undefined && env.ts < previous) this.stats.outOfOrder++;
      }
      const ts = typeof env.ts === 'number' ? env.ts : 0;
      if (previous === undefined || ts > previous) this.lastTs.set(channel, ts);

      const slash = channel.indexOf('/');
      const stream = channel.slice(0, slash);
      const key = channel.slice(slash + 1);
      if (stream === 'ticker' && env.conflated > 0) {
        this.stats.conflatedEvents++;
        this.stats.conflated += env.conflated;
      }
      const data = env.data;
      if (data === null || typeof data !== 'object') return;
      if (stream === 'ticker') this.showQuote(key, data);
      // Each totals channel is authoritative for its own count only: the two channels are not ordered together.
      else if (stream === 'claps' && typeof data.claps === 'number') this.showCount(key, 'claps', data.claps);
      else if (stream === 'likes' && typeof data.likes === 'number') this.showCount(key, 'likes', data.likes);
    }

    onGap(channels, why) {
      this.stats.gaps++;
      this.stats.gapChannels = (channels || []).slice(0, 32);
      const flag = this.field('gap');
      flag.hidden = false;
      flag.title = (why || 'the gateway could not resume without loss') +
        (channels && channels.length ? ': ' + channels.join(', ') : '') + ' (at ' +
        new Date().toLocaleTimeString() + '); click to clear';
    }

    showCount(post, kind, value) {
      const cells = this.postCells.get(post);
      if (!cells) return;
      this.stats.posts[post][kind] = value;
      const cell = cells[kind];
      const old = Number(cell.textContent);
      cell.textContent = String(value);
      if (!Number.isNaN(old) && old !== value) flash(cell, value > old);
    }

    showQuote(symbol, q) {
      let row = this.tickerRows.get(symbol);
      if (!row) row = this.addTickerRow(symbol);
      const previous = this.stats.tickers[symbol];
      this.stats.tickers[symbol] = { last: q.last, bid: q.bid, ask: q.ask, changePct: q.changePct };
      row.cells[1].textContent = formatPrice(q.last);
      row.cells[2].textContent = formatPrice(q.bid);
      row.cells[3].textContent = formatPrice(q.ask);
      const pct = typeof q.changePct === 'number' ? q.changePct : null;
      row.cells[4].textContent = pct === null ? '–' : (pct > 0 ? '+' : '') + pct.toFixed(2);
      row.cells[4].className = 'num ' + (pct > 0 ? 'pos' : pct < 0 ? 'neg' : '');
      row.cells[5].textContent = typeof q.volume === 'number' ? formatCount(q.volume) : '–';
      if (previous && typeof previous.last === 'number' && typeof q.last === 'number' && q.last !== previous.last) {
        flash(row.cells[1], q.last > previous.last);
      }
    }

    addTickerRow(symbol) {
      const body = this.root.querySelector('table.ticker tbody');
      const row = document.createElement('tr');
      row.dataset.symbol = symbol;
      for (let i = 0; i < 6; i++) row.appendChild(document.createElement('td'));
      row.cells[0].textContent = symbol;
      for (let i = 1; i < 6; i++) row.cells[i].className = 'num';
      row.cells[5].classList.add('vol');
      const after = Array.from(this.tickerRows.keys()).filter((s) => s > symbol).sort()[0];
      body.insertBefore(row, after ? this.tickerRows.get(after) : null);
      this.tickerRows.set(symbol, row);
      return row;
    }

    /** Every 500 ms: the figures. */
    render(now) {
      const cutoff = now - LATENCY_WINDOW_MS;
      let drop = 0;
      while (drop < this.samples.length && this.samples[drop][0] < cutoff) drop++;
      if (drop) this.samples.splice(0, drop);
      const sorted = this.samples.map((s) => s[1]).sort((a, b) => a - b);
      this.stats.p50 = percentile(sorted, 0.5);
      this.stats.p99 = percentile(sorted, 0.99);
      const s = this.stats;
      const set = (name, text) => { this.root.querySelector('[data-stat="' + name + '"]').textContent = text; };
      set('events', formatCount(s.events));
      set('requests', formatCount(s.requests));
      set('bytes', formatBytes(s.bytes));
      set('p50', formatMs(s.p50));
      set('p99', formatMs(s.p99));
      set('reconnects', String(s.reconnects));
      set('gaps', String(s.gaps));
      set('outOfOrder', String(s.outOfOrder));
      set('conflated', formatCount(s.conflated));
    }

    /** Every second: one chart point, the median latency of what arrived in that second. */
    tickChart() {
      const values = this.secondLatencies.sort((a, b) => a - b);
      this.series.push(values.length ? percentile(values, 0.5) : null);
      if (this.series.length > CHART_POINTS) this.series.shift();
      this.secondLatencies = [];
    }
  }

  function flash(el, up) {
    el.classList.remove('flash-up', 'flash-down');
    void el.offsetWidth; // restart the animation
    el.classList.add(up ? 'flash-up' : 'flash-down');
  }

  // ---------------------------------------------------------------- one panel's fanfare.js client

  /**
   * Connects a panel: a fanfare.js client limited to `styles` (one style, or all four for the auto panel) and one
   * subscription to the page's channels, or, with `tickerApart`, one to the ticker (its rate can change) and one to
   * the totals. Claps and likes go through the client (over its WebSocket when open).
   */
  class Transport {
    constructor(panel, styles, tickerApart) {
      this.panel = panel;
      this.tickerApart = tickerApart;
      this.subs = [];
      this.client = connect('', { styles, user: USER, longPollTimeoutS: LONGPOLL_TIMEOUT_S });
      const stats = panel.stats;
      ['requests', 'bytes', 'reconnects', 'switches'].forEach((name) => Object.defineProperty(stats, name, {
        get: () => this.client.stats[name], enumerable: true,
      }));
      Object.defineProperty(stats, 'style', { get: () => this.client.style, enumerable: true });
      stats.switchLog = [];
    }

    start() {
      if (!this.tickerApart) {
        this.subscribe(CHANNELS);
        return;
      }
      this.tickerSub = this.subscribe(TICKER);
      if (TOTALS.length) this.subscribe(TOTALS);
    }

    subscribe(channels) {
      const entry = { state: 'connecting' };
      this.subs.push(entry);
      entry.sub = this.client.subscribe(channels, {
        onEvent: (env) => {
          this.panel.stats.cursor = env.cursor;
          this.panel.onEvent(env);
        },
        onGap: (gap) => this.panel.onGap(gap.channels, gap.reason === 'bad_cursor'
          ? 'the gateway refused the cursor; started again from the latest state' : null),
        onState: (change) => {
          entry.state = change.state;
          this.onState(change);
        },
      });
      return entry.sub;
    }

    /** The panel is live when each of its subscriptions is. */
    onState(change) {
      if (change.from) this.panel.switched(change);
      if (this.subs.every((s) => s.state === 'live')) this.panel.connected();
      else if (change.state === 'reconnecting' || change.state === 'failed') this.panel.down(change.reason);
    }

    setTickerRate(rate) {
      this.panel.stats.maxRate = rate;
      this.tickerSub.setMaxRate(rate);
    }

    clap(post) { return this.client.clap(post, 1); }

    like(post, on) { return this.client.like(post, on); }
  }

  /**
   * A labelled slider in a panel's controls: `show(value)` names a position (and may say more elsewhere),
   * `change(value)` acts on it.
   */
  function slider(panel, name, label, range, show, change) {
    const box = panel.field('controls');
    box.innerHTML = '<label>' + label + ' <input type="range" data-field="' + name + '"> <output data-field="' +
      name + '-out"></output></label>';
    const input = box.querySelector('input');
    const out = box.querySelector('output');
    input.min = range.min; // the bounds first: a value outside them would be clamped
    input.max = range.max;
    input.step = range.step;
    input.value = range.value;
    out.textContent = show(Number(input.value));
    input.addEventListener('input', () => {
      out.textContent = show(Number(input.value));
      change(Number(input.value));
    });
  }

  function shortPollControls(panel, client) {
    slider(panel, 'interval', 'interval', { min: 100, max: 5000, step: 100, value: client.options.pollIntervalMs },
      (ms) => {
        panel.field('how').textContent = 'GET /poll every ' + (ms / 1000).toFixed(1) + ' s, answered at once';
        return (ms / 1000).toFixed(1) + ' s';
      },
      (ms) => client.setPollInterval(ms));
  }

  /** The SSE and WebSocket panels: at most this many ticker updates per second per symbol, the latest winning. */
  function tickerRateControls(panel, transport) {
    slider(panel, 'rate', 'ticker rate', { min: 0, max: TICKER_RATES.length - 1, step: 1, value: 0 },
      (stop) => (TICKER_RATES[stop] ? TICKER_RATES[stop] + '/s' : 'off'),
      (stop) => transport.setTickerRate(TICKER_RATES[stop]));
  }

  /** The auto panel names the style in use and lists each switch with its reason. */
  function autoControls(panel, client) {
    const box = panel.field('controls');
    box.innerHTML = '<p class="style-now">style in use: <strong data-field="style-now"></strong></p>' +
      '<ol class="switches" data-field="switches"></ol>';
    const show = () => {
      panel.field('style-now').textContent = client.style;
      panel.field('how').textContent = 'fanfare.js picks the best of WebSocket, SSE, long polling and short ' +
        'polling that works here, and switches without losing or repeating an event';
    };
    show();
    panel.onSwitch = show;
  }

  // ---------------------------------------------------------------- the shared chart

  function drawChart(canvas, panels) {
    const ratio = window.devicePixelRatio || 1;
    const width = canvas.clientWidth;
    const height = canvas.clientHeight;
    if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
    }
    const g = canvas.getContext('2d');
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, width, height);

    const left = 52;
    const right = 10;
    const top = 8;
    const bottom = 20;
    const plotW = width - left - right;
    const plotH = height - top - bottom;
    let max = 0;
    panels.forEach((p) => p.series.forEach((v) => { if (v !== null && v > max) max = v; }));
    const yMax = niceCeiling(Math.max(max, 10));

    g.font = '11px system-ui, sans-serif';
    g.fillStyle = '#667085';
    g.strokeStyle = '#e4e7ec';
    g.lineWidth = 1;
    g.textAlign = 'right';
    g.textBaseline = 'middle';
    for (let i = 0; i <= 4; i++) {
      const value = (yMax * i) / 4;
      const y = top + plotH - (plotH * i) / 4;
      g.beginPath();
      g.moveTo(left, Math.round(y) + 0.5);
      g.lineTo(left + plotW, Math.round(y) + 0.5);
      g.stroke();
      g.fillText(formatMs(value), left - 6, y);
    }
    g.textAlign = 'center';
    g.textBaseline = 'top';
    for (let s = 0; s <= CHART_POINTS; s += 30) {
      const x = left + plotW - (plotW * s) / CHART_POINTS;
      g.fillText(s === 0 ? 'now' : '−' + s + ' s', x, top + plotH + 5);
    }

    const step = plotW / (CHART_POINTS - 1);
    panels.forEach((p) => {
      g.strokeStyle = p.color;
      g.lineWidth = 2;
      g.beginPath();
      let drawing = false;
      const offset = CHART_POINTS - p.series.length;
      p.series.forEach((v, i) => {
        if (v === null) { drawing = false; return; }
        const x = left + (offset + i) * step;
        const y = top + plotH - (plotH * Math.max(0, Math.min(v, yMax))) / yMax;
        if (drawing) g.lineTo(x, y); else g.moveTo(x, y);
        drawing = true;
      });
      g.stroke();
    });
  }

  /** 1, 2 or 5 times a power of ten, at least `v`: round numbers on the axis. */
  function niceCeiling(v) {
    const power = Math.pow(10, Math.floor(Math.log10(v)));
    for (const m of [1, 2, 5, 10]) if (m * power >= v) return m * power;
    return 10 * power;
  }

  function buildLegend(panels) {
    const legend = document.getElementById('legend');
    panels.forEach((p) => {
      const item = document.createElement('li');
      item.innerHTML = '<span class="swatch"></span><span class="name"></span> <span class="value"></span>';
      item.querySelector('.swatch').style.background = p.color;
      item.querySelector('.name').textContent = p.root.querySelector('.title').textContent;
      p.legendValue = item.querySelector('.value');
      legend.appendChild(item);
    });
  }

  // ---------------------------------------------------------------- wiring

  const container = document.getElementById('panels');
  document.getElementById('user-id').textContent = USER;

  const poll = new Panel('poll', 'Short polling', '', '#d97706');
  const longpoll = new Panel('longpoll', 'Long polling',
    'GET /longpoll, parked until an event arrives (up to ' + LONGPOLL_TIMEOUT_S + ' s)', '#7c3aed');
  const sse = new Panel('sse', 'Server-Sent Events',
    'EventSource on GET /sse: the ticker and the totals on a stream each, resuming from its cursor', '#0891b2');
  const ws = new Panel('ws', 'WebSocket', 'sockets on /ws for the ticker and the totals; claps and likes go over ' +
    'them too', '#16a34a');
  const auto = new Panel('auto', 'Auto (fanfare.js)', '', '#475467');
  const panels = [poll, longpoll, sse, ws, auto];

  poll.transport = new Transport(poll, ['poll']);
  longpoll.transport = new Transport(longpoll, ['longpoll']);
  sse.transport = new Transport(sse, ['sse'], true);
  ws.transport = new Transport(ws, ['ws'], true);
  auto.transport = new Transport(auto, ['ws', 'sse', 'longpoll', 'poll']);
  shortPollControls(poll, poll.transport.client);
  tickerRateControls(sse, sse.transport);
  tickerRateControls(ws, ws.transport);
  autoControls(auto, auto.transport.client);

  panels.forEach((p) => container.appendChild(p.root));
  buildLegend(panels);
  const canvas = document.getElementById('latency-chart');

  setInterval(() => {
    const now = Date.now();
    panels.forEach((p) => {
      p.render(now);
      p.legendValue.textContent = 'p50 ' + formatMs(p.stats.p50);
    });
  }, 500);
  setInterval(() => {
    panels.forEach((p) => p.tickChart());
    drawChart(canvas, panels);
  }, 1000);
  window.addEventListener('resize', () => drawChart(canvas, panels));
  drawChart(canvas, panels);

  panels.forEach((p) => p.transport.start());
  fanfareStats.ready = true;
  // How many watch each channel of the panels, over every node of a cluster (each panel here is one of them).
  const viewersBox = document.getElementById('viewers');
  const watched = ['ticker/*'].concat(POSTS.map((post) => 'claps/' + post), POSTS.map((post) => 'likes/' + post));
  const showViewers = () => fetch('/viewers?' + watched.map((c) => 'channel=' + encodeURIComponent(c)).join('&'))
    .then((r) => (r.ok ? r.json() : Promise.reject(new Error(r.status))))
    .then((body) => {
      fanfareStats.viewers = body.viewers;
      viewersBox.textContent = 'watching: ' + body.viewers.filter((v) => !v.channel.startsWith('likes/'))
        .map((v) => v.channel.replace('claps/', '') + ' ' + v.viewers).join(' · ');
    }, () => { viewersBox.textContent = 'watching: unknown now'; });
  showViewers();
  setInterval(showViewers, 2000);
}());
