-- Issue #20 (web intake speed): every filing and every worker page asks who reads the tenant's reports (bypasses 8
-- and 9). As `language sql` security-definer functions they cannot be inlined, and PostgreSQL plans a SQL function's
-- body again on every call: planning was most of their cost (0.20 ms and 0.05 ms of server CPU a call, against
-- 0.02 ms for the prepared statement around them). PL/pgSQL keeps each body's plan for the session. Same arguments,
-- results, owner, search path and rows; only the language changes.
create or replace function app.offices_reading(tenant uuid)
  returns table (office_id uuid, name text, kind text, verified boolean, migrated boolean, since timestamptz, readers integer)
  language plpgsql stable security definer set search_path = public as $$
#variable_conflict use_column
begin
  return query
  select o.id, o.name, o.kind, o.verified_at is not null, o.migrated, l.accepted_at,
         (select count(*)::integer from people p where p.office_id = o.id and p.disabled_at is null)
       + (select count(*)::integer from api_keys k
          where k.office_id = o.id and k.tenant_id = tenant and k.revoked_at is null and (k.expires_at is null or k.expires_at > now()))
  from handling_links l join handling_offices o on o.id = l.office_id
  where l.tenant_id = tenant and l.accepted_at is not null and l.ended_at is null
  order by l.accepted_at, o.name;
end
$$;
alter function app.offices_reading(uuid) owner to compliance_definer;

create or replace function app.owner_testimony_destinations(tenant uuid) returns integer
  language plpgsql stable security definer set search_path = public as $$
begin
  return (select count(*)::integer from escalation_destinations d where d.tenant_id = tenant and d.active);
end
$$;
alter function app.owner_testimony_destinations(uuid) owner to compliance_definer;
