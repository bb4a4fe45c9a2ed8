-- POST one form per request. Paths come from PATHS_FILE; each wrk thread takes every n-th path, so no two
-- requests share a survey link. Prints the 95th percentile latency and counts as JSON when done.
local threads = {}
local counter = 1

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  paths = {}
  for line in io.lines(os.getenv("PATHS_FILE")) do table.insert(paths, line) end
  local file = io.open(os.getenv("BODY_FILE"), "r")
  wrk.body = file:read("*a")
  file:close()
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  wrk.headers["Cookie"] = "csrftoken=" .. os.getenv("CSRF_SECRET")
  stride = tonumber(os.getenv("THREADS"))
  counter = id + 1
end

function request()
  local path = paths[counter]
  counter = counter + stride
  if counter > #paths then counter = id + 1 end
  return wrk.format(nil, path)
end

function done(summary, latency, requests)
  io.write(string.format('{"requests": %d, "seconds": %.3f, "p95_ms": %.2f, "p50_ms": %.2f, "errors": %d, "non2xx": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(95) / 1000, latency:percentile(50) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
