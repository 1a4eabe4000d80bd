#!/usr/bin/env bash
# hairpin-nomasq: hairpin-masq without kube-proxy's "-s <endpoint>/32 -j KUBE-MARK-MASQ" rule.
HAIRPIN_SCENARIO=hairpin-nomasq KP_HAIRPIN_MASQ=0 exec bash "$(dirname "$0")/hairpin-masq.sh"
