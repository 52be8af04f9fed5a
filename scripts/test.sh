#!/usr/bin/env bash
# The README's test command: installs the Debian packages the tests use (as root, only those missing), then
# runs the whole suite. Extra arguments go to `dotnet test` (e.g. --filter).
set -euo pipefail
cd "$(dirname "$0")/.."

# The browser test opens the report pages in headless Chromium through ChromeDriver; the ONNX tests validate
# exported files with the reference checker of Debian's python3-onnx; the interchange tests compare with
# torchvision and run the PyTorch twin (python/) in Debian's python3-torch (all run with /usr/bin/python3).
packages=(chromium chromium-driver python3-onnx python3-numpy python3-torch python3-torchvision)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing ${missing[*]} (apt)"
    export DEBIAN_FRONTEND=noninteractive
    aptlog=$(mktemp)
    if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$aptlog" 2>&1; then
      tail -n 20 "$aptlog" >&2
      echo "error: apt-get could not install ${missing[*]}" >&2
      exit 1
    fi
    rm -f "$aptlog"
  else
    echo "note: ${missing[*]} not installed and not root: the browser test will be skipped" >&2
  fi
fi

# Results go to TestResults/ (gitignored): a TRX log per test process (every test's outcome and duration, skip
# reasons) and, if a test hangs past the limit or the host crashes, a dump (.ci/run prints where). The longest
# single test (the PyTorch twin over a family) takes under 5 minutes on a busy machine.
rm -rf TestResults
blame=(--blame-crash --blame-hang-timeout 12m --blame-hang-dump-type mini)
if [ $# -gt 0 ]; then
  # A developer's own selection (e.g. --filter): one process, as dotnet test runs it.
  exec dotnet test LeanNets.slnx -c Release --results-directory TestResults --logger "trx;LogFileName=tests.trx" \
    "${blame[@]}" "$@"
fi

# The whole suite: built once, then two test processes at once with one intra-op thread each. Most tests are
# small tensor work that two threads barely speed up, and many wait on child processes (Python, dotnet pack, the
# CLI): two single-threaded processes keep both cores busy. Process A takes the tests that wait on children
# (interchange with PyTorch, packaging, training runs and kills, data readers) and, to even the two out, analysis
# and quantization; process B the rest. Measured from the TRX durations of a CI run: A 355 s and B 501 s before
# analysis and quantization (63 s) moved, so the suite waited on B.
dotnet build LeanNets.slnx -c Release -v quiet -nologo
moved=(Interchange Packaging Training Data Analysis Quantization Samples)
a=$(printf '|FullyQualifiedName~LeanNets.Tests.%s' "${moved[@]}")
a=${a:1}
b=$(printf '&FullyQualifiedName!~LeanNets.Tests.%s' "${moved[@]}")
b=${b:1}
shard() { # NAME FILTER
  LEANNETS_THREADS=1 dotnet test LeanNets.slnx -c Release --no-build --results-directory "TestResults/$1" \
    --logger "trx;LogFileName=tests.trx" "${blame[@]}" --filter "$2" 2>&1 | sed -u "s/^/[$1] /"
  return "${PIPESTATUS[0]}"
}
shard a "$a" & pid_a=$!
shard b "$b" & pid_b=$!
status=0
wait "$pid_a" || status=1
wait "$pid_b" || status=1
exit "$status"
