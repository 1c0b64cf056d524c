SET client_min_messages = warning;
CREATE FUNCTION hg_version() RETURNS text LANGUAGE sql AS \$\$ SELECT 'Hologres 3.0.10 (fake, PostgreSQL inside)' \$\$;
CREATE SCHEMA hologres;
CREATE TABLE hologres.hg_table_properties (table_namespace text, table_name text, property_key text, property_value text);
INSERT INTO hologres.hg_table_properties VALUES ('public', '$pid', 'distribution_key', 'grp');
$pidddl
