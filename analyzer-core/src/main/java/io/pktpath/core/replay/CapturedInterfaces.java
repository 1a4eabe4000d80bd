package io.pktpath.core.replay;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The interfaces the capture has shown frames on so far, with what the replay asks of each on every frame (is it a
 * bridge, which bridge is it a port of), answered from a small array compared by identity: the reader makes one
 * string per interface, and a node's few dozen interfaces are found there without hashing. Names beyond the array
 * are answered through hash lookups, so any number of interfaces is handled.
 */
final class CapturedInterfaces {
    private static final int FAST = 64;

    private final NodePath path;
    private final String[] names = new String[FAST];
    @SuppressWarnings("unchecked")
    private final Optional<String>[] bridgeOf = new Optional[FAST];
    private final boolean[] isBridge = new boolean[FAST];
    private int count;
    /**
     * The names of the array last found, each with its index, at the low bits of its hash: most frames are on an
     * interface found there at once, without scanning the array (names never leave the array, so a hint stays true).
     */
    private final String[] hinted = new String[HINTS];
    private final int[] hintedIndex = new int[HINTS];
    private static final int HINTS = 256;
    private final Set<String> seen = new HashSet<>();
    /** The bridge of every name noted or asked about, for names looked up by an equal but different string. */
    private final Map<String, Optional<String>> bridgeOfOthers = new HashMap<>();
    /** Bridges that have a port among the captured interfaces seen so far (only these can have port copies). */
    private final Set<String> bridgesWithPortFrames = new HashSet<>();

    /** Interfaces of the node {@code path} describes (null: a decode-only replay, where no interface is a bridge). */
    CapturedInterfaces(NodePath path) {
        this.path = path;
    }

    /** Records that a frame was captured on {@code iface}. */
    void note(String iface) {
        if (indexOf(iface) >= 0 || !seen.add(iface)) {
            return;
        }
        Optional<String> bridge = path == null ? Optional.empty() : path.bridgeOf(iface);
        bridge.ifPresent(bridgesWithPortFrames::add);
        bridgeOfOthers.put(iface, bridge);
        if (count < FAST) {
            bridgeOf[count] = bridge;
            isBridge[count] = path != null && path.isBridge(iface);
            names[count++] = iface;
        }
    }

    /** Whether a frame was captured on {@code iface} so far. */
    boolean seen(String iface) {
        return indexOf(iface) >= 0 || seen.contains(iface);
    }

    /** Whether some frame so far was captured on a port of {@code bridge}. */
    boolean hasPortFrames(String bridge) {
        return bridgesWithPortFrames.contains(bridge);
    }

    /** The bridge {@code iface} is a port of. */
    Optional<String> bridgeOf(String iface) {
        int i = indexOf(iface);
        if (i >= 0) {
            return bridgeOf[i];
        }
        Optional<String> bridge = bridgeOfOthers.get(iface);
        if (bridge == null) {
            bridge = path.bridgeOf(iface);
            bridgeOfOthers.put(iface, bridge);
        }
        return bridge;
    }

    /** Whether {@code iface} is a bridge. */
    boolean isBridge(String iface) {
        int i = indexOf(iface);
        return i >= 0 ? isBridge[i] : path.isBridge(iface);
    }

    private int indexOf(String iface) {
        int h = iface.hashCode() & (HINTS - 1);
        if (hinted[h] == iface) {
            return hintedIndex[h];
        }
        for (int i = 0; i < count; i++) {
            if (names[i] == iface) {
                hinted[h] = iface;
                hintedIndex[h] = i;
                return i;
            }
        }
        return -1;
    }
}
