# shellcheck shell=bash
# lib.sh - shared helpers for pktpath kernel recordings (source it from a scenario script).
#
# Every namespace created here is named pkp-<tag>-<role>; every background process is started
# through pkp_bg and remembered in PKP_PIDS; the EXIT trap kills exactly those PIDs and deletes
# exactly the namespaces in PKP_NSES. Nothing touches the root namespace: all commands run with
# `ip netns exec` / `ip -n`.
#
# Typical scenario:
#   source "$(dirname "$0")/../lib.sh"
#   pkp_init clusterip-tcp          # sets SCEN, BUNDLE, WORK, NODE_NS, trap
#   make_node_ns; make_uplink_ns; add_pod client 10.244.1.2; add_pod web1 10.244.1.3
#   load_rules "$WORK/rules.v4"     # + TRACE rules on top of raw PREROUTING/OUTPUT
#   tcp_server web1 8080
#   snapshot_state before; start_capture; start_trace
#   tcp_connect client 10.96.0.10 80 hello
#   stop_trace; stop_capture; snapshot_state after
#   write_readme ...; pkp_finish

set -o pipefail

PKP_LIB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PKP_SAMPLES_DIR="$(cd "$PKP_LIB_DIR/.." && pwd)"
PKP_BUNDLES_DIR="$PKP_SAMPLES_DIR/bundles"

PKP_PIDS=()
PKP_NSES=()
PKP_IPV6=0
PKP_CAPTURE_PID=""
PKP_TRACE_PID=""
PKP_NFTTRACE_PID=""

# Node addressing (override before make_uplink_ns if needed).
NODE_IP="${NODE_IP:-172.18.0.2}"
UPLINK_IP="${UPLINK_IP:-172.18.0.1}"
NODE_IP6="${NODE_IP6:-fd00:18::2}"
UPLINK_IP6="${UPLINK_IP6:-fd00:18::1}"
POD_CIDR="${POD_CIDR:-10.244.0.0/16}"
POD_GW="169.254.1.1"
POD_GW6="fe80::ecee:eeff:feee:eeee"

log() { printf '[%s %s] %s\n' "$(date -u +%H:%M:%S)" "${SCEN:-pkp}" "$*" >&2; }
die() { log "FATAL: $*"; exit 1; }

# pkp_init SCENARIO [ipv6]: prepares bundle and work dirs, the node namespace name, the trap.
pkp_init() {
  [ "$(id -u)" = 0 ] || die "must run as root"
  SCEN="$1"
  [[ "$SCEN" =~ ^[a-z0-9-]+$ ]] || die "bad scenario name $SCEN"
  [ "${2:-}" = ipv6 ] && PKP_IPV6=1
  TAG="${PKP_TAG:-$SCEN}"
  NODE_NS="pkp-$TAG-node"
  BUNDLE="$PKP_BUNDLES_DIR/$SCEN"
  WORK="$(mktemp -d "/tmp/pkp-$SCEN.XXXXXX")"
  rm -rf "$BUNDLE"; mkdir -p "$BUNDLE"
  : > "$BUNDLE/scenario.env"
  trap pkp_cleanup EXIT
  trap 'exit 130' INT TERM
  # Stale namespaces of an earlier aborted run of THIS scenario only.
  local ns
  for ns in $(ip netns list | awk '{print $1}' | grep -E "^pkp-$TAG-" || true); do
    ip netns del "$ns" 2>/dev/null || true
  done
  env_put SCENARIO "$SCEN"
  log "bundle $BUNDLE, work $WORK"
}

# pkp_cleanup: kill only the PIDs this script started, delete only its namespaces.
pkp_cleanup() {
  local rc=$? pid ns
  for pid in "${PKP_PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${PKP_PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  for ns in "${PKP_NSES[@]}"; do
    ip netns del "$ns" 2>/dev/null || true
  done
  if ip netns list | grep -q "^pkp-$TAG-"; then
    log "WARNING: namespaces left: $(ip netns list | grep "^pkp-$TAG-" | tr '\n' ' ')"
  fi
  [ -n "${WORK:-}" ] && [ -z "${PKP_KEEP_WORK:-}" ] && rm -rf "$WORK"
  return $rc
}

# pkp_bg LABEL CMD...: run CMD in the background (stdout/stderr to $WORK/LABEL.{out,err}),
# remember its PID in PKP_PIDS and in PKP_LAST_PID (do not call it inside $(...)).
pkp_bg() {
  local label="$1"; shift
  "$@" > "$WORK/$label.out" 2> "$WORK/$label.err" &
  PKP_LAST_PID=$!
  PKP_PIDS+=("$PKP_LAST_PID")
}

# stop_pid PID [SIG]: stop one PID we started and wait for it.
stop_pid() {
  local pid="$1" sig="${2:-TERM}"
  [ -n "$pid" ] || return 0
  kill -"$sig" "$pid" 2>/dev/null || true
  local i
  for i in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

env_put() { printf '%s=%s\n' "$1" "$2" >> "$BUNDLE/scenario.env"; }

nsx() { local ns="$1"; shift; ip netns exec "$ns" "$@"; }
# pod_ns NAME -> namespace name of pod NAME
pod_ns() { echo "pkp-$TAG-$1"; }
# host_if NAME -> node-side veth name of pod NAME (Calico style: cali + 11 hex chars)
host_if() { echo "cali$(printf '%s' "$1" | md5sum | cut -c1-11)"; }

# new_ns NAME: create a namespace with lo up; IPv6 off unless the scenario is IPv6.
new_ns() {
  local ns="$1"
  [[ "$ns" == pkp-* ]] || die "namespace $ns must start with pkp-"
  ip netns add "$ns" || die "cannot create $ns"
  PKP_NSES+=("$ns")
  ip -n "$ns" link set lo up
  if [ "$PKP_IPV6" = 1 ]; then
    nsx "$ns" sysctl -qw net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.accept_dad=0 \
      net.ipv6.conf.default.router_solicitations=0 net.ipv6.conf.all.router_solicitations=0 >/dev/null
  else
    nsx "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 >/dev/null
  fi
}

# make_node_ns: the Kubernetes node (routing, forwarding, the kube-proxy rules).
make_node_ns() {
  new_ns "$NODE_NS"
  nsx "$NODE_NS" sysctl -qw net.ipv4.ip_forward=1 >/dev/null
  [ "$PKP_IPV6" = 1 ] && nsx "$NODE_NS" sysctl -qw net.ipv6.conf.all.forwarding=1 >/dev/null
  env_put NODE_NS "$NODE_NS"
}

# make_uplink_ns: the outside world. Node eth0 NODE_IP/24 <-> uplink eth0 UPLINK_IP/24;
# node default route via the uplink (needed for proxy_arp), uplink default route back.
make_uplink_ns() {
  UPLINK_NS="pkp-$TAG-up"
  new_ns "$UPLINK_NS"
  ip -n "$NODE_NS" link add eth0 type veth peer name eth0 netns "$UPLINK_NS"
  ip -n "$NODE_NS" addr add "$NODE_IP/24" dev eth0
  ip -n "$UPLINK_NS" addr add "$UPLINK_IP/24" dev eth0
  ip -n "$NODE_NS" link set eth0 up
  ip -n "$UPLINK_NS" link set eth0 up
  ip -n "$NODE_NS" route add default via "$UPLINK_IP" dev eth0
  ip -n "$UPLINK_NS" route add default via "$NODE_IP" dev eth0
  if [ "$PKP_IPV6" = 1 ]; then
    ip -n "$NODE_NS" addr add "$NODE_IP6/64" dev eth0 nodad
    ip -n "$UPLINK_NS" addr add "$UPLINK_IP6/64" dev eth0 nodad
    ip -n "$NODE_NS" -6 route add default via "$UPLINK_IP6" dev eth0
    ip -n "$UPLINK_NS" -6 route add default via "$NODE_IP6" dev eth0
  fi
  env_put UPLINK_NS "$UPLINK_NS"
  env_put NODE_IP "$NODE_IP"
  env_put UPLINK_IP "$UPLINK_IP"
  [ "$PKP_IPV6" = 1 ] && { env_put NODE_IP6 "$NODE_IP6"; env_put UPLINK_IP6 "$UPLINK_IP6"; }
  return 0
}

# add_pod NAME IPV4 [IPV6]: Calico-style pod. Pod eth0 has IPV4/32 (+IPV6/128), default via
# 169.254.1.1 onlink (IPv6: via fe80::ecee:eeff:feee:eeee); node side cali<hex> has MAC
# ee:ee:ee:ee:ee:ee, proxy_arp=1 with proxy_delay=0 (as Calico sets), no address, a /32 route.
add_pod() {
  local name="$1" ip4="$2" ip6="${3:-}" ns hif upname
  ns="$(pod_ns "$name")"; hif="$(host_if "$name")"
  new_ns "$ns"
  ip -n "$NODE_NS" link add "$hif" type veth peer name eth0 netns "$ns"
  ip -n "$NODE_NS" link set "$hif" address ee:ee:ee:ee:ee:ee
  nsx "$NODE_NS" sysctl -qw "net.ipv4.conf.$hif.proxy_arp=1" "net.ipv4.neigh.$hif.proxy_delay=0" >/dev/null
  ip -n "$NODE_NS" link set "$hif" up
  ip -n "$ns" link set eth0 up
  ip -n "$ns" addr add "$ip4/32" dev eth0
  ip -n "$ns" route add default via "$POD_GW" dev eth0 onlink
  ip -n "$NODE_NS" route add "$ip4/32" dev "$hif" scope link
  if [ -n "$ip6" ]; then
    ip -n "$ns" addr add "$ip6/128" dev eth0 nodad
    ip -n "$ns" -6 route add default via "$POD_GW6" dev eth0
    ip -n "$NODE_NS" -6 route add "$ip6/128" dev "$hif"
  fi
  upname="$(echo "$name" | tr 'a-z-' 'A-Z_')"
  env_put "POD_${upname}_NS" "$ns"
  env_put "POD_${upname}_IP" "$ip4"
  [ -n "$ip6" ] && env_put "POD_${upname}_IP6" "$ip6"
  env_put "POD_${upname}_HOSTIF" "$hif"
  return 0
}

# make_bridge BR ADDR/LEN: optional Linux bridge in the node ns (kubenet/docker style).
make_bridge() {
  local br="$1" addr="$2"
  ip -n "$NODE_NS" link add "$br" type bridge
  ip -n "$NODE_NS" addr add "$addr" dev "$br"
  ip -n "$NODE_NS" link set "$br" up
  env_put BRIDGE "$br"
}

# add_bridge_pod NAME IPV4/LEN GW BR [hairpin]: pod whose veth is a port of bridge BR.
add_bridge_pod() {
  local name="$1" addr="$2" gw="$3" br="$4" hp="${5:-}" ns hif
  ns="$(pod_ns "$name")"; hif="veth$(printf '%s' "$name" | md5sum | cut -c1-8)"
  new_ns "$ns"
  ip -n "$NODE_NS" link add "$hif" type veth peer name eth0 netns "$ns"
  ip -n "$NODE_NS" link set "$hif" master "$br" up
  [ "$hp" = hairpin ] && ip -n "$NODE_NS" link set "$hif" type bridge_slave hairpin on
  ip -n "$ns" link set eth0 up
  ip -n "$ns" addr add "$addr" dev eth0
  ip -n "$ns" route add default via "$gw" dev eth0
  local upname; upname="$(echo "$name" | tr 'a-z-' 'A-Z_')"
  env_put "POD_${upname}_NS" "$ns"
  env_put "POD_${upname}_IP" "${addr%/*}"
  env_put "POD_${upname}_HOSTIF" "$hif"
}

# ---------------------------------------------------------------- rules and counters

# load_rules FILE: iptables-restore FILE in the node ns, then TRACE on top of raw PREROUTING and
# raw OUTPUT so that every packet is traced.
load_rules() {
  nsx "$NODE_NS" iptables-restore < "$1" || die "iptables-restore $1 failed"
  nsx "$NODE_NS" iptables -t raw -I PREROUTING 1 -j TRACE
  nsx "$NODE_NS" iptables -t raw -I OUTPUT 1 -j TRACE
}

# load_empty_filter: for a scenario whose rules are all in a native nft table, iptables' filter table without rules
# (kept as rules-input.txt), loaded with load_rules so that raw's TRACE rules still trace every packet.
load_empty_filter() {
  printf '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n' > "$WORK/rules.v4"
  cp "$WORK/rules.v4" "$BUNDLE/rules-input.txt"
  load_rules "$WORK/rules.v4"
}

# load_rules6 FILE: the same with ip6tables-restore.
load_rules6() {
  nsx "$NODE_NS" ip6tables-restore < "$1" || die "ip6tables-restore $1 failed"
  nsx "$NODE_NS" ip6tables -t raw -I PREROUTING 1 -j TRACE
  nsx "$NODE_NS" ip6tables -t raw -I OUTPUT 1 -j TRACE
}

# ---------------------------------------------------------------- Docker 29's nftables firewall backend
# The docker-nftables* scenarios write `table ip|ip6 docker-bridges` in the shape of moby's
# daemon/libnetwork/drivers/bridge/internal/nftabler (its TestNftabler golden files), every rule with a counter.

# docker_nft_chain NAME [RULES...]: a regular chain of the table, each argument one rule or several on their own lines
# (empty arguments add nothing), after a blank line.
docker_nft_chain() {
  local name="$1" rules; shift
  printf '\n\tchain %s {\n' "$name"
  for rules in "$@"; do [ -n "$rules" ] && printf '%s\n' "$rules" | sed 's/^/\t\t/'; done
  printf '\t}\n'
}

# docker_nft_table FAMILY USERLAND_PROXY BRIDGES PREROUTING_AND_OUTPUT RAW: the opening of `table FAMILY docker-bridges`
# (nftabler.go): the four ifname verdict maps jumping to the chains of each bridge in BRIDGES (space separated; none
# leaves them empty), the base chains filter-FORWARD, nat-OUTPUT (USERLAND_PROXY `on` skips loopback destinations, `off`
# does not: hairpin NAT; nft 1.0.6 refuses `priority dstnat` on the output hook, so -100), nat-POSTROUTING and
# nat-PREROUTING, then nat-prerouting-and-output holding the rules PREROUTING_AND_OUTPUT and raw-PREROUTING holding RAW
# (one rule a line). The caller adds each network's chains (docker_nft_network) and the table's closing brace.
docker_nft_table() {
  local fam="$1" proxy="$2" bridges="$3" dnat="$4" raw="$5" map br first skip
  case "$fam:$proxy" in
    ip:on) skip='ip daddr != 127.0.0.0/8 ' ;; ip6:on) skip='ip6 daddr != ::1 ' ;; ip:off|ip6:off) skip='' ;;
    *) die "docker_nft_table: family $fam, userland-proxy $proxy" ;;
  esac
  printf 'table %s docker-bridges {\n' "$fam"
  for map in filter-forward-in filter-forward-out nat-postrouting-in nat-postrouting-out; do
    [ "$map" = filter-forward-in ] || printf '\n'
    printf '\tmap %s-jumps {\n\t\ttype ifname : verdict\n' "$map"
    first=1
    for br in $bridges; do
      if [ "$first" = 1 ]; then printf '\t\telements = { '; first=0; else printf ',\n\t\t\t     '; fi
      printf '"%s" : jump %s__%s' "$br" "$map" "$br"
    done
    [ "$first" = 1 ] || printf ' }\n'
    printf '\t}\n'
  done
  docker_nft_chain filter-FORWARD 'type filter hook forward priority filter; policy accept;' \
    'oifname vmap @filter-forward-in-jumps' 'iifname vmap @filter-forward-out-jumps'
  docker_nft_chain nat-OUTPUT 'type nat hook output priority -100; policy accept;' \
    "${skip}fib daddr type local counter packets 0 bytes 0 jump nat-prerouting-and-output"
  docker_nft_chain nat-POSTROUTING 'type nat hook postrouting priority srcnat; policy accept;' \
    'iifname vmap @nat-postrouting-out-jumps' 'oifname vmap @nat-postrouting-in-jumps'
  docker_nft_chain nat-PREROUTING 'type nat hook prerouting priority dstnat; policy accept;' \
    'fib daddr type local counter packets 0 bytes 0 jump nat-prerouting-and-output'
  docker_nft_chain nat-prerouting-and-output "$dnat"
  docker_nft_chain raw-PREROUTING 'type filter hook prerouting priority raw; policy accept;' "$raw"
}

# docker_nft_direct FAMILY ADDRESS BRIDGE: raw-PREROUTING's rule for one endpoint (endpoint.go): a packet for the
# container's ADDRESS that does not come from its BRIDGE is dropped.
docker_nft_direct() {
  printf '%s daddr %s iifname != "%s" counter packets 0 bytes 0 drop comment "DROP DIRECT ACCESS"\n' "$1" "$2" "$3"
}

# docker_nft_network BRIDGE IN OUT NAT_IN NAT_OUT: the four chains of one network (network.go): filter-forward-in__BRIDGE
# and filter-forward-out__BRIDGE, each `ct state established,related counter accept` then IN / OUT, and
# nat-postrouting-in__BRIDGE and nat-postrouting-out__BRIDGE holding NAT_IN / NAT_OUT (one rule a line, empty for none).
docker_nft_network() {
  local ct='ct state established,related counter packets 0 bytes 0 accept'
  docker_nft_chain "filter-forward-in__$1" "$ct" "$2"
  docker_nft_chain "filter-forward-out__$1" "$ct" "$3"
  docker_nft_chain "nat-postrouting-in__$1" "$4"
  docker_nft_chain "nat-postrouting-out__$1" "$5"
}

# docker_nft_bridge BRIDGE SADDR PUBLISHED [NAT_IN [ICC [GATEWAY_MODE [HOST_IP]]]]: docker_nft_network for a NAT network:
# containers of the bridge may talk to each other (`iifname BRIDGE counter ICC comment "ICC"`, ICC accept unless given
# drop: --icc=false), the accepts of PUBLISHED ports (port.go), then `counter drop comment "UNPUBLISHED PORT DROP"`, or
# with GATEWAY_MODE nat-unprotected (gateway_mode_ipv4=nat-unprotected; no per-port accepts then) `counter accept
# comment "UNPROTECTED"`; all egress accepted ("OUTGOING"); NAT_IN in nat-postrouting-in; egress from SADDR (`ip saddr
# 172.17.0.0/16`) leaving by another device masqueraded, or with HOST_IP (`-o com.docker.network.host_ipv4=HOST_IP`)
# `snat to HOST_IP comment "SNAT"` (network.go).
docker_nft_bridge() {
  local br="$1" saddr="$2" published="$3" nat_in="${4:-}" icc="${5:-accept}" final nat='masquerade comment "MASQUERADE"'
  [ -n "${7:-}" ] && nat="snat to $7 comment \"SNAT\""
  case "${6:-nat}" in
    nat) final='counter packets 0 bytes 0 drop comment "UNPUBLISHED PORT DROP"' ;;
    nat-unprotected) final='counter packets 0 bytes 0 accept comment "UNPROTECTED"' ;;
    *) die "docker_nft_bridge: gateway mode $6" ;;
  esac
  docker_nft_network "$br" "iifname \"$br\" counter packets 0 bytes 0 $icc comment \"ICC\"${published:+
$published}
$final" 'counter packets 0 bytes 0 accept comment "OUTGOING"' "$nat_in" \
    "oifname != \"$br\" $saddr counter packets 0 bytes 0 $nat"
}

# docker_nft_load FILE: Docker's tables in FILE loaded (b_nft_load of lib-extra.sh: kept as nft-input.txt), then iptables'
# empty raw table (kept as rules-input.txt) with its TRACE rules, and ip6tables' too in an IPv6 scenario. iptables comes
# after Docker's table: of two hooks of the same priority (raw, -300) the kernel runs the one registered last first
# (nf_hook_entries_grow inserts before an equal priority), so raw's TRACE rule runs before Docker's raw-PREROUTING and
# the packets DROP DIRECT ACCESS drops are traced too. iptables holds nothing of Docker's.
docker_nft_load() {
  b_nft_load "$1"
  printf '*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n' > "$WORK/rules.raw"
  cp "$WORK/rules.raw" "$BUNDLE/rules-input.txt"
  load_rules "$WORK/rules.raw"
  if [ "$PKP_IPV6" = 1 ]; then load_rules6 "$WORK/rules.raw"; fi
}

# docker_nft_after: the end of a docker-nftables* scenario's traffic: trace and capture stopped, the state after, the
# ruleset with Docker's counters (`nft [-j] -a list ruleset` into nft-ruleset.txt and nft-ruleset.json) and the probe
# log (b_keep_probes of lib-extra.sh) kept.
docker_nft_after() {
  stop_trace; stop_capture
  snapshot_state after
  nsx "$NODE_NS" nft -a list ruleset > "$BUNDLE/nft-ruleset.txt"
  nsx "$NODE_NS" nft -j -a list ruleset > "$BUNDLE/nft-ruleset.json"
  b_keep_probes
}

# zero_counters: iptables -Z on every table present (and ip6tables for IPv6 scenarios).
zero_counters() {
  local t
  for t in $(nsx "$NODE_NS" iptables-save | sed -n 's/^\*//p'); do
    nsx "$NODE_NS" iptables -t "$t" -Z
  done
  for t in $(nsx "$NODE_NS" ip6tables-save | sed -n 's/^\*//p'); do
    nsx "$NODE_NS" ip6tables -t "$t" -Z
  done
}

# strip_save_comments: drop the "# Generated/Completed" lines that carry wall-clock times.
strip_save_comments() { grep -v '^# \(Generated\|Completed\) ' || true; }

# ---------------------------------------------------------------- capture and trace

# start_capture: tcpdump -i any -U in the node ns into $BUNDLE/capture.pcap; waits for "listening".
start_capture() {
  pkp_bg tcpdump ip netns exec "$NODE_NS" tcpdump -i any -U -n -s 262144 -w "$BUNDLE/capture.pcap"; PKP_CAPTURE_PID=$PKP_LAST_PID
  local i
  for i in $(seq 1 50); do grep -q listening "$WORK/tcpdump.err" 2>/dev/null && break; sleep 0.1; done
  grep -q listening "$WORK/tcpdump.err" || die "tcpdump did not start: $(cat "$WORK/tcpdump.err")"
  sleep 0.3
}

# stop_capture: let tcpdump flush, then SIGINT its PID.
stop_capture() {
  sleep 1
  stop_pid "$PKP_CAPTURE_PID" INT
  PKP_CAPTURE_PID=""
  grep -E 'packets (captured|received|dropped)' "$WORK/tcpdump.err" | sed 's/^/tcpdump: /' >&2 || true
}

# start_trace: xtables-monitor --trace (and nft monitor trace for IPv6 scenarios) in the node ns.
start_trace() {
  pkp_bg xtmon ip netns exec "$NODE_NS" xtables-monitor --trace; PKP_TRACE_PID=$PKP_LAST_PID
  if [ "$PKP_IPV6" = 1 ] || [ "${1:-}" = nft ]; then
    pkp_bg nfttrace ip netns exec "$NODE_NS" nft monitor trace; PKP_NFTTRACE_PID=$PKP_LAST_PID
  fi
  sleep 0.7
  kill -0 "$PKP_TRACE_PID" 2>/dev/null || die "xtables-monitor died: $(cat "$WORK/xtmon.err")"
}

# trace_alive: true while xtables-monitor still runs (it exits on ENOBUFS in bursts).
trace_alive() { kill -0 "$PKP_TRACE_PID" 2>/dev/null; }

# stop_trace: stop the monitors, copy their output into the bundle, note whether the trace ran
# through the whole window (TRACE_COMPLETE=yes|no in scenario.env).
stop_trace() {
  sleep 0.5
  if trace_alive; then env_put TRACE_COMPLETE yes; else
    env_put TRACE_COMPLETE no; log "WARNING: xtables-monitor exited early: $(cat "$WORK/xtmon.err")"; fi
  stop_pid "$PKP_TRACE_PID" TERM; PKP_TRACE_PID=""
  cp "$WORK/xtmon.out" "$BUNDLE/trace.txt"
  if [ -n "$PKP_NFTTRACE_PID" ]; then
    stop_pid "$PKP_NFTTRACE_PID" TERM; PKP_NFTTRACE_PID=""
    cp "$WORK/nfttrace.out" "$BUNDLE/nft-trace.txt"
  fi
}

# ---------------------------------------------------------------- state snapshots

SYSCTL_RE='^(net\.ipv4\.ip_forward|net\.ipv4\.conf\.[^.]+\.(rp_filter|forwarding|route_localnet|accept_local|proxy_arp|src_valid_mark|send_redirects|shared_media)|net\.ipv6\.conf\.all\.forwarding|net\.netfilter\.nf_conntrack_(tcp_loose|tcp_be_liberal|udp_timeout|udp_timeout_stream|max|count)|net\.bridge\.bridge-nf-call-ip6?tables) = '

# snapshot_state before|after: write the bundle files of the recording conventions.
#   before: iptables-save.txt, ip6tables-save.txt (rules as loaded, incl. TRACE), zero counters,
#           iptables-save-c-before.txt (+ ip6 for IPv6), conntrack-L-before.txt (if non-empty),
#           conntrack-S-before.txt.
#   after:  *-c-after.txt, ip-*.txt (ip-d-link.txt: bridge ports' hairpin mode), ip-j-*.json, sysctl.txt, conntrack-L.txt, conntrack-S.txt,
#           uname.txt, nft-ruleset.txt (IPv6), NODE_NS_IFACES in scenario.env.
snapshot_state() {
  local b="$BUNDLE" n="$NODE_NS"
  case "$1" in
    before)
      nsx "$n" iptables-save | strip_save_comments > "$b/iptables-save.txt"
      nsx "$n" ip6tables-save | strip_save_comments > "$b/ip6tables-save.txt"
      zero_counters
      nsx "$n" iptables-save -c | strip_save_comments > "$b/iptables-save-c-before.txt"
      [ "$PKP_IPV6" = 1 ] && nsx "$n" ip6tables-save -c | strip_save_comments > "$b/ip6tables-save-c-before.txt"
      nsx "$n" conntrack -L > "$WORK/ct-before" 2>/dev/null || true
      [ -s "$WORK/ct-before" ] && cp "$WORK/ct-before" "$b/conntrack-L-before.txt"
      nsx "$n" conntrack -S > "$b/conntrack-S-before.txt" 2>/dev/null || true
      ;;
    after)
      nsx "$n" iptables-save -c | strip_save_comments > "$b/iptables-save-c-after.txt"
      [ "$PKP_IPV6" = 1 ] && nsx "$n" ip6tables-save -c | strip_save_comments > "$b/ip6tables-save-c-after.txt"
      nsx "$n" ip addr > "$b/ip-addr.txt"
      nsx "$n" ip link > "$b/ip-link.txt"
      nsx "$n" ip -d link > "$b/ip-d-link.txt"
      nsx "$n" ip -j -d link > "$b/ip-j-d-link.json"
      nsx "$n" ip route show table all > "$b/ip-route.txt"
      nsx "$n" ip -6 route show table all > "$b/ip-6-route.txt"
      nsx "$n" ip rule > "$b/ip-rule.txt"
      nsx "$n" ip -6 rule > "$b/ip-6-rule.txt"
      nsx "$n" ip neigh > "$b/ip-neigh.txt"
      nsx "$n" ip -j addr > "$b/ip-j-addr.json"
      nsx "$n" ip -j route show table all > "$b/ip-j-route.json"
      nsx "$n" ip -j rule > "$b/ip-j-rule.json"
      nsx "$n" ip -j -6 rule > "$b/ip-j-6-rule.json"
      nsx "$n" sysctl -a 2>/dev/null | grep -E "$SYSCTL_RE" | sort > "$b/sysctl.txt" || true
      nsx "$n" conntrack -L 2>/dev/null | sort > "$b/conntrack-L.txt" || true
      nsx "$n" conntrack -S > "$b/conntrack-S.txt" 2>/dev/null || true
      [ "$PKP_IPV6" = 1 ] && nsx "$n" nft -a list ruleset > "$b/nft-ruleset.txt"
      uname -r > "$b/uname.txt"
      env_put NODE_NS_IFACES "$(nsx "$n" ip -o link | awk -F': ' '{sub(/@.*/,"",$2); printf "%s%s:%s", sep, $1, $2; sep=" "}')"
      # Frame listing, decoded inside the node ns so that SLL2 ifindexes map to its interfaces.
      if [ -s "$b/capture.pcap" ]; then
        nsx "$n" tcpdump -r "$b/capture.pcap" -n -# -tt 2>/dev/null > "$WORK/frames.txt" || true
      fi
      ;;
    *) die "snapshot_state before|after" ;;
  esac
}

# ---------------------------------------------------------------- traffic helpers (bounded)

# Python helpers: each has its own hard time limit, and is also wrapped in `timeout`.
PY_TCP_SERVER='
import socket, sys, time, os
ident, port, life, fam = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
af = socket.AF_INET6 if fam == "6" else socket.AF_INET
s = socket.socket(af, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("::" if fam == "6" else "0.0.0.0", port)); s.listen(64); s.settimeout(0.5)
print("ready", flush=True)
end = time.time() + life
while time.time() < end:
    try:
        c, peer = s.accept()
    except socket.timeout:
        continue
    c.settimeout(3)
    try:
        data = c.recv(4096)
        c.sendall(("%s:%s" % (ident, data.decode(errors="replace"))).encode())
        print("accepted %s:%d -> %s:%d %r" % (peer[0], peer[1], c.getsockname()[0], c.getsockname()[1], data), flush=True)
    except OSError as e:
        print("error %s %s" % (peer, e), flush=True)
    c.close()
'
PY_TCP_CLIENT='
import socket, sys
dst, port, payload, tmo, fam = sys.argv[1], int(sys.argv[2]), sys.argv[3], float(sys.argv[4]), sys.argv[5]
af = socket.AF_INET6 if fam == "6" else socket.AF_INET
s = socket.socket(af, socket.SOCK_STREAM); s.settimeout(tmo)
try:
    s.connect((dst, port))
    sp = s.getsockname()[1]
    s.sendall(payload.encode())
    buf = b""
    while True:
        d = s.recv(4096)
        if not d: break
        buf += d
    s.close()
    print("sport=%d reply=%s" % (sp, buf.decode(errors="replace")))
except OSError as e:
    print("error=%s" % (e.__class__.__name__ + ":" + str(e)))
    sys.exit(1)
'
PY_UDP_SERVER='
import socket, sys, time
ident, port, life, fam = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
af = socket.AF_INET6 if fam == "6" else socket.AF_INET
s = socket.socket(af, socket.SOCK_DGRAM)
s.bind(("::" if fam == "6" else "0.0.0.0", port)); s.settimeout(0.5)
print("ready", flush=True)
end = time.time() + life
while time.time() < end:
    try:
        data, peer = s.recvfrom(4096)
    except socket.timeout:
        continue
    s.sendto(("%s:%s" % (ident, data.decode(errors="replace"))).encode(), peer)
    print("datagram %s:%d %r" % (peer[0], peer[1], data), flush=True)
'
PY_UDP_CLIENT='
import socket, sys, time
dst, port, tmo, fam = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
payloads = sys.argv[5:]
af = socket.AF_INET6 if fam == "6" else socket.AF_INET
s = socket.socket(af, socket.SOCK_DGRAM); s.settimeout(tmo)
s.connect((dst, port))
sp = s.getsockname()[1]
for p in payloads:
    try:
        s.send(p.encode())
    except OSError as e:
        print("sport=%d send-error=%s" % (sp, e)); continue
replies = []
end = time.time() + tmo
while len(replies) < len(payloads) and time.time() < end:
    try:
        replies.append(s.recv(4096).decode(errors="replace"))
    except socket.timeout:
        break
    except OSError as e:
        replies.append("error=" + e.__class__.__name__); break
print("sport=%d replies=%s" % (sp, "|".join(replies) if replies else "none"))
'

# fam_of ADDR -> 6 or 4
fam_of() { case "$1" in *:*) echo 6 ;; *) echo 4 ;; esac; }

# tcp_server POD PORT [LIFE] [4|6]: background TCP server in pod POD answering "POD:<payload>".
tcp_server() {
  local pod="$1" port="$2" life="${3:-60}" fam="${4:-4}" pid i
  pkp_bg "tcpsrv-$pod-$port" timeout "$((${life%.*} + 5))" ip netns exec "$(pod_ns "$pod")" \
    python3 -u -c "$PY_TCP_SERVER" "$pod" "$port" "$life" "$fam"
  for i in $(seq 1 50); do grep -q ready "$WORK/tcpsrv-$pod-$port.out" 2>/dev/null && return 0; sleep 0.1; done
  die "tcp server $pod:$port did not start: $(cat "$WORK/tcpsrv-$pod-$port.err")"
}

# udp_server POD PORT [LIFE] [4|6]: background UDP server answering "POD:<payload>".
udp_server() {
  local pod="$1" port="$2" life="${3:-60}" fam="${4:-4}" pid i
  pkp_bg "udpsrv-$pod-$port" timeout "$((${life%.*} + 5))" ip netns exec "$(pod_ns "$pod")" \
    python3 -u -c "$PY_UDP_SERVER" "$pod" "$port" "$life" "$fam"
  for i in $(seq 1 50); do grep -q ready "$WORK/udpsrv-$pod-$port.out" 2>/dev/null && return 0; sleep 0.1; done
  die "udp server $pod:$port did not start: $(cat "$WORK/udpsrv-$pod-$port.err")"
}

# tcp_connect NS DST PORT PAYLOAD [TIMEOUT]: one TCP connection (handshake, data, FIN) from
# namespace NS (a full namespace name, or a pod name); prints "sport=N reply=..." or "error=...".
tcp_connect() {
  local ns; ns="$(resolve_ns "$1")"
  local tmo="${5:-3}"
  timeout "$((${tmo%.*} + 2))" ip netns exec "$ns" python3 -c "$PY_TCP_CLIENT" "$2" "$3" "$4" "$tmo" "$(fam_of "$2")"
}

# udp_request NS DST PORT TIMEOUT PAYLOAD...: send the datagrams from ONE socket back to back,
# then collect replies; prints "sport=N replies=a|b" or "replies=none".
udp_request() {
  local ns; ns="$(resolve_ns "$1")"
  local dst="$2" port="$3" tmo="$4"; shift 4
  timeout "$((${tmo%.*} + 2))" ip netns exec "$ns" python3 -c "$PY_UDP_CLIENT" "$dst" "$port" "$tmo" "$(fam_of "$dst")" "$@"
}

# ping_from NS DST COUNT: bounded ping (0.2 s apart, 1 s wait).
ping_from() {
  local ns; ns="$(resolve_ns "$1")"
  timeout "$(( $3 + 3 ))" ip netns exec "$ns" ping -n -c "$3" -i 0.2 -W 1 "$2" || true
}

# resolve_ns NAME: pod name or full namespace name -> namespace name.
resolve_ns() {
  case "$1" in pkp-*) echo "$1" ;; node) echo "$NODE_NS" ;; up|uplink) echo "pkp-$TAG-up" ;; *) pod_ns "$1" ;; esac
}

# ---------------------------------------------------------------- verification and README

# nonzero_rules FILE: "-A" rules of an iptables-save -c file whose packet counter is > 0,
# printed as "table pkts -A ...".
nonzero_rules() {
  awk '/^\*/{t=substr($0,2)} /^\[[0-9]+:[0-9]+\] -A/{split(substr($1,2),c,":"); if (c[1]+0>0){$1=""; print t, c[1] $0}}' "$1"
}

# rule_count FILE PATTERN: packet counter of the first -A rule containing PATTERN (grep -F).
rule_count() {
  grep -F -- "$2" "$1" | grep -m1 '^\[' | sed 's/^\[\([0-9]*\):.*/\1/'
}

# check_bundle: the capture has frames, trace.txt has PACKET:/TRACE: lines, counters moved.
check_bundle() {
  local b="$BUNDLE" nframes npkt ntr nrules size
  nframes=$(wc -l < "$WORK/frames.txt" 2>/dev/null || echo 0)
  npkt=$(grep -c '^PACKET:' "$b/trace.txt" || true)
  ntr=$(grep -c '^ TRACE:' "$b/trace.txt" || true)
  nrules=$(cat "$b/iptables-save-c-after.txt" "$b/ip6tables-save-c-after.txt" 2>/dev/null > "$WORK/allc.txt"; nonzero_rules "$WORK/allc.txt" | grep -vc 'TRACE' || true)
  size=$(( $(du -sb "$b" | cut -f1) / 1024 ))
  log "check: frames=$nframes PACKET=$npkt TRACE=$ntr nonzero-rules(excl TRACE)=$nrules size=${size}KB"
  env_put CAPTURE_FRAMES "$nframes"
  env_put TRACE_PACKET_LINES "$npkt"
  [ "$nframes" -gt 0 ] || die "capture is empty"
  [ "$npkt" -gt 0 ] && [ "$ntr" -gt 0 ] || die "trace has no PACKET/TRACE lines"
  [ "$size" -lt 200 ] || log "WARNING: bundle is ${size}KB (>200KB)"
}

# readme_facts: generic "what the kernel did" facts: non-zero counters, conntrack, frames.
readme_facts() {
  local b="$BUNDLE"
  echo "### Rule counters that moved (iptables-save-c-after.txt, zeroed right before the traffic)"
  echo
  echo '```'
  nonzero_rules "$b/iptables-save-c-after.txt" | grep -v -- '-j TRACE$'
  echo '```'
  if [ -f "$b/ip6tables-save-c-after.txt" ]; then
    echo; echo "### ip6tables counters that moved"; echo; echo '```'
    nonzero_rules "$b/ip6tables-save-c-after.txt" | grep -v -- '-j TRACE$'; echo '```'
  fi
  echo
  echo "### NAT per conntrack entry (from conntrack-L.txt)"
  echo
  ct_ledger "$b/conntrack-L.txt" > "$WORK/ledger.txt"
  head -40 "$WORK/ledger.txt"
  [ "$(wc -l < "$WORK/ledger.txt")" -gt 40 ] && echo "- ... ($(wc -l < "$WORK/ledger.txt") entries in total)"
  echo
  echo "### Conntrack after the traffic (conntrack-L.txt)"
  echo
  echo '```'
  head -40 "$b/conntrack-L.txt"
  [ "$(wc -l < "$b/conntrack-L.txt")" -gt 40 ] && echo "... ($(wc -l < "$b/conntrack-L.txt") entries in total)"
  echo '```'
  echo
  echo "### Frames (tcpdump -r capture.pcap -n -# -tt, decoded in the node namespace)"
  echo
  echo '```'
  if [ "$(wc -l < "$WORK/frames.txt")" -le 80 ]; then cat "$WORK/frames.txt"; else
    head -60 "$WORK/frames.txt"; echo "... ($(wc -l < "$WORK/frames.txt") frames in total)"; fi
  echo '```'
}

# ct_ledger FILE: one line per conntrack entry saying which DNAT/SNAT the kernel applied.
ct_ledger() {
  python3 - "$1" <<'PYEOF'
import sys, re
for line in open(sys.argv[1]):
    f = line.split()
    if not f or f[0] not in ("tcp", "udp", "icmp", "icmpv6"):
        continue
    kv = [(m.group(1), m.group(2)) for m in re.finditer(r"(\w+)=(\S+)", line)]
    def take(key, n):
        return [v for k, v in kv if k == key][:n]
    src, dst = take("src", 2), take("dst", 2)
    sp, dp = take("sport", 2), take("dport", 2)
    state = f[3] if f[0] == "tcp" else ""
    flags = " ".join(x for x in f if x.startswith("["))
    fmt = lambda a, p: ("[%s]:%s" % (a, p) if ":" in a else "%s:%s" % (a, p)) if p else a
    o = "%s %s -> %s" % (f[0], fmt(src[0], sp[0] if sp else ""), fmt(dst[0], dp[0] if dp else ""))
    notes = []
    if len(src) > 1:
        rs, rd = fmt(src[1], sp[1] if len(sp) > 1 else ""), fmt(dst[1], dp[1] if len(dp) > 1 else "")
        if rs != fmt(dst[0], dp[0] if dp else ""):
            notes.append("DNAT to " + rs)
        if rd != fmt(src[0], sp[0] if sp else ""):
            notes.append("SNAT to " + rd)
    print("- %s: %s%s%s" % (o, ", ".join(notes) if notes else "no NAT", (" " + state) if state else "", (" " + flags) if flags else ""))
PYEOF
}

# topology_text: interfaces and addresses of every namespace of the scenario.
topology_text() {
  local ns
  for ns in "${PKP_NSES[@]}"; do
    echo "- \`$ns\`: $(nsx "$ns" ip -o addr show scope global | awk '{printf "%s %s; ", $2, $4}')$(nsx "$ns" ip -o link | awk -F': ' '$2!="lo"{sub(/@.*/,"",$2); printf "[%s:%s] ", $1, $2}')"
  done
}

# pkp_finish: uname, final listing; namespaces are removed by the trap.
pkp_finish() {
  check_bundle
  log "done: $(ls "$BUNDLE" | tr '\n' ' ')"
}

# ---------------------------------------------------------------- kube-proxy shaped rules
# Rules are written exactly in the shape kube-proxy (iptables mode, 1.28+) writes them, with its
# chain names: KUBE-SVC-/KUBE-SEP-/KUBE-EXT-/KUBE-SVL- + first 16 base32 chars of
# sha256(servicePortName + protocol [+ endpoint]).
#   kp_reset
#   kp_service NAME PROTO CLUSTERIP PORT NODEPORT|- cluster|local EP...   (EP = ip:port[@local])
#   kp_write_rules FILE          # filter + nat tables with the built-in jumps, ready for load_rules
# KP_HAIRPIN_MASQ=0 omits the "-s <endpoint>/32 -j KUBE-MARK-MASQ" rule of the KUBE-SEP chains.
# KP_FAMILY=6 writes IPv6 rules (ip6tables-restore input; addresses given without brackets).

KP_HAIRPIN_MASQ="${KP_HAIRPIN_MASQ:-1}"
# KP_AFFINITY_SECONDS=10800 writes sessionAffinity=ClientIP rules (-m recent --rcheck/--set).
KP_AFFINITY_SECONDS="${KP_AFFINITY_SECONDS:-}"
KP_FAMILY="${KP_FAMILY:-4}"

kp_hash() { # kp_hash PREFIX TEXT
  python3 -c 'import hashlib,base64,sys; print(sys.argv[1] + base64.b32encode(hashlib.sha256(sys.argv[2].encode()).digest()).decode()[:16])' "$1" "$2"
}

kp_reset() {
  local f
  for f in filter.chains filter.services filter.external filter.nodeports nat.chains nat.services nat.nodeports nat.rules nat.sep; do
    : > "$WORK/kp.$f"
  done
}

# kp_comment TEXT: kube-proxy quotes a comment only when it contains a space.
kp_comment() { case "$1" in *' '*) printf -- '-m comment --comment "%s"' "$1" ;; *) printf -- '-m comment --comment %s' "$1" ;; esac; }

# kp_dest IP PORT: DNAT destination text (IPv6 in brackets).
kp_dest() { case "$1" in *:*) printf '[%s]:%s' "$1" "$2" ;; *) printf '%s:%s' "$1" "$2" ;; esac; }

kp_service() {
  local name="$1" proto="$2" cip="$3" port="$4" np="$5" etp="$6"; shift 6
  local eps=("$@") l4 svc ext svl ep ip eport n i sep prob local_eps=() ;
  local reject="REJECT"
  l4="-m $proto -p $proto"
  svc="$(kp_hash KUBE-SVC- "$name$proto")"; ext="$(kp_hash KUBE-EXT- "$name$proto")"; svl="$(kp_hash KUBE-SVL- "$name$proto")"
  env_put "KP_SVC_$(echo "$name" | tr -c 'A-Za-z0-9\n' '_')" "$svc"
  n=${#eps[@]}
  if [ "$n" = 0 ]; then
    echo "-A KUBE-SERVICES $(kp_comment "$name has no endpoints") $l4 -d $cip --dport $port -j $reject" >> "$WORK/kp.filter.services"
    [ "$np" != - ] && echo "-A KUBE-EXTERNAL-SERVICES $(kp_comment "$name has no endpoints") -m addrtype --dst-type LOCAL $l4 --dport $np -j $reject" >> "$WORK/kp.filter.external"
    return 0
  fi
  echo ":$svc - [0:0]" >> "$WORK/kp.nat.chains"
  echo "-A KUBE-SERVICES $(kp_comment "$name cluster IP") $l4 -d $cip --dport $port -j $svc" >> "$WORK/kp.nat.services"
  echo "-A $svc $(kp_comment "$name cluster IP") $l4 -d $cip --dport $port ! -s $POD_CIDR -j KUBE-MARK-MASQ" >> "$WORK/kp.nat.rules"
  if [ -n "$KP_AFFINITY_SECONDS" ]; then
    for i in "${!eps[@]}"; do
      ep="${eps[$i]%@local}"; ip="${ep%:*}"; eport="${ep##*:}"
      sep="$(kp_hash KUBE-SEP- "$name$proto$(kp_dest "$ip" "$eport")")"
      echo "-A $svc $(kp_comment "$name -> $(kp_dest "$ip" "$eport")") -m recent --name $sep --rcheck --seconds $KP_AFFINITY_SECONDS --reap -j $sep" >> "$WORK/kp.nat.rules"
    done
  fi
  for i in "${!eps[@]}"; do
    ep="${eps[$i]%@local}"; [ "$ep" != "${eps[$i]}" ] && local_eps+=("$ep")
    ip="${ep%:*}"; eport="${ep##*:}"
    sep="$(kp_hash KUBE-SEP- "$name$proto$(kp_dest "$ip" "$eport")")"
    echo ":$sep - [0:0]" >> "$WORK/kp.nat.chains"
    env_put "KP_SEP_$(echo "$ip" | tr -c '0-9a-f\n' '_')" "$sep"
    if [ "$i" -lt $((n - 1)) ]; then
      prob="$(python3 -c "print('%.10f' % (1.0/$((n - i))))")"
      echo "-A $svc $(kp_comment "$name -> $(kp_dest "$ip" "$eport")") -m statistic --mode random --probability $prob -j $sep" >> "$WORK/kp.nat.rules"
    else
      echo "-A $svc $(kp_comment "$name -> $(kp_dest "$ip" "$eport")") -j $sep" >> "$WORK/kp.nat.rules"
    fi
    [ "$KP_HAIRPIN_MASQ" = 1 ] && echo "-A $sep $(kp_comment "$name") -s $ip -j KUBE-MARK-MASQ" >> "$WORK/kp.nat.sep"
    if [ -n "$KP_AFFINITY_SECONDS" ]; then
      echo "-A $sep $(kp_comment "$name") -m recent --name $sep --set $l4 -j DNAT --to-destination $(kp_dest "$ip" "$eport")" >> "$WORK/kp.nat.sep"
    else
      echo "-A $sep $(kp_comment "$name") $l4 -j DNAT --to-destination $(kp_dest "$ip" "$eport")" >> "$WORK/kp.nat.sep"
    fi
  done
  [ "$np" = - ] && return 0
  echo ":$ext - [0:0]" >> "$WORK/kp.nat.chains"
  echo "-A KUBE-NODEPORTS $(kp_comment "$name") $l4 --dport $np -j $ext" >> "$WORK/kp.nat.nodeports"
  if [ "$etp" = cluster ]; then
    echo "-A $ext $(kp_comment "masquerade traffic for $name external destinations") -j KUBE-MARK-MASQ" >> "$WORK/kp.nat.rules"
    echo "-A $ext -j $svc" >> "$WORK/kp.nat.rules"
    return 0
  fi
  echo "-A $ext $(kp_comment "pod traffic for $name external destinations") -s $POD_CIDR -j $svc" >> "$WORK/kp.nat.rules"
  echo "-A $ext $(kp_comment "masquerade LOCAL traffic for $name external destinations") -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ" >> "$WORK/kp.nat.rules"
  echo "-A $ext $(kp_comment "route LOCAL traffic for $name external destinations") -m addrtype --src-type LOCAL -j $svc" >> "$WORK/kp.nat.rules"
  if [ "${#local_eps[@]}" = 0 ]; then
    echo "-A KUBE-EXTERNAL-SERVICES $(kp_comment "$name has no local endpoints") -m addrtype --dst-type LOCAL $l4 --dport $np -j DROP" >> "$WORK/kp.filter.external"
    return 0
  fi
  echo "-A $ext -j $svl" >> "$WORK/kp.nat.rules"
  echo ":$svl - [0:0]" >> "$WORK/kp.nat.chains"
  n=${#local_eps[@]}
  for i in "${!local_eps[@]}"; do
    ep="${local_eps[$i]}"; ip="${ep%:*}"; eport="${ep##*:}"
    sep="$(kp_hash KUBE-SEP- "$name$proto$(kp_dest "$ip" "$eport")")"
    if [ "$i" -lt $((n - 1)) ]; then
      prob="$(python3 -c "print('%.10f' % (1.0/$((n - i))))")"
      echo "-A $svl $(kp_comment "$name -> $(kp_dest "$ip" "$eport")") -m statistic --mode random --probability $prob -j $sep" >> "$WORK/kp.nat.rules"
    else
      echo "-A $svl $(kp_comment "$name -> $(kp_dest "$ip" "$eport")") -j $sep" >> "$WORK/kp.nat.rules"
    fi
  done
}

# kp_write_rules FILE: assemble the filter and nat tables kube-proxy writes (built-in chain jumps,
# KUBE-FORWARD, KUBE-FIREWALL, KUBE-MARK-MASQ, KUBE-POSTROUTING with MASQUERADE --random-fully).
kp_write_rules() {
  local out="$1" lo="127.0.0.0/8"
  : > "$WORK/kp.nat.sep.tmp"; [ -f "$WORK/kp.nat.sep" ] && cat "$WORK/kp.nat.sep" > "$WORK/kp.nat.sep.tmp"
  {
    echo "*filter"
    echo ":INPUT ACCEPT [0:0]"; echo ":FORWARD ACCEPT [0:0]"; echo ":OUTPUT ACCEPT [0:0]"
    echo ":KUBE-EXTERNAL-SERVICES - [0:0]"
    [ "$KP_FAMILY" = 4 ] && echo ":KUBE-FIREWALL - [0:0]"
    echo ":KUBE-FORWARD - [0:0]"; echo ":KUBE-NODEPORTS - [0:0]"
    echo ":KUBE-PROXY-FIREWALL - [0:0]"; echo ":KUBE-SERVICES - [0:0]"
    echo '-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL'
    echo '-A INPUT -m comment --comment "kubernetes health check service ports" -j KUBE-NODEPORTS'
    echo '-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES'
    [ "$KP_FAMILY" = 4 ] && echo '-A INPUT -j KUBE-FIREWALL'
    echo '-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL'
    echo '-A FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD'
    echo '-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES'
    echo '-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES'
    echo '-A OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL'
    echo '-A OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES'
    [ "$KP_FAMILY" = 4 ] && echo '-A OUTPUT -j KUBE-FIREWALL'
    cat "$WORK/kp.filter.services" "$WORK/kp.filter.external" "$WORK/kp.filter.nodeports"
    [ "$KP_FAMILY" = 4 ] && echo "-A KUBE-FIREWALL ! -s $lo -d $lo -m comment --comment \"block incoming localnet connections\" -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP"
    echo '-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP'
    echo '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT'
    echo '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT'
    echo "COMMIT"
    echo "*nat"
    echo ":PREROUTING ACCEPT [0:0]"; echo ":INPUT ACCEPT [0:0]"; echo ":OUTPUT ACCEPT [0:0]"; echo ":POSTROUTING ACCEPT [0:0]"
    echo ":KUBE-MARK-MASQ - [0:0]"; echo ":KUBE-NODEPORTS - [0:0]"; echo ":KUBE-POSTROUTING - [0:0]"; echo ":KUBE-SERVICES - [0:0]"
    cat "$WORK/kp.nat.chains"
    echo '-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES'
    echo '-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES'
    echo '-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING'
    echo '-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000'
    echo '-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN'
    echo '-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000'
    echo '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully'
    cat "$WORK/kp.nat.services"
    if [ "$KP_FAMILY" = 4 ]; then
      echo '-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS'
    else
      echo '-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS'
    fi
    cat "$WORK/kp.nat.nodeports" "$WORK/kp.nat.rules" "$WORK/kp.nat.sep.tmp"
    echo "COMMIT"
  } > "$out"
  cp "$out" "$BUNDLE/rules-input.txt"
}

# start_extra_capture NS_OR_POD FILE_IN_BUNDLE [IFACE]: another tcpdump (e.g. inside a pod, to show
# what arrived there); sets PKP_LAST_PID; stop it with stop_extra_capture PID.
start_extra_capture() {
  local ns; ns="$(resolve_ns "$1")"
  local label; label="xcap-$(basename "$2" .pcap)"
  pkp_bg "$label" ip netns exec "$ns" tcpdump -i "${3:-any}" -U -n -s 262144 -w "$BUNDLE/$2"
  local pid=$PKP_LAST_PID i
  for i in $(seq 1 50); do grep -q listening "$WORK/$label.err" 2>/dev/null && break; sleep 0.1; done
  grep -q listening "$WORK/$label.err" || die "tcpdump in $ns did not start"
  PKP_LAST_PID=$pid
}
stop_extra_capture() { sleep 0.5; stop_pid "$1" INT; }

# ns_frames NS FILE: tcpdump text listing of a bundle capture, decoded inside NS.
ns_frames() { nsx "$(resolve_ns "$1")" tcpdump -r "$BUNDLE/$2" -n -# -tt 2>/dev/null || true; }

# ---------------------------------------------------------------- nft monitor trace readers

# tr_n PATTERN: how many lines of the bundle's nft-trace.txt (`nft monitor trace`) match the extended regex PATTERN.
tr_n() { grep -cE -- "$1" "$BUNDLE/nft-trace.txt" || true; }

# nft_count TEXT: the packet counter of the first rule of the bundle's nft-ruleset.txt (`nft -a list ruleset` after the
# traffic) whose line holds TEXT (a fixed string); empty when no rule does.
nft_count() { grep -F -- "$1" "$BUNDLE/nft-ruleset.txt" | sed -n 's/.*counter packets \([0-9]*\) .*/\1/p' | head -1; }

# nft_decisions "FAMILY TABLE CHAIN" STYLE: the chain's decision for each traced packet, one line each in trace order,
# from the bundle's nft-trace.txt: the packet, then the rule that ended its walk of the chain or of a chain of the
# table it jumped to (its counter left out) and its verdict, or `policy VERDICT`, or `none`. nft reuses a trace id for a later packet: a decision belongs to the
# last packet line of its id. STYLE `len` describes every packet (`icmp echo-request seq 3`, `udp 41001>5001 len
# 100`); STYLE `src` only TCP SYNs and UDP datagrams, with their source (`udp 172.18.0.1:42005>5005`).
nft_decisions() {
  python3 - "$BUNDLE/nft-trace.txt" "$1" "$2" <<'PY'
import re, sys
trace, chain, style = sys.argv[1], sys.argv[2], sys.argv[3]
rows, latest = [], {}
# a packet line names the base chain; a rule of a chain it jumped to names that chain (same table)
table = re.escape(chain.rsplit(" ", 1)[0])
pattern = re.compile(r"trace id (\w+) (?:" + re.escape(chain) + r" (packet: (.*)|policy (\w+))|" + table
                     + r" \S+ rule (.*) \(verdict (\w+)\))")
for line in open(trace):
    m = pattern.match(line)
    if not m:
        continue
    if m.group(3):
        f = lambda k: (re.search(" " + k + r" (\S+)", m.group(3)) or [None, "?"])[1]
        proto = f("ip protocol")
        if style == "len":
            what = ("icmp %s seq %s" % (f("icmp type"), f("icmp sequence")) if proto == "icmp"
                    else "%s %s>%s len %s" % (proto, f("udp sport"), f("udp dport"), f("ip length")))
        elif proto not in ("tcp", "udp") or (proto == "tcp" and "tcp flags == syn " not in m.group(3) + " "):
            latest.pop(m.group(1), None)
            continue
        else:
            what = "%s %s:%s>%s" % (proto, f("ip saddr"), f(proto + " sport"), f(proto + " dport"))
        latest[m.group(1)] = len(rows)
        rows.append([what, "none"])
    elif m.group(1) in latest:
        rule = re.sub(r" counter packets \d+ bytes \d+", "", m.group(5) or "")
        rows[latest[m.group(1)]][1] = ("%s -> %s" % (rule, m.group(6))) if m.group(5) else "policy " + m.group(4)
for what, decision in rows:
    print(("%-40s %s" if style == "len" else "%-34s %s") % (what, decision))
PY
}
