-- POST one form per request. Paths come from PATHS_FILE, one per line, optionally followed by a tab and the
-- link stamp the survey page puts in its form; each wrk thread takes every n-th path, so no two requests share
-- a survey link. Prints the 95th percentile latency and counts as JSON when done.
local threads = {}
local counter = 1

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  paths = {}
  stamps = {}
  for line in io.lines(os.getenv("PATHS_FILE")) do
    local path, stamp = line:match("^([^\t]+)\t?(.*)$")
    table.insert(paths, path)
    table.insert(stamps, stamp)
  end
  local file = io.open(os.getenv("BODY_FILE"), "r")
  wrk.body = file:read("*a")
  file:close()
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  wrk.headers["Cookie"] = "csrftoken=" .. os.getenv("CSRF_SECRET")
  -- With fewer paths than threads (the bare view's one path), every thread posts to all of them.
  stride = tonumber(os.getenv("THREADS"))
  if #paths < stride then stride = 1 end
  counter = (id % #paths) + 1
end

function request()
  local path, stamp = paths[counter], stamps[counter]
  counter = counter + stride
  if counter > #paths then counter = (id % #paths) + 1 end
  if stamp == "" then return wrk.format(nil, path) end
  return wrk.format(nil, path, nil, wrk.body .. "&link=" .. stamp)
end

function done(summary, latency, requests)
  io.write(string.format('{"requests": %d, "seconds": %.3f, "p95_ms": %.2f, "p50_ms": %.2f, "errors": %d, "non2xx": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(95) / 1000, latency:percentile(50) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
