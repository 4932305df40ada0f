--------------------------------------------------------------------------------
-- Suppression matching (SPEC §10.4): does an address fall under an active
-- suppression? Read by contact selection (email_usable), the gate, dispatch and
-- the suppression triggers, so it is defined before all of them; the list itself
-- (suppress, lift_suppression, the triggers that keep derived state exact) is
-- sql/80_dispatch/20_suppression.sql.
--
--   pattern with @      an address; * matches any run of characters
--                       (legal@*, *@rival.com, *.bot@*)
--   pattern without @   a domain: the address's domain or any parent of it
--                       (rival.com matches a@rival.com and a@eu.rival.com)
-- Everything is compared lower-cased and trimmed.
--
-- Exact addresses and domains are looked up by key (an address's keys are itself,
-- its domain and every parent domain) through the unique index of active patterns;
-- only the few glob patterns are scanned. `language sql`, stable, no SET clause:
-- these inline into their callers.
--------------------------------------------------------------------------------

create or replace function outreach.email_keys(email text)
returns text[]
language plpgsql
immutable
parallel safe
as $$
-- 'a@x.rival.com' → {a@x.rival.com, x.rival.com, rival.com, com}. PL/pgSQL on purpose:
-- a loop over strpos is five times faster than splitting into labels in a subquery, and
-- every suppression check (contact summaries, claims, the gate) computes these keys.
declare
  e text := lower(btrim(email_keys.email));
  d text;
  i int;
  keys text[];
begin
  if e is null then
    return array[null::text];
  end if;
  keys := array[e];
  i := strpos(e, '@');
  if i = 0 then
    return keys;
  end if;
  d := substr(e, i + 1);
  while d <> '' loop
    keys := keys || d;
    i := strpos(d, '.');
    exit when i = 0;
    d := substr(d, i + 1);
  end loop;
  return keys;
end
$$;
comment on function outreach.email_keys(text) is
  'The exact keys an address is suppressed by: the address itself (lower-cased, trimmed), its domain and every parent domain.';

create or replace function outreach.suppression_like(pattern text)
returns text
language sql
immutable
parallel safe
as $$
  -- LIKE's own wildcards and escape are literal in a suppression; * is the wildcard.
  select replace(replace(replace(replace(pattern, '\', '\\'), '%', '\%'), '_', '\_'), '*', '%')
$$;
comment on function outreach.suppression_like(text) is
  'A glob suppression pattern (* = any run of characters) as a LIKE pattern, with %, _ and \ taken literally.';

create or replace function outreach.suppression_matches(pattern text, email text)
returns boolean
language sql
immutable
parallel safe
as $$
  select case
           when suppression_matches.pattern is null or coalesce(btrim(suppression_matches.email), '') = '' then false
           when strpos(suppression_matches.pattern, '*') > 0 then
             lower(btrim(suppression_matches.email)) like outreach.suppression_like(suppression_matches.pattern)
           else suppression_matches.pattern = any (outreach.email_keys(suppression_matches.email))
         end
$$;
comment on function outreach.suppression_matches(text, text) is
  'Whether one suppression pattern matches an address: an exact address, a glob (* = any run of characters) or a domain with its subdomains; case-insensitive.';

create or replace function outreach.is_suppressed(email text)
returns boolean
language sql
stable
parallel safe
as $$
  select coalesce(btrim(is_suppressed.email), '') <> ''
     and (exists (select 1 from outreach.suppressions s
                   where s.lifted_at is null
                     and s.pattern = any (outreach.email_keys(is_suppressed.email)))
          or exists (select 1 from outreach.suppressions s
                      where s.lifted_at is null
                        and strpos(s.pattern, '*') > 0
                        and lower(btrim(is_suppressed.email)) like outreach.suppression_like(s.pattern)))
$$;
comment on function outreach.is_suppressed(text) is
  'True when an active suppression matches the address: the exact address, a glob pattern (legal@*, *@rival.com), or its domain or a parent domain; case-insensitive. False for NULL or blank.';

create or replace function outreach.domain_suppressed(domain text)
returns boolean
language sql
stable
parallel safe
as $$
  -- The domain's keys: itself and its parents (the keys of an address at it, minus the address).
  select coalesce(btrim(domain_suppressed.domain), '') <> ''
     and exists (select 1 from outreach.suppressions s
                  where s.lifted_at is null
                    and strpos(s.pattern, '@') = 0
                    and s.pattern = any ((outreach.email_keys('@' || lower(btrim(domain_suppressed.domain))))[2:]))
$$;
comment on function outreach.domain_suppressed(text) is
  'True when an active domain suppression names the domain or a parent of it (a company''s target domain: candidates() reports suppressed).';
