-- Whether each request's mail came provably from its sender's domain (DKIM), and which organizations require it.
alter table certificate_request add column mail_authenticity varchar(8);
alter table certificate_request add column mail_authenticity_domain varchar(300);
alter table certificate_request add column mail_authenticity_detail varchar(2000);
alter table organization add column require_dkim boolean default false not null;
