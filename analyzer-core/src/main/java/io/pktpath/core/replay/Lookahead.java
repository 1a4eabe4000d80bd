package io.pktpath.core.replay;

import io.pktpath.core.engine.Packet;
import io.pktpath.parser.net.IpFamily;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The frames read ahead of the one being replayed, in capture order, with the frames that may be a packet's copy
 * leaving the node (not inbound, decoded) indexed by the identity of the packet they carry: finding the copies of a
 * packet costs the copies, not the window. Without the index a packet whose copy the capture lacks (a capture of one
 * interface, or rules that predict another egress) read every frame of the window, thousands per packet.
 */
final class Lookahead implements Iterable<CapturedPacket> {
    private CapturedPacket[] frames = new CapturedPacket[16];
    /** The latest capture time among all frames read up to each one (in capture order, those already replayed too). */
    private long[] latestUpTo = new long[16];
    private long[] keys = new long[16];
    /** The next indexed frame of the same bucket, in capture order (-1 at the end or when not indexed). */
    private int[] nextInBucket = new int[16];
    private int[] bucketFirst = newBuckets(32);
    private int[] bucketLast = newBuckets(32);
    private int head;
    private int size;
    private long latest = Long.MIN_VALUE;
    private long polledLatest = Long.MIN_VALUE;
    private final boolean indexed;

    /** A lookahead whose {@link #copyCandidates} uses its index, or (for comparison) always says to scan every frame. */
    Lookahead(boolean indexed) {
        this.indexed = indexed;
    }

    private static int[] newBuckets(int n) {
        int[] b = new int[n];
        java.util.Arrays.fill(b, -1);
        return b;
    }

    /**
     * Notes a frame read from the capture in order, whether it enters the lookahead ({@link #add}) or is replayed at
     * once; returns the latest capture time of the frames read so far, this one included.
     */
    long noteRead(CapturedPacket frame) {
        latest = Math.max(latest, frame.summary().timeNanos());
        return latest;
    }

    /** Appends a frame read after all the others (call {@link #noteRead} for it first). */
    void add(CapturedPacket frame) {
        if (size == frames.length) {
            grow();
        }
        int slot = (head + size) & (frames.length - 1);
        frames[slot] = frame;
        latestUpTo[slot] = latest;
        nextInBucket[slot] = -1;
        size++;
        if (isCopyCandidate(frame)) {
            long key = identityKey(frame.ipPacket(), frame.payloadHash());
            keys[slot] = key;
            link(slot, key);
        }
    }

    private void link(int slot, long key) {
        int b = bucket(key);
        if (bucketFirst[b] < 0) {
            bucketFirst[b] = slot;
        } else {
            nextInBucket[bucketLast[b]] = slot;
        }
        bucketLast[b] = slot;
    }

    /**
     * Removes and returns the oldest frame, or null when empty; {@link #polledLatest} then gives the latest capture time
     * of the frames read up to it.
     */
    CapturedPacket poll() {
        if (size == 0) {
            return null;
        }
        CapturedPacket frame = frames[head];
        polledLatest = latestUpTo[head];
        if (isCopyCandidate(frame)) {
            int b = bucket(keys[head]);
            // the oldest frame is the first of its bucket
            bucketFirst[b] = nextInBucket[head];
            if (bucketFirst[b] < 0) {
                bucketLast[b] = -1;
            }
        }
        frames[head] = null;
        head = (head + 1) & (frames.length - 1);
        size--;
        return frame;
    }

    /** The latest capture time of the frames read up to the one {@link #poll} returned last. */
    long polledLatest() {
        return polledLatest;
    }

    /** The latest capture time of all frames read so far. */
    long latest() {
        return latest;
    }

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    /** The newest frame, or null when empty. */
    CapturedPacket peekLast() {
        return size == 0 ? null : frames[(head + size - 1) & (frames.length - 1)];
    }

    /**
     * The frames of the lookahead, in capture order, that a linear scan for copies of {@code packet} (carrying
     * {@code payloadHash}) stopping at the first frame captured after {@code untilNanos} would consider: those that are
     * not inbound, decoded and carry a packet of the same identity ({@link ReplayLoop#sameIdentity}) and payload hash
     * (others may share their bucket: callers check), up to that first late frame, which ends the iteration; null when
     * the index cannot say where that frame is, because a frame read before the lookahead was captured after
     * {@code untilNanos} (a capture whose clock went back by more than the window), or the lookahead has no index:
     * then scan every frame. {@code latestBefore} is the latest capture time of the frames read up to the one whose
     * copies are sought.
     */
    Iterable<CapturedPacket> copyCandidates(Packet packet, int payloadHash, long latestBefore, long untilNanos) {
        if (!indexed || latestBefore > untilNanos) {
            return null;
        }
        long key = identityKey(packet, payloadHash);
        return () -> new Iterator<>() {
            private int slot = advance(bucketFirst[bucket(key)]);

            private int advance(int from) {
                for (int s = from; s >= 0; s = nextInBucket[s]) {
                    if (latestUpTo[s] > untilNanos) {
                        return -1;
                    }
                    if (keys[s] == key) {
                        return s;
                    }
                }
                return -1;
            }

            @Override
            public boolean hasNext() {
                return slot >= 0;
            }

            @Override
            public CapturedPacket next() {
                if (slot < 0) {
                    throw new NoSuchElementException();
                }
                CapturedPacket frame = frames[slot];
                slot = advance(nextInBucket[slot]);
                return frame;
            }
        };
    }

    @Override
    public Iterator<CapturedPacket> iterator() {
        return new Iterator<>() {
            private int i;

            @Override
            public boolean hasNext() {
                return i < size;
            }

            @Override
            public CapturedPacket next() {
                if (i >= size) {
                    throw new NoSuchElementException();
                }
                return frames[(head + i++) & (frames.length - 1)];
            }
        };
    }

    private void grow() {
        int n = frames.length * 2;
        CapturedPacket[] f = new CapturedPacket[n];
        long[] l = new long[n];
        long[] k = new long[n];
        for (int i = 0; i < size; i++) {
            int from = (head + i) & (frames.length - 1);
            f[i] = frames[from];
            l[i] = latestUpTo[from];
            k[i] = keys[from];
        }
        frames = f;
        latestUpTo = l;
        keys = k;
        nextInBucket = new int[n];
        bucketFirst = newBuckets(2 * n);
        bucketLast = newBuckets(2 * n);
        head = 0;
        for (int i = 0; i < size; i++) {
            nextInBucket[i] = -1;
            if (isCopyCandidate(frames[i])) {
                link(i, keys[i]);
            }
        }
    }

    private int bucket(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ h >>> 32) & (bucketFirst.length - 1);
    }

    /** A frame that may be a packet's copy leaving the node: not inbound, decoded. */
    static boolean isCopyCandidate(CapturedPacket frame) {
        return !frame.inbound() && frame.hasPacket();
    }

    /**
     * A number equal for any two packets {@link ReplayLoop#sameIdentity} calls the same with the same payload hash:
     * made of exactly the fields it compares.
     */
    static long identityKey(Packet p, int payloadHash) {
        long k = p.family().ordinal();
        k = k * 31 + p.proto();
        k = k * 31 + p.payloadLength();
        if (p.family() == IpFamily.V4) {
            k = k * 31 + p.ipId();
        }
        if (p.isTcp()) {
            k = k * 31 + p.seq();
            k = k * 31 + p.tcpFlags();
        } else if (p.isIcmp()) {
            k = k * 31 + p.icmpType();
            k = k * 31 + p.icmpCode();
        } else if (p.family() != IpFamily.V4) {
            k = k * 31 + p.length();
        }
        return k * 0x9E3779B97F4A7C15L + payloadHash;
    }
}
