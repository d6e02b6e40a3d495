-- Every automatic reply certdesk decided to send or to hold back, so that replies to one address or domain stay
-- few per hour across all nodes. A held-back reply is recorded here with its reason; its request goes on as usual.
create table auto_reply (
    reply_key         char(64)     primary key,
    recipient         varchar(254) not null,
    recipient_domain  varchar(254) not null,
    template          varchar(40)  not null,
    reference         varchar(200),
    decided_at        timestamp with time zone not null,
    throttled         boolean      not null,
    reason            varchar(40)
);

create index auto_reply_recipient on auto_reply (recipient, decided_at);
create index auto_reply_domain on auto_reply (recipient_domain, decided_at);
create index auto_reply_decided on auto_reply (decided_at);

-- The row every node locks while it counts and records a reply, so two nodes cannot both take the last one.
create table auto_reply_lock (
    name        varchar(50) primary key,
    locked_at   timestamp with time zone not null
);
insert into auto_reply_lock (name, locked_at) values ('auto-replies', timestamp '2000-01-01 00:00:00+00');
