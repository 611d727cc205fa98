-- Release a pending clap reservation whose record Kafka did not confirm.
-- KEYS[1] claps:rsv:<id>   KEYS[2] claps:reserved:<post>
-- ARGV[1] user   ARGV[2] seconds to remember the release (until any late record has surely been applied)
-- Returns 'released', 'applied' (the worker counted it already) or 'unknown' (state lost).
local state = redis.call('GET', KEYS[1])
if not state then
  return 'unknown'
end
if state == 'a' then
  return 'applied'
end
if state == 'r' then
  return 'released'
end
redis.call('HINCRBY', KEYS[2], ARGV[1], -tonumber(state))
redis.call('SET', KEYS[1], 'r', 'EX', ARGV[2])
return 'released'
