package io.certdesk.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.io.ByteArrayInputStream;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.List;

import io.certdesk.support.TestPki;
import io.certdesk.trust.TrustService;
import org.junit.jupiter.api.Test;

/**
 * The trust stores are public downloads: a PKCS#12 store costs two password derivations to build, so a flood of
 * downloads must not build one each; a store served is still always the current bundle.
 */
class TrustBundleControllerTest {

    private static final Instant NOW = Instant.now();
    private final X509Certificate certdeskCa = TestPki.root("CN=certdesk qa CA", NOW.minus(1, ChronoUnit.DAYS), NOW.plus(365, ChronoUnit.DAYS)).certificate();
    private final X509Certificate partnerCa = TestPki.root("CN=Partner Root", NOW.minus(1, ChronoUnit.DAYS), NOW.plus(365, ChronoUnit.DAYS)).certificate();

    private static List<X509Certificate> entries(byte[] bytes, String type) throws Exception {
        KeyStore store = KeyStore.getInstance(type);
        store.load(new ByteArrayInputStream(bytes), TrustBundleController.TRUST_STORE_PASSWORD.toCharArray());
        return Collections.list(store.aliases()).stream().map(alias -> {
            try {
                return (X509Certificate) store.getCertificate(alias);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    @Test
    void aStoreIsBuiltOncePerBundleAndAgainWhenTheBundleChanges() throws Exception {
        TrustService trust = mock(TrustService.class);
        when(trust.bundle("qa")).thenReturn(List.of(certdeskCa));
        TrustBundleController controller = new TrustBundleController(trust);

        byte[] first = controller.pkcs12("qa").getBody();
        // a PKCS#12 store has a fresh salt each time it is built: the same bytes mean it was not built again
        assertThat(controller.pkcs12("qa").getBody()).isEqualTo(first);
        assertThat(entries(first, "PKCS12")).containsExactly(certdeskCa);
        assertThat(entries(controller.jks("qa").getBody(), "JKS")).containsExactly(certdeskCa);

        when(trust.bundle("qa")).thenReturn(List.of(certdeskCa, partnerCa));
        assertThat(entries(controller.pkcs12("qa").getBody(), "PKCS12")).containsExactlyInAnyOrder(certdeskCa, partnerCa);
        assertThat(entries(controller.jks("qa").getBody(), "JKS")).containsExactlyInAnyOrder(certdeskCa, partnerCa);

        when(trust.bundle("qa")).thenReturn(List.of(partnerCa));
        assertThat(entries(controller.pkcs12("qa").getBody(), "PKCS12")).as("a partner removed, or a CA retired").containsExactly(partnerCa);
    }
}
