package io.pktpath.parser.iptables.match;

/** One condition of a rule (a basic option such as {@code -s}, a match module, or an unsupported match kept verbatim). */
public sealed interface Match permits AddressMatch, ProtocolMatch, InterfaceMatch, FragmentMatch, ModuleMatch, UnsupportedMatch {
}
