-- Billing (issue 7): each tenant's Stripe state, the Stripe events already applied, plan usage, and the one bypass
-- that maps a Stripe customer to its tenant for the anonymous webhook.

-- One row per tenant, created on the first checkout or webhook; no row means the free plan, active.
-- Subscription fields are ordered by (state_as_of, state_event_id): an older event never overwrites a newer one.
create table billing_accounts (
  tenant_id uuid primary key references tenants (id),
  plan text not null,
  status text not null,
  stripe_customer_id text,
  stripe_subscription_id text,
  current_period_end timestamptz,
  -- Start of the delinquency the grace period counts from (period start when past_due/unpaid, end when canceled).
  delinquent_since timestamptz,
  state_as_of timestamptz,
  state_event_id text,
  last_invoice_status text,
  last_invoice_at timestamptz,
  updated_at timestamptz not null
);
-- A Stripe customer belongs to exactly one tenant; the webhook finds the tenant through it.
create unique index billing_accounts_customer on billing_accounts (stripe_customer_id) where stripe_customer_id is not null;
select app.protect_tenant_table('billing_accounts', 'no_supplier_scope');

-- Stripe events already applied: the dedupe row is inserted in the same transaction as the state change.
create table stripe_events (
  tenant_id uuid not null references tenants (id),
  event_id text not null,
  type text not null,
  created_at timestamptz not null,
  received_at timestamptz not null,
  primary key (tenant_id, event_id)
);
select app.protect_tenant_table('stripe_events', 'no_supplier_scope');
insert into app.runtime_revocations values ('stripe_events', 'update'), ('stripe_events', 'delete') on conflict do nothing;

-- Plan usage of the transaction's tenant (invoker rights, so RLS applies). The workers table arrives with
-- recruitment (002_recruitment.sql, a parallel branch): until it exists, active workers count as 0. Dynamic SQL
-- so this function compiles before and after that migration.
create or replace function app.billing_usage()
  returns table (sites bigint, active_workers bigint)
  language plpgsql stable as $$
begin
  select count(*) into sites from public.sites;
  if to_regclass('public.workers') is not null then
    execute 'select count(*) from public.workers where status = ''active''' into active_workers;
  else
    active_workers := 0;
  end if;
  return next;
end $$;

-- Bypass 4: the Stripe webhook knows only the customer id. Returns the tenant id and nothing else.
create or replace function app.tenant_by_stripe_customer(customer text)
  returns uuid
  language sql stable security definer set search_path = public as $$
  select b.tenant_id from billing_accounts b where b.stripe_customer_id = customer
$$;

grant select on billing_accounts to compliance_definer;
alter function app.tenant_by_stripe_customer(text) owner to compliance_definer;
