-- Public-key hashes of private keys seen in a mail (never the keys), to revoke the certificates they unlock.
alter table certificate_request add column exposed_key_hashes varchar(2000);

create index issued_certificate_public_key on issued_certificate (public_key_sha256);
create index issued_certificate_status on issued_certificate (environment, status);
