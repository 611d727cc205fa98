-- One node's heartbeat: its stream subscribers per channel (when given), the polls it saw, and
-- whether it leads (publishes the counts). Times are Redis's own clock, the same for every node.
-- KEYS: 1 viewers:nodes (zset node -> last heartbeat ms), 2 viewers:node:<id> (hash "<style>|<channel>" -> n),
--       3 viewers:channels (set: channels with viewers), 4 viewers:leader
-- ARGV: node, ttl ms, window ms, full (1: replace the node's hash), n fields, field, count, ...,
--       n sightings, then per sighting: style, viewer, ms counted from now, n channels, channel, ...
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local node, ttl, window = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local i = 6
redis.call('ZADD', KEYS[1], now, node)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - ttl)
if ARGV[4] == '1' then
  redis.call('DEL', KEYS[2])
  for _ = 1, tonumber(ARGV[5]) do
    local field = ARGV[i]
    redis.call('HSET', KEYS[2], field, ARGV[i + 1])
    redis.call('SADD', KEYS[3], string.sub(field, string.find(field, '|', 1, true) + 1))
    i = i + 2
  end
end
redis.call('PEXPIRE', KEYS[2], ttl)
local sightings = tonumber(ARGV[i])
i = i + 1
for _ = 1, sightings do
  local style, viewer, till = ARGV[i], ARGV[i + 1], now + tonumber(ARGV[i + 2])
  local channels = tonumber(ARGV[i + 3])
  i = i + 4
  for _ = 1, channels do
    local key = 'viewers:polls:' .. style .. ':' .. ARGV[i]
    redis.call('ZADD', key, 'GT', till, viewer)
    redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
    if redis.call('PTTL', key) < till - now + window then
      redis.call('PEXPIRE', key, till - now + window)
    end
    redis.call('SADD', KEYS[3], ARGV[i])
    i = i + 1
  end
end
local leader = redis.call('GET', KEYS[4])
if leader == node then
  redis.call('PEXPIRE', KEYS[4], ttl)
  return 1
end
if not leader and redis.call('SET', KEYS[4], node, 'NX', 'PX', ttl) then
  return 1
end
return 0
