#!/usr/bin/env bash
# record.sh [SCENARIO...]: re-record kernel bundles into samples/bundles/<scenario>/ (root required).
# Without arguments every scenarios/*.sh is run, one after the other. Missing Debian packages are
# installed with apt-get. Each scenario runs under `timeout` and cleans up its own namespaces.
set -u -o pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
[ "$(id -u)" = 0 ] || { echo "record.sh: must run as root (network namespaces, iptables)" >&2; exit 1; }

# command -> Debian package
declare -A NEED=([ip]=iproute2 [nstat]=iproute2 [iptables]=iptables [xtables-monitor]=iptables
  [tcpdump]=tcpdump [conntrack]=conntrack [nft]=nftables [python3]=python3 [ping]=iputils-ping [arping]=iputils-arping
  [timeout]=coreutils [md5sum]=coreutils)
missing=()
for cmd in "${!NEED[@]}"; do command -v "$cmd" >/dev/null 2>&1 || missing+=("${NEED[$cmd]}"); done
if [ "${#missing[@]}" -gt 0 ]; then
  pkgs="$(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')"
  echo "record.sh: installing $pkgs" >&2
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $pkgs || { echo "apt-get failed" >&2; exit 1; }
fi

if [ "$#" -gt 0 ]; then scenarios=("$@"); else
  scenarios=(); for f in "$HERE"/scenarios/*.sh; do scenarios+=("$(basename "$f" .sh)"); done
fi

failed=()
for s in "${scenarios[@]}"; do
  script="$HERE/scenarios/$s.sh"
  [ -f "$script" ] || { echo "record.sh: no scenario $s" >&2; failed+=("$s"); continue; }
  echo "=== $s" >&2
  if ! timeout 240 bash "$script"; then failed+=("$s"); echo "record.sh: $s FAILED" >&2; fi
done
left="$(ip netns list | awk '{print $1}' | grep '^pkp-' || true)"
[ -n "$left" ] && echo "record.sh: WARNING namespaces still present: $left" >&2
echo "record.sh: ${#scenarios[@]} scenario(s), ${#failed[@]} failed${failed[*]:+: ${failed[*]}}" >&2
[ "${#failed[@]}" = 0 ]
