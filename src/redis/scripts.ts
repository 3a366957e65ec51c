/**
 * The write scripts of the fleet share, one atomic Lua script per write. Each reads Redis's
 * own clock (`TIME`), never the caller's, and answers with the record as JSON, its durations
 * as remaining milliseconds. The rules are `FleetLedger`'s (src/share/ledger.ts), step for step.
 *
 * Keys: KEYS[1] the tool's record (a hash: g generation, s state, r reason, u until in Redis
 * milliseconds, b backoff, f consecutive failures), KEYS[2] its probe lease (a string holding
 * the lease token, with a PX expiry), KEYS[3] the set of tools whose record is not plain closed,
 * KEYS[4] the tool's outcome window (a hash: _b bucket ms, _n buckets, _c calls of a count window,
 * and c:<bucket>, f:<bucket>, s:<bucket> the calls, failures and slow calls of each bucket, the
 * bucket being floor(Redis ms / _b); with a PX expiry of the window's span). The window's rules
 * are those of src/share/window.ts. ARGV[1] the channel records are published on, ARGV[2] the tool.
 */

/** The fleet window's totals at \`now\` (newest bucket first; a count window stops at _c calls): \`wtotals(key, now)\`. */
const WINDOW_TOTALS = `
local function wtotals(wkey, now)
  local shape = redis.call('HMGET', wkey, '_b', '_n', '_c')
  local b, n, c = tonumber(shape[1]), tonumber(shape[2]), tonumber(shape[3])
  if not b then return 0, 0, 0 end
  local newest = math.floor(now / b)
  local fields = {}
  for i = 0, n - 1 do
    local k = newest - i
    table.insert(fields, 'c:' .. k); table.insert(fields, 'f:' .. k); table.insert(fields, 's:' .. k)
  end
  local v = redis.call('HMGET', wkey, unpack(fields))
  local calls, fails, slow = 0, 0, 0
  for i = 0, n - 1 do
    calls = calls + (tonumber(v[3 * i + 1]) or 0)
    fails = fails + (tonumber(v[3 * i + 2]) or 0)
    slow = slow + (tonumber(v[3 * i + 3]) or 0)
    if c > 0 and calls >= c then break end
  end
  return calls, fails, slow
end
`;

const PRELUDE = `${WINDOW_TOTALS}
local key, lease_key, index_key, win_key = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local channel, tool = ARGV[1], ARGV[2]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local h = redis.call('HMGET', key, 'g', 's', 'r', 'u', 'b', 'f')
local e = { g = tonumber(h[1]) or 0, s = h[2] or 'closed', r = h[3] or 'closed',
  u = tonumber(h[4]) or 0, b = tonumber(h[5]) or 0, f = tonumber(h[6]) or 0 }
local function adverse()
  local _, wf, ws = wtotals(win_key, now)
  return wf + ws
end
local function save()
  redis.call('HSET', key, 'g', e.g, 's', e.s, 'r', e.r, 'u', e.u, 'b', e.b, 'f', e.f)
  if e.s ~= 'closed' or e.f > 0 or adverse() > 0 then redis.call('SADD', index_key, tool)
  else redis.call('SREM', index_key, tool) end
end
local function view(extra)
  local lease = redis.call('PTTL', lease_key)
  if lease < 0 then lease = 0 end
  local remaining = 0
  if e.s == 'open' then remaining = math.max(0, e.u - now) end
  local wc, wf, ws = wtotals(win_key, now)
  return cjson.encode({ tool = tool, generation = e.g, state = e.s, reason = e.r, remainingMs = remaining,
    backoffMs = e.b, leaseMs = lease, failures = e.f, windowCalls = wc, windowFailures = wf, windowSlow = ws,
    granted = extra })
end
local function publish() redis.call('PUBLISH', channel, view(nil)) end
local function open(reason, backoff, remaining)
  e.g = e.g + 1; e.s = 'open'; e.r = reason; e.u = now + math.max(0, remaining); e.b = backoff; e.f = 0
  redis.call('DEL', lease_key, win_key)
  save()
  publish()
end
local function close(reason)
  e.g = e.g + 1; e.s = 'closed'; e.r = reason; e.u = 0; e.b = 0; e.f = 0
  redis.call('DEL', lease_key, win_key)
  save()
  publish()
end
`;

/**
 * ARGV[3] successes, ARGV[4] failures, ARGV[5] failureThreshold, ARGV[6] backoff ms, ARGV[7] slow
 * calls; with a window ('' in ARGV[8]: none): ARGV[8] bucket ms, ARGV[9] buckets, ARGV[10] calls
 * of a count window (0: a time window), ARGV[11] minimumCalls, ARGV[12] failureRateThreshold,
 * ARGV[13] slowCallRateThreshold.
 */
export const REPORT = `${PRELUDE}
if e.s ~= 'closed' then return view(nil) end
local successes, failures, slow = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[7])
local before, adverse_before = e.f, adverse()
if successes > 0 then e.f = 0 end
e.f = e.f + failures
local wb = tonumber(ARGV[8])
if wb then
  local wn, wc = tonumber(ARGV[9]), tonumber(ARGV[10])
  local shape = redis.call('HMGET', win_key, '_b', '_n', '_c')
  if tonumber(shape[1]) ~= wb or tonumber(shape[2]) ~= wn or tonumber(shape[3]) ~= wc then
    redis.call('DEL', win_key)
  end
  redis.call('HSET', win_key, '_b', wb, '_n', wn, '_c', wc)
  local bucket = math.floor(now / wb)
  local oldest = bucket - wn + 1
  for _, field in ipairs(redis.call('HKEYS', win_key)) do
    local k = tonumber(string.sub(field, 3))
    if string.sub(field, 1, 1) ~= '_' and k and k < oldest then redis.call('HDEL', win_key, field) end
  end
  redis.call('HINCRBY', win_key, 'c:' .. bucket, successes + failures)
  redis.call('HINCRBY', win_key, 'f:' .. bucket, failures)
  redis.call('HINCRBY', win_key, 's:' .. bucket, slow)
  redis.call('PEXPIRE', win_key, math.ceil(wb * (wn + 1)))
end
if failures > 0 and e.f >= tonumber(ARGV[5]) then
  open('threshold', tonumber(ARGV[6]), tonumber(ARGV[6]))
  return view(nil)
end
if wb then
  local calls, fails, slows = wtotals(win_key, now)
  if calls > 0 and calls >= tonumber(ARGV[11]) then
    local reason = nil
    if fails / calls >= tonumber(ARGV[12]) then reason = 'failureRate'
    elseif slows / calls >= tonumber(ARGV[13]) then reason = 'slowCallRate' end
    if reason then
      open(reason, tonumber(ARGV[6]), tonumber(ARGV[6]))
      return view(nil)
    end
  end
end
save()
if (before == 0 and e.f > 0) or (adverse_before == 0 and adverse() > 0) then publish() end
return view(nil)
`;

/**
 * ARGV[3] expected generation ('' : none known), ARGV[4] reason, ARGV[5] backoff ms, ARGV[6]
 * remaining ms. A writer that saw a newer generation than the record holds means the record was
 * lost (Redis restarted empty): its opening is taken, above the generation it saw. An isolation
 * yields only to such a writer.
 */
export const OPEN = `${PRELUDE}
local fits
if ARGV[3] == '' then fits = (e.s == 'closed')
else fits = (e.g <= tonumber(ARGV[3])) and (e.s ~= 'isolated' or e.g < tonumber(ARGV[3])) end
if not fits then return view(nil) end
if ARGV[3] ~= '' then e.g = math.max(e.g, tonumber(ARGV[3])) end
open(ARGV[4], tonumber(ARGV[5]), tonumber(ARGV[6]))
return view(nil)
`;

/** ARGV[3] generation, ARGV[4] token, ARGV[5] lease ms. */
export const CLAIM = `${PRELUDE}
if e.s ~= 'open' or e.g ~= tonumber(ARGV[3]) then return view(false) end
local taken = redis.call('SET', lease_key, ARGV[4], 'NX', 'PX', tonumber(ARGV[5]))
if not taken then return view(false) end
return view(true)
`;

/** ARGV[3] generation, ARGV[4] lease token ('' : close only while no lease is held). */
export const CLOSE = `${PRELUDE}
if e.s ~= 'open' or e.g ~= tonumber(ARGV[3]) then return view(nil) end
local holder = redis.call('GET', lease_key)
if ARGV[4] == '' then
  if holder then return view(nil) end
elseif holder ~= ARGV[4] then
  return view(nil)
end
close('closed')
return view(nil)
`;

export const RESET = `${PRELUDE}
close('reset')
return view(nil)
`;

/** An operator's isolation for the fleet: always, under a new generation. */
export const ISOLATE = `${PRELUDE}
e.g = e.g + 1; e.s = 'isolated'; e.r = 'isolated'; e.u = 0; e.b = 0; e.f = 0
redis.call('DEL', lease_key, win_key)
save()
publish()
return view(nil)
`;

/** ARGV[3] the generation of the isolation released. */
export const RELEASE = `${PRELUDE}
if e.s ~= 'isolated' or e.g ~= tonumber(ARGV[3]) then return view(nil) end
close('released')
return view(nil)
`;

/**
 * KEYS[1] the index set; ARGV[1] the records' key prefix, ARGV[2] the leases' key prefix, ARGV[3]
 * the windows' key prefix. Every indexed record open, or closed with failures counted.
 */
export const LOAD = `${WINDOW_TOTALS}
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local out = {}
for _, tool in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local h = redis.call('HMGET', ARGV[1] .. tool, 'g', 's', 'r', 'u', 'b', 'f')
  local s = h[2] or 'closed'
  local remaining = 0
  if s == 'open' then remaining = math.max(0, (tonumber(h[4]) or 0) - now) end
  local lease = redis.call('PTTL', ARGV[2] .. tool)
  if lease < 0 then lease = 0 end
  local f = tonumber(h[6]) or 0
  local wc, wf, ws = wtotals(ARGV[3] .. tool, now)
  if s ~= 'closed' or f > 0 or wf + ws > 0 then
    table.insert(out, cjson.encode({ tool = tool, generation = tonumber(h[1]) or 0, state = s,
      reason = h[3] or 'closed', remainingMs = remaining, backoffMs = tonumber(h[5]) or 0, leaseMs = lease,
      failures = f, windowCalls = wc, windowFailures = wf, windowSlow = ws }))
  end
end
return out
`;
