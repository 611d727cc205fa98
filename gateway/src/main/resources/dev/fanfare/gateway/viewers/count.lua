-- Viewer counts, summed over the live nodes (heartbeat within the TTL) and the polls within the
-- window. A channel's count includes the subscribers of its stream's wildcard.
-- KEYS: 1 viewers:nodes, 2 viewers:channels, 3 viewers:published (hash channel -> "sse:ws:longpoll:poll")
-- ARGV: ttl ms, window ms, mode ('channels': the channels that follow; 'changed': every channel with
--       viewers whose count differs from the one last published; channels counted 0 and published 0
--       are forgotten), then the channels, at most 'limit' (ARGV[4]) in 'changed' mode
-- Returns per channel: channel, sse, ws, longpoll, poll.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl, window, mode = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
local nodes = redis.call('ZRANGEBYSCORE', KEYS[1], now - ttl, '+inf')

local function polls(style, c, wild)
  local n = redis.call('ZCOUNT', 'viewers:polls:' .. style .. ':' .. c, now - window, '+inf')
  if wild then
    n = n + redis.call('ZCOUNT', 'viewers:polls:' .. style .. ':' .. wild, now - window, '+inf')
  end
  return n
end

local function count(c)
  local slash = string.find(c, '/', 1, true)
  local wild = nil
  if string.sub(c, slash + 1) ~= '*' then
    wild = string.sub(c, 1, slash) .. '*'
  end
  local sse, ws = 0, 0
  for _, n in ipairs(nodes) do
    local v
    if wild then
      v = redis.call('HMGET', 'viewers:node:' .. n, 'sse|' .. c, 'ws|' .. c, 'sse|' .. wild, 'ws|' .. wild)
    else
      v = redis.call('HMGET', 'viewers:node:' .. n, 'sse|' .. c, 'ws|' .. c)
    end
    sse = sse + (tonumber(v[1]) or 0) + (tonumber(v[3]) or 0)
    ws = ws + (tonumber(v[2]) or 0) + (tonumber(v[4]) or 0)
  end
  return {c, sse, ws, polls('longpoll', c, wild), polls('poll', c, wild)}
end

local out = {}
if mode == 'channels' then
  for k = 4, #ARGV do
    for _, x in ipairs(count(ARGV[k])) do
      table.insert(out, x)
    end
  end
  return out
end
local limit = tonumber(ARGV[4])
local members = redis.call('SRANDMEMBER', KEYS[2], limit)
for _, c in ipairs(members) do
  local r = count(c)
  local value = r[2] .. ':' .. r[3] .. ':' .. r[4] .. ':' .. r[5]
  local published = redis.call('HGET', KEYS[3], c)
  if value == '0:0:0:0' and (not published or published == value) then
    redis.call('SREM', KEYS[2], c)
    redis.call('HDEL', KEYS[3], c)
  elseif value ~= published then
    for _, x in ipairs(r) do
      table.insert(out, x)
    end
  end
end
return out
