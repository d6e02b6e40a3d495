package io.certdesk.web;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import io.certdesk.authority.CertificateAuthorities;
import io.certdesk.authority.CertificateAuthority;
import io.certdesk.authority.CertificateCheck;
import io.certdesk.authority.OcspRequestLimits;
import io.certdesk.authority.SerialNumbers;
import io.certdesk.authority.UnknownEnvironmentException;
import io.certdesk.inventory.CertificateInventory;
import io.certdesk.inventory.IssuedCertificate;
import io.certdesk.revocation.CrlPublisher;
import io.certdesk.revocation.OcspService;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The public pages clients and relying parties use without logging in: CA download, fingerprint, validator, CRL, OCSP. */
@RestController
@RequestMapping("/pki/{environment}")
public class PkiController {

    static final int MAX_PEM_BYTES = 64 * 1024;
    private static final MediaType PEM = MediaType.parseMediaType("application/x-pem-file");
    private static final MediaType PKIX_CRL = MediaType.parseMediaType("application/pkix-crl");
    private static final MediaType OCSP_RESPONSE = MediaType.parseMediaType("application/ocsp-response");

    private final CertificateAuthorities authorities;
    private final CertificateInventory inventory;
    private final CrlPublisher crls;
    private final OcspService ocsp;
    private final Clock clock;

    public PkiController(CertificateAuthorities authorities, CertificateInventory inventory, CrlPublisher crls, OcspService ocsp,
                         Clock clock) {
        this.authorities = authorities;
        this.inventory = inventory;
        this.crls = crls;
        this.ocsp = ocsp;
        this.clock = clock;
    }

    /**
     * The environment's CA certificate; during a rollover's overlap the issuing CA first, then the older one, so
     * that {@code openssl verify -CAfile} accepts certificates of both and {@code openssl x509} shows the issuing one.
     */
    @GetMapping("/ca.pem")
    public ResponseEntity<String> caCertificate(@PathVariable String environment) {
        String pem = authorities.trusted(environment).stream().map(CertificateAuthority::certificatePem)
                .collect(Collectors.joining());
        return ResponseEntity.ok().contentType(PEM)
                .header("Content-Disposition", "inline; filename=\"" + environment + "-ca.pem\"")
                .body(pem);
    }

    /** One CA generation's certificate, as long as it publishes revocation status. */
    @GetMapping("/ca/{generation}.pem")
    public ResponseEntity<String> caGenerationCertificate(@PathVariable String environment, @PathVariable int generation) {
        return servingGeneration(environment, generation)
                .map(ca -> ResponseEntity.ok().contentType(PEM)
                        .header("Content-Disposition", "inline; filename=\"" + environment + "-ca-" + generation + ".pem\"")
                        .body(ca.certificatePem()))
                .orElseGet(() -> ResponseEntity.status(HttpStatus.NOT_FOUND).contentType(MediaType.TEXT_PLAIN)
                        .body("environment " + environment + " has no CA generation " + generation + " in service\n"));
    }

    @GetMapping(value = "/ca-fingerprint", produces = MediaType.TEXT_PLAIN_VALUE)
    public String caFingerprint(@PathVariable String environment) {
        return authorities.get(environment).sha256Fingerprint() + "\n";
    }

    /**
     * The CRL that certificates of the first CA generation name. After a rollover it stays that CA's CRL until
     * the last certificate it signed has expired, and is then the issuing CA's.
     */
    @GetMapping("/crl")
    public ResponseEntity<byte[]> crl(@PathVariable String environment) {
        CertificateAuthority ca = servingGeneration(environment, 1).orElseGet(() -> authorities.get(environment));
        return ResponseEntity.ok().contentType(PKIX_CRL)
                .header("Content-Disposition", "inline; filename=\"" + environment + ".crl\"")
                .body(crls.crl(ca));
    }

    /** The CRL of one CA generation, the URL its certificates name from generation 2 on. */
    @GetMapping("/crl/{generation}")
    public ResponseEntity<byte[]> crlOfGeneration(@PathVariable String environment, @PathVariable int generation) {
        return servingGeneration(environment, generation)
                .map(ca -> ResponseEntity.ok().contentType(PKIX_CRL)
                        .header("Content-Disposition", "inline; filename=\"" + environment + "-" + generation + ".crl\"")
                        .body(crls.crl(ca)))
                .orElseGet(() -> ResponseEntity.status(HttpStatus.NOT_FOUND).contentType(MediaType.TEXT_PLAIN)
                        .body(("environment " + environment + " has no CA generation " + generation + " that publishes a CRL\n")
                                .getBytes(StandardCharsets.US_ASCII)));
    }

    private Optional<CertificateAuthority> servingGeneration(String environment, int generation) {
        return authorities.serving(environment).stream().filter(ca -> ca.generation() == generation).findFirst();
    }

    /** RFC 6960 OCSP over POST; a body over {@value OcspRequestLimits#MAX_REQUEST_BYTES} bytes is refused unread (413). */
    @PostMapping(value = "/ocsp", consumes = "application/ocsp-request")
    public ResponseEntity<byte[]> ocsp(@PathVariable String environment, HttpServletRequest http) throws IOException {
        authorities.get(environment);
        if (http.getContentLengthLong() > OcspRequestLimits.MAX_REQUEST_BYTES) {
            return tooLarge();
        }
        byte[] request = http.getInputStream().readNBytes(OcspRequestLimits.MAX_REQUEST_BYTES + 1);
        if (request.length > OcspRequestLimits.MAX_REQUEST_BYTES) {
            return tooLarge();
        }
        return ocspAnswer(environment, request);
    }

    /** RFC 6960 OCSP over GET: the DER request, base64 and URL-encoded, as the last path segment. */
    @GetMapping("/ocsp/{request}")
    public ResponseEntity<byte[]> ocspGet(@PathVariable String environment, @PathVariable String request) {
        byte[] der;
        try {
            // the path variable arrives URL-decoded already; a '+' that became a space is put back
            der = Base64.getDecoder().decode(request.replace(' ', '+'));
        } catch (IllegalArgumentException e) {
            der = new byte[0];
        }
        if (der.length > OcspRequestLimits.MAX_REQUEST_BYTES) {
            return tooLarge();
        }
        return ocspAnswer(environment, der);
    }

    private ResponseEntity<byte[]> ocspAnswer(String environment, byte[] request) {
        return ResponseEntity.ok().contentType(OCSP_RESPONSE).body(ocsp.answer(environment, request));
    }

    private static ResponseEntity<byte[]> tooLarge() {
        return ResponseEntity.status(HttpStatus.PAYLOAD_TOO_LARGE).contentType(MediaType.TEXT_PLAIN)
                .body((OcspRequestLimits.Refusal.OCSP_REQUEST_TOO_LARGE.name() + ": "
                        + OcspRequestLimits.Refusal.OCSP_REQUEST_TOO_LARGE.fix() + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    /** A PEM certificate in; whether this environment's CA (any generation) issued it, and its state, out. */
    @PostMapping(value = "/validate", produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<Map<String, Object>> validate(@PathVariable String environment, HttpServletRequest http) throws IOException {
        authorities.get(environment);
        // read no more than the limit: a body of any size, announced or chunked, must not end up in memory
        byte[] body = http.getContentLengthLong() > MAX_PEM_BYTES ? null : http.getInputStream().readNBytes(MAX_PEM_BYTES + 1);
        if (body == null || body.length > MAX_PEM_BYTES) {
            return ResponseEntity.status(HttpStatus.PAYLOAD_TOO_LARGE).contentType(MediaType.APPLICATION_JSON)
                    .body(Map.of("error", "The body is larger than " + MAX_PEM_BYTES / 1024 + " KB; a certificate is a few KB."));
        }
        if (body.length == 0) {
            return badRequest("Send a PEM certificate (-----BEGIN CERTIFICATE----- ...) as the request body.");
        }
        String text = new String(body, StandardCharsets.US_ASCII);
        if (text.contains("PRIVATE KEY-----")) {
            return badRequest("The body contains a private key. Never send your private key anywhere; "
                    + "treat this key as compromised and make a new one. Send only the certificate.");
        }
        int begin = text.indexOf("-----BEGIN CERTIFICATE-----");
        if (begin < 0) {
            return badRequest(text.contains("CERTIFICATE REQUEST") ? "This is a CSR, not a certificate: the validator "
                    + "checks the certificate certdesk mailed you (client-cert.pem)."
                    : "The body holds no PEM certificate (-----BEGIN CERTIFICATE-----).");
        }
        X509Certificate certificate;
        try {
            certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(text.substring(begin).getBytes(StandardCharsets.US_ASCII)));
        } catch (CertificateException | RuntimeException e) {
            return badRequest("The PEM certificate cannot be read: it is damaged or truncated.");
        }
        Instant now = clock.instant();
        CertificateAuthority ca = authorities.signerOf(environment, certificate).orElseGet(() -> authorities.get(environment));
        CertificateCheck check = CertificateCheck.of(ca, certificate, now);
        boolean caTrusted = authorities.trusted(environment).contains(ca);
        String serial = SerialNumbers.hex(certificate.getSerialNumber());
        String status = check.issuedByThisCa() ? inventory.findBySerial(serial).map(c -> c.status().name()).orElse("UNKNOWN")
                : "NOT_ISSUED_HERE";
        if (check.issuedByThisCa() && !check.withinValidity() && IssuedCertificate.Status.ACTIVE.name().equals(status)) {
            status = IssuedCertificate.Status.EXPIRED.name();
        }
        Map<String, Object> verdict = new LinkedHashMap<>();
        verdict.put("environment", environment);
        verdict.put("valid", check.issuedByThisCa() && caTrusted && check.withinValidity() && "ACTIVE".equals(status));
        verdict.put("issuedByThisCa", check.issuedByThisCa());
        verdict.put("status", status);
        verdict.put("subject", certificate.getSubjectX500Principal().getName());
        verdict.put("issuer", certificate.getIssuerX500Principal().getName());
        verdict.put("serial", serial);
        verdict.put("notBefore", certificate.getNotBefore().toInstant().toString());
        verdict.put("notAfter", certificate.getNotAfter().toInstant().toString());
        verdict.put("chain", check.issuedByThisCa()
                ? List.of(certificate.getSubjectX500Principal().getName(), ca.certificate().getSubjectX500Principal().getName())
                : List.of(certificate.getSubjectX500Principal().getName()));
        verdict.put("caFingerprint", ca.sha256Fingerprint());
        verdict.put("caGeneration", ca.generation());
        List<String> problems = new ArrayList<>(check.problems());
        if (check.issuedByThisCa() && !caTrusted) {
            problems.add("issued by an earlier " + environment + " CA (generation " + ca.generation() + ") whose rollover overlap "
                    + "has ended: renew it to get a certificate of the current CA");
        }
        if (IssuedCertificate.Status.REVOKED.name().equals(status)) {
            inventory.revocation(serial).ifPresent(r -> problems.add("revoked on " + r.revokedAt() + " (" + r.reason() + ")"));
        }
        verdict.put("problems", problems);
        return ResponseEntity.ok(verdict);
    }

    private static ResponseEntity<Map<String, Object>> badRequest(String reason) {
        return ResponseEntity.badRequest().contentType(MediaType.APPLICATION_JSON).body(Map.of("error", reason));
    }
}
