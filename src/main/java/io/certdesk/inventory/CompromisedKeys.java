package io.certdesk.inventory;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Public keys certdesk knows to be compromised, as SHA-256 of each encoding of the key: none is certified again,
 * for any organization, in any environment. A key gets here when a certificate with it is revoked for
 * keyCompromise, or when its private key turns up in a mail, whether or not it was ever certified.
 */
@Repository
public class CompromisedKeys {

    /** How certdesk learned of it. */
    public enum Kind {
        /** A certificate with the key was revoked for keyCompromise. */
        REVOKED,
        /** The private key was found in a mail. */
        EXPOSED
    }

    public record Compromised(String publicKeySha256, Kind kind, String source, Instant recordedAt) {
    }

    private final JdbcClient jdbc;

    public CompromisedKeys(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Records the key's hashes; one already known keeps what was recorded first. */
    public void record(Collection<String> publicKeySha256s, Kind kind, String source, Instant at) {
        String shown = source.length() > 500 ? source.substring(0, 500) : source;
        for (String hash : publicKeySha256s) {
            jdbc.sql("insert into compromised_key (public_key_sha256, kind, source, recorded_at) select ?, ?, ?, ? "
                            + "where not exists (select 1 from compromised_key where public_key_sha256 = ?)")
                    .params(hash, kind.name(), shown, Timestamp.from(at), hash).update();
        }
    }

    /** The first of these hashes (a key's encodings) that is known compromised, if any. */
    public Optional<Compromised> find(List<String> publicKeySha256s) {
        if (publicKeySha256s.isEmpty()) {
            return Optional.empty();
        }
        return jdbc.sql("select public_key_sha256, kind, source, recorded_at from compromised_key where public_key_sha256 in (:hashes) "
                        + "order by recorded_at fetch first 1 rows only")
                .param("hashes", publicKeySha256s)
                .query((rs, n) -> new Compromised(rs.getString(1), Kind.valueOf(rs.getString(2)), rs.getString(3),
                        rs.getTimestamp(4).toInstant())).optional();
    }

    public boolean any(List<String> publicKeySha256s) {
        return find(publicKeySha256s).isPresent();
    }
}
