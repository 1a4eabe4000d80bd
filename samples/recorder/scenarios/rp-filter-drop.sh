#!/usr/bin/env bash
# rp-filter-drop: strict reverse-path filtering (rp_filter=1) drops a packet arriving on the uplink
# whose source (10.244.1.3, a local pod) is only routable via another interface; a spoofed source that
# IS routable via the uplink (default route) and the real uplink source pass.
source "$(dirname "$0")/../lib.sh"
PKP_TAG="b-rpf"
pkp_init rp-filter-drop
source "$PKP_LIB_DIR/lib-extra.sh"

make_node_ns; make_uplink_ns
add_pod web 10.244.1.2
add_pod other 10.244.1.3
nsx "$NODE_NS" sysctl -qw net.ipv4.conf.all.rp_filter=1 net.ipv4.conf.eth0.rp_filter=1 >/dev/null
# The uplink namespace owns the two source addresses it will use (so it can bind to them).
ip -n "$UPLINK_NS" addr add 10.244.1.3/32 dev lo
ip -n "$UPLINK_NS" addr add 10.99.99.99/32 dev lo
cat > "$WORK/rules.v4" <<'R'
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:KUBE-SERVICES - [0:0]
-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -d 10.244.0.0/16 -j ACCEPT
-A FORWARD -s 10.244.0.0/16 -j ACCEPT
COMMIT
R
cp "$WORK/rules.v4" "$BUNDLE/rules-input.txt"
load_rules "$WORK/rules.v4"
b_serve web udp 5300 40
b_serve web tcp 8080 40

b_netstat_snap before
snapshot_state before
start_capture; start_trace
b_probe up udp 10.244.1.2 5300 "$UPLINK_IP" 47001 1; sleep 0.3          # genuine source
b_probe up udp 10.244.1.2 5300 10.244.1.3 47002 1; sleep 0.3             # spoofed: 10.244.1.3 lives behind another interface
b_probe up udp 10.244.1.2 5300 10.99.99.99 47003 1; sleep 0.3            # spoofed but routable via eth0 (default route)
b_probe up tcp 10.244.1.2 8080 10.244.1.3 47004 1.5; sleep 0.3           # spoofed TCP SYN (+ retransmission)
stop_trace; stop_capture
snapshot_state after
b_netstat_snap after
b_keep_probes

WIF=$(grep '^POD_WEB_HOSTIF=' "$BUNDLE/scenario.env" | cut -d= -f2)
OIF=$(grep '^POD_OTHER_HOSTIF=' "$BUNDLE/scenario.env" | cut -d= -f2)
grep -q "udp 10.244.1.2:5300 from $UPLINK_IP:47001 result=reply" "$WORK/probes.txt" || die "genuine source failed"
grep -q "udp 10.244.1.2:5300 from 10.244.1.3:47002 result=timeout" "$WORK/probes.txt" || die "spoofed udp not dropped"
grep -q "udp 10.244.1.2:5300 from 10.99.99.99:47003 result=reply" "$WORK/probes.txt" || die "routable spoof did not pass"
grep -q "tcp 10.244.1.2:8080 result=timeout" "$WORK/probes.txt" || die "spoofed tcp not dropped"
f_sp=$(b_expect_frames "spoofed udp in" "eth0 +In +IP 10\.244\.1\.3\.47002 > 10\.244\.1\.2\.5300" 1)
f_spt=$(b_expect_frames "spoofed SYNs in" "eth0 +In +IP 10\.244\.1\.3\.47004 > 10\.244\.1\.2\.8080: Flags \[S\]" 2)
b_expect_none "spoofed packets forwarded" "Out +IP 10\.244\.1\.3\.4700[24] >"
f_ok=$(b_expect_frames "genuine forwarded" "$WIF +Out +IP $UPLINK_IP\.47001 > 10\.244\.1\.2\.5300" 1)
f_99=$(b_expect_frames "routable spoof forwarded" "$WIF +Out +IP 10\.99\.99\.99\.47003 > 10\.244\.1\.2\.5300" 1)
f_99r=$(b_expect_frames "reply to the routable spoof" "eth0 +Out +IP 10\.244\.1\.2\.5300 > 10\.99\.99\.99\.47003" 1)
b_trace_summary > "$WORK/ts.txt"
if grep -E "^eth0/[^ ]* 10\.244\.1\.3>10\.244\.1\.2 " "$WORK/ts.txt" | grep -q "filter:FORWARD"; then die "spoofed packet reached FORWARD"; fi
grep -E "^eth0/- 10\.244\.1\.3>10\.244\.1\.2 47002>5300 .*nat:PREROUTING" "$WORK/ts.txt" > /dev/null || die "spoofed packet did not traverse nat PREROUTING"
nspt=$(echo "$f_spt" | tr ',' '\n' | wc -l)
natpre=$(b_expect_count nat '-j KUBE-SERVICES' -eq $((3 + nspt)))
rpf=$(b_netstat_delta TcpExt.IPReversePathFilter); [ "$rpf" = $((1 + nspt)) ] || die "IPReversePathFilter delta $rpf, expected $((1 + nspt))"
env_put CLIENT_IP "$UPLINK_IP"; env_put SPOOFED_SRC 10.244.1.3; env_put ROUTABLE_SPOOF_SRC 10.99.99.99; env_put EXPECT_RPF_DROPS "$rpf"

{
  echo "# rp-filter-drop: strict rp_filter drops a spoofed source that is only routable via another interface"
  echo
  b_readme_topology
  echo "Node \`$NODE_NS\` (ip_forward=1, net.ipv4.conf.all.rp_filter=1 and eth0 rp_filter=1, src_valid_mark=0; see sysctl.txt), uplink eth0"
  echo "$NODE_IP/24 ↔ $UPLINK_IP with the default route, pods web 10.244.1.2 (\`$WIF\`, UDP :5300 and TCP :8080 servers) and other"
  echo "10.244.1.3 (\`$OIF\`, route \`10.244.1.3 dev $OIF\`). The uplink namespace also owns 10.244.1.3 and 10.99.99.99 (on lo) so it can"
  echo "send from them. Rules: nat PREROUTING → (empty) KUBE-SERVICES; filter FORWARD policy DROP, accept ESTABLISHED and 10.244.0.0/16 both ways."
  echo
  echo "## Traffic (probes.txt), all from the uplink namespace into eth0, to web 10.244.1.2"
  echo
  echo "1. UDP from $UPLINK_IP:47001 (genuine). 2. UDP from 10.244.1.3:47002 (spoofed, route back via $OIF)."
  echo "3. UDP from 10.99.99.99:47003 (spoofed, route back via eth0 = default). 4. TCP SYN from 10.244.1.3:47004 (spoofed, 1.5 s)."
  echo
  echo "## What the kernel did"
  echo
  echo "- Genuine $UPLINK_IP:47001 was forwarded (frame $f_ok) and answered."
  echo "- Spoofed 10.244.1.3 → the route back to 10.244.1.3 leaves via $OIF, not eth0 where the packets came in: strict rp_filter"
  echo "  dropped the datagram (frame $f_sp) and the SYNs (frames $f_spt) during input routing, silently (no ICMP), after PREROUTING:"
  echo "  trace.txt shows them in raw PREROUTING and nat PREROUTING (\`-j KUBE-SERVICES\` counted $natpre = the 3 datagrams + all $nspt spoofed"
  echo "  SYNs, each SYN NEW again because a dropped packet's ct is never confirmed) but never in filter FORWARD; nothing left towards a pod. TcpExt.IPReversePathFilter rose by $rpf (1 datagram + $nspt SYNs)."
  echo "- Spoofed 10.99.99.99 passed: its reverse route is the default via eth0 = the input interface. It was forwarded (frame $f_99)"
  echo "  and web's reply went back out eth0 (frame $f_99r); strict rp_filter checks only the reverse interface, not ownership."
  b_readme_tail '10\.244\.1\.3>|10\.99\.99\.99>'
} > "$BUNDLE/README.md"
pkp_finish
