package io.certdesk.trust;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.net.ssl.X509TrustManager;

import io.certdesk.authority.Crypto;

/**
 * The trust managers Tomcat instantiates (by class name, with no arguments) for the mTLS test endpoints: one
 * subclass per listener slot, so each listener asks the {@link ClientTrust} of its own environment at every
 * handshake. Newly trusted partner CAs and new revocations take effect without a restart.
 */
public abstract class MtlsTrustManager implements X509TrustManager {

    static final int SLOTS = 8;

    /** Per slot, the trust of each running certdesk application in this JVM (in production exactly one). */
    @SuppressWarnings("unchecked")
    private static final List<ClientTrust>[] TRUSTS = new List[SLOTS];

    static {
        for (int i = 0; i < SLOTS; i++) {
            TRUSTS[i] = new CopyOnWriteArrayList<>();
        }
    }

    private final int slot;

    protected MtlsTrustManager(int slot) {
        this.slot = slot;
    }

    static String className(int slot) {
        if (slot < 0 || slot >= SLOTS) {
            throw new IllegalArgumentException("at most " + SLOTS + " mTLS test endpoints");
        }
        return MtlsTrustManager.class.getName() + "$Slot" + slot;
    }

    static void register(int slot, ClientTrust trust) {
        TRUSTS[slot].add(trust);
    }

    static void unregister(int slot, ClientTrust trust) {
        TRUSTS[slot].remove(trust);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        // before any look-up: a key whose signature costs seconds to check (a DSA domain of the client's making) ends here
        if (chain == null || chain.length == 0 || !Crypto.signaturesCheckable(chain[0].getPublicKey())) {
            throw new CertificateException("the client certificate's key is not one certdesk certifies");
        }
        CertificateException refusal = new CertificateException("certdesk is starting: no client is trusted yet");
        for (ClientTrust trust : TRUSTS[slot]) {
            try {
                trust.check(chain);
                return;
            } catch (CertificateException e) {
                refusal = e;
            }
        }
        throw refusal;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("the mTLS test endpoint only checks clients");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return TRUSTS[slot].stream().flatMap(t -> Arrays.stream(t.acceptedIssuers())).toArray(X509Certificate[]::new);
    }

    public static class Slot0 extends MtlsTrustManager { public Slot0() { super(0); } }
    public static class Slot1 extends MtlsTrustManager { public Slot1() { super(1); } }
    public static class Slot2 extends MtlsTrustManager { public Slot2() { super(2); } }
    public static class Slot3 extends MtlsTrustManager { public Slot3() { super(3); } }
    public static class Slot4 extends MtlsTrustManager { public Slot4() { super(4); } }
    public static class Slot5 extends MtlsTrustManager { public Slot5() { super(5); } }
    public static class Slot6 extends MtlsTrustManager { public Slot6() { super(6); } }
    public static class Slot7 extends MtlsTrustManager { public Slot7() { super(7); } }
}
