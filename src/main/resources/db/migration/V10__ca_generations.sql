-- Each environment's CAs across rollovers. Generation 1 is the configured CA (its key in the configured keystore
-- or token), recorded here at first start; a rollover adds the next generation, its key either in the
-- environment's PKCS#11 token (token_key_label) or, for a software CA, as a PKCS#12 keystore encrypted with the
-- environment's CA password (keystore), so that every node can sign with it. States: PENDING (made, not yet
-- issuing), ISSUING (signs new certificates; one per environment), RETIRED (trusted until trusted_until, its CRL
-- and OCSP served until its last certificate expires).
create table ca_generation (
    environment        varchar(40)  not null,
    generation         integer      not null,
    state              varchar(20)  not null,
    certificate_pem    text         not null,
    sha256_fingerprint varchar(100) not null,
    not_after          timestamp with time zone not null,
    token_key_label    varchar(200),
    keystore           bytea,
    rollover_reference varchar(80),
    created_at         timestamp with time zone not null,
    activated_at       timestamp with time zone,
    retired_at         timestamp with time zone,
    trusted_until      timestamp with time zone,
    primary key (environment, generation)
);

-- Which generation of its environment's CA signed a certificate (1: the configured CA, as before any rollover).
alter table issued_certificate add column ca_generation integer default 1 not null;

-- The operators' reminders of a CA's expiry, each sent once.
create table ca_expiry_reminder (
    environment  varchar(40) not null,
    generation   integer     not null,
    days_before  integer     not null,
    sent_at      timestamp with time zone not null,
    primary key (environment, generation, days_before)
);

-- A CA rollover as asked for and decided: who asked, and the two administrators who decided (four eyes). States:
-- REQUESTED, APPROVED (both approved, new CA made), DONE, REJECTED, REFUSED, ABANDONED (its process is gone).
create table ca_rollover (
    reference          varchar(80)  primary key,
    environment        varchar(40)  not null,
    requested_by       varchar(100) not null,
    requested_at       timestamp with time zone not null,
    overlap_days       integer      not null,
    reason             varchar(2000),
    first_decided_by   varchar(100),
    first_approved     boolean,
    second_decided_by  varchar(100),
    second_approved    boolean,
    state              varchar(20)  not null,
    generation         integer,
    -- the process that carries this rollover, and the secret it was started with: a process started elsewhere
    -- with the same business key is not this rollover
    process_instance_id varchar(64),
    start_token        varchar(64)
);
