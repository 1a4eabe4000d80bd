package io.pktpath.core.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.engine.ChoiceOracle;
import io.pktpath.core.engine.Packet;
import io.pktpath.core.trace.Tuple;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.IpFamily;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Interface answers are the node's, for names in the identity array, beyond it, and for equal but distinct strings. */
class CapturedInterfacesTest {

    /** A node whose interfaces br0..br9 are bridges and portN is a port of br(N % 10); it answers nothing else. */
    private static final class BridgesOnly implements NodePath {
        int bridgeOfCalls;

        @Override
        public boolean isBridge(String iface) {
            return iface.matches("br\\d");
        }

        @Override
        public Optional<String> bridgeOf(String iface) {
            bridgeOfCalls++;
            return iface.startsWith("port") ? Optional.of("br" + Integer.parseInt(iface.substring(4)) % 10) : Optional.empty();
        }

        @Override
        public PathRun ingress(Packet packet, ChoiceOracle oracle, boolean collectMisses) {
            throw new UnsupportedOperationException();
        }

        @Override
        public PathRun localOut(Packet packet, ChoiceOracle oracle, boolean collectMisses) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CommitOutcome commit(PathRun run, Packet packet) {
            throw new UnsupportedOperationException();
        }

        @Override
        public PathRun observed(PathRun run, Tuple leftAs, String seenIn) {
            throw new UnsupportedOperationException();
        }

        @Override
        public PathRun bridged(Packet packet, ChoiceOracle oracle, boolean collectMisses) {
            throw new UnsupportedOperationException();
        }

        @Override
        public PathRun neverLeft(PathRun run) {
            throw new UnsupportedOperationException();
        }

        @Override
        public PathRun lostRace(PathRun run, long winner) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<String> interfaceWithMac(long mac) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean bridgeNetfilter(IpFamily family) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean isLocal(IpAddress address) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void answersAsTheNodeForEveryNameNotedInAnyNumber() {
        BridgesOnly node = new BridgesOnly();
        CapturedInterfaces interfaces = new CapturedInterfaces(node);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            names.add(i % 3 == 0 ? "port" + i : i % 3 == 1 ? "br" + (i % 10) : "cali" + i);
        }
        for (int round = 0; round < 3; round++) {
            names.forEach(interfaces::note);
        }
        for (String name : names) {
            String copy = new String(name);
            assertTrue(interfaces.seen(name), name);
            assertTrue(interfaces.seen(copy), name);
            assertEquals(node.bridgeOf(name), interfaces.bridgeOf(name), name);
            assertEquals(node.bridgeOf(name), interfaces.bridgeOf(copy), name);
            assertEquals(node.isBridge(name), interfaces.isBridge(name), name);
            assertEquals(node.isBridge(name), interfaces.isBridge(copy), name);
        }
        assertFalse(interfaces.seen("eth0"));
        for (int b = 0; b < 10; b++) {
            int bridge = b;
            boolean hasPort = names.stream().anyMatch(n -> n.startsWith("port") && Integer.parseInt(n.substring(4)) % 10 == bridge);
            assertEquals(hasPort, interfaces.hasPortFrames("br" + b), "br" + b);
        }
    }

    @Test
    void namesWhoseHashesShareAHintSlotGetTheirOwnAnswers() {
        BridgesOnly node = new BridgesOnly();
        CapturedInterfaces interfaces = new CapturedInterfaces(node);
        List<String> colliding = new ArrayList<>();
        java.util.Set<Integer> bridges = new java.util.HashSet<>();
        for (int i = 0; colliding.size() < 4; i++) {
            String name = "port" + i;
            if ((name.hashCode() & 255) == ("port1".hashCode() & 255) && bridges.add(i % 10)) {
                colliding.add(name);
            }
        }
        colliding.forEach(interfaces::note);
        for (int round = 0; round < 3; round++) {
            for (String name : colliding) {
                assertEquals(node.bridgeOf(name), interfaces.bridgeOf(name), name);
                assertTrue(interfaces.seen(name), name);
                assertFalse(interfaces.isBridge(name), name);
            }
        }
        assertEquals(4, colliding.stream().map(node::bridgeOf).distinct().count(), "the answers differ: " + colliding);
    }

    @Test
    void aNameIsAskedOfTheNodeOnce() {
        BridgesOnly node = new BridgesOnly();
        CapturedInterfaces interfaces = new CapturedInterfaces(node);
        for (int i = 0; i < 1000; i++) {
            interfaces.note("port" + (i % 7));
            interfaces.bridgeOf("port" + (i % 7));
        }
        assertEquals(7, node.bridgeOfCalls);
    }

    @Test
    void withoutANodeNothingIsABridgePort() {
        CapturedInterfaces interfaces = new CapturedInterfaces(null);
        interfaces.note("port1");
        assertTrue(interfaces.seen("port1"));
        assertEquals(Optional.empty(), interfaces.bridgeOf("port1"));
        assertFalse(interfaces.hasPortFrames("br1"));
    }
}
