-- RLS policies evaluated once per statement instead of once per row.
--
-- The policies compared every row with app.current_tenant() / app.current_supplier(), which PostgreSQL runs per
-- row (current_setting + text->uuid cast each time): a seq scan of 200,000 workers spent most of its time there,
-- and the planner could only guess the selectivity of "app.current_supplier() is null" (0.5%), so whole-table
-- statements were planned as if they read a handful of rows. Written as scalar subqueries, (select
-- app.current_tenant()) is an InitPlan: evaluated once per statement, its value compared per row like a
-- parameter. Same expressions, same USING and WITH CHECK, so the same rows are visible and writable; the
-- setting is transaction-local and cannot change within a statement, so evaluating it once is not a change
-- of meaning.
create or replace function app.protect_tenant_table(tbl regclass, supplier_column text default 'supplier_id') returns void
  language plpgsql as $$
declare
  has_supplier boolean;
begin
  select exists (select 1 from pg_attribute where attrelid = tbl and attname = supplier_column and not attisdropped)
    into has_supplier;
  execute format('alter table %s enable row level security', tbl);
  execute format('alter table %s force row level security', tbl);
  execute format('drop policy if exists tenant_isolation on %s', tbl);
  execute format(
    'create policy tenant_isolation on %s using (tenant_id = (select app.current_tenant())) with check (tenant_id = (select app.current_tenant()))',
    tbl);
  execute format('drop policy if exists supplier_isolation on %s', tbl);
  if has_supplier then
    execute format(
      'create policy supplier_isolation on %s as restrictive '
      || 'using ((select app.current_supplier()) is null or %I = (select app.current_supplier())) '
      || 'with check ((select app.current_supplier()) is null or %I = (select app.current_supplier()))',
      tbl, supplier_column, supplier_column);
  end if;
end $$;

-- Re-apply to every protected table, keeping each table's supplier scope as it is today: the column its
-- supplier_isolation policy compares (suppliers uses id), or none (api_keys, tables without a supplier).
do $$
declare
  r record;
  before_count int;
  after_count int;
begin
  select count(*) into before_count from pg_policies where schemaname = 'public';
  for r in
    select t.tablename,
           coalesce(
             (select substring(s.qual from '\((\w+) = app\.current_supplier\(\)\)')
              from pg_policies s
              where s.schemaname = 'public' and s.tablename = t.tablename and s.policyname = 'supplier_isolation'),
             'no_supplier_scope') as supplier_column
    from pg_policies t
    where t.schemaname = 'public' and t.policyname = 'tenant_isolation'
  loop
    if r.supplier_column is null then
      raise exception 'supplier_isolation policy of % has an unexpected form', r.tablename;
    end if;
    perform app.protect_tenant_table(format('public.%I', r.tablename)::regclass, r.supplier_column);
  end loop;

  drop policy tenant_self on tenants;
  create policy tenant_self on tenants using (id = (select app.current_tenant())) with check (id = (select app.current_tenant()));

  select count(*) into after_count from pg_policies where schemaname = 'public';
  if after_count <> before_count then
    raise exception 'policy count changed from % to %', before_count, after_count;
  end if;
  if exists (select 1 from pg_policies where schemaname = 'public' and (qual ~ '(= |\()app\.current_' or with_check ~ '(= |\()app\.current_')) then
    raise exception 'a policy still calls app.current_tenant/current_supplier per row';
  end if;
end $$;
