// The proxy's two timestamp formats built from Date's UTC getters. Date#toISOString and #toUTCString (and so
// node:http's own Date header) make V8 set up its date cache, which maps ~0.6 MB of ICU's time-zone data into the
// process; the getters do not, and every log line and admin response needs one of these.

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** What Date#toISOString writes (years 0–9999): `2026-11-26T02:12:05.123Z`. */
export function isoTimestamp(ms: number = Date.now()): string {
  const d = new Date(ms);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}Z`;
}

/** An HTTP Date header value (RFC 9110 IMF-fixdate), what Date#toUTCString writes: `Thu, 26 Nov 2026 02:12:05 GMT`. */
export function httpDate(ms: number = Date.now()): string {
  const d = new Date(ms);
  return `${days[d.getUTCDay()]}, ${pad(d.getUTCDate())} ${months[d.getUTCMonth()]} ${pad(d.getUTCFullYear(), 4)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} GMT`;
}
