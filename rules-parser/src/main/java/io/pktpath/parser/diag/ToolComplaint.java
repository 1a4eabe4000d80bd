package io.pktpath.parser.diag;

import java.util.regex.Pattern;

/**
 * The error lines iproute2, ss and their kin print to stderr before (or instead of) their output, which an sosreport
 * or a collection script keeps in the same file: {@code RTNETLINK answers: ...}, {@code Cannot open netlink socket},
 * {@code Dump terminated}, {@code Error: ...}. A reader notes such a line instead of parsing it, and the sniffer does
 * not let it decide what a file is.
 */
public final class ToolComplaint {
    private static final Pattern START = Pattern.compile("RTNETLINK answers: |Cannot open netlink socket|Dump terminated"
            + "|Error: ");

    private ToolComplaint() {
    }

    /** Whether {@code line} starts with one of the tools' complaints. */
    public static boolean startsLine(String line) {
        return START.matcher(line).lookingAt();
    }
}
