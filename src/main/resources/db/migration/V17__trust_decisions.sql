-- What each of the two approvers decided, beside who: a partner CA is trusted only when both approved. Requests
-- decided before this column existed get it, at their trust step, from the decisions their process recorded.
alter table trust_request add column first_approved boolean;
alter table trust_request add column second_approved boolean;
