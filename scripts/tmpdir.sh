# Sourced by scripts/test.sh: one temporary directory for a test run, and the checks that keep it
# clean. A test that leaves a scratch project, a browser profile or a server behind fails the run
# (named), where in the shared /tmp it would pile up unseen, run after run. tests/tmpdir.test.sh
# checks these checks.
#
# Names stay short: Chromium's socket, nested three directories below, must fit a 107-byte path.
tmp=$(mktemp -d "${TMPDIR:-/tmp}/qcdn-test.XXXXXX")
export TMPDIR=$tmp

# running: the processes whose environment has the run's TMPDIR, that is, that a test started,
# read with bash's own read so that no command started for the check is one of them.
running() {
  local p var
  for p in /proc/[0-9]*; do
    { while IFS= read -r -d '' var; do
      if [[ $var == "TMPDIR=$tmp" || $var == "TMPDIR=$tmp/"* ]]; then echo "${p#/proc/}"; break; fi
    done < "$p/environ"; } 2>/dev/null || true # gone, or not ours to read
  done
}

# left NAME: fails when NAME left a file in the run's temporary directory, or a process running
# 5 s after it ended.
left() {
  local found procs n
  found=$(cd "$tmp" && ls -A)
  if [ -n "$found" ]; then
    echo "make test: $1 left files in its temporary directory (TMPDIR), not removed after use:"
    echo "$found" | sed 's/^/  /'
    exit 1
  fi
  for n in $(seq 50); do
    procs=$(running)
    [ -z "$procs" ] && return 0
    sleep 0.1
  done
  echo "make test: $1 left processes running (stopped as the run ends):"
  for n in $procs; do echo "  $n $(tr '\0' ' ' < "/proc/$n/cmdline" 2>/dev/null)"; done
  exit 1
}

# However the run ends (a failure, Ctrl-C, a cancelled CI job's SIGTERM), what its tests started
# is stopped, detached servers too, and its temporary directory removed.
finish() {
  local procs
  procs=$(running)
  [ -z "$procs" ] || kill $procs 2>/dev/null || true
  rm -rf "$tmp"
}
