package io.pktpath.core.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pktpath.core.engine.LinkClass;
import io.pktpath.core.trace.CheckStep;
import io.pktpath.core.trace.ConntrackStep;
import io.pktpath.core.trace.CtState;
import io.pktpath.core.trace.DeferredText;
import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.Hook;
import io.pktpath.core.trace.HookStep;
import io.pktpath.core.trace.TraceStep;
import io.pktpath.parser.net.IpAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A remembered suffix's full path for a packet that reached the lookup without walking a table: the hook and lookup
 * steps followed by the suffix's, the same immutable list for the same two step objects and a new one for others.
 */
class SteadyEntryTest {
    private static final List<TraceStep> SUFFIX = List.of(new CheckStep(Hook.FORWARD, "ip_forward", true, "ttl 64"),
            new CheckStep(Hook.POSTROUTING, "neighbor", true, "reachable"));

    private static SteadyEntry entry() {
        SteadyPaths.Key key = new SteadyPaths.Key(CtState.ESTABLISHED, 0, Set.of(), 6, IpAddress.v4(0x0a000001), 40000,
                IpAddress.v4(0x0a000002), 80, "eth0", "", "", false, 0, 0, 0, false, LinkClass.UNICAST,
                Optional.empty(), 4);
        SteadyPaths.Suffix suffix = new SteadyPaths.Suffix(SUFFIX, List.of(), List.of(), 0, Optional.empty(),
                Optional.empty(), Disposition.FORWARDED, DeferredText.of("forwarded"), false, Optional.empty(), -1, 0,
                0, -1);
        return new SteadyEntry(key, suffix);
    }

    private static ConntrackStep lookup(long flow) {
        return new ConntrackStep(Hook.PREROUTING, CtState.ESTABLISHED, false, false, flow, "flow #" + flow);
    }

    @Test
    void fullPathIsTheHookAndLookupStepsThenTheSuffix() {
        HookStep hook = new HookStep(Hook.PREROUTING, List.of("raw", "mangle", "nat"));
        ConntrackStep ct = lookup(7);
        List<TraceStep> path = entry().stepsAfter(hook, ct);
        List<TraceStep> expected = new ArrayList<>(List.of(hook, ct));
        expected.addAll(SUFFIX);
        assertEquals(expected, path);
        assertEquals(entry().stepsAfter(List.of(hook, ct)), path);
        assertThrows(UnsupportedOperationException.class, () -> path.set(0, ct));
    }

    @Test
    void theSameStepObjectsGetTheSamePathAndOthersANewOne() {
        SteadyEntry entry = entry();
        HookStep hook = new HookStep(Hook.PREROUTING, List.of("raw", "mangle", "nat"));
        ConntrackStep ct = lookup(7);
        List<TraceStep> first = entry.stepsAfter(hook, ct);
        assertSame(first, entry.stepsAfter(hook, ct));

        // an equal but distinct lookup step (another transition's, or another connection's) is not taken for the same
        ConntrackStep other = lookup(8);
        List<TraceStep> second = entry.stepsAfter(hook, other);
        assertNotSame(first, second);
        assertSame(other, second.get(1));
        assertSame(ct, first.get(1), "the path handed out before is never changed");
        assertSame(second, entry.stepsAfter(hook, other));

        HookStep otherHook = new HookStep(Hook.PREROUTING, List.of("mangle"));
        List<TraceStep> third = entry.stepsAfter(otherHook, other);
        assertNotSame(second, third);
        assertSame(otherHook, third.get(0));
        assertEquals(4, third.size());
    }
}
