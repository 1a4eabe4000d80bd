package io.pktpath.parser.iptables.listing;

import java.io.IOException;

/** The real listings under {@code iptables-listings/} (see ListingReaderTest), for tests of other packages. */
public final class ListingReaderTestResources {
    private ListingReaderTestResources() {
    }

    public static String text(String path) throws IOException {
        return ListingReaderTest.resource(path);
    }
}
