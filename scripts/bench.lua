-- wrk script for `make bench` (scripts/bench.py): replays the requests of one scenario and prints one JSON line.
--
-- Argument (after --): a file with one request per line: METHOD <TAB> PATH <TAB> HEADERS <TAB> BODY, where HEADERS
-- are "Name: value" pairs separated by the byte 0x1F. Each wrk thread takes every n-th line starting at its own
-- index, so requests that must be unique (webhook message ids) are never sent twice by two threads; a thread that
-- runs out of lines starts again from its first one and counts the repeats.

local threads = {}

function setup(thread)
  thread:set("index", #threads)
  table.insert(threads, thread)
  for _, each in ipairs(threads) do
    each:set("total", #threads)
  end
end

local function split(text, separator)
  local parts = {}
  local start = 1
  while true do
    local i, j = string.find(text, separator, start, true)
    if not i then
      table.insert(parts, string.sub(text, start))
      return parts
    end
    table.insert(parts, string.sub(text, start, i - 1))
    start = j + 1
  end
end

function init(args)
  local total_threads = tonumber(wrk.thread:get("total")) or 1
  local mine = tonumber(wrk.thread:get("index")) or 0
  requests = {}
  local n = 0
  for line in io.lines(args[1]) do
    if n % total_threads == mine then
      local fields = split(line, "\t")
      local headers = {}
      if fields[3] ~= nil and fields[3] ~= "" then
        for _, pair in ipairs(split(fields[3], "\31")) do
          local colon = string.find(pair, ":", 1, true)
          headers[string.sub(pair, 1, colon - 1)] = string.sub(pair, colon + 2)
        end
      end
      local body = fields[4]
      if body == "" then body = nil end
      table.insert(requests, wrk.format(fields[1], fields[2], headers, body))
    end
    n = n + 1
  end
  if #requests == 0 then
    -- Fewer lines than threads (one URL for everyone): this thread sends them all too.
    for line in io.lines(args[1]) do
      table.insert(requests, line)
    end
    local lines = requests
    requests = {}
    for _, line in ipairs(lines) do
      local fields = split(line, "\t")
      local headers = {}
      if fields[3] ~= nil and fields[3] ~= "" then
        for _, pair in ipairs(split(fields[3], "\31")) do
          local colon = string.find(pair, ":", 1, true)
          headers[string.sub(pair, 1, colon - 1)] = string.sub(pair, colon + 2)
        end
      end
      local body = fields[4]
      if body == "" then body = nil end
      table.insert(requests, wrk.format(fields[1], fields[2], headers, body))
    end
  end
  position = 0
  wraps = 0
end

function request()
  position = position + 1
  if position > #requests then
    position = 1
    wraps = wraps + 1
  end
  return requests[position]
end

function done(summary, latency, requests_stats)
  local total_wraps = 0
  for _, thread in ipairs(threads) do
    total_wraps = total_wraps + (tonumber(thread:get("wraps")) or 0)
  end
  local errors = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, ' ..
    '"max_us": %d, "mean_us": %.1f, "errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"repeated_list": %d}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, latency.mean, errors.connect, errors.read, errors.write, errors.status,
    errors.timeout, total_wraps))
end
