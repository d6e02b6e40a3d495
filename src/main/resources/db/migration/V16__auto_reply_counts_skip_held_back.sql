-- The throttle counts the replies sent to an address and to a domain within the window. Indexed with whether the
-- reply was held back, a count reads only the replies sent (at most the limit), not every forged mail of a flood
-- that was held back: without it each decision during a flood read all earlier ones.
create index auto_reply_recipient_sent on auto_reply (recipient, throttled, decided_at);
create index auto_reply_domain_sent on auto_reply (recipient_domain, throttled, decided_at);
drop index auto_reply_recipient;
drop index auto_reply_domain;
