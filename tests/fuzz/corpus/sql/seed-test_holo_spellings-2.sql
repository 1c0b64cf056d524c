SET client_min_messages = warning;
CREATE TABLE $tbl (id bigint PRIMARY KEY, name text);
CREATE TABLE $log (cmd text);
CREATE FUNCTION ${log}_f() RETURNS trigger LANGUAGE plpgsql AS \$f\$
BEGIN
  INSERT INTO $log VALUES (upper(split_part(ltrim(current_query()), ' ', 1)));
  RETURN NULL;
END \$f\$;
CREATE TRIGGER ${log}_t AFTER INSERT ON $tbl FOR EACH STATEMENT EXECUTE FUNCTION ${log}_f();
