package io.certdesk.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.certdesk.authority.Pem;
import io.certdesk.request.Quoted;
import io.certdesk.trust.TrustService;
import io.certdesk.trust.chain.NameRule;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * The environment's trust bundle for API gateways: its CA plus every approved partner CA, as PEM and as PKCS#12
 * and JKS trust stores (password {@code changeit}: they hold public certificates only).
 */
@RestController
public class TrustBundleController {

    public static final String TRUST_STORE_PASSWORD = "changeit";

    private final TrustService trust;
    /** The last store built per environment and type; only environments that exist get one. */
    private final Map<String, Built> stores = new ConcurrentHashMap<>();

    public TrustBundleController(TrustService trust) {
        this.trust = trust;
    }

    @GetMapping("/pki/{environment}/trust-bundle.pem")
    public ResponseEntity<String> pem(@PathVariable String environment) {
        StringBuilder out = new StringBuilder();
        for (X509Certificate ca : trust.bundle(environment)) {
            // the name is a partner's choice: one line, control characters written out, so it can add nothing
            out.append("# ").append(Quoted.shown(ca.getSubjectX500Principal().getName(), NameRule.MAX_LENGTH)).append('\n')
                    .append(Pem.encode(ca));
        }
        return ResponseEntity.ok().contentType(MediaType.parseMediaType("application/x-pem-file")).body(out.toString());
    }

    @GetMapping("/pki/{environment}/trust-bundle.p12")
    public ResponseEntity<byte[]> pkcs12(@PathVariable String environment) throws Exception {
        return store(environment, "PKCS12");
    }

    @GetMapping("/pki/{environment}/trust-bundle.jks")
    public ResponseEntity<byte[]> jks(@PathVariable String environment) throws Exception {
        return store(environment, "JKS");
    }

    private ResponseEntity<byte[]> store(String environment, String type) throws Exception {
        List<X509Certificate> bundle = trust.bundle(environment);
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        for (X509Certificate ca : bundle) {
            digest.update(digest.digest(ca.getEncoded()));
        }
        String contents = HexFormat.of().formatHex(digest.digest());
        // a PKCS#12 store costs two password derivations of 10,000 rounds each: built once per bundle, not per request,
        // and once when many downloads come at the same time
        Built built = stores.compute(environment + "/" + type, (key, cached) -> cached != null && cached.contents().equals(contents)
                ? cached : new Built(contents, build(environment, type, bundle)));
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_OCTET_STREAM)
                .header("Content-Disposition", "attachment; filename=\"" + environment + "-trust-bundle." + (type.equals("JKS") ? "jks" : "p12") + "\"")
                .body(built.bytes());
    }

    /** A trust store as served, with the SHA-256 over its certificates' hashes it was built from. */
    private record Built(String contents, byte[] bytes) {
    }

    private static byte[] build(String environment, String type, List<X509Certificate> bundle) {
        try {
            return write(environment, type, bundle);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("the " + type + " trust store could not be written", e);
        }
    }

    private static byte[] write(String environment, String type, List<X509Certificate> bundle) throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance(type);
        store.load(null, null);
        for (int i = 0; i < bundle.size(); i++) {
            store.setCertificateEntry(i == 0 ? environment + "-ca" : "partner-" + i, bundle.get(i));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        store.store(out, TRUST_STORE_PASSWORD.toCharArray());
        return out.toByteArray();
    }
}
