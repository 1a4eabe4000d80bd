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
    /** Whether answers are kept only at their second ask ({@link AnswerSlots#askedBefore}). */
    private final boolean keepWhenAskedAgain;

    /** At most {@code slots} answers (past them, newer answers replace older ones), each kept when first made. */
    DeviceAddressAnswers(int slots) {
        this(slots, false);
    }

    /**
     * At most {@code slots} answers; with {@code keepWhenAskedAgain}, an answer is kept only when its device and
     * address are asked a second time ({@link AnswerSlots#askedBefore}): questions asked once leave no object behind.
     */
    DeviceAddressAnswers(int slots, boolean keepWhenAskedAgain) {
        this.kept = new AnswerSlots<>(slots);
        this.keepWhenAskedAgain = keepWhenAskedAgain;
    }

    /**
     * The answer for {@code address} on {@code device}: the one kept, else {@code make}'s (then kept, unless answers
     * are kept only when asked again and this is the first ask).
     */
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
        if (!keepWhenAskedAgain || kept.askedBefore(hash)) {
            kept.keep(hash, new Kept<>(device, hi, lo, v4, made));
        }
        return made;
    }
}
