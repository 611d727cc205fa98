-- Reserve claps for one user on one post, only if the user stays within the cap.
-- KEYS[1] claps:reserved:<post> (hash user -> reserved claps)   KEYS[2] claps:rsv:seq
-- ARGV[1] user   ARGV[2] count   ARGV[3] cap   ARGV[4] reservation key prefix (claps:rsv:)
-- Returns {id, userClaps}: id 0 when refused (userClaps = claps already reserved).
local reserved = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
local wanted = reserved + tonumber(ARGV[2])
if wanted > tonumber(ARGV[3]) then
  return {0, reserved}
end
redis.call('HSET', KEYS[1], ARGV[1], wanted)
local id = redis.call('INCR', KEYS[2])
-- A pending reservation holds its count until the worker applies it or the request path releases it.
redis.call('SET', ARGV[4] .. id, ARGV[2])
return {id, wanted}
