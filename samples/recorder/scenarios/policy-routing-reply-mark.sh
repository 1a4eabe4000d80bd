#!/usr/bin/env bash
# policy-routing-reply-mark: the classic multi-uplink mistake. Same setup as policy-routing-fwmark,
# but CONNMARK --restore-mark runs on EVERY packet in mangle PREROUTING (not only -i cali+): the reply
# from the second uplink gets mark 0x10 back from its ct, `ip rule fwmark 0x10 lookup 100` routes it
# with table 100 (default via eth1), so the de-masqueraded SYN-ACK for the pod is sent back out eth1.
source "$(dirname "$0")/../lib.sh"
PKP_TAG="b-prrm"
pkp_init policy-routing-reply-mark
source "$PKP_LIB_DIR/lib-extra.sh"

b_two_uplink_node

cat > "$WORK/rules.v4" <<'R'
*mangle
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -j CONNMARK --restore-mark --nfmask 0xffffffff --ctmask 0xffffffff
-A PREROUTING -i cali+ -p tcp -m tcp --dport 443 -m conntrack --ctstate NEW -j MARK --set-xmark 0x10/0xffffffff
-A PREROUTING -m mark --mark 0x10 -j CONNMARK --save-mark --nfmask 0xffffffff --ctmask 0xffffffff
COMMIT
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A POSTROUTING -s 10.244.0.0/16 -o eth0 -j MASQUERADE
-A POSTROUTING -s 10.244.0.0/16 -o eth1 -j MASQUERADE
COMMIT
R
cp "$WORK/rules.v4" "$BUNDLE/rules-input.txt"
load_rules "$WORK/rules.v4"
b_serve up2 tcp 443 40; b_serve up tcp 80 40

snapshot_state before
start_capture; start_trace
b_probe client tcp 10.50.0.10 443 - 45101 2.5; sleep 0.3     # broken: replies routed back out eth1
b_probe client tcp 10.50.0.10 80 - 45102; sleep 0.3          # unmarked: works via eth0
stop_trace; stop_capture
snapshot_state after
b_keep_probes

CIF=$(grep '^POD_CLIENT_HOSTIF=' "$BUNDLE/scenario.env" | cut -d= -f2)
grep -q "tcp 10.50.0.10:443 result=timeout" "$WORK/probes.txt" || die "443 did not fail"
grep -q "tcp 10.50.0.10:80 from 10.244.1.2:45102 result=connected reply='up port 80 saw $NODE_IP:45102'" "$WORK/probes.txt" || die "80 failed"
f_syn=$(b_expect_frames "SYN out eth1" "eth1 +Out +IP 172\.18\.1\.2\.45101 > 10\.50\.0\.10\.443: Flags \[S\]" 1)
f_sa=$(b_expect_frames "SYN-ACK in on eth1" "eth1 +In +IP 10\.50\.0\.10\.443 > 172\.18\.1\.2\.45101: Flags \[S\.\]" 1)
f_back=$(b_expect_frames "de-NATed SYN-ACK sent back out eth1" "eth1 +Out +IP 10\.50\.0\.10\.443 > 10\.244\.1\.2\.45101: Flags \[S\.\]" 1)
n_in=$(grep -cE "eth1 +In +IP 10\.50\.0\.10\.443 > 172\.18\.1\.2\.45101: Flags \[S\.\]" "$WORK/frames.txt")
n_back=$(grep -cE "eth1 +Out +IP 10\.50\.0\.10\.443 > 10\.244\.1\.2\.45101: Flags \[S\.\]" "$WORK/frames.txt")
[ "$n_in" = "$n_back" ] || die "SYN-ACKs in $n_in, sent back out eth1 $n_back"
n_syn=$(grep -cE "$CIF +In +IP 10\.244\.1\.2\.45101 > 10\.50\.0\.10\.443: Flags \[S\]" "$WORK/frames.txt")
b_expect_none "SYN-ACK delivered to the pod" "$CIF +Out +IP 10\.50\.0\.10\.443 >"
b_trace_summary > "$WORK/ts.txt"
grep -qE "^eth1/eth1 10\.50\.0\.10>10\.244\.1\.2 443>45101 SYN,ACK " "$WORK/ts.txt" || die "trace does not show the SYN-ACK forwarded eth1 -> eth1"
grep -q 'sport=45101 dport=443 .*mark=16' "$BUNDLE/conntrack-L.txt" || die "ct mark 16 missing"
restore=$(b_expect_count mangle '-A PREROUTING -j CONNMARK --restore-mark' -ge 4)
env_put CLIENT_IP 10.244.1.2; env_put DEST 10.50.0.10; env_put FWMARK 0x10; env_put TABLE 100

{
  echo "# policy-routing-reply-mark: CONNMARK restored on replies sends them back out the marked uplink"
  echo
  b_readme_topology
  echo "Same topology as \`policy-routing-fwmark\`: node \`$NODE_NS\` (ip_forward=1, rp_filter=0), eth0 $NODE_IP/24 ↔ \`$UPLINK_NS\` (main default),"
  echo "eth1 172.18.1.2/24 ↔ \`$UP2_NS\` (table 100 default), rule \`100: from all fwmark 0x10 lookup 100\`, both uplinks own 10.50.0.10."
  echo "The only difference: \`-A PREROUTING -j CONNMARK --restore-mark\` has NO \`-i cali+\`, so it also restores the mark on replies."
  echo
  echo "## Traffic (probes.txt)"
  echo
  echo "pod 10.244.1.2:45101 → 10.50.0.10:443 TCP (marked, 2.5 s timeout), then 10.244.1.2:45102 → 10.50.0.10:80 TCP (unmarked)."
  echo
  echo "## What the kernel did"
  echo
  echo "- The SYN to :443 was marked 0x10 (mark saved in the ct: conntrack-L.txt mark=16), routed by table 100 and left eth1 masqueraded"
  echo "  to 172.18.1.2 (frames $f_syn). up2's SYN-ACK came back on eth1 (frames $f_sa)."
  echo "- In mangle PREROUTING the SYN-ACK got mark 0x10 from its ct (\`-j CONNMARK --restore-mark\` counted $restore packets in all), nat"
  echo "  de-masqueraded it to 10.244.1.2, and input routing ran with fwmark 0x10: rule 100 → table 100 → \`default via 172.18.1.1 dev eth1\`."
  echo "  The kernel forwarded it back OUT of eth1 (frames $f_back; trace: \`eth1/eth1 10.50.0.10>10.244.1.2 443>45101 SYN,ACK\`),"
  echo "  never to the pod. The pod sent $n_syn SYNs in all (retransmissions); all $n_in SYN-ACKs that arrived on eth1 (answers and up2's own"
  echo "  retransmissions) were sent back out of eth1 the same way ($n_back frames); none reached $CIF; connect timed out."
  echo "- The unmarked :80 connection worked through eth0 (the restore gave its packets mark 0, main table)."
  b_readme_tail 'eth1/eth1|mangle:PREROUTING:rule'
} > "$BUNDLE/README.md"
pkp_finish
