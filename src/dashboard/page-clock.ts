/**
 * The page's clock: the registry's, as the event stream reports it (each message carries its
 * `now`, and one comes at least once a second). Countdowns are set again from it at each
 * message and run in real time in between, so a simulated clock that runs fast or stands
 * still is followed within a second. An epoch time (from 2001 on) shows as the time of day; a
 * clock that starts near 0, like the demo's simulated session, shows as seconds since its
 * start, as the demo's terminal does.
 */
export const PAGE_CLOCK_SCRIPT = String.raw`
// The registry's clock as the page follows it: its time at the last message, and when that came.
const server = { now: null, at: 0 };
function syncClock(now) {
  server.now = now;
  server.at = performance.now();
}
// Between messages (a second apart at most) it runs on in real time, at most one second past
// the last one, so a simulated clock that stands still is never overtaken by more than that.
function serverNow() {
  return server.now + Math.min(performance.now() - server.at, 1000);
}
function clock(at) {
  if (at < 1e12) return (at / 1000).toFixed(1) + 's';
  const d = new Date(at);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}
`;
