-- Issue 18: passkeys (WebAuthn credentials), as ASP.NET Core Identity's schema version 3 has them. The credential id
-- (at most 1023 bytes by the WebAuthn spec) is the key; the public key, sign count, flags, transports and the
-- attestation the browser sent are Identity's IdentityPasskeyData, kept as the one JSON document EF Core maps it to.
create table person_passkeys (
  credential_id bytea primary key check (octet_length(credential_id) between 1 and 1024),
  user_id uuid not null references people (id) on delete cascade,
  data jsonb not null
);
create index person_passkeys_user on person_passkeys (user_id);

-- A second factor, like the authenticator key in person_tokens: the identity store only.
alter table person_passkeys enable row level security;
alter table person_passkeys force row level security;
create policy identity_store_only on person_passkeys using (app.identity_store()) with check (app.identity_store());
