-- certdesk's own tables; Camunda manages its ACT_* tables itself.

create sequence request_reference_seq start with 1;

create table organization (
    id            varchar(64)  primary key,
    company_name  varchar(200),
    created_at    timestamp with time zone not null
);

create table organization_contact (
    organization_id varchar(64)  not null references organization (id),
    email           varchar(254) not null,
    name            varchar(200),
    role            varchar(20)  not null,
    added_at        timestamp with time zone not null,
    primary key (organization_id, email, role)
);

-- One row per support mail ever taken in: its Message-ID makes intake idempotent.
create table intake_mail (
    message_id_hash   char(64)      primary key,
    message_id        varchar(1000) not null,
    sender            varchar(254),
    subject           varchar(1000),
    received_at       timestamp with time zone not null,
    outcome           varchar(30)   not null,
    request_reference varchar(20)
);

create table certificate_request (
    id                       bigint       primary key,
    reference                varchar(20)  not null unique,
    created_at               timestamp with time zone not null,
    message_id               varchar(1000),
    mail_subject             varchar(1000),
    sender_email             varchar(254),
    sender_name              varchar(200),
    claimed_organization_id  varchar(200),
    claimed_company_name     varchar(200),
    claimed_environment      varchar(200),
    technical_contact_name   varchar(200),
    technical_contact_email  varchar(254),
    csr_pem                  text,
    intake_problems          text,
    private_key_findings     text,
    organization_id          varchar(64),
    company_name             varchar(200),
    environment              varchar(40),
    subject                  varchar(2000),
    key_description          varchar(100),
    public_key_sha256        char(64),
    findings                 text,
    status                   varchar(30)  not null,
    decided_by               varchar(100),
    decision_reason          varchar(2000),
    decided_at               timestamp with time zone,
    certificate_serial       varchar(64)
);

create table issued_certificate (
    serial             varchar(64)   primary key,
    environment        varchar(40)   not null,
    request_reference  varchar(20)   not null unique,
    organization_id    varchar(64)   not null,
    subject            varchar(2000) not null,
    public_key_sha256  char(64)      not null,
    not_before         timestamp with time zone not null,
    not_after          timestamp with time zone not null,
    status             varchar(20)   not null,
    certificate_pem    text          not null,
    issued_at          timestamp with time zone not null,
    revoked_at         timestamp with time zone,
    revocation_reason  varchar(40)
);

create index issued_certificate_organization on issued_certificate (organization_id);
create index issued_certificate_not_after on issued_certificate (not_after);
