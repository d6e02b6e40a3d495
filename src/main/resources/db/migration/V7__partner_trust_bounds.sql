-- A partner CA is trusted only for the organizations it was approved for: one row per approval.
create table partner_ca_grant (
    environment      varchar(40)   not null,
    fingerprint      varchar(100)  not null,
    organization_id  varchar(64)   not null,
    trust_reference  varchar(20)   not null,
    approved_by      varchar(300)  not null,
    approved_at      timestamp with time zone not null,
    primary key (environment, fingerprint, organization_id)
);

insert into partner_ca_grant (environment, fingerprint, organization_id, trust_reference, approved_by, approved_at)
    select environment, fingerprint, organization_id, trust_reference, approved_by, approved_at from partner_ca;

-- Client certificates an administrator blocked by SHA-256 fingerprint (colon hex, upper case): refused at the handshake.
create table client_certificate_block (
    fingerprint  varchar(100)  primary key,
    reason       varchar(1000) not null,
    blocked_by   varchar(300)  not null,
    blocked_at   timestamp with time zone not null
);
