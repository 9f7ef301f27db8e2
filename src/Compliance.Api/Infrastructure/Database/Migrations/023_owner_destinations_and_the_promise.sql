-- Review of issue #18 (finding 2): escalation destinations are configured by the tenant owner (its URL, its kind). A
-- worker who consents to "a support group (NGO)" has their words sent wherever the owner registered that kind, so
-- while a tenant has any active destination the worker page cannot promise that the employer cannot see what the
-- worker writes. Bypass 9: the worker page knows only the intake code; returns a count, nothing else.
create or replace function app.owner_testimony_destinations(tenant uuid) returns integer
  language sql stable security definer set search_path = public as $$
  select count(*)::integer from escalation_destinations d where d.tenant_id = tenant and d.active
$$;
grant select on escalation_destinations to compliance_definer;
alter function app.owner_testimony_destinations(uuid) owner to compliance_definer;
