-- wrk script for the serve load test: POSTs the corpus' sentences one per request, in order, as TEI's body
-- ({"inputs": s, "truncate": true}) or OpenAI's ({"input": [s], "model": m}), and counts answers by status.
--   wrk -t1 -c64 -d10s --latency -s scripts/serve/load.lua http://127.0.0.1:8080 -- tei /embed data/corpus.txt
-- Prints one line "RESULT {json}" at the end: requests, ok (200), rejected (429), other statuses, socket errors,
-- requests per second, latency percentiles in milliseconds.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

local function escape(s)
  s = s:gsub('\\', '\\\\'):gsub('"', '\\"')
  return (s:gsub('[%c]', function(c) return string.format('\\u%04x', c:byte()) end))
end

function init(args)
  local format, route, path, model = args[1], args[2], args[3], args[4] or "model"
  bodies = {}
  for line in io.lines(path) do
    if #line > 0 then
      local s = escape(line)
      if format == "openai" then
        table.insert(bodies, '{"input":["' .. s .. '"],"model":"' .. model .. '"}')
      else
        table.insert(bodies, '{"inputs":"' .. s .. '","truncate":true}')
      end
    end
  end
  target = route
  index = 0
  ok, rejected, other = 0, 0, 0
end

function request()
  index = index % #bodies + 1
  return wrk.format("POST", target, {["Content-Type"] = "application/json"}, bodies[index])
end

function response(status, headers, body)
  if status == 200 then ok = ok + 1 elseif status == 429 then rejected = rejected + 1 else other = other + 1 end
end

function done(summary, latency, requests)
  local total = {ok = 0, rejected = 0, other = 0}
  for _, thread in ipairs(threads) do
    total.ok = total.ok + thread:get("ok")
    total.rejected = total.rejected + thread:get("rejected")
    total.other = total.other + thread:get("other")
  end
  local e = summary.errors
  io.write(string.format('RESULT {"requests":%d,"ok":%d,"rejected":%d,"other":%d,"socket_errors":%d,' ..
    '"seconds":%.3f,"rps":%.2f,"p50_ms":%.3f,"p90_ms":%.3f,"p99_ms":%.3f,"mean_ms":%.3f}\n',
    summary.requests, total.ok, total.rejected, total.other, e.connect + e.read + e.write + e.timeout,
    summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.mean / 1000))
end
