package io.pktpath.core.trace;

import io.pktpath.core.packet.Addresses;
import io.pktpath.parser.net.IpAddress;
import java.util.Optional;

/**
 * The info text of a whole TCP or UDP packet written from its summary's fields, character for character what the
 * capture reader writes for it ({@code TCP 10.0.0.1:40000 > 10.96.0.10:80 [S.] seq 7 ack 8 len 0},
 * {@code UDP [fd00::1]:53 > [fd00::2]:5353 len 30}).
 */
final class InfoTexts {
    private InfoTexts() {
    }

    /** Whether {@link #append} can write the text of a summary with these fields. */
    static boolean derivable(int family, int proto, Optional<IpAddress> src, Optional<IpAddress> dst, int sport,
                             int dport, int tcpFlags, int payloadLength) {
        return (family == 4 || family == 6) && (proto == 6 && tcpFlags >= 0 || proto == 17) && src.isPresent()
                && dst.isPresent() && sport >= 0 && dport >= 0 && payloadLength >= 0;
    }

    /** Appends the text of {@code p}, a summary {@link #derivable} from its fields. */
    static StringBuilder append(StringBuilder sb, PacketSummary p) {
        sb.append(p.proto() == 6 ? "TCP " : "UDP ");
        Addresses.appendEndpoint(sb, p.src().get(), p.sport()).append(" > ");
        Addresses.appendEndpoint(sb, p.dst().get(), p.dport());
        if (p.proto() == 6) {
            int f = p.tcpFlags();
            TcpFlagLetters.append(sb.append(" ["), f).append(']');
            if (p.tcpSeq() >= 0) {
                sb.append(" seq ").append(p.tcpSeq());
            }
            if ((f & 0x10) != 0) {
                sb.append(" ack ").append(p.tcpAck());
            }
        }
        return sb.append(" len ").append(p.payloadLength());
    }
}
