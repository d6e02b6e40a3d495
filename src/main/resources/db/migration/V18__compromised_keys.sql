-- Public keys certdesk knows to be compromised, by SHA-256 of each encoding: a certificate with the key was revoked
-- for keyCompromise, or the private key turned up in a mail. No such key is certified again, for anyone.
create table compromised_key (
    public_key_sha256 varchar(64)  primary key,
    kind              varchar(16)  not null,
    source            varchar(500) not null,
    recorded_at       timestamp with time zone not null
);

insert into compromised_key (public_key_sha256, kind, source, recorded_at)
select public_key_sha256, 'REVOKED', 'certificate ' || min(serial) || ' revoked for keyCompromise', min(revoked_at)
from issued_certificate
where status = 'REVOKED' and revocation_reason = 'keyCompromise' and public_key_sha256 is not null
group by public_key_sha256;
