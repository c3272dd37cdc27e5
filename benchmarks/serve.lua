-- wrk script of benchmarks/serve.py: every request asks for a tile picked at random from a list of tile
-- paths (one per line of the file named by the first argument), with the session cookie (the second) and,
-- when a third is given and not empty, that Accept-Encoding (a browser's "gzip, deflate" for raw tiles).
--
--   wrk -t2 -c50 -d15s -s benchmarks/serve.lua http://127.0.0.1:8080 -- tiles.txt "sessionid=..." "gzip"
--
-- It prints `name: value` lines that serve.py reads: requests, seconds, errors (non-2xx/3xx answers and
-- socket errors) and latency percentiles in microseconds.

local paths = {}
local count = 0
local headers = {}
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then
      count = count + 1
      paths[count] = line
    end
  end
  if count == 0 then
    error("no tile paths in " .. args[1])
  end
  headers["Cookie"] = args[2] or ""
  if args[3] and #args[3] > 0 then
    headers["Accept-Encoding"] = args[3]
  end
  -- Each thread draws its own sequence.
  math.randomseed(os.time() * 1000 + (id or 0))
end

function request()
  return wrk.format("GET", paths[math.random(count)], headers)
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format("requests: %d\n", summary.requests))
  io.write(string.format("seconds: %.3f\n", summary.duration / 1e6))
  io.write(string.format("bytes: %d\n", summary.bytes))
  io.write(string.format("bad_status: %d\n", errors.status))
  io.write(string.format("socket_errors: %d\n", errors.connect + errors.read + errors.write + errors.timeout))
  for _, p in ipairs({ 50, 95, 99 }) do
    io.write(string.format("p%d_us: %d\n", p, latency:percentile(p)))
  end
end
