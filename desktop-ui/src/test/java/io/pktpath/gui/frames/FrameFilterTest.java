package io.pktpath.gui.frames;

import io.pktpath.core.trace.Disposition;
import io.pktpath.gui.Samples;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FrameFilterTest {
    private final List<FrameRow> rows = Samples.session("no-endpoints-reject").rows();

    private List<Long> frames(FrameFilter f) {
        return rows.stream().filter(f).map(FrameRow::frame).toList();
    }

    @Test
    void dispositionKeepsTheThreeRejectedProbes() {
        // README: pod TCP, pod UDP and the external NodePort SYN are REJECTed; the node's own SYN is answered locally
        assertEquals(List.of(3L, 5L, 11L),
                frames(FrameFilter.of("", "", "", Optional.of(Disposition.REJECTED), "")));
    }

    @Test
    void portMatchesSourceOrDestination() {
        assertEquals(List.of(11L), frames(FrameFilter.of("", "30082", "", Optional.empty(), "")));
        assertEquals(List.of(5L), frames(FrameFilter.of("", "53", "", Optional.empty(), "")));
    }

    @Test
    void addressPrefixProtocolAndTextCombine() {
        assertEquals(List.of(3L, 5L), frames(FrameFilter.of("10.96.0.", "", "", Optional.empty(), "")));
        assertEquals(List.of(4L, 6L, 12L, 13L), frames(FrameFilter.of("", "", "ICMP", Optional.empty(), "")));
        assertEquals(List.of(1L, 7L, 9L), frames(FrameFilter.of("", "", "", Optional.empty(), "who-has")));
        assertEquals(List.of(12L), frames(FrameFilter.of("172.18.0.1", "", "icmp", Optional.empty(), "")));
    }

    @Test
    void badPortIsReportedAndIgnored() {
        assertEquals(Optional.of("port \"80x\" is not a number from 0 to 65535"), FrameFilter.portError("80x"));
        assertEquals(Optional.of("port \"70000\" is not a number from 0 to 65535"), FrameFilter.portError("70000"));
        assertEquals(Optional.empty(), FrameFilter.portError(" 443 "));
        assertEquals(rows.size(), frames(FrameFilter.of("", "80x", "", Optional.empty(), "")).size());
    }

    @Test
    void tableModelFiltersAndFindsRows() {
        FrameTableModel model = new FrameTableModel();
        model.setRows(rows);
        model.filterProperty().set(FrameFilter.of("", "", "", Optional.of(Disposition.REJECTED), ""));
        assertEquals(List.of(3L, 5L, 11L), model.visible().stream().map(FrameRow::frame).toList());
        assertEquals(1, model.indexOf(5).getAsInt());
        assertEquals(true, model.indexOf(4).isEmpty());
    }

    @Test
    void rowShowsEndpointsAndDisposition() {
        FrameRow r = rows.get(2);
        assertEquals("10.244.1.2:58848", r.sourceText());
        assertEquals("10.96.0.30:80", r.destinationText());
        assertEquals("tcp", r.protocol());
        assertEquals("rejected", r.dispositionText());
        assertEquals("frame-failed", r.styleClass());
        // frame 1, the pod's ARP request for its gateway, which the node answers by proxy_arp
        assertEquals("delivered locally", rows.get(0).dispositionText());
        assertEquals("frame-passed", rows.get(0).styleClass());
    }
}
