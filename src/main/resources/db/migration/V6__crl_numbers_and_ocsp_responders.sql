-- Each CA's CRL as last published, shared by every node. A CRL number is taken from crl_number under a row
-- lock, never from a clock, so it grows whatever the nodes' clocks say; a node serves the stored CRL instead of
-- one of its own, so no node serves an older number than another already has.
create table crl (
    environment         varchar(40) primary key,
    crl_number          bigint      not null,
    revocation_version  bigint      not null,
    this_update         timestamp with time zone not null,
    next_update         timestamp with time zone not null,
    der                 bytea
);

-- Before this table, a CRL number was its signing node's clock in milliseconds. A CA's first number from the
-- database starts above that: the database's clock at migration plus a year, which covers nodes whose clocks
-- ran fast and nodes of the previous version still publishing during an upgrade.
create table crl_number_floor (
    floor_value bigint not null
);
insert into crl_number_floor (floor_value) values (cast(extract(epoch from current_timestamp) * 1000 as bigint) + 31622400000);

-- What a certificate is for: CLIENT (issued for a request) or OCSP_SIGNING (a node's delegated OCSP responder,
-- issued by the CA at start-up, short-lived, outside the client lifecycle).
alter table issued_certificate add column purpose varchar(20) default 'CLIENT' not null;
