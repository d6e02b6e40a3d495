-- Who decided, as the authenticated user who completed the task: certdesk's record, not a process variable.
alter table trust_request add column first_decided_by varchar(300);
alter table trust_request add column first_decided_at timestamp with time zone;
alter table trust_request add column second_decided_by varchar(300);
alter table trust_request add column second_decided_at timestamp with time zone;
alter table issued_certificate add column revoked_by varchar(300);
