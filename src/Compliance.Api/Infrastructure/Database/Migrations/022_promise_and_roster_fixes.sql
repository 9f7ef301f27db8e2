-- Review of issue #18 (findings 1, 3, 8).
-- 1. Whether the worker page promised "your employer cannot see what you write" when this report was filed: such a
--    report is never readable by a reader that would break the promise later (an internal, migrated or unverified
--    office), whatever is linked afterwards (TestimonyReader).
alter table grievances add column promised_independent boolean not null default false;

-- 3. A tenant sees an office's office-wide roster rows only through an accepted link (a request alone showed a
--    stranger the office's staff names), up to the link's end.
drop policy if exists roster_parties on testimony_access_roster;
create policy roster_parties on testimony_access_roster
  using (office_id = app.current_office()
         or (app.current_office() is null and (
              tenant_id = app.current_tenant()
              or (tenant_id is null and exists (
                    select 1 from handling_links l
                    where l.office_id = testimony_access_roster.office_id and l.tenant_id = app.current_tenant()
                      and l.accepted_at is not null
                      and (l.ended_at is null or testimony_access_roster.at <= l.ended_at))))))
  with check (office_id = app.current_office() or tenant_id = app.current_tenant());

-- 8. Another tenant's internal office (its own grievance staff) cannot be requested: its code resolves to nothing.
--    The definer reads the caller's tenant through app.current_tenant(), so it may use the app schema.
grant usage on schema app to compliance_definer;
create or replace function app.resolve_office_code(office_code text) returns uuid
  language sql stable security definer set search_path = public as $$
  select o.id from handling_offices o
  where o.code = office_code and (o.internal_tenant_id is null or o.internal_tenant_id = app.current_tenant())
$$;
alter function app.resolve_office_code(text) owner to compliance_definer;

-- 5. A link that ends revokes its office's keys for that tenant, whichever side ends it (the office may not see the
--    tenant's key rows under row-level security, so this runs as the definer role), and each revocation is on the
--    roster. A later link starts with no key of the old one.
create or replace function app.revoke_keys_of_ended_link() returns trigger
  language plpgsql security definer set search_path = public as $$
begin
  if new.ended_at is not null and old.ended_at is null then
    insert into testimony_access_roster (id, office_id, tenant_id, at, change, subject, actor)
      select gen_random_uuid(), k.office_id, k.tenant_id, new.ended_at, 'key-revoked', k.name, new.ended_by
      from api_keys k
      where k.office_id = new.office_id and k.tenant_id = new.tenant_id and k.revoked_at is null;
    update api_keys set revoked_at = new.ended_at
      where office_id = new.office_id and tenant_id = new.tenant_id and revoked_at is null;
  end if;
  return null;
end $$;
grant update (revoked_at) on api_keys to compliance_definer;
grant insert on testimony_access_roster to compliance_definer;
grant usage on sequence testimony_access_roster_seq_seq to compliance_definer;
alter function app.revoke_keys_of_ended_link() owner to compliance_definer;
drop trigger if exists handling_links_revoke_keys on handling_links;
create trigger handling_links_revoke_keys after update on handling_links
  for each row execute function app.revoke_keys_of_ended_link();
