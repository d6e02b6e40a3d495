-- One node at a time reads the support inbox; the lease passes to another node when its holder stops renewing it.
create table intake_lease (
    name        varchar(50)  primary key,
    owner       varchar(100) not null,
    expires_at  timestamp with time zone not null
);
insert into intake_lease (name, owner, expires_at) values ('support-inbox', 'nobody', timestamp '2000-01-01 00:00:00+00');
