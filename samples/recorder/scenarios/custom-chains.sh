#!/usr/bin/env bash
# custom-chains: hand-written firewall with user chains reached by -j and -g (goto), RETURN from a
# jumped chain, from a goto'd chain and from a built-in chain, multiport, comments with quotes, `!`
# negation, interface wildcards (cali+), mark/connmark, and -m state, in mangle, filter INPUT and FORWARD.
source "$(dirname "$0")/../lib.sh"
PKP_TAG="b-cust"
pkp_init custom-chains
source "$PKP_LIB_DIR/lib-extra.sh"

make_node_ns; make_uplink_ns
add_pod client 10.244.1.2
ip -n "$UPLINK_NS" addr add 10.70.0.1/32 dev lo
cat > "$WORK/rules.v4" <<'R'
*mangle
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:POD-MARK - [0:0]
-A PREROUTING -j CONNMARK --restore-mark --nfmask 0xff --ctmask 0xff
-A PREROUTING -m mark ! --mark 0x0/0xff -m comment --comment "already classified" -j RETURN
-A PREROUTING -i cali+ -j POD-MARK
-A POD-MARK -p tcp -m multiport --dports 80,443,8000:8100 -j MARK --set-xmark 0x1/0xff
-A POD-MARK -p udp -m udp --dport 53 -j MARK --set-xmark 0x2/0xff
-A POD-MARK -p udp -m udp ! --dport 53 -j MARK --set-xmark 0x3/0xff
-A POD-MARK -j CONNMARK --save-mark --nfmask 0xff --ctmask 0xff
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:POD-IN - [0:0]
:POD-OUT - [0:0]
:SSH-IN - [0:0]
:WEB-ALLOW - [0:0]
-A INPUT -m state --state RELATED,ESTABLISHED -j ACCEPT
-A INPUT -i lo -j ACCEPT
-A INPUT -p tcp -m multiport --dports 22,2222 -m comment --comment "ssh \"admin\" ports" -j SSH-IN
-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -i cali+ -g POD-OUT
-A FORWARD ! -i cali+ -o cali+ -j POD-IN
-A POD-IN -p tcp -m tcp --dport 9000 -m comment --comment "allow 'metrics' from \"uplink\"" -j ACCEPT
-A POD-IN -m state --state NEW -j RETURN
-A POD-OUT -m mark --mark 0x1/0xff -j WEB-ALLOW
-A POD-OUT -m mark --mark 0x2/0xff -m comment --comment "dns, 'any' resolver" -j ACCEPT
-A POD-OUT ! -d 172.18.0.0/24 -j RETURN
-A POD-OUT -p tcp -j ACCEPT
-A POD-OUT -m connmark --mark 0x3/0xff -j ACCEPT
-A SSH-IN -s 172.18.0.0/24 -j ACCEPT
-A SSH-IN -j DROP
-A WEB-ALLOW -p tcp -m tcp --dport 8000:8100 -j RETURN
-A WEB-ALLOW -j ACCEPT
COMMIT
R
cp "$WORK/rules.v4" "$BUNDLE/rules-input.txt"
load_rules "$WORK/rules.v4"
b_serve up tcp 80 60; b_serve up tcp 8080 60; b_serve up tcp 22 60
b_serve up udp 5300 60; b_serve up udp 53 60 10.70.0.1
b_serve client tcp 9000 60; b_serve client tcp 9001 60
b_serve node tcp 22 60; b_serve node tcp 2222 60

snapshot_state before
start_capture; start_trace
b_probe client tcp "$UPLINK_IP" 80 - 49001; sleep 0.3            # a: mark 1 -> WEB-ALLOW ACCEPT
b_probe client tcp "$UPLINK_IP" 8080 - 49002; sleep 0.3          # b: WEB-ALLOW RETURN -> POD-OUT -p tcp ACCEPT
b_probe client tcp 10.70.0.1 8080 - 49003 1.5; sleep 0.3         # c: WEB-ALLOW RETURN -> POD-OUT RETURN (goto) -> policy DROP
b_probe client udp 10.70.0.1 53 - 49004 1; sleep 0.3             # d: mark 2 -> ACCEPT
b_probe client udp "$UPLINK_IP" 5300 - 49005 1; sleep 0.3        # e: mark 3 -> connmark ACCEPT
b_probe client tcp 10.70.0.1 22 - 49006 1.5; sleep 0.3           # f: no mark -> POD-OUT RETURN -> policy DROP
b_probe up tcp "$NODE_IP" 22 - 49007; sleep 0.3                   # g: INPUT multiport -> SSH-IN ACCEPT
b_probe up tcp "$NODE_IP" 2222 10.70.0.1 49008 1.5; sleep 0.3     # h: SSH-IN DROP (source outside 172.18.0.0/24)
b_probe up tcp 10.244.1.2 9000 - 49009; sleep 0.3                 # i: POD-IN ACCEPT
b_probe up tcp 10.244.1.2 9001 - 49010 1.5; sleep 0.3             # j: POD-IN RETURN -> policy DROP
stop_trace; stop_capture
snapshot_state after
b_keep_probes

pr() { grep -E "\[(client|up)\] (tcp|udp) $1:$2 " "$WORK/probes.txt" | head -1 | sed 's/.*result=\([^ ]*\).*/\1/'; }
for x in "$UPLINK_IP 80 connected" "$UPLINK_IP 8080 connected" "10.70.0.1 8080 timeout" "10.70.0.1 53 reply" "$UPLINK_IP 5300 reply" \
         "10.70.0.1 22 timeout" "$NODE_IP 22 connected" "$NODE_IP 2222 timeout" "10.244.1.2 9000 connected" "10.244.1.2 9001 timeout"; do
  set -- $x; [ "$(pr "$1" "$2")" = "$3" ] || die "probe $1:$2 gave $(pr "$1" "$2"), expected $3"
done
b_trace_summary > "$WORK/ts.txt"
# first filter verdict line of each SYN / first datagram
tv() { grep -E "$1" "$WORK/ts.txt" | grep -m1 'filter:' | sed 's/.* : //'; }
declare -A EXP=(
  [49001]='filter:POD-OUT:rule0x[0-9a-f]+:JUMP filter:WEB-ALLOW:rule0x[0-9a-f]+:ACCEPT$'
  [49002]='filter:WEB-ALLOW:rule0x[0-9a-f]+:RETURN filter:POD-OUT:rule0x[0-9a-f]+:ACCEPT$'
  [49003]='filter:WEB-ALLOW:rule0x[0-9a-f]+:RETURN filter:POD-OUT:rule0x[0-9a-f]+:RETURN filter:FORWARD:policy:DROP$'
  [49004]='filter:FORWARD:rule0x[0-9a-f]+:GOTO filter:POD-OUT:rule0x[0-9a-f]+:ACCEPT$'
  [49005]='filter:POD-OUT:rule0x[0-9a-f]+:ACCEPT$'
  [49006]='filter:POD-OUT:rule0x[0-9a-f]+:RETURN filter:FORWARD:policy:DROP$'
  [49007]='filter:INPUT:rule0x[0-9a-f]+:JUMP filter:SSH-IN:rule0x[0-9a-f]+:ACCEPT$'
  [49008]='filter:SSH-IN:rule0x[0-9a-f]+:DROP$'
  [49009]='filter:POD-IN:rule0x[0-9a-f]+:ACCEPT$'
  [49010]='filter:POD-IN:rule0x[0-9a-f]+:RETURN filter:FORWARD:policy:DROP$'
)
for p in $(printf '%s\n' "${!EXP[@]}" | sort); do
  v="$(tv " $p>")"; echo "$p $v" >> "$WORK/verdicts.txt"
  echo "$v" | grep -qE "${EXP[$p]}" || die "trace verdict for $p: '$v' does not match /${EXP[$p]}/"
done
ret_pre=$(b_expect_count mangle 'already classified' -ge 10)
nsyn=$(grep -cE "cali[0-9a-f]+ +In +IP 10\.244\.1\.2\.4900[123] > .*Flags \[S\]" "$WORK/frames.txt")
m1=$(b_expect_count mangle '--dports 80,443,8000:8100 -j MARK' -eq "$nsyn")
grep -q 'sport=49005 .*mark=3' "$BUNDLE/conntrack-L.txt" || die "connmark 3 not saved for 49005"
grep -q "sport=49001 .*mark=1 " "$BUNDLE/conntrack-L.txt" && grep -q "sport=49004 .*mark=2 " "$BUNDLE/conntrack-L.txt" || die "connmarks 1/2 missing"
ssh=$(b_expect_count filter 'ssh \"admin\" ports' -ge 2)
env_put CLIENT_IP 10.244.1.2; env_put SECOND_DEST 10.70.0.1

{
  echo "# custom-chains: user chains with -j/-g, RETURN, multiport, quoted comments, negation, cali+ wildcards, mark/connmark, -m state"
  echo
  b_readme_topology
  echo "Node \`$NODE_NS\` (ip_forward=1), uplink eth0 $NODE_IP/24 ↔ $UPLINK_IP (the uplink also owns 10.70.0.1, reached via the node's"
  echo "default route), pod client 10.244.1.2 on a cali interface. Rules (rules-input.txt; as saved: iptables-save.txt):"
  echo
  echo "- mangle PREROUTING: CONNMARK --restore-mark (mask 0xff); \`-m mark ! --mark 0x0/0xff ... -j RETURN\` (RETURN from a built-in chain ="
  echo "  its policy, ACCEPT); \`-i cali+ -j POD-MARK\`: TCP multiport 80,443,8000:8100 → mark 0x1, UDP 53 → 0x2, UDP \`! --dport 53\` → 0x3, save to connmark."
  echo "- filter INPUT: \`-m state --state RELATED,ESTABLISHED\` accept, lo accept, \`multiport --dports 22,2222\` with comment \`ssh \\\"admin\\\" ports\` → SSH-IN"
  echo "  (\`-s 172.18.0.0/24\` ACCEPT, else DROP)."
  echo "- filter FORWARD policy DROP: ESTABLISHED accept; \`-i cali+ -g POD-OUT\` (goto); \`! -i cali+ -o cali+ -j POD-IN\`."
  echo "  POD-OUT: mark 0x1 → \`-j WEB-ALLOW\` (TCP 8000:8100 RETURN, else ACCEPT); mark 0x2 ACCEPT; \`! -d 172.18.0.0/24 -j RETURN\`; \`-p tcp\` ACCEPT; connmark 0x3 ACCEPT."
  echo "  POD-IN: TCP 9000 ACCEPT; \`-m state --state NEW -j RETURN\`."
  echo
  echo "## Traffic and what the kernel did (first packet of each flow; verdict chain read from trace.txt)"
  echo
  echo "| flow | client result | filter verdicts of the first packet (trace) |"
  echo "| --- | --- | --- |"
  while read -r p v; do
    line=$(grep -E "(from [0-9.]+:$p |tcp [0-9.]+:[0-9]+ result=timeout)" "$WORK/probes.txt" | head -1)
    flow=$(grep -E " $p>" "$WORK/ts.txt" | head -1 | awk '{print $2, $3}')
    echo "| $flow | $(pr "$(echo "$flow" | sed -E 's/.*>([0-9.]+) .*/\1/')" "${flow##*>}") | \`$v\` |"
  done < "$WORK/verdicts.txt"
  echo
  echo "- Goto semantics: for 49003 (10.70.0.1:8080) WEB-ALLOW RETURNed into POD-OUT (it was \`-j\`-jumped), then POD-OUT's"
  echo "  \`! -d 172.18.0.0/24 -j RETURN\` returned from a chain entered by \`-g\`: control went back past FORWARD (a built-in chain), so"
  echo "  the FORWARD policy DROP applied instead of the FORWARD rule after \`-g POD-OUT\`. Same for 49006 (10.70.0.1:22, no mark)."
  echo "- For 49010 (pod :9001) POD-IN was entered with \`-j\`: its RETURN resumed FORWARD after that rule, reached the end, policy DROP."
  echo "- mangle: the multiport MARK rule counted $m1 = every SYN of 49001-49003 including 49003's retransmission (a dropped SYN leaves no ct, so the retransmission was classified again; port 22 is not in the list). Later packets of marked"
  echo "  connections (both directions) got their mark back from the connmark and left PREROUTING through \`already classified ... -j RETURN\` ($ret_pre packets)."
  echo "  conntrack-L.txt shows mark=1/2/3 on the classified pod flows (49005 with mark=3, accepted by \`-m connmark --mark 0x3/0xff\`)."
  echo "- INPUT: the SSH-IN jump with the quoted comment counted $ssh (49007's SYN accepted; 49008 from 10.70.0.1 dropped, SYN + retransmission)."
  echo "- Saved form (iptables-save.txt): iptables-save 1.8.9 wrote the comments as \`$(grep -o -- "--comment \"dns[^\"]*\"" "$BUNDLE/iptables-save.txt")\`"
  echo "  and \`$(grep -o -- '--comment "ssh .* ports"' "$BUNDLE/iptables-save.txt")\`: double quotes inside a comment become \\\", single quotes \\'."
  b_readme_tail 'DROP|RETURN filter'
} > "$BUNDLE/README.md"
pkp_finish
