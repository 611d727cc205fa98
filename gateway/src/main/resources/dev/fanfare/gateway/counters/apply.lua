-- Apply a batch of actions of one partition atomically together with the partition's applied offset.
-- KEYS[1] counters:offsets (hash partition -> last applied offset)
-- ARGV[1] partition   ARGV[2] '1' if a stored offset is required   ARGV[3] seconds to keep 'applied' marks,
-- followed by 6 values per action: offset, type, post, user, count, reservation ('0' for none)
-- Returns {'offset_missing'} or {'ok', lastAppliedOffset, post1, claps1, likes1, post2, ...}.
local stored = redis.call('HGET', KEYS[1], ARGV[1])
if stored then
  stored = tonumber(stored)
elseif ARGV[2] == '1' then
  return {'offset_missing'}
else
  stored = -1
end

local last = stored
local posts, seen = {}, {}
for i = 4, #ARGV, 6 do
  local offset = tonumber(ARGV[i])
  local kind, post, user = ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  if kind ~= 'noop' and not seen[post] then
    seen[post] = true
    posts[#posts + 1] = post
  end
  if offset > last then
    last = offset
    local totals = 'counters:post:' .. post
    if kind == 'clap' then
      local count, rsv = tonumber(ARGV[i + 4]), ARGV[i + 5]
      local rkey = 'claps:rsv:' .. rsv
      local state = false
      if rsv ~= '0' then
        state = redis.call('GET', rkey)
      end
      if state == 'r' then
        -- Released: the request was answered 503, so the clap must not count.
        redis.call('DEL', rkey)
      elseif state ~= 'a' then
        if state then
          -- Pending: count it, and remember it was counted for a release racing with us.
          redis.call('SET', rkey, 'a', 'EX', ARGV[3])
        else
          -- Unknown reservation (store state rebuilt from the log): the cap counter follows the log.
          redis.call('HINCRBY', 'claps:reserved:' .. post, user, count)
        end
        redis.call('HINCRBY', totals, 'claps', count)
      end
    elseif kind == 'like' then
      if redis.call('SADD', 'likes:users:' .. post, user) == 1 then
        redis.call('HINCRBY', totals, 'likes', 1)
      end
    elseif kind == 'unlike' then
      if redis.call('SREM', 'likes:users:' .. post, user) == 1 then
        redis.call('HINCRBY', totals, 'likes', -1)
      end
    end
  end
end
if last > stored then
  redis.call('HSET', KEYS[1], ARGV[1], last)
end

local out = {'ok', last}
for _, post in ipairs(posts) do
  local t = redis.call('HMGET', 'counters:post:' .. post, 'claps', 'likes')
  out[#out + 1] = post
  out[#out + 1] = tonumber(t[1] or '0')
  out[#out + 1] = tonumber(t[2] or '0')
end
return out
