-- Test fixtures, created in pg_temp so they vanish with the session.
-- Include from a test file with:  \ir ../fixtures.sql

-- A CL company; returns its sovereign id.
create function pg_temp.company(name text default 'Acme', domain text default null)
returns uuid language sql volatile as $$
  insert into cl.company_identity (company_name, company_domain)
  values (name, coalesce(domain, lower(regexp_replace(name, '\W', '', 'g')) || '.example'))
  returning sovereign_company_id;
$$;

-- A fresh correlation id.
create function pg_temp.cid() returns uuid language sql volatile as $$ select gen_random_uuid() $$;

-- A UUID of the given version (for OR004 tests).
create function pg_temp.uuid_v(version int) returns uuid language sql volatile as $$
  select overlay(overlay(gen_random_uuid()::text placing version::text from 15 for 1)
                 placing '8' from 20 for 1)::uuid;
$$;
