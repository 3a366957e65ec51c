/**
 * The page's clock: the registry's, as the event stream reports it (each message carries its
 * `now`). Countdowns run at that clock's pace, measured between messages, so a simulated clock
 * that runs fast or stands still is followed. An epoch time (from 2001 on) shows as the time of
 * day; a clock that starts near 0, like the demo's simulated session, shows as seconds since
 * its start, as the demo's terminal does.
 */
export const PAGE_CLOCK_SCRIPT = String.raw`
// The registry's clock as the page follows it: its time at the last message, and its pace
// against the page's clock, measured over about a second of messages.
const server = { now: null, at: 0, pace: 1, fromNow: 0, fromAt: 0 };
function syncClock(now) {
  const at = performance.now();
  if (server.now === null) {
    server.fromNow = now;
    server.fromAt = at;
  } else if (at - server.fromAt >= 900) {
    server.pace = Math.min(1000, Math.max(0, (now - server.fromNow) / (at - server.fromAt)));
    server.fromNow = now;
    server.fromAt = at;
  }
  server.now = now;
  server.at = at;
}
function serverNow() {
  // Messages come at least once a second: never run further ahead than 1.5 s of them.
  return server.now + Math.min(performance.now() - server.at, 1500) * server.pace;
}
function clock(at) {
  if (at < 1e12) return (at / 1000).toFixed(1) + 's';
  const d = new Date(at);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}
`;
