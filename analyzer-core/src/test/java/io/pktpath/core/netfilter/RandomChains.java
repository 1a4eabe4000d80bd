package io.pktpath.core.netfilter;

import io.pktpath.core.engine.Packet;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ArbitrarySupplier;

/**
 * Random chains of up to 30 rules (of {@link PortIndexProperties#rule}), sub-chains they may jump into, and a dozen
 * packets, for the properties that compare two ways of walking the same chain with {@code @ForAll(supplier = ...)}.
 */
final class RandomChains {
    private RandomChains() {
    }

    /** One to 30 rules that may jump into the sub-chain. */
    static final class Rules implements ArbitrarySupplier<List<String>> {
        @Override
        public Arbitrary<List<String>> get() {
            return PortIndexProperties.rule(false).list().ofMinSize(1).ofMaxSize(30);
        }
    }

    /** Up to 20 rules of a sub-chain, none of which jumps. */
    static final class SubRules implements ArbitrarySupplier<List<String>> {
        @Override
        public Arbitrary<List<String>> get() {
            return PortIndexProperties.rule(true).list().ofMinSize(0).ofMaxSize(20);
        }
    }

    /** Twelve packets towards the services and the node the rules name. */
    static final class Packets implements ArbitrarySupplier<List<Packet>> {
        @Override
        public Arbitrary<List<Packet>> get() {
            return new PortIndexProperties().packets().list().ofMinSize(12).ofMaxSize(12);
        }
    }
}
