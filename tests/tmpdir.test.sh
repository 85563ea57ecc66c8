#!/usr/bin/env bash
# The checks of scripts/tmpdir.sh, which make every make test suite leave no temporary file and
# no process behind: each must fail when it should, and a run cut short must still clean up.
set -uo pipefail
cd "$(dirname "$0")/.."
passed=0
check() { # check WHAT CONDITION...: counts it, or fails the file
  local what=$1; shift
  if "$@"; then passed=$((passed + 1)); else echo "tmpdir: FAILED: $what"; exit 1; fi
}
# A process is gone once it has exited: a zombie not yet reaped by whatever adopted it counts.
gone() { local state; state=$(ps -o stat= -p "$1") || return 0; [[ $state == Z* ]]; }

# A run's checks in a subshell of their own, as scripts/test.sh sources them.
out=$( (source scripts/tmpdir.sh; left clean && echo "clean passed"; finish) 2>&1)
check "a clean suite passes" test "$out" = "clean passed"

out=$( (source scripts/tmpdir.sh; touch "$tmp/scratch"; (left leaky) ; echo "status $?"; finish) 2>&1)
check "a file left behind fails the suite, named" grep -q "leaky left files.*" <<<"$out"
check "the file is listed" grep -q "^  scratch$" <<<"$out"
check "with a failing status" grep -q "^status 1$" <<<"$out"

# A detached process (as the tests' servers are started) that outlives its suite.
out=$( (source scripts/tmpdir.sh
  setsid sleep 60 >/dev/null 2>&1 &
  echo "pid $!"
  (left lingering); echo "status $?"
  finish
  [ -e "$tmp" ] || echo "directory removed") 2>&1)
pid=$(sed -n 's/^pid //p' <<<"$out")
check "a process left running fails the suite, named" grep -q "lingering left processes running" <<<"$out"
check "the process is listed" grep -q "^  $pid sleep 60" <<<"$out"
check "with a failing status" grep -q "^status 1$" <<<"$out"
sleep 0.2
check "the run's end stops it" gone "$pid"
check "and removes the directory" grep -q "^directory removed$" <<<"$out"

# A run cut short by SIGTERM (a cancelled CI job) in the middle of a suite.
state=$(mktemp)
setsid bash -c "source scripts/tmpdir.sh; trap finish EXIT; setsid sleep 60 >/dev/null 2>&1 & echo \"\$! \$tmp\" > $state; sleep 30" &
for _ in $(seq 50); do [ -s "$state" ] && break; sleep 0.1; done
read -r pid dir < "$state"
rm -f "$state"
{ kill -TERM -- -"$(ps -o pgid= -p $! | tr -d ' ')"; wait $!; } 2>/dev/null
sleep 0.2
check "a run ended by SIGTERM stops what it started" gone "$pid"
check "and removes its directory" test ! -e "$dir"

echo "tmpdir: $passed checks passed"
