-- Partner CAs approved (by two approvers) for an organization and environment.
create table partner_ca (
    environment      varchar(40)   not null,
    fingerprint      varchar(100)  not null,
    organization_id  varchar(64)   not null,
    subject          varchar(2000) not null,
    certificate_pem  text          not null,
    trust_reference  varchar(20)   not null,
    approved_by      varchar(300)  not null,
    approved_at      timestamp with time zone not null,
    primary key (environment, fingerprint)
);

-- Who trusted what, when: every change of a trust bundle.
create table trust_audit (
    at           timestamp with time zone not null,
    environment  varchar(40)   not null,
    action       varchar(20)   not null,
    fingerprint  varchar(100)  not null,
    subject      varchar(2000) not null,
    actor        varchar(300)  not null,
    reference    varchar(20)   not null
);

-- A client's request to trust its partner CA, with the chain it sent (certificates only, public).
create table trust_request (
    id               bigint        primary key,
    reference        varchar(20)   not null unique,
    created_at       timestamp with time zone not null,
    message_id       varchar(1000),
    sender_email     varchar(254),
    organization_id  varchar(200),
    environment      varchar(200),
    chain_pem        text,
    problems         text,
    status           varchar(30)   not null
);

-- Partner leaves are kept in the inventory for their expiry; they are not certdesk's to revoke or list.
alter table issued_certificate add column issuer_kind varchar(10) default 'CERTDESK' not null;
