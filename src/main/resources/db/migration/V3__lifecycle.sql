-- Reminders not yet started, one row per certificate and offset; a row leaves the table when its reminder
-- process starts, so the due-selection reads only what is due, whatever the inventory's size.
create table expiry_reminder (
    serial       varchar(64) not null references issued_certificate (serial),
    days_before  int         not null,
    due_at       timestamp with time zone not null,
    primary key (serial, days_before)
);
create index expiry_reminder_due on expiry_reminder (due_at);

alter table issued_certificate add column superseded_by varchar(64);
alter table issued_certificate add column supersede_revocation_due timestamp with time zone;
create index issued_certificate_expiry on issued_certificate (status, not_after);
create index issued_certificate_supersede_due on issued_certificate (supersede_revocation_due);

-- The certificates a request renews (same organization and environment), comma-separated serials.
alter table certificate_request add column renewal_of varchar(1000);
