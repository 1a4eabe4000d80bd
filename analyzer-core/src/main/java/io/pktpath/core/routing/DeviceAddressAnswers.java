package io.pktpath.core.routing;

import io.pktpath.core.util.AnswerSlots;
import io.pktpath.parser.net.IpAddress;

import java.util.function.BiFunction;

/**
 * Answers whose words depend only on a device and one address (check steps of an input device, neighbour answers for a
 * next hop), each made once: the node's configuration is a snapshot, so the same device and address always give the
 * same answer. Memory is bounded; a lookup allocates nothing and reads one object per slot it compares.
 */
final class DeviceAddressAnswers<V> {
    /** An answer with the device and address it was made for (the address's numbers in place). */
    private record Kept<V>(String device, long hi, long lo, boolean v4, V value) {
    }

    private final AnswerSlots<Kept<V>> kept;

    /** At most {@code slots} answers (past them, newer answers replace older ones). */
    DeviceAddressAnswers(int slots) {
        this.kept = new AnswerSlots<>(slots);
    }

    /** The answer for {@code address} on {@code device}: the one kept, else {@code make}'s (then kept). */
    V get(String device, IpAddress address, BiFunction<String, IpAddress, V> make) {
        long hi = address.hi();
        long lo = address.lo();
        boolean v4 = address.isV4();
        long mixed = (hi * 0x9E3779B97F4A7C15L + lo) * 0x9E3779B97F4A7C15L;
        int hash = (int) (mixed ^ mixed >>> 32) + device.length(); // names are compared anyway: their length is enough
        for (int probe = 0; probe < AnswerSlots.PROBES && !kept.emptyAt(hash, probe); probe++) {
            Kept<V> k = kept.at(hash, probe);
            if (k != null && k.lo == lo && k.hi == hi && k.v4 == v4 && k.device.equals(device)) {
                return k.value;
            }
        }
        V made = make.apply(device, address);
        kept.keep(hash, new Kept<>(device, hi, lo, v4, made));
        return made;
    }
}
