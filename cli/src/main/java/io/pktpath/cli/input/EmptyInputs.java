package io.pktpath.cli.input;

import io.pktpath.parser.bundle.BundleInventory;
import java.io.PrintStream;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Names a bundle's emptied files on standard error for the commands that print no inventory ({@code flows},
 * {@code explain}, {@code rules hits}), in the words {@code analyze}'s summary and {@code rules check} use, with what
 * is missing because of them.
 */
public final class EmptyInputs {
    /** An empty file named as a capture: never legitimately empty (a capture has a file header even without frames). */
    private static final Pattern CAPTURE = Pattern.compile("^ignored \\S+\\.(pcap|pcapng|cap): ");

    private EmptyInputs() {
    }

    /**
     * Prints {@code pktpath: note: ignored FILE: empty file ...} for each empty file named on the command line (an
     * option said what it should hold) or named as a capture ({@code .pcap}, {@code .pcapng}), and, when the inventory misses an input the command needs (a missing-input
     * line starting with one of {@code needs}, e.g. {@code "no capture"}), for every empty file with that missing
     * line: the user sees which file was empty and what the command expected from it. A bundle's other empty files
     * (a node with no IPv6 rules records an empty ip6tables-save) are left to analyze's and rules check's inventory.
     */
    public static void note(BundleInventory inventory, List<String> needs, PrintStream err) {
        List<String> missing = inventory.missing().stream().filter(m -> needs.stream().anyMatch(m::startsWith)).toList();
        List<String> empty = inventory.emptyFiles().stream()
                .filter(line -> !missing.isEmpty() || line.endsWith(" output)") || CAPTURE.matcher(line).find()).toList();
        if (empty.isEmpty()) {
            return;
        }
        empty.forEach(line -> err.println("pktpath: note: " + line));
        missing.forEach(m -> err.println("pktpath: note: missing: " + m));
    }

    /**
     * The empty files as a suffix for an error that says an input is missing ({@code "; ignored trace.txt: empty
     * file"}), so the user learns that the file was there but emptied; empty when no file is.
     */
    public static String suffix(BundleInventory inventory) {
        return inventory.emptyFiles().stream().map(l -> "; " + l).collect(Collectors.joining());
    }
}
