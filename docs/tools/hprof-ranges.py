#!/usr/bin/env python3
"""Which classes lie in given address ranges of a HotSpot heap dump (docs/benchmarks.md, "What survives a young collection").

usage: hprof-ranges.py DUMP.hprof START:END:NAME [START:END:NAME ...]

START and END are hexadecimal addresses, for example the survivor space and the part of the old generation that a
young collection promoted into, as `-Xlog:gc*=debug` prints them for the collection before the dump
(`from space ... [0x00000007fd600000,0x00000007fe098000,...)` after it, and `object space` before and after). Take the
dump with `jcmd PID GC.heap_dump -all FILE` so that no collection runs first. HotSpot writes object addresses as the
dump's object ids; sizes are the dump's field bytes plus a 16-byte header (references count 8 bytes each, so with
compressed references the heap holds less than the figures say: compare shares, not bytes).
"""
import collections
import struct
import sys

TYPE_SIZE = {4: 1, 5: 2, 6: 4, 7: 8, 8: 1, 9: 2, 10: 4, 11: 8}
PRIMITIVE = {4: 'boolean[]', 5: 'char[]', 6: 'float[]', 7: 'double[]', 8: 'byte[]', 9: 'short[]', 10: 'int[]',
             11: 'long[]'}


def main(path, ranges):
    data = open(path, 'rb').read()
    p = data.index(b'\0') + 1
    if struct.unpack('>I', data[p:p + 4])[0] != 8:
        sys.exit('only 8-byte identifiers are read')
    p += 12
    oid = lambda at: struct.unpack('>Q', data[at:at + 8])[0]
    u32 = lambda at: struct.unpack('>I', data[at:at + 4])[0]
    u16 = lambda at: struct.unpack('>H', data[at:at + 2])[0]
    strings, names = {}, {}
    count = {r[2]: collections.Counter() for r in ranges}
    size = {r[2]: collections.Counter() for r in ranges}

    def note(address, name, nbytes):
        for start, end, label in ranges:
            if start <= address < end:
                count[label][name] += 1
                size[label][name] += nbytes

    while p < len(data):
        tag, length = data[p], u32(p + 5)
        body, p = p + 9, p + 9 + length
        if tag == 0x01:
            strings[oid(body)] = data[body + 8:body + length].decode('utf8', 'replace')
        elif tag == 0x02:
            names[oid(body + 4)] = strings.get(oid(body + 16), '?').replace('/', '.')
        elif tag in (0x0c, 0x1c):
            q = body
            while q < body + length:
                sub = data[q]
                q += 1
                if sub == 0xff:
                    q += 8
                elif sub in (0x01, 0x02, 0x03, 0x08):
                    q += 16
                elif sub in (0x04, 0x06):
                    q += 12
                elif sub in (0x05, 0x07):
                    q += 8
                elif sub == 0x20:
                    q += 8 + 4 + 8 * 6 + 4
                    constants = u16(q)
                    q += 2
                    for _ in range(constants):
                        kind = data[q + 2]
                        q += 3 + (8 if kind == 2 else TYPE_SIZE[kind])
                    statics = u16(q)
                    q += 2
                    for _ in range(statics):
                        kind = data[q + 8]
                        q += 9 + (8 if kind == 2 else TYPE_SIZE[kind])
                    q += 2 + u16(q) * 9
                elif sub == 0x21:
                    n = u32(q + 20)
                    note(oid(q), names.get(oid(q + 12), '?'), n + 16)
                    q += 24 + n
                elif sub == 0x22:
                    n = u32(q + 12)
                    note(oid(q), names.get(oid(q + 16), '?'), n * 8 + 16)
                    q += 24 + n * 8
                elif sub == 0x23:
                    n, kind = u32(q + 12), data[q + 16]
                    note(oid(q), PRIMITIVE[kind], n * TYPE_SIZE[kind] + 16)
                    q += 17 + n * TYPE_SIZE[kind]
                else:
                    sys.exit('unknown heap dump record 0x%x at byte %d' % (sub, q))
    for _, _, label in ranges:
        total = sum(size[label].values())
        print('== %s: %d objects, about %d bytes' % (label, sum(count[label].values()), total))
        for name, nbytes in size[label].most_common(40):
            print('%10d %5.1f%% %8d  %s' % (nbytes, 100.0 * nbytes / max(total, 1), count[label][name], name))


if __name__ == '__main__':
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    main(sys.argv[1], [(int(a, 16), int(b, 16), n) for a, b, n in (r.split(':', 2) for r in sys.argv[2:])])
