"""REST client for a Cloudify Manager (API v3.1, managers 4.x to 7.x).

No Textual and no engine imports: the engine and the TUI use this, never the reverse.

Modules: client (ManagerClient, the API calls), snapshots (snapshot calls and transfers),
listing (list endpoints), transport (how every request is sent), guard (deadlines, cancel,
pacing), http (session, retry policy, HTTP error mapping), failures (transport error mapping),
transfer (streamed download/upload), endpoint (addresses and credentials), errors, models.

Time limits (transport.DEFAULT_TIMEOUT/DEFAULT_DEADLINE, `describe_time_limits()` for --help):
connect 10 s, read 30 s per socket operation (a GET whose read times out is tried once more, so
a silent manager is reported after 60 s, 30 s for a POST), 60 s per attempt overall for headers
and a JSON body, each 1 MiB of a download within 120 s, an upload's answer within 300 s once
sent. A cancel event (`cancel=`) or Ctrl-C stops any request within about 0.1-0.6 s. Requests
are paced at 9 r/s, burst 20 (`pace=`), below nginx's limit_req of 10 r/s, burst 30.
"""
