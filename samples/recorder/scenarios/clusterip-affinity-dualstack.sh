#!/usr/bin/env bash
# clusterip-affinity-dualstack: a dual-stack ClusterIP TCP service with sessionAffinity=ClientIP, as kube-proxy
# (iptables mode) writes it for both families: iptables-save AND ip6tables-save each hold their KUBE-SVC chain with one
# `-m recent --rcheck --seconds 10800 --reap` rule per endpoint and KUBE-SEP chains with `-m recent --set`, 3 endpoints
# per family. Two client pods each open several connections over IPv4 and IPv6, interleaved and paced; the recent lists
# of both families are recorded after the traffic (xt_recent.txt), and a last probe shows how xt_recent keeps lists
# whose name both families use (xt_recent-shared-name.txt).
source "$(dirname "$0")/../lib.sh"
pkp_init clusterip-affinity-dualstack ipv6

CIP=10.96.0.40; CIP6=fd00:96::40; PORT=80; TPORT=8080; N=${N:-3}; SECS=10800
P6=fd00:10:244:1
make_node_ns; make_uplink_ns
add_pod client 10.244.1.2 "$P6::2"
add_pod client2 10.244.1.6 "$P6::6"
add_pod web1 10.244.1.3 "$P6::3"
add_pod web2 10.244.1.4 "$P6::4"
add_pod web3 10.244.1.5 "$P6::5"

# kube-proxy writes one ruleset per family from the same Service: the same KUBE-SVC chain name (it hashes the service
# port name and protocol only), KUBE-SEP names that differ (they hash the endpoint too), hence other recent lists.
kp_reset
KP_AFFINITY_SECONDS=$SECS kp_service default/sticky:http tcp "$CIP" "$PORT" - cluster \
  10.244.1.3:$TPORT 10.244.1.4:$TPORT 10.244.1.5:$TPORT
kp_write_rules "$WORK/rules.v4"
kp_reset
POD_CIDR=fd00:10:244::/48 KP_AFFINITY_SECONDS=$SECS kp_service default/sticky:http tcp "$CIP6" "$PORT" - cluster \
  "$P6::3:$TPORT" "$P6::4:$TPORT" "$P6::5:$TPORT"
KP_FAMILY=6 kp_write_rules "$WORK/rules.v6"
cp "$WORK/rules.v4" "$BUNDLE/rules-input.txt"; cp "$WORK/rules.v6" "$BUNDLE/rules-input-ip6.txt"
load_rules "$WORK/rules.v4"; load_rules6 "$WORK/rules.v6"
for p in web1 web2 web3; do tcp_server "$p" "$TPORT" 40 6; done   # "::" with bindv6only=0: both families
sleep 0.3

snapshot_state before
start_capture; start_trace
for i in $(seq 1 "$N"); do
  for c in client client2; do
    for dst in "$CIP" "$CIP6"; do
      echo "$c $(fam_of "$dst") $(tcp_connect "$c" "$dst" "$PORT" "$c-$(fam_of "$dst")-$i" 3)" | tee -a "$WORK/client.txt"
      sleep 0.15
    done
  done
done
stop_trace; stop_capture
snapshot_state after
# The lists of the node namespace after the traffic: name, then one line per address with its TTL (hop limit) and
# the number of hits the kernel keeps for it (its jiffies stamps removed).
nsx "$NODE_NS" sh -c 'for f in /proc/net/xt_recent/*; do echo "$f:"; cat "$f"; done' \
  | sed 's|^/proc/net/xt_recent/||' \
  | awk '/^src=/ { n = split($0, a, "oldest_pkt: "); k = split(a[2], s, ","); print $1, $2, $3, "hits:", k; next } { print }' \
  > "$BUNDLE/xt_recent.txt" || die "cannot read /proc/net/xt_recent"

# How xt_recent keys its lists: a rule of each family with the same --name (a throwaway chain, after every snapshot).
{
  nsx "$NODE_NS" iptables -N PKP-SHARED-NAME && nsx "$NODE_NS" ip6tables -N PKP-SHARED-NAME
  nsx "$NODE_NS" iptables -A PKP-SHARED-NAME -m recent --name PKP-SHARED --rcheck
  nsx "$NODE_NS" ip6tables -A PKP-SHARED-NAME -m recent --name PKP-SHARED --rcheck
  echo "# ls /proc/net/xt_recent after an iptables and an ip6tables rule with --name PKP-SHARED:"
  nsx "$NODE_NS" ls /proc/net/xt_recent
  echo "# after echo +10.244.1.2 and echo +$P6::2 into /proc/net/xt_recent/PKP-SHARED:"
  nsx "$NODE_NS" sh -c "echo +10.244.1.2 > /proc/net/xt_recent/PKP-SHARED; echo +$P6::2 > /proc/net/xt_recent/PKP-SHARED"
  nsx "$NODE_NS" cat /proc/net/xt_recent/PKP-SHARED | awk '{ print $1, $2, $3 }'
  nsx "$NODE_NS" ip6tables -F PKP-SHARED-NAME; nsx "$NODE_NS" ip6tables -X PKP-SHARED-NAME
  echo "# after the ip6tables rule is deleted (the iptables rule still holds the list):"
  nsx "$NODE_NS" ls /proc/net/xt_recent | grep -c '^PKP-SHARED$' | sed 's/^/PKP-SHARED files: /'
  nsx "$NODE_NS" iptables -F PKP-SHARED-NAME; nsx "$NODE_NS" iptables -X PKP-SHARED-NAME
} > "$BUNDLE/xt_recent-shared-name.txt" 2>&1

ans() { grep "^$1 $2 " "$WORK/client.txt" | grep -o 'reply=web[0-9]' | sed 's/reply=//' | sort -u | tr '\n' ' ' | sed 's/ $//'; }
ok=$(grep -c 'reply=web' "$WORK/client.txt" || true)
[ "$ok" = $((N * 4)) ] || die "only $ok of $((N * 4)) connections answered"
env_put SERVICE "$CIP:$PORT/tcp"; env_put SERVICE6 "[$CIP6]:$PORT/tcp"
env_put ENDPOINTS "10.244.1.3:$TPORT 10.244.1.4:$TPORT 10.244.1.5:$TPORT"
env_put ENDPOINTS6 "[$P6::3]:$TPORT [$P6::4]:$TPORT [$P6::5]:$TPORT"
env_put CLIENT_IPS "10.244.1.2 10.244.1.6"; env_put CLIENT_IP6S "$P6::2 $P6::6"
env_put CONNECTIONS_PER_CLIENT_AND_FAMILY "$N"; env_put AFFINITY_SECONDS "$SECS"
env_put CLIENT_ENDPOINTS "$(ans client 4)"; env_put CLIENT_ENDPOINTS6 "$(ans client 6)"
env_put CLIENT2_ENDPOINTS "$(ans client2 4)"; env_put CLIENT2_ENDPOINTS6 "$(ans client2 6)"
{
  echo "# clusterip-affinity-dualstack: dual-stack ClusterIP with sessionAffinity=ClientIP (-m recent in both families)"
  echo; echo "## Topology"; echo; topology_text; echo
  echo "Service \`default/sticky:http\` $CIP:$PORT and [$CIP6]:$PORT/tcp → web1 10.244.1.3 / $P6::3, web2 10.244.1.4 /"
  echo "$P6::4, web3 10.244.1.5 / $P6::5 (:$TPORT, one server per pod on \`::\` answering both families). kube-proxy's two"
  echo "rulesets (rules-input.txt for iptables-restore, rules-input-ip6.txt for ip6tables-restore): each KUBE-SVC-… (the"
  echo "same chain name in both families) first has one \`-m recent --name KUBE-SEP-… --rcheck --seconds $SECS --reap\`"
  echo "rule per endpoint, then the statistic rules; each KUBE-SEP-… DNAT rule has \`-m recent --name KUBE-SEP-… --set\`."
  echo "The KUBE-SEP names hash the endpoint, so the IPv4 and the IPv6 endpoints have their own lists (6 in all)."
  echo "trace.txt is xtables-monitor --trace; nft-trace.txt is \`nft monitor trace\` (both families; map its rule handles with"
  echo "nft-ruleset.txt)."
  echo; echo "## Traffic"; echo
  echo "$N rounds of: client 10.244.1.2 → $CIP:$PORT, client → [$CIP6]:$PORT, client2 10.244.1.6 → $CIP:$PORT, client2"
  echo "$P6::6 → [$CIP6]:$PORT; one TCP connection each (payload, reply, FIN), 150 ms apart."
  echo; echo "## What the kernel did"; echo
  echo '```'; cat "$WORK/client.txt"; echo '```'; echo
  echo "- client was answered by: IPv4 $(ans client 4), IPv6 $(ans client 6); client2 by: IPv4 $(ans client2 4), IPv6 $(ans client2 6)."
  echo "- Each client's first SYN of a family went through that family's statistic rules (no recent entry yet), the"
  echo "  KUBE-SEP DNAT rule's \`--set\` recorded the client's address (of that family) in the endpoint's list; its later SYNs"
  echo "  of the family matched the \`--rcheck\` rule of that endpoint first."
  echo "- Recent lists in the node namespace after the traffic (xt_recent.txt; per address: TTL or hop limit of the last"
  echo "  hit, number of hits the kernel keeps):"
  echo; echo '```'; cat "$BUNDLE/xt_recent.txt"; echo '```'; echo
  echo "- xt_recent keys a list by its name in the network namespace, not by family (xt_recent-shared-name.txt): an"
  echo "  iptables and an ip6tables rule with the same \`--name\` share one /proc/net/xt_recent file, which holds both"
  echo "  families' addresses (an entry matches only a packet of its own family: samples/recorder/checks/xt-recent-lru.sh):"
  echo; echo '```'; cat "$BUNDLE/xt_recent-shared-name.txt"; echo '```'
  echo; echo "TRACE_COMPLETE: $(grep -o 'TRACE_COMPLETE=.*' "$BUNDLE/scenario.env" | cut -d= -f2) (xtables-monitor; nft-trace.txt covers both families)."
  echo; readme_facts
} > "$BUNDLE/README.md"
pkp_finish
