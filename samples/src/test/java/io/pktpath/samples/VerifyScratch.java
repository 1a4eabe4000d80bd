package io.pktpath.samples;

import io.pktpath.core.verify.Verifier;
import io.pktpath.core.verify.VerifyReport;
import java.nio.file.Files;
import java.nio.file.Path;

/** Scratch: verify every bundle, one line each. */
public final class VerifyScratch {
    public static void main(String[] a) throws Exception {
        try (var dirs = Files.list(Path.of(a[0]))) {
            for (Path d : dirs.sorted().toList()) {
                if (a.length > 1 && !d.getFileName().toString().equals(a[1])) {
                    continue;
                }
                VerifyReport r = Verifier.verify(d);
                System.out.println(d.getFileName() + ": " + r.compared() + "/" + r.kernelPackets() + " compared, equal " + r.equal() + "; counters " + r.hitsEqual() + "/" + r.hitsCompared() + " untied " + r.untied().size());
                if (a.length > 1) {
                    System.out.println(r.text());
                }
            }
        }
    }
}
