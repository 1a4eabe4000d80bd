#!/usr/bin/env bash
# policy-routing-fwmark: two uplinks; mangle PREROUTING marks pod TCP/443 with 0x10 (kept per
# connection with CONNMARK), `ip rule fwmark 0x10 lookup 100` sends it through table 100 (default via
# the second uplink eth1); everything else uses the main table (eth0). Each uplink masquerades.
source "$(dirname "$0")/../lib.sh"
PKP_TAG="b-prfw"
pkp_init policy-routing-fwmark
source "$PKP_LIB_DIR/lib-extra.sh"

b_two_uplink_node

cat > "$WORK/rules.v4" <<'R'
*mangle
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -i cali+ -j CONNMARK --restore-mark --nfmask 0xffffffff --ctmask 0xffffffff
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
for u in up up2; do b_serve "$u" tcp 80 40; b_serve "$u" tcp 443 40; b_serve "$u" udp 443 40 10.50.0.10; done

snapshot_state before
start_capture; start_trace
b_probe client tcp 10.50.0.10 443 - 45001; sleep 0.3
b_probe client tcp 10.50.0.10 443 - 45002; sleep 0.3
b_probe client tcp 10.50.0.10 80 - 45003; sleep 0.3
b_probe client tcp 10.50.0.10 80 - 45004; sleep 0.3
b_probe client udp 10.50.0.10 443 - 45005; sleep 0.3
stop_trace; stop_capture
snapshot_state after
b_keep_probes

for p in 45001 45002; do grep -q "tcp 10.50.0.10:443 from 10.244.1.2:$p result=connected reply='up2 port 443 saw 172.18.1.2:$p'" "$WORK/probes.txt" || die "443/$p not via up2"; done
for p in 45003 45004; do grep -q "tcp 10.50.0.10:80 from 10.244.1.2:$p result=connected reply='up port 80 saw $NODE_IP:$p'" "$WORK/probes.txt" || die "80/$p not via up"; done
grep -q "udp 10.50.0.10:443 from 10.244.1.2:45005 result=reply reply='up port 443 saw $NODE_IP:45005'" "$WORK/probes.txt" || die "udp 443 not via up"
mark=$(b_expect_count mangle '--dport 443 -m conntrack --ctstate NEW -j MARK' -eq 2)
save=$(b_expect_count mangle '-m mark --mark 0x10 -j CONNMARK --save-mark' -ge 10)
m1=$(b_expect_count nat '-o eth1 -j MASQUERADE' -eq 2)
m0=$(b_expect_count nat '-o eth0 -j MASQUERADE' -eq 3)
f443=$(b_expect_frames "443 SYNs out eth1" "eth1 +Out +IP 172\.18\.1\.2\.4500[12] > 10\.50\.0\.10\.443: Flags \[S\]" 2)
b_expect_none "443 on eth0" "eth0 +Out +IP .* > 10\.50\.0\.10\.443: Flags"
f80=$(b_expect_frames "80 SYNs out eth0" "eth0 +Out +IP $NODE_IP\.4500[34] > 10\.50\.0\.10\.80: Flags \[S\]" 2)
fdata=$(b_expect_frames "443 data packets out eth1" "eth1 +Out +IP 172\.18\.1\.2\.4500[12] > 10\.50\.0\.10\.443: Flags \[P\.\]" 2)
CIF=$(grep '^POD_CLIENT_HOSTIF=' "$BUNDLE/scenario.env" | cut -d= -f2)
frep=$(b_expect_frames "up2 SYN-ACKs routed to the pod" "$CIF +Out +IP 10\.50\.0\.10\.443 > 10\.244\.1\.2\.4500[12]: Flags \[S\.\]" 2)
fudp=$(b_expect_frames "udp 443 out eth0" "eth0 +Out +IP $NODE_IP\.45005 > 10\.50\.0\.10\.443: UDP" 1)
grep -q 'sport=45001 dport=443 .*mark=16' "$BUNDLE/conntrack-L.txt" || die "connmark not saved"
env_put CLIENT_IP 10.244.1.2; env_put DEST 10.50.0.10; env_put FWMARK 0x10; env_put TABLE 100

{
  echo "# policy-routing-fwmark: fwmark policy routing (mangle MARK + CONNMARK, ip rule fwmark 0x10 lookup 100)"
  echo
  b_readme_topology
  echo "Node \`$NODE_NS\` (ip_forward=1, rp_filter=0): uplink 1 eth0 $NODE_IP/24 ↔ \`$UPLINK_NS\` $UPLINK_IP (main table default route),"
  echo "uplink 2 eth1 172.18.1.2/24 ↔ \`$UP2_NS\` 172.18.1.1 (table 100: \`default via 172.18.1.1 dev eth1\`), rule"
  echo "\`100: from all fwmark 0x10 lookup 100\` (ip-rule.txt). BOTH uplinks own 10.50.0.10 and answer with their own name, so the"
  echo "reply text says which way a connection went. mangle PREROUTING: \`-i cali+ -j CONNMARK --restore-mark\` (pod side only); \`-i cali+ -p tcp --dport 443 --ctstate NEW"
  echo "-j MARK --set-xmark 0x10\`; mark 0x10 → CONNMARK --save-mark. nat POSTROUTING masquerades 10.244.0.0/16 on eth0 and on eth1."
  echo
  echo "## Traffic (probes.txt)"
  echo
  echo "pod 10.244.1.2 → 10.50.0.10: TCP :443 from ports 45001, 45002; TCP :80 from 45003, 45004; UDP :443 from 45005 (300 ms apart)."
  echo
  echo "## What the kernel did"
  echo
  echo "- TCP/443: the SYNs got mark 0x10 in mangle PREROUTING (MARK rule counted $mark = the 2 SYNs), input routing used table 100,"
  echo "  and they left on eth1 masqueraded to 172.18.1.2 (frames $f443; \`-o eth1 -j MASQUERADE\` counted $m1). The later packets of those"
  echo "  connections got 0x10 back from the ct (CONNMARK --restore-mark; conntrack-L.txt shows mark=16) and also left on eth1 (data frames $fdata)."
  echo "  up2 answered: \"up2 port 443 saw 172.18.1.2:<port>\". Replies coming in on eth1 were not marked (the restore rule is \`-i cali+\`"
  echo "  only), so they were de-masqueraded and routed to the pod by the main table (SYN-ACK frames $frep out on $CIF)."
  echo "- TCP/80 and UDP/443 were not marked (the MARK rule needs -p tcp --dport 443), used the main table and left on eth0 masqueraded to"
  echo "  $NODE_IP (TCP SYN frames $f80, UDP frame $fudp; \`-o eth0 -j MASQUERADE\` counted $m0 = 2 TCP + 1 UDP first packets)."
  echo "- The source ports were kept (45001..45005) on both uplinks."
  b_readme_tail 'mangle:PREROUTING:rule|nat:POSTROUTING:rule'
} > "$BUNDLE/README.md"
pkp_finish
