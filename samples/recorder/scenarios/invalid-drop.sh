#!/usr/bin/env bash
# invalid-drop: kube-proxy's KUBE-FORWARD `-m conntrack --ctstate INVALID -j DROP` against crafted TCP
# segments with no connection (FIN, FIN/ACK, RST, SYN/ACK, bare ACK) and an unsolicited ICMP echo
# reply, all sent with python raw sockets from the uplink to a pod; the trace shows which ones the
# kernel classified INVALID.
source "$(dirname "$0")/../lib.sh"
PKP_TAG="b-inv"
pkp_init invalid-drop
source "$PKP_LIB_DIR/lib-extra.sh"

make_node_ns; make_uplink_ns
add_pod web 10.244.1.2
cat > "$WORK/rules.v4" <<'R'
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:KUBE-FORWARD - [0:0]
-A FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD
-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
COMMIT
R
cp "$WORK/rules.v4" "$BUNDLE/rules-input.txt"
load_rules "$WORK/rules.v4"
b_serve web tcp 80 40

snapshot_state before
start_capture; start_trace
# Crafted segments, all 172.18.0.1:44000 -> 10.244.1.2:80, seq 1000 ack 5000, nobody has that connection.
for f in F FA R SA; do b_probe up rawtcp "$UPLINK_IP" 10.244.1.2 44000 80 "$f" 1000 5000; sleep 0.5; done
b_probe up rawtcp "$UPLINK_IP" 10.244.1.2 44001 80 A 1000 5000; sleep 0.5      # bare ACK (mid-stream pickup)
b_probe up rawicmp "$UPLINK_IP" 10.244.1.2 0 4343 1; sleep 0.5                 # echo reply nobody asked for
b_probe up rawicmp "$UPLINK_IP" 10.244.1.2 8 4344 1; sleep 0.5                 # echo request (control)
b_probe up tcp 10.244.1.2 80 - 44002; sleep 0.3                                # normal connection (control)
stop_trace; stop_capture
snapshot_state after
b_keep_probes

WIF=$(grep '^POD_WEB_HOSTIF=' "$BUNDLE/scenario.env" | cut -d= -f2)
grep -q "tcp 10.244.1.2:80 from $UPLINK_IP:44002 result=connected" "$WORK/probes.txt" || die "control tcp failed"
inv=$(b_expect_count filter '--ctstate INVALID -j DROP' -eq 5)
ctinv=$(( $(b_ct_stat invalid) - $(b_ct_stat invalid before) ))
[ "$ctinv" = 5 ] || die "conntrack -S invalid grew by $ctinv, expected 5"
# Trace: verdict per crafted packet (forwarded packets print a second PACKET line with OUT= set).
b_trace_summary > "$WORK/ts.txt"
verdict() { grep -E "^eth0/$WIF $UPLINK_IP>10\.244\.1\.2 $1 ID=" "$WORK/ts.txt" | head -1 | sed 's/.* : //'; }
for k in "44000>80 FIN" "44000>80 ACK,FIN" "44000>80 RST" "44000>80 SYN,ACK" "44001>80 ACK"; do
  echo "$k => $(verdict "$k")" >> "$WORK/verdicts.txt"
done
grep -q '^44000>80 FIN => .*KUBE-FORWARD:rule0x[0-9a-f]*:DROP' "$WORK/verdicts.txt" || die "FIN not INVALID: $(cat "$WORK/verdicts.txt")"
grep -q '^44000>80 ACK,FIN => .*:DROP' "$WORK/verdicts.txt" || die "FIN/ACK not INVALID"
grep -q '^44000>80 RST => .*:DROP' "$WORK/verdicts.txt" || die "RST not INVALID"
grep -q '^44000>80 SYN,ACK => .*:DROP' "$WORK/verdicts.txt" || die "SYN/ACK not INVALID"
grep -q '^44001>80 ACK => .*policy:ACCEPT' "$WORK/verdicts.txt" || die "bare ACK was not NEW/accepted: $(cat "$WORK/verdicts.txt")"
b_expect_none "INVALID segments forwarded" "$WIF +Out +IP $UPLINK_IP\.44000 >"
f_ack=$(b_expect_frames "bare ACK forwarded" "$WIF +Out +IP $UPLINK_IP\.44001 > 10\.244\.1\.2\.80: Flags \[\.\]" 1)
f_rst=$(b_expect_frames "pod RST to the bare ACK" "eth0 +Out +IP 10\.244\.1\.2\.80 > $UPLINK_IP\.44001: Flags \[R\]" 1)
f_er=$(b_expect_frames "echo reply in" "eth0 +In +IP $UPLINK_IP > 10\.244\.1\.2: ICMP echo reply, id 4343" 1)
b_expect_none "echo reply forwarded" "$WIF +Out +IP $UPLINK_IP > 10\.244\.1\.2: ICMP echo reply"
f_eq=$(b_expect_frames "echo request forwarded" "$WIF +Out +IP $UPLINK_IP > 10\.244\.1\.2: ICMP echo request, id 4344" 1)
f_crafted=$(b_expect_frames "crafted segments in" "eth0 +In +IP $UPLINK_IP\.44000 > 10\.244\.1\.2\.80:" 4)
grep -q "sport=44001" "$BUNDLE/conntrack-L.txt" && die "bare-ACK ct survived the pod's RST"
EH=$(grep -m1 -- '--ctstate RELATED,ESTABLISHED -j ACCEPT' "$BUNDLE/trace.txt" | sed -E 's/.*KUBE-FORWARD:rule:(0x[0-9a-f]+):.*/\1/')
grep -qE "^$WIF/eth0 10\.244\.1\.2>$UPLINK_IP 80>44001 RST ID=[0-9]+ : .*KUBE-FORWARD:rule$EH:ACCEPT$" "$WORK/ts.txt" || die "pod RST not ESTABLISHED"
grep -qE "^$WIF/eth0 10\.244\.1\.2>$UPLINK_IP ID=[0-9]+ : .*KUBE-FORWARD:rule$EH:ACCEPT$" "$WORK/ts.txt" || die "echo reply from the pod not ESTABLISHED"
grep -qE "^eth0/$WIF $UPLINK_IP>10\.244\.1\.2 ID=[0-9]+ : .*filter:FORWARD:policy:ACCEPT$" "$WORK/ts.txt" || die "echo request not NEW/policy-accepted"
env_put CLIENT_IP "$UPLINK_IP"; env_put POD_IP 10.244.1.2; env_put EXPECT_INVALID_DROPS "$inv"
env_put INVALID_KINDS "FIN FIN/ACK RST SYN/ACK echo-reply"; env_put NEW_KINDS "ACK echo-request SYN"

{
  echo "# invalid-drop: conntrack INVALID drop (kube-proxy KUBE-FORWARD) of crafted out-of-connection packets"
  echo
  b_readme_topology
  echo "Node \`$NODE_NS\` (ip_forward=1, nf_conntrack_tcp_loose=1 and tcp_be_liberal=0, see sysctl.txt), uplink eth0 $NODE_IP/24 ↔ $UPLINK_IP,"
  echo "pod web 10.244.1.2 on \`$WIF\` (TCP server on :80). filter FORWARD (policy ACCEPT) → KUBE-FORWARD as kube-proxy writes it:"
  echo "\`--ctstate INVALID -j DROP\`, mark 0x4000 ACCEPT, \`--ctstate RELATED,ESTABLISHED -j ACCEPT\`."
  echo
  echo "## Traffic (probes.txt): python raw sockets (IP_HDRINCL) in the uplink namespace, 0.5 s apart"
  echo
  echo "1. $UPLINK_IP:44000 → 10.244.1.2:80 FIN, then FIN/ACK, then RST, then SYN/ACK (seq 1000, ack 5000; no connection exists)."
  echo "2. $UPLINK_IP:44001 → 10.244.1.2:80 bare ACK (seq 1000, ack 5000)."
  echo "3. ICMP echo reply id 4343 (no request was ever seen), then ICMP echo request id 4344."
  echo "4. A normal TCP connection $UPLINK_IP:44002 → 10.244.1.2:80 (control)."
  echo
  echo "## What the kernel did"
  echo
  echo "Verdicts read from trace.txt (first filter FORWARD decision of each crafted TCP segment):"
  echo
  echo '```'; cat "$WORK/verdicts.txt"; echo '```'
  echo
  echo "- INVALID (dropped by \`-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP\`, $inv packets; \`conntrack -S\` invalid grew by $ctinv):"
  echo "  the FIN, the FIN/ACK, the RST, the SYN/ACK (frames $f_crafted in on eth0, none forwarded) and the unsolicited echo reply (frame $f_er)."
  echo "- NOT invalid: the bare ACK was picked up as a NEW connection (tcp_loose=1), fell through KUBE-FORWARD and was accepted by the"
  echo "  FORWARD policy (frame $f_ack out on $WIF); the pod answered RST (frame $f_rst), which matched the RELATED,ESTABLISHED rule (reply direction) and"
  echo "  destroyed that fresh ct (no 44001 entry in conntrack-L.txt). The echo request was not INVALID (policy ACCEPT, forwarded, frame $f_eq) and the pod's echo reply matched RELATED,ESTABLISHED."
  echo "- The control connection 44002 worked; conntrack-L.txt holds it (TIME_WAIT) and the echo request/reply entry."
  b_readme_tail 'DROP|policy:ACCEPT'
} > "$BUNDLE/README.md"
pkp_finish
