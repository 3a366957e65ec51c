/**
 * The write scripts of the fleet share, one atomic Lua script per write. Each reads Redis's
 * own clock (`TIME`), never the caller's, and answers with the record as JSON, its durations
 * as remaining milliseconds. The rules are `FleetLedger`'s (src/share/ledger.ts), step for step.
 *
 * Keys: KEYS[1] the tool's record (a hash: g generation, s state, r reason, u until in Redis
 * milliseconds, b backoff, f consecutive failures), KEYS[2] its probe lease (a string holding
 * the lease token, with a PX expiry), KEYS[3] the set of tools whose record is not plain closed.
 * ARGV[1] the channel records are published on, ARGV[2] the tool.
 */

const PRELUDE = `
local key, lease_key, index_key = KEYS[1], KEYS[2], KEYS[3]
local channel, tool = ARGV[1], ARGV[2]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local h = redis.call('HMGET', key, 'g', 's', 'r', 'u', 'b', 'f')
local e = { g = tonumber(h[1]) or 0, s = h[2] or 'closed', r = h[3] or 'closed',
  u = tonumber(h[4]) or 0, b = tonumber(h[5]) or 0, f = tonumber(h[6]) or 0 }
local function save()
  redis.call('HSET', key, 'g', e.g, 's', e.s, 'r', e.r, 'u', e.u, 'b', e.b, 'f', e.f)
  if e.s == 'open' or e.f > 0 then redis.call('SADD', index_key, tool) else redis.call('SREM', index_key, tool) end
end
local function view(extra)
  local lease = redis.call('PTTL', lease_key)
  if lease < 0 then lease = 0 end
  local remaining = 0
  if e.s == 'open' then remaining = math.max(0, e.u - now) end
  return cjson.encode({ tool = tool, generation = e.g, state = e.s, reason = e.r, remainingMs = remaining,
    backoffMs = e.b, leaseMs = lease, failures = e.f, granted = extra })
end
local function publish() redis.call('PUBLISH', channel, view(nil)) end
local function open(reason, backoff, remaining)
  e.g = e.g + 1; e.s = 'open'; e.r = reason; e.u = now + math.max(0, remaining); e.b = backoff; e.f = 0
  redis.call('DEL', lease_key)
  save()
  publish()
end
local function close(reason)
  e.g = e.g + 1; e.s = 'closed'; e.r = reason; e.u = 0; e.b = 0; e.f = 0
  redis.call('DEL', lease_key)
  save()
  publish()
end
`;

/** ARGV[3] successes, ARGV[4] failures, ARGV[5] failureThreshold, ARGV[6] backoff ms. */
export const REPORT = `${PRELUDE}
if e.s == 'open' then return view(nil) end
local successes, failures = tonumber(ARGV[3]), tonumber(ARGV[4])
local before = e.f
if successes > 0 then e.f = 0 end
e.f = e.f + failures
if failures > 0 and e.f >= tonumber(ARGV[5]) then
  open('threshold', tonumber(ARGV[6]), tonumber(ARGV[6]))
  return view(nil)
end
save()
if before == 0 and e.f > 0 then publish() end
return view(nil)
`;

/**
 * ARGV[3] expected generation ('' : none known), ARGV[4] reason, ARGV[5] backoff ms, ARGV[6]
 * remaining ms. A writer that saw a newer generation than the record holds means the record was
 * lost (Redis restarted empty): its opening is taken, above the generation it saw.
 */
export const OPEN = `${PRELUDE}
local fits
if ARGV[3] == '' then fits = (e.s == 'closed') else fits = (e.g <= tonumber(ARGV[3])) end
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

/** KEYS[1] the index set; ARGV[1] the records' key prefix, ARGV[2] the leases' key prefix. Every indexed record. */
export const LOAD = `
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
  table.insert(out, cjson.encode({ tool = tool, generation = tonumber(h[1]) or 0, state = s, reason = h[3] or 'closed',
    remainingMs = remaining, backoffMs = tonumber(h[5]) or 0, leaseMs = lease, failures = tonumber(h[6]) or 0 }))
end
return out
`;
