#!/usr/bin/env bash
# notrack-nodelocaldns: Kubernetes NodeLocal DNSCache on a node. A DNS-like cache listens on the link-local address
# 169.254.20.10:53 in the node's namespace, and the raw-table NOTRACK rules node-cache installs (raw PREROUTING/OUTPUT
# NOTRACK, filter INPUT/OUTPUT ACCEPT) make its traffic untracked: it skips conntrack and the nat table. Beside it
# kube-proxy's kube-dns service (ClusterIP 10.96.0.10:53 UDP+TCP -> coredns pod 10.244.1.10:53), whose flows are
# tracked and DNATed, for contrast; and node-cache's own upstream query from the node to the ClusterIP (nat OUTPUT DNAT,
# MASQUERADE). There is no dummy module here, so 169.254.20.10/32 sits on the node's lo instead of a dummy interface.
source "$(dirname "$0")/../lib.sh"
PKP_TAG="notrk"
pkp_init notrack-nodelocaldns
source "$PKP_LIB_DIR/lib-extra.sh"

LIP=169.254.20.10; CIP=10.96.0.10; DNS=10.244.1.10
make_node_ns; make_uplink_ns
add_pod client 10.244.1.2
add_pod coredns "$DNS"
ip -n "$NODE_NS" addr add "$LIP/32" dev lo
kp_reset
kp_service kube-system/kube-dns:dns udp "$CIP" 53 - cluster "$DNS:53"
kp_service kube-system/kube-dns:dns-tcp tcp "$CIP" 53 - cluster "$DNS:53"
kp_write_rules "$WORK/kp.v4"

# node-cache's rules (it prepends them with -I, so they sit above kube-proxy's filter rules). UDP uses the legacy
# spelling -j NOTRACK, TCP the CT target's -j CT --notrack: the kernel does the same for both. The raw OUTPUT rules with
# -d cover queries the node itself sends to the cache. The two counter-only rules (no target) on top of filter
# INPUT/OUTPUT are the recorder's, not node-cache's: they count what --ctstate UNTRACKED matches.
python3 - "$WORK/kp.v4" "$WORK/rules.v4" "$LIP" <<'PY'
import sys
src, dst, lip = sys.argv[1], sys.argv[2], sys.argv[3]
lines = open(src).read().splitlines()
ins = {
    "INPUT": [
        '-A INPUT -m conntrack --ctstate UNTRACKED -m comment --comment "pktpath recorder: count untracked packets"',
        f"-A INPUT -d {lip}/32 -p udp -m udp --dport 53 -j ACCEPT",
        f"-A INPUT -d {lip}/32 -p tcp -m tcp --dport 53 -j ACCEPT",
    ],
    "OUTPUT": [
        '-A OUTPUT -m conntrack --ctstate UNTRACKED -m comment --comment "pktpath recorder: count untracked packets"',
        f"-A OUTPUT -s {lip}/32 -p udp -m udp --sport 53 -j ACCEPT",
        f"-A OUTPUT -s {lip}/32 -p tcp -m tcp --sport 53 -j ACCEPT",
    ],
}
out, table, done = [], None, set()
for l in lines:
    if l.startswith("*"):
        table = l[1:]
    if table == "filter":
        for chain, rules in ins.items():
            if l.startswith(f"-A {chain} ") and chain not in done:
                out.extend(rules); done.add(chain)
    out.append(l)
assert done == {"INPUT", "OUTPUT"}, done
raw = [
    "*raw",
    ":PREROUTING ACCEPT [0:0]",
    ":OUTPUT ACCEPT [0:0]",
    f"-A PREROUTING -d {lip}/32 -p udp -m udp --dport 53 -j NOTRACK",
    f"-A PREROUTING -d {lip}/32 -p tcp -m tcp --dport 53 -j CT --notrack",
    f"-A OUTPUT -s {lip}/32 -p udp -m udp --sport 53 -j NOTRACK",
    f"-A OUTPUT -s {lip}/32 -p tcp -m tcp --sport 53 -j CT --notrack",
    f"-A OUTPUT -d {lip}/32 -p udp -m udp --dport 53 -j NOTRACK",
    f"-A OUTPUT -d {lip}/32 -p tcp -m tcp --dport 53 -j CT --notrack",
    "COMMIT",
]
open(dst, "w").write("\n".join(raw + out) + "\n")
PY
cp "$WORK/rules.v4" "$BUNDLE/rules-input.txt"
load_rules "$WORK/rules.v4"
# load_rules put TRACE on top of raw PREROUTING/OUTPUT: it must stay above the NOTRACK rules.
nsx "$NODE_NS" iptables -t raw -S PREROUTING | sed -n 2p | grep -q -- '-j TRACE' || die "TRACE is not first in raw PREROUTING"
nsx "$NODE_NS" iptables -t raw -S OUTPUT | sed -n 2p | grep -q -- '-j TRACE' || die "TRACE is not first in raw OUTPUT"

b_serve node udp 53 40 "$LIP"      # the cache: bound to 169.254.20.10, so its UDP replies leave from that address
b_serve node tcp 53 40 "$LIP"
b_serve coredns udp 53 40
b_serve coredns tcp 53 40

snapshot_state before
start_capture; start_trace
for p in 43001 43002 43003; do b_probe client udp "$LIP" 53 - "$p" 2; sleep 0.2; done   # untracked, pod -> cache
for p in 43011 43012; do b_probe client tcp "$LIP" 53 - "$p" 3; sleep 0.2; done
b_probe node udp "$LIP" 53 - 43021 2; sleep 0.2                                         # untracked, node -> cache (lo)
for p in 43031 43032; do b_probe client udp "$CIP" 53 - "$p" 2; sleep 0.2; done       # tracked, DNAT to coredns
b_probe client tcp "$CIP" 53 - 43041 3; sleep 0.2
b_probe node udp "$CIP" 53 - 43051 2; sleep 0.2                                         # the cache's upstream query
stop_trace; stop_capture
snapshot_state after
b_keep_probes
# A TCP connection over lo is one burst of trace events that makes xtables-monitor exit (ENOBUFS) about every other
# run, so the node's own query is UDP only; the other bursts are small, but re-run if the trace still broke.
grep -q '^TRACE_COMPLETE=yes$' "$BUNDLE/scenario.env" || die "xtables-monitor exited early (ENOBUFS): re-run the scenario"

# ---------------------------------------------------------------- checks against the kernel
P="$WORK/probes.txt"
for p in 43001 43002 43003; do
  grep -q "udp $LIP:53 from 10.244.1.2:$p result=reply reply='node port 53 saw 10.244.1.2:$p'" "$P" || die "udp $p to the cache not answered"
done
for p in 43011 43012; do
  grep -q "tcp $LIP:53 from 10.244.1.2:$p result=connected reply='node port 53 saw 10.244.1.2:$p'" "$P" || die "tcp $p to the cache not answered"
done
grep -q "udp $LIP:53 from $LIP:43021 result=reply reply='node port 53 saw $LIP:43021'" "$P" || die "node udp query to the cache not answered"
for p in 43031 43032; do
  grep -q "udp $CIP:53 from 10.244.1.2:$p result=reply reply='coredns port 53 saw 10.244.1.2:$p'" "$P" || die "udp $p to the ClusterIP not answered by coredns"
done
grep -q "tcp $CIP:53 from 10.244.1.2:43041 result=connected reply='coredns port 53 saw 10.244.1.2:43041'" "$P" || die "tcp to the ClusterIP not answered by coredns"
up_seen=$(grep "udp $CIP:53 from $NODE_IP:43051 result=reply" "$P" | sed -n "s/.*reply='coredns port 53 saw \([0-9.]*:[0-9]*\)'.*/\1/p")
[ -n "$up_seen" ] || die "the node's upstream query to $CIP was not answered by coredns"

CT="$BUNDLE/conntrack-L.txt"
if grep -E "sport=430(0[1-3]|1[12]|21) |dst=${LIP//./\\.} sport=[0-9]+ dport=53 " "$CT"; then
  die "conntrack holds a flow to the cache ($LIP:53), which should be untracked"
fi
nct=$(grep -cE "dst=$CIP sport=430(3[12]|41|51) dport=53 " "$CT" || true)
[ "$nct" -eq 4 ] || die "expected 4 conntrack entries for the ClusterIP flows, found $nct"
grep -E "sport=43051 dport=53 src=$DNS " "$CT" | grep -q "dst=$CIP" || die "no DNAT entry for the upstream query"

# Counters: pod 3 + node 1 UDP queries, and every packet of the 2+1 TCP connections to the cache.
r_udp=$(b_expect_count raw "-A PREROUTING -d $LIP/32 -p udp -m udp --dport 53 -j NOTRACK" -eq 4)
r_tcp=$(b_expect_count raw "-A PREROUTING -d $LIP/32 -p tcp -m tcp --dport 53 -j CT --notrack" -ge 8)
o_udp=$(b_expect_count raw "-A OUTPUT -s $LIP/32 -p udp -m udp --sport 53 -j NOTRACK" -eq 4)
o_tcp=$(b_expect_count raw "-A OUTPUT -s $LIP/32 -p tcp -m tcp --sport 53 -j CT --notrack" -ge 6)
od_udp=$(b_expect_count raw "-A OUTPUT -d $LIP/32 -p udp -m udp --dport 53 -j NOTRACK" -eq 1)
od_tcp=$(b_expect_count raw "-A OUTPUT -d $LIP/32 -p tcp -m tcp --dport 53 -j CT --notrack" -eq 0)
i_udp=$(b_expect_count filter "-A INPUT -d $LIP/32 -p udp -m udp --dport 53 -j ACCEPT" -eq 4)
i_tcp=$(b_expect_count filter "-A INPUT -d $LIP/32 -p tcp -m tcp --dport 53 -j ACCEPT" -ge 8)
f_udp=$(b_expect_count filter "-A OUTPUT -s $LIP/32 -p udp -m udp --sport 53 -j ACCEPT" -eq 4)
f_tcp=$(b_expect_count filter "-A OUTPUT -s $LIP/32 -p tcp -m tcp --sport 53 -j ACCEPT" -ge 6)
u_in=$(b_expect_count filter "-A INPUT -m conntrack --ctstate UNTRACKED" -ge "$((i_udp + i_tcp))")
u_out=$(b_expect_count filter "-A OUTPUT -m conntrack --ctstate UNTRACKED" -ge "$((f_udp + f_tcp))")
svc_udp=$(b_expect_count nat "-A KUBE-SERVICES -d $CIP/32 -p udp" -eq 3)
svc_tcp=$(b_expect_count nat "-A KUBE-SERVICES -d $CIP/32 -p tcp" -eq 1)
masq=$(b_expect_count nat "MASQUERADE --random-fully" -eq 1)

# Trace: every packet that hit a NOTRACK rule shows it (after TRACE, the first rule of the chain) and has no nat line;
# the ClusterIP packets went through nat.
python3 - "$BUNDLE/trace.txt" "$LIP" > "$WORK/notrack-trace.txt" <<'PY' || die "trace check failed: $(cat "$WORK/notrack-trace.txt")"
import sys, re
lines = open(sys.argv[1]).read().splitlines()
lip = sys.argv[2]
by_id, order = {}, []
for l in lines:
    f = l.split()
    if len(f) < 3 or f[0] not in ("PACKET:", "TRACE:"):
        continue
    if f[2] not in by_id:
        by_id[f[2]] = []; order.append(f[2])
    by_id[f[2]].append(l)
nt = [i for i in order if any(re.search(r"raw:(PREROUTING|OUTPUT):rule:0x[0-9a-f]+:CONTINUE  .*-j (NOTRACK|CT --notrack)", l) for l in by_id[i])]
bad = [i for i in nt if any(" nat:" in l for l in by_id[i])]
first = [i for i in nt if not any(re.search(r"raw:(PREROUTING|OUTPUT):rule:0x[0-9a-f]+:CONTINUE  .*-j TRACE\s*$", l) for l in by_id[i])]
unt = [i for i in nt if any("--ctstate UNTRACKED" in l for l in by_id[i])]
natted = [i for i in order if any(" nat:" in l for l in by_id[i])]
print("trace ids with a NOTRACK/CT --notrack rule: %d; with a nat line among them: %d; without TRACE first: %d;"
      " with the --ctstate UNTRACKED rule: %d; trace ids with nat lines (tracked): %d" % (len(nt), len(bad), len(first), len(unt), len(natted)))
sys.exit(1 if (not nt or bad or first or not natted) else 0)
PY
trace_line="$(cat "$WORK/notrack-trace.txt")"
# The cache's reply to the node's own query comes back in on lo untracked although no PREROUTING rule NOTRACKs it
# (--dport 43021): the skb keeps the untracked state raw OUTPUT gave it (nf_conntrack_in skips an skb that has one).
lo_id=$(awk '/^PACKET: 2 [0-9a-f]+ IN=lo / && / SPORT=53 DPORT=43021 / {print $3; exit}' "$BUNDLE/trace.txt")
[ -n "$lo_id" ] || die "no trace of the cache's reply coming in on lo"
grep " $lo_id " "$BUNDLE/trace.txt" | grep -q 'filter:INPUT:rule:.*--ctstate UNTRACKED' || die "lo reply $lo_id not UNTRACKED in filter INPUT"
grep " $lo_id " "$BUNDLE/trace.txt" | grep -qE ' nat:|-j NOTRACK|--notrack' && die "lo reply $lo_id went through nat or a NOTRACK rule"
f_q=$(b_expect_frames "pod queries to the cache" "In +IP 10\.244\.1\.2\.4300[1-3] > $LIP\.53:" 3)
f_r=$(b_expect_frames "cache replies to the pod" "Out +IP $LIP\.53 > 10\.244\.1\.2\.4300[1-3]:" 3)
f_lo=$(b_expect_frames "node query and reply on lo" " lo +In +IP $LIP\.(43021 > $LIP\.53|53 > $LIP\.43021):" 2)
f_arp=$(b_frames "ARP, Request who-has $DNS tell ${LIP//./\\.}")
f_d=$(b_expect_frames "ClusterIP queries DNATed to coredns" "Out +IP 10\.244\.1\.2\.430(3[12]|41) > $DNS\.53:" 3)
up_src="${up_seen%:*}"; up_port="${up_seen#*:}"
f_up=$(b_expect_frames "upstream query after DNAT+MASQUERADE" "Out +IP ${up_src//./\\.}\.$up_port > $DNS\.53:" 1)

env_put LOCAL_DNS_IP "$LIP"; env_put LOCAL_DNS_ON "lo (no dummy module)"; env_put CLUSTER_IP "$CIP:53"
env_put ENDPOINTS "$DNS:53"; env_put CLIENT_IP 10.244.1.2
env_put UNTRACKED_FLOWS "udp 10.244.1.2:43001-43003, tcp 10.244.1.2:43011-43012, udp $LIP:43021 -> $LIP:53"
env_put TRACKED_FLOWS "udp 10.244.1.2:43031-43032, tcp 10.244.1.2:43041, udp $NODE_IP:43051 -> $CIP:53"
env_put UPSTREAM_SEEN_BY_COREDNS "$up_seen"
env_put EXPECT_CONNTRACK_ENTRIES "$nct"

CIF=$(host_if client); DIF=$(host_if coredns)
{
  echo "# notrack-nodelocaldns: NodeLocal DNSCache's NOTRACK rules beside kube-proxy's kube-dns ClusterIP"
  echo
  b_readme_topology
  echo "Node \`$NODE_NS\`, pod client 10.244.1.2 (\`$CIF\`), pod coredns $DNS (\`$DIF\`), uplink only for the default route."
  echo "**NodeLocal DNSCache address on lo:** node-cache normally puts $LIP on a dummy interface \`nodelocaldns\`; this machine"
  echo "has no dummy module, so the recording puts \`$LIP/32\` on the node's \`lo\` (\`ip addr add $LIP/32 dev lo\`). For the"
  echo "kernel's local delivery this is the same (a local address); it differs in MASQUERADE's source choice, see below."
  echo
  echo "Rules (rules-input.txt; iptables-save.txt as the kernel holds them, with TRACE first in raw PREROUTING/OUTPUT):"
  echo
  echo "- node-cache's raw rules: PREROUTING \`-d $LIP/32 -p udp -m udp --dport 53 -j NOTRACK\` and the same for tcp with"
  echo "  \`-j CT --notrack\`; OUTPUT \`-s $LIP/32 ... --sport 53\` and \`-d $LIP/32 ... --dport 53\` (queries of the node"
  echo "  itself), UDP with \`-j NOTRACK\`, TCP with \`-j CT --notrack\` (both spellings recorded; the kernel treats them alike)."
  echo "- node-cache's filter rules on top of INPUT/OUTPUT: \`-d $LIP/32 ... --dport 53 -j ACCEPT\`, \`-s $LIP/32 ... --sport 53 -j ACCEPT\`."
  echo "- Above them, counter-only rules of the recorder (no target, not node-cache's): \`-m conntrack --ctstate UNTRACKED\`"
  echo "  in filter INPUT and OUTPUT."
  echo "- kube-proxy: \`kube-system/kube-dns:dns\` (udp) and \`kube-system/kube-dns:dns-tcp\` (tcp), ClusterIP $CIP:53 → $DNS:53."
  echo
  echo "Servers: a UDP and a TCP responder bound to $LIP:53 in the node namespace (the cache; the UDP reply leaves from"
  echo "$LIP), and UDP+TCP responders on port 53 in the coredns pod. Payloads are short text, not DNS (tcpdump decodes"
  echo "port 53 as DNS and prints garbage for them)."
  echo
  echo "## Traffic (probes.txt)"
  echo
  echo "1. Untracked: pod 10.244.1.2 → $LIP:53 UDP from ports 43001–43003 (new socket each) and TCP from 43011, 43012."
  echo "2. Untracked: the node → $LIP:53 over lo, UDP from $LIP:43021 (no TCP over lo: its burst of trace events makes"
  echo "   xtables-monitor exit with ENOBUFS, so raw OUTPUT's \`-d $LIP ... tcp ... CT --notrack\` rule stays at 0)."
  echo "3. Tracked: pod → ClusterIP $CIP:53 UDP from 43031, 43032 and TCP from 43041 (DNAT to coredns, forwarded)."
  echo "4. Tracked: the node → $CIP:53 UDP from $NODE_IP:43051 (the cache's upstream query: nat OUTPUT DNAT, MASQUERADE)."
  echo
  echo "## What the kernel did"
  echo
  echo "- Every query was answered (probes.txt). The cache saw the pod's real address and ports; coredns saw 10.244.1.2 for"
  echo "  the pod's ClusterIP queries (no masquerade: source in the pod CIDR)."
  echo "- The NOTRACK'd packets were untracked: raw PREROUTING udp NOTRACK $r_udp packets, tcp CT --notrack $r_tcp; raw OUTPUT"
  echo "  \`-s $LIP --sport 53\` udp $o_udp, tcp $o_tcp; raw OUTPUT \`-d $LIP --dport 53\` udp $od_udp, tcp $od_tcp. filter INPUT"
  echo "  ACCEPT udp $i_udp, tcp $i_tcp; filter OUTPUT ACCEPT udp $f_udp, tcp $f_tcp. \`--ctstate UNTRACKED\` matched $u_in packets"
  echo "  in INPUT and $u_out in OUTPUT. Trace check: $trace_line."
  echo "- Untracked packets skip the nat table: no NOTRACK'd packet has a \`nat:\` trace line (a tracked packet always shows"
  echo "  \`nat:PREROUTING\`/\`nat:OUTPUT\` JUMP KUBE-SERVICES), and kube-proxy's filter \`--ctstate NEW\` jumps did not match them."
  echo "- conntrack-L.txt has no entry for any flow to $LIP:53 (untracked packets create none), but holds the $nct ClusterIP"
  echo "  flows (3 from the pod, 1 from the node), each DNATed to $DNS:53."
  echo "- The node's own query over lo: the query is NOTRACK'd in raw OUTPUT (\`-d\` rule) and again matched in raw"
  echo "  PREROUTING on lo; the cache's reply is NOTRACK'd in raw OUTPUT (\`-s\` rule) and comes back in on lo still untracked"
  echo "  although no PREROUTING rule matches it: the skb keeps the state raw OUTPUT gave it across lo (nf_conntrack_in"
  echo "  skips an skb that already has one), so trace $lo_id shows filter INPUT \`--ctstate UNTRACKED\` and no nat. tcpdump"
  echo "  -i any holds each lo packet once, as In: frames $f_lo."
  echo "- The upstream query $NODE_IP:43051 → $CIP:53: nat OUTPUT KUBE-MARK-MASQ (node source, not in $POD_CIDR) + DNAT to"
  echo "  $DNS:53, rerouted to \`$DIF\`; KUBE-POSTROUTING MASQUERADE --random-fully ($masq packet). coredns saw it from"
  echo "  **$up_seen**: \`$DIF\` has no IPv4 address, so MASQUERADE's inet_select_addr falls back to the namespace's devices,"
  echo "  lo first, and a non-loopback address on lo ($LIP) wins. With a real \`nodelocaldns\` dummy interface (created after"
  echo "  eth0) the node's eth0 address would be chosen. The same fallback gives the node's ARP requests on \`$DIF\` the"
  echo "  sender address $LIP (frame ${f_arp:-none})."
  echo "- Frames: pod queries to the cache $f_q, replies $f_r; ClusterIP queries leaving DNATed to coredns $f_d; the upstream"
  echo "  query after NAT $f_up."
  b_readme_tail "DROP|REJECT|nat:[A-Z-]+:rule| 4300[1]>| 4301[1]>|>4300[1] |>4301[1] |lo/|/lo "
} > "$BUNDLE/README.md"
pkp_finish
