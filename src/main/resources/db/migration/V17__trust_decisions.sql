-- What each of the two approvers decided, beside who: a partner CA is trusted only when both approved. A request
-- waiting for its second approval got there through an approving first decision.
alter table trust_request add column first_approved boolean;
alter table trust_request add column second_approved boolean;
update trust_request set first_approved = true where first_decided_by is not null and second_decided_by is null;
update trust_request set first_approved = true, second_approved = true where status = 'TRUSTED';
