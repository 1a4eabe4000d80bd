package io.pktpath.core.bench;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/** kube-proxy's chain-name hashing (base32 of SHA-256, first 16 characters) and Calico-like veth names. */
final class KubeNames {
    private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    private KubeNames() {
    }

    /** {@code prefix + base32(sha256(text))[:16]}, as kube-proxy's portProtoHash / servicePortEndpointChainName. */
    static String chain(String prefix, String text) {
        byte[] d = sha256(text);
        StringBuilder sb = new StringBuilder(prefix);
        long bits = 0;
        int have = 0;
        int i = 0;
        while (sb.length() < prefix.length() + 16) {
            if (have < 5) {
                bits = bits << 8 | (d[i++] & 0xff);
                have += 8;
            }
            sb.append(BASE32.charAt((int) (bits >>> (have - 5)) & 31));
            have -= 5;
        }
        return sb.toString();
    }

    /** 11 lowercase hex characters of the SHA-256 of {@code text} (Calico names veths cali + 11 hex). */
    static String hex11(String text) {
        byte[] d = sha256(text);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; sb.length() < 11; i++) {
            sb.append(String.format(Locale.ROOT, "%02x", d[i] & 0xff));
        }
        return sb.substring(0, 11);
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
