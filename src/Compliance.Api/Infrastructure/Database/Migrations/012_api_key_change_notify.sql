-- Every change to an API key (revocation; a deleted tenant's keys) is announced on channel api_key_changed with
-- the key id, so each API instance evicts the key from its lookup cache at once (ApiKeyCache, ApiKeyChangeListener).
-- The notification is delivered when the changing transaction commits.
create or replace function app.notify_api_key_changed() returns trigger
  language plpgsql as $$
begin
  perform pg_notify('api_key_changed', old.id::text);
  return null;
end $$;

drop trigger if exists api_keys_changed on api_keys;
create trigger api_keys_changed after update or delete on api_keys
  for each row execute function app.notify_api_key_changed();
