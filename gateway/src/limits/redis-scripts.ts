// The Lua scripts that make Redis counters exact across gateways: each runs
// atomically on the Redis server, with the server's clock (TIME), so gateways
// whose clocks disagree still agree on every counter. The arithmetic is the
// same GCRA as gcra.ts (with the same epsilon); concurrency slots are members
// of a sorted set scored by when their lease ends.

/**
 * KEYS: one per counter. ARGV[1]: the slot member prefix (the request id),
 * ARGV[2]: the slot lease in ms, then four per key: kind ("r" rate, "c"
 * concurrency), window ms | max in flight, quota | retry ms, cost.
 * Returns {1, index of the counter with the fewest calls left, calls left, ms
 * until that counter is whole} when every counter admits the call (and then
 * takes it from all of them), else {0, index of the counter with the longest
 * wait, wait ms}.
 */
export const ACQUIRE_SCRIPT = `
redis.replicate_commands()
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local member, lease = ARGV[1], tonumber(ARGV[2])
local worst, worstWait = 0, 0
local least, leastLeft, leastReset = 0, 0, 0
local tats = {}
for i = 1, #KEYS do
  local o = 2 + (i - 1) * 4
  local kind, a, b, cost = ARGV[o + 1], tonumber(ARGV[o + 2]), tonumber(ARGV[o + 3]), tonumber(ARGV[o + 4])
  local wait = 0
  if kind == 'r' then
    local stored = redis.call('GET', KEYS[i])
    local base = now
    if stored and tonumber(stored) > now then base = tonumber(stored) end
    local tat = base + cost * a / b
    wait = tat - a - now
    if wait <= 0.001 then
      tats[i] = tat
      wait = 0
      local left = math.floor((now + a - tat) / (a / b) + 0.001)
      if least == 0 or left < leastLeft then least, leastLeft, leastReset = i, left, tat - now end
    end
  else
    redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now)
    local held = redis.call('ZCARD', KEYS[i])
    if held + cost > a then
      wait = b
    elseif least == 0 or a - held - cost < leastLeft then
      least, leastLeft, leastReset = i, a - held - cost, 0
    end
  end
  if wait > worstWait then
    worst, worstWait = i, wait
  end
end
if worst > 0 then return {0, worst, tostring(worstWait)} end
for i = 1, #KEYS do
  local o = 2 + (i - 1) * 4
  if ARGV[o + 1] == 'r' then
    redis.call('SET', KEYS[i], string.format('%.3f', tats[i]), 'PX', math.max(1, math.ceil(tats[i] - now)))
  else
    for j = 1, tonumber(ARGV[o + 4]) do redis.call('ZADD', KEYS[i], now + lease, member .. ':' .. j) end
    redis.call('PEXPIRE', KEYS[i], lease)
  end
end
return {1, least, leastLeft, tostring(leastReset)}
`;

/** KEYS[1]: a slot set; ARGV[1]: lease ms, ARGV[2..]: the members this gateway still holds. */
export const RENEW_SCRIPT = `
redis.replicate_commands()
local t = redis.call('TIME')
local until_ = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000 + tonumber(ARGV[1])
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], 'XX', until_, ARGV[i]) end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1
`;

/** KEYS[1]: the live gateways set; ARGV[1]: this gateway's id, ARGV[2]: how long it counts as live (ms). Returns the live count. */
export const HEARTBEAT_SCRIPT = `
redis.replicate_commands()
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return redis.call('ZCARD', KEYS[1])
`;
