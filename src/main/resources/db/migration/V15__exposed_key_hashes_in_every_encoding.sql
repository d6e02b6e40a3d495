-- An exposed private key's public key is matched in every encoding a certificate may carry it in (an EC point
-- compressed or not, RSA parameters NULL or absent), so a mail keeps up to 300 hashes.
alter table certificate_request alter column exposed_key_hashes set data type varchar(20000);
