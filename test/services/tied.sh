#!/usr/bin/env bash
# tied.sh CMD [ARGS...]: run a test service (Apache, the JGSS acceptor) tied to the test
# process that started it. test/services/process.ts starts this script in its own process
# group with a pipe on stdin; the service is stopped (SIGTERM, SIGKILL after 5 s) when
#   - the pipe reaches EOF: the test process is gone, however it ended (even SIGKILL), or
#   - this script gets SIGTERM/SIGINT/SIGHUP (the normal stop signals the whole group).
# The exit status is the service's.
set -u

# A background job's stdin is /dev/null unless redirected: keep the pipe on fd 3.
exec 3<&0
"$@" </dev/null 3<&- &
child=$!

stop_child() {
  kill -TERM "$child" 2>/dev/null || return 0
  for _ in $(seq 50); do
    kill -0 "$child" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL "$child" 2>/dev/null
}
trap 'stop_child; exit 143' TERM INT HUP

# The watchdog: blocks on stdin until the test process closes it (or dies).
(
  while IFS= read -r _; do :; done
  stop_child
) <&3 3<&- &
watchdog=$!
exec 3<&-

wait "$child"
status=$?
kill "$watchdog" 2>/dev/null
exit "$status"
