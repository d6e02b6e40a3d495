-- EST (RFC 7030) enrollment: a request that came over EST says which kind and which client certificate asked.
alter table certificate_request add column est_kind varchar(20);
alter table certificate_request add column est_client_serial varchar(64);

-- One row per (client certificate, CSR) ever received over EST: a repeat gets the same request's answer, never
-- a second certificate.
create table est_enrollment (
    client_serial  varchar(64) not null,
    csr_sha256     char(64)    not null,
    kind           varchar(20) not null,
    environment    varchar(40) not null,
    request_id     bigint      not null references certificate_request (id),
    created_at     timestamp with time zone not null,
    primary key (client_serial, csr_sha256)
);
create index est_enrollment_request on est_enrollment (request_id);
