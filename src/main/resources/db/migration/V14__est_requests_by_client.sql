-- A revocation looks up what the revoked certificate asked for over EST: its open requests are closed, and after a
-- key compromise what it renewed is revoked too.
create index certificate_request_est_client on certificate_request (est_client_serial);
