import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Backoff, Intake, availableStyles, STYLES } from '../fanfare.js';

test('an event is delivered once and its cursor becomes the resume point', () => {
  const intake = new Intake('c0');
  assert.equal(intake.event({ cursor: 'c1' }), true);
  assert.equal(intake.event({ cursor: 'c2' }), true);
  assert.equal(intake.event({ cursor: 'c1' }), false, 'the same cursor again is a duplicate');
  assert.equal(intake.cursor, 'c2', 'a duplicate does not move the cursor back');
  assert.equal(intake.delivered, 2);
  assert.equal(intake.duplicates, 1);
});

test('a poll answer moves the cursor past events it did not carry; an empty one does not', () => {
  const intake = new Intake(null);
  intake.advance('c9');
  intake.advance('');
  intake.advance(undefined);
  assert.equal(intake.cursor, 'c9');
});

test('a gap names its channels and moves the cursor to where the gateway vouches for everything after', () => {
  const intake = new Intake('old');
  const gap = intake.gap(['ticker/A'], 'g1', 'too_old');
  assert.deepEqual(gap, { channels: ['ticker/A'], cursor: 'g1', reason: 'too_old' });
  assert.equal(intake.cursor, 'g1');
  const pollGap = intake.gap(undefined, null, 'too_old');
  assert.deepEqual(pollGap.channels, []);
  assert.equal(intake.cursor, 'g1', 'a poll gap names no cursor: the answer\'s cursor follows');
});

test('a refused cursor is dropped: the subscription starts again from the live end', () => {
  const intake = new Intake('c5');
  intake.reset();
  assert.equal(intake.cursor, null);
});

test('the intake remembers a bounded window of cursors', () => {
  const intake = new Intake(null);
  for (let i = 0; i < 1000; i++) intake.event({ cursor: 'c' + i });
  assert.ok(intake.recent.length <= 256);
  assert.equal(intake.recentSet.size, intake.recent.length);
  assert.equal(intake.event({ cursor: 'c999' }), false);
});

test('backoff doubles with jitter up to its cap and starts over after a reset', () => {
  const low = new Backoff(100, 1000, () => 0);
  const high = new Backoff(100, 1000, () => 1);
  assert.deepEqual([1, 2, 3, 4, 5].map(() => low.next()), [50, 100, 200, 400, 500]);
  assert.deepEqual([1, 2, 3, 4, 5].map(() => high.next()), [100, 200, 400, 800, 1000]);
  low.reset();
  assert.equal(low.next(), 50);
  const random = new Backoff(100, 1000);
  for (let i = 0; i < 50; i++) {
    const d = random.next();
    assert.ok(d >= 50 && d <= 1000, String(d));
  }
});

test('only the styles whose API this environment has are used, in the order asked', () => {
  const fetch = () => {};
  class WebSocket {}
  class EventSource {}
  assert.deepEqual(availableStyles(STYLES, { WebSocket, EventSource, fetch }), ['ws', 'sse', 'longpoll', 'poll']);
  assert.deepEqual(availableStyles(STYLES, { EventSource, fetch }), ['sse', 'longpoll', 'poll']);
  assert.deepEqual(availableStyles(STYLES, { fetch }), ['longpoll', 'poll']);
  assert.deepEqual(availableStyles(['poll', 'ws', 'poll'], { WebSocket, fetch }), ['poll', 'ws']);
  assert.throws(() => availableStyles(['carrier-pigeon'], { fetch }), /styles: carrier-pigeon/);
});

test('an event marked conflated counts once, with how many it replaced; a duplicate of it not at all', () => {
  const intake = new Intake(null);
  intake.event({ cursor: 'c1', conflated: 4 });
  intake.event({ cursor: 'c2' });
  intake.event({ cursor: 'c3', conflated: 0 });
  intake.event({ cursor: 'c1', conflated: 4 });
  intake.event({ cursor: 'c4', conflated: 'many' });
  assert.equal(intake.conflated, 1);
  assert.equal(intake.replaced, 4);
  assert.equal(intake.delivered, 4);
});
